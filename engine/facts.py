"""Policies as flat facts: the engine-neutral shape impact and conflict rules test.

Each policy rule becomes one flat mapping of scalar values (a Rete fact holds
no nesting and at most 255 properties). Keys are the rule's YAML field names;
nested values are dotted (``service_level_target.answered_pct``); lists become
a count plus one membership key per value (``topics.count``,
``topics.communication``); blocked windows become their count, total length and
first and last minute; scope and policy fields are prefixed ``scope.`` and
``policy.``. Unset optional fields are absent, so ``exists: false`` can test them.
Measures (``policyweigh.measures``) add numbers the fields imply, such as the
share of a shift that a break ban covers.

Metrics are read as what they mean (``policyweigh.metrics``): a synonym becomes
its built-in metric (``metric: csat`` gives ``metric: customer_satisfaction``
and ``metric.written: csat``; weights likewise). A metric the organisation
declares in its settings brings what the settings say of it
(``metric.declared``, ``metric.better``, ``metric.controlled_by``,
``metric.unit``), and ``beyond_control`` marks pay or a target riding on a
metric the people it judges do not control (the system's, or the team's for
one person's pay). A bonus on ``all:`` / ``any:`` conditions becomes
``conditions.*`` keys (``CONDITION_KEYS``): how many, how they combine, which
metrics, the conditions as written and as read, and the condition that decides
who is paid; its numbers are measures.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from policyweigh.measures import deciding_condition, measure_values
from policyweigh.metrics import BETTER, CONTROLLERS, METRICS, UNITS, MetricInfo, resolve_metric
from policyweigh.policy import (
    BonusThreshold,
    BreakRule,
    CompensationLink,
    Condition,
    Policy,
    Rule,
    Window,
    blocked_minutes,
)

Fact = dict[str, Any]

# Keys the engine itself sets on every fact; rule fields never use them.
POLICY_KEY = "policy"
INDEX_KEY = "rule_index"
DERIVED_KEY = "derived"
MEMBER_PREFIX = "has."


def _flatten(prefix: str, value: Any, out: Fact) -> None:
    if value is None:
        return
    if isinstance(value, dict):
        for key in sorted(value):
            _flatten(f"{prefix}.{key}", value[key], out)
        out[f"{prefix}.count"] = len(value)
    elif isinstance(value, list):
        out[f"{prefix}.count"] = len(value)
        for item in value:
            if isinstance(item, (str, int, float, bool)):
                out[f"{prefix}.{MEMBER_PREFIX}{item}"] = True
    else:
        out[prefix] = value


def window_features(windows: list[Window]) -> Fact:
    """Summary values of blocked windows (absent when there are none)."""
    if not windows:
        return {"blocked_windows.count": 0}
    return {
        "blocked_windows.count": len(windows),
        "blocked_windows.total_minutes": blocked_minutes(windows),
        "blocked_windows.first_start": min(w.start for w in windows),
        "blocked_windows.last_end": max(w.start + w.minutes for w in windows),
    }


def context_facts(policy: Policy) -> Fact:
    """The ``scope.*`` and ``policy.*`` keys shared by every fact of a policy."""
    scope = policy.scope
    out: Fact = {
        POLICY_KEY: policy.id,
        "policy.status": policy.status,
        "scope.customer_facing": scope.customer_facing,
        "scope.customers_see_staff": scope.customers_see_staff,
        "scope.teams.count": len(scope.teams),
        "scope.roles.count": len(scope.roles),
        "scope.shift_starts.count": len(scope.shift_starts),
    }
    if policy.jurisdiction is not None:
        out["policy.jurisdiction"] = policy.jurisdiction
    if scope.headcount is not None:
        out["scope.headcount"] = scope.headcount
    if scope.shift_hours is not None:
        out["scope.shift_hours"] = scope.shift_hours
    return out


KeyInfo = tuple[str, tuple[str, ...]]
"""What a fact key holds, for the rulebook's key catalog: its shape (number, bool, text, list) and
the values (or list members) it can hold, empty when any text can be."""

METRIC_KEYS: Mapping[str, KeyInfo] = {
    "metric.written": ("text", ()),
    "metric.declared": ("bool", ()),
    "metric.better": ("text", BETTER),
    "metric.controlled_by": ("text", CONTROLLERS),
    "metric.unit": ("text", UNITS),
    "beyond_control": ("bool", ()),
    "beyond_control.text": ("text", ()),
}
"""Keys a fact of a rule naming one metric may carry besides its fields (see the module)."""
PAY_KEYS: Mapping[str, KeyInfo] = {
    "beyond_control": ("bool", ()),
    "beyond_control.text": ("text", ()),
    "beyond_control_pay_pct": ("number", ()),
}
"""Keys a compensation-link fact may carry besides its fields: the pay on metrics beyond control."""
CONDITION_KEYS: Mapping[str, KeyInfo] = {
    "conditions.count": ("number", ()),
    "conditions.combine": ("text", ("all", "any")),
    "conditions.metrics": ("list", METRICS),
    "conditions.metrics.count": ("number", ()),
    "conditions.text": ("text", ()),
    "conditions.deciding": ("text", ()),
    "conditions.deciding_metric": ("text", METRICS),
}
"""Keys of a bonus on all: / any: conditions (its numbers are measures), besides ``METRIC_KEYS``'
``beyond_control``."""

_COMBINED = {"all_", "any_"}


def _beyond_control(info: MetricInfo, basis: str) -> bool:
    """Whether the people judged on a declared metric do not control it (a team's pay on a team metric is fine)."""
    return info.controlled_by == "system" or (info.controlled_by == "team" and basis != "team")


def _control_text(names: list[tuple[str, MetricInfo]]) -> str:
    return ", ".join(f"{name} (controlled by the {info.controlled_by})" for name, info in names)


def condition_text(condition: Condition, metrics: Mapping[str, MetricInfo] | None = None) -> str:
    """A condition as written, and as read when that differs.

    ``csat >= 90 pct (customer_satisfaction)``; a complement turned round:
    ``attendance >= 98 pct (read as absenteeism <= 2 pct)``.
    """
    found = resolve_metric(condition.metric, metrics)
    if found is None or not found.renamed:
        return condition.text
    if not found.complement:
        return f"{condition.text} ({found.name})"
    op = "<=" if condition.op == ">=" else ">="
    return f"{condition.text} (read as {found.name} {op} {100 - condition.level:g} pct)"


def _metric_keys(rule: Rule, fact: Fact, metrics: Mapping[str, MetricInfo] | None) -> None:
    """Read the metric a rule names (its ``metric`` field) as what it means; see the module."""
    written = fact.get("metric")
    if not isinstance(written, str):
        return
    found = resolve_metric(written, metrics)
    if found is None:
        return
    if found.renamed:
        fact["metric"] = found.name
        fact["metric.written"] = written
    info = found.info
    if not info.declared or info.controlled_by is None:
        return
    fact.update(
        {
            "metric.declared": True,
            "metric.better": info.better,
            "metric.controlled_by": info.controlled_by,
            "metric.unit": info.units[0],
        }
    )
    if _beyond_control(info, str(getattr(rule, "basis", "individual"))):
        fact["beyond_control"] = True
        fact["beyond_control.text"] = _control_text([(found.name, info)])


def _weight_keys(rule: CompensationLink, fact: Fact, metrics: Mapping[str, MetricInfo] | None) -> None:
    """Weights under the names their metrics are read as, and the pay beyond the agent's control."""
    beyond: list[tuple[str, MetricInfo]] = []
    share = 0.0
    for written, weight in rule.weights.items():
        found = resolve_metric(written, metrics)
        if found is None:
            continue
        if found.renamed:
            del fact[f"weights.{written}"]
            fact[f"weights.{found.name}"] = weight
        if found.info.declared and _beyond_control(found.info, "individual"):
            beyond.append((found.name, found.info))
            share += weight
    if beyond:
        fact["beyond_control"] = True
        fact["beyond_control.text"] = _control_text(beyond)
        fact["beyond_control_pay_pct"] = round(share, 4)


def _condition_keys(rule: BonusThreshold, fact: Fact, metrics: Mapping[str, MetricInfo] | None) -> None:
    """The ``conditions.*`` keys of a bonus on all: / any: conditions."""
    conditions = rule.conditions
    if not conditions:
        return
    names: list[str] = []
    beyond: list[tuple[str, MetricInfo]] = []
    for condition in conditions:
        found = resolve_metric(condition.metric, metrics)
        name = condition.metric if found is None else found.name
        names.append(name)
        if found is not None and found.info.declared and _beyond_control(found.info, rule.basis):
            beyond.append((name, found.info))
    joiner = " and " if rule.combine == "all" else " or "
    fact["conditions.count"] = len(conditions)
    fact["conditions.combine"] = rule.combine
    _flatten("conditions.metrics", sorted(set(names)), fact)
    fact["conditions.text"] = joiner.join(condition_text(c, metrics) for c in conditions)
    deciding = deciding_condition(rule)
    if deciding is not None:
        fact["conditions.deciding"] = condition_text(conditions[deciding], metrics)
        fact["conditions.deciding_metric"] = names[deciding]
    if beyond:
        fact["beyond_control"] = True
        fact["beyond_control.text"] = _control_text(list(dict.fromkeys(beyond)))


def rule_facts(policy: Policy, metrics: Mapping[str, MetricInfo] | None = None) -> list[Fact]:
    """One fact per policy rule, with the policy's context keys.

    ``metrics`` are the metrics declared in the settings (name to what they
    say of it); without them a declared metric's name is kept as written and
    carries nothing more.
    """
    context = context_facts(policy)
    facts: list[Fact] = []
    for index, rule in enumerate(policy.rules):
        data = rule.model_dump(mode="json", by_alias=True, exclude={"note", "blocked_windows", *_COMBINED})
        fact: Fact = {}
        for key in sorted(data):
            _flatten(key, data[key], fact)
        if isinstance(rule, BreakRule):
            fact.update(window_features(rule.blocked_windows))
        _metric_keys(rule, fact, metrics)
        if isinstance(rule, CompensationLink):
            _weight_keys(rule, fact, metrics)
        if isinstance(rule, BonusThreshold):
            _condition_keys(rule, fact, metrics)
        fact.update(measure_values(rule, policy))
        fact.update(context)
        fact[INDEX_KEY] = index
        facts.append(fact)
    return facts


def member_key(field: str, value: Any) -> str:
    """The key that marks ``value`` as a member of list ``field`` (for ``contains``)."""
    return f"{field}.{MEMBER_PREFIX}{value}"
