"""Wellbeing Teams on a phone: a worker's day with one-tap arrived/left (plain POST forms),
the visit record (what was typed kept; a double submit records once), the team's day with
late and missed visits, a person's page with outcomes and ratings, the team page, hours
changed only by the planning support worker, the home panel and the resident's link."""

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from localities.models import Neighbourhood
from tests.factories import ResidentFactory
from tests.wellbeing_teams.factories import PersonSupportedFactory, VisitFactory
from thurrock_care.audit.models import Event
from wellbeing_teams import services
from wellbeing_teams.models import HoursChange, OutcomeRating, TimeEntry, Visit

pytestmark = pytest.mark.django_db


def test_a_workers_day_lists_their_visits_with_one_tap_arrived_and_left(client, worker, person):
    visit = VisitFactory(person=person, workers=[worker], planned_start=timezone.now())
    someone_elses = VisitFactory(person=person, planned_start=timezone.now())
    client.force_login(worker)
    page = client.get(reverse("wellbeing_teams:my_day"))
    assert page.status_code == 200
    assert list(page.context["visits"]) == [visit]
    assert f'action="{reverse("wellbeing_teams:visit_arrived", args=[visit.pk])}"' in page.text
    assert reverse("wellbeing_teams:visit", args=[someone_elses.pk]) not in page.text
    assert Event.objects.filter(resident_id=person.resident_id, action="viewed").exists()

    response = client.post(reverse("wellbeing_teams:visit_arrived", args=[visit.pk]),
                           {"next": "my_day"})  # fmt: skip
    assert response.status_code == 302
    assert response.url == reverse("wellbeing_teams:my_day")
    visit.refresh_from_db()
    assert visit.status == Visit.Status.IN_PROGRESS
    first = visit.arrived_at
    client.post(reverse("wellbeing_teams:visit_arrived", args=[visit.pk]), {"next": "my_day"})
    visit.refresh_from_db()
    assert visit.arrived_at == first  # a second tap keeps the first time
    page = client.get(reverse("wellbeing_teams:my_day"))
    assert f'action="{reverse("wellbeing_teams:visit_left", args=[visit.pk])}"' in page.text
    client.post(reverse("wellbeing_teams:visit_left", args=[visit.pk]), {"next": "my_day"})
    visit.refresh_from_db()
    assert visit.status == Visit.Status.COMPLETED


def test_a_tap_by_get_is_refused(client, worker, person):
    visit = VisitFactory(person=person, workers=[worker])
    client.force_login(worker)
    assert client.get(reverse("wellbeing_teams:visit_arrived", args=[visit.pk])).status_code == 405


def test_the_visit_record_keeps_what_was_typed_and_a_double_submit_records_once(
    client, worker, person
):
    outcome = services.add_outcome(person=person, words="Walk to the shop on my own", by=worker)
    visit = VisitFactory(person=person, workers=[worker])
    client.force_login(worker)
    url = reverse("wellbeing_teams:visit", args=[visit.pk])
    page = client.get(url)
    assert "Walk to the shop on my own" in page.text
    key = str(uuid.uuid4())
    bad = {"submission_key": key, "version": "1", "what_happened": "We walked to the gate",
           f"rating_{outcome.pk}": "9"}  # fmt: skip
    response = client.post(url, bad)
    assert response.status_code == 400
    assert "We walked to the gate" in response.text
    good = {**bad, f"rating_{outcome.pk}": "3", f"note_{outcome.pk}": "Gate and back",
            "health_tasks": "Medication prompt"}  # fmt: skip
    assert client.post(url, good).status_code == 302
    assert client.post(url, good).status_code == 302  # the retry
    assert OutcomeRating.objects.filter(visit=visit).count() == 1
    visit.refresh_from_db()
    assert (visit.what_happened, visit.health_tasks) == (
        "We walked to the gate",
        "Medication prompt",
    )
    # An old form (version 1) with other words does not overwrite: 409, typed text kept.
    stale = {**good, "submission_key": str(uuid.uuid4()), "what_happened": "Older words"}
    response = client.post(url, stale)
    assert response.status_code == 409
    assert "Older words" in response.text
    visit.refresh_from_db()
    assert visit.what_happened == "We walked to the gate"


def test_the_teams_day_shows_late_and_missed_visits(client, worker, team_coordinator, person):
    now = timezone.now()
    late = VisitFactory(person=person, workers=[worker], planned_start=now - timedelta(minutes=31))
    VisitFactory(person=person, workers=[worker], planned_start=now - timedelta(minutes=10))
    missed = VisitFactory(person=person, workers=[worker], status=Visit.Status.MISSED,
                          missed_reason="Not at home", planned_start=now)  # fmt: skip
    if late.planned_on != timezone.localdate() or missed.planned_on != timezone.localdate():
        pytest.skip("too close to midnight")
    client.force_login(team_coordinator)
    page = client.get(reverse("wellbeing_teams:team_day", args=[person.team_id]))
    assert page.status_code == 200
    assert page.context["late"] == [late]
    assert page.context["missed"] == [missed]
    assert "Late (not started 30 minutes after the planned time)" in page.text
    assert "Not at home" in page.text
    assert escape(worker.full_name) in page.text


def test_a_day_that_is_not_a_date_shows_today(client, worker, team):
    client.force_login(worker)
    for day in ["2026-02-30", "\u0662\u0660\u0662\u0666-01-01", "x" * 500, "99999-01-01"]:
        response = client.get(reverse("wellbeing_teams:team_day", args=[team.pk]), {"day": day})
        assert response.status_code == 200
        assert response.context["day"] == timezone.localdate()


def test_the_person_page_shows_outcomes_with_ratings_and_hours_history(
    client, worker, planner, person
):
    outcome = services.add_outcome(person=person, words="See my grandson on Sundays", by=worker)
    services.rate_outcome(outcome=outcome, rating=2, note="Phoned him", by=worker)
    services.change_hours(person=person, hours_per_week=Decimal(12), reason="After a fall",
                          version=1, by=planner)  # fmt: skip
    client.force_login(worker)
    page = client.get(reverse("wellbeing_teams:person", args=[person.pk]))
    assert page.status_code == 200
    assert "See my grandson on Sundays" in page.text
    assert "Phoned him" in page.text
    assert "After a fall" in page.text
    assert reverse("wellbeing_teams:hours_change", args=[person.pk]) not in page.text


def test_only_the_planning_support_worker_changes_hours_on_the_web(client, worker, planner, person):
    url = reverse("wellbeing_teams:hours_change", args=[person.pk])
    client.force_login(worker)
    assert client.get(url).status_code == 403
    assert (
        client.post(url, {"version": 1, "hours_per_week": "20", "reason": "x"}).status_code == 403
    )
    client.force_login(planner)
    response = client.post(url, {"version": 1, "hours_per_week": "1e9", "reason": "Huge"})
    assert response.status_code == 400
    assert "Huge" in response.text
    response = client.post(url, {"version": 1, "hours_per_week": "14.5", "reason": "Walks again"})
    assert response.status_code == 302
    assert HoursChange.objects.get().reason == "Walks again"
    response = client.post(url, {"version": 1, "hours_per_week": "9", "reason": "Old form"})
    assert response.status_code == 409
    assert "Old form" in response.text


def test_adding_an_outcome_twice_with_one_key_adds_one(client, worker, person):
    client.force_login(worker)
    url = reverse("wellbeing_teams:outcome_create", args=[person.pk])
    assert client.post(url, {"words": ""}).status_code == 400
    data = {"submission_key": str(uuid.uuid4()), "words": "Cook my own dinner"}
    client.post(url, data)
    client.post(url, data)
    assert person.outcomes.count() == 1


def test_a_worker_records_their_time(client, worker, team):
    client.force_login(worker)
    url = reverse("wellbeing_teams:time_create", args=[team.pk])
    assert client.get(url).status_code == 200
    bad = {
        "category": "travel",
        "on": timezone.localdate().strftime("%d/%m/%Y"),
        "minutes": "99999999999999",
    }
    response = client.post(url, bad)
    assert response.status_code == 400
    data = {**bad, "minutes": "40", "submission_key": str(uuid.uuid4())}
    client.post(url, data)
    client.post(url, data)
    assert list(TimeEntry.objects.values_list("worker", "minutes")) == [(worker.pk, 40)]


def test_the_team_page_lists_members_and_caseload(client, worker, planner, person):
    client.force_login(worker)
    page = client.get(reverse("wellbeing_teams:team", args=[person.team_id]))
    assert page.status_code == 200
    assert escape(planner.full_name) in page.text
    assert "Planning support worker (trusted assessor)" in page.text
    assert escape(person.resident.display_name) in page.text


def test_a_workers_home_page_shows_their_visits_today(client, worker, person):
    visit = VisitFactory(person=person, workers=[worker], planned_start=timezone.now())
    client.force_login(worker)
    page = client.get(reverse("home"))
    assert "Your visits today" in page.text
    assert reverse("wellbeing_teams:visit", args=[visit.pk]) in page.text


def test_the_residents_link_leads_to_their_team_page_or_says_none(
    client, worker, person, practitioner
):
    client.force_login(worker)
    response = client.get(reverse("wellbeing_teams:for_resident", args=[person.resident_id]))
    assert response.url == reverse("wellbeing_teams:person", args=[person.pk])
    from tests.factories import ResidentFactory

    other = ResidentFactory()
    client.force_login(practitioner)
    response = client.get(reverse("wellbeing_teams:for_resident", args=[other.pk]))
    assert "Not supported by a Wellbeing Team" in response.text


def test_the_teams_day_says_who_is_where_and_next(client, worker, team_coordinator, person):
    now = timezone.now()
    here = VisitFactory(person=person, workers=[worker], planned_start=now - timedelta(minutes=5))
    services.record_arrival(visit=here, by=worker)
    VisitFactory(person=person, workers=[worker], planned_start=now + timedelta(minutes=50))
    if timezone.localdate(now + timedelta(minutes=50)) != timezone.localdate(
        now - timedelta(minutes=5)
    ):
        pytest.skip("too close to midnight")
    client.force_login(team_coordinator)
    page = client.get(reverse("wellbeing_teams:team_day", args=[person.team_id])).text
    name = escape(person.resident.display_name)  # as the page writes it (O&#x27;Connor)
    here.refresh_from_db()
    assert f"Now with {name}, since {timezone.localtime(here.arrived_at):%H:%M}." in page
    assert f"Next: {timezone.localtime(now + timedelta(minutes=50)):%H:%M} {name}." in page


def test_a_correction_on_the_web_keeps_and_shows_the_original(client, worker, person):
    visit = VisitFactory(person=person, workers=[worker], planned_start=timezone.now())
    visit = services.record_arrival(visit=visit, by=worker)
    client.force_login(worker)
    url = reverse("wellbeing_teams:visit_correct", args=[visit.pk])
    response = client.post(url, {"field": "arrived_at", "corrected": "25:99", "reason": "Typo"})
    assert response.status_code == 400
    assert "Enter a time like 08:05" in response.text
    assert "Typo" in response.text
    earlier = timezone.localtime(visit.arrived_at) - timedelta(minutes=2)
    if earlier.date() != timezone.localtime(visit.arrived_at).date():
        pytest.skip("too close to midnight")
    data = {"field": "arrived_at", "corrected": f"{earlier:%H:%M}", "reason": "Tapped late"}
    assert client.post(url, data).status_code == 302
    page = client.get(reverse("wellbeing_teams:visit", args=[visit.pk])).text
    original = timezone.localtime(visit.arrived_at)
    assert f"Arrived: {original:%H:%M} corrected to {earlier:%H:%M}" in page
    assert "Tapped late" in page


def test_marking_a_visit_missed_on_the_web(client, worker, team_coordinator, person):
    visit = VisitFactory(person=person, workers=[worker], planned_start=timezone.now())
    client.force_login(worker)
    url = reverse("wellbeing_teams:visit_missed", args=[visit.pk])
    assert client.post(url, {"version": "1", "reason": ""}).status_code == 400
    assert client.post(url, {"version": "1", "reason": "Not at home"}).status_code == 302
    again = client.post(url, {"version": "1", "reason": "Again"})  # an old form: explained
    assert again.status_code == 400
    assert "This visit is missed" in again.text
    assert "Again" in again.text
    visit.refresh_from_db()
    assert (visit.status, visit.missed_reason) == (Visit.Status.MISSED, "Not at home")


def test_cancelling_a_visit_records_by_whom(client, worker, person):
    visit = VisitFactory(person=person, workers=[worker], planned_start=timezone.now())
    client.force_login(worker)
    url = reverse("wellbeing_teams:visit_cancel", args=[visit.pk])
    assert "Keep the visit" in client.get(url).text
    assert client.post(url, {"version": "1", "reason": "In hospital"}).status_code == 302
    page = client.get(reverse("wellbeing_teams:visit", args=[visit.pk])).text
    assert f"{escape(worker.full_name)}: In hospital" in page


def test_preferred_workers_are_chosen_from_the_team_and_ticked_when_planning(
    client, worker, planner, person, other_worker
):
    client.force_login(worker)
    url = reverse("wellbeing_teams:preferred_workers", args=[person.pk])
    response = client.post(url, {"workers": [other_worker.pk]})
    assert response.status_code == 400
    assert "Choose members of the team" in response.text
    assert client.post(url, {"workers": [worker.pk, planner.pk]}).status_code == 302
    assert set(person.preferred_workers.all()) == {worker, planner}
    form = client.get(reverse("wellbeing_teams:plan_visit", args=[person.pk])).context["form"]
    assert set(form.initial["workers"]) == {worker, planner}


def test_ending_support_keeps_the_team_seeing_them_for_a_while(client, worker, person):
    client.force_login(worker)
    url = reverse("wellbeing_teams:end_support", args=[person.pk])
    before_start = (person.started_on - timedelta(days=1)).strftime("%d/%m/%Y")
    response = client.post(url, {"version": "1", "ended_on": before_start})
    assert response.status_code == 400
    assert "Support cannot end before it started" in response.text
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert client.post(url, {"version": "1", "ended_on": today}).status_code == 302
    person.refresh_from_db()
    assert person.ended_on == timezone.localdate()
    page = client.get(reverse("wellbeing_teams:person", args=[person.pk]))
    assert page.status_code == 200  # still seen, for WELLBEING_TEAMS_ACCESS_AFTER_LEAVING_DAYS
    assert (
        f"Left {person.team.name}"
        in client.get(reverse("residents:detail", args=[person.resident_id])).text
    )


def test_a_visit_record_typed_as_the_session_ran_out_comes_back_and_saves_once(
    client, worker, person, team
):
    """As on the conversation form (thurrock_care/drafts.py): signed out while typing, the
    record is kept through signing in, for its author only, and saving it makes one record."""
    from tests.wellbeing_teams.conftest import member
    from thurrock_care import drafts

    visit = VisitFactory(person=person, workers=[worker])
    url = reverse("wellbeing_teams:visit", args=[visit.pk])
    typed = {"submission_key": str(uuid.uuid4()), "version": "1",
             "what_happened": "Made tea together; she walked to the gate",
             "draft_author": drafts.author_token(worker)}  # fmt: skip
    response = client.post(url, typed)  # signed out: the session ran out
    assert response.url.startswith(reverse("account_login"))
    colleague = member(team)
    client.force_login(colleague)  # someone else on this phone: never shown to them
    assert "Made tea together" not in client.get(url).text
    client.logout()
    client.post(url, typed)
    client.force_login(worker)
    back = client.get(url).text
    assert "You were signed out before this was saved" in back
    assert "Made tea together; she walked to the gate" in back
    assert typed["submission_key"] in back
    assert client.post(url, typed).status_code == 302
    assert client.post(url, typed).status_code == 302  # the retry
    visit.refresh_from_db()
    assert visit.what_happened == "Made tea together; she walked to the gate"
    assert visit.version == 2


def test_the_teams_day_names_only_people_the_viewer_still_sees(client, team, worker, practitioner):
    """Back in time (?day=) past the set period after someone left the caseload, or after
    they moved to another locality, the team's day does not name them."""
    long_ago = timezone.localdate() - timedelta(days=200)
    gone = PersonSupportedFactory(
        team=team,
        resident=ResidentFactory(full_name="Zebedee Leftlongago"),
        started_on=long_ago - timedelta(days=30),
        ended_on=long_ago + timedelta(days=10),
    )
    then = timezone.now() - timedelta(days=200)
    VisitFactory(person=gone, planned_start=then, workers=[worker])
    moved = PersonSupportedFactory(team=team, resident=ResidentFactory(full_name="Yolanda Moved"))
    VisitFactory(person=moved, planned_start=then, workers=[worker])
    VisitFactory(person=moved, workers=[worker])
    moved.resident.neighbourhood = Neighbourhood.objects.exclude(locality=team.locality).first()
    moved.resident.save(update_fields=["neighbourhood"])
    url = reverse("wellbeing_teams:team_day", args=[team.pk])
    that_day = {"day": timezone.localdate(then).isoformat()}
    client.force_login(worker)
    page = client.get(url, that_day)
    assert page.status_code == 200
    assert "Zebedee Leftlongago" not in page.text
    assert "Yolanda Moved" in page.text
    client.force_login(practitioner)  # of Grays: sees Zebedee (lives there), not Yolanda
    for day in (that_day, {}):
        page = client.get(url, day)
        assert page.status_code == 200
        assert "Yolanda Moved" not in page.text
    client.force_login(worker)  # still on the team's caseload: the team sees her
    assert "Yolanda Moved" in client.get(url).text


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_the_first_and_last_dates_there_are_show_the_nearest_sensible_day(
    client, worker, team, day
):
    client.force_login(worker)
    for name, args in (("team_day", [team.pk]), ("my_day", [])):
        response = client.get(reverse(f"wellbeing_teams:{name}", args=args), {"day": day})
        assert response.status_code == 200
        assert date(2000, 1, 1) <= response.context["day"] <= date(9999, 1, 1)


def test_a_visit_on_the_last_day_there_is_is_refused_and_the_pages_still_open(
    client, worker, person
):
    client.force_login(worker)
    typed = {"submission_key": str(uuid.uuid4()), "on": "31/12/9999", "start_time": "23:50",
             "minutes": "45", "workers": [worker.pk]}  # fmt: skip
    response = client.post(reverse("wellbeing_teams:plan_visit", args=[person.pk]), typed)
    assert response.status_code == 400
    assert "Enter a day from" in response.text
    assert 'value="31/12/9999"' in response.text
    assert not Visit.objects.exists()
    # Even were one there, the pages that show it open.
    VisitFactory(person=person, workers=[worker],
                 planned_start=datetime(9999, 12, 31, 23, 50, tzinfo=UTC))  # fmt: skip
    assert client.get(reverse("wellbeing_teams:person", args=[person.pk])).status_code == 200
