"""Scoring: contributions to criterion sums, side scores, ranges and verdicts.

The formula (also in the README, "Scoring"):

- a contribution's delta = the rule's points on a criterion x its dose factor
  (graded functions of the numbers the policy sets, declared in the rulebook);
- criterion value = weight x (sum of the deltas of the contributions to it);
- side sum W = the sum of its criterion values;
- side score = round(100 x tanh(W / saturation)): bounded to -100..+100, close
  to linear for small sums and saturating for large ones;
- customer direct = the bound of the customer sum of contributions with no
  mechanism; customer indirect = the bound of the customer sum of mechanism
  contributions (attrition, absence, incivility, engagement), never a share of
  the employee score; customer = clamp(direct + indirect, -100, +100);
- range: every contribution at the low and the high end of its band (a fraction
  of it set by its evidence's strength), through the same formula; since the
  bound is monotone, low <= score <= high.

Verdicts use a margin m: a side gains above +m, loses below -m, and is neutral
inside it. The verdict names what happened on each side (``VERDICT_BY_SIDES``);
``unlawful`` is set later, by the law checks, whatever the scores.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Literal

from policyweigh.results import Contribution, PolicyResult, Ranges, Scores, Verdict, trusted_row
from policyweigh.rulebook import Rulebook

__all__ = [
    "VERDICT_BY_SIDES",
    "bounded",
    "criterion_values",
    "rank_key",
    "ranges",
    "round_half_away",
    "score",
    "score_and_ranges",
    "side_state",
    "side_sums",
    "uncertain_sides",
    "verdict",
]

State = Literal["gain", "neutral", "loss"]

VERDICT_BY_SIDES: dict[tuple[State, State], Verdict] = {
    ("gain", "gain"): "win-win",
    ("gain", "neutral"): "employee-gain",
    ("neutral", "gain"): "customer-gain",
    ("neutral", "neutral"): "neutral",
    ("loss", "neutral"): "employee-loss",
    ("neutral", "loss"): "customer-loss",
    ("loss", "gain"): "customer-at-employee-cost",
    ("gain", "loss"): "employee-at-customer-cost",
    ("loss", "loss"): "lose-lose",
}
"""(employee state, customer state) to verdict."""


def round_half_away(value: float) -> int:
    """Round to the nearest integer, halves away from zero (what people expect)."""
    return int(math.copysign(math.floor(abs(value) + 0.5), value))


def bounded(weighted_sum: float, saturation: float) -> int:
    """A side score from a weighted sum: 100 x tanh(sum / saturation), rounded."""
    if not weighted_sum:
        return 0  # what the formula gives for 0 and -0, without the arithmetic (most sums in a batch)
    return round_half_away(100 * math.tanh(weighted_sum / saturation))


def criterion_values(contributions: Iterable[Contribution], rulebook: Rulebook) -> dict[str, float]:
    """Weighted value of every criterion (0 for criteria no rule touched), in rulebook order."""
    points: dict[str, float] = {c.id: 0.0 for c in rulebook.criteria}
    for contribution in contributions:
        points[contribution.criterion] += contribution.delta
    weights = rulebook.criteria_by_id
    return {key: round(weights[key].weight * value, 4) for key, value in points.items()}


def side_sums(
    contributions: Iterable[Contribution], rulebook: Rulebook, end: int = 0
) -> tuple[float, float, float, dict[str, float]]:
    """Weighted employee, customer-direct and customer-indirect sums, and indirect per mechanism.

    ``end`` -1 takes every delta at the low end of its band, +1 at the high end, 0 as it is.
    """
    weights = rulebook.criteria_by_id
    employee = direct = indirect = 0.0
    mechanisms: dict[str, float] = {}
    for c in contributions:
        delta = c.delta * (1 + end * c.band) if c.delta > 0 else c.delta * (1 - end * c.band)
        value = weights[c.criterion].weight * delta
        if c.criterion.startswith("employee."):
            employee += value
        elif c.mechanism is not None:
            indirect += value
            mechanisms[c.mechanism] = mechanisms.get(c.mechanism, 0.0) + value
        else:
            direct += value
    return employee, direct, indirect, mechanisms


def _customer(direct: float, indirect: float, saturation: float) -> tuple[int, int, int]:
    d, i = bounded(direct, saturation), bounded(indirect, saturation)
    return max(-100, min(100, d + i)), d, i


def score(contributions: Sequence[Contribution], rulebook: Rulebook) -> Scores:
    """Scores of one policy from its contributions."""
    saturation = rulebook.scoring.saturation
    employee, direct, indirect, mechanisms = side_sums(contributions, rulebook)
    customer, d, i = _customer(direct, indirect, saturation)
    return Scores(
        employee=bounded(employee, saturation),
        customer=customer,
        customer_direct=d,
        customer_indirect=i,
        criteria=criterion_values(contributions, rulebook),
        mechanisms={k: round(v, 4) for k, v in sorted(mechanisms.items())},
    )


def score_and_ranges(contributions: Sequence[Contribution], rulebook: Rulebook) -> tuple[Scores, Ranges]:
    """``score`` and ``ranges`` of one policy's contributions in one pass, to the same values.

    Each weighted sum is added in the same order, from the same products, as
    ``side_sums`` adds it at each end of the bands (``delta * (1 - band)`` is
    what ``delta * (1 + end * band)`` gives at ``end`` -1, bit for bit), so every
    figure is the same float; the models are built without validation, each
    value having its field's type.
    """
    saturation = rulebook.scoring.saturation
    weights, zeros = _weights(rulebook)
    points: dict[str, float] = {}
    e_low = e_mid = e_high = d_low = d_mid = d_high = i_low = i_mid = i_high = 0.0
    mechanisms: dict[str, float] = {}
    for c in contributions:
        criterion = c.criterion
        delta = c.delta
        band = c.band
        points[criterion] = points.get(criterion, 0.0) + delta
        weight = weights[criterion]
        if delta > 0:
            low, high = delta * (1 - band), delta * (1 + band)
        else:
            low, high = delta * (1 + band), delta * (1 - band)
        if criterion.startswith("employee."):
            e_low += weight * low
            e_mid += weight * delta
            e_high += weight * high
        elif c.mechanism is not None:
            value = weight * delta
            i_low += weight * low
            i_mid += value
            i_high += weight * high
            mechanisms[c.mechanism] = mechanisms.get(c.mechanism, 0.0) + value
        else:
            d_low += weight * low
            d_mid += weight * delta
            d_high += weight * high
    criteria = dict(zeros)
    for key, value in points.items():
        criteria[key] = round(weights[key] * value, 4)
    customer, direct, indirect = _customer(d_mid, i_mid, saturation)
    scores = trusted_row(
        Scores,
        bounded(e_mid, saturation),
        customer,
        direct,
        indirect,
        criteria,
        {k: round(v, 4) for k, v in sorted(mechanisms.items())},
    )
    spans = trusted_row(
        Ranges,
        (bounded(e_low, saturation), bounded(e_high, saturation)),
        (_customer(d_low, i_low, saturation)[0], _customer(d_high, i_high, saturation)[0]),
    )
    return scores, spans


_WEIGHTS: dict[int, tuple[Rulebook, dict[str, float], dict[str, float]]] = {}


def _weights(rulebook: Rulebook) -> tuple[dict[str, float], dict[str, float]]:
    """Criterion weights by id, and every criterion's weighted value with no points, in rulebook
    order; kept per rulebook (held, so its id is not reused)."""
    found = _WEIGHTS.get(id(rulebook))
    if found is None or found[0] is not rulebook:
        if len(_WEIGHTS) >= 16:
            _WEIGHTS.clear()
        weights = {c.id: c.weight for c in rulebook.criteria}
        zeros = {key: round(weight * 0.0, 4) for key, weight in weights.items()}
        found = _WEIGHTS[id(rulebook)] = (rulebook, weights, zeros)
    return found[1], found[2]


def ranges(contributions: Sequence[Contribution], rulebook: Rulebook) -> Ranges:
    """Each side's [low, high]: every contribution at the low, then the high end of its band."""
    saturation = rulebook.scoring.saturation
    e_low, d_low, i_low, _ = side_sums(contributions, rulebook, -1)
    e_high, d_high, i_high, _ = side_sums(contributions, rulebook, 1)
    return Ranges(
        employee=(bounded(e_low, saturation), bounded(e_high, saturation)),
        customer=(_customer(d_low, i_low, saturation)[0], _customer(d_high, i_high, saturation)[0]),
    )


def side_state(value: float, margin: float) -> State:
    """Gain above the margin, loss below minus the margin, neutral inside it."""
    if value > margin:
        return "gain"
    if value < -margin:
        return "loss"
    return "neutral"


def verdict(employee: float, customer: float, margin: float) -> Verdict:
    """The verdict for a pair of side scores (``unlawful`` comes from the law checks, not here)."""
    return VERDICT_BY_SIDES[(side_state(employee, margin), side_state(customer, margin))]


def uncertain_sides(spans: Ranges, margin: float) -> list[str]:
    """Sides whose range reaches both a gain and a loss beyond the margin."""
    out = []
    for side in ("employee", "customer"):
        low, high = getattr(spans, side)
        if low < -margin and high > margin:
            out.append(side)
    return out


def rank_key(result: PolicyResult) -> tuple[int, int, int, str]:
    """Best first: lawful before unlawful, then by the worse side, then the better side, then id.

    Ranking by the worse side first means severe harm to one side is never
    offset by a gain on the other.
    """
    e, c = result.scores.employee, result.scores.customer
    return (1 if result.verdict == "unlawful" else 0, -min(e, c), -max(e, c), result.id)
