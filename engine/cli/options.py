"""Options shared by several commands, as decorators (one definition, one help text)."""

from __future__ import annotations

from collections.abc import Callable
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
