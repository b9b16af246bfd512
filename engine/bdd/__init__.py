"""The BDD step library for policy features (pytest-bdd), installed with the ``[bdd]`` extra.

One module per job:

- ``policyweigh.bdd.plugin``: the pytest plugin (entry point ``pytest11``, name
  ``policyweigh``): the ini option ``policyweigh_policies``, and the steps and
  failure report, registered only in a project that uses them;
- ``policyweigh.bdd.steps``: the step definitions, grouped Given, When, Then;
- ``policyweigh.bdd.world``: ``PolicyWorld``, the state of a scenario, and where the
  policies come from;
- ``policyweigh.bdd.patching``: changing a policy's field or applying a remedy;
- ``policyweigh.bdd.messages``: the failure messages;
- ``policyweigh.bdd.vocabulary``: the registry of steps and the README text made from it.

The public names below are imported on first use: pytest imports this package
whenever it loads the plugin, in every project, so importing it costs nothing.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from policyweigh.bdd.messages import (
        PolicyCheckFailed,
        assessment_message,
        compare,
        comparison_message,
        conflict_line,
        conflicts_message,
        contacts_message,
        contribution_line,
        criterion_message,
        impact_message,
        range_message,
        reach_message,
        remedy_line,
        remedy_message,
        scores_summary,
        uncertainty_message,
        verdict_message,
    )
    from policyweigh.bdd.plugin import INI_POLICIES
    from policyweigh.bdd.world import PolicySource, PolicyWorld, policy_root

__all__ = [
    "INI_POLICIES",
    "PolicyCheckFailed",
    "PolicySource",
    "PolicyWorld",
    "assessment_message",
    "compare",
    "comparison_message",
    "conflict_line",
    "conflicts_message",
    "contacts_message",
    "contribution_line",
    "criterion_message",
    "impact_message",
    "policy_root",
    "range_message",
    "reach_message",
    "remedy_line",
    "remedy_message",
    "scores_summary",
    "uncertainty_message",
    "verdict_message",
]

_HOMES = {
    "INI_POLICIES": "policyweigh.bdd.plugin",
    "PolicySource": "policyweigh.bdd.world",
    "PolicyWorld": "policyweigh.bdd.world",
    "policy_root": "policyweigh.bdd.world",
}
"""Where each public name lives; the others are in ``policyweigh.bdd.messages``."""


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOMES.get(name, "policyweigh.bdd.messages")), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
