"""How a user becomes involved with a resident through this app (see thurrock_care/access.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from localities.models import BreakGlassGrant, Consent

if TYPE_CHECKING:
    from thurrock_care.accounts.models import User


def named_in_current_consent(user: User) -> Q:
    """The user's organisation is named in the resident's current, unexpired consent to share."""
    if user.organisation_id is None:
        return Q(pk__in=[])
    consents = Consent.objects.filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=timezone.localdate()),
        resident_id=OuterRef("pk"),
        is_current=True,
        decision=Consent.Decision.GIVEN,
        organisations=user.organisation_id,
    )
    return Q(Exists(consents))


def named_in_current_consent_pairs(user: str, resident: str) -> Q:
    consents = Consent.objects.filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=timezone.localdate()),
        is_current=True,
        decision=Consent.Decision.GIVEN,
        organisations=OuterRef(f"{user}__organisation"),  # none: never equal
        resident=OuterRef(resident),
    )
    return Q(Exists(consents))


def added_the_record(user: User) -> Q:
    """Whoever added a record sees it: nobody writes a record they then cannot see (a partner
    who meets someone new, say). What they may change is another rule (access.py)."""
    return Q(created_by=user)


def added_the_record_pairs(user: str, resident: str) -> Q:
    return Q(**{f"{resident}__created_by": F(user)})


def holds_break_glass_grant(user: User) -> Q:
    grants = BreakGlassGrant.objects.filter(
        resident_id=OuterRef("pk"), user=user, expires_at__gt=timezone.now()
    )
    return Q(Exists(grants))


def holds_break_glass_grant_pairs(user: str, resident: str) -> Q:
    grants = BreakGlassGrant.objects.filter(
        user=OuterRef(user), resident=OuterRef(resident), expires_at__gt=timezone.now()
    )
    return Q(Exists(grants))
