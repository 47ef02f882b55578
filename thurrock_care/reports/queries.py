"""The figures a page shows: a period's, per place, with their trend over the periods before
(a chart, and the same numbers in a table)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from localities.models import Locality
from thurrock_care.reports import charts, figures_cache, metrics
from thurrock_care.reports.periods import Period

TREND_PERIODS = 6
TREND_MEASURES = ["introductions", "conversations", "connections_made"]


@dataclass
class Trend:
    labels: list[str]
    rows: list[tuple[str, list[metrics.Count | metrics.Mean]]]  # (measure label, per period)
    chart: str  # an SVG data URI

    @property
    def description(self) -> str:
        measures = ", ".join(label.lower() for label, _ in self.rows)
        return f"A line chart of {measures}, {self.labels[0]} to {self.labels[-1]}."


def with_trends(period: Period, localities: Iterable[Locality]) -> list[dict[str, Any]]:
    """Each place's figures for `period`, with the trend of the main ones over the
    TREND_PERIODS periods to it. Small numbers are left out of charts (a gap), as they are
    suppressed in tables."""
    places = list(localities)
    periods = [period]
    while len(periods) < TREND_PERIODS:
        periods.insert(0, periods[0].previous())
    # The period and the one before it in full (the table compares them); the earlier ones only
    # for the trend's counts, a small part of the work.
    trend_only = {earlier: TREND_MEASURES for earlier in periods[:-2]}
    history = figures_cache.figures_for(periods, places, counts=trend_only)
    labels = {name: label for name, label in metrics.MEASURES}
    ticks, short = [p.label for p in periods], [p.short_label for p in periods]
    drawing, tables = [], []
    for index, figures in enumerate(history[-1]):
        rows = [(labels[n], [h[index].values[n] for h in history]) for n in TREND_MEASURES]
        series = {label: [None if v.suppressed else v.value for v in values]
                  for label, values in rows}  # fmt: skip
        drawing.append((f"{figures.place}: the last {TREND_PERIODS} periods", short, series))
        tables.append(rows)
    result = []
    for index, chart in enumerate(charts.trends(drawing)):
        result.append({
            "figures": history[-1][index],
            "trend": Trend(ticks, tables[index], chart),
            "previous": history[-2][index],
        })  # fmt: skip
    return result


def measures(
    figures: metrics.Figures, previous: metrics.Figures | None = None
) -> list[dict[str, Any]]:
    """The figures as rows of a table: label, value shown, and the change since `previous`
    (up, down or the same; nothing where either is suppressed)."""
    rows = []
    for name, label in metrics.MEASURES:
        value = figures.values[name]
        row: dict[str, Any] = {"name": name, "label": label, "shown": value.shown(), "change": ""}
        before = previous.values[name] if previous else None
        if before is not None and not (value.suppressed or before.suppressed):
            delta = (value.value or 0) - (before.value or 0)
            row["change"] = "up" if delta > 0 else "down" if delta < 0 else "same"
            row["delta"] = abs(delta)
        rows.append(row)
    return rows


def overview(places: list[dict[str, Any]]) -> dict[str, Any]:
    """One table of every figure (rows) for every place (columns), the borough last, with the
    borough's change since the period before."""
    borough = places[-1]
    changes = {row["name"]: row for row in measures(borough["figures"], borough["previous"])}
    return {
        "places": [place["figures"].place for place in places],
        "rows": [
            {
                "label": label,
                "values": [place["figures"].values[name].shown() for place in places],
                "change": changes[name],
            }
            for name, label in metrics.MEASURES
        ],
    }
