"""Building the scrutiny report: the figures of each locality and the borough for the period
(with their trend), the published case studies, laid out as a tagged PDF (WeasyPrint) with a
cover, contents, a summary and one section per place. Progress is written as it goes, so the
page asking for it can show it. These writes are the worker's own, with nobody to name in
the audit trail: asking for a report is services.request_report, audited."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from thurrock_care.reports import queries
from thurrock_care.reports.models import CaseStudy, ScrutinyReport
from thurrock_care.reports.periods import Period


def build(report: ScrutinyReport) -> None:
    from weasyprint import HTML  # imported here: slow to load, and only PDFs need it

    period = Period(report.start, report.end, report.label)
    places = list(report.localities.order_by("name"))
    progress(report, progress=10, stage="Counting the figures")
    sections = queries.with_trends(period, places)
    for section in sections:
        section["measures"] = queries.measures(section["figures"], section["previous"])
    progress(report, progress=50, stage="Gathering the case studies")
    studies = list(
        CaseStudy.objects.filter(status=CaseStudy.Status.PUBLISHED, locality__in=places)
        .select_related("locality")
        .order_by("locality__name", "approved_at")
    )
    context: dict[str, Any] = {
        "period": period,
        "places": places,
        "sections": sections,
        "borough": sections[-1],
        "studies": studies,
        "generated_on": timezone.localtime(),
    }
    html = render_to_string("pdf/scrutiny_report.html", context)
    progress(report, progress=70, stage="Laying out the pages")
    document = HTML(string=html).render()
    progress(report, progress=90, stage="Writing the PDF")
    pdf = document.write_pdf(pdf_tags=True)
    finish(report, pdf=pdf, pages=len(document.pages))


def progress(report: ScrutinyReport, *, progress: int, stage: str) -> None:
    """Where the build has got to, visible at once (outside any longer transaction)."""
    ScrutinyReport.objects.filter(pk=report.pk).update(
        status=ScrutinyReport.Status.RUNNING, progress=progress, stage=stage
    )


def finish(report: ScrutinyReport, *, pdf: bytes | None, pages: int | None) -> None:
    done = pdf is not None
    ScrutinyReport.objects.filter(pk=report.pk).update(
        status=ScrutinyReport.Status.DONE if done else ScrutinyReport.Status.FAILED,
        progress=100 if done else report.progress,
        stage="Ready to download" if done else "Something went wrong: ask for it again",
        pdf=pdf,
        pages=pages,
        finished_at=timezone.now(),
    )
