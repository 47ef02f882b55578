"""When a notification's e-mail goes, and sending it exactly once in effect.

1. `email_due_at` decides when: at once for urgent kinds; otherwise not in quiet hours (20:00
   to 07:00 UK time), but at the next 07:00. It is given the time explicitly (no clock inside).
2. `deliver_email` (the task `send_email` calls it) *claims* the row in PostgreSQL, in a
   transaction of its own committed before anything is sent: one UPDATE that succeeds only if
   the e-mail is due, not sent, not given up, and not claimed by anyone (or their claim's lease
   ran out). Of two workers, a duplicate delivery or a retry, one gets the row; the others do
   nothing. It then sends, and marks the row sent. A transient failure releases the claim and
   the task retries with back-off; a permanent one (or too many attempts) gives up and keeps
   the error.
3. `take_lost` (the beat task `sweep`, every minute) finds e-mails that are due and unsent and
   that no task is looking after: never enqueued (held for quiet hours, or the enqueue was
   lost) or claimed by a worker that died (the lease ran out). It marks them queued and returns
   them for the task to enqueue. Two sweeps at once take different rows (SKIP LOCKED), and even
   if a row were enqueued twice the claim lets one send.

The one window left: a worker that dies after the mail server accepted an e-mail but before
sent_at was written. After the lease its claim runs out and the sweeper sends it again, so the
person gets it twice. That is at-least-once for that moment; everywhere else, once.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from thurrock_care.notifications import backends, get_kind
from thurrock_care.notifications.models import Notification, NotificationQuerySet

logger = logging.getLogger(__name__)

UK = ZoneInfo("Europe/London")
QUIET_FROM = time(20, 0)
QUIET_UNTIL = time(7, 0)
SWEEP_BATCH = 500


def email_due_at(*, due_at: datetime, urgent: bool) -> datetime:
    """When the e-mail of a notification due at `due_at` goes: then, unless that is in quiet
    hours (20:00 to 07:00 UK time, summer time or not) and the kind is not urgent, in which
    case at the next 07:00."""
    local = due_at.astimezone(UK)
    if urgent or QUIET_UNTIL <= local.time() < QUIET_FROM:
        return due_at
    day = local.date() if local.time() < QUIET_UNTIL else local.date() + timedelta(days=1)
    return datetime.combine(day, QUIET_UNTIL, tzinfo=UK)


def lease() -> timedelta:
    """How long a claim holds before the sweeper may hand the e-mail to another worker."""
    return timedelta(seconds=settings.NOTIFICATIONS_CLAIM_LEASE)


def _pending() -> NotificationQuerySet:
    return Notification.objects.filter(
        email_due_at__isnull=False, email_sent_at__isnull=True, email_failed_at__isnull=True
    )


def claim(*, notification_id: int, token: str, now: datetime) -> Notification | None:
    """Take the e-mail for sending, if it is due and nobody else holds it; committed at once."""
    with transaction.atomic():
        taken = (
            _pending()
            .filter(
                Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lt=now - lease()),
                pk=notification_id,
                email_due_at__lte=now,
                email_attempts__lt=settings.NOTIFICATIONS_MAX_ATTEMPTS,
            )
            .update(
                email_claimed_at=now, email_claimed_by=token, email_attempts=F("email_attempts") + 1
            )
        )
    if not taken:
        return None
    return Notification.objects.select_related("recipient").get(pk=notification_id)


def compose(notification: Notification) -> backends.Email:
    recipient = notification.recipient
    if not recipient.is_active:
        raise backends.PermanentError("The recipient's account is switched off.")
    if not recipient.email:
        raise backends.PermanentError("The recipient has no e-mail address.")
    kind = get_kind(notification.kind)
    context = {
        "notification": notification,
        "action": kind.action,
        "url": settings.SITE_URL + notification.link if notification.link else "",
        "settings_url": settings.SITE_URL + reverse("notifications:settings"),
    }
    return backends.Email(
        to=recipient.email,
        subject=notification.subject,
        body=render_to_string("notifications/email.txt", context),
        reference=notification.dedupe_key,
        attachments=tuple(kind.attachments(notification)) if kind.attachments else (),
        html=kind.html(notification) if kind.html else "",
    )


def deliver_email(*, notification_id: int, worker: str) -> bool:
    """Send the notification's e-mail if this call wins the claim; True if it was sent now.
    Call it outside any transaction: the claim must be committed before the e-mail goes.
    Raises TransientError (after releasing the claim) when it is worth trying again."""
    token = f"{worker}:{uuid.uuid4().hex[:12]}"
    notification = claim(notification_id=notification_id, token=token, now=timezone.now())
    if notification is None:
        return False  # sent, given up, not due yet, or another worker has it
    mine = Notification.objects.filter(pk=notification.pk, email_claimed_by=token)
    try:
        backends.send(compose(notification))
    except backends.TransientError as error:
        if notification.email_attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
            mine.update(email_failed_at=timezone.now(), email_last_error=_said(error))
            logger.warning("Gave up e-mailing notification %s: %s", notification.pk, error)
            return False
        # A retry is on its way (or, if it is lost, the sweeper will send another after the
        # lease): count from now.
        mine.update(
            email_claimed_at=None,
            email_claimed_by="",
            email_queued_at=timezone.now(),
            email_last_error=_said(error),
        )
        raise
    except Exception as error:  # PermanentError, or something nobody expected: stop
        mine.update(email_failed_at=timezone.now(), email_last_error=_said(error))
        if isinstance(error, backends.PermanentError):
            logger.warning("Cannot e-mail notification %s: %s", notification.pk, error)
        else:
            logger.exception("Failed to e-mail notification %s", notification.pk)
        return False
    # Sent. Written even if our lease ran out meanwhile (sent is sent).
    Notification.objects.filter(pk=notification.pk, email_sent_at__isnull=True).update(
        email_sent_at=timezone.now(), email_last_error=""
    )
    return True


def _said(error: Exception) -> str:
    return (str(error) or type(error).__name__)[:2000]


def take_lost(*, now: datetime, limit: int = SWEEP_BATCH) -> list[int]:
    """The e-mails that are due and unsent and that no task is looking after (never enqueued,
    or claimed or enqueued longer ago than the lease), marked as queued now: the caller
    enqueues a task for each. Those whose last allowed attempt never finished are given up."""
    expired = now - lease()
    with transaction.atomic():
        _pending().filter(
            email_claimed_at__lt=expired,
            email_attempts__gte=settings.NOTIFICATIONS_MAX_ATTEMPTS,
        ).update(email_failed_at=now, email_last_error="No answer on the last attempt.")
        lost = (
            _pending()
            .filter(
                Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lt=expired),
                Q(email_queued_at__isnull=True) | Q(email_queued_at__lt=expired),
                email_due_at__lte=now,
                email_attempts__lt=settings.NOTIFICATIONS_MAX_ATTEMPTS,
            )
            .order_by("email_due_at", "pk")
            .select_for_update(skip_locked=True)
        )
        ids = list(lost.values_list("pk", flat=True)[:limit])
        Notification.objects.filter(pk__in=ids).update(email_queued_at=now)
    return ids
