"""The wording of daily-limit findings: named sentence templates, filled from structured results.

In the style of ``policyweigh.law.wording`` (whose pieces it reuses: durations, hours,
lists, the explanation that ends with the article): every sentence and piece of one
is a ``str.format`` template in ``TEMPLATES``, under a name, and the functions below
choose the template and fill it with a finding's values, never the other way round.

A working-day finding names the shifts, their working time in hours and minutes (and
the presence and breaks it comes from), the limit and what else would make it lawful.
A rest finding names the two days of the pattern, the first shift's clock times, the
next shift's start and the rest between them, to the minute.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Literal

from policyweigh.formatting import format_minutes
from policyweigh.law.wording import duration, hours, join

__all__ = [
    "TEMPLATES",
    "RestCase",
    "max_hours_clause",
    "rest_clause",
    "rest_exceptions_clause",
    "rest_gap",
]

TEMPLATES: Mapping[str, str] = MappingProxyType(
    {
        # ---- the longest working day
        "max.start.one": "the shift starting {starts} works {worked}",
        "max.start.several": "the shifts starting {starts} work {worked}",
        "max.start.none": "a shift works {worked}",
        "max.breaks": " ({presence} less {off} of breaks that are no working time)",
        "max": "{who}{breaks}, more than the {limit} of working time {per} allowed{exceptions}",
        "max.exceptions": "; a longer day is lawful only {exceptions}",
        "per.day": "a day",
        "per.working day": "a working day",
        "per.shift": "a shift",
        # ---- the rest between two working days
        "rest.shift": "the day {day} shift ({start}-{end})",
        "rest.short": "{shift} leaves {rest} of rest before the day {next} shift at {next_start}",
        "rest.none": "{shift} is followed at once by the day {next} shift at {next_start}, with no rest",
        "rest.overlap": "{shift} runs {overlap} into the day {next} shift at {next_start}, with no rest",
        "rest.required": "{gaps}, less than the {limit} required",
        "rest.reduced": "{gaps}, less than the {limit} required; a rest of at least {floor} is lawful only {note}",
        "rest.reduced-any": "{gaps}, less than the {limit} required; a shorter rest is lawful only {note}",
        "rest.below-floor": (
            "{gaps}, less than the {limit} required and less than the {floor} a rest may be shortened to {note}"
        ),
        "rest.again": (
            "{gaps}, less than the {limit} required, and the rest after day {previous} was shortened "
            "already: a rest of at least {floor} is lawful at most once in {days} days"
        ),
        "rest.exceptions": "a shorter rest is lawful only {exceptions}",
        "rest.exceptions-otherwise": "otherwise a shorter rest is lawful only {exceptions}",
    }
)
"""Every template, by name."""

RestCase = Literal["required", "reduced", "below-floor", "again"]
"""How the law reads a rest shorter than its minimum, each a ``rest.*`` template."""


def _fill(name: str, **values: object) -> str:
    return TEMPLATES[name].format(**values)


def max_hours_clause(
    *,
    starts: Sequence[int],
    presence: int,
    worked: int,
    limit_hours: float,
    per: str,
    exceptions: str | None,
) -> str:
    """Shifts of ``presence`` minutes that work ``worked`` minutes, over a maximum of ``limit_hours``.

    ``starts`` are the policy's own shift starts in minutes of the day (none: "a shift"),
    ``per`` the unit the law counts in (day, working day, shift), ``exceptions`` what else
    makes a longer day lawful (none: nothing to say).
    """
    names = join([format_minutes(start) for start in starts])
    which = "none" if not starts else ("one" if len(starts) == 1 else "several")
    who = _fill(f"max.start.{which}", starts=names, worked=duration(worked))
    breaks = ""
    if worked != presence:
        breaks = _fill("max.breaks", presence=duration(presence), off=duration(presence - worked))
    extra = _fill("max.exceptions", exceptions=exceptions) if exceptions else ""
    return _fill(
        "max", who=who, breaks=breaks, limit=hours(limit_hours), per=_fill(f"per.{per}"), exceptions=extra
    )


def rest_gap(*, day: int, start: int, shift_minutes: int, next_start: int, rest: int) -> str:
    """The rest between day ``day`` of a pattern (1 is the first) and the day after, as a phrase.

    The day's shift starts at minute ``start`` of the day and lasts ``shift_minutes``; the next
    one starts at minute ``next_start`` of the next day, ``rest`` minutes after the first ends
    (negative: the shifts overlap by that much).
    """
    end = format_minutes(start + shift_minutes)
    shift = _fill("rest.shift", day=day, start=format_minutes(start), end=end)
    values = {"shift": shift, "next": day + 1, "next_start": format_minutes(next_start)}
    if rest < 0:
        return _fill("rest.overlap", overlap=duration(-rest), **values)
    if rest == 0:
        return _fill("rest.none", **values)
    return _fill("rest.short", rest=duration(rest), **values)


def rest_clause(
    gaps: Sequence[str],
    *,
    case: RestCase,
    limit_hours: float,
    floor_hours: float = 0,
    note: str = "",
    days: int = 0,
    previous: int = 0,
) -> str:
    """Gaps (``rest_gap`` phrases) short of a minimum rest of ``limit_hours``, read the same way.

    ``case`` is how the law reads them: ``required`` (short of the limit), ``reduced`` (a shorter
    rest the law allows in the cases ``note`` names, of at least ``floor_hours``; 0: no floor),
    ``below-floor`` (shorter than that too) or ``again`` (the shorter rest was used after day
    ``previous`` already, and the law allows it once in ``days`` days).
    """
    name = "rest.reduced-any" if case == "reduced" and floor_hours == 0 else f"rest.{case}"
    return _fill(
        name,
        gaps=join(list(gaps)),
        limit=hours(limit_hours),
        floor=hours(floor_hours),
        note=note,
        days=days,
        previous=previous,
    )


def rest_exceptions_clause(exceptions: str, *, reduced: bool) -> str:
    """What else makes a shorter rest lawful, said once after the gaps; ``reduced``: a gap's clause
    named the shorter rest the law allows, so this is what else does."""
    return _fill("rest.exceptions-otherwise" if reduced else "rest.exceptions", exceptions=exceptions)
