import pytest
from django.urls import reverse
from django.utils.html import escape

from thurrock_care.accounts.models import Role

pytestmark = pytest.mark.django_db

EXPECTED = {
    Role.PRACTITIONER: "Log conversations",
    Role.WELLBEING_WORKER: "Your team's visits",
    Role.COORDINATOR: "Localities you coordinate",
    Role.PARTNER: "As an ILT partner",
    Role.MANAGER: "never named residents",
    Role.ADMINISTRATOR: "Manage accounts and send invitations",
}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_has_its_own_home_page(client, personas, role):
    user = personas[role]
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert EXPECTED[role] in response.text
    assert escape(user.full_name) in response.text  # header shows who is signed in
    assert 'href="#main-content"' in response.text  # skip link


def test_navigation_depends_on_role(client, personas):
    client.force_login(personas[Role.ADMINISTRATOR])
    assert ">Administration<" in client.get(reverse("home")).text.replace("\n", "").replace(" ", "")
    client.force_login(personas[Role.PRACTITIONER])
    assert "Administration" not in client.get(reverse("home")).text


def test_administrator_home_counts_accounts_by_role(client, personas):
    client.force_login(personas[Role.ADMINISTRATOR])
    response = client.get(reverse("home"))
    assert response.context["accounts_by_role"][0] == ("Practitioner", 1)


def test_home_page_query_count_does_not_grow_with_localities(
    client, personas, django_assert_max_num_queries
):
    client.force_login(personas[Role.MANAGER])
    with django_assert_max_num_queries(6):
        client.get(reverse("home"))


@pytest.mark.parametrize("role", list(Role))
def test_home_offers_resident_search_to_roles_that_see_residents(client, personas, role):
    client.force_login(personas[role])
    text = client.get(reverse("home")).text
    assert ('action="/residents/"' in text) is (role != Role.MANAGER)


def test_the_greeting_uses_the_first_name_not_a_title():
    from thurrock_care.accounts.models import User

    assert User(full_name="Dr Connor Rogers").get_short_name() == "Connor"
    assert User(full_name="Mrs. Ann Lee").get_short_name() == "Ann"
    assert User(full_name="Priya Patel").get_short_name() == "Priya"
    assert User(full_name="", email="a@b.test").get_short_name() == "a@b.test"
