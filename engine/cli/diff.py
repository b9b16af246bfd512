"""`policyweigh diff`: what changed between two versions of a policy library.

``diff OLD NEW`` compares two files or folders; ``diff --git REF [PATH]``
compares PATH (default ``policies``) at a git revision with the working tree,
in the repository that holds PATH (wherever the command runs from). A PATH
new since REF is all added; a PATH deleted since REF is all removed. The
revision's files are read with ``git ls-tree`` and ``git show`` into a
temporary folder, so nothing in the repository or its index is touched.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

import click

from policyweigh.cli.options import config_option, format_option, rulebook_option
from policyweigh.config import Settings, load_settings, resolve_rulebook
from policyweigh.diff import diff_runs
from policyweigh.errors import InputError, PolicyweighError, Problem
from policyweigh.evaluation import EvaluationRun
from policyweigh.loading import POLICY_SUFFIXES, load_library
from policyweigh.orchestration import evaluate
from policyweigh.policy import Policy
from policyweigh.render.diff import RENDERERS
from policyweigh.rulebook import Rulebook

DEFAULT_GIT_PATH = "policies"


def _evaluate(
    paths: Sequence[str | Path],
    book: Rulebook,
    settings: Settings,
    *,
    rename: dict[str, str] | None = None,
) -> EvaluationRun:
    """Load and evaluate a library; ``rename`` maps temporary file names back to what users know.

    Conflicts are found without remedies: a diff shows no remedy, and working
    them out is most of the cost on a large library.
    """
    try:
        library = load_library(list(paths))
    except InputError as err:
        if not rename:
            raise
        raise InputError([_renamed(p, rename) for p in err.problems]) from None
    files = {p.id: _rename(p.file, rename or {}) for p in library}
    return _evaluate_models(library.models, book, settings, files)


def _evaluate_models(
    models: Sequence[Policy], book: Rulebook, settings: Settings, files: dict[str, str] | None = None
) -> EvaluationRun:
    return evaluate(models, rulebook=book, settings=settings, files=files, remedies=False)


def _rename(file: str, rename: dict[str, str]) -> str:
    for prefix, label in rename.items():
        if file == prefix or file.startswith(prefix + "/"):
            return label + file[len(prefix) :]
    return file


def _renamed(problem: Problem, rename: dict[str, str]) -> Problem:
    return Problem(
        _rename(problem.file, rename),
        problem.line,
        problem.column,
        problem.path,
        problem.message,
        problem.suggestion,
    )


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError:
        raise PolicyweighError("git is not installed or not on PATH; diff --git needs it") from None


def git_toplevel(folder: Path, shown: str | None = None) -> Path:
    """The top folder of the git work tree holding ``folder``; a PolicyweighError when there is none.

    ``shown`` names the path in the message (default: ``folder``).
    """
    done = _git(["rev-parse", "--show-toplevel"], folder)
    if done.returncode != 0:
        raise PolicyweighError(
            f"{shown or folder} is not in a git repository; diff --git compares a revision "
            "with the working tree"
        )
    return Path(done.stdout.decode().strip())


def _nearest_folder(path: Path) -> Path:
    """``path`` if it is a folder, else the nearest folder above it that exists (PATH may be deleted)."""
    folder = path
    while not folder.is_dir() and folder != folder.parent:
        folder = folder.parent
    return folder


def check_revision(ref: str, top: Path) -> None:
    """Raise a PolicyweighError unless ``ref`` names a commit."""
    # A leading dash would be read as an option by git.
    if ref.startswith("-") or _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], top).returncode:
        raise PolicyweighError(f"unknown git revision {ref!r}")


def export_revision(ref: str, path: str, cwd: Path, into: Path) -> tuple[Path, str, list[str]]:
    """Write the policy files under ``path`` at ``ref`` into ``into``.

    Returns the exported path (file or folder), how to name it in messages
    (``REF:path``), and the policy files written (repository-relative).
    """
    absolute = (cwd / path).resolve()
    # The repository that holds PATH, which need not be the one of the working directory.
    top = git_toplevel(_nearest_folder(absolute), path)
    check_revision(ref, top)
    try:
        relative = absolute.relative_to(top.resolve()).as_posix()
    except ValueError:
        raise PolicyweighError(f"{path} is outside the git repository {top}") from None
    relative = "" if relative == "." else relative
    listing = _git(["ls-tree", "-r", "--name-only", "-z", ref, "--", relative or "."], top)
    if listing.returncode != 0:
        raise PolicyweighError(f"git ls-tree failed: {listing.stderr.decode(errors='replace').strip()}")
    names = sorted(n for n in listing.stdout.decode().split("\0") if n)
    written: list[str] = []
    for name in names:
        inner = (
            PurePosixPath(name).relative_to(relative)
            if relative and name != relative
            else PurePosixPath(name)
        )
        if PurePosixPath(name).suffix.lower() not in POLICY_SUFFIXES:
            continue
        if any(part.startswith(".") for part in inner.parts):
            continue
        shown = _git(["show", f"{ref}:{name}"], top)
        if shown.returncode != 0:
            raise PolicyweighError(
                f"git show {ref}:{name} failed: {shown.stderr.decode(errors='replace').strip()}"
            )
        target = into / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(shown.stdout)
        written.append(name)
    label = f"{ref}:{relative or '.'}"
    return into / relative if relative else into, label, written


@click.command("diff")
@click.argument("paths", nargs=-1, metavar="OLD NEW | --git REF [PATH]", type=click.Path(path_type=str))
@click.option(
    "--git",
    "git_ref",
    metavar="REF",
    default=None,
    help=f"Compare PATH (default: {DEFAULT_GIT_PATH}) at git revision REF with the working tree.",
)
@format_option("text", "json", "markdown")
@rulebook_option
@config_option
def command(
    paths: tuple[str, ...], git_ref: str | None, fmt: str, rulebook: str | None, config: str | None
) -> int:
    """Show what changed between two versions of a policy library: per policy the change of
    scores and verdict, the contributions that appeared, vanished or changed, and the conflicts
    added and removed; and the policies added and removed.

    OLD and NEW are two policy files or two folders. With --git REF, the policies under PATH
    at revision REF (a commit, branch or tag) are compared with the working tree.

    Example: policyweigh diff --git main policies/
    """
    if git_ref is None and len(paths) != 2:
        raise click.UsageError("diff needs OLD and NEW (two files or two folders), or --git REF [PATH]")
    if git_ref is not None and len(paths) > 1:
        raise click.UsageError("diff --git REF takes at most one PATH")
    settings = load_settings(config)
    book = resolve_rulebook(settings, rulebook)
    if git_ref is None:
        old_path, new_path = paths
        old = _evaluate([old_path], book, settings)
        new = _evaluate([new_path], book, settings)
        diff = diff_runs(old, new, old_label=old_path, new_label=new_path)
    else:
        path = paths[0] if paths else DEFAULT_GIT_PATH
        with tempfile.TemporaryDirectory(prefix="policyweigh-diff-") as tmp:
            exported, label, written = export_revision(git_ref, path, Path.cwd(), Path(tmp))
            if written:
                old = _evaluate([exported], book, settings, rename={str(exported): label})
            else:
                # The path did not exist at that revision (or held no policy): everything is new.
                old = _evaluate_models([], book, settings)
        if os.path.lexists(path):
            new = _evaluate([path], book, settings)
        elif written:
            # Deleted from the working tree since the revision: every policy it held is removed.
            new = _evaluate_models([], book, settings)
        else:
            raise PolicyweighError(f"{path} exists neither in the working tree nor at revision {git_ref}")
        diff = diff_runs(old, new, old_label=label, new_label=path)
    click.echo(RENDERERS[fmt](diff), nl=False)
    return 0
