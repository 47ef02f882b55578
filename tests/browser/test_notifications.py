"""Notifications in Chromium: the count in the header, the list, opening one, mark all read,
the e-mail settings; axe at desktop and phone widths; and all of it without JavaScript."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import Page, expect

from localities.models import Locality
from localities.services.residents import break_glass
from tests.browser.conftest import WIDTHS, assert_accessible, check_page, sign_in
from tests.conftest import make_persona
from tests.factories import ResidentFactory
from thurrock_care.accounts.models import Role
from thurrock_care.notifications.models import Notification, Preference
from thurrock_care.notifications.services import notify


def told(coordinator, grays) -> None:
    """A break-glass alert and a possible duplicate for the coordinator (the latter earlier)."""
    outsider = make_persona(Role.PRACTITIONER, Locality.objects.get(slug="asop"))
    break_glass(resident=ResidentFactory(), by=outsider, reason="She is at the door")
    notify(
        recipient=coordinator, kind="possible_duplicate",
        subject="A possible duplicate record to review", body="Record TC000001 may be TC000002.",
        link="/residents/possible-duplicates/", dedupe_key="possible_duplicate:0:0",
        due_at=timezone.now() - timedelta(hours=1),
    )  # fmt: skip


def accessible_at_phone_width(page: Page) -> None:
    original = page.viewport_size
    page.set_viewport_size({"width": WIDTHS["phone"], "height": 900})
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS["phone"]
    page.set_viewport_size(original)


def test_a_coordinator_reads_notifications_and_chooses_e_mail(
    page: Page, live_server, personas, grays
):
    coordinator = personas[Role.COORDINATOR]
    told(coordinator, grays)
    sign_in(page, live_server.url, coordinator)
    header = page.get_by_role("link", name=re.compile(r"^Notifications"))
    expect(header).to_have_text("Notifications (2 unread)")
    header.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    headings = page.locator("main h2")
    expect(headings.nth(0)).to_have_text("Unread Break-glass access to a resident's record")
    expect(headings.nth(1)).to_have_text("Unread A possible duplicate record to review")
    expect(page.locator("main")).to_contain_text("Their reason:She is at the door")
    check_page(page, "notifications")
    accessible_at_phone_width(page)

    page.get_by_role("link", name="Break-glass access to a resident's record").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Break-glass")
    expect(header).to_have_text("Notifications (1 unread)")
    header.click()
    expect(page.locator("main .govuk-tag")).to_have_count(1)
    page.get_by_role("button", name="Mark all as read").click()
    expect(page.get_by_role("alert")).to_contain_text("Marked 1 notification as read.")
    expect(header).to_have_text("Notifications")
    expect(page.locator("main .govuk-tag")).to_have_count(0)
    check_page(page, "notifications-read")

    page.get_by_role("link", name="Choose which are e-mailed to you").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notification settings")
    check_page(page, "notification-settings")
    accessible_at_phone_width(page)
    page.get_by_label("A new record may be the same person as a record you review").uncheck()
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("alert")).to_contain_text("Your choices are saved.")
    expect(page.get_by_label(re.compile("^Someone used break-glass"))).to_be_checked()
    expect(
        page.get_by_label("A new record may be the same person as a record you review")
    ).not_to_be_checked()
    check_page(page, "notification-settings-saved")
    chosen = dict(Preference.objects.filter(user=coordinator).values_list("kind", "email"))
    assert chosen.pop("possible_duplicate") is False
    assert chosen.pop("monthly_digest") is False  # off until chosen, and not chosen
    # Every other kind stays on, as it was by default (break-glass, Local Area
    # Coordination's follow-ups, the MDT reminders…).
    assert {"break_glass", "follow_up_due"} <= set(chosen)
    assert all(chosen.values()), chosen


def test_notifications_work_without_javascript_at_phone_width(
    browser, live_server, personas, grays
):
    coordinator = personas[Role.COORDINATOR]
    told(coordinator, grays)
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": WIDTHS["phone"], "height": 800}
    )
    page = context.new_page()
    sign_in(page, live_server.url, coordinator)
    page.goto(f"{live_server.url}/notifications/")
    page.get_by_role("link", name="A possible duplicate record to review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Possible duplicate records")
    page.goto(f"{live_server.url}/notifications/")
    page.get_by_role("button", name="Mark all as read").click()
    expect(page.get_by_text("Marked 1 notification as read.")).to_be_visible()
    page.goto(f"{live_server.url}/notifications/settings/")
    page.get_by_label(re.compile("^Someone used break-glass")).uncheck()
    page.get_by_label("A new record may be the same person as a record you review").uncheck()
    page.get_by_label("A stay-in-touch follow-up is due").uncheck()
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Your choices are saved.")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS["phone"]
    context.close()
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    off = ["break_glass", "possible_duplicate", "follow_up_due"]
    assert not Preference.objects.filter(user=coordinator, kind__in=off, email=True).exists()
    assert Preference.objects.filter(user=coordinator, kind__in=off).count() == len(off)
