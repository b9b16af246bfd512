"""``policyweigh workload``: the queue of every interval of a workload profile (Erlang C, or Erlang A).

The numbers come from ``policyweigh.workload.analyse``; this module only
turns them into a table or a JSON document (the output contract: a list
under ``intervals``, one object per interval).
"""

from __future__ import annotations

import json
from typing import Any

import click
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from policyweigh.cli import EXIT_OK
from policyweigh.cli.options import format_option
from policyweigh.render.escape import json_document
from policyweigh.render.text import cell, make_console, say
from policyweigh.workload import IntervalResult, WorkloadProfile, analyse, load_profile


def interval_json(result: IntervalResult, with_patience: bool) -> dict[str, Any]:
    """One interval as the output contract has it, with a few keys more."""
    q = result.queue
    row: dict[str, Any] = {
        "start": result.interval.start,
        "calls": result.interval.calls,
        "aht_seconds": result.interval.aht_seconds,
        "agents": result.interval.agents,
        "agents_on_phones": result.on_phones,
        "traffic_erlangs": q.traffic_erlangs,
        "occupancy": q.occupancy,
        "wait_probability": q.wait_probability,
        "service_level": q.service_level,
        "asa_seconds": q.asa_seconds,
    }
    if with_patience:
        row["abandon_probability"] = q.abandon_probability
    row.update(
        {
            "stable": q.stable,
            "meets_target": result.meets_target,
            "agents_required": result.required_scheduled,
            "agents_required_on_phones": result.required_on_phones,
        }
    )
    return row


def workload_json(profile: WorkloadProfile, results: list[IntervalResult]) -> dict[str, Any]:
    """The whole document: the profile's settings, then every interval."""
    with_patience = profile.patience_seconds is not None
    return {
        "model": "erlang-a" if with_patience else "erlang-c",
        "interval_minutes": profile.interval_minutes,
        "target": {
            "answered_pct": profile.target.answered_pct,
            "within_seconds": profile.target.within_seconds,
        },
        "shrinkage_pct": profile.shrinkage_pct,
        "patience_seconds": profile.patience_seconds,
        "intervals": [interval_json(r, with_patience) for r in results],
    }


def _plain(value: float | None) -> str:
    """5 not 5.0; 99.5 as written."""
    return "-" if value is None else f"{value:g}"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f}%"


def _seconds(value: float | None) -> str:
    return "never" if value is None else f"{value:.1f}s"


def render_workload(console: Console, profile: WorkloadProfile, results: list[IntervalResult]) -> None:
    """A table of every interval, the ones that miss the target marked, and the assumptions under it."""
    target = profile.target
    goal = f"{_plain(target.answered_pct)}% within {target.within_seconds}s"
    with_patience = profile.patience_seconds is not None
    if profile.title:
        console.print(cell(profile.title, "bold"))
    table = Table(
        title=f"Target: {goal}. MISS marks an interval below it.",
        box=box.ROUNDED if console.color_system else box.ASCII,
        title_justify="left",
        padding=(0, 1),
    )
    # Short headers keep the table within a 100-column terminal; the legend below spells them out.
    for name in ("start", "calls", "AHT", "agents", "on", "Erl", "occ", "wait"):
        table.add_column(name, justify="left" if name == "start" else "right")
    if with_patience:
        table.add_column("aband", justify="right")
    for name in ("SL", "ASA", "need", ""):
        table.add_column(name, justify="right" if name else "left")
    for r in results:
        q = r.queue
        style = "" if r.meets_target else "bold red"
        row = [
            cell(r.interval.start),
            cell(_plain(r.interval.calls)),
            cell(_plain(r.interval.aht_seconds)),
            cell(r.interval.agents),
            cell(r.on_phones),
            cell(f"{q.traffic_erlangs:.1f}"),
            cell(_pct(q.occupancy)),
            cell(_pct(q.wait_probability)),
        ]
        if with_patience:
            row.append(cell(_pct(q.abandon_probability)))
        row += [cell(_pct(q.service_level), style), cell(_seconds(q.asa_seconds)), cell(r.required_scheduled)]
        row.append(cell("" if r.meets_target else "MISS", style))
        table.add_row(*row)
    console.print(table)
    missed = [r for r in results if not r.meets_target]
    unstable = [r.interval.start for r in results if not r.queue.stable]
    summary = f"{len(missed)} of {len(results)} intervals miss the target"
    if missed:
        shortfall = sum(max(0, r.required_scheduled - r.interval.agents) for r in missed)
        summary += (
            f"; meeting it takes {shortfall} more scheduled agents in all, counted interval by interval"
        )
    console.print(Text(summary, style="bold" if missed else ""))
    if unstable:
        say(
            console,
            f"Unstable (no more agents on the phones than Erlangs of traffic: the queue grows without end, "
            f"no call is answered in time): {', '.join(unstable)}",
            style="bold red",
        )
    model = (
        f"Erlang A (callers hang up after {_plain(profile.patience_seconds)}s on average)"
        if with_patience
        else "Erlang C (callers wait as long as it takes)"
    )
    legend = (
        f"{model}; Poisson arrivals, exponential handle times"
        + (" and patience" if with_patience else "")
        + ". "
        "AHT: average handle time in seconds; agents: scheduled; "
        f"on: on the phones, agents x (1 - {_plain(profile.shrinkage_pct)}% shrinkage) rounded down; "
        "Erl: traffic in Erlangs; occ: occupancy; wait: share of calls that wait; "
        + ("aband: share of calls that hang up; " if with_patience else "")
        + "SL: share of offered calls answered within the target time; ASA: mean wait of answered calls; "
        "need: the fewest scheduled agents that meet the target after shrinkage."
    )
    say(console, legend, style="dim")


@click.command("workload")
@click.argument("profile", type=click.Path(dir_okay=False, path_type=str), metavar="PROFILE")
@format_option(
    "text",
    "json",
    help='text: a table with the intervals that miss the target marked; json: {"intervals": [...]}, '
    "one object per interval (the output contract in the README).",
)
def command(profile: str, fmt: str) -> int:
    """Show the queue of every interval of a workload PROFILE: traffic, occupancy, wait probability,
    service level, average speed of answer, abandonment when the profile gives a patience, and the
    agents needed to meet the target.

    PROFILE is a YAML file with interval_minutes, target {answered_pct, within_seconds},
    shrinkage_pct, an optional patience_seconds and intervals of {start, calls, aht_seconds,
    agents}. The queue is Erlang C, or Erlang A when patience_seconds is given; agents on the phones
    are the scheduled agents less shrinkage, rounded down. A file with problems is reported problem
    by problem (FILE:LINE:COLUMN: PATH: MESSAGE) and exits 2.

    Example: policyweigh workload examples/workload/pie-van-inbound.yaml --format json
    """
    loaded = load_profile(profile)
    results = analyse(loaded)
    if fmt == "json":
        click.echo(json_document(json.dumps(workload_json(loaded, results), indent=2)))
    else:
        render_workload(make_console(), loaded, results)
    return EXIT_OK
