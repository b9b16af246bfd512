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
  period). Each break rule stands for one break per shift.
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
    GuardrailPacks,
    hours_to_minutes,
)

__all__ = ["NO_JURISDICTION", "GuardrailReport", "GuardrailSettings", "check_guardrails"]

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
        self.clauses.append(clause)
        self.severities.append(severity)


MISSING = -1
"""The finding key of a requirement that no break rule of the policy counts for."""
STRETCH = -2
"""The finding key of work in a row longer than the law allows, whatever rules the breaks come from."""


@dataclass(frozen=True)
class _Shifts:
    minutes: int
    hours_assumed: bool
    starts: tuple[int, ...]
    start_assumed: bool
    worked: int = 0
    """Working time under the requirement checked: the shift minus the breaks that are no working time."""


def _shifts(policy: Policy, settings: GuardrailSettings) -> _Shifts:
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
    return _Shifts(minutes, scope.shift_hours is None, starts, assumed, minutes)


def _off(req: BreakRequirement, rule: BreakRule) -> bool:
    """Whether the rule's breaks are no working time under the requirement's reading."""
    return req.working_time.excludes_break(rule.break_, rule.min_minutes, rule.paid)


def _worked(
    req: BreakRequirement, rules: Sequence[tuple[int, BreakRule]], shifts: _Shifts, given: Mapping[int, int]
) -> _Shifts:
    """The shifts with their working time under ``req``: each rule's breaks that are no working
    time taken out, ``given[index]`` breaks a shift (one when not given)."""
    off = sum(rule.min_minutes * given.get(index, 1) for index, rule in rules if _off(req, rule))
    return replace(shifts, worked=max(shifts.minutes - off, 0))


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
    shifts: _Shifts,
    settings: GuardrailSettings,
) -> dict[int, int]:
    """How many breaks a shift each rule gives, where a requirement asks it for several (a
    second meal): as many as it can place at every shift start (each rule gives one otherwise)."""
    given: dict[int, int] = {}
    margin = settings.edge_margin_minutes
    margins = Margins(edge=margin, gap=margin)
    for req in reqs:
        worked = _worked(req, rules, shifts, {})
        full = _full(req, settings)
        due = _due(req, worked.worked)
        if full is None or len(due) < 2 or not req.applies.holds(worked.worked):
            continue
        for index, rule in _candidates(req, rules, full):
            if not _off(req, rule):
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


def _break(due: DueBreak, length: int, before: int) -> Break:
    """A break due; its deadline in hours of work moves on by ``before``, the unpaid minutes due before it."""
    deadline = due.deadline
    if deadline is None:
        return Break(length)
    return Break(length, Deadline(hours_to_minutes(deadline.hours) + before, deadline.kind))


def _placements(
    due: Sequence[DueBreak],
    rule: BreakRule,
    length: int,
    shifts: _Shifts,
    margins: Margins,
    off: bool,
) -> tuple[ShiftPlacement, ...]:
    """Where the rule's breaks go on each shift start; ``off``: they are no working time, so a
    later break's deadline (in hours of work) moves on by the breaks before it."""
    plan = BreakPlan(
        starts=shifts.starts,
        shift_minutes=shifts.minutes,
        breaks=tuple(_break(d, length, i * length if off else 0) for i, d in enumerate(due)),
        windows=tuple(Window(*part) for w in rule.blocked_windows for part in w.parts()),
        margins=margins,
    )
    return place_breaks(plan)


def _stretches(
    req: BreakRequirement,
    candidates: Sequence[tuple[int, BreakRule]],
    shifts: _Shifts,
    margins: Margins,
    skip: set[int],
) -> _Finding | None:
    """Work in a row (``max_continuous_hours``): the policy's counting breaks together, each once,
    at every shift start not in ``skip``; the finding names every counting rule."""
    limit_hours = req.max_continuous_hours
    if limit_hours is None or not candidates or not shifts.starts:
        return None
    limit = hours_to_minutes(limit_hours)
    parts = [
        Part(rule.min_minutes, tuple(Window(*part) for w in rule.blocked_windows for part in w.parts()))
        for _, rule in candidates
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
    shifts: _Shifts,
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
    )
    finding.add(clause, "error")
    return finding


def _check_requirement(
    req: BreakRequirement,
    rules: Sequence[tuple[int, BreakRule]],
    shifts: _Shifts,
    settings: GuardrailSettings,
) -> dict[int, _Finding]:
    """Findings per rule index for one requirement that applies to the working time."""
    full = _full(req, settings)
    candidates = _candidates(req, rules, full)
    findings: dict[int, _Finding] = {index: _Finding() for index, _ in candidates}
    due = _due(req, shifts.worked)
    if not candidates:
        if full is None or not due:
            return {}
        return {MISSING: _missing(req, rules, due, full, shifts)}
    if full is not None:
        block = req.min_block_minutes
        total = sum(r.min_minutes for _, r in candidates if block is not None and r.min_minutes >= block)
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
                due, rule, max(rule.min_minutes, _shortest(req, rule, full)), shifts, margins, _off(req, rule)
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
        run = _stretches(req, counting, shifts, margins, missed_starts)
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
    shifts = _shifts(policy, settings)
    assumed_hours = settings.default_shift_hours if shifts.hours_assumed else None
    assumed_start = settings.default_shift_start if shifts.start_assumed else None
    found: list[tuple[tuple[int, int, str], Conflict]] = []
    given = _given(pack.requirements, rules, shifts, settings)
    for req in pack.requirements:
        worked = _worked(req, rules, shifts, given)
        if not req.applies.holds(worked.worked):
            continue
        for index, finding in _check_requirement(req, rules, worked, settings).items():
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
