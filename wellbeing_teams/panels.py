"""Wellbeing Teams' panel on the home page (registered in WellbeingTeamsConfig.ready): a team
member's visits today. One query, however many visits."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils import timezone

from wellbeing_teams.models import Visit

if TYPE_CHECKING:
    from thurrock_care.accounts.models import User


def visits_today(user: User) -> dict[str, Any]:
    visits = Visit.objects.for_worker(user).on(timezone.localdate()).select_related("resident")
    return {"visits_today": list(visits.order_by("planned_start", "pk"))}
