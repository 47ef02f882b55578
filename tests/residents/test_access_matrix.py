"""Need to know, as a matrix: every role and situation by every resident-data URL.

Each row is a kind of user; each column a URL that shows or changes a resident's record.
An outsider gets 404 (never 403), so a record's existence does not leak.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from localities.models import (
    BreakGlassGrant,
    Connection,
    Locality,
    Merge,
    Organisation,
    PossibleDuplicate,
    Resident,
)
from localities.services.residents import merge_residents
from tests.conftest import make_persona
from tests.factories import ConsentFactory, OrganisationFactory, ResidentFactory, valid_nhs_number
from thurrock_care.accounts.models import Role
from thurrock_care.audit.models import Action, Event

pytestmark = pytest.mark.django_db

# Who may do what, for a resident of Grays whose consent names one partner organisation.
READERS = {
    "practitioner", "coordinator", "administrator", "partner_named_in_consent",
    "break_glass_holder",
}  # fmt: skip
# Seeing is not changing: of the readers, only the core practitioner and the coordinator of
# Grays (and administrators) change her details, story, people and places, consent and status;
# the others get 403 (they may see the record, so its existence is no secret to them).
CHANGERS = {"practitioner", "coordinator", "administrator"}
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


def resident_urls(resident, connection) -> list[tuple[str, str, str, set[str], int]]:
    """(name, method, url, who may, their status) for every page and endpoint of resident data.
    Writes send an empty form: whoever may write gets past the gate to a 400 (nothing to save).
    Pages that change the record are 403 for readers who may not change it, 404 for others."""
    pk = resident.pk
    page = lambda name, *args: reverse(f"residents:{name}", args=[pk, *args])  # noqa: E731
    api = f"/api/v1/residents/{pk}/"
    return [
        ("detail", "get", page("detail"), READERS, 200),
        ("edit", "get", page("edit"), CHANGERS, 200),
        ("edit_save", "post", page("edit"), CHANGERS, 400),
        ("story", "get", page("story", "about_me"), CHANGERS, 200),
        ("story_save", "post", page("story", "about_me"), CHANGERS, 400),
        ("connection_add", "get", page("connection_add"), CHANGERS, 200),
        ("connection_save", "post", page("connection_add"), CHANGERS, 400),
        ("connection_remove", "post", page("connection_remove", connection.pk), CHANGERS, 302),
        ("consent", "get", page("consent"), CHANGERS, 200),
        ("consent_save", "post", page("consent"), CHANGERS, 400),
        ("status", "get", page("status"), CHANGERS, 200),
        ("status_save", "post", page("status"), CHANGERS, 400),
        ("merge", "get", page("merge"), REVIEWERS, 200),
        ("merge_save", "post", page("merge"), REVIEWERS, 400),
        ("audit", "get", page("audit"), REVIEWERS, 200),
        ("access_report", "get", page("access_report"), REVIEWERS, 200),
        ("api_detail", "get", api, READERS, 200),
        ("api_update", "patch", api, CHANGERS, 400),
        ("api_consents", "get", f"{api}consents/", READERS, 200),
        ("api_consent_save", "post", f"{api}consents/", CHANGERS, 400),
    ]


def expected_status(who: str, allowed: set[str], status: int) -> int:
    if who in allowed:
        return status
    if allowed is CHANGERS and who in READERS:
        return 403  # they see the record; they may not change it
    return 404


def test_every_role_and_every_resident_url(client, world):
    resident, connection = world["resident"], world["connection"]
    outcomes = {}
    for who in EVERYONE:
        client.force_login(world["users"][who])
        for name, method, url, allowed, status in resident_urls(resident, connection):
            kwargs = {"content_type": "application/json"} if url.startswith("/api/") else {}
            response = getattr(client, method)(url, **kwargs)
            expected = expected_status(who, allowed, status)
            if response.status_code != expected:
                outcomes[who, name] = response.status_code
    assert outcomes == {}


def test_the_resident_page_offers_changes_only_to_those_who_may_make_them(client, world):
    url = reverse("residents:detail", args=[world["resident"].pk])
    for who in READERS:
        client.force_login(world["users"][who])
        text = client.get(url).text
        offers = [reverse(f"residents:{name}", args=[world["resident"].pk]) in text
                  for name in ("edit", "consent", "status", "connection_add")]  # fmt: skip
        assert offers == [who in CHANGERS] * 4, who


def test_a_write_by_a_reader_who_may_not_change_the_record_changes_nothing(client, world):
    resident = world["resident"]
    client.force_login(world["users"]["partner_named_in_consent"])
    story = client.post(
        reverse("residents:story", args=[resident.pk, "about_me"]), {"text": "Rewritten"}
    )
    status = client.post(reverse("residents:status", args=[resident.pk]), {"status": "died"})
    assert (story.status_code, status.status_code) == (403, 403)
    assert "its details, story, people and places, consent and status" in story.text
    resident.refresh_from_db()
    assert (resident.status, resident.story.count()) == ("active", 0)


@pytest.mark.parametrize("who", EVERYONE)
def test_pages_without_a_resident_are_not_for_managers(client, world, who):
    client.force_login(world["users"][who])
    for url in [reverse("residents:search"), reverse("residents:create"),
                reverse("residents:break_glass")]:  # fmt: skip
        assert client.get(url).status_code == (404 if who == "manager" else 200)
    assert client.post(reverse("residents:create"), {}).status_code == (
        404 if who == "manager" else 400
    )


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


# --- Writes that do not hang off one resident's address -----------------------------------------
# Break-glass, its review, possible duplicates, reversing a merge and the API's create: for
# every kind of user, what they get and what changes. Whoever may not do it gets 404 (or the
# documented refusal) and nothing changes: no record, grant, review, flag or audit entry.

# Break-glass is for those who may not see the record: whoever sees it already gets the same
# answer as for nobody (so a record of their own tells them nothing); managers see no names.
# A break-glass holder asking again finds the record they hold (the same request twice).
ALREADY_SEE = READERS - {"break_glass_holder"}
BREAK_GLASS_OPENS = set(EVERYONE) - ALREADY_SEE - {"manager"}
# Adding a resident of Grays: whoever works in Grays, administrators anywhere.
ADD_IN_GRAYS = {
    "practitioner", "practitioner_not_core", "wellbeing_worker", "coordinator",
    "partner_named_in_consent", "partner_not_named", "partner_consent_expired", "administrator",
}  # fmt: skip
CANNOT_OPEN = "We cannot open a record from these details."
ELSEWHERE = {"neighbourhood": ["Choose a neighbourhood in a locality where you work"]}


def state() -> dict:
    """Everything these writes could change."""
    return {
        "residents": sorted(Resident.objects.values_list("pk", "status", "version")),
        "grants": sorted(BreakGlassGrant.objects.values_list("pk", "reviewed_at")),
        "merges": sorted(Merge.objects.values_list("pk", "reversed_at")),
        "flags": sorted(PossibleDuplicate.objects.values_list("pk", "resolved_at")),
        "audit": sorted(Event.objects.values_list("pk", flat=True)),
    }


@pytest.mark.parametrize("who", EVERYONE)
def test_every_role_asking_for_break_glass(client, world, who):
    resident, user = world["resident"], world["users"][who]
    Resident.objects.filter(pk=resident.pk).update(nhs_number=valid_nhs_number(5))
    client.force_login(user)
    detail = client.get(reverse("residents:detail", args=[resident.pk]))
    assert detail.status_code == (200 if who in READERS else 404)
    before = state()
    data = {"nhs_number": valid_nhs_number(5), "reason": "She is at the door, confused"}
    response = client.post(reverse("residents:break_glass"), data)
    if who in BREAK_GLASS_OPENS:
        assert response.status_code == 302
        assert response.url == reverse("residents:detail", args=[resident.pk])
        grant = BreakGlassGrant.objects.filter(user=user).latest("granted_at")
        assert (grant.resident, grant.reason) == (resident, "She is at the door, confused")
        event = Event.objects.get(action=Action.BREAK_GLASS, actor=user)
        assert (event.resident_id, event.reason) == (resident.pk, grant.reason)
        assert client.get(response.url).status_code == 200
        return
    if who == "manager":
        assert response.status_code == 404
    else:
        assert response.status_code == 400
        assert CANNOT_OPEN in response.text
        assert "She is at the door, confused</textarea>" in response.text  # kept
    assert state() == before


@pytest.mark.parametrize("who", EVERYONE)
def test_every_role_marking_a_break_glass_access_reviewed(client, world, who):
    resident, user = world["resident"], world["users"][who]
    grant = BreakGlassGrant.objects.get(user=world["users"]["break_glass_holder"])
    before = state()
    client.force_login(user)
    url = reverse("residents:break_glass_reviewed", args=[grant.pk])
    response = client.post(url, {"note": "Spoke to them: fine"})
    if who in REVIEWERS:
        assert response.status_code == 302
        assert response.url == reverse("residents:break_glass_review")
        grant.refresh_from_db()
        assert (grant.reviewed_by, grant.review_note) == (user, "Spoke to them: fine")
        event = Event.objects.get(action=Action.BREAK_GLASS_REVIEWED)
        assert (event.actor, event.resident_id, event.object_id) == (user, resident.pk, grant.pk)
        return
    assert response.status_code == 404
    assert state() == before


@pytest.mark.parametrize("who", EVERYONE)
def test_every_role_reversing_a_merge(client, world, who):
    user = world["users"][who]
    survivor = ResidentFactory(full_name="Merge Survivor")
    duplicate = ResidentFactory(full_name="Merge Duplicate")
    merge = merge_residents(
        survivor=survivor, duplicate=duplicate, by=world["users"]["administrator"]
    )
    before = state()
    client.force_login(user)
    response = client.post(reverse("residents:merge_reverse", args=[merge.pk]))
    if who == "administrator":
        assert response.status_code == 302
        assert response.url == reverse("residents:detail", args=[survivor.pk])
        merge.refresh_from_db()
        duplicate.refresh_from_db()
        assert (merge.reversed_by, duplicate.status) == (user, Resident.Status.ACTIVE)
        unmerged = Event.objects.filter(action=Action.UNMERGED, actor=user)
        assert sorted(unmerged.values_list("resident_id", flat=True)) == sorted(
            [survivor.pk, duplicate.pk]
        )
        return
    assert response.status_code == 404
    assert state() == before
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into) == (Resident.Status.MERGED, survivor)


@pytest.mark.parametrize("who", EVERYONE)
def test_every_role_marking_a_possible_duplicate_as_different_people(client, world, who):
    resident, user = world["resident"], world["users"][who]
    flag = PossibleDuplicate.objects.create(
        resident=ResidentFactory(full_name="Matrix Lookalike"), candidate=resident
    )
    before = state()
    client.force_login(user)
    response = client.post(reverse("residents:possible_duplicate_different", args=[flag.pk]))
    if who in REVIEWERS:
        assert response.status_code == 302
        assert response.url == reverse("residents:possible_duplicates")
        flag.refresh_from_db()
        assert (flag.outcome, flag.resolved_by) == (PossibleDuplicate.Outcome.DIFFERENT, user)
        event = Event.objects.get(action=Action.DUPLICATE_REVIEWED)
        assert (event.actor, event.object_id) == (user, flag.pk)
        return
    assert response.status_code == 404
    assert state() == before


@pytest.mark.parametrize("who", EVERYONE)
def test_every_role_adding_a_resident_through_the_api(client, world, who):
    user = world["users"][who]
    before = state()
    client.force_login(user)
    body = {"full_name": "Matrix Newcomer", "neighbourhood": "Grays"}
    response = client.post("/api/v1/residents/", body, content_type="application/json")
    if who in ADD_IN_GRAYS:
        assert response.status_code == 201, response.json()
        made = Resident.objects.get(full_name="Matrix Newcomer")
        assert (response.json()["id"], made.created_by, made.neighbourhood.name) == (
            made.pk, user, "Grays"
        )  # fmt: skip
        assert Event.objects.get(action=Action.CREATED).actor == user
        assert client.get(f"/api/v1/residents/{made.pk}/").status_code == 200  # theirs to see
        return
    if who == "manager":
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found."}
    else:  # they work in another locality
        assert response.status_code == 400
        assert response.json() == ELSEWHERE
    assert state() == before
