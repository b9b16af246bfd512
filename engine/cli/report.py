"""`policyweigh report`: the leadership report of a policy library, as HTML or Markdown.

With ``--what-if "POLICY_ID FIELD=START..END[:STEP]"`` the report also sweeps one field of a
policy of the library over a range (``policyweigh.whatif``, the sweep ``what-if`` runs) and shows
the policy's scores across it: a curve in HTML, a table in Markdown. Each spec is checked before
anything is evaluated, so a slip costs no evaluation and never a traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import click

from policyweigh.cli.options import (
    POOL_FILES,
    config_option,
    jobs_option,
    note_remedy_budget,
    organisation_option,
    paths_argument,
    refuse_to_overwrite,
    rulebook_option,
    tell_notes,
    tell_warnings,
    write_output,
)
from policyweigh.project import Project, open_project
from policyweigh.remedies import RemedyBudget
from policyweigh.suggest import as_name, closest, quote
from policyweigh.whatif import (
    Subject,
    Sweep,
    SweepError,
    SweepRun,
    available_cores,
    check_fields,
    make_sweep,
    run_sweep,
    show_value,
)

WHAT_IF_FORM = "POLICY_ID FIELD=START..END[:STEP]"
WHAT_IF_EXAMPLE = "pie-van-lunch-ban rules[0].min_minutes=20..60:10"


@dataclass(frozen=True)
class WhatIf:
    """One ``--what-if``: the policy's id and the one-field sweep, checked for syntax only."""

    policy: str
    sweep: Sweep


def _bad_what_if(message: str, policy: str | None = None) -> click.BadParameter:
    # With several --what-if, the policy's id says which one the message is about.
    # The id is as written until the library confirms it: shown escaped if it holds controls.
    if policy is not None and not message.startswith(f"{policy} "):
        message = f"{as_name(policy)}: {message}"
    return click.BadParameter(message, param_hint="'--what-if'")


def parse_what_if(text: str) -> WhatIf:
    """``POLICY_ID FIELD=START..END[:STEP]`` as a policy id and a sweep of one field.

    Raises ``click.BadParameter`` (exit 2, naming the option) for a spec of another form, more than
    one field, or a field or range ``what-if --vary`` would refuse.
    """
    pieces = text.split(None, 1)
    if len(pieces) < 2 or "=" in pieces[0]:
        raise _bad_what_if(f"expected {WHAT_IF_FORM}, such as {WHAT_IF_EXAMPLE!r}; got {quote(text)}")
    policy, vary = pieces
    # A curve has one x axis: several fields would be a grid, which what-if shows as a table.
    if vary.count("=") > 1:
        raise _bad_what_if(
            f"a curve varies one field: give each field its own --what-if; got {quote(vary)}", policy
        )
    try:
        sweep = make_sweep([vary])
    except SweepError as err:
        raise _bad_what_if(str(err), policy) from None
    return WhatIf(policy=policy, sweep=sweep)


def _unknown_policy(project: Project, name: str) -> click.BadParameter:
    files = project.files
    # A file name given for an id is the likeliest slip: name the id of that file.
    wanted = os.path.realpath(name) if os.path.isfile(name) else None
    for policy_id, file in files.items():
        if wanted is not None and os.path.realpath(file) == wanted:
            return _bad_what_if(
                f"{quote(name)} is a file: name its policy by its id (did you mean {policy_id!r}?)"
            )
    near = closest(name, files)
    if near is not None:
        return _bad_what_if(f"the library has no policy {quote(name)} (did you mean {near!r}?)")
    return _bad_what_if(f"the library has no policy {quote(name)}: name a policy of the library by its id")


def what_if_subject(project: Project, what_if: WhatIf, rulebook: str | None = None) -> Subject:
    """The policy of the library a ``--what-if`` names, evaluated with the project's settings and
    rulebook (``rulebook``: the ``--rulebook`` folder given, for worker processes to load).

    Raises ``click.BadParameter`` for an id the library does not have (with a did-you-mean) or a
    field the policy does not have, or cannot sweep.
    """
    loaded = next((p for p in project.library if p.id == what_if.policy), None)
    if loaded is None:
        raise _unknown_policy(project, what_if.policy)
    try:
        check_fields(what_if.sweep, loaded.policy)
    except SweepError as err:
        raise _bad_what_if(str(err), loaded.id) from None
    # The project's settings carry the organisation model already; workers load the same files.
    return Subject(
        policy=loaded.policy,
        file=loaded.file,
        settings=project.settings,
        rulebook=project.rulebook,
        rulebook_dir=os.path.abspath(rulebook) if rulebook is not None else None,
    )


def run_what_if(subject: Subject, sweep: Sweep, jobs: int) -> SweepRun:
    """Sweep ``subject`` (a progress bar on standard error only when it is a terminal).

    Raises ``click.BadParameter`` when no value of the range is one the policy can take.
    """
    if sys.stderr.isatty():
        label = f"What-if: evaluating {sweep.size:,} points of {subject.policy.id}"
        with click.progressbar(length=sweep.size, label=label, file=sys.stderr) as bar:
            run = run_sweep(subject, sweep, jobs=jobs, progress=bar.update)
    else:
        run = run_sweep(subject, sweep, jobs=jobs)
    for note in run.notes:
        click.echo(note, err=True)
    if all(p.error is not None for p in run.points):
        first = run.points[0]
        field = sweep.axes[0].field
        raise _bad_what_if(
            f"no value of {field} in {sweep.axes[0].range} is valid for the policy; "
            f"at {field}={show_value(first.values[0])}: {first.error}",
            subject.policy.id,
        )
    return run


def what_if_runs(
    project: Project, what_ifs: Sequence[WhatIf], *, rulebook: str | None = None, jobs: int | None = None
) -> list[SweepRun]:
    """Every ``--what-if`` swept, in order: each policy and field is checked before any is swept."""
    subjects = [what_if_subject(project, w, rulebook) for w in what_ifs]
    cores = jobs if jobs is not None else available_cores()
    return [run_what_if(subject, w.sweep, cores) for subject, w in zip(subjects, what_ifs, strict=True)]


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
@click.option(
    "--what-if",
    "what_if_specs",
    multiple=True,
    metavar='"POLICY_ID FIELD=START..END[:STEP]"',
    help="A what-if curve: the id of a policy of the library, a space, then one field and its range "
    "as what-if --vary takes them (numbers, or times of day with STEP in minutes). The report shows "
    "the policy's employee and customer scores at every value, and where it is balanced: a chart "
    "and a table in HTML, a table in Markdown. Quote it (one argument); repeat for more curves.",
)
@jobs_option(
    f" loading and scoring the files (for {POOL_FILES:,} files or more unless given) and for the "
    "--what-if sweeps"
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
    what_if_specs: tuple[str, ...],
    jobs: int | None,
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

    Each --what-if adds a curve to a What-if section: the policy evaluated alone at every value
    of one field, as what-if evaluates it, with the values where it is balanced (both sides at
    least neutral, and lawful).

    \b
    Example: policyweigh report policies/ -o report.html
    Example: policyweigh report policies/ -o report.html --what-if "pie-van-lunch-ban rules[0].min_minutes=20..60:10"
    """
    # A malformed spec is refused before anything is loaded or evaluated.
    what_ifs = [parse_what_if(spec) for spec in what_if_specs]
    target = Path(output) if output is not None and output != "-" else None
    refuse_to_overwrite(target, force)
    if target is not None and not target.parent.is_dir():
        raise click.BadParameter(f"folder {target.parent} does not exist", param_hint="'-o' / '--output'")
    budget = RemedyBudget()
    project = open_project(paths, rulebook=rulebook, config=config, organisation=organisation, jobs=jobs)
    tell_warnings(project.warnings)
    tell_notes(project.notes)
    sweeps = what_if_runs(project, what_ifs, rulebook=rulebook, jobs=jobs)
    run = project.evaluate(budget=budget)
    if fmt == "markdown":  # each format imports its renderer when asked for (start-up time)
        from policyweigh.render.markdown import render_markdown

        text = render_markdown(run, title=title, date=date, what_ifs=sweeps)
    else:
        from policyweigh.render.html import render_html

        text = render_html(run, title=title, date=date, what_ifs=sweeps)
    written = write_output(text, target, force)
    note_remedy_budget(budget, len(run.evaluation.conflicts))
    if written:
        click.echo(f"wrote {target} ({len(run.evaluation.policies)} policies, {fmt})", err=True)
    return 0
