"""The README's benchmark table, made from the recorded runs in ``history.jsonl``.

Each line of the history is the JSON that ``python benchmarks/bench.py --json``
prints (``--record`` appends it). The newest run gives the table of budgets;
every run gives a line of the history below it, oldest first, so a change of
speed shows as a change between two lines, with the commit that made it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

HISTORY = Path(__file__).resolve().parent / "history.jsonl"
START = "<!-- bench:start -->"
END = "<!-- bench:end -->"
#: The budgets of DESIGN.md, each as (JSON key, test on a run's figures).
BUDGETS: dict[str, Callable[[dict[str, Any]], bool | None]] = {
    "check_seconds": lambda f: f["check_seconds"] <= 5 * f["imports_seconds"],
    "batch_per_second": lambda f: f["batch_per_second"] >= 0.7 * f["durable_floor_per_second"],
    "pool_speedup": lambda f: f["pool_speedup"] >= 1.7 if f["cores"] >= 2 else None,
    # Near-linear: the time per policy at the largest size at most 1.25x that at the smallest.
    "conflicts_growth": lambda f: f["conflicts_growth"] <= 1.25,
    "remedies_100_rules_seconds": lambda f: f["remedies_100_rules_seconds"] < 0.1,
    # Flat: at most 5 MiB more after the soak than after its warm-up.
    "soak_rss_growth_mib": lambda f: f["soak_rss_growth_mib"] <= 5,
}


def verdicts(figures: dict[str, Any]) -> dict[str, bool | None]:
    """Each budget held (True), missed (False) or not measured (None)."""
    out: dict[str, bool | None] = {}
    for key, test in BUDGETS.items():
        try:
            out[key] = test(figures)
        except KeyError:
            out[key] = None
    return out


def read_history(path: Path = HISTORY) -> list[dict[str, Any]]:
    """The recorded runs, oldest first."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _held(run: dict[str, Any], key: str) -> str:
    held = run.get("budgets", {}).get(key)
    return {True: "held", False: "**missed**", None: "not measured"}[held]


def _number(value: float | None, fmt: str, unit: str = "") -> str:
    return "n/a" if value is None else f"{value:{fmt}}{unit}"


def _sizes(run: dict[str, Any]) -> list[str]:
    return sorted(run.get("conflicts_seconds", {}), key=int)


def budget_rows(run: dict[str, Any]) -> list[list[str]]:
    """One row per budget of the newest run: figure, measured, reference, budget, held."""
    rows: list[list[str]] = []
    if "check_seconds" in run:
        ratio = run["check_seconds"] / run["imports_seconds"]
        rows.append(
            [
                "`check policies/`, wall time",
                f"{run['check_seconds']:.2f} s",
                f'`python -c "import pydantic, click, yaml"` {run["imports_seconds"]:.2f} s: x{ratio:.1f}',
                "at most x5",
                _held(run, "check_seconds"),
            ]
        )
    if "batch_per_second" in run:
        ratio = run["batch_per_second"] / run["durable_floor_per_second"]
        rows.append(
            [
                "batch evaluation with explanations, one process",
                f"{run['batch_per_second']:,.0f} policies/s",
                f"raw durable-rules, same rules and facts: {run['durable_floor_per_second']:,.0f}/s: x{ratio:.2f}",
                "at least x0.7",
                _held(run, "batch_per_second"),
            ]
        )
    if "pool_speedup" in run:
        rows.append(
            [
                "a large batch of files on every core",
                f"x{run['pool_speedup']:.2f} on {run.get('pool_jobs', run['cores']):.0f} processes",
                "the same files in one process, same bytes",
                "at least x1.7 on 2 cores",
                _held(run, "pool_speedup"),
            ]
        )
    sizes = _sizes(run)
    if sizes:
        measured = "; ".join(
            f"{int(n):,}: {run['conflicts_seconds'][n]:.2f} s, {run['peak_rss_mib'][n]:,.0f} MiB"
            for n in sizes
        )
        growth = run.get("conflicts_growth")
        rows.append(
            [
                "conflict detection (policies: time, peak memory)",
                measured,
                f"time per policy x{growth:.2f} from the smallest to the largest" if growth else "",
                "near-linear",
                _held(run, "conflicts_growth"),
            ]
        )
    if "remedies_100_rules_seconds" in run:
        rows.append(
            [
                "a 100-rule policy with conflicts and remedies",
                f"{run['remedies_100_rules_seconds']:.3f} s",
                "",
                "under 0.1 s",
                _held(run, "remedies_100_rules_seconds"),
            ]
        )
    if "soak_evaluations" in run:
        rows.append(
            [
                "evaluations in one process",
                f"{run['soak_evaluations']:,}",
                f"RSS {run['soak_rss_start_mib']:.1f} -> {run['soak_rss_end_mib']:.1f} MiB",
                "memory flat",
                _held(run, "soak_rss_growth_mib"),
            ]
        )
    return rows


def history_row(run: dict[str, Any]) -> list[str]:
    """One line of the history: the run's key figures."""
    sizes = _sizes(run)
    largest = sizes[-1] if sizes else None
    check = (
        f"{run['check_seconds']:.2f} s (x{run['check_seconds'] / run['imports_seconds']:.1f})"
        if "check_seconds" in run
        else "n/a"
    )
    batch = (
        f"{run['batch_per_second']:,.0f}/s (x{run['batch_per_second'] / run['durable_floor_per_second']:.2f})"
        if "batch_per_second" in run
        else "n/a"
    )
    return [
        run["date"],
        f"`{run['commit']}`",
        run["python"],
        check,
        batch,
        f"x{run['pool_speedup']:.2f}" if "pool_speedup" in run else "n/a",
        f"{int(largest):,}: {run['conflicts_seconds'][largest]:.1f} s, {run['peak_rss_mib'][largest]:,.0f} MiB"
        if largest
        else "n/a",
        _number(run.get("remedies_100_rules_seconds"), ".3f", " s"),
        run.get("note", ""),
    ]


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out.extend("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows)
    return out


def render(history: list[dict[str, Any]]) -> str:
    """The README block: the newest run against the budgets, then every recorded run."""
    if not history:
        raise ValueError("no recorded run: run `python benchmarks/bench.py --record` first")
    latest = history[-1]
    lines = [
        f"Newest run: {latest['date']}, commit `{latest['commit']}`, Python {latest['python']}, "
        f"{latest['cores']} cores.",
        "",
        *_table(["figure", "measured", "reference, same run", "budget", ""], budget_rows(latest)),
        "",
        "Every recorded run, oldest first (check: wall time and its ratio to the import line; batch: "
        "policies/s and its ratio to the durable-rules floor):",
        "",
        *_table(
            [
                "date",
                "commit",
                "Python",
                "check",
                "batch",
                "pool",
                "conflicts, largest",
                "100-rule remedies",
                "note",
            ],
            [history_row(run) for run in history],
        ),
    ]
    return "\n".join(lines) + "\n"
