"""Changing a policy by a declarative patch: the one patcher that remedies and BDD steps share.

A patch is a list of changes: a ``FieldChange`` sets a field of the policy's
top level, of its scope, or of one rule, named by its YAML name and, for a
nested value, a dotted path (``service_level_target.answered_pct``) whose
steps may also be list indexes (``blocked_windows[1].to``); ``None``
removes the field. A ``NewRule`` adds a rule at the end of the policy's rules.
``patch_policy`` applies the changes in order to a copy of the policy's data
and validates the result as a whole policy; the original is never touched.

A remedy's ``Patch`` (``policyweigh.results``) becomes such changes with
``patch_changes``, and is worded for people by ``patch_target``,
``added_rule_words`` and ``changed_fields``, so every format says the same: a
rule added reads "add a break rule: lunch, 30 minutes, unpaid", not field by field.

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
from policyweigh.formatting import format_value
from policyweigh.loading import load_policy_text
from policyweigh.policy import Policy, dump_policy
from policyweigh.results import Patch, rule_ref

__all__ = [
    "Change",
    "FieldChange",
    "NewRule",
    "Part",
    "added_rule_words",
    "changed_fields",
    "patch_changes",
    "patch_policy",
    "patch_target",
    "rule_changes",
]

Part: TypeAlias = Literal["policy", "scope"] | int
"""Which part of a policy a change is to: its top level, its scope, or the rule at this index (0 is the first)."""


@dataclass(frozen=True)
class FieldChange:
    """Set one field (or a value nested in one) of a part of a policy; a value of None removes it."""

    part: Part
    path: tuple[str | int, ...]
    """The field's YAML name, then the keys of nested mappings and the indexes of entries of lists."""
    value: Any

    @property
    def where(self) -> str:
        """The changed field as messages name it: ``rules[0].max_minutes``, ``scope.teams``, ``status``,
        ``rules[0].blocked_windows[1].to``."""
        field = _path_text(self.path)
        if self.part == "policy":
            return field
        if self.part == "scope":
            return f"scope.{field}"
        return f"rules[{self.part}].{field}"


@dataclass(frozen=True)
class NewRule:
    """Add a rule (its fields as written in YAML, ``kind`` included) after the policy's last rule."""

    fields: Mapping[str, Any]


Change: TypeAlias = FieldChange | NewRule
"""One change of a patch."""


def _path_text(path: Sequence[str | int]) -> str:
    """A field path as messages write it: names joined by dots, list indexes in brackets
    (``blocked_windows[1].to``)."""
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else step)
    return text


def rule_changes(rule_index: int, values: Mapping[str, Any]) -> list[FieldChange]:
    """The changes that set ``values`` (field to value, None removes) on rule ``rule_index``."""
    return [FieldChange(rule_index, (key,), value) for key, value in values.items()]


def patch_changes(patch: Patch) -> list[Change]:
    """The changes a remedy's patch makes: its rule added or its fields set, then its scope fields.

    An ``add-rule`` patch adds ``patch.set`` as a new rule; its ``rule_index`` must be the index
    the rule gets (one past the policy's last rule), which ``patch_policy`` checks.
    """
    changes: list[Change] = []
    if patch.action == "add-rule":
        changes.append(NewRule(dict(patch.set)))
    elif patch.set:
        if patch.rule_index is None:
            raise ValueError(f"a patch of {patch.policy} sets rule fields but names no rule")
        changes.extend(rule_changes(patch.rule_index, patch.set))
    changes.extend(FieldChange("scope", (key,), value) for key, value in patch.scope.items())
    return changes


def patch_policy(
    policy: Policy, changes: Iterable[Change], *, label: str, added_at: int | None = None
) -> Policy:
    """A copy of ``policy`` with ``changes`` applied in order and validated again.

    ``label`` names the changed policy in problems (as a file name would).
    ``added_at``: the index a ``NewRule`` must get (a patch that names it), else any.
    Raises ``InputError`` with located problems when a change names a rule the
    policy does not have, a new rule would not get index ``added_at``, or the
    changed policy is invalid.
    """
    data = dump_policy(policy)
    for change in changes:
        if isinstance(change, NewRule):
            rules = data["rules"]
            if added_at is not None and added_at != len(rules):
                message = (
                    f"a rule added to a policy of {len(rules)} rule(s) is rules[{len(rules)}], "
                    f"not rules[{added_at}]"
                )
                raise InputError([Problem(label, 1, 1, f"rules[{added_at}]", message)])
            rules.append(dict(change.fields))
            continue
        _set_path(_part(data, change, label), change, label)
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


def _set_path(target: dict[str, Any], change: FieldChange, label: str) -> None:
    """Set ``target[path[0]][path[1]]...`` to the change's value, making mappings on the way; None
    removes the key (or the list entry).

    A list index must name an entry the list already has: an entry is never made up, since a
    half-written entry (a window with only its ``to``) would be refused with a confusing message.
    """
    path, value = change.path, change.value
    node: Any = target
    for number, step in enumerate(path[:-1]):
        if isinstance(step, int):
            node = _entry(node, step, path[:number], change, label)
            if not isinstance(node, dict):
                entry = FieldChange(change.part, path[: number + 1], None).where
                message = f"{entry} is not a mapping: it has no field {path[number + 1]}"
                raise InputError([Problem(label, 1, 1, change.where, message)])
            continue
        child = node.get(step)
        if isinstance(path[number + 1], int):
            if not isinstance(child, list):
                found = FieldChange(change.part, path[: number + 1], None).where
                message = f"{found} is not a list: there is no {found}[{path[number + 1]}]"
                raise InputError([Problem(label, 1, 1, change.where, message)])
            node = child
            continue
        if not isinstance(child, dict):
            child = {}
            node[step] = child
        node = child
    last = path[-1]
    if isinstance(last, int):
        _entry(node, last, path[:-1], change, label)
        if value is None:
            del node[last]
        else:
            node[last] = value
    elif value is None:
        node.pop(last, None)
    else:
        node[last] = value


def _entry(node: list[Any], index: int, before: Sequence[str | int], change: FieldChange, label: str) -> Any:
    """Entry ``index`` of the list ``node`` (found at ``before``); a located problem when it has none."""
    if 0 <= index < len(node):
        return node[index]
    where = FieldChange(change.part, tuple(before), None).where
    count = f"{len(node)} entries" if len(node) != 1 else "1 entry"
    message = f"{where} has {count}: there is no {where}[{index}]"
    raise InputError([Problem(label, 1, 1, change.where, message)])


# --------------------------------------------------------------------------- wording


def patch_target(patch: Patch) -> str:
    """What a patch changes, as conflicts name it: ``p/rules[1]`` for a rule's fields, else the policy id."""
    if patch.action == "set" and patch.set and patch.rule_index is not None:
        return rule_ref(patch.policy, patch.rule_index)
    return patch.policy


_KIND_WORDS = {"break-rule": "break rule"}
"""How a rule kind reads after "a" where its name does not read well as it is."""


def _hours(value: Any) -> str:
    text = format_value("hours", value)
    return f"{text} hour" if text == "1" else f"{text} hours"


def _break_field(key: str, value: Any) -> str | None:
    """A break rule's field in words, or None to word it as ``field value``."""
    if key == "break":
        return str(value)
    if key == "min_minutes":
        return f"{format_value(key, value)} minutes"
    if key == "paid":
        return "paid" if value else "unpaid"
    if key == "count":
        return f"{format_value(key, value)} a shift"
    if key == "every_hours":
        return f"one every {_hours(value)}"
    if key == "earliest_after_hours":
        return f"starting no earlier than {_hours(value)} into the shift"
    if key == "latest_after_hours":
        return f"starting no later than {_hours(value)} into the shift"
    if key == "waiver":
        return "no waiver" if value == "none" else f"waiver: {value}"
    if key == "blocked_windows":
        if not value:
            return None
        spans = ", ".join(f"{w['from']}-{w['to']}" for w in value if isinstance(w, Mapping))
        return f"not during {spans}"
    if key == "scheduling":
        return str(value)
    return None


def added_rule_words(fields: Mapping[str, Any]) -> str:
    """A new rule in words: ``a break rule: lunch, 30 minutes, unpaid`` (other kinds: ``field value``)."""
    kind = str(fields.get("kind", "rule"))
    parts: list[str] = []
    for key, value in fields.items():
        if key == "kind" or value is None or value == []:
            continue
        worded = _break_field(key, value) if kind == "break-rule" else None
        parts.append(worded if worded is not None else f"{key} {format_value(key, value)}")
    name = _KIND_WORDS.get(kind, f"{kind} rule")
    article = "an" if name[:1] in "aeiou" else "a"
    return f"{article} {name}" + (f": {', '.join(parts)}" if parts else "")


def changed_fields(patch: Patch) -> list[tuple[str, Any]]:
    """The fields a ``set`` patch changes and their new values, in order: the rule's fields by
    their name, then the scope's as ``scope.NAME`` (an ``add-rule`` patch lists only its scope's)."""
    rule = list(patch.set.items()) if patch.action == "set" else []
    return rule + [(f"scope.{key}", value) for key, value in patch.scope.items()]
