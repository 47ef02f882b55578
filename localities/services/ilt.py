"""Writes to the ILT: membership, requests to join, monthly meetings and their actions,
learning cycles and community assets."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from localities.models import (
    ASSET_FIELDS,
    ActionItem,
    CommunityAsset,
    JoinRequest,
    LearningCycle,
    Locality,
    Meeting,
    Membership,
    Organisation,
)
from localities.services.places import create_organisation
from thurrock_care import submissions
from thurrock_care.accounts.models import Role, User
from thurrock_care.accounts.services import invite_user
from thurrock_care.audit.models import Action
from thurrock_care.audit.services import record
from thurrock_care.versions import update_versioned

if TYPE_CHECKING:
    from django.http import HttpRequest


def _for_audit(value: object) -> object:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, date):
        return value.isoformat()
    return value


# --- ILT membership ----------------------------------------------------------------------------


@transaction.atomic
def add_membership(*, organisation: Organisation, locality: Locality, by: User) -> Membership:
    """The organisation joins the locality's ILT today (if it is not a member already)."""
    membership, created = Membership.objects.get_or_create(
        locality=locality, organisation=organisation, defaults={"joined_on": timezone.localdate()}
    )
    if created:
        record(
            actor=by,
            action=Action.MEMBERSHIP_ADDED,
            subject=membership,
            details={"organisation": organisation.pk, "locality": locality.slug},
        )
    return membership


@transaction.atomic
def end_membership(*, membership: Membership, by: User) -> None:
    """The organisation leaves the locality's ILT (its past meetings and actions stay)."""
    record(
        actor=by,
        action=Action.MEMBERSHIP_ENDED,
        subject=membership,
        details={
            "organisation": membership.organisation_id,
            "locality": membership.locality.slug,
            "joined_on": membership.joined_on.isoformat(),
        },
    )
    membership.delete()


# --- Requests to join an ILT -----------------------------------------------------------------


def submit_join_request(
    *,
    locality: Locality,
    submission_key: uuid.UUID | None,
    organisation_name: str,
    kind: str,
    offer: str,
    contact_name: str,
    contact_email: str,
    contact_phone: str = "",
    request: HttpRequest | None = None,
) -> JoinRequest:
    """Record a request to join; the same submission key sent twice gives the same request.
    Nothing is decided or linked here: the request only says what the sender typed."""
    fields = {
        "locality": locality,
        "organisation_name": organisation_name.strip(),
        "kind": kind,
        "offer": offer,
        "contact_name": contact_name,
        "contact_email": contact_email,
        "contact_phone": contact_phone,
    }

    def create() -> JoinRequest:
        join_request = JoinRequest.objects.create(**fields)
        record(
            actor=None,
            anonymous="Public form",
            action=Action.JOIN_REQUESTED,
            subject=join_request,
            request=request,
            details={"organisation_name": join_request.organisation_name, "email": contact_email},
        )
        return join_request

    return submissions.once(
        key=submission_key, by=None, model=JoinRequest, payload=fields, create=create
    )


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


@dataclass
class Approval:
    """What approving a request did, for the coordinator's confirmation message."""

    join_request: JoinRequest
    organisation: Organisation
    new_organisation: bool
    invited: User | None
    existing_account: User | None


@transaction.atomic
def approve_join_request(
    *, join_request: JoinRequest, by: User, organisation: Organisation | None = None
) -> Approval:
    """The coordinator decides who the request is from, explicitly:

    - `organisation=None`: a new organisation, made from the request; its contact is invited as
      a partner member of it, unless an account with that address exists (it is left exactly
      as it is: approving never widens anyone's access);
    - an existing organisation: it joins the ILT, and nobody is invited or changed from the
      address typed into a public form (its known contact or an administrator adds people).
    """
    join_request = _lock_pending(join_request)
    locality = join_request.locality
    new_organisation = organisation is None
    if organisation is None and join_request.kind in Organisation.CORE_KINDS:
        raise ValidationError(
            "Council, NHS and Thurrock First organisations are core (their practitioners see "
            "every resident of their localities), so an administrator adds them. Approve this "
            "request as one of the organisations it resembles, or decline it."
        )
    if organisation is None:
        organisation = create_organisation(
            by=by,
            name=join_request.organisation_name,
            kind=join_request.kind,
            description=join_request.offer,
            contact_email=join_request.contact_email,
            contact_phone=join_request.contact_phone,
        )
    add_membership(organisation=organisation, locality=locality, by=by)
    invited = existing = None
    if new_organisation:
        existing = User.objects.filter(email__iexact=join_request.contact_email).first()
        if existing is None:
            invited = invite_user(
                by=by,
                email=join_request.contact_email,
                full_name=join_request.contact_name,
                role=Role.PARTNER,
                organisation=organisation,
                localities=[locality],
            )
    join_request.status = JoinRequest.Status.APPROVED
    join_request.organisation = organisation
    join_request.decided_by, join_request.decided_at = by, timezone.now()
    join_request.save(update_fields=["status", "organisation", "decided_by", "decided_at"])
    record(
        actor=by,
        action=Action.JOIN_APPROVED,
        subject=join_request,
        details={
            "organisation": organisation.pk,
            "new_organisation": new_organisation,
            "invited": invited.pk if invited else None,
            "existing_account_left_unchanged": existing.pk if existing else None,
        },
    )
    return Approval(join_request, organisation, new_organisation, invited, existing)


@transaction.atomic
def decline_join_request(*, join_request: JoinRequest, by: User, reason: str) -> JoinRequest:
    if not reason.strip():
        raise ValidationError("Enter why the request is declined.")
    join_request = _lock_pending(join_request)
    join_request.status = JoinRequest.Status.DECLINED
    join_request.decline_reason = reason.strip()
    join_request.decided_by, join_request.decided_at = by, timezone.now()
    join_request.save(update_fields=["status", "decline_reason", "decided_by", "decided_at"])
    record(
        actor=by,
        action=Action.JOIN_DECLINED,
        subject=join_request,
        reason=join_request.decline_reason,
    )
    return join_request


# --- ILT meetings ----------------------------------------------------------------------------


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
    submission_key: uuid.UUID | None = None,
) -> Meeting:
    """Schedule a meeting; the open actions of the locality's previous meeting come first."""
    fields = {
        "locality": locality,
        "starts_at": starts_at,
        "place": place,
        "online_link": online_link,
        "notes": notes,
        "decisions": decisions,
    }
    attending, apologies = list(attending), list(apologies)

    def create() -> Meeting:
        previous = (
            Meeting.objects.filter(locality=locality, starts_at__lt=starts_at)
            .order_by("-starts_at")
            .first()
        )
        meeting = Meeting.objects.create(created_by=by, **fields)
        meeting.attending.set(attending)
        meeting.apologies.set(apologies)
        carried = []
        if previous:
            carried = ActionItem.objects.bulk_create(
                ActionItem(
                    meeting=meeting, text=item.text, owner_id=item.owner_id, carried_from=item
                )
                for item in previous.items.filter(done=False)
            )
        record(
            actor=by,
            action=Action.MEETING_CREATED,
            subject=meeting,
            details={
                "locality": locality.slug,
                "starts_at": starts_at.isoformat(),
                "carried_over": len(carried),
            },
        )
        return meeting

    payload = {**fields, "attending": attending, "apologies": apologies}
    return submissions.once(
        key=submission_key, by=by, model=Meeting, payload=payload, create=create
    )


@transaction.atomic
def update_meeting(
    *,
    meeting: Meeting,
    by: User,
    version: int,
    starts_at: datetime.datetime,
    place: str,
    online_link: str,
    attending: Iterable[Organisation],
    apologies: Iterable[Organisation],
    notes: str,
    decisions: str,
) -> None:
    fields = {
        "starts_at": starts_at,
        "place": place,
        "online_link": online_link,
        "notes": notes,
        "decisions": decisions,
    }
    changed = [name for name, value in fields.items() if getattr(meeting, name) != value]
    update_versioned(Meeting, pk=meeting.pk, version=version, **fields)
    meeting.attending.set(attending)
    meeting.apologies.set(apologies)
    record(actor=by, action=Action.MEETING_CHANGED, subject=meeting, details={"fields": changed})


def add_action_item(
    *,
    meeting: Meeting,
    by: User,
    text: str,
    owner: Organisation | None = None,
    submission_key: uuid.UUID | None = None,
) -> ActionItem:
    def create() -> ActionItem:
        item = ActionItem.objects.create(meeting=meeting, text=text, owner=owner)
        record(
            actor=by,
            action=Action.ACTION_ITEM_ADDED,
            subject=item,
            details={"meeting": meeting.pk, "owner": owner.pk if owner else None},
        )
        return item

    payload = {"meeting": meeting.pk, "text": text, "owner": owner}
    return submissions.once(
        key=submission_key, by=by, model=ActionItem, payload=payload, create=create
    )


@transaction.atomic
def mark_action_item_done(*, item: ActionItem, by: User) -> None:
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
    record(actor=by, action=Action.ACTION_ITEM_DONE, subject=item, details={"items": pks})


# --- Learning cycles -------------------------------------------------------------------------


def create_learning_cycle(
    *,
    locality: Locality,
    by: User,
    question: str,
    status: str = LearningCycle.Status.EXPLORING,
    tried: str = "",
    learned: str = "",
    next_steps: str = "",
    submission_key: uuid.UUID | None = None,
) -> LearningCycle:
    fields = {
        "locality": locality,
        "question": question,
        "status": status,
        "tried": tried,
        "learned": learned,
        "next_steps": next_steps,
        "concluded_on": timezone.localdate() if status in LearningCycle.CONCLUDED else None,
    }

    def create() -> LearningCycle:
        cycle = LearningCycle.objects.create(created_by=by, **fields)
        record(
            actor=by,
            action=Action.LEARNING_CYCLE_CREATED,
            subject=cycle,
            details={"locality": locality.slug, "status": status},
        )
        return cycle

    return submissions.once(
        key=submission_key, by=by, model=LearningCycle, payload=fields, create=create
    )


@transaction.atomic
def update_learning_cycle(
    *,
    cycle: LearningCycle,
    by: User,
    version: int,
    locality: Locality,
    question: str,
    status: str,
    tried: str,
    learned: str,
    next_steps: str,
) -> None:
    fields = {
        "locality": locality,
        "question": question,
        "status": status,
        "tried": tried,
        "learned": learned,
        "next_steps": next_steps,
    }
    changed = [name for name, value in fields.items() if getattr(cycle, name) != value]
    concluded = status in LearningCycle.CONCLUDED
    if concluded != (cycle.status in LearningCycle.CONCLUDED):  # concluded, or opened again
        fields["concluded_on"] = timezone.localdate() if concluded else None
    update_versioned(LearningCycle, pk=cycle.pk, version=version, **fields)
    record(
        actor=by,
        action=Action.LEARNING_CYCLE_CHANGED,
        subject=cycle,
        details={"fields": changed, "status": status},
    )


# --- Community assets ------------------------------------------------------------------------


def create_asset(
    *, by: User, submission_key: uuid.UUID | None = None, **fields: Any
) -> CommunityAsset:
    """Add an asset to the directory: ASSET_FIELDS (name, kind, neighbourhood and offer at
    least), as the form and the API take them."""
    unknown = set(fields) - set(ASSET_FIELDS)
    if unknown:
        raise TypeError(f"create_asset() got unexpected fields: {', '.join(sorted(unknown))}")

    def create() -> CommunityAsset:
        asset = CommunityAsset.objects.create(updated_by=by, **fields)
        record(actor=by, action=Action.ASSET_CREATED, subject=asset, details={"name": asset.name})
        return asset

    return submissions.once(
        key=submission_key, by=by, model=CommunityAsset, payload=fields, create=create
    )


@transaction.atomic
def update_asset(*, asset: CommunityAsset, by: User, version: int, **fields: Any) -> None:
    """Change some of an asset's fields (never delete one: untick "still running")."""
    unknown = set(fields) - {*ASSET_FIELDS, "active"}
    if unknown:
        raise TypeError(f"update_asset() got unexpected fields: {', '.join(sorted(unknown))}")
    changed = {
        name: _for_audit(value) for name, value in fields.items() if getattr(asset, name) != value
    }
    update_versioned(CommunityAsset, pk=asset.pk, version=version, updated_by=by, **fields)
    record(actor=by, action=Action.ASSET_CHANGED, subject=asset, details={"changed": changed})
