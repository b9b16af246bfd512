"""A large batch of policy files evaluated by one process and by a worker process per core.

Prints numbers and asserts nothing. Run on demand (never part of the test suite, so timing never
flakes a build):

    python benchmarks/pool.py                  # 4,000 files, median of 3 runs each
    python benchmarks/pool.py --files 20000 --repeats 1
    python benchmarks/pool.py --json           # {"pool_speedup", "jobs", "files", "seconds_1", "seconds_n"}

The batch is the bundled library copied as files into a temporary folder, each copy a department
of its own (ids made unique, teams renamed after the department), so the conflicts grow with the
number of files as in an organisation whose departments write their own policies. Each run is
``policyweigh evaluate FOLDER --format json --jobs N`` in a fresh process, timed whole (start-up,
loading, scoring, conflicts, remedies and the output), first with ``--jobs 1`` and then with one
job per core, alternating so both see the same load from anything else on the machine. The CPU
time of each run (the command and its worker processes) is printed beside its wall time: on a
machine shared with other work, wall time says what a user waits and CPU time what the pool costs.
``measure(files)`` gives the same figures to another benchmark.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
POLICIES = ROOT / "policies"
CONFIG = ROOT / "policyweigh.toml"


def make_batch(folder: Path, files: int) -> Path:
    """Write ``files`` policy files under ``folder``: the bundled library again and again, one
    department per copy (``-dN`` on every id, the ids it ``replaces`` or stands beside and its teams;
    a policy without teams gets the department's own)."""
    bases = [
        (path.relative_to(POLICIES).parent, yaml.safe_load(path.read_text(encoding="utf-8")))
        for path in sorted(POLICIES.rglob("*.yaml"))
    ]
    for number in range(files):
        where, base = bases[number % len(bases)]
        copy = number // len(bases)
        suffix = f"-d{copy}"
        data: dict[str, Any] = dict(base)
        data["id"] = f"{base['id']}{suffix}"
        for key in ("replaces", "alternative_to"):
            if key in data:
                data[key] = f"{data[key]}{suffix}"
        scope = dict(data.get("scope") or {})
        scope["teams"] = [f"{team}{suffix}" for team in scope.get("teams", [])] or [f"department-{copy}"]
        data["scope"] = scope
        target = folder / f"d{copy:05d}" / where
        target.mkdir(parents=True, exist_ok=True)
        (target / f"{data['id']}.yaml").write_text(
            yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8"
        )
    return folder


def available_cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def run_once(folder: Path, jobs: int) -> tuple[float, float, bytes]:
    """One ``evaluate`` of ``folder`` with ``jobs``: wall seconds, CPU seconds (all its processes), output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "policyweigh.cli", "evaluate", str(folder), "--format", "json"]
        + ["--config", str(CONFIG), "--jobs", str(jobs)],
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"evaluate --jobs {jobs} failed ({done.returncode}): {done.stderr.decode()[:2000]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout


def measure(files: int = 4000, *, jobs: int | None = None, repeats: int = 3) -> dict[str, float]:
    """The pool's speed-up on ``files`` files: median wall seconds with ``--jobs 1`` and with ``jobs``
    (default: every core), and whether both printed the same bytes (``same``: 1.0 or 0.0)."""
    cores = jobs if jobs is not None else available_cores()
    with tempfile.TemporaryDirectory(prefix="policyweigh-pool-") as temporary:
        folder = make_batch(Path(temporary) / "batch", files)
        run_once(folder, 1)  # warm the file cache, so the first timed run reads no disk
        alone: list[tuple[float, float]] = []
        pooled: list[tuple[float, float]] = []
        same = True
        for _ in range(repeats):
            wall, cpu, one = run_once(folder, 1)
            alone.append((wall, cpu))
            wall, cpu, many = run_once(folder, cores)
            pooled.append((wall, cpu))
            same = same and one == many
    seconds_1 = statistics.median(w for w, _ in alone)
    seconds_n = statistics.median(w for w, _ in pooled)
    return {
        "pool_speedup": round(seconds_1 / seconds_n, 3),
        "jobs": float(cores),
        "files": float(files),
        "seconds_1": round(seconds_1, 3),
        "seconds_n": round(seconds_n, 3),
        "cpu_seconds_1": round(statistics.median(c for _, c in alone), 3),
        "cpu_seconds_n": round(statistics.median(c for _, c in pooled), 3),
        "same": 1.0 if same else 0.0,
    }


def main() -> None:
    """Time the batch with one process and with the pool; print the figures."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--files", type=int, default=4000, help="policy files in the batch")
    parser.add_argument("--jobs", type=int, default=None, help="workers of the pool (default: cores)")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each; the median counts")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = parser.parse_args()
    found = measure(args.files, jobs=args.jobs, repeats=args.repeats)
    if args.json:
        keys = ("pool_speedup", "jobs", "files", "seconds_1", "seconds_n")
        print(json.dumps({key: found[key] for key in keys}))
        return
    jobs = int(found["jobs"])
    print(f"Python {sys.version.split()[0]}, {available_cores()} cores available; {args.files:,} files")
    print(f"jobs=1: {found['seconds_1']:.2f} s wall, {found['cpu_seconds_1']:.2f} s CPU")
    print(f"jobs={jobs}: {found['seconds_n']:.2f} s wall, {found['cpu_seconds_n']:.2f} s CPU (all processes)")
    print(f"speed-up: {found['pool_speedup']:.2f}x; same bytes: {'yes' if found['same'] else 'NO'}")


if __name__ == "__main__":
    main()
