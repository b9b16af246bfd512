"""The leadership report's view of an evaluation, shared by the HTML and Markdown renderers.

It orders and groups what the evaluation already holds: policies ranked,
conflicts grouped by kind, and per policy its derivation, the evidence cited
with full citations, and the remedies that patch it with their score change.
Every list is sorted, so the same evaluation always renders to the same bytes.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from policyweigh.conflicts import sort_conflicts
from policyweigh.evaluation import EvaluationRun
from policyweigh.explain import Derivation, derive
from policyweigh.formatting import format_value, signed
from policyweigh.policy import Policy
from policyweigh.results import SEVERITY_RANK, Conflict, Patch, PolicyResult, RemedyResult
from policyweigh.rulebook import DATA_DIR, Evidence

VERDICTS = ("win-win", "customer-at-employee-cost", "employee-at-customer-cost", "lose-lose", "neutral")
VERDICT_TITLES = {
    "win-win": "Win-win",
    "customer-at-employee-cost": "Customer at employee cost",
    "employee-at-customer-cost": "Employee at customer cost",
    "lose-lose": "Lose-lose",
    "neutral": "Neutral",
}
SEVERITIES = ("error", "warning", "info")
# Most serious kind first: a broken legal floor matters before a trade-off.
KINDS = ("guardrail", "contradiction", "incentive", "trade-off")
KIND_TITLES = {
    "guardrail": "Guardrails",
    "contradiction": "Contradictions",
    "incentive": "Incentive conflicts",
    "trade-off": "Trade-offs",
}
KIND_DESCRIPTIONS = {
    "guardrail": "A legal or organisational floor is broken.",
    "contradiction": "Two rules that cannot both hold, or pull against each other.",
    "incentive": "Pay rewards a metric that works against another declared goal.",
    "trade-off": "One side gains while the other loses, inside one policy.",
}
RANKING = "Ranked by the weaker of the two scores, then by their sum, then by id."


def rank_key(result: PolicyResult) -> tuple[int, int, str]:
    """Sort key of the ranking: a policy is only as good as the side it serves worst."""
    s = result.scores
    return (-min(s.employee, s.customer), -(s.employee + s.customer), result.id)


@dataclass(frozen=True)
class Finding:
    """The contributions of one rule firing: one reason, one or more criteria moved."""

    rule: str
    name: str
    target: str
    """The policy rule it matched, as `rules[i]`, or `derived` for a chained rule."""
    reason: str
    impacts: list[tuple[str, int]]
    evidence: list[str]
    chain: list[str]


def findings(result: PolicyResult) -> list[Finding]:
    """Contributions grouped by the firing that made them, in contribution order."""
    groups: dict[tuple[str, str, int | None, tuple[str, ...]], Finding] = {}
    for c in result.contributions:
        index = c.facts.get("rule_index")
        key = (c.rule, c.reason, index, tuple(c.chain))
        if key not in groups:
            target = f"rules[{index}]" if index is not None else "derived"
            groups[key] = Finding(c.rule, c.name, target, c.reason, [], list(c.evidence), list(c.chain))
        groups[key].impacts.append((c.criterion, c.delta))
    return list(groups.values())


@dataclass(frozen=True)
class RemedyView:
    """A remedy with the policy it patches and the change it makes to that policy's scores."""

    remedy: RemedyResult
    policy: str
    """The patched policy's id."""
    rule: str
    """The patched policy rule in plain words (``rule_words``), without the policy id."""
    changes: list[tuple[str, str]]
    """The patch as (field, new value) pairs; a removed field reads `(removed)`."""
    employee_after: int | None
    employee_change: int | None
    customer_after: int | None
    customer_change: int | None


@dataclass(frozen=True)
class ConflictView:
    """A conflict with its HTML id and its remedies' score changes."""

    conflict: Conflict
    anchor: str
    remedies: list[RemedyView]


@dataclass(frozen=True)
class PolicyView:
    """One policy's drill-down."""

    rank: int
    result: PolicyResult
    summary: str | None
    owner: str | None
    status: str
    jurisdiction: str | None
    run: EvaluationRun = field(repr=False, compare=False)
    """The evaluation the derivation is read from, when it is asked for."""
    evidence: list[Evidence]
    missing_evidence: list[str]
    """Evidence ids cited by contributions that the rulebook does not hold."""
    conflicts: list[ConflictView]
    remedies: list[tuple[ConflictView, RemedyView]]
    """Remedies that patch this policy, with the conflict each one is for."""
    findings: list[Finding]

    @cached_property
    def derivation(self) -> Derivation:
        """How the score came about; worked out on first use (a shortened report needs few)."""
        return derive(self.run, self.result.id)

    @property
    def anchor(self) -> str:
        """The HTML id of the drill-down section."""
        return f"policy-{self.result.id}"

    @property
    def arithmetic(self) -> list[str]:
        """The score written out: each moved criterion's weighted sum, then the side scores."""
        lines = [
            f"{line.criterion} = {line.weight:g} x "
            f"({' '.join(f'{signed(d)} {code}' for code, d in line.deltas)})"
            f" = {signed(line.value)}"
            for line in self.derivation.criteria
            if line.deltas
        ]
        return lines + list(self.derivation.arithmetic)

    @property
    def worst_severity(self) -> str | None:
        """The most severe conflict this policy is part of, if any."""
        if not self.conflicts:
            return None
        worst = max(self.conflicts, key=lambda c: SEVERITY_RANK.get(c.conflict.severity, 0))
        return worst.conflict.severity


@dataclass(frozen=True)
class KindGroup:
    """The conflicts of one kind."""

    kind: str
    title: str
    description: str
    conflicts: list[ConflictView]


@dataclass(frozen=True)
class ReportView:
    """Everything a report shows, in display order."""

    title: str
    date: str | None
    policies: list[PolicyView]
    """Ranked, best first."""
    verdict_counts: list[tuple[str, str, int]]
    """(verdict, title, count) for every verdict, in VERDICTS order."""
    severity_counts: list[tuple[str, int]]
    groups: list[KindGroup]
    conflicts: list[ConflictView]
    """Every conflict, most severe first; `conflict-<n>` anchors count from 1 in this order."""
    margin: float
    saturation: float
    spillover: float
    rulebook_source: str
    rulebook_fingerprint: str
    evidence: list[Evidence]
    """Every evidence entry cited by some contribution, by id."""

    @property
    def ranking(self) -> str:
        """How the table is ranked, in one sentence."""
        return RANKING

    @property
    def conflict_count(self) -> int:
        """How many conflicts there are."""
        return len(self.conflicts)


def rulebook_label(source: str) -> str:
    """`bundled` for the shipped rulebook, else the directory it was read from."""
    try:
        bundled = Path(source).resolve() == DATA_DIR.resolve()
    except OSError:
        bundled = False
    return "bundled" if bundled else source


def patch_changes(patch: Patch) -> list[tuple[str, str]]:
    """A remedy's patch as readable (field, value) pairs."""
    fields = patch.set
    out: list[tuple[str, str]] = []
    for key in sorted(fields):
        value = fields[key]
        if value is None:
            text = "(removed)"
        elif value == [] or value == {}:
            text = "(none)"
        elif isinstance(value, list) and all(_is_window(v) for v in value):
            text = ", ".join(f"{v['from']}-{v['to']}" for v in value)
        elif isinstance(value, (dict, list)) and not _simple(value):
            text = json.dumps(value, sort_keys=True)
        else:
            text = format_value(key, value)
        out.append((str(key), text))
    return out


def _is_window(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"from", "to"}


def _simple(value: Any) -> bool:
    items = value.values() if isinstance(value, dict) else value
    return all(isinstance(v, (str, int, float, bool)) for v in items)


NOTE_LENGTH = 48
"""Characters of a rule's note kept when the rule is named in a sentence."""


def _short_note(note: str) -> str:
    text = " ".join(note.split()).rstrip(".")
    if len(text) <= NOTE_LENGTH:
        return text
    cut = text[:NOTE_LENGTH].rsplit(" ", 1)[0] or text[:NOTE_LENGTH]
    return cut.rstrip(" ,;:") + "..."


def rule_words(index: int, kind: str | None = None, note: str | None = None) -> str:
    """A policy rule in plain words, counted from 1: ``rule 2 (call-time-cap, "Measured monthly")``.

    ``index`` is the rule's index in ``rules`` (0 is the first); a long note is shortened.
    """
    details = [kind] if kind else []
    if note and note.strip():
        details.append(f'"{_short_note(note)}"')
    return f"rule {index + 1}" + (f" ({', '.join(details)})" if details else "")


def patched_rule(patch: Patch, policies: Mapping[str, Policy]) -> str:
    """The rule a remedy patches in plain words, read from the patched policy when it is known."""
    policy = policies.get(patch.policy)
    if policy is None or not 0 <= patch.rule_index < len(policy.rules):
        return rule_words(patch.rule_index)
    rule = policy.rules[patch.rule_index]
    return rule_words(patch.rule_index, rule.kind, rule.note)


def _remedy_view(
    remedy: RemedyResult, results: dict[str, PolicyResult], policies: Mapping[str, Policy]
) -> RemedyView:
    patch = remedy.patch
    policy = patch.policy
    before = results.get(policy)
    after = remedy.scores_after
    employee, customer = after.employee, after.customer
    return RemedyView(
        remedy=remedy,
        policy=policy,
        rule=patched_rule(patch, policies),
        changes=patch_changes(patch),
        employee_after=employee,
        employee_change=None if employee is None or before is None else employee - before.scores.employee,
        customer_after=customer,
        customer_change=None if customer is None or before is None else customer - before.scores.customer,
    )


def build_view(
    run: EvaluationRun, *, title: str = "Policy evaluation", date: str | None = None
) -> ReportView:
    """The report's view of an evaluation."""
    evaluation = run.evaluation
    book = run.rulebook
    results = {r.id: r for r in evaluation.policies}
    conflicts = [
        ConflictView(c, f"conflict-{n}", [_remedy_view(r, results, run.policies) for r in c.remedies])
        for n, c in enumerate(sort_conflicts(evaluation.conflicts), start=1)
    ]
    # Indexed once by policy, in conflict order: scanning every conflict per policy grows with the
    # square of the library.
    involving: dict[str, list[ConflictView]] = defaultdict(list)
    patching: dict[str, list[tuple[ConflictView, RemedyView]]] = defaultdict(list)
    for cv in conflicts:
        for policy_id in dict.fromkeys(cv.conflict.policies):
            involving[policy_id].append(cv)
        for remedy in cv.remedies:
            patching[remedy.policy].append((cv, remedy))
    ranked = sorted(evaluation.policies, key=rank_key)
    views: list[PolicyView] = []
    for rank, result in enumerate(ranked, start=1):
        policy = run.policies[result.id]
        cited = sorted({e for c in result.contributions for e in c.evidence})
        views.append(
            PolicyView(
                rank=rank,
                result=result,
                summary=policy.summary,
                owner=policy.owner,
                status=policy.status,
                jurisdiction=policy.jurisdiction,
                run=run,
                evidence=[book.evidence[e] for e in cited if e in book.evidence],
                missing_evidence=[e for e in cited if e not in book.evidence],
                conflicts=list(involving.get(result.id, [])),
                remedies=list(patching.get(result.id, [])),
                findings=findings(result),
            )
        )
    cited_all = {e for r in evaluation.policies for c in r.contributions for e in c.evidence}
    verdicts: Counter[str] = Counter(p.verdict for p in evaluation.policies)
    severities: Counter[str] = Counter(c.conflict.severity for c in conflicts)
    groups = [
        KindGroup(
            kind,
            KIND_TITLES[kind],
            KIND_DESCRIPTIONS[kind],
            [c for c in conflicts if c.conflict.kind == kind],
        )
        for kind in KINDS
    ]
    return ReportView(
        title=title,
        date=date,
        policies=views,
        verdict_counts=[(v, VERDICT_TITLES[v], verdicts[v]) for v in VERDICTS],
        severity_counts=[(s, severities[s]) for s in SEVERITIES],
        groups=groups,
        conflicts=conflicts,
        margin=book.scoring.verdicts.margin,
        saturation=book.scoring.saturation,
        spillover=book.scoring.spillover.coefficient,
        rulebook_source=rulebook_label(book.source),
        rulebook_fingerprint=book.fingerprint,
        evidence=[book.evidence[e] for e in sorted(cited_all) if e in book.evidence],
    )
