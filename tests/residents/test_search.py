"""Finding a resident fast: names with typos, dates of birth, postcodes, NHS numbers."""

import datetime

import pytest
from django.urls import reverse
from django.utils.html import escape

from localities import search
from localities.models import Neighbourhood, Resident
from tests.factories import ResidentFactory, valid_nhs_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def siobhan(practitioner):
    return ResidentFactory(
        full_name="Siobhan O'Leary",
        date_of_birth=datetime.date(1948, 3, 2),
        postcode="RM18 7AB",
        nhs_number=valid_nhs_number(0),
        neighbourhood=Neighbourhood.objects.get(name="Grays"),
    )


@pytest.mark.parametrize(
    "query",
    ["siobhan oleary", "o leary", "O'Leary", "RM187AB", "rm18 7ab", "02/03/1948", "1948-03-02",
     "2 March 1948", "siobahn olary", "Siobhan", "999 000 0018"],
)  # fmt: skip
def test_siobhan_is_found_by_what_people_type(client, practitioner, siobhan, query):
    ResidentFactory(full_name="Sean O'Brien", date_of_birth=datetime.date(1950, 1, 1))
    client.force_login(practitioner)
    response = client.get(reverse("residents:search"), {"q": query})
    assert response.status_code == 200
    assert [r.pk for r in response.context["results"]] == [siobhan.pk]
    assert escape("Siobhan O'Leary") in response.text
    assert "RM18 7" in response.text
    assert "RM18 7AB" not in response.text
    assert f'data-label="Age">{siobhan.age}</td>' in response.text  # her age


def test_results_tell_two_people_with_one_name_apart(client, practitioner):
    ResidentFactory(full_name="John Smith", date_of_birth=datetime.date(1940, 5, 1),
                    neighbourhood=Neighbourhood.objects.get(name="Blackshots"))  # fmt: skip
    ResidentFactory(full_name="John Smith", date_of_birth=datetime.date(1990, 5, 1),
                    neighbourhood=Neighbourhood.objects.get(name="West Thurrock"))  # fmt: skip
    client.force_login(practitioner)
    text = client.get(reverse("residents:search"), {"q": "john smith"}).text
    assert "Blackshots" in text
    assert "West Thurrock" in text
    assert "2 results" in text


def test_only_residents_the_user_may_see_appear(client, practitioner):
    ResidentFactory(full_name="Grays Resident")
    ResidentFactory(
        full_name="Aveley Resident", neighbourhood=Neighbourhood.objects.get(name="Aveley")
    )
    client.force_login(practitioner)
    results = client.get(reverse("residents:search"), {"q": "resident"}).context["results"]
    assert [r.full_name for r in results] == ["Grays Resident"]


def test_people_who_moved_away_leave_the_working_list_unless_asked_for(client, practitioner):
    ResidentFactory(full_name="Mary Moved", status=Resident.Status.MOVED_AWAY)
    client.force_login(practitioner)
    assert client.get(reverse("residents:search"), {"q": "mary moved"}).context["results"] == []
    response = client.get(
        reverse("residents:search"), {"q": "mary moved", "include_inactive": "on"}
    )
    assert [r.full_name for r in response.context["results"]] == ["Mary Moved"]
    assert "Moved away" in response.text


def test_query_parsing():
    assert search.parse("999 000 0018").nhs_number == "9990000018"
    assert search.parse("02/03/1948").date_of_birth == datetime.date(1948, 3, 2)
    parsed = search.parse("Siobhan RM18 7AB")
    assert (parsed.name, parsed.postcode) == ("siobhan", "RM18 7AB")
    parsed = search.parse("smith rm18")
    assert (parsed.name, parsed.outward_code) == ("smith", "RM18")
    assert search.normalise_name("Siobh\u00e1n  O\u2019Leary-Jones") == "siobhan oleary jones"
    assert search.parse("   ").is_empty
