"""Conflicts through the real engine: every conflict rule's examples, trade-offs, guardrails, ordering."""

from __future__ import annotations

from typing import Any

import pytest

from policyweigh.config import Settings
from policyweigh.conflicts import (
    TRADE_OFF_POLICY,
    TRADE_OFF_RULE,
    conflict_identity,
    find_conflicts,
    guardrail_settings,
    sort_conflicts,
)
from policyweigh.law.check import check_guardrails
from policyweigh.law.wording import NO_JURISDICTION
from policyweigh.orchestration import evaluate
from policyweigh.policy import RULE_MODELS, Policy
from policyweigh.results import Conflict, parse_rule_ref
from policyweigh.rulebook import ConflictRule, Criterion, ImpactRule, Rulebook, Scoring, load_rulebook
from policyweigh.rulebook.models import PLACEHOLDER
from tests.helpers import AHT_CAP, FCR_BONUS, make_policy

BOOK = load_rulebook()
SETTINGS = Settings()

PAYROLL_CUT = {
    "kind": "staffing",
    "payroll_change_pct": -15,
    "occupancy_target_pct": 92,
    "service_level_target": {"answered_pct": 80, "within_seconds": 20},
}


def conflicts_of(*policies: Policy, book: Rulebook = BOOK, settings: Settings = SETTINGS) -> list[Conflict]:
    """Conflicts of policies evaluated together, without remedies."""
    run = evaluate(list(policies), rulebook=book, settings=settings, conflicts=False)
    return find_conflicts(run)


# --------------------------------------------------------------------------- rule examples


def arrangements(rule: ConflictRule, example: list[dict[str, Any]]) -> list[list[Policy]]:
    """The libraries an example stands for: one policy, two policies, or both (see conflicts.yaml)."""
    sides = [dict(side) for side in example]
    scopes = [side.pop("scope", None) for side in sides]
    if len(sides) == 1:
        return [[make_policy(sides[0], id="example", **({"scope": scopes[0]} if scopes[0] else {}))]]
    out: list[list[Policy]] = []
    if rule.across != "other-policies" and not any(scopes):
        out.append([make_policy(*sides, id="example")])
    if rule.across != "same-policy":
        out.append(
            [
                make_policy(side, id=f"example-{name}", **({"scope": scope} if scope else {}))
                for side, scope, name in zip(sides, scopes, "ab", strict=True)
            ]
        )
    return out


CASES = [
    pytest.param(rule, expected, example, id=f"{rule.code}-{rule.name}-{expected}-{i}")
    for rule in BOOK.conflict_rules
    for expected in ("fires", "silent")
    for i, example in enumerate(rule.examples.get(expected, []))
]


@pytest.mark.parametrize(("rule", "expected", "example"), CASES)
def test_example(rule: ConflictRule, expected: str, example: list[dict[str, Any]]) -> None:
    libraries = arrangements(rule, example)
    assert libraries, f"{rule.code}: example {example} fits no arrangement for across={rule.across}"
    for library in libraries:
        found = [c for c in conflicts_of(*library) if c.code == rule.code]
        ids = [p.id for p in library]
        if expected == "fires":
            assert found, f"{rule.code} did not fire for {ids}: {example}"
            assert found[0].kind == rule.kind and found[0].severity == rule.severity
            assert sorted(found[0].policies) == ids
            assert "(unset)" not in found[0].explanation, found[0].explanation
        else:
            assert not found, f"{rule.code} fired for {ids}, which must stay silent: {found[0].explanation}"


@pytest.mark.parametrize("rule", BOOK.conflict_rules, ids=lambda r: r.code)
def test_every_conflict_rule_has_both_kinds_of_example(rule: ConflictRule) -> None:
    assert set(rule.examples) <= {"fires", "silent"}
    assert rule.examples.get("fires"), f"{rule.code} has no example that fires"
    assert rule.examples.get("silent"), f"{rule.code} has no example that stays silent"


def _side_fields(when: dict[str, Any]) -> set[str]:
    kind = when.get("kind")
    model = RULE_MODELS[kind] if isinstance(kind, str) else None
    fields = {info.alias or name for name, info in model.model_fields.items()} if model else set()
    return fields | set(when) | {"policy", "title"}


@pytest.mark.parametrize("rule", BOOK.conflict_rules, ids=lambda r: r.code)
def test_because_names_only_fields_of_its_sides(rule: ConflictRule) -> None:
    for placeholder in PLACEHOLDER.findall(rule.because):
        side, _, key = placeholder.partition(".")
        assert side in ("a", "b"), f"{rule.code}: {{{placeholder}}} must start with a. or b."
        fields = _side_fields(rule.a if side == "a" else rule.b)
        assert key in fields or key.split(".")[0] in fields, f"{rule.code}: {{{placeholder}}} is not a field"


@pytest.mark.parametrize("rule", BOOK.conflict_rules, ids=lambda r: r.code)
def test_codes_and_listed_remedies(rule: ConflictRule) -> None:
    prefix = {"contradiction": "CON", "incentive": "INC"}[rule.kind]
    assert rule.code.startswith(prefix)
    assert rule.remedies, f"{rule.code} lists no remedy"
    kinds = {rule.a.get("kind"), rule.b.get("kind")}
    for code in rule.remedies:
        assert BOOK.remedies[code].applies_to.get("kind") in kinds, (
            f"{code} patches neither side of {rule.code}"
        )


def test_required_conflicts_exist() -> None:
    names = {r.name for r in BOOK.conflict_rules}
    assert {
        "contradiction.handle-time-cap-vs-resolution-target",
        "contradiction.handle-time-cap-vs-customer-outcome-target",
        "contradiction.customer-reward-vs-handle-time-cap",
        "contradiction.payroll-cut-vs-service-level",
        "contradiction.no-escape-from-abuse-vs-engagement-target",
        "incentive.calls-handled-pay-vs-customer-goal",
        "incentive.speed-leaderboard-vs-quality-goal",
    } <= names


# --------------------------------------------------------------------------- joins


def test_contradiction_explanation_names_values_and_policies() -> None:
    found = conflicts_of(make_policy(AHT_CAP, id="cap"), make_policy(FCR_BONUS, id="fcr"))
    con = [c for c in found if c.code == "CON001"]
    assert len(con) == 1
    assert con[0].policies == ["cap", "fcr"]
    assert con[0].rules == ["cap/rules[0]", "fcr/rules[0]"]
    assert con[0].explanation.startswith(
        "cap makes agents keep calls under 5 minutes or pay for it (enforced by bonus-gate), while fcr "
        "holds the same agents to 80% first-contact resolution (tied to bonus): "
    )


@pytest.mark.parametrize(
    ("scope_a", "scope_b", "fires"),
    [
        ({"teams": ["support"]}, {"teams": ["support", "sales"]}, True),
        ({"teams": ["support"]}, {}, True),  # an empty list covers every team
        ({"teams": ["support"]}, {"teams": ["sales"]}, False),
        ({"teams": ["support"], "roles": ["agent"]}, {"teams": ["support"], "roles": ["director"]}, False),
    ],
    ids=["shared-team", "everyone", "other-team", "same-team-other-role"],
)
def test_joins_across_policies_need_overlapping_scopes(
    scope_a: dict[str, Any], scope_b: dict[str, Any], fires: bool
) -> None:
    found = conflicts_of(
        make_policy(AHT_CAP, id="cap", scope=scope_a), make_policy(FCR_BONUS, id="fcr", scope=scope_b)
    )
    assert any(c.code == "CON001" for c in found) is fires


def test_retired_policy_clashes_with_no_other_policy() -> None:
    found = conflicts_of(make_policy(AHT_CAP, id="cap", status="retired"), make_policy(FCR_BONUS, id="fcr"))
    assert not any(c.code == "CON001" for c in found)
    # Inside itself a retired policy is still read as written.
    assert any(c.code == "CON001" for c in conflicts_of(make_policy(AHT_CAP, FCR_BONUS, status="retired")))


def test_one_rule_meeting_both_sides_clashes_with_itself() -> None:
    found = [c for c in conflicts_of(make_policy(PAYROLL_CUT, id="cut")) if c.code == "CON006"]
    assert [(c.policies, c.rules) for c in found] == [(["cut"], ["cut/rules[0]"])]
    assert found[0].explanation.startswith(
        "cut changes payroll by -15% and plans agents 92% busy, while cut promises 80% of contacts "
        "answered within 20 seconds."
    )


def test_a_pair_is_reported_once_whichever_side_matches_first() -> None:
    # Both staffing rules meet both sides of CON006: the pair fires twice in the Rete join.
    found = [c for c in conflicts_of(make_policy(PAYROLL_CUT, PAYROLL_CUT, id="cut")) if c.code == "CON006"]
    assert sorted(tuple(c.rules) for c in found) == [
        ("cut/rules[0]",),
        ("cut/rules[0]", "cut/rules[1]"),
        ("cut/rules[1]",),
    ]


def test_incentive_conflict_in_one_policy() -> None:
    policy = make_policy(
        {"kind": "compensation-link", "weights": {"calls_handled": 100}},
        {
            "kind": "metric-target",
            "metric": "customer_satisfaction",
            "target": 85,
            "unit": "pct",
            "tied_to": "review",
        },
        id="volume",
    )
    found = [c for c in conflicts_of(policy) if c.kind == "incentive"]
    assert [(c.code, c.severity, c.rules) for c in found] == [
        ("INC101", "warning", ["volume/rules[0]", "volume/rules[1]"])
    ]


# --------------------------------------------------------------------------- trade-offs


def _tiny_rulebook() -> Rulebook:
    """A self-contained rulebook whose numbers the trade-off texts below are worked out from."""
    criteria = tuple(
        Criterion(id=cid, title=title, side=cid.split(".")[0], weight=weight, description=title)  # type: ignore[arg-type]
        for cid, title, weight in (
            ("employee.autonomy", "Autonomy", 1.5),
            ("employee.wellbeing", "Wellbeing", 1.5),
            ("customer.speed", "Speed", 1.0),
            ("customer.resolution", "Resolution", 2.0),
        )
    )
    scoring = Scoring.model_validate(
        {
            "saturation": 12,
            "verdicts": {"margin": 5},
            "bands": {"strong": 0.25, "moderate": 0.4, "weak": 0.6, "practitioner": 0.8, "none": 1.0},
        }
    )
    rules = [
        {
            "code": "TST001",
            "name": "test.blocked-lunch",
            "summary": "A lunch ban adds agents at the peak and takes the choice of when to rest.",
            "when": {"kind": "break-rule", "blocked_windows.count": {"ge": 1}},
            "impacts": {"employee.autonomy": -2, "employee.wellbeing": -1, "customer.speed": 1},
            "because": "Lunch is blocked.",
        },
        {
            "code": "TST002",
            "name": "test.fixed-break",
            "summary": "A fixed break time takes control.",
            "when": {"kind": "break-rule", "scheduling": "fixed"},
            "impacts": {"employee.autonomy": -1},
            "because": "Breaks are fixed.",
        },
        {
            "code": "TST003",
            "name": "test.resolution-target",
            "summary": "A paid resolution target adds pressure.",
            "when": {"kind": "metric-target", "metric": "first_contact_resolution"},
            "impacts": {"customer.resolution": 3, "employee.wellbeing": -1},
            "because": "Resolution counts.",
        },
        {
            "code": "TST004",
            "name": "test.small-cost",
            "summary": "A headset costs a little comfort.",
            "when": {"kind": "equipment", "quality": "low-budget"},
            "impacts": {"employee.autonomy": -1, "customer.speed": 3},
            "because": "Cheap.",
        },
    ]
    return Rulebook(
        criteria=criteria,
        scoring=scoring,
        evidence={},
        impact_rules=tuple(ImpactRule.model_validate(r) for r in rules),
    )


TINY = _tiny_rulebook()
LUNCH_BAN = {
    "kind": "break-rule",
    "break": "lunch",
    "min_minutes": 30,
    "blocked_windows": [{"from": "10:00", "to": "12:00"}],
    "scheduling": "fixed",
}


def test_rule_trade_off_names_gains_and_losses_with_values_and_codes() -> None:
    # Rule 0: employee -6 weighted (autonomy -3, wellbeing -1), customer +0.5 (speed weighs 0.5
    # here): a trade-off. Policy: employee -46, customer +4, inside the margin: no policy-level
    # trade-off (the employee side is also harm, a finding of its own).
    book = TINY.with_weights({"customer.speed": 0.5})
    found = [
        c for c in conflicts_of(make_policy(LUNCH_BAN, id="pie-van"), book=book) if c.kind == "trade-off"
    ]
    assert [(c.code, c.kind, c.severity, c.rules) for c in found] == [
        (TRADE_OFF_RULE, "trade-off", "warning", ["pie-van/rules[0]"])
    ]
    assert found[0].explanation == (
        "pie-van/rules[0] (break-rule) trades employee autonomy and wellbeing for customer speed: "
        "customer speed +1 (TST001), employee autonomy -3 (TST001 -2, TST002 -1), employee wellbeing -1 "
        "(TST001). TST001: A lunch ban adds agents at the peak and takes the choice of when to rest."
    )


def test_policy_trade_off_when_the_side_scores_move_apart() -> None:
    # employee: -1.5 weighted -> -12; customer 6 -> 46 (no indirect part: no mechanism rule fired).
    policy = make_policy(FCR_BONUS, id="fcr")
    found = conflicts_of(policy, book=TINY)
    assert [(c.code, c.severity, c.rules) for c in found] == [(TRADE_OFF_POLICY, "warning", ["fcr/rules[0]"])]
    assert found[0].explanation == (
        "fcr (employee -12, customer +46) trades employee wellbeing for customer resolution: "
        "customer resolution +3 (TST003), employee wellbeing -1 (TST003). TST003: A paid resolution target "
        "adds pressure."
    )


def test_harm_follows_the_harm_bound_of_the_settings() -> None:
    # The pie van on the tiny rulebook: employee -46.
    ban = make_policy(LUNCH_BAN, id="pie-van")
    harm = [c for c in conflicts_of(ban, book=TINY) if c.kind == "harm"]
    assert [(c.code, c.severity, c.rules) for c in harm] == [("HRM001", "error", ["pie-van/rules[0]"])]
    assert harm[0].explanation.startswith(
        "pie-van: employee impact -46 (range -76..0) is at or below -40, the harm bound. "
        "Worst, in weighted points: TST001 -4.5 on rules[0] (Lunch is blocked); TST002 -1.5 on rules[0] "
        "(Breaks are fixed)."
    )
    assert [
        c for c in conflicts_of(ban, book=TINY, settings=Settings(harm_bound=47)) if c.kind == "harm"
    ] == []
    assert [
        c.code for c in conflicts_of(ban, book=TINY, settings=Settings(harm_bound=46)) if c.kind == "harm"
    ] == ["HRM001"]


def test_small_trade_off_is_info() -> None:
    # Loss of 1.5 weighted points alone scores -12, beyond 2 x margin: a warning; a loss inside it is info.
    small = make_policy(
        {"kind": "equipment", "item": "headset", "quality": "low-budget"},
        id="kit",
        scope={"customer_facing": False},
    )
    found = conflicts_of(small, book=TINY)
    assert [(c.code, c.severity) for c in found] == [(TRADE_OFF_POLICY, "warning")]
    tiny_loss = TINY.with_weights({"employee.autonomy": 0.5})
    found = conflicts_of(small, book=tiny_loss)
    assert [(c.code, c.severity) for c in found] == [(TRADE_OFF_RULE, "info")]


def test_no_trade_off_when_both_sides_move_together() -> None:
    fixed = {"kind": "break-rule", "break": "lunch", "min_minutes": 30, "scheduling": "fixed"}
    assert conflicts_of(make_policy(fixed), book=TINY) == []


def test_bundled_pie_van_style_ban_is_a_trade_off() -> None:
    found = [c for c in conflicts_of(make_policy(LUNCH_BAN, id="ban")) if c.kind == "trade-off"]
    assert [c.rules for c in found] == [["ban/rules[0]"]]
    assert "for customer speed" in found[0].explanation
    assert "BRK001" in found[0].explanation


# --------------------------------------------------------------------------- guardrails


def _berlin(blocked: tuple[str, str] = ("08:30", "14:30"), **scope: Any) -> Policy:
    window = {
        "kind": "break-rule",
        "break": "any",
        "min_minutes": 30,
        "scheduling": "fixed",
        "blocked_windows": [{"from": blocked[0], "to": blocked[1]}],
    }
    return make_policy(
        window, id="berlin", jurisdiction="de", scope={"shift_hours": 8, "shift_starts": ["08:00"], **scope}
    )


def test_guardrail_breach_is_a_conflict() -> None:
    found = [c for c in conflicts_of(_berlin()) if c.kind == "guardrail"]
    assert len(found) == 1
    assert found[0].code.startswith("GRD") and found[0].severity == "error"
    assert found[0].rules == ["berlin/rules[0]"]
    assert found[0].citation and "ArbZG" in found[0].citation


def test_guardrails_use_the_edge_margin_setting() -> None:
    # 6 h 15 of work need 30 minutes of break and at most six hours in a row (ArbZG section 4): the
    # only slot, 08:15-08:45, is 15 minutes after the shift's start and counts only without the margin.
    policy = _berlin(("08:45", "14:45"), shift_hours=6.75)
    assert [
        c for c in conflicts_of(policy, settings=Settings(edge_margin_minutes=0)) if c.kind == "guardrail"
    ] == []
    assert [
        c for c in conflicts_of(policy, settings=Settings(edge_margin_minutes=30)) if c.kind == "guardrail"
    ]


def test_no_jurisdiction_no_guardrail_and_the_legal_note_stays() -> None:
    policy = _berlin().model_copy(update={"jurisdiction": None})
    run = evaluate([policy], rulebook=BOOK, settings=SETTINGS)
    assert not [c for c in run.evaluation.conflicts if c.kind == "guardrail"]
    assert run.result("berlin").legal == NO_JURISDICTION


def test_guardrail_assumptions_become_the_legal_note() -> None:
    policy = make_policy(LUNCH_BAN, id="uk", jurisdiction="uk")
    note = check_guardrails(policy, settings=guardrail_settings(SETTINGS), packs=BOOK.guardrails).note
    assert note  # no shift_hours and no shift_starts: the checker says what it assumed
    assert evaluate([policy], rulebook=BOOK, settings=SETTINGS).result("uk").legal == note


# --------------------------------------------------------------------------- order and identity


def test_conflicts_are_sorted_and_do_not_depend_on_input_order() -> None:
    policies = [
        make_policy(AHT_CAP, id="cap"),
        make_policy(FCR_BONUS, id="fcr"),
        make_policy(LUNCH_BAN, id="ban"),
        make_policy(PAYROLL_CUT, id="cut"),
    ]
    forward = evaluate(policies, rulebook=BOOK, settings=SETTINGS).evaluation.conflicts
    backward = evaluate(list(reversed(policies)), rulebook=BOOK, settings=SETTINGS).evaluation.conflicts
    assert forward == backward
    assert forward == sort_conflicts(forward)
    ranks = [{"error": 2, "warning": 1, "info": 0}[c.severity] for c in forward]
    assert ranks == sorted(ranks, reverse=True)
    assert forward[0].severity == "error"


def test_rule_references_and_identity() -> None:
    assert parse_rule_ref("pie-van-lunch-ban/rules[12]") == ("pie-van-lunch-ban", 12)
    with pytest.raises(ValueError, match="not a rule reference"):
        parse_rule_ref("pie-van-lunch-ban.rules.0")
    base = {"kind": "trade-off", "severity": "warning", "explanation": "x"}
    a = Conflict(code=TRADE_OFF_POLICY, policies=["p"], rules=["p/rules[0]"], **base)  # type: ignore[arg-type]
    b = Conflict(code=TRADE_OFF_POLICY, policies=["p"], rules=["p/rules[1]"], **base)  # type: ignore[arg-type]
    assert conflict_identity(a) == conflict_identity(b)  # a policy trade-off is about the policy
    c = a.model_copy(update={"code": TRADE_OFF_RULE})
    d = b.model_copy(update={"code": TRADE_OFF_RULE})
    assert conflict_identity(c) != conflict_identity(d)
