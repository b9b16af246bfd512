"""Remedies: patch a copy of a policy, evaluate it again, and rank what each patch does.

Which remedies a conflict tries: a contradiction or incentive tries the remedies
its conflict rule lists; a harm finding tries, on each policy rule behind the
harm, the remedies that the impact rules behind it list (``ImpactRule.remedies``:
private coaching for a public reprimand), and every remedy in the rulebook
when none of those fits the rule; a trade-off or guardrail breach tries every remedy in
the rulebook. Either way a remedy is tried on each of the conflict's rules whose
fact meets its ``applies_to``, and a patch that would change nothing is skipped.
At most ``MAX_CANDIDATES`` are tried per conflict and ``MAX_REMEDIES`` kept.
A remedy that fits several rules of one policy in the conflict (two
bonus-linked targets) is offered once for that policy, on the rule where it
ranks best; on each of two policies it is offered for each, since each policy
has its own owner. Every remedy names the policy and rule it patches.

How a remedy is tried: the patch's fields are set on the rule by the policy
patcher (``policyweigh.patching``; ``null`` removes a field; a value
``{compute: legal-break-slot}`` or ``{compute: legal-break-length}`` is worked
out from the guardrail breach, see ``legal_break_slot`` and
``legal_break_length``), which validates the policy again; a patch that makes an
invalid policy is a rulebook bug and raises ``RulebookError`` naming the remedy.
The patched policy is scored on its own (its scores depend on nothing else) by
the ``Rescore`` function the caller passes in (``policyweigh.orchestration`` passes
the evaluation's own scoring, so this module never starts an evaluation itself):
that is one *re-evaluation*. Its conflicts are then tested again
(``detect_conflicts``, without remedies, so there is no recursion), but only
where the patch can change them: a patch changes the fact of one rule, so a
join conflict between two other rules stays as it was, and the Rete joins see
only the patched rule's fact and the facts that can pair with it (the policy's
own, and other policies' from an index built once). Trade-offs and guardrail
breaches, which come from the whole policy, are found again. So the work of
one patch grows with what the patched rule can clash with, not with the
conflicts of the policy (a 100-rule policy with 2,500 conflicts used to test
all 2,500 again per patch) nor with the library.
``resolves`` says whether the conflict (same code, policies and rules) is
gone; ``new_conflicts`` lists the codes of conflicts of the patched policy that
were not there before. The same patch is worked out once however many
conflicts try it.

The work is bounded by a ``RemedyBudget``: at most ``MAX_PATCHES``
re-evaluations per evaluation by default. Conflicts are served in their sorted
order, most severe first; a conflict whose untried patches would go past the
budget gets no remedies, and the budget counts it in ``skipped`` so the
command can say so.

Ranking (best first):

1. remedies that resolve the conflict come before those that do not;
2. then by benefit, highest first: employee change + customer change, where a
   side that gets worse counts ``1 + WORSE_WEIGHT`` times its loss, minus
   ``NEW_CONFLICT_PENALTY`` points for each new conflict;
3. then by remedy code and patch, so the order is deterministic.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from policyweigh.conflicts import (
    HARM_SIDES,
    active_across,
    attribute,
    conflict_identity,
    detect_conflicts,
    guardrail_settings,
)
from policyweigh.errors import InputError, RulebookError
from policyweigh.evaluation import EvaluationRun, Rescore
from policyweigh.facts import INDEX_KEY, POLICY_KEY, Fact
from policyweigh.formatting import format_minutes
from policyweigh.law.check import GuardrailSettings, check_guardrails
from policyweigh.patching import FieldChange, patch_policy, rule_changes
from policyweigh.policy import MAX_BLOCKED_WINDOWS, BreakRule, Policy
from policyweigh.results import Conflict, Patch, RemedyResult, ScoresAfter, parse_rule_ref, rule_ref
from policyweigh.rulebook import ConflictRule, Remedy
from policyweigh.rulebook.guardrails import GuardrailPacks
from policyweigh.rulebook.models import when_holds

__all__ = [
    "COMPUTED_PATCHES",
    "MAX_CANDIDATES",
    "MAX_PATCHES",
    "MAX_REMEDIES",
    "NEW_CONFLICT_PENALTY",
    "WORSE_WEIGHT",
    "Candidate",
    "RemedyBudget",
    "apply_patch",
    "attach_remedies",
    "benefit",
    "candidates",
    "legal_break_length",
    "legal_break_slot",
    "rank_key",
    "try_remedy",
]

MAX_CANDIDATES = 8
"""Remedies tried per conflict."""
MAX_REMEDIES = 5
"""Remedies kept per conflict, after ranking."""
WORSE_WEIGHT = 2
"""Extra weight of a side's loss in the ranking: a loss of 5 points counts as 15."""
NEW_CONFLICT_PENALTY = 20
"""Points a remedy loses in the ranking for each new conflict it creates."""
MAX_PATCHES = 1_000
"""Re-evaluations (distinct patches worked out) per evaluation, unless a ``RemedyBudget`` says otherwise."""

COMPUTED_PATCHES = ("legal-break-slot", "legal-break-length")
"""Names a patch value ``{compute: NAME}`` may take."""

_STEP = 5  # minutes between the break slots tried by legal_break_slot


@dataclass(frozen=True)
class Candidate:
    """A remedy on one policy rule, with its patch worked out."""

    remedy: Remedy
    policy: str
    rule_index: int
    values: Mapping[str, Any]
    """Fields to set (None removes a field), computed values filled in."""

    def patch(self) -> Patch:
        """The declarative patch as conflicts show it."""
        return Patch(policy=self.policy, rule_index=self.rule_index, set=dict(self.values))

    @functools.cached_property
    def key(self) -> str:
        """One string per distinct patch, for caching."""
        return json.dumps([self.remedy.code, self.patch().model_dump(mode="json")], sort_keys=True)


@dataclass(frozen=True)
class _Outcome:
    employee: int
    customer: int
    after: frozenset[tuple[str, ...]]
    """Identities of the patched policy's conflicts after the patch."""
    new: tuple[str, ...]
    """Codes of the conflicts that were not there before."""


# --------------------------------------------------------------------------- patches


def apply_patch(policy: Policy, patch: Patch, *, remedy: str) -> Policy:
    """A copy of ``policy`` with ``patch`` applied to ``rules[patch.rule_index]`` (None removes a field).

    Raises ``RulebookError`` naming the remedy when the patched policy is
    invalid: a remedy of the rulebook that breaks a valid policy is a bug of the rulebook.
    """
    ref = rule_ref(policy.id, patch.rule_index)
    try:
        return patch_policy(
            policy, rule_changes(patch.rule_index, patch.set), label=f"{ref} patched by {remedy}"
        )
    except InputError as err:
        first = err.problems[0]
        prefix = f"rules[{patch.rule_index}]."
        where = first.path[len(prefix) :] if first.path.startswith(prefix) else first.path
        detail = first.message + (f" (did you mean {first.suggestion!r}?)" if first.suggestion else "")
        raise RulebookError(f"remedy {remedy} makes {ref} invalid: {where}: {detail}") from None


def _windows_data(windows: Sequence[tuple[int, int]]) -> list[dict[str, str]]:
    return [{"from": format_minutes(s), "to": format_minutes(e)} for s, e in sorted(windows)]


def _cut(windows: Sequence[tuple[int, int]], start: int, end: int) -> list[tuple[int, int]]:
    """Windows with the span [start, end) taken out of them."""
    out: list[tuple[int, int]] = []
    for s, e in windows:
        if e <= start or s >= end:
            out.append((s, e))
            continue
        if s < start:
            out.append((s, start))
        if end < e:
            out.append((end, e))
    return out


def legal_break_slot(
    policy: Policy,
    rule_index: int,
    code: str,
    settings: GuardrailSettings,
    packs: GuardrailPacks,
) -> list[dict[str, str]] | None:
    """Blocked windows with, for each shift start that misses guardrail ``code``, the latest slot cut out.

    Shift starts are taken one at a time; for one that still breaches ``code``
    on the rule, slots of the rule's break length are tried from the latest
    (every ``_STEP`` minutes) and the first whose removal clears the breach for
    that start is cut out, so the windows shrink no more than needed. Returns
    None when no slot clears every start (a breach of length, not of timing, or
    a rule with no blocked window), which is checked on the whole policy.
    """
    rule = policy.rules[rule_index]
    if not isinstance(rule, BreakRule) or not rule.blocked_windows:
        return None
    ref = rule_ref(policy.id, rule_index)
    windows = [part for w in rule.blocked_windows for part in w.parts()]
    length = rule.min_minutes

    def breaches(candidate: Sequence[tuple[int, int]], start: str | None) -> bool:
        changes = [FieldChange(rule_index, ("blocked_windows",), _windows_data(candidate))]
        if start is not None:
            changes.append(FieldChange("scope", ("shift_starts",), [start]))
        trial = patch_policy(policy, changes, label=f"{ref} with a break slot tried")
        report = check_guardrails(trial, settings=settings, packs=packs)
        return any(c.code == code and ref in c.rules for c in report.conflicts)

    starts: list[str | None] = list(sorted(policy.scope.shift_starts)) or [None]
    for start in starts:
        if not breaches(windows, start):
            continue
        latest = max(e for _, e in windows)
        for begin in range(min(latest, 24 * 60) - length, -1, -_STEP):
            trial = _cut(windows, begin, begin + length)
            # A cut that splits the windows past what a rule may hold is no remedy a policy can take.
            if len(trial) > MAX_BLOCKED_WINDOWS:
                continue
            if trial != windows and not breaches(trial, start):
                windows = trial
                break
        else:
            return None
    if breaches(windows, None):
        return None
    return _windows_data(windows)


_LENGTH_STEP = 5  # minutes between the break lengths tried by legal_break_length
_MAX_BREAK_MINUTES = 240  # the longest break a break rule may hold (policy format)


def legal_break_length(
    policy: Policy,
    rule_index: int,
    code: str,
    settings: GuardrailSettings,
    packs: GuardrailPacks,
    also: Mapping[str, Any] | None = None,
) -> int | None:
    """The shortest break length (in steps of 5 minutes) that clears guardrail ``code`` on the rule.

    For a breach of length (a 9.5-hour German shift with a 15-minute lunch needs
    45 minutes). Lengths above the rule's own are tried upwards, each checked on
    the whole policy, up to the longest break the jurisdiction's pack asks for;
    None when none clears it (a breach of
    timing, not of length: ``legal_break_slot`` is for those), or when the rule
    is no break rule. ``also`` are the remedy's other fields, set on the rule in
    every trial (a rest break made a break of any kind, for a missing meal
    period); with them, the rule's own length is tried first.
    """
    rule = policy.rules[rule_index]
    if not isinstance(rule, BreakRule):
        return None
    ref = rule_ref(policy.id, rule_index)
    fixed = rule_changes(rule_index, also or {})
    # Never longer than the longest break the jurisdiction's law asks for: a longer unpaid break
    # can clear a breach only by shortening the working day under a threshold (two hours off an
    # 8-hour German day leave 6 hours of work, which need no break), which is no remedy for staff.
    pack = packs.get(policy.jurisdiction or "")
    due = [r.min_minutes for r in pack.requirements if r.min_minutes] if pack is not None else []
    longest = max(due, default=_MAX_BREAK_MINUTES)
    lengths = list(range((rule.min_minutes // _LENGTH_STEP + 1) * _LENGTH_STEP, longest + 1, _LENGTH_STEP))
    if fixed:
        lengths.insert(0, rule.min_minutes)
    for minutes in lengths:
        changes = [*fixed, FieldChange(rule_index, ("min_minutes",), minutes)]
        trial = patch_policy(policy, changes, label=f"{ref} with a {minutes}-minute break tried")
        report = check_guardrails(trial, settings=settings, packs=packs)
        if not any(c.code == code and ref in c.rules for c in report.conflicts):
            return minutes
    return None


def _computed(
    name: str,
    remedy: Remedy,
    policy: Policy,
    index: int,
    conflict: Conflict,
    settings: GuardrailSettings,
    packs: GuardrailPacks,
) -> Any:
    """The value of a ``{compute: name}`` patch field for this conflict, or None when it does not apply."""
    if name == "legal-break-slot":
        if conflict.kind != "guardrail":
            return None
        return legal_break_slot(policy, index, conflict.code, settings, packs)
    if name == "legal-break-length":
        if conflict.kind != "guardrail":
            return None
        also = {key: value for key, value in remedy.patch.items() if not _is_computed(value)}
        return legal_break_length(policy, index, conflict.code, settings, packs, also)
    raise RulebookError(
        f"remedy {remedy.code}: unknown computed patch {name!r}; known: {', '.join(COMPUTED_PATCHES)}"
    )


def _is_computed(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"compute"}


def _is_noop(policy: Policy, index: int, values: Mapping[str, Any]) -> bool:
    current = policy.rules[index].model_dump(mode="json", by_alias=True, exclude_none=True)
    for key, value in values.items():
        if value is None and key in current:
            return False
        if value is not None and current.get(key) != value:
            return False
    return True


FactIndex = Mapping[tuple[str, int], Fact]


def fact_index(run: EvaluationRun) -> dict[tuple[str, int], Fact]:
    """Every policy rule's fact by (policy id, rule index)."""
    return {(pid, int(f[INDEX_KEY])): f for pid, trace in run.traces.items() for f in trace.facts}


def candidates(run: EvaluationRun, conflict: Conflict, *, facts: FactIndex | None = None) -> list[Candidate]:
    """The remedies a conflict tries, each on a rule it fits, patches worked out (at most MAX_CANDIDATES).

    ``facts`` is ``fact_index(run)``, when the caller asks for many conflicts.
    """
    facts = fact_index(run) if facts is None else facts
    book = run.rulebook
    rule = book.rules_by_code.get(conflict.code)
    everything = [book.remedies[code] for code in sorted(book.remedies)]
    listed = [book.remedies[code] for code in rule.remedies] if isinstance(rule, ConflictRule) else everything
    harm = _harm_remedies(run, conflict) if conflict.kind == "harm" else {}
    checker = guardrail_settings(run.settings)
    found: list[Candidate] = []
    for ref in conflict.rules:
        policy_id, index = parse_rule_ref(ref)
        policy = run.policies.get(policy_id)
        fact = facts.get((policy_id, index)) if policy is not None else None
        if policy is None or fact is None:
            continue
        fitting = [r for r in listed if when_holds(r.applies_to, fact)]
        if conflict.kind == "harm":
            named = [book.remedies[code] for code in harm.get(index, ()) if code in book.remedies]
            fitting = [r for r in named if when_holds(r.applies_to, fact)] or fitting
        for remedy in fitting:
            values: dict[str, Any] = {}
            for key, value in remedy.patch.items():
                if _is_computed(value):
                    value = _computed(
                        str(value["compute"]), remedy, policy, index, conflict, checker, book.guardrails
                    )
                    if value is None:
                        break
                values[key] = value
            else:
                if not _is_noop(policy, index, values):
                    found.append(Candidate(remedy, policy_id, index, values))
    return found[:MAX_CANDIDATES]


def _harm_remedies(run: EvaluationRun, conflict: Conflict) -> dict[int, list[str]]:
    """Per policy rule of a harm finding, the remedies listed by the impact rules that harm its side
    there, in the order the rules cost the side most (a derived rule counts for its chain's start)."""
    side = HARM_SIDES.get(conflict.code)
    if side is None or len(conflict.policies) != 1 or conflict.policies[0] not in run.policies:
        return {}
    book = run.rulebook
    weights = book.criteria_by_id
    out: dict[int, list[str]] = {}
    for index, contributions in attribute(run.result(conflict.policies[0]).contributions).items():
        totals: dict[str, float] = {}
        for c in contributions:
            if c.criterion.startswith(side + "."):
                totals[c.rule] = totals.get(c.rule, 0.0) + weights[c.criterion].weight * c.delta
        codes: list[str] = []
        for code in sorted((k for k, v in totals.items() if v < 0), key=lambda k: (totals[k], k)):
            impact = book.impact_by_code.get(code)
            for remedy in impact.remedies if impact is not None else ():
                if remedy not in codes:
                    codes.append(remedy)
        out[index] = codes
    return out


# --------------------------------------------------------------------------- trying and ranking


class _Partners:
    """Facts by the conflict-rule sides they meet: what a patched policy rule can pair with."""

    def __init__(self, run: EvaluationRun) -> None:
        self.rules = run.rulebook.conflict_rules
        self.codes = frozenset(rule.code for rule in self.rules)
        self.by_side: dict[tuple[str, str], list[Fact]] = {}
        for pid in sorted(run.traces):
            if not active_across(run.policies[pid]):
                continue
            for fact in run.traces[pid].facts:
                for key in self._sides(fact):
                    self.by_side.setdefault(key, []).append(fact)

    def _sides(self, fact: Fact) -> list[tuple[str, str]]:
        found = []
        for rule in self.rules:
            if when_holds(rule.a, fact):
                found.append((rule.code, "a"))
            if when_holds(rule.b, fact):
                found.append((rule.code, "b"))
        return found

    def join_facts(
        self, run: EvaluationRun, patched: Policy, facts: Sequence[Fact], changed: Fact
    ) -> list[Fact]:
        """The patched rule's fact and every fact that can pair with it.

        Those are the patched policy's other facts and the other policies'
        facts (when the scopes overlap) that meet the other side of a conflict
        rule the changed fact meets. Pairs that do not involve the changed
        fact are not affected by the patch, so they are not looked for again.
        """
        wanted = {(code, "b" if side == "a" else "a") for code, side in self._sides(changed)}
        out = [changed]
        if not wanted:
            return out
        out.extend(f for f in facts if f is not changed and any(k in wanted for k in self._sides(f)))
        seen: set[tuple[Any, Any]] = set()
        for key in sorted(wanted):
            for fact in self.by_side.get(key, ()):
                ident = (fact[POLICY_KEY], fact[INDEX_KEY])
                if ident[0] == patched.id or ident in seen:
                    continue
                if run.policies[ident[0]].scope.overlaps(patched.scope):
                    seen.add(ident)
                    out.append(fact)
        return out


@dataclass
class RemedyBudget:
    """The work remedies may do in one evaluation, counted in policies evaluated again.

    Every distinct patch is one re-evaluation (the patched policy is scored
    again and its conflicts are tested again); ``limit`` bounds them. Conflicts
    are served in their sorted order (most severe first), so when the budget
    runs out it is the least severe ones that are left without remedies, and
    ``skipped`` says how many. Pass one to ``attach_remedies`` to read it after.
    """

    limit: int = field(default_factory=lambda: MAX_PATCHES)
    """Re-evaluations allowed (``MAX_PATCHES`` unless given)."""
    evaluations: int = 0
    """Re-evaluations done."""
    skipped: int = 0
    """Conflicts that had remedies to try but got none because the budget was spent."""


class _Before:
    """A policy's conflicts before any patch, as identities, its join conflicts by policy rule."""

    def __init__(self) -> None:
        self.identities: set[tuple[str, ...]] = set()
        self.joins: set[tuple[str, ...]] = set()
        self.joins_by_rule: dict[str, set[tuple[str, ...]]] = {}

    def add(self, conflict: Conflict, join_codes: Collection[str]) -> None:
        identity = conflict_identity(conflict)
        self.identities.add(identity)
        if conflict.code in join_codes:
            self.joins.add(identity)
            for ref in conflict.rules:
                self.joins_by_rule.setdefault(ref, set()).add(identity)


def _outcome(
    run: EvaluationRun,
    candidate: Candidate,
    rescore: Rescore,
    partners: _Partners,
    before: _Before,
) -> _Outcome:
    """Score the patched policy again and test again the conflicts the patched rule can take part in."""
    original = run.policies[candidate.policy]
    patched = apply_patch(original, candidate.patch(), remedy=candidate.remedy.code)
    alone = rescore(patched)
    result = alone.result(patched.id)
    merged = run.with_policy(patched, alone)
    facts = alone.traces[patched.id].facts
    changed = next(f for f in facts if f.get(INDEX_KEY) == candidate.rule_index)
    join_facts = partners.join_facts(merged, patched, facts, changed)
    found = detect_conflicts(merged, wanted={patched.id}, join_facts=join_facts).conflicts
    ref = rule_ref(patched.id, candidate.rule_index)
    # A patch changes one rule's fact: a join conflict between two other rules is as it was.
    # Trade-offs and guardrail breaches come from the whole policy and were found again.
    kept = before.joins - before.joins_by_rule.get(ref, set())
    fresh = {conflict_identity(c) for c in found if c.code not in partners.codes or ref in c.rules}
    after = frozenset(kept | fresh)
    new = tuple(sorted({i[0] for i in fresh if i not in before.identities}))
    return _Outcome(result.scores.employee, result.scores.customer, after, new)


class _Trials:
    """The patches of one evaluation, each worked out once, and what every conflict makes of them."""

    def __init__(
        self, run: EvaluationRun, before: Sequence[Conflict], rescore: Rescore, budget: RemedyBudget
    ) -> None:
        self.run = run
        self.rescore = rescore
        self.budget = budget
        self.cache: dict[str, _Outcome] = {}
        self.before = before
        self._earlier: dict[str, _Before] | None = None
        self._partners: _Partners | None = None

    def outcome(self, candidate: Candidate) -> _Outcome:
        key = candidate.key
        found = self.cache.get(key)
        if found is None:
            if self._partners is None or self._earlier is None:
                self._partners = _Partners(self.run)
                self._earlier = {}
                for conflict in self.before:
                    for policy_id in conflict.policies:
                        self._earlier.setdefault(policy_id, _Before()).add(conflict, self._partners.codes)
            before = self._earlier.get(candidate.policy, _Before())
            self.budget.evaluations += 1
            found = self.cache[key] = _outcome(self.run, candidate, self.rescore, self._partners, before)
        return found

    def result(self, conflict: Conflict, candidate: Candidate) -> RemedyResult:
        outcome = self.outcome(candidate)
        scores = self.run.result(candidate.policy).scores
        return RemedyResult(
            code=candidate.remedy.code,
            summary=candidate.remedy.summary,
            patch=candidate.patch(),
            scores_after=ScoresAfter(
                employee=outcome.employee,
                customer=outcome.customer,
                employee_change=outcome.employee - scores.employee,
                customer_change=outcome.customer - scores.customer,
            ),
            resolves=conflict_identity(conflict) not in outcome.after,
            new_conflicts=list(outcome.new),
        )


def try_remedy(
    run: EvaluationRun,
    conflict: Conflict,
    candidate: Candidate,
    *,
    before: Sequence[Conflict],
    rescore: Rescore,
) -> RemedyResult:
    """Apply one candidate and say what it does: scores after, whether it resolves, new conflicts.

    ``before`` are the conflicts found without the patch (at least those of the patched policy);
    ``rescore`` scores the patched policy on its own.
    """
    return _Trials(run, before, rescore, RemedyBudget()).result(conflict, candidate)


def benefit(result: RemedyResult) -> int:
    """How much a remedy helps both sides, for ranking (see the module docstring)."""
    de = result.scores_after.employee_change
    dc = result.scores_after.customer_change
    return (
        de + dc + WORSE_WEIGHT * (min(de, 0) + min(dc, 0)) - NEW_CONFLICT_PENALTY * len(result.new_conflicts)
    )


def rank_key(result: RemedyResult) -> tuple[Any, ...]:
    """Sort key putting the best remedy first (see the module docstring)."""
    return (
        not result.resolves,
        -benefit(result),
        result.code,
        json.dumps(result.patch.model_dump(mode="json"), sort_keys=True),
    )


def _best_per_policy(ranked: Sequence[RemedyResult]) -> list[RemedyResult]:
    """Each remedy once per policy, on the rule where it ranks best (``ranked`` is best first)."""
    seen: set[tuple[str, str]] = set()
    kept: list[RemedyResult] = []
    for result in ranked:
        key = (result.code, result.patch.policy)
        if key not in seen:
            seen.add(key)
            kept.append(result)
    return kept


def attach_remedies(
    run: EvaluationRun,
    conflicts: Sequence[Conflict],
    *,
    rescore: Rescore,
    budget: RemedyBudget,
    before: Sequence[Conflict] | None = None,
) -> list[Conflict]:
    """Copies of ``conflicts`` with their ranked remedies (at most MAX_REMEDIES each).

    ``rescore`` scores a patched policy on its own; ``budget`` bounds the
    re-evaluations and records what was done (a conflict whose untried patches
    would exceed it gets none). ``before`` are all the conflicts found without
    a patch (default: ``conflicts``), for telling which conflicts a patch
    creates when remedies are wanted for only some of them (`check` works out
    remedies for the findings that fail its gate, and no others).
    """
    trials = _Trials(run, conflicts if before is None else before, rescore, budget)
    spent = trials.budget
    facts = fact_index(run)
    out: list[Conflict] = []
    for conflict in conflicts:
        tried = candidates(run, conflict, facts=facts)
        untried = {c.key for c in tried} - set(trials.cache)
        if spent.evaluations + len(untried) > spent.limit:
            spent.skipped += 1
            out.append(conflict)
            continue
        results = sorted((trials.result(conflict, c) for c in tried), key=rank_key)
        out.append(conflict.model_copy(update={"remedies": _best_per_policy(results)[:MAX_REMEDIES]}))
    return out
