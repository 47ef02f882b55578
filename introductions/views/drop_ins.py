"""Drop-in sessions and community events: the upcoming ones per locality (and, for anyone,
an iCalendar feed and a one-page poster, because not everyone has internet access); planning
one; the session page (start, the people met, the anonymous headcount, end); and turning a
person met there into an introduction in one step."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from introductions import calendar, gates, holders, queries
from introductions.forms.drop_ins import (
    CancelDropInForm,
    DropInForm,
    EditDropInForm,
    HeadcountForm,
)
from introductions.models import DROP_IN_FIELDS, DropInSession, Introduction
from introductions.services import drop_ins as services
from introductions.services import introductions as introduction_services
from localities.models import Locality, Resident
from thurrock_care import access, submissions
from thurrock_care.accounts.typing import AuthenticatedRequest
from thurrock_care.forms import form_status
from thurrock_care.submissions.forms import keep_typed_after_reuse
from thurrock_care.versions import CONFLICT_STATUS, EditConflict, keep_typed_after_conflict


@login_required
def drop_in_list(request: AuthenticatedRequest) -> HttpResponse:
    """Upcoming sessions, per locality (everyone signed in: they are public anyway)."""
    context = queries.upcoming_by_locality(request.user)
    return render(request, "introductions/drop_in_list.html", context)


@login_required
def drop_in_create(request: AuthenticatedRequest) -> HttpResponse:
    if not access.runs_drop_ins(request.user):
        raise Http404
    localities = Locality.objects.worked_in_by(request.user)
    data = request.POST.copy() if request.method == "POST" else None
    form = DropInForm(data, localities=localities)
    if data is not None and form.is_valid():
        values = dict(form.cleaned_data)
        key = values.pop("submission_key")
        try:
            session = services.create_drop_in(
                by=request.user, submission_key=key, request=request, **values
            )
        except submissions.KeyReused:
            keep_typed_after_reuse(form, data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{session.title} has been planned.")
            return redirect("introductions:drop_in", pk=session.pk)
    context = {"form": form, "nowhere": not localities.exists()}
    return render(request, "introductions/drop_in_form.html", context, status=form_status(request))


@login_required
def drop_in_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Change a session's details (version-checked: a second editor sees both versions)."""
    session = gates.run_drop_in(request, pk)
    if session.cancelled:
        messages.info(request, "This session has been cancelled: plan a new one instead.")
        return redirect("introductions:drop_in", pk=pk)
    initial = {**model_to_dict(session, fields=DROP_IN_FIELDS), "version": session.version}
    data = request.POST.copy() if request.method == "POST" else None
    localities = Locality.objects.worked_in_by(request.user)
    form = EditDropInForm(data, localities=localities, initial=initial)
    conflict = None
    if data is not None and form.is_valid():
        values = dict(form.cleaned_data)
        version = values.pop("version")
        try:
            services.update_drop_in(
                session=session, by=request.user, version=version, request=request, **values
            )
        except EditConflict as error:
            keep_typed_after_conflict(form, data, error)
            conflict = DropInSession.objects.select_related("asset").get(pk=pk)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{session.title} has been changed.")
            return redirect("introductions:drop_in", pk=pk)
    context = {"form": form, "session": session, "conflict": conflict}
    status = CONFLICT_STATUS if conflict else form_status(request)
    return render(request, "introductions/drop_in_form.html", context, status=status)


CHANGED_SINCE = (
    "Someone changed this session since you opened this page: check its details below, then "
    "cancel it again if you still mean to"
)


@login_required
def drop_in_cancel(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Call off a planned session (asks first; says why, optionally, for the calendar)."""
    session = gates.run_drop_in(request, pk)
    data = request.POST.copy() if request.method == "POST" else None
    form = CancelDropInForm(data, initial={"version": session.version})
    if data is not None and form.is_valid():
        try:
            services.cancel_drop_in(
                session=session, by=request.user, version=form.cleaned_data["version"],
                reason=form.cleaned_data["cancelled_reason"], request=request,
            )  # fmt: skip
        except EditConflict as error:
            keep_typed_after_conflict(form, data, error)
            form.errors.pop("__all__")
            form.add_error(None, CHANGED_SINCE)
            session.refresh_from_db()
        except ValidationError as error:
            messages.error(request, " ".join(error.messages) + ".")
            return redirect("introductions:drop_in", pk=pk)
        else:
            messages.success(request, f"{session.title} has been cancelled.")
            return redirect("introductions:drop_in", pk=pk)
    context = {"form": form, "session": session}
    status = CONFLICT_STATUS if form.non_field_errors() else form_status(request)
    return render(request, "introductions/drop_in_cancel.html", context, status=status)


@login_required
def drop_in_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The session page: who was met (those this user may see), the headcount, and the
    buttons to start, add a conversation, count someone and end."""
    session = gates.run_drop_in(request, pk)
    context = {
        "session": session,
        "headcount_form": HeadcountForm(),
        **queries.drop_in_page(session, request.user),
    }
    gates.audited_list(request, [c.resident_id for c in context["met"]])
    return render(request, "introductions/drop_in_detail.html", context)


@login_required
@require_POST
def drop_in_start(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    session = gates.run_drop_in(request, pk)
    try:
        services.start_drop_in(session=session, by=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages) + ".")
    else:
        messages.success(request, "The session has started.")
    return redirect("introductions:drop_in", pk=pk)


@login_required
@require_POST
def drop_in_end(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    session = gates.run_drop_in(request, pk)
    try:
        services.end_drop_in(session=session, by=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages) + ".")
    else:
        messages.success(request, "The session has ended. Thank you.")
    return redirect("introductions:drop_in", pk=pk)


@login_required
@require_POST
def drop_in_headcount(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    session = gates.run_drop_in(request, pk)
    form = HeadcountForm(request.POST)
    if form.is_valid():
        try:
            services.add_to_headcount(
                session=session, by=request.user, people=form.cleaned_data["people"],
                submission_key=form.cleaned_data["submission_key"], request=request,
            )  # fmt: skip
        except submissions.KeyReused:
            form.add_error(None, "That was already counted.")
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Counted.")
            return redirect("introductions:drop_in", pk=pk)
    context = {"session": session, "headcount_form": form,
               **queries.drop_in_page(session, request.user)}  # fmt: skip
    gates.audited_list(request, [c.resident_id for c in context["met"]])
    return render(request, "introductions/drop_in_detail.html", context, status=400)


@login_required
@require_POST
def drop_in_introduce(request: AuthenticatedRequest, pk: int, resident_pk: int) -> HttpResponse:
    """A person met at the session becomes an introduction, held by whoever presses the
    button (if they may hold one there), in one step."""
    session = gates.run_drop_in(request, pk)
    resident = get_object_or_404(
        Resident.objects.changeable_by(request.user)
        .filter(conversations__drop_in=session)
        .select_related("neighbourhood")
        .distinct(),
        pk=resident_pk,
    )
    existing = Introduction.objects.open().filter(resident=resident).first()
    if existing is not None:
        messages.info(request, f"{resident.full_name} already has an open introduction.")
        return redirect("introductions:introduction", pk=existing.pk)
    eligible = holders.eligible(resident.neighbourhood.locality_id)
    if not eligible.filter(pk=request.user.pk).exists():
        raise Http404
    key = request.POST.get("submission_key") or None
    try:
        introduction = introduction_services.create_introduction(
            resident=resident, by=request.user, holder=request.user,
            source=Introduction.Source.DROP_IN, introduced_by=session.title,
            drop_in=session, submission_key=_uuid(key), request=request,
        )  # fmt: skip
    except (ValidationError, submissions.KeyReused) as error:
        messages.error(request, "; ".join(getattr(error, "messages", [str(error)])))
        return redirect("introductions:drop_in", pk=pk)
    messages.success(request, f"{resident.full_name} has been introduced to you.")
    return redirect("introductions:introduction", pk=introduction.pk)


def _uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


@require_GET
def drop_in_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    """The locality's upcoming sessions as an iCalendar feed: public, no resident data."""
    locality = get_object_or_404(Locality, slug=slug)
    sessions = queries.public_sessions(locality, since=timezone.now())
    response = HttpResponse(
        calendar.feed(locality, sessions), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="drop-ins-{locality.slug}.ics"'
    response["Cache-Control"] = "public, max-age=900"
    return response


@require_GET
def drop_in_poster(request: HttpRequest, slug: str) -> HttpResponse:
    """A one-page poster (PDF, large type) of the month's sessions, for notice boards, GP
    surgeries and libraries: public, no resident data. `?month=2026-05` for another month."""
    locality = get_object_or_404(Locality, slug=slug)
    month = calendar.month_from(request.GET.get("month", ""))
    sessions = queries.sessions_in_month(locality, month)
    response = HttpResponse(
        calendar.poster(locality, month, sessions), content_type="application/pdf"
    )
    response["Content-Disposition"] = (
        f'inline; filename="drop-ins-{locality.slug}-{month:%Y-%m}.pdf"'
    )
    response["Cache-Control"] = "public, max-age=900"
    return response
