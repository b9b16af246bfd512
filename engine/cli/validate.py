"""``policyweigh validate``: check policy files against the format and the settings, and report every problem, located.

Besides the format, the names policies use are checked against the settings
(``policyweigh.project.check_names``): metrics must be built in, synonyms of
built-in ones or declared; teams and roles must be declared when the settings
declare some. Names that differ only by a slip are warnings: they are shown,
and the files are still valid.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import click

from policyweigh.cli import EXIT_INPUT, EXIT_OK
from policyweigh.cli.options import config_option, rulebook_option, tell_warnings
from policyweigh.errors import InputError
from policyweigh.project import NameWarning, open_settings


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _warnings_json(warnings: Sequence[NameWarning]) -> list[dict[str, object]]:
    """Warnings as problem objects marked ``"severity": "warning"`` (problem objects without it are errors)."""
    return [{**w.problem.as_dict(), "severity": "warning"} for w in warnings]


@click.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str), metavar="PATH...")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: one problem a line on stderr; json: a list of problem objects on stdout (warnings "
    'carry "severity": "warning").',
)
@rulebook_option
@config_option
def command(paths: tuple[str, ...], output_format: str, rulebook: str | None, config: str | None) -> int:
    """Check policy files and directories (searched for *.yaml and *.yml) against the format.

    Every problem in every file is reported as FILE:LINE:COLUMN: PATH: MESSAGE,
    with a suggestion for likely typos; policy ids must be unique across all
    files; a jurisdiction must be one the rulebook has a guardrail pack for, and
    metrics, teams and roles must be known to the settings (built-in or declared).
    Team or role names that differ only by a slip are warnings. Exits 0 when
    everything is valid (warnings or not) and 2 otherwise.

    Example: policyweigh validate policies/
    """
    try:
        project = open_settings(rulebook=rulebook, config=config).open(paths)
    except InputError as err:
        if output_format == "json":
            click.echo(json.dumps([p.as_dict() for p in err.problems], indent=2))
        else:
            for problem in err.problems:
                click.echo(str(problem), err=True)
            files = len({p.file for p in err.problems})
            click.echo(
                f"{_plural(len(err.problems), 'problem', 'problems')} in {_plural(files, 'file', 'files')}",
                err=True,
            )
        return EXIT_INPUT
    warnings = project.warnings
    if output_format == "json":
        click.echo(json.dumps(_warnings_json(warnings), indent=2))
        return EXIT_OK
    tell_warnings(warnings)
    summary = f"{_plural(len(project.library), 'policy', 'policies')} valid"
    if warnings:
        summary += f", {_plural(len(warnings), 'warning', 'warnings')}"
    click.echo(summary)
    return EXIT_OK
