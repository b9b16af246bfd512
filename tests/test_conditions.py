"""Bonus lines that combine conditions (``all:`` / ``any:``), on the real engine.

A condition is written as one line of text (``csat >= 90 pct``) or as a mapping of
the same fields, with an absolute level and its unit or a share of the target. The
engine scores the combination: the share of people expected to miss the whole bonus,
and the condition that decides who is paid. A bonus on one metric and its
``threshold_pct`` loads and scores exactly as it always did.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import pytest

from policyweigh.config import Settings
from policyweigh.errors import InputError
from policyweigh.evaluation import score_policies
from policyweigh.facts import rule_facts
from policyweigh.loading import load_policy_text
from policyweigh.measures import condition_line_pct, condition_miss_pct
from policyweigh.policy import BonusThreshold, Condition, Policy, dump_policy, parse_condition
from policyweigh.results import PolicyResult
from policyweigh.rulebook import load_rulebook
from tests.helpers import ROOT, make_policy

BOOK = load_rulebook()
SETTINGS = Settings()
HEADLINE = {
    "kind": "bonus-threshold",
    "all": ["csat >= 90 pct", "attendance >= 98 pct"],
    "period": "quarter",
}
"""The issue's "quarterly bonus only if CSAT >= 90% and attendance >= 98%"."""


def scored(*policies: Policy) -> list[PolicyResult]:
    run = score_policies(policies, rulebook=BOOK, settings=SETTINGS)
    return [run.result(p.id) for p in policies]


def fired(policy: Policy) -> set[str]:
    return {c.rule for c in scored(policy)[0].contributions}


def bonus(**fields: Any) -> BonusThreshold:
    rule = make_policy({"kind": "bonus-threshold", **fields}).rules[0]
    assert isinstance(rule, BonusThreshold)
    return rule


def problems(rule: str) -> list[str]:
    """The messages of a policy holding one rule written as YAML lines."""
    body = "\n".join(
        ("  - " if i == 0 else "    ") + line for i, line in enumerate(rule.strip().splitlines())
    )
    with pytest.raises(InputError) as caught:
        load_policy_text(f"id: p\ntitle: A policy\nrules:\n{body}\n", "p.yaml")
    return [str(p) for p in caught.value.problems]


# --------------------------------------------------------------------------- writing conditions


@pytest.mark.parametrize(
    ("text", "mapping"),
    [
        ("csat >= 90 pct", {"metric": "csat", "at_least": 90.0, "unit": "pct"}),
        ("csat>=90%", {"metric": "csat", "at_least": 90.0, "unit": "pct"}),
        ("aht <= 6 minutes", {"metric": "aht", "at_most": 6.0, "unit": "minutes"}),
        ("aht \u2264 360 sec", {"metric": "aht", "at_most": 360.0, "unit": "seconds"}),
        ("nps >= -10 score", {"metric": "nps", "at_least": -10.0, "unit": "score"}),
        ("quality_score >= 95% of target", {"metric": "quality_score", "threshold_pct": 95.0}),
        ("sales >= 110 pct of the target", {"metric": "sales", "threshold_pct": 110.0}),
    ],
)
def test_a_condition_in_text_is_the_mapping_it_stands_for(text: str, mapping: dict[str, Any]) -> None:
    assert parse_condition(text) == mapping
    assert Condition.model_validate(text) == Condition.model_validate(mapping)


def test_the_issues_bonus_reads_as_written_and_round_trips() -> None:
    policy = make_policy(HEADLINE)
    rule = policy.rules[0]
    assert isinstance(rule, BonusThreshold)
    assert rule.combine == "all"
    assert [c.text for c in rule.conditions] == ["csat >= 90 pct", "attendance >= 98 pct"]
    dumped = dump_policy(policy)
    assert dumped["rules"][0]["all"] == [
        {"metric": "csat", "at_least": 90.0, "unit": "pct"},
        {"metric": "attendance", "at_least": 98.0, "unit": "pct"},
    ]
    assert Policy.model_validate(dumped) == policy


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (
            'kind: bonus-threshold\nall: ["csat > 90 pct"]',
            "p.yaml:5:11: rules[0].all[0]: > is not a condition's comparison: write >= (at least) or "
            "<= (at most); a level is reached at the line itself",
        ),
        (
            'kind: bonus-threshold\nall: ["csat => 90 pct"]',
            "p.yaml:5:11: rules[0].all[0]: write >= rather than =>",
        ),
        (
            'kind: bonus-threshold\nall: ["csat >= 90"]',
            "p.yaml:5:11: rules[0].all[0]: write the unit after the level (csat >= 90 pct): one of pct "
            "(or %), minutes, seconds, count, score; or write % of target for a share of the target",
        ),
        (
            'kind: bonus-threshold\nall: ["aht <= 6 minuts"]',
            "p.yaml:5:11: rules[0].all[0]: unknown unit 'minuts' (did you mean 'minutes'?); write one of "
            "%, pct, minutes, seconds, count, score",
        ),
        (
            'kind: bonus-threshold\nall: ["quality_score <= 95% of target"]',
            "p.yaml:5:11: rules[0].all[0]: a share of the target is a line to reach: write "
            "quality_score >= 95% of target",
        ),
        (
            'kind: bonus-threshold\nall: ["csat is high"]',
            "p.yaml:5:11: rules[0].all[0]: expected a condition such as 'customer_satisfaction >= 90 pct' "
            "(a level with its unit) or 'quality_score >= 95% of target'; got 'csat is high'",
        ),
        (
            'kind: bonus-threshold\nall: ["csat >= 120 pct"]',
            "p.yaml:5:11: rules[0].all[0]: at_least in pct is between 0 and 100; got 120",
        ),
        (
            'kind: bonus-threshold\nall: ["aht >= 90 pct"]',
            "p.yaml:5:11: rules[0].all[0]: average_handle_time is measured in minutes or seconds; got a "
            "level in pct",
        ),
        (
            'kind: bonus-threshold\nall: ["attendance >= 98% of target"]',
            "p.yaml:5:11: rules[0].all[0]: the metric attendance is 100 minus absenteeism in percent: write "
            "absenteeism, turned round (98 pct attendance is absenteeism at most 2 pct); only a bonus "
            "condition with a level in pct is read turned round for you",
        ),
        (
            "kind: bonus-threshold\nall:\n  - {metric: csat, at_least: 90, at_most: 95, unit: pct}",
            "p.yaml:6:9: rules[0].all[0]: a condition needs one level: at_least or at_most with its unit, "
            "or threshold_pct (a share of the target); got at_least and at_most",
        ),
        (
            "kind: bonus-threshold\nall:\n  - {metric: csat, threshold_pct: 90, unit: pct}",
            "p.yaml:6:9: rules[0].all[0]: threshold_pct is already a percent of the target: remove unit",
        ),
        (
            "kind: bonus-threshold\nmetric: csat\nthreshold_pct: 90\nall: [csat >= 90 pct]",
            "p.yaml:4:5: rules[0]: write the bonus's line once: metric with threshold_pct, or all: with "
            "conditions",
        ),
        (
            "kind: bonus-threshold\nall: [csat >= 90 pct]\nany: [nps >= 30 score, fcr >= 70 pct]",
            "p.yaml:4:5: rules[0]: give all: or any:, not both: one list says how its conditions combine",
        ),
        (
            "kind: bonus-threshold\nany: [csat >= 90 pct]",
            "p.yaml:5:10: rules[0].any: expected at least 2 entries; got 1",
        ),
        (
            "kind: bonus-threshold\nmetric: csat",
            "p.yaml:5:13: rules[0].metric: metric needs threshold_pct, the share of its target to reach; "
            "for a level of its own write all: [csat >= 90 pct]",
        ),
        (
            "kind: bonus-threshold\npayout: linear",
            "p.yaml:4:5: rules[0]: a bonus-threshold needs its line: metric with threshold_pct, or all: (or "
            "any:) with conditions such as 'customer_satisfaction >= 90 pct' (a level with its unit) or "
            "'quality_score >= 95% of target'",
        ),
    ],
)
def test_a_condition_that_says_nothing_exact_is_a_located_error(rule: str, message: str) -> None:
    assert problems(rule) == [message]


# --------------------------------------------------------------------------- one metric, as before


def test_a_single_metric_bonus_loads_and_becomes_the_same_fact_as_before() -> None:
    policy = make_policy(
        {
            "kind": "bonus-threshold",
            "metric": "calls_handled",
            "threshold_pct": 95,
            "payout": "all-or-nothing",
        }
    )
    (fact,) = rule_facts(policy)
    assert {k: v for k, v in fact.items() if not k.startswith(("scope.", "policy"))} == {
        "kind": "bonus-threshold",
        "metric": "calls_handled",
        "threshold_pct": 95.0,
        "payout": "all-or-nothing",
        "period": "month",
        "basis": "individual",
        "expected_miss_pct": 30.85,
        "rule_index": 0,
    }
    assert dump_policy(policy)["rules"][0] == {
        "kind": "bonus-threshold",
        "metric": "calls_handled",
        "threshold_pct": 95.0,
        "payout": "all-or-nothing",
        "period": "month",
        "basis": "individual",
    }


@pytest.mark.parametrize(
    ("rule", "codes"),
    [
        (
            {"metric": "calls_handled", "threshold_pct": 95},
            {"BON001", "BON002", "BON003", "DRV001", "DRV002"},
        ),
        ({"metric": "customer_satisfaction", "threshold_pct": 80, "payout": "linear"}, {"BON006"}),
        ({"metric": "quality_score", "threshold_pct": 90, "payout": "tiered"}, {"BON005"}),
        (
            {"metric": "sales", "threshold_pct": 110, "basis": "team"},
            {"BON001", "BON008"},
        ),
        (
            {"metric": "first_contact_resolution", "threshold_pct": 90, "payout": "linear"},
            {"BON007"},
        ),
    ],
)
def test_single_metric_bonuses_fire_what_they_always_fired(rule: dict[str, Any], codes: set[str]) -> None:
    found = fired(make_policy({"kind": "bonus-threshold", **rule}))
    assert {c for c in found if c.startswith(("BON", "DRV"))} == codes


def test_the_bundled_single_metric_bonus_fires_no_rule_on_conditions() -> None:
    policy = load_policy_text((ROOT / "policies/calls/bonus-at-95-pct-of-call-target.yaml").read_bytes())
    found = fired(policy)
    assert {"BON001", "BON002", "BON003"} <= found
    assert not {c for c in found if c in {f"BON0{n}" for n in range(9, 15)}}


# --------------------------------------------------------------------------- what the measures assume


def test_a_share_of_target_is_judged_as_threshold_pct_is() -> None:
    share = Condition.model_validate("quality_score >= 95% of target")
    single = rule_facts(
        make_policy({"kind": "bonus-threshold", "metric": "quality_score", "threshold_pct": 95})
    )
    assert condition_miss_pct(share) == single[0]["expected_miss_pct"] == 30.85


@pytest.mark.parametrize(
    ("condition", "line", "miss"),
    [
        # No current average stated: the level is taken as today's average, which half miss.
        ({"metric": "csat", "at_least": 90, "unit": "pct"}, 100.0, 50.0),
        # 90 against an average of 85: the line is 105.9% of today's performance.
        ({"metric": "csat", "at_least": 90, "unit": "pct", "typical": 85}, 100 * 90 / 85, 72.18),
        # Under 5 minutes against an average of 6: keeping under a lower line is harder.
        ({"metric": "aht", "at_most": 5, "unit": "minutes", "typical": 6}, 120.0, 97.72),
        ({"metric": "aht", "at_most": 7.5, "unit": "minutes", "typical": 6}, 80.0, 2.28),
        ({"metric": "absenteeism", "at_most": 0, "unit": "pct", "typical": 4}, math.inf, 100.0),
    ],
)
def test_an_absolute_level_is_judged_against_todays_average(
    condition: dict[str, Any], line: float, miss: float
) -> None:
    parsed = Condition.model_validate(condition)
    assert condition_line_pct(parsed) == pytest.approx(line)
    assert condition_miss_pct(parsed) == pytest.approx(miss, abs=0.01)


def test_all_multiplies_the_chances_to_qualify_and_any_the_chances_to_miss() -> None:
    conditions = ["quality_score >= 95% of target", "sales >= 105% of target"]  # missed by 30.85% and 69.15%
    all_fact = rule_facts(make_policy({"kind": "bonus-threshold", "all": conditions}))[0]
    any_fact = rule_facts(make_policy({"kind": "bonus-threshold", "any": conditions}))[0]
    assert all_fact["conditions.miss_pct"] == round(100 * (1 - 0.6915 * 0.3085), 2)
    assert any_fact["conditions.miss_pct"] == round(100 * 0.3085 * 0.6915, 2)
    # all: the line most people miss decides; any: the one fewest miss.
    assert (all_fact["conditions.deciding"], all_fact["conditions.deciding_miss_pct"]) == (
        "sales >= 105% of target",
        69.15,
    )
    assert (any_fact["conditions.deciding"], any_fact["conditions.deciding_miss_pct"]) == (
        "quality_score >= 95% of target",
        30.85,
    )


def test_a_combined_bonus_is_flat_facts_with_the_conditions_read_as_they_mean() -> None:
    (fact,) = rule_facts(make_policy(HEADLINE))
    assert fact["conditions.count"] == 2
    assert fact["conditions.combine"] == "all"
    assert fact["conditions.metrics.has.customer_satisfaction"] is True
    assert fact["conditions.metrics.has.absenteeism"] is True
    assert fact["conditions.text"] == (
        "csat >= 90 pct (customer_satisfaction) and attendance >= 98 pct (read as absenteeism <= 2 pct)"
    )
    assert fact["conditions.miss_pct"] == 75.0
    assert "metric" not in fact and "threshold_pct" not in fact and "expected_miss_pct" not in fact
    assert all(not isinstance(v, (dict, list)) for v in fact.values())


# --------------------------------------------------------------------------- scoring the combination


def test_the_issues_bonus_is_scored_as_one_line_and_says_how_it_read_attendance() -> None:
    (result,) = scored(make_policy(HEADLINE))
    codes = {c.rule for c in result.contributions}
    assert {"BON009", "BON010", "BON013"} <= codes
    assert not codes & {"BON001", "BON002", "BON006"}
    reasons = " ".join(c.reason for c in result.contributions)
    assert "attendance >= 98 pct (read as absenteeism <= 2 pct)" in reasons
    assert "about 75% of agents" in reasons
    assert result.verdict == "customer-at-employee-cost"


def test_every_condition_added_to_all_lowers_the_employee_score_and_added_to_any_raises_it() -> None:
    one = make_policy({"kind": "bonus-threshold", "all": ["quality_score >= 95% of target"]}, id="one")
    two = make_policy(
        {"kind": "bonus-threshold", "all": ["quality_score >= 95% of target", "sales >= 95% of target"]},
        id="two",
    )
    either = make_policy(
        {"kind": "bonus-threshold", "any": ["quality_score >= 95% of target", "sales >= 95% of target"]},
        id="either",
    )
    a, b, c = scored(one, two, either)
    assert b.scores.employee < a.scores.employee < c.scores.employee


def test_a_harder_deciding_condition_costs_more() -> None:
    easy = make_policy({"kind": "bonus-threshold", "all": ["quality_score >= 85% of target"]}, id="easy")
    hard = make_policy({"kind": "bonus-threshold", "all": ["quality_score >= 105% of target"]}, id="hard")
    low, high = scored(easy, hard)
    assert high.scores.employee < low.scores.employee


def test_linear_pay_on_the_same_conditions_removes_the_cliff() -> None:
    (result,) = scored(make_policy({**HEADLINE, "payout": "linear"}))
    codes = {c.rule for c in result.contributions}
    assert "BON013" in codes and not codes & {"BON009", "BON010"}
    assert result.scores.employee >= 0


@pytest.mark.parametrize(
    ("metric", "fields"),
    [
        ("quality_score", {}),
        ("calls_handled", {}),
        ("customer_satisfaction", {"payout": "linear"}),
        ("first_contact_resolution", {"payout": "tiered"}),
        ("sales", {"threshold_pct": 110}),
        ("average_handle_time", {"threshold_pct": 80, "payout": "linear"}),
    ],
)
def test_one_condition_as_a_share_of_target_scores_as_the_single_metric_bonus_it_stands_for(
    metric: str, fields: dict[str, Any]
) -> None:
    threshold = fields.pop("threshold_pct", 95)
    single = make_policy(
        {"kind": "bonus-threshold", "metric": metric, "threshold_pct": threshold, **fields}, id="single"
    )
    combined = make_policy(
        {"kind": "bonus-threshold", "all": [f"{metric} >= {threshold}% of target"], **fields}, id="combined"
    )
    a, b = scored(single, combined)
    assert (b.scores.employee, b.scores.customer) == (a.scores.employee, a.scores.customer)


def test_the_bundled_policy_is_the_issues_bonus() -> None:
    path = ROOT / "policies/pay/quarterly-bonus-csat-and-attendance.yaml"
    policy = load_policy_text(path.read_bytes(), str(path))
    (result,) = scored(policy)
    assert result.verdict == "customer-at-employee-cost"
    assert {"BON009", "BON010", "BON013"} <= {c.rule for c in result.contributions}


# --------------------------------------------------------------------------- no cliffs


FEW = 4
"""A step of about 1% of a level moves a side by a few points at most (as tests/test_dose_properties.py)."""


def share_of_target(level: int) -> Any:
    return f"quality_score >= {level}% of target"


def absolute_level(level: int) -> Any:
    return {"metric": "customer_satisfaction", "at_least": level, "unit": "pct", "typical": 90}


@pytest.mark.parametrize("condition", [share_of_target, absolute_level])
@pytest.mark.parametrize("payout", ["all-or-nothing", "linear", "tiered"])
def test_a_harder_line_never_helps_staff_and_moves_the_score_without_cliffs(
    condition: Any, payout: str
) -> None:
    policies = [
        make_policy(
            {"kind": "bonus-threshold", "all": [condition(level), "absenteeism <= 3 pct"], "payout": payout},
            id=f"l{level}",
        )
        for level in range(80, 101)
    ]
    employee = [r.scores.employee for r in scored(*policies)]
    steps = list(itertools.pairwise(employee))
    assert all(b <= a for a, b in steps), employee
    assert all(a - b <= FEW for a, b in steps), employee
