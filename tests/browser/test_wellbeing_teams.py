"""A Wellbeing Team worker's day in the browser, on a phone (375 px): open their day, tap
Arrived, record the visit with outcome progress, tap Left; the team's day shows it completed.
axe finds nothing on any page visited (screenshots for docs/wellbeing-teams.md)."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.conftest import WIDTHS, check_page, sign_in
from tests.wellbeing_teams.conftest import member
from tests.wellbeing_teams.factories import PersonSupportedFactory, TeamFactory, VisitFactory
from wellbeing_teams import services
from wellbeing_teams.models import OutcomeRating, TeamMember, Visit


def test_a_workers_day_on_a_phone(page: Page, live_server, grays):
    team = TeamFactory(name="Grays Riverside", locality=grays)
    worker = member(team, full_name="Wendy Okafor")
    member(team, TeamMember.Role.PLANNING, full_name="Pete Planner")
    person = PersonSupportedFactory(team=team, resident__full_name="Grace Adeyemi")
    outcome = services.add_outcome(person=person, words="Walk to the shop on my own", by=worker)
    start = timezone.now() - timedelta(minutes=5)
    if timezone.localdate(start) != timezone.localdate():
        start = timezone.now()
    visit = VisitFactory(person=person, workers=[worker], planned_start=start)

    page.set_viewport_size({"width": WIDTHS["phone"], "height": 800})
    sign_in(page, live_server.url, worker)
    expect(page.get_by_role("heading", name="Your visits today")).to_be_visible()
    check_page(page, "wellbeing-home")

    page.get_by_role("link", name="My visits today").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My visits today")
    check_page(page, "wellbeing-my-day")
    page.get_by_role("button", name="Arrived at Grace Adeyemi").click()
    expect(page.get_by_text("Arrived: ")).to_be_visible()
    expect(page.get_by_text("In progress", exact=True)).to_be_visible()
    check_page(page, "wellbeing-my-day-arrived")

    page.get_by_role("link", name="Record the visit with Grace Adeyemi").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Visit,")
    check_page(page, "wellbeing-visit")
    page.get_by_label("What happened").fill("We walked to the corner and back together.")
    page.get_by_label("Health care tasks done").fill("Morning medication prompt")
    page.get_by_role("group", name="Progress: “Walk to the shop on my own”").get_by_label(
        "3: some progress"
    ).check()
    page.get_by_label("Note on “Walk to the shop on my own” (optional)").fill("Halfway there")
    page.get_by_role("button", name="Save the record").click()
    expect(page.get_by_text("The visit has been recorded.")).to_be_visible()
    check_page(page, "wellbeing-visit-recorded")

    page.goto(f"{live_server.url}/wellbeing-teams/my-day/")
    page.get_by_role("button", name="Left Grace Adeyemi").click()
    expect(page.get_by_text("Completed", exact=True)).to_be_visible()
    check_page(page, "wellbeing-my-day-left")

    page.goto(f"{live_server.url}/wellbeing-teams/teams/{team.pk}/day/")
    card = page.locator(f"#visit-{visit.pk}")
    expect(card.get_by_text("Completed", exact=True)).to_be_visible()
    expect(page.get_by_text("1 visit, 1 completed, 0 late, 0 missed.")).to_be_visible()
    check_page(page, "wellbeing-team-day")

    page.goto(f"{live_server.url}/wellbeing-teams/people/{person.pk}/")
    expect(page.get_by_text("Halfway there")).to_be_visible()
    check_page(page, "wellbeing-person")
    page.get_by_role("link", name="Plan a visit").click()
    page.get_by_role("button", name="Plan the visit").click()  # nothing filled in: explained
    expect(page.get_by_role("alert")).to_be_visible()
    check_page(page, "wellbeing-plan-visit-errors")
    page.goto(f"{live_server.url}/wellbeing-teams/teams/{team.pk}/")
    expect(page.get_by_text("Pete Planner")).to_be_visible()
    check_page(page, "wellbeing-team")
    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_text("Started within 15 minutes of the plan")).to_be_visible()
    check_page(page, "wellbeing-dashboard")

    visit.refresh_from_db()
    assert visit.status == Visit.Status.COMPLETED
    assert visit.what_happened == "We walked to the corner and back together."
    assert list(OutcomeRating.objects.filter(visit=visit).values_list("outcome", "rating")) == [
        (outcome.pk, 3)
    ]


def test_a_coordinator_sets_up_a_team_and_adds_a_member_and_a_resident(
    page: Page, live_server, grays
):
    from tests.conftest import make_persona
    from tests.factories import ResidentFactory
    from thurrock_care.accounts.models import Role

    coordinator = make_persona(Role.COORDINATOR, grays)
    worker = make_persona(Role.WELLBEING_WORKER, grays, full_name="Wendy Okafor")
    resident = ResidentFactory(full_name="Grace Adeyemi")
    page.set_viewport_size({"width": WIDTHS["phone"], "height": 800})
    sign_in(page, live_server.url, coordinator)
    page.goto(f"{live_server.url}/wellbeing-teams/")
    page.get_by_role("link", name="Set up a team").click()
    check_page(page, "wellbeing-team-new")
    page.get_by_label("Team name").fill("Grays Riverside")
    page.get_by_label("Grays", exact=True).first.check()
    page.get_by_role("button", name="Set up the team").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Grays Riverside")
    page.get_by_role("link", name="Add a member").click()
    check_page(page, "wellbeing-member-new")
    page.get_by_label("Their e-mail address").fill(worker.email)
    page.get_by_label("Independence support worker").check()
    page.get_by_label("Contracted hours a week").fill("37.5")
    page.get_by_role("button", name="Add the member").click()
    expect(page.get_by_text("Wendy Okafor is now a member of Grays Riverside.")).to_be_visible()
    page.goto(f"{live_server.url}/wellbeing-teams/residents/{resident.pk}/join/")
    check_page(page, "wellbeing-join")
    page.get_by_label("Commissioned hours a week").fill("10")
    page.get_by_role("button", name="Add to the caseload").click()
    expect(page.get_by_text("They are now supported by Grays Riverside.")).to_be_visible()
    check_page(page, "wellbeing-person-new")
    # Wendy leaves the team: her last day, recorded from the team page.
    page.goto(f"{live_server.url}/wellbeing-teams/")
    page.get_by_role("link", name="Grays Riverside", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Grays Riverside")
    page.get_by_role("link", name="Leaves the team").click()
    check_page(page, "wellbeing-member-end")
    page.get_by_label("Their last day in the team").fill(timezone.localdate().strftime("%d/%m/%Y"))
    page.get_by_role("button", name="Record that they leave").click()
    expect(page.get_by_text("Wendy Okafor leaves Grays Riverside")).to_be_visible()
    expect(page.get_by_text("Last day")).to_be_visible()


def test_the_connection_drops_while_saving_a_visit_record_and_nothing_is_lost(
    page: Page, live_server, grays
):
    """On a phone with a poor signal, as on the conversation form: offline, Save keeps the
    text on screen and says so; back online, it saves once."""
    team = TeamFactory(name="Grays Riverside", locality=grays)
    worker = member(team, full_name="Wendy Okafor")
    person = PersonSupportedFactory(team=team, resident__full_name="Grace Adeyemi")
    visit = VisitFactory(person=person, workers=[worker], planned_start=timezone.now())
    page.set_viewport_size({"width": WIDTHS["phone"], "height": 800})
    sign_in(page, live_server.url, worker)
    page.goto(f"{live_server.url}/wellbeing-teams/visits/{visit.pk}/")
    words = "Made tea together; she walked to the gate."
    page.get_by_label("What happened").fill(words)
    page.context.set_offline(True)
    page.get_by_role("button", name="Save the record").click()
    expect(page.get_by_text("Not saved: no connection")).to_be_visible()
    expect(page.get_by_label("What happened")).to_have_value(words)
    check_page(page, "wellbeing-visit-offline")
    page.context.set_offline(False)
    page.wait_for_function("navigator.onLine")
    for _ in range(20):  # Chromium can fail a request for a moment after coming back online
        page.get_by_role("button", name="Save the record").click()
        try:
            expect(page.get_by_text("The visit has been recorded.")).to_be_visible(timeout=3000)
            break
        except AssertionError:
            expect(page.get_by_text("Not saved: no connection")).to_be_visible()
    expect(page.get_by_text("The visit has been recorded.")).to_be_visible()
    visit.refresh_from_db()
    assert (visit.what_happened, visit.version) == (words, 2)
