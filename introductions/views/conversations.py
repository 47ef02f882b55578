"""Conversations: log one from a resident's page or a drop-in; log the first conversation
with someone new (their record too, with localities' duplicate check); read one. Nothing typed
is lost: validation errors keep it, the submission key makes one conversation of a double
click or a retry, and an expired session keeps it through signing in (drafts.py)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from introductions import gates, queries
from introductions.forms.conversations import ConversationForm, FindForm, FirstConversationForm
from introductions.models import Conversation, DropInSession
from introductions.services import conversations as services
from localities import queries as resident_queries
from localities.models import Resident
from localities.services.residents import LikelyDuplicates
from thurrock_care import drafts, submissions
from thurrock_care.accounts.typing import AuthenticatedRequest
from thurrock_care.forms import form_status
from thurrock_care.submissions.forms import keep_typed_after_reuse


def _after_saving(
    request: AuthenticatedRequest, conversation: Conversation, drop_in: DropInSession | None
) -> HttpResponse:
    name = conversation.resident.preferred_name or conversation.resident.full_name
    messages.success(request, f"Your conversation with {name} has been saved.")
    target = (
        reverse("introductions:drop_in", args=[drop_in.pk])
        if drop_in
        else reverse("residents:detail", args=[conversation.resident_id]) + "#history"
    )
    key = request.POST.get("submission_key", "")
    return drafts.mark_saved(redirect(target), key)


def _draft_key(request: AuthenticatedRequest, drop_in: DropInSession | None) -> str:
    """Which form a draft belongs to (the browser keeps one per user and form)."""
    return request.path + (f"?drop_in={drop_in.pk}" if drop_in else "")


@drafts.login_required_keeping_post
def conversation_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Log a conversation with someone known: four things required, the rest folded away, and
    their story (tell us once) one tap away."""
    resident = gates.visible_resident(request, pk)
    drop_in = gates.drop_in_from_query(request)
    data = request.POST.copy() if request.method == "POST" else drafts.take_kept(request)
    open_connections = queries.open_connections(resident, request.user)
    form = ConversationForm(
        data,
        locality=resident.neighbourhood.locality,
        open_connections=open_connections,
        initial={"how_we_met": Conversation.HowWeMet.DROP_IN} if drop_in else {},
    )
    if request.method == "POST" and form.is_valid():
        try:
            conversation = services.log_conversation(
                resident=resident,
                by=request.user,
                drop_in=drop_in,
                submission_key=form.cleaned_data["submission_key"],
                request=request,
                **form.service_values(),
            )
        except submissions.KeyReused:
            keep_typed_after_reuse(form, request.POST.copy() if data is None else data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _after_saving(request, conversation, drop_in)
    context = {
        "form": form,
        "resident": resident,
        "drop_in": drop_in,
        "restored": request.method == "GET" and data is not None,
        "tell_us_once": queries.tell_us_once(resident),
        "draft_key": _draft_key(request, drop_in),
        "draft_author": drafts.author_token(request.user),
    }
    return render(
        request, "introductions/conversation_form.html", context, status=form_status(request)
    )


@drafts.login_required_keeping_post
def conversation_quick(request: AuthenticatedRequest) -> HttpResponse:
    """Who did you talk to? Find them (only people this user may see), or add someone new and
    the conversation together, in one page."""
    gates.require_resident_role(request)
    drop_in = gates.drop_in_from_query(request)
    find = FindForm(request.GET or None)
    q = find.cleaned_data["q"].strip() if find.is_valid() else ""
    results = resident_queries.search_results(request.user, q) if q else None
    data = request.POST.copy() if request.method == "POST" else drafts.take_kept(request)
    initial = {"full_name": q}
    if drop_in:
        initial["how_we_met"] = Conversation.HowWeMet.DROP_IN
    form = FirstConversationForm(data, user=request.user, initial=initial)
    duplicates = None
    if request.method == "POST" and form.is_valid():
        chosen = request.POST.get("use_resident", "")
        existing = None
        if chosen:
            existing = (
                Resident.objects.visible_to(request.user)
                .filter(
                    pk=int(chosen)
                    if chosen.isascii() and chosen.isdigit() and len(chosen) < 18
                    else 0
                )
                .first()
            )
        try:
            if chosen and existing is None:
                raise ValidationError("Choose one of the people listed, or add a new person")
            conversation = services.log_first_conversation(
                by=request.user,
                resident_details=form.resident_details(),
                existing=existing,
                confirm_new=request.POST.get("confirm_new") == "yes",
                submission_key=form.cleaned_data["submission_key"],
                request=request,
                drop_in=drop_in,
                **form.conversation_values(),
            )
        except LikelyDuplicates as found:
            duplicates = found.residents
        except submissions.KeyReused:
            keep_typed_after_reuse(form, request.POST.copy() if data is None else data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _after_saving(request, conversation, drop_in)
    context = {
        "find": find,
        "q": q,
        "results": results,
        "form": form,
        "duplicates": duplicates,
        "drop_in": drop_in,
        "restored": request.method == "GET" and data is not None,
        "draft_key": _draft_key(request, drop_in),
        "draft_author": drafts.author_token(request.user),
    }
    status = 200 if duplicates else form_status(request)
    return render(request, "introductions/conversation_quick.html", context, status=status)


@login_required
def conversation_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    conversation = gates.visible_conversation(request, pk)
    context = {
        "conversation": conversation,
        "resident": conversation.resident,
        **queries.conversation_page(conversation),
    }
    return render(request, "introductions/conversation_detail.html", context)
