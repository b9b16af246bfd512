"""`evaluate`, `explain` and `rules` from the command line; settings; own rulebooks; determinism."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from policyweigh.cli import main
from policyweigh.results import VERDICTS
from tests.helpers import DATA, ROOT

POLICIES = ROOT / "policies"
GOLDEN = Path(__file__).parent / "golden" / "evaluation.json"
UPDATE = os.environ.get("POLICYWEIGH_UPDATE_GOLDENS") == "1"

AHT_POLICY = """\
id: aht-cap
title: Five-minute handle time or no bonus
rules:
  - kind: call-time-cap
    max_minutes: 5
    enforcement: bonus-gate
"""


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_follows_the_output_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "evaluate", str(POLICIES), "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert set(data) == {"policies", "conflicts"}
    assert len(data["policies"]) >= 20
    for policy in data["policies"]:
        assert {"id", "title", "verdict", "scores", "contributions"} <= set(policy)
        assert {"employee", "customer", "customer_direct", "customer_indirect", "criteria"} <= set(
            policy["scores"]
        )
        assert policy["verdict"] in VERDICTS
        # Issue 11: each side's [low, high] around its score, who and how much is touched, and
        # every rule the score says nothing about.
        assert {"ranges", "reach", "not_assessed", "uncertain"} <= set(policy)
        for side in ("employee", "customer"):
            low, high = policy["ranges"][side]
            assert isinstance(low, int) and isinstance(high, int)
            assert low <= policy["scores"][side] <= high, (policy["id"], side)
        assert set(policy["reach"]) == {"employees", "contacts_share"}
        assert policy["reach"]["employees"] is None or policy["reach"]["employees"] > 0
        assert 0 <= policy["reach"]["contacts_share"] <= 1
        for item in policy["not_assessed"]:
            assert set(item) == {"rule", "reason"} and item["rule"].startswith(policy["id"] + "/rules[")
        assert set(policy["uncertain"]) <= {"employee", "customer"}
        for c in policy["contributions"]:
            assert {"rule", "criterion", "delta", "reason", "evidence", "facts"} <= set(c)
            assert c["reason"] and "{" not in c["reason"], c  # templates are filled
            assert isinstance(c["delta"], float)  # the rule's points times its dose
    for conflict in data["conflicts"]:
        assert {"code", "kind", "severity", "policies", "rules", "explanation", "remedies"} <= set(conflict)
        for remedy in conflict["remedies"]:
            assert {"summary", "patch", "scores_after"} <= set(remedy)
    # Every contribution's evidence id resolves to a citation in the rulebook.
    from policyweigh.rulebook import default_rulebook

    cited = {e for p in data["policies"] for c in p["contributions"] for e in c["evidence"]}
    assert cited <= set(default_rulebook().evidence)


def test_golden_evaluation_of_the_library(capsys: pytest.CaptureFixture[str]) -> None:
    """The library's evaluation, byte for byte (regenerate with POLICYWEIGH_UPDATE_GOLDENS=1)."""
    code, out, err = run_cli(capsys, "evaluate", "policies", "--format", "json")
    assert code == 0, err
    if UPDATE:
        GOLDEN.write_text(out, encoding="utf-8")
    assert out == GOLDEN.read_text(encoding="utf-8"), (
        "the library's evaluation changed; review `git diff` after regenerating with POLICYWEIGH_UPDATE_GOLDENS=1"
    )


def _evaluate_in_subprocess(args: list[str], seed: str) -> bytes:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    done = subprocess.run(
        [sys.executable, "-m", "policyweigh.cli", "evaluate", *args, "--format", "json"],
        capture_output=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout


def test_output_is_byte_identical_across_file_order_and_hash_seed() -> None:
    files = sorted(str(p.relative_to(ROOT)) for p in POLICIES.rglob("*.yaml"))
    shuffled = files[:]
    random.Random(7).shuffle(shuffled)
    first = _evaluate_in_subprocess(files, "0")
    assert _evaluate_in_subprocess(shuffled, "12345") == first
    assert _evaluate_in_subprocess(files[::-1], "random") == first


def test_text_scorecard_is_plain_when_piped(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "aht.yaml").write_text(AHT_POLICY)
    code, out, _ = run_cli(capsys, "evaluate", str(tmp_path))
    assert code == 0
    assert "\x1b[" not in out
    assert "aht-cap  Five-minute handle time or no bonus  lose-lose" in out
    assert "CTC002" in out and "via CTC002 > DRV001" in out
    assert out.rstrip().endswith("0 conflicts") or "conflict" in out.splitlines()[-1]


def test_explain_shows_a_chain_of_at_least_two_steps(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    file = tmp_path / "aht.yaml"
    file.write_text(AHT_POLICY)
    code, out, err = run_cli(capsys, "explain", str(file))
    assert code == 0, err
    for section in ("1. Facts asserted", "2. Rules fired, in order", "3. Chains", "4. Score", "5. Conflicts"):
        assert section in out
    assert "1. CTC002 call-time-cap.pay-linked-short on the handle-time cap" in out
    assert "derives: rushed-contacts" in out
    chains = [line.strip() for line in out.splitlines() if "steps)" in line]
    assert any(line.count(">") >= 2 for line in chains), chains
    assert "employee = round(100 x tanh(" in out
    assert "verdict = lose-lose" in out


def test_explain_finds_a_policy_by_key_or_id(capsys: pytest.CaptureFixture[str]) -> None:
    code, by_key, err = run_cli(capsys, "explain", "breaks/pie-van-lunch-ban", "policies")
    assert code == 0, err
    policy_id = by_key.split()[0]
    code, by_id, _ = run_cli(capsys, "explain", policy_id, "policies")
    assert code == 0 and by_id == by_key


def test_explain_unknown_policy_suggests(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(capsys, "explain", "pie-van-lunch-bann", "policies")
    assert code == 2
    assert (
        "no policy with id or file key 'pie-van-lunch-bann' in the library (did you mean 'pie-van-lunch-ban'?)"
        in err
    )


def test_rules_lists_and_shows_one_with_citations(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "rules")
    assert code == 0 and "CTC002" in out and "impact rules" in out
    code, out, _ = run_cli(capsys, "rules", "ctc002")
    assert code == 0
    assert "CTC002 call-time-cap.pay-linked-short" in out
    assert "evidence batt-colvin-2011" in out and "fires on:" in out and "silent on:" in out
    code, _, err = run_cli(capsys, "rules", "CTC0022")
    assert code == 2 and "no code 'CTC0022' in the rulebook" in err and "(did you mean 'CTC002'?)" in err


def test_own_rulebook_replaces_the_bundled_one(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "aht.yaml").write_text(AHT_POLICY)
    code, out, err = run_cli(
        capsys, "evaluate", str(tmp_path), "--rulebook", str(DATA / "rulebooks" / "mini"), "--format", "json"
    )
    assert code == 0, err
    rules = [c["rule"] for c in json.loads(out)["policies"][0]["contributions"]]
    assert sorted(set(rules)) == ["CTC002", "DRV001", "DRV002"]


def test_broken_rulebook_gives_located_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    book = tmp_path / "book"
    shutil.copytree(DATA / "rulebooks" / "mini", book)
    text = (
        (book / "impact" / "rules.yaml")
        .read_text()
        .replace("employee.wellbeing: -3", "employee.wellbeing: -9")
    )
    (book / "impact" / "rules.yaml").write_text(text)
    (tmp_path / "aht.yaml").write_text(AHT_POLICY)
    code, _, err = run_cli(capsys, "evaluate", str(tmp_path / "aht.yaml"), "--rulebook", str(book))
    assert code == 2
    assert f"{book / 'impact' / 'rules.yaml'}:5:" in err
    assert "impacts.employee.wellbeing" in err


def test_weights_from_policyweigh_toml(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "aht.yaml").write_text(AHT_POLICY)
    monkeypatch.chdir(tmp_path)
    code, out, _ = run_cli(capsys, "evaluate", "aht.yaml", "--format", "json")
    before = json.loads(out)["policies"][0]["scores"]
    (tmp_path / "policyweigh.toml").write_text('[weights]\n"employee.wellbeing" = 0.5\n')
    code, out, err = run_cli(capsys, "evaluate", "aht.yaml", "--format", "json")
    assert code == 0, err
    after = json.loads(out)["policies"][0]["scores"]
    # Criterion values are rounded to 4 decimals, and a dosed delta is not a whole number.
    assert after["criteria"]["employee.wellbeing"] == pytest.approx(
        before["criteria"]["employee.wellbeing"] / 3, abs=1e-3
    )
    assert after["employee"] > before["employee"]


def test_weights_from_pyproject_and_unknown_criterion(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "aht.yaml").write_text(AHT_POLICY)
    (tmp_path / "pyproject.toml").write_text('[tool.policyweigh.weights]\n"employee.wellbeng" = 2\n')
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli(capsys, "evaluate", "aht.yaml")
    assert code == 2
    assert "weight override for unknown criteria: employee.wellbeng" in err


def test_unknown_setting_is_located(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "aht.yaml").write_text(AHT_POLICY)
    (tmp_path / "policyweigh.toml").write_text('fail_on = "error"\nfial_on = "warning"\n')
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli(capsys, "evaluate", "aht.yaml")
    assert code == 2
    assert f"{tmp_path / 'policyweigh.toml'}:2:1: fial_on: unknown setting (did you mean 'fail_on'?)" in err


UK_LUNCH = """\
id: uk-lunch
title: Twenty-minute lunch
jurisdiction: uk
scope: {shift_hours: 8, shift_starts: ["09:00"]}
rules:
  - kind: break-rule
    break: lunch
    min_minutes: 20
    scheduling: staggered
"""


def test_own_rulebook_brings_its_own_guardrails(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from policyweigh.rulebook import DATA_DIR

    book = tmp_path / "book"
    shutil.copytree(DATA_DIR, book)
    (tmp_path / "uk.yaml").write_text(UK_LUNCH)
    code, out, err = run_cli(
        capsys, "evaluate", str(tmp_path / "uk.yaml"), "--rulebook", str(book), "--format", "json"
    )
    assert code == 0, err
    assert [c["code"] for c in json.loads(out)["conflicts"] if c["kind"] == "guardrail"] == []
    # The organisation's house rule: 30 minutes, not the statutory 20.
    packs = book / "guardrails.yaml"
    packs.write_text(
        packs.read_text().replace(
            "        min_minutes: 20\n        severity: error\n        citation: UK",
            "        min_minutes: 30\n        severity: error\n        citation: UK",
            1,
        )
    )
    code, out, err = run_cli(
        capsys, "evaluate", str(tmp_path / "uk.yaml"), "--rulebook", str(book), "--format", "json"
    )
    assert code == 0, err
    assert [c["code"] for c in json.loads(out)["conflicts"] if c["kind"] == "guardrail"] == ["GRD010"]
    packs.write_text(packs.read_text().replace("min_minutes: 30", "min_minutes: -30", 1))
    code, _, err = run_cli(capsys, "evaluate", str(tmp_path / "uk.yaml"), "--rulebook", str(book))
    assert code == 2
    assert f"{packs}:" in err and "min_minutes" in err


def test_scorecard_has_colour_and_box_tables_on_a_terminal(tmp_path: Path) -> None:
    import io

    from policyweigh.project import evaluate_paths
    from policyweigh.render.text import make_console, render_evaluation

    (tmp_path / "aht.yaml").write_text(AHT_POLICY)
    run = evaluate_paths([tmp_path])
    terminal, piped = io.StringIO(), io.StringIO()
    render_evaluation(run, make_console(terminal, color=True))
    render_evaluation(run, make_console(piped, color=False))
    assert "\x1b[" in terminal.getvalue() and "╭" in terminal.getvalue()
    assert "\x1b[" not in piped.getvalue() and "╭" not in piped.getvalue() and "+---" in piped.getvalue()
    assert all(line == line.rstrip() for line in piped.getvalue().splitlines())
