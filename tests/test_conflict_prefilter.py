"""The conflict joins' pre-filter: each fact's sides tested once, the same pairs as testing them per group."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import policyweigh.rete
from policyweigh.config import Settings
from policyweigh.conflicts import _scope_groups, find_conflicts
from policyweigh.evaluation import EvaluationRun
from policyweigh.facts import INDEX_KEY, POLICY_KEY, Fact
from policyweigh.loading import load_library
from policyweigh.orchestration import evaluate
from policyweigh.policy import Policy
from policyweigh.rete import JoinSides, join_sides, run_joins
from policyweigh.rulebook import load_rulebook
from policyweigh.rulebook.models import when_holds
from tests.helpers import ROOT

BOOK = load_rulebook()
CORPUS = Path(__file__).parent / "golden" / "corpus" / "policies"


def _library(folder: Path) -> list[Policy]:
    return list(load_library([folder]).models)


def _scored(policies: list[Policy]) -> EvaluationRun:
    return evaluate(policies, rulebook=BOOK, settings=Settings(), conflicts=False)


def _facts(run: EvaluationRun) -> list[Fact]:
    return [f for pid in sorted(run.traces) for f in run.traces[pid].facts]


def _pairs(firings: Any) -> set[tuple[str, tuple[Any, Any], tuple[Any, Any]]]:
    return {
        (
            f.code,
            (f.facts[0][POLICY_KEY], f.facts[0][INDEX_KEY]),
            (f.facts[1][POLICY_KEY], f.facts[1][INDEX_KEY]),
        )
        for f in firings
    }


@pytest.fixture(scope="module")
def corpus_run() -> EvaluationRun:
    return _scored(_library(CORPUS))


def test_sides_remembered_are_the_sides_tested_afresh(corpus_run: EvaluationRun) -> None:
    sides = join_sides(BOOK)
    rules = BOOK.conflict_rules
    facts = _facts(corpus_run)
    assert len(facts) > 300
    met = 0
    for fact in facts:
        a, b = sides.of(fact)
        assert a == tuple(i for i, r in enumerate(rules) if when_holds(r.a, fact))
        assert b == tuple(i for i, r in enumerate(rules) if when_holds(r.b, fact))
        assert sides.of(fact) == (a, b)  # remembered
        met += bool(a or b)
    assert 0 < met < len(facts)  # the filter keeps some facts and drops others


def test_shared_sides_give_the_pairs_of_the_unfiltered_groups(corpus_run: EvaluationRun) -> None:
    # Before the pre-filter, every scope group ran the joins on all its facts and tested each
    # fact's sides again; now the facts that meet no side are left out and sides are tested once.
    facts = _facts(corpus_run)
    before = set()
    for group in _scope_groups(corpus_run, facts):
        before |= _pairs(run_joins(BOOK, group))
    sides = join_sides(BOOK)
    joining = [f for f in facts if sides.meets_any(f)]
    after = set()
    for group in _scope_groups(corpus_run, joining):
        after |= _pairs(run_joins(BOOK, group, sides=sides))
    assert before and after == before


def test_the_pairs_are_every_pair_meeting_a_rule(corpus_run: EvaluationRun) -> None:
    # The Rete joins against the plain definition, on one scope group: a pair is two distinct facts
    # meeting sides a and b of a rule, of one policy or of two as the rule's `across` says.
    facts = _facts(corpus_run)
    group = max(_scope_groups(corpus_run, facts), key=len)
    expected = set()
    for rule in BOOK.conflict_rules:
        for fa in group:
            if not when_holds(rule.a, fa):
                continue
            for fb in group:
                if fa is fb or not when_holds(rule.b, fb):
                    continue
                same = fa[POLICY_KEY] == fb[POLICY_KEY]
                if (rule.across == "same-policy" and not same) or (rule.across == "other-policies" and same):
                    continue
                expected.add((rule.code, (fa[POLICY_KEY], fa[INDEX_KEY]), (fb[POLICY_KEY], fb[INDEX_KEY])))
    assert expected
    assert _pairs(run_joins(BOOK, group, sides=join_sides(BOOK))) == expected


def test_each_fact_is_tested_once_however_many_groups_hold_it(monkeypatch: pytest.MonkeyPatch) -> None:
    # A policy of every team is in every team's group; its facts' sides are tested on the first.
    library = _library(ROOT / "policies")
    run = _scored(library)
    calls: list[int] = []
    real = policyweigh.rete.when_holds

    def counting(when: Any, fact: Any) -> bool:
        calls.append(1)
        return real(when, fact)

    monkeypatch.setattr(policyweigh.rete, "when_holds", counting)
    found = find_conflicts(run)
    assert any(c.kind == "contradiction" for c in found)
    facts = _facts(run)
    groups = _scope_groups(run, facts)
    assert sum(len(g) for g in groups) > len(facts)  # facts are shared between groups
    # At most both sides of every rule per fact, plus one kind test per side and kind.
    kinds = {f.get("kind") for f in facts} | {None}
    assert len(calls) <= len(facts) * 2 * len(BOOK.conflict_rules) + len(kinds) * 2 * len(BOOK.conflict_rules)


def test_a_fact_of_a_kind_no_side_names_is_tested_against_no_rule() -> None:
    sides = JoinSides(BOOK.conflict_rules)
    kinds = {when.get("kind") for r in BOOK.conflict_rules for when in (r.a, r.b)}
    assert all(k is not None for k in kinds)  # every side names its kinds
    a, b = sides.of({"kind": "no-such-kind", POLICY_KEY: "p", INDEX_KEY: 0})
    assert a == () and b == ()
