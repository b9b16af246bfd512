"""The codes registry: every code policyweigh prints is explained by `policyweigh rules CODE`."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from policyweigh.cli import main
from policyweigh.codes import FAMILIES, build_registry
from policyweigh.rulebook import DATA_DIR, Rulebook, load_rulebook
from policyweigh.rulebook.guardrails import load_guardrails
from tests.helpers import ROOT

POLICIES = str(ROOT / "policies")


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_registry_holds_every_code_of_the_rulebook_and_the_fixed_ones(rulebook: Rulebook) -> None:
    registry = build_registry(rulebook)
    guardrails = [check.code for pack in load_guardrails().values() for check in pack.checks]
    assert registry.codes("impact") == sorted(r.code for r in rulebook.impact_rules)
    assert registry.codes("conflict") == sorted(r.code for r in rulebook.conflict_rules)
    assert registry.codes("remedy") == sorted(rulebook.remedies)
    assert registry.codes("guardrail") == sorted(guardrails)
    assert registry.codes("trade-off") == ["TRD001", "TRD002"]
    assert registry.codes("harm") == ["HRM001", "HRM002"]
    assert registry.codes("duplicate") == ["DUP001"]
    assert registry.codes("implausible") == ["PLS001"]
    assert registry.codes("gate") == ["GATE001", "GATE002"]
    assert registry.codes("input") == ["INPUT001", "NAME001"]
    assert sum(registry.counts().values()) == len(registry)
    assert list(registry.counts()) == list(FAMILIES)
    for code in registry.codes():
        entry = registry.get(code)
        assert entry is not None and entry.title and entry.meaning and entry.source, code


def _printed_codes(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> set[str]:
    """Every code `check` and `evaluate` print on the bundled library and on the error paths."""
    codes: set[str] = set()
    status, out, _ = _run(capsys, "check", POLICIES)
    assert status == 1
    codes |= set(re.findall(r"^[^|]+\| ([A-Z]+[0-9]+) \|", out, re.M))
    status, out, _ = _run(
        capsys, "check", POLICIES, "--format", "json", "--min-employee", "100", "--min-customer", "100"
    )
    codes |= {f["code"] for f in json.loads(out)["findings"]}
    status, out, _ = _run(capsys, "evaluate", POLICIES, "--format", "json")
    assert status == 0
    data = json.loads(out)
    for conflict in data["conflicts"]:
        codes.add(conflict["code"])
        codes |= {remedy["code"] for remedy in conflict["remedies"]}
    codes |= {c["rule"] for p in data["policies"] for c in p["contributions"]}
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\ntitle: T\nrules:\n  - kind: brek\n", encoding="utf-8")
    status, out, _ = _run(capsys, "check", str(bad), "--format", "json")
    assert status == 2
    codes |= {f["code"] for f in json.loads(out)["findings"]}
    return codes


def test_every_code_printed_by_check_and_evaluate_is_explained_by_rules(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    printed = _printed_codes(capsys, tmp_path)
    # Every family the product prints shows up on the bundled library and the error paths.
    assert {
        "GATE001",
        "GATE002",
        "INPUT001",
        "TRD001",
        "TRD002",
        "GRD020",
        "CON001",
        "REM001",
        "CTC002",
    } <= printed
    unexplained = []
    for code in sorted(printed):
        status, out, err = _run(capsys, "rules", code)
        if status != 0 or not out.startswith(code):
            unexplained.append((code, status, err.strip()))
    assert unexplained == []


@pytest.mark.parametrize(
    ("code", "first_lines"),
    [
        ("GRD020", ["GRD020 de.rest-break-over-6h", "  legal guardrail:"]),
        ("TRD002", ["TRD002 trade-off.rule", "  trade-off:"]),
        ("REM001", ["REM001 break-rule.stagger-instead-of-ban", "  remedy:"]),
        ("GATE002", ["GATE002 gate.min-customer", "  score gate:"]),
        ("HRM001", ["HRM001 harm.employee", "  harm:"]),
        ("hrm002", ["HRM002 harm.customer", "  harm:"]),
        ("DUP001", ["DUP001 duplicate.rule", "  duplicate rule:"]),
        ("PLS001", ["PLS001 implausible.value", "  implausible value:"]),
        ("input001", ["INPUT001 input.invalid", "  input problem:"]),
    ],
)
def test_rules_explains_codes_beyond_impact_and_conflict_rules(
    capsys: pytest.CaptureFixture[str], code: str, first_lines: list[str]
) -> None:
    status, out, _ = _run(capsys, "rules", code)
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == first_lines[0]
    assert lines[1].startswith(first_lines[1])
    assert "defined in " in out


@pytest.mark.parametrize(
    ("typo", "suggestion"),
    [
        # Regression: the closest of all codes is REM009, a remedy; EMP codes are impact rules.
        ("EMP009", "EMP003"),
        # Regression: INC01 is nearest to conflict INC101 by letters, but INC001-099 are impact rules.
        ("INC01", "INC001"),
        ("CON01", "CON001"),
        ("GRD20", "GRD020"),
        ("REM0011", "REM011"),
        ("BN001", "BON001"),  # misspelt letters: the family with the closest letters
    ],
)
def test_code_suggestions_stay_within_the_family(rulebook: Rulebook, typo: str, suggestion: str) -> None:
    registry = build_registry(rulebook)
    found = registry.suggest(typo)
    assert found == suggestion
    entry = registry.get(suggestion)
    assert entry is not None and entry.family == registry.family_of(typo)


def test_an_unknown_code_is_refused_with_a_suggestion_of_its_family(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = _run(capsys, "rules", "EMP009")
    assert status == 2
    assert out == ""
    assert (
        err
        == "error: no code 'EMP009' in the rulebook or among policyweigh's own codes (did you mean 'EMP003'?)\n"
    )


def test_a_code_of_no_family_gets_no_guess(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = _run(capsys, "rules", "ZZZZZZ")
    assert status == 2
    assert "did you mean" not in err


def test_the_rule_list_counts_the_other_codes(capsys: pytest.CaptureFixture[str], rulebook: Rulebook) -> None:
    status, out, _ = _run(capsys, "rules")
    assert status == 0
    counts = build_registry(rulebook).counts()
    assert (
        f"{counts['guardrail']} guardrail, {counts['trade-off']} trade-off, {counts['remedy']} remedy" in out
    )


def _copy_of_the_bundled_rulebook(folder: Path, *, own_packs: bool) -> Path:
    book = folder / "rulebook"
    shutil.copytree(DATA_DIR, book)
    if not own_packs:
        (book / "guardrails.yaml").unlink()
    return book


def test_guardrail_codes_of_the_bundled_rulebook_are_defined_in_the_bundled_packs(rulebook: Rulebook) -> None:
    entry = build_registry(rulebook).get("GRD010")
    assert entry is not None
    assert entry.source == "the bundled guardrails.yaml, pack uk"


def test_a_rulebook_without_guardrails_yaml_names_the_bundled_packs_not_a_missing_file(
    tmp_path: Path,
) -> None:
    # Regression: the label read "guardrails.yaml of <the organisation's folder>", a file that does not exist.
    book = load_rulebook(_copy_of_the_bundled_rulebook(tmp_path, own_packs=False))
    assert not (Path(book.source) / "guardrails.yaml").exists()
    entry = build_registry(book).get("GRD010")
    assert entry is not None
    assert entry.source == "the bundled guardrails.yaml, pack uk"


def test_a_rulebook_with_its_own_guardrails_yaml_names_that_file(tmp_path: Path) -> None:
    folder = _copy_of_the_bundled_rulebook(tmp_path, own_packs=True)
    entry = build_registry(load_rulebook(folder)).get("GRD010")
    assert entry is not None
    assert entry.source == f"{folder / 'guardrails.yaml'}, pack uk"


def test_guardrail_packs_given_to_the_registry_replace_the_rulebooks(rulebook: Rulebook) -> None:
    packs = {key: pack for key, pack in load_guardrails().items() if key == "uk"}
    registry = build_registry(rulebook, packs)
    assert registry.codes("guardrail") == sorted(check.code for check in packs["uk"].checks)
    entry = registry.get("GRD010")
    assert entry is not None and entry.source == "guardrail packs given in code, pack uk"
