"""Workload profiles: the calls a team takes per interval of a day, and its queue in each interval.

A profile is a small YAML file, read and validated like a policy (located
problems, unknown keys refused with a did-you-mean)::

    interval_minutes: 30
    target: {answered_pct: 80, within_seconds: 20}
    shrinkage_pct: 30
    patience_seconds: 90          # optional: callers hang up (Erlang A)
    intervals:
      - {start: "08:00", calls: 100, aht_seconds: 180, agents: 20}

``agents`` are the agents scheduled in the interval; shrinkage (breaks,
training, meetings, absence) leaves ``agents x (1 - shrinkage)`` of them on the
phones, rounded down. Each interval's queue is computed by
``policyweigh.queueing``: Erlang C, or Erlang A when a patience is given.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from policyweigh.errors import Problem
from policyweigh.policy import Text, Time, minutes_of_day
from policyweigh.queueing import (
    QueueResult,
    agents_on_phones,
    agents_required,
    queue,
    scheduled_for,
    traffic_erlangs,
)
from policyweigh.yamldoc import YamlDocument, load_model

MAX_INTERVALS = 96
"""The most intervals a profile holds: one day in 15-minute intervals."""

EMPTY_PROFILE = (
    "the file is empty; a workload profile needs interval_minutes, target, shrinkage_pct and intervals "
    "(see examples/workload/pie-van-inbound.yaml)"
)


class _Model(BaseModel):
    """Base of the profile's models: strict, closed, immutable, like the policy format."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        frozen=True,
        use_attribute_docstrings=True,
    )


class Target(_Model):
    """The service-level target: answered_pct of calls answered within within_seconds."""

    answered_pct: float = Field(gt=0, lt=100)
    """Share of offered calls to answer within the time, in percent (above 0, below 100)."""
    within_seconds: int = Field(gt=0, le=3600)
    """Answer time limit in seconds."""


class Interval(_Model):
    """One interval of the day: its calls, their average handle time and the agents scheduled."""

    start: Time
    """When the interval starts, HH:MM on a 24-hour clock, on the profile's interval grid."""
    calls: float = Field(ge=0, le=1_000_000)
    """Calls offered in the interval (a forecast may be fractional)."""
    aht_seconds: float = Field(gt=0, le=14_400)
    """Average handle time in seconds: talk, hold and after-call work."""
    agents: int = Field(ge=0, le=100_000)
    """Agents scheduled in the interval, before shrinkage."""


class WorkloadProfile(_Model):
    """A team's workload over a day, interval by interval, with its service-level target."""

    title: Text | None = None
    """What the profile describes (optional)."""
    interval_minutes: Literal[15, 30, 60]
    """Length of every interval in minutes: 15, 30 or 60."""
    target: Target
    """The service-level target every interval is measured against."""
    shrinkage_pct: float = Field(ge=0, lt=100)
    """Share of scheduled time off the phones (breaks, training, meetings, absence), in percent."""
    patience_seconds: float | None = Field(default=None, gt=0, le=86_400)
    """Mean time callers wait before hanging up; when given, the queue is Erlang A (with abandonment)."""
    intervals: list[Interval] = Field(min_length=1, max_length=MAX_INTERVALS)
    """The intervals of the day, in order of start time."""


@dataclass(frozen=True)
class IntervalResult:
    """One interval of a profile: what was planned and what the queue does with it."""

    interval: Interval
    """The interval as the profile states it."""
    on_phones: int
    """Scheduled agents less shrinkage, rounded down: the agents the queue model uses."""
    queue: QueueResult
    """The queue with those agents."""
    required_on_phones: int
    """The fewest agents on the phones that meet the target."""
    required_scheduled: int
    """The fewest scheduled agents that leave ``required_on_phones`` after shrinkage."""
    meets_target: bool
    """Whether the interval's service level meets the target."""


def load_profile(path: str | Path) -> WorkloadProfile:
    """Read and validate one profile file; raise ``InputError`` listing every problem in it."""
    return load_model(WorkloadProfile, path=path, empty=EMPTY_PROFILE, cross=_grid)


def load_profile_text(text: str | bytes, file: str = "<string>") -> WorkloadProfile:
    """Validate a profile given as YAML text; ``file`` names it in messages."""
    return load_model(WorkloadProfile, text=text, file=file, empty=EMPTY_PROFILE, cross=_grid)


def _grid(doc: YamlDocument, profile: WorkloadProfile) -> list[Problem]:
    return grid_problems(doc, ("intervals",), [i.start for i in profile.intervals], profile.interval_minutes)


def grid_problems(
    doc: YamlDocument, at: tuple[str | int, ...], starts: list[str], step: int
) -> list[Problem]:
    """Interval starts listed under ``at`` must sit on the ``step``-minute grid and run in order, each once."""
    problems: list[Problem] = []
    previous: str | None = None
    for index, start in enumerate(starts):
        path = (*at, index, "start")
        line, column = doc.locate(path)
        minute = minutes_of_day(start)
        if minute % step:
            below = minute - minute % step
            message = (
                f"{start} is not on the {step}-minute grid; an interval starts at "
                f"{below // 60:02d}:{below % 60:02d} or {(below + step) // 60 % 24:02d}:{(below + step) % 60:02d}"
            )
            problems.append(Problem(doc.file, line, column, doc.spell(path), message))
        elif previous is not None and minute <= minutes_of_day(previous):
            what = "repeats" if start == previous else "comes before"
            problems.append(
                Problem(
                    doc.file,
                    line,
                    column,
                    doc.spell(path),
                    f"{start} {what} the interval before it ({previous}); list intervals in "
                    "order of start time, each once",
                )
            )
        previous = start
    return problems


def analyse(profile: WorkloadProfile) -> list[IntervalResult]:
    """The queue of every interval of ``profile``, with the agents needed to meet its target."""
    target = profile.target
    results: list[IntervalResult] = []
    for interval in profile.intervals:
        traffic = traffic_erlangs(interval.calls, interval.aht_seconds, profile.interval_minutes * 60)
        on_phones = agents_on_phones(interval.agents, profile.shrinkage_pct)
        result = queue(
            traffic, on_phones, interval.aht_seconds, target.within_seconds, profile.patience_seconds
        )
        required = agents_required(
            traffic,
            interval.aht_seconds,
            target.within_seconds,
            target.answered_pct,
            profile.patience_seconds,
        )
        results.append(
            IntervalResult(
                interval=interval,
                on_phones=on_phones,
                queue=result,
                required_on_phones=required,
                required_scheduled=scheduled_for(required, profile.shrinkage_pct),
                meets_target=on_phones >= required,
            )
        )
    return results
