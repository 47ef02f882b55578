"""Generate everything, in dependency order, reporting each table's rows and time."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from introductions.models import Conversation, DropInSession, Introduction, IntroductionHolder
from localities.management.commands.load_synthetic_residents import SYNTHETIC_USER
from localities.models import Membership, Organisation, Resident
from mdt.models import Mdt, MdtAction
from thurrock_care.accounts.models import User
from thurrock_care.audit.models import Event
from thurrock_care.notifications.models import Notification
from thurrock_care.reports import figures_cache
from thurrock_care.synthetic import SCALES, people, teams, trail, work
from thurrock_care.synthetic.copying import can_defer_foreign_keys, orphans
from thurrock_care.synthetic.world import GENERATED_DOMAIN, World
from wellbeing_teams.models import PersonSupported, Team, TeamMember, Visit

# Every model the generation writes (foreign keys checked after a fast load).
GENERATED = [
    Organisation, Membership, User, Resident, DropInSession, Introduction, IntroductionHolder,
    Conversation, Mdt, MdtAction, Team, TeamMember, PersonSupported, Visit, Event, Notification,
]  # fmt: skip


def existing_data() -> tuple[int, int]:
    """(records not generated, records generated): staff accounts and residents."""
    generated_users = User.objects.filter(email__endswith=GENERATED_DOMAIN)
    others = User.objects.exclude(email__endswith=GENERATED_DOMAIN).exclude(email=SYNTHETIC_USER)
    other_residents = Resident.objects.exclude(created_by__email=SYNTHETIC_USER)
    generated = (
        generated_users.count() + Resident.objects.filter(created_by__email=SYNTHETIC_USER).count()
    )
    return others.count() + other_residents.count(), generated


def default_now() -> datetime:
    """The moment data is generated for: the start of this hour (the same rows all hour)."""
    return timezone.now().replace(minute=0, second=0, microsecond=0)


def generate(
    *,
    scale: str,
    seed: int,
    now: datetime | None = None,
    report: Callable[[str], None] = lambda line: None,
) -> dict[str, int]:
    """Write a whole dataset in one transaction; returns rows written per table."""
    world = World(seed=seed, scale=SCALES[scale], now=now or default_now())
    counts: dict[str, int] = {}
    began = time.monotonic()

    def step(label: str, run: Callable[[], int | tuple[int, int]], *labels: str) -> None:
        started = time.monotonic()
        result = run()
        seconds = time.monotonic() - started
        values = result if isinstance(result, tuple) else (result,)
        for name, value in zip((label, *labels), values, strict=True):
            counts[name] = value
        shown = " / ".join(f"{v:,} {n}" for n, v in zip((label, *labels), values, strict=True))
        report(f"{shown:<52} {seconds:7.1f} s")

    jobs = work.Work(world)
    with transaction.atomic():
        # As a superuser, foreign keys are checked once per key after the load (one anti-join
        # each) rather than by a trigger per row; otherwise by PostgreSQL as rows are written.
        deferred = can_defer_foreign_keys()
        if deferred:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
        people.author(world)
        people.places(world)
        step("organisations", lambda: people.organisations(world))
        step("staff", lambda: people.staff(world))
        step("residents", lambda: people.residents(world))
        step("drop_ins", lambda: work.drop_ins(world, jobs))
        step("introductions", lambda: work.introductions(world, jobs))
        step("conversations", lambda: work.conversations(world, jobs))
        step("mdts", lambda: work.mdts(world, jobs), "actions")
        step("teams", lambda: teams.teams(world), "team_members")
        step("people_supported", lambda: teams.people_and_visits(world), "visits")
        step("audit_events", lambda: trail.audit(world))
        step("notifications", lambda: trail.notifications(world))
        if deferred:
            started = time.monotonic()
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = origin")
            broken = [problem for model in GENERATED for problem in orphans(model)]
            if broken:
                raise ValueError("generated rows point at nothing: " + "; ".join(broken))
            report(f"{'foreign keys checked':<52} {time.monotonic() - started:7.1f} s")
            figures_cache.data_changed()  # the reports' triggers were off too
        started = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        report(f"{'statistics (ANALYZE)':<52} {time.monotonic() - started:7.1f} s")
    report(f"{'total':<52} {timedelta(seconds=round(time.monotonic() - began))}")
    return counts
