"""Daily limits of a guardrail pack: the longest working day and the shortest rest between working days.

A pack of ``engine/rulebook/data/guardrails.yaml`` may hold, beside its break
requirements, a ``limits`` list of ``WorkingTimeLimit`` entries: each one figure of
the law (10 hours of work a day, 11 hours of rest between working days) with its
stable ``GRD`` code, the article, a link to the official text and the date it has
applied since. This module holds their models and ``cross_check_limits``, which the
loader (``policyweigh.rulebook.guardrails``) runs for what one entry cannot see: that
it sits in the pack of its own jurisdiction, and that its code is used nowhere else
in the file, break requirements included.

How the limits are held to a policy is ``policyweigh.law.limits``'s job.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Annotated, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from policyweigh.errors import Problem
from policyweigh.policy import Jurisdiction
from policyweigh.yamldoc import YamlDocument, format_path

__all__ = [
    "LimitKind",
    "ReducedRest",
    "WorkingTimeLimit",
    "cross_check_limits",
]

LimitKind = Literal["max-daily-hours", "min-daily-rest"]
"""What a limit bounds: the working time of one day, or the rest between two working days."""
Per = Literal["day", "working day", "shift"]
"""The unit the law counts a maximum in, as its words name it."""

# The same constraints as the break requirements' fields (policyweigh.rulebook.guardrails).
Code = Annotated[str, StringConstraints(pattern=r"^GRD[0-9]{3}$")]
Name = Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]+(\.[a-z0-9.-]+)+$", max_length=80)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=2000, strip_whitespace=True)]
Url = Annotated[str, StringConstraints(pattern=r"^https://[^\s]+$", max_length=500)]


class _Model(BaseModel):
    """Base of the limits' models: strict, closed, immutable."""

    # Built on first use (a rulebook read from the cache is never validated again). The field
    # docstrings document the code; nothing reads them as descriptions, which are costly to extract.
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)


class ReducedRest(_Model):
    """A shorter daily rest the law allows in some cases, which a policy cannot state."""

    hours: float = Field(ge=0, lt=24)
    """The shortest rest then allowed; 0: the law sets no floor (it asks for compensatory rest)."""
    shift_change: bool = False
    """Only where the worker changes shift: the next day's shift starts at another time of day."""
    once_in_days: int | None = Field(default=None, ge=2, le=28)
    """At most once in this many consecutive days of the pattern; none: each time the case arises."""
    note: Text
    """When the shorter rest is lawful, in words that follow "only"."""


class WorkingTimeLimit(_Model):
    """One daily limit of the law: a longest working day or a shortest rest between working days."""

    code: Code
    """Stable code, GRD and three digits, unique across the whole guardrails file."""
    jurisdiction: Jurisdiction
    """The pack it belongs to."""
    name: Name
    """Dotted name, e.g. de.max-daily-hours."""
    summary: Text
    """One line."""
    kind: LimitKind
    """max-daily-hours: the working time of a shift may not be longer; min-daily-rest: the rest
    between the end of one working day and the start of the next may not be shorter."""
    hours: float = Field(gt=0, le=24)
    """The figure, in hours: compared in whole minutes (10 hours of work is within a 10-hour
    maximum, 10 hours 1 minute is over it; 11 hours of rest meets an 11-hour minimum, 10 hours
    59 minutes does not)."""
    per: Per = "day"
    """For a maximum: what the law counts it in (a day, a working day, a shift), for the wording."""
    reduced: ReducedRest | None = None
    """For a minimum rest: a shorter rest the law allows in some cases; a rest that uses it is a
    warning that says when it is lawful."""
    exceptions: Text | None = None
    """What else makes a longer day or a shorter rest lawful, in words that follow "lawful only"
    (agreements, authorisations, emergencies a policy cannot state); said in the finding."""
    severity: Literal["error", "warning"] = "error"
    """Severity of a breach: warning where the law allows more in cases a policy cannot state."""
    citation: Text
    """The article, as conflicts cite it."""
    source: Text
    """Where the figure comes from, quoted, and how it is read."""
    assumption: Text | None = None
    """What the pack assumes beyond the text of the law, and what it leaves unchecked."""
    url: Url
    """A link to the official text of the article."""
    since: datetime.date = Field(strict=False)
    """The date the limit applies from, as written (a later change of the law is a new entry
    with its own date, not an edit); YAML gives it as 2016-08-10."""
    until: datetime.date | None = Field(default=None, strict=False)
    """The first day it no longer applies; none: still in force."""

    @model_validator(mode="after")
    def _consistent(self) -> WorkingTimeLimit:
        if self.reduced is not None:
            if self.kind != "min-daily-rest":
                raise ValueError("reduced is a shorter rest, for a min-daily-rest limit only")
            if self.reduced.hours >= self.hours:
                raise ValueError(
                    f"reduced.hours ({self.reduced.hours:g}) must be below the limit's hours ({self.hours:g})"
                )
        if self.kind == "min-daily-rest" and self.per != "day":
            raise ValueError("per names the unit of a maximum; a min-daily-rest limit leaves it out")
        if self.until is not None and self.until <= self.since:
            raise ValueError(f"until ({self.until}) must be after since ({self.since})")
        return self

    def in_force(self, day: datetime.date | None) -> bool:
        """Whether the limit applies on ``day``; none: the limit still in force today."""
        if day is None:
            return self.until is None
        return self.since <= day and (self.until is None or day < self.until)


class _Coded(Protocol):
    """Anything in a pack that carries a code (a break requirement)."""

    @property
    def code(self) -> str: ...


class _PackEntries(Protocol):
    """What the cross-check reads of a pack: its requirements and its limits."""

    @property
    def requirements(self) -> Sequence[_Coded]: ...

    @property
    def limits(self) -> Sequence[WorkingTimeLimit]: ...


def cross_check_limits(doc: YamlDocument, packs: Mapping[str, _PackEntries]) -> list[Problem]:
    """Check what one limit cannot see: that it names its pack's jurisdiction, and that its code
    is used nowhere else in the file (break requirements included); problems sorted by place."""
    problems: list[Problem] = []
    first: dict[str, int] = {}
    for key, pack in packs.items():
        for index, req in enumerate(pack.requirements):
            line, _ = doc.locate(("packs", key, "requirements", index, "code"))
            first.setdefault(req.code, line)
    for key, pack in packs.items():
        for index, limit in enumerate(pack.limits):
            base = ("packs", key, "limits", index)
            if limit.jurisdiction != key:
                path = (*base, "jurisdiction")
                line, column = doc.locate(path)
                message = f"{limit.code} is in the {key} pack but names jurisdiction {limit.jurisdiction}"
                problems.append(Problem(doc.file, line, column, format_path(path), message))
            path = (*base, "code")
            line, column = doc.locate(path)
            if limit.code in first:
                message = f"code {limit.code} already used on line {first[limit.code]}"
                problems.append(Problem(doc.file, line, column, format_path(path), message))
            else:
                first[limit.code] = line
    return sorted(problems, key=lambda p: (p.line, p.column, p.message))
