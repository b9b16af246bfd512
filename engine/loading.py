"""Policy files to validated models, with every problem located in its file.

``load_policy`` reads one file; ``load_library`` reads files and directories
(recursively, ``*.yaml`` and ``*.yml`` in sorted order) into a ``Library``
whose policy ids are unique. Problems from every file are collected and raised
together as one ``InputError``, sorted by file, line and column, so one run
shows everything that needs fixing.

A library folder may come from a pull request, and its messages end up in CI
logs: inside a folder, a symbolic link is followed only while its target stays
inside the folder (a link to ``/etc/passwd`` is refused, never read), each
folder is read once however many links reach it, and only regular files are
read. A file named on the command line is the user's own choice and is read
wherever it is, but it too must be a regular file (not a FIFO or a device).
"""

from __future__ import annotations

import errno
import heapq
import os
import stat
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeAlias

from pydantic import ValidationError

from policyweigh.errors import InputError, PolicyweighError, Problem
from policyweigh.policy import RULE_KINDS, Policy
from policyweigh.suggest import char_name, closest, did_you_mean, printable, quote
from policyweigh.yamldoc import (
    EmptyFileError,
    YamlDocument,
    load_yaml,
    not_a_regular_file,
    parse_yaml,
    problems_from_validation,
)

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
    positions: tuple[tuple[str, int, int], ...] = ()
    """(field, line, column) of the value of each top-level field written in the file."""

    @property
    def id(self) -> str:
        """The policy's id."""
        return self.policy.id

    def position(self, field: str) -> tuple[int, int]:
        """(line, column) of a top-level field's value; the line of the ``id`` when it is not written."""
        for name, line, column in self.positions:
            if name == field:
                return line, column
        return self.line, 1


class UnknownPolicyError(PolicyweighError, KeyError):
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
        raise UnknownPolicyError(f"no policy with id {quote(policy_id)} in the library{hint}")

    def by_key(self, key: str) -> LoadedPolicy:
        """Return the first policy whose file key is ``key``; raise ``UnknownPolicyError`` if none."""
        for loaded in self.policies:
            if loaded.key == key:
                return loaded
        keys = [p.key for p in self.policies]
        raise UnknownPolicyError(f"no policy file {quote(key)} in the library{did_you_mean(key, keys)}")

    def find(self, name: str) -> LoadedPolicy:
        """Return the policy whose id or file key is ``name``; raise ``UnknownPolicyError`` if none.

        A person naming a policy may write either, so the suggestion is the closest
        of both; when ``name`` is too short for a close match (``pie-van``) but part
        of exactly one id or key, that one is suggested.
        """
        for loaded in self.policies:
            if name in (loaded.policy.id, loaded.key):
                return loaded
        names = sorted({n for p in self.policies for n in (p.policy.id, p.key)})
        suggestion = closest(name, names)
        if suggestion is None and name.strip():
            holding = {p.key for p in self.policies if name in p.policy.id or name in p.key}
            suggestion = holding.pop() if len(holding) == 1 else None
        hint = f" (did you mean {suggestion!r}?)" if suggestion else ""
        raise UnknownPolicyError(f"no policy with id or file key {quote(name)} in the library{hint}")


NO_POLICY = (
    "the file holds no policy: it is empty or holds only comments; "
    "`policyweigh new KIND -o FILE --force` writes a commented policy to start from (KIND is one of the "
    "{count} rule kinds, such as break-rule; `policyweigh new -h` lists them)"
)
"""The problem of a policy file with nothing in it."""


def _no_policy(file: str) -> InputError:
    return InputError([Problem(file, 1, 1, "", NO_POLICY.format(count=len(RULE_KINDS)))])


def _read(path: str | Path, file: str | None = None) -> YamlDocument:
    """``load_yaml`` for a policy file: an empty one is told how to start a policy."""
    try:
        return load_yaml(path, file)
    except EmptyFileError:
        raise _no_policy(str(path) if file is None else file) from None


def _parse(text: str | bytes, file: str) -> YamlDocument:
    try:
        return parse_yaml(text, file)
    except EmptyFileError:
        raise _no_policy(file) from None


def _validate(doc: YamlDocument) -> Policy:
    if doc.data is None:  # a document of only `---` or `~`: as empty as a file of comments
        raise _no_policy(doc.file)
    try:
        return Policy.model_validate(doc.data)
    except ValidationError as err:
        raise InputError(problems_from_validation(doc, err, model=Policy)) from None


def _loaded(doc: YamlDocument, policy: Policy, key: str) -> LoadedPolicy:
    rule_lines = tuple(doc.locate(("rules", i))[0] for i in range(len(policy.rules)))
    written = doc.data if isinstance(doc.data, dict) else {}
    positions = tuple((name, *doc.locate((name,))) for name in written)
    return LoadedPolicy(policy, doc.file, key, rule_lines, doc.locate(("id",))[0], positions)


def load_policy(path: str | Path) -> Policy:
    """Read and validate one policy file; raise ``InputError`` listing every problem in it."""
    return _validate(_read(path))


def load_policy_text(text: str | bytes, file: str = "<string>") -> Policy:
    """Validate a policy given as YAML text; ``file`` names it in messages."""
    return _validate(_parse(text, file))


def _load_one(path: Path, real: Path, key: str) -> tuple[LoadedPolicy, int]:
    """Load one file of a library; return it with the column of its id, for duplicate-id messages.

    ``real`` is read and ``path`` (the name it was found under) is named in messages.
    """
    doc = _read(real, str(path))
    return _loaded(doc, _validate(doc), key), doc.locate(("id",))[1]


def _is_policy_name(name: str) -> bool:
    return Path(name).suffix.lower() in POLICY_SUFFIXES


def _problem(path: Path, message: str) -> Problem:
    return Problem(str(path), 1, 1, "", message)


def _follow_link(link: Path, top: Path, root: Path) -> tuple[Path, int] | Problem | None:
    """Where a symbolic link in the library ``root`` (resolved: ``top``) leads, and the target's mode.

    A Problem when it may not or cannot be followed; None when it is neither a
    policy file nor a folder, so it would not be read anyway.
    """
    policy_name = _is_policy_name(link.name)
    # Resolved without requiring the target to exist: whether it is inside is decided from
    # names, and a target outside is never opened (at most stat'ed, to tell a folder).
    target = Path(os.path.realpath(link))
    if not target.is_relative_to(top):
        try:
            is_folder = stat.S_ISDIR(os.stat(link).st_mode)
        except OSError:
            is_folder = False
        if not (policy_name or is_folder):
            return None
        what = "folder" if is_folder else "file"
        return _problem(
            link,
            f"this is a symbolic link to a {what} outside the library folder {quote(str(root))}; "
            f"it is not {'followed' if is_folder else 'read'}: links in a library must stay inside it "
            f"(copy the {what} into the library instead)",
        )
    try:
        real = Path(os.path.realpath(link, strict=True))
        mode = os.stat(real).st_mode
    except OSError as err:
        if err.errno == errno.ELOOP:
            return _problem(
                link, "this is a symbolic link that leads back to itself (a loop); it is not read"
            )
        if not policy_name:
            return None
        if err.errno == errno.ENOENT:
            return _problem(link, "this is a symbolic link to nothing: its target does not exist")
        return _problem(link, f"cannot follow the symbolic link: {err.strerror or err}")
    if not (policy_name or stat.S_ISDIR(mode)):
        return None
    return real, mode


def _policy_files(root: Path) -> tuple[list[tuple[Path, Path]], list[Problem]]:
    """Every policy file under ``root`` as (path found, path to read), sorted, and the entries refused.

    Hidden files and folders are skipped. A symbolic link is followed only when
    its target, fully resolved, is inside ``root``; one leading out is refused
    (and never opened) when it names a policy file or a folder. A folder or file
    reached by several paths is read once, under a path without links when there
    is one (else the first in sorted order), so link loops end and ids are not doubled.
    """
    top = Path(os.path.realpath(root))
    problems: list[Problem] = []
    # Folders reached without a link are walked first (False sorts before True), each in
    # sorted order of its path, so what is read, and under which name, never depends on
    # the order the file system lists entries in.
    pending: list[tuple[bool, str, Path, Path]] = [(False, "", root, top)]
    walked: set[Path] = set()
    files: dict[Path, tuple[bool, str, Path]] = {}
    while pending:
        linked, key, folder, real_folder = heapq.heappop(pending)
        if real_folder in walked:
            continue
        walked.add(real_folder)
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as err:
            problems.append(_problem(folder, f"cannot read the folder: {err.strerror or err}"))
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = folder / entry.name
            entry_key = f"{key}/{entry.name}" if key else entry.name
            if not entry.name.isprintable() and (_is_policy_name(entry.name) or entry.is_dir()):
                # The name would be printed in every message about the file: refuse it unread.
                bad = next(c for c in entry.name if not c.isprintable())
                message = f"the name holds the character {char_name(bad)}, which cannot be shown; rename it"
                problems.append(Problem(printable(str(path)), 1, 1, "", message))
                continue
            if entry.is_symlink():
                followed = _follow_link(path, top, root)
                if isinstance(followed, Problem):
                    problems.append(followed)
                    continue
                if followed is None:
                    continue
                (real, mode), via_link = followed, True
            else:
                real, via_link = real_folder / entry.name, linked
                try:
                    mode = entry.stat(follow_symlinks=False).st_mode
                except OSError as err:
                    problems.append(_problem(path, f"cannot read: {err.strerror or err}"))
                    continue
            if stat.S_ISDIR(mode):
                heapq.heappush(pending, (via_link, entry_key, path, real))
            elif _is_policy_name(entry.name):
                reason = not_a_regular_file(mode)
                if reason:
                    problems.append(_problem(path, reason))
                    continue
                best = files.get(real)
                if best is None or (via_link, entry_key) < best[:2]:
                    files[real] = (via_link, entry_key, path)
    found_files = sorted((key, path, real) for real, (_, key, path) in files.items())
    return [(path, real) for _, path, real in found_files], problems


def _key(path: Path, root: Path | None) -> str:
    if root is None:
        return path.stem
    return path.relative_to(root).with_suffix("").as_posix()


@dataclass(frozen=True)
class Target:
    """One policy file of a library to load: where it was found, what to read, and its key."""

    path: Path
    """The file as it was found (named in messages)."""
    read: Path
    """The file to read: inside its folder for a file found in one, as named for a file named directly."""
    key: str
    """Path relative to the loaded directory without extension (``LoadedPolicy.key``)."""


Loaded: TypeAlias = tuple[LoadedPolicy, int] | InputError
"""One target loaded, with the column of its id (for duplicate-id messages), or its problems."""


def find_targets(paths: Sequence[str | Path]) -> tuple[list[Target], list[Problem]]:
    """The policy files under ``paths`` to load, in order, each once, and the problems of finding them.

    A folder with no policy file and a path that does not exist are problems; a
    file named twice (a file and its directory) is loaded once.
    """
    problems: list[Problem] = []
    # (path as found, path to read, the directory it was found in or None if named directly)
    found: list[tuple[Path, Path, Path | None]] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            files, refused = _policy_files(path)
            problems.extend(refused)
            if not files and not refused:
                problems.append(_problem(path, "no policy files (*.yaml, *.yml) in this directory"))
            found.extend((file, real, path) for file, real in files)
        elif path.exists():
            # Named by the user: read wherever a link leads (load_yaml still refuses a FIFO or device).
            found.append((path, Path(os.path.realpath(path)), None))
        else:
            problems.append(_problem(path, "no such file or directory"))

    seen_files: set[Path] = set()
    targets: list[Target] = []
    for file, real, root in found:
        if real in seen_files:
            continue  # named twice (a file and its directory): load it once
        seen_files.add(real)
        # A file found in a folder is read at the place checked to be inside it.
        targets.append(Target(file, file if root is None else real, _key(file, root)))
    return targets, problems


def load_target(target: Target) -> Loaded:
    """Load one policy file of a library: the policy and the column of its id, or its problems."""
    try:
        return _load_one(target.path, target.read, target.key)
    except InputError as err:
        return err


def assemble(loaded: Iterable[Loaded], problems: Sequence[Problem] = ()) -> Library:
    """The library of the targets ``loaded`` (in target order), or one ``InputError`` with every problem:
    ``problems`` of finding the files, each file's own, and ids defined twice."""
    found = list(problems)
    policies: list[tuple[LoadedPolicy, int]] = []
    for item in loaded:
        if isinstance(item, InputError):
            found.extend(item.problems)
        else:
            policies.append(item)
    found.extend(_duplicate_ids(policies))
    if found:
        raise InputError(sorted(found, key=lambda p: (p.file, p.line, p.column, p.path, p.message)))
    return Library(tuple(sorted((item for item, _ in policies), key=lambda p: p.policy.id)))


def load_library(paths: Sequence[str | Path]) -> Library:
    """Load policy files and directories (recursively) into a library with unique ids.

    Raises one ``InputError`` holding the problems of every file, including
    ids defined twice (naming both files and lines) and directories with no
    policy file.
    """
    targets, problems = find_targets(paths)
    return assemble((load_target(t) for t in targets), problems)


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
