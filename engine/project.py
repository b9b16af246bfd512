"""One call from paths on disk to an evaluation: load the library, settings and rulebook, evaluate.

The CLI commands and the BDD step library share this, so every way in
evaluates a library the same way. Remedies are bounded by a ``RemedyBudget``
(re-evaluations of patched policies); the CLI passes one to say afterwards
when some conflicts were left without remedies.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from engine.config import Settings, load_settings, resolve_rulebook
from engine.conflicts import find_conflicts
from engine.evaluation import EvaluationRun, evaluate
from engine.loading import Library, load_library
from engine.remedies import RemedyBudget, attach_remedies
from engine.rulebook import Rulebook


@dataclass(frozen=True)
class Project:
    """A loaded library with the settings and rulebook it is evaluated with."""

    library: Library
    settings: Settings
    rulebook: Rulebook

    def evaluate(self, *, conflicts: bool = True, budget: RemedyBudget | None = None) -> EvaluationRun:
        """Evaluate the whole library; ``budget`` bounds the remedies' work and records what it did."""
        run = evaluate(
            self.library.models,
            rulebook=self.rulebook,
            files={p.id: p.file for p in self.library},
            conflicts=False,
            settings=self.settings,
        )
        if conflicts:
            found = find_conflicts(run, settings=self.settings, remedies=False)
            if found:
                found = attach_remedies(run, found, settings=self.settings, budget=budget)
            run.evaluation.conflicts = found
        return run


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
    budget: RemedyBudget | None = None,
) -> EvaluationRun:
    """Load and evaluate the policies under ``paths`` (``budget``: see ``Project.evaluate``)."""
    return open_project(paths, rulebook=rulebook, config=config).evaluate(budget=budget)
