"""The wording of legal findings: named templates filled from structured placement results."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from policyweigh.law import wording
from policyweigh.law.placement import (
    Break,
    BreakPlan,
    Deadline,
    Margins,
    PlacedBreak,
    ShiftPlacement,
    Window,
    place_breaks,
)
from policyweigh.rulebook.guardrails import Threshold


def hm(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


MARGINS = Margins(30, 30)


def failed(
    *starts: str,
    breaks: tuple[Break, ...],
    windows: tuple[str, ...] = (),
    hours: float = 8,
    margins: Margins = MARGINS,
) -> list[ShiftPlacement]:
    """The shifts of a plan whose breaks do not fit, as the checker hands them to the wording."""
    blocked = tuple(Window(hm(w.split("-")[0]), hm(w.split("-")[1])) for w in windows)
    plan = BreakPlan(tuple(hm(s) for s in starts), round(hours * 60), breaks, blocked, margins)
    result = [shift for shift in place_breaks(plan) if not shift.fits]
    assert len(result) == len(starts), "every start should miss"
    return result


START_BY_6H = (Break(20, Deadline(360, "start-by")),)
END_BY_6H = (Break(20, Deadline(360, "end-by")),)
TWO_BY_2H_AND_4H = (Break(10, Deadline(120, "start-by")), Break(10, Deadline(240, "start-by")))
TWO_ANYWHERE = (Break(10), Break(10))
OVER_6 = Threshold(over_hours=6)


def timing(shifts: list[ShiftPlacement], hours: list[float | None], margins: Margins = MARGINS) -> str:
    return " | ".join(wording.timing_clauses(shifts, margins=margins, deadline_hours=hours))


def _missing(**changes: Any) -> str:
    """``wording.missing_clause`` for a Californian 8-hour day with one 10-minute rest and no meal,
    with ``changes`` to its arguments."""
    arguments: dict[str, Any] = {
        "reasons": [wording.not_counting_clause("kind", kind="rest", minutes=10, label="meal periods")],
        "label": "meal periods",
        "required": 30,
        "count": 1,
        "block": None,
        "applies": Threshold(over_hours=5),
        "shift_minutes": 480,
        "worked": 480,
        "starts": [480],
        "deadlines": [300],
        "kinds": ["start-by"],
    }
    return wording.missing_clause(**{**arguments, **changes})


# Every case: a finding's structured values in, the exact text out.
CASES: dict[str, tuple[Callable[[], str], str]] = {
    "deadline-inside-window-and-windows-before": (
        lambda: timing(failed("08:00", breaks=START_BY_6H, windows=("08:00-10:00", "10:00-14:30")), [6]),
        "the shift starting 08:00 reaches 6 hours at 14:00, inside the blocked window 10:00-14:30, "
        "and breaks are also blocked 08:00-10:00, so no 20-minute break can start by 14:00",
    ),
    "shifts-grouped-each-inside": (
        lambda: timing(failed("06:00", "08:00", breaks=START_BY_6H, windows=("06:00-14:30",)), [6]),
        "the shifts starting 06:00 and 08:00 reach 6 hours at 12:00 and 14:00, each inside a blocked "
        "window, and breaks are blocked 06:00-14:30, so no 20-minute break can start by then",
    ),
    "end-by-windows-before": (
        lambda: timing(failed("08:00", breaks=END_BY_6H, windows=("08:00-13:45",)), [6]),
        "the shift starting 08:00 reaches 6 hours at 14:00 and breaks are blocked 08:00-13:45, "
        "so no 20-minute break can end by 14:00",
    ),
    "second-break-late": (
        lambda: timing(
            failed("08:00", breaks=TWO_BY_2H_AND_4H, windows=("08:00-08:30", "08:40-12:30")), [2, 4]
        ),
        "the shift starting 08:00 reaches 4 hours at 12:00, inside the blocked window 08:40-12:30, "
        "so the second of two 10-minute breaks cannot start by 12:00",
    ),
    "second-break-late-on-two-shifts": (
        lambda: timing(failed("08:00", "08:10", breaks=TWO_BY_2H_AND_4H, windows=("09:00-12:30",)), [2, 4.0]),
        "the shifts starting 08:00 and 08:10 reach 4 hours at 12:00 and 12:10, each inside a blocked "
        "window, and breaks are blocked 09:00-12:30 (breaks in the first or last 30 minutes of a shift do "
        "not count, and breaks are at least 30 minutes apart), so the second of two 10-minute breaks cannot "
        "start by then",
    ),
    "law-figure-as-stated": (
        lambda: timing(failed("08:00", breaks=START_BY_6H, windows=("08:00-16:00",)), [5.999]),
        "the shift starting 08:00 reaches 5.999 hours at 14:00, inside the blocked window 08:00-16:00, "
        "so no 20-minute break can start by 14:00",
    ),
    "no-deadline-blocked": (
        lambda: timing(failed("09:00", breaks=(Break(30),), windows=("09:00-17:00",)), [None]),
        "breaks are blocked 09:00-17:00, so no 30-minute break fits in the shift from 09:00 to 17:00",
    ),
    "no-deadline-second-break-blocked-on-two-shifts": (
        lambda: timing(failed("09:00", "09:05", breaks=TWO_ANYWHERE, windows=("09:45-18:00",)), [None, None]),
        "breaks are blocked 09:45-18:00 (breaks in the first or last 30 minutes of a shift do not count, and "
        "breaks are at least 30 minutes apart), so the second of two 10-minute breaks does not fit in the "
        "shifts starting 09:00 and 09:05",
    ),
    "no-room-margins": (
        lambda: timing(failed("08:00", breaks=(Break(30),), hours=1), [None]),
        "the shift from 08:00 to 09:00 leaves no room for a 30-minute break "
        "(breaks in the first or last 30 minutes of a shift do not count)",
    ),
    "no-room-margins-and-gap-on-two-shifts": (
        lambda: timing(
            failed("08:00", "12:00", breaks=TWO_ANYWHERE, hours=1, margins=Margins(20, 25)),
            [None, None],
            Margins(20, 25),
        ),
        "the shifts starting 08:00 and 12:00 leave no room for the second of two 10-minute breaks "
        "(breaks in the first or last 20 minutes of a shift do not count, and breaks are at least "
        "25 minutes apart)",
    ),
    "starts-that-miss-differently-get-a-clause-each": (
        lambda: timing(failed("06:00", "10:00", breaks=END_BY_6H, windows=("06:00-15:45",)), [6]),
        "the shift starting 06:00 reaches 6 hours at 12:00, inside the blocked window 06:00-15:45, so no "
        "20-minute break can end by 12:00 | the shift starting 10:00 reaches 6 hours at 16:00 and breaks "
        "are blocked 06:00-15:45, so no 20-minute break can end by 16:00",
    ),
    "length-national": (
        lambda: wording.short_break_clause(
            "national", kind="rest", minutes=10, shift_minutes=480, required=15, applies=OVER_6
        ),
        "on shifts of 8 hours worked, rest breaks of 10 minutes are shorter than the 15 minutes assumed for the "
        "break due once working time is over 6 hours, a length left to national law",
    ),
    "length-split-total": (
        lambda: wording.short_break_clause(
            "split-total",
            kind="any",
            minutes=15,
            shift_minutes=361,
            required=30,
            applies=OVER_6,
            total=15,
            block=15,
        ),
        "on shifts of 6 hours 1 minute worked, breaks of 15 minutes count towards the 30 minutes required once working "
        "time is over 6 hours, but the policy's breaks add up to 15 minutes",
    ),
    "length-short": (
        lambda: wording.short_break_clause(
            "short", kind="lunch", minutes=15, shift_minutes=60, required=20, applies=OVER_6
        ),
        "on shifts of 1 hour worked, lunch breaks of 15 minutes are shorter than the 20 minutes required once working "
        "time is over 6 hours",
    ),
    "length-short-split": (
        lambda: wording.short_break_clause(
            "short-split",
            kind="lunch",
            minutes=10,
            shift_minutes=541,
            required=45,
            applies=Threshold(over_hours=9),
            block=15,
        ),
        "on shifts of 9 hours 1 minute worked, lunch breaks of 10 minutes are shorter than the 45 minutes required "
        "once working time is over 9 hours (which may be split into parts of at least 15 minutes)",
    ),
    "length-shortened": (
        lambda: wording.short_break_clause(
            "shortened",
            kind="lunch",
            minutes=20,
            shift_minutes=30,
            required=30,
            applies=Threshold(reaches_hours=1),
            shortened=20,
            note="by {agreement}",
        ),
        "on shifts of 30 minutes worked, lunch breaks of 20 minutes are shorter than the 30 minutes required once "
        "working time reaches 1 hour, and a shorter break of at least 20 minutes is lawful only by {agreement}",
    ),
    "length-shortened-paid": (
        lambda: wording.short_break_clause(
            "shortened-paid",
            kind="lunch",
            minutes=20,
            shift_minutes=480,
            required=60,
            applies=Threshold(over_hours=5, up_to_hours=9),
            shortened=20,
            note="where the worker is paid",
        ),
        "on shifts of 8 hours worked, lunch breaks of 20 minutes are shorter than the 60 minutes required for "
        "working time over 5 and up to 9 hours, and a shorter paid break of at least 20 minutes is lawful only "
        "where the worker is paid",
    ),
    "length-shortened-unpaid": (
        lambda: wording.short_break_clause(
            "shortened-unpaid",
            kind="lunch",
            minutes=20,
            shift_minutes=480,
            required=60,
            applies=Threshold(reaches_hours=3.5, up_to_hours=6),
            shortened=20,
        ),
        "on shifts of 8 hours worked, lunch breaks of 20 minutes are shorter than the 60 minutes required for "
        "working time of 3.5 up to 6 hours, and a shorter break must be paid",
    ),
    "every-shift": (lambda: wording.threshold_phrase(Threshold(over_hours=0)), "on every shift"),
    "unpaid": (
        lambda: wording.unpaid_clause(kind="rest", minutes=10, label="rest periods {paid}"),
        "rest breaks of 10 minutes are unpaid, but rest periods {paid} count as paid working time",
    ),
    "assumptions": (
        lambda: " | ".join(wording.assumption_clauses(shift_hours=7.5, shift_start="22:30")),
        "assuming 7.5-hour shifts, as the policy gives no shift_hours | "
        "assuming a shift starting 22:30, as the policy gives no shift_starts",
    ),
    "notes-assumed": (
        lambda: str(wording.notes(shift_hours=8.0, shift_start="09:00", starts_missing=False)),
        "assumed 8-hour shifts (no shift_hours given); assumed a shift starting 09:00 (no shift_starts given)",
    ),
    "notes-no-starts": (
        lambda: str(wording.notes(shift_hours=None, shift_start=None, starts_missing=True)),
        "break deadlines not checked (no shift_starts given)",
    ),
    "no-jurisdiction": (lambda: wording.NO_JURISDICTION, "no jurisdiction set: no legal verdict"),
    "no-pack": (lambda: wording.no_pack_note("ph"), "no guardrails for jurisdiction ph: no legal verdict"),
    "explanation": (
        lambda: wording.explanation(["a", "b {c}"], "Art. {4}"),
        "a; b {c} (Art. {4})",
    ),
    # ---- a missing break: why no rule counts, how long each start works, what is due by when
    "missing-kind-deadline-one-start": (
        lambda: _missing(),
        "no break of the policy counts as meal periods (rest breaks are not meal periods): the shift "
        "starting 08:00 works 8 hours with no break that counts, and 30 minutes are due starting by 13:00 "
        "once working time is over 5 hours",
    ),
    "missing-split-end-by-several-starts": (
        lambda: _missing(
            reasons=[
                wording.not_counting_clause(
                    "too-short", kind="rest", minutes=10, label="rest breaks", part=15
                )
            ]
            * 2,
            label="rest breaks",
            block=15,
            applies=Threshold(over_hours=6, up_to_hours=9),
            shift_minutes=500,
            starts=[480, 540],
            deadlines=[360],
            kinds=["end-by"],
        ),
        "no break of the policy counts as rest breaks (rest breaks of 10 minutes are shorter than the 15 "
        "uninterrupted minutes that count): the shifts starting 08:00 and 09:00 work 8 hours (8 hours 20 "
        "minutes with its breaks) with no break that counts, and 30 minutes are due (in parts of at least "
        "15 minutes, the first ending by 14:00 and 15:00 respectively) for working time over 6 and up to 9 hours",
    ),
    "missing-several-no-deadline-no-start": (
        lambda: _missing(
            reasons=[
                wording.not_counting_clause("unpaid", kind="any", minutes=20, label="rest periods"),
                wording.not_counting_clause("length-range", kind="rest", minutes=30, label="coffee breaks"),
            ],
            label="rest periods",
            required=10,
            count=2,
            applies=Threshold(reaches_hours=3.5),
            starts=[],
            deadlines=[None, None],
            kinds=[None, None],
        ),
        "no break of the policy counts as rest periods (breaks of 20 minutes count as rest periods only "
        "when paid and rest breaks of 30 minutes are not coffee breaks): a shift works 8 hours with no "
        "break that counts, and two breaks of 10 minutes are due within the shift once working time "
        "reaches 3.5 hours",
    ),
    "missing-split-no-deadline": (
        lambda: _missing(
            reasons=[wording.not_counting_clause("kind", kind="lunch", minutes=10, label="breaks")],
            label="breaks",
            block=15,
            applies=Threshold(over_hours=6),
            deadlines=[None],
            kinds=[None],
        ),
        "no break of the policy counts as breaks (lunch breaks are not breaks): the shift starting 08:00 "
        "works 8 hours with no break that counts, and 30 minutes are due (in parts of at least 15 "
        "minutes) within the shift once working time is over 6 hours",
    ),
    "missing-deadline-in-hours-worked": (
        lambda: _missing(starts=[]),
        "no break of the policy counts as meal periods (rest breaks are not meal periods): a shift works "
        "8 hours with no break that counts, and 30 minutes are due starting within 5 hours of work once "
        "working time is over 5 hours",
    ),
    # ---- work in a row
    "run-one-break-blocked": (
        lambda: wording.run_clause(
            ShiftPlacement(480, 960, (PlacedBreak(0, 570, 600),), None, (600, 961)),
            windows=[Window(480, 570), Window(600, 960)],
            limit=360,
        ),
        "on the shift starting 08:00, the break can be taken at 09:30-10:00 at the latest (breaks are "
        "blocked 08:00-09:30 and 10:00-16:00), which leaves 6 hours 1 minute of work in a row from 10:00 "
        "to 16:01, more than the 6 hours allowed",
    ),
    "run-several-breaks": (
        lambda: wording.run_clause(
            ShiftPlacement(480, 960, (PlacedBreak(0, 525, 540), PlacedBreak(1, 900, 915)), None, (540, 900)),
            windows=[],
            limit=300,
        ),
        "on the shift starting 08:00, the breaks can be taken at 08:45-09:00 and 15:00-15:15 at the latest, "
        "which leaves 6 hours of work in a row from 09:00 to 15:00, more than the 5 hours allowed",
    ),
    "run-no-break": (
        lambda: wording.run_clause(
            ShiftPlacement(510, 990, (), None, (510, 900)), windows=[Window(510, 900)], limit=360
        ),
        "on the shift starting 08:30, no break that counts can be taken before 15:00 (breaks are blocked "
        "08:30-15:00), which leaves 6 hours 30 minutes of work in a row from 08:30 to 15:00, more than "
        "the 6 hours allowed",
    ),
    # ---- schedules, windows of the day, waivers (issue 12)
    "schedule-window-of-the-day": (
        lambda: timing(
            failed(
                "09:00",
                breaks=(Break(30, within=Window(hm("11:00"), hm("14:00"))),),
                windows=("10:00-15:00",),
            ),
            [None],
        ),
        "the shift from 09:00 to 17:00 leaves no room for a 30-minute break between 11:00 and 14:00 "
        "and breaks are blocked 10:00-15:00",
    ),
    "schedule-earliest-and-deadline": (
        lambda: timing(
            failed(
                "08:00",
                "09:00",
                breaks=(Break(30, Deadline(300, "start-by"), not_before=120),),
                windows=("10:00-15:00",),
            ),
            [5],
        ),
        "the shifts starting 08:00 and 09:00 leave no room for a 30-minute break starting between "
        "10:00 and 13:00 and breaks are blocked 10:00-15:00",
    ),
    "schedule-policy-latest": (
        lambda: timing(
            failed("08:00", breaks=(Break(15, not_after=120),), windows=("08:30-12:00",)),
            [None],
        ),
        "the shift from 08:00 to 16:00 leaves no room for a 15-minute break starting between 08:00 and "
        "10:00 and breaks are blocked 08:30-12:00 (breaks in the first or last 30 minutes of a shift do "
        "not count)",
    ),
    "schedule-too-late-for-the-deadline": (
        lambda: timing(failed("08:00", breaks=(Break(30, Deadline(300, "start-by"), not_before=330),)), [5]),
        "the shift from 08:00 to 16:00 leaves no room for a 30-minute break starting by 13:00: the "
        "schedule lets it start no earlier than 13:30",
    ),
    "missing-inside-a-window": (
        lambda: _missing(deadlines=[None], kinds=[None], inside=Window(hm("11:00"), hm("14:00"))),
        "no break of the policy counts as meal periods (rest breaks are not meal periods): the shift "
        "starting 08:00 works 8 hours with no break that counts, and 30 minutes are due between 11:00 "
        "and 14:00 once working time is over 5 hours",
    ),
    "note-not-in-force": (
        lambda: wording.not_in_force_note("de", "1990-01-01"),
        "no guardrail of jurisdiction de was in force on 1990-01-01: no legal verdict",
    ),
    "count-short": (
        lambda: wording.count_clause(
            kind="rest", given=1, due=2, label="rest periods", applies=Threshold(reaches_hours=3.5)
        ),
        "rest breaks give one a shift, but two rest periods are due once working time reaches 3.5 hours",
    ),
    "waiver-beyond-its-conditions": (
        lambda: wording.waiver_clause(label="meal periods", worked=450, up_to_hours=6),
        "the policy lets staff waive meal periods by mutual consent, but the law allows that only for "
        "working time of at most 6 hours, and these shifts work 7 hours 30 minutes",
    ),
    "waiver-the-law-does-not-know": (
        lambda: wording.waiver_clause(label="rest breaks", worked=480, up_to_hours=None),
        "the policy lets staff waive rest breaks by mutual consent, which the law does not provide "
        "for: they stay due",
    ),
}


@pytest.mark.parametrize(("make", "expected"), CASES.values(), ids=CASES.keys())
def test_wording(make: Callable[[], str], expected: str) -> None:
    assert make() == expected


def test_every_template_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    used: set[str] = set()
    fill = wording._fill

    def spy(name: str, **values: object) -> str:
        used.add(name)
        return fill(name, **values)

    monkeypatch.setattr(wording, "_fill", spy)
    for make, _ in CASES.values():
        make()
    # Read without filling: the constant is the template itself.
    used.add("note.no-jurisdiction")
    assert sorted(set(wording.TEMPLATES) - used) == []


def test_notes_say_nothing_when_nothing_was_assumed() -> None:
    assert wording.notes(shift_hours=None, shift_start=None, starts_missing=False) is None


@pytest.mark.parametrize(
    ("minutes", "text"),
    [(1, "1 minute"), (30, "30 minutes"), (60, "1 hour"), (61, "1 hour 1 minute"), (480, "8 hours")],
)
def test_duration(minutes: int, text: str) -> None:
    assert wording.duration(minutes) == text


@pytest.mark.parametrize(
    ("items", "text"), [([], ""), (["a"], "a"), (["a", "b"], "a and b"), (["a", "b", "c"], "a, b and c")]
)
def test_join(items: list[str], text: str) -> None:
    assert wording.join(items) == text


def test_timing_clauses_refuse_a_shift_that_fits() -> None:
    plan = BreakPlan((hm("08:00"),), 480, START_BY_6H)
    with pytest.raises(ValueError, match="do not fit"):
        wording.timing_clauses(place_breaks(plan), margins=Margins(), deadline_hours=[6])
