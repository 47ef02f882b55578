"""Introductions: make one (no referral form), read it with who held it, change it
(version-checked: a second editor is shown both versions), and reassign many at once."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from introductions import gates, holders, queries
from introductions.forms.introductions import (
    ChooseHolderForm,
    EditIntroductionForm,
    NewIntroductionForm,
    ReassignForm,
)
from introductions.models import INTRODUCTION_FIELDS, Introduction
from introductions.services import introductions as services
from localities.models import Locality, Resident
from thurrock_care import access, submissions
from thurrock_care.accounts.typing import AuthenticatedRequest
from thurrock_care.forms import form_status
from thurrock_care.submissions.forms import keep_typed_after_reuse
from thurrock_care.versions import CONFLICT_STATUS, EditConflict, keep_typed_after_conflict


@login_required
def introduction_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Introduce a resident to a Local Area Coordinator: who introduced them and who holds it;
    nothing else is needed. A resident with an open introduction is sent to it."""
    resident = gates.changeable_resident(request, pk)
    existing = Introduction.objects.open().filter(resident=resident).first()
    if existing is not None and request.method == "GET":
        return redirect("introductions:introduction", pk=existing.pk)
    data = request.POST.copy() if request.method == "POST" else None
    eligible = holders.eligible(resident.neighbourhood.locality_id)
    initial = {
        "holder": request.user.pk if eligible.filter(pk=request.user.pk).exists() else None,
        "introduced_on": timezone.localdate(),
        "status": Introduction.Status.GETTING_TO_KNOW,
    }
    offer = queries.next_offer_on(resident) is None
    form = NewIntroductionForm(data, holders=eligible, initial=initial, offer_wellbeing=offer)
    if data is not None and form.is_valid():
        values = form.introduction_values()
        key = values.pop("submission_key")
        try:
            introduction = services.create_introduction(
                resident=resident, by=request.user, submission_key=key, request=request,
                wellbeing=form.scores(), **values,
            )  # fmt: skip
        except submissions.KeyReused:
            keep_typed_after_reuse(form, data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The introduction has been recorded.")
            return redirect("introductions:introduction", pk=introduction.pk)
    context = {"form": form, "resident": resident}
    return render(
        request, "introductions/introduction_form.html", context, status=form_status(request)
    )


@login_required
def introduction_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    introduction = gates.visible_introduction(request, pk)
    context = {
        "introduction": introduction,
        "resident": introduction.resident,
        **queries.introduction_page(introduction, request.user),
    }
    return render(request, "introductions/introduction_detail.html", context)


@login_required
def introduction_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    introduction = gates.changeable_introduction(request, pk)
    initial = {**model_to_dict(introduction, fields=INTRODUCTION_FIELDS)}
    initial["version"] = introduction.version
    data = request.POST.copy() if request.method == "POST" else None
    eligible = holders.eligible(introduction.resident.neighbourhood.locality_id)
    form = EditIntroductionForm(data, holders=eligible, initial=initial)
    conflict = None
    if data is not None and form.is_valid():
        values = dict(form.cleaned_data)
        version = values.pop("version")
        try:
            services.update_introduction(
                introduction=introduction, by=request.user, version=version, request=request,
                **values,
            )  # fmt: skip
        except EditConflict as error:
            keep_typed_after_conflict(form, data, error)
            conflict = Introduction.objects.select_related("holder").get(pk=introduction.pk)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The introduction has been saved.")
            return redirect("introductions:introduction", pk=pk)
    context = {"form": form, "introduction": introduction, "resident": introduction.resident,
               "conflict": conflict}  # fmt: skip
    status = CONFLICT_STATUS if conflict else form_status(request)
    return render(request, "introductions/introduction_edit.html", context, status=status)


@login_required
def introduction_for_resident(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """From a resident's page: their open introduction; or, for those who may make one, the
    form; for other readers, a page saying there is none."""
    resident = gates.visible_resident(request, pk)
    existing = Introduction.objects.open().filter(resident=resident).first()
    if existing is not None:
        return redirect("introductions:introduction", pk=existing.pk)
    if Resident.objects.changeable_by(request.user).filter(pk=resident.pk).exists():
        return redirect("introductions:introduction_create", pk=resident.pk)
    return render(request, "introductions/introduction_none.html", {"resident": resident})


@login_required
def my_work(request: AuthenticatedRequest) -> HttpResponse:
    """A LAC's own list: the introductions they hold, and follow-ups due."""
    gates.require_resident_role(request)
    work = queries.my_work(request.user)
    followed = [f.resident_id for f in work["due_today"] + work["overdue"]]
    gates.audited_list(request, [i.resident_id for i in work["introductions"]] + followed)
    context = {
        **work,
        "perms_reassign": access.reviews_records(request.user),
        "figures": queries.figures_by_locality(),
    }
    return render(request, "introductions/my_work.html", context)


@login_required
def reassign(request: AuthenticatedRequest) -> HttpResponse:
    """Coordinators (and administrators) give one LAC's introductions to another, in one go."""
    if not access.reviews_records(request.user):
        raise Http404
    localities = Locality.objects.coordinated_by(request.user)
    candidates = holders.in_localities(localities.values("pk"))
    choose = ChooseHolderForm(request.GET or None, holders=candidates)
    holder = choose.cleaned_data["holder"] if choose.is_valid() else None
    held = queries.reassignable(request.user, holder)
    data = request.POST.copy() if request.method == "POST" else None
    form = ReassignForm(data, introductions=held, holders=candidates,
                        initial={"introductions": list(held)})  # fmt: skip
    if holder is not None and data is not None and form.is_valid():
        try:
            moved = services.reassign_introductions(
                introductions=form.cleaned_data["introductions"], to=form.cleaned_data["to"],
                by=request.user, reason=form.cleaned_data["reason"], request=request,
            )  # fmt: skip
        except ValidationError as error:
            form.add_error("to", error.messages[0])
        else:
            messages.success(
                request,
                f"{len(moved)} introduction{'s' if len(moved) != 1 else ''} given to "
                f"{form.cleaned_data['to'].full_name}.",
            )
            return redirect("introductions:reassign")
    context = {"choose": choose, "holder": holder, "form": form}
    gates.audited_list(request, [introduction.resident_id for introduction in held])
    status = 400 if data is not None and (holder is None or form.errors) else 200
    return render(request, "introductions/reassign.html", context, status=status)
