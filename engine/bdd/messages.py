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

from policyweigh.formatting import format_value, plain, points, with_sign
from policyweigh.patching import added_rule_words, changed_fields, patch_target
from policyweigh.results import (
    VERDICTS,
    Conflict,
    ConflictKind,
    Contribution,
    PolicyResult,
    RemedyResult,
    Severity,
    parse_rule_ref,
)
from policyweigh.suggest import did_you_mean

__all__ = [
    "COMPARISONS",
    "KINDS",
    "MAIN_SIDES",
    "REASON_CHARS",
    "SEVERITIES",
    "SIDES",
    "TOP",
    "VERDICTS",
    "PolicyCheckFailed",
    "assessment_message",
    "check_word",
    "clip",
    "compare",
    "comparison_message",
    "conflict_line",
    "conflict_name",
    "conflicts_message",
    "contacts_message",
    "contribution_line",
    "criterion_message",
    "fail",
    "impact_message",
    "range_message",
    "reach_message",
    "remedy_line",
    "remedy_message",
    "scores_summary",
    "uncertainty_message",
    "verdict_message",
    "law_message",
    "outcome_message",
    "people_message",
    "finding_message",
    "queue_message",
    "shift_message",
    "amount_words",
]

KINDS: tuple[str, ...] = ConflictKind.__args__  # type: ignore[attr-defined]
SEVERITIES: tuple[str, ...] = Severity.__args__  # type: ignore[attr-defined]
SIDES = {
    "employee": "employee",
    "customer": "customer",
    "direct customer": "customer_direct",
    "indirect customer": "customer_indirect",
}
"""How a step names a side score, to its key in the scores."""
MAIN_SIDES = ("employee", "customer")
"""The two sides that have a range and can be uncertain."""
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
    """One contribution as a message line: ``  BRK001 employee.autonomy -2: reason``; a customer
    contribution through a mechanism names it: ``  DRV004 customer.resolution -1.5 [attrition]: ...``."""
    what = f" {contribution.criterion}" if criterion else ""
    how = f" [{contribution.mechanism}]" if contribution.mechanism else ""
    return f"  {contribution.rule}{what} {points(contribution.delta)}{how}: {clip(contribution.reason)}"


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


_SIDE_CONTRIBUTIONS: dict[str, tuple[str, Callable[[Contribution], bool]]] = {
    "employee": ("employee contributions", lambda c: c.criterion.startswith("employee.")),
    "customer": ("customer contributions", lambda c: c.criterion.startswith("customer.")),
    "customer_direct": (
        "direct customer contributions",
        lambda c: c.criterion.startswith("customer.") and c.mechanism is None,
    ),
    "customer_indirect": (
        "indirect customer contributions (staff effects that reach customers through a mechanism)",
        lambda c: c.criterion.startswith("customer.") and c.mechanism is not None,
    ),
}
"""Score key to the label and the selection of the contributions behind it."""


def impact_message(result: PolicyResult, side: str, comparison: str, expected: float) -> str:
    """Why a side score misses its bound: the score and the contributions pulling it the wrong way."""
    key = SIDES[side]
    actual = getattr(result.scores, key)
    head = f"expected the {side} impact of {result.id} to be {comparison} {plain(expected)}, "
    head += f"got {plain(actual)}"
    if key.startswith("customer"):
        head += f" (customer {with_sign(result.scores.customer)}: direct {with_sign(result.scores.customer_direct)}, "
        head += f"indirect {with_sign(result.scores.customer_indirect)})"
    label, chosen = _SIDE_CONTRIBUTIONS[key]
    wants_higher = comparison in ("at least", "above") or (comparison == "exactly" and actual < expected)
    order = "most negative first" if wants_higher else "most positive first"
    lines = [head, f"{label}, {order}:"]
    relevant = [c for c in result.contributions if chosen(c)]
    lines += _contribution_lines(relevant, key=lambda c: c.delta if wants_higher else -c.delta)
    return "\n".join(lines)


def comparison_message(first: PolicyResult, second: PolicyResult, side: str, comparison: str) -> str:
    """Why one policy's side score does not compare as expected with another's: both scores and the
    contributions behind each."""
    key = SIDES[side]
    a, b = getattr(first.scores, key), getattr(second.scores, key)
    lines = [
        f"expected the {side} impact of {first.id} ({with_sign(a)}) to be {comparison} that of "
        f"{second.id} ({with_sign(b)})"
    ]
    label, chosen = _SIDE_CONTRIBUTIONS[key]
    for result in (first, second):
        lines.append(f"{label} of {result.id}, largest first:")
        lines += _contribution_lines(
            [c for c in result.contributions if chosen(c)], key=lambda c: -abs(c.delta)
        )
    return "\n".join(lines)


def side_range(result: PolicyResult, side: str) -> tuple[int, int]:
    """A side's [low, high]; a failure naming the policy when the evaluation gives no ranges."""
    if result.ranges is None:
        raise fail(f"the evaluation of {result.id} gives no ranges")
    span: tuple[int, int] = getattr(result.ranges, side)
    return span


def _band_lines(result: PolicyResult, side: str) -> list[str]:
    """The side's contributions, widest band first, with the band and the strength of the evidence."""
    label, chosen = _SIDE_CONTRIBUTIONS[side]
    relevant = sorted(
        (c for c in result.contributions if chosen(c)), key=lambda c: (-abs(c.delta) * c.band, c.rule)
    )[:TOP]
    lines = [f"{label}, widest band first:"]
    lines += [
        f"{contribution_line(c)} (band +/-{plain(round(100 * c.band))}%, evidence {c.strength or 'none'})"
        for c in relevant
    ] or ["  (no rule contributed)"]
    return lines


def range_message(result: PolicyResult, side: str, low: float, high: float) -> str:
    """Why a side's range is not within two bounds: the range, the score and the widest bands."""
    got_low, got_high = side_range(result, side)
    score = getattr(result.scores, side)
    head = (
        f"expected the {side} range of {result.id} to be within {plain(low)} and {plain(high)}, "
        f"got {with_sign(got_low)} to {with_sign(got_high)} (score {with_sign(score)})"
    )
    return "\n".join([head, *_band_lines(result, side)])


def uncertainty_message(result: PolicyResult, side: str, margin: float, *, expected: bool) -> str:
    """Why a side is (or is not) uncertain: its range against the margin, and the widest bands."""
    low, high = side_range(result, side)
    score = getattr(result.scores, side)
    meaning = f"its range reaching both a gain above +{plain(margin)} and a loss below -{plain(margin)}"
    head = (
        f"expected the {side} impact of {result.id} {'to be' if expected else 'not to be'} uncertain "
        f"({meaning}), got {with_sign(low)} to {with_sign(high)} (score {with_sign(score)})"
    )
    return "\n".join([head, *_band_lines(result, side)])


def reach_message(result: PolicyResult, people: int) -> str:
    """Why the reach is not the number of people expected."""
    got = result.reach.employees if result.reach is not None else None
    shown = "none: the policy's scope states no headcount" if got is None else f"{got} (scope.headcount)"
    return f"expected the reach of {result.id} to be {people} people, got {shown}"


def contacts_message(result: PolicyResult, comparison: str, percent: float) -> str:
    """Why the share of customer contacts the policy touches misses its bound."""
    share = result.reach.contacts_share if result.reach is not None else 0.0
    lines = [
        f"expected {result.id} to touch {comparison} {plain(percent)}% of customer contacts, "
        f"got {plain(round(100 * share, 2))}%",
        "customer contributions:",
        *_contribution_lines(
            [c for c in result.contributions if c.criterion.startswith("customer.")], key=lambda c: c.rule
        ),
    ]
    return "\n".join(lines)


def assessment_message(result: PolicyResult, headline: str, rules: int) -> str:
    """A headline, the rules no impact rule recognises (with why), and the rules that were assessed."""
    lines = [headline]
    missing = {parse_rule_ref(entry.rule)[1] for entry in result.not_assessed}
    if result.not_assessed:
        lines.append("not assessed:")
        for entry in result.not_assessed:
            _, index = parse_rule_ref(entry.rule)
            lines.append(f"  rule {index + 1} ({entry.rule}): {clip(entry.reason, 2 * REASON_CHARS)}")
    else:
        lines.append("not assessed: none")
    assessed = [f"rule {i + 1}" for i in range(rules) if i not in missing]
    lines.append(f"assessed: {', '.join(assessed) or 'none'}")
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
    """One remedy as a message line: where it patches (a rule it adds, in words), the scores after,
    whether it resolves."""
    after = remedy.scores_after
    patch = remedy.patch
    target = patch_target(patch)
    if patch.action == "add-rule":
        target += f", adding {added_rule_words(patch.set)}"
    elif patch.scope:
        target += ", " + ", ".join(
            f"{key} {format_value(key, value)}" for key, value in changed_fields(patch)
        )
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


# --------------------------------------------------------------------------- plain words
#
# The messages of the business steps say what was expected in the words of the step, then what the
# evaluation found in the same words; codes are kept small, in brackets, for people who look them up.


def amount_words(value: float) -> str:
    """A side's score as the business steps say it: ``gain 12 points``, ``lose 46 points``, ``are unaffected``."""
    if value > 0:
        return f"gain {plain(value)} point{'s' if value != 1 else ''}"
    if value < 0:
        return f"lose {plain(-value)} point{'s' if value != -1 else ''}"
    return "are unaffected"


def outcome_message(result: PolicyResult, expected: str, found: str) -> str:
    """Why a policy's outcome is not the one expected: the outcome in words, the scores and the top
    contributions (``expected`` and ``found`` are phrases such as ``is a win-win``)."""
    lines = [
        f"expected: {result.id} {expected}",
        f"found: {result.id} {found} (verdict {result.verdict}: {scores_summary(result)})",
        "top contributions:",
        *_contribution_lines(result.contributions, key=lambda c: -abs(c.delta)),
    ]
    return "\n".join(lines)


def people_message(result: PolicyResult, people: str, side: str, expected: str) -> str:
    """Why staff or customers do not gain or lose as expected: the score in words and the
    contributions behind it (``side`` is a key of ``SIDES``, ``expected`` the words of the step)."""
    key = SIDES[side]
    actual = getattr(result.scores, key)
    head = f"expected {people} to {expected} under {result.id}; they {amount_words(actual)} ({side} {with_sign(actual)})"
    label, chosen = _SIDE_CONTRIBUTIONS[key]
    lines = [head, f"{label}, largest first:"]
    lines += _contribution_lines([c for c in result.contributions if chosen(c)], key=lambda c: -abs(c.delta))
    return "\n".join(lines)


def law_message(
    result: PolicyResult, expected: str, country: str, applies_in: str | None, breaches: Sequence[Conflict]
) -> str:
    """Why a policy is not lawful (or unlawful) in a country as expected: where it applies, its
    verdict and the legal findings (``expected`` is ``lawful`` or ``unlawful``)."""
    head = f"expected {result.id} to be {expected} in {country}"
    if applies_in is None:
        head += "; it names no country, so no legal verdict is given"
    elif applies_in.lower() != country.lower():
        head += f"; it applies in {applies_in}"
    else:
        head += f"; its verdict is {result.verdict!r}"
    message = conflicts_message(head, breaches, label="legal findings")
    if result.legal:
        message += f"\nlegal: {result.legal}"
    return message


def finding_message(subject: str, wanted: str, expected: bool, found: Sequence[tuple[str, str]]) -> str:
    """Why the evaluation does (or does not) find what a step names: ``wanted`` is the finding in words
    with its code, ``found`` the (code, summary) of what the evaluation did find."""
    verb = "to find" if expected else "not to find"
    lines = [f"expected the evaluation of {subject} {verb} {wanted}"]
    lines.append(f"{'it did not; what it found' if expected else 'it did'}:")
    lines += [f"  {clip(summary)} [{code}]" for code, summary in found] or ["  nothing"]
    return "\n".join(lines)


def _percent(share: float) -> str:
    return f"{plain(round(100 * share, 1))}%"


def queue_message(result: PolicyResult, expected: str, rows: Sequence[tuple[str, float, float]]) -> str:
    """Why the queue does not move as expected: each team's service level without and with the policy
    (``rows`` are the team, the share before and after) and the policy's queue summary."""
    lines = [f"expected {expected} under {result.id}"]
    if result.queue is None:
        lines.append(
            "the evaluation has no queue: the organisation file (setting organisation) describes none of "
            "the policy's teams"
        )
        return "\n".join(lines)
    lines += [f"  {team}: {_percent(before)} -> {_percent(after)}" for team, before, after in rows]
    lines.append(f"queue: {result.queue.summary}")
    return "\n".join(lines)


def shift_message(result: PolicyResult, shift: str, expected: str) -> str:
    """Why a shift does not fare as expected: what the policy does to each shift pattern, in words."""
    lines = [f"expected the {shift} shift to {expected} under {result.id}"]
    segments = [s for team in (result.queue.teams if result.queue else []) for s in team.segments]
    if not segments:
        lines.append(
            "the evaluation has no shift patterns: the organisation file describes none of its teams"
        )
    else:
        lines.append("shift patterns, those carrying most of the cost first:")
        lines += [f"  {s.team}: {clip(s.summary, 2 * REASON_CHARS)}" for s in segments]
    return "\n".join(lines)
