"""What every part of the generation shares: the seed, the moment it is generated for, the
scale, and the ids of what was written so far."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from thurrock_care.synthetic import Scale

UK = ZoneInfo("Europe/London")
YEARS = 8
# Generated staff sign in nowhere and are known by this domain (see build.generated_only).
GENERATED_DOMAIN = "@generated.thurrock-care.invalid"


@dataclass
class Staff:
    id: int
    role: str
    full_name: str
    organisation: str
    localities: list[int]


@dataclass
class World:
    seed: int
    scale: Scale
    now: datetime
    author_id: int = 0
    localities: dict[int, list[int]] = field(default_factory=dict)  # locality: neighbourhoods
    organisations: dict[int, tuple[str, str]] = field(default_factory=dict)  # id: name, kind
    org_localities: dict[int, list[int]] = field(default_factory=dict)  # locality: org ids
    staff: list[Staff] = field(default_factory=list)
    residents: dict[int, list[int]] = field(default_factory=dict)  # locality: resident ids
    resident_ids: list[int] = field(default_factory=list)
    teams: list[tuple[int, int, list[int]]] = field(default_factory=list)  # locality, workers

    @property
    def today(self) -> date:
        return self.now.astimezone(UK).date()

    @property
    def first_day(self) -> date:
        return self.today - timedelta(days=365 * YEARS)

    def rng(self, part: str) -> random.Random:
        """One generator per table, so that each table's rows depend on the seed only."""
        return random.Random(f"{self.seed}:{part}")

    def by_role(self, *roles: str, locality: int | None = None) -> list[Staff]:
        return [
            s
            for s in self.staff
            if s.role in roles and (locality is None or locality in s.localities)
        ]

    def moment(self, day: date, minutes: int) -> datetime:
        """A UK day and minutes past its midnight, as an aware datetime."""
        return datetime(day.year, day.month, day.day, tzinfo=UK) + timedelta(minutes=minutes)
