"""One call from paths on disk to an evaluation: load the library, settings and rulebook, evaluate.

The CLI commands and the BDD step library share this, so every way in
evaluates a library the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from engine.config import Settings, load_settings, resolve_rulebook
from engine.evaluation import EvaluationRun, evaluate
from engine.loading import Library, load_library
from engine.rulebook import Rulebook


@dataclass(frozen=True)
class Project:
    """A loaded library with the settings and rulebook it is evaluated with."""

    library: Library
    settings: Settings
    rulebook: Rulebook

    def evaluate(self, *, conflicts: bool = True) -> EvaluationRun:
        """Evaluate the whole library."""
        return evaluate(
            self.library.models,
            rulebook=self.rulebook,
            files={p.id: p.file for p in self.library},
            conflicts=conflicts,
            settings=self.settings,
        )


def open_project(
    paths: Sequence[str | Path],
    *,
    rulebook: str | Path | None = None,
    config: str | Path | None = None,
) -> Project:
    """Load policies from ``paths`` with settings (``config`` or the nearest file) and a rulebook."""
    settings = load_settings(config)
    book = resolve_rulebook(settings, rulebook)
    return Project(library=load_library(list(paths)), settings=settings, rulebook=book)


def evaluate_paths(
    paths: Sequence[str | Path],
    *,
    rulebook: str | Path | None = None,
    config: str | Path | None = None,
) -> EvaluationRun:
    """Load and evaluate the policies under ``paths``."""
    return open_project(paths, rulebook=rulebook, config=config).evaluate()
