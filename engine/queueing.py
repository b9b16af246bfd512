"""Queueing models of a contact centre: Erlang B, Erlang C and Erlang A, with shrinkage.

Pure functions on numbers (no I/O, no policy models). Every model assumes
Poisson arrivals and exponential handle times; Erlang A adds exponential
patience (callers hang up after a random time with the given mean).

- **Erlang B** (blocking) by the stable recursion B(0) = 1,
  B(k) = A B(k-1) / (k + A B(k-1)), run on the logarithm of 1/B so it neither
  overflows nor underflows at thousands of agents.
- **Erlang C** (callers wait without limit): wait probability
  Pw = N B / (N - A (1 - B)), service level SL(t) = 1 - Pw exp(-(N - A) t / AHT),
  average speed of answer ASA = Pw AHT / (N - A), occupancy A / N. When the
  agents do not exceed the traffic (N <= A) the queue grows without end: the
  result says so (``stable`` is False, wait probability 1, service level 0,
  no ASA) rather than dividing by zero.
- **Erlang A** (M/M/N+M; Garnett, Mandelbaum & Reiman 2002, MSOM 4:208-227):
  exact closed forms of the birth-death chain, with x = N patience / AHT and
  y = A patience / AHT, and the series S(a, z) = sum over k of
  z^k / (a (a+1) ... (a+k)) (the lower incomplete gamma function, scaled):
  the function A(x, y) = 1 + y S(x+1, y) of the paper, the probability that
  all agents are busy Pw = A B / (1 + (A - 1) B), abandonment
  P(Ab) = Pw - x pi_N S(x+1, y) with pi_N = Pw / A. The offered wait V (what
  an infinitely patient caller would wait) has the density
  N mu pi_N exp(-N mu v + y (1 - exp(-v / patience))) for v > 0; a caller is
  answered within t when V <= t and V is shorter than its own patience, which
  gives the service level and the ASA of answered calls in closed form too.
  With abandonment the queue is always stable.

Service level here is the share of *offered* calls answered within the time
(abandoned calls count as missed), the usual contact-centre definition; with
no abandonment (Erlang C) every call is answered in the end.

Large counts are safe: sums run in logarithms over the terms that matter
(a window around the largest term), never through factorials; 1,000 agents
and 950 Erlangs compute in well under a millisecond for Erlang C.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

Model = Literal["erlang-c", "erlang-a"]

_TOLERANCE = 1e-12
"""Slack when comparing a service level with its target, for rounding in the last digits."""
_NEGLIGIBLE = 40.0
"""Terms more than e^40 below the largest one are dropped from a series (relative size 4e-18)."""


@dataclass(frozen=True)
class QueueResult:
    """What one interval's queue looks like with a given number of agents on the phones.

    ``asa_seconds`` is None when calls are never answered (an unstable
    Erlang C queue, or no agents); ``occupancy`` is None when there are no
    agents; ``abandon_probability`` is None for Erlang C (callers never hang up).
    """

    model: Model
    """``erlang-c`` (callers wait without limit) or ``erlang-a`` (callers abandon)."""
    agents: int
    """Agents on the phones (after shrinkage)."""
    traffic_erlangs: float
    """Offered traffic A: calls x handle time / interval length."""
    stable: bool
    """False when the queue grows without end (Erlang C with agents <= traffic)."""
    wait_probability: float
    """Share of calls that find every agent busy and wait."""
    service_level: float
    """Share of offered calls answered within the target time."""
    asa_seconds: float | None
    """Average speed of answer: the mean wait of answered calls, in seconds."""
    occupancy: float | None
    """Share of the agents' time spent on calls (carried traffic / agents)."""
    abandon_probability: float | None = None
    """Share of calls that hang up before an answer (Erlang A only)."""


def traffic_erlangs(calls: float, aht_seconds: float, interval_seconds: float) -> float:
    """Offered traffic in Erlangs: ``calls`` of ``aht_seconds`` each arriving over ``interval_seconds``."""
    _check(calls >= 0, f"calls must be at least 0; got {calls}")
    _check(aht_seconds > 0, f"the handle time must be more than 0 seconds; got {aht_seconds}")
    _check(interval_seconds > 0, f"the interval must be more than 0 seconds; got {interval_seconds}")
    return calls * aht_seconds / interval_seconds


def agents_on_phones(scheduled: int, shrinkage_pct: float) -> int:
    """Agents taking calls: ``scheduled`` x (1 - shrinkage), rounded down (a part of an agent answers nothing).

    Computed on the exact decimal values, so 20 agents at 35% shrinkage are 13, not 12.
    """
    _check(scheduled >= 0, f"scheduled agents must be at least 0; got {scheduled}")
    _check(
        0 <= shrinkage_pct < 100, f"shrinkage must be from 0 up to (not including) 100%; got {shrinkage_pct}"
    )
    share = 1 - Fraction(str(shrinkage_pct)) / 100
    return math.floor(scheduled * share)


def scheduled_for(on_phones: int, shrinkage_pct: float) -> int:
    """The fewest scheduled agents that leave ``on_phones`` on the phones after shrinkage."""
    _check(on_phones >= 0, f"agents must be at least 0; got {on_phones}")
    share = 1 - Fraction(str(shrinkage_pct)) / 100
    _check(share > 0, f"shrinkage must be below 100%; got {shrinkage_pct}")
    scheduled = math.ceil(on_phones / share)
    while scheduled > 0 and agents_on_phones(scheduled - 1, shrinkage_pct) >= on_phones:
        scheduled -= 1  # defensive: the ceiling is already the smallest
    return scheduled


def erlang_b(traffic: float, agents: int) -> float:
    """Blocking probability of ``agents`` servers offered ``traffic`` Erlangs, by the stable recursion."""
    return math.exp(-_log_inverse_erlang_b(traffic, agents))


def erlang_c(traffic: float, agents: int, aht_seconds: float, within_seconds: float) -> QueueResult:
    """Erlang C: the queue when callers wait as long as it takes.

    ``within_seconds`` is the service-level time (answered within t seconds).
    """
    _check_inputs(traffic, agents, aht_seconds, within_seconds)
    if traffic == 0:
        return QueueResult("erlang-c", agents, 0.0, True, 0.0, 1.0, 0.0, 0.0 if agents else None)
    if agents <= traffic:
        return QueueResult("erlang-c", agents, traffic, False, 1.0, 0.0, None, 1.0 if agents else None)
    blocking = erlang_b(traffic, agents)
    spare = agents - traffic
    wait = agents * blocking / (agents - traffic * (1 - blocking))
    wait = min(1.0, max(0.0, wait))
    service = 1 - wait * math.exp(-spare * within_seconds / aht_seconds)
    asa = wait * aht_seconds / spare
    return QueueResult("erlang-c", agents, traffic, True, wait, _unit(service), asa, traffic / agents)


def erlang_a(
    traffic: float, agents: int, aht_seconds: float, within_seconds: float, patience_seconds: float
) -> QueueResult:
    """Erlang A (M/M/N+M): the queue when callers hang up after ``patience_seconds`` on average.

    Exact (closed forms of the birth-death chain); tends to Erlang C as the patience grows.
    """
    _check_inputs(traffic, agents, aht_seconds, within_seconds)
    _check(
        math.isfinite(patience_seconds) and patience_seconds > 0,
        f"the mean patience must be a finite number of seconds above 0; got {patience_seconds}",
    )
    if traffic == 0:
        return QueueResult("erlang-a", agents, 0.0, True, 0.0, 1.0, 0.0, 0.0 if agents else None, 0.0)
    if agents == 0:
        return QueueResult("erlang-a", 0, traffic, True, 1.0, 0.0, None, None, 1.0)
    ratio = patience_seconds / aht_seconds
    x = agents * ratio  # N mu / theta
    y = traffic * ratio  # lambda / theta
    theta_t = within_seconds / patience_seconds
    log_b = -_log_inverse_erlang_b(traffic, agents)
    log_s, log_t = _log_series(x + 1, y)
    log_a = _log_add(0.0, math.log(y) + log_s)  # A(x, y) of Garnett et al.
    # Pw = A B / (1 + (A - 1) B) = 1 / (1 + (1 - B) / (A B)), in logarithms.
    free = -math.expm1(log_b)  # 1 - B, which is 0 only when blocking is certain to the last digit
    log_wait = -_softplus(math.log(free) - (log_a + log_b)) if free > 0 else 0.0
    wait = math.exp(log_wait)
    log_pi_n = log_wait - log_a  # all agents busy and nobody waiting
    log_front = math.log(x) + log_pi_n
    answered_after_wait = math.exp(log_front + log_s)
    abandon = min(1.0, max(0.0, wait - answered_after_wait))
    # Answered after a wait of at most t: the same integral from 0 to t.
    s0 = y * math.exp(-theta_t)
    log_s0 = _log_series(x + 1, s0)[0] if s0 > 0 else -math.log(x + 1)
    late = math.exp(log_front + (y - s0) - (x + 1) * theta_t + log_s0)
    service = _unit(1 - wait + max(0.0, answered_after_wait - late))
    answered = 1 - abandon
    asa = patience_seconds * math.exp(log_front + log_t) / answered if answered > 0 else None
    occupancy = min(1.0, traffic * answered / agents)
    return QueueResult("erlang-a", agents, traffic, True, wait, service, asa, occupancy, abandon)


def queue(
    traffic: float,
    agents: int,
    aht_seconds: float,
    within_seconds: float,
    patience_seconds: float | None = None,
) -> QueueResult:
    """Erlang A when a mean patience is given, Erlang C otherwise."""
    if patience_seconds is None:
        return erlang_c(traffic, agents, aht_seconds, within_seconds)
    return erlang_a(traffic, agents, aht_seconds, within_seconds, patience_seconds)


def agents_required(
    traffic: float,
    aht_seconds: float,
    within_seconds: float,
    answered_pct: float,
    patience_seconds: float | None = None,
) -> int:
    """The smallest number of agents on the phones whose service level meets the target.

    The target is ``answered_pct`` percent of calls answered within
    ``within_seconds``; it must be below 100% (no finite staff answers every
    call within a time). Erlang C when ``patience_seconds`` is None, Erlang A otherwise.
    """
    _check_inputs(traffic, 0, aht_seconds, within_seconds)
    _check(0 < answered_pct < 100, f"the answered share must be above 0 and below 100%; got {answered_pct}")
    target = answered_pct / 100 - _TOLERANCE
    if traffic == 0:
        return 0
    if patience_seconds is None:
        return _erlang_c_required(traffic, aht_seconds, within_seconds, target)

    def meets(agents: int) -> bool:
        return (
            erlang_a(traffic, agents, aht_seconds, within_seconds, patience_seconds).service_level >= target
        )

    low, high = 0, max(1, math.ceil(traffic))  # low misses (no agents answer nothing)
    while not meets(high):
        low, high = high, high * 2
        _check(high < 2**40, "no number of agents meets the target")  # defensive: SL tends to 1
    while high - low > 1:
        middle = (low + high) // 2
        if meets(middle):
            high = middle
        else:
            low = middle
    return high


def _erlang_c_required(traffic: float, aht_seconds: float, within_seconds: float, target: float) -> int:
    """Walk up from the first stable count; Erlang B advances one agent a step."""
    agents = math.floor(traffic) + 1
    log_inverse = _log_inverse_erlang_b(traffic, agents)
    # With k agents beyond the traffic, SL >= 1 - exp(-k t / AHT): the walk ends by this many steps.
    steps = math.ceil(aht_seconds / within_seconds * math.log(1 / (1 - target))) + 2
    for _ in range(steps + 1):
        blocking = math.exp(-log_inverse)
        wait = agents * blocking / (agents - traffic * (1 - blocking))
        if 1 - wait * math.exp(-(agents - traffic) * within_seconds / aht_seconds) >= target:
            return agents
        agents += 1
        log_inverse = _log_add(0.0, math.log(agents / traffic) + log_inverse)
    raise AssertionError("unreachable: the bound on the walk always holds")  # pragma: no cover


# --------------------------------------------------------------------------- numerics


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(message)


def _check_inputs(traffic: float, agents: int, aht_seconds: float, within_seconds: float) -> None:
    _check(
        math.isfinite(traffic) and traffic >= 0,
        f"traffic must be a finite number of Erlangs >= 0; got {traffic}",
    )
    _check(agents >= 0, f"agents must be at least 0; got {agents}")
    _check(
        math.isfinite(aht_seconds) and aht_seconds > 0,
        f"the handle time must be a finite number of seconds above 0; got {aht_seconds}",
    )
    _check(
        math.isfinite(within_seconds) and within_seconds >= 0,
        f"the service-level time must be a finite number of seconds >= 0; got {within_seconds}",
    )


def _unit(value: float) -> float:
    """Clamp a probability into [0, 1] (rounding can step a hair outside)."""
    return min(1.0, max(0.0, value))


def _log_add(a: float, b: float) -> float:
    """log(e^a + e^b) without overflow."""
    if a < b:
        a, b = b, a
    if b == -math.inf:
        return a
    return a + math.log1p(math.exp(b - a))


def _softplus(value: float) -> float:
    """log(1 + e^value) without overflow."""
    return value + math.log1p(math.exp(-value)) if value > 0 else math.log1p(math.exp(value))


def _log_inverse_erlang_b(traffic: float, agents: int) -> float:
    """log(1 / B(agents, traffic)) by the recursion 1/B(k) = 1 + (k / A) / B(k-1), in logarithms."""
    _check(agents >= 0, f"agents must be at least 0; got {agents}")
    _check(
        math.isfinite(traffic) and traffic >= 0,
        f"traffic must be a finite number of Erlangs >= 0; got {traffic}",
    )
    if agents == 0:
        return 0.0
    if traffic == 0:
        return math.inf
    log_traffic = math.log(traffic)
    value = 0.0
    for k in range(1, agents + 1):
        value = _log_add(0.0, math.log(k) - log_traffic + value)
    return value


def _digamma(value: float) -> float:
    """The digamma function for value > 0 (recurrence, then the asymptotic series; error below 1e-13)."""
    result = 0.0
    while value < 8:
        result -= 1 / value
        value += 1
    inverse = 1 / (value * value)
    series = inverse * (
        1 / 12 - inverse * (1 / 120 - inverse * (1 / 252 - inverse * (1 / 240 - inverse / 132)))
    )
    return result + math.log(value) - 0.5 / value - series


def _log_series(a: float, z: float) -> tuple[float, float]:
    """log S(a, z) and log T(a, z), for a > 0 and z > 0.

    S(a, z) = sum over k >= 0 of z^k / (a (a+1) ... (a+k)); T weighs each term by
    H(k) = 1/a + 1/(a+1) + ... + 1/(a+k), which is -dS/da. Only the terms within
    e^40 of the largest are summed: the terms rise while a + k < z and fall
    after, so the window is found from the peak without walking from k = 0.
    """
    log_z = math.log(z)
    lgamma_a = math.lgamma(a)

    def log_term(k: int) -> float:
        return k * log_z - (math.lgamma(a + k + 1) - lgamma_a)

    peak = max(0, math.floor(z - a))
    peak_log = log_term(peak)
    # Below the peak the terms fall at least as fast as a Gaussian of variance z: search back in steps.
    start = peak
    step = max(1, math.isqrt(max(1, math.ceil(z))))
    while start > 0 and log_term(max(0, start - step)) > peak_log - _NEGLIGIBLE:
        start = max(0, start - step)
    start = max(0, start - step)
    harmonic = 0.0 if start == 0 else _digamma(a + start) - _digamma(a)  # H(start - 1)
    total = t_total = -math.inf
    k = start
    current = log_term(k)
    while True:
        harmonic += 1 / (a + k)
        total = _log_add(total, current)
        t_total = _log_add(t_total, current + math.log(harmonic))
        ratio = z / (a + k + 1)
        if k >= peak and ratio < 1:
            # Every later ratio is smaller, so the rest is below a geometric tail; the weights grow
            # by at most 1 / (a + k + 1) a term.
            tail = current + math.log(ratio) - math.log1p(-ratio)
            weight = harmonic + 1 / ((1 - ratio) * (a + k + 1))
            if tail < total - _NEGLIGIBLE and tail + math.log(weight) < t_total - _NEGLIGIBLE:
                break
        current += math.log(ratio)
        k += 1
    return total, t_total
