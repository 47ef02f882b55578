"""Every write to residents' records goes through here, with its audit entry."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from localities import search
from localities.models import (
    BreakGlassGrant,
    Connection,
    Consent,
    Merge,
    Organisation,
    Resident,
    StoryEntry,
    StorySection,
)
from thurrock_care import access
from thurrock_care.accounts.models import Role, User
from thurrock_care.audit.models import Action
from thurrock_care.audit.services import record

if TYPE_CHECKING:
    from django.http import HttpRequest

BREAK_GLASS_HOURS = 24

# Fields a person edits on the resident's details form.
DETAIL_FIELDS = [
    "preferred_name",
    "full_name",
    "date_of_birth",
    "date_of_birth_is_approximate",
    "address",
    "postcode",
    "neighbourhood",
    "phone",
    "email",
    "nhs_number",
    "las_person_id",
    "communication_needs",
    "key_safety_information",
]


class EditConflict(Exception):
    """Someone else saved the record after this form was opened."""


def _changed_fields(resident: Resident, values: dict[str, Any]) -> list[str]:
    return [name for name, value in values.items() if getattr(resident, name) != value]


@transaction.atomic
def create_resident(
    *,
    by: User,
    submission_key: uuid.UUID | None = None,
    request: HttpRequest | None = None,
    **details: Any,
) -> Resident:
    """Create a record. A second submit of the same form returns the first record."""
    if submission_key and (existing := Resident.objects.filter(submission_key=submission_key)):
        return existing.get()
    unknown = set(details) - set(DETAIL_FIELDS)
    if unknown:
        raise TypeError(f"Unknown resident fields: {sorted(unknown)}")
    resident = Resident(created_by=by, submission_key=submission_key, **details)
    resident.search_name = search.search_name(resident.full_name, resident.preferred_name)
    try:
        with transaction.atomic():
            resident.save()
    except IntegrityError:  # the same form submitted twice at once
        return Resident.objects.get(submission_key=submission_key)
    record(actor=by, action=Action.CREATED, resident_id=resident.pk, request=request)
    return resident


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
    updated = Resident.objects.filter(pk=resident.pk, version=version).update(
        **{name: getattr(resident, name) for name in changed},
        search_name=resident.search_name,
        version=version + 1,
        updated_at=timezone.now(),
    )
    if not updated:
        raise EditConflict
    resident.version = version + 1
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
    resident.status, resident.status_changed_on = status, on
    resident.version += 1
    resident.save(update_fields=["status", "status_changed_on", "version", "updated_at"])
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
    """A new version of one section of the resident's story; nothing if the text is unchanged."""
    current = resident.story.filter(section=section).first()
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


@transaction.atomic
def add_connection(
    *, resident: Resident, by: User, request: HttpRequest | None = None, **fields: Any
) -> Connection:
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


@transaction.atomic
def record_consent(
    *,
    resident: Resident,
    by: User,
    decision: Consent.Decision,
    decided_on: date,
    expires_on: date | None = None,
    organisations: Iterable[Organisation] = (),
    notes: str = "",
    request: HttpRequest | None = None,
) -> Consent:
    """Record the resident's decision; it replaces the current one, which stays as history."""
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
            "organisations": sorted(o.name for o in consent.organisations.all()),
        },
    )
    return consent


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


def find_for_break_glass(
    *, nhs_number: str = "", full_name: str = "", date_of_birth: date | None = None
) -> Resident | None:
    """The one record that matches exactly what the requester knows, or None."""
    residents = Resident.objects.exclude(status=Resident.Status.MERGED)
    if nhs_number:
        matches = residents.filter(nhs_number=nhs_number)
    else:
        matches = residents.filter(
            search_name__startswith=search.normalise_name(full_name), date_of_birth=date_of_birth
        )
    found = list(matches.select_related("neighbourhood__locality")[:2])
    return found[0] if len(found) == 1 else None


@transaction.atomic
def break_glass(
    *, resident: Resident, by: User, reason: str, request: HttpRequest | None = None
) -> BreakGlassGrant:
    """Time-limited access for a stated reason; the locality's coordinators are told at once."""
    if by.role == Role.MANAGER:
        raise PermissionDenied("Managers see figures, not named residents.")
    if not reason.strip():
        raise ValidationError("Say why you need to see this record.")
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
    coordinators = list(
        User.objects.filter(
            role=Role.COORDINATOR, is_active=True, localities=resident.neighbourhood.locality_id
        ).values_list("email", flat=True)
    )
    if coordinators:
        context = {
            "grant": grant,
            "locality": resident.neighbourhood.locality,
            "url": settings.SITE_URL + reverse("residents:break_glass_review"),
        }
        transaction.on_commit(
            lambda: send_mail(
                subject="Break-glass access to a resident's record",
                message=render_to_string("localities/email/break_glass.txt", context),
                from_email=None,
                recipient_list=coordinators,
            )
        )
    return grant


@transaction.atomic
def review_break_glass(
    *, grant: BreakGlassGrant, by: User, note: str = "", request: HttpRequest | None = None
) -> BreakGlassGrant:
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


# --- Merging duplicates ----------------------------------------------------------------------

# Fields of the duplicate copied to the survivor where the survivor has none.
FILLABLE_FIELDS = [
    "preferred_name",
    "date_of_birth",
    "address",
    "postcode",
    "phone",
    "email",
    "nhs_number",
    "las_person_id",
    "communication_needs",
    "key_safety_information",
]


def _resident_relations() -> list[tuple[type[models.Model], str]]:
    """Every foreign key to Resident in every app, except the merge bookkeeping itself, as
    (model, field name): rows added by a later app move with a merge without this code
    knowing about that app."""
    return [
        (cast(type[models.Model], relation.related_model), relation.field.name)
        for relation in Resident._meta.related_objects
        if isinstance(relation, models.ManyToOneRel)
        and not relation.many_to_many
        and relation.related_model not in (Merge, Resident)
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
    if not all(access.can_merge(by, r.neighbourhood.locality_id) for r in (survivor, duplicate)):
        raise PermissionDenied
    moved: dict[str, dict[str, list[int]]] = defaultdict(dict)
    for model, field in _resident_relations():
        rows = model._default_manager.filter(**{field: duplicate})
        ids = list(rows.values_list("pk", flat=True))
        if ids:
            if model is Consent:  # the survivor's own current consent stays current
                rows.update(is_current=False)
            rows.update(**{field: survivor})
            moved[model._meta.label_lower][field] = ids
    _restore_current_consent(survivor)
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
    if by.role != Role.ADMINISTRATOR:
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
