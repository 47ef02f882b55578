"""The evidence in the browser: a manager reads the figures, asks for the scrutiny report,
watches its progress while a real worker builds it, and downloads the PDF and the CSV; axe
finds nothing on the dashboard, the report pages or the case study pages."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.conftest import check_page, sign_in
from tests.factories import ResidentFactory
from tests.introductions.factories import IntroductionFactory
from thurrock_care.accounts.models import Role
from thurrock_care.reports import services

pytestmark = pytest.mark.integration


def test_a_manager_gets_the_scrutiny_report_and_the_figures(
    page: Page, live_server, personas, worker_outbox, tmp_path
):
    manager, coordinator = personas[Role.MANAGER], personas[Role.COORDINATOR]
    for _ in range(6):
        IntroductionFactory(introduced_on=timezone.localdate(), source="housing")
    study = services.write_case_study(
        by=coordinator, resident=ResidentFactory(full_name="Agnes Moor"), title="Home again",
        story="A man in his eighties went home from hospital with help from his neighbours.",
    )  # fmt: skip
    sign_in(page, live_server.url, manager)
    page.get_by_role("link", name="Figures", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Figures: ")
    check_page(page, "reports-dashboard")
    page.get_by_text("Choose another period or localities").click()
    page.get_by_label("Period", exact=True).select_option(label=f"{timezone.localdate():%B %Y}")
    page.get_by_role("button", name="Show figures").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Figures: {timezone.localdate():%B %Y}"
    )
    glance = page.get_by_role("table", name=f"At a glance: {timezone.localdate():%B %Y}")
    row = glance.get_by_role("row", name="Introductions to Local Area Coordination")
    # Columns: Aveley…, Grays, Stanford-le-Hope…, Tilbury…, Thurrock, the change.
    expect(row.get_by_role("cell").nth(1)).to_have_text("6")
    expect(row.get_by_role("cell").nth(4)).to_have_text("6")
    check_page(page, "reports-dashboard-month")
    with page.expect_download() as csv:
        page.get_by_role("link", name="Download these figures (CSV)").click()
    text = csv.value.path().read_text(encoding="utf-8-sig")
    assert '"Grays","Introductions to Local Area Coordination",6' in text

    # The monthly digest, as a member reads it.

    from localities.models import Locality
    from thurrock_care.reports import digests

    digest = digests.build_digest(locality=Locality.objects.get(slug="grays"),
                                  month=timezone.localdate().replace(day=1))  # fmt: skip
    page.goto(f"{live_server.url}/reports/digests/")
    check_page(page, "reports-digests")
    page.get_by_role("link", name=re.compile(f"^{digest.month:%B %Y}.*Grays")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Grays ILT:")
    check_page(page, "reports-digest")

    # Case studies: the list, and the one waiting, approved for publication.
    page.goto(f"{live_server.url}/reports/case-studies/")
    check_page(page, "reports-case-studies")
    page.goto(f"{live_server.url}/reports/case-studies/{study.pk}/")
    check_page(page, "reports-case-study")
    page.get_by_role("button", name="Approve for publication").click()
    expect(page.get_by_text("The case study is approved for publication.")).to_be_visible()

    # The report: asked for, its progress, then the download.
    page.goto(f"{live_server.url}/reports/scrutiny/")
    check_page(page, "reports-scrutiny")
    page.get_by_label("Period", exact=True).select_option(label=str(timezone.localdate().year))
    page.get_by_label("Grays").check()
    page.get_by_role("button", name="Build the report").click()
    expect(page.locator("#report-progress")).to_be_visible()
    check_page(page, "reports-progress")
    ready = page.get_by_role("heading", name="The report is ready")
    expect(ready).to_be_visible(timeout=90_000)  # the page asks again itself (htmx)
    check_page(page, "reports-ready")
    with page.expect_download() as pdf:
        page.get_by_role("link", name="Download the report (PDF)").click()
    assert pdf.value.path().read_bytes().startswith(b"%PDF")
    with page.expect_download() as figures:
        page.get_by_role("link", name="Download the figures (CSV)").click()
    assert "Grays" in figures.value.path().read_text(encoding="utf-8-sig")
