"""Where the guardrail code lives: the old import path keeps working, and placement stays pure."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import engine.guardrails
from tests.helpers import ROOT


def _python(code: str) -> subprocess.CompletedProcess[str]:
    # The timeout only stops a hang; nothing here depends on how long a run takes.
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )


def test_old_path_names_are_the_objects_of_their_new_homes() -> None:
    homes = engine.guardrails._HOMES
    assert sorted(homes) == sorted(engine.guardrails.__all__)
    for name, home in homes.items():
        assert getattr(engine.guardrails, name) is getattr(importlib.import_module(home), name), name


def test_old_path_refuses_an_unknown_name() -> None:
    with pytest.raises(AttributeError, match="no attribute 'check_everything'"):
        engine.guardrails.check_everything  # noqa: B018


@pytest.mark.parametrize(
    "first", ["engine.guardrails", "engine.rulebook", "engine.rulebook.guardrails", "engine.law.check"]
)
def test_old_import_path_works_whichever_module_is_imported_first(first: str) -> None:
    # engine.rulebook imports load_guardrails from engine.guardrails, which re-exports it from
    # engine.rulebook.guardrails: an import cycle unless the names are looked up lazily.
    run = _python(
        f"import {first}\n"
        "from engine.guardrails import GuardrailPacks, check_guardrails, load_guardrails\n"
        "from engine.rulebook import load_rulebook\n"
        "print(sorted(load_guardrails()))\n"
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout == "['de', 'eu', 'fr', 'nl', 'ph', 'uk', 'us-ca']\n"


def test_placement_imports_nothing_but_itself() -> None:
    run = _python(
        "import sys\n"
        "import engine.law.placement\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('engine', 'pydantic', 'yaml')))\n"
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout == "['engine', 'engine.law', 'engine.law.placement']\n"
