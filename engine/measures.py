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

from policyweigh.policy import (
    BonusThreshold,
    BreakRule,
    CallTimeCap,
    CompensationLink,
    MetricTarget,
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
    if rule.metric not in HANDLE_TIME_METRICS or rule.unit not in ("minutes", "seconds"):
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
    if rule.metric != "max_call_duration" or minutes is None:
        return None
    return _cut_off(minutes, TYPICAL_HANDLE_MINUTES)


def _expected_miss_pct(rule: BonusThreshold, policy: Policy) -> float | None:
    z = (rule.threshold_pct - PERFORMANCE_MEAN_PCT) / PERFORMANCE_SD_PCT
    return round(100 * 0.5 * (1 + math.erf(z / math.sqrt(2))), 2)


def _pay_share(metrics: tuple[str, ...]) -> Callable[[CompensationLink, Policy], float | None]:
    def compute(rule: CompensationLink, policy: Policy) -> float | None:
        total = math.fsum(weight for metric, weight in rule.weights.items() if metric in metrics)
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
