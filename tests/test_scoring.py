"""Scoring formula, spillover and verdict margins, on exact numbers."""

from __future__ import annotations

import math

import pytest

from policyweigh.results import Contribution
from policyweigh.rulebook import Rulebook
from policyweigh.scoring import bounded, round_half_away, score, verdict


def contribution(criterion: str, delta: int) -> Contribution:
    return Contribution(
        rule="X001", name="x.y", criterion=criterion, delta=delta, reason="", evidence=[], facts={}
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


def test_score_weights_criteria_and_spills_over(mini_rulebook: Rulebook) -> None:
    # mini: wellbeing 1.5, autonomy 1, resolution 1.5, speed 1; saturation 12; spillover 0.26.
    contributions = [
        contribution("employee.wellbeing", -3),
        contribution("employee.autonomy", -2),
        contribution("customer.speed", 1),
    ]
    s = score(contributions, mini_rulebook, customer_facing=True)
    assert s.criteria == {
        "employee.wellbeing": -4.5,
        "employee.autonomy": -2.0,
        "customer.resolution": 0.0,
        "customer.speed": 1.0,
    }
    assert s.employee == round_half_away(100 * math.tanh(-6.5 / 12)) == -49
    assert s.customer_direct == 8
    assert s.customer_indirect == round_half_away(0.26 * -49) == -13
    assert s.customer == 8 - 13


def test_no_spillover_outside_customer_facing_scope(mini_rulebook: Rulebook) -> None:
    s = score([contribution("employee.wellbeing", -3)], mini_rulebook, customer_facing=False)
    assert s.customer_indirect == 0 and s.customer == 0 and s.employee == -36


def test_customer_score_is_clamped(mini_rulebook: Rulebook) -> None:
    many = [contribution("customer.resolution", 5)] * 40 + [contribution("employee.wellbeing", 5)] * 40
    s = score(many, mini_rulebook, customer_facing=True)
    assert (s.employee, s.customer_direct, s.customer_indirect, s.customer) == (100, 100, 26, 100)


@pytest.mark.parametrize(
    ("employee", "customer", "expected"),
    [
        (0, 0, "neutral"),
        (5, -5, "neutral"),  # the margin itself does not move a side
        (6, 0, "win-win"),
        (6, 6, "win-win"),
        (-6, 0, "customer-at-employee-cost"),
        (-6, 30, "customer-at-employee-cost"),
        (0, -6, "employee-at-customer-cost"),
        (40, -6, "employee-at-customer-cost"),
        (-6, -6, "lose-lose"),
    ],
)
def test_verdicts_at_the_margin(employee: int, customer: int, expected: str) -> None:
    assert verdict(employee, customer, 5) == expected
