"""Charts as SVG (pygal), for the dashboard and the PDFs: fonts set explicitly (WeasyPrint
renders only what it has), no scripts, shown as images beside a table of the same numbers."""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence

import pygal
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


def trend(title: str, labels: Sequence[str], series: Mapping[str, Sequence[float | None]]) -> str:
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
