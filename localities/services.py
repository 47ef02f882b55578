"""Every write to residents' records and to the ILT's (join requests, meetings, learning
cycles, community assets) goes through here; resident writes record their audit entry."""

from __future__ import annotations

import datetime
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
    ActionItem,
    BreakGlassGrant,
    CommunityAsset,
    Connection,
    Consent,
    JoinRequest,
    LearningCycle,
    Locality,
    Meeting,
    Membership,
    Merge,
    Neighbourhood,
    Organisation,
    Resident,
    StoryEntry,
    StorySection,
)
from thurrock_care import access
from thurrock_care.accounts.models import Role, User
from thurrock_care.accounts.services import invite_user
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


# --- Saving without overwriting someone else's work --------------------------------------

CONFLICT_MESSAGE = (
    "Someone else changed this while you were editing. Your changes have not been saved: "
    "they are below. Check the latest version, then save again to replace it."
)


class EditConflict(Exception):
    """The record changed since the form was opened: saving would overwrite someone's work."""

    def __init__(self, current_version: int) -> None:
        super().__init__(CONFLICT_MESSAGE)
        self.current_version = current_version


def _update_versioned(model: type[models.Model], *, pk: int, version: int, **fields: Any) -> None:
    """Write only if nobody else has since: compare the version and bump it, in one UPDATE."""
    changed = model._default_manager.filter(pk=pk, version=version).update(
        **fields, version=version + 1, updated_at=timezone.now()
    )
    if not changed:
        current = model._default_manager.filter(pk=pk).values_list("version", flat=True).first()
        raise EditConflict(current_version=current or version)


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
    _update_versioned(
        Resident,
        pk=resident.pk,
        version=version,
        search_name=resident.search_name,
        **{name: getattr(resident, name) for name in changed},
    )
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


# --- The ILT ------------------------------------------------------------------------------------


# Join requests ---------------------------------------------------------------------------


def submit_join_request(
    *,
    locality: Locality,
    submission_key: uuid.UUID,
    organisation_name: str,
    kind: str,
    offer: str,
    contact_name: str,
    contact_email: str,
    contact_phone: str = "",
) -> JoinRequest:
    """Record a request to join; the same submission key sent twice gives the same request."""
    existing = JoinRequest.objects.filter(submission_key=submission_key).first()
    if existing:
        return existing
    organisation_name = organisation_name.strip()
    try:
        with transaction.atomic():
            return JoinRequest.objects.create(
                locality=locality,
                submission_key=submission_key,
                organisation=Organisation.objects.filter(name__iexact=organisation_name).first(),
                organisation_name=organisation_name,
                kind=kind,
                offer=offer,
                contact_name=contact_name,
                contact_email=contact_email,
                contact_phone=contact_phone,
            )
    except IntegrityError:  # the same form, submitted twice at once
        return JoinRequest.objects.get(submission_key=submission_key)


def _lock_pending(join_request: JoinRequest) -> JoinRequest:
    locked = (
        JoinRequest.objects.select_for_update(of=("self",))
        .select_related("locality", "organisation", "decided_by")
        .get(pk=join_request.pk)
    )
    if not locked.is_pending:
        decided = timezone.localtime(locked.decided_at) if locked.decided_at else None
        raise ValidationError(
            f"This request has already been {locked.get_status_display().lower()}"
            + (f" by {locked.decided_by}" if locked.decided_by else "")
            + (f" on {decided:%d %B %Y at %H:%M}" if decided else "")
            + ". It cannot be decided again."
        )
    return locked


@transaction.atomic
def approve_join_request(*, join_request: JoinRequest, by: User) -> JoinRequest:
    """Add the organisation to the ILT and invite its contact (or add the locality to them)."""
    join_request = _lock_pending(join_request)
    locality = join_request.locality
    organisation = (
        join_request.organisation
        or Organisation.objects.filter(name__iexact=join_request.organisation_name).first()
        or Organisation.objects.create(
            name=join_request.organisation_name,
            kind=join_request.kind,
            description=join_request.offer,
            contact_email=join_request.contact_email,
            contact_phone=join_request.contact_phone,
        )
    )
    Membership.objects.get_or_create(
        locality=locality,
        organisation=organisation,
        defaults={"joined_on": timezone.localdate()},
    )
    account = User.objects.filter(email__iexact=join_request.contact_email).first()
    if account:
        account.localities.add(locality)
    else:
        invite_user(
            email=join_request.contact_email,
            full_name=join_request.contact_name,
            role=Role.PARTNER,
            organisation=organisation,
            localities=[locality],
            invited_by=by,
        )
    join_request.status = JoinRequest.Status.APPROVED
    join_request.organisation = organisation
    join_request.decided_by, join_request.decided_at = by, timezone.now()
    join_request.save(update_fields=["status", "organisation", "decided_by", "decided_at"])
    return join_request


@transaction.atomic
def decline_join_request(*, join_request: JoinRequest, by: User, reason: str) -> JoinRequest:
    if not reason.strip():
        raise ValidationError("Enter why the request is declined.")
    join_request = _lock_pending(join_request)
    join_request.status = JoinRequest.Status.DECLINED
    join_request.decline_reason = reason.strip()
    join_request.decided_by, join_request.decided_at = by, timezone.now()
    join_request.save(update_fields=["status", "decline_reason", "decided_by", "decided_at"])
    return join_request


# ILT meetings ----------------------------------------------------------------------------


@transaction.atomic
def create_meeting(
    *,
    locality: Locality,
    by: User,
    starts_at: datetime.datetime,
    place: str = "",
    online_link: str = "",
    attending: Iterable[Organisation] = (),
    apologies: Iterable[Organisation] = (),
    notes: str = "",
    decisions: str = "",
) -> Meeting:
    """Schedule a meeting; the open actions of the locality's previous meeting come first."""
    previous = (
        Meeting.objects.filter(locality=locality, starts_at__lt=starts_at)
        .order_by("-starts_at")
        .first()
    )
    meeting = Meeting.objects.create(
        locality=locality,
        starts_at=starts_at,
        place=place,
        online_link=online_link,
        notes=notes,
        decisions=decisions,
        created_by=by,
    )
    meeting.attending.set(attending)
    meeting.apologies.set(apologies)
    if previous:
        ActionItem.objects.bulk_create(
            ActionItem(meeting=meeting, text=item.text, owner_id=item.owner_id, carried_from=item)
            for item in previous.items.filter(done=False)
        )
    return meeting


@transaction.atomic
def update_meeting(
    *,
    meeting: Meeting,
    version: int,
    starts_at: datetime.datetime,
    place: str,
    online_link: str,
    attending: Iterable[Organisation],
    apologies: Iterable[Organisation],
    notes: str,
    decisions: str,
) -> None:
    _update_versioned(
        Meeting,
        pk=meeting.pk,
        version=version,
        starts_at=starts_at,
        place=place,
        online_link=online_link,
        notes=notes,
        decisions=decisions,
    )
    meeting.attending.set(attending)
    meeting.apologies.set(apologies)


def add_action_item(
    *, meeting: Meeting, text: str, owner: Organisation | None = None
) -> ActionItem:
    return ActionItem.objects.create(meeting=meeting, text=text, owner=owner)


@transaction.atomic
def mark_action_item_done(*, item: ActionItem) -> None:
    """Done here is done everywhere: the items it was carried over from are done too."""
    pks = [item.pk]
    origin_id = item.carried_from_id
    while origin_id is not None and origin_id not in pks:
        pks.append(origin_id)
        origin_id = (
            ActionItem.objects.filter(pk=origin_id).values_list("carried_from_id", flat=True).get()
        )
    ActionItem.objects.filter(pk__in=pks).update(done=True)
    item.done = True


# Learning cycles -------------------------------------------------------------------------


def create_learning_cycle(
    *,
    locality: Locality,
    by: User,
    question: str,
    status: str = LearningCycle.Status.EXPLORING,
    tried: str = "",
    learned: str = "",
    next_steps: str = "",
) -> LearningCycle:
    return LearningCycle.objects.create(
        locality=locality,
        created_by=by,
        question=question,
        status=status,
        tried=tried,
        learned=learned,
        next_steps=next_steps,
    )


def update_learning_cycle(
    *,
    cycle: LearningCycle,
    version: int,
    locality: Locality,
    question: str,
    status: str,
    tried: str,
    learned: str,
    next_steps: str,
) -> None:
    _update_versioned(
        LearningCycle,
        pk=cycle.pk,
        version=version,
        locality=locality,
        question=question,
        status=status,
        tried=tried,
        learned=learned,
        next_steps=next_steps,
    )


# Community assets ------------------------------------------------------------------------


def create_asset(
    *,
    by: User,
    neighbourhood: Neighbourhood,
    name: str,
    kind: str,
    offer: str,
    when: str = "",
    where: str = "",
    contact: str = "",
    cost: str = "",
    accessibility: str = "",
) -> CommunityAsset:
    return CommunityAsset.objects.create(
        updated_by=by,
        neighbourhood=neighbourhood,
        name=name,
        kind=kind,
        offer=offer,
        when=when,
        where=where,
        contact=contact,
        cost=cost,
        accessibility=accessibility,
    )


def update_asset(*, asset: CommunityAsset, by: User, version: int, **fields: Any) -> None:
    """Change some of an asset's fields (never delete one: untick "still running")."""
    allowed = {
        "neighbourhood",
        "name",
        "kind",
        "offer",
        "when",
        "where",
        "contact",
        "cost",
        "accessibility",
        "active",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"update_asset() got unexpected fields: {', '.join(sorted(unknown))}")
    _update_versioned(CommunityAsset, pk=asset.pk, version=version, updated_by=by, **fields)
