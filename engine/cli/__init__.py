"""The ``policyweigh`` command: a thin click shell over the library.

One module per subcommand, each exposing ``command``. ``main(argv)`` returns
the exit code instead of exiting, so the CLI is testable without a subprocess:
0 clean, 1 findings that fail the gate, 2 bad input or usage (or output that
cannot be written: a full disk, a read-only folder), 3 internal error (a bug),
130 interrupted (Ctrl-C), 141 standard output closed early (``| head``).

Failures of the environment are not bugs: each is one line on standard error,
never a traceback. A closed pipe is the reader's choice, so it ends the command
quietly, as the Python documentation recommends for ``BrokenPipeError``:
standard output is pointed at the null device (so the interpreter's final flush
of what is still buffered cannot fail again) and the exit code is 141, what a
shell reports for a program that SIGPIPE ended (128 + 13).

``entry()``, the console script, also guards against Ctrl-C arriving while the
engine is inside C code (``policyweigh.cli.interrupt``).
"""

from __future__ import annotations

import contextlib
import errno
import gc
import importlib
import io
import os
import select
import sys
from collections.abc import MutableMapping, Sequence
from typing import Any

import click

from policyweigh import __version__
from policyweigh.cli import interrupt
from policyweigh.errors import InputError, PolicyweighError

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_INPUT = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130
"""128 + SIGINT, what a shell reports for a program Ctrl-C ended."""
EXIT_PIPE = 141
"""128 + SIGPIPE, what a shell reports for a program whose reader closed the pipe."""

# OSErrors that say something about the machine, not about policyweigh: reported as one line, exit 2.
ENVIRONMENT_ERRNOS = frozenset(
    getattr(errno, name)
    for name in ("ENOSPC", "EDQUOT", "EFBIG", "EIO", "EROFS", "EACCES", "EPERM", "ENOMEM", "EMFILE", "ENFILE")
    if hasattr(errno, name)
)

# Subcommands, in the order `--help` lists them; each is the module of its name without hyphens.
COMMANDS = (
    "validate",
    "evaluate",
    "check",
    "explain",
    "report",
    "diff",
    "rules",
    "schema",
    "new",
    "workload",
    "what-if",
    "studio",
)

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class _Interrupted(Exception):
    """Ctrl-C during a command, carried past click (which would print a blank line and "Aborted!")."""


class _OutputClosed(Exception):
    """Standard output's reader went away, carried past click (which would exit 1)."""


class _Group(click.Group):
    """The command group.

    Subcommand modules are imported when first asked for, not when this
    package is imported, so the console script guards against Ctrl-C
    (``entry``) before the slow imports of the engine; running one command
    imports that command's module only (``check`` never loads the report's
    renderers). ``commands`` (help, the docs) loads them all. Ctrl-C and a
    closed pipe inside a command reach ``main`` as themselves.
    """

    _loaded = False

    def _load(self, name: str) -> click.Command:
        if name not in self._commands:
            module = importlib.import_module(f"policyweigh.cli.{name.replace('-', '')}")
            self._commands[name] = module.command
        return self._commands[name]

    @property
    def commands(self) -> MutableMapping[str, click.Command]:
        if not self._loaded:
            self._loaded = True
            for name in COMMANDS:
                self._load(name)
        return self._commands

    @commands.setter
    def commands(self, value: MutableMapping[str, click.Command]) -> None:
        self._commands = value

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command of that name, importing its module alone (None for an unknown name)."""
        if cmd_name in COMMANDS:
            return self._load(cmd_name)
        return self.commands.get(cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command's name, sorted as click sorts them, without importing any."""
        return sorted({*COMMANDS, *self._commands})

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            raise _Interrupted from None
        except OSError as err:
            if err.errno == errno.EPIPE:
                raise _OutputClosed from None
            raise
        except SystemExit as stop:
            # rich's Console ends the program with SystemExit(1) when the pipe is closed.
            if isinstance(stop.__context__, BrokenPipeError):
                raise _OutputClosed from None
            raise
        except Exception:
            if interrupt.requested():  # an error the interrupt caused (a rule action cut short)
                raise _Interrupted from None
            raise


@click.group(cls=_Group, context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "--version", "-V", prog_name="policyweigh")
def cli() -> None:
    """Score workplace policies on employee and customer impact, explain every
    point, and find the conflicts between them.

    Example: policyweigh evaluate policies/
    """


def _tell(message: str) -> None:
    """Write one message to standard error; a standard error that is gone is not an error too.

    Messages quote what users wrote; no line of them may read as a CI workflow command.
    """
    from policyweigh.render.escape import guard_lines  # late: the command group loads no renderer at start-up

    with contextlib.suppress(OSError, ValueError):
        click.echo(guard_lines(message), err=True)


class WholeWrites(io.RawIOBase):
    """A file descriptor that takes every write whole or raises.

    Python's buffered writer reports a short write of a large block (a pipe
    closed or a disk filled part-way) as success and drops the rest, so a
    truncated output would exit 0. Below standard output this writes until
    every byte is out, and an error on the way is raised.
    """

    def __init__(self, fd: int) -> None:
        super().__init__()
        self._fd = fd

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._fd

    def isatty(self) -> bool:
        return os.isatty(self._fd)

    def write(self, data: Any) -> int:
        view = memoryview(data).cast("B")
        done = 0
        while done < len(view):
            try:
                done += os.write(self._fd, view[done:])
            except BlockingIOError:  # a descriptor some parent left non-blocking: wait until it drains
                select.select([], [self._fd], [])
        return done


_own_stdout: io.TextIOWrapper | None = None


def reliable_stdout() -> None:
    """Put ``WholeWrites`` under the process's standard output (the console script only)."""
    global _own_stdout
    stream = sys.stdout
    if stream is None or stream is not sys.__stdout__ or not isinstance(stream, io.TextIOWrapper):
        return
    try:
        fd = stream.fileno()
    except (OSError, ValueError):
        return
    stream.flush()
    _own_stdout = io.TextIOWrapper(
        io.BufferedWriter(WholeWrites(fd)),
        encoding=stream.encoding,
        errors=stream.errors,
        line_buffering=stream.line_buffering,
    )
    sys.stdout = _own_stdout


def discard_stdout() -> None:
    """Point the process's standard output at the null device after it failed.

    What is still buffered in ``sys.stdout`` would otherwise be flushed again at
    exit, fail again, and print "Exception ignored" and exit 120. Only the
    process's own standard output is redirected, never a replacement (a test's capture).
    """
    stream = sys.stdout
    if stream is None or not any(stream is own for own in (sys.__stdout__, _own_stdout)):
        return
    try:
        fd = stream.fileno()
        devnull = os.open(os.devnull, os.O_WRONLY)
    except (OSError, ValueError):
        return
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)


def _environment_error(err: OSError) -> str:
    """One line for an OSError of the machine: what failed and why."""
    reason = err.strerror or str(err)
    if err.filename is not None:
        return f"error: {err.filename}: {reason}"
    return f"error: cannot write the output: {reason}"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code."""
    try:
        code = _run(argv)
        # Output still buffered is written now, so a full disk is reported here and not at exit.
        if sys.stdout is not None:
            sys.stdout.flush()
        if interrupt.requested():  # the command ran to its end all the same
            raise _Interrupted
    except (_OutputClosed, BrokenPipeError):
        discard_stdout()
        return EXIT_PIPE
    except OSError as err:
        if err.errno == errno.EPIPE:
            discard_stdout()
            return EXIT_PIPE
        discard_stdout()
        if err.errno not in ENVIRONMENT_ERRNOS:
            return _internal_error(err)
        _tell(_environment_error(err))
        return EXIT_INPUT
    except (_Interrupted, KeyboardInterrupt):
        _tell("interrupted")
        return EXIT_INTERRUPTED
    return code


def _run(argv: Sequence[str] | None) -> int:
    """Run the CLI; every error becomes its exit code, except those of the output and Ctrl-C."""
    try:
        result = cli.main(
            args=list(argv) if argv is not None else None, prog_name="policyweigh", standalone_mode=False
        )
    except click.exceptions.Exit as stop:
        return int(stop.exit_code)
    except click.Abort as err:
        if isinstance(err.__context__, KeyboardInterrupt) or isinstance(err.__cause__, KeyboardInterrupt):
            raise _Interrupted from None
        _tell("Aborted.")
        return EXIT_INPUT
    except click.ClickException as err:
        err.show()
        return EXIT_INPUT if err.exit_code in (1, 2) else int(err.exit_code)
    except InputError as err:
        for problem in err.problems:
            _tell(str(problem))
        return EXIT_INPUT
    except PolicyweighError as err:
        _tell(f"error: {err}")
        return EXIT_INPUT
    except (_Interrupted, _OutputClosed, KeyboardInterrupt):
        raise
    except OSError as err:
        if err.errno == errno.EPIPE or err.errno in ENVIRONMENT_ERRNOS:
            raise
        return _internal_error(err)
    except Exception as err:  # a bug: say so in one line, never a traceback for the user
        return _internal_error(err)
    return int(result or 0)


def _internal_error(err: Exception) -> int:
    _tell(
        f"internal error: {type(err).__name__}: {err}\n"
        "This is a bug in policyweigh; please report it with the command you ran."
    )
    return EXIT_INTERNAL


def entry() -> None:
    """Console-script entry point: Ctrl-C always ends the process, then exit with the command's code."""
    from policyweigh.cli.interrupt import exit_interrupted, guard  # late: only the console script needs it

    try:
        guard()
        reliable_stdout()
        code = main()
    except KeyboardInterrupt:  # Ctrl-C between the guard and the command
        _tell("interrupted")
        code = EXIT_INTERRUPTED
    if code == EXIT_INTERRUPTED:
        exit_interrupted()
    # Everything alive now lives until the process ends: the collector need not walk it once more
    # at exit (a full collection over the rulebook and every imported module).
    gc.freeze()
    sys.exit(code)
