"""Background work of the evidence: tasks take ids and call one function."""

from __future__ import annotations

import logging
from datetime import date, datetime

from celery import shared_task

from localities.models import Locality
from thurrock_care.reports import digests, scrutiny
from thurrock_care.reports.models import ScrutinyReport

log = logging.getLogger(__name__)


@shared_task
def build_scrutiny_report(report_id: int) -> str:
    report = ScrutinyReport.objects.filter(pk=report_id).first()
    if report is None or report.is_finished:
        return "nothing to do"
    try:
        scrutiny.build(report)
    except Exception:  # a report that cannot be built says so on its page, and is logged
        log.exception("Scrutiny report %s could not be built", report_id)
        report.refresh_from_db()
        scrutiny.finish(report, pdf=None, pages=None)
        return "failed"
    return "done"


@shared_task
def build_monthly_digests(month: str | None = None, now: str | None = None) -> int:
    """On the first of each month (beat), every locality's digest for the month before.
    `month` (YYYY-MM-DD, its first day) and `now` (ISO 8601) are for tests and for building
    them again by hand."""
    first = date.fromisoformat(month) if month else digests.last_month()
    when = datetime.fromisoformat(now) if now else None
    for locality in Locality.objects.order_by("name"):
        digests.build_digest(locality=locality, month=first)
        digests.send_digest(locality=locality, month=first, now=when)
    return Locality.objects.count()
