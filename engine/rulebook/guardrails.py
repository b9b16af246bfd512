"""Guardrail packs: the legal requirements on breaks, per jurisdiction, as rulebook data.

The requirements live in ``engine/rulebook/data/guardrails.yaml`` (one pack per
jurisdiction, each requirement with a stable ``GRD`` code, its figures, the
article it comes from and how the article is read); an organisation's rulebook
may carry its own ``guardrails.yaml``. This module holds the file's models and
its loader: ``load_guardrails`` reports every problem at its file, line and
column, checks what one requirement cannot see (each pack's key, codes unique
across the file), and caches a file while it is unchanged.

How the requirements are held to a policy is ``policyweigh.law``'s job.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from policyweigh.errors import InputError, Problem
from policyweigh.law.wording import threshold_phrase
from policyweigh.policy import Jurisdiction, Window
from policyweigh.rulebook.limits import WorkingTimeLimit, cross_check_limits
from policyweigh.yamldoc import YamlDocument, format_path, load_yaml, problems_from_validation

__all__ = [
    "GUARDRAILS_FILE",
    "BreakKind",
    "BreakRequirement",
    "ClockWindow",
    "Deadline",
    "DueBreak",
    "GuardrailFile",
    "GuardrailPack",
    "GuardrailPacks",
    "LengthRange",
    "ShortenedBreak",
    "Threshold",
    "Waiver",
    "WorkingTime",
    "hours_to_minutes",
    "load_guardrails",
]

GUARDRAILS_FILE = Path(__file__).parent / "data" / "guardrails.yaml"
"""The bundled guardrail packs."""

BreakKind = Literal["lunch", "rest", "any"]
"""The break kinds of policy format v1 (a break rule's ``break``)."""
Code = Annotated[str, StringConstraints(pattern=r"^GRD[0-9]{3}$")]
Name = Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]+(\.[a-z0-9.-]+)+$", max_length=80)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=2000, strip_whitespace=True)]
Url = Annotated[str, StringConstraints(pattern=r"^https://[^\s]+$", max_length=500)]


def hours_to_minutes(hours: float) -> int:
    """Hours as whole minutes, the unit every comparison and placement is made in."""
    return round(hours * 60)


class _Model(BaseModel):
    """Base of the guardrail file's models: strict, closed, immutable."""

    # Built on first use (a rulebook read from the cache is never validated again). The field
    # docstrings document the code; nothing reads them as descriptions, which are costly to extract.
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)


class Threshold(_Model):
    """A condition on the daily working time: over (strictly longer than) or reaches X hours, optionally up to Y.

    The checker compares it with the working time of a shift (its length minus the breaks
    that are no working time, ``BreakRequirement.working_time``), as the laws count hours
    worked, not presence.
    """

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
            low_ok = shift_minutes > hours_to_minutes(self.over_hours)
        else:
            low_ok = shift_minutes >= hours_to_minutes(self.reaches_hours or 0)
        return low_ok and (self.up_to_hours is None or shift_minutes <= hours_to_minutes(self.up_to_hours))

    def phrase(self) -> str:
        """The condition in words: "once working time is over 6 hours" (worded by ``policyweigh.law.wording``)."""
        return threshold_phrase(self)


class Deadline(_Model):
    """When a break must start (start-by) or end (end-by), counted from the shift's start."""

    hours: float = Field(gt=0, le=24)
    """Hours after the shift starts; the minute itself is still in time."""
    kind: Literal["start-by", "end-by"]
    """Whether the break must start or end by then."""


class ClockWindow(Window):
    """A time of day window of a pack, as a policy's blocked window is written (``from`` included,
    ``to`` excluded; it crosses midnight when ``to`` is earlier)."""

    def holds_start(self, minute: int) -> bool:
        """Whether a shift starting at this minute of the day starts inside the window."""
        if self.start < self.end:
            return self.start <= minute < self.end
        return minute >= self.start or minute < self.end


class Waiver(_Model):
    """When staff may give a break up by mutual consent with the employer."""

    up_to_hours: float = Field(gt=0, le=24)
    """Only when the working time is at most this many hours (included)."""
    if_previous_taken: bool = False
    """Only when the break due before this one is taken, not waived."""


class DueBreak(_Model):
    """One break due on a shift."""

    when: Threshold | None = None
    """A further working-time condition for this break; none: whenever the requirement applies."""
    when_spans: ClockWindow | None = None
    """Due only on shifts that start at or before ``from`` and end at or after ``to`` (New York: a
    shift that extends over the noonday meal period 11:00 to 14:00)."""
    when_starts: ClockWindow | None = None
    """Due only on shifts that start inside this window (it may cross midnight)."""
    deadline: Deadline | None = None
    """By when the break must be taken; none: anywhere in the shift."""
    earliest_hours: float | None = Field(default=None, gt=0, le=24)
    """The break may start no earlier than this many hours after the shift starts (Washington: two)."""
    within: ClockWindow | None = None
    """The whole break lies inside this window of the day (New York: 11:00 to 14:00)."""
    middle_minutes: int | None = Field(default=None, ge=0, le=720)
    """The break starts no more than this many minutes before or after the middle of the shift."""
    waivable: Waiver | None = None
    """When staff may waive this break by mutual consent; none: it cannot be waived."""

    @model_validator(mode="after")
    def _window_in_one_day(self) -> DueBreak:
        if self.within is not None and self.within.end <= self.within.start:
            raise ValueError("within must start and end on the same day (from before to)")
        return self

    @property
    def on_the_clock(self) -> bool:
        """Whether the break is due only on some shift starts (``when_spans`` or ``when_starts``)."""
        return self.when_spans is not None or self.when_starts is not None

    def due_at(self, start: int, shift_minutes: int) -> bool:
        """Whether the break is due on a shift starting at this minute of the day, by its clock conditions."""
        if self.when_starts is not None and not self.when_starts.holds_start(start):
            return False
        spans = self.when_spans
        if spans is None:
            return True
        length = (spans.end - spans.start) % (24 * 60)
        # The window on the shift's own day or on the next one (a night shift reaching into it).
        return any(
            start <= opens and opens + length <= start + shift_minutes
            for opens in (spans.start, spans.start + 24 * 60)
        )


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


def _every_kind() -> list[BreakKind]:
    return ["lunch", "rest", "any"]


class WorkingTime(_Model):
    """Which of a policy's breaks are not working time, for a requirement's thresholds and deadlines.

    Working time is the shift (presence, breaks included) minus the breaks this says are no
    working time, each break rule once per break it gives on a shift.
    """

    excludes: Literal["unpaid", "all", "none"] = "unpaid"
    """Breaks taken out of working time: the unpaid ones (paid breaks stay working time), all
    of them whether paid or not (ArbZG section 2: a Ruhepause is no working time, pay aside), or
    none (the law's threshold is the shift as worked, breaks included: New York's "shift")."""
    from_minutes: int | None = Field(default=None, gt=0, le=240)
    """Only breaks at least this long are taken out; shorter ones are working time (ArbZG: an
    interruption under 15 minutes is no Ruhepause); none: any length."""
    kinds: list[BreakKind] = Field(default_factory=_every_kind, min_length=1, max_length=3)
    """Break kinds taken out; others are working time (California: rest periods are hours worked)."""

    def excludes_break(self, kind: str, minutes: int, paid: bool) -> bool:
        """Whether a break of this kind, length and pay is no working time."""
        if self.excludes == "none" or kind not in self.kinds:
            return False
        if self.from_minutes is not None and minutes < self.from_minutes:
            return False
        return self.excludes == "all" or not paid


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
    counts_if_paid: list[BreakKind] = Field(default_factory=list, max_length=3)
    """Break kinds that count only when paid (an unpaid one is left to the other requirements)."""
    max_continuous_hours: float | None = Field(default=None, gt=0, le=24)
    """Longest stretch of work in a row the law allows without a break that counts; none: no limit."""
    working_time: WorkingTime = Field(default_factory=WorkingTime)
    """Which of the policy's breaks are no working time (default: the unpaid ones)."""
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
    url: Url | None = None
    """A link to the official text of the article."""
    since: datetime.date | None = Field(default=None, strict=False)
    """The date the requirement applies from, as written (a later change of the law is a new
    requirement with its own date, not an edit)."""
    until: datetime.date | None = Field(default=None, strict=False)
    """The first day it no longer applies; none: still in force."""

    def in_force(self, day: datetime.date | None) -> bool:
        """Whether the requirement applies on ``day``; none: the requirement still in force today."""
        if day is None:
            return self.until is None
        return (self.since is None or self.since <= day) and (self.until is None or day < self.until)

    @model_validator(mode="after")
    def _consistent(self) -> BreakRequirement:
        lists = {
            "binds": set(self.binds),
            "counts_if_long_enough": set(self.counts_if_long_enough),
            "counts_if_paid": set(self.counts_if_paid),
        }
        names = list(lists)
        for i, first in enumerate(names):
            for second in names[i + 1 :]:
                both = sorted(lists[first] & lists[second])
                if both:
                    raise ValueError(f"{', '.join(both)} is listed in both {first} and {second}")
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
    limits: list[WorkingTimeLimit] = Field(default_factory=list, max_length=20)
    """Daily limits: the longest working day and the shortest rest between working days."""

    @property
    def checks(self) -> list[BreakRequirement | WorkingTimeLimit]:
        """Every requirement and limit of the pack, each a finding code: requirements first, in order."""
        return [*self.requirements, *self.limits]


class GuardrailFile(_Model):
    """The guardrails file: a format version and one pack per jurisdiction."""

    version: Literal[1]
    """Format version of the file."""
    packs: dict[Jurisdiction, GuardrailPack]
    """Jurisdiction to its pack."""


GuardrailPacks = Mapping[str, GuardrailPack]
"""Loaded packs: jurisdiction to pack."""


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
    problems = _cross_check(doc, parsed) + cross_check_limits(doc, parsed.packs)
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
