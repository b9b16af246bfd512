"""The BDD step library: failure messages (exact text), and steps run by pytest itself on small libraries."""

from __future__ import annotations

import textwrap
from typing import Any

import pytest

from policyweigh.bdd import (
    assessment_message,
    compare,
    comparison_message,
    conflict_line,
    conflicts_message,
    contacts_message,
    contribution_line,
    criterion_message,
    impact_message,
    range_message,
    reach_message,
    remedy_message,
    uncertainty_message,
    verdict_message,
)
from policyweigh.results import (
    Conflict,
    Contribution,
    NotAssessed,
    PolicyResult,
    Ranges,
    Reach,
    RemedyResult,
    Scores,
)

pytest_plugins = ["pytester"]


def lines(*texts: str) -> str:
    """Lines of an expected message, joined."""
    return "\n".join(texts)


def contribution(
    rule: str, criterion: str, delta: float, reason: str, *, index: int = 0, **extra: Any
) -> Contribution:
    return Contribution(
        rule=rule,
        name=rule.lower(),
        criterion=criterion,
        delta=delta,
        reason=reason,
        evidence=[],
        facts={"rule_index": index},
        **extra,
    )


BAN = contribution(
    "BRK001",
    "employee.autonomy",
    -2,
    "Lunch may not be taken between 10:00 and 12:00.",
    band=0.4,
    strength="moderate",
)
FIXED = contribution(
    "BRK002",
    "employee.autonomy",
    -1,
    "The lunch break is taken at a time set for staff.",
    band=0.6,
    strength="weak",
)
TIRED = contribution(
    "BRK001",
    "employee.wellbeing",
    -1,
    "Lunch may not be taken between 10:00 and 12:00.",
    band=0.4,
    strength="moderate",
)
SPEED = contribution(
    "BRK001", "customer.speed", 1, "More agents answer at the peak.", band=0.4, strength="moderate"
)
LEAVE = contribution(
    "DRV004",
    "customer.resolution",
    -1.5,
    "Rested staff stay; tired staff leave and newcomers resolve less.",
    mechanism="attrition",
    band=0.25,
    strength="strong",
)


def lunch_ban(**scores: Any) -> PolicyResult:
    values: dict[str, Any] = {
        "employee": -46,
        "customer": -4,
        "customer_direct": 8,
        "customer_indirect": -12,
        "criteria": {
            "employee.autonomy": -4.5,
            "employee.wellbeing": -1.5,
            "customer.speed": 1.0,
            "customer.resolution": -3.0,
        },
    }
    values.update(scores)
    return PolicyResult(
        id="lunch-ban",
        title="No lunch between 10:00 and 12:00",
        verdict="employee-loss",
        scores=Scores(**values),
        contributions=[BAN, SPEED, TIRED, FIXED, LEAVE],
        ranges=Ranges(employee=(-57, -34), customer=(-12, 6)),
        reach=Reach(employees=40, contacts_share=0.25),
        not_assessed=[
            NotAssessed(rule="lunch-ban/rules[1]", reason="no impact rule recognises this equipment rule")
        ],
        uncertain=["customer"],
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
        "expected the verdict 'win-win' for lunch-ban, got 'employee-loss' "
        "(employee -46, customer -4: direct +8, indirect -12)",
        "top contributions:",
        "  BRK001 employee.autonomy -2: Lunch may not be taken between 10:00 and 12:00.",
        "  DRV004 customer.resolution -1.5 [attrition]: Rested staff stay; tired staff leave and newcomers "
        "resolve less.",
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
        "direct customer contributions, most positive first:",
        "  BRK001 customer.speed +1: More agents answer at the peak.",
    )


def test_impact_message_for_the_customer_names_the_mechanism_of_indirect_contributions() -> None:
    assert impact_message(lunch_ban(), "customer", "at least", 0) == lines(
        "expected the customer impact of lunch-ban to be at least 0, got -4 "
        "(customer -4: direct +8, indirect -12)",
        "customer contributions, most negative first:",
        "  DRV004 customer.resolution -1.5 [attrition]: Rested staff stay; tired staff leave and newcomers "
        "resolve less.",
        "  BRK001 customer.speed +1: More agents answer at the peak.",
    )


def test_impact_message_for_the_indirect_customer_part_lists_the_mechanism_contributions() -> None:
    assert impact_message(lunch_ban(), "indirect customer", "above", 0) == lines(
        "expected the indirect customer impact of lunch-ban to be above 0, got -12 "
        "(customer -4: direct +8, indirect -12)",
        "indirect customer contributions (staff effects that reach customers through a mechanism), "
        "most negative first:",
        "  DRV004 customer.resolution -1.5 [attrition]: Rested staff stay; tired staff leave and newcomers "
        "resolve less.",
    )


def test_range_message_shows_the_range_the_score_and_the_widest_bands() -> None:
    assert range_message(lunch_ban(), "employee", -40, -30) == lines(
        "expected the employee range of lunch-ban to be within -40 and -30, got -57 to -34 (score -46)",
        "employee contributions, widest band first:",
        "  BRK001 employee.autonomy -2: Lunch may not be taken between 10:00 and 12:00. "
        "(band +/-40%, evidence moderate)",
        "  BRK002 employee.autonomy -1: The lunch break is taken at a time set for staff. "
        "(band +/-60%, evidence weak)",
        "  BRK001 employee.wellbeing -1: Lunch may not be taken between 10:00 and 12:00. "
        "(band +/-40%, evidence moderate)",
    )


def test_uncertainty_message_shows_the_range_against_the_margin() -> None:
    message = uncertainty_message(lunch_ban(), "employee", 5, expected=True)
    assert message.splitlines()[0] == (
        "expected the employee impact of lunch-ban to be uncertain (its range reaching both a gain above "
        "+5 and a loss below -5), got -57 to -34 (score -46)"
    )
    message = uncertainty_message(lunch_ban(), "customer", 5, expected=False)
    assert message.splitlines()[:4] == [
        "expected the customer impact of lunch-ban not to be uncertain (its range reaching both a gain "
        "above +5 and a loss below -5), got -12 to +6 (score -4)",
        "customer contributions, widest band first:",
        "  BRK001 customer.speed +1: More agents answer at the peak. (band +/-40%, evidence moderate)",
        "  DRV004 customer.resolution -1.5 [attrition]: Rested staff stay; tired staff leave and newcomers "
        "resolve less. (band +/-25%, evidence strong)",
    ]


def test_reach_and_contacts_messages() -> None:
    assert (
        reach_message(lunch_ban(), 50)
        == "expected the reach of lunch-ban to be 50 people, got 40 (scope.headcount)"
    )
    unsaid = lunch_ban().model_copy(update={"reach": Reach(employees=None, contacts_share=0.25)})
    assert reach_message(unsaid, 50) == (
        "expected the reach of lunch-ban to be 50 people, got none: the policy's scope states no headcount"
    )
    assert contacts_message(lunch_ban(), "at least", 50).splitlines()[0] == (
        "expected lunch-ban to touch at least 50% of customer contacts, got 25%"
    )


def test_comparison_message_shows_both_scores_and_what_is_behind_each() -> None:
    other = lunch_ban().model_copy(update={"id": "coaching", "contributions": [FIXED]})
    assert comparison_message(lunch_ban(), other, "employee", "above") == lines(
        "expected the employee impact of lunch-ban (-46) to be above that of coaching (-46)",
        "employee contributions of lunch-ban, largest first:",
        "  BRK001 employee.autonomy -2: Lunch may not be taken between 10:00 and 12:00.",
        "  BRK001 employee.wellbeing -1: Lunch may not be taken between 10:00 and 12:00.",
        "  BRK002 employee.autonomy -1: The lunch break is taken at a time set for staff.",
        "employee contributions of coaching, largest first:",
        "  BRK002 employee.autonomy -1: The lunch break is taken at a time set for staff.",
    )


def test_assessment_message_lists_the_rules_not_assessed_with_why_and_those_assessed() -> None:
    assert assessment_message(lunch_ban(), "expected every rule of lunch-ban to be assessed", 3) == lines(
        "expected every rule of lunch-ban to be assessed",
        "not assessed:",
        "  rule 2 (lunch-ban/rules[1]): no impact rule recognises this equipment rule",
        "assessed: rule 1, rule 3",
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

# The step projects below evaluate with a rulebook of their own, written here, so these tests
# check what the steps do whatever the bundled rulebook's data says (features/ checks that).
# Scores with it: lunch-ban -36/+8 (customer-at-employee-cost, a trade-off, employee range -48 to
# -22, 25% of contacts in its window), coaching +20/+17 (win-win), payroll-cut -36/-34
# (lose-lose, CON006 with REM011 and REM012), empowered 0/0 (neutral, the employee side uncertain,
# its equipment rule not assessed).
STEPS_RULEBOOK: dict[str, str] = {
    "criteria.yaml": """\
criteria:
  - {id: employee.wellbeing, title: Wellbeing, side: employee, weight: 1.5, description: Rest and health.}
  - {id: employee.autonomy, title: Autonomy, side: employee, weight: 1.5, description: Control over the work.}
  - {id: employee.growth, title: Growth, side: employee, weight: 1.2, description: Learning the job.}
  - {id: customer.resolution, title: Resolution, side: customer, weight: 2, description: Problems solved.}
  - {id: customer.speed, title: Speed, side: customer, weight: 1, description: Time to an answer.}
scoring:
  saturation: 12
  verdicts: {margin: 5}
  bands: {strong: 0.25, moderate: 0.4, weak: 0.6, practitioner: 0.8, none: 1.0}
  mechanisms:
    - {id: attrition, title: Staff attrition, lag: months, description: Tired staff leave., evidence: [study]}
""",
    "evidence.yaml": """\
evidence:
  - {id: study, citation: "A. Author 2020, A Journal 1(1):1-2", finding: "Something was found.", strength: moderate}
""",
    "impact/rules.yaml": """\
- code: BRK001
  name: break-rule.blocked
  summary: A lunch ban in a window adds agents there and takes the choice of when to rest.
  when: {kind: break-rule, break: {in: [lunch, any]}, blocked_windows.count: {ge: 1}}
  impacts: {employee.autonomy: -1, employee.wellbeing: -1, customer.speed: 1}
  reach: blocked_windows.share_of_shift
  because: Lunch may not be taken between {blocked_windows.first_start} and {blocked_windows.last_end}.
  evidence: [study]
  examples:
    fires: [{kind: break-rule, break: lunch, min_minutes: 30, blocked_windows: [{from: "10:00", to: "12:00"}]}]
    silent: [{kind: break-rule, break: lunch, min_minutes: 30}]
- code: BRK002
  name: break-rule.fixed
  summary: A break at a fixed time.
  when: {kind: break-rule, scheduling: fixed, break: {exists: true}}
  impacts: {employee.autonomy: -1}
  because: The {break} break is taken at a time set for staff.
  evidence: [study]
  examples:
    fires: [{kind: break-rule, break: lunch, min_minutes: 30}]
    silent: [{kind: break-rule, break: lunch, min_minutes: 30, scheduling: staggered}]
- code: BRK003
  name: break-rule.staggered
  summary: Staggered breaks.
  when: {kind: break-rule, scheduling: staggered, break: {exists: true}}
  impacts: {employee.wellbeing: 1, customer.speed: 1}
  because: Breaks ({break}) are staggered.
  evidence: [study]
  examples:
    fires: [{kind: break-rule, break: lunch, min_minutes: 30, scheduling: staggered}]
    silent: [{kind: break-rule, break: lunch, min_minutes: 30}]
- code: FBK001
  name: feedback-practice.private-coaching
  summary: Private coaching.
  when: {kind: feedback-practice, style: private-coaching}
  impacts: {employee.growth: 2, customer.resolution: 1}
  because: Feedback is given in private coaching.
  evidence: [study]
  examples:
    fires: [{kind: feedback-practice, style: private-coaching}]
    silent: [{kind: feedback-practice, style: public-reprimand}]
- code: EMP901
  name: empowerment.no-approval
  summary: Resolving without approval gives control and takes away cover.
  when: {kind: empowerment, can_resolve_without_approval: true}
  impacts: {employee.autonomy: 2, employee.wellbeing: -2}
  because: Agents resolve cases without approval.
  examples:
    fires: [{kind: empowerment, can_resolve_without_approval: true}]
    silent: [{kind: empowerment, can_resolve_without_approval: false}]
- code: STF001
  name: staffing.high-occupancy
  summary: High occupancy overloads staff.
  when: {kind: staffing, occupancy_target_pct: {ge: 85}}
  impacts: {employee.wellbeing: -2}
  derive: overload
  because: Agents are planned {occupancy_target_pct}% busy.
  evidence: [study]
  examples:
    fires: [{kind: staffing, occupancy_target_pct: 90}]
    silent: [{kind: staffing, occupancy_target_pct: 80}]
- code: STF002
  name: staffing.payroll-cut
  summary: A payroll cut.
  when: {kind: staffing, payroll_change_pct: {lt: 0}}
  impacts: {employee.wellbeing: -1, customer.speed: -2}
  because: Payroll changes by {payroll_change_pct}%.
  evidence: [study]
  examples:
    fires: [{kind: staffing, payroll_change_pct: -10}]
    silent: [{kind: staffing, payroll_change_pct: 0}]
- code: STF005
  name: staffing.sustainable-occupancy
  summary: Occupancy with room to breathe.
  when: {kind: staffing, occupancy_target_pct: {le: 80}}
  impacts: {employee.wellbeing: 2}
  because: Agents are planned {occupancy_target_pct}% busy.
  evidence: [study]
  examples:
    fires: [{kind: staffing, occupancy_target_pct: 80}]
    silent: [{kind: staffing, occupancy_target_pct: 90}]
- code: DRV001
  name: derived.overload
  summary: Overloaded staff leave.
  when: {derived: overload, scope.customer_facing: true}
  impacts: {customer.resolution: -1}
  mechanism: attrition
  because: Overloaded staff leave and newcomers resolve less.
  evidence: [study]
  examples:
    fires: [{kind: staffing, occupancy_target_pct: 90}]
    silent: [{kind: staffing, occupancy_target_pct: 90, scope: {customer_facing: false}}]
""",
    "conflicts.yaml": """\
- code: CON006
  name: contradiction.payroll-cut-vs-service-level
  kind: contradiction
  severity: error
  summary: A payroll cut planned at high occupancy cannot keep a service-level promise.
  a: {kind: staffing, payroll_change_pct: {lt: 0}, occupancy_target_pct: {ge: 85}}
  b: {kind: staffing, service_level_target.answered_pct: {ge: 50}}
  across: any
  because: "{a.policy} cuts payroll at {a.occupancy_target_pct}% occupancy and promises a service level."
  remedies: [REM011, REM012]
  evidence: [study]
  examples:
    fires:
      - - {kind: staffing, payroll_change_pct: -15, occupancy_target_pct: 92, service_level_target: {answered_pct: 80, within_seconds: 20}}
    silent:
      - - {kind: staffing, payroll_change_pct: -15, occupancy_target_pct: 80, service_level_target: {answered_pct: 80, within_seconds: 20}}
""",
    "remedies.yaml": """\
- code: REM011
  name: staffing.occupancy-80
  summary: Plan staffing for 80% occupancy.
  applies_to: {kind: staffing, occupancy_target_pct: {ge: 85}}
  patch: {occupancy_target_pct: 80}
  evidence: [study]
- code: REM012
  name: staffing.keep-payroll
  summary: Keep payroll where it is.
  applies_to: {kind: staffing, payroll_change_pct: {lt: 0}}
  patch: {payroll_change_pct: 0}
  evidence: [study]
""",
}

SETTINGS_FILE = 'rulebook = "rulebook"\n'

LUNCH_BAN = """\
id: lunch-ban
title: No lunch between 10:00 and 12:00
jurisdiction: uk
scope:
  headcount: 40
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
EMPOWERED = """\
id: empowered
title: Agents resolve cases without approval and keep their phones in the locker
rules:
  - kind: empowerment
    can_resolve_without_approval: true
  - kind: equipment
    item: other
    quality: standard
"""


def write_rulebook(pytester: pytest.Pytester, settings: str = "") -> None:
    """The steps' own rulebook in rulebook/, and a policyweigh.toml naming it (plus ``settings``)."""
    for name, text in STEPS_RULEBOOK.items():
        path = pytester.path / "rulebook" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (pytester.path / "policyweigh.toml").write_text(SETTINGS_FILE + settings)


@pytest.fixture
def library(pytester: pytest.Pytester) -> pytest.Pytester:
    """A project: four policies in policies/ (two in breaks/), its rulebook and ini, and a module
    binding features/."""
    pytester.makeini(
        """
        [pytest]
        policyweigh_policies = policies
        bdd_features_base_dir = features
        """
    )
    write_rulebook(pytester)
    pytester.mkdir("policies")
    pytester.mkdir("policies/breaks")
    (pytester.path / "policies/breaks/lunch-ban.yaml").write_text(LUNCH_BAN)
    (pytester.path / "policies/breaks/coaching.yaml").write_text(COACHING)
    (pytester.path / "policies/payroll-cut.yaml").write_text(PAYROLL_CUT)
    (pytester.path / "policies/empowered.yaml").write_text(EMPOWERED)
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
            And the indirect customer impact is exactly 0
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


def test_judgement_steps_check_ranges_uncertainty_reach_and_what_is_assessed(
    library: pytest.Pytester,
) -> None:
    feature(
        library,
        """\
        Feature: Judgement
          Scenario: The ban, its range and its reach
            Given the policy "breaks/lunch-ban"
            Then the employee range is within -48 and -22
            And the customer range is within 0 and 20
            And the employee impact is not uncertain
            And the reach is 40 people
            And it touches at most 25% of customer contacts
            And it touches above 24.5% of customer contacts
            And the policy has no unassessed rules

          Scenario: What the evidence cannot tell, and what nothing recognises
            Given the policy "empowered"
            Then the verdict is "neutral"
            And the employee impact is uncertain
            And the customer impact is not uncertain
            And rule 2 is not assessed

          Scenario: Two policies compared
            Given the policies "breaks/lunch-ban" and "coaching"
            Then the employee impact of "lunch-ban" is below that of "coaching"
            And the customer impact of "coaching" is above that of "breaks/lunch-ban"
            And the indirect customer impact of "lunch-ban" is exactly that of "coaching"

          Scenario: An error-level breach of the law makes the policy unlawful, whatever its scores
            Given the policy "breaks/lunch-ban"
            And rule 1's min_minutes is changed to 10
            And its scope shift_starts is changed to ["06:00", "08:00"]
            Then the verdict is "unlawful"
            And a guardrail conflict cites "reg. 12"
            And conflict "HRM001" is not found
        """,
    )
    run(library, "-q").assert_outcomes(passed=4)


def test_judgement_steps_fail_with_what_the_evaluation_found(library: pytest.Pytester) -> None:
    feature(
        library,
        """\
        Feature: Judgement failures
          Scenario: A narrower range
            Given the policy "breaks/lunch-ban"
            Then the employee range is within -40 and -30

          Scenario: Not uncertain
            Given the policy "breaks/lunch-ban"
            Then the employee impact is uncertain

          Scenario: Another reach
            Given the policy "breaks/lunch-ban"
            Then the reach is 50 people

          Scenario: Something is not assessed
            Given the policy "empowered"
            Then the policy has no unassessed rules

          Scenario: The assessed rule
            Given the policy "empowered"
            Then rule 1 is not assessed

          Scenario: No such rule
            Given the policy "empowered"
            Then rule 3 is not assessed

          Scenario: Compared the wrong way
            Given the policies "coaching" and "breaks/lunch-ban"
            Then the employee impact of "coaching" is below that of "lunch-ban"

          Scenario: Unlawful, not what the scores say
            Given the policy "breaks/lunch-ban"
            And rule 1's min_minutes is changed to 10
            Then the verdict is "customer-at-employee-cost"
        """,
    )
    result = run(library)
    result.assert_outcomes(failed=8)
    result.stdout.fnmatch_lines(
        [
            "expected the employee range of lunch-ban to be within -40 and -30, got -48 to -22 (score -36)",
            "employee contributions, widest band first:",
            "  BRK001 employee.autonomy -1: Lunch may not be taken between 10:00 and 12:00. "
            "(band +/-40%, evidence moderate)",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "expected the employee impact of lunch-ban to be uncertain (its range reaching both a gain above "
            "+5 and a loss below -5), got -48 to -22 (score -36)",
        ]
    )
    result.stdout.fnmatch_lines(["expected the reach of lunch-ban to be 50 people, got 40 (scope.headcount)"])
    result.stdout.fnmatch_lines(
        [
            "expected every rule of empowered to be assessed, 1 are not",
            "not assessed:",
            "  rule 2 (empowered/rules?1?): no impact rule recognises this equipment rule*",
            "assessed: rule 1",
        ]
    )
    result.stdout.fnmatch_lines(["expected rule 1 of empowered not to be assessed"])
    result.stdout.fnmatch_lines(["empowered has 2 rules; there is no rule 3"])
    result.stdout.fnmatch_lines(
        [
            "expected the employee impact of coaching (+20) to be below that of lunch-ban (-36)",
            "employee contributions of coaching, largest first:",
            "  FBK001 employee.growth +2: Feedback is given in private coaching.",
            "employee contributions of lunch-ban, largest first:",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "expected the verdict 'customer-at-employee-cost' for lunch-ban, got 'unlawful' *",
            "top contributions:",
            "*",
            "*legal findings (an error-level breach makes a policy unlawful):",
            "guardrail conflicts:",
            "  GRD* guardrail error, lunch-ban/rules?0?: *",
        ]
    )


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
            "(employee -36, customer +8: direct +8, indirect +0)",
            "top contributions:",
            "  BRK001 employee.autonomy -1: Lunch may not be taken between 10:00 and 12:00.",
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
            "  policy: format, title, status, replaces, alternative_to, owner, summary, jurisdiction",
            "  rule 1 (break-rule): break, min_minutes, blocked_windows, scheduling, paid, count, every_hours, "
            "earliest_after_hours, latest_after_hours, waiver, note",
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
            And the indirect customer impact is below 0
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
            "  payroll-cut (employee -36, customer -34: direct -17, indirect -17); worst: *",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "expected a guardrail conflict citing 'reg. 12' for lunch-ban, found no guardrail conflict",
            "conflicts found:",
            "  TRD00? trade-off warning, lunch-ban*: *",
        ]
    )
    result.stdout.fnmatch_lines(
        ['2 policies are evaluated together, so "it" is ambiguous; name one (Then the verdict of "<id>" *']
    )


def test_the_policy_folder_defaults_to_policies_in_the_rootdir(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nbdd_features_base_dir = features\n")
    write_rulebook(pytester)
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
    write_rulebook(library, "edge_margin_minutes = 0\n")
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
    write_rulebook(library)
    result = run(library)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["expected no guardrail conflict for early-lunch, found 1"])


def test_the_steps_use_the_rulebook_the_settings_name(library: pytest.Pytester) -> None:
    feature(
        library,
        """\
        Feature: Rulebook
          Scenario: A rule of the project's own rulebook
            Given the policy "empowered"
            Then rule "EMP901" fired
        """,
    )
    run(library, "-q").assert_outcomes(passed=1)
    (library.path / "policyweigh.toml").unlink()  # now the bundled rulebook, which has no EMP901
    result = run(library)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["unknown impact rule 'EMP901'*"])
