"""Drop-ins on the web: the whole flow (start, three quick conversations, end; one becomes an
introduction in one step), the upcoming list, the public iCalendar feed (parsed back) and the
poster (its text read back from the PDF)."""

import re
import subprocess
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from introductions.models import Conversation, DropInSession, Introduction
from localities.models import Locality, Resident
from tests.factories import OrganisationFactory, ResidentFactory
from tests.introductions.factories import DropInFactory

pytestmark = pytest.mark.django_db


def test_the_drop_in_flow(client, practitioner, grays):
    client.force_login(practitioner)
    start = timezone.localtime() + timedelta(minutes=5)
    response = client.post(reverse("introductions:drop_in_create"), {
        "submission_key": str(uuid.uuid4()), "title": "Community Tuesday at Morrisons",
        "kind": "drop_in", "locality": grays.pk, "venue": "Morrisons, Grays",
        "starts_at": start.strftime("%d/%m/%Y %H:%M"),
        "ends_at": (start + timedelta(hours=3)).strftime("%d/%m/%Y %H:%M"),
    })  # fmt: skip
    session = DropInSession.objects.get()
    page = reverse("introductions:drop_in", args=[session.pk])
    assert response.url == page
    client.post(reverse("introductions:drop_in_start", args=[session.pk]))

    # 1. Someone new, from the session page's "Add a conversation".
    quick = reverse("introductions:conversation_quick") + f"?drop_in={session.pk}"
    assert client.get(quick + "&q=Maureen+Bell").status_code == 200
    new = client.post(quick + "&q=Maureen+Bell", {
        "submission_key": str(uuid.uuid4()), "full_name": "Maureen Bell",
        "neighbourhood": grays.neighbourhoods.get(name="Grays").pk, "how_we_met": "drop_in",
        "what_matters": "Her husband's memory is going",
        "held_at": timezone.localtime().strftime("%d/%m/%Y %H:%M"),
    })  # fmt: skip
    assert new.url == page
    # 2. Someone known.
    known = ResidentFactory(full_name="Arthur Dent")
    existing = client.post(
        reverse("introductions:conversation_create", args=[known.pk]) + f"?drop_in={session.pk}",
        {"submission_key": str(uuid.uuid4()), "how_we_met": "drop_in",
         "held_at": timezone.localtime().strftime("%d/%m/%Y %H:%M"),
         "what_matters": "Keeping his dog"},
    )  # fmt: skip
    assert existing.url == page
    # 3. Someone helped without a record.
    client.post(reverse("introductions:drop_in_headcount", args=[session.pk]),
                {"submission_key": str(uuid.uuid4()), "people": 1})  # fmt: skip
    client.post(reverse("introductions:drop_in_end", args=[session.pk]))

    shown = client.get(page)
    assert shown.status_code == 200
    assert [c.resident.full_name for c in shown.context["met"]] == ["Maureen Bell", "Arthur Dent"]
    assert "People seen: 3" in shown.text
    assert "2 residents with a record, and 1 helped without a record." in shown.text
    assert "Ended" in shown.text
    assert Conversation.objects.filter(drop_in=session).count() == 2

    # One becomes an introduction in one step.
    maureen = Resident.objects.get(full_name="Maureen Bell")
    made = client.post(reverse("introductions:drop_in_introduce", args=[session.pk, maureen.pk]))
    introduction = Introduction.objects.get()
    assert made.url == reverse("introductions:introduction", args=[introduction.pk])
    assert (introduction.resident, introduction.holder, introduction.source) == (
        maureen, practitioner, "drop_in"
    )  # fmt: skip
    assert introduction.drop_in == session
    assert "Introduced" in client.get(page).text
    # Her timeline: the conversation, the drop-in, the introduction.
    history = client.get(reverse("residents:detail", args=[maureen.pk])).text
    for entry in ["Conversation: Drop-in at Community Tuesday at Morrisons",
                  "Came to Community Tuesday at Morrisons",
                  "Introduced to Local Area Coordination"]:  # fmt: skip
        assert entry in history


def test_the_session_page_is_for_those_who_work_in_its_locality(client, grays):
    from tests.conftest import make_persona
    from thurrock_care.accounts.models import Role

    session = DropInFactory()
    for role, locality, status in [
        (Role.PRACTITIONER, grays, 200),
        (Role.PRACTITIONER, Locality.objects.get(slug="asop"), 404),
        (Role.MANAGER, grays, 404),
    ]:
        client.force_login(make_persona(role, locality))
        assert client.get(reverse("introductions:drop_in", args=[session.pk])).status_code == status


def test_upcoming_sessions_per_locality(client, practitioner):
    DropInFactory(title="Talking Shop, Grays Library")
    DropInFactory(title="Information Marketplace at The Ship",
                  locality=Locality.objects.get(slug="tilbury-chadwell"))  # fmt: skip
    DropInFactory(title="Last month's", starts_at=timezone.now() - timedelta(days=30))
    client.force_login(practitioner)
    text = client.get(reverse("introductions:drop_ins")).text
    assert "Talking Shop, Grays Library" in text
    assert "Information Marketplace at The Ship" in text
    assert "Last month&#x27;s" not in text
    assert text.index("Talking Shop") < text.index("Information Marketplace")  # theirs first


def test_the_calendar_feed_is_public_and_valid(client):
    police = OrganisationFactory(name="Essex Police")
    session = DropInFactory(title="Community Tuesday", description="Bring your questions.")
    session.organisations.set([police])
    DropInFactory(locality=Locality.objects.get(slug="asop"), title="Elsewhere")
    response = client.get(reverse("introductions:drop_in_calendar", args=["grays"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["Community Tuesday"]
    event = events[0]
    assert event.decoded("DTSTART") == session.starts_at.replace(microsecond=0)
    assert event.decoded("DTEND") == session.ends_at.replace(microsecond=0)
    assert str(event["LOCATION"]) == "Grays Library, Orsett Road"
    assert "With: Essex Police." in str(event["DESCRIPTION"])
    assert str(event["UID"]) == f"drop-in-{session.pk}@thurrock-care"
    assert (
        client.get(reverse("introductions:drop_in_calendar", args=["nowhere"])).status_code == 404
    )


def test_the_poster_is_a_one_page_pdf_of_the_month(client, tmp_path):
    now = timezone.localtime()
    DropInFactory(
        title="Talking Shop", starts_at=now.replace(day=1, hour=10, minute=0) + timedelta(days=14)
    )
    response = client.get(reverse("introductions:drop_in_poster", args=["grays"]),
                          {"month": now.strftime("%Y-%m")})  # fmt: skip
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "poster.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    assert "Drop in for a chat: Grays" in text
    assert "Talking Shop, Grays Library, Orsett Road" in text
    assert now.strftime("%B %Y") in text
    pages = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    assert re.search(r"^Pages:\s+1$", pages.stdout, re.MULTILINE)


def test_the_people_met_on_a_session_page_are_an_audited_view(client, practitioner):
    from introductions.services import conversations
    from thurrock_care.audit.models import Event

    session = DropInFactory()
    resident = ResidentFactory()
    conversations.log_conversation(resident=resident, by=practitioner, how_we_met="drop_in",
                                   what_matters="x", drop_in=session)  # fmt: skip
    client.force_login(practitioner)
    client.get(reverse("introductions:drop_in", args=[session.pk]))
    viewed = Event.objects.filter(resident_id=resident.pk, details__page="lac:drop_in")
    assert [(e.actor, e.action) for e in viewed] == [(practitioner, "viewed")]


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


def test_a_planned_session_can_be_changed_keeping_what_was_typed(client, practitioner):
    session = DropInFactory(title="Talking Shop")
    client.force_login(practitioner)
    edit = reverse("introductions:drop_in_edit", args=[session.pk])
    form = client.get(edit).text
    assert 'value="Talking Shop"' in form
    assert f'value="{_when(session.starts_at)}"' in form
    later = session.starts_at + timedelta(days=7)
    fields = {"title": "Talking Shop (moved)", "kind": "drop_in", "locality": session.locality_id,
              "venue": "Grays Library, Orsett Road", "starts_at": _when(later),
              "ends_at": _when(later - timedelta(hours=1)), "version": session.version}  # fmt: skip
    refused = client.post(edit, fields)
    assert refused.status_code == 400
    assert "The end must be after the start" in refused.text
    assert 'value="Talking Shop (moved)"' in refused.text  # what was typed is kept
    fields["ends_at"] = _when(later + timedelta(hours=2))
    assert client.post(edit, fields).url == reverse("introductions:drop_in", args=[session.pk])
    session.refresh_from_db()
    assert session.title == "Talking Shop (moved)"
    assert session.starts_at == later.replace(second=0, microsecond=0)
    assert session.version == 2


def test_two_people_changing_a_session_at_once_see_both_versions(client, practitioner):
    from introductions.services import drop_ins

    session = DropInFactory(title="Talking Shop")
    client.force_login(practitioner)
    edit = reverse("introductions:drop_in_edit", args=[session.pk])
    drop_ins.update_drop_in(
        session=session, by=practitioner, version=1, title="Talking Shop at Grays Library"
    )
    mine = {"title": "Talking Shop, now at the Thameside", "kind": "drop_in",
            "locality": session.locality_id, "venue": "Thameside Theatre",
            "starts_at": _when(session.starts_at), "ends_at": _when(session.ends_at),
            "version": 1}  # fmt: skip
    response = client.post(edit, mine)
    assert response.status_code == 409
    assert "Talking Shop at Grays Library" in response.text  # theirs
    assert 'value="Talking Shop, now at the Thameside"' in response.text  # mine, kept
    session.refresh_from_db()
    assert session.title == "Talking Shop at Grays Library"
    mine["version"] = 2  # the informed second save, as the page now carries
    assert client.post(edit, mine).status_code == 302
    session.refresh_from_db()
    assert (session.title, session.venue) == (
        "Talking Shop, now at the Thameside",
        "Thameside Theatre",
    )


def test_cancelling_a_session_takes_it_off_the_lists_and_the_poster_and_tells_calendars(
    client, practitioner, tmp_path
):
    session = DropInFactory(title="Marketplace at The Ship")
    client.force_login(practitioner)
    cancel = reverse("introductions:drop_in_cancel", args=[session.pk])
    assert "Cancel Marketplace at The Ship?" in client.get(cancel).text
    response = client.post(cancel, {"version": 1, "cancelled_reason": "The library is closed"})
    assert response.url == reverse("introductions:drop_in", args=[session.pk])
    page = client.get(response.url).text
    assert "This session has been cancelled: The library is closed." in page
    assert "Start the session" not in page
    assert "Add a conversation" not in page
    assert "Marketplace at The Ship" not in client.get(reverse("introductions:drop_ins")).text
    feed = Calendar.from_ical(
        client.get(reverse("introductions:drop_in_calendar", args=["grays"])).content
    )
    event = feed.walk("VEVENT")[0]
    assert str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) == 2  # calendars take the change
    assert str(event["DESCRIPTION"]).startswith("Cancelled: The library is closed.")
    month = timezone.localtime(session.starts_at).strftime("%Y-%m")
    path = tmp_path / "poster.pdf"
    path.write_bytes(client.get(reverse("introductions:drop_in_poster", args=["grays"]),
                                {"month": month}).content)  # fmt: skip
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout  # fmt: skip
    assert "Marketplace at The Ship" not in text
    # Nothing more happens at a cancelled session, and the buttons say so rather than fail.
    start = client.post(reverse("introductions:drop_in_start", args=[session.pk]), follow=True)
    assert "This session has been cancelled." in start.text
    session.refresh_from_db()
    assert session.started_at is None
    quick = reverse("introductions:conversation_quick") + f"?drop_in={session.pk}"
    assert "Marketplace at The Ship" not in client.get(quick).text
    assert client.get(reverse("introductions:drop_in_edit", args=[session.pk])).status_code == 302


def test_a_session_where_people_were_seen_is_ended_not_cancelled(client, practitioner):
    from introductions.services import conversations

    session = DropInFactory(title="Talking Shop")
    conversations.log_conversation(
        resident=ResidentFactory(), by=practitioner, how_we_met="drop_in", what_matters="x",
        drop_in=session,
    )  # fmt: skip
    client.force_login(practitioner)
    response = client.post(reverse("introductions:drop_in_cancel", args=[session.pk]),
                           {"version": 1}, follow=True)  # fmt: skip
    assert "People have been seen at this session: end it instead." in response.text
    session.refresh_from_db()
    assert not session.cancelled


def test_a_session_cannot_be_moved_to_a_locality_venue_or_organisation_outside_the_ilt(
    client, practitioner
):
    from localities.models import CommunityAsset

    session = DropInFactory(title="Talking Shop")
    elsewhere = Locality.objects.get(slug="asop")
    outsider = OrganisationFactory(name="Far Away Trust")  # in no locality's ILT
    asset = CommunityAsset.objects.filter(neighbourhood__locality=elsewhere).first()
    client.force_login(practitioner)
    edit = reverse("introductions:drop_in_edit", args=[session.pk])
    fields = {"title": "Talking Shop", "kind": "drop_in", "locality": elsewhere.pk,
              "venue": "x", "starts_at": _when(session.starts_at),
              "ends_at": _when(session.ends_at), "version": 1,
              "organisations": [outsider.pk]}  # fmt: skip
    if asset:
        fields["asset"] = asset.pk
    response = client.post(edit, fields)
    assert response.status_code == 400
    assert "Select a valid choice" in response.text
    session.refresh_from_db()
    assert (session.locality.slug, session.version) == ("grays", 1)


@pytest.mark.parametrize("count", [1, 6, 14, 40])
def test_the_poster_is_one_page_however_full_the_month(client, tmp_path, count):
    today = timezone.localdate()
    month = (today.replace(day=1) + timedelta(days=32)).replace(day=1)  # next month: all ahead
    first = timezone.make_aware(timezone.datetime(month.year, month.month, 1, 10, 0))
    for i in range(count):
        starts = first + timedelta(hours=i * 17)
        DropInFactory(title=f"Session {i + 1:02d} with a fairly long name for a poster",
                      starts_at=starts, ends_at=starts + timedelta(hours=2),
                      description="Coffee, cake and a chat about what matters to you.")  # fmt: skip
    path = tmp_path / "poster.pdf"
    path.write_bytes(client.get(reverse("introductions:drop_in_poster", args=["grays"]),
                                {"month": month.strftime("%Y-%m")}).content)  # fmt: skip
    pages = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    assert re.search(r"^Pages:\s+1$", pages.stdout, re.MULTILINE)
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True,
                                   text=True, check=True).stdout.split())  # fmt: skip
    assert "Session 01 with a fairly long name" in text
    shown = len(re.findall(r"Session \d\d with", text))
    if count <= 14:
        assert shown == count
        assert "more session" not in text
    else:
        assert 14 <= shown < count
        assert f"And {count - shown} more sessions this month: see the calendar at" in text
