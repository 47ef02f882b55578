"""Learning cycles: every locality's are readable by all; locality staff write their own."""

import pytest
from django.urls import reverse

from localities.models import LearningCycle
from localities.services import ilt as services
from tests.factories import LearningCycleFactory
from thurrock_care.accounts.models import Role

pytestmark = pytest.mark.django_db


def cycle_data(locality, **overrides) -> dict:
    return {
        "locality": locality.pk,
        "question": "Would a Saturday drop-in reach working carers?",
        "status": LearningCycle.Status.TRYING,
        "tried": "Three Saturday mornings at Grays Library.",
        "learned": "",
        "next_steps": "",
        **overrides,
    }


def test_the_list_shows_every_localitys_cycles(client, personas, asop):
    LearningCycleFactory(question="Grays question?")
    LearningCycleFactory(question="ASOP question?", locality=asop)
    client.force_login(personas[Role.MANAGER])
    response = client.get(reverse("learning:list"))
    assert "Grays question?" in response.text
    assert "ASOP question?" in response.text
    assert "Add a learning cycle" not in response.text  # managers read only


def test_filters_by_locality_and_status(client, practitioner, asop):
    LearningCycleFactory(question="Grays exploring?")
    LearningCycleFactory(question="Grays learned?", status=LearningCycle.Status.LEARNED)
    LearningCycleFactory(
        question="ASOP learned?", locality=asop, status=LearningCycle.Status.LEARNED
    )
    client.force_login(practitioner)
    by_status = client.get(reverse("learning:list"), {"status": "learned"}).text
    assert "Grays learned?" in by_status
    assert "ASOP learned?" in by_status
    assert "Grays exploring?" not in by_status
    both = client.get(reverse("learning:list"), {"status": "learned", "locality": "asop"}).text
    assert "ASOP learned?" in both
    assert "Grays learned?" not in both
    assert 'value="asop" selected' in both  # the filter keeps its choice
    nonsense = client.get(reverse("learning:list"), {"status": "bogus", "locality": "\x00"})
    assert nonsense.status_code == 200


def test_a_practitioner_adds_a_cycle_for_their_locality(client, practitioner, grays, asop):
    client.force_login(practitioner)
    form = client.get(reverse("learning:create"))
    assert "Tilbury" not in form.text  # only their own localities are offered
    response = client.post(reverse("learning:create"), cycle_data(grays))
    cycle = LearningCycle.objects.get()
    assert response.url == reverse("learning:detail", args=[cycle.pk])
    assert cycle.created_by == practitioner
    assert cycle.status == LearningCycle.Status.TRYING
    refused = client.post(reverse("learning:create"), cycle_data(asop, question="Elsewhere?"))
    assert refused.status_code == 400
    assert not LearningCycle.objects.filter(question="Elsewhere?").exists()


@pytest.mark.parametrize("role", [Role.PARTNER, Role.MANAGER, Role.WELLBEING_WORKER])
def test_other_roles_only_read(client, personas, role, grays):
    cycle = LearningCycleFactory()
    client.force_login(personas[role])
    assert client.get(reverse("learning:detail", args=[cycle.pk])).status_code == 200
    assert client.get(reverse("learning:create")).status_code == 404
    assert client.get(reverse("learning:edit", args=[cycle.pk])).status_code == 404


def test_a_coordinator_cannot_edit_another_localitys_cycle(client, asop_coordinator):
    cycle = LearningCycleFactory()
    client.force_login(asop_coordinator)
    assert client.get(reverse("learning:edit", args=[cycle.pk])).status_code == 404
    detail = client.get(reverse("learning:detail", args=[cycle.pk]))
    assert "Edit learning cycle" not in detail.text


def test_editing_and_a_concurrent_edit(client, practitioner, grays):
    cycle = LearningCycleFactory(question="First question?")
    client.force_login(practitioner)
    url = reverse("learning:edit", args=[cycle.pk])
    ok = client.post(url, cycle_data(grays, version=1, learned="Carers came."))
    assert ok.status_code == 302
    cycle.refresh_from_db()
    assert (cycle.learned, cycle.version) == ("Carers came.", 2)
    services.update_learning_cycle(
        cycle=cycle,
        by=practitioner,
        version=2,
        locality=grays,
        question="Changed by someone else?",
        status=LearningCycle.Status.LEARNED,
        tried="",
        learned="",
        next_steps="",
    )
    stale = client.post(url, cycle_data(grays, version=2, next_steps="My typed next step"))
    assert stale.status_code == 409  # one status for every edit conflict on the web
    assert "Someone else changed this while you were editing" in stale.text
    assert "My typed next step" in stale.text
    cycle.refresh_from_db()
    assert cycle.question == "Changed by someone else?"


@pytest.mark.parametrize("role", list(Role))
def test_navigation_has_community_assets_and_learning(client, personas, role):
    client.force_login(personas[role])
    text = client.get(reverse("home")).text
    assert f'href="{reverse("assets:list")}"' in text
    assert f'href="{reverse("learning:list")}"' in text
    assert f'href="{reverse("localities:list")}"' in text  # existing items stay


@pytest.mark.parametrize(("version", "status"), [("2147483647", 409), ("2147483648", 400)])
def test_an_impossible_version_is_refused_not_a_server_error(
    client, practitioner, grays, version, status
):
    """Regression: version=2147483647 overflowed PostgreSQL's integer (a 500)."""
    cycle = LearningCycleFactory(question="First question?")
    client.force_login(practitioner)
    response = client.post(
        reverse("learning:edit", args=[cycle.pk]),
        cycle_data(grays, version=version, learned="Typed learning"),
    )
    assert response.status_code == status
    assert "Typed learning" in response.text
    cycle.refresh_from_db()
    assert (cycle.learned, cycle.version) == ("", 1)
