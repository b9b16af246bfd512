"""Changing a policy in a scenario: every change through the engine's one patcher (policyweigh.patching)."""

from __future__ import annotations

from typing import Any

import pytest

import policyweigh.bdd.patching as patching
from policyweigh.bdd.messages import PolicyCheckFailed
from policyweigh.bdd.patching import apply_remedy, change_field, is_policy_field
from policyweigh.errors import InputError
from policyweigh.loading import load_policy_text
from policyweigh.patching import FieldChange, patch_policy
from policyweigh.policy import Policy, dump_policy
from policyweigh.remedies import apply_patch
from policyweigh.results import Patch, RemedyResult, ScoresAfter

STAFFING = """\
id: payroll-cut
title: Payroll cut at 92% occupancy
jurisdiction: uk
scope:
  teams: [inbound]
  shift_hours: 8
rules:
  - kind: break-rule
    break: lunch
    min_minutes: 30
    blocked_windows: [{from: "10:00", to: "12:00"}]
  - kind: staffing
    payroll_change_pct: -15
    occupancy_target_pct: 92
    service_level_target: {answered_pct: 80, within_seconds: 20}
"""


@pytest.fixture
def policy() -> Policy:
    return load_policy_text(STAFFING, "payroll-cut.yaml")


def test_a_rule_field_is_changed_as_the_patcher_changes_it(policy: Policy) -> None:
    changed = change_field(policy, None, "min_minutes", "20")
    assert changed == patch_policy(policy, [FieldChange(0, ("min_minutes",), 20)], label="any")
    assert changed.rules[0].min_minutes == 20  # type: ignore[union-attr]


def test_a_dotted_path_sets_a_value_nested_in_the_rules_field(policy: Policy) -> None:
    changed = change_field(policy, 2, "service_level_target.answered_pct", "90")
    assert dump_policy(changed)["rules"][1]["service_level_target"] == {
        "answered_pct": 90,
        "within_seconds": 20,
    }


def test_null_removes_a_rule_field(policy: Policy) -> None:
    changed = change_field(policy, 1, "blocked_windows", "null")
    assert changed.rules[0].blocked_windows == []  # type: ignore[union-attr]


def test_top_level_and_scope_fields_are_changed_by_the_same_patcher(policy: Policy) -> None:
    assert is_policy_field("jurisdiction") and not is_policy_field("min_minutes")
    assert change_field(policy, "policy", "jurisdiction", "nl").jurisdiction == "nl"
    assert change_field(policy, "policy", "jurisdiction", "null").jurisdiction is None
    starts = change_field(policy, "scope", "shift_starts", '["06:00", "08:00"]')
    assert starts == patch_policy(
        policy, [FieldChange("scope", ("shift_starts",), ["06:00", "08:00"])], label="any"
    )
    assert starts.scope.shift_starts == ["06:00", "08:00"]


def test_an_invalid_rule_value_fails_with_the_loaders_located_message(policy: Policy) -> None:
    with pytest.raises(PolicyCheckFailed) as failed:
        change_field(policy, None, "break", "lunchh")
    assert str(failed.value) == (
        "cannot change break of rule 1 (break-rule) of payroll-cut to lunchh: the policy would be invalid:\n"
        "  rules[0].break: expected one of lunch, rest, any; got 'lunchh' (did you mean 'lunch'?)"
    )


def test_an_invalid_scope_value_fails_with_the_loaders_located_message(policy: Policy) -> None:
    with pytest.raises(
        PolicyCheckFailed, match=r"^cannot change scope shift_hours of payroll-cut to 30: .*\n  scope"
    ):
        change_field(policy, "scope", "shift_hours", "30")


def test_the_patcher_locates_every_problem_of_an_invalid_result(policy: Policy) -> None:
    changes = [FieldChange(0, ("break",), "lunchh"), FieldChange("scope", ("shift_hours",), 30)]
    with pytest.raises(InputError) as err:
        patch_policy(policy, changes, label="payroll-cut patched")
    problems = err.value.problems
    assert [p.path for p in problems] == ["scope.shift_hours", "rules[0].break"]
    assert all(p.file == "payroll-cut patched" and p.line > 1 for p in problems)
    assert problems[1].suggestion == "lunch"


def test_the_patcher_refuses_a_rule_the_policy_does_not_have(policy: Policy) -> None:
    with pytest.raises(InputError, match=r"rules\[5\]: no rule 5: the policy has 2 rule"):
        patch_policy(policy, [FieldChange(5, ("min_minutes",), 10)], label="payroll-cut patched")


@pytest.mark.parametrize(
    ("where", "name", "text", "message"),
    [
        (
            "policy",
            "id",
            "other",
            "cannot change id of payroll-cut this way; change a field of its scope or of a rule",
        ),
        (
            "scope",
            "team",
            "[a]",
            "a policy's scope has no field 'team' (did you mean 'teams'?); it has teams, ",
        ),
        (3, "min_minutes", "10", "payroll-cut has 2 rule(s); there is no rule 3 (rule 1 is the first)"),
        (2, "min_minutes", "10", "rule 2 of payroll-cut (staffing) has no field 'min_minutes'; its fields: "),
        (None, "min_minute", "10", "payroll-cut has no field 'min_minute' (did you mean 'min_minutes'?)\n"),
        (None, "min_minutes", "[unclosed", "cannot read the value '[unclosed' as YAML: "),
    ],
)
def test_a_change_that_cannot_be_made_says_why(
    policy: Policy, where: patching.Where, name: str, text: str, message: str
) -> None:
    with pytest.raises(PolicyCheckFailed) as failed:
        change_field(policy, where, name, text)
    assert str(failed.value).startswith(message), str(failed.value)


def _remedy(values: dict[str, Any]) -> RemedyResult:
    return RemedyResult(
        code="REM002",
        summary="Stagger lunch.",
        patch=Patch(policy="payroll-cut", rule_index=0, set=values),
        scores_after=ScoresAfter(employee=0, customer=0, employee_change=0, customer_change=0),
    )


def test_a_remedy_is_applied_as_the_engine_applies_it(policy: Policy) -> None:
    values = {"scheduling": "staggered", "blocked_windows": None}
    applied = apply_remedy(policy, _remedy(values))
    assert applied == apply_patch(policy, _remedy(values).patch, remedy="REM002")
    assert applied.rules[0].scheduling == "staggered"  # type: ignore[union-attr]


def test_a_remedy_that_makes_the_policy_invalid_fails_naming_it(policy: Policy) -> None:
    with pytest.raises(
        PolicyCheckFailed, match=r"^cannot apply remedy REM002: remedy REM002 makes payroll-cut/rules"
    ):
        apply_remedy(policy, _remedy({"scheduling": "whenever"}))
