"""Evaluation: policies to facts, facts through the Rete session, firings to scores.

One session per evaluation holds the facts of every policy evaluated together,
so impact rules fire per policy rule and derived facts chain within a policy.
Results are sorted by policy id and do not depend on input order. This module
scores; conflicts and remedies come after it (``policyweigh.orchestration`` runs the
whole way), and an ``EvaluationRun`` is never changed in place: a later step
returns a new one.
"""

from __future__ import annotations

import dataclasses
import gc
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from policyweigh.config import Settings
from policyweigh.facts import DERIVED_KEY, INDEX_KEY, POLICY_KEY, Fact, rule_facts
from policyweigh.formatting import format_value
from policyweigh.law.wording import NO_JURISDICTION
from policyweigh.policy import Policy
from policyweigh.queue_effects import MODELLED_KEY, add_queue_facts, assess, assess_all
from policyweigh.results import (
    Contribution,
    Evaluation,
    NotAssessed,
    PolicyResult,
    Reach,
    rule_ref,
    trusted,
    trusted_row,
)
from policyweigh.rete import Firing, run_impact
from policyweigh.rulebook import ImpactRule, Rulebook
from policyweigh.rulebook.models import PLACEHOLDER
from policyweigh.scoring import score_and_ranges, uncertain_sides, verdict
from policyweigh.templates import UNSET, render_reason

__all__ = [
    "EvaluationRun",
    "PolicyValues",
    "ContributionMemo",
    "Rescore",
    "CompiledTemplate",
    "Trace",
    "batch_gc",
    "dose_factor",
    "fill",
    "firing_doses",
    "rescore_policy",
    "rule_value",
    "score_policies",
]


BATCH_GC_POLICIES = 200
"""Batches of at least this many policies are scored under ``batch_gc``."""
BATCH_GC_THRESHOLD = 50_000
"""The collector's youngest-generation threshold in a batch (Python's default is 700)."""

_gc_lock = threading.Lock()
_gc_depth = 0
_gc_saved: tuple[int, int, int] = (0, 0, 0)
_gc_enabled = True
_gc_froze = False


@contextmanager
def batch_gc(threshold: int = BATCH_GC_THRESHOLD, *, pause: bool = True) -> Iterator[None]:
    """Run a batch without cyclic garbage collection; the collector's settings are restored after.

    A batch allocates millions of short-lived containers and makes no reference
    cycles (none are left to collect after scoring the identity corpus with its
    organisation, or a 5,000-policy batch), yet the collector walked them, and
    every long-lived object (the rulebook, the policies, the compiled
    rulesets), again and again: a third of a batch's time. Inside the context
    what is alive on entry is frozen (``gc.freeze``), so no collection walks it,
    unless something else froze objects already (a process pool's forked
    workers), whose freeze is left as it is; the collector is paused
    (``pause``), or else runs its youngest generation only every ``threshold``
    allocations. A cycle made in a batch is collected after it.

    Re-entrant and thread-safe: the outermost context of any thread applies the
    settings and the last one to leave restores them (threshold, enabled,
    frozen), also when the batch raises.
    """
    global _gc_depth, _gc_saved, _gc_enabled, _gc_froze
    with _gc_lock:
        if _gc_depth == 0:
            _gc_saved = gc.get_threshold()
            _gc_enabled = gc.isenabled()
            _gc_froze = gc.get_freeze_count() == 0
            if _gc_froze:
                gc.freeze()
            gc.set_threshold(max(threshold, _gc_saved[0]), *_gc_saved[1:])
            if pause:
                gc.disable()
        _gc_depth += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_depth -= 1
            if _gc_depth == 0:
                gc.set_threshold(*_gc_saved)
                if _gc_enabled:
                    gc.enable()
                if _gc_froze:
                    gc.unfreeze()
                    _gc_froze = False


def batch_gc_for(policies: int) -> AbstractContextManager[None]:
    """``batch_gc`` for a batch of at least ``BATCH_GC_POLICIES`` policies; nothing for a smaller one.

    Every step over a whole run (scoring, conflict detection, remedies) uses it: after a batch
    scored without the collector, the next step's allocations would otherwise set off collections
    that walk every result of the batch, again and again.
    """
    return batch_gc() if policies >= BATCH_GC_POLICIES else nullcontext()


def fill(template: str, lookup: Callable[[str], Any]) -> str:
    """Fill ``{key}`` placeholders from ``lookup`` (which returns None for unknown keys).

    Only names the rulebook's placeholder pattern accepts ever reach ``lookup``
    (see ``policyweigh.templates.render_reason``): no attribute access, no formatting.
    """
    return render_reason(template, lookup, format_value)


class PolicyValues:
    """Values of one policy's rules and context by fact key, from the model (lists stay whole).

    Each rule is dumped once, however many placeholders and matched keys ask for it.
    """

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self._rules: dict[int, dict[str, Any]] = {}

    def get(self, index: int | None, key: str) -> Any:
        """The value of ``key`` for rule ``index`` (or the policy's context); None if unset."""
        policy = self.policy
        if key in ("policy", "id"):
            return policy.id
        if key == "title":
            return policy.title
        # Only declared model fields are read: a key can never reach an attribute
        # such as ``__class__`` or ``model_fields``, whoever calls this.
        if key.startswith("scope."):
            name = key[len("scope.") :]
            return getattr(policy.scope, name, None) if name in type(policy.scope).model_fields else None
        if key.startswith("policy."):
            name = key[len("policy.") :]
            return getattr(policy, name, None) if name in type(policy).model_fields else None
        if index is None:
            return None
        data: Any = self._rules.get(index)
        if data is None:
            data = self._rules[index] = policy.rules[index].model_dump(mode="json", by_alias=True)
        for part in key.split("."):
            if not isinstance(data, dict) or part not in data:
                return None
            data = data[part]
        return data

    def lookup(self, fact: Fact) -> Callable[[str], Any]:
        """A lookup for templates: the fact's value (scalars, counts), else the model's (whole lists)."""
        index = fact.get(INDEX_KEY)

        def find(key: str) -> Any:
            return fact[key] if key in fact else self.get(index, key)

        return find


def rule_value(policy: Policy, index: int | None, key: str) -> Any:
    """A value of a policy rule or its context by fact key (see ``PolicyValues``)."""
    return PolicyValues(policy).get(index, key)


@dataclass(frozen=True)
class Trace:
    """What happened for one policy in the Rete session, for `explain`."""

    policy: str
    facts: list[Fact]
    firings: list[Firing]


@dataclass(frozen=True)
class EvaluationRun:
    """An evaluation plus what produced it: policies, traces, firings, rulebook and settings."""

    evaluation: Evaluation
    policies: Mapping[str, Policy]
    traces: Mapping[str, Trace]
    firings: Sequence[Firing]
    rulebook: Rulebook
    settings: Settings
    """Settings the evaluation runs with: conflict detection reads the guardrails' edge margin here."""
    files: Mapping[str, str] = field(default_factory=dict)

    @cached_property
    def _index(self) -> dict[str, PolicyResult]:
        return {r.id: r for r in self.evaluation.policies}

    def result(self, policy_id: str) -> PolicyResult:
        """The result of one policy by id."""
        return self._index[policy_id]

    def with_evaluation(self, evaluation: Evaluation) -> EvaluationRun:
        """A copy of this run holding another evaluation of the same policies (conflicts found, notes set)."""
        return dataclasses.replace(self, evaluation=evaluation)

    def with_policy(self, policy: Policy, scored: EvaluationRun) -> EvaluationRun:
        """A copy with ``policy`` replaced by its version scored alone in ``scored``; no conflicts.

        The other policies' scores and facts do not depend on it, so they are kept as they are.
        """
        pid = policy.id
        result = scored.result(pid).model_copy(update={"file": self.result(pid).file})
        evaluation = Evaluation(
            policies=[result if r.id == pid else r for r in self.evaluation.policies], conflicts=[]
        )
        return dataclasses.replace(
            self,
            evaluation=evaluation,
            policies={**self.policies, pid: policy},
            traces={**self.traces, pid: scored.traces[pid]},
            firings=(),
        )


ContributionMemo = dict[tuple[Any, ...], tuple[Fact, list[Contribution], float]]
"""Contributions of impact rules already worked out for versions of a policy (see ``_contributions``)."""

Rescore = Callable[[Policy], EvaluationRun]
"""Scores one changed policy on its own: how remedies learn what a patch does to the scores."""


def _strength(rule: ImpactRule, rulebook: Rulebook) -> str | None:
    """The strength a rule's contributions carry: its own claim's, else its strongest evidence's."""
    return rule.strength or rulebook.evidence_strength(rule)


def dose_factor(rule: ImpactRule, fact: Fact) -> float:
    """The product of a rule's graded factors on the numbers of a matched fact (1 without any)."""
    factor = 1.0
    for dose in rule.dose:
        value = fact.get(dose.key)
        factor *= dose.factor(
            value if isinstance(value, (int, float)) and not isinstance(value, bool) else None
        )
    return factor


def _dose_text(rule: ImpactRule, fact: Fact, factor: float) -> str:
    if not rule.dose:
        return ""
    parts = []
    for dose in rule.dose:
        value = fact.get(dose.key, dose.default)
        if value is None:
            continue
        shown = format_value(dose.key, value)
        parts.append(f"{shown} {dose.says}" if dose.says else f"{dose.key} {shown}")
    if not parts:
        return ""
    return f" Scaled by {factor:.2f} for {' and '.join(parts)}."


def _threshold_text(rule: ImpactRule) -> str:
    return "".join(f" Threshold: {t.says}" + ("" if t.says.endswith(".") else ".") for t in rule.thresholds)


class _Intensities:
    """Dose factors of one policy's firings; a derived fact is as intense as its strongest source."""

    def __init__(self, firings: Sequence[Firing], rulebook: Rulebook) -> None:
        self.rules = rulebook.impact_by_code
        self.firings = [f for f in firings if f.code in self.rules]
        self._derived: dict[str, float] = {}
        self._busy: set[str] = set()

    def of(self, firing: Firing) -> float:
        """The intensity of one firing: its dose, times its derived fact's intensity if it waits for one."""
        rule = self.rules[firing.code]
        factor = dose_factor(rule, firing.facts[0])
        if rule.on_derived:
            factor *= self.derived(str(rule.when[DERIVED_KEY]))
        return factor

    def derived(self, name: str) -> float:
        """The intensity of a derived fact: the largest of the firings that derive it."""
        if name in self._derived:
            return self._derived[name]
        if name in self._busy:  # the rulebook forbids cycles; stay finite regardless
            return 0.0
        self._busy.add(name)
        value = max((self.of(f) for f in self.firings if name in self.rules[f.code].derive), default=0.0)
        self._busy.discard(name)
        self._derived[name] = value
        return value


def firing_doses(firings: Sequence[Firing], rulebook: Rulebook) -> list[float]:
    """The dose of each of one policy's firings, in order (see ``_Intensities``), rounded as scored."""
    intensities = _Intensities(firings, rulebook)
    return [round(intensities.of(f), 3) for f in intensities.firings]


def _not_assessed_reason(rule: Any) -> str:
    data = rule.model_dump(mode="json", by_alias=True, exclude={"note", "kind"}, exclude_none=True)
    shown = [
        f"{key}: {format_value(key, value)}"
        for key, value in data.items()
        if isinstance(value, (str, bool, int, float))
    ][:4]
    values = f" ({', '.join(shown)})" if shown else ""
    return (
        f"no impact rule recognises this {rule.kind} rule{values}: the scores say nothing about it; "
        "describe it with fields an impact rule reads, or add an impact rule for it"
    )


class CompiledTemplate:
    """A reason template split once into text and placeholders; filling it equals ``fill``.

    ``fill`` searches the template with the placeholder pattern on every call;
    a rulebook's templates are filled for every contribution of a batch.
    """

    __slots__ = ("parts", "template")

    def __init__(self, template: str) -> None:
        self.template = template
        parts: list[tuple[str, str | None]] = []
        position = 0
        for match in PLACEHOLDER.finditer(template):
            parts.append((template[position : match.start()], match.group(1)))
            position = match.end()
        parts.append((template[position:], None))
        self.parts = tuple(parts)

    def fill(self, lookup: Callable[[str], Any]) -> str:
        """The template with each placeholder filled from ``lookup``, as ``fill`` fills it."""
        out: list[str] = []
        for text, name in self.parts:
            out.append(text)
            if name is not None:
                value = lookup(name)
                out.append(UNSET if value is None else format_value(name, value))
        return "".join(out)


@dataclass(frozen=True, slots=True)
class _RulePlan:
    """What a contribution of one impact rule takes from the rulebook, worked out once per rulebook."""

    rule: ImpactRule
    because: CompiledTemplate
    thresholds: str
    keys: tuple[str, ...]
    """The keys whose values a contribution shows: the rule's conditions' and doses', sorted."""
    evidence: tuple[str, ...]
    strength: str | None
    band: float
    plain: bool
    """No dose and not on a derived fact: every firing has intensity 1."""
    impacts: tuple[tuple[str, int, bool, str | None, bool], ...]
    """Per criterion: its id, the points, whether it is a customer criterion, the mechanism it
    reaches customers by, and whether a queue model replaces it."""


_PLANS: dict[int, tuple[Rulebook, dict[str, _RulePlan]]] = {}
_PLANS_KEPT = 16


def _plans(rulebook: Rulebook) -> dict[str, _RulePlan]:
    """The rule plans of ``rulebook`` by code, made on first use (the rulebook is frozen)."""
    found = _PLANS.get(id(rulebook))
    if found is not None and found[0] is rulebook:
        return found[1]
    bands = rulebook.scoring.bands
    plans: dict[str, _RulePlan] = {}
    for rule in rulebook.impact_rules:
        strength = _strength(rule, rulebook)
        plans[rule.code] = _RulePlan(
            rule=rule,
            because=CompiledTemplate(rule.because),
            thresholds=_threshold_text(rule),
            keys=tuple(sorted({*rule.when, *(d.key for d in rule.dose)})),
            evidence=tuple(rule.evidence),
            strength=strength,
            band=bands.of(strength),
            plain=not rule.dose and not rule.on_derived,
            impacts=tuple(
                (
                    criterion,
                    base,
                    criterion.startswith("customer."),
                    rule.mechanism if criterion.startswith("customer.") else None,
                    criterion in rule.replaced_by_queue,
                )
                for criterion, base in rule.impacts.items()
            ),
        )
    if len(_PLANS) >= _PLANS_KEPT:
        _PLANS.clear()  # rulebooks made one after another (tests, a studio): keep the cache small
    _PLANS[id(rulebook)] = (rulebook, plans)  # the rulebook is held, so its id is not reused
    return plans


def _contribution_order(c: Contribution) -> tuple[Any, str, str]:
    return (c.facts.get(INDEX_KEY, 1_000), c.rule, c.criterion)


def _contributions(
    policy: Policy, firings: Sequence[Firing], rulebook: Rulebook, memo: ContributionMemo | None = None
) -> tuple[list[Contribution], float]:
    """Contributions of one policy (each impact rule once, at its strongest dose), and the share of
    customer contacts they touch.

    ``memo`` keeps each impact rule's contributions by the fact (its identity), dose, other rules
    and chain they came from, for versions of one policy whose other facts are the same objects
    (``rescore_policy``).
    """
    plans = _plans(rulebook)
    values = PolicyValues(policy)
    intensities = _Intensities(firings, rulebook)
    # An impact rule counts once per policy, at its strongest firing (ties: the first policy rule);
    # only policy rules can be matched twice, a derived fact being asserted once per policy.
    groups: dict[str, list[tuple[float, int, Firing]]] = {}
    for firing in intensities.firings:
        index = firing.facts[0].get(INDEX_KEY)
        position = index if isinstance(index, int) else -1
        # A rule with no dose on a policy rule is at full intensity: round(1.0, 3) is 1.0.
        intensity = 1.0 if plans[firing.code].plain else round(intensities.of(firing), 3)
        groups.setdefault(firing.code, []).append((intensity, position, firing))
    out: list[Contribution] = []
    contacts = 0.0
    customer_facing = policy.scope.customer_facing
    for code, group in groups.items():
        if len(group) == 1:
            intensity, _, firing = group[0]
            also: list[int] = []
        else:
            intensity, _, firing = max(group, key=lambda g: (g[0], -g[1]))
            also = sorted(i for _, i, f in group if f is not firing and i >= 0)
        if intensity <= 0:
            continue
        plan = plans[code]
        rule = plan.rule
        fact = firing.facts[0]
        memo_key = (code, id(fact), intensity, tuple(also), firing.chain)
        hit = memo.get(memo_key) if memo is not None else None
        if hit is not None:
            out.extend(hit[1])
            contacts = max(contacts, hit[2])
            continue
        start, reached = len(out), 0.0
        index = fact.get(INDEX_KEY)
        lookup = values.lookup(fact)
        reason = plan.because.fill(lookup)
        if rule.dose:
            reason += _dose_text(rule, fact, intensity)
        reason += plan.thresholds
        matched: dict[str, Any] = {}
        if index is not None:
            matched[INDEX_KEY] = index
        for key in plan.keys:
            value = fact[key] if key in fact else values.get(index, key)  # ``lookup``, inline
            if value is not None:
                matched[key] = value
        modelled = bool(fact.get(MODELLED_KEY))
        dose = round(intensity, 4)
        chain = firing.chain
        shared = False
        for criterion, base, customer, mechanism, replaced in plan.impacts:
            if modelled and replaced:
                continue  # the queue model's QUE rules give these points from the team's own numbers
            delta = round(base * intensity, 4)
            if delta == 0:
                continue
            if customer and customer_facing:
                share = fact.get(rule.reach) if rule.reach else 1.0
                if isinstance(share, (int, float)) and not isinstance(share, bool):
                    reached = max(reached, min(1.0, max(0.0, float(share))))
            # Built without validation: every value already has the field's type (the
            # identity corpus and a validating round trip in the tests hold it so).
            out.append(
                trusted_row(
                    Contribution,
                    code,
                    rule.name,
                    criterion,
                    delta,
                    reason,
                    list(plan.evidence),
                    dict(matched) if shared else matched,
                    list(chain),
                    base,
                    dose,
                    plan.band,
                    plan.strength,
                    mechanism,
                    list(also) if shared else also,
                )
            )
            shared = True  # later contributions of this firing get their own copies
        contacts = max(contacts, reached)
        if memo is not None:
            memo[memo_key] = (fact, out[start:], reached)  # the fact is held: its identity is not reused
    # Stable order for output: by policy rule, then rule code, then criterion.
    out.sort(key=_contribution_order)
    return out, round(contacts, 4)


def _not_assessed(policy: Policy, firings: Sequence[Firing]) -> list[NotAssessed]:
    seen = {f.facts[0].get(INDEX_KEY) for f in firings}
    return [
        trusted(NotAssessed, rule=rule_ref(policy.id, i), reason=_not_assessed_reason(rule))
        for i, rule in enumerate(policy.rules)
        if i not in seen
    ]


def score_policies(
    policies: Sequence[Policy],
    *,
    rulebook: Rulebook,
    settings: Settings,
    files: Mapping[str, str] | None = None,
    queue_costs: bool = True,
) -> EvaluationRun:
    """Score policies together: contributions, scores and verdict per policy; no conflicts yet.

    ``files`` maps policy id to its file, for output. ``queue_costs=False`` leaves the cost of
    decency out of the queue results (remedy trials and sweeps, which only read the scores).
    """
    with batch_gc_for(len(policies)):
        return _score_policies(policies, rulebook, settings, files, queue_costs)


def _score_policies(
    policies: Sequence[Policy],
    rulebook: Rulebook,
    settings: Settings,
    files: Mapping[str, str] | None,
    queue_costs: bool,
) -> EvaluationRun:
    book = rulebook
    by_id = {p.id: p for p in sorted(policies, key=lambda p: p.id)}
    catalog = settings.metric_catalog  # built from the settings: once per evaluation, not per policy
    facts_by_policy = {pid: rule_facts(p, catalog) for pid, p in by_id.items()}
    organisation = settings.organisation_model
    queues = dict(zip(by_id, assess_all(list(by_id.values()), organisation, cost=queue_costs), strict=True))
    for pid, impact in queues.items():
        if impact is not None:
            add_queue_facts(by_id[pid], facts_by_policy[pid], impact)
    all_facts = [f for pid in by_id for f in facts_by_policy[pid]]
    firings = run_impact(book, all_facts)

    per_policy: dict[str, list[Firing]] = {pid: [] for pid in by_id}
    for firing in firings:
        if len(firing.facts) == 1:
            per_policy[firing.facts[0][POLICY_KEY]].append(firing)

    known = dict(files or {})
    results: list[PolicyResult] = []
    traces: dict[str, Trace] = {}
    for pid, policy in by_id.items():
        results.append(_policy_result(policy, per_policy[pid], book, queue=queues[pid], file=known.get(pid)))
        traces[pid] = Trace(pid, facts_by_policy[pid], per_policy[pid])

    return EvaluationRun(
        evaluation=trusted(Evaluation, policies=results, conflicts=[]),
        policies=by_id,
        traces=traces,
        firings=firings,
        rulebook=book,
        settings=settings,
        files=known,
    )


def _policy_result(
    policy: Policy,
    firings: Sequence[Firing],
    book: Rulebook,
    *,
    queue: Any,
    file: str | None,
    memo: ContributionMemo | None = None,
) -> PolicyResult:
    """One policy's result from its firings: contributions, scores, ranges, verdict, reach."""
    margin = book.scoring.verdicts.margin
    contributions, contacts = _contributions(policy, firings, book, memo)
    scores, spans = score_and_ranges(contributions, book)
    # Built without validation: each field gets a value of its type from the engine itself
    # (the identity corpus and a validating round trip in the tests hold it so).
    return trusted(
        PolicyResult,
        id=policy.id,
        title=policy.title,
        verdict=verdict(scores.employee, scores.customer, margin),
        scores=scores,
        contributions=contributions,
        file=file,
        legal=None if policy.jurisdiction else NO_JURISDICTION,
        ranges=spans,
        reach=trusted(Reach, employees=policy.scope.headcount, contacts_share=contacts),
        not_assessed=_not_assessed(policy, firings),
        uncertain=uncertain_sides(spans, margin),
        queue=queue,
    )


def _derived_name(rule: ImpactRule) -> str | None:
    """The derived fact a rule on derived facts waits for (None for a rule on policy rules)."""
    name = rule.when.get(DERIVED_KEY) if rule.on_derived else None
    return name if isinstance(name, str) else None


def _linked_names(rulebook: Rulebook, names: set[str]) -> set[str] | None:
    """The derived facts linked to ``names`` through the rulebook's chains (either way), ``names``
    included; None when a rule waits for derived facts by a condition other than one name."""
    links: dict[str, set[str]] = {}
    for rule in rulebook.impact_rules:
        if not rule.on_derived:
            continue
        source = _derived_name(rule)
        if source is None:
            return None
        for name in rule.derive:
            links.setdefault(source, set()).add(name)
            links.setdefault(name, set()).add(source)
    found = set(names)
    todo = list(names)
    while todo:
        for other in links.get(todo.pop(), ()):
            if other not in found:
                found.add(other)
                todo.append(other)
    return found


def _policy_facts(policy: Policy, settings: Settings, queue_costs: bool) -> tuple[list[Fact], Any]:
    """A policy's facts as ``score_policies`` makes them (queue facts added), and its queue result."""
    facts = rule_facts(policy, settings.metric_catalog)
    queue = assess(policy, settings.organisation_model, cost=queue_costs)
    if queue is not None:
        add_queue_facts(policy, facts, queue)
    return facts, queue


def rescore_policy(
    run: EvaluationRun, policy: Policy, *, queue_costs: bool = True, memo: ContributionMemo | None = None
) -> EvaluationRun:
    """``policy`` scored alone, as ``score_policies([policy])`` scores it, reusing what ``run`` fired.

    For a changed version of a policy of ``run`` (a remedy's patch): an impact
    rule on a policy rule reads that rule's fact alone, so the firings of the
    facts that are unchanged (equal, context and queue keys included) are taken
    from ``run``, and only the changed facts go through the Rete engine. Derived
    facts are the exception: a derived fact is asserted once per policy, and
    its chain names the firing that derived it first, so when a changed fact
    derives (or derived) a fact, that fact and every one linked to it through
    the rulebook's chains are derived again, in one session with every fact
    that derives one of them. The firings are the same; their order in the
    trace is not the engine's (scores do not depend on it). When half the facts
    or more changed (a small policy), they all go through one session. A policy of no
    trace in ``run``, with fewer rules, or with a condition on derived facts the
    linking cannot follow is scored in full. ``memo`` (one per ``run``, kept
    between calls) keeps the contributions of unchanged facts, which are then
    not written again.
    """
    book = run.rulebook
    settings = run.settings
    pid = policy.id
    before = run.traces.get(pid)
    facts, queue = _policy_facts(policy, settings, queue_costs)
    if before is None or len(facts) < len(before.facts):
        return score_policies([policy], rulebook=book, settings=settings, queue_costs=queue_costs)
    old = before.facts
    original = run.policies[pid]
    rules_before = original.rules
    changed = {
        i
        for i, fact in enumerate(facts)
        if i >= len(old) or fact != old[i] or policy.rules[i] != rules_before[i]
    }
    if policy.model_dump(exclude={"rules"}) != original.model_dump(exclude={"rules"}):
        changed = set(range(len(facts)))  # the policy's own fields are read by every reason
    # An unchanged fact is the one ``run`` holds: what is worked out per fact (the joins' sides) is kept.
    facts = [fact if i in changed else old[i] for i, fact in enumerate(facts)]
    if not changed:
        firings = list(before.firings)
    elif 2 * len(changed) >= len(facts):
        firings = run_impact(book, facts)  # most of a small policy changed: one session, as in full
    else:
        found = _refire(book, facts, changed, before.firings)
        if found is None:
            return score_policies([policy], rulebook=book, settings=settings, queue_costs=queue_costs)
        firings = found
    result = _policy_result(policy, firings, book, queue=queue, file=None, memo=memo)
    return EvaluationRun(
        evaluation=trusted(Evaluation, policies=[result], conflicts=[]),
        policies={pid: policy},
        traces={pid: Trace(pid, facts, firings)},
        firings=firings,
        rulebook=book,
        settings=settings,
    )


def _refire(
    book: Rulebook, facts: Sequence[Fact], changed: set[int], before: Sequence[Firing]
) -> list[Firing] | None:
    """The firings of a policy's ``facts`` of which only ``changed`` differ from those that fired
    ``before`` (see ``rescore_policy``); None when the derived facts cannot be linked."""
    rules = book.impact_by_code
    by_index: dict[int, list[Firing]] = {}
    derived: list[Firing] = []
    for firing in before:
        index = firing.facts[0].get(INDEX_KEY)
        if isinstance(index, int) and DERIVED_KEY not in firing.facts[0]:
            by_index.setdefault(index, []).append(firing)
        else:
            derived.append(firing)

    def derivers(names: set[str]) -> set[int]:
        """The changed facts, and the unchanged ones whose firings derive one of ``names``."""
        return changed | {
            i
            for i, firings in by_index.items()
            if i not in changed and any(names.intersection(rules[f.code].derive) for f in firings)
        }

    linked = _linked_names(
        book, {n for i in changed for f in by_index.get(i, ()) for n in rules[f.code].derive}
    )
    if linked is None:
        return None
    session = derivers(linked)
    again = run_impact(book, [facts[i] for i in sorted(session)])
    new = {
        n
        for f in again
        if DERIVED_KEY not in f.facts[0] and f.facts[0][INDEX_KEY] in changed
        for n in rules[f.code].derive
    }
    more = _linked_names(book, new)
    if more is None:
        return None
    if not more <= linked:
        # The changed facts now derive what they did not: derive those facts again, from all theirs.
        linked |= more
        session = derivers(linked)
        again = run_impact(book, [facts[i] for i in sorted(session)])
    kept = [f for i in sorted(by_index) if i not in session for f in by_index[i]]
    on_rules = [f for f in again if DERIVED_KEY not in f.facts[0]]
    derived = [f for f in derived if f.facts[0][DERIVED_KEY] not in linked]
    derived += [f for f in again if DERIVED_KEY in f.facts[0] and f.facts[0][DERIVED_KEY] in linked]
    return [*kept, *on_rules, *derived]
