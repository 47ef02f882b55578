"""The synthetic residents used to measure speed at borough scale."""

from collections import Counter
from io import StringIO

import nhs_number
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from localities.models import Resident
from localities.search import search_name

pytestmark = pytest.mark.django_db


def load(count: int, seed: int = 1) -> str:
    out = StringIO()
    call_command("load_synthetic_residents", count, seed=seed, stdout=out)
    return out.getvalue()


def test_residents_are_added_with_search_names_as_the_services_fill_them():
    assert load(3000) == "Added 3,000 synthetic residents.\n"
    residents = list(Resident.objects.all())
    assert len(residents) == 3000
    assert all(r.search_name == search_name(r.full_name, r.preferred_name) for r in residents)
    assert all(r.neighbourhood_id and r.created_by.email.endswith(".invalid") for r in residents)
    assert not any(r.created_by.is_active for r in residents[:10])  # nobody can sign in as it
    postcodes = {r.postcode.split()[0] for r in residents}
    assert postcodes <= {"RM15", "RM16", "RM17", "RM18", "RM19", "RM20", "SS17", "CM13"}
    nhs_numbers = [r.nhs_number for r in residents if r.nhs_number]
    assert len(nhs_numbers) == len(set(nhs_numbers)) > 1800
    assert all(n.startswith("999") for n in nhs_numbers)  # the range never issued
    assert all(nhs_number.is_valid(n) for n in nhs_numbers)


def test_names_are_as_common_as_in_a_real_borough():
    load(10_000)
    surnames = Counter(
        name.split()[-1] for name in Resident.objects.values_list("full_name", flat=True)
    )
    (commonest, count), *_ = surnames.most_common(1)
    assert commonest == "Smith"
    assert 100 <= count <= 200  # the commonest surname on 1-2% of residents
    assert len(surnames) > 1000  # and a long tail of rare ones
    scripts = Resident.objects.filter(
        search_name__regex=r"[\u0600-\u06ff\u4e00-\u9fff\u0400-\u04ff]"
    )
    assert scripts.exists()  # some names are written in other scripts


def test_the_same_seed_makes_the_same_people():
    load(500, seed=42)
    first = list(
        Resident.objects.order_by("pk").values_list("full_name", "postcode", "date_of_birth")
    )
    Resident.objects.all().delete()
    load(500, seed=42)
    again = list(
        Resident.objects.order_by("pk").values_list("full_name", "postcode", "date_of_birth")
    )
    assert first == again


def test_synthetic_residents_are_found_by_search(client, practitioner):
    load(2000)
    resident = Resident.objects.visible_to(practitioner).first()
    client.force_login(practitioner)
    response = client.get(reverse("residents:search"), {"q": resident.full_name})
    assert resident in response.context["results"]


@pytest.mark.parametrize("count", [0, -5, 2_000_001])
def test_a_count_out_of_range_is_refused_with_a_clear_message(count):
    with pytest.raises(CommandError, match="count must be between 1 and 2,000,000"):
        call_command("load_synthetic_residents", count)
    assert not Resident.objects.exists()
