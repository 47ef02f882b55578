"""Writes to introductions: making one (from anywhere, no referral form), changing it
(version-checked), and reassigning who holds it, one or many at once, keeping the history."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from introductions import dates, follow_ups, holders
from introductions.models import (
    INTRODUCTION_FIELDS,
    DropInSession,
    FollowUp,
    Introduction,
    IntroductionHolder,
)
from introductions.services.wellbeing import record_wellbeing
from localities.models import Resident
from thurrock_care import submissions
from thurrock_care.accounts.models import User
from thurrock_care.audit.models import Action
from thurrock_care.audit.services import record
from thurrock_care.versions import update_versioned

if TYPE_CHECKING:
    from django.http import HttpRequest

ALREADY_OPEN = "{name} already has an open introduction, held by {holder}: open it instead."


def _check_holder(resident: Resident, holder: User) -> None:
    if not holders.eligible(resident.neighbourhood.locality_id).filter(pk=holder.pk).exists():
        raise ValidationError(
            {"holder": "Choose a practitioner or coordinator who works in their locality"}
        )


def _check_ending(status: str, ended_reason: str) -> None:
    if status == Introduction.Status.ENDED and not ended_reason.strip():
        raise ValidationError({"ended_reason": "Say why it ended, as you agreed it together"})


def create_introduction(
    *,
    resident: Resident,
    by: User,
    holder: User,
    source: str,
    source_other: str = "",
    introduced_by: str = "",
    introduced_on: date | None = None,
    status: str = Introduction.Status.GETTING_TO_KNOW,
    ended_reason: str = "",
    stay_in_touch_by: date | None = None,
    drop_in: DropInSession | None = None,
    wellbeing: Mapping[str, int | None] | None = None,
    submission_key: uuid.UUID | None = None,
    request: HttpRequest | None = None,
) -> Introduction:
    """A resident introduced to a Local Area Coordinator. One open introduction a resident:
    another while one is open is refused (the same submission sent again gives the first).
    `wellbeing`: their answers to the wellbeing questions, if they chose to answer (saved
    with the introduction, or neither is)."""
    scores = {name: value for name, value in (wellbeing or {}).items() if value is not None}
    dates.check_happened(introduced_on, field="introduced_on", what="The introduction")
    dates.check_stay_in_touch(stay_in_touch_by)
    if source == Introduction.Source.OTHER and not source_other.strip():
        raise ValidationError({"source_other": "Say who introduced them"})
    _check_ending(status, ended_reason)
    _check_holder(resident, holder)

    def create() -> Introduction:
        Resident.objects.select_for_update().filter(pk=resident.pk).get()
        existing = (
            Introduction.objects.open().filter(resident=resident).select_related("holder").first()
        )
        if existing is not None and status != Introduction.Status.ENDED:
            raise ValidationError(
                ALREADY_OPEN.format(name=resident.full_name, holder=existing.holder.full_name)
            )
        introduction = Introduction.objects.create(
            resident=resident,
            source=source,
            source_other=source_other.strip() if source == Introduction.Source.OTHER else "",
            introduced_by=introduced_by,
            introduced_on=introduced_on or timezone.localdate(),
            holder=holder,
            status=status,
            ended_reason=ended_reason if status == Introduction.Status.ENDED else "",
            ended_on=timezone.localdate() if status == Introduction.Status.ENDED else None,
            stay_in_touch_by=stay_in_touch_by,
            drop_in=drop_in,
            created_by=by,
        )
        IntroductionHolder.objects.create(introduction=introduction, holder=holder, assigned_by=by)
        if stay_in_touch_by and not introduction.is_ended:
            follow_ups.set_for_introduction(introduction=introduction, due_on=stay_in_touch_by)
        if scores:
            record_wellbeing(
                resident=resident,
                by=by,
                introduction=introduction,
                request=request,
                **scores,  # type: ignore[arg-type]
            )
        record(
            actor=by,
            action=Action.CHANGED,
            resident_id=resident.pk,
            subject=introduction,
            request=request,
            details={"introduction": "created", "holder": holder.pk, "source": source},
        )
        return introduction

    payload = {
        "resident": resident.pk,
        "holder": holder.pk,
        "source": source,
        "source_other": source_other,
        "introduced_by": introduced_by,
        "introduced_on": introduced_on,
        "status": status,
        "stay_in_touch_by": stay_in_touch_by,
        "drop_in": drop_in.pk if drop_in else None,
        "wellbeing": scores,
    }
    return submissions.once(
        key=submission_key, by=by, model=Introduction, payload=payload, create=create
    )


def _change_holder(
    introduction: Introduction, *, to: User, by: User, reason: str = "", now=None
) -> None:
    now = now or timezone.now()
    IntroductionHolder.objects.filter(introduction=introduction, held_until__isnull=True).update(
        held_until=now
    )
    IntroductionHolder.objects.create(
        introduction=introduction, holder=to, assigned_by=by, held_from=now, reason=reason
    )
    # Their stay-in-touch dates go with the relationship.
    FollowUp.objects.open().filter(introduction=introduction).update(owner=to)


@transaction.atomic
def update_introduction(
    *,
    introduction: Introduction,
    by: User,
    version: int,
    request: HttpRequest | None = None,
    **values: Any,
) -> Introduction:
    """Save the changes, unless someone else saved it since `version` was read (EditConflict).
    A new holder is recorded in the history; ending it needs the reason agreed together."""
    unknown = set(values) - set(INTRODUCTION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown introduction fields: {sorted(unknown)}")
    status = values.get("status", introduction.status)
    ended_reason = values.get("ended_reason", introduction.ended_reason)
    _check_ending(status, ended_reason)
    if (
        values.get("source", introduction.source) == Introduction.Source.OTHER
        and not values.get("source_other", introduction.source_other).strip()
    ):
        raise ValidationError({"source_other": "Say who introduced them"})
    old_holder = introduction.holder
    new_holder = values.get("holder", old_holder)
    if new_holder.pk != old_holder.pk:
        _check_holder(introduction.resident, new_holder)
    if status != Introduction.Status.ENDED:
        values["ended_reason"] = ""
    if status == Introduction.Status.ENDED and not introduction.is_ended:
        values["ended_on"] = timezone.localdate()
    elif status != Introduction.Status.ENDED:
        values["ended_on"] = None
    changed = [name for name, value in values.items() if getattr(introduction, name) != value]
    if "introduced_on" in changed:
        dates.check_happened(values["introduced_on"], field="introduced_on",
                             what="The introduction")  # fmt: skip
    if "stay_in_touch_by" in changed:
        dates.check_stay_in_touch(values["stay_in_touch_by"])
    introduction.version = update_versioned(
        Introduction, pk=introduction.pk, version=version, **{n: values[n] for n in changed}
    )
    for name in changed:
        setattr(introduction, name, values[name])
    if new_holder.pk != old_holder.pk:
        _change_holder(introduction, to=new_holder, by=by)
    if "stay_in_touch_by" in changed or "status" in changed:
        due = None if introduction.is_ended else introduction.stay_in_touch_by
        follow_ups.set_for_introduction(introduction=introduction, due_on=due)
    record(
        actor=by,
        action=Action.CHANGED,
        resident_id=introduction.resident_id,
        subject=introduction,
        request=request,
        details={
            "introduction": "changed",
            "fields": [name for name in changed if name != "ended_on"],
            **({"status": status} if "status" in changed else {}),
            **({"holder": new_holder.pk} if new_holder.pk != old_holder.pk else {}),
        },
    )
    return introduction


@transaction.atomic
def reassign_introductions(
    *,
    introductions: Iterable[Introduction],
    to: User,
    by: User,
    reason: str = "",
    request: HttpRequest | None = None,
) -> list[Introduction]:
    """Give introductions to another LAC in one action (someone leaves, a caseload is
    rebalanced). Who held each one, and until when, stays in its history."""
    ids = [introduction.pk for introduction in introductions]
    locked = list(
        Introduction.objects.select_for_update(of=("self",))
        .filter(pk__in=ids)
        .select_related("resident__neighbourhood")
        .order_by("pk")
    )
    now = timezone.now()
    moved = []
    for introduction in locked:
        if introduction.holder_id == to.pk:
            continue
        _check_holder(introduction.resident, to)
        previous = introduction.holder_id
        Introduction.objects.filter(pk=introduction.pk).update(
            holder=to, version=introduction.version + 1, updated_at=now
        )
        introduction.holder, introduction.version = to, introduction.version + 1
        _change_holder(introduction, to=to, by=by, reason=reason, now=now)
        record(
            actor=by,
            action=Action.CHANGED,
            resident_id=introduction.resident_id,
            subject=introduction,
            reason=reason,
            request=request,
            details={"introduction": "reassigned", "from": previous, "to": to.pk},
        )
        moved.append(introduction)
    return moved
