"""Reads that assemble the locality and ILT pages (and the API's lists)."""

from __future__ import annotations

from itertools import groupby
from typing import TYPE_CHECKING, Any

from django.db.models import BooleanField, Count, ExpressionWrapper, Prefetch, Q, QuerySet
from django.utils import timezone

from localities.models import (
    ActionItem,
    CommunityAsset,
    JoinRequest,
    LearningCycle,
    Locality,
    Meeting,
    Membership,
    Neighbourhood,
    Organisation,
)

if TYPE_CHECKING:
    from thurrock_care.accounts.models import User


def members_by_kind(locality: Locality) -> list[tuple[str, list[Any]]]:
    """The ILT's member organisations, grouped under their kind's label, in one query.

    Each membership has `is_new`: it joined this calendar month.
    """
    month_start = timezone.localdate().replace(day=1)
    memberships = (
        Membership.objects.filter(locality=locality)
        .select_related("organisation")
        .annotate(
            is_new=ExpressionWrapper(Q(joined_on__gte=month_start), output_field=BooleanField())
        )
        .order_by("organisation__kind", "organisation__name")
    )
    labels = dict(Organisation.Kind.choices)
    groups = [
        (labels[kind], list(items))
        for kind, items in groupby(memberships, key=lambda m: m.organisation.kind)
    ]
    return sorted(groups, key=lambda group: group[0])


def pending_join_requests_by_locality(user: User) -> QuerySet[Locality]:
    """The localities this user coordinates that have requests waiting, with how many."""
    waiting = Q(join_requests__status=JoinRequest.Status.PENDING)
    return (
        Locality.objects.coordinated_by(user)
        .annotate(pending=Count("join_requests", filter=waiting))
        .filter(pending__gt=0)
        .order_by("name")
    )


def join_requests_for(locality: Locality) -> tuple[list[JoinRequest], list[JoinRequest]]:
    """Pending requests (oldest first) and decided ones (latest decision first)."""
    requests = list(
        JoinRequest.objects.filter(locality=locality).select_related(
            "locality", "decided_by", "organisation"
        )
    )
    pending = sorted((r for r in requests if r.is_pending), key=lambda r: r.created_at)
    decided = sorted(
        (r for r in requests if not r.is_pending),
        key=lambda r: r.decided_at or r.created_at,
        reverse=True,
    )
    return pending, decided


def meetings_for(locality: Locality) -> QuerySet[Meeting]:
    return Meeting.objects.filter(locality=locality).annotate(
        open_items=Count("items", filter=Q(items__done=False), distinct=True),
        attending_count=Count("attending", distinct=True),
    )


def meeting_with_items(meetings: QuerySet[Meeting], pk: int) -> QuerySet[Meeting]:
    items = ActionItem.objects.select_related("owner", "carried_from__meeting")
    return (
        meetings.filter(pk=pk)
        .select_related("locality", "created_by")
        .prefetch_related(
            Prefetch("items", queryset=items),
            Prefetch("attending", queryset=Organisation.objects.order_by("name")),
            Prefetch("apologies", queryset=Organisation.objects.order_by("name")),
        )
    )


def learning_cycles(
    *, locality: Locality | None = None, status: str = ""
) -> QuerySet[LearningCycle]:
    cycles = LearningCycle.objects.select_related("locality", "created_by")
    if locality:
        cycles = cycles.filter(locality=locality)
    if status:
        cycles = cycles.filter(status=status)
    return cycles.order_by("-updated_at", "-pk")


def search_assets(
    *,
    q: str = "",
    locality: Locality | None = None,
    neighbourhood: Neighbourhood | None = None,
    kind: str = "",
    include_inactive: bool = False,
) -> QuerySet[CommunityAsset]:
    """Assets whose name, offer or place contains the words searched for (any case)."""
    assets = CommunityAsset.objects.select_related("neighbourhood__locality", "updated_by")
    for word in q.split():
        assets = assets.filter(
            Q(name__icontains=word) | Q(offer__icontains=word) | Q(where__icontains=word)
        )
    if locality:
        assets = assets.filter(neighbourhood__locality=locality)
    if neighbourhood:
        assets = assets.filter(neighbourhood=neighbourhood)
    if kind:
        assets = assets.filter(kind=kind)
    if not include_inactive:
        assets = assets.filter(active=True)
    return assets.order_by("name", "pk")
