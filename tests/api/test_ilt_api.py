"""The ILT API: community assets, memberships and meetings, with the pages' rules."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from localities.models import ActionItem, CommunityAsset, Meeting, Neighbourhood
from tests.factories import (
    ActionItemFactory,
    CommunityAssetFactory,
    MeetingFactory,
    MembershipFactory,
    OrganisationFactory,
)
from thurrock_care.accounts.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_assets_are_searched_case_insensitively(api, practitioner):
    CommunityAssetFactory(name="Purfleet Lunch Club")
    CommunityAssetFactory(name="Grays Shed")
    api.force_login(practitioner)
    response = api.get(reverse("api:community-asset-list"), {"q": "lunch"})
    assert response.status_code == 200
    assert [a["name"] for a in response.json()["results"]] == ["Purfleet Lunch Club"]
    assert response.json()["results"][0]["locality"] == "grays"


def test_bad_filters_are_a_400_with_a_message(api, practitioner):
    api.force_login(practitioner)
    response = api.get(reverse("api:community-asset-list"), {"locality": "nowhere"})
    assert response.status_code == 400
    assert "There is no locality 'nowhere'" in response.json()["locality"][0]
    response = api.get(reverse("api:community-asset-list"), {"q": "a\x00b"})
    assert response.status_code == 400


def test_create_and_update_an_asset_with_a_version_check(api, practitioner):
    api.force_login(practitioner)
    grays = Neighbourhood.objects.get(name="Grays")
    created = api.post(
        reverse("api:community-asset-list"),
        {"name": "Tea Club", "kind": "group", "neighbourhood": grays.pk, "offer": "Tea"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["version"] == 1
    assert body["active"] is True
    url = reverse("api:community-asset-detail", args=[body["id"]])
    updated = api.patch(url, {"version": 1, "cost": "Free"}, format="json")
    assert updated.status_code == 200
    assert updated.json()["cost"] == "Free"
    assert updated.json()["version"] == 2
    stale = api.patch(url, {"version": 1, "cost": "£5"}, format="json")
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2
    # One 409 body for every record the API changes (the same words as for a resident).
    assert "Someone else changed this since you read it" in stale.json()["detail"]
    assert CommunityAsset.objects.get().cost == "Free"
    missing = api.patch(url, {"cost": "£5"}, format="json")
    assert missing.status_code == 400
    assert "version" in missing.json()


def test_managers_cannot_change_assets(api, manager):
    asset = CommunityAssetFactory()
    api.force_login(manager)
    assert api.get(reverse("api:community-asset-detail", args=[asset.pk])).status_code == 200
    response = api.post(
        reverse("api:community-asset-list"),
        {"name": "X", "kind": "group", "neighbourhood": asset.neighbourhood_id, "offer": "Y"},
        format="json",
    )
    assert response.status_code == 403
    url = reverse("api:community-asset-detail", args=[asset.pk])
    assert api.patch(url, {"version": 1, "name": "Z"}, format="json").status_code == 404
    assert api.delete(url).status_code == 405


def test_memberships_filter_by_locality(api, practitioner, grays):
    MembershipFactory(locality=grays, organisation=OrganisationFactory(name="Grays Org"))
    api.force_login(practitioner)
    response = api.get(reverse("api:membership-list"), {"locality": "grays"})
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["organisation"]["name"] for r in results] == ["Grays Org"]
    assert results[0]["locality"] == "grays"
    assert api.get(reverse("api:membership-list"), {"locality": "x"}).status_code == 400
    # Found by the fuzzer: a NUL character never reaches PostgreSQL (which would refuse it).
    bad = api.get(reverse("api:membership-list"), {"locality": "gr\x00ays"})
    assert bad.status_code == 400
    assert "locality" in bad.json()


def test_coordinators_create_meetings_with_carried_over_actions(api, personas, grays):
    coordinator = personas[Role.COORDINATOR]
    member = MembershipFactory(locality=grays).organisation
    last = MeetingFactory(starts_at="2026-10-01T10:00Z")
    ActionItemFactory(meeting=last, text="Still open")
    api.force_login(coordinator)
    response = api.post(
        reverse("api:meeting-list"),
        {"locality": "grays", "starts_at": "2026-11-05T10:00Z", "attending": [member.pk]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert [item["text"] for item in body["items"]] == ["Still open"]
    assert body["attending"] == [member.pk]
    assert ActionItem.objects.get(meeting_id=body["id"]).carried_from.meeting == last
    detail = api.get(reverse("api:meeting-detail", args=[body["id"]]))
    assert detail.json()["locality"] == "grays"


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.PARTNER, Role.MANAGER])
def test_other_roles_cannot_create_meetings(api, personas, role):
    api.force_login(personas[role])
    response = api.post(
        reverse("api:meeting-list"),
        {"locality": "grays", "starts_at": "2026-11-05T10:00Z"},
        format="json",
    )
    assert response.status_code == 403
    assert Meeting.objects.count() == 0
    assert api.get(reverse("api:meeting-list")).status_code == 200


def test_a_meeting_only_lists_member_organisations(api, personas):
    outsider = OrganisationFactory(name="Not A Member")
    api.force_login(personas[Role.ADMINISTRATOR])
    response = api.post(
        reverse("api:meeting-list"),
        {"locality": "grays", "starts_at": "2026-11-05T10:00Z", "apologies": [outsider.pk]},
        format="json",
    )
    assert response.status_code == 400
    assert "Not A Member" in response.json()["apologies"][0]


def test_the_schema_documents_the_ilt_endpoints(api, practitioner):
    api.force_login(practitioner)
    schema = api.get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for path in [
        "/api/v1/community-assets/",
        "/api/v1/community-assets/{id}/",
        "/api/v1/memberships/",
        "/api/v1/meetings/",
        "/api/v1/meetings/{id}/",
    ]:
        assert path in schema["paths"]
    assert "409" in schema["paths"]["/api/v1/community-assets/{id}/"]["patch"]["responses"]


@pytest.mark.parametrize(("version", "status"), [(2147483647, 409), (2147483648, 400)])
def test_an_impossible_version_is_a_409_or_400_not_a_server_error(
    api, practitioner, version, status
):
    """Regression: version=2147483647 gave a 500 (integer out of range)."""
    asset = CommunityAssetFactory(name="Knit Club")
    api.force_authenticate(practitioner)
    response = api.patch(
        reverse("api:community-asset-detail", args=[asset.pk]),
        {"version": version, "cost": "Free"},
        format="json",
    )
    assert response.status_code == status
    asset.refresh_from_db()
    assert (asset.cost, asset.version) == ("", 1)


def test_an_asset_sent_twice_with_a_key_is_added_once(api, practitioner):
    import uuid

    api.force_authenticate(practitioner)
    body = {"name": "Key Club", "kind": "group",
            "neighbourhood": Neighbourhood.objects.get(name="Grays").pk, "offer": "Tea",
            "submission_key": str(uuid.uuid4())}  # fmt: skip
    first = api.post("/api/v1/community-assets/", body, format="json")
    second = api.post("/api/v1/community-assets/", body, format="json")
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["id"] == second.json()["id"]
    assert "submission_key" not in first.json()
    assert CommunityAsset.objects.filter(name="Key Club").count() == 1
    reused = api.post("/api/v1/community-assets/", {**body, "name": "Other"}, format="json")
    assert reused.status_code == 422
    assert CommunityAsset.objects.count() == 1
