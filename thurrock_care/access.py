"""The need-to-know gate: which residents a member of staff may see (DESIGN.md, "Access").

The rules live here, in one place. Resident.objects.visible_to(user) applies them, and every
view, API endpoint, search, export and admin list of resident data starts from that queryset.

- practitioners of a core organisation (council, NHS, Thurrock First) and coordinators see the
  residents of the localities they work in;
- administrators see every record (they merge duplicates and reverse merges; audited);
- everyone else sees a resident only while *involved*: each feature app registers what
  involvement means for it (localities: the user's organisation is named in the resident's
  current consent to share; later, MDT invitations and Wellbeing Team support);
- anyone may hold a time-limited break-glass grant for one resident;
- managers see aggregates, never named residents: no rule lets them in.

Rules return a Q over the Resident model, so the gate is one SQL query however many apply.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.db.models import Q

from thurrock_care.accounts.models import Role

if TYPE_CHECKING:
    from thurrock_care.accounts.models import User

Rule = Callable[["User"], Q]

_involvement_rules: list[Rule] = []

# Roles that may read fields marked sensitive (key safety information): those who work with
# the resident face to face. Partners and break-glass readers see that there is a note, not it.
SENSITIVE_ROLES = frozenset({Role.PRACTITIONER, Role.COORDINATOR, Role.WELLBEING_WORKER})


def register_involvement(rule: Rule) -> Rule:
    """Add a way of being involved with a resident (call from an app's AppConfig.ready)."""
    if rule not in _involvement_rules:
        _involvement_rules.append(rule)
    return rule


def nobody() -> Q:
    return Q(pk__in=[])


def resident_filter(user: User) -> Q:
    """The residents this user may see, as a filter on Resident."""
    if not (user.is_authenticated and user.is_active) or user.role == Role.MANAGER:
        return nobody()
    if user.role == Role.ADMINISTRATOR:
        return Q()
    allowed = nobody()
    if user.role == Role.COORDINATOR or (
        user.role == Role.PRACTITIONER
        and user.organisation is not None
        and user.organisation.is_core
    ):
        allowed |= Q(neighbourhood__locality__in=user.localities.all())
    for rule in _involvement_rules:
        allowed |= rule(user)
    return allowed


def can_see_sensitive(user: User) -> bool:
    return user.role in SENSITIVE_ROLES


def sees_named_residents(user: User) -> bool:
    """Roles that work with named residents at all (managers see figures only)."""
    return user.is_authenticated and user.is_active and user.role != Role.MANAGER


def can_review_access(user: User, locality_id: int) -> bool:
    """Coordinators of the locality and administrators see who looked at a record."""
    if user.role == Role.ADMINISTRATOR:
        return True
    return user.role == Role.COORDINATOR and user.localities.filter(pk=locality_id).exists()


def can_merge(user: User, locality_id: int) -> bool:
    """Duplicates are merged by administrators and by the locality's coordinators."""
    return can_review_access(user, locality_id)
