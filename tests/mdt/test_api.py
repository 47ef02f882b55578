"""The MDT API: the same flow as the pages (request, times, answers, confirm with the told
loser, meeting, actions filtered by owner organisation and status, version-checked updates,
close, board), the same gates (outsiders get 404 on every endpoint), reads audited."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from mdt.models import Mdt, MdtAction
from tests.mdt.factories import future, meeting_started
from tests.mdt.test_access_matrix import EVERYONE, world  # noqa: F401  (the fixture)
from thurrock_care.audit.models import Event

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_whole_flow_through_the_api(s):
    coordinator = api(s.coordinator)
    key = str(uuid.uuid4())
    body = {"resident": s.resident.pk, "urgency": "urgent", "concern": "Damp",
            "residents_voice": "Stay", "organisations": [s.housing.pk, s.fire.pk, s.nhs.pk],
            "required": [s.housing.pk], "consent_given": True, "submission_key": key}  # fmt: skip
    created = coordinator.post("/api/v1/mdts/", body, format="json")
    assert created.status_code == 201, created.json()
    assert (
        coordinator.post("/api/v1/mdts/", body, format="json").json()["id"] == created.json()["id"]
    )
    pk = created.json()["id"]
    times = coordinator.post(f"/api/v1/mdts/{pk}/times/",
                             {"starts": [future(3).isoformat(), future(5).isoformat()]},
                             format="json")  # fmt: skip
    assert times.status_code == 200
    first, second = (slot["id"] for slot in times.json()["slots"])
    answered = api(s.housing_partner).post(
        f"/api/v1/mdts/{pk}/answers/", {"answers": [{"slot": second, "answer": "can"}]},
        format="json")  # fmt: skip
    assert answered.status_code == 200
    assert answered.json()["recommended_slot"] == second
    # Not invited: 404.
    assert api(s.coordinator).post(f"/api/v1/mdts/{pk}/answers/",
                                   {"answers": [{"slot": second, "answer": "can"}]},
                                   format="json").status_code == 404  # fmt: skip
    assert coordinator.post(f"/api/v1/mdts/{pk}/confirm/", {"slot": second},
                            format="json").status_code == 200  # fmt: skip
    # Moving it sends the update; a confirm attempt on a meeting with actions is told.
    meeting_started(Mdt.objects.get(pk=pk))
    meeting = coordinator.post(f"/api/v1/mdts/{pk}/meeting/",
                               {"attended": [s.housing.pk], "decisions": "Band A"},
                               format="json")  # fmt: skip
    assert meeting.status_code == 200
    assert coordinator.post(f"/api/v1/mdts/{pk}/confirm/", {"slot": first},
                            format="json").status_code == 409  # fmt: skip
    for org, person in ((s.housing, s.housing_partner), (s.fire, None)):
        made = coordinator.post("/api/v1/mdt-actions/", {
            "mdt": pk, "what": f"Do {org.name}", "owner_organisation": org.pk,
            "owner_person": person.pk if person else None,
            "due_on": (timezone.localdate() + timedelta(days=2)).isoformat(),
        }, format="json")  # fmt: skip
        assert made.status_code == 201, made.json()
    housing = api(s.housing_partner)
    mine = housing.get("/api/v1/mdt-actions/", {"owner_organisation": s.housing.pk,
                                                "status": "open"}).json()["results"]  # fmt: skip
    assert [a["what"] for a in mine] == ["Do Thurrock Housing"]
    action_id = mine[0]["id"]
    done = housing.patch(
        f"/api/v1/mdt-actions/{action_id}/",
        {"status": "done", "note": "Done", "version": 1},
        format="json",
    )
    assert done.status_code == 200
    stale = housing.patch(f"/api/v1/mdt-actions/{action_id}/",
                          {"status": "open", "version": 1}, format="json")  # fmt: skip
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2
    # Fire's action is not housing's to update.
    fire_action = MdtAction.objects.get(owner_organisation=s.fire)
    assert (
        housing.patch(
            f"/api/v1/mdt-actions/{fire_action.pk}/",
            {"status": "done", "version": 1},
            format="json",
        ).status_code
        == 404
    )
    version = Mdt.objects.get(pk=pk).version
    refused = coordinator.post(f"/api/v1/mdts/{pk}/close/", {"outcome": "x", "version": version},
                               format="json")  # fmt: skip
    assert refused.status_code == 400
    assert "still open" in str(refused.json())
    api(s.fire_partner).patch(f"/api/v1/mdt-actions/{fire_action.pk}/",
                              {"status": "cannot", "note": "No access", "version": 1},
                              format="json")  # fmt: skip
    closed = coordinator.post(f"/api/v1/mdts/{pk}/close/",
                              {"outcome": "Band A", "version": version}, format="json")  # fmt: skip
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed"
    board = coordinator.get("/api/v1/mdts/board/", {"locality": s.resident.locality.pk}).json()
    assert [c["status"] for c in board] == [
        "requested",
        "finding",
        "scheduled",
        "actions",
        "closed",
    ]
    assert board[-1]["mdts"][0]["mdt"]["id"] == pk
    # Reads are audited.
    coordinator.get(f"/api/v1/mdts/{pk}/")
    assert Event.objects.filter(resident_id=s.resident.pk, details__page="api:mdt").exists()


API = [
    ("list", "get", lambda w: "/api/v1/mdts/", None),
    ("retrieve", "get", lambda w: f"/api/v1/mdts/{w['mdt'].pk}/", "readers"),
    ("times", "post", lambda w: f"/api/v1/mdts/{w['mdt'].pk}/times/", "runners"),
    ("answers", "post", lambda w: f"/api/v1/mdts/{w['mdt'].pk}/answers/", "answerers"),
    ("confirm", "post", lambda w: f"/api/v1/mdts/{w['mdt'].pk}/confirm/", "runners"),
    ("meeting", "post", lambda w: f"/api/v1/mdts/{w['mdt'].pk}/meeting/", "runners"),
    ("close", "post", lambda w: f"/api/v1/mdts/{w['mdt'].pk}/close/", "runners"),
    ("reopen", "post", lambda w: f"/api/v1/mdts/{w['mdt'].pk}/reopen/", "runners"),
    ("action", "get", lambda w: f"/api/v1/mdt-actions/{w['action'].pk}/", "readers"),
    ("action_patch", "patch", lambda w: f"/api/v1/mdt-actions/{w['action'].pk}/", "owners"),
]
GROUPS = {
    "readers": {"coordinator", "practitioner", "administrator", "partner_invited"},
    "runners": {"coordinator", "administrator"},
    "answerers": {"partner_invited"},
    "owners": {"partner_invited", "coordinator", "administrator"},
}


@pytest.mark.parametrize("who", EVERYONE)
@pytest.mark.parametrize(("name", "method", "url", "group"), API, ids=[a[0] for a in API])
def test_every_endpoint_is_404_to_those_without_need_to_know(world, who, name, method, url,  # noqa: F811
                                                            group):  # fmt: skip
    response = getattr(api(world["users"][who]), method)(url(world), {}, format="json")
    if group is None:  # lists: only what they may see
        listed = (
            [m["id"] for m in response.json()["results"]] if response.status_code == 200 else []
        )
        assert (world["mdt"].pk in listed) == (who in GROUPS["readers"])
    elif who in GROUPS[group]:
        assert response.status_code in (200, 400, 409), (who, name, response.status_code)
    else:
        assert response.status_code in (403, 404), (who, name, response.status_code)
        assert response.status_code == 404 or who == "manager"


@pytest.mark.parametrize("who", EVERYONE)
def test_actions_list_and_board_show_only_what_they_may_see(world, who, grays):  # noqa: F811
    client = api(world["users"][who])
    listed = client.get("/api/v1/mdt-actions/")
    ids = [a["id"] for a in listed.json()["results"]] if listed.status_code == 200 else []
    assert (world["action"].pk in ids) == (who in GROUPS["readers"])
    board = client.get("/api/v1/mdts/board/", {"locality": grays.pk})
    shown = board.status_code == 200 and str(world["mdt"].pk) in board.text
    assert shown == (who in {"coordinator", "practitioner", "administrator"})


def test_times_around_the_clock_changes_are_an_hour_or_a_clear_400(s):
    """A local time the clocks skip or repeat, sent without an offset, is a clear 400 (never
    a 500); with an offset it is one instant, and its slot lasts one real hour."""
    from tests.mdt.factories import request
    from tests.mdt.test_pages import next_clock_change

    mdt = request(s)
    coordinator = api(s.coordinator)
    url = f"/api/v1/mdts/{mdt.pk}/times/"
    spring, autumn = next_clock_change(3), next_clock_change(10)
    for moment, message in [
        (f"{spring}T01:30:00", "does not exist on the day the clocks change"),
        (f"{autumn}T01:30:00", "happens twice on the day the clocks change"),
    ]:
        response = coordinator.post(url, {"starts": [moment]}, format="json")
        assert response.status_code == 400, moment
        assert message in str(response.json()), moment
    assert not mdt.slots.exists()
    # The first 01:30 of the autumn day (still summer time) is an hour, not two.
    response = coordinator.post(url, {"starts": [f"{autumn}T01:30:00+01:00"]}, format="json")
    assert response.status_code == 200, response.json()
    [slot] = mdt.slots.all()
    assert slot.ends_at - slot.starts_at == timedelta(hours=1)


def test_answers_are_at_most_one_per_proposed_time(s):
    """More answers than proposed times, or one time answered twice, is a clear 400 and
    stores nothing."""
    from mdt.models import Response
    from tests.mdt.factories import request, with_slots

    mdt = request(s)
    first, second = with_slots(s, mdt, 3, 5)
    partner = api(s.housing_partner)
    url = f"/api/v1/mdts/{mdt.pk}/answers/"
    flood = {"answers": [{"slot": first.pk, "answer": "can"}] * 5000}
    response = partner.post(url, flood, format="json")
    assert response.status_code == 400
    assert "no more than 20" in str(response.json())
    three = {"answers": [{"slot": pk, "answer": "can"} for pk in (first.pk, second.pk, first.pk)]}
    response = partner.post(url, three, format="json")
    assert response.status_code == 400
    assert "Answer each of this MDT's 2 time(s) at most once" in str(response.json())
    twice = {"answers": [{"slot": first.pk, "answer": "can"},
                         {"slot": first.pk, "answer": "cannot"}]}  # fmt: skip
    response = partner.post(url, twice, format="json")
    assert response.status_code == 400
    assert "once" in str(response.json())
    assert not Response.objects.exists()
    both = {"answers": [{"slot": first.pk, "answer": "can"},
                        {"slot": second.pk, "answer": "cannot"}]}  # fmt: skip
    assert partner.post(url, both, format="json").status_code == 200
    assert Response.objects.count() == 2
