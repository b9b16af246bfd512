"""Errors the engine raises on purpose.

Anything a user wrote that is wrong becomes a ``PolicyweighError`` subclass with
a message fit to print; anything else escaping the engine is a bug (exit 3).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One located problem in an input file."""

    file: str
    line: int
    column: int
    path: str
    message: str
    suggestion: str | None = None

    @property
    def detail(self) -> str:
        """The problem without its location: ``path: message (did you mean 'x'?)``."""
        text = f"{self.path}: {self.message}" if self.path else self.message
        if self.suggestion:
            text += f" (did you mean {self.suggestion!r}?)"
        return text

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.detail}"

    def as_dict(self) -> dict[str, object]:
        """Return the problem as JSON-ready data."""
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "path": self.path,
            "message": self.message,
            "suggestion": self.suggestion,
        }


class PolicyweighError(Exception):
    """Base of every error caused by input rather than by a bug."""


@dataclass
class InputError(PolicyweighError):
    """One or more located problems in input files (policies, rulebooks, settings)."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class RulebookError(PolicyweighError):
    """A rulebook that cannot be used: a cycle, a dangling reference, a bad template."""


class EvaluationError(PolicyweighError):
    """Evaluation stopped: a rule action failed or the derivation bound was reached."""
