"""Break placement as a pure function: placements at exact minutes, misses and what blocks them, no text."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policyweigh.law.placement import (
    DAY_MINUTES,
    Break,
    BreakPlan,
    Deadline,
    Margins,
    Miss,
    PlacedBreak,
    ShiftPlacement,
    Window,
    place_breaks,
)


def hm(text: str) -> int:
    """Minutes of the day of "HH:MM"."""
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def win(text: str) -> Window:
    """A blocked window from "HH:MM-HH:MM"."""
    start, end = text.split("-")
    return Window(hm(start), hm(end))


def plan(
    *starts: str,
    hours: float = 8,
    breaks: tuple[Break, ...] = (Break(20, Deadline(360, "start-by")),),
    windows: tuple[str, ...] = (),
    margin: int = 30,
) -> BreakPlan:
    return BreakPlan(
        starts=tuple(hm(s) for s in starts),
        shift_minutes=round(hours * 60),
        breaks=breaks,
        windows=tuple(win(w) for w in windows),
        margins=Margins(edge=margin, gap=margin),
    )


def only(result: tuple[ShiftPlacement, ...]) -> ShiftPlacement:
    (shift,) = result
    return shift


def missed(shift: ShiftPlacement) -> Miss:
    assert shift.miss is not None, shift
    assert not shift.fits
    return shift.miss


# --------------------------------------------------------------------------- placements at exact minutes


def test_break_goes_right_after_the_edge_margin() -> None:
    shift = only(place_breaks(plan("08:00")))
    assert shift.fits
    assert (shift.start, shift.end) == (hm("08:00"), hm("16:00"))
    assert shift.placed == (PlacedBreak(0, hm("08:30"), hm("08:50")),)


def test_break_may_end_where_a_window_starts() -> None:
    shift = only(place_breaks(plan("08:00", windows=("08:50-12:00",))))
    assert shift.placed == (PlacedBreak(0, hm("08:30"), hm("08:50")),)


def test_break_may_start_where_a_window_ends() -> None:
    shift = only(place_breaks(plan("08:00", windows=("08:49-12:00",))))
    assert shift.placed == (PlacedBreak(0, hm("12:00"), hm("12:20")),)


def test_start_by_deadline_minute_itself_is_in_time() -> None:
    # 08:00 + 6 h is 14:00: a window up to 14:00 leaves the break its deadline minute.
    shift = only(place_breaks(plan("08:00", windows=("08:00-14:00",))))
    assert shift.placed == (PlacedBreak(0, hm("14:00"), hm("14:20")),)


def test_end_by_deadline_counts_the_break_end() -> None:
    end_by = (Break(20, Deadline(360, "end-by")),)
    fits = only(place_breaks(plan("08:00", breaks=end_by, windows=("08:00-13:40",))))
    assert fits.placed == (PlacedBreak(0, hm("13:40"), hm("14:00")),)
    late = missed(only(place_breaks(plan("08:00", breaks=end_by, windows=("08:00-13:41",)))))
    assert late.deadline == hm("14:00")
    assert late.latest == hm("13:40")
    assert late.inside is None
    assert late.blocking == (win("08:00-13:41"),)


def test_end_by_deadline_falls_inside_a_window_that_ends_on_it() -> None:
    end_by = (Break(20, Deadline(360, "end-by")),)
    miss = missed(only(place_breaks(plan("08:00", breaks=end_by, windows=("08:30-14:00",)))))
    assert miss.deadline == hm("14:00")
    assert miss.inside == win("08:30-14:00")


def test_several_breaks_keep_the_gap_in_order() -> None:
    three = (Break(10), Break(10), Break(10))
    shift = only(place_breaks(plan("08:00", breaks=three)))
    assert shift.placed == (
        PlacedBreak(0, hm("08:30"), hm("08:40")),
        PlacedBreak(1, hm("09:10"), hm("09:20")),
        PlacedBreak(2, hm("09:50"), hm("10:00")),
    )


def test_margins_are_separate_for_edges_and_gaps() -> None:
    two = (Break(10), Break(10))
    loose = dataclasses.replace(plan("08:00", breaks=two), margins=Margins(edge=5, gap=60))
    assert only(place_breaks(loose)).placed == (
        PlacedBreak(0, hm("08:05"), hm("08:15")),
        PlacedBreak(1, hm("09:15"), hm("09:25")),
    )


def test_one_result_per_start_in_the_plan_order() -> None:
    result = place_breaks(plan("13:00", "06:00", windows=("06:00-12:01",)))
    assert [(shift.start, shift.fits) for shift in result] == [(hm("13:00"), True), (hm("06:00"), False)]


def test_no_break_due_always_fits() -> None:
    shift = only(place_breaks(plan("08:00", breaks=(), windows=("00:00-23:59",))))
    assert shift == ShiftPlacement(hm("08:00"), hm("16:00"), (), None)


# --------------------------------------------------------------------------- misses


def test_miss_names_the_deadline_and_the_window_it_falls_in() -> None:
    miss = missed(only(place_breaks(plan("08:00", windows=("07:00-14:01", "15:00-15:30")))))
    assert miss.index == 0
    assert miss.count == 1
    assert miss.due == Break(20, Deadline(360, "start-by"))
    assert miss.deadline == hm("14:00")
    assert (miss.earliest, miss.latest) == (hm("08:30"), hm("14:00"))
    assert miss.inside == win("07:00-14:01")
    # Only windows up to the last start looked at block it; 15:00 is past the deadline.
    assert miss.blocking == (win("07:00-14:01"),)
    assert not miss.fits_without_margins


def test_miss_lists_every_window_in_the_way_in_time_order() -> None:
    windows = ("12:00-14:30", "08:00-11:50", "11:55-12:00")
    miss = missed(only(place_breaks(plan("08:00", windows=windows))))
    assert miss.inside == win("12:00-14:30")
    assert miss.blocking == (win("08:00-11:50"), win("11:55-12:00"), win("12:00-14:30"))


def test_window_before_the_edge_margin_is_not_in_the_way() -> None:
    windows = ("07:00-08:30", "08:30-14:30")
    miss = missed(only(place_breaks(plan("08:00", windows=windows))))
    assert miss.blocking == (win("08:30-14:30"),)


def test_miss_without_deadline_when_the_shift_is_blocked() -> None:
    anywhere = (Break(30),)
    miss = missed(only(place_breaks(plan("09:00", breaks=anywhere, windows=("09:00-17:00",)))))
    assert miss.deadline is None
    assert miss.inside is None
    assert (miss.earliest, miss.latest) == (hm("09:30"), hm("16:00"))
    assert miss.blocking == (win("09:00-17:00"),)


def test_second_break_missed_keeps_the_first_placed() -> None:
    two = (Break(10, Deadline(120, "start-by")), Break(10, Deadline(240, "start-by")))
    shift = only(place_breaks(plan("08:00", breaks=two, windows=("09:00-12:30",))))
    assert shift.placed == (PlacedBreak(0, hm("08:30"), hm("08:40")),)
    miss = missed(shift)
    assert (miss.index, miss.count, miss.deadline) == (1, 2, hm("12:00"))
    assert miss.earliest == hm("09:10")
    assert miss.inside == win("09:00-12:30")


def test_miss_that_only_the_margins_cause() -> None:
    short = (Break(30),)
    miss = missed(only(place_breaks(plan("08:00", hours=1, breaks=short))))
    assert miss.fits_without_margins
    assert miss.blocking == ()


def test_miss_with_no_margins_is_never_put_down_to_them() -> None:
    blocked = plan("08:00", breaks=(Break(30),), windows=("08:00-16:00",), margin=0)
    assert not missed(only(place_breaks(blocked))).fits_without_margins


def test_deadline_past_the_shift_end_is_held_to_the_shift() -> None:
    late = (Break(20, Deadline(600, "start-by")),)
    miss = missed(only(place_breaks(plan("08:00", hours=4, breaks=late, windows=("08:00-11:20",)))))
    assert miss.deadline == hm("18:00")
    assert miss.latest == hm("11:10")
    assert miss.inside is None


# --------------------------------------------------------------------------- midnight


def test_night_shift_places_the_break_after_midnight_on_the_unrolled_line() -> None:
    night = plan(
        "22:00", breaks=(Break(30, Deadline(360, "start-by")),), windows=("22:00-23:59", "00:00-03:00")
    )
    shift = only(place_breaks(night))
    assert (shift.start, shift.end) == (hm("22:00"), DAY_MINUTES + hm("06:00"))
    assert shift.placed == (PlacedBreak(0, DAY_MINUTES + hm("03:00"), DAY_MINUTES + hm("03:30")),)


def test_night_shift_miss_names_the_next_day_deadline_and_window() -> None:
    night = plan(
        "22:00", breaks=(Break(30, Deadline(360, "start-by")),), windows=("22:00-23:59", "00:00-04:01")
    )
    miss = missed(only(place_breaks(night)))
    assert miss.deadline == DAY_MINUTES + hm("04:00")
    assert miss.inside == win("00:00-04:01")
    # The same window of the day the shift starts is before the shift: it does not block.
    assert miss.blocking == (win("22:00-23:59"), win("00:00-04:01"))


def test_window_laid_on_both_days_is_named_once() -> None:
    two = (Break(30), Break(30))
    shift = only(place_breaks(plan("12:00", hours=24, breaks=two, windows=("00:00-23:00",))))
    assert shift.placed == (PlacedBreak(0, hm("23:00"), hm("23:30")),)
    miss = missed(shift)
    assert (miss.index, miss.earliest) == (1, DAY_MINUTES)
    assert miss.blocking == (win("00:00-23:00"),)


# --------------------------------------------------------------------------- pure and exact


def test_inputs_and_results_are_frozen() -> None:
    result = only(place_breaks(plan("08:00")))
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.placed[0].start = 0  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        Margins().edge = 1  # type: ignore[misc]


@pytest.mark.parametrize(("start", "end"), [(600, 600), (600, 540), (-1, 60), (1380, 1441)])
def test_window_must_lie_within_one_day(start: int, end: int) -> None:
    with pytest.raises(ValueError, match="within one day"):
        Window(start, end)


def test_break_must_last() -> None:
    with pytest.raises(ValueError, match="at least one minute"):
        Break(0)


def _feasible(plan: BreakPlan, start: int) -> bool:
    """Whether the breaks fit at ``start``, by trying every minute rather than jumping past windows.

    Each break takes the earliest minute it can: that leaves the most room for the next, so
    the breaks fit at all exactly when they fit this way.
    """
    blocks = [(w.start + d * DAY_MINUTES, w.end + d * DAY_MINUTES) for w in plan.windows for d in (0, 1)]
    end = start + plan.shift_minutes
    edge, gap = plan.margins.edge, plan.margins.gap
    earliest_end: int | None = None
    for due in plan.breaks:
        low = start + edge if earliest_end is None else earliest_end + gap
        high = end - edge - due.length
        if due.deadline is not None:
            limit = start + due.deadline.minutes
            high = min(high, limit if due.deadline.kind == "start-by" else limit - due.length)
        starts = [
            s for s in range(low, high + 1) if all(not (b < s + due.length and s < e) for b, e in blocks)
        ]
        if not starts:
            return False
        earliest_end = min(starts) + due.length
    return True


windows_strategy = st.lists(
    st.tuples(st.integers(0, DAY_MINUTES - 2), st.integers(1, 300)).map(
        lambda pair: Window(pair[0], min(pair[0] + pair[1], DAY_MINUTES - 1))
    ),
    max_size=4,
)
breaks_strategy = st.lists(
    st.builds(
        Break,
        st.integers(1, 60),
        st.none() | st.builds(Deadline, st.integers(1, 12 * 60), st.sampled_from(["start-by", "end-by"])),
    ),
    min_size=1,
    max_size=3,
)


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(
    start=st.integers(0, DAY_MINUTES - 1),
    shift_minutes=st.integers(30, 12 * 60),
    windows=windows_strategy,
    breaks=breaks_strategy,
    edge=st.integers(0, 60),
    gap=st.integers(0, 60),
)
def test_placement_is_found_whenever_one_exists_and_keeps_every_rule(
    start: int, shift_minutes: int, windows: list[Window], breaks: list[Break], edge: int, gap: int
) -> None:
    checked = BreakPlan((start,), shift_minutes, tuple(breaks), tuple(windows), Margins(edge, gap))
    shift = only(place_breaks(checked))
    assert shift.fits is _feasible(checked, start)
    previous_end: int | None = None
    for placed, due in zip(shift.placed, checked.breaks, strict=False):
        assert placed.end - placed.start == due.length
        assert placed.start >= (start + edge if previous_end is None else previous_end + gap)
        assert placed.end <= shift.end - edge
        for w in windows:
            for day in (0, 1):
                assert not (
                    w.start + day * DAY_MINUTES < placed.end and placed.start < w.end + day * DAY_MINUTES
                )
        if due.deadline is not None:
            at = placed.start if due.deadline.kind == "start-by" else placed.end
            assert at <= start + due.deadline.minutes
        previous_end = placed.end
    if shift.miss is not None:
        assert len(shift.placed) == shift.miss.index
        assert shift.miss.due == checked.breaks[shift.miss.index]
        assert shift.miss.fits_without_margins is (
            (edge > 0 or gap > 0) and _feasible(dataclasses.replace(checked, margins=Margins()), start)
        )
    else:
        assert len(shift.placed) == len(breaks)
