"""Templates: commented YAML policies for ``policyweigh new``, and the rulebook's reason templates.

A policy template is a complete, valid policy holding one rule of the chosen
kind. Every field is shown with its meaning, allowed values, unit and default
as comments, all taken from the models (``policyweigh.reference.field_docs``), so a
template can never drift from the format. The example values below are the
only hand-written part; a test loads every template.

A reason template is a rulebook's ``because`` text, filled with the values of
the facts a rule matched (``render_reason``). Rulebooks are data an
organisation writes, so filling one evaluates nothing: a placeholder is a
plain name (``policyweigh.rulebook.models.PLACEHOLDER``) handed to a lookup, and
anything else in braces (``{policy.__class__}``, ``{x[0]}``, ``{x!r}``,
``{x:>99}``) stays text as written. The loader refuses such templates with a
located error; the renderer is safe without that check too.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from policyweigh.policy import FORMAT_VERSION, RULE_KINDS, RULE_MODELS, Policy, Scope
from policyweigh.reference import FieldDoc, field_docs, yaml_scalar
from policyweigh.rulebook.models import PLACEHOLDER

# Example values for fields that have no default worth showing (required ones,
# and optional ones whose default is "not set"). Everything else shows its default.
EXAMPLES: dict[str, dict[str, Any]] = {
    "attendance": {"return_to_work_interviews": True, "sick_pay_waiting_days": 0},
    "after-call-work": {"max_seconds": 60},
    "conduct": {
        "rule": "No personal phones on the floor",
        "topic": "personal-phones",
        "sanction": "verbal-warning",
        "repeat_sanction": "written-warning",
    },
    "recovery-time": {"recovery_minutes": 10},
    "concurrency": {"max_chats": 2},
    "span-of-control": {"agents_per_team_leader": 12},
    "bonus-threshold": {"metric": "customer_satisfaction", "threshold_pct": 90},
    "call-time-cap": {"max_minutes": 8},
    "break-rule": {"break": "lunch", "min_minutes": 30},
    "staffing": {
        "payroll_change_pct": 0,
        "occupancy_target_pct": 80,
        "service_level_target": {"answered_pct": 80, "within_seconds": 20},
    },
    "training": {"topics": ["communication", "product"], "hours_per_year": 24, "onboarding_weeks": 4},
    "equipment": {"item": "headset", "quality": "standard", "replacement_months": 24},
    "feedback-practice": {"style": "private-coaching", "frequency": "weekly"},
    "customer-conduct": {"abusive_customers": "escalate", "manager_backing": True},
    "metric-target": {"metric": "first_contact_resolution", "target": 75, "unit": "pct"},
    "knowledge-base": {"maintained": True},
    "leader-floor-time": {"hours_per_month": 4, "roles": ["team-leader"]},
    "compensation-link": {
        "weights": {"customer_satisfaction": 50, "first_contact_resolution": 30, "quality_score": 20}
    },
    "customer-incentive": {"reward": "Gift voucher", "value": 10, "condition": "survey"},
    "empowerment": {"discretion_budget": 50, "currency": "EUR", "can_resolve_without_approval": True},
    "schedule-flexibility": {"remote_days_per_week": 2, "shift_swaps": True},
    "monitoring": {"method": "side-by-side", "live_hours_per_week": 2},
    "adherence": {"tolerance_minutes": 15},
    "overtime": {
        "participation": "voluntary",
        "cap_hours_per_week": 8,
        "notice_hours": 48,
        "premium_pct": 50,
    },
    "schedule-notice": {"notice_days": 14, "change_premium_pct": 10},
    "commission": {"rate_pct": 5, "cap_pct_of_base_pay": 30, "clawback_months": 6},
    "script": {"use": "guideline", "deviation_allowed": True},
    "contest": {"metric": "customer_satisfaction", "leaderboard": "private", "opt_in": True},
}

# Shown as a commented-out line: setting them changes what the engine checks.
COMMENTED_EXAMPLES: dict[str, Any] = {
    "owner": "Contact centre operations",
    "jurisdiction": "uk",
    "headcount": 40,
    "shift_hours": 8,
    "note": "Why this rule exists, and where it comes from.",
    "format": "1.1",
    "replaces": "the-adopted-policy-id",
    "alternative_to": "another-proposal-id",
    "all": ["customer_satisfaction >= 90 pct", "absenteeism <= 2 pct"],
    "any": ["first_contact_resolution >= 80 pct", "customer_satisfaction >= 90 pct"],
}

# One more line of help where the type alone does not show the shape.
HINTS: dict[str, str] = {
    "blocked_windows": 'Example: [{from: "10:00", to: "12:00"}]',
    "shift_starts": 'Example: ["08:00", "09:30"]',
    "teams": "Example: [support, sales]",
    "roles": "Example: [agent, team-leader]",
}


def _comment(doc: FieldDoc) -> list[str]:
    lines = [doc.meaning] if doc.meaning else []
    facts = ["Required" if doc.required else "Optional", doc.allowed]
    if doc.unit:
        facts.append(f"unit: {doc.unit}")
    if not doc.required:
        facts.append(f"default: {doc.default_text}" if doc.default_text else "default: not set")
    lines.append("; ".join(facts) + ".")
    if doc.name in HINTS:
        lines.append(HINTS[doc.name])
    return lines


def _render(docs: list[FieldDoc], values: dict[str, Any], indent: str) -> list[str]:
    """Render fields, each under its comment lines, at ``indent``."""
    out: list[str] = []
    for doc in docs:
        out.extend(f"{indent}# {line}" for line in _comment(doc))
        if doc.name in values:
            value = values[doc.name]
        elif doc.name in COMMENTED_EXAMPLES:
            out.append(f"{indent}# {doc.name}: {yaml_scalar(COMMENTED_EXAMPLES[doc.name])}")
            continue
        else:
            value = doc.default
        if doc.model is not None and isinstance(value, dict) and value:
            out.append(f"{indent}{doc.name}:")
            nested = {k: v for k, v in value.items() if v is not None}
            out.extend(_render(field_docs(doc.model), nested, indent + "  "))
        elif isinstance(value, dict) and value:
            out.append(f"{indent}{doc.name}:")
            out.extend(f"{indent}  {k}: {yaml_scalar(v)}" for k, v in value.items())
        else:
            out.append(f"{indent}{doc.name}: {yaml_scalar(value)}")
    return out


def policy_template(kind: str, policy_id: str | None = None) -> str:
    """Return a commented, valid policy holding one rule of ``kind``; raise ValueError for an unknown kind."""
    if kind not in RULE_MODELS:
        raise ValueError(f"unknown rule kind {kind!r}; expected one of {', '.join(RULE_KINDS)}")
    model = RULE_MODELS[kind]
    policy_id = policy_id or f"new-{kind}"
    top = {
        "id": policy_id,
        "title": f"New {kind.replace('-', ' ')} policy",
        "status": "draft",
        "summary": "What the policy is for and why; name the source it comes from.",
    }
    lines = [
        f"# A workplace policy (format {FORMAT_VERSION}) with one {kind} rule.",
        "# Every field is explained above its line; optional fields may be deleted.",
        "# Check it with `policyweigh validate FILE`, score it with `policyweigh evaluate FILE`.",
        "# Editors complete and check fields with the JSON Schema: write it with",
        "# `policyweigh schema -o policy-v1.schema.json` and start this file with",
        "# `# yaml-language-server: $schema=policy-v1.schema.json`.",
        "",
    ]
    policy_docs = [d for d in field_docs(Policy) if d.name not in ("scope", "rules")]
    lines += _render(policy_docs, top, "")
    scope_doc = next(d for d in field_docs(Policy) if d.name == "scope")
    rules_doc = next(d for d in field_docs(Policy) if d.name == "rules")
    lines += ["", *(f"# {c}" for c in _comment(scope_doc)), "scope:"]
    lines += _render(field_docs(Scope), {}, "  ")
    lines += ["", *(f"# {c}" for c in _comment(rules_doc)), "rules:"]
    lines.append(f"  # {kind}: {(model.__doc__ or '').strip().splitlines()[0]}")
    rule_lines = [f"    kind: {kind}"]
    rule_lines += _render(field_docs(model), EXAMPLES.get(kind, {}), "    ")
    rule_lines[0] = "  - " + rule_lines[0].lstrip()
    lines += rule_lines
    return "\n".join(lines) + "\n"


UNSET = "(unset)"
"""What a placeholder shows when the matched facts have no value for it."""


def _plain(name: str, value: Any) -> str:
    return str(value)


def render_reason(
    template: str, lookup: Callable[[str], Any], show: Callable[[str, Any], str] = _plain
) -> str:
    """Fill a reason template: each ``{name}`` becomes ``show(name, lookup(name))``.

    ``lookup`` is called only with names ``PLACEHOLDER`` accepts (lowercase
    fact keys, dotted; after ``scope.`` / ``policy.`` only the policy's context
    fields), so it may read them from models without ever being asked for an
    attribute such as ``__class__`` or ``model_fields``. Nothing is formatted
    with ``str.format``: conversions, format specifications and indexing are
    left as text. A name with no value shows ``UNSET``.
    """

    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        value = lookup(name)
        return UNSET if value is None else show(name, value)

    return PLACEHOLDER.sub(one, template)
