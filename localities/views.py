import csv
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.forms.models import model_to_dict
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from localities import queries, search, services
from localities.forms import (
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
    BreakGlassGrant,
    Connection,
    Locality,
    Merge,
    Neighbourhood,
    Resident,
    StorySection,
)
from thurrock_care import access
from thurrock_care.accounts.models import Role
from thurrock_care.accounts.typing import AuthenticatedRequest


@login_required
def locality_list(request: HttpRequest) -> HttpResponse:
    localities = Locality.objects.annotate(member_count=Count("memberships")).prefetch_related(
        Prefetch("neighbourhoods", queryset=Neighbourhood.objects.order_by("name"))
    )
    return render(request, "localities/locality_list.html", {"localities": localities})


@login_required
def locality_detail(request: HttpRequest, slug: str) -> HttpResponse:
    locality = get_object_or_404(Locality.objects.prefetch_related("neighbourhoods"), slug=slug)
    context = {"locality": locality, "members_by_kind": queries.members_by_kind(locality)}
    return render(request, "localities/locality_detail.html", context)


# --- Residents -------------------------------------------------------------------------------


def visible_resident(request: AuthenticatedRequest, pk: int) -> Resident:
    """The resident, if the need-to-know gate lets this user see them; else 404. Showing a
    page of their data is a view of their record, so it is audited."""
    resident = get_object_or_404(
        Resident.objects.visible_to(request.user).select_related("neighbourhood__locality"), pk=pk
    )
    if request.method == "GET":
        page = request.resolver_match.url_name if request.resolver_match else ""
        services.record_view(resident=resident, by=request.user, request=request, page=page or "")
    return resident


def require_resident_role(request: AuthenticatedRequest) -> None:
    if not access.sees_named_residents(request.user):
        raise Http404


def form_status(request: HttpRequest) -> int:
    """200 for a new form, 400 for one sent back with errors."""
    return 400 if request.method == "POST" else 200


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
    require_resident_role(request)
    form = NewResidentForm(
        request.POST or None, user=request.user, initial={"submission_key": uuid.uuid4()}
    )
    duplicates = None
    if form.is_valid():
        data = dict(form.cleaned_data)
        key = data.pop("submission_key")
        if already := Resident.objects.filter(submission_key=key).first():  # a double submit
            return redirect("residents:detail", pk=already.pk)
        confirmed = request.POST.get("confirm_new") == "yes"  # "This is a new person"
        duplicates = None if confirmed else queries.duplicates_for(request.user, data)
        if not duplicates:
            resident = services.create_resident(
                by=request.user, submission_key=key, request=request, **data
            )
            messages.success(request, f"{resident.full_name}'s record has been created.")
            return redirect("residents:detail", pk=resident.pk)
    status = 200 if duplicates else form_status(request)
    context = {"form": form, "duplicates": duplicates}
    return render(request, "localities/resident_create.html", context, status=status)


@login_required
def resident_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    resident = Resident.objects.visible_to(request.user).filter(pk=pk).first()
    if resident is None:
        return merged_or_404(request, pk)
    query = request.GET.get("q", "")
    services.record_view(resident=resident, by=request.user, request=request, query=query)
    context = queries.resident_page(request.user, pk)
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
    resident = visible_resident(request, pk)
    initial = {
        **model_to_dict(resident, fields=services.DETAIL_FIELDS),
        "version": resident.version,
    }
    form = EditResidentForm(request.POST or None, user=request.user, initial=initial)
    conflict = False
    if form.is_valid():
        values = dict(form.cleaned_data)
        version = values.pop("version")
        try:
            services.update_resident(
                resident=resident, by=request.user, version=version, request=request, **values
            )
        except services.EditConflict:
            conflict = True
            resident.refresh_from_db()
        else:
            messages.success(request, "Their details have been saved.")
            return redirect("residents:detail", pk=pk)
    context = {"form": form, "resident": resident, "conflict": conflict}
    status = 409 if conflict else form_status(request)
    return render(request, "localities/resident_edit.html", context, status=status)


@login_required
def resident_story(request: AuthenticatedRequest, pk: int, section: str) -> HttpResponse:
    resident = visible_resident(request, pk)
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
    resident = visible_resident(request, pk)
    form = ConnectionForm(request.POST or None)
    if form.is_valid():
        services.add_connection(
            resident=resident, by=request.user, request=request, **form.cleaned_data
        )
        messages.success(request, f"{form.cleaned_data['name']} has been added.")
        return redirect("residents:detail", pk=pk)
    context = {"form": form, "resident": resident}
    return render(request, "localities/connection_add.html", context, status=form_status(request))


@login_required
@require_POST
def connection_remove(request: AuthenticatedRequest, pk: int, connection_pk: int) -> HttpResponse:
    resident = visible_resident(request, pk)
    connection = get_object_or_404(Connection, pk=connection_pk, resident=resident)
    services.remove_connection(connection=connection, by=request.user, request=request)
    messages.success(request, f"{connection.name} has been removed (kept in the history).")
    return redirect("residents:detail", pk=pk)


@login_required
def consent_record(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    resident = visible_resident(request, pk)
    form = ConsentForm(
        request.POST or None,
        locality_id=resident.neighbourhood.locality_id,
        initial={"decided_on": timezone.localdate()},
    )
    if form.is_valid():
        services.record_consent(
            resident=resident, by=request.user, request=request, **form.cleaned_data
        )
        messages.success(request, "Their consent decision has been recorded.")
        return redirect("residents:detail", pk=pk)
    context = {"form": form, "resident": resident}
    return render(request, "localities/consent_record.html", context, status=form_status(request))


@login_required
def resident_status(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    resident = visible_resident(request, pk)
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


def reviewable_resident(request: AuthenticatedRequest, pk: int) -> Resident:
    resident = visible_resident(request, pk)
    if not access.can_review_access(request.user, resident.neighbourhood.locality_id):
        raise Http404
    return resident


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
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="access-report-{resident.reference}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(["When", "Who", "Organisation", "What", "Reason", "IP address"])
    for event in events:
        when = timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M:%S")
        what = event.get_action_display()
        who = [event.actor_name, event.actor_organisation]
        writer.writerow([when, *who, what, event.reason, event.ip_address or ""])
    return response


# --- Break-glass ------------------------------------------------------------------------------


@login_required
def break_glass_request(request: AuthenticatedRequest) -> HttpResponse:
    require_resident_role(request)
    form = BreakGlassForm(request.POST or None)
    if form.is_valid():
        data = form.cleaned_data
        resident = services.find_for_break_glass(
            nhs_number=data["nhs_number"],
            full_name=data["full_name"],
            date_of_birth=data["date_of_birth"],
        )
        if resident is None:
            form.add_error(
                None,
                "No single record matches exactly. Check what you typed, "
                "or ask the locality's coordinator.",
            )
        else:
            services.break_glass(
                resident=resident, by=request.user, reason=data["reason"], request=request
            )
            messages.success(
                request,
                f"You can see this record for {services.BREAK_GLASS_HOURS} hours. "
                "The locality's coordinators have been told.",
            )
            return redirect("residents:detail", pk=resident.pk)
    context = {"form": form, "hours": services.BREAK_GLASS_HOURS}
    return render(
        request, "localities/break_glass_request.html", context, status=form_status(request)
    )


@login_required
def break_glass_review(request: AuthenticatedRequest) -> HttpResponse:
    grants = queries.break_glass_to_review(request.user)
    if grants is None:
        raise Http404
    return render(
        request, "localities/break_glass_review.html", {"grants": grants, "form": ReviewForm()}
    )


@login_required
@require_POST
def break_glass_reviewed(request: AuthenticatedRequest, grant_pk: int) -> HttpResponse:
    grants = queries.break_glass_to_review(request.user)
    if grants is None:
        raise Http404
    grant = get_object_or_404(
        BreakGlassGrant.objects.filter(pk__in=grants.values("pk")), pk=grant_pk
    )
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


# --- Merging duplicates -----------------------------------------------------------------------


@login_required
def resident_merge(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    survivor = visible_resident(request, pk)
    if not access.can_merge(request.user, survivor.neighbourhood.locality_id):
        raise Http404
    form = MergeForm(request.POST or request.GET or None)
    duplicate = None
    if form.is_valid():
        duplicate = (
            Resident.objects.visible_to(request.user)
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
    return render(
        request,
        "localities/resident_merge.html",
        context,
        status=200 if form.is_valid() or not form.is_bound else 400,
    )


@login_required
@require_POST
def merge_reverse(request: AuthenticatedRequest, merge_pk: int) -> HttpResponse:
    if request.user.role != Role.ADMINISTRATOR:
        raise Http404
    merge = get_object_or_404(Merge, pk=merge_pk)
    try:
        services.reverse_merge(merge=merge, by=request.user, request=request)
    except ValidationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "The merge has been reversed: both records are back.")
    return redirect("residents:detail", pk=merge.survivor_id)
