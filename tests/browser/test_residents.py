"""Residents in the browser: create, find, tell us once, consent, break-glass, audit.
axe finds nothing on any page visited."""

import datetime

from playwright.sync_api import Page, expect

from localities.models import Locality, Resident
from tests.browser.conftest import WIDTHS, check_page, sign_in
from tests.conftest import make_persona
from tests.factories import MembershipFactory, OrganisationFactory, ResidentFactory
from thurrock_care.accounts.models import Role


def test_create_find_and_record_consent(page: Page, live_server, personas, grays):
    MembershipFactory(locality=grays, organisation=OrganisationFactory(name="Grays Housing Team"))
    coordinator = personas[Role.COORDINATOR]
    sign_in(page, live_server.url, coordinator)
    menu = page.get_by_role("navigation", name="Menu")
    menu.get_by_role("link", name="Residents").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a resident")
    check_page(page, "resident-search-empty")

    # Create her, with a mistake first: the error is clear and nothing typed is lost.
    page.get_by_role("link", name="Add a resident").click()
    page.get_by_label("Full name").fill("Siobhan O'Leary")
    page.get_by_label("Date of birth (optional)").fill("02/03/1948")
    page.get_by_label("Postcode (optional)").fill("rm18 7ab")
    page.get_by_label("Neighbourhood").select_option(label="Grays (Grays)")
    page.get_by_label("NHS number (optional)").fill("999 000 0019")
    page.get_by_role("button", name="Add resident").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("not a valid NHS number")
    expect(page.get_by_label("Full name")).to_have_value("Siobhan O'Leary")
    check_page(page, "resident-create-error")
    page.get_by_label("NHS number (optional)").fill("999 000 0018")
    page.get_by_role("button", name="Add resident").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Siobhan O'Leary")
    check_page(page, "resident-detail-new")

    # Tell us once: in her own words.
    page.get_by_role("link", name="Add About me").click()
    page.get_by_label("About me").fill("I was a school cook for thirty years.")
    check_page(page, "resident-story")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".tc-story").first).to_contain_text("school cook")

    # Her dog.
    page.get_by_role("link", name="Add a person or place").click()
    page.get_by_label("Pet").check()
    page.get_by_label("Name", exact=True).fill("Biscuit")
    check_page(page, "resident-connection")
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_role("cell", name="Biscuit Pet")).to_be_visible()

    # Consent to share with the housing team.
    page.get_by_role("link", name="Record consent").click()
    page.get_by_label("Given").check()
    page.get_by_label("Grays Housing Team").check()
    check_page(page, "resident-consent")
    page.get_by_role("button", name="Record decision").click()
    consent_card = page.locator(".govuk-summary-card", has_text="Consent to share")
    expect(consent_card).to_contain_text("Given")
    expect(consent_card).to_contain_text("Grays Housing Team")
    check_page(page, "resident-detail")

    # Find her again by what people type.
    for query in ["o leary", "RM187AB", "02/03/1948"]:
        menu.get_by_role("link", name="Residents").click()
        page.get_by_label("Find a resident").fill(query)
        page.get_by_role("button", name="Search").click()
        expect(
            page.get_by_role("link", name="Siobhan O'Leary (Shiv)").or_(
                page.get_by_role("link", name="Siobhan O'Leary")
            )
        ).to_be_visible()
    check_page(page, "resident-search-results")
    page.locator(".tc-resident-table").get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Siobhan O'Leary")

    # Creating her again offers the existing record first.
    page.goto(f"{live_server.url}/residents/new/")
    page.get_by_label("Full name").fill("Siobhan OLeary")
    page.get_by_label("Date of birth (optional)").fill("2/3/1948")
    page.get_by_label("Neighbourhood").select_option(label="Grays (Grays)")
    page.get_by_role("button", name="Add resident").click()
    expect(page.get_by_text("This may be someone we already know")).to_be_visible()
    check_page(page, "resident-create-duplicates")
    assert Resident.objects.count() == 1

    # Who looked at her record.
    page.get_by_role("link", name="Siobhan O'Leary").click()
    page.get_by_role("link", name="Who looked at this record").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Who looked at this record")
    expect(page.get_by_role("cell", name="Opened from search results").first).to_be_visible()
    check_page(page, "resident-audit")

    page.goto(f"{live_server.url}/residents/{Resident.objects.get().pk}/edit/")
    check_page(page, "resident-edit")
    page.goto(f"{live_server.url}/residents/{Resident.objects.get().pk}/status/")
    check_page(page, "resident-status")


def test_break_glass_and_review(page: Page, live_server, personas, grays):
    resident = ResidentFactory(full_name="Glass Resident", date_of_birth=datetime.date(1940, 1, 2))
    outsider = make_persona(Role.PRACTITIONER, Locality.objects.get(slug="asop"))
    sign_in(page, live_server.url, outsider)
    page.goto(f"{live_server.url}/residents/?q=glass")
    expect(page.get_by_role("heading", name="No residents found")).to_be_visible()
    page.get_by_role("link", name="request access", exact=True).click()
    check_page(page, "break-glass-request")
    page.get_by_label("Full name").fill("Glass Resident")
    page.get_by_label("Date of birth").fill("02/01/1940")
    page.get_by_label("Postcode").fill("RM17 6SL")
    page.get_by_label("Why do you need to see this record?").fill("She is at the drop-in, unwell")
    page.get_by_role("button", name="Open the record").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Glass Resident")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, live_server.url, personas[Role.COORDINATOR])
    page.goto(f"{live_server.url}/residents/break-glass/")
    expect(page.get_by_role("cell", name="She is at the drop-in, unwell")).to_be_visible()
    check_page(page, "break-glass-review")
    page.get_by_role("button", name=f"Mark reviewed access by {outsider.full_name}").click()
    expect(page.get_by_text("Reviewed", exact=True)).to_be_visible()

    # Merge page, as the coordinator.
    duplicate = ResidentFactory(full_name="Glass Resident")
    page.goto(f"{live_server.url}/residents/{resident.pk}/merge/")
    check_page(page, "resident-merge")
    page.get_by_label("Record number of the duplicate").fill(duplicate.reference)
    page.get_by_role("button", name="Compare the records").click()
    check_page(page, "resident-merge-compare")
    page.get_by_role(
        "button", name=f"Merge {duplicate.reference} into {resident.reference}"
    ).click()
    expect(page.get_by_text("has been merged into this record")).to_be_visible()


def test_find_and_add_without_javascript_at_phone_width(browser, live_server, personas, grays):
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": WIDTHS["phone"], "height": 800}
    )
    page = context.new_page()
    sign_in(page, live_server.url, personas[Role.PRACTITIONER])
    page.goto(f"{live_server.url}/residents/new/")
    page.get_by_label("Full name").fill("Phone Person")
    page.get_by_label("Neighbourhood").select_option(label="Blackshots (Grays)")
    page.get_by_role("button", name="Add resident").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Phone Person")
    page.goto(f"{live_server.url}/residents/?q=phone+persn")
    expect(page.get_by_role("link", name="Phone Person")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS["phone"]
    context.close()


def test_a_look_alike_is_flagged_and_the_coordinator_merges_it(
    page: Page, live_server, personas, grays
):
    """A partner adds someone the ILT already knows but they may not see: they are told
    nothing; the coordinator finds the pair on their home page, compares and merges."""
    known = ResidentFactory(full_name="Grace Adeyemi", date_of_birth=datetime.date(1939, 11, 30))
    sign_in(page, live_server.url, personas[Role.PARTNER])
    page.goto(f"{live_server.url}/residents/new/")
    page.get_by_label("Full name").fill("Grace Adeyemi")
    page.get_by_label("Date of birth (optional)").fill("30/11/1939")
    page.get_by_label("Neighbourhood").select_option(label="Grays (Grays)")
    page.get_by_role("button", name="Add resident").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Grace Adeyemi")
    expect(page.get_by_text("may be someone we already know")).to_have_count(0)
    expect(page.get_by_role("link", name="Change details")).to_have_count(0)  # reads only
    check_page(page, "resident-added-by-partner")
    added = Resident.objects.exclude(pk=known.pk).get()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, live_server.url, personas[Role.COORDINATOR])
    page.get_by_role("link", name="1 possible duplicate to review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Possible duplicate records")
    check_page(page, "possible-duplicates")
    page.get_by_role("link", name=f"Compare and merge {added.reference}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Merge a duplicate into this record")
    check_page(page, "possible-duplicate-merge")
    page.get_by_role("button", name=f"Merge {added.reference} into {known.reference}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Grace Adeyemi")
    page.goto(f"{live_server.url}/residents/possible-duplicates/")
    expect(page.get_by_text("Nothing to review.")).to_be_visible()
