"""Values that explain themselves: what a person most likely meant by a time or a field name.

A time is written ``"HH:MM"`` on a 24-hour clock, and nothing else is read as
one; but ``9am``, ``7:00``, ``24:00`` and an unquoted ``930`` each have a likely
meaning, so the message refusing them names it (``time_hint``). A field name
one unit away from a real one (``hours_per_week`` where the field is
``hours_per_month``, ``max_seconds`` where it is ``max_minutes``) gets the
conversion of the value written (``unit_hint``): "2 hours a week is about 8.7
hours a month".

A validator that knows the likely meaning raises ``HintedValueError(message,
suggestion)``, a ``ValueError`` (so pydantic reports it as any validator's
``value_error``, at the same place); ``policyweigh.yamldoc`` turns it into a
located problem whose suggestion is shown as "did you mean" and given to tools
in the ``suggestion`` field.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from policyweigh.suggest import quote

TIME_EXPECTED = "expected a time as HH:MM between 00:00 and 23:59"
"""How every refused time starts."""


class HintedValueError(ValueError):
    """A validator's refusal that knows the value most likely meant (``suggestion``), if any."""

    def __init__(self, message: str, suggestion: str | None = None) -> None:
        super().__init__(message)
        self.suggestion = suggestion


# --------------------------------------------------------------------------- times


def _hhmm(hours: int, minutes: int) -> str | None:
    return f"{hours:02d}:{minutes:02d}" if 0 <= hours <= 23 and 0 <= minutes <= 59 else None


_CLOCK = re.compile(r"(\d{1,2})[:.h](\d{2})")
_TWELVE_HOUR = re.compile(r"(\d{1,2})(?:[:.](\d{2}))?\s*([ap])\.?\s*m\.?", re.IGNORECASE)
_WITH_SECONDS = re.compile(r"(\d{1,2}):(\d{2}):00")
_DIGITS = re.compile(r"\d{1,4}")
_WORDS = {"noon": "12:00", "midday": "12:00", "midnight": "00:00"}


def _out_of_range(hours: int, minutes: int) -> str | None:
    """Why a clock reading with two-digit parts is no time of the day, or None when it is one."""
    if hours == 24 and minutes == 0:
        return "midnight is written 00:00, also at the end of a window"
    if hours > 23:
        return "hours run from 00 to 23 (a time after midnight is the next day's, such as 01:00)"
    if minutes > 59:
        return "minutes run from 00 to 59"
    return None


def _digits_time(digits: str) -> str | None:
    """``9`` as 09:00 and ``930`` or ``0930`` as 09:30 (the way a 24-hour clock is often typed)."""
    number = int(digits)
    if len(digits) <= 2:
        return _hhmm(number, 0)
    return _hhmm(number // 100, number % 100)


def _string_hint(value: str) -> tuple[str | None, str | None]:
    """(why, likely time) for a string that is not ``HH:MM``."""
    text = value.strip(" ")
    lowered = text.lower()
    if lowered in _WORDS:
        return None, _WORDS[lowered]
    clock = _CLOCK.fullmatch(text)
    if clock:
        hours, minutes = int(clock.group(1)), int(clock.group(2))
        why = _out_of_range(hours, minutes)
        if why is not None:
            return why, "00:00" if (hours, minutes) == (24, 0) else None
        return None, _hhmm(hours, minutes)
    twelve = _TWELVE_HOUR.fullmatch(text)
    if twelve:
        hours, minutes = int(twelve.group(1)), int(twelve.group(2) or 0)
        if not 1 <= hours <= 12 or minutes > 59:
            return "a 12-hour time runs from 1:00 to 12:59 am or pm", None
        # 12am is midnight, 12pm is noon.
        hours = hours % 12 + (12 if twelve.group(3).lower() == "p" else 0)
        return None, _hhmm(hours, minutes)
    seconds = _WITH_SECONDS.fullmatch(text)
    if seconds:
        return "a time has no seconds", _hhmm(int(seconds.group(1)), int(seconds.group(2)))
    if _DIGITS.fullmatch(text):
        return None, _digits_time(text)
    return None, None


def _number_hint(value: int | float) -> tuple[str, str | None]:
    """(why, likely time) for a number where a time belongs: the YAML had no quotes."""
    why = "a time is written in quotes"
    if isinstance(value, float) or value < 0:
        return why, None
    guess = _digits_time(str(value)) if value < 10_000 else None
    if guess is None and 60 <= value < 24 * 60:
        # A YAML 1.1 reader (PyYAML's safe_load) turns an unquoted 9:30 into 9 x 60 + 30 = 570.
        hours, minutes = divmod(value, 60)
        return f"YAML 1.1 reads an unquoted {hours}:{minutes:02d} as {value} minutes; {why}", _hhmm(
            hours, minutes
        )
    return why, guess


def time_hint(value: str | int | float) -> tuple[str, str | None]:
    """The message refusing ``value`` as a time, and the ``HH:MM`` time it most likely means (or None).

    ``'9am'`` gives 09:00, ``'7:00'`` 07:00, ``'24:00'`` 00:00 (midnight), the
    number ``930`` 09:30; ``'25:00'`` says hours run from 00 to 23.
    """
    if isinstance(value, str):
        why, guess = _string_hint(value)
        got = quote(value)
    else:
        why, guess = _number_hint(value)
        got = f"the number {value:g}" if isinstance(value, float) else f"the number {value}"
    message = f"{TIME_EXPECTED}; got {got}" + (f": {why}" if why else "")
    return message, guess


# --------------------------------------------------------------------------- units in field names

_DAY = 24 * 3600
_SECONDS: dict[str, float] = {
    "seconds": 1,
    "minutes": 60,
    "hours": 3600,
    "days": _DAY,
    "weeks": 7 * _DAY,
    "months": 365.25 / 12 * _DAY,
    "years": 365.25 * _DAY,
}
"""Length of each unit of time in seconds (a month is a twelfth of an average year)."""
_UNIT_WORDS: dict[str, str] = {
    **{unit: unit for unit in _SECONDS},
    **{unit[:-1]: unit for unit in _SECONDS},
    "secs": "seconds",
    "mins": "minutes",
    "hrs": "hours",
}
"""Unit tokens of a field name to the unit; ``min`` and ``max`` are never units (they mean least and most)."""


@dataclass(frozen=True)
class _Units:
    """A field name read for units: its shape with the units taken out, and each unit's place."""

    shape: tuple[str, ...]
    units: tuple[tuple[str, bool], ...]
    """(unit, per): each unit in order, ``per`` when it follows ``per`` (a rate's period)."""
    noun: str
    """What the name counts when it has no unit of its own before ``per`` (``calls`` in calls_per_hour)."""


def _read_units(name: str) -> _Units:
    tokens = name.split("_")
    shape: list[str] = []
    units: list[tuple[str, bool]] = []
    for i, token in enumerate(tokens):
        unit = _UNIT_WORDS.get(token)
        if unit is None:
            shape.append(token)
        else:
            shape.append("#")
            units.append((unit, i > 0 and tokens[i - 1] == "per"))
    before_per = tokens[tokens.index("per") - 1] if "per" in tokens[1:] else ""
    return _Units(tuple(shape), tuple(units), before_per)


def _plain_number(value: float) -> str:
    """A converted amount to read: 8.7, 30, 1.84, 83.3."""
    if abs(value) >= 100:
        return str(round(value))
    text = f"{value:.1f}" if abs(value) >= 10 else f"{value:.2f}"
    return text.rstrip("0").rstrip(".")


def _words(units: _Units, *, one: bool = False) -> str:
    """What a name counts, in words: ``hours a week``, ``seconds``, ``calls an hour`` (``hour`` for one)."""
    counted = [u for u, per in units.units if not per]
    noun = counted[0] if counted else units.noun
    if one and counted:
        noun = noun[:-1]
    words = [noun] if noun else []
    for period, per in units.units:
        if per:
            singular = period[:-1]
            words.append(f"{'an' if singular[0] in 'aeiou' or singular == 'hour' else 'a'} {singular}")
    return " ".join(words)


def _amount(value: float, units: _Units) -> str:
    """``2 hours a week``, ``300 seconds``, ``1 hour``, ``4 calls an hour``."""
    number = _plain_number(value)
    return f"{number} {_words(units, one=number == '1')}".rstrip()


def unit_hint(name: str, value: object, fields: Sequence[str]) -> tuple[str, str] | None:
    """(field, sentence) when ``name`` is one unit of time away from one of ``fields``, else None.

    The sentence converts a number written under ``name`` into the field's unit
    (``2 hours a week is about 8.7 hours a month, so write hours_per_month: 8.7``);
    for any other value it says which unit the field counts.
    """
    written = _read_units(name)
    if not written.units:
        return None
    for field in fields:
        wanted = _read_units(field)
        if wanted.shape != written.shape or [p for _, p in wanted.units] != [p for _, p in written.units]:
            continue
        if wanted.units == written.units:
            return None  # the same units spelt another way: an ordinary typo
        factor = 1.0
        for (have, per), (want, _) in zip(written.units, wanted.units, strict=True):
            ratio = _SECONDS[have] / _SECONDS[want]
            factor *= 1 / ratio if per else ratio
        if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
            converted = value * factor
            shown = _plain_number(converted)
            exact = math.isclose(float(shown), converted, rel_tol=1e-9, abs_tol=1e-12)
            sentence = (
                f"{_amount(value, written)} is {'' if exact else 'about '}{_amount(converted, wanted)}, "
                f"so write {field}: {shown}"
            )
        else:
            sentence = f"{field} counts {_words(wanted)}, not {_words(written)}"
        return field, sentence
    return None
