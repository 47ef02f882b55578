"""The MDT pages through HTTP: request from the resident's page (typed data kept; a double
submit makes one MDT), propose quick picks, answer in the app, the recommended time,
confirming (a second coordinator is told), the meeting record with earlier actions first,
actions updated by their owners (no silent overwrite), close, reopen, minutes PDF, board."""

import subprocess
import uuid
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from mdt import services
from mdt.models import Mdt, MdtAction, Response
from tests.mdt.factories import meeting_started, request, with_slots

pytestmark = pytest.mark.django_db


def test_the_resident_page_offers_request_an_mdt_to_those_who_may(client, s):
    client.force_login(s.coordinator)
    page = client.get(reverse("residents:detail", args=[s.resident.pk])).text
    assert reverse("mdt:request", args=[s.resident.pk]) in page
    assert "Request an MDT" in page
    request(s)  # the housing partner now sees the resident, but does not request MDTs
    client.force_login(s.housing_partner)
    page = client.get(reverse("residents:detail", args=[s.resident.pk])).text
    assert "Request an MDT" not in page


def test_only_owners_get_links_to_actions(client, s):
    mdt = scheduled(s)
    meeting_started(mdt)
    services.record_meeting(mdt=mdt, by=s.coordinator, attended=[], apologies=[],
                            discussion="", residents_voice="", decisions="")  # fmt: skip
    mine = services.add_action(
        mdt=mdt,
        by=s.coordinator,
        what="Housing's",
        owner_person=None,
        owner_organisation=s.housing,
        due_on=timezone.localdate(),
    )
    theirs = services.add_action(
        mdt=mdt,
        by=s.coordinator,
        what="Fire's",
        owner_person=None,
        owner_organisation=s.fire,
        due_on=timezone.localdate(),
    )
    client.force_login(s.housing_partner)
    page = client.get(reverse("mdt:detail", args=[mdt.pk])).text
    assert reverse("mdt:action", args=[mine.pk]) in page
    assert reverse("mdt:action", args=[theirs.pk]) not in page
    assert "Fire&#x27;s" in page


def request_data(s, **extra):
    return {
        "urgency": "urgent",
        "concern": "Damp flat",
        "residents_voice": "Stay near my daughter",
        "organisations": [s.housing.pk, s.fire.pk, s.nhs.pk],
        "required": [s.housing.pk, s.fire.pk],
        "consent_given": "yes",
        "lawful_basis": "",
        "submission_key": str(uuid.uuid4()),
        **extra,
    }


def test_requesting_an_mdt_keeps_typed_data_and_makes_one(client, s):
    client.force_login(s.coordinator)
    url = reverse("mdt:request", args=[s.resident.pk])
    form = client.get(url).text
    for org in (s.housing, s.fire, s.nhs):
        assert org.name in form
    bad = client.post(url, request_data(s, consent_given="no", required=[999999999999]))
    assert bad.status_code == 400
    assert "Without consent, choose the lawful basis" in bad.text
    assert "Choose organisations from the list" in bad.text
    assert "Damp flat" in bad.text
    assert "Stay near my daughter" in bad.text
    data = request_data(s)
    response = client.post(url, data)
    mdt = Mdt.objects.get()
    assert response.url == reverse("mdt:detail", args=[mdt.pk])
    client.post(url, data)  # double click
    assert Mdt.objects.count() == 1
    assert mdt.is_urgent
    assert mdt.invitations.filter(required=True).count() == 2


def test_propose_answer_recommend_confirm(client, s, django_capture_on_commit_callbacks):
    mdt = request(s)
    client.force_login(s.coordinator)
    page = client.get(reverse("mdt:detail", args=[mdt.pk])).text
    assert "No times proposed yet" in page
    assert "Quick picks" in page
    picks = [value for value in _quick_values(page)][:2]
    assert picks, "quick picks are offered before the deadline"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mdt:propose", args=[mdt.pk]), {"quick": picks})
    assert response.status_code == 302
    offered = _quick_values(client.get(reverse("mdt:detail", args=[mdt.pk])).text)
    assert not set(picks) & set(offered)  # proposed times are not offered again
    first, *rest = list(mdt.slots.all())
    # Housing answers in the app.
    client.force_login(s.housing_partner)
    detail = client.get(reverse("mdt:detail", args=[mdt.pk])).text
    assert "Your organisation's answer" in detail
    client.post(reverse("mdt:answer", args=[mdt.pk]),
                {f"slot_{first.pk}": "can", "submission_key": str(uuid.uuid4())})  # fmt: skip
    client.force_login(s.fire_partner)
    key = str(uuid.uuid4())
    for _ in range(2):  # double submit: one answer
        client.post(reverse("mdt:answer", args=[mdt.pk]),
                    {f"slot_{first.pk}": "delegate", "delegate": "Watch manager",
                     "submission_key": key})  # fmt: skip
    assert Response.objects.filter(invitation__organisation=s.fire).count() == 1
    client.force_login(s.coordinator)
    page = client.get(reverse("mdt:detail", args=[mdt.pk])).text
    assert "Recommended" in page
    assert "Will send someone else: Watch manager" in page
    client.post(reverse("mdt:confirm", args=[mdt.pk]), {"slot": first.pk})
    mdt.refresh_from_db()
    assert mdt.status == Mdt.Status.SCHEDULED
    assert mdt.confirmed_slot == first
    # A second coordinator, with the page open from before, confirms another time: told.
    if rest:
        told = client.post(reverse("mdt:confirm", args=[mdt.pk]), {"slot": rest[0].pk}, follow=True)
        assert "already confirmed" in told.text
        mdt.refresh_from_db()
        assert mdt.confirmed_slot == first


def _quick_values(page: str) -> list[str]:
    import re

    return re.findall(r'name="quick" value="([^"]+)"', page)


def test_no_slot_possible_is_said_with_a_way_to_propose_more(client, s):
    mdt = request(s)
    [slot] = with_slots(s, mdt, 3)
    invitation = mdt.invitations.get(organisation=s.housing)
    services.answer_slots(invitation=invitation, by=None,
                          answers=[services.Answer(slot=slot, answer="cannot")])  # fmt: skip
    client.force_login(s.coordinator)
    page = client.get(reverse("mdt:detail", args=[mdt.pk])).text
    assert "No proposed time suits every required organisation" in page
    assert "Propose times" in page


def test_bad_times_are_a_clear_message(client, s):
    mdt = request(s)
    client.force_login(s.coordinator)
    url = reverse("mdt:propose", args=[mdt.pk])
    for data, message in [
        ({"day": "31/02/2026", "at": "10:00"}, "Enter a real date"),
        ({"day": "01/01/2020", "at": "10:00"}, "Propose times in the future"),
        ({"day": "01/01/2030", "at": "25:99"}, "Enter a time like 09:30"),
        ({"quick": ["not-a-time"]}, "Choose times from the list"),
        ({}, "Choose a quick pick, or type a day and a time"),
    ]:
        response = client.post(url, data)
        assert response.status_code == 400, data
        assert message in response.text, data
    assert not mdt.slots.exists()


def scheduled(s):
    mdt = request(s)
    [slot] = with_slots(s, mdt, 3)
    return services.confirm_slot(mdt=mdt, slot=slot, by=s.coordinator)


def test_meeting_record_actions_close_reopen_and_minutes(client, s):
    earlier = scheduled(s)
    meeting_started(earlier)
    services.record_meeting(mdt=earlier, by=s.coordinator, attended=[], apologies=[],
                            discussion="", residents_voice="", decisions="")  # fmt: skip
    services.add_action(mdt=earlier, by=s.coordinator, what="Fire risk assessment from before",
                        owner_organisation=s.fire, owner_person=None,
                        due_on=timezone.localdate() - timedelta(days=1))  # fmt: skip
    mdt = scheduled(s)
    meeting_started(mdt)
    client.force_login(s.coordinator)
    url = reverse("mdt:meeting", args=[mdt.pk])
    page = client.get(url).text
    assert page.index("Fire risk assessment from before") < page.index("Save the record")
    response = client.post(url, {"attended": [s.housing.pk, s.fire.pk], "apologies": [s.nhs.pk],
                                 "discussion": "Damp and access", "residents_voice": "Stay",
                                 "decisions": "Priority band"})  # fmt: skip
    assert response.status_code == 302
    key = str(uuid.uuid4())
    due = (timezone.localdate() + timedelta(days=2)).strftime("%d/%m/%Y")
    data = {"what": "Damp survey", "owner_organisation": s.housing.pk,
            "owner_person": s.housing_partner.pk, "due_on": due, "submission_key": key}  # fmt: skip
    client.post(reverse("mdt:action_add", args=[mdt.pk]), data)
    client.post(reverse("mdt:action_add", args=[mdt.pk]), data)
    action = MdtAction.objects.get(mdt=mdt)
    bad = client.post(reverse("mdt:action_add", args=[mdt.pk]),
                      {**data, "submission_key": str(uuid.uuid4()), "due_on": "99/99/9999",
                       "owner_person": s.fire_partner.pk})  # fmt: skip
    assert bad.status_code == 400
    assert "Enter a real date" in bad.text

    # The owner updates it; a stale form never overwrites.
    client.force_login(s.housing_partner)
    action_url = reverse("mdt:action", args=[action.pk])
    assert "Damp survey" in client.get(action_url).text
    client.post(action_url, {"status": "done", "note": "Survey booked", "version": 1})
    stale = client.post(action_url, {"status": "cannot", "note": "No access", "version": 1})
    assert stale.status_code == 409
    assert "No access" in stale.text  # kept what was typed
    action.refresh_from_db()
    assert (action.status, action.note) == ("done", "Survey booked")

    # Minutes PDF: title, headings and what was decided.
    pdf = client.get(reverse("mdt:minutes", args=[mdt.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf.content, capture_output=True,
                          check=True).stdout.decode()  # fmt: skip
    assert f"Minutes of urgent MDT {mdt.reference}" in text
    assert "Priority band" in text
    assert "Damp survey" in text
    assert s.housing.name in text
    info = subprocess.run(["pdfinfo", "-"], input=pdf.content, capture_output=True,
                          check=True).stdout.decode()  # fmt: skip
    assert f"Minutes of {mdt.reference}" in info

    client.force_login(s.coordinator)
    close_url = reverse("mdt:close", args=[mdt.pk])
    mdt.refresh_from_db()
    assert client.post(close_url, {"outcome": "", "version": mdt.version}).status_code == 400
    response = client.post(close_url, {"outcome": "Band A; survey done", "version": mdt.version})
    assert response.status_code == 302
    mdt.refresh_from_db()
    assert mdt.status == Mdt.Status.CLOSED
    client.post(
        reverse("mdt:reopen", args=[mdt.pk]), {"reason": "New damp", "version": mdt.version}
    )
    mdt.refresh_from_db()
    assert mdt.status == Mdt.Status.ACTIONS


def test_board_shows_each_status_with_countdown_hours_and_overdue(client, s):
    waiting = request(s)
    met = scheduled(s)
    meeting_started(met)
    services.record_meeting(mdt=met, by=s.coordinator, attended=[], apologies=[],
                            discussion="", residents_voice="", decisions="")  # fmt: skip
    services.add_action(
        mdt=met,
        by=s.coordinator,
        what="Overdue thing",
        owner_organisation=s.fire,
        owner_person=None,
        due_on=timezone.localdate() - timedelta(days=2),
    )
    client.force_login(s.coordinator)
    page = client.get(reverse("mdt:board")).text
    for heading in ("Requested (1)", "Finding a time (0)", "Actions in progress (1)", "Closed (0)"):
        assert heading in page
    assert waiting.reference in page
    assert "Meet within" in page
    assert "hours from request to meeting" in page
    assert "1 overdue action" in page
    assert "Overdue thing" in page


def test_home_panels(client, s):
    met = scheduled(s)
    request(s)
    meeting_started(met)
    services.record_meeting(mdt=met, by=s.coordinator, attended=[], apologies=[],
                            discussion="", residents_voice="", decisions="")  # fmt: skip
    services.add_action(
        mdt=met,
        by=s.coordinator,
        what="Fit a ramp",
        owner_organisation=s.housing,
        owner_person=None,
        due_on=timezone.localdate() - timedelta(days=1),
    )
    client.force_login(s.housing_partner)
    page = client.get("/").text
    assert "Your MDT actions" in page
    assert "Fit a ramp" in page
    assert "1 overdue" in page
    client.force_login(s.coordinator)
    page = client.get("/").text
    assert "MDTs waiting" in page


def next_clock_change(month: int) -> date:
    """The next last Sunday of March (clocks go forward) or October (back), after today."""
    today = timezone.localdate()
    for year in (today.year, today.year + 1):
        last = date(year, month, 31)
        sunday = last - timedelta(days=(last.weekday() + 1) % 7)
        if sunday > today:
            return sunday
    raise AssertionError("unreachable")


def test_a_time_the_clocks_skip_or_repeat_is_a_clear_message(client, s):
    """01:30 does not exist when the clocks go forward and happens twice when they go back:
    both are refused with a clear message, never a 500; 03:00 that day is an hour long."""
    mdt = request(s)
    client.force_login(s.coordinator)
    url = reverse("mdt:propose", args=[mdt.pk])
    spring, autumn = next_clock_change(3), next_clock_change(10)
    for day, message in [
        (spring, "That time does not exist on the day the clocks change; choose another"),
        (autumn, "That time happens twice on the day the clocks change; choose another"),
    ]:
        typed = {"day": day.strftime("%d/%m/%Y"), "at": "01:30"}
        response = client.post(url, typed)
        assert response.status_code == 400, day
        assert message in response.text, day
        assert typed["day"] in response.text  # what was typed is kept
    assert not mdt.slots.exists()
    response = client.post(url, {"day": spring.strftime("%d/%m/%Y"), "at": "03:00"})
    assert response.status_code == 302
    [slot] = mdt.slots.all()
    assert slot.ends_at - slot.starts_at == timedelta(hours=1)
    assert f"{timezone.localtime(slot.starts_at):%H:%M}" == "03:00"
