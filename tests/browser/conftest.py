"""Browser tests: Playwright driving Debian's Chromium against the live test server."""

import os
import time
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from tests.conftest import totp_code
from tests.factories import PASSWORD

# Playwright's sync API keeps an event loop in the test thread; the ORM must still work.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
WIDTHS = {"phone": 375, "desktop": 1280}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.django_db(transaction=True))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def page(page: Page):
    """Every page the tests visit loads without a script error or a blocked resource."""
    problems = []

    def on_console(message) -> None:
        # A failed load is reported through "response" below, with its address.
        if message.type in ("error", "warning") and "Failed to load resource" not in message.text:
            problems.append(f"console {message.type}: {message.text}")

    def on_response(response) -> None:
        # Pages may be 404 on purpose; what they load (CSS, scripts, images) may not.
        if response.status >= 400 and response.request.resource_type != "document":
            problems.append(f"{response.status} for {response.url}")

    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on("console", on_console)
    page.on("response", on_response)
    yield page
    assert problems == []


_axe = Axe()


def assert_accessible(page: Page) -> None:
    """axe-core finds no WCAG violation on the page as it is now."""
    results = _axe.run(page)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def screenshot(page: Page, name: str) -> None:
    """Save the page at phone and desktop widths (test-artifacts/, git-ignored)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    original = page.viewport_size
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=SCREENSHOTS / f"{name}-{label}-{width}.png", full_page=True)
    page.set_viewport_size(original)


def check_page(page: Page, name: str) -> None:
    assert_accessible(page)
    screenshot(page, name)


def sign_in(page: Page, base_url: str, user, *, check_as: str | None = None) -> None:
    """Sign in through the real pages: e-mail and password, then the authenticator code."""
    page.goto(f"{base_url}/accounts/login/")
    if check_as:
        check_page(page, f"sign-in-{check_as}")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if check_as:
        check_page(page, f"sign-in-code-{check_as}")
    if time.time() % 30 > 27:  # a code about to expire might be refused: wait for the next one
        time.sleep(30 - time.time() % 30)
    page.get_by_label("Authenticator code").fill(totp_code(user.totp_secret))
    page.get_by_role("button", name="Continue").click()
    # Signed in only once the code is accepted: wait for that before the test goes elsewhere.
    page.wait_for_url(lambda url: "/2fa/authenticate/" not in url)
