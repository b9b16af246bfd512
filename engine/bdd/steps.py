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

import difflib
import re
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import pytest
from pytest_bdd import given, parsers, then, when

from policyweigh.bdd.messages import (
    COMPARISONS,
    KINDS,
    MAIN_SIDES,
    SEVERITIES,
    SIDES,
    TOP,
    VERDICTS,
    amount_words,
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
    finding_message,
    impact_message,
    law_message,
    outcome_message,
    people_message,
    queue_message,
    range_message,
    reach_message,
    remedy_message,
    scores_summary,
    shift_message,
    side_range,
    uncertainty_message,
    verdict_message,
)
from policyweigh.bdd.patching import Where, is_policy_field
from policyweigh.bdd.vocabulary import (
    AMOUNTS,
    CRITERIA,
    FINDINGS,
    MOVES,
    OUTCOMES,
    PEOPLE,
    REMEDIES,
    WHAT_IFS,
    Keyword,
    StepRegistry,
    country_key,
    filled,
    find_by_words,
    jurisdiction_names,
    what_if,
    words,
)
from policyweigh.bdd.world import PolicyWorld, policy_source
from policyweigh.conflicts import (
    HARM_CUSTOMER,
    HARM_EMPLOYEE,
    POLICY_FINDINGS,
    TRADE_OFF_CODES,
    TRADE_OFF_POLICY,
)
from policyweigh.formatting import plain
from policyweigh.orchestration import is_unlawful_breach
from policyweigh.policy import Policy
from policyweigh.results import (
    Conflict,
    PolicyResult,
    QueueInterval,
    QueueSegment,
    TeamQueue,
    rule_ref,
)
from policyweigh.suggest import did_you_mean

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


def _choices(words: Iterable[str]) -> str:
    """A regular expression matching one of ``words`` exactly, longest first."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


TYPES: dict[str, Callable[[str], Any]] = {
    "Number": _typed(r"[+-]?\d+(?:\.\d+)?", _number),
    "Comparison": _typed("|".join(COMPARISONS), str),
    # Longest first, so "direct customer" is not read as "customer".
    "Side": _typed("|".join(sorted(SIDES, key=len, reverse=True)), str),
    "MainSide": _typed("|".join(MAIN_SIDES), str),
    "Field": _typed(r"[A-Za-z_][A-Za-z0-9_.]*", str),
    "Word": _typed(r"[A-Za-z][A-Za-z-]*", str),
    # The business steps' words, from the tables of policyweigh.bdd.vocabulary; longest first, so
    # "customers directly" is not read as "customers".
    "Outcome": _typed(_choices(OUTCOMES), str),
    "People": _typed(_choices(PEOPLE), str),
    "Change": _typed(_choices(["gain nothing", "lose nothing", "are unaffected", "gain", "lose"]), str),
    "Direction": _typed("gain|lose", str),
    "Amount": _typed(_choices(AMOUNTS), str),
    "Criterion": _typed(_choices(CRITERIA), str),
    "Move": _typed(_choices(MOVES), str),
    "Finding": _typed(_choices(FINDINGS), str),
    "Remedy": _typed(_choices(REMEDIES), str),
    "WhatIf": _typed("|".join(f"(?:{w.regex()})" for w in WHAT_IFS), str),
    "Time": _typed(r"\d{1,2}:\d{2}", str),
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


# --------------------------------------------------------------------------- plain words: helpers
#
# The business steps come first: they are what a feature reads as, and the README lists them first.
# Each one checks what a step further down checks with a code or a field, in words from the tables
# of ``policyweigh.bdd.vocabulary``; the failures say what was expected in the same words.


def _country(world: PolicyWorld, text: str) -> tuple[str, str]:
    """A country named in a step, to its jurisdiction code and its name; an unknown one fails."""
    names = jurisdiction_names({code: pack.title for code, pack in world.rulebook.guardrails.items()})
    found = names.get(country_key(text))
    if found is None:
        known = sorted({name for _, name in names.values()})
        raise fail(
            f"no law of {text!r} is known{did_you_mean(text, known)}; the guardrails know: {', '.join(known)}"
        )
    return found


def _applies_in(world: PolicyWorld, policy_id: str) -> str | None:
    """The country a policy applies in, by name (its jurisdiction code when no pack names it)."""
    code = world.policy(policy_id).jurisdiction
    if code is None:
        return None
    pack = world.rulebook.guardrails.get(code)
    if pack is None:
        return code
    return _country(world, code)[1]


def _breaches(world: PolicyWorld, policy_id: str) -> list[Conflict]:
    return [
        c for c in world.current().evaluation.conflicts if c.kind == "guardrail" and policy_id in c.policies
    ]


def _summaries(world: PolicyWorld) -> dict[str, tuple[str, str]]:
    """Every finding the evaluation can make, by code: (name, summary); impact rules and conflicts."""
    rulebook = world.rulebook
    found = {r.code: (r.name, r.summary) for r in rulebook.impact_rules}
    found |= {r.code: (r.name, r.summary) for r in rulebook.conflict_rules}
    found |= {code: (name, summary) for code, (name, summary) in TRADE_OFF_CODES.items()}
    found |= {code: (info.name, info.summary) for code, info in POLICY_FINDINGS.items()}
    for pack in rulebook.guardrails.values():
        found |= {check.code: (check.name, check.summary) for check in pack.checks}
    return found


def _one_by_words(text: str, summaries: dict[str, tuple[str, str]], what: str) -> str:
    """The one code whose summary holds ``text``; none or several fail, naming the candidates."""
    codes, exact = find_by_words(text, summaries)
    if len(codes) == 1:
        return codes[0]
    if not codes:
        close = difflib.get_close_matches(
            words(text), [words(s) for _, s in summaries.values()], n=3, cutoff=0.4
        )
        hint = "; closest: " + "; ".join(f'"{c}"' for c in close) if close else ""
        raise fail(f"no {what} is worded {text!r}{hint}")
    shown = "\n".join(f"  {clip(summaries[c][1])} [{c}]" for c in codes[:TOP])
    raise fail(f"{len(codes)} {what}s are worded {text!r}: quote more of the one meant\n{shown}")


def _found_codes(world: PolicyWorld) -> list[str]:
    """The findings of the evaluation in view: impact rules that fired for "it", then conflicts in view."""
    codes: list[str] = []
    if world.focus is not None or len(world.selection) == 1:
        result = world.result()
        trace = world.current().traces.get(result.id)
        codes += [f.code for f in trace.firings] if trace is not None else []
        codes += [c.rule for c in result.contributions]
    codes += [c.code for c in world.conflicts()]
    return list(dict.fromkeys(codes))


def _check_finding(world: PolicyWorld, text: str, expected: bool) -> None:
    summaries = _summaries(world)
    code = _one_by_words(text, summaries, "finding")
    found = _found_codes(world)
    if (code in found) != expected:
        shown = [(c, summaries[c][1]) for c in found if c in summaries]
        wanted = f'"{words(summaries[code][1])}" [{code}]'
        raise fail(finding_message(world.subject(), wanted, expected, shown))
    if expected:
        for conflict in world.conflicts():
            if conflict.code == code:
                world.conflict = conflict
                break


def _remedy_code(world: PolicyWorld, text: str) -> str:
    """The remedy a step names by what it does (a phrase of ``REMEDIES`` or words of its summary)."""
    text = REMEDIES.get(text, text)
    summaries = {code: (r.name, r.summary) for code, r in world.rulebook.remedies.items()}
    return _one_by_words(text, summaries, "remedy")


def _points_hold(score: float, direction: str, amount: str, value: float) -> bool:
    """Whether a score is ``gain``/``lose`` ``at least``/``at most``/``more than``/``less than`` so many points."""
    moved = score if direction == "gain" else -score
    return compare(moved, AMOUNTS[amount], value)


_CHANGES: dict[str, Callable[[float], bool]] = {
    "gain": lambda score: score > 0,
    "lose": lambda score: score < 0,
    "gain nothing": lambda score: score <= 0,
    "lose nothing": lambda score: score >= 0,
    "are unaffected": lambda score: score == 0,
}
"""How staff or customers fare, in words, to the test on their score."""


def _main_side(people: str) -> str:
    side = PEOPLE[people]
    if side not in MAIN_SIDES:
        raise fail(f"this step speaks of staff or customers as a whole, not of {people}")
    return side


def _queue_teams(world: PolicyWorld, expected: str) -> tuple[PolicyResult, list[TeamQueue]]:
    result = world.result()
    if result.queue is None or not result.queue.teams:
        raise fail(queue_message(result, expected, []))
    return result, result.queue.teams


def _interval(team: TeamQueue, time: str) -> QueueInterval | None:
    """The interval of a team's day that holds ``time`` (HH:MM): the last one starting at or before it."""
    at = [i for i in team.intervals if i.start <= time.zfill(5)]
    return at[-1] if at else None


def _segments(world: PolicyWorld, shift: str) -> tuple[PolicyResult, list[QueueSegment]]:
    result = world.result()
    segments = [s for team in (result.queue.teams if result.queue else []) for s in team.segments]
    chosen = [s for s in segments if s.shift == shift]
    if not chosen:
        known = sorted({s.shift for s in segments})
        raise fail(
            f"{result.id} has no {shift!r} shift{did_you_mean(shift, known)}; "
            f"its shift patterns: {', '.join(known) or 'none (no organisation file describes its teams)'}"
        )
    return result, chosen


# --------------------------------------------------------------------------- plain words: the law

REGISTRY.section("plain-law")


@_when("the policy applies in {country}")
@_given("the policy applies in {country}")
def _(policy_world: PolicyWorld, country: str) -> None:
    """The policy is judged under the law of this country or state (its jurisdiction).

    Example: `When the policy applies in France`
    """
    code, _ = _country(policy_world, country)
    policy_world.change("policy", "jurisdiction", code)


@_when("the policy names no country")
@_given("the policy names no country")
def _(policy_world: PolicyWorld) -> None:
    """The policy names no jurisdiction, so no law is checked and no legal verdict is given.

    Example: `When the policy names no country`
    """
    policy_world.change("policy", "jurisdiction", "null")


def _check_law(world: PolicyWorld, country: str, *, lawful: bool) -> None:
    _, name = _country(world, country)
    result = world.result()
    applies_in = _applies_in(world, result.id)
    breaches = _breaches(world, result.id)
    holds = (not breaches) if lawful else result.verdict == "unlawful"
    if applies_in != name or not holds:
        raise fail(law_message(result, "lawful" if lawful else "unlawful", name, applies_in, breaches))


@_then("the policy is unlawful in {country}")
def _(policy_world: PolicyWorld, country: str) -> None:
    """The policy applies in this country and breaks its law: unlawful, whatever its scores.

    Example: `Then the policy is unlawful in Germany`
    """
    _check_law(policy_world, country, lawful=False)


@_then("the policy is lawful in {country}")
def _(policy_world: PolicyWorld, country: str) -> None:
    """The policy applies in this country and breaks none of its law the guardrails check.

    Example: `Then the policy is lawful in the United Kingdom`
    """
    _check_law(policy_world, country, lawful=True)


@_then("the policy breaks the law")
def _(policy_world: PolicyWorld) -> None:
    """The law of the policy's country finds a breach; it becomes "the conflict".

    Example: `Then the policy breaks the law`
    """
    result = policy_world.result()
    breaches = _breaches(policy_world, result.id)
    if not breaches:
        applies_in = _applies_in(policy_world, result.id) or "no country"
        raise fail(law_message(result, "unlawful", applies_in, applies_in, breaches))
    policy_world.conflict = breaches[0]


@_then('the policy breaks the law, citing "{text}"')
def _(policy_world: PolicyWorld, text: str) -> None:
    """A breach whose article or explanation holds the text; it becomes "the conflict".

    Example: `Then the policy breaks the law, citing "Arbeitszeitgesetz (ArbZG), section 4"`
    """
    result = policy_world.result()
    breaches = _breaches(policy_world, result.id)
    for breach in breaches:
        if words(text) in words(breach.citation or "") or words(text) in words(breach.explanation):
            policy_world.conflict = breach
            return
    headline = f"expected {result.id} to break the law, citing {text!r}"
    raise fail(conflicts_message(headline, breaches, label="legal findings") + _legal_note(policy_world))


@_then("the policy breaks no law")
def _(policy_world: PolicyWorld) -> None:
    """No law the guardrails check for the policy's country finds a breach (none without a country).

    Example: `Then the policy breaks no law`
    """
    result = policy_world.result()
    breaches = _breaches(policy_world, result.id)
    if breaches:
        applies_in = _applies_in(policy_world, result.id) or "no country"
        raise fail(law_message(result, "lawful", applies_in, applies_in, breaches))


@_then("no legal verdict is given")
def _(policy_world: PolicyWorld) -> None:
    """The policy names no country, so no law is checked.

    Example: `Then no legal verdict is given`
    """
    result = policy_world.result()
    applies_in = _applies_in(policy_world, result.id)
    breaches = _breaches(policy_world, result.id)
    if applies_in is not None or breaches:
        raise fail(
            conflicts_message(
                f"expected no legal verdict for {result.id}; it applies in {applies_in or 'no country'}",
                breaches,
                label="legal findings",
            )
        )


# --------------------------------------------------------------------------- plain words: outcomes

REGISTRY.section("plain-outcomes")

_PHRASE_OF = {verdict: phrase for phrase, verdict in OUTCOMES.items()}


def _check_outcome(world: PolicyWorld, policy_id: str | None, outcome: str) -> None:
    result = world.result(policy_id)
    if result.verdict != OUTCOMES[outcome]:
        message = outcome_message(result, outcome, _PHRASE_OF[result.verdict])
        if "unlawful" in (result.verdict, OUTCOMES[outcome]):
            breaches = _breaches(world, result.id)
            message += "\n" + conflicts_message("the law:", breaches, label="legal findings")
        raise fail(message)


@_then("the policy {outcome:Outcome}")
def _(policy_world: PolicyWorld, outcome: str) -> None:
    """The outcome of "it" for staff and customers together (the verdict, in words).

    Example: `Then the policy helps customers at staff's cost`
    """
    _check_outcome(policy_world, None, outcome)


@_then('the policy "{name}" {outcome:Outcome}')
def _(policy_world: PolicyWorld, name: str, outcome: str) -> None:
    """The outcome of one of the policies evaluated.

    Example: `Then the policy "breaks/staggered-lunch" is a win-win`
    """
    _check_outcome(policy_world, policy_world.find(name).id, outcome)


@_then("no policy {outcome:Outcome}")
def _(policy_world: PolicyWorld, outcome: str) -> None:
    """None of the policies evaluated has this outcome; a failure lists each with its worst contribution.

    Example: `Then no policy is a lose-lose`
    """
    found = [r for r in policy_world.current().evaluation.policies if r.verdict == OUTCOMES[outcome]]
    if found:
        lines = [f"expected no policy that {outcome.removeprefix('is ')}, found {len(found)}:"]
        for result in found:
            worst = min(result.contributions, key=lambda c: c.delta, default=None)
            why = f"; worst: {contribution_line(worst).strip()}" if worst is not None else ""
            lines.append(f"  {result.id} ({scores_summary(result)}){why}")
        raise fail("\n".join(lines))


@_then("{people:People} {change:Change}")
def _(policy_world: PolicyWorld, people: str, change: str) -> None:
    """How staff or customers fare under "it": `gain` or `lose` (any amount), `gain nothing`,
    `lose nothing`, `are unaffected`.

    Example: `Then customers directly are unaffected`
    """
    result = policy_world.result()
    side = PEOPLE[people]
    if not _CHANGES[change](getattr(result.scores, SIDES[side])):
        raise fail(people_message(result, people, side, change.replace("are ", "be ")))


@_then("{people:People} {direction:Direction} {amount:Amount} {value:Number} points")
def _(policy_world: PolicyWorld, people: str, direction: str, amount: str, value: float) -> None:
    """How much staff or customers gain or lose under "it", in points from -100 to +100.

    Example: `Then staff lose at least 60 points`
    """
    result = policy_world.result()
    side = PEOPLE[people]
    if not _points_hold(getattr(result.scores, SIDES[side]), direction, amount, value):
        raise fail(people_message(result, people, side, f"{direction} {amount} {plain(value)} points"))


def _check_better(
    world: PolicyWorld, name: str, people: str, other: str, comparison: str, words_: str
) -> None:
    first = world.result(world.find(name).id)
    second = world.result(world.find(other).id)
    side = PEOPLE[people]
    key = SIDES[side]
    if not compare(getattr(first.scores, key), comparison, getattr(second.scores, key)):
        message = comparison_message(first, second, side, comparison)
        raise fail(f"expected {first.id} to be {words_} for {people} than {second.id}\n{message}")


@_then('"{name}" is better for {people:People} than "{other}"')
def _(policy_world: PolicyWorld, name: str, people: str, other: str) -> None:
    """Of two policies evaluated together, the first does more for staff or customers.

    Example: `Then "breaks/staggered-lunch" is better for staff than "breaks/pie-van-lunch-ban"`
    """
    _check_better(policy_world, name, people, other, "above", "better")


@_then('"{name}" is at least as good for {people:People} as "{other}"')
def _(policy_world: PolicyWorld, name: str, people: str, other: str) -> None:
    """Of two policies evaluated together, the first does no less for staff or customers.

    Example: `Then "breaks/staggered-lunch" is at least as good for customers as "breaks/pie-van-lunch-ban"`
    """
    _check_better(policy_world, name, people, other, "at least", "at least as good")


@_then('"{name}" is worse for {people:People} than "{other}"')
def _(policy_world: PolicyWorld, name: str, people: str, other: str) -> None:
    """Of two policies evaluated together, the first does less for staff or customers.

    Example: `Then "breaks/core-hours-break-ban-berlin" is worse for staff than "breaks/pie-van-lunch-ban"`
    """
    _check_better(policy_world, name, people, other, "below", "worse")


@_then("{criterion:Criterion} {move:Move}")
def _(policy_world: PolicyWorld, criterion: str, move: str) -> None:
    """A criterion of "it" by name: `improves`, `suffers` or `is unchanged` (its weighted value
    above, below or at 0).

    Example: `Then staff's autonomy suffers`
    """
    _check_criterion(policy_world, CRITERIA[criterion], MOVES[move], 0)


@_then("{criterion:Criterion} {move:Move} by at least {value:Number} points")
def _(policy_world: PolicyWorld, criterion: str, move: str, value: float) -> None:
    """A criterion of "it" by name moves at least so many weighted points, up (`improves`) or down
    (`suffers`).

    Example: `Then staff's wellbeing suffers by at least 5 points`
    """
    if move == "is unchanged":
        raise fail(f'"{criterion} is unchanged by at least ..." says nothing: use improves or suffers')
    if move == "improves":
        _check_criterion(policy_world, CRITERIA[criterion], "at least", value)
    else:
        _check_criterion(policy_world, CRITERIA[criterion], "at most", -value)


@_then("the evidence is clear for {people:People}")
def _(policy_world: PolicyWorld, people: str) -> None:
    """The range of "it" for staff or customers stays on one side of the margin: the direction is clear.

    Example: `Then the evidence is clear for staff`
    """
    side = _main_side(people)
    result = policy_world.result()
    if side in result.uncertain:
        margin = policy_world.rulebook.scoring.verdicts.margin
        raise fail(uncertainty_message(result, side, margin, expected=False))


@_then("the evidence cannot tell whether {people:People} gain or lose")
def _(policy_world: PolicyWorld, people: str) -> None:
    """The range of "it" for staff or customers reaches both a gain and a loss beyond the margin.

    Example: `Then the evidence cannot tell whether customers gain or lose`
    """
    side = _main_side(people)
    result = policy_world.result()
    if side not in result.uncertain:
        margin = policy_world.rulebook.scoring.verdicts.margin
        raise fail(uncertainty_message(result, side, margin, expected=True))


@_then("the evidence puts {people:People} between {low:Number} and {high:Number} points")
def _(policy_world: PolicyWorld, people: str, low: float, high: float) -> None:
    """Both ends of the range of "it" for staff or customers lie between the two numbers.

    Example: `Then the evidence puts customers between 0 and 15 points`
    """
    side = _main_side(people)
    result = policy_world.result()
    got_low, got_high = side_range(result, side)
    if not (low <= got_low and got_high <= high):
        raise fail(range_message(result, side, low, high))


# --------------------------------------------------------------------------- plain words: findings

REGISTRY.section("plain-findings")


@_then('the evaluation finds "{text}"')
def _(policy_world: PolicyWorld, text: str) -> None:
    """A finding named by the words of its summary in the rulebook: an effect the evaluation
    recognises in "it", or a conflict in view (which becomes "the conflict").

    Example: `Then the evaluation finds "banning breaks in a window takes away the choice of when to rest"`
    """
    _check_finding(policy_world, text, True)


@_then('the evaluation does not find "{text}"')
def _(policy_world: PolicyWorld, text: str) -> None:
    """A finding named by the words of its summary is not made.

    Example: `Then the evaluation does not find "staggered breaks let everyone rest"`
    """
    _check_finding(policy_world, text, False)


@_then("{finding:Finding}")
def _(policy_world: PolicyWorld, finding: str) -> None:
    """A finding with a phrase of its own (listed below), as `the evaluation finds` checks it.

    Example: `Then staff lose their lunch break at the peak`
    """
    text, expected = FINDINGS[finding]
    _check_finding(policy_world, text, expected)


def _check_code(world: PolicyWorld, code: str, expected: bool, wording: str) -> None:
    found = [c for c in world.conflicts() if c.code == code]
    if bool(found) != expected:
        verb = "to find" if expected else "not to find"
        headline = f"expected the evaluation of {world.subject()} {verb} {wording} [{code}]"
        raise fail(conflicts_message(headline, world.conflicts() if expected else found))
    if found:
        world.conflict = found[0]


@_then("a trade-off is found between staff and customers")
def _(policy_world: PolicyWorld) -> None:
    """ "It" raises one side beyond the margin and lowers the other; it becomes "the conflict".

    Example: `Then a trade-off is found between staff and customers`
    """
    _check_code(policy_world, TRADE_OFF_POLICY, True, "a trade-off between staff and customers")


@_then("no trade-off is found between staff and customers")
def _(policy_world: PolicyWorld) -> None:
    """ "It" does not buy one side's gain with the other's loss.

    Example: `Then no trade-off is found between staff and customers`
    """
    _check_code(policy_world, TRADE_OFF_POLICY, False, "a trade-off between staff and customers")


@_then("the harm to {people:People} fails the gate")
def _(policy_world: PolicyWorld, people: str) -> None:
    """Staff or customers lose so much that `policyweigh check` fails; it becomes "the conflict".

    Example: `Then the harm to staff fails the gate`
    """
    code = HARM_EMPLOYEE if _main_side(people) == "employee" else HARM_CUSTOMER
    _check_code(policy_world, code, True, f"harm to {people} that fails the gate")


@_then("the harm to {people:People} does not fail the gate")
def _(policy_world: PolicyWorld, people: str) -> None:
    """Whatever staff or customers lose, it is not enough to fail `policyweigh check`.

    Example: `Then the harm to customers does not fail the gate`
    """
    code = HARM_EMPLOYEE if _main_side(people) == "employee" else HARM_CUSTOMER
    _check_code(policy_world, code, False, f"harm to {people} that fails the gate")


@_then("the conflict fails the gate")
def _(policy_world: PolicyWorld) -> None:
    """ "The conflict" is an error: `policyweigh check` fails on it by default.

    Example: `Then the conflict fails the gate`
    """
    _check_severity(policy_world, "error")


@_then("the conflict is a warning")
def _(policy_world: PolicyWorld) -> None:
    """ "The conflict" is a warning: reported, but `policyweigh check` passes by default.

    Example: `Then the conflict is a warning`
    """
    _check_severity(policy_world, "warning")


# --------------------------------------------------------------------------- plain words: remedies and changes

REGISTRY.section("plain-changes")


@_when("{change:WhatIf}")
@_given("{change:WhatIf}")
def _(policy_world: PolicyWorld, change: str) -> None:
    """A change to "it" in words (the phrases are listed below); later checks evaluate it again.

    Example: `When the lunch ban is lifted`
    """
    entry, values = what_if(change)
    policy = policy_world.policy(policy_world.focused())
    for where, name, value in entry.changes:
        # A rule picked by its fields (the lunch, not the rest break) is changed by its number.
        part: Where = _rule_with(policy, where) if isinstance(where, dict) else where
        policy_world.change(part, name, filled(value, values))
        policy = policy_world.policy(policy_world.focused())


def _rule_with(policy: Policy, fields: dict[str, str]) -> int:
    """The number (1 is the first) of the first rule of ``policy`` whose fields have these values."""
    for index, rule in enumerate(policy.rules):
        data = rule.model_dump(by_alias=True)
        if all(str(data.get(key)) == value for key, value in fields.items()):
            return index + 1
    wanted = ", ".join(f"{key} {value}" for key, value in fields.items())
    raise fail(f"{policy.id} has no rule with {wanted}")


def _plain_conflict(conflict: Conflict) -> str:
    """A conflict in a plain message: its kind and the policies, the code small beside them."""
    return f"the {conflict.kind} of {' and '.join(conflict.policies)} [{conflict.code}]"


def _apply_by_words(world: PolicyWorld, text: str) -> None:
    code = _remedy_code(world, text)
    # "The conflict" when a step named one, else every conflict in view (as `remedy "<code>" is applied`).
    pinned = world.conflict is not None and not world.stale
    conflicts = [world.conflict] if pinned and world.conflict is not None else world.conflicts()
    for conflict in conflicts:
        for remedy in conflict.remedies:
            if remedy.code == code:
                world.apply(remedy)
                return
    offered = [f"  {clip(r.summary)} [{r.code}]" for c in conflicts for r in c.remedies] or ["  none"]
    summary = world.rulebook.remedies[code].summary
    raise fail(
        "\n".join(
            [
                f"no conflict of {world.subject()} offers the remedy {words(summary)!r} [{code}]; offered:",
                *offered,
            ]
        )
    )


@_when("{remedy:Remedy}")
def _(policy_world: PolicyWorld, remedy: str) -> None:
    """A remedy with a phrase of its own (listed below) is applied to "the conflict"'s policy.

    Example: `When the team is left to organise its own lunch cover`
    """
    _apply_by_words(policy_world, remedy)


@_when('the remedy "{text}" is applied')
def _(policy_world: PolicyWorld, text: str) -> None:
    """A remedy offered for "the conflict" (or any conflict in view), named by the words of its summary,
    is applied; later checks evaluate the changed policy.

    Example: `When the remedy "replace public reprimands with private one-to-one coaching" is applied`
    """
    _apply_by_words(policy_world, text)


@_then('one remedy is to "{text}"')
def _(policy_world: PolicyWorld, text: str) -> None:
    """A remedy "the conflict" offers, named by the words of its summary.

    Example: `Then one remedy is to "let them organise their own break cover"`
    """
    code = _remedy_code(policy_world, text)
    conflict = policy_world.the_conflict()
    if not any(r.code == code for r in conflict.remedies):
        summary = words(policy_world.rulebook.remedies[code].summary)
        raise fail(
            remedy_message(
                f"expected the conflict {conflict_name(conflict)} to offer {summary!r} [{code}]", conflict
            )
        )


@_then('the best remedy is to "{text}"')
def _(policy_world: PolicyWorld, text: str) -> None:
    """The remedy of "the conflict" the engine ranks first, named by the words of its summary.

    Example: `Then the best remedy is to "stagger breaks in small groups instead of banning them"`
    """
    code = _remedy_code(policy_world, text)
    conflict, remedy = policy_world.best_remedy()
    if remedy.code != code:
        summary = words(policy_world.rulebook.remedies[code].summary)
        headline = (
            f"expected the best remedy for {_plain_conflict(conflict)} to be {summary!r} [{code}], "
            f"got {words(remedy.summary)!r} [{remedy.code}]"
        )
        raise fail(remedy_message(headline, conflict))


def _after_best(world: PolicyWorld, people: str, test: Callable[[float], bool], expected: str) -> None:
    side = _main_side(people)
    conflict, remedy = world.best_remedy()
    after = remedy.scores_after.employee if side == "employee" else remedy.scores_after.customer
    if not test(after):
        headline = (
            f"expected {people} to {expected} after the best remedy for {_plain_conflict(conflict)} "
            f"({words(remedy.summary)!r} [{remedy.code}]); they {amount_words(after)}"
        )
        raise fail(remedy_message(headline, conflict))


@_then("after the best remedy {people:People} {change:Change}")
def _(policy_world: PolicyWorld, people: str, change: str) -> None:
    """How staff or customers fare once the best remedy of "the conflict" is applied, as the engine
    scored it.

    Example: `Then after the best remedy staff lose nothing`
    """
    _after_best(policy_world, people, _CHANGES[change], change.replace("are ", "be "))


@_then("after the best remedy {people:People} {direction:Direction} {amount:Amount} {value:Number} points")
def _(policy_world: PolicyWorld, people: str, direction: str, amount: str, value: float) -> None:
    """How much staff or customers gain or lose once the best remedy of "the conflict" is applied.

    Example: `Then after the best remedy staff gain at least 20 points`
    """
    _after_best(
        policy_world,
        people,
        lambda score: _points_hold(score, direction, amount, value),
        f"{direction} {amount} {plain(value)} points",
    )


# --------------------------------------------------------------------------- plain words: the queue

REGISTRY.section("plain-queue")


def _check_interval(world: PolicyWorld, time: str, percent: float, *, falls: bool) -> None:
    expected = f"the service level at {time} to {'fall below' if falls else 'rise above'} {plain(percent)}%"
    result, teams = _queue_teams(world, expected)
    bound = percent / 100
    rows, holds = [], True
    for team in teams:
        interval = _interval(team, time)
        if interval is None:
            holds = False
            continue
        before, after = interval.service_level_before, interval.service_level_after
        rows.append((f"{team.name} at {interval.start}", before, after))
        ok = (before >= bound > after) if falls else (before <= bound < after)
        holds = holds and ok
    if not holds or not rows:
        raise fail(queue_message(result, expected, rows))


@_then("the service level at {time:Time} falls below {percent:Number}%")
def _(policy_world: PolicyWorld, time: str, percent: float) -> None:
    """On the queue of each team of "it" (from the organisation file), the share of calls answered in
    time in the interval holding this time was at least the percentage and falls below it.

    Example: `Then the service level at 12:00 falls below 80%`
    """
    _check_interval(policy_world, time, percent, falls=True)


@_then("the service level at {time:Time} rises above {percent:Number}%")
def _(policy_world: PolicyWorld, time: str, percent: float) -> None:
    """On the queue of each team of "it", the service level in the interval holding this time was at
    most the percentage and rises above it.

    Example: `Then the service level at 11:00 rises above 90%`
    """
    _check_interval(policy_world, time, percent, falls=False)


def _check_waits(world: PolicyWorld, seconds: int, *, more: bool) -> None:
    expected = f"customers to wait longer than {seconds} seconds {'more' if more else 'less'} often"
    result, teams = _queue_teams(world, expected)
    other = [t for t in teams if t.within_seconds != seconds]
    if other:
        targets = ", ".join(
            f"{t.name} counts calls answered within {t.within_seconds} seconds" for t in other
        )
        raise fail(f"cannot check waits of {seconds} seconds for {result.id}: {targets}")
    rows = [(t.name, t.service_level_before, t.service_level_after) for t in teams]
    if not all((after < before) if more else (after > before) for _, before, after in rows):
        raise fail(queue_message(result, expected + " (the day's service level, before -> after)", rows))


@_then("customers wait longer than {seconds:d} seconds more often")
def _(policy_world: PolicyWorld, seconds: int) -> None:
    """The day's service level (calls answered within the team's target time) falls on the queue of
    each team of "it"; the seconds are the teams' target time.

    Example: `Then customers wait longer than 20 seconds more often`
    """
    _check_waits(policy_world, seconds, more=True)


@_then("customers wait longer than {seconds:d} seconds less often")
def _(policy_world: PolicyWorld, seconds: int) -> None:
    """The day's service level rises on the queue of each team of "it".

    Example: `Then customers wait longer than 20 seconds less often`
    """
    _check_waits(policy_world, seconds, more=False)


@_then("the {shift:Word} shift loses its lunch")
def _(policy_world: PolicyWorld, shift: str) -> None:
    """A shift pattern of this name takes a lunch today and finds no slot for it under "it".

    Example: `Then the early shift loses its lunch`
    """
    result, segments = _segments(policy_world, shift)
    if not any(s.lunch_lost for s in segments):
        raise fail(shift_message(result, shift, "lose its lunch"))


@_then("the {shift:Word} shift keeps its lunch")
def _(policy_world: PolicyWorld, shift: str) -> None:
    """No shift pattern of this name loses its lunch under "it".

    Example: `Then the late shift keeps its lunch`
    """
    result, segments = _segments(policy_world, shift)
    if any(s.lunch_lost for s in segments):
        raise fail(shift_message(result, shift, "keep its lunch"))


@_then("the {shift:Word} shift bears most of the cost")
def _(policy_world: PolicyWorld, shift: str) -> None:
    """Of every shift pattern of "it", one of this name carries the most of its cost (a lost lunch,
    a late one, busier hours).

    Example: `Then the early shift bears most of the cost`
    """
    result, _ = _segments(policy_world, shift)
    segments = [s for team in (result.queue.teams if result.queue else []) for s in team.segments]
    worst = max(segments, key=lambda s: s.harm)
    if worst.harm <= 0 or worst.shift != shift:
        raise fail(shift_message(result, shift, "bear most of the cost"))


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
    _check_criterion(policy_world, criterion, comparison, value)


def _check_criterion(world: PolicyWorld, criterion: str, comparison: str, value: float) -> None:
    criteria = world.rulebook.criteria_by_id
    check_word("criterion", criterion, list(criteria))
    result = world.result()
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
    _check_severity(policy_world, severity)


def _check_severity(world: PolicyWorld, severity: str) -> None:
    check_word("severity", severity, SEVERITIES)
    conflict = world.the_conflict()
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
