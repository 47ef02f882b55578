"""Sending notification e-mails, and the sweeper that picks up those no task is looking after
(see delivery.py for how each is sent exactly once in effect)."""

from collections.abc import Sequence

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from thurrock_care.notifications import delivery
from thurrock_care.notifications.backends import TransientError


# A mail server or Notify that is down, slow or busy: try again after about 5 s, 10 s, 20 s …
# (NOTIFICATIONS_RETRY_BACKOFF, doubling, capped at 10 minutes, jittered), up to
# NOTIFICATIONS_MAX_ATTEMPTS sends in all. Anything else is given up at once (delivery.py).
@shared_task(
    bind=True,
    autoretry_for=(TransientError,),
    retry_backoff=settings.NOTIFICATIONS_RETRY_BACKOFF,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=settings.NOTIFICATIONS_MAX_ATTEMPTS,
)
def send_email(self, *, notification_id: int) -> bool:
    return delivery.deliver_email(
        notification_id=notification_id, worker=self.request.hostname or "eager"
    )


@shared_task
def sweep() -> int:
    """Run by beat every minute: enqueue the e-mails that are due and that no task is sending
    (held for quiet hours, an enqueue that was lost, a worker that died mid-send)."""
    lost = delivery.take_lost(now=timezone.now())
    for notification_id in lost:
        send_email.delay(notification_id=notification_id)
    return len(lost)


# E-mails enqueued together by notify_many: one task for each so many (publishing a task costs
# a few milliseconds; ten thousand reminders would spend most of their time enqueueing).
EMAIL_CHUNK = 50


def enqueue_emails(notification_ids: Sequence[int]) -> None:
    """Enqueue the e-mails of these notifications, EMAIL_CHUNK to a task."""
    for start in range(0, len(notification_ids), EMAIL_CHUNK):
        chunk = list(notification_ids[start : start + EMAIL_CHUNK])
        if len(chunk) == 1:
            send_email.delay(notification_id=chunk[0])
        else:
            send_emails.delay(notification_ids=chunk)


@shared_task(bind=True)
def send_emails(self, *, notification_ids: list[int]) -> int:
    """Several notifications' e-mails, one after another, each as send_email sends it (its
    claim makes a second delivery of this task send nothing twice). One that fails for now is
    handed to send_email, which tries it again with back-off. Returns how many were sent."""
    sent = 0
    for notification_id in notification_ids:
        try:
            sent += delivery.deliver_email(
                notification_id=notification_id, worker=self.request.hostname or "eager"
            )
        except TransientError:
            send_email.apply_async(
                kwargs={"notification_id": notification_id},
                countdown=settings.NOTIFICATIONS_RETRY_BACKOFF,
            )
    return sent
