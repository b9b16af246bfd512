"""A remedy for every kind of legal breach, through the real engine, each read from its article.

Every case builds a policy, runs it through ``policyweigh.orchestration.evaluate`` with the bundled
rulebook, and holds the remedies of its guardrail breach to three things: the best remedy resolves
the breach; the remedy of the kind under test is offered with the patch the law calls for; and
that patch, applied by ``policyweigh.remedies.apply_patch`` (the engine's own patcher), leaves no
breach of that code. The kinds of breach and the remedy for each:

- **a missing break** (no break of the policy can count for the requirement): add the smallest
  break rule that clears it, once per policy (REM037, ``add_rule: {compute: legal-break-rule}``);
- **a break too short**: lengthen it (REM029), split it into two lawful parts where the law allows
  splitting (REM038: Arbeidstijdenwet art. 5:4, 2 x 15) or merge short breaks into one (REM039:
  WTR 1998 reg. 12, one uninterrupted 20 minutes);
- **an unpaid break the law counts as paid**: pay it (REM024 rests, REM040 short breaks of any
  kind: Wage Order 4 section 12(A), Labor Code of the Philippines art. 84);
- **a break too late**: start it within the deadline (REM041, ``latest_after_hours``: Labor Code
  section 512, ArbZG section 4) or shorten the blocked window (REM004);
- **a waiver the law does not allow**: drop it (REM042, Labor Code section 512(a));
- **a working day over the daily limit**: shorten the shift (REM043, ``scope.shift_hours``: ArbZG
  section 3).

And the issue's done-when line: `policyweigh check` on a policy file with no qualifying break exits 1
with a remedy that makes it lawful; applied as shown, `check` exits 0.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from policyweigh.bdd.messages import remedy_line
from policyweigh.cli import main
from policyweigh.config import Settings
from policyweigh.errors import RulebookError
from policyweigh.evaluation import EvaluationRun
from policyweigh.gate import describe_remedy
from policyweigh.law.check import GuardrailSettings
from policyweigh.loading import load_policy
from policyweigh.orchestration import evaluate
from policyweigh.patching import NewRule, added_rule_words, patch_changes, patch_policy
from policyweigh.policy import BreakRule, Policy
from policyweigh.remedies import (
    apply_patch,
    candidates,
    legal_break_rule,
    legal_shift_hours,
    legal_split_length,
)
from policyweigh.render.html import render_html
from policyweigh.render.markdown import render_markdown
from policyweigh.render.text import render_evaluation
from policyweigh.results import Conflict, Patch, RemedyResult
from policyweigh.rulebook import Remedy, Rulebook, load_rulebook
from tests.helpers import make_policy, to_string

BOOK = load_rulebook()
CHECKER = GuardrailSettings()

# --------------------------------------------------------------------------- building and checking


def brk(
    minutes: int, *windows: str, kind: str = "lunch", paid: bool = False, **fields: Any
) -> dict[str, Any]:
    """A break rule of ``minutes``; windows as "HH:MM-HH:MM" (times the break may not be taken)."""
    rule: dict[str, Any] = {"kind": "break-rule", "break": kind, "min_minutes": minutes, "paid": paid}
    if windows:
        rule["blocked_windows"] = [{"from": w.split("-")[0], "to": w.split("-")[1]} for w in windows]
    return {**rule, **fields}


def rest(minutes: int, *windows: str, paid: bool = False, **fields: Any) -> dict[str, Any]:
    return brk(minutes, *windows, kind="rest", paid=paid, **fields)


def shift(jurisdiction: str, hours: float, *rules: dict[str, Any], start: str = "08:00") -> Policy:
    """A policy of ``hours`` of presence a shift (breaks included), starting at ``start``."""
    return make_policy(
        *rules, jurisdiction=jurisdiction, scope={"shift_hours": hours, "shift_starts": [start]}
    )


def run_of(policy: Policy, book: Rulebook = BOOK) -> EvaluationRun:
    """The policy through the real engine, conflicts and remedies included."""
    return evaluate([policy], rulebook=book, settings=Settings())


def the_breach(policy: Policy, code: str, book: Rulebook = BOOK) -> Conflict:
    """The one error-level guardrail breach ``code`` of the policy, with its remedies."""
    found = [c for c in run_of(policy, book).evaluation.conflicts if c.kind == "guardrail"]
    hits = [c for c in found if c.code == code and c.severity == "error"]
    assert len(hits) == 1, [(c.code, c.severity, c.rules, c.explanation) for c in found]
    return hits[0]


def breaches(policy: Policy, code: str) -> list[Conflict]:
    """The guardrail breaches ``code`` of the policy (any severity), from the real engine."""
    run = evaluate([policy], rulebook=BOOK, settings=Settings(), remedies=False)
    return [c for c in run.evaluation.conflicts if c.kind == "guardrail" and c.code == code]


def offered(conflict: Conflict, code: str) -> RemedyResult:
    """The remedy ``code`` the conflict offers (exactly once)."""
    found = [r for r in conflict.remedies if r.code == code]
    assert len(found) == 1, (code, [(r.code, r.patch.set, r.resolves) for r in conflict.remedies])
    return found[0]


def clears(policy: Policy, remedy: RemedyResult, code: str) -> Policy:
    """The policy with the remedy's patch applied; it has no breach ``code`` left."""
    fixed = apply_patch(policy, remedy.patch, remedy=remedy.code)
    left = breaches(fixed, code)
    assert left == [], (remedy.code, remedy.patch, [c.explanation for c in left])
    return fixed


def best_resolves(policy: Policy, conflict: Conflict) -> RemedyResult:
    """The best remedy resolves the breach, and applied it leaves none of its code."""
    assert conflict.remedies, f"{conflict.code} offers no remedy: {conflict.explanation}"
    best = conflict.remedies[0]
    assert best.resolves, (best.code, best.patch)
    clears(policy, best, conflict.code)
    return best


def add(policy: Policy, fields: dict[str, Any]) -> Patch:
    """The patch that adds a rule of ``fields`` to the policy."""
    return Patch(policy=policy.id, rule_index=len(policy.rules), set=fields, action="add-rule")


def sets(policy: Policy, index: int, fields: dict[str, Any]) -> Patch:
    return Patch(policy=policy.id, rule_index=index, set=fields)


# =========================================================================== a missing break: add it

# Each a shift on which no break of the policy can count for the requirement, the code of the
# breach, and the break rule the law asks to be added.
MISSING: dict[str, tuple[Policy, str, dict[str, Any]]] = {
    # Labor Code §512(a): a 30-minute meal period over five hours of work; paid rests are no meal.
    "ca-s512-paid-rests-and-no-meal": (
        shift("us-ca", 8, rest(10, paid=True, count=2)),
        "GRD050",
        brk(30),
    ),
    # ArbZG §4: 30 minutes over six hours worked; 10-minute rests are no Ruhepause (parts of 15).
    "de-arbzg-s4-only-10-minute-rests": (
        shift("de", 8, rest(10, count=2)),
        "GRD020",
        brk(30),
    ),
    # WTR 1998 reg. 12(3): an uninterrupted 20 minutes; two 10-minute rests are not it.
    "uk-wtr-reg12-two-10-minute-rests": (
        shift("uk", 8, rest(10, count=2)),
        "GRD010",
        brk(20),
    ),
    # Code du travail L3121-16: 20 consecutive minutes once daily work reaches six hours.
    "fr-l3121-16-two-10-minute-rests": (
        shift("fr", 8, rest(10, count=2)),
        "GRD030",
        brk(20),
    ),
    # Arbeidstijdenwet art. 5:4(2)(a): 30 minutes over 5.5 hours; a 10-minute rest is no pauze.
    "nl-atw-5-4-a-10-minute-rest": (
        shift("nl", 9, rest(10)),
        "GRD040",
        brk(30),
    ),
    # Labor Code of the Philippines art. 85: sixty minutes for regular meals; coffee breaks are no meal.
    "ph-art-85-coffee-breaks-and-no-meal": (
        shift("ph", 9, rest(15, paid=True, count=2)),
        "GRD060",
        brk(60),
    ),
}


@pytest.mark.parametrize(("policy", "code", "rule"), MISSING.values(), ids=MISSING.keys())
def test_a_missing_break_is_remedied_by_adding_the_smallest_lawful_break_rule(
    policy: Policy, code: str, rule: dict[str, Any]
) -> None:
    """Each article's missing break: the smallest rule of a kind it names, at its minimum, is added
    after the policy's last rule, and the breach is gone."""
    conflict = the_breach(policy, code)
    best_resolves(policy, conflict)
    added = offered(conflict, "REM037")
    assert added.patch == add(policy, rule)
    assert added.resolves
    fixed = clears(policy, added, code)
    assert fixed.rules[-1].model_dump(mode="json", by_alias=True, exclude_defaults=True) == {
        k: v for k, v in rule.items() if k != "paid" or v
    }


def test_the_added_break_is_offered_once_per_policy_though_the_breach_names_every_break_rule() -> None:
    """Labor Code §512(a): the missing meal names both rest rules; one meal is added, not one a rule."""
    policy = shift("us-ca", 8, rest(10, "12:00-13:00", paid=True), rest(10, "09:00-10:00", paid=True))
    conflict = the_breach(policy, "GRD050")
    assert conflict.rules == ["p/rules[0]", "p/rules[1]"]
    assert offered(conflict, "REM037").patch == add(policy, brk(30))


def test_a_californian_rest_period_is_added_paid() -> None:
    """Wage Order 4 §12(A): rest periods are hours worked; a paid 30-minute lunch is the meal, and
    the two rest periods over six hours worked are added as paid 10-minute rests."""
    policy = shift("us-ca", 8.5, brk(30, paid=True))
    conflict = the_breach(policy, "GRD051")
    assert offered(conflict, "REM037").patch == add(policy, rest(10, paid=True))
    best_resolves(policy, conflict)


def test_a_lunch_that_is_too_short_is_lengthened_not_doubled() -> None:
    """Arbeidstijdenwet art. 5:4: a 15-minute lunch on 8 h 45 worked counts but falls short; no second
    lunch is added next to it (``legal_break_rule`` is for breaks that cannot count)."""
    policy = shift("nl", 9, brk(15))
    conflict = the_breach(policy, "GRD040")
    assert "REM037" not in [r.code for r in conflict.remedies]
    assert legal_break_rule(policy, "GRD040", CHECKER, BOOK.guardrails) is None
    assert best_resolves(policy, conflict).patch == sets(policy, 0, {"min_minutes": 30})


def test_the_added_rule_is_applied_as_the_rule_after_the_last() -> None:
    policy = shift("us-ca", 8, rest(10, paid=True, count=2))
    patched = apply_patch(policy, add(policy, brk(30)), remedy="REM037")
    assert len(patched.rules) == 2 and policy.rules == patched.rules[:1]
    new = patched.rules[1]
    assert isinstance(new, BreakRule) and (new.break_, new.min_minutes, new.paid) == ("lunch", 30, False)


# =========================================================================== too short: lengthen, split, merge


def test_a_short_dutch_lunch_is_lengthened_or_split_into_two_15_minute_parts() -> None:
    """Arbeidstijdenwet art. 5:4(2)(a): 30 minutes over 5.5 hours of work, "die kan worden gesplitst in
    pauzes van elk ten minste 15 minuten": a 15-minute lunch on a 9-hour shift becomes 30 minutes, or
    two parts of 15."""
    policy = shift("nl", 9, brk(15))
    conflict = the_breach(policy, "GRD040")
    best_resolves(policy, conflict)
    assert offered(conflict, "REM029").patch == sets(policy, 0, {"min_minutes": 30})
    split = offered(conflict, "REM038")
    assert split.patch == sets(policy, 0, {"count": 2, "min_minutes": 15})
    clears(policy, split, "GRD040")


def test_a_short_german_break_is_split_into_two_lawful_parts() -> None:
    """ArbZG §4 sentence 2: the 30 minutes "können in Zeitabschnitte von jeweils mindestens 15
    Minuten aufgeteilt werden": a 20-minute lunch on 7 h 40 worked becomes 2 x 15."""
    policy = shift("de", 8, brk(20))
    conflict = the_breach(policy, "GRD020")
    best_resolves(policy, conflict)
    split = offered(conflict, "REM038")
    assert split.patch == sets(policy, 0, {"count": 2, "min_minutes": 15})
    clears(policy, split, "GRD020")


def test_no_split_is_offered_where_the_law_forbids_splitting() -> None:
    """Code du travail L3121-16 and Cass. soc. 20 Feb 2013, no. 11-28.612: the 20 minutes are
    consecutive; a 15-minute pause is lengthened, never split."""
    policy = shift("fr", 8, brk(15))
    conflict = the_breach(policy, "GRD030")
    assert "REM038" not in [r.code for r in conflict.remedies]
    assert legal_split_length(policy, 0, "GRD030", CHECKER, BOOK.guardrails) is None
    best_resolves(policy, conflict)
    assert offered(conflict, "REM029").patch == sets(policy, 0, {"min_minutes": 20})


def test_two_uk_rests_of_10_minutes_are_merged_into_one_uninterrupted_20() -> None:
    """WTR 1998 reg. 12(3): "an uninterrupted period of not less than 20 minutes": ``count: 2`` of
    10-minute rests becomes one 20-minute break."""
    policy = shift("uk", 8, rest(10, count=2))
    conflict = the_breach(policy, "GRD010")
    best_resolves(policy, conflict)
    merged = offered(conflict, "REM039")
    assert merged.patch == sets(policy, 0, {"count": 1, "min_minutes": 20})
    clears(policy, merged, "GRD010")


# =========================================================================== unpaid: pay it


def test_an_unpaid_californian_rest_period_is_paid_and_no_timing_remedy_is_offered() -> None:
    """Wage Order 4 §12(A): "authorized rest period time shall be counted as hours worked": the
    remedy is to pay the rest break; lifting or staggering its blocked window has nothing to do
    with pay and is not offered."""
    policy = shift("us-ca", 8.5, brk(30), rest(10, "12:00-13:00"))
    conflict = the_breach(policy, "GRD051")
    best = best_resolves(policy, conflict)
    assert (best.code, best.patch) == ("REM024", sets(policy, 1, {"paid": True}))
    touched = {key for r in conflict.remedies for key in r.patch.set}
    assert not touched & {"blocked_windows", "scheduling"}, [(r.code, r.patch.set) for r in conflict.remedies]
    assert all(r.resolves for r in conflict.remedies)


def test_an_unpaid_philippine_coffee_break_is_paid() -> None:
    """Labor Code of the Philippines art. 84 and Rule I section 7 of the implementing rules: coffee
    breaks of 5 to 20 minutes are compensable working time."""
    policy = shift("ph", 9, brk(60), rest(15))
    conflict = the_breach(policy, "GRD061")
    best = best_resolves(policy, conflict)
    assert (best.code, best.patch) == ("REM024", sets(policy, 1, {"paid": True}))


def test_an_unpaid_short_break_of_any_kind_is_paid() -> None:
    """Labor Code of the Philippines art. 84: a 15-minute break of any kind is a coffee break, paid."""
    policy = shift("ph", 9, brk(60), brk(15, kind="any"))
    conflict = the_breach(policy, "GRD061")
    best = best_resolves(policy, conflict)
    assert (best.code, best.patch) == ("REM040", sets(policy, 1, {"paid": True}))


# =========================================================================== too late: move it, open the window


def test_a_californian_meal_scheduled_too_late_is_moved_within_the_fifth_hour() -> None:
    """Labor Code §512(a) and Brinker (2012) 53 Cal.4th 1004: the meal starts no later than the end of
    the fifth hour worked; a meal no earlier than 5.5 hours in must start by 5 hours in."""
    policy = shift("us-ca", 8.5, brk(30, earliest_after_hours=5.5), rest(10, paid=True))
    conflict = the_breach(policy, "GRD050")
    best = best_resolves(policy, conflict)
    assert best.code == "REM041"
    assert best.patch == sets(policy, 0, {"latest_after_hours": 5, "earliest_after_hours": None})


def test_a_german_break_scheduled_too_late_is_moved_within_six_hours() -> None:
    """ArbZG §4 sentence 3: "Länger als sechs Stunden hintereinander dürfen Arbeitnehmer nicht ohne
    Ruhepause beschäftigt werden": a break no earlier than 6.5 hours in must start by 6 hours in."""
    policy = shift("de", 8.5, brk(30, earliest_after_hours=6.5))
    conflict = the_breach(policy, "GRD020")
    moved = offered(conflict, "REM041")
    assert moved.patch == sets(policy, 0, {"latest_after_hours": 6, "earliest_after_hours": None})
    clears(policy, moved, "GRD020")
    best_resolves(policy, conflict)


def test_a_blocked_window_past_the_californian_deadline_is_shortened() -> None:
    """Labor Code §512(a): from an 08:00 start the meal starts by 13:00; a ban from 08:30 to 14:00
    leaves no slot, and the latest lawful slot, 13:00-13:30, is cut out of the ban."""
    policy = shift("us-ca", 8.5, brk(30, "08:30-14:00"), rest(10, paid=True))
    conflict = the_breach(policy, "GRD050")
    best_resolves(policy, conflict)
    opened = offered(conflict, "REM004")
    windows = [{"from": "08:30", "to": "13:00"}, {"from": "13:30", "to": "14:00"}]
    assert opened.patch == sets(policy, 0, {"blocked_windows": windows})
    clears(policy, opened, "GRD050")


# =========================================================================== a waiver the law does not allow


def test_a_meal_waiver_on_an_eight_hour_day_is_dropped() -> None:
    """Labor Code §512(a): a meal period may be waived by mutual consent only where "the total work
    period per day of the employee is no more than six hours"; on 8 hours worked the waiver goes."""
    policy = shift("us-ca", 8.5, brk(30, waiver="mutual-consent"), rest(10, paid=True))
    conflict = the_breach(policy, "GRD050")
    best = best_resolves(policy, conflict)
    assert (best.code, best.patch) == ("REM042", sets(policy, 0, {"waiver": "none"}))


def test_a_lawful_waiver_is_left_alone() -> None:
    """Labor Code §512(a): on 5 h 30 of work (over five, at most six) the meal may be waived."""
    policy = shift("us-ca", 6, brk(30, waiver="mutual-consent"), rest(10, paid=True))
    assert breaches(policy, "GRD050") == []


# =========================================================================== a working day over the limit


def _break_codes(policy: Policy) -> set[str]:
    pack = BOOK.guardrails[policy.jurisdiction or ""]
    return {r.code for r in pack.requirements}


def test_a_german_working_day_over_ten_hours_is_shortened() -> None:
    """ArbZG §3: the working day "kann auf bis zu zehn Stunden nur verlängert werden"; 11 hours of
    work (11 h 45 with a 45-minute break) become 10 hours, the shift 10 h 45."""
    policy = shift("de", 11.75, brk(45))
    run = run_of(policy)
    limits = [
        c
        for c in run.evaluation.conflicts
        if c.kind == "guardrail" and c.severity == "error" and c.code not in _break_codes(policy)
    ]
    if not limits:
        pytest.skip(
            "no daily working-time limit finding yet: the guardrail checker does not report the "
            "daily limits (ArbZG section 3) until check_limits is called from check_guardrails"
        )
    (conflict,) = limits
    shorter = offered(conflict, "REM043")
    assert shorter.patch == Patch(policy=policy.id, rule_index=None, set={}, scope={"shift_hours": 10.75})
    assert shorter.resolves
    clears(policy, shorter, conflict.code)
    best_resolves(policy, conflict)


def test_a_shorter_shift_is_never_the_remedy_of_a_break_requirement() -> None:
    """ArbZG §4: a missing break is remedied by a break, not by a day short enough to need none."""
    policy = shift("de", 8, rest(10, count=2))
    assert legal_shift_hours(policy, "GRD020", CHECKER, BOOK.guardrails) is None
    assert "REM043" not in [r.code for r in the_breach(policy, "GRD020").remedies]


# =========================================================================== every remedy of a breach resolves it


@pytest.mark.parametrize(
    "policy",
    [case[0] for case in MISSING.values()]
    + [
        shift("nl", 9, brk(15)),
        shift("us-ca", 8.5, brk(30), rest(10, "12:00-13:00")),
        shift("us-ca", 8.5, brk(30, "08:30-14:00"), rest(10, paid=True)),
        shift("de", 8.5, brk(30, earliest_after_hours=6.5)),
    ],
    ids=[*MISSING.keys(), "nl-short", "ca-unpaid-rest", "ca-blocked", "de-late"],
)
def test_every_remedy_offered_for_a_breach_resolves_it(policy: Policy) -> None:
    """A remedy of a legal breach makes the policy lawful on that point, or it is not offered."""
    found = [c for c in run_of(policy).evaluation.conflicts if c.kind == "guardrail"]
    assert found
    for conflict in found:
        assert conflict.remedies, conflict.explanation
        assert all(r.resolves for r in conflict.remedies), [(r.code, r.resolves) for r in conflict.remedies]
        for remedy in conflict.remedies:
            clears(policy, remedy, conflict.code)


# =========================================================================== patches of the scope


def _with_six_hour_shift_remedy() -> Rulebook:
    """The bundled rulebook with REM900, a remedy that sets only the scope: six-hour shifts."""
    shorter = Remedy.model_validate(
        {
            "code": "REM900",
            "name": "scope.six-hour-shift",
            "summary": "Make the shift six hours.",
            "applies_to": {"policy.jurisdiction": {"exists": True}},
            "scope": {"shift_hours": 6},
        }
    )
    return dataclasses.replace(BOOK, remedies={**BOOK.remedies, "REM900": shorter})


def test_a_remedy_of_the_scope_is_tried_once_per_policy_and_rescored() -> None:
    """A remedy that sets only scope fields patches no rule: it is tried once for the policy, its
    patch names no rule, and the policy is evaluated again with the new scope."""
    book = _with_six_hour_shift_remedy()
    policy = shift("de", 8, rest(10, "12:00-23:59"), rest(10, "00:00-12:00"))
    conflict = the_breach(policy, "GRD020", book)
    found = [r for r in conflict.remedies if r.code == "REM900"]
    assert len(found) == 1
    assert found[0].patch == Patch(policy="p", rule_index=None, set={}, scope={"shift_hours": 6})
    assert found[0].resolves  # six hours of work are not over six: ArbZG §4 asks no break
    assert apply_patch(policy, found[0].patch, remedy="REM900").scope.shift_hours == 6
    assert describe_remedy(found[0]).startswith(
        "remedy REM900 on p: Make the shift six hours (scope.shift_hours: 6)"
    )


def test_a_conflict_that_names_no_rule_tries_the_remedies_of_its_policy() -> None:
    """A finding on the policy as a whole (a daily limit names no rule) tries the remedies whose
    ``applies_to`` holds for the policy's scope and jurisdiction, once per policy."""
    book = _with_six_hour_shift_remedy()
    policy = shift("de", 8, brk(30))
    run = evaluate([policy], rulebook=book, settings=Settings(), conflicts=False)
    whole = Conflict(
        code="GRD999",
        kind="guardrail",
        severity="error",
        policies=["p"],
        rules=[],
        explanation="The working day is too long.",
    )
    found = [(c.remedy.code, c.policy, c.rule_index, dict(c.scope)) for c in candidates(run, whole)]
    assert found == [("REM900", "p", None, {"shift_hours": 6})]


# =========================================================================== wording and output


def test_an_added_rule_is_worded_as_a_rule_not_field_by_field() -> None:
    assert added_rule_words(brk(30)) == "a break rule: lunch, 30 minutes, unpaid"
    assert added_rule_words(rest(10, paid=True, count=2)) == "a break rule: rest, 10 minutes, paid, 2 a shift"
    assert (
        added_rule_words({"kind": "training", "hours_per_year": 40}) == "a training rule: hours_per_year 40"
    )
    assert added_rule_words({"kind": "equipment", "item": "headset", "quality": "standard"}) == (
        "an equipment rule: item headset, quality standard"
    )


def test_the_patcher_adds_a_rule_and_checks_its_index() -> None:
    policy = shift("us-ca", 8, rest(10, paid=True, count=2))
    patch = add(policy, brk(30))
    assert patch_changes(patch) == [NewRule(brk(30))]
    assert len(patch_policy(policy, [NewRule(brk(30))], label="p").rules) == 2
    with pytest.raises(
        RulebookError, match=r"^remedy REM037 makes p/rules\[3\] invalid: .*is rules\[1\], not rules\[3\]"
    ):
        apply_patch(policy, patch.model_copy(update={"rule_index": 3}), remedy="REM037")


def test_every_format_words_the_added_break_rule() -> None:
    policy = shift("us-ca", 8, rest(10, paid=True, count=2))
    run = run_of(policy)
    (conflict,) = [c for c in run.evaluation.conflicts if c.code == "GRD050"]
    remedy = offered(conflict, "REM037")
    line = describe_remedy(remedy)
    assert line.startswith("remedy REM037 on p: ")
    assert "(add a break rule: lunch, 30 minutes, unpaid)" in line
    assert "rules[1]" not in line and "kind: break-rule" not in line
    markdown = render_markdown(run)
    assert "Adds a break rule: lunch, 30 minutes, unpaid to `p`." in markdown
    html = render_html(run)
    assert "On <code>p</code>: add a break rule: lunch, 30 minutes, unpaid</td>" in html
    text = " ".join(to_string(render_evaluation, run).split())
    assert "remedy REM037 on p (add a break rule: lunch, 30 minutes, unpaid): Add the missing break" in text
    assert remedy_line(remedy).startswith("  REM037 on p, adding a break rule: lunch, 30 minutes, unpaid: ")
    assert remedy.patch.model_dump(mode="json") == {
        "policy": "p",
        "rule_index": 1,
        "set": {"kind": "break-rule", "break": "lunch", "min_minutes": 30, "paid": False},
        "action": "add-rule",
        "scope": {},
    }


def test_a_patch_of_rule_fields_keeps_its_words_and_json() -> None:
    policy = shift("us-ca", 8.5, brk(30), rest(10))
    conflict = the_breach(policy, "GRD051")
    best = conflict.remedies[0]
    assert describe_remedy(best).startswith("remedy REM024 on p/rules[1]: ")
    assert "(paid: yes)" in describe_remedy(best)
    assert best.patch.model_dump(mode="json") == {
        "policy": "p",
        "rule_index": 1,
        "set": {"paid": True},
        "action": "set",
        "scope": {},
    }


# =========================================================================== `check` on a missing break


NO_MEAL = {
    "id": "sacramento-rests-only",
    "title": "Two paid rest breaks and no meal period",
    "jurisdiction": "us-ca",
    "scope": {"shift_hours": 8, "shift_starts": ["08:00", "10:00"]},
    "rules": [{"kind": "break-rule", "break": "rest", "min_minutes": 10, "paid": True, "count": 2}],
}


def test_check_on_a_policy_with_no_qualifying_break_exits_1_and_its_remedy_makes_it_lawful(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Labor Code §512(a): an 8-hour day with paid rests and no meal fails `check` (exit 1); the text
    output shows the remedy as a break rule to add; applied as shown, `check` passes (exit 0)."""
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "lib"
    folder.mkdir()
    path = folder / "rests.yaml"
    path.write_text(yaml.safe_dump(NO_MEAL, sort_keys=False), encoding="utf-8")

    assert main(["check", str(folder)]) == 1
    text = capsys.readouterr().out
    assert "| GRD050 |" in text
    assert "remedy REM037 on sacramento-rests-only: " in text
    assert "(add a break rule: lunch, 30 minutes, unpaid)" in text

    assert main(["check", str(folder), "--format", "json"]) == 1
    (finding,) = [f for f in json.loads(capsys.readouterr().out)["findings"] if f["code"] == "GRD050"]
    assert finding["fails"] and finding["severity"] == "error"
    best = finding["remedies"][0]
    assert best["code"] == "REM037" and best["resolves"]
    assert best["patch"] == {
        "policy": "sacramento-rests-only",
        "rule_index": 1,
        "set": {"kind": "break-rule", "break": "lunch", "min_minutes": 30, "paid": False},
        "action": "add-rule",
        "scope": {},
    }

    fixed = apply_patch(load_policy(path), Patch.model_validate(best["patch"]), remedy=best["code"])
    document = fixed.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    assert main(["check", str(folder), "--format", "json"]) == 0, capsys.readouterr().out
    assert json.loads(capsys.readouterr().out)["passed"] is True


# =========================================================================== the remedy model


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "a remedy needs a patch, an add_rule or a scope to set"),
        (
            {"patch": {"paid": True}, "add_rule": {"kind": "break-rule"}},
            "give either patch (fields of a rule) or add_rule (a new rule), not both",
        ),
        ({"add_rule": {}}, "add_rule needs the new rule's fields, or {compute: NAME}"),
    ],
    ids=["nothing", "patch-and-add", "empty-add"],
)
def test_a_remedy_changes_something_and_adds_or_patches_a_rule(fields: dict[str, Any], message: str) -> None:
    base = {"code": "REM900", "name": "break-rule.x", "summary": "X.", "applies_to": {"kind": "break-rule"}}
    with pytest.raises(ValueError, match=re.escape(message)):
        Remedy.model_validate({**base, **fields})


def test_a_remedy_says_what_it_changes() -> None:
    assert BOOK.remedies["REM024"].change_text() == "patches the policy rule it is tried on: paid = True"
    assert (
        BOOK.remedies["REM037"].change_text()
        == "adds a rule to the policy: worked out from the finding (legal-break-rule)"
    )
    assert BOOK.remedies["REM043"].change_text() == (
        "sets the policy's scope: shift_hours = worked out from the finding (legal-shift-hours)"
    )
    assert [code for code in sorted(BOOK.remedies) if BOOK.remedies[code].per_policy] == ["REM037", "REM043"]
