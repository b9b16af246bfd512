"""Failure messages of the BDD steps: what a step expected, and the part of the evaluation that says why not.

Every failing step raises ``PolicyCheckFailed``, an ``AssertionError`` whose
message is one of these: the scores and the contributions behind them for a
verdict or impact, the conflicts found for a conflict step, the remedies
offered for a remedy step. Typos in the words a step checks (verdicts, kinds,
severities, codes) fail with a "did you mean" suggestion instead of passing.

This module needs neither pytest nor pytest-bdd: the messages are tested
directly, and tools may reuse them.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from policyweigh.formatting import plain, with_sign
from policyweigh.results import (
    Conflict,
    ConflictKind,
    Contribution,
    PolicyResult,
    RemedyResult,
    Severity,
    Verdict,
)
from policyweigh.suggest import did_you_mean

__all__ = [
    "COMPARISONS",
    "KINDS",
    "REASON_CHARS",
    "SEVERITIES",
    "SIDES",
    "TOP",
    "VERDICTS",
    "PolicyCheckFailed",
    "check_word",
    "clip",
    "compare",
    "conflict_line",
    "conflict_name",
    "conflicts_message",
    "contribution_line",
    "criterion_message",
    "fail",
    "impact_message",
    "remedy_line",
    "remedy_message",
    "scores_summary",
    "verdict_message",
]

VERDICTS: tuple[str, ...] = Verdict.__args__  # type: ignore[attr-defined]
KINDS: tuple[str, ...] = ConflictKind.__args__  # type: ignore[attr-defined]
SEVERITIES: tuple[str, ...] = Severity.__args__  # type: ignore[attr-defined]
SIDES = {
    "employee": "employee",
    "customer": "customer",
    "direct customer": "customer_direct",
    "indirect customer": "customer_indirect",
}
"""How a step names a side score, to its key in the scores."""
COMPARISONS: dict[str, Callable[[float, float], bool]] = {
    "at least": operator.ge,
    "at most": operator.le,
    "above": operator.gt,
    "below": operator.lt,
    "exactly": operator.eq,
}
TOP = 5
"""Contributions shown in a failure message."""
REASON_CHARS = 110
"""Longest reason or explanation shown in a failure message; longer ones are clipped."""


class PolicyCheckFailed(AssertionError):
    """A step's expectation about a policy does not hold; the message shows why."""


def fail(message: str) -> PolicyCheckFailed:
    """The failure to raise: ``raise fail(...)`` keeps the raise visible at the call site."""
    return PolicyCheckFailed(message)


def check_word(kind: str, value: str, choices: Sequence[str]) -> str:
    """Check a word against its choices (verdicts, kinds, severities); a typo fails with a suggestion."""
    if value not in choices:
        raise fail(f"unknown {kind} {value!r}{did_you_mean(value, choices)}; known: {', '.join(choices)}")
    return value


def clip(text: str, limit: int = REASON_CHARS) -> str:
    """``text`` on one line, cut to ``limit`` characters with ``...``."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 2]
    # Cut at a word boundary when there is one, so no word is shown half.
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut[:-1]).rstrip(" ,;:") + "..."


def compare(actual: float, comparison: str, expected: float) -> bool:
    """Whether ``actual`` is ``comparison`` (at least, at most, above, below, exactly) ``expected``."""
    return COMPARISONS[comparison](actual, expected)


def scores_summary(result: PolicyResult) -> str:
    """``employee -46, customer -4: direct +8, indirect -12``."""
    s = result.scores
    return (
        f"employee {with_sign(s.employee)}, customer {with_sign(s.customer)}: "
        f"direct {with_sign(s.customer_direct)}, indirect {with_sign(s.customer_indirect)}"
    )


def contribution_line(contribution: Contribution, *, criterion: bool = True) -> str:
    """One contribution as a message line: ``  BRK001 employee.autonomy -2: reason``."""
    what = f" {contribution.criterion}" if criterion else ""
    return f"  {contribution.rule}{what} {with_sign(contribution.delta)}: {clip(contribution.reason)}"


def _contribution_lines(
    contributions: Iterable[Contribution], *, key: Callable[[Contribution], Any], criterion: bool = True
) -> list[str]:
    chosen = sorted(contributions, key=key)[:TOP]
    if not chosen:
        return ["  (no rule contributed)"]
    return [contribution_line(c, criterion=criterion) for c in chosen]


def verdict_message(result: PolicyResult, expected: str) -> str:
    """Why a policy's verdict is not the one expected: its scores and top contributions."""
    lines = [
        f"expected the verdict {expected!r} for {result.id}, got {result.verdict!r} "
        f"({scores_summary(result)})",
        "top contributions:",
        *_contribution_lines(result.contributions, key=lambda c: -abs(c.delta)),
    ]
    return "\n".join(lines)


def impact_message(result: PolicyResult, side: str, comparison: str, expected: float) -> str:
    """Why a side score misses its bound: the score and the contributions pulling it the wrong way."""
    key = SIDES[side]
    actual = getattr(result.scores, key)
    head = f"expected the {side} impact of {result.id} to be {comparison} {plain(expected)}, "
    head += f"got {plain(actual)}"
    if key.startswith("customer"):
        head += f" (customer {with_sign(result.scores.customer)}: direct {with_sign(result.scores.customer_direct)}, "
        head += f"indirect {with_sign(result.scores.customer_indirect)})"
    # Contributions behind the score: the indirect customer part follows the employee score.
    prefix = "customer." if key in ("customer", "customer_direct") else "employee."
    if key == "customer_indirect":
        label = "employee contributions (the indirect customer impact follows the employee impact)"
    else:
        label = f"{prefix[:-1]} contributions"
    wants_higher = comparison in ("at least", "above") or (comparison == "exactly" and actual < expected)
    order = "most negative first" if wants_higher else "most positive first"
    lines = [head, f"{label}, {order}:"]
    relevant = [c for c in result.contributions if c.criterion.startswith(prefix)]
    lines += _contribution_lines(relevant, key=lambda c: c.delta if wants_higher else -c.delta)
    if key == "customer" and result.scores.customer_indirect:
        employee = [c for c in result.contributions if c.criterion.startswith("employee.")]
        lines.append(
            f"employee contributions behind the indirect part ({with_sign(result.scores.customer_indirect)}):"
        )
        lines += _contribution_lines(employee, key=lambda c: c.delta if wants_higher else -c.delta)
    return "\n".join(lines)


def criterion_message(
    result: PolicyResult, criterion: str, comparison: str, expected: float, weight: float
) -> str:
    """Why a criterion's weighted value misses its bound: the contributions to it."""
    actual = result.scores.criteria.get(criterion, 0.0)
    lines = [
        f"expected the criterion {criterion} of {result.id} to be {comparison} {plain(expected)}, "
        f"got {plain(actual)} (weight {plain(weight)})",
        f"contributions to {criterion}:",
        *_contribution_lines(
            [c for c in result.contributions if c.criterion == criterion],
            key=lambda c: c.delta,
            criterion=False,
        ),
    ]
    return "\n".join(lines)


def conflict_name(conflict: Conflict) -> str:
    """A conflict in a headline: ``CON006 (payroll-cut/rules[0])``."""
    return f"{conflict.code} ({', '.join(conflict.rules or conflict.policies)})"


def conflict_line(conflict: Conflict) -> str:
    """One conflict as a message line: ``  CODE kind severity, rules: explanation``."""
    where = ", ".join(conflict.rules or conflict.policies)
    text = clip(conflict.explanation, 2 * REASON_CHARS)
    if conflict.citation and conflict.citation not in text:
        text += f" [{conflict.citation}]"
    return f"  {conflict.code} {conflict.kind} {conflict.severity}, {where}: {text}"


def conflicts_message(headline: str, conflicts: Sequence[Conflict], *, label: str = "conflicts found") -> str:
    """A headline and the conflicts behind it, one a line (``none`` when there are none)."""
    if not conflicts:
        return f"{headline}\n{label}: none"
    return "\n".join([headline, f"{label}:", *(conflict_line(c) for c in conflicts)])


def remedy_line(remedy: RemedyResult) -> str:
    """One remedy as a message line: where it patches, the scores after, whether it resolves."""
    after = remedy.scores_after
    target = f"{remedy.patch.policy}/rules[{remedy.patch.rule_index}]"
    resolves = "resolves the conflict" if remedy.resolves else "does not resolve the conflict"
    new = f", new conflicts: {', '.join(remedy.new_conflicts)}" if remedy.new_conflicts else ""
    moves = (
        ("employee", after.employee, after.employee_change),
        ("customer", after.customer, after.customer_change),
    )
    sides = [f"{side} {with_sign(value - change)} -> {with_sign(value)}" for side, value, change in moves]
    return f"  {remedy.code} on {target}: {', '.join(sides)}, {resolves}{new}: {clip(remedy.summary)}"


def remedy_message(headline: str, conflict: Conflict) -> str:
    """A headline and the remedies a conflict offers, best first."""
    if not conflict.remedies:
        return f"{headline}\nremedies: none"
    return "\n".join([headline, "remedies, best first:", *(remedy_line(r) for r in conflict.remedies)])
