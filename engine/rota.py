"""A team's day on the interval grid: who is on shift, who is at lunch, how many answer, and the queue.

A ``Plan`` says what one version of the day looks like: the people of each
shift pattern, how lunch is placed, rest-break minutes, extra shrinkage
(training), extra agents (leaders on the phones) and a handle-time change.
``run_day`` turns it into every interval's queue (``policyweigh.queueing``:
Erlang C, or Erlang A with the team's patience).

Lunch placement, per shift pattern, on a 15-minute grid:

- **fixed**: the whole pattern at one time, the start nearest the middle of the
  shift that no blocked window touches; a ban pushes it to the window's edge.
- **staggered**: person by person to the start inside the pattern's well-placed
  window where the queue has most agents to spare (agents on the phones less
  those the target needs), so absences spread where they cost least.
- **self-organised**: staff go when they like: spread evenly over the team's
  preferred window (the pie van) where the shift allows, else around the
  middle of the shift; nobody plans against the queue.

A start must leave the first and last hour of the shift free; a pattern with no
allowed start loses its lunch. Shifts longer than the team's ``over_hours``
take one. Everything is deterministic: ties go to the earlier time.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from policyweigh.organisation import Scheduling, Team
from policyweigh.queueing import QueueResult, agents_required, queue

# The same interval is computed again and again while a search tries rotas: both are pure functions
# of numbers, so they are remembered (bounded) for the process.
_required = functools.lru_cache(maxsize=65_536)(agents_required)
_queue = functools.lru_cache(maxsize=65_536)(queue)

MAX_PLACEMENTS = 200
"""Staggered lunches of a pattern are placed in at most this many groups (one person each, up to
200 people)."""
GRANULARITY = 15
"""Lunch starts on a 15-minute grid, as rota tools plan them."""
EDGE_MINUTES = 60
"""No lunch in the first or last hour of a shift, however the policy places it."""
DAY = 1440
_TOLERANCE = 1e-9

Span = tuple[int, int]


@dataclass(frozen=True)
class Lunch:
    """How lunch is placed in one version of the day."""

    minutes: int
    scheduling: Scheduling
    blocked: tuple[Span, ...] = ()
    """Minute spans of the day when no lunch may be taken (a window past midnight is two spans)."""
    preferred: tuple[Span, ...] = ()
    """Where staff go when they choose (self-organised)."""
    earliest_after_hours: float | None = None
    """The policy's own bounds on the start, in hours into the shift."""
    latest_after_hours: float | None = None
    well_placed_only: bool = False
    """Staggered starts only inside the team's well-placed window (the decent plan), never beyond it."""


@dataclass(frozen=True)
class Plan:
    """One version of a team's day."""

    people: tuple[int, ...]
    """People of each shift pattern, in the team's order."""
    lunch: Lunch | None
    """None: nobody takes lunch."""
    rest_minutes_per_hour: float = 0.0
    """Rest breaks, spread over the shift: minutes away per hour on shift."""
    extra_shrinkage_pct: float = 0.0
    """Added to the team's shrinkage (training off the phones), in percentage points."""
    extra_agents: float = 0.0
    """Agents added on the phones in every staffed interval (leaders' floor time)."""
    aht_change_seconds: float = 0.0
    """Added to every interval's handle time (negative: shorter)."""
    answered_pct: float | None = None
    """The target's share, when the policy sets its own; else the team's."""
    within_seconds: int | None = None


@dataclass(frozen=True)
class Slot:
    """One interval of the day as the plan makes it."""

    start: int
    calls: float
    aht_seconds: float
    present: float
    away: float
    on_phones: int
    required: int
    """Agents on the phones the target needs."""
    queue: QueueResult

    @property
    def meets(self) -> bool:
        """Whether the interval meets the target (an interval with no calls always does)."""
        return self.calls <= 0 or self.on_phones >= self.required


@dataclass(frozen=True)
class Day:
    """The whole day of one plan: intervals, and where each pattern's lunches start."""

    slots: tuple[Slot, ...]
    lunches: tuple[tuple[int, ...], ...]
    """Per shift pattern, the lunch start (minute of the day) of each person; empty: no lunch."""
    needs_lunch: tuple[bool, ...]
    """Per pattern, whether its shift is long enough to take one."""
    target: tuple[float, int]
    """(answered_pct, within_seconds) the day is measured against."""

    @property
    def calls(self) -> float:
        """Calls offered over the day."""
        return sum(s.calls for s in self.slots)

    @property
    def service_level(self) -> float:
        """Calls answered within the target time over calls offered, over the day."""
        total = self.calls
        if total <= 0:
            return 1.0
        return sum(s.calls * s.queue.service_level for s in self.slots) / total

    @property
    def asa_seconds(self) -> float | None:
        """Mean wait of answered calls over the day; None when some interval with calls never answers."""
        answered = 0.0
        waited = 0.0
        for s in self.slots:
            if s.calls <= 0:
                continue
            if s.queue.asa_seconds is None:
                return None
            share = 1 - (s.queue.abandon_probability or 0.0)
            answered += s.calls * share
            waited += s.calls * share * s.queue.asa_seconds
        return waited / answered if answered > 0 else 0.0

    @property
    def occupancy(self) -> float | None:
        """Time on calls over time on the phones, over the day."""
        busy = 0.0
        phones = 0
        for s in self.slots:
            if s.queue.occupancy is None:
                continue
            busy += s.queue.occupancy * s.on_phones
            phones += s.on_phones
        return busy / phones if phones else None

    @property
    def missed(self) -> int:
        """Intervals with calls below the target."""
        return sum(1 for s in self.slots if not s.meets)


def _overlap(a: Span, b: Span) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _day_spans(start: int, length: int) -> list[Span]:
    """A span from ``start`` lasting ``length`` as spans within one day (past midnight: two)."""
    start %= DAY
    end = start + length
    if end <= DAY:
        return [(start, end)]
    return [(start, DAY), (0, end - DAY)]


def _share(span_start: int, length: int, interval: Span) -> float:
    """How much of ``interval`` a span covers, as a share of the interval."""
    size = interval[1] - interval[0]
    return sum(_overlap(part, interval) for part in _day_spans(span_start, length)) / size


@functools.lru_cache(maxsize=65_536)
def _cover(span_start: int, length: int, starts: tuple[int, ...], step: int) -> tuple[tuple[int, float], ...]:
    """The intervals (index, share) a span touches: computed once per span and grid, since lunch
    placement asks the same question thousands of times while a search tries rotas."""
    out = []
    for i, start in enumerate(starts):
        share = _share(span_start, length, (start, start + step))
        if share:
            out.append((i, share))
    return tuple(out)


@dataclass
class _Builder:
    team: Team
    step: int
    plan: Plan
    starts: list[int] = field(default_factory=list)
    present: list[float] = field(default_factory=list)
    away: list[float] = field(default_factory=list)
    required: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.starts = [_minute(d.start) for d in self.team.workload]
        self.grid = tuple(self.starts)
        plan = self.plan
        self.present = [float(plan.extra_agents)] * len(self.starts)
        self.away = [0.0] * len(self.starts)
        for shift, people in zip(self.team.shifts, plan.people, strict=True):
            for i, share in _cover(shift.start_minute, shift.minutes, self.grid, self.step):
                self.present[i] += people * share
                self.away[i] += people * share * plan.rest_minutes_per_hour / 60
        self.required = [
            _required(
                _traffic(d.calls, self.aht(d.aht_seconds), self.step),
                self.aht(d.aht_seconds),
                self.within,
                self.answered,
                self.team.patience_seconds,
            )
            if d.calls > 0
            else 0
            for d in self.team.workload
        ]

    @property
    def answered(self) -> float:
        return self.plan.answered_pct or self.team.target.answered_pct

    @property
    def within(self) -> int:
        return self.plan.within_seconds or self.team.target.within_seconds

    @property
    def keep(self) -> float:
        """Share of present, not-on-break time on the phones after shrinkage."""
        return max(0.0, 1 - (self.team.shrinkage_pct + self.plan.extra_shrinkage_pct) / 100)

    def aht(self, seconds: float) -> float:
        return max(1.0, seconds + self.plan.aht_change_seconds)

    def on_phones(self, i: int) -> int:
        # People who are rostered and not on a break, less shrinkage; leaders' floor time is in
        # ``present`` already (it is planned time on the phones, so shrinkage applies to it too).
        return math.floor(max(0.0, self.present[i] - self.away[i]) * self.keep + _TOLERANCE)

    def spare(self, i: int) -> float:
        if self.team.workload[i].calls <= 0:
            return math.inf
        return (self.present[i] - self.away[i]) * self.keep - self.required[i]

    def take_lunch(self, start: int, minutes: int, people: float) -> None:
        for i, share in _cover(start, minutes, self.grid, self.step):
            self.away[i] += people * share

    def cost_of(self, start: int, minutes: int) -> float:
        """How tight the queue is where a lunch at ``start`` would fall: the least spare capacity."""
        return min((self.spare(i) for i, _ in _cover(start, minutes, self.grid, self.step)), default=math.inf)


def _minute(time: str) -> int:
    hours, minutes = time.split(":")
    return int(hours) * 60 + int(minutes)


def _traffic(calls: float, aht: float, step: int) -> float:
    return calls * aht / (step * 60)


def _blocked(start: int, minutes: int, spans: Sequence[Span]) -> bool:
    parts = _day_spans(start, minutes)
    return any(_overlap(part, span) for part in parts for span in spans)


def _inside(start: int, spans: Sequence[Span]) -> bool:
    minute = start % DAY
    return any(lo <= minute < hi for lo, hi in spans)


def candidate_starts(team: Team, shift_index: int, lunch: Lunch, *, well_placed: bool) -> list[int]:
    """Lunch starts (minutes from the shift's day start, may pass 1440) allowed for one pattern."""
    shift = team.shifts[shift_index]
    begin = shift.start_minute
    lo = begin + EDGE_MINUTES
    hi = begin + shift.minutes - EDGE_MINUTES - lunch.minutes
    if well_placed:
        window = team.breaks.well_placed
        lo = max(lo, begin + round(window.earliest_hours * 60))
        hi = min(hi, begin + round(window.latest_hours * 60))
    if lunch.earliest_after_hours is not None:
        lo = max(lo, begin + round(lunch.earliest_after_hours * 60))
    if lunch.latest_after_hours is not None:
        hi = min(hi, begin + round(lunch.latest_after_hours * 60))
    first = -(-lo // GRANULARITY) * GRANULARITY
    return [t for t in range(first, hi + 1, GRANULARITY) if not _blocked(t, lunch.minutes, lunch.blocked)]


def _middle(team: Team, shift_index: int, minutes: int) -> int:
    shift = team.shifts[shift_index]
    return shift.start_minute + (shift.minutes - minutes) // 2


def _nearest(candidates: Sequence[int], point: int) -> int:
    return min(candidates, key=lambda t: (abs(t - point), t))


def needs_lunch(team: Team, shift_index: int) -> bool:
    """Whether the pattern's shift is long enough to take a lunch."""
    return team.shifts[shift_index].hours > team.breaks.over_hours + _TOLERANCE


def _place(builder: _Builder) -> tuple[list[tuple[int, ...]], list[bool]]:
    team, plan = builder.team, builder.plan
    lunch = plan.lunch
    count = len(team.shifts)
    needs = [needs_lunch(team, k) and plan.people[k] > 0 for k in range(count)]
    placed: list[tuple[int, ...]] = [() for _ in range(count)]
    if lunch is None:
        return placed, needs
    pending: list[tuple[int, list[int]]] = []
    for k in range(count):
        if not needs[k]:
            continue
        people = plan.people[k]
        if lunch.scheduling == "staggered":
            options = candidate_starts(team, k, lunch, well_placed=True)
            if not options and not lunch.well_placed_only:
                options = candidate_starts(team, k, lunch, well_placed=False)
            if options:
                pending.append((k, options))
            continue
        options = candidate_starts(team, k, lunch, well_placed=False)
        if not options:
            continue
        middle = _middle(team, k, lunch.minutes)
        if lunch.scheduling == "fixed":
            chosen = [_nearest(options, middle)] * people
        else:
            liked = [t for t in options if _inside(t, lunch.preferred)]
            if not liked:
                nearest = sorted(options, key=lambda t: (abs(t - middle), t))[:3]
                liked = sorted(nearest)
            chosen = [liked[p % len(liked)] for p in range(people)]
        placed[k] = tuple(sorted(chosen))
        for start in chosen:
            builder.take_lunch(start, lunch.minutes, 1)
    # Staggered patterns last, the most constrained first, each person where the queue has most to spare.
    pending.sort(key=lambda item: (len(item[1]), item[0]))
    for k, options in pending:
        # Each start's cost is kept and only the starts that share an interval with the one just
        # taken are worked out again: the same choices as rescanning every start, far fewer sums.
        covers = {t: _cover(t, lunch.minutes, builder.grid, builder.step) for t in options}
        sharing: dict[int, list[int]] = {}
        for t, cover in covers.items():
            for i, _ in cover:
                sharing.setdefault(i, []).append(t)
        cost = {t: builder.cost_of(t, lunch.minutes) for t in options}
        spread: list[int] = []
        left = plan.people[k]
        # A large pattern is placed in groups, so the work stays bounded whatever its size.
        group = max(1, -(-left // MAX_PLACEMENTS))
        while left:
            size = min(group, left)
            best = max(options, key=lambda t: (cost[t], -t))
            builder.take_lunch(best, lunch.minutes, size)
            spread.extend([best] * size)
            left -= size
            for i, _ in covers[best]:
                for t in sharing[i]:
                    cost[t] = builder.cost_of(t, lunch.minutes)
        placed[k] = tuple(sorted(spread))
    return placed, needs


def run_day(team: Team, step: int, plan: Plan) -> Day:
    """Every interval's queue under ``plan``, with each pattern's lunch starts."""
    builder = _Builder(team, step, plan)
    lunches, needs = _place(builder)
    slots = []
    for i, demand in enumerate(team.workload):
        aht = builder.aht(demand.aht_seconds)
        on_phones = builder.on_phones(i)
        result = _queue(
            _traffic(demand.calls, aht, step), on_phones, aht, builder.within, team.patience_seconds
        )
        slots.append(
            Slot(
                start=builder.starts[i],
                calls=demand.calls,
                aht_seconds=aht,
                present=round(builder.present[i], 4),
                away=round(builder.away[i], 4),
                on_phones=on_phones,
                required=builder.required[i],
                queue=result,
            )
        )
    return Day(tuple(slots), tuple(lunches), tuple(needs), (builder.answered, builder.within))


def scaled_people(people: Sequence[int], factor: float) -> tuple[int, ...]:
    """People per pattern scaled by ``factor``: the total rounded half up, spread by largest remainder."""
    total = sum(people)
    if total == 0:
        return tuple(people)
    target = max(0, math.floor(total * factor + 0.5))
    exact = [p * target / total for p in people]
    base = [math.floor(x) for x in exact]
    order = sorted(range(len(people)), key=lambda k: (-(exact[k] - base[k]), k))
    for k in order[: target - sum(base)]:
        base[k] += 1
    return tuple(base)


SEARCH_LIMIT = 120
STALLS = 3
"""Steps in a row that close none of the gap before the search gives up."""
"""Most rotas the search for the people a target needs tries (each runs the day once): a bound on
its work whatever the team's size; past it the search gives what it has."""


def people_needed(team: Team, step: int, plan: Plan) -> tuple[int, ...] | None:
    """The fewest people per pattern, from ``plan``'s, that meet the target in every interval with calls.

    Greedy and deterministic: while an interval misses, add people to the pattern that covers
    most of the missing agents (half the largest gap it covers, at least one); once every interval
    meets, take people away from the pattern with most to spare (half its spare agents, else one)
    while every interval still meets. None when adding people stops closing the gap (an interval
    with calls no shift covers, or one a fixed lunch empties whatever the headcount) or no rota
    within ``SEARCH_LIMIT`` tried meets the target.
    """
    people = list(plan.people)
    cache: dict[tuple[int, ...], Day] = {}

    def day_of(counts: Sequence[int]) -> Day:
        key = tuple(counts)
        if key not in cache:
            cache[key] = run_day(team, step, replace(plan, people=key))
        return cache[key]

    day = day_of(people)
    shortfall, stalls = math.inf, 0
    while day.missed:
        # Steps that add people but close none of the gap can never meet the target (a fixed lunch
        # that takes the whole pattern off the phones at once): stop rather than search on. A few
        # are allowed, since people added may move staggered lunches into another interval.
        now = sum(s.required - s.on_phones for s in day.slots if not s.meets)
        stalls = stalls + 1 if now >= shortfall else 0
        if len(cache) >= SEARCH_LIMIT or stalls > STALLS:
            return None
        shortfall = min(shortfall, now)
        best, best_gain, best_gap = -1, 0.0, 0
        grid = tuple(slot.start for slot in day.slots)
        for k, shift in enumerate(team.shifts):
            gain = 0.0
            gap = 0
            for i, share in _cover(shift.start_minute, shift.minutes, grid, step):
                slot = day.slots[i]
                if not slot.meets:
                    gain += share * (slot.required - slot.on_phones)
                    gap = max(gap, slot.required - slot.on_phones)
            if gain > best_gain + _TOLERANCE:
                best, best_gain, best_gap = k, gain, gap
        if best < 0:
            return None
        # Half the largest gap at once (at least one person): most of the way in few steps; the
        # taking-away below removes any person too many.
        people[best] += max(1, best_gap // 2)
        day = day_of(people)
    while len(cache) < SEARCH_LIMIT:
        trial = None
        spares = {k: _spare_in(team, step, day, k) for k in range(len(people))}
        for k in sorted(spares, key=lambda k: (-spares[k], k)):
            if people[k] == 0:
                continue
            # Half the pattern's spare agents at once when it has many (all of a pattern that covers
            # no interval with calls), else one: a large surplus goes in few steps.
            spare = spares[k]
            jump = people[k] if math.isinf(spare) else max(1, min(people[k], int(spare // 2)))
            for size in dict.fromkeys((jump, 1)):
                fewer = list(people)
                fewer[k] -= size
                if not day_of(fewer).missed:
                    trial = fewer
                    break
            if trial is not None:
                break
        if trial is None:
            break
        people = trial
        day = day_of(people)
    return tuple(people)


def _spare_in(team: Team, step: int, day: Day, k: int) -> float:
    """The least spare agents over the intervals pattern ``k`` works (more: safer to take from)."""
    shift = team.shifts[k]
    grid = tuple(slot.start for slot in day.slots)
    spare = [
        day.slots[i].on_phones - day.slots[i].required
        for i, _ in _cover(shift.start_minute, shift.minutes, grid, step)
        if day.slots[i].calls > 0
    ]
    return min(spare, default=math.inf)


def shift_share(team: Team, step: int, k: int, slot: Slot) -> float:
    """How much of an interval pattern ``k``'s shift covers (0 to 1)."""
    shift = team.shifts[k]
    return _share(shift.start_minute, shift.minutes, (slot.start, slot.start + step))
