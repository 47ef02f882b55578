"""Wellbeing Teams' background work (declared in CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from wellbeing_teams import notifications, services
from wellbeing_teams.models import VisitPattern


@shared_task(acks_late=True)
def remind_late_visits(now: str | None = None) -> int:
    """Tell workers, then coordinators, of visits not started in time; once each. `now`
    (ISO 8601) is for tests; beat sends none."""
    when = parse_datetime(now) if now else None
    return len(notifications.remind_late_visits(now=when))


@shared_task(acks_late=True)
def extend_visit_patterns() -> int:
    """Keep four weeks of visits ahead for every recurring pattern (idempotent)."""
    today = timezone.localdate()
    until = today + timedelta(days=services.PLAN_AHEAD_DAYS)
    patterns = VisitPattern.objects.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    return sum(
        services.generate_visits(pattern=pattern, until=until)
        for pattern in patterns.select_related("person", "created_by")
    )
