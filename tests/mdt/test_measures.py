"""The MDT measures: hours from request to meeting (median, 90th percentile) per locality and
month, urgent MDTs convened by their deadline, actions done on time."""

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
    [figures] = measures.monthly(since=now - timedelta(days=40), until=now + timedelta(days=1))
    assert figures.locality_id == s.resident.locality.pk
    assert figures.met == 6
    assert figures.median_hours == 25.0  # of 10, 12, 20, 30, 40, 100
    assert figures.p90_hours == 70.0
    assert (figures.urgent, figures.urgent_on_time) == (6, 4)  # 100 hours is past 48
    assert figures.urgent_on_time_share == pytest.approx(4 / 6)
    assert (figures.actions_finished, figures.actions_on_time) == (2, 1)
    assert figures.actions_on_time_share == 0.5


def test_no_mdts_no_figures(db):
    now = timezone.now()
    assert measures.monthly(since=now - timedelta(days=30), until=now) == []
