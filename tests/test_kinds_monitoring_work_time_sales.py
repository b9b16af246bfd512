"""Rule kinds monitoring, adherence, overtime, schedule-notice, commission, script and contest.

For each kind: a valid rule loads, an impossible value is refused with a located message (through
``load_policy_text``, the way a file is read), its measures are worked out as documented, and its
bundled library policy is scored through the real engine (which rules fire, the sign of each
side). Then what the doses promise: scores move the right way as the numbers change.
"""

from __future__ import annotations

from typing import Any

import pytest

from policyweigh.cli import main
from policyweigh.loading import load_policy, load_policy_text
from policyweigh.measures import measure_values
from policyweigh.orchestration import evaluate
from policyweigh.policy import Script
from policyweigh.results import PolicyResult
from policyweigh.rulebook import load_rulebook
from tests.helpers import ROOT, SETTINGS, make_policy, messages, policy_yaml

BOOK = load_rulebook()
KINDS = ("monitoring", "adherence", "overtime", "schedule-notice", "commission", "script", "contest")


# --------------------------------------------------------------------------- the models

VALID: dict[str, str] = {
    "monitoring": (
        "kind: monitoring\nmethod: side-by-side\nlive_hours_per_week: 2\ntied_to: coaching\n"
        "results_seen_by: team-leader"
    ),
    "adherence": "kind: adherence\nreal_time: true\nunplanned_breaks: logged\ntolerance_pct: 5",
    "overtime": "kind: overtime\nparticipation: voluntary\ncap_hours_per_week: 8\nnotice_hours: 48",
    "schedule-notice": "kind: schedule-notice\nnotice_days: 14\nright_to_refuse: true",
    "commission": "kind: commission\nrate_pct: 2.5\ncap_pct_of_base_pay: 30\nclawback_months: 6",
    "script": "kind: script\nuse: mandatory\ncovers: compliance-statements",
    "contest": "kind: contest\nmetric: customer_satisfaction\nprize: recognition\nopt_in: true",
}


@pytest.mark.parametrize("kind", KINDS)
def test_a_valid_rule_of_each_kind_loads(kind: str) -> None:
    policy = load_policy_text(policy_yaml(VALID[kind]), "p.yaml")
    assert [rule.kind for rule in policy.rules] == [kind]


INVALID: list[tuple[str, str]] = [
    (
        "kind: monitoring\nmethod: call-recording\nlive_hours_per_week: 2",
        "p.yaml:6:26: rules[0].live_hours_per_week: live_hours_per_week counts live listening, which only "
        "silent-monitoring and side-by-side do; a call-recording rule has no live hours: remove the field",
    ),
    (
        "kind: monitoring\nmethod: screen-capture\ncalibrated: true",
        "p.yaml:6:17: rules[0].calibrated: calibrated: true is for qa-scorecard, where scorers align their "
        "scores; screen-capture has no scorers to calibrate",
    ),
    (
        "kind: monitoring\nmethod: qa-scorecard\nresults_seen_by: agent\nfeedback_to_agent: false",
        "p.yaml:6:22: rules[0].results_seen_by: results_seen_by: agent shows each result to the agent "
        "alone, but the agent is not told them (feedback to the agent is off): nobody would see them",
    ),
    (
        "kind: monitoring\nmethod: side-by-sde",
        "p.yaml:5:13: rules[0].method: expected one of call-recording, silent-monitoring, side-by-side, "
        "screen-capture, qa-scorecard; got 'side-by-sde' (did you mean 'side-by-side'?)",
    ),
    (
        "kind: adherence\ntolerance_minutes: 15\ntolerance_pct: 5",
        "p.yaml:6:20: rules[0].tolerance_pct: tolerance_pct gives the tolerance a second time (it is "
        "already given in minutes); keep one of the two",
    ),
    (
        "kind: adherence\nunplanned_breaks: policed",
        "p.yaml:5:23: rules[0].unplanned_breaks: expected one of free, logged, counted, need-permission; "
        "got 'policed'",
    ),
    (
        "kind: overtime\nparticipation: mandatory\ncap_hours_per_week: 0",
        "p.yaml:6:25: rules[0].cap_hours_per_week: expected a number greater than 0; got 0",
    ),
    (
        "kind: overtime\ncap_hours_per_week: 8",
        "p.yaml:4:5: rules[0]: missing required field 'participation'",
    ),
    (
        "kind: schedule-notice\nnotice_days: 14\nchanges_after_publication: false\nchange_premium_pct: 10",
        "p.yaml:7:25: rules[0].change_premium_pct: change_premium_pct pays for changes to a published "
        "schedule, and this rule allows none; remove it, or allow changes after publication",
    ),
    (
        "kind: schedule-notice\nnotice_days: 14\nchanges_after_publication: false\nright_to_refuse: true",
        "p.yaml:7:22: rules[0].right_to_refuse: right_to_refuse lets staff refuse changes to a published "
        "schedule, and this rule allows none; remove it, or allow changes after publication",
    ),
    (
        "kind: schedule-notice\nnotice_days: 1.5",
        "p.yaml:5:18: rules[0].notice_days: expected a whole number; got the number 1.5",
    ),
    (
        "kind: commission\nrate_pct: 5\nquota_on_service_contact: true",
        "p.yaml:6:5: rules[0].quota_on_service_contact: unknown field; expected one of rate_pct, "
        "cap_pct_of_base_pay, clawback_months, quota_on_service_contacts, quota_sales_per_day, note "
        "(did you mean 'quota_on_service_contacts'?)",
    ),
    (
        "kind: script\nuse: guideline\ndeviation_allowed: false",
        "p.yaml:6:24: rules[0].deviation_allowed: deviation_allowed: false makes the script binding, which "
        "a guideline is not; make the script mandatory, or remove deviation_allowed",
    ),
    (
        "kind: contest\nmetric: sales\nprize: none\nleaderboard: none",
        "p.yaml:6:12: rules[0].prize: prize: none leaves nothing to win when no standings are shown "
        "either; give a prize or show the standings",
    ),
    (
        "kind: contest\nmetric: sales\nduration_days: 0",
        "p.yaml:6:20: rules[0].duration_days: expected a number greater than 0; got 0",
    ),
]


@pytest.mark.parametrize(("rule", "expected"), INVALID, ids=[e.split(": ", 2)[1] for _, e in INVALID])
def test_an_impossible_value_is_refused_at_its_field(rule: str, expected: str) -> None:
    assert messages(policy_yaml(rule)) == [expected]


def test_every_kind_has_an_impossible_value_case() -> None:
    covered = {line.split("\n", 1)[0].removeprefix("kind: ") for line, _ in INVALID}
    assert covered == set(KINDS)


@pytest.mark.parametrize(
    ("written", "expected"),
    [("use: mandatory", False), ("use: guideline", True), ("use: mandatory\ndeviation_allowed: true", True)],
)
def test_an_unset_deviation_follows_how_binding_the_script_is(written: str, expected: bool) -> None:
    rule = load_policy_text(policy_yaml(f"kind: script\n{written}"), "p.yaml").rules[0]
    assert isinstance(rule, Script)
    assert rule.deviation_allowed is expected


@pytest.mark.parametrize("kind", KINDS)
def test_new_writes_a_valid_template(kind: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", kind]) == 0
    policy = load_policy_text(capsys.readouterr().out, f"{kind}.yaml")
    assert [rule.kind for rule in policy.rules] == [kind]


# --------------------------------------------------------------------------- measures


@pytest.mark.parametrize(
    ("rule", "scope", "expected"),
    [
        ({"tolerance_minutes": 20}, {}, 20.0),
        ({"tolerance_pct": 10}, {}, 48.0),  # 10% of a default 8-hour shift
        ({"tolerance_pct": 10}, {"shift_hours": 6}, 36.0),
        ({}, {}, 0.0),  # no tolerance: every minute off plan counts
    ],
)
def test_tolerance_minutes_per_shift(rule: dict[str, Any], scope: dict[str, Any], expected: float) -> None:
    policy = make_policy({"kind": "adherence", **rule}, scope=scope)
    assert measure_values(policy.rules[0], policy) == {"tolerance_minutes_per_shift": expected}


@pytest.mark.parametrize(
    ("cap", "scope", "expected"),
    [
        (10, {}, {"longest_week_hours": 50.0}),
        (4, {"shift_hours": 9}, {"longest_week_hours": 49.0}),
        (None, {}, {}),
    ],
)
def test_longest_week_hours(cap: float | None, scope: dict[str, Any], expected: dict[str, float]) -> None:
    rule: dict[str, Any] = {"kind": "overtime", "participation": "voluntary"}
    if cap is not None:
        rule["cap_hours_per_week"] = cap
    policy = make_policy(rule, scope=scope)
    assert measure_values(policy.rules[0], policy) == expected


# --------------------------------------------------------------------------- the library's policies


def library_result(key: str) -> tuple[PolicyResult, set[str]]:
    """A bundled policy scored alone with the bundled rulebook: its result and the rules that fired."""
    policy = load_policy(ROOT / "policies" / f"{key}.yaml")
    run = evaluate([policy], rulebook=BOOK, settings=SETTINGS, conflicts=False)
    return run.result(policy.id), {f.code for f in run.firings}


LIBRARY: list[tuple[str, str, int, int, set[str], set[str]]] = [
    # file key, verdict, sign of the employee side, sign of the customer side, fired, not fired
    ("monitoring/side-by-side-listening", "win-win", 1, 1, {"MON003", "MON005"}, {"MON001", "MON004"}),
    (
        "monitoring/real-time-adherence-with-toilet-breaks-counted",
        "customer-at-employee-cost",
        -1,
        1,
        {"ADH001", "ADH002", "ADH004", "ADH005"},
        {"ADH003", "ADH006"},
    ),
    (
        "work-time/mandatory-overtime-in-peak-season",
        "customer-at-employee-cost",
        -1,
        1,
        {"OVT001", "OVT002", "OVT004", "OVT005", "OVT006"},
        {"OVT003", "OVT007"},
    ),
    (
        "work-time/rota-three-weeks-ahead",
        "employee-gain",
        1,
        0,
        {"SCN002", "SCN004", "SCN005"},
        {"SCN001", "SCN003"},
    ),
    (
        "sales/sales-quota-on-service-calls",
        "lose-lose",
        -1,
        -1,
        {"SAL001", "SAL002", "SAL004"},
        {"SAL003", "SAL005"},
    ),
    ("calls/word-for-word-script", "lose-lose", -1, -1, {"SCR001"}, {"SCR002", "SCR005"}),
    (
        "sales/sales-contest-with-public-leaderboard",
        "lose-lose",
        -1,
        -1,
        {"GAM001", "GAM003", "GAM005"},
        {"GAM002", "GAM004"},
    ),
]


def _sign(value: int) -> int:
    return (value > 0) - (value < 0)


@pytest.mark.parametrize(
    ("key", "verdict", "employee", "customer", "fired", "silent"), LIBRARY, ids=[c[0] for c in LIBRARY]
)
def test_library_policy_is_scored_as_its_summary_says(
    key: str, verdict: str, employee: int, customer: int, fired: set[str], silent: set[str]
) -> None:
    result, codes = library_result(key)
    assert result.verdict == verdict
    assert (_sign(result.scores.employee), _sign(result.scores.customer)) == (employee, customer)
    assert fired <= codes, f"expected {sorted(fired - codes)} to fire; fired: {sorted(codes)}"
    assert not (silent & codes), f"{sorted(silent & codes)} fired"
    assert not result.not_assessed


def test_the_library_has_a_policy_of_every_kind() -> None:
    kinds = {load_policy(ROOT / "policies" / f"{key}.yaml").rules[0].kind for key, *_ in LIBRARY}
    assert kinds == set(KINDS)


def test_weak_evidence_says_so_and_widens_the_range() -> None:
    result, _ = library_result("sales/sales-quota-on-service-calls")
    sal001 = [c for c in result.contributions if c.rule == "SAL001"]
    assert sal001 and all(c.strength == "weak" for c in sal001)
    assert "weakly supported" in sal001[0].reason
    assert result.ranges is not None
    low, high = result.ranges.customer
    assert low < result.scores.customer < high


# --------------------------------------------------------------------------- doses: scores follow the numbers


def scores(*rules: dict[str, Any], scope: dict[str, Any] | None = None) -> list[tuple[int, int]]:
    """(employee, customer) of one-rule policies, one per rule, scored together."""
    policies = [make_policy(rule, id=f"p{i}", scope=scope or {}) for i, rule in enumerate(rules)]
    run = evaluate(policies, rulebook=BOOK, settings=SETTINGS, conflicts=False)
    return [(run.result(p.id).scores.employee, run.result(p.id).scores.customer) for p in policies]


def test_longer_weeks_of_overtime_cost_staff_more() -> None:
    caps = [2, 8, 15, 25, 40]
    employee = [
        e
        for e, _ in scores(
            *({"kind": "overtime", "participation": "voluntary", "cap_hours_per_week": c} for c in caps)
        )
    ]
    assert employee == sorted(employee, reverse=True) and employee[0] > employee[-1]
    uncapped, longest = scores(
        {"kind": "overtime", "participation": "voluntary"},
        {"kind": "overtime", "participation": "voluntary", "cap_hours_per_week": 40},
    )
    assert uncapped[0] <= longest[0] < 0, "no cap is at least as bad as the longest cap"


def test_more_notice_is_better_for_staff_across_the_two_weeks_line() -> None:
    days = [0, 3, 7, 13, 14, 15, 21, 28]
    employee = [
        e
        for e, _ in scores(
            *({"kind": "schedule-notice", "notice_days": d, "right_to_refuse": True} for d in days)
        )
    ]
    assert employee == sorted(employee) and employee[0] < 0 < employee[-1]


def test_more_tolerance_makes_pay_linked_adherence_lighter() -> None:
    minutes = [0, 15, 30, 60, 120]
    rules = (
        {"kind": "adherence", "real_time": False, "tied_to": "bonus", "tolerance_minutes": m} for m in minutes
    )
    employee = [e for e, _ in scores(*rules)]
    assert employee == sorted(employee) and employee[0] < employee[-1] < 0


def test_a_clawback_offsets_part_of_commission_and_never_more() -> None:
    (plain, clawed) = scores(
        {"kind": "commission", "rate_pct": 10},
        {"kind": "commission", "rate_pct": 10, "clawback_months": 60},
    )
    assert plain[1] < clawed[1] < 0


def test_silent_monitoring_weighs_more_the_more_hours_it_runs() -> None:
    hours = [0, 2, 10]
    rules = (
        {"kind": "monitoring", "method": "silent-monitoring", "tied_to": "none", "live_hours_per_week": h}
        for h in hours
    )
    employee = [e for e, _ in scores(*rules)]
    assert employee == sorted(employee, reverse=True) and employee[0] > employee[-1]


def test_side_by_side_coaching_helps_customers_only_where_they_are_served() -> None:
    rule = {"kind": "monitoring", "method": "side-by-side", "tied_to": "coaching", "live_hours_per_week": 2}
    ((_, served),) = scores(rule)
    ((_, back_office),) = scores(rule, scope={"customer_facing": False})
    assert served > 0 == back_office


def test_a_speed_contest_rushes_contacts_like_volume_pay() -> None:
    policy = make_policy({"kind": "contest", "metric": "calls_handled", "opt_in": True})
    run = evaluate([policy], rulebook=BOOK, settings=SETTINGS, conflicts=False)
    assert {"GAM004", "DRV001"} <= {f.code for f in run.firings}
    assert any(c.rule == "DRV001" and c.delta < 0 for c in run.result(policy.id).contributions)


# --------------------------------------------------------------------------- remedies


@pytest.mark.parametrize(
    ("key", "remedy"),
    [
        ("work-time/mandatory-overtime-in-peak-season", "overtime.voluntary"),
        ("monitoring/real-time-adherence-with-toilet-breaks-counted", "adherence.coach-instead-of-pay"),
    ],
)
def test_a_trade_off_offers_a_remedy_that_raises_the_employee_side(key: str, remedy: str) -> None:
    policy = load_policy(ROOT / "policies" / f"{key}.yaml")
    run = evaluate([policy], rulebook=BOOK, settings=SETTINGS)
    before = run.result(policy.id).scores.employee
    names = {r.code: r.name for r in BOOK.remedies.values()}
    offered = {names[r.code]: r for conflict in run.evaluation.conflicts for r in conflict.remedies}
    assert remedy in offered, sorted(offered)
    assert offered[remedy].scores_after.employee > before


def test_every_new_rule_cites_evidence_the_rulebook_holds() -> None:
    prefixes = ("MON", "ADH", "OVT", "SCN", "SAL", "SCR", "GAM")
    rules = [r for r in BOOK.impact_rules if r.code.startswith(prefixes)]
    assert {r.when["kind"] for r in rules} == set(KINDS)
    for rule in rules:
        assert rule.evidence and set(rule.evidence) <= set(BOOK.evidence), rule.code
        strength = rule.strength or BOOK.evidence_strength(rule)
        if strength == "weak":
            assert "weakly supported" in rule.summary, (
                f"{rule.code} rests on weak evidence; its summary must say so"
            )
            assert "weak" in rule.because, f"{rule.code} rests on weak evidence; its explanation must say so"
