"""Legal guardrails on breaks: per-jurisdiction requirements as data, and an exact checker.

The requirements live in ``engine/rulebook/data/guardrails.yaml`` (one pack per
jurisdiction, each requirement with a stable ``GRD`` code, its figures, the
article it comes from and how the article is read). ``check_guardrails`` holds
one policy's break rules to the pack of the policy's ``jurisdiction`` and
returns ``guardrail`` conflicts; without a jurisdiction it gives no legal
verdict at all.

How the checker reads a policy (every choice below is deliberate and tested):

- **Shift length.** ``scope.shift_hours`` (breaks included), rounded to the
  minute; a requirement applies when the shift is *over* its threshold
  (6 h 00 is not over 6 hours, 6 h 01 is) or *reaches* it (France: 6 h 00
  does). Without ``shift_hours`` the checker assumes
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
  Philippine coffee breaks bind ``rest`` and ``any`` only. Each break rule
  stands for one break per shift.
- **Satisfied by the policy, not by each rule.** The length is met when one
  counting rule is long enough (or, where the law allows splitting, when the
  counting rules of at least the minimum part add up to the total). The timing
  is met at a shift start when any counting rule can place its breaks; only
  when none can is each of them reported. An unpaid rule where the law counts
  the break as paid is a breach of that rule whatever the others say.
- **Time line.** Minutes from the shift's day midnight, unrolled onto 48 hours
  so a shift starting 22:00 runs to 06:00 (minute 1800); every blocked window
  is laid on both days. Windows are half-open: a window 10:00-12:00 lets a
  break end at 10:00 or start at 12:00.
- **Where a break may go.** A break of ``max(rule's min_minutes, shortest
  lawful break)`` minutes (the shortest lawful break is the minimum part where
  the law allows splitting) must not touch a blocked window, must start at
  least ``edge_margin_minutes`` (30) after the shift starts and end at least
  that long before it ends (a break at the very start or end of a shift does
  not interrupt it), and several breaks due on one shift are at least that
  long apart. ``start-by`` N hours: the break may start at shift start + N h,
  the minute itself included, and not one minute later; ``end-by`` N hours:
  it must end by then. No deadline: it only has to fit in the shift. Breaks
  are placed as early as possible, which finds a placement whenever one
  exists.

Explanations name the values (shift start, deadline, blocked windows, minutes)
and end with the article. There is one conflict per (break rule, requirement):
several failing shift starts share it, listed in one sentence.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from engine.errors import InputError, Problem
from engine.policy import BreakRule, Jurisdiction, Policy, Time, format_minutes, minutes_of_day
from engine.results import Conflict, rule_ref
from engine.yamldoc import YamlDocument, format_path, load_yaml, problems_from_validation

__all__ = [
    "GUARDRAILS_FILE",
    "NO_JURISDICTION",
    "BreakRequirement",
    "Deadline",
    "DueBreak",
    "GuardrailFile",
    "GuardrailPack",
    "GuardrailPacks",
    "GuardrailReport",
    "GuardrailSettings",
    "LengthRange",
    "ShortenedBreak",
    "Threshold",
    "check_guardrails",
    "load_guardrails",
]

GUARDRAILS_FILE = Path(__file__).parent / "rulebook" / "data" / "guardrails.yaml"
"""The bundled guardrail packs."""

NO_JURISDICTION = "no jurisdiction set: no legal verdict"
"""The report's note for a policy without ``jurisdiction``."""

BreakKind = Literal["lunch", "rest", "any"]
Code = Annotated[str, StringConstraints(pattern=r"^GRD[0-9]{3}$")]
Name = Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]+(\.[a-z0-9.-]+)+$", max_length=80)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=2000, strip_whitespace=True)]

_DAY = 24 * 60


class _Model(BaseModel):
    """Base of the guardrail file's models: strict, closed, immutable."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, use_attribute_docstrings=True)


def _minutes(hours: float) -> int:
    return round(hours * 60)


def _hours(hours: float) -> str:
    return "1 hour" if hours == 1 else f"{hours:g} hours"


class Threshold(_Model):
    """A shift-length condition: over (strictly longer than) or reaches X hours, optionally up to Y."""

    over_hours: float | None = Field(default=None, ge=0, le=24)
    """Holds for shifts strictly longer than this many hours."""
    reaches_hours: float | None = Field(default=None, gt=0, le=24)
    """Holds for shifts of this many hours or longer."""
    up_to_hours: float | None = Field(default=None, gt=0, le=24)
    """Holds only for shifts of at most this many hours (included)."""

    @model_validator(mode="after")
    def _one_bound(self) -> Threshold:
        if (self.over_hours is None) == (self.reaches_hours is None):
            raise ValueError("give exactly one of over_hours and reaches_hours")
        low = self.over_hours if self.over_hours is not None else self.reaches_hours
        if self.up_to_hours is not None and low is not None and self.up_to_hours <= low:
            raise ValueError(
                f"up_to_hours must be above the threshold of {low:g} hours; got {self.up_to_hours:g}"
            )
        return self

    def holds(self, shift_minutes: int) -> bool:
        """Whether a shift of this many minutes meets the condition (compared in whole minutes)."""
        if self.over_hours is not None:
            low_ok = shift_minutes > _minutes(self.over_hours)
        else:
            low_ok = shift_minutes >= _minutes(self.reaches_hours or 0)
        return low_ok and (self.up_to_hours is None or shift_minutes <= _minutes(self.up_to_hours))

    def phrase(self) -> str:
        """The condition in words: "once a shift is over 6 hours"."""
        if self.up_to_hours is not None:
            if self.over_hours is not None:
                return f"for shifts over {self.over_hours:g} and up to {_hours(self.up_to_hours)}"
            return f"for shifts of {self.reaches_hours:g} up to {_hours(self.up_to_hours)}"
        if self.over_hours is not None:
            return (
                "on every shift"
                if self.over_hours == 0
                else f"once a shift is over {_hours(self.over_hours)}"
            )
        return f"once a shift reaches {_hours(self.reaches_hours or 0)}"


class Deadline(_Model):
    """When a break must start (start-by) or end (end-by), counted from the shift's start."""

    hours: float = Field(gt=0, le=24)
    """Hours after the shift starts; the minute itself is still in time."""
    kind: Literal["start-by", "end-by"]
    """Whether the break must start or end by then."""


class DueBreak(_Model):
    """One break due on a shift."""

    when: Threshold | None = None
    """A further shift-length condition for this break; none: whenever the requirement applies."""
    deadline: Deadline | None = None
    """By when the break must be taken; none: anywhere in the shift."""


class ShortenedBreak(_Model):
    """A shorter break the law allows in some cases."""

    min_minutes: int = Field(gt=0, le=240)
    """Shortest length of the shortened break."""
    paid: bool
    """Whether the shortened break must be paid."""
    note: Text
    """When the law allows it, in words that follow "only"."""


class LengthRange(_Model):
    """Break lengths a requirement concerns, both ends included."""

    from_minutes: int = Field(gt=0, le=240)
    to_minutes: int = Field(gt=0, le=240)

    @model_validator(mode="after")
    def _ordered(self) -> LengthRange:
        if self.from_minutes > self.to_minutes:
            raise ValueError(f"from_minutes {self.from_minutes} is above to_minutes {self.to_minutes}")
        return self


class BreakRequirement(_Model):
    """One legal requirement on breaks, with its figures and article."""

    code: Code
    """Stable code, GRD and three digits."""
    jurisdiction: Jurisdiction
    """The pack it belongs to."""
    name: Name
    """Dotted name, e.g. uk.rest-break."""
    label: Text
    """What the law calls these breaks, plural (used in explanations)."""
    summary: Text
    """One line."""
    applies: Threshold
    """Shift lengths the requirement applies to."""
    binds: list[BreakKind] = Field(min_length=1, max_length=3)
    """Break kinds held to the requirement."""
    counts_if_long_enough: list[BreakKind] = Field(default_factory=list, max_length=3)
    """Break kinds that count only when at least one lawful break long."""
    breaks: list[DueBreak] = Field(default_factory=list, max_length=8)
    """The breaks due, in order; empty: the law rules on breaks given but requires none."""
    min_minutes: int | None = Field(default=None, gt=0, le=240)
    """Shortest lawful total; none: left to national law (GuardrailSettings.default_break_minutes)."""
    min_block_minutes: int | None = Field(default=None, gt=0, le=240)
    """Shortest part, where the law allows splitting the total."""
    shortened: ShortenedBreak | None = None
    """A shorter break allowed in some cases."""
    lengths: LengthRange | None = None
    """Only breaks of these lengths are concerned."""
    paid: bool = False
    """Whether the law counts the break as paid working time."""
    off_duty: bool = False
    """Whether the worker must be relieved of all duty (not checkable in policy format v1)."""
    severity: Literal["error", "warning"] = "error"
    """Severity of a breach: warning where the reading is uncertain."""
    citation: Text
    """The article, as conflicts cite it."""
    source: Text
    """Where the figures come from and how they are read."""
    assumption: Text | None = None
    """What the pack assumes beyond the text of the law."""

    @model_validator(mode="after")
    def _consistent(self) -> BreakRequirement:
        both = sorted(set(self.binds) & set(self.counts_if_long_enough))
        if both:
            raise ValueError(f"{', '.join(both)} is listed in both binds and counts_if_long_enough")
        if not self.breaks:
            if (
                self.min_minutes is not None
                or self.min_block_minutes is not None
                or self.shortened is not None
            ):
                raise ValueError(
                    "a requirement with no breaks due has no length to check; remove the lengths"
                )
            if not self.paid:
                raise ValueError("a requirement with no breaks due checks only pay, so it needs paid: true")
        block, total = self.min_block_minutes, self.min_minutes
        if block is not None and total is not None and block >= total:
            raise ValueError(
                f"min_block_minutes ({self.min_block_minutes}) must be below min_minutes ({self.min_minutes})"
            )
        if self.shortened is not None:
            if self.min_minutes is None or self.shortened.min_minutes >= self.min_minutes:
                raise ValueError("shortened.min_minutes must be below the requirement's min_minutes")
            if self.min_block_minutes is not None:
                raise ValueError("give either shortened or min_block_minutes, not both")
        return self


class GuardrailPack(_Model):
    """The requirements of one jurisdiction."""

    title: Text
    """The jurisdiction and its law, for people."""
    requirements: list[BreakRequirement] = Field(min_length=1, max_length=50)
    """The requirements, checked in this order."""


class GuardrailFile(_Model):
    """The guardrails file: a format version and one pack per jurisdiction."""

    version: Literal[1]
    """Format version of the file."""
    packs: dict[Jurisdiction, GuardrailPack]
    """Jurisdiction to its pack."""


GuardrailPacks = Mapping[str, GuardrailPack]
"""Loaded packs: jurisdiction to pack."""


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


# --------------------------------------------------------------------------- loading


def load_guardrails(path: str | Path | None = None) -> GuardrailPacks:
    """Load guardrail packs (the bundled file when ``path`` is None); cached while the file is unchanged.

    Raises ``InputError`` with located problems for a file that cannot be read or is invalid.
    """
    file = Path(path) if path is not None else GUARDRAILS_FILE
    try:
        stat = file.stat()
    except OSError:
        return _read(str(file))  # raises the located "cannot read" problem
    return _cached(str(file), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=16)
def _cached(file: str, mtime_ns: int, size: int) -> GuardrailPacks:
    # mtime and size are part of the key so an edited file is read again.
    return _read(file)


def _read(file: str) -> GuardrailPacks:
    doc = load_yaml(file)
    try:
        parsed = GuardrailFile.model_validate(doc.data)
    except ValidationError as err:
        raise InputError(problems_from_validation(doc, err, model=GuardrailFile)) from None
    problems = _cross_check(doc, parsed)
    if problems:
        raise InputError(problems)
    return MappingProxyType({str(key): pack for key, pack in parsed.packs.items()})


def _cross_check(doc: YamlDocument, parsed: GuardrailFile) -> list[Problem]:
    """Check what one requirement cannot see: its pack's key and codes unique across the file."""
    problems: list[Problem] = []
    first: dict[str, int] = {}
    for key, pack in parsed.packs.items():
        for index, req in enumerate(pack.requirements):
            base = ("packs", key, "requirements", index)
            if req.jurisdiction != key:
                path = (*base, "jurisdiction")
                line, column = doc.locate(path)
                problems.append(
                    Problem(
                        doc.file,
                        line,
                        column,
                        format_path(path),
                        f"{req.code} is in the {key} pack but names jurisdiction {req.jurisdiction}",
                    )
                )
            path = (*base, "code")
            line, column = doc.locate(path)
            if req.code in first:
                problems.append(
                    Problem(
                        doc.file,
                        line,
                        column,
                        format_path(path),
                        f"code {req.code} already used on line {first[req.code]}",
                    )
                )
            else:
                first[req.code] = line
    return sorted(problems, key=lambda p: (p.line, p.column, p.message))


# --------------------------------------------------------------------------- placing breaks

_Block = tuple[int, int, str]
"""A blocked window on the unrolled time line: start, end (exclusive), and its text."""


def _unroll(rule: BreakRule) -> list[_Block]:
    blocks = [
        (w.start + day * _DAY, w.end + day * _DAY, f"{w.from_}-{w.to}")
        for w in rule.blocked_windows
        for day in (0, 1)
    ]
    return sorted(blocks)


def _earliest(blocks: Sequence[_Block], earliest: int, latest: int, length: int) -> int | None:
    """The earliest start in [earliest, latest] of a break of ``length`` that touches no block."""
    start = earliest
    while start <= latest:
        clash = [end for begin, end, _ in blocks if begin < start + length and start < end]
        if not clash:
            return start
        start = max(clash)
    return None


@dataclass(frozen=True)
class _Miss:
    """A due break that cannot be placed on one shift, with what the explanation needs."""

    index: int
    """Which due break (0 is the first)."""
    count: int
    """How many breaks are due on the shift."""
    length: int
    """Minutes of the break looked for."""
    deadline: int | None
    """The deadline on the unrolled time line; none: the break only has to fit in the shift."""
    deadline_hours: float | None
    kind: Literal["start-by", "end-by"] | None
    inside: str | None
    """The blocked window the deadline falls in, if it does."""
    windows: tuple[str, ...]
    """Blocked windows between the first usable minute and the last start looked at, in time order."""
    margin: bool
    """Whether the edge margin is what leaves no room (a placement exists without it)."""
    shift_end: int


def _due(req: BreakRequirement, shift_minutes: int) -> list[DueBreak]:
    return [d for d in req.breaks if d.when is None or d.when.holds(shift_minutes)]


def _first_miss(
    blocks: Sequence[_Block],
    due: Sequence[DueBreak],
    start: int,
    shift_minutes: int,
    length: int,
    margin: int,
) -> tuple[int, int, int] | None:
    """Place the due breaks as early as possible; return (index, earliest, latest) of the first that fails."""
    end = start + shift_minutes
    earliest = start + margin
    for index, due_break in enumerate(due):
        latest = end - margin - length
        deadline = due_break.deadline
        if deadline is not None:
            limit = start + _minutes(deadline.hours)
            latest = min(latest, limit if deadline.kind == "start-by" else limit - length)
        placed = _earliest(blocks, earliest, latest, length)
        if placed is None:
            return index, earliest, latest
        earliest = placed + length + margin
    return None


def _place(
    req: BreakRequirement, rule: BreakRule, length: int, start: int, shift_minutes: int, margin: int
) -> _Miss | None:
    """Whether the rule's breaks fit on the shift starting at ``start``; the first miss if not."""
    blocks = _unroll(rule)
    due = _due(req, shift_minutes)
    miss = _first_miss(blocks, due, start, shift_minutes, length, margin)
    if miss is None:
        return None
    index, earliest, latest = miss
    deadline = due[index].deadline
    limit = start + _minutes(deadline.hours) if deadline is not None else None
    inside = None
    if deadline is not None and limit is not None:
        for begin, end, text in blocks:
            if (begin <= limit < end) if deadline.kind == "start-by" else (begin < limit <= end):
                inside = text
                break
    # Windows from the first usable minute on: for a later break, they are what pushed the earlier ones.
    high = max(earliest, latest) + length
    windows: list[str] = []
    for begin, end, text in blocks:
        if begin < high and end > start + margin and text not in windows:
            windows.append(text)
    without_margin = _first_miss(blocks, due, start, shift_minutes, length, 0) is None
    return _Miss(
        index=index,
        count=len(due),
        length=length,
        deadline=limit,
        deadline_hours=deadline.hours if deadline is not None else None,
        kind=deadline.kind if deadline is not None else None,
        inside=inside,
        windows=tuple(windows),
        margin=margin > 0 and without_margin,
        shift_end=start + shift_minutes,
    )


# --------------------------------------------------------------------------- words

_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")
_NUMBERS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight")
_KINDS = {"lunch": "lunch breaks", "rest": "rest breaks", "any": "breaks"}


def _join(items: Sequence[str]) -> str:
    """Join words the way a sentence lists them: a; a and b; a, b and c."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _duration(minutes: int) -> str:
    """480 gives "8 hours", 361 "6 hours 1 minute", 30 "30 minutes"."""
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append("1 hour" if hours == 1 else f"{hours} hours")
    if rest or not hours:
        parts.append("1 minute" if rest == 1 else f"{rest} minutes")
    return " ".join(parts)


def _margin_note(margin: int, several: bool) -> str:
    note = f"breaks in the first or last {margin} minutes of a shift do not count"
    if several:
        note += f", and breaks are at least {margin} minutes apart"
    return f" ({note})"


def _breaks_phrase(miss: _Miss) -> str:
    """Name the break looked for: no 20-minute break, or the second of two 10-minute breaks."""
    if miss.count == 1:
        return f"no {miss.length}-minute break"
    return f"the {_ORDINALS[miss.index]} of {_NUMBERS[miss.count]} {miss.length}-minute breaks"


def _timing_clause(group: Sequence[tuple[int, _Miss]], margin: int) -> str:
    """One clause for shift starts that fail the same way."""
    starts = [format_minutes(start) for start, _ in group]
    first = group[0][1]
    single = len(group) == 1
    windows: list[str] = []
    for _, miss in group:
        windows.extend(w for w in miss.windows if w not in windows)
    note = _margin_note(margin, first.count > 1) if first.margin else ""
    breaks = _breaks_phrase(first)
    if first.deadline is not None and first.deadline_hours is not None:
        subject = f"the shift starting {starts[0]}" if single else f"the shifts starting {_join(starts)}"
        deadlines = _join([format_minutes(m.deadline or 0) for _, m in group])
        text = f"{subject} {'reaches' if single else 'reach'} {_hours(first.deadline_hours)} at {deadlines}"
        if first.inside is not None:
            if single:
                text += f", inside the blocked window {first.inside}"
                others = [w for w in windows if w != first.inside]
                if others:
                    text += f", and breaks are also blocked {_join(others)}"
            else:
                text += ", each inside a blocked window"
                if windows:
                    text += f", and breaks are blocked {_join(windows)}"
        elif windows:
            text += f" and breaks are blocked {_join(windows)}"
        verb = "start" if first.kind == "start-by" else "end"
        then = deadlines if single else "then"
        if first.count == 1:
            return f"{text}{note}, so {breaks} can {verb} by {then}"
        return f"{text}{note}, so {breaks} cannot {verb} by {then}"
    if single:
        fit = f"the shift from {starts[0]} to {format_minutes(first.shift_end)}"
    else:
        fit = f"the shifts starting {_join(starts)}"
    if windows:
        text = f"breaks are blocked {_join(windows)}{note}"
        if first.count == 1:
            return f"{text}, so {breaks} fits in {fit}"
        return f"{text}, so {breaks} does not fit in {fit}"
    room = "a " + breaks.removeprefix("no ") if first.count == 1 else breaks
    return f"{fit} {'leaves' if single else 'leave'} no room for {room}{note}"


# --------------------------------------------------------------------------- checking


@dataclass
class _Finding:
    """What is wrong with one break rule against one requirement."""

    clauses: list[str] = field(default_factory=list)
    severities: list[str] = field(default_factory=list)
    first_start: int = -1
    timing: bool = False

    def add(self, clause: str, severity: str) -> None:
        self.clauses.append(clause)
        self.severities.append(severity)


@dataclass(frozen=True)
class _Shifts:
    minutes: int
    hours_assumed: bool
    starts: tuple[int, ...]
    start_assumed: bool


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
    return _Shifts(_minutes(hours), scope.shift_hours is None, starts, assumed)


def _shortest(req: BreakRequirement, rule: BreakRule, full: int) -> int:
    """The shortest lawful single break for this rule: a part where splitting is allowed."""
    if req.min_block_minutes is not None:
        return req.min_block_minutes
    short = req.shortened
    if short is not None and rule.min_minutes >= short.min_minutes and (rule.paid or not short.paid):
        return short.min_minutes
    return full


def _length_clause(
    req: BreakRequirement, rule: BreakRule, full: int, total: int, shift_minutes: int
) -> tuple[str, str]:
    """The clause and its severity for a counting rule shorter than the legal minimum."""
    on = f"on shifts of {_duration(shift_minutes)}, {_KINDS[rule.break_]} of {rule.min_minutes} minutes"
    when = req.applies.phrase()
    if req.min_minutes is None:
        return (
            f"{on} are shorter than the {full} minutes assumed for the break due {when}, "
            "a length left to national law",
            "error",
        )
    block = req.min_block_minutes
    if block is not None and rule.min_minutes >= block:
        return (
            f"{on} count towards the {full} minutes required {when}, "
            f"but the policy's breaks add up to {total} minutes",
            "error",
        )
    text = f"{on} are shorter than the {full} minutes required {when}"
    if block is not None:
        return f"{text} (which may be split into parts of at least {block} minutes)", "error"
    short = req.shortened
    if short is not None and rule.min_minutes >= short.min_minutes:
        if rule.paid or not short.paid:
            paid = "paid " if short.paid else ""
            return (
                f"{text}, and a shorter {paid}break of at least {short.min_minutes} minutes "
                f"is lawful only {short.note}",
                "warning",
            )
        return f"{text}, and a shorter break must be paid", "error"
    return text, "error"


def _candidates(
    req: BreakRequirement, rules: Sequence[tuple[int, BreakRule]], full: int | None
) -> list[tuple[int, BreakRule]]:
    """The policy's break rules that count for the requirement (see the module docstring)."""
    found = []
    for index, rule in rules:
        lengths = req.lengths
        if lengths is not None and not lengths.from_minutes <= rule.min_minutes <= lengths.to_minutes:
            continue
        if rule.break_ in req.binds:
            found.append((index, rule))
        elif rule.break_ in req.counts_if_long_enough and full is not None:
            part = req.min_block_minutes if req.min_block_minutes is not None else full
            if rule.min_minutes >= part:
                found.append((index, rule))
    return found


def _check_requirement(
    req: BreakRequirement,
    rules: Sequence[tuple[int, BreakRule]],
    shifts: _Shifts,
    settings: GuardrailSettings,
) -> dict[int, _Finding]:
    """Findings per rule index for one requirement that applies to the shift length."""
    full: int | None = None
    if req.breaks:
        full = req.min_minutes if req.min_minutes is not None else settings.default_break_minutes
    candidates = _candidates(req, rules, full)
    findings: dict[int, _Finding] = {index: _Finding() for index, _ in candidates}
    if not candidates:
        return {}
    if full is not None:
        block = req.min_block_minutes
        total = sum(r.min_minutes for _, r in candidates if block is not None and r.min_minutes >= block)
        met = any(r.min_minutes >= full for _, r in candidates) or (block is not None and total >= full)
        if not met:
            for index, rule in candidates:
                findings[index].add(*_length_clause(req, rule, full, total, shifts.minutes))
    if req.paid:
        for index, rule in candidates:
            if not rule.paid:
                findings[index].add(
                    f"{_KINDS[rule.break_]} of {rule.min_minutes} minutes are unpaid, "
                    f"but {req.label} count as paid working time",
                    "error",
                )
    if full is not None and shifts.starts:
        margin = settings.edge_margin_minutes
        misses: dict[int, list[tuple[int, _Miss]]] = {}
        for start in shifts.starts:
            placed: dict[int, _Miss | None] = {}
            for index, rule in candidates:
                length = max(rule.min_minutes, _shortest(req, rule, full))
                placed[index] = _place(req, rule, length, start, shifts.minutes, margin)
            if any(miss is None for miss in placed.values()):
                continue
            for index, miss in placed.items():
                assert miss is not None
                misses.setdefault(index, []).append((start, miss))
        for index, failed in misses.items():
            finding = findings[index]
            finding.first_start = failed[0][0]
            finding.timing = True
            groups: dict[tuple[object, ...], list[tuple[int, _Miss]]] = {}
            for start, miss in failed:
                key = (miss.index, miss.count, miss.inside is not None, miss.margin)
                groups.setdefault(key, []).append((start, miss))
            for group in groups.values():
                finding.add(_timing_clause(group, margin), "error")
    return {index: f for index, f in findings.items() if f.clauses}


def check_guardrails(
    policy: Policy,
    *,
    settings: GuardrailSettings | None = None,
    packs: GuardrailPacks | None = None,
) -> GuardrailReport:
    """Hold a policy's break rules to the legal guardrails of its jurisdiction."""
    if policy.jurisdiction is None:
        return GuardrailReport([], NO_JURISDICTION)
    settings = settings if settings is not None else GuardrailSettings()
    rules = [(i, r) for i, r in enumerate(policy.rules) if isinstance(r, BreakRule)]
    if not rules:
        return GuardrailReport([], None)
    packs = packs if packs is not None else load_guardrails()
    pack = packs.get(policy.jurisdiction)
    if pack is None:
        return GuardrailReport([], f"no guardrails for jurisdiction {policy.jurisdiction}: no legal verdict")
    shifts = _shifts(policy, settings)
    hours_text = f"{settings.default_shift_hours:g}-hour shifts"
    start_text = f"a shift starting {settings.default_shift_start}"
    notes = []
    if shifts.hours_assumed:
        notes.append(f"assumed {hours_text} (no shift_hours given)")
    if shifts.start_assumed:
        notes.append(f"assumed {start_text} (no shift_starts given)")
    elif not shifts.starts:
        notes.append("break deadlines not checked (no shift_starts given)")
    found: list[tuple[tuple[int, int, str], Conflict]] = []
    for req in pack.requirements:
        if not req.applies.holds(shifts.minutes):
            continue
        for index, finding in _check_requirement(req, rules, shifts, settings).items():
            clauses = list(finding.clauses)
            if shifts.hours_assumed:
                clauses.append(f"assuming {hours_text}, as the policy gives no shift_hours")
            if finding.timing and shifts.start_assumed:
                clauses.append(f"assuming {start_text}, as the policy gives no shift_starts")
            severity = "error" if "error" in finding.severities else "warning"
            if req.severity == "warning":
                severity = "warning"
            conflict = Conflict(
                code=req.code,
                kind="guardrail",
                severity=severity,
                policies=[policy.id],
                rules=[rule_ref(policy.id, index)],
                explanation=f"{'; '.join(clauses)} ({req.citation})",
                citation=req.citation,
            )
            found.append(((index, finding.first_start, req.code), conflict))
    found.sort(key=lambda item: item[0])
    return GuardrailReport([c for _, c in found], "; ".join(notes) or None)
