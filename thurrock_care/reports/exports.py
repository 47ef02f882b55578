"""The figures as a CSV file: one row per place and figure, as shown (small numbers
suppressed), escaped against spreadsheet formulas by thurrock_care.spreadsheets."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpResponse

from localities.models import Locality
from thurrock_care.reports import figures_cache, metrics
from thurrock_care.reports.periods import Period
from thurrock_care.spreadsheets import csv_response


def cell(value: metrics.Count | metrics.Mean) -> str | int | float:
    """A number as a number; a suppressed one as what the page says instead."""
    if value.suppressed or value.value is None:
        return value.shown()
    return value.value if isinstance(value, metrics.Count) else round(value.value, 2)


def rows(period: Period, localities: Iterable[Locality]) -> list[list[str | int | float]]:
    found: list[list[str | int | float]] = []
    for figures in figures_cache.figures(period, localities):
        place = [period.label, figures.place]
        for name, label in metrics.MEASURES:
            found.append([*place, label, cell(figures.values[name])])
        for source, count in figures.introductions_by_source.items():
            found.append([*place, f"Introduced by: {source}", cell(count)])
        for label, mean in figures.wellbeing_rows():
            found.append([*place, f"Wellbeing change: {label}", cell(mean)])
        for rate in figures.health_rates:
            found.append([*place, f"{rate.label}s per person-month before joining a team",
                          cell(rate.before)])  # fmt: skip
            found.append([*place, f"{rate.label}s per person-month since joining",
                          cell(rate.after)])  # fmt: skip
    return found


def figures_csv(period: Period, localities: Iterable[Locality]) -> HttpResponse:
    return csv_response(
        filename=f"thurrock-care-figures-{period.start:%Y-%m-%d}-to-{period.end:%Y-%m-%d}.csv",
        header=["Period", "Place", "Figure", "Value"],
        rows=rows(period, localities),
    )
