"""Reads that assemble Wellbeing Teams pages: a team's day, a worker's day, a person's page.
Each is a fixed number of queries, however many visits, people or ratings there are."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch
from django.utils import timezone

from wellbeing_teams.models import (
    HealthEvent,
    OutcomeRating,
    PersonalOutcome,
    PersonSupported,
    Team,
    TeamMember,
    Visit,
)

if TYPE_CHECKING:
    from thurrock_care.accounts.models import User


@dataclass
class WorkerDay:
    worker: Any
    visits: list[Visit] = field(default_factory=list)

    @property
    def now(self) -> Visit | None:
        """Where they are: the visit they arrived at and have not left."""
        return next((v for v in self.visits if v.status == Visit.Status.IN_PROGRESS), None)

    @property
    def next(self) -> Visit | None:
        """Their next visit not yet started (late ones included)."""
        return next((v for v in self.visits if v.status == Visit.Status.PLANNED), None)


def _mark(visits: list[Visit], now: datetime) -> list[Visit]:
    for visit in visits:
        visit.late = visit.is_late(now)  # type: ignore[attr-defined]
    return visits


def team_day(team: Team, day: date, user: User, now: datetime | None = None) -> dict[str, Any]:
    """The team's visits of the day that `user` may see (the need-to-know gate, in the same
    query: not those of someone who left the caseload long ago or moved away), by worker (a
    visit with two workers is under each), with late and missed ones listed first. Three
    queries."""
    now = now or timezone.now()
    visits = _mark(
        list(
            Visit.objects.visible_to(user)
            .filter(team=team, planned_on=day)
            .select_related("resident")
            .prefetch_related("workers")
            .order_by("planned_start", "pk")
        ),
        now,
    )
    members = list(
        TeamMember.objects.current(day).filter(team=team).select_related("user")
        .order_by("user__full_name", "pk")
    )  # fmt: skip
    by_worker: dict[int, WorkerDay] = {m.user_id: WorkerDay(worker=m.user) for m in members}
    unassigned = []
    for visit in visits:
        workers = list(visit.workers.all())
        if not workers:
            unassigned.append(visit)
        for worker in workers:
            by_worker.setdefault(worker.pk, WorkerDay(worker=worker)).visits.append(visit)
    return {
        "visits": visits,
        "by_worker": [w for w in by_worker.values() if w.visits],
        "unassigned": unassigned,
        "late": [v for v in visits if v.late],  # type: ignore[attr-defined]
        "missed": [v for v in visits if v.status == Visit.Status.MISSED],
        "completed": sum(v.status == Visit.Status.COMPLETED for v in visits),
    }


def worker_day(user: User, day: date, now: datetime | None = None) -> list[Visit]:
    """A worker's own visits of the day, in time order. One query (two with co-workers)."""
    now = now or timezone.now()
    return _mark(
        list(
            Visit.objects.for_worker(user)
            .on(day)
            .select_related("resident")
            .prefetch_related("workers")
            .order_by("planned_start", "pk")
        ),
        now,
    )


def person_page(person: PersonSupported, now: datetime | None = None) -> dict[str, Any]:
    """Outcomes with their ratings, hours changes, the next and the latest visits, preferred
    workers and health events. A fixed number of queries."""
    now = now or timezone.now()
    ratings = OutcomeRating.objects.select_related("rated_by").order_by("rated_at", "pk")
    outcomes = list(
        PersonalOutcome.objects.filter(person=person).prefetch_related(
            Prefetch("ratings", queryset=ratings)
        )
    )
    visits = (
        Visit.objects.filter(person=person).select_related("resident").prefetch_related("workers")
    )
    return {
        "outcomes": outcomes,
        "hours_changes": list(person.hours_changes.select_related("changed_by")),
        "next_visits": _mark(
            list(visits.filter(planned_start__gte=now).order_by("planned_start")[:5]), now
        ),
        "recent_visits": _mark(
            list(visits.filter(planned_start__lt=now).order_by("-planned_start")[:10]), now
        ),
        "preferred_workers": list(person.preferred_workers.order_by("full_name")),
        "health_events": list(HealthEvent.objects.filter(resident_id=person.resident_id)),
    }


def team_page(team: Team) -> dict[str, Any]:
    return {
        "members": list(
            TeamMember.objects.current().filter(team=team).select_related("user")
            .order_by("user__full_name")
        ),
        "neighbourhoods": list(team.neighbourhoods.order_by("name")),
    }  # fmt: skip
