"""The ``policyeval`` command: a thin click shell over the library.

One module per subcommand, each exposing ``command``. ``main(argv)`` returns
the exit code instead of exiting, so the CLI is testable without a subprocess:
0 clean, 1 findings that fail the gate, 2 bad input or usage, 3 internal error.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence

import click

from engine import __version__
from engine.errors import InputError, PolicyevalError

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_INPUT = 2
EXIT_INTERNAL = 3

# Subcommand modules under engine.cli, in the order `--help` lists them.
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
)

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "--version", "-V", prog_name="policyeval")
def cli() -> None:
    """Score workplace policies on employee and customer impact, explain every
    point, and find the conflicts between them.

    Example: policyeval evaluate policies/
    """


for _name in COMMANDS:
    cli.add_command(importlib.import_module(f"engine.cli.{_name}").command)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code."""
    try:
        result = cli.main(
            args=list(argv) if argv is not None else None, prog_name="policyeval", standalone_mode=False
        )
    except click.exceptions.Exit as stop:
        return int(stop.exit_code)
    except click.Abort:
        click.echo("Aborted.", err=True)
        return EXIT_INPUT
    except click.ClickException as err:
        err.show()
        return EXIT_INPUT if err.exit_code in (1, 2) else int(err.exit_code)
    except InputError as err:
        for problem in err.problems:
            click.echo(str(problem), err=True)
        return EXIT_INPUT
    except PolicyevalError as err:
        click.echo(f"error: {err}", err=True)
        return EXIT_INPUT
    except KeyboardInterrupt:
        return 130
    except Exception as err:  # a bug: say so in one line, never a traceback for the user
        click.echo(
            f"internal error: {type(err).__name__}: {err}\n"
            "This is a bug in policyeval; please report it with the command you ran.",
            err=True,
        )
        return EXIT_INTERNAL
    return int(result or 0)


def entry() -> None:
    """Console-script entry point."""
    sys.exit(main())
