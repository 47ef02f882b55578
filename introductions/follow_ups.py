"""Stay in touch: follow-up dates set on an introduction or a conversation, and done by the
next conversation with the resident. Called by the other services of this app, inside their
transaction (their audit entry covers it)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from introductions.models import Conversation, FollowUp, Introduction
from thurrock_care.notifications.services import withdraw

if TYPE_CHECKING:
    from thurrock_care.accounts.models import User


def set_for_introduction(*, introduction: Introduction, due_on: date | None) -> FollowUp | None:
    """The introduction's stay-in-touch date, for its holder: replaces an open one (or
    withdraws it, with no date)."""
    open_ones = FollowUp.objects.open().filter(introduction=introduction, conversation=None)
    for follow_up in open_ones.filter(due_on__isnull=False):
        if follow_up.due_on == due_on:
            return follow_up
        _close(follow_up, done_by=None)
    if due_on is None:
        return None
    return FollowUp.objects.create(
        resident_id=introduction.resident_id,
        owner_id=introduction.holder_id,
        due_on=due_on,
        introduction=introduction,
    )


def set_for_conversation(*, conversation: Conversation, owner: User) -> FollowUp | None:
    if conversation.stay_in_touch_by is None:
        return None
    return FollowUp.objects.create(
        resident_id=conversation.resident_id,
        owner=owner,
        due_on=conversation.stay_in_touch_by,
        conversation=conversation,
    )


def done_by(conversation: Conversation) -> list[FollowUp]:
    """A conversation with the resident does the open stay-in-touch dates its author set for
    them (a partner's conversation is not the LAC's keeping in touch), if it was held after
    the date was set (a conversation logged late, about last month, is not the follow-up);
    their reminders, if not yet e-mailed, are withdrawn."""
    done = list(
        FollowUp.objects.open()
        .select_for_update()
        .filter(
            resident_id=conversation.resident_id,
            owner_id=conversation.held_by_id,
            created_at__lt=conversation.held_at + timedelta(minutes=1),  # typed to the minute
        )
        .exclude(conversation=conversation)
    )
    for follow_up in done:
        _close(follow_up, done_by=conversation)
    return done


def _close(follow_up: FollowUp, *, done_by: Conversation | None) -> None:
    follow_up.done_at, follow_up.done_by = timezone.now(), done_by
    follow_up.save(update_fields=["done_at", "done_by"])
    withdraw(dedupe_key=follow_up.reminder_key)
