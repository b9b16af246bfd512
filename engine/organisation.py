"""The organisation file: teams, their shift patterns, their calls by interval, and how they take breaks today.

Read and validated like a policy (located problems, unknown keys refused with a
did-you-mean). Policies name its teams in ``scope.teams``; with the file in the
settings (``organisation = "organisation.yaml"``) or given with
``--organisation``, break, staffing, training, leader-floor-time and
after-call-work rules are judged on the team's queue (``policyweigh.rota``)
instead of by rule of thumb::

    title: Contact centres (illustrative)
    interval_minutes: 30
    teams:
      - id: inbound
        name: UK inbound customer service
        jurisdiction: uk
        target: {answered_pct: 80, within_seconds: 20}
        shrinkage_pct: 15          # absence, meetings, coaching: not the breaks the model places
        patience_seconds: 120      # optional: callers hang up (Erlang A)
        breaks: {lunch_minutes: 30, scheduling: self-organised, preferred: {from: "10:00", to: "12:00"}}
        shifts:
          - {name: early, start: "06:00", hours: 8, people: 8, contract: full-time}
        workload:
          - {start: "08:00", calls: 70, aht_seconds: 300}

A team's headcount is the sum of its shift patterns' people. Its ``breaks``
describe today's practice, the baseline every policy is compared with: how
long lunch is, who decides when (``fixed`` at the middle of the shift,
``staggered`` by planning against the queue, ``self-organised`` by staff, who
go in the ``preferred`` window when one is given: the pie van), and the
well-placed window (not in the first ``earliest_hours`` of the shift, starting
by ``latest_hours``) that a planned, decent lunch falls in.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from policyweigh.errors import Problem
from policyweigh.policy import Jurisdiction, Label, Slug, Text, Time, Window, minutes_of_day
from policyweigh.workload import Target, grid_problems
from policyweigh.yamldoc import YamlDocument, load_model

MAX_TEAMS = 200
MAX_SHIFTS = 50
MAX_HEADCOUNT = 20_000
"""People one team may have on the day: the rota's work grows with it."""
MAX_PATTERNS = 2_000
"""Shift patterns over the whole file: the queue model's work grows with them."""
MAX_INTERVALS = 96
"""One day in 15-minute intervals."""

EMPTY_ORGANISATION = (
    "the file is empty; an organisation file needs interval_minutes and teams, each with shifts and "
    "workload (see organisation.yaml in the policy library)"
)

NIGHT = ((23 * 60, 24 * 60), (0, 6 * 60))
"""Night time (23:00-06:00, as the UK Working Time Regulations 1998, reg. 2, default it; the EU
directive's night period includes 00:00-05:00): a shift with at least three hours in it is night work."""
NIGHT_MINUTES = 180

Contract = Literal["full-time", "part-time", "fixed-term", "temporary", "agency", "zero-hours"]
Scheduling = Literal["fixed", "staggered", "self-organised"]


class _Model(BaseModel):
    """Base of the organisation's models: strict, closed, immutable, like the policy format."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, use_attribute_docstrings=True)


class Shift(_Model):
    """A shift pattern: when it starts, how long it runs, how many people work it, on which contract."""

    name: Slug
    """The pattern's name, unique in its team (``early``, ``late-part-time``)."""
    start: Time
    """When the shift starts, HH:MM; a shift may run past midnight."""
    hours: float = Field(gt=0, le=16)
    """Length of the shift in hours, breaks included."""
    people: int = Field(ge=0, le=MAX_HEADCOUNT)
    """People who work this pattern on the day described."""
    contract: Contract = "full-time"
    """The contract the pattern's people work on."""
    night: bool | None = None
    """Whether it is night work; unset: at least three hours between 23:00 and 06:00."""

    @property
    def start_minute(self) -> int:
        """Minute of the day the shift starts."""
        return minutes_of_day(self.start)

    @property
    def minutes(self) -> int:
        """Length of the shift in whole minutes."""
        return round(self.hours * 60)

    @property
    def is_night(self) -> bool:
        """Night work as declared, or by the three-hour test."""
        if self.night is not None:
            return self.night
        return night_minutes(self.start_minute, self.minutes) >= NIGHT_MINUTES


def night_minutes(start: int, length: int) -> int:
    """Minutes of a shift from ``start`` (minute of the day) lasting ``length`` inside the night period."""
    total = 0
    for day in (0, 1440):
        for lo, hi in NIGHT:
            total += max(0, min(start + length, hi + day) - max(start, lo + day))
    return total


class Demand(_Model):
    """The calls of one interval of the team's day."""

    start: Time
    """When the interval starts, HH:MM, on the organisation's interval grid."""
    calls: float = Field(ge=0, le=1_000_000)
    """Calls offered in the interval (a forecast may be fractional)."""
    aht_seconds: float = Field(gt=0, le=14_400)
    """Average handle time in seconds: talk, hold and after-call work."""


class LunchWindow(_Model):
    """Where a well-placed lunch starts, in hours from the start of the shift."""

    earliest_hours: float = Field(default=2, ge=0, le=16)
    """Not before this many hours into the shift (guidance: not at the start of the day)."""
    latest_hours: float = Field(default=5, gt=0, le=16)
    """Starting no later than this many hours into the shift (by the end of the fifth hour meets
    the strictest bundled deadlines: California's meal period, Washington's 2-to-5-hour window,
    Germany's six hours in a row)."""

    @model_validator(mode="after")
    def _ordered(self) -> LunchWindow:
        if self.latest_hours < self.earliest_hours:
            raise ValueError(
                f"latest_hours ({self.latest_hours:g}) is before earliest_hours ({self.earliest_hours:g})"
            )
        return self


class TeamBreaks(_Model):
    """How the team takes lunch today: the baseline a policy is compared with."""

    lunch_minutes: int = Field(default=30, gt=0, le=240)
    """Length of the lunch break."""
    scheduling: Scheduling = "staggered"
    """Who decides when: fixed (the middle of the shift), staggered (planned against the queue),
    self-organised (staff choose: in the preferred window when one is given)."""
    preferred: Window | None = None
    """When people go for lunch when they choose themselves (the pie van at 10:00-12:00)."""
    over_hours: float = Field(default=6, ge=0, le=16)
    """Shifts longer than this take a lunch (six hours in the EU, UK and Germany; five in California)."""
    well_placed: LunchWindow = Field(default_factory=LunchWindow)
    """Where a planned, decent lunch starts within the shift."""


class Team(_Model):
    """A team: its people by shift pattern, its calls by interval, its target and today's breaks."""

    id: Slug
    """The name policies use in ``scope.teams``."""
    name: Text
    """What the team is called in reports."""
    jurisdiction: Jurisdiction | None = None
    """The country or state it works in, as a guardrail pack's key (``uk``, ``de``, ``us-ca``), for
    reports; the law a policy is checked against is the policy's own ``jurisdiction``."""
    target: Target
    """The service-level target every interval is measured against."""
    shrinkage_pct: float = Field(ge=0, lt=100)
    """Share of rostered time off the phones for absence, meetings and coaching, in percent; the
    lunch and rest breaks the model places are not part of it."""
    patience_seconds: float | None = Field(default=None, gt=0, le=86_400)
    """Mean time callers wait before hanging up; when given, the queue is Erlang A."""
    leaders: int = Field(default=0, ge=0, le=10_000)
    """Team leaders and supervisors (for leader floor time)."""
    agent_cost_per_year: float | None = Field(default=None, gt=0, le=10_000_000)
    """What one agent costs a year (pay and on-costs), to price the cost of decency."""
    currency: Label | None = None
    """Currency of ``agent_cost_per_year`` (``GBP``, ``EUR``, ``USD``)."""
    breaks: TeamBreaks = Field(default_factory=TeamBreaks)
    """How lunch is taken today."""
    shifts: list[Shift] = Field(min_length=1, max_length=MAX_SHIFTS)
    """The team's shift patterns on the day described."""
    workload: list[Demand] = Field(min_length=1, max_length=MAX_INTERVALS)
    """The calls of each interval, in order of start time; intervals not listed have none."""

    @property
    def headcount(self) -> int:
        """People on the day: the sum of every shift pattern's people."""
        return sum(s.people for s in self.shifts)


class Organisation(_Model):
    """An organisation's contact-centre teams, on one interval grid."""

    title: Text | None = None
    """What the file describes."""
    interval_minutes: Literal[15, 30, 60]
    """Length of every interval in minutes: 15, 30 or 60."""
    working_days_per_year: int = Field(default=225, ge=100, le=366)
    """Days a full-time person works in a year, to turn hours a year (training) into time off the
    phones each day."""
    teams: list[Team] = Field(min_length=1, max_length=MAX_TEAMS)
    """The teams, each with its own id."""

    def team(self, team_id: str) -> Team | None:
        """The team with id ``team_id``, if the file has one."""
        return next((t for t in self.teams if t.id == team_id), None)

    @property
    def team_ids(self) -> list[str]:
        """Every team's id, in file order."""
        return [t.id for t in self.teams]


def load_organisation(path: str | Path) -> Organisation:
    """Read and validate an organisation file; raise ``InputError`` listing every problem in it."""
    return load_model(Organisation, path=path, empty=EMPTY_ORGANISATION, cross=_cross_problems)


def load_organisation_text(text: str | bytes, file: str = "<string>") -> Organisation:
    """Validate an organisation given as YAML text; ``file`` names it in messages."""
    return load_model(Organisation, text=text, file=file, empty=EMPTY_ORGANISATION, cross=_cross_problems)


def _problem(doc: YamlDocument, path: tuple[str | int, ...], message: str) -> Problem:
    line, column = doc.locate(path)
    return Problem(doc.file, line, column, doc.spell(path), message)


def _cross_problems(doc: YamlDocument, organisation: Organisation) -> list[Problem]:
    """What the models alone cannot see: names used twice, starts off the grid or out of order."""
    problems: list[Problem] = []
    patterns = sum(len(team.shifts) for team in organisation.teams)
    if patterns > MAX_PATTERNS:
        problems.append(
            _problem(
                doc,
                ("teams",),
                f"the file has {patterns:,} shift patterns over its teams; at most {MAX_PATTERNS:,}: "
                "split the organisation into several files",
            )
        )
    seen: dict[str, int] = {}
    for t, team in enumerate(organisation.teams):
        if team.id in seen:
            problems.append(
                _problem(
                    doc,
                    ("teams", t, "id"),
                    f"team {team.id!r} is already described as teams[{seen[team.id]}]; give each team once",
                )
            )
        seen.setdefault(team.id, t)
        names: dict[str, int] = {}
        for s, shift in enumerate(team.shifts):
            if shift.name in names:
                problems.append(
                    _problem(
                        doc,
                        ("teams", t, "shifts", s, "name"),
                        f"shift pattern {shift.name!r} is already listed as shifts[{names[shift.name]}] "
                        f"of team {team.id!r}; name each pattern once",
                    )
                )
            names.setdefault(shift.name, s)
        if team.headcount > MAX_HEADCOUNT:
            problems.append(
                _problem(
                    doc,
                    ("teams", t, "shifts"),
                    f"team {team.id!r} has {team.headcount:,} people over its shift patterns; at most "
                    f"{MAX_HEADCOUNT:,} per team: describe a larger department as several teams",
                )
            )
        if team.agent_cost_per_year is not None and team.currency is None:
            problems.append(
                _problem(
                    doc,
                    ("teams", t, "agent_cost_per_year"),
                    "agent_cost_per_year needs its currency: add currency (GBP, EUR, USD...)",
                )
            )
        problems.extend(
            grid_problems(
                doc, ("teams", t, "workload"), [d.start for d in team.workload], organisation.interval_minutes
            )
        )
    return problems
