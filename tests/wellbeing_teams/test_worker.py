"""Late visits with a real Celery worker (tests/conftest.py `celery_worker`): the beat task,
run by the worker, tells the visit's worker once when it is 30 minutes late, then the team's
coordinator once when it is still unrecorded an hour after its start; run again, nothing more;
a visit recorded in time tells nobody."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.wellbeing_teams.conftest import member
from tests.wellbeing_teams.factories import PersonSupportedFactory, TeamFactory, VisitFactory
from thurrock_care.notifications.models import Notification
from wellbeing_teams import services
from wellbeing_teams.models import TeamMember
from wellbeing_teams.tasks import remind_late_visits

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def run_beat_task(now) -> int:
    return remind_late_visits.delay(now=now.isoformat()).get(timeout=60)


def test_a_late_visit_tells_its_worker_once_and_then_the_team_once(worker_outbox, grays):
    team = TeamFactory(locality=grays)
    worker = member(team)
    coordinator = member(team, TeamMember.Role.COORDINATOR)
    person = PersonSupportedFactory(team=team)
    # Every "now" of the beat task is in the past, so the worker finds each e-mail due.
    now = timezone.now() - timedelta(hours=2)
    VisitFactory(person=person, workers=[worker], planned_start=now - timedelta(minutes=20))

    assert run_beat_task(now) == 0  # 20 minutes: not late yet
    assert run_beat_task(now + timedelta(minutes=10)) == 1  # 30 minutes: the worker
    [message] = worker_outbox.wait_for_messages(1)
    assert message["to"] == [worker.email]
    assert person.resident.reference in message["subject"]
    assert person.resident.full_name not in message["subject"] + message["body"]
    assert run_beat_task(now + timedelta(minutes=15)) == 0  # beat again: nothing more

    assert run_beat_task(now + timedelta(minutes=40)) == 1  # an hour: the team's coordinator
    messages = worker_outbox.wait_for_messages(2)
    assert sorted(m["to"][0] for m in messages) == sorted([worker.email, coordinator.email])
    assert run_beat_task(now + timedelta(minutes=45)) == 0
    worker_outbox.wait_until_idle()
    assert len(worker_outbox.messages) == 2
    assert Notification.objects.filter(recipient=worker, kind="visit_late").count() == 1
    assert Notification.objects.filter(recipient=coordinator, kind="visit_late_team").count() == 1


def test_a_visit_recorded_in_time_tells_nobody(worker_outbox, grays):
    team = TeamFactory(locality=grays)
    worker = member(team)
    member(team, TeamMember.Role.COORDINATOR)
    now = timezone.now()
    visit = VisitFactory(person=PersonSupportedFactory(team=team), workers=[worker],
                         planned_start=now - timedelta(minutes=25))  # fmt: skip
    services.record_arrival(visit=visit, by=worker)
    assert run_beat_task(now + timedelta(minutes=10)) == 0
    assert run_beat_task(now + timedelta(minutes=60)) == 0
    worker_outbox.wait_until_idle()
    assert worker_outbox.messages == []
    assert not Notification.objects.exists()
