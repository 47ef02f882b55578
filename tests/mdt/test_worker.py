"""MDT reminders with a real Celery worker (tests/conftest.py `celery_worker`): each beat task,
run by the worker, sends each reminder once (in the app and by one e-mail); run again, nothing
more; after the answer or the action is done, nothing at all."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from mdt import services, tasks
from mdt.models import Invitation, Mdt
from tests.mdt.factories import meeting_started, request, scene, with_slots
from thurrock_care.notifications.delivery import UK

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def last_midday() -> datetime:
    now = timezone.now().astimezone(UK)
    day = now.date() if now.time() >= time(12) else now.date() - timedelta(days=1)
    return datetime.combine(day, time(12), tzinfo=UK)


def settle(outbox, count):
    """The e-mails the setting up sent (availability, meeting): all arrived, then forgotten."""
    outbox.wait_for_messages(count)
    outbox.clear()


def test_chasers_once_and_not_after_the_answer(worker_outbox, grays, coordinator):
    s = scene(grays, coordinator)
    mdt = request(s)
    with_slots(s, mdt, 3)
    settle(worker_outbox, 3)  # the availability e-mails themselves
    now = timezone.now()
    Mdt.objects.filter(pk=mdt.pk).update(deadline=now + timedelta(hours=10))
    Invitation.objects.filter(mdt=mdt).update(invited_at=now - timedelta(hours=4))
    assert tasks.chase_invitees.delay().get(timeout=60) == 3
    messages = worker_outbox.wait_for_messages(3)
    assert sorted(m["to"][0] for m in messages) == sorted(
        [s.housing_partner.email, s.fire_partner.email, s.nhs_partner.email]
    )
    assert all("/mdt/availability/" in m["body"] for m in messages)
    assert tasks.chase_invitees.delay().get(timeout=60) == 0
    worker_outbox.wait_until_idle()
    assert len(worker_outbox.messages) == 3
    # Everyone answers: at the next point, nobody is chased.
    for invitation in Invitation.objects.filter(mdt=mdt):
        services.answer_slots(
            invitation=invitation,
            by=None,
            answers=[services.Answer(slot=mdt.slots.get(), answer="can")],
        )
    Invitation.objects.filter(mdt=mdt).update(invited_at=timezone.now() - timedelta(hours=12))
    assert tasks.chase_invitees.delay().get(timeout=60) == 0
    worker_outbox.wait_until_idle()
    assert len(worker_outbox.messages) == 3


def test_action_reminders_and_summary_once_and_not_after_done(worker_outbox, grays, coordinator):
    s = scene(grays, coordinator)
    now = last_midday()
    mdt = request(s)
    [slot] = with_slots(s, mdt, 3)
    services.confirm_slot(mdt=mdt, slot=slot, by=s.coordinator)
    meeting_started(mdt)
    services.record_meeting(mdt=mdt, by=s.coordinator, attended=[], apologies=[],
                            discussion="", residents_voice="", decisions="")  # fmt: skip
    due = services.add_action(mdt=mdt, by=s.coordinator, what="Damp survey",
                              owner_organisation=s.housing, owner_person=None,
                              due_on=timezone.localdate(now) + timedelta(days=1))  # fmt: skip
    late = services.add_action(mdt=mdt, by=s.coordinator, what="Fire risk check",
                               owner_organisation=s.fire, owner_person=s.fire_partner,
                               due_on=timezone.localdate(now) - timedelta(days=1))  # fmt: skip
    settle(worker_outbox, 3 + 4)  # availability; the meeting (partners and the coordinator)
    assert tasks.remind_actions.delay(now=now.isoformat()).get(timeout=60) == 2
    assert tasks.summarise_overdue.delay(now=now.isoformat()).get(timeout=60) == 1
    messages = worker_outbox.wait_for_messages(3)
    to = sorted((m["to"][0], m["subject"]) for m in messages)
    assert [address for address, _ in to] == sorted(
        [s.housing_partner.email, s.fire_partner.email, s.coordinator.email]
    )
    assert any("due tomorrow" in subject for _, subject in to)
    assert any("overdue since" in subject for _, subject in to)
    assert any("1 MDT action overdue in Grays" in subject for _, subject in to)
    # Beat runs again: nothing more.
    assert tasks.remind_actions.delay(now=now.isoformat()).get(timeout=60) == 0
    assert tasks.summarise_overdue.delay(now=now.isoformat()).get(timeout=60) == 0
    worker_outbox.wait_until_idle()
    assert len(worker_outbox.messages) == 3
    # Both done: the next day, nothing at all.
    for action in (due, late):
        services.update_action(action=action, by=s.coordinator, status="done", note="",
                               version=action.version)  # fmt: skip
    tomorrow = (now + timedelta(days=1)).isoformat()
    assert tasks.remind_actions.delay(now=tomorrow).get(timeout=60) == 0
    assert tasks.summarise_overdue.delay(now=tomorrow).get(timeout=60) == 0
    worker_outbox.wait_until_idle()
    assert len(worker_outbox.messages) == 3
