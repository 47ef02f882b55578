"""Background work of the evidence: tasks take ids and call one function."""

from __future__ import annotations

import logging

from celery import shared_task

from thurrock_care.reports import scrutiny
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
