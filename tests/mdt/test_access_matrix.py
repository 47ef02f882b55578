"""Need to know for MDTs, as a matrix: every kind of user by every MDT page. Outsiders (an
uninvited partner, another locality's practitioner and coordinator, a manager) get 404 on
every one, never 403. Invited partners see the resident while the MDT is open and for
MDT_ACCESS_DAYS_AFTER_CLOSE days after it closes, and not after."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from localities.models import Locality, Resident
from mdt import services
from mdt.models import Mdt
from tests.conftest import make_persona
from tests.mdt.factories import meeting_started, scene, with_slots
from thurrock_care.accounts.models import Role

pytestmark = pytest.mark.django_db

EVERYONE = [
    "coordinator", "practitioner", "administrator", "partner_invited", "partner_uninvolved",
    "practitioner_elsewhere", "coordinator_elsewhere", "manager",
]  # fmt: skip
READERS = {"coordinator", "practitioner", "administrator", "partner_invited"}
RUNNERS = {"coordinator", "administrator"}
CHANGERS = {"coordinator", "practitioner", "administrator"}
OWNERS = {"partner_invited", "coordinator", "administrator"}
ANSWERERS = {"partner_invited"}


@pytest.fixture
def world(grays, coordinator):
    asop = Locality.objects.get(slug="asop")
    s = scene(grays, coordinator)
    users = {
        "coordinator": coordinator,
        "practitioner": make_persona(Role.PRACTITIONER, grays),
        "administrator": make_persona(Role.ADMINISTRATOR, None),
        "partner_invited": s.housing_partner,
        "partner_uninvolved": make_persona(Role.PARTNER, grays),
        "practitioner_elsewhere": make_persona(Role.PRACTITIONER, asop),
        "coordinator_elsewhere": make_persona(Role.COORDINATOR, asop),
        "manager": make_persona(Role.MANAGER, grays),
    }
    mdt = services.request_mdt(
        resident=s.resident, by=coordinator, urgency="urgent", concern="c", residents_voice="v",
        organisations=[s.housing], required=[s.housing], consent_given=True,
    )  # fmt: skip
    [slot] = with_slots(s, mdt, 3)
    services.confirm_slot(mdt=mdt, slot=slot, by=coordinator)
    meeting_started(mdt)
    services.record_meeting(mdt=mdt, by=coordinator, attended=[s.housing], apologies=[],
                            discussion="", residents_voice="", decisions="")  # fmt: skip
    action = services.add_action(
        mdt=mdt,
        by=coordinator,
        what="Ramp",
        owner_person=None,
        owner_organisation=s.housing,
        due_on=timezone.localdate(),
    )
    return {"users": users, "mdt": Mdt.objects.get(pk=mdt.pk), "action": action, "scene": s}


PAGES = [
    # (name, method, url, who gets past the gate)
    ("request", "get", lambda w: reverse("mdt:request", args=[w["scene"].resident.pk]), CHANGERS),
    ("detail", "get", lambda w: reverse("mdt:detail", args=[w["mdt"].pk]), READERS),
    ("minutes", "get", lambda w: reverse("mdt:minutes", args=[w["mdt"].pk]), READERS),
    ("meeting", "get", lambda w: reverse("mdt:meeting", args=[w["mdt"].pk]), RUNNERS),
    ("close", "get", lambda w: reverse("mdt:close", args=[w["mdt"].pk]), RUNNERS),
    ("action", "get", lambda w: reverse("mdt:action", args=[w["action"].pk]), OWNERS),
    ("propose", "post", lambda w: reverse("mdt:propose", args=[w["mdt"].pk]), RUNNERS),
    ("confirm", "post", lambda w: reverse("mdt:confirm", args=[w["mdt"].pk]), RUNNERS),
    ("cancel", "post", lambda w: reverse("mdt:cancel", args=[w["mdt"].pk]), RUNNERS),
    ("action_add", "post", lambda w: reverse("mdt:action_add", args=[w["mdt"].pk]), RUNNERS),
    ("reopen", "post", lambda w: reverse("mdt:reopen", args=[w["mdt"].pk]), RUNNERS),
    ("answer", "post", lambda w: reverse("mdt:answer", args=[w["mdt"].pk]), ANSWERERS),
    ("action_post", "post", lambda w: reverse("mdt:action", args=[w["action"].pk]), OWNERS),
]


@pytest.mark.parametrize("who", EVERYONE)
@pytest.mark.parametrize(("name", "method", "url", "allowed"), PAGES, ids=[p[0] for p in PAGES])
def test_every_page_is_404_to_those_without_need_to_know(client, world, who, name, method,
                                                        url, allowed):  # fmt: skip
    client.force_login(world["users"][who])
    response = getattr(client, method)(url(world))
    if who in allowed:
        assert response.status_code in (200, 302, 400), (who, name, response.status_code)
    else:
        assert response.status_code == 404, (who, name, response.status_code)


@pytest.mark.parametrize("who", EVERYONE)
def test_the_board_shows_only_mdts_of_residents_they_see(client, world, who, grays):
    client.force_login(world["users"][who])
    response = client.get(reverse("mdt:board") + f"?locality={grays.pk}")
    # Managers see no named residents; a partner working in no locality has no board.
    assert response.status_code == (404 if who in ("manager", "partner_invited") else 200)
    shown = world["mdt"].reference in response.text
    assert shown == (who in {"coordinator", "practitioner", "administrator"})


def test_a_tampered_id_is_a_404_not_a_500(client, world):
    client.force_login(world["users"]["coordinator"])
    assert client.get("/mdt/99999999999999999999/").status_code == 404
    assert client.get("/mdt/actions/99999999999999999999/").status_code == 404


def _sees_resident(client, user, resident) -> bool:
    client.force_login(user)
    return client.get(reverse("residents:detail", args=[resident.pk])).status_code == 200


def test_an_invited_partner_sees_the_resident_during_the_window_and_not_after(
    client, world, settings
):
    settings.MDT_ACCESS_DAYS_AFTER_CLOSE = 30
    partner, mdt, s = world["users"]["partner_invited"], world["mdt"], world["scene"]
    outsider = world["users"]["partner_uninvolved"]
    assert _sees_resident(client, partner, s.resident)
    assert not _sees_resident(client, outsider, s.resident)
    services.update_action(action=world["action"], by=partner, status="done", note="",
                           version=world["action"].version)  # fmt: skip
    services.close_mdt(mdt=mdt, by=world["users"]["coordinator"], outcome="Done",
                       version=mdt.version)  # fmt: skip
    assert _sees_resident(client, partner, s.resident)  # just closed
    Mdt.objects.filter(pk=mdt.pk).update(closed_at=timezone.now() - timedelta(days=29))
    assert _sees_resident(client, partner, s.resident)
    assert client.get(reverse("mdt:detail", args=[mdt.pk])).status_code == 200
    Mdt.objects.filter(pk=mdt.pk).update(closed_at=timezone.now() - timedelta(days=31))
    assert not _sees_resident(client, partner, s.resident)
    assert client.get(reverse("mdt:detail", args=[mdt.pk])).status_code == 404
    assert not Resident.objects.visible_to(partner).filter(pk=s.resident.pk).exists()


def test_an_action_owner_sees_the_resident_while_the_action_is_open(client, world, grays):
    """An organisation not invited but given an action sees what it needs while it is open."""
    from tests.factories import MembershipFactory, OrganisationFactory

    s, mdt = world["scene"], world["mdt"]
    ramp_org = OrganisationFactory(name="Ramps Ltd")
    MembershipFactory(locality=grays, organisation=ramp_org)
    owner = make_persona(Role.PARTNER, None, organisation=ramp_org)
    assert not _sees_resident(client, owner, s.resident)
    action = services.add_action(mdt=mdt, by=world["users"]["coordinator"], what="Fit ramp",
                                 owner_organisation=ramp_org, owner_person=None,
                                 due_on=timezone.localdate())  # fmt: skip
    assert _sees_resident(client, owner, s.resident)
    assert client.get(reverse("mdt:action", args=[action.pk])).status_code == 200
    services.update_action(action=action, by=owner, status="done", note="", version=1)
    assert not _sees_resident(client, owner, s.resident)


def test_the_availability_page_needs_no_account_but_the_rest_do(client, world):
    response = client.get(reverse("mdt:detail", args=[world["mdt"].pk]))
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def test_an_open_action_of_a_long_closed_mdt_gives_no_access(client, world, settings):
    """Even an action left open (say, from before actions of closed MDTs were frozen) stops
    giving its owner the resident once the MDT is closed and the window has passed."""
    from mdt.models import MdtAction

    settings.MDT_ACCESS_DAYS_AFTER_CLOSE = 30
    s, mdt = world["scene"], world["mdt"]
    partner = world["users"]["partner_invited"]
    services.update_action(action=world["action"], by=partner, status="done", note="",
                           version=world["action"].version)  # fmt: skip
    services.close_mdt(mdt=mdt, by=world["users"]["coordinator"], outcome="Done",
                       version=mdt.version)  # fmt: skip
    MdtAction.objects.filter(pk=world["action"].pk).update(status=MdtAction.Status.OPEN)
    assert _sees_resident(client, partner, s.resident)  # within the window
    Mdt.objects.filter(pk=mdt.pk).update(closed_at=timezone.now() - timedelta(days=400))
    assert not _sees_resident(client, partner, s.resident)
    assert not Resident.objects.visible_to(partner).filter(pk=s.resident.pk).exists()


def test_an_uninvited_owner_marking_their_action_done_lands_on_their_home_page(
    client, world, grays
):
    """Done, the action no longer gives them the resident: they are sent home with a success
    message, not to a page that is now a 404."""
    from tests.factories import MembershipFactory, OrganisationFactory

    ramp_org = OrganisationFactory(name="Ramps Ltd")
    MembershipFactory(locality=grays, organisation=ramp_org)
    owner = make_persona(Role.PARTNER, None, organisation=ramp_org)
    action = services.add_action(mdt=world["mdt"], by=world["users"]["coordinator"],
                                 what="Fit ramp", owner_organisation=ramp_org, owner_person=None,
                                 due_on=timezone.localdate())  # fmt: skip
    client.force_login(owner)
    url = reverse("mdt:action", args=[action.pk])
    done = client.post(url, {"status": "done", "note": "Fitted", "version": action.version})
    assert done.status_code == 302
    assert done.url == reverse("home")
    home = client.get(done.url)
    assert home.status_code == 200
    assert "The action is marked done. Thank you" in home.text
    assert client.get(url).status_code == 404
    # One who still sees it (the invited partner) stays on the action's page.
    partner = world["users"]["partner_invited"]
    client.force_login(partner)
    item = world["action"]
    kept = client.post(reverse("mdt:action", args=[item.pk]),
                       {"status": "done", "note": "", "version": item.version})  # fmt: skip
    assert kept.url == reverse("mdt:action", args=[item.pk])
