"""Lists run no query per row: the team's day, a worker's day, a person's page and the team
page (with its figures) run the same number of queries with 2 or 10 of everything."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.wellbeing_teams.conftest import member
from tests.wellbeing_teams.factories import PersonSupportedFactory, TimeEntryFactory, VisitFactory
from wellbeing_teams import services

pytestmark = pytest.mark.django_db


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def grow(team, worker, person, n: int) -> None:
    """n more of everything: people, co-workers, visits today (some recorded, some late),
    outcomes with ratings, hours changes, time entries, health events."""
    now = timezone.now()
    for i in range(n):
        other_person = PersonSupportedFactory(team=team)
        co_worker = member(team)
        start = now - timedelta(minutes=40) if i % 2 else now
        if timezone.localdate(start) != timezone.localdate():
            start = now
        visit = VisitFactory(person=other_person, workers=[worker, co_worker], planned_start=start)
        VisitFactory(person=person, workers=[worker], planned_start=start)
        if i % 3 == 0:
            services.record_arrival(visit=visit, by=worker)
            services.record_departure(visit=visit, by=worker)
        outcome = services.add_outcome(person=person, words=f"Outcome {i}", by=worker)
        services.rate_outcome(outcome=outcome, rating=1 + i % 5, by=worker)
        TimeEntryFactory(team=team, worker=co_worker, minutes=10 + i)
        day = timezone.localdate() - timedelta(days=i)
        services.record_health_event(person=person, kind="fall", by=worker, occurred_on=day)


@pytest.mark.parametrize("page", ["team_day", "my_day", "person", "team"])
def test_pages_run_the_same_queries_with_2_or_10_of_everything(client, team, worker, person, page):
    urls = {
        "team_day": reverse("wellbeing_teams:team_day", args=[team.pk]),
        "my_day": reverse("wellbeing_teams:my_day"),
        "person": reverse("wellbeing_teams:person", args=[person.pk]),
        "team": reverse("wellbeing_teams:team", args=[team.pk]),
    }
    client.force_login(worker)
    grow(team, worker, person, 2)
    few = count(client, urls[page])
    grow(team, worker, person, 8)
    assert count(client, urls[page]) == few


def test_the_home_panel_runs_the_same_queries(client, team, worker, person):
    client.force_login(worker)
    grow(team, worker, person, 2)
    few = count(client, reverse("home"))
    grow(team, worker, person, 8)
    assert count(client, reverse("home")) == few
