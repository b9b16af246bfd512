"""Settings from ``policyweigh.toml`` or ``[tool.policyweigh]`` in ``pyproject.toml``.

The nearest file wins, searching from the working directory up to the
filesystem root; ``policyweigh.toml`` is read before ``pyproject.toml`` in the
same directory. Command-line options override settings. Example::

    [tool.policyweigh]
    rulebook = "hr/rulebook"            # an organisation's own rulebook directory
    fail_on = "warning"                 # check: error | warning | never
    min_employee = 0                    # check: lowest acceptable employee impact
    min_customer = 0                    # check: lowest acceptable customer impact
    harm_bound = 40                     # check: a side at or below -40 is harm (HRM001/HRM002)
    edge_margin_minutes = 30            # guardrails: no break in the first/last N minutes of a shift
    law_date = 2027-01-01               # guardrails: read the law in force on this day (default: now)

    [tool.policyweigh.weights]
    "employee.wellbeing" = 2.0

    [tool.policyweigh.metrics.idle_minutes]   # a metric of the organisation's own
    unit = "minutes"                           # pct | minutes | seconds | count | score
    better = "lower"                           # which direction is good: higher | lower
    controlled_by = "system"                   # who moves it: agent | team | system

    teams = ["inbound", "billing"]             # the only team names policies may use
    roles = ["agent", "team-leader"]           # the only role names policies may use

In ``policyweigh.toml`` the same keys sit at the top level (``[weights]`` for
the weights, ``[metrics.NAME]`` for a metric). Settings are validated strictly, like policies: a boolean is not
a number, a quoted ``"2"`` is not a number, an unknown key or criterion is an
error with a suggestion, and every problem names the file, line and column.
``tomllib`` keeps no positions, so ``toml_positions`` finds them in the text
of a document that ``tomllib`` has already accepted.
"""

from __future__ import annotations

import bisect
import datetime
import difflib
import os
import re
import stat
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import ErrorDetails

from policyweigh.errors import InputError, Problem
from policyweigh.metrics import (
    BETTER,
    BUILT_IN,
    CONTROLLERS,
    SYNONYMS,
    UNITS,
    Better,
    Controller,
    MetricInfo,
    Unit,
)
from policyweigh.metrics import name_problem as metric_name_problem
from policyweigh.organisation import Organisation, load_organisation
from policyweigh.policy import Label
from policyweigh.rulebook import Rulebook, default_rulebook, load_rulebook
from policyweigh.suggest import closest, quote
from policyweigh.yamldoc import translate_validation_error

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

FailOn = Literal["error", "warning", "never"]

SETTINGS_FILE = "policyweigh.toml"
PYPROJECT_FILE = "pyproject.toml"
TOOL_TABLE = ("tool", "policyweigh")
MAX_SETTINGS_BYTES = 1024 * 1024
"""Largest settings file read; a settings file is a few lines, a pyproject.toml a few kilobytes."""
_NEAR_TOOL_NAME = 0.85
"""Similarity above which a ``[tool.X]`` table of a pyproject.toml is taken for a misspelt
``[tool.policyweigh]``: high, so another tool's table (``[tool.policy]``) is never claimed."""

KeyPath = tuple[str | int, ...]
Weight = Annotated[float, Field(gt=0, le=10, allow_inf_nan=False)]


def _check_declared_name(name: str) -> str:
    """A declared metric's name: well spelt, and neither a built-in metric nor a synonym of one."""
    problem = metric_name_problem(name)
    if problem is not None:
        raise ValueError(problem)
    if name in BUILT_IN:
        raise ValueError(f"{name} is a built-in metric already; declare only metrics of your own")
    if name in SYNONYMS:
        raise ValueError(
            f"{name} is read as the built-in metric {SYNONYMS[name].means} in every policy; "
            "choose another name for a metric of your own"
        )
    return name


DeclaredName = Annotated[str, AfterValidator(_check_declared_name)]


class DeclaredMetric(BaseModel):
    """A metric an organisation declares: its unit, which direction is good, and who controls it."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    unit: Unit
    """What a level or target of it is written in: pct, minutes, seconds, count or score."""
    better: Better
    """Which direction is good: higher or lower."""
    controlled_by: Controller
    """Who moves it: the agent, the team, or the system (contact arrivals, staffing, tools)."""
    meaning: str | None = Field(default=None, min_length=1, max_length=200)
    """What it measures, in a few words."""

    def info(self, name: str) -> MetricInfo:
        """What the engine knows of the metric (minutes and seconds are one unit written two ways)."""
        units: tuple[str, ...] = (self.unit,)
        if self.unit in ("minutes", "seconds"):
            units = (self.unit, "seconds" if self.unit == "minutes" else "minutes")
        return MetricInfo(
            name, units, self.better, self.meaning or "", controlled_by=self.controlled_by, declared=True
        )


class SettingsFile(BaseModel):
    """The settings a file may hold, each with its default; strict: no bool as a number, no numeric strings."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    rulebook: str | None = Field(default=None, min_length=1)
    """Directory of an organisation's own rulebook, relative to the settings file."""
    weights: dict[str, Weight] = Field(default_factory=dict)
    """Criterion id to weight (above 0, at most 10), overriding the rulebook's weights."""
    fail_on: FailOn = "error"
    """Lowest conflict severity that makes `check` fail."""
    min_employee: int | None = Field(default=None, ge=-100, le=100)
    """Lowest acceptable employee impact for `check`."""
    min_customer: int | None = Field(default=None, ge=-100, le=100)
    """Lowest acceptable customer impact for `check`."""
    harm_bound: int = Field(default=40, ge=1, le=100)
    """A side scoring at or below minus this is harm: a finding of its own (HRM001 employee,
    HRM002 customer), an error that fails `check` by default."""
    edge_margin_minutes: int = Field(default=30, ge=0, le=240)
    """Guardrails: a break slot closer than this to the shift's start or end does not count."""
    law_date: datetime.date | None = None
    """Guardrails: the day the law is read on (the requirements in force that day, for a policy
    that starts later or a review of a past one); none: the requirements in force now."""
    metrics: dict[DeclaredName, DeclaredMetric] = Field(default_factory=dict)
    """The organisation's own metrics, by name, valid in policies wherever a metric is."""
    teams: list[Label] | None = Field(default=None, max_length=1000)
    """The team names policies may use (unset: any; near-duplicate names are then a warning)."""
    roles: list[Label] | None = Field(default=None, max_length=1000)
    """The role names policies may use (unset: any; near-duplicate names are then a warning)."""
    organisation: str | None = Field(default=None, min_length=1)
    """The organisation file (teams, shift patterns, calls by interval), relative to the settings
    file: break, staffing, training, leader-floor-time and after-call-work rules are then judged on
    the named teams' queues."""

    @property
    def metric_catalog(self) -> dict[str, MetricInfo]:
        """The declared metrics as the engine reads them (name to what the settings say of it)."""
        return {name: declared.info(name) for name, declared in self.metrics.items()}


SETTING_NAMES = tuple(SettingsFile.model_fields)
METRIC_FIELDS = tuple(DeclaredMetric.model_fields)

NEAR_DUPLICATE_NAME = "NAME001"
NAME_CODES: dict[str, tuple[str, str]] = {
    NEAR_DUPLICATE_NAME: (
        "input.near-duplicate-name",
        "Two team or role names in the library differ only by a slip of the keyboard (a letter "
        "added, dropped, replaced in a long word or swapped, or case and separators): policies "
        "meant for one group may not overlap. Declare the names in the settings (teams = [...], "
        "roles = [...]) to make any other name an error.",
    ),
}
"""Code to (dotted name, summary) of the finding about names that look alike where the settings
declare none (a warning; ``policyweigh.project.check_names`` finds them, `check` reports them)."""


@dataclass(frozen=True)
class KeyPosition:
    """Where a key and its value start in a TOML text (1-based lines and columns)."""

    line: int
    column: int
    value_line: int
    value_column: int


@dataclass(frozen=True)
class SettingsOrigin:
    """The file settings came from and where each key sits in it, for located messages later."""

    file: str
    prefix: tuple[str, ...]
    """Keys before the settings' own (``tool.policyweigh`` in a pyproject.toml)."""
    positions: Mapping[KeyPath, KeyPosition] = field(default_factory=dict)

    def problem(self, path: Sequence[str | int], message: str, *, value: bool = False) -> Problem:
        """A problem at a settings key (or at its value), named as the file spells it."""
        full = (*self.prefix, *path)
        line, column = self.locate(full) if value else self.locate_key(full)
        return Problem(self.file, line, column, key_name(full), message)

    # The three methods below make the origin an ``policyweigh.yamldoc.Locator``: pydantic's errors
    # on settings go through the same translator as those on policies. Paths are full paths.

    def locate(self, path: Sequence[str | int]) -> tuple[int, int]:
        """(line, column) where the value at ``path`` (or its nearest located parent's) starts."""
        where = _position(self.positions, path)
        return where.value_line, where.value_column

    def locate_key(self, path: Sequence[str | int]) -> tuple[int, int]:
        """(line, column) where the key at ``path`` (or its nearest located parent's) is written."""
        where = _position(self.positions, path)
        return where.line, where.column

    def spell(self, path: Sequence[str | int]) -> str:
        """``path`` as TOML writes it: ``tool.policyweigh.weights."employee.wellbeing"``."""
        return key_name(path)


class Settings(SettingsFile):
    """Every setting, with its default, and the file it came from."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    source: str | None = Field(default=None, exclude=True)
    """The file the settings came from (None for defaults)."""
    origin: SettingsOrigin | None = Field(default=None, exclude=True, repr=False)
    """Where each setting sits in that file."""
    organisation_model: Organisation | None = Field(default=None, exclude=True, repr=False)
    """The organisation file, loaded (``with_organisation``)."""

    def with_organisation(self, path: str | Path | None = None) -> Settings:
        """These settings with the organisation file loaded: ``path``, else the settings' ``organisation``.

        A missing file named in the settings is located at its key; one given as ``path`` is named as
        given. Raises ``InputError`` for a file that does not validate.
        """
        named = str(path) if path is not None else self.organisation
        if named is None:
            return self
        if path is None and self.origin is not None and not Path(named).is_file():
            folder = Path(self.origin.file).parent
            shown = os.path.relpath(named, folder) if Path(named).is_relative_to(folder) else named
            message = (
                f"no organisation file {quote(shown, limit=500)} "
                f"(a relative path is read from the folder of {Path(self.origin.file).name})"
            )
            raise InputError([self.origin.problem(("organisation",), message, value=True)])
        return self.model_copy(update={"organisation": named, "organisation_model": load_organisation(named)})


# --------------------------------------------------------------------------- finding and reading


def find_settings_file(start: Path | None = None) -> Path | None:
    """The nearest settings file at or above ``start`` (the working directory).

    A ``pyproject.toml`` counts when it has a ``[tool.policyweigh]`` table, or
    something that looks like a misspelt one (reported when it is read), or when
    it cannot be parsed but mentions ``tool.policyweigh`` (so its error is shown
    instead of the settings being ignored).
    """
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        own = folder / SETTINGS_FILE
        if own.is_file():
            return own
        project = folder / PYPROJECT_FILE
        if project.is_file() and _claims_pyproject(project):
            return project
    return None


_MENTION = re.compile(r"""\btool\s*\.\s*["']?policy[-_]?weigh""", re.IGNORECASE)


def _claims_pyproject(path: Path) -> bool:
    try:
        text = _read_text(path)
        data = tomllib.loads(text)
    except (InputError, RecursionError):
        return False
    except tomllib.TOMLDecodeError:
        return bool(_MENTION.search(text))
    tool = data.get("tool")
    return isinstance(tool, dict) and (TOOL_TABLE[1] in tool or _near_tool_name(tool) is not None)


def _near_tool_name(tool: Mapping[str, Any]) -> str | None:
    found = difflib.get_close_matches(TOOL_TABLE[1], list(tool), n=1, cutoff=_NEAR_TOOL_NAME)
    return found[0] if found else None


def _read_text(file: Path) -> str:
    """The text of a settings file; only a regular file is read (a FIFO would block), at most 1 MiB."""

    def problem(message: str, line: int = 1, column: int = 1) -> InputError:
        return InputError([Problem(str(file), line, column, "", message)])

    try:
        # O_NONBLOCK: a FIFO swapped in after any check is opened without waiting for a writer.
        fd = os.open(file, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as err:
        raise problem(f"cannot read settings: {err.strerror or err}") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise problem("cannot read settings: not a regular file (a settings file is a TOML text file)")
        chunks: list[bytes] = []
        size = 0
        while size <= MAX_SETTINGS_BYTES:
            chunk = os.read(fd, MAX_SETTINGS_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as err:
        raise problem(f"cannot read settings: {err.strerror or err}") from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > MAX_SETTINGS_BYTES:
        raise problem(f"settings file larger than {MAX_SETTINGS_BYTES // 1024} KiB; is this the right file?")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        before = data[: err.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        raise problem(
            f"not UTF-8 text: byte 0x{data[err.start]:02x} cannot be decoded", line, column
        ) from None


_TOML_WHERE = re.compile(r"\s*\((?:at line (\d+), column (\d+)|at end of document)\)\s*$")


def _parse(file: Path, text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        message = str(err.args[0]) if err.args else str(err)
        match = _TOML_WHERE.search(message)
        line, column = 1, 1
        if match is not None:
            message = message[: match.start()]
            if match.group(1) is not None:
                line, column = int(match.group(1)), int(match.group(2))
            else:  # the end of the document: after its last character
                line = text.count("\n") + 1
                column = len(text) - (text.rfind("\n") + 1) + 1
        raise InputError([Problem(str(file), line, column, "", f"invalid TOML: {message}")]) from None
    except RecursionError:
        raise InputError([Problem(str(file), 1, 1, "", "invalid TOML: nested too deeply")]) from None


# --------------------------------------------------------------------------- validation


def load_settings(path: str | Path | None = None, *, start: Path | None = None) -> Settings:
    """Read settings from ``path``, or from the nearest settings file; defaults if none.

    Raises ``InputError`` with every problem located (file, line, column, key).
    """
    file = Path(path) if path is not None else find_settings_file(start)
    if file is None:
        return Settings()
    text = _read_text(file)
    data = _parse(file, text)
    try:
        positions = toml_positions(text)
    except RecursionError:  # tomllib accepted it; locations are a courtesy
        positions = {}
    pyproject = file.name == PYPROJECT_FILE
    origin = SettingsOrigin(str(file), TOOL_TABLE if pyproject else (), positions)
    problems: list[Problem] = []
    if pyproject:
        table = _tool_table(data, origin, problems)
    else:
        table = dict(data)
        misplaced = table.pop("tool", None)
        if misplaced is not None:
            problems.append(_misplaced_tool(misplaced, origin))
    settings = SettingsFile()
    if table is not None:
        try:
            settings = SettingsFile.model_validate(table)
        except ValidationError as err:
            problems.extend(
                translate_validation_error(
                    err,
                    model=SettingsFile,
                    source=origin,
                    data=table,
                    prefix=origin.prefix,
                    wording=_settings_wording,
                )
            )
    if problems:
        raise InputError(sorted(problems, key=lambda p: (p.line, p.column, p.path)))
    rulebook = settings.rulebook
    if rulebook is not None and not Path(rulebook).is_absolute():
        rulebook = str(file.parent / rulebook)
    organisation = settings.organisation
    if organisation is not None and not Path(organisation).is_absolute():
        organisation = str(file.parent / organisation)
    return Settings(
        **{**settings.model_dump(), "rulebook": rulebook, "organisation": organisation},
        source=str(file),
        origin=origin,
    )


def _no_tool_table(origin: SettingsOrigin) -> Problem:
    """A pyproject.toml named as settings that holds no ``[tool.policyweigh]`` table."""
    return Problem(
        origin.file,
        1,
        1,
        "",
        "no [tool.policyweigh] table in this pyproject.toml: add one, or name a policyweigh.toml with --config",
    )


def _tool_table(
    data: dict[str, Any], origin: SettingsOrigin, problems: list[Problem]
) -> dict[str, Any] | None:
    """The ``[tool.policyweigh]`` table of a pyproject.toml, or None with the problem recorded."""
    root = SettingsOrigin(origin.file, (), origin.positions)
    tool = data.get("tool")
    if tool is None:
        problems.append(_no_tool_table(origin))
        return None
    if not isinstance(tool, dict):
        problems.append(root.problem(("tool",), f"expected a table; got {_describe(tool)}", value=True))
        return None
    table = tool.get(TOOL_TABLE[1])
    if table is None:
        near = _near_tool_name(tool)
        if near is not None:
            problem = root.problem(("tool", near), "unknown table; policyweigh reads [tool.policyweigh]")
            problems.append(
                Problem(
                    problem.file,
                    problem.line,
                    problem.column,
                    problem.path,
                    problem.message,
                    "tool.policyweigh",
                )
            )
        else:
            problems.append(_no_tool_table(origin))
        return None
    if not isinstance(table, dict):
        problems.append(
            root.problem(TOOL_TABLE, f"expected a table of settings; got {_describe(table)}", value=True)
        )
        return None
    return table


def _misplaced_tool(value: Any, origin: SettingsOrigin) -> Problem:
    """``[tool.policyweigh]`` pasted into a policyweigh.toml: say to drop the header."""
    if isinstance(value, dict) and TOOL_TABLE[1] in value:
        return origin.problem(
            TOOL_TABLE,
            "in policyweigh.toml the settings sit at the top level: drop the [tool.policyweigh] header "
            "(and write [weights] for [tool.policyweigh.weights]); [tool.policyweigh] is for pyproject.toml",
        )
    return origin.problem(("tool",), "unknown setting")


def _settings_wording(item: ErrorDetails, loc: KeyPath) -> tuple[str, str | None]:
    """Settings' own words: TOML value types, the allowed range of each setting, "unknown setting"."""
    if item["type"] == "extra_forbidden":
        if len(loc) == 3 and loc[0] == "metrics":
            return (
                f"unknown key of a declared metric; expected one of {', '.join(METRIC_FIELDS)}",
                closest(str(loc[-1]), METRIC_FIELDS),
            )
        return "unknown setting", closest(str(loc[-1]), SETTING_NAMES) if len(loc) == 1 else None
    if item["type"] == "value_error" and loc[:1] == ("metrics",):
        return str(item["msg"]).removeprefix("Value error, "), None
    if item["type"] == "missing" and len(loc) == 3 and loc[0] == "metrics":
        return f"metric {loc[1]} needs {loc[2]} ({_MISSING_METRIC[str(loc[2])]})", None
    return _message(loc, item["type"], item.get("input"), item.get("ctx") or {})


_MISSING_METRIC = {
    "unit": "one of " + ", ".join(UNITS),
    "better": "which direction is good: " + " or ".join(BETTER),
    "controlled_by": "who moves it: " + ", ".join(CONTROLLERS),
}
_CHOICES: dict[str, tuple[str, ...]] = {"unit": UNITS, "better": BETTER, "controlled_by": CONTROLLERS}


def _with_hint(problem: Problem, hint: str | None) -> Problem:
    if hint is None:
        return problem
    return Problem(problem.file, problem.line, problem.column, problem.path, problem.message, hint)


_KIND_WORDS = {
    "int_type": "a whole number",
    "float_type": "a number",
    "string_type": "text (a quoted string)",
    "dict_type": "a table",
    "date_type": "a date written as YYYY-MM-DD, without quotes",
    "list_type": "an array",
}


def _message(loc: tuple[Any, ...], kind: str, value: Any, ctx: Mapping[str, Any]) -> tuple[str, str | None]:
    """A message for one pydantic error on a settings value, and a suggestion when there is one."""
    got = _describe(value)
    if kind == "literal_error":
        choices = [str(c) for c in get_args(FailOn)] if loc == ("fail_on",) else []
        if len(loc) == 3 and loc[0] == "metrics":
            choices = list(_CHOICES.get(str(loc[2]), ()))
        listed = f"one of {', '.join(choices)}" if choices else str(ctx.get("expected", "another value"))
        shown = quote(value) if isinstance(value, str) else got
        return f"expected {listed}; got {shown}", closest(value, choices)
    if kind in _KIND_WORDS:
        expected = _KIND_WORDS[kind]
        if loc[0] in ("min_employee", "min_customer"):
            expected = "a whole number from -100 to 100"
        elif loc[0] == "harm_bound":
            expected = "a whole number from 1 to 100"
        elif loc[0] == "edge_margin_minutes":
            expected = "a whole number of minutes from 0 to 240"
        elif loc[0] == "weights" and len(loc) == 2:
            expected = "a number above 0 and at most 10"
        hint = ""
        if isinstance(value, str) and kind in ("int_type", "float_type") and _is_number(value):
            hint = f"; write {value.strip()} without quotes"
        elif isinstance(value, float) and kind == "int_type" and value.is_integer():
            hint = f"; write {int(value)}"
        return f"expected {expected}; got {got}{hint}", None
    bounds = {
        "greater_than": "above {gt}",
        "greater_than_equal": "at least {ge}",
        "less_than": "below {lt}",
        "less_than_equal": "at most {le}",
    }
    if kind in bounds:
        limits = {k: f"{v:g}" if isinstance(v, float) else v for k, v in ctx.items()}
        return f"must be {bounds[kind].format(**limits)}; got {got}", None
    if kind == "finite_number":
        return f"must be a finite number; got {got}", None
    if kind == "string_too_short":
        return "must not be empty", None
    return f"{_plain(str(ctx.get('error', '')) or kind)}; got {got}", None


def _plain(text: str) -> str:
    return text.replace("_", " ")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _describe(value: Any) -> str:
    """A TOML value as a message shows it, with its TOML type."""
    if isinstance(value, bool):
        return f"{'true' if value else 'false'} (a boolean)"
    if isinstance(value, int):
        return f"{value} (a whole number)"
    if isinstance(value, float):
        return f"{value!r} (a number)"
    if isinstance(value, str):
        return f"{quote(value)} (a string)"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, (datetime.date, datetime.time)):
        return f"{value.isoformat()} (a date or time)"
    return quote(repr(value))


# --------------------------------------------------------------------------- the rulebook


def resolve_rulebook(settings: Settings, override: str | Path | None = None) -> Rulebook:
    """The rulebook to use: ``override``, else the settings' rulebook, else the bundled one; with weights.

    A missing rulebook folder named in the settings and weights for unknown
    criteria are located at their key in the settings file.
    """
    origin = settings.origin
    named = settings.rulebook if override is None else None
    if named is not None and origin is not None and not Path(named).is_dir():
        folder = Path(origin.file).parent
        shown = os.path.relpath(named, folder) if Path(named).is_relative_to(folder) else named
        message = (
            f"no rulebook folder {quote(shown, limit=500)} "
            f"(a relative path is read from the folder of {Path(origin.file).name})"
        )
        raise InputError([origin.problem(("rulebook",), message, value=True)])
    path = override if override is not None else settings.rulebook
    book = load_rulebook(path) if path is not None else default_rulebook()
    if not settings.weights:
        return book
    unknown = sorted(set(settings.weights) - set(book.criteria_by_id))
    if unknown and origin is not None:
        problems = [
            _with_hint(
                origin.problem(("weights", name), f"weight override for unknown criteria: {name}"),
                closest(name, book.criteria_by_id),
            )
            for name in unknown
        ]
        raise InputError(sorted(problems, key=lambda p: (p.line, p.column, p.path)))
    return book.with_weights(settings.weights)


# --------------------------------------------------------------------------- TOML positions

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", "e": "\x1b", '"': '"', "\\": "\\"}


def key_name(path: Sequence[str | int]) -> str:
    """A key path as TOML spells it: ``tool.policyweigh.weights."employee.wellbeing"``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
            continue
        if not _BARE_KEY.fullmatch(part):
            part = '"' + part.replace("\\", "\\\\").replace('"', '\\"') + '"'
        out += f".{part}" if out else part
    return out


def _position(positions: Mapping[KeyPath, KeyPosition], path: Sequence[str | int]) -> KeyPosition:
    """The position of ``path``, else of its nearest located parent, else the start of the file."""
    wanted = tuple(path)
    while wanted:
        found = positions.get(wanted)
        if found is not None:
            return found
        wanted = wanted[:-1]
    return KeyPosition(1, 1, 1, 1)


def toml_positions(text: str) -> dict[KeyPath, KeyPosition]:
    """Where every key of a TOML document is first written: table headers, keys, inline-table keys.

    ``text`` must be a document ``tomllib`` accepts (this scanner trusts the
    syntax and only follows it). Paths are tuples of keys as ``tomllib`` returns
    them; an element of an array of tables or of an array adds its index. A
    dotted key (``a.b = 1``) also locates its parents (``a``) where they are
    first written. Values start where their first character is.
    """
    return _Scanner(text).document()


class _Scanner:
    """A scanner over TOML text that records key positions and skips values (strings, arrays, tables)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.found: dict[KeyPath, KeyPosition] = {}
        self.line_starts = [0, *(m.end() for m in re.finditer("\n", text))]

    def where(self, pos: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.line_starts, pos)
        return line, pos - self.line_starts[line - 1] + 1

    def record(self, path: KeyPath, key_pos: int, value_pos: int) -> None:
        if path not in self.found:
            self.found[path] = KeyPosition(*self.where(key_pos), *self.where(value_pos))

    def at(self, token: str) -> bool:
        return self.text.startswith(token, self.pos)

    def skip_space(self) -> None:
        text, pos = self.text, self.pos
        while pos < len(text) and text[pos] in " \t":
            pos += 1
        self.pos = pos

    def skip_comment(self) -> None:
        self.skip_space()
        if self.at("#"):
            end = self.text.find("\n", self.pos)
            self.pos = len(self.text) if end < 0 else end

    def skip_blank(self) -> None:
        """Spaces, comments and line breaks (between statements, and inside arrays)."""
        while True:
            self.skip_comment()
            if self.at("\n"):
                self.pos += 1
            elif self.at("\r\n"):
                self.pos += 2
            else:
                return

    def document(self) -> dict[KeyPath, KeyPosition]:
        table: KeyPath = ()
        tables_seen: dict[KeyPath, int] = {}
        try:
            while True:
                self.skip_blank()
                if self.pos >= len(self.text):
                    break
                start = self.pos
                if self.at("[["):
                    self.pos += 2
                    parts, _ = self.key()
                    self.pos += 2  # ]]
                    path = tuple(parts)
                    index = tables_seen.get(path, 0)
                    tables_seen[path] = index + 1
                    self.record_parents(path, start)
                    table = (*path, index)
                    self.record(table, start, start)
                elif self.at("["):
                    self.pos += 1
                    parts, _ = self.key()
                    self.pos += 1  # ]
                    table = tuple(parts)
                    self.record_parents(table, start)
                else:
                    self.keyval(table)
                self.skip_comment()
        except (IndexError, ValueError, AttributeError):
            pass  # not TOML after all (tomllib checks first): keep what was found
        return self.found

    def record_parents(self, path: KeyPath, pos: int) -> None:
        for size in range(1, len(path) + 1):
            self.record(path[:size], pos, pos)

    def key(self) -> tuple[list[str], list[int]]:
        """A dotted key at the current position: its parts and where each starts."""
        parts: list[str] = []
        starts: list[int] = []
        while True:
            self.skip_space()
            starts.append(self.pos)
            if self.at('"'):
                parts.append(self.basic_string())
            elif self.at("'"):
                parts.append(self.literal_string())
            else:
                match = _BARE_KEY.match(self.text, self.pos)
                if match is None:
                    raise ValueError(f"no key at {self.pos}")
                parts.append(match.group())
                self.pos = match.end()
            self.skip_space()
            if not self.at("."):
                return parts, starts
            self.pos += 1

    def keyval(self, table: KeyPath) -> None:
        parts, starts = self.key()
        for size in range(1, len(parts)):
            self.record((*table, *parts[:size]), starts[0], starts[size - 1])
        self.skip_space()
        self.pos += 1  # =
        self.skip_space()
        path = (*table, *parts)
        self.record(path, starts[0], self.pos)
        self.value(path)

    def value(self, path: KeyPath) -> None:
        if self.at('"""') or self.at("'''"):
            self.multiline_string()
        elif self.at('"'):
            self.basic_string()
        elif self.at("'"):
            self.literal_string()
        elif self.at("["):
            self.array(path)
        elif self.at("{"):
            self.inline_table(path)
        else:  # number, boolean, date or time (a date and time may be separated by a space)
            text, pos = self.text, self.pos
            while pos < len(text) and text[pos] not in ",]}\r\n#":
                pos += 1
            self.pos = pos

    def basic_string(self) -> str:
        text = self.text
        pos = self.pos + 1
        out: list[str] = []
        while text[pos] != '"':
            if text[pos] == "\\":
                code = text[pos + 1]
                if code in "uUx":
                    width = {"u": 4, "U": 8, "x": 2}[code]
                    out.append(chr(int(text[pos + 2 : pos + 2 + width], 16)))
                    pos += 2 + width
                else:
                    out.append(_ESCAPES.get(code, code))
                    pos += 2
            else:
                out.append(text[pos])
                pos += 1
        self.pos = pos + 1
        return "".join(out)

    def literal_string(self) -> str:
        end = self.text.index("'", self.pos + 1)
        found = self.text[self.pos + 1 : end]
        self.pos = end + 1
        return found

    def multiline_string(self) -> None:
        text = self.text
        quote_char = text[self.pos]
        delimiter = quote_char * 3
        pos = self.pos + 3
        while True:
            if quote_char == '"' and text[pos] == "\\":
                pos += 2
                continue
            if text.startswith(delimiter, pos):
                pos += 3
                # Up to two more quotes right before the closing ones belong to the content.
                extra = 0
                while extra < 2 and pos < len(text) and text[pos] == quote_char:
                    pos += 1
                    extra += 1
                self.pos = pos
                return
            pos += 1

    def array(self, path: KeyPath) -> None:
        self.pos += 1
        index = 0
        while True:
            self.skip_blank()
            if self.at("]"):
                self.pos += 1
                return
            self.record((*path, index), self.pos, self.pos)
            self.value((*path, index))
            index += 1
            self.skip_blank()
            if self.at(","):
                self.pos += 1

    def inline_table(self, path: KeyPath) -> None:
        self.pos += 1
        while True:
            self.skip_blank()
            if self.at("}"):
                self.pos += 1
                return
            self.keyval(path)
            self.skip_blank()
            if self.at(","):
                self.pos += 1
