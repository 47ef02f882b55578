"""Writes to conversations: logging one (once per submission key), with the connections it
makes and what it found of earlier ones; logging the first conversation with someone new
(their record and the conversation, together); and doing stay-in-touch follow-ups."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from introductions import dates, follow_ups
from introductions.models import ConnectionMade, Conversation, DropInSession
from introductions.models.conversations import readable_by
from localities.models import CommunityAsset, Neighbourhood, Organisation, Resident
from localities.services import residents as resident_services
from thurrock_care import submissions
from thurrock_care.accounts.models import User
from thurrock_care.audit.models import Action
from thurrock_care.audit.services import record

if TYPE_CHECKING:
    from django.http import HttpRequest


@dataclass(frozen=True)
class NewConnection:
    """A connection a conversation makes: to a community asset, or to a person or group."""

    asset: CommunityAsset | None = None
    person: str = ""


def _check_places(
    resident: Resident,
    *,
    asset: CommunityAsset | None,
    organisations: list[Organisation],
    connections: list[NewConnection],
) -> None:
    """Where and with whom: the community assets (in use) of the resident's locality, and
    organisations of its ILT, as the form offers them."""
    locality = Neighbourhood.objects.filter(pk=resident.neighbourhood_id).values("locality")
    ids = {a.pk for a in [asset, *(c.asset for c in connections)] if a is not None}
    assets = CommunityAsset.objects.filter(
        pk__in=ids, active=True, neighbourhood__locality__in=locality
    )
    if assets.count() != len(ids):
        raise ValidationError({"asset": "Choose a community asset in their locality"})
    ids = {o.pk for o in organisations}
    if ids and Organisation.objects.filter(
        pk__in=ids, localities__in=locality
    ).distinct().count() != len(ids):
        raise ValidationError({"organisations": "Choose organisations of their locality's ILT"})


def log_conversation(
    *,
    resident: Resident,
    by: User,
    how_we_met: str,
    what_matters: str,
    held_at: datetime | None = None,
    asset: CommunityAsset | None = None,
    venue: str = "",
    organisations: Iterable[Organisation] = (),
    strengths: str = "",
    next_steps: str = "",
    stay_in_touch_by: date | None = None,
    sensitive: bool = False,
    drop_in: DropInSession | None = None,
    connections: Iterable[NewConnection] = (),
    checked: Mapping[int, str] | None = None,
    submission_key: uuid.UUID | None = None,
    request: HttpRequest | None = None,
) -> Conversation:
    """A conversation with the resident. It does their open stay-in-touch follow-ups, records
    the connections it makes, and whether earlier ones held (`checked`: connection id →
    kept or not_kept). The same submission key sent again gives the first conversation."""
    organisations = list(organisations)
    connections = [c for c in connections if c.asset is not None or c.person.strip()]
    checked = dict(checked or {})
    if not what_matters.strip():
        raise ValidationError({"what_matters": "Write what matters to them"})
    _check_places(resident, asset=asset, organisations=organisations, connections=connections)
    if drop_in is not None and drop_in.cancelled:
        raise ValidationError({"drop_in": "That session was cancelled"})
    if held_at is not None and held_at > timezone.now() + timedelta(minutes=5):
        raise ValidationError({"held_at": "A conversation cannot be in the future"})
    dates.check_happened(held_at, field="held_at", what="A conversation")
    dates.check_stay_in_touch(stay_in_touch_by)
    bad = set(checked.values()) - {ConnectionMade.Outcome.KEPT, ConnectionMade.Outcome.NOT_KEPT}
    if bad:
        raise ValueError(f"Not an outcome of a connection: {sorted(bad)}")

    def create() -> Conversation:
        conversation = Conversation.objects.create(
            resident=resident,
            held_at=held_at or timezone.now(),
            how_we_met=how_we_met,
            what_matters=what_matters,
            asset=asset,
            venue=venue,
            strengths=strengths,
            next_steps=next_steps,
            stay_in_touch_by=stay_in_touch_by,
            sensitive=sensitive,
            drop_in=drop_in,
            held_by=by,
        )
        conversation.organisations.set(organisations)
        made = ConnectionMade.objects.bulk_create(
            ConnectionMade(
                resident=resident,
                conversation=conversation,
                asset=connection.asset,
                person="" if connection.asset else connection.person.strip(),
            )
            for connection in connections
        )
        found = ConnectionMade.objects.filter(
            readable_by(by, "conversation__"), resident=resident, pk__in=list(checked)
        )
        if found.count() != len(checked):
            raise ValidationError("Only connections made with this resident can be checked")
        for connection in found:
            connection.outcome = checked[connection.pk]
            connection.checked_in, connection.checked_at = conversation, conversation.held_at
            connection.save(update_fields=["outcome", "checked_in", "checked_at"])
        done = follow_ups.done_by(conversation)
        follow_ups.set_for_conversation(conversation=conversation, owner=by)
        record(
            actor=by,
            action=Action.CHANGED,
            resident_id=resident.pk,
            subject=conversation,
            request=request,
            details={
                "conversation": "logged",
                "sensitive": sensitive,
                "connections_made": [c.pk for c in made],
                "connections_checked": checked and {str(k): v for k, v in checked.items()},
                "follow_ups_done": [f.pk for f in done],
                **({"drop_in": drop_in.pk} if drop_in else {}),
            },
        )
        return conversation

    payload = {
        "resident": resident.pk,
        "held_at": held_at,
        "how_we_met": how_we_met,
        "what_matters": what_matters,
        "asset": asset,
        "venue": venue,
        "organisations": organisations,
        "strengths": strengths,
        "next_steps": next_steps,
        "stay_in_touch_by": stay_in_touch_by,
        "sensitive": sensitive,
        "drop_in": drop_in,
        "connections": [f"{c.asset.pk if c.asset else ''}:{c.person}" for c in connections],
        "checked": {str(k): v for k, v in checked.items()},
    }
    return submissions.once(
        key=submission_key, by=by, model=Conversation, payload=payload, create=create
    )


def _conversation_key(resident_key: uuid.UUID | None) -> uuid.UUID | None:
    """The key of the conversation logged with a new record, from the record's own key."""
    return uuid.uuid5(resident_key, "conversation") if resident_key else None


@transaction.atomic
def log_first_conversation(
    *,
    by: User,
    resident_details: dict[str, Any],
    existing: Resident | None = None,
    confirm_new: bool = False,
    submission_key: uuid.UUID | None = None,
    request: HttpRequest | None = None,
    **conversation: Any,
) -> Conversation:
    """Someone new: their record (with localities' duplicate check: LikelyDuplicates if the
    author may see look-alikes and has not confirmed that none is them) and the first
    conversation with them, together. Sent twice, it makes one of each. `existing`: the
    author chose one of the look-alikes instead (the conversation is logged with them)."""
    resident = existing or resident_services.create_resident(
        by=by,
        submission_key=submission_key,
        confirm_new=confirm_new,
        request=request,
        **resident_details,
    )
    return log_conversation(
        resident=resident,
        by=by,
        submission_key=_conversation_key(submission_key),
        request=request,
        **conversation,
    )
