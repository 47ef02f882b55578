"""What Wellbeing Teams tell people through thurrock_care.notifications: a visit is late (still
unrecorded 30 minutes after its planned start) — first its assigned workers, then, if still
unrecorded an hour after the start, the team's coordinators. Once each (the de-duplication
key names the visit and the person); nothing once the visit is recorded (arrived, missed or
cancelled). Run by the beat task `wellbeing_teams.tasks.remind_late_visits`. No resident's
name goes into it: their record number does."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from thurrock_care import access
from thurrock_care.accounts.models import Role, User
from thurrock_care.notifications import Kind
from thurrock_care.notifications.models import Notification
from thurrock_care.notifications.services import notify, withdraw
from wellbeing_teams.models import TEAM_TOLD_AFTER, TeamMember, Visit


def works_in_a_team(user: User) -> bool:
    """Who the settings page offers these kinds: Wellbeing Team workers (no query)."""
    return access.is_active(user) and user.role == Role.WELLBEING_WORKER


VISIT_LATE = Kind(
    name="visit_late",
    label="A visit of yours is late",
    urgent=True,  # someone is waiting at home, whatever the hour
    action="Record the visit",
    audience=works_in_a_team,
)
VISIT_LATE_TEAM = Kind(
    name="visit_late_team",
    label="A visit of your team is still not started",
    urgent=True,
    action="Open the visit",
    audience=works_in_a_team,
)
KINDS = [VISIT_LATE, VISIT_LATE_TEAM]

# Visits older than this are not chased (the team's day has shown them since).
LOOK_BACK = timedelta(hours=12)
BATCH = 500


def worker_key(visit_id: int, user_id: int) -> str:
    return f"visit_late:{visit_id}:{user_id}"


def team_key(visit_id: int, user_id: int) -> str:
    return f"visit_late_team:{visit_id}:{user_id}"


def remind_late_visits(*, now: datetime | None = None) -> list[Notification]:
    """Tell each assigned worker of each late visit, and (an hour after its start) the team's
    coordinators, once each. Returns the notifications made now."""
    now = now or timezone.now()
    late = (
        Visit.objects.late(now)
        .filter(planned_start__gte=now - LOOK_BACK)
        # Not for someone no longer supported on the visit's day.
        .filter(Q(person__ended_on__isnull=True) | Q(person__ended_on__gte=F("planned_on")))
        .select_related("resident")
        .prefetch_related("workers")
        .order_by("planned_start", "pk")[:BATCH]
    )
    visits = list(late)
    coordinators: dict[int, list[User]] = {}
    members: set[tuple[int, int]] = set()  # (team, user): only current members are told
    for m in (
        TeamMember.objects.current(timezone.localdate(now))
        .filter(team__in={v.team_id for v in visits})
        .select_related("user")
    ):
        members.add((m.team_id, m.user_id))
        if m.role == TeamMember.Role.COORDINATOR:
            coordinators.setdefault(m.team_id, []).append(m.user)
    wanted: list[tuple[str, Kind, Visit, User]] = []
    for visit in visits:
        for worker in visit.workers.all():
            if (visit.team_id, worker.pk) in members:
                wanted.append((worker_key(visit.pk, worker.pk), VISIT_LATE, visit, worker))
        if visit.planned_start <= now - TEAM_TOLD_AFTER:
            for user in coordinators.get(visit.team_id, []):
                wanted.append((team_key(visit.pk, user.pk), VISIT_LATE_TEAM, visit, user))
    done = set(
        Notification.objects.filter(dedupe_key__in=[w[0] for w in wanted]).values_list(
            "dedupe_key", flat=True
        )
    )
    sent = []
    for key, kind, visit, user in wanted:
        if key in done or not user.is_active:
            continue
        with transaction.atomic():
            sent.append(_notify(key=key, kind=kind, visit=visit, user=user, now=now))
    return sent


def _notify(*, key: str, kind: Kind, visit: Visit, user: User, now: datetime) -> Notification:
    start = timezone.localtime(visit.planned_start)
    minutes = int((now - visit.planned_start).total_seconds() // 60)
    return notify(
        recipient=user,
        kind=kind.name,
        subject=f"Visit at {start:%H:%M} to {visit.resident.reference} not started",
        body=(
            f"The visit planned at {start:%H:%M} on {start:%-d %B} to the resident of record "
            f"{visit.resident.reference} is not recorded as started {minutes} minutes later."
        ),
        link=reverse("wellbeing_teams:visit", args=[visit.pk]),
        dedupe_key=key,
        due_at=now,
    )


def withdraw_for(visit: Visit) -> None:
    """The visit is recorded: reminders not yet e-mailed about it are not sent."""
    for user_id in visit.workers.values_list("pk", flat=True):
        withdraw(dedupe_key=worker_key(visit.pk, user_id))
