"""Where the guardrail code lives: placement stays pure, and the modules load in any order."""

from __future__ import annotations

import subprocess
import sys

import pytest

from policyweigh.policy import BUNDLED_JURISDICTIONS
from tests.helpers import ROOT


def _python(code: str) -> subprocess.CompletedProcess[str]:
    # The timeout only stops a hang; nothing here depends on how long a run takes.
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )


def test_placement_imports_nothing_but_itself() -> None:
    run = _python(
        "import sys\n"
        "import policyweigh.law.placement\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('policyweigh', 'pydantic', 'yaml')))\n"
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout == "['policyweigh', 'policyweigh.law', 'policyweigh.law.placement']\n"


@pytest.mark.parametrize(
    "first", ["policyweigh.rulebook", "policyweigh.rulebook.guardrails", "policyweigh.law.check"]
)
def test_guardrail_modules_load_whichever_is_imported_first(first: str) -> None:
    run = _python(
        f"import {first}\n"
        "from policyweigh.law.check import check_guardrails\n"
        "from policyweigh.rulebook.guardrails import load_guardrails\n"
        "print(sorted(load_guardrails()))\n"
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout == f"{sorted(BUNDLED_JURISDICTIONS)}\n"
