"""Every write to the ILT's records: join requests, meetings, learning cycles, assets."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from localities.models import (
    ActionItem,
    CommunityAsset,
    JoinRequest,
    LearningCycle,
    Locality,
    Meeting,
    Membership,
    Neighbourhood,
    Organisation,
)
from thurrock_care.accounts.models import Role, User
from thurrock_care.accounts.services import invite_user

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
