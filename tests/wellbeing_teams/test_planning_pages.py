"""Adding a resident to a team's caseload from their page, and planning visits (once, or every
week on some days) from the person's page: typed values kept, one record per submission key,
only teams of the resident's locality, only the team's members as workers."""

import uuid
from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from localities.services.residents import break_glass
from tests.conftest import make_persona
from tests.factories import ConsentFactory, ResidentFactory
from tests.wellbeing_teams.conftest import committed_meanwhile
from tests.wellbeing_teams.factories import TeamFactory
from thurrock_care.accounts.models import Role
from wellbeing_teams import services
from wellbeing_teams.models import PersonSupported, Visit, VisitPattern

pytestmark = pytest.mark.django_db


def test_a_coordinator_adds_a_resident_to_a_teams_caseload(client, coordinator, team, worker):
    resident = ResidentFactory()
    client.force_login(coordinator)
    url = reverse("wellbeing_teams:join_team", args=[resident.pk])
    page = client.get(url)
    assert team.name in page.text
    bad = {"team": team.pk, "started_on": "31/02/2026", "hours_per_week": "10"}
    response = client.post(url, bad)
    assert response.status_code == 400
    assert 'value="10"' in response.text
    good = {**bad, "started_on": timezone.localdate().strftime("%d/%m/%Y"),
            "submission_key": str(uuid.uuid4())}  # fmt: skip
    assert client.post(url, good).status_code == 302
    assert client.post(url, good).status_code == 302
    person = PersonSupported.objects.get(resident=resident)
    assert person.team == team
    # Now the team's worker sees them.
    client.force_login(worker)
    assert client.get(reverse("wellbeing_teams:person", args=[person.pk])).status_code == 200


def test_a_team_of_another_locality_cannot_be_chosen(client, coordinator, team):
    from localities.models import Locality

    elsewhere = TeamFactory(locality=Locality.objects.get(slug="asop"))
    resident = ResidentFactory()
    client.force_login(coordinator)
    url = reverse("wellbeing_teams:join_team", args=[resident.pk])
    data = {"team": elsewhere.pk, "started_on": "01/01/2026", "hours_per_week": "5"}
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Choose one of the teams listed" in response.text
    assert not PersonSupported.objects.exists()


def test_plan_a_one_off_visit_and_a_weekly_one(client, worker, person, other_worker):
    client.force_login(worker)
    url = reverse("wellbeing_teams:plan_visit", args=[person.pk])
    tomorrow = timezone.localdate() + timedelta(days=1)
    once = {"on": tomorrow.strftime("%d/%m/%Y"), "start_time": "09:15", "minutes": "30",
            "workers": [worker.pk], "submission_key": str(uuid.uuid4())}  # fmt: skip
    response = client.post(url, {**once, "workers": [other_worker.pk]})
    assert response.status_code == 400
    assert "09:15" in response.text
    assert client.post(url, once).status_code == 302
    assert client.post(url, once).status_code == 302
    [visit] = Visit.objects.filter(person=person)
    assert timezone.localtime(visit.planned_start).time() == time(9, 15)
    weekly = {**once, "repeat_on": ["0", "2", "4"], "start_time": "08:00",
              "submission_key": str(uuid.uuid4())}  # fmt: skip
    assert client.post(url, weekly).status_code == 302
    pattern = VisitPattern.objects.get(person=person)
    assert pattern.weekdays == [0, 2, 4]
    assert Visit.objects.filter(pattern=pattern).count() >= 10


@pytest.mark.django_db(transaction=True)
def test_two_people_adding_the_same_resident_at_once_get_a_clear_message(client, grays):
    """Different submission keys (two people, or two tabs): one support, and a clear 400 with
    what was typed kept for the other, on the page and in the API."""
    team = TeamFactory(locality=grays)
    coordinator = make_persona(Role.COORDINATOR, grays)
    client.force_login(coordinator)
    api = APIClient()
    api.force_authenticate(coordinator)
    for via in ("page", "api"):
        resident = ResidentFactory()
        typed = {"team": team.pk, "started_on": timezone.localdate().strftime("%d/%m/%Y"),
                 "hours_per_week": "7.5", "submission_key": str(uuid.uuid4())}  # fmt: skip
        with committed_meanwhile(
            lambda resident=resident: PersonSupported.objects.create(
                resident=resident,
                team=team,
                started_on=timezone.localdate(),
                hours_per_week=Decimal(10),
                created_by=coordinator,
            )
        ):
            if via == "page":
                url = reverse("wellbeing_teams:join_team", args=[resident.pk])
                response = client.post(url, typed)
                assert 'value="7.5"' in response.text
            else:
                body = {**typed, "resident": resident.pk,
                        "started_on": timezone.localdate().isoformat()}  # fmt: skip
                response = api.post("/api/v1/people-supported/", body, format="json")
        assert response.status_code == 400
        assert "already supported by a Wellbeing Team" in response.content.decode()
        assert PersonSupported.objects.filter(resident=resident).count() == 1


def test_only_those_who_see_the_resident_through_their_locality_add_them(
    client, grays, team, worker
):
    """Not a worker with a break-glass look, nor a partner named in their consent: else the
    whole team would see a stranger for good. Page, service and API alike."""
    stranger = ResidentFactory(full_name="Stella Stranger")
    break_glass(resident=stranger, by=worker, reason="Her neighbour says she fell")
    partner = make_persona(Role.PARTNER, grays)
    ConsentFactory(resident=stranger, organisations=[partner.organisation])
    typed = {"team": team.pk, "started_on": timezone.localdate().strftime("%d/%m/%Y"),
             "hours_per_week": "1"}  # fmt: skip
    for who in (worker, partner):
        client.force_login(who)
        assert client.get(reverse("residents:detail", args=[stranger.pk])).status_code == 200
        url = reverse("wellbeing_teams:join_team", args=[stranger.pk])
        assert client.get(url).status_code == 404
        key = str(uuid.uuid4())
        assert client.post(url, {**typed, "submission_key": key}).status_code == 404
        page = client.get(reverse("wellbeing_teams:for_resident", args=[stranger.pk]))
        assert url not in page.text
        with pytest.raises(PermissionDenied):
            services.add_person(team=team, resident=stranger, started_on=timezone.localdate(),
                                hours_per_week=Decimal(1), by=who)  # fmt: skip
        api = APIClient()
        api.force_authenticate(who)
        body = {"team": team.pk, "resident": stranger.pk, "hours_per_week": "1",
                "started_on": timezone.localdate().isoformat()}  # fmt: skip
        assert api.post("/api/v1/people-supported/", body, format="json").status_code == 404
    assert not PersonSupported.objects.filter(resident=stranger).exists()
