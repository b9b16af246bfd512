"""Policy files to validated models, with every problem located in its file.

``load_policy`` reads one file; ``load_library`` reads files and directories
(recursively, ``*.yaml`` and ``*.yml`` in sorted order) into a ``Library``
whose policy ids are unique. Problems from every file are collected and raised
together as one ``InputError``, sorted by file, line and column, so one run
shows everything that needs fixing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from engine.errors import InputError, PolicyevalError, Problem
from engine.policy import Policy
from engine.suggest import did_you_mean
from engine.yamldoc import YamlDocument, load_yaml, parse_yaml, problems_from_validation

POLICY_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class LoadedPolicy:
    """A validated policy and where it came from."""

    policy: Policy
    file: str
    """The file as it was named when loaded (or ``<string>``/``<memory>``)."""
    key: str
    """Path relative to the loaded directory without extension (``breaks/pie-van-lunch-ban``)."""
    rule_lines: tuple[int, ...] = ()
    """Line of each ``rules[i]`` entry, for messages and SARIF."""
    line: int = 1
    """Line of the policy's ``id``."""

    @property
    def id(self) -> str:
        """The policy's id."""
        return self.policy.id


class UnknownPolicyError(PolicyevalError, KeyError):
    """A policy id or key asked for is not in the library."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown policy"


@dataclass(frozen=True)
class Library:
    """Validated policies with unique ids, sorted by id."""

    policies: tuple[LoadedPolicy, ...] = ()

    def __iter__(self) -> Iterator[LoadedPolicy]:
        return iter(self.policies)

    def __len__(self) -> int:
        return len(self.policies)

    @property
    def ids(self) -> tuple[str, ...]:
        """Every policy id, sorted."""
        return tuple(p.policy.id for p in self.policies)

    @property
    def models(self) -> tuple[Policy, ...]:
        """The policy models, sorted by id."""
        return tuple(p.policy for p in self.policies)

    def by_id(self, policy_id: str) -> LoadedPolicy:
        """Return the policy with this id; raise ``UnknownPolicyError`` (with a suggestion) if none."""
        for loaded in self.policies:
            if loaded.policy.id == policy_id:
                return loaded
        hint = did_you_mean(policy_id, self.ids)
        raise UnknownPolicyError(f"no policy with id {policy_id!r} in the library{hint}")

    def by_key(self, key: str) -> LoadedPolicy:
        """Return the first policy whose file key is ``key``; raise ``UnknownPolicyError`` if none."""
        for loaded in self.policies:
            if loaded.key == key:
                return loaded
        keys = [p.key for p in self.policies]
        raise UnknownPolicyError(f"no policy file {key!r} in the library{did_you_mean(key, keys)}")


def _validate(doc: YamlDocument) -> Policy:
    try:
        return Policy.model_validate(doc.data)
    except ValidationError as err:
        raise InputError(problems_from_validation(doc, err, model=Policy)) from None


def _loaded(doc: YamlDocument, policy: Policy, key: str) -> LoadedPolicy:
    rule_lines = tuple(doc.locate(("rules", i))[0] for i in range(len(policy.rules)))
    return LoadedPolicy(policy, doc.file, key, rule_lines, doc.locate(("id",))[0])


def load_policy(path: str | Path) -> Policy:
    """Read and validate one policy file; raise ``InputError`` listing every problem in it."""
    return _validate(load_yaml(path))


def load_policy_text(text: str | bytes, file: str = "<string>") -> Policy:
    """Validate a policy given as YAML text; ``file`` names it in messages."""
    return _validate(parse_yaml(text, file))


def _load_one(path: Path, key: str) -> tuple[LoadedPolicy, int]:
    """Load one file of a library; return it with the column of its id, for duplicate-id messages."""
    doc = load_yaml(path)
    return _loaded(doc, _validate(doc), key), doc.locate(("id",))[1]


def _policy_files(root: Path) -> list[Path]:
    """Every policy file under ``root``, sorted; hidden files and folders are skipped."""
    found = []
    for path in root.rglob("*"):
        hidden = any(part.startswith(".") for part in path.relative_to(root).parts)
        if path.suffix.lower() in POLICY_SUFFIXES and path.is_file() and not hidden:
            found.append(path)
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


def _key(path: Path, root: Path | None) -> str:
    if root is None:
        return path.stem
    return path.relative_to(root).with_suffix("").as_posix()


def load_library(paths: Sequence[str | Path]) -> Library:
    """Load policy files and directories (recursively) into a library with unique ids.

    Raises one ``InputError`` holding the problems of every file, including
    ids defined twice (naming both files and lines) and directories with no
    policy file.
    """
    problems: list[Problem] = []
    targets: list[tuple[Path, Path | None]] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            files = _policy_files(path)
            if not files:
                message = "no policy files (*.yaml, *.yml) in this directory"
                problems.append(Problem(str(path), 1, 1, "", message))
            targets.extend((file, path) for file in files)
        elif path.exists():
            targets.append((path, None))
        else:
            problems.append(Problem(str(path), 1, 1, "", "no such file or directory"))

    seen_files: set[Path] = set()
    loaded: list[tuple[LoadedPolicy, int]] = []
    for file, root in targets:
        resolved = file.resolve()
        if resolved in seen_files:
            continue  # named twice (a file and its directory): load it once
        seen_files.add(resolved)
        try:
            loaded.append(_load_one(file, _key(file, root)))
        except InputError as err:
            problems.extend(err.problems)

    problems.extend(_duplicate_ids(loaded))
    if problems:
        raise InputError(sorted(problems, key=lambda p: (p.file, p.line, p.column, p.path, p.message)))
    return Library(tuple(sorted((item for item, _ in loaded), key=lambda p: p.policy.id)))


def _duplicate_ids(loaded: Iterable[tuple[LoadedPolicy, int]]) -> list[Problem]:
    first: dict[str, LoadedPolicy] = {}
    problems = []
    for item, column in loaded:
        earlier = first.get(item.policy.id)
        if earlier is None:
            first[item.policy.id] = item
            continue
        problems.append(
            Problem(
                item.file,
                item.line,
                column,
                "id",
                f"policy id {item.policy.id!r} is already used in {earlier.file}:{earlier.line}; "
                "ids must be unique in a library",
            )
        )
    return problems


def library_from_policies(policies: Iterable[Policy]) -> Library:
    """Build a library from policies in memory; raise ``InputError`` on a duplicate id."""
    # No file, so no lines: every rule is reported on line 1 of the policy's pseudo-file.
    loaded = [LoadedPolicy(p, "<memory>", p.id, (1,) * len(p.rules)) for p in policies]
    seen: set[str] = set()
    problems = []
    for item in loaded:
        if item.policy.id in seen:
            problems.append(
                Problem("<memory>", 1, 1, "id", f"policy id {item.policy.id!r} is used by two policies")
            )
        seen.add(item.policy.id)
    if problems:
        raise InputError(problems)
    return Library(tuple(sorted(loaded, key=lambda p: p.policy.id)))
