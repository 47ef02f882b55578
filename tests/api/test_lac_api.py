"""Local Area Coordination's API: the same gate and services as the pages. A conversation
sent twice with one key is one conversation; outsiders find nothing; introductions change
version-checked and move in bulk; drop-ins take quick conversations and headcounts."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from introductions.models import Conversation, DropInSession, Introduction, WellbeingAnswer
from introductions.services import conversations, introductions
from localities.models import Locality, Resident
from tests.conftest import make_persona
from tests.factories import ConsentFactory, OrganisationFactory, ResidentFactory
from tests.introductions.factories import DropInFactory, FollowUpFactory
from thurrock_care.accounts.models import Role
from thurrock_care.audit.models import Event

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_conversation_sent_twice_with_one_key_is_one_conversation(practitioner):
    resident = ResidentFactory()
    body = {
        "resident": resident.pk,
        "how_we_met": "phone",
        "what_matters": "Her garden",
        "submission_key": str(uuid.uuid4()),
    }
    first = api(practitioner).post("/api/v1/conversations/", body, format="json")
    second = api(practitioner).post("/api/v1/conversations/", body, format="json")
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["id"] == second.json()["id"]
    assert Conversation.objects.count() == 1
    reused = api(practitioner).post(
        "/api/v1/conversations/", {**body, "what_matters": "Other"}, format="json"
    )
    assert reused.status_code == 422


def test_conversations_with_connections_and_what_the_api_lists(practitioner):
    resident = ResidentFactory()
    client = api(practitioner)
    made = client.post(
        "/api/v1/conversations/",
        {
            "resident": resident.pk,
            "how_we_met": "drop_in",
            "what_matters": "Company",
            "connections": [{"person": "Jean next door"}],
            "stay_in_touch_by": timezone.localdate().isoformat(),
        },
        format="json",
    )
    assert made.status_code == 201, made.json()
    [connection] = made.json()["connections_made"]
    assert (connection["name"], connection["outcome"]) == ("Jean next door", "made")
    due = client.get("/api/v1/follow-ups/").json()["results"]
    assert [(f["resident"], f["overdue"]) for f in due] == [(resident.pk, False)]
    checked = client.post(
        "/api/v1/conversations/",
        {
            "resident": resident.pk,
            "how_we_met": "phone",
            "what_matters": "Doing well",
            "checked": [{"connection": connection["id"], "outcome": "kept"}],
        },
        format="json",
    )
    assert checked.status_code == 201
    listed = client.get("/api/v1/connections/", {"resident": resident.pk}).json()["results"]
    assert [c["outcome"] for c in listed] == ["kept"]
    assert client.get("/api/v1/follow-ups/").json()["results"] == []  # done by the second
    assert Event.objects.filter(resident_id=resident.pk, details__page="api:lac").exists()


def test_outsiders_find_nothing(grays, practitioner):
    resident = ResidentFactory()
    conversation = conversations.log_conversation(
        resident=resident, by=practitioner, how_we_met="phone", what_matters="x"
    )
    introduction = introductions.create_introduction(
        resident=resident, by=practitioner, holder=practitioner, source="self"
    )
    session = DropInFactory()
    outsiders = [
        make_persona(Role.PARTNER, grays),
        make_persona(Role.PRACTITIONER, Locality.objects.get(slug="asop")),
        make_persona(Role.MANAGER, grays),
    ]
    for user in outsiders:
        client = api(user)
        for url in [
            f"/api/v1/conversations/{conversation.pk}/",
            f"/api/v1/introductions/{introduction.pk}/",
            f"/api/v1/drop-ins/{session.pk}/",
        ]:
            assert client.get(url).status_code == 404, (user.role, url)
        lists = [
            "conversations",
            "introductions",
            "connections",
            "wellbeing-answers",
            "drop-ins",
            "follow-ups",
        ]
        for url in [f"/api/v1/{name}/" for name in lists]:
            assert client.get(url).json()["results"] == [], (user.role, url)
        posted = client.post(
            "/api/v1/conversations/",
            {"resident": resident.pk, "how_we_met": "phone", "what_matters": "x"},
            format="json",
        )
        assert posted.status_code == 404
        assert (
            client.post(
                f"/api/v1/drop-ins/{session.pk}/headcount/", {"people": 1}, format="json"
            ).status_code
            == 404
        )
        assert (
            client.patch(
                f"/api/v1/introductions/{introduction.pk}/", {"version": 1}, format="json"
            ).status_code
            == 404
        )
    assert Conversation.objects.count() == 1


def test_sensitive_conversations_are_left_out_for_partners(grays, practitioner):
    named = OrganisationFactory()
    partner = make_persona(Role.PARTNER, grays, organisation=named)
    resident = ResidentFactory()
    ConsentFactory(resident=resident, organisations=[named])
    for text, sensitive in [("Everyday", False), ("Disclosure", True)]:
        conversations.log_conversation(
            resident=resident,
            by=practitioner,
            how_we_met="phone",
            what_matters=text,
            sensitive=sensitive,
        )
    seen = api(partner).get("/api/v1/conversations/", {"resident": resident.pk}).json()
    assert [c["what_matters"] for c in seen["results"]] == ["Everyday"]


def test_an_introduction_made_changed_with_a_version_and_reassigned(grays, coordinator):
    lac, other = (make_persona(Role.PRACTITIONER, grays) for _ in range(2))
    resident = ResidentFactory()
    client = api(coordinator)
    made = client.post(
        "/api/v1/introductions/",
        {
            "resident": resident.pk,
            "source": "housing",
            "holder": lac.pk,
        },
        format="json",
    )
    assert made.status_code == 201, made.json()
    pk = made.json()["id"]
    changed = client.patch(
        f"/api/v1/introductions/{pk}/", {"version": 1, "status": "walking_alongside"}, format="json"
    )
    assert (changed.status_code, changed.json()["version"]) == (200, 2)
    stale = client.patch(
        f"/api/v1/introductions/{pk}/",
        {"version": 1, "status": "ended", "ended_reason": "x"},
        format="json",
    )
    assert (stale.status_code, stale.json()["current_version"]) == (409, 2)
    no_reason = client.patch(
        f"/api/v1/introductions/{pk}/", {"version": 2, "status": "ended"}, format="json"
    )
    assert no_reason.status_code == 400
    assert "ended_reason" in no_reason.json()
    moved = client.post(
        "/api/v1/introductions/reassign/", {"introductions": [pk], "to": other.pk}, format="json"
    )
    assert moved.json() == {"reassigned": [pk]}
    assert Introduction.objects.get().holder == other
    # A practitioner may not reassign.
    refused = api(lac).post(
        "/api/v1/introductions/reassign/", {"introductions": [pk], "to": lac.pk}, format="json"
    )
    assert refused.status_code == 404


def test_a_drop_in_by_api(practitioner, grays):
    client = api(practitioner)
    start = timezone.now() + timedelta(hours=1)
    made = client.post(
        "/api/v1/drop-ins/",
        {
            "title": "Talking Shop",
            "locality": "grays",
            "venue": "Grays Library",
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=2)).isoformat(),
        },
        format="json",
    )
    assert made.status_code == 201, made.json()
    url = f"/api/v1/drop-ins/{made.json()['id']}/"
    assert client.post(url + "start/").json()["started_at"] is not None
    known = ResidentFactory()
    key = str(uuid.uuid4())
    new = {
        "new_resident": {"full_name": "Maureen Bell", "neighbourhood": "Grays"},
        "how_we_met": "drop_in",
        "what_matters": "Her husband",
        "submission_key": key,
    }
    first = client.post(url + "conversations/", new, format="json")
    again = client.post(url + "conversations/", new, format="json")
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json()["id"] == again.json()["id"]
    existing = client.post(
        url + "conversations/",
        {"resident": known.pk, "how_we_met": "drop_in", "what_matters": "Dog"},
        format="json",
    )
    assert existing.status_code == 201
    counted = client.post(url + "headcount/", {"people": 1}, format="json")
    assert counted.json()["headcount"] == 1
    assert client.post(url + "end/").json()["ended_at"] is not None
    session = DropInSession.objects.get()
    assert Conversation.objects.filter(drop_in=session).count() == 2
    assert Resident.objects.filter(full_name="Maureen Bell").count() == 1
    # Someone who may be known: a 409 listing them, then saved with them.
    twin = {
        **new,
        "submission_key": str(uuid.uuid4()),
        "new_resident": {
            "full_name": known.full_name,
            "neighbourhood": "Grays",
            "date_of_birth": known.date_of_birth.isoformat(),
        },
    }
    conflict = client.post(url + "conversations/", twin, format="json")
    assert conflict.status_code == 409
    assert [d["id"] for d in conflict.json()["duplicates"]] == [known.pk]


def test_wellbeing_answers_by_api(practitioner):
    resident = ResidentFactory()
    client = api(practitioner)
    body = {"resident": resident.pk, "life_satisfaction": 6, "happy_yesterday": None}
    assert client.post("/api/v1/wellbeing-answers/", body, format="json").status_code == 201
    again = client.post("/api/v1/wellbeing-answers/", body, format="json")
    assert again.status_code == 400
    assert "once a quarter" in str(again.json())
    bad = client.post("/api/v1/wellbeing-answers/", {**body, "worthwhile": 11}, format="json")
    assert bad.status_code == 400
    assert WellbeingAnswer.objects.count() == 1
    FollowUpFactory()  # someone else's follow-up is not the caller's
    assert client.get("/api/v1/follow-ups/").json()["results"] == []


def test_a_drop_in_changed_with_a_version_and_cancelled_by_api(practitioner, grays):
    session = DropInFactory(title="Talking Shop")
    client = api(practitioner)
    url = f"/api/v1/drop-ins/{session.pk}/"
    changed = client.patch(url, {"title": "Talking Shop, Grays", "version": 1}, format="json")
    assert changed.status_code == 200, changed.json()
    assert (changed.json()["title"], changed.json()["version"]) == ("Talking Shop, Grays", 2)
    stale = client.patch(url, {"venue": "Thameside", "version": 1}, format="json")
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2
    backwards = client.patch(
        url, {"ends_at": (session.starts_at - timedelta(hours=1)).isoformat(), "version": 2},
        format="json",
    )  # fmt: skip
    assert backwards.status_code == 400
    assert backwards.json()["ends_at"] == ["The end must be after the start"]
    faraway = OrganisationFactory(name="Far Away Trust")
    refused = client.patch(url, {"organisations": [faraway.pk], "version": 2}, format="json")
    assert refused.status_code == 400
    assert refused.json()["organisations"] == ["Choose organisations from the locality's ILT"]
    moved = client.patch(url, {"locality": "asop", "version": 2}, format="json")
    assert moved.json()["locality"] == ["Choose a locality where you work"]
    cancelled = client.post(url + "cancel/", {"version": 2, "reason": "Flooded"}, format="json")
    assert cancelled.status_code == 200, cancelled.json()
    assert (cancelled.json()["cancelled"], cancelled.json()["version"]) == (True, 3)
    again = client.post(url + "cancel/", {"version": 3}, format="json")
    assert again.json()["non_field_errors"] == ["This session has already been cancelled"]
    assert client.post(url + "start/").status_code == 400
    talk = {"resident": ResidentFactory().pk, "how_we_met": "drop_in", "what_matters": "x"}
    assert client.post(url + "conversations/", talk, format="json").status_code == 400
    assert Conversation.objects.count() == 0
    assert (
        Event.objects.filter(details__drop_in="cancelled", details__reason="Flooded").count() == 1
    )


def test_a_drop_in_planned_by_api_with_organisations_outside_the_ilt_is_refused(practitioner):
    start = timezone.now() + timedelta(hours=1)
    body = {"title": "Talking Shop", "locality": "grays", "venue": "Grays Library",
            "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=2)).isoformat(),
            "organisations": [OrganisationFactory(name="Far Away Trust").pk]}  # fmt: skip
    response = api(practitioner).post("/api/v1/drop-ins/", body, format="json")
    assert response.status_code == 400
    assert response.json()["organisations"] == ["Choose organisations from the locality's ILT"]
    assert DropInSession.objects.count() == 0


def test_an_introduction_by_api_with_the_wellbeing_answers_they_chose_to_give(practitioner):
    resident = ResidentFactory()
    body = {"resident": resident.pk, "source": "self", "holder": practitioner.pk,
            "wellbeing": {"worthwhile": 6, "happy_yesterday": None}}  # fmt: skip
    made = api(practitioner).post("/api/v1/introductions/", body, format="json")
    assert made.status_code == 201, made.json()
    answer = WellbeingAnswer.objects.get()
    assert (answer.introduction_id, answer.worthwhile, answer.happy_yesterday) == (
        made.json()["id"], 6, None,
    )  # fmt: skip
    bad = {**body, "resident": ResidentFactory().pk, "wellbeing": {"worthwhile": 11}}
    refused = api(practitioner).post("/api/v1/introductions/", bad, format="json")
    assert refused.status_code == 400
    assert "worthwhile" in refused.json()["wellbeing"]
    assert Introduction.objects.count() == 1
