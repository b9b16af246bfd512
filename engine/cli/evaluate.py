"""`policyweigh evaluate`: score policies and show why."""

from __future__ import annotations

import click

from policyweigh.cli.options import (
    POOL_FILES,
    config_option,
    format_option,
    jobs_option,
    note_remedy_budget,
    organisation_option,
    paths_argument,
    rulebook_option,
    tell_notes,
    tell_warnings,
)
from policyweigh.project import open_project
from policyweigh.remedies import RemedyBudget
from policyweigh.render.escape import json_document
from policyweigh.render.text import make_console, render_evaluation


@click.command("evaluate")
@paths_argument
@format_option("text", "json", "markdown")
@rulebook_option
@config_option
@organisation_option
@jobs_option(f" loading and scoring the files, for {POOL_FILES:,} files or more unless given")
def command(
    paths: tuple[str, ...],
    fmt: str,
    rulebook: str | None,
    config: str | None,
    organisation: str | None,
    jobs: int | None,
) -> int:
    """Score every policy under PATH on employee and customer impact, explain every point, and
    list the conflicts with their remedies.

    Text is a scorecard (colour on a terminal, plain when piped); json follows the output
    contract in the README; markdown suits a pull-request comment.

    Example: policyweigh evaluate policies/ --format json
    """
    budget = RemedyBudget()
    project = open_project(paths, rulebook=rulebook, config=config, organisation=organisation, jobs=jobs)
    tell_warnings(project.warnings)
    tell_notes(project.notes)
    run = project.evaluate(budget=budget)
    if fmt == "json":
        click.echo(json_document(run.evaluation.model_dump_json(indent=2)))
    elif fmt == "markdown":  # Jinja is imported only when markdown is asked for (start-up time)
        from policyweigh.render.markdown import render_markdown

        click.echo(render_markdown(run), nl=False)
    else:
        render_evaluation(run, make_console())
    note_remedy_budget(budget, len(run.evaluation.conflicts))
    return 0
