"""Changing a policy for a scenario: a field set by name or dotted path, or a remedy's patch applied.

This is the one place in the BDD layer that changes policies. Both ways go
through ``engine.remedies.apply_patch`` where the operation is the same:

- a remedy is applied with ``apply_patch`` exactly as the engine applied it
  when it scored the remedy, so the scores after the step are the remedy's
  ``scores_after``;
- a change to a rule's field (``its min_minutes is changed to 20``, ``rule 2's
  service_level_target.answered_pct is changed to 90``) is ``apply_patch`` on
  that rule: a dotted path becomes a new value of the rule's top-level field.

Two things ``apply_patch`` cannot do, so they are done here on the policy's
data, then validated by the loader (``load_policy_text``):

- change a top-level field (``jurisdiction``, ``status``) or a field of the
  scope: ``apply_patch`` only sets fields of ``rules[i]``;
- explain an invalid value: ``apply_patch`` raises a ``RulebookError`` that
  blames a remedy and carries pydantic's first error without a place, while a
  step needs every problem, located, with its "did you mean". When
  ``apply_patch`` refuses a rule change, the same change is validated by the
  loader for its messages.

Values are YAML text (``8``, ``[]``, ``["06:00"]``); ``null`` removes the field.
Every failure raises ``PolicyCheckFailed`` naming the policy, the field and a
suggestion.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal, TypeAlias

import yaml

from engine.bdd.messages import fail
from engine.errors import InputError, PolicyevalError, RulebookError
from engine.loading import load_policy_text
from engine.policy import Policy, Scope, dump_policy
from engine.remedies import apply_patch
from engine.results import RemedyResult
from engine.suggest import did_you_mean
from engine.yamldoc import parse_yaml

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
    index = int(remedy.patch.get("rule_index", 0))
    values = remedy.patch.get("set", {})
    try:
        return apply_patch(policy, index, values, remedy=remedy.code)
    except PolicyevalError as err:
        raise fail(f"cannot apply remedy {remedy.code}: {err}") from None


def change_field(policy: Policy, where: Where, name: str, text: str) -> Policy:
    """``policy`` with field ``name`` (a dotted path for nested values) set to the YAML value ``text``."""
    pid = policy.id
    try:
        value = parse_yaml(text, "<step>").data
    except InputError as err:
        raise fail(f"cannot read the value {text!r} as YAML: {err.problems[0].message}") from None
    data = dump_policy(policy)
    path = name.split(".")
    head = path[0]
    if where == "policy":
        if head in _NOT_CHANGED_BY_NAME:
            raise fail(f"cannot change {head} of {pid} this way; change a field of its scope or of a rule")
        if head not in policy_fields():
            raise fail(_unknown_field(pid, name, policy))
        _set_path(data, path, value)
        return _validated(data, pid, name, text)
    if where == "scope":
        known = field_names(Scope)
        if head not in known:
            raise fail(
                f"a policy's scope has no field {head!r}{did_you_mean(head, known)}; it has {', '.join(known)}"
            )
        _set_path(data.setdefault("scope", {}), path, value)
        return _validated(data, pid, f"scope {name}", text)
    index = _rule_index(policy, head, where)
    rule = data["rules"][index]
    _set_path(rule, path, value)
    try:
        # The step's change is apply_patch's operation on the rule's top-level field; None removes it.
        return apply_patch(policy, index, {head: rule.get(head)}, remedy=f"step change of {name}")
    except RulebookError:
        # apply_patch names a remedy and pydantic's first error; the loader says where and suggests a fix.
        shown = f"{name} of rule {index + 1} ({policy.rules[index].kind})"
        return _validated(data, pid, shown, text)


def _validated(data: dict[str, Any], pid: str, shown: str, text: str) -> Policy:
    """The changed policy data validated by the loader; an invalid policy fails with every problem."""
    label = f"{pid} with {shown} changed to {text}"
    try:
        return load_policy_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), label)
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


def _set_path(target: dict[str, Any], path: Sequence[str], value: Any) -> None:
    """Set ``target[path[0]][path[1]]...`` to ``value``, making mappings on the way; None removes the key."""
    for part in path[:-1]:
        child = target.get(part)
        if not isinstance(child, dict):
            child = {}
            target[part] = child
        target = child
    if value is None:
        target.pop(path[-1], None)
    else:
        target[path[-1]] = value
