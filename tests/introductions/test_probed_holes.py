"""Holes found by probing Local Area Coordination from outside, as an attacker or a careless
user would (issue 9 review): a sensitive conversation's connections and drop-in stay with
it; ids of places and organisations outside the ILT are refused by the API too; dates no
one could mean are refused; lists naming residents are audited; a kept form belongs to who
typed it and is bounded; reminders go only to those who still see the record."""

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from introductions.models import FollowUp
from introductions.notifications import remind_follow_ups
from introductions.services import conversations, introductions
from introductions.services.conversations import NewConnection
from localities.models import Locality
from tests.conftest import make_persona
from tests.factories import (
    CommunityAssetFactory,
    ConsentFactory,
    MembershipFactory,
    OrganisationFactory,
    ResidentFactory,
)
from tests.introductions.factories import DropInFactory
from thurrock_care import drafts
from thurrock_care.accounts.models import Role
from thurrock_care.audit.models import Event

pytestmark = pytest.mark.django_db


def _viewed(resident) -> int:
    return Event.objects.filter(resident_id=resident.pk, action="viewed").count()


@pytest.fixture
def world(grays):
    asop = Locality.objects.get(slug="asop")
    named = OrganisationFactory(name="Named Housing Org")
    users = {
        "practitioner": make_persona(Role.PRACTITIONER, grays),
        "coordinator": make_persona(Role.COORDINATOR, grays),
        "partner_named": make_persona(Role.PARTNER, grays, organisation=named),
        "partner_uninvolved": make_persona(Role.PARTNER, grays),
        "practitioner_elsewhere": make_persona(Role.PRACTITIONER, asop),
        "manager": make_persona(Role.MANAGER, grays),
    }
    resident = ResidentFactory(full_name="Probe Resident")
    ConsentFactory(resident=resident, organisations=[named])
    lac = users["practitioner"]
    introduction = introductions.create_introduction(
        resident=resident, by=lac, holder=lac, source="self"
    )
    session = DropInFactory()
    return {"users": users, "resident": resident, "introduction": introduction,
            "session": session, "asop": asop, "grays": grays}  # fmt: skip


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def sensitive(world):
    lac = world["users"]["practitioner"]
    return conversations.log_conversation(
        resident=world["resident"], by=lac, how_we_met="phone",
        what_matters="SECRET-SAFEGUARDING detail", sensitive=True,
        connections=[NewConnection(person="Womens Refuge SECRETPLACE")],
    )  # fmt: skip


def test_sensitive_connection_not_in_connections_api(world, sensitive):
    client = api(world["users"]["partner_named"])
    body = client.get(f"/api/v1/connections/?resident={world['resident'].pk}").json()
    assert "SECRETPLACE" not in str(body), body


def test_sensitive_connection_not_on_timeline(client, world, sensitive):
    client.force_login(world["users"]["partner_named"])
    page = client.get(reverse("residents:detail", args=[world["resident"].pk]))
    assert page.status_code == 200
    assert "SECRET-SAFEGUARDING" not in page.text
    assert "SECRETPLACE" not in page.text


def test_sensitive_connection_not_on_conversation_form(client, world, sensitive):
    client.force_login(world["users"]["partner_named"])
    page = client.get(reverse("introductions:conversation_create", args=[world["resident"].pk]))
    assert page.status_code == 200
    assert "SECRETPLACE" not in page.text


def test_api_conversation_with_organisation_outside_the_ilt(world):
    outsider = OrganisationFactory(name="Not In Grays ILT")
    client = api(world["users"]["practitioner"])
    response = client.post("/api/v1/conversations/", {
        "resident": world["resident"].pk, "how_we_met": "phone", "what_matters": "x",
        "organisations": [outsider.pk]}, format="json")  # fmt: skip
    assert response.status_code == 400, (response.status_code, response.content[:300])


def test_api_drop_in_with_asset_and_organisation_of_another_locality(world):
    asset = CommunityAssetFactory(neighbourhood=world["asop"].neighbourhoods.first(),
                                  name="Asop Private Asset", where="Asop Hall")  # fmt: skip
    outsider = OrganisationFactory(name="Not In Grays ILT")
    now = timezone.now()
    client = api(world["users"]["practitioner"])
    body = {
        "title": "T",
        "locality": "grays",
        "starts_at": (now + timedelta(days=1)).isoformat(),
        "ends_at": (now + timedelta(days=1, hours=1)).isoformat(),
    }
    r1 = client.post("/api/v1/drop-ins/", {**body, "asset": asset.pk}, format="json")
    r2 = client.post(
        "/api/v1/drop-ins/",
        {**body, "venue": "Hall", "organisations": [outsider.pk]},
        format="json",
    )
    assert (r1.status_code, r2.status_code) == (400, 400), (r1.content, r2.content)


@pytest.mark.parametrize("answered_on", ["9999-12-31", "0001-01-01", "9999-11-01"])
def test_api_wellbeing_extreme_dates(world, answered_on):
    response = api(world["users"]["practitioner"]).post("/api/v1/wellbeing-answers/", {
        "resident": world["resident"].pk, "answered_on": answered_on, "worthwhile": 5},
        format="json")  # fmt: skip
    assert response.status_code == 400, (response.status_code, response.content[:300])


def test_api_wellbeing_in_the_future(world):
    future = (timezone.localdate() + timedelta(days=400)).isoformat()
    response = api(world["users"]["practitioner"]).post("/api/v1/wellbeing-answers/", {
        "resident": world["resident"].pk, "answered_on": future, "worthwhile": 5},
        format="json")  # fmt: skip
    assert response.status_code == 400, response.content


@pytest.mark.parametrize("when", ["01/01/0001 00:00"])
def test_web_conversation_in_year_one_is_refused(client, world, when):
    client.force_login(world["users"]["practitioner"])
    url = reverse("introductions:conversation_create", args=[world["resident"].pk])
    response = client.post(
        url,
        {
            "submission_key": str(uuid.uuid4()),
            "how_we_met": "phone",
            "what_matters": "x",
            "held_at": when,
        },
    )
    assert response.status_code == 400


@pytest.mark.parametrize("due", ["01/01/0001", "31/12/9999"])
def test_web_stay_in_touch_implausible_is_refused(client, world, due):
    client.force_login(world["users"]["practitioner"])
    url = reverse("introductions:conversation_create", args=[world["resident"].pk])
    response = client.post(
        url,
        {
            "submission_key": str(uuid.uuid4()),
            "how_we_met": "phone",
            "what_matters": "x",
            "stay_in_touch_by": due,
            "held_at": timezone.localtime().strftime("%d/%m/%Y %H:%M"),
        },
    )
    assert response.status_code == 400


def test_sensitive_drop_in_attendance_on_timeline(client, world):
    lac = world["users"]["practitioner"]
    session = DropInFactory(title="Sexual Health Clinic Drop-in")
    conversations.log_conversation(resident=world["resident"], by=lac, how_we_met="drop_in",
                                   what_matters="x", drop_in=session, sensitive=True)  # fmt: skip
    client.force_login(world["users"]["partner_named"])
    page = client.get(reverse("residents:detail", args=[world["resident"].pk]))
    assert "Sexual Health Clinic" not in page.text


def test_api_introduction_in_the_future(world):
    other = ResidentFactory()
    lac = world["users"]["practitioner"]
    response = api(lac).post("/api/v1/introductions/", {
        "resident": other.pk, "source": "self", "holder": lac.pk,
        "introduced_on": "9999-12-31"}, format="json")  # fmt: skip
    assert response.status_code == 400, response.content[:300]


def test_web_introduction_create_in_the_future(client, world):
    other = ResidentFactory()
    lac = world["users"]["practitioner"]
    client.force_login(lac)
    response = client.post(reverse("introductions:introduction_create", args=[other.pk]), {
        "submission_key": str(uuid.uuid4()), "source": "self", "holder": lac.pk,
        "introduced_on": "31/12/9999", "status": "getting_to_know"})  # fmt: skip
    assert response.status_code == 400, response.status_code


def test_anonymous_post_is_stored_without_limit(client, world):
    url = reverse("introductions:conversation_create", args=[world["resident"].pk])
    response = client.post(url, {"what_matters": "A" * 2_000_000})
    assert response.status_code == 302
    kept = client.session.get(drafts.KEPT, {})
    size = sum(len(v) for entry in kept.values() for vals in entry["data"].values() for v in vals)
    assert size < 200_000, size


def test_reassign_page_listing_residents_is_audited(client, world):
    client.force_login(world["users"]["coordinator"])
    before = _viewed(world["resident"])
    page = client.get(
        reverse("introductions:reassign"), {"holder": world["users"]["practitioner"].pk}
    )
    assert "Probe Resident" in page.text
    assert _viewed(world["resident"]) > before


def test_headcount_error_page_listing_residents_is_audited(client, world):
    lac = world["users"]["practitioner"]
    conversations.log_conversation(resident=world["resident"], by=lac, how_we_met="drop_in",
                                   what_matters="x", drop_in=world["session"])  # fmt: skip
    client.force_login(lac)
    before = _viewed(world["resident"])
    page = client.post(
        reverse("introductions:drop_in_headcount", args=[world["session"].pk]),
        {"people": "0", "submission_key": str(uuid.uuid4())},
    )
    assert page.status_code == 400
    assert "Probe Resident" in page.text
    assert _viewed(world["resident"]) > before


def test_home_panel_listing_residents_is_audited(client, world):
    lac = world["users"]["practitioner"]
    FollowUp.objects.create(resident=world["resident"], owner=lac, due_on=timezone.localdate())
    client.force_login(lac)
    before = _viewed(world["resident"])
    page = client.get("/")
    assert "Probe Resident" in page.text
    assert _viewed(world["resident"]) > before


def test_web_drop_in_asset_of_other_worked_locality(client, world):
    """A LAC working in Grays and Asop plans a Grays session at an Asop asset."""
    user = make_persona(Role.PRACTITIONER, world["grays"])
    user.localities.add(world["asop"])
    asset = CommunityAssetFactory(
        neighbourhood=world["asop"].neighbourhoods.first(), where="Asop Hall, 1 Asop Road"
    )
    outsider_org = OrganisationFactory(name="Asop-only org")
    MembershipFactory(locality=world["asop"], organisation=outsider_org)
    client.force_login(user)
    response = client.post(reverse("introductions:drop_in_create"), {
        "submission_key": str(uuid.uuid4()), "title": "Mixed", "kind": "drop_in",
        "locality": world["grays"].pk, "asset": asset.pk, "starts_at": "01/01/2030 10:00",
        "ends_at": "01/01/2030 11:00", "organisations": [outsider_org.pk]})  # fmt: skip
    assert response.status_code == 400, response.status_code


def test_a_kept_form_is_bounded(client, world):
    url = reverse("introductions:conversation_create", args=[world["resident"].pk])
    author = drafts.author_token(world["users"]["practitioner"])
    client.post(url, {"what_matters": "A" * 2_000_000, "draft_author": author,
                      **{f"field{i}": "x" for i in range(500)}})  # fmt: skip
    [entry] = client.session[drafts.KEPT].values()
    assert len(entry["data"]) == drafts.KEEP_FIELDS
    assert max(len(v) for values in entry["data"].values() for v in values) == drafts.KEEP_CHARS


def test_reminders_go_only_to_owners_who_still_see_the_record(world):
    lac = world["users"]["practitioner"]
    resident = ResidentFactory(full_name="No Introduction")  # seen by working in Grays only
    FollowUp.objects.create(resident=resident, owner=lac, due_on=timezone.localdate())
    lac.localities.set([world["asop"]])  # moved to another locality
    assert [n.subject for n in remind_follow_ups()] == []
    lac.localities.set([world["grays"]])  # back: reminded
    assert [n.subject for n in remind_follow_ups()] == [
        f"Stay in touch with {resident.reference}: due today"
    ]
