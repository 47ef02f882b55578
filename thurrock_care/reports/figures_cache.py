"""metrics.figures, kept in the cache (Redis) under the data they were computed from, so that a
page showing many periods' figures reads them in two round trips once they are known, and never
shows figures older than the data.

**The data version.** Every table the figures read has a statement-level trigger (migration
reports/0003_data_version) that advances the sequence `reports_data_version`: one `nextval`
per statement, no row written, no row lock, nothing writers wait on. Reading the version is one
tiny query. A cached result is keyed by the version, so any insert, update, delete or truncate
of the figures' data makes every cached result unreachable at once (they expire by TIMEOUT).
The key also holds the database (its oid: a restored or regenerated database never meets
another's entries), the day (figures such as "overdue" move with it), the code that computes
the figures (a deploy never reads what older code cached) and the period and places.

**The race, and why checking the version again is not enough.** A writer's `nextval` happens
when its statement runs, before it commits. A reader that reads the new version in between and
computes would not see the writer's rows, yet would store its figures under the new version,
and re-reading the version afterwards would not notice (nothing advances it at the commit).
So the trigger also takes a shared advisory lock (DATA_VERSION_LOCK) for the rest of the
writer's transaction — shared, so writers never wait for each other. Before computing, a
reader reads the version and then looks for that lock in pg_locks: if no transaction holds it,
every change counted in the version it read had committed, and is in what it reads next. If
one does, the figures are computed and shown but not stored. After computing, the reader reads
the version again and stores nothing if it moved (a change during the computing). In that
order — version, then lock — a writer that advanced the version already held the lock.
A transaction that has itself changed the figures' data (and still holds the lock) never
stores figures either: it could yet roll back. This assumes READ COMMITTED readers (Django's
default), each query seeing what had committed when it started.

What is left: figures that move with the clock alone, within a day (an urgent MDT's deadline
passing), are up to TIMEOUT old; and the generator loads with triggers off
(session_replication_role = replica), which it makes up for by advancing the version itself.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache as once
from pathlib import Path
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from localities.models import Locality
from mdt import measures as mdt_measures
from thurrock_care.reports import metrics
from thurrock_care.reports.periods import Period
from wellbeing_teams import figures as wt_figures

# The shared advisory lock a writer of the figures' data holds until it commits (the same
# number as in migration reports/0003_data_version).
DATA_VERSION_LOCK = 7_212_013
# A backstop: nothing cached is used for longer, whatever happens.
TIMEOUT = 15 * 60
# How long others wait for the one request computing figures (longer than that: they compute).
COMPUTING_TIMEOUT = 60
WAIT_STEP = 0.1


@dataclass(frozen=True)
class DataVersion:
    database: int  # pg_database's oid
    number: int


def data_version() -> DataVersion:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT oid FROM pg_database WHERE datname = current_database()), "
            "last_value FROM reports_data_version"
        )
        database, number = cursor.fetchone()
    return DataVersion(database, number)


def changes_in_flight() -> bool:
    """Whether a transaction (this one included) has changed the figures' data and not yet
    committed or rolled back."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT FROM pg_locks WHERE locktype = 'advisory' "
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
            "AND classid = %s AND objid = %s AND objsubid = 1)",
            [DATA_VERSION_LOCK >> 32, DATA_VERSION_LOCK & 0xFFFFFFFF],
        )
        return bool(cursor.fetchone()[0])


def data_changed() -> None:
    """Count a change made with the triggers off (a load with session_replication_role =
    replica), as the triggers would have: in the transaction that made it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock_shared(%s), nextval('reports_data_version')",
            [DATA_VERSION_LOCK],
        )


@once
def _code() -> str:
    """The source of the modules that compute the figures, in short."""
    digest = hashlib.sha256()
    for module in (metrics, mdt_measures, wt_figures):
        digest.update(Path(str(module.__file__)).read_bytes())
    return digest.hexdigest()[:12]


def _key(
    version: DataVersion,
    period: Period,
    places: list[Locality] | None,
    counts: Sequence[str] = (),
) -> str:
    chosen = "all" if places is None else ",".join(str(place.pk) for place in places)
    return (
        f"reports:figures:{_code()}:{version.database}:{version.number}:"
        f"{timezone.localdate():%Y-%m-%d}:{period.start:%Y-%m-%d}:{period.end:%Y-%m-%d}:{chosen}"
        f":{','.join(counts) or 'every'}"
    )


def figures_for(
    periods: Sequence[Period],
    localities: Iterable[Locality] | None = None,
    *,
    counts: Mapping[Period, Sequence[str]] | None = None,
) -> list[list[metrics.Figures]]:
    """metrics.figures(period, localities) for each period, from the cache where they are
    known for the data as it is; those that are not are computed, and stored if it is safe.
    For a period in `counts`, only the counts named (metrics.trend_figures): what a trend
    needs of the periods before the one shown."""
    places = list(localities) if localities is not None else None
    only = [(counts or {}).get(period, ()) for period in periods]
    version = data_version()
    keys = [_key(version, p, places, names) for p, names in zip(periods, only, strict=True)]
    found = cache.get_many(keys)
    missing = [i for i, key in enumerate(keys) if key not in found]
    if not missing:
        return [found[key] for key in keys]
    # One computes, the others wait for it: after a change, everyone opening the dashboard at
    # once would otherwise each compute the same figures (and slow each other down).
    computing = "reports:computing:" + hashlib.sha256("|".join(keys).encode()).hexdigest()[:16]
    mine = cache.add(computing, 1, COMPUTING_TIMEOUT)
    if not mine:
        found |= _wait_for(computing, [keys[i] for i in missing])
        missing = [i for i, key in enumerate(keys) if key not in found]
    storing = bool(missing) and not changes_in_flight()
    try:
        for i in missing:
            found[keys[i]] = (
                metrics.trend_figures(periods[i], places, only[i])
                if only[i]
                else metrics.figures(periods[i], places)
            )
            storing = storing and data_version() == version
            if storing:
                cache.set(keys[i], found[keys[i]], TIMEOUT)
    finally:
        if mine:
            cache.delete(computing)
    return [found[key] for key in keys]


def _wait_for(computing: str, keys: list[str]) -> dict[str, Any]:
    """What another request computing these figures stores, once it has; nothing if it gives
    up (it could not store them, or failed): then this request computes them itself."""
    deadline = time.monotonic() + COMPUTING_TIMEOUT
    while time.monotonic() < deadline:
        found: dict[str, Any] = cache.get_many(keys)
        if len(found) == len(keys) or not cache.get(computing):
            return found | cache.get_many(keys)
        time.sleep(WAIT_STEP)
    return {}


def figures(period: Period, localities: Iterable[Locality] | None = None) -> list[metrics.Figures]:
    """metrics.figures(period, localities), from the cache where it can be."""
    [found] = figures_for([period], localities)
    return found
