"""Plain labels for the parts of a policy a reader meets in a report.

A leader reads "the lunch break's blocked window 10:00-12:00", not
``rules[0].blocked_windows``, and "wellbeing", not ``employee.wellbeing``. The
labels are built from the rule's kind and its main field (the break it governs,
the metric it targets, the item it equips), so they need no wording in the
policy file. This module sits with the policy models: it imports only them and
the formatters, and it reads a rulebook through the one attribute it needs
(``criteria_by_id``), so every layer above may use it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Protocol

from policyweigh.formatting import format_value
from policyweigh.policy import Policy

__all__ = [
    "FIELD_WORDS",
    "METRIC_WORDS",
    "RULE_PATH",
    "criterion_label",
    "field_label",
    "field_words",
    "metric_words",
    "rule_label",
    "value_words",
]

RULE_PATH = re.compile(r"^rules\[(\d+)\](?:\.(.+))?$")
"""A path into a policy's rules: ``rules[0]`` or ``rules[0].blocked_windows``."""

METRIC_WORDS = {
    "average_handle_time": "handle time",
    "max_call_duration": "call length",
    "first_contact_resolution": "first-contact resolution",
    "customer_satisfaction": "customer satisfaction",
    "calls_handled": "calls handled",
    "net_promoter_score": "net promoter score",
    "employee_engagement": "staff engagement",
}
"""Metrics whose name does not read well with its underscores replaced by spaces."""

FIELD_WORDS = {
    "blocked_windows": "blocked windows",
    "min_minutes": "length in minutes",
    "max_minutes": "cap in minutes",
    "typical_minutes": "usual minutes",
    "tied_to": "link to pay or discipline",
    "hours_per_year": "hours a year",
    "onboarding_weeks": "onboarding weeks",
    "occupancy_target_pct": "occupancy target",
    "payroll_change_pct": "payroll change",
    "service_level_target": "service-level target",
    "threshold_pct": "threshold",
    "payout": "payout",
    "every_hours": "interval in hours",
    "earliest_after_hours": "earliest start, hours into the shift",
    "latest_after_hours": "latest start, hours into the shift",
    "abusive_customers": "handling of abusive customers",
    "manager_backing": "manager backing",
    "requires_agent_effort": "work it asks of agents",
    "unplanned_breaks": "handling of unplanned breaks",
    "results_seen_by": "who sees the results",
    "feedback_to_agent": "feedback to the agent",
    "live_hours_per_week": "live hours a week",
    "cap_hours_per_week": "cap in hours a week",
    "premium_pct": "premium",
    "notice_hours": "notice in hours",
    "notice_days": "notice in days",
    "rate_pct": "rate",
    "quota_on_service_contacts": "quota on service contacts",
    "quota_sales_per_day": "daily sales quota",
    "remote_days_per_week": "remote days a week",
    "hours_per_month": "hours a month",
    "discretion_budget": "discretion budget",
    "can_resolve_without_approval": "freedom to resolve without approval",
    "shift_hours": "shift length",
    "shift_starts": "shift starts",
    "customer_facing": "contact with customers",
    "customers_see_staff": "customers seeing staff",
    "headcount": "headcount",
}
"""Policy fields in words; a field not listed reads as its name with spaces for underscores."""


MONITORING_WORDS = {
    "side-by-side": "side-by-side listening",
    "qa-scorecard": "QA scorecard",
}


class HasCriteria(Protocol):
    """What ``criterion_label`` reads of a rulebook: its criteria by id, each with a ``title``."""

    @property
    def criteria_by_id(self) -> Mapping[str, Any]: ...


def _words(name: str) -> str:
    text = name.removesuffix("_pct").replace("_", " ").replace("-", " ")
    return " ".join(text.split())


def metric_words(metric: str) -> str:
    """A metric's name as a reader says it: ``average_handle_time`` reads "handle time"."""
    return METRIC_WORDS.get(metric, _words(metric))


def field_words(name: str) -> str:
    """A policy field's name in words: ``blocked_windows`` reads "blocked windows"."""
    return FIELD_WORDS.get(name, _words(name))


def _rule_noun(rule: Any) -> str:
    """The rule's kind and main field as a noun phrase, without the article."""
    kind = str(getattr(rule, "kind", "rule"))
    if kind == "break-rule":
        which = getattr(rule, "break_", "any")
        return "break rule" if which == "any" else f"{which} break"
    if kind == "call-time-cap":
        metric = getattr(rule, "metric", "average_handle_time")
        return "call-length cap" if metric == "max_call_duration" else "handle-time cap"
    if kind == "bonus-threshold":
        metric = getattr(rule, "metric", None)
        return f"bonus on {metric_words(metric)}" if metric else "bonus threshold"
    if kind in ("metric-target", "contest"):
        noun = "target" if kind == "metric-target" else "contest"
        return f"{metric_words(getattr(rule, 'metric', ''))} {noun}".strip()
    if kind == "training":
        topics = list(getattr(rule, "topics", []) or [])
        return f"{' and '.join(topics)} training" if 0 < len(topics) <= 2 else "training plan"
    if kind == "equipment":
        return f"{getattr(rule, 'item', 'equipment')} standard"
    if kind == "feedback-practice":
        return _words(getattr(rule, "style", "feedback"))
    if kind == "monitoring":
        method = str(getattr(rule, "method", "monitoring"))
        return MONITORING_WORDS.get(method, _words(method))
    if kind == "overtime":
        return f"{getattr(rule, 'participation', '')} overtime".strip()
    if kind == "script":
        return f"{getattr(rule, 'use', '')} script".strip()
    fixed = {
        "staffing": "staffing plan",
        "customer-conduct": "rule on abusive customers",
        "knowledge-base": "knowledge base",
        "leader-floor-time": "leaders' floor time",
        "compensation-link": "pay weighting",
        "customer-incentive": "customer reward",
        "empowerment": "discretion budget",
        "schedule-flexibility": "flexible scheduling",
        "adherence": "adherence tracking",
        "schedule-notice": "rota notice",
        "commission": "sales commission",
    }
    return fixed.get(kind, f"{_words(kind)} rule")


def rule_label(policy: Policy, index: int) -> str:
    """A policy rule in words: "the lunch break", "the handle-time cap".

    Two rules of one policy that would read the same are told apart by their place
    ("the lunch break (rule 2)"); an index the policy does not have reads "rule N".
    """
    if not 0 <= index < len(policy.rules):
        return f"rule {index + 1}"
    noun = _rule_noun(policy.rules[index])
    same = [i for i, r in enumerate(policy.rules) if _rule_noun(r) == noun]
    return f"the {noun}" + (f" (rule {index + 1})" if len(same) > 1 else "")


def _windows(value: Any) -> str:
    spans = []
    for window in value or []:
        start = getattr(window, "from_", None) or (window.get("from") if isinstance(window, dict) else None)
        end = getattr(window, "to", None) or (window.get("to") if isinstance(window, dict) else None)
        spans.append(f"{start}-{end}")
    return ", ".join(spans)


def field_label(policy: Policy, path: str) -> str:
    """A field of a policy in words: "the lunch break's blocked window 10:00-12:00", "the shift length".

    ``path`` is ``rules[i].FIELD`` or ``scope.FIELD``; a rule's blocked windows name the windows the
    policy sets now, so a reader knows which ones a change lifts.
    """
    match = RULE_PATH.match(path)
    if match:
        index, name = int(match.group(1)), match.group(2)
        owner = rule_label(policy, index)
        if not name:
            return owner
        head = name.split(".")[0]
        words = field_words(head)
        if head == "blocked_windows" and 0 <= index < len(policy.rules):
            current = getattr(policy.rules[index], "blocked_windows", [])
            shown = _windows(current)
            if shown:
                words = ("blocked window " if len(current) == 1 else "blocked windows ") + shown
        return f"{owner}'s {words}"
    name = path.removeprefix("scope.")
    if path.startswith("scope.") and name in ("shift_hours", "headcount", "shift_starts"):
        return f"the {field_words(name)}"
    if path.startswith("scope."):
        return f"the scope's {field_words(name)}"
    return f"the {field_words(name)}"


def criterion_label(criterion_id: str, rulebook: HasCriteria | None = None) -> str:
    """A criterion by its name in the rulebook ("wellbeing"), never its id; an unknown criterion
    reads as the last part of its id in words."""
    known = rulebook.criteria_by_id.get(criterion_id) if rulebook is not None else None
    title = getattr(known, "title", None)
    if title:
        return str(title)[:1].lower() + str(title)[1:]
    return _words(criterion_id.rsplit(".", 1)[-1])


def value_words(key: str, value: Any) -> str:
    """A value as the report shows it, windows as ``10:00-12:00``; an empty list reads "none"."""
    if value is None:
        return "removed"
    if value == [] or value == {}:
        return "none"
    if (
        isinstance(value, list)
        and value
        and all(isinstance(v, dict) and set(v) == {"from", "to"} for v in value)
    ):
        return _windows(value)
    return format_value(key, value)
