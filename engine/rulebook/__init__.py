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
have no cycle.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from engine.errors import InputError, Problem, RulebookError
from engine.guardrails import GuardrailPacks, load_guardrails
from engine.rulebook.models import (
    PLACEHOLDER,
    ConflictRule,
    Criterion,
    Evidence,
    ImpactRule,
    Remedy,
    Scoring,
    Side,
)
from engine.yamldoc import YamlDocument, load_yaml, problems_from_validation

DATA_DIR = Path(__file__).parent / "data"

__all__ = [
    "DATA_DIR",
    "ConflictRule",
    "Criterion",
    "Evidence",
    "ImpactRule",
    "Remedy",
    "Rulebook",
    "Scoring",
    "load_rulebook",
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
    guardrails: GuardrailPacks | None = field(default=None, compare=False)
    """Legal guardrail packs from the rulebook's guardrails.yaml; None means the bundled packs."""

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
        )


def _validate_list(
    doc: YamlDocument, key: str | None, model: type[M], problems: list[Problem]
) -> list[tuple[M, int]]:
    """Validate a list of models (at top level or under ``key``); keep the valid ones with lines."""
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
    found: list[tuple[M, int]] = []
    for index, item in enumerate(data):
        try:
            found.append((model.model_validate(item), doc.locate((*prefix, index))[0]))
        except ValidationError as err:
            problems.extend(problems_from_validation(doc, err, (*prefix, index)))
    return found


def _files(root: Path, pattern: str) -> list[Path]:
    return sorted(p for p in root.glob(pattern) if p.is_file())


def load_rulebook(path: str | Path | None = None) -> Rulebook:
    """Load and cross-check a rulebook directory (the bundled one when ``path`` is None).

    Raises ``InputError`` with located problems for invalid files and
    ``RulebookError`` for a rulebook that is valid file by file but not whole.
    """
    root = Path(path) if path is not None else DATA_DIR
    problems: list[Problem] = []
    if not root.is_dir():
        raise InputError([Problem(str(root), 1, 1, "", "a rulebook must be a directory (see the README)")])

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
                problems.extend(problems_from_validation(doc, err, ("scoring",)))
        else:
            problems.append(Problem(doc.file, 1, 1, "scoring", "expected a top-level `scoring:` mapping"))

    evidence: dict[str, Evidence] = {}
    doc = read("evidence.yaml")
    if doc is not None:
        for item, line in _validate_list(doc, "evidence", Evidence, problems):
            if item.id in evidence:
                problems.append(Problem(doc.file, line, 1, item.id, "evidence id defined twice"))
            evidence[item.id] = item

    locations: dict[str, tuple[str, int]] = {}
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
        for rule, line in _validate_list(doc, None, ImpactRule, problems):
            if rule.code in locations:
                first = locations[rule.code]
                problems.append(
                    Problem(doc.file, line, 1, rule.code, f"rule code already used at {first[0]}:{first[1]}")
                )
                continue
            locations[rule.code] = (doc.file, line)
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
        for item, line in _validate_list(doc, None, model, problems):
            code = str(item.code)
            if code in locations:
                first = locations[code]
                problems.append(
                    Problem(doc.file, line, 1, code, f"code already used at {first[0]}:{first[1]}")
                )
                continue
            locations[code] = (doc.file, line)
            kept.append(item)
        return kept

    conflicts = read_coded("conflicts.yaml", ConflictRule)
    remedies = {r.code: r for r in read_coded("remedies.yaml", Remedy)}
    guardrails: GuardrailPacks | None = None
    if (root / "guardrails.yaml").is_file():
        try:
            guardrails = load_guardrails(root / "guardrails.yaml")
        except InputError as err:
            problems.extend(err.problems)

    if problems:
        raise InputError(problems)
    assert scoring is not None
    book = Rulebook(
        criteria=tuple(criteria),
        scoring=scoring,
        evidence=evidence,
        impact_rules=tuple(sorted(impact, key=lambda r: r.code)),
        conflict_rules=tuple(sorted(conflicts, key=lambda r: r.code)),
        remedies=remedies,
        source=str(root),
        locations=locations,
        guardrails=guardrails,
    )
    check_rulebook(book)
    return book


def _where(book: Rulebook, code: str) -> str:
    file, line = book.locations.get(code, (book.source, 0))
    return f"{file}:{line}: {code}"


def check_rulebook(book: Rulebook) -> None:
    """Check cross-references, unique names, templates and the absence of derivation cycles."""
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
    for ev in book.scoring.spillover.evidence:
        if ev not in book.evidence:
            errors.append(f"{book.source}: spillover cites unknown evidence id {ev!r}")
    derived_by: dict[str, list[str]] = {}
    for rule in book.impact_rules:
        for criterion in rule.impacts:
            if criterion not in criteria:
                errors.append(
                    f"{_where(book, rule.code)}: unknown criterion {criterion!r}; known: {', '.join(criteria)}"
                )
        for name in rule.derive:
            derived_by.setdefault(name, []).append(rule.code)
        fields = _kind_fields(rule.when.get("kind"))
        for placeholder in PLACEHOLDER.findall(rule.because):
            if not (
                placeholder in rule.when
                or placeholder.startswith(("scope.", "policy."))
                or placeholder in _KNOWN_PLACEHOLDERS
                or placeholder.split(".")[0] in fields
            ):
                errors.append(
                    f"{_where(book, rule.code)}: `because` names {{{placeholder}}}, "
                    "which is neither tested in `when` nor a field of the rule kind"
                )
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


_KNOWN_PLACEHOLDERS = {"kind", "policy", "title", "derived"}


def _kind_fields(kind: Any) -> set[str]:
    """YAML names of the fields of a rule kind (empty for a derived rule or an unknown kind)."""
    from engine.policy import RULE_MODELS

    model = RULE_MODELS.get(kind) if isinstance(kind, str) else None
    if model is None:
        return set()
    return {info.alias or name for name, info in model.model_fields.items()}


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


_WEIGHTS = TypeAdapter(dict[str, float])


def parse_weights(data: Any) -> dict[str, float]:
    """Validate a mapping of criterion id to weight (from configuration)."""
    return _WEIGHTS.validate_python(data)
