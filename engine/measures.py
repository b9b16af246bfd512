"""Measures: numbers worked out from a policy rule's fields, for doses and explanations.

A measure is a fact key whose value the policy does not state but its fields
imply: the share of a shift a break ban covers, a handle-time cap relative to
the contact type's usual handle time, the share of people expected to miss a
bonus line. Impact rules read measures like any other number (in ``dose`` and
in ``because``), so a judgement can scale with what a policy really asks.

Each measure names what it assumes when a field is unset; the assumption is in
its description, which the format reference prints under the kind (the README's
generated reference, ``scripts/update_reference.py``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from policyweigh.metrics import resolve_metric
from policyweigh.policy import (
    SANCTIONS,
    Adherence,
    AfterCallWork,
    Attendance,
    BonusThreshold,
    BreakRule,
    CallTimeCap,
    CompensationLink,
    Condition,
    Conduct,
    MetricTarget,
    Overtime,
    Policy,
    Rule,
    Staffing,
    Training,
    blocked_minutes,
)

__all__ = ["MEASURES", "TYPICAL_HANDLE_MINUTES", "Measure", "measure_values"]

HANDLE_TIME_METRICS = ("average_handle_time", "max_call_duration")
SPEED_PAY_METRICS = ("calls_handled", "average_handle_time", "max_call_duration")
CUSTOMER_PAY_METRICS = ("customer_satisfaction", "net_promoter_score", "customer_effort")
LONGEST_WAIT_SECONDS = 3600.0
"""The implied wait is held to an hour: a target answering almost nobody in time says no more."""

TYPICAL_HANDLE_MINUTES = 6.0
"""Handle time of a general inbound service call, in minutes, when a cap does not say (the
practitioner arithmetic in ccplanning's AHT/FCR example uses 6 minutes)."""
TYPICAL_SHIFT_HOURS = 8.0
"""Shift length, breaks included, when the scope does not say."""
PERFORMANCE_MEAN_PCT = 100.0
PERFORMANCE_SD_PCT = 10.0
"""Performance against target assumed normal with mean 100% and standard deviation 10%: the
worked example behind threshold bonuses (1 - Phi((t - mu) / sigma))."""


@dataclass(frozen=True)
class Measure:
    """One computed number: what it means and how it is worked out."""

    description: str
    compute: Callable[[Any, Policy], float | None]


def _round(value: float) -> float:
    return round(value, 4)


def _share_of_shift(rule: BreakRule, policy: Policy) -> float | None:
    if not rule.blocked_windows:
        return None
    hours = policy.scope.shift_hours or TYPICAL_SHIFT_HOURS
    return _round(min(1.0, blocked_minutes(rule.blocked_windows) / (hours * 60)))


def _cap_ratio(rule: CallTimeCap, policy: Policy) -> float | None:
    typical = rule.typical_minutes or TYPICAL_HANDLE_MINUTES
    return _round(rule.max_minutes / typical)


def _target_minutes(rule: MetricTarget) -> float | None:
    if _read_as(rule.metric) not in HANDLE_TIME_METRICS or rule.unit not in ("minutes", "seconds"):
        return None
    return rule.target / 60 if rule.unit == "seconds" else rule.target


def _target_ratio(rule: MetricTarget, policy: Policy) -> float | None:
    minutes = _target_minutes(rule)
    return None if minutes is None else _round(minutes / TYPICAL_HANDLE_MINUTES)


def _cut_off(minutes: float, typical: float) -> float:
    return round(100 * math.exp(-minutes / typical), 2)


def _cap_cut_off_pct(rule: CallTimeCap, policy: Policy) -> float | None:
    if rule.metric != "max_call_duration":
        return None
    return _cut_off(rule.max_minutes, rule.typical_minutes or TYPICAL_HANDLE_MINUTES)


def _target_cut_off_pct(rule: MetricTarget, policy: Policy) -> float | None:
    minutes = _target_minutes(rule)
    if _read_as(rule.metric) != "max_call_duration" or minutes is None:
        return None
    return _cut_off(minutes, TYPICAL_HANDLE_MINUTES)


def _miss_pct(line_pct: float) -> float:
    """Percent of people below a line at ``line_pct`` of the target, performance N(100, 10)."""
    if math.isinf(line_pct):
        return 100.0 if line_pct > 0 else 0.0
    z = (line_pct - PERFORMANCE_MEAN_PCT) / PERFORMANCE_SD_PCT
    return round(100 * 0.5 * (1 + math.erf(z / math.sqrt(2))), 2)


def _expected_miss_pct(rule: BonusThreshold, policy: Policy) -> float | None:
    if rule.threshold_pct is None:
        return None  # a combined bonus: conditions.miss_pct
    return _miss_pct(rule.threshold_pct)


def condition_line_pct(condition: Condition) -> float:
    """Where a condition's line sits, in percent of today's performance (100: at today's average).

    A share of target is itself; an absolute level is judged against ``typical``
    (today's average): at_least over typical, or typical over at_most (a metric
    where lower is better is harder to keep under a lower line). Without a
    positive typical the line is taken as today's average.
    """
    if condition.threshold_pct is not None:
        return condition.threshold_pct
    typical = condition.typical
    if typical is None or typical <= 0:
        return PERFORMANCE_MEAN_PCT
    if condition.at_most is None:
        return 100 * condition.level / typical
    return 100 * typical / condition.at_most if condition.at_most > 0 else math.inf


def condition_miss_pct(condition: Condition) -> float:
    """Percent of people expected to miss one condition (``condition_line_pct`` against N(100, 10))."""
    return _miss_pct(condition_line_pct(condition))


def deciding_condition(rule: BonusThreshold) -> int | None:
    """Index of the condition that decides who is paid: the one most miss (all:), or fewest miss (any:)."""
    misses = [condition_miss_pct(c) for c in rule.conditions]
    if not misses:
        return None
    best = max(misses) if rule.combine == "all" else min(misses)
    return misses.index(best)


def _conditions_miss_pct(rule: BonusThreshold, policy: Policy) -> float | None:
    misses = [condition_miss_pct(c) / 100 for c in rule.conditions]
    if not misses:
        return None
    if rule.combine == "all":
        return round(100 * (1 - math.prod(1 - m for m in misses)), 2)
    return round(100 * math.prod(misses), 2)


def _deciding_miss_pct(rule: BonusThreshold, policy: Policy) -> float | None:
    index = deciding_condition(rule)
    return None if index is None else condition_miss_pct(rule.conditions[index])


def _read_as(metric: str) -> str:
    """The name a metric is read as: a synonym's built-in metric, else the name itself."""
    found = resolve_metric(metric)
    return metric if found is None else found.name


def _conditions_on(metrics: tuple[str, ...]) -> Callable[[BonusThreshold, Policy], float | None]:
    def compute(rule: BonusThreshold, policy: Policy) -> float | None:
        count = sum(1 for c in rule.conditions if _read_as(c.metric) in metrics)
        return float(count) if count else None

    return compute


def _pay_share(metrics: tuple[str, ...]) -> Callable[[CompensationLink, Policy], float | None]:
    def compute(rule: CompensationLink, policy: Policy) -> float | None:
        total = math.fsum(weight for metric, weight in rule.weights.items() if _read_as(metric) in metrics)
        return _round(total) if total > 0 else None

    return compute


def _idle_minutes_per_hour(rule: Staffing, policy: Policy) -> float | None:
    if rule.occupancy_target_pct is None:
        return None
    return round(60 * (1 - rule.occupancy_target_pct / 100), 1)


def _implied_wait_seconds(rule: Staffing, policy: Policy) -> float | None:
    target = rule.service_level_target
    if target is None:
        return None
    answered = min(target.answered_pct, 99.0) / 100
    rate = -math.log1p(-answered)  # -ln(1 - answered), exact for tiny shares
    if rate * LONGEST_WAIT_SECONDS <= target.within_seconds:
        return LONGEST_WAIT_SECONDS
    return round(target.within_seconds / rate, 1)


def _hours_total(rule: Training, policy: Policy) -> float | None:
    return _round(rule.hours_per_year + 40 * rule.onboarding_weeks / 52)


MEASURES: Mapping[str, Mapping[str, Measure]] = {
    "break-rule": {
        "blocked_windows.share_of_shift": Measure(
            "Share of the shift (scope.shift_hours, else 8 hours) that the blocked windows cover, 0 to 1.",
            _share_of_shift,
        ),
    },
    "call-time-cap": {
        "cap_ratio": Measure(
            "The cap over the contact type's usual handle time (typical_minutes, else 6 minutes): "
            "1 is a cap at today's average, 0.5 halves it.",
            _cap_ratio,
        ),
        "cut_off_pct": Measure(
            "For a max_call_duration cap: the share of contacts, in percent, that run longer than "
            "the cap and must be cut off, taking handle times as exponentially distributed around "
            "the usual handle time (typical_minutes, else 6 minutes): 100 x exp(-cap / usual). "
            "Real handle times are often less skewed, so this is an upper estimate for long caps.",
            _cap_cut_off_pct,
        ),
    },
    "metric-target": {
        "cap_ratio": Measure(
            "For an average_handle_time or max_call_duration target in minutes or seconds: the "
            "target over a usual handle time of 6 minutes (as for call-time-cap).",
            _target_ratio,
        ),
        "cut_off_pct": Measure(
            "For a max_call_duration target in minutes or seconds: the share of contacts, in "
            "percent, longer than the target, as for call-time-cap (usual handle time 6 minutes).",
            _target_cut_off_pct,
        ),
    },
    "bonus-threshold": {
        "expected_miss_pct": Measure(
            "Share of people expected to miss the line, in percent, with performance against "
            "target normal around 100% with a standard deviation of 10%.",
            _expected_miss_pct,
        ),
        "conditions.miss_pct": Measure(
            "For a bonus on all: or any: conditions: the share of people expected to miss the bonus, "
            "in percent, taking the conditions as independent (metrics that move together make it "
            "closer to the deciding condition's). Each condition is judged like a share of target "
            "(normal around 100% with a standard deviation of 10%); an absolute level counts as a "
            "share of today's average (typical; for a level to stay under, the average over the "
            "level), and without typical as today's average itself, which half the people miss.",
            _conditions_miss_pct,
        ),
        "conditions.deciding_miss_pct": Measure(
            "For a bonus on all: or any: conditions: the share of people expected to miss the "
            "condition that decides who is paid, in percent (for all:, the one most people miss; "
            "for any:, the one fewest miss), judged as for conditions.miss_pct.",
            _deciding_miss_pct,
        ),
        "conditions.speed_count": Measure(
            "For a bonus on all: or any: conditions: how many are on calls_handled, "
            "average_handle_time or max_call_duration (left out when none is).",
            _conditions_on(SPEED_PAY_METRICS),
        ),
        "conditions.customer_count": Measure(
            "For a bonus on all: or any: conditions: how many are on customer_satisfaction, "
            "net_promoter_score or customer_effort (left out when none is).",
            _conditions_on(CUSTOMER_PAY_METRICS),
        ),
    },
    "compensation-link": {
        "speed_pay_pct": Measure(
            "Percent of variable pay on speed and volume: the weights of calls_handled, "
            "average_handle_time and max_call_duration together (left out when 0).",
            _pay_share(SPEED_PAY_METRICS),
        ),
        "customer_pay_pct": Measure(
            "Percent of variable pay on the customer's view: the weights of customer_satisfaction, "
            "net_promoter_score and customer_effort together (left out when 0).",
            _pay_share(CUSTOMER_PAY_METRICS),
        ),
    },
    "staffing": {
        "idle_minutes_per_hour": Measure(
            "Minutes of each logged-in hour not spent on contacts at the occupancy target: "
            "60 x (1 - occupancy_target_pct / 100).",
            _idle_minutes_per_hour,
        ),
        "implied_wait_seconds": Measure(
            "The average wait, in seconds, that the service-level target allows if every caller "
            "queues and waits fall off exponentially as in the Erlang C model: within_seconds / "
            "-ln(1 - answered_pct / 100), at most an hour (answered_pct is held to 99, as no "
            "staffing answers every contact in time). An upper estimate of the average wait, since "
            "in practice some callers are answered at once; it ranks targets by strictness (80% in "
            "20 s gives 12.4 s, 60% in 120 s gives 131 s) rather than forecasting a queue.",
            _implied_wait_seconds,
        ),
    },
    "training": {
        "hours_total": Measure(
            "Training hours a person spends a year: hours_per_year plus onboarding spread over "
            "a year (40 hours a week of onboarding, over 52 weeks).",
            _hours_total,
        ),
    },
}
"""Rule kind to measure key to measure."""


def measure_values(rule: Rule, policy: Policy) -> dict[str, float]:
    """The measures of one policy rule that its fields allow (unset ones are left out)."""
    out: dict[str, float] = {}
    for key, measure in MEASURES.get(rule.kind, {}).items():
        value = measure.compute(rule, policy)
        if value is not None and math.isfinite(value):
            out[key] = value
    return out


# --- After-call work, conduct and attendance (format 1.1) --------------------------------------

TYPICAL_WRAP_SECONDS = 45.0
"""After-call work of a contact, in seconds, when a limit does not say: the contact-centre average a
vendor's glossary reports (45 seconds, from about 5 in e-commerce to over 90 in real estate)."""


def _wrap_ratio(rule: AfterCallWork, policy: Policy) -> float | None:
    return _round(rule.max_seconds / (rule.typical_seconds or TYPICAL_WRAP_SECONDS))


def _first_breach_level(rule: Conduct, policy: Policy) -> float | None:
    return float(SANCTIONS.index(rule.sanctions[0]))


def _dismissal_after_breaches(rule: Conduct, policy: Policy) -> float | None:
    steps = rule.sanctions
    return float(steps.index("dismissal") + 1) if "dismissal" in steps else None


def _bradford_one_day_spells(rule: Attendance, policy: Policy) -> float | None:
    if rule.bradford_trigger_score is None:
        return None
    return round(math.pow(rule.bradford_trigger_score, 1 / 3), 2)


MEASURES = {
    **MEASURES,
    "after-call-work": {
        "wrap_ratio": Measure(
            "The limit over the contact type's usual after-call work (typical_seconds, else 45 "
            "seconds): 1 is a limit at today's average, 0.5 halves it.",
            _wrap_ratio,
        ),
    },
    "conduct": {
        "first_breach_level": Measure(
            "How severe the sanction for a first breach is, from 0 (none) through 1 (verbal "
            "warning), 2 (written warning) and 3 (final warning) to 4 (dismissal).",
            _first_breach_level,
        ),
        "dismissal_after_breaches": Measure(
            "The breach at which dismissal is reached (1: the first), from sanction and "
            "repeat_sanction or the ladder; left out when no breach leads to dismissal.",
            _dismissal_after_breaches,
        ),
    },
    "attendance": {
        "bradford_one_day_spells": Measure(
            "How many one-day absences in the period reach the Bradford trigger score: its cube "
            "root, since n one-day absences score n x n x n (5 reach 125).",
            _bradford_one_day_spells,
        ),
    },
}


# --- Adherence and overtime (format 1.1) -------------------------------------------------------

SHIFTS_PER_WEEK = 5
"""Shifts a full-time person works in a week, when a policy does not say."""


def _tolerance_minutes_per_shift(rule: Adherence, policy: Policy) -> float | None:
    if rule.tolerance_minutes is not None:
        return _round(rule.tolerance_minutes)
    if rule.tolerance_pct is None:
        return 0.0
    hours = policy.scope.shift_hours or TYPICAL_SHIFT_HOURS
    return _round(rule.tolerance_pct / 100 * hours * 60)


def _longest_week_hours(rule: Overtime, policy: Policy) -> float | None:
    if rule.cap_hours_per_week is None:
        return None
    hours = policy.scope.shift_hours or TYPICAL_SHIFT_HOURS
    return _round(SHIFTS_PER_WEEK * hours + rule.cap_hours_per_week)


MEASURES = {
    **MEASURES,
    "adherence": {
        "tolerance_minutes_per_shift": Measure(
            "Minutes of a shift that may be off plan without counting against adherence: "
            "tolerance_minutes, or tolerance_pct of the shift (scope.shift_hours, else 8 hours); "
            "0 when neither is given, so every minute off plan counts.",
            _tolerance_minutes_per_shift,
        ),
    },
    "overtime": {
        "longest_week_hours": Measure(
            "The longest week the overtime cap allows, in hours: five shifts of scope.shift_hours "
            "(else 8 hours, breaks included) plus cap_hours_per_week; left out when there is no "
            "cap.",
            _longest_week_hours,
        ),
    },
}
