"""Wellbeing Teams' API: the same gate, services and audit as the pages. Arrived and left are
idempotent (the first time stays); a record sent twice with one key records once; a stale
version is a 409; outsiders (another team's worker, a practitioner elsewhere, an uninvolved
partner, a manager) find nothing, at every endpoint."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from localities.models import Locality
from tests.conftest import make_persona
from tests.factories import ResidentFactory
from tests.wellbeing_teams.conftest import member
from tests.wellbeing_teams.factories import PersonSupportedFactory, TeamFactory, VisitFactory
from thurrock_care.accounts.models import Role
from thurrock_care.audit.models import Event
from wellbeing_teams import services
from wellbeing_teams.models import HealthEvent, OutcomeRating, TeamMember, TimeEntry, Visit

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def world(grays):
    team, other = TeamFactory(locality=grays), TeamFactory(locality=grays)
    worker, planner = member(team), member(team, TeamMember.Role.PLANNING)
    person = PersonSupportedFactory(team=team)
    visit = VisitFactory(person=person, workers=[worker])
    outcome = services.add_outcome(person=person, words="Walk to the shop", by=worker)
    outsiders = {
        "other_team_worker": member(other),
        "practitioner_elsewhere": make_persona(
            Role.PRACTITIONER, Locality.objects.get(slug="asop")
        ),
        "partner_uninvolved": make_persona(Role.PARTNER, grays),
        "manager": make_persona(Role.MANAGER, grays),
    }
    return {"team": team, "worker": worker, "planner": planner, "person": person,
            "visit": visit, "outcome": outcome, "outsiders": outsiders}  # fmt: skip


def test_arrived_and_left_are_idempotent_and_the_record_is_once_per_key(world):
    client, visit = api(world["worker"]), world["visit"]
    first = client.post(f"/api/v1/visits/{visit.pk}/arrived/")
    again = client.post(f"/api/v1/visits/{visit.pk}/arrived/")
    assert (first.status_code, again.status_code) == (200, 200)
    assert first.json()["arrived_at"] == again.json()["arrived_at"]
    assert first.json()["status"] == "in_progress"
    body = {"version": first.json()["version"], "what_happened": "Soup", "concerns": "",
            "progress": [{"outcome": world["outcome"].pk, "rating": 3, "note": "Halfway"}],
            "submission_key": str(uuid.uuid4())}  # fmt: skip
    assert client.post(f"/api/v1/visits/{visit.pk}/record/", body, format="json").status_code == 200
    assert client.post(f"/api/v1/visits/{visit.pk}/record/", body, format="json").status_code == 200
    assert OutcomeRating.objects.filter(visit=visit).count() == 1
    stale = {**body, "submission_key": str(uuid.uuid4()), "what_happened": "Older"}
    response = client.post(f"/api/v1/visits/{visit.pk}/record/", stale, format="json")
    assert response.status_code == 409
    assert response.json()["current_version"] == 3
    left = client.post(f"/api/v1/visits/{visit.pk}/left/")
    assert left.json()["status"] == "completed"
    assert (
        client.post(f"/api/v1/visits/{visit.pk}/left/").json()["left_at"] == left.json()["left_at"]
    )
    assert Event.objects.filter(resident_id=visit.resident_id, details__visit="left").count() == 1


def test_leaving_before_arriving_is_a_clear_400(world):
    response = api(world["worker"]).post(f"/api/v1/visits/{world['visit'].pk}/left/")
    assert response.status_code == 400
    assert "Arrived" in response.json()["non_field_errors"][0]


def test_lists_reads_and_creates_for_the_team(world):
    client, person = api(world["worker"]), world["person"]
    visits = client.get(
        "/api/v1/visits/", {"mine": "true", "day": timezone.localdate().isoformat()}
    )
    assert [v["id"] for v in visits.json()["results"]] == [world["visit"].pk]
    assert (
        client.get(f"/api/v1/people-supported/{person.pk}/").json()["resident"]
        == person.resident_id
    )
    outcomes = client.get("/api/v1/outcomes/", {"person": person.pk}).json()["results"]
    assert [o["id"] for o in outcomes] == [world["outcome"].pk]
    rated = client.post(f"/api/v1/outcomes/{world['outcome'].pk}/ratings/",
                        {"rating": 4, "note": "To the corner"}, format="json")  # fmt: skip
    assert rated.status_code == 201
    assert [r["rating"] for r in rated.json()["ratings"]] == [4]
    start = (timezone.now() + timedelta(days=1)).isoformat()
    plan = {"person": person.pk, "planned_start": start, "planned_minutes": 45,
            "workers": [world["worker"].pk]}  # fmt: skip
    planned = client.post("/api/v1/visits/", plan, format="json")
    assert planned.status_code == 201
    time_entry = {"team": world["team"].pk, "category": "travel",
                  "on": timezone.localdate().isoformat(), "minutes": 25}  # fmt: skip
    assert client.post("/api/v1/time-entries/", time_entry, format="json").status_code == 201
    assert TimeEntry.objects.get().worker == world["worker"]
    event = {"person": person.pk, "kind": "fall", "occurred_on": "2025-01-02", "source": "Her"}
    assert client.post("/api/v1/health-events/", event, format="json").status_code == 201
    assert HealthEvent.objects.get().resident_id == person.resident_id
    figures = client.get(f"/api/v1/wellbeing-teams/{world['team'].pk}/figures/").json()
    assert figures["week"]["target_percent"] == 61
    assert figures["punctuality"]["started"] == 0
    assert {r["kind"] for r in figures["health_events"]} == {k.value for k in HealthEvent.Kind}
    assert figures["outcome_progress"]["outcomes"] == 1
    assert [row["person"] for row in figures["continuity"]] == [person.pk]


def test_only_the_planning_support_worker_changes_hours(world):
    person = world["person"]
    body = {"hours_per_week": "14", "reason": "After a fall", "version": 1}
    url = f"/api/v1/people-supported/{person.pk}/hours/"
    assert api(world["worker"]).post(url, body, format="json").status_code == 403
    response = api(world["planner"]).post(url, body, format="json")
    assert response.status_code == 200
    assert response.json()["hours_per_week"] == "14.00"


def test_a_coordinator_adds_someone_to_the_caseload_once_per_key(world, coordinator):
    resident = ResidentFactory()
    body = {"team": world["team"].pk, "resident": resident.pk, "started_on": "2026-01-05",
            "hours_per_week": "10", "submission_key": str(uuid.uuid4())}  # fmt: skip
    first = api(coordinator).post("/api/v1/people-supported/", body, format="json")
    second = api(coordinator).post("/api/v1/people-supported/", body, format="json")
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["id"] == second.json()["id"]
    # A team member cannot add someone they do not see.
    other = {**body, "resident": ResidentFactory().pk, "submission_key": str(uuid.uuid4())}
    assert (
        api(world["worker"]).post("/api/v1/people-supported/", other, format="json").status_code
        == 404
    )


def test_outsiders_find_nothing_anywhere(world):
    visit, person, outcome = world["visit"], world["person"], world["outcome"]
    reads = [f"/api/v1/visits/{visit.pk}/", f"/api/v1/people-supported/{person.pk}/",
             f"/api/v1/outcomes/{outcome.pk}/", f"/api/v1/wellbeing-teams/{world['team'].pk}/",
             f"/api/v1/wellbeing-teams/{world['team'].pk}/figures/"]  # fmt: skip
    writes = [
        (f"/api/v1/visits/{visit.pk}/arrived/", {}),
        (f"/api/v1/visits/{visit.pk}/left/", {}),
        (f"/api/v1/visits/{visit.pk}/record/", {"version": 1, "what_happened": "x"}),
        (f"/api/v1/people-supported/{person.pk}/hours/",
         {"hours_per_week": "1", "reason": "x", "version": 1}),
        (f"/api/v1/outcomes/{outcome.pk}/ratings/", {"rating": 1}),
        ("/api/v1/outcomes/", {"person": person.pk, "words": "x"}),
        ("/api/v1/visits/", {"person": person.pk, "planned_start": timezone.now().isoformat(),
                             "planned_minutes": 30, "workers": [world["worker"].pk]}),
        ("/api/v1/health-events/",
         {"person": person.pk, "kind": "fall", "occurred_on": "2025-01-01"}),
        ("/api/v1/time-entries/", {"team": world["team"].pk, "category": "admin",
                                   "on": "2025-01-01", "minutes": 5}),
    ]  # fmt: skip
    lists = ["/api/v1/visits/", "/api/v1/people-supported/", "/api/v1/outcomes/",
             "/api/v1/health-events/", "/api/v1/wellbeing-teams/"]  # fmt: skip
    for who, user in world["outsiders"].items():
        client = api(user)
        for url in reads:
            assert client.get(url).status_code == 404, (who, url)
        for url, body in writes:
            assert client.post(url, body, format="json").status_code == 404, (who, url)
        for url in lists:
            listed = client.get(url).json()["results"]
            assert all(
                row.get("resident") != person.resident_id and row.get("id") != world["team"].pk
                for row in listed
            ), (who, url)
    visit.refresh_from_db()
    assert visit.status == Visit.Status.PLANNED
    assert not OutcomeRating.objects.exists()
    assert not HealthEvent.objects.exists()
    assert not TimeEntry.objects.exists()


def test_dates_out_of_range_are_a_clear_400_and_the_lists_still_work(world, coordinator):
    worker, person = world["worker"], world["person"]
    client = api(worker)
    body = {"person": person.pk, "planned_start": "9999-12-31T23:50:00Z", "planned_minutes": 45,
            "workers": [worker.pk]}  # fmt: skip
    response = client.post("/api/v1/visits/", body, format="json")
    assert response.status_code == 400
    assert "Enter a day from" in str(response.json())
    assert client.get("/api/v1/visits/").status_code == 200
    join = {"team": world["team"].pk, "resident": ResidentFactory().pk, "started_on": "0001-01-01",
            "hours_per_week": "5"}  # fmt: skip
    response = api(coordinator).post("/api/v1/people-supported/", join, format="json")
    assert response.status_code == 400
    assert "Enter a day from" in str(response.json())
    figures = api(coordinator).get(f"/api/v1/wellbeing-teams/{world['team'].pk}/figures/")
    assert figures.status_code == 200
