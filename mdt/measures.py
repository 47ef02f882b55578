"""The MDT measures, in one place for the monthly digest and the scrutiny report: per locality
and month (of the request), the hours from request to meeting (median and 90th percentile),
the share of urgent MDTs convened by their deadline, and the share of actions done on time.
Figures only, no resident: one query each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Aggregate, Count, F, FloatField, Q
from django.db.models.functions import Extract, TruncMonth

from mdt.models import Mdt, MdtAction


class PercentileCont(Aggregate):
    """PostgreSQL's continuous percentile of an ordered set (rows without a value ignored)."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression: Any, fraction: float) -> None:
        if not 0 <= fraction <= 1:
            raise ValueError("A percentile is a fraction from 0 to 1.")
        super().__init__(expression, fraction=repr(float(fraction)))


@dataclass(frozen=True)
class MonthFigures:
    locality_id: int
    month: date
    met: int
    median_hours: float | None
    p90_hours: float | None
    urgent: int
    urgent_on_time: int
    actions_finished: int
    actions_on_time: int

    @property
    def urgent_on_time_share(self) -> float | None:
        return self.urgent_on_time / self.urgent if self.urgent else None

    @property
    def actions_on_time_share(self) -> float | None:
        return self.actions_on_time / self.actions_finished if self.actions_finished else None


def monthly(*, since: datetime, until: datetime) -> list[MonthFigures]:
    """Figures per locality and month of request, for MDTs requested in [since, until)."""
    mdts = Mdt.objects.filter(requested_at__gte=since, requested_at__lt=until).annotate(
        month=TruncMonth("requested_at")
    )
    hours = Extract(F("confirmed_slot__starts_at") - F("requested_at"), "epoch") / 3600.0
    met = Q(confirmed_slot__isnull=False)
    meetings = {
        (row["locality_id"], row["month"].date()): row
        for row in mdts.values("locality_id", "month").annotate(
            met=Count("pk", filter=met),
            median=PercentileCont(hours, 0.5),
            p90=PercentileCont(hours, 0.9),
            urgent=Count("pk", filter=Q(urgency=Mdt.Urgency.URGENT)),
            urgent_on_time=Count(
                "pk",
                filter=Q(urgency=Mdt.Urgency.URGENT)
                & met
                & Q(confirmed_slot__starts_at__lte=F("deadline")),
            ),
        )
    }
    actions = {
        (row["mdt__locality_id"], row["month"].date()): row
        for row in MdtAction.objects.filter(
            mdt__requested_at__gte=since, mdt__requested_at__lt=until,
            status=MdtAction.Status.DONE, completed_at__isnull=False,
        )
        .annotate(month=TruncMonth("mdt__requested_at"))
        .values("mdt__locality_id", "month")
        .annotate(
            finished=Count("pk"),
            on_time=Count("pk", filter=Q(completed_at__date__lte=F("due_on"))),
        )
    }  # fmt: skip
    figures = []
    for key in sorted(set(meetings) | set(actions)):
        row, done = meetings.get(key, {}), actions.get(key, {})
        figures.append(
            MonthFigures(
                locality_id=key[0],
                month=key[1],
                met=row.get("met", 0),
                median_hours=_hours(row.get("median")),
                p90_hours=_hours(row.get("p90")),
                urgent=row.get("urgent", 0),
                urgent_on_time=row.get("urgent_on_time", 0),
                actions_finished=done.get("finished", 0),
                actions_on_time=done.get("on_time", 0),
            )
        )
    return figures


def _hours(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
