"""What this app tells people through thurrock_care.notifications: a stay-in-touch follow-up
is due. Sent once per follow-up and date (its de-duplication key), by the beat task
`introductions.tasks.remind_follow_ups`; withdrawn when the follow-up conversation is logged
(services/follow_ups.py). No resident's name goes into it: their record number does."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, TextField, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils import timezone

from introductions.models import FollowUp
from localities.models import Resident
from thurrock_care import access
from thurrock_care.notifications import Kind
from thurrock_care.notifications.models import Notification
from thurrock_care.notifications.services import notify

FOLLOW_UP_DUE = Kind(
    name="follow_up_due",
    label="A stay-in-touch follow-up is due",
    action="Log the conversation",
    audience=access.sees_named_residents,
)
KINDS = [FOLLOW_UP_DUE]

BATCH = 500


def remind_follow_ups(*, now: datetime | None = None) -> list[Notification]:
    """Tell each owner of a follow-up due today or overdue, once per follow-up and date. The
    notification is due `now` (the e-mail waits for the end of quiet hours)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    key = Concat(
        Value("follow_up:"),
        Cast("pk", TextField()),
        Value(":"),
        Cast("due_on", TextField()),  # YYYY-MM-DD, as FollowUp.reminder_key writes it
        output_field=TextField(),
    )
    reminded = Notification.objects.filter(dedupe_key=OuterRef("reminder"))
    due = (
        FollowUp.objects.due(today)
        .filter(owner__is_active=True)
        .annotate(reminder=key)
        .exclude(Exists(reminded))
        .select_related("resident", "owner")
        .order_by("due_on", "pk")
    )
    sent: list[Notification] = []
    for follow_up in due[: BATCH * 2]:
        if len(sent) == BATCH:
            break
        if (
            not Resident.objects.visible_to(follow_up.owner)
            .filter(pk=follow_up.resident_id)
            .exists()
        ):
            continue  # the owner no longer sees the record (moved on): it waits for a new owner
        with transaction.atomic():
            sent.append(notify_follow_up(follow_up=follow_up, now=now, today=today))
    return sent


def notify_follow_up(*, follow_up: FollowUp, now: datetime, today: date) -> Notification:
    when = "today" if follow_up.due_on == today else f"since {follow_up.due_on:%-d %B %Y}"
    return notify(
        recipient=follow_up.owner,
        kind=FOLLOW_UP_DUE.name,
        subject=f"Stay in touch with {follow_up.resident.reference}: due {when}",
        body=(
            f"You planned to stay in touch with the resident of record "
            f"{follow_up.resident.reference} by {follow_up.due_on:%-d %B %Y}. A conversation "
            "with them, logged in Thurrock Care, does it."
        ),
        link=reverse("introductions:conversation_create", args=[follow_up.resident_id]),
        dedupe_key=follow_up.reminder_key,
        due_at=now,
    )
