"""The leadership report's view of an evaluation, shared by the HTML and Markdown renderers.

It orders and groups what the evaluation already holds: policies ranked best
first by the worse side (``policyweigh.scoring.rank_key``, unlawful last),
conflicts grouped by kind, and per policy its verdict in plain words, each
score with its range, its reach, the notes on uncertain sides and unlawful
verdicts, the rules it did not assess, its contributions with dose and
evidence strength, its derivation, the evidence cited with full citations,
the remedies that patch it with their score change, and what it does to its
teams' queues (the day's numbers, the cost of decency, who bears it); and, when the report asks
for them, its what-if curves (a policy's scores, verdict, legal status and service level at every
value of one field, and where it is balanced). The wording of these
pieces lives here, so text, Markdown and HTML say the same thing. Every list
is sorted, so the same evaluation always renders to the same bytes.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from policyweigh import remedies as remedy_ranking
from policyweigh.conflicts import sort_conflicts
from policyweigh.evaluation import EvaluationRun
from policyweigh.explain import Derivation, derive
from policyweigh.formatting import format_value, points, signed
from policyweigh.labels import criterion_label, field_label, field_words, rule_label
from policyweigh.patching import added_rule_words, changed_fields
from policyweigh.policy import Policy
from policyweigh.results import (
    SEVERITY_RANK,
    VERDICTS,
    Conflict,
    ConflictRef,
    CostOfDecency,
    Patch,
    PolicyResult,
    QueueImpact,
    QueueInterval,
    Reach,
    RemedyResult,
    Replacement,
    TeamQueue,
)
from policyweigh.rulebook import DATA_DIR, Evidence
from policyweigh.rulebook.models import Mechanism
from policyweigh.scoring import rank_key, verdict
from policyweigh.whatif import PointResult, SweepRun, balanced_sentence, show_value

__all__ = [
    "KINDS",
    "KIND_DESCRIPTIONS",
    "KIND_TITLES",
    "RANKING",
    "VERDICTS",
    "VERDICT_TITLES",
    "ConflictView",
    "DecisionGroup",
    "DecisionLine",
    "Finding",
    "Impact",
    "KindGroup",
    "PolicyView",
    "Option",
    "QueueView",
    "RemedyView",
    "ReplacementView",
    "ReportView",
    "TeamQueueView",
    "WhatIfPoint",
    "WhatIfView",
    "alternatives_text",
    "cost_headline",
    "best_remedy",
    "build_view",
    "decision_groups",
    "plain_refs",
    "dose_text",
    "findings",
    "options",
    "patch_changes",
    "patched_rule",
    "queue_view",
    "remedy_target",
    "rank_key",
    "reach_text",
    "replaced_by_text",
    "replacement_view",
    "rule_words",
    "score_text",
    "sentence",
    "span_text",
    "strength_text",
    "uncertain_notes",
    "unlawful_note",
    "verdict_title",
    "what_if_view",
]

VERDICT_TITLES = {
    "win-win": "Better for staff and customers",
    "employee-gain": "Better for staff, neutral for customers",
    "customer-gain": "Better for customers, neutral for staff",
    "neutral": "Neutral for staff and customers",
    "employee-loss": "Worse for staff, neutral for customers",
    "customer-loss": "Worse for customers, neutral for staff",
    "customer-at-employee-cost": "Better for customers, worse for staff",
    "employee-at-customer-cost": "Better for staff, worse for customers",
    "lose-lose": "Worse for staff and customers",
    "unlawful": "Unlawful, whatever the scores",
}
"""A plain title for every verdict (``policyweigh.results.VERDICTS``), saying what happened on each side."""
SEVERITIES = ("error", "warning", "info")
# Most serious kind first: a broken legal floor matters before harm, harm before a clash of rules,
# and a trade-off (one side pays for the other, on purpose) last.
KINDS = ("guardrail", "harm", "contradiction", "incentive", "duplicate", "implausible", "trade-off")
KIND_TITLES = {
    "guardrail": "Guardrails",
    "harm": "Harm",
    "contradiction": "Contradictions",
    "incentive": "Incentive conflicts",
    "duplicate": "Duplicates",
    "implausible": "Implausible values",
    "trade-off": "Trade-offs",
}
KIND_DESCRIPTIONS = {
    "guardrail": "A legal or organisational floor is broken.",
    "harm": "A policy harms staff or customers beyond the bound the gate allows, or breaks the law.",
    "contradiction": "Two rules that cannot both hold, or pull against each other.",
    "incentive": "Pay rewards a metric that works against another declared goal.",
    "duplicate": "The same rule written more than once in a policy: it counts once.",
    "implausible": "A value no real policy sets for its field: the judgement of it is flagged, not trusted.",
    "trade-off": "One side gains while the other loses, inside one policy.",
}
RANKING = (
    "Ranked best first by the worse of the two scores, then the better one, then id, so severe harm "
    "to one side is never offset by a gain on the other; unlawful policies come last."
)


def verdict_title(name: str) -> str:
    """The plain title of a verdict; an unknown verdict (an organisation's own) reads as its name."""
    return VERDICT_TITLES.get(name, name)


def span_text(span: tuple[int, int] | None) -> str:
    """A side's range as ``-57..-34`` (empty when there is none)."""
    if span is None:
        return ""
    return f"{signed(span[0])}..{signed(span[1])}"


def score_text(result: PolicyResult, side: str) -> str:
    """A side's score with its range: ``-46 (-57..-34)``; the bare score when there is no range."""
    value = getattr(result.scores, side)
    span = getattr(result.ranges, side) if result.ranges is not None else None
    return signed(value) + (f" ({span_text(span)})" if span is not None else "")


def _people(count: int) -> str:
    return f"{count:,} {'person' if count == 1 else 'people'}"


def _share(share: float) -> str:
    return f"{round(100 * share, 1):g}%"


def reach_text(reach: Reach | None) -> str:
    """Who and how much a policy touches: ``40 people, 25% of contacts``."""
    if reach is None:
        return "not known"
    who = _people(reach.employees) if reach.employees is not None else "headcount not given"
    return f"{who}, {_share(reach.contacts_share)} of contacts"


def uncertain_notes(result: PolicyResult, margin: float, pm: str = "±") -> list[str]:
    """One sentence per side whose range spans both a gain and a loss beyond the margin."""
    out = []
    for side in result.uncertain:
        span = getattr(result.ranges, side, None) if result.ranges is not None else None
        shown = f" ({span_text(span)})" if span is not None else ""
        out.append(
            f"Uncertain: the {side} range{shown} spans both gain and loss beyond {pm}{margin:g}; "
            "the evidence does not settle which way it goes."
        )
    return out


def unlawful_note(result: PolicyResult, margin: float) -> str | None:
    """For an unlawful policy: what its scores alone would have said."""
    if result.verdict != "unlawful":
        return None
    by_scores = verdict(result.scores.employee, result.scores.customer, margin)
    title = verdict_title(by_scores)
    return (
        "Unlawful: it breaches the law of its jurisdiction at error level, whatever its scores "
        f"(by the scores alone: {title[0].lower() + title[1:]})."
    )


def dose_text(base: int, dose: float, delta: float) -> str:
    """A contribution's points: ``-2 x1.85 = -3.7`` when its dose is not 1, else ``-3.7``."""
    if base and abs(dose - 1) > 1e-9:
        return f"{signed(base)} x{round(dose, 2):g} = {points(delta)}"
    return points(delta)


def strength_text(strength: str | None, band: float, pm: str = "±") -> str:
    """The strength of a contribution's evidence and its band: ``moderate evidence, ±40%``."""
    what = f"{strength} evidence" if strength else "no evidence cited"
    return f"{what}, {pm}{round(100 * band):g}%"


@dataclass(frozen=True)
class Impact:
    """What one firing does to one criterion: the rule's points, the dose, the delta."""

    criterion: str
    base: int
    dose: float
    delta: float

    @property
    def text(self) -> str:
        """``-2 x1.85 = -3.7``, or the delta alone at a dose of 1."""
        return dose_text(self.base, self.dose, self.delta)


@dataclass(frozen=True)
class Finding:
    """The contributions of one rule firing: one reason, one or more criteria moved."""

    rule: str
    name: str
    target: str
    """The policy rule it matched, as `rules[i]`, or `derived` for a chained rule."""
    reason: str
    impacts: list[Impact]
    evidence: list[str]
    chain: list[str]
    strength: str | None = None
    band: float = 0.0
    mechanism: Mechanism | None = None
    """The mechanism its customer impacts reach customers through (indirect), if any."""
    mechanism_id: str | None = None

    @property
    def strength_text(self) -> str:
        """``moderate evidence, ±40%``."""
        return strength_text(self.strength, self.band)


def findings(result: PolicyResult, mechanisms: Mapping[str, Mechanism] | None = None) -> list[Finding]:
    """Contributions grouped by the firing that made them, in contribution order."""
    known = mechanisms or {}
    groups: dict[tuple[str, str, int | None, tuple[str, ...]], Finding] = {}
    for c in result.contributions:
        index = c.facts.get("rule_index")
        key = (c.rule, c.reason, index, tuple(c.chain))
        if key not in groups:
            target = f"rules[{index}]" if index is not None else "derived"
            groups[key] = Finding(
                c.rule,
                c.name,
                target,
                c.reason,
                [],
                list(c.evidence),
                list(c.chain),
                strength=c.strength,
                band=c.band,
            )
        if c.mechanism is not None and groups[key].mechanism_id is None:
            groups[key] = dataclasses.replace(
                groups[key], mechanism=known.get(c.mechanism), mechanism_id=c.mechanism
            )
        groups[key].impacts.append(Impact(c.criterion, c.base, c.dose, c.delta))
    return list(groups.values())


def _conflict_words(conflict: ConflictRef, own: str) -> str:
    """``CON001 contradiction with fcr-target-tied-to-bonus``; a policy's own finding names no other."""
    others = [p for p in conflict.policies if p != own]
    return f"{conflict.code} {conflict.kind}" + (f" with {', '.join(others)}" if others else "")


@dataclass(frozen=True)
class ReplacementView:
    """A proposal as a change against the policy it replaces, in the words every report uses."""

    replacement: Replacement
    proposal: str
    """Id of the proposal."""

    @property
    def headline(self) -> str:
        """What it replaces and how far each side moves against it."""
        r = self.replacement
        return (
            f"Replaces {r.id} ({r.verdict}: employee {signed(r.employee)}, customer {signed(r.customer)}); "
            f"against it, employee {signed(r.employee_change)}, customer {signed(r.customer_change)}."
        )

    @property
    def criteria(self) -> list[tuple[str, str]]:
        """(criterion, weighted change) for each criterion that moves, the largest change first."""
        moved = sorted(self.replacement.criteria.items(), key=lambda item: (-abs(item[1]), item[0]))
        return [(name, points(delta)) for name, delta in moved]

    @property
    def rules(self) -> list[tuple[str, list[str]]]:
        """Impact rules by what happens to them: (``no longer fire``, codes), (``now fire``, ...), (``change``, ...)."""
        changes: dict[str, set[str]] = defaultdict(set)
        for c in self.replacement.contributions:
            changes[c.rule].add(c.change)
        groups = (
            ("no longer fire", lambda kinds: kinds == {"vanished"}),
            ("now fire", lambda kinds: kinds == {"appeared"}),
            ("change", lambda kinds: kinds not in ({"vanished"}, {"appeared"})),
        )
        out = []
        for label, holds in groups:
            codes = sorted(rule for rule, kinds in changes.items() if holds(kinds))
            if codes:
                out.append((label, codes))
        return out

    @property
    def conflicts_gone(self) -> list[str]:
        """The replaced policy's conflicts the proposal does not have, in words."""
        return [_conflict_words(c, self.replacement.id) for c in self.replacement.conflicts_gone]

    @property
    def conflicts_new(self) -> list[str]:
        """The proposal's conflicts the replaced policy does not have, in words."""
        return [_conflict_words(c, self.proposal) for c in self.replacement.conflicts_new]

    @property
    def lines(self) -> list[str]:
        """The whole change in sentences: headline, criteria, rules, conflicts gone and new."""
        criteria = ", ".join(f"{name} {delta}" for name, delta in self.criteria) or "none moves"
        rules = "; ".join(f"{label}: {', '.join(codes)}" for label, codes in self.rules) or "the same fire"
        return [
            self.headline,
            f"Criteria, weighted, against it: {criteria}.",
            f"Impact rules against it: {rules}.",
            f"Conflicts gone: {', '.join(self.conflicts_gone) or 'none'}.",
            f"Conflicts new: {', '.join(self.conflicts_new) or 'none'}.",
        ]


def replacement_view(result: PolicyResult) -> ReplacementView | None:
    """The change against the policy ``result`` replaces, when that policy was evaluated with it."""
    return ReplacementView(result.replaces, result.id) if result.replaces is not None else None


def replaced_by_text(result: PolicyResult) -> str | None:
    """``Would be replaced by aht-as-coaching-guideline.``, for an adopted policy with proposals."""
    if not result.replaced_by:
        return None
    return f"Would be replaced by {', '.join(result.replaced_by)} (scored as a change against this policy)."


@dataclass(frozen=True)
class Option:
    """One option of a decision, shown side by side with the others."""

    id: str
    title: str
    verdict: str
    employee: int
    customer: int
    this: bool
    """Whether it is the policy whose details show the comparison."""


def options(result: PolicyResult) -> list[Option]:
    """The policy and its alternatives side by side, the policy first (empty without alternatives)."""
    if not result.alternatives:
        return []
    s = result.scores
    own = Option(result.id, result.title, result.verdict, s.employee, s.customer, True)
    others = [Option(a.id, a.title, a.verdict, a.employee, a.customer, False) for a in result.alternatives]
    return [own, *others]


def alternatives_text(result: PolicyResult) -> str | None:
    """The other options of the decision in one sentence (None without alternatives)."""
    if not result.alternatives:
        return None
    listed = "; ".join(
        f"{a.id} ({a.verdict}: employee {signed(a.employee)}, customer {signed(a.customer)})"
        for a in result.alternatives
    )
    return f"Alternatives, of which at most one is adopted (never in conflict with this one): {listed}."


def sentence(text: str) -> str:
    """A clause as a sentence: its first letter capitalised, a full stop at its end."""
    text = _full_stop(text)
    return text[:1].upper() + text[1:]


def _full_stop(text: str) -> str:
    text = text.strip()
    return text if not text or text.endswith((".", "!", "?")) else text + "."


def _percent(share: float | None) -> str:
    # Whole percents: the queue model is a forecast, a tenth of a point would claim too much.
    return "not known" if share is None else f"{round(100 * share):g}%"


def _wait(seconds: float | None) -> str:
    # A day's average wait is null when some interval never answers its calls.
    return "some calls never answered" if seconds is None else f"{round(seconds, 1):g} s"


def cost_headline(cost: CostOfDecency) -> str | None:
    """``Cost of decency: +3 people (+7.5% payroll, 93,000 GBP a year)``; ``Cost of decency: none``
    when decent lunches need no other headcount; None when no headcount meets the target one way
    (the sentence then says why)."""
    if cost.difference is None:
        return None
    if cost.difference == 0:
        return "Cost of decency: none"
    people = f"{signed(cost.difference)} {'person' if abs(cost.difference) == 1 else 'people'}"
    extra = []
    if cost.payroll_pct is not None:
        extra.append(f"{signed(round(cost.payroll_pct, 1))}% payroll")
    if cost.cost_per_year is not None:
        money = f"{'-' if cost.cost_per_year < 0 else '+'}{abs(cost.cost_per_year):,.0f}"
        extra.append(f"{money} {cost.currency} a year" if cost.currency else f"{money} a year")
    return f"Cost of decency: {people}" + (f" ({', '.join(extra)})" if extra else "")


@dataclass(frozen=True)
class TeamQueueView:
    """One team's queue under a policy, in the words every report uses."""

    team: TeamQueue

    @property
    def target(self) -> str:
        """``80% within 20 seconds``."""
        return f"{self.team.answered_pct:g}% within {self.team.within_seconds} seconds"

    @property
    def numbers(self) -> list[tuple[str, str, str]]:
        """The day's numbers as (what, without the policy, with it)."""
        t = self.team
        count = len(t.intervals)
        return [
            ("Service level", _percent(t.service_level_before), _percent(t.service_level_after)),
            ("Average wait", _wait(t.asa_seconds_before), _wait(t.asa_seconds_after)),
            ("Occupancy", _percent(t.occupancy_before), _percent(t.occupancy_after)),
            ("Intervals below target", f"{t.missed_before} of {count}", f"{t.missed_after} of {count}"),
        ]

    @property
    def day_line(self) -> str:
        """The day's numbers in one line: ``service level 94% → 97%, average wait ...``."""
        return ", ".join(f"{what.lower()} {before} → {after}" for what, before, after in self.numbers)

    @property
    def worst(self) -> str:
        """The interval the policy changes most, as a sentence."""
        return sentence(self.team.worst)

    @property
    def cost_headline(self) -> str | None:
        """The cost of decency as a figure (``Cost of decency: +3 people (+7.5% payroll)``), if any."""
        cost = self.team.cost_of_decency
        return cost_headline(cost) if cost is not None else None

    @property
    def cost_sentence(self) -> str | None:
        """The cost of decency in a sentence, for break and staffing policies."""
        cost = self.team.cost_of_decency
        return sentence(cost.summary) if cost is not None else None

    @property
    def bearers(self) -> list[str]:
        """The shift patterns that carry some of the policy's cost, most harmed first, as sentences."""
        # Not capitalised: a summary starts with the shift pattern's name, as the organisation wrote it.
        return [_full_stop(s.summary) for s in self.team.segments if s.harm > 0]

    @property
    def changed(self) -> list[QueueInterval]:
        """The intervals whose agents on the phones or shown service level the policy changes."""
        return [
            i
            for i in self.team.intervals
            if i.agents_before != i.agents_after
            or _percent(i.service_level_before) != _percent(i.service_level_after)
        ]

    @property
    def rows(self) -> list[tuple[str, str, str, str]]:
        """The changed intervals as (start, calls, agents before → after, service level before → after)."""
        return [
            (
                i.start,
                f"{i.calls:,.0f}",
                f"{i.agents_before} → {i.agents_after}",
                f"{_percent(i.service_level_before)} → {_percent(i.service_level_after)}",
            )
            for i in self.changed
        ]

    @property
    def calls(self) -> str:
        """Calls offered over the day."""
        return f"{self.team.calls:,.0f}"

    @property
    def service_level(self) -> str:
        """The day's service level, before → after."""
        t = self.team
        return f"{_percent(t.service_level_before)} → {_percent(t.service_level_after)}"


@dataclass(frozen=True)
class QueueView:
    """A policy's effect on its teams' queues, team by team."""

    impact: QueueImpact
    teams: list[TeamQueueView]

    @property
    def summary(self) -> str:
        """The whole policy in one sentence."""
        return sentence(self.impact.summary)


def queue_view(result: PolicyResult) -> QueueView | None:
    """The queue view of a policy's result; None when no organisation describes its teams."""
    if result.queue is None:
        return None
    return QueueView(result.queue, [TeamQueueView(t) for t in result.queue.teams])


def _lawful_text(point: PointResult) -> str:
    """``yes``, ``no (GRD010)``: the legal status with the codes of the legal findings; for a value
    the policy cannot take, why."""
    if point.error is not None:
        return point.error
    status = "yes" if point.lawful else "no"
    return f"{status} ({', '.join(point.legal)})" if point.legal else status


@dataclass(frozen=True)
class WhatIfPoint:
    """One value of a what-if sweep, in the words every report uses."""

    value: str
    """The field's value: ``30``, ``2.5``, ``11:30``."""
    employee: int | None
    customer: int | None
    verdict: str
    """The verdict there, or ``invalid`` for a value the policy cannot take."""
    lawful: str
    """``yes``, ``no (GRD010)``, or why the value is invalid."""
    service_level: str
    """The day's service level there (``93.9%``), ``-`` when the value has none."""
    balanced: bool
    invalid: bool
    unlawful: bool


@dataclass(frozen=True)
class WhatIfView:
    """One what-if curve of the report: a policy, one of its fields, and every value swept."""

    number: int
    """The curve's place in the report, from 1."""
    policy: str
    title: str
    """The policy's title."""
    field: str
    first: str
    last: str
    sentence: str
    """Where the sweep is balanced, in one sentence (``policyweigh.whatif.balanced_sentence``)."""
    points: list[WhatIfPoint]
    levels: bool
    """Whether some value has a service level (the table's SL column)."""
    field_words: str = ""
    """The field in words: "the staffing plan's payroll change"."""

    @property
    def anchor(self) -> str:
        """The block's id in the HTML report."""
        return f"what-if-{self.number}"

    @property
    def span(self) -> str:
        """``from 20 to 60, 5 values``."""
        count = len(self.points)
        if count == 1:
            return f"at {self.first}, 1 value"
        return f"from {self.first} to {self.last}, {count} values"


def what_if_view(run: SweepRun, number: int) -> WhatIfView:
    """A one-field sweep as the report shows it (``number`` counts the report's curves from 1)."""
    axis = run.sweep.axes[0]
    points = [
        WhatIfPoint(
            value=show_value(p.values[0]),
            employee=p.employee,
            customer=p.customer,
            verdict="invalid" if p.error is not None else p.verdict or "-",
            lawful=_lawful_text(p),
            service_level="-" if p.service_level is None else f"{p.service_level * 100:.1f}%",
            balanced=p.balanced,
            invalid=p.error is not None,
            unlawful=p.error is None and not p.lawful,
        )
        for p in run.points
    ]
    return WhatIfView(
        number=number,
        policy=run.subject.policy.id,
        title=run.subject.policy.title,
        field=axis.field,
        first=show_value(axis.values[0]),
        last=show_value(axis.values[-1]),
        sentence=balanced_sentence(run),
        points=points,
        levels=any(p.service_level is not None for p in run.points),
        field_words=field_label(run.subject.policy, axis.field),
    )


@dataclass(frozen=True)
class RemedyView:
    """A remedy with the policy it patches and the change it makes to that policy's scores."""

    remedy: RemedyResult
    policy: str
    """The patched policy's id."""
    rule: str
    """The patched policy rule in plain words (``rule_words``), without the policy id; empty when
    the remedy adds a rule or changes only the scope."""
    changes: list[tuple[str, str]]
    """The patch as (field, new value) pairs; a removed field reads `(removed)`, a scope field
    ``scope.NAME``."""
    employee_after: int | None
    employee_change: int | None
    customer_after: int | None
    customer_change: int | None
    added: str | None = None
    """The rule a remedy adds, in words (``a break rule: lunch, 30 minutes, unpaid``)."""
    labelled: list[tuple[str, str]] = field(default_factory=list)
    """The patch as (field in words, new value): "the lunch break's blocked window 10:00-12:00",
    "none"; what the reports show a reader, where ``changes`` keeps the field names."""

    @property
    def summary(self) -> str:
        """The remedy's summary without its full stop, to stand in a longer sentence."""
        return self.remedy.summary.strip().rstrip(".")

    @property
    def after_text(self) -> str:
        """``employee +10, customer +17``: the patched policy's scores."""
        employee = "unknown" if self.employee_after is None else signed(self.employee_after)
        customer = "unknown" if self.customer_after is None else signed(self.customer_after)
        return f"employee {employee}, customer {customer}"


@dataclass(frozen=True)
class ConflictView:
    """A conflict with its HTML id and its remedies' score changes, in plain words."""

    conflict: Conflict
    anchor: str
    remedies: list[RemedyView]
    explanation: str = ""
    """The explanation with rule references (``p/rules[0]``) in words."""
    rule_labels: list[str] = field(default_factory=list)
    """The rules it names, in words: "the handle-time cap of aht-cap"."""
    causes: list[str] = field(default_factory=list)
    """The policies that cause it: the one its best remedy changes, or every policy when no remedy
    says which (a conflict of one policy is caused by it)."""

    @property
    def affected(self) -> list[str]:
        """The policies it names that do not cause it: the other side of someone else's conflict."""
        return [p for p in dict.fromkeys(self.conflict.policies) if p not in self.causes]

    def causes_policy(self, policy_id: str) -> bool:
        """Whether ``policy_id`` is among the policies that cause it."""
        return policy_id in self.causes


@dataclass(frozen=True)
class PolicyView:
    """One policy's drill-down."""

    rank: int
    result: PolicyResult
    summary: str | None
    owner: str | None
    status: str
    jurisdiction: str | None
    run: EvaluationRun = field(repr=False, compare=False)
    """The evaluation the derivation is read from, when it is asked for."""
    evidence: list[Evidence]
    missing_evidence: list[str]
    """Evidence ids cited by contributions that the rulebook does not hold."""
    conflicts: list[ConflictView]
    remedies: list[tuple[ConflictView, RemedyView]]
    """Remedies that patch this policy, with the conflict each one is for."""
    findings: list[Finding]
    margin: float = 5.0
    """The verdict margin, for the notes on uncertain sides."""
    mechanisms: list[tuple[str, str, str, float]] = field(default_factory=list)
    """(id, title, lag, weighted customer points) of each mechanism that carries this policy's
    effect on staff to customers."""

    @property
    def verdict_title(self) -> str:
        """The verdict in plain words."""
        return verdict_title(self.result.verdict)

    @property
    def employee_text(self) -> str:
        """The employee score with its range: ``-46 (-57..-34)``."""
        return score_text(self.result, "employee")

    @property
    def customer_text(self) -> str:
        """The customer score with its range."""
        return score_text(self.result, "customer")

    @property
    def reach_text(self) -> str:
        """``40 people, 25% of contacts``."""
        return reach_text(self.result.reach)

    @property
    def replacement(self) -> ReplacementView | None:
        """The change against the policy this one replaces, when it was evaluated with it."""
        return replacement_view(self.result)

    @property
    def replaced_by(self) -> str | None:
        """Which proposals would replace this policy, in a sentence."""
        return replaced_by_text(self.result)

    @property
    def options(self) -> list[Option]:
        """This policy and its alternatives side by side (empty without alternatives)."""
        return options(self.result)

    @property
    def queue(self) -> QueueView | None:
        """What the policy does to its teams' queues, when an organisation file describes them."""
        return queue_view(self.result)

    @property
    def notes(self) -> list[str]:
        """Sentences on the verdict: unlawful whatever the scores, and sides the evidence leaves open."""
        unlawful = unlawful_note(self.result, self.margin)
        return ([unlawful] if unlawful else []) + uncertain_notes(self.result, self.margin)

    @cached_property
    def derivation(self) -> Derivation:
        """How the score came about; worked out on first use (a shortened report needs few)."""
        return derive(self.run, self.result.id)

    @property
    def anchor(self) -> str:
        """The HTML id of the drill-down section."""
        return f"policy-{self.result.id}"

    @property
    def arithmetic(self) -> list[str]:
        """The score written out: each moved criterion's weighted sum, then the side scores."""
        lines = [
            f"{self.criterion(line.criterion)} = {line.weight:g} x "
            f"({' '.join(f'{points(d)} {code}' for code, d in line.deltas)})"
            f" = {signed(line.value)}"
            for line in self.derivation.criteria
            if line.deltas
        ]
        return lines + list(self.derivation.arithmetic)

    @property
    def caused(self) -> list[ConflictView]:
        """The conflicts this policy causes (its own, or the ones a remedy of it resolves)."""
        return [c for c in self.conflicts if c.causes_policy(self.result.id)]

    @property
    def affected(self) -> list[ConflictView]:
        """The conflicts another policy causes that name this one: it is affected, not at fault."""
        return [c for c in self.conflicts if not c.causes_policy(self.result.id)]

    @property
    def worst_severity(self) -> str | None:
        """The most severe conflict this policy causes, if any (an affected policy is not blamed)."""
        if not self.caused:
            return None
        worst = max(self.caused, key=lambda c: SEVERITY_RANK.get(c.conflict.severity, 0))
        return worst.conflict.severity

    @property
    def policy(self) -> Policy:
        """The policy as loaded, which the labels of its rules and fields are read from."""
        return self.run.policies[self.result.id]

    def criterion(self, criterion_id: str) -> str:
        """A criterion by its name in the rulebook ("wellbeing"), never its id."""
        return criterion_label(criterion_id, self.run.rulebook)

    def target(self, finding: Finding) -> str:
        """The policy rule a finding matched, in words ("the lunch break"), or "a derived fact"."""
        match = _TARGET.match(finding.target)
        return rule_label(self.policy, int(match.group(1))) if match else "a fact derived from other rules"

    def plain(self, text: str) -> str:
        """``text`` with the policy's rule references in words (``plain_refs``)."""
        return plain_refs(text, self.run.policies, self.result.id)

    @property
    def steps(self) -> list[StepView]:
        """The derivation's steps with what each matched in words."""
        return [
            StepView(
                step,
                self.plain(step.target),
                [(_fact_words(key), format_value(key, value)) for key, value in step.matched.items()],
            )
            for step in self.derivation.steps
        ]


@dataclass(frozen=True)
class KindGroup:
    """The conflicts of one kind."""

    kind: str
    title: str
    description: str
    conflicts: list[ConflictView]


@dataclass(frozen=True)
class ReportView:
    """Everything a report shows, in display order."""

    title: str
    date: str | None
    policies: list[PolicyView]
    """Ranked, best first."""
    verdict_counts: list[tuple[str, str, int]]
    """(verdict, title, count) for every verdict, in VERDICTS order."""
    severity_counts: list[tuple[str, int]]
    groups: list[KindGroup]
    conflicts: list[ConflictView]
    """Every conflict, most severe first; `conflict-<n>` anchors count from 1 in this order."""
    margin: float
    saturation: float
    rulebook_source: str
    rulebook_fingerprint: str
    evidence: list[Evidence]
    """Every evidence entry cited by some contribution, by id."""
    bands: list[tuple[str, float]] = field(default_factory=list)
    """(evidence strength, band) from the strongest to no evidence."""
    mechanisms: list[Mechanism] = field(default_factory=list)
    """The rulebook's mechanisms by which effects on staff reach customers."""
    what_ifs: list[WhatIfView] = field(default_factory=list)
    """The what-if curves asked for, in the order they were asked for."""
    harm_bound: int = 40
    """A side at or below minus this harms it (the settings' ``harm_bound``)."""

    @cached_property
    def decisions(self) -> list[DecisionGroup]:
        """The decision summary: stop, fix, adopt, review (``decision_groups``)."""
        return decision_groups(self.policies, self.harm_bound)

    @property
    def ranking(self) -> str:
        """How the table is ranked, in one sentence."""
        return RANKING

    @property
    def conflict_count(self) -> int:
        """How many conflicts there are."""
        return len(self.conflicts)

    @property
    def method(self) -> list[str]:
        """How scores are made, in paragraphs of plain text (the reports' method section)."""
        bands = ", ".join(
            f"{'none cited' if name == 'none' else name} ±{round(100 * band):g}%" for name, band in self.bands
        )
        margin = f"{self.margin:g}"
        return [
            "Each impact rule that fires moves criteria by −5 to +5 points, scaled by its dose: graded "
            "factors of the numbers the policy sets (minutes and share of a shift blocked, a cap against "
            "the usual handle time, hours of training, pay at risk), continuous and flat beyond their "
            "ends, so a small change of a number never makes a cliff. A contribution reads "
            "“-2 x1.85 = -3.7”: the rule's points, its dose, the points it gives. An impact rule counts "
            "once per policy, at its strongest dose.",
            "A criterion's value is its weight times the sum of its points; a side's score is "
            f"100 × tanh(sum of its criterion values ÷ {self.saturation:g}), so it stays between −100 and "
            "+100. A score is an intensity per person; reach (the people in scope and the share of "
            "customer contacts the policy touches) says how broad it is.",
            "Customer impact is a direct score plus an indirect one. The indirect score comes only "
            "through mechanisms that carry an effect on staff to customers, each with its own evidence "
            "and lag, and only where customers are exposed"
            + ("" if self.mechanisms else " (this rulebook declares none)")
            + ". There is no flat share of the employee score.",
            "Each contribution may be off by a band set by the strength of the strongest evidence its "
            f"rule cites: {bands}. A side's range takes every contribution at the low, then the high end "
            f"of its band; a side whose range reaches both a gain and a loss beyond ±{margin} is marked "
            "uncertain.",
            f"Verdicts: a side gains above +{margin}, loses below −{margin} and is neutral inside, and "
            "the verdict names what happened on each side. A policy that breaches the law of its "
            "jurisdiction at error level is unlawful, whatever its scores.",
            RANKING,
        ]

    @property
    def what_if_note(self) -> str:
        """What a what-if curve is, in one paragraph (the reports' What-if section)."""
        margin = f"{self.margin:g}"
        return (
            "Each curve is one policy evaluated alone at every value of one of its fields, the rest "
            "as its file says: conflicts found and legal guardrails checked, no remedies. A value is "
            f"balanced when both sides are at least neutral (neither below −{margin}) and the policy "
            "is lawful there. Lawful: no legal guardrail "
            "breached at error level, with the codes of the policy's legal findings in brackets. "
            "SL: the day's service level under the policy, over its teams weighted by their calls. "
            "A value the policy cannot take is invalid, with the reason."
        )

    @property
    def mechanism_lines(self) -> list[str]:
        """Each mechanism in one sentence: ``Staff attrition (months to a year): ...``."""
        return [f"{m.title} ({m.lag}): {m.description.rstrip('.')}." for m in self.mechanisms]

    @property
    def not_assessed_count(self) -> int:
        """Policy rules no impact rule recognises, over every policy."""
        return sum(len(p.result.not_assessed) for p in self.policies)

    @property
    def unlawful_count(self) -> int:
        """Policies whose verdict is unlawful."""
        return sum(1 for p in self.policies if p.result.verdict == "unlawful")


_TARGET = re.compile(r"^rules\[(\d+)\]$")
_REF = re.compile(
    r"\b(?:(?P<policy>[a-z0-9]+(?:-[a-z0-9]+)*)/)?rules\[(?P<index>\d+)\]"
    r"(?:\.(?P<field>[a-z_]+))?(?: \((?P<kind>[a-z]+(?:-[a-z]+)*)\))?"
)


def plain_refs(text: str, policies: Mapping[str, Policy], own: str | None = None) -> str:
    """``text`` with every policy rule reference (``p/rules[0]``, ``rules[0].max_minutes``) in words.

    A bare ``rules[i]`` belongs to ``own``; a reference to another policy keeps its id after the
    words ("the handle-time cap of p"); a kind in brackets after a reference repeats what the
    words say, so it goes.
    """

    def words(match: re.Match[str]) -> str:
        pid = match.group("policy") or own
        index = int(match.group("index"))
        policy = policies.get(pid) if pid else None
        if policy is None:
            return f"rule {index + 1}" + (f" of {pid}" if pid else "")
        path = f"rules[{index}]" + (f".{match.group('field')}" if match.group("field") else "")
        shown = field_label(policy, path)
        kind = match.group("kind")
        if kind and 0 <= index < len(policy.rules) and policy.rules[index].kind != kind:
            shown += f" ({kind})"
        return shown + (f" of {pid}" if pid != own else "")

    return _REF.sub(words, text)


def _fact_words(key: str) -> str:
    """A fact's key in words: ``blocked_windows.first_start`` reads "blocked windows, first start"."""
    return ", ".join(field_words(part) for part in key.split("."))


@dataclass(frozen=True)
class StepView:
    """A derivation step with its target and matched facts in words."""

    step: Any
    target: str
    matched: list[tuple[str, str]]


DECISIONS = ("stop", "fix", "adopt", "review")
DECISION_TITLES = {
    "stop": "Stop",
    "fix": "Fix",
    "adopt": "Adopt",
    "review": "Review",
}
DECISION_DESCRIPTIONS = {
    "stop": "Unlawful, or harmful to staff or customers (a side at or below -{bound}): stop them, or "
    "apply the fix named.",
    "fix": "A conflict with a remedy: apply the best remedy, shown with the scores after it.",
    "adopt": "At least neutral for staff and customers, with nothing to fix.",
    "review": "Worse for one side or both, not beyond the harm bound, with no remedy in the rulebook: "
    "decide whether what they give is worth it.",
}


@dataclass(frozen=True)
class DecisionLine:
    """One policy in the decision summary: what to do with it, in one line."""

    policy: PolicyView
    why: str
    """Why it is in its group (stop: unlawful or which side it harms), empty otherwise."""
    remedy: RemedyView | None
    """The single best remedy of the policy, if it has one that helps."""

    @property
    def id(self) -> str:
        """The policy's id, for links."""
        return self.policy.result.id

    @property
    def fix(self) -> str | None:
        """``Fix: <remedy> → employee +10, customer +17``, when there is a remedy."""
        if self.remedy is None:
            return None
        left = "" if self.remedy.remedy.resolves else " (leaves the conflict open)"
        return f"Fix: {self.remedy.summary}{left} → {self.remedy.after_text}"

    @property
    def scores(self) -> str:
        """``employee -46 (-57..-34), customer +3 (-2..+8)``."""
        return f"employee {self.policy.employee_text}, customer {self.policy.customer_text}"

    @property
    def text(self) -> str:
        """The whole line in plain text (the Markdown summary's item, after the title)."""
        verdict = self.policy.verdict_title + (f"; {self.why}" if self.why else "")
        line = f"{verdict}. {sentence(self.scores)[:-1]}; {self.policy.reach_text}."
        return line + (f" {self.fix}." if self.fix else "")


@dataclass(frozen=True)
class DecisionGroup:
    """The policies with one decision: stop, fix, adopt or review."""

    key: str
    title: str
    description: str
    lines: list[DecisionLine]


def best_remedy(policy: PolicyView) -> RemedyView | None:
    """The single best remedy that patches ``policy`` and helps it (its benefit is positive).

    Ranked as the remedies of a conflict are (``policyweigh.remedies.rank_key``: resolving first,
    then the most benefit); for an unlawful policy a remedy that resolves its legal breach
    comes first, since nothing else makes it lawful.
    """
    unlawful = policy.result.verdict == "unlawful"
    candidates = [(cv, rv) for cv, rv in policy.remedies if remedy_ranking.benefit(rv.remedy) > 0 or unlawful]
    if not candidates:
        return None

    def key(item: tuple[ConflictView, RemedyView]) -> tuple[Any, ...]:
        cv, rv = item
        legal = cv.conflict.kind == "guardrail" and rv.remedy.resolves
        return (unlawful and not legal, *remedy_ranking.rank_key(rv.remedy))

    return min(candidates, key=key)[1]


def decision_groups(policies: Sequence[PolicyView], harm_bound: int) -> list[DecisionGroup]:
    """The decision summary: each ranked policy in one of stop, fix, adopt and review, the worst
    first in every group but adopt (best first).

    Stop: unlawful, or a side at or below ``-harm_bound``. Fix: a conflict with a remedy that
    patches the policy and helps it. Adopt: at least neutral on both sides. Review: the rest
    (worse for a side, within the bound, with no remedy), so no policy is left out.
    """
    grouped: dict[str, list[DecisionLine]] = {key: [] for key in DECISIONS}
    for p in policies:
        s = p.result.scores
        remedy = best_remedy(p)
        harms = [
            f"harms {who} (at or below -{harm_bound})"
            for who, value in (("staff", s.employee), ("customers", s.customer))
            if value <= -harm_bound
        ]
        if p.result.verdict == "unlawful":
            why = "it also " + " and ".join(harms) if harms else ""
            grouped["stop"].append(DecisionLine(p, why, remedy))
        elif harms:
            grouped["stop"].append(DecisionLine(p, " and ".join(harms), remedy))
        elif remedy is not None:
            grouped["fix"].append(DecisionLine(p, "", remedy))
        elif s.employee >= -p.margin and s.customer >= -p.margin:
            grouped["adopt"].append(DecisionLine(p, "", None))
        else:
            grouped["review"].append(DecisionLine(p, "", None))
    # What needs doing comes most serious first (the ranking read from its end); what to adopt
    # comes best first, as the ranking has it.
    return [
        DecisionGroup(
            key,
            DECISION_TITLES[key],
            DECISION_DESCRIPTIONS[key].format(bound=harm_bound),
            grouped[key] if key == "adopt" else grouped[key][::-1],
        )
        for key in DECISIONS
    ]


def rulebook_label(source: str) -> str:
    """`bundled` for the shipped rulebook, else the directory it was read from."""
    try:
        bundled = Path(source).resolve() == DATA_DIR.resolve()
    except OSError:
        bundled = False
    return "bundled" if bundled else source


def patch_changes(patch: Patch) -> list[tuple[str, str]]:
    """A remedy's patch as readable (field, value) pairs: the rule's fields it sets, then the
    scope's as ``scope.NAME`` (a rule it adds is worded whole by ``added_rule_words``)."""
    fields = changed_fields(patch)
    out: list[tuple[str, str]] = []
    for key, value in sorted(fields, key=lambda item: (item[0].startswith("scope."), item[0])):
        if value is None:
            text = "(removed)"
        elif value == [] or value == {}:
            text = "(none)"
        elif isinstance(value, list) and all(_is_window(v) for v in value):
            text = ", ".join(f"{v['from']}-{v['to']}" for v in value)
        elif isinstance(value, (dict, list)) and not _simple(value):
            text = json.dumps(value, sort_keys=True)
        else:
            text = format_value(key, value)
        out.append((str(key), text))
    return out


def _is_window(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"from", "to"}


def _simple(value: Any) -> bool:
    items = value.values() if isinstance(value, dict) else value
    return all(isinstance(v, (str, int, float, bool)) for v in items)


NOTE_LENGTH = 48
"""Characters of a rule's note kept when the rule is named in a sentence."""


def _short_note(note: str) -> str:
    text = " ".join(note.split()).rstrip(".")
    if len(text) <= NOTE_LENGTH:
        return text
    cut = text[:NOTE_LENGTH].rsplit(" ", 1)[0] or text[:NOTE_LENGTH]
    return cut.rstrip(" ,;:") + "..."


def rule_words(index: int, kind: str | None = None, note: str | None = None) -> str:
    """A policy rule in plain words, counted from 1: ``rule 2 (call-time-cap, "Measured monthly")``.

    ``index`` is the rule's index in ``rules`` (0 is the first); a long note is shortened.
    """
    details = [kind] if kind else []
    if note and note.strip():
        details.append(f'"{_short_note(note)}"')
    return f"rule {index + 1}" + (f" ({', '.join(details)})" if details else "")


def patched_rule(patch: Patch, policies: Mapping[str, Policy]) -> str:
    """The rule a remedy patches in plain words, read from the patched policy when it is known;
    empty when it patches no rule of the policy (it adds one, or sets only the scope)."""
    index = patch.rule_index
    if patch.action == "add-rule" or index is None or not patch.set:
        return ""
    policy = policies.get(patch.policy)
    if policy is None or not 0 <= index < len(policy.rules):
        return rule_words(index)
    rule = policy.rules[index]
    return rule_words(index, rule.kind, rule.note)


def remedy_target(patch: Patch, rule: str) -> str:
    """What a remedy changes, for a sentence after its code: ``on rule 2 (break-rule) of p``,
    ``on p (add a break rule: lunch, 30 minutes, unpaid)``, ``on the scope of p (shift_hours 9.5)``.

    ``rule`` is the patched rule in plain words (``patched_rule``).
    """
    if patch.action == "add-rule":
        return f"on {patch.policy} (add {added_rule_words(patch.set)})"
    if rule:
        return f"on {rule} of {patch.policy}"
    fields = ", ".join(
        f"{key} {'removed' if value is None else format_value(key, value)}"
        for key, value in patch.scope.items()
    )
    return f"on the scope of {patch.policy}" + (f" ({fields})" if fields else "")


def _remedy_view(
    remedy: RemedyResult, results: dict[str, PolicyResult], policies: Mapping[str, Policy]
) -> RemedyView:
    patch = remedy.patch
    policy = patch.policy
    before = results.get(policy)
    after = remedy.scores_after
    employee, customer = after.employee, after.customer
    model = policies.get(policy)
    labelled = []
    for key, value in patch_changes(patch):
        path = key if key.startswith("scope.") else f"rules[{patch.rule_index}].{key}"
        shown = field_label(model, path) if model is not None else field_words(key.removeprefix("scope."))
        target = patch.set.get(key) if isinstance(patch.set, Mapping) else None
        if isinstance(target, Mapping) and {"answered_pct", "within_seconds"} <= set(target):
            value = f"{format_value('', target['answered_pct'])}% within {target['within_seconds']} seconds"
        labelled.append((shown, value.strip("()")))
    return RemedyView(
        labelled=labelled,
        remedy=remedy,
        policy=policy,
        rule=patched_rule(patch, policies),
        changes=patch_changes(patch),
        added=added_rule_words(patch.set) if patch.action == "add-rule" else None,
        employee_after=employee,
        employee_change=None if employee is None or before is None else employee - before.scores.employee,
        customer_after=customer,
        customer_change=None if customer is None or before is None else customer - before.scores.customer,
    )


def _conflict_view(
    conflict: Conflict, number: int, results: dict[str, PolicyResult], policies: Mapping[str, Policy]
) -> ConflictView:
    remedies = [_remedy_view(r, results, policies) for r in conflict.remedies]
    named = list(dict.fromkeys(conflict.policies))
    # The remedies come best first: the policy the best one changes is the one that causes the
    # conflict; the other is only on the receiving end of it.
    causes = [remedies[0].policy] if remedies and remedies[0].policy in named else named
    own = named[0] if len(named) == 1 else None
    return ConflictView(
        conflict,
        f"conflict-{number}",
        remedies,
        explanation=plain_refs(conflict.explanation, policies, own),
        rule_labels=[plain_refs(r, policies, own) for r in conflict.rules],
        causes=causes,
    )


def build_view(
    run: EvaluationRun,
    *,
    title: str = "Policy evaluation",
    date: str | None = None,
    what_ifs: Sequence[SweepRun] = (),
) -> ReportView:
    """The report's view of an evaluation, with a what-if curve per one-field sweep in ``what_ifs``."""
    evaluation = run.evaluation
    book = run.rulebook
    results = {r.id: r for r in evaluation.policies}
    conflicts = [
        _conflict_view(c, n, results, run.policies)
        for n, c in enumerate(sort_conflicts(evaluation.conflicts), start=1)
    ]
    # Indexed once by policy, in conflict order: scanning every conflict per policy grows with the
    # square of the library.
    involving: dict[str, list[ConflictView]] = defaultdict(list)
    patching: dict[str, list[tuple[ConflictView, RemedyView]]] = defaultdict(list)
    for cv in conflicts:
        for policy_id in dict.fromkeys(cv.conflict.policies):
            involving[policy_id].append(cv)
        for remedy in cv.remedies:
            patching[remedy.policy].append((cv, remedy))
    ranked = sorted(evaluation.policies, key=rank_key)
    margin = book.scoring.verdicts.margin
    known = book.scoring.mechanisms_by_id
    views: list[PolicyView] = []
    for rank, result in enumerate(ranked, start=1):
        policy = run.policies[result.id]
        cited = sorted({e for c in result.contributions for e in c.evidence})
        views.append(
            PolicyView(
                rank=rank,
                result=result,
                summary=policy.summary,
                owner=policy.owner,
                status=policy.status,
                jurisdiction=policy.jurisdiction,
                run=run,
                evidence=[book.evidence[e] for e in cited if e in book.evidence],
                missing_evidence=[e for e in cited if e not in book.evidence],
                conflicts=list(involving.get(result.id, [])),
                remedies=list(patching.get(result.id, [])),
                findings=findings(result, known),
                margin=margin,
                mechanisms=[
                    (
                        name,
                        known[name].title if name in known else name,
                        known[name].lag if name in known else "",
                        value,
                    )
                    for name, value in result.scores.mechanisms.items()
                ],
            )
        )
    cited_all = {e for r in evaluation.policies for c in r.contributions for e in c.evidence}
    verdicts: Counter[str] = Counter(p.verdict for p in evaluation.policies)
    severities: Counter[str] = Counter(c.conflict.severity for c in conflicts)
    groups = [
        KindGroup(
            kind,
            KIND_TITLES[kind],
            KIND_DESCRIPTIONS[kind],
            [c for c in conflicts if c.conflict.kind == kind],
        )
        for kind in KINDS
    ]
    return ReportView(
        title=title,
        date=date,
        policies=views,
        verdict_counts=[(v, VERDICT_TITLES[v], verdicts[v]) for v in VERDICTS],
        severity_counts=[(s, severities[s]) for s in SEVERITIES],
        groups=groups,
        conflicts=conflicts,
        margin=margin,
        saturation=book.scoring.saturation,
        rulebook_source=rulebook_label(book.source),
        rulebook_fingerprint=book.fingerprint,
        evidence=[book.evidence[e] for e in sorted(cited_all) if e in book.evidence],
        bands=list(book.scoring.bands.model_dump().items()),
        mechanisms=list(book.scoring.mechanisms),
        what_ifs=[what_if_view(sweep, n) for n, sweep in enumerate(what_ifs, start=1)],
        harm_bound=run.settings.harm_bound,
    )
