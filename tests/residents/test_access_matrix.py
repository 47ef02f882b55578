"""Need to know, as a matrix: every role and situation by every resident-data URL.

Each row is a kind of user; each column a URL that shows or changes a resident's record.
An outsider gets 404 (never 403), so a record's existence does not leak.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from localities.models import BreakGlassGrant, Connection, Locality, Organisation
from tests.conftest import make_persona
from tests.factories import ConsentFactory, OrganisationFactory, ResidentFactory
from thurrock_care.accounts.models import Role

pytestmark = pytest.mark.django_db

# Who may do what, for a resident of Grays whose consent names one partner organisation.
READERS = {
    "practitioner", "coordinator", "administrator", "partner_named_in_consent",
    "break_glass_holder",
}  # fmt: skip
REVIEWERS = {"coordinator", "administrator"}
EVERYONE = [
    "practitioner", "practitioner_elsewhere", "practitioner_not_core", "wellbeing_worker",
    "coordinator", "coordinator_elsewhere", "partner_named_in_consent", "partner_not_named",
    "partner_consent_expired", "manager", "administrator", "break_glass_holder",
    "break_glass_expired",
]  # fmt: skip


@pytest.fixture
def world(grays):
    asop = Locality.objects.get(slug="asop")
    named, expired_org = OrganisationFactory(), OrganisationFactory()
    users = {
        "practitioner": make_persona(Role.PRACTITIONER, grays),
        "practitioner_elsewhere": make_persona(Role.PRACTITIONER, asop),
        "practitioner_not_core": make_persona(
            Role.PRACTITIONER, grays,
            organisation=OrganisationFactory(kind=Organisation.Kind.VOLUNTARY_GROUP),
        ),
        "wellbeing_worker": make_persona(Role.WELLBEING_WORKER, grays),
        "coordinator": make_persona(Role.COORDINATOR, grays),
        "coordinator_elsewhere": make_persona(Role.COORDINATOR, asop),
        "partner_named_in_consent": make_persona(Role.PARTNER, grays, organisation=named),
        "partner_not_named": make_persona(Role.PARTNER, grays),
        "partner_consent_expired": make_persona(Role.PARTNER, grays, organisation=expired_org),
        "manager": make_persona(Role.MANAGER, grays),
        "administrator": make_persona(Role.ADMINISTRATOR, None),
        "break_glass_holder": make_persona(Role.PARTNER, asop),
        "break_glass_expired": make_persona(Role.PRACTITIONER, asop),
    }  # fmt: skip
    resident = ResidentFactory(full_name="Matrix Resident")
    ConsentFactory(resident=resident, organisations=[named])
    # An expired consent of another resident must not let its organisation in here either.
    ConsentFactory(
        resident=ResidentFactory(),
        organisations=[expired_org],
        expires_on=timezone.localdate() - timedelta(days=1),
    )
    now = timezone.now()
    for who, ends in [("break_glass_holder", now + timedelta(hours=1)),
                      ("break_glass_expired", now - timedelta(hours=1))]:  # fmt: skip
        BreakGlassGrant.objects.create(
            resident=resident, user=users[who], reason="At the door", expires_at=ends
        )
    connection = Connection.objects.create(
        resident=resident, kind="pet", name="Biscuit", added_by=users["practitioner"]
    )
    return {"users": users, "resident": resident, "connection": connection}


def resident_urls(resident, connection) -> list[tuple[str, str, str, set[str]]]:
    """(name, method, url, who may) for every page of resident data."""
    pk = resident.pk
    return [
        ("detail", "get", reverse("residents:detail", args=[pk]), READERS),
        ("edit", "get", reverse("residents:edit", args=[pk]), READERS),
        ("story", "get", reverse("residents:story", args=[pk, "about_me"]), READERS),
        ("connection_add", "get", reverse("residents:connection_add", args=[pk]), READERS),
        ("connection_remove", "post",
         reverse("residents:connection_remove", args=[pk, connection.pk]), READERS),
        ("consent", "get", reverse("residents:consent", args=[pk]), READERS),
        ("status", "get", reverse("residents:status", args=[pk]), READERS),
        ("merge", "get", reverse("residents:merge", args=[pk]), REVIEWERS),
        ("audit", "get", reverse("residents:audit", args=[pk]), REVIEWERS),
        ("access_report", "get", reverse("residents:access_report", args=[pk]), REVIEWERS),
        ("api_detail", "get", f"/api/v1/residents/{pk}/", READERS),
        ("api_consents", "get", f"/api/v1/residents/{pk}/consents/", READERS),
    ]  # fmt: skip


def test_every_role_and_every_resident_url(client, world):
    resident, connection = world["resident"], world["connection"]
    outcomes = {}
    for who in EVERYONE:
        client.force_login(world["users"][who])
        for name, method, url, allowed in resident_urls(resident, connection):
            response = getattr(client, method)(url)
            expected = ((200, 302) if method == "post" else (200,)) if who in allowed else (404,)
            outcomes[who, name] = "ok" if response.status_code in expected else response.status_code
    failures = {key: status for key, status in outcomes.items() if status != "ok"}
    assert failures == {}


@pytest.mark.parametrize("who", EVERYONE)
def test_search_shows_a_resident_only_to_those_who_may_see_them(client, world, who):
    client.force_login(world["users"][who])
    response = client.get(reverse("residents:search"), {"q": "matrix resident"})
    if who == "manager":
        assert response.status_code == 404
        return
    names = [r.full_name for r in response.context["results"]]
    assert names == (["Matrix Resident"] if who in READERS else [])
    api = client.get("/api/v1/residents/", {"q": "matrix resident"})
    api_names = [r["name"] for r in api.json()["results"]] if api.status_code == 200 else []
    assert api_names == (["Matrix Resident"] if who in READERS else [])


def test_the_admin_list_goes_through_the_gate(rf, world):
    from django.contrib import admin

    from localities.models import Resident

    model_admin = admin.site._registry[Resident]
    request = rf.get("/admin/localities/resident/")
    request.user = world["users"]["practitioner_elsewhere"]
    assert list(model_admin.get_queryset(request)) == []
    request.user = world["users"]["administrator"]
    assert world["resident"] in model_admin.get_queryset(request)
