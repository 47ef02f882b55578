"""Writes to drop-in sessions and community events: planning one, starting and ending it, the
anonymous headcount. The people met there are conversations (services/conversations.py); one
becomes an introduction in one step (services/introductions.py, with `drop_in`)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from introductions.models import DROP_IN_FIELDS, Conversation, DropInSession
from localities.models import CommunityAsset, Locality, Organisation
from thurrock_care import access, submissions
from thurrock_care.accounts.models import User
from thurrock_care.audit.models import Action
from thurrock_care.audit.services import record
from thurrock_care.versions import update_versioned

if TYPE_CHECKING:
    from django.http import HttpRequest

MAX_HEADCOUNT_STEP = 500


def _check(*, by: User, locality: Locality, starts_at: datetime, ends_at: datetime,
           venue: str, asset: CommunityAsset | None,
           organisations: list[Organisation] | None = None) -> None:  # fmt: skip
    where = Locality.objects.worked_in_by(by) if access.runs_drop_ins(by) else None
    if where is None or not where.filter(pk=locality.pk).exists():
        raise ValidationError({"locality": "Choose a locality where you work"})
    if asset is not None and asset.neighbourhood.locality_id != locality.pk:
        raise ValidationError({"asset": "Choose a community asset in the session's locality"})
    ids = {o.pk for o in organisations or []}
    known = Organisation.objects.filter(localities=locality, pk__in=ids)
    if ids and known.count() != len(ids):
        raise ValidationError({"organisations": "Choose organisations from the locality's ILT"})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": "The end must be after the start"})
    if not venue.strip() and asset is None:
        raise ValidationError({"venue": "Say where it is: a community asset or a venue"})


def _refuse_if_cancelled(session: DropInSession) -> None:
    if session.cancelled:
        raise ValidationError("This session has been cancelled")


def create_drop_in(
    *,
    by: User,
    title: str,
    locality: Locality,
    starts_at: datetime,
    ends_at: datetime,
    kind: str = DropInSession.Kind.DROP_IN,
    venue: str = "",
    asset: CommunityAsset | None = None,
    organisations: Iterable[Organisation] = (),
    description: str = "",
    submission_key: uuid.UUID | None = None,
    request: HttpRequest | None = None,
) -> DropInSession:
    """Plan a drop-in or community event in a locality where the author works."""
    organisations = list(organisations)
    _check(by=by, locality=locality, starts_at=starts_at, ends_at=ends_at, venue=venue,
           asset=asset, organisations=organisations)  # fmt: skip
    fields = {
        "title": title,
        "kind": kind,
        "locality": locality,
        "venue": venue,
        "asset": asset,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "description": description,
    }

    def create() -> DropInSession:
        session = DropInSession.objects.create(created_by=by, **fields)
        session.organisations.set(organisations)
        record(actor=by, action=Action.CHANGED, subject=session, request=request,
               details={"drop_in": "planned", "locality": locality.slug})  # fmt: skip
        return session

    return submissions.once(
        key=submission_key,
        by=by,
        model=DropInSession,
        payload={**fields, "organisations": organisations},
        create=create,
    )


@transaction.atomic
def update_drop_in(
    *,
    session: DropInSession,
    by: User,
    version: int,
    request: HttpRequest | None = None,
    **values: Any,
) -> DropInSession:
    unknown = set(values) - set(DROP_IN_FIELDS)
    if unknown:
        raise TypeError(f"Unknown drop-in fields: {sorted(unknown)}")
    if session.cancelled:
        raise ValidationError("This session has been cancelled: plan a new one instead")
    organisations = values.pop("organisations", None)
    merged = {name: values.get(name, getattr(session, name)) for name in
              ("locality", "starts_at", "ends_at", "venue", "asset")}  # fmt: skip
    _check(by=by, organisations=organisations, **merged)
    changed = [name for name, value in values.items() if getattr(session, name) != value]
    session.version = update_versioned(
        DropInSession, pk=session.pk, version=version, **{n: values[n] for n in changed}
    )
    for name in changed:
        setattr(session, name, values[name])
    if organisations is not None:
        session.organisations.set(organisations)
        changed.append("organisations")
    record(actor=by, action=Action.CHANGED, subject=session, request=request,
           details={"drop_in": "changed", "fields": changed})  # fmt: skip
    return session


@transaction.atomic
def cancel_drop_in(
    *,
    session: DropInSession,
    by: User,
    version: int,
    reason: str = "",
    request: HttpRequest | None = None,
) -> DropInSession:
    """Call off a planned session before it starts: it leaves the lists and the poster, and
    calendars that follow the feed mark it cancelled. A session that has started is ended
    instead (the people met there stay on record)."""
    locked = DropInSession.objects.select_for_update().get(pk=session.pk)  # against a start
    if locked.started_at is not None:
        raise ValidationError("This session has already started: end it instead")
    if locked.headcount or Conversation.objects.filter(drop_in=locked).exists():
        raise ValidationError("People have been seen at this session: end it instead")
    if locked.cancelled:
        raise ValidationError("This session has already been cancelled")
    reason = reason.strip()
    session.version = update_versioned(
        DropInSession, pk=session.pk, version=version, cancelled=True, cancelled_reason=reason
    )
    session.cancelled, session.cancelled_reason = True, reason
    record(actor=by, action=Action.CHANGED, subject=session, request=request,
           details={"drop_in": "cancelled", "reason": reason})  # fmt: skip
    return session


@transaction.atomic
def start_drop_in(
    *, session: DropInSession, by: User, request: HttpRequest | None = None
) -> DropInSession:
    """The session has begun: its page gathers the people met."""
    session = DropInSession.objects.select_for_update().get(pk=session.pk)
    _refuse_if_cancelled(session)
    if session.started_at is None:
        session.started_at = timezone.now()
        session.save(update_fields=["started_at", "updated_at"])
        record(actor=by, action=Action.CHANGED, subject=session, request=request,
               details={"drop_in": "started"})  # fmt: skip
    return session


@transaction.atomic
def end_drop_in(
    *, session: DropInSession, by: User, request: HttpRequest | None = None
) -> DropInSession:
    session = DropInSession.objects.select_for_update().get(pk=session.pk)
    _refuse_if_cancelled(session)
    if session.ended_at is None:
        now = timezone.now()
        session.started_at = session.started_at or now
        session.ended_at = now
        session.save(update_fields=["started_at", "ended_at", "updated_at"])
        record(actor=by, action=Action.CHANGED, subject=session, request=request,
               details={"drop_in": "ended", "headcount": session.headcount})  # fmt: skip
    return session


def add_to_headcount(
    *,
    session: DropInSession,
    by: User,
    people: int = 1,
    submission_key: uuid.UUID | None = None,
    request: HttpRequest | None = None,
) -> DropInSession:
    """People helped without a record (anonymous): counted, never named. The same submission
    sent twice counts once."""
    _refuse_if_cancelled(session)
    if not 1 <= people <= MAX_HEADCOUNT_STEP:
        raise ValidationError({"people": f"Enter a number from 1 to {MAX_HEADCOUNT_STEP}"})

    def create() -> DropInSession:
        DropInSession.objects.filter(pk=session.pk).update(
            headcount=F("headcount") + people, updated_at=timezone.now()
        )
        session.refresh_from_db(fields=["headcount", "updated_at"])
        record(actor=by, action=Action.CHANGED, subject=session, request=request,
               details={"drop_in": "headcount", "added": people})  # fmt: skip
        return session

    payload = {"session": session.pk, "people": people}
    return submissions.once(
        key=submission_key, by=by, model=DropInSession, payload=payload, create=create
    )
