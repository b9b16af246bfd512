"""One call from paths on disk to an evaluation: load the library, settings and rulebook, evaluate.

The CLI commands and the BDD step library share this, so every way in
evaluates a library the same way. The settings and the rulebook are resolved
here, once (``--config`` or the nearest settings file; ``--rulebook`` or the
settings' ``rulebook`` or the bundled one), and passed down to every step by
``policyweigh.orchestration``. Remedies are bounded by a ``RemedyBudget``
(re-evaluations of patched policies); the CLI passes one to say afterwards
when some conflicts were left without remedies.

Opening a project also checks the names policies use against the settings
(``check_names``): a metric must be built in, a synonym of a built-in one, or
declared (``[metrics.NAME]``); a team or role must be one the settings declare,
when they declare any. Each unknown name is a located error with a
did-you-mean. Where the settings declare no teams (or roles), names across the
library that differ only by a slip (``customer-servce`` and
``customer-service``) are a warning, ``NAME001``, which ``check`` reports as a
finding of its own.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from policyweigh import orchestration
from policyweigh.config import NAME_CODES as NAME_CODES
from policyweigh.config import NEAR_DUPLICATE_NAME, Settings, load_settings, resolve_rulebook
from policyweigh.errors import InputError, Problem
from policyweigh.evaluation import EvaluationRun
from policyweigh.gate import Finding, GateResult, Location, fails_at
from policyweigh.loading import Library, LoadedPolicy
from policyweigh.metrics import MetricInfo, resolve_metric, unknown_metric
from policyweigh.policy import BonusThreshold, CompensationLink, Condition, MetricTarget
from policyweigh.pool import load_batch
from policyweigh.proposals import reference_problems
from policyweigh.remedies import RemedyBudget
from policyweigh.rulebook import Rulebook
from policyweigh.rulebook.guardrails import GuardrailPacks
from policyweigh.suggest import closest, quote
from policyweigh.yamldoc import PathKey, format_path, load_yaml


@dataclass(frozen=True)
class NameWarning:
    """A name that looks like a misspelling of another one in the library: where, and which policies."""

    problem: Problem
    """Located at an entry of the rarer spelling; names both spellings and their files."""
    policies: tuple[str, ...]
    """The policies using either spelling, the located one first."""
    elsewhere: tuple[Location, ...] = ()
    """Where the other spelling is used."""

    def finding(self, settings: Settings) -> Finding:
        """The warning as a `check` finding (``NAME001``, a warning that fails at ``--fail-on warning``)."""
        p = self.problem
        return Finding(
            code=NEAR_DUPLICATE_NAME,
            kind="input",
            severity="warning",
            message=p.detail,
            policies=self.policies,
            rules=(),
            locations=(Location(p.file, p.line, self.policies[0], column=p.column), *self.elsewhere),
            fails=fails_at("warning", settings.fail_on),
        )


@dataclass(frozen=True)
class Project:
    """A loaded library with the settings and rulebook it is evaluated with."""

    library: Library
    settings: Settings
    rulebook: Rulebook
    warnings: tuple[NameWarning, ...] = ()
    """Names in the library that look like misspellings of each other (``check_names``)."""
    scored: EvaluationRun | None = None
    """The policies scored by the worker processes that loaded them (``policyweigh.pool``), if they were."""
    scored_costs: bool = True
    """Whether ``scored`` holds the cost of decency in its queue results (``queue_costs``)."""
    notes: tuple[str, ...] = ()
    """What to tell the user about how the library was loaded (a pool that could not start)."""
    workers: int = 1
    """The processes that loaded the library: as many work out its remedies."""

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
            scored=self.scored if self.scored_costs else None,
            jobs=self.workers,
        )

    def check(self, settings: Settings) -> GateResult:
        """The CI gate over the whole library, under ``settings`` (the project's, with a command's overrides)."""
        result = orchestration.check(
            self.library.models,
            rulebook=self.rulebook,
            settings=settings,
            files=self.files,
            sources={p.id: p for p in self.library},
            scored=self.scored if not self.scored_costs else None,
            jobs=self.workers,
        )
        if not self.warnings:
            return result
        found = [*result.findings, *(w.finding(settings) for w in self.warnings)]
        found.sort(
            key=lambda f: (f.location.file or f.location.policy, f.location.line, f.code, f.policies, f.rules)
        )
        return dataclasses.replace(result, findings=tuple(found))


@dataclass(frozen=True)
class Setup:
    """The settings and the rulebook a library is evaluated with, resolved before it is loaded.

    Kept apart from ``Project`` so a command can still describe its findings with
    the organisation's rulebook when the policies themselves do not load.
    """

    settings: Settings
    rulebook: Rulebook

    def open(
        self,
        paths: Sequence[str | Path],
        *,
        references: bool = True,
        jobs: int | None = 1,
        queue_costs: bool = True,
    ) -> Project:
        """Load the policies under ``paths`` into a project with these settings and this rulebook.

        ``jobs`` processes load (and score) a large batch (``policyweigh.pool.load_batch``: 1 loads
        in this process, None uses every core for a large batch); ``queue_costs`` says whether the
        scores are for a command that shows the cost of decency (``evaluate``) or not (``check``).

        Raises ``InputError`` for policies that do not load, that name a jurisdiction the rulebook
        brings no guardrail pack for (``jurisdiction_problems``), that name a metric, team or role
        the settings do not know (``check_names``), or that replace or stand beside a policy the
        library does not have (``policyweigh.proposals.reference_problems``; ``references=False``
        skips this, for a policy evaluated alone), every problem of every policy at once;
        near-duplicate names are the project's warnings.
        """
        batch = load_batch(
            list(paths), settings=self.settings, rulebook=self.rulebook, jobs=jobs, queue_costs=queue_costs
        )
        library = batch.library
        problems = jurisdiction_problems(library, self.rulebook.guardrails)
        if references:
            problems = [*problems, *reference_problems(library)]
        try:
            warnings = check_names(library, self.settings)
        except InputError as err:
            problems = [*problems, *err.problems]
            warnings = ()
        if problems:
            raise InputError(sorted(problems, key=lambda p: (p.file, p.line, p.column, p.message)))
        return Project(
            library=library,
            settings=self.settings,
            rulebook=self.rulebook,
            warnings=warnings,
            scored=batch.scored,
            scored_costs=queue_costs,
            notes=batch.notes,
            workers=batch.workers,
        )


def jurisdiction_problems(library: Library, packs: GuardrailPacks) -> list[Problem]:
    """Every policy whose jurisdiction is not one of ``packs``, located at the value, with a
    did-you-mean over the packs."""
    problems = []
    known = ", ".join(sorted(packs))
    for loaded in library:
        name = loaded.policy.jurisdiction
        if name is None or name in packs:
            continue
        line, column = loaded.position("jurisdiction")
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
    return problems


# --------------------------------------------------------------------------- names


class _Places:
    """Where paths of a policy file are, read again only when a problem must be located there.

    A policy loaded from memory has no file to read: its problems point at its first line.
    """

    def __init__(self) -> None:
        self._docs: dict[str, Any] = {}

    def locate(self, loaded: LoadedPolicy, path: PathKey, *, key: bool = False) -> tuple[int, int]:
        """(line, column) of the value (or key) at ``path`` in the policy's file."""
        if loaded.file not in self._docs:
            try:
                self._docs[loaded.file] = load_yaml(loaded.file)
            except (InputError, OSError):
                self._docs[loaded.file] = None
        doc = self._docs[loaded.file]
        if doc is None:
            index = path[1] if len(path) > 1 and path[0] == "rules" else None
            if isinstance(index, int) and index < len(loaded.rule_lines):
                return loaded.rule_lines[index], 1
            return loaded.line, 1
        found: tuple[int, int] = doc.locate_key(path) if key else doc.locate(path)
        return found

    def problem(
        self, loaded: LoadedPolicy, path: PathKey, message: str, suggestion: str | None, *, key: bool = False
    ) -> Problem:
        """A problem at ``path`` of a policy's file."""
        line, column = self.locate(loaded, path, key=key)
        return Problem(loaded.file, line, column, format_path(path), message, suggestion)


def _metric_uses(loaded: LoadedPolicy) -> Iterator[tuple[PathKey, str, bool, Any]]:
    """Every metric a policy names: (path, name, whether the path is a mapping key, the rule part)."""
    for index, rule in enumerate(loaded.policy.rules):
        metric = getattr(rule, "metric", None)
        if isinstance(metric, str):
            yield ("rules", index, "metric"), metric, False, rule
        if isinstance(rule, BonusThreshold) and rule.combine is not None:
            for item, condition in enumerate(rule.conditions):
                yield ("rules", index, rule.combine, item, "metric"), condition.metric, False, condition
        if isinstance(rule, CompensationLink):
            for name in rule.weights:
                yield ("rules", index, "weights", name), name, True, rule


def _metric_problems(
    loaded: LoadedPolicy, catalog: Mapping[str, MetricInfo], places: _Places
) -> list[Problem]:
    problems: list[Problem] = []
    for path, name, on_key, part in _metric_uses(loaded):
        found = resolve_metric(name, catalog)
        if found is None:
            message, suggestion = unknown_metric(name, catalog)
            problems.append(places.problem(loaded, path, message, suggestion, key=on_key))
            continue
        if not found.info.declared:
            continue  # a built-in metric's units are checked where it is written (policyweigh.policy)
        # A level or target of a declared metric is written in its unit (a share of target has none).
        unit = part.unit if isinstance(part, (MetricTarget, Condition)) else None
        if unit is not None and unit not in found.info.units:
            declared = " or ".join(found.info.units)
            problems.append(
                places.problem(
                    loaded,
                    (*path[:-1], "unit"),
                    f"{name} is declared in {declared} in the settings; got {quote(str(unit))}",
                    found.info.units[0],
                )
            )
    return problems


def _name_uses(loaded: LoadedPolicy, what: str) -> Iterator[tuple[PathKey, str]]:
    """Every team (``what="teams"``) or role a policy names: its scope's, and its rules' (leader roles)."""
    for index, name in enumerate(getattr(loaded.policy.scope, what)):
        yield ("scope", what, index), name
    for number, rule in enumerate(loaded.policy.rules):
        # Most rule kinds have no such field: asking the model for a missing one is slow.
        names = getattr(rule, what) if what in type(rule).model_fields else None
        if isinstance(names, list):
            for index, name in enumerate(names):
                if isinstance(name, str):
                    yield ("rules", number, what, index), name


def _declared_problems(
    loaded: LoadedPolicy, what: str, declared: Sequence[str], places: _Places
) -> list[Problem]:
    single = what[:-1]
    problems = []
    for path, name in _name_uses(loaded, what):
        if name in declared:
            continue
        known = ", ".join(declared) if declared else "none"
        message = f"no {single} {quote(name)} is declared in the settings ({what}: {known})"
        problems.append(places.problem(loaded, path, message, closest(name, declared)))
    return problems


def check_names(library: Library, settings: Settings) -> tuple[NameWarning, ...]:
    """Check the names a library uses against the settings; return the near-duplicate warnings.

    Raises ``InputError`` locating every metric that is neither built in, a
    synonym of a built-in one, nor declared (with a did-you-mean over the
    built-in and declared names, or a hint for a common name with no built-in
    counterpart), every declared metric written in another unit than its own,
    and every team or role the settings do not declare when they declare some.
    Where the settings declare no teams (or roles), names that differ only by
    a slip are returned as warnings.
    """
    places = _Places()
    catalog = settings.metric_catalog
    problems: list[Problem] = []
    for loaded in library:
        problems.extend(_metric_problems(loaded, catalog, places))
        for what, declared in (("teams", settings.teams), ("roles", settings.roles)):
            if declared is not None:
                problems.extend(_declared_problems(loaded, what, declared, places))
    if problems:
        raise InputError(sorted(problems, key=lambda p: (p.file, p.line, p.column, p.path, p.message)))
    warnings: list[NameWarning] = []
    for what, declared in (("teams", settings.teams), ("roles", settings.roles)):
        if declared is None:
            warnings.extend(_near_duplicates(library, what, places))
    if settings.organisation_model is not None:
        warnings.extend(_organisation_slips(library, settings.organisation_model.team_ids, places))
    return tuple(sorted(warnings, key=lambda w: (w.problem.file, w.problem.line, w.problem.column)))


def _organisation_slips(library: Library, teams: Sequence[str], places: _Places) -> list[NameWarning]:
    """Team names a slip away from a team of the organisation file: their queue would go unmodelled."""
    known = set(teams)
    warnings = []
    slips: dict[str, list[str]] = {}  # a name is used by many policies: compared once
    for loaded in library:
        for path, name in _name_uses(loaded, "teams"):
            if name in known:
                continue
            near = slips.get(name)
            if near is None:
                near = slips[name] = [team for team in teams if is_slip(name, team)]
            if not near:
                continue
            message = (
                f"team {quote(name)} is not a team of the organisation file, so the policy's effect on "
                "its queue is not worked out"
            )
            warnings.append(NameWarning(places.problem(loaded, path, message, near[0]), (loaded.id,)))
    return warnings


# --------------------------------------------------------------------------- near-duplicate names


def fold_name(name: str) -> str:
    """A team or role name with case and separators evened out: ``Customer Service`` -> ``customer-service``."""
    return "-".join(name.lower().replace("_", " ").replace("-", " ").split())


MIN_SLIP_LENGTH = 5
"""Names shorter than this are compared only for case and separators: in short names one letter
more or less is as likely another name as a slip (``ops``, ``opsx``)."""
MAX_SHOWN = 3
"""Files named, and other places located, for one spelling in a warning (a team may be in thousands)."""
MIN_SLIP_WORD = 4
"""A letter replaced counts as a slip only in a word this long: short words are codes (``uk``, ``us``)."""


def is_slip(a: str, b: str) -> bool:
    """Whether two different names differ only by a slip of the keyboard.

    The same once case and separators are evened out (``Customer_Service``,
    ``customer-service``), or, in names of at least ``MIN_SLIP_LENGTH``
    characters, one letter (not a digit) added or dropped, two neighbours
    swapped, or one letter replaced in a word of at least ``MIN_SLIP_WORD``
    letters (``customer-servce``, ``custoemr-service``, ``team-leeder``). Short
    words and digits tell groups apart: ``tier-1`` and ``tier-2``, ``sales-uk``
    and ``sales-us``, ``team-a`` and ``team-b``, ``inbound`` and ``outbound``
    are names of different groups.
    """
    if a == b:
        return False
    x, y = fold_name(a), fold_name(b)
    if x == y:
        return True
    if min(len(x), len(y)) < MIN_SLIP_LENGTH:
        return False
    if len(x) > len(y):
        x, y = y, x
    if len(y) == len(x) + 1:
        for i, char in enumerate(y):
            if y[:i] + y[i + 1 :] == x:
                return not char.isdigit()
        return False
    if len(x) == len(y):
        diff = [i for i in range(len(x)) if x[i] != y[i]]
        if len(diff) == 1:
            i = diff[0]
            word = x[: i + 1].rsplit("-", 1)[-1] + x[i + 1 :].split("-", 1)[0]
            return x[i].isalpha() and y[i].isalpha() and len(word) >= MIN_SLIP_WORD
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and x[diff[0]] == y[diff[1]]
            and x[diff[1]] == y[diff[0]]
            and not any(c.isdigit() for c in (x[diff[0]], x[diff[1]]))
        )
    return False


def _slip_candidates(names: Sequence[str]) -> list[tuple[str, str]]:
    """The pairs of ``names`` (sorted) that may differ by a slip, found without comparing every pair.

    Two names one slip apart share a key: the folded name itself, or the folded name with one
    letter dropped (an added or dropped letter, two swapped neighbours, or a letter replaced all
    leave one in common). Digits are never dropped: no slip touches a digit.
    """
    buckets: dict[str, set[str]] = {}
    for name in names:
        folded = fold_name(name)
        keys = {folded}
        keys.update(folded[:i] + folded[i + 1 :] for i, c in enumerate(folded) if not c.isdigit())
        for key in keys:
            buckets.setdefault(key, set()).add(name)
    pairs = {
        (a, b) for members in buckets.values() if len(members) > 1 for a in members for b in members if a < b
    }
    return sorted(pairs)


@dataclass
class _Uses:
    """Where one spelling of a name is used."""

    places: list[tuple[LoadedPolicy, PathKey]] = field(default_factory=list)

    def shown_files(self) -> str:
        """The files that use the spelling, at most ``MAX_SHOWN`` of them named."""
        files = sorted({loaded.file for loaded, _ in self.places})
        more = f" and {len(files) - MAX_SHOWN} more" if len(files) > MAX_SHOWN else ""
        return ", ".join(files[:MAX_SHOWN]) + more


def _near_duplicates(library: Library, what: str, places: _Places) -> list[NameWarning]:
    uses: dict[str, _Uses] = {}
    for loaded in library:
        for path, name in _name_uses(loaded, what):
            uses.setdefault(name, _Uses()).places.append((loaded, path))
    names = sorted(uses)
    single = what[:-1]
    warnings = []
    order = {name: index for index, name in enumerate(names)}
    for a, b in _slip_candidates(names):
        if not is_slip(a, b):
            continue
        # The rarer spelling is the likely slip; with as many uses each, the shorter (a dropped
        # letter is the commonest slip), and between names as long, the later in order.
        rare, common = min(
            ((a, b), (b, a)),
            key=lambda pair: (len(uses[pair[0]].places), len(pair[0]), -order[pair[0]]),
        )
        loaded, path = uses[rare].places[0]
        message = (
            f"{single} {quote(rare)} ({uses[rare].shown_files()}) and {quote(common)} "
            f"({uses[common].shown_files()}) differ only by a slip: if they are one {single}, "
            f"write one spelling; declare the {what} in the settings ({what} = [...]) to make a "
            "name that is not declared an error"
        )
        problem = places.problem(loaded, path, message, common)
        others = []
        for other, other_path in uses[common].places[:MAX_SHOWN]:
            line, column = places.locate(other, other_path)
            others.append(Location(other.file, line, other.id, column=column))
        policies = tuple(dict.fromkeys(p.id for p, _ in (*uses[rare].places, *uses[common].places)))
        warnings.append(NameWarning(problem, policies, tuple(others)))
    return warnings


def open_settings(
    *,
    rulebook: str | Path | None = None,
    config: str | Path | None = None,
    organisation: str | Path | None = None,
) -> Setup:
    """Settings (``config`` or the nearest file), the rulebook and the organisation file they name.

    ``rulebook`` is a directory and ``organisation`` a file given on the command
    line; without them the settings' ``rulebook`` and ``organisation`` are used
    (the bundled rulebook when none is named; no queue model when no organisation
    is). Raises ``InputError`` for a broken settings file, rulebook or organisation file.
    """
    settings = load_settings(config).with_organisation(organisation)
    return Setup(settings=settings, rulebook=resolve_rulebook(settings, rulebook))


def open_project(
    paths: Sequence[str | Path],
    *,
    rulebook: str | Path | None = None,
    config: str | Path | None = None,
    organisation: str | Path | None = None,
    jobs: int | None = 1,
) -> Project:
    """Load policies from ``paths`` with settings, a rulebook and an organisation (see ``open_settings``),
    in ``jobs`` processes (see ``Setup.open``)."""
    setup = open_settings(rulebook=rulebook, config=config, organisation=organisation)
    return setup.open(paths, jobs=jobs)


def evaluate_paths(
    paths: Sequence[str | Path],
    *,
    rulebook: str | Path | None = None,
    config: str | Path | None = None,
    organisation: str | Path | None = None,
    budget: RemedyBudget | None = None,
) -> EvaluationRun:
    """Load and evaluate the policies under ``paths`` (``budget``: see ``Project.evaluate``)."""
    project = open_project(paths, rulebook=rulebook, config=config, organisation=organisation)
    return project.evaluate(budget=budget)
