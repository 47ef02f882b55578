"""A new partner member follows their invitation from the e-mail to a signed-in home page."""

import re
import time

from playwright.sync_api import Page, expect

from localities.models import Organisation
from tests.browser.conftest import check_page
from tests.conftest import totp_code
from tests.factories import OrganisationFactory
from thurrock_care.accounts.models import Role
from thurrock_care.accounts.services import invite_user

PASSWORD = "blackshots-befrienders-2026"


def test_an_invitee_chooses_a_password_sets_up_an_authenticator_and_signs_in(
    page: Page, live_server, grays, settings, mailoutbox
):
    # Invited as an approved join request (or an administrator) would invite them; the
    # e-mail's links point at this test's server.
    settings.SITE_URL = live_server.url
    invite_user(
        by=None,
        email="jo@befrienders.test",
        full_name="Jo Baxter",
        role=Role.PARTNER,
        organisation=OrganisationFactory(
            name="Blackshots Befrienders", kind=Organisation.Kind.VOLUNTARY_GROUP
        ),
        localities=[grays],
    )
    (message,) = mailoutbox
    assert message.to == ["jo@befrienders.test"]
    link = re.search(r"https?://\S+", message.body)[0]
    assert link.startswith(f"{live_server.url}/accounts/password/reset/key/")

    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up your account")
    check_page(page, "invitation-choose-password")
    page.get_by_label("New Password", exact=True).fill(PASSWORD)
    page.get_by_label("New Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Choose a password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your password is set")
    check_page(page, "invitation-password-set")

    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Thurrock Care")
    page.get_by_label("Email address").fill("jo@befrienders.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # A partner sees residents' records, so an authenticator comes before any page.
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up your authenticator app")
    expect(page.get_by_text("set up two-factor authentication")).to_be_visible()
    expect(page.get_by_text("verified your email address")).to_have_count(0)
    check_page(page, "invitation-authenticator")
    secret = page.locator("#authenticator_secret").input_value()
    if time.time() % 30 > 27:  # a code about to expire might be refused: wait for the next one
        time.sleep(30 - time.time() % 30)
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/recovery-codes/"))
    check_page(page, "invitation-recovery-codes")

    page.get_by_role("link", name="Thurrock Care", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Jo")
    expect(page.locator(".tc-signed-in")).to_contain_text("Jo Baxter, Blackshots Befrienders")
    check_page(page, "invitation-home")
