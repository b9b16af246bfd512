"""Models of the policy format (1.1; every 1 file is valid 1.1): the contract HR writes in YAML.

Every model forbids unknown keys and validates strictly (a quoted ``"5"`` is not
a number, ``yes`` is not a boolean), so a typo in a threshold can never be
silently ignored. Rule kinds form a discriminated union on ``kind``.

Field names carry their unit (``max_minutes``, ``threshold_pct``); times are
``"HH:MM"`` strings on a 24-hour clock.

Text is printed to terminals and CI logs, so every free-text field is
``PlainText``: no control characters and no bidi controls, and no line
breaks or tabs in the one-line fields (everything but ``summary`` and ``note``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    StringConstraints,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema

# Re-exported: times in policies read back as HH:MM with the one formatter.
from policyweigh.formatting import format_minutes as format_minutes
from policyweigh.hints import HintedValueError, time_hint
from policyweigh.metrics import METRICS as METRICS
from policyweigh.metrics import NAME_MAX as METRIC_NAME_MAX
from policyweigh.metrics import NAME_PATTERN as METRIC_NAME_PATTERN
from policyweigh.metrics import SYNONYMS, UNITS, Unit, complement_text, resolve_metric
from policyweigh.metrics import name_problem as metric_name_problem
from policyweigh.suggest import char_name, closest, excerpt, quote

FORMAT_VERSION = "1.1"
"""The newest version of the format: what a file that declares no ``format`` is read as."""
FORMAT_VERSIONS: tuple[str, ...] = ("1", "1.1")
"""Every version a file may declare in ``format``."""
V1_RULE_KINDS: tuple[str, ...] = (
    "bonus-threshold",
    "call-time-cap",
    "break-rule",
    "staffing",
    "training",
    "equipment",
    "feedback-practice",
    "customer-conduct",
    "metric-target",
    "knowledge-base",
    "leader-floor-time",
    "compensation-link",
    "customer-incentive",
    "empowerment",
    "schedule-flexibility",
)
"""The rule kinds of format 1; a file that declares ``format: "1"`` may use no other."""

MAX_BLOCKED_WINDOWS = 24
"""The most blocked windows one break rule may hold."""
TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
_TIME_RE = re.compile(TIME_PATTERN)
DAY_MINUTES = 24 * 60


def _time_not_number(value: object) -> object:
    """Refuse a number where a time belongs (the YAML had no quotes), with the time it most likely means."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise HintedValueError(*time_hint(value))
    return value  # anything else but text: the strict string check says so


def _check_time(value: str) -> str:
    """Pass an ``HH:MM`` string; refuse any other with the time it most likely means (``9am``: 09:00)."""
    # fullmatch: with match, "$" also matches before a final newline and "10:00\n" would pass.
    if not _TIME_RE.fullmatch(value):
        raise HintedValueError(*time_hint(value))
    return value


def minutes_of_day(value: str) -> int:
    """Return the minute of the day of an ``HH:MM`` time (``"10:30"`` gives 630)."""
    hours, minutes = value.split(":")
    return int(hours) * 60 + int(minutes)


# Characters no text may hold. Output goes to terminals, CI logs and annotations: C0 and C1
# controls and DEL can move the cursor, clear the screen, set the window title or plant a
# hyperlink; bidi embeddings, overrides and isolates make text display in an order other than
# the one it is stored in. One-line fields refuse line breaks and tabs too: a line break lets a
# value start a line of its own, which is how CI workflow commands (``::error ...::``) are
# injected. (Lone surrogates, YAML's "\ud800", never get this far: pydantic refuses them.)
_LINE_BREAKS = "\n\r\x0b\x0c\x85\u2028\u2029"
_MULTI_LINE_REFUSED = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_ONE_LINE_REFUSED = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
# The same rules as JSON Schema patterns (ECMA-262 syntax).
MULTI_LINE_PATTERN = r"^[^\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]*$"
ONE_LINE_PATTERN = r"^[^\u0000-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]*$"


def refused_character(value: str, *, multiline: bool) -> str | None:
    """Return why ``value`` cannot be a text field's value, or None when every character is allowed.

    The reason names the first refused character (``U+001B ESCAPE``), where it
    is (1-based, with the text around it, escaped) and how many more follow.
    """
    refused = _MULTI_LINE_REFUSED if multiline else _ONE_LINE_REFUSED
    found = refused.search(value)
    if found is None:
        return None
    index, char = found.start(), found.group()
    where = f"at character {index + 1} ({excerpt(value, index)})"
    if char in _LINE_BREAKS and not multiline:
        reason = f"a line break ({char_name(char)}) {where} is not allowed in a one-line field; "
        reason += "write the text on one line"
    elif char == "\t" and not multiline:
        reason = f"a tab ({char_name(char)}) {where} is not allowed in a one-line field; use a space"
    elif "\u202a" <= char <= "\u202e" or "\u2066" <= char <= "\u2069":
        reason = f"the bidirectional control {char_name(char)} {where} is not allowed: it makes text "
        reason += "display in another order than it reads; remove it"
    else:
        reason = f"the control character {char_name(char)} {where} is not allowed: control characters "
        reason += "can rewrite terminal and CI output; remove it"
    more = len(refused.findall(value, index + 1))
    return reason + (f" (and {more} more after it)" if more else "")


@dataclass(frozen=True)
class PlainText:
    """Marks a text field as plain printable text: ``Annotated[str, ..., PlainText()]``.

    Refuses control characters, DEL, C1 controls and bidi controls; line
    breaks and tabs are refused too unless ``multiline``.
    The JSON Schema of the field gets the same rule as a ``pattern``. Place it
    after the field's ``StringConstraints``, so it checks the stored value (a
    ``title`` written as a folded block keeps no trailing line break).
    """

    multiline: bool = False

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        """Validate the field as usual, then check its characters."""
        return core_schema.no_info_after_validator_function(self._check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        """Add the character rule to the field's JSON Schema as a ``pattern``."""
        json_schema = handler(schema)
        json_schema["pattern"] = MULTI_LINE_PATTERN if self.multiline else ONE_LINE_PATTERN
        return json_schema

    def _check(self, value: str) -> str:
        reason = refused_character(value, multiline=self.multiline)
        if reason is not None:
            raise ValueError(reason)
        return value


Time = Annotated[
    str,
    BeforeValidator(_time_not_number),
    AfterValidator(_check_time),
    Field(json_schema_extra={"pattern": TIME_PATTERN}),
]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=80)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True), PlainText()]
"""A one-line text: a title, a name, a reward."""
LongText = Annotated[str, StringConstraints(max_length=5000), PlainText(multiline=True)]
"""Free text over several lines (line breaks and tabs allowed): a summary, a note."""
Label = Annotated[str, StringConstraints(min_length=1, max_length=80), PlainText()]
"""A short one-line name: a team or a role."""

Status = Literal["draft", "proposed", "adopted", "retired"]
Jurisdiction = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$", max_length=40)]
"""A guardrail pack's key: a country or region code in lower case (``de``, ``us-ca``). Any pack the
rulebook brings is a jurisdiction; ``policyweigh.project`` refuses one it does not bring, with a
did-you-mean over the loaded packs."""
BUNDLED_JURISDICTIONS: tuple[str, ...] = (
    "eu",
    "uk",
    "de",
    "fr",
    "nl",
    "es",
    "ie",
    "us-ca",
    "us-fed",
    "us-ny",
    "us-wa",
    "ph",
)
"""The packs of the bundled rulebook, offered as examples in the JSON Schema (an organisation's
rulebook may bring others)."""


@dataclass(frozen=True)
class MetricName:
    """Marks a text field as a metric's name: ``Annotated[str, MetricName()]``.

    Any well-spelt name loads (``policyweigh.metrics.name_problem``): a built-in
    metric, a synonym of one, or a metric an organisation declares in its
    settings. A policy file is read without the settings, so whether the name is
    known is checked by the project step (``policyweigh.project.check_names``),
    with a did-you-mean over the built-in and declared names. The JSON Schema
    offers the built-in names as examples.
    """

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        """Validate the field as text, then check its spelling."""
        return core_schema.no_info_after_validator_function(_check_metric_name, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        """A name's pattern, with the built-in metrics as examples for completion."""
        json_schema = handler(schema)
        json_schema.update({"pattern": METRIC_NAME_PATTERN, "maxLength": METRIC_NAME_MAX})
        json_schema["examples"] = list(METRICS)
        return json_schema


def _check_metric_name(value: str) -> str:
    problem = metric_name_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


Metric = Annotated[str, MetricName()]
"""A metric's name: built in (``METRICS``), a synonym of one, or declared in the settings."""
Period = Literal["week", "month", "quarter", "year"]
Frequency = Literal["daily", "weekly", "monthly", "quarterly", "yearly", "ad-hoc"]
Audience = Literal["all", "customer-facing", "leaders"]


class _Model(BaseModel):
    """Base of every format model: strict, closed, immutable."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        frozen=True,
        populate_by_name=True,
        use_attribute_docstrings=True,
    )


class Window(_Model):
    """A time of day, from `from` up to `to`; a window whose `to` comes before its `from` runs past midnight.

    ``from: "22:00", to: "02:00"`` blocks the last two hours of one day and the
    first two of the next; ``to: "00:00"`` ends a window at midnight. Every
    consumer reads a window through ``parts``: one or two spans within a day.
    """

    from_: Time = Field(alias="from")
    """Start of the window, HH:MM."""
    to: Time
    """End of the window, HH:MM; earlier than `from` for a window past midnight ("22:00" to "02:00")."""

    @model_validator(mode="after")
    def _not_empty(self) -> Window:
        if self.from_ == self.to:
            raise ValueError(
                f"a window from {self.from_} to {self.to} covers no time; from and to must differ "
                '(a window past midnight runs across it, from "22:00" to "02:00")'
            )
        return self

    @property
    def start(self) -> int:
        """Minute of the day the window opens."""
        return minutes_of_day(self.from_)

    @property
    def end(self) -> int:
        """Minute of the day the window closes (earlier than ``start`` past midnight)."""
        return minutes_of_day(self.to)

    @property
    def crosses_midnight(self) -> bool:
        """Whether the window runs into the next day (or ends at midnight, ``to: "00:00"``)."""
        return self.end < self.start

    @property
    def minutes(self) -> int:
        """How long the window lasts, in minutes."""
        return (self.end - self.start) % DAY_MINUTES

    def parts(self) -> list[tuple[int, int]]:
        """The window as spans within one day, in minutes of the day (start included, end excluded).

        One span, or two for a window past midnight, the evening first:
        22:00 to 02:00 is ``[(1320, 1440), (0, 120)]``; 22:00 to 00:00 is ``[(1320, 1440)]``.
        """
        if not self.crosses_midnight:
            return [(self.start, self.end)]
        return [(self.start, DAY_MINUTES)] + ([(0, self.end)] if self.end else [])


def blocked_minutes(windows: list[Window]) -> int:
    """The minutes a rule's blocked windows cover, window by window."""
    return sum(w.minutes for w in windows)


class ServiceLevel(_Model):
    """A service-level target: answered_pct of contacts within within_seconds."""

    answered_pct: float = Field(ge=0, le=100)
    """Share of contacts answered within the time, in percent."""
    within_seconds: int = Field(gt=0, le=3600)
    """Answer time limit in seconds."""


class _Rule(_Model):
    note: LongText | None = None
    """Free text kept with the rule."""


MAX_CONDITIONS = 10
"""The most conditions one bonus may combine."""
LEVEL_LIMIT = 1_000_000
"""The largest level (in size) a condition may name."""
_CONDITION_TEXT = re.compile(
    r"^\s*(?P<metric>[^\s<>=!\u2264\u2265]+)\s*(?P<op>>=|<=|=>|=<|==|!=|\u2265|\u2264|>|<|=)\s*"
    r"(?P<level>[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))\s*(?P<unit>%|[A-Za-z]+)?"
    r"(?:\s+(?P<of>of\s+(?:the\s+)?target))?\s*$"
)
CONDITION_TEXT_PATTERN = (
    r"^\s*[a-z][a-z0-9_]*\s*(>=|<=|\u2265|\u2264)\s*[-+]?[0-9.]+\s*"
    r"(%|pct|percent|minutes?|mins?|seconds?|secs?|s|count|score|points)?(\s+of\s+(the\s+)?target)?\s*$"
)
"""The text form of a condition, as a JSON Schema pattern (the parser's messages say what is wrong)."""
_AT_LEAST = (">=", "\u2265")
_AT_MOST = ("<=", "\u2264")
_UNIT_WORDS = {
    "%": "pct",
    "pct": "pct",
    "percent": "pct",
    "minutes": "minutes",
    "minute": "minutes",
    "min": "minutes",
    "mins": "minutes",
    "seconds": "seconds",
    "second": "seconds",
    "sec": "seconds",
    "secs": "seconds",
    "s": "seconds",
    "count": "count",
    "score": "score",
    "points": "score",
}
_EXAMPLE = "'customer_satisfaction >= 90 pct' (a level with its unit) or 'quality_score >= 95% of target'"


def parse_condition(text: str) -> dict[str, Any]:
    """A condition written as text (``csat >= 90 pct``) as the mapping it stands for; ValueError if it is none."""
    found = _CONDITION_TEXT.fullmatch(text)
    if found is None:
        raise ValueError(f"expected a condition such as {_EXAMPLE}; got {quote(text)}")
    metric, op, level, unit, of = found.group("metric", "op", "level", "unit", "of")
    if op in ("=>", "=<"):
        raise ValueError(f"write {op[::-1]} rather than {op}")
    if op not in (*_AT_LEAST, *_AT_MOST):
        raise ValueError(
            f"{op} is not a condition's comparison: write >= (at least) or <= (at most); "
            "a level is reached at the line itself"
        )
    unit_name = None
    if unit is not None:
        unit_name = _UNIT_WORDS.get(unit.lower())
        if unit_name is None:
            near = closest(unit.lower(), list(_UNIT_WORDS))
            hint = f" (did you mean {near!r}?)" if near else ""
            raise ValueError(
                f"unknown unit {quote(unit)}{hint}; write one of %, pct, minutes, seconds, count, score"
            )
    if of is not None:
        if unit_name != "pct":
            raise ValueError(f"a share of the target is in percent: write {metric} >= {level}% of target")
        if op in _AT_MOST:
            raise ValueError(
                f"a share of the target is a line to reach: write {metric} >= {level}% of target"
            )
        return {"metric": metric, "threshold_pct": float(level)}
    if unit_name is None:
        raise ValueError(
            f"write the unit after the level ({metric} {op} {level} pct): one of pct (or %), minutes, "
            "seconds, count, score; or write % of target for a share of the target"
        )
    key = "at_least" if op in _AT_LEAST else "at_most"
    return {"metric": metric, key: float(level), "unit": unit_name}


class Condition(_Model):
    """One condition of a bonus: a level a metric must reach, with its unit, or a share of its target.

    Written as text (``csat >= 90 pct``, ``aht <= 6 minutes``, ``quality_score >= 95% of target``)
    or as a mapping of the same fields. A synonym of a built-in metric is read as it
    (``csat`` is customer_satisfaction); a complement is read turned round, and the explanation
    says so (``attendance >= 98 pct`` is absenteeism at most 2 pct).
    """

    metric: Metric
    """The metric: built in, a synonym of one (csat, aht, attendance...), or declared in the settings."""
    at_least: float | None = Field(default=None, ge=-LEVEL_LIMIT, le=LEVEL_LIMIT)
    """The level the metric must reach or pass, in `unit` (`>=` in the text form)."""
    at_most: float | None = Field(default=None, ge=-LEVEL_LIMIT, le=LEVEL_LIMIT)
    """The level the metric must stay at or under, in `unit` (`<=` in the text form)."""
    unit: Unit | None = None
    """Unit of `at_least` or `at_most`."""
    threshold_pct: float | None = Field(default=None, gt=0, le=200)
    """Instead of a level: the share of the metric's target to reach, in percent (`>= 95% of target`)."""
    typical: float | None = Field(default=None, ge=-LEVEL_LIMIT, le=LEVEL_LIMIT)
    """Today's average of the metric, in `unit`, that an absolute level is judged against (unset: the
    level is taken as today's average, which half the people reach)."""

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: Any) -> Any:
        return parse_condition(data) if isinstance(data, str) else data

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        """A condition is a mapping, or the same written as one line of text."""
        mapping = handler(schema)
        text = {
            "type": "string",
            "pattern": CONDITION_TEXT_PATTERN,
            "description": "A condition as text: metric, >= or <=, the level and its unit, or % of target.",
            "examples": ["customer_satisfaction >= 90 pct", "average_handle_time <= 6 minutes"],
        }
        return {"anyOf": [text, mapping]}

    @model_validator(mode="after")
    def _one_level(self) -> Condition:
        given = [n for n in ("at_least", "at_most", "threshold_pct") if getattr(self, n) is not None]
        if len(given) != 1:
            got = "none" if not given else " and ".join(given)
            raise ValueError(
                "a condition needs one level: at_least or at_most with its unit, or threshold_pct "
                f"(a share of the target); got {got}"
            )
        if self.threshold_pct is not None:
            if self.unit is not None:
                raise ValueError("threshold_pct is already a percent of the target: remove unit")
            if self.typical is not None:
                raise ValueError(
                    "typical goes with an absolute level (at_least or at_most), not with threshold_pct"
                )
        else:
            self._check_absolute()
        self._check_metric()
        return self

    def _check_absolute(self) -> None:
        if self.unit is None:
            raise ValueError(f"{given_level(self)} needs its unit: one of {', '.join(UNITS)}")
        for name, value in ((given_level(self), self.level), ("typical", self.typical)):
            if value is None:
                continue
            if self.unit == "pct" and not 0 <= value <= 100:
                raise ValueError(f"{name} in pct is between 0 and 100; got {value:g}")
            if self.unit != "score" and value < 0:
                raise ValueError(f"{name} in {self.unit} cannot be negative; got {value:g}")

    def _check_metric(self) -> None:
        """What needs no settings: a complement only as a level in pct; a built-in metric's units."""
        found = resolve_metric(self.metric)
        if found is None:
            return  # declared, or unknown: the project step decides, with the settings
        if found.complement and (self.threshold_pct is not None or self.unit != "pct"):
            raise ValueError(complement_text(self.metric))
        if self.unit is not None and self.unit not in found.info.units:
            measured = " or ".join(found.info.units)
            raise ValueError(f"{found.name} is measured in {measured}; got a level in {self.unit}")

    @property
    def op(self) -> str:
        """``>=`` or ``<=``: which side of the level qualifies (a share of target is ``>=``)."""
        return "<=" if self.at_most is not None else ">="

    @property
    def level(self) -> float:
        """The level as written: at_least, at_most or threshold_pct."""
        for value in (self.at_least, self.at_most, self.threshold_pct):
            if value is not None:
                return value
        raise AssertionError("a validated condition has a level")  # pragma: no cover

    @property
    def text(self) -> str:
        """The condition as one line, as written in the text form (``csat >= 90 pct``)."""
        if self.threshold_pct is not None:
            return f"{self.metric} >= {self.threshold_pct:g}% of target"
        return f"{self.metric} {self.op} {self.level:g} {self.unit}"


def given_level(condition: Condition) -> str:
    """The field that holds a condition's level: ``at_least``, ``at_most`` or ``threshold_pct``."""
    if condition.threshold_pct is not None:
        return "threshold_pct"
    return "at_most" if condition.at_most is not None else "at_least"


class BonusThreshold(_Rule):
    """A bonus paid when a metric reaches a share of its target, or when all (or any) of several conditions hold."""

    kind: Literal["bonus-threshold"]
    metric: Metric | None = None
    """The metric the bonus is measured on, with `threshold_pct` (or write `all` or `any`)."""
    threshold_pct: float | None = Field(default=None, gt=0, le=200)
    """Share of the target needed to earn the bonus, in percent (up to 200 for stretch goals)."""
    all_: list[Condition] | None = Field(default=None, alias="all", min_length=1, max_length=MAX_CONDITIONS)
    """Conditions that must all hold to earn the bonus, each a level with its unit or a share of
    target: `[csat >= 90 pct, attendance >= 98 pct]`."""
    any_: list[Condition] | None = Field(default=None, alias="any", min_length=2, max_length=MAX_CONDITIONS)
    """Conditions of which one is enough to earn the bonus."""
    payout: Literal["all-or-nothing", "linear", "tiered"] = "all-or-nothing"
    """How the bonus grows with performance."""
    period: Period = "month"
    """The measurement period."""
    basis: Literal["individual", "team"] = "individual"
    """Whose performance counts."""

    @model_validator(mode="after")
    def _one_line(self) -> BonusThreshold:
        single = self.metric is not None or self.threshold_pct is not None
        lists = [name for name, value in (("all", self.all_), ("any", self.any_)) if value is not None]
        if len(lists) == 2:
            raise ValueError("give all: or any:, not both: one list says how its conditions combine")
        if single and lists:
            raise ValueError(
                f"write the bonus's line once: metric with threshold_pct, or {lists[0]}: with conditions"
            )
        if not single and not lists:
            raise ValueError(
                "a bonus-threshold needs its line: metric with threshold_pct, or all: (or any:) with "
                f"conditions such as {_EXAMPLE}"
            )
        if single and self.threshold_pct is None:
            raise ValueError(
                "metric needs threshold_pct, the share of its target to reach; for a level of its own "
                f"write all: [{self.metric} >= 90 pct]"
            )
        if single and self.metric is None:
            raise ValueError("threshold_pct needs metric, the metric whose target it is a share of")
        if self.metric is not None and self.metric in SYNONYMS and SYNONYMS[self.metric].complement:
            raise ValueError(complement_text(self.metric))
        return self

    @property
    def conditions(self) -> list[Condition]:
        """The conditions of a combined bonus (empty for one metric and its threshold_pct)."""
        return list(self.all_ or self.any_ or [])

    @property
    def combine(self) -> Literal["all", "any"] | None:
        """How the conditions combine: ``all``, ``any``, or None for a single metric."""
        if self.all_ is not None:
            return "all"
        return "any" if self.any_ is not None else None


class CallTimeCap(_Rule):
    """A cap on how long contacts may last."""

    kind: Literal["call-time-cap"]
    metric: Literal["average_handle_time", "max_call_duration"] = "average_handle_time"
    """Which duration is capped."""
    max_minutes: float = Field(gt=0, le=240)
    """The cap, in minutes."""
    enforcement: Literal["guideline", "coaching", "bonus-gate", "disciplinary"] = "guideline"
    """What happens when the cap is missed."""
    typical_minutes: float | None = Field(default=None, gt=0, le=240)
    """The contact type's current average handle time, in minutes, which the cap is judged
    against (unset: 6 minutes, a general inbound service call)."""


class BreakRule(_Rule):
    """When and how staff take a break."""

    kind: Literal["break-rule"]
    break_: Literal["lunch", "rest", "any"] = Field(alias="break")
    """Which break the rule governs."""
    min_minutes: int = Field(gt=0, le=240)
    """Length of the break, in minutes."""
    blocked_windows: list[Window] = Field(default_factory=list, max_length=MAX_BLOCKED_WINDOWS)
    """Times of day when the break may not be taken."""
    scheduling: Literal["fixed", "staggered", "self-organised"] = "fixed"
    """Who decides when the break happens."""
    paid: bool = False
    """Whether the break is paid."""
    count: int | None = Field(default=None, ge=1, le=24)
    """How many such breaks a shift has (two 10-minute rests: 2); none: as many as the law asks
    of this kind of break. Give either count or every_hours."""
    every_hours: float | None = Field(default=None, ge=0.25, le=24)
    """One break every this many hours of the shift (a 10-minute break every 2 hours: 2); an
    8-hour shift then has breaks after 2, 4 and 6 hours."""
    earliest_after_hours: float | None = Field(default=None, ge=0, le=24)
    """The first break starts no earlier than this many hours after the shift starts."""
    latest_after_hours: float | None = Field(default=None, gt=0, le=24)
    """The first break starts no later than this many hours after the shift starts."""
    waiver: Literal["none", "mutual-consent"] = "none"
    """Whether staff may give the break up by mutual consent with the employer (lawful only
    where and when the jurisdiction's law allows it, which the guardrails check)."""

    @model_validator(mode="after")
    def _schedule(self) -> BreakRule:
        if self.count is not None and self.every_hours is not None:
            raise ValueError(
                "give either count (breaks per shift) or every_hours (one break every N hours), not both"
            )
        early, late = self.earliest_after_hours, self.latest_after_hours
        if early is not None and late is not None and late < early:
            raise ValueError(f"latest_after_hours ({late:g}) is before earliest_after_hours ({early:g})")
        return self


class Staffing(_Rule):
    """A staffing change: payroll, occupancy and service-level targets."""

    kind: Literal["staffing"]
    payroll_change_pct: float | None = Field(default=None, ge=-100, le=200)
    """Change of payroll in percent; negative is a cut."""
    occupancy_target_pct: float | None = Field(default=None, ge=0, le=100)
    """Share of logged-in time agents are expected to spend on contacts, in percent."""
    service_level_target: ServiceLevel | None = None
    """The service level the staffing is planned for."""

    @model_validator(mode="after")
    def _something_set(self) -> Staffing:
        if (
            self.payroll_change_pct is None
            and self.occupancy_target_pct is None
            and self.service_level_target is None
        ):
            raise ValueError(
                "a staffing rule needs at least one of payroll_change_pct, "
                "occupancy_target_pct, service_level_target"
            )
        return self


class Training(_Rule):
    """A training programme."""

    kind: Literal["training"]
    topics: list[Literal["communication", "product", "de-escalation", "systems", "wellbeing"]] = Field(
        default_factory=list, max_length=5
    )
    """What the training covers."""
    hours_per_year: float = Field(default=0, ge=0, le=2000)
    """Training hours per person per year."""
    onboarding_weeks: float = Field(default=0, ge=0, le=52)
    """Length of onboarding for new starters, in weeks."""
    audience: Audience = "all"
    """Who is trained."""

    @model_validator(mode="after")
    def _unique_topics(self) -> Training:
        seen: set[str] = set()
        for topic in self.topics:
            if topic in seen:
                raise ValueError(f"topic {topic!r} is listed twice")
            seen.add(topic)
        return self


class Equipment(_Rule):
    """The tools staff work with."""

    kind: Literal["equipment"]
    item: Literal["headset", "workstation", "software", "other"]
    """Which equipment."""
    quality: Literal["low-budget", "standard", "premium"]
    """The quality bought."""
    replacement_months: int | None = Field(default=None, gt=0, le=240)
    """How often it is replaced, in months."""


class FeedbackPractice(_Rule):
    """How performance feedback is given."""

    kind: Literal["feedback-practice"]
    style: Literal["public-reprimand", "private-coaching", "public-recognition", "peer-recognition"]
    """The feedback style."""
    frequency: Frequency | None = None
    """How often it happens."""


class CustomerConduct(_Rule):
    """What staff may do when a customer is abusive."""

    kind: Literal["customer-conduct"]
    abusive_customers: Literal["agent-must-continue", "escalate", "agent-may-end-contact"]
    """What an agent does with an abusive customer."""
    manager_backing: bool = False
    """Whether managers back the agent's decision."""


class MetricTarget(_Rule):
    """A target on a metric, and what it is tied to."""

    kind: Literal["metric-target"]
    metric: Metric
    """The metric."""
    target: float = Field(ge=0, le=1_000_000)
    """The target value, in `unit`."""
    unit: Literal["pct", "minutes", "seconds", "count", "score"]
    """Unit of the target."""
    tied_to: Literal["none", "coaching", "bonus", "review", "discipline"] = "none"
    """What depends on reaching the target."""
    visibility: Literal["private", "team", "public-leaderboard"] = "private"
    """Who sees each person's result."""

    @model_validator(mode="after")
    def _pct_range(self) -> MetricTarget:
        if self.unit == "pct" and self.target > 100:
            raise ValueError(f"a pct target must be between 0 and 100; got {self.target:g}")
        if self.metric in SYNONYMS and SYNONYMS[self.metric].complement:
            raise ValueError(complement_text(self.metric))
        return self


class KnowledgeBase(_Rule):
    """A knowledge base staff can look answers up in."""

    kind: Literal["knowledge-base"]
    available: bool = True
    """Whether it exists and can be used during contacts."""
    maintained: bool = False
    """Whether someone owns and updates it."""
    audience: Audience = "all"
    """Who can use it."""


class LeaderFloorTime(_Rule):
    """Time leaders spend doing front-line work."""

    kind: Literal["leader-floor-time"]
    hours_per_month: float = Field(ge=0, le=744)
    """Hours per leader per month on the floor or the phones."""
    roles: list[Label] = Field(default_factory=list, max_length=50)
    """Which leadership roles take part."""


class CompensationLink(_Rule):
    """How variable pay is split across metrics; weights sum to 100."""

    kind: Literal["compensation-link"]
    weights: dict[Metric, float] = Field(min_length=1)
    """Metric to percent of variable pay."""

    @model_validator(mode="after")
    def _sum_100(self) -> CompensationLink:
        read_as: dict[str, str] = {}
        for metric, weight in self.weights.items():
            if not 0 < weight <= 100:
                raise ValueError(f"weight of {metric} must be above 0 and at most 100; got {weight:g}")
            if metric in SYNONYMS and SYNONYMS[metric].complement:
                raise ValueError(complement_text(metric, "weights name"))
            found = resolve_metric(metric)
            name = metric if found is None else found.name
            if name in read_as:
                raise ValueError(
                    f"weights name {read_as[name]} and {metric}, one metric ({name}): give its weight once"
                )
            read_as[name] = metric
        total = math.fsum(self.weights.values())
        if abs(total - 100) > 0.01:
            raise ValueError(f"weights must sum to 100; they sum to {total:g}")
        return self


class CustomerIncentive(_Rule):
    """A reward offered to customers."""

    kind: Literal["customer-incentive"]
    reward: Text
    """What the customer gets."""
    value: float = Field(default=0, ge=0, le=1_000_000)
    """Its value, in the organisation's currency."""
    condition: Literal["feedback-call", "survey", "purchase", "referral", "loyalty", "complaint"]
    """What the customer must do to get it."""
    requires_agent_effort: bool = False
    """Whether agents must do extra work for it."""


class Empowerment(_Rule):
    """What staff may decide on their own to resolve a customer's problem."""

    kind: Literal["empowerment"]
    discretion_budget: float = Field(default=0, ge=0, le=1_000_000)
    """Amount an agent may spend per case without approval."""
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] | None = None
    """ISO 4217 code of the budget's currency."""
    can_resolve_without_approval: bool = False
    """Whether agents may resolve cases without a manager's approval."""


class ScheduleFlexibility(_Rule):
    """Remote work and control over one's own schedule."""

    kind: Literal["schedule-flexibility"]
    remote_days_per_week: int = Field(default=0, ge=0, le=7)
    """Days per week that may be worked remotely."""
    shift_swaps: bool = False
    """Whether staff may swap shifts among themselves."""
    self_rostering: bool = False
    """Whether staff choose their own shifts."""


LIVE_METHODS = ("silent-monitoring", "side-by-side")
"""Monitoring methods where someone listens while the contact happens."""


class Monitoring(_Rule):
    """Watching and scoring staff's work: recordings, live listening, screen capture, QA scorecards."""

    kind: Literal["monitoring"]
    method: Literal["call-recording", "silent-monitoring", "side-by-side", "screen-capture", "qa-scorecard"]
    """What is watched: recorded contacts, live listening the agent does not notice (silent), live
    listening beside the agent (side-by-side), the agent's screen, or contacts scored on a
    quality scorecard."""
    calibrated: bool = False
    """For qa-scorecard: whether the scorers regularly score the same contacts together and align,
    so that every agent is scored to one standard."""
    results_seen_by: Literal["agent", "team-leader", "team", "public"] = "team-leader"
    """The widest circle that sees each person's results: the agent alone, the team leader, the
    whole team, or everyone (a public board)."""
    feedback_to_agent: bool = True
    """Whether each agent is told their own results."""
    tied_to: Literal["none", "coaching", "bonus", "discipline"] = "coaching"
    """What depends on the results."""
    live_hours_per_week: float | None = Field(default=None, ge=0, le=60)
    """For silent-monitoring and side-by-side: hours a week each agent is listened to live."""

    @model_validator(mode="after")
    def _consistent(self) -> Monitoring:
        if self.live_hours_per_week is not None and self.method not in LIVE_METHODS:
            raise ValueError(
                f"live_hours_per_week counts live listening, which only silent-monitoring and "
                f"side-by-side do; a {self.method} rule has no live hours: remove the field"
            )
        if self.calibrated and self.method != "qa-scorecard":
            raise ValueError(
                f"calibrated: true is for qa-scorecard, where scorers align their scores; "
                f"{self.method} has no scorers to calibrate"
            )
        if self.results_seen_by == "agent" and not self.feedback_to_agent:
            raise ValueError(
                "results_seen_by: agent shows each result to the agent alone, but the agent is "
                "not told them (feedback to the agent is off): nobody would see them"
            )
        return self


class Adherence(_Rule):
    """Tracking whether staff keep to their planned schedule: status codes, unplanned breaks, tolerance."""

    kind: Literal["adherence"]
    real_time: bool = True
    """Whether adherence is watched as it happens (a live status board or an analyst), rather
    than reported afterwards."""
    aux_codes_required: bool = False
    """Whether every minute away from contacts must be logged under a reason (aux) code."""
    unplanned_breaks: Literal["free", "logged", "counted", "need-permission"] = "counted"
    """How unplanned breaks (a toilet break, a glass of water) are treated: free (not tracked),
    logged (recorded, not held against anyone), counted (against adherence), or need-permission
    (asked for first)."""
    tolerance_minutes: float | None = Field(default=None, ge=0, le=240)
    """Minutes a shift may be off plan without counting against adherence (unset: none, unless
    tolerance_pct gives it)."""
    tolerance_pct: float | None = Field(default=None, ge=0, le=50)
    """The same tolerance as a share of the shift, in percent, for a policy that states it so."""
    tied_to: Literal["none", "coaching", "bonus", "discipline"] = "coaching"
    """What depends on the adherence figure."""

    @model_validator(mode="after")
    def _one_tolerance(self) -> Adherence:
        if self.tolerance_minutes is not None and self.tolerance_pct is not None:
            raise ValueError(
                "tolerance_pct gives the tolerance a second time (it is already given in "
                "minutes); keep one of the two"
            )
        return self


class Overtime(_Rule):
    """Hours worked beyond the contracted week: mandatory or voluntary, capped, with notice and a premium."""

    kind: Literal["overtime"]
    participation: Literal["voluntary", "mandatory"]
    """Whether staff may decline overtime (voluntary) or must work it when asked (mandatory)."""
    cap_hours_per_week: float | None = Field(default=None, gt=0, le=40)
    """Most overtime hours one person may work in a week (unset: no cap)."""
    notice_hours: float | None = Field(default=None, ge=0, le=720)
    """Hours of notice given before overtime is worked (unset: no notice is promised)."""
    premium_pct: float = Field(default=0, ge=0, le=300)
    """Extra pay for overtime hours, in percent of normal pay (50 is time and a half)."""


class ScheduleNotice(_Rule):
    """How far ahead schedules are published, and what happens when they change at short notice."""

    kind: Literal["schedule-notice"]
    notice_days: int = Field(ge=0, le=90)
    """Days before the first shift that the schedule is published."""
    changes_after_publication: bool = True
    """Whether the employer may still change a published schedule."""
    change_premium_pct: float = Field(default=0, ge=0, le=300)
    """Extra pay for a shift the employer changes after publication, in percent of that shift's pay."""
    right_to_refuse: bool = False
    """Whether staff may refuse a change made after publication without penalty."""

    @model_validator(mode="after")
    def _changes_allowed(self) -> ScheduleNotice:
        if not self.changes_after_publication:
            if self.change_premium_pct > 0:
                raise ValueError(
                    "change_premium_pct pays for changes to a published schedule, and this rule "
                    "allows none; remove it, or allow changes after publication"
                )
            if self.right_to_refuse:
                raise ValueError(
                    "right_to_refuse lets staff refuse changes to a published schedule, and this "
                    "rule allows none; remove it, or allow changes after publication"
                )
        return self


class Commission(_Rule):
    """Pay per sale: the rate, a cap, clawback for sales that do not hold, and sales quotas."""

    kind: Literal["commission"]
    rate_pct: float = Field(gt=0, le=100)
    """Commission on each sale, in percent of the sale's value."""
    cap_pct_of_base_pay: float | None = Field(default=None, gt=0, le=1000)
    """Most commission one person can earn in a month, in percent of their monthly base pay
    (unset: no cap)."""
    clawback_months: int = Field(default=0, ge=0, le=60)
    """Months after a sale during which its commission is taken back if the customer cancels or
    the sale proves unsuitable (0: no clawback)."""
    quota_on_service_contacts: bool = False
    """Whether service contacts (customers who got in touch for help) carry a sales quota."""
    quota_sales_per_day: int | None = Field(default=None, gt=0, le=500)
    """The sales quota, in sales each person must make a day (unset: no daily number)."""


class Script(_Rule):
    """A script staff follow in contacts: how binding it is and what it covers."""

    kind: Literal["script"]
    use: Literal["mandatory", "guideline"]
    """Whether staff must follow the script (checked, with consequences) or use it as a guide."""
    deviation_allowed: bool | None = None
    """Whether staff may leave the script when the customer's case needs it (unset: yes for a
    guideline, no for a mandatory script)."""
    covers: Literal["whole-contact", "opening-and-closing", "compliance-statements"] = "whole-contact"
    """What the script covers: every line of the contact, only the greeting and the close, or
    only statements the law or a regulator requires."""

    @model_validator(mode="before")
    @classmethod
    def _deviation_default(cls, data: Any) -> Any:
        # Unset, a guideline may be left and a mandatory script may not: the facts always say which.
        if isinstance(data, dict) and data.get("deviation_allowed") is None and "use" in data:
            return {**data, "deviation_allowed": data["use"] == "guideline"}
        return data

    @model_validator(mode="after")
    def _guideline_can_be_left(self) -> Script:
        if self.use == "guideline" and self.deviation_allowed is False:
            raise ValueError(
                "deviation_allowed: false makes the script binding, which a guideline is not; make "
                "the script mandatory, or remove deviation_allowed"
            )
        return self


class Contest(_Rule):
    """A contest or game at work: what it is won on, the prize, the leaderboard, and whether taking part is a choice."""

    kind: Literal["contest"]
    metric: Metric
    """The metric the contest is won on."""
    prize: Literal["none", "recognition", "gift", "cash"] = "gift"
    """What winners get: nothing but the standing, public recognition, a gift, or cash."""
    leaderboard: Literal["none", "private", "team", "public"] = "team"
    """Who sees the standings: nobody (only the winners are named), each person their own place,
    the team, or everyone."""
    opt_in: bool = False
    """Whether staff choose to take part (true) or are entered unless they object (false)."""
    duration_days: int = Field(default=7, gt=0, le=366)
    """How long the contest runs, in days."""

    @model_validator(mode="after")
    def _something_to_win(self) -> Contest:
        if self.prize == "none" and self.leaderboard == "none":
            raise ValueError(
                "prize: none leaves nothing to win when no standings are shown either; give a "
                "prize or show the standings"
            )
        return self


# --- Attendance, after-call work, conduct, recovery time, concurrency, span of control (1.1) ---

Enforcement = Literal["guideline", "coaching", "bonus-gate", "disciplinary"]
"""What happens when a time limit is missed (as for call-time-cap)."""
Sanction = Literal["none", "verbal-warning", "written-warning", "final-warning", "dismissal"]
"""A sanction for breaking a conduct rule, mildest first."""
SANCTIONS: tuple[str, ...] = Sanction.__args__  # type: ignore[attr-defined]


class Attendance(_Rule):
    """How absence is managed: warning points, the Bradford factor, return-to-work interviews, sick pay."""

    kind: Literal["attendance"]
    points_system: bool = False
    """Whether each absence earns points that lead to a warning."""
    points_to_warning: int | None = Field(default=None, gt=0, le=100)
    """Points at which a warning is given (with points_system: true)."""
    bradford_factor: bool = False
    """Whether absence is scored with the Bradford factor: spells of absence squared times days
    absent, over a period."""
    bradford_trigger_score: int | None = Field(default=None, gt=0, le=100_000)
    """Bradford score at which formal action starts (with bradford_factor: true)."""
    return_to_work_interviews: bool = False
    """Whether a manager meets each person back from an absence."""
    sick_pay_waiting_days: int | None = Field(default=None, ge=0, le=30)
    """Unpaid days at the start of each sickness absence before sick pay starts (0: paid from the
    first day; unset: the policy does not say)."""

    @model_validator(mode="after")
    def _settings_need_their_scheme(self) -> Attendance:
        if self.points_to_warning is not None and not self.points_system:
            raise ValueError(
                "points_to_warning is a setting of a points system; "
                "set points_system: true, or remove points_to_warning"
            )
        if self.bradford_trigger_score is not None and not self.bradford_factor:
            raise ValueError(
                "bradford_trigger_score is a setting of the Bradford factor; "
                "set bradford_factor: true, or remove bradford_trigger_score"
            )
        return self


class AfterCallWork(_Rule):
    """A limit on the after-call work (wrap-up) that follows each contact."""

    kind: Literal["after-call-work"]
    max_seconds: int = Field(gt=0, le=3600)
    """The wrap-up time allowed after each contact, in seconds."""
    enforcement: Enforcement = "guideline"
    """What happens when the limit is missed."""
    typical_seconds: int | None = Field(default=None, gt=0, le=3600)
    """The contact type's current average after-call work, in seconds, which the limit is judged
    against (unset: 45 seconds, a contact-centre average a vendor reports)."""


class Conduct(_Rule):
    """A rule staff must follow at work, and the sanction for breaking it."""

    kind: Literal["conduct"]
    rule: Text
    """The rule in plain words, such as "No personal phones on the floor"."""
    topic: Literal["personal-phones", "dress", "language", "attendance-at-desk", "other"] = "other"
    """What the rule is about."""
    sanction: Sanction | None = None
    """The sanction for a first breach."""
    repeat_sanction: Sanction | None = None
    """The sanction for each breach after the first (unset: the same as for the first)."""
    ladder: list[Sanction] = Field(default_factory=list, max_length=6)
    """Instead of sanction and repeat_sanction: the sanctions for the first, second, third...
    breach in turn; the last one applies to every later breach."""

    @model_validator(mode="after")
    def _escalation(self) -> Conduct:
        if self.ladder and (self.sanction is not None or self.repeat_sanction is not None):
            raise ValueError("give either sanction (with repeat_sanction) or ladder, not both")
        if not self.ladder and self.sanction is None:
            raise ValueError(
                "say what breaking it brings: sanction for a first breach (with "
                "repeat_sanction for later ones), or a ladder of sanctions, one a breach"
            )
        if self.sanction == "dismissal" and self.repeat_sanction is not None:
            raise ValueError("a first breach already ends in dismissal; remove repeat_sanction")
        if self.sanction is not None and self.repeat_sanction is not None:
            first, later = SANCTIONS.index(self.sanction), SANCTIONS.index(self.repeat_sanction)
            if later < first:
                raise ValueError(
                    f"repeat_sanction {self.repeat_sanction} is milder than the first breach's "
                    f"{self.sanction}; a repeated breach is sanctioned at least as hard"
                )
        for step, (before, after) in enumerate(zip(self.ladder, self.ladder[1:], strict=False), start=2):
            if before == "dismissal":
                raise ValueError(f"ladder goes on after dismissal (step {step - 1}); end it there")
            if SANCTIONS.index(after) < SANCTIONS.index(before):
                raise ValueError(
                    f"ladder step {step} ({after}) is milder than step {step - 1} ({before}); "
                    "each step is at least as severe as the one before"
                )
        return self

    @property
    def sanctions(self) -> tuple[str, ...]:
        """The sanctions for the first, second... breach in turn; the last applies to every later breach."""
        if self.ladder:
            return tuple(self.ladder)
        first = self.sanction or "none"
        return (first, self.repeat_sanction or first)


class RecoveryTime(_Rule):
    """Time off the queue to recover after a distressing contact."""

    kind: Literal["recovery-time"]
    recovery_minutes: int = Field(gt=0, le=120)
    """Minutes off the queue after a distressing contact (abusive, threatening or upsetting)."""
    decided_by: Literal["agent", "team-leader"] = "agent"
    """Who decides that a contact was distressing and the time is taken."""
    paid: bool = True
    """Whether the time is paid."""


class Concurrency(_Rule):
    """How many written conversations an agent handles at the same time."""

    kind: Literal["concurrency"]
    max_chats: int = Field(ge=1, le=20)
    """The most conversations an agent handles at once."""
    channel: Literal["chat", "messaging"] = "chat"
    """The channel: live chat, where the customer waits for each reply, or messaging (apps, SMS,
    social), where replies may come hours apart."""


class SpanOfControl(_Rule):
    """How many agents each team leader leads."""

    kind: Literal["span-of-control"]
    agents_per_team_leader: int = Field(ge=1, le=500)
    """Agents reporting to each team leader."""


Rule = Annotated[
    BonusThreshold
    | CallTimeCap
    | BreakRule
    | Staffing
    | Training
    | Equipment
    | FeedbackPractice
    | CustomerConduct
    | MetricTarget
    | KnowledgeBase
    | LeaderFloorTime
    | CompensationLink
    | CustomerIncentive
    | Empowerment
    | Attendance
    | AfterCallWork
    | Conduct
    | RecoveryTime
    | Concurrency
    | SpanOfControl
    | ScheduleFlexibility
    | Monitoring
    | Adherence
    | Overtime
    | ScheduleNotice
    | Commission
    | Script
    | Contest,
    Field(discriminator="kind"),
]

RULE_MODELS: dict[str, type[BaseModel]] = {
    model.model_fields["kind"].annotation.__args__[0]: model
    for model in Rule.__origin__.__args__  # type: ignore[attr-defined]
}
RULE_KINDS: tuple[str, ...] = tuple(RULE_MODELS)


class Scope(_Model):
    """Who the policy applies to."""

    teams: list[Label] = Field(default_factory=list, max_length=200)
    """Teams covered; empty means every team."""
    roles: list[Label] = Field(default_factory=list, max_length=200)
    """Roles covered; empty means every role."""
    customer_facing: bool = True
    """Whether the people covered deal with customers."""
    headcount: int | None = Field(default=None, gt=0, le=10_000_000)
    """Number of people covered."""
    shift_hours: float | None = Field(default=None, gt=0, le=24)
    """Typical shift length in hours, breaks included."""
    shift_starts: list[Time] = Field(default_factory=list, max_length=48)
    """Times shifts start, for break-deadline guardrails."""
    rotation: list[Time] = Field(default_factory=list, max_length=28)
    """The start times one person works on consecutive days, in order (a late shift then an
    early one: ["14:00", "06:00"]), each shift scope.shift_hours long; the daily rest between
    them is checked against the law."""
    customers_see_staff: bool = False
    """Whether customers can see or hear how staff are treated (a shop floor, a counter, an
    open branch); on the phone and in chat they cannot."""

    def overlaps(self, other: Scope) -> bool:
        """Whether two scopes can cover the same person (empty lists cover everyone)."""

        def meet(a: list[str], b: list[str]) -> bool:
            return not a or not b or bool(set(a) & set(b))

        return meet(self.teams, other.teams) and meet(self.roles, other.roles)


def _check_format(value: object) -> object:
    """Pass a known version; refuse a number (the YAML had no quotes) or an unknown version by name."""
    known = ", ".join(f'"{v}"' for v in FORMAT_VERSIONS)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        shown = f"{value:g}" if isinstance(value, float) else str(value)
        suggestion = shown if shown in FORMAT_VERSIONS else None
        raise HintedValueError(
            f"expected the format version as a string in quotes, one of {known}; got the number {shown} "
            "(unquoted, 1.10 and 1.1 are the same number)",
            suggestion,
        )
    if isinstance(value, str) and value not in FORMAT_VERSIONS:
        raise HintedValueError(
            f"unknown format version {quote(value)}; this version of policyweigh reads {known}",
            value.strip().removeprefix("v") if value.strip().removeprefix("v") in FORMAT_VERSIONS else None,
        )
    return value


FormatVersion = Annotated[Literal["1", "1.1"], BeforeValidator(_check_format)]
"""A version of the policy format a file may declare."""


class Policy(_Model):
    """One proposed workplace policy."""

    format: FormatVersion | None = None
    """Version of the policy format the file is written in, "1" or "1.1" (unset: the newest, 1.1;
    a file that declares "1" may use nothing added in 1.1)."""
    id: Slug
    """Unique id in the library: lowercase letters, digits and dashes."""
    title: Text
    """One-line title."""
    status: Status = "draft"
    """Lifecycle status."""
    replaces: Slug | None = None
    """Id of the adopted policy this one would replace: it is scored as a change against it, and
    the two are never in conflict (they never hold at once)."""
    alternative_to: Slug | None = None
    """Id of a policy this one is an option to: at most one of them is adopted, so they are compared
    side by side and never in conflict."""
    owner: Text | None = None
    """Who owns the policy."""
    summary: LongText | None = None
    """Free text: what and why, with the source it comes from."""
    jurisdiction: Jurisdiction | None = Field(default=None, examples=list(BUNDLED_JURISDICTIONS))
    """Legal system whose guardrails apply (any guardrail pack of the rulebook); none means no legal verdict."""
    scope: Scope = Field(default_factory=Scope)
    """Who the policy applies to."""
    rules: list[Rule] = Field(min_length=1, max_length=100)
    """What the policy says, one rule per entry."""

    @model_validator(mode="after")
    def _references_and_version(self) -> Policy:
        # Messages name one field each, so the problem points at that field's line.
        for name in ("replaces", "alternative_to"):
            if getattr(self, name) == self.id:
                raise ValueError(f"{name} names this policy itself ({self.id}): name another policy")
        if self.format == "1":
            newer = ["a policy it would replace"] if self.replaces is not None else []
            newer += ["a policy it is an alternative to"] if self.alternative_to is not None else []
            newer += [f"rule kind {r.kind}" for r in self.rules if r.kind not in V1_RULE_KINDS]
            newer += [
                f"a window past midnight ({w.from_} to {w.to})"
                for r in self.rules
                for w in getattr(r, "blocked_windows", [])
                if isinstance(w, Window) and w.crosses_midnight
            ]
            newer += [f"a break schedule ({field})" for r in self.rules for field in _schedule_fields(r)]
            newer += ["bonus conditions (all / any)" for r in self.rules if _has_conditions(r)]
            newer += ["a rotation of shift starts"] if self.scope.rotation else []
            if newer:
                raise ValueError(
                    f'the file declares format "1", but {", ".join(dict.fromkeys(newer))} came in '
                    f'format 1.1; declare format: "1.1"'
                )
        return self


def _schedule_fields(rule: Rule) -> list[str]:
    """The break-schedule fields of format 1.1 a break rule sets."""
    if not isinstance(rule, BreakRule):
        return []
    fields = ["count", "every_hours", "earliest_after_hours", "latest_after_hours"]
    found = [f for f in fields if getattr(rule, f) is not None]
    return found + (["waiver"] if rule.waiver != "none" else [])


def _has_conditions(rule: Rule) -> bool:
    return isinstance(rule, BonusThreshold) and (rule.all_ is not None or rule.any_ is not None)


def policy_json_schema() -> dict[str, Any]:
    """Return the JSON Schema of the policy format (its newest version), for editors and other tools."""
    schema = Policy.model_json_schema(by_alias=True, mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"Workplace policy (format {FORMAT_VERSION})"
    return schema


def dump_policy(policy: Policy) -> dict[str, Any]:
    """Return a policy as plain data, the shape it is written in YAML."""
    return policy.model_dump(mode="json", by_alias=True, exclude_none=True)
