"""Evaluation: policies to facts, facts through the Rete session, firings to scores.

One session per evaluation holds the facts of every policy evaluated together,
so impact rules fire per policy rule and derived facts chain within a policy.
Results are sorted by policy id and do not depend on input order. This module
scores; conflicts and remedies come after it (``policyweigh.orchestration`` runs the
whole way), and an ``EvaluationRun`` is never changed in place: a later step
returns a new one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from policyweigh.config import Settings
from policyweigh.facts import INDEX_KEY, POLICY_KEY, Fact, rule_facts
from policyweigh.formatting import format_value
from policyweigh.law.wording import NO_JURISDICTION
from policyweigh.policy import Policy
from policyweigh.results import Contribution, Evaluation, PolicyResult
from policyweigh.rete import Firing, run_impact
from policyweigh.rulebook import Rulebook
from policyweigh.scoring import score, verdict
from policyweigh.templates import render_reason

__all__ = [
    "EvaluationRun",
    "PolicyValues",
    "Rescore",
    "Trace",
    "fill",
    "rule_value",
    "score_policies",
]


def fill(template: str, lookup: Callable[[str], Any]) -> str:
    """Fill ``{key}`` placeholders from ``lookup`` (which returns None for unknown keys).

    Only names the rulebook's placeholder pattern accepts ever reach ``lookup``
    (see ``policyweigh.templates.render_reason``): no attribute access, no formatting.
    """
    return render_reason(template, lookup, format_value)


class PolicyValues:
    """Values of one policy's rules and context by fact key, from the model (lists stay whole).

    Each rule is dumped once, however many placeholders and matched keys ask for it.
    """

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self._rules: dict[int, dict[str, Any]] = {}

    def get(self, index: int | None, key: str) -> Any:
        """The value of ``key`` for rule ``index`` (or the policy's context); None if unset."""
        policy = self.policy
        if key in ("policy", "id"):
            return policy.id
        if key == "title":
            return policy.title
        # Only declared model fields are read: a key can never reach an attribute
        # such as ``__class__`` or ``model_fields``, whoever calls this.
        if key.startswith("scope."):
            name = key[len("scope.") :]
            return getattr(policy.scope, name, None) if name in type(policy.scope).model_fields else None
        if key.startswith("policy."):
            name = key[len("policy.") :]
            return getattr(policy, name, None) if name in type(policy).model_fields else None
        if index is None:
            return None
        data: Any = self._rules.get(index)
        if data is None:
            data = self._rules[index] = policy.rules[index].model_dump(mode="json", by_alias=True)
        for part in key.split("."):
            if not isinstance(data, dict) or part not in data:
                return None
            data = data[part]
        return data

    def lookup(self, fact: Fact) -> Callable[[str], Any]:
        """A lookup for templates: the fact's value (scalars, counts), else the model's (whole lists)."""
        index = fact.get(INDEX_KEY)

        def find(key: str) -> Any:
            return fact[key] if key in fact else self.get(index, key)

        return find


def rule_value(policy: Policy, index: int | None, key: str) -> Any:
    """A value of a policy rule or its context by fact key (see ``PolicyValues``)."""
    return PolicyValues(policy).get(index, key)


@dataclass(frozen=True)
class Trace:
    """What happened for one policy in the Rete session, for `explain`."""

    policy: str
    facts: list[Fact]
    firings: list[Firing]


@dataclass(frozen=True)
class EvaluationRun:
    """An evaluation plus what produced it: policies, traces, firings, rulebook and settings."""

    evaluation: Evaluation
    policies: Mapping[str, Policy]
    traces: Mapping[str, Trace]
    firings: Sequence[Firing]
    rulebook: Rulebook
    settings: Settings
    """Settings the evaluation runs with: conflict detection reads the guardrails' edge margin here."""
    files: Mapping[str, str] = field(default_factory=dict)

    @cached_property
    def _index(self) -> dict[str, PolicyResult]:
        return {r.id: r for r in self.evaluation.policies}

    def result(self, policy_id: str) -> PolicyResult:
        """The result of one policy by id."""
        return self._index[policy_id]

    def with_evaluation(self, evaluation: Evaluation) -> EvaluationRun:
        """A copy of this run holding another evaluation of the same policies (conflicts found, notes set)."""
        return dataclasses.replace(self, evaluation=evaluation)

    def with_policy(self, policy: Policy, scored: EvaluationRun) -> EvaluationRun:
        """A copy with ``policy`` replaced by its version scored alone in ``scored``; no conflicts.

        The other policies' scores and facts do not depend on it, so they are kept as they are.
        """
        pid = policy.id
        result = scored.result(pid).model_copy(update={"file": self.result(pid).file})
        evaluation = Evaluation(
            policies=[result if r.id == pid else r for r in self.evaluation.policies], conflicts=[]
        )
        return dataclasses.replace(
            self,
            evaluation=evaluation,
            policies={**self.policies, pid: policy},
            traces={**self.traces, pid: scored.traces[pid]},
            firings=(),
        )


Rescore = Callable[[Policy], EvaluationRun]
"""Scores one changed policy on its own: how remedies learn what a patch does to the scores."""


def _contributions(policy: Policy, firings: Sequence[Firing], rulebook: Rulebook) -> list[Contribution]:
    rules = rulebook.impact_by_code
    values = PolicyValues(policy)
    out: list[Contribution] = []
    for firing in firings:
        rule = rules.get(firing.code)
        if rule is None:
            continue
        fact = firing.facts[0]
        index = fact.get(INDEX_KEY)
        lookup = values.lookup(fact)
        reason = fill(rule.because, lookup)
        matched: dict[str, Any] = {}
        if index is not None:
            matched[INDEX_KEY] = index
        for key in sorted(rule.when):
            value = lookup(key)
            if value is not None:
                matched[key] = value
        evidence = list(rule.evidence)
        chain = list(firing.chain)
        for criterion, delta in rule.impacts.items():
            out.append(
                Contribution(
                    rule=rule.code,
                    name=rule.name,
                    criterion=criterion,
                    delta=delta,
                    reason=reason,
                    evidence=evidence,
                    facts=matched,
                    chain=chain,
                )
            )
    # Stable order for output: by policy rule, then rule code, then criterion.
    out.sort(key=lambda c: (c.facts.get(INDEX_KEY, 1_000), c.rule, c.criterion))
    return out


def score_policies(
    policies: Sequence[Policy],
    *,
    rulebook: Rulebook,
    settings: Settings,
    files: Mapping[str, str] | None = None,
) -> EvaluationRun:
    """Score policies together: contributions, scores and verdict per policy; no conflicts yet.

    ``files`` maps policy id to its file, for output.
    """
    book = rulebook
    by_id = {p.id: p for p in sorted(policies, key=lambda p: p.id)}
    facts_by_policy = {pid: rule_facts(p) for pid, p in by_id.items()}
    all_facts = [f for pid in by_id for f in facts_by_policy[pid]]
    firings = run_impact(book, all_facts)

    per_policy: dict[str, list[Firing]] = {pid: [] for pid in by_id}
    for firing in firings:
        if len(firing.facts) == 1:
            per_policy[firing.facts[0][POLICY_KEY]].append(firing)

    known = dict(files or {})
    results: list[PolicyResult] = []
    traces: dict[str, Trace] = {}
    margin = book.scoring.verdicts.margin
    for pid, policy in by_id.items():
        contributions = _contributions(policy, per_policy[pid], book)
        scores = score(contributions, book, customer_facing=policy.scope.customer_facing)
        results.append(
            PolicyResult(
                id=pid,
                title=policy.title,
                verdict=verdict(scores.employee, scores.customer, margin),
                scores=scores,
                contributions=contributions,
                file=known.get(pid),
                legal=None if policy.jurisdiction else NO_JURISDICTION,
            )
        )
        traces[pid] = Trace(pid, facts_by_policy[pid], per_policy[pid])

    return EvaluationRun(
        evaluation=Evaluation(policies=results, conflicts=[]),
        policies=by_id,
        traces=traces,
        firings=firings,
        rulebook=book,
        settings=settings,
        files=known,
    )
