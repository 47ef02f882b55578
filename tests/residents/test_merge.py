"""Merging two records of one person, and reversing it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from localities.models import (
    Connection,
    Consent,
    Locality,
    Merge,
    Neighbourhood,
    Resident,
    StoryEntry,
)
from tests.conftest import make_persona
from tests.factories import ConsentFactory, ResidentFactory, valid_nhs_number
from thurrock_care.accounts.models import Role
from thurrock_care.audit.models import Action, Event

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(practitioner):
    survivor = ResidentFactory(full_name="Siobhan O'Leary", nhs_number="", phone="")
    duplicate = ResidentFactory(full_name="Siobhan OLeary", nhs_number=valid_nhs_number(2),
                                phone="01375 123456")  # fmt: skip
    StoryEntry.objects.create(resident=duplicate, section="about_me", text="From the duplicate",
                              written_by=practitioner)  # fmt: skip
    Connection.objects.create(resident=duplicate, kind="pet", name="Biscuit", added_by=practitioner)
    ConsentFactory(resident=survivor, decided_on=datetime.date(2025, 1, 1))
    ConsentFactory(resident=duplicate, decided_on=datetime.date(2024, 1, 1),
                   decision=Consent.Decision.DECLINED)  # fmt: skip
    return survivor, duplicate


def merge_url(survivor) -> str:
    return reverse("residents:merge", args=[survivor.pk])


def test_a_coordinator_merges_and_an_administrator_reverses(client, personas, pair):
    survivor, duplicate = pair
    client.force_login(personas[Role.COORDINATOR])
    compare = client.get(merge_url(survivor), {"duplicate": duplicate.reference})
    assert f"Merge {duplicate.reference} into {survivor.reference}" in compare.text
    response = client.post(
        merge_url(survivor), {"duplicate": duplicate.reference, "confirm": "yes"}
    )
    assert response.status_code == 302
    survivor.refresh_from_db()
    duplicate.refresh_from_db()
    assert duplicate.status == Resident.Status.MERGED
    assert duplicate.merged_into == survivor
    assert survivor.nhs_number == duplicate.nhs_number  # filled in from the duplicate
    assert survivor.phone == "01375 123456"
    assert survivor.story.get().text == "From the duplicate"
    assert survivor.connections.get().name == "Biscuit"
    assert survivor.consents.count() == 2
    assert survivor.consents.get(is_current=True).decided_on == datetime.date(2025, 1, 1)
    assert Event.objects.filter(action=Action.MERGED).count() == 2
    # The duplicate's old address leads to the survivor.
    old = client.get(reverse("residents:detail", args=[duplicate.pk]))
    assert old.status_code == 302
    assert old.url == reverse("residents:detail", args=[survivor.pk])

    client.force_login(personas[Role.ADMINISTRATOR])
    merge = Merge.objects.get()
    assert "Reverse" in client.get(reverse("residents:detail", args=[survivor.pk])).text
    client.post(reverse("residents:merge_reverse", args=[merge.pk]))
    survivor.refresh_from_db()
    duplicate.refresh_from_db()
    assert duplicate.status == Resident.Status.ACTIVE
    assert duplicate.merged_into is None
    assert (survivor.nhs_number, survivor.phone) == ("", "")
    assert duplicate.story.get().text == "From the duplicate"
    assert duplicate.connections.get().name == "Biscuit"
    assert duplicate.consents.get(is_current=True).decision == Consent.Decision.DECLINED
    assert survivor.consents.get(is_current=True).decided_on == datetime.date(2025, 1, 1)
    assert Event.objects.filter(action=Action.UNMERGED).count() == 2


def test_who_may_merge(client, personas, pair, grays):
    survivor, duplicate = pair
    data = {"duplicate": duplicate.reference, "confirm": "yes"}
    for role in (Role.PRACTITIONER, Role.PARTNER, Role.MANAGER, Role.WELLBEING_WORKER):
        client.force_login(personas[role])
        assert client.post(merge_url(survivor), data).status_code == 404
    client.force_login(make_persona(Role.COORDINATOR, Locality.objects.get(slug="asop")))
    assert client.post(merge_url(survivor), data).status_code == 404
    assert not Merge.objects.exists()
    # Only an administrator reverses.
    client.force_login(personas[Role.COORDINATOR])
    client.post(merge_url(survivor), data)
    merge = Merge.objects.get()
    assert client.post(reverse("residents:merge_reverse", args=[merge.pk])).status_code == 404
    merge.refresh_from_db()
    assert merge.reversed_at is None


def test_bad_merge_input_gets_a_clear_message(client, personas, pair):
    survivor, _ = pair
    client.force_login(personas[Role.COORDINATOR])
    for value, message in [("banana", "Enter a record number like TC000123"),
                           (survivor.reference, "There is no other record with that number"),
                           ("TC999999", "There is no other record with that number")]:  # fmt: skip
        response = client.get(merge_url(survivor), {"duplicate": value})
        assert response.status_code == 400
        assert message in response.text


def test_a_merged_record_leaves_search_and_lists(client, personas, pair):
    survivor, duplicate = pair
    client.force_login(personas[Role.COORDINATOR])
    client.post(merge_url(survivor), {"duplicate": duplicate.reference, "confirm": "yes"})
    results = client.get(reverse("residents:search"), {"q": "siobhan"}).context["results"]
    assert [r.pk for r in results] == [survivor.pk]


def test_records_in_other_neighbourhoods_move_too(client, personas, practitioner):
    survivor = ResidentFactory()
    duplicate = ResidentFactory(neighbourhood=Neighbourhood.objects.get(name="Blackshots"))
    grant_reason = "checked"
    from localities.models import BreakGlassGrant

    BreakGlassGrant.objects.create(resident=duplicate, user=practitioner, reason=grant_reason,
                                   expires_at=timezone.now())  # fmt: skip
    client.force_login(personas[Role.ADMINISTRATOR])
    client.post(merge_url(survivor), {"duplicate": duplicate.reference, "confirm": "yes"})
    assert BreakGlassGrant.objects.get().resident == survivor


@pytest.mark.parametrize("typed", ["TC²", "TC①", "₃", "9" * 19])
def test_a_record_number_in_other_digits_is_a_clear_error_not_a_server_error(
    client, coordinator, typed
):
    """Regression: "TC²" passed str.isdigit() and then int() raised (a 500)."""
    survivor = ResidentFactory()
    client.force_login(coordinator)
    url = reverse("residents:merge", args=[survivor.pk])
    for response in (client.get(url, {"duplicate": typed}), client.post(url, {"duplicate": typed})):
        assert response.status_code == 400
        assert "Enter a record number like TC000123" in response.text


def test_a_merge_keeps_the_kept_record_s_consent_so_nobody_new_sees_it(client, personas):
    """Regression: merging made the duplicate's newer consent (naming the police) the kept
    record's current one, so a partner who could not see the kept record suddenly could."""
    partner = personas[Role.PARTNER]
    survivor, duplicate = ResidentFactory(full_name="Kept Person"), ResidentFactory()
    ConsentFactory(resident=survivor, decision=Consent.Decision.DECLINED,
                   decided_on=datetime.date(2025, 1, 1))  # fmt: skip
    ConsentFactory(resident=duplicate, organisations=[partner.organisation],
                   decided_on=datetime.date(2026, 1, 1))  # fmt: skip
    client.force_login(personas[Role.COORDINATOR])
    url = reverse("residents:merge", args=[survivor.pk])
    compare = client.get(url, {"duplicate": duplicate.reference})
    assert "This record's consent decision (or its having none) stays as it is" in compare.text
    assert f"Given: {partner.organisation.name}" in compare.text
    client.post(url, {"duplicate": duplicate.reference, "confirm": "yes"})
    current = Consent.objects.get(resident=survivor, is_current=True)
    assert current.decision == Consent.Decision.DECLINED
    assert Consent.objects.filter(resident=survivor).count() == 2  # the other kept as history
    client.force_login(partner)
    assert client.get(reverse("residents:detail", args=[survivor.pk])).status_code == 404


def test_a_kept_record_without_consent_does_not_take_the_duplicate_s(client, personas):
    """Regression: merging a duplicate whose consent named the police into a record with no
    consent made that consent current: the partner could then see the kept record."""
    partner = personas[Role.PARTNER]
    survivor, duplicate = ResidentFactory(full_name="Kept Person"), ResidentFactory()
    ConsentFactory(resident=duplicate, organisations=[partner.organisation])
    client.force_login(personas[Role.COORDINATOR])
    client.post(
        reverse("residents:merge", args=[survivor.pk]),
        {"duplicate": duplicate.reference, "confirm": "yes"},
    )
    assert not Consent.objects.filter(resident=survivor, is_current=True).exists()
    assert Consent.objects.filter(resident=survivor).count() == 1  # kept, as history
    client.force_login(partner)
    assert client.get(reverse("residents:detail", args=[survivor.pk])).status_code == 404
