"""What-if in one process and with a worker process per core; prints numbers, asserts nothing.

Run on demand (not part of the test suite, so timing never flakes a build):

    python benchmarks/whatif_pool.py               # a grid of 469 points, best of 3 runs each
    python benchmarks/whatif_pool.py --repeats 5 --jobs 4

The sweep is the Berlin break ban with the end of its core-hours window from 10:00 to 15:30 every
5 minutes and the shift from 6 to 9 hours every half hour: every point runs the German guardrails
as well as the impact rules. Each run is timed whole, the pool's start-up included (its workers
set up once, then evaluate chunks of points), and both runs must give the same points.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from policyweigh.whatif import (  # noqa: E402
    Subject,
    Sweep,
    SweepRun,
    available_cores,
    default_start_method,
    make_sweep,
    open_subject,
    run_sweep,
)

POLICY = ROOT / "policies" / "breaks" / "core-hours-break-ban-berlin.yaml"
VARY = ("rules[0].blocked_windows[1].to=10:00..15:30:5", "scope.shift_hours=6..9:0.5")


def timed(subject: Subject, sweep: Sweep, jobs: int, repeats: int) -> tuple[float, SweepRun]:
    """The best wall time of ``repeats`` sweeps with ``jobs`` processes, and the last run."""
    best = float("inf")
    run = None
    for _ in range(repeats):
        start = time.perf_counter()
        run = run_sweep(subject, sweep, jobs=jobs)
        best = min(best, time.perf_counter() - start)
    assert run is not None
    return best, run


def main() -> None:
    """Time one sweep with one process and with a pool."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeats", type=int, default=3, help="runs of each, the best counts")
    parser.add_argument(
        "--jobs", type=int, default=available_cores(), help="workers of the pool (default: cores)"
    )
    args = parser.parse_args()
    subject = open_subject(POLICY, config=ROOT / "policyweigh.toml")
    sweep = make_sweep(VARY)
    run_sweep(subject, sweep, jobs=1)  # warm-up: the rulebook's rules compiled, caches filled
    method = default_start_method()
    print(
        f"Python {sys.version.split()[0]}, {available_cores()} cores available, "
        f"start method {method}; sweep of {sweep.size} points ({' x '.join(VARY)})"
    )
    alone, one = timed(subject, sweep, 1, args.repeats)
    pooled, many = timed(subject, sweep, args.jobs, args.repeats)
    assert many.points == one.points, "the pool gave other points than one process"
    print(f"jobs=1: {alone:.2f} s = {sweep.size / alone:,.0f} points/s")
    print(
        f"jobs={args.jobs} ({many.workers} workers): {pooled:.2f} s = {sweep.size / pooled:,.0f} points/s"
        + (f"  [{'; '.join(many.notes)}]" if many.notes else "")
    )
    print(f"speed-up: {alone / pooled:.2f}x")


if __name__ == "__main__":
    main()
