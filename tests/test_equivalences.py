"""One intent, one meaning: the rulebook's equivalences hold with the real engine.

``engine/rulebook/data/equivalences.yaml`` lists pairs of policy rules that say
the same thing through different kinds or fields (a handle-time cap on the bonus
as a call-time-cap or as a metric-target tied to the bonus; minutes or seconds;
variable-pay weights or a linear bonus). Each rule is scored alone, as a policy
of its own, and each side's score must stay within the pair's tolerance. A
change to the impact rules that moves one form and not the other fails here.
"""

from __future__ import annotations

import pytest

from policyweigh.config import Settings
from policyweigh.evaluation import score_policies
from policyweigh.results import PolicyResult
from policyweigh.rulebook import Rulebook, load_rulebook
from policyweigh.rulebook.models import Equivalence
from tests.helpers import example_policy

BOOK = load_rulebook()
SIDES = ("employee", "customer")


def _score_pairs(book: Rulebook, pairs: list[Equivalence]) -> dict[str, tuple[PolicyResult, PolicyResult]]:
    """Both sides of every pair, scored in one session (each side a policy of its own)."""
    policies = [
        example_policy(getattr(pair, side), f"pair-{i}-{side}")
        for i, pair in enumerate(pairs)
        for side in "ab"
    ]
    run = score_policies(policies, rulebook=book, settings=Settings())
    return {pair.name: (run.result(f"pair-{i}-a"), run.result(f"pair-{i}-b")) for i, pair in enumerate(pairs)}


def _gaps(a: PolicyResult, b: PolicyResult) -> dict[str, int]:
    return {side: abs(getattr(a.scores, side) - getattr(b.scores, side)) for side in SIDES}


def _shown(result: PolicyResult) -> str:
    parts = ", ".join(f"{c.rule} {c.criterion} {c.delta:+g}" for c in result.contributions) or "nothing"
    return f"{result.scores.employee}/{result.scores.customer} ({parts})"


SCORED = _score_pairs(BOOK, list(BOOK.equivalences))


def test_the_rulebook_lists_enough_pairs_each_with_a_reason_and_a_tight_tolerance() -> None:
    pairs = BOOK.equivalences
    assert len(pairs) >= 5, [p.name for p in pairs]
    assert len({p.name for p in pairs}) == len(pairs), "equivalence names must be unique"
    for pair in pairs:
        assert pair.summary.strip(), pair.name
        assert pair.tolerance <= 10, f"{pair.name}: a tolerance of {pair.tolerance} says little"
        assert pair.a != pair.b, f"{pair.name}: both sides are the same rule"


@pytest.mark.parametrize("pair", BOOK.equivalences, ids=lambda p: p.name)
def test_both_forms_land_within_the_tolerance(pair: Equivalence) -> None:
    a, b = SCORED[pair.name]
    gaps = _gaps(a, b)
    assert max(gaps.values()) <= pair.tolerance, (
        f"{pair.name} drifted apart by {gaps} (tolerance {pair.tolerance}):\n"
        f"  a {pair.a}: {_shown(a)}\n  b {pair.b}: {_shown(b)}"
    )


@pytest.mark.parametrize("pair", BOOK.equivalences, ids=lambda p: p.name)
def test_both_forms_are_judged_not_passed_as_neutral(pair: Equivalence) -> None:
    # A pair that scores 0/0 on both sides because no rule recognises either form holds
    # trivially; every form listed must be assessed and move at least one side.
    for side, result in zip(("a", "b"), SCORED[pair.name], strict=True):
        assert not result.not_assessed, f"{pair.name}.{side} is not assessed: {result.not_assessed}"
        assert result.contributions, f"{pair.name}.{side} has no contribution"
        assert (result.scores.employee, result.scores.customer) != (0, 0), f"{pair.name}.{side} scores 0/0"


def test_the_check_fails_when_a_pair_drifts_apart() -> None:
    # The same comparison on a pair that is not equivalent (a cap that gates the bonus
    # against the same cap as a guideline) must report the drift.
    drifted = Equivalence(
        name="drift.bonus-gate-against-guideline",
        summary="Not the same intent: pay rides on one cap and not on the other.",
        a={
            "kind": "call-time-cap",
            "metric": "average_handle_time",
            "max_minutes": 5,
            "enforcement": "bonus-gate",
        },
        b={
            "kind": "call-time-cap",
            "metric": "average_handle_time",
            "max_minutes": 5,
            "enforcement": "guideline",
        },
        tolerance=10,
    )
    a, b = _score_pairs(BOOK, [drifted])[drifted.name]
    assert max(_gaps(a, b).values()) > drifted.tolerance
