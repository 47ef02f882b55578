"""Quiet hours: nothing that is not urgent is e-mailed between 20:00 and 07:00 UK time; it waits
until 07:00 (in the app it shows at once). Every clock here is fixed: nothing reads the real one."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.notifications.conftest import send, uk
from thurrock_care.notifications import delivery
from thurrock_care.notifications.models import Notification

UTC = ZoneInfo("UTC")


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        # 22:30 in winter (GMT) and in summer (BST): 07:00 UK time the next morning.
        (uk(2030, 1, 15, 22, 30), datetime(2030, 1, 16, 7, 0, tzinfo=UTC)),
        (uk(2030, 7, 15, 22, 30), datetime(2030, 7, 16, 6, 0, tzinfo=UTC)),
        # Just before the end of quiet hours: 07:00 the same day.
        (uk(2030, 1, 15, 6, 59), uk(2030, 1, 15, 7, 0)),
        (uk(2030, 1, 15, 0, 0), uk(2030, 1, 15, 7, 0)),
        # Quiet hours start at 20:00 sharp and end at 07:00 sharp.
        (uk(2030, 1, 15, 20, 0), uk(2030, 1, 16, 7, 0)),
        (uk(2030, 1, 15, 19, 59), uk(2030, 1, 15, 19, 59)),
        (uk(2030, 1, 15, 7, 0), uk(2030, 1, 15, 7, 0)),
        (uk(2030, 1, 15, 12, 0), uk(2030, 1, 15, 12, 0)),
        # Over the nights the clocks change: 07:00 on the new time.
        (uk(2030, 3, 30, 22, 30), datetime(2030, 3, 31, 6, 0, tzinfo=UTC)),  # to BST
        (uk(2030, 10, 26, 22, 30), datetime(2030, 10, 27, 7, 0, tzinfo=UTC)),  # to GMT
        # Given in UTC: 21:30 UTC in summer is 22:30 in the UK.
        (datetime(2030, 7, 15, 21, 30, tzinfo=UTC), uk(2030, 7, 16, 7, 0)),
        (datetime(2030, 7, 15, 6, 30, tzinfo=UTC), uk(2030, 7, 15, 7, 30)),  # 07:30 BST
    ],
)
def test_e_mail_waits_for_the_end_of_quiet_hours(due, expected):
    assert delivery.email_due_at(due_at=due, urgent=False) == expected


@pytest.mark.parametrize("due", [uk(2030, 1, 15, 22, 30), uk(2030, 7, 15, 3, 0)])
def test_urgent_kinds_are_e_mailed_at_once_at_any_hour(due):
    assert delivery.email_due_at(due_at=due, urgent=True) == due


@pytest.mark.django_db
def test_a_notification_in_quiet_hours_shows_at_once_and_is_e_mailed_at_seven(
    coordinator, kinds, mailoutbox, django_capture_on_commit_callbacks
):
    late = uk(2030, 1, 15, 22, 30)
    with django_capture_on_commit_callbacks(execute=True) as enqueued:
        notification = send(coordinator, due_at=late)
    assert enqueued == []  # nothing to send now
    assert notification.email_due_at == uk(2030, 1, 16, 7, 0)
    # In the app at once.
    inbox = Notification.objects.inbox_of(coordinator, now=late + timedelta(minutes=1))
    assert list(inbox) == [notification]
    # The sweeper leaves it until 07:00, then sends it.
    assert delivery.take_lost(now=uk(2030, 1, 16, 6, 59)) == []
    assert delivery.take_lost(now=uk(2030, 1, 16, 7, 0)) == [notification.pk]
    assert mailoutbox == []


@pytest.mark.django_db
def test_an_urgent_notification_in_quiet_hours_is_e_mailed_at_once(
    coordinator, kinds, mailoutbox, django_capture_on_commit_callbacks
):
    late = uk(2030, 1, 15, 22, 30)
    notification = send(coordinator, kind="test_alarm", due_at=late)
    assert notification.email_due_at == late
    assert delivery.take_lost(now=late) == [notification.pk]


@pytest.mark.django_db
def test_something_due_later_is_neither_shown_nor_e_mailed_before_then(coordinator, kinds):
    due = uk(2030, 1, 15, 10, 0)
    notification = send(coordinator, due_at=due)
    assert notification.email_due_at == due
    assert list(Notification.objects.inbox_of(coordinator, now=due - timedelta(seconds=1))) == []
    assert delivery.take_lost(now=due - timedelta(seconds=1)) == []
    assert list(Notification.objects.inbox_of(coordinator, now=due)) == [notification]
    assert delivery.take_lost(now=due) == [notification.pk]
