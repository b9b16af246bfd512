"""A rulebook is data with a strict schema, and nothing it says can hang or crash the rule engine.

Each defect a robustness probe found in organisation rulebooks (``--rulebook DIR``)
has a test here, through ``load_rulebook`` and through the CLI (exit 2, the
located message, never a traceback): rulebooks that made durable-rules hang in
C (a 515-value ``in:`` list, 520 rules branching at one test), fail at compile
or run time (operator keys, too many rules matching one fact, identical rules,
numbers it cannot read), match silently never (reserved or unknown keys, values
a key never holds), score nonsense (an infinite saturation), or print object
internals (``{policy.__class__}`` in a template).

The loader checks the engine's limits on a model of the Rete network; the
model is held to the real engine here: it compiles conditions as
``policyweigh.rete`` does, and at the match-stack limit it agrees with durable-rules
itself (run in a subprocess, since past its limits it may crash).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from policyweigh import rete
from policyweigh.cli import main
from policyweigh.errors import InputError
from policyweigh.evaluation import PolicyValues, fill
from policyweigh.facts import rule_facts
from policyweigh.formatting import format_value
from policyweigh.policy import RULE_KINDS
from policyweigh.rulebook import (
    DATA_DIR,
    ENGINE_LIMITS,
    MAX_BRANCHES,
    MAX_IN_CONDITIONS,
    MAX_MATCH_STACK,
    MAX_RULES,
    MAX_SAME_PATH,
    Rulebook,
    engine_limit_problems,
    fact_type,
    load_rulebook,
    network_tests,
    rulebook_problems,
)
from policyweigh.rulebook.models import (
    MAX_IN_VALUES,
    NUMBER_LIMIT,
    Check,
    ImpactRule,
    fact_keys,
    template_problem,
)
from policyweigh.templates import UNSET, policy_template, render_reason
from policyweigh.yamldoc import parse_yaml
from tests.helpers import DATA, ROOT, make_policy

MINI = DATA / "rulebooks" / "mini"
HOSTILE = DATA / "rulebooks" / "hostile"
POLICIES = ROOT / "policies"
# A safety net against a hang only: every assertion is about behaviour, none about time.
HANG_GUARD_SECONDS = 60


def rulebook_with(
    tmp_path: Path,
    impact: str = "",
    *,
    conflicts: str | None = None,
    remedies: str | None = None,
    saturation: str | None = None,
) -> Path:
    """The mini rulebook plus ``impact/extra.yaml`` (and conflicts, remedies, a saturation)."""
    book = tmp_path / "book"
    shutil.copytree(MINI, book)
    if impact:
        (book / "impact" / "extra.yaml").write_text(impact, encoding="utf-8")
    if conflicts is not None:
        (book / "conflicts.yaml").write_text(conflicts, encoding="utf-8")
    if remedies is not None:
        (book / "remedies.yaml").write_text(remedies, encoding="utf-8")
    if saturation is not None:
        criteria = book / "criteria.yaml"
        criteria.write_text(
            criteria.read_text(encoding="utf-8").replace("saturation: 12", f"saturation: {saturation}"),
            encoding="utf-8",
        )
    return book


def impact_rule(code: str, when: str, because: str = "Staff are affected.") -> str:
    """One impact rule as YAML (``when`` written as a YAML flow mapping)."""
    return (
        f"- code: {code}\n"
        f"  name: extra.{code.lower()}\n"
        "  summary: A rule under test.\n"
        f"  when: {when}\n"
        "  impacts: {employee.wellbeing: -1}\n"
        f"  because: {because}\n"
    )


def code(index: int) -> str:
    """The code of the ``index``-th generated rule: ZA000, ZA001, ... ZB000 (codes hold three digits)."""
    return f"Z{'ABCDEFGHIJ'[index // 1000]}{index % 1000:03d}"


def numbered(count: int, when: Any) -> str:
    """``count`` impact rules ZA000.. with conditions ``when(i)`` (JSON is YAML flow), in code order."""
    return "".join(impact_rule(code(i), json.dumps(when(i))) for i in range(count))


def refused(book: Path) -> list[str]:
    """The located problems ``load_rulebook`` raises for ``book`` (it must raise)."""
    with pytest.raises(InputError) as err:
        load_rulebook(book)
    return [str(p) for p in err.value.problems]


def assert_refused(capsys: pytest.CaptureFixture[str], book: Path, *expected: str) -> list[str]:
    """The loader refuses ``book`` with every ``expected`` text; the CLI exits 2 printing the same lines."""
    problems = refused(book)
    for text in expected:
        assert any(text in p for p in problems), f"no problem contains {text!r}:\n" + "\n".join(problems)
    capsys.readouterr()
    exit_code = main(["evaluate", str(POLICIES), "--rulebook", str(book)])
    err = capsys.readouterr().err
    assert exit_code == 2, err
    assert err.splitlines() == problems
    assert "Traceback" not in err and "internal error" not in err
    return problems


def refused_in_a_fresh_process(book: Path) -> tuple[list[str], list[str], str]:
    """Load ``book``, then run ``policyweigh evaluate policies/ --rulebook BOOK``, in a fresh process.

    Returns the loader's problems, the rule-engine modules imported by then (none:
    the loader never reaches durable-rules), and the CLI's exit code and stderr,
    one line each. The timeout is only a safety net against a hang.
    """
    script = textwrap.dedent(
        f"""
        import sys
        from policyweigh.errors import InputError
        from policyweigh.rulebook import load_rulebook
        try:
            load_rulebook({str(book)!r})
        except InputError as err:
            print("\\n".join(str(p) for p in err.problems))
        print(sorted(m for m in sys.modules if m.startswith(("durable", "policyweigh.rete"))))
        from policyweigh.cli import main
        print("exit", main(["evaluate", "policies/", "--rulebook", {str(book)!r}]))
        """
    )
    run = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=HANG_GUARD_SECONDS,
        check=False,
    )
    *problems, modules, exit_line = run.stdout.splitlines()
    return problems, [modules, exit_line], run.stderr


# --- What hung the process: refused by the loader before durable-rules is ever imported ---------


def test_in_list_of_515_values_is_refused_before_the_engine_sees_it(tmp_path: Path) -> None:
    values = ["guideline"] + [f"level-{i}" for i in range(514)]
    book = rulebook_with(
        tmp_path, impact_rule("ZZZ001", json.dumps({"kind": "call-time-cap", "enforcement": {"in": values}}))
    )
    problems, (modules, exit_line), err = refused_in_a_fresh_process(book)
    extra = book / "impact" / "extra.yaml"
    column = extra.read_text(encoding="utf-8").splitlines()[3].index("[") + 1
    assert problems == [
        f"{extra}:4:{column}: [0].when.enforcement.in: expected at most {MAX_IN_VALUES} entries; got 515"
    ]
    assert modules == "[]"
    assert exit_line == "exit 2"
    assert err.splitlines() == problems


def test_520_rules_branching_at_one_test_are_refused_before_the_engine_sees_it(tmp_path: Path) -> None:
    # 520 rules whose first test (hours_per_year, sorted before kind) differs: 520 successors of
    # one node, where durable-rules holds 511 and hangs in C beyond.
    book = rulebook_with(tmp_path, numbered(520, lambda i: {"kind": "training", "hours_per_year": i}))
    problems, (modules, exit_line), err = refused_in_a_fresh_process(book)
    (problem,) = problems
    # 520 plus the mini rulebook's 4 (CTC002's two `in:` values, BRK001 and TRN001).
    assert (
        "impact rules: 524 different tests follow the start of every rule; "
        f"at most {MAX_BRANCHES} may (durable-rules hangs at 512" in problem
    )
    assert modules == "[]"
    assert exit_line == "exit 2"
    assert err.splitlines() == problems


def test_a_rule_pushing_a_node_past_its_successors_is_the_one_located(tmp_path: Path) -> None:
    # The mini rulebook's rules already branch 4 ways at the start (CTC002's two `in:` values,
    # BRK001, TRN001), so the 381st extra rule is the 385th branch.
    book = rulebook_with(tmp_path, numbered(400, lambda i: {"kind": "training", "hours_per_year": i}))
    (problem,) = refused(book)
    extra = book / "impact" / "extra.yaml"
    # The count is the node's final one: 400 extra branches and the mini rulebook's 4.
    assert problem.startswith(f"{extra}:{380 * 6 + 4}:9: [380].when: impact rules: 404 different tests")


# --- What durable-rules failed on at compile or run time --------------------------------------


@pytest.mark.parametrize("key", ["$and", "$or", "$lt", "$ex"])
def test_durable_operator_as_when_key_is_refused(
    key: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    when = f"{{kind: training, {key}: 1}}"
    book = rulebook_with(tmp_path, impact_rule("ZZZ001", when))
    column = f"  when: {when}".index(key) + 1
    assert_refused(
        capsys,
        book,
        f"extra.yaml:4:{column}: [0].when.{key}: '{key}' is not a fact key: operators go inside a key's mapping",
    )


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("$s", "'$s' is not a fact key"),
        ("$m", "'$m' is not a fact key"),
        ("$type", "'$type' is not a fact key"),
        ("sid", "'sid' is reserved by the rule engine; no fact carries it as data"),
        ("id", "'id' is reserved by the rule engine; no fact carries it as data"),
        ("''", "'' is not a fact key: keys are field names"),
    ],
)
def test_keys_that_silently_never_matched_are_refused(
    key: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = rulebook_with(tmp_path, impact_rule("ZZZ001", f"{{kind: training, {key}: 1}}"))
    assert_refused(capsys, book, "extra.yaml:4:", message)


def test_more_rules_matching_one_fact_than_the_match_stack_holds_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 64 rules that all fire on one training fact: durable-rules failed every assert with error 303.
    # The mini rulebook's TRN001 matches training facts too: one more pending test.
    book = rulebook_with(tmp_path, numbered(64, lambda i: {"kind": "training", "hours_per_year": {"ge": -i}}))
    problems = assert_refused(
        capsys,
        book,
        "impact rules: matching one training fact can keep 66 tests pending at once; "
        f"at most {MAX_MATCH_STACK} may (durable-rules fails past 64, error 303",
    )
    # Located at the rule that first passes the limit: the 47th extra one (47 + TRN001 + 1 > 48).
    extra = book / "impact" / "extra.yaml"
    assert problems == [f"{extra}:{46 * 6 + 4}:9: [46].when: " + problems[0].split(": ", 2)[2]]


def test_rules_of_another_kind_that_share_a_first_test_count_towards_the_match_stack(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # None of these knowledge-base rules fires on a training fact, but each one's first test
    # (audience, sorted before kind) holds for it: measured, 64 of them fail the assert too.
    book = rulebook_with(
        tmp_path, numbered(64, lambda i: {"kind": "knowledge-base", "audience": {"ne": f"team-{i}"}})
    )
    assert_refused(
        capsys,
        book,
        "audience is one of all, customer-facing, leaders, never 'team-0': this test always holds",
        "[46].when: impact rules: matching one training fact can keep 66 tests pending at once",
        "[47].when: impact rules: matching one knowledge-base fact can keep 65 tests pending at once",
    )


def test_rules_matching_one_fact_up_to_the_limit_load(tmp_path: Path) -> None:
    # 46 extra rules, TRN001 and the root: 48 pending tests at most.
    book = rulebook_with(
        tmp_path, numbered(MAX_MATCH_STACK - 2, lambda i: {"kind": "training", "hours_per_year": {"ge": -i}})
    )
    assert len(load_rulebook(book).impact_rules) == 5 + MAX_MATCH_STACK - 2


@pytest.mark.parametrize("copies", [2, 400])
def test_identical_rules_are_refused_as_one_duplicate_group(
    copies: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 400 identical rules failed to compile (error 108); two are already one rule said twice.
    book = rulebook_with(tmp_path, numbered(copies, lambda i: {"kind": "training", "audience": "all"}))
    more = f"ZA001 and {copies - 2} more rules test" if copies > 2 else "ZA001 tests"
    problems = assert_refused(
        capsys,
        book,
        f"extra.yaml:10:9: [1].when: {more} the same conditions as ZA000 "
        f"({book / 'impact' / 'extra.yaml'}:1): rules with the same conditions always fire together",
    )
    # Past MAX_SAME_PATH copies they would also end on one node of the network.
    shared = [
        p for p in problems if "rule sides test exactly the conditions audience = all, kind = training" in p
    ]
    assert len(shared) == (1 if copies > MAX_SAME_PATH else 0)
    assert len(problems) == 1 + len(shared)


def test_same_conditions_written_differently_are_duplicates(tmp_path: Path) -> None:
    book = rulebook_with(
        tmp_path,
        impact_rule("ZZZ001", "{kind: training, audience: {in: [all, leaders]}}")
        + impact_rule("ZZZ002", "{kind: {eq: training}, audience: {in: [leaders, all]}}"),
    )
    (problem,) = refused(book)
    assert "[1].when: ZZZ002 tests the same conditions as ZZZ001" in problem


def test_conflict_sides_shared_by_more_rules_than_the_engine_holds_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Sides with the same conditions end on one node of the join network; durable-rules holds
    # 255 rules there and crashed (segmentation fault) at 256.
    conflicts = "".join(
        f"- code: CON{i:03d}\n"
        f"  name: extra.con{i:03d}\n"
        "  kind: contradiction\n"
        "  severity: warning\n"
        "  summary: A clash under test.\n"
        "  a: {kind: call-time-cap, enforcement: bonus-gate}\n"
        f"  b: {{kind: training, hours_per_year: {i}}}\n"
        "  because: '{a.policy} against {b.policy}.'\n"
        for i in range(MAX_SAME_PATH + 1)
    )
    book = rulebook_with(tmp_path, conflicts=conflicts)
    assert_refused(
        capsys,
        book,
        f"conflict rules: {MAX_SAME_PATH + 1} rule sides test exactly the conditions enforcement = bonus-gate, "
        f"kind = call-time-cap; at most {MAX_SAME_PATH} may (durable-rules crashes at 256)",
    )


def test_conflict_rules_joining_the_same_facts_are_duplicates(tmp_path: Path) -> None:
    conflict = (
        "- code: CON{n}\n"
        "  name: extra.con{n}\n"
        "  kind: contradiction\n"
        "  severity: warning\n"
        "  summary: A clash under test.\n"
        "  a: {a}\n"
        "  b: {b}\n"
        "  because: '{{a.policy}} against {{b.policy}}.'\n"
    )
    cap, training = "{kind: call-time-cap}", "{kind: training}"
    book = rulebook_with(
        tmp_path,
        conflicts=conflict.format(n="001", a=cap, b=training) + conflict.format(n="002", a=training, b=cap),
    )
    (problem,) = refused(book)
    assert "conflicts.yaml:14:6: [1].a: CON002 joins the same facts as CON001" in problem


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ("{eq: 1.0e+308}", "got 1e+308"),
        ("{lt: .inf}", "expected a finite number; got inf"),
        ("{ge: -.inf}", "expected a finite number; got -inf"),
        ("{eq: .nan}", "expected a finite number; got nan"),
        ("{in: [5, 1.0e+16]}", "got 1e+16"),
        ("{gt: 0.00001}", "got 1e-05"),
        ("10000000000000001", "got 10000000000000001"),
    ],
)
def test_numbers_the_engine_cannot_read_are_refused(
    condition: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = rulebook_with(
        tmp_path, impact_rule("ZZZ001", f"{{kind: call-time-cap, max_minutes: {condition}}}")
    )
    assert_refused(capsys, book, "extra.yaml:4:", "[0].when.max_minutes", message)


def test_numbers_at_the_limits_load(tmp_path: Path) -> None:
    book = rulebook_with(
        tmp_path,
        impact_rule("ZZZ001", f"{{kind: metric-target, target: {{lt: {NUMBER_LIMIT}, gt: 0.0001}}}}"),
    )
    target = load_rulebook(book).impact_by_code["ZZZ001"].when["target"]
    assert isinstance(target, Check) and target.lt == NUMBER_LIMIT


@pytest.mark.parametrize(
    ("saturation", "message"),
    [
        (".inf", "expected a number at most 1000; got inf"),
        (".nan", "expected a number at most 1000; got nan"),
        ("0.5", "expected a number at least 1; got 0.5"),
        ("1.0e+308", "expected a number at most 1000"),
    ],
)
def test_saturation_outside_its_range_is_refused(
    saturation: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # An infinite saturation made every score 0.
    book = rulebook_with(tmp_path, saturation=saturation)
    assert_refused(capsys, book, "criteria.yaml:7:15: scoring.saturation", message)


def test_more_in_conditions_in_one_rule_than_the_engine_compiles_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    keys = [
        "audience",
        "hours_per_year",
        "onboarding_weeks",
        "policy.jurisdiction",
        "policy.status",
        "scope.customer_facing",
        "scope.headcount",
        "scope.roles.count",
        "scope.shift_hours",
        "scope.shift_starts.count",
        "scope.teams.count",
    ]
    values = {"audience": ["all"], "policy.jurisdiction": ["uk"], "policy.status": ["draft"]}
    when = {"kind": "training"} | {
        key: {"in": values.get(key, [True] if key == "scope.customer_facing" else [1])} for key in keys
    }
    book = rulebook_with(tmp_path, impact_rule("ZZZ001", json.dumps(when)))
    assert_refused(
        capsys,
        book,
        "[0].when.scope.teams.count.in: ",
        f"11 `in:` conditions in one rule side; at most {MAX_IN_CONDITIONS} may (durable-rules compiles at most 14)",
    )


def test_value_listed_twice_in_an_in_list_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = rulebook_with(
        tmp_path, impact_rule("ZZZ001", "{kind: training, hours_per_year: {in: [1, 2, 1.0]}}")
    )
    assert_refused(capsys, book, "[0].when.hours_per_year.in: `in` lists 1.0 twice; list each value once")


def test_more_rules_than_the_loader_allows_are_refused() -> None:
    # Built in code: parsing 2,000 rules of YAML is the slow part, and the YAML path is the one of
    # every other test here. Spread so that no other limit is reached: 100 x 20 equality tests.
    mini = load_rulebook(MINI)
    rules = tuple(
        ImpactRule.model_validate(
            {
                "code": code(i),
                "name": f"extra.{code(i).lower()}",
                "summary": "s",
                "when": {"kind": "training", "hours_per_year": i // 20, "onboarding_weeks": i % 20},
                "impacts": {"employee.wellbeing": -1},
                "because": "b",
            }
        )
        for i in range(MAX_RULES - 4)
    )
    book = Rulebook(mini.criteria, mini.scoring, mini.evidence, (*mini.impact_rules, *rules), source="code")
    assert [str(p) for p in rulebook_problems(book)] == [
        f"code:1:1: ZB995: the rulebook has {MAX_RULES + 1} impact rules; at most {MAX_RULES} are allowed "
        "(durable-rules compiles at most 4,094 rules in one ruleset)"
    ]
    assert rulebook_problems(replace(book, impact_rules=book.impact_rules[:-1])) == []


# --- What never matched: conditions checked against the keys facts carry -----------------------


@pytest.mark.parametrize(
    ("when", "message"),
    [
        (
            "{kind: call-time-cap, max_minute: {lt: 8}}",
            "[0].when.max_minute: no fact key max_minute in call-time-cap facts; the README lists the "
            "fact keys (did you mean 'max_minutes'?)",
        ),
        (
            "{kind: training, max_minutes: {lt: 8}}",
            "[0].when.max_minutes: max_minutes is a key of call-time-cap facts, not of training facts: "
            "this condition never holds",
        ),
        (
            "{kind: training, topics.has.product: true}",
            "[0].when.topics.has.product: topics.has.product is no key: test a list's members with "
            "`topics: {contains: product}`",
        ),
        (
            "{kind: staffing, service_level_target: {exists: true}}",
            "[0].when.service_level_target: facts carry service_level_target only in parts: "
            "service_level_target.answered_pct, service_level_target.count, service_level_target.within_seconds",
        ),
        (
            "{kind: training, scope.teams: {contains: support}}",
            "[0].when.scope.teams: no fact key scope.teams in training facts; the README lists the fact keys "
            "(did you mean 'scope.teams.count'?)",
        ),
        (
            "{kind: call-time-cap, enforcement: bonus-gat}",
            "[0].when.enforcement: enforcement is one of guideline, coaching, bonus-gate, disciplinary, never "
            "'bonus-gat': this test never holds (did you mean 'bonus-gate'?)",
        ),
        (
            "{kind: call-time-caps}",
            "[0].when.kind: kind is one of bonus-threshold",
        ),
        (
            "{kind: call-time-cap, enforcement: {lt: 3}}",
            "[0].when.enforcement.lt: lt compares numbers; enforcement holds text",
        ),
        (
            "{kind: call-time-cap, max_minutes: {contains: five}}",
            "[0].when.max_minutes.contains: contains tests the members of a list field; max_minutes holds "
            "one number value",
        ),
        (
            "{kind: training, topics: communication}",
            "[0].when.topics: topics is a list: test its members with contains / not_contains, or its length "
            "with topics.count",
        ),
        (
            "{kind: training, topics: {contains: comunication}}",
            "(did you mean 'communication'?)",
        ),
        (
            "{kind: training, hours_per_year: {ne: lots}}",
            "[0].when.hours_per_year.ne: hours_per_year holds a number, never 'lots': this test always holds",
        ),
        (
            "{kind: knowledge-base, available: {in: [yes, true]}}",
            "[0].when.available.in[0]: available holds true or false, never 'yes': this test never holds",
        ),
        (
            "{derived: rushed-contacts, kind: call-time-cap}",
            "[0].when.kind: kind is a key of policy rule facts, not of derived facts: this condition never holds",
        ),
        (
            "{kind: training, hours_per_year: {eq: null}}",
            "eq: null tests nothing; to test that a key is absent, write exists: false",
        ),
    ],
)
def test_conditions_that_could_never_hold_are_refused(
    when: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = rulebook_with(tmp_path, impact_rule("ZZZ001", when))
    assert_refused(capsys, book, "extra.yaml:4:", message)


def test_conflict_sides_and_remedy_targets_match_policy_rules_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    conflicts = (
        "- code: CON001\n"
        "  name: extra.derived-side\n"
        "  kind: contradiction\n"
        "  severity: warning\n"
        "  summary: Joins see policy rules only.\n"
        "  a: {derived: rushed-contacts}\n"
        "  b: {kind: training, hours_per_yer: {ge: 1}}\n"
        "  because: '{a.policy} against {b.policy}.'\n"
    )
    remedies = (
        "- code: REM001\n"
        "  name: extra.remedy\n"
        "  summary: Never applies.\n"
        "  applies_to: {derived: rushed-contacts}\n"
        "  patch: {enforcement: coaching}\n"
    )
    book = rulebook_with(tmp_path, conflicts=conflicts, remedies=remedies)
    assert_refused(
        capsys,
        book,
        "conflicts.yaml:6:7: [0].a.derived: only impact rules match derived facts; this condition matches "
        "policy rules",
        "conflicts.yaml:7:23: [0].b.hours_per_yer: no fact key hours_per_yer in training facts",
        "remedies.yaml:4:16: [0].applies_to.derived: only impact rules match derived facts",
    )


# --- Templates: only placeholders naming what the matched facts carry; the renderer evaluates nothing


@pytest.mark.parametrize(
    ("because", "message"),
    [
        (
            "'Trained in {policy.__class__}.'",
            "'{policy.__class__}' at character 12 is not a placeholder: attribute access",
        ),
        (
            "'Fields: {policy.model_fields}.'",
            "'{policy.model_fields}' at character 9 is not a placeholder: after 'scope.'",
        ),
        (
            "'First topic {topics[0]}.'",
            "'{topics[0]}' at character 13 is not a placeholder: indexing is not supported",
        ),
        (
            "'Padded {hours_per_year:>999999999}.'",
            "'{hours_per_year:>999999999}' at character 8 is not a placeholder: format specifications",
        ),
        (
            "'As code {hours_per_year!r}.'",
            "'{hours_per_year!r}' at character 9 is not a placeholder: conversions",
        ),
        ("'A lone { brace.'", "'{' at character 8 is not a placeholder: a lone '{'"),
        (
            "'Trained for {hours_per_yer} hours.'",
            "{hours_per_yer} names no key of the facts the rule matches, so it would always print (unset) "
            "(did you mean 'hours_per_year'?)",
        ),
        ("'Cap of {max_minutes}.'", "{max_minutes} names no key of the facts the rule matches"),
    ],
)
def test_because_templates_name_only_fact_keys(
    because: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = rulebook_with(
        tmp_path, impact_rule("ZZZ001", "{kind: training, hours_per_year: {ge: 1}}", because)
    )
    assert_refused(capsys, book, "extra.yaml:6:12: [0].because: ", message)


def test_conflict_templates_name_a_side_and_its_keys(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    conflicts = (
        "- code: CON001\n"
        "  name: extra.clash\n"
        "  kind: contradiction\n"
        "  severity: warning\n"
        "  summary: A clash under test.\n"
        "  a: {kind: call-time-cap}\n"
        "  b: {kind: training}\n"
        "  because: '{c.max_minutes} and {a.max_minute} against {b.policy.__class__}.'\n"
    )
    book = rulebook_with(tmp_path, conflicts=conflicts)
    character = conflicts.index("{b.policy.__class__}") - conflicts.index("{c.max_minutes}") + 1
    assert_refused(
        capsys,
        book,
        f"conflicts.yaml:8:12: [0].because: '{{b.policy.__class__}}' at character {character} is not a placeholder",
    )
    book = rulebook_with(tmp_path / "2", conflicts=conflicts.replace(" against {b.policy.__class__}", ""))
    assert_refused(
        capsys,
        book,
        "{c.max_minutes} names no side: a conflict's placeholders start with a. or b.",
        "{a.max_minute} names no key of the facts the rule matches, so it would always print (unset) "
        "(did you mean 'a.max_minutes'?)",
    )


@pytest.mark.parametrize(
    "template",
    [
        "{policy.__class__}",
        "{policy.model_fields}",
        "{a.policy.model_fields}",
        "{scope.__class__}",
        "{scope.model_config}",
        "{title.__len__}",
        "{kind[0]}",
        "{kind!r}",
        "{kind:>999999999}",
        "{__class__}",
    ],
)
def test_renderer_reads_no_attribute_even_from_an_unchecked_template(template: str) -> None:
    # The loader refuses these templates; the renderers must be safe without it.
    asked: list[str] = []

    def lookup(name: str) -> Any:
        asked.append(name)
        return "value"

    assert template_problem(template) is not None
    assert render_reason(template, lookup) == template
    assert asked == []
    # The engine's own renderer, with the real lookup into the policy model.
    policy = make_policy({"kind": "training", "hours_per_year": 12})
    (fact,) = rule_facts(policy)
    assert fill(template, PolicyValues(policy).lookup(fact)) == template


def test_renderer_fills_placeholders_with_the_matched_values() -> None:
    policy = make_policy(
        {"kind": "training", "hours_per_year": 12, "topics": ["product"]}, scope={"teams": ["a"]}
    )
    (fact,) = rule_facts(policy)
    lookup = PolicyValues(policy).lookup(fact)
    template = "{hours_per_year} h of {topics} for {scope.teams} ({scope.teams.count}) in {policy}: {missing}"
    assert render_reason(template, lookup, format_value) == f"12 h of product for a (1) in p: {UNSET}"
    assert fill(template, lookup) == render_reason(template, lookup, format_value)


# --- The whole: shipped rulebooks still load; the model is held to the engine -----------------------


@pytest.mark.parametrize("path", [DATA_DIR, MINI, ROOT / "tests" / "golden" / "report" / "rulebook"])
def test_shipped_and_test_rulebooks_load_unchanged(path: Path) -> None:
    book = load_rulebook(path)
    assert rulebook_problems(book) == []
    assert engine_limit_problems(book) == []


def test_every_test_rulebook_but_the_hostile_one_loads() -> None:
    folders = sorted(p for p in (DATA / "rulebooks").iterdir() if p.is_dir())
    assert HOSTILE in folders
    for folder in folders:
        if folder != HOSTILE:
            load_rulebook(folder)


def test_the_hostile_rulebook_is_refused_with_every_problem_located(
    capsys: pytest.CaptureFixture[str],
) -> None:
    impact = HOSTILE / "impact" / "rules.yaml"
    expected = [
        f"{HOSTILE / 'criteria.yaml'}:7:15: scoring.saturation: expected a number at most 1000; got inf",
        f"{impact}:5:26: [0].when.$and: '$and' is not a fact key: operators go inside a key's mapping "
        "(eq, ne, lt, le, gt, ge, in, not_in, exists, contains, not_contains); conditions on several keys "
        "must all hold, and alternatives are written with `in:`",
        f"{impact}:5:32: [0].when.$and: expected true or false, a whole number, a number, a string or a "
        "mapping; got a list",
        f"{impact}:11:49: [1].when.max_minutes.lt: expected a finite number; got inf",
        f"{impact}:17:44: [2].when.max_minutes: expected 0 or a number from 0.0001 to 1e+15 in size (the rule "
        "engine cannot read other numbers); got 1e+308",
        f"{impact}:23:26: [3].when.sid: 'sid' is reserved by the rule engine; no fact carries it as data",
        f"{impact}:37:12: [5].because: '{{policy.__class__}}' at character 12 is not a placeholder: attribute "
        "access is not supported; placeholders name fact keys",
        f"{HOSTILE / 'conflicts.yaml'}:7:7: [0].a.derived: only impact rules match derived facts; this "
        "condition matches policy rules",
        f"{HOSTILE / 'conflicts.yaml'}:9:12: [0].because: {{c.max_minutes}} names no side: a conflict's "
        "placeholders start with a. or b. ({a.max_minutes}, {b.policy})",
        f"{impact}:29:44: [4].when.enforcement: enforcement is one of guideline, coaching, bonus-gate, "
        "disciplinary, never 'bonus-gat': this test never holds (did you mean 'bonus-gate'?)",
        f"{impact}:41:31: [6].when.max_minute: no fact key max_minute in call-time-cap facts; the README "
        "lists the fact keys (did you mean 'max_minutes'?)",
        f"{impact}:43:12: [6].because: {{max_minute}} names no key of the facts the rule matches, so it "
        "would always print (unset) (did you mean 'max_minutes'?)",
        f"{HOSTILE / 'remedies.yaml'}:5:37: [0].applies_to.max_minute: no fact key max_minute in "
        "call-time-cap facts; the README lists the fact keys (did you mean 'max_minutes'?)",
    ]
    assert assert_refused(capsys, HOSTILE) == expected


def _durable_json(tests: list[tuple[str, str, Any]]) -> list[dict[str, Any]]:
    """The model's tests written as durable-rules JSON, the way policyweigh.rete writes conditions."""
    out: list[dict[str, Any]] = []
    for key, op, value in tests:
        if op == "eq":
            out.append({key: value})
        elif op == "any":
            out.append({"$or": [{key: v} for v in value]})
        else:
            out.append({f"${op}": {key: value}})
    return out


def test_network_model_compiles_conditions_as_the_rete_layer_does() -> None:
    # The limits are checked on the network the model builds; if policyweigh.rete compiles conditions
    # differently, this fails and the model (engine/rulebook/__init__.py) must follow.
    book = load_rulebook()
    sides = [r.when for r in book.impact_rules] + [w for c in book.conflict_rules for w in (c.a, c.b)]
    sides.append(
        ImpactRule.model_validate(
            {
                "code": "ZZZ001",
                "name": "z.every-operator",
                "summary": "s",
                "when": {
                    "kind": "training",
                    "hours_per_year": {"eq": 1, "ne": 2, "lt": 3, "le": 4, "gt": 0, "ge": 1, "in": [1, 2]},
                    "audience": {"not_in": ["all", "leaders"], "exists": True},
                    "onboarding_weeks": {"exists": False},
                    "topics": {"contains": "product", "not_contains": "systems"},
                },
                "impacts": {"employee.wellbeing": 1},
                "because": "b",
            }
        ).when
    )
    for when in sides:
        assert (
            _durable_json(network_tests(when, fact_type(when)))
            == rete.compile_when(when, fact_type(when))["$and"]
        )


def test_fact_keys_cover_every_key_the_facts_carry() -> None:
    # Every key policyweigh.facts makes, for the template of every kind and every example of the
    # bundled rulebook, is a key the loader lets conditions name.
    book = load_rulebook()
    rules: list[dict[str, Any]] = []
    for kind in RULE_KINDS:
        rules.extend(parse_yaml(policy_template(kind)).data["rules"])
    for rule in book.impact_rules:
        for example in (*rule.examples.fires, *rule.examples.silent):
            rules.append({k: v for k, v in example.items() if k not in ("scope", "jurisdiction")})
    for data in rules:
        (fact,) = rule_facts(make_policy(data, jurisdiction="uk", scope={"headcount": 3, "shift_hours": 8}))
        keys = fact_keys(data["kind"])
        lists = {k for k, info in keys.items() if info.shape == "list"}
        for key in fact:
            member = key.partition(".has.")[0] in lists
            assert key in keys or member or key == "rule_index", f"{data['kind']}: {key}"


def test_match_stack_model_agrees_with_the_engine_at_its_limit() -> None:
    # In a subprocess: past its limit durable-rules fails the assert (and may leave its state
    # unusable for the rest of the process).
    script = textwrap.dedent(
        """
        from policyweigh import rete
        from policyweigh.facts import rule_facts
        from policyweigh.policy import Policy
        from policyweigh.rulebook import Rulebook, _build, _impact_sides, _shapes, _stack_depth, load_rulebook
        from policyweigh.rulebook.models import ImpactRule

        mini = load_rulebook("tests/data/rulebooks/mini")
        policy = Policy.model_validate(
            {"id": "p", "title": "t", "rules": [{"kind": "training", "hours_per_year": 5}]}
        )
        for count in (63, 64):
            rules = tuple(
                ImpactRule.model_validate(
                    {"code": f"ZZ{i:03d}", "name": f"z.r{i}", "summary": "s",
                     "when": {"kind": "training", "hours_per_year": {"ge": -i}},
                     "impacts": {"employee.wellbeing": -1}, "because": "b"}
                )
                for i in range(count)
            )
            book = Rulebook(mini.criteria, mini.scoring, mini.evidence, rules)
            shape = next(s for s in _shapes(book, derived=False) if s.kind == "training")
            depth = _stack_depth(_build(_impact_sides(book)).root, shape)
            try:
                outcome = f"fired {len(rete.run_impact(book, rule_facts(policy)))}"
            except Exception as err:
                outcome = "failed: " + ("303" if "303" in str(err) else str(err))
            print(count, depth, outcome)
        """
    )
    run = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=HANG_GUARD_SECONDS,
        check=False,
    )
    assert run.stdout.splitlines() == ["63 64 fired 63", "64 65 failed: 303"], run.stderr


def test_limits_keep_a_margin_below_what_the_engine_failed_at() -> None:
    # First failures measured with durable-rules 2.0.28 (see the comments on each constant).
    measured = {
        "in_values": 512,
        "in_conditions": 15,
        "branches": 512,
        "absent_tests": 129,
        "same_path": 256,
        "match_stack": 65,
        "rules": 4095,
    }
    assert set(ENGINE_LIMITS) == set(measured)
    for name, limit in ENGINE_LIMITS.items():
        assert limit <= 0.8 * measured[name], name


def test_a_rulebook_built_in_code_is_checked_with_item_locations() -> None:
    # Without the YAML documents, problems point at each rule's line.
    mini = load_rulebook(MINI)
    rules = tuple(
        ImpactRule.model_validate(
            {
                "code": f"ZZ{i:03d}",
                "name": f"z.r{i}",
                "summary": "s",
                "when": {"kind": "training", "hours_per_year": {"ge": -i}},
                "impacts": {"employee.wellbeing": -1},
                "because": "b",
            }
        )
        for i in range(MAX_MATCH_STACK + 1)
    )
    book = Rulebook(mini.criteria, mini.scoring, mini.evidence, rules, source="code")
    (problem,) = engine_limit_problems(book)
    assert str(problem).startswith(
        f"code:1:1: ZZ{MAX_MATCH_STACK - 1:03d}.when: impact rules: matching one training"
    )
