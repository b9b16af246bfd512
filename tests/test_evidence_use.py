"""Evidence is used for what it says: numbers, scope and ids of the rulebook's sources.

(a) Every number an impact rule's `because` states outside its placeholders is in the
    `finding` or `citation` of a source the rule cites (an explanation never quotes a
    figure that neither the policy nor the evidence gives, like a "95%" line whatever the
    policy's threshold).
(b) Evidence stays in its population: findings about customers' own reward behaviour
    (Kivetz et al. 2006) are not cited for staff pay, and Porath and Pearson's finding about
    customers who *saw* a reprimand is cited only by rules that require customers to see
    staff (`scope.customers_see_staff: true`); phone customers cannot.
(c) Every evidence id that mechanisms, impact rules, thresholds, conflict rules and remedies
    name exists, and every mechanism is used by a rule on a derived fact.
(d) An explanation changes with the numbers it depends on: for each impact rule with a
    `fires` example, the example is scored (the real engine) with the numbers the rule
    reads (its numeric `when` tests, its doses and its numeric placeholders) changed; where
    the rule still fires and the number it read changed, its explanation (the filled
    `because`, with the dose it was scaled by) must change.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from functools import cache
from typing import Any

import pytest

from policyweigh.evaluation import PolicyValues, fill, score_policies
from policyweigh.facts import DERIVED_KEY
from policyweigh.policy import RULE_MODELS, Policy
from policyweigh.rulebook import ImpactRule, load_rulebook
from policyweigh.rulebook.models import PLACEHOLDER, Check, derived_fact_keys, fact_keys
from tests.helpers import EXAMPLE_SETTINGS, SETTINGS, example_policy

BOOK = load_rulebook()

NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
"""A number as written: 7,939 / 0.36 / 94.1 (a leading '.' or '-' is not part of it)."""

CUSTOMER_BEHAVIOUR_EVIDENCE = {"kivetz-2006"}
"""Findings about how customers respond to their own rewards: never evidence for staff pay."""
STAFF_PAY_KINDS = {"bonus-threshold", "compensation-link"}
WITNESSED_EVIDENCE = {"porath-pearson-2013-witnessed"}
"""Findings about customers who see or hear how staff are treated."""


def numbers(text: str) -> set[str]:
    """The numbers written in a text, as strings (thousands separators kept as written)."""
    return set(NUMBER.findall(text))


def template_text(template: str) -> str:
    """A template with its placeholders taken out: what the rulebook itself writes."""
    return PLACEHOLDER.sub(" ", template)


# --- (a) numbers in explanations come from the facts or the cited evidence ---------------------


@pytest.mark.parametrize("rule", BOOK.impact_rules, ids=lambda r: r.code)
def test_numbers_in_because_come_from_cited_evidence(rule: ImpactRule) -> None:
    written = numbers(template_text(rule.because))
    sources = " ".join(
        f"{BOOK.evidence[e].finding} {BOOK.evidence[e].citation}" for e in rule.evidence if e in BOOK.evidence
    )
    missing = sorted(written - numbers(sources), key=lambda n: (len(n), n))
    assert not missing, (
        f"{rule.code} ({rule.name}) writes {', '.join(missing)} in its `because`, but no source it cites "
        f"({', '.join(rule.evidence) or 'none'}) states it: render the number from a {{placeholder}} of the "
        "matched fact, or cite the evidence whose finding gives it"
    )


def test_numbers_check_catches_a_fixed_line() -> None:
    """The check itself: a template quoting a line that no finding gives is caught."""
    assert numbers(template_text("a line at {threshold_pct}% is missed by about 31%")) == {"31"}
    assert numbers("engagement correlated .33 across 7,939 units; 5-10%") == {"33", "7,939", "5", "10"}


# --- (b) evidence stays in its population ---------------------------------------------------------


def _is_staff_pay(rule: ImpactRule) -> bool:
    kind = rule.when.get("kind")
    kinds = {kind} if isinstance(kind, str) else set((kind.in_ or []) if isinstance(kind, Check) else [])
    if isinstance(kind, Check) and kind.eq is not None:
        kinds.add(str(kind.eq))
    if kinds & STAFF_PAY_KINDS:
        return True
    for key in ("enforcement", "tied_to"):
        test = rule.when.get(key)
        values = [test] if not isinstance(test, Check) else [test.eq, *(test.in_ or [])]
        if "bonus-gate" in values or "bonus" in values:
            return True
    return False


@pytest.mark.parametrize("rule", BOOK.impact_rules, ids=lambda r: r.code)
def test_customer_reward_findings_are_not_cited_for_staff_pay(rule: ImpactRule) -> None:
    if not _is_staff_pay(rule):
        return
    misused = sorted(set(rule.evidence) & CUSTOMER_BEHAVIOUR_EVIDENCE)
    assert not misused, (
        f"{rule.code} judges staff pay but cites {', '.join(misused)}, a finding about how customers "
        "respond to their own reward programmes: cite evidence about staff incentives (Oyer 1998, Larkin 2014)"
    )


def _requires_customers_see_staff(when: dict[str, Any]) -> bool:
    test = when.get("scope.customers_see_staff")
    return test is True or (isinstance(test, Check) and test.eq is True)


def _rules_citing(ids: set[str]) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    for rule in BOOK.impact_rules:
        if set(rule.evidence) & ids:
            yield rule.code, [rule.when]
    for conflict in BOOK.conflict_rules:
        if set(conflict.evidence) & ids:
            yield conflict.code, [conflict.a, conflict.b]


def test_witnessed_incivility_finding_only_where_customers_see_staff() -> None:
    wrong = [
        code
        for code, sides in _rules_citing(WITNESSED_EVIDENCE)
        if not any(_requires_customers_see_staff(side) for side in sides)
    ]
    assert not wrong, (
        f"{', '.join(wrong)} cite what customers who saw a reprimand did, but do not require "
        "`scope.customers_see_staff: true`: phone and chat customers cannot see staff"
    )
    assert any(True for _ in _rules_citing(WITNESSED_EVIDENCE)), "no rule uses the witnessed finding at all"


def test_kivetz_and_porath_findings_state_their_population() -> None:
    """The findings say whom they concern, so a reader of `rules CODE` sees the scope too."""
    assert "customers" in BOOK.evidence["kivetz-2006"].finding.lower()
    assert "not about staff pay" in BOOK.evidence["kivetz-2006"].finding
    witnessed = BOOK.evidence["porath-pearson-2013-witnessed"].finding
    assert "20%" in witnessed and "80%" in witnessed
    assert "20%" not in BOOK.evidence["porath-pearson-2013"].finding


def _score(*policies: Policy) -> dict[str, Any]:
    run = score_policies(list(policies), rulebook=BOOK, settings=SETTINGS)
    return {r.id: r for r in run.evaluation.policies}


def test_phone_reprimand_gets_no_witnessed_incivility_but_a_shop_floor_one_does() -> None:
    rule = {"kind": "feedback-practice", "style": "public-reprimand", "frequency": "weekly"}
    phone = Policy.model_validate({"id": "phone", "title": "Phone", "rules": [rule]})
    floor = Policy.model_validate(
        {"id": "floor", "title": "Floor", "scope": {"customers_see_staff": True}, "rules": [rule]}
    )
    results = _score(phone, floor)
    phone_rules = {c.rule for c in results["phone"].contributions}
    floor_rules = {c.rule for c in results["floor"].contributions}
    witnessed = {r.code for r in BOOK.impact_rules if set(r.evidence) & WITNESSED_EVIDENCE}
    assert witnessed and not (phone_rules & witnessed), "phone customers cannot see a reprimand"
    assert witnessed <= floor_rules
    # Targets still pass incivility on to phone customers (25% took it out on customers).
    assert any(c.mechanism == "incivility" for c in results["phone"].contributions)
    assert results["floor"].scores.customer < results["phone"].scores.customer


def test_customer_effects_of_staff_effects_come_only_through_mechanisms() -> None:
    """No flat spillover: a policy that only touches staff moves customers only by mechanism rules."""
    coaching = Policy.model_validate(
        {
            "id": "coaching",
            "title": "Coaching",
            "rules": [{"kind": "feedback-practice", "style": "private-coaching", "frequency": "weekly"}],
        }
    )
    back_office = Policy.model_validate(
        {
            "id": "back-office",
            "title": "Coaching, back office",
            "scope": {"customer_facing": False},
            "rules": [{"kind": "feedback-practice", "style": "private-coaching", "frequency": "weekly"}],
        }
    )
    results = _score(coaching, back_office)
    customer = [c for c in results["coaching"].contributions if c.criterion.startswith("customer.")]
    assert customer and all(c.mechanism == "engagement" for c in customer)
    assert results["coaching"].scores.customer_direct == 0
    assert results["back-office"].scores.customer == 0, "customers of back-office staff are not exposed"


# --- (c) every evidence id named exists -------------------------------------------------------------


def test_every_named_evidence_id_exists() -> None:
    known = set(BOOK.evidence)
    named: list[tuple[str, str]] = []
    for mechanism in BOOK.scoring.mechanisms:
        named += [(f"mechanism {mechanism.id}", e) for e in mechanism.evidence]
    for rule in BOOK.impact_rules:
        named += [(rule.code, e) for e in rule.evidence]
        named += [(f"{rule.code} threshold", t.evidence) for t in rule.thresholds]
    for conflict in BOOK.conflict_rules:
        named += [(conflict.code, e) for e in conflict.evidence]
    for remedy in BOOK.remedies.values():
        named += [(remedy.code, e) for e in remedy.evidence]
    unknown = [f"{where}: {ev}" for where, ev in named if ev not in known]
    assert not unknown, "unknown evidence ids: " + "; ".join(unknown)


def test_every_mechanism_has_evidence_a_lag_and_a_rule() -> None:
    used = {r.mechanism for r in BOOK.impact_rules if r.mechanism}
    for mechanism in BOOK.scoring.mechanisms:
        assert mechanism.evidence, f"mechanism {mechanism.id} cites no evidence"
        assert mechanism.lag.strip(), f"mechanism {mechanism.id} gives no lag"
        assert mechanism.id in used, f"no rule on a derived fact names mechanism {mechanism.id}"
    for rule in BOOK.impact_rules:
        if rule.mechanism:
            assert rule.on_derived, f"{rule.code} names a mechanism but matches policy rules"
            assert rule.evidence, f"{rule.code} carries staff effects to customers with no evidence"
            assert any(k.startswith("customer.") for k in rule.impacts), f"{rule.code} moves no customer"


def test_every_impact_rule_cites_evidence_and_graded_strengths() -> None:
    bare = [r.code for r in BOOK.impact_rules if not r.evidence]
    assert not bare, f"rules with no evidence: {', '.join(bare)}"
    practitioner = {e.id for e in BOOK.evidence.values() if e.strength == "practitioner"}
    seed = {"meller-2015", "geers-customer-first", "vonage-call-centre-helper-2016", "rubis-customer-first"}
    assert seed <= practitioner, "the seed opinion articles are practitioner material"
    assert {"headset-vendor-surveys", "ccplanning-aht-fcr"} <= practitioner


# --- (d) explanations change with the numbers they depend on -----------------------------------------


def _numeric(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _numeric_keys(rule: ImpactRule) -> set[str]:
    """The numbers of a matched fact a rule depends on: numeric tests, doses, numeric placeholders."""
    keys: set[str] = set()
    for key, test in rule.when.items():
        if key == DERIVED_KEY:
            continue
        if isinstance(test, Check) and any(getattr(test, op) is not None for op in ("lt", "le", "gt", "ge")):
            keys.add(key)
    keys |= {d.key for d in rule.dose}
    catalog = derived_fact_keys() if rule.on_derived else _kind_keys(rule)
    for name in PLACEHOLDER.findall(rule.because):
        info = catalog.get(name)
        if info is not None and info.shape == "number":
            keys.add(name)
    return keys


def _kind_keys(rule: ImpactRule) -> dict[str, Any]:
    kind = rule.when.get("kind")
    if isinstance(kind, str):
        return dict(fact_keys(kind))
    merged: dict[str, Any] = {}
    for name in RULE_MODELS:
        merged.update(fact_keys(name))
    return merged


def _weight_metrics(kind: str) -> list[str]:
    """The metrics a kind's `weights` mapping may name (from its fact keys `weights.<metric>`)."""
    return sorted(
        key.removeprefix("weights.")
        for key in fact_keys(kind)
        if key.startswith("weights.") and key != "weights.count"
    )


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _minutes(text: str) -> int:
    hours, _, mins = text.partition(":")
    return int(hours) * 60 + int(mins)


def _variants(example: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The example with one number changed at a time: its numeric fields (nested too), the
    numeric fields of its kind left at their defaults, the scope's numbers and blocked windows."""

    def scaled(value: float, is_int: bool) -> list[float]:
        raw = [value * 1.5, value * 0.5, value + 1, value - 1, value * 2, value + 10, value / 3]
        if value == 0:
            raw = [1, 2, 10, 40]
        out = []
        for v in raw:
            v = round(v) if is_int else round(v, 2)
            if v != value and v not in out:
                out.append(v)
        return out

    def walk(data: dict[str, Any], path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Any]]:
        for key, value in data.items():
            if isinstance(value, dict):
                yield from walk(value, (*path, key))
            elif _numeric(value):
                yield (*path, key), value

    base = copy.deepcopy(example)
    kind = base.get("kind")
    if kind in RULE_MODELS:
        for name, info in RULE_MODELS[kind].model_fields.items():
            shown = info.alias or name
            if shown not in base and _numeric(info.default):
                base_value = info.default
                for v in scaled(float(base_value), isinstance(base_value, int)):
                    variant = copy.deepcopy(base)
                    variant[shown] = v
                    yield variant
    for path, value in list(walk({k: v for k, v in base.items() if k != "scope"}, ())):
        for v in scaled(float(value), isinstance(value, int)):
            variant = copy.deepcopy(base)
            node = variant
            for part in path[:-1]:
                node = node[part]
            node[path[-1]] = v
            yield variant
    weights = base.get("weights")
    if isinstance(weights, dict) and kind in RULE_MODELS:
        # Weights sum to 100: move half of one weight to another metric.
        metrics = _weight_metrics(kind)
        for key, value in weights.items():
            other = next((m for m in metrics if m != key and m not in weights), None)
            if other is None or not _numeric(value) or value < 2:
                continue
            half = value // 2 if isinstance(value, int) else value / 2
            variant = copy.deepcopy(base)
            variant["weights"] = {**weights, key: value - half, other: half}
            yield variant
            for receiver in weights:
                if receiver != key:
                    variant = copy.deepcopy(base)
                    variant["weights"] = {**weights, key: value - half, receiver: weights[receiver] + half}
                    yield variant
    for field, values in (("shift_hours", [4.0, 6.0, 10.0, 12.0]), ("headcount", [5, 50, 500])):
        for v in values:
            variant = copy.deepcopy(base)
            variant.setdefault("scope", {})
            variant["scope"] = {**variant["scope"], field: v}
            yield variant
    windows = base.get("blocked_windows") or []
    for index, window in enumerate(windows):
        for delta in (-30, 30, -60, 60):
            end = _minutes(window["to"]) + delta
            if _minutes(window["from"]) < end <= 24 * 60 - 1:
                variant = copy.deepcopy(base)
                variant["blocked_windows"][index] = {**window, "to": _hhmm(end)}
                yield variant


def _policy(example: dict[str, Any], pid: str) -> Policy | None:
    try:
        return example_policy(example, pid)
    except ValueError:
        return None  # a variant outside the format (a negative count, a cap over its limit)


@cache
def _rendered(rule_code: str, example_index: int) -> list[tuple[str, dict[str, Any], str]]:
    """For one fires example of a rule and its variants: (policy id, the fact the rule matched,
    its rendered `because`) of each that fires the rule; the example itself has id "base"."""
    rule = BOOK.impact_by_code[rule_code]
    example = rule.examples.fires[example_index]
    policies = [p for p in [_policy(example, "base")] if p is not None]
    for i, variant in enumerate(_variants(example)):
        policy = _policy(variant, f"v{i}")
        if policy is not None:
            policies.append(policy)
    run = score_policies(policies, rulebook=BOOK, settings=EXAMPLE_SETTINGS)
    out = []
    for policy in policies:
        firing = next((f for f in run.traces[policy.id].firings if f.code == rule_code), None)
        if firing is None:
            continue
        # The explanation as the output shows it: the contribution's reason (the filled template,
        # the dose it was scaled by, the threshold it names); the filled template alone when the
        # rule moved nothing (a dose of 0, or a rule that only derives).
        reasons = [c.reason for c in run.result(policy.id).contributions if c.rule == rule_code]
        text = reasons[0] if reasons else fill(rule.because, PolicyValues(policy).lookup(firing.facts[0]))
        out.append((policy.id, dict(firing.facts[0]), text))
    return out


CASES_D = [r for r in BOOK.impact_rules if r.examples.fires and _numeric_keys(r)]


@pytest.mark.parametrize("rule", CASES_D, ids=lambda r: r.code)
def test_explanation_changes_with_the_numbers_it_depends_on(rule: ImpactRule) -> None:
    tried: list[str] = []
    for index in range(len(rule.examples.fires)):
        rendered = _rendered(rule.code, index)
        base = next((r for r in rendered if r[0] == "base"), None)
        assert base is not None, f"{rule.code} does not fire for its own fires example {index}"
        _, base_fact, base_text = base
        for key in sorted(_numeric_keys(rule)):
            changed = [(p, f, t) for p, f, t in rendered if p != "base" and f.get(key) != base_fact.get(key)]
            if not changed:
                continue  # the rule fires only at this value (an equality test), or no field feeds it
            tried.append(key)
            assert any(text != base_text for _, _, text in changed), (
                f"{rule.code} reads {key} (fires example {index}: {base_fact.get(key)!r}; variants "
                f"{sorted({repr(f.get(key)) for _, f, _ in changed})}) but its explanation stays the "
                f"same:\n  {base_text}\nname the value with a {{placeholder}} so the text follows the policy"
            )
    if not tried:
        pytest.skip(
            f"{rule.code}: no variant of its fires examples changes {sorted(_numeric_keys(rule))} while it fires"
        )


def test_the_explanation_check_catches_a_number_the_text_ignores(monkeypatch: pytest.MonkeyPatch) -> None:
    """The check itself: a rule that reads hours but always says the same thing is caught."""
    import dataclasses
    import sys

    module = sys.modules[__name__]
    original = BOOK.impact_by_code["TRN003"]
    fixed = original.model_copy(
        update={"because": "Each person gets training, with effects of about d = 0.6.", "dose": []}
    )
    book = dataclasses.replace(
        BOOK, impact_rules=tuple(fixed if r.code == "TRN003" else r for r in BOOK.impact_rules)
    )
    monkeypatch.setattr(module, "BOOK", book)
    _rendered.cache_clear()
    try:
        with pytest.raises(AssertionError, match="TRN003 reads hours_per_year"):
            test_explanation_changes_with_the_numbers_it_depends_on(fixed)
    finally:
        _rendered.cache_clear()
