"""The whole way from policies to results: score, find conflicts, work out remedies, run the gate.

Every way in (the commands, the BDD steps, a program) evaluates through this
module, so every path runs the same steps in the same order with the rulebook
and settings it is given; nothing below it picks a rulebook or settings of its own:

1. ``policyweigh.evaluation.score_policies``: contributions, scores and verdicts;
2. ``policyweigh.conflicts.detect_conflicts``: conflicts of every kind, and the
   guardrail checker's legal notes, set on the policies' results;
3. ``policyweigh.remedies.attach_remedies``: remedies for each conflict, scored by
   re-scoring the patched policy with step 1 (passed in as a function, so the
   remedies module never reaches back up to start an evaluation);
4. ``policyweigh.gate.run_gate``: the findings of `check`, under the settings' gate.

Each step returns new results; none changes what an earlier step returned.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from policyweigh.config import Settings
from policyweigh.conflicts import detect_conflicts
from policyweigh.evaluation import EvaluationRun, Rescore, score_policies
from policyweigh.gate import GateResult, Source, run_gate
from policyweigh.policy import Policy
from policyweigh.remedies import RemedyBudget, attach_remedies
from policyweigh.results import Evaluation
from policyweigh.rulebook import Rulebook

__all__ = ["check", "evaluate", "rescorer", "with_conflicts"]


def evaluate(
    policies: Sequence[Policy],
    *,
    rulebook: Rulebook,
    settings: Settings,
    files: Mapping[str, str] | None = None,
    conflicts: bool = True,
    remedies: bool = True,
    budget: RemedyBudget | None = None,
) -> EvaluationRun:
    """Evaluate policies together: scores, then (unless ``conflicts=False``) conflicts and their remedies.

    ``files`` maps policy id to its file, for output. ``remedies=False`` finds
    conflicts without remedies (what `check` and `diff` need). ``budget``
    bounds the remedies' re-evaluations and records what was done; a fresh
    ``RemedyBudget`` is used when the caller does not want to read it.
    """
    run = score_policies(policies, rulebook=rulebook, settings=settings, files=files)
    if not conflicts:
        return run
    return with_conflicts(run, remedies=remedies, budget=budget if budget is not None else RemedyBudget())


def rescorer(run: EvaluationRun) -> Rescore:
    """Scores one changed policy alone, with the rulebook and settings ``run`` was evaluated with."""

    def rescore(policy: Policy) -> EvaluationRun:
        return score_policies([policy], rulebook=run.rulebook, settings=run.settings)

    return rescore


def with_conflicts(run: EvaluationRun, *, remedies: bool, budget: RemedyBudget) -> EvaluationRun:
    """A copy of a scored run with its conflicts (and their remedies) and the legal notes set."""
    found = detect_conflicts(run, wanted=set(run.policies))
    listed = found.conflicts
    if remedies and listed:
        listed = attach_remedies(run, listed, rescore=rescorer(run), budget=budget)
    results = [
        r.model_copy(update={"legal": found.legal[r.id]}) if r.legal is None and r.id in found.legal else r
        for r in run.evaluation.policies
    ]
    return run.with_evaluation(Evaluation(policies=results, conflicts=listed))


def check(
    policies: Sequence[Policy],
    *,
    rulebook: Rulebook,
    settings: Settings,
    files: Mapping[str, str] | None = None,
    sources: Mapping[str, Source] | None = None,
) -> GateResult:
    """The CI gate: conflicts without remedies and minimum scores, failing as ``settings`` say.

    ``sources`` maps policy id to where it was loaded from, so findings point at file and line.
    """
    run = evaluate(policies, rulebook=rulebook, settings=settings, files=files, remedies=False)
    return run_gate(
        run.evaluation,
        fail_on=settings.fail_on,
        min_employee=settings.min_employee,
        min_customer=settings.min_customer,
        sources=sources,
    )
