"""The rulebook: the engine's knowledge base, loaded from YAML data and checked whole.

``load_rulebook()`` reads the bundled rulebook (``engine/rulebook/data``) or an
organisation's own directory with the same layout::

    criteria.yaml     criteria with weights, and the scoring constants
    evidence.yaml     sources, each with a full citation
    impact/*.yaml     impact rules (a list per file)
    conflicts.yaml    conflict rules (joins of two facts)        optional
    remedies.yaml     remedies (declarative patches)             optional
    guardrails.yaml   legal guardrail packs per jurisdiction     optional (bundled packs if absent)

Beyond each file's own validation, the rulebook is checked as a whole: codes
and names unique, every criterion, evidence id and remedy referred to exists,
every derived fact a rule waits for is derived by some rule, and derivations
have no cycle. Conditions may name only keys the facts they match carry, with
values those keys can hold, and templates only such keys; no two rules may say
the same thing. And the rulebook must fit what durable-rules compiles and runs
(``ENGINE_LIMITS``): past its fixed table sizes it hangs in C, crashes or fails
at run time, so those limits are checked here, on a model of the Rete network
``policyweigh.rete`` builds, before the rule engine ever sees the rulebook.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from policyweigh import cache
from policyweigh.errors import InputError, Problem, RulebookError
from policyweigh.facts import DERIVED_KEY, MEMBER_PREFIX, POLICY_KEY, member_key
from policyweigh.policy import RULE_KINDS
from policyweigh.rulebook.guardrails import GUARDRAILS_FILE, GuardrailPacks, load_guardrails
from policyweigh.rulebook.models import (
    MAX_IN_VALUES,
    STRENGTHS,
    Check,
    ConflictRule,
    Criterion,
    Equivalence,
    Evidence,
    FactKey,
    ImpactRule,
    Plausible,
    Remedy,
    Scoring,
    Side,
    When,
    canonical_when,
    condition_problems,
    derived_fact_keys,
    fact_keys,
    key_catalog,
    placeholders,
    template_name_problem,
)
from policyweigh.suggest import closest
from policyweigh.yamldoc import YamlDocument, format_path, load_yaml, problems_from_validation, read_limited

DATA_DIR = Path(__file__).parent / "data"

_BUNDLED: Rulebook | None = None
"""The bundled rulebook once loaded (``default_rulebook``)."""

__all__ = [
    "DATA_DIR",
    "ENGINE_LIMITS",
    "ConflictRule",
    "Criterion",
    "Evidence",
    "ImpactRule",
    "Remedy",
    "Rulebook",
    "Scoring",
    "check_rulebook",
    "default_rulebook",
    "engine_limit_problems",
    "load_rulebook",
    "rulebook_problems",
]

M = TypeVar("M", bound=BaseModel)
C = TypeVar("C", ConflictRule, Remedy)


@dataclass(frozen=True)
class Rulebook:
    """A complete, cross-checked rulebook."""

    criteria: tuple[Criterion, ...]
    scoring: Scoring
    evidence: Mapping[str, Evidence]
    impact_rules: tuple[ImpactRule, ...]
    conflict_rules: tuple[ConflictRule, ...] = ()
    remedies: Mapping[str, Remedy] = field(default_factory=dict)
    source: str = "bundled"
    """Where the rulebook was read from, for messages."""
    locations: Mapping[str, tuple[str, int]] = field(default_factory=dict, compare=False)
    """Rule code to (file, line), for messages and SARIF."""
    guardrails: GuardrailPacks = field(default_factory=lambda: MappingProxyType({}), compare=False)
    """Legal guardrail packs: the rulebook's guardrails.yaml, or the bundled packs when it has none
    (``load_rulebook`` decides; a rulebook made in code holds the packs it is given)."""
    equivalences: tuple[Equivalence, ...] = ()
    """Pairs of rules that say the same thing through different kinds (held close by a test)."""
    plausible: tuple[Plausible, ...] = ()
    """Plausible ranges of numeric fields; values outside are flagged."""
    guardrails_file: str | None = field(default=None, compare=False)
    """The file ``guardrails`` was read from (the rulebook's own guardrails.yaml or the bundled
    one), for saying where a guardrail code is defined; none for packs given in code."""

    def __getstate__(self) -> dict[str, Any]:
        """The state to pickle (for ``policyweigh.cache``): a mapping proxy does not pickle, its dict does."""
        state = dict(self.__dict__)
        state["guardrails"] = dict(self.guardrails)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Restore a pickled rulebook, its computed properties (fingerprints) included."""
        restored = dict(state)
        restored["guardrails"] = MappingProxyType(restored["guardrails"])
        self.__dict__.update(restored)

    @cached_property
    def fingerprint(self) -> str:
        """A short hash of the rulebook's content, stable across runs and file orders."""
        payload = {
            "criteria": [c.model_dump(mode="json") for c in self.criteria],
            "scoring": self.scoring.model_dump(mode="json"),
            "impact": [r.model_dump(mode="json", by_alias=True) for r in self.impact_rules],
            "conflicts": [r.model_dump(mode="json", by_alias=True) for r in self.conflict_rules],
            "remedies": [
                self.remedies[k].model_dump(mode="json", by_alias=True) for k in sorted(self.remedies)
            ],
        }
        text = json.dumps(payload, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    @cached_property
    def rules_fingerprint(self) -> str:
        """A short hash of the impact and conflict rules only (weights do not change the Rete network)."""
        payload = {
            "impact": [r.model_dump(mode="json", by_alias=True) for r in self.impact_rules],
            "conflicts": [r.model_dump(mode="json", by_alias=True) for r in self.conflict_rules],
        }
        text = json.dumps(payload, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    @cached_property
    def criteria_by_id(self) -> dict[str, Criterion]:
        """Criteria keyed by id."""
        return {c.id: c for c in self.criteria}

    @cached_property
    def impact_by_code(self) -> dict[str, ImpactRule]:
        """Impact rules keyed by code."""
        return {r.code: r for r in self.impact_rules}

    @cached_property
    def rules_by_code(self) -> dict[str, ImpactRule | ConflictRule]:
        """Impact and conflict rules keyed by code."""
        found: dict[str, ImpactRule | ConflictRule] = {r.code: r for r in self.impact_rules}
        found.update({r.code: r for r in self.conflict_rules})
        return found

    def evidence_strength(self, rule: ImpactRule) -> str | None:
        """The strength of the strongest evidence a rule cites (None when it cites none)."""
        found = [self.evidence[e].strength for e in rule.evidence if e in self.evidence]
        return min(found, key=STRENGTHS.index) if found else None

    def side_criteria(self, side: Side) -> list[Criterion]:
        """Criteria of one side, in rulebook order."""
        return [c for c in self.criteria if c.side == side]

    def with_weights(self, weights: Mapping[str, float]) -> Rulebook:
        """Return a copy with some criteria weights overridden (unknown ids are errors)."""
        unknown = sorted(set(weights) - set(self.criteria_by_id))
        if unknown:
            raise RulebookError(
                f"weight override for unknown criteria: {', '.join(unknown)}; "
                f"known: {', '.join(self.criteria_by_id)}"
            )
        for key, value in weights.items():
            if not 0 < value <= 10:
                raise RulebookError(f"weight of {key} must be above 0 and at most 10; got {value:g}")
        criteria = tuple(
            c.model_copy(update={"weight": float(weights[c.id])}) if c.id in weights else c
            for c in self.criteria
        )
        return Rulebook(
            criteria=criteria,
            scoring=self.scoring,
            evidence=self.evidence,
            impact_rules=self.impact_rules,
            conflict_rules=self.conflict_rules,
            remedies=self.remedies,
            source=self.source,
            locations=self.locations,
            guardrails=self.guardrails,
            guardrails_file=self.guardrails_file,
        )


# An item of a rulebook file, as it was read: its document and its path there.
Origin = tuple[YamlDocument, tuple[str | int, ...]]


def _validate_list(
    doc: YamlDocument, key: str | None, model: type[M], problems: list[Problem]
) -> list[tuple[M, tuple[str | int, ...]]]:
    """Validate a list of models (at top level or under ``key``); keep the valid ones with their paths."""
    data = doc.data
    prefix: tuple[str | int, ...] = ()
    if key is not None:
        if not isinstance(data, dict) or key not in data:
            line, column = doc.locate(())
            problems.append(Problem(doc.file, line, column, key, f"expected a top-level `{key}:` list"))
            return []
        data = data[key]
        prefix = (key,)
    if not isinstance(data, list):
        line, column = doc.locate(prefix)
        problems.append(Problem(doc.file, line, column, ".".join(map(str, prefix)), "expected a list"))
        return []
    found: list[tuple[M, tuple[str | int, ...]]] = []
    for index, item in enumerate(data):
        try:
            found.append((model.model_validate(item), (*prefix, index)))
        except ValidationError as err:
            problems.extend(problems_from_validation(doc, err, (*prefix, index), model=model))
    return found


def _files(root: Path, pattern: str) -> list[Path]:
    return sorted(p for p in root.glob(pattern) if p.is_file())


def load_rulebook(path: str | Path | None = None) -> Rulebook:
    """Load and cross-check a rulebook directory (the bundled one when ``path`` is None).

    Raises ``InputError`` with located problems for invalid files, for
    conditions and templates that name what no fact carries, and for a
    rulebook beyond what the rule engine compiles and runs (``ENGINE_LIMITS``);
    and ``RulebookError`` for a rulebook that is valid file by file but not
    whole. The rule engine is never called: a refused rulebook is never compiled.

    A rulebook that loads is kept in the user's cache folder (``policyweigh.cache``) under a key
    of its files' content and the code's version, and read from there while neither changes;
    a refused one is never kept, so its problems are reported every time.
    """
    root = Path(path) if path is not None else DATA_DIR
    if not root.is_dir():
        raise InputError([Problem(str(root), 1, 1, "", "a rulebook must be a directory (see the README)")])
    key = _cache_key(root)
    if key is not None:
        found = cache.load("rulebook", key)
        if isinstance(found, Rulebook):
            return found
    book = _load_rulebook(root)
    if key is not None:
        # Computed before storing, so a run that reads the cache does not serialise every rule again.
        book.fingerprint  # noqa: B018
        book.rules_fingerprint  # noqa: B018
        cache.store("rulebook", key, book)
    return book


RULEBOOK_FILES = (
    "criteria.yaml",
    "evidence.yaml",
    "conflicts.yaml",
    "remedies.yaml",
    "equivalences.yaml",
    "plausible.yaml",
    "guardrails.yaml",
)
"""The files of a rulebook directory besides ``impact/*.yaml`` (the first two required)."""


def _cache_key(root: Path) -> str | None:
    """The cache key of the rulebook in ``root``: its path and every file the loader reads, by content.

    None when a file cannot be read as the loader would read it: the loader then reports it,
    and nothing is cached.
    """
    own_guardrails = (root / "guardrails.yaml").is_file()
    files = [root / name for name in RULEBOOK_FILES if (root / name).is_file()]
    files += _files(root / "impact", "*.yaml")
    if not own_guardrails:
        files.append(GUARDRAILS_FILE)
    parts: list[bytes] = [str(root).encode()]
    try:
        for file in files:
            parts += [str(file).encode(), read_limited(file)]
    except InputError:
        return None
    return cache.key("rulebook", parts)


def _load_rulebook(root: Path) -> Rulebook:
    """Read, validate and cross-check the rulebook in ``root`` (see ``load_rulebook``)."""
    problems: list[Problem] = []

    def read(name: str) -> YamlDocument | None:
        file = root / name
        if not file.is_file():
            problems.append(Problem(str(file), 1, 1, "", f"missing rulebook file {name}"))
            return None
        try:
            return load_yaml(file)
        except InputError as err:
            problems.extend(err.problems)
            return None

    criteria: list[Criterion] = []
    scoring: Scoring | None = None
    doc = read("criteria.yaml")
    if doc is not None:
        criteria = [c for c, _ in _validate_list(doc, "criteria", Criterion, problems)]
        if isinstance(doc.data, dict) and "scoring" in doc.data:
            try:
                scoring = Scoring.model_validate(doc.data["scoring"])
            except ValidationError as err:
                problems.extend(problems_from_validation(doc, err, ("scoring",), model=Scoring))
        else:
            problems.append(Problem(doc.file, 1, 1, "scoring", "expected a top-level `scoring:` mapping"))

    evidence: dict[str, Evidence] = {}
    doc = read("evidence.yaml")
    if doc is not None:
        for item, where in _validate_list(doc, "evidence", Evidence, problems):
            if item.id in evidence:
                problems.append(
                    Problem(doc.file, doc.locate(where)[0], 1, item.id, "evidence id defined twice")
                )
            evidence[item.id] = item

    locations: dict[str, tuple[str, int]] = {}
    origins: dict[str, Origin] = {}
    impact: list[ImpactRule] = []
    impact_files = _files(root / "impact", "*.yaml")
    if not impact_files:
        problems.append(Problem(str(root / "impact"), 1, 1, "", "no impact rules (impact/*.yaml)"))
    for file in impact_files:
        try:
            doc = load_yaml(file)
        except InputError as err:
            problems.extend(err.problems)
            continue
        for rule, where in _validate_list(doc, None, ImpactRule, problems):
            line = doc.locate(where)[0]
            if rule.code in locations:
                first = locations[rule.code]
                problems.append(
                    Problem(doc.file, line, 1, rule.code, f"rule code already used at {first[0]}:{first[1]}")
                )
                continue
            locations[rule.code] = (doc.file, line)
            origins[rule.code] = (doc, where)
            impact.append(rule)

    def read_coded(name: str, model: type[C]) -> list[C]:
        """An optional list file of coded items (conflict rules, remedies), codes unique rulebook-wide."""
        file = root / name
        if not file.is_file():
            return []  # optional: a rulebook may have no conflict rules or remedies
        try:
            doc = load_yaml(file)
        except InputError as err:
            problems.extend(err.problems)
            return []
        kept: list[C] = []
        for item, where in _validate_list(doc, None, model, problems):
            code = str(item.code)
            line = doc.locate(where)[0]
            if code in locations:
                first = locations[code]
                problems.append(
                    Problem(doc.file, line, 1, code, f"code already used at {first[0]}:{first[1]}")
                )
                continue
            locations[code] = (doc.file, line)
            origins[code] = (doc, where)
            kept.append(item)
        return kept

    def read_plain(name: str, model: type[M]) -> list[M]:
        """An optional list file of items without codes (equivalences, plausible ranges)."""
        file = root / name
        if not file.is_file():
            return []
        try:
            doc = load_yaml(file)
        except InputError as err:
            problems.extend(err.problems)
            return []
        kept: list[M] = []
        for item, where in _validate_list(doc, None, model, problems):
            origins[plain_origin(name, len(kept))] = (doc, where)
            kept.append(item)
        return kept

    equivalences = read_plain("equivalences.yaml", Equivalence)
    plausible = read_plain("plausible.yaml", Plausible)
    conflicts = read_coded("conflicts.yaml", ConflictRule)
    remedies = {r.code: r for r in read_coded("remedies.yaml", Remedy)}
    # Without its own guardrails.yaml a rulebook holds the bundled packs: resolved here, once,
    # so nothing downstream has to know what "no packs given" means.
    own = root / "guardrails.yaml"
    guardrails: GuardrailPacks = MappingProxyType({})
    guardrails_file = own if own.is_file() else GUARDRAILS_FILE
    try:
        guardrails = load_guardrails(guardrails_file)
    except InputError as err:
        problems.extend(err.problems)

    # The rules read so far are checked even when others were refused, so one run shows every
    # problem; a limit exceeded by part of a rulebook is exceeded by all of it.
    partial = Rulebook(
        criteria=tuple(criteria),
        scoring=scoring or _STAND_IN_SCORING,
        evidence=evidence,
        impact_rules=tuple(sorted(impact, key=lambda r: r.code)),
        conflict_rules=tuple(sorted(conflicts, key=lambda r: r.code)),
        remedies=remedies,
        source=str(root),
        locations=locations,
        guardrails=guardrails,
        equivalences=tuple(equivalences),
        plausible=tuple(plausible),
        guardrails_file=str(guardrails_file),
    )
    found = rulebook_problems(partial, origins)
    problems.extend(sorted(found, key=lambda p: (p.file, p.line, p.column, p.path, p.message)))
    if problems:
        raise InputError(problems)
    check_rulebook(partial)
    return partial


def default_rulebook() -> Rulebook:
    """The bundled rulebook, loaded once per process (for shells that were given no other)."""
    global _BUNDLED
    if _BUNDLED is None:
        _BUNDLED = load_rulebook(DATA_DIR)
    return _BUNDLED


_STAND_IN_SCORING = Scoring.model_validate(
    {
        "saturation": 12,
        "verdicts": {"margin": 5},
        "bands": {"strong": 0, "moderate": 0, "weak": 0, "practitioner": 0, "none": 0},
    }
)
"""Stands in for a missing or invalid `scoring:` while the rules are checked; never returned."""


def _where(book: Rulebook, code: str) -> str:
    file, line = book.locations.get(code, (book.source, 0))
    return f"{file}:{line}: {code}"


def check_rulebook(book: Rulebook) -> None:
    """Check cross-references, unique names and the absence of derivation cycles."""
    errors: list[str] = []
    criteria = book.criteria_by_id
    if len({c.id for c in book.criteria}) != len(book.criteria):
        errors.append(f"{book.source}: a criterion id is defined twice")
    sides: tuple[Side, ...] = ("employee", "customer")
    for side in sides:
        if not book.side_criteria(side):
            errors.append(f"{book.source}: no {side} criteria")
    names: dict[str, str] = {}
    all_rules: list[ImpactRule | ConflictRule] = [*book.impact_rules, *book.conflict_rules]
    for rule in all_rules:
        if rule.name in names:
            errors.append(f"{_where(book, rule.code)}: name {rule.name} already used by {names[rule.name]}")
        names[rule.name] = rule.code
        for ev in rule.evidence:
            if ev not in book.evidence:
                errors.append(f"{_where(book, rule.code)}: unknown evidence id {ev!r}")
    mechanisms = book.scoring.mechanisms_by_id
    for mechanism in book.scoring.mechanisms:
        for ev in mechanism.evidence:
            if ev not in book.evidence:
                errors.append(f"{book.source}: mechanism {mechanism.id} cites unknown evidence id {ev!r}")
    for rule in book.impact_rules:
        where = _where(book, rule.code)
        if rule.mechanism is not None:
            if rule.mechanism not in mechanisms:
                errors.append(
                    f"{where}: unknown mechanism {rule.mechanism!r}; known: {', '.join(mechanisms) or 'none'}"
                )
            if not rule.on_derived:
                errors.append(f"{where}: only a rule on a derived fact names a mechanism")
        for remedy in rule.remedies:
            if remedy not in book.remedies:
                errors.append(f"{where}: unknown remedy {remedy!r}")
        if rule.strength is not None:
            best = book.evidence_strength(rule)
            if best is None or STRENGTHS.index(rule.strength) < STRENGTHS.index(best):
                errors.append(
                    f"{where}: strength {rule.strength} is stronger than the evidence it cites "
                    f"({best or 'none'}): a rule's claim is never better supported than its sources"
                )
        for threshold in rule.thresholds:
            if threshold.evidence not in book.evidence:
                errors.append(f"{where}: threshold cites unknown evidence id {threshold.evidence!r}")
    derived_by: dict[str, list[str]] = {}
    for rule in book.impact_rules:
        for criterion in rule.impacts:
            if criterion not in criteria:
                errors.append(
                    f"{_where(book, rule.code)}: unknown criterion {criterion!r}; known: {', '.join(criteria)}"
                )
        for name in rule.derive:
            derived_by.setdefault(name, []).append(rule.code)
    for rule in book.impact_rules:
        wanted = rule.when.get("derived")
        if rule.on_derived:
            if not isinstance(wanted, str):
                errors.append(f"{_where(book, rule.code)}: `derived` must name one derived fact")
            elif wanted not in derived_by:
                errors.append(f"{_where(book, rule.code)}: waits for {wanted!r}, which no rule derives")
    for conflict in book.conflict_rules:
        for remedy in conflict.remedies:
            if remedy not in book.remedies:
                errors.append(f"{_where(book, conflict.code)}: unknown remedy {remedy!r}")
    for remedy_rule in book.remedies.values():
        for ev in remedy_rule.evidence:
            if ev not in book.evidence:
                errors.append(f"{_where(book, remedy_rule.code)}: unknown evidence id {ev!r}")
    cycle = find_derivation_cycle(book.impact_rules)
    if cycle:
        errors.append(f"{book.source}: derivation cycle {' -> '.join(cycle)}")
    if errors:
        raise RulebookError("invalid rulebook:\n" + "\n".join(errors))


def find_derivation_cycle(rules: Iterable[ImpactRule]) -> list[str]:
    """Return a cycle of derived-fact names (first name repeated at the end), or []."""
    graph: dict[str, set[str]] = {}
    for rule in rules:
        wanted = rule.when.get("derived")
        if isinstance(wanted, str):
            graph.setdefault(wanted, set()).update(rule.derive)
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return []

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return []


# ---------------------------------------------------------------------------------------------
# Conditions and templates against the keys facts carry; rules that say the same thing twice.


class _Locator:
    """Where a part of a coded item is: exact from the YAML document, else the item's line."""

    def __init__(self, book: Rulebook, origins: Mapping[str, Origin] | None) -> None:
        self.book = book
        self.origins = origins or {}

    def problem(
        self,
        code: str,
        sub: tuple[str | int, ...],
        message: str,
        suggestion: str | None = None,
        *,
        on_key: bool = False,
    ) -> Problem:
        origin = self.origins.get(code)
        if origin is None:
            file, line = self.book.locations.get(code, (self.book.source, 1))
            return Problem(file, line, 1, format_path((code, *sub)), message, suggestion)
        doc, prefix = origin
        path = (*prefix, *sub)
        line, column = doc.locate_key(path) if on_key else doc.locate(path)
        return Problem(doc.file, line, column, format_path(path), message, suggestion)

    def at(self, code: str) -> str:
        """``file:line`` of an item, for messages that point at a second one."""
        file, line = self.book.locations.get(code, (self.book.source, 1))
        return f"{file}:{line}"


def rulebook_problems(book: Rulebook, origins: Mapping[str, Origin] | None = None) -> list[Problem]:
    """Located problems of a rulebook's conditions, templates, duplicates and engine limits.

    ``origins`` maps codes to where the items were read (the loader passes
    them); without them, problems point at the item's line. Nothing here calls
    the rule engine.
    """
    where = _Locator(book, origins)
    problems: list[Problem] = []
    for rule in book.impact_rules:
        problems.extend(_condition_problems(where, rule.code, ("when",), rule.when, derived=True))
        keys = key_catalog(rule.when, derived=True)
        for name in distinct_names(rule.because):
            found = template_name_problem(name, keys)
            if found is not None:
                problems.append(where.problem(rule.code, ("because",), *found))
        problems.extend(_dose_problems(rule, keys, where))
    for conflict in book.conflict_rules:
        for side in ("a", "b"):
            problems.extend(
                _condition_problems(where, conflict.code, (side,), getattr(conflict, side), derived=False)
            )
        for name in distinct_names(conflict.because):
            side, _, rest = name.partition(".")
            if side not in ("a", "b") or not rest:
                problems.append(
                    where.problem(
                        conflict.code,
                        ("because",),
                        f"{{{name}}} names no side: a conflict's placeholders start with a. or b. "
                        "({a.max_minutes}, {b.policy})",
                    )
                )
                continue
            found = template_name_problem(rest, key_catalog(getattr(conflict, side), derived=False), name)
            if found is not None:
                problems.append(where.problem(conflict.code, ("because",), *found))
    for remedy in book.remedies.values():
        problems.extend(
            _condition_problems(where, remedy.code, ("applies_to",), remedy.applies_to, derived=False)
        )
    problems.extend(_duplicate_problems(book, where))
    problems.extend(engine_limit_problems(book, origins))
    problems.extend(plausible_problems(book, where))
    return problems


PLAUSIBLE_FILE = "plausible.yaml"


def plain_origin(file: str, number: int) -> str:
    """The key under which the loader records where item ``number`` of an uncoded list file was read."""
    return f"{file}[{number}]"


def plausible_problems(book: Rulebook, where: _Locator) -> list[Problem]:
    """Located problems of the plausible ranges: an unknown kind, a key that is no number of the
    kind's facts (fields and measures), a range with min above max or with no end at all.

    Entries are located where the loader read them; a rulebook made in code points at its source.
    """
    problems: list[Problem] = []
    for number, entry in enumerate(book.plausible):
        origin = plain_origin(PLAUSIBLE_FILE, number)

        def problem(name: str, message: str, suggestion: str | None = None, origin: str = origin) -> Problem:
            return where.problem(origin, (name,), message, suggestion)

        if entry.kind not in RULE_KINDS:
            problems.append(
                problem("kind", f"unknown rule kind {entry.kind!r}", closest(entry.kind, RULE_KINDS))
            )
            continue
        numbers = sorted(k for k, info in fact_keys(entry.kind).items() if info.shape == "number")
        if entry.key not in numbers:
            problems.append(
                problem(
                    "key",
                    f"{entry.key!r} is no number of a {entry.kind} rule's facts, so no value is ever "
                    f"checked against this range; numbers: {', '.join(numbers)}",
                    closest(entry.key, numbers),
                )
            )
        if entry.min is None and entry.max is None:
            problems.append(problem("min", "give min, max or both: a range without ends flags nothing"))
        elif entry.min is not None and entry.max is not None and entry.min > entry.max:
            problems.append(
                problem(
                    "min",
                    f"min {entry.min:g} is above max {entry.max:g}: every value would be flagged",
                )
            )
    return problems


def _dose_problems(rule: ImpactRule, keys: Mapping[str, FactKey], where: _Locator) -> list[Problem]:
    """Dose and reach keys that are no number of the matched facts; thresholds on keys ``when`` does not cut."""
    problems: list[Problem] = []
    numbers = sorted(k for k, info in keys.items() if info.shape == "number")
    for i, dose in enumerate(rule.dose):
        info = keys.get(dose.key)
        if info is None or info.shape != "number":
            suggestion = closest(dose.key, numbers)
            problems.append(
                where.problem(
                    rule.code,
                    ("dose", i, "key"),
                    f"{dose.key!r} is no number of the facts this rule matches, so the dose would "
                    "always be its default",
                    suggestion,
                )
            )
    if rule.reach is not None:
        info = keys.get(rule.reach)
        if info is None or info.shape != "number":
            problems.append(
                where.problem(
                    rule.code,
                    ("reach",),
                    f"{rule.reach!r} is no number of the facts this rule matches, so the rule would "
                    "touch no customer contact",
                    closest(rule.reach, numbers),
                )
            )
    for i, threshold in enumerate(rule.thresholds):
        test = rule.when.get(threshold.key)
        cuts = isinstance(test, Check) and any(
            getattr(test, op) is not None for op in ("lt", "le", "gt", "ge")
        )
        if not cuts:
            problems.append(
                where.problem(
                    rule.code,
                    ("thresholds", i, "key"),
                    f"`when` has no lt/le/gt/ge test on {threshold.key!r} for this threshold to name",
                )
            )
    return problems


def distinct_names(template: str) -> list[str]:
    """A template's placeholder names, each once, in order."""
    return list(dict.fromkeys(placeholders(template)))


def _condition_problems(
    where: _Locator, code: str, prefix: tuple[str, ...], when: When, *, derived: bool
) -> list[Problem]:
    return [
        where.problem(code, (*prefix, *found.path), found.message, found.suggestion, on_key=found.on_key)
        for found in condition_problems(when, derived=derived)
    ]


def _duplicate_problems(book: Rulebook, where: _Locator) -> list[Problem]:
    """Impact rules with the same conditions, and conflict rules joining the same facts.

    Two impact rules on the same conditions always fire together, so they are
    one rule (their impacts, derived facts and evidence merge); two conflict
    rules on the same pair of sides report every clash twice. Neither is ever
    needed, and identical conditions share one node of the Rete network, which
    holds a bounded number of rules (``MAX_SAME_PATH``).
    """
    problems: list[Problem] = []
    groups: dict[Any, list[str]] = {}
    for rule in sorted(book.impact_rules, key=lambda r: _order(book, r.code)):
        groups.setdefault(canonical_when(rule.when), []).append(rule.code)
    for first, *more in groups.values():
        if more:
            others = f"{more[0]} and {len(more) - 1} more rules test" if len(more) > 1 else f"{more[0]} tests"
            problems.append(
                where.problem(
                    more[0],
                    ("when",),
                    f"{others} the same conditions as {first} ({where.at(first)}): rules with the same "
                    "conditions always fire together; merge them into one (impacts, derive and evidence combine)",
                )
            )
    pairs: dict[Any, list[str]] = {}
    for conflict in sorted(book.conflict_rules, key=lambda r: _order(book, r.code)):
        sides = frozenset((canonical_when(conflict.a), canonical_when(conflict.b)))
        pairs.setdefault((sides, conflict.across), []).append(conflict.code)
    for first, *more in pairs.values():
        if more:
            others = f"{more[0]} and {len(more) - 1} more rules join" if len(more) > 1 else f"{more[0]} joins"
            problems.append(
                where.problem(
                    more[0],
                    ("a",),
                    f"{others} the same facts as {first} ({where.at(first)}): every clash would be "
                    "reported more than once; merge them",
                )
            )
    return problems


def _order(book: Rulebook, code: str) -> tuple[str, int, str]:
    """Reading order: by file and line (the later of two duplicates is the one reported)."""
    file, line = book.locations.get(code, ("", 0))
    return file, line, code


# ---------------------------------------------------------------------------------------------
# What durable-rules 2.0.28 compiles and runs: a model of its Rete network, checked on load.
#
# Each limit was measured with the real engine in a subprocess with a timeout (one ruleset
# built as policyweigh.rete builds them: a sink rule, a warm-up rule, then the rules) and traced to
# a fixed size in its C source (src/rules/rete.h, rete.c, events.c). Each allowed value keeps
# a margin below the first failure.

# Successor tests of one alpha node: an open-addressed table of NEXT_BUCKET_LENGTH = 512 slots
# that is probed until an empty slot. Measured: 511 successors compile and match; at 512 the
# first assert, and past it create_ruleset itself, probe a full table for ever (a hang in C
# that ignores Ctrl-C): 512 values in one `in:` list, or 512 one-condition rules on one key.
MAX_BRANCHES = 384
# Successors that test an absent key (`exists: false`, `not_contains`) plus the `in:` lists
# that continue from one node: a list of NEXT_LIST_LENGTH = 128. Measured: 128 compile; 129
# fail with error 107.
MAX_ABSENT_TESTS = 96
# Rules (conflict sides) ending on one node, i.e. with the same conditions: a list of
# BETA_LIST_LENGTH = 256. Measured: 255 compile and fire; 256 crash the process (segmentation
# fault); 257 or more fail with error 108.
MAX_SAME_PATH = 192
# Pending tests while one fact is matched: a stack of MAX_STACK_SIZE = 64 in handleAlpha
# (events.c). Measured: 63 rules whose first tests all hold for one fact fire; with 64, the
# assert fails with error 303 and nothing fires, also when the rules only share a first test
# with the fact and never fire (the bound counts every test that can hold, see _stack_depth).
MAX_MATCH_STACK = 48
# Expressions of one rule side: MAX_SEQUENCE_EXPRESSIONS = 32, two for the side and two per
# `in:` list (and one per join test). Measured: 14 `in:` conditions compile; 15 fail (113).
MAX_IN_CONDITIONS = 10
# Rules of one ruleset: MAX_ACTIONS = 4096 actions, two of them the engine's own (sink and
# warm-up). Measured: 4,094 rules compile in 0.3 s; 4,095 fail with error 106.
MAX_RULES = 2000

ENGINE_LIMITS: dict[str, int] = {
    "in_values": MAX_IN_VALUES,
    "in_conditions": MAX_IN_CONDITIONS,
    "branches": MAX_BRANCHES,
    "absent_tests": MAX_ABSENT_TESTS,
    "same_path": MAX_SAME_PATH,
    "match_stack": MAX_MATCH_STACK,
    "rules": MAX_RULES,
}
"""Every limit the loader holds a rulebook to, by name (for documentation and tests)."""

# How policyweigh.rete compiles a condition mapping (compile_when): one test of the fact's type,
# then every key in sorted order, each key's operators in this order; a test in tests/ keeps
# the two in step.
TYPE_KEY = "$type"
RULE_FACT = "r"
DERIVED_FACT = "d"
_WARMUP_FACT = "w"
_ORDERED_OPS = (("lt", "lt"), ("le", "lte"), ("gt", "gt"), ("ge", "gte"))

# A test: (key, operator, value). Operators are durable's: eq neq lt lte gt gte ex nex; "any" is
# an `in:` list (value: the values), "join" compares with the other fact of a conflict.
Test = tuple[str, str, Any]


def network_tests(when: When, fact_type: str) -> list[Test]:
    """The tests policyweigh.rete compiles a condition mapping to, in order."""
    tests: list[Test] = [(TYPE_KEY, "eq", fact_type)]
    for key in sorted(when):
        check = when[key]
        if not isinstance(check, Check):
            tests.append((key, "eq", check))
            continue
        fields = check.model_fields_set
        if "exists" in fields:
            tests.append((key, "ex" if check.exists else "nex", 1))
        if "eq" in fields:
            tests.append((key, "eq", check.eq))
        if "ne" in fields:
            tests.append((key, "neq", check.ne))
        for op, durable_op in _ORDERED_OPS:
            if op in fields:
                tests.append((key, durable_op, getattr(check, op)))
        if check.in_ is not None:
            tests.append((key, "any", tuple(check.in_)))
        if check.not_in is not None:
            tests.extend((key, "neq", value) for value in check.not_in)
        if check.contains is not None:
            tests.append((member_key(key, check.contains), "eq", True))
        if check.not_contains is not None:
            tests.append((member_key(key, check.not_contains), "nex", 1))
    return tests


def fact_type(when: When) -> str:
    """The type of fact a condition mapping matches: a policy rule's or a derived one."""
    return DERIVED_FACT if DERIVED_KEY in when else RULE_FACT


class _Alpha:
    """One alpha node as durable-rules builds it: a test, its successors and the rules ending on it."""

    __slots__ = ("betas", "hashed", "listed", "parent", "test")

    def __init__(self, test: Test | None, parent: _Alpha | None) -> None:
        self.test = test
        self.parent = parent
        self.hashed: dict[tuple[str, str, Any], _Alpha] = {}
        """Successors that test a present key (the 512-slot table)."""
        self.listed: list[_Alpha] = []
        """Successors that test an absent key, and the joins after an `in:` (the 128-entry list)."""
        self.betas: list[str] = []

    def describe(self) -> str:
        """The conditions shared up to this node, for messages."""
        parts: list[str] = []
        node: _Alpha | None = self
        while node is not None and node.test is not None:
            key, op, value = node.test
            if key != TYPE_KEY and op != "forward":
                parts.append(_show_test(key, op, value))
            node = node.parent
        if not parts:
            return "the start of every rule"
        parts.reverse()
        shown = ", ".join(parts[:4]) + (", ..." if len(parts) > 4 else "")
        return f"the conditions {shown}"


_OP_WORDS = {"eq": "=", "neq": "!=", "lt": "<", "lte": "<=", "gt": ">", "gte": ">=", "ex": "exists"}


def _show_test(key: str, op: str, value: Any) -> str:
    if op == "nex":
        return f"{key} absent"
    if op == "ex":
        return f"{key} exists"
    if op == "join":
        return f"{key} joined"
    text = str(value)
    return f"{key} {_OP_WORDS.get(op, op)} {text if len(text) <= 30 else text[:27] + '...'}"


def _same_value(value: Any) -> tuple[str, Any]:
    # durable shares a node when the test's operator and value are equal; booleans stay apart.
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, (int, float)):
        return ("number", float(value))
    return ("text", str(value))


@dataclass
class _Network:
    """One ruleset's alpha network, with the first place each limit was passed."""

    root: _Alpha = field(default_factory=lambda: _Alpha(None, None))
    over: list[tuple[str, _Alpha, str]] = field(default_factory=list)
    """(limit, node, rule): where a limit was first passed, and by which rule (once per node)."""

    def _child(self, parent: _Alpha, test: Test, owner: str) -> _Alpha:
        key, op, value = test
        slot = (key, op, _same_value(value))
        if op == "nex":
            for node in parent.listed:
                if node.test is not None and node.test[:2] == (key, op):
                    return node
            node = _Alpha(test, parent)
            parent.listed.append(node)
            self._check(parent, "absent_tests", len(parent.listed), owner)
            return node
        found = parent.hashed.get(slot)
        if found is None:
            found = parent.hashed[slot] = _Alpha(test, parent)
            self._check(parent, "branches", len(parent.hashed), owner)
        return found

    def _check(self, node: _Alpha, limit: str, count: int, owner: str) -> None:
        if count == ENGINE_LIMITS[limit] + 1:
            self.over.append((limit, node, owner))

    def add(self, tests: list[Test], owner: str) -> None:
        """Add one rule side (``owner`` is its code) as policyweigh.rete and durable-rules would."""
        node = self.root
        for test in tests:
            key, op, value = test
            if op == "any":
                # An `in:` list: one node per value under the same parent, each linked to one new
                # node the rest of the rule continues from.
                join = _Alpha((key, "forward", None), node)
                for item in value:
                    branch = self._child(node, (key, "eq", item), owner)
                    branch.listed.append(join)
                    self._check(branch, "absent_tests", len(branch.listed), owner)
                node = join
            else:
                node = self._child(node, test, owner)
        node.betas.append(owner)
        self._check(node, "same_path", len(node.betas), owner)


@dataclass(frozen=True)
class _FactShape:
    """The facts of one kind (or one derived name): what a test can hold for."""

    label: str
    fact_type: str
    keys: frozenset[str]
    lists: frozenset[str]
    kind: str | None = None
    derived: str | None = None

    def may_hold(self, key: str, op: str, value: Any) -> bool:
        """Whether a test can hold for some fact of this shape (tests of absent keys always can)."""
        if op in ("nex", "forward"):
            return True
        if key == TYPE_KEY:
            return op == "ex" or bool(value == self.fact_type)
        if key == "kind" and op == "eq":
            return bool(value == self.kind)
        if key == DERIVED_KEY and op == "eq":
            return bool(value == self.derived)
        if key in self.keys:
            return True
        base, _, member = key.partition(f".{MEMBER_PREFIX}")
        return bool(member) and base in self.lists


def _shapes(book: Rulebook, *, derived: bool) -> list[_FactShape]:
    shapes = []
    for kind in RULE_KINDS:
        keys = fact_keys(kind)
        shapes.append(
            _FactShape(
                f"one {kind} fact",
                RULE_FACT,
                frozenset(k for k, info in keys.items() if info.shape != "whole"),
                frozenset(k for k, info in keys.items() if info.shape == "list"),
                kind=kind,
            )
        )
    if derived:
        names = sorted({name for rule in book.impact_rules for name in rule.derive})
        derived_keys = frozenset(derived_fact_keys())
        shapes.extend(
            _FactShape(f"the derived fact {name!r}", DERIVED_FACT, derived_keys, frozenset(), derived=name)
            for name in names
        )
    return shapes


def _stack_depth(root: _Alpha, shape: _FactShape) -> int:
    """An upper bound on the match stack durable-rules needs for one fact of ``shape``.

    handleAlpha pops a node and pushes every successor whose test holds; a node's
    successors stay on the stack while the first of them is explored, so a node
    needs max(n, n - 1 + the deepest successor) for its n successors that can
    hold. Tests of one key for equality with different values count once: at
    most one of them holds.
    """
    depths: dict[int, int] = {}
    todo: list[tuple[_Alpha, bool]] = [(root, False)]
    while todo:  # children before parents, without recursion (a `not_in:` list is a long chain)
        node, ready = todo.pop()
        if id(node) in depths:
            continue
        children = [c for c in (*node.listed, *node.hashed.values()) if c.test and shape.may_hold(*c.test)]
        if not ready:
            todo.append((node, True))
            todo.extend((child, False) for child in children if id(child) not in depths)
            continue
        equal_keys = {c.test[0] for c in children if c.test and c.test[1] == "eq"}
        count = len(equal_keys) + sum(1 for c in children if c.test and c.test[1] != "eq")
        deepest = max((depths[id(c)] for c in children), default=0)
        depths[id(node)] = 0 if count == 0 else max(count, count - 1 + deepest)
    return depths[id(root)]


def _impact_sides(book: Rulebook) -> list[tuple[str, list[Test]]]:
    sides = [(rule.code, network_tests(rule.when, fact_type(rule.when))) for rule in book.impact_rules]
    return _engine_sides() + sides


def _join_sides(book: Rulebook) -> list[tuple[str, list[Test]]]:
    sides = _engine_sides()
    for conflict in book.conflict_rules:
        sides.append((conflict.code, network_tests(conflict.a, fact_type(conflict.a))))
        b_tests = network_tests(conflict.b, fact_type(conflict.b))
        if conflict.across == "same-policy":
            b_tests.append((POLICY_KEY, "join", "eq"))
        elif conflict.across == "other-policies":
            b_tests.append((POLICY_KEY, "join", "neq"))
        sides.append((conflict.code, b_tests))
    return sides


def _engine_sides() -> list[tuple[str, list[Test]]]:
    """The rules policyweigh.rete adds to every ruleset: the sink's two sides and the warm-up."""
    return [
        ("$sink", [(TYPE_KEY, "ex", 1)]),
        ("$sink", [("$never", "ex", 1)]),
        ("$warm-up", [(TYPE_KEY, "eq", _WARMUP_FACT)]),
    ]


def _build(sides: list[tuple[str, list[Test]]]) -> _Network:
    network = _Network()
    for owner, tests in sides:
        network.add(tests, owner)
    return network


_LIMIT_WORDS = {
    "branches": (
        "{count} different tests follow {where}; at most {limit} may (durable-rules hangs at 512: its "
        "table of a node's successors is then full): merge rules that test the same key or shorten "
        "their `in:` lists"
    ),
    "absent_tests": (
        "{count} tests of an absent key (exists: false, not_contains) or `in:` lists continue from "
        "{where}; at most {limit} may (durable-rules refuses more than 128)"
    ),
    "same_path": (
        "{count} rule sides test exactly {where}; at most {limit} may (durable-rules crashes at 256)"
    ),
}


def engine_limit_problems(book: Rulebook, origins: Mapping[str, Origin] | None = None) -> list[Problem]:
    """Problems of a rulebook that durable-rules would hang, crash or fail on (see ``ENGINE_LIMITS``).

    Computed from a model of the Rete network policyweigh.rete builds, without the
    rule engine; policyweigh.rete may call it before compiling a rulebook that did
    not come through the loader.
    """
    where = _Locator(book, origins)
    problems: list[Problem] = []
    rulesets: tuple[
        tuple[str, Sequence[ImpactRule | ConflictRule], list[tuple[str, list[Test]]], bool], ...
    ] = (
        ("impact", book.impact_rules, _impact_sides(book), True),
        ("conflict", book.conflict_rules, _join_sides(book), False),
    )
    for label, rules, sides, derived in rulesets:
        if len(rules) > MAX_RULES:
            extra = sorted(rules, key=lambda r: r.code)[MAX_RULES]
            problems.append(
                where.problem(
                    extra.code,
                    (),
                    f"the rulebook has {len(rules)} {label} rules; at most {MAX_RULES} are allowed "
                    "(durable-rules compiles at most 4,094 rules in one ruleset)",
                )
            )
        for rule in rules:
            problems.extend(_in_condition_problems(rule, where))
        network = _build(sides)
        for limit, node, owner in network.over:
            count = {
                "branches": len(node.hashed),
                "absent_tests": len(node.listed),
                "same_path": len(node.betas),
            }[limit]
            text = _LIMIT_WORDS[limit].format(count=count, where=node.describe(), limit=ENGINE_LIMITS[limit])
            problems.append(where.problem(owner, _side_path(book, owner), f"{label} rules: {text}"))
        for shape in _shapes(book, derived=derived):
            depth = _stack_depth(network.root, shape)
            if depth > MAX_MATCH_STACK:
                owner = _first_over(sides, shape)
                problems.append(
                    where.problem(
                        owner,
                        _side_path(book, owner),
                        f"{label} rules: matching {shape.label} can keep {depth} tests pending at once; "
                        f"at most {MAX_MATCH_STACK} may (durable-rules fails past 64, error 303, and then "
                        f"fires nothing): too many rules can match {shape.label} through different "
                        "first conditions; merge them or start them with a condition they share",
                    )
                )
    return problems


def _side_path(book: Rulebook, code: str) -> tuple[str, ...]:
    if code in book.impact_by_code:
        return ("when",)
    return ("a",) if any(c.code == code for c in book.conflict_rules) else ()


def _first_over(sides: list[tuple[str, list[Test]]], shape: _FactShape) -> str:
    """The rule whose side first makes ``shape``'s match stack pass the limit (sides in order)."""
    low, high = 0, len(sides)  # the first `high` sides pass it, the first `low` do not
    while high - low > 1:
        middle = (low + high) // 2
        if _stack_depth(_build(sides[:middle]).root, shape) > MAX_MATCH_STACK:
            high = middle
        else:
            low = middle
    return sides[high - 1][0]


def _in_condition_problems(rule: ImpactRule | ConflictRule, where: _Locator) -> list[Problem]:
    """Rule sides with more `in:` conditions than durable-rules compiles."""
    problems = []
    sides: list[tuple[str, When]] = (
        [("when", rule.when)] if isinstance(rule, ImpactRule) else [("a", rule.a), ("b", rule.b)]
    )
    for name, when in sides:
        keys = sorted(k for k, c in when.items() if isinstance(c, Check) and c.in_ is not None)
        if len(keys) > MAX_IN_CONDITIONS:
            problems.append(
                where.problem(
                    rule.code,
                    (name, keys[MAX_IN_CONDITIONS], "in"),
                    f"{len(keys)} `in:` conditions in one rule side; at most {MAX_IN_CONDITIONS} may "
                    "(durable-rules compiles at most 14)",
                )
            )
    return problems
