"""Wellbeing Teams' entries in a resident's timeline (registered in WellbeingTeamsConfig.ready),
one query each: visits recorded (arrived), outcome progress rated, commissioned hours changed,
joined and left a team. The resident's page is already behind the need-to-know gate."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import F, QuerySet, TextField, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse

from thurrock_care import timeline
from wellbeing_teams.models import HoursChange, OutcomeRating, PersonSupported, Visit

if TYPE_CHECKING:
    from thurrock_care.accounts.models import User


def _text(*parts: Any) -> Concat:
    return Concat(
        *(Value(part) if isinstance(part, str) else Cast(part, TextField()) for part in parts),
        output_field=TextField(),
    )


def visits(resident_id: int, user: User) -> QuerySet[Any]:
    """Each visit that took place (arrived), with what happened."""
    return timeline.rows(
        Visit.objects.filter(resident_id=resident_id, arrived_at__isnull=False),
        at=F("arrived_at"),
        title=_text("Visit by ", F("team__name")),
        text=F("what_happened"),
        actor=timeline.person("arrived_by"),
    )


def visit_page(entry: timeline.Entry) -> str:
    return reverse("wellbeing_teams:visit", args=[entry.object_id])


def outcome_ratings(resident_id: int, user: User) -> QuerySet[Any]:
    return timeline.rows(
        OutcomeRating.objects.filter(outcome__person__resident_id=resident_id),
        at=F("rated_at"),
        title=_text("Progress on “", F("outcome__words"), "”: ", F("rating"), " of 5"),
        text=F("note"),
        actor=timeline.person("rated_by"),
    )


def hours_changes(resident_id: int, user: User) -> QuerySet[Any]:
    return timeline.rows(
        HoursChange.objects.filter(person__resident_id=resident_id),
        at=F("changed_at"),
        title=_text("Commissioned hours: ", F("hours_before"), " to ", F("hours_after"), " a week"),
        text=F("reason"),
        actor=timeline.person("changed_by"),
    )


def support(resident_id: int, user: User) -> list[QuerySet[Any]]:
    """Joined a team's caseload, and left it."""
    people = PersonSupported.objects.filter(resident_id=resident_id)
    joined = timeline.rows(
        people, at=F("started_on"), title=_text("Joined ", F("team__name")),
        text=_text(F("hours_per_week"), " hours a week"), actor=timeline.person("created_by"),
    )  # fmt: skip
    left = timeline.rows(
        people.filter(ended_on__isnull=False), at=F("ended_on"),
        title=_text("Left ", F("team__name")), text="", actor="",
    )  # fmt: skip
    return [joined, left]


def person_page(entry: timeline.Entry) -> str:
    return reverse("wellbeing_teams:person", args=[entry.object_id])
