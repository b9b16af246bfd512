"""The `check` gate: findings from an evaluation, located in their files, and which of them fail.

A finding is a conflict of the evaluation (contradictions, incentives,
trade-offs, guardrail breaches, and the policy-level findings: harm to a side
``HRM001``/``HRM002``, duplicate rules ``DUP001``, implausible values
``PLS001``), or a policy scoring below a configured minimum (``GATE001``
employee impact, ``GATE002`` customer impact). Which findings fail:

- a conflict fails when its severity is at or above ``fail_on``
  (``error``: errors only; ``warning``: warnings and errors; ``never``: none);
  harm and error-level guardrail breaches are errors, so the default gate
  fails on them;
- a score below a minimum always fails: a minimum is only there when someone
  set one, and ``fail_on`` speaks of conflict severities.

The gate passes when no finding fails. Findings are located at the line of
the first policy rule they name (``LoadedPolicy.rule_lines``), or at the
policy's ``id`` line, and sorted by file, line and code. A finding carries the
remedies worked out for it (`check` works them out only for the findings that
fail; ``describe_remedy`` is the one sentence every format prints for one).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from policyweigh.config import FailOn
from policyweigh.errors import Problem
from policyweigh.formatting import format_value
from policyweigh.patching import added_rule_words, changed_fields, patch_target
from policyweigh.results import (
    SEVERITY_RANK,
    Conflict,
    Evaluation,
    RemedyResult,
    Severity,
    parse_rule_ref,
)

__all__ = [
    "GATE_CODES",
    "INVALID_INPUT",
    "MIN_CUSTOMER",
    "MIN_EMPLOYEE",
    "Finding",
    "GateResult",
    "Location",
    "Source",
    "describe_remedy",
    "fails_at",
    "input_result",
    "run_gate",
]

MIN_EMPLOYEE = "GATE001"
MIN_CUSTOMER = "GATE002"
INVALID_INPUT = "INPUT001"
GATE_CODES: dict[str, tuple[str, str]] = {
    MIN_EMPLOYEE: ("gate.min-employee", "A policy's employee impact is below the configured minimum."),
    MIN_CUSTOMER: ("gate.min-customer", "A policy's customer impact is below the configured minimum."),
    INVALID_INPUT: ("input.invalid", "A file cannot be read, or does not follow its format."),
}
"""Code to (dotted name, summary) of the score-gate findings."""


class Source(Protocol):
    """Where a policy came from (``policyweigh.loading.LoadedPolicy`` is one)."""

    @property
    def file(self) -> str: ...

    @property
    def rule_lines(self) -> tuple[int, ...]: ...

    @property
    def line(self) -> int: ...


@dataclass(frozen=True)
class Location:
    """A place a finding points at: a policy file and line, and the policy rule if any."""

    file: str | None
    line: int
    policy: str
    rule: str | None = None
    """The rule as ``policy-id/rules[i]``; None for the policy as a whole."""
    column: int | None = None
    """Column of the offending value, where known (input problems)."""

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        data: dict[str, Any] = {
            "file": self.file,
            "line": self.line,
            "policy": self.policy,
            "rule": self.rule,
        }
        if self.column is not None:
            data["column"] = self.column
        return data


@dataclass(frozen=True)
class Finding:
    """One thing `check` reports: a conflict or a score below a minimum."""

    code: str
    kind: str
    """trade-off, contradiction, guardrail, incentive, harm, duplicate, implausible, score or input."""
    severity: Severity
    message: str
    policies: tuple[str, ...]
    rules: tuple[str, ...]
    locations: tuple[Location, ...]
    """The first is where the finding is reported."""
    fails: bool
    """Whether it fails the gate."""
    citation: str | None = None
    remedies: tuple[RemedyResult, ...] = ()
    """Remedies, best first, each with the scores after it (worked out for failing findings)."""

    @property
    def location(self) -> Location:
        """Where the finding is reported."""
        return self.locations[0]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready data (the `findings` items of `check --format json`)."""
        return {
            "code": self.code,
            "kind": self.kind,
            "severity": self.severity,
            "message": self.message,
            "file": self.location.file,
            "line": self.location.line,
            "policies": list(self.policies),
            "rules": list(self.rules),
            "locations": [loc.as_dict() for loc in self.locations],
            "fails": self.fails,
            "citation": self.citation,
            "remedies": [r.model_dump(mode="json") for r in self.remedies],
        }

    def remedy_lines(self) -> list[str]:
        """One sentence per remedy (``describe_remedy``), best first."""
        return [describe_remedy(r) for r in self.remedies]


def _patch_value(key: str, value: Any) -> str:
    """A value a remedy sets, as a person reads it: ``removed``, ``none``, ``10:00-11:30``."""
    if value is None:
        return "removed"
    if isinstance(value, list):
        if not value:
            return "none"
        if all(isinstance(v, dict) and set(v) == {"from", "to"} for v in value):
            return ", ".join(f"{v['from']}-{v['to']}" for v in value)
    return format_value(key, value)


def describe_remedy(remedy: RemedyResult) -> str:
    """``remedy CODE on p/rules[i]: summary (field: value) -> employee E (+dE), customer C (+dC); resolves``.

    A remedy that adds a rule is on the policy and words the rule (``on p: summary (add a break
    rule: lunch, 30 minutes, unpaid) -> ...``); scope fields read ``scope.shift_hours: 9.5``.
    """
    patch = remedy.patch
    fields = [f"{key}: {_patch_value(key, value)}" for key, value in changed_fields(patch)]
    if patch.action == "add-rule":
        changes = "; ".join([f"add {added_rule_words(patch.set)}", *fields])
    else:
        changes = ", ".join(fields)
    after = remedy.scores_after
    status = "resolves" if remedy.resolves else "does not resolve"
    created = f"; creates {', '.join(remedy.new_conflicts)}" if remedy.new_conflicts else ""
    return (
        f"remedy {remedy.code} on {patch_target(patch)}: {remedy.summary.rstrip('.')}"
        f" ({changes}) -> employee {after.employee:+d} ({after.employee_change:+d}), "
        f"customer {after.customer:+d} ({after.customer_change:+d}); {status}{created}"
    )


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


@dataclass(frozen=True)
class GateResult:
    """Every finding of a check, and whether the gate passed."""

    findings: tuple[Finding, ...]
    policies: int
    fail_on: FailOn
    min_employee: int | None = None
    min_customer: int | None = None
    harm_bound: int | None = None
    """The harm bound the evaluation was checked with (None: no evaluation, bad input)."""
    remedies_skipped: int = 0
    """Failing findings left without remedies because the remedy budget was spent."""

    @property
    def passed(self) -> bool:
        """Whether no finding fails the gate."""
        return not any(f.fails for f in self.findings)

    @property
    def failing(self) -> tuple[Finding, ...]:
        """The findings that fail the gate."""
        return tuple(f for f in self.findings if f.fails)

    def summary(self) -> dict[str, Any]:
        """Counts and the gate's settings (the `summary` of `check --format json`)."""
        severities = Counter(f.severity for f in self.findings)
        kinds = Counter(f.kind for f in self.findings)
        return {
            "policies": self.policies,
            "findings": len(self.findings),
            "failing": len(self.failing),
            "by_severity": {s: severities.get(s, 0) for s in ("error", "warning", "info")},
            "by_kind": {k: kinds[k] for k in sorted(kinds)},
            "fail_on": self.fail_on,
            "min_employee": self.min_employee,
            "min_customer": self.min_customer,
            "harm_bound": self.harm_bound,
        }

    def as_dict(self) -> dict[str, Any]:
        """What `check --format json` prints."""
        return {
            "findings": [f.as_dict() for f in self.findings],
            "summary": self.summary(),
            "passed": self.passed,
        }

    def summary_line(self) -> str:
        """One line: counts, what fails, and the outcome."""
        severities = Counter(f.severity for f in self.findings)
        counts = ", ".join(f"{severities[s]} {s}" for s in ("error", "warning", "info") if severities[s])
        found = _plural(len(self.findings), "finding")
        if counts:
            found += f" ({counts})"
        gate = [f"--fail-on {self.fail_on}"]
        if self.min_employee is not None:
            gate.append(f"--min-employee {self.min_employee}")
        if self.min_customer is not None:
            gate.append(f"--min-customer {self.min_customer}")
        if self.harm_bound is not None:
            gate.append(f"--harm-bound {self.harm_bound}")
        failing = len(self.failing)
        fails = "none fails" if failing == 0 else f"{failing} {'fails' if failing == 1 else 'fail'}"
        outcome = "passed" if self.passed else "FAILED"
        return (
            f"Checked {_plural(self.policies, 'policy', 'policies')}: {found}; "
            f"{fails} the gate ({', '.join(gate)}): {outcome}"
        )


def input_result(problems: Sequence[Problem], fail_on: FailOn) -> GateResult:
    """Problems with the input as findings (``INPUT001``), so machine formats report them too.

    Every one fails: nothing was evaluated. `check` exits 2 for them, as for any bad input.
    """
    findings = []
    for problem in problems:
        findings.append(
            Finding(
                code=INVALID_INPUT,
                kind="input",
                severity="error",
                message=problem.detail,
                policies=(),
                rules=(),
                locations=(Location(problem.file, problem.line, "", column=problem.column),),
                fails=True,
            )
        )
    return GateResult(findings=tuple(findings), policies=0, fail_on=fail_on)


def fails_at(severity: str, fail_on: FailOn) -> bool:
    """Whether a conflict of ``severity`` fails a gate set to ``fail_on``."""
    if fail_on == "never":
        return False
    return SEVERITY_RANK[severity] >= SEVERITY_RANK[fail_on]


def _locate(ref: str, sources: Mapping[str, Source], files: Mapping[str, str | None]) -> Location:
    policy_id, index = parse_rule_ref(ref)
    source = sources.get(policy_id)
    if source is None:
        return Location(files.get(policy_id), 1, policy_id, ref)
    line = source.rule_lines[index] if index < len(source.rule_lines) else source.line
    return Location(source.file, line, policy_id, ref)


def _policy_location(
    policy_id: str, sources: Mapping[str, Source], files: Mapping[str, str | None]
) -> Location:
    source = sources.get(policy_id)
    if source is None:
        return Location(files.get(policy_id), 1, policy_id)
    return Location(source.file, source.line, policy_id)


def _conflict_finding(
    conflict: Conflict, fail_on: FailOn, sources: Mapping[str, Source], files: Mapping[str, str | None]
) -> Finding:
    locations = [_locate(ref, sources, files) for ref in conflict.rules]
    for policy_id in conflict.policies:
        if not any(loc.policy == policy_id for loc in locations):
            locations.append(_policy_location(policy_id, sources, files))
    return Finding(
        code=conflict.code,
        kind=conflict.kind,
        severity=conflict.severity,
        message=" ".join(conflict.explanation.split()),
        policies=tuple(conflict.policies),
        rules=tuple(conflict.rules),
        locations=tuple(locations),
        fails=fails_at(conflict.severity, fail_on),
        citation=conflict.citation,
        remedies=tuple(conflict.remedies),
    )


def run_gate(
    evaluation: Evaluation,
    *,
    fail_on: FailOn = "error",
    min_employee: int | None = None,
    min_customer: int | None = None,
    sources: Mapping[str, Source] | None = None,
    harm_bound: int | None = None,
    score_remedies: Mapping[tuple[str, str], Sequence[RemedyResult]] | None = None,
    remedies_skipped: int = 0,
) -> GateResult:
    """Findings of an evaluation (its conflicts and scores) under the gate's settings.

    ``sources`` maps policy id to where it was loaded from, for file and line
    (else the result's file, line 1). ``harm_bound`` is the bound the
    evaluation's harm findings were found with, for the summary;
    ``score_remedies`` maps (policy id, side) to the remedies of a score below
    its minimum.
    """
    score_remedies = score_remedies or {}
    sources = sources or {}
    files = {r.id: r.file for r in evaluation.policies}
    found = [_conflict_finding(c, fail_on, sources, files) for c in evaluation.conflicts]
    for result in evaluation.policies:
        for code, side, minimum in (
            (MIN_EMPLOYEE, "employee", min_employee),
            (MIN_CUSTOMER, "customer", min_customer),
        ):
            value = result.scores.employee if side == "employee" else result.scores.customer
            if minimum is None or value >= minimum:
                continue
            found.append(
                Finding(
                    code=code,
                    kind="score",
                    severity="error",
                    message=(
                        f"{result.id}: {side} impact {value:+d} is below the minimum of {minimum:+d} "
                        f"(verdict {result.verdict})"
                    ),
                    policies=(result.id,),
                    rules=(),
                    locations=(_policy_location(result.id, sources, files),),
                    fails=True,
                    remedies=tuple(score_remedies.get((result.id, side), ())),
                )
            )
    found.sort(
        key=lambda f: (f.location.file or f.location.policy, f.location.line, f.code, f.policies, f.rules)
    )
    return GateResult(
        findings=tuple(found),
        policies=len(evaluation.policies),
        fail_on=fail_on,
        min_employee=min_employee,
        min_customer=min_customer,
        harm_bound=harm_bound,
        remedies_skipped=remedies_skipped,
    )
