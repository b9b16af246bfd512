"""The queue chart: a team's service level by interval, without and with a policy, as inline SVG.

Generated on the server from a policy's ``TeamQueue``, like the quadrant chart
(``policyweigh.render.chart``): every coordinate is computed here and the
template (``queue_chart.svg.j2``) only draws it, so the report needs no script
and prints as it shows. Intervals run across in the order the team's day lists
them, one point per interval per line; service level runs up from 0 to 100%.
The line without the policy is blue, dashed, with hollow circles; the line with
the policy is vermilion, solid, with filled squares; so the two differ in
colour, dash and marker and still read apart in greyscale and for colour-blind
readers. The team's target is a dotted grey line, named at its right end.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from markupsafe import Markup

from policyweigh.render.chart_parts import (
    LEGEND_FONT,
    LEGEND_GAP,
    LEGEND_SAMPLE,
    AxisTick,
    LegendEntry,
    render_svg,
)
from policyweigh.results import TeamQueue

__all__ = [
    "AFTER_COLOR",
    "BEFORE_COLOR",
    "HEIGHT",
    "PLOT_HEIGHT",
    "PLOT_LEFT",
    "PLOT_TOP",
    "PLOT_WIDTH",
    "WIDTH",
    "QueueChart",
    "QueueMark",
    "build_queue_chart",
    "chart_title",
    "render_queue_chart",
]

WIDTH = 680
HEIGHT = 280
PLOT_LEFT = 62
PLOT_TOP = 46
PLOT_WIDTH = 600
PLOT_HEIGHT = 190
# Okabe-Ito blue and vermilion: apart for every common colour-vision deficiency, and apart in
# greyscale print by their dash and marker as well.
BEFORE_COLOR = "#0072b2"
AFTER_COLOR = "#d55e00"
TARGET_COLOR = "#374151"
BEFORE_DASH = "7 4"
TARGET_DASH = "2 3"
# Average advance of the legend font per character (mixed case); the tick font is smaller.
CHAR_WIDTH = 6.0
TICK_LABEL_SPACING = 42
"""Least room, in SVG units, between two interval labels on the x axis ("HH:MM" at 10px)."""
MARK_RADIUS = 3.2
DENSE_MARK_RADIUS = 2.0
DENSE_STEP = 11
"""Intervals closer than this get the smaller markers, so the markers do not merge into a band."""


@dataclass(frozen=True)
class QueueMark:
    """One interval: where it sits across, and each line's point in it."""

    start: str
    """When the interval starts, HH:MM."""
    x: float
    calls: float
    before: float
    """Service level without the policy, 0 to 1."""
    after: float
    y_before: float
    y_after: float
    agents_before: int
    agents_after: int
    square: tuple[float, float, float]
    """The with-the-policy marker, a square: its left, top and side."""

    @property
    def tooltip(self) -> str:
        """The interval in words, for the marker's ``<title>``."""
        agents = (
            f"{self.agents_after} agents on the phones"
            if self.agents_before == self.agents_after
            else f"{self.agents_before} -> {self.agents_after} agents on the phones"
        )
        return (
            f"{self.start}: service level {_pct(self.before)} without the policy, "
            f"{_pct(self.after)} with it; {agents}; {self.calls:g} calls"
        )


@dataclass(frozen=True)
class QueueChart:
    """Everything the SVG template draws for one team's queue."""

    team: str
    """The team's id in the organisation file."""
    name: str
    title: str
    """What the chart shows, in one sentence: the SVG's title and accessible name."""
    description: str
    width: int
    height: int
    plot_x: float
    plot_y: float
    plot_w: float
    plot_h: float
    marks: list[QueueMark]
    x_ticks: list[AxisTick]
    y_ticks: list[AxisTick]
    target: float
    """The target's share answered in time, 0 to 1."""
    target_y: float
    target_label: str
    target_label_y: float
    legend: list[LegendEntry]
    legend_y: float
    mark_radius: float

    @property
    def before_points(self) -> str:
        """The line without the policy as SVG ``points``: one per interval."""
        return " ".join(f"{m.x:g},{m.y_before:g}" for m in self.marks)

    @property
    def after_points(self) -> str:
        """The line with the policy as SVG ``points``: one per interval."""
        return " ".join(f"{m.x:g},{m.y_after:g}" for m in self.marks)


def _pct(share: float) -> str:
    return f"{round(100 * share):g}%"


def chart_title(team: TeamQueue) -> str:
    """``Service level by interval for UK inbound customer service, without and with the policy;
    target 80% within 20 seconds``."""
    return (
        f"Service level by interval for {team.name}, without and with the policy; "
        f"target {team.answered_pct:g}% within {team.within_seconds} seconds"
    )


def _description(team: TeamQueue) -> str:
    intervals = team.intervals
    span = (
        f"{len(intervals)} intervals from {intervals[0].start} to {intervals[-1].start}" if intervals else ""
    )
    day = (
        f"over the day {_pct(team.service_level_before)} without the policy and "
        f"{_pct(team.service_level_after)} with it; intervals below target {team.missed_before} "
        f"without, {team.missed_after} with"
    )
    worst = team.worst.rstrip(".")
    return "; ".join(part for part in (span, day, f"largest change {worst}") if part) + "."


def _clamp(share: float) -> float:
    return min(1.0, max(0.0, share))


def build_queue_chart(team: TeamQueue) -> QueueChart:
    """Lay out one team's chart: interval positions, each line's points, axes, target and legend."""
    count = max(1, len(team.intervals))
    # Each interval gets an equal band and its point sits in the middle, so the first and last
    # points keep clear of the axes and a one-interval day still draws.
    step = PLOT_WIDTH / count

    def sx(index: int) -> float:
        return round(PLOT_LEFT + step * (index + 0.5), 1)

    def sy(share: float) -> float:
        return round(PLOT_TOP + (1 - _clamp(share)) * PLOT_HEIGHT, 1)

    radius = DENSE_MARK_RADIUS if step < DENSE_STEP else MARK_RADIUS
    # A square of the same area as the circle looks the same size beside it.
    half = round(radius * math.sqrt(math.pi) / 2, 2)
    marks = [
        QueueMark(
            start=i.start,
            x=sx(n),
            calls=i.calls,
            before=i.service_level_before,
            after=i.service_level_after,
            y_before=sy(i.service_level_before),
            y_after=sy(i.service_level_after),
            agents_before=i.agents_before,
            agents_after=i.agents_after,
            square=(round(sx(n) - half, 2), round(sy(i.service_level_after) - half, 2), round(2 * half, 2)),
        )
        for n, i in enumerate(team.intervals)
    ]
    every = max(1, math.ceil(TICK_LABEL_SPACING / step))
    # Labels on the hour read best: start at the first interval on the hour when one is near.
    first = next(
        (n for n, m in enumerate(marks[:every]) if m.start.endswith(":00")),
        0,
    )
    x_ticks = [AxisTick(m.start, m.x) for m in marks[first::every]]
    y_ticks = [AxisTick(f"{v}%", sy(v / 100)) for v in range(0, 101, 20)]
    target = _clamp(team.answered_pct / 100)
    target_y = sy(target)
    # The target's name sits above its line, or below it when the line is near the top.
    label_y = target_y - 5 if target_y - PLOT_TOP > 16 else target_y + 13
    target_label = f"{team.answered_pct:g}%"
    legend: list[LegendEntry] = []
    x = float(PLOT_LEFT)
    for series, text in (
        ("before", "without the policy"),
        ("after", "with the policy"),
        ("target", f"target: {team.answered_pct:g}% within {team.within_seconds} s"),
    ):
        legend.append(LegendEntry(series, text, round(x, 1)))
        # The line sample, a gap, the words, then room before the next entry.
        x += LEGEND_SAMPLE + LEGEND_GAP + len(text) * CHAR_WIDTH + 18
    return QueueChart(
        team=team.team,
        name=team.name,
        title=chart_title(team),
        description=_description(team),
        width=WIDTH,
        height=HEIGHT,
        plot_x=PLOT_LEFT,
        plot_y=PLOT_TOP,
        plot_w=PLOT_WIDTH,
        plot_h=PLOT_HEIGHT,
        marks=marks,
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        target=target,
        target_y=target_y,
        target_label=target_label,
        target_label_y=round(label_y, 1),
        legend=legend,
        legend_y=PLOT_TOP - 24,
        mark_radius=radius,
    )


def render_queue_chart(chart: QueueChart) -> Markup:
    """The chart as an inline SVG element (escaped, ready to embed in HTML)."""
    return render_svg(
        "queue_chart.svg.j2",
        chart=chart,
        before_color=BEFORE_COLOR,
        after_color=AFTER_COLOR,
        target_color=TARGET_COLOR,
        before_dash=BEFORE_DASH,
        target_dash=TARGET_DASH,
        font=LEGEND_FONT,
    )
