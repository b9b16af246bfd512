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
