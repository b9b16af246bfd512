"""The what-if curve: a policy's two side scores as one of its fields moves, as inline SVG.

Generated on the server from a one-field sweep (``policyweigh.whatif.SweepRun``), like the
quadrant and queue charts: every coordinate is computed here and the template
(``whatif_chart.svg.j2``) only draws it, so the report needs no script and prints as it shows.

The field's values run across, one equal column each, in the order the sweep took them (numbers,
or times of day shown HH:MM); scores run up from -100 to +100. The employee line is blue, solid,
with filled circles; the customer line is vermilion, dashed, with hollow squares; so the two differ
in colour, dash and marker and still read apart in greyscale and for colour-blind readers. The
neutral band (a side within the verdict margin of zero) is shaded grey across the plot; the columns
of balanced values (both sides at least neutral, and lawful) are shaded green; an unlawful value has
a red cross on the bottom axis; a value the policy cannot take has no point, and its lines break
there. When the points carry the day's service level, a third line (purple, dotted, with diamonds)
runs against a right-hand axis from 0 to 100%.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from markupsafe import Markup

from policyweigh.formatting import signed
from policyweigh.render.chart_parts import (
    LEGEND_FONT,
    LEGEND_GAP,
    LEGEND_SAMPLE,
    AxisTick,
    LegendEntry,
    render_svg,
)
from policyweigh.whatif import BALANCED_MEANS, PointResult, SweepRun, balanced_sentence, show_value

__all__ = [
    "BALANCED_COLOR",
    "CUSTOMER_COLOR",
    "EMPLOYEE_COLOR",
    "HEIGHT",
    "LEVEL_COLOR",
    "PLOT_HEIGHT",
    "PLOT_LEFT",
    "PLOT_TOP",
    "PLOT_WIDTH",
    "UNLAWFUL_COLOR",
    "WIDTH",
    "WhatIfChart",
    "WhatIfMark",
    "build_whatif_chart",
    "chart_title",
    "level_y",
    "render_whatif_chart",
    "score_y",
]

WIDTH = 720
PLOT_LEFT = 62
PLOT_TOP = 58
"""Room above the plot for two rows of legend."""
PLOT_WIDTH = 584
"""Leaves room on the right for the service level's axis."""
PLOT_HEIGHT = 200
HEIGHT = PLOT_TOP + PLOT_HEIGHT + 46
# Okabe-Ito blue, vermilion and reddish purple: apart for every common colour-vision deficiency,
# and apart in greyscale print by their dash and marker as well.
EMPLOYEE_COLOR = "#0072b2"
CUSTOMER_COLOR = "#d55e00"
LEVEL_COLOR = "#a3477f"
CUSTOMER_DASH = "7 4"
LEVEL_DASH = "2 3"
NEUTRAL_COLOR = "#8a93a3"
BALANCED_COLOR = "#1a7f4b"
UNLAWFUL_COLOR = "#b8322a"
LEGEND_ROW = 16
"""Height of a legend row."""
# Average advance of the legend font per character (mixed case); the tick font is smaller.
CHAR_WIDTH = 6.0
TICK_CHAR_WIDTH = 5.6
TICK_LABEL_GAP = 12
"""Least room, in SVG units, between two value labels on the x axis."""
MARK_RADIUS = 3.2
DENSE_MARK_RADIUS = 2.0
TINY_MARK_RADIUS = 1.2
DENSE_STEP = 11
"""Columns narrower than this get the smaller markers, so the markers do not merge into a band."""
TINY_STEP = 4
CROSS = 4.0
"""Half the width of an unlawful value's cross."""
SCORE_TICKS = range(-100, 101, 25)
LEVEL_TICKS = range(0, 101, 25)


def score_y(score: float) -> float:
    """Where a score (-100 to +100) sits up the plot, in SVG units."""
    clamped = min(100.0, max(-100.0, score))
    return round(PLOT_TOP + (100 - clamped) / 200 * PLOT_HEIGHT, 1)


def level_y(level: float) -> float:
    """Where a service level (0 to 1) sits up the plot, against the right-hand axis."""
    clamped = min(1.0, max(0.0, level))
    return round(PLOT_TOP + (1 - clamped) * PLOT_HEIGHT, 1)


def _pct(level: float) -> str:
    return f"{level * 100:.1f}%"


@dataclass(frozen=True)
class WhatIfMark:
    """One evaluated value of the field: where it sits across, and each line's point there."""

    value: str
    """The value as the report shows it: ``30``, ``2.5``, ``11:30``."""
    x: float
    employee: int
    customer: int
    y_employee: float
    y_customer: float
    verdict: str
    lawful: bool
    legal: tuple[str, ...]
    balanced: bool
    service_level: float | None
    y_level: float | None
    square: tuple[float, float, float]
    """The customer marker, a square: its left, top and side."""
    diamond: str
    """The service level marker's SVG points (empty without a service level)."""

    @property
    def tooltip(self) -> str:
        """The point in words, for its ``<title>``."""
        lawful = (
            "lawful" if self.lawful else "unlawful" + (f" ({', '.join(self.legal)})" if self.legal else "")
        )
        parts = [
            f"{self.value}: employee {signed(self.employee)}, customer {signed(self.customer)}",
            self.verdict,
            lawful,
        ]
        if self.service_level is not None:
            parts.append(f"service level {_pct(self.service_level)}")
        if self.balanced:
            parts.append("balanced")
        return "; ".join(parts)


@dataclass(frozen=True)
class Column:
    """A run of neighbouring values shaded across the plot's height (the balanced values)."""

    first: str
    last: str
    x: float
    width: float


@dataclass(frozen=True)
class Cross:
    """An unlawful value's cross on the bottom axis."""

    value: str
    x: float
    y: float

    @property
    def strokes(self) -> tuple[tuple[float, float, float, float], tuple[float, float, float, float]]:
        """The cross's two strokes as (x1, y1, x2, y2)."""
        x, y = self.x, self.y
        return (
            (round(x - CROSS, 1), round(y - CROSS, 1), round(x + CROSS, 1), round(y + CROSS, 1)),
            (round(x - CROSS, 1), round(y + CROSS, 1), round(x + CROSS, 1), round(y - CROSS, 1)),
        )


@dataclass(frozen=True)
class WhatIfChart:
    """Everything the SVG template draws for one sweep."""

    policy: str
    field: str
    title: str
    """What the chart shows, in one sentence: the SVG's title and accessible name."""
    description: str
    width: int
    height: int
    plot_x: float
    plot_y: float
    plot_w: float
    plot_h: float
    zero_y: float
    neutral_top: float
    neutral_height: float
    marks: list[WhatIfMark]
    employee_path: str
    customer_path: str
    level_path: str
    """Empty when no point carries a service level."""
    balanced: list[Column]
    unlawful: list[Cross]
    x_ticks: list[AxisTick]
    y_ticks: list[AxisTick]
    level_ticks: list[AxisTick]
    """The right-hand axis, 0 to 100%; empty without a service level."""
    legend: list[LegendEntry]
    mark_radius: float

    @property
    def has_levels(self) -> bool:
        """Whether the service level is drawn."""
        return bool(self.level_ticks)


def chart_title(run: SweepRun) -> str:
    """``Employee and customer scores of pie-van-lunch-ban as rules[0].blocked_windows[0].to goes from
    10:30 to 14:00``."""
    axis = run.sweep.axes[0]
    policy = run.subject.policy.id
    first, last = show_value(axis.values[0]), show_value(axis.values[-1])
    if len(axis.values) == 1:
        return f"Employee and customer scores of {policy} at {axis.field} {first}"
    return f"Employee and customer scores of {policy} as {axis.field} goes from {first} to {last}"


def _description(run: SweepRun, margin: float) -> str:
    points = run.points
    valid = [p for p in points if p.error is None]
    balanced = balanced_sentence(run).rstrip(".")
    # The sentence stands alone elsewhere; here it follows a semicolon.
    if balanced.startswith("No "):
        balanced = "n" + balanced[1:]
    parts = [
        run.subject.policy.title,
        f"{len(points)} values, {len(valid)} evaluated",
        f"a side within ±{margin:g} of zero is neutral (the grey band)",
        balanced,
    ]
    unlawful = [show_value(p.values[0]) for p in valid if not p.lawful]
    if unlawful:
        parts.append(f"unlawful at {', '.join(unlawful)} (red crosses)")
    invalid = [show_value(p.values[0]) for p in points if p.error is not None]
    if invalid:
        parts.append(f"no score at {', '.join(invalid)}, a value the policy cannot take (gaps in the lines)")
    if any(p.service_level is not None for p in points):
        parts.append("the dotted line is the day's service level, against the right-hand axis")
    return "; ".join(parts) + "."


def _path(coordinates: list[tuple[float, float] | None]) -> str:
    """An SVG path through the points, broken where a point is missing (``None``)."""
    commands: list[str] = []
    pen_down = False
    for point in coordinates:
        if point is None:
            pen_down = False
            continue
        commands.append(f"{'L' if pen_down else 'M'}{point[0]:g},{point[1]:g}")
        pen_down = True
    return " ".join(commands)


def _legend(entries: list[tuple[str, str]]) -> list[LegendEntry]:
    """Entries left to right from the plot's left edge, on a second row when the first is full."""
    placed: list[LegendEntry] = []
    x, row = float(PLOT_LEFT), 0
    right = WIDTH - 8
    for series, text in entries:
        width = LEGEND_SAMPLE + LEGEND_GAP + len(text) * CHAR_WIDTH
        if x + width > right and x > PLOT_LEFT:
            x, row = float(PLOT_LEFT), row + 1
        placed.append(LegendEntry(series, text, round(x, 1), PLOT_TOP - 38 + row * LEGEND_ROW))
        x += width + 18
    return placed


def _mark(point: PointResult, x: float, radius: float) -> WhatIfMark:
    assert point.employee is not None and point.customer is not None
    y_employee, y_customer = score_y(point.employee), score_y(point.customer)
    # A square of the same area as the circle looks the same size beside it.
    half = round(radius * math.sqrt(math.pi) / 2, 2)
    level = point.service_level
    y_level = level_y(level) if level is not None else None
    diamond = ""
    if y_level is not None:
        r = round(radius * 1.25, 2)
        diamond = (
            f"{x:g},{round(y_level - r, 1):g} {round(x + r, 1):g},{y_level:g} "
            f"{x:g},{round(y_level + r, 1):g} {round(x - r, 1):g},{y_level:g}"
        )
    return WhatIfMark(
        value=show_value(point.values[0]),
        x=x,
        employee=point.employee,
        customer=point.customer,
        y_employee=y_employee,
        y_customer=y_customer,
        verdict=point.verdict or "",
        lawful=bool(point.lawful),
        legal=point.legal,
        balanced=point.balanced,
        service_level=level,
        y_level=y_level,
        square=(round(x - half, 2), round(y_customer - half, 2), round(2 * half, 2)),
        diamond=diamond,
    )


def build_whatif_chart(run: SweepRun) -> WhatIfChart:
    """Lay out the chart of a one-field sweep: columns, each line's points, bands, axes and legend.

    Raises ``ValueError`` for a grid (a sweep of two fields or more): a curve has one field.
    """
    if len(run.sweep.axes) != 1:
        raise ValueError("a what-if curve varies one field; a grid has no curve")
    axis = run.sweep.axes[0]
    margin = run.subject.margin
    points = run.points
    count = max(1, len(points))
    # Each value gets an equal column and its point sits in the middle: the sweep's values are
    # evenly spaced, so this is a linear scale, the end points keep clear of the axes, and a run
    # of balanced values shades whole columns.
    step = PLOT_WIDTH / count

    def sx(index: int) -> float:
        return round(PLOT_LEFT + step * (index + 0.5), 1)

    radius = TINY_MARK_RADIUS if step < TINY_STEP else DENSE_MARK_RADIUS if step < DENSE_STEP else MARK_RADIUS
    marks: list[WhatIfMark] = []
    # One entry per value, None where the value has no point: the lines break there.
    employee: list[tuple[float, float] | None] = []
    customer: list[tuple[float, float] | None] = []
    levels: list[tuple[float, float] | None] = []
    for p in points:
        if p.error is not None:
            employee.append(None)
            customer.append(None)
            levels.append(None)
            continue
        mark = _mark(p, sx(p.index), radius)
        marks.append(mark)
        employee.append((mark.x, mark.y_employee))
        customer.append((mark.x, mark.y_customer))
        levels.append((mark.x, mark.y_level) if mark.y_level is not None else None)
    has_levels = any(level is not None for level in levels)
    balanced: list[Column] = []
    for p in points:
        if not p.balanced:
            continue
        left = round(PLOT_LEFT + step * p.index, 1)
        right = round(PLOT_LEFT + step * (p.index + 1), 1)
        value = show_value(p.values[0])
        last = balanced[-1] if balanced else None
        if last is not None and p.index > 0 and points[p.index - 1].balanced:
            balanced[-1] = Column(last.first, value, last.x, round(right - last.x, 1))
        else:
            balanced.append(Column(value, value, left, round(right - left, 1)))
    bottom = PLOT_TOP + PLOT_HEIGHT
    unlawful = [Cross(m.value, m.x, round(bottom - CROSS - 3, 1)) for m in marks if not m.lawful]
    labels = [show_value(v) for v in axis.values]
    widest = max(len(label) for label in labels) * TICK_CHAR_WIDTH + TICK_LABEL_GAP
    every = max(1, math.ceil(widest / step))
    x_ticks = [AxisTick(labels[i], sx(i)) for i in range(0, len(labels), every)]
    y_ticks = [AxisTick(signed(v), score_y(v)) for v in SCORE_TICKS]
    level_ticks = [AxisTick(f"{v}%", level_y(v / 100)) for v in LEVEL_TICKS] if has_levels else []
    entries = [("employee", "employee"), ("customer", "customer")]
    if has_levels:
        entries.append(("service-level", "service level (right axis)"))
    entries.append(("neutral", f"neutral (±{margin:g})"))
    if balanced:
        entries.append(("balanced", "balanced"))
    if unlawful:
        entries.append(("unlawful", "unlawful"))
    return WhatIfChart(
        policy=run.subject.policy.id,
        field=axis.field,
        title=chart_title(run),
        description=_description(run, margin),
        width=WIDTH,
        height=HEIGHT,
        plot_x=PLOT_LEFT,
        plot_y=PLOT_TOP,
        plot_w=PLOT_WIDTH,
        plot_h=PLOT_HEIGHT,
        zero_y=score_y(0),
        neutral_top=score_y(margin),
        neutral_height=round(score_y(-margin) - score_y(margin), 1),
        marks=marks,
        employee_path=_path(employee),
        customer_path=_path(customer),
        level_path=_path(levels) if has_levels else "",
        balanced=balanced,
        unlawful=unlawful,
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        level_ticks=level_ticks,
        legend=_legend(entries),
        mark_radius=radius,
    )


def render_whatif_chart(chart: WhatIfChart) -> Markup:
    """The chart as an inline SVG element (escaped, ready to embed in HTML)."""
    return render_svg(
        "whatif_chart.svg.j2",
        chart=chart,
        employee_color=EMPLOYEE_COLOR,
        customer_color=CUSTOMER_COLOR,
        level_color=LEVEL_COLOR,
        neutral_color=NEUTRAL_COLOR,
        balanced_color=BALANCED_COLOR,
        unlawful_color=UNLAWFUL_COLOR,
        customer_dash=CUSTOMER_DASH,
        level_dash=LEVEL_DASH,
        font=LEGEND_FONT,
        balanced_means=BALANCED_MEANS,
    )
