"""Property tests: the loader, the evaluation and the CLI on mutated and generated policies.

Four properties, each over many inputs:

1. a bundled policy, mutated (keys deleted, doubled or renamed, values of
   another type or extreme, control characters, long strings, cut short,
   kinds swapped, deeper nesting, anchors and aliases, other line breaks and
   encodings), loads or raises ``InputError``, whose every problem is one
   printable line ``file:line:column: message``;
2. a valid policy, generated from the format's models with every value inside
   its declared range, reads back from YAML as itself, and ``evaluate`` and
   ``check`` run on it with exit 0 (or 1 for a failed gate) and parseable JSON; its judgement
   holds together: each score inside its range, a verdict that names what happened on each side
   (a side inside the margin is neutral), the reach from the scope, not-assessed rules named;
3. evaluation is deterministic: the same library twice, and under other file
   names (so read in another order), gives the same bytes;
4. the CLI never exits 3 (internal error) on a mutated library: validate,
   evaluate, check and explain exit 0, 1 or 2, never print a traceback, and
   never print a control character a policy smuggled in.

Sized for CI (derandomized, so every run tries the same inputs); for a long
run on demand, ``HYPOTHESIS_PROFILE=fuzz python -m pytest tests/test_properties.py``
runs ``FUZZ_FACTOR`` (50, or ``POLICYWEIGH_FUZZ_FACTOR``) times as many random
examples per test, each CLI run in a forked child so a crash of the rule engine
fails one example instead of ending the run.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import os
import re
import select
import signal
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin

import annotated_types
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, StringConstraints
from pydantic.fields import FieldInfo

from policyweigh.cli import main
from policyweigh.config import Settings
from policyweigh.errors import InputError, PolicyweighError
from policyweigh.loading import load_library, load_policy_text
from policyweigh.orchestration import evaluate
from policyweigh.policy import (
    BUNDLED_JURISDICTIONS,
    METRICS,
    RULE_KINDS,
    RULE_MODELS,
    SANCTIONS,
    Adherence,
    Attendance,
    BonusThreshold,
    BreakRule,
    CompensationLink,
    Conduct,
    Contest,
    MetricName,
    MetricTarget,
    Monitoring,
    PlainText,
    Policy,
    ScheduleNotice,
    Scope,
    Script,
    ServiceLevel,
    Staffing,
    Window,
    dump_policy,
    format_minutes,
)
from policyweigh.results import PolicyResult, parse_rule_ref
from policyweigh.rulebook import load_rulebook
from policyweigh.scoring import VERDICT_BY_SIDES, side_state
from policyweigh.yamldoc import MAX_DEPTH, MAX_FILE_BYTES
from tests.helpers import ROOT

SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
BOOK = load_rulebook()

SAFETY_NET = 60
"""Seconds one CLI run may take before it counts as a hang: only against a hang, never a measure of speed."""
MAX_MESSAGE = 1000
"""Longest problem message accepted: messages quote what a file holds cut short."""
FUZZ_FACTOR = int(os.environ.get("POLICYWEIGH_FUZZ_FACTOR", "50"))
"""How many times more examples each test runs under the ``fuzz`` profile."""

settings.register_profile(
    "policyweigh-properties",
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "fuzz",
    deadline=None,
    derandomize=False,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _fuzzing() -> bool:
    return os.environ.get("HYPOTHESIS_PROFILE") == "fuzz" or settings.get_current_profile_name() == "fuzz"


def sized(examples: int) -> settings:
    """Settings for a property: ``examples`` derandomized examples in CI, many random ones when fuzzing."""
    if _fuzzing():
        return settings(settings.get_profile("fuzz"), max_examples=examples * FUZZ_FACTOR)
    return settings(settings.get_profile("policyweigh-properties"), max_examples=examples)


# --------------------------------------------------------------------------- running the CLI

# Characters no output may carry whatever the input held: they move the cursor, rewrite the
# terminal or reorder text (line breaks and tabs excepted: output has lines, summaries keep tabs).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _run_here(args: tuple[str, ...]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


@functools.cache
def _warm_up() -> None:
    """Compile the bundled rulebook in this process, once, so forked children inherit it."""
    _run_here(("evaluate", str(ROOT / "policies" / "breaks"), "--format", "json"))


def run_cli(*args: str) -> tuple[int, str, str]:
    """Run ``policyweigh ARGS``; return the exit code, standard output and error.

    Under the ``fuzz`` profile each run is a forked child of this process (where
    the system can fork): the rule engine is C code, and a crash in it (a
    segfault) then fails one example, which hypothesis shrinks and prints,
    instead of ending a long run. The child starts from this process's state, so
    the bundled rulebook is compiled here once, before the first fork. In CI the
    runs stay in this process: a fork costs ten times the run itself here.
    """
    if not (_fuzzing() and hasattr(os, "fork")):
        return _run_here(args)
    _warm_up()
    return _run_forked(args)


def _run_forked(args: tuple[str, ...]) -> tuple[int, str, str]:
    """Run the CLI in a forked child; a child killed by a signal, or hung, fails the example."""
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: run, report, and leave without any of the parent's exit handlers
        status = 0
        try:
            with os.fdopen(writer, "w", encoding="utf-8") as report:
                json.dump(_run_here(args), report)
        except BaseException:  # whatever escaped main() shows as a missing report below
            status = 70
        os._exit(status)
    os.close(writer)
    with os.fdopen(reader, encoding="utf-8") as report:
        ready, _, _ = select.select([report], [], [], SAFETY_NET)
        if not ready:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            pytest.fail(f"policyweigh {' '.join(args)} did not finish within {SAFETY_NET} s (a hang)")
        text = report.read()
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        name = signal.Signals(os.WTERMSIG(status)).name
        pytest.fail(f"policyweigh {' '.join(args)} killed the process with {name}")
    assert text, f"policyweigh {' '.join(args)} raised past main() (exit status {os.WEXITSTATUS(status)})"
    code, out, err = json.loads(text)
    return int(code), str(out), str(err)


def assert_clean_run(code: int, out: str, err: str, allowed: set[int]) -> None:
    """The exit code is one of ``allowed``, and nothing printed is a traceback or a control character."""
    assert code in allowed, f"exit {code}\nstderr:\n{err}\nstdout:\n{out[:2000]}"
    assert "Traceback" not in err, err
    for stream, text in (("stdout", out), ("stderr", err)):
        found = _CONTROL.search(text)
        assert found is None, (
            f"{stream} holds {found.group()!r}: {text[max(0, found.start() - 80) :][:200]!r}"
        )


@contextlib.contextmanager
def library_folder(files: dict[str, bytes]) -> Iterator[Path]:
    """A temporary library folder holding ``files`` (name to content)."""
    with tempfile.TemporaryDirectory(prefix="policyweigh-props-") as folder:
        root = Path(folder) / "library"
        for name, data in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        yield root


# --------------------------------------------------------------------------- 1. mutated policies

BUNDLED = {
    path.relative_to(ROOT / "policies").as_posix(): path.read_text(encoding="utf-8")
    for path in sorted((ROOT / "policies").rglob("*.yaml"))
}


def _literals(tp: Any) -> set[str]:
    """Every string of every ``Literal`` inside a type annotation."""
    if get_origin(tp) is Literal:
        return {a for a in get_args(tp) if isinstance(a, str)}
    return {value for arg in get_args(tp) for value in _literals(arg)}


FORMAT_MODELS: tuple[type[BaseModel], ...] = (Policy, Scope, Window, ServiceLevel, *RULE_MODELS.values())
FIELD_NAMES = sorted(
    {info.alias or name for model in FORMAT_MODELS for name, info in model.model_fields.items()}
)
ENUM_VALUES = sorted(
    {
        value
        for model in FORMAT_MODELS
        for info in model.model_fields.values()
        for value in _literals(info.annotation)
    }
)

EXTREME_NUMBERS = [
    "0",
    "-0",
    "-1",
    "0.0",
    "1e308",
    "-1e308",
    "1.0e+309",
    "-1.0e+309",
    "1.7976931348623157e+308",
    "4.9e-324",
    "1.0e-7",
    ".inf",
    "-.inf",
    ".nan",
    "9" * 100,
    "9" * 101,
    "-" + "9" * 100,
    "2147483648",
    "9223372036854775808",
    "18446744073709551616",
    "1_000",
    "0x1F",
    "0o17",
    "010",
    "99.9999999",
    "100.00001",
    "200.5",
    "240.000001",
]
VALID_NUMBERS = ["1", "5", "8", "30", "60", "80", "95", "100", "120", "200", "240", "744", "2000", "0.5"]
OTHER_TYPES = [
    "true",
    "false",
    "yes",
    "no",
    "on",
    "null",
    "~",
    "",
    "[]",
    "{}",
    "[1, 2]",
    "{a: 1}",
    "''",
    '""',
    "[[[]]]",
    "2001-12-14",
    "12:30:45",
    "10:00",
    "24:00",
    "23:60",
    "9:00",
    "'10:00\\n'",
    '"10:00\\n"',
    "|\n    block\n    text",
    ">-\n    folded",
]
TAGGED = [
    "!!binary aGVsbG8=",
    "!!timestamp 2001-12-14",
    "!!set {a, b}",
    "!!omap [a: 1]",
    "!!str 5",
    "!!int '5'",
    "!!int 5",
    "!!float 1",
    "!!bool yes",
    "!!null x",
    "!!python/object/apply:os.system ['echo pwned']",
    "!!python/name:os.system",
    "!custom 1",
    "!<tag:example.com,2000:x> 1",
    "!%1b 1",
    "*undefined",
    "&anchor 5",
]
HOSTILE_STRINGS = [
    '"\\e[2J"',
    '"\\x1b]0;title\\x07"',
    '"\\u202etxt.exe"',
    '"\\t"',
    '"\\0"',
    '"\\ud800"',
    '"\\x85"',
    '"\\u2028"',
    '"line\\nbreak"',
    '"::error file=x::forged"',
    "x" * 300,
    "y" * 5001,
    "é" * 201,
    "😀",
    "'" + "z" * 81 + "'",
    "'   '",
]
VALUES = EXTREME_NUMBERS + VALID_NUMBERS + OTHER_TYPES + TAGGED + HOSTILE_STRINGS + ENUM_VALUES
HOSTILE_KEYS = [
    "<<",
    "? a",
    "1",
    "true",
    "null",
    "~",
    "'quoted'",
    '"\\x1b[2J"',
    '"\\u202e"',
    "x" * 200,
    "Kind",
    "sid",
    "id",
    "$type",
    "kind ",
    "é",
    "[a]",
    "{a: 1}",
]
INSERTED = [
    "\x00",
    "\x07",
    "\x1b",
    "\x7f",
    "\x85",
    "\x9b",
    "\t",
    "\r",
    "\u2028",
    "\u2029",
    "\u202e",
    "\u2067",
    "\ufeff",
    "\ufffe",
    "\U0001f600",
    "#",
    ":",
    "- ",
    "'",
    '"',
    "&",
    "*",
    "!",
    "|",
    ">",
    "%",
    "@",
    "`",
    "{",
    "[",
    "\n",
    "\n---\n",
    "\n...\n",
]
_KEY_LINE = re.compile(r"^(?P<indent>\s*(?:- )?)(?P<key>[A-Za-z_][\w.-]*)\s*:(?P<rest>.*)$")
_VALUE_LINE = re.compile(r"^(?P<head>\s*(?:- )?[A-Za-z_][\w.-]*\s*:\s+)(?P<value>\S.*)$")

Draw = Callable[[st.SearchStrategy[Any]], Any]
Mutation = Callable[[Draw, str], str]


def _lines(text: str) -> list[str]:
    return text.split("\n")


def _pick(draw: Draw, lines: list[str], pattern: re.Pattern[str]) -> int | None:
    """The index of a line matching ``pattern``, or None if there is none."""
    matching = [i for i, line in enumerate(lines) if pattern.match(line)]
    return draw(st.sampled_from(matching)) if matching else None


def delete_line(draw: Draw, text: str) -> str:
    lines = _lines(text)
    del lines[draw(st.integers(0, len(lines) - 1))]
    return "\n".join(lines)


def duplicate_line(draw: Draw, text: str) -> str:
    lines = _lines(text)
    at = draw(st.integers(0, len(lines) - 1))
    lines.insert(at, lines[at])
    return "\n".join(lines)


def swap_lines(draw: Draw, text: str) -> str:
    lines = _lines(text)
    i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
    lines[i], lines[j] = lines[j], lines[i]
    return "\n".join(lines)


def rename_key(draw: Draw, text: str) -> str:
    lines = _lines(text)
    at = _pick(draw, lines, _KEY_LINE)
    if at is None:
        return text
    found = _KEY_LINE.match(lines[at])
    assert found is not None
    key = found["key"]
    typo = st.integers(0, max(len(key) - 1, 0)).map(lambda i: key[:i] + key[i + 1 :])
    new = draw(st.one_of(st.sampled_from(FIELD_NAMES), st.sampled_from(HOSTILE_KEYS), typo))
    lines[at] = f"{found['indent']}{new}:{found['rest']}"
    return "\n".join(lines)


def change_value(draw: Draw, text: str) -> str:
    lines = _lines(text)
    at = _pick(draw, lines, _VALUE_LINE)
    if at is None:
        return text
    found = _VALUE_LINE.match(lines[at])
    assert found is not None
    lines[at] = found["head"] + draw(st.sampled_from(VALUES))
    return "\n".join(lines)


def swap_kind(draw: Draw, text: str) -> str:
    kinds = [*RULE_KINDS, "break_rule", "Break-Rule", "", "null", "[break-rule]", "{kind: x}", "5"]
    lines = _lines(text)
    at = _pick(draw, lines, re.compile(r"^\s*(?:- )?kind:"))
    if at is None:
        return text
    lines[at] = re.sub(r"kind:.*", f"kind: {draw(st.sampled_from(kinds))}", lines[at])
    return "\n".join(lines)


def insert_text(draw: Draw, text: str) -> str:
    at = draw(st.integers(0, len(text)))
    piece = draw(st.one_of(st.sampled_from(INSERTED), st.sampled_from(VALUES), st.sampled_from(HOSTILE_KEYS)))
    return text[:at] + piece + text[at:]


def insert_long(draw: Draw, text: str) -> str:
    at = draw(st.integers(0, len(text)))
    size = draw(st.sampled_from([100, 5_000, 70_000, MAX_FILE_BYTES - len(text), MAX_FILE_BYTES + 1]))
    return text[:at] + draw(st.sampled_from("xé ")) * max(size, 1) + text[at:]


def cut(draw: Draw, text: str) -> str:
    return text[: draw(st.integers(0, len(text)))]


def nest_deeper(draw: Draw, text: str) -> str:
    lines = _lines(text)
    at = _pick(draw, lines, _VALUE_LINE)
    if at is None:
        return text
    found = _VALUE_LINE.match(lines[at])
    assert found is not None
    depth = draw(st.sampled_from([1, 2, 5, MAX_DEPTH - 3, MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 5, 200]))
    style = draw(st.sampled_from(["list", "map", "block"]))
    if style == "list":
        value = "[" * depth + found["value"] + "]" * depth
    elif style == "map":
        value = "{a: " * depth + found["value"] + "}" * depth
    else:
        indent = len(found["head"]) - len(found["head"].lstrip())
        value = "".join(f"\n{' ' * (indent + 2 * (i + 1))}k{i}:" for i in range(depth)) + " 1"
    lines[at] = found["head"] + value
    return "\n".join(lines)


def anchor_alias(draw: Draw, text: str) -> str:
    lines = _lines(text)
    style = draw(st.sampled_from(["alias", "merge", "bomb", "loop", "undefined"]))
    if style == "bomb":
        levels = draw(st.integers(2, 12))
        bomb = ["lol0: &l0 [x, x, x, x, x, x, x, x, x, x]"]
        bomb += [f"lol{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, levels)]
        return "\n".join(bomb + lines)
    if style == "loop":
        return text + "\nloop: &loop [*loop]\n"
    if style == "undefined":
        return text + "\nsummary: *nowhere\n"
    values = [i for i, line in enumerate(lines) if _VALUE_LINE.match(line)]
    if len(values) < 2:
        return text
    first, second = sorted(draw(st.lists(st.sampled_from(values), min_size=2, max_size=2, unique=True)))
    head = _VALUE_LINE.match(lines[first])
    assert head is not None
    lines[first] = f"{head['head']}&a {head['value']}"
    target = _VALUE_LINE.match(lines[second])
    assert target is not None
    if style == "merge":
        indent = target["head"][: len(target["head"]) - len(target["head"].lstrip())]
        lines.insert(second, f"{indent}<<: *a")
    else:
        lines[second] = f"{target['head']}*a"
    return "\n".join(lines)


def shift_indent(draw: Draw, text: str) -> str:
    lines = _lines(text)
    at = draw(st.integers(0, len(lines) - 1))
    change = draw(st.sampled_from(["+1", "+2", "-1", "-2", "tab"]))
    if change == "tab":
        lines[at] = "\t" + lines[at]
    elif change.startswith("+"):
        lines[at] = " " * int(change[1:]) + lines[at]
    else:
        lines[at] = lines[at][int(change[1:]) :]
    return "\n".join(lines)


def line_breaks(draw: Draw, text: str) -> str:
    return text.replace("\n", draw(st.sampled_from(["\r\n", "\r", "\x85", "\u2028", "\n\n"])))


def second_document(draw: Draw, text: str) -> str:
    return text + draw(st.sampled_from(["---\n", "\n---\n", "...\n", "\n--- x\n"])) + text


def other_valid_value(draw: Draw, text: str) -> str:
    """Give a field another value valid for it: a mutant that still loads reaches evaluation."""
    lines = _lines(text)
    at = _pick(draw, lines, _VALUE_LINE)
    if at is None:
        return text
    found, key = _VALUE_LINE.match(lines[at]), _KEY_LINE.match(lines[at])
    assert found is not None and key is not None
    values = _field_values().get(key["key"])
    if values is None:
        return text
    value = draw(values)
    if isinstance(value, str):  # a JSON string is a YAML double-quoted scalar, on one line
        written = json.dumps(value, ensure_ascii=False)
    else:
        written = yaml.safe_dump(value, default_flow_style=True, width=10**6).removesuffix("\n...\n").strip()
    lines[at] = found["head"] + written
    return "\n".join(lines)


@functools.cache
def _field_values() -> dict[str, st.SearchStrategy[Any]]:
    """Each field name of the format to the values some model accepts for it (its rule kind's, or another's)."""
    found: dict[str, list[st.SearchStrategy[Any]]] = {}
    for model in FORMAT_MODELS:
        for name, info in model.model_fields.items():
            if name in ("kind", "rules", "scope"):
                continue
            override = FIELD_OVERRIDES.get((model, name))
            values = (
                override if override is not None else value_strategy(info.annotation, list(info.metadata))
            )
            found.setdefault(info.alias or name, []).append(values)
    return {key: st.one_of(*strategies) for key, strategies in found.items()}


MUTATIONS: list[Mutation] = [
    other_valid_value,
    other_valid_value,
    other_valid_value,  # the mutation that keeps a policy valid: most mutants then reach evaluation
    delete_line,
    duplicate_line,
    swap_lines,
    rename_key,
    change_value,
    swap_kind,
    insert_text,
    insert_long,
    cut,
    nest_deeper,
    anchor_alias,
    shift_indent,
    line_breaks,
    second_document,
]


@st.composite
def mutated_text(draw: Draw, max_mutations: int = 3) -> str:
    """A bundled policy's text after one to ``max_mutations`` mutations.

    A third of the mutants only get other valid values, so that many of them
    load and go on through evaluation, conflicts and remedies.
    """
    text = BUNDLED[draw(st.sampled_from(sorted(BUNDLED)))]
    mutations = draw(st.sampled_from([MUTATIONS, MUTATIONS, [other_valid_value]]))
    for _ in range(draw(st.integers(1, max_mutations))):
        mutation = draw(st.sampled_from(mutations))
        text = mutation(draw, text)
    return text


@st.composite
def mutated_bytes(draw: Draw) -> bytes:
    """A mutated policy as the bytes of a file: mostly UTF-8, sometimes another encoding or a bad byte."""
    text = draw(mutated_text())
    encoding = draw(st.sampled_from(["utf-8"] * 8 + ["utf-8-sig", "utf-16", "latin-1", "bad-byte"]))
    if encoding == "bad-byte":
        raw = text.encode("utf-8")
        at = draw(st.integers(0, len(raw)))
        return raw[:at] + draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x00"])) + raw[at:]
    return text.encode(encoding, "surrogatepass" if encoding.startswith("utf") else "replace")


def assert_located(problems: list[Any], file: str) -> None:
    """Every problem is one printable line ``file:line:column: message`` within the file."""
    assert problems, "an InputError with no problem in it"
    for problem in problems:
        text = str(problem)
        assert text.isprintable(), f"not one printable line: {text!r}"
        assert text.startswith(f"{file}:{problem.line}:{problem.column}: "), text
        assert problem.line >= 1 and problem.column >= 1, text
        assert len(problem.message) <= MAX_MESSAGE, f"{len(problem.message)} characters: {text[:300]}"


def load_outcome(raw: bytes, file: str) -> Policy | None:
    """Load ``raw`` as a policy; None when it was refused with located problems (checked here)."""
    try:
        return load_policy_text(raw, file)
    except InputError as err:
        assert_located(err.problems, file)
        return None
    except PolicyweighError as err:  # documented too; printed as one line by the CLI
        assert str(err).isprintable(), repr(str(err))
        return None


@sized(400)
@given(mutated_bytes())
def test_mutated_library_policies_load_or_raise_located_input_errors(raw: bytes) -> None:
    load_outcome(raw, "lib/p.yaml")


@sized(60)
@given(st.lists(mutated_bytes(), min_size=1, max_size=3))
def test_a_mutated_library_loads_or_raises_located_input_errors(files: list[bytes]) -> None:
    names = {f"team-{i}/policy-{i}.yaml": raw for i, raw in enumerate(files)}
    with library_folder(names) as root:
        try:
            library = load_library([root])
        except InputError as err:
            for problem in err.problems:
                assert_located([problem], problem.file)
                assert problem.file.startswith(str(root)), problem
        else:
            assert len(library) == len(files)


# --------------------------------------------------------------------------- 2. valid policies


def _one_line_chars() -> st.SearchStrategy[str]:
    return st.characters(
        codec="utf-8",
        exclude_categories=("Cc", "Cs", "Zl", "Zp"),
        exclude_characters="\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",
    )


# Texts that YAML would read as something else unless quoted, or that renderers treat specially.
TRICKY_TEXTS = [
    "true",
    "no",
    "null",
    "~",
    "10:00",
    "1e3",
    "0x10",
    ".inf",
    "- a",
    "a: b",
    "#c",
    "*a",
    "&a",
    "!tag",
    "'q'",
    '"q"',
    "@x",
    "`x`",
    "%x",
    "{a}",
    "[a]",
    "|",
    ">",
    "<script>alert(1)</script>",
    "| a | b |",
    "**bold** _it_ [link](javascript:alert(1))",
    "::error file=x::forged",
    "\ufeffbom",
    "\ufffe",
    "é\u0301",
    "\U0001f600",
]


def text_strategy(constraints: dict[str, Any]) -> st.SearchStrategy[str]:
    """Texts a ``str`` field with these constraints accepts."""
    pattern = constraints.get("pattern")
    low = constraints.get("min_length") or 0
    high = constraints.get("max_length") or 5000
    if pattern:
        return st.from_regex(pattern, fullmatch=True).filter(lambda s: low <= len(s) <= high)
    chars = _one_line_chars()
    if constraints.get("multiline"):
        chars = st.one_of(chars, st.sampled_from("\n\t\u2028\u2029"))
    short = st.text(chars, min_size=low, max_size=min(high, 60))
    longest = st.text(chars, min_size=1, max_size=4).map(lambda s: (s * high)[:high])
    # Mostly short texts, sometimes a tricky one, rarely the longest allowed (it costs parsing time).
    kinds = [short] * 6 + [st.sampled_from(TRICKY_TEXTS)] * 3 + [longest]
    texts = st.sampled_from(kinds).flatmap(lambda kind: kind).filter(lambda s: low <= len(s) <= high)
    if constraints.get("strip") and low:
        texts = texts.filter(lambda s: len(s.strip()) >= low)
    if not constraints.get("multiline"):
        texts = texts.filter(lambda s: "\t" not in s and "\n" not in s)
    return texts


def number_strategy(tp: type, constraints: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Numbers of type ``tp`` within the field's bounds, the bounds themselves included."""
    low = constraints.get("ge", constraints.get("gt"))
    high = constraints.get("le", constraints.get("lt"))
    open_low, open_high = "gt" in constraints, "lt" in constraints
    if tp is int:
        return st.integers(
            None if low is None else int(low) + open_low, None if high is None else int(high) - open_high
        )
    floats = st.floats(
        min_value=low,
        max_value=high,
        exclude_min=open_low,
        exclude_max=open_high,
        allow_nan=False,
        allow_infinity=False,
    )
    ints = st.integers(
        None if low is None else int(low) + 1 if open_low else int(low),
        None if high is None else int(high) - 1 if open_high else int(high),
    )
    edges = [v for v in (low, high) if v is not None]
    edges += [low + 1e-9] if open_low and low is not None else []
    valid_edges = [
        v
        for v in edges
        if (low is None or (v > low if open_low else v >= low))
        and (high is None or (v < high if open_high else v <= high))
    ]
    return st.one_of(floats, ints, st.sampled_from(valid_edges)) if valid_edges else st.one_of(floats, ints)


def _constraints(metadata: list[Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for meta in metadata:
        if isinstance(meta, annotated_types.Gt):
            found["gt"] = meta.gt
        elif isinstance(meta, annotated_types.Ge):
            found["ge"] = meta.ge
        elif isinstance(meta, annotated_types.Lt):
            found["lt"] = meta.lt
        elif isinstance(meta, annotated_types.Le):
            found["le"] = meta.le
        elif isinstance(meta, annotated_types.MinLen):
            found["min_length"] = meta.min_length
        elif isinstance(meta, annotated_types.MaxLen):
            found["max_length"] = meta.max_length
        elif isinstance(meta, StringConstraints):
            for key in ("min_length", "max_length", "pattern"):
                if getattr(meta, key) is not None:
                    found[key] = getattr(meta, key)
            found["strip"] = bool(meta.strip_whitespace)
        elif isinstance(meta, PlainText):
            found["multiline"] = meta.multiline
        elif isinstance(meta, FieldInfo):
            extra = meta.json_schema_extra
            if isinstance(extra, dict) and isinstance(extra.get("pattern"), str):
                found["pattern"] = extra["pattern"]
            found.update(_constraints(meta.metadata))
    return found


def value_strategy(tp: Any, metadata: list[Any]) -> st.SearchStrategy[Any]:
    """Values of annotation ``tp`` (with field ``metadata``) that the format accepts."""
    if get_origin(tp) is Annotated:
        return value_strategy(get_args(tp)[0], [*metadata, *tp.__metadata__])
    constraints = _constraints(metadata)
    args = get_args(tp)
    if any(isinstance(m, MetricName) for m in metadata):
        # A metric's name: any built-in one (declared ones need settings; synonyms are read as these).
        return st.sampled_from(sorted(METRICS))
    if get_origin(tp) is Literal:
        return st.sampled_from(args)
    if type(None) in args:
        rest = [a for a in args if a is not type(None)]
        inner = rest[0] if len(rest) == 1 else _union(rest)
        return st.one_of(st.none(), value_strategy(inner, metadata))
    if len(args) > 1 and get_origin(tp) is not list and get_origin(tp) is not dict:
        return st.one_of(*(value_strategy(a, metadata) for a in args))
    if tp is bool:
        return st.booleans()
    if tp in (int, float):
        return number_strategy(tp, constraints)
    if tp is str:
        return text_strategy(constraints)
    if get_origin(tp) is list:
        item = args[0]
        items = value_strategy(item, [])
        return st.lists(
            items,
            min_size=constraints.get("min_length", 0),
            max_size=constraints.get("max_length", 10),
            unique=get_origin(item) is Literal,
        )
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return model_strategy(tp)
    raise TypeError(f"no strategy for {tp!r}: teach value_strategy the new type of the policy format")


def _union(members: list[Any]) -> Any:
    union = members[0]
    for member in members[1:]:
        union = union | member
    return union


@st.composite
def window(draw: Draw) -> dict[str, str]:
    start, end = sorted(draw(st.lists(st.integers(0, 24 * 60 - 1), min_size=2, max_size=2, unique=True)))
    return {"from": format_minutes(start), "to": format_minutes(end)}


@st.composite
def weights(draw: Draw) -> dict[str, float]:
    """Pay weights over distinct metrics, each above 0, summing to exactly 100 (in quarter points)."""
    metrics = draw(
        st.lists(
            st.sampled_from(sorted(METRICS)),
            min_size=1,
            max_size=16,
            unique=True,
        )
    )
    cuts = sorted(
        draw(st.lists(st.integers(1, 399), min_size=len(metrics) - 1, max_size=len(metrics) - 1, unique=True))
    )
    bounds = [0, *cuts, 400]
    return {m: (bounds[i + 1] - bounds[i]) / 4 for i, m in enumerate(metrics)}


# A few fields have rules beyond their own type (a model validator); their values are drawn so.
FIELD_OVERRIDES: dict[tuple[type[BaseModel], str], st.SearchStrategy[Any]] = {
    (CompensationLink, "weights"): weights(),
}
MODEL_OVERRIDES: dict[type[BaseModel], st.SearchStrategy[Any]] = {Window: window()}


def _fix_staffing(draw: Draw, data: dict[str, Any]) -> dict[str, Any]:
    if not any(
        data.get(k) is not None
        for k in ("payroll_change_pct", "occupancy_target_pct", "service_level_target")
    ):
        data["payroll_change_pct"] = draw(number_strategy(float, {"ge": -100, "le": 200}))
    return data


def _fix_metric_target(draw: Draw, data: dict[str, Any]) -> dict[str, Any]:
    if data["unit"] == "pct" and data["target"] > 100:
        data["target"] = draw(number_strategy(float, {"ge": 0, "le": 100}))
    return data


def _fix_break_rule(draw: Draw, data: dict[str, Any]) -> dict[str, Any]:
    # count and every_hours exclude each other; the first break's window is ordered.
    if data.get("count") is not None and data.get("every_hours") is not None:
        data.pop("every_hours")
    early, late = data.get("earliest_after_hours"), data.get("latest_after_hours")
    if early is not None and late is not None and late < early:
        data["earliest_after_hours"], data["latest_after_hours"] = late, early
    return data


def _fix_attendance(draw: Draw, data: dict[str, Any]) -> dict[str, Any]:
    if data.get("points_to_warning") is not None:
        data["points_system"] = True
    if data.get("bradford_trigger_score") is not None:
        data["bradford_factor"] = True
    return data


def _fix_conduct(draw: Draw, data: dict[str, Any]) -> dict[str, Any]:
    order = list(SANCTIONS)  # mildest first
    if data.get("ladder"):
        data.pop("sanction", None)
        data.pop("repeat_sanction", None)
        data["ladder"] = sorted(data["ladder"], key=order.index)  # unique, so dismissal comes last
        return data
    data.pop("ladder", None)
    first = data.get("sanction") or draw(st.sampled_from(order))
    data["sanction"] = first
    repeat = data.get("repeat_sanction")
    if repeat is not None and (first == "dismissal" or order.index(repeat) < order.index(first)):
        del data["repeat_sanction"]
    return data


def _fix_bonus_threshold(draw: Draw, data: dict[str, Any]) -> dict[str, Any]:
    # One line: metric with threshold_pct (conditions under all/any are generated in test_conditions).
    for key in ("all", "any"):
        data.pop(key, None)
    if data.get("metric") is None:
        data["metric"] = draw(st.sampled_from(sorted(METRICS)))
    if data.get("threshold_pct") is None:
        data["threshold_pct"] = draw(number_strategy(float, {"gt": 0, "le": 200}))
    return data


def _fix_monitoring(draw: Draw, data: dict[str, Any]) -> dict[str, Any]:
    if data["method"] not in ("silent-monitoring", "side-by-side"):
        data.pop("live_hours_per_week", None)
    if data["method"] != "qa-scorecard":
        data.pop("calibrated", None)
    if data.get("results_seen_by") == "agent":
        data["feedback_to_agent"] = True
    return data


def _fix_adherence(draw: Draw, data: dict[str, Any]) -> dict[str, Any]:
    if data.get("tolerance_minutes") is not None:
        data.pop("tolerance_pct", None)
    return data


def _fix_schedule_notice(draw: Draw, data: dict[str, Any]) -> dict[str, Any]:
    if data.get("changes_after_publication") is False:
        data.pop("change_premium_pct", None)
        data.pop("right_to_refuse", None)
    return data


def _fix_script(draw: Draw, data: dict[str, Any]) -> dict[str, Any]:
    if data["use"] == "guideline" and data.get("deviation_allowed") is False:
        data["deviation_allowed"] = True
    return data


def _fix_contest(draw: Draw, data: dict[str, Any]) -> dict[str, Any]:
    if data.get("prize") == "none" and data.get("leaderboard") in (None, "none"):
        data["leaderboard"] = "team"
    return data


def _fix_policy(draw: Draw, data: dict[str, Any]) -> dict[str, Any]:
    # A jurisdiction is a pack the rulebook brings: one of the bundled packs.
    if data.get("jurisdiction") is not None:
        data["jurisdiction"] = draw(st.sampled_from(BUNDLED_JURISDICTIONS))
    # References to other policies are generated in test_proposals; a file of format "1" may use
    # nothing added in 1.1, so generated files declare 1.1 when they declare a version.
    data.pop("replaces", None)
    data.pop("alternative_to", None)
    if data.get("format") is not None:
        data["format"] = "1.1"
    return data


FIXUPS: dict[type[BaseModel], Callable[[Draw, dict[str, Any]], dict[str, Any]]] = {
    Staffing: _fix_staffing,
    MetricTarget: _fix_metric_target,
    BreakRule: _fix_break_rule,
    Attendance: _fix_attendance,
    Conduct: _fix_conduct,
    BonusThreshold: _fix_bonus_threshold,
    Monitoring: _fix_monitoring,
    Adherence: _fix_adherence,
    ScheduleNotice: _fix_schedule_notice,
    Script: _fix_script,
    Contest: _fix_contest,
    Policy: _fix_policy,
}


def model_strategy(model: type[BaseModel]) -> st.SearchStrategy[dict[str, Any]]:
    """Mappings a format model accepts: required fields always, optional ones sometimes."""
    if model in MODEL_OVERRIDES:
        return MODEL_OVERRIDES[model]
    required: dict[str, st.SearchStrategy[Any]] = {}
    optional: dict[str, st.SearchStrategy[Any]] = {}
    for name, info in model.model_fields.items():
        if name == "rules":
            strategy: st.SearchStrategy[Any] = st.lists(
                st.sampled_from(sorted(RULE_MODELS)).flatmap(lambda kind: model_strategy(RULE_MODELS[kind])),
                min_size=1,
                max_size=6,
            )
        else:
            override = FIELD_OVERRIDES.get((model, name))
            strategy = (
                override if override is not None else value_strategy(info.annotation, list(info.metadata))
            )
        (required if info.is_required() else optional)[info.alias or name] = strategy
    mappings = st.fixed_dictionaries(required, optional=optional)
    fixup = FIXUPS.get(model)
    if fixup is None:
        return mappings
    return st.tuples(mappings, st.data()).map(lambda pair: fixup(pair[1].draw, dict(pair[0])))


def policies(min_size: int = 1, max_size: int = 3) -> st.SearchStrategy[list[dict[str, Any]]]:
    """Valid policies as plain data, with distinct ids."""
    return st.lists(model_strategy(Policy), min_size=min_size, max_size=max_size, unique_by=lambda p: p["id"])


@st.composite
def as_yaml(draw: Draw, data: dict[str, Any]) -> bytes:
    """``data`` written as YAML the way a tool would (``yaml.safe_dump``), in one of its styles."""
    text = yaml.safe_dump(
        data,
        sort_keys=draw(st.booleans()),
        allow_unicode=draw(st.booleans()),
        default_flow_style=draw(st.sampled_from([False, None])),
        width=draw(st.sampled_from([80, 1000])),
    )
    return text.encode("utf-8")


@st.composite
def valid_library(draw: Draw, min_size: int = 1, max_size: int = 3) -> dict[str, bytes]:
    """A library folder's files (name to bytes): valid generated policies."""
    found = draw(policies(min_size, max_size))
    return {f"group-{i % 2}/{p['id']}.yaml": draw(as_yaml(p)) for i, p in enumerate(found)}


@sized(50)
@given(st.data())
def test_valid_policies_read_back_and_evaluate_and_check_cleanly(data: st.DataObject) -> None:
    files = data.draw(valid_library())
    for name, raw in files.items():
        policy = load_policy_text(raw, name)  # generated within every declared range: always valid
        assert dump_policy(policy) == dump_policy(Policy.model_validate(yaml.load(raw, Loader=SafeLoader)))
    evaluate_format = data.draw(st.sampled_from(["json", "json", "text", "markdown"]))
    check_format = data.draw(st.sampled_from(["json", "text", "sarif", "github"]))
    with library_folder(files) as root:
        code, out, err = run_cli("evaluate", str(root), "--format", evaluate_format)
        assert_clean_run(code, out, err, {0})
        if evaluate_format == "json":
            assert len(json.loads(out)["policies"]) == len(files)
        code, out, err = run_cli("check", str(root), "--format", check_format, "--fail-on", "warning")
        assert_clean_run(code, out, err, {0, 1})
        if check_format in ("json", "sarif"):
            json.loads(out)


def _judgement_problems(policy: Policy, result: PolicyResult, margin: float) -> list[str]:
    """What is wrong with one policy's judgement: ranges, verdict names, reach, not-assessed rules."""
    problems = []
    s, spans = result.scores, result.ranges
    if spans is None:
        return ["no ranges"]
    for side in ("employee", "customer"):
        low, high = getattr(spans, side)
        if not low <= getattr(s, side) <= high:
            problems.append(f"{side} {getattr(s, side)} outside its range [{low}, {high}]")
        uncertain = low < -margin and high > margin
        if uncertain != (side in result.uncertain):
            problems.append(f"{side} range [{low}, {high}] but uncertain={result.uncertain}")
    if result.verdict != "unlawful":
        expected = VERDICT_BY_SIDES[(side_state(s.employee, margin), side_state(s.customer, margin))]
        if result.verdict != expected:
            problems.append(f"verdict {result.verdict} for {s.employee}/{s.customer}, expected {expected}")
    if s.customer != max(-100, min(100, s.customer_direct + s.customer_indirect)):
        problems.append("customer is not direct + indirect")
    if result.reach is None or result.reach.employees != policy.scope.headcount:
        problems.append(f"reach {result.reach} does not carry the headcount {policy.scope.headcount}")
    elif not 0 <= result.reach.contacts_share <= 1:
        problems.append(f"contacts share {result.reach.contacts_share} outside 0..1")
    for entry in result.not_assessed:
        pid, index = parse_rule_ref(entry.rule)
        if pid != policy.id or not 0 <= index < len(policy.rules) or not entry.reason:
            problems.append(f"not assessed: {entry}")
    return problems


@sized(40)
@given(policies(1, 4))
def test_every_generated_policy_lies_inside_its_ranges_and_its_verdict_names_its_sides(
    found: list[dict[str, Any]],
) -> None:
    """Judgement v2 on any valid policy: low <= score <= high, a verdict that says what happened on
    each side (a side inside the margin is neutral), reach from the scope, not-assessed rules named."""
    models = [Policy.model_validate(p) for p in found]
    run = evaluate(models, rulebook=BOOK, settings=Settings())
    margin = BOOK.scoring.verdicts.margin
    problems = [
        f"{p.id}: {problem}" for p in models for problem in _judgement_problems(p, run.result(p.id), margin)
    ]
    assert not problems, "\n".join(problems) + "\n" + yaml.safe_dump(found, sort_keys=False)


# --------------------------------------------------------------------------- 3. deterministic


def _placeholders(text: str, files: dict[Path, str]) -> str:
    """``text`` with each file path (as JSON writes it) replaced by the id of the policy in it."""
    for path, policy_id in files.items():
        text = text.replace(json.dumps(str(path))[1:-1], f"<file of {policy_id}>")
    return text


@sized(25)
@given(st.data())
def test_evaluation_is_byte_identical_whatever_the_file_names_and_order(data: st.DataObject) -> None:
    found = data.draw(policies(2, 4))
    raws = [data.draw(as_yaml(p)) for p in found]
    # The second library names the same files otherwise, so they sort (and are read) in another order.
    order = data.draw(st.permutations(range(len(found))))
    first = {f"p{i}.yaml": raw for i, raw in enumerate(raws)}
    second = {f"sub-{rank}/q{rank}.yaml": raws[i] for rank, i in enumerate(order)}
    outputs = []
    for files in (first, first, second):
        with library_folder(files) as root:
            code, out, err = run_cli("evaluate", str(root), "--format", "json")
            assert_clean_run(code, out, err, {0})
            ids = {root / name: found[raws.index(raw)]["id"] for name, raw in files.items()}
            outputs.append(_placeholders(out, ids))
    assert outputs[0] == outputs[1], "the same library evaluated twice gave different output"
    assert outputs[0] == outputs[2], "renaming and reordering the files changed the output"


# --------------------------------------------------------------------------- 4. the CLI never exits 3


@st.composite
def cli_call(draw: Draw) -> tuple[list[str], str | None]:
    """A command on the library (``{root}`` stands for it, ``{file}`` for the mutated file) and its format."""
    command = draw(st.sampled_from(["validate", "evaluate", "check", "explain"]))
    if command == "validate":
        fmt = draw(st.sampled_from(["text", "json"]))
        return ["validate", "{root}", "--format", fmt], fmt
    if command == "evaluate":
        fmt = draw(st.sampled_from(["text", "json", "markdown"]))
        return ["evaluate", "{root}", "--format", fmt], fmt
    if command == "check":
        fmt = draw(st.sampled_from(["text", "json", "sarif", "github"]))
        fail_on = draw(st.sampled_from(["error", "warning", "never"]))
        return ["check", "{root}", "--format", fmt, "--fail-on", fail_on], fmt
    return ["explain", "{file}", "{root}"], None


@sized(160)
@given(mutated_bytes(), st.sampled_from(sorted(BUNDLED)), cli_call())
def test_the_cli_never_exits_3_on_a_mutated_library(
    raw: bytes, partner: str, call: tuple[list[str], str | None]
) -> None:
    args, fmt = call
    files = {"mutated/policy.yaml": raw, f"bundled/{partner}": BUNDLED[partner].encode("utf-8")}
    with library_folder(files) as root:
        argv = [
            a.replace("{root}", str(root)).replace("{file}", str(root / "mutated/policy.yaml")) for a in args
        ]
        code, out, err = run_cli(*argv)
    assert_clean_run(code, out, err, {0, 1, 2})
    if fmt in ("json", "sarif") and (code in (0, 1) or args[0] == "check"):
        json.loads(out)
    # validate --format json, and check's machine formats, report bad input in their output.
    in_output = (args[0] == "check" and fmt != "text") or (args[0] == "validate" and fmt == "json")
    if code == 2:
        assert (out if in_output else err).strip(), "exit 2 without a word on why"
    for line in err.splitlines():
        assert line.isprintable(), f"a message that is not printable: {line!r}"


@pytest.mark.parametrize("name", sorted(BUNDLED))
def test_the_mutations_find_keys_values_and_kinds_in_every_bundled_policy(name: str) -> None:
    """The mutations find what they look for in every bundled policy (keys, values, kinds)."""
    lines = _lines(BUNDLED[name])
    assert any(_KEY_LINE.match(line) for line in lines)
    assert any(_VALUE_LINE.match(line) for line in lines)
    assert any(re.match(r"^\s*(?:- )?kind:", line) for line in lines)
