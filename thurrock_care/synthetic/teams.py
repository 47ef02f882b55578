"""Wellbeing Teams: their members, the people they support, and their visits (most of the
rows: a few visits a day for each person, for years)."""

from __future__ import annotations

from array import array
from datetime import timedelta
from decimal import Decimal
from typing import Any

from thurrock_care.accounts.models import Role
from thurrock_care.synthetic.copying import Table, write_pairs
from thurrock_care.synthetic.world import World
from wellbeing_teams.models import PersonSupported, Team, TeamMember, Visit

VISIT_TIMES = [8 * 60, 12 * 60 + 30, 17 * 60, 20 * 60 + 30]  # minutes past midnight, UK
HAPPENED = [
    "Helped with breakfast and a wash",
    "Went to the shop together",
    "Medication prompt; all well",
    "Chatted about the grandchildren; made lunch",
]


def teams(world: World) -> tuple[int, int]:
    rng = world.rng("teams")
    table = Table(Team, ["name", "locality_id"], now=world.now)
    first = table.next_id()
    localities = list(world.localities)
    rows, areas, members = [], [], []
    workers = world.by_role(Role.WELLBEING_WORKER)
    member_table = Table(
        TeamMember, ["team_id", "user_id", "role", "contracted_hours", "joined_on"], now=world.now
    )
    per_team = max(1, len(workers) // max(1, world.scale.teams))
    for n in range(world.scale.teams):
        locality = localities[n % len(localities)]
        neighbourhoods = world.localities[locality]
        patch = sorted(rng.sample(neighbourhoods, min(len(neighbourhoods), 1 + n % 2)))
        rows.append((f"Wellbeing Team {n + 1}", locality))
        areas += [(first + n, neighbourhood) for neighbourhood in patch]
        for m, worker in enumerate(workers[n * per_team : (n + 1) * per_team]):
            role = TeamMember.Role.COORDINATOR if m == 0 else rng.choice(TeamMember.Role.values)
            hours = Decimal(rng.choice([16, 22.5, 30, 37.5])).quantize(Decimal("0.01"))
            members.append((first + n, worker.id, role, hours, world.first_day))
    count = table.write(rows, first_id=first)
    write_pairs(Team, "neighbourhoods", areas)
    member_table.write(members)
    world.teams = [
        (first + n, localities[n % len(localities)], [m[1] for m in members if m[0] == first + n])
        for n in range(world.scale.teams)
    ]
    return count, len(members)


def people_and_visits(world: World) -> tuple[int, int]:
    rng = world.rng("people_supported")
    teams_ = world.teams
    people = Table(
        PersonSupported,
        ["resident_id", "team_id", "started_on", "ended_on", "hours_per_week", "created_by_id"],
        now=world.now,
    )
    first = people.next_id()
    per_person = world.scale.visits // max(1, world.scale.people_supported)
    taken: set[int] = set()
    rows, plans = [], []
    oldest = world.first_day.toordinal()
    for n in range(world.scale.people_supported):
        team, locality, workers = teams_[n % len(teams_)]
        resident = rng.choice(world.residents[locality])
        while resident in taken:
            resident = rng.choice(world.residents[locality])
        taken.add(resident)
        current = rng.random() < 0.7
        last = (
            world.today + timedelta(days=7)
            if current
            else world.today - timedelta(days=rng.randrange(30, 365 * 4))
        )
        visits = per_person + (1 if n < world.scale.visits % world.scale.people_supported else 0)
        a_day = rng.choice([1, 2, 2, 3, 4])
        days = -(-visits // a_day)
        while last.toordinal() - days < oldest and a_day < len(VISIT_TIMES):
            a_day += 1
            days = -(-visits // a_day)
        started = last - timedelta(days=days - 1)
        rows.append((
            resident, team, started, None if current else last,
            Decimal(a_day * 5).quantize(Decimal("0.01")), world.author_id,
        ))  # fmt: skip
        plans.append((first + n, resident, team, workers, started, a_day, visits))
    count = people.write(rows, first_id=first)
    return count, visits_of(world, plans)


def visits_of(world: World, plans: list) -> int:
    rng = world.rng("visits")
    table = Table(
        Visit,
        [
            "person_id",
            "resident_id",
            "team_id",
            "planned_start",
            "planned_on",
            "planned_minutes",
            "status",
            "arrived_at",
            "arrived_by_id",
            "left_at",
            "left_by_id",
            "what_happened",
            "missed_reason",
            "cancelled_by_id",
            "cancelled_reason",
            "recorded_at",
            "recorded_by_id",
            "created_by_id",
            "created_at",
            "updated_at",
        ],
        now=world.now,
    )
    first = table.next_id()
    now = world.now
    assigned = array("q")  # each visit's worker, in id order

    def rows():
        n = first
        for person, resident, team, workers, started, a_day, count in plans:
            for k in range(count):
                day = started + timedelta(days=k // a_day)
                start = world.moment(day, VISIT_TIMES[k % a_day] + rng.randrange(0, 30, 5))
                minutes = rng.choice([30, 45, 60])
                worker = workers[(k + person) % len(workers)] if workers else world.author_id
                created = start - timedelta(days=7)
                row: tuple[Any, ...]
                if start > now:
                    row = ("planned", None, None, None, None, "", "", None, "", None, None, created)
                else:
                    roll = rng.random()
                    if roll < 0.92:
                        arrived = start + timedelta(minutes=rng.randrange(-5, 20))
                        left = arrived + timedelta(minutes=minutes + rng.randrange(-5, 10))
                        row = (
                            "completed", arrived, worker, left, worker, rng.choice(HAPPENED),
                            "", None, "", left, worker, left,
                        )  # fmt: skip
                    elif roll < 0.96:
                        row = (
                            "missed", None, None, None, None, "", "Not at home when we called",
                            None, "", start + timedelta(hours=1), worker, start,
                        )  # fmt: skip
                    else:
                        row = (
                            "cancelled", None, None, None, None, "", "", worker,
                            "In hospital", None, None, start - timedelta(days=1),
                        )  # fmt: skip
                assigned.append(worker)
                n += 1
                yield (
                    person, resident, team, start, day, minutes, *row[:11],
                    world.author_id, created, row[11],
                )  # fmt: skip

    count = table.write(rows(), first_id=first)
    write_pairs(Visit, "workers", zip(range(first, first + count), assigned, strict=True))
    return count
