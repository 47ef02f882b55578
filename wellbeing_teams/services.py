"""Every write of Wellbeing Teams: teams and members, the caseload (people supported, their
commissioned hours, preferred workers, personal outcomes and ratings), visits (planned, from a
recurring pattern, recorded, corrected, missed, cancelled), time records and health events.
Each is atomic and leaves one audit entry; creates take a submission key (a retry makes one
record); edits of visits and people supported check the version read."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from dateutil.rrule import WEEKLY, rrule  # type: ignore[import-untyped, unused-ignore]
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from localities.models import Locality, Neighbourhood, Resident
from thurrock_care import submissions
from thurrock_care.accounts.models import Role
from thurrock_care.audit.models import Action
from thurrock_care.audit.services import record
from thurrock_care.versions import EditConflict
from wellbeing_teams import notifications
from wellbeing_teams.models import (
    MAX_WEEKLY_HOURS,
    HealthEvent,
    HoursChange,
    OutcomeRating,
    PersonalOutcome,
    PersonSupported,
    Team,
    TeamMember,
    TimeEntry,
    Visit,
    VisitCorrection,
    VisitPattern,
)

if TYPE_CHECKING:
    from django.http import HttpRequest

    from thurrock_care.accounts.models import User

UK = ZoneInfo("Europe/London")
# The kinds of account that may be a team's members (see can_join_team).
MEMBER_ACCOUNT_ROLES = frozenset({Role.WELLBEING_WORKER, Role.PRACTITIONER, Role.COORDINATOR})
# Sensible dates (anything else is a typing slip, and would break the figures' arithmetic):
# visits and patterns from a year back to two years ahead; support starting from 2000 up to
# a month ahead and ending from today up to a month ahead; time records from 2000 to today.
VISITS_BACK_DAYS = 365
VISITS_AHEAD_DAYS = 2 * 365
SUPPORT_AHEAD_DAYS = 31
EARLIEST = date(2000, 1, 1)
EARLIEST_HEALTH_EVENT = date(1900, 1, 1)
# How far ahead a recurring pattern's visits are made at once (beat extends them daily).
PLAN_AHEAD_DAYS = 28


def _check_version(obj: Visit | PersonSupported, version: int) -> None:
    """Refuse to overwrite a newer save (row locked, so the check holds until commit)."""
    current = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    if current.version != version:
        raise EditConflict(current_version=current.version)
    obj.version = version + 1


def _fmt(day: date) -> str:
    return f"{day:%d/%m/%Y}"


def _visit_day(day: date, field: str) -> None:
    today = timezone.localdate()
    first = today - timedelta(days=VISITS_BACK_DAYS)
    last = today + timedelta(days=VISITS_AHEAD_DAYS)
    if not first <= day <= last:
        raise ValidationError({field: f"Enter a day from {_fmt(first)} to {_fmt(last)}"})


def _hours(value: Decimal) -> Decimal:
    if value < 0 or value > MAX_WEEKLY_HOURS:
        raise ValidationError({"hours_per_week": f"Enter hours from 0 to {MAX_WEEKLY_HOURS}"})
    return value


# --- Teams and members ------------------------------------------------------------------------


@transaction.atomic
def create_team(
    *, name: str, locality: Locality, by: User, neighbourhoods: Iterable[Neighbourhood] = ()
) -> Team:
    if not Locality.objects.coordinated_by(by).filter(pk=locality.pk).exists():
        raise PermissionDenied("Teams are set up by the locality's coordinators")
    neighbourhoods = list(neighbourhoods)
    if not name.strip():
        raise ValidationError({"name": "Enter the team's name"})
    if any(n.locality_id != locality.pk for n in neighbourhoods):
        raise ValidationError({"neighbourhoods": "Choose neighbourhoods of the team's locality"})
    team = Team.objects.create(name=name.strip(), locality=locality)
    team.neighbourhoods.set(neighbourhoods)
    record(
        actor=by,
        action=Action.CHANGED,
        subject=team,
        details={"team": "created", "name": team.name, "locality": locality.slug},
    )
    return team


ALREADY_MEMBER = "They are already a member of this team"


def can_join_team(user: User, team: Team) -> bool:
    """Who may be a team's member (and so see its caseload): an active Wellbeing Team worker,
    practitioner (the nurses, physiotherapists and occupational therapists who work alongside
    the team) or coordinator who works in the team's locality. Never a manager, an
    administrator or a partner."""
    return (
        user.is_active
        and user.role in MEMBER_ACCOUNT_ROLES
        and user.localities.filter(pk=team.locality_id).exists()
    )


@transaction.atomic
def add_member(
    *, team: Team, user: User, role: str, contracted_hours: Decimal, by: User
) -> TeamMember:
    if not Team.objects.managed_by(by).filter(pk=team.pk).exists():
        raise PermissionDenied("Members are added by the team's or the locality's coordinators")
    if role not in TeamMember.Role.values:
        raise ValidationError({"role": "Choose a role"})
    if not can_join_team(user, team):
        raise ValidationError(
            {
                "email": "Only Wellbeing Team workers, practitioners and coordinators who work "
                f"in {team.locality.name} can be members of this team"
            }
        )
    if TeamMember.objects.filter(team=team, user=user, left_on__isnull=True).exists():
        raise ValidationError(ALREADY_MEMBER)
    try:
        with transaction.atomic():
            member = TeamMember.objects.create(
                team=team, user=user, role=role, contracted_hours=_hours(contracted_hours)
            )
    except IntegrityError:
        raise ValidationError(ALREADY_MEMBER) from None
    record(
        actor=by,
        action=Action.CHANGED,
        subject=member,
        details={"team_member": "added", "team": team.pk, "user": user.pk, "role": role},
    )
    return member


# How far back and ahead a leaving date may be (a leaver recorded late; notice given).
LEAVING_BACK_DAYS = 365
LEAVING_AHEAD_DAYS = 92


@transaction.atomic
def end_membership(*, member: TeamMember, by: User, left_on: date | None = None) -> TeamMember:
    """A worker leaves the team: their last day (today unless said). The team's coordinators
    and planning support worker, and the locality's coordinators, record it."""
    if not Team.objects.members_ended_by(by).filter(pk=member.team_id).exists():
        raise PermissionDenied(
            "Members leave by the team's coordinators or planning support worker, or the "
            "locality's coordinators"
        )
    today = timezone.localdate()
    left_on = left_on or today
    first = max(member.joined_on, today - timedelta(days=LEAVING_BACK_DAYS))
    last = today + timedelta(days=LEAVING_AHEAD_DAYS)
    if not first <= left_on <= last:
        raise ValidationError({"left_on": f"Enter a day from {_fmt(first)} to {_fmt(last)}"})
    member = TeamMember.objects.select_for_update().get(pk=member.pk)
    if member.left_on is not None and member.left_on < today:
        raise ValidationError("They have already left the team")
    member.left_on = left_on
    member.save(update_fields=["left_on"])
    record(
        actor=by,
        action=Action.CHANGED,
        subject=member,
        details={"team_member": "left", "left_on": member.left_on.isoformat()},
    )
    return member


def is_planning_worker(user: User, team_id: int) -> bool:
    """A current planning support worker (trusted assessor) of the team."""
    return (
        TeamMember.objects.current()
        .filter(team_id=team_id, user=user, role=TeamMember.Role.PLANNING)
        .exists()
    )


def _require_member(team_id: int, by: User) -> None:
    if not Team.objects.run_by(by).filter(pk=team_id).exists():
        raise PermissionDenied("Only members of the team do this")


# --- The caseload -----------------------------------------------------------------------------


ALREADY_SUPPORTED = "They are already supported by a Wellbeing Team"


def add_person(
    *,
    team: Team,
    resident: Resident,
    started_on: date,
    hours_per_week: Decimal,
    by: User,
    submission_key: uuid.UUID | None = None,
    request: HttpRequest | None = None,
) -> PersonSupported:
    """A resident joins the team's caseload. Whoever adds them sees them through their
    locality (a practitioner or coordinator of it, an administrator: Resident.changeable_by),
    not through a break-glass look or being named in their consent: joining a caseload never
    widens who may look a person up."""
    if not Team.objects.visible_to(by).filter(pk=team.pk).exists():
        raise PermissionDenied("You do not work with this team")
    if not Resident.objects.changeable_by(by).filter(pk=resident.pk).exists():
        raise PermissionDenied("Only the practitioners and coordinators of their locality do this")
    if resident.neighbourhood.locality_id != team.locality_id:
        raise ValidationError("The team supports people in its own locality only")
    latest = timezone.localdate() + timedelta(days=SUPPORT_AHEAD_DAYS)
    if not EARLIEST <= started_on <= latest:
        raise ValidationError(
            {"started_on": f"Enter a day from {_fmt(EARLIEST)} to {_fmt(latest)}"}
        )
    _hours(hours_per_week)

    def create() -> PersonSupported:
        # Any support not ended by the day this one starts (a handover the day after another
        # team's last day is fine; an end date still to come is not an end yet).
        overlapping = Q(ended_on__isnull=True) | Q(ended_on__gte=started_on)
        if PersonSupported.objects.filter(overlapping, resident=resident).exists():
            raise ValidationError(ALREADY_SUPPORTED)
        try:
            with transaction.atomic():  # someone else added them a moment ago: a clear answer
                person = PersonSupported.objects.create(
                    resident=resident,
                    team=team,
                    started_on=started_on,
                    hours_per_week=hours_per_week,
                    created_by=by,
                )
        except IntegrityError:
            raise ValidationError(ALREADY_SUPPORTED) from None
        record(
            actor=by,
            action=Action.CHANGED,
            resident_id=resident.pk,
            subject=person,
            request=request,
            details={
                "wellbeing_team": "joined",
                "team": team.pk,
                "started_on": started_on.isoformat(),
                "hours_per_week": str(hours_per_week),
            },
        )
        return person

    payload = {
        "team": team,
        "resident": resident,
        "started_on": started_on,
        "hours_per_week": hours_per_week,
    }
    return submissions.once(
        key=submission_key, by=by, model=PersonSupported, payload=payload, create=create
    )


@transaction.atomic
def change_hours(
    *,
    person: PersonSupported,
    hours_per_week: Decimal,
    reason: str,
    version: int,
    by: User,
    request: HttpRequest | None = None,
) -> PersonSupported:
    """Only the team's planning support worker (trusted assessor) changes commissioned hours,
    and says why; each change is kept."""
    if not is_planning_worker(by, person.team_id):
        raise PermissionDenied("Only the team's planning support worker changes hours")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the hours change"})
    _hours(hours_per_week)
    _check_version(person, version)
    before = person.hours_per_week
    HoursChange.objects.create(
        person=person,
        hours_before=before,
        hours_after=hours_per_week,
        reason=reason.strip(),
        changed_by=by,
    )
    person.hours_per_week = hours_per_week
    person.save(update_fields=["hours_per_week", "version", "updated_at"])
    record(
        actor=by,
        action=Action.CHANGED,
        resident_id=person.resident_id,
        subject=person,
        reason=reason.strip(),
        request=request,
        details={"hours_per_week": {"from": str(before), "to": str(hours_per_week)}},
    )
    return person


@transaction.atomic
def end_support(
    *, person: PersonSupported, ended_on: date, version: int, by: User
) -> PersonSupported:
    _require_member(person.team_id, by)
    if ended_on < person.started_on:
        raise ValidationError({"ended_on": "Support cannot end before it started"})
    today = timezone.localdate()
    latest = today + timedelta(days=SUPPORT_AHEAD_DAYS)
    if not today <= ended_on <= latest:
        raise ValidationError(
            {"ended_on": f"Enter today or a day up to {_fmt(latest)} (within a month)"}
        )
    _check_version(person, version)
    person.ended_on = ended_on
    person.save(update_fields=["ended_on", "version", "updated_at"])
    # Nothing is planned after the last day: visits still planned are cancelled (by whoever
    # ended support, saying why), and recurring patterns stop then.
    after = Visit.objects.filter(
        person=person, status=Visit.Status.PLANNED, planned_on__gt=ended_on
    )
    cancelled = list(after.values_list("pk", flat=True))
    after.update(
        status=Visit.Status.CANCELLED,
        cancelled_by=by,
        cancelled_reason=f"Support ended on {_fmt(ended_on)}",
        version=F("version") + 1,
        updated_at=timezone.now(),
    )
    person.patterns.filter(Q(ends_on__isnull=True) | Q(ends_on__gt=ended_on)).update(
        ends_on=ended_on
    )
    record(
        actor=by,
        action=Action.CHANGED,
        resident_id=person.resident_id,
        subject=person,
        details={
            "wellbeing_team": "left",
            "ended_on": ended_on.isoformat(),
            "visits_cancelled": cancelled,
        },
    )
    return person


@transaction.atomic
def set_preferred_workers(
    *, person: PersonSupported, workers: Iterable[User], by: User
) -> PersonSupported:
    _require_member(person.team_id, by)
    workers = list(workers)
    members = set(
        TeamMember.objects.current().filter(team=person.team).values_list("user_id", flat=True)
    )
    if any(w.pk not in members for w in workers):
        raise ValidationError({"workers": "Choose members of the team"})
    person.preferred_workers.set(workers)
    record(
        actor=by,
        action=Action.CHANGED,
        resident_id=person.resident_id,
        subject=person,
        details={"preferred_workers": sorted(w.pk for w in workers)},
    )
    return person


def add_outcome(
    *,
    person: PersonSupported,
    words: str,
    by: User,
    submission_key: uuid.UUID | None = None,
    request: HttpRequest | None = None,
) -> PersonalOutcome:
    _require_member(person.team_id, by)
    if not words.strip():
        raise ValidationError({"words": "Write the outcome in their words"})

    def create() -> PersonalOutcome:
        outcome = PersonalOutcome.objects.create(person=person, words=words.strip(), created_by=by)
        record(
            actor=by,
            action=Action.CHANGED,
            resident_id=person.resident_id,
            subject=outcome,
            request=request,
            details={"personal_outcome": "added"},
        )
        return outcome

    return submissions.once(
        key=submission_key,
        by=by,
        model=PersonalOutcome,
        payload={"person": person, "words": words},
        create=create,
    )


def _rate(
    *, outcome: PersonalOutcome, rating: int, note: str, by: User, visit: Visit | None
) -> OutcomeRating:
    if rating not in range(1, 6):
        raise ValidationError({"rating": "Choose a rating from 1 to 5"})
    return OutcomeRating.objects.create(
        outcome=outcome, rating=rating, note=note.strip(), visit=visit, rated_by=by
    )


def rate_outcome(
    *,
    outcome: PersonalOutcome,
    rating: int,
    note: str = "",
    by: User,
    submission_key: uuid.UUID | None = None,
    request: HttpRequest | None = None,
) -> OutcomeRating:
    _require_member(outcome.person.team_id, by)

    def create() -> OutcomeRating:
        made = _rate(outcome=outcome, rating=rating, note=note, by=by, visit=None)
        record(
            actor=by,
            action=Action.CHANGED,
            resident_id=outcome.person.resident_id,
            subject=made,
            request=request,
            details={"outcome_rated": rating},
        )
        return made

    return submissions.once(
        key=submission_key,
        by=by,
        model=OutcomeRating,
        payload={"outcome": outcome, "rating": rating, "note": note},
        create=create,
    )


# --- Planning visits --------------------------------------------------------------------------


def _team_workers(person: PersonSupported, workers: list[User]) -> list[User]:
    if not workers:
        raise ValidationError({"workers": "Assign the visit to at least one team member"})
    members = set(
        TeamMember.objects.current()
        .filter(team_id=person.team_id)
        .values_list("user_id", flat=True)
    )
    if any(w.pk not in members for w in workers):
        raise ValidationError({"workers": "Choose members of the team"})
    return workers


def plan_visit(
    *,
    person: PersonSupported,
    start: datetime,
    minutes: int,
    workers: Iterable[User],
    by: User,
    submission_key: uuid.UUID | None = None,
) -> Visit:
    """A one-off visit."""
    _require_member(person.team_id, by)
    workers = _team_workers(person, list(workers))
    if timezone.is_naive(start):
        raise ValueError("A visit's start must be an aware date and time")
    try:
        day = start.astimezone(UK).date()
    except OverflowError:
        day = date.max
    _visit_day(day, "planned_start")
    if not 5 <= minutes <= 24 * 60:
        raise ValidationError({"minutes": "Enter a length from 5 minutes to 24 hours"})

    def create() -> Visit:
        visit = Visit.objects.create(
            person=person,
            resident_id=person.resident_id,
            team_id=person.team_id,
            planned_start=start,
            planned_on=start.astimezone(UK).date(),
            planned_minutes=minutes,
            created_by=by,
        )
        visit.workers.set(workers)
        record(
            actor=by,
            action=Action.CHANGED,
            resident_id=person.resident_id,
            subject=visit,
            details={"visit": "planned", "start": start.isoformat()},
        )
        return visit

    payload = {"person": person, "start": start.isoformat(), "minutes": minutes, "workers": workers}
    return submissions.once(key=submission_key, by=by, model=Visit, payload=payload, create=create)


def occurrences(pattern: VisitPattern, *, start: date, until: date) -> list[datetime]:
    """The pattern's planned starts from `start` to `until` (inclusive), as aware UK times.

    The recurrence runs on naive local (wall-clock) times, and each is then placed in
    Europe/London: 08:00 stays 08:00 across the change to and from British Summer Time."""
    first = max(start, pattern.starts_on)
    last = min(until, pattern.ends_on) if pattern.ends_on else until
    if last < first:
        return []
    rule = rrule(
        WEEKLY,
        byweekday=sorted(set(pattern.weekdays)),
        dtstart=datetime.combine(first, pattern.start_time),
        until=datetime.combine(last, time(23, 59, 59)),
    )
    return [moment.replace(tzinfo=UK) for moment in rule]


def create_pattern(
    *,
    person: PersonSupported,
    weekdays: Iterable[int],
    start_time: time,
    minutes: int,
    starts_on: date,
    workers: Iterable[User],
    by: User,
    ends_on: date | None = None,
    submission_key: uuid.UUID | None = None,
) -> VisitPattern:
    """A recurring visit ("Mon-Fri 8:00, 45 min"), with its visits for the next four weeks."""
    _require_member(person.team_id, by)
    days = sorted(set(weekdays))
    if not days or any(d not in range(7) for d in days):
        raise ValidationError({"weekdays": "Choose at least one day of the week"})
    if not 5 <= minutes <= 24 * 60:
        raise ValidationError({"minutes": "Enter a length from 5 minutes to 24 hours"})
    _visit_day(starts_on, "starts_on")
    if ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": "The last day cannot be before the first"})
    if ends_on:
        _visit_day(ends_on, "ends_on")
    workers = _team_workers(person, list(workers))

    def create() -> VisitPattern:
        pattern = VisitPattern.objects.create(
            person=person,
            weekdays=days,
            start_time=start_time,
            minutes=minutes,
            starts_on=starts_on,
            ends_on=ends_on,
            created_by=by,
        )
        pattern.workers.set(workers)
        record(
            actor=by,
            action=Action.CHANGED,
            resident_id=person.resident_id,
            subject=pattern,
            details={"visit_pattern": str(pattern)},
        )
        _generate(pattern=pattern, until=timezone.localdate() + timedelta(days=PLAN_AHEAD_DAYS))
        return pattern

    payload = {
        "person": person,
        "weekdays": days,
        "start_time": start_time,
        "minutes": minutes,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "workers": workers,
    }
    return submissions.once(
        key=submission_key, by=by, model=VisitPattern, payload=payload, create=create
    )


def _generate(*, pattern: VisitPattern, until: date, start: date | None = None) -> int:
    starts = occurrences(pattern, start=start or timezone.localdate(), until=until)
    person = pattern.person
    existing = set(
        Visit.objects.filter(pattern=pattern, planned_start__in=starts).values_list(
            "planned_start", flat=True
        )
    )
    new = [
        Visit(
            person=person,
            resident_id=person.resident_id,
            team_id=person.team_id,
            pattern=pattern,
            planned_start=start,
            planned_on=start.date(),
            planned_minutes=pattern.minutes,
            created_by=pattern.created_by,
        )
        for start in starts
        if start not in existing
    ]
    made = Visit.objects.bulk_create(new, ignore_conflicts=True)
    made = list(
        Visit.objects.filter(pattern=pattern, planned_start__in=[v.planned_start for v in made])
    )
    workers = list(pattern.workers.all())
    Visit.workers.through.objects.bulk_create(
        [Visit.workers.through(visit_id=v.pk, user_id=w.pk) for v in made for w in workers],
        ignore_conflicts=True,
    )
    return len(made)


@transaction.atomic
def generate_visits(*, pattern: VisitPattern, until: date, start: date | None = None) -> int:
    """Make the pattern's visits from `start` (today) to `until` that are not made yet
    (idempotent): how many. Run by beat daily, so a pattern always has four weeks ahead."""
    person = pattern.person
    if person.ended_on and person.ended_on < until:
        until = person.ended_on
    count = _generate(pattern=pattern, until=until, start=start)
    if count:
        record(
            actor=None,
            action=Action.CHANGED,
            resident_id=person.resident_id,
            subject=pattern,
            details={"visits_generated": count},
        )
    return count


# --- Recording visits -------------------------------------------------------------------------


def _require_recorder(visit: Visit, by: User) -> None:
    _require_member(visit.team_id, by)


@transaction.atomic
def record_arrival(*, visit: Visit, by: User, request: HttpRequest | None = None) -> Visit:
    """One tap: the server's time is the arrival. Tapped again (or retried), the first stays."""
    _require_recorder(visit, by)
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if visit.arrived_at is not None:
        return visit
    if visit.status not in (Visit.Status.PLANNED,):
        raise ValidationError(f"This visit is {visit.get_status_display().lower()}")
    if visit.planned_on > timezone.localdate():
        raise ValidationError(
            f"This visit is planned for {_fmt(visit.planned_on)}: record arriving on the day"
        )
    visit.arrived_at, visit.arrived_by = timezone.now(), by
    visit.status = Visit.Status.IN_PROGRESS
    visit.version += 1
    visit.save(update_fields=["arrived_at", "arrived_by", "status", "version", "updated_at"])
    notifications.withdraw_for(visit)
    record(
        actor=by,
        action=Action.CHANGED,
        resident_id=visit.resident_id,
        subject=visit,
        request=request,
        details={"visit": "arrived", "at": visit.arrived_at.isoformat()},
    )
    return visit


@transaction.atomic
def record_departure(*, visit: Visit, by: User, request: HttpRequest | None = None) -> Visit:
    """One tap: the server's time is the departure; the visit is completed. Again: the first
    stays."""
    _require_recorder(visit, by)
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if visit.left_at is not None:
        return visit
    if visit.arrived_at is None:
        raise ValidationError("Tap “Arrived” first")
    visit.left_at, visit.left_by = timezone.now(), by
    visit.status = Visit.Status.COMPLETED
    visit.version += 1
    visit.save(update_fields=["left_at", "left_by", "status", "version", "updated_at"])
    record(
        actor=by,
        action=Action.CHANGED,
        resident_id=visit.resident_id,
        subject=visit,
        request=request,
        details={"visit": "left", "at": visit.left_at.isoformat()},
    )
    return visit


def record_visit(
    *,
    visit: Visit,
    by: User,
    version: int,
    what_happened: str = "",
    health_tasks: str = "",
    concerns: str = "",
    progress: Mapping[int, tuple[int, str]] | None = None,
    submission_key: uuid.UUID | None = None,
    request: HttpRequest | None = None,
) -> Visit:
    """What happened, health care tasks done, concerns raised, and progress on the person's
    outcomes (outcome id → (rating, note)). A retried submission records it once."""
    _require_recorder(visit, by)
    progress = dict(progress or {})
    outcomes = {o.pk: o for o in PersonalOutcome.objects.filter(person_id=visit.person_id)}
    if set(progress) - set(outcomes):
        raise ValidationError("Rate only this person's outcomes")
    if visit.status in (Visit.Status.CANCELLED, Visit.Status.MISSED):
        raise ValidationError(f"This visit is {visit.get_status_display().lower()}")

    def create() -> Visit:
        _check_version(visit, version)
        visit.what_happened, visit.health_tasks, visit.concerns = (
            what_happened.strip(),
            health_tasks.strip(),
            concerns.strip(),
        )
        visit.recorded_at, visit.recorded_by = timezone.now(), by
        visit.save(
            update_fields=[
                "what_happened",
                "health_tasks",
                "concerns",
                "recorded_at",
                "recorded_by",
                "version",
                "updated_at",
            ]
        )
        ratings = [
            _rate(outcome=outcomes[pk], rating=r, note=n, by=by, visit=visit)
            for pk, (r, n) in sorted(progress.items())
        ]
        record(
            actor=by,
            action=Action.CHANGED,
            resident_id=visit.resident_id,
            subject=visit,
            request=request,
            details={
                "visit": "recorded",
                "ratings": [r.pk for r in ratings],
                "concerns": bool(visit.concerns),
            },
        )
        return visit

    payload = {
        "visit": visit,
        "version": version,
        "what_happened": what_happened,
        "health_tasks": health_tasks,
        "concerns": concerns,
        "progress": [f"{k}:{r}:{n}" for k, (r, n) in sorted(progress.items())],
    }
    return submissions.once(key=submission_key, by=by, model=Visit, payload=payload, create=create)


@transaction.atomic
def correct_time(
    *, visit: Visit, field: str, corrected: datetime, reason: str, by: User
) -> VisitCorrection:
    """Correct a recorded arrival or departure; the original stays in the history."""
    _require_recorder(visit, by)
    if field not in VisitCorrection.Field.values:
        raise ValidationError({"field": "Choose arrived or left"})
    if not reason.strip():
        raise ValidationError({"reason": "Say why the time is corrected"})
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    original = getattr(visit, field)
    if original is None:
        raise ValidationError("Only a recorded time can be corrected")
    arrived = corrected if field == "arrived_at" else visit.arrived_at
    left = corrected if field == "left_at" else visit.left_at
    if arrived and left and left < arrived:
        raise ValidationError({"corrected": "Leaving cannot be before arriving"})
    if corrected > timezone.now() + timedelta(minutes=5):
        raise ValidationError({"corrected": "A time cannot be in the future"})
    correction = VisitCorrection.objects.create(
        visit=visit,
        field=field,
        original=original,
        corrected=corrected,
        reason=reason.strip(),
        corrected_by=by,
    )
    setattr(visit, field, corrected)
    visit.version += 1
    visit.save(update_fields=[field, "version", "updated_at"])
    record(
        actor=by,
        action=Action.CHANGED,
        resident_id=visit.resident_id,
        subject=visit,
        reason=reason.strip(),
        details={
            "visit_time_corrected": field,
            "from": original.isoformat(),
            "to": corrected.isoformat(),
        },
    )
    return correction


@transaction.atomic
def mark_missed(*, visit: Visit, reason: str, version: int, by: User) -> Visit:
    _require_recorder(visit, by)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the visit was missed"})
    if visit.status != Visit.Status.PLANNED:
        raise ValidationError(f"This visit is {visit.get_status_display().lower()}")
    if visit.planned_start > timezone.now():
        raise ValidationError("A visit is missed only once its planned time has come")
    _check_version(visit, version)
    visit.status, visit.missed_reason = Visit.Status.MISSED, reason.strip()
    visit.save(update_fields=["status", "missed_reason", "version", "updated_at"])
    record(
        actor=by,
        action=Action.CHANGED,
        resident_id=visit.resident_id,
        subject=visit,
        reason=visit.missed_reason,
        details={"visit": "missed"},
    )
    return visit


@transaction.atomic
def cancel_visit(*, visit: Visit, reason: str, version: int, by: User) -> Visit:
    _require_recorder(visit, by)
    if visit.status != Visit.Status.PLANNED:
        raise ValidationError(f"This visit is {visit.get_status_display().lower()}")
    _check_version(visit, version)
    visit.status, visit.cancelled_by = Visit.Status.CANCELLED, by
    visit.cancelled_reason = reason.strip()
    visit.save(
        update_fields=["status", "cancelled_by", "cancelled_reason", "version", "updated_at"]
    )
    record(
        actor=by,
        action=Action.CHANGED,
        resident_id=visit.resident_id,
        subject=visit,
        reason=visit.cancelled_reason,
        details={"visit": "cancelled"},
    )
    return visit


# --- Time and health events -------------------------------------------------------------------


def record_time(
    *,
    team: Team,
    category: str,
    on: date,
    minutes: int,
    by: User,
    note: str = "",
    submission_key: uuid.UUID | None = None,
) -> TimeEntry:
    """A worker's own time other than visits (travel, team meeting, training, admin)."""
    _require_member(team.pk, by)
    if category not in TimeEntry.Category.values:
        raise ValidationError({"category": "Choose what the time was for"})
    if not 1 <= minutes <= 24 * 60:
        raise ValidationError({"minutes": "Enter minutes from 1 to 1440 (a day)"})
    if on > timezone.localdate():
        raise ValidationError({"on": "Time cannot be recorded for a day to come"})
    if on < EARLIEST:
        raise ValidationError({"on": f"Enter a day from {_fmt(EARLIEST)}"})

    def create() -> TimeEntry:
        entry = TimeEntry.objects.create(
            team=team, worker=by, category=category, on=on, minutes=minutes, note=note.strip()
        )
        record(
            actor=by,
            action=Action.CHANGED,
            subject=entry,
            details={"time": category, "minutes": minutes, "on": on.isoformat()},
        )
        return entry

    payload = {"team": team, "category": category, "on": on, "minutes": minutes, "note": note}
    return submissions.once(
        key=submission_key, by=by, model=TimeEntry, payload=payload, create=create
    )


def record_health_event(
    *,
    person: PersonSupported,
    kind: str,
    occurred_on: date,
    by: User,
    source: str = "",
    submission_key: uuid.UUID | None = None,
) -> HealthEvent:
    """A GP appointment, A&E attendance, unplanned admission or fall of a person supported,
    from before they joined the team too (for the before/after comparison)."""
    _require_member(person.team_id, by)
    if kind not in HealthEvent.Kind.values:
        raise ValidationError({"kind": "Choose what happened"})
    if occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": "A health event cannot be in the future"})
    if occurred_on < EARLIEST_HEALTH_EVENT:
        raise ValidationError({"occurred_on": f"Enter a day from {_fmt(EARLIEST_HEALTH_EVENT)}"})

    def create() -> HealthEvent:
        event = HealthEvent.objects.create(
            resident_id=person.resident_id,
            kind=kind,
            occurred_on=occurred_on,
            source=source.strip(),
            recorded_by=by,
        )
        record(
            actor=by,
            action=Action.CHANGED,
            resident_id=person.resident_id,
            subject=event,
            details={"health_event": kind, "on": occurred_on.isoformat()},
        )
        return event

    payload = {"person": person, "kind": kind, "occurred_on": occurred_on, "source": source}
    return submissions.once(
        key=submission_key, by=by, model=HealthEvent, payload=payload, create=create
    )
