"""What-if sweeps: one policy evaluated at every point of a range of its fields.

A sweep varies one or more numeric or time-of-day fields of a policy
(``rules[0].max_minutes=4..12``, ``scope.headcount=20..60:10``,
``rules[0].blocked_windows[1].to=11:00..15:00:30``); several fields make a grid,
the product of their values, the first field varying slowest. At each point the
policy with those values (made by ``policyweigh.patching``, which validates it)
is evaluated alone, with conflicts found and no remedies, as ``evaluate`` would
score it: its two side scores, its verdict, whether it is lawful (no guardrail
breached at error level) and the codes of its legal findings, and the day's
service level when the evaluation carries queue numbers. A point whose values
the policy cannot take (a negative number of minutes) is reported as invalid,
with the reason, and the sweep goes on.

A point is **balanced** when neither side is a loss (``policyweigh.scoring.side_state``
with the rulebook's verdict margin) and the policy is lawful there; the sweep
names the balanced values as contiguous ranges (one field) or as boxes of the
grid (``balanced_boxes``).

Points are evaluated in this process (``jobs=1``) or by a pool of worker
processes. Each worker loads the settings and the rulebook once, from the same
files, and returns compact tuples of numbers and strings: unpickling a result
model costs more than evaluating the policy. Points go out in chunks, and the
results are put back in point order, so a sweep gives the same results whatever
the number of workers. When no worker process can be started, the sweep runs in
this process and says so in its notes.
"""

from __future__ import annotations

import gc
import math
import multiprocessing
import os
import re
import signal
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from types import NoneType, UnionType
from typing import Annotated, Any, Literal, TypeAlias, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from policyweigh.config import Settings, load_settings, resolve_rulebook
from policyweigh.errors import InputError, PolicyweighError
from policyweigh.orchestration import evaluate, unlawful_policies
from policyweigh.patching import FieldChange, Part, patch_policy
from policyweigh.policy import TIME_PATTERN, Policy, Scope, dump_policy
from policyweigh.pool import (
    PoolFailed,
    available_cores,
    default_start_method,
    die_with_parent,
    flush_streams,
    reason,
)
from policyweigh.project import NameWarning, open_settings
from policyweigh.results import QueueImpact, call_weighted
from policyweigh.rulebook import Rulebook
from policyweigh.scoring import side_state
from policyweigh.suggest import closest, quote

__all__ = [
    "MAX_POINTS",
    "Axis",
    "Outcome",
    "PointResult",
    "Subject",
    "Sweep",
    "SweepError",
    "SweepRun",
    "Value",
    "available_cores",
    "balanced_boxes",
    "balanced_ranges",
    "balanced_sentence",
    "check_fields",
    "default_start_method",
    "evaluate_point",
    "is_balanced",
    "make_sweep",
    "open_subject",
    "parse_field",
    "parse_range",
    "parse_vary",
    "run_sweep",
    "service_level",
    "show_value",
    "sweep_document",
]

MAX_POINTS = 10_000
"""The most points one sweep evaluates (all fields' values multiplied): a bound on a typo's cost."""

POINTS_PER_WORKER = 8
"""Points a worker process must have to be worth starting: fewer are evaluated by fewer workers."""
CHUNKS_PER_WORKER = 4
"""Chunks each worker gets on average: enough to even out uneven chunks and move a progress bar."""
MAX_CHUNK = 64
"""Points per chunk at most. At about a millisecond a point, a chunk takes tens of milliseconds:
the cost of sending a task and its results (well under a millisecond) stays small beside it."""

Kind: TypeAlias = Literal["number", "time"]
"""What a swept field holds: a number, or a time of day (HH:MM, its STEP in minutes)."""
Value: TypeAlias = int | float | str
"""One value of a swept field: a number, or a time of day as HH:MM."""

Outcome: TypeAlias = tuple[
    int | None, int | None, str | None, bool | None, tuple[str, ...], float | None, str | None
]
"""One point's evaluation in compact form, what a worker sends back: (employee, customer, verdict,
lawful, legal codes, service level, error). An invalid point has only its error."""


class SweepError(PolicyweighError):
    """A ``--vary`` that cannot be swept: its syntax, its range, or a field the policy does not have.

    The message does not name the option: the command line adds it.
    """


# --------------------------------------------------------------------------- fields and ranges

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_STEP = re.compile(rf"^(?P<name>{_NAME})(?P<indexes>(?:\[[0-9]+\])*)$")
_INDEX = re.compile(r"\[([0-9]+)\]")
_NUMBER = re.compile(r"^[+-]?[0-9]+(?:\.[0-9]+)?$")
_TIME = re.compile(r"^([0-9]{1,2}):([0-9]{2})$")
_FIELD_EXAMPLE = "rules[0].max_minutes or scope.headcount"
_RANGE_EXAMPLE = "4..12, 4..12:2, 0.5..2:0.25, -30..0:5 or 11:00..14:00:30"


@dataclass(frozen=True)
class Axis:
    """One varied field and the values it takes, in order."""

    field: str
    """The field as messages and output name it: ``rules[0].max_minutes``."""
    part: Part
    """The rule index, or ``scope``."""
    path: tuple[str | int, ...]
    """The field's path inside its part (names, and indexes of list entries)."""
    kind: Kind
    values: tuple[Value, ...]
    range: str
    """The range as written after the ``=``."""

    def change(self, value: Value) -> FieldChange:
        """The change that sets this field to ``value``."""
        return FieldChange(self.part, self.path, value)


@dataclass(frozen=True)
class Sweep:
    """The fields varied together; the points are every combination, the first field slowest."""

    axes: tuple[Axis, ...]

    @property
    def size(self) -> int:
        """How many points the sweep has."""
        return math.prod(len(axis.values) for axis in self.axes)

    def point(self, index: int) -> tuple[Value, ...]:
        """The values of point ``index`` (0 is the first), one per field."""
        values: list[Value] = []
        for axis in reversed(self.axes):
            index, position = divmod(index, len(axis.values))
            values.append(axis.values[position])
        return tuple(reversed(values))

    def points(self) -> Iterator[tuple[Value, ...]]:
        """Every point's values, in order."""
        return (self.point(i) for i in range(self.size))


def parse_field(text: str) -> tuple[Part, tuple[str | int, ...]]:
    """``rules[0].blocked_windows[1].to`` as (0, ("blocked_windows", 1, "to")); ``scope.headcount`` as
    ("scope", ("headcount",)). Raises ``SweepError`` for anything else."""
    steps = text.split(".")
    head = steps[0]
    part: Part
    if head == "scope":
        part = "scope"
    elif re.fullmatch(r"rules\[[0-9]+\]", head):
        part = int(head[len("rules[") : -1])
    else:
        # A slip in the part's name (rule[0], Scope) is worth a suggestion; anything else is not.
        name, bracket, rest = head.partition("[")
        near = name if name in ("rules", "scope") else closest(name, ["rules", "scope"])
        if near == "rules" and not bracket:  # rules.max_minutes: the rule's index is missing
            bracket, rest = "[", "0]"
        fixed = f"{near}{bracket}{rest}"
        hint = ""
        if near is not None and re.fullmatch(r"rules\[[0-9]+\]|scope", fixed):
            hint = f" (did you mean {'.'.join([fixed, *steps[1:]])!r}?)"
        raise SweepError(
            f"{quote(text)} does not name a field: it starts with rules[N]. or scope., "
            f"such as {_FIELD_EXAMPLE}{hint}"
        )
    if len(steps) < 2:
        raise SweepError(f"{quote(text)} names no field: add the field's name, such as {_FIELD_EXAMPLE}")
    path: list[str | int] = []
    for step in steps[1:]:
        match = _STEP.match(step)
        if match is None:
            raise SweepError(
                f"{quote(text)} does not name a field: {quote(step)} is not a field name "
                "(letters, digits and _, then any [N] list indexes)"
            )
        path.append(match.group("name"))
        path.extend(int(i) for i in _INDEX.findall(match.group("indexes")))
    return part, tuple(path)


def _time_minutes(text: str) -> int | None:
    """Minutes of the day of ``HH:MM`` (00:00 to 23:59), or None when ``text`` is not one."""
    match = _TIME.match(text)
    if match is None:
        return None
    hours, minutes = int(match.group(1)), int(match.group(2))
    if hours > 23 or minutes > 59:
        return None
    return hours * 60 + minutes


def _count(start: Decimal, end: Decimal, step: Decimal) -> int:
    return int((end - start) // step) + 1


def parse_range(text: str) -> tuple[Kind, tuple[Value, ...]]:
    """The values of ``START..END[:STEP]``: numbers (STEP 1 by default), or times of day (HH:MM,
    STEP in minutes, 1 by default). Raises ``SweepError`` for a malformed range, END before START,
    a STEP that is not positive, or more than ``MAX_POINTS`` values."""
    start_text, dots, rest = text.partition("..")
    if not dots or ".." in rest:
        raise SweepError(
            f"{quote(text)} is not a range: expected START..END[:STEP], such as {_RANGE_EXAMPLE}"
        )
    start_text = start_text.strip()
    if ":" in start_text:
        return "time", _time_range(text, start_text, rest)
    return "number", _number_range(text, start_text, rest)


def _time_range(text: str, start_text: str, rest: str) -> tuple[str, ...]:
    pieces = rest.split(":")
    if len(pieces) not in (2, 3):
        raise SweepError(
            f"{quote(text)} is not a range of times: expected HH:MM..HH:MM[:MINUTES], such as 11:00..14:00:30"
        )
    end_text = ":".join(pieces[:2]).strip()
    step_text = pieces[2].strip() if len(pieces) == 3 else "1"
    start, end = _time_minutes(start_text), _time_minutes(end_text)
    for shown, minutes in ((start_text, start), (end_text, end)):
        if minutes is None:
            raise SweepError(f"{quote(shown)} is not a time of day: expected HH:MM from 00:00 to 23:59")
    assert start is not None and end is not None
    if not re.fullmatch(r"[+-]?[0-9]+", step_text):
        raise SweepError(f"STEP of a range of times is a whole number of minutes; got {quote(step_text)}")
    step = int(step_text)
    if step <= 0:
        raise SweepError(f"STEP must be greater than 0; got {step_text}")
    if end < start:
        raise SweepError(
            f"END {end_text} is before START {start_text} (a range of times runs within one day)"
        )
    count = (end - start) // step + 1
    _bounded(count, text)
    return tuple(f"{m // 60:02d}:{m % 60:02d}" for m in range(start, end + 1, step))


def _number_range(text: str, start_text: str, rest: str) -> tuple[int | float, ...]:
    end_text, colon, step_text = rest.partition(":")
    end_text, step_text = end_text.strip(), step_text.strip() if colon else "1"
    if _time_minutes(end_text) is not None:
        raise SweepError(
            f"{quote(text)} mixes a number and a time of day: START and END are both one or the other"
        )
    for shown in (start_text, end_text, step_text):
        if not _NUMBER.match(shown):
            raise SweepError(
                f"{quote(shown)} in {quote(text)} is not a number: expected START..END[:STEP], "
                f"such as {_RANGE_EXAMPLE}"
            )
    try:
        start, end, step = Decimal(start_text), Decimal(end_text), Decimal(step_text)
    except InvalidOperation:  # the pattern above admits only what Decimal reads; kept for safety
        raise SweepError(f"{quote(text)} is not a range of numbers") from None
    if step <= 0:
        raise SweepError(f"STEP must be greater than 0; got {step_text}")
    if end < start:
        raise SweepError(f"END {end_text} is less than START {start_text}")
    count = _count(start, end, step)
    _bounded(count, text)
    # Decimal arithmetic keeps 0.1..0.3:0.1 at 0.1, 0.2, 0.3 (floats would drift to 0.30000000000000004).
    if all("." not in t for t in (start_text, end_text, step_text)):
        return tuple(int(start + i * step) for i in range(count))
    return tuple(float(start + i * step) for i in range(count))


def _bounded(count: int, text: str) -> None:
    if count > MAX_POINTS:
        raise SweepError(
            f"{quote(text)} has {count:,} values; a sweep evaluates at most {MAX_POINTS:,} points "
            "(a larger STEP or a narrower range)"
        )


def parse_vary(text: str) -> Axis:
    """One ``FIELD=START..END[:STEP]`` as an axis (syntax only: ``check_fields`` checks the field
    against the policy). Raises ``SweepError``."""
    field_text, equals, range_text = text.partition("=")
    field_text, range_text = field_text.strip(), range_text.strip()
    if not equals or not field_text or not range_text:
        raise SweepError(
            f"expected FIELD=START..END[:STEP], such as rules[0].max_minutes=4..12:1; got {quote(text)}"
        )
    part, path = parse_field(field_text)
    field = FieldChange(part, path, None).where
    try:
        kind, values = parse_range(range_text)
    except SweepError as err:
        raise SweepError(f"{field}: {err}") from None
    return Axis(field=field, part=part, path=path, kind=kind, values=values, range=range_text)


def make_sweep(specs: Sequence[str]) -> Sweep:
    """The sweep of ``--vary`` specs, in order. Raises ``SweepError`` for a bad spec, a field varied
    twice, or a grid of more than ``MAX_POINTS`` points."""
    if not specs:
        raise SweepError("name at least one field to vary, such as rules[0].max_minutes=4..12")
    axes = tuple(parse_vary(spec) for spec in specs)
    seen: set[str] = set()
    for axis in axes:
        if axis.field in seen:
            raise SweepError(f"{axis.field} is varied twice: give each field one range")
        seen.add(axis.field)
    sweep = Sweep(axes)
    if sweep.size > MAX_POINTS:
        sizes = " x ".join(f"{len(a.values):,}" for a in axes)
        raise SweepError(
            f"the grid has {sweep.size:,} points ({sizes}); a sweep evaluates at most {MAX_POINTS:,} "
            "(a larger STEP or a narrower range)"
        )
    return sweep


# --------------------------------------------------------------------------- fields of a policy


def _members(annotation: Any) -> tuple[list[Any], list[Any]]:
    """The types an annotation allows (Optional and unions split, None left out) and the
    ``Annotated`` metadata met on the way."""
    metadata: list[Any] = []
    while get_origin(annotation) is Annotated:
        annotation, *extra = get_args(annotation)
        metadata.extend(extra)
    if get_origin(annotation) in (Union, UnionType):
        members: list[Any] = []
        for arg in get_args(annotation):
            inner, more = _members(arg)
            members.extend(inner)
            metadata.extend(more)
        return [m for m in members if m is not NoneType], metadata
    return [annotation], metadata


def _is_time(metadata: Sequence[Any], info: FieldInfo | None) -> bool:
    """Whether a string field holds a time of day: its schema carries the policy format's time pattern."""
    extras = [getattr(m, "json_schema_extra", None) for m in metadata]
    if info is not None:
        extras.append(info.json_schema_extra)
    return any(isinstance(e, Mapping) and e.get("pattern") == TIME_PATTERN for e in extras)


def _model_fields(model: type[BaseModel]) -> dict[str, FieldInfo]:
    """A model's fields by the name they are written with in YAML (the alias where there is one)."""
    return {info.alias or name: info for name, info in model.model_fields.items()}


def _field_kind(base: type[BaseModel], data: Any, path: tuple[str | int, ...], shown: str) -> Kind:
    """Walk ``path`` through the model (and the policy's data, for list lengths) to the field's kind."""
    annotation: Any = base
    info: FieldInfo | None = None
    where = shown
    for step in path:
        members, metadata = _members(annotation)
        if isinstance(step, int):
            lists = [m for m in members if get_origin(m) in (list, tuple)]
            if not lists:
                raise SweepError(f"{where} is not a list: there is no {where}[{step}]")
            entries = data if isinstance(data, list) else []
            if step >= len(entries):
                count = f"{len(entries)} entries" if len(entries) != 1 else "1 entry"
                raise SweepError(f"{where} has {count}: there is no {where}[{step}]")
            annotation, info, data = get_args(lists[0])[0], None, entries[step]
            where = f"{where}[{step}]"
            continue
        models = [m for m in members if isinstance(m, type) and issubclass(m, BaseModel)]
        mappings = [m for m in members if get_origin(m) is dict]
        if models:
            fields: dict[str, FieldInfo] = {}
            for model in models:
                fields.update(_model_fields(model))
            if step not in fields:
                known = [n for n in fields if n not in ("kind", "note")]
                hint = closest(step, known)
                suggestion = f" (did you mean {hint!r}?)" if hint else f"; its fields: {', '.join(known)}"
                raise SweepError(f"{where} has no field {quote(step)}{suggestion}")
            info = fields[step]
            annotation = info.annotation
        elif mappings:
            annotation, info = get_args(mappings[0])[1], None
        elif any(get_origin(m) in (list, tuple) for m in members):
            raise SweepError(f"{where} is a list: name one of its entries, such as {where}[0].{step}")
        else:
            raise SweepError(f"{where} is not a mapping: it has no field {quote(step)}")
        data = data.get(step) if isinstance(data, dict) else None
        where = f"{where}.{step}"
    members, metadata = _members(annotation)
    if info is not None:
        metadata = [*metadata, *info.metadata]
    if members and all(m in (int, float) for m in members):
        return "number"
    if members == [str] and _is_time(metadata, info):
        return "time"
    raise SweepError(f"{where} is not a number or a time of day: it cannot be swept")


def check_fields(sweep: Sweep, policy: Policy) -> None:
    """Check that every varied field is a field of ``policy`` that holds a number or a time of day,
    and that its range is of that kind; raise ``SweepError`` (with a did-you-mean) if not."""
    data = dump_policy(policy)
    for axis in sweep.axes:
        if axis.part == "scope":
            base: type[BaseModel] = Scope
            part_data: Any = data.get("scope", {})
            shown = "scope"
        else:
            assert isinstance(axis.part, int)
            count = len(policy.rules)
            if axis.part >= count:
                rules = "1 rule, rules[0]" if count == 1 else f"{count} rules, rules[0] to rules[{count - 1}]"
                raise SweepError(f"{policy.id} has {rules}: there is no rules[{axis.part}]")
            rule = policy.rules[axis.part]
            base, part_data = type(rule), data["rules"][axis.part]
            shown = f"rules[{axis.part}]"
        try:
            kind = _field_kind(base, part_data, axis.path, shown)
        except SweepError as err:
            kind_name = f" ({policy.rules[axis.part].kind})" if isinstance(axis.part, int) else ""
            message = str(err)
            if message.startswith(f"{shown} has no field"):
                message = message.replace(shown, f"{shown}{kind_name}", 1)
            raise SweepError(message) from None
        if kind != axis.kind:
            wanted = "a number" if kind == "number" else "a time of day (HH:MM)"
            given = "numbers" if axis.kind == "number" else "times of day"
            raise SweepError(f"{axis.field} holds {wanted}; {axis.range} is a range of {given}")


# --------------------------------------------------------------------------- the policy swept


@dataclass(frozen=True)
class Subject:
    """The policy a sweep varies, with the settings and rulebook it is evaluated with."""

    policy: Policy
    file: str
    settings: Settings
    rulebook: Rulebook
    rulebook_dir: str | None = None
    """The rulebook folder given on the command line (absolute), for worker processes to load."""
    warnings: tuple[NameWarning, ...] = ()

    @property
    def margin(self) -> float:
        """The verdict margin: a side within it of zero is neutral."""
        return float(self.rulebook.scoring.verdicts.margin)


def open_subject(
    path: str | Path,
    *,
    rulebook: str | Path | None = None,
    config: str | Path | None = None,
    organisation: str | Path | None = None,
) -> Subject:
    """Load one policy file with the settings and rulebook ``evaluate`` would use.

    Raises ``InputError`` for a file that does not load, a jurisdiction the rulebook has no pack
    for, or a metric, team or role the settings do not know. The policy is evaluated alone, so a
    ``replaces`` or ``alternative_to`` naming another policy is not checked: that policy is not
    part of the sweep.
    """
    setup = open_settings(rulebook=rulebook, config=config, organisation=organisation)
    project = setup.open([path], references=False)
    warnings = project.warnings
    loaded = project.library.policies[0]
    return Subject(
        policy=loaded.policy,
        file=loaded.file,
        settings=setup.settings,
        rulebook=setup.rulebook,
        rulebook_dir=os.path.abspath(rulebook) if rulebook is not None else None,
        warnings=warnings,
    )


# --------------------------------------------------------------------------- one point


@dataclass(frozen=True)
class PointResult:
    """One point of a sweep and its evaluation."""

    index: int
    values: tuple[Value, ...]
    employee: int | None
    customer: int | None
    verdict: str | None
    lawful: bool | None
    legal: tuple[str, ...]
    """Codes of the policy's legal findings (guardrails), sorted."""
    service_level: float | None
    """The day's service level under the policy (0 to 1), when the evaluation has queue numbers."""
    error: str | None
    """Why the policy cannot take these values; None for a point that was evaluated."""
    balanced: bool


def service_level(queue: QueueImpact | None) -> float | None:
    """The day's service level over a policy's teams under the policy, weighted by the calls each is
    offered (``policyweigh.results.call_weighted``); None without queue numbers."""
    return None if queue is None else call_weighted(queue.teams, "service_level_after")


def _error_text(err: PolicyweighError) -> str:
    if isinstance(err, InputError) and err.problems:
        return "; ".join(problem.detail for problem in err.problems)
    return str(err)


def evaluate_point(subject: Subject, sweep: Sweep, index: int) -> Outcome:
    """Evaluate point ``index``: the policy with the point's values, alone, conflicts found, no remedies.

    The one evaluation of a point, in this process and in the workers alike. Returns plain data.
    """
    values = sweep.point(index)
    changes = [axis.change(value) for axis, value in zip(sweep.axes, values, strict=True)]
    label = f"{subject.file} with " + ", ".join(c.where + "=" + show_value(c.value) for c in changes)
    try:
        policy = patch_policy(subject.policy, changes, label=label)
        run = evaluate(
            [policy],
            rulebook=subject.rulebook,
            settings=subject.settings,
            conflicts=True,
            remedies=False,
            queue_costs=False,
        )
    except PolicyweighError as err:
        return (None, None, None, None, (), None, _error_text(err))
    result = run.evaluation.policies[0]
    conflicts = run.evaluation.conflicts
    legal = tuple(sorted({c.code for c in conflicts if c.kind == "guardrail" and policy.id in c.policies}))
    lawful = policy.id not in unlawful_policies(conflicts)
    return (
        result.scores.employee,
        result.scores.customer,
        result.verdict,
        lawful,
        legal,
        service_level(result.queue),
        None,
    )


def is_balanced(outcome: Outcome, margin: float) -> bool:
    """Whether an evaluated point is lawful with neither side a loss."""
    employee, customer, _, lawful, _, _, error = outcome
    if error is not None or employee is None or customer is None or not lawful:
        return False
    return side_state(employee, margin) != "loss" and side_state(customer, margin) != "loss"


# --------------------------------------------------------------------------- the sweep


@dataclass(frozen=True)
class SweepRun:
    """A sweep's points, evaluated, in order."""

    subject: Subject
    sweep: Sweep
    points: tuple[PointResult, ...]
    workers: int
    """The processes that evaluated points (1: this process alone)."""
    notes: tuple[str, ...] = ()
    """What the caller should tell the user: a pool that could not start, for one."""


ProgressCallback: TypeAlias = Callable[[int], None]
"""Called with the number of points just evaluated."""


def run_sweep(
    subject: Subject,
    sweep: Sweep,
    *,
    jobs: int = 1,
    progress: ProgressCallback | None = None,
    start_method: str | None = None,
) -> SweepRun:
    """Evaluate every point of ``sweep`` on ``subject``, with up to ``jobs`` processes.

    ``jobs=1`` evaluates in this process. ``start_method`` is a ``multiprocessing`` start method
    (default: ``fork`` on Linux while this process runs one thread, which hands the workers the
    loaded engine; ``spawn`` elsewhere). When the pool cannot start, or stops, the points left are
    evaluated here and ``notes`` says so. Results are in point order whatever ``jobs`` is.
    """
    total = sweep.size
    report = progress if progress is not None else _ignore
    outcomes: list[Outcome | None] = [None] * total
    notes: list[str] = []
    workers = max(1, min(jobs, total // POINTS_PER_WORKER))
    if workers > 1:
        try:
            _run_pool(subject, sweep, workers, outcomes, report, start_method or default_start_method())
        except PoolFailed as failed:
            notes.append(failed.note)
            if not any(o is not None for o in outcomes):
                workers = 1
    for index, outcome in enumerate(outcomes):
        if outcome is None:
            outcomes[index] = evaluate_point(subject, sweep, index)
            report(1)
    margin = subject.margin
    points = []
    for index, outcome in enumerate(outcomes):
        assert outcome is not None
        employee, customer, verdict, lawful, legal, level, error = outcome
        points.append(
            PointResult(
                index=index,
                values=sweep.point(index),
                employee=employee,
                customer=customer,
                verdict=verdict,
                lawful=lawful,
                legal=legal,
                service_level=level,
                error=error,
                balanced=is_balanced(outcome, margin),
            )
        )
    return SweepRun(subject=subject, sweep=sweep, points=tuple(points), workers=workers, notes=tuple(notes))


def _ignore(count: int) -> None:
    return None


def _chunk_size(total: int, workers: int) -> int:
    return max(1, min(MAX_CHUNK, math.ceil(total / (workers * CHUNKS_PER_WORKER))))


def _run_pool(
    subject: Subject,
    sweep: Sweep,
    workers: int,
    outcomes: list[Outcome | None],
    report: ProgressCallback,
    start_method: str,
) -> None:
    """Evaluate chunks of points in worker processes, filling ``outcomes`` as chunks come back."""
    total = sweep.size
    size = _chunk_size(total, workers)
    flush_streams()
    try:
        context = multiprocessing.get_context(start_method)
        executor = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=_start_worker,
            initargs=(
                os.getpid(),
                subject.settings.source and os.path.abspath(subject.settings.source),
                subject.rulebook_dir,
                subject.settings.organisation and os.path.abspath(subject.settings.organisation),
                dump_policy(subject.policy),
                subject.file,
                sweep,
            ),
        )
    except (OSError, ImportError, ValueError, NotImplementedError) as err:
        # No semaphores (a container without /dev/shm), no process limit left, no such start method.
        raise PoolFailed(
            f"note: cannot start worker processes ({reason(err)}); evaluating in this process"
        ) from None
    finished = False
    # Forked workers share this process's memory until they write to it; the collector writing to
    # every object it visits would copy most of it. Objects alive now are left out of collections
    # (in the workers, which inherit that, and here) until the workers have started.
    frozen = start_method == "fork"
    if frozen:
        gc.freeze()
    try:
        pending: dict[Future[list[Outcome]], int] = {}
        try:
            for start in range(0, total, size):
                pending[executor.submit(_evaluate_chunk, start, min(start + size, total))] = start
        except (OSError, BrokenProcessPool) as err:
            raise PoolFailed(
                f"note: cannot start worker processes ({reason(err)}); evaluating in this process"
            ) from None
        finally:
            if frozen:
                gc.unfreeze()
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                start = pending.pop(future)
                try:
                    chunk = future.result()
                except BrokenProcessPool as err:
                    raise PoolFailed(
                        f"note: the worker processes stopped ({reason(err)}); "
                        "evaluating the points left in this process"
                    ) from None
                outcomes[start : start + len(chunk)] = chunk
                report(len(chunk))
        finished = True
    finally:
        # On an error or Ctrl-C the chunks not started are dropped, not run to the end.
        executor.shutdown(wait=finished, cancel_futures=not finished)


_WORKER: tuple[Subject, Sweep] | None = None
"""What a worker process evaluates, set once by ``_start_worker``."""


def _start_worker(
    parent: int,
    config_file: str | None,
    rulebook_dir: str | None,
    organisation_file: str | None,
    policy_data: dict[str, Any],
    file: str,
    sweep: Sweep,
) -> None:
    """Set a worker up once: the settings and the rulebook from their files, the policy from its data."""
    global _WORKER
    die_with_parent(parent)
    # Ctrl-C reaches the whole process group: the parent stops the sweep, the workers wait to be told.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    settings = (load_settings(config_file) if config_file else Settings()).with_organisation(
        organisation_file
    )
    book = resolve_rulebook(settings, rulebook_dir)
    policy = Policy.model_validate(policy_data)
    subject = Subject(policy=policy, file=file, settings=settings, rulebook=book, rulebook_dir=rulebook_dir)
    _WORKER = (subject, sweep)


def _evaluate_chunk(start: int, stop: int) -> list[Outcome]:
    """Evaluate points ``start`` to ``stop - 1`` in a worker (top level, so any start method finds it)."""
    assert _WORKER is not None, "the worker was not set up"
    subject, sweep = _WORKER
    return [evaluate_point(subject, sweep, index) for index in range(start, stop)]


# --------------------------------------------------------------------------- balanced values


def show_value(value: Value) -> str:
    """A value as the output shows it: ``5``, ``2.5``, ``11:30``."""
    if isinstance(value, float):
        text = repr(value)
        return text[:-2] if text.endswith(".0") else text
    return str(value)


def _runs(flags: Sequence[bool]) -> list[tuple[int, int]]:
    """The (first, last) indexes of each run of True in ``flags``."""
    runs: list[tuple[int, int]] = []
    start: int | None = None
    for index, flag in enumerate([*flags, False]):
        if flag and start is None:
            start = index
        elif not flag and start is not None:
            runs.append((start, index - 1))
            start = None
    return runs


def balanced_ranges(run: SweepRun) -> list[tuple[Value, Value]]:
    """For a sweep of one field: the (from, to) values of each contiguous run of balanced points."""
    values = run.sweep.axes[0].values
    return [(values[a], values[b]) for a, b in _runs([p.balanced for p in run.points])]


Box: TypeAlias = tuple[tuple[int, int], ...]
"""A block of a grid: for each field, the (first, last) index of a run of its values."""


def balanced_boxes(run: SweepRun) -> list[Box]:
    """The balanced points of a grid as blocks: runs of the last field's values, merged along each
    earlier field where neighbouring values have the same balanced runs; every balanced point is in
    exactly one block and no other point is."""
    axes = run.sweep.axes
    flags = [p.balanced for p in run.points]
    strides = [math.prod(len(a.values) for a in axes[d + 1 :]) for d in range(len(axes))]

    def blocks(dim: int, base: int) -> tuple[Box, ...]:
        if dim == len(axes) - 1:
            return tuple((r,) for r in _runs(flags[base : base + len(axes[dim].values)]))
        out: list[Box] = []
        groups: list[tuple[int, int, tuple[Box, ...]]] = []
        for i in range(len(axes[dim].values)):
            inner = blocks(dim + 1, base + i * strides[dim])
            if groups and groups[-1][1] == i - 1 and groups[-1][2] == inner:
                groups[-1] = (groups[-1][0], i, inner)
            elif inner:
                groups.append((i, i, inner))
        for first, last, inner in groups:
            out.extend(((first, last), *box) for box in inner)
        return tuple(out)

    return list(blocks(0, 0))


BALANCED_MEANS = "both sides at least neutral, and lawful"
MAX_BLOCKS_SHOWN = 12
"""Blocks of a grid the sentence names; the JSON lists every balanced point."""


def _span(values: Sequence[Value], first: int, last: int) -> str:
    if first == last:
        return show_value(values[first])
    return f"{show_value(values[first])}..{show_value(values[last])}"


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def balanced_sentence(run: SweepRun) -> str:
    """Where the sweep is balanced, in one sentence: ``rules[0].max_minutes 16..20 is balanced (...)``."""
    axes = run.sweep.axes
    if len(axes) == 1:
        axis = axes[0]
        runs = _runs([p.balanced for p in run.points])
        if not runs:
            return f"No value of {axis.field} in {axis.range} is balanced ({BALANCED_MEANS})."
        spans = [_span(axis.values, a, b) for a, b in runs]
        verb = "is" if len(spans) == 1 else "are"
        return f"{axis.field} {_and(spans)} {verb} balanced ({BALANCED_MEANS})."
    boxes = balanced_boxes(run)
    if not boxes:
        return f"No point of the grid is balanced ({BALANCED_MEANS})."
    clauses = [
        ", ".join(f"{axis.field} {_span(axis.values, a, b)}" for axis, (a, b) in zip(axes, box, strict=True))
        for box in boxes
    ]
    shown = "; ".join(clauses[:MAX_BLOCKS_SHOWN])
    if len(clauses) > MAX_BLOCKS_SHOWN:
        shown += f"; and {len(clauses) - MAX_BLOCKS_SHOWN} more blocks (--format json lists every point)"
    count = sum(p.balanced for p in run.points)
    return f"Balanced ({BALANCED_MEANS}), {count} of {len(run.points)} points: {shown}."


def sweep_document(run: SweepRun) -> dict[str, Any]:
    """The sweep as JSON-ready data: the fields and their values, every point, and the balanced
    ranges (one field: ``{"from", "to"}`` each) or points (a grid: field to value each)."""
    axes = run.sweep.axes
    points = [
        {
            "values": {axis.field: value for axis, value in zip(axes, p.values, strict=True)},
            "employee": p.employee,
            "customer": p.customer,
            "verdict": p.verdict,
            "lawful": p.lawful,
            "legal": list(p.legal),
            "service_level": p.service_level,
            "balanced": p.balanced,
            "error": p.error,
        }
        for p in run.points
    ]
    balanced: list[dict[str, Value]]
    if len(axes) == 1:
        balanced = [{"from": a, "to": b} for a, b in balanced_ranges(run)]
    else:
        balanced = [
            {axis.field: value for axis, value in zip(axes, p.values, strict=True)}
            for p in run.points
            if p.balanced
        ]
    return {
        "policy": run.subject.policy.id,
        "vary": [{"field": axis.field, "values": list(axis.values)} for axis in axes],
        "points": points,
        "balanced": balanced,
    }
