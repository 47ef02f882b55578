"""One source of figures for the digest, the dashboard and the scrutiny report: pure reads,
per locality and for the borough, for any period (periods.py). Each measure is one grouped
query (or two), however many records there are.

Small numbers are suppressed where they are shown, not here: a count of people between 1 and
4 reads "fewer than 5" (`Count.shown`, threshold `SMALL_NUMBERS_THRESHOLD`), and a mean or
rate resting on fewer than 5 people says so instead of a number (`Mean.shown`). Counts of
things that identify nobody (sessions, organisations, learning cycles) are shown as they are.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count as CountOf
from django.db.models import QuerySet, Sum
from django.utils import timezone

from introductions.models import (
    WELLBEING_FIELDS,
    ConnectionMade,
    Conversation,
    DropInSession,
    Introduction,
    WellbeingAnswer,
)
from localities.models import LearningCycle, Locality, Membership
from mdt import measures as mdt_measures
from thurrock_care.reports.periods import Period
from wellbeing_teams import figures as wt_figures
from wellbeing_teams.models import HealthEvent, PersonSupported, Team, TeamMember

BOROUGH = "borough"


def threshold() -> int:
    return settings.SMALL_NUMBERS_THRESHOLD


@dataclass(frozen=True)
class Count:
    """A count; `identifying` if a small one could point to a person (people, or things
    that each concern one person)."""

    value: int
    identifying: bool = True

    @property
    def suppressed(self) -> bool:
        return self.identifying and 0 < self.value < threshold()

    def shown(self) -> str:
        return f"fewer than {threshold()}" if self.suppressed else f"{self.value:,}"


@dataclass(frozen=True)
class Mean:
    """A mean (a change, a rate, a share) and how many people it rests on."""

    value: float | None
    people: int
    places: int = 1  # decimal places shown
    unit: str = ""  # "%", " hours"…
    signed: bool = False  # a change: +0.8

    @property
    def suppressed(self) -> bool:
        return self.value is None or self.people < threshold()

    def shown(self) -> str:
        if self.value is None:
            return "no data"
        if self.people < threshold():
            return f"too few people to say (fewer than {threshold()})"
        sign = "+" if self.signed else ""
        return f"{self.value:{sign},.{self.places}f}{self.unit}"


# The wellbeing questions, short, for tables and charts.
QUESTION_LABELS = {
    "life_satisfaction": "Life satisfaction",
    "worthwhile": "Things done are worthwhile",
    "happy_yesterday": "Happy yesterday",
    "anxious_yesterday": "Anxious yesterday (down is better)",
}


@dataclass
class Figures:
    """The figures of one place (a locality, or the borough) for one period."""

    place: str  # the locality's name, or "Thurrock"
    slug: str
    values: dict[str, Count | Mean] = field(default_factory=dict)
    introductions_by_source: dict[str, Count] = field(default_factory=dict)
    wellbeing_change: dict[str, Mean] = field(default_factory=dict)
    health_rates: list[HealthRate] = field(default_factory=list)

    def wellbeing_rows(self) -> list[tuple[str, Mean]]:
        return [(QUESTION_LABELS[name], mean) for name, mean in self.wellbeing_change.items()]


# What each figure is called, in the order pages show them (the digest, the dashboard, the
# report and the CSV all use this list).
MEASURES: list[tuple[str, str]] = [
    ("introductions", "Introductions to Local Area Coordination"),
    ("conversations", "Conversations"),
    ("drop_in_sessions", "Drop-in sessions and community events held"),
    ("drop_in_headcount", "People helped at drop-ins without a record"),
    ("connections_made", "Connections made to community"),
    ("connections_kept", "Connections that held"),
    ("wellbeing_people", "People who answered the wellbeing questions twice or more"),
    ("mdts_convened", "MDTs convened (of those asked for in the period)"),
    ("mdt_hours_median", "Hours from asking to meeting: median"),
    ("mdt_hours_p90", "Hours from asking to meeting: 90th percentile"),
    ("urgent_by_deadline", "Urgent MDTs met within two working days"),
    ("mdt_actions_on_time", "MDT actions done by their due date"),
    ("mdt_actions_overdue", "MDT actions overdue"),
    ("wt_direct_contact", "Wellbeing Teams: time in direct contact (target 61%)"),
    ("wt_punctuality", "Wellbeing Teams: visits started within 15 minutes of the plan"),
    ("wt_missed", "Wellbeing Teams: visits missed"),
    ("wt_continuity", "Wellbeing Teams: different workers a person saw in 28 days (median)"),
    ("wt_continuity_flagged", "Wellbeing Teams: people seen by more than four workers"),
    ("wt_outcomes_improved", "Wellbeing Teams: personal outcomes rated better than at first"),
    ("new_members", "New ILT member organisations"),
    ("learning_started", "Learning cycles started"),
    ("learning_concluded", "Learning cycles concluded"),
]


def _per_locality(rows: Iterable[tuple[Any, Any]]) -> dict[int, int]:
    return {locality: value or 0 for locality, value in rows}


def _counts(queryset: QuerySet[Any], path: str, *, distinct: str = "") -> dict[int, int]:
    counted = CountOf(distinct, distinct=True) if distinct else CountOf("pk")
    return _per_locality(queryset.values_list(path).annotate(n=counted).values_list(path, "n"))


def _sums(queryset: QuerySet[Any], path: str, column: str) -> dict[int, int]:
    return _per_locality(queryset.values_list(path).annotate(n=Sum(column)).values_list(path, "n"))


RESIDENT_LOCALITY = "resident__neighbourhood__locality"


def lac_counts(
    period: Period, names: Collection[str] | None = None
) -> dict[str, tuple[dict[int, int], bool]]:
    """Local Area Coordination: each measure (or those named) per locality id, and whether it
    counts people."""
    since, until = period.since(), period.until()
    conversations = Conversation.objects.filter(held_at__gte=since, held_at__lt=until)
    sessions = DropInSession.objects.filter(
        starts_at__gte=since, starts_at__lt=until, cancelled=False
    )
    made = ConnectionMade.objects.filter(
        conversation__held_at__gte=since, conversation__held_at__lt=until
    )
    kept = ConnectionMade.objects.filter(
        outcome=ConnectionMade.Outcome.KEPT, checked_at__gte=since, checked_at__lt=until
    )
    introductions = Introduction.objects.filter(
        introduced_on__gte=period.start, introduced_on__lte=period.end
    )
    measures: dict[str, tuple[Callable[[], dict[int, int]], bool]] = {
        "introductions": (lambda: _counts(introductions, RESIDENT_LOCALITY), True),
        "conversations": (lambda: _counts(conversations, RESIDENT_LOCALITY), False),
        "drop_in_sessions": (lambda: _counts(sessions, "locality"), False),
        "drop_in_headcount": (lambda: _sums(sessions, "locality", "headcount"), False),
        "connections_made": (lambda: _counts(made, RESIDENT_LOCALITY), True),
        "connections_kept": (lambda: _counts(kept, RESIDENT_LOCALITY), True),
    }
    return {
        name: (count(), identifying)
        for name, (count, identifying) in measures.items()
        if names is None or name in names
    }


def ilt_counts(period: Period) -> dict[str, tuple[dict[int, int], bool]]:
    """The ILT itself: organisations that joined, learning cycles started and concluded."""
    members = Membership.objects.filter(joined_on__gte=period.start, joined_on__lte=period.end)
    started = LearningCycle.objects.filter(
        created_at__gte=period.since(), created_at__lt=period.until()
    )
    concluded = LearningCycle.objects.filter(
        concluded_on__gte=period.start, concluded_on__lte=period.end
    )
    return {
        "new_members": (_counts(members, "locality"), False),
        "learning_started": (_counts(started, "locality"), False),
        "learning_concluded": (_counts(concluded, "locality"), False),
    }


def introductions_by_source(period: Period) -> dict[int, dict[str, int]]:
    rows = (
        Introduction.objects.filter(introduced_on__gte=period.start, introduced_on__lte=period.end)
        .values_list(RESIDENT_LOCALITY, "source")
        .annotate(n=CountOf("pk"))
        .values_list(RESIDENT_LOCALITY, "source", "n")
    )
    found: dict[int, dict[str, int]] = defaultdict(dict)
    for locality, source, n in rows:
        found[locality][source] = n
    return found


def wellbeing_changes(period: Period) -> dict[int, tuple[int, dict[str, list[int]]]]:
    """For people whose latest answers up to the period's end were given in the period and
    are not their first: per locality, how many, and per question the changes from their
    first answers (latest minus first, where both were answered)."""
    answered = WellbeingAnswer.objects.filter(
        answered_on__gte=period.start, answered_on__lte=period.end
    ).values("resident")
    rows = (
        WellbeingAnswer.objects.filter(resident__in=answered, answered_on__lte=period.end)
        .order_by("resident", "answered_on", "pk")
        .values_list("resident", RESIDENT_LOCALITY, *WELLBEING_FIELDS)
    )
    by_resident: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for row in rows:
        by_resident[row[0]].append(row)
    found: dict[int, tuple[int, dict[str, list[int]]]] = {}
    for answers in by_resident.values():
        if len(answers) < 2:
            continue
        first, latest = answers[0], answers[-1]
        locality = latest[1]
        people, changes = found.get(locality, (0, {name: [] for name in WELLBEING_FIELDS}))
        for i, name in enumerate(WELLBEING_FIELDS, start=2):
            if first[i] is not None and latest[i] is not None:
                changes[name].append(latest[i] - first[i])
        found[locality] = (people + 1, changes)
    return found


def mdt_values(period: Period) -> dict[int | None, dict[str, Count | Mean]]:
    """MDTs asked for in the period (mdt/measures.py), per locality id and for the borough
    (None), as figures: shares and times rest on the MDTs (people) or actions behind them."""
    found = mdt_measures.for_period(
        since=period.since(), until=period.until(), start=period.start, end=period.end
    )
    values: dict[int | None, dict[str, Count | Mean]] = {}
    for key, f in found.items():
        values[key] = {
            "mdts_convened": Count(f.met),
            "mdt_hours_median": Mean(f.median_hours, f.met, unit=" hours"),
            "mdt_hours_p90": Mean(f.p90_hours, f.met, unit=" hours"),
            "urgent_by_deadline": Mean(_share(f.urgent_on_time, f.urgent), f.urgent, 0, "%"),
            "mdt_actions_on_time": Mean(
                _share(f.actions_on_time, f.actions_due), f.actions_due, 0, "%"
            ),
            "mdt_actions_overdue": Count(f.actions_overdue, identifying=False),
        }
    return values


@dataclass
class HealthRate:
    """Health events of one kind per person-month, before joining a Wellbeing Team and since,
    with the people and person-months behind each."""

    label: str
    before: Mean
    after: Mean
    before_months: float
    after_months: float


def wellbeing_team_values(
    period: Period, only: list[int] | None = None
) -> tuple[dict[int | None, dict[str, Count | Mean]], dict[int | None, list[HealthRate]]]:
    """Wellbeing Teams' figures (wellbeing_teams/figures.py, team by team) summed per
    locality id and for the borough (None): direct-contact share and punctuality in the
    period, missed visits, continuity in the 28 days to its end, outcome progress, and health
    events per person-month before and after joining a team. `only` (locality ids): those
    localities' teams alone, and no borough."""
    window = wt_figures.Period(period.label, period.start, period.end + timedelta(days=1))
    end = min(period.end, timezone.localdate())
    at_end = timezone.make_aware(datetime.combine(end, time(23, 59)))
    sums: dict[int | None, dict[str, Any]] = defaultdict(lambda: defaultdict(int))
    seen: dict[int | None, list[int]] = defaultdict(list)
    people: dict[int | None, list[PersonSupported]] = defaultdict(list)
    teams = Team.objects.order_by("pk")
    supported = PersonSupported.objects.filter(started_on__lte=end)
    keys: tuple[None, ...] = (None,)
    if only is not None:
        teams, keys = teams.filter(locality__in=only), ()
        supported = supported.filter(team__locality__in=only)
    # Each figure for every team at once: a fixed number of queries, however many teams.
    localities = dict(teams.values_list("pk", "locality_id"))
    ids = list(localities)
    shares = wt_figures.direct_contact_shares(ids, window)
    members = set(TeamMember.objects.filter(team__in=ids).values_list("team_id", "user_id"))
    punctuality = wt_figures.punctuality_by_team(ids, window)
    workers_met = wt_figures.workers_per_person(ids, at_end)
    current = set(
        PersonSupported.objects.current(end).filter(team__in=ids).values_list("team_id", "pk")
    )
    progress = wt_figures.outcome_progress_by_team(ids, today=end)
    for team_id, locality_id in localities.items():
        contact = wt_figures.team_share(shares[team_id])
        punctual, rated = punctuality[team_id], progress[team_id]
        workers = sum(1 for user in shares[team_id] if (team_id, user) in members)
        met = workers_met[team_id].items()
        visited = [n for person, n in met if n and (team_id, person) in current]
        for key in (locality_id, *keys):
            add = sums[key]
            add["direct"] += contact.direct
            add["other"] += contact.other
            add["workers"] += workers
            add["started"] += punctual.started
            add["on_time"] += punctual.on_time
            add["missed"] += punctual.missed
            add["rated"] += rated.rated
            add["improved"] += rated.improved
            seen[key] += visited
    for person in supported.select_related("team"):
        for key in (person.team.locality_id, *keys):
            people[key].append(person)
    values: dict[int | None, dict[str, Count | Mean]] = {}
    for key, add in sums.items():
        visited = seen[key]
        values[key] = {
            "wt_direct_contact": Mean(
                _share(add["direct"], add["direct"] + add["other"]), add["workers"], 0, "%"
            ),
            "wt_punctuality": Mean(_share(add["on_time"], add["started"]), add["started"], 0, "%"),
            "wt_missed": Count(add["missed"], identifying=False),
            "wt_continuity": Mean(statistics.median(visited) if visited else None, len(visited)),
            "wt_continuity_flagged": Count(sum(1 for n in visited if n > 4)),
            "wt_outcomes_improved": Mean(
                _share(add["improved"], add["rated"]), add["rated"], 0, "%"
            ),
        }
    rates = {key: _health_rates(found, end) for key, found in people.items()}
    return values, rates


def _health_rates(people: list[PersonSupported], today: date) -> list[HealthRate]:
    found = wt_figures.team_health_event_rates(people, today=today)
    labels = dict(HealthEvent.Kind.choices)
    return [
        HealthRate(
            label=labels[kind],
            before=Mean(_per_month(rate["before"]), len(people), 2),
            after=Mean(_per_month(rate["after"]), len(people), 2),
            before_months=round(rate["before"].person_months, 1),
            after_months=round(rate["after"].person_months, 1),
        )
        for kind, rate in found.items()
    ]


def _per_month(rate: wt_figures.Rate) -> float | None:
    """Events per person-month, unrounded (pages round what they show)."""
    return rate.events / rate.person_months if rate.days else None


def wellbeing_team_values_empty() -> dict[str, Count | Mean]:
    return {
        "wt_direct_contact": Mean(None, 0),
        "wt_punctuality": Mean(None, 0),
        "wt_missed": Count(0, identifying=False),
        "wt_continuity": Mean(None, 0),
        "wt_continuity_flagged": Count(0),
        "wt_outcomes_improved": Mean(None, 0),
    }


def mdt_values_empty() -> dict[str, Count | Mean]:
    return {
        "mdts_convened": Count(0),
        "mdt_hours_median": Mean(None, 0),
        "mdt_hours_p90": Mean(None, 0),
        "urgent_by_deadline": Mean(None, 0),
        "mdt_actions_on_time": Mean(None, 0),
        "mdt_actions_overdue": Count(0, identifying=False),
    }


def _share(part: int, whole: int) -> float | None:
    return 100 * part / whole if whole else None


def figures(
    period: Period, localities: Iterable[Locality] | None = None, *, borough: bool = True
) -> list[Figures]:
    """The figures of each locality asked for (all, by default) and then the borough's: the
    whole borough, whichever localities are asked for (unless `borough` is False: then the
    localities' alone, and the teams of other localities are not counted at all)."""
    places = _places(localities)
    if not borough:
        return _figures(period, places, only=[place.pk for place in places])[:-1]
    return _figures(period, places)


def trend_figures(
    period: Period, localities: Iterable[Locality] | None, names: Collection[str]
) -> list[Figures]:
    """Only the Local Area Coordination counts named, of each locality asked for (all, by
    default) and then of the borough, as figures() counts them: what a trend needs of its
    earlier periods, for a small part of figures()' work."""
    places = _places(localities)
    result = [Figures(place=place.name, slug=place.slug) for place in places]
    result.append(Figures(place="Thurrock", slug=BOROUGH))
    _put_counts(result, places, lac_counts(period, names))
    return result


def _figures(
    period: Period, places: list[Locality], only: list[int] | None = None
) -> list[Figures]:
    sources = introductions_by_source(period)
    wellbeing = wellbeing_changes(period)
    mdts = mdt_values(period)
    no_mdts = mdt_values_empty()
    teams, health = wellbeing_team_values(period, only)
    no_teams = wellbeing_team_values_empty()
    result = [Figures(place=place.name, slug=place.slug) for place in places]
    borough = Figures(place="Thurrock", slug=BOROUGH)
    _put_counts([*result, borough], places, {**lac_counts(period), **ilt_counts(period)})
    for place, figures in zip(places, result, strict=True):
        figures.introductions_by_source = _sources(sources.get(place.pk, {}))
        people, changes = wellbeing.get(place.pk, (0, {n: [] for n in WELLBEING_FIELDS}))
        figures.values["wellbeing_people"] = Count(people)
        figures.values.update(mdts.get(place.pk, no_mdts))
        figures.values.update(teams.get(place.pk, no_teams))
        figures.health_rates = health.get(place.pk, [])
        figures.wellbeing_change = _changes(changes)
    totals: dict[str, int] = defaultdict(int)
    for per_source in sources.values():
        for source, n in per_source.items():
            totals[source] += n
    borough.introductions_by_source = _sources(totals)
    every: dict[str, list[int]] = {name: [] for name in WELLBEING_FIELDS}
    for _, changes in wellbeing.values():
        for name, found in changes.items():
            every[name].extend(found)
    borough.values["wellbeing_people"] = Count(sum(people for people, _ in wellbeing.values()))
    borough.wellbeing_change = _changes(every)
    borough.values.update(mdts.get(None, no_mdts))
    borough.values.update(teams.get(None, no_teams))
    borough.health_rates = health.get(None, [])
    return [*result, borough]


def _places(localities: Iterable[Locality] | None) -> list[Locality]:
    return list(localities if localities is not None else Locality.objects.order_by("name"))


def _put_counts(
    result: list[Figures], places: list[Locality], counts: Mapping[str, tuple[dict[int, int], bool]]
) -> None:
    """Each count into each place's figures, and their sum over every locality into the
    borough's (the last)."""
    for name, (values, identifying) in counts.items():
        for place, figures in zip(places, result, strict=False):
            figures.values[name] = Count(values.get(place.pk, 0), identifying)
        result[-1].values[name] = Count(sum(values.values()), identifying)


def _sources(counts: Mapping[str, int]) -> dict[str, Count]:
    return {
        label: Count(counts.get(value, 0))
        for value, label in Introduction.Source.choices
        if counts.get(value)
    }


def _changes(changes: Mapping[str, list[int]]) -> dict[str, Mean]:
    return {
        name: Mean(sum(values) / len(values) if values else None, len(values), signed=True)
        for name, values in changes.items()
    }
