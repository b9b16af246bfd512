"""Conflict detection at scale, and remedies on a large policy; prints numbers, asserts nothing.

    python benchmarks/conflicts_scale.py                      # 1,000, 10,000 and 30,000 policies
    python benchmarks/conflicts_scale.py --sizes 1000 10000   # other sizes
    python benchmarks/conflicts_scale.py --json               # one JSON object

Budgets: conflict detection across N policies grows near-linearly up to 30,000
policies; a 100-rule policy with conflicts and remedies takes under 0.1 s.

Each size runs in a fresh interpreter, so its peak resident memory is its own
(a high-water mark never goes down within a process). The libraries are the
bundled one repeated, one department per copy (``corpus.library_copies``):
policies of two departments cannot clash, so conflicts grow with N. Seconds
are CPU seconds of detection alone (``find_conflicts`` on a scored run), the
measure least disturbed by other work on the machine; peak RSS covers the
whole run (loading, scoring and detection).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import hundred_rule_policy, library_copies, peak_rss_mib  # noqa: E402

from policyweigh.config import Settings  # noqa: E402
from policyweigh.conflicts import find_conflicts  # noqa: E402
from policyweigh.orchestration import evaluate  # noqa: E402
from policyweigh.remedies import RemedyBudget  # noqa: E402
from policyweigh.rulebook import default_rulebook  # noqa: E402

__all__ = ["conflicts", "conflicts_at", "main", "remedies_100_rules"]

SIZES = (1_000, 10_000, 30_000)


def conflicts_at(n: int) -> dict[str, float]:
    """Conflict detection over ``n`` policies in this process: CPU seconds, conflicts found, peak RSS."""
    book = default_rulebook()
    settings = Settings()
    run = evaluate(library_copies(n, departments=True), rulebook=book, settings=settings, conflicts=False)
    start = time.process_time()
    found = find_conflicts(run)
    seconds = time.process_time() - start
    return {"seconds": seconds, "conflicts": len(found), "peak_rss_mib": peak_rss_mib()}


def conflicts(sizes: list[int] | tuple[int, ...] = SIZES) -> dict[str, dict[str, float]]:
    """Conflict detection at each size, each in a fresh interpreter.

    Returns ``{"conflicts_seconds": {size: s}, "peak_rss_mib": {size: MiB}, "conflicts": {size: n},
    "growth": {size: ratio}}``, the growth being how much faster than N the time grew from the
    size before (1.0 is linear).
    """
    out: dict[str, dict[str, float]] = {"conflicts_seconds": {}, "peak_rss_mib": {}, "conflicts": {}}
    growth: dict[str, float] = {}
    previous: tuple[int, float] | None = None
    for n in sizes:
        answer = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--one", str(n)],
            capture_output=True,
            text=True,
            check=True,
        )
        measured = json.loads(answer.stdout.strip().splitlines()[-1])
        key = str(n)
        out["conflicts_seconds"][key] = round(measured["seconds"], 3)
        out["peak_rss_mib"][key] = round(measured["peak_rss_mib"], 1)
        out["conflicts"][key] = measured["conflicts"]
        if previous is not None and previous[1] > 0:
            growth[key] = round((measured["seconds"] / previous[1]) / (n / previous[0]), 2)
        previous = (n, measured["seconds"])
    out["growth"] = growth
    return out


def remedies_100_rules(repeats: int = 5) -> float:
    """CPU seconds of one evaluation of a 100-rule policy with conflicts and remedies (median)."""
    book = default_rulebook()
    settings = Settings()
    policy = hundred_rule_policy()
    evaluate([policy], rulebook=book, settings=settings)  # compile the rulebook, fill caches
    times = []
    for _ in range(repeats):
        start = time.process_time()
        evaluate([policy], rulebook=book, settings=settings, budget=RemedyBudget())
        times.append(time.process_time() - start)
    return statistics.median(times)


def _remedies_detail() -> str:
    book = default_rulebook()
    settings = Settings()
    policy = hundred_rule_policy()
    budget = RemedyBudget()
    run = evaluate([policy], rulebook=book, settings=settings, budget=budget)
    plain = evaluate([policy], rulebook=book, settings=settings, remedies=False)
    start = time.process_time()
    evaluate([policy], rulebook=book, settings=settings, remedies=False)
    without = time.process_time() - start
    found = run.evaluation.conflicts
    return (
        f"{len(policy.rules)} rules, {len(plain.evaluation.conflicts)} conflicts, "
        f"{sum(len(c.remedies) for c in found)} remedies from {budget.evaluations} patches; "
        f"without remedies {without:.3f} s"
    )


def main() -> None:
    """Run the measurements chosen on the command line and print them."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="*", default=list(SIZES), help="library sizes")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(conflicts_at(args.one)))
        return
    scale = conflicts(args.sizes)
    remedies = remedies_100_rules()
    if args.json:
        print(
            json.dumps(
                {
                    "conflicts_seconds": scale["conflicts_seconds"],
                    "peak_rss_mib": scale["peak_rss_mib"],
                    "remedies_100_rules_seconds": round(remedies, 4),
                }
            )
        )
        return
    for n in args.sizes:
        key = str(n)
        growth = scale["growth"].get(key)
        ratio = f"; time grows {growth:.2f}x as fast as N" if growth is not None else ""
        per = scale["peak_rss_mib"][key] * 1024 / n
        print(
            f"conflict detection, one department per library copy: N={n:>6} in "
            f"{scale['conflicts_seconds'][key]:6.2f} s CPU ({int(scale['conflicts'][key]):,} conflicts), "
            f"peak RSS {scale['peak_rss_mib'][key]:.0f} MiB ({per:.1f} KiB per policy){ratio}  "
            "[budget: near-linear]"
        )
    print(
        f"100-rule policy with conflicts and remedies: {remedies:.3f} s CPU "
        f"({_remedies_detail()})  [budget < 0.1 s]"
    )


if __name__ == "__main__":
    main()
