"""Format 1.1 rule kinds: attendance, after-call work, conduct, recovery time, concurrency, span of control.

Each kind through the loader (a valid rule, impossible values with their located messages),
the measures its impact rules read, its `policyweigh new` template, and the bundled policies of
these kinds through the real engine: which impact rules fire, which way each side moves, and
what the remedies offered for harm do.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from policyweigh.cli import main
from policyweigh.errors import InputError
from policyweigh.loading import load_policy, load_policy_text
from policyweigh.measures import measure_values
from policyweigh.orchestration import evaluate
from policyweigh.policy import Conduct, Policy
from policyweigh.results import PolicyResult
from policyweigh.rulebook import load_rulebook
from tests.helpers import ROOT, SETTINGS, make_policy, messages, policy_yaml

BOOK = load_rulebook()
KINDS = ("attendance", "after-call-work", "conduct", "recovery-time", "concurrency", "span-of-control")


def scored(*policies: Policy, conflicts: bool = False) -> dict[str, PolicyResult]:
    run = evaluate(list(policies), rulebook=BOOK, settings=SETTINGS, conflicts=conflicts)
    return {r.id: r for r in run.evaluation.policies}


def sign(value: int) -> int:
    return (value > 0) - (value < 0)


# --------------------------------------------------------------------------- the models


VALID: dict[str, list[str]] = {
    "attendance": [
        "kind: attendance\npoints_system: true\npoints_to_warning: 8\nreturn_to_work_interviews: true",
        "kind: attendance\nbradford_factor: true\nbradford_trigger_score: 200\nsick_pay_waiting_days: 3",
        "kind: attendance",
    ],
    "after-call-work": [
        "kind: after-call-work\nmax_seconds: 30",
        "kind: after-call-work\nmax_seconds: 90\nenforcement: bonus-gate\ntypical_seconds: 120",
    ],
    "conduct": [
        "kind: conduct\nrule: No personal phones on the floor\ntopic: personal-phones\nsanction: written-warning",
        "kind: conduct\nrule: Smart dress\ntopic: dress\nsanction: none\nrepeat_sanction: verbal-warning",
        "kind: conduct\nrule: No swearing\ntopic: language\n"
        "ladder: [verbal-warning, written-warning, final-warning, dismissal]",
        "kind: conduct\nrule: At the desk by shift start\ntopic: attendance-at-desk\nladder: [written-warning]",
    ],
    "recovery-time": [
        "kind: recovery-time\nrecovery_minutes: 10",
        "kind: recovery-time\nrecovery_minutes: 5\ndecided_by: team-leader\npaid: false",
    ],
    "concurrency": ["kind: concurrency\nmax_chats: 3", "kind: concurrency\nmax_chats: 8\nchannel: messaging"],
    "span-of-control": ["kind: span-of-control\nagents_per_team_leader: 12"],
}


@pytest.mark.parametrize(
    ("kind", "rule"), [(kind, rule) for kind, rules in VALID.items() for rule in rules], ids=str
)
def test_a_valid_rule_of_each_new_kind_loads(kind: str, rule: str) -> None:
    policy = load_policy_text(policy_yaml(rule), "p.yaml")
    assert policy.rules[0].kind == kind


def test_the_cases_cover_the_new_kinds() -> None:
    assert set(VALID) == set(KINDS)
    assert {case[0].split("\n")[0].removeprefix("kind: ") for case in INVALID} == set(KINDS)


# (rule, the one located message it must give)
INVALID: list[tuple[str, str]] = [
    (
        "kind: attendance\npoints_to_warning: 8",
        "p.yaml:5:24: rules[0].points_to_warning: points_to_warning is a setting of a points system; "
        "set points_system: true, or remove points_to_warning",
    ),
    (
        "kind: attendance\nbradford_trigger_score: 200",
        "p.yaml:5:29: rules[0].bradford_trigger_score: bradford_trigger_score is a setting of the "
        "Bradford factor; set bradford_factor: true, or remove bradford_trigger_score",
    ),
    (
        "kind: attendance\nsick_pay_waiting_days: 31",
        "p.yaml:5:28: rules[0].sick_pay_waiting_days: expected a number at most 30; got 31",
    ),
    (
        "kind: attendance\nreturn_to_work_interviews: yes",
        "p.yaml:5:32: rules[0].return_to_work_interviews: expected true or false; got the string 'yes'",
    ),
    (
        "kind: after-call-work\nmax_seconds: 0",
        "p.yaml:5:18: rules[0].max_seconds: expected a number greater than 0; got 0",
    ),
    (
        "kind: after-call-work\nmax_seconds: 30.5",
        "p.yaml:5:18: rules[0].max_seconds: expected a whole number; got the number 30.5",
    ),
    (
        "kind: after-call-work\nmax_seconds: 30\nenforcement: bonus",
        "p.yaml:6:18: rules[0].enforcement: expected one of guideline, coaching, bonus-gate, disciplinary; "
        "got 'bonus' (did you mean 'bonus-gate'?)",
    ),
    (
        "kind: conduct\nrule: No personal phones on the floor",
        "p.yaml:4:5: rules[0]: say what breaking it brings: sanction for a first breach (with "
        "repeat_sanction for later ones), or a ladder of sanctions, one a breach",
    ),
    (
        "kind: conduct\nrule: No phones\nsanction: written-warning\nladder: [verbal-warning, written-warning]",
        "p.yaml:4:5: rules[0]: give either sanction (with repeat_sanction) or ladder, not both",
    ),
    (
        "kind: conduct\nrule: No phones\nsanction: written-warning\nrepeat_sanction: verbal-warning",
        "p.yaml:7:22: rules[0].repeat_sanction: repeat_sanction verbal-warning is milder than the first "
        "breach's written-warning; a repeated breach is sanctioned at least as hard",
    ),
    (
        "kind: conduct\nrule: No phones\nsanction: dismissal\nrepeat_sanction: dismissal",
        "p.yaml:7:22: rules[0].repeat_sanction: a first breach already ends in dismissal; remove repeat_sanction",
    ),
    (
        "kind: conduct\nrule: No phones\nladder: [written-warning, verbal-warning]",
        "p.yaml:6:13: rules[0].ladder: ladder step 2 (verbal-warning) is milder than step 1 "
        "(written-warning); each step is at least as severe as the one before",
    ),
    (
        "kind: conduct\nrule: No phones\nladder: [final-warning, dismissal, dismissal]",
        "p.yaml:6:13: rules[0].ladder: ladder goes on after dismissal (step 2); end it there",
    ),
    (
        "kind: conduct\nrule: No phones\nsanction: written warning",
        "p.yaml:6:15: rules[0].sanction: expected one of none, verbal-warning, written-warning, "
        "final-warning, dismissal; got 'written warning' (did you mean 'written-warning'?)",
    ),
    ("kind: conduct\nsanction: verbal-warning", "p.yaml:4:5: rules[0]: missing required field 'rule'"),
    (
        "kind: recovery-time\nrecovery_minutes: 10\ndecided_by: manager",
        "p.yaml:6:17: rules[0].decided_by: expected one of agent, team-leader; got 'manager'",
    ),
    (
        "kind: recovery-time\nrecovery_minutes: 0",
        "p.yaml:5:23: rules[0].recovery_minutes: expected a number greater than 0; got 0",
    ),
    (
        "kind: concurrency\nmax_chats: 0",
        "p.yaml:5:16: rules[0].max_chats: expected a number at least 1; got 0",
    ),
    (
        "kind: concurrency\nmax_chats: 3\nchannel: email",
        "p.yaml:6:14: rules[0].channel: expected one of chat, messaging; got 'email'",
    ),
    (
        "kind: span-of-control\nagents_per_teamleader: 12",
        "p.yaml:5:5: rules[0].agents_per_teamleader: unknown field; expected one of agents_per_team_leader, "
        "note (did you mean 'agents_per_team_leader'?)",
    ),
]


@pytest.mark.parametrize(("rule", "expected"), INVALID, ids=[m.split(": ")[1] for _, m in INVALID])
def test_an_impossible_rule_gives_one_located_message(rule: str, expected: str) -> None:
    assert messages(policy_yaml(rule)) == [expected]


def test_the_issue_sentences_are_writable() -> None:
    """'No personal phones on the floor, written warning for breaking it' and 'after-call work
    wrapped up within 30 seconds' are policies of the bundled library."""
    phones = load_policy(ROOT / "policies/conduct/no-personal-phones-on-the-floor.yaml").rules[0]
    assert isinstance(phones, Conduct)
    assert (phones.rule, phones.topic, phones.sanctions) == (
        "No personal phones on the floor",
        "personal-phones",
        ("written-warning", "written-warning"),
    )
    wrap = load_policy(ROOT / "policies/calls/after-call-work-within-30-seconds.yaml").rules[0]
    assert wrap.model_dump(exclude_none=True) == {
        "kind": "after-call-work",
        "max_seconds": 30,
        "enforcement": "bonus-gate",
    }


@pytest.mark.parametrize(
    ("fields", "sanctions"),
    [
        ({"sanction": "written-warning"}, ("written-warning", "written-warning")),
        ({"sanction": "none", "repeat_sanction": "verbal-warning"}, ("none", "verbal-warning")),
        (
            {"ladder": ["verbal-warning", "final-warning", "dismissal"]},
            ("verbal-warning", "final-warning", "dismissal"),
        ),
    ],
)
def test_the_sanctions_of_a_conduct_rule_breach_by_breach(
    fields: dict[str, Any], sanctions: tuple[str, ...]
) -> None:
    rule = Conduct.model_validate({"kind": "conduct", "rule": "No phones", **fields})
    assert rule.sanctions == sanctions


# --------------------------------------------------------------------------- measures


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ({"kind": "after-call-work", "max_seconds": 30}, {"wrap_ratio": 0.6667}),
        ({"kind": "after-call-work", "max_seconds": 60, "typical_seconds": 120}, {"wrap_ratio": 0.5}),
        (
            {"kind": "conduct", "rule": "No phones", "sanction": "written-warning"},
            {"first_breach_level": 2.0},
        ),
        (
            {
                "kind": "conduct",
                "rule": "No phones",
                "sanction": "verbal-warning",
                "repeat_sanction": "dismissal",
            },
            {"first_breach_level": 1.0, "dismissal_after_breaches": 2.0},
        ),
        (
            {
                "kind": "conduct",
                "rule": "No phones",
                "ladder": ["none", "written-warning", "final-warning", "dismissal"],
            },
            {"first_breach_level": 0.0, "dismissal_after_breaches": 4.0},
        ),
        (
            {"kind": "attendance", "bradford_factor": True, "bradford_trigger_score": 125},
            {"bradford_one_day_spells": 5.0},
        ),
        (
            {"kind": "attendance", "bradford_factor": True, "bradford_trigger_score": 200},
            {"bradford_one_day_spells": 5.85},
        ),
        ({"kind": "attendance", "bradford_factor": True}, {}),
    ],
)
def test_measures_of_the_new_kinds(rule: dict[str, Any], expected: dict[str, float]) -> None:
    policy = make_policy(rule)
    assert measure_values(policy.rules[0], policy) == expected


# --------------------------------------------------------------------------- templates


@pytest.mark.parametrize("kind", KINDS)
def test_new_writes_a_valid_template_with_example_values(
    kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["new", kind]) == 0
    out = capsys.readouterr().out
    policy = load_policy_text(out, "template.yaml")
    assert policy.rules[0].kind == kind
    result = scored(policy)[policy.id]
    assert not result.not_assessed, f"the {kind} template is not assessed: {result.not_assessed}"


# --------------------------------------------------------------------------- the bundled policies

# file key: (verdict, rules that fire, rules that stay silent, sign of employee, sign of customer)
LIBRARY: dict[str, tuple[str, set[str], set[str], int, int]] = {
    "attendance/bradford-factor-triggers": (
        "employee-loss",
        {"ATT002", "ATT004", "ATT005"},
        {"ATT001", "ATT003", "ATT006"},
        -1,
        0,
    ),
    "calls/after-call-work-within-30-seconds": (
        "lose-lose",
        {"ACW001", "DRV002"},
        {"ACW002", "ACW003", "ACW004"},
        -1,
        -1,
    ),
    "conduct/no-personal-phones-on-the-floor": (
        "employee-loss",
        {"CDT001", "CDT004"},
        {"CDT002", "CDT003", "DRV004"},
        -1,
        0,
    ),
    "conduct/recovery-time-after-distressing-calls": (
        "win-win",
        {"RCV001", "RCV002", "RCV003"},
        {"RCV004"},
        1,
        1,
    ),
    "staffing/four-live-chats-at-once": ("lose-lose", {"CCY001", "CCY002"}, {"CCY003"}, -1, -1),
    "staffing/25-agents-per-team-leader": ("lose-lose", {"SPN001", "SPN002"}, {"SPN003", "SPN004"}, -1, -1),
}


@pytest.mark.parametrize("key", sorted(LIBRARY))
def test_each_bundled_policy_of_a_new_kind(key: str) -> None:
    verdict, fires, silent, employee, customer = LIBRARY[key]
    policy = load_policy(ROOT / "policies" / f"{key}.yaml")
    run = evaluate([policy], rulebook=BOOK, settings=SETTINGS, conflicts=False)
    result = run.result(policy.id)
    codes = {f.code for f in run.firings}
    assert fires <= codes, f"{key}: {sorted(fires - codes)} did not fire; fired {sorted(codes)}"
    assert not silent & codes, f"{key}: {sorted(silent & codes)} fired"
    assert (sign(result.scores.employee), sign(result.scores.customer)) == (employee, customer)
    assert result.verdict == verdict
    assert not result.not_assessed


def test_every_new_kind_has_a_bundled_policy() -> None:
    kinds = {load_policy(ROOT / "policies" / f"{key}.yaml").rules[0].kind for key in LIBRARY}
    assert kinds == set(KINDS)


# --------------------------------------------------------------------------- doses through the engine


def _series(rules: list[dict[str, Any]]) -> list[PolicyResult]:
    policies = [make_policy(rule, id=f"p{i}") for i, rule in enumerate(rules)]
    results = scored(*policies)
    return [results[p.id] for p in policies]


def test_a_harsher_first_sanction_costs_staff_more() -> None:
    levels = ["none", "verbal-warning", "written-warning", "final-warning", "dismissal"]
    results = _series([{"kind": "conduct", "rule": "No phones", "sanction": s} for s in levels])
    employee = [r.scores.employee for r in results]
    assert employee[0] == employee[1] == 0, "no sanction or a verbal warning first is the usual way"
    assert 0 > employee[2] > employee[3] > employee[4]
    assert results[4].scores.customer_indirect < 0, "dismissal on a first breach makes leavers customers feel"


def test_more_live_chats_at_once_cost_both_sides_more_and_messaging_is_not_assessed() -> None:
    results = _series([{"kind": "concurrency", "max_chats": n} for n in (1, 2, 3, 4, 6)])
    assert (results[0].scores.employee, results[0].scores.customer) == (0, 0)
    for side in ("employee", "customer"):
        values = [getattr(r.scores, side) for r in results]
        assert values == sorted(values, reverse=True) and values[-1] < values[1] < 0, (side, values)
    [messaging] = _series([{"kind": "concurrency", "max_chats": 6, "channel": "messaging"}])
    assert [n.rule for n in messaging.not_assessed] == ["p0/rules[0]"], "no study of messaging concurrency"


def test_a_tighter_wrap_up_limit_costs_more_relative_to_the_usual_after_call_work() -> None:
    rules = [
        {"kind": "after-call-work", "max_seconds": s, "enforcement": "bonus-gate"} for s in (15, 30, 45, 90)
    ]
    results = _series(
        [
            *rules,
            {
                "kind": "after-call-work",
                "max_seconds": 60,
                "enforcement": "bonus-gate",
                "typical_seconds": 120,
            },
        ]
    )
    employee = [r.scores.employee for r in results[:4]]
    assert employee[0] < employee[1] < employee[2] < employee[3] == 0
    assert results[4].scores.employee < 0, "60 seconds where wrap-up usually takes 120 is tight"


def test_a_lower_bradford_trigger_is_harsher() -> None:
    results = _series(
        [{"kind": "attendance", "bradford_factor": True, "bradford_trigger_score": t} for t in (27, 125, 512)]
    )
    employee = [r.scores.employee for r in results]
    assert employee[0] < employee[1] < employee[2] < 0


def test_span_of_control_scores_narrow_usual_and_wide_teams() -> None:
    results = _series([{"kind": "span-of-control", "agents_per_team_leader": n} for n in (8, 12, 15, 25, 40)])
    employee = [r.scores.employee for r in results]
    assert employee[0] > employee[1] == employee[2] == 0 > employee[3] > employee[4]
    assert [r.scores.customer < 0 for r in results] == [False, False, False, True, True]


def test_recovery_time_helps_more_when_paid_and_decided_by_the_agent() -> None:
    results = _series(
        [
            {"kind": "recovery-time", "recovery_minutes": 10},
            {"kind": "recovery-time", "recovery_minutes": 10, "decided_by": "team-leader"},
            {"kind": "recovery-time", "recovery_minutes": 10, "decided_by": "team-leader", "paid": False},
        ]
    )
    employee = [r.scores.employee for r in results]
    assert employee[0] > employee[1] > employee[2] > 0


# --------------------------------------------------------------------------- harm and its remedies


@pytest.mark.parametrize(
    ("rule", "remedy", "rule_after"),
    [
        (
            {"kind": "conduct", "rule": "No personal phones on the floor", "sanction": "dismissal"},
            "REM047",
            {"sanction": "verbal-warning", "repeat_sanction": "written-warning"},
        ),
        (
            {"kind": "after-call-work", "max_seconds": 15, "enforcement": "disciplinary"},
            "REM050",
            {"max_seconds": 60, "enforcement": "guideline"},
        ),
        (
            {"kind": "attendance", "points_system": True, "points_to_warning": 6, "sick_pay_waiting_days": 7},
            "REM044",
            {"sick_pay_waiting_days": 0},
        ),
    ],
)
def test_harm_from_a_new_kind_is_offered_its_remedies(
    rule: dict[str, Any], remedy: str, rule_after: dict[str, Any]
) -> None:
    policy = make_policy(rule, id="harsh")
    run = evaluate([policy], rulebook=BOOK, settings=SETTINGS)
    [harm] = [c for c in run.evaluation.conflicts if c.code == "HRM001"]
    offered = {r.code: r for r in harm.remedies}
    assert remedy in offered, f"{remedy} not offered; offered {sorted(offered)}"
    found = offered[remedy]
    assert found.resolves
    assert found.scores_after.employee > run.result("harsh").scores.employee
    assert {k: found.patch.set[k] for k in rule_after} == rule_after


@pytest.mark.parametrize("value", ["No phones\non the floor", "No phones\x1b[2J", "No phones\u202e"])
def test_the_text_of_a_conduct_rule_is_one_plain_line(value: str) -> None:
    """The rule's wording is printed in explanations: no line breaks, control or bidi characters."""
    rule = {"kind": "conduct", "rule": value, "sanction": "verbal-warning"}
    with pytest.raises(InputError) as caught:
        load_policy_text(yaml.safe_dump({"id": "p", "title": "P", "rules": [rule]}), "p.yaml")
    [problem] = caught.value.problems
    assert problem.path == "rules[0].rule"
    assert "is not allowed" in problem.message
