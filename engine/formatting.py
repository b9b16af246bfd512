"""How numbers, times and fact values read to a person: one home for every formatter.

Reasons, explanations, reports, diffs and BDD failure messages all show the
same values, so they all format them here: ``5`` not ``5.0``, ``yes``/``no``,
``HH:MM`` for minutes of the day, scores with their sign. This module imports
nothing of the engine, so every layer may use it.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

__all__ = ["format_minutes", "format_value", "plain", "signed", "with_sign"]

_MINUTES_OF_DAY_KEYS = ("first_start", "last_end")
"""Fact keys (suffixes) that hold a minute of the day: ``blocked_windows.first_start``."""


def format_minutes(minute: int) -> str:
    """Return ``HH:MM`` for a minute count, wrapping past midnight."""
    minute %= 24 * 60
    return f"{minute // 60:02d}:{minute % 60:02d}"


def format_value(key: str, value: Any) -> str:
    """A fact value as a person reads it: 5 not 5.0, yes/no, HH:MM for minutes of the day."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if key.endswith(_MINUTES_OF_DAY_KEYS) and isinstance(value, int):
        return format_minutes(value)
    if isinstance(value, float):
        return f"{value:g}" if value != int(value) else str(int(value))
    if isinstance(value, (list, tuple)):
        return ", ".join(format_value(key, v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k} {format_value(key, v)}" for k, v in value.items())
    return str(value)


def signed(value: float) -> str:
    """A number with its sign, as scores are shown: ``+12``, ``-3``, and ``0`` (no sign) for zero."""
    return f"{value:+g}" if value else "0"


def points(value: float) -> str:
    """Points of a contribution, signed, to at most two decimals: ``+2``, ``-1.25``, ``+0.4``."""
    # Rounded from the shortest decimal that reads back as the value, halves away from zero: 0.425
    # (stored as 0.42499999...) shows as 0.43, as a person adding 0.3 and 0.125 expects.
    if not math.isfinite(value) or abs(value) >= 1e15:  # beyond what Decimal's 28 digits quantize
        return f"{value:+g}"
    exact = Decimal(repr(float(value))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    shown = f"{exact:+.2f}".rstrip("0").rstrip(".")
    return "0" if shown in ("+0", "-0") else shown


def with_sign(value: float) -> str:
    """A number that always carries a sign, zero included: ``+8``, ``-12``, ``+0``."""
    return f"{value:+g}"


def plain(value: float) -> str:
    """A number without a trailing ``.0``: ``2.5``, ``8``."""
    return f"{value:g}"


def replace_marked(text: str, start_marker: str, end_marker: str, block: str) -> str:
    """``text`` with the part between two marker lines replaced by ``block`` (generated docs)."""
    start, end = text.find(start_marker), text.find(end_marker)
    if start < 0 or end < start:
        raise ValueError(f"the markers {start_marker} and {end_marker} are missing or out of order")
    return text[: start + len(start_marker)] + "\n" + block + text[end:]


def extract_marked(text: str, start_marker: str, end_marker: str) -> str | None:
    """The part of ``text`` between two marker lines, or None when they are missing."""
    start, end = text.find(start_marker), text.find(end_marker)
    if start < 0 or end < start:
        return None
    return text[start + len(start_marker) : end].removeprefix("\n")
