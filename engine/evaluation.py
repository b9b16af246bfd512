"""Evaluation: policies to facts, facts through the Rete session, firings to scores.

One session per evaluation holds the facts of every policy evaluated together,
so impact rules fire per policy rule, derived facts chain within a policy, and
conflict joins can pair rules across policies. Results are sorted by policy id
and do not depend on input order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from engine.config import Settings
from engine.facts import INDEX_KEY, POLICY_KEY, Fact, rule_facts
from engine.law.wording import NO_JURISDICTION
from engine.policy import Policy, format_minutes
from engine.results import Contribution, Evaluation, PolicyResult
from engine.rete import Firing, run_impact
from engine.rulebook import Rulebook, load_rulebook
from engine.scoring import score, verdict
from engine.templates import render_reason

_DEFAULT_RULEBOOK: Rulebook | None = None


def default_rulebook() -> Rulebook:
    """The bundled rulebook, loaded once per process."""
    global _DEFAULT_RULEBOOK
    if _DEFAULT_RULEBOOK is None:
        _DEFAULT_RULEBOOK = load_rulebook()
    return _DEFAULT_RULEBOOK


def format_value(key: str, value: Any) -> str:
    """A fact value as a person reads it: 5 not 5.0, yes/no, HH:MM for minutes of the day."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if key.endswith(("first_start", "last_end")) and isinstance(value, int):
        return format_minutes(value)
    if isinstance(value, float):
        return f"{value:g}" if value != int(value) else str(int(value))
    if isinstance(value, (list, tuple)):
        return ", ".join(format_value(key, v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k} {format_value(key, v)}" for k, v in value.items())
    return str(value)


def signed(value: float) -> str:
    """A number with its sign, as scores are shown: +12, -3, 0."""
    return f"{value:+g}" if value else "0"


def fill(template: str, lookup: Callable[[str], Any]) -> str:
    """Fill ``{key}`` placeholders from ``lookup`` (which returns None for unknown keys).

    Only names the rulebook's placeholder pattern accepts ever reach ``lookup``
    (see ``engine.templates.render_reason``): no attribute access, no formatting.
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


@dataclass
class EvaluationRun:
    """An evaluation plus what produced it: policies, traces, and all firings."""

    evaluation: Evaluation
    policies: dict[str, Policy]
    traces: dict[str, Trace]
    firings: list[Firing]
    rulebook: Rulebook
    files: dict[str, str] = field(default_factory=dict)
    settings: Settings | None = None
    """Settings the evaluation ran with (guardrail edge margin); None for defaults."""
    _index: dict[str, PolicyResult] = field(default_factory=dict, repr=False, compare=False)

    def result(self, policy_id: str) -> PolicyResult:
        """The result of one policy by id."""
        index = self._index
        if len(index) != len(self.evaluation.policies):  # built on first use, and again if results change
            index = self._index = {r.id: r for r in self.evaluation.policies}
        return index[policy_id]


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


def evaluate(
    policies: Sequence[Policy],
    *,
    rulebook: Rulebook | None = None,
    files: Mapping[str, str] | None = None,
    conflicts: bool = True,
    settings: Settings | None = None,
) -> EvaluationRun:
    """Evaluate policies together: scores and contributions per policy, and conflicts.

    ``files`` maps policy id to its file, for output. With ``conflicts=False``
    only scores are computed (remedies use this to score a patched copy).
    """
    book = rulebook if rulebook is not None else default_rulebook()
    by_id = {p.id: p for p in sorted(policies, key=lambda p: p.id)}
    facts_by_policy = {pid: rule_facts(p) for pid, p in by_id.items()}
    all_facts = [f for pid in by_id for f in facts_by_policy[pid]]
    firings = run_impact(book, all_facts)

    per_policy: dict[str, list[Firing]] = {pid: [] for pid in by_id}
    for firing in firings:
        if len(firing.facts) == 1:
            per_policy[firing.facts[0][POLICY_KEY]].append(firing)

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
                file=(files or {}).get(pid),
                legal=None if policy.jurisdiction else NO_JURISDICTION,
            )
        )
        traces[pid] = Trace(pid, facts_by_policy[pid], per_policy[pid])

    run = EvaluationRun(
        evaluation=Evaluation(policies=results, conflicts=[]),
        policies=by_id,
        traces=traces,
        firings=firings,
        rulebook=book,
        files=dict(files or {}),
        settings=settings,
    )
    if conflicts:
        from engine.conflicts import find_conflicts  # late: conflicts re-evaluate remedies through here

        run.evaluation.conflicts = find_conflicts(run, settings=settings)
    return run
