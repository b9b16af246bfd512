"""What one edit in the drafting studio costs: the form's data written into the YAML, and the draft
judged inside the bundled library (loaded, checked and evaluated with every other policy, conflicts
and remedies included), as ``/api/draft`` does after each pause in typing.

Run on demand (not part of the test suite, so timing never flakes a build):

    python benchmarks/studio_draft.py            # medians of 15 edits
    python benchmarks/studio_draft.py --json

CPU seconds (``time.process_time``) per step, median and worst of the runs, with the library cache
warm (the studio keeps the library between edits and reloads it only when a file changes).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from policyweigh.project import open_settings  # noqa: E402
from policyweigh.studio.roundtrip import merge_text  # noqa: E402
from policyweigh.studio.workspace import Workspace  # noqa: E402
from policyweigh.templates import policy_template  # noqa: E402
from policyweigh.yamldoc import parse_yaml  # noqa: E402


def _edit(text: str, end: str) -> dict[str, Any]:
    data = parse_yaml(text, "draft").data
    data["jurisdiction"] = "uk"
    data["scope"].update(teams=["inbound"], shift_hours=8, shift_starts=["08:00"])
    data["rules"][0]["blocked_windows"] = [{"from": "10:00", "to": end}]
    return dict(data)


def measure(runs: int) -> dict[str, dict[str, float]]:
    """CPU seconds of each step of one edit, median and worst over ``runs`` edits."""
    workspace = Workspace(ROOT / "policies", open_settings(config=ROOT / "policyweigh.toml"))
    text = policy_template("break-rule", "studio-benchmark")
    workspace.judge(text, "breaks/studio-benchmark.yaml")  # the library loaded once, as in the studio
    steps: dict[str, list[float]] = {"merge": [], "judge": []}
    for run in range(runs):
        end = f"{11 + run % 4:02d}:00"
        start = time.process_time()
        draft = merge_text(text, _edit(text, end))
        steps["merge"].append(time.process_time() - start)
        start = time.process_time()
        judged = workspace.judge(draft, "breaks/studio-benchmark.yaml")
        steps["judge"].append(time.process_time() - start)
        assert not judged.problems, judged.problems
    return {name: {"median": statistics.median(v), "worst": max(v)} for name, v in steps.items()}


def main() -> None:
    """Print the figures as text or JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures = measure(args.runs)
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    for name, values in figures.items():
        print(
            f"{name:6} median {values['median'] * 1000:7.1f} ms CPU   worst {values['worst'] * 1000:7.1f} ms CPU"
        )


if __name__ == "__main__":
    main()
