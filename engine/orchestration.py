"""The whole way from policies to results: score, find conflicts, work out remedies, run the gate.

Every way in (the commands, the BDD steps, a program) evaluates through this
module, so every path runs the same steps in the same order with the rulebook
and settings it is given; nothing below it picks a rulebook or settings of its own:

1. ``policyweigh.evaluation.score_policies``: contributions, scores and verdicts;
2. ``policyweigh.conflicts.detect_conflicts``: conflicts of every kind (harm,
   duplicate rules and implausible values included), and the guardrail
   checker's legal notes, set on the policies' results; a policy with an
   error-level guardrail breach gets the verdict ``unlawful``, whatever its
   scores (its findings are the breaches themselves). A conflict between two
   policies that never hold at once (a proposal and the policy it
   ``replaces``, two options of one decision: ``policyweigh.proposals``) is
   dropped here, before remedies are sought for it;
3. ``policyweigh.remedies.attach_remedies`` (through ``policyweigh.pool``, which shares the
   trials among worker processes for a large batch): remedies for each conflict, scored by
   re-scoring the patched policy with step 1 (passed in as a function, so the
   remedies module never reaches back up to start an evaluation);
4. ``policyweigh.proposals.compare``: each proposal scored as a change against
   the policy it replaces, and the options of one decision side by side;
5. ``policyweigh.gate.run_gate``: the findings of `check`, under the settings' gate.
   `check` works out remedies (step 3) only for the findings that fail it: the
   failing conflicts, and each score below a minimum, which tries the remedies
   of the rules that pull that side down.

Each step returns new results; none changes what an earlier step returned.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

from policyweigh.config import Settings
from policyweigh.conflicts import detect_conflicts, harm_conflict
from policyweigh.evaluation import (
    ContributionMemo,
    EvaluationRun,
    Rescore,
    batch_gc_for,
    rescore_policy,
    score_policies,
)
from policyweigh.gate import GateResult, Source, fails_at, run_gate
from policyweigh.policy import Policy
from policyweigh.pool import attach_remedies
from policyweigh.proposals import compare, exclusive
from policyweigh.remedies import RemedyBudget, rank_key
from policyweigh.results import Conflict, Evaluation, PolicyResult, RemedyResult
from policyweigh.rulebook import Rulebook

__all__ = ["check", "evaluate", "is_unlawful_breach", "rescorer", "unlawful_policies", "with_conflicts"]


def evaluate(
    policies: Sequence[Policy],
    *,
    rulebook: Rulebook,
    settings: Settings,
    files: Mapping[str, str] | None = None,
    conflicts: bool = True,
    remedies: bool = True,
    budget: RemedyBudget | None = None,
    queue_costs: bool = True,
    scored: EvaluationRun | None = None,
    jobs: int = 1,
) -> EvaluationRun:
    """Evaluate policies together: scores, then (unless ``conflicts=False``) conflicts and their remedies.

    ``files`` maps policy id to its file, for output. ``remedies=False`` finds
    conflicts without remedies (what `check` and `diff` need). ``budget``
    bounds the remedies' re-evaluations and records what was done; a fresh
    ``RemedyBudget`` is used when the caller does not want to read it. ``queue_costs=False`` leaves
    the cost of decency out of the queue results (a sweep reads only scores and service levels).
    ``scored`` is step 1 already done for these policies with this rulebook and ``queue_costs``
    (by the worker processes that loaded them: ``policyweigh.pool``). ``jobs`` processes work out
    the remedies (``policyweigh.pool.attach_remedies``).
    """
    if scored is not None:
        # Scoring reads only the metric catalogue and organisation of the settings, which a
        # command's overrides (the gate's bounds) leave as they were: the run takes these settings.
        run = dataclasses.replace(scored, settings=settings, files=dict(files or {}))
    else:
        run = score_policies(
            policies, rulebook=rulebook, settings=settings, files=files, queue_costs=queue_costs
        )
    if not conflicts:
        return run
    return with_conflicts(
        run, remedies=remedies, budget=budget if budget is not None else RemedyBudget(), jobs=jobs
    )


def rescorer(run: EvaluationRun) -> Rescore:
    """Scores one changed policy alone, with the rulebook and settings ``run`` was evaluated with.

    Only the policy's changed facts go through the Rete engine again (``rescore_policy``): a
    remedy's patch changes one rule, and the other rules' firings are those of ``run``; the
    contributions of unchanged facts are written once for all the patches.
    """

    memo: ContributionMemo = {}

    def rescore(policy: Policy) -> EvaluationRun:
        # A remedy is judged by the scores it leads to; the cost of decency is for reports only.
        return rescore_policy(run, policy, queue_costs=False, memo=memo)

    return rescore


def is_unlawful_breach(conflict: Conflict) -> bool:
    """Whether a finding makes its policies unlawful: a guardrail breach at error level."""
    return conflict.kind == "guardrail" and conflict.severity == "error"


def unlawful_policies(conflicts: Sequence[Conflict]) -> set[str]:
    """Ids of the policies that breach a guardrail at error level."""
    return {pid for c in conflicts if is_unlawful_breach(c) for pid in c.policies}


def with_conflicts(
    run: EvaluationRun, *, remedies: bool, budget: RemedyBudget, jobs: int = 1
) -> EvaluationRun:
    """A copy of a scored run with its conflicts (and their remedies, worked out by ``jobs``
    processes), the legal notes, the ``unlawful`` verdicts, and each proposal compared with what it
    replaces and its alternatives."""
    with batch_gc_for(len(run.policies)):
        return _with_conflicts(run, remedies=remedies, budget=budget, jobs=jobs)


def _with_conflicts(run: EvaluationRun, *, remedies: bool, budget: RemedyBudget, jobs: int) -> EvaluationRun:
    found = detect_conflicts(run, wanted=set(run.policies))
    listed = exclusive(run.policies).keep(found.conflicts)
    if remedies and listed:
        listed = attach_remedies(run, listed, rescore=rescorer(run), budget=budget, jobs=jobs)
    unlawful = unlawful_policies(listed)

    def settle(result: PolicyResult) -> PolicyResult:
        update: dict[str, object] = {}
        if result.legal is None and result.id in found.legal:
            update["legal"] = found.legal[result.id]
        if result.id in unlawful:
            update["verdict"] = "unlawful"
        return result.model_copy(update=update) if update else result

    results = [settle(r) for r in run.evaluation.policies]
    return run.with_evaluation(compare(Evaluation(policies=results, conflicts=listed), run.policies))


def check(
    policies: Sequence[Policy],
    *,
    rulebook: Rulebook,
    settings: Settings,
    files: Mapping[str, str] | None = None,
    sources: Mapping[str, Source] | None = None,
    budget: RemedyBudget | None = None,
    scored: EvaluationRun | None = None,
    jobs: int = 1,
) -> GateResult:
    """The CI gate: conflicts and minimum scores, failing as ``settings`` say; remedies for those that fail.

    ``sources`` maps policy id to where it was loaded from, so findings point at
    file and line. Remedies are worked out only for the findings that fail,
    within ``budget`` (a fresh ``RemedyBudget`` by default; the result counts
    the failing findings it left without remedies). ``scored`` and ``jobs``: see ``evaluate``
    (``scored`` without the cost of decency).
    """
    # The gate reads scores and findings; the cost of decency is for reports.
    run = evaluate(
        policies,
        rulebook=rulebook,
        settings=settings,
        files=files,
        remedies=False,
        queue_costs=False,
        scored=scored,
    )
    budget = budget if budget is not None else RemedyBudget()
    conflicts = run.evaluation.conflicts
    failing = [c for c in conflicts if fails_at(c.severity, settings.fail_on)]
    minimums = {"employee": settings.min_employee, "customer": settings.min_customer}
    below: list[tuple[str, str, int]] = []
    for result in run.evaluation.policies:
        for side, minimum in minimums.items():
            value = result.scores.employee if side == "employee" else result.scores.customer
            if minimum is not None and value < minimum:
                below.append((result.id, side, minimum))
    # A score below a minimum tries what a harm finding of that side tries.
    stand_ins = [harm_conflict(run, pid, side) for pid, side, _ in below]
    skipped_before = budget.skipped
    remedied = (
        attach_remedies(
            run,
            [*failing, *stand_ins],
            rescore=rescorer(run),
            budget=budget,
            before=conflicts,
            jobs=jobs,
        )
        if failing or stand_ins
        else []
    )
    by_conflict = {id(c): r for c, r in zip(failing, remedied, strict=False)}
    listed = [by_conflict.get(id(c), c) for c in conflicts]
    score_remedies: dict[tuple[str, str], list[RemedyResult]] = {}
    for (pid, side, minimum), stand_in in zip(below, remedied[len(failing) :], strict=True):
        settled = [
            r.model_copy(update={"resolves": getattr(r.scores_after, side) >= minimum})
            for r in stand_in.remedies
        ]
        score_remedies[(pid, side)] = sorted(settled, key=rank_key)
    return run_gate(
        run.evaluation.model_copy(update={"conflicts": listed}),
        fail_on=settings.fail_on,
        min_employee=settings.min_employee,
        min_customer=settings.min_customer,
        sources=sources,
        harm_bound=settings.harm_bound,
        score_remedies=score_remedies,
        remedies_skipped=budget.skipped - skipped_before,
    )
