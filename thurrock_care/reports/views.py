"""The figures for managers, coordinators and administrators: the dashboard (tables, with a
chart of each place's trend) and the same figures as a CSV file. Nobody is named in either."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from localities.models import Locality, Resident
from thurrock_care import access, submissions
from thurrock_care.accounts.typing import AuthenticatedRequest
from thurrock_care.forms import form_status
from thurrock_care.pages import page_of
from thurrock_care.reports import anonymity, digests, exports, queries, services
from thurrock_care.reports.forms import (
    CaseStudyForm,
    EditCaseStudyForm,
    FiguresForm,
    PublishForm,
    ReportForm,
)
from thurrock_care.reports.models import CaseStudy, Digest, ScrutinyReport
from thurrock_care.reports.periods import Period
from thurrock_care.submissions.forms import keep_typed_after_reuse
from thurrock_care.versions import CONFLICT_STATUS, EditConflict, keep_typed_after_conflict


def _require_reports(request: AuthenticatedRequest) -> None:
    if not access.sees_reports(request.user):
        raise Http404


def _form(request: AuthenticatedRequest) -> FiguresForm:
    form = FiguresForm(request.GET or {"period": FiguresForm().fields["period"].initial})
    form.is_valid()
    return form


@login_required
def dashboard(request: AuthenticatedRequest) -> HttpResponse:
    _require_reports(request)
    form = _form(request)
    context: dict = {"form": form, "threshold": settings.SMALL_NUMBERS_THRESHOLD}
    if not form.errors:
        period = form.chosen_period()
        places = queries.with_trends(period, form.chosen_localities())
        for place in places:
            place["measures"] = queries.measures(place["figures"], place["previous"])
        context.update(period=period, places=places, overview=queries.overview(places),
                       query=request.GET.urlencode())  # fmt: skip
    return render(request, "reports/dashboard.html", context, status=400 if form.errors else 200)


@login_required
def figures_csv(request: AuthenticatedRequest) -> HttpResponse:
    _require_reports(request)
    form = _form(request)
    if form.errors:
        return dashboard(request)
    period = form.chosen_period()
    return exports.figures_csv(period, form.chosen_localities())


# --- Scrutiny reports ------------------------------------------------------------------------


@login_required
def report_list(request: AuthenticatedRequest) -> HttpResponse:
    """Ask for a report (period, localities); the reports asked for, newest first."""
    _require_reports(request)
    data = request.POST.copy() if request.method == "POST" else None
    form = ReportForm(data)
    if data is not None and form.is_valid():
        try:
            report = services.request_report(
                by=request.user, period=form.chosen_period(),
                localities=form.chosen_localities(),
                submission_key=form.cleaned_data["submission_key"],
            )  # fmt: skip
        except submissions.KeyReused:
            keep_typed_after_reuse(form, data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("reports:report", pk=report.pk)
    reports = page_of(request, ScrutinyReport.objects.select_related("requested_by").defer("pdf"))
    context = {"form": form, "page": reports}
    return render(request, "reports/report_list.html", context, status=form_status(request))


def _report(request: AuthenticatedRequest, pk: int) -> ScrutinyReport:
    _require_reports(request)
    return get_object_or_404(ScrutinyReport.objects.defer("pdf"), pk=pk)


@login_required
def report_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The report's progress while it is built (the page asks again every two seconds where
    JavaScript runs; a link does it otherwise), then the download."""
    report = _report(request, pk)
    asked_by_htmx = request.headers.get("HX-Request") == "true"
    template = "reports/_report_progress.html" if asked_by_htmx else "reports/report_detail.html"
    return render(request, template, {"report": report})


@login_required
def report_pdf(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    _require_reports(request)
    report = get_object_or_404(ScrutinyReport, pk=pk, status=ScrutinyReport.Status.DONE)
    response = HttpResponse(bytes(report.pdf or b""), content_type="application/pdf")
    name = f"ilt-scrutiny-report-{report.start:%Y-%m-%d}-to-{report.end:%Y-%m-%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- Case studies ----------------------------------------------------------------------------


@login_required
def case_study_list(request: AuthenticatedRequest) -> HttpResponse:
    if not access.sees_reports(request.user):
        raise Http404
    studies = CaseStudy.objects.visible_to(request.user).select_related("locality", "resident")
    page = page_of(request, studies)
    hide = not access.sees_named_residents(request.user)
    for study in page:  # a title that still names its resident is not shown to a manager
        found = anonymity.identifying_details(study.title, study.resident)
        study.shown_title = "A case study not yet anonymised" if hide and found else study.title
    context = {"page": page, "can_write": access.is_coordinator(request.user)}
    return render(request, "reports/case_study_list.html", context)


def _resident_from_reference(request: AuthenticatedRequest, text: str) -> Resident | None:
    match = re.fullmatch(r"(?:TC)?0*([0-9]{1,12})", text.strip().upper(), flags=re.ASCII)
    if match is None:
        return None
    visible = Resident.objects.visible_to(request.user).select_related("neighbourhood")
    return visible.filter(pk=int(match.group(1))).first()


@login_required
def case_study_create(request: AuthenticatedRequest) -> HttpResponse:
    if not access.is_coordinator(request.user):
        raise Http404
    data = request.POST.copy() if request.method == "POST" else None
    form = CaseStudyForm(data)
    if data is not None and form.is_valid():
        resident = _resident_from_reference(request, form.cleaned_data["resident"])
        if resident is None:
            form.add_error("resident", "Enter the record number of a resident whose record you "
                           "can see, like TC000123")  # fmt: skip
        else:
            try:
                study = services.write_case_study(
                    by=request.user, resident=resident, title=form.cleaned_data["title"],
                    story=form.cleaned_data["story"],
                    submission_key=form.cleaned_data["submission_key"],
                )  # fmt: skip
            except submissions.KeyReused:
                keep_typed_after_reuse(form, data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "The case study has been saved as a draft.")
                return redirect("reports:case_study", pk=study.pk)
    context = {"form": form}
    return render(request, "reports/case_study_form.html", context, status=form_status(request))


def _case_study(request: AuthenticatedRequest, pk: int) -> CaseStudy:
    return get_object_or_404(
        CaseStudy.objects.visible_to(request.user).select_related("locality", "resident"), pk=pk
    )


@login_required
def case_study_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The case study; what in it still identifies its resident (their text is hidden from
    those who see no named residents until it is taken out); approving it, for managers."""
    study = _case_study(request, pk)
    found = anonymity.identifying_details(f"{study.title}\n{study.story}", study.resident)
    context = {
        "study": study,
        "found": found,
        "hidden": bool(found) and not access.sees_named_residents(request.user),
        "can_publish": access.sees_every_locality(request.user) and not study.is_published,
        "can_edit": access.is_coordinator(request.user),
        "publish_form": PublishForm(initial={"version": study.version}),
    }
    return render(request, "reports/case_study_detail.html", context)


@login_required
def case_study_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    if not access.is_coordinator(request.user):
        raise Http404
    study = _case_study(request, pk)
    data = request.POST.copy() if request.method == "POST" else None
    initial = {"title": study.title, "story": study.story, "version": study.version}
    form = EditCaseStudyForm(data, initial=initial)
    if data is not None and form.is_valid():
        try:
            services.change_case_study(
                study=study, by=request.user, version=form.cleaned_data["version"],
                title=form.cleaned_data["title"], story=form.cleaned_data["story"],
            )  # fmt: skip
        except EditConflict as error:
            keep_typed_after_conflict(form, data, error)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The case study has been saved as a draft.")
            return redirect("reports:case_study", pk=pk)
    status = CONFLICT_STATUS if form.non_field_errors() else form_status(request)
    return render(request, "reports/case_study_form.html", {"form": form, "study": study},
                  status=status)  # fmt: skip


@login_required
@require_POST
def case_study_publish(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    study = _case_study(request, pk)
    if not access.sees_every_locality(request.user):
        raise Http404
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Open the case study again, then approve it.")
        return redirect("reports:case_study", pk=pk)
    try:
        services.publish_case_study(
            study=study, by=request.user, version=form.cleaned_data["version"]
        )
    except EditConflict:
        messages.error(request, "It was changed since you opened it: read it again first.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages) + ".")
    else:
        messages.success(request, "The case study is approved for publication.")
    return redirect("reports:case_study", pk=pk)


# --- Monthly digests -------------------------------------------------------------------------


@login_required
def digest_list(request: AuthenticatedRequest) -> HttpResponse:
    """The digests of the localities this user works in (all, for those who see them all);
    `?locality=` for one."""
    digests = Digest.objects.readable_by(request.user).select_related("locality").defer("pdf")
    slug = request.GET.get("locality", "")
    if slug:
        digests = digests.filter(locality__slug=slug[:50])
    return render(request, "reports/digest_list.html", {"page": page_of(request, digests)})


def _digest(request: AuthenticatedRequest, pk: int) -> Digest:
    return get_object_or_404(
        Digest.objects.readable_by(request.user).select_related("locality").defer("pdf"), pk=pk
    )


@login_required
def digest_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    digest = _digest(request, pk)
    context = {
        "digest": digest,
        "locality": digest.locality,
        "period": Period.month(digest.month),
        "figures": digest.figures,
        "changes": digest.changes,
        "sources": digest.changes.get("sources", {}),
        "can_rebuild": Locality.objects.coordinated_by(request.user)
        .filter(pk=digest.locality_id)
        .exists(),
    }
    return render(request, "reports/digest_detail.html", context)


@login_required
def digest_pdf(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    digest = _digest(request, pk)
    pdf = Digest.objects.values_list("pdf", flat=True).get(pk=digest.pk)
    response = HttpResponse(bytes(pdf), content_type="application/pdf")
    name = f"ilt-digest-{digest.locality.slug}-{digest.month:%Y-%m}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def digest_rebuild(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A coordinator of its locality builds it again from today's records (audited)."""
    digest = _digest(request, pk)
    if not Locality.objects.coordinated_by(request.user).filter(pk=digest.locality_id).exists():
        raise Http404
    digests.build_digest(locality=digest.locality, month=digest.month, by=request.user)
    messages.success(request, "The digest has been built again from today's records.")
    return redirect("reports:digest", pk=pk)
