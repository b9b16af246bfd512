"""Break placement on a shift's time line: where the breaks due go, or what keeps one out.

A pure function of plain minutes: ``place_breaks`` takes a ``BreakPlan`` (the
shifts' starts and length, the blocked windows, the breaks due in order, the
margins) and returns, for each shift start, the breaks placed at their minutes
or the first break that cannot be placed: how long it is, by when it is due,
the blocked window the deadline falls in and the windows in its way. It says
nothing in words; ``policyweigh.law.wording`` does.

- **Time line.** Minutes from the midnight of the day the shift starts, unrolled
  onto 48 hours, so a shift starting 22:00 (minute 1320) runs to 06:00 as minute
  1800; every blocked window is laid on both days. Windows are half-open: a
  window 10:00-12:00 lets a break end at 10:00 or start at 12:00.
- **Where a break may go.** It must not touch a blocked window, must start at
  least ``Margins.edge`` after the shift starts and end at least that long
  before it ends (a break at the very start or end of a shift does not
  interrupt it), and starts at least ``Margins.gap`` after the break before it
  ends. A ``start-by`` deadline of N minutes: the break may start at shift
  start + N, that minute included, and not one minute later; ``end-by``: it
  must end by then. No deadline: it only has to fit in the shift.
- **Order.** Breaks are placed in the order given, each as early as possible,
  which finds a placement whenever one exists: placing a break earlier never
  leaves less room for the ones after it.
- **Work in a row.** ``place_stretches`` takes several break rules' breaks (a
  ``Part`` each: its length and blocked windows, each used at most once) and a
  limit on work in a row: no stretch (from the shift start to the first break,
  between breaks, from the last break to the shift end) may be longer. Each
  break is placed as *late* as the limit allows (that leaves the shortest
  stretch after it), trying the parts in every order, so a placement is found
  whenever one exists; otherwise the first stretch left too long is
  ``ShiftPlacement.run``.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "DAY_MINUTES",
    "Break",
    "BreakPlan",
    "Deadline",
    "DeadlineKind",
    "Margins",
    "Miss",
    "Part",
    "PlacedBreak",
    "ShiftPlacement",
    "Window",
    "place_breaks",
    "place_stretches",
]

DAY_MINUTES = 24 * 60
"""Minutes in a day: a time line's second day starts here."""

DeadlineKind = Literal["start-by", "end-by"]
"""Whether a break must start or end by its deadline."""


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True, order=True)
class Window:
    """A blocked window within one day, in minutes of the day: ``start`` included, ``end`` excluded."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end <= DAY_MINUTES:
            raise ValueError(
                f"a window lies within one day and starts before it ends; got {self.start}-{self.end}"
            )


@dataclass(frozen=True)
class Deadline:
    """By when a break is due, counted from the shift's start."""

    minutes: int
    """Minutes after the shift starts; the minute itself is still in time."""
    kind: DeadlineKind


@dataclass(frozen=True)
class Break:
    """One break due on a shift."""

    length: int
    """Minutes the break lasts."""
    deadline: Deadline | None = None
    """By when it is due; none: anywhere in the shift."""
    not_before: int = 0
    """Minutes after the shift starts before which it may not start (a law's earliest start, or
    the policy's own schedule)."""
    not_after: int | None = None
    """Minutes after the shift starts after which it may not start, set by a schedule rather than
    by a legal deadline; none: no such limit."""
    within: Window | None = None
    """A window of the day the whole break must lie in; none: any time."""

    def __post_init__(self) -> None:
        if self.length <= 0:
            raise ValueError(f"a break lasts at least one minute; got {self.length}")

    @property
    def placed_by_schedule(self) -> bool:
        """Whether something besides a deadline limits where the break may go."""
        return self.not_before > 0 or self.not_after is not None or self.within is not None


@dataclass(frozen=True)
class Margins:
    """Room kept around breaks, in minutes."""

    edge: int = 0
    """A break starts at least this long after the shift starts and ends at least this long before it ends."""
    gap: int = 0
    """A break starts at least this long after the break before it ends."""


@dataclass(frozen=True)
class BreakPlan:
    """What to place: shifts of one length at several starts, the breaks due on each, what blocks them."""

    starts: tuple[int, ...]
    """Minutes of the day the shifts start (00:00 is 0); each gets its own result, in this order."""
    shift_minutes: int
    """Length of every shift, breaks included."""
    breaks: tuple[Break, ...]
    """The breaks due on each shift, in the order they are taken."""
    windows: tuple[Window, ...] = ()
    """Blocked windows, the same every day."""
    margins: Margins = Margins()


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class PlacedBreak:
    """A break placed on the time line."""

    index: int
    """Which break of the plan (0 is the first)."""
    start: int
    """Minute on the time line it starts (past 1439: the next day)."""
    end: int
    """Minute on the time line it ends (excluded)."""


@dataclass(frozen=True)
class Miss:
    """The first break due on a shift that cannot be placed, and what stands in its way."""

    index: int
    """Which break of the plan (0 is the first)."""
    count: int
    """How many breaks are due on the shift."""
    due: Break
    """The break that cannot be placed: its length and deadline."""
    deadline: int | None
    """Its deadline as a minute on the time line; none: it only has to fit in the shift."""
    earliest: int
    """The earliest minute it could start: past the edge margin, or past the break before it and the gap."""
    latest: int
    """The latest minute it could start, for the deadline and the edge margin (below ``earliest``: none)."""
    inside: Window | None
    """The blocked window the deadline falls in, if it does."""
    blocking: tuple[Window, ...]
    """Blocked windows from the first usable minute of the shift to the last start looked at, in time order."""
    fits_without_margins: bool
    """Whether every break would fit were there no margins: then the margins are what leave no room."""


@dataclass(frozen=True)
class ShiftPlacement:
    """Where the breaks go on one shift, or the first that cannot go anywhere."""

    start: int
    """Minute of the day the shift starts."""
    end: int
    """Minute on the time line it ends."""
    placed: tuple[PlacedBreak, ...]
    """The breaks placed, in order: all of them, or those before the miss."""
    miss: Miss | None
    """The first break that cannot be placed; none: every break fits."""
    run: tuple[int, int] | None = None
    """From ``place_stretches``: the stretch of work (start, end on the time line) longer than
    allowed; none: no such stretch."""

    @property
    def fits(self) -> bool:
        """Whether every break due on the shift is placed, and no stretch of work is too long."""
        return self.miss is None and self.run is None


# --------------------------------------------------------------------------- placing

_Block = tuple[int, int, Window]
"""A blocked window laid on the time line: start, end (excluded), and the window of the day."""


def place_breaks(plan: BreakPlan) -> tuple[ShiftPlacement, ...]:
    """Place the plan's breaks on the shift at each start; one result per start, in the plan's order."""
    blocks = _unroll(plan.windows)
    return tuple(_place_shift(plan, blocks, start) for start in plan.starts)


def _unroll(windows: Sequence[Window]) -> list[_Block]:
    blocks = [(w.start + day * DAY_MINUTES, w.end + day * DAY_MINUTES, w) for w in windows for day in (0, 1)]
    return sorted(blocks, key=lambda block: (block[0], block[1]))


def _earliest(blocks: Sequence[_Block], earliest: int, latest: int, length: int) -> int | None:
    """The earliest start in [earliest, latest] of a break of ``length`` that touches no block."""
    start = earliest
    while start <= latest:
        clash = [end for begin, end, _ in blocks if begin < start + length and start < end]
        if not clash:
            return start
        # Nothing starting before the last clashing window ends can fit: jump past it.
        start = max(clash)
    return None


def _latest(blocks: Sequence[_Block], earliest: int, latest: int, length: int) -> int | None:
    """The latest start in [earliest, latest] of a break of ``length`` that touches no block."""
    start = latest
    while start >= earliest:
        clash = [begin for begin, end, _ in blocks if begin < start + length and start < end]
        if not clash:
            return start
        # Nothing ending after the first clashing window begins can fit: jump before it.
        start = min(clash) - length
    return None


def _limit(due: Break, start: int) -> int | None:
    return start + due.deadline.minutes if due.deadline is not None else None


def _outside(window: Window) -> list[_Block]:
    """The time line outside a window of the day, on both days, as blocks."""
    spans = [(0, window.start), (window.end, DAY_MINUTES)]
    return [
        (begin + day * DAY_MINUTES, end + day * DAY_MINUTES, Window(begin, end))
        for begin, end in spans
        if begin < end
        for day in (0, 1)
    ]


def _range(due: Break, start: int, earliest: int, latest: int) -> tuple[int, int]:
    """The first and last minute the break may start at, with its schedule applied."""
    earliest = max(earliest, start + due.not_before)
    if due.not_after is not None:
        latest = min(latest, start + due.not_after)
    return earliest, latest


def _fill(
    blocks: Sequence[_Block], plan: BreakPlan, start: int, margins: Margins
) -> tuple[list[PlacedBreak], tuple[int, int, int] | None]:
    """Place the breaks in order, each as early as possible; the (index, earliest, latest) of the first miss."""
    end = start + plan.shift_minutes
    earliest = start + margins.edge
    placed: list[PlacedBreak] = []
    for index, due in enumerate(plan.breaks):
        latest = end - margins.edge - due.length
        limit = _limit(due, start)
        if due.deadline is not None and limit is not None:
            latest = min(latest, limit if due.deadline.kind == "start-by" else limit - due.length)
        low, latest = _range(due, start, earliest, latest)
        laid = [*blocks, *_outside(due.within)] if due.within is not None else blocks
        at = _earliest(laid, low, latest, due.length)
        if at is None:
            return placed, (index, low, latest)
        placed.append(PlacedBreak(index, at, at + due.length))
        earliest = at + due.length + margins.gap
    return placed, None


def _place_shift(plan: BreakPlan, blocks: Sequence[_Block], start: int) -> ShiftPlacement:
    placed, missed = _fill(blocks, plan, start, plan.margins)
    end = start + plan.shift_minutes
    if missed is None:
        return ShiftPlacement(start, end, tuple(placed), None)
    index, earliest, latest = missed
    due = plan.breaks[index]
    limit = _limit(due, start)
    inside: Window | None = None
    if due.deadline is not None and limit is not None:
        start_by = due.deadline.kind == "start-by"
        for begin, stop, window in blocks:
            if (begin <= limit < stop) if start_by else (begin < limit <= stop):
                inside = window
                break
    # Windows from the first usable minute on: for a later break, they are what pushed the earlier ones.
    high = max(earliest, latest) + due.length
    blocking: list[Window] = []
    for begin, stop, window in blocks:
        if begin < high and stop > start + plan.margins.edge and window not in blocking:
            blocking.append(window)
    margins = plan.margins
    loose = (margins.edge > 0 or margins.gap > 0) and _fill(blocks, plan, start, Margins())[1] is None
    miss = Miss(
        index=index,
        count=len(plan.breaks),
        due=due,
        deadline=limit,
        earliest=earliest,
        latest=latest,
        inside=inside,
        blocking=tuple(blocking),
        fits_without_margins=loose,
    )
    return ShiftPlacement(start, end, tuple(placed), miss)


# --------------------------------------------------------------------------- work in a row


@dataclass(frozen=True)
class Part:
    """One break a break rule gives on a shift, for ``place_stretches``."""

    length: int
    """Minutes the break lasts."""
    windows: tuple[Window, ...] = ()
    """The rule's blocked windows, the same every day."""


_MAX_ORDERS = 720
"""Orders of the parts tried (all of them for up to six parts)."""


def _stretches(
    parts: Sequence[tuple[int, list[_Block]]],
    order: Sequence[int],
    start: int,
    end: int,
    limit: int,
    margins: Margins,
) -> tuple[list[PlacedBreak], tuple[int, int] | None]:
    """Breaks placed as late as the limit allows, in ``order`` (a part that cannot go is skipped)."""
    begin, earliest = start, start + margins.edge
    placed: list[PlacedBreak] = []
    left = list(order)
    while end - begin > limit:
        for index in left:
            length, blocks = parts[index]
            at = _latest(blocks, earliest, min(begin + limit, end - margins.edge - length), length)
            if at is not None:
                placed.append(PlacedBreak(index, at, at + length))
                begin, earliest = at + length, at + length + margins.gap
                left.remove(index)
                break
        else:
            # The stretch runs on to the earliest break still possible, or to the shift end.
            stops = [end]
            for index in left:
                length, blocks = parts[index]
                at = _earliest(blocks, max(earliest, begin + limit + 1), end - margins.edge - length, length)
                if at is not None:
                    stops.append(at)
            return placed, (begin, min(stops))
    return placed, None


def place_stretches(
    starts: Sequence[int], shift_minutes: int, parts: Sequence[Part], limit: int, margins: Margins = Margins()
) -> tuple[ShiftPlacement, ...]:
    """Place the parts so that no stretch of work is longer than ``limit`` minutes, at each start.

    One result per start: the breaks placed (``PlacedBreak.index`` is the part's), and
    ``run``, the first stretch left longer than ``limit`` when no order of the parts avoids
    one (of the orders tried, the one that gets furthest into the shift); ``miss`` is none.
    """
    laid = [(part.length, _unroll(part.windows)) for part in parts]
    orders = list(itertools.islice(itertools.permutations(range(len(parts))), _MAX_ORDERS))
    results = []
    for start in starts:
        end = start + shift_minutes
        best: tuple[list[PlacedBreak], tuple[int, int]] | None = None
        for order in orders:
            placed, run = _stretches(laid, order, start, end, limit, margins)
            if run is None:
                results.append(ShiftPlacement(start, end, tuple(sorted(placed, key=lambda p: p.start)), None))
                break
            if best is None or (run[0], -run[1]) > (best[1][0], -best[1][1]):
                best = (placed, run)
        else:
            placed, run = best if best is not None else ([], (start, end))
            results.append(
                ShiftPlacement(start, end, tuple(sorted(placed, key=lambda p: p.start)), None, run)
            )
    return tuple(results)
