"""Wellbeing Teams writes: the caseload, hours changes (only the planning support worker, with
the reason kept), outcomes and ratings, visits planned (one-off and recurring, across the
clock changes), recorded (one tap each, first time kept), corrected (original kept), missed,
cancelled; every write audited; retries make one record."""

import uuid
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from localities.models import Resident
from tests.factories import ResidentFactory
from tests.wellbeing_teams.factories import VisitFactory
from thurrock_care.audit.models import Event
from thurrock_care.versions import EditConflict
from wellbeing_teams import services
from wellbeing_teams.models import (
    HoursChange,
    OutcomeRating,
    PersonSupported,
    Visit,
    VisitCorrection,
    VisitPattern,
)

pytestmark = pytest.mark.django_db
UK = ZoneInfo("Europe/London")


def test_a_coordinator_adds_a_resident_to_a_teams_caseload_and_its_members_then_see_them(
    coordinator, team, worker
):
    resident = ResidentFactory()
    assert not Resident.objects.visible_to(worker).filter(pk=resident.pk).exists()
    key = uuid.uuid4()
    person = services.add_person(team=team, resident=resident, started_on=date(2026, 1, 5),
                                 hours_per_week=Decimal("12.5"), by=coordinator,
                                 submission_key=key)  # fmt: skip
    again = services.add_person(team=team, resident=resident, started_on=date(2026, 1, 5),
                                hours_per_week=Decimal("12.5"), by=coordinator,
                                submission_key=key)  # fmt: skip
    assert again == person
    assert PersonSupported.objects.count() == 1
    assert Resident.objects.visible_to(worker).filter(pk=resident.pk).exists()
    assert (
        Event.objects.filter(resident_id=resident.pk, details__wellbeing_team="joined").count() == 1
    )


def test_nobody_adds_someone_they_cannot_see(worker, team):
    with pytest.raises(PermissionDenied):
        services.add_person(team=team, resident=ResidentFactory(), started_on=date(2026, 1, 5),
                            hours_per_week=Decimal(10), by=worker)  # fmt: skip


def test_after_leaving_the_team_sees_them_for_the_set_period_only(worker, person, settings):
    settings.WELLBEING_TEAMS_ACCESS_AFTER_LEAVING_DAYS = 28
    visible = Resident.objects.visible_to(worker).filter(pk=person.resident_id)
    PersonSupported.objects.filter(pk=person.pk).update(
        ended_on=timezone.localdate() - timedelta(days=28)
    )
    assert visible.exists()
    PersonSupported.objects.filter(pk=person.pk).update(
        ended_on=timezone.localdate() - timedelta(days=29)
    )
    assert not visible.exists()


def test_only_the_planning_support_worker_changes_hours_and_each_change_keeps_its_reason(
    person, planner, worker
):
    with pytest.raises(PermissionDenied):
        services.change_hours(person=person, hours_per_week=Decimal(14), reason="More help",
                              version=1, by=worker)  # fmt: skip
    services.change_hours(person=person, hours_per_week=Decimal(14), reason="Back from hospital",
                          version=1, by=planner)  # fmt: skip
    services.change_hours(person=person, hours_per_week=Decimal(8), reason="Walking again",
                          version=2, by=planner)  # fmt: skip
    person.refresh_from_db()
    assert person.hours_per_week == Decimal(8)
    history = list(HoursChange.objects.values_list("hours_before", "hours_after", "reason"))
    assert history == [
        (Decimal(14), Decimal(8), "Walking again"),
        (Decimal(10), Decimal(14), "Back from hospital"),
    ]
    with pytest.raises(EditConflict):  # a stale form does not overwrite
        services.change_hours(person=person, hours_per_week=Decimal(20), reason="Old form",
                              version=2, by=planner)  # fmt: skip
    with pytest.raises(ValidationError):
        services.change_hours(person=person, hours_per_week=Decimal(10**9), reason="Huge",
                              version=3, by=planner)  # fmt: skip


def test_outcomes_in_their_words_with_ratings_over_time(person, worker):
    outcome = services.add_outcome(person=person, words="Walk to the shop on my own", by=worker)
    services.rate_outcome(outcome=outcome, rating=2, note="To the gate", by=worker)
    services.rate_outcome(outcome=outcome, rating=4, note="To the corner", by=worker)
    assert list(outcome.ratings.values_list("rating", "note")) == [
        (2, "To the gate"),
        (4, "To the corner"),
    ]
    with pytest.raises(ValidationError):
        services.rate_outcome(outcome=outcome, rating=6, by=worker)


def test_outsiders_cannot_write_to_a_teams_caseload(person, other_worker):
    with pytest.raises(PermissionDenied):
        services.add_outcome(person=person, words="Anything", by=other_worker)


def test_recurring_visits_stay_at_8_oclock_across_both_clock_changes(person, worker):
    pattern = VisitPattern.objects.create(
        person=person, weekdays=[0, 1, 2, 3, 4, 5, 6], start_time=time(8), minutes=45,
        starts_on=date(2026, 3, 1), created_by=worker,
    )  # fmt: skip
    pattern.workers.set([worker])
    # Clocks go forward on Sunday 29 March 2026 and back on Sunday 25 October 2026.
    spring = services.occurrences(pattern, start=date(2026, 3, 28), until=date(2026, 3, 30))
    autumn = services.occurrences(pattern, start=date(2026, 10, 24), until=date(2026, 10, 26))
    for moment in spring + autumn:
        assert moment.astimezone(UK).time() == time(8)
    utc = ZoneInfo("UTC")
    assert [m.astimezone(utc).hour for m in spring] == [8, 7, 7]  # GMT, then BST
    assert [m.astimezone(utc).hour for m in autumn] == [7, 8, 8]  # GMT from 02:00 that Sunday

    made = services.generate_visits(
        pattern=pattern, start=date(2026, 3, 28), until=date(2026, 3, 30)
    )
    assert made == 3
    again = services.generate_visits(
        pattern=pattern, start=date(2026, 3, 28), until=date(2026, 3, 30)
    )
    assert again == 0  # idempotent
    visits = list(Visit.objects.filter(pattern=pattern))
    assert [v.planned_on for v in visits] == [
        date(2026, 3, 28),
        date(2026, 3, 29),
        date(2026, 3, 30),
    ]
    assert all(list(v.workers.all()) == [worker] for v in visits)


def test_a_weekday_pattern_makes_visits_monday_to_friday_only(person, worker):
    pattern = services.create_pattern(
        person=person, weekdays=[0, 1, 2, 3, 4], start_time=time(8), minutes=45,
        starts_on=timezone.localdate(), workers=[worker], by=worker,
    )  # fmt: skip
    visits = Visit.objects.filter(pattern=pattern)
    assert visits.count() >= 19  # four weeks ahead, from today
    assert {v.planned_start.astimezone(UK).weekday() for v in visits} <= {0, 1, 2, 3, 4}
    assert str(pattern) == "Mon, Tue, Wed, Thu, Fri 08:00, 45 min"


def test_a_visit_must_go_to_members_of_the_team(person, worker, other_worker):
    with pytest.raises(ValidationError):
        services.plan_visit(person=person, start=timezone.now(), minutes=30,
                            workers=[other_worker], by=worker)  # fmt: skip


def test_arrived_and_left_are_one_tap_each_and_a_second_tap_keeps_the_first_time(person, worker):
    visit = services.plan_visit(person=person, start=timezone.now(), minutes=30,
                                workers=[worker], by=worker)  # fmt: skip
    arrived = services.record_arrival(visit=visit, by=worker).arrived_at
    assert services.record_arrival(visit=visit, by=worker).arrived_at == arrived
    visit.refresh_from_db()
    assert visit.status == Visit.Status.IN_PROGRESS
    left = services.record_departure(visit=visit, by=worker).left_at
    assert services.record_departure(visit=visit, by=worker).left_at == left
    visit.refresh_from_db()
    assert visit.status == Visit.Status.COMPLETED
    assert (
        Event.objects.filter(resident_id=visit.resident_id, details__visit="arrived").count() == 1
    )


def test_leaving_before_arriving_is_refused(person, worker):
    visit = VisitFactory(person=person, workers=[worker])
    with pytest.raises(ValidationError):
        services.record_departure(visit=visit, by=worker)


def test_recording_a_visit_twice_with_the_same_key_records_it_once(person, worker):
    outcome = services.add_outcome(person=person, words="See my grandson on Sundays", by=worker)
    visit = VisitFactory(person=person, workers=[worker])
    key = uuid.uuid4()
    values = {"what_happened": "Made lunch together", "health_tasks": "Medication prompt",
              "concerns": "", "progress": {outcome.pk: (3, "Phoned him")}}  # fmt: skip
    services.record_visit(visit=visit, by=worker, version=1, submission_key=key, **values)
    services.record_visit(visit=visit, by=worker, version=1, submission_key=key, **values)
    visit.refresh_from_db()
    assert visit.what_happened == "Made lunch together"
    assert visit.version == 2
    assert OutcomeRating.objects.filter(visit=visit).count() == 1


def test_a_correction_keeps_the_original_time(person, worker):
    visit = VisitFactory(person=person, workers=[worker])
    visit = services.record_arrival(visit=visit, by=worker)
    original = visit.arrived_at
    earlier = original - timedelta(minutes=10)
    with pytest.raises(ValidationError):
        services.correct_time(visit=visit, field="arrived_at", corrected=earlier, reason=" ",
                              by=worker)  # fmt: skip
    services.correct_time(visit=visit, field="arrived_at", corrected=earlier,
                          reason="Forgot to tap", by=worker)  # fmt: skip
    visit.refresh_from_db()
    assert visit.arrived_at == earlier
    correction = VisitCorrection.objects.get()
    assert (correction.original, correction.corrected, correction.reason) == (
        original, earlier, "Forgot to tap",
    )  # fmt: skip


def test_missed_needs_a_reason_and_cancelled_records_by_whom(person, worker):
    missed = VisitFactory(person=person, workers=[worker])
    with pytest.raises(ValidationError):
        services.mark_missed(visit=missed, reason="", version=1, by=worker)
    services.mark_missed(visit=missed, reason="No answer at the door", version=1, by=worker)
    cancelled = VisitFactory(person=person, workers=[worker])
    services.cancel_visit(visit=cancelled, reason="In hospital", version=1, by=worker)
    missed.refresh_from_db()
    cancelled.refresh_from_db()
    assert (missed.status, missed.missed_reason) == (Visit.Status.MISSED, "No answer at the door")
    assert (cancelled.status, cancelled.cancelled_by) == (Visit.Status.CANCELLED, worker)
    with pytest.raises(ValidationError):
        services.record_arrival(visit=cancelled, by=worker)


def test_late_is_still_unrecorded_30_minutes_after_the_planned_start(person, worker):
    start = datetime(2026, 6, 1, 8, 0, tzinfo=UK)
    visit = VisitFactory(person=person, planned_start=start, workers=[worker])
    assert not visit.is_late(now=start + timedelta(minutes=29))
    assert visit.is_late(now=start + timedelta(minutes=30))
    assert list(Visit.objects.late(now=start + timedelta(minutes=30))) == [visit]
    assert not Visit.objects.late(now=start + timedelta(minutes=29)).exists()
    Visit.objects.filter(pk=visit.pk).update(status=Visit.Status.IN_PROGRESS)
    assert not Visit.objects.late(now=start + timedelta(hours=2)).exists()


def test_the_daily_task_keeps_four_weeks_ahead_once(person, worker):
    from wellbeing_teams.tasks import extend_visit_patterns

    pattern = services.create_pattern(
        person=person, weekdays=[2], start_time=time(9, 30), minutes=30,
        starts_on=timezone.localdate(), workers=[worker], by=worker,
    )  # fmt: skip
    made = Visit.objects.filter(pattern=pattern).count()
    Visit.objects.filter(
        pattern=pattern, planned_start__gt=timezone.now() + timedelta(days=14)
    ).delete()
    missing = made - Visit.objects.filter(pattern=pattern).count()
    assert missing > 0
    assert extend_visit_patterns.delay().get() == missing
    assert Visit.objects.filter(pattern=pattern).count() == made
    assert extend_visit_patterns.delay().get() == 0


def test_dates_out_of_range_are_refused_with_a_clear_message(person, worker, coordinator, team):
    """Visits and patterns from a year back to two years ahead; support starting from 2000 to
    a month ahead; time records from 2000 to today: anything else is a clear error."""
    today = timezone.localdate()
    far = datetime(9999, 12, 31, 23, 50, tzinfo=UK)
    for start in (far, datetime(1, 1, 1, 9, tzinfo=UK), timezone.now() + timedelta(days=800)):
        with pytest.raises(ValidationError, match="Enter a day from"):
            services.plan_visit(person=person, start=start, minutes=30, workers=[worker], by=worker)
    for starts_on, ends_on in ((date(9999, 12, 31), None), (today, date(9999, 12, 31)),
                               (today - timedelta(days=400), None)):  # fmt: skip
        with pytest.raises(ValidationError, match="Enter a day from"):
            services.create_pattern(person=person, weekdays=[0], start_time=time(8), minutes=30,
                                    starts_on=starts_on, ends_on=ends_on, workers=[worker],
                                    by=worker)  # fmt: skip
    for started_on in (date(1, 1, 1), date(1999, 12, 31), today + timedelta(days=32)):
        with pytest.raises(ValidationError, match="Enter a day from"):
            services.add_person(team=team, resident=ResidentFactory(), started_on=started_on,
                                hours_per_week=Decimal(5), by=coordinator)  # fmt: skip
    for on in (date(1, 1, 1), date(1999, 12, 31)):
        with pytest.raises(ValidationError, match="Enter a day from"):
            services.record_time(team=team, category="travel", on=on, minutes=5, by=worker)
    assert not Visit.objects.exists()
    assert not VisitPattern.objects.exists()
    assert PersonSupported.objects.count() == 1
    # In range is fine, a month ahead and a year back included.
    services.plan_visit(person=person, start=timezone.now() + timedelta(days=700), minutes=30,
                        workers=[worker], by=worker)  # fmt: skip
    soon = today + timedelta(days=30)
    services.add_person(team=team, resident=ResidentFactory(), by=coordinator, started_on=soon,
                        hours_per_week=Decimal(5))  # fmt: skip


def test_support_ends_today_or_within_a_month_and_nobody_is_on_two_caseloads(
    person, worker, coordinator, other_team
):
    today = timezone.localdate()
    for ended_on in (date(9999, 12, 31), today + timedelta(days=32), today - timedelta(days=1)):
        with pytest.raises(ValidationError, match="within a month"):
            services.end_support(person=person, ended_on=ended_on, version=1, by=worker)
    last_day = today + timedelta(days=20)
    services.end_support(person=person, ended_on=last_day, version=1, by=worker)
    # Not ended yet: another team cannot take them on before that last day...
    for started_on in (today, last_day):
        with pytest.raises(ValidationError, match="already supported by a Wellbeing Team"):
            services.add_person(team=other_team, resident=person.resident, started_on=started_on,
                                hours_per_week=Decimal(5), by=coordinator)  # fmt: skip
    # ...and can from the day after (a handover).
    handover = services.add_person(team=other_team, resident=person.resident,
                                   started_on=last_day + timedelta(days=1),
                                   hours_per_week=Decimal(5), by=coordinator)  # fmt: skip
    assert handover.team == other_team


def test_ending_support_cancels_the_visits_planned_after_the_last_day(person, worker):
    today = timezone.localdate()
    last_day = today + timedelta(days=3)
    at = lambda days: datetime.combine(today + timedelta(days=days), time(10), tzinfo=UK)  # noqa: E731
    plan = {"person": person, "minutes": 30, "workers": [worker], "by": worker}
    before = services.plan_visit(start=at(2), **plan)
    after = services.plan_visit(start=at(5), **plan)
    pattern = services.create_pattern(
        weekdays=range(7), start_time=time(9), starts_on=today, **plan
    )
    services.end_support(person=person, ended_on=last_day, version=1, by=worker)
    after.refresh_from_db()
    before.refresh_from_db()
    assert (after.status, after.cancelled_by, after.cancelled_reason) == (
        Visit.Status.CANCELLED, worker, f"Support ended on {last_day:%d/%m/%Y}"
    )  # fmt: skip
    assert before.status == Visit.Status.PLANNED
    still = Visit.objects.filter(person=person).exclude(status=Visit.Status.CANCELLED)
    assert max(v.planned_on for v in still) == last_day
    pattern.refresh_from_db()
    assert pattern.ends_on == last_day
    assert services.generate_visits(pattern=pattern, until=today + timedelta(days=60)) == 0
    entry = Event.objects.filter(details__wellbeing_team="left").get()
    assert after.pk in entry.details["visits_cancelled"]


def test_a_visit_to_come_is_not_arrived_at_nor_missed_before_its_time(person, worker):
    later = VisitFactory(person=person, workers=[worker],
                         planned_start=timezone.now() + timedelta(days=30))  # fmt: skip
    with pytest.raises(ValidationError, match="record arriving on the day"):
        services.record_arrival(visit=later, by=worker)
    with pytest.raises(ValidationError, match="once its planned time has come"):
        services.mark_missed(visit=later, reason="Not at home", version=1, by=worker)
    later.refresh_from_db()
    assert (later.status, later.arrived_at) == (Visit.Status.PLANNED, None)
