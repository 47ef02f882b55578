"""One gate per record, for the pages (the API uses the same QuerySet methods): each lookup
starts from the need-to-know gate and answers 404 to anyone it does not let through, so that
nothing's existence leaks. Showing a page of a resident's data is audited as a view."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from introductions.models import Conversation, DropInSession, Introduction
from localities.models import Resident
from localities.services import residents as resident_services
from thurrock_care import access
from thurrock_care.accounts.typing import AuthenticatedRequest
from thurrock_care.audit.models import Action
from thurrock_care.audit.services import record_many


def audited(request: AuthenticatedRequest, resident: Resident) -> Resident:
    if request.method == "GET":
        page = request.resolver_match.url_name if request.resolver_match else ""
        resident_services.record_view(
            resident=resident, by=request.user, request=request, page=f"lac:{page}"
        )
    return resident


def audited_list(request: AuthenticatedRequest, resident_ids: list[int]) -> None:
    """A page listing residents (a drop-in's people, a LAC's introductions) is a view of each
    record: one entry each, in one insert."""
    ids = sorted(set(resident_ids))
    if ids:
        page = request.resolver_match.url_name if request.resolver_match else ""
        record_many(actor=request.user, action=Action.VIEWED, resident_ids=ids,
                    request=request, details={"page": f"lac:{page}"})  # fmt: skip


def require_resident_role(request: AuthenticatedRequest) -> None:
    """Pages without a resident that still lead to named residents: not for managers."""
    if not access.sees_named_residents(request.user):
        raise Http404


def visible_resident(request: AuthenticatedRequest, pk: int) -> Resident:
    """A resident this user may see (and so talk with and log it): else 404."""
    resident = get_object_or_404(
        Resident.objects.visible_to(request.user).select_related("neighbourhood__locality"), pk=pk
    )
    return audited(request, resident)


def changeable_resident(request: AuthenticatedRequest, pk: int) -> Resident:
    """A resident whose introduction this user may make: core practitioners and coordinators
    of their locality, administrators. Others who see the record: 404 too (the page is not
    theirs to use, and offers nothing)."""
    resident = get_object_or_404(
        Resident.objects.changeable_by(request.user).select_related("neighbourhood__locality"),
        pk=pk,
    )
    return audited(request, resident)


def visible_conversation(request: AuthenticatedRequest, pk: int) -> Conversation:
    conversation = get_object_or_404(
        Conversation.objects.visible_to(request.user).select_related(
            "resident__neighbourhood__locality", "held_by", "asset", "drop_in"
        ),
        pk=pk,
    )
    audited(request, conversation.resident)
    return conversation


def visible_introduction(request: AuthenticatedRequest, pk: int) -> Introduction:
    introduction = get_object_or_404(
        Introduction.objects.visible_to(request.user).select_related(
            "resident__neighbourhood__locality", "holder", "created_by", "drop_in"
        ),
        pk=pk,
    )
    audited(request, introduction.resident)
    return introduction


def changeable_introduction(request: AuthenticatedRequest, pk: int) -> Introduction:
    introduction = get_object_or_404(
        Introduction.objects.changeable_by(request.user).select_related(
            "resident__neighbourhood__locality", "holder"
        ),
        pk=pk,
    )
    audited(request, introduction.resident)
    return introduction


def run_drop_in(request: AuthenticatedRequest, pk: int) -> DropInSession:
    """A session whose page (the people met there) this user opens: 404 otherwise."""
    return get_object_or_404(
        DropInSession.objects.run_by(request.user).select_related("locality", "asset"), pk=pk
    )


def drop_in_from_query(request: AuthenticatedRequest) -> DropInSession | None:
    """The session a conversation is logged from (`?drop_in=`), if this user runs it."""
    raw = request.GET.get("drop_in", "")
    if not (raw.isascii() and raw.isdigit() and len(raw) < 18):
        return None
    sessions = DropInSession.objects.run_by(request.user).filter(cancelled=False)
    return sessions.filter(pk=int(raw)).first()
