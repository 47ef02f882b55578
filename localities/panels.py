"""localities' panels on the home page (registered in LocalitiesConfig.ready): finding a
resident, what coordinators and administrators have to review, and the user's localities.
Each context is a fixed number of queries, however many localities, requests, grants and
possible duplicates there are."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Count

from localities import queries
from localities.models import Locality
from thurrock_care import access

if TYPE_CHECKING:
    from thurrock_care.accounts.models import User


def reviews(user: User) -> dict[str, Any]:
    """Requests to join their ILTs, break-glass access and possible duplicates to review."""
    grants = queries.break_glass_to_review(user).filter(reviewed_at__isnull=True)
    return {
        "waiting_to_join": queries.pending_join_requests_by_locality(user),
        "break_glass_to_review": grants.count(),
        "possible_duplicates_to_review": queries.possible_duplicates_to_review(user).count(),
    }


def localities(user: User) -> dict[str, Any]:
    """The localities they work in (managers and administrators: every one), with how many
    organisations are in each ILT; coordinators also get each ILT's meetings."""
    found = Locality.objects.annotate(member_count=Count("memberships"))
    if access.sees_every_locality(user):
        heading = "All localities"
    else:
        found = found.filter(staff=user)
        heading = "Localities you coordinate" if access.is_coordinator(user) else "Your localities"
    return {
        "localities": found,
        "heading": heading,
        "meeting_links": access.is_coordinator(user),
    }
