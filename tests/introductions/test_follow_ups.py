"""Stay in touch: a follow-up due today (or overdue) is a reminder to its owner, once per
follow-up and date; the follow-up conversation does it, and withdraws a reminder not yet sent.
(tests/introductions/test_worker.py runs the same with a real worker and its e-mail.)"""

from datetime import datetime, time, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from introductions import notifications
from introductions.models import FollowUp
from introductions.services import conversations
from tests.factories import ResidentFactory
from thurrock_care.notifications.delivery import UK
from thurrock_care.notifications.models import Notification

pytestmark = pytest.mark.django_db


def last_midday() -> datetime:
    """The latest 12:00 UK time that has passed: a "now" outside quiet hours whose e-mail is
    due at once, whenever the test runs."""
    now = timezone.now().astimezone(UK)
    day = now.date() if now.time() >= time(12) else now.date() - timedelta(days=1)
    return datetime.combine(day, time(12), tzinfo=UK)


def at(hour: int, days: int = 0) -> datetime:
    """`days` after the day of last_midday(), at `hour` on UK clocks."""
    return datetime.combine(last_midday().date() + timedelta(days=days), time(hour), tzinfo=UK)


def test_a_follow_up_due_today_is_a_reminder_once(practitioner, django_capture_on_commit_callbacks):
    resident = ResidentFactory()
    FollowUp.objects.create(resident=resident, owner=practitioner, due_on=at(0).date())
    FollowUp.objects.create(
        resident=ResidentFactory(), owner=practitioner, due_on=at(0, days=1).date()
    )  # fmt: skip (not due yet)
    with django_capture_on_commit_callbacks(execute=True):
        sent = notifications.remind_follow_ups(now=at(12))
        again = notifications.remind_follow_ups(now=at(12) + timedelta(minutes=15))
    assert (len(sent), again) == (1, [])
    reminder = Notification.objects.get()
    assert reminder.recipient == practitioner
    assert reminder.subject == f"Stay in touch with {resident.reference}: due today"
    assert resident.full_name not in reminder.subject + reminder.body
    assert reminder.link == f"/lac/residents/{resident.pk}/conversations/new/"
    assert [m.to for m in mail.outbox] == [[practitioner.email]]


def test_an_overdue_follow_up_says_since_when(practitioner):
    FollowUp.objects.create(
        resident=ResidentFactory(), owner=practitioner, due_on=at(0, days=-3).date()
    )
    [reminder] = notifications.remind_follow_ups(now=at(9))
    assert f"due since {at(0, days=-3):%-d %B %Y}" in reminder.subject


def test_the_follow_up_conversation_does_it_and_withdraws_a_reminder_held_for_quiet_hours(
    practitioner,
):
    # Tomorrow at 06:00 (always ahead of the clock): its e-mail waits for 07:00.
    early = datetime.combine(timezone.localdate() + timedelta(days=1), time(6), tzinfo=UK)
    resident = ResidentFactory()
    FollowUp.objects.create(resident=resident, owner=practitioner, due_on=early.date())
    [reminder] = notifications.remind_follow_ups(now=early)
    assert (reminder.email_due_at, reminder.email_sent_at) == (early.replace(hour=7), None)
    conversations.log_conversation(
        resident=resident, by=practitioner, how_we_met="phone", what_matters="Doing well"
    )
    reminder.refresh_from_db()
    assert (reminder.email_due_at, reminder.read_at is not None) == (None, True)
    assert notifications.remind_follow_ups(now=early.replace(hour=12)) == []
    assert mail.outbox == []
