"""The plain-language steps: their failure messages (exact text), and the steps run by pytest itself on
the bundled policy library, with its organisation file, so the queue steps have a queue to read."""

from __future__ import annotations

import shutil
import textwrap

import pytest

from policyweigh.bdd.messages import (
    amount_words,
    finding_message,
    law_message,
    outcome_message,
    people_message,
    queue_message,
    shift_message,
)
from tests.helpers import ROOT
from tests.test_bdd_steps import BREACH, lines, lunch_ban

pytest_plugins = ["pytester"]


# --------------------------------------------------------------------------- messages


def test_amounts_are_said_as_a_gain_a_loss_or_nothing() -> None:
    assert amount_words(12) == "gain 12 points"
    assert amount_words(-1) == "lose 1 point"
    assert amount_words(-46.5) == "lose 46.5 points"
    assert amount_words(0) == "are unaffected"


def test_outcome_message_says_both_outcomes_in_words_with_the_scores() -> None:
    message = outcome_message(lunch_ban(), "is a win-win", "is a loss for staff only")
    assert message.splitlines()[:3] == [
        "expected: lunch-ban is a win-win",
        "found: lunch-ban is a loss for staff only (verdict employee-loss: employee -46, customer -4: "
        "direct +8, indirect -12)",
        "top contributions:",
    ]


def test_people_message_names_who_the_policy_and_how_they_fare() -> None:
    assert people_message(lunch_ban(), "staff", "employee", "gain at least 20 points") == lines(
        "expected staff to gain at least 20 points under lunch-ban; they lose 46 points (employee -46)",
        "employee contributions, largest first:",
        "  BRK001 employee.autonomy -2: Lunch may not be taken between 10:00 and 12:00.",
        "  BRK001 employee.wellbeing -1: Lunch may not be taken between 10:00 and 12:00.",
        "  BRK002 employee.autonomy -1: The lunch break is taken at a time set for staff.",
    )
    message = people_message(lunch_ban(), "customers directly", "direct customer", "be unaffected")
    assert message.splitlines()[0] == (
        "expected customers directly to be unaffected under lunch-ban; they gain 8 points (direct customer +8)"
    )


def test_law_message_says_where_the_policy_applies_and_the_legal_findings() -> None:
    assert law_message(lunch_ban(), "unlawful", "Germany", "United Kingdom", []) == lines(
        "expected lunch-ban to be unlawful in Germany; it applies in United Kingdom",
        "legal findings: none",
    )
    assert law_message(lunch_ban(), "lawful", "United Kingdom", "United Kingdom", [BREACH]) == lines(
        "expected lunch-ban to be lawful in United Kingdom; its verdict is 'employee-loss'",
        "legal findings:",
        "  GRD010 guardrail error, lunch-ban/rules[0]: the shift starting 06:00 cannot take its break by "
        "12:00 [UK Working Time Regulations 1998, reg. 12]",
    )
    assert law_message(lunch_ban(), "unlawful", "France", None, []).splitlines()[0] == (
        "expected lunch-ban to be unlawful in France; it names no country, so no legal verdict is given"
    )


def test_finding_message_lists_what_the_evaluation_found_in_words() -> None:
    found = [("BRK003", "Staggered breaks let everyone rest while the queue stays staffed.")]
    assert finding_message("lunch-ban", '"banning breaks in a window" [BRK001]', True, found) == lines(
        'expected the evaluation of lunch-ban to find "banning breaks in a window" [BRK001]',
        "it did not; what it found:",
        "  Staggered breaks let everyone rest while the queue stays staffed. [BRK003]",
    )
    assert finding_message("lunch-ban", '"x" [BRK003]', False, found).splitlines()[:2] == [
        'expected the evaluation of lunch-ban not to find "x" [BRK003]',
        "it did:",
    ]


def test_queue_and_shift_messages_say_when_there_is_no_queue() -> None:
    assert queue_message(lunch_ban(), "the service level at 12:00 to fall below 80%", []) == lines(
        "expected the service level at 12:00 to fall below 80% under lunch-ban",
        "the evaluation has no queue: the organisation file (setting organisation) describes none of the "
        "policy's teams",
    )
    assert shift_message(lunch_ban(), "early", "lose its lunch") == lines(
        "expected the early shift to lose its lunch under lunch-ban",
        "the evaluation has no shift patterns: the organisation file describes none of its teams",
    )


# --------------------------------------------------------------------------- steps, on the bundled library


@pytest.fixture
def bundled(pytester: pytest.Pytester) -> pytest.Pytester:
    """A project whose features check the bundled policies, with the bundled settings and organisation."""
    pytester.makeini(
        f"[pytest]\nbdd_features_base_dir = features\npolicyweigh_policies = {ROOT / 'policies'}\n"
    )
    for name in ("policyweigh.toml", "organisation.yaml"):
        shutil.copy(ROOT / name, pytester.path / name)
    pytester.mkdir("features")
    pytester.makepyfile(test_bound_features='from pytest_bdd import scenarios\n\nscenarios(".")\n')
    return pytester


def feature(pytester: pytest.Pytester, text: str) -> None:
    (pytester.path / "features" / "plain.feature").write_text(textwrap.dedent(text))


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    """Run pytest in the project, in this process."""
    return pytester.runpytest(
        "-p", "no:cacheprovider", "-W", "ignore::pytest.PytestAssertRewriteWarning", *args
    )


def test_plain_steps_read_a_policy_without_codes(bundled: pytest.Pytester) -> None:
    feature(
        bundled,
        """\
        Feature: The pie van, in plain words
          Scenario: The ban
            Given the policy "breaks/pie-van-lunch-ban"
            When it is evaluated
            Then the policy helps customers at staff's cost
            And the policy is lawful in the United Kingdom
            And staff lose
            And staff lose less than 40 points
            And customers directly gain
            And staff's autonomy suffers
            And the speed of service improves
            And staff lose their lunch break at the peak
            And the evaluation finds "banning breaks in a window"
            And the evaluation does not find "staggered breaks let everyone rest"
            And the evidence is clear for staff
            And the evidence puts customers between 0 and 15 points
            And the harm to staff does not fail the gate
            And a trade-off is found between staff and customers
            And the conflict is a warning
            And the best remedy is to "let them organise their own break cover"
            And one remedy is to "stagger breaks in small groups instead of banning them"
            And after the best remedy staff gain at least 20 points
            And after the best remedy customers lose nothing
            And the service level at 12:00 falls below 80%
            And the service level at 11:00 rises above 90%
            And customers wait longer than 20 seconds less often
            And the early shift keeps its lunch
            When the team is left to organise its own lunch cover
            Then the policy is a win-win
            And no trade-off is found between staff and customers

          Scenario: Lifted, staggered, and moved to Germany
            Given the policy "breaks/pie-van-lunch-ban"
            When the lunch ban is lifted
            And lunch slots are staggered
            And the policy applies in Germany
            Then the policy is a win-win
            And the policy breaks no law
            And the policy is lawful in Germany
            And staff keep their lunch break at the peak

          Scenario: Named by no country
            Given the policy "breaks/core-hours-break-ban-berlin"
            When the policy names no country
            Then no legal verdict is given
            And the harm to staff fails the gate
            And the conflict fails the gate

          Scenario: Unlawful in Germany
            Given the policy "breaks/core-hours-break-ban-berlin"
            Then the policy is unlawful in Germany
            And the policy breaks the law
            And the policy breaks the law, citing "section 4"
            And the early shift bears most of the cost
            When the remedy "stagger breaks in small groups instead of banning them" is applied
            Then the policy breaks no law

          Scenario: Two policies compared
            Given the policies "breaks/staggered-lunch" and "breaks/pie-van-lunch-ban"
            When they are evaluated
            Then "breaks/staggered-lunch" is better for staff than "breaks/pie-van-lunch-ban"
            And "breaks/staggered-lunch" is at least as good for customers as "breaks/pie-van-lunch-ban"
            And "breaks/pie-van-lunch-ban" is worse for staff than "breaks/staggered-lunch"
            And the policy "breaks/pie-van-lunch-ban" helps customers at staff's cost
            And no policy is a lose-lose

          Scenario: The payroll cut on the teams' queues
            Given the policy "staffing/payroll-cut-at-high-occupancy"
            Then customers wait longer than 20 seconds more often
            And the early shift bears most of the cost
            And staff's wellbeing suffers by at least 5 points
        """,
    )
    run(bundled, "-q").assert_outcomes(passed=6)


def test_plain_steps_fail_in_plain_words_naming_the_policy_and_what_was_expected(
    bundled: pytest.Pytester,
) -> None:
    feature(
        bundled,
        """\
        Feature: Failures
          Scenario: Outcome
            Given the policy "breaks/pie-van-lunch-ban"
            Then the policy is a win-win

          Scenario: Country
            Given the policy "breaks/pie-van-lunch-ban"
            Then the policy is unlawful in Germany

          Scenario: Unknown country
            Given the policy "breaks/pie-van-lunch-ban"
            When the policy applies in Germny

          Scenario: Points
            Given the policy "breaks/pie-van-lunch-ban"
            Then staff gain at least 20 points

          Scenario: Finding
            Given the policy "breaks/pie-van-lunch-ban"
            Then the evaluation finds "staggered breaks let everyone rest"

          Scenario: Ambiguous words
            Given the policy "breaks/pie-van-lunch-ban"
            Then the evaluation finds "breaks"

          Scenario: Remedy
            Given the policy "breaks/pie-van-lunch-ban"
            Then a trade-off is found between staff and customers
            And the best remedy is to "stagger breaks in small groups instead of banning them"

          Scenario: Queue
            Given the policy "breaks/pie-van-lunch-ban"
            Then customers wait longer than 20 seconds more often

          Scenario: Shift
            Given the policy "breaks/pie-van-lunch-ban"
            Then the early shift loses its lunch

          Scenario: Unknown shift
            Given the policy "breaks/pie-van-lunch-ban"
            Then the erly shift keeps its lunch
        """,
    )
    result = run(bundled, "-q")
    result.assert_outcomes(failed=10)
    output = result.stdout.str()
    assert "Traceback" not in output
    # fnmatch reads "[" as a set of characters: "[[]" is a literal one, for the codes beside the words.
    expected = [
        "expected: pie-van-lunch-ban is a win-win",
        "found: pie-van-lunch-ban helps customers at staff's cost (verdict customer-at-employee-cost: *",
        "expected pie-van-lunch-ban to be unlawful in Germany; it applies in United Kingdom",
        "legal findings: none",
        "no law of 'Germny' is known (did you mean 'Germany'?); the guardrails know: California, *",
        "expected staff to gain at least 20 points under pie-van-lunch-ban; they lose * points (employee -*)",
        'expected the evaluation of pie-van-lunch-ban to find "staggered breaks let everyone rest while the '
        'queue stays staffed" [BRK003]',
        "it did not; what it found:",
        "  Banning breaks in a window takes away the choice of when to rest, * [BRK001]",
        "* findings are worded 'breaks': quote more of the one meant",
        "expected the best remedy for the trade-off of pie-van-lunch-ban [TRD001] to be 'stagger breaks in "
        "small groups instead of banning them in the peak window' [REM001], got 'show the team the peak and "
        "let them organise their own break cover, without a ban' [REM002]",
        "expected customers to wait longer than 20 seconds more often (the day's service level, before -> "
        "after) under pie-van-lunch-ban",
        "  UK inbound customer service: 94.1% -> 96.8%",
        "expected the early shift to lose its lunch under pie-van-lunch-ban",
        "  inbound: early (06:00, *",
        "pie-van-lunch-ban has no 'erly' shift (did you mean 'early'?); its shift patterns: day, early, late",
    ]
    result.stdout.fnmatch_lines([line.replace("[", "[[]") for line in expected])
