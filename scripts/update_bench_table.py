"""Rewrite the benchmark table in README.md from ``benchmarks/history.jsonl``.

Only the text between ``<!-- bench:start -->`` and ``<!-- bench:end -->``
changes; tests/test_bench_table.py fails until the README matches the history.
Record a run first with ``python benchmarks/bench.py --record``.

Usage: python scripts/update_bench_table.py [README.md]
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "benchmarks")]  # the shared helper and the table renderer

from readme_block import run  # noqa: E402
from table import END, START, read_history, render  # noqa: E402

from policyweigh.formatting import replace_marked  # noqa: E402

if __name__ == "__main__":
    sys.exit(run(sys.argv[1:], lambda text: replace_marked(text, START, END, render(read_history()))))
