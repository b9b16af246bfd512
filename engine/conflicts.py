"""Conflicts: trade-offs, contradictions, guardrail breaches and incentive conflicts.

``find_conflicts(run)`` finds four kinds of conflict in an evaluation:

- **contradiction** and **incentive**: the rulebook's conflict rules, joins of
  two rule facts run by the Rete engine (``policyweigh.rete.run_joins``). Pairs
  across policies count only when the two scopes can cover the same person
  (``Scope.overlaps``), and a retired policy clashes with nothing outside
  itself. The Rete layer never pairs a fact with itself, so a single rule that
  meets both sides of a rule (one staffing rule that cuts payroll *and*
  promises a service level) is found here, with the same conditions
  (``when_holds``).
- **trade-off**, from the scores. ``TRD001``: the policy's employee and
  customer scores move in opposite directions, each beyond the verdict margin.
  ``TRD002`` (only where ``TRD001`` does not hold): one policy rule's own
  weighted contributions raise one side and lower the other, before the
  service-profit-chain spillover (the pie-van lunch ban adds customer speed and
  takes employee autonomy and wellbeing). Contributions through derived facts
  count for the rule whose firing started the chain. A trade-off is a
  ``warning``, or ``info`` when the losing side loses no more than twice the
  verdict margin.
- **guardrail**: ``policyweigh.law.check.check_guardrails`` for every policy with a
  jurisdiction.

Conflicts are sorted by severity (highest first), kind, code, policies and
rules. Detection reads the evaluation's settings (the guardrails' edge margin)
from the ``EvaluationRun`` it is given, and returns what it found without
changing the run; remedies come after (``policyweigh.remedies``, composed by
``policyweigh.orchestration``), and re-run this detection on patched copies.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from policyweigh.config import Settings
from policyweigh.evaluation import EvaluationRun, fill, rule_value
from policyweigh.facts import INDEX_KEY, POLICY_KEY, Fact
from policyweigh.law.check import GuardrailSettings, check_guardrails
from policyweigh.policy import Policy
from policyweigh.results import SEVERITY_RANK, Conflict, Contribution, Severity, rule_ref
from policyweigh.rete import run_joins
from policyweigh.rulebook import ConflictRule, Rulebook
from policyweigh.rulebook.models import when_holds
from policyweigh.scoring import bounded

__all__ = [
    "TRADE_OFF_CODES",
    "Detection",
    "active_across",
    "conflict_identity",
    "detect_conflicts",
    "find_conflicts",
    "guardrail_settings",
    "sort_conflicts",
]

TRADE_OFF_POLICY = "TRD001"
TRADE_OFF_RULE = "TRD002"
TRADE_OFF_CODES: dict[str, tuple[str, str]] = {
    TRADE_OFF_POLICY: (
        "trade-off.policy",
        "The policy raises one side's score and lowers the other's, each beyond the verdict margin.",
    ),
    TRADE_OFF_RULE: (
        "trade-off.rule",
        "One policy rule's own contributions raise one side and lower the other.",
    ),
}
"""Code to (dotted name, summary) of the trade-offs, which come from scores rather than rules."""


def guardrail_settings(settings: Settings) -> GuardrailSettings:
    """The guardrail checker's settings from the engine's settings."""
    return GuardrailSettings(edge_margin_minutes=settings.edge_margin_minutes)


@dataclass(frozen=True)
class Detection:
    """What conflict detection found: the conflicts, sorted, and the legal notes of the policies checked."""

    conflicts: list[Conflict]
    legal: Mapping[str, str] = field(default_factory=dict)
    """Policy id to the guardrail checker's note (assumptions it made, checks it could not make)."""


def conflict_identity(conflict: Conflict) -> tuple[str, ...]:
    """What makes two conflicts the same one: code, policies and rules (a policy trade-off: no rules)."""
    if conflict.code == TRADE_OFF_POLICY:
        return (conflict.code, *conflict.policies)
    return (conflict.code, *conflict.policies, "|", *conflict.rules)


def _sort_key(conflict: Conflict) -> tuple[Any, ...]:
    return (
        -SEVERITY_RANK[conflict.severity],
        conflict.kind,
        conflict.code,
        conflict.policies,
        conflict.rules,
    )


def sort_conflicts(conflicts: Iterable[Conflict]) -> list[Conflict]:
    """Conflicts in the documented order: severity (highest first), kind, code, policies, rules."""
    return sorted(conflicts, key=_sort_key)


def find_conflicts(run: EvaluationRun, *, focus: Collection[str] | None = None) -> list[Conflict]:
    """Every conflict in an evaluation, sorted, without remedies.

    ``focus`` limits detection to conflicts that involve one of these policy ids.
    """
    wanted = set(run.policies) if focus is None else set(focus) & set(run.policies)
    return detect_conflicts(run, wanted=wanted).conflicts


def detect_conflicts(
    run: EvaluationRun,
    *,
    wanted: Collection[str],
    join_facts: Sequence[Fact] | None = None,
) -> Detection:
    """The conflicts that involve a ``wanted`` policy, sorted, without remedies; and their legal notes.

    ``join_facts`` are the facts the Rete joins see (default: every fact that
    may pair with a wanted policy).
    """
    chosen = set(wanted)
    found: list[Conflict] = []
    facts = join_facts if join_facts is not None else _join_facts(run, chosen)
    found.extend(_join_conflicts(run, chosen, facts))
    for pid in sorted(chosen):
        found.extend(_trade_offs(run, pid))
    guardrails, notes = _guardrail_conflicts(run, chosen)
    found.extend(guardrails)
    return Detection(sort_conflicts(found), notes)


# --------------------------------------------------------------------------- joins


@dataclass(frozen=True)
class _Side:
    policy: Policy
    fact: Fact

    @property
    def index(self) -> int:
        return int(self.fact[INDEX_KEY])

    @property
    def ref(self) -> str:
        return rule_ref(self.policy.id, self.index)


def active_across(policy: Policy) -> bool:
    """Whether a policy can clash with other policies (a retired one cannot)."""
    return policy.status != "retired"


def _join_facts(run: EvaluationRun, wanted: set[str]) -> list[Fact]:
    """Facts that may take part in a join with a wanted policy."""
    if wanted == set(run.policies):
        return [f for pid in sorted(run.traces) for f in run.traces[pid].facts]
    partners = set(wanted)
    for pid, policy in run.policies.items():
        if pid in partners or not active_across(policy):
            continue
        if any(
            active_across(run.policies[w]) and policy.scope.overlaps(run.policies[w].scope) for w in wanted
        ):
            partners.add(pid)
    return [f for pid in sorted(partners) for f in run.traces[pid].facts]


def _explain(rule: ConflictRule, a: _Side, b: _Side) -> str:
    def lookup(key: str) -> Any:
        side, _, rest = key.partition(".")
        if side not in ("a", "b") or not rest:
            return None
        chosen = a if side == "a" else b
        value = rule_value(chosen.policy, chosen.index, rest)
        return chosen.fact.get(rest) if value is None else value

    return " ".join(fill(rule.because, lookup).split())


def _join_conflict(rule: ConflictRule, a: _Side, b: _Side) -> Conflict:
    policies = [a.policy.id] if a.policy.id == b.policy.id else [a.policy.id, b.policy.id]
    rules = [a.ref] if a.ref == b.ref else [a.ref, b.ref]
    return Conflict(
        code=rule.code,
        kind=rule.kind,
        severity=rule.severity,
        policies=policies,
        rules=rules,
        explanation=_explain(rule, a, b),
    )


def _pair_allowed(rule: ConflictRule, a: Policy, b: Policy) -> bool:
    if a.id == b.id:
        return rule.across != "other-policies"
    if rule.across == "same-policy":
        return False
    return active_across(a) and active_across(b) and a.scope.overlaps(b.scope)


def _scope_groups(run: EvaluationRun, facts: Sequence[Fact]) -> list[list[Fact]]:
    """Facts split by team, so the joins pair only rules whose scopes can overlap.

    Two policies can clash only if their scopes share a team, or one of them
    covers every team (no `teams`). So each team's facts are joined together with
    the facts of policies that cover every team, instead of joining the whole
    library at once: for a library of many teams the work grows with the library,
    not with its square. A pair found in two groups is kept once by the caller.
    """
    everyone: list[Fact] = []
    by_team: dict[str, list[Fact]] = {}
    for fact in facts:
        teams = run.policies[fact[POLICY_KEY]].scope.teams
        if not teams:
            everyone.append(fact)
        for team in teams:
            by_team.setdefault(team, []).append(fact)
    if not by_team:
        return [everyone]
    return [[*everyone, *by_team[team]] for team in sorted(by_team)]


def _join_conflicts(run: EvaluationRun, wanted: set[str], facts: Sequence[Fact]) -> list[Conflict]:
    book: Rulebook = run.rulebook
    if not book.conflict_rules or not wanted:
        return []
    rules = {r.code: r for r in book.conflict_rules}
    found: dict[tuple[str, frozenset[str]], Conflict] = {}

    def add(rule: ConflictRule, a: _Side, b: _Side) -> None:
        if a.policy.id not in wanted and b.policy.id not in wanted:
            return
        if (
            (b.policy.id, b.index) < (a.policy.id, a.index)
            and when_holds(rule.a, b.fact)
            and when_holds(rule.b, a.fact)
        ):
            a, b = b, a  # either order fits: take the stable one, not the Rete firing order
        key = (rule.code, frozenset((a.ref, b.ref)))
        if key not in found:  # a pair both of whose facts meet both sides fires twice
            found[key] = _join_conflict(rule, a, b)

    for firing in (f for group in _scope_groups(run, facts) for f in run_joins(book, group)):
        rule = rules[firing.code]
        fa, fb = firing.facts
        a = _Side(run.policies[fa[POLICY_KEY]], fa)
        b = _Side(run.policies[fb[POLICY_KEY]], fb)
        if _pair_allowed(rule, a.policy, b.policy):
            add(rule, a, b)
    # One rule that meets both sides: the Rete layer never pairs a fact with itself.
    for rule in book.conflict_rules:
        if rule.across == "other-policies":
            continue
        for fact in facts:
            if fact[POLICY_KEY] in wanted and when_holds(rule.a, fact) and when_holds(rule.b, fact):
                side = _Side(run.policies[fact[POLICY_KEY]], fact)
                add(rule, side, side)
    return list(found.values())


# --------------------------------------------------------------------------- trade-offs


def _attribute(contributions: Sequence[Contribution]) -> dict[int, list[Contribution]]:
    """Contributions per policy rule index; a derived one counts for the rule that started its chain."""
    first_index: dict[str, int] = {}
    for c in contributions:
        index = c.facts.get(INDEX_KEY)
        if isinstance(index, int):
            first_index.setdefault(c.rule, index)
    per_rule: dict[int, list[Contribution]] = {}
    for c in contributions:
        index = c.facts.get(INDEX_KEY)
        if not isinstance(index, int) and c.chain:
            index = first_index.get(c.chain[0])
        if isinstance(index, int):
            per_rule.setdefault(index, []).append(c)
    return per_rule


def _side_sum(contributions: Iterable[Contribution], side: str, book: Rulebook) -> float:
    weights = book.criteria_by_id
    return sum(
        weights[c.criterion].weight * c.delta for c in contributions if c.criterion.startswith(side + ".")
    )


def _join_words(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _describe(
    subject: str, contributions: Sequence[Contribution], gainer: str, loser: str, book: Rulebook
) -> str:
    """``subject trades <loser criteria> for <gainer criteria>: values with rule codes. CODE: summary``."""
    criteria = book.criteria_by_id
    per: dict[str, list[tuple[str, int]]] = {}
    for c in contributions:
        per.setdefault(c.criterion, []).append((c.rule, c.delta))

    def net(criterion: str) -> int:
        return sum(d for _, d in per[criterion])

    def items(side: str, sign: int) -> list[str]:
        chosen = [k for k in per if k.startswith(side + ".") and net(k) * sign > 0]
        chosen.sort(key=lambda k: (-abs(net(k)) * criteria[k].weight, k))
        return chosen[:3]

    gains, losses = items(gainer, 1), items(loser, -1)

    def title(criterion: str) -> str:
        return criteria[criterion].title.lower()

    def value(criterion: str) -> str:
        parts = per[criterion]
        codes = (
            parts[0][0]
            if len(parts) == 1
            else ", ".join(f"{code} {delta:+d}" for code, delta in sorted(parts, key=lambda p: (p[1], p[0])))
        )
        return f"{criterion.split('.')[0]} {title(criterion)} {net(criterion):+d} ({codes})"

    head = (
        f"{subject} trades {loser} {_join_words([title(k) for k in losses])} "
        f"for {gainer} {_join_words([title(k) for k in gains])}"
    )
    text = f"{head}: {', '.join(value(k) for k in [*gains, *losses])}."
    if losses:
        worst = min(per[losses[0]], key=lambda p: (p[1], p[0]))[0]
        rule = book.rules_by_code.get(worst)
        if rule is not None:
            text += f" {worst}: {rule.summary}"
    return text


def _trade_off_severity(loss_score: float, margin: float) -> Severity:
    return "warning" if abs(loss_score) > 2 * margin else "info"


def _trade_offs(run: EvaluationRun, pid: str) -> list[Conflict]:
    book = run.rulebook
    result = run.result(pid)
    margin = book.scoring.verdicts.margin
    employee, customer = result.scores.employee, result.scores.customer
    per_rule = _attribute(result.contributions)
    if (employee > margin and customer < -margin) or (customer > margin and employee < -margin):
        gainer, loser = ("employee", "customer") if employee > customer else ("customer", "employee")
        losing = sorted(i for i, cs in per_rule.items() if _side_sum(cs, loser, book) < 0)
        loss = customer if loser == "customer" else employee
        subject = f"{pid} (employee {employee:+d}, customer {customer:+d})"
        return [
            Conflict(
                code=TRADE_OFF_POLICY,
                kind="trade-off",
                severity=_trade_off_severity(loss, margin),
                policies=[pid],
                rules=[rule_ref(pid, i) for i in losing],
                explanation=_describe(subject, result.contributions, gainer, loser, book),
            )
        ]
    found: list[Conflict] = []
    policy = run.policies[pid]
    for index in sorted(per_rule):
        contributions = per_rule[index]
        emp = _side_sum(contributions, "employee", book)
        cus = _side_sum(contributions, "customer", book)
        if emp * cus >= 0:
            continue
        gainer, loser = ("employee", "customer") if emp > 0 else ("customer", "employee")
        loss_score = bounded(min(emp, cus), book.scoring.saturation)
        subject = f"{rule_ref(pid, index)} ({policy.rules[index].kind})"
        found.append(
            Conflict(
                code=TRADE_OFF_RULE,
                kind="trade-off",
                severity=_trade_off_severity(loss_score, margin),
                policies=[pid],
                rules=[rule_ref(pid, index)],
                explanation=_describe(subject, contributions, gainer, loser, book),
            )
        )
    return found


# --------------------------------------------------------------------------- guardrails


def _guardrail_conflicts(run: EvaluationRun, wanted: set[str]) -> tuple[list[Conflict], dict[str, str]]:
    checker_settings = guardrail_settings(run.settings)
    found: list[Conflict] = []
    notes: dict[str, str] = {}
    for pid in sorted(wanted):
        policy = run.policies[pid]
        if policy.jurisdiction is None:
            continue  # evaluation already says there is no legal verdict
        report = check_guardrails(policy, settings=checker_settings, packs=run.rulebook.guardrails)
        found.extend(report.conflicts)
        if report.note:
            notes[pid] = report.note
    return found, notes
