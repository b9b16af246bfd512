"""Derivations: how one policy's score came about, step by step.

Built from an evaluation's trace: the facts asserted, every rule that fired in
firing order (what it matched, what it derived, through which chain), the
chains of derived facts, and the arithmetic from contributions to the score.
Renderers (text, HTML) read this; they compute nothing themselves.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from policyweigh.evaluation import EvaluationRun, PolicyValues, fill, firing_doses
from policyweigh.facts import DERIVED_KEY, INDEX_KEY, POLICY_KEY
from policyweigh.formatting import format_value
from policyweigh.queue_effects import MODELLED_KEY
from policyweigh.results import Conflict, PolicyResult
from policyweigh.scoring import side_sums


@dataclass(frozen=True)
class Step:
    """One rule firing in a derivation."""

    number: int
    code: str
    name: str
    target: str
    """What the rule matched: `rules[i] (kind)` or `derived fact <name>`."""
    matched: dict[str, Any]
    reason: str
    impacts: dict[str, int]
    """The rule's points at a dose of 1."""
    dose: float
    """The firing's dose factor: what the points are multiplied by."""
    derived: list[str]
    """Derived facts this firing asserted first (a fact is asserted once per policy)."""
    chain: list[str]
    replaced: list[str] = field(default_factory=list)
    """Criteria of ``impacts`` left out because the queue model scores them (``replaced_by_queue``)."""


@dataclass(frozen=True)
class CriterionLine:
    """One criterion's arithmetic: weight x sum of deltas."""

    criterion: str
    weight: float
    deltas: list[tuple[str, float]]
    value: float


@dataclass(frozen=True)
class Derivation:
    """Everything `explain` shows for one policy."""

    policy: str
    title: str
    file: str | None
    facts: list[dict[str, Any]]
    steps: list[Step]
    chains: list[list[str]]
    criteria: list[CriterionLine]
    arithmetic: list[str]
    result: PolicyResult
    conflicts: list[Conflict] = field(default_factory=list)


def _target(fact: dict[str, Any]) -> str:
    if DERIVED_KEY in fact:
        return f"derived fact {fact[DERIVED_KEY]}"
    return f"rules[{fact.get(INDEX_KEY)}] ({fact.get('kind')})"


def derive(run: EvaluationRun, policy_id: str) -> Derivation:
    """The derivation of one evaluated policy."""
    policy = run.policies[policy_id]
    trace = run.traces[policy_id]
    result = run.result(policy_id)
    book = run.rulebook
    rules = book.impact_by_code
    values = PolicyValues(policy)
    steps: list[Step] = []
    asserted: set[str] = set()
    doses = firing_doses(trace.firings, book)
    for number, (firing, dose) in enumerate(zip(trace.firings, doses, strict=True), start=1):
        rule = rules[firing.code]
        fact = firing.facts[0]
        lookup = values.lookup(fact)

        new = [name for name in rule.derive if name not in asserted]
        asserted.update(new)
        steps.append(
            Step(
                number=number,
                code=rule.code,
                name=rule.name,
                target=_target(fact),
                matched={k: lookup(k) for k in sorted(rule.when) if lookup(k) is not None},
                reason=fill(rule.because, lookup),
                impacts=dict(rule.impacts),
                dose=dose,
                derived=new,
                chain=[*firing.chain, rule.code],
                replaced=[c for c in rule.replaced_by_queue if fact.get(MODELLED_KEY)],
            )
        )
    chains = sorted({tuple(s.chain) for s in steps if len(s.chain) > 1})
    longest = [list(c) for c in chains if not any(len(o) > len(c) and o[: len(c)] == c for o in chains)]

    lines: list[CriterionLine] = []
    for criterion in book.criteria:
        deltas = [(c.rule, c.delta) for c in result.contributions if c.criterion == criterion.id]
        lines.append(
            CriterionLine(
                criterion.id, criterion.weight, deltas, result.scores.criteria.get(criterion.id, 0.0)
            )
        )
    arithmetic = score_arithmetic(run, result, customer_facing=policy.scope.customer_facing)
    conflicts = [c for c in run.evaluation.conflicts if policy_id in c.policies]
    facts = [{k: v for k, v in f.items() if k != POLICY_KEY} for f in trace.facts]
    return Derivation(
        policy=policy_id,
        title=policy.title,
        file=run.files.get(policy_id),
        facts=facts,
        steps=steps,
        chains=longest,
        criteria=lines,
        arithmetic=arithmetic,
        result=result,
        conflicts=conflicts,
    )


def score_arithmetic(run: EvaluationRun, result: PolicyResult, *, customer_facing: bool) -> list[str]:
    """The score formula written out with this policy's numbers."""
    scoring = run.rulebook.scoring
    k = scoring.saturation
    w_emp, w_dir, _, _ = side_sums(result.contributions, run.rulebook)
    s = result.scores
    out = [
        f"employee = round(100 x tanh({w_emp:.4g} / {k:g})) = {s.employee:+d}"
        f"  (100 x tanh = {100 * math.tanh(w_emp / k):+.2f})",
        f"customer direct = round(100 x tanh({w_dir:.4g} / {k:g})) = {s.customer_direct:+d}",
    ]
    if s.mechanisms:
        parts = " + ".join(f"{name} {value:+.4g}" for name, value in s.mechanisms.items())
        total = math.fsum(s.mechanisms.values())
        out.append(
            f"customer indirect = round(100 x tanh(({parts}) / {k:g})) = {s.customer_indirect:+d}"
            f"  (mechanisms: {total:+.4g} weighted points)"
        )
    elif customer_facing:
        out.append("customer indirect = 0  (no mechanism carries an effect on staff to customers)")
    else:
        out.append("customer indirect = 0  (scope is not customer-facing)")
    out.append(
        f"customer = clamp({s.customer_direct:+d} + {s.customer_indirect:+d}, -100, 100) = {s.customer:+d}"
    )
    if result.ranges is not None:
        (el, eh), (cl, ch) = result.ranges.employee, result.ranges.customer
        out.append(
            f"ranges: employee {el:+d}..{eh:+d}, customer {cl:+d}..{ch:+d}"
            "  (each contribution at the ends of its evidence band)"
        )
    out.append(f"verdict = {result.verdict}  (a side moves only beyond +/-{scoring.verdicts.margin:g})")
    return out


def describe_fact(fact: dict[str, Any]) -> str:
    """One asserted fact as `key=value` pairs a person can read."""
    return ", ".join(f"{k}={format_value(k, v)}" for k, v in fact.items())
