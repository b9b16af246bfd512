"""Every impact rule's examples, run through the real engine: one test case each.

An example is a policy rule mapping (plus optional `scope` and `jurisdiction`
for the surrounding policy), evaluated with the examples' organisation
(tests/data/example-organisation.yaml), whose team the queue rules' examples name. A `fires` example must make the rule fire, directly
or through a chain of derived facts; a `silent` example must not.
"""

from __future__ import annotations

from typing import Any

import pytest

from policyweigh.orchestration import evaluate
from policyweigh.rulebook import ImpactRule, load_rulebook
from policyweigh.rulebook.models import Check
from tests.helpers import EXAMPLE_SETTINGS, example_policy

BOOK = load_rulebook()


def fired_codes(example: dict[str, Any]) -> list[str]:
    """Codes of the impact rules that fire for an example."""
    run = evaluate([example_policy(example)], rulebook=BOOK, conflicts=False, settings=EXAMPLE_SETTINGS)
    return [f.code for f in run.firings]


CASES = [
    pytest.param(rule, expected, example, id=f"{rule.code}-{rule.name}-{expected}-{i}")
    for rule in BOOK.impact_rules
    for expected in ("fires", "silent")
    for i, example in enumerate(getattr(rule.examples, expected))
]


@pytest.mark.parametrize(("rule", "expected", "example"), CASES)
def test_example(rule: ImpactRule, expected: str, example: dict[str, Any]) -> None:
    codes = fired_codes(example)
    if expected == "fires":
        assert rule.code in codes, f"{rule.code} did not fire for {example}; fired: {codes}"
    else:
        assert rule.code not in codes, f"{rule.code} fired for {example}, which must stay silent"


@pytest.mark.parametrize("rule", BOOK.impact_rules, ids=lambda r: r.code)
def test_every_rule_has_both_kinds_of_example(rule: ImpactRule) -> None:
    assert rule.examples.fires, f"{rule.code} has no example that fires"
    assert rule.examples.silent, f"{rule.code} has no example that stays silent"


def test_rulebook_size_and_coverage() -> None:
    from policyweigh.policy import RULE_KINDS

    assert len(BOOK.impact_rules) >= 40
    kinds: set[str] = set()
    for r in BOOK.impact_rules:
        kind = r.when.get("kind")
        kinds.update(kind.in_ or [] if isinstance(kind, Check) else [kind])
    assert set(RULE_KINDS) <= kinds, f"kinds without an impact rule: {sorted(set(RULE_KINDS) - kinds)}"
