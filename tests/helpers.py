"""Helpers shared by tests: paths and policy builders."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from policyweigh.config import Settings
from policyweigh.errors import InputError
from policyweigh.evaluation import EvaluationRun
from policyweigh.loading import load_policy_text
from policyweigh.organisation import load_organisation
from policyweigh.policy import Policy
from policyweigh.render.text import make_console
from policyweigh.results import Conflict, Evaluation

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


def example_policy(example: dict[str, Any], pid: str = "example", title: str | None = None) -> Policy:
    """The one-rule policy a rulebook example stands for: its ``scope`` and ``jurisdiction`` keys set
    the policy's, the rest is the rule."""
    rule = {k: v for k, v in example.items() if k not in ("scope", "jurisdiction")}
    data: dict[str, Any] = {"id": pid, "title": title or pid, "rules": [rule]}
    for key in ("scope", "jurisdiction"):
        if key in example:
            data[key] = example[key]
    return Policy.model_validate(data)


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


SETTINGS = Settings()
"""The default settings: what tests evaluate with unless they say otherwise."""
EXAMPLE_ORGANISATION = load_organisation(Path(__file__).parent / "data" / "example-organisation.yaml")
"""The organisation the rulebook's queue examples name (team ``example-inbound``)."""
EXAMPLE_SETTINGS = SETTINGS.model_copy(update={"organisation_model": EXAMPLE_ORGANISATION})
"""The default settings with the examples' organisation: rulebook examples are evaluated with them."""


def to_string(render: Callable[..., object], *args: object) -> str:
    """What a text renderer writes to a console, as a plain string."""
    buffer = io.StringIO()
    render(*args, make_console(buffer, color=False))
    return buffer.getvalue()


def with_conflicts(run: EvaluationRun, conflicts: list[Conflict]) -> EvaluationRun:
    """A copy of ``run`` holding these conflicts (tests that write the conflicts themselves)."""
    return run.with_evaluation(Evaluation(policies=run.evaluation.policies, conflicts=conflicts))


def policy_yaml(rule: str) -> str:
    """A policy file holding one rule written as YAML lines under ``- `` (rules[0] starts on line 4)."""
    body = "\n".join(
        ("  - " if i == 0 else "    ") + line for i, line in enumerate(rule.strip().splitlines())
    )
    return f"id: p\ntitle: A policy\nrules:\n{body}\n"


def messages(text: str) -> list[str]:
    """The located problems a policy text (read as ``p.yaml``) is refused with."""
    with pytest.raises(InputError) as caught:
        load_policy_text(text, "p.yaml")
    return [str(p) for p in caught.value.problems]
