"""A corpus of varied policies and its evaluation, to hold every change to the hot path byte-identical.

The policies are the bundled library's, varied deterministically: numbers moved
inside their bounds, choices and switches changed, scopes moved between the
organisation's teams and jurisdictions, ids made unique. Only variants the
policy models accept are kept. The expected outputs are the CLI's own bytes:
``evaluate --format json`` (scores, contributions, conflicts, remedies, queue
results) and ``check --format json`` over the corpus, with the bundled
rulebook and organisation.

Regenerate only when a change of judgement is intended, never for a speed-up:

    python tests/golden/corpus/build.py          # rewrites policies/ and expected/
    python tests/golden/corpus/build.py --check  # compares, changes nothing
"""

from __future__ import annotations

import argparse
import copy
import gzip
import io
import json
import random
import shutil
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
POLICIES = HERE / "policies"
EXPECTED = HERE / "expected"
SCHEMA = ROOT / "engine" / "schemas" / "policy-v1.json"
SEED = 20261126
VARIANTS = 6
TEAMS = ["inbound", "berlin", "hamburg", "sacramento", "customer-service", "support", "sales", "back-office"]
JURISDICTIONS = [None, "uk", "de", "us-ca", "fr"]
#: The two outputs compared, by the command line that makes them (run from the repository root).
COMMANDS: dict[str, list[str]] = {
    "evaluate.json.gz": ["evaluate", "--format", "json"],
    "check.json.gz": ["check", "--format", "json"],
}


def _rule_schemas() -> dict[str, dict[str, Any]]:
    """Each rule kind's JSON Schema properties, by kind."""
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    out: dict[str, dict[str, Any]] = {}
    for definition in schema["$defs"].values():
        kind = definition.get("properties", {}).get("kind", {}).get("const")
        if kind:
            out[kind] = definition["properties"]
    return out


def _options(prop: dict[str, Any]) -> list[dict[str, Any]]:
    return [o for o in prop.get("anyOf", [prop]) if o.get("type") != "null"]


def _vary_value(rng: random.Random, value: Any, prop: dict[str, Any]) -> Any:
    """Another value the field's schema allows, near the given one where it is a number."""
    for option in _options(prop):
        if "enum" in option:
            return rng.choice(option["enum"])
        kind = option.get("type")
        if kind == "boolean":
            return not value if isinstance(value, bool) else rng.choice([True, False])
        if kind in ("integer", "number"):
            low = option.get("minimum", option.get("exclusiveMinimum", 0))
            high = option.get(
                "maximum", max(low + 10, (value or 0) * 3 if isinstance(value, (int, float)) else 100)
            )
            base = (
                value if isinstance(value, (int, float)) and not isinstance(value, bool) else (low + high) / 2
            )
            new = base * rng.choice([0.5, 0.8, 1.25, 1.5, 2.0]) + rng.choice([0, 1, -1])
            new = min(max(new, low), high)
            if "exclusiveMinimum" in option and new <= option["exclusiveMinimum"]:
                new = option["exclusiveMinimum"] + 1
            return int(round(new)) if kind == "integer" else round(new, 2)
    return value


def _variant(rng: random.Random, data: dict[str, Any], schemas: dict[str, dict[str, Any]]) -> dict[str, Any]:
    out = copy.deepcopy(data)
    for rule in out["rules"]:
        props = schemas.get(rule.get("kind", ""), {})
        names = [
            n for n in props if n not in ("kind", "note", "blocked_windows", "topics", "enforcement_steps")
        ]
        for name in rng.sample(names, k=min(len(names), rng.choice([1, 1, 2, 3]))):
            rule[name] = _vary_value(rng, rule.get(name), props[name])
    scope = out.setdefault("scope", {})
    roll = rng.random()
    if roll < 0.4:
        scope["teams"] = sorted(rng.sample(TEAMS, k=rng.choice([1, 1, 2])))
    elif roll < 0.5:
        scope.pop("teams", None)
    if rng.random() < 0.3:
        jurisdiction = rng.choice(JURISDICTIONS)
        if jurisdiction is None:
            out.pop("jurisdiction", None)
        else:
            out["jurisdiction"] = jurisdiction
    if rng.random() < 0.2 and "headcount" in scope:
        scope["headcount"] = max(1, int(scope["headcount"] * rng.choice([0.25, 0.5, 2, 4])))
    for key in ("replaces", "alternative_to", "summary"):
        out.pop(key, None)
    return out


def build_policies() -> int:
    """Write the corpus's policy files (valid ones only); returns how many."""
    from policyweigh.policy import Policy  # the models decide what is valid

    schemas = _rule_schemas()
    rng = random.Random(SEED)
    if POLICIES.exists():
        shutil.rmtree(POLICIES)
    POLICIES.mkdir(parents=True)
    written = 0
    for path in sorted((ROOT / "policies").rglob("*.yaml")):
        base = yaml.safe_load(path.read_text(encoding="utf-8"))
        for n in range(VARIANTS):
            data = _variant(rng, base, schemas)
            data["id"] = f"{base['id']}-v{n}"[:80]
            try:
                Policy.model_validate(data)
            except ValueError:
                continue
            (POLICIES / f"{data['id']}.yaml").write_text(
                yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8"
            )
            written += 1
    # The project's own checks (declared metrics, names) decide too: drop what they reject.
    for _ in range(10):
        code, _out, err = run(COMMANDS["evaluate.json.gz"], stderr=True)
        rejected = {
            line.split(":", 1)[0]
            for line in err.decode().splitlines()
            if line.startswith(str(POLICIES.relative_to(ROOT)))
        }
        if code != 2 or not rejected:
            break
        for name in rejected:
            (ROOT / name).unlink(missing_ok=True)
            written -= 1
    return written


def run(command: list[str], *extra: str, stderr: bool = False) -> Any:
    """One CLI command over the corpus, in this process: its exit code and stdout bytes (and stderr's)."""
    from policyweigh.cli import main

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main([command[0], str(POLICIES.relative_to(ROOT)), *command[1:], *extra])
    if stderr:
        return code, out.getvalue().encode("utf-8"), err.getvalue().encode("utf-8")
    return code, out.getvalue().encode("utf-8")


def expected(name: str) -> bytes:
    """The stored output of one command."""
    return gzip.decompress((EXPECTED / name).read_bytes())


def main() -> int:
    """Rebuild the corpus and its expected outputs, or compare (``--check``)."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help="compare with the stored outputs; write nothing")
    args = parser.parse_args()
    import os

    os.chdir(ROOT)
    if not args.check:
        EXPECTED.mkdir(exist_ok=True)
        print(f"{build_policies()} policies in {POLICIES.relative_to(ROOT)}")
        EXPECTED.mkdir(exist_ok=True)
    differ = 0
    for name, command in COMMANDS.items():
        code, out = run(command)
        if args.check:
            same = out == expected(name)
            differ += not same
            print(f"{name}: {'same bytes' if same else 'DIFFERS'} (exit {code})")
        else:
            # mtime=0: the same output gives the same file, so regenerating shows no diff.
            (EXPECTED / name).write_bytes(gzip.compress(out, mtime=0))
            print(f"{name}: {len(out):,} bytes, exit {code}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
