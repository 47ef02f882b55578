"""Reads that assemble the locality pages."""

from __future__ import annotations

from itertools import groupby
from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet

from localities import search
from localities.models import (
    BreakGlassGrant,
    Connection,
    Consent,
    Locality,
    Membership,
    Merge,
    Organisation,
    Resident,
    StoryEntry,
    StorySection,
)
from thurrock_care import access
from thurrock_care.accounts.models import Role
from thurrock_care.audit.models import Event

if TYPE_CHECKING:
    from thurrock_care.accounts.models import User


def members_by_kind(locality: Locality) -> list[tuple[str, list[Membership]]]:
    """The ILT's member organisations, grouped under their kind's label, in one query."""
    memberships = (
        Membership.objects.filter(locality=locality)
        .select_related("organisation")
        .order_by("organisation__kind", "organisation__name")
    )
    labels = dict(Organisation.Kind.choices)
    groups = [
        (labels[kind], list(items))
        for kind, items in groupby(memberships, key=lambda m: m.organisation.kind)
    ]
    return sorted(groups, key=lambda group: group[0])


# --- Residents -------------------------------------------------------------------------------


def search_results(user: User, text: str, *, include_inactive: bool = False) -> list[Resident]:
    """The search page's results: only residents the user may see, in one query."""
    residents = Resident.objects.visible_to(user)
    if not include_inactive:
        residents = residents.working()
    found = search.search(residents, search.parse(text))
    return list(found.select_related("neighbourhood__locality")[: search.MAX_RESULTS])


def duplicates_for(user: User, data: dict) -> dict | None:
    """Likely duplicates of a record about to be created. Those the user may not see are
    counted, not shown, so that nobody learns who else is known to the service."""
    candidates = list(
        search.likely_duplicates(
            full_name=data["full_name"],
            date_of_birth=data.get("date_of_birth"),
            postcode=data.get("postcode", ""),
            nhs_number=data.get("nhs_number", ""),
        )
    )
    visible = set(
        Resident.objects.visible_to(user)
        .filter(pk__in=[c.pk for c in candidates])
        .values_list("pk", flat=True)
    )
    if not candidates:
        return None
    shown = [c for c in candidates if c.pk in visible]
    return {"visible": shown, "hidden": len(candidates) - len(shown)}


def resident_page(user: User, pk: int) -> dict:
    """Everything the resident's page shows, in a fixed number of queries."""
    resident = (
        Resident.objects.select_related("neighbourhood__locality", "created_by")
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
    story: dict[str, list[StoryEntry]] = {section: [] for section in StorySection.values}
    for entry in resident.story.all():
        story[entry.section].append(entry)
    consents = list(resident.consents.all())
    locality_id = resident.neighbourhood.locality_id
    return {
        "resident": resident,
        "story": [
            {"section": section, "label": section.label, "entries": story[section.value]}
            for section in StorySection
        ],
        "consent": next((c for c in consents if c.is_current), None),
        "consent_history": [c for c in consents if not c.is_current],
        "can_see_sensitive": access.can_see_sensitive(user),
        "can_review_access": access.can_review_access(user, locality_id),
        "can_merge": access.can_merge(user, locality_id),
        "merges": list(
            Merge.objects.filter(survivor=resident, reversed_at__isnull=True).select_related(
                "duplicate"
            )
        )
        if user.role == Role.ADMINISTRATOR
        else [],
    }


def audit_events(resident_id: int, *, limit: int | None = 200) -> list[Event]:
    events = Event.objects.filter(resident_id=resident_id).order_by("-at", "-id")
    return list(events[:limit] if limit else events)


def break_glass_to_review(user: User) -> QuerySet[BreakGlassGrant] | None:
    """Break-glass grants a coordinator (their localities) or administrator (all) reviews."""
    grants = BreakGlassGrant.objects.select_related(
        "user__organisation", "resident__neighbourhood__locality", "reviewed_by"
    ).order_by("reviewed_at", "-granted_at")
    if user.role == Role.ADMINISTRATOR:
        return grants
    if user.role == Role.COORDINATOR:
        return grants.filter(resident__neighbourhood__locality__in=user.localities.all())
    return None
