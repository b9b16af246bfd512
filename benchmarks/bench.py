"""The budgets of DESIGN.md, measured in one run; prints numbers, asserts nothing.

Run on demand (never part of the test suite, so timing never flakes a build):

    python benchmarks/bench.py                    # every figure but the long soak
    python benchmarks/bench.py --soak 1000000     # and one process doing a million evaluations
    python benchmarks/bench.py --json             # the same figures as one JSON object
    python benchmarks/bench.py --record           # and add them to benchmarks/history.jsonl

Every ratio is taken against a reference measured in the same run on the same
machine, so a busy machine moves both sides: ``check`` against
``python -c "import pydantic, click, yaml"``; batch evaluation against raw
durable-rules firing the same rules on the same facts with do-nothing actions;
the process pool against one process on the same files.
``python scripts/update_bench_table.py`` turns the history into the README's table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

from corpus import library_copies, rss_mib  # noqa: E402
from table import HISTORY, verdicts  # noqa: E402

from policyweigh.config import Settings  # noqa: E402
from policyweigh.orchestration import evaluate  # noqa: E402
from policyweigh.rulebook import default_rulebook  # noqa: E402

IMPORT_LINE = "import pydantic, click, yaml"


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def _wall(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, capture_output=True, check=False, cwd=ROOT)
    return time.perf_counter() - start


def measure_check(repeats: int) -> dict[str, float]:
    """Median wall time of ``check policies/`` and of the import line, runs interleaved."""
    exe = shutil.which("policyweigh") or str(Path(sys.executable).with_name("policyweigh"))
    imports, checks = [], []
    _wall([exe, "check", "policies"])  # a first run fills caches a user's second run would find
    for _ in range(repeats):
        imports.append(_wall([sys.executable, "-c", IMPORT_LINE]))
        checks.append(_wall([exe, "check", "policies"]))
    return {"imports_seconds": statistics.median(imports), "check_seconds": statistics.median(checks)}


def measure_soak(n: int, log: Callable[[str], None]) -> dict[str, float]:
    """One process, ``n`` evaluations of 20 policies at a time, RSS sampled ten times."""
    settings, book = Settings(), default_rulebook()
    policies = library_copies(20)
    for _ in range(100):  # warm-up: caches and allocator pools settle
        evaluate(policies, rulebook=book, settings=settings, conflicts=False)
    gc.collect()
    start_rss = rss_mib()
    done, start = 0, time.perf_counter()
    step = max(n // 10, len(policies))
    while done < n:
        for _ in range(step // len(policies)):
            evaluate(policies, rulebook=book, settings=settings, conflicts=False)
            done += len(policies)
        log(f"  soak: {done:>9,} evaluations, RSS {rss_mib():.1f} MiB")
    end_rss = rss_mib()
    return {
        "soak_evaluations": done,
        "soak_per_second": done / (time.perf_counter() - start),
        "soak_rss_start_mib": start_rss,
        "soak_rss_end_mib": end_rss,
        "soak_rss_growth_mib": end_rss - start_rss,
    }


def _commit() -> str:
    """The commit of the code measured: the checkout the installed package comes from."""
    import policyweigh

    where = Path(policyweigh.__file__).resolve().parent
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=where)
    return done.stdout.strip() or "unknown"


def main() -> int:
    """Measure what the options ask for; print the figures (text or JSON); record them if asked."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--check-repeats", type=int, default=7, help="runs of `check` and the import line (0: skip)"
    )
    parser.add_argument("--batch", type=int, default=20_000, help="policies in the batch benchmark (0: skip)")
    parser.add_argument("--pool-files", type=int, default=4_000, help="files for the pool speed-up (0: skip)")
    parser.add_argument(
        "--conflicts",
        type=int,
        nargs="*",
        default=[1_000, 10_000, 30_000],
        help="library sizes for conflicts",
    )
    parser.add_argument("--no-remedies", action="store_true", help="skip the 100-rule policy with remedies")
    parser.add_argument("--soak", type=int, default=0, help="evaluations in one process (0: skip)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    parser.add_argument("--record", action="store_true", help=f"append the figures to {HISTORY.name}")
    parser.add_argument("--note", default="", help="a few words on the run, kept with it in the history")
    args = parser.parse_args()
    log = (lambda _line: None) if args.json else print
    book = default_rulebook()
    figures: dict[str, Any] = {
        "date": dt.date.today().isoformat(),
        "commit": _commit(),
        "python": sys.version.split()[0],
        "cores": _cores(),
        "rulebook": book.fingerprint,
    }
    if args.note:
        figures["note"] = args.note
    log(
        f"Python {figures['python']}, {figures['cores']} cores, commit {figures['commit']}, rulebook {book.fingerprint}"
    )
    if args.check_repeats:
        figures.update(measure_check(args.check_repeats))
        log(
            f"check policies/: {figures['check_seconds']:.3f} s median wall; the import line "
            f"{figures['imports_seconds']:.3f} s; ratio {figures['check_seconds'] / figures['imports_seconds']:.1f}x"
            "  [budget <= 5x]"
        )
    if args.batch:
        import durable_floor  # each part imported when measured: a figure left out needs none of its code

        batch = durable_floor.measure(args.batch)
        figures["batch_per_second"] = batch["batch_per_second"]
        figures["durable_floor_per_second"] = batch["durable_floor_per_second"]
        log(
            f"batch evaluation with explanations: {batch['batch_per_second']:,.0f} policies/s; raw durable-rules "
            f"floor {batch['durable_floor_per_second']:,.0f}/s; ratio {batch['ratio']:.2f}  [budget >= 0.7]"
        )
    if args.pool_files:
        import pool

        sped = pool.measure(args.pool_files)
        figures["pool_speedup"] = sped["pool_speedup"]
        figures["pool_jobs"] = sped["jobs"]
        log(
            f"process pool, {args.pool_files:,} files: {sped['seconds_1']:.2f} s on 1 process, "
            f"{sped['seconds_n']:.2f} s on {sped['jobs']:.0f}: x{sped['pool_speedup']:.2f}  [budget >= 1.7 on 2 cores]"
        )
    if args.conflicts or not args.no_remedies:
        import conflicts_scale
    if args.conflicts:
        scale = conflicts_scale.conflicts(sorted(args.conflicts))
        figures["conflicts_seconds"] = scale["conflicts_seconds"]
        figures["peak_rss_mib"] = scale["peak_rss_mib"]
        sizes = sorted(scale["conflicts_seconds"], key=int)
        for size in sizes:
            log(
                f"conflict detection, N={int(size):>6,}: {scale['conflicts_seconds'][size]:6.2f} s, "
                f"peak RSS {scale['peak_rss_mib'][size]:,.0f} MiB"
            )
        if len(sizes) >= 2:
            first, last = sizes[0], sizes[-1]
            per_first = scale["conflicts_seconds"][first] / int(first)
            per_last = scale["conflicts_seconds"][last] / int(last)
            figures["conflicts_growth"] = per_last / per_first
            log(
                f"  time per policy grows {figures['conflicts_growth']:.2f}x from N={first} to N={last}  [near-linear]"
            )
    if not args.no_remedies:
        figures["remedies_100_rules_seconds"] = conflicts_scale.remedies_100_rules()
        log(
            f"a 100-rule policy with conflicts and remedies: {figures['remedies_100_rules_seconds']:.3f} s  [< 0.1 s]"
        )
    if args.soak:
        figures.update(measure_soak(args.soak, log))
        log(
            f"soak: {figures['soak_evaluations']:,} evaluations ({figures['soak_per_second']:,.0f}/s); RSS "
            f"{figures['soak_rss_start_mib']:.1f} -> {figures['soak_rss_end_mib']:.1f} MiB  [flat]"
        )
    figures["budgets"] = verdicts(figures)
    if args.json:
        print(json.dumps(figures, indent=1, sort_keys=True))
    else:
        missed = [k for k, held in figures["budgets"].items() if held is False]
        print("budgets missed: " + (", ".join(missed) if missed else "none"))
    if args.record:
        with HISTORY.open("a", encoding="utf-8") as out:
            out.write(json.dumps(figures, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
