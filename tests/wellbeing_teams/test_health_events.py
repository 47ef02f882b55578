"""Health events for evaluation: recorded per person supported, from before they joined too;
rates per person-month before and after joining, against hand-computed values."""

import uuid
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.wellbeing_teams.factories import PersonSupportedFactory
from wellbeing_teams import figures, services
from wellbeing_teams.models import HealthEvent

pytestmark = pytest.mark.django_db


def test_rates_before_and_after_joining_per_person_month(team, worker):
    person = PersonSupportedFactory(team=team, started_on=date(2026, 3, 1))
    gp, admission = HealthEvent.Kind.GP_APPOINTMENT, HealthEvent.Kind.UNPLANNED_ADMISSION
    before = [date(2025, 3, 1), date(2025, 5, 2), date(2025, 7, 3), date(2025, 9, 4),
              date(2025, 11, 5), date(2026, 1, 6), date(2026, 2, 28)]  # fmt: skip
    for on in before:
        services.record_health_event(person=person, kind=gp, occurred_on=on, by=worker)
    services.record_health_event(person=person, kind=gp, occurred_on=date(2025, 2, 28), by=worker)
    services.record_health_event(person=person, kind=gp, occurred_on=date(2026, 3, 1), by=worker)
    for on in [date(2025, 4, 1), date(2025, 8, 1), date(2025, 12, 1)]:
        services.record_health_event(person=person, kind=admission, occurred_on=on, by=worker)
    rates = figures.health_event_rates(person, today=date(2026, 5, 30))
    # Before: 365 days from 1 March 2025 (12 * 30.4375 = 365.25, rounded) = 11.992 person-months;
    # after: 1 March to 30 May 2026 inclusive, 91 days = 2.990 person-months.
    assert (rates[gp]["before"].events, rates[gp]["before"].days) == (7, 365)
    assert (rates[gp]["after"].events, rates[gp]["after"].days) == (1, 91)
    assert rates[gp]["before"].per_person_month == 0.584  # 7 * 30.4375 / 365
    assert rates[gp]["after"].per_person_month == 0.334  # 1 * 30.4375 / 91
    assert rates[admission]["before"].per_person_month == 0.25  # 3 * 30.4375 / 365
    assert rates[admission]["after"].per_person_month == 0.0
    assert rates[HealthEvent.Kind.FALL]["before"].events == 0


def test_a_health_event_in_the_future_is_refused(person, worker):
    with pytest.raises(ValidationError, match="future"):
        services.record_health_event(person=person, kind="fall", occurred_on=date(2999, 1, 1),
                                     by=worker)  # fmt: skip


def test_a_member_records_one_on_the_web_once_per_key(client, worker, person):
    client.force_login(worker)
    url = reverse("wellbeing_teams:health_event_create", args=[person.pk])
    bad = {"kind": "gp_appointment", "occurred_on": "31/02/2026", "source": "GP record"}
    response = client.post(url, bad)
    assert response.status_code == 400
    assert "GP record" in response.text
    good = {**bad, "occurred_on": "02/01/2026", "submission_key": str(uuid.uuid4())}
    client.post(url, good)
    client.post(url, good)
    [event] = HealthEvent.objects.all()
    assert (event.resident_id, event.occurred_on) == (person.resident_id, date(2026, 1, 2))
    page = client.get(reverse("wellbeing_teams:person", args=[person.pk]))
    assert "GP appointment" in page.text
