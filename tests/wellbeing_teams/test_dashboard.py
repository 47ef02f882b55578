"""The team dashboard's figures from known data, hand-checked: punctuality (started within 15
minutes of the plan, UK month boundaries), missed and cancelled visits, outcome progress, the
team's health-event rates before and after joining; the page itself, and its query count."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.wellbeing_teams.factories import PersonSupportedFactory, VisitFactory
from wellbeing_teams import figures, services
from wellbeing_teams.models import HealthEvent, Visit

pytestmark = pytest.mark.django_db
UK = ZoneInfo("Europe/London")


def at(d: date, hour: int, minute: int = 0) -> datetime:
    return datetime(d.year, d.month, d.day, hour, minute, tzinfo=UK)


def test_punctuality_missed_and_cancelled_in_a_month(team, person):
    june = date(2026, 6, 10)

    def visit(planned: datetime, arrived: datetime | None = None, status=Visit.Status.COMPLETED):
        return VisitFactory(person=person, planned_start=planned, arrived_at=arrived, status=status)

    visit(at(june, 8), at(june, 8, 10))  # 10 late: on time
    visit(at(june, 9), at(june, 8, 46))  # 14 early: on time
    visit(at(june, 10), at(june, 10, 16))  # 16 late: not
    visit(at(june, 11), at(june, 11, 15))  # exactly 15: on time
    visit(at(june, 12), status=Visit.Status.MISSED)
    visit(at(june, 13), status=Visit.Status.CANCELLED)
    visit(at(date(2026, 6, 30), 23, 50), at(date(2026, 7, 1), 0, 5))  # June's, on time
    visit(at(date(2026, 7, 1), 0, 10), at(date(2026, 7, 1), 0, 10))  # July's (23:10 UTC 30 June)
    result = figures.punctuality(team, figures.month(june))
    assert (result.started, result.on_time, result.missed, result.cancelled) == (5, 4, 1, 1)
    assert result.percent == 80.0


def test_outcome_progress(team, person, worker):
    ratings = {"A": [2, 3, 4], "B": [3, 2], "C": [5], "D": []}
    for words, values in ratings.items():
        outcome = services.add_outcome(person=person, words=words, by=worker)
        for value in values:
            services.rate_outcome(outcome=outcome, rating=value, by=worker)
    result = figures.outcome_progress(team)
    assert (result.outcomes, result.rated, result.improved, result.achieved) == (4, 3, 1, 1)
    assert result.average_change == 0.5  # (+2 and -1) / 2


def test_the_teams_health_event_rates_sum_events_and_person_months(team, worker):
    gp = HealthEvent.Kind.GP_APPOINTMENT
    first = PersonSupportedFactory(team=team, started_on=date(2026, 3, 1))
    second = PersonSupportedFactory(team=team, started_on=date(2026, 5, 1))
    for person in (first, second):
        for month in range(6):
            day = date(2025, 6 + month, 15)
            services.record_health_event(person=person, kind=gp, occurred_on=day, by=worker)
    services.record_health_event(person=first, kind=gp, occurred_on=date(2026, 4, 1), by=worker)
    rates = figures.team_health_event_rates([first, second], today=date(2026, 5, 30))[gp]
    assert (rates["before"].events, rates["before"].days) == (12, 730)  # 365 days each
    assert (rates["after"].events, rates["after"].days) == (1, 121)  # 91 + 30 days
    assert rates["before"].per_person_month == 0.5  # 12 * 30.4375 / 730 = 0.5003
    assert rates["after"].per_person_month == 0.252  # 1 * 30.4375 / 121 = 0.2515


def test_the_dashboard_page_and_its_constant_queries(client, team, worker, person):
    client.force_login(worker)
    url = reverse("wellbeing_teams:team_dashboard", args=[team.pk])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries)

    def grow(n: int) -> None:
        for i in range(n):
            other = PersonSupportedFactory(team=team)
            VisitFactory(person=other, workers=[worker])
            outcome = services.add_outcome(person=other, words=f"Outcome {i}", by=worker)
            services.rate_outcome(outcome=outcome, rating=2, by=worker)
            before = other.started_on - timedelta(days=3)
            services.record_health_event(person=other, kind="fall", occurred_on=before, by=worker)

    grow(2)
    few = count()
    grow(8)
    assert count() == few
    page = client.get(url).text
    assert "Time with the people we support" in page
    assert "Started within 15 minutes of the plan" in page
    assert "Health events before and after joining" in page
