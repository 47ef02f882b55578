"""Every role signs in and sees its pages; axe finds nothing on any page visited."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import WIDTHS, check_page, sign_in
from tests.factories import MembershipFactory
from thurrock_care.accounts.models import Role


@pytest.mark.parametrize("role", list(Role))
def test_each_role_signs_in_and_its_pages_are_accessible(
    page: Page, live_server, personas, grays, role
):
    MembershipFactory(locality=grays)
    user = personas[role]
    sign_in(page, live_server.url, user, check_as=role.value if role == Role.COORDINATOR else None)

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hello, {user.get_short_name()}")
    expect(page.locator(".tc-signed-in")).to_contain_text(user.full_name)
    check_page(page, f"home-{role.value}")

    page.get_by_role("link", name="Localities", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Localities")
    check_page(page, f"localities-{role.value}")

    page.get_by_role("link", name="Grays", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Grays")
    expect(page.get_by_role("heading", name="ILT member organisations")).to_be_visible()
    check_page(page, f"locality-{role.value}")


def test_a_user_without_mfa_is_sent_to_enrol_and_the_page_is_accessible(
    page: Page, live_server, grays
):
    from tests.conftest import totp_code
    from tests.factories import PASSWORD, UserFactory

    user = UserFactory(role=Role.PRACTITIONER, localities=[grays])
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/"))
    expect(page.get_by_text("set up two-factor authentication")).to_be_visible()
    check_page(page, "mfa-enrol")
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    check_page(page, "mfa-recovery-codes")
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hello, {user.get_short_name()}")


def test_sign_in_works_without_javascript_at_phone_width(browser, live_server, coordinator):
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": WIDTHS["phone"], "height": 800}
    )
    page = context.new_page()
    sign_in(page, live_server.url, coordinator)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Hello, {coordinator.get_short_name()}"
    )
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Thurrock Care")
    context.close()


def test_other_pages_are_accessible(page: Page, live_server, coordinator):
    page.goto(f"{live_server.url}/accounts/password/reset/")
    check_page(page, "password-reset")
    page.goto(f"{live_server.url}/accounts/signup/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Accounts are by invitation")
    check_page(page, "signup-closed")
    sign_in(page, live_server.url, coordinator)
    page.get_by_role("link", name="Security").click()
    check_page(page, "security")
    page.goto(f"{live_server.url}/no-such-page/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    check_page(page, "not-found")


def test_skip_link_moves_focus_to_the_main_content(page: Page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    skip.press("Enter")
    expect(page).to_have_url(re.compile(r"#main-content$"))


def test_api_docs_render_under_the_content_security_policy(page: Page, live_server, coordinator):
    sign_in(page, live_server.url, coordinator)
    page.goto(f"{live_server.url}/api/v1/docs/")
    expect(page.get_by_text("/api/v1/localities/", exact=True).first).to_be_visible()


def test_administration_site_works_under_the_content_security_policy(
    page: Page, live_server, personas
):
    sign_in(page, live_server.url, personas[Role.ADMINISTRATOR])
    page.get_by_role("link", name="Administration").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    page.get_by_role("link", name="Users").click()
    expect(page.get_by_role("link", name=personas[Role.COORDINATOR].full_name)).to_be_visible()
    check_page(page, "admin-users")
