"""The ILT pages in Chromium: join, approve, assets, meetings, learning; axe on every page."""

import re

from playwright.sync_api import Page, expect

from localities.models import JoinRequest, Organisation
from tests.browser.conftest import WIDTHS, check_page, sign_in
from tests.factories import ActionItemFactory, MeetingFactory, MembershipFactory
from thurrock_care.accounts.models import Role


def fill_join_form(page: Page, *, email: str = "jo@befrienders.test") -> None:
    page.get_by_label("Organisation name").fill("Blackshots Befrienders")
    page.get_by_label("Type of organisation").select_option(label="Voluntary and community group")
    page.get_by_label("What your organisation offers").fill("Phone calls and visits.")
    page.get_by_label("Your name").fill("Jo Baxter")
    page.get_by_label("Your e-mail address").fill(email)
    page.get_by_label("Your phone number (optional)").fill("01375 000000")


def test_a_visitor_asks_to_join_and_the_coordinator_approves(
    page: Page, live_server, personas, grays
):
    page.goto(f"{live_server.url}/localities/grays/join/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ask to join the Grays")
    check_page(page, "join-form")
    fill_join_form(page, email="not-an-email")
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    expect(page.get_by_label("Your name")).to_have_value("Jo Baxter")
    check_page(page, "join-form-error")
    page.get_by_label("Your e-mail address").fill("jo@befrienders.test")
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Request sent")
    check_page(page, "join-thanks")
    assert JoinRequest.objects.filter(organisation_name="Blackshots Befrienders").count() == 1

    sign_in(page, live_server.url, personas[Role.COORDINATOR], check_as="ilt-coordinator")
    check_page(page, "home-coordinator-with-a-join-request")
    page.get_by_role("link", name=re.compile("1 request to join the Grays ILT")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Requests to join the ILT")
    check_page(page, "join-requests")
    page.get_by_role("link", name="Blackshots Befrienders").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Blackshots Befrienders")
    check_page(page, "join-request")
    page.get_by_label("A new organisation called Blackshots Befrienders").check()
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Blackshots Befrienders has joined")
    check_page(page, "join-requests-approved")

    page.goto(f"{live_server.url}/localities/grays/")
    member = page.locator(".tc-members li", has_text="Blackshots Befrienders")
    expect(member).to_contain_text("New this month")
    expect(member).to_contain_text("jo@befrienders.test")
    check_page(page, "locality-with-new-member")
    assert Organisation.objects.filter(name="Blackshots Befrienders").exists()


def test_assets_meetings_and_learning_pages_are_accessible(
    page: Page, live_server, personas, grays
):
    member = MembershipFactory(locality=grays).organisation
    last = MeetingFactory(starts_at="2026-10-14T09:00Z")
    ActionItemFactory(meeting=last, text="Chase the housing repair", owner=member)
    sign_in(page, live_server.url, personas[Role.COORDINATOR])
    check_page(page, "home-coordinator-ilt")

    page.get_by_role("link", name="Community assets").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Community assets")
    check_page(page, "assets")
    page.get_by_role("link", name="Add a community asset").click()
    check_page(page, "asset-form")
    page.get_by_label("Name").fill("Grays Knit and Natter")
    page.get_by_label("Kind").select_option(label="Group")
    page.get_by_label("Neighbourhood").select_option(label="Grays")
    page.get_by_label("What it offers").fill("Knitting, tea and company.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Grays Knit and Natter has been added")
    check_page(page, "assets-added")
    page.get_by_label("Search", exact=True).fill("knit")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("heading", name="1 asset found")).to_be_visible()
    check_page(page, "assets-search")

    page.goto(f"{live_server.url}/localities/grays/meetings/")
    expect(page.get_by_role("heading", level=1)).to_have_text("ILT meetings")
    check_page(page, "meetings")
    page.get_by_role("link", name="Add a meeting").click()
    check_page(page, "meeting-form")
    page.get_by_label("Date and time").fill("2026-11-11T10:00")
    page.get_by_label("Place (optional)").fill("Grays Library")
    page.get_by_role("group", name="Organisations attending").get_by_label(member.name).check()
    page.get_by_role("button", name="Save meeting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Meeting of 11 November 2026")
    check_page(page, "meeting-added")
    page.get_by_role("button", name=re.compile("Mark as done")).click()
    expect(page.get_by_role("alert")).to_contain_text("Marked as done: Chase the housing repair")
    outstanding = page.locator("h2:has-text('Outstanding from the last meeting') + ul")
    expect(outstanding).to_contain_text("Chase the housing repair")
    expect(outstanding).to_contain_text("Done")
    check_page(page, "meeting")

    page.get_by_role("link", name="Learning", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Learning cycles")
    check_page(page, "learning")
    page.get_by_role("link", name="Add a learning cycle").click()
    check_page(page, "learning-form")
    page.get_by_label("Question or idea").fill("Would a Saturday drop-in reach carers?")
    page.get_by_role("button", name="Save learning cycle").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Would a Saturday drop-in reach carers?"
    )
    check_page(page, "learning-cycle")


def test_the_join_form_works_without_javascript_at_phone_width(browser, live_server, grays):
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": WIDTHS["phone"], "height": 800}
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/localities/grays/join/")
    fill_join_form(page)
    page.get_by_label("Your name").fill("")
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_text("Enter your name").first).to_be_visible()
    expect(page.get_by_label("Organisation name")).to_have_value("Blackshots Befrienders")
    page.get_by_label("Your name").fill("Jo Baxter")
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Request sent")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTHS["phone"], "the page scrolls sideways on a phone"
    context.close()
    assert JoinRequest.objects.count() == 1


def test_a_request_that_resembles_a_known_organisation_is_decided_explicitly(
    page: Page, live_server, personas, grays
):
    police = Organisation.objects.create(
        name="Essex Police", kind="community_policing", contact_email="ilt@essex.police.test"
    )
    JoinRequest.objects.create(
        locality=grays, organisation_name="Essex Police Community Policing Team",
        kind="community_policing", offer="PCSOs.", contact_name="A Stranger",
        contact_email=personas[Role.PARTNER].email,
    )  # fmt: skip
    sign_in(page, live_server.url, personas[Role.COORDINATOR])
    page.goto(f"{live_server.url}/localities/grays/join-requests/")
    page.get_by_role("link", name="Essex Police Community Policing Team").click()
    expect(page.locator(".govuk-warning-text")).to_contain_text("resembles 1 organisation")
    expect(page.locator(".govuk-inset-text")).to_contain_text("An account already uses")
    check_page(page, "join-request-resembling")
    page.get_by_role("button", name="Approve", exact=True).click()  # nothing chosen yet
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose whether this is")
    check_page(page, "join-request-approve-error")
    page.get_by_label("Essex Police (already in Thurrock Care)").check()
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Nobody was invited from the request")
    assert police.memberships.filter(locality=grays).exists()
