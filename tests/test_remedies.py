"""Remedies through the real engine: patches, scores after, resolution, new conflicts, ranking."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from policyweigh.config import Settings
from policyweigh.conflicts import find_conflicts
from policyweigh.errors import RulebookError
from policyweigh.evaluation import EvaluationRun
from policyweigh.law.check import GuardrailSettings, check_guardrails
from policyweigh.orchestration import evaluate, rescorer
from policyweigh.policy import Policy
from policyweigh.remedies import (
    MAX_REMEDIES,
    NEW_CONFLICT_PENALTY,
    WORSE_WEIGHT,
    RemedyBudget,
    apply_patch,
    attach_remedies,
    benefit,
    candidates,
    legal_break_slot,
    rank_key,
)
from policyweigh.results import Conflict, Patch, RemedyResult, ScoresAfter
from policyweigh.rulebook import Remedy, Rulebook, load_rulebook
from tests.helpers import AHT_CAP, FCR_BONUS, make_policy

BOOK = load_rulebook()
DEFAULTS = Settings()


def conflicts(*policies: Policy, book: Rulebook = BOOK) -> list[Conflict]:
    """Conflicts with remedies, as `evaluate` reports them."""
    return evaluate(list(policies), rulebook=book, settings=DEFAULTS).evaluation.conflicts


def scored(*policies: Policy, book: Rulebook = BOOK) -> EvaluationRun:
    """Policies scored together, without conflicts."""
    return evaluate(list(policies), rulebook=book, settings=DEFAULTS, conflicts=False)


def patch(rule_index: int, values: dict[str, Any], policy: str = "p") -> Patch:
    return Patch(policy=policy, rule_index=rule_index, set=values)


def remedies_of(
    run: EvaluationRun, found: list[Conflict], budget: RemedyBudget | None = None
) -> list[Conflict]:
    """``found`` with remedies, re-scored as the orchestration re-scores them."""
    return attach_remedies(run, found, rescore=rescorer(run), budget=budget or RemedyBudget())


def only(found: list[Conflict], code: str) -> Conflict:
    matching = [c for c in found if c.code == code]
    assert len(matching) == 1, f"expected one {code}, got {[c.code for c in found]}"
    return matching[0]


# --------------------------------------------------------------------------- patches


def test_patch_sets_and_removes_fields_on_a_copy() -> None:
    policy = make_policy(
        {"kind": "equipment", "item": "headset", "quality": "low-budget", "replacement_months": 36}
    )
    patched = apply_patch(
        policy, patch(0, {"quality": "premium", "replacement_months": None}), remedy="REM014"
    )
    assert patched.rules[0].model_dump(exclude_none=True) == {
        "kind": "equipment",
        "item": "headset",
        "quality": "premium",
    }
    assert policy.rules[0].quality == "low-budget"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {"max_minutes": -1},
            "remedy REM999 makes p/rules[0] invalid: max_minutes: expected a number greater than 0; got -1",
        ),
        (
            {"enforcement": "sometimes"},
            "remedy REM999 makes p/rules[0] invalid: enforcement: expected one of guideline, coaching, "
            "bonus-gate, disciplinary; got 'sometimes'",
        ),
        (
            {"colour": "red"},
            "remedy REM999 makes p/rules[0] invalid: colour: unknown field; "
            "expected one of metric, max_minutes, enforcement, typical_minutes, note",
        ),
    ],
    ids=["out-of-range", "bad-choice", "unknown-field"],
)
def test_patch_making_an_invalid_policy_is_a_rulebook_error(values: dict[str, Any], message: str) -> None:
    with pytest.raises(RulebookError) as err:
        apply_patch(make_policy(AHT_CAP), patch(0, values), remedy="REM999")
    assert str(err.value) == message


def test_broken_remedy_in_a_rulebook_is_reported_by_code() -> None:
    broken = Remedy.model_validate(
        {
            "code": "REM005",
            "name": "call-time-cap.broken",
            "summary": "Broken on purpose.",
            "applies_to": {"kind": "call-time-cap"},
            "patch": {"max_minutes": 0},
        }
    )
    book = dataclasses.replace(BOOK, remedies={**BOOK.remedies, "REM005": broken})
    with pytest.raises(RulebookError, match=r"^remedy REM005 makes p/rules\[0\] invalid: max_minutes: "):
        conflicts(make_policy(AHT_CAP, FCR_BONUS), book=book)


# --------------------------------------------------------------------------- candidates


def test_a_join_conflict_tries_the_remedies_its_rule_lists_on_the_rules_they_fit() -> None:
    run = scored(make_policy(AHT_CAP, id="cap"), make_policy(FCR_BONUS, id="fcr"))
    conflict = only(find_conflicts(run), "CON001")
    found = [(c.remedy.code, c.policy, c.rule_index, dict(c.values)) for c in candidates(run, conflict)]
    assert found == [
        ("REM005", "cap", 0, {"enforcement": "coaching"}),
        ("REM006", "cap", 0, {"enforcement": "guideline", "max_minutes": 8}),
    ]


def test_a_trade_off_tries_every_remedy_that_applies_and_skips_computed_ones_it_cannot_use() -> None:
    ban = {
        "kind": "break-rule",
        "break": "lunch",
        "min_minutes": 30,
        "scheduling": "fixed",
        "blocked_windows": [{"from": "10:00", "to": "12:00"}],
    }
    run = scored(make_policy(ban, id="ban"))
    # Made by hand: which trade-off the ban is (rule or policy level) depends on the rulebook's numbers.
    conflict = Conflict(
        code="TRD002",
        kind="trade-off",
        severity="warning",
        policies=["ban"],
        rules=["ban/rules[0]"],
        explanation="ban/rules[0] trades employee rest for customer speed.",
    )
    codes = [c.remedy.code for c in candidates(run, conflict)]
    # Every remedy whose `applies_to` holds (the rulebook may add more), in code order; the
    # computed legal slot (REM004) is for guardrail breaches only.
    assert {"REM001", "REM002", "REM003"} <= set(codes) and codes == sorted(codes)
    assert "REM004" not in codes


def test_a_patch_that_changes_nothing_is_skipped() -> None:
    same = Remedy.model_validate(
        {
            "code": "REM005",
            "name": "call-time-cap.same",
            "summary": "Sets what is already there.",
            "applies_to": {"kind": "call-time-cap"},
            "patch": {"enforcement": "bonus-gate", "max_minutes": 5},
        }
    )
    book = dataclasses.replace(BOOK, remedies={**BOOK.remedies, "REM005": same})
    con = only(conflicts(make_policy(AHT_CAP, FCR_BONUS), book=book), "CON001")
    assert [r.code for r in con.remedies] == ["REM006"]


# --------------------------------------------------------------------------- outcomes


def test_scores_after_are_the_patched_policys_own_scores() -> None:
    cap, fcr = make_policy(AHT_CAP, id="cap"), make_policy(FCR_BONUS, id="fcr")
    con = only(conflicts(cap, fcr), "CON001")
    before = scored(cap).result("cap").scores
    for remedy in con.remedies:
        patched = apply_patch(cap, remedy.patch, remedy=remedy.code)
        after = scored(patched).result("cap").scores
        assert remedy.patch.policy == "cap" and remedy.patch.rule_index == 0
        assert remedy.scores_after == ScoresAfter(
            employee=after.employee,
            customer=after.customer,
            employee_change=after.employee - before.employee,
            customer_change=after.customer - before.customer,
        )
        assert remedy.resolves
        assert remedy.scores_after.employee_change > 0  # taking the cap out of pay helps staff


def test_a_remedy_that_creates_a_new_conflict_says_so() -> None:
    # Rebalancing volume pay towards first-contact resolution clears the incentive conflict,
    # but the same team keeps a pay-linked 5-minute cap: now pay contradicts the cap (CON008).
    volume = make_policy(
        {"kind": "compensation-link", "weights": {"calls_handled": 100}},
        {
            "kind": "metric-target",
            "metric": "customer_satisfaction",
            "target": 85,
            "unit": "pct",
            "tied_to": "coaching",
        },
        id="volume",
        scope={"teams": ["support"]},
    )
    cap = make_policy(AHT_CAP, id="cap", scope={"teams": ["support"]})
    found = conflicts(volume, cap)
    assert not [c for c in found if c.code == "CON008"]
    incentive = only(found, "INC101")
    rebalance = [r for r in incentive.remedies if r.code == "REM009"]
    assert len(rebalance) == 1
    assert rebalance[0].resolves
    assert "CON008" in rebalance[0].new_conflicts
    # Without the cap in the library the same patch creates no contradiction.
    alone = only(conflicts(volume), "INC101").remedies
    assert "CON008" not in [code for r in alone for code in r.new_conflicts]


def test_a_remedy_that_resolves_ranks_above_one_that_does_not() -> None:
    # Both targets sit on a public leaderboard; making the quality results private leaves the
    # speed leaderboard, and the conflict, in place.
    speed = make_policy(
        {
            "kind": "metric-target",
            "metric": "average_handle_time",
            "target": 6,
            "unit": "minutes",
            "visibility": "public-leaderboard",
        },
        id="speed",
    )
    quality = make_policy(
        {
            "kind": "metric-target",
            "metric": "quality_score",
            "target": 90,
            "unit": "pct",
            "tied_to": "coaching",
            "visibility": "public-leaderboard",
        },
        id="quality",
    )
    con = only(conflicts(speed, quality), "INC104")
    assert [(r.code, r.patch.policy, r.resolves) for r in con.remedies] == [
        ("REM018", "speed", True),
        ("REM018", "quality", False),
    ]


def _result(
    code: str, de: int, dc: int, *, resolves: bool = True, new: list[str] | None = None
) -> RemedyResult:
    return RemedyResult(
        code=code,
        summary=code,
        patch=patch(0, {}),
        scores_after=ScoresAfter(employee=de, customer=dc, employee_change=de, customer_change=dc),
        resolves=resolves,
        new_conflicts=new or [],
    )


def test_ranking_rule() -> None:
    big_but_unresolved = _result("REM001", 60, 60, resolves=False)
    small = _result("REM002", 5, 0)
    balanced = _result("REM003", 20, 20)
    lopsided = _result("REM004", 60, -10)  # 60 - 10 - 2 x 10 = 30: a loss counts three times
    with_new = _result("REM005", 50, 20, new=["CON008"])  # 70 - 20 = 50
    assert benefit(lopsided) == 60 - 10 + WORSE_WEIGHT * -10
    assert benefit(with_new) == 70 - NEW_CONFLICT_PENALTY
    ranked = sorted([big_but_unresolved, small, lopsided, balanced, with_new], key=rank_key)
    assert [r.code for r in ranked] == ["REM005", "REM003", "REM004", "REM002", "REM001"]


def test_remedies_are_ranked_and_capped_in_evaluations() -> None:
    ban = {
        "kind": "break-rule",
        "break": "any",
        "min_minutes": 30,
        "scheduling": "fixed",
        "blocked_windows": [{"from": "08:30", "to": "14:30"}],
    }
    policy = make_policy(
        ban, id="berlin", jurisdiction="de", scope={"shift_hours": 8, "shift_starts": ["08:00"]}
    )
    found = conflicts(policy)
    assert found
    for conflict in found:
        assert len(conflict.remedies) <= MAX_REMEDIES
        assert conflict.remedies == sorted(conflict.remedies, key=rank_key)


# --------------------------------------------------------------------------- guardrail slots

SETTINGS = GuardrailSettings()


def _berlin(windows: list[tuple[str, str]], starts: list[str], minutes: int = 30) -> Policy:
    rule = {
        "kind": "break-rule",
        "break": "any",
        "min_minutes": minutes,
        "scheduling": "fixed",
        "blocked_windows": [{"from": a, "to": b} for a, b in windows],
    }
    return make_policy(rule, id="berlin", jurisdiction="de", scope={"shift_hours": 8, "shift_starts": starts})


def _guardrail_code(policy: Policy) -> str:
    report = check_guardrails(policy, settings=SETTINGS, packs=BOOK.guardrails)
    assert len(report.conflicts) == 1, report.conflicts
    return report.conflicts[0].code


@pytest.mark.parametrize(
    ("windows", "starts", "expected"),
    [
        # 08:00 start: six hours reached at 14:00, blocked until 14:30: the ban now ends at 14:00.
        ([("08:30", "14:30")], ["08:00"], [("08:30", "14:00")]),
        # 07:45 start is due by 13:45: a 30-minute slot is cut there; 08:30 then fits in it too.
        ([("08:00", "15:00")], ["07:45", "08:30"], [("08:00", "13:45"), ("14:15", "15:00")]),
    ],
    ids=["shorten-window", "cut-slot"],
)
def test_legal_break_slot_opens_the_latest_slot_and_clears_the_breach(
    windows: list[tuple[str, str]], starts: list[str], expected: list[tuple[str, str]]
) -> None:
    policy = _berlin(windows, starts)
    code = _guardrail_code(policy)
    slot = legal_break_slot(policy, 0, code, SETTINGS, BOOK.guardrails)
    assert slot == [{"from": a, "to": b} for a, b in expected]
    fixed = apply_patch(policy, patch(0, {"blocked_windows": slot}, "berlin"), remedy="REM004")
    assert check_guardrails(fixed, settings=SETTINGS, packs=BOOK.guardrails).conflicts == []


def test_legal_break_slot_cannot_fix_a_break_that_is_too_short() -> None:
    policy = _berlin([("08:30", "14:30")], ["08:00"], minutes=15)
    assert legal_break_slot(policy, 0, _guardrail_code(policy), SETTINGS, BOOK.guardrails) is None


def test_guardrail_remedies_include_the_computed_slot_and_all_resolve() -> None:
    policy = _berlin([("08:30", "14:30")], ["08:00"])
    guardrail = [c for c in conflicts(policy) if c.kind == "guardrail"]
    assert len(guardrail) == 1
    remedies = {r.code: r for r in guardrail[0].remedies}
    # Every remedy that fits the break rule is tried (the rulebook may add more).
    assert {"REM001", "REM002", "REM003", "REM004"} <= set(remedies)
    assert all(remedies[code].resolves for code in ("REM001", "REM002", "REM003", "REM004"))
    assert remedies["REM004"].patch == patch(
        0, {"blocked_windows": [{"from": "08:30", "to": "14:00"}]}, "berlin"
    )
    # Shortening the ban by half an hour never makes it worse for staff.
    assert remedies["REM004"].scores_after.employee_change >= 0


def test_patches_are_capped_per_evaluation(monkeypatch: pytest.MonkeyPatch) -> None:
    ban = {
        "kind": "break-rule",
        "break": "lunch",
        "min_minutes": 30,
        "scheduling": "fixed",
        "blocked_windows": [{"from": "10:00", "to": "12:00"}],
    }
    policies = [make_policy(AHT_CAP, FCR_BONUS, id="cap"), make_policy(ban, id="ban")]
    monkeypatch.setattr("policyweigh.remedies.MAX_PATCHES", 2)
    found = conflicts(*policies)
    # The contradiction (an error, first in order) takes both patches; the trade-offs get none. A
    # harm to the cap's staff may show those two again: a patch worked out once costs nothing more.
    assert [r.code for r in only(found, "CON001").remedies] == ["REM005", "REM006"]
    assert all(c.remedies == [] for c in found if c.kind == "trade-off")
    assert {r.code for c in found for r in c.remedies} <= {"REM005", "REM006"}


# --------------------------------------------------------------------------- the work remedies do


def _many_clashing_rules(pairs: int, id: str = "big") -> Policy:
    """One policy of ``2 * pairs`` rules: pay-linked handle-time caps and resolution targets, all clashing."""
    rules: list[dict[str, Any]] = []
    for i in range(pairs):
        rules.append({**AHT_CAP, "max_minutes": 3 + i % 4})
        rules.append({**FCR_BONUS, "target": 60 + i % 30})
    return make_policy(*rules, id=id, scope={"teams": ["support"]})


class _Counter:
    """Calls through to the real function and counts the calls and the facts each was given."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.sizes: list[int] = []

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.sizes.append(len(args[1]) if len(args) > 1 else len(args[0]))
        return self.real(*args, **kwargs)


def test_remedies_on_a_large_policy_retest_only_the_patched_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    # Regression: a 100-rule policy with 2,500 conflicts took 41 s, because each patch ran the
    # whole conflict detection of the policy again (2,500 joins per patch).
    import policyweigh.conflicts

    policy = _many_clashing_rules(50)
    run = scored(policy)
    found = find_conflicts(run)
    assert sum(c.code == "CON001" for c in found) == 50 * 50
    rescore = rescorer(run)
    evaluations: list[int] = []

    def counting(patched: Policy) -> EvaluationRun:
        evaluations.append(len(patched.rules))
        return rescore(patched)

    joins = _Counter(policyweigh.conflicts.run_joins)
    monkeypatch.setattr(policyweigh.conflicts, "run_joins", joins)
    budget = RemedyBudget()
    with_remedies = attach_remedies(run, found, rescore=counting, budget=budget)
    # One re-evaluation per distinct patch: two remedies on each of the 50 caps, one on each target.
    assert budget.evaluations == len(evaluations) <= 3 * 50
    assert all(rules == 100 for rules in evaluations)  # the patched policy alone
    assert budget.skipped == 0
    # The joins of a patch see the patched rule and the rules it can clash with, never the whole policy.
    assert joins.sizes and max(joins.sizes) <= 1 + 50
    assert all(c.remedies for c in with_remedies if c.code == "CON001")


def _full_retest(run: Any, conflict: Conflict, before: list[Conflict]) -> list[tuple[Any, ...]]:
    """What each remedy of ``conflict`` does, worked out the slow way: the whole policy tested again."""
    from policyweigh.conflicts import conflict_identity, detect_conflicts

    out = []
    for candidate in candidates(run, conflict):
        patched = apply_patch(run.policies[candidate.policy], candidate.patch(), remedy="x")
        alone = scored(patched, book=run.rulebook)
        merged = run.with_policy(patched, alone)
        after = detect_conflicts(merged, wanted={patched.id}).conflicts
        earlier = {conflict_identity(c) for c in before if patched.id in c.policies}
        identities = {conflict_identity(c) for c in after}
        scores = alone.result(patched.id).scores
        out.append(
            (
                candidate.remedy.code,
                candidate.patch(),
                scores.employee,
                scores.customer,
                conflict_identity(conflict) not in identities,
                sorted({c.code for c in after if conflict_identity(c) not in earlier}),
            )
        )
    return sorted(out, key=lambda o: (o[0], str(o[1])))


def test_retesting_only_the_patched_rule_gives_what_a_full_retest_gives() -> None:
    # Clashes inside the big policy, with other policies and with itself, trade-offs and a guardrail.
    ban = {
        "kind": "break-rule",
        "break": "lunch",
        "min_minutes": 30,
        "scheduling": "fixed",
        "blocked_windows": [{"from": "10:00", "to": "12:00"}],
    }
    policies = [
        _many_clashing_rules(6),
        make_policy(AHT_CAP, FCR_BONUS, id="both", scope={"teams": ["support", "sales"]}),
        make_policy(FCR_BONUS, id="other-team", scope={"teams": ["sales"]}),
        make_policy(ban, id="ban"),
        _berlin([("08:30", "14:30")], ["08:00"]),
        # Rebalancing volume pay (REM009) makes the pay contradict the cap of the same policy (CON008).
        make_policy(
            {"kind": "compensation-link", "weights": {"calls_handled": 100}},
            {"kind": "metric-target", "metric": "customer_satisfaction", "target": 85, "unit": "pct"},
            AHT_CAP,
            id="volume",
            scope={"teams": ["hr"]},
        ),
        # The same across two policies: the new contradiction is with another policy's cap.
        make_policy(
            {"kind": "compensation-link", "weights": {"calls_handled": 100}},
            {"kind": "metric-target", "metric": "customer_satisfaction", "target": 85, "unit": "pct"},
            id="volume-ops",
            scope={"teams": ["ops"]},
        ),
        make_policy(AHT_CAP, id="cap-ops", scope={"teams": ["ops"]}),
        make_policy({**AHT_CAP, "max_minutes": 4}, id="retired", status="retired"),
    ]
    run = scored(*policies)
    found = find_conflicts(run)
    assert {c.kind for c in found} >= {"contradiction", "trade-off", "guardrail"}
    for conflict in remedies_of(run, found):
        quick = [
            (
                r.code,
                r.patch,
                r.scores_after.employee,
                r.scores_after.customer,
                r.resolves,
                r.new_conflicts,
            )
            for r in conflict.remedies
        ]
        full = _full_retest(run, conflict, found)
        # Only the best MAX_REMEDIES are kept: each kept one matches the full retest.
        assert all(item in full for item in quick), conflict.code


def test_the_remedy_budget_bounds_re_evaluations_and_counts_what_it_left_out() -> None:
    run = scored(_many_clashing_rules(20))
    found = find_conflicts(run)
    budget = RemedyBudget(limit=10)
    with_remedies = remedies_of(run, found, budget)
    assert budget.evaluations <= 10
    without = [c for c in with_remedies if not c.remedies and candidates(run, c)]
    assert budget.skipped == len(without) > 0
    # The most severe conflicts are served first.
    assert with_remedies[0].remedies
    first_left_out = next(i for i, c in enumerate(with_remedies) if c in without)
    assert all(c.remedies for c in with_remedies[:first_left_out] if candidates(run, c))
