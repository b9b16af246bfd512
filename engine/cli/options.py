"""Options shared by several commands, as decorators (one definition, one help text)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def paths_argument(func: F) -> F:
    """PATH... : policy files or directories (directories load recursively)."""
    return click.argument(
        "paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=True, path_type=str)
    )(func)


def rulebook_option(func: F) -> F:
    """--rulebook DIR: evaluate with an organisation's own rulebook."""
    return click.option(
        "--rulebook",
        type=click.Path(exists=True, file_okay=False, path_type=str),
        default=None,
        help="Directory of an organisation's own rulebook (default: the bundled rulebook, "
        "or `rulebook` in policyeval.toml / [tool.policyeval]).",
    )(func)


def config_option(func: F) -> F:
    """--config FILE: settings file instead of the nearest policyeval.toml / pyproject.toml."""
    return click.option(
        "--config",
        type=click.Path(exists=True, dir_okay=False, path_type=str),
        default=None,
        help="Settings file (policyeval.toml, or a pyproject.toml with [tool.policyeval]); "
        "default: the nearest one from the working directory up.",
    )(func)


def format_option(*choices: str, default: str = "text") -> Callable[[F], F]:
    """--format: one of ``choices``."""

    def decorate(func: F) -> F:
        return click.option(
            "--format",
            "fmt",
            type=click.Choice(choices),
            default=default,
            show_default=True,
            help="Output format.",
        )(func)

    return decorate


def refuse_to_overwrite(target: Path | None, force: bool) -> None:
    """Stop before any work if ``target`` exists and ``--force`` was not given."""
    if target is not None and target.exists() and not force:
        raise click.ClickException(f"{target} already exists; pass --force to overwrite it")


def write_output(text: str, target: Path | None, force: bool) -> bool:
    """Print ``text``, or write it to ``target``; never replace a file without ``--force``.

    Returns whether a file was written. The file is opened in exclusive mode unless
    ``--force`` is given, so a file that appeared since the check is not replaced either.
    """
    if target is None:
        click.echo(text, nl=False)
        return False
    try:
        with target.open("w" if force else "x", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
    except FileExistsError:
        raise click.ClickException(f"{target} already exists; pass --force to overwrite it") from None
    except OSError as err:
        raise click.ClickException(f"cannot write {target}: {err.strerror or err}") from None
    return True
