"""The scrutiny report: asked for on its page, built by a real Celery worker (progress shown
meanwhile), a tagged PDF with a cover, contents, a summary, a section per locality and the
borough, and the published case studies; its text read back with pdftotext, two pages
pictured with pdftoppm into test-artifacts/ (git-ignored)."""

import subprocess
import time
import uuid
from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse

from localities.models import Locality
from tests.conftest import make_persona
from tests.factories import ResidentFactory
from tests.introductions.factories import IntroductionFactory
from thurrock_care.accounts.models import Role
from thurrock_care.reports import services
from thurrock_care.reports.models import ScrutinyReport

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def wait_until_finished(report: ScrutinyReport, timeout: float = 90) -> ScrutinyReport:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        report.refresh_from_db()
        if report.is_finished:
            return report
        time.sleep(0.5)
    raise AssertionError(f"The report is still {report.status} at {report.progress}%")


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_year_for_four_localities_is_built_by_the_worker(client, worker_outbox, grays, tmp_path):
    manager = make_persona(Role.MANAGER, grays)
    coordinator = make_persona(Role.COORDINATOR, grays)
    for _ in range(6):
        IntroductionFactory(introduced_on=date(2026, 3, 1), source="gp_practice")
    resident = ResidentFactory(full_name="Siobhan O'Leary")
    study = services.write_case_study(
        by=coordinator, resident=resident, title="A cook again",
        story="A widow, lonely since her husband died, now cooks at a lunch club.",
    )  # fmt: skip
    services.publish_case_study(study=study, by=manager, version=1)
    client.force_login(manager)
    response = client.post(reverse("reports:report_list"), {
        "submission_key": str(uuid.uuid4()), "period": "y:2026",
    })  # fmt: skip
    report = ScrutinyReport.objects.get()
    assert response.url == reverse("reports:report", args=[report.pk])
    assert report.localities.count() == 4  # none ticked: every locality
    report = wait_until_finished(report)
    assert report.status == ScrutinyReport.Status.DONE, report.stage
    page = client.get(response.url).text
    assert "The report is ready" in page
    download = client.get(reverse("reports:report_pdf", args=[report.pk]))
    assert download["Content-Type"] == "application/pdf"
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(download.content)
    text = " ".join(subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                                   capture_output=True, text=True).stdout.split())  # fmt: skip
    for heading in ["Integrated Locality Teams: the evidence", "Contents", "Summary",
                    "Aveley, South Ockendon and Purfleet", "Grays", "Tilbury and Chadwell",
                    "Thurrock", "Case studies", "A cook again"]:  # fmt: skip
        assert heading in text, heading
    assert "Introductions to Local Area Coordination 6" in text
    flowing = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], check=True,
                                      capture_output=True, text=True).stdout.split())  # fmt: skip
    assert "Urgent MDTs met within two working days" in flowing
    assert "Wellbeing Teams: time in direct contact (target 61%)" in flowing
    assert "Siobhan" not in text
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
    info = " ".join(info.stdout.split())
    assert "Tagged: yes" in info
    assert "Title: Integrated Locality Teams: the evidence, 2026" in info
    assert f"Pages: {report.pages}" in info
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "2", str(pdf),
                    str(ARTIFACTS / "scrutiny-report")], check=True)  # fmt: skip
    assert (
        sorted(p.name for p in ARTIFACTS.glob("scrutiny-report-*.png"))[:2]
        == [
            "scrutiny-report-01.png",
            "scrutiny-report-02.png",
        ]
        or len(list(ARTIFACTS.glob("scrutiny-report-*.png"))) >= 2
    )


@pytest.mark.django_db
def test_progress_is_shown_until_the_report_is_ready(client, grays):
    manager = make_persona(Role.MANAGER, grays)
    report = ScrutinyReport.objects.create(
        start=date(2026, 1, 1), end=date(2026, 12, 31), label="2026", requested_by=manager,
        progress=50, status="running", stage="Gathering the case studies",
    )  # fmt: skip
    client.force_login(manager)
    page = client.get(reverse("reports:report", args=[report.pk])).text
    assert "Being built</strong>: gathering the case studies (50%)" in page
    assert 'hx-trigger="every 2s"' in page
    partial = client.get(reverse("reports:report", args=[report.pk]), HTTP_HX_REQUEST="true")
    assert partial.text.lstrip().startswith('<div id="report-progress"')
    assert client.get(reverse("reports:report_pdf", args=[report.pk])).status_code == 404


@pytest.mark.django_db
def test_reports_and_figures_are_not_for_those_who_work_with_residents(client, grays):
    manager = make_persona(Role.MANAGER, grays)
    report = ScrutinyReport.objects.create(start=date(2026, 1, 1), end=date(2026, 12, 31),
                                           label="2026", requested_by=manager, status="done",
                                           pdf=b"%PDF-1.7", pages=1)  # fmt: skip
    urls = [reverse("reports:dashboard"), reverse("reports:figures_csv"),
            reverse("reports:report_list"), reverse("reports:report", args=[report.pk]),
            reverse("reports:report_pdf", args=[report.pk])]  # fmt: skip
    for role in (Role.PRACTITIONER, Role.PARTNER, Role.WELLBEING_WORKER):
        client.force_login(make_persona(role, grays))
        for url in urls:
            assert client.get(url).status_code == 404, (role, url)
        assert client.post(reverse("reports:report_list"), {"period": "y:2026"}).status_code == 404
    for role in (Role.MANAGER, Role.COORDINATOR, Role.ADMINISTRATOR):
        client.force_login(make_persona(role, Locality.objects.get(slug="asop")))
        for url in urls:
            assert client.get(url).status_code == 200, (role, url)
    client.logout()
    for url in urls:
        assert client.get(url).status_code == 302
    assert ScrutinyReport.objects.count() == 1


@pytest.mark.django_db
def test_a_bad_period_is_a_clear_message_not_an_error(client, grays):
    client.force_login(make_persona(Role.MANAGER, grays))
    dates = {"period": "dates"}
    for query in [{"period": "m:9999-99"}, dates,
                  {**dates, "start": "31/12/2026", "end": "01/01/2026"},
                  {**dates, "start": "01/01/2000", "end": "01/01/2026"},
                  {"period": "y:\u0661\u0660"}, {"localities": "9" * 21}]:  # fmt: skip
        response = client.get(reverse("reports:dashboard"), query)
        assert response.status_code == 400, query
        assert "govuk-error-summary" in response.text
        assert client.get(reverse("reports:figures_csv"), query).status_code == 400
