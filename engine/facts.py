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
"""

from __future__ import annotations

from typing import Any

from policyweigh.measures import measure_values
from policyweigh.policy import BreakRule, Policy, Window, blocked_minutes

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
        "blocked_windows.last_end": max(w.end for w in windows),
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


def rule_facts(policy: Policy) -> list[Fact]:
    """One fact per policy rule, with the policy's context keys."""
    context = context_facts(policy)
    facts: list[Fact] = []
    for index, rule in enumerate(policy.rules):
        data = rule.model_dump(mode="json", by_alias=True, exclude={"note", "blocked_windows"})
        fact: Fact = {}
        for key in sorted(data):
            _flatten(key, data[key], fact)
        if isinstance(rule, BreakRule):
            fact.update(window_features(rule.blocked_windows))
        fact.update(measure_values(rule, policy))
        fact.update(context)
        fact[INDEX_KEY] = index
        facts.append(fact)
    return facts


def member_key(field: str, value: Any) -> str:
    """The key that marks ``value`` as a member of list ``field`` (for ``contains``)."""
    return f"{field}.{MEMBER_PREFIX}{value}"
