"""``policyweigh what-if``: one policy evaluated across a range of a field's values (or a grid).

The sweep is ``policyweigh.whatif``'s; this module reads the options, shows a
progress bar on standard error, and prints the points as a table or a JSON
document (standard output carries nothing else).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click
from rich import box
from rich.console import Console
from rich.table import Table

from policyweigh.cli import EXIT_OK
from policyweigh.cli.options import (
    config_option,
    format_option,
    jobs_option,
    organisation_option,
    rulebook_option,
    tell_warnings,
)
from policyweigh.formatting import plain
from policyweigh.render.escape import json_document
from policyweigh.render.text import cell, make_console, say
from policyweigh.whatif import (
    BALANCED_MEANS,
    MAX_POINTS,
    ProgressCallback,
    SweepError,
    SweepRun,
    available_cores,
    balanced_sentence,
    check_fields,
    make_sweep,
    open_subject,
    run_sweep,
    show_value,
    sweep_document,
)

PROGRESS_FROM = 20
"""Points from which a sweep shows a progress bar on a terminal by itself (``--progress`` always does)."""


def _bad_vary(message: str) -> click.BadParameter:
    return click.BadParameter(message, param_hint="'--vary'")


def _score(value: int | None) -> str:
    if value is None:
        return "-"
    return f"{value:+d}" if value else "0"


def _legal(lawful: bool | None, codes: tuple[str, ...]) -> str:
    """``yes``, ``no (GRD020)``: the legal status, with the codes of the legal findings."""
    if lawful is None:
        return "-"
    status = "yes" if lawful else "no"
    return f"{status} ({', '.join(codes)})" if codes else status


def _level(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f}%"


HEADER_LINE = 12
"""Characters a field's header line holds before it breaks (after a dot, or before a list index)."""


def _header(field: str) -> str:
    """A field's whole name (cut short, ``rules[0].blocked_windows[0].to`` and ``[1].to`` would read
    the same), broken after its dots and before its list indexes, so that a long name does not
    widen its column past the table."""
    lines: list[str] = []
    for segment in re.split(r"(?<=\.)|(?=\[)", field):
        if lines and len(lines[-1]) + len(segment) <= HEADER_LINE:
            lines[-1] += segment
        else:
            lines.append(segment)
    return "\n".join(lines)


def render_sweep(console: Console, run: SweepRun) -> None:
    """A table of every point, then where the sweep is balanced, then what the columns mean."""
    sweep = run.sweep
    fields = ", ".join(f"{axis.field} {axis.range}" for axis in sweep.axes)
    # The heading is a paragraph of its own: as the table's title it would wrap at the table's width.
    say(console, f"What-if for {run.subject.policy.id}: {fields} ({len(run.points):,} points)", style="bold")
    table = Table(box=box.ROUNDED if console.color_system else box.ASCII, padding=(0, 1))
    for axis in sweep.axes:
        table.add_column(
            _header(axis.field), justify="right" if axis.kind == "number" else "left", overflow="fold"
        )
    # The service level has a column only when some point has one (an organisation file gives the queues).
    levels = any(p.service_level is not None for p in run.points)
    names = ("employee", "customer", "verdict", "lawful", *(("SL",) if levels else ()), "balanced")
    for name in names:
        table.add_column(
            name,
            justify="right" if name in ("employee", "customer", "SL") else "left",
            no_wrap=name in ("employee", "customer", "SL"),
            overflow="fold",
        )
    for point in run.points:
        row = [cell(show_value(v)) for v in point.values]
        if point.error is not None:
            row += [cell("-"), cell("-"), cell("invalid", "bold red"), cell(point.error)]
        else:
            style = "" if point.lawful else "bold red"
            row += [
                cell(_score(point.employee)),
                cell(_score(point.customer)),
                cell(point.verdict or "-", style),
                cell(_legal(point.lawful, point.legal), style),
            ]
        if levels:
            row.append(cell(_level(point.service_level)))
        row.append(cell("yes" if point.balanced else "", "bold green"))
        table.add_row(*row)
    console.print(table)
    say(console, balanced_sentence(run), style="bold")
    margin = plain(run.subject.margin)
    legend = (
        f"Balanced: {BALANCED_MEANS} (a side is neutral from -{margin} to +{margin}, the verdict margin, "
        "and a loss below it). lawful: no legal guardrail breached at error level, with the codes of "
        "the policy's legal findings in brackets (policyweigh rules CODE explains one)."
    )
    if levels:
        legend += " SL: the day's service level under the policy, over its teams weighted by their calls."
    if any(p.error is not None for p in run.points):
        legend += " invalid: a value the policy cannot take, with the reason."
    say(console, legend, style="dim")


@contextmanager
def _progress(total: int, label: str, shown: bool) -> Iterator[ProgressCallback | None]:
    """A progress bar on standard error, or nothing; yields the callback that moves it."""
    if not shown:
        yield None
        return
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        yield bar.update


@click.command("what-if")
@click.argument("policy", type=click.Path(exists=True, dir_okay=False, path_type=str), metavar="POLICY")
@click.option(
    "--vary",
    "specs",
    multiple=True,
    required=True,
    metavar="FIELD=START..END[:STEP]",
    help="A field and its range: rules[N].FIELD (dotted for nested values, [N] for a list entry) or "
    "scope.FIELD; START..END with STEP 1 by default, numbers (4..12:2, 0.5..2:0.25, -30..0:5) or "
    f"times of day with STEP in minutes (11:00..14:00:30). Repeat for a grid (at most {MAX_POINTS:,} points).",
)
@format_option(
    "text",
    "json",
    help='text: a table of the points and where the policy is balanced; json: {"policy", "vary", '
    '"points", "balanced"} (What-if in the README).',
)
@jobs_option("")
@click.option(
    "--progress/--no-progress",
    default=None,
    help=f"Show a progress bar on standard error (default: on a terminal, for {PROGRESS_FROM} points or more).",
)
@rulebook_option
@config_option
@organisation_option
def command(
    policy: str,
    specs: tuple[str, ...],
    fmt: str,
    jobs: int | None,
    progress: bool | None,
    rulebook: str | None,
    config: str | None,
    organisation: str | None,
) -> int:
    """Evaluate one POLICY at every value of a range of one of its fields (--vary), or at every
    point of a grid (--vary twice or more), and name the values where it is balanced: both sides
    at least neutral, and lawful.

    Each point is the policy with those values, evaluated alone as evaluate scores it (conflicts
    found, legal guardrails checked, no remedies): employee and customer scores, the verdict,
    lawful or unlawful with the codes of the legal findings, and the day's service level when an
    organisation file gives the queues. A value the policy cannot take is reported in its row as
    invalid; when every value is, the command exits 2.

    \b
    Example: policyweigh what-if policies/calls/aht-cap-5-minutes-bonus-gate.yaml --vary rules[0].max_minutes=4..20
    """
    try:
        sweep = make_sweep(specs)
    except SweepError as err:
        raise _bad_vary(str(err)) from None
    subject = open_subject(policy, rulebook=rulebook, config=config, organisation=organisation)
    tell_warnings(subject.warnings)
    try:
        check_fields(sweep, subject.policy)
    except SweepError as err:
        raise _bad_vary(str(err)) from None
    shown = progress if progress is not None else (sys.stderr.isatty() and sweep.size >= PROGRESS_FROM)
    label = f"Evaluating {sweep.size:,} points of {subject.policy.id}"
    with _progress(sweep.size, label, bool(shown)) as step:
        run = run_sweep(subject, sweep, jobs=jobs if jobs is not None else available_cores(), progress=step)
    for note in run.notes:
        click.echo(note, err=True)
    invalid = [p for p in run.points if p.error is not None]
    if len(invalid) == len(run.points):
        first = invalid[0]
        values = ", ".join(
            f"{axis.field}={show_value(v)}" for axis, v in zip(sweep.axes, first.values, strict=True)
        )
        raise _bad_vary(f"no point of the sweep is valid for the policy; at {values}: {first.error}")
    if fmt == "json":
        click.echo(json_document(json.dumps(sweep_document(run), indent=2)))
    else:
        render_sweep(make_console(), run)
    return EXIT_OK
