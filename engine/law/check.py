"""The guardrail checker: a policy's break rules held to the legal guardrails of its jurisdiction.

``check_guardrails`` takes one policy, the guardrail packs
(``policyweigh.rulebook.guardrails``) and the checker's settings, and returns
``guardrail`` conflicts; without a jurisdiction it gives no legal verdict at
all. It decides what breaks the law; where breaks fit is worked out by
``policyweigh.law.placement`` and every sentence comes from ``policyweigh.law.wording``.

How the checker reads a policy (every choice below is deliberate and tested):

- **Shift length and working time.** ``scope.shift_hours`` (breaks included),
  rounded to the minute, is the presence; the *working time* is the presence
  minus the unpaid breaks the policy's break rules give (each rule one break
  of its ``min_minutes``; paid breaks stay working time), because every pack's
  law counts hours worked (ArbZG section 2, Labor Code section 512, WTR reg.
  12 "daily working time", L3121-16 "temps de travail quotidien"). A
  requirement applies when the working time is *over* its threshold (6 h 00
  is not over 6 hours, 6 h 01 is) or *reaches* it (France: 6 h 00 does); a
  break's further threshold (``when``) is read the same way, and a deadline
  of N hours is N hours of work: a later break's deadline moves on by the
  unpaid breaks due before it. Without ``shift_hours`` the checker assumes
  ``GuardrailSettings.default_shift_hours`` (8) and says so.
- **Shift starts.** Every entry of ``scope.shift_starts`` is checked. Without
  any, one shift starting at ``GuardrailSettings.default_shift_start`` (09:00)
  is assumed and the explanation says so; set it to None to skip the timing
  checks instead (the report's note then says they were not checked).
- **Which rules a requirement holds.** A requirement *binds* some break kinds
  (``lunch``, ``rest``, ``any``): such a rule shorter than the legal minimum is
  a breach naming both figures. Other kinds *count if long enough*: in the
  general break laws (EU, UK, DE, FR, NL) a ``rest`` rule at least as long as
  one lawful break can be the statutory break, while a shorter one (a
  10-minute micro-break) is an extra break the law says nothing about. A rest
  period is never a meal period: California meal periods and the Philippine
  meal break bind ``lunch`` and ``any`` only, California rest periods and
  Philippine coffee breaks bind ``rest`` and ``any`` only; a California rest
  period counts an ``any`` rule only when it is paid (an unpaid one is the meal
  period).
- **How many breaks a rule gives.** A rule's ``count`` (or one every
  ``every_hours``: an 8-hour shift with a break every 2 hours has three) is
  the number of its breaks a shift; a rule that says neither gives one break,
  or as many as the law asks of its kind where the law asks for several (a
  second meal). Where every counting rule states its number and together they
  give fewer than are due, that is a breach; lengths add up over the breaks a
  rule gives where the law allows splitting (one rule of 2 x 15 minutes makes
  30 in Germany, never the 20 uninterrupted minutes of the UK).
- **Where a break may go.** Beyond deadlines, a pack can make a break due only
  on some shift starts (``when_spans``: New York's shift that extends over
  11:00-14:00; ``when_starts``), inside a window of the day (``within``), from
  an hour into the shift (``earliest_hours``) or around its middle
  (``middle_minutes``); the policy's own ``earliest_after_hours`` and
  ``latest_after_hours`` place its rule's first break. Shift starts that owe
  the same breaks are checked together.
- **Waivers.** A rule's ``waiver: mutual-consent`` lets staff give a break up
  where the pack says it is ``waivable`` (California: the meal on a day of at
  most six hours worked; the second meal up to twelve, when the first was
  taken); a waived break is not due. A waiver where no break due may be
  waived is an error; where the law knows no waiver at all, a warning that the
  breaks stay due.
- **The law of a day.** Requirements carry the date they apply from
  (``since``) and, once replaced, until when; the checker reads those in force
  on ``GuardrailSettings.as_of`` (the settings' ``law_date``), by default
  those in force now.
- **A missing break is a breach.** When a requirement applies and no break
  rule of the policy counts for it, the finding names every break rule and
  says why none counts, how long each shift start works with no break that
  counts, and the minutes due by when. A policy with no break rule at all says
  nothing about breaks and gets no finding.
- **Work in a row.** Where the law limits it (``max_continuous_hours``,
  Germany), the breaks are placed to keep every stretch of work within the
  limit, and a stretch that stays longer is reported with its clock times.
- **Satisfied by the policy, not by each rule.** The length is met when one
  counting rule is long enough (or, where the law allows splitting, when the
  counting rules of at least the minimum part add up to the total). The timing
  is met at a shift start when any counting rule can place its breaks; only
  when none can is each of them reported. An unpaid rule where the law counts
  the break as paid is a breach of that rule whatever the others say.
- **Where a break may go.** Each break due is ``max(rule's min_minutes,
  shortest lawful break)`` minutes long (the shortest lawful break is the
  minimum part where the law allows splitting), kept clear of the rule's
  blocked windows, ``edge_margin_minutes`` (30) from either end of the shift
  and that far from the break before it; ``policyweigh.law.placement`` has the time
  line and the deadlines.

There is one conflict per (break rule, requirement): several failing shift
starts share it, listed in one sentence.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from policyweigh.law import wording
from policyweigh.law.placement import (
    Break,
    BreakPlan,
    Deadline,
    Margins,
    Part,
    ShiftPlacement,
    Window,
    place_breaks,
    place_stretches,
)
from policyweigh.law.wording import NO_JURISDICTION, ShortCase
from policyweigh.policy import BreakRule, Policy, Time, minutes_of_day
from policyweigh.results import Conflict, rule_ref
from policyweigh.rulebook.guardrails import (
    BreakRequirement,
    DueBreak,
    GuardrailPack,
    GuardrailPacks,
    hours_to_minutes,
)

__all__ = [
    "NO_JURISDICTION",
    "GuardrailReport",
    "GuardrailSettings",
    "Shifts",
    "check_guardrails",
    "scheduled_count",
    "shifts_of",
    "working_time",
]

Severity = Literal["error", "warning"]


class GuardrailSettings(BaseModel):
    """The checker's assumptions, each configurable."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    edge_margin_minutes: int = Field(default=30, ge=0, le=240)
    """A break must start this long after the shift starts and end this long before it ends;
    breaks due on one shift are this long apart."""
    default_shift_hours: float = Field(default=8.0, gt=0, le=24)
    """Shift length assumed when the policy gives no scope.shift_hours."""
    default_shift_start: Time | None = "09:00"
    """Shift start assumed when the policy gives no scope.shift_starts; none: skip the timing checks."""
    default_break_minutes: int = Field(default=15, gt=0, le=240)
    """Break length checked where the law leaves it to national law (EU Directive, Art. 4)."""
    as_of: datetime.date | None = None
    """The day the law is read on (requirements in force that day); none: the requirements in force now."""


@dataclass(frozen=True)
class GuardrailReport:
    """The guardrail conflicts of one policy, and a note on the legal verdict."""

    conflicts: list[Conflict] = field(default_factory=list)
    """Guardrail conflicts, sorted by rule index, first failing shift start and code."""
    note: str | None = None
    """Why there is no legal verdict, or what was assumed; none when nothing needs saying."""


@dataclass
class _Finding:
    """What is wrong with one break rule against one requirement."""

    clauses: list[str] = field(default_factory=list)
    severities: list[Severity] = field(default_factory=list)
    first_start: int = -1
    timing: bool = False
    refs: tuple[int, ...] = ()
    """Rule indices the conflict names; none: the finding's own rule."""

    def add(self, clause: str, severity: Severity) -> None:
        if clause in self.clauses:  # the same words from another group of shift starts
            return
        self.clauses.append(clause)
        self.severities.append(severity)

    def merge(self, other: _Finding) -> None:
        """Take in the finding of another group of shift starts (same rule, same requirement)."""
        for clause, severity in zip(other.clauses, other.severities, strict=True):
            self.add(clause, severity)
        if other.first_start >= 0 and (self.first_start < 0 or other.first_start < self.first_start):
            self.first_start = other.first_start
        self.timing = self.timing or other.timing
        self.refs = self.refs or other.refs


MISSING = -1
"""The finding key of a requirement that no break rule of the policy counts for."""
STRETCH = -2
"""The finding key of work in a row longer than the law allows, whatever rules the breaks come from."""
WAIVER = -3
"""The finding key of a waiver the law does not allow, naming the rules that carry it."""


@dataclass(frozen=True)
class Shifts:
    """A policy's shifts: their length in minutes, their starts, and the working time under a reading."""

    minutes: int
    hours_assumed: bool
    starts: tuple[int, ...]
    start_assumed: bool
    worked: int = 0
    """Working time under the requirement checked: the shift minus the breaks that are no working time."""


def shifts_of(policy: Policy, settings: GuardrailSettings) -> Shifts:
    """The policy's shift length and starts, as given or as the settings assume them."""
    scope = policy.scope
    hours = scope.shift_hours if scope.shift_hours is not None else settings.default_shift_hours
    if scope.shift_starts:
        starts = tuple(sorted({minutes_of_day(s) for s in scope.shift_starts}))
        assumed = False
    elif settings.default_shift_start is not None:
        starts, assumed = (minutes_of_day(settings.default_shift_start),), True
    else:
        starts, assumed = (), False
    minutes = hours_to_minutes(hours)
    return Shifts(minutes, scope.shift_hours is None, starts, assumed, minutes)


def scheduled_count(rule: BreakRule, shift_minutes: int) -> int | None:
    """How many breaks a shift has under the rule's own schedule (``count``, or one every
    ``every_hours``: an 8-hour shift with a break every 2 hours has three, after 2, 4 and 6
    hours); none when the rule does not say (it then gives as many as the law asks)."""
    if rule.count is not None:
        return rule.count
    if rule.every_hours is not None:
        return max((shift_minutes - 1) // hours_to_minutes(rule.every_hours), 0)
    return None


def _off(req: BreakRequirement, rule: BreakRule) -> bool:
    """Whether the rule's breaks are no working time under the requirement's reading."""
    return req.working_time.excludes_break(rule.break_, rule.min_minutes, rule.paid)


def _worked(
    req: BreakRequirement, rules: Sequence[tuple[int, BreakRule]], shifts: Shifts, given: Mapping[int, int]
) -> Shifts:
    """The shifts with their working time under ``req``: each rule's breaks that are no working
    time taken out, ``given[index]`` breaks a shift (one when not given)."""
    off = sum(rule.min_minutes * given.get(index, 1) for index, rule in rules if _off(req, rule))
    return replace(shifts, worked=max(shifts.minutes - off, 0))


def working_time(policy: Policy, pack: GuardrailPack, settings: GuardrailSettings) -> Shifts:
    """The policy's shifts with their working time as the pack reads it (its first requirement in
    force gives the reading), the breaks each rule gives counted as the break checks count them."""
    rules = [(i, r) for i, r in enumerate(policy.rules) if isinstance(r, BreakRule)]
    shifts = shifts_of(policy, settings)
    in_force = [req for req in pack.requirements if req.in_force(settings.as_of)]
    reading = in_force[0] if in_force else pack.requirements[0]
    return _worked(reading, rules, shifts, _given(in_force, rules, shifts, settings))


def _due(req: BreakRequirement, worked: int) -> list[DueBreak]:
    return [d for d in req.breaks if d.when is None or d.when.holds(worked)]


def _full(req: BreakRequirement, settings: GuardrailSettings) -> int | None:
    """The length of the break due, none when the requirement requires no break."""
    if not req.breaks:
        return None
    return req.min_minutes if req.min_minutes is not None else settings.default_break_minutes


def _given(
    reqs: Sequence[BreakRequirement],
    rules: Sequence[tuple[int, BreakRule]],
    shifts: Shifts,
    settings: GuardrailSettings,
) -> dict[int, int]:
    """How many breaks a shift each rule gives, where a requirement asks it for several (a
    second meal): as many as it can place at every shift start (each rule gives one otherwise)."""
    given: dict[int, int] = {}
    for index, rule in rules:
        count = scheduled_count(rule, shifts.minutes)
        if count is not None:
            given[index] = count
    margin = settings.edge_margin_minutes
    margins = Margins(edge=margin, gap=margin)
    for req in reqs:
        worked = _worked(req, rules, shifts, {})
        full = _full(req, settings)
        due = _due(req, worked.worked)
        if full is None or len(due) < 2 or not req.applies.holds(worked.worked):
            continue
        for index, rule in _candidates(req, rules, full):
            if not _off(req, rule) or scheduled_count(rule, shifts.minutes) is not None:
                continue
            if shifts.starts:
                length = max(rule.min_minutes, _shortest(req, rule, full))
                placed = min(
                    len(p.placed) for p in _placements(due, rule, length, worked, margins, _off(req, rule))
                )
            else:
                placed = len(due)
            given[index] = max(given.get(index, 1), placed)
    return given


def _shortest(req: BreakRequirement, rule: BreakRule, full: int) -> int:
    """The shortest lawful single break for this rule: a part where splitting is allowed."""
    if req.min_block_minutes is not None:
        return req.min_block_minutes
    short = req.shortened
    if short is not None and rule.min_minutes >= short.min_minutes and (rule.paid or not short.paid):
        return short.min_minutes
    return full


def _short_case(req: BreakRequirement, rule: BreakRule) -> tuple[ShortCase, Severity]:
    """How a counting rule falls short of the legal minimum, and how severe that is."""
    if req.min_minutes is None:
        return "national", "error"
    block = req.min_block_minutes
    if block is not None:
        return ("split-total" if rule.min_minutes >= block else "short-split"), "error"
    short = req.shortened
    if short is not None and rule.min_minutes >= short.min_minutes:
        if rule.paid or not short.paid:
            # Lawful in the cases the law names, which a policy cannot state: not certain enough for an error.
            return ("shortened-paid" if short.paid else "shortened"), "warning"
        return "shortened-unpaid", "error"
    return "short", "error"


def _candidates(
    req: BreakRequirement, rules: Sequence[tuple[int, BreakRule]], full: int | None
) -> list[tuple[int, BreakRule]]:
    """The policy's break rules that count for the requirement (see the module docstring)."""
    found = []
    for index, rule in rules:
        lengths = req.lengths
        if lengths is not None and not lengths.from_minutes <= rule.min_minutes <= lengths.to_minutes:
            continue
        if rule.break_ in req.binds or (rule.break_ in req.counts_if_paid and rule.paid):
            found.append((index, rule))
        elif rule.break_ in req.counts_if_long_enough and full is not None:
            part = req.min_block_minutes if req.min_block_minutes is not None else full
            if rule.min_minutes >= part:
                found.append((index, rule))
    return found


def _break(due: DueBreak, length: int, before: int, shift_minutes: int, rule: BreakRule | None) -> Break:
    """A break due; its deadline in hours of work moves on by ``before``, the unpaid minutes due
    before it. Its earliest start, window of the day and place around the shift's middle come from
    the law; ``rule`` (given for the first break of a rule) adds the policy's own schedule."""
    deadline = due.deadline
    legal = (
        Deadline(hours_to_minutes(deadline.hours) + before, deadline.kind) if deadline is not None else None
    )
    not_before = hours_to_minutes(due.earliest_hours) if due.earliest_hours is not None else 0
    not_after: int | None = None
    if due.middle_minutes is not None:
        not_before = max(not_before, shift_minutes // 2 - due.middle_minutes)
        not_after = shift_minutes // 2 + due.middle_minutes
    if rule is not None and rule.earliest_after_hours is not None:
        not_before = max(not_before, hours_to_minutes(rule.earliest_after_hours))
    if rule is not None and rule.latest_after_hours is not None:
        own = hours_to_minutes(rule.latest_after_hours)
        not_after = own if not_after is None else min(not_after, own)
    within = Window(due.within.start, due.within.end) if due.within is not None else None
    return Break(length, legal, max(not_before, 0), not_after, within)


def _placements(
    due: Sequence[DueBreak],
    rule: BreakRule,
    length: int,
    shifts: Shifts,
    margins: Margins,
    off: bool,
) -> tuple[ShiftPlacement, ...]:
    """Where the rule's breaks go on each shift start; ``off``: they are no working time, so a
    later break's deadline (in hours of work) moves on by the breaks before it."""
    plan = BreakPlan(
        starts=shifts.starts,
        shift_minutes=shifts.minutes,
        breaks=tuple(
            _break(d, length, i * length if off else 0, shifts.minutes, rule if i == 0 else None)
            for i, d in enumerate(due)
        ),
        windows=tuple(Window(*part) for w in rule.blocked_windows for part in w.parts()),
        margins=margins,
    )
    return place_breaks(plan)


def _stretches(
    req: BreakRequirement,
    candidates: Sequence[tuple[int, BreakRule]],
    shifts: Shifts,
    margins: Margins,
    skip: set[int],
    counts: Mapping[int, int | None],
) -> _Finding | None:
    """Work in a row (``max_continuous_hours``): the policy's counting breaks together, each as
    often as its schedule says (once when it does not), at every shift start not in ``skip``; the
    finding names every counting rule."""
    limit_hours = req.max_continuous_hours
    if limit_hours is None or not candidates or not shifts.starts:
        return None
    limit = hours_to_minutes(limit_hours)
    parts = [
        Part(rule.min_minutes, tuple(Window(*part) for w in rule.blocked_windows for part in w.parts()))
        for index, rule in candidates
        for _ in range(counts.get(index) or 1)
    ]
    runs = [
        p
        for p in place_stretches(shifts.starts, shifts.minutes, parts, limit, margins)
        if p.run is not None and p.start not in skip
    ]
    if not runs:
        return None
    finding = _Finding(refs=tuple(index for index, _ in candidates))
    finding.first_start = runs[0].start
    finding.timing = True
    windows = sorted(
        {Window(*part) for _, rule in candidates for w in rule.blocked_windows for part in w.parts()}
    )
    for shift in runs:
        finding.add(wording.run_clause(shift, windows=windows, limit=limit), "error")
    return finding


def _why_not(req: BreakRequirement, rule: BreakRule, full: int) -> str:
    """Why a break rule does not count for a requirement (its worded reason)."""
    lengths = req.lengths
    if lengths is not None and not lengths.from_minutes <= rule.min_minutes <= lengths.to_minutes:
        return wording.not_counting_clause(
            "length-range", kind=rule.break_, minutes=rule.min_minutes, label=req.label
        )
    if rule.break_ in req.counts_if_paid:
        return wording.not_counting_clause(
            "unpaid", kind=rule.break_, minutes=rule.min_minutes, label=req.label
        )
    if rule.break_ in req.counts_if_long_enough:
        part = req.min_block_minutes if req.min_block_minutes is not None else full
        return wording.not_counting_clause(
            "too-short", kind=rule.break_, minutes=rule.min_minutes, label=req.label, part=part
        )
    return wording.not_counting_clause("kind", kind=rule.break_, minutes=rule.min_minutes, label=req.label)


def _missing(
    req: BreakRequirement,
    rules: Sequence[tuple[int, BreakRule]],
    due: Sequence[DueBreak],
    full: int,
    shifts: Shifts,
) -> _Finding:
    """The finding for a requirement that applies and that no break rule of the policy counts for."""
    unpaid = 0 if req.working_time.excludes == "unpaid" and req.paid else full
    deadlines: list[int | None] = []
    for i, d in enumerate(due):
        deadline = d.deadline
        deadlines.append(hours_to_minutes(deadline.hours) + i * unpaid if deadline is not None else None)
    finding = _Finding()
    finding.first_start = shifts.starts[0] if shifts.starts else -1
    finding.timing = bool(shifts.starts) and any(d is not None for d in deadlines)
    clause = wording.missing_clause(
        reasons=[_why_not(req, rule, full) for _, rule in rules],
        label=req.label,
        required=full,
        count=len(due),
        block=req.min_block_minutes,
        applies=req.applies,
        shift_minutes=shifts.minutes,
        worked=shifts.worked,
        starts=shifts.starts,
        deadlines=deadlines,
        kinds=[d.deadline.kind if d.deadline is not None else None for d in due],
        inside=Window(due[0].within.start, due[0].within.end) if due[0].within is not None else None,
    )
    finding.add(clause, "error")
    return finding


def _waived(
    req: BreakRequirement, due: Sequence[DueBreak], worked: int, waiving: bool
) -> tuple[list[DueBreak], bool]:
    """The breaks still due once the policy's waiver (``waiving``) is used where the law allows it,
    and whether it was allowed for any of them."""
    if not waiving:
        return list(due), False
    kept: list[DueBreak] = []
    used = False
    previous_taken = True
    for position, d in enumerate(due):
        waiver = d.waivable
        allowed = (
            waiver is not None
            and worked <= hours_to_minutes(waiver.up_to_hours)
            and (not waiver.if_previous_taken or (position > 0 and previous_taken))
        )
        if allowed:
            used = True
            previous_taken = False
        else:
            kept.append(d)
            previous_taken = True
    return kept, used


def _waiver_finding(
    req: BreakRequirement, rules: Sequence[tuple[int, BreakRule]], due: Sequence[DueBreak], worked: int
) -> _Finding:
    """A policy's waiver that the law does not allow for the breaks ``due`` at this working time (or at all)."""
    finding = _Finding(refs=tuple(index for index, _ in rules))
    limits = [d.waivable.up_to_hours for d in due if d.waivable is not None]
    if limits:
        clause = wording.waiver_clause(label=req.label, worked=worked, up_to_hours=max(limits))
        finding.add(clause, "error")
    else:
        finding.add(wording.waiver_clause(label=req.label, worked=worked, up_to_hours=None), "warning")
    return finding


def _check_requirement(
    req: BreakRequirement,
    rules: Sequence[tuple[int, BreakRule]],
    shifts: Shifts,
    settings: GuardrailSettings,
    given: Mapping[int, int],
) -> dict[int, _Finding]:
    """Findings per rule index for one requirement that applies to the working time.

    The breaks due can differ between shift starts (New York: a meal within 11:00-14:00 only on
    shifts that span it); the starts are checked in groups that owe the same breaks, and the
    findings of the groups merged.
    """
    full = _full(req, settings)
    waiving = [(i, r) for i, r in _candidates(req, rules, full) if r.waiver == "mutual-consent"]
    by_worked = _due(req, shifts.worked)
    # A waived break is worked through: whether the law lets it go is judged on the working time
    # without it (6 h 30 with a 30-minute meal waived is 6 h 30 of work, not 6 h).
    worked_if_waived = shifts.worked + sum(
        rule.min_minutes * given.get(index, 1) for index, rule in waiving if _off(req, rule)
    )
    groups: dict[tuple[int, ...], list[int]] = {}
    if shifts.starts:
        for start in shifts.starts:
            owed = tuple(i for i, d in enumerate(by_worked) if d.due_at(start, shifts.minutes))
            groups.setdefault(owed, []).append(start)
    else:
        # No shift start to read the clock conditions on: only the breaks due on every shift.
        groups[tuple(i for i, d in enumerate(by_worked) if not d.on_the_clock)] = []
    findings: dict[int, _Finding] = {}
    allowed_any = False
    for owed, starts in groups.items():
        due, allowed = _waived(req, [by_worked[i] for i in owed], worked_if_waived, bool(waiving))
        allowed_any = allowed_any or allowed
        group = replace(shifts, starts=tuple(starts))
        for index, finding in _check_group(req, rules, group, settings, due).items():
            findings.setdefault(index, _Finding()).merge(finding)
    if waiving and by_worked and not allowed_any:
        findings.setdefault(WAIVER, _Finding()).merge(
            _waiver_finding(req, waiving, by_worked, worked_if_waived)
        )
    return findings


def _check_group(
    req: BreakRequirement,
    rules: Sequence[tuple[int, BreakRule]],
    shifts: Shifts,
    settings: GuardrailSettings,
    due: Sequence[DueBreak],
) -> dict[int, _Finding]:
    """Findings per rule index for shift starts that owe the same breaks, ``due``."""
    full = _full(req, settings)
    counts = {index: scheduled_count(rule, shifts.minutes) for index, rule in rules}
    candidates = [(i, r) for i, r in _candidates(req, rules, full) if counts[i] != 0]
    findings: dict[int, _Finding] = {index: _Finding() for index, _ in candidates}
    if req.breaks and not due:
        return {}
    if not candidates:
        if full is None or not due:
            return {}
        return {MISSING: _missing(req, rules, due, full, shifts)}
    stated = [counts[i] for i, _ in candidates]
    if due and all(c is not None for c in stated) and sum(c or 0 for c in stated) < len(due):
        given = sum(c or 0 for c in stated)
        for index, rule in candidates:
            clause = wording.count_clause(
                kind=rule.break_, given=given, due=len(due), label=req.label, applies=req.applies
            )
            findings[index].add(clause, "error")
    if full is not None:
        block = req.min_block_minutes
        total = sum(
            r.min_minutes * (counts[i] or 1)
            for i, r in candidates
            if block is not None and r.min_minutes >= block
        )
        met = any(r.min_minutes >= full for _, r in candidates) or (block is not None and total >= full)
        if not met:
            short = req.shortened
            for index, rule in candidates:
                case, severity = _short_case(req, rule)
                clause = wording.short_break_clause(
                    case,
                    kind=rule.break_,
                    minutes=rule.min_minutes,
                    shift_minutes=shifts.worked,
                    required=full,
                    applies=req.applies,
                    total=total,
                    block=block,
                    shortened=short.min_minutes if short is not None else None,
                    note=short.note if short is not None else None,
                )
                findings[index].add(clause, severity)
    if req.paid:
        for index, rule in candidates:
            if not rule.paid:
                clause = wording.unpaid_clause(kind=rule.break_, minutes=rule.min_minutes, label=req.label)
                findings[index].add(clause, "error")
    if full is not None and shifts.starts:
        margin = settings.edge_margin_minutes
        margins = Margins(edge=margin, gap=margin)
        placements = {
            index: _placements(
                due[: counts[index]] if counts[index] is not None else due,
                rule,
                max(rule.min_minutes, _shortest(req, rule, full)),
                shifts,
                margins,
                _off(req, rule),
            )
            for index, rule in candidates
        }
        # The timing is met at a start when any counting rule fits there; only else is each reported.
        failed: dict[int, list[ShiftPlacement]] = {}
        missed_starts: set[int] = set()
        for position, start in enumerate(shifts.starts):
            if any(shifts_of_rule[position].fits for shifts_of_rule in placements.values()):
                continue
            missed_starts.add(start)
            for index, shifts_of_rule in placements.items():
                failed.setdefault(index, []).append(shifts_of_rule[position])
        deadline_hours = [d.deadline.hours if d.deadline is not None else None for d in due]
        for index, missed in failed.items():
            finding = findings[index]
            finding.first_start = missed[0].start
            finding.timing = True
            for clause in wording.timing_clauses(missed, margins=margins, deadline_hours=deadline_hours):
                finding.add(clause, "error")
        counting = [
            (i, r)
            for i, r in candidates
            if req.min_block_minutes is None or r.min_minutes >= req.min_block_minutes
        ]
        # A rule that states no number gives as many breaks as are due.
        parts = {i: counts[i] if counts[i] is not None else max(len(due), 1) for i, _ in counting}
        run = _stretches(req, counting, shifts, margins, missed_starts, parts)
        if run is not None:
            findings[STRETCH] = run
    return {index: f for index, f in findings.items() if f.clauses}


def check_guardrails(
    policy: Policy,
    *,
    settings: GuardrailSettings,
    packs: GuardrailPacks,
) -> GuardrailReport:
    """Hold a policy's break rules to the legal guardrails of its jurisdiction.

    ``packs`` are the rulebook's packs (``Rulebook.guardrails``) and ``settings``
    the checker's assumptions: both are the caller's to choose, so an
    organisation's packs can never be silently replaced by the bundled ones.
    """
    if policy.jurisdiction is None:
        return GuardrailReport([], NO_JURISDICTION)
    rules = [(i, r) for i, r in enumerate(policy.rules) if isinstance(r, BreakRule)]
    if not rules:
        return GuardrailReport([], None)
    pack = packs.get(policy.jurisdiction)
    if pack is None:
        return GuardrailReport([], wording.no_pack_note(policy.jurisdiction))
    shifts = shifts_of(policy, settings)
    assumed_hours = settings.default_shift_hours if shifts.hours_assumed else None
    assumed_start = settings.default_shift_start if shifts.start_assumed else None
    found: list[tuple[tuple[int, int, str], Conflict]] = []
    in_force = [req for req in pack.requirements if req.in_force(settings.as_of)]
    if not in_force and settings.as_of is not None:
        return GuardrailReport([], wording.not_in_force_note(policy.jurisdiction, settings.as_of.isoformat()))
    given = _given(in_force, rules, shifts, settings)
    for req in in_force:
        worked = _worked(req, rules, shifts, given)
        if not req.applies.holds(worked.worked):
            continue
        for index, finding in _check_requirement(req, rules, worked, settings, given).items():
            refs = finding.refs or (tuple(i for i, _ in rules) if index == MISSING else (index,))
            clauses = finding.clauses + wording.assumption_clauses(
                shift_hours=assumed_hours,
                shift_start=assumed_start if finding.timing else None,
            )
            severity: Severity = "error" if "error" in finding.severities else "warning"
            if req.severity == "warning":
                severity = "warning"
            conflict = Conflict(
                code=req.code,
                kind="guardrail",
                severity=severity,
                policies=[policy.id],
                rules=[rule_ref(policy.id, i) for i in refs],
                explanation=wording.explanation(clauses, req.citation),
                citation=req.citation,
            )
            found.append(((refs[0], finding.first_start, req.code), conflict))
    found.sort(key=lambda item: item[0])
    note = wording.notes(
        shift_hours=assumed_hours,
        shift_start=assumed_start,
        starts_missing=not shifts.starts,
    )
    return GuardrailReport([c for _, c in found], note)
