"""Regression tests for what the fuzzers found, and a check that the fuzz harnesses still run.

Each test is named after what broke. A test marked ``xfail(strict=True)``
reproduces a defect not fixed yet: it fails as expected until the fix lands,
then passes, and strict mode turns that pass into a failure so the mark (and
the matching allowance in tests/test_properties.py) is removed with the fix.

Inputs that crashed the process (a segfault in the rule engine) run in a
child process, so the crash fails one test instead of ending the test run.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import io
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
import yaml

from policyweigh.cli import main
from policyweigh.errors import InputError
from policyweigh.loading import load_policy_text
from tests.helpers import ROOT

SAFETY_NET = 60  # seconds; only against a hang, never a measure of speed
FUZZ = ROOT / "fuzz"
LONG_NAME = "a" * 3000


def run_cli(*args: str) -> tuple[int, str, str]:
    """Run ``policyweigh ARGS`` in this process; return the exit code, standard output and error."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def evaluate_in_child(tmp_path: Path, text: str) -> subprocess.CompletedProcess[str]:
    """``policyweigh evaluate FILE --format json`` in a child process, on a policy file holding ``text``."""
    path = tmp_path / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "policyweigh", "evaluate", str(path), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=SAFETY_NET,
        cwd=tmp_path,
        check=False,
    )


# --------------------------------------------------------------------------- the rule engine

# Found by test_valid_policies_read_back_and_evaluate_and_check_cleanly (shrunk to the first
# case) and then by hand for every numeric field: durable-rules 2.0.28 segfaults on a number
# that JSON writes with an exponent and no decimal point. Python writes every float below 1e-4
# with one significant digit that way (1e-05, 2e-07, 5e-324), and each is a valid value of
# these fields; `evaluate`, `check`, `explain` and `report` died with SIGSEGV. The Rete layer
# now hands durable-rules a neighbouring float it can read. Run in a child process, so that a
# return of the crash fails these tests rather than ending the test run.
TINY_NUMBERS: dict[str, dict[str, object]] = {
    "bonus-threshold-pct": {"kind": "bonus-threshold", "metric": "sales", "threshold_pct": 1e-05},
    "call-time-cap-minutes": {"kind": "call-time-cap", "max_minutes": 2e-07, "enforcement": "bonus-gate"},
    "payroll-cut": {"kind": "staffing", "payroll_change_pct": -1e-05},
    "training-hours": {"kind": "training", "hours_per_year": 1e-05},
    "pay-weight": {
        "kind": "compensation-link",
        "weights": {"sales": 99.99999, "customer_satisfaction": 1e-05},
    },
    "smallest-float": {"kind": "metric-target", "metric": "sales", "target": 5e-324, "unit": "count"},
}


def tiny_policy(rule: dict[str, object]) -> str:
    return yaml.safe_dump({"id": "tiny", "title": "A tiny number", "rules": [rule]}, sort_keys=False)


@pytest.mark.parametrize("rule", TINY_NUMBERS.values(), ids=TINY_NUMBERS.keys())
def test_the_tiny_number_policies_are_valid(rule: dict[str, object]) -> None:
    """Each reproducer below is a valid policy, so the only way its test can fail is the crash."""
    assert load_policy_text(tiny_policy(rule), "tiny.yaml").id == "tiny"


@pytest.mark.parametrize("rule", TINY_NUMBERS.values(), ids=TINY_NUMBERS.keys())
def test_a_tiny_number_in_a_valid_policy_does_not_crash_the_evaluation(
    tmp_path: Path, rule: dict[str, object]
) -> None:
    result = evaluate_in_child(tmp_path, tiny_policy(rule))
    assert result.returncode == 0, f"exit {result.returncode}; stderr: {result.stderr[-2000:]}"
    assert json.loads(result.stdout)["policies"][0]["id"] == "tiny"


def test_a_tiny_number_with_two_significant_digits_evaluates(tmp_path: Path) -> None:
    """The boundary of the defect above: ``1.5e-05`` is written with a decimal point and always worked."""
    rule = {"kind": "bonus-threshold", "metric": "sales", "threshold_pct": 1.5e-05}
    result = evaluate_in_child(tmp_path, tiny_policy(rule))
    assert result.returncode == 0, f"exit {result.returncode}; stderr: {result.stderr[-2000:]}"
    [policy] = json.loads(result.stdout)["policies"]
    assert policy["id"] == "tiny"


# --------------------------------------------------------------------------- remedies

# Found by test_valid_policies_read_back_and_evaluate_and_check_cleanly under the fuzz profile:
# the remedy for a missed break deadline cuts a legal break slot out of the blocked windows, and
# the cut splits every window the slot falls in. Past the 24 windows a rule may hold, the
# patched copy is invalid inside the remedy and its InputError escapes from the evaluation:
# `evaluate` exits 2 on a valid policy, naming a pseudo-file
# ("split/rules[0] with a break slot tried:17:3: rules[0].blocked_windows: expected at most 24
# entries; got 25"). Two shapes: 24 windows, one of them split; 13 overlapping windows, all split.
SHORT_WINDOWS = [{"from": f"15:{2 * i:02d}", "to": f"15:{2 * i + 1:02d}"} for i in range(23)]
OVERLAPPING_WINDOWS = [{"from": "06:00", "to": f"13:{i:02d}"} for i in range(13)]
WINDOW_SPLITS = {
    "one-of-24-split": [{"from": "06:00", "to": "13:00"}, *SHORT_WINDOWS],
    "13-overlapping-split": OVERLAPPING_WINDOWS,
}


def window_split_policy(tmp_path: Path, windows: list[dict[str, str]]) -> Path:
    """A valid French policy whose 06:00 shift cannot break by 12:00 because of ``windows``.

    (Found on the UK pack when it read a "by hour six" deadline into reg. 12, which sets none;
    French law's 20 minutes once daily work reaches six hours keeps the deadline.)"""
    policy = {
        "id": "split",
        "title": "Blocked windows a break slot cuts in two",
        "jurisdiction": "fr",
        "scope": {"shift_hours": 8, "shift_starts": ["06:00"]},
        "rules": [{"kind": "break-rule", "break": "lunch", "min_minutes": 30, "blocked_windows": windows}],
    }
    path = tmp_path / "split.yaml"
    path.write_text(yaml.safe_dump(policy, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("windows", WINDOW_SPLITS.values(), ids=WINDOW_SPLITS.keys())
def test_the_window_split_policies_are_valid_and_miss_the_break_deadline(
    tmp_path: Path, windows: list[dict[str, str]]
) -> None:
    """Each reproducer below is valid and misses the French deadline, so a remedy is looked for."""
    path = window_split_policy(tmp_path, windows)
    assert load_policy_text(path.read_bytes(), str(path)).rules[0].blocked_windows
    code, out, err = run_cli("check", str(path), "--format", "json", "--fail-on", "error")
    assert code == 1, err
    assert "GRD030" in {finding["code"] for finding in json.loads(out)["findings"]}


@pytest.mark.parametrize("windows", WINDOW_SPLITS.values(), ids=WINDOW_SPLITS.keys())
def test_a_break_slot_remedy_that_splits_windows_past_the_limit_does_not_stop_the_evaluation(
    tmp_path: Path, windows: list[dict[str, str]]
) -> None:
    code, out, err = run_cli("evaluate", str(window_split_policy(tmp_path, windows)), "--format", "json")
    assert code == 0, err
    assert json.loads(out)["policies"][0]["id"] == "split"


# --------------------------------------------------------------------------- the YAML reader


def problems_of(text: str) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_policy_text(text, "p.yaml")
    return [str(problem) for problem in caught.value.problems]


# Found by test_mutated_library_policies_load_or_raise_located_input_errors: a long string
# inserted into an alias. PyYAML's own messages quote alias, anchor and tag-handle names whole,
# so the message echoes thousands of characters of the file (names are letters, digits, '-'
# and '_', so the line stays printable; it is only unbounded).
LONG_YAML_NAMES = {
    "undefined-alias": f"id: *{LONG_NAME}\n",
    "duplicate-anchor": f"a: &{LONG_NAME} 1\nb: &{LONG_NAME} 2\n",
    "undefined-tag-handle": f"id: !{LONG_NAME}!x y\n",
    "duplicate-tag-handle": f"%TAG !{LONG_NAME}! tag:x,2000:\n%TAG !{LONG_NAME}! tag:x,2000:\n---\nid: 1\n",
}


@pytest.mark.parametrize("text", LONG_YAML_NAMES.values(), ids=LONG_YAML_NAMES.keys())
def test_yaml_syntax_messages_cut_long_names_short(text: str) -> None:
    [message] = problems_of(text)
    assert message.startswith("p.yaml:") and message.isprintable()
    assert len(message) < 300, f"{len(message)} characters"


def test_yaml_syntax_messages_with_short_names_stay_whole() -> None:
    """The boundary of the defect above: a short name is quoted as it is."""
    assert problems_of("id: *nowhere\n") == ["p.yaml:1:5: invalid YAML: found undefined alias 'nowhere'"]


# Found by probing the loader with the characters property 1 inserts, given as text rather than
# bytes: ``load_policy_text`` encodes text it is given as UTF-8 before reading it, and a lone
# surrogate (which a str may hold, though no file can) raises UnicodeEncodeError, not an
# InputError. Files are read as bytes, so the CLI never meets it; callers of the library do.
def test_a_lone_surrogate_in_policy_text_is_a_located_input_error() -> None:
    [message] = problems_of("id: a\ntitle: x\ud800y\n")
    assert message.startswith("p.yaml:2:") and "U+D800" in message


def test_a_lone_surrogate_escaped_in_yaml_is_a_located_input_error() -> None:
    """The same character written as YAML's escape was always refused with its place."""
    messages = problems_of('id: a\ntitle: "x\\ud800y"\nrules:\n  - kind: knowledge-base\n')
    assert messages == [
        "p.yaml:2:8: title: the lone surrogate U+D800 at character 2 ('x\\ud800y') is not a character; "
        "remove it"
    ]


# --------------------------------------------------------------------------- the harnesses


def harness(name: str) -> ModuleType:
    """Import a fuzz harness from fuzz/ (a folder of scripts, not a package), uninstrumented.

    The harnesses import the engine under atheris' instrumentation when atheris
    is installed; here that is switched off first, so no module imported for
    the first time by a harness runs slower for the rest of the test session.
    """
    if str(FUZZ) not in sys.path:
        sys.path.insert(0, str(FUZZ))
    shared = importlib.import_module("harness")
    shared.atheris = None
    if name == "harness":
        return shared
    spec = importlib.util.spec_from_file_location(f"policyweigh_fuzz_{name}", FUZZ / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


HOSTILE_INPUTS = [
    b"",
    b"\xff\xfe",
    b"[" * 200,
    b"id: *a\n",
    b"a: &a [*a]\n",
    b"!!python/object/apply:os.system ['true']\n",
    b"\tid: x\n",
    b"id: x\n---\nid: y\n",
    b"id: x\nid: y\n",
]


def test_the_policy_harness_runs_its_seed_corpus_and_hostile_inputs() -> None:
    module = harness("fuzz_policy_loader")
    evaluated = harness("harness").counted("valid policies evaluated")
    seeds = module.bundled_policies()
    assert len(seeds) == len(list((ROOT / "policies").rglob("*.yaml")))
    for _, data in seeds:
        module.test_one_input(data)
    assert harness("harness").counted("valid policies evaluated") == evaluated + len(seeds)
    for data in HOSTILE_INPUTS:
        module.test_one_input(data)
    assert "break-rule" in module.tokens() and "threshold_pct: " in module.tokens()


def test_the_rulebook_harness_runs_a_seed_and_hostile_inputs() -> None:
    module = harness("fuzz_rulebook_loader")
    compiled = "distinct valid rulebooks compiled and run on the library"
    before = harness("harness").counted(compiled)
    seeds = dict(module.seeds())
    assert "calls.yaml" in seeds and "derived.yaml" in seeds
    module.test_one_input(seeds["leadership.yaml"])  # valid: compiled and run on the library
    assert harness("harness").counted(compiled) == before + 1
    module.test_one_input(seeds["derived.yaml"])  # waits for facts no rule here derives
    for data in HOSTILE_INPUTS:
        module.test_one_input(data)


def test_the_harness_check_fails_on_a_message_without_its_place() -> None:
    """The harnesses' own check must be able to fail, or a fuzz run proves nothing."""
    module = harness("harness")
    with pytest.raises(InputError) as caught:
        load_policy_text(b"id: [\n", "fuzz/policy.yaml")
    module.check_problems(caught.value.problems, "fuzz/policy.yaml")
    unlocated = type("P", (), {"file": "fuzz/policy.yaml", "line": 1, "column": 1, "__str__": lambda s: "x"})
    with pytest.raises(AssertionError, match="file:line:column"):
        module.check_problems([unlocated()], "fuzz/policy.yaml")
    with pytest.raises(AssertionError, match="no problem"):
        module.check_problems([], "fuzz/policy.yaml")
