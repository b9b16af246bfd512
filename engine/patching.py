"""Changing a policy by a declarative patch: the one patcher that remedies and BDD steps share.

A patch is a list of ``FieldChange``: a field of the policy's top level, of its
scope, or of one rule, named by its YAML name and, for a nested value, a dotted
path (``service_level_target.answered_pct``). ``None`` removes the field.
``patch_policy`` applies the changes to a copy of the policy's data and
validates the result as a whole policy; the original is never touched.

An invalid result raises ``InputError`` with every problem located and with
its suggestion, exactly as the loader reports a policy file (the changed data
is written out as YAML and read back by ``policyweigh.loading``), so a remedy and a
scenario step explain a bad value the way ``policyweigh validate`` would. Only
the failing path pays for that: a valid patch is validated once, from data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

import yaml
from pydantic import ValidationError

from policyweigh.errors import InputError, Problem
from policyweigh.loading import load_policy_text
from policyweigh.policy import Policy, dump_policy

__all__ = ["FieldChange", "Part", "patch_policy", "rule_changes"]

Part: TypeAlias = Literal["policy", "scope"] | int
"""Which part of a policy a change is to: its top level, its scope, or the rule at this index (0 is the first)."""


@dataclass(frozen=True)
class FieldChange:
    """Set one field (or a value nested in one) of a part of a policy; a value of None removes it."""

    part: Part
    path: tuple[str, ...]
    """The field's YAML name, then the keys of nested mappings."""
    value: Any

    @property
    def where(self) -> str:
        """The changed field as messages name it: ``rules[0].max_minutes``, ``scope.teams``, ``status``."""
        field = ".".join(self.path)
        if self.part == "policy":
            return field
        if self.part == "scope":
            return f"scope.{field}"
        return f"rules[{self.part}].{field}"


def rule_changes(rule_index: int, values: Mapping[str, Any]) -> list[FieldChange]:
    """The changes that set ``values`` (field to value, None removes) on rule ``rule_index``."""
    return [FieldChange(rule_index, (key,), value) for key, value in values.items()]


def patch_policy(policy: Policy, changes: Iterable[FieldChange], *, label: str) -> Policy:
    """A copy of ``policy`` with ``changes`` applied and validated again.

    ``label`` names the changed policy in problems (as a file name would).
    Raises ``InputError`` with located problems when a change names a rule the
    policy does not have or the changed policy is invalid.
    """
    data = dump_policy(policy)
    for change in changes:
        _set_path(_part(data, change, label), change.path, change.value)
    try:
        return Policy.model_validate(data)
    except ValidationError as err:
        refused = err
    # Read back as a file would be, for problems with a line, a column and a "did you mean".
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    load_policy_text(text, label)
    # The loader validates with the same model, so it refuses what was refused above; should
    # that ever differ, pydantic's own first error is still a located problem.
    first = refused.errors()[0]
    path = ".".join(str(p) for p in first["loc"])
    raise InputError([Problem(label, 1, 1, path, first["msg"])])


def _part(data: dict[str, Any], change: FieldChange, label: str) -> dict[str, Any]:
    """The mapping of the policy's data that ``change`` is to (made when the scope is missing)."""
    if change.part == "policy":
        return data
    if change.part == "scope":
        scope = data.setdefault("scope", {})
        assert isinstance(scope, dict)
        return scope
    rules = data["rules"]
    if not 0 <= change.part < len(rules):
        message = f"no rule {change.part}: the policy has {len(rules)} rule(s), rules[0] is the first"
        raise InputError([Problem(label, 1, 1, f"rules[{change.part}]", message)])
    rule = rules[change.part]
    assert isinstance(rule, dict)
    return rule


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
