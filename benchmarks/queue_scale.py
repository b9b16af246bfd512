"""How far one machine goes with the organisation model: intervals x teams x sweep points.

Run on demand (not part of the test suite, so timing never flakes a build):

    python benchmarks/queue_scale.py              # 1, 10 and 50 teams; a what-if sweep over 10 teams
    python benchmarks/queue_scale.py --json

Each team is a day of 96 quarter-hour intervals (24 hours) with six shift patterns and about 120
people, calls peaking at midday (each team a little busier than the last); the policy is a staggered lunch with a two-hour ban at the peak
for every team, so each team's day is computed twice (today and under the policy) and the cost of
decency searches rotas twice more. Times are wall-clock medians on this machine; the process-wide
caches of the queue model are cleared before every measurement, so each one starts cold.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from policyweigh import queue_effects, rota  # noqa: E402
from policyweigh.organisation import load_organisation_text  # noqa: E402
from policyweigh.policy import Policy  # noqa: E402
from policyweigh.whatif import available_cores, make_sweep, open_subject, run_sweep  # noqa: E402

SHIFTS = [("s0", "06:00", 8, 14), ("s1", "07:00", 8, 22), ("s2", "08:00", 8, 26),
          ("s3", "10:00", 8, 26), ("s4", "12:00", 8, 18), ("s5", "14:00", 8, 14)]  # fmt: skip


def organisation_yaml(teams: int) -> str:
    """An organisation of ``teams`` teams on a 15-minute grid, 96 intervals each, alike but for their calls."""
    lines = ["title: Scale test", "interval_minutes: 15", "teams:"]
    for t in range(teams):
        lines += [
            f"  - id: team-{t}",
            f"    name: Team {t}",
            "    target: {answered_pct: 80, within_seconds: 20}",
            "    shrinkage_pct: 12",
            "    patience_seconds: 120",
            "    breaks: {lunch_minutes: 30, scheduling: staggered}",
            "    shifts:",
        ]
        lines += [f'      - {{name: {n}, start: "{s}", hours: {h}, people: {p}}}' for n, s, h, p in SHIFTS]
        lines.append("    workload:")
        for i in range(96):
            minute = i * 15
            # Each team a little busier than the one before, so no two share a remembered queue.
            calls = round((10 + 95 * math.exp(-(((minute - 720) / 240) ** 2))) * (1 + t / 97), 1)
            lines.append(
                f'      - {{start: "{minute // 60:02d}:{minute % 60:02d}", calls: {calls}, aht_seconds: 300}}'
            )
    return "\n".join(lines) + "\n"


def policy_data(teams: int) -> dict[str, Any]:
    """A staggered lunch banned at the midday peak, for every team."""
    return {
        "id": "peak-ban",
        "title": "No lunch at the midday peak",
        "scope": {"teams": [f"team-{t}" for t in range(teams)]},
        "rules": [
            {
                "kind": "break-rule",
                "break": "lunch",
                "min_minutes": 30,
                "scheduling": "staggered",
                "blocked_windows": [{"from": "11:00", "to": "13:00"}],
            }
        ],
    }


def cold() -> None:
    """Forget every remembered queue, rota span and impact, so a measurement starts from nothing."""
    rota._required.cache_clear()
    rota._queue.cache_clear()
    rota._cover.cache_clear()
    queue_effects._MEMO.clear()


def median_time(action: Any, repeats: int) -> float:
    """Median wall time of ``repeats`` cold runs of ``action``."""
    times = []
    for _ in range(repeats):
        cold()
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--points", type=int, default=40, help="points of the what-if sweep")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    figures: dict[str, Any] = {"intervals_per_team": 96, "team_day": {}, "policy": {}}

    one = load_organisation_text(organisation_yaml(1))
    team = one.teams[0]
    plan = queue_effects.baseline(team)
    figures["team_day"]["seconds"] = median_time(lambda: rota.run_day(team, 15, plan), args.repeats)
    for teams in (1, 10, 50):
        organisation = load_organisation_text(organisation_yaml(teams))
        policy = Policy.model_validate(policy_data(teams))
        figures["policy"][str(teams)] = median_time(
            lambda organisation=organisation, policy=policy: queue_effects.assess(policy, organisation),
            args.repeats,
        )

    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        (base / "organisation.yaml").write_text(organisation_yaml(10), encoding="utf-8")
        (base / "policyweigh.toml").write_text('organisation = "organisation.yaml"\n', encoding="utf-8")
        import yaml

        (base / "policy.yaml").write_text(yaml.safe_dump(policy_data(10)), encoding="utf-8")
        subject = open_subject(base / "policy.yaml", config=base / "policyweigh.toml")
        last = 30 + args.points - 1
        sweep = make_sweep([f"rules[0].min_minutes=30..{last}:1"])
        cores = available_cores()
        sweeps: dict[str, float] = {}
        for jobs in sorted({1, cores}):
            cold()
            start = time.perf_counter()
            run_sweep(subject, sweep, jobs=jobs)
            sweeps[str(jobs)] = args.points / (time.perf_counter() - start)
        figures["sweep_points_per_second"] = sweeps
        figures["sweep_teams"] = 10
        figures["cores"] = cores

    if args.json:
        print(json.dumps(figures, indent=2, sort_keys=True))
        return 0
    print(f"one team-day (96 intervals, 6 shift patterns): {figures['team_day']['seconds'] * 1000:.1f} ms")
    for teams, seconds in figures["policy"].items():
        print(
            f"a break policy over {teams:>2} team(s), today and under the policy, with the cost of decency: "
            f"{seconds:.2f} s ({seconds / int(teams) * 1000:.0f} ms a team)"
        )
    for jobs, rate in figures["sweep_points_per_second"].items():
        print(f"what-if over 10 teams, {args.points} points, {jobs} process(es): {rate:.1f} points/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
