"""Stay-in-touch reminders with a real Celery worker (tests/conftest.py `celery_worker`): the
beat task, run by the worker, tells the owner of a follow-up due today once, in the app and by
one e-mail; run again, nothing more; once the follow-up conversation is logged, nothing at all.
"""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from introductions.models import FollowUp
from introductions.services import conversations
from introductions.tasks import remind_follow_ups
from tests.factories import ResidentFactory
from thurrock_care.notifications.delivery import UK
from thurrock_care.notifications.models import Notification

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def last_midday() -> datetime:
    """The latest 12:00 UK time that has passed: a "now" outside quiet hours, whenever the
    test runs (the worker's own clock then finds the e-mail due)."""
    now = timezone.now().astimezone(UK)
    day = now.date() if now.time() >= time(12) else now.date() - timedelta(days=1)
    return datetime.combine(day, time(12), tzinfo=UK)


def run_beat_task(now: datetime) -> int:
    return remind_follow_ups.delay(now=now.isoformat()).get(timeout=60)


def test_a_follow_up_due_today_is_one_notification_and_one_e_mail_once(worker_outbox, practitioner):
    now = last_midday()
    resident = ResidentFactory()
    FollowUp.objects.create(resident=resident, owner=practitioner, due_on=now.date())
    assert run_beat_task(now) == 1
    [message] = worker_outbox.wait_for_messages(1)
    assert message["to"] == [practitioner.email]
    assert resident.reference in message["subject"]
    assert resident.full_name not in message["subject"] + message["body"]
    # Beat runs it again (every 15 minutes): nothing more.
    assert run_beat_task(now + timedelta(minutes=15)) == 0
    worker_outbox.wait_until_idle()
    assert len(worker_outbox.messages) == 1
    assert Notification.objects.filter(recipient=practitioner).count() == 1

    # The follow-up conversation is logged: no reminder any more, however often beat runs.
    conversations.log_conversation(
        resident=resident, by=practitioner, how_we_met="phone", what_matters="Doing well"
    )
    assert run_beat_task(now + timedelta(minutes=30)) == 0
    worker_outbox.wait_until_idle()
    assert len(worker_outbox.messages) == 1
    assert Notification.objects.get().read_at is not None  # cleared in the app too


def test_no_reminder_once_the_follow_up_conversation_is_logged(worker_outbox, practitioner):
    now = last_midday()
    resident = ResidentFactory()
    FollowUp.objects.create(resident=resident, owner=practitioner, due_on=now.date())
    conversations.log_conversation(
        resident=resident, by=practitioner, how_we_met="home_visit", what_matters="Her garden"
    )
    assert run_beat_task(now) == 0
    worker_outbox.wait_until_idle()
    assert worker_outbox.messages == []
    assert not Notification.objects.exists()
