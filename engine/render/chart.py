"""The quadrant chart: employee impact (x) against customer impact (y), as inline SVG.

Generated on the server from the scores, so the report needs no script and
prints as it shows. One point per policy, coloured by verdict, with whiskers
across and up for the range of each side's score (from the evidence bands);
an unlawful policy is a diamond, explained by a legend beside the plot.
Quadrants are named by the verdict they hold, and the neutral band (a side
within +/- the verdict margin counts as unmoved) is shaded. The axes are symmetric around 0
and zoom to the largest score, in steps of 20, so points do not huddle in the
middle of a -100..+100 frame.

Labels are placed greedily, most extreme point first: each label tries eight
directions around its point at growing distances (with a leader line once it
leaves the point) and takes the first spot that overlaps no other label, no
point and no quadrant name. When no spot is free the label shrinks to the
policy's rank in the table, and as a last resort sits beside its point.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup

from policyweigh.render.chart_parts import render_svg

WIDTH = 760
HEIGHT = 600
PLOT_LEFT = 130
PLOT_TOP = 36
PLOT_SIZE = 500
POINT_RADIUS = 5.5
LABEL_FONT = 11
# Average advance of the label font per character; ids are lower case and hyphens.
CHAR_WIDTH = 6.1
LABEL_HEIGHT = 13
RADII = (9, 20, 34, 50, 68, 88)
# A full-name label this far away needs a long leader that crosses others: a rank reads better.
FULL_LABEL_RADII = RADII[:4]
# Directions as unit offsets, right first: labels read left to right from their point.
DIRECTIONS = (
    (1.0, 0.0),
    (-1.0, 0.0),
    (0.0, -1.0),
    (0.0, 1.0),
    (0.72, -0.72),
    (-0.72, -0.72),
    (0.72, 0.72),
    (-0.72, 0.72),
)

# Okabe-Ito-like hues, distinguishable in colour-blindness and in greyscale print; the verdict's
# name is always written beside its colour, and an unlawful policy also differs in shape.
VERDICT_COLORS = {
    "win-win": "#1a7f4b",
    "employee-gain": "#0f766e",
    "customer-gain": "#2563eb",
    "neutral": "#6b7280",
    "employee-loss": "#a16207",
    "customer-loss": "#be185d",
    "customer-at-employee-cost": "#b85c00",
    "employee-at-customer-cost": "#5b45a8",
    "lose-lose": "#b8322a",
    "unlawful": "#111827",
}
UNLAWFUL = "unlawful"
DIAMOND_RADIUS = 7.5
"""Half the diagonal of an unlawful policy's diamond: a little larger than a point, to stand out."""
LEGEND_X = PLOT_LEFT + PLOT_SIZE + 14
LEGEND_Y = PLOT_TOP + 6
LEGEND_BOX_WIDTH = WIDTH - LEGEND_X - 4
LEGEND_BOX_HEIGHT = 52
QUADRANT_TINTS = {
    "win-win": "#e9f6ef",
    "customer-at-employee-cost": "#fdf2e4",
    "employee-at-customer-cost": "#f0ecf9",
    "lose-lose": "#fbeae8",
}

QUADRANTS = (
    # verdict, title, column (0 left, 1 right), row (0 top, 1 bottom)
    ("customer-at-employee-cost", "Customer at employee cost", 0, 0),
    ("win-win", "Win-win", 1, 0),
    ("lose-lose", "Lose-lose", 0, 1),
    ("employee-at-customer-cost", "Employee at customer cost", 1, 1),
)


@dataclass(frozen=True)
class ChartPoint:
    """One policy on the chart."""

    id: str
    title: str
    employee: int
    customer: int
    verdict: str
    rank: int
    employee_range: tuple[int, int] | None = None
    """The employee score's [low, high], drawn as a horizontal whisker."""
    customer_range: tuple[int, int] | None = None
    """The customer score's [low, high], drawn as a vertical whisker."""

    @property
    def unlawful(self) -> bool:
        """Whether the policy is unlawful (drawn as a diamond)."""
        return self.verdict == UNLAWFUL


@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle in SVG coordinates."""

    x: float
    y: float
    w: float
    h: float

    def overlaps(self, other: Box) -> bool:
        """Whether the two boxes intersect (touching edges do not count)."""
        return (
            self.x < other.x + other.w
            and other.x < self.x + self.w
            and self.y < other.y + other.h
            and other.y < self.y + self.h
        )

    def inside(self, outer: Box) -> bool:
        """Whether this box lies wholly within ``outer``."""
        return (
            self.x >= outer.x
            and self.y >= outer.y
            and self.x + self.w <= outer.x + outer.w
            and self.y + self.h <= outer.y + outer.h
        )


@dataclass(frozen=True)
class Label:
    """A placed label: text, anchor point and an optional leader line."""

    text: str
    x: float
    y: float
    anchor: str
    """SVG text-anchor: start, middle or end."""
    box: Box
    leader: tuple[float, float, float, float] | None
    short: bool
    """True when only the rank fitted."""


@dataclass(frozen=True)
class PlacedPoint:
    """A point with its position in SVG coordinates and its label."""

    point: ChartPoint
    x: float
    y: float
    label: Label
    whisker_x: tuple[float, float] | None = None
    """Left and right ends of the employee range, in SVG x."""
    whisker_y: tuple[float, float] | None = None
    """Top and bottom ends of the customer range, in SVG y."""

    @property
    def diamond(self) -> str:
        """The SVG points of an unlawful policy's diamond."""
        r = DIAMOND_RADIUS
        x, y = self.x, self.y
        return f"{x:g},{round(y - r, 1):g} {round(x + r, 1):g},{y:g} {x:g},{round(y + r, 1):g} {round(x - r, 1):g},{y:g}"


@dataclass(frozen=True)
class Tick:
    """An axis tick: value and its position on each axis."""

    value: int
    x: float
    y: float


@dataclass(frozen=True)
class Region:
    """A named rectangle: quadrant or band."""

    name: str
    title: str
    box: Box
    label_x: float
    label_y: float
    anchor: str


@dataclass(frozen=True)
class Chart:
    """Everything the SVG template draws."""

    width: int
    height: int
    plot: Box
    domain: int
    margin: float
    ticks: list[Tick]
    origin_x: float
    origin_y: float
    quadrants: list[Region]
    bands: list[Box]
    neutral: Box
    points: list[PlacedPoint]
    legend: Box | None = None
    """Where the legend of marks (whiskers, the unlawful diamond) sits, right of the plot."""

    @property
    def has_unlawful(self) -> bool:
        """Whether any point is unlawful."""
        return any(p.point.unlawful for p in self.points)


def domain_for(points: Sequence[ChartPoint], margin: float) -> int:
    """Half-width of the axes: the largest score or range end (or the margin) rounded up to 20, at
    most 100, so every whisker fits."""
    values = [abs(p.employee) for p in points] + [abs(p.customer) for p in points]
    for p in points:
        for span in (p.employee_range, p.customer_range):
            if span is not None:
                values += [abs(span[0]), abs(span[1])]
    largest = max([*values, margin, 1])
    return min(100, max(20, math.ceil(largest * 1.08 / 20) * 20))


def text_width(text: str) -> float:
    """Estimated width of a label in the label font."""
    return len(text) * CHAR_WIDTH + 2


def _candidate(
    text: str, px: float, py: float, dx: float, dy: float, r: float
) -> tuple[Box, float, float, str]:
    """Box, text position and anchor of a label at offset (dx, dy) x r from a point."""
    w = text_width(text)
    h = LABEL_HEIGHT
    cx, cy = px + dx * r, py + dy * r
    if dx > 0.1:
        anchor, left = "start", cx
    elif dx < -0.1:
        anchor, left = "end", cx - w
    else:
        anchor, left = "middle", cx - w / 2
    if dy < -0.1:
        top = cy - h
    elif dy > 0.1:
        top = cy
    else:
        top = cy - h / 2
    baseline = top + h - 3
    tx = {"start": left + 1, "end": left + w - 1, "middle": left + w / 2}[anchor]
    return Box(left, top, w, h), tx, baseline, anchor


def _leader(px: float, py: float, box: Box) -> tuple[float, float, float, float]:
    """A line from the edge of a point's marker to the nearest edge of its label."""
    nx = min(max(px, box.x), box.x + box.w)
    ny = min(max(py, box.y), box.y + box.h)
    dist = math.hypot(nx - px, ny - py) or 1.0
    sx = px + (nx - px) / dist * POINT_RADIUS
    sy = py + (ny - py) / dist * POINT_RADIUS
    return (round(sx, 1), round(sy, 1), round(nx, 1), round(ny, 1))


def place_labels(
    positions: Sequence[tuple[ChartPoint, float, float]], bounds: Box, obstacles: Sequence[Box]
) -> dict[str, Label]:
    """Labels for points at SVG positions, avoiding each other, every point and the obstacles."""
    markers = [
        Box(x - POINT_RADIUS - 1, y - POINT_RADIUS - 1, 2 * POINT_RADIUS + 2, 2 * POINT_RADIUS + 2)
        for _, x, y in positions
    ]
    taken: list[Box] = [*obstacles]
    labels: dict[str, Label] = {}
    # Most extreme first, ties by id: the points leadership looks at get the best spots.
    order = sorted(positions, key=lambda item: (-(abs(item[0].employee) + abs(item[0].customer)), item[0].id))
    for point, px, py in order:
        label: Label | None = None
        for text, short, radii in ((point.id, False, FULL_LABEL_RADII), (str(point.rank), True, RADII)):
            label = _try_place(text, short, radii, px, py, bounds, taken, markers)
            if label is not None:
                break
        if label is None:
            box, tx, ty, anchor = _candidate(str(point.rank), px, py, 1.0, 0.0, RADII[0])
            label = Label(str(point.rank), round(tx, 1), round(ty, 1), anchor, box, None, True)
        taken.append(label.box)
        labels[point.id] = label
    return labels


def _try_place(
    text: str,
    short: bool,
    radii: Sequence[float],
    px: float,
    py: float,
    bounds: Box,
    taken: Sequence[Box],
    markers: Sequence[Box],
) -> Label | None:
    for r in radii:
        for dx, dy in DIRECTIONS:
            box, tx, ty, anchor = _candidate(text, px, py, dx, dy, r)
            if not box.inside(bounds):
                continue
            if any(box.overlaps(other) for other in taken) or any(box.overlaps(m) for m in markers):
                continue
            leader = _leader(px, py, box) if r > RADII[0] else None
            return Label(text, round(tx, 1), round(ty, 1), anchor, box, leader, short)
    return None


def build_chart(points: Sequence[ChartPoint], margin: float) -> Chart:
    """Lay out the chart: scale, quadrants, neutral band, points and labels."""
    domain = domain_for(points, margin)
    plot = Box(PLOT_LEFT, PLOT_TOP, PLOT_SIZE, PLOT_SIZE)
    scale = PLOT_SIZE / (2 * domain)

    def sx(value: float) -> float:
        return round(PLOT_LEFT + (value + domain) * scale, 1)

    def sy(value: float) -> float:
        return round(PLOT_TOP + (domain - value) * scale, 1)

    ox, oy = sx(0), sy(0)
    half = PLOT_SIZE / 2
    quadrants: list[Region] = []
    for verdict, title, column, row in QUADRANTS:
        box = Box(PLOT_LEFT + column * half, PLOT_TOP + row * half, half, half)
        # Names sit outside the plot, at its corners, so they never hide a point.
        lx = box.x if column == 0 else box.x + box.w
        ly = PLOT_TOP - 10 if row == 0 else PLOT_TOP + PLOT_SIZE + 52
        quadrants.append(Region(verdict, title, box, lx, ly, "start" if column == 0 else "end"))
    band = margin * scale
    bands = [
        Box(round(ox - band, 1), PLOT_TOP, round(2 * band, 1), PLOT_SIZE),
        Box(PLOT_LEFT, round(oy - band, 1), PLOT_SIZE, round(2 * band, 1)),
    ]
    neutral = Box(round(ox - band, 1), round(oy - band, 1), round(2 * band, 1), round(2 * band, 1))
    step = 10 if domain == 20 else 25 if domain == 100 else 20
    ticks = [Tick(v, sx(v), sy(v)) for v in range(-domain, domain + 1, step)]
    # Quadrant names are obstacles for labels: estimated at the quadrant title font (12px bold).
    names = [
        Box(
            q.label_x - (len(q.title) * 7.4 if q.anchor == "end" else 0),
            q.label_y - 13,
            len(q.title) * 7.4,
            17,
        )
        for q in quadrants
    ]
    # The y axis's tick numbers and title sit left of the plot.
    names.append(Box(PLOT_LEFT - 64, PLOT_TOP - 8, 62, PLOT_SIZE + 16))
    legend = Box(LEGEND_X, LEGEND_Y, LEGEND_BOX_WIDTH, LEGEND_BOX_HEIGHT)
    names.append(legend)
    positions = [(p, sx(p.employee), sy(p.customer)) for p in points]
    labels = place_labels(positions, Box(4, 4, WIDTH - 8, PLOT_TOP + PLOT_SIZE - 2), names)

    def whisker(
        span: tuple[int, int] | None, scale_of: Callable[[float], float]
    ) -> tuple[float, float] | None:
        if span is None or span[0] == span[1]:
            return None
        ends = sorted((scale_of(span[0]), scale_of(span[1])))
        return (ends[0], ends[1])

    placed = [
        PlacedPoint(p, x, y, labels[p.id], whisker(p.employee_range, sx), whisker(p.customer_range, sy))
        for p, x, y in sorted(positions, key=lambda i: i[0].rank)
    ]
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        plot=plot,
        domain=domain,
        margin=margin,
        ticks=ticks,
        origin_x=ox,
        origin_y=oy,
        quadrants=quadrants,
        bands=bands,
        neutral=neutral,
        points=placed,
        legend=legend,
    )


def render_chart(chart: Chart) -> Markup:
    """The chart as an inline SVG element (escaped, ready to embed in HTML)."""
    return render_svg(
        "chart.svg.j2",
        chart=chart,
        colors=VERDICT_COLORS,
        tints=QUADRANT_TINTS,
        radius=POINT_RADIUS,
        font=LABEL_FONT,
        diamond=DIAMOND_RADIUS,
    )
