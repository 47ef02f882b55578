"""Writes to residents' records: creating them (with the duplicate check), their details,
story, people and places, consent and status; break-glass access; possible duplicates, merges
and their reversal."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models, transaction
from django.db.models import F
from django.utils import timezone

from localities import notifications, search
from localities.models import (
    FILLABLE_FIELDS,
    RESIDENT_DETAIL_FIELDS,
    BreakGlassGrant,
    Connection,
    Consent,
    Locality,
    Merge,
    Organisation,
    PossibleDuplicate,
    Resident,
    ResidentWord,
    StoryEntry,
    StorySection,
)
from thurrock_care import access, submissions
from thurrock_care.accounts.models import User
from thurrock_care.audit.models import Action
from thurrock_care.audit.services import record
from thurrock_care.versions import update_versioned

if TYPE_CHECKING:
    from django.http import HttpRequest

BREAK_GLASS_HOURS = 24


def _changed_fields(resident: Resident, values: dict[str, Any]) -> list[str]:
    return [name for name, value in values.items() if getattr(resident, name) != value]


# --- Residents ---------------------------------------------------------------------------------


class LikelyDuplicates(Exception):
    """Records the author may see look like the same person: they should open one of them."""

    def __init__(self, residents: list[Resident]) -> None:
        super().__init__("This may be someone already known.")
        self.residents = residents


def _lock_identity(details: dict[str, Any]) -> None:
    """Hold, until the transaction ends, a lock for each identifying value of the new record,
    so that two requests about the same person check for duplicates one after the other (the
    second sees the first) instead of both finding nothing. Locks are taken in a fixed order."""
    keys = []
    if details.get("nhs_number"):
        keys.append(f"resident:nhs:{details['nhs_number']}")
    if details.get("date_of_birth"):
        keys.append(f"resident:dob:{details['date_of_birth'].isoformat()}")
    if details.get("postcode"):
        keys.append(f"resident:postcode:{details['postcode']}")
    with connection.cursor() as cursor:
        for key in sorted(keys):
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [key])


def create_resident(
    *,
    by: User,
    submission_key: uuid.UUID | None = None,
    confirm_new: bool = False,
    request: HttpRequest | None = None,
    **details: Any,
) -> Resident:
    """Create a record, unless records the author may see look like the same person and they
    have not confirmed that none is (LikelyDuplicates). Look-alikes the author may not see are
    never mentioned to them: the record is created and the pair flagged for the coordinators.
    The same submission key sent again gives the first record."""
    unknown = set(details) - set(RESIDENT_DETAIL_FIELDS)
    if unknown:
        raise TypeError(f"Unknown resident fields: {sorted(unknown)}")
    allowed = Locality.objects.open_to_new_residents_by(by)
    if not allowed.filter(pk=details["neighbourhood"].locality_id).exists():
        raise ValidationError({"neighbourhood": "Choose a neighbourhood where you work"})

    def create() -> Resident:
        _lock_identity(details)
        candidates = list(
            search.likely_duplicates(
                full_name=details["full_name"],
                date_of_birth=details.get("date_of_birth"),
                postcode=details.get("postcode", ""),
                nhs_number=details.get("nhs_number", ""),
            )
        )
        visible = set(
            Resident.objects.visible_to(by)
            .filter(pk__in=[c.pk for c in candidates])
            .values_list("pk", flat=True)
        )
        if not confirm_new and visible:
            raise LikelyDuplicates([c for c in candidates if c.pk in visible])
        resident = Resident(created_by=by, **details)
        resident.search_name = search.search_name(resident.full_name, resident.preferred_name)
        resident.save()
        hidden = [c for c in candidates if c.pk not in visible]
        flags = PossibleDuplicate.objects.bulk_create(
            PossibleDuplicate(resident=resident, candidate=candidate) for candidate in hidden
        )
        # Those who review both records are told (never the author: that would reveal one).
        notifications.notify_possible_duplicates(flags=flags)
        record(
            actor=by,
            action=Action.CREATED,
            resident_id=resident.pk,
            request=request,
            details={"possible_duplicates": [c.pk for c in hidden]} if hidden else None,
        )
        return resident

    payload = {**details, "confirm_new": confirm_new}
    return submissions.once(
        key=submission_key, by=by, model=Resident, payload=payload, create=create
    )


@transaction.atomic
def update_resident(
    *, resident: Resident, by: User, version: int, request: HttpRequest | None = None, **values: Any
) -> Resident:
    """Save changed details, unless someone else saved the record since `version` was read."""
    if not access.can_see_sensitive(by):
        values.pop("key_safety_information", None)
    changed = _changed_fields(resident, values)
    for name in changed:
        setattr(resident, name, values[name])
    resident.search_name = search.search_name(resident.full_name, resident.preferred_name)
    resident.version = update_versioned(
        Resident,
        pk=resident.pk,
        version=version,
        search_name=resident.search_name,
        **{name: getattr(resident, name) for name in changed},
    )
    record(
        actor=by,
        action=Action.CHANGED,
        resident_id=resident.pk,
        request=request,
        details={"fields": changed},
    )
    return resident


@transaction.atomic
def set_resident_status(
    *,
    resident: Resident,
    by: User,
    status: Resident.Status,
    on: date | None = None,
    request: HttpRequest | None = None,
) -> Resident:
    """Mark a resident as moved away or died (or active again): out of working lists, kept."""
    if status == Resident.Status.MERGED:
        raise ValueError("Use merge_residents to merge records.")
    Resident.objects.filter(pk=resident.pk).update(
        status=status, status_changed_on=on, version=F("version") + 1, updated_at=timezone.now()
    )
    resident.refresh_from_db(fields=["status", "status_changed_on", "version", "updated_at"])
    record(
        actor=by,
        action=Action.STATUS_CHANGED,
        resident_id=resident.pk,
        request=request,
        details={"status": status, "on": on.isoformat() if on else None},
    )
    return resident


@transaction.atomic
def write_story(
    *,
    resident: Resident,
    by: User,
    section: StorySection,
    text: str,
    request: HttpRequest | None = None,
) -> StoryEntry | None:
    """A new version of one section of the resident's story; nothing if the text is unchanged.
    The record is locked first, so the same text sent several times at once is saved once."""
    Resident.objects.select_for_update().filter(pk=resident.pk).get()
    current = resident.story.filter(section=section).order_by("-written_at", "-id").first()
    if current is not None and current.text == text:
        return None
    entry = StoryEntry.objects.create(resident=resident, section=section, text=text, written_by=by)
    record(
        actor=by,
        action=Action.CHANGED,
        resident_id=resident.pk,
        subject=entry,
        request=request,
        details={"section": section},
    )
    return entry


def add_connection(
    *,
    resident: Resident,
    by: User,
    submission_key: uuid.UUID | None = None,
    request: HttpRequest | None = None,
    **fields: Any,
) -> Connection:
    def create() -> Connection:
        connection = Connection.objects.create(resident=resident, added_by=by, **fields)
        record(
            actor=by,
            action=Action.CHANGED,
            resident_id=resident.pk,
            subject=connection,
            request=request,
            details={"connection": "added"},
        )
        return connection

    payload = {"resident": resident.pk, **fields}
    return submissions.once(
        key=submission_key, by=by, model=Connection, payload=payload, create=create
    )


@transaction.atomic
def remove_connection(
    *, connection: Connection, by: User, request: HttpRequest | None = None
) -> Connection:
    if connection.removed_at is None:
        connection.removed_at = timezone.now()
        connection.save(update_fields=["removed_at"])
        record(
            actor=by,
            action=Action.CHANGED,
            resident_id=connection.resident_id,
            subject=connection,
            request=request,
            details={"connection": "removed"},
        )
    return connection


def record_consent(
    *,
    resident: Resident,
    by: User,
    decision: Consent.Decision,
    decided_on: date,
    expires_on: date | None = None,
    organisations: Iterable[Organisation] = (),
    notes: str = "",
    submission_key: uuid.UUID | None = None,
    request: HttpRequest | None = None,
) -> Consent:
    """Record the resident's decision; it replaces the current one, which stays as history."""
    organisations = list(organisations)

    def create() -> Consent:
        Resident.objects.select_for_update().filter(pk=resident.pk).get()
        Consent.objects.filter(resident=resident, is_current=True).update(is_current=False)
        consent = Consent.objects.create(
            resident=resident,
            decision=decision,
            decided_on=decided_on,
            expires_on=expires_on,
            notes=notes,
            recorded_by=by,
        )
        consent.organisations.set(organisations)
        record(
            actor=by,
            action=Action.CONSENT_RECORDED,
            resident_id=resident.pk,
            subject=consent,
            request=request,
            details={
                "decision": decision,
                "expires_on": expires_on.isoformat() if expires_on else None,
                "organisations": sorted(o.name for o in organisations),
            },
        )
        return consent

    payload = {
        "resident": resident.pk,
        "decision": decision,
        "decided_on": decided_on,
        "expires_on": expires_on,
        "organisations": organisations,
        "notes": notes,
    }
    return submissions.once(
        key=submission_key, by=by, model=Consent, payload=payload, create=create
    )


def record_view(
    *,
    resident: Resident,
    by: User,
    request: HttpRequest | None = None,
    query: str = "",
    page: str = "",
) -> None:
    """Every opening of a resident's record is in the trail; from search, with the query;
    from another page that shows their data (a form, their audit trail), with its name."""
    if page:
        record(actor=by, action=Action.VIEWED, resident_id=resident.pk, request=request,
               details={"page": page})  # fmt: skip
    elif query:
        record(
            actor=by,
            action=Action.OPENED_FROM_SEARCH,
            resident_id=resident.pk,
            request=request,
            details={"query": query.replace("\x00", "")[:200]},  # PostgreSQL refuses NUL
        )
    else:
        record(actor=by, action=Action.VIEWED, resident_id=resident.pk, request=request)


def record_export(*, resident: Resident, by: User, request: HttpRequest | None = None) -> None:
    record(actor=by, action=Action.EXPORTED, resident_id=resident.pk, request=request,
           details={"export": "access report"})  # fmt: skip


# --- Break-glass -----------------------------------------------------------------------------

# How closely a typed full name must match the record's (trigram similarity of whole names).
BREAK_GLASS_NAME_SIMILARITY = 0.6


def find_for_break_glass(
    *,
    by: User,
    nhs_number: str = "",
    full_name: str = "",
    date_of_birth: date | None = None,
    postcode: str = "",
) -> Resident | None:
    """The one record, among those the requester may not see, that identifies one person
    from what they know: the NHS number, or a full name that matches closely with the date of
    birth and postcode. Anything less (a name of "S" and a date of birth, say) finds nobody.
    Records they may see otherwise are left out, so that no record of their own (a look-alike
    they added, say) can turn "nobody" into "several" and tell them someone else is known;
    one they already broke the glass for stays in (the same request sent twice finds it)."""
    residents = Resident.objects.exclude(status=Resident.Status.MERGED)
    if nhs_number:
        matches = residents.filter(nhs_number=nhs_number)
    else:
        name = search.search_name(full_name)
        if len(name.replace(" ", "")) < 2 or not (date_of_birth and postcode):
            return None
        matches = search.closely_named(
            residents.filter(date_of_birth=date_of_birth, postcode=postcode),
            name,
            BREAK_GLASS_NAME_SIMILARITY,
        )
    matches = matches.select_related("neighbourhood__locality")
    granted = BreakGlassGrant.objects.filter(user=by, expires_at__gt=timezone.now())
    already = matches.filter(pk__in=granted.values("resident_id")).first()
    if already is not None:  # the same request again: that record, and no look at others
        return already
    visible = Resident.objects.visible_to(by).values("pk")
    found = list(matches.exclude(pk__in=visible)[:2])
    return found[0] if len(found) == 1 else None


def break_glass(
    *,
    resident: Resident,
    by: User,
    reason: str,
    submission_key: uuid.UUID | None = None,
    request: HttpRequest | None = None,
) -> BreakGlassGrant:
    """Time-limited access for a stated reason; the locality's coordinators are told at once."""
    if not access.sees_named_residents(by):
        raise PermissionDenied("Managers see figures, not named residents.")
    if not reason.strip():
        raise ValidationError("Say why you need to see this record.")

    def create() -> BreakGlassGrant:
        now = timezone.now()
        grant = BreakGlassGrant.objects.create(
            resident=resident,
            user=by,
            reason=reason.strip(),
            granted_at=now,
            expires_at=now + timedelta(hours=BREAK_GLASS_HOURS),
        )
        record(
            actor=by,
            action=Action.BREAK_GLASS,
            resident_id=resident.pk,
            subject=grant,
            reason=grant.reason,
            request=request,
        )
        # The locality's coordinators are told at once (urgent: e-mailed even at night, by a
        # task once the grant is committed; a mail server that is down never fails this).
        notifications.notify_break_glass(grant=grant)
        return grant

    payload = {"resident": resident.pk, "reason": reason.strip()}
    return submissions.once(
        key=submission_key, by=by, model=BreakGlassGrant, payload=payload, create=create
    )


@transaction.atomic
def review_break_glass(
    *, grant: BreakGlassGrant, by: User, note: str = "", request: HttpRequest | None = None
) -> BreakGlassGrant:
    grant = BreakGlassGrant.objects.select_for_update().get(pk=grant.pk)
    if grant.reviewed_at is not None:
        raise ValidationError("This access has already been reviewed.")
    grant.reviewed_at, grant.reviewed_by, grant.review_note = timezone.now(), by, note
    grant.save(update_fields=["reviewed_at", "reviewed_by", "review_note"])
    record(
        actor=by,
        action=Action.BREAK_GLASS_REVIEWED,
        resident_id=grant.resident_id,
        subject=grant,
        reason=note,
        request=request,
    )
    return grant


# --- Possible duplicates and merging -----------------------------------------------------------


@transaction.atomic
def mark_different_people(
    *, flag: PossibleDuplicate, by: User, request: HttpRequest | None = None
) -> PossibleDuplicate:
    """A coordinator has looked: the two records are different people."""
    flag = PossibleDuplicate.objects.select_for_update().get(pk=flag.pk)
    if flag.resolved_at is not None:
        raise ValidationError("This possible duplicate has already been reviewed.")
    flag.resolved_at, flag.resolved_by = timezone.now(), by
    flag.outcome = PossibleDuplicate.Outcome.DIFFERENT
    flag.save(update_fields=["resolved_at", "resolved_by", "outcome"])
    record(
        actor=by,
        action=Action.DUPLICATE_REVIEWED,
        resident_id=flag.resident_id,
        subject=flag,
        request=request,
        details={"candidate": flag.candidate_id, "outcome": flag.outcome},
    )
    return flag


def _resident_relations() -> list[tuple[type[models.Model], str]]:
    """Every foreign key to Resident in every app, except the merge bookkeeping itself and the
    words of each record's own name (a trigger keeps them), as (model, field name): rows added
    by a later app move with a merge without this code knowing about that app."""
    return [
        (cast(type[models.Model], relation.related_model), relation.field.name)
        for relation in Resident._meta.related_objects
        if isinstance(relation, models.ManyToOneRel)
        and not relation.many_to_many
        and relation.related_model not in (Merge, Resident, PossibleDuplicate, ResidentWord)
    ]


@transaction.atomic
def merge_residents(
    *, survivor: Resident, duplicate: Resident, by: User, request: HttpRequest | None = None
) -> Merge:
    """Move everything attached to the duplicate onto the survivor; keep the duplicate, marked
    merged, and what moved, so that an administrator can reverse it."""
    if survivor.pk == duplicate.pk:
        raise ValidationError("A record cannot be merged into itself.")
    locked = {
        r.pk: r
        for r in Resident.objects.select_for_update().filter(pk__in=[survivor.pk, duplicate.pk])
    }
    survivor, duplicate = locked[survivor.pk], locked[duplicate.pk]
    if Resident.Status.MERGED in (survivor.status, duplicate.status):
        raise ValidationError("One of these records has already been merged.")
    reviewable = Resident.objects.reviewable_by(by).filter(pk__in=[survivor.pk, duplicate.pk])
    if reviewable.count() != 2:
        raise PermissionDenied
    # The survivor's own current consent (or its having none) stays as it is: the duplicate's
    # decisions move as history, so a merge never widens who sees the record by itself (a
    # consent on the duplicate naming a partner, say). A coordinator records consent again.
    moved: dict[str, dict[str, list[int]]] = defaultdict(dict)
    for model, field in _resident_relations():
        rows = model._default_manager.filter(**{field: duplicate})
        ids = list(rows.values_list("pk", flat=True))
        if ids:
            if model is Consent:  # the survivor's own current consent stays current
                rows.update(is_current=False)
            rows.update(**{field: survivor})
            moved[model._meta.label_lower][field] = ids
    filled = {}
    for name in FILLABLE_FIELDS:
        if not getattr(survivor, name) and getattr(duplicate, name):
            filled[name] = str(getattr(duplicate, name))
            setattr(survivor, name, getattr(duplicate, name))
    survivor.search_name = search.search_name(survivor.full_name, survivor.preferred_name)
    survivor.version += 1
    survivor.save(update_fields=[*filled, "search_name", "version", "updated_at"])
    duplicate.status, duplicate.merged_into = Resident.Status.MERGED, survivor
    duplicate.version += 1
    duplicate.save(update_fields=["status", "merged_into", "version", "updated_at"])
    merge = Merge.objects.create(
        survivor=survivor, duplicate=duplicate, merged_by=by, moved=moved, filled_fields=filled
    )
    pair = models.Q(resident=duplicate, candidate=survivor) | models.Q(
        resident=survivor, candidate=duplicate
    )
    PossibleDuplicate.objects.open().filter(pair).update(
        resolved_at=timezone.now(), resolved_by=by, outcome=PossibleDuplicate.Outcome.MERGED
    )
    for resident_id in (survivor.pk, duplicate.pk):
        record(
            actor=by,
            action=Action.MERGED,
            resident_id=resident_id,
            subject=merge,
            request=request,
            details={"survivor": survivor.pk, "duplicate": duplicate.pk, "moved": moved},
        )
    return merge


@transaction.atomic
def reverse_merge(*, merge: Merge, by: User, request: HttpRequest | None = None) -> Merge:
    """Undo a merge: what moved goes back, filled-in fields are cleared, both records live."""
    if not access.reverses_merges(by):
        raise PermissionDenied
    merge = Merge.objects.select_for_update().get(pk=merge.pk)
    if merge.reversed_at is not None:
        raise ValidationError("This merge has already been reversed.")
    survivor = Resident.objects.select_for_update().get(pk=merge.survivor_id)
    duplicate = Resident.objects.select_for_update().get(pk=merge.duplicate_id)
    relations = {model._meta.label_lower: model for model, _ in _resident_relations()}
    for label, fields in merge.moved.items():
        for field, ids in fields.items():
            relations[label]._default_manager.filter(pk__in=ids).update(**{field: duplicate})
    for name, value in merge.filled_fields.items():
        if str(getattr(survivor, name)) == value:  # unless changed since
            setattr(survivor, name, None if name == "date_of_birth" else "")
    survivor.search_name = search.search_name(survivor.full_name, survivor.preferred_name)
    survivor.version += 1
    survivor.save(update_fields=[*merge.filled_fields, "search_name", "version", "updated_at"])
    _restore_current_consent(duplicate)
    _restore_current_consent(survivor)
    duplicate.status, duplicate.merged_into = Resident.Status.ACTIVE, None
    duplicate.version += 1
    duplicate.save(update_fields=["status", "merged_into", "version", "updated_at"])
    merge.reversed_at, merge.reversed_by = timezone.now(), by
    merge.save(update_fields=["reversed_at", "reversed_by"])
    for resident_id in (survivor.pk, duplicate.pk):
        record(
            actor=by,
            action=Action.UNMERGED,
            resident_id=resident_id,
            subject=merge,
            request=request,
        )
    return merge


def _restore_current_consent(resident: Resident) -> None:
    """After records move, each resident's most recent decision is the current one."""
    Consent.objects.filter(resident=resident, is_current=True).update(is_current=False)
    newest = (
        Consent.objects.filter(resident=resident)
        .order_by("-decided_on", "-recorded_at", "-id")
        .first()
    )
    if newest is not None:
        newest.is_current = True
        newest.save(update_fields=["is_current"])
