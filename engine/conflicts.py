"""Conflicts: trade-offs, contradictions, guardrail breaches, incentive conflicts, and the
policy-level findings (harm, duplicate rules, implausible values).

``find_conflicts(run)`` finds seven kinds of conflict in an evaluation:

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
  weighted contributions raise one side and lower the other (the pie-van lunch
  ban adds customer speed and takes employee autonomy and wellbeing). Contributions through derived facts
  count for the rule whose firing started the chain. A trade-off is a
  ``warning``, or ``info`` when the losing side loses no more than twice the
  verdict margin.
- **guardrail**: ``policyweigh.law.verdict.check_law`` for every policy with a
  jurisdiction.
- **harm**, from the scores: ``HRM001`` when the employee score is at or below
  minus the settings' ``harm_bound`` (default 40), ``HRM002`` for the customer
  score. An error: a gain on the other side never offsets it. Its rules are the
  policy rules whose contributions to the harmed side are negative, worst first
  (a contribution through a derived fact counts for the rule that started its
  chain); its remedies are those the impact rules behind the harm list.
- **duplicate** (``DUP001``, info): a rule that repeats an earlier rule of the
  same policy (the same content apart from ``note``); an impact rule counts once
  per policy, so the repeat adds nothing to the score, and the finding says so.
- **implausible** (``PLS001``, warning): a number of a policy rule (a field or a
  measure) outside the plausible range the rulebook gives for it
  (``plausible.yaml``): the judgement of such a value is flagged, not trusted.

Conflicts are sorted by severity (highest first), kind, code, policies and
rules. Detection reads the evaluation's settings (the guardrails' edge margin,
the harm bound) from the ``EvaluationRun`` it is given, and returns what it found without
changing the run; remedies come after (``policyweigh.remedies``, composed by
``policyweigh.orchestration``), and re-run this detection on patched copies.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from policyweigh.config import Settings
from policyweigh.evaluation import EvaluationRun, batch_gc_for, fill, rule_value
from policyweigh.facts import INDEX_KEY, POLICY_KEY, Fact
from policyweigh.formatting import format_value, plain, points, signed
from policyweigh.law.check import GuardrailSettings
from policyweigh.law.verdict import check_law
from policyweigh.policy import Policy
from policyweigh.results import (
    SEVERITY_RANK,
    Conflict,
    ConflictKind,
    Contribution,
    PolicyResult,
    Severity,
    rule_ref,
    share_given,
)
from policyweigh.rete import join_sides, run_joins
from policyweigh.rulebook import ConflictRule, Rulebook
from policyweigh.rulebook.models import when_holds
from policyweigh.scoring import bounded

__all__ = [
    "DUPLICATE",
    "HARM_CUSTOMER",
    "HARM_EMPLOYEE",
    "HARM_SIDES",
    "IMPLAUSIBLE",
    "POLICY_FINDINGS",
    "TRADE_OFF_CODES",
    "Detection",
    "FindingCode",
    "active_across",
    "attribute",
    "conflict_identity",
    "detect_conflicts",
    "find_conflicts",
    "guardrail_settings",
    "harm_conflict",
    "harm_rules",
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

HARM_EMPLOYEE = "HRM001"
HARM_CUSTOMER = "HRM002"
DUPLICATE = "DUP001"
IMPLAUSIBLE = "PLS001"
HARM_SIDES: dict[str, str] = {HARM_EMPLOYEE: "employee", HARM_CUSTOMER: "customer"}
"""Harm code to the side it is about."""


@dataclass(frozen=True)
class FindingCode:
    """A fixed code of a policy-level finding: what it is and what to do about it."""

    name: str
    kind: ConflictKind
    severity: Severity
    summary: str
    detail: str
    """How it is found and set, and what to do: shown by `policyweigh rules CODE`."""


def _conflict(
    *,
    code: str,
    kind: ConflictKind,
    severity: Severity,
    policies: list[str],
    rules: list[str],
    explanation: str,
) -> Conflict:
    """A conflict, validated, holding the one shared record of which fields were given.

    pydantic gives each model a set of the fields it was given, about 0.7 KiB, a third of a
    conflict's memory (a library of 30,000 policies holds about 20,000 conflicts); every conflict
    made here was given the same fields, so they share one equal set. A copy (``model_copy``)
    gets its own, and setting a field adds a name the set already holds.
    """
    return share_given(
        Conflict(
            code=code, kind=kind, severity=severity, policies=policies, rules=rules, explanation=explanation
        )
    )


def policy_finding(code: str, pid: str, rules: list[str], explanation: str) -> Conflict:
    """A policy-level finding of one of ``POLICY_FINDINGS``: its kind and severity come from the code."""
    info = POLICY_FINDINGS[code]
    return _conflict(
        code=code,
        kind=info.kind,
        severity=info.severity,
        policies=[pid],
        rules=rules,
        explanation=explanation,
    )


POLICY_FINDINGS: dict[str, FindingCode] = {
    HARM_EMPLOYEE: FindingCode(
        "harm.employee",
        "harm",
        "error",
        "The policy's employee impact is at or below minus the harm bound.",
        "the default `check` fails on it, whatever the customer side gains; the bound is harm_bound in "
        "the settings (default 40) or `check --harm-bound N`; the remedies offered are those the impact "
        "rules behind the harm list, each re-scored",
    ),
    HARM_CUSTOMER: FindingCode(
        "harm.customer",
        "harm",
        "error",
        "The policy's customer impact is at or below minus the harm bound.",
        "the default `check` fails on it, whatever the employee side gains; the bound is harm_bound in "
        "the settings (default 40) or `check --harm-bound N`; the remedies offered are those the impact "
        "rules behind the harm list, each re-scored",
    ),
    DUPLICATE: FindingCode(
        "duplicate.rule",
        "duplicate",
        "info",
        "A policy rule repeats an earlier rule of the same policy; it counts once.",
        "it does not fail the default gate; rules are the same when everything but their note is, and an "
        "impact rule counts once per policy, so the repeat adds nothing to the scores: remove it, or "
        "change what it says",
    ),
    IMPLAUSIBLE: FindingCode(
        "implausible.value",
        "implausible",
        "warning",
        "A number of a policy rule is outside the plausible range the rulebook gives for it.",
        "it fails `check --fail-on warning`; the ranges and their reasons are in the rulebook's "
        "plausible.yaml, and the judgement of such a value is not to be trusted: check the value (a unit "
        "mistake?) or the range",
    ),
}
"""Code to what it means, for the policy-level findings: harm, duplicates, implausible values."""


def guardrail_settings(settings: Settings) -> GuardrailSettings:
    """The guardrail checker's settings from the engine's settings."""
    return GuardrailSettings(edge_margin_minutes=settings.edge_margin_minutes, as_of=settings.law_date)


@dataclass(frozen=True)
class Detection:
    """What conflict detection found: the conflicts, sorted, and the legal notes of the policies checked."""

    conflicts: list[Conflict]
    legal: Mapping[str, str] = field(default_factory=dict)
    """Policy id to the guardrail checker's note (assumptions it made, checks it could not make)."""


def conflict_identity(conflict: Conflict) -> tuple[str, ...]:
    """What makes two conflicts the same one: code, policies and rules (a policy trade-off or a
    harm: no rules, since a remedy that changes which rules harm a side has not resolved it)."""
    if conflict.code == TRADE_OFF_POLICY or conflict.code in HARM_SIDES:
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
    explain: bool = True,
) -> Detection:
    """The conflicts that involve a ``wanted`` policy, sorted, without remedies; and their legal notes.

    ``join_facts`` are the facts the Rete joins see (default: every fact that
    may pair with a wanted policy). ``explain=False`` leaves the explanations of
    joins, trade-offs and harm empty, for a caller that reads only which
    conflicts there are (a remedy's trial).
    """
    with batch_gc_for(len(run.policies)):
        return _detect(run, set(wanted), join_facts, explain)


def _detect(
    run: EvaluationRun, chosen: set[str], join_facts: Sequence[Fact] | None, explain: bool
) -> Detection:
    found: list[Conflict] = []
    facts = join_facts if join_facts is not None else _join_facts(run, chosen)
    found.extend(_join_conflicts(run, chosen, facts, explain))
    for pid in sorted(chosen):
        per_rule = attribute(run.result(pid).contributions)
        found.extend(_trade_offs(run, pid, per_rule, explain))
        found.extend(_harms(run, pid, per_rule, explain))
        repeats = _repeats(run.policies[pid])
        found.extend(_duplicates(pid, repeats))
        found.extend(_implausible(run, pid, repeats))
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
    if len(wanted) == len(run.policies) and wanted == set(run.policies):
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


def _join_conflict(rule: ConflictRule, a: _Side, b: _Side, explain: bool = True) -> Conflict:
    policies = [a.policy.id] if a.policy.id == b.policy.id else [a.policy.id, b.policy.id]
    rules = [a.ref] if a.ref == b.ref else [a.ref, b.ref]
    return _conflict(
        code=rule.code,
        kind=rule.kind,
        severity=rule.severity,
        policies=policies,
        rules=rules,
        explanation=_explain(rule, a, b) if explain else "",
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


def _join_conflicts(
    run: EvaluationRun, wanted: set[str], facts: Sequence[Fact], explain: bool = True
) -> list[Conflict]:
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
            found[key] = _join_conflict(rule, a, b, explain)

    # Each fact's sides are tested once, here; facts that meet none cannot join and are left out
    # of the scope groups, and every group's joins read the sides remembered.
    sides = join_sides(book)
    joining = [fact for fact in facts if sides.meets_any(fact)]
    groups = _scope_groups(run, joining)
    for firing in (f for group in groups for f in run_joins(book, group, sides=sides)):
        rule = rules[firing.code]
        fa, fb = firing.facts
        a = _Side(run.policies[fa[POLICY_KEY]], fa)
        b = _Side(run.policies[fb[POLICY_KEY]], fb)
        if _pair_allowed(rule, a.policy, b.policy):
            add(rule, a, b)
    # One rule that meets both sides: the Rete layer never pairs a fact with itself.
    for number, rule in enumerate(book.conflict_rules):
        if rule.across == "other-policies":
            continue
        for fact in joining:
            if fact[POLICY_KEY] in wanted:
                meets_a, meets_b = sides.of(fact)
                if number in meets_a and number in meets_b:
                    side = _Side(run.policies[fact[POLICY_KEY]], fact)
                    add(rule, side, side)
    return list(found.values())


# --------------------------------------------------------------------------- trade-offs


def attribute(contributions: Sequence[Contribution]) -> dict[int, list[Contribution]]:
    """Contributions per policy rule index; a derived one counts for the rule that started its chain.

    A contribution also counts for the rules in its ``also``: the same impact rule matched them.
    """
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
            # An impact rule counts once per policy, but each rule it matched would bring the
            # effect alone: a rule in `also` answers for it as much as the one it was counted on.
            for other in c.also:
                per_rule.setdefault(other, []).append(c)
    return per_rule


def _side_sum(contributions: Iterable[Contribution], side: str, book: Rulebook) -> float:
    weights = book.criteria_by_id
    return math.fsum(
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
    per: dict[str, list[tuple[str, float]]] = {}
    for c in contributions:
        per.setdefault(c.criterion, []).append((c.rule, c.delta))

    def net(criterion: str) -> float:
        return math.fsum(d for _, d in per[criterion])

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
            else ", ".join(
                f"{code} {points(delta)}" for code, delta in sorted(parts, key=lambda p: (p[1], p[0]))
            )
        )
        return f"{criterion.split('.')[0]} {title(criterion)} {points(net(criterion))} ({codes})"

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


def _trade_offs(
    run: EvaluationRun, pid: str, per_rule: Mapping[int, list[Contribution]], explain: bool = True
) -> list[Conflict]:
    """The policy's trade-offs; ``per_rule`` is ``attribute`` of its contributions."""
    book = run.rulebook
    result = run.result(pid)
    margin = book.scoring.verdicts.margin
    employee, customer = result.scores.employee, result.scores.customer
    if (employee > margin and customer < -margin) or (customer > margin and employee < -margin):
        gainer, loser = ("employee", "customer") if employee > customer else ("customer", "employee")
        losing = sorted(i for i, cs in per_rule.items() if _side_sum(cs, loser, book) < 0)
        loss = customer if loser == "customer" else employee
        subject = f"{pid} (employee {employee:+d}, customer {customer:+d})"
        return [
            _conflict(
                code=TRADE_OFF_POLICY,
                kind="trade-off",
                severity=_trade_off_severity(loss, margin),
                policies=[pid],
                rules=[rule_ref(pid, i) for i in losing],
                explanation=_describe(subject, result.contributions, gainer, loser, book) if explain else "",
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
            _conflict(
                code=TRADE_OFF_RULE,
                kind="trade-off",
                severity=_trade_off_severity(loss_score, margin),
                policies=[pid],
                rules=[rule_ref(pid, index)],
                explanation=_describe(subject, contributions, gainer, loser, book) if explain else "",
            )
        )
    return found


# --------------------------------------------------------------------------- harm

_BRIEF = 90
"""Characters of a contribution's reason a harm explanation quotes."""


def harm_rules(
    run: EvaluationRun, pid: str, side: str, per_rule: Mapping[int, list[Contribution]] | None = None
) -> list[int]:
    """Indexes of the policy rules whose contributions to ``side`` are negative, worst first.

    ``per_rule`` is ``attribute`` of the policy's contributions, when the caller has it.
    """
    per_rule = attribute(run.result(pid).contributions) if per_rule is None else per_rule
    sums = {i: _side_sum(cs, side, run.rulebook) for i, cs in per_rule.items()}
    return sorted((i for i, total in sums.items() if total < 0), key=lambda i: (sums[i], i))


def _brief(reason: str) -> str:
    """The first sentence of a reason, cut at a word to at most ``_BRIEF`` characters."""
    text = " ".join(reason.split())
    end = text.find(". ")
    first = (text[: end + 1] if end >= 0 else text).rstrip(".")
    if len(first) > _BRIEF:
        cut = first[: _BRIEF - 3]
        first = (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(",;:") + "..."
    return first


def _worst(
    result: PolicyResult,
    side: str,
    book: Rulebook,
    per_rule: Mapping[int, list[Contribution]],
    limit: int = 3,
) -> str:
    """The impact rules that cost ``side`` most: weighted points, the policy rule, the reason in brief."""
    weights = book.criteria_by_id
    totals: dict[str, float] = {}
    first: dict[str, Contribution] = {}
    indexes = {id(c): i for i, cs in per_rule.items() for c in cs}
    for c in result.contributions:
        if not c.criterion.startswith(side + "."):
            continue
        totals[c.rule] = totals.get(c.rule, 0.0) + weights[c.criterion].weight * c.delta
        first.setdefault(c.rule, c)
    worst = sorted((code for code, total in totals.items() if total < 0), key=lambda k: (totals[k], k))
    parts = []
    for code in worst[:limit]:
        c = first[code]
        index = indexes.get(id(c))
        where = [f"rules[{index}]"] if index is not None else []
        if c.chain:
            where.append(f"via {' > '.join(c.chain)}")
        place = f" on {' '.join(where)}" if where else ""
        parts.append(f"{code} {points(totals[code])}{place} ({_brief(c.reason)})")
    return "; ".join(parts)


def harm_conflict(
    run: EvaluationRun,
    pid: str,
    side: str,
    per_rule: Mapping[int, list[Contribution]] | None = None,
    explain: bool = True,
) -> Conflict:
    """The harm finding of one side of a policy, whatever its score (``_harms`` decides when there is one).

    ``per_rule`` is ``attribute`` of the policy's contributions, when the caller has it;
    ``explain=False`` leaves the explanation empty.
    """
    book = run.rulebook
    result = run.result(pid)
    per_rule = attribute(result.contributions) if per_rule is None else per_rule
    rules = [rule_ref(pid, i) for i in harm_rules(run, pid, side, per_rule)]
    code = HARM_EMPLOYEE if side == "employee" else HARM_CUSTOMER
    if not explain:
        return policy_finding(code, pid, rules, "")
    bound = run.settings.harm_bound
    value = result.scores.employee if side == "employee" else result.scores.customer
    spans = getattr(result.ranges, side) if result.ranges is not None else None
    shown = f"{side} impact {value:+d}"
    if spans is not None:
        shown += f" (range {signed(spans[0])}..{signed(spans[1])})"
    relation = "at or below" if value <= -bound else "above"
    text = f"{pid}: {shown} is {relation} -{bound}, the harm bound."
    worst = _worst(result, side, book, per_rule)
    if worst:
        text += f" Worst, in weighted points: {worst}."
    return policy_finding(code, pid, rules, text)


def _harms(
    run: EvaluationRun, pid: str, per_rule: Mapping[int, list[Contribution]], explain: bool = True
) -> list[Conflict]:
    """A harm finding for each side at or below minus the harm bound."""
    scores = run.result(pid).scores
    bound = run.settings.harm_bound
    return [
        harm_conflict(run, pid, side, per_rule, explain)
        for side, value in (("employee", scores.employee), ("customer", scores.customer))
        if value <= -bound
    ]


# --------------------------------------------------------------------------- duplicates


def _duplicates(pid: str, repeats: Mapping[int, int]) -> list[Conflict]:
    """A finding for each rule that repeats an earlier one (``_repeats``: the same content apart from
    its note)."""
    found: list[Conflict] = []
    for index, original in sorted(repeats.items()):
        found.append(
            policy_finding(
                DUPLICATE,
                pid,
                [rule_ref(pid, index), rule_ref(pid, original)],
                f"{pid}: rules[{index}] repeats rules[{original}]; it counts once.",
            )
        )
    return found


# --------------------------------------------------------------------------- implausible values


def _plausible_range(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f"{plain(low)} to {plain(high)}"
    if low is not None:
        return f"at least {plain(low)}"
    return f"at most {plain(high if high is not None else 0)}"


def _repeats(policy: Policy) -> dict[int, int]:
    """Index of each rule that repeats an earlier one (all but the note) to the index it repeats."""
    first: dict[str, int] = {}
    out: dict[int, int] = {}
    # Rules of different kinds never repeat one another: only kinds held twice are compared.
    shared = {kind for kind, count in Counter(rule.kind for rule in policy.rules).items() if count > 1}
    if not shared:
        return out
    for index, rule in enumerate(policy.rules):
        if rule.kind not in shared:
            continue
        content = json.dumps(rule.model_dump(mode="json", by_alias=True, exclude={"note"}), sort_keys=True)
        original = first.setdefault(content, index)
        if original != index:
            out[index] = original
    return out


def _implausible(run: EvaluationRun, pid: str, repeats: Mapping[int, int]) -> list[Conflict]:
    """A finding for each rule with numbers (fields or measures) outside their plausible ranges.

    A rule that repeats an earlier one (in ``repeats``) is left to its duplicate finding.
    """
    entries = run.rulebook.plausible
    if not entries:
        return []
    found: list[Conflict] = []
    for fact in run.traces[pid].facts:
        index = int(fact[INDEX_KEY])
        if index in repeats:
            continue
        kind = fact.get("kind")
        parts: list[str] = []
        for entry in entries:
            if entry.kind != kind:
                continue
            value = fact.get(entry.key)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                continue
            if (entry.min is None or value >= entry.min) and (entry.max is None or value <= entry.max):
                continue
            reason = " ".join(entry.reason.split()).rstrip(".")
            parts.append(
                f"{entry.key} {format_value(entry.key, value)} is outside the plausible range, "
                f"{_plausible_range(entry.min, entry.max)}: {reason}"
            )
        if parts:
            ref = rule_ref(pid, index)
            found.append(policy_finding(IMPLAUSIBLE, pid, [ref], f"{ref} ({kind}): {'; '.join(parts)}."))
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
        report = check_law(policy, settings=checker_settings, packs=run.rulebook.guardrails)
        found.extend(report.conflicts)
        if report.note:
            notes[pid] = report.note
    return found, notes
