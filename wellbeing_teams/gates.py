"""One gate per record, for the pages (the API uses the same QuerySet methods): each lookup
starts from the need-to-know gate and answers 404 to anyone it does not let through, so that
nothing's existence leaks. A page showing residents' data is audited as a view of each."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from localities.models import Resident
from thurrock_care.accounts.typing import AuthenticatedRequest
from thurrock_care.audit.models import Action
from thurrock_care.audit.services import record_many
from wellbeing_teams.models import PersonSupported, Team, Visit


def _page(request: AuthenticatedRequest) -> str:
    name = request.resolver_match.url_name if request.resolver_match else ""
    return f"wellbeing_teams:{name}"


def audited(request: AuthenticatedRequest, resident_ids: list[int]) -> None:
    """Opening a page that shows residents is a view of each of their records (one insert)."""
    ids = sorted(set(resident_ids))
    if ids and request.method == "GET":
        record_many(actor=request.user, action=Action.VIEWED, resident_ids=ids, request=request,
                    details={"page": _page(request)})  # fmt: skip


def visible_team(request: AuthenticatedRequest, pk: int) -> Team:
    return get_object_or_404(Team.objects.visible_to(request.user).select_related("locality"),
                             pk=pk)  # fmt: skip


def run_team(request: AuthenticatedRequest, pk: int) -> Team:
    """A team whose own records (time, rota) this user writes: its members."""
    return get_object_or_404(Team.objects.run_by(request.user).select_related("locality"), pk=pk)


def _people(request: AuthenticatedRequest) -> QuerySet[PersonSupported]:
    return PersonSupported.objects.visible_to(request.user).select_related(
        "resident__neighbourhood__locality", "team"
    )


def visible_person(request: AuthenticatedRequest, pk: int) -> PersonSupported:
    person = get_object_or_404(_people(request), pk=pk)
    audited(request, [person.resident_id])
    return person


def recordable_person(request: AuthenticatedRequest, pk: int) -> PersonSupported:
    """A person on the caseload of a team this user is a member of."""
    person = get_object_or_404(
        _people(request).filter(team__in=Team.objects.run_by(request.user)), pk=pk
    )
    audited(request, [person.resident_id])
    return person


def person_for_resident(
    request: AuthenticatedRequest, resident_pk: int
) -> tuple[Resident, PersonSupported | None]:
    """A resident this user sees (else 404) and their latest support by a team, if any."""
    resident = get_object_or_404(Resident.objects.visible_to(request.user), pk=resident_pk)
    person = _people(request).filter(resident=resident).order_by("-started_on", "-pk").first()
    if (
        person is None
        and not Resident.objects.changeable_by(request.user).filter(pk=resident.pk).exists()
    ):
        # A partner named in their consent, a break-glass reader: not the team's business.
        raise Http404
    return resident, person


def joinable_resident(request: AuthenticatedRequest, resident_pk: int) -> Resident:
    """A resident this user may add to a team's caseload: one they see through their locality
    (Resident.changeable_by), not through break-glass or consent; else 404."""
    return get_object_or_404(
        Resident.objects.changeable_by(request.user).select_related("neighbourhood"),
        pk=resident_pk,
    )


def _visits(request: AuthenticatedRequest) -> QuerySet[Visit]:
    return Visit.objects.visible_to(request.user).select_related(
        "resident", "person", "team", "arrived_by", "left_by", "cancelled_by", "recorded_by"
    )


def visible_visit(request: AuthenticatedRequest, pk: int) -> Visit:
    visit = get_object_or_404(_visits(request), pk=pk)
    audited(request, [visit.resident_id])
    return visit


def recordable_visit(request: AuthenticatedRequest, pk: int) -> Visit:
    """A visit of a team this user is a member of: they record it."""
    visit = get_object_or_404(
        _visits(request).filter(team__in=Team.objects.run_by(request.user)), pk=pk
    )
    audited(request, [visit.resident_id])
    return visit
