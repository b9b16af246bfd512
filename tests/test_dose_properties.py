"""Dose-response properties of the bundled rulebook: scores move with the numbers, smoothly.

For every rule kind and every numeric field of it (read from
``policyweigh.policy.RULE_MODELS``, so a new numeric field is covered without
touching this file; nested numbers such as ``service_level_target.answered_pct``
and the pay shares ``weights.<metric>`` too), starting from every ``fires``
example of that kind in the rulebook (a *base*), the field is varied over its
allowed range with everything else of the base kept, and each one-rule policy is
scored through the real engine (many per Rete session). Two properties must hold
for the employee and the customer score:

1. **monotonic**: as the field rises, a side moves in one direction only. The
   direction is read from the data; a reversal of more than
   ``REVERSAL_POINTS`` (rounding) fails. The one exception is a side listed in
   ``PEAKED`` with its reason (training hours help customers with diminishing
   returns while the time off the phones costs them more and more): it may rise
   to one optimum and fall after it, never turn twice.
2. **no cliffs**: a step of 1% of the field's value moves a side by at most
   ``CLIFF_POINTS``. Near 0 (within one unit of the field: a minute, a percent
   point, an hour...) the step is 1% of one unit, since 1% of 0 is no step and
   1% of ranges such as 0..1,000,000 (a target, a budget) is no small step.
   Whole-number fields cannot take a step below 1; there the bound grows with
   the step (3 points per 1% step). A larger move is allowed only where the step
   crosses a threshold the rulebook declares (``ImpactRule.thresholds``): the
   threshold's key (a field or a measure such as ``cap_ratio``) takes values on
   both sides of the threshold's value at the two ends of the step.

How the values are chosen: a fixed grid over the range (linear, and geometric
from 0.01 up, both signs), the base's own value and values around it, and every
number the rulebook's conditions compare the field's key with (and 1% to either
side); then every interval where a side moves by more than ``CLIFF_POINTS`` is
halved until the interval is one step wide, which finds every jump of a monotone
score exactly. On top, hypothesis draws random bases and values (derandomized,
bounded). All work is counted in scored policies, never in time.

A failure prints, per violation, the kind and field, the two values, the scores
at each, the impact rules that fire only at one of them, and the base the field
was varied from (and which rule's example it is), so whoever changes the
rulebook data can find what to grade.
"""

from __future__ import annotations

import functools
import math
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import annotated_types
import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from policyweigh.config import Settings
from policyweigh.evaluation import score_policies
from policyweigh.policy import (
    METRICS,
    RULE_KINDS,
    RULE_MODELS,
    Condition,
    MetricName,
    Policy,
    policy_json_schema,
)
from policyweigh.rulebook import Check, load_rulebook
from policyweigh.rulebook.models import Threshold

BOOK = load_rulebook()
SETTINGS = Settings()

CLIFF_POINTS = 3
"""The most a side may move for a 1% step of one field (outside a declared threshold)."""
REVERSAL_POINTS = 1
"""The most a side may move against its direction (rounding of the bounded score)."""
STEP_FRACTION = 0.01
"""A step is 1% of the value, or of one unit of the field near 0."""
SIDES = ("employee", "customer")

PEAKED: dict[tuple[str, str, str], str] = {
    ("training", "hours_per_year", "customer"): (
        "training helps customers with diminishing returns while the hours it takes off the phones "
        "cost them more and more: issue 11 asks for both"
    ),
}
"""(kind, field, side) allowed one optimum, with why: the side may rise to a single peak and fall
after it (each part monotone within rounding), never turn twice. Add an entry only where the
evidence names opposing effects of the same number; everything else must be monotonic."""

SHARES: dict[tuple[str, str], float] = {("compensation-link", "weights"): 100.0}
"""Mappings of numbers that must sum to a total (kind, field) -> total: varying one entry to x
scales the others to share total - x in their proportions; 0 leaves the entry out."""

LINEAR_POINTS = 16
GEOMETRIC_PER_DECADE = 5
GEOMETRIC_START = 0.01
MAX_HALVINGS = 40
MAX_SHOWN = 40
"""Violations printed in full in one failure; the rest are counted."""

FUZZ = os.environ.get("HYPOTHESIS_PROFILE") == "fuzz"
PROBE_EXAMPLES = 8 * (int(os.environ.get("POLICYWEIGH_FUZZ_FACTOR", "50")) if FUZZ else 1)
PROBES_PER_EXAMPLE = 6
PROBE_SETTINGS = settings(
    max_examples=PROBE_EXAMPLES,
    derandomize=not FUZZ,
    database=None,
    deadline=None,
    print_blob=True,
    # Each failure prints its own precise message; shrinking it would only cost time.
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# --------------------------------------------------------------------------- the numeric fields


@dataclass(frozen=True)
class NumericField:
    """One number of a rule kind: where it sits in the rule mapping, its type and allowed range."""

    kind: str
    path: tuple[str, ...]
    """Keys from the rule mapping down to the number (YAML names): ("service_level_target",
    "answered_pct"), or ("weights", "calls_handled") for an entry of a share mapping."""
    integer: bool
    low: float
    high: float
    low_open: bool = False
    high_open: bool = False
    share_total: float | None = None
    """For an entry of a share mapping: the total the entries sum to."""

    @property
    def name(self) -> str:
        """The field as a fact key and in messages: ``service_level_target.answered_pct``."""
        return ".".join(self.path)

    def __str__(self) -> str:
        return f"{self.kind}.{self.name}"


class Uncovered(Exception):
    """A number inside a structure this test does not know how to vary."""


def _bounds(metadata: Iterable[Any]) -> dict[str, float]:
    found: dict[str, float] = {}
    for meta in metadata:
        for name in ("gt", "ge", "lt", "le"):
            value = getattr(meta, name, None)
            if isinstance(meta, getattr(annotated_types, name.capitalize())) and value is not None:
                found[name] = float(value)
    return found


def _unwrap(tp: Any, metadata: list[Any]) -> tuple[Any, list[Any]]:
    """Strip Annotated and Optional: the bare type and all the metadata on the way."""
    while True:
        if get_origin(tp) is Annotated:
            metadata = [*metadata, *tp.__metadata__]
            tp = get_args(tp)[0]
            continue
        args = get_args(tp)
        if get_origin(tp) in (Union, type(int | None)) and type(None) in args:
            rest = [a for a in args if a is not type(None)]
            if len(rest) == 1:
                tp = rest[0]
                continue
        return tp, metadata


def _has_number(tp: Any) -> bool:
    if tp in (int, float):
        return True
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return any(_has_number(_unwrap(f.annotation, [])[0]) for f in tp.model_fields.values())
    return any(_has_number(a) for a in get_args(tp) if a is not type(None))


def _walk(kind: str, path: tuple[str, ...], tp: Any, metadata: list[Any], out: list[NumericField]) -> None:
    tp, metadata = _unwrap(tp, metadata)
    if tp is bool or tp is str or get_origin(tp) is Literal:
        return
    if tp in (int, float):
        b = _bounds(metadata)
        out.append(
            NumericField(
                kind,
                path,
                integer=tp is int,
                low=b.get("ge", b.get("gt", -1e9)),
                high=b.get("le", b.get("lt", 1e9)),
                low_open="gt" in b,
                high_open="lt" in b,
            )
        )
        return
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        for name, info in tp.model_fields.items():
            _walk(kind, (*path, info.alias or name), info.annotation, list(info.metadata), out)
        return
    if get_origin(tp) is dict:
        key_type, value_type = get_args(tp)
        if not _has_number(_unwrap(value_type, [])[0]):
            return
        total = SHARES.get((kind, path[0]))
        bare_key, key_meta = _unwrap(key_type, [])
        if any(isinstance(m, MetricName) for m in key_meta):
            keys: tuple[Any, ...] = tuple(METRICS)  # metric names: the built-in ones
        elif get_origin(bare_key) is Literal:
            keys = get_args(bare_key)
        else:
            keys = ()
        if total is None or not keys:
            raise Uncovered(
                f"{kind}.{'.'.join(path)}: a mapping of numbers that is not a known share mapping"
            )
        for key in keys:
            out.append(
                NumericField(kind, (*path, key), integer=False, low=0.0, high=total, share_total=total)
            )
        return
    if get_origin(tp) is list and get_args(tp)[0] is Condition:
        # A bonus's all:/any: conditions: their levels move without cliffs (tests/test_conditions.py).
        return
    if _has_number(tp):
        raise Uncovered(f"{kind}.{'.'.join(path)}: numbers inside {tp!r}")


def numeric_fields(kind: str) -> list[NumericField]:
    """Every number of a rule kind, nested ones and share entries included."""
    out: list[NumericField] = []
    for name, info in RULE_MODELS[kind].model_fields.items():
        shown = info.alias or name
        if shown in ("kind", "note"):
            continue
        _walk(kind, (shown,), info.annotation, list(info.metadata), out)
    return out


def _uncovered() -> list[str]:
    found = []
    for kind in RULE_KINDS:
        try:
            numeric_fields(kind)
        except Uncovered as err:
            found.append(str(err))
    return found


# --------------------------------------------------------------------------- bases and series


def _rule_part(example: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in example.items() if k not in ("scope", "jurisdiction")}


@functools.cache
def bases(kind: str) -> tuple[tuple[dict[str, Any], str], ...]:
    """The distinct ``fires`` examples of a kind, each with the code of the first rule giving it."""
    found: list[tuple[dict[str, Any], str]] = []
    for rule in BOOK.impact_rules:
        for example in rule.examples.fires:
            if example.get("kind") == kind and all(example != known for known, _ in found):
                found.append((dict(example), rule.code))
    return tuple(found)


def _get(data: Mapping[str, Any], path: Sequence[str]) -> Any:
    for part in path:
        if not isinstance(data, Mapping) or part not in data:
            return None
        data = data[part]
    return data


def _short(value: float) -> str:
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.6g}"


def _rounded(data: Any) -> Any:
    if isinstance(data, Mapping):
        return {k: _rounded(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_rounded(v) for v in data]
    if isinstance(data, float):
        return float(f"{data:.6g}")
    return data


def _flow(data: Mapping[str, Any]) -> str:
    """A mapping on one line, as YAML flow, numbers to six significant digits."""
    return yaml.safe_dump(_rounded(dict(data)), default_flow_style=True, sort_keys=False, width=10**6).strip()


@dataclass(frozen=True)
class Point:
    """A scored value of a series."""

    value: float
    employee: int
    customer: int
    rules: frozenset[str]
    """Impact rules that contributed."""
    fact: Mapping[str, Any]
    """The rule's fact, measures included, for the threshold check."""

    def side(self, side: str) -> int:
        return self.employee if side == "employee" else self.customer


@dataclass(eq=False)
class Series:
    """One field of one base, varied: the values scored so far."""

    numeric: NumericField
    base: dict[str, Any]
    source: str
    """The code of the impact rule whose fires example the base is."""
    filler: Mapping[str, Any]
    """Values for a nested mapping the base leaves out (taken from another base of the kind)."""
    low: float = 0.0
    high: float = 0.0
    points: dict[float, Point] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"<{self.numeric} from {_flow(self.base)}>"

    @property
    def start(self) -> float | None:
        """The base's own value of the field, if it sets one."""
        if self.numeric.share_total is not None:
            weights = self.base.get(self.numeric.path[0]) or {}
            return float(weights.get(self.numeric.path[1], 0.0))
        value = _get(self.base, self.numeric.path)
        return None if value is None else float(value)

    def describe(self) -> str:
        return f"base {_flow(self.base)} (a fires example of {self.source})"

    def cast(self, value: float) -> float:
        return float(round(value)) if self.numeric.integer else value

    def step(self, value: float) -> float:
        """1% of the value, or of one unit near 0; at least 1 for a whole-number field."""
        raw = STEP_FRACTION * max(abs(value), 1.0)
        return max(raw, 1.0) if self.numeric.integer else raw

    def rule(self, value: float) -> dict[str, Any]:
        """The base rule mapping with the field set to ``value``."""
        rule = _rule_part(self.base)
        head, *rest = self.numeric.path
        number: int | float = int(round(value)) if self.numeric.integer else float(value)
        if self.numeric.share_total is not None:
            (key,) = rest
            others = {k: float(w) for k, w in (rule.get(head) or {}).items() if k != key}
            left = self.numeric.share_total - number
            total = sum(others.values())
            shares = {k: w * left / total for k, w in others.items()} if left > 0 else {}
            shares = {k: w for k, w in shares.items() if w > 0}
            if number > 0:
                shares[key] = float(number)
            rule[head] = shares
        elif rest:
            nested = dict(rule.get(head) or self.filler.get(head) or {})
            nested[rest[-1]] = number
            rule[head] = nested
        else:
            rule[head] = number
        return rule

    def policy(self, value: float, policy_id: str) -> Policy:
        data: dict[str, Any] = {"id": policy_id, "title": f"{self.numeric} at {_short(value)}"}
        data["rules"] = [self.rule(value)]
        for key in ("scope", "jurisdiction"):
            if key in self.base:
                data[key] = self.base[key]
        return Policy.model_validate(data)

    def valid(self, value: float) -> bool:
        try:
            self.policy(value, "probe")
        except (ValidationError, ValueError, ZeroDivisionError):
            return False
        return True

    def values_strategy(self) -> st.SearchStrategy[float]:
        if self.numeric.integer:
            return st.integers(int(self.low), int(self.high)).map(float)
        return st.floats(self.low, self.high, allow_nan=False, allow_infinity=False)


def _effective_range(series: Series) -> tuple[float, float] | None:
    """The values the policy format accepts for the field of this base, as one interval."""
    f = series.numeric
    low, high = f.low, f.high
    if f.integer:
        low, high = (low + 1 if f.low_open else low), (high - 1 if f.high_open else high)
    else:
        span = high - low
        low = low + min(0.001, span / 1e6) if f.low_open else low
        high = high - min(0.001, span / 1e6) if f.high_open else high
    if not series.valid(low):
        return None
    if not series.valid(high):  # a model rule narrows the range (a pct target is at most 100)
        good, bad = low, high
        for _ in range(60):
            middle = series.cast((good + bad) / 2)
            if middle in (good, bad):
                break
            good, bad = (middle, bad) if series.valid(middle) else (good, middle)
        high = good
    return low, high


def _nested_filler(kind: str) -> dict[str, Any]:
    """For each nested mapping of a kind: the first value any base gives it."""
    filler: dict[str, Any] = {}
    for base, _ in bases(kind):
        for key, value in _rule_part(base).items():
            if isinstance(value, Mapping) and key not in filler:
                filler[key] = dict(value)
    return filler


def _series(kind: str) -> tuple[list[Series], list[str]]:
    """Every (base, field) of a kind that can be varied, and why the others cannot."""
    out: list[Series] = []
    skipped: list[str] = []
    filler = _nested_filler(kind)
    for base, source in bases(kind):
        for f in numeric_fields(kind):
            if f.share_total is not None and not any(k != f.path[1] for k in (base.get(f.path[0]) or {})):
                continue  # the key is the only share: nothing else could take the rest
            series = Series(f, base, source, filler)
            found = _effective_range(series)
            if found is None:
                skipped.append(f"{f} from {series.describe()}: no valid value")
                continue
            series.low, series.high = found
            out.append(series)
    return out, skipped


# --------------------------------------------------------------------------- values and scoring


def _cut_values(key: str) -> set[float]:
    """Numbers the rulebook's conditions and thresholds compare ``key`` with."""
    found: set[float] = set()
    for rule in BOOK.impact_rules:
        condition = rule.when.get(key)
        if isinstance(condition, Check):
            for bound in (condition.lt, condition.le, condition.gt, condition.ge, condition.eq, condition.ne):
                if isinstance(bound, (int, float)) and not isinstance(bound, bool):
                    found.add(float(bound))
            for value in (condition.in_ or []) + (condition.not_in or []):
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    found.add(float(value))
        elif isinstance(condition, (int, float)) and not isinstance(condition, bool):
            found.add(float(condition))
        for threshold in rule.thresholds:
            if threshold.key == key:
                found.add(float(threshold.value))
    return found


def _geometric(start: float, stop: float) -> list[float]:
    if stop <= start:
        return [start]
    count = max(2, math.ceil(math.log10(stop / start) * GEOMETRIC_PER_DECADE) + 1)
    ratio = (stop / start) ** (1 / (count - 1))
    return [start * ratio**i for i in range(count)]


def grid(series: Series) -> list[float]:
    """The fixed values a series is scored at, before halving (see the module docstring)."""
    low, high = series.low, series.high
    values = {low, high}
    values |= {low + (high - low) * i / LINEAR_POINTS for i in range(LINEAR_POINTS + 1)}
    if high > 0:
        values |= set(_geometric(max(low, GEOMETRIC_START), high))
    if low < 0:
        values |= {-v for v in _geometric(max(-high, GEOMETRIC_START), -low)}
    if low <= 0 <= high:
        values.add(0.0)
    start = series.start
    if start is not None:
        values |= {start * f for f in (0.5, 0.9, 0.97, 0.99, 1, 1.01, 1.03, 1.1, 2)}
        values |= {start - series.step(start), start + series.step(start)}
    for cut in _cut_values(series.numeric.name):
        step = series.step(cut)
        values |= {cut - step, cut - step / 2, cut, cut + step / 2, cut + step}
    return sorted({series.cast(v) for v in values if low <= series.cast(v) <= high})


def score_values(items: Sequence[tuple[Series, float]]) -> list[Point]:
    """Score one one-rule policy per (series, value), all in one evaluation."""
    policies = [series.policy(value, f"p{i}") for i, (series, value) in enumerate(items)]
    run = score_policies(policies, rulebook=BOOK, settings=SETTINGS)
    points = []
    for i, (_, value) in enumerate(items):
        pid = f"p{i}"
        result = run.result(pid)
        points.append(
            Point(
                value,
                result.scores.employee,
                result.scores.customer,
                frozenset(c.rule for c in result.contributions),
                run.traces[pid].facts[0],
            )
        )
    return points


def _store(items: Sequence[tuple[Series, float]]) -> None:
    for (series, value), point in zip(items, score_values(items), strict=True):
        series.points[value] = point


# --------------------------------------------------------------------------- the two checks


@dataclass(frozen=True)
class Reversal:
    """A side that moves both ways beyond the rounding allowance (for a peaked field: a second turn)."""

    series: Series
    side: str
    falls: tuple[Point, Point, int]
    """The largest fall (from, to, points): from the highest score before it (before the peak)..."""
    rises: tuple[Point, Point, int]
    """...and the largest rise: from the lowest score before it (after the peak)."""
    peak: Point | None = None
    """For a field allowed one optimum (``PEAKED``): the highest point."""

    def text(self) -> str:
        def move(points: tuple[Point, Point, int], word: str) -> str:
            a, b, size = points
            return (
                f"{word} by {size} (from {a.side(self.side):+d} at {_short(a.value)} to "
                f"{b.side(self.side):+d} at {_short(b.value)})"
            )

        series, side = self.series, self.side
        where = f"as {series.numeric.name} rises over {_short(series.low)}..{_short(series.high)}"
        if self.peak is None:
            shape = (
                f"the {side} score is not monotonic {where}: it {move(self.falls, 'falls')} and "
                f"{move(self.rises, 'rises')}; at most {REVERSAL_POINTS} point against one direction is allowed"
            )
        else:
            turns = []
            if self.falls[2] > REVERSAL_POINTS:
                turns.append(f"before it, it {move(self.falls, 'falls')}")
            if self.rises[2] > REVERSAL_POINTS:
                turns.append(f"after it, it {move(self.rises, 'rises')}")
            shape = (
                f"the {side} score may rise to one optimum and fall after it ({PEAKED[(series.numeric.kind, series.numeric.name, side)]}), "
                f"but {where} it turns more than once: its peak is {self.peak.side(side):+d} at "
                f"{_short(self.peak.value)}; {' and '.join(turns)}; at most {REVERSAL_POINTS} point against "
                "each direction is allowed"
            )
        return (
            f"{series.numeric}: {shape}. {series.describe()}. {side} score by value: {_profile(series, side)}"
        )


def _profile(series: Series, side: str, limit: int = 24) -> str:
    """The values where the side's score changes, as ``value: score``."""
    shown: list[str] = []
    last: int | None = None
    for value in sorted(series.points):
        score = series.points[value].side(side)
        if score != last:
            shown.append(f"{_short(value)}: {score:+d}")
            last = score
    if len(shown) > limit:
        shown = [*shown[: limit // 2], "...", *shown[-limit // 2 :]]
    return ", ".join(shown)


def _largest_moves(
    points: Sequence[Point], side: str
) -> tuple[tuple[Point, Point, int], tuple[Point, Point, int]]:
    """The largest fall from an earlier high and the largest rise from an earlier low."""
    falls = rises = (points[0], points[0], 0)
    high = low = points[0]
    for point in points[1:]:
        score = point.side(side)
        if high.side(side) - score > falls[2]:
            falls = (high, point, high.side(side) - score)
        if score - low.side(side) > rises[2]:
            rises = (low, point, score - low.side(side))
        high = point if score > high.side(side) else high
        low = point if score < low.side(side) else low
    return falls, rises


def reversals(series: Series) -> list[Reversal]:
    """Sides that fall by more than the allowance after some value and rise by more after another;
    for a field allowed one optimum (``PEAKED``), sides that turn more than once."""
    points = [series.points[v] for v in sorted(series.points)]
    found = []
    for side in SIDES:
        if (series.numeric.kind, series.numeric.name, side) in PEAKED:
            top = max(range(len(points)), key=lambda i: (points[i].side(side), -i))
            falls, _ = _largest_moves(points[: top + 1], side)
            _, rises = _largest_moves(points[top:], side)
            if falls[2] > REVERSAL_POINTS or rises[2] > REVERSAL_POINTS:
                found.append(Reversal(series, side, falls, rises, points[top]))
            continue
        falls, rises = _largest_moves(points, side)
        if falls[2] > REVERSAL_POINTS and rises[2] > REVERSAL_POINTS:
            found.append(Reversal(series, side, falls, rises))
    return found


THRESHOLDS: tuple[tuple[str, Threshold], ...] = tuple(
    (rule.code, threshold) for rule in BOOK.impact_rules for threshold in rule.thresholds
)
"""Every threshold the rulebook declares, with the code of its rule."""


def declared_between(
    a: Point, b: Point, thresholds: Iterable[tuple[str, Threshold]] = THRESHOLDS
) -> list[str]:
    """Declared thresholds whose value lies between the two points' values of their key (a field
    or a measure), which must differ."""
    found = []
    for code, threshold in thresholds:
        va, vb = a.fact.get(threshold.key), b.fact.get(threshold.key)
        numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (va, vb))
        if numbers and va != vb and min(va, vb) <= threshold.value <= max(va, vb):
            found.append(f"{code} {threshold.key} {_short(float(threshold.value))}")
    return found


@dataclass(frozen=True)
class Cliff:
    """A step of about 1% that moves a side by more than the bound, with no threshold declared in it."""

    series: Series
    a: Point
    b: Point
    bound: float
    sides: tuple[str, ...]
    """The sides that move beyond the bound."""

    @property
    def size(self) -> int:
        return max(abs(self.b.side(s) - self.a.side(s)) for s in self.sides)

    @property
    def switch(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Impact rules that fire only below the step, and only above it."""
        return tuple(sorted(self.a.rules - self.b.rules)), tuple(sorted(self.b.rules - self.a.rules))

    def where(self, *, shares: bool = True) -> str:
        """The field and the step: ``max_minutes 7.96 -> 8``, with all the shares for a share field."""
        series, a, b = self.series, self.a, self.b
        text = f"{series.numeric.name} {_short(a.value)} -> {_short(b.value)}"
        if shares and series.numeric.share_total is not None:
            head = series.numeric.path[0]
            text += f" ({head} {_flow(series.rule(a.value)[head])} -> {_flow(series.rule(b.value)[head])})"
        return text

    def text(self) -> str:
        a, b, series = self.a, self.b, self.series
        width = b.value - a.value
        near = min(abs(a.value), abs(b.value)) if a.value * b.value > 0 else 0.0
        step = f"{100 * width / near:.2g}% of the value" if near >= 1 else f"{100 * width:.2g}% of one unit"
        only_a, only_b = self.switch
        rules = []
        if only_a:
            rules.append(f"rules only at {_short(a.value)}: {', '.join(only_a)}")
        if only_b:
            rules.append(f"rules only at {_short(b.value)}: {', '.join(only_b)}")
        if not rules:
            rules.append(
                f"the same rules fire at both ({', '.join(sorted(a.rules)) or 'none'}), dosed differently"
            )
        moves = ", ".join(
            f"{side} {a.side(side):+d} -> {b.side(side):+d} ({abs(b.side(side) - a.side(side))} points)"
            for side in SIDES
        )
        return (
            f"{series.numeric}: {self.where()}, a step of {step}, moves {moves}; at most "
            f"{_short(round(self.bound, 2))} allowed and no threshold is declared in between; "
            f"{'; '.join(rules)}. {series.describe()}"
        )


def _final(series: Series, a: float, b: float) -> bool:
    """Whether [a, b] is one step wide (the step at its end nearer 0), or cannot be split."""
    step = series.step(min(abs(a), abs(b)) if a * b > 0 else 0.0)
    return b - a <= step * (1 + 1e-9) or series.cast((a + b) / 2) in (a, b)


def _bound(series: Series, a: float, b: float) -> float:
    step = STEP_FRACTION * max(min(abs(a), abs(b)) if a * b > 0 else 0.0, 1.0)
    return CLIFF_POINTS * max(1.0, (b - a) / step)


def _pairs(series: Series) -> Iterator[tuple[Point, Point]]:
    values = sorted(series.points)
    for a, b in zip(values, values[1:], strict=False):
        yield series.points[a], series.points[b]


def _moves(a: Point, b: Point) -> int:
    return max(abs(a.employee - b.employee), abs(a.customer - b.customer))


def cliffs(series: Series) -> list[Cliff]:
    """Steps of the series that move a side beyond the bound without a declared threshold."""
    found = []
    for a, b in _pairs(series):
        if _moves(a, b) <= CLIFF_POINTS or not _final(series, a.value, b.value):
            continue
        bound = _bound(series, a.value, b.value)
        sides = tuple(side for side in SIDES if abs(a.side(side) - b.side(side)) > bound)
        if sides and not declared_between(a, b):
            found.append(Cliff(series, a, b, bound, sides))
    return found


@dataclass
class Sweep:
    """Every series of one kind, scored on the grid and halved down to single steps."""

    kind: str
    series: list[Series]
    skipped: list[str]
    scored: int = 0
    halvings: int = 0

    def run(self) -> None:
        items = [(s, v) for s in self.series for v in grid(s)]
        for level in range(MAX_HALVINGS + 1):
            if not items:
                return
            _store(items)
            self.scored += len(items)
            self.halvings = level
            items = []
            for series in self.series:
                for a, b in _pairs(series):
                    if _moves(a, b) > CLIFF_POINTS and not _final(series, a.value, b.value):
                        middle = series.cast((a.value + b.value) / 2)
                        if middle not in series.points:
                            items.append((series, middle))


@functools.cache
def sweep(kind: str) -> Sweep:
    series, skipped = _series(kind)
    done = Sweep(kind, series, skipped)
    done.run()
    return done


def _report(title: str, lines: list[str]) -> str:
    shown = lines[:MAX_SHOWN]
    more = len(lines) - len(shown)
    tail = [f"... and {more} more"] if more else []
    return "\n".join([title, *(f"- {line}" for line in shown), *tail])


def _group_cliffs(found: Iterable[Cliff]) -> list[str]:
    """One line per cliff: the same rules switching on the same sides is one cliff, however many
    fields and bases show it (a share reaching a cut shows from every other share that pushes it
    there); the line shows the clearest case and lists the others."""
    groups: dict[tuple[Any, ...], list[Cliff]] = {}
    for cliff in found:
        only_a, only_b = cliff.switch
        key: tuple[Any, ...] = (cliff.series.numeric.kind, only_a, only_b, cliff.sides)
        if not only_a and not only_b:
            key += (cliff.series.numeric.name, f"{cliff.a.value:.3g}")
        groups.setdefault(key, []).append(cliff)
    lines = []
    for members in groups.values():
        # The clearest case: a field the base sets itself, then the largest move.
        members.sort(key=lambda c: (not c.series.start, -c.size, str(c.series.numeric), c.a.value))
        first, rest = members[0], members[1:]
        line = first.text()
        if rest:
            seen = [f"{c.where(shares=False)} (base of {c.series.source})" for c in rest[:6]]
            more = f" and {len(rest) - 6} more" if len(rest) > 6 else ""
            line += f" The same switch shows varying: {'; '.join(seen)}{more}."
        lines.append(line)
    return sorted(lines)


def _group_reversals(found: Iterable[Reversal]) -> list[str]:
    """One line per reversal shape: the same field and side reversing at the same values from several bases."""
    groups: dict[tuple[Any, ...], list[Reversal]] = {}
    for reversal in found:
        places = tuple(f"{p.value:.3g}" for p in (*reversal.falls[:2], *reversal.rises[:2]))
        groups.setdefault((str(reversal.series.numeric), reversal.side, places), []).append(reversal)
    lines = []
    for members in groups.values():
        line = members[0].text()
        if len(members) > 1:
            line += f" The same from {len(members) - 1} other bases: " + "; ".join(
                _flow(r.series.base) for r in members[1:]
            )
        lines.append(line)
    return lines


# --------------------------------------------------------------------------- the tests


def _varied(kind: str) -> bool:
    try:
        return bool(numeric_fields(kind))
    except Uncovered:  # reported by the first test below
        return False


VARIED_KINDS = [k for k in RULE_KINDS if _varied(k)]


def test_every_number_of_the_format_is_one_this_test_can_vary() -> None:
    problems = _uncovered()
    assert not problems, (
        "numbers the dose properties cannot vary yet (teach numeric_fields or SHARES in "
        "tests/test_dose_properties.py): " + "; ".join(problems)
    )
    # Cross-check with the JSON Schema: every numeric property of a rule kind is found.
    schema = policy_json_schema()
    defs = schema.get("$defs", {})
    found = {f.path[0] for k in VARIED_KINDS for f in numeric_fields(k)}
    for model in RULE_MODELS.values():
        properties = defs.get(model.__name__, {}).get("properties", {})
        for name, prop in properties.items():
            types = {prop.get("type")} | {o.get("type") for o in prop.get("anyOf", [])}
            if types & {"number", "integer"}:
                assert name in found, f"the numeric field {name} of {model.__name__} is not varied"


def test_every_kind_with_numbers_has_a_fires_example_to_start_from() -> None:
    missing = [k for k in VARIED_KINDS if not bases(k)]
    assert not missing, f"kinds with numeric fields but no fires example to vary: {', '.join(missing)}"


@pytest.mark.parametrize("kind", VARIED_KINDS)
def test_every_numeric_field_is_varied_from_some_base(kind: str) -> None:
    done = sweep(kind)
    varied = {s.numeric.name for s in done.series}
    fields = {f.name for f in numeric_fields(kind) if f.share_total is None}
    missing = sorted(fields - varied)
    assert not missing, f"{kind}: fields no base could vary: {', '.join(missing)}; " + "; ".join(done.skipped)


@pytest.mark.parametrize("kind", VARIED_KINDS)
def test_each_side_moves_one_way_as_a_number_rises(kind: str) -> None:
    done = sweep(kind)
    found = _group_reversals(r for s in done.series for r in reversals(s))
    if found:
        pytest.fail(
            _report(
                f"{len(found)} non-monotonic responses in {kind} ({done.scored} policies scored):", found
            ),
            pytrace=False,
        )


@pytest.mark.parametrize("kind", VARIED_KINDS)
def test_a_one_percent_step_moves_a_side_by_at_most_three_points(kind: str) -> None:
    done = sweep(kind)
    found = _group_cliffs(c for s in done.series for c in cliffs(s))
    if found:
        pytest.fail(
            _report(
                f"{len(found)} cliffs in {kind} (a 1% step may move a side by at most {CLIFF_POINTS} points, "
                f"except across a threshold the rulebook declares; {done.scored} policies scored):",
                found,
            ),
            pytrace=False,
        )


@pytest.mark.parametrize("kind", VARIED_KINDS)
@PROBE_SETTINGS
@given(data=st.data())
def test_random_steps_hold_both_properties(kind: str, data: st.DataObject) -> None:
    """Random bases and values: each value and the value one step up, and the profile with them."""
    done = sweep(kind)
    series = data.draw(st.sampled_from(done.series), label="series")
    values = data.draw(
        st.lists(series.values_strategy(), min_size=1, max_size=PROBES_PER_EXAMPLE), label="values"
    )
    pairs = []
    for value in values:
        up = series.cast(value + series.step(value))
        pairs.append((value, up) if up <= series.high else (series.cast(value - series.step(value)), value))
    wanted = sorted({v for pair in pairs for v in pair if series.low <= v <= series.high})
    probe = Series(series.numeric, series.base, series.source, series.filler, series.low, series.high)
    probe.points = dict(series.points)
    fresh = [v for v in wanted if v not in probe.points]
    for v, point in zip(fresh, score_values([(series, v) for v in fresh]), strict=True):
        probe.points[v] = point
    problems = []
    known = [(c.a.value, c.b.value) for c in cliffs(series)]
    for a_value, b_value in pairs:
        a, b = probe.points.get(a_value), probe.points.get(b_value)
        if a is None or b is None or a_value == b_value:
            continue
        bound = _bound(series, a_value, b_value)
        sides = tuple(side for side in SIDES if abs(a.side(side) - b.side(side)) > bound)
        seen = any(lo < b_value and a_value < hi for lo, hi in known)  # the sweep reports it already
        if sides and not seen and not declared_between(a, b):
            problems.append(Cliff(probe, a, b, bound, sides).text())
    already = {r.side for r in reversals(series)}
    problems += [r.text() for r in reversals(probe) if r.side not in already]
    if problems:
        pytest.fail(
            _report(f"random steps of {series.numeric} break the dose properties:", problems), pytrace=False
        )


# --------------------------------------------------------------------------- the checks themselves


def _fake(values_scores: Sequence[tuple[float, int, int]], *, integer: bool = False) -> Series:
    f = NumericField("staffing", ("occupancy_target_pct",), integer=integer, low=0, high=100)
    series = Series(f, {"kind": "staffing", "occupancy_target_pct": 80}, "STF001", {}, 0, 100)
    for value, employee, customer in values_scores:
        series.points[value] = Point(value, employee, customer, frozenset(), {"occupancy_target_pct": value})
    return series


def test_the_monotonic_check_allows_one_point_of_rounding_and_nothing_more() -> None:
    assert not reversals(_fake([(0, 0, 0), (10, -5, 1), (20, -4, 2), (30, -9, 3)]))
    found = reversals(_fake([(0, 0, 0), (10, -5, 0), (20, -3, 0), (30, -9, 0)]))
    assert [(r.side, r.falls[2], r.rises[2]) for r in found] == [("employee", 9, 2)]
    assert "falls by 9 (from +0 at 0 to -9 at 30)" in found[0].text()
    assert "rises by 2 (from -5 at 10 to -3 at 20)" in found[0].text()


def test_a_peaked_field_may_turn_once_and_only_at_its_peak() -> None:
    def training(values_scores: Sequence[tuple[float, int]]) -> Series:
        f = NumericField("training", ("hours_per_year",), integer=False, low=0, high=2000)
        series = Series(f, {"kind": "training", "hours_per_year": 40}, "TRN002", {}, 0, 2000)
        for value, customer in values_scores:
            series.points[value] = Point(value, 0, customer, frozenset(), {"hours_per_year": value})
        return series

    assert not reversals(training([(0, -10), (24, 20), (400, 5), (2000, -40)]))
    found = reversals(training([(0, -10), (24, 20), (400, 5), (1000, 12), (2000, -40)]))
    assert [(r.side, r.peak.value if r.peak else None, r.rises[2]) for r in found] == [("customer", 24, 7)]
    assert "its peak is +20 at 24; after it, it rises by 7 (from +5 at 400 to +12 at 1000)" in found[0].text()


def test_the_cliff_check_measures_steps_of_one_percent() -> None:
    # 84 -> 84.5 is a step of less than 1%: a move of 20 is a cliff; 10 -> 40 is wide, so it is not final.
    found = cliffs(_fake([(10, 0, 0), (40, -3, 0), (84, -3, 0), (84.5, -23, 0), (90, -25, 0)]))
    assert [(c.sides, c.a.value, c.b.value, c.size) for c in found] == [(("employee",), 84, 84.5, 20)]
    assert (
        "occupancy_target_pct 84 -> 84.5, a step of 0.6% of the value, moves employee -3 -> -23 (20 points)"
        in (found[0].text())
    )
    # A whole-number field cannot step below 1: the bound grows with the step (3 per 1% of one unit at 0).
    assert _bound(_fake([], integer=True), 0, 1) == 300
    assert _bound(_fake([]), 50, 50.5) == 3


def test_a_step_across_a_declared_threshold_is_allowed() -> None:
    declared = [("CTC002", Threshold(key="cap_ratio", value=1.25, evidence="x", says="A cap under 1.25."))]

    def at(minutes: float) -> Point:
        return Point(minutes, 0, 0, frozenset(), {"max_minutes": minutes, "cap_ratio": round(minutes / 6, 4)})

    assert declared_between(at(7.48), at(7.52), declared) == ["CTC002 cap_ratio 1.25"]
    assert declared_between(at(7.5), at(7.55), declared) == ["CTC002 cap_ratio 1.25"]  # at an end
    assert declared_between(at(7.52), at(7.6), declared) == []
    # The key must change across the step: a threshold on a number the step does not move is not crossed.
    still = Point(7.6, 0, 0, frozenset(), {"max_minutes": 7.6, "cap_ratio": 1.25})
    assert (
        declared_between(
            still, Point(7.7, 0, 0, frozenset(), {"max_minutes": 7.7, "cap_ratio": 1.25}), declared
        )
        == []
    )
