"""Charts as SVG (pygal), for the dashboard and the PDFs: fonts set explicitly (WeasyPrint
renders only what it has), no scripts, shown as images beside a table of the same numbers."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path

import pygal
from django.core.cache import cache
from pygal.style import Style

STYLE = Style(
    font_family="DejaVu Sans, Arial, sans-serif",
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#0b0c0c",
    foreground_strong="#0b0c0c",
    foreground_subtle="#505a5f",
    colors=("#1d70b8", "#f47738", "#00703c", "#4c2c92", "#d4351c", "#505a5f"),
    label_font_size=12,
    major_label_font_size=12,
    legend_font_size=13,
    title_font_size=15,
)

# Charts drawn are kept a day under what they show and how (this module, pygal's version).
CACHE_TIMEOUT = 24 * 60 * 60
_DRAWING = hashlib.sha256(Path(__file__).read_bytes() + pygal.__version__.encode()).hexdigest()

Series = Mapping[str, Sequence[float | None]]


def trend(title: str, labels: Sequence[str], series: Series) -> str:
    """A line chart of each series over the periods in `labels`, as an SVG data URI."""
    chart = pygal.Line(
        style=STYLE, width=720, height=320, show_dots=True, dots_size=3, legend_at_bottom=True,
        js=[], disable_xml_declaration=False, title=title, x_label_rotation=0,
        truncate_label=-1, min_scale=2, max_scale=6, include_x_axis=True,
    )  # fmt: skip
    chart.x_labels = list(labels)
    for name, values in series.items():
        chart.add(name, list(values))
    svg = chart.render()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode()


def trends(wanted: Sequence[tuple[str, Sequence[str], Series]]) -> list[str]:
    """trend(title, labels, series) of each, drawn once (drawing takes a few milliseconds
    each): kept in the cache under what it shows, so a chart kept is never out of date."""
    keys = [
        "reports:chart:" + hashlib.sha256(f"{_DRAWING}{args!r}".encode()).hexdigest()
        for args in wanted
    ]
    found = cache.get_many(keys)
    drawn = {key: trend(*args) for key, args in zip(keys, wanted, strict=True) if key not in found}
    cache.set_many(drawn, CACHE_TIMEOUT)
    return [found.get(key) or drawn[key] for key in keys]
