"""What this app tells people through thurrock_care.notifications: a stay-in-touch follow-up
is due. Sent once per follow-up and date (its de-duplication key), by the beat task
`introductions.tasks.remind_follow_ups`; withdrawn when the follow-up conversation is logged
(services/follow_ups.py). No resident's name goes into it: their record number does."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, TextField, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils import timezone

from introductions.models import FollowUp
from thurrock_care import access
from thurrock_care.notifications import Kind
from thurrock_care.notifications.models import Notification
from thurrock_care.notifications.services import Notice, notify_many

FOLLOW_UP_DUE = Kind(
    name="follow_up_due",
    label="A stay-in-touch follow-up is due",
    action="Log the conversation",
    audience=access.sees_named_residents,
)
KINDS = [FOLLOW_UP_DUE]

BATCH = 500  # follow-ups per transaction


def remind_follow_ups(*, now: datetime | None = None) -> list[Notification]:
    """Tell each owner of a follow-up due today or overdue, once per follow-up and date: every
    one due, BATCH at a time, each batch in a transaction of its own (a crash loses none and,
    the key being the notification's de-duplication key, sends none twice). An owner who no
    longer sees the resident's record (moved on) is not told: it waits for a new owner. The
    notification is due `now` (the e-mail waits for the end of quiet hours). Three queries
    per batch, however many follow-ups and owners it holds."""
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
        # The owner still sees the record (not moved on): Resident.objects.visible_to(owner),
        # for every follow-up at once. Otherwise it waits for a new owner.
        .filter(access.resident_pairs_filter(user="owner", resident="resident"))
        .annotate(reminder=key)
        .exclude(Exists(reminded))
        .select_related("resident", "owner")
        .order_by("due_on", "pk")
    )
    sent: list[Notification] = []
    after = Q()
    while True:
        with transaction.atomic():
            batch = list(due.filter(after)[:BATCH])
            if not batch:
                return sent
            notices = [_notice(follow_up, today) for follow_up in batch]
            sent += notify_many(kind=FOLLOW_UP_DUE.name, notices=notices, due_at=now)
        last = batch[-1]
        after = Q(due_on__gt=last.due_on) | Q(due_on=last.due_on, pk__gt=last.pk)


def _notice(follow_up: FollowUp, today: date) -> Notice:
    when = "today" if follow_up.due_on == today else f"since {follow_up.due_on:%-d %B %Y}"
    return Notice(
        recipient=follow_up.owner,
        subject=f"Stay in touch with {follow_up.resident.reference}: due {when}",
        body=(
            f"You planned to stay in touch with the resident of record "
            f"{follow_up.resident.reference} by {follow_up.due_on:%-d %B %Y}. A conversation "
            "with them, logged in Thurrock Care, does it."
        ),
        link=reverse("introductions:conversation_create", args=[follow_up.resident_id]),
        dedupe_key=follow_up.reminder_key,
    )
