import csv
import uuid

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.forms import BaseForm
from django.forms.models import model_to_dict
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from localities import forms, queries, search, services
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
    ASSET_EDITOR_ROLES,
    ActionItem,
    BreakGlassGrant,
    CommunityAsset,
    Connection,
    JoinRequest,
    LearningCycle,
    Locality,
    Meeting,
    Merge,
    Neighbourhood,
    Resident,
    StorySection,
)
from thurrock_care import access
from thurrock_care.accounts.models import Role
from thurrock_care.accounts.typing import AuthenticatedRequest

PER_PAGE = 50


def _conflict(form: BaseForm, data: QueryDict, error: services.EditConflict) -> None:
    """Keep what was typed; explain; let a second, informed save replace the newer version."""
    data["version"] = str(error.current_version)  # the form's own (mutable) data
    form.add_error(None, str(error))


def form_status(request: HttpRequest) -> int:
    """200 for a new form, 400 for one sent back with errors."""
    return 400 if request.method == "POST" else 200


# Localities ------------------------------------------------------------------------------


@login_required
def locality_list(request: HttpRequest) -> HttpResponse:
    localities = Locality.objects.annotate(member_count=Count("memberships")).prefetch_related(
        Prefetch("neighbourhoods", queryset=Neighbourhood.objects.order_by("name"))
    )
    return render(request, "localities/locality_list.html", {"localities": localities})


@login_required
def locality_detail(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    locality = get_object_or_404(Locality.objects.prefetch_related("neighbourhoods"), slug=slug)
    context = {
        "locality": locality,
        "members_by_kind": queries.members_by_kind(locality),
        "coordinates": locality.is_coordinated_by(request.user),
    }
    return render(request, "localities/locality_detail.html", context)


# Requests to join an ILT (the form needs no account) -------------------------------------


def join_request_create(request: HttpRequest, slug: str) -> HttpResponse:
    locality = get_object_or_404(Locality, slug=slug)
    form = forms.JoinRequestForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if _join_requests_exhausted(request):
            form.add_error(None, TOO_MANY_JOIN_REQUESTS)
            status = 429
        elif form.is_valid():
            services.submit_join_request(locality=locality, **form.cleaned_data)
            return redirect("localities:join_thanks", slug=slug)
        else:
            status = 400
    context = {"locality": locality, "form": form}
    return render(request, "localities/join_request_form.html", context, status=status)


# The join form needs no account and has no captcha: a light limit per address instead.
JOIN_REQUESTS_PER_HOUR = 10
TOO_MANY_JOIN_REQUESTS = (
    "Too many requests have been sent from your network in the last hour. "
    "Your answers are below: try again in an hour."
)


def _join_requests_exhausted(request: HttpRequest) -> bool:
    key = f"join-requests:{get_adapter(request).get_client_ip(request)}"
    cache.add(key, 0, timeout=60 * 60)
    return cache.incr(key) > JOIN_REQUESTS_PER_HOUR


def join_request_thanks(request: HttpRequest, slug: str) -> HttpResponse:
    locality = get_object_or_404(Locality, slug=slug)
    return render(request, "localities/join_request_thanks.html", {"locality": locality})


@login_required
def join_request_list(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    locality = get_object_or_404(Locality.objects.coordinated_by(request.user), slug=slug)
    pending, decided = queries.join_requests_for(locality)
    context = {"locality": locality, "pending": pending, "decided": decided}
    return render(request, "localities/join_request_list.html", context)


def _join_request(request: AuthenticatedRequest, slug: str, pk: int) -> JoinRequest:
    requests = JoinRequest.objects.visible_to(request.user).select_related(
        "locality", "organisation", "decided_by"
    )
    return get_object_or_404(requests, locality__slug=slug, pk=pk)


@login_required
def join_request_detail(
    request: AuthenticatedRequest, slug: str, pk: int, form: forms.DeclineForm | None = None
) -> HttpResponse:
    context = {
        "join_request": _join_request(request, slug, pk),
        "form": form or forms.DeclineForm(),
    }
    status = 400 if form is not None else 200
    return render(request, "localities/join_request_detail.html", context, status=status)


@login_required
@require_POST
def join_request_approve(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    join_request = _join_request(request, slug, pk)
    try:
        services.approve_join_request(join_request=join_request, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("localities:join_request", slug=slug, pk=pk)
    ilt = f"{join_request.locality.short_name} ILT"
    messages.success(
        request,
        f"{join_request.organisation_name} has joined the {ilt}. {join_request.contact_email} "
        f"has been invited to Thurrock Care (or, if they had an account, added to the {ilt}).",
    )
    return redirect("localities:join_requests", slug=slug)


@login_required
@require_POST
def join_request_decline(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    join_request = _join_request(request, slug, pk)
    form = forms.DeclineForm(request.POST)
    if not form.is_valid():
        return join_request_detail(request, slug, pk, form=form)
    try:
        services.decline_join_request(
            join_request=join_request, by=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("localities:join_request", slug=slug, pk=pk)
    messages.success(request, f"The request from {join_request.organisation_name} was declined.")
    return redirect("localities:join_requests", slug=slug)


# ILT meetings ----------------------------------------------------------------------------


@login_required
def meeting_list(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    locality = get_object_or_404(Locality, slug=slug)
    context = {
        "locality": locality,
        "meetings": queries.meetings_for(locality),
        "can_edit": locality.is_coordinated_by(request.user),
    }
    return render(request, "localities/meeting_list.html", context)


@login_required
def meeting_detail(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    meetings = Meeting.objects.filter(locality__slug=slug)
    meeting = get_object_or_404(queries.meeting_with_items(meetings, pk))
    items = list(meeting.items.all())
    can_edit = Meeting.objects.editable_by(request.user).filter(pk=pk).exists()
    context = {
        "meeting": meeting,
        "outstanding": [item for item in items if item.carried_from_id],
        "new_items": [item for item in items if not item.carried_from_id],
        "can_edit": can_edit,
        "item_form": forms.ActionItemForm(locality=meeting.locality) if can_edit else None,
    }
    return render(request, "localities/meeting_detail.html", context)


@login_required
def meeting_create(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    locality = get_object_or_404(Locality.objects.coordinated_by(request.user), slug=slug)
    form = forms.MeetingForm(request.POST if request.method == "POST" else None, locality=locality)
    if request.method == "POST" and form.is_valid():
        meeting = services.create_meeting(locality=locality, by=request.user, **form.cleaned_data)
        messages.success(request, "The meeting has been added.")
        return redirect("localities:meeting", slug=slug, pk=meeting.pk)
    context = {"locality": locality, "form": form}
    status = form_status(request)
    return render(request, "localities/meeting_form.html", context, status=status)


@login_required
def meeting_edit(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    meetings = Meeting.objects.editable_by(request.user).select_related("locality")
    meeting = get_object_or_404(meetings, locality__slug=slug, pk=pk)
    data = request.POST.copy() if request.method == "POST" else None
    form = forms.MeetingEditForm(data, instance=meeting, locality=meeting.locality)
    if data is not None and form.is_valid():
        try:
            services.update_meeting(meeting=meeting, **form.cleaned_data)
            messages.success(request, "The meeting has been updated.")
            return redirect("localities:meeting", slug=slug, pk=pk)
        except services.EditConflict as error:
            _conflict(form, data, error)
    context = {"locality": meeting.locality, "meeting": meeting, "form": form}
    status = form_status(request)
    return render(request, "localities/meeting_form.html", context, status=status)


@login_required
@require_POST
def action_item_create(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    meetings = Meeting.objects.editable_by(request.user).select_related("locality")
    meeting = get_object_or_404(meetings, locality__slug=slug, pk=pk)
    form = forms.ActionItemForm(request.POST, locality=meeting.locality)
    if form.is_valid():
        services.add_action_item(meeting=meeting, **form.cleaned_data)
        messages.success(request, "The action has been added.")
    else:
        problems = " ".join(str(error) for errors in form.errors.values() for error in errors)
        messages.error(request, f"The action was not added: {problems}")
    return redirect("localities:meeting", slug=slug, pk=pk)


@login_required
@require_POST
def action_item_done(request: AuthenticatedRequest, slug: str, pk: int, item: int) -> HttpResponse:
    items = ActionItem.objects.filter(meeting__in=Meeting.objects.editable_by(request.user))
    action = get_object_or_404(items, meeting__locality__slug=slug, meeting__pk=pk, pk=item)
    services.mark_action_item_done(item=action)
    messages.success(request, f"Marked as done: {action.text}")
    return redirect("localities:meeting", slug=slug, pk=pk)


# Learning cycles -------------------------------------------------------------------------


@login_required
def learning_list(request: AuthenticatedRequest) -> HttpResponse:
    filters = forms.LearningFilterForm(request.GET)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    cycles = queries.learning_cycles(
        locality=chosen.get("locality"), status=chosen.get("status", "")
    )
    can_add = Locality.objects.learning_run_by(request.user).exists()
    page = Paginator(cycles, PER_PAGE).get_page(request.GET.get("page"))
    context = {"filters": filters, "page": page, "can_add": can_add}
    return render(request, "localities/learning_list.html", context)


@login_required
def learning_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    cycle = get_object_or_404(LearningCycle.objects.select_related("locality", "created_by"), pk=pk)
    can_edit = LearningCycle.objects.editable_by(request.user).filter(pk=pk).exists()
    return render(
        request, "localities/learning_detail.html", {"cycle": cycle, "can_edit": can_edit}
    )


@login_required
def learning_create(request: AuthenticatedRequest) -> HttpResponse:
    localities = Locality.objects.learning_run_by(request.user)
    if not localities.exists():
        raise Http404("Only coordinators and practitioners of a locality add learning cycles.")
    form = forms.LearningCycleForm(
        request.POST if request.method == "POST" else None, localities=localities
    )
    if request.method == "POST" and form.is_valid():
        cycle = services.create_learning_cycle(by=request.user, **form.cleaned_data)
        messages.success(request, "The learning cycle has been added.")
        return redirect("learning:detail", pk=cycle.pk)
    status = form_status(request)
    return render(request, "localities/learning_form.html", {"form": form}, status=status)


@login_required
def learning_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    cycle = get_object_or_404(LearningCycle.objects.editable_by(request.user), pk=pk)
    data = request.POST.copy() if request.method == "POST" else None
    localities = Locality.objects.learning_run_by(request.user)
    form = forms.LearningCycleEditForm(data, instance=cycle, localities=localities)
    if data is not None and form.is_valid():
        try:
            services.update_learning_cycle(cycle=cycle, **form.cleaned_data)
            messages.success(request, "The learning cycle has been updated.")
            return redirect("learning:detail", pk=pk)
        except services.EditConflict as error:
            _conflict(form, data, error)
    status = form_status(request)
    context = {"form": form, "cycle": cycle}
    return render(request, "localities/learning_form.html", context, status=status)


# Community assets ------------------------------------------------------------------------


@login_required
def asset_list(request: AuthenticatedRequest) -> HttpResponse:
    filters = forms.AssetFilterForm(request.GET)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    assets = queries.search_assets(
        q=chosen.get("q", ""),
        locality=chosen.get("locality"),
        neighbourhood=chosen.get("neighbourhood"),
        kind=chosen.get("kind", ""),
        include_inactive=chosen.get("inactive", False),
    )
    page = Paginator(assets, PER_PAGE).get_page(request.GET.get("page"))
    can_edit = request.user.role in ASSET_EDITOR_ROLES
    context = {"filters": filters, "page": page, "can_edit": can_edit}
    return render(request, "localities/asset_list.html", context)


@login_required
def asset_create(request: AuthenticatedRequest) -> HttpResponse:
    if request.user.role not in ASSET_EDITOR_ROLES:
        raise Http404("Managers read the directory; they do not change it.")
    form = forms.CommunityAssetForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        asset = services.create_asset(by=request.user, **form.cleaned_data)
        messages.success(request, f"{asset.name} has been added to the directory.")
        return redirect("assets:list")
    status = form_status(request)
    return render(request, "localities/asset_form.html", {"form": form}, status=status)


@login_required
def asset_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    asset = get_object_or_404(CommunityAsset.objects.editable_by(request.user), pk=pk)
    data = request.POST.copy() if request.method == "POST" else None
    form = forms.CommunityAssetEditForm(data, instance=asset)
    if data is not None and form.is_valid():
        try:
            services.update_asset(asset=asset, by=request.user, **form.cleaned_data)
            messages.success(request, f"{form.cleaned_data['name']} has been updated.")
            return redirect("assets:list")
        except services.EditConflict as error:
            _conflict(form, data, error)
    status = form_status(request)
    context = {"form": form, "asset": asset}
    return render(request, "localities/asset_form.html", context, status=status)


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
    data = request.POST.copy() if request.method == "POST" else None
    form = EditResidentForm(data, user=request.user, initial=initial)
    conflict = False
    if data is not None and form.is_valid():
        values = dict(form.cleaned_data)
        version = values.pop("version")
        try:
            services.update_resident(
                resident=resident, by=request.user, version=version, request=request, **values
            )
        except services.EditConflict as error:
            # Keep what was typed and show what was saved; a second, informed save wins.
            conflict = True
            data["version"] = str(error.current_version)
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
    form = MergeForm(request.POST if request.method == "POST" else (request.GET or None))
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
