"""Speed-ups change no byte: a varied corpus of 261 policies evaluates exactly as it did.

The corpus and its stored outputs are made by ``tests/golden/corpus/build.py``
(the bundled library's policies varied inside their bounds); the outputs are
the CLI's JSON for ``evaluate`` (scores, contributions, conflicts, remedies,
queue results) and ``check``. Every change to the hot path (evaluation,
conflicts, remedies, parsing, caching, the process pool) must keep them.
"""

from __future__ import annotations

import difflib
import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

from tests.helpers import ROOT

BUILD = Path(__file__).parent / "golden" / "corpus" / "build.py"


def _build() -> ModuleType:
    spec = importlib.util.spec_from_file_location("corpus_build", BUILD)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


corpus = _build()


def _first_difference(got: bytes, want: bytes) -> str:
    """Where two JSON outputs part: the first policy or conflict that differs, as a short diff."""
    try:
        a, b = json.loads(got), json.loads(want)
    except ValueError:
        return got.decode(errors="replace")[:2000]
    for key in sorted(set(a) | set(b)):
        left, right = a.get(key), b.get(key)
        if left == right:
            continue
        if isinstance(left, list) and isinstance(right, list):
            for i, (x, y) in enumerate(zip(left, right, strict=False)):
                if x != y:
                    diff = difflib.unified_diff(
                        json.dumps(y, indent=1, sort_keys=True).splitlines(),
                        json.dumps(x, indent=1, sort_keys=True).splitlines(),
                        "expected",
                        "got",
                        lineterm="",
                    )
                    return f"{key}[{i}]:\n" + "\n".join(list(diff)[:60])
            return f"{key}: {len(left)} entries, expected {len(right)}"
        return f"{key} differs"
    return "same JSON, different bytes (key order or spacing)"


def test_the_corpus_is_large_and_varied() -> None:
    """The corpus exercises what the hot path does: many policies, conflicts, remedies and queues."""
    data = json.loads(corpus.expected("evaluate.json.gz"))
    assert len(data["policies"]) >= 250
    assert len(data["conflicts"]) >= 300
    assert sum(len(c["remedies"]) for c in data["conflicts"]) >= 500
    assert sum(1 for p in data["policies"] if p.get("queue")) >= 40
    assert len({p["verdict"] for p in data["policies"]}) >= 8
    assert len(list(corpus.POLICIES.glob("*.yaml"))) == len(data["policies"])


@pytest.mark.parametrize("name", sorted(corpus.COMMANDS))
def test_output_is_byte_identical_to_the_stored_one(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, out = corpus.run(corpus.COMMANDS[name])
    assert code in (0, 1)
    want = corpus.expected(name)
    assert out == want, _first_difference(out, want)


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("name", sorted(corpus.COMMANDS))
def test_the_same_bytes_whatever_the_number_of_worker_processes(
    name: str, jobs: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Loaded and scored by one process or by a pool of two, the corpus gives the stored bytes."""
    monkeypatch.chdir(ROOT)
    code, out = corpus.run(corpus.COMMANDS[name], "--jobs", jobs)
    assert code in (0, 1)
    want = corpus.expected(name)
    assert out == want, _first_difference(out, want)
