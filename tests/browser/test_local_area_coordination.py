"""Local Area Coordination in the browser: the 30-second conversation at a drop-in, on a
phone, keyboard only; nothing typed lost when the network drops during saving or the session
runs out; drafts gone on signing out. axe finds nothing on any page visited."""

import time
import uuid
from datetime import timedelta

from django.contrib.sessions.models import Session
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from introductions.models import Conversation, WellbeingAnswer
from introductions.services import drop_ins
from localities.models import Resident
from tests.browser.conftest import WIDTHS, check_page, sign_in
from tests.conftest import totp_code
from tests.factories import PASSWORD, CommunityAssetFactory, ResidentFactory
from tests.introductions.factories import DropInFactory
from thurrock_care.accounts.models import Role


class Keyboard:
    """Drives a page with the keyboard only, counting the fields it fills."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.fills = 0

    def tab_to(self, target: Locator, limit: int = 120) -> None:
        handle = target.element_handle()
        for _ in range(limit):
            self.page.keyboard.press("Tab")
            if self.page.evaluate("(element) => document.activeElement === element", handle):
                return
        raise AssertionError(f"Tab never reached {target}")

    def type_into(self, target: Locator, text: str) -> None:
        self.tab_to(target)
        self.page.keyboard.type(text)
        self.fills += 1

    def choose(self, target: Locator, letters: str) -> None:
        """A select: typed letters pick the option, as on any keyboard."""
        self.tab_to(target)
        self.page.keyboard.type(letters)
        self.fills += 1

    def press(self, target: Locator) -> None:
        self.tab_to(target)
        self.page.keyboard.press("Enter")


def test_a_conversation_with_someone_new_at_a_drop_in_on_a_phone_keyboard_only(
    page: Page, live_server, personas, grays
):
    practitioner = personas[Role.PRACTITIONER]
    start = timezone.now() - timedelta(minutes=30)
    session = drop_ins.create_drop_in(
        by=practitioner, locality=grays, title="Community Tuesday at Morrisons",
        venue="Morrisons, Grays", starts_at=start, ends_at=start + timedelta(hours=3),
    )  # fmt: skip
    drop_ins.start_drop_in(session=session, by=practitioner)
    page.set_viewport_size({"width": WIDTHS["phone"], "height": 800})
    sign_in(page, live_server.url, practitioner, check_as="lac-phone")
    keys = Keyboard(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")
    check_page(page, "lac-home")

    keys.press(page.get_by_role("link", name="Drop-ins and community events").first)
    expect(page.get_by_role("heading", level=1)).to_have_text("Drop-ins and community events")
    check_page(page, "lac-drop-ins")
    keys.press(page.get_by_role("link", name="Community Tuesday at Morrisons"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Community Tuesday at Morrisons")
    check_page(page, "lac-drop-in")
    keys.press(page.get_by_role("link", name="Add a conversation"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Log a conversation")
    check_page(page, "lac-quick-empty")

    # The search.
    keys.type_into(page.get_by_label("Who did you talk to?"), "Maureen Bell")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Nobody you can see by that name")).to_be_visible()
    check_page(page, "lac-quick-search")
    keys.fills = 0
    loads: list[str] = []
    page.on("domcontentloaded", lambda loaded: loads.append(loaded.url))

    # Her name came from the search, and "Drop-in" from the session: two fields to fill.
    expect(page.get_by_label("Their full name")).to_have_value("Maureen Bell")
    expect(page.get_by_label("Drop-in")).to_be_checked()
    keys.choose(page.get_by_label("Where they live"), "Grays")
    keys.type_into(page.get_by_label("What matters to them"), "Her husband's memory is going.")
    keys.press(page.get_by_role("button", name="Save conversation"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Community Tuesday at Morrisons")
    expect(page.get_by_text("Your conversation with Maureen Bell has been saved.")).to_be_visible()
    check_page(page, "lac-drop-in-after")
    keys.press(page.get_by_role("link", name="Maureen Bell"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Maureen Bell")
    history = page.locator("#history")
    expect(history).to_contain_text("Conversation: Drop-in at Community Tuesday at Morrisons")
    expect(history).to_contain_text("Her husband's memory is going.")
    check_page(page, "lac-timeline")
    assert keys.fills <= 5
    assert len(loads) <= 2, loads
    assert Conversation.objects.get().resident == Resident.objects.get(full_name="Maureen Bell")


def open_form(page: Page, live_server, resident) -> None:
    page.goto(f"{live_server.url}/lac/residents/{resident.pk}/conversations/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log a conversation")


def type_conversation(page: Page, text: str) -> None:
    page.get_by_label("Phone").check()
    page.get_by_label("What matters to them").fill(text)


def test_the_network_drops_during_saving_and_nothing_is_lost(page: Page, live_server, personas):
    practitioner = personas[Role.PRACTITIONER]
    resident = ResidentFactory(full_name="Arthur Dent")
    CommunityAssetFactory(name="Grays Library Drop-in")
    sign_in(page, live_server.url, practitioner)
    open_form(page, live_server, resident)
    check_page(page, "lac-conversation-form")
    page.get_by_text("Their story, in their own words (tell us once)").click()
    check_page(page, "lac-conversation-form-story")
    type_conversation(page, "Keeping his dog, Biscuit.")

    page.context.set_offline(True)
    page.get_by_role("button", name="Save conversation").click()
    expect(page.get_by_text("Not saved: no connection")).to_be_visible()
    expect(page.get_by_label("What matters to them")).to_have_value("Keeping his dog, Biscuit.")
    check_page(page, "lac-conversation-offline")
    assert Conversation.objects.count() == 0

    # Back online, it saves, once.
    page.context.set_offline(False)
    page.wait_for_function("navigator.onLine")  # the signal is back…
    # …though Chromium can fail requests for a moment after: as a person would, press Save
    # again while the page still says it could not save.
    for _ in range(20):
        page.get_by_role("button", name="Save conversation").click()
        try:
            expect(page.get_by_role("heading", level=1)).to_have_text("Arthur Dent", timeout=3000)
            break
        except AssertionError:
            expect(page.get_by_text("Not saved: no connection")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Arthur Dent")
    expect(page.locator("#history")).to_contain_text("Keeping his dog, Biscuit.")
    assert Conversation.objects.count() == 1
    # The draft is dropped once saved: the form is empty again.
    open_form(page, live_server, resident)
    expect(page.get_by_label("What matters to them")).to_have_value("")

    # A draft left (the page closed or reloaded mid-typing) comes back, with its key…
    type_conversation(page, "Wants to walk with the group.")
    page.reload()
    expect(page.get_by_label("What matters to them")).to_have_value("Wants to walk with the group.")
    expect(page.get_by_text("This has not been saved yet.")).to_be_visible()
    check_page(page, "lac-conversation-draft")
    drafts = page.evaluate("Object.keys(sessionStorage).filter(k => k.startsWith('tc-draft:'))")
    assert drafts == [f"tc-draft:{practitioner.pk}:/lac/residents/{resident.pk}/conversations/new/"]
    assert page.evaluate("Object.keys(localStorage).length") == 0
    # …and signing out drops every draft from the browser.
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Thurrock Care")
    assert page.evaluate("Object.keys(sessionStorage).filter(k => k.startsWith('tc-draft:'))") == []


def test_the_session_runs_out_mid_conversation_and_nothing_is_lost(
    page: Page, live_server, personas
):
    practitioner = personas[Role.PRACTITIONER]
    resident = ResidentFactory(full_name="Grace Adeyemi")
    sign_in(page, live_server.url, practitioner)
    open_form(page, live_server, resident)
    type_conversation(page, "Getting out of the flat more.")
    key = page.locator("input[name=submission_key]").input_value()
    uuid.UUID(key)

    Session.objects.all().delete()  # the session ran out while she was talking
    page.get_by_role("button", name="Save conversation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Thurrock Care")
    check_page(page, "lac-signed-out-while-typing")
    assert Conversation.objects.count() == 0

    # Signing in again (a fresh authenticator code) comes back to the form, filled.
    page.get_by_label("Email address").fill(practitioner.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    time.sleep(30 - time.time() % 30 + 1)  # the code used a moment ago may not be used again
    page.get_by_label("Authenticator code").fill(totp_code(practitioner.totp_secret))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log a conversation")
    expect(page.get_by_label("What matters to them")).to_have_value("Getting out of the flat more.")
    expect(page.get_by_label("Phone")).to_be_checked()
    assert page.locator("input[name=submission_key]").input_value() == key
    check_page(page, "lac-conversation-restored")
    page.get_by_role("button", name="Save conversation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Grace Adeyemi")
    page.go_back()  # and sent again from the browser's history: still one
    assert Conversation.objects.count() == 1
    assert Conversation.objects.get().what_matters == "Getting out of the flat more."


def test_every_other_lac_page_is_accessible(page: Page, live_server, personas, grays):
    """Introductions (made, changed, a conflict), reassigning, a conversation, the wellbeing
    questions, planning a drop-in, a LAC's own list: axe finds nothing on any of them."""
    from introductions.models import Introduction
    from introductions.services import conversations
    from tests.conftest import make_persona
    from tests.factories import ConsentFactory, OrganisationFactory

    coordinator = personas[Role.COORDINATOR]
    resident = ResidentFactory(full_name="Nora Batty")
    conversation = conversations.log_conversation(
        resident=resident, by=coordinator, how_we_met="home_visit", what_matters="Her café",
        next_steps="Try the walking group", sensitive=True,
    )  # fmt: skip
    session = DropInFactory(title="Talking Shop", locality=grays)
    sign_in(page, live_server.url, coordinator)
    lac = f"{live_server.url}/lac"
    for path, name in [
        (f"/conversations/{conversation.pk}/", "lac-conversation"),
        (f"/residents/{resident.pk}/wellbeing/", "lac-wellbeing"),
        ("/drop-ins/new/", "lac-drop-in-form"),
        (f"/drop-ins/{session.pk}/edit/", "lac-drop-in-edit"),
        (f"/drop-ins/{session.pk}/cancel/", "lac-drop-in-cancel"),
        ("/", "lac-my-work"),
    ]:
        page.goto(lac + path)
        check_page(page, name)

    # An introduction from her page, with a mistake first.
    page.goto(f"{live_server.url}/residents/{resident.pk}/")
    page.get_by_role("link", name="Local Area Coordination").click()
    page.get_by_label("A GP practice").check()
    page.get_by_label("Their name or organisation (optional)").fill("Dr Shah")
    page.get_by_label("Ended (agreed together)").check()
    page.get_by_text("How are you feeling? (optional: four questions)").click()
    page.locator("#id_worthwhile_8").check()
    page.get_by_role("button", name="Save introduction").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say why it ended")
    expect(page.locator("#id_worthwhile_8")).to_be_checked()  # the answer is kept, shown open
    check_page(page, "lac-introduction-form-error")
    page.get_by_label("Getting to know").check()
    page.get_by_role("button", name="Save introduction").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Introduction to Local Area Coordination"
    )
    check_page(page, "lac-introduction")
    assert WellbeingAnswer.objects.get().worthwhile == 8

    # Two people change it at once: the second sees both versions.
    introduction = Introduction.objects.get()
    page.get_by_role("link", name="Change").click()
    check_page(page, "lac-introduction-edit")
    from introductions.services import introductions as introduction_services

    introduction_services.update_introduction(
        introduction=introduction, by=coordinator, version=1, introduced_by="Her neighbour"
    )
    page.get_by_label("Walking alongside").check()
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Someone else saved this introduction")).to_be_visible()
    expect(page.get_by_role("cell", name="Her neighbour")).to_be_visible()
    check_page(page, "lac-introduction-conflict")

    # Reassigning: choose whose, then give them to someone else.
    make_persona(Role.PRACTITIONER, grays, full_name="Tess Taker")
    page.goto(f"{lac}/introductions/reassign/")
    page.get_by_label("Whose introductions").select_option(label=coordinator.full_name)
    page.get_by_role("button", name="Show their introductions").click()
    check_page(page, "lac-reassign")
    page.get_by_label("Give them to").select_option(label="Tess Taker")
    page.get_by_role("button", name="Reassign").click()
    expect(page.get_by_text("1 introduction given to Tess Taker.")).to_be_visible()

    # A partner who reads her record, with no introduction to see.
    named = OrganisationFactory()
    partner = make_persona(Role.PARTNER, grays, organisation=named)
    other = ResidentFactory(full_name="Compo Simmonite")
    ConsentFactory(resident=other, organisations=[named])
    page.get_by_role("button", name="Sign out").click()
    time.sleep(30 - time.time() % 30 + 1)  # a fresh authenticator window for a fresh sign-in
    sign_in(page, live_server.url, partner)
    page.goto(f"{lac}/residents/{other.pk}/introduction/")
    expect(page.get_by_text("has not been introduced")).to_be_visible()
    check_page(page, "lac-introduction-none")
