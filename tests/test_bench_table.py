"""The README's benchmark table is the rendering of the recorded runs, and says when a budget is missed."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

from policyweigh.formatting import extract_marked
from tests.helpers import ROOT


def _table() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_table", ROOT / "benchmarks" / "table.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


table = _table()
KEYS = {"date", "commit", "python", "cores", "budgets"}
RUN: dict[str, Any] = {
    "date": "2026-11-26",
    "commit": "abc1234",
    "python": "3.11.7",
    "cores": 2,
    "check_seconds": 0.9,
    "imports_seconds": 0.1,
    "batch_per_second": 8000.0,
    "durable_floor_per_second": 10000.0,
    "pool_speedup": 1.8,
    "pool_jobs": 2,
    "conflicts_seconds": {"1000": 0.1, "30000": 3.3},
    "peak_rss_mib": {"1000": 80.0, "30000": 400.0},
    "conflicts_growth": 1.1,
    "remedies_100_rules_seconds": 0.05,
}


def test_readme_table_is_the_rendering_of_the_history() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = extract_marked(readme, table.START, table.END)
    assert block == table.render(table.read_history()), (
        "the README's benchmark table is stale: run `python scripts/update_bench_table.py`"
    )


def test_every_recorded_run_has_its_figures_and_budgets() -> None:
    history = table.read_history()
    assert history, "record a run with `python benchmarks/bench.py --record`"
    for run in history:
        assert set(run) >= KEYS, sorted(KEYS - set(run))
        assert run["budgets"] == table.verdicts(run)
    newest = history[-1]
    for key in ("check_seconds", "imports_seconds", "batch_per_second", "durable_floor_per_second"):
        assert key in newest, key
    assert {"conflicts_seconds", "peak_rss_mib", "remedies_100_rules_seconds", "pool_speedup"} <= set(newest)


def test_a_missed_budget_is_shown_as_missed() -> None:
    run = {**RUN, "check_seconds": 0.6}
    run["budgets"] = table.verdicts(run)
    assert run["budgets"]["check_seconds"] is False
    assert run["budgets"]["batch_per_second"] is True
    rows = {row[0]: row for row in table.budget_rows(run)}
    assert rows["`check policies/`, wall time"][-1] == "**missed**"
    assert rows["`check policies/`, wall time"][2].endswith("x6.0")
    assert "1,000: 0.10 s, 80 MiB; 30,000: 3.30 s, 400 MiB" in table.render([run])


def test_a_figure_not_measured_is_said_so() -> None:
    run = {k: v for k, v in RUN.items() if k not in ("pool_speedup", "pool_jobs")}
    run["budgets"] = table.verdicts(run)
    assert run["budgets"]["pool_speedup"] is None
    assert run["budgets"]["soak_rss_growth_mib"] is None
    assert "a large batch of files" not in table.render([run])
    assert table.history_row(run)[5] == "n/a"


def test_one_core_does_not_judge_the_pool() -> None:
    run = {**RUN, "cores": 1, "pool_speedup": 1.0}
    assert table.verdicts(run)["pool_speedup"] is None


def test_update_script_rewrites_only_the_block(tmp_path: Path) -> None:
    import subprocess
    import sys

    readme = tmp_path / "README.md"
    readme.write_text(f"# Title\n\n{table.START}\nSTALE-TABLE\n{table.END}\n\nafter\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "update_bench_table.py"), str(readme)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    text = readme.read_text(encoding="utf-8")
    assert text.startswith("# Title\n\n") and text.endswith(f"{table.END}\n\nafter\n")
    assert "STALE-TABLE" not in text and "Newest run:" in text
    assert json.loads((ROOT / "benchmarks" / "history.jsonl").read_text().splitlines()[-1])["commit"] in text
