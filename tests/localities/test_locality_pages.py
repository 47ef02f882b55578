import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from localities.models import Locality, Neighbourhood, Organisation
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_the_four_localities_and_their_neighbourhoods_are_reference_data():
    assert list(Locality.objects.values_list("short_name", flat=True)) == [
        "ASOP",
        "Grays",
        "Stanford & Corringham",
        "Tilbury & Chadwell",
    ]
    assert Neighbourhood.objects.count() == 19
    assert Neighbourhood.objects.get(name="Chafford Hundred").locality.slug == "grays"
    assert Neighbourhood.objects.get(name="Linford").locality.slug == "tilbury-chadwell"


def test_locality_page_lists_member_organisations_by_kind(client, practitioner, grays):
    MembershipFactory(
        locality=grays,
        organisation=OrganisationFactory(
            name="Grays Lunch Club", kind=Organisation.Kind.VOLUNTARY_GROUP
        ),
    )
    MembershipFactory(
        locality=grays,
        organisation=OrganisationFactory(name="Grays Surgery", kind=Organisation.Kind.GP_PRACTICE),
    )
    MembershipFactory(
        locality=Locality.objects.get(slug="asop"),
        organisation=OrganisationFactory(name="Aveley Only Group"),
    )
    client.force_login(practitioner)
    response = client.get(reverse("localities:detail", args=["grays"]))
    assert response.status_code == 200
    text = response.text
    assert "Grays Lunch Club" in text
    assert "Grays Surgery" in text
    assert "Aveley Only Group" not in text
    assert text.index("GP practice") < text.index("Grays Surgery")
    assert text.index("Voluntary and community group") < text.index("Grays Lunch Club")
    assert "Blackshots" in text  # neighbourhoods


def test_locality_list_counts_members(client, practitioner, grays):
    MembershipFactory.create_batch(3, locality=grays)
    client.force_login(practitioner)
    response = client.get(reverse("localities:list"))
    assert "3 ILT member organisations" in response.text
    assert "Tilbury and Chadwell" in response.text


def test_unknown_locality_is_404(client, practitioner):
    client.force_login(practitioner)
    response = client.get(reverse("localities:detail", args=["nowhere"]))
    assert response.status_code == 404
    assert "Page not found" in response.text


@pytest.mark.parametrize("name", ["localities:list", "home"])
def test_anonymous_visitors_are_sent_to_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_anonymous_visitor_cannot_see_a_locality(client):
    response = client.get(reverse("localities:detail", args=["grays"]))
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("url_name", ["localities:detail", "localities:list"])
def test_locality_pages_run_a_constant_number_of_queries(
    client, practitioner, grays, django_assert_num_queries, url_name
):
    args = ["grays"] if url_name == "localities:detail" else []
    client.force_login(practitioner)
    MembershipFactory.create_batch(2, locality=grays)
    client.get(reverse(url_name, args=args))  # warm up session and caches
    with CaptureQueriesContext(connection) as few:
        client.get(reverse(url_name, args=args))
    MembershipFactory.create_batch(30, locality=grays)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(reverse(url_name, args=args))
    assert response.status_code == 200
