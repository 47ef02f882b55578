"""The resident's history (MOJ timeline) and the home page's panels in the browser: filtered
by kind, paged, without JavaScript at phone width; axe finds nothing on any page visited."""

import datetime
import re

from playwright.sync_api import Page, expect

from localities.models import Consent, Locality, Resident, StoryEntry, StorySection
from localities.services import residents as services
from tests.browser.conftest import WIDTHS, check_page, screenshot, sign_in
from tests.conftest import make_persona
from tests.factories import OrganisationFactory, ResidentFactory
from thurrock_care.accounts.models import Role


def a_life(coordinator) -> Resident:
    """A resident with entries of every kind localities keeps, and a long story."""
    resident = ResidentFactory(full_name="Nora Batty", key_safety_information="Dog bites")
    for i in range(20):
        StoryEntry.objects.create(resident=resident, section="strengths", text=f"Version {i}",
                                  written_by=coordinator)  # fmt: skip
    services.write_story(resident=resident, by=coordinator, section=StorySection.ABOUT_ME,
                         text="I ran the café on the high street for thirty years.")  # fmt: skip
    rex = services.add_connection(resident=resident, by=coordinator, kind="pet", name="Rex")
    services.remove_connection(connection=rex, by=coordinator)
    services.record_consent(
        resident=resident, by=coordinator, decision=Consent.Decision.GIVEN,
        decided_on=datetime.date(2025, 3, 3),
        organisations=[OrganisationFactory(name="Grays Housing Team")],
    )  # fmt: skip
    outsider = make_persona(Role.PRACTITIONER, Locality.objects.get(slug="asop"))
    services.break_glass(resident=resident, by=outsider, reason="At the drop-in, unwell")
    return resident


def test_the_history_filtered_and_paged(page: Page, live_server, personas, grays):
    coordinator = personas[Role.COORDINATOR]
    resident = a_life(coordinator)
    sign_in(page, live_server.url, coordinator)
    expect(page.get_by_role("link", name="1 break-glass access to review")).to_be_visible()
    check_page(page, "home-coordinator-panels")

    page.goto(f"{live_server.url}/residents/{resident.pk}/")
    history = page.locator("#history")
    items = history.locator(".moj-timeline__item")
    expect(items).to_have_count(20)
    expect(items.first).to_contain_text("Opened with break-glass access")
    expect(items.first).to_contain_text("At the drop-in, unwell")
    expect(history).not_to_contain_text("Dog bites")
    check_page(page, "resident-history")

    # Older entries are on the next page.
    history.get_by_role("link", name="Next page").click()
    expect(page).to_have_url(re.compile(r"timeline_page=2#history$"))
    expect(items).to_have_count(5)
    expect(items.last).to_contain_text("My strengths written")

    # Only consent and people and places: the filter and the page stay in the address.
    history.get_by_role("checkbox", name="Consent", exact=True).check()
    history.get_by_role("checkbox", name="People and places").check()
    history.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"\?kind=consent&kind=connection#history$"))
    expect(items).to_have_count(3)
    expect(items.first).to_contain_text("Consent to share given")
    expect(items.first).to_contain_text("Covers Grays Housing Team")
    expect(history.get_by_role("checkbox", name="Consent", exact=True)).to_be_checked()
    check_page(page, "resident-history-filtered")
    page.set_viewport_size({"width": WIDTHS["phone"], "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS["phone"]
    history.get_by_role("link", name="Show everything").click()
    expect(items).to_have_count(20)


def test_the_history_without_javascript_at_phone_width(browser, live_server, personas, grays):
    resident = a_life(personas[Role.COORDINATOR])
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": WIDTHS["phone"], "height": 800}
    )
    page = context.new_page()
    practitioner = personas[Role.PRACTITIONER]
    sign_in(page, live_server.url, practitioner)
    page.goto(f"{live_server.url}/residents/{resident.pk}/#history")
    history = page.locator("#history")
    # Break-glass access is for those who review the record: not offered, not shown.
    expect(history.get_by_role("checkbox", name="Break-glass access")).to_have_count(0)
    expect(history).not_to_contain_text("At the drop-in")
    history.get_by_role("checkbox", name="Story").check()
    history.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"\?kind=story#history$"))
    expect(history.locator(".moj-timeline__item").first).to_contain_text("About me written")
    expect(history.get_by_text("21 entries of the kinds chosen")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS["phone"]
    screenshot(page, "resident-history-no-javascript")  # axe needs JavaScript: checked above
    context.close()
