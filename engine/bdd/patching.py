"""Changing a policy for a scenario: a field set by name or dotted path, or a remedy's patch applied.

This is the one place in the BDD layer that changes policies, and it changes
them with the engine's own patcher (``policyweigh.patching.patch_policy``), the one
remedies use:

- a remedy is applied with ``policyweigh.remedies.apply_patch`` exactly as the
  engine applied it when it scored the remedy, so the scores after the step are
  the remedy's ``scores_after``;
- a change to a field of the policy's top level (``jurisdiction``, ``status``),
  of its scope, or of a rule (``its min_minutes is changed to 20``, ``rule 2's
  service_level_target.answered_pct is changed to 90``) is one ``FieldChange``.

An invalid value fails with every problem the patcher reports, located and
with its "did you mean", as ``policyweigh validate`` says it. This module only
chooses the part of the policy a step means and words the failures.

Values are YAML text (``8``, ``[]``, ``["06:00"]``); ``null`` removes the field.
Every failure raises ``PolicyCheckFailed`` naming the policy, the field and a
suggestion.
"""

from __future__ import annotations

from typing import Any, Literal, TypeAlias

from policyweigh.bdd.messages import fail
from policyweigh.errors import InputError, PolicyweighError
from policyweigh.patching import FieldChange, patch_policy
from policyweigh.policy import Policy, Scope
from policyweigh.remedies import apply_patch
from policyweigh.results import RemedyResult
from policyweigh.suggest import did_you_mean
from policyweigh.yamldoc import parse_yaml

__all__ = ["Where", "apply_remedy", "change_field", "field_names", "is_policy_field", "policy_fields"]

Where: TypeAlias = Literal["policy", "scope"] | int | None
"""Which part of a policy a change is to: its top level, its scope, rule number n (1 is the first), or
the first rule that has the field (None)."""

_NOT_CHANGED_BY_NAME = ("id", "scope", "rules")
"""Top-level fields a change step cannot set: the id names the policy; scope and rules have their own steps."""


def field_names(model: type[Any]) -> list[str]:
    """A model's field names as written in YAML (aliases where set), ``note`` last."""
    names = [info.alias or name for name, info in model.model_fields.items()]
    return sorted(names, key=lambda n: n == "note")


def policy_fields() -> list[str]:
    """The top-level fields a change step may set (``title``, ``status``, ``jurisdiction``...)."""
    return [n for n in field_names(Policy) if n not in _NOT_CHANGED_BY_NAME]


def is_policy_field(name: str) -> bool:
    """Whether a field name or dotted path starts with a top-level field of a policy, not of a rule."""
    return name.split(".")[0] in policy_fields()


def apply_remedy(policy: Policy, remedy: RemedyResult) -> Policy:
    """``policy`` with a remedy's patch applied, as the engine applied it when it scored the remedy."""
    try:
        return apply_patch(policy, remedy.patch, remedy=remedy.code)
    except PolicyweighError as err:
        raise fail(f"cannot apply remedy {remedy.code}: {err}") from None


def change_field(policy: Policy, where: Where, name: str, text: str) -> Policy:
    """``policy`` with field ``name`` (a dotted path for nested values) set to the YAML value ``text``."""
    pid = policy.id
    try:
        value = parse_yaml(text, "<step>").data
    except InputError as err:
        raise fail(f"cannot read the value {text!r} as YAML: {err.problems[0].message}") from None
    path = tuple(name.split("."))
    head = path[0]
    if where == "policy":
        if head in _NOT_CHANGED_BY_NAME:
            raise fail(f"cannot change {head} of {pid} this way; change a field of its scope or of a rule")
        if head not in policy_fields():
            raise fail(_unknown_field(pid, name, policy))
        return _patched(policy, FieldChange("policy", path, value), name, text)
    if where == "scope":
        known = field_names(Scope)
        if head not in known:
            raise fail(
                f"a policy's scope has no field {head!r}{did_you_mean(head, known)}; it has {', '.join(known)}"
            )
        return _patched(policy, FieldChange("scope", path, value), f"scope {name}", text)
    index = _rule_index(policy, head, where)
    shown = f"{name} of rule {index + 1} ({policy.rules[index].kind})"
    return _patched(policy, FieldChange(index, path, value), shown, text)


def _patched(policy: Policy, change: FieldChange, shown: str, text: str) -> Policy:
    """The policy with one change; a change that makes it invalid fails with every problem."""
    pid = policy.id
    try:
        return patch_policy(policy, [change], label=f"{pid} with {shown} changed to {text}")
    except InputError as err:
        details = "\n".join(f"  {p.detail}" for p in err.problems)
        raise fail(
            f"cannot change {shown} of {pid} to {text}: the policy would be invalid:\n{details}"
        ) from None


def _rule_index(policy: Policy, head: str, where: int | None) -> int:
    """The index of the rule a change is to: rule number ``where``, or the first rule with the field."""
    pid = policy.id
    if where is not None:
        if not 1 <= where <= len(policy.rules):
            raise fail(
                f"{pid} has {len(policy.rules)} rule(s); there is no rule {where} (rule 1 is the first)"
            )
        index = where - 1
        known = field_names(type(policy.rules[index]))
        if head not in known:
            kind = policy.rules[index].kind
            raise fail(
                f"rule {where} of {pid} ({kind}) has no field {head!r}{did_you_mean(head, known)}; "
                f"its fields: {', '.join(n for n in known if n != 'kind')}"
            )
        return index
    for index, rule in enumerate(policy.rules):
        if head in field_names(type(rule)):
            return index
    raise fail(_unknown_field(pid, head, policy))


def _unknown_field(pid: str, name: str, policy: Policy) -> str:
    """No such field anywhere in the policy: the closest name and every field it has, by part."""
    top = policy_fields()
    rules = [
        (i, r.kind, [n for n in field_names(type(r)) if n != "kind"]) for i, r in enumerate(policy.rules)
    ]
    choices = top + [n for _, _, names in rules for n in names] + field_names(Scope)
    lines = [f"{pid} has no field {name!r}{did_you_mean(name, choices)}", f"  policy: {', '.join(top)}"]
    lines += [f"  rule {i + 1} ({kind}): {', '.join(names)}" for i, kind, names in rules]
    lines.append(f"  scope (When its scope <field> is changed to ...): {', '.join(field_names(Scope))}")
    return "\n".join(lines)
