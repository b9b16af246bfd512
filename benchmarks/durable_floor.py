"""Batch evaluation against the raw durable-rules floor, measured in the same run; asserts nothing.

The floor is durable-rules alone on the engine's own work: the bundled
rulebook's impact rules, compiled by ``policyweigh.rete`` exactly as the engine
compiles them but with do-nothing actions, given the very messages the batch
asserts (the same facts, keys, ids and sessions) and run by durable-rules' own
action loop. Nothing is recorded and nothing derived, so no evaluation through
durable-rules can be cheaper. The batch is ``orchestration.evaluate(policies,
conflicts=False)``: scores with every contribution and its explanation.

Both are timed in CPU seconds of this process (``time.process_time``), taking
turns, and the median of the repeats is reported, so other work on the machine
moves them alike. The budget (DESIGN.md) is a ratio of at least 0.7.

    python benchmarks/durable_floor.py              # 20,000 policies, 3 turns each
    python benchmarks/durable_floor.py -n 5000 --repeats 5 --json
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from policyweigh.config import Settings  # noqa: E402
from policyweigh.loading import load_library  # noqa: E402
from policyweigh.orchestration import evaluate  # noqa: E402
from policyweigh.policy import Policy  # noqa: E402
from policyweigh.rete import compiled  # noqa: E402
from policyweigh.rulebook import default_rulebook  # noqa: E402

SETTINGS = Settings()
BUDGET = 0.7


def library_copies(n: int) -> list[Policy]:
    """``n`` policies: the bundled library repeated, with ids made unique (as ``bench.py`` makes them)."""
    base = load_library([ROOT / "policies"]).models
    return [
        base[i % len(base)].model_copy(update={"id": f"{base[i % len(base)].id}-{i:05d}"}) for i in range(n)
    ]


def measure(n: int, repeats: int = 3) -> dict[str, float]:
    """Policies per CPU second of the batch and of the durable-rules floor over ``n`` policies, and their ratio.

    Returns ``{"batch_per_second", "durable_floor_per_second", "ratio"}``, each the
    median over ``repeats`` turns of each.
    """
    policies = library_copies(n)
    book = default_rulebook()
    evaluate(policies[:50], rulebook=book, settings=SETTINGS, conflicts=False)  # compile and warm up
    run = evaluate(policies, rulebook=book, settings=SETTINGS, conflicts=False)
    facts = [fact for trace in run.traces.values() for fact in trace.facts]
    del run
    engine = compiled(book)
    batches = engine.idle_batches(facts)
    engine.run_idle(batches[:1])  # register and warm up the idle ruleset
    batch_times: list[float] = []
    floor_times: list[float] = []
    for _ in range(max(1, repeats)):
        start = time.process_time()
        evaluate(policies, rulebook=book, settings=SETTINGS, conflicts=False)
        batch_times.append(time.process_time() - start)
        start = time.process_time()
        engine.run_idle(batches)
        floor_times.append(time.process_time() - start)
    batch = n / statistics.median(batch_times)
    floor = n / statistics.median(floor_times)
    return {"batch_per_second": batch, "durable_floor_per_second": floor, "ratio": batch / floor}


def main() -> None:
    """Print the batch and floor figures (or ``--json``)."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", type=int, default=20_000, help="policies in the batch (the library repeated)")
    parser.add_argument(
        "--repeats", type=int, default=3, help="turns of each measurement; the median is kept"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = parser.parse_args()
    figures = measure(args.n, args.repeats)
    if args.json:
        print(json.dumps(figures))
        return
    print(
        f"batch evaluation with explanations: {figures['batch_per_second']:,.0f} policies/s (CPU)\n"
        f"durable-rules floor, same rules and facts, do-nothing actions: "
        f"{figures['durable_floor_per_second']:,.0f} policies/s (CPU)\n"
        f"ratio {figures['ratio']:.2f}  [budget >= {BUDGET}] over {args.n:,} policies, "
        f"median of {args.repeats}"
    )


if __name__ == "__main__":
    main()
