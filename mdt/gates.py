"""One gate per record, for pages and API alike: every lookup starts from the need-to-know
QuerySet methods and answers 404 to anyone it does not let through. Showing a page of a
resident's data is audited as a view of their record."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from localities.models import Resident
from localities.services import residents as resident_services
from mdt.models import Mdt, MdtAction
from thurrock_care import access
from thurrock_care.accounts.models import User
from thurrock_care.audit.models import Action
from thurrock_care.audit.services import record_many


def audited(request: HttpRequest, resident_id: int, *, page: str = "") -> None:
    if request.method == "GET" and isinstance(request.user, User):
        name = page or (request.resolver_match.url_name if request.resolver_match else "")
        resident = Resident(pk=resident_id)
        resident_services.record_view(resident=resident, by=request.user, request=request,
                                      page=f"mdt:{name}")  # fmt: skip


def audited_list(request: HttpRequest, resident_ids: list[int]) -> None:
    ids = sorted(set(resident_ids))
    if ids and isinstance(request.user, User):
        page = request.resolver_match.url_name if request.resolver_match else ""
        record_many(actor=request.user, action=Action.VIEWED, resident_ids=ids,
                    request=request, details={"page": f"mdt:{page}"})  # fmt: skip


def require_resident_role(user: User) -> None:
    if not access.sees_named_residents(user):
        raise Http404


def visible_mdt(request: HttpRequest, pk: int, user: User) -> Mdt:
    mdt = get_object_or_404(
        Mdt.objects.visible_to(user).select_related(
            "resident__neighbourhood__locality", "locality", "requested_by", "confirmed_slot"
        ),
        pk=pk,
    )
    audited(request, mdt.resident_id)
    return mdt


def coordinated_mdt(request: HttpRequest, pk: int, user: User) -> Mdt:
    mdt = get_object_or_404(
        Mdt.objects.coordinated_by(user).select_related(
            "resident__neighbourhood__locality", "locality", "requested_by", "confirmed_slot"
        ),
        pk=pk,
    )
    audited(request, mdt.resident_id)
    return mdt


def owned_action(request: HttpRequest, pk: int, user: User) -> MdtAction:
    action = get_object_or_404(
        MdtAction.objects.owned_by(user).select_related(
            "mdt__resident__neighbourhood__locality", "mdt__locality", "owner_organisation",
            "owner_person",
        ),
        pk=pk,
    )  # fmt: skip
    audited(request, action.mdt.resident_id)
    return action
