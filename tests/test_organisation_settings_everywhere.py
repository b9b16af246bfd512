"""An organisation's rulebook and settings reach every path: check in every format, the BDD steps, diff.

Regressions: `check --format sarif` described guardrail codes from the bundled packs, not
the organisation's; the BDD steps refused a conflict code of the organisation's own
guardrail pack as unknown; `diff` is held here to evaluate both sides with the settings'
edge margin, as `check` does. Every test runs the real engine on an organisation's
rulebook: the bundled one with the German break rule renumbered GRD920 and renamed.
"""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest

from policyweigh.cli import main
from policyweigh.rulebook import DATA_DIR, load_rulebook

pytest_plugins = ["pytester"]

OWN_CODE = "GRD920"
OWN_SUMMARY = "Our house rule, a first break within six hours on every German site."

BERLIN = """\
id: berlin
title: Berlin lunch window
jurisdiction: de
scope:
  shift_hours: 6.75
  shift_starts: ["08:00"]
rules:
  - kind: break-rule
    break: any
    min_minutes: 30
    scheduling: fixed
    blocked_windows: [{{from: "{start}", to: "14:45"}}]
"""
"""A break rule breaching the German rest-break rule at the default edge margin (30 minutes): 6 h 15
of work need 30 minutes of break, and never more than six hours in a row (ArbZG section 4). With
``start`` 08:45 the break 08:15-08:45 fits without the margin and leaves 6 hours of work after it;
with 08:30 or 08:00 no break leaves both stretches at six hours or less."""


def own_rulebook(folder: Path) -> Path:
    """The bundled rulebook with its own guardrails.yaml, where GRD020 became OWN_CODE."""
    book = folder / "rulebook"
    shutil.copytree(DATA_DIR, book)
    packs = book / "guardrails.yaml"
    text = packs.read_text(encoding="utf-8")
    old_summary = "summary: 30 minutes of breaks for over 6 up to 9 hours, never more than 6 hours in a row without one."
    assert "code: GRD020" in text and old_summary in text
    text = text.replace("code: GRD020", f"code: {OWN_CODE}").replace(old_summary, f"summary: {OWN_SUMMARY}")
    packs.write_text(text, encoding="utf-8")
    return book


@pytest.fixture
def organisation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder naming its own rulebook in policyweigh.toml, with one breaching policy."""
    own_rulebook(tmp_path)
    (tmp_path / "policyweigh.toml").write_text('rulebook = "rulebook"\n', encoding="utf-8")
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "berlin.yaml").write_text(BERLIN.format(start="08:30"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_organisations_rulebook_holds_its_own_guardrail_pack(organisation: Path) -> None:
    packs = load_rulebook(organisation / "rulebook").guardrails
    codes = {req.code for pack in packs.values() for req in pack.requirements}
    assert OWN_CODE in codes and "GRD020" not in codes


def test_check_sarif_describes_the_organisations_own_guardrail_codes(
    organisation: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "policies", "--format", "sarif"]) == 1
    sarif = json.loads(capsys.readouterr().out)
    run = sarif["runs"][0]
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    assert [r["ruleId"] for r in run["results"] if r["ruleId"].startswith("GRD")] == [OWN_CODE]
    # Described from the organisation's pack (its summary, its article), not as a bare code.
    assert rules[OWN_CODE]["shortDescription"]["text"] == OWN_SUMMARY
    assert "Arbeitszeitgesetz" in rules[OWN_CODE]["help"]["text"]
    assert "GRD020" not in rules


def test_check_json_and_text_report_the_organisations_code(
    organisation: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "policies", "--format", "json"]) == 1
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert [f["code"] for f in findings if f["kind"] == "guardrail"] == [OWN_CODE]
    assert main(["check", "policies"]) == 1
    assert f"| {OWN_CODE} |" in capsys.readouterr().out


def test_bdd_steps_know_the_conflict_codes_of_the_organisations_own_guardrail_pack(
    pytester: pytest.Pytester,
) -> None:
    own_rulebook(pytester.path)
    (pytester.path / "policyweigh.toml").write_text('rulebook = "rulebook"\n', encoding="utf-8")
    pytester.makeini("[pytest]\npolicyweigh_policies = policies\nbdd_features_base_dir = features\n")
    pytester.mkdir("policies")
    (pytester.path / "policies" / "berlin.yaml").write_text(BERLIN.format(start="08:30"), encoding="utf-8")
    pytester.mkdir("features")
    (pytester.path / "features" / "legal.feature").write_text(
        textwrap.dedent(
            f"""\
            Feature: Our own guardrails
              Scenario: The Berlin window breaks our house rule
                Given the policy "berlin"
                When it is evaluated
                Then conflict "{OWN_CODE}" is found

              Scenario: The bundled code is no code of ours
                Given the policy "berlin"
                When it is evaluated
                Then conflict "GRD020" is not found
            """
        ),
        encoding="utf-8",
    )
    pytester.makepyfile(test_bound_features='from pytest_bdd import scenarios\n\nscenarios(".")\n')
    result = pytester.runpytest("-p", "no:cacheprovider", "-W", "ignore::pytest.PytestAssertRewriteWarning")
    # The organisation's code is known and found; the bundled one is refused as no code of this rulebook.
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*unknown conflict code 'GRD020' (did you mean 'GRD920'?)*"])
    result.stdout.no_fnmatch_line(f"*unknown conflict code '{OWN_CODE}'*")


def test_diff_evaluates_both_sides_with_the_settings_edge_margin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Without the edge margin a break 08:15-08:45 fits before the old window, not before the new.
    for side, start in (("old", "08:45"), ("new", "08:00")):
        (tmp_path / side).mkdir()
        (tmp_path / side / "berlin.yaml").write_text(BERLIN.format(start=start), encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    def guardrails_checked(side: str) -> list[str]:
        main(["check", side, "--format", "json", "--fail-on", "never"])
        findings = json.loads(capsys.readouterr().out)["findings"]
        return [f["code"] for f in findings if f["kind"] == "guardrail"]

    def guardrails_added() -> list[str]:
        assert main(["diff", "old", "new", "--format", "json"]) == 0
        diff = json.loads(capsys.readouterr().out)
        return [c["code"] for c in diff["conflicts_added"] if c["kind"] == "guardrail"]

    # Default margin (30 minutes): both sides breach, so the diff adds no guardrail conflict.
    assert guardrails_checked("old") == guardrails_checked("new") == ["GRD020"]
    assert guardrails_added() == []
    # The organisation's settings drop the margin: check changes, and diff changes the same way.
    (tmp_path / "policyweigh.toml").write_text("edge_margin_minutes = 0\n", encoding="utf-8")
    assert (guardrails_checked("old"), guardrails_checked("new")) == ([], ["GRD020"])
    assert guardrails_added() == ["GRD020"]


def test_check_sarif_on_a_broken_policy_describes_the_organisations_rulebook(
    organisation: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Regression: when a policy failed to load, SARIF's rule catalogue came from the bundled
    # rulebook although the organisation's had been named in the settings.
    (organisation / "policies" / "broken.yaml").write_text(
        "id: broken\ntitle: Broken\nrules:\n  - kind: break-rule\n    brake: lunch\n", encoding="utf-8"
    )
    assert main(["check", "policies", "--format", "sarif"]) == 2
    run = json.loads(capsys.readouterr().out)["runs"][0]
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    assert OWN_CODE in rules and "GRD020" not in rules
    assert rules[OWN_CODE]["shortDescription"]["text"] == OWN_SUMMARY
    results = run["results"]
    assert {r["ruleId"] for r in results} == {"INPUT001"}
    assert any(
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("broken.yaml")
        for r in results
    )


def test_check_sarif_with_a_broken_rulebook_falls_back_to_the_bundled_catalogue(
    organisation: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The organisation's rulebook cannot describe anything when it is itself the broken input.
    (organisation / "rulebook" / "criteria.yaml").write_text("criteria: [\n", encoding="utf-8")
    assert main(["check", "policies", "--format", "sarif"]) == 2
    run = json.loads(capsys.readouterr().out)["runs"][0]
    rules = {rule["id"] for rule in run["tool"]["driver"]["rules"]}
    assert "GRD020" in rules and OWN_CODE not in rules
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
    assert any(uri.endswith("criteria.yaml") for uri in uris), uris
