"""Queueing models: published Erlang C values, monotonicity, the unstable case, large counts,
agents required, and Erlang A against an independent birth-death chain."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policyweigh.queueing import (
    agents_on_phones,
    agents_required,
    erlang_a,
    erlang_b,
    erlang_c,
    queue,
    scheduled_for,
    traffic_erlangs,
)

# ------------------------------------------------------------------ published values (EVIDENCE.md)


def test_published_erlang_c_values_with_14_agents() -> None:
    traffic = traffic_erlangs(100, 180, 30 * 60)
    assert traffic == pytest.approx(10)
    result = erlang_c(traffic, 14, 180, 20)
    assert result.stable
    assert round(result.wait_probability, 4) == 0.1741
    assert round(result.service_level, 4) == 0.8884
    assert result.asa_seconds is not None
    assert round(result.asa_seconds, 2) == 7.84
    assert result.occupancy is not None
    assert round(result.occupancy, 3) == 0.714
    assert result.abandon_probability is None


def test_published_service_level_with_15_agents() -> None:
    assert round(erlang_c(10, 15, 180, 20).service_level, 3) == 0.941


def test_erlang_b_small_values_by_hand() -> None:
    # B(1, A) = A / (1 + A); B(2, A) = A^2/2 / (1 + A + A^2/2).
    assert erlang_b(2.0, 1) == pytest.approx(2 / 3)
    assert erlang_b(2.0, 2) == pytest.approx(2 / 5)
    assert erlang_b(3.0, 0) == 1.0


# ------------------------------------------------------------------ monotonicity (properties)

traffics = st.floats(min_value=0.1, max_value=300, allow_nan=False)
ahts = st.floats(min_value=10, max_value=1200, allow_nan=False)
times = st.integers(min_value=0, max_value=300)


@settings(max_examples=150, deadline=None)
@given(traffic=traffics, extra=st.integers(min_value=0, max_value=60), aht=ahts, within=times)
def test_one_more_agent_never_lowers_service_level_nor_raises_wait(
    traffic: float, extra: int, aht: float, within: int
) -> None:
    agents = math.floor(traffic) + extra
    now, more = erlang_c(traffic, agents, aht, within), erlang_c(traffic, agents + 1, aht, within)
    assert more.service_level >= now.service_level - 1e-12
    assert more.wait_probability <= now.wait_probability + 1e-12


@settings(max_examples=150, deadline=None)
@given(
    calls=st.integers(min_value=0, max_value=2000),
    more=st.integers(min_value=1, max_value=200),
    agents=st.integers(min_value=1, max_value=400),
    aht=ahts,
    within=times,
)
def test_more_calls_never_raise_service_level(
    calls: int, more: int, agents: int, aht: float, within: int
) -> None:
    low = erlang_c(traffic_erlangs(calls, aht, 1800), agents, aht, within)
    high = erlang_c(traffic_erlangs(calls + more, aht, 1800), agents, aht, within)
    assert high.service_level <= low.service_level + 1e-12
    assert high.wait_probability >= low.wait_probability - 1e-12


@settings(max_examples=60, deadline=None)
@given(
    traffic=st.floats(min_value=0.5, max_value=60),
    agents=st.integers(min_value=0, max_value=80),
    patience=st.floats(min_value=5, max_value=3600),
    within=times,
)
def test_erlang_a_one_more_agent_never_lowers_service_level(
    traffic: float, agents: int, patience: float, within: int
) -> None:
    now = erlang_a(traffic, agents, 240, within, patience)
    more = erlang_a(traffic, agents + 1, 240, within, patience)
    assert more.service_level >= now.service_level - 1e-9
    assert more.wait_probability <= now.wait_probability + 1e-9
    assert more.abandon_probability is not None and now.abandon_probability is not None
    assert more.abandon_probability <= now.abandon_probability + 1e-9


# ------------------------------------------------------------------ edges


@pytest.mark.parametrize("agents", [0, 5, 10])
def test_no_more_agents_than_traffic_is_unstable_not_a_division_error(agents: int) -> None:
    result = erlang_c(10.0, agents, 180, 20)
    assert not result.stable
    assert result.wait_probability == 1.0
    assert result.service_level == 0.0
    assert result.asa_seconds is None
    assert result.occupancy == (None if agents == 0 else 1.0)


def test_no_calls_is_a_quiet_queue() -> None:
    result = erlang_c(0.0, 3, 180, 20)
    assert (result.stable, result.wait_probability, result.service_level, result.asa_seconds) == (
        True,
        0.0,
        1.0,
        0.0,
    )
    assert erlang_a(0.0, 3, 180, 20, 60).abandon_probability == 0.0
    assert agents_required(0.0, 180, 20, 80) == 0


def test_erlang_a_with_no_agents_loses_every_call() -> None:
    result = erlang_a(5.0, 0, 180, 20, 60)
    assert (result.service_level, result.abandon_probability, result.asa_seconds) == (0.0, 1.0, None)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: erlang_c(-1, 3, 180, 20), "traffic must be"),
        (lambda: erlang_c(1, -1, 180, 20), "agents must be"),
        (lambda: erlang_c(1, 3, 0, 20), "handle time"),
        (lambda: erlang_c(math.nan, 3, 180, 20), "traffic must be"),
        (lambda: erlang_a(1, 3, 180, 20, 0), "patience"),
        (lambda: agents_required(1, 180, 20, 100), "below 100%"),
        (lambda: agents_on_phones(10, 100), "shrinkage"),
    ],
)
def test_bad_arguments_are_value_errors(call: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()  # type: ignore[operator]


def test_a_thousand_agents_neither_overflow_nor_give_nan() -> None:
    for result in (erlang_c(950, 1000, 180, 20), erlang_a(950, 1000, 180, 20, 120)):
        values = [result.wait_probability, result.service_level, result.asa_seconds, result.occupancy]
        assert all(v is not None and math.isfinite(v) and v >= 0 for v in values)
        assert 0 < result.wait_probability < 1
        assert 0.99 < result.service_level <= 1
    assert 0 < erlang_b(950, 1000) < 1
    assert erlang_b(1.0, 5000) == 0.0 or erlang_b(1.0, 5000) < 1e-300  # far below a double: no error
    far = erlang_c(950, 5000, 180, 20)
    assert far.wait_probability == 0.0 and far.service_level == 1.0
    required = agents_required(950, 180, 20, 80)
    assert (
        erlang_c(950, required, 180, 20).service_level
        >= 0.8
        > erlang_c(950, required - 1, 180, 20).service_level
    )


# ------------------------------------------------------------------ shrinkage and agents required


@pytest.mark.parametrize(
    ("scheduled", "shrinkage", "on_phones"),
    [(20, 35, 13), (14, 30, 9), (10, 0, 10), (10, 99.9, 0), (44, 30, 30), (3, 33.4, 1)],
)
def test_shrinkage_rounds_down_on_exact_decimals(scheduled: int, shrinkage: float, on_phones: int) -> None:
    assert agents_on_phones(scheduled, shrinkage) == on_phones


@pytest.mark.parametrize("shrinkage", [0, 12.5, 30, 35, 42.7])
def test_scheduled_for_is_the_fewest_that_leave_enough_on_the_phones(shrinkage: float) -> None:
    for need in range(60):
        scheduled = scheduled_for(need, shrinkage)
        assert agents_on_phones(scheduled, shrinkage) >= need
        assert scheduled == 0 or agents_on_phones(scheduled - 1, shrinkage) < need


@settings(max_examples=80, deadline=None)
@given(
    traffic=st.floats(min_value=0.2, max_value=200),
    aht=ahts,
    within=st.integers(min_value=1, max_value=120),
    pct=st.floats(min_value=50, max_value=95),
    patience=st.one_of(st.none(), st.floats(min_value=10, max_value=1800)),
)
def test_agents_required_is_the_smallest_that_meets_the_target(
    traffic: float, aht: float, within: int, pct: float, patience: float | None
) -> None:
    need = agents_required(traffic, aht, within, pct, patience)
    assert queue(traffic, need, aht, within, patience).service_level >= pct / 100 - 1e-12
    assert need == 0 or queue(traffic, need - 1, aht, within, patience).service_level < pct / 100


def test_agents_required_for_the_published_case() -> None:
    # 14 agents give 88.8% within 20 s, 13 give less than 80%: 80/20 needs 14; 90/20 needs 15.
    assert erlang_c(10, 13, 180, 20).service_level < 0.8
    assert agents_required(10, 180, 20, 80) == 14
    assert agents_required(10, 180, 20, 90) == 15


# ------------------------------------------------------------------ Erlang A against the birth-death chain


def _chain(traffic: float, agents: int, aht: float, within: float, patience: float) -> dict[str, float]:
    """M/M/N+M by brute force: the stationary distribution of the truncated birth-death chain,
    abandonment by Little's law, and each waiting caller's fate from a uniformised Markov chain of
    its place in the queue (no closed form shared with the module)."""
    lam, mu, theta = traffic / aht, 1 / aht, 1 / patience
    weights = [1.0]
    k = 0
    while True:
        k += 1
        death = min(k, agents) * mu + max(k - agents, 0) * theta
        weights.append(weights[-1] * lam / death)
        if k > agents + 5 and lam < death and weights[-1] < 1e-16 * max(weights):
            break
    total = sum(weights)
    pi = [w / total for w in weights]
    n = agents
    waiting = sum(pi[n:])
    abandon = theta * sum((k - n) * p for k, p in enumerate(pi) if k > n) / lam
    ahead = len(pi) - n - 1
    advance = [n * mu + m * theta for m in range(ahead + 1)]  # rate of moving up with m callers ahead
    rate = advance[-1] + theta
    steps = int(rate * within + 12 * math.sqrt(rate * within) + 50)
    served_by: list[float] = [0.0] * (ahead + 1)  # P(answered within the uniformised steps so far)
    answered_in_time = [0.0] * (ahead + 1)
    for step in range(steps + 1):
        weight = (
            math.exp(-rate * within + step * math.log(rate * within) - math.lgamma(step + 1))
            if within
            else float(step == 0)
        )
        answered_in_time = [a + weight * s for a, s in zip(answered_in_time, served_by, strict=True)]
        served_by = [
            advance[m] / rate * (1.0 if m == 0 else served_by[m - 1])
            + (1 - (advance[m] + theta) / rate) * served_by[m]
            for m in range(ahead + 1)
        ]
    service = sum(pi[:n])
    answered_wait = 0.0
    for j in range(ahead + 1):
        served, mean = 1.0, 0.0
        for m in range(j + 1):
            served *= advance[m] / (advance[m] + theta)
            mean += 1 / (advance[m] + theta)
        answered_wait += pi[n + j] * served * mean
        service += pi[n + j] * answered_in_time[j]
    return {"wait": waiting, "abandon": abandon, "service": service, "asa": answered_wait / (1 - abandon)}


@pytest.mark.parametrize(
    "case",
    [
        (10, 14, 180, 20, 60),
        (10, 14, 180, 20, 600),
        (12, 10, 180, 20, 300),  # overloaded: stable only thanks to abandonment
        (3.5, 4, 240, 30, 90),
        (20, 15, 120, 15, 45),
        (0.4, 1, 300, 10, 30),
    ],
)
def test_erlang_a_matches_the_birth_death_chain(case: tuple[float, int, float, float, float]) -> None:
    expected = _chain(*case)
    result = erlang_a(*case)
    assert result.wait_probability == pytest.approx(expected["wait"], abs=1e-9)
    assert result.abandon_probability == pytest.approx(expected["abandon"], abs=1e-9)
    assert result.service_level == pytest.approx(expected["service"], abs=1e-9)
    assert result.asa_seconds == pytest.approx(expected["asa"], rel=1e-8)


def test_erlang_a_matches_garnett_mandelbaum_reiman_closed_form() -> None:
    # P(wait) = A E / (1 + (A - 1) E) and P(Ab | wait) = 1 / (rho A) + 1 - 1/rho, with E Erlang B and
    # A(x, y) = 1 + y/(x+1) + y^2/((x+1)(x+2)) + ... summed plainly here.
    traffic, agents, aht, patience = 10.0, 12, 180.0, 240.0
    x, y, rho = agents * patience / aht, traffic * patience / aht, traffic / agents
    big_a, term, k = 1.0, 1.0, 0
    while term > 1e-18:
        k += 1
        term *= y / (x + k)
        big_a += term
    e = erlang_b(traffic, agents)
    wait = big_a * e / (1 + (big_a - 1) * e)
    result = erlang_a(traffic, agents, aht, 20, patience)
    assert result.wait_probability == pytest.approx(wait, rel=1e-10)
    assert result.abandon_probability == pytest.approx(wait * (1 / (rho * big_a) + 1 - 1 / rho), rel=1e-9)


@pytest.mark.parametrize(("traffic", "agents"), [(10, 14), (10, 15), (45.5, 50), (950, 1000)])
def test_erlang_a_tends_to_erlang_c_as_patience_grows(traffic: float, agents: int) -> None:
    c = erlang_c(traffic, agents, 180, 20)
    gaps = []
    for patience in (1e3, 1e5, 1e7):
        a = erlang_a(traffic, agents, 180, 20, patience)
        gaps.append(abs(a.service_level - c.service_level))
        assert a.abandon_probability is not None and a.abandon_probability < 200 / patience
    # The gap shrinks like 1 / patience: a hundred times the patience, about a hundredth of the gap.
    # (At short patience the sign of the gap may change, so the first step is not compared.)
    assert gaps[2] <= gaps[1] / 50 + 1e-12
    final = erlang_a(traffic, agents, 180, 20, 1e7)
    assert final.service_level == pytest.approx(c.service_level, abs=1e-4)
    assert final.wait_probability == pytest.approx(c.wait_probability, abs=1e-4)
    assert c.asa_seconds is not None
    assert final.asa_seconds == pytest.approx(c.asa_seconds, rel=1e-3, abs=1e-4)


@pytest.mark.parametrize(("traffic", "agents", "patience"), [(1e7, 1, 60), (1e5, 2000, 3600), (1e-9, 1, 1e6)])
def test_erlang_a_at_extremes_stays_finite(traffic: float, agents: int, patience: float) -> None:
    result = erlang_a(traffic, agents, 180, 20, patience)
    for value in (
        result.wait_probability,
        result.service_level,
        result.abandon_probability,
        result.occupancy,
    ):
        assert value is not None and 0 <= value <= 1


def test_abandonment_makes_an_overloaded_queue_stable() -> None:
    c = erlang_c(12, 10, 180, 20)
    a = erlang_a(12, 10, 180, 20, 300)
    assert not c.stable and a.stable
    assert a.abandon_probability is not None
    # What is carried cannot exceed the agents: at least the excess traffic hangs up.
    assert a.abandon_probability >= (12 - 10) / 12 - 1e-12
    assert a.occupancy is not None and a.occupancy <= 1
