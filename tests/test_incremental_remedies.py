"""Remedies re-score a patched policy from its changed facts alone, and judge exactly as a full re-evaluation."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import policyweigh.evaluation
from policyweigh.config import Settings
from policyweigh.evaluation import ContributionMemo, EvaluationRun, rescore_policy, score_policies
from policyweigh.facts import DERIVED_KEY, INDEX_KEY
from policyweigh.loading import load_library
from policyweigh.orchestration import evaluate, rescorer
from policyweigh.policy import Policy
from policyweigh.remedies import RemedyBudget, apply_patch, attach_remedies, candidates
from policyweigh.rete import Firing
from policyweigh.rulebook import load_rulebook
from tests.helpers import ROOT

BOOK = load_rulebook()
CORPUS = Path(__file__).parent / "golden" / "corpus" / "policies"
ORGANISED = Settings().with_organisation(ROOT / "organisation.yaml")
MAX_PATCHES = 400
"""Patches compared per library: enough to meet every remedy kind, bounded in time."""


def _library_in_one(count: int = 60) -> Policy:
    """One UK policy holding the bundled library's rules: many rules that derive the same facts."""
    rules = []
    for policy in load_library([ROOT / "policies"]).models:
        for rule in policy.rules:
            data = rule.model_dump(mode="json", by_alias=True, exclude_none=True)
            data.pop("note", None)
            rules.append(data)
    return Policy.model_validate(
        {
            "id": "everything",
            "title": "Every rule of the library",
            "jurisdiction": "uk",
            "scope": {"teams": ["inbound"], "shift_hours": 8, "shift_starts": ["06:00", "09:30"]},
            "rules": rules[:count],
        }
    )


def _patched(run: EvaluationRun) -> Iterator[Policy]:
    """Every distinct patch the remedies of the run's conflicts try, applied (at most MAX_PATCHES)."""
    seen: set[str] = set()
    for conflict in run.evaluation.conflicts:
        for candidate in candidates(run, conflict):
            if candidate.key in seen:
                continue
            seen.add(candidate.key)
            if len(seen) > MAX_PATCHES:
                return
            yield apply_patch(run.policies[candidate.policy], candidate.patch(), remedy=candidate.remedy.code)


def _firings(firings: list[Firing]) -> list[tuple[Any, ...]]:
    """Firings without their order: rule, the fact (by rule index or derived name) and the chain."""
    return sorted(
        (f.code, str(f.facts[0].get(INDEX_KEY, f.facts[0].get(DERIVED_KEY))), f.chain) for f in firings
    )


def _same_as_full(run: EvaluationRun, policy: Policy, memo: ContributionMemo | None = None) -> None:
    settings = run.settings
    full = score_policies([policy], rulebook=run.rulebook, settings=settings, queue_costs=False)
    quick = rescore_policy(run, policy, queue_costs=False, memo=memo)
    assert quick.result(policy.id).model_dump() == full.result(policy.id).model_dump()
    assert quick.traces[policy.id].facts == full.traces[policy.id].facts
    assert _firings(list(quick.traces[policy.id].firings)) == _firings(list(full.traces[policy.id].firings))


@pytest.mark.parametrize(
    "source",
    ["corpus", "library-in-one"],
)
def test_every_patch_scores_as_a_full_re_evaluation(source: str) -> None:
    # The corpus varies every rule kind inside its bounds, with the organisation's queues; the
    # library in one policy has many rules deriving the same facts, whose chains must not move.
    if source == "corpus":
        policies, settings = list(load_library([CORPUS]).models), ORGANISED
    else:
        policies, settings = [_library_in_one()], Settings()
    run = evaluate(policies, rulebook=BOOK, settings=settings, remedies=False)
    tried = 0
    memo: ContributionMemo = {}  # shared by the patches, as the remedies share it
    for policy in _patched(run):
        _same_as_full(run, policy, memo)
        tried += 1
    assert tried >= 20
    assert memo


def _full_rescorer(run: EvaluationRun) -> Any:
    def rescore(policy: Policy) -> EvaluationRun:
        return score_policies([policy], rulebook=run.rulebook, settings=run.settings, queue_costs=False)

    return rescore


def test_remedies_are_those_of_full_re_evaluations() -> None:
    run = evaluate([_library_in_one()], rulebook=BOOK, settings=Settings(), remedies=False)
    conflicts = run.evaluation.conflicts
    quick = attach_remedies(run, conflicts, rescore=rescorer(run), budget=RemedyBudget())
    slow = attach_remedies(run, conflicts, rescore=_full_rescorer(run), budget=RemedyBudget())
    assert sum(len(c.remedies) for c in quick) > 20
    assert [c.model_dump() for c in quick] == [c.model_dump() for c in slow]


def _engine_sessions(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """From now on, how many facts each session of the Rete engine is given, in order."""
    sizes: list[int] = []
    real = policyweigh.evaluation.run_impact

    def counting(book: Any, facts: Any, **kwargs: Any) -> Any:
        sizes.append(len(facts))
        return real(book, facts, **kwargs)

    monkeypatch.setattr(policyweigh.evaluation, "run_impact", counting)
    return sizes


def test_a_patch_of_one_rule_runs_only_that_rules_fact_through_the_engine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A rule that derives nothing: its fact alone goes through the Rete engine.
    policy = _library_in_one()
    run = evaluate([policy], rulebook=BOOK, settings=Settings(), conflicts=False)
    index = next(i for i, r in enumerate(policy.rules) if r.kind == "equipment")
    data = policy.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["rules"][index]["quality"] = "premium"
    patched = Policy.model_validate(data)
    sizes = _engine_sessions(monkeypatch)
    _same_as_full(run, patched)
    assert sizes[1:] == [1]  # the full re-evaluation ran first, then one fact


def test_a_patch_that_derives_reruns_only_the_facts_deriving_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A pay-linked handle-time cap derives rushed contacts, which lead to repeat contacts: every
    # rule that derives one of them goes through the engine again, and no other.
    policy = _library_in_one()
    run = evaluate([policy], rulebook=BOOK, settings=Settings(), conflicts=False)
    index = next(
        i
        for i, r in enumerate(policy.rules)
        if r.kind == "call-time-cap" and getattr(r, "enforcement", None) == "bonus-gate"
    )
    data = policy.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["rules"][index]["enforcement"] = "guideline"
    patched = Policy.model_validate(data)
    sizes = _engine_sessions(monkeypatch)
    _same_as_full(run, patched)
    assert sizes[0] == len(policy.rules)  # the full re-evaluation
    assert len(sizes) == 2 and 1 < sizes[1] < len(policy.rules) // 2


def test_a_patch_that_changes_most_of_a_small_policy_runs_it_in_one_session(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    policy = _library_in_one(2)
    run = evaluate([policy], rulebook=BOOK, settings=Settings(), conflicts=False)
    data = policy.model_dump(mode="json", by_alias=True, exclude_none=True)
    unchanged = Policy.model_validate(data)
    data["rules"][1] = dict(data["rules"][0])
    sizes = _engine_sessions(monkeypatch)
    assert rescore_policy(run, unchanged).result(policy.id).scores == run.result(policy.id).scores
    assert sizes == []  # no fact changed: nothing went through the engine
    _same_as_full(run, Policy.model_validate(data))
    assert sizes == [2, 2]  # the full re-evaluation, then the whole policy in one session


def test_a_policy_the_run_never_scored_is_scored_in_full() -> None:
    policy = _library_in_one(10)
    run = evaluate(
        [_library_in_one(5).model_copy(update={"id": "other"})], rulebook=BOOK, settings=Settings()
    )
    _same_as_full(run, policy)
