"""Start-up of `policyweigh check policies/` against the import line of its dependencies.

Runs, alternately so that other load on the machine falls on both alike,
``python -c "import pydantic, click, yaml"`` and ``python -m policyweigh check
policies/`` (interpreter start included), and prints the median wall time and
the median CPU time (user + system of the child) of each, and their ratio. The
budget is a ratio of at most 5 on wall time. It asserts nothing.

    python benchmarks/startup.py [--repeats 7] [--cold] [--env NAME=VALUE ...]

``--cold`` points the rulebook cache at an empty folder for every run, so each
run reads the rulebook's YAML; by default the first run fills a temporary cache
and the timed runs use it, as every run after the first does on a user's machine.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    """Measure and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--cold", action="store_true", help="an empty rulebook cache for every run")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE")
    args = parser.parse_args()
    env = dict(os.environ)
    for item in args.env:
        name, _, value = item.partition("=")
        env[name] = value
    baseline = [sys.executable, "-c", "import pydantic, click, yaml"]
    check = [sys.executable, "-m", "policyweigh", "check", "policies/"]
    with tempfile.TemporaryDirectory() as scratch:
        if "POLICYWEIGH_CACHE_DIR" not in env:
            env["POLICYWEIGH_CACHE_DIR"] = str(Path(scratch) / "warm")
        _run(check, env)  # warms the page cache, and the rulebook cache unless --cold
        times: dict[str, list[tuple[float, float]]] = {"import line": [], "check policies/": []}
        for number in range(args.repeats):
            if args.cold:
                env["POLICYWEIGH_CACHE_DIR"] = str(Path(scratch) / f"cold-{number}")
            times["import line"].append(_run(baseline, env))
            times["check policies/"].append(_run(check, env))
    print(
        f"Python {sys.version.split()[0]}, median of {args.repeats} runs{' (cold cache)' if args.cold else ''}"
    )
    medians = {}
    for name, runs in times.items():
        wall = statistics.median(w for w, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        medians[name] = (wall, cpu)
        print(f"{name:16} wall {wall:6.3f} s   cpu {cpu:6.3f} s")
    (base_wall, base_cpu), (check_wall, check_cpu) = medians["import line"], medians["check policies/"]
    print(
        f"ratio            wall {check_wall / base_wall:6.2f} x   cpu {check_cpu / base_cpu:6.2f} x  [budget: wall <= 5 x]"
    )


if __name__ == "__main__":
    main()
