"""Reads that assemble the locality, ILT and resident pages (and the API's lists)."""

from __future__ import annotations

from itertools import groupby
from typing import Any, cast

from django.contrib.postgres.search import TrigramSimilarity, TrigramWordSimilarity
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Greatest
from django.utils import timezone

from localities import search
from localities.models import (
    ActionItem,
    BreakGlassGrant,
    CommunityAsset,
    Connection,
    Consent,
    JoinRequest,
    LearningCycle,
    Locality,
    Meeting,
    Membership,
    Merge,
    Neighbourhood,
    Organisation,
    PossibleDuplicate,
    Resident,
    StoryEntry,
    StorySection,
)
from thurrock_care import access
from thurrock_care.accounts.models import User
from thurrock_care.audit.models import Event


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


# How alike a request's organisation name and a known one must be to be shown side by side.
RESEMBLANCE = 0.4


def resembling_organisations(join_request: JoinRequest) -> list[Organisation]:
    """Known organisations a request to join may be from, most alike first: a similar name
    (either name within the other: "Essex Police" and "Essex Police Community Policing
    Team"), or the same contact address. Shown to the coordinator, who decides; never linked
    by themselves."""
    name = join_request.organisation_name
    score = Greatest(
        TrigramSimilarity("name", name),
        TrigramWordSimilarity(name, "name"),
        Func(F("name"), Value(name), function="word_similarity", output_field=FloatField()),
    )
    same_address = Q(contact_email__iexact=join_request.contact_email)
    return list(
        Organisation.objects.annotate(score=score)
        .filter(Q(score__gte=RESEMBLANCE) | same_address)
        .order_by("-score", "name")[:5]
    )


def account_with_address(email: str) -> User | None:
    """An account already using the address typed into a public form (never changed by it)."""
    return (
        User.objects.filter(email__iexact=email)
        .select_related("organisation")
        .prefetch_related("localities")
        .first()
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


# --- Residents -------------------------------------------------------------------------------


def search_query(user: User, text: str, *, include_inactive: bool = False) -> QuerySet[Resident]:
    """The search page's query: only residents the user may see, best first, at most 50."""
    residents = Resident.objects.visible_to(user)
    if not include_inactive:
        residents = residents.working()
    found = search.search(residents, search.parse(text))
    return found.select_related("neighbourhood__locality")[: search.MAX_RESULTS]


def search_results(user: User, text: str, *, include_inactive: bool = False) -> list[Resident]:
    """The search page's results, in one query."""
    return list(search_query(user, text, include_inactive=include_inactive))


def resident_page(user: User, pk: int) -> dict:
    """Everything the resident's page shows, in a fixed number of queries."""
    same = OuterRef("pk")
    resident = (
        Resident.objects.select_related("neighbourhood__locality", "created_by")
        .annotate(
            user_can_change=Exists(Resident.objects.changeable_by(user).filter(pk=same)),
            user_can_review=Exists(Resident.objects.reviewable_by(user).filter(pk=same)),
        )
        .prefetch_related(
            Prefetch("story", queryset=StoryEntry.objects.select_related("written_by")),
            Prefetch(
                "connections",
                queryset=Connection.objects.filter(removed_at__isnull=True),
                to_attr="current_connections",
            ),
            Prefetch(
                "consents",
                queryset=Consent.objects.select_related("recorded_by").prefetch_related(
                    "organisations"
                ),
            ),
        )
        .get(pk=pk)
    )
    may = cast(Any, resident)  # the annotations above
    story: dict[str, list[StoryEntry]] = {section: [] for section in StorySection.values}
    for entry in resident.story.all():
        story[entry.section].append(entry)
    consents = list(resident.consents.all())
    return {
        "resident": resident,
        "story": [
            {"section": section, "label": section.label, "entries": story[section.value]}
            for section in StorySection
        ],
        "consent": next((c for c in consents if c.is_current), None),
        "consent_history": [c for c in consents if not c.is_current],
        "can_see_sensitive": access.can_see_sensitive(user),
        "can_change": may.user_can_change,
        "can_review_access": may.user_can_review,
        "can_merge": may.user_can_review,
        "merges": list(
            Merge.objects.filter(survivor=resident, reversed_at__isnull=True).select_related(
                "duplicate"
            )
        )
        if access.reverses_merges(user)
        else [],
    }


def audit_events(resident_id: int, *, limit: int | None = 200) -> list[Event]:
    events = Event.objects.filter(resident_id=resident_id).order_by("-at", "-id")
    return list(events[:limit] if limit else events)


def break_glass_to_review(user: User) -> QuerySet[BreakGlassGrant]:
    """Break-glass grants a coordinator (their localities) or administrator (all) reviews."""
    return (
        BreakGlassGrant.objects.reviewable_by(user)
        .select_related("user__organisation", "resident__neighbourhood__locality", "reviewed_by")
        .order_by("reviewed_at", "-granted_at")
    )


def possible_duplicates_to_review(user: User) -> QuerySet[PossibleDuplicate]:
    """Records added while a look-alike existed that their author could not see: for the
    coordinators who see both (administrators: all), oldest first."""
    return (
        PossibleDuplicate.objects.reviewable_by(user)
        .open()
        .select_related(
            "resident__neighbourhood__locality",
            "resident__created_by__organisation",
            "candidate__neighbourhood__locality",
        )
    )


def current_consents(resident_ids: list[int]) -> dict[int, Consent]:
    """Each resident's current consent decision, with the organisations it covers."""
    consents = Consent.objects.filter(resident_id__in=resident_ids, is_current=True)
    return {c.resident_id: c for c in consents.prefetch_related("organisations")}
