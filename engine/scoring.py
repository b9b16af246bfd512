"""Scoring: contributions to criterion sums, side scores, spillover and verdicts.

The formula (also in the README):

- criterion value = weight x (sum of the deltas of the contributions to it);
- side sum W = the sum of its criterion values;
- side score = round(100 x tanh(W / saturation)): bounded to -100..+100, close
  to linear for small sums and saturating for large ones, so no pile of rules
  can push a side past the bound;
- customer indirect = round(spillover x employee score) when the policy's scope
  is customer-facing (service-profit chain), else 0;
- customer = clamp(customer direct + customer indirect, -100, +100).

Verdicts use a margin m: a side counts as moved only beyond +/-m. Neither side
moved: neutral; both down: lose-lose; only employee down: customer at
employee cost; only customer down: employee at customer cost; otherwise win-win.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from policyweigh.results import Contribution, Scores, Verdict
from policyweigh.rulebook import Rulebook


def round_half_away(value: float) -> int:
    """Round to the nearest integer, halves away from zero (what people expect)."""
    return int(math.copysign(math.floor(abs(value) + 0.5), value))


def bounded(weighted_sum: float, saturation: float) -> int:
    """A side score from a weighted sum: 100 x tanh(sum / saturation), rounded."""
    return round_half_away(100 * math.tanh(weighted_sum / saturation))


def criterion_values(contributions: Iterable[Contribution], rulebook: Rulebook) -> dict[str, float]:
    """Weighted value of every criterion (0 for criteria no rule touched), in rulebook order."""
    points: dict[str, int] = {c.id: 0 for c in rulebook.criteria}
    for contribution in contributions:
        points[contribution.criterion] += contribution.delta
    weights = rulebook.criteria_by_id
    return {key: round(weights[key].weight * value, 4) for key, value in points.items()}


def score(contributions: Iterable[Contribution], rulebook: Rulebook, *, customer_facing: bool) -> Scores:
    """Scores of one policy from its contributions."""
    values = criterion_values(contributions, rulebook)
    saturation = rulebook.scoring.saturation
    employee = bounded(sum(v for k, v in values.items() if k.startswith("employee.")), saturation)
    direct = bounded(sum(v for k, v in values.items() if k.startswith("customer.")), saturation)
    indirect = round_half_away(rulebook.scoring.spillover.coefficient * employee) if customer_facing else 0
    customer = max(-100, min(100, direct + indirect))
    return Scores(
        employee=employee,
        customer=customer,
        customer_direct=direct,
        customer_indirect=indirect,
        criteria=values,
    )


def verdict(employee: float, customer: float, margin: float) -> Verdict:
    """The verdict for a pair of side scores."""
    employee_down, customer_down = employee < -margin, customer < -margin
    if abs(employee) <= margin and abs(customer) <= margin:
        return "neutral"
    if employee_down and customer_down:
        return "lose-lose"
    if employee_down:
        return "customer-at-employee-cost"
    if customer_down:
        return "employee-at-customer-cost"
    return "win-win"
