"""What the fuzz harnesses share: seeding a corpus, checking messages, and running without atheris.

Nothing here imports the engine: a harness imports it inside
``instrumented()``, so atheris instruments the engine and the YAML parser for
coverage feedback. Without atheris (a Python it has no wheel for) ``fuzz``
drives the same target with bytes from hypothesis, seeded by the same corpus,
so every harness stays runnable everywhere.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

ROOT = Path(__file__).resolve().parent.parent
POLICIES = ROOT / "policies"

try:  # atheris is a tool of its own, not a dependency of the project
    import atheris
except ImportError:  # pragma: no cover - depends on the machine
    atheris = None

MAX_MESSAGE = 2000
"""Longest problem line accepted: messages quote what a file holds cut short."""

_LOCATED = re.compile(r"^(?P<file>.+?):(?P<line>[1-9][0-9]*):(?P<column>[1-9][0-9]*): \S")


class _Problem(Protocol):
    file: str
    line: int
    column: int


@contextlib.contextmanager
def instrumented() -> Iterator[None]:
    """Instrument the engine and the YAML parser imported inside the block (when atheris is present)."""
    if atheris is None:
        yield
        return
    with atheris.instrument_imports(include=["engine", "yaml"]):
        yield


_counts: dict[str, int] = {}


def count(what: str) -> None:
    """Count an outcome; say so on standard error at 1, 10, 100... and every 1,000 (libFuzzer's exit skips atexit)."""
    total = _counts[what] = _counts.get(what, 0) + 1
    if total % 1000 == 0 or str(total).strip("0") == "1":
        print(f"policyweigh-fuzz: {total} {what}", file=sys.stderr, flush=True)


def counted(what: str) -> int:
    """How many times ``what`` was counted in this process."""
    return _counts.get(what, 0)


def check_problems(problems: Sequence[_Problem], where: str) -> None:
    """Fail (crash the fuzzer) unless every problem is one printable line located in a file under ``where``.

    This is what the CLI promises for bad input: ``file:line:column: message``,
    one line each, fit for a terminal or a CI log.
    """
    if not problems:
        raise AssertionError("an InputError with no problem in it")
    for problem in problems:
        text = str(problem)
        if not text.isprintable():
            raise AssertionError(f"a message that is not one printable line: {text!r}")
        found = _LOCATED.match(text)
        if found is None or (problem.file, problem.line, problem.column) != (
            found["file"],
            int(found["line"]),
            int(found["column"]),
        ):
            raise AssertionError(f"a message without its file:line:column: {text!r}")
        if not problem.file.startswith(where):
            raise AssertionError(f"a message about {problem.file!r}, not a file read ({where!r}): {text!r}")
        if len(text) > MAX_MESSAGE:
            raise AssertionError(f"a message of {len(text)} characters: {text[:200]!r}...")


def check_message(error: BaseException) -> None:
    """Fail unless an error without located problems prints as printable lines (one, or a heading and a list)."""
    lines = str(error).split("\n")
    if not all(line and line.isprintable() for line in lines):
        raise AssertionError(f"{type(error).__name__} whose message is not printable lines: {str(error)!r}")


def seed(corpus: Path, seeds: Iterable[tuple[str, bytes]]) -> None:
    """Fill ``corpus`` with ``seeds`` when it is missing or empty (a corpus in use is left alone)."""
    corpus.mkdir(parents=True, exist_ok=True)
    if any(corpus.iterdir()):
        return
    for name, data in seeds:
        (corpus / name).write_bytes(data)


def bundled_policies() -> list[tuple[str, bytes]]:
    """Every policy of the bundled library, named by its key (``breaks-pie-van-lunch-ban.yaml``)."""
    found = sorted(POLICIES.rglob("*.yaml"))
    return [(p.relative_to(POLICIES).as_posix().replace("/", "-"), p.read_bytes()) for p in found]


def write_dictionary(tokens: Iterable[str], name: str) -> Path:
    """Write a libFuzzer dictionary of ``tokens`` (field names, values, YAML syntax); return its path.

    The file is ``policyweigh-<name>.dict`` in the temporary directory, replaced
    on every run (never one more file per run), atomically so that parallel jobs
    never read half of it. Tokens are written as UTF-8, non-printable bytes escaped.
    """
    lines = []
    for token in sorted(set(tokens)):
        raw = token.encode("utf-8")
        lines.append(
            '"' + "".join(chr(b) if 32 <= b < 127 and b not in b'"\\' else f"\\x{b:02x}" for b in raw) + '"'
        )
    target = Path(tempfile.gettempdir()) / f"policyweigh-{name}.dict"
    with tempfile.NamedTemporaryFile(
        "w", dir=target.parent, prefix=target.name, delete=False, encoding="ascii"
    ) as handle:
        handle.write("\n".join(lines) + "\n")
    os.replace(handle.name, target)
    return target


YAML_TOKENS = (
    ": ",
    "- ",
    "\n  - ",
    "\n    ",
    "[",
    "]",
    "{",
    "}",
    ", ",
    "&a ",
    "*a",
    "<<: ",
    "? ",
    "!!str ",
    "!!int ",
    "!!float ",
    "!!binary ",
    "!!python/object:os.system ",
    "!custom ",
    "---\n",
    "...\n",
    "'",
    '"',
    "\\u202e",
    "\\x1b",
    "|\n",
    ">-\n",
    "~",
    "null",
    "true",
    "false",
    ".inf",
    "-.inf",
    ".nan",
    "1e308",
    "-0",
    "0.5",
    "10:00",
    "23:59",
    "24:00",
    "# ",
    "\t",
    "\ufeff",
)


def _runs(argv: Sequence[str]) -> int:
    for arg in argv:
        for flag in ("-atheris_runs=", "-runs="):
            if arg.startswith(flag):
                return int(arg[len(flag) :])
    return 10_000


def _corpora(argv: Sequence[str]) -> list[Path]:
    return [Path(arg) for arg in argv[1:] if not arg.startswith("-")]


def fuzz(
    argv: list[str],
    target: Callable[[bytes], None],
    seeds: Iterable[tuple[str, bytes]],
    tokens: Iterable[str] = (),
) -> None:
    """Run ``target`` under atheris (or the hypothesis fallback); seed the first corpus folder first."""
    seeds = list(seeds)
    corpora = _corpora(argv)
    if corpora and not corpora[0].is_file():  # a file named is an input to replay, not a corpus
        seed(corpora[0], seeds)
    if atheris is not None:
        if not any(arg.startswith("-dict=") for arg in argv):
            name = Path(argv[0]).stem
            argv = [*argv, f"-dict={write_dictionary([*YAML_TOKENS, *tokens], name)}"]
        atheris.Setup(argv, target)
        atheris.Fuzz()
        return
    _fallback(_runs(argv), target, corpora, seeds)


def _fallback(
    runs: int, target: Callable[[bytes], None], corpora: list[Path], seeds: list[tuple[str, bytes]]
) -> None:
    """Without atheris: every corpus file, then ``runs`` inputs from hypothesis (random and mutated seeds)."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    inputs = [data for _, data in seeds]
    for named in corpora:
        found = sorted(named.iterdir()) if named.is_dir() else [named]
        inputs.extend(p.read_bytes() for p in found if p.is_file())
    inputs = list(dict.fromkeys(inputs))  # a corpus seeded from the seeds holds them again
    for data in inputs:
        target(data)

    @st.composite
    def mutated(draw: Any) -> bytes:
        data = bytearray(draw(st.sampled_from(inputs)))
        for _ in range(draw(st.integers(1, 8))):
            at = draw(st.integers(0, len(data)))
            action = draw(st.sampled_from(("insert", "delete", "cut")))
            if action == "insert":
                data[at:at] = draw(st.binary(min_size=1, max_size=8))
            elif action == "delete":
                del data[at : at + draw(st.integers(1, 16))]
            else:
                del data[at:]
        return bytes(data)

    @settings(
        max_examples=runs,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.one_of(st.binary(max_size=4096), mutated()))
    def run(data: bytes) -> None:
        target(data)

    print(f"atheris is not installed: running {runs} inputs from hypothesis instead", file=sys.stderr)
    run()
    print(f"done: {len(inputs)} corpus inputs and {runs} generated inputs, no crash", file=sys.stderr)
