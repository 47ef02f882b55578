"""Who may see and do what: every role rule of the product, and nowhere else.

Rules are plain functions of the user. Those about records return a `Q` over one model, so that
each entity's gate is a QuerySet method (`Resident.objects.visible_to(user)`,
`Meeting.objects.editable_by(user)`, …) built from them in one SQL query; views, the API, the
administration site and services all start from those methods, never from a role check of
their own.

Residents (DESIGN.md, "Access: need to know"):

- practitioners of a core organisation (council, NHS, Thurrock First) and coordinators see the
  residents of the localities they work in;
- administrators see every record (they merge duplicates and reverse merges; audited);
- everyone else sees a resident only while *involved*: each feature app registers what
  involvement means for it (localities: the user's organisation is named in the resident's
  current consent to share, or the user added the record; later, MDT invitations and Wellbeing
  Team support);
- anyone may hold a time-limited break-glass grant for one resident;
- managers see aggregates, never named residents: no rule lets them in.

Seeing is not changing: core practitioners and coordinators of the resident's locality (and
administrators) change a resident's details, story, people and places, consent and status;
everyone else who sees the record reads it and adds their own entries (feature apps).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q

from thurrock_care.accounts.models import Role

if TYPE_CHECKING:
    from thurrock_care.accounts.models import User

Rule = Callable[["User"], Q]
# The same rule over rows that name a user and a resident (a follow-up's owner and resident):
# given the paths to each on the row, a Q true where that user is involved with that resident.
PairRule = Callable[[str, str], Q]

_involvement_rules: list[Rule] = []
_involvement_pairs: list[PairRule] = []

# Roles that may read fields marked sensitive (key safety information): those who work with
# the resident face to face. Partners and break-glass readers see that there is a note, not it.
SENSITIVE_ROLES = frozenset({Role.PRACTITIONER, Role.COORDINATOR, Role.WELLBEING_WORKER})

# Who adds and updates community assets (the directory is borough-wide); managers only read.
ASSET_EDITOR_ROLES = frozenset(
    {Role.PRACTITIONER, Role.COORDINATOR, Role.WELLBEING_WORKER, Role.PARTNER, Role.ADMINISTRATOR}
)

# Who writes learning cycles for the localities they work in.
LEARNING_ROLES = frozenset({Role.COORDINATOR, Role.PRACTITIONER})


def register_involvement(rule: Rule, *, pairs: PairRule) -> Rule:
    """Add a way of being involved with a resident (call from an app's AppConfig.ready): the
    rule for one user, and the same rule over rows naming a user and a resident (written
    beside it; resident_pairs_filter uses it)."""
    if rule not in _involvement_rules:
        _involvement_rules.append(rule)
        _involvement_pairs.append(pairs)
    return rule


def nobody() -> Q:
    return Q(pk__in=[])


# --- Who someone is ----------------------------------------------------------------------------


def is_active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def is_administrator(user: User) -> bool:
    return is_active(user) and user.role == Role.ADMINISTRATOR


def is_coordinator(user: User) -> bool:
    return is_active(user) and user.role == Role.COORDINATOR


def is_core_practitioner(user: User) -> bool:
    """A practitioner of a core organisation: they work across their localities."""
    return (
        is_active(user)
        and user.role == Role.PRACTITIONER
        and user.organisation is not None
        and user.organisation.is_core
    )


def has_totp(user: User) -> bool:
    """They have set up an authenticator app (two-factor authentication)."""
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def requires_mfa(user: User) -> bool:
    """Every role that can see named residents, and anyone who uses the administration site,
    signs in with two-factor authentication."""
    return sees_named_residents(user) or (is_active(user) and user.is_staff)


def sees_administration(user: User) -> bool:
    return is_active(user) and (user.role == Role.ADMINISTRATOR or user.is_staff)


def sees_named_residents(user: User) -> bool:
    """Roles that work with named residents at all (managers see figures only)."""
    return is_active(user) and user.role != Role.MANAGER


def can_see_sensitive(user: User) -> bool:
    return is_active(user) and user.role in SENSITIVE_ROLES


def runs_drop_ins(user: User) -> bool:
    """Drop-in sessions and community events (and their pages of the people met there) are
    run by the practitioners of core organisations (Local Area Coordinators) and the
    coordinators of the locality, and administrators; partners who attend log conversations
    with the residents they see, like anywhere else."""
    return is_coordinator(user) or is_core_practitioner(user) or is_administrator(user)


def edits_assets(user: User) -> bool:
    return is_active(user) and user.role in ASSET_EDITOR_ROLES


def reviews_records(user: User) -> bool:
    """Coordinators and administrators review break-glass access and possible duplicates (of
    the records resident_review_filter gives them)."""
    return is_coordinator(user) or is_administrator(user)


def reverses_merges(user: User) -> bool:
    """A merge is reversed by an administrator only."""
    return is_administrator(user)


def sees_system_health(user: User) -> bool:
    """Administrators, signed in with two-factor authentication, see /healthz's details."""
    return is_administrator(user) and has_totp(user)


def sees_reports(user: User) -> bool:
    """Figures (the dashboard, the scrutiny report, digests' figures) name nobody: managers,
    coordinators and administrators see them for the whole borough."""
    return is_active(user) and user.role in (Role.MANAGER, Role.COORDINATOR, Role.ADMINISTRATOR)


def sees_every_locality(user: User) -> bool:
    """Managers and administrators work borough-wide; everyone else in their own localities."""
    return is_active(user) and user.role in (Role.MANAGER, Role.ADMINISTRATOR)


# --- Localities (filters over Locality) ------------------------------------------------------


def own_localities(user: User) -> Q:
    """The localities a user works in (administrators: every one)."""
    if is_administrator(user):
        return Q()
    return Q(staff=user) if is_active(user) else nobody()


def coordinated_localities(user: User) -> Q:
    """Localities whose ILT this user runs: a coordinator's own; every one for administrators.
    Their coordinators decide requests to join, and write meetings and their actions."""
    if is_administrator(user):
        return Q()
    return Q(staff=user) if is_coordinator(user) else nobody()


def learning_localities(user: User) -> Q:
    """Localities where this user writes learning cycles."""
    if is_administrator(user):
        return Q()
    if is_active(user) and user.role in LEARNING_ROLES:
        return Q(staff=user)
    return nobody()


def coordinators_of(locality_id: int) -> Q:
    """The people (a filter over User) who coordinate a locality's ILT: told of break-glass."""
    return Q(role=Role.COORDINATOR, is_active=True, localities=locality_id)


def record_reviewers(locality_ids: list[int]) -> Q:
    """The people (a filter over User) who may review records of any of these localities:
    their coordinators, and administrators (resident_review_filter says which records)."""
    return Q(is_active=True) & (
        Q(role=Role.ADMINISTRATOR) | Q(role=Role.COORDINATOR, localities__in=locality_ids)
    )


# --- Residents (filters over Resident) -------------------------------------------------------


def _locality_residents(user: User) -> Q:
    """Residents of the user's localities. Written over the resident's own column (its
    neighbourhood among those of the localities), not through a join to the neighbourhood:
    the gate is then a filter on the resident row alone, which the planner can check for a
    few residents by their primary key instead of listing every resident the user may see
    (docs/performance.md)."""
    neighbourhoods = user.localities.filter(neighbourhoods__isnull=False).values("neighbourhoods")
    return Q(neighbourhood__in=neighbourhoods)


def resident_filter(user: User) -> Q:
    """The residents this user may see."""
    if not sees_named_residents(user):
        return nobody()
    if is_administrator(user):
        return Q()
    allowed = nobody()
    if is_coordinator(user) or is_core_practitioner(user):
        allowed |= _locality_residents(user)
    for rule in _involvement_rules:
        allowed |= rule(user)
    return allowed


def resident_pairs_filter(*, user: str, resident: str) -> Q:
    """Over rows that name a user and a resident (paths on the row: a follow-up's "owner" and
    "resident"), those where the user sees the resident: what `Resident.objects.visible_to(
    user)` means (resident_filter, merged records left out), written over the rows' own
    columns so that a whole list is checked in one query rather than one query per row.
    tests/residents/test_access_pairs.py holds the two to the same answers."""
    from localities.models import Organisation, Resident
    from thurrock_care.accounts.models import User

    def their(**lookups: object) -> Q:
        return Q(**{f"{user}__{path}": value for path, value in lookups.items()})

    works_in_locality = Exists(
        User.localities.through.objects.filter(
            user=OuterRef(user), locality=OuterRef(f"{resident}__neighbourhood__locality")
        )
    )
    sees_locality = their(role=Role.COORDINATOR) | their(
        role=Role.PRACTITIONER, organisation__kind__in=Organisation.CORE_KINDS
    )
    allowed = their(role=Role.ADMINISTRATOR) | (sees_locality & Q(works_in_locality))
    for rule in _involvement_pairs:
        allowed |= rule(user, resident)
    return (
        their(is_active=True)
        & ~their(role=Role.MANAGER)
        & allowed
        & ~Q(**{f"{resident}__status": Resident.Status.MERGED})
    )


def resident_change_filter(user: User) -> Q:
    """The residents whose details, story, people and places, consent and status this user
    may change: core practitioners and coordinators of the resident's locality, and
    administrators. Partners, Wellbeing Team workers and break-glass readers read only."""
    if is_administrator(user):
        return Q()
    if is_coordinator(user) or is_core_practitioner(user):
        return _locality_residents(user)
    return nobody()


def resident_review_filter(user: User) -> Q:
    """The residents whose access trail this user reviews, and whose duplicates they merge:
    coordinators of the resident's locality, and administrators."""
    if is_administrator(user):
        return Q()
    return _locality_residents(user) if is_coordinator(user) else nobody()


def new_resident_localities(user: User) -> Q:
    """Where this user may add a resident (a filter over Locality): only where they work, so
    that nobody writes a record they cannot then see (administrators: anywhere)."""
    if not sees_named_residents(user):
        return nobody()
    return own_localities(user)
