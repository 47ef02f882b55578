"""Residents' pages: find, add, the record and its parts, who looked, break-glass, possible
duplicates and merges. Every lookup goes through a gate: visible_resident (may see),
changeable_resident (may change), reviewable_resident (reviews access, merges)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import model_to_dict
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from localities import queries, search
from localities.forms.residents import (
    BreakGlassForm,
    ConnectionForm,
    ConsentForm,
    EditResidentForm,
    MergeForm,
    NewResidentForm,
    ReviewForm,
    SearchForm,
    StatusForm,
    StoryForm,
)
from localities.models import (
    RESIDENT_DETAIL_FIELDS,
    BreakGlassGrant,
    Connection,
    Merge,
    PossibleDuplicate,
    Resident,
    StorySection,
)
from localities.services import residents as services
from thurrock_care import access, ratelimit, submissions, timeline
from thurrock_care.accounts.typing import AuthenticatedRequest
from thurrock_care.forms import form_status
from thurrock_care.pages import page_of
from thurrock_care.spreadsheets import csv_response
from thurrock_care.submissions.forms import keep_typed_after_reuse
from thurrock_care.versions import CONFLICT_STATUS, EditConflict

CANNOT_CHANGE = (
    "You can read this record, but its details, story, people and places, consent and status "
    "are changed by the practitioners and coordinators of the resident's locality."
)


def _audited(request: AuthenticatedRequest, resident: Resident) -> Resident:
    """Showing a page of a resident's data is a view of their record: it is audited."""
    if request.method == "GET":
        page = request.resolver_match.url_name if request.resolver_match else ""
        services.record_view(resident=resident, by=request.user, request=request, page=page or "")
    return resident


def visible_resident(request: AuthenticatedRequest, pk: int) -> Resident:
    """The resident, if the need-to-know gate lets this user see them; else 404."""
    resident = get_object_or_404(
        Resident.objects.visible_to(request.user).select_related("neighbourhood__locality"), pk=pk
    )
    return _audited(request, resident)


def changeable_resident(request: AuthenticatedRequest, pk: int) -> Resident:
    """The resident, if this user may change their record: 404 if they may not even see it
    (nothing leaks), 403 if they may read it but not change it."""
    residents = Resident.objects.select_related("neighbourhood__locality")
    resident = residents.changeable_by(request.user).filter(pk=pk).first()
    if resident is None:
        if Resident.objects.visible_to(request.user).filter(pk=pk).exists():
            raise PermissionDenied(CANNOT_CHANGE)
        raise Http404
    return _audited(request, resident)


def reviewable_resident(request: AuthenticatedRequest, pk: int) -> Resident:
    """The resident, if this user reviews their access trail and merges their duplicates."""
    resident = get_object_or_404(
        Resident.objects.reviewable_by(request.user).select_related("neighbourhood__locality"),
        pk=pk,
    )
    return _audited(request, resident)


def require_resident_role(request: AuthenticatedRequest) -> None:
    if not access.sees_named_residents(request.user):
        raise Http404


@login_required
def resident_search(request: AuthenticatedRequest) -> HttpResponse:
    require_resident_role(request)
    form = SearchForm(request.GET or None)
    results = None
    if form.is_valid() and form.cleaned_data["q"]:
        results = queries.search_results(
            request.user,
            form.cleaned_data["q"],
            include_inactive=form.cleaned_data["include_inactive"],
        )
    return render(
        request,
        "localities/resident_search.html",
        {"form": form, "results": results, "max_results": search.MAX_RESULTS},
    )


@login_required
def resident_create(request: AuthenticatedRequest) -> HttpResponse:
    """Add a resident. Records the user may see that look like the same person are offered
    first; look-alikes they may not see are never mentioned (see services.create_resident)."""
    require_resident_role(request)
    data = request.POST.copy() if request.method == "POST" else None
    form = NewResidentForm(data, user=request.user)
    duplicates = None
    if data is not None and form.is_valid():
        details = dict(form.cleaned_data)
        key = details.pop("submission_key")
        try:
            resident = services.create_resident(
                by=request.user,
                submission_key=key,
                confirm_new=request.POST.get("confirm_new") == "yes",  # "None of these"
                request=request,
                **details,
            )
        except services.LikelyDuplicates as found:
            duplicates = found.residents
        except submissions.KeyReused:
            keep_typed_after_reuse(form, data)
        except ValidationError as refused:  # a rule the service keeps (the form checks it too)
            form.add_error(None, refused)
        else:
            messages.success(request, f"{resident.full_name}'s record has been created.")
            return redirect("residents:detail", pk=resident.pk)
    status = 200 if duplicates else form_status(request)
    neighbourhoods = form.fields["neighbourhood"].queryset  # type: ignore[attr-defined]
    context = {"form": form, "duplicates": duplicates, "nowhere": not neighbourhoods.exists()}
    return render(request, "localities/resident_create.html", context, status=status)


@login_required
def resident_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    resident = Resident.objects.visible_to(request.user).filter(pk=pk).first()
    if resident is None:
        return merged_or_404(request, pk)
    query = request.GET.get("q", "")
    services.record_view(resident=resident, by=request.user, request=request, query=query)
    context = queries.resident_page(request.user, pk)
    history_filter = timeline.FilterForm(request.GET, user=request.user)
    context["history_filter"] = history_filter
    context["history"] = timeline.page(
        resident_id=pk,
        user=request.user,
        kinds=history_filter.kinds(),
        number=request.GET.get(timeline.PAGE_PARAMETER),
    )
    return render(request, "localities/resident_detail.html", context)


def merged_or_404(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A merged record's address leads to the surviving record, if the user may see it."""
    merged = Resident.objects.filter(pk=pk, status=Resident.Status.MERGED).first()
    visible = Resident.objects.visible_to(request.user)
    if merged is None or not visible.filter(pk=merged.merged_into_id or 0).exists():
        raise Http404
    messages.info(request, f"Record {merged.reference} was merged into this one.")
    return redirect("residents:detail", pk=merged.merged_into_id)


@login_required
def resident_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    resident = changeable_resident(request, pk)
    initial = {
        **model_to_dict(resident, fields=RESIDENT_DETAIL_FIELDS),
        "version": resident.version,
    }
    data = request.POST.copy() if request.method == "POST" else None
    form = EditResidentForm(
        data, user=request.user, initial=initial, current_neighbourhood=resident.neighbourhood_id
    )
    conflict = False
    if data is not None and form.is_valid():
        values = dict(form.cleaned_data)
        version = values.pop("version")
        try:
            services.update_resident(
                resident=resident, by=request.user, version=version, request=request, **values
            )
        except EditConflict as error:
            # Keep what was typed and show what was saved; a second, informed save wins.
            conflict = True
            data["version"] = str(error.current_version)
            resident.refresh_from_db()
        else:
            messages.success(request, "Their details have been saved.")
            return redirect("residents:detail", pk=pk)
    context = {"form": form, "resident": resident, "conflict": conflict}
    status = CONFLICT_STATUS if conflict else form_status(request)
    return render(request, "localities/resident_edit.html", context, status=status)


@login_required
def resident_story(request: AuthenticatedRequest, pk: int, section: str) -> HttpResponse:
    resident = changeable_resident(request, pk)
    if section not in StorySection.values:
        raise Http404
    label = StorySection(section).label
    history = list(resident.story.filter(section=section).select_related("written_by"))
    initial = {"text": history[0].text if history else ""}
    form = StoryForm(request.POST or None, label=label, initial=initial)
    if form.is_valid():
        services.write_story(
            resident=resident, by=request.user, section=StorySection(section),
            text=form.cleaned_data["text"], request=request,
        )  # fmt: skip
        messages.success(request, f"“{label}” has been saved.")
        return redirect("residents:detail", pk=pk)
    context = {"form": form, "resident": resident, "label": label, "history": history}
    return render(request, "localities/resident_story.html", context, status=form_status(request))


@login_required
def connection_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    resident = changeable_resident(request, pk)
    data = request.POST.copy() if request.method == "POST" else None
    form = ConnectionForm(data)
    if data is not None and form.is_valid():
        try:
            services.add_connection(
                resident=resident, by=request.user, request=request, **form.cleaned_data
            )
        except submissions.KeyReused:
            keep_typed_after_reuse(form, data)
        else:
            messages.success(request, f"{form.cleaned_data['name']} has been added.")
            return redirect("residents:detail", pk=pk)
    context = {"form": form, "resident": resident}
    return render(request, "localities/connection_add.html", context, status=form_status(request))


@login_required
@require_POST
def connection_remove(request: AuthenticatedRequest, pk: int, connection_pk: int) -> HttpResponse:
    resident = changeable_resident(request, pk)
    connection = get_object_or_404(Connection, pk=connection_pk, resident=resident)
    services.remove_connection(connection=connection, by=request.user, request=request)
    messages.success(request, f"{connection.name} has been removed (kept in the history).")
    return redirect("residents:detail", pk=pk)


@login_required
def consent_record(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    resident = changeable_resident(request, pk)
    data = request.POST.copy() if request.method == "POST" else None
    form = ConsentForm(
        data,
        locality_id=resident.neighbourhood.locality_id,
        initial={"decided_on": timezone.localdate()},
    )
    if data is not None and form.is_valid():
        try:
            services.record_consent(
                resident=resident, by=request.user, request=request, **form.cleaned_data
            )
        except submissions.KeyReused:
            keep_typed_after_reuse(form, data)
        else:
            messages.success(request, "Their consent decision has been recorded.")
            return redirect("residents:detail", pk=pk)
    context = {"form": form, "resident": resident}
    return render(request, "localities/consent_record.html", context, status=form_status(request))


@login_required
def resident_status(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    resident = changeable_resident(request, pk)
    form = StatusForm(request.POST or None, initial={"status": resident.status})
    if form.is_valid():
        services.set_resident_status(
            resident=resident, by=request.user, status=Resident.Status(form.cleaned_data["status"]),
            on=form.cleaned_data["on"], request=request,
        )  # fmt: skip
        messages.success(request, "Their record has been updated.")
        return redirect("residents:detail", pk=pk)
    context = {"form": form, "resident": resident}
    return render(request, "localities/resident_status.html", context, status=form_status(request))


# --- Who looked, and the resident's own access report ------------------------------------------


@login_required
def resident_audit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    resident = reviewable_resident(request, pk)
    events = queries.audit_events(resident.pk)
    context = {"resident": resident, "events": events}
    return render(request, "localities/resident_audit.html", context)


@login_required
def resident_access_report(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Subject access: everyone who looked at or changed the record, as a CSV file."""
    resident = reviewable_resident(request, pk)
    events = queries.audit_events(resident.pk, limit=None)
    services.record_export(resident=resident, by=request.user, request=request)
    rows = []
    for event in events:
        when = timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M:%S")
        what = event.get_action_display()
        who = [event.actor_name, event.actor_organisation]
        rows.append([when, *who, what, event.reason, event.ip_address or ""])
    return csv_response(
        filename=f"access-report-{resident.reference}.csv",
        header=["When", "Who", "Organisation", "What", "Reason", "IP address"],
        rows=rows,
    )


# --- Break-glass ------------------------------------------------------------------------------

NO_SINGLE_MATCH = (
    "We cannot open a record from these details. Check what you typed (the NHS number, or the "
    "full name, date of birth and postcode), or ask the locality's coordinator."
)
TOO_MANY_BREAK_GLASS = (
    "You have asked to open too many records in the last hour. What you typed is below. If "
    "someone is at risk now, call the locality's coordinator."
)


@login_required
def break_glass_request(request: AuthenticatedRequest) -> HttpResponse:
    require_resident_role(request)
    data = request.POST.copy() if request.method == "POST" else None
    form = BreakGlassForm(data)
    status = form_status(request)
    if data is not None and not ratelimit.consume(
        request, action="break_glass", key=str(request.user.pk)
    ):
        form.add_error(None, TOO_MANY_BREAK_GLASS)
        status = 429
    elif data is not None and form.is_valid():
        details = form.cleaned_data
        resident = services.find_for_break_glass(
            by=request.user,
            nhs_number=details["nhs_number"],
            full_name=details["full_name"],
            date_of_birth=details["date_of_birth"],
            postcode=details["postcode"],
        )
        if resident is None:  # the same words whether nobody or several people match
            form.add_error(None, NO_SINGLE_MATCH)
        else:
            try:
                services.break_glass(
                    resident=resident,
                    by=request.user,
                    reason=details["reason"],
                    submission_key=details["submission_key"],
                    request=request,
                )
            except submissions.KeyReused:
                keep_typed_after_reuse(form, data)
            else:
                messages.success(
                    request,
                    f"You can see this record for {services.BREAK_GLASS_HOURS} hours. "
                    "The locality's coordinators have been told.",
                )
                return redirect("residents:detail", pk=resident.pk)
    context = {"form": form, "hours": services.BREAK_GLASS_HOURS}
    return render(request, "localities/break_glass_request.html", context, status=status)


def require_reviewer(request: AuthenticatedRequest) -> None:
    if not access.reviews_records(request.user):
        raise Http404


@login_required
def break_glass_review(request: AuthenticatedRequest) -> HttpResponse:
    require_reviewer(request)
    grants = queries.break_glass_to_review(request.user)
    return render(
        request, "localities/break_glass_review.html", {"grants": grants, "form": ReviewForm()}
    )


@login_required
@require_POST
def break_glass_reviewed(request: AuthenticatedRequest, grant_pk: int) -> HttpResponse:
    require_reviewer(request)
    grant = get_object_or_404(BreakGlassGrant.objects.reviewable_by(request.user), pk=grant_pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.review_break_glass(
                grant=grant, by=request.user, note=form.cleaned_data["note"], request=request
            )
        except ValidationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Marked as reviewed.")
    return redirect("residents:break_glass_review")


# --- Possible duplicates and merging ----------------------------------------------------------


@login_required
def possible_duplicates(request: AuthenticatedRequest) -> HttpResponse:
    """Records added while a look-alike existed that their author could not see."""
    require_reviewer(request)
    flags = queries.possible_duplicates_to_review(request.user)
    page = page_of(request, flags)
    return render(request, "localities/possible_duplicates.html", {"page": page})


@login_required
@require_POST
def possible_duplicate_different(request: AuthenticatedRequest, flag_pk: int) -> HttpResponse:
    require_reviewer(request)
    flags = PossibleDuplicate.objects.reviewable_by(request.user)
    flag = get_object_or_404(flags, pk=flag_pk)
    try:
        services.mark_different_people(flag=flag, by=request.user, request=request)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, "Marked as different people: both records stay.")
    return redirect("residents:possible_duplicates")


@login_required
def resident_merge(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    survivor = reviewable_resident(request, pk)
    form = MergeForm(request.POST if request.method == "POST" else (request.GET or None))
    duplicate = None
    if form.is_valid():
        duplicate = (
            Resident.objects.reviewable_by(request.user)
            .select_related("neighbourhood__locality")
            .filter(pk=form.cleaned_data["duplicate"])
            .first()
        )
        if duplicate is None or duplicate.pk == survivor.pk:
            form.add_error(
                "duplicate", "There is no other record with that number that you can merge"
            )
            duplicate = None
        elif request.method == "POST" and request.POST.get("confirm"):
            try:
                services.merge_residents(
                    survivor=survivor, duplicate=duplicate, by=request.user, request=request
                )
            except (ValidationError, PermissionDenied) as error:
                form.add_error(None, getattr(error, "message", "You cannot merge these records."))
            else:
                messages.success(
                    request, f"{duplicate.reference} has been merged into this record."
                )
                return redirect("residents:detail", pk=survivor.pk)
    context = {"form": form, "survivor": survivor, "duplicate": duplicate}
    if duplicate is not None:
        consents = queries.current_consents([survivor.pk, duplicate.pk])
        context["consents"] = [consents.get(survivor.pk), consents.get(duplicate.pk)]
    return render(
        request,
        "localities/resident_merge.html",
        context,
        status=200 if form.is_valid() or not form.is_bound else 400,
    )


@login_required
@require_POST
def merge_reverse(request: AuthenticatedRequest, merge_pk: int) -> HttpResponse:
    if not access.reverses_merges(request.user):
        raise Http404
    merge = get_object_or_404(Merge, pk=merge_pk)
    try:
        services.reverse_merge(merge=merge, by=request.user, request=request)
    except ValidationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "The merge has been reversed: both records are back.")
    return redirect("residents:detail", pk=merge.survivor_id)
