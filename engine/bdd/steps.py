"""The step definitions of policy features, grouped Given, When, Then.

HR writes acceptance criteria for the policy library in plain Gherkin::

    Scenario: The pie van lunch ban trades staff rest for phone cover
      Given the policy "breaks/pie-van-lunch-ban"
      When it is evaluated
      Then the verdict is "customer-at-employee-cost"
      And a trade-off conflict is found
      And the best remedy raises the employee impact to at least 0

This module imports pytest-bdd and the engine; the plugin
(``policyweigh.bdd.plugin``) registers it only in a project that uses the steps.
Each step is defined with ``_given``, ``_when`` or ``_then``, which register it
with pytest-bdd and record it in ``REGISTRY`` under the current section; the
first paragraph of its docstring is its description in the README (see
``policyweigh.bdd.vocabulary``). State lives in ``PolicyWorld`` (``policyweigh.bdd.world``),
failure messages in ``policyweigh.bdd.messages``, changes to policies in
``policyweigh.bdd.patching``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import pytest
from pytest_bdd import given, parsers, then, when

from policyweigh.bdd.messages import (
    COMPARISONS,
    KINDS,
    MAIN_SIDES,
    SEVERITIES,
    SIDES,
    VERDICTS,
    assessment_message,
    check_word,
    clip,
    compare,
    comparison_message,
    conflict_line,
    conflict_name,
    conflicts_message,
    contacts_message,
    contribution_line,
    criterion_message,
    fail,
    impact_message,
    range_message,
    reach_message,
    remedy_message,
    scores_summary,
    side_range,
    uncertainty_message,
    verdict_message,
)
from policyweigh.bdd.patching import is_policy_field
from policyweigh.bdd.vocabulary import Keyword, StepRegistry
from policyweigh.bdd.world import PolicyWorld, policy_source
from policyweigh.conflicts import POLICY_FINDINGS, TRADE_OFF_CODES
from policyweigh.formatting import plain
from policyweigh.orchestration import is_unlawful_breach
from policyweigh.results import Conflict, PolicyResult, rule_ref

__all__ = ["REGISTRY", "TYPES", "policy_world"]

REGISTRY = StepRegistry()
"""Every step defined below, for the README's step vocabulary."""

# --------------------------------------------------------------------------- step argument types

_Parsed = TypeVar("_Parsed")
_Step = TypeVar("_Step", bound=Callable[..., Any])


def _typed(pattern: str, convert: Callable[[str], _Parsed]) -> Callable[[str], _Parsed]:
    """A ``parse`` type: ``convert`` applied to text matching ``pattern``."""

    def parse_text(text: str) -> _Parsed:
        return convert(text)

    parse_text.pattern = pattern  # type: ignore[attr-defined]
    return parse_text


def _number(text: str) -> float:
    value = float(text)
    return int(value) if value.is_integer() else value


TYPES: dict[str, Callable[[str], Any]] = {
    "Number": _typed(r"[+-]?\d+(?:\.\d+)?", _number),
    "Comparison": _typed("|".join(COMPARISONS), str),
    # Longest first, so "direct customer" is not read as "customer".
    "Side": _typed("|".join(sorted(SIDES, key=len, reverse=True)), str),
    "MainSide": _typed("|".join(MAIN_SIDES), str),
    "Field": _typed(r"[A-Za-z_][A-Za-z0-9_.]*", str),
    "Word": _typed(r"[A-Za-z][A-Za-z-]*", str),
}

_DECORATORS = {"given": given, "when": when, "then": then}


def _step(keyword: Keyword, pattern: str, target_fixture: str | None) -> Callable[[_Step], _Step]:
    # stacklevel=2: pytest-bdd puts the step's fixture in the module that called the decorator,
    # which is this module, one frame above ``register``.
    decorate = _DECORATORS[keyword](
        parsers.parse(pattern, extra_types=TYPES), target_fixture=target_fixture, stacklevel=2
    )

    def register(function: _Step) -> _Step:
        REGISTRY.add(function, keyword, pattern)
        # pytest-bdd records the step and returns the function unchanged; returning it ourselves keeps
        # the same object for stacked decorators, which the registry groups by.
        decorate(function)
        return function

    return register


def _given(pattern: str, *, target_fixture: str | None = None) -> Callable[[_Step], _Step]:
    return _step("given", pattern, target_fixture)


def _when(pattern: str) -> Callable[[_Step], _Step]:
    return _step("when", pattern, None)


def _then(pattern: str) -> Callable[[_Step], _Step]:
    return _step("then", pattern, None)


@pytest.fixture
def policy_world(request: pytest.FixtureRequest) -> PolicyWorld:
    """The state of a policy scenario; ``Given`` steps replace it."""
    return PolicyWorld(policy_source(request.config))


# --------------------------------------------------------------------------- Given: choosing policies

REGISTRY.section("choose")


@_given('the policy "{name}"', target_fixture="policy_world")
def _(request: pytest.FixtureRequest, name: str) -> PolicyWorld:
    """One policy, by file key (`breaks/pie-van-lunch-ban`) or id; "it" in later steps."""
    world = PolicyWorld(policy_source(request.config))
    loaded = world.find(name)
    world.choose([loaded.id], loaded.id)
    return world


@_given('the policies "{first}" and "{second}"', target_fixture="policy_world")
def _(request: pytest.FixtureRequest, first: str, second: str) -> PolicyWorld:
    """Two policies, evaluated together; "it" is the first."""
    world = PolicyWorld(policy_source(request.config))
    a, b = world.find(first), world.find(second)
    world.choose([a.id, b.id], a.id)
    return world


@_given('the policies in "{folder}"', target_fixture="policy_world")
def _(request: pytest.FixtureRequest, folder: str) -> PolicyWorld:
    """Every policy in a folder of the library, evaluated together; name one to check its verdict."""
    world = PolicyWorld(policy_source(request.config))
    world.choose([p.id for p in world.folder(folder)], None)
    return world


@_given("the policy library", target_fixture="policy_world")
def _(request: pytest.FixtureRequest) -> PolicyWorld:
    """Every policy in the policy folder, evaluated together."""
    world = PolicyWorld(policy_source(request.config))
    world.choose(world.library.ids, None)
    return world


# --------------------------------------------------------------------------- When: evaluating and changing

REGISTRY.section("change")


@_when("it is evaluated")
@_when("they are evaluated")
def _(policy_world: PolicyWorld) -> None:
    """The chosen policies are evaluated together: scores, verdicts, conflicts between them, remedies."""
    policy_world.with_library = False
    policy_world.evaluate()


@_when("it is evaluated with the policy library")
@_when("they are evaluated with the policy library")
def _(policy_world: PolicyWorld) -> None:
    """Conflicts with every other policy in the library as well; only those involving "it" are checked."""
    policy_world.with_library = True
    policy_world.evaluate()


@_when("its {name:Field} is changed to {value}")
@_given("its {name:Field} is changed to {value}")
def _(policy_world: PolicyWorld, name: str, value: str) -> None:
    """A top-level field (`jurisdiction`, `status`...) or the first rule that has the field; dotted
    paths work (`service_level_target.answered_pct`)."""
    policy_world.change("policy" if is_policy_field(name) else None, name, value)


@_when("rule {number:d}'s {name:Field} is changed to {value}")
@_given("rule {number:d}'s {name:Field} is changed to {value}")
def _(policy_world: PolicyWorld, number: int, name: str, value: str) -> None:
    """A field of one rule; rule 1 is the first rule."""
    policy_world.change(number, name, value)


@_when("its scope {name:Field} is changed to {value}")
@_given("its scope {name:Field} is changed to {value}")
def _(policy_world: PolicyWorld, name: str, value: str) -> None:
    """A field of the policy's scope (`teams`, `customer_facing`, `shift_hours`, `shift_starts`...)."""
    policy_world.change("scope", name, value)


@_when("the best remedy is applied")
def _(policy_world: PolicyWorld) -> None:
    """Patches the policy with the best remedy of "the conflict", as the engine scored it; later checks
    evaluate the patched policy."""
    _, remedy = policy_world.best_remedy()
    policy_world.apply(remedy)


@_when('remedy "{code}" is applied')
def _(policy_world: PolicyWorld, code: str) -> None:
    """Patches the policy with a remedy offered for "the conflict" (or any conflict in view); later
    checks evaluate the patched policy."""
    check_word("remedy", code, sorted(policy_world.rulebook.remedies))
    if policy_world.conflict is not None and not policy_world.stale:
        conflicts = [policy_world.conflict]
    else:
        conflicts = policy_world.conflicts()
    for conflict in conflicts:
        for remedy in conflict.remedies:
            if remedy.code == code:
                policy_world.apply(remedy)
                return
    offered = [f"{c.code}: {', '.join(r.code for r in c.remedies) or 'none'}" for c in conflicts]
    raise fail(
        f"no conflict of {policy_world.subject()} offers remedy {code}; remedies offered: "
        + ("; ".join(offered) if offered else "none (no conflicts found)")
    )


# --------------------------------------------------------------------------- Then: verdicts and scores

REGISTRY.section("scores")


def _check_verdict(world: PolicyWorld, policy_id: str | None, verdict: str) -> None:
    check_word("verdict", verdict, VERDICTS)
    result = world.result(policy_id)
    if result.verdict != verdict:
        message = verdict_message(result, verdict)
        if "unlawful" in (verdict, result.verdict):
            # The law, not the scores, decides this verdict: show the legal findings.
            legal = [
                c
                for c in world.current().evaluation.conflicts
                if result.id in c.policies and is_unlawful_breach(c)
            ]
            message += "\n" + conflicts_message(
                "legal findings (an error-level breach makes a policy unlawful):",
                legal,
                label="guardrail conflicts",
            )
            if result.legal:
                message += f"\nlegal: {result.legal}"
        raise fail(message)


@_then('the verdict is "{verdict}"')
def _(policy_world: PolicyWorld, verdict: str) -> None:
    """The verdict of "it"."""
    _check_verdict(policy_world, None, verdict)


@_then('the verdict of "{name}" is "{verdict}"')
def _(policy_world: PolicyWorld, name: str, verdict: str) -> None:
    """The verdict of one of the policies evaluated."""
    _check_verdict(policy_world, policy_world.find(name).id, verdict)


@_then("the {side:Side} impact is {comparison:Comparison} {value:Number}")
def _(policy_world: PolicyWorld, side: str, comparison: str, value: float) -> None:
    """A side's score of "it", from -100 to +100."""
    result = policy_world.result()
    if not compare(getattr(result.scores, SIDES[side]), comparison, value):
        raise fail(impact_message(result, side, comparison, value))


@_then('the {side:Side} impact of "{name}" is {comparison:Comparison} that of "{other}"')
def _(policy_world: PolicyWorld, side: str, name: str, comparison: str, other: str) -> None:
    """Compares a side's score of two policies evaluated together (start with
    `Given the policies "<a>" and "<b>"`): a larger dose, or a rule written another way, shows here."""
    first = policy_world.result(policy_world.find(name).id)
    second = policy_world.result(policy_world.find(other).id)
    key = SIDES[side]
    if not compare(getattr(first.scores, key), comparison, getattr(second.scores, key)):
        raise fail(comparison_message(first, second, side, comparison))


@_then('the criterion "{criterion}" is {comparison:Comparison} {value:Number}')
def _(policy_world: PolicyWorld, criterion: str, comparison: str, value: float) -> None:
    """A criterion's weighted value for "it"."""
    criteria = policy_world.rulebook.criteria_by_id
    check_word("criterion", criterion, list(criteria))
    result = policy_world.result()
    if not compare(result.scores.criteria.get(criterion, 0.0), comparison, value):
        raise fail(criterion_message(result, criterion, comparison, value, criteria[criterion].weight))


def _fired(world: PolicyWorld, code: str) -> tuple[PolicyResult, list[str]]:
    impact_codes = [r.code for r in world.rulebook.impact_rules]
    check_word("impact rule", code, impact_codes)
    result = world.result()
    run = world.current()
    trace = run.traces.get(result.id)
    fired = [f.code for f in trace.firings] if trace is not None else []
    fired += [c.rule for c in result.contributions]
    return result, list(dict.fromkeys(fired))


@_then('rule "{code}" fired')
def _(policy_world: PolicyWorld, code: str) -> None:
    """An impact rule fired for "it" (derived facts included)."""
    result, fired = _fired(policy_world, code)
    if code not in fired:
        shown = ", ".join(sorted(fired)) or "none"
        raise fail(f"expected rule {code} to fire for {result.id}, but it did not; rules that fired: {shown}")


@_then('rule "{code}" did not fire')
def _(policy_world: PolicyWorld, code: str) -> None:
    """An impact rule did not fire for "it"."""
    result, fired = _fired(policy_world, code)
    if code in fired:
        lines = [f"expected rule {code} not to fire for {result.id}, but it did:"]
        lines += [contribution_line(c) for c in result.contributions if c.rule == code] or [f"  {code}"]
        raise fail("\n".join(lines))


@_then('the policy\'s explanation mentions "{text}"')
def _(policy_world: PolicyWorld, text: str) -> None:
    """Some reason in the explanation of "it" contains the text (case-insensitive)."""
    result = policy_world.result()
    if not any(text.lower() in c.reason.lower() for c in result.contributions):
        lines = [f"expected the explanation of {result.id} to mention {text!r}; its reasons:"]
        reasons = {c.rule: c.reason for c in result.contributions}
        lines += [f"  {rule}: {clip(reason)}" for rule, reason in reasons.items()] or [
            "  (no rule contributed)"
        ]
        raise fail("\n".join(lines))


@_then("every policy in the library has a verdict")
def _(policy_world: PolicyWorld) -> None:
    """Every policy of the library was evaluated and has a verdict (start with the policy library)."""
    run = policy_world.current()
    results = {r.id: r for r in run.evaluation.policies}
    missing = [pid for pid in policy_world.library.ids if pid not in results]
    if missing:
        raise fail(
            f"{len(missing)} of {len(policy_world.library)} policies in the library were not evaluated: "
            f"{', '.join(missing)} (start with Given the policy library)"
        )
    wrong = [r for r in results.values() if r.verdict not in VERDICTS]
    if wrong:
        raise fail("policies without a verdict: " + ", ".join(f"{r.id} ({r.verdict!r})" for r in wrong))


@_then('no policy is "{verdict}"')
def _(policy_world: PolicyWorld, verdict: str) -> None:
    """None of the policies evaluated has this verdict; a failure lists each with its worst contribution."""
    check_word("verdict", verdict, VERDICTS)
    found = [r for r in policy_world.current().evaluation.policies if r.verdict == verdict]
    if found:
        lines = [f"expected no policy to be {verdict!r}, found {len(found)}:"]
        for result in found:
            worst = min(result.contributions, key=lambda c: c.delta, default=None)
            why = f"; worst: {contribution_line(worst).strip()}" if worst is not None else ""
            lines.append(f"  {result.id} ({scores_summary(result)}){why}")
        raise fail("\n".join(lines))


# --------------------------------------------------------------------------- Then: ranges, reach, assessment

REGISTRY.section("judgement")


@_then("the {side:MainSide} range is within {low:Number} and {high:Number}")
def _(policy_world: PolicyWorld, side: str, low: float, high: float) -> None:
    """Both ends of the side's range lie between the two numbers: the score with every contribution
    at the low, then the high end of its evidence band (strong evidence a narrow band, practitioner
    figures a wide one)."""
    result = policy_world.result()
    got_low, got_high = side_range(result, side)
    if not (low <= got_low and got_high <= high):
        raise fail(range_message(result, side, low, high))


@_then("the {side:MainSide} impact is uncertain")
def _(policy_world: PolicyWorld, side: str) -> None:
    """The side's range reaches both a gain and a loss beyond the verdict margin: the evidence cannot
    say which way the policy moves it."""
    result = policy_world.result()
    if side not in result.uncertain:
        margin = policy_world.rulebook.scoring.verdicts.margin
        raise fail(uncertainty_message(result, side, margin, expected=True))


@_then("the {side:MainSide} impact is not uncertain")
def _(policy_world: PolicyWorld, side: str) -> None:
    """The side's range stays on one side of the margin (or inside it): the direction is clear."""
    result = policy_world.result()
    if side in result.uncertain:
        margin = policy_world.rulebook.scoring.verdicts.margin
        raise fail(uncertainty_message(result, side, margin, expected=False))


@_then("the reach is {people:d} people")
def _(policy_world: PolicyWorld, people: int) -> None:
    """The number of people the policy covers (`scope.headcount`): a score is the effect on each
    person, the reach is how many there are."""
    result = policy_world.result()
    if result.reach is None or result.reach.employees != people:
        raise fail(reach_message(result, people))


@_then("it touches {comparison:Comparison} {percent:Number}% of customer contacts")
def _(policy_world: PolicyWorld, comparison: str, percent: float) -> None:
    """The share of the scope's customer contacts the policy's rules touch, in percent (a break ban
    touches the contacts in its windows)."""
    result = policy_world.result()
    share = result.reach.contacts_share if result.reach is not None else 0.0
    if not compare(round(100 * share, 6), comparison, percent):
        raise fail(contacts_message(result, comparison, percent))


@_then("the policy has no unassessed rules")
def _(policy_world: PolicyWorld) -> None:
    """Some impact rule recognises every rule of "it", so the scores speak for all of it."""
    result = policy_world.result()
    if result.not_assessed:
        rules = len(policy_world.policy(result.id).rules)
        headline = f"expected every rule of {result.id} to be assessed, {len(result.not_assessed)} are not"
        raise fail(assessment_message(result, headline, rules))


@_then("rule {number:d} is not assessed")
def _(policy_world: PolicyWorld, number: int) -> None:
    """No impact rule recognises rule n of "it" (rule 1 is the first): the scores say nothing about it,
    and the evaluation lists it with why."""
    result = policy_world.result()
    rules = len(policy_world.policy(result.id).rules)
    if not 1 <= number <= rules:
        raise fail(f"{result.id} has {rules} rule{'s' if rules != 1 else ''}; there is no rule {number}")
    wanted = rule_ref(result.id, number - 1)
    if all(entry.rule != wanted for entry in result.not_assessed):
        raise fail(
            assessment_message(result, f"expected rule {number} of {result.id} not to be assessed", rules)
        )


# --------------------------------------------------------------------------- Then: conflicts

REGISTRY.section("conflicts")


def _of_kind(world: PolicyWorld, kind: str) -> list[Conflict]:
    check_word("conflict kind", kind, KINDS)
    return [c for c in world.conflicts() if c.kind == kind]


def _legal_note(world: PolicyWorld) -> str:
    if world.focus is None:
        return ""
    note = world.result().legal
    return f"\nlegal: {note}" if note else ""


@_then("a {kind:Word} conflict is found")
@_then("an {kind:Word} conflict is found")
def _(policy_world: PolicyWorld, kind: str) -> None:
    """A conflict of this kind involves "it" (or any policy evaluated); it becomes "the conflict"."""
    found = _of_kind(policy_world, kind)
    if not found:
        headline = f"expected a {kind} conflict for {policy_world.subject()}, found none"
        message = conflicts_message(headline, policy_world.conflicts())
        raise fail(message + (_legal_note(policy_world) if kind == "guardrail" else ""))
    policy_world.conflict = found[0]


@_then("no {kind:Word} conflict is found")
def _(policy_world: PolicyWorld, kind: str) -> None:
    """No conflict of this kind is in view."""
    found = _of_kind(policy_world, kind)
    if found:
        headline = f"expected no {kind} conflict for {policy_world.subject()}, found {len(found)}"
        raise fail(conflicts_message(headline, found, label=f"{kind} conflicts"))


@_then("no conflict is found")
def _(policy_world: PolicyWorld) -> None:
    """No conflict of any kind is in view."""
    found = policy_world.conflicts()
    if found:
        raise fail(
            conflicts_message(f"expected no conflict for {policy_world.subject()}, found {len(found)}", found)
        )


@_then('a {kind:Word} conflict cites "{text}"')
@_then('an {kind:Word} conflict cites "{text}"')
def _(policy_world: PolicyWorld, kind: str, text: str) -> None:
    """A conflict of this kind whose citation or explanation contains the text; it becomes "the conflict"."""
    found = _of_kind(policy_world, kind)
    needle = text.lower()
    for conflict in found:
        if needle in (conflict.citation or "").lower() or needle in conflict.explanation.lower():
            policy_world.conflict = conflict
            return
    headline = f"expected a {kind} conflict citing {text!r} for {policy_world.subject()}"
    if found:
        message = conflicts_message(headline, found, label=f"{kind} conflicts found")
    else:
        message = conflicts_message(f"{headline}, found no {kind} conflict", policy_world.conflicts())
    raise fail(message + (_legal_note(policy_world) if kind == "guardrail" else ""))


def _known_conflict_codes(world: PolicyWorld) -> list[str]:
    codes = [r.code for r in world.rulebook.conflict_rules] + list(TRADE_OFF_CODES) + list(POLICY_FINDINGS)
    codes += [req.code for pack in world.rulebook.guardrails.values() for req in pack.requirements]
    return codes


@_then('conflict "{code}" is found')
def _(policy_world: PolicyWorld, code: str) -> None:
    """A conflict with this code is in view; it becomes "the conflict"."""
    check_word("conflict code", code, _known_conflict_codes(policy_world))
    for conflict in policy_world.conflicts():
        if conflict.code == code:
            policy_world.conflict = conflict
            return
    headline = f"expected conflict {code} for {policy_world.subject()}, found none"
    raise fail(conflicts_message(headline, policy_world.conflicts()))


@_then('conflict "{code}" is not found')
def _(policy_world: PolicyWorld, code: str) -> None:
    """No conflict with this code is in view."""
    check_word("conflict code", code, _known_conflict_codes(policy_world))
    found = [c for c in policy_world.conflicts() if c.code == code]
    if found:
        headline = f"expected no conflict {code} for {policy_world.subject()}, found {len(found)}"
        raise fail(conflicts_message(headline, found))


@_then('the conflict\'s severity is "{severity}"')
def _(policy_world: PolicyWorld, severity: str) -> None:
    """The severity of "the conflict"."""
    check_word("severity", severity, SEVERITIES)
    conflict = policy_world.the_conflict()
    if conflict.severity != severity:
        raise fail(
            f"expected the severity {severity!r} for conflict {conflict_name(conflict)}, "
            f"got {conflict.severity!r}\n{conflict_line(conflict)}"
        )


@_then('the conflict involves the policy "{name}"')
def _(policy_world: PolicyWorld, name: str) -> None:
    """This policy is among those "the conflict" involves."""
    pid = policy_world.find(name).id
    conflict = policy_world.the_conflict()
    if pid not in conflict.policies:
        raise fail(
            f"expected conflict {conflict_name(conflict)} to involve {pid}, "
            f"it involves {', '.join(conflict.policies)}\n{conflict_line(conflict)}"
        )


# --------------------------------------------------------------------------- Then: remedies

REGISTRY.section("remedies")


@_then('remedy "{code}" is offered')
def _(policy_world: PolicyWorld, code: str) -> None:
    """This remedy is among those "the conflict" offers."""
    check_word("remedy", code, sorted(policy_world.rulebook.remedies))
    conflict = policy_world.the_conflict()
    if not any(r.code == code for r in conflict.remedies):
        raise fail(
            remedy_message(f"expected conflict {conflict_name(conflict)} to offer remedy {code}", conflict)
        )


@_then('the best remedy is "{code}"')
def _(policy_world: PolicyWorld, code: str) -> None:
    """The first remedy of "the conflict" has this code."""
    check_word("remedy", code, sorted(policy_world.rulebook.remedies))
    conflict, remedy = policy_world.best_remedy()
    if remedy.code != code:
        headline = f"expected the best remedy for {conflict_name(conflict)} to be {code}, got {remedy.code}"
        raise fail(remedy_message(headline, conflict))


@_then("the best remedy raises the {side:Side} impact to {comparison:Comparison} {value:Number}")
def _(policy_world: PolicyWorld, side: str, comparison: str, value: float) -> None:
    """The score the best remedy gives its policy, for the `employee` or `customer` side."""
    key = SIDES[side]
    if key not in ("employee", "customer"):
        raise fail(f"remedies report the employee and customer impact only, not the {side} impact")
    conflict, remedy = policy_world.best_remedy()
    actual = remedy.scores_after.employee if key == "employee" else remedy.scores_after.customer
    if not compare(actual, comparison, value):
        headline = (
            f"expected the best remedy for {conflict_name(conflict)} to bring the {side} impact of "
            f"{remedy.patch.policy} to {comparison} {plain(value)}, "
            f"got {plain(actual)} ({remedy.code})"
        )
        raise fail(remedy_message(headline, conflict))


@_then("the best remedy resolves the conflict")
def _(policy_world: PolicyWorld) -> None:
    """Applying the best remedy makes "the conflict" go away."""
    conflict, remedy = policy_world.best_remedy()
    if not remedy.resolves:
        headline = (
            f"expected the best remedy for {conflict_name(conflict)} to resolve it; {remedy.code} does not"
        )
        raise fail(remedy_message(headline, conflict))
