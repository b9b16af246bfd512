"""Options shared by several commands, as decorators (one definition, one help text)."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from policyweigh.errors import Problem
from policyweigh.project import NameWarning
from policyweigh.remedies import RemedyBudget

F = TypeVar("F", bound=Callable[..., Any])

POOL_FILES = 300
"""``policyweigh.pool.POOL_MIN_FILES`` for the help of ``--jobs``, without importing the pool to
show it (a test holds the two equal)."""


def paths_argument(func: F) -> F:
    """PATH... : policy files or directories (directories load recursively)."""
    return click.argument(
        "paths",
        nargs=-1,
        required=True,
        metavar="PATH...",
        type=click.Path(exists=True, dir_okay=True, path_type=str),
    )(func)


def rulebook_option(func: F) -> F:
    """--rulebook DIR: evaluate with an organisation's own rulebook."""
    return click.option(
        "--rulebook",
        type=click.Path(exists=True, file_okay=False, path_type=str),
        default=None,
        help="Directory of an organisation's own rulebook (default: the bundled rulebook, "
        "or `rulebook` in policyweigh.toml / [tool.policyweigh]).",
    )(func)


def config_option(func: F) -> F:
    """--config FILE: settings file instead of the nearest policyweigh.toml / pyproject.toml."""
    return click.option(
        "--config",
        type=click.Path(exists=True, dir_okay=False, path_type=str),
        default=None,
        help="Settings file (policyweigh.toml, or a pyproject.toml with [tool.policyweigh]); "
        "default: the nearest one from the working directory up.",
    )(func)


def organisation_option(func: F) -> F:
    """--organisation FILE: judge queue-changing rules on these teams' queues."""
    return click.option(
        "--organisation",
        type=click.Path(exists=True, dir_okay=False, path_type=str),
        default=None,
        help="Organisation file (teams, shift patterns, calls by interval): break, staffing, training, "
        "leader-floor-time and after-call-work rules are judged on the named teams' queues "
        "(default: `organisation` in the settings).",
    )(func)


def jobs_option(what: str) -> Callable[[F], F]:
    """--jobs N: worker processes (for ``what``), one per core available by default."""
    return click.option(
        "--jobs",
        type=click.IntRange(min=1),
        default=None,
        metavar="N",
        help=f"Worker processes{what} (default: one per core available); 1 evaluates in this "
        "process. The output is the same whatever N.",
    )


def format_option(*choices: str, default: str = "text", help: str = "Output format.") -> Callable[[F], F]:
    """--format: one of ``choices`` (``help`` says what each gives, where a command needs it)."""

    def decorate(func: F) -> F:
        return click.option(
            "--format",
            "fmt",
            type=click.Choice(choices),
            default=default,
            show_default=True,
            help=help,
        )(func)

    return decorate


def refuse_to_overwrite(target: Path | None, force: bool) -> None:
    """Stop before any work if ``target`` exists and ``--force`` was not given."""
    if target is not None and os.path.lexists(target) and not force:
        raise click.ClickException(f"{target} already exists; pass --force to overwrite it")


def write_output(text: str, target: Path | None, force: bool) -> bool:
    """Print ``text``, or write it to ``target``; never replace a file without ``--force``.

    Returns whether a file was written. Missing folders on the way to ``target`` are made. A file is written whole or not at all:
    the text goes to a temporary file in the same folder, which then takes the
    target's name (``os.replace`` with ``--force``; without it a hard link,
    which fails if a file of that name appeared meanwhile, so nothing is ever
    replaced). A failed or interrupted write removes the temporary file and
    leaves any existing file as it was. An existing target that is not a
    regular file (``/dev/stdout``, a FIFO) is written in place with ``--force``;
    a FIFO nobody reads is refused instead of waited on.
    """
    if target is None:
        click.echo(text, nl=False)
        return False
    data = text.encode("utf-8")
    try:
        try:
            mode = os.stat(target).st_mode
        except FileNotFoundError:
            mode = None
        if mode is not None and not force:
            raise FileExistsError(errno.EEXIST, "exists", str(target))
        if mode is not None and stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(target))
        if mode is not None and not stat.S_ISREG(mode):
            _write_in_place(target, data)
        else:
            if mode is None:
                # `new -o policies/breaks/lunch.yaml` in a fresh repository: the folder is part of the
                # name asked for, so it is made (nothing existing is touched: only missing folders).
                _make_folders(Path(target).parent)
            _write_atomically(Path(os.path.realpath(target)), data, replace=force, mode=mode)
    except FileExistsError:
        raise click.ClickException(f"{target} already exists; pass --force to overwrite it") from None
    except OSError as err:
        reason = "no process is reading it" if err.errno == errno.ENXIO else (err.strerror or str(err))
        raise click.ClickException(f"cannot write {target}: {reason}") from None
    return True


def _make_folders(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        # Something that is not a folder (a dangling link) holds the name: not "the output exists".
        raise NotADirectoryError(errno.ENOTDIR, f"{folder} is not a folder") from None


def write_all(fd: int, data: bytes) -> None:
    """Write every byte of ``data`` to ``fd``, or raise: a short write is carried on, never dropped."""
    view = memoryview(data)
    done = 0
    while done < len(view):
        done += os.write(fd, view[done:])


def _write_in_place(target: Path, data: bytes) -> None:
    # O_NONBLOCK: opening a FIFO that no process reads fails (ENXIO) instead of waiting forever.
    fd = os.open(target, os.O_WRONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        os.set_blocking(fd, True)
        write_all(fd, data)
    finally:
        os.close(fd)


def _new_file_mode() -> int:
    """The permissions ``open()`` would give a new file: 0o666 less the umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _write_atomically(target: Path, data: bytes, *, replace: bool, mode: int | None) -> None:
    fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        try:
            write_all(fd, data)
            os.fchmod(fd, stat.S_IMODE(mode) if mode is not None else _new_file_mode())
            os.fsync(fd)  # the data is on disk before the name points at it
        finally:
            os.close(fd)
        if replace:
            os.replace(temporary, target)
        else:
            _link_exclusively(temporary, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


def _link_exclusively(temporary: str, target: Path) -> None:
    """Give ``temporary`` the name ``target`` unless that name exists (FileExistsError then)."""
    try:
        os.link(temporary, target)
    except FileExistsError:
        raise
    except OSError:
        # A file system without hard links: the check and the rename are two steps here.
        if os.path.lexists(target):
            raise FileExistsError(errno.EEXIST, "exists", str(target)) from None
        os.rename(temporary, target)


def note_remedy_budget(budget: RemedyBudget, conflicts: int) -> None:
    """Say on standard error when some conflicts were left without remedies (the budget ran out)."""
    if budget.skipped:
        click.echo(
            f"note: {budget.skipped:,} of {conflicts:,} conflicts are listed without remedies: working "
            f"them out would evaluate more than {budget.limit:,} patched policies again, the limit per "
            "run (the most severe conflicts got theirs first)",
            err=True,
        )


def warning_line(problem: Problem) -> str:
    """One warning as a line: ``FILE:LINE:COLUMN: warning: PATH: MESSAGE``."""
    return f"{problem.file}:{problem.line}:{problem.column}: warning: {problem.detail}"


def tell_warnings(warnings: Sequence[NameWarning]) -> None:
    """Write the warnings of a project on standard error, one a line (every command that loads one)."""
    for warning in warnings:
        click.echo(warning_line(warning.problem), err=True)


def tell_notes(notes: Sequence[str]) -> None:
    """Write notes about how the work was done on standard error, one a line."""
    for note in notes:
        click.echo(note, err=True)
