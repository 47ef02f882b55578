"""Nothing written unrecorded: every write service of wellbeing_teams leaves its audit entry,
naming the actor (walked by introspection, as tests/platform/test_audit_every_write.py does for
the other apps, so a write service added later without a row here fails)."""

import inspect
from collections.abc import Callable
from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories import ResidentFactory, UserFactory
from tests.wellbeing_teams.factories import PersonSupportedFactory, TeamFactory, VisitFactory
from thurrock_care.accounts.models import Role
from thurrock_care.audit.models import Action, Event
from wellbeing_teams import services
from wellbeing_teams.models import TeamMember, VisitPattern

pytestmark = pytest.mark.django_db

READS = {"is_planning_worker", "occurrences", "can_join_team"}
SYSTEM = {"generate_visits"}  # beat's: no person did it


def team_of(by):
    team = TeamFactory()
    TeamMember.objects.create(
        team=team, user=by, role=TeamMember.Role.PLANNING, contracted_hours=Decimal(30)
    )
    return team


def person_of(by):
    return PersonSupportedFactory(team=team_of(by))


def visit_of(by, **fields):
    person = person_of(by)
    return VisitFactory(person=person, workers=[by], **fields)


def arrived(by):
    visit = visit_of(by)
    return services.record_arrival(visit=visit, by=by)


def pattern_of(by):
    pattern = VisitPattern.objects.create(
        person=person_of(by),
        weekdays=[0],
        start_time=time(8),
        minutes=30,
        starts_on=timezone.localdate(),
        created_by=by,
    )
    pattern.workers.set([by])
    return pattern


class prepared:
    """A write that needs a record written first: its entry is not the one checked."""

    def __init__(self, prepare: Callable, call: Callable) -> None:
        self.prepare, self.call = prepare, call


S = services
WRITES: dict[str, Callable] = {
    "create_team": lambda by, grays: S.create_team(name="Audit team", locality=grays, by=by),
    "add_member": lambda by, grays: S.add_member(
        team=TeamFactory(locality=grays),
        user=UserFactory(role=Role.WELLBEING_WORKER, localities=[grays]),
        role="nurse",
        contracted_hours=Decimal(20),
        by=by,
    ),
    "end_membership": lambda by, grays: S.end_membership(
        member=TeamMember.objects.get(team=team_of(by), user=by), by=by
    ),
    "add_person": lambda by, grays: S.add_person(
        team=TeamFactory(locality=grays),
        resident=ResidentFactory(),
        by=by,
        started_on=date(2026, 1, 1),
        hours_per_week=Decimal(5),
    ),
    "change_hours": lambda by, grays: S.change_hours(
        person=person_of(by), version=1, by=by, hours_per_week=Decimal(6), reason="More"
    ),
    "end_support": lambda by, grays: S.end_support(
        person=person_of(by), version=1, by=by, ended_on=timezone.localdate()
    ),
    "set_preferred_workers": lambda by, grays: S.set_preferred_workers(
        person=person_of(by), workers=[by], by=by
    ),
    "add_outcome": lambda by, grays: S.add_outcome(person=person_of(by), words="Walk", by=by),
    "rate_outcome": prepared(
        lambda by: S.add_outcome(person=person_of(by), words="Walk", by=by),
        lambda by, outcome: S.rate_outcome(outcome=outcome, rating=3, by=by),
    ),
    "plan_visit": lambda by, grays: S.plan_visit(
        person=person_of(by), start=timezone.now(), minutes=30, workers=[by], by=by
    ),
    "create_pattern": lambda by, grays: S.create_pattern(
        person=person_of(by),
        weekdays=[0],
        start_time=time(8),
        minutes=30,
        starts_on=timezone.localdate(),
        workers=[by],
        by=by,
    ),
    "record_arrival": lambda by, grays: S.record_arrival(visit=visit_of(by), by=by),
    "record_departure": prepared(arrived, lambda by, visit: S.record_departure(visit=visit, by=by)),
    "record_visit": lambda by, grays: S.record_visit(
        visit=visit_of(by), version=1, by=by, what_happened="Tea"
    ),
    "correct_time": prepared(
        arrived,
        lambda by, visit: S.correct_time(
            visit=visit,
            field="arrived_at",
            by=by,
            reason="Forgot",
            corrected=timezone.now() - timedelta(minutes=5),
        ),
    ),
    "mark_missed": lambda by, grays: S.mark_missed(
        visit=visit_of(by), reason="Out", version=1, by=by
    ),
    "cancel_visit": lambda by, grays: S.cancel_visit(
        visit=visit_of(by), reason="Away", version=1, by=by
    ),
    "record_time": lambda by, grays: S.record_time(
        team=team_of(by), category="admin", on=timezone.localdate(), minutes=20, by=by
    ),
    "record_health_event": lambda by, grays: S.record_health_event(
        person=person_of(by), kind="fall", occurred_on=date(2025, 1, 1), by=by
    ),
    "generate_visits": lambda by, grays: S.generate_visits(
        pattern=pattern_of(by), until=timezone.localdate() + timedelta(days=14)
    ),
}


def write_services() -> set[str]:
    return {
        name
        for name, function in inspect.getmembers(services, inspect.isfunction)
        if function.__module__ == services.__name__ and not name.startswith("_")
    } - READS


def test_every_write_service_is_in_the_table():
    assert write_services() == set(WRITES)


def test_every_write_service_takes_by_but_beats():
    missing = {
        name for name in WRITES if "by" not in inspect.signature(getattr(services, name)).parameters
    }
    assert missing == SYSTEM


@pytest.mark.parametrize("name", sorted(WRITES))
def test_each_write_service_leaves_one_entry_naming_the_actor(name, grays):
    from tests.conftest import make_persona
    from thurrock_care.accounts.models import Role

    by = make_persona(Role.ADMINISTRATOR, None)
    write = WRITES[name]
    made = write.prepare(by) if isinstance(write, prepared) else None
    before = set(Event.objects.values_list("pk", flat=True))
    if isinstance(write, prepared):
        write.call(by, made)
    else:
        write(by, grays)
    events = list(Event.objects.exclude(pk__in=before))
    assert [event.action for event in events] == [Action.CHANGED], name
    [event] = events
    if name in SYSTEM:
        assert (event.actor, event.actor_name) == (None, "System")
    else:
        assert event.actor == by
    assert event.resident_id or (event.object_type and event.object_id)
