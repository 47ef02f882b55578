"""Reminders, in-process: who is chased when, urgent kinds ignore quiet hours, nothing after
the answer or the action is done. (test_worker.py runs the same through a real worker.)"""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from mdt import notifications, services
from mdt.models import Invitation, Mdt
from tests.mdt.factories import meeting_started, request, with_slots
from thurrock_care.notifications.delivery import UK
from thurrock_care.notifications.models import Notification

pytestmark = pytest.mark.django_db


def waiting_mdt(s, urgency="urgent", *, invited_hours_ago=4, deadline_in_hours=10):
    mdt = request(s, urgency=urgency)
    with_slots(s, mdt, 3)
    now = timezone.now()
    Mdt.objects.filter(pk=mdt.pk).update(deadline=now + timedelta(hours=deadline_in_hours))
    Invitation.objects.filter(mdt=mdt).update(invited_at=now - timedelta(hours=invited_hours_ago))
    return mdt


def chasers():
    return Notification.objects.filter(dedupe_key__startswith="mdt_chaser:")


def test_unanswered_organisations_are_chased_once_per_point(s):
    mdt = waiting_mdt(s)  # 4 of 14 hours gone: the first point (a quarter)
    sent = notifications.chase_invitees()
    assert {n.recipient for n in sent} == {s.housing_partner, s.fire_partner, s.nhs_partner}
    assert notifications.chase_invitees() == []  # again: nothing
    # Fire answers; half way, housing and NHS are chased again, fire is not.
    fire = Invitation.objects.get(mdt=mdt, organisation=s.fire)
    services.answer_slots(
        invitation=fire,
        by=s.fire_partner,
        answers=[services.Answer(slot=mdt.slots.get(), answer="can")],
    )
    Invitation.objects.filter(mdt=mdt).update(invited_at=timezone.now() - timedelta(hours=12))
    again = notifications.chase_invitees()
    assert {n.recipient for n in again} == {s.housing_partner, s.nhs_partner}
    assert chasers().count() == 5


def test_nobody_is_chased_before_a_quarter_of_the_time_or_after_the_deadline(s):
    waiting_mdt(s, invited_hours_ago=1, deadline_in_hours=20)
    assert notifications.chase_invitees() == []
    Mdt.objects.update(deadline=timezone.now() - timedelta(minutes=1))
    assert notifications.chase_invitees() == []


def test_urgent_chasers_ignore_quiet_hours_routine_ones_wait(s):
    late = datetime.combine(timezone.localdate(), time(23, 30), tzinfo=UK)
    urgent = waiting_mdt(s, "urgent")
    routine = waiting_mdt(s, "routine")
    for mdt in (urgent, routine):
        Mdt.objects.filter(pk=mdt.pk).update(deadline=late + timedelta(hours=10))
        Invitation.objects.filter(mdt=mdt).update(invited_at=late - timedelta(hours=4))
    sent = notifications.chase_invitees(now=late)
    by_kind = {n.kind: n for n in sent}
    assert by_kind["mdt_availability_urgent"].email_due_at == late
    assert by_kind["mdt_availability"].email_due_at.astimezone(UK).time() == time(7, 0)


def test_the_availability_e_mail_of_an_urgent_mdt_is_urgent(s):
    mdt = request(s)
    with_slots(s, mdt, 3)
    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert kinds == {"mdt_availability_urgent"}


def in_actions(s, due_on, owner_person=None):
    mdt = request(s)
    [slot] = with_slots(s, mdt, 3)
    services.confirm_slot(mdt=mdt, slot=slot, by=s.coordinator)
    meeting_started(mdt)
    services.record_meeting(mdt=mdt, by=s.coordinator, attended=[], apologies=[],
                            discussion="", residents_voice="", decisions="")  # fmt: skip
    return services.add_action(mdt=mdt, by=s.coordinator, what="Damp survey",
                               owner_organisation=s.housing, owner_person=owner_person,
                               due_on=due_on)  # fmt: skip


def test_actions_due_tomorrow_and_overdue_go_to_their_owner_once_a_day(s):
    today = timezone.localdate()
    tomorrow = in_actions(s, today + timedelta(days=1))
    overdue = in_actions(s, today - timedelta(days=2), owner_person=s.housing_partner)
    due_today = in_actions(s, today)  # the home panel shows it; no e-mail today
    sent = notifications.remind_actions()
    assert sorted((n.kind, n.recipient) for n in sent) == sorted([
        ("mdt_action_due", s.housing_partner), ("mdt_action_overdue", s.housing_partner)
    ])  # fmt: skip
    assert "Margaret" not in " ".join(n.subject + n.body for n in sent)
    assert notifications.remind_actions() == []
    services.update_action(action=overdue, by=s.housing_partner, status="done", note="",
                           version=overdue.version)  # fmt: skip
    services.update_action(action=tomorrow, by=s.housing_partner, status="done", note="",
                           version=tomorrow.version)  # fmt: skip
    # Tomorrow only the one still open is reminded of (now overdue).
    [left] = notifications.remind_actions(now=timezone.now() + timedelta(days=1))
    assert left.link == f"/mdt/actions/{due_today.pk}/"


def test_the_coordinator_gets_a_daily_overdue_summary(s):
    in_actions(s, timezone.localdate() - timedelta(days=1))
    in_actions(s, timezone.localdate() - timedelta(days=3))
    [summary] = notifications.summarise_overdue()
    assert summary.recipient == s.coordinator
    assert summary.subject == "2 MDT actions overdue in Grays"
    assert notifications.summarise_overdue() == []  # not again the same day
    assert Notification.objects.filter(kind="mdt_overdue_summary").count() == 1
