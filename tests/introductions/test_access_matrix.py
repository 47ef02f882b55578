"""Need to know for Local Area Coordination, as a matrix: every kind of user by every new page
and API endpoint. An uninvolved partner, another locality's practitioner and a manager get
404 on every one of them (never 403), so nothing's existence leaks.

Writes send an empty body: whoever may write gets past the gate to a 400 (nothing saved).
"""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from introductions.models import Conversation, Introduction
from introductions.services import conversations, introductions
from localities.models import Locality
from tests.conftest import make_persona
from tests.factories import ConsentFactory, OrganisationFactory, ResidentFactory
from tests.introductions.factories import DropInFactory
from thurrock_care.accounts.models import Role

pytestmark = pytest.mark.django_db

EVERYONE = [
    "practitioner", "coordinator", "administrator", "partner_named_in_consent",
    "partner_uninvolved", "practitioner_elsewhere", "coordinator_elsewhere", "manager",
]  # fmt: skip
READERS = {"practitioner", "coordinator", "administrator", "partner_named_in_consent"}
CHANGERS = {"practitioner", "coordinator", "administrator"}  # make and change introductions
RUNNERS = {"practitioner", "coordinator", "administrator"}  # drop-in session pages
REVIEWERS = {"coordinator", "administrator"}  # bulk reassignment of Grays' introductions
# Pages without a resident that those elsewhere use for their own localities (planning a
# drop-in there; reassigning their own ILT's introductions): nothing of Grays on them.
PLANNERS = RUNNERS | {"practitioner_elsewhere", "coordinator_elsewhere"}
REASSIGNERS = REVIEWERS | {"coordinator_elsewhere"}
SIGNED_IN = set(EVERYONE)
NAMED = SIGNED_IN - {"manager"}  # pages without a resident that lead to named residents


@pytest.fixture
def world(grays):
    asop = Locality.objects.get(slug="asop")
    named = OrganisationFactory()
    users = {
        "practitioner": make_persona(Role.PRACTITIONER, grays),
        "coordinator": make_persona(Role.COORDINATOR, grays),
        "administrator": make_persona(Role.ADMINISTRATOR, None),
        "partner_named_in_consent": make_persona(Role.PARTNER, grays, organisation=named),
        "partner_uninvolved": make_persona(Role.PARTNER, grays),
        "practitioner_elsewhere": make_persona(Role.PRACTITIONER, asop),
        "coordinator_elsewhere": make_persona(Role.COORDINATOR, asop),
        "manager": make_persona(Role.MANAGER, grays),
    }
    resident = ResidentFactory(full_name="Matrix Resident")
    ConsentFactory(resident=resident, organisations=[named])
    lac = users["practitioner"]
    introduction = introductions.create_introduction(
        resident=resident, by=lac, holder=lac, source="self"
    )
    session = DropInFactory()
    conversation = conversations.log_conversation(
        resident=resident, by=lac, how_we_met="drop_in", what_matters="x", drop_in=session
    )
    return {"users": users, "resident": resident, "introduction": introduction,
            "session": session, "conversation": conversation}  # fmt: skip


def pages(world) -> list[tuple[str, str, str, set[str], int]]:
    """(name, method, url, who may, their status); everyone else signed in gets 404."""
    r, i = world["resident"].pk, world["introduction"].pk
    s, c = world["session"].pk, world["conversation"].pk
    url = lambda name, *args: reverse(f"introductions:{name}", args=args)  # noqa: E731
    return [
        ("conversation_form", "get", url("conversation_create", r), READERS, 200),
        ("conversation_save", "post", url("conversation_create", r), READERS, 400),
        ("conversation", "get", url("conversation", c), READERS, 200),
        ("quick", "get", url("conversation_quick"), NAMED, 200),
        ("quick_save", "post", url("conversation_quick"), NAMED, 400),
        ("my_work", "get", url("my_work"), NAMED, 200),
        ("introduction", "get", url("introduction", i), READERS, 200),
        ("introduction_edit", "get", url("introduction_edit", i), CHANGERS, 200),
        ("introduction_save", "post", url("introduction_edit", i), CHANGERS, 400),
        ("introduction_new", "get", url("introduction_create", r), CHANGERS, 302),  # to it
        ("introduction_add", "post", url("introduction_create", r), CHANGERS, 400),
        ("introduction_for", "get", url("introduction_for_resident", r), READERS, 302),
        ("wellbeing", "get", url("wellbeing", r), READERS, 200),
        ("wellbeing_save", "post", url("wellbeing", r), READERS, 400),
        ("reassign", "get", url("reassign"), REASSIGNERS, 200),
        ("drop_ins", "get", url("drop_ins"), SIGNED_IN, 200),
        ("drop_in_new", "get", url("drop_in_create"), PLANNERS, 200),
        ("drop_in_add", "post", url("drop_in_create"), PLANNERS, 400),
        ("drop_in", "get", url("drop_in", s), RUNNERS, 200),
        ("drop_in_edit", "get", url("drop_in_edit", s), RUNNERS, 200),
        ("drop_in_change", "post", url("drop_in_edit", s), RUNNERS, 400),
        ("drop_in_cancel_page", "get", url("drop_in_cancel", s), RUNNERS, 200),
        ("drop_in_cancel", "post", url("drop_in_cancel", s), RUNNERS, 400),
        ("drop_in_headcount", "post", url("drop_in_headcount", s), RUNNERS, 400),
        ("drop_in_start", "post", url("drop_in_start", s), RUNNERS, 302),
        ("drop_in_introduce", "post", url("drop_in_introduce", s, r), CHANGERS, 302),
        ("drop_in_end", "post", url("drop_in_end", s), RUNNERS, 302),
    ]  # fmt: skip


def test_every_user_and_every_lac_page(client, world):
    """Every page, and a coordinator elsewhere choosing whose introductions to reassign is
    offered nobody of Grays."""
    outcomes = {}
    for who in EVERYONE:
        client.force_login(world["users"][who])
        for name, method, url, allowed, status in pages(world):
            response = getattr(client, method)(url)
            expected = status if who in allowed else 404
            if response.status_code != expected:
                outcomes[who, name] = response.status_code
    assert outcomes == {}
    # Nothing was written by anyone stopped at the gate (or by the empty forms).
    assert Conversation.objects.count() == 1
    assert Introduction.objects.count() == 1


def test_signed_out_everything_leads_to_sign_in_but_the_public_feed_and_poster(client, world):
    for name, method, url, _, _ in pages(world):
        response = getattr(client, method)(url)
        assert response.status_code == 302, name
        assert response.url.startswith(reverse("account_login")), name
    for name in ("drop_in_calendar", "drop_in_poster"):
        assert client.get(reverse(f"introductions:{name}", args=["grays"])).status_code == 200


def endpoints(world) -> list[tuple[str, str, str, dict, set[str], set[int]]]:
    """(name, method, url, body, who may, their statuses): bodies that name the resident,
    so whoever may gets past the gate (to 201, or 400 for what the record refuses: one open
    introduction, wellbeing once a quarter) and everyone else gets 404."""
    r, i = world["resident"].pk, world["introduction"].pk
    s, c = world["session"].pk, world["conversation"].pk
    lac = world["users"]["practitioner"].pk
    talk = {"resident": r, "how_we_met": "phone", "what_matters": "x"}
    return [
        ("conversation", "get", f"/api/v1/conversations/{c}/", {}, READERS, {200}),
        ("conversation_add", "post", "/api/v1/conversations/", talk, READERS, {201}),
        ("introduction", "get", f"/api/v1/introductions/{i}/", {}, READERS, {200}),
        ("introduction_patch", "patch", f"/api/v1/introductions/{i}/", {}, CHANGERS, {400}),
        ("introduction_add", "post", "/api/v1/introductions/",
         {"resident": r, "source": "self", "holder": lac}, CHANGERS, {400}),
        ("reassign", "post", "/api/v1/introductions/reassign/",
         {"introductions": [i], "to": lac}, REVIEWERS, {200}),
        ("drop_in", "get", f"/api/v1/drop-ins/{s}/", {}, RUNNERS, {200}),
        ("drop_in_add", "post", "/api/v1/drop-ins/", {}, PLANNERS, {400}),
        ("drop_in_patch", "patch", f"/api/v1/drop-ins/{s}/", {}, RUNNERS, {400}),
        ("drop_in_cancel", "post", f"/api/v1/drop-ins/{s}/cancel/", {}, RUNNERS, {400}),
        ("drop_in_start", "post", f"/api/v1/drop-ins/{s}/start/", {}, RUNNERS, {200}),
        ("drop_in_headcount", "post", f"/api/v1/drop-ins/{s}/headcount/", {}, RUNNERS, {400}),
        ("drop_in_conversation", "post", f"/api/v1/drop-ins/{s}/conversations/", talk,
         RUNNERS, {201}),
        ("wellbeing_add", "post", "/api/v1/wellbeing-answers/",
         {"resident": r, "worthwhile": 5}, READERS, {201, 400}),
    ]  # fmt: skip


def lists(world) -> list[str]:
    r = world["resident"].pk
    return [f"/api/v1/{name}/?resident={r}" for name in
            ("conversations", "introductions", "connections", "wellbeing-answers")]  # fmt: skip


def test_every_user_and_every_lac_endpoint(world):
    outcomes = {}
    for who in EVERYONE:
        api = APIClient()
        api.force_authenticate(world["users"][who])
        for name, method, url, body, allowed, statuses in endpoints(world):
            response = getattr(api, method)(url, body, format="json")
            expected = statuses if who in allowed else {404}
            if response.status_code not in expected:
                outcomes[who, name] = response.status_code
        # Lists answer 200 for everyone: empty for whoever may not see the resident.
        for url in lists(world):
            results = api.get(url).json()["results"]
            seen = bool(results) if "introductions" in url or "conversations" in url else None
            if seen is not None and seen != (who in READERS):
                outcomes[who, url] = len(results)
        drop_ins = api.get("/api/v1/drop-ins/").json()["results"]
        if bool(drop_ins) != (who in RUNNERS):
            outcomes[who, "drop_ins"] = len(drop_ins)
    assert outcomes == {}


def test_a_coordinator_elsewhere_reassigns_nothing_of_grays(client, world):
    client.force_login(world["users"]["coordinator_elsewhere"])
    lac = world["users"]["practitioner"]
    url = reverse("introductions:reassign")
    page = client.get(url, {"holder": lac.pk})
    assert lac.full_name not in page.text  # not a LAC of their localities: not offered
    sent = client.post(f"{url}?holder={lac.pk}",
                       {"introductions": [world["introduction"].pk], "to": lac.pk})  # fmt: skip
    assert sent.status_code == 400
    assert Introduction.objects.get().holder == lac
