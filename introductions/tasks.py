"""introductions' background work (declared in CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task
from django.utils.dateparse import parse_datetime

from introductions import notifications


@shared_task(acks_late=True)
def remind_follow_ups(now: str | None = None) -> int:
    """Remind each owner of follow-ups due today or overdue, once per follow-up and date.
    `now` (ISO 8601) is for tests; beat sends none."""
    when = parse_datetime(now) if now else None
    return len(notifications.remind_follow_ups(now=when))
