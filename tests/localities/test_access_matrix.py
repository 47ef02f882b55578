"""Who may do what in the ILT, as a matrix: every kind of user by every ILT page and API
endpoint, reads and writes, in Grays and from another locality.

Writes send an empty or invalid form where they can, so that whoever may write gets past the
gate to a 400 (nothing saved) and everyone else is stopped at it. A coordinator of ASOP is an
outsider to Grays' requests to join, meetings and learning cycles.
"""

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from localities.models import JoinRequest, Locality, Meeting
from tests.conftest import make_persona
from tests.factories import (
    ActionItemFactory,
    CommunityAssetFactory,
    JoinRequestFactory,
    LearningCycleFactory,
    MeetingFactory,
)
from thurrock_care.accounts.models import Role

pytestmark = pytest.mark.django_db

EVERYONE = [
    "anonymous", "practitioner", "practitioner_elsewhere", "wellbeing_worker", "partner",
    "coordinator", "coordinator_elsewhere", "manager", "administrator",
]  # fmt: skip
SIGNED_IN = set(EVERYONE) - {"anonymous"}
GRAYS_COORDINATORS = {"coordinator", "administrator"}
GRAYS_LEARNING = {"practitioner", "coordinator", "administrator"}
ANY_LEARNING = GRAYS_LEARNING | {"practitioner_elsewhere", "coordinator_elsewhere"}
ASSET_EDITORS = SIGNED_IN - {"manager"}
PUBLIC = set(EVERYONE)


@pytest.fixture
def world(grays):
    asop = Locality.objects.get(slug="asop")
    users = {
        "practitioner": make_persona(Role.PRACTITIONER, grays),
        "practitioner_elsewhere": make_persona(Role.PRACTITIONER, asop),
        "wellbeing_worker": make_persona(Role.WELLBEING_WORKER, grays),
        "partner": make_persona(Role.PARTNER, grays),
        "coordinator": make_persona(Role.COORDINATOR, grays),
        "coordinator_elsewhere": make_persona(Role.COORDINATOR, asop),
        "manager": make_persona(Role.MANAGER, None),
        "administrator": make_persona(Role.ADMINISTRATOR, None),
    }
    meeting = MeetingFactory()
    return {
        "users": users,
        "join_request": JoinRequestFactory(),
        "meeting": meeting,
        "item": ActionItemFactory(meeting=meeting),
        "cycle": LearningCycleFactory(),
        "asset": CommunityAssetFactory(),
    }


def pages(world) -> list[tuple[str, str, str, dict, set[str], int]]:
    """(name, method, url, data, who may, their status): everyone else gets 404 (signed in) or
    is sent to sign in (anonymous)."""
    slug, join, meeting = "grays", world["join_request"].pk, world["meeting"].pk
    item, cycle, asset = world["item"].pk, world["cycle"].pk, world["asset"].pk
    url = lambda name, *args: reverse(name, args=args)  # noqa: E731
    return [
        ("localities", "get", url("localities:list"), {}, SIGNED_IN, 200),
        ("locality", "get", url("localities:detail", slug), {}, SIGNED_IN, 200),
        ("join_form", "get", url("localities:join", slug), {}, PUBLIC, 200),
        ("join_send", "post", url("localities:join", slug), {}, PUBLIC, 400),
        ("join_thanks", "get", url("localities:join_thanks", slug), {}, PUBLIC, 200),
        ("join_requests", "get", url("localities:join_requests", slug), {},
         GRAYS_COORDINATORS, 200),
        ("join_request", "get", url("localities:join_request", slug, join), {},
         GRAYS_COORDINATORS, 200),
        ("join_approve", "post", url("localities:join_request_approve", slug, join), {},
         GRAYS_COORDINATORS, 400),
        ("join_decline", "post", url("localities:join_request_decline", slug, join), {},
         GRAYS_COORDINATORS, 400),
        ("meetings", "get", url("localities:meetings", slug), {}, SIGNED_IN, 200),
        ("meeting", "get", url("localities:meeting", slug, meeting), {}, SIGNED_IN, 200),
        ("meeting_new", "get", url("localities:meeting_create", slug), {}, GRAYS_COORDINATORS, 200),
        ("meeting_add", "post", url("localities:meeting_create", slug), {},
         GRAYS_COORDINATORS, 400),
        ("meeting_edit", "get", url("localities:meeting_edit", slug, meeting), {},
         GRAYS_COORDINATORS, 200),
        ("meeting_save", "post", url("localities:meeting_edit", slug, meeting), {},
         GRAYS_COORDINATORS, 400),
        ("action_add", "post", url("localities:action_item_create", slug, meeting), {},
         GRAYS_COORDINATORS, 302),  # back to the meeting, saying what was wrong
        ("action_done", "post", url("localities:action_item_done", slug, meeting, item), {},
         GRAYS_COORDINATORS, 302),
        ("learning", "get", url("learning:list"), {}, SIGNED_IN, 200),
        ("learning_cycle", "get", url("learning:detail", cycle), {}, SIGNED_IN, 200),
        ("learning_new", "get", url("learning:create"), {}, ANY_LEARNING, 200),
        ("learning_add", "post", url("learning:create"), {}, ANY_LEARNING, 400),
        ("learning_edit", "get", url("learning:edit", cycle), {}, GRAYS_LEARNING, 200),
        ("learning_save", "post", url("learning:edit", cycle), {}, GRAYS_LEARNING, 400),
        ("assets", "get", url("assets:list"), {}, SIGNED_IN, 200),
        ("asset_new", "get", url("assets:create"), {}, ASSET_EDITORS, 200),
        ("asset_add", "post", url("assets:create"), {}, ASSET_EDITORS, 400),
        ("asset_edit", "get", url("assets:edit", asset), {}, ASSET_EDITORS, 200),
        ("asset_save", "post", url("assets:edit", asset), {}, ASSET_EDITORS, 400),
    ]  # fmt: skip


def test_every_user_and_every_ilt_page(client, world):
    outcomes = {}
    for who in EVERYONE:
        client.logout()
        if who != "anonymous":
            client.force_login(world["users"][who])
        for name, method, url, data, allowed, status in pages(world):
            response = getattr(client, method)(url, data)
            # Not allowed: anonymous callers are sent to sign in; others find nothing there.
            expected = status if who in allowed else 302 if who == "anonymous" else 404
            if response.status_code != expected:
                outcomes[who, name] = response.status_code
            if who == "anonymous" and who not in allowed:
                assert response.url.startswith(reverse("account_login")), name
    assert outcomes == {}


def api_calls(world) -> list[tuple[str, str, str, dict, dict[str, int], int]]:
    """(name, method, url, body, statuses of those allowed, status of everyone else signed in).
    Anonymous callers get 401 everywhere."""
    meeting, asset = world["meeting"].pk, world["asset"].pk
    new_meeting = {"locality": "grays", "starts_at": timezone.now().isoformat()}
    readers = dict.fromkeys(SIGNED_IN, 200)
    return [
        ("localities", "get", "/api/v1/localities/", {}, readers, 200),
        ("locality", "get", "/api/v1/localities/grays/", {}, readers, 200),
        ("memberships", "get", "/api/v1/memberships/", {}, readers, 200),
        ("meetings", "get", "/api/v1/meetings/", {}, readers, 200),
        ("meeting", "get", f"/api/v1/meetings/{meeting}/", {}, readers, 200),
        ("meeting_add", "post", "/api/v1/meetings/", new_meeting,
         dict.fromkeys(GRAYS_COORDINATORS, 201), 403),
        ("assets", "get", "/api/v1/community-assets/", {}, readers, 200),
        ("asset", "get", f"/api/v1/community-assets/{asset}/", {}, readers, 200),
        ("asset_add", "post", "/api/v1/community-assets/", {},
         dict.fromkeys(ASSET_EDITORS, 400), 403),
        ("asset_patch", "patch", f"/api/v1/community-assets/{asset}/", {},
         dict.fromkeys(ASSET_EDITORS, 400), 404),
    ]  # fmt: skip


def test_every_user_and_every_ilt_endpoint(world):
    outcomes = {}
    for who in EVERYONE:
        api = APIClient()
        if who != "anonymous":
            api.force_authenticate(world["users"][who])
        for name, method, url, body, allowed, others in api_calls(world):
            response = getattr(api, method)(url, body, format="json")
            expected = 401 if who == "anonymous" else allowed.get(who, others)
            if response.status_code != expected:
                outcomes[who, name] = response.status_code
    assert outcomes == {}
    # The two allowed to add a Grays meeting each added one; nobody else added any.
    assert Meeting.objects.filter(locality__slug="grays").count() == 1 + 2


def test_a_coordinator_elsewhere_changes_nothing_in_grays(client, world):
    """Across localities: a Tilbury (here ASOP) coordinator cannot decide Grays' requests, nor
    change its meetings, actions or learning cycles, by page or by API."""
    client.force_login(world["users"]["coordinator_elsewhere"])
    join, meeting, item = world["join_request"], world["meeting"], world["item"]
    client.post(reverse("localities:join_request_approve", args=["grays", join.pk]),
                {"organisation": "new"})  # fmt: skip
    client.post(reverse("localities:join_request_decline", args=["grays", join.pk]),
                {"reason": "No"})  # fmt: skip
    client.post(reverse("localities:action_item_done", args=["grays", meeting.pk, item.pk]))
    client.post(reverse("localities:action_item_create", args=["grays", meeting.pk]),
                {"text": "Sneaky action"})  # fmt: skip
    client.post(
        reverse("localities:meeting_edit", args=["grays", meeting.pk]),
        {"starts_at": "2027-01-14T10:00", "notes": "Rewritten", "version": 1},
    )
    join.refresh_from_db()
    item.refresh_from_db()
    meeting.refresh_from_db()
    assert join.status == JoinRequest.Status.PENDING
    assert not item.done
    assert meeting.items.count() == 1
    assert (meeting.notes, meeting.version) == ("", 1)
    api = APIClient()
    api.force_authenticate(world["users"]["coordinator_elsewhere"])
    response = api.post(
        "/api/v1/meetings/",
        {"locality": "grays", "starts_at": timezone.now().isoformat()},
        format="json",
    )
    assert response.status_code == 403
    assert Meeting.objects.count() == 1
