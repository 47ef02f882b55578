"""Monthly ILT meetings: outstanding actions carry over; coordinators write, everyone reads."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from localities.models import ActionItem, Meeting
from localities.services import ilt as services
from tests.factories import (
    ActionItemFactory,
    MeetingFactory,
    MembershipFactory,
    OrganisationFactory,
)
from thurrock_care.accounts.models import Role

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
LAST_MONTH = datetime.datetime(2026, 10, 14, 10, 0, tzinfo=LONDON)
THIS_MONTH = datetime.datetime(2026, 11, 11, 10, 0, tzinfo=LONDON)


def meeting_data(**overrides) -> dict:
    return {
        "starts_at": "2026-12-09T10:00",
        "place": "Grays Library",
        "online_link": "",
        "notes": "",
        "decisions": "",
        **overrides,
    }


def test_a_new_meeting_starts_with_the_open_actions_of_the_last_one(
    client, grays_coordinator, grays
):
    housing = MembershipFactory(locality=grays).organisation
    older = MeetingFactory(starts_at=LAST_MONTH - datetime.timedelta(days=30))
    ActionItemFactory(meeting=older, text="Older open action")  # not the last meeting
    last = MeetingFactory(starts_at=LAST_MONTH)
    ActionItemFactory(meeting=last, text="Chase the housing repair", owner=housing)
    ActionItemFactory(meeting=last, text="Already done", done=True)
    client.force_login(grays_coordinator)
    response = client.post(
        reverse("localities:meeting_create", args=["grays"]),
        meeting_data(starts_at="2026-11-11T10:00"),
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(starts_at=THIS_MONTH)
    carried = list(meeting.items.all())
    assert [item.text for item in carried] == ["Chase the housing repair"]
    assert carried[0].owner == housing
    assert carried[0].carried_from.meeting == last
    page = client.get(response.url)
    text = page.text
    assert text.index("Outstanding from the last meeting") < text.index("Chase the housing repair")
    assert text.index("Chase the housing repair") < text.index("Actions from this meeting")
    assert "Already done" not in text
    assert "Older open action" not in text


def test_marking_a_carried_item_done_closes_it_where_it_came_from(grays_coordinator):
    last = MeetingFactory(starts_at=LAST_MONTH)
    origin = ActionItemFactory(meeting=last, text="Book the hall")
    meeting = services.create_meeting(
        locality=last.locality, by=grays_coordinator, starts_at=THIS_MONTH
    )
    carried = meeting.items.get()
    services.mark_action_item_done(item=carried, by=grays_coordinator)
    origin.refresh_from_db()
    assert origin.done
    next_meeting = services.create_meeting(
        locality=last.locality,
        by=grays_coordinator,
        starts_at=THIS_MONTH + datetime.timedelta(days=28),
    )
    assert next_meeting.items.count() == 0


def test_coordinator_adds_an_action_and_marks_it_done(client, grays_coordinator, grays):
    meeting = MeetingFactory()
    client.force_login(grays_coordinator)
    client.post(
        reverse("localities:action_item_create", args=["grays", meeting.pk]),
        {"text": "Invite the fire service to the next meeting", "owner": ""},
    )
    item = ActionItem.objects.get(meeting=meeting)
    assert item.text == "Invite the fire service to the next meeting"
    response = client.post(
        reverse("localities:action_item_done", args=["grays", meeting.pk, item.pk]), follow=True
    )
    assert "Marked as done" in response.text
    item.refresh_from_db()
    assert item.done


def test_everyone_signed_in_reads_meetings(client, personas, grays):
    fire = OrganisationFactory(name="Fire")
    MembershipFactory(locality=grays, organisation=fire)
    meeting = MeetingFactory(place="Grays Library")
    meeting.attending.set([fire])
    ActionItemFactory(meeting=meeting, text="Send the minutes")
    client.force_login(personas[Role.PARTNER])
    listing = client.get(reverse("localities:meetings", args=["grays"]))
    assert "Grays Library" in listing.text
    assert "Add a meeting" not in listing.text
    detail = client.get(reverse("localities:meeting", args=["grays", meeting.pk]))
    assert "Send the minutes" in detail.text
    assert "Fire" in detail.text
    assert "Edit meeting" not in detail.text
    assert "Mark as done" not in detail.text


NON_COORDINATORS = [Role.PRACTITIONER, Role.PARTNER, Role.MANAGER, Role.WELLBEING_WORKER]


@pytest.mark.parametrize("role", NON_COORDINATORS)
def test_only_coordinators_create_and_edit_meetings(client, personas, role):
    meeting = MeetingFactory()
    item = ActionItemFactory(meeting=meeting)
    client.force_login(personas[role])
    assert client.get(reverse("localities:meeting_create", args=["grays"])).status_code == 404
    response = client.post(reverse("localities:meeting_create", args=["grays"]), meeting_data())
    assert response.status_code == 404
    edit = reverse("localities:meeting_edit", args=["grays", meeting.pk])
    assert client.get(edit).status_code == 404
    assert client.post(edit, meeting_data(version=1)).status_code == 404
    done = reverse("localities:action_item_done", args=["grays", meeting.pk, item.pk])
    assert client.post(done).status_code == 404
    add = reverse("localities:action_item_create", args=["grays", meeting.pk])
    assert client.post(add, {"text": "x"}).status_code == 404
    assert Meeting.objects.count() == 1
    item.refresh_from_db()
    assert not item.done


def test_a_coordinator_of_another_locality_cannot_edit(client, asop_coordinator):
    meeting = MeetingFactory()
    client.force_login(asop_coordinator)
    assert client.get(reverse("localities:meeting_create", args=["grays"])).status_code == 404
    edit = reverse("localities:meeting_edit", args=["grays", meeting.pk])
    assert client.get(edit).status_code == 404


def test_coordinator_edits_a_meeting(client, grays_coordinator, grays):
    members = [MembershipFactory(locality=grays).organisation for _ in range(2)]
    meeting = MeetingFactory()
    client.force_login(grays_coordinator)
    edit = reverse("localities:meeting_edit", args=["grays", meeting.pk])
    form = client.get(edit)
    assert 'name="version" value="1"' in form.text
    response = client.post(
        edit,
        meeting_data(
            version=1,
            decisions="Start a Saturday drop-in.",
            attending=[members[0].pk],
            apologies=[members[1].pk],
        ),
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.version == 2
    assert meeting.decisions == "Start a Saturday drop-in."
    assert list(meeting.attending.all()) == [members[0]]
    assert list(meeting.apologies.all()) == [members[1]]


def test_an_organisation_cannot_attend_and_send_apologies(client, grays_coordinator, grays):
    member = MembershipFactory(locality=grays).organisation
    client.force_login(grays_coordinator)
    response = client.post(
        reverse("localities:meeting_create", args=["grays"]),
        meeting_data(attending=[member.pk], apologies=[member.pk], notes="Typed notes"),
    )
    assert response.status_code == 400
    assert "cannot both attend and send apologies" in response.text
    assert "Typed notes" in response.text


def test_a_concurrent_edit_is_not_overwritten(client, grays_coordinator):
    meeting = MeetingFactory(notes="Original")
    # Someone else saves first.
    services.update_meeting(
        meeting=meeting,
        by=grays_coordinator,
        version=1,
        starts_at=meeting.starts_at,
        place="Moved to Thurrock Hospital",
        online_link="",
        attending=[],
        apologies=[],
        notes="Their notes",
        decisions="",
    )
    client.force_login(grays_coordinator)
    response = client.post(
        reverse("localities:meeting_edit", args=["grays", meeting.pk]),
        meeting_data(version=1, notes="My notes typed meanwhile"),
    )
    assert response.status_code == 409  # one status for every edit conflict on the web
    assert "Someone else changed this while you were editing" in response.text
    assert "My notes typed meanwhile" in response.text
    assert 'name="version" value="2"' in response.text  # a second, informed save may go ahead
    meeting.refresh_from_db()
    assert meeting.notes == "Their notes"
    assert meeting.place == "Moved to Thurrock Hospital"
    assert meeting.version == 2


def test_an_invalid_action_is_explained_not_an_error(client, grays_coordinator):
    meeting = MeetingFactory()
    client.force_login(grays_coordinator)
    response = client.post(
        reverse("localities:action_item_create", args=["grays", meeting.pk]),
        {"text": "", "owner": "999999"},
        follow=True,
    )
    assert "The action was not added" in response.text
    assert "Enter the action" in response.text
    assert not ActionItem.objects.exists()


@pytest.mark.parametrize(("version", "status"), [("2147483647", 409), ("2147483648", 400)])
def test_an_impossible_version_is_refused_not_a_server_error(
    client, grays_coordinator, version, status
):
    """Regression: version=2147483647 overflowed PostgreSQL's integer (a 500)."""
    meeting = MeetingFactory(notes="Original")
    client.force_login(grays_coordinator)
    response = client.post(
        reverse("localities:meeting_edit", args=["grays", meeting.pk]),
        meeting_data(version=version, notes="Typed notes"),
    )
    assert response.status_code == status
    assert "Typed notes" in response.text
    meeting.refresh_from_db()
    assert (meeting.notes, meeting.version) == ("Original", 1)
