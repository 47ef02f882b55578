"""Need to know, as a matrix: every Wellbeing Teams page, for every kind of user. A team's
members see and record the people on its caseload; practitioners and coordinators of the
locality see them; a worker of another team, an uninvolved partner, a practitioner or
coordinator of another locality and a manager get 404, and nothing is written."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from localities.models import Locality
from tests.conftest import make_persona
from tests.factories import ConsentFactory
from tests.wellbeing_teams.conftest import member
from tests.wellbeing_teams.factories import (
    PersonSupportedFactory,
    TeamFactory,
    VisitFactory,
)
from thurrock_care.accounts.models import Role
from wellbeing_teams import services
from wellbeing_teams.models import (
    HealthEvent,
    OutcomeRating,
    PersonalOutcome,
    PersonSupported,
    TeamMember,
    Visit,
)

pytestmark = pytest.mark.django_db

EVERYONE = {
    "member", "planner", "other_team_worker", "worker_without_team", "practitioner",
    "coordinator", "administrator", "partner_uninvolved", "partner_in_consent",
    "practitioner_elsewhere",
    "coordinator_elsewhere", "manager",
}  # fmt: skip
RECORDERS = {"member", "planner", "administrator"}
READERS = RECORDERS | {"practitioner", "coordinator"}
TEAM_VIEWERS = READERS
# Who adds a resident to a caseload: those who see them through their locality.
JOINERS = {"practitioner", "coordinator", "administrator"}
# Who sets up teams (in localities they coordinate) and manages this Grays team's members.
LOCALITY_COORDINATORS = {"coordinator", "coordinator_elsewhere", "administrator"}
MANAGERS_OF_TEAM = {"coordinator", "administrator"}
# Who records that a worker leaves: those, and the team's planning support worker.
ENDS_MEMBERS = MANAGERS_OF_TEAM | {"planner"}


@pytest.fixture
def world(grays):
    asop = Locality.objects.get(slug="asop")
    team, other = TeamFactory(locality=grays), TeamFactory(locality=grays)
    users = {
        "member": member(team),
        "planner": member(team, TeamMember.Role.PLANNING),
        "other_team_worker": member(other),
        "worker_without_team": make_persona(Role.WELLBEING_WORKER, grays),
        "practitioner": make_persona(Role.PRACTITIONER, grays),
        "coordinator": make_persona(Role.COORDINATOR, grays),
        "administrator": make_persona(Role.ADMINISTRATOR, None),
        "partner_uninvolved": make_persona(Role.PARTNER, grays),
        # Named in the resident's consent: sees their record, not the team's pages.
        "partner_in_consent": make_persona(Role.PARTNER, grays),
        "practitioner_elsewhere": make_persona(Role.PRACTITIONER, asop),
        "coordinator_elsewhere": make_persona(Role.COORDINATOR, asop),
        "manager": make_persona(Role.MANAGER, grays),
    }
    person = PersonSupportedFactory(team=team)
    ConsentFactory(
        resident=person.resident, organisations=[users["partner_in_consent"].organisation]
    )
    PersonSupportedFactory(team=other)  # the other team's caseload
    visit = VisitFactory(person=person, workers=[users["member"]])
    services.add_outcome(person=person, words="Walk to the shop", by=users["member"])
    leaver = TeamMember.objects.get(user=member(team))
    return {"users": users, "team": team, "person": person, "visit": visit, "leaver": leaver}


def hours(status: int) -> dict[str, int]:
    """Only the planning support worker changes hours; the team's others are told so."""
    return {"planner": status, "member": 403, "administrator": 403}


def pages(world) -> list[tuple[str, str, str, dict[str, int]]]:
    """(name, method, url, {who: status}); everyone else signed in gets 404."""
    t, p, v = world["team"].pk, world["person"].pk, world["visit"].pk
    m = world["leaver"].pk
    r = world["person"].resident_id
    url = lambda name, *args: reverse(f"wellbeing_teams:{name}", args=args)  # noqa: E731
    every = dict.fromkeys(EVERYONE, 200)
    return [
        ("teams", "get", url("teams"), every),
        ("my_day", "get", url("my_day"), every),
        ("team", "get", url("team", t), dict.fromkeys(TEAM_VIEWERS, 200)),
        ("team_new", "get", url("team_create"), dict.fromkeys(LOCALITY_COORDINATORS, 200)),
        ("team_add", "post", url("team_create"), dict.fromkeys(LOCALITY_COORDINATORS, 400)),
        ("member_new", "get", url("member_add", t), dict.fromkeys(MANAGERS_OF_TEAM, 200)),
        ("member_add", "post", url("member_add", t), dict.fromkeys(MANAGERS_OF_TEAM, 400)),
        ("member_end", "get", url("member_end", m), dict.fromkeys(ENDS_MEMBERS, 200)),
        ("member_end_save", "post", url("member_end", m), dict.fromkeys(ENDS_MEMBERS, 400)),
        ("team_day", "get", url("team_day", t), dict.fromkeys(TEAM_VIEWERS, 200)),
        ("dashboard", "get", url("team_dashboard", t), dict.fromkeys(TEAM_VIEWERS, 200)),
        ("time", "get", url("time_create", t), dict.fromkeys(RECORDERS, 200)),
        ("time_save", "post", url("time_create", t), dict.fromkeys(RECORDERS, 400)),
        ("visit", "get", url("visit", v), dict.fromkeys(READERS, 200)),
        ("visit_record", "post", url("visit", v), dict.fromkeys(RECORDERS, 400)),
        ("visit_missed", "get", url("visit_missed", v), dict.fromkeys(RECORDERS, 200)),
        ("visit_missed_save", "post", url("visit_missed", v), dict.fromkeys(RECORDERS, 400)),
        ("visit_correct", "get", url("visit_correct", v), dict.fromkeys(RECORDERS, 200)),
        ("visit_cancel", "get", url("visit_cancel", v), dict.fromkeys(RECORDERS, 200)),
        ("visit_cancel_save", "post", url("visit_cancel", v), dict.fromkeys(RECORDERS, 400)),
        ("preferred", "get", url("preferred_workers", p), dict.fromkeys(RECORDERS, 200)),
        ("end_support", "get", url("end_support", p), dict.fromkeys(RECORDERS, 200)),
        ("end_support_save", "post", url("end_support", p), dict.fromkeys(RECORDERS, 400)),
        ("person", "get", url("person", p), dict.fromkeys(READERS, 200)),
        ("outcome_new", "get", url("outcome_create", p), dict.fromkeys(RECORDERS, 200)),
        ("outcome_add", "post", url("outcome_create", p), dict.fromkeys(RECORDERS, 400)),
        ("hours", "get", url("hours_change", p), hours(200)),
        ("hours_save", "post", url("hours_change", p), hours(400)),
        ("health_event", "get", url("health_event_create", p), dict.fromkeys(RECORDERS, 200)),
        ("health_event_add", "post", url("health_event_create", p), dict.fromkeys(RECORDERS, 400)),
        ("for_resident", "get", url("for_resident", r), dict.fromkeys(READERS, 302)),
        ("join", "get", url("join_team", r), dict.fromkeys(JOINERS, 200)),
        ("join_save", "post", url("join_team", r), dict.fromkeys(JOINERS, 400)),
        ("plan_visit", "get", url("plan_visit", p), dict.fromkeys(RECORDERS, 200)),
        ("plan_visit_save", "post", url("plan_visit", p), dict.fromkeys(RECORDERS, 400)),
        ("arrived", "post", url("visit_arrived", v), dict.fromkeys(RECORDERS, 302)),
        ("left", "post", url("visit_left", v), dict.fromkeys(RECORDERS, 302)),
    ]  # fmt: skip


def test_every_user_and_every_wellbeing_teams_page(client, world):
    outcomes = {}
    for who in sorted(EVERYONE - RECORDERS) + sorted(RECORDERS):  # outsiders tap first
        client.force_login(world["users"][who])
        for name, method, url, allowed in pages(world):
            response = getattr(client, method)(url)
            expected = allowed.get(who, 404)
            if response.status_code != expected:
                outcomes[who, name] = response.status_code
    assert outcomes == {}
    visit = Visit.objects.get()
    assert visit.arrived_by == world["users"]["administrator"]  # the first recorder to tap
    assert PersonalOutcome.objects.count() == 1
    assert PersonSupported.objects.count() == 2
    assert Visit.objects.count() == 1
    assert not OutcomeRating.objects.exists()
    assert not HealthEvent.objects.exists()
    assert TeamMember.objects.get(pk=world["leaver"].pk).left_on is None


def test_the_other_teams_worker_does_not_see_the_person_nor_their_team(client, world, grays):
    other = world["users"]["other_team_worker"]
    client.force_login(other)
    page = client.get(reverse("wellbeing_teams:teams"))
    assert world["team"].name not in page.text
    assert (
        client.get(reverse("residents:detail", args=[world["person"].resident_id])).status_code
        == 404
    )
    assert client.get(reverse("wellbeing_teams:my_day")).context["visits"] == []


def test_a_partner_named_in_the_consent_sees_the_record_not_the_teams_pages(client, world):
    """The record (their consent says so), but not the visits' notes, medication, concerns."""
    services.record_arrival(visit=world["visit"], by=world["users"]["member"])
    world["visit"].refresh_from_db()
    services.record_visit(visit=world["visit"], by=world["users"]["member"],
                          version=world["visit"].version, health_tasks="Prompted warfarin 5mg",
                          concerns="Bruising on her arms")  # fmt: skip
    client.force_login(world["users"]["partner_in_consent"])
    resident_id = world["person"].resident_id
    assert client.get(reverse("residents:detail", args=[resident_id])).status_code == 200
    for name, pk in (("person", world["person"].pk), ("visit", world["visit"].pk),
                     ("for_resident", resident_id)):  # fmt: skip
        response = client.get(reverse(f"wellbeing_teams:{name}", args=[pk]))
        assert response.status_code == 404, name
        assert "warfarin" not in response.text
    api = APIClient()
    api.force_authenticate(world["users"]["partner_in_consent"])
    for path in ("visits", "people-supported", "health-events", "outcomes"):
        assert api.get(f"/api/v1/{path}/").json()["results"] == [], path
    assert api.get(f"/api/v1/visits/{world['visit'].pk}/").status_code == 404


def test_signed_out_everything_leads_to_sign_in(client, world):
    for name, method, url, _ in pages(world):
        response = getattr(client, method)(url)
        assert response.status_code == 302, name
        assert response.url.startswith(reverse("account_login")), name
