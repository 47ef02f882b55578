"""The community assets directory: searchable by all, kept up to date by front-line roles."""

import factory
import pytest
from django.urls import reverse

from localities.models import CommunityAsset, Neighbourhood
from localities.services import ilt as services
from tests.factories import CommunityAssetFactory
from thurrock_care.accounts.models import Role

pytestmark = pytest.mark.django_db


def asset_data(**overrides) -> dict:
    return {
        "name": "Chafford Knit and Natter",
        "kind": CommunityAsset.Kind.GROUP,
        "neighbourhood": Neighbourhood.objects.get(name="Chafford Hundred").pk,
        "offer": "Knitting, tea and company.",
        "when": "Tuesdays 2pm to 4pm",
        "where": "Chafford Hundred Library",
        "contact": "01375 111111",
        "cost": "Free",
        "accessibility": "Step-free access.",
        **overrides,
    }


def test_search_finds_a_partial_name_whatever_the_case(client, practitioner):
    CommunityAssetFactory(name="Purfleet Lunch Club", kind=CommunityAsset.Kind.LUNCH_CLUB)
    CommunityAssetFactory(name="Grays Men's Shed")
    client.force_login(practitioner)
    response = client.get(reverse("assets:list"), {"q": "lUNCH"})
    assert "Purfleet Lunch Club" in response.text
    assert "Men&#x27;s Shed" not in response.text
    assert "1 asset found" in response.text
    assert 'value="lUNCH"' in response.text


def test_search_looks_in_the_offer_and_the_place_too(client, practitioner):
    CommunityAssetFactory(name="Tuesday Club", offer="Chair yoga", where="St Mary's Hall")
    CommunityAssetFactory(name="Other")
    client.force_login(practitioner)
    assert "Tuesday Club" in client.get(reverse("assets:list"), {"q": "YOGA"}).text
    assert "Tuesday Club" in client.get(reverse("assets:list"), {"q": "mary"}).text
    assert "Tuesday Club" not in client.get(reverse("assets:list"), {"q": "bingo"}).text


def test_filters_by_locality_neighbourhood_and_kind(client, practitioner):
    aveley = Neighbourhood.objects.get(name="Aveley")
    CommunityAssetFactory(name="Aveley Drop-in", neighbourhood=aveley, kind="drop_in_venue")
    CommunityAssetFactory(name="Grays Group")
    client.force_login(practitioner)
    by_locality = client.get(reverse("assets:list"), {"locality": "asop"}).text
    assert "Aveley Drop-in" in by_locality
    assert "Grays Group" not in by_locality
    by_place = client.get(reverse("assets:list"), {"neighbourhood": aveley.pk}).text
    assert "Aveley Drop-in" in by_place
    assert "Grays Group" not in by_place
    by_kind = client.get(reverse("assets:list"), {"kind": "group"}).text
    assert "Grays Group" in by_kind
    assert "Aveley Drop-in" not in by_kind
    # Nonsense filters are ignored, never a server error.
    junk = client.get(reverse("assets:list"), {"locality": "\x00", "neighbourhood": "x"})
    assert junk.status_code == 200


def test_stopped_assets_are_kept_but_hidden_unless_asked_for(client, practitioner):
    CommunityAssetFactory(name="Old Club", active=False)
    client.force_login(practitioner)
    assert "Old Club" not in client.get(reverse("assets:list")).text
    shown = client.get(reverse("assets:list"), {"inactive": "on"}).text
    assert "Old Club" in shown
    assert "Stopped" in shown


@pytest.mark.parametrize(
    "role", [Role.PRACTITIONER, Role.COORDINATOR, Role.WELLBEING_WORKER, Role.PARTNER]
)
def test_front_line_roles_add_assets(client, personas, role):
    user = personas[role]
    client.force_login(user)
    response = client.post(reverse("assets:create"), asset_data())
    assert response.status_code == 302
    asset = CommunityAsset.objects.get()
    assert asset.name == "Chafford Knit and Natter"
    assert asset.updated_by == user
    assert asset.active
    listing = client.get(response.url)
    assert "Chafford Knit and Natter has been added" in listing.text


def test_managers_only_read(client, manager):
    asset = CommunityAssetFactory(name="Readable")
    client.force_login(manager)
    listing = client.get(reverse("assets:list"))
    assert "Readable" in listing.text
    assert "Add a community asset" not in listing.text
    assert client.get(reverse("assets:create")).status_code == 404
    assert client.post(reverse("assets:create"), asset_data()).status_code == 404
    edit = reverse("assets:edit", args=[asset.pk])
    assert client.get(edit).status_code == 404
    assert client.post(edit, asset_data(version=1)).status_code == 404
    assert CommunityAsset.objects.count() == 1


def test_an_invalid_form_keeps_what_was_typed(client, practitioner):
    client.force_login(practitioner)
    response = client.post(reverse("assets:create"), asset_data(name="", kind=""))
    assert response.status_code == 400
    assert "Enter the name" in response.text
    assert "Choose what kind of asset it is" in response.text
    assert "Knitting, tea and company." in response.text
    assert 'value="Tuesdays 2pm to 4pm"' in response.text


def test_an_asset_is_marked_stopped_not_deleted(client, practitioner):
    asset = CommunityAssetFactory(name="Closing Club")
    client.force_login(practitioner)
    data = asset_data(name="Closing Club", version=1)  # "active" unticked
    assert client.post(reverse("assets:edit", args=[asset.pk]), data).status_code == 302
    asset.refresh_from_db()
    assert not asset.active
    assert asset.version == 2
    assert asset.updated_by == practitioner


def test_a_concurrent_edit_keeps_the_typed_input(client, practitioner, coordinator):
    asset = CommunityAssetFactory(name="Knit Club")
    services.update_asset(asset=asset, by=coordinator, version=1, cost="£2")
    client.force_login(practitioner)
    response = client.post(
        reverse("assets:edit", args=[asset.pk]),
        asset_data(name="Knit Club (typed)", version=1, active="on"),
    )
    assert response.status_code == 409  # one status for every edit conflict on the web
    assert "Someone else changed this while you were editing" in response.text
    assert 'value="Knit Club (typed)"' in response.text
    assert 'value="Tuesdays 2pm to 4pm"' in response.text
    asset.refresh_from_db()
    assert asset.name == "Knit Club"
    assert asset.cost == "£2"
    assert asset.version == 2


def test_long_results_are_paged_keeping_the_search(client, practitioner):
    CommunityAssetFactory.create_batch(51, name=factory.Sequence(lambda n: f"Club {n:03d}"))
    client.force_login(practitioner)
    first = client.get(reverse("assets:list"), {"q": "club"})
    assert "51 assets found" in first.text
    assert "Page 1 of 2" in first.text
    assert "?q=club&amp;page=2" in first.text
    second = client.get(reverse("assets:list"), {"q": "club", "page": "2"})
    assert "Page 2 of 2" in second.text
    assert second.text.count('class="govuk-summary-card__title"') == 1
    assert client.get(reverse("assets:list"), {"page": "nonsense"}).status_code == 200


@pytest.mark.parametrize(("version", "status"), [("2147483647", 409), ("2147483648", 400)])
def test_an_impossible_version_is_refused_not_a_server_error(client, practitioner, version, status):
    """Regression: version=2147483647 overflowed PostgreSQL's integer (a 500)."""
    asset = CommunityAssetFactory(name="Knit Club")
    client.force_login(practitioner)
    response = client.post(
        reverse("assets:edit", args=[asset.pk]), asset_data(name="Typed", version=version)
    )
    assert response.status_code == status
    assert 'value="Typed"' in response.text
    asset.refresh_from_db()
    assert (asset.name, asset.version) == ("Knit Club", 1)
