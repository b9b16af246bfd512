"""``policyweigh validate``: check policy files against the format and report every problem, located."""

from __future__ import annotations

import json

import click

from policyweigh.cli import EXIT_INPUT, EXIT_OK
from policyweigh.cli.options import config_option, rulebook_option
from policyweigh.errors import InputError
from policyweigh.project import open_settings


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


@click.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str), metavar="PATH...")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: one problem a line on stderr; json: a list of problem objects on stdout.",
)
@rulebook_option
@config_option
def command(paths: tuple[str, ...], output_format: str, rulebook: str | None, config: str | None) -> int:
    """Check policy files and directories (searched for *.yaml and *.yml) against the format.

    Every problem in every file is reported as FILE:LINE:COLUMN: PATH: MESSAGE,
    with a suggestion for likely typos; policy ids must be unique across all
    files, and a jurisdiction must be one the rulebook has a guardrail pack for.
    Exits 0 when everything is valid and 2 otherwise.

    Example: policyweigh validate policies/
    """
    try:
        library = open_settings(rulebook=rulebook, config=config).open(paths).library
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
    if output_format == "json":
        click.echo("[]")
    else:
        click.echo(f"{_plural(len(library), 'policy', 'policies')} valid")
    return EXIT_OK
