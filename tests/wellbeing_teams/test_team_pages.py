"""Setting up a team (the locality's coordinators) and adding members (the team's or the
locality's coordinators): typed values kept, clear messages, nobody else."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from localities.models import Locality
from tests.conftest import make_persona
from tests.wellbeing_teams.conftest import committed_meanwhile, member
from thurrock_care.accounts.models import Role
from thurrock_care.audit.models import Event
from wellbeing_teams import services
from wellbeing_teams.models import Team, TeamMember

pytestmark = pytest.mark.django_db


def test_a_coordinator_sets_up_a_team_in_their_locality_only(client, coordinator, grays):
    client.force_login(coordinator)
    url = reverse("wellbeing_teams:team_create")
    asop = Locality.objects.get(slug="asop")
    response = client.post(url, {"name": "Aveley team", "locality": asop.pk})
    assert response.status_code == 400
    assert "Choose one of the localities listed" in response.text
    assert "Aveley team" in response.text
    grays_hood = grays.neighbourhoods.get(name="Grays")
    response = client.post(url, {"name": "Grays North", "locality": grays.pk,
                                 "neighbourhoods": [grays_hood.pk]})  # fmt: skip
    assert response.status_code == 302
    team = Team.objects.get()
    assert (team.name, team.locality, list(team.neighbourhoods.all())) == (
        "Grays North", grays, [grays_hood]
    )  # fmt: skip


def test_coordinators_add_members_by_their_address(client, coordinator, team, team_coordinator):
    newcomer = make_persona(Role.WELLBEING_WORKER, team.locality)
    url = reverse("wellbeing_teams:member_add", args=[team.pk])
    client.force_login(team_coordinator)  # the team's own coordinator
    bad = {"email": "nobody@example.test", "role": "medication", "contracted_hours": "30"}
    response = client.post(url, bad)
    assert response.status_code == 400
    assert "Nobody signs in with that address" in response.text
    response = client.post(url, {**bad, "email": newcomer.email.upper()})
    assert response.status_code == 302
    member_row = TeamMember.objects.get(user=newcomer)
    assert (member_row.role, member_row.contracted_hours) == ("medication", Decimal(30))
    client.force_login(coordinator)  # the locality's ILT coordinator: they already are one
    response = client.post(url, {**bad, "email": newcomer.email})
    assert response.status_code == 400
    assert "already a member" in response.text


def test_a_worker_does_not_manage_the_team(client, team, worker):
    client.force_login(worker)
    assert client.get(reverse("wellbeing_teams:member_add", args=[team.pk])).status_code == 404
    assert client.get(reverse("wellbeing_teams:team_create")).status_code == 404


@pytest.mark.parametrize(
    ("role", "where"),
    [
        (Role.PARTNER, "asop"),
        (Role.PARTNER, "grays"),
        (Role.MANAGER, "grays"),
        (Role.ADMINISTRATOR, None),
        (Role.WELLBEING_WORKER, "asop"),
        (Role.PRACTITIONER, "asop"),
    ],
)
def test_only_workers_of_the_teams_locality_can_be_added(
    client, team, team_coordinator, person, role, where
):
    """A member sees the whole caseload: a partner, a manager, an administrator or anyone who
    works elsewhere is refused (400, what was typed kept), on the page and in the service."""
    locality = Locality.objects.get(slug=where) if where else None
    outsider = make_persona(role, locality, email="outsider@example.test")
    client.force_login(team_coordinator)
    url = reverse("wellbeing_teams:member_add", args=[team.pk])
    response = client.post(
        url, {"email": "outsider@example.test", "role": "independence", "contracted_hours": "7"}
    )
    assert response.status_code == 400
    assert "who work in Grays can be members of this team" in response.text
    assert 'value="outsider@example.test"' in response.text
    assert not TeamMember.objects.filter(user=outsider).exists()
    with pytest.raises(ValidationError):
        services.add_member(
            team=team, user=outsider, role="independence", contracted_hours=Decimal(7),
            by=team_coordinator,
        )  # fmt: skip
    if role != Role.ADMINISTRATOR:  # administrators see every record anyway
        client.force_login(outsider)
        assert client.get(reverse("wellbeing_teams:person", args=[person.pk])).status_code == 404


@pytest.mark.parametrize("role", [Role.WELLBEING_WORKER, Role.PRACTITIONER, Role.COORDINATOR])
def test_workers_practitioners_and_coordinators_of_the_locality_can_be_added(
    team, team_coordinator, role
):
    newcomer = make_persona(role, team.locality)
    member_row = services.add_member(
        team=team, user=newcomer, role="nurse", contracted_hours=Decimal(20), by=team_coordinator
    )
    assert member_row.user == newcomer


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_adding_the_same_worker_at_once_get_a_clear_message(client, grays):
    team = Team.objects.create(name="Grays Race", locality=grays)
    coordinator = member(team, TeamMember.Role.COORDINATOR)
    newcomer = make_persona(Role.WELLBEING_WORKER, grays, email="new@example.test")
    client.force_login(coordinator)
    typed = {"email": "new@example.test", "role": "independence", "contracted_hours": "12.5"}
    with committed_meanwhile(
        lambda: TeamMember.objects.create(
            team=team, user=newcomer, role="medication", contracted_hours=Decimal(30)
        )
    ):
        response = client.post(reverse("wellbeing_teams:member_add", args=[team.pk]), typed)
    assert response.status_code == 400
    assert "They are already a member of this team" in response.text
    assert 'value="12.5"' in response.text
    assert TeamMember.objects.get(user=newcomer).role == "medication"


def test_a_worker_who_leaves_is_recorded_and_then_sees_nothing(client, team, person, planner):
    leaver = member(team)
    TeamMember.objects.filter(user=leaver).update(
        joined_on=timezone.localdate() - timedelta(days=90)
    )
    row = TeamMember.objects.get(user=leaver)
    client.force_login(planner)  # the team's planning support worker
    team_page = client.get(reverse("wellbeing_teams:team", args=[team.pk]))
    url = reverse("wellbeing_teams:member_end", args=[row.pk])
    assert url in team_page.text
    page = client.get(url)
    assert f"{escape(leaver.full_name)} leaves the team" in page.text
    response = client.post(url, {"left_on": "01/01/9999"})
    assert response.status_code == 400
    assert "Enter a day from" in response.text
    assert 'value="01/01/9999"' in response.text
    yesterday = timezone.localdate() - timedelta(days=1)
    response = client.post(url, {"left_on": yesterday.strftime("%d/%m/%Y")})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.left_on == yesterday
    entry = Event.objects.get(details__team_member="left")
    assert (entry.actor, entry.details["left_on"]) == (planner, yesterday.isoformat())
    assert client.get(url).status_code == 404  # left: no longer a current member
    client.force_login(leaver)
    assert client.get(reverse("wellbeing_teams:person", args=[person.pk])).status_code == 404
    assert client.get(reverse("wellbeing_teams:team", args=[team.pk])).status_code == 404


def test_a_worker_of_the_team_does_not_record_that_others_leave(client, team, worker):
    other = TeamMember.objects.get(user=member(team))
    client.force_login(worker)
    assert client.get(reverse("wellbeing_teams:member_end", args=[other.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        services.end_membership(member=other, by=worker)
