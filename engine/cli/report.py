"""`policyweigh report`: the leadership report of a policy library, as HTML or Markdown."""

from __future__ import annotations

from pathlib import Path

import click

from policyweigh.cli.options import (
    config_option,
    note_remedy_budget,
    organisation_option,
    paths_argument,
    refuse_to_overwrite,
    rulebook_option,
    tell_warnings,
    write_output,
)
from policyweigh.project import open_project
from policyweigh.remedies import RemedyBudget


@click.command("report")
@paths_argument
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=str),
    default=None,
    help="File to write the report to (default: standard output). An existing file is kept "
    "unless --force is given.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["html", "markdown"]),
    default="html",
    show_default=True,
    help="html: one self-contained page with a chart; markdown: a pull-request comment.",
)
@click.option("--force", is_flag=True, help="Overwrite the --output file if it exists.")
@click.option("--title", default="Policy evaluation", show_default=True, help="Title of the report.")
@click.option(
    "--date",
    default=None,
    help="Date (or any label) shown under the title, e.g. 2024-05-01. None by default, so the "
    "same library always gives the same report.",
)
@rulebook_option
@config_option
@organisation_option
def command(
    paths: tuple[str, ...],
    output: str | None,
    fmt: str,
    force: bool,
    title: str,
    date: str | None,
    rulebook: str | None,
    config: str | None,
    organisation: str | None,
) -> int:
    """Write the report of every policy under PATH: a chart of employee against customer impact,
    the policies ranked, the conflicts by kind, and per policy its contributions, derivation,
    evidence and remedies.

    The HTML file needs no network and runs no script; it prints on A4. Markdown fits a
    pull-request comment (GitHub's 65,536-character limit: the details of the best-ranked
    policies are left out first when the library is large).

    Example: policyweigh report policies/ -o report.html
    """
    target = Path(output) if output is not None and output != "-" else None
    refuse_to_overwrite(target, force)
    if target is not None and not target.parent.is_dir():
        raise click.BadParameter(f"folder {target.parent} does not exist", param_hint="'-o' / '--output'")
    budget = RemedyBudget()
    project = open_project(paths, rulebook=rulebook, config=config, organisation=organisation)
    tell_warnings(project.warnings)
    run = project.evaluate(budget=budget)
    if fmt == "markdown":  # each format imports its renderer when asked for (start-up time)
        from policyweigh.render.markdown import render_markdown

        text = render_markdown(run, title=title, date=date)
    else:
        from policyweigh.render.html import render_html

        text = render_html(run, title=title, date=date)
    written = write_output(text, target, force)
    note_remedy_budget(budget, len(run.evaluation.conflicts))
    if written:
        click.echo(f"wrote {target} ({len(run.evaluation.policies)} policies, {fmt})", err=True)
    return 0
