"""Pieces the charts share: axis ticks, legend entries, and drawing a chart's SVG template.

Geometry only, in SVG user units; each chart module places them and its
template draws them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from policyweigh.render.html_environment import environment

LEGEND_FONT = 11
LEGEND_SAMPLE = 28
"""Length of a legend's line sample."""
LEGEND_GAP = 6
"""Space between a legend's sample and its words."""


@dataclass(frozen=True)
class AxisTick:
    """A tick on one axis: its label and its position along that axis."""

    label: str
    at: float


@dataclass(frozen=True)
class LegendEntry:
    """One entry of a legend: a sample (line, swatch or cross) and its words."""

    series: str
    """Which series the sample stands for (``before``, ``employee``, ``unlawful``...)."""
    text: str
    x: float
    """Where the sample starts; the text follows it."""
    y: float = 0.0
    """The middle of the entry's row, for legends of several rows (0: the chart places the row)."""

    @property
    def line_end(self) -> float:
        """Where the sample ends."""
        return round(self.x + LEGEND_SAMPLE, 1)

    @property
    def mark_x(self) -> float:
        """The middle of the sample, where its marker sits."""
        return round(self.x + LEGEND_SAMPLE / 2, 1)

    @property
    def text_x(self) -> float:
        """Where the words start."""
        return round(self.x + LEGEND_SAMPLE + LEGEND_GAP, 1)


def render_svg(template: str, **values: Any) -> Markup:
    """A chart's SVG template rendered with ``values``: an inline SVG element, escaped, ready to embed."""
    return Markup(environment().get_template(template).render(**values))
