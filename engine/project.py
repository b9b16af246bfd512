"""One call from paths on disk to an evaluation: load the library, settings and rulebook, evaluate.

The CLI commands and the BDD step library share this, so every way in
evaluates a library the same way. The settings and the rulebook are resolved
here, once (``--config`` or the nearest settings file; ``--rulebook`` or the
settings' ``rulebook`` or the bundled one), and passed down to every step by
``policyweigh.orchestration``. Remedies are bounded by a ``RemedyBudget``
(re-evaluations of patched policies); the CLI passes one to say afterwards
when some conflicts were left without remedies.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from policyweigh import orchestration
from policyweigh.config import Settings, load_settings, resolve_rulebook
from policyweigh.errors import InputError, Problem
from policyweigh.evaluation import EvaluationRun
from policyweigh.gate import GateResult
from policyweigh.loading import Library, load_library
from policyweigh.remedies import RemedyBudget
from policyweigh.rulebook import Rulebook
from policyweigh.rulebook.guardrails import GuardrailPacks
from policyweigh.suggest import closest, quote


@dataclass(frozen=True)
class Project:
    """A loaded library with the settings and rulebook it is evaluated with."""

    library: Library
    settings: Settings
    rulebook: Rulebook

    @property
    def files(self) -> dict[str, str]:
        """Policy id to the file it was loaded from."""
        return {p.id: p.file for p in self.library}

    def evaluate(
        self, *, conflicts: bool = True, remedies: bool = True, budget: RemedyBudget | None = None
    ) -> EvaluationRun:
        """Evaluate the whole library; ``budget`` bounds the remedies' work and records what it did."""
        return orchestration.evaluate(
            self.library.models,
            rulebook=self.rulebook,
            settings=self.settings,
            files=self.files,
            conflicts=conflicts,
            remedies=remedies,
            budget=budget,
        )

    def check(self, settings: Settings) -> GateResult:
        """The CI gate over the whole library, under ``settings`` (the project's, with a command's overrides)."""
        return orchestration.check(
            self.library.models,
            rulebook=self.rulebook,
            settings=settings,
            files=self.files,
            sources={p.id: p for p in self.library},
        )


@dataclass(frozen=True)
class Setup:
    """The settings and the rulebook a library is evaluated with, resolved before it is loaded.

    Kept apart from ``Project`` so a command can still describe its findings with
    the organisation's rulebook when the policies themselves do not load.
    """

    settings: Settings
    rulebook: Rulebook

    def open(self, paths: Sequence[str | Path]) -> Project:
        """Load the policies under ``paths`` into a project with these settings and this rulebook.

        Raises ``InputError`` for policies that do not load, or that name a jurisdiction the
        rulebook brings no guardrail pack for (located, with a did-you-mean over its packs).
        """
        library = load_library(list(paths))
        check_jurisdictions(library, self.rulebook.guardrails)
        return Project(library=library, settings=self.settings, rulebook=self.rulebook)


def check_jurisdictions(library: Library, packs: GuardrailPacks) -> None:
    """Raise ``InputError`` locating every policy whose jurisdiction is not one of ``packs``."""
    problems = []
    for loaded in library:
        name = loaded.policy.jurisdiction
        if name is None or name in packs:
            continue
        line, column = loaded.jurisdiction_at
        known = ", ".join(sorted(packs))
        problems.append(
            Problem(
                loaded.file,
                line,
                column,
                "jurisdiction",
                f"the rulebook has no guardrail pack {quote(name)}; its packs are {known}",
                closest(name, packs),
            )
        )
    if problems:
        raise InputError(problems)


def open_settings(*, rulebook: str | Path | None = None, config: str | Path | None = None) -> Setup:
    """Settings (``config`` or the nearest file) and the rulebook they name.

    ``rulebook`` is a directory given on the command line; without one the
    settings' ``rulebook`` is used, else the bundled rulebook. Raises
    ``InputError`` for a broken settings file or rulebook.
    """
    settings = load_settings(config)
    return Setup(settings=settings, rulebook=resolve_rulebook(settings, rulebook))


def open_project(
    paths: Sequence[str | Path],
    *,
    rulebook: str | Path | None = None,
    config: str | Path | None = None,
) -> Project:
    """Load policies from ``paths`` with settings and a rulebook (see ``open_settings``)."""
    return open_settings(rulebook=rulebook, config=config).open(paths)


def evaluate_paths(
    paths: Sequence[str | Path],
    *,
    rulebook: str | Path | None = None,
    config: str | Path | None = None,
    budget: RemedyBudget | None = None,
) -> EvaluationRun:
    """Load and evaluate the policies under ``paths`` (``budget``: see ``Project.evaluate``)."""
    return open_project(paths, rulebook=rulebook, config=config).evaluate(budget=budget)
