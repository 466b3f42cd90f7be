"""A metric's chart as SVG, drawn by pygal on the server: the expected trajectory (baseline, interim targets,
target), the tolerance band's edges, the readings and the forecast to the target date.

Served as an image (`<img>`), so it works without JavaScript and under the pages' strict CSP; every chart has
a text alternative (`describe`) and, on its page, the same data as a table.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from threading import Lock
from xml.etree import ElementTree

import pygal
from pygal.style import Style

from app.engine import Direction
from app.transparency.schemas import PublicMetric, PublicMetricDetail
from app.transparency.standing import Standing
from app.web.format import long_date, measure, month_year, number

Point = tuple[date, float | None]

# Colours distinguishable with the common colour-vision deficiencies (Okabe-Ito), dark enough on white, and
# told apart by dash patterns too, so colour is never the only cue.
EXPECTED, ON_TRACK_EDGE, OFF_TRACK_EDGE, READINGS, FORECAST = "#333333", "#007a5a", "#b3261e", "#0061a8", "#8f3f97"
STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1f2328",
    foreground_strong="#1f2328",
    foreground_subtle="#57606a",
    font_family="system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif",
    label_font_size=12,
    major_label_font_size=12,
    legend_font_size=13,
    title_font_size=15,
    colors=(EXPECTED, ON_TRACK_EDGE, OFF_TRACK_EDGE, READINGS, FORECAST),
    opacity="1",
    opacity_hover="1",
    stroke_opacity="1",
    stroke_opacity_hover="1",
    guide_stroke_color="#e1e4e8",
    major_guide_stroke_color="#c9ced4",
    guide_stroke_dasharray="1,0",  # solid grid lines: dashes belong to the series
    major_guide_stroke_dasharray="1,0",
)


@dataclass(frozen=True)
class Size:
    width: int
    height: int
    legend: bool


FULL = Size(900, 420, legend=True)
SMALL = Size(560, 260, legend=False)


@dataclass(frozen=True)
class Series:
    title: str
    points: list[Point]
    dashes: str | None = None  # SVG stroke-dasharray
    dots: bool = False


def series(metric: PublicMetricDetail) -> list[Series]:
    """What the chart draws, in drawing order (colours follow STYLE.colors by position)."""
    ranged = metric.direction == Direction.maintain_range
    expected: list[Point] = []
    if ranged:
        lower = [(p.end, _f(p.expected_range[0])) for p in metric.periods if p.expected_range]
        upper = [(p.end, _f(p.expected_range[1])) for p in metric.periods if p.expected_range]
        expected = [*lower, (lower[-1][0], None), *upper] if lower else []
    else:
        if metric.baseline_date and metric.baseline_value is not None:
            expected.append((metric.baseline_date, _f(metric.baseline_value)))
        expected += [(p.end, _f(p.expected)) for p in metric.periods if p.expected is not None]
        if metric.target_date and metric.target_value is not None:
            expected.append((metric.target_date, _f(metric.target_value)))
    on_track, off_track = _edges(metric, "on_track_within"), _edges(metric, "off_track_outside")
    readings = [(p.end, _f(p.actual)) for p in metric.periods if p.actual is not None]
    forecast: list[Point] = []
    if metric.forecast and readings:
        forecast = [readings[-1], (metric.forecast.target_date, _f(metric.forecast.projected_value))]
    return [
        Series("Expected range" if ranged else "Expected", expected if ranged else _sorted(expected), dashes="8,5"),
        Series("Edge of on track", on_track, dashes="2,4"),
        Series("Edge of off track", off_track, dashes="2,4"),
        Series("Readings", readings, dots=True),
        Series("Forecast", forecast, dashes="5,5"),
    ]


def render(metric: PublicMetricDetail, size: Size = FULL) -> bytes:
    """The chart as an SVG document (the same metric and size always give the same bytes but for pygal's id)."""
    chart = pygal.DateLine(
        width=size.width,
        height=size.height,
        style=STYLE,
        js=[],  # no script: pygal would load its tooltips from a CDN
        show_legend=size.legend,
        legend_at_bottom=True,
        legend_at_bottom_columns=3,
        show_dots=False,
        dots_size=4,
        allow_interruptions=True,
        x_value_formatter=lambda day: f"{day:%b %Y}",
        value_formatter=lambda value: number(value),
        x_label_rotation=0,
        truncate_label=-1,
        print_values=False,
        explicit_size=False,
        title=None,
    )
    chart.x_labels = _month_ticks(metric)
    for drawn in series(metric):
        stroke: dict[str, object] = {"width": 3 if drawn.dots else 2}
        if drawn.dashes:
            stroke["dasharray"] = drawn.dashes
        chart.add(drawn.title, drawn.points, show_dots=drawn.dots, stroke_style=stroke)
    tree = chart.render_tree()
    for parent in list(tree.iter()):
        for child in list(parent):
            if isinstance(child.tag, str) and child.tag.endswith(
                "script"
            ):  # pygal's tooltip config: an image runs no script, so none is sent
                parent.remove(child)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ElementTree.tostring(
        tree, encoding="utf-8", xml_declaration=False
    )


class RenderCache:
    """The last few hundred rendered charts, by the digest of what they show: a chart is drawn once per change
    of its data, however often it is requested."""

    def __init__(self, capacity: int = 512) -> None:
        self._charts: OrderedDict[str, bytes] = OrderedDict()
        self._capacity = capacity
        self._lock = Lock()

    def get(self, metric: PublicMetricDetail, size: Size) -> tuple[str, bytes]:
        key = digest(metric, size)
        with self._lock:
            if key in self._charts:
                self._charts.move_to_end(key)
                return key, self._charts[key]
        svg = render(metric, size)
        with self._lock:
            self._charts[key] = svg
            while len(self._charts) > self._capacity:
                self._charts.popitem(last=False)
        return key, svg


def digest(metric: PublicMetricDetail, size: Size) -> str:
    """What decides the chart's pixels: its data (without the day it was evaluated) and its size."""
    data = metric.model_dump_json(exclude={"as_of"}) + repr(size)
    return hashlib.sha256(data.encode()).hexdigest()[:32]


def describe(metric: PublicMetricDetail) -> str:
    """The chart in words, for its `alt` text: what was expected, what was read, where the trend leads."""
    unit = metric.unit
    parts = [f"Line chart of {metric.name}."]
    if metric.direction == Direction.maintain_range:
        parts.append(f"It should stay between {measure(metric.range_min, unit)} and {measure(metric.range_max, unit)}.")
    elif metric.target_value is not None:
        start = (
            f"from {measure(metric.baseline_value, unit)} in {month_year(metric.baseline_date)} "
            if metric.baseline_value is not None
            else ""
        )
        by = f" by {long_date(metric.target_date)}" if metric.target_date else ""
        parts.append(f"Expected to go {start}to {measure(metric.target_value, unit)}{by}.")
    readings = [p for p in metric.periods if p.actual is not None]
    if readings:
        first, last = readings[0], readings[-1]
        parts.append(
            f"{len(readings)} readings, from {measure(first.actual, unit)} in {month_year(first.end)} "
            f"to {measure(last.actual, unit)} in {month_year(last.end)}."
        )
    else:
        parts.append("No readings yet.")
    if metric.forecast:
        parts.append(
            f"At the recent trend it reaches {measure(metric.forecast.projected_value, unit)} "
            f"by {long_date(metric.forecast.target_date)}."
        )
    if metric.standing == Standing.overdue:
        parts.append("The latest reading is overdue.")
    return " ".join(parts)


def describe_briefly(metric: PublicMetric) -> str:
    """A small chart's text alternative, from what a contract page knows of each metric."""
    latest = metric.latest_reading
    reading = (
        f"latest reading {measure(latest.value, metric.unit)} in {month_year(latest.period_end)}"
        if latest
        else "no readings yet"
    )
    target = (
        f", target {measure(metric.target_value, metric.unit)} by {long_date(metric.target_date)}"
        if metric.target_value is not None and metric.target_date
        else ""
    )
    return f"Line chart of {metric.name}: {reading}{target}. Details and every figure on the measure's page."


def _edges(metric: PublicMetricDetail, name: str) -> list[Point]:
    """The band's edge on the side that matters (both sides of a range metric: the lower, then a gap, then the
    upper, so that one series draws both)."""
    lower: list[Point] = []
    upper: list[Point] = []
    for period in metric.periods:
        edges = getattr(period, name)
        if edges is None:
            continue
        if edges[0] is not None:
            lower.append((period.end, _f(edges[0])))
        if edges[1] is not None:
            upper.append((period.end, _f(edges[1])))
    if lower and upper:
        gap: list[Point] = [(lower[-1][0], None)]
        return lower + gap + upper
    return lower or upper


def _month_ticks(metric: PublicMetricDetail) -> list[date]:
    """About eight evenly spaced month starts across what the chart shows."""
    days = [p.end for p in metric.periods]
    for extra in (metric.baseline_date, metric.target_date, metric.forecast.target_date if metric.forecast else None):
        if extra:
            days.append(extra)
    if not days:
        return []
    first, last = min(days), max(days)
    months = (last.year - first.year) * 12 + last.month - first.month
    step = max(1, -(-months // 8))
    ticks: list[date] = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        ticks.append(date(year, month, 1))
        month += step
        year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return ticks


def _sorted(points: list[Point]) -> list[Point]:
    return sorted(set(points), key=lambda point: point[0])


def _f(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None
