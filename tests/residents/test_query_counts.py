"""The search results page and the resident page run a fixed number of queries, however many
residents there are and however much is attached to them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from localities.models import Connection, Neighbourhood, StoryEntry
from tests.factories import ConsentFactory, OrganisationFactory, ResidentFactory

pytestmark = pytest.mark.django_db


def add_residents(n: int, author) -> None:
    neighbourhoods = list(Neighbourhood.objects.filter(locality__slug="grays"))
    for i in range(n):
        resident = ResidentFactory(
            full_name=f"Smith Number{i}", neighbourhood=neighbourhoods[i % len(neighbourhoods)],
            created_by=author,
        )  # fmt: skip
        StoryEntry.objects.create(
            resident=resident, section="about_me", text="x", written_by=author
        )
        Connection.objects.create(resident=resident, kind="pet", name="Rex", added_by=author)


def count_queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)


def test_search_results_page_queries_do_not_grow_with_residents(client, practitioner):
    client.force_login(practitioner)
    url = reverse("residents:search")
    add_residents(10, practitioner)
    at_10 = count_queries(client, url, {"q": "smith"})
    assert len(client.get(url, {"q": "smith"}).context["results"]) == 10
    add_residents(190, practitioner)
    at_200 = count_queries(client, url, {"q": "smith"})
    assert len(client.get(url, {"q": "smith"}).context["results"]) == 50  # capped
    assert at_10 == at_200


def resident_with_history(author, size: int):
    resident = ResidentFactory(created_by=author)
    for i in range(size):
        StoryEntry.objects.create(resident=resident, section="about_me", text=f"v{i}",
                                  written_by=author)  # fmt: skip
        Connection.objects.create(resident=resident, kind="family", name=f"P{i}", added_by=author)
        ConsentFactory(resident=resident, recorded_by=author, decided_on=timezone.localdate(),
                       is_current=False, organisations=[OrganisationFactory()])  # fmt: skip
    ConsentFactory(resident=resident, recorded_by=author, organisations=[OrganisationFactory()])
    return resident


def test_resident_page_queries_do_not_grow_with_residents_or_history(client, practitioner):
    client.force_login(practitioner)
    add_residents(10, practitioner)
    small = resident_with_history(practitioner, 2)
    at_10 = count_queries(client, reverse("residents:detail", args=[small.pk]))
    add_residents(190, practitioner)
    large = resident_with_history(practitioner, 20)
    at_200 = count_queries(client, reverse("residents:detail", args=[large.pk]))
    assert at_10 == at_200
