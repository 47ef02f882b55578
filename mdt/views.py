"""The MDT pages: request one, the board, the MDT (times, answers, the recommended time,
confirming), the meeting record and its actions, closing and reopening, the minutes PDF, and
the availability page that works without an account. Thin: gate, form, one service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from localities.models import Locality, Resident
from mdt import forms, gates, queries, services, tokens
from mdt.models import Mdt, MdtAction, MeetingRecord, Response
from thurrock_care import ratelimit, submissions
from thurrock_care.accounts.typing import AuthenticatedRequest
from thurrock_care.forms import form_status
from thurrock_care.submissions.forms import keep_typed_after_reuse
from thurrock_care.versions import CONFLICT_STATUS, EditConflict, keep_typed_after_conflict


def _post(request: HttpRequest) -> Any:
    return request.POST.copy() if request.method == "POST" else None


@login_required
def request_mdt(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Request an MDT for a resident whose record this user changes."""
    resident = get_object_or_404(
        Resident.objects.changeable_by(request.user).select_related("neighbourhood__locality"),
        pk=pk,
    )
    gates.audited(request, resident.pk)
    data = _post(request)
    organisations = queries.ilt_organisations(resident.neighbourhood.locality_id)
    form = forms.RequestMdtForm(data, organisations=organisations,
                                initial={"urgency": "urgent"})  # fmt: skip
    if data is not None and form.is_valid():
        values = dict(form.cleaned_data)
        try:
            mdt = services.request_mdt(
                resident=resident, by=request.user, urgency=values["urgency"],
                concern=values["concern"], residents_voice=values["residents_voice"],
                organisations=list(values["organisations"]), required=list(values["required"]),
                consent_given=values["consent_given"], lawful_basis=values["lawful_basis"],
                submission_key=values["submission_key"], request=request,
            )  # fmt: skip
        except submissions.KeyReused:
            keep_typed_after_reuse(form, data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{mdt.reference} requested. Now propose times.")
            return redirect("mdt:detail", pk=mdt.pk)
    return render(request, "mdt/mdt_request.html", {"form": form, "resident": resident},
                  status=form_status(request))  # fmt: skip


@login_required
def board(request: AuthenticatedRequest) -> HttpResponse:
    gates.require_resident_role(request.user)
    localities = list(Locality.objects.worked_in_by(request.user).order_by("name"))
    if not localities:
        raise Http404
    wanted = request.GET.get("locality", "")
    locality = next((loc for loc in localities if str(loc.pk) == wanted), localities[0])
    context = queries.board(locality, request.user)
    gates.audited_list(request, context["resident_ids"])
    context.update(locality=locality, localities=localities)
    return render(request, "mdt/mdt_board.html", context)


def _detail(
    request: AuthenticatedRequest, mdt: Mdt, status: int = 200, **forms_: Any
) -> HttpResponse:
    user = request.user
    context = queries.mdt_page(mdt, user)
    runs = Mdt.objects.coordinated_by(user).filter(pk=mdt.pk).exists()
    slots = mdt.slots.all()
    context.update(
        mdt=mdt,
        resident=mdt.resident,
        runs=runs,
        propose_form=forms_.get("propose_form") or forms.ProposeSlotsForm(picks=context["picks"]),
        answer_form=forms_.get("answer_form")
        or (forms.AnswerForm(slots=context["slots"]) if context["my_invitation"] else None),
        confirm_form=forms_.get("confirm_form")
        or forms.SlotChoiceForm(
            slots=slots,
            initial={"slot": context["recommendation"].slot_id or mdt.confirmed_slot_id},
        ),
    )
    return render(request, "mdt/mdt_detail.html", context, status=status)


@login_required
def detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _detail(request, gates.visible_mdt(request, pk, request.user))


@login_required
@require_POST
def propose(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    mdt = gates.coordinated_mdt(request, pk, request.user)
    picks = queries.mdt_page(mdt, request.user)["picks"] if mdt.is_finding_time else []
    form = forms.ProposeSlotsForm(request.POST, picks=picks)
    if form.is_valid():
        try:
            slots = services.propose_slots(
                mdt=mdt, by=request.user, starts=form.cleaned_data["starts"], request=request
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{len(slots)} time(s) proposed; invitees have been asked.")
            return redirect("mdt:detail", pk=mdt.pk)
    return _detail(request, mdt, status=400, propose_form=form)


@login_required
@require_POST
def answer(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    mdt = gates.visible_mdt(request, pk, request.user)
    organisation_id = request.user.organisation_id or 0
    invitation = mdt.invitations.filter(organisation_id=organisation_id).first()
    if invitation is None:
        raise Http404
    data = request.POST.copy()
    form = forms.AnswerForm(data, slots=list(mdt.slots.all()))
    if form.is_valid():
        try:
            services.answer_slots(
                invitation=invitation, by=request.user, request=request,
                answers=[services.Answer(slot=slot, answer=value,
                                         delegate=form.cleaned_data["delegate"])
                         for slot, value in form.cleaned_data["answers"]],
                submission_key=form.cleaned_data["submission_key"],
            )  # fmt: skip
        except submissions.KeyReused:
            keep_typed_after_reuse(form, data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Your organisation's answers are saved.")
            return redirect("mdt:detail", pk=mdt.pk)
    return _detail(request, mdt, status=400, answer_form=form)


@login_required
@require_POST
def confirm(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    mdt = gates.coordinated_mdt(request, pk, request.user)
    form = forms.SlotChoiceForm(request.POST, slots=mdt.slots.all())
    if form.is_valid():
        slot = form.cleaned_data["slot"]
        try:
            if mdt.status == Mdt.Status.SCHEDULED and "move" in request.POST:
                services.reschedule(mdt=mdt, slot=slot, by=request.user, request=request)
                messages.success(request, "The meeting has moved; everyone has been told.")
            else:
                services.confirm_slot(mdt=mdt, slot=slot, by=request.user, request=request)
                messages.success(request, "The time is confirmed; invitations have been sent.")
        except services.AlreadyConfirmed as error:
            messages.error(request, str(error))
            return redirect("mdt:detail", pk=mdt.pk)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("mdt:detail", pk=mdt.pk)
    return _detail(request, mdt, status=400, confirm_form=form)


@login_required
@require_POST
def cancel(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    mdt = gates.coordinated_mdt(request, pk, request.user)
    try:
        services.cancel_meeting(mdt=mdt, by=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The meeting is called off; everyone has been told.")
    return redirect("mdt:detail", pk=mdt.pk)


@login_required
def meeting(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The meeting record (attendance, discussion, voice, decisions) and its actions."""
    mdt = gates.coordinated_mdt(request, pk, request.user)
    existing = (
        MeetingRecord.objects.filter(mdt=mdt).prefetch_related("attended", "apologies").first()
    )
    organisations = queries.ilt_organisations(mdt.locality_id)
    data = _post(request)
    initial: dict[str, Any] = {}
    if existing is not None:
        initial = {
            "attended": list(existing.attended.all()),
            "apologies": list(existing.apologies.all()),
            "discussion": existing.discussion,
            "residents_voice": existing.residents_voice,
            "decisions": existing.decisions,
            "version": existing.version,
        }
    else:
        initial = {"residents_voice": mdt.residents_voice}
    form = forms.MeetingRecordForm(data, organisations=organisations, initial=initial)
    status = form_status(request)
    if data is not None and form.is_valid():
        values = dict(form.cleaned_data)
        try:
            services.record_meeting(
                mdt=mdt,
                by=request.user,
                request=request,
                attended=list(values["attended"]),
                apologies=list(values["apologies"]),
                discussion=values["discussion"],
                residents_voice=values["residents_voice"],
                decisions=values["decisions"],
                version=values["version"],
            )
        except EditConflict as error:
            keep_typed_after_conflict(form, data, error)
            status = CONFLICT_STATUS
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The meeting record is saved.")
            return redirect("mdt:meeting", pk=mdt.pk)
    return _meeting_page(request, mdt, form=form, existing=existing, status=status)


def _meeting_page(request: AuthenticatedRequest, mdt: Mdt, *, form: Any, existing: Any,
                  status: int, action_form: Any = None) -> HttpResponse:  # fmt: skip
    organisations = queries.ilt_organisations(mdt.locality_id)
    context = {
        "mdt": mdt,
        "resident": mdt.resident,
        "form": form,
        "record": existing,
        "actions": list(mdt.actions.select_related("owner_organisation", "owner_person")),
        "earlier_actions": queries.earlier_open_actions(mdt),
        "action_form": action_form or forms.AddActionForm(organisations=organisations),
    }
    return render(request, "mdt/mdt_meeting.html", context, status=status)


@login_required
@require_POST
def add_action(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    mdt = gates.coordinated_mdt(request, pk, request.user)
    data = request.POST.copy()
    form = forms.AddActionForm(data, organisations=queries.ilt_organisations(mdt.locality_id))
    if form.is_valid():
        values = dict(form.cleaned_data)
        try:
            services.add_action(mdt=mdt, by=request.user, request=request, **values)
        except submissions.KeyReused:
            keep_typed_after_reuse(form, data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The action is added.")
            return redirect("mdt:meeting", pk=mdt.pk)
    existing = MeetingRecord.objects.filter(mdt=mdt).first()
    organisations = queries.ilt_organisations(mdt.locality_id)
    record_form = forms.MeetingRecordForm(organisations=organisations)
    return _meeting_page(request, mdt, form=record_form, existing=existing, status=400,
                         action_form=form)  # fmt: skip


@login_required
def action(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """An action's owner (or the MDT's coordinator) updates its status with a note."""
    item = gates.owned_action(request, pk, request.user)
    data = _post(request)
    form = forms.UpdateActionForm(data, initial={"status": item.status, "note": item.note,
                                                 "version": item.version})  # fmt: skip
    status = form_status(request)
    if data is not None and form.is_valid():
        try:
            services.update_action(action=item, by=request.user, request=request,
                                   **form.cleaned_data)  # fmt: skip
        except EditConflict as error:
            keep_typed_after_conflict(form, data, error)
            status = CONFLICT_STATUS
            item.refresh_from_db()
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if MdtAction.objects.owned_by(request.user).filter(pk=item.pk).exists():
                messages.success(request, "The action is updated.")
                return redirect("mdt:action", pk=item.pk)
            # Done, it no longer gives them the resident (an owner not invited to the MDT).
            messages.success(request, f"The action is marked {item.get_status_display().lower()}"
                             ". Thank you: you no longer need this resident's MDT.")  # fmt: skip
            return redirect("home")
    return render(request, "mdt/action_detail.html",
                  {"action": item, "mdt": item.mdt, "form": form}, status=status)  # fmt: skip


@login_required
def close(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    mdt = gates.coordinated_mdt(request, pk, request.user)
    data = _post(request)
    form = forms.CloseForm(data, initial={"version": mdt.version, "outcome": mdt.outcome})
    status = form_status(request)
    if data is not None and form.is_valid():
        try:
            services.close_mdt(mdt=mdt, by=request.user, request=request, **form.cleaned_data)
        except EditConflict as error:
            keep_typed_after_conflict(form, data, error)
            status = CONFLICT_STATUS
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{mdt.reference} is closed.")
            return redirect("mdt:detail", pk=mdt.pk)
    open_actions = mdt.actions.filter(status=MdtAction.Status.OPEN).count()
    return render(request, "mdt/mdt_close.html",
                  {"mdt": mdt, "resident": mdt.resident, "form": form,
                   "open_actions": open_actions}, status=status)  # fmt: skip


@login_required
@require_POST
def reopen(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    mdt = gates.coordinated_mdt(request, pk, request.user)
    form = forms.ReopenForm(request.POST)
    if form.is_valid():
        try:
            services.reopen_mdt(mdt=mdt, by=request.user, request=request, **form.cleaned_data)
        except (EditConflict, ValidationError) as error:
            messages.error(request, str(error) if isinstance(error, EditConflict)
                           else " ".join(error.messages))  # fmt: skip
        else:
            messages.success(request, f"{mdt.reference} is reopened.")
    else:
        messages.error(request, "Say why it is reopened.")
    return redirect("mdt:detail", pk=mdt.pk)


@login_required
def minutes(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    from mdt import minutes as pdf

    mdt = gates.visible_mdt(request, pk, request.user)
    record = MeetingRecord.objects.filter(mdt=mdt).prefetch_related("attended", "apologies").first()
    if record is None:
        raise Http404
    body = pdf.render(mdt, record)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{mdt.reference}-minutes.pdf"'
    return response


# --- Without an account ----------------------------------------------------------------------


@never_cache
def availability(request: HttpRequest, token: str) -> HttpResponse:
    """Answer an MDT's times from the e-mailed link: only initials, locality and the times.
    Anything wrong with the token is a plain 404, the same as no such page."""
    if not ratelimit.consume(request, action="mdt_availability"):
        # Whatever the token: the same answer, so a guesser learns nothing.
        return render(request, "mdt/availability_limited.html", status=429)
    invitation = tokens.invitation_for(token)
    if invitation is None:
        raise Http404
    mdt = invitation.mdt
    answered = set(
        Response.objects.filter(invitation=invitation, via_link=True).values_list(
            "slot_id", flat=True
        )
    )
    slots = [slot for slot in mdt.slots.all() if slot.pk not in answered]
    data = _post(request)
    form = forms.AnswerForm(data, slots=slots, keyed=False)
    if data is not None and form.is_valid():
        try:
            services.answer_slots(
                invitation=invitation, by=None, via_link=True, request=request,
                answers=[services.Answer(slot=slot, answer=value,
                                         delegate=form.cleaned_data["delegate"])
                         for slot, value in form.cleaned_data["answers"]],
            )  # fmt: skip
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return render(request, "mdt/availability_done.html", {"mdt": mdt})
    # Letters of the full name only: never the preferred name, brackets or punctuation.
    words = mdt.resident.full_name.split()
    initials = "".join(word[0].upper() for word in words if word[0].isalpha())[:4]
    context = {"mdt": mdt, "invitation": invitation, "form": form, "initials": initials,
               "slots": slots}  # fmt: skip
    return render(request, "mdt/availability.html", context, status=form_status(request))
