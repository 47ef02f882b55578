"""How a user becomes involved with a resident through a Wellbeing Team (see
thurrock_care/access.py): being a current member of the team whose caseload the resident is
on, while they are supported and for WELLBEING_TEAMS_ACCESS_AFTER_LEAVING_DAYS after they
leave it (to finish notes and hand over)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from wellbeing_teams.models import PersonSupported, TeamMember, after_leaving_days

if TYPE_CHECKING:
    from thurrock_care.accounts.models import User


def on_their_teams_caseload(user: User) -> Q:
    if not (user.is_authenticated and user.is_active):
        return Q(pk__in=[])
    since = timezone.localdate() - timedelta(days=after_leaving_days())
    teams = TeamMember.objects.current().filter(user=user).values("team_id")
    caseload = PersonSupported.objects.filter(resident_id=OuterRef("pk"), team__in=teams).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=since)
    )
    return Q(Exists(caseload))


def on_their_teams_caseload_pairs(user: str, resident: str) -> Q:
    since = timezone.localdate() - timedelta(days=after_leaving_days())
    teams = TeamMember.objects.current().filter(user=OuterRef(OuterRef(user))).values("team_id")
    caseload = PersonSupported.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=since),
        team__in=teams,
        resident=OuterRef(resident),
    )
    return Q(**{f"{user}__is_active": True}) & Q(Exists(caseload))
