"""The policy format's JSON Schema with what a form needs beside each field.

The editor's form is drawn in the browser from the JSON Schema ``policyweigh schema`` prints; each
field gets ``x-label`` (its name in words, ``policyweigh.labels.field_words``) and ``x-unit`` (the
unit its name carries, ``policyweigh.reference.field_docs``), so the form can never drift from the
format: a field added to the models appears in the form with its help text, its choices as a
select and its unit.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from policyweigh.labels import field_words
from policyweigh.policy import RULE_MODELS, Policy, policy_json_schema
from policyweigh.reference import field_docs
from policyweigh.templates import policy_template

__all__ = ["form_schema", "kinds", "starter"]


def _units(models: list[type[BaseModel]]) -> dict[str, dict[str, str]]:
    """Model name to field name to unit, for every model reachable from ``models``."""
    units: dict[str, dict[str, str]] = {}
    todo = list(models)
    while todo:
        model = todo.pop()
        if model.__name__ in units:
            continue
        docs = field_docs(model, skip=())
        units[model.__name__] = {doc.name: doc.unit for doc in docs}
        todo.extend(doc.model for doc in docs if doc.model is not None)
    return units


def _label(name: str) -> str:
    words = field_words(name)
    return words[:1].upper() + words[1:]


def _annotate(node: dict[str, Any], units: dict[str, str]) -> None:
    for name, field in node.get("properties", {}).items():
        field["x-label"] = _label(name)
        if units.get(name):
            field["x-unit"] = units[name]


def form_schema() -> dict[str, Any]:
    """The JSON Schema of the policy format, each field with its label and unit."""
    schema = policy_json_schema()
    units = _units([Policy, *RULE_MODELS.values()])
    _annotate(schema, units.get("Policy", {}))
    for name, definition in schema.get("$defs", {}).items():
        _annotate(definition, units.get(name, {}))
    return schema


def kinds() -> list[str]:
    """Every rule kind, in the order the format lists them."""
    return list(RULE_MODELS)


def starter(kind: str, policy_id: str) -> str:
    """The commented template ``policyweigh new KIND`` writes, for a new policy; ValueError for an unknown kind."""
    return policy_template(kind, policy_id)
