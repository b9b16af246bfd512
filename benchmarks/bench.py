"""Benchmarks against the budgets in the README; prints numbers, asserts nothing.

Run on demand (not part of the test suite, so timing never flakes a build):

    python benchmarks/bench.py                 # all but the long soak
    python benchmarks/bench.py --soak 1000000  # one process, a million evaluations

Budgets: `check` on the bundled library under 1 s wall (interpreter start
included); batch evaluation with explanations at least 5,000 policy
evaluations per second on one core; memory flat over 1,000,000 evaluations;
conflict detection near-linear up to 10,000 policies.
"""

from __future__ import annotations

import argparse
import gc
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from policyweigh.config import Settings  # noqa: E402
from policyweigh.conflicts import find_conflicts  # noqa: E402
from policyweigh.loading import load_library  # noqa: E402
from policyweigh.orchestration import evaluate  # noqa: E402
from policyweigh.policy import Policy  # noqa: E402
from policyweigh.rulebook import default_rulebook  # noqa: E402

SETTINGS = Settings()


def rss_mib() -> float:
    """Current resident set size of this process in MiB (peak size where /proc is missing)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def library_copies(n: int, *, departments: bool = False) -> list[Policy]:
    """``n`` policies: the bundled library repeated, with ids made unique.

    With ``departments``, each copy of the library belongs to its own department
    (its teams renamed, or one team named after the department), as in an
    organisation whose departments write their own policies: policies of two
    departments cannot clash, so the number of conflicts grows with N.
    """
    base = load_library([ROOT / "policies"]).models
    out = []
    for i in range(n):
        policy = base[i % len(base)]
        update: dict[str, object] = {"id": f"{policy.id}-{i:05d}"}
        if departments:
            copy = i // len(base)
            teams = [f"{team}-d{copy}" for team in policy.scope.teams] or [f"department-{copy}"]
            update["scope"] = policy.scope.model_copy(update={"teams": teams})
        out.append(policy.model_copy(update=update))
    return out


def bench_check(repeats: int) -> None:
    exe = shutil.which("policyweigh")
    if exe is None:
        print("check: `policyweigh` is not on PATH (install the project first)")
        return
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run([exe, "check", str(ROOT / "policies")], capture_output=True, check=False)
        times.append(time.perf_counter() - start)
    print(
        f"check policies/ (wall, interpreter start included): median {statistics.median(times):.3f} s, "
        f"best {min(times):.3f} s over {repeats} runs  [budget < 1 s]"
    )


def bench_batch(n: int) -> None:
    policies = library_copies(n)
    book = default_rulebook()
    evaluate(policies[:50], rulebook=book, settings=SETTINGS, conflicts=False)  # compile and warm up
    start = time.perf_counter()
    run = evaluate(policies, rulebook=book, settings=SETTINGS, conflicts=False)
    elapsed = time.perf_counter() - start
    contributions = sum(len(p.contributions) for p in run.evaluation.policies)
    print(
        f"batch evaluation with explanations: {n} policies in {elapsed:.2f} s = "
        f"{n / elapsed:,.0f} policies/s ({contributions:,} contributions)  [budget >= 5,000/s]"
    )


def bench_conflicts(sizes: list[int]) -> None:
    book = default_rulebook()
    previous: tuple[int, float] | None = None
    for n in sizes:
        policies = library_copies(n, departments=True)
        run = evaluate(policies, rulebook=book, settings=SETTINGS, conflicts=False)
        start = time.perf_counter()
        found = find_conflicts(run)
        elapsed = time.perf_counter() - start
        ratio = ""
        if previous is not None:
            growth = (elapsed / previous[1]) / (n / previous[0])
            ratio = f"; time grows {growth:.2f}x as fast as N"
        print(
            f"conflict detection, one department per library copy: N={n:>6} in {elapsed:6.2f} s "
            f"({len(found):,} conflicts){ratio}  [budget: near-linear]"
        )
        previous = (n, elapsed)
    n = min(sizes)
    policies = library_copies(n, departments=True)
    start = time.perf_counter()
    run = evaluate(policies, rulebook=book, settings=SETTINGS)
    elapsed = time.perf_counter() - start
    remedies = sum(len(c.remedies) for c in run.evaluation.conflicts)
    print(
        f"full evaluation with conflicts and remedies: N={n} in {elapsed:.2f} s ({remedies:,} remedies scored)"
    )


def bench_soak(n: int) -> None:
    policies = library_copies(20)
    book = default_rulebook()
    for _ in range(100):  # warm-up: caches and allocator pools settle
        evaluate(policies, rulebook=book, settings=SETTINGS, conflicts=False)
    gc.collect()
    start_rss = rss_mib()
    done = 0
    start = time.perf_counter()
    step = max(n // 10, len(policies))
    while done < n:
        for _ in range(step // len(policies)):
            evaluate(policies, rulebook=book, settings=SETTINGS, conflicts=False)
            done += len(policies)
        print(f"  soak: {done:>9,} evaluations, RSS {rss_mib():.1f} MiB")
    elapsed = time.perf_counter() - start
    print(
        f"soak: {done:,} evaluations in {elapsed:.0f} s ({done / elapsed:,.0f}/s); "
        f"RSS {start_rss:.1f} -> {rss_mib():.1f} MiB  [budget: flat]"
    )


def main() -> None:
    """Run the benchmarks chosen on the command line."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--batch", type=int, default=20_000, help="policies in the batch benchmark (0: skip)")
    parser.add_argument("--check-repeats", type=int, default=5, help="runs of `policyweigh check` (0: skip)")
    parser.add_argument(
        "--conflicts",
        type=int,
        nargs="*",
        default=[100, 1_000, 10_000],
        help="library sizes for conflict scaling",
    )
    parser.add_argument("--soak", type=int, default=0, help="evaluations in one process (0: skip)")
    args = parser.parse_args()
    print(f"Python {sys.version.split()[0]}, rulebook {default_rulebook().fingerprint}")
    if args.check_repeats:
        bench_check(args.check_repeats)
    if args.batch:
        bench_batch(args.batch)
    if args.conflicts:
        bench_conflicts(args.conflicts)
    if args.soak:
        bench_soak(args.soak)


if __name__ == "__main__":
    main()
