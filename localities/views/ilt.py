"""The ILT's pages: requests to join (the form needs no account) and their decision, monthly
meetings and their actions, learning cycles, the community assets directory."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from localities import queries
from localities.forms import ilt as forms
from localities.models import (
    ActionItem,
    CommunityAsset,
    JoinRequest,
    LearningCycle,
    Locality,
    Meeting,
)
from localities.services import ilt as services
from thurrock_care import access, ratelimit, submissions
from thurrock_care.accounts.typing import AuthenticatedRequest
from thurrock_care.forms import form_status
from thurrock_care.pages import page_of
from thurrock_care.submissions.forms import keep_typed_after_reuse
from thurrock_care.versions import CONFLICT_STATUS, EditConflict, keep_typed_after_conflict

# Requests to join an ILT (the form needs no account) -------------------------------------


def join_request_create(request: HttpRequest, slug: str) -> HttpResponse:
    locality = get_object_or_404(Locality, slug=slug)
    data = request.POST.copy() if request.method == "POST" else None
    form = forms.JoinRequestForm(data)
    status = 200
    if data is not None:
        status = 400
        if _join_requests_exhausted(request):
            form.add_error(None, TOO_MANY_JOIN_REQUESTS)
            status = 429
        elif form.is_valid():
            try:
                services.submit_join_request(
                    locality=locality, request=request, **form.cleaned_data
                )
            except submissions.KeyReused:
                keep_typed_after_reuse(form, data)
            else:
                return redirect("localities:join_thanks", slug=slug)
    context = {"locality": locality, "form": form}
    return render(request, "localities/join_request_form.html", context, status=status)


# The join form needs no account and has no captcha: light limits per address and per
# contact e-mail instead (settings.RATE_LIMITS["join_request"]).
TOO_MANY_JOIN_REQUESTS = (
    "Too many requests have been sent from your network, or for this e-mail address, in the "
    "last hour. Your answers are below: try again in an hour."
)


def _join_requests_exhausted(request: HttpRequest) -> bool:
    email = request.POST.get("contact_email", "").strip().lower()
    return not ratelimit.consume(request, action="join_request", key=email)


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


def _approve_form(join_request: JoinRequest, data: QueryDict | None = None) -> forms.ApproveForm:
    return forms.ApproveForm(
        data,
        resembling=queries.resembling_organisations(join_request),
        name=join_request.organisation_name,
    )


@login_required
def join_request_detail(
    request: AuthenticatedRequest,
    slug: str,
    pk: int,
    form: forms.DeclineForm | None = None,
    approve_form: forms.ApproveForm | None = None,
) -> HttpResponse:
    join_request = _join_request(request, slug, pk)
    approve_form = approve_form or _approve_form(join_request)
    context = {
        "join_request": join_request,
        "form": form or forms.DeclineForm(),
        "approve_form": approve_form,
        "resembling": list(approve_form.resembling.values()),
        "account": queries.account_with_address(join_request.contact_email),
    }
    status = 400 if form is not None or approve_form.is_bound else 200
    return render(request, "localities/join_request_detail.html", context, status=status)


@login_required
@require_POST
def join_request_approve(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    join_request = _join_request(request, slug, pk)
    form = _approve_form(join_request, request.POST)
    if not form.is_valid():
        return join_request_detail(request, slug, pk, approve_form=form)
    try:
        approval = services.approve_join_request(
            join_request=join_request,
            by=request.user,
            organisation=form.cleaned_data["organisation"],
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("localities:join_request", slug=slug, pk=pk)
    messages.success(request, _approval_message(approval))
    return redirect("localities:join_requests", slug=slug)


def _approval_message(approval: services.Approval) -> str:
    join_request = approval.join_request
    said = f"{approval.organisation.name} has joined the {join_request.locality.short_name} ILT."
    if approval.invited:
        return f"{said} {join_request.contact_email} has been invited to Thurrock Care."
    if approval.existing_account:
        return (
            f"{said} {join_request.contact_email} already has an account: it has not been "
            "changed. An administrator can add them to this organisation or locality."
        )
    return (
        f"{said} Nobody was invited from the request: the organisation's known contact or an "
        "administrator adds its people."
    )


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
    data = request.POST.copy() if request.method == "POST" else None
    form = forms.MeetingForm(data, locality=locality)
    if data is not None and form.is_valid():
        try:
            meeting = services.create_meeting(
                locality=locality, by=request.user, **form.cleaned_data
            )
        except submissions.KeyReused:
            keep_typed_after_reuse(form, data)
        else:
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
    status = form_status(request)
    if data is not None and form.is_valid():
        try:
            services.update_meeting(meeting=meeting, by=request.user, **form.cleaned_data)
            messages.success(request, "The meeting has been updated.")
            return redirect("localities:meeting", slug=slug, pk=pk)
        except EditConflict as error:
            keep_typed_after_conflict(form, data, error)
            status = CONFLICT_STATUS
    context = {"locality": meeting.locality, "meeting": meeting, "form": form}
    return render(request, "localities/meeting_form.html", context, status=status)


@login_required
@require_POST
def action_item_create(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    meetings = Meeting.objects.editable_by(request.user).select_related("locality")
    meeting = get_object_or_404(meetings, locality__slug=slug, pk=pk)
    form = forms.ActionItemForm(request.POST, locality=meeting.locality)
    if form.is_valid():
        try:
            services.add_action_item(meeting=meeting, by=request.user, **form.cleaned_data)
        except submissions.KeyReused:
            messages.error(
                request,
                "That form had already been sent with other words, so this was not added: "
                f"“{form.cleaned_data['text']}”. Add it again if you meant to.",
            )
        else:
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
    services.mark_action_item_done(item=action, by=request.user)
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
    page = page_of(request, cycles)
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
    data = request.POST.copy() if request.method == "POST" else None
    form = forms.LearningCycleForm(data, localities=localities)
    if data is not None and form.is_valid():
        try:
            cycle = services.create_learning_cycle(by=request.user, **form.cleaned_data)
        except submissions.KeyReused:
            keep_typed_after_reuse(form, data)
        else:
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
    status = form_status(request)
    if data is not None and form.is_valid():
        try:
            services.update_learning_cycle(cycle=cycle, by=request.user, **form.cleaned_data)
            messages.success(request, "The learning cycle has been updated.")
            return redirect("learning:detail", pk=pk)
        except EditConflict as error:
            keep_typed_after_conflict(form, data, error)
            status = CONFLICT_STATUS
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
    page = page_of(request, assets)
    context = {"filters": filters, "page": page, "can_edit": access.edits_assets(request.user)}
    return render(request, "localities/asset_list.html", context)


@login_required
def asset_create(request: AuthenticatedRequest) -> HttpResponse:
    if not access.edits_assets(request.user):
        raise Http404("Managers read the directory; they do not change it.")
    data = request.POST.copy() if request.method == "POST" else None
    form = forms.CommunityAssetForm(data)
    if data is not None and form.is_valid():
        try:
            asset = services.create_asset(by=request.user, **form.cleaned_data)
        except submissions.KeyReused:
            keep_typed_after_reuse(form, data)
        else:
            messages.success(request, f"{asset.name} has been added to the directory.")
            return redirect("assets:list")
    status = form_status(request)
    return render(request, "localities/asset_form.html", {"form": form}, status=status)


@login_required
def asset_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    asset = get_object_or_404(CommunityAsset.objects.editable_by(request.user), pk=pk)
    data = request.POST.copy() if request.method == "POST" else None
    form = forms.CommunityAssetEditForm(data, instance=asset)
    status = form_status(request)
    if data is not None and form.is_valid():
        try:
            services.update_asset(asset=asset, by=request.user, **form.cleaned_data)
            messages.success(request, f"{form.cleaned_data['name']} has been updated.")
            return redirect("assets:list")
        except EditConflict as error:
            keep_typed_after_conflict(form, data, error)
            status = CONFLICT_STATUS
    context = {"form": form, "asset": asset}
    return render(request, "localities/asset_form.html", context, status=status)
