"""The MDT figures the evidence reads (thurrock_care/reports/metrics.py), for MDTs requested
in a period, per locality and for the borough: how many were convened (met), the hours from
request to meeting (median and 90th percentile), how many urgent ones met by their deadline;
and of the actions due in the period, how many were done on time and how many are overdue.
Figures only, no resident: one query for MDTs and one for actions, whatever their number."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Aggregate, Count, F, FloatField, Q, QuerySet
from django.db.models.functions import Extract
from django.utils import timezone

from mdt.models import Mdt, MdtAction

BOROUGH = None  # the key of the whole borough's figures


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
class MdtFigures:
    requested: int = 0
    met: int = 0
    median_hours: float | None = None
    p90_hours: float | None = None
    urgent: int = 0
    urgent_on_time: int = 0
    actions_due: int = 0
    actions_on_time: int = 0
    actions_overdue: int = 0


def _mdt_aggregates() -> dict[str, Any]:
    hours = Extract(F("confirmed_slot__starts_at") - F("requested_at"), "epoch") / 3600.0
    met = Q(confirmed_slot__isnull=False)
    urgent = Q(urgency=Mdt.Urgency.URGENT)
    return {
        "requested": Count("pk"),
        "met": Count("pk", filter=met),
        "median_hours": PercentileCont(hours, 0.5),
        "p90_hours": PercentileCont(hours, 0.9),
        # Urgent MDTs that were met, or whose deadline has passed (one still inside its two
        # working days is neither on time nor late yet).
        "urgent": Count("pk", filter=urgent & (met | Q(deadline__lt=timezone.now()))),
        "urgent_on_time": Count(
            "pk", filter=urgent & met & Q(confirmed_slot__starts_at__lte=F("deadline"))
        ),
    }


def _action_aggregates(today: date) -> dict[str, Any]:
    done_on_time = Q(status=MdtAction.Status.DONE, completed_at__date__lte=F("due_on"))
    return {
        "actions_due": Count("pk"),
        "actions_on_time": Count("pk", filter=done_on_time),
        "actions_overdue": Count("pk", filter=Q(status=MdtAction.Status.OPEN, due_on__lt=today)),
    }


def _grouped(rows: QuerySet[Any], key: str, aggregates: dict[str, Any]) -> dict[Any, dict]:
    found = {row.pop(key): row for row in rows.values(key).annotate(**aggregates).order_by()}
    found[BOROUGH] = rows.aggregate(**aggregates)
    return found


def for_period(
    *, since: datetime, until: datetime, start: date, end: date
) -> dict[int | None, MdtFigures]:
    """By locality id, and for the borough (key None): MDTs requested in [since, until),
    actions due from `start` to `end` (overdue: still open after their due date, today)."""
    mdts = _grouped(
        Mdt.objects.filter(requested_at__gte=since, requested_at__lt=until),
        "locality_id",
        _mdt_aggregates(),
    )
    actions = _grouped(
        MdtAction.objects.filter(due_on__gte=start, due_on__lte=end),
        "mdt__locality_id",
        _action_aggregates(timezone.localdate()),
    )
    figures = {}
    for key in set(mdts) | set(actions):
        values = {**mdts.get(key, {}), **actions.get(key, {})}
        for name in ("median_hours", "p90_hours"):
            if values.get(name) is not None:
                values[name] = round(values[name], 1)
        figures[key] = MdtFigures(**{k: v for k, v in values.items() if v is not None})
    return figures
