"""An urgent MDT end to end in the browser: requested from the resident's page with three
organisations (two required) → three invitees answer (one through the e-mailed link, without
an account) → the recommended time confirmed → the calendar invitations in the outbox parse as
iCalendar, and moving the meeting sends an update with the same UID → the meeting recorded with
four actions for four agencies → each owner completes theirs → the MDT closed. axe finds
nothing on any page visited."""

import re
import time
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import Page, expect

from mdt.models import Mdt, MdtAction
from tests.browser.conftest import check_page, sign_in
from tests.factories import MembershipFactory
from tests.mdt.factories import meeting_started, scene
from thurrock_care.accounts.models import Role

_windows: dict[int, int] = {}


def sign_in_once_a_code(page: Page, base: str, user) -> None:
    """Sign in; a second time for the same person waits for a fresh authenticator code (one
    used a moment ago is refused)."""
    if _windows.get(user.pk) == int(time.time() // 30):
        time.sleep(30 - time.time() % 30 + 1)
    sign_in(page, base, user)
    _windows[user.pk] = int(time.time() // 30)


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()


def calendars(messages) -> list[Calendar]:
    return [
        Calendar.from_ical(content)
        for message in messages
        for name, content, _ in message.attachments
        if name == "invite.ics"
    ]


def test_an_urgent_mdt_from_request_to_close(page: Page, live_server, personas, grays, mailoutbox):
    coordinator = personas[Role.COORDINATOR]
    s = scene(grays, coordinator)
    MembershipFactory(locality=grays, organisation=coordinator.organisation)
    base = live_server.url

    # 1. The coordinator requests an urgent MDT from the resident's page.
    sign_in_once_a_code(page, base, coordinator)
    page.goto(f"{base}/residents/{s.resident.pk}/")
    page.get_by_role("link", name="Request an MDT").click()
    check_page(page, "mdt-request")
    page.get_by_role("group", name="How soon").get_by_label("Urgent").check()
    page.get_by_label("The concern, in plain words").fill(
        "Damp flat; uses a wheelchair and cannot get out; a fall last week."
    )
    page.get_by_label("What the resident wants, in their words").fill(
        "I want to stay near my daughter."
    )
    invite = page.get_by_role("group", name="Organisations to invite")
    for org in s.organisations:
        invite.get_by_label(org.name).check()
    required = page.get_by_role("group", name="Which of them must be there (required)")
    required.get_by_label(s.housing.name).check()
    required.get_by_label(s.fire.name).check()
    # Forgot the consent question: the form says so and keeps what was typed.
    page.get_by_role("button", name="Request the MDT").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say whether the resident")
    expect(page.get_by_label("The concern, in plain words")).to_have_value(re.compile("Damp flat"))
    check_page(page, "mdt-request-error")
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Request the MDT").click()
    mdt = Mdt.objects.get()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Urgent MDT {mdt.reference}")
    expect(page.get_by_text("Meet within")).to_be_visible()

    # 2. Two quick picks proposed: every invitee is e-mailed a link.
    quick = page.get_by_role("group", name="Quick picks").get_by_role("checkbox")
    quick.nth(0).check()
    quick.nth(1).check()
    page.get_by_role("button", name="Propose these times").click()
    check_page(page, "mdt-finding-a-time")
    first, second = mdt.slots.order_by("starts_at")
    sign_out(page)

    # 3. Housing and fire answer in the app; NHS through the e-mailed link, signed out.
    for partner, answers in (
        (s.housing_partner, {first: "can", second: "can"}),
        (s.fire_partner, {first: "delegate", second: "can"}),  # required: can make both
    ):
        sign_in_once_a_code(page, base, partner)
        page.goto(f"{base}/mdt/{mdt.pk}/")
        for slot, answer in answers.items():
            page.get_by_label(str(slot)).select_option(answer)
        if "delegate" in answers.values():
            page.get_by_label("If you will send someone else").fill("Watch manager Ali")
        check_page(page, f"mdt-answer-{partner.organisation.kind}")
        page.get_by_role("button", name="Save our answers").click()
        expect(page.get_by_text("Your organisation's answers are saved.")).to_be_visible()
        sign_out(page)
    [email] = [m for m in mailoutbox if m.to == [s.nhs_partner.email]]
    link = re.search(r"https?://\S+/mdt/availability/\S+/", email.body).group(0)
    page.goto(link.replace(settings.SITE_URL, base))
    expect(page.get_by_text("Margaret")).to_have_count(0)
    expect(page.get_by_text("MED")).to_be_visible()
    check_page(page, "mdt-availability-link")
    page.get_by_label(str(first)).select_option("can")
    page.get_by_label(str(second)).select_option("cannot")
    page.get_by_role("button", name="Send our answers").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    check_page(page, "mdt-availability-done")

    # 4. The coordinator confirms the recommended time (the earliest both required can make).
    sign_in_once_a_code(page, base, coordinator)
    page.goto(f"{base}/mdt/{mdt.pk}/")
    expect(page.get_by_role("row", name=re.compile("Recommended"))).to_contain_text(str(first))
    check_page(page, "mdt-recommended")
    mailoutbox.clear()
    page.get_by_role("button", name="Confirm this time").click()
    expect(page.get_by_text("The time is confirmed")).to_be_visible()
    confirmed = calendars(mailoutbox)
    assert len(confirmed) == 4  # three partners and the coordinator
    event = confirmed[0].walk("VEVENT")[0]
    assert str(confirmed[0]["METHOD"]) == "REQUEST"
    assert event.decoded("DTSTART") == first.starts_at
    uid, sequence = str(event["UID"]), int(event["SEQUENCE"])
    check_page(page, "mdt-scheduled")

    # Moved to the other time: an update with the same UID and a higher SEQUENCE.
    mailoutbox.clear()
    page.get_by_role("group", name="Time").get_by_label(str(second)).check()
    page.get_by_role("button", name="Move the meeting to this time").click()
    expect(page.get_by_text("The meeting has moved")).to_be_visible()
    moved = calendars(mailoutbox)[0]
    assert str(moved["METHOD"]) == "REQUEST"
    assert str(moved.walk("VEVENT")[0]["UID"]) == uid
    assert int(moved.walk("VEVENT")[0]["SEQUENCE"]) > sequence

    # 5. The meeting (now begun) recorded, with four actions for four agencies.
    meeting_started(Mdt.objects.get(resident=s.resident))
    page.get_by_role("link", name="Record the meeting and actions").click()
    check_page(page, "mdt-meeting")
    attended = page.get_by_role("group", name="Attended")
    for org in s.organisations:
        attended.get_by_label(org.name).check()
    page.get_by_label("Discussion").fill("Damp, access and the fall.")
    page.get_by_label("Decisions").fill("Housing priority band; joint OT visit; fire check.")
    page.get_by_role("button", name="Save the record").click()
    expect(page.get_by_text("The meeting record is saved.")).to_be_visible()
    due = (timezone.localdate() + timedelta(days=3)).strftime("%d/%m/%Y")
    agencies = [
        ("Award a housing priority band", s.housing),
        ("Fire risk assessment", s.fire),
        ("Joint OT visit", s.nhs),
        ("Damp survey referral", coordinator.organisation),
    ]
    for what, org in agencies:
        page.get_by_label("Action", exact=True).fill(what)
        page.get_by_label("Owner organisation").select_option(label=org.name)
        page.get_by_label("Due by").fill(due)
        page.get_by_role("button", name="Add the action").click()
        expect(page.get_by_text("The action is added.")).to_be_visible()
    check_page(page, "mdt-meeting-actions")
    assert MdtAction.objects.filter(mdt=mdt).count() == 4
    sign_out(page)

    # 6. Each owner completes theirs from their home page.
    owners = [(s.housing_partner, agencies[0][0]), (s.fire_partner, agencies[1][0]),
              (s.nhs_partner, agencies[2][0]), (coordinator, agencies[3][0])]  # fmt: skip
    for owner, what in owners:
        sign_in_once_a_code(page, base, owner)
        expect(page.get_by_role("heading", name=re.compile("Your MDT actions"))).to_be_visible()
        check_page(page, f"mdt-home-{owner.pk}")
        page.get_by_role("link", name=what).click()
        expect(page.get_by_label("Done", exact=True)).to_be_visible()  # the page has loaded
        check_page(page, f"mdt-action-{owner.pk}")
        page.get_by_label("Done", exact=True).check()
        page.get_by_label("Note").fill("Done this week.")
        page.get_by_role("button", name="Update the action").click()
        expect(page.get_by_text("The action is updated.")).to_be_visible()
        if owner != coordinator:
            sign_out(page)
    assert not MdtAction.objects.filter(mdt=mdt, status="open").exists()

    # 7. The coordinator closes the MDT with its outcome.
    page.goto(f"{base}/mdt/{mdt.pk}/")
    page.get_by_role("link", name="Close the MDT").click()
    check_page(page, "mdt-close")
    page.get_by_label("Outcome summary").fill("Band A awarded; moving to extra care.")
    page.get_by_role("button", name="Close the MDT").click()
    expect(page.get_by_text(f"{mdt.reference} is closed.")).to_be_visible()
    check_page(page, "mdt-closed")
    page.goto(f"{base}/mdt/?locality={grays.pk}")
    expect(page.get_by_role("heading", name="Closed (1)")).to_be_visible()
    check_page(page, "mdt-board")
    mdt.refresh_from_db()
    assert mdt.status == Mdt.Status.CLOSED
