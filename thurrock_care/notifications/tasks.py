"""Sending notification e-mails, and the sweeper that picks up those no task is looking after
(see delivery.py for how each is sent exactly once in effect)."""

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
