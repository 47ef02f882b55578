"""Every write of the evidence: case studies (written, changed, approved for publication once
anonymised) and scrutiny reports (asked for, then built by a worker with its progress)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from localities.models import Locality, Resident
from thurrock_care import access, submissions
from thurrock_care.accounts.models import User
from thurrock_care.audit.models import Action
from thurrock_care.audit.services import record
from thurrock_care.reports import anonymity
from thurrock_care.reports.models import CaseStudy, ScrutinyReport
from thurrock_care.reports.periods import Period
from thurrock_care.versions import update_versioned

# --- Case studies ----------------------------------------------------------------------------


def _check_writer(by: User, resident: Resident) -> None:
    if not access.is_coordinator(by) and not access.is_administrator(by):
        raise ValidationError("Case studies are written by ILT coordinators")
    if not Resident.objects.visible_to(by).filter(pk=resident.pk).exists():
        raise ValidationError({"resident": "Choose a resident whose record you can see"})


def write_case_study(
    *,
    by: User,
    resident: Resident,
    title: str,
    story: str,
    submission_key: uuid.UUID | None = None,
) -> CaseStudy:
    """A draft, about a resident the coordinator sees (their locality is the case study's)."""
    _check_writer(by, resident)
    fields = {"resident": resident, "title": title.strip(), "story": story.strip()}

    def create() -> CaseStudy:
        study = CaseStudy.objects.create(
            locality_id=resident.neighbourhood.locality_id, written_by=by, **fields
        )
        record(actor=by, action=Action.CASE_STUDY_WRITTEN, subject=study,
               details={"case_study": "written"})  # fmt: skip
        return study

    return submissions.once(
        key=submission_key, by=by, model=CaseStudy, payload=fields, create=create
    )


@transaction.atomic
def change_case_study(
    *, study: CaseStudy, by: User, version: int, title: str, story: str
) -> CaseStudy:
    """Changed text; a published case study goes back to draft (approve it again)."""
    _check_writer(by, study.resident)
    values = {"title": title.strip(), "story": story.strip(), "status": CaseStudy.Status.DRAFT,
              "approved_by": None, "approved_at": None}  # fmt: skip
    study.version = update_versioned(CaseStudy, pk=study.pk, version=version, **values)
    for name, value in values.items():
        setattr(study, name, value)
    record(actor=by, action=Action.CASE_STUDY_WRITTEN, subject=study,
           details={"case_study": "changed"})  # fmt: skip
    return study


@transaction.atomic
def publish_case_study(*, study: CaseStudy, by: User, version: int) -> CaseStudy:
    """Approve it for the scrutiny report: by a manager or administrator (not its writer),
    and only if nothing in it identifies the resident it is about."""
    if not access.sees_every_locality(by):
        raise ValidationError("Case studies are approved by a manager")
    locked = CaseStudy.objects.select_for_update().select_related("resident").get(pk=study.pk)
    found = anonymity.identifying_details(f"{locked.title}\n{locked.story}", locked.resident)
    if found:
        raise ValidationError(
            "It cannot be published while it contains " + _listed(found)
            + ": take them out, or ask its writer to"
        )  # fmt: skip
    now = timezone.now()
    study.version = update_versioned(
        CaseStudy, pk=study.pk, version=version, status=CaseStudy.Status.PUBLISHED,
        approved_by=by, approved_at=now,
    )  # fmt: skip
    study.status, study.approved_by, study.approved_at = CaseStudy.Status.PUBLISHED, by, now
    record(actor=by, action=Action.CASE_STUDY_PUBLISHED, subject=study)
    return study


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# --- Scrutiny reports ------------------------------------------------------------------------


def request_report(
    *,
    by: User,
    period: Period,
    localities: Iterable[Locality],
    submission_key: uuid.UUID | None = None,
) -> ScrutinyReport:
    """Ask for the PDF: a worker builds it once this transaction commits."""
    if not access.sees_reports(by):
        raise ValidationError("Scrutiny reports are for managers and coordinators")
    places = list(localities)
    if not places:
        raise ValidationError({"localities": "Choose at least one locality"})
    payload = {"start": period.start, "end": period.end, "localities": sorted(p.pk for p in places)}

    def create() -> ScrutinyReport:
        from thurrock_care.reports import tasks

        report = ScrutinyReport.objects.create(
            start=period.start, end=period.end, label=period.label, requested_by=by
        )
        report.localities.set(places)
        slugs = [place.slug for place in places]
        record(actor=by, action=Action.REPORT_REQUESTED, subject=report,
               details={"period": period.label, "localities": slugs})  # fmt: skip
        transaction.on_commit(lambda: tasks.build_scrutiny_report.delay(report.pk))
        return report

    return submissions.once(
        key=submission_key, by=by, model=ScrutinyReport, payload=payload, create=create
    )
