"""The bundled library's summaries state the effect the engine gives.

Each policy's `summary:` names its expected effect as "Expected effect: <verdict>", and says
the policy fails the harm gate ("fails the gate") exactly when the evaluation finds harm
(HRM001 or HRM002) for it. A change of judgement that moves a verdict or a harm finding
fails here until the summary is re-read.
"""

from __future__ import annotations

import io
import json
import re
from contextlib import redirect_stdout
from typing import Any

import pytest
import yaml

from policyweigh.cli import main
from policyweigh.results import VERDICTS
from tests.helpers import ROOT

POLICIES = ROOT / "policies"
EFFECT = re.compile(r"Expected effect: ([a-z-]+)")
GATE = re.compile(r"\bfails? the gate\b")


@pytest.fixture(scope="module")
def evaluation() -> dict[str, Any]:
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        code = main(["evaluate", str(POLICIES), "--format", "json"])
    assert code == 0
    result: dict[str, Any] = json.loads(buffer.getvalue())
    return result


def _summaries() -> dict[str, str]:
    out = {}
    for path in sorted(POLICIES.rglob("*.yaml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        out[document["id"]] = " ".join(document["summary"].split())
    return out


SUMMARIES = _summaries()


@pytest.mark.parametrize("policy_id", sorted(SUMMARIES))
def test_the_summary_names_the_verdict_the_engine_gives(policy_id: str, evaluation: dict[str, Any]) -> None:
    effects = EFFECT.findall(SUMMARIES[policy_id])
    assert len(effects) == 1, f"{policy_id}: one 'Expected effect: <verdict>' in the summary"
    assert effects[0] in VERDICTS, f"{policy_id}: {effects[0]!r} is not a verdict"
    verdict = next(p["verdict"] for p in evaluation["policies"] if p["id"] == policy_id)
    assert effects[0] == verdict, f"{policy_id}: the summary says {effects[0]}, the engine {verdict}"


@pytest.mark.parametrize("policy_id", sorted(SUMMARIES))
def test_the_summary_says_it_fails_the_gate_exactly_when_it_harms_a_side(
    policy_id: str, evaluation: dict[str, Any]
) -> None:
    harmed = any(
        c["code"] in {"HRM001", "HRM002"} and policy_id in c["policies"] for c in evaluation["conflicts"]
    )
    says = bool(GATE.search(SUMMARIES[policy_id]))
    assert says == harmed, (
        f"{policy_id}: the summary {'says' if says else 'does not say'} it fails the gate, "
        f"the evaluation {'finds' if harmed else 'finds no'} harm"
    )
