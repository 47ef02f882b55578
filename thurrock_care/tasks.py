"""Project-wide tasks: a trivial health task and beat's heartbeat."""

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

HEARTBEAT_KEY = "celery:beat:heartbeat"


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
