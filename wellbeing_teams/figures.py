"""The team's figures, from known data: direct-contact share (against the 61% golden rule),
per worker and per team, per ISO week and per month; continuity (distinct workers per person
over 28 days, flagged above four, and the team's median). Each is a fixed number of queries.

Direct contact is derived from recorded visits (arrived to left), counted for each worker
assigned to the visit, in the period in which they arrived; other time is what workers record
(travel, team meetings, training, admin). Share = direct / (direct + other)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, DateTimeField, DurationField, ExpressionWrapper, F, Sum
from django.utils import timezone

from wellbeing_teams.models import (
    CONTINUITY_DAYS,
    CONTINUITY_FLAG,
    DIRECT_CONTACT_TARGET,
    PersonSupported,
    Team,
    TeamMember,
    TimeEntry,
    Visit,
)

UK = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class Period:
    label: str
    start: date  # first day
    end: date  # the day after the last

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        return (datetime.combine(self.start, time(), UK), datetime.combine(self.end, time(), UK))


def iso_week(day: date) -> Period:
    year, week, weekday = day.isocalendar()
    monday = day - timedelta(days=weekday - 1)
    return Period(f"Week {week} of {year}", monday, monday + timedelta(days=7))


def month(day: date) -> Period:
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return Period(f"{first:%B %Y}", first, following)


@dataclass
class Share:
    direct: int = 0  # minutes
    other: int = 0

    @property
    def total(self) -> int:
        return self.direct + self.other

    @property
    def percent(self) -> float | None:
        return round(100 * self.direct / self.total, 1) if self.total else None

    @property
    def meets_target(self) -> bool:
        return self.percent is not None and self.percent >= DIRECT_CONTACT_TARGET


def direct_contact(team: Team, period: Period) -> dict[str, Any]:
    """Per worker (current members, and anyone with time in the period) and the team. Three
    queries."""
    shares = direct_contact_shares([team.pk], period)[team.pk]
    members = {
        m.user_id: m.user
        for m in TeamMember.objects.filter(team=team)
        .select_related("user")
        .order_by("user__full_name")
    }
    workers = [(user, shares.get(pk, Share())) for pk, user in members.items() if pk in shares]
    return {
        "period": period,
        "workers": workers,
        "team": team_share(shares),
        "target": DIRECT_CONTACT_TARGET,
    }


def direct_contact_shares(team_ids: list[int], period: Period) -> dict[int, dict[int, Share]]:
    """Each team's minutes of direct contact and of other time in the period, per worker (by
    user id): two queries, however many teams."""
    start, end = period.bounds
    length = ExpressionWrapper(
        F("visit__left_at") - F("visit__arrived_at"), output_field=DurationField()
    )
    direct = (
        Visit.workers.through.objects.filter(
            visit__team__in=team_ids,
            visit__arrived_at__gte=start,
            visit__arrived_at__lt=end,
            visit__left_at__gt=F("visit__arrived_at"),
        )
        .values("visit__team_id", "user_id")
        .annotate(total=Sum(length))
    )
    other = (
        TimeEntry.objects.filter(team__in=team_ids, on__gte=period.start, on__lt=period.end)
        .values("team_id", "worker_id")
        .annotate(total=Sum("minutes"))
    )
    shares: dict[int, dict[int, Share]] = {pk: {} for pk in team_ids}
    for row in direct:
        share = shares[row["visit__team_id"]].setdefault(row["user_id"], Share())
        share.direct = int(row["total"].total_seconds() // 60)
    for row in other:
        shares[row["team_id"]].setdefault(row["worker_id"], Share()).other = int(row["total"])
    return shares


def team_share(shares: dict[int, Share]) -> Share:
    """The team's share: its workers' minutes added up."""
    return Share(sum(s.direct for s in shares.values()), sum(s.other for s in shares.values()))


@dataclass
class Continuity:
    person: PersonSupported
    workers: int

    @property
    def flagged(self) -> bool:
        return self.workers > CONTINUITY_FLAG


def continuity(team: Team, now: datetime | None = None) -> dict[str, Any]:
    """For each person on the caseload, how many different workers visited them (visits
    arrived at) in the last 28 days; flagged above four; the team's median over the people
    visited. Two queries."""
    now = now or timezone.now()
    counts = workers_per_person([team.pk], now)[team.pk]
    people = (
        PersonSupported.objects.current(timezone.localdate(now))
        .filter(team=team)
        .select_related("resident")
        .order_by("resident__full_name", "pk")
    )
    rows = [Continuity(person=p, workers=counts.get(p.pk, 0)) for p in people]
    visited = list(counts.values())
    return {
        "people": rows,
        "median": statistics.median(visited) if visited else None,
        "flag_above": CONTINUITY_FLAG,
        "days": CONTINUITY_DAYS,
    }


def workers_per_person(team_ids: list[int], now: datetime) -> dict[int, dict[int, int]]:
    """Each team's people visited (visits arrived at) in the 28 days to `now`, with how many
    different workers visited them: one query, however many teams."""
    since = now - timedelta(days=CONTINUITY_DAYS)
    found: dict[int, dict[int, int]] = {pk: {} for pk in team_ids}
    for row in (
        Visit.workers.through.objects.filter(
            visit__team__in=team_ids, visit__arrived_at__gte=since, visit__arrived_at__lte=now
        )
        .values("visit__team_id", "visit__person_id")
        .annotate(workers=Count("user_id", distinct=True))
    ):
        found[row["visit__team_id"]][row["visit__person_id"]] = row["workers"]
    return found


# The average length of a month, in days, for rates per person-month.
MONTH_DAYS = 365.25 / 12


@dataclass
class Rate:
    events: int
    days: int

    @property
    def person_months(self) -> float:
        return self.days / MONTH_DAYS

    @property
    def per_person_month(self) -> float | None:
        return round(self.events / self.person_months, 3) if self.days else None


def health_event_rates(
    person: PersonSupported, *, today: date | None = None, before_months: int = 12
) -> dict[str, dict[str, Rate]]:
    """Each kind of health event's rate per person-month before the person joined the team
    (the `before_months` months before `started_on`) and since (to when they left, or today).
    One query."""
    return team_health_event_rates([person], today=today, before_months=before_months)


def team_health_event_rates(
    people: list[PersonSupported], *, today: date | None = None, before_months: int = 12
) -> dict[str, dict[str, Rate]]:
    """The same over several people: events and person-months summed, so that each person
    counts for the time they were observed. One query, however many people."""
    from wellbeing_teams.models import HealthEvent

    today = today or timezone.localdate()
    windows = {}
    for person in people:
        joined = person.started_on
        # From the first day there is at the earliest (never an overflow).
        before_days = round(before_months * MONTH_DAYS)
        before_start = date.fromordinal(max(joined.toordinal() - before_days, 1))
        after_end = min(person.ended_on or today, today)
        windows[person.resident_id] = (before_start, joined, after_end)
    counts: dict[str, list[int]] = {kind: [0, 0] for kind in HealthEvent.Kind.values}
    events = HealthEvent.objects.filter(resident_id__in=list(windows)).values_list(
        "resident_id", "kind", "occurred_on"
    )
    for resident_id, kind, on in events:
        before_start, joined, after_end = windows[resident_id]
        if before_start <= on < joined:
            counts[kind][0] += 1
        elif joined <= on <= after_end:
            counts[kind][1] += 1
    before_days = sum((joined - start).days for start, joined, _ in windows.values())
    after_days = sum(max((end - joined).days + 1, 0) for _, joined, end in windows.values())
    return {
        kind: {"before": Rate(b, before_days), "after": Rate(a, after_days)}
        for kind, (b, a) in counts.items()
    }


@dataclass
class Punctuality:
    started: int  # visits arrived at, planned in the period
    on_time: int  # of those, arrived within 15 minutes of the planned start
    missed: int
    cancelled: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.on_time / self.started, 1) if self.started else None


def punctuality(team: Team, period: Period) -> Punctuality:
    """Of the visits planned in the period that were started, the share started within 15
    minutes of the plan (early or late); and how many were missed and cancelled. One query."""
    return punctuality_by_team([team.pk], period)[team.pk]


def punctuality_by_team(team_ids: list[int], period: Period) -> dict[int, Punctuality]:
    """`punctuality` of each team: one query, however many teams."""
    from django.db.models import Q

    from wellbeing_teams.models import ON_TIME_WITHIN

    start, end = period.bounds
    early = ExpressionWrapper(F("planned_start") - ON_TIME_WITHIN, output_field=DateTimeField())
    late = ExpressionWrapper(F("planned_start") + ON_TIME_WITHIN, output_field=DateTimeField())
    rows = (
        Visit.objects.filter(team__in=team_ids, planned_start__gte=start, planned_start__lt=end)
        .order_by()
        .values("team_id")
        .annotate(
            started=Count("pk", filter=Q(arrived_at__isnull=False)),
            on_time=Count("pk", filter=Q(arrived_at__gte=early, arrived_at__lte=late)),
            missed=Count("pk", filter=Q(status=Visit.Status.MISSED)),
            cancelled=Count("pk", filter=Q(status=Visit.Status.CANCELLED)),
        )
    )
    found = {pk: Punctuality(started=0, on_time=0, missed=0, cancelled=0) for pk in team_ids}
    for row in rows:
        team_id = row.pop("team_id")
        found[team_id] = Punctuality(**row)
    return found


@dataclass
class OutcomeProgress:
    outcomes: int  # personal outcomes of the people supported now
    rated: int  # with at least one rating
    improved: int  # whose latest rating is above their first
    achieved: int  # whose latest rating is 5
    average_change: float | None  # latest minus first, over those rated twice or more


def outcome_progress(team: Team, today: date | None = None) -> OutcomeProgress:
    """How the caseload's personal outcomes are going, from their ratings. Two queries."""
    return outcome_progress_by_team([team.pk], today)[team.pk]


def outcome_progress_by_team(
    team_ids: list[int], today: date | None = None
) -> dict[int, OutcomeProgress]:
    """`outcome_progress` of each team: two queries, however many teams."""
    from wellbeing_teams.models import OutcomeRating, PersonalOutcome

    people = PersonSupported.objects.current(today).filter(team__in=team_ids)
    outcomes = PersonalOutcome.objects.filter(person__in=people)
    counted = dict(
        outcomes.order_by()
        .values("person__team_id")
        .annotate(n=Count("pk"))
        .values_list("person__team_id", "n")
    )
    ratings: dict[int, dict[int, list[int]]] = {pk: {} for pk in team_ids}
    for team_id, outcome_id, rating in (
        OutcomeRating.objects.filter(outcome__in=outcomes)
        .order_by("rated_at", "pk")
        .values_list("outcome__person__team_id", "outcome_id", "rating")
    ):
        ratings[team_id].setdefault(outcome_id, []).append(rating)
    return {pk: _progress(counted.get(pk, 0), ratings[pk]) for pk in team_ids}


def _progress(outcomes: int, ratings: dict[int, list[int]]) -> OutcomeProgress:
    changes = [r[-1] - r[0] for r in ratings.values() if len(r) > 1]
    return OutcomeProgress(
        outcomes=outcomes,
        rated=len(ratings),
        improved=sum(1 for r in ratings.values() if r[-1] > r[0]),
        achieved=sum(1 for r in ratings.values() if r[-1] == 5),
        average_change=round(sum(changes) / len(changes), 2) if changes else None,
    )
