"""Models of policy format v1: the contract HR writes in YAML.

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
from policyweigh.suggest import char_name, excerpt, quote

FORMAT_VERSION = 1

MAX_BLOCKED_WINDOWS = 24
"""The most blocked windows one break rule may hold."""
TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
_TIME_RE = re.compile(TIME_PATTERN)


def _check_time(value: str) -> str:
    # fullmatch: with match, "$" also matches before a final newline and "10:00\n" would pass.
    if not _TIME_RE.fullmatch(value):
        raise ValueError(f"expected a time as HH:MM between 00:00 and 23:59; got {quote(value)}")
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


Time = Annotated[str, AfterValidator(_check_time), Field(json_schema_extra={"pattern": TIME_PATTERN})]
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
Metric = Literal[
    "calls_handled",
    "average_handle_time",
    "max_call_duration",
    "first_contact_resolution",
    "customer_satisfaction",
    "net_promoter_score",
    "customer_effort",
    "quality_score",
    "schedule_adherence",
    "sales",
    "abandonment_rate",
    "service_level",
    "repeat_contacts",
    "employee_engagement",
    "attrition",
    "absenteeism",
]
Period = Literal["week", "month", "quarter", "year"]
Frequency = Literal["daily", "weekly", "monthly", "quarterly", "yearly", "ad-hoc"]
Audience = Literal["all", "customer-facing", "leaders"]

METRICS: tuple[str, ...] = Metric.__args__  # type: ignore[attr-defined]


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
    """A time window within one day, ``from`` strictly before ``to``."""

    from_: Time = Field(alias="from")
    """Start of the window, HH:MM."""
    to: Time
    """End of the window, HH:MM (a window cannot cross midnight)."""

    @model_validator(mode="after")
    def _ordered(self) -> Window:
        if minutes_of_day(self.from_) >= minutes_of_day(self.to):
            raise ValueError(f"window must start before it ends; got from {self.from_} to {self.to}")
        return self

    @property
    def start(self) -> int:
        """Minute of the day the window opens."""
        return minutes_of_day(self.from_)

    @property
    def end(self) -> int:
        """Minute of the day the window closes."""
        return minutes_of_day(self.to)


def blocked_minutes(windows: list[Window]) -> int:
    """The minutes a rule's blocked windows cover, window by window."""
    return sum(w.end - w.start for w in windows)


class ServiceLevel(_Model):
    """A service-level target: answered_pct of contacts within within_seconds."""

    answered_pct: float = Field(ge=0, le=100)
    """Share of contacts answered within the time, in percent."""
    within_seconds: int = Field(gt=0, le=3600)
    """Answer time limit in seconds."""


class _Rule(_Model):
    note: LongText | None = None
    """Free text kept with the rule."""


class BonusThreshold(_Rule):
    """A bonus paid when a metric reaches a share of its target."""

    kind: Literal["bonus-threshold"]
    metric: Metric
    """The metric the bonus is measured on."""
    threshold_pct: float = Field(gt=0, le=200)
    """Share of the target needed to earn the bonus, in percent (up to 200 for stretch goals)."""
    payout: Literal["all-or-nothing", "linear", "tiered"] = "all-or-nothing"
    """How the bonus grows with performance."""
    period: Period = "month"
    """The measurement period."""
    basis: Literal["individual", "team"] = "individual"
    """Whose performance counts."""


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
    every_hours: float | None = Field(default=None, gt=0, le=24)
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
        for metric, weight in self.weights.items():
            if not 0 < weight <= 100:
                raise ValueError(f"weight of {metric} must be above 0 and at most 100; got {weight:g}")
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
    | ScheduleFlexibility,
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


class Policy(_Model):
    """One proposed workplace policy."""

    id: Slug
    """Unique id in the library: lowercase letters, digits and dashes."""
    title: Text
    """One-line title."""
    status: Status = "draft"
    """Lifecycle status."""
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


def policy_json_schema() -> dict[str, Any]:
    """Return the JSON Schema of policy format v1, for editors and other tools."""
    schema = Policy.model_json_schema(by_alias=True, mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Workplace policy (format v1)"
    return schema


def dump_policy(policy: Policy) -> dict[str, Any]:
    """Return a policy as plain data, the shape it is written in YAML."""
    return policy.model_dump(mode="json", by_alias=True, exclude_none=True)
