"""How Wellbeing Teams plug in: the resident's timeline shows visits recorded, outcome
progress, hours changed and joining a team, in a page of constant queries; the resident's
page links to their team page."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.wellbeing_teams.factories import VisitFactory
from wellbeing_teams import services

pytestmark = pytest.mark.django_db


def test_the_residents_timeline_shows_the_teams_entries(client, person, worker, planner):
    visit = VisitFactory(person=person, workers=[worker],
                         planned_start=timezone.now() - timedelta(hours=1))  # fmt: skip
    services.record_arrival(visit=visit, by=worker)
    services.record_visit(visit=visit, by=worker, version=2, what_happened="Made soup together")
    outcome = services.add_outcome(person=person, words="Walk to the shop", by=worker)
    services.rate_outcome(outcome=outcome, rating=3, note="Halfway", by=worker)
    services.change_hours(person=person, hours_per_week=Decimal(12), reason="After a fall",
                          version=1, by=planner)  # fmt: skip
    client.force_login(worker)
    page = client.get(reverse("residents:detail", args=[person.resident_id]))
    assert page.status_code == 200
    text = page.text
    assert f"Visit by {person.team.name}" in text
    assert "Made soup together" in text
    assert reverse("wellbeing_teams:visit", args=[visit.pk]) in text
    assert "Progress on “Walk to the shop”: 3 of 5" in text
    assert "Commissioned hours: 10.00 to 12.00 a week" in text
    assert f"Joined {person.team.name}" in text
    assert reverse("wellbeing_teams:for_resident", args=[person.resident_id]) in text


def test_the_residents_page_queries_do_not_grow_with_visits(client, person, worker):
    client.force_login(worker)
    url = reverse("residents:detail", args=[person.resident_id])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    def add(n: int) -> None:
        for _ in range(n):
            visit = VisitFactory(person=person, workers=[worker],
                                 planned_start=timezone.now() - timedelta(hours=2))  # fmt: skip
            services.record_arrival(visit=visit, by=worker)

    add(2)
    few = count()
    add(10)
    assert count() == few
