"""The Rete layer on the real durable-rules engine: compilation, chaining, errors, bounds, memory."""

from __future__ import annotations

import gc
import re
import resource
import shutil
from pathlib import Path

import pytest

from policyweigh import rete
from policyweigh.config import Settings
from policyweigh.errors import EvaluationError, RulebookError
from policyweigh.facts import rule_facts
from policyweigh.orchestration import evaluate
from policyweigh.rulebook import Rulebook, load_rulebook
from policyweigh.rulebook.models import Check, ImpactRule, when_holds
from tests.helpers import DATA, make_policy

AHT = {"kind": "call-time-cap", "max_minutes": 5, "enforcement": "bonus-gate"}


def test_chain_of_three_steps_records_its_path(mini_rulebook: Rulebook) -> None:
    firings = rete.run_impact(mini_rulebook, rule_facts(make_policy(AHT)))
    assert [(f.code, f.chain) for f in firings] == [
        ("CTC002", ()),
        ("DRV001", ("CTC002",)),
        ("DRV002", ("CTC002", "DRV001")),
    ]


def test_derived_fact_is_asserted_once_per_policy(mini_rulebook: Rulebook) -> None:
    # Two rules deriving the same fact in one policy: the derived rule fires once.
    policy = make_policy(AHT, {**AHT, "max_minutes": 4})
    codes = [f.code for f in rete.run_impact(mini_rulebook, rule_facts(policy))]
    assert codes.count("CTC002") == 2
    assert codes.count("DRV001") == 1


def test_policies_in_one_session_do_not_share_derived_facts(mini_rulebook: Rulebook) -> None:
    facts = rule_facts(make_policy(AHT, id="a")) + rule_facts(
        make_policy({**AHT, "enforcement": "guideline"}, id="b")
    )
    firings = rete.run_impact(mini_rulebook, facts)
    assert {f.facts[0]["policy"] for f in firings if f.code == "DRV001"} == {"a"}


def test_identical_rule_facts_are_both_kept(mini_rulebook: Rulebook) -> None:
    # The same rule twice in a policy gives identical facts but for rule_index.
    firings = rete.run_impact(mini_rulebook, rule_facts(make_policy(AHT, AHT)))
    assert sorted(f.facts[0]["rule_index"] for f in firings if f.code == "CTC002") == [0, 1]


def test_unmatched_facts_are_fine(mini_rulebook: Rulebook) -> None:
    policy = make_policy({"kind": "equipment", "item": "headset", "quality": "standard"})
    assert rete.run_impact(mini_rulebook, rule_facts(policy)) == []


@pytest.mark.parametrize("key", ["id", "sid", "$type"])
def test_reserved_key_is_refused(mini_rulebook: Rulebook, key: str) -> None:
    with pytest.raises(EvaluationError, match=rf"reserved key\(s\) \[{re.escape(repr(key))}\]"):
        rete.run_impact(mini_rulebook, [{"policy": "p", "rule_index": 0, key: 3, "kind": "training"}])


def test_firings_hold_the_facts_as_given(mini_rulebook: Rulebook) -> None:
    # durable-rules is given only the keys rules test; firings carry the whole fact.
    facts = rule_facts(make_policy({**AHT, "note": "n"}, {"kind": "training", "topics": ["communication"]}))
    firings = rete.run_impact(mini_rulebook, facts)
    assert [f.facts[0] is facts[0] for f in firings if f.code == "CTC002"] == [True]
    assert [f.facts[0] is facts[1] for f in firings if f.code == "TRN001"] == [True]
    derived = next(f.facts[0] for f in firings if f.code == "DRV001")
    assert derived == {
        **{k: v for k, v in facts[0].items() if k.startswith(("scope.", "policy."))},
        "derived": "rushed-contacts",
        "policy": "p",
    }


def test_firing_bound_stops_with_a_clear_error(mini_rulebook: Rulebook) -> None:
    with pytest.raises(EvaluationError, match=r"derivation stopped after 2 rule firings"):
        rete.run_impact(mini_rulebook, rule_facts(make_policy(AHT)), max_firings=2)


def test_an_exception_in_an_action_becomes_a_real_error(
    mini_rulebook: Rulebook, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A reason template is filled outside the action; break the action itself instead.
    def broken_lookup(session: object, message: object) -> object:
        raise RuntimeError("boom")

    monkeypatch.setattr(rete, "_original", broken_lookup)
    with pytest.raises(EvaluationError, match=r"rule CTC002 failed: RuntimeError: boom"):
        rete.run_impact(mini_rulebook, rule_facts(make_policy(AHT)))


def test_cyclic_rulebook_is_refused_with_the_cycle(tmp_path: Path) -> None:
    book = tmp_path / "book"
    shutil.copytree(DATA / "rulebooks" / "mini", book)
    with (book / "impact" / "rules.yaml").open("a") as out:
        out.write(
            "- code: DRV003\n"
            "  name: derived.loop\n"
            "  summary: Repeat contacts rush agents again.\n"
            "  when: {derived: repeat-contacts}\n"
            "  derive: rushed-contacts\n"
            "  impacts: {employee.wellbeing: -1}\n"
            "  because: Queues grow.\n"
        )
    with pytest.raises(
        RulebookError, match=r"derivation cycle repeat-contacts -> rushed-contacts -> repeat-contacts"
    ):
        load_rulebook(book)


def test_runtime_bound_stops_a_cycle_that_slipped_past_the_check(mini_rulebook: Rulebook) -> None:
    # Build a cyclic rulebook without the load-time check: evaluation must still stop.
    loop = ImpactRule.model_validate(
        {
            "code": "DRV009",
            "name": "derived.loop",
            "summary": "loop",
            "when": {"derived": "repeat-contacts"},
            "derive": ["rushed-contacts"],
            "impacts": {"employee.wellbeing": -1},
            "because": "loop",
        }
    )
    book = Rulebook(
        criteria=mini_rulebook.criteria,
        scoring=mini_rulebook.scoring,
        evidence=mini_rulebook.evidence,
        impact_rules=(*mini_rulebook.impact_rules, loop),
    )
    firings = rete.run_impact(book, rule_facts(make_policy(AHT)))
    # Derived facts are asserted once per policy and name, so the loop closes after one turn.
    assert [f.code for f in firings] == ["CTC002", "DRV001", "DRV002", "DRV009"]


def test_sessions_are_chunked_beyond_the_measured_limit(mini_rulebook: Rulebook) -> None:
    # durable-rules silently stops firing at about 10,000 facts in one session.
    policies = [make_policy(AHT, id=f"p{i:05d}") for i in range(3_000)]
    facts = [f for p in policies for f in rule_facts(p)]
    firings = rete.run_impact(mini_rulebook, facts)
    assert len(firings) == 3 * 3_000


def test_evaluation_order_does_not_change_results(mini_rulebook: Rulebook) -> None:
    policies = [
        make_policy(AHT, id="b"),
        make_policy({"kind": "training", "topics": ["communication"]}, id="a"),
    ]
    settings = Settings()
    one = evaluate(policies, rulebook=mini_rulebook, settings=settings, conflicts=False)
    two = evaluate(policies[::-1], rulebook=mini_rulebook, settings=settings, conflicts=False)
    assert one.evaluation.model_dump_json() == two.evaluation.model_dump_json()


def test_when_holds_agrees_with_the_compiled_conditions(mini_rulebook: Rulebook) -> None:
    for rule in mini_rulebook.impact_rules:
        if rule.on_derived:
            continue
        for example in rule.examples.fires:
            fact = rule_facts(make_policy({k: v for k, v in example.items() if k != "scope"}))[0]
            assert when_holds(rule.when, fact), (rule.code, example)
        for example in rule.examples.silent:
            fact = rule_facts(make_policy({k: v for k, v in example.items() if k != "scope"}))[0]
            assert not when_holds(rule.when, fact), (rule.code, example)


def test_test_operators() -> None:
    t = Check.model_validate({"in": ["a", "b"], "ne": "b"})
    assert t.holds("a", True) and not t.holds("b", True) and not t.holds("c", True)
    assert Check.model_validate({"exists": False}).holds(None, False)
    assert not Check.model_validate({"lt": 3}).holds(True, True)  # booleans are not numbers


@pytest.mark.soak
def test_soak_memory_stays_flat(mini_rulebook: Rulebook) -> None:
    """20,000 evaluations in one process: no crash, and memory after warm-up stays flat."""
    policy = make_policy(AHT, {"kind": "training", "topics": ["communication"]})
    facts = rule_facts(policy)
    for _ in range(2_000):  # warm-up: caches and allocator pools settle
        rete.run_impact(mini_rulebook, facts)
    gc.collect()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for _ in range(20_000):
        firings = rete.run_impact(mini_rulebook, facts)
    gc.collect()
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert len(firings) == 4
    assert after - before < 20 * 1024, f"peak RSS grew by {(after - before) / 1024:.1f} MiB"


def test_first_session_that_fires_nothing_does_not_crash_the_process() -> None:
    """Regression: durable-rules corrupted the heap when a ruleset's first session fired no rule."""
    import subprocess
    import sys

    script = (
        "from policyweigh.rulebook import load_rulebook\n"
        "from policyweigh import rete\n"
        f"book = load_rulebook({str(DATA / 'rulebooks' / 'mini')!r})\n"
        "for i in range(3):\n"
        "    assert rete.run_impact(book, [{'policy': f'p{i}', 'rule_index': 0, 'kind': 'equipment'}]) == []\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "ok"
