"""A borough's worth of made-up records, for measuring speed (docs/performance.md): people
(organisations, staff, residents), the work (introductions, conversations, drop-ins, MDTs and
their actions, Wellbeing Teams and their visits) and the trails (audit, notifications). Written
with PostgreSQL COPY; the same seed, the same rows. `build.generate` runs it all."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    residents: int
    organisations: int
    staff: int
    introductions: int
    conversations: int
    drop_ins: int
    mdts: int
    actions: int
    teams: int
    people_supported: int
    visits: int
    audit_events: int
    notifications: int


SCALES = {
    # The table in issue 13: Thurrock, eight years of work.
    "full": Scale(
        residents=176_000,
        organisations=400,
        staff=3_000,
        introductions=40_000,
        conversations=600_000,
        drop_ins=6_000,
        mdts=15_000,
        actions=90_000,
        teams=20,
        people_supported=1_200,
        visits=3_000_000,
        audit_events=5_000_000,
        notifications=500_000,
    ),
    # About a tenth of it: for EXPLAIN checks that need tables big enough for the planner.
    "medium": Scale(
        residents=20_000,
        organisations=60,
        staff=400,
        introductions=4_500,
        conversations=68_000,
        drop_ins=700,
        mdts=1_700,
        actions=10_200,
        teams=8,
        people_supported=136,
        visits=340_000,
        audit_events=570_000,
        notifications=57_000,
    ),
    # For tests: 2,000 residents and about as much of everything else per resident.
    "small": Scale(
        residents=2_000,
        organisations=24,
        staff=80,
        introductions=450,
        conversations=6_800,
        drop_ins=70,
        mdts=170,
        actions=1_020,
        teams=4,
        people_supported=16,
        visits=20_000,
        audit_events=57_000,
        notifications=5_700,
    ),
}
