"""Helpers shared by tests: paths and policy builders."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from engine.policy import Policy

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


def make_policy(*rules: dict[str, Any], id: str = "p", **fields: Any) -> Policy:
    """A valid policy with the given rules and top-level fields."""
    return Policy.model_validate({"id": id, "title": f"Policy {id}", "rules": list(rules), **fields})


# A pay-linked five-minute handle-time cap and a pay-linked first-contact-resolution
# target: the contradiction (CON001) many tests start from. As YAML files, rules[0]
# is on line 6 of both.
CAP_YAML = """\
id: cap
title: Five-minute handle time or no bonus
scope:
  teams: [support]
rules:
  - kind: call-time-cap
    max_minutes: 5
    enforcement: bonus-gate
"""
FCR_YAML = """\
id: fcr
title: First-contact resolution tied to the bonus
scope:
  teams: [support]
rules:
  - kind: metric-target
    metric: first_contact_resolution
    target: 80
    unit: pct
    tied_to: bonus
"""

AHT_CAP = {
    "kind": "call-time-cap",
    "metric": "average_handle_time",
    "max_minutes": 5,
    "enforcement": "bonus-gate",
}
FCR_BONUS = {
    "kind": "metric-target",
    "metric": "first_contact_resolution",
    "target": 80,
    "unit": "pct",
    "tied_to": "bonus",
}
