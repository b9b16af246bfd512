"""Legal guardrails on breaks: the names other modules import, from where they now live.

- ``engine.rulebook.guardrails``: the guardrail file's models and its loader
  (``GUARDRAILS_FILE``, ``load_guardrails``, ``GuardrailPacks``, ``Threshold`` ...).
- ``engine.law.check``: the checker (``check_guardrails``, ``GuardrailSettings``,
  ``GuardrailReport``).
- ``engine.law.wording``: the sentences of findings (``NO_JURISDICTION``).
- ``engine.law.placement``: where breaks fit on a shift's time line.

Import from those modules; this one only keeps the older import path working.
Its names are looked up when first used rather than imported at load:
``engine.rulebook``'s package module imports ``load_guardrails`` from here, so
importing ``engine.rulebook.guardrails`` while this module loads would need this
module to be loaded already.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from engine.law.check import GuardrailReport, GuardrailSettings, check_guardrails
    from engine.law.wording import NO_JURISDICTION
    from engine.rulebook.guardrails import (
        GUARDRAILS_FILE,
        BreakRequirement,
        Deadline,
        DueBreak,
        GuardrailFile,
        GuardrailPack,
        GuardrailPacks,
        LengthRange,
        ShortenedBreak,
        Threshold,
        load_guardrails,
    )

__all__ = [
    "GUARDRAILS_FILE",
    "NO_JURISDICTION",
    "BreakRequirement",
    "Deadline",
    "DueBreak",
    "GuardrailFile",
    "GuardrailPack",
    "GuardrailPacks",
    "GuardrailReport",
    "GuardrailSettings",
    "LengthRange",
    "ShortenedBreak",
    "Threshold",
    "check_guardrails",
    "load_guardrails",
]

_HOMES = {
    "GUARDRAILS_FILE": "engine.rulebook.guardrails",
    "BreakRequirement": "engine.rulebook.guardrails",
    "Deadline": "engine.rulebook.guardrails",
    "DueBreak": "engine.rulebook.guardrails",
    "GuardrailFile": "engine.rulebook.guardrails",
    "GuardrailPack": "engine.rulebook.guardrails",
    "GuardrailPacks": "engine.rulebook.guardrails",
    "LengthRange": "engine.rulebook.guardrails",
    "ShortenedBreak": "engine.rulebook.guardrails",
    "Threshold": "engine.rulebook.guardrails",
    "load_guardrails": "engine.rulebook.guardrails",
    "GuardrailReport": "engine.law.check",
    "GuardrailSettings": "engine.law.check",
    "check_guardrails": "engine.law.check",
    "NO_JURISDICTION": "engine.law.wording",
}
"""Each name to the module that defines it."""


def __getattr__(name: str) -> Any:
    """The name from its home module (PEP 562), kept here once found."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """Every name, looked up or not yet."""
    return sorted([*globals(), *_HOMES])
