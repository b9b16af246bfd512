"""The Jinja environment of the HTML report and its SVG chart, shared by ``html`` and ``chart``.

Autoescaping is on, every value has its control characters shown as escapes
before it is escaped (``escape.html_text``), and an undefined name is an
error. It lives in a module of its own, below both renderers, so the chart
and the page it sits in use one environment without importing each other.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from policyweigh.formatting import format_value, points, signed
from policyweigh.render.escape import html_text
from policyweigh.render.view import Impact, span_text

__all__ = ["TEMPLATES", "environment"]

TEMPLATES = Path(__file__).parent / "templates"


def _finalize(value: Any) -> Any:
    # Markup is the templates' own output (macros, the chart), escaped already.
    if isinstance(value, str) and not isinstance(value, Markup):
        return html_text(value)
    return value


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The HTML/SVG template environment: autoescape on, controls shown, undefined names are errors."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        finalize=_finalize,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["signed"] = signed
    env.filters["points"] = points
    env.filters["span"] = span_text
    env.globals["dosed"] = lambda criterion, base, dose: Impact(criterion, base, dose, base * dose)
    env.filters["value"] = lambda value, key="": format_value(key, value)
    return env
