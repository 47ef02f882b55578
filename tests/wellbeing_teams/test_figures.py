"""The team's figures against hand-computed values: direct-contact share per worker and team,
per ISO week and month (UK local boundaries), and continuity (distinct workers per person over
28 days, flagged above four, the team's median)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from tests.wellbeing_teams.conftest import member
from tests.wellbeing_teams.factories import PersonSupportedFactory, TimeEntryFactory, VisitFactory
from wellbeing_teams import figures
from wellbeing_teams.models import TimeEntry, Visit

pytestmark = pytest.mark.django_db
UK = ZoneInfo("Europe/London")


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UK)


def visit(person, workers, start: datetime, minutes: int | None):
    return VisitFactory(
        person=person, workers=workers, planned_start=start, arrived_at=start,
        left_at=start + timedelta(minutes=minutes) if minutes is not None else None,
        status=Visit.Status.COMPLETED if minutes is not None else Visit.Status.IN_PROGRESS,
    )  # fmt: skip


@pytest.fixture
def week_of_work(team, person):
    a, b = member(team, full_name="Ann Able"), member(team, full_name="Bob Baker")
    monday = date(2026, 6, 1)
    visit(person, [a], at(monday, 8), 45)
    visit(person, [a, b], at(monday, 10), 60)  # both count it
    visit(person, [b], at(monday + timedelta(days=2), 9), 30)
    visit(person, [b], at(monday + timedelta(days=3), 9), None)  # arrived, never left: none
    # 00:30 on Monday 8 June UK time is 23:30 on Sunday in UTC: next week's, June's.
    visit(person, [a], at(date(2026, 6, 8), 0, 30), 50)
    TimeEntryFactory(team=team, worker=a, category=TimeEntry.Category.TRAVEL, on=monday, minutes=30)
    TimeEntryFactory(
        team=team, worker=a, category=TimeEntry.Category.ADMIN, on=date(2026, 6, 7), minutes=15
    )
    TimeEntryFactory(
        team=team, worker=a, category=TimeEntry.Category.ADMIN, on=date(2026, 5, 31), minutes=20
    )
    TimeEntryFactory(
        team=team, worker=b, category=TimeEntry.Category.TEAM_MEETING, on=monday, minutes=60
    )
    return a, b


def test_direct_contact_share_per_iso_week(team, week_of_work, django_assert_max_num_queries):
    a, b = week_of_work
    week = figures.iso_week(date(2026, 6, 3))
    assert (week.start, week.end, week.label) == (
        date(2026, 6, 1),
        date(2026, 6, 8),
        "Week 23 of 2026",
    )
    with django_assert_max_num_queries(3):
        result = figures.direct_contact(team, week)
    shares = {user: (s.direct, s.other, s.percent, s.meets_target) for user, s in result["workers"]}
    assert shares == {
        a: (105, 45, 70.0, True),  # 45 + 60 direct; 30 travel + 15 admin
        b: (90, 60, 60.0, False),  # 60 + 30 direct; 60 team meeting: below 61%
    }
    assert (result["team"].direct, result["team"].other, result["team"].percent) == (195, 105, 65.0)


def test_direct_contact_share_per_month(team, week_of_work):
    a, b = week_of_work
    result = figures.direct_contact(team, figures.month(date(2026, 6, 17)))
    shares = {user: (s.direct, s.other, s.percent) for user, s in result["workers"]}
    assert shares == {a: (155, 45, 77.5), b: (90, 60, 60.0)}  # the 20 min of 31 May is May's
    assert (result["team"].direct, result["team"].other, result["team"].percent) == (245, 105, 70.0)


def test_no_time_at_all_has_no_share(team):
    result = figures.direct_contact(team, figures.month(date(2026, 6, 1)))
    assert result["workers"] == []
    assert result["team"].percent is None


def test_continuity_counts_distinct_workers_over_28_days_and_the_median(team):
    workers = [member(team, full_name=f"Worker {n}") for n in range(5)]
    now = at(date(2026, 6, 30), 12)
    p1, p2, p3, p4 = (
        PersonSupportedFactory(team=team, started_on=date(2026, 1, 1)) for _ in range(4)
    )
    for n, worker in enumerate(workers):  # five different workers: flagged
        visit(p1, [worker], now - timedelta(days=n + 1), 30)
    visit(p2, [workers[0]], now - timedelta(days=1), 30)
    visit(p2, [workers[0], workers[1]], now - timedelta(days=2), 30)
    visit(p3, [workers[2]], now - timedelta(days=30), 30)  # outside the 28 days
    visit(p4, [workers[0]], now - timedelta(days=27), 30)
    VisitFactory(
        person=p4, workers=[workers[3]], planned_start=now - timedelta(days=3)
    )  # never arrived
    result = figures.continuity(team, now=now)
    counts = {row.person: (row.workers, row.flagged) for row in result["people"]}
    assert counts == {p1: (5, True), p2: (2, False), p3: (0, False), p4: (1, False)}
    assert result["median"] == 2  # of 5, 2 and 1 (the people visited)


def test_the_team_page_shows_the_figures(client, team, worker, person):
    client.force_login(worker)
    page = client.get(reverse("wellbeing_teams:team", args=[team.pk]))
    assert "Time with the people we support" in page.text
    assert "target 61%" in page.text
    assert "Continuity" in page.text


def test_support_from_the_first_day_there_is_does_not_break_the_figures(client, team, worker):
    """Refused by the service now, but a record from before (or from the admin site) must not
    break the dashboard or the figures."""
    PersonSupportedFactory(team=team, started_on=date(1, 1, 1))
    client.force_login(worker)
    assert client.get(reverse("wellbeing_teams:team_dashboard", args=[team.pk])).status_code == 200
    api = APIClient()
    api.force_authenticate(worker)
    assert api.get(f"/api/v1/wellbeing-teams/{team.pk}/figures/").status_code == 200


def test_a_worker_with_no_minutes_yet_shows_no_time_recorded(client, team, worker, person):
    """A visit of 30 seconds counts 0 minutes: no share, said in words (never "None%")."""
    now = timezone.now()
    VisitFactory(person=person, workers=[worker], planned_start=now - timedelta(minutes=5),
                 arrived_at=now - timedelta(seconds=30), left_at=now,
                 status=Visit.Status.COMPLETED)  # fmt: skip
    client.force_login(worker)
    for name in ("team", "team_dashboard"):
        page = client.get(reverse(f"wellbeing_teams:{name}", args=[team.pk]))
        assert page.status_code == 200
        assert "None%" not in page.text
        assert "no time recorded" in page.text
