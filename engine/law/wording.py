"""The wording of legal findings: named sentence templates, filled from structured results.

Every sentence and every piece of one that a guardrail conflict or note says is
a ``str.format`` template in ``TEMPLATES``, under a name; the functions below
choose the template and fill it with the values of a finding (minutes, shift
starts, blocked windows, the law's figures), never the other way round. Values
are inserted, not parsed, so a brace in a pack's label or note is printed as is.

Explanations name the values (shift start, deadline, blocked windows, minutes)
and end with the article. The timing clauses of one break rule and requirement
group the shift starts that miss the same way into one sentence.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Literal, Protocol

from policyweigh.law.placement import DeadlineKind, Margins, Miss, ShiftPlacement, Window
from policyweigh.policy import format_minutes

__all__ = [
    "NO_JURISDICTION",
    "TEMPLATES",
    "ShiftCondition",
    "NotCounting",
    "ShortCase",
    "assumption_clauses",
    "count_clause",
    "duration",
    "explanation",
    "hours",
    "join",
    "missing_clause",
    "no_pack_note",
    "not_in_force_note",
    "not_counting_clause",
    "notes",
    "run_clause",
    "short_break_clause",
    "threshold_phrase",
    "timing_clauses",
    "unpaid_clause",
    "waiver_clause",
    "window",
]

TEMPLATES: Mapping[str, str] = MappingProxyType(
    {
        # ---- quantities and lists
        "hours.one": "1 hour",
        "hours.many": "{hours:g} hours",
        "duration.hour": "1 hour",
        "duration.hours": "{hours} hours",
        "duration.minute": "1 minute",
        "duration.minutes": "{minutes} minutes",
        "list.last": "{init} and {last}",
        "window": "{start}-{end}",
        # ---- shift lengths a requirement applies to
        "threshold.every-shift": "on every shift",
        "threshold.over": "once working time is over {hours}",
        "threshold.reaches": "once working time reaches {hours}",
        "threshold.over-up-to": "for working time over {low:g} and up to {high}",
        "threshold.reaches-up-to": "for working time of {low:g} up to {high}",
        # ---- a break rule shorter than the law's minimum
        "length.on": "on shifts of {shift} worked, {kinds} of {minutes} minutes",
        "length.national": (
            "{on} are shorter than the {required} minutes assumed for the break due {when}, "
            "a length left to national law"
        ),
        "length.split-total": (
            "{on} count towards the {required} minutes required {when}, "
            "but the policy's breaks add up to {total} minutes"
        ),
        "length.short": "{on} are shorter than the {required} minutes required {when}",
        "length.short-split": (
            "{on} are shorter than the {required} minutes required {when} "
            "(which may be split into parts of at least {block} minutes)"
        ),
        "length.shortened": (
            "{on} are shorter than the {required} minutes required {when}, "
            "and a shorter break of at least {shortened} minutes is lawful only {note}"
        ),
        "length.shortened-paid": (
            "{on} are shorter than the {required} minutes required {when}, "
            "and a shorter paid break of at least {shortened} minutes is lawful only {note}"
        ),
        "length.shortened-unpaid": (
            "{on} are shorter than the {required} minutes required {when}, and a shorter break must be paid"
        ),
        # ---- pay
        "pay.unpaid": "{kinds} of {minutes} minutes are unpaid, but {label} count as paid working time",
        # ---- timing: the break looked for
        "break.one": "no {length}-minute break",
        "break.nth": "the {ordinal} of {count} {length}-minute breaks",
        "break.room": "a {length}-minute break",
        "margin.edges": " (breaks in the first or last {edge} minutes of a shift do not count)",
        "margin.edges-gap": (
            " (breaks in the first or last {edge} minutes of a shift do not count, "
            "and breaks are at least {gap} minutes apart)"
        ),
        # ---- timing: a deadline that cannot be met
        "blocked.inside": ", inside the blocked window {window}",
        "blocked.inside-also": ", and breaks are also blocked {windows}",
        "blocked.each-inside": ", each inside a blocked window",
        "blocked.each-inside-and": ", and breaks are blocked {windows}",
        "blocked.before": " and breaks are blocked {windows}",
        "timing.deadline.shift.one": (
            "the shift starting {start} reaches {hours} at {deadline}{blocked}{note}, "
            "so {breaks} can {verb} by {deadline}"
        ),
        "timing.deadline.shift.several": (
            "the shift starting {start} reaches {hours} at {deadline}{blocked}{note}, "
            "so {breaks} cannot {verb} by {deadline}"
        ),
        "timing.deadline.shifts.one": (
            "the shifts starting {starts} reach {hours} at {deadlines}{blocked}{note}, "
            "so {breaks} can {verb} by then"
        ),
        "timing.deadline.shifts.several": (
            "the shifts starting {starts} reach {hours} at {deadlines}{blocked}{note}, "
            "so {breaks} cannot {verb} by then"
        ),
        # ---- timing: no room anywhere in the shift
        "fit.shift": "the shift from {start} to {end}",
        "fit.shifts": "the shifts starting {starts}",
        "timing.blocked.one": "breaks are blocked {windows}{note}, so {breaks} fits in {fit}",
        "timing.blocked.several": "breaks are blocked {windows}{note}, so {breaks} does not fit in {fit}",
        "timing.no-room.shift": "{fit} leaves no room for {room}{note}",
        "timing.no-room.shifts": "{fit} leave no room for {room}{note}",
        # ---- a break the law requires that no break rule of the policy gives
        "missing.kind": "{kinds} are not {label}",
        "missing.unpaid": "{kinds} of {minutes} minutes count as {label} only when paid",
        "missing.too-short": (
            "{kinds} of {minutes} minutes are shorter than the {part} uninterrupted minutes that count"
        ),
        "missing.length-range": "{kinds} of {minutes} minutes are not {label}",
        "missing.due.one": "{minutes} minutes are due",
        "missing.due.split": "{minutes} minutes are due (in parts of at least {block} minutes, the first",
        "missing.due.several": "{count} breaks of {minutes} minutes are due",
        "missing.by.shift": "{due} {verb} by {deadlines}{close}",
        "missing.by.shifts": "{due} {verb} by {deadlines} respectively{close}",
        "missing.by.worked": "{due} {verb} within {hours} of work{close}",
        "missing.within": "{due}{close} within the shift",
        "missing.start.one": "the shift starting {starts} works {worked} with no break that counts",
        "missing.start.several": "the shifts starting {starts} work {worked} with no break that counts",
        "missing.start.none": "a shift works {worked} with no break that counts",
        "missing.worked": "{worked} ({shift} with its breaks)",
        "missing": "no break of the policy counts as {label} ({reasons}): {start}, and {due} {when}",
        "due.verb.start-by": "starting",
        "due.verb.end-by": "ending",
        # ---- a schedule that gives fewer breaks than are due
        "count": "{kinds} give {given} a shift, but {due} {label} are due {when}",
        # ---- waivers
        "waiver.conditions": (
            "the policy lets staff waive {label} by mutual consent, but the law allows that only "
            "for working time of at most {hours}, and these shifts work {worked}"
        ),
        "waiver.none": (
            "the policy lets staff waive {label} by mutual consent, which the law does not provide "
            "for: they stay due"
        ),
        # ---- timing: a schedule or a window of the day that leaves no room
        "timing.schedule.shift": "{fit} leaves no room for {room} {where}{blocked}{note}",
        "timing.schedule.shifts": "{fit} leave no room for {room} {where}{blocked}{note}",
        "where.within": "between {start} and {end}",
        "where.starting": "starting between {start} and {end}",
        "where.too-late": "starting by {end}: the schedule lets it start no earlier than {start}",
        "missing.inside": "{due}{close} between {start} and {end}",
        # ---- work in a row
        "run": (
            "on the shift starting {start}, {breaks} at {at} at the latest{blocked}, which leaves "
            "{stretch} of work in a row from {begin} to {end}, more than the {limit} allowed"
        ),
        "run.none": (
            "on the shift starting {start}, no break that counts can be taken before {end}{blocked}, "
            "which leaves {stretch} of work in a row from {begin} to {end}, more than the {limit} allowed"
        ),
        "run.blocked": " (breaks are blocked {windows})",
        "run.break.one": "the break can be taken",
        "run.break.several": "the breaks can be taken",
        # ---- what was assumed, and verdicts not given
        "assuming.hours": "assuming {hours:g}-hour shifts, as the policy gives no shift_hours",
        "assuming.start": "assuming a shift starting {start}, as the policy gives no shift_starts",
        "note.assumed-hours": "assumed {hours:g}-hour shifts (no shift_hours given)",
        "note.assumed-start": "assumed a shift starting {start} (no shift_starts given)",
        "note.no-starts": "break deadlines not checked (no shift_starts given)",
        "note.no-jurisdiction": "no jurisdiction set: no legal verdict",
        "note.no-pack": "no guardrails for jurisdiction {jurisdiction}: no legal verdict",
        "note.not-in-force": (
            "no guardrail of jurisdiction {jurisdiction} was in force on {day}: no legal verdict"
        ),
        # ---- the whole explanation
        "explanation": "{clauses} ({citation})",
    }
)
"""Every template, by name."""

_SEPARATOR = "; "
"""Between the clauses of one explanation, and between the notes of one report."""
_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")
_NUMBERS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight")
_KINDS: Mapping[str, str] = MappingProxyType(
    {"lunch": "lunch breaks", "rest": "rest breaks", "any": "breaks"}
)
_VERBS: Mapping[DeadlineKind, str] = MappingProxyType({"start-by": "start", "end-by": "end"})

NO_JURISDICTION = TEMPLATES["note.no-jurisdiction"]
"""The report's note for a policy without ``jurisdiction``."""

ShortCase = Literal[
    "national", "split-total", "short", "short-split", "shortened", "shortened-paid", "shortened-unpaid"
]
"""How a break rule falls short of the law's minimum, each case a ``length.*`` template."""


class ShiftCondition(Protocol):
    """A shift-length condition, as a guardrail pack states it (``Threshold``)."""

    @property
    def over_hours(self) -> float | None: ...

    @property
    def reaches_hours(self) -> float | None: ...

    @property
    def up_to_hours(self) -> float | None: ...


def _fill(name: str, **values: object) -> str:
    return TEMPLATES[name].format(**values)


# --------------------------------------------------------------------------- pieces


def join(items: Sequence[str]) -> str:
    """Join words the way a sentence lists them: a; a and b; a, b and c."""
    if len(items) <= 1:
        return "".join(items)
    return _fill("list.last", init=", ".join(items[:-1]), last=items[-1])


def hours(value: float) -> str:
    """A law's figure in hours: "1 hour", "6 hours", "4.5 hours"."""
    return _fill("hours.one") if value == 1 else _fill("hours.many", hours=value)


def duration(minutes: int) -> str:
    """480 gives "8 hours", 361 "6 hours 1 minute", 30 "30 minutes"."""
    whole, rest = divmod(minutes, 60)
    parts = []
    if whole:
        parts.append(_fill("duration.hour") if whole == 1 else _fill("duration.hours", hours=whole))
    if rest or not whole:
        parts.append(_fill("duration.minute") if rest == 1 else _fill("duration.minutes", minutes=rest))
    return " ".join(parts)


def window(value: Window) -> str:
    """A blocked window as the policy writes it: "10:00-12:00"."""
    return _fill("window", start=format_minutes(value.start), end=format_minutes(value.end))


def threshold_phrase(condition: ShiftCondition) -> str:
    """The condition in words: "once working time is over 6 hours"."""
    over, reaches, up_to = condition.over_hours, condition.reaches_hours, condition.up_to_hours
    if up_to is not None:
        if over is not None:
            return _fill("threshold.over-up-to", low=over, high=hours(up_to))
        return _fill("threshold.reaches-up-to", low=reaches, high=hours(up_to))
    if over is not None:
        return _fill("threshold.every-shift") if over == 0 else _fill("threshold.over", hours=hours(over))
    return _fill("threshold.reaches", hours=hours(reaches or 0))


# --------------------------------------------------------------------------- length and pay


def short_break_clause(
    case: ShortCase,
    *,
    kind: str,
    minutes: int,
    shift_minutes: int,
    required: int,
    applies: ShiftCondition,
    total: int = 0,
    block: int | None = None,
    shortened: int | None = None,
    note: str | None = None,
) -> str:
    """A break rule of ``kind`` and ``minutes`` on shifts of ``shift_minutes``, short of ``required``.

    ``total`` is what the policy's breaks add up to (case ``split-total``), ``block`` the
    shortest part where the law allows splitting, ``shortened`` and ``note`` the shorter
    break the law allows in some cases and when.
    """
    on = _fill("length.on", shift=duration(shift_minutes), kinds=_KINDS[kind], minutes=minutes)
    return _fill(
        f"length.{case}",
        on=on,
        required=required,
        when=threshold_phrase(applies),
        total=total,
        block=block,
        shortened=shortened,
        note=note,
    )


def unpaid_clause(*, kind: str, minutes: int, label: str) -> str:
    """An unpaid break rule where the law counts the breaks it calls ``label`` as paid."""
    return _fill("pay.unpaid", kinds=_KINDS[kind], minutes=minutes, label=label)


# --------------------------------------------------------------------------- timing


def _breaks_phrase(miss: Miss) -> str:
    """Name the break looked for: no 20-minute break, or the second of two 10-minute breaks."""
    if miss.count == 1:
        return _fill("break.one", length=miss.due.length)
    return _fill(
        "break.nth", ordinal=_ORDINALS[miss.index], count=_NUMBERS[miss.count], length=miss.due.length
    )


def _margin_note(margins: Margins, several: bool) -> str:
    if several:
        return _fill("margin.edges-gap", edge=margins.edge, gap=margins.gap)
    return _fill("margin.edges", edge=margins.edge)


def _blocked(single: bool, inside: str | None, windows: Sequence[str]) -> str:
    """What blocks a deadline: the window it falls in, then the other windows in the way."""
    if inside is not None:
        if single:
            others = [w for w in windows if w != inside]
            text = _fill("blocked.inside", window=inside)
            return text + (_fill("blocked.inside-also", windows=join(others)) if others else "")
        text = _fill("blocked.each-inside")
        return text + (_fill("blocked.each-inside-and", windows=join(windows)) if windows else "")
    return _fill("blocked.before", windows=join(windows)) if windows else ""


def _misses(group: Sequence[ShiftPlacement]) -> list[Miss]:
    misses = [shift.miss for shift in group if shift.miss is not None]
    if len(misses) != len(group):
        raise ValueError("timing clauses are for shifts whose breaks do not fit")
    return misses


def _where(miss: Miss, start: int) -> str:
    """Where a break with a schedule or a window of the day may go: between 11:00 and 14:00."""
    due = miss.due
    if due.within is not None:
        return _fill(
            "where.within", start=format_minutes(due.within.start), end=format_minutes(due.within.end)
        )
    last = miss.deadline if miss.deadline is not None else start + (due.not_after or 0)
    if due.not_after is not None and miss.deadline is not None:
        last = min(last, start + due.not_after)
    first = start + due.not_before
    which = "where.too-late" if first > last else "where.starting"
    return _fill(which, start=format_minutes(first), end=format_minutes(last))


def _timing_clause(group: Sequence[ShiftPlacement], margins: Margins, deadline_hours: float | None) -> str:
    """One clause for shift starts that miss the same way."""
    misses = _misses(group)
    first = misses[0]
    starts = [format_minutes(shift.start) for shift in group]
    single = len(group) == 1
    several = "one" if first.count == 1 else "several"
    windows: list[str] = []
    for miss in misses:
        windows.extend(text for text in map(window, miss.blocking) if text not in windows)
    note = _margin_note(margins, first.count > 1) if first.fits_without_margins else ""
    breaks = _breaks_phrase(first)
    if first.due.placed_by_schedule:
        fits = [
            _fill("fit.shift", start=format_minutes(shift.start), end=format_minutes(shift.end))
            for shift in group
        ]
        room = _fill("break.room", length=first.due.length) if first.count == 1 else breaks
        return _fill(
            f"timing.schedule.{'shift' if single else 'shifts'}",
            fit=fits[0] if single else _fill("fit.shifts", starts=join(starts)),
            room=room,
            where=_where(first, group[0].start),
            blocked=_blocked(True, None, windows),
            note=note,
        )
    deadline = first.due.deadline
    if deadline is not None and deadline_hours is not None:
        deadlines = [format_minutes(miss.deadline or 0) for miss in misses]
        inside = window(first.inside) if first.inside is not None else None
        return _fill(
            f"timing.deadline.{'shift' if single else 'shifts'}.{several}",
            start=starts[0],
            starts=join(starts),
            hours=hours(deadline_hours),
            deadline=deadlines[0],
            deadlines=join(deadlines),
            blocked=_blocked(single, inside, windows),
            note=note,
            breaks=breaks,
            verb=_VERBS[deadline.kind],
        )
    if single:
        fit = _fill("fit.shift", start=starts[0], end=format_minutes(group[0].end))
    else:
        fit = _fill("fit.shifts", starts=join(starts))
    if windows:
        return _fill(f"timing.blocked.{several}", windows=join(windows), note=note, breaks=breaks, fit=fit)
    room = _fill("break.room", length=first.due.length) if first.count == 1 else breaks
    return _fill(f"timing.no-room.{'shift' if single else 'shifts'}", fit=fit, room=room, note=note)


def timing_clauses(
    failed: Sequence[ShiftPlacement], *, margins: Margins, deadline_hours: Sequence[float | None]
) -> list[str]:
    """The clauses for shifts whose breaks do not fit, one per group of starts that miss the same way.

    ``deadline_hours`` gives, for each break of the plan, its deadline in hours as the
    law states it (none: no deadline); groups come in the order of their first start.
    """
    groups: dict[tuple[object, ...], list[ShiftPlacement]] = {}
    for shift, miss in zip(failed, _misses(failed), strict=True):
        key = (miss.index, miss.count, miss.inside is not None, miss.fits_without_margins)
        groups.setdefault(key, []).append(shift)
    return [
        _timing_clause(group, margins, deadline_hours[_misses(group)[0].index]) for group in groups.values()
    ]


def count_clause(*, kind: str, given: int, due: int, label: str, applies: ShiftCondition) -> str:
    """A schedule that gives fewer breaks a shift than the law asks for."""
    return _fill(
        "count",
        kinds=_KINDS[kind],
        given=_number(given),
        due=_number(due),
        label=label,
        when=threshold_phrase(applies),
    )


def waiver_clause(*, label: str, worked: int, up_to_hours: float | None) -> str:
    """A waiver by mutual consent the law allows only up to ``up_to_hours`` of work (none: not at all)."""
    if up_to_hours is None:
        return _fill("waiver.none", label=label)
    return _fill("waiver.conditions", label=label, hours=hours(up_to_hours), worked=duration(worked))


def _number(count: int) -> str:
    return _NUMBERS[count] if 0 <= count < len(_NUMBERS) else str(count)


# --------------------------------------------------------------------------- missing breaks and work in a row

NotCounting = Literal["kind", "unpaid", "too-short", "length-range"]
"""Why a break rule does not count for a requirement, each a ``missing.*`` template."""


def not_counting_clause(case: NotCounting, *, kind: str, minutes: int, label: str, part: int = 0) -> str:
    """Why the break rule of ``kind`` and ``minutes`` does not count as one of the breaks called ``label``."""
    return _fill(f"missing.{case}", kinds=_KINDS[kind], minutes=minutes, label=label, part=part)


def missing_clause(
    *,
    reasons: Sequence[str],
    label: str,
    required: int,
    count: int,
    block: int | None,
    applies: ShiftCondition,
    shift_minutes: int,
    worked: int,
    starts: Sequence[int],
    deadlines: Sequence[int | None],
    kinds: Sequence[DeadlineKind | None],
    inside: Window | None = None,
) -> str:
    """A requirement no break rule counts for: why each does not, how long each start works, what is due by when.

    ``deadlines`` are the breaks' deadlines in minutes after the shift start (none: no
    deadline), ``kinds`` whether each must start or end by then; ``inside``: the window of the
    day the breaks are due in, when the law names one and no deadline.
    """
    unique = list(dict.fromkeys(reasons))
    worked_text = duration(worked)
    if worked != shift_minutes:
        worked_text = _fill("missing.worked", worked=worked_text, shift=duration(shift_minutes))
    if starts:
        names = join([format_minutes(start) for start in starts])
        which = "one" if len(starts) == 1 else "several"
        start = _fill(f"missing.start.{which}", starts=names, worked=worked_text)
    else:
        start = _fill("missing.start.none", worked=worked_text)
    close = ""
    if count > 1:
        number = _NUMBERS[count] if count < len(_NUMBERS) else str(count)
        due = _fill("missing.due.several", count=number, minutes=required)
    elif block is not None:
        due, close = _fill("missing.due.split", minutes=required, block=block), ")"
    else:
        due = _fill("missing.due.one", minutes=required)
    timed = [(d, k) for d, k in zip(deadlines, kinds, strict=True) if d is not None and k is not None]
    if not timed:
        if close:
            due = due.removesuffix(", the first")
        if inside is not None:
            by = _fill(
                "missing.inside",
                due=due,
                close=close,
                start=format_minutes(inside.start),
                end=format_minutes(inside.end),
            )
        else:
            by = _fill("missing.within", due=due, close=close)
    else:
        verb = _fill(f"due.verb.{timed[0][1]}")
        if starts:
            per_start = [join([format_minutes(start + d) for d, _ in timed]) for start in starts]
            which = "shift" if len(starts) == 1 else "shifts"
            by = _fill(f"missing.by.{which}", due=due, verb=verb, deadlines=join(per_start), close=close)
        else:
            hours_due = join([duration(d) for d, _ in timed])
            by = _fill("missing.by.worked", due=due, verb=verb, hours=hours_due, close=close)
    return _fill(
        "missing", label=label, reasons=join(unique), start=start, due=by, when=threshold_phrase(applies)
    )


def run_clause(shift: ShiftPlacement, *, windows: Sequence[Window], limit: int) -> str:
    """A shift whose breaks all fit but leave a stretch of work longer than ``limit`` minutes."""
    if shift.run is None:
        raise ValueError("a run clause is for a shift with a stretch of work that is too long")
    begin, end = shift.run
    blocked = _fill("run.blocked", windows=join([window(w) for w in windows])) if windows else ""
    at = join([f"{format_minutes(p.start)}-{format_minutes(p.end)}" for p in shift.placed])
    return _fill(
        "run" if shift.placed else "run.none",
        start=format_minutes(shift.start),
        breaks=_fill("run.break.one" if len(shift.placed) == 1 else "run.break.several"),
        at=at,
        blocked=blocked,
        stretch=duration(end - begin),
        begin=format_minutes(begin),
        end=format_minutes(end),
        limit=duration(limit),
    )


# --------------------------------------------------------------------------- assumptions and notes


def assumption_clauses(*, shift_hours: float | None, shift_start: str | None) -> list[str]:
    """Clauses for what a finding assumed: the shift length, the shift start (none: not assumed)."""
    clauses = []
    if shift_hours is not None:
        clauses.append(_fill("assuming.hours", hours=shift_hours))
    if shift_start is not None:
        clauses.append(_fill("assuming.start", start=shift_start))
    return clauses


def notes(*, shift_hours: float | None, shift_start: str | None, starts_missing: bool) -> str | None:
    """The report's note: what was assumed for the whole policy, or that deadlines were not checked."""
    found = []
    if shift_hours is not None:
        found.append(_fill("note.assumed-hours", hours=shift_hours))
    if shift_start is not None:
        found.append(_fill("note.assumed-start", start=shift_start))
    elif starts_missing:
        found.append(_fill("note.no-starts"))
    return _SEPARATOR.join(found) or None


def no_pack_note(jurisdiction: str) -> str:
    """The report's note for a jurisdiction the packs do not cover."""
    return _fill("note.no-pack", jurisdiction=jurisdiction)


def not_in_force_note(jurisdiction: str, day: str) -> str:
    """The report's note when the law is read on a day before any requirement of the pack applied."""
    return _fill("note.not-in-force", jurisdiction=jurisdiction, day=day)


def explanation(clauses: Sequence[str], citation: str) -> str:
    """A conflict's explanation: its clauses, then the article."""
    return _fill("explanation", clauses=_SEPARATOR.join(clauses), citation=citation)
