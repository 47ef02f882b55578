"""How MDTs show elsewhere: the resident's timeline, and pages whose query counts do not grow
with the data (the board, the MDT page, the meeting page, the home panels)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mdt import services
from tests.mdt.factories import meeting_started, request, with_slots
from thurrock_care import timeline

pytestmark = pytest.mark.django_db


def test_the_timeline_shows_requested_met_and_closed(s):
    mdt = request(s)
    [slot] = with_slots(s, mdt, 3)
    services.confirm_slot(mdt=mdt, slot=slot, by=s.coordinator)
    meeting_started(mdt)
    services.record_meeting(
        mdt=mdt,
        by=s.coordinator,
        attended=[],
        apologies=[],
        discussion="",
        residents_voice="",
        decisions="Priority band A",
    )
    mdt.refresh_from_db()
    services.close_mdt(
        mdt=mdt, by=s.coordinator, outcome="Moved to extra care", version=mdt.version
    )
    entries = [
        (e.title, e.text)
        for e in timeline.page(resident_id=s.resident.pk, user=s.coordinator, kinds=["mdt"])
    ]
    assert ("MDT requested (urgent)", "Damp flat; wheelchair user cannot get out") in entries
    assert ("MDT met", "Priority band A") in entries
    assert ("MDT closed", "Moved to extra care") in entries


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def grow(s, n):
    """n more MDTs of every status, each with actions (some overdue) and answers."""
    for i in range(n):
        mdt = request(s)
        slots = with_slots(s, mdt, 3 + i, 30 + i)
        for invitation in mdt.invitations.all():
            services.answer_slots(invitation=invitation, by=None,
                                  answers=[services.Answer(slot=slot, answer="can")
                                           for slot in slots])  # fmt: skip
        services.confirm_slot(mdt=mdt, slot=slots[0], by=s.coordinator)
        meeting_started(mdt)
        services.record_meeting(mdt=mdt, by=s.coordinator, attended=s.organisations,
                                apologies=[], discussion="", residents_voice="",
                                decisions="")  # fmt: skip
        for org in s.organisations:
            services.add_action(mdt=mdt, by=s.coordinator, what=f"Do {i}", owner_organisation=org,
                                owner_person=None,
                                due_on=timezone.localdate() - timedelta(days=i % 3))  # fmt: skip
        request(s)  # and one waiting


def latest(s):
    """A scheduled MDT requested after all the others: their open actions come first on its
    meeting page."""
    mdt = request(s)
    [slot] = with_slots(s, mdt, 2)
    services.confirm_slot(mdt=mdt, slot=slot, by=s.coordinator)
    return mdt


def test_query_counts_do_not_grow_with_the_data(client, s):
    client.force_login(s.coordinator)
    grow(s, 2)
    focus = latest(s)
    urls = [reverse("mdt:board"), reverse("mdt:detail", args=[focus.pk]),
            reverse("mdt:meeting", args=[focus.pk]), reverse("home")]  # fmt: skip
    few = [count(client, url) for url in urls]
    grow(s, 8)
    focus = latest(s)
    urls = [reverse("mdt:board"), reverse("mdt:detail", args=[focus.pk]),
            reverse("mdt:meeting", args=[focus.pk]), reverse("home")]  # fmt: skip
    many = [count(client, url) for url in urls]
    assert few == many
    assert "Do 7" in client.get(urls[2]).text  # earlier MDTs' open actions are on it
    # The action owner's home panel too.
    client.force_login(s.housing_partner)
    owner_few = count(client, reverse("home"))
    grow(s, 3)
    assert count(client, reverse("home")) == owner_few
