"""The library folder the studio works on: safe paths, the library as it is on disk, drafts judged
against it, and saving.

Every path the browser names is relative to the library folder and must stay inside it: no
absolute path, no ``..``, no hidden part, only ``.yaml``/``.yml`` files, and a link is followed only
while its target stays in the folder (as ``policyweigh.loading`` does for a library). A draft is
judged as ``policyweigh evaluate`` would judge it inside the library: the same loader and located
problems, the same checks of jurisdiction, names and references, the same evaluation of the whole
library with the draft in place of the file it was opened from.

Saving never overwrites a file that changed on disk since it was opened (or that exists, for a new
policy) unless the person says so again; a file is replaced whole or not at all.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from policyweigh.errors import InputError, Problem
from policyweigh.evaluation import EvaluationRun
from policyweigh.loading import POLICY_SUFFIXES, Library, LoadedPolicy
from policyweigh.project import Project, Setup
from policyweigh.proposals import reference_problems
from policyweigh.results import Conflict, PolicyResult

__all__ = ["Draft", "PathRefused", "SaveRefused", "Workspace", "digest"]

MAX_TEXT = 1024 * 1024
"""The largest draft the studio takes, the loader's own limit for a policy file."""


class PathRefused(Exception):
    """A path the studio will not read or write: outside the library folder, hidden, not a policy file."""


class SaveRefused(Exception):
    """A save that would overwrite a file without the person's say-so; ``reason`` says which case."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


def digest(data: bytes) -> str:
    """The fingerprint of a file's bytes, to tell whether it changed on disk."""
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Draft:
    """A draft judged against the library: its problems, or its evaluation with the library's."""

    name: str
    """The draft's path in the library folder, as messages name it."""
    problems: tuple[Problem, ...] = ()
    run: EvaluationRun | None = None
    policy_id: str | None = None

    @property
    def result(self) -> PolicyResult | None:
        """The draft's own evaluation (none while it has problems)."""
        if self.run is None:
            return None
        return next((r for r in self.run.evaluation.policies if r.id == self.policy_id), None)

    @property
    def conflicts(self) -> list[Conflict]:
        """The conflicts the draft is in: inside it, with the law, or with other policies."""
        if self.run is None or self.policy_id is None:
            return []
        return [c for c in self.run.evaluation.conflicts if self.policy_id in c.policies]


@dataclass(frozen=True)
class _Loaded:
    project: Project
    problems: tuple[Problem, ...]


class Workspace:
    """A library folder, the settings and rulebook it is judged with, and a lock: evaluations run
    one at a time (the rules engine is driven from one thread at a time)."""

    def __init__(self, root: Path, setup: Setup) -> None:
        self.root = root.resolve()
        self.setup = setup
        self.lock = threading.RLock()
        self._cache: dict[tuple[object, ...], _Loaded] = {}

    # Paths -------------------------------------------------------------------------------------

    def resolve(self, name: str) -> Path:
        """The file ``name`` (relative to the library folder) names; raise ``PathRefused`` unless it is
        a policy file's place inside the folder (it need not exist)."""
        if not name or "\x00" in name or "\\" in name:
            raise PathRefused("name a policy file inside the library folder")
        relative = Path(name)
        if relative.is_absolute() or any(
            part in ("", ".", "..") or part.startswith(".") for part in relative.parts
        ):
            raise PathRefused(f"{name!r} is outside the library folder or hidden: name a file inside it")
        if relative.suffix.lower() not in POLICY_SUFFIXES:
            raise PathRefused(f"{name!r} is not a policy file: its name must end in .yaml or .yml")
        target = self.root / relative
        real = Path(os.path.realpath(target))
        if not real.is_relative_to(self.root):
            raise PathRefused(f"{name!r} leads outside the library folder")
        if target.exists() and not real.is_file():
            raise PathRefused(f"{name!r} is not a regular file")
        return target

    def name_of(self, path: Path) -> str:
        """A file's name relative to the library folder, as the browser names it."""
        return path.relative_to(self.root).as_posix()

    def files(self) -> list[Path]:
        """Every policy file in the folder (hidden ones and links leading out left aside), sorted."""
        found = []
        for directory, folders, names in os.walk(self.root):
            folders[:] = sorted(f for f in folders if not f.startswith("."))
            for file in sorted(names):
                path = Path(directory) / file
                if file.startswith(".") or path.suffix.lower() not in POLICY_SUFFIXES:
                    continue
                real = Path(os.path.realpath(path))
                if real.is_relative_to(self.root) and real.is_file():
                    found.append(path)
        return sorted(found)

    def folders(self) -> list[str]:
        """The folder itself ("") and every folder in it, for a new policy's place."""
        names = [""]
        for directory, folders, _ in os.walk(self.root):
            folders[:] = sorted(f for f in folders if not f.startswith("."))
            for folder in folders:
                names.append(self.name_of(Path(directory) / folder))
        return sorted(names)

    def read(self, name: str) -> tuple[str, str]:
        """The text of a policy file of the folder and the fingerprint of its bytes."""
        path = self.resolve(name)
        if not path.is_file():
            raise PathRefused(f"{name!r}: no such policy file in the library folder")
        data = path.read_bytes()
        if len(data) > MAX_TEXT:
            raise PathRefused(f"{name!r} is larger than 1 MiB")
        try:
            return data.decode("utf-8"), digest(data)
        except UnicodeDecodeError:
            raise PathRefused(f"{name!r} is not UTF-8 text") from None

    # The library -------------------------------------------------------------------------------

    def library(self, leave_out: Path | None = None) -> tuple[Project, tuple[Problem, ...]]:
        """The library on disk (without ``leave_out``, the file a draft stands for) and the problems
        of the files that do not load, which are left out of it."""
        files = [f for f in self.files() if leave_out is None or f != leave_out]
        signature: list[object] = []
        for file in files:
            with contextlib.suppress(OSError):
                stat = file.stat()
                signature.append((str(file), stat.st_mtime_ns, stat.st_size))
        key = tuple(signature)
        with self.lock:
            cached = self._cache.get(key)
            if cached is None:
                cached = self._load(files)
                self._cache = {key: cached}  # one library at a time: the latest
        return cached.project, cached.problems

    def _load(self, files: Sequence[Path]) -> _Loaded:
        problems: list[Problem] = []
        remaining = list(files)
        for _ in range(3):  # a broken file is left out; what is left is tried again
            if not remaining:
                break
            try:
                project = self.setup.open(remaining)
                return _Loaded(project, tuple(problems))
            except InputError as err:
                problems.extend(err.problems)
                broken = {Path(p.file) for p in err.problems}
                kept = [f for f in remaining if f not in broken]
                if len(kept) == len(remaining):  # problems of the library as a whole (references)
                    try:
                        return _Loaded(self.setup.open(remaining, references=False), tuple(problems))
                    except InputError:
                        break
                remaining = kept
        empty = Project(library=Library(), settings=self.setup.settings, rulebook=self.setup.rulebook)
        return _Loaded(empty, tuple(problems))

    def evaluate_library(self) -> tuple[EvaluationRun, tuple[Problem, ...]]:
        """The whole library evaluated, with the problems of the files left out of it."""
        project, problems = self.library()
        with self.lock:
            return project.evaluate(), problems

    # Drafts ------------------------------------------------------------------------------------

    def _load_draft(self, text: str, name: str) -> LoadedPolicy:
        """The draft loaded as a file of its own, with the checks a library makes of one policy."""
        with tempfile.TemporaryDirectory(prefix="policyweigh-studio-") as folder:
            temporary = Path(folder) / Path(name).name
            temporary.write_text(text, encoding="utf-8")
            try:
                project = self.setup.open([temporary], references=False)
            except InputError as err:
                located = [dataclasses.replace(p, file=name) for p in err.problems]
                raise InputError(located) from None
        return dataclasses.replace(
            project.library.policies[0], file=name, key=Path(name).with_suffix("").as_posix()
        )

    def judge(self, text: str, name: str) -> Draft:
        """The draft ``text`` of the file ``name`` judged inside the library, in place of that file."""
        if len(text.encode("utf-8")) > MAX_TEXT:
            return Draft(name, (Problem(name, 1, 1, "", "the draft is larger than 1 MiB"),))
        try:
            path = self.resolve(name)
        except PathRefused as err:
            return Draft(name, (Problem(name, 1, 1, "", str(err)),))
        try:
            loaded = self._load_draft(text, name)
        except InputError as err:
            return Draft(name, tuple(err.problems))
        project, _ = self.library(leave_out=path)
        same = [p for p in project.library if p.id == loaded.id]
        if same:
            where = self.name_of(Path(same[0].file)) if Path(same[0].file).is_absolute() else same[0].file
            line, column = loaded.position("id")
            message = f"policy id {loaded.id!r} is already used in {where}; ids must be unique in a library"
            return Draft(name, (Problem(name, line, column, "id", message),), policy_id=loaded.id)
        library = Library(tuple(sorted((*project.library, loaded), key=lambda p: p.id)))
        references = [p for p in reference_problems(library) if p.file == name]
        if references:
            return Draft(name, tuple(references), policy_id=loaded.id)
        combined = dataclasses.replace(project, library=library, warnings=())
        with self.lock:
            run = combined.evaluate()
        return Draft(name, (), run, loaded.id)

    # Saving ------------------------------------------------------------------------------------

    def save(self, name: str, text: str, opened: str | None, *, overwrite: bool = False) -> str:
        """Write ``text`` to the file ``name`` and return the fingerprint of what was written.

        ``opened`` is the fingerprint of the file when it was opened (none for a new policy). Raises
        ``PathRefused`` for a place outside the folder, ``InputError`` for a draft with problems, and
        ``SaveRefused`` when the file changed on disk since it was opened, or exists for a new
        policy, unless ``overwrite``.
        """
        path = self.resolve(name)
        judged = self.judge(text, name)
        if judged.problems:
            raise InputError(list(judged.problems))
        if path.exists() and not overwrite:
            current = digest(path.read_bytes())
            if opened is None:
                raise SaveRefused(f"{name} already exists: save over it, or choose another name", "exists")
            if current != opened:
                raise SaveRefused(
                    f"{name} changed on disk since it was opened: save over it, or reload it first", "changed"
                )
        data = text.encode("utf-8")
        path.parent.mkdir(parents=True, exist_ok=True)
        if not Path(os.path.realpath(path.parent)).is_relative_to(self.root):
            raise PathRefused(f"{name!r} leads outside the library folder")
        handle, temporary = tempfile.mkstemp(prefix=".studio-", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
        return digest(data)
