"""One condition language, two evaluators, held equal: durable-rules and ``when_holds``.

A rulebook condition (``when``, a conflict's ``a`` / ``b``, a remedy's
``applies_to``) is evaluated twice in the engine: compiled to durable-rules
(``rete.compile_when``), which fires the rules, and in Python
(``rulebook.models.when_holds``), which pre-filters join sessions, checks the
two sides of a conflict and picks remedies. This module requires that the two
agree on every condition a rulebook can hold and every fact the engine builds.

The property: hypothesis picks a rule kind (or derived facts) and its real fact
keys (``rulebook.models.fact_keys``, with the shape each key holds), builds one
to six conditions through the rulebook's models (``When``) that the loader
accepts (``condition_problems`` finds nothing), and one to ten facts with
values of the key's own type as ``policyweigh.facts`` makes them: numbers as
ints and floats, 0 and 1, the conditions' own constants and their neighbours
one ulp and one unit away, numbers durable-rules cannot parse as written
(``1e-05``); true and false; text, list members as ``<key>.has.<member>``;
keys left out. The conditions are compiled into one small ruleset on the
process's one durable-rules host (named by a hash of what it compiles: a name
cannot be registered twice) and the facts asserted in one fresh session, given
to durable-rules by ``rete._message`` as the engine gives them; each rule must
fire exactly once on each fact ``when_holds`` accepts, and never on another.

What keeps the two equal outside that domain is the loader: durable-rules
compares across types (``true`` equals ``1``, the text ``"1"`` equals ``1``,
text is ordered against numbers), while ``when_holds`` keeps types apart. Facts
carry one type per key (they are built from the typed policy models), and the
loader refuses a condition whose value is of another type than its key holds;
the last tests pin both.

Sized for CI: ``sized`` of ``tests/test_properties`` (200 derandomized
examples). Under ``HYPOTHESIS_PROFILE=fuzz`` it runs 50 times as many random
ones, each in a forked child: every example registers a ruleset (about 0.1 MB
that durable-rules never frees), and a child takes its memory with it.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import os
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from pydantic import TypeAdapter

from policyweigh import rete
from policyweigh.facts import DERIVED_KEY, Fact, member_key
from policyweigh.policy import RULE_KINDS
from policyweigh.rulebook.models import (
    MAX_IN_VALUES,
    Check,
    FactKey,
    When,
    condition_problems,
    derived_fact_keys,
    fact_keys,
    number_problem,
    when_holds,
)
from tests.test_properties import _fuzzing, sized

WHEN = TypeAdapter(When)
DERIVED = "derived facts"
"""The catalog of derived facts, beside the rule kinds."""
MAX_CONDITIONS = 6
MAX_FACTS = 10
MAX_KEYS = 3
"""Keys one condition tests (the loader allows a few `in:` keys per side; three stay clear of it)."""
MAX_LISTED = 4
"""Values of one generated `in:` / `not_in:` list (the loader allows up to ``MAX_IN_VALUES``)."""
assert MAX_LISTED <= MAX_IN_VALUES
SHAPE_WEIGHTS = {"number": 3, "text": 1, "bool": 1, "list": 1}
"""How often a condition tests a key of each shape, relative to the others."""

# --------------------------------------------------------------------------- running durable-rules

_FIRED: dict[str, list[tuple[int, str]]] = {}
_SIDS = itertools.count(1)


def _recorder(index: int) -> Callable[[Any], None]:
    def action(c: Any) -> None:  # the engine's own action context (rete._Action)
        _FIRED[c.sid].append((index, c.message["m"]["id"]))

    return action


def _fact_type(fact: Fact) -> str:
    return rete.DERIVED_FACT if DERIVED_KEY in fact else rete.RULE_FACT


def durable_firings(whens: Sequence[When], facts: Sequence[Fact]) -> Counter[tuple[int, int]]:
    """How often each condition fired on each fact, by index, in durable-rules.

    The conditions are compiled as the engine compiles them, into one ruleset
    with the engine's sink rule; the facts go in one fresh session, each as the
    message the engine makes of it (``rete._message``) with an id of the
    engine's pool, and the session is checked to hold every fact.
    """
    expressions = [rete.compile_when(when, rete._fact_type(when)) for when in whens]
    digest = hashlib.sha256(json.dumps(expressions, sort_keys=True).encode()).hexdigest()[:24]
    name = f"condition-semantics-{digest}"

    def definition() -> dict[str, Any]:
        rules: dict[str, Any] = {"$sink": rete.CompiledRulebook._sink()}
        for index, expression in enumerate(expressions):
            rules[f"c{index}"] = {"all": [{"m": expression}], "run": _recorder(index)}
        return rules

    keys = rete.tested_keys(whens)
    numbers = rete._numbers(whens)
    with rete._LOCK:
        rete._HOST.ensure(name, definition)
        host = rete._HOST.host()
        sid = f"condition-semantics-{next(_SIDS)}"
        pool = rete._id_pool(0)
        pool.grow(len(facts) + 1)
        clash = pool.position.get(rete.message_hash(f"sid-{sid}"), -1)
        ids = [mid for at, mid in enumerate(pool.ids[: len(facts) + 1]) if at != clash][: len(facts)]
        batch = [
            {**rete._message(fact, keys, numbers), rete.TYPE_KEY: _fact_type(fact), "sid": sid, "id": mid}
            for fact, mid in zip(facts, ids, strict=True)
        ]
        _FIRED[sid] = []
        try:
            host.assert_facts(name, batch)
            assert rete._facts_held(host, name, sid) == len(batch), "durable-rules lost a fact"
            assert not host.get_state(name, sid).get("exception"), host.get_state(name, sid)
            fired = _FIRED[sid]
        finally:
            del _FIRED[sid]
            host.delete_state(name, sid)
    position = {mid: at for at, mid in enumerate(ids)}
    return Counter((index, position[mid]) for index, mid in fired)


def python_holds(whens: Sequence[When], facts: Sequence[Fact]) -> Counter[tuple[int, int]]:
    """Each (condition, fact) pair ``when_holds`` accepts, once."""
    return Counter(
        (i, j) for i, when in enumerate(whens) for j, fact in enumerate(facts) if when_holds(when, fact)
    )


def shown(when: When) -> dict[str, Any]:
    """A condition as the rulebook writes it."""
    return {
        key: test.model_dump(exclude_unset=True, by_alias=True) if isinstance(test, Check) else test
        for key, test in when.items()
    }


def disagreements(whens: Sequence[When], facts: Sequence[Fact]) -> list[str]:
    """Every pair on which the two evaluators differ, one line each (empty when they agree)."""
    fired = durable_firings(whens, facts)
    held = python_holds(whens, facts)
    lines = []
    for i, j in sorted(set(fired) | set(held)):
        if fired[(i, j)] != held[(i, j)]:
            lines.append(
                f"when {shown(whens[i])} on fact {facts[j]!r}: durable-rules fired {fired[(i, j)]} "
                f"time(s), when_holds says {bool(held[(i, j)])}"
            )
    return lines


def in_child(work: Callable[[], list[str]]) -> list[str]:
    """``work()`` in a forked child, when fuzzing where the system can fork; here otherwise."""
    if not (_fuzzing() and hasattr(os, "fork")):
        return work()
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report, and leave without the parent's exit handlers
        status = 0
        try:
            try:
                found = work()
            except BaseException as err:  # reported as a disagreement, so the example fails with it
                found = [f"running durable-rules failed: {type(err).__name__}: {err}"]
            with os.fdopen(writer, "w", encoding="utf-8") as report:
                json.dump(found, report)
        except BaseException:
            status = 70
        os._exit(status)
    os.close(writer)
    with os.fdopen(reader, encoding="utf-8") as report:
        text = report.read()
    _, status = os.waitpid(pid, 0)
    assert text, f"the child running durable-rules ended without a report (wait status {status})"
    reported: list[str] = json.loads(text)
    return reported


# --------------------------------------------------------------------------- strategies

# Numbers the rulebook's thresholds cluster on, and the edges of what a condition may hold.
LANDMARKS = (0, 1, -1, 0.0, 1.0, 0.5, 2, 5, 8, 30, 90, 100, 0.1, 0.3, 0.0001, 10**15, -(10**15))
# Fact values durable-rules cannot read as Python writes them, or that sit at the edges of a double.
ODD_VALUES = (-0.0, 1e-05, 2e-07, 1e16, 1e-300, 5e-324, 0.1 + 0.2, 2**53 + 1, 10**18, -1e16)
TEXTS = st.text(alphabet=st.sampled_from("ab \"\\'é☃\U0001f600\n$.{}1"), max_size=6)


def constants() -> st.SearchStrategy[int | float]:
    """Numbers a condition can hold (finite, within the rule engine's range)."""
    floats = st.floats(min_value=-1e15, max_value=1e15, allow_nan=False, allow_infinity=False)
    return st.one_of(
        st.sampled_from(LANDMARKS),
        st.integers(-1000, 1000),
        floats.filter(lambda v: number_problem(v) is None),
    )


def _near(value: float) -> list[float]:
    """Values around a constant: itself as int and float, one ulp and one unit either side."""
    out: list[float] = [value, float(value), value + 1, value - 1]
    if float(value).is_integer() and abs(value) < 2**53:
        out.append(int(value))
    out.extend(math.nextafter(float(value), direction) for direction in (math.inf, -math.inf))
    return out


def _texts_of(info: FactKey) -> st.SearchStrategy[str]:
    return st.sampled_from(info.choices) if info.choices else TEXTS


def _check_ops(info: FactKey) -> tuple[str, ...]:
    if info.shape == "list":
        return ("contains", "not_contains", "exists")
    if info.shape == "number":
        return ("eq", "ne", "lt", "le", "gt", "ge", "in", "not_in", "exists")
    return ("eq", "ne", "in", "not_in", "exists")


@st.composite
def _listed(draw: st.DrawFn, values: st.SearchStrategy[Any]) -> list[Any]:
    """Distinct values for `in:` / `not_in:` (as the model counts them: true apart from 1, 1 as 1.0)."""
    drawn = draw(st.lists(values, min_size=1, max_size=MAX_LISTED))
    out: list[Any] = []
    for value in drawn:
        if not any(type(value) is type(other) and value == other for other in out) and not any(
            not isinstance(value, bool) and not isinstance(other, bool) and value == other for other in out
        ):
            out.append(value)
    return out


@st.composite
def key_tests(draw: st.DrawFn, info: FactKey) -> Any:
    """One test on a key of the given shape: a bare value, or a mapping of one to three operators."""
    values: st.SearchStrategy[Any]
    if info.shape == "number":
        values = constants()
    elif info.shape == "bool":
        values = st.booleans()
    else:
        values = _texts_of(info)
    if info.shape != "list" and draw(st.integers(0, 2)) == 2:
        return draw(values)
    ops = draw(st.lists(st.sampled_from(_check_ops(info)), min_size=1, max_size=3, unique=True))
    test: dict[str, Any] = {}
    for op in ops:
        if op == "exists":
            test[op] = draw(st.booleans())
        elif op in ("in", "not_in"):
            test[op] = draw(_listed(values))
        elif op in ("contains", "not_contains"):
            test[op] = draw(_texts_of(info))
        else:
            test[op] = draw(values)
    return test


def catalog(name: str) -> dict[str, FactKey]:
    """The keys conditions may test in facts of a rule kind (or of derived facts), with their shapes."""
    keys = derived_fact_keys() if name == DERIVED else fact_keys(name)
    return {key: info for key, info in keys.items() if info.shape != "whole"}


LIST_KINDS = tuple(
    kind for kind in RULE_KINDS if any(info.shape == "list" for info in fact_keys(kind).values())
)
"""The few kinds with list fields, drawn more often than the others so lists are tested often."""


@st.composite
def conditions(draw: st.DrawFn, name: str) -> When:
    """A condition on facts of ``name`` that the rulebook's models and loader accept."""
    keys = catalog(name)
    by_shape: dict[str, list[str]] = {}
    for key, info in sorted(keys.items()):
        by_shape.setdefault(info.shape, []).append(key)
    # A shape first, then a key of it: every shape is tested often, however few keys it has, and
    # numbers (with the most operators and edge values) most often.
    shapes = [shape for shape in SHAPE_WEIGHTS for _ in range(SHAPE_WEIGHTS[shape]) if shape in by_shape]
    picked = st.sampled_from(shapes).flatmap(lambda shape: st.sampled_from(by_shape[shape]))
    chosen = draw(st.lists(picked, min_size=1, max_size=MAX_KEYS, unique=True))
    raw = {key: draw(key_tests(keys[key])) for key in chosen}
    if name == DERIVED:
        raw.setdefault(DERIVED_KEY, draw(key_tests(keys[DERIVED_KEY])))
    elif "kind" not in raw and draw(st.booleans()):
        other = draw(st.sampled_from([k for k in RULE_KINDS if k != name]))
        raw["kind"] = draw(st.sampled_from([name, {"in": [name, other]}, {"ne": other}]))
    when: When = WHEN.validate_python(raw)
    assume(not condition_problems(when, derived=True))
    return when


def _values_for(info: FactKey, key: str, whens: Sequence[When]) -> st.SearchStrategy[Any]:
    """Values a fact may hold at ``key``: of its type, near what the conditions compare it with."""
    said: list[Any] = []
    for when in whens:
        test = when.get(key)
        if isinstance(test, Check):
            for op in ("eq", "ne", "lt", "le", "gt", "ge"):
                if op in test.model_fields_set:
                    said.append(getattr(test, op))
            said.extend([*(test.in_ or ()), *(test.not_in or ())])
        elif test is not None:
            said.append(test)
    if info.shape == "number":
        near = [v for s in said if not isinstance(s, bool) for v in _near(s)]
        plain = st.one_of(st.sampled_from((*LANDMARKS, *ODD_VALUES)), st.integers(-(10**6), 10**6))
        floats = st.floats(min_value=-1e16, max_value=1e16, allow_nan=False, allow_infinity=False)
        if not near:
            return st.one_of(plain, floats)
        return st.one_of(st.sampled_from(near), st.sampled_from(said), plain, floats)
    if info.shape == "bool":
        return st.booleans()
    if info.shape == "text" and said:
        return st.one_of(st.sampled_from(said), _texts_of(info))
    return _texts_of(info)


@st.composite
def facts_for(draw: st.DrawFn, name: str, whens: Sequence[When]) -> Fact:
    """A flat fact as ``policyweigh.facts`` builds one, with some of the tested keys left out."""
    keys = catalog(name)
    tested = {k for when in whens for k in when}
    others = draw(st.lists(st.sampled_from(sorted(keys)), max_size=2))
    fact: Fact = {}
    if name == DERIVED:
        fact[DERIVED_KEY] = draw(_values_for(keys[DERIVED_KEY], DERIVED_KEY, whens))
    else:
        fact["kind"] = draw(st.sampled_from(RULE_KINDS)) if draw(st.integers(0, 3)) == 3 else name
    for key in sorted(tested | set(others)):
        if key in fact or draw(st.integers(0, 7)) == 7:
            continue  # a key left out
        info = keys.get(key)
        if info is None:  # a key of another kind, named by a condition on several kinds
            continue
        if info.shape != "list":
            fact[key] = draw(_values_for(info, key, whens))
            continue
        named = [
            member
            for when in whens
            if isinstance(test := when.get(key), Check)
            for member in (test.contains, test.not_contains)
            if member is not None
        ]
        pool = sorted({*info.choices, *named})
        members_of = (
            st.one_of(st.sampled_from(named), st.sampled_from(pool)) if named else st.sampled_from(pool)
        )
        members = draw(st.lists(members_of if pool else TEXTS, max_size=3, unique=True))
        fact[f"{key}.count"] = len(members)
        fact.update({member_key(key, member): True for member in members})
    return fact


@st.composite
def cases(draw: st.DrawFn) -> tuple[list[When], list[Fact]]:
    """Conditions on one kind of fact, and facts of that kind."""
    name = draw(st.sampled_from([*RULE_KINDS, DERIVED, *LIST_KINDS, *LIST_KINDS]))
    whens = draw(st.lists(conditions(name), min_size=1, max_size=MAX_CONDITIONS))
    facts = draw(st.lists(facts_for(name, whens), min_size=1, max_size=MAX_FACTS))
    return whens, facts


# --------------------------------------------------------------------------- the property


@sized(200)
@given(case=cases())
def test_durable_rules_fires_exactly_when_when_holds(case: tuple[list[When], list[Fact]]) -> None:
    whens, facts = case
    found = in_child(lambda: disagreements(whens, facts))
    assert not found, "the two evaluators disagree:\n" + "\n".join(found)


# --------------------------------------------------------------------------- the semantics, case by case

NAMED: Mapping[str, tuple[dict[str, Any], dict[str, Any], bool]] = {
    # A missing key fails every test but `exists: false` and `not_contains`.
    "ne_on_a_missing_key_does_not_hold": ({"max_minutes": {"ne": 5}}, {}, False),
    "not_in_on_a_missing_key_does_not_hold": ({"max_minutes": {"not_in": [5, 8]}}, {}, False),
    "lt_on_a_missing_key_does_not_hold": ({"max_minutes": {"lt": 5}}, {}, False),
    "exists_false_holds_on_a_missing_key": ({"max_minutes": {"exists": False}}, {}, True),
    "exists_false_with_ne_never_holds": ({"max_minutes": {"exists": False, "ne": 5}}, {}, False),
    "not_contains_holds_on_a_list_left_out": ({"topics": {"not_contains": "wellbeing"}}, {}, True),
    "contains_fails_on_a_list_left_out": ({"topics": {"contains": "wellbeing"}}, {}, False),
    "contains_reads_the_member_key": (
        {"topics": {"contains": "wellbeing"}},
        {"topics.count": 1, "topics.has.wellbeing": True},
        True,
    ),
    # Numbers compare by value, whether written as int or float.
    "an_int_equals_its_float": ({"max_minutes": 5}, {"max_minutes": 5.0}, True),
    "a_float_equals_its_int": ({"max_minutes": 5.0}, {"max_minutes": 5}, True),
    "minus_zero_equals_zero": ({"max_minutes": 0}, {"max_minutes": -0.0}, True),
    "one_ulp_above_a_bound_is_above_it": (
        {"max_minutes": {"gt": 8}},
        {"max_minutes": math.nextafter(8.0, 9)},
        True,
    ),
    "one_ulp_below_a_bound_is_not_at_it": (
        {"max_minutes": {"ge": 8}},
        {"max_minutes": math.nextafter(8.0, 7)},
        False,
    ),
    "a_float_sum_is_not_its_rounded_decimal": ({"max_minutes": 0.3}, {"max_minutes": 0.1 + 0.2}, False),
    "a_number_python_writes_with_an_exponent_is_still_compared": (
        {"max_minutes": {"lt": 0.0001}},
        {"max_minutes": 1e-05},
        True,
    ),
    "an_int_beyond_double_precision_is_above_the_largest_bound": (
        {"max_minutes": {"gt": 10**15}},
        {"max_minutes": 2**53 + 1},
        True,
    ),
    # A bound is in `le` and `ge`, outside `lt` and `gt`.
    "lt_excludes_its_bound": ({"max_minutes": {"lt": 8}}, {"max_minutes": 8}, False),
    "le_includes_its_bound": ({"max_minutes": {"le": 8}}, {"max_minutes": 8.0}, True),
    "gt_excludes_its_bound": ({"max_minutes": {"gt": 8.5}}, {"max_minutes": 8.5}, False),
    "ge_includes_its_bound": ({"max_minutes": {"ge": 8.5}}, {"max_minutes": 8.5}, True),
    "not_contains_holds_beside_other_members": (
        {"topics": {"not_contains": "wellbeing"}},
        {"topics.count": 1, "topics.has.product": True},
        True,
    ),
    "not_contains_fails_on_the_member": (
        {"topics": {"not_contains": "wellbeing"}},
        {"topics.count": 1, "topics.has.wellbeing": True},
        False,
    ),
    # true and false are no numbers.
    "false_equals_false": ({"paid": False}, {"paid": False}, True),
    "ne_true_holds_on_false": ({"paid": {"ne": True}}, {"paid": False}, True),
    # Text compares whole, byte for byte, whatever it holds.
    "text_is_not_its_prefix": ({"policy.status": "adopted"}, {"policy.status": "adopt"}, False),
    "quotes_and_backslashes_compare_as_written": (
        {"metric.written": 'a"\\b'},
        {"metric.written": 'a"\\b'},
        True,
    ),
    "accents_compare_as_written": ({"metric.written": "é"}, {"metric.written": "e\u0301"}, False),
}


@pytest.mark.parametrize("name", sorted(NAMED))
def test_named_semantics(name: str) -> None:
    """Each documented case: both evaluators give the stated answer."""
    raw, fact, expected = NAMED[name]
    when: When = WHEN.validate_python(raw)
    assert bool(python_holds([when], [fact])) is expected
    assert not disagreements([when], [fact])


@pytest.mark.parametrize(
    ("test", "fact"),
    [
        ({"exists": False, "not_contains": "calls_handled"}, {"conditions.metrics.count": 0}),
        (
            {"exists": False, "contains": "calls_handled"},
            {"conditions.metrics.count": 1, "conditions.metrics.has.calls_handled": True},
        ),
    ],
)
def test_regression_exists_false_beside_contains_holds_on_a_fact_without_the_key(
    test: dict[str, Any], fact: Fact
) -> None:
    """Found by the property: ``when_holds`` failed these (durable-rules fired, rightly).

    ``Check.holds`` counted ``contains`` / ``not_contains`` among the operators
    a missing key fails, but they read the list's member keys, which
    ``when_holds`` had already tested; every operator given holds here.
    """
    when: When = WHEN.validate_python({"kind": "bonus-threshold", "conditions.metrics": test})
    fact = {"kind": "bonus-threshold", **fact}
    assert when_holds(when, fact)
    assert not disagreements([when], [fact])


@pytest.mark.parametrize(
    ("key", "test"),
    [
        ("scope.customer_facing", 1),
        ("scope.customer_facing", {"in": [0, 1]}),
        ("scope.headcount", True),
        ("scope.headcount", {"ne": False}),
        ("scope.headcount", "5"),
        ("policy.status", {"gt": 1}),
        ("scope.customer_facing", {"lt": 1}),
    ],
)
def test_the_loader_refuses_a_condition_of_another_type_than_its_key(key: str, test: Any) -> None:
    """What keeps the evaluators equal: no rulebook compares a key with a value of another type."""
    when: When = WHEN.validate_python({key: test})
    assert condition_problems(when, derived=True)


def test_durable_rules_compares_across_types_which_the_loader_keeps_out() -> None:
    """Why the loader refuses such conditions: durable-rules reads true as 1 and "1" as 1."""
    number: When = WHEN.validate_python({"k": 1})
    found = disagreements([number], [{"k": True}, {"k": "1"}, {"k": 1}])
    assert len(found) == 2, found
