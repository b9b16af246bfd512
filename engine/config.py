"""Settings from ``policyeval.toml`` or ``[tool.policyeval]`` in ``pyproject.toml``.

The nearest file wins, searching from the working directory up to the
filesystem root; ``policyeval.toml`` is read before ``pyproject.toml`` in the
same directory. Command-line options override settings. Example::

    [tool.policyeval]
    rulebook = "hr/rulebook"            # an organisation's own rulebook directory
    fail_on = "warning"                 # check: error | warning | never
    min_employee = 0                    # check: lowest acceptable employee impact
    min_customer = 0                    # check: lowest acceptable customer impact
    edge_margin_minutes = 30            # guardrails: no break in the first/last N minutes of a shift

    [tool.policyeval.weights]
    "employee.wellbeing" = 2.0
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from engine.errors import InputError, Problem
from engine.rulebook import Rulebook, load_rulebook
from engine.suggest import closest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

FailOn = Literal["error", "warning", "never"]


class Settings(BaseModel):
    """Every setting, with its default."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rulebook: str | None = None
    """Directory of an organisation's own rulebook, relative to the settings file."""
    weights: dict[str, float] = Field(default_factory=dict)
    """Criterion id to weight, overriding the rulebook's weights."""
    fail_on: FailOn = "error"
    """Lowest conflict severity that makes `check` fail."""
    min_employee: int | None = Field(default=None, ge=-100, le=100)
    """Lowest acceptable employee impact for `check`."""
    min_customer: int | None = Field(default=None, ge=-100, le=100)
    """Lowest acceptable customer impact for `check`."""
    edge_margin_minutes: int = Field(default=30, ge=0, le=240)
    """Guardrails: a break slot closer than this to the shift's start or end does not count."""
    source: str | None = Field(default=None, exclude=True)
    """The file the settings came from (None for defaults)."""


def find_settings_file(start: Path | None = None) -> Path | None:
    """The nearest settings file at or above ``start`` (the working directory)."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        own = folder / "policyeval.toml"
        if own.is_file():
            return own
        project = folder / "pyproject.toml"
        if project.is_file() and _tool_table(project) is not None:
            return project
    return None


def _tool_table(path: Path) -> dict[str, Any] | None:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    table = data.get("tool", {}).get("policyeval")
    return table if isinstance(table, dict) else None


def load_settings(path: str | Path | None = None, *, start: Path | None = None) -> Settings:
    """Read settings from ``path``, or from the nearest settings file; defaults if none."""
    file = Path(path) if path is not None else find_settings_file(start)
    if file is None:
        return Settings()
    try:
        text = file.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError) as err:
        raise InputError([Problem(str(file), 1, 1, "", f"cannot read settings: {err}")]) from None
    except tomllib.TOMLDecodeError as err:
        line = getattr(err, "lineno", 1) or 1
        column = getattr(err, "colno", 1) or 1
        raise InputError([Problem(str(file), line, column, "", f"invalid TOML: {err.args[0]}")]) from None
    table = data.get("tool", {}).get("policyeval", {}) if file.name == "pyproject.toml" else data
    prefix = "tool.policyeval." if file.name == "pyproject.toml" else ""
    try:
        settings = Settings.model_validate(table)
    except ValidationError as err:
        problems = []
        for item in err.errors():
            key = prefix + ".".join(str(p) for p in item["loc"])
            unknown = item["type"] == "extra_forbidden"
            message = "unknown setting" if unknown else item["msg"]
            known = [name for name in Settings.model_fields if name != "source"]
            hint = closest(str(item["loc"][-1]), known) if unknown and len(item["loc"]) == 1 else None
            problems.append(Problem(str(file), _line_of(text, str(item["loc"][0])), 1, key, message, hint))
        raise InputError(problems) from None
    rulebook = settings.rulebook
    if rulebook is not None and not Path(rulebook).is_absolute():
        rulebook = str(file.parent / rulebook)
    return settings.model_copy(update={"source": str(file), "rulebook": rulebook})


def _line_of(text: str, key: str) -> int:
    """Best-effort line of a key in TOML text (tomllib keeps no positions)."""
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip().strip('"')
        if stripped.startswith(key) or stripped.startswith(f'"{key}"'):
            return number
    return 1


def resolve_rulebook(settings: Settings, override: str | Path | None = None) -> Rulebook:
    """The rulebook to use: ``override``, else the settings' rulebook, else the bundled one; with weights."""
    from engine.evaluation import default_rulebook

    path = override if override is not None else settings.rulebook
    book = load_rulebook(path) if path is not None else default_rulebook()
    return book.with_weights(settings.weights) if settings.weights else book
