"""Fuzz the rulebook loader: bytes as one impact-rule file beside the bundled criteria and evidence.

Each input is written as ``impact/fuzz.yaml`` in a rulebook folder that holds
the bundled ``criteria.yaml`` and ``evidence.yaml`` (their ids, weights, sides,
strengths and scoring unchanged, their prose cut short: the loader reads every
file on every input, and parsing the full prose would cost most of the time
of each run), and the folder is loaded with ``policyweigh.rulebook.load_rulebook``.
Bad input must raise ``InputError`` (every problem one printable line
``file:line:column: message``) or ``RulebookError`` (printable lines: a
heading and one line per problem); anything else escaping is a crash.

A rulebook that loads is promised to run: the loader checks it against what
durable-rules compiles and runs. So the first ``MAX_EVALUATED`` distinct valid
rulebooks are compiled and the bundled library is evaluated with each (every
compiled ruleset stays registered in the process, so the number is bounded).

Run (see fuzz/README.md)::

    pip install atheris
    python fuzz/fuzz_rulebook_loader.py -atheris_runs=100000 fuzz/corpus/rulebook
"""

from __future__ import annotations

import atexit
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (  # noqa: E402
    bundled_policies,
    check_message,
    check_problems,
    count,
    fuzz,
    instrumented,
)

with instrumented():
    import yaml

    from policyweigh.config import Settings
    from policyweigh.errors import InputError, RulebookError
    from policyweigh.loading import Library, library_from_policies, load_policy_text
    from policyweigh.project import Project
    from policyweigh.rulebook import DATA_DIR, load_rulebook
    from policyweigh.rulebook.models import ImpactRule

MAX_EVALUATED = 300
"""Distinct valid rulebooks compiled and run per process (each stays registered with durable-rules)."""

_FOLDER = Path(tempfile.mkdtemp(prefix="policyweigh-fuzz-rulebook-"))
# Removed when Python exits normally (the fallback, a replay); libFuzzer ends the process with its
# own exit, which skips this and leaves the folder (three small files) in the temporary directory.
atexit.register(shutil.rmtree, _FOLDER, ignore_errors=True)
_IMPACT = _FOLDER / "impact" / "fuzz.yaml"
_evaluated: set[str] = set()
_library: list[Library] = []


def _prepare() -> None:
    """The rulebook folder (bundled criteria and evidence) and the library the valid rulebooks score."""
    if _library:
        return
    for name in ("criteria.yaml", "evidence.yaml"):
        data = yaml.safe_load((DATA_DIR / name).read_text(encoding="utf-8"))
        (_FOLDER / name).write_text(yaml.safe_dump(_short(data), width=1000), encoding="utf-8")
    _IMPACT.parent.mkdir(exist_ok=True)
    _library.append(library_from_policies(load_policy_text(data, name) for name, data in bundled_policies()))


def _short(data: Any) -> Any:
    """``data`` with every prose text cut to a few words (ids and enumerated values are short already)."""
    if isinstance(data, dict):
        return {key: _short(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_short(item) for item in data]
    if isinstance(data, str) and len(data) > 40:
        return data[:24].rstrip()
    return data


def test_one_input(data: bytes) -> None:
    """Load a rulebook whose only impact file holds ``data``; run a valid one on the bundled library."""
    _prepare()
    _IMPACT.write_bytes(data)
    try:
        book = load_rulebook(_FOLDER)
    except InputError as err:
        check_problems(err.problems, str(_FOLDER))
        return
    except RulebookError as err:
        check_message(err)
        return
    count("valid rulebooks loaded")
    key = book.rules_fingerprint
    if key in _evaluated or len(_evaluated) >= MAX_EVALUATED:
        return
    _evaluated.add(key)
    run = Project(_library[0], Settings(), book).evaluate()
    run.evaluation.model_dump_json(indent=2)
    count("distinct valid rulebooks compiled and run on the library")


def seeds() -> list[tuple[str, bytes]]:
    """Every bundled impact file, one seed each."""
    return [(p.name, p.read_bytes()) for p in sorted((DATA_DIR / "impact").glob("*.yaml"))]


def tokens() -> list[str]:
    """Field names of impact rules and condition operators, for the fuzzer's dictionary."""
    found = {f"{info.alias or name}: " for name, info in ImpactRule.model_fields.items()}
    found |= {f"{op}: " for op in ("eq", "ne", "lt", "le", "gt", "ge", "in", "not_in", "exists")}
    found |= {"contains: ", "not_contains: ", "derived: ", "fires: ", "silent: ", "{", "}"}
    return sorted(found)


def main() -> None:
    """Fuzz from the command line (atheris flags and corpus folders)."""
    _prepare()
    fuzz(sys.argv, test_one_input, seeds(), tokens())


if __name__ == "__main__":
    main()
