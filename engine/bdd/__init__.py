"""The BDD step library for policy features (pytest-bdd), installed with ``pip install 'policyeval[bdd]'``.

One module per job:

- ``engine.bdd.plugin``: the pytest plugin (entry point ``pytest11``, name
  ``policyeval``): the ini option ``policyeval_policies``, and the steps and
  failure report, registered only in a project that uses them;
- ``engine.bdd.steps``: the step definitions, grouped Given, When, Then;
- ``engine.bdd.world``: ``PolicyWorld``, the state of a scenario, and where the
  policies come from;
- ``engine.bdd.patching``: changing a policy's field or applying a remedy;
- ``engine.bdd.messages``: the failure messages;
- ``engine.bdd.vocabulary``: the registry of steps and the README text made from it.

The public names below are imported on first use: pytest imports this package
whenever it loads the plugin, in every project, so importing it costs nothing.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from engine.bdd.messages import (
        PolicyCheckFailed,
        compare,
        conflict_line,
        conflicts_message,
        contribution_line,
        criterion_message,
        impact_message,
        remedy_line,
        remedy_message,
        scores_summary,
        verdict_message,
    )
    from engine.bdd.plugin import INI_POLICIES
    from engine.bdd.world import PolicySource, PolicyWorld, policy_root

__all__ = [
    "INI_POLICIES",
    "PolicyCheckFailed",
    "PolicySource",
    "PolicyWorld",
    "compare",
    "conflict_line",
    "conflicts_message",
    "contribution_line",
    "criterion_message",
    "impact_message",
    "policy_root",
    "remedy_line",
    "remedy_message",
    "scores_summary",
    "verdict_message",
]

_HOMES = {
    "INI_POLICIES": "engine.bdd.plugin",
    "PolicySource": "engine.bdd.world",
    "PolicyWorld": "engine.bdd.world",
    "policy_root": "engine.bdd.world",
}
"""Where each public name lives; the others are in ``engine.bdd.messages``."""


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOMES.get(name, "engine.bdd.messages")), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
