"""Demo content for Wellbeing Teams (called by `load_demo_data`, once): a team in Tilbury and
Chadwell, where the pilot ran, with the demo Wellbeing Team worker as a member; Grace on its
caseload with two personal outcomes in her words, visits every day at 08:00 and one at 12:30
today, and health events from before she joined."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from localities.models import Locality, Resident
from thurrock_care.accounts.models import Role, User
from wellbeing_teams import services
from wellbeing_teams.models import HealthEvent, Team, TeamMember

TEAM_NAME = "Tilbury Wellbeing Team"


def load(users: list[User]) -> None:
    if Team.objects.filter(name=TEAM_NAME).exists():
        return
    by_role = {user.role: user for user in users}
    worker, administrator = by_role[Role.WELLBEING_WORKER], by_role[Role.ADMINISTRATOR]
    grace = Resident.objects.filter(full_name="Grace Adeyemi").first()
    if grace is None:
        return
    locality = Locality.objects.get(slug="tilbury-chadwell")
    team = services.create_team(
        name=TEAM_NAME,
        locality=locality,
        by=administrator,
        neighbourhoods=locality.neighbourhoods.filter(name__in=["Tilbury", "Chadwell St Mary"]),
    )
    services.add_member(
        team=team,
        user=worker,
        role=TeamMember.Role.INDEPENDENCE,
        contracted_hours=Decimal("37.5"),
        by=administrator,
    )
    today = timezone.localdate()
    joined = today - timedelta(days=42)
    person = services.add_person(
        team=team,
        resident=grace,
        started_on=joined,
        hours_per_week=Decimal("10.5"),
        by=administrator,
    )
    walk = services.add_outcome(person=person, words="Walk to the shop on my own", by=worker)
    grandson = services.add_outcome(person=person, words="See my grandson on Sundays", by=worker)
    services.rate_outcome(
        outcome=walk, rating=2, note="To the front gate with her frame", by=worker
    )
    services.rate_outcome(outcome=walk, rating=3, note="To the corner and back", by=worker)
    services.rate_outcome(outcome=grandson, rating=4, note="He came last Sunday", by=worker)
    services.create_pattern(
        person=person,
        weekdays=range(7),
        start_time=time(8),
        minutes=45,
        starts_on=today,
        workers=[worker],
        by=worker,
    )
    services.plan_visit(
        person=person,
        start=datetime.combine(today, time(12, 30), tzinfo=services.UK),
        minutes=30,
        workers=[worker],
        by=worker,
    )
    for days_before, kind in [
        (150, HealthEvent.Kind.GP_APPOINTMENT),
        (90, HealthEvent.Kind.UNPLANNED_ADMISSION),
        (60, HealthEvent.Kind.GP_APPOINTMENT),
        (50, HealthEvent.Kind.FALL),
    ]:
        services.record_health_event(
            person=person,
            kind=kind,
            by=worker,
            occurred_on=joined - timedelta(days=days_before),
            source="GP record",
        )
