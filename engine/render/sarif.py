"""SARIF 2.1.0 output of `check`, for code-scanning tools (GitHub code scanning reads it).

One run: ``tool.driver.rules`` describes every code a finding can carry (the
rulebook's conflict rules, the guardrail requirements, the trade-off and
score-gate codes), each with a short description and help; each result names
its rule by ``ruleId`` and ``ruleIndex``, maps severity to ``level`` (error,
warning, note), and points at the policy file and the line of the offending
rule, with the other rules involved as related locations.

File locations are RFC 3986 URI references, percent-encoded (a space, ``#``, ``%``
or a non-ASCII letter in a file name stays one path), relative to the
``%SRCROOT%`` base (the working directory) when the file is under it, else
absolute ``file:`` URIs. Texts from policies and rulebooks have their control
characters shown as escapes (``policyweigh.render.escape``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from policyweigh import __version__
from policyweigh.config import NAME_CODES
from policyweigh.conflicts import TRADE_OFF_CODES
from policyweigh.gate import GATE_CODES, INVALID_INPUT, Finding, GateResult, Location
from policyweigh.render.escape import sarif_text, sarif_uri
from policyweigh.rulebook import Rulebook

__all__ = [
    "SARIF_SCHEMA",
    "SARIF_VERSION",
    "LEVELS",
    "SRCROOT",
    "RuleInfo",
    "render_sarif",
    "rule_catalogue",
    "to_uri",
]

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
"""Finding severity to SARIF level."""
SRCROOT = "%SRCROOT%"
"""The base of relative artifact URIs: the working directory `check` ran in."""


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


def rule_catalogue(book: Rulebook) -> list[RuleInfo]:
    """Every code a `check` finding can carry, sorted by code: the rulebook's guardrail packs included."""
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
    for pack in book.guardrails.values():
        for req in pack.checks:
            text = f"{req.summary} {req.citation}. {req.source}"
            if req.assumption:
                text += f" Assumed: {req.assumption}"
            rules[req.code] = RuleInfo(req.code, req.name, "guardrail", req.severity, req.summary, text)
    for code, (name, summary) in TRADE_OFF_CODES.items():
        text = (
            f"{summary} A warning, or info when the losing side loses no more than twice the verdict margin. "
            "`policyweigh evaluate` shows remedies with the scores after each."
        )
        rules[code] = RuleInfo(code, name, "trade-off", "warning", summary, text)
    for code, (name, summary) in GATE_CODES.items():
        text = f"{summary} Set by --min-employee / --min-customer, or min_employee / min_customer."
        rules[code] = RuleInfo(code, name, "score", "error", summary, text)
    for code, (name, summary) in NAME_CODES.items():
        rules[code] = RuleInfo(
            code, name, "input", "warning", summary.split(". ")[0].rstrip(".") + ".", summary
        )
    return [rules[code] for code in sorted(rules)]


def to_uri(file: str) -> str:
    """A SARIF artifact URI: a relative, percent-encoded reference when the file is under the
    working directory (resolved against ``%SRCROOT%``), else an absolute ``file:`` URI."""
    path = Path(file)
    if not path.is_absolute():
        return sarif_uri(path.as_posix())
    try:
        return sarif_uri(path.relative_to(Path.cwd()).as_posix())
    except ValueError:
        return path.as_uri()


def _artifact(uri: str) -> dict[str, str]:
    if uri.startswith("file:"):
        return {"uri": uri}
    return {"uri": uri, "uriBaseId": SRCROOT}


def _physical(location: Location) -> dict[str, Any]:
    physical: dict[str, Any] = {"region": {"startLine": max(location.line, 1)}}
    if location.column is not None:
        physical["region"]["startColumn"] = max(location.column, 1)
    if location.file is not None:
        physical["artifactLocation"] = _artifact(to_uri(location.file))
    else:
        physical["artifactLocation"] = _artifact(sarif_uri(f"{location.policy}.yaml"))
    return physical


def _location(location: Location, index: int | None = None) -> dict[str, Any]:
    name = location.rule.split("/", 1)[1] if location.rule else location.policy
    out: dict[str, Any] = {"physicalLocation": _physical(location)}
    if name:
        out["logicalLocations"] = [
            {
                "name": sarif_text(name),
                "fullyQualifiedName": sarif_text(location.rule or location.policy),
                "kind": "object",
            }
        ]
    if index is not None:
        out["id"] = index
    return out


def _fingerprint(finding: Finding) -> str:
    text = "|".join([finding.code, *finding.policies, *finding.rules])
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _result(finding: Finding, index: dict[str, int]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": sarif_text(finding.code),
        "ruleIndex": index[finding.code],
        "level": LEVELS.get(finding.severity, "error"),
        "message": {"text": sarif_text(finding.message)},
        "locations": [_location(finding.location)],
        "partialFingerprints": {"policyweighFinding/v1": _fingerprint(finding)},
        "properties": {
            "kind": sarif_text(finding.kind),
            "severity": sarif_text(finding.severity),
            "policies": [sarif_text(p) for p in finding.policies],
            "rules": [sarif_text(r) for r in finding.rules],
            "failsGate": finding.fails,
        },
    }
    related = [_location(loc, i) for i, loc in enumerate(finding.locations[1:], start=1)]
    if related:
        result["relatedLocations"] = related
    if finding.citation:
        result["properties"]["citation"] = sarif_text(finding.citation)
    return result


def render_sarif(result: GateResult, book: Rulebook) -> dict[str, Any]:
    """The SARIF 2.1.0 log of a check, as JSON-ready data; rules are described from ``book``."""
    catalogue = rule_catalogue(book)
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
            "id": sarif_text(info.code),
            "name": sarif_text(info.name),
            "shortDescription": {"text": sarif_text(info.summary)},
            "fullDescription": {"text": sarif_text(info.summary)},
            "help": {"text": sarif_text(info.help)},
            "defaultConfiguration": {"level": LEVELS.get(info.severity, "warning")},
            "properties": {"kind": sarif_text(info.kind), "tags": [sarif_text(info.kind)]},
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
                        "name": "policyweigh",
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
