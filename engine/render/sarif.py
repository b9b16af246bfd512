"""SARIF 2.1.0 output of `check`, for code-scanning tools (GitHub code scanning reads it).

One run: ``tool.driver.rules`` describes every code a finding can carry (the
rulebook's conflict rules, the guardrail requirements, the trade-off and
score-gate codes), each with a short description and help; each result names
its rule by ``ruleId`` and ``ruleIndex``, maps severity to ``level`` (error,
warning, note), and points at the policy file and the line of the offending
rule, with the other rules involved as related locations.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine import __version__
from engine.conflicts import TRADE_OFF_CODES
from engine.gate import GATE_CODES, INVALID_INPUT, Finding, GateResult, Location
from engine.guardrails import GuardrailPacks, load_guardrails
from engine.rulebook import Rulebook

__all__ = ["SARIF_SCHEMA", "SARIF_VERSION", "LEVELS", "RuleInfo", "render_sarif", "rule_catalogue", "to_uri"]

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
"""Finding severity to SARIF level."""


@dataclass(frozen=True)
class RuleInfo:
    """What SARIF says about one code."""

    code: str
    name: str
    kind: str
    severity: str
    summary: str
    help: str


def _citations(book: Rulebook, ids: Iterable[str]) -> str:
    found = [book.evidence[i].citation for i in ids if i in book.evidence]
    return f" Evidence: {'; '.join(found)}." if found else ""


def rule_catalogue(book: Rulebook, packs: GuardrailPacks | None = None) -> list[RuleInfo]:
    """Every code a `check` finding can carry, sorted by code."""
    packs = packs if packs is not None else load_guardrails()
    rules: dict[str, RuleInfo] = {}
    for rule in book.conflict_rules:
        remedies = [
            f"{code} ({book.remedies[code].summary})" for code in rule.remedies if code in book.remedies
        ]
        text = rule.summary
        if remedies:
            text += f" Remedies: {'; '.join(remedies)}."
        text += _citations(book, rule.evidence)
        rules[rule.code] = RuleInfo(rule.code, rule.name, rule.kind, rule.severity, rule.summary, text)
    for pack in packs.values():
        for req in pack.requirements:
            text = f"{req.summary} {req.citation}. {req.source}"
            if req.assumption:
                text += f" Assumed: {req.assumption}"
            rules[req.code] = RuleInfo(req.code, req.name, "guardrail", req.severity, req.summary, text)
    for code, (name, summary) in TRADE_OFF_CODES.items():
        text = (
            f"{summary} A warning, or info when the losing side loses no more than twice the verdict margin. "
            "`policyeval evaluate` shows remedies with the scores after each."
        )
        rules[code] = RuleInfo(code, name, "trade-off", "warning", summary, text)
    for code, (name, summary) in GATE_CODES.items():
        text = f"{summary} Set by --min-employee / --min-customer, or min_employee / min_customer."
        rules[code] = RuleInfo(code, name, "score", "error", summary, text)
    return [rules[code] for code in sorted(rules)]


def to_uri(file: str) -> str:
    """A SARIF artifact URI: a relative POSIX path when the file is under the working directory."""
    path = Path(file)
    if not path.is_absolute():
        return path.as_posix()
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_uri()


def _physical(location: Location) -> dict[str, Any]:
    physical: dict[str, Any] = {"region": {"startLine": max(location.line, 1)}}
    if location.column is not None:
        physical["region"]["startColumn"] = max(location.column, 1)
    if location.file is not None:
        physical["artifactLocation"] = {"uri": to_uri(location.file)}
    else:
        physical["artifactLocation"] = {"uri": f"{location.policy}.yaml"}
    return physical


def _location(location: Location, index: int | None = None) -> dict[str, Any]:
    name = location.rule.split("/", 1)[1] if location.rule else location.policy
    out: dict[str, Any] = {"physicalLocation": _physical(location)}
    if name:
        out["logicalLocations"] = [
            {"name": name, "fullyQualifiedName": location.rule or location.policy, "kind": "object"}
        ]
    if index is not None:
        out["id"] = index
    return out


def _fingerprint(finding: Finding) -> str:
    text = "|".join([finding.code, *finding.policies, *finding.rules])
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _result(finding: Finding, index: dict[str, int]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "ruleIndex": index[finding.code],
        "level": LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [_location(finding.location)],
        "partialFingerprints": {"policyevalFinding/v1": _fingerprint(finding)},
        "properties": {
            "kind": finding.kind,
            "severity": finding.severity,
            "policies": list(finding.policies),
            "rules": list(finding.rules),
            "failsGate": finding.fails,
        },
    }
    related = [_location(loc, i) for i, loc in enumerate(finding.locations[1:], start=1)]
    if related:
        result["relatedLocations"] = related
    if finding.citation:
        result["properties"]["citation"] = finding.citation
    return result


def render_sarif(result: GateResult, book: Rulebook, packs: GuardrailPacks | None = None) -> dict[str, Any]:
    """The SARIF 2.1.0 log of a check, as JSON-ready data."""
    catalogue = rule_catalogue(book, packs)
    known = {info.code for info in catalogue}
    for finding in result.findings:
        if finding.code not in known:  # a code from an organisation's own data: still described
            catalogue.append(
                RuleInfo(
                    finding.code, finding.code, finding.kind, finding.severity, finding.code, finding.code
                )
            )
            known.add(finding.code)
    index = {info.code: i for i, info in enumerate(catalogue)}
    # Bad input: nothing was evaluated, and `check` exits 2.
    invalid = any(f.code == INVALID_INPUT for f in result.findings)
    rules = [
        {
            "id": info.code,
            "name": info.name,
            "shortDescription": {"text": info.summary},
            "fullDescription": {"text": info.summary},
            "help": {"text": info.help},
            "defaultConfiguration": {"level": LEVELS.get(info.severity, "warning")},
            "properties": {"kind": info.kind, "tags": [info.kind]},
        }
        for info in catalogue
    ]
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "policyeval",
                        "version": __version__,
                        "rules": rules,
                    }
                },
                "results": [_result(f, index) for f in result.findings],
                "invocations": [
                    {
                        "executionSuccessful": not invalid,
                        "exitCode": 2 if invalid else 0 if result.passed else 1,
                    }
                ],
                "properties": {"summary": result.summary(), "passed": result.passed},
            }
        ],
    }
