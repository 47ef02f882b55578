from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from localities import forms, queries, services
from localities.models import (
    ASSET_EDITOR_ROLES,
    ActionItem,
    CommunityAsset,
    JoinRequest,
    LearningCycle,
    Locality,
    Meeting,
    Neighbourhood,
)
from thurrock_care.accounts.typing import AuthenticatedRequest

PER_PAGE = 50


def _conflict(form: BaseForm, data: QueryDict, error: services.EditConflict) -> None:
    """Keep what was typed; explain; let a second, informed save replace the newer version."""
    data["version"] = str(error.current_version)  # the form's own (mutable) data
    form.add_error(None, str(error))


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
    status = 400 if form.is_bound else 200
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
    status = 400 if form.is_bound else 200
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
    status = 400 if form.is_bound else 200
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
    status = 400 if form.is_bound else 200
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
    status = 400 if form.is_bound else 200
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
    status = 400 if form.is_bound else 200
    context = {"form": form, "asset": asset}
    return render(request, "localities/asset_form.html", context, status=status)
