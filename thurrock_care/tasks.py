"""Project-wide tasks: a trivial health task and beat's heartbeat; how e-mail tasks retry."""

import smtplib

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

HEARTBEAT_KEY = "celery:beat:heartbeat"

# Every task that sends e-mail: a mail server that is down or drops the connection is
# transient, so try again after about 5 s, 10 s, 20 s, ... (capped at 10 minutes, jittered),
# 8 times in all (about 20 minutes). Anything else fails at once, as does a server that refuses
# every recipient (that will not change by waiting).
EMAIL_RETRY = {
    "autoretry_for": (smtplib.SMTPException, ConnectionError, OSError),
    "dont_autoretry_for": (smtplib.SMTPRecipientsRefused,),
    "retry_backoff": 5,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 8,
}


@shared_task
def ping() -> str:
    """Answer 'pong': proves a worker takes tasks from the broker and returns results."""
    return "pong"


@shared_task
def heartbeat() -> str:
    """Run by beat every few minutes; /healthz shows when beat was last heard from."""
    now = timezone.now().isoformat()
    cache.set(HEARTBEAT_KEY, now, timeout=None)
    return now
