"""The score formulas of ``policyweigh.scoring`` on hand-made contributions, to exact numbers.

The test rulebook (tests/data/rulebooks/mini) weighs employee.wellbeing 1.5,
employee.autonomy 1, customer.resolution 1.5 and customer.speed 1; saturation
12, margin 5; bands strong 0.25, moderate 0.4, weak 0.6, practitioner 0.8, none 1.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policyweigh.results import VERDICTS, Contribution, PolicyResult, Ranges, Scores
from policyweigh.rulebook import Rulebook
from policyweigh.scoring import (
    VERDICT_BY_SIDES,
    bounded,
    criterion_values,
    ranges,
    rank_key,
    round_half_away,
    score,
    side_state,
    uncertain_sides,
    verdict,
)

CRITERIA = ("employee.wellbeing", "employee.autonomy", "customer.resolution", "customer.speed")


def contribution(
    criterion: str, delta: float, *, band: float = 0.0, mechanism: str | None = None, rule: str = "X001"
) -> Contribution:
    return Contribution(
        rule=rule,
        name="x.y",
        criterion=criterion,
        delta=delta,
        reason="",
        evidence=[],
        facts={},
        band=band,
        mechanism=mechanism,
    )


@pytest.mark.parametrize(
    ("value", "expected"), [(0.5, 1), (-0.5, -1), (1.49, 1), (-2.5, -3), (0.0, 0), (2.4999, 2)]
)
def test_rounding_is_half_away_from_zero(value: float, expected: int) -> None:
    assert round_half_away(value) == expected


def test_bounded_is_tanh_of_the_weighted_sum() -> None:
    assert bounded(12, 12) == round(100 * math.tanh(1)) == 76
    assert bounded(-6, 12) == -46
    assert bounded(10_000, 12) == 100
    assert bounded(-10_000, 12) == -100
    assert bounded(0, 12) == 0


# --------------------------------------------------------------------------- criteria and sides


def test_criterion_values_weigh_the_deltas_in_rulebook_order(mini_rulebook: Rulebook) -> None:
    values = criterion_values(
        [contribution("employee.wellbeing", -1.25), contribution("employee.wellbeing", 0.5)], mini_rulebook
    )
    assert list(values) == list(CRITERIA)
    assert values == {
        "employee.wellbeing": -1.125,
        "employee.autonomy": 0.0,
        "customer.resolution": 0.0,
        "customer.speed": 0.0,
    }


def test_score_weighs_criteria_and_gives_no_flat_spillover(mini_rulebook: Rulebook) -> None:
    s = score(
        [
            contribution("employee.wellbeing", -3),
            contribution("employee.autonomy", -2),
            contribution("customer.speed", 1),
        ],
        mini_rulebook,
    )
    assert s.criteria == {
        "employee.wellbeing": -4.5,
        "employee.autonomy": -2.0,
        "customer.resolution": 0.0,
        "customer.speed": 1.0,
    }
    assert s.employee == round_half_away(100 * math.tanh(-6.5 / 12)) == -49
    # The employee side no longer spills over: no mechanism contribution, no indirect customer score.
    assert (s.customer_direct, s.customer_indirect, s.customer, s.mechanisms) == (8, 0, 8, {})


def test_a_dosed_delta_is_a_float_and_scores_as_one(mini_rulebook: Rulebook) -> None:
    s = score([contribution("employee.wellbeing", -1.25)], mini_rulebook)
    assert s.criteria["employee.wellbeing"] == -1.875
    assert s.employee == round_half_away(100 * math.tanh(-1.875 / 12)) == -15


def test_the_indirect_customer_score_is_the_bound_of_the_mechanism_sum(mini_rulebook: Rulebook) -> None:
    s = score(
        [
            contribution("customer.resolution", -2, mechanism="attrition"),  # weighted -3
            contribution("customer.speed", -1, mechanism="absence"),  # weighted -1
            contribution("customer.speed", 2),  # direct, weighted +2
        ],
        mini_rulebook,
    )
    assert s.customer_indirect == bounded(-4, 12) == -32
    assert s.customer_direct == bounded(2, 12) == 17
    assert s.customer == 17 - 32
    assert s.mechanisms == {"absence": -1.0, "attrition": -3.0}
    assert s.employee == 0


def test_the_customer_score_is_clamped(mini_rulebook: Rulebook) -> None:
    many = [contribution("customer.resolution", 5)] * 40
    many += [contribution("customer.speed", 5, mechanism="engagement")] * 40
    s = score(many, mini_rulebook)
    assert (s.customer_direct, s.customer_indirect, s.customer) == (100, 100, 100)


# --------------------------------------------------------------------------- ranges


def test_ranges_take_every_contribution_at_the_ends_of_its_band(mini_rulebook: Rulebook) -> None:
    found = ranges(
        [
            contribution("employee.wellbeing", -2, band=0.25),  # weighted -3: -3.75 .. -2.25
            contribution("employee.autonomy", 1, band=1.0),  # weighted +1: 0 .. +2
        ],
        mini_rulebook,
    )
    assert found.employee == (bounded(-3.75, 12), bounded(-0.25, 12)) == (-30, -2)
    assert found.customer == (0, 0)
    assert (
        score(
            [contribution("employee.wellbeing", -2), contribution("employee.autonomy", 1)], mini_rulebook
        ).employee
        == -17
    )


def test_a_range_of_the_customer_side_bounds_direct_and_indirect_apart(mini_rulebook: Rulebook) -> None:
    found = ranges(
        [
            contribution("customer.speed", 2, band=0.5),  # direct: +1 .. +3
            contribution("customer.resolution", -2, band=0.5, mechanism="attrition"),  # -4.5 .. -1.5
        ],
        mini_rulebook,
    )
    assert (
        found.customer
        == (bounded(1, 12) + bounded(-4.5, 12), bounded(3, 12) + bounded(-1.5, 12))
        == (-28, 12)
    )


@settings(max_examples=200, derandomize=True, database=None, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(CRITERIA),
            st.floats(-5, 5, allow_nan=False),
            st.sampled_from([0.0, 0.25, 0.4, 0.6, 0.8, 1.0]),
            st.sampled_from([None, "attrition", "absence"]),
        ),
        max_size=30,
    )
)
def test_every_score_lies_inside_its_range(
    mini_rulebook: Rulebook, made: list[tuple[str, float, float, str | None]]
) -> None:
    contributions = [contribution(c, d, band=b, mechanism=m) for c, d, b, m in made]
    s, r = score(contributions, mini_rulebook), ranges(contributions, mini_rulebook)
    assert r.employee[0] <= s.employee <= r.employee[1]
    assert r.customer[0] <= s.customer <= r.customer[1]


# --------------------------------------------------------------------------- verdicts


@pytest.mark.parametrize(
    ("employee", "customer", "expected"),
    [
        (0, 0, "neutral"),
        (5, -5, "neutral"),  # the margin itself does not move a side
        (6, 0, "employee-gain"),
        (0, 6, "customer-gain"),
        (6, 6, "win-win"),
        (-6, 0, "employee-loss"),
        (0, -6, "customer-loss"),
        (-6, 30, "customer-at-employee-cost"),
        (40, -6, "employee-at-customer-cost"),
        (-6, -6, "lose-lose"),
        (17, 4, "employee-gain"),  # peer recognition: +4 for customers is inside the margin
        (-46, -4, "employee-loss"),  # the pie van: customers gain nothing, so nothing is bought
    ],
)
def test_verdicts_at_the_margin(employee: int, customer: int, expected: str) -> None:
    assert verdict(employee, customer, 5) == expected


@pytest.mark.parametrize(
    ("value", "expected"), [(5.01, "gain"), (5, "neutral"), (-5, "neutral"), (-5.01, "loss")]
)
def test_a_side_moves_only_beyond_the_margin(value: float, expected: str) -> None:
    assert side_state(value, 5) == expected


def test_every_pair_of_side_states_has_its_own_verdict_and_unlawful_comes_from_the_law() -> None:
    states = ("gain", "neutral", "loss")
    assert set(VERDICT_BY_SIDES) == {(e, c) for e in states for c in states}
    assert len(set(VERDICT_BY_SIDES.values())) == 9
    assert set(VERDICTS) == {*VERDICT_BY_SIDES.values(), "unlawful"}


def test_a_side_is_uncertain_when_its_range_spans_a_gain_and_a_loss() -> None:
    assert uncertain_sides(Ranges(employee=(-10, 12), customer=(-3, 20)), 5) == ["employee"]
    assert uncertain_sides(Ranges(employee=(-5, 6), customer=(-6, 5)), 5) == []
    assert uncertain_sides(Ranges(employee=(-6, 6), customer=(-60, 40)), 5) == ["employee", "customer"]


# --------------------------------------------------------------------------- ranking


def result(pid: str, employee: int, customer: int, verdict_: str = "neutral") -> PolicyResult:
    scores = Scores(
        employee=employee, customer=customer, customer_direct=customer, customer_indirect=0, criteria={}
    )
    return PolicyResult(id=pid, title=pid, verdict=verdict_, scores=scores, contributions=[])  # type: ignore[arg-type]


def test_ranking_puts_the_worse_side_first_so_harm_is_never_offset_and_unlawful_last() -> None:
    policies = [
        result("a-big-trade", 90, -40),  # worse side -40
        result("b-small-loss", -10, 0),  # worse side -10
        result("c-even", 20, 20),
        result("d-lopsided", 60, 20),  # same worse side as c-even, better best side
        result("e-unlawful", 80, 80, "unlawful"),
        result("f-tie", 20, 20),
    ]
    ranked = [r.id for r in sorted(policies, key=rank_key)]
    assert ranked == ["d-lopsided", "c-even", "f-tie", "b-small-loss", "a-big-trade", "e-unlawful"]
