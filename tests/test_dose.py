"""Dose, measures and the once-per-policy count: the pieces the scores are built from.

Each test holds one piece to exact numbers on hand-made input, so a change to
the formula shows here before it shows as a drift in a library score.
"""

from __future__ import annotations

import math
import re
import shutil
from pathlib import Path

import pytest
from pydantic import ValidationError

from policyweigh.config import Settings
from policyweigh.errors import InputError, RulebookError
from policyweigh.evaluation import score_policies
from policyweigh.facts import rule_facts
from policyweigh.formatting import points
from policyweigh.measures import MEASURES, measure_values
from policyweigh.reference import format_reference_markdown
from policyweigh.rulebook import default_rulebook, load_rulebook
from policyweigh.rulebook.models import Bands, Dose, ImpactRule, fact_keys
from tests.helpers import DATA, make_policy

MINI = DATA / "rulebooks" / "mini"


# --------------------------------------------------------------------------- graded factors


def test_a_dose_is_interpolated_between_points_and_flat_beyond_them() -> None:
    dose = Dose(key="x", points=[(0, 0), (100, 1), (300, 2)])
    assert [dose.factor(v) for v in (-5, 0, 50, 100, 200, 300, 1000)] == [0, 0, 0.5, 1, 1.5, 2, 2]


def test_a_dose_without_the_number_takes_its_default_or_one() -> None:
    assert Dose(key="x", points=[(0, 0), (10, 1)], default=5).factor(None) == 0.5
    assert Dose(key="x", points=[(0, 0), (10, 1)]).factor(None) == 1.0


def test_a_dose_is_continuous_so_a_small_step_moves_it_little() -> None:
    dose = Dose(key="x", points=[(0, 0), (60, 0.5), (120, 1), (390, 2.2)])
    values = [i * 0.5 for i in range(0, 1000)]
    steps = [abs(dose.factor(b) - dose.factor(a)) for a, b in zip(values, values[1:], strict=False)]
    assert max(steps) < 0.01


@pytest.mark.parametrize(
    ("points", "message"),
    [
        ([(0, 0), (0, 1)], "strictly increasing"),
        ([(10, 0), (5, 1)], "strictly increasing"),
        ([(0, -1), (5, 1)], "between 0 and 10"),
        ([(0, 0)], "at least 2"),
    ],
)
def test_a_dose_that_is_not_a_graded_factor_is_refused(
    points: list[tuple[float, float]], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        Dose(key="x", points=points)


# --------------------------------------------------------------------------- measures


def test_measures_are_what_the_fields_imply() -> None:
    policy = make_policy(
        {
            "kind": "break-rule",
            "break": "lunch",
            "min_minutes": 30,
            "blocked_windows": [{"from": "10:00", "to": "12:00"}],
        },
        {"kind": "call-time-cap", "max_minutes": 3},
        {"kind": "call-time-cap", "max_minutes": 3, "typical_minutes": 12},
        {"kind": "bonus-threshold", "metric": "calls_handled", "threshold_pct": 95},
        {"kind": "metric-target", "metric": "average_handle_time", "target": 270, "unit": "seconds"},
        scope={"shift_hours": 8},
    )
    values = [measure_values(rule, policy) for rule in policy.rules]
    assert values[0] == {"blocked_windows.share_of_shift": 0.25}
    assert values[1] == {"cap_ratio": 0.5}
    assert values[2] == {"cap_ratio": 0.25}
    # 1 - Phi(0.5) missed... the share below the line is Phi((95 - 100) / 10) = 30.85%.
    assert values[3] == {"expected_miss_pct": pytest.approx(30.85, abs=0.01)}
    assert values[4] == {"cap_ratio": 0.75}


def test_measures_are_in_the_facts_and_in_the_key_catalog() -> None:
    policy = make_policy({"kind": "call-time-cap", "max_minutes": 9})
    (fact,) = rule_facts(policy)
    assert fact["cap_ratio"] == 1.5
    for kind, measures in MEASURES.items():
        for key in measures:
            assert fact_keys(kind)[key].shape == "number", (kind, key)


def test_a_measure_is_left_out_when_the_fields_do_not_give_it() -> None:
    policy = make_policy({"kind": "break-rule", "break": "lunch", "min_minutes": 30})
    assert measure_values(policy.rules[0], policy) == {}
    target = make_policy(
        {"kind": "metric-target", "metric": "customer_satisfaction", "target": 80, "unit": "pct"}
    )
    assert measure_values(target.rules[0], target) == {}


# --------------------------------------------------------------------------- rulebook checks


def _book_with_rule(tmp_path: Path, rule: str) -> Path:
    book = tmp_path / "book"
    shutil.copytree(MINI, book)
    (book / "impact" / "zz.yaml").write_text(rule, encoding="utf-8")
    return book


def test_a_dose_on_a_key_the_facts_do_not_carry_is_a_located_error(tmp_path: Path) -> None:
    book = _book_with_rule(
        tmp_path,
        "- code: ZZZ001\n"
        "  name: zz.dose\n"
        "  summary: A dose on a misspelt key.\n"
        "  when: {kind: call-time-cap}\n"
        "  impacts: {employee.wellbeing: -1}\n"
        "  dose: [{key: cap_ratoi, points: [[0, 1], [1, 0]]}]\n"
        "  because: Capped.\n",
    )
    with pytest.raises(InputError) as caught:
        load_rulebook(book)
    found = [str(p) for p in caught.value.problems]
    assert any(
        "zz.yaml:6:" in line
        and "dose[0].key" in line
        and "'cap_ratoi' is no number of the facts this rule matches" in line
        and "did you mean 'cap_ratio'?" in line
        for line in found
    ), found


def test_a_threshold_must_name_a_cut_off_of_the_rule(tmp_path: Path) -> None:
    book = _book_with_rule(
        tmp_path,
        "- code: ZZZ001\n"
        "  name: zz.threshold\n"
        "  summary: A threshold on a key with no cut-off.\n"
        "  when: {kind: call-time-cap}\n"
        "  impacts: {employee.wellbeing: -1}\n"
        "  thresholds: [{key: max_minutes, value: 8, evidence: e, says: Eight minutes.}]\n"
        "  because: Capped.\n",
    )
    with pytest.raises(InputError) as caught:
        load_rulebook(book)
    found = [str(p) for p in caught.value.problems]
    assert any(
        "thresholds[0].key" in line and "no lt/le/gt/ge test on 'max_minutes'" in line for line in found
    ), found


# --------------------------------------------------------------------------- once per policy


def _rule_with_dose() -> ImpactRule:
    return next(r for r in default_rulebook().impact_rules if r.dose and not r.on_derived)


def test_an_impact_rule_counts_once_per_policy_at_its_strongest_dose() -> None:
    rest = {"kind": "break-rule", "break": "rest", "min_minutes": 5, "scheduling": "staggered", "paid": True}
    one = make_policy(rest, id="one")
    six = make_policy(*[rest] * 6, id="six")
    run = score_policies([one, six], rulebook=default_rulebook(), settings=Settings())
    a, b = run.result("one"), run.result("six")
    assert (a.scores.employee, a.scores.customer) == (b.scores.employee, b.scores.customer)
    assert len(a.contributions) == len(b.contributions)
    assert {c.rule: c.also for c in b.contributions if c.facts.get("rule_index") == 0} == {
        c.rule: [1, 2, 3, 4, 5] for c in b.contributions
    }


def test_every_contribution_is_its_base_points_times_its_dose() -> None:
    book = default_rulebook()
    rule = _rule_with_dose()
    assert rule.examples.fires, rule.code
    policy = make_policy(*rule.examples.fires[:1])
    run = score_policies([policy], rulebook=book, settings=Settings())
    for c in run.result("p").contributions:
        assert c.delta == pytest.approx(c.base * c.dose, abs=1e-4), c
        assert c.band == book.scoring.bands.of(c.strength)


def test_scores_ranges_hold_low_le_score_le_high_and_stay_bounded() -> None:
    book = default_rulebook()
    policies = [
        make_policy(*r.examples.fires[:1], id=f"p{i}")
        for i, r in enumerate(book.impact_rules)
        if r.examples.fires and "scope" not in r.examples.fires[0]
    ]
    run = score_policies(policies, rulebook=book, settings=Settings())
    for result in run.evaluation.policies:
        assert result.ranges is not None
        for side in ("employee", "customer"):
            low, high = getattr(result.ranges, side)
            value = getattr(result.scores, side)
            assert -100 <= low <= value <= high <= 100, (result.id, side, low, value, high)
            assert not math.isnan(value)


# --------------------------------------------------------------------------- chains and mechanisms

_CHAIN_RULES = """\
- code: CTC010
  name: call-time-cap.dosed
  summary: A cap below the usual handle time strains staff in proportion.
  when: {kind: call-time-cap, enforcement: bonus-gate}
  impacts: {employee.wellbeing: -2}
  dose: [{key: cap_ratio, points: [[0.25, 2], [1, 0]], says: of the usual handle time}]
  derive: strain
  because: A cap of {max_minutes} minutes on the bonus.
  evidence: [feinberg]
- code: STF010
  name: staffing.cut
  summary: A payroll cut strains staff a little.
  when: {kind: staffing, payroll_change_pct: {lt: 0}}
  impacts: {employee.wellbeing: -1}
  dose: [{key: payroll_change_pct, points: [[-50, 1], [0, 0]]}]
  derive: strain
  because: Payroll changes by {payroll_change_pct}%.
- code: DRV010
  name: derived.strain
  summary: Strained staff leave and customers meet newcomers.
  when: {derived: strain, scope.customer_facing: true}
  impacts: {customer.resolution: -2}
  mechanism: attrition
  because: Strained staff leave.
  evidence: [rucci]
"""


def _chain_book(tmp_path: Path) -> Path:
    book = tmp_path / "book"
    shutil.copytree(MINI, book)
    (book / "impact" / "chain.yaml").write_text(_CHAIN_RULES, encoding="utf-8")
    criteria = book / "criteria.yaml"
    criteria.write_text(
        criteria.read_text(encoding="utf-8")
        + "  mechanisms:\n"
        + "    - {id: attrition, title: Staff attrition, lag: months, description: Staff leave.}\n",
        encoding="utf-8",
    )
    return book


def test_a_derived_fact_is_as_intense_as_its_strongest_source(tmp_path: Path) -> None:
    book = load_rulebook(_chain_book(tmp_path))
    policy = make_policy(
        {"kind": "call-time-cap", "max_minutes": 3, "enforcement": "bonus-gate"},  # cap_ratio 0.5: dose 4/3
        {"kind": "staffing", "payroll_change_pct": -25},  # dose 0.5
    )
    result = score_policies([policy], rulebook=book, settings=Settings()).result("p")
    by_rule = {c.rule: c for c in result.contributions}
    assert by_rule["CTC010"].dose == pytest.approx(4 / 3, abs=1e-3)
    assert by_rule["STF010"].dose == pytest.approx(0.5)
    assert by_rule["DRV010"].dose == pytest.approx(4 / 3, abs=1e-3)
    assert by_rule["DRV010"].delta == pytest.approx(-8 / 3, abs=2e-3)
    assert by_rule["DRV010"].mechanism == "attrition"


def test_the_indirect_customer_score_is_exactly_its_mechanism_contributions(tmp_path: Path) -> None:
    book = load_rulebook(_chain_book(tmp_path))
    policy = make_policy({"kind": "staffing", "payroll_change_pct": -50})
    result = score_policies([policy], rulebook=book, settings=Settings()).result("p")
    weights = book.criteria_by_id
    mechanism_sum = sum(weights[c.criterion].weight * c.delta for c in result.contributions if c.mechanism)
    assert mechanism_sum == pytest.approx(1.5 * -2)
    assert result.scores.mechanisms == {"attrition": pytest.approx(-3.0)}
    assert result.scores.customer_indirect == round(100 * math.tanh(mechanism_sum / 12))
    assert result.scores.customer_direct == 0
    assert result.scores.customer == result.scores.customer_indirect


def test_a_policy_without_mechanisms_has_no_indirect_customer_score(tmp_path: Path) -> None:
    book = load_rulebook(_chain_book(tmp_path))
    policy = make_policy({"kind": "training", "topics": ["communication"]})
    result = score_policies([policy], rulebook=book, settings=Settings()).result("p")
    assert result.scores.employee > 0
    assert result.scores.customer_indirect == 0
    assert result.scores.mechanisms == {}


def test_a_dose_of_zero_gives_no_contribution_but_the_rule_is_assessed(tmp_path: Path) -> None:
    book = load_rulebook(_chain_book(tmp_path))
    policy = make_policy(
        {"kind": "call-time-cap", "max_minutes": 9, "typical_minutes": 9, "enforcement": "bonus-gate"}
    )  # cap_ratio 1
    result = score_policies([policy], rulebook=book, settings=Settings()).result("p")
    assert result.contributions == []
    assert result.not_assessed == []
    assert (result.scores.employee, result.scores.customer) == (0, 0)


def test_a_rule_no_impact_rule_recognises_is_not_assessed(tmp_path: Path) -> None:
    book = load_rulebook(_chain_book(tmp_path))
    policy = make_policy({"kind": "equipment", "item": "other", "quality": "standard"})
    result = score_policies([policy], rulebook=book, settings=Settings()).result("p")
    assert [n.rule for n in result.not_assessed] == ["p/rules[0]"]
    assert result.not_assessed[0].reason.startswith(
        "no impact rule recognises this equipment rule (item: other, quality: standard"
    )


def test_standard_equipment_is_assessed_at_the_baseline_not_left_unassessed() -> None:
    policy = make_policy({"kind": "equipment", "item": "workstation", "quality": "standard"})
    result = score_policies([policy], rulebook=default_rulebook(), settings=Settings()).result("p")
    assert result.not_assessed == []
    assert result.contributions == []
    assert (result.scores.employee, result.scores.customer, result.verdict) == (0, 0, "neutral")


def test_a_baseline_rule_that_moves_something_is_refused() -> None:
    with pytest.raises(ValidationError, match="a baseline rule moves nothing"):
        ImpactRule.model_validate(
            {
                "code": "EQP999",
                "name": "equipment.odd",
                "summary": "Odd.",
                "when": {"kind": "equipment"},
                "impacts": {"employee.tools": 1},
                "baseline": True,
                "because": "Odd.",
            }
        )


def test_a_rules_own_strength_sets_its_band_and_can_only_be_weaker_than_its_sources(tmp_path: Path) -> None:
    book_dir = _chain_book(tmp_path)
    rules = book_dir / "impact" / "chain.yaml"
    text = rules.read_text(encoding="utf-8")
    weaker = text.replace("  evidence: [rucci]\n", "  evidence: [rucci]\n  strength: weak\n")
    rules.write_text(weaker, encoding="utf-8")
    book = load_rulebook(book_dir)
    policy = make_policy({"kind": "staffing", "payroll_change_pct": -50})
    result = score_policies([policy], rulebook=book, settings=Settings()).result("p")
    (drv,) = [c for c in result.contributions if c.rule == "DRV010"]
    assert (drv.strength, drv.band) == ("weak", book.scoring.bands.weak)

    rules.write_text(
        text.replace("  evidence: [rucci]\n", "  evidence: [rucci]\n  strength: strong\n"), "utf-8"
    )
    with pytest.raises(
        RulebookError, match="strength strong is stronger than the evidence it cites \\(moderate\\)"
    ):
        load_rulebook(book_dir)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (0.425, "+0.43"),
        (-0.425, "-0.43"),
        (0.375, "+0.38"),
        (2.0, "+2"),
        (-1.5, "-1.5"),
        (0.004, "0"),
        (1e300, "+1e+300"),
    ],
)
def test_points_round_halves_away_from_zero_the_same_on_every_python(value: float, shown: str) -> None:
    # Regression: 0.425 summed with sum() showed +0.43 on Python 3.11 and +0.42 on 3.13 (sum of floats
    # became compensated in 3.12); sums are math.fsum now and points round the shortest decimal.
    assert points(value) == shown


def test_a_reach_on_a_key_the_facts_do_not_carry_is_a_located_error(tmp_path: Path) -> None:
    # Regression: a misspelt reach loaded silently and the rule then touched no customer contact.
    book = _book_with_rule(
        tmp_path,
        "- code: ZZZ001\n"
        "  name: zz.reach\n"
        "  summary: A reach on a misspelt key.\n"
        "  when: {kind: break-rule}\n"
        "  impacts: {customer.speed: 1}\n"
        "  reach: blocked_windows.share_of_shit\n"
        "  because: Covered.\n",
    )
    with pytest.raises(InputError) as caught:
        load_rulebook(book)
    found = [str(p) for p in caught.value.problems]
    assert any(
        "zz.yaml:6:" in line
        and "reach: 'blocked_windows.share_of_shit' is no number of the facts this rule matches" in line
        and "did you mean 'blocked_windows.share_of_shift'?" in line
        for line in found
    ), found


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "  mechanism: attrition\n",
            "  mechanism: atrition\n",
            "unknown mechanism 'atrition'; known: attrition",
        ),
        (
            "  derive: strain\n  because: A cap",
            "  derive: strain\n  mechanism: attrition\n  because: A cap",
            "only a rule on a derived fact names a mechanism",
        ),
        (
            "  evidence: [feinberg]\n",
            "  evidence: [feinberg]\n  remedies: [REM999]\n",
            "unknown remedy 'REM999'",
        ),
        (
            "  when: {kind: staffing, payroll_change_pct: {lt: 0}}\n",
            "  when: {kind: staffing, payroll_change_pct: {lt: 0}}\n"
            "  thresholds: [{key: payroll_change_pct, value: 0, evidence: nowhere, says: A cut.}]\n",
            "threshold cites unknown evidence id 'nowhere'",
        ),
    ],
    ids=["unknown-mechanism", "mechanism-on-a-policy-rule", "unknown-remedy", "threshold-evidence"],
)
def test_the_new_rule_fields_are_cross_checked_when_the_rulebook_loads(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    book_dir = _chain_book(tmp_path)
    rules = book_dir / "impact" / "chain.yaml"
    text = rules.read_text(encoding="utf-8")
    assert old in text
    rules.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(RulebookError, match=re.escape(message)):
        load_rulebook(book_dir)


def test_bands_must_widen_as_evidence_weakens() -> None:
    with pytest.raises(ValidationError, match="bands must widen as evidence weakens"):
        Bands(strong=0.5, moderate=0.4, weak=0.6, practitioner=0.8, none=1.0)


def test_the_other_measures_are_what_the_fields_imply() -> None:
    policy = make_policy(
        {"kind": "call-time-cap", "metric": "max_call_duration", "max_minutes": 6},
        {"kind": "staffing", "occupancy_target_pct": 85},
        {"kind": "staffing", "service_level_target": {"answered_pct": 80, "within_seconds": 20}},
        {"kind": "training", "hours_per_year": 20, "onboarding_weeks": 2.6},
        {"kind": "compensation-link", "weights": {"calls_handled": 40, "customer_satisfaction": 60}},
    )
    values = [measure_values(rule, policy) for rule in policy.rules]
    assert values[0]["cut_off_pct"] == 36.79  # 100 x exp(-6 / 6)
    assert values[1] == {"idle_minutes_per_hour": 9.0}
    assert values[2] == {"implied_wait_seconds": 12.4}  # 20 / -ln(0.2)
    assert values[3] == {"hours_total": 22.0}  # 20 + 40 x 2.6 / 52
    assert (values[4]["speed_pay_pct"], values[4]["customer_pay_pct"]) == (40, 60)


def test_every_measure_is_described_in_the_format_reference() -> None:
    reference = format_reference_markdown()
    for measures in MEASURES.values():
        for key, measure in measures.items():
            assert f"- `{key}`: {measure.description}" in reference, key
