"""The daily-limits checker: a policy's shifts held to the longest working day and the shortest rest of its law.

``check_limits`` takes one policy, the guardrail packs and the checker's settings and
returns ``guardrail`` conflicts for the pack's ``limits`` (``policyweigh.rulebook.limits``)
that the policy's shift pattern breaks; sentences come from ``policyweigh.law.limits_wording``.

How the checker reads a policy (every choice below is deliberate and tested):

- **When it speaks.** Only for a policy with a jurisdiction whose pack has limits in force
  (``GuardrailSettings.as_of``), and only when the policy says something about its working
  day: ``scope.shift_hours``, ``scope.rotation`` or a break rule. Without ``shift_hours`` the
  checker assumes ``GuardrailSettings.default_shift_hours``, as for breaks, and says so.
- **Working time.** The longest working day counts working time: ``scope.shift_hours``
  (presence, breaks included, to the minute) less the breaks that are no working time, as
  the break checker computes it (``policyweigh.law.check``: each break rule's breaks a shift,
  read the way the pack's first break requirement in force reads working time, so Germany
  takes out every break of 15 minutes or more, paid or not, and the other packs the unpaid
  ones). A limit of N hours holds N hours 00 minutes and breaks at N hours 01 minute. Where
  a pack has several maxima (Germany: 8 hours, 10 only if averaged), only the highest one a
  shift exceeds is reported.
- **Rest between working days.** ``scope.rotation`` is the start times one person works on
  consecutive days; every shift is ``shift_hours`` long. The rest between day i and day
  i + 1 is 24 hours plus the next start less the end of day i's shift, on a time line that
  runs past midnight: a 22:00 shift of 8 hours ends at 06:00, and a 14:00 shift the next day
  starts 8 hours later. A rest of exactly the limit is lawful, one minute less is not;
  shifts that overlap leave no rest at all. Without a rotation (or with one day) there is
  nothing to check.
- **Shorter rests the law allows.** A limit's ``reduced`` rest (at a change of shift, once
  in so many days, in some sectors) turns a shorter rest of at least its floor into a
  warning that says when it is lawful; a second one within ``once_in_days`` days of the
  pattern, or one below the floor, stays a breach. ``exceptions`` (agreements,
  authorisations, emergencies a policy cannot state) are said in every finding of the limit.

There is one conflict per limit. A working-day conflict names the policy's break rules
(its working time comes from them); a rest conflict is about the scope and names no rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from policyweigh.law import wording
from policyweigh.law.check import GuardrailSettings, Shifts, shifts_of, working_time
from policyweigh.law.limits_wording import (
    RestCase,
    max_hours_clause,
    rest_clause,
    rest_exceptions_clause,
    rest_gap,
)
from policyweigh.policy import BreakRule, Policy, minutes_of_day
from policyweigh.results import Conflict, Severity, rule_ref
from policyweigh.rulebook.guardrails import GuardrailPacks, hours_to_minutes
from policyweigh.rulebook.limits import WorkingTimeLimit

__all__ = ["DAY", "RestGap", "check_limits", "rest_gaps"]

DAY = 24 * 60
"""Minutes in a day: the next day's shift starts this much later on the time line."""


@dataclass(frozen=True)
class RestGap:
    """The rest between one day of a rotation and the next."""

    day: int
    """The first of the two days, 1 for the rotation's first."""
    start: int
    """Minute of the day that day's shift starts."""
    next_start: int
    """Minute of the day the next day's shift starts."""
    rest: int
    """Minutes from the end of the first shift to the start of the next; negative when they overlap."""

    @property
    def shift_change(self) -> bool:
        """Whether the worker changes shift: the next day starts at another time of day."""
        return self.start != self.next_start


def rest_gaps(rotation: Sequence[str], shift_minutes: int) -> list[RestGap]:
    """The rest between each day of ``rotation`` (HH:MM starts on consecutive days) and the next,
    every shift ``shift_minutes`` long: (24 h + next start) - (start + shift length)."""
    starts = [minutes_of_day(s) for s in rotation]
    return [
        RestGap(day, start, after, DAY + after - (start + shift_minutes))
        for day, (start, after) in enumerate(pairwise(starts), start=1)
    ]


@dataclass
class _Finding:
    """What one limit finds: its clauses, each with its severity."""

    clauses: list[str] = field(default_factory=list)
    severities: list[Severity] = field(default_factory=list)

    def add(self, clause: str, severity: Severity) -> None:
        self.clauses.append(clause)
        self.severities.append(severity)


def _max_hours(
    limits: Sequence[WorkingTimeLimit], policy: Policy, shifts: Shifts, assumed: float | None
) -> tuple[WorkingTimeLimit, _Finding] | None:
    """The highest maximum the shifts' working time exceeds, with its finding; none if within all."""
    over = [limit for limit in limits if shifts.worked > hours_to_minutes(limit.hours)]
    if not over:
        return None
    limit = max(over, key=lambda item: (item.hours, item.code))
    scope = policy.scope
    starts = sorted({minutes_of_day(s) for s in (*scope.shift_starts, *scope.rotation)})
    clause = max_hours_clause(
        starts=starts,
        presence=shifts.minutes,
        worked=shifts.worked,
        limit_hours=limit.hours,
        per=limit.per,
        exceptions=limit.exceptions,
    )
    finding = _Finding()
    finding.add(clause, limit.severity)
    for extra in wording.assumption_clauses(shift_hours=assumed, shift_start=None):
        finding.add(extra, "warning")
    return limit, finding


def _read_gap(limit: WorkingTimeLimit, gap: RestGap, last_reduced: int | None) -> tuple[RestCase, Severity]:
    """How the law reads one gap shorter than ``limit``, given the day the last shortened rest the
    law allowed came after (``last_reduced``)."""
    reduced = limit.reduced
    if gap.rest < 0:
        return "required", "error"  # overlapping shifts: no rest at all, whatever the law allows
    if reduced is None or (reduced.shift_change and not gap.shift_change):
        return "required", limit.severity
    if gap.rest < hours_to_minutes(reduced.hours):
        return "below-floor", limit.severity
    window = reduced.once_in_days
    if window is not None and last_reduced is not None and gap.day - last_reduced < window:
        return "again", limit.severity
    return "reduced", "warning"


def _rest(
    limit: WorkingTimeLimit, gaps: Sequence[RestGap], shift_minutes: int, assumed: float | None
) -> _Finding | None:
    """The gaps of a rotation shorter than ``limit``, worded in groups the law reads alike."""
    required = hours_to_minutes(limit.hours)
    reduced = limit.reduced
    groups: dict[tuple[RestCase, int, Severity], list[str]] = {}
    last_reduced: int | None = None
    for gap in gaps:
        if gap.rest >= required:
            continue
        case, severity = _read_gap(limit, gap, last_reduced)
        previous = last_reduced if case == "again" and last_reduced is not None else 0
        if case == "reduced":
            last_reduced = gap.day
        phrase = rest_gap(
            day=gap.day,
            start=gap.start,
            shift_minutes=shift_minutes,
            next_start=gap.next_start,
            rest=gap.rest,
        )
        groups.setdefault((case, previous, severity), []).append(phrase)
    if not groups:
        return None
    finding = _Finding()
    for (case, previous, severity), phrases in groups.items():
        clause = rest_clause(
            phrases,
            case=case,
            limit_hours=limit.hours,
            floor_hours=reduced.hours if reduced is not None else 0,
            note=reduced.note if reduced is not None else "",
            days=(reduced.once_in_days or 0) if reduced is not None else 0,
            previous=previous,
        )
        finding.add(clause, severity)
    if limit.exceptions:
        said = any(case != "required" for case, _, _ in groups)  # a gap's clause named the shorter rest
        finding.add(rest_exceptions_clause(limit.exceptions, reduced=said), "warning")
    for extra in wording.assumption_clauses(shift_hours=assumed, shift_start=None):
        finding.add(extra, "warning")
    return finding


def _conflict(policy: Policy, limit: WorkingTimeLimit, finding: _Finding, refs: Sequence[int]) -> Conflict:
    severity: Severity = "error" if "error" in finding.severities else "warning"
    return Conflict(
        code=limit.code,
        kind="guardrail",
        severity=severity,
        policies=[policy.id],
        rules=[rule_ref(policy.id, index) for index in refs],
        explanation=wording.explanation(finding.clauses, limit.citation),
        citation=limit.citation,
    )


def check_limits(policy: Policy, *, settings: GuardrailSettings, packs: GuardrailPacks) -> list[Conflict]:
    """Hold a policy's shifts to the daily limits of its jurisdiction's pack, sorted by code.

    ``packs`` are the rulebook's packs (``Rulebook.guardrails``) and ``settings`` the checker's
    assumptions, as for ``policyweigh.law.check.check_guardrails``; see the module docstring for
    how a policy is read. No jurisdiction, no pack, no limit in force or nothing said about the
    working day: no conflict (the break checker's report gives the note).
    """
    if policy.jurisdiction is None:
        return []
    pack = packs.get(policy.jurisdiction)
    if pack is None:
        return []
    limits = [limit for limit in pack.limits if limit.in_force(settings.as_of)]
    scope = policy.scope
    breaks = [i for i, r in enumerate(policy.rules) if isinstance(r, BreakRule)]
    if not limits or (scope.shift_hours is None and not scope.rotation and not breaks):
        return []
    maxima = [limit for limit in limits if limit.kind == "max-daily-hours"]
    rests = [limit for limit in limits if limit.kind == "min-daily-rest"]
    hours = scope.shift_hours if scope.shift_hours is not None else settings.default_shift_hours
    gaps = rest_gaps(scope.rotation, hours_to_minutes(hours))
    if not maxima and not (rests and gaps):
        return []
    # The working time needs the break checker's reading (its placements); the rest needs presence only.
    shifts = working_time(policy, pack, settings) if maxima else shifts_of(policy, settings)
    assumed = settings.default_shift_hours if shifts.hours_assumed else None
    found: list[Conflict] = []
    over = _max_hours(maxima, policy, shifts, assumed)
    if over is not None:
        found.append(_conflict(policy, over[0], over[1], breaks))
    for limit in rests:
        short = _rest(limit, gaps, shifts.minutes, assumed)
        if short is not None:
            found.append(_conflict(policy, limit, short, ()))
    return sorted(found, key=lambda conflict: conflict.code)
