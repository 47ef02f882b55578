"""Late-visit reminders (in-process): who is told when, once each; nothing for visits
recorded, missed or cancelled, nor for a coordinator of another team."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.wellbeing_teams.conftest import member
from tests.wellbeing_teams.factories import PersonSupportedFactory, VisitFactory
from thurrock_care.notifications.models import Notification
from wellbeing_teams import notifications, services
from wellbeing_teams.models import PersonSupported, TeamMember, Visit

pytestmark = pytest.mark.django_db


def test_the_worker_at_30_minutes_then_the_coordinators_at_an_hour(
    person, worker, team_coordinator, other_team
):
    other_coordinator = member(other_team, TeamMember.Role.COORDINATOR)
    co_worker = member(person.team)
    start = timezone.now() - timedelta(hours=2)
    visit = VisitFactory(person=person, workers=[worker, co_worker], planned_start=start)
    assert notifications.remind_late_visits(now=start + timedelta(minutes=29)) == []
    first = notifications.remind_late_visits(now=start + timedelta(minutes=30))
    assert sorted(n.recipient_id for n in first) == sorted([worker.pk, co_worker.pk])
    assert notifications.remind_late_visits(now=start + timedelta(minutes=59)) == []
    [team] = notifications.remind_late_visits(now=start + timedelta(minutes=60))
    assert team.recipient == team_coordinator
    assert team.link == f"/wellbeing-teams/visits/{visit.pk}/"
    assert notifications.remind_late_visits(now=start + timedelta(minutes=90)) == []
    assert not Notification.objects.filter(recipient=other_coordinator).exists()


@pytest.mark.parametrize("what", ["arrived", "missed", "cancelled"])
def test_nothing_for_a_visit_recorded(person, worker, team_coordinator, what):
    start = timezone.now() - timedelta(minutes=20)
    visit = VisitFactory(person=person, workers=[worker], planned_start=start)
    if what == "arrived":
        services.record_arrival(visit=visit, by=worker)
    elif what == "missed":
        services.mark_missed(visit=visit, reason="Away", version=1, by=worker)
    else:
        services.cancel_visit(visit=visit, reason="Hospital", version=1, by=worker)
    assert notifications.remind_late_visits(now=start + timedelta(minutes=90)) == []
    assert Visit.objects.get(pk=visit.pk).status != Visit.Status.PLANNED


def test_arriving_withdraws_the_reminder_not_yet_read(person, worker):
    start = timezone.now() - timedelta(minutes=40)
    visit = VisitFactory(person=person, workers=[worker], planned_start=start)
    [sent] = notifications.remind_late_visits(now=timezone.now())
    services.record_arrival(visit=visit, by=worker)
    sent.refresh_from_db()
    assert sent.read_at is not None


def test_no_reminders_for_someone_no_longer_supported_or_a_worker_who_left(
    person, worker, team_coordinator, team
):
    now = timezone.now()
    leaver = member(team)
    VisitFactory(person=person, workers=[worker, leaver],
                         planned_start=now - timedelta(minutes=61))  # fmt: skip
    TeamMember.objects.filter(user=leaver).update(left_on=timezone.localdate() - timedelta(days=1))
    sent = notifications.remind_late_visits(now=now)
    assert {(n.recipient, n.kind) for n in sent} == {
        (worker, "visit_late"), (team_coordinator, "visit_late_team")
    }  # fmt: skip
    # Support ended before the visit's day (recorded late): nobody is chased about it.
    gone = VisitFactory(person=PersonSupportedFactory(team=team), workers=[worker],
                        planned_start=now - timedelta(minutes=40))  # fmt: skip
    PersonSupported.objects.filter(pk=gone.person_id).update(
        ended_on=gone.planned_on - timedelta(days=1)
    )
    assert notifications.remind_late_visits(now=now) == []
