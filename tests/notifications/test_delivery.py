"""Sending a notification's e-mail: claimed before it is sent, so a second task does nothing;
retried when the mail server is down for a while; given up (with the reason) when waiting will
not help; found again by the sweeper when no task is looking after it. Clocks are fixed."""

import smtplib
from datetime import timedelta

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from tests.notifications.conftest import send, uk
from thurrock_care.notifications import delivery
from thurrock_care.notifications.backends import TransientError
from thurrock_care.notifications.models import Notification

pytestmark = pytest.mark.django_db

NOW = uk(2030, 1, 15, 12, 0)


class RefusingBackend(BaseEmailBackend):
    """A mail server that refuses the address."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPRecipientsRefused({"x@example.org": (550, b"No such user")})


class BusyBackend(BaseEmailBackend):
    """A mail server that says 'try again later'."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPDataError(451, b"Greylisted, try again later")


@pytest.fixture
def due(coordinator, kinds):
    """An e-mail that is due (on the real clock: the worker side reads it)."""
    return send(
        coordinator, kind="test_alarm", link="/residents/break-glass/",
        due_at=timezone.now() - timedelta(minutes=1),
    )  # fmt: skip


def test_the_e_mail_says_what_happened_links_to_it_and_to_the_settings(
    due, coordinator, mailoutbox, settings
):
    assert delivery.deliver_email(notification_id=due.pk, worker="w1") is True
    (message,) = mailoutbox
    assert message.to == [coordinator.email]
    assert message.subject == due.subject
    assert message.body.startswith("Something happened.\n\nOpen it: ")
    assert f"Open it: {settings.SITE_URL}/residents/break-glass/\n" in message.body
    assert f"{settings.SITE_URL}/notifications/settings/" in message.body
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    due.refresh_from_db()
    assert due.email_sent_at is not None
    assert due.email_attempts == 1
    assert due.email_claimed_by.startswith("w1:")


def test_a_second_task_for_a_sent_e_mail_does_nothing(due, mailoutbox):
    assert delivery.deliver_email(notification_id=due.pk, worker="w1") is True
    assert delivery.deliver_email(notification_id=due.pk, worker="w2") is False
    assert len(mailoutbox) == 1


def test_a_claim_holds_until_its_lease_runs_out(due, settings):
    settings.NOTIFICATIONS_CLAIM_LEASE = 300
    now = timezone.now()
    assert delivery.claim(notification_id=due.pk, token="a", now=now) is not None
    # Another worker, while the first one is sending: nothing.
    soon = now + timedelta(seconds=299)
    assert delivery.claim(notification_id=due.pk, token="b", now=soon) is None
    # The first one died: after the lease, another may take it.
    taken = delivery.claim(notification_id=due.pk, token="c", now=now + timedelta(seconds=301))
    assert taken is not None
    assert (taken.email_claimed_by, taken.email_attempts) == ("c", 2)


def test_an_e_mail_not_due_yet_cannot_be_claimed(coordinator, kinds):
    later = send(coordinator, due_at=NOW)
    assert (
        delivery.claim(notification_id=later.pk, token="a", now=NOW - timedelta(seconds=1)) is None
    )
    assert delivery.claim(notification_id=later.pk, token="a", now=NOW) is not None


def test_a_mail_server_that_is_down_releases_the_claim_for_a_retry(due, settings, mailoutbox):
    settings.EMAIL_BACKEND = "tests.mail_backends.DisconnectingBackend"
    with pytest.raises(TransientError, match="could not be reached"):
        delivery.deliver_email(notification_id=due.pk, worker="w1")
    due.refresh_from_db()
    assert (due.email_claimed_at, due.email_sent_at, due.email_failed_at) == (None, None, None)
    assert due.email_attempts == 1
    assert "Connection unexpectedly closed" in due.email_last_error
    # The retry, once the server is back.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert delivery.deliver_email(notification_id=due.pk, worker="w1") is True
    due.refresh_from_db()
    assert (due.email_attempts, due.email_last_error) == (2, "")
    assert len(mailoutbox) == 1


def test_a_temporary_refusal_is_retried_too(due, settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_delivery.BusyBackend"
    with pytest.raises(TransientError, match="451"):
        delivery.deliver_email(notification_id=due.pk, worker="w1")


def test_after_the_last_attempt_it_is_given_up(due, settings):
    settings.EMAIL_BACKEND = "tests.mail_backends.DisconnectingBackend"
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    for _ in range(2):
        with pytest.raises(TransientError):
            delivery.deliver_email(notification_id=due.pk, worker="w1")
    assert delivery.deliver_email(notification_id=due.pk, worker="w1") is False  # no retry
    due.refresh_from_db()
    assert due.email_failed_at is not None
    assert due.email_attempts == 3
    assert delivery.take_lost(now=timezone.now() + timedelta(days=1)) == []


def test_a_refused_address_is_given_up_at_once_with_the_reason(due, settings, mailoutbox):
    settings.EMAIL_BACKEND = "tests.notifications.test_delivery.RefusingBackend"
    assert delivery.deliver_email(notification_id=due.pk, worker="w1") is False
    due.refresh_from_db()
    assert due.email_failed_at is not None
    assert "refused the address" in due.email_last_error
    assert "No such user" in due.email_last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert delivery.deliver_email(notification_id=due.pk, worker="w1") is False
    assert delivery.take_lost(now=timezone.now() + timedelta(days=1)) == []
    assert mailoutbox == []


def test_nobody_is_e_mailed_whose_account_was_switched_off_since(due, coordinator, mailoutbox):
    coordinator.is_active = False
    coordinator.save(update_fields=["is_active"])
    assert delivery.deliver_email(notification_id=due.pk, worker="w1") is False
    due.refresh_from_db()
    assert due.email_last_error == "The recipient's account is switched off."
    assert mailoutbox == []


def test_the_sweeper_finds_what_no_task_is_looking_after(coordinator, kinds, settings):
    settings.NOTIFICATIONS_CLAIM_LEASE = 300
    lease = timedelta(seconds=300)

    def make(**state) -> Notification:
        notification = send(coordinator, due_at=NOW - timedelta(hours=1))
        Notification.objects.filter(pk=notification.pk).update(**state)
        return notification

    never_queued = make(email_queued_at=None)
    lost_enqueue = make(email_queued_at=NOW - lease - timedelta(seconds=1))
    dead_worker = make(email_queued_at=NOW - lease * 2, email_claimed_at=NOW - lease * 2,
                       email_claimed_by="gone", email_attempts=1)  # fmt: skip
    on_its_way = make(email_queued_at=NOW - timedelta(seconds=10))  # its task is coming
    being_sent = make(email_claimed_at=NOW - timedelta(seconds=10), email_claimed_by="busy")
    make(email_sent_at=NOW - timedelta(minutes=5))
    make(email_failed_at=NOW - timedelta(minutes=5))
    make(email_due_at=None)  # no e-mail wanted
    not_yet = make(email_due_at=NOW + timedelta(minutes=1), email_queued_at=None)
    last_try_died = make(
        email_queued_at=NOW - lease * 2, email_claimed_at=NOW - lease * 2, email_claimed_by="x",
        email_attempts=settings.NOTIFICATIONS_MAX_ATTEMPTS,
    )  # fmt: skip

    found = delivery.take_lost(now=NOW)
    assert sorted(found) == sorted([never_queued.pk, lost_enqueue.pk, dead_worker.pk])
    # Marked queued: a second sweep straight after (a second beat) finds nothing again.
    assert delivery.take_lost(now=NOW) == []
    assert delivery.take_lost(now=NOW + timedelta(seconds=10)) == []
    # After a lease with no worker taking them, they are found again; so is the e-mail whose
    # task never came, the one whose worker never finished, and the one now due.
    again = delivery.take_lost(now=NOW + lease + timedelta(seconds=1))
    later = [on_its_way.pk, being_sent.pk, not_yet.pk]
    assert sorted(again) == sorted(found + later)
    last_try_died.refresh_from_db()
    assert last_try_died.email_failed_at == NOW
    assert last_try_died.email_last_error == "No answer on the last attempt."


def test_the_sweep_task_enqueues_and_sends_them(coordinator, kinds, mailoutbox, settings):
    from thurrock_care.notifications.tasks import sweep

    late = timezone.now() - timedelta(minutes=1)
    held = [send(coordinator, kind="test_alarm", due_at=late) for _ in range(3)]
    Notification.objects.update(email_queued_at=None)  # as if their enqueue had been lost
    assert sweep.delay().get() == 3
    assert sorted(m.subject for m in mailoutbox) == sorted(n.subject for n in held)
    assert sweep.delay().get() == 0
