"""The BDD step library: failure messages (exact text), and steps run by pytest itself on small libraries."""

from __future__ import annotations

import textwrap
from typing import Any

import pytest

from policyweigh.bdd import (
    compare,
    conflict_line,
    conflicts_message,
    contribution_line,
    criterion_message,
    impact_message,
    remedy_message,
    verdict_message,
)
from policyweigh.results import Conflict, Contribution, PolicyResult, RemedyResult, Scores

pytest_plugins = ["pytester"]


def lines(*texts: str) -> str:
    """Lines of an expected message, joined."""
    return "\n".join(texts)


def contribution(rule: str, criterion: str, delta: int, reason: str) -> Contribution:
    return Contribution(
        rule=rule, name=rule.lower(), criterion=criterion, delta=delta, reason=reason, evidence=[], facts={}
    )


BAN = contribution("BRK001", "employee.autonomy", -2, "Lunch may not be taken between 10:00 and 12:00.")
FIXED = contribution("BRK002", "employee.autonomy", -1, "The lunch break is taken at a time set for staff.")
TIRED = contribution("BRK001", "employee.wellbeing", -1, "Lunch may not be taken between 10:00 and 12:00.")
SPEED = contribution("BRK001", "customer.speed", 1, "More agents answer at the peak.")


def lunch_ban(**scores: Any) -> PolicyResult:
    values: dict[str, Any] = {
        "employee": -46,
        "customer": -4,
        "customer_direct": 8,
        "customer_indirect": -12,
        "criteria": {"employee.autonomy": -4.5, "employee.wellbeing": -1.5, "customer.speed": 1.0},
    }
    values.update(scores)
    return PolicyResult(
        id="lunch-ban",
        title="No lunch between 10:00 and 12:00",
        verdict="customer-at-employee-cost",
        scores=Scores(**values),
        contributions=[BAN, SPEED, TIRED, FIXED],
    )


def remedy(code: str, employee: int, customer: int, *, resolves: bool = True, **extra: Any) -> RemedyResult:
    return RemedyResult(
        code=code,
        summary=f"Summary of {code}.",
        patch={"policy": "lunch-ban", "rule_index": 0, "set": {"scheduling": "staggered"}},
        scores_after={
            "employee": employee,
            "customer": customer,
            "employee_change": employee + 46,
            "customer_change": customer + 4,
        },
        resolves=resolves,
        **extra,
    )


TRADE_OFF = Conflict(
    code="TRD002",
    kind="trade-off",
    severity="warning",
    policies=["lunch-ban"],
    rules=["lunch-ban/rules[0]"],
    explanation="lunch-ban/rules[0] trades employee autonomy for customer speed.",
    remedies=[remedy("REM002", 36, 9), remedy("REM003", -12, -3, resolves=False, new_conflicts=["TRD001"])],
)
BREACH = Conflict(
    code="GRD010",
    kind="guardrail",
    severity="error",
    policies=["lunch-ban"],
    rules=["lunch-ban/rules[0]"],
    explanation="the shift starting 06:00 cannot take its break by 12:00",
    citation="UK Working Time Regulations 1998, reg. 12",
)


# --------------------------------------------------------------------------- messages


def test_verdict_message_names_both_verdicts_the_scores_and_the_top_contributions() -> None:
    assert verdict_message(lunch_ban(), "win-win") == lines(
        "expected the verdict 'win-win' for lunch-ban, got 'customer-at-employee-cost' "
        "(employee -46, customer -4: direct +8, indirect -12)",
        "top contributions:",
        "  BRK001 employee.autonomy -2: Lunch may not be taken between 10:00 and 12:00.",
        "  BRK001 customer.speed +1: More agents answer at the peak.",
        "  BRK001 employee.wellbeing -1: Lunch may not be taken between 10:00 and 12:00.",
        "  BRK002 employee.autonomy -1: The lunch break is taken at a time set for staff.",
    )


def test_impact_message_for_a_lower_bound_lists_what_pulls_the_side_down_first() -> None:
    assert impact_message(lunch_ban(), "employee", "at least", 0) == lines(
        "expected the employee impact of lunch-ban to be at least 0, got -46",
        "employee contributions, most negative first:",
        "  BRK001 employee.autonomy -2: Lunch may not be taken between 10:00 and 12:00.",
        "  BRK001 employee.wellbeing -1: Lunch may not be taken between 10:00 and 12:00.",
        "  BRK002 employee.autonomy -1: The lunch break is taken at a time set for staff.",
    )


def test_impact_message_for_an_upper_bound_lists_what_pushes_the_side_up_first() -> None:
    assert impact_message(lunch_ban(), "direct customer", "below", 5) == lines(
        "expected the direct customer impact of lunch-ban to be below 5, got 8 "
        "(customer -4: direct +8, indirect -12)",
        "customer contributions, most positive first:",
        "  BRK001 customer.speed +1: More agents answer at the peak.",
    )


def test_impact_message_for_the_customer_shows_the_employee_side_behind_the_indirect_part() -> None:
    assert impact_message(lunch_ban(), "customer", "at least", 0) == lines(
        "expected the customer impact of lunch-ban to be at least 0, got -4 "
        "(customer -4: direct +8, indirect -12)",
        "customer contributions, most negative first:",
        "  BRK001 customer.speed +1: More agents answer at the peak.",
        "employee contributions behind the indirect part (-12):",
        "  BRK001 employee.autonomy -2: Lunch may not be taken between 10:00 and 12:00.",
        "  BRK001 employee.wellbeing -1: Lunch may not be taken between 10:00 and 12:00.",
        "  BRK002 employee.autonomy -1: The lunch break is taken at a time set for staff.",
    )


def test_impact_message_for_the_indirect_customer_part_lists_employee_contributions() -> None:
    message = impact_message(lunch_ban(), "indirect customer", "above", 0)
    assert message.splitlines()[1] == (
        "employee contributions (the indirect customer impact follows the employee impact), "
        "most negative first:"
    )


def test_impact_message_says_when_no_rule_contributed() -> None:
    scored = lunch_ban(employee=0, customer=0, customer_direct=0, customer_indirect=0)
    result = scored.model_copy(update={"contributions": []})
    assert impact_message(result, "employee", "above", 0) == lines(
        "expected the employee impact of lunch-ban to be above 0, got 0",
        "employee contributions, most negative first:",
        "  (no rule contributed)",
    )


def test_criterion_message_shows_the_weighted_value_and_the_contributions_to_it() -> None:
    assert criterion_message(lunch_ban(), "employee.autonomy", "at least", 0, 1.5) == lines(
        "expected the criterion employee.autonomy of lunch-ban to be at least 0, got -4.5 (weight 1.5)",
        "contributions to employee.autonomy:",
        "  BRK001 -2: Lunch may not be taken between 10:00 and 12:00.",
        "  BRK002 -1: The lunch break is taken at a time set for staff.",
    )


def test_long_reasons_are_clipped() -> None:
    long = contribution("BRK001", "employee.autonomy", -2, "word " * 40)
    assert contribution_line(long) == "  BRK001 employee.autonomy -2: " + "word " * 20 + "word..."


def test_conflicts_message_lists_each_conflict_with_its_rules_and_citation() -> None:
    message = conflicts_message(
        "expected a guardrail conflict for lunch-ban, found none", [TRADE_OFF, BREACH]
    )
    assert message == lines(
        "expected a guardrail conflict for lunch-ban, found none",
        "conflicts found:",
        "  TRD002 trade-off warning, lunch-ban/rules[0]: "
        "lunch-ban/rules[0] trades employee autonomy for customer speed.",
        "  GRD010 guardrail error, lunch-ban/rules[0]: "
        "the shift starting 06:00 cannot take its break by 12:00 [UK Working Time Regulations 1998, reg. 12]",
    )


def test_conflicts_message_says_none_when_there_are_none() -> None:
    assert conflicts_message("expected a trade-off conflict for x, found none", []) == (
        "expected a trade-off conflict for x, found none\nconflicts found: none"
    )


def test_a_citation_already_in_the_explanation_is_not_repeated() -> None:
    cited = BREACH.model_copy(
        update={"explanation": "no break by 12:00 (UK Working Time Regulations 1998, reg. 12)"}
    )
    assert conflict_line(cited).count("reg. 12") == 1


def test_remedy_message_shows_scores_before_and_after_and_whether_each_remedy_resolves() -> None:
    assert remedy_message("expected more", TRADE_OFF) == lines(
        "expected more",
        "remedies, best first:",
        "  REM002 on lunch-ban/rules[0]: employee -46 -> +36, customer -4 -> +9, "
        "resolves the conflict: Summary of REM002.",
        "  REM003 on lunch-ban/rules[0]: employee -46 -> -12, customer -4 -> -3, "
        "does not resolve the conflict, new conflicts: TRD001: Summary of REM003.",
    )
    assert remedy_message("expected one", BREACH) == "expected one\nremedies: none"


@pytest.mark.parametrize(
    ("actual", "comparison", "expected", "holds"),
    [
        (0, "at least", 0, True),
        (-1, "at least", 0, False),
        (0, "at most", 0, True),
        (1, "at most", 0, False),
        (0, "above", 0, False),
        (1, "above", 0, True),
        (0, "below", 0, False),
        (-1, "below", 0, True),
        (-4.5, "exactly", -4.5, True),
        (-4, "exactly", -4.5, False),
    ],
)
def test_compare(actual: float, comparison: str, expected: float, holds: bool) -> None:
    assert compare(actual, comparison, expected) is holds


# --------------------------------------------------------------------------- steps, run by pytest

LUNCH_BAN = """\
id: lunch-ban
title: No lunch between 10:00 and 12:00
jurisdiction: uk
scope:
  shift_hours: 8
  shift_starts: ["08:00"]
rules:
  - kind: break-rule
    break: lunch
    min_minutes: 30
    blocked_windows: [{from: "10:00", to: "12:00"}]
    scheduling: fixed
"""
COACHING = """\
id: coaching
title: Private weekly coaching
rules:
  - kind: feedback-practice
    style: private-coaching
    frequency: weekly
"""
PAYROLL_CUT = """\
id: payroll-cut
title: Payroll cut at 92% occupancy
rules:
  - kind: staffing
    payroll_change_pct: -15
    occupancy_target_pct: 92
    service_level_target: {answered_pct: 80, within_seconds: 20}
"""


@pytest.fixture
def library(pytester: pytest.Pytester) -> pytest.Pytester:
    """A project: three policies in policies/ (two in breaks/), its ini, and a module binding features/."""
    pytester.makeini(
        """
        [pytest]
        policyweigh_policies = policies
        bdd_features_base_dir = features
        """
    )
    pytester.mkdir("policies")
    pytester.mkdir("policies/breaks")
    (pytester.path / "policies/breaks/lunch-ban.yaml").write_text(LUNCH_BAN)
    (pytester.path / "policies/breaks/coaching.yaml").write_text(COACHING)
    (pytester.path / "policies/payroll-cut.yaml").write_text(PAYROLL_CUT)
    pytester.mkdir("features")
    pytester.makepyfile(test_bound_features='from pytest_bdd import scenarios\n\nscenarios(".")\n')
    return pytester


def feature(pytester: pytest.Pytester, text: str) -> None:
    (pytester.path / "features" / "policy.feature").write_text(textwrap.dedent(text))


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    """Run pytest in the project, in this process."""
    # The plugin module is already imported by the outer session, which the inner one warns about.
    return pytester.runpytest(
        "-p", "no:cacheprovider", "-W", "ignore::pytest.PytestAssertRewriteWarning", *args
    )


def test_steps_check_a_policy_and_report_nothing_when_it_holds(library: pytest.Pytester) -> None:
    feature(
        library,
        """\
        Feature: Lunch
          Scenario: The ban
            Given the policy "breaks/lunch-ban"
            When it is evaluated
            Then the verdict is "customer-at-employee-cost"
            And the employee impact is below 0
            And the direct customer impact is above 0
            And the criterion "employee.autonomy" is at most -3
            And rule "BRK001" fired
            And rule "BRK003" did not fire
            And the policy's explanation mentions "between 10:00 and 12:00"
            And a trade-off conflict is found
            And the conflict's severity is "warning"
            And no guardrail conflict is found

          Scenario: Found by id as well as by file key
            Given the policy "lunch-ban"
            Then the verdict is "customer-at-employee-cost"
        """,
    )
    run(library, "-q").assert_outcomes(passed=2)


def test_a_failing_step_shows_its_message_and_the_step_without_a_traceback(library: pytest.Pytester) -> None:
    feature(
        library,
        """\
        Feature: Lunch
          Scenario: The ban
            Given the policy "breaks/lunch-ban"
            When it is evaluated
            Then the verdict is "win-win"
        """,
    )
    result = run(library, "-ra")
    result.assert_outcomes(failed=1)
    output = result.stdout.str()
    result.stdout.fnmatch_lines(
        [
            "expected the verdict 'win-win' for lunch-ban, got 'customer-at-employee-cost' "
            "(employee -*, customer *: direct +*, indirect -*)",
            "top contributions:",
            "  BRK001 employee.autonomy -2: *",
            "*- failing step -*",
            'Then the verdict is "win-win"  (features/policy.feature:5)',
            "FAILED test_bound_features.py::test_the_ban - expected the verdict*",
        ]
    )
    assert "Traceback" not in output
    assert "def _(" not in output
    assert "PolicyCheckFailed" not in output


def test_an_undefined_step_fails_the_run(library: pytest.Pytester) -> None:
    feature(
        library,
        """\
        Feature: Lunch
          Scenario: A step nobody wrote
            Given the policy "breaks/lunch-ban"
            Then the pie van is happy
        """,
    )
    result = run(library)
    result.assert_outcomes(failed=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        ['*StepDefinitionNotFoundError: Step definition is not found: Then "the pie van is happy"*']
    )


def test_changing_a_field_evaluates_the_changed_policy(library: pytest.Pytester) -> None:
    feature(
        library,
        """\
        Feature: Lunch
          Scenario: Staggered instead of banned
            Given the policy "breaks/lunch-ban"
            When its blocked_windows is changed to []
            And its scheduling is changed to staggered
            Then the verdict is "win-win"
            And rule "BRK003" fired

          Scenario: By rule number, and in the scope, as part of the situation
            Given the policy "breaks/lunch-ban"
            And rule 1's min_minutes is changed to 10
            And its scope shift_starts is changed to ["06:00", "08:00"]
            When it is evaluated
            Then a guardrail conflict cites "reg. 12"
            And the conflict's severity is "error"
        """,
    )
    run(library, "-q").assert_outcomes(passed=2)


def test_a_bad_value_fails_the_step_with_the_validation_message(library: pytest.Pytester) -> None:
    feature(
        library,
        """\
        Feature: Lunch
          Scenario: A typo
            Given the policy "breaks/lunch-ban"
            When its scheduling is changed to staggerd
        """,
    )
    result = run(library)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "cannot change scheduling of rule 1 (break-rule) of lunch-ban to staggerd: "
            "the policy would be invalid:",
            "  rules[0].scheduling: expected one of fixed, staggered, self-organised; got 'staggerd' "
            "(did you mean 'staggered'?)",
        ]
    )


def test_an_unknown_field_or_policy_fails_with_a_suggestion(library: pytest.Pytester) -> None:
    feature(
        library,
        """\
        Feature: Typos
          Scenario: A field
            Given the policy "breaks/lunch-ban"
            When its min_minute is changed to 20

          Scenario: A policy
            Given the policy "breaks/lunch-bans"
        """,
    )
    result = run(library)
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        [
            "lunch-ban has no field 'min_minute' (did you mean 'min_minutes'?)",
            "  policy: title, status, owner, summary, jurisdiction",
            "  rule 1 (break-rule): break, min_minutes, blocked_windows, scheduling, paid, note",
            "*no policy 'breaks/lunch-bans' in */policies (did you mean 'breaks/lunch-ban'?)",
        ]
    )


def test_applying_the_best_remedy_changes_the_policy_and_evaluates_it_again(library: pytest.Pytester) -> None:
    feature(
        library,
        """\
        Feature: Staffing
          Scenario: The cut and its remedy
            Given the policy "payroll-cut"
            When it is evaluated
            Then the verdict is "lose-lose"
            And conflict "CON006" is found
            And the conflict's severity is "error"
            And the best remedy is "REM011"
            And the best remedy raises the employee impact to at least 0
            And the best remedy resolves the conflict
            When the best remedy is applied
            Then conflict "CON006" is not found
            And no policy is "lose-lose"

          Scenario: A named remedy
            Given the policy "payroll-cut"
            When remedy "REM012" is applied
            Then rule "STF002" did not fire
        """,
    )
    run(library, "-q").assert_outcomes(passed=2)


def test_folders_pairs_and_the_whole_library(library: pytest.Pytester) -> None:
    feature(
        library,
        """\
        Feature: Library
          Scenario: A folder
            Given the policies in "breaks"
            When they are evaluated
            Then the verdict of "lunch-ban" is "customer-at-employee-cost"
            And the verdict of "coaching" is "win-win"
            And no policy is "lose-lose"

          Scenario: Two policies, the first in focus
            Given the policies "coaching" and "payroll-cut"
            When they are evaluated
            Then the verdict is "win-win"
            And no conflict is found

          Scenario: The library
            Given the policy library
            When it is evaluated
            Then every policy in the library has a verdict
        """,
    )
    run(library, "-q").assert_outcomes(passed=3)


def test_conflict_and_library_checks_fail_with_what_was_found(library: pytest.Pytester) -> None:
    feature(
        library,
        """\
        Feature: Failures
          Scenario: No lose-lose
            Given the policy library
            Then no policy is "lose-lose"

          Scenario: A guardrail
            Given the policy "lunch-ban"
            Then a guardrail conflict cites "reg. 12"

          Scenario: Ambiguous
            Given the policies in "breaks"
            Then the verdict is "win-win"
        """,
    )
    result = run(library)
    result.assert_outcomes(failed=3)
    result.stdout.fnmatch_lines(
        [
            "expected no policy to be 'lose-lose', found 1:",
            "  payroll-cut (employee -*, customer -*: direct -*, indirect -*); worst: *",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "expected a guardrail conflict citing 'reg. 12' for lunch-ban, found no guardrail conflict",
            "conflicts found:",
            "  TRD002 trade-off warning, lunch-ban/rules?0?: *",
        ]
    )
    result.stdout.fnmatch_lines(
        ['2 policies are evaluated together, so "it" is ambiguous; name one (Then the verdict of "<id>" *']
    )


def test_the_policy_folder_defaults_to_policies_in_the_rootdir(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nbdd_features_base_dir = features\n")
    pytester.mkdir("policies")
    (pytester.path / "policies/coaching.yaml").write_text(COACHING)
    pytester.mkdir("features")
    feature(
        pytester,
        """\
        Feature: Default folder
          Scenario: Coaching
            Given the policy "coaching"
            Then the verdict is "win-win"
        """,
    )
    pytester.makepyfile(test_bound_features='from pytest_bdd import scenarios\n\nscenarios(".")\n')
    run(pytester, "-q").assert_outcomes(passed=1)


def test_a_broken_policy_file_fails_the_scenario_with_located_problems(library: pytest.Pytester) -> None:
    (library.path / "policies/broken.yaml").write_text(
        "id: broken\ntitle: Broken\nrules:\n  - kind: brake-rule\n"
    )
    feature(
        library,
        """\
        Feature: Broken
          Scenario: Any policy
            Given the policy "coaching"
        """,
    )
    result = run(library)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["cannot load the policies in */policies:", "*policies/broken.yaml:4:*: rules[[]0[]].kind: *"]
    )


EARLY_LUNCH = """\
id: early-lunch
title: Lunch only in the first half hour
jurisdiction: uk
scope:
  shift_hours: 8
  shift_starts: ["08:00"]
rules:
  - kind: break-rule
    break: lunch
    min_minutes: 30
    blocked_windows: [{from: "08:30", to: "16:00"}]
"""


def test_regression_the_steps_ignored_the_settings_the_command_uses(library: pytest.Pytester) -> None:
    # The only lunch slot is the shift's first half hour: it counts as a break only without an edge margin.
    (library.path / "policies/early-lunch.yaml").write_text(EARLY_LUNCH)
    (library.path / "policyweigh.toml").write_text("edge_margin_minutes = 0\n")
    feature(
        library,
        """\
        Feature: Settings
          Scenario: No edge margin
            Given the policy "early-lunch"
            Then no guardrail conflict is found
        """,
    )
    run(library, "-q").assert_outcomes(passed=1)
    (library.path / "policyweigh.toml").unlink()
    result = run(library)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["expected no guardrail conflict for early-lunch, found 1"])
