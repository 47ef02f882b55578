"""The MDT measures: hours from request to meeting (median, 90th percentile) per locality and
for the borough, urgent MDTs convened by their deadline, actions done on time and overdue."""

from datetime import timedelta

import pytest
from django.utils import timezone

from mdt import measures, services
from mdt.models import Mdt, MdtAction, Slot
from tests.mdt.factories import request, with_slots

pytestmark = pytest.mark.django_db


def met_after(s, hours: int, urgency="urgent"):
    mdt = request(s, urgency=urgency)
    [slot] = with_slots(s, mdt, 1)
    services.confirm_slot(mdt=mdt, slot=slot, by=s.coordinator)
    Slot.objects.filter(pk=slot.pk).update(
        starts_at=mdt.requested_at + timedelta(hours=hours),
        ends_at=mdt.requested_at + timedelta(hours=hours + 1),
    )
    Mdt.objects.filter(pk=mdt.pk).update(deadline=mdt.requested_at + timedelta(hours=48))
    return mdt


def test_monthly_figures(s):
    for hours in (10, 20, 30, 40, 100):
        met_after(s, hours)
    request(s)  # not met yet
    mdt = met_after(s, 12, urgency="routine")
    services.record_meeting(mdt=mdt, by=s.coordinator, attended=[], apologies=[],
                            discussion="", residents_voice="", decisions="",
                            now=mdt.requested_at + timedelta(hours=13))  # fmt: skip
    today = timezone.localdate()
    on_time = services.add_action(mdt=mdt, by=s.coordinator, what="a", owner_organisation=s.fire,
                                  owner_person=None, due_on=today)  # fmt: skip
    late = services.add_action(mdt=mdt, by=s.coordinator, what="b", owner_organisation=s.fire,
                               owner_person=None, due_on=today - timedelta(days=3))  # fmt: skip
    for action in (on_time, late):
        services.update_action(action=action, by=s.coordinator, status="done", note="", version=1)
    MdtAction.objects.filter(pk=late.pk).update(completed_at=timezone.now())
    now = timezone.now()
    found = measures.for_period(since=now - timedelta(days=40), until=now + timedelta(days=1),
                                start=today - timedelta(days=10), end=today)  # fmt: skip
    figures = found[s.resident.locality.pk]
    assert found[measures.BOROUGH] == figures  # one locality: the borough's are the same
    assert (figures.requested, figures.met) == (7, 6)
    assert figures.median_hours == 25.0  # of 10, 12, 20, 30, 40, 100
    assert figures.p90_hours == 70.0
    # The one not met yet is inside its deadline: not counted either way; 100 hours is late.
    assert (figures.urgent, figures.urgent_on_time) == (5, 4)
    assert (figures.actions_due, figures.actions_on_time, figures.actions_overdue) == (2, 1, 0)


def test_an_open_action_past_its_due_date_is_overdue(s):
    mdt = met_after(s, 10)
    services.record_meeting(mdt=mdt, by=s.coordinator, attended=[], apologies=[],
                            discussion="", residents_voice="", decisions="",
                            now=mdt.requested_at + timedelta(hours=11))  # fmt: skip
    today = timezone.localdate()
    services.add_action(mdt=mdt, by=s.coordinator, what="a", owner_organisation=s.fire,
                        owner_person=None, due_on=today - timedelta(days=1))  # fmt: skip
    now = timezone.now()
    found = measures.for_period(since=now - timedelta(days=1), until=now + timedelta(days=1),
                                start=today - timedelta(days=5), end=today)  # fmt: skip
    assert found[measures.BOROUGH].actions_overdue == 1


def test_no_mdts_no_figures(db):
    now = timezone.now()
    found = measures.for_period(since=now - timedelta(days=30), until=now,
                                start=now.date(), end=now.date())  # fmt: skip
    assert found == {measures.BOROUGH: measures.MdtFigures()}
