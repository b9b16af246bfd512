"""Remedies: patch a copy of a policy, evaluate it again, and rank what each patch does.

Which remedies a conflict tries: a contradiction or incentive tries the remedies
its conflict rule lists; a harm finding tries, on each policy rule behind the
harm, the remedies that the impact rules behind it list (``ImpactRule.remedies``:
private coaching for a public reprimand), and every remedy in the rulebook
when none of those fits the rule; a trade-off or guardrail breach tries every remedy in
the rulebook. Either way a remedy is tried on each of the conflict's rules whose
fact meets its ``applies_to``, and a patch that would change nothing is skipped.
A remedy that adds a rule (``add_rule``) or sets only scope fields is tried
once per policy of the conflict (a missing break names every break rule of the
policy, and one added break is the remedy, not one per rule); when the conflict
names no rule (a daily limit), ``applies_to`` is held to the policy's
``scope.*`` and ``policy.*`` keys. On a guardrail breach the remedies that
add a rule or set the scope are tried first, then those whose values are worked
out from the breach (``{compute: ...}``), then the others.
At most ``MAX_CANDIDATES`` are tried per conflict and ``MAX_REMEDIES`` kept.
A remedy that fits several rules of one policy in the conflict (two
bonus-linked targets) is offered once for that policy, on the rule where it
ranks best; on each of two policies it is offered for each, since each policy
has its own owner. Every remedy names the policy and rule it patches.

How a remedy is tried: the patch is applied by the policy patcher
(``policyweigh.patching``: fields set on a rule, ``null`` removes a field; a rule
added after the last; scope fields set), which validates the policy again; a
patch that makes an invalid policy is a rulebook bug and raises
``RulebookError`` naming the remedy. A value ``{compute: NAME}`` is worked out
from the guardrail breach, each by trying candidates against the checker
(``policyweigh.law.verdict.check_law``) until one clears the breach, so a computed remedy is
offered only where it works (``COMPUTED_PATCHES``):

- ``legal-break-slot``: the blocked windows with the latest slot cut out for
  each shift start that misses its deadline (``legal_break_slot``);
- ``legal-break-length``: the shortest break length that clears the breach
  (``legal_break_length``);
- ``legal-break-rule``: the smallest break rule to add where no break of the
  policy can count for the requirement (``legal_break_rule``);
- ``legal-split-length``: the shortest part for two parts of a break, where
  the law allows splitting it (``legal_split_length``);
- ``legal-latest-start``: the latest start after the shift starts that keeps
  the first break within the law's deadline (``legal_latest_start``);
- ``legal-shift-hours``: the longest shift that keeps within a daily limit on
  working time (``legal_shift_hours``).

The patched policy is scored on its own (its scores depend on nothing else) by
the ``Rescore`` function the caller passes in (``policyweigh.orchestration`` passes
the evaluation's own scoring, so this module never starts an evaluation itself):
that is one *re-evaluation*. Its conflicts are then tested again
(``detect_conflicts``, without remedies, so there is no recursion, and
without explanations, which a trial never reads), but only
where the patch can change them: a patch changes the fact of one rule (or adds
one), so a join conflict between two other rules stays as it was, and the Rete
joins see only the patched rule's fact and the facts that can pair with it (the
policy's own, and other policies' from an index built once); a patch of the
scope changes every fact of the policy, whose joins are all tested again.
Trade-offs and guardrail breaches, which come from the whole policy, are found
again. So the work of one patch grows with what the patched rule can clash
with, not with the conflicts of the policy (a 100-rule policy with 2,500
conflicts used to test all 2,500 again per patch) nor with the library.
``resolves`` says whether the conflict (same code, policies and rules) is
gone; a guardrail breach is resolved only when no breach of the same code is
left on the policy's rules it named or on a rule the patch added (lengthening
one rule of a missing break can leave a break that is too short, which names
fewer rules but is the same breach). On a guardrail breach only the remedies
that resolve it are offered: a remedy that leaves the law broken is no remedy
for it (lifting a blocked window does not pay a rest break). ``new_conflicts``
lists the codes of conflicts of the patched policy that were not there before.
The same patch is worked out once however many conflicts try it.

The work is bounded by a ``RemedyBudget``: at most ``MAX_PATCHES``
re-evaluations per evaluation by default. Conflicts are served in their sorted
order, most severe first; a conflict whose untried patches would go past the
budget gets no remedies, and the budget counts it in ``skipped`` so the
command can say so.

Ranking (best first):

1. remedies that resolve the conflict come before those that do not;
2. then by benefit, highest first: employee change + customer change, where a
   side that gets worse counts ``1 + WORSE_WEIGHT`` times its loss, minus
   ``NEW_CONFLICT_PENALTY`` points for each new conflict;
3. then by remedy code and patch, so the order is deterministic.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

from policyweigh.conflicts import (
    HARM_SIDES,
    active_across,
    attribute,
    conflict_identity,
    detect_conflicts,
    guardrail_settings,
)
from policyweigh.errors import InputError, RulebookError
from policyweigh.evaluation import EvaluationRun, Rescore
from policyweigh.facts import INDEX_KEY, POLICY_KEY, Fact, context_facts
from policyweigh.formatting import format_minutes
from policyweigh.law.check import GuardrailReport, GuardrailSettings
from policyweigh.law.verdict import check_law
from policyweigh.patching import Change, FieldChange, NewRule, patch_changes, patch_policy, rule_changes
from policyweigh.policy import MAX_BLOCKED_WINDOWS, BreakRule, Policy
from policyweigh.results import (
    Conflict,
    Evaluation,
    Patch,
    RemedyResult,
    ScoresAfter,
    parse_rule_ref,
    rule_ref,
)
from policyweigh.rete import join_sides
from policyweigh.rulebook import ConflictRule, Remedy
from policyweigh.rulebook.guardrails import BreakRequirement, GuardrailPacks, hours_to_minutes
from policyweigh.rulebook.models import when_holds

__all__ = [
    "COMPUTED_PATCHES",
    "MAX_CANDIDATES",
    "MAX_PATCHES",
    "MAX_REMEDIES",
    "NEW_CONFLICT_PENALTY",
    "WORSE_WEIGHT",
    "Candidate",
    "RemedyBudget",
    "apply_patch",
    "attach_remedies",
    "benefit",
    "candidates",
    "legal_break_length",
    "legal_break_rule",
    "legal_break_slot",
    "legal_latest_start",
    "legal_shift_hours",
    "legal_split_length",
    "rank_key",
    "try_remedy",
]

MAX_CANDIDATES = 8
"""Remedies tried per conflict."""
MAX_REMEDIES = 5
"""Remedies kept per conflict, after ranking."""
WORSE_WEIGHT = 2
"""Extra weight of a side's loss in the ranking: a loss of 5 points counts as 15."""
NEW_CONFLICT_PENALTY = 20
"""Points a remedy loses in the ranking for each new conflict it creates."""
MAX_PATCHES = 1_000
"""Re-evaluations (distinct patches worked out) per evaluation, unless a ``RemedyBudget`` says otherwise."""

COMPUTED_PATCHES = (
    "legal-break-slot",
    "legal-break-length",
    "legal-break-rule",
    "legal-split-length",
    "legal-latest-start",
    "legal-shift-hours",
)
"""Names a patch value ``{compute: NAME}`` may take (``legal-break-rule`` as a whole ``add_rule``,
``legal-shift-hours`` as a ``scope`` value, the others as a rule's field)."""

_STEP = 5  # minutes between the break slots tried by legal_break_slot


@dataclass(frozen=True)
class Candidate:
    """A remedy on one policy rule (or on the policy, for a rule it adds or its scope), with its
    patch worked out."""

    remedy: Remedy
    policy: str
    rule_index: int | None
    """The rule patched, or the index of the rule added; None when only the scope is set."""
    values: Mapping[str, Any]
    """Fields to set (None removes a field), or every field of the rule added; computed values
    filled in."""
    action: Literal["set", "add-rule"] = "set"
    scope: Mapping[str, Any] = field(default_factory=dict)
    """Scope fields to set (None removes a field), computed values filled in."""

    def patch(self) -> Patch:
        """The declarative patch as conflicts show it."""
        return Patch(
            policy=self.policy,
            rule_index=self.rule_index,
            set=dict(self.values),
            action=self.action,
            scope=dict(self.scope),
        )

    @functools.cached_property
    def key(self) -> str:
        """One string per distinct patch, for caching."""
        return json.dumps([self.remedy.code, self.patch().model_dump(mode="json")], sort_keys=True)


@dataclass(frozen=True)
class _Outcome:
    employee: int
    customer: int
    after: frozenset[tuple[str, ...]]
    """Identities of the patched policy's conflicts after the patch."""
    new: tuple[str, ...]
    """Codes of the conflicts that were not there before."""


# --------------------------------------------------------------------------- patches


def apply_patch(policy: Policy, patch: Patch, *, remedy: str) -> Policy:
    """A copy of ``policy`` with ``patch`` applied: fields set on ``rules[patch.rule_index]`` (None
    removes a field), or ``patch.set`` added as that rule (``add-rule``), and ``patch.scope`` set.

    Raises ``RulebookError`` naming the remedy when the patched policy is
    invalid: a remedy of the rulebook that breaks a valid policy is a bug of the rulebook.
    """
    index = patch.rule_index
    ref = rule_ref(policy.id, index) if index is not None else policy.id
    try:
        changes = patch_changes(patch)
    except ValueError as err:
        raise RulebookError(f"remedy {remedy} cannot patch {policy.id}: {err}") from None
    added_at = index if patch.action == "add-rule" else None
    try:
        return patch_policy(policy, changes, label=f"{ref} patched by {remedy}", added_at=added_at)
    except InputError as err:
        first = err.problems[0]
        prefix = f"rules[{index}]." if index is not None else ""
        where = first.path[len(prefix) :] if prefix and first.path.startswith(prefix) else first.path
        detail = first.message + (f" (did you mean {first.suggestion!r}?)" if first.suggestion else "")
        raise RulebookError(f"remedy {remedy} makes {ref} invalid: {where}: {detail}") from None


def _windows_data(windows: Sequence[tuple[int, int]]) -> list[dict[str, str]]:
    return [{"from": format_minutes(s), "to": format_minutes(e)} for s, e in sorted(windows)]


def _cut(windows: Sequence[tuple[int, int]], start: int, end: int) -> list[tuple[int, int]]:
    """Windows with the span [start, end) taken out of them."""
    out: list[tuple[int, int]] = []
    for s, e in windows:
        if e <= start or s >= end:
            out.append((s, e))
            continue
        if s < start:
            out.append((s, start))
        if end < e:
            out.append((end, e))
    return out


def legal_break_slot(
    policy: Policy,
    rule_index: int,
    code: str,
    settings: GuardrailSettings,
    packs: GuardrailPacks,
) -> list[dict[str, str]] | None:
    """Blocked windows with, for each shift start that misses guardrail ``code``, the latest slot cut out.

    Shift starts are taken one at a time; for one that still breaches ``code``
    on the rule, slots of the rule's break length are tried from the latest
    (every ``_STEP`` minutes) and the first whose removal clears the breach for
    that start is cut out, so the windows shrink no more than needed. Returns
    None when no slot clears every start (a breach of length, not of timing, or
    a rule with no blocked window), which is checked on the whole policy.
    """
    rule = policy.rules[rule_index]
    if not isinstance(rule, BreakRule) or not rule.blocked_windows:
        return None
    ref = rule_ref(policy.id, rule_index)
    windows = [part for w in rule.blocked_windows for part in w.parts()]
    length = rule.min_minutes

    def breaches(candidate: Sequence[tuple[int, int]], start: str | None) -> bool:
        changes = [FieldChange(rule_index, ("blocked_windows",), _windows_data(candidate))]
        if start is not None:
            changes.append(FieldChange("scope", ("shift_starts",), [start]))
        trial = patch_policy(policy, changes, label=f"{ref} with a break slot tried")
        report = check_law(trial, settings=settings, packs=packs)
        return any(c.code == code and ref in c.rules for c in report.conflicts)

    starts: list[str | None] = list(sorted(policy.scope.shift_starts)) or [None]
    for start in starts:
        if not breaches(windows, start):
            continue
        latest = max(e for _, e in windows)
        for begin in range(min(latest, 24 * 60) - length, -1, -_STEP):
            trial = _cut(windows, begin, begin + length)
            # A cut that splits the windows past what a rule may hold is no remedy a policy can take.
            if len(trial) > MAX_BLOCKED_WINDOWS:
                continue
            if trial != windows and not breaches(trial, start):
                windows = trial
                break
        else:
            return None
    if breaches(windows, None):
        return None
    return _windows_data(windows)


_LENGTH_STEP = 5  # minutes between the break lengths tried by legal_break_length
_MAX_BREAK_MINUTES = 240  # the longest break a break rule may hold (policy format)


def legal_break_length(
    policy: Policy,
    rule_index: int,
    code: str,
    settings: GuardrailSettings,
    packs: GuardrailPacks,
    also: Mapping[str, Any] | None = None,
) -> int | None:
    """The shortest break length (in steps of 5 minutes) that clears guardrail ``code`` on the rule.

    For a breach of length (a 9.5-hour German shift with a 15-minute lunch needs
    45 minutes). Lengths above the rule's own are tried upwards, each checked on
    the whole policy, up to the longest break the jurisdiction's pack asks for;
    None when none clears it (a breach of
    timing, not of length: ``legal_break_slot`` is for those), or when the rule
    is no break rule. ``also`` are the remedy's other fields, set on the rule in
    every trial (a rest break made a break of any kind, for a missing meal
    period); with them, the rule's own length is tried first.
    """
    rule = policy.rules[rule_index]
    if not isinstance(rule, BreakRule):
        return None
    ref = rule_ref(policy.id, rule_index)
    fixed = rule_changes(rule_index, also or {})
    # Never longer than the longest break the jurisdiction's law asks for: a longer unpaid break
    # can clear a breach only by shortening the working day under a threshold (two hours off an
    # 8-hour German day leave 6 hours of work, which need no break), which is no remedy for staff.
    longest = _longest(policy, packs)
    lengths = list(range((rule.min_minutes // _LENGTH_STEP + 1) * _LENGTH_STEP, longest + 1, _LENGTH_STEP))
    if fixed:
        lengths.insert(0, rule.min_minutes)
    for minutes in lengths:
        changes = [*fixed, FieldChange(rule_index, ("min_minutes",), minutes)]
        trial = patch_policy(policy, changes, label=f"{ref} with a {minutes}-minute break tried")
        report = check_law(trial, settings=settings, packs=packs)
        if not any(c.code == code and ref in c.rules for c in report.conflicts):
            return minutes
    return None


_MAX_RULES = 100  # the most rules a policy may hold (policy format)
_START_STEP = 15  # minutes between the latest starts tried by legal_latest_start
_SHIFT_STEP = 15  # minutes between the shift lengths tried by legal_shift_hours


def _requirement(policy: Policy, code: str, packs: GuardrailPacks) -> BreakRequirement | None:
    """The break requirement ``code`` of the policy's pack; None for another code or no pack."""
    pack = packs.get(policy.jurisdiction or "")
    if pack is None:
        return None
    return next((r for r in pack.requirements if r.code == code), None)


def _longest(policy: Policy, packs: GuardrailPacks) -> int:
    """The longest break the policy's pack asks for (the longest a break rule may be without one)."""
    pack = packs.get(policy.jurisdiction or "")
    due = [r.min_minutes for r in pack.requirements if r.min_minutes] if pack is not None else []
    return max(due, default=_MAX_BREAK_MINUTES)


def _report(
    policy: Policy, changes: Sequence[Change], settings: GuardrailSettings, packs: GuardrailPacks, label: str
) -> GuardrailReport:
    """The guardrail report of the policy with ``changes`` applied."""
    trial = patch_policy(policy, changes, label=label)
    return check_law(trial, settings=settings, packs=packs)


def _clears(report: GuardrailReport, code: str, ref: str) -> bool:
    """Whether no breach ``code`` of the report names rule ``ref``."""
    return not any(c.code == code and ref in c.rules for c in report.conflicts)


def legal_break_rule(
    policy: Policy,
    code: str,
    settings: GuardrailSettings,
    packs: GuardrailPacks,
) -> dict[str, Any] | None:
    """The smallest break rule to add for guardrail ``code``, where no break rule of the policy is of
    a kind the requirement binds (a missing break: a Californian shift with paid rests and no meal
    period, a German or UK shift with only 10-minute rests).

    A rule of a bound kind that falls short is lengthened or split, not doubled, so none is added
    next to one. The kinds the requirement binds are tried in its order, each from the shortest
    lawful break (the minimum part where the law allows splitting, else the minimum; the checker's
    default length where the law leaves it open) up in steps of 5 minutes to the longest break the
    pack asks for; the rule is paid where the law counts the break as paid, with no blocked window.
    Returns the fields of the first rule whose addition leaves no breach ``code`` naming it (its
    ``kind``, ``break``, ``min_minutes`` and ``paid``); None when the policy already has a rule of a
    bound kind, holds the most rules a policy may, or no such rule clears the breach.
    """
    req = _requirement(policy, code, packs)
    if req is None or not req.breaks or len(policy.rules) >= _MAX_RULES:
        return None
    if any(isinstance(r, BreakRule) and r.break_ in req.binds for r in policy.rules):
        return None
    full = req.min_minutes if req.min_minutes is not None else settings.default_break_minutes
    shortest = req.min_block_minutes if req.min_block_minutes is not None else full
    ref = rule_ref(policy.id, len(policy.rules))
    for kind in req.binds:
        for minutes in range(shortest, max(full, _longest(policy, packs)) + 1, _LENGTH_STEP):
            rule: dict[str, Any] = {
                "kind": "break-rule",
                "break": kind,
                "min_minutes": minutes,
                "paid": req.paid,
            }
            label = f"{policy.id} with a {minutes}-minute {kind} break added"
            if _clears(_report(policy, [NewRule(rule)], settings, packs, label), code, ref):
                return rule
    return None


def legal_split_length(
    policy: Policy,
    rule_index: int,
    code: str,
    settings: GuardrailSettings,
    packs: GuardrailPacks,
) -> int | None:
    """The shortest part (in steps of 5 minutes) for two parts of the break that clear guardrail
    ``code`` on the rule, where the law allows splitting the break (Arbeidstijdenwet art. 5:4: 30
    minutes as 2 x 15; ArbZG section 4: parts of at least 15 minutes).

    Parts from the law's minimum part up to half the total are tried, each with ``count: 2`` on the
    whole policy. None when the law allows no split, the rule is no break rule or already gives
    more than one break (or one every so many hours), or no split clears the breach.
    """
    rule = policy.rules[rule_index]
    if not isinstance(rule, BreakRule) or rule.every_hours is not None or (rule.count or 1) != 1:
        return None
    req = _requirement(policy, code, packs)
    if req is None or req.min_block_minutes is None or req.min_minutes is None:
        return None
    ref = rule_ref(policy.id, rule_index)
    block = req.min_block_minutes
    half = -(-req.min_minutes // (2 * _LENGTH_STEP)) * _LENGTH_STEP  # half the total, up to 5 minutes
    for minutes in range(block, max(block, half) + 1, _LENGTH_STEP):
        changes = rule_changes(rule_index, {"count": 2, "min_minutes": minutes})
        label = f"{ref} as two {minutes}-minute parts"
        if _clears(_report(policy, changes, settings, packs, label), code, ref):
            return minutes
    return None


def _hours_value(minutes: int) -> int | float:
    """Minutes as hours for a policy field: whole hours as an int (5, not 5.0)."""
    return minutes // 60 if minutes % 60 == 0 else minutes / 60


def legal_latest_start(
    policy: Policy,
    rule_index: int,
    code: str,
    settings: GuardrailSettings,
    packs: GuardrailPacks,
) -> dict[str, Any] | None:
    """The latest start after the shift starts (``latest_after_hours``) that clears guardrail ``code``
    on the rule: its first break moved within the law's deadline.

    From the deadline of the first break due (Labor Code section 512: the meal starts by the end of
    the fifth hour worked; ArbZG section 4: no more than six hours in a row; an end-by deadline less
    the break's length) back in steps of 15 minutes, for up to three hours, each checked on the whole
    policy. An ``earliest_after_hours`` later than the start found is removed with it. Returns the
    fields to set; None when the requirement sets no deadline, the rule is no break rule, sets no
    start of its own (the checker then places the break wherever the law allows, so a schedule
    cannot help) or already starts as early, or no start clears the breach (a blocked window in the
    way: ``legal_break_slot`` is for those).
    """
    rule = policy.rules[rule_index]
    if (
        not isinstance(rule, BreakRule)
        or rule.earliest_after_hours is None
        and rule.latest_after_hours is None
    ):
        return None  # without a schedule of its own the break already goes wherever the law allows
    req = _requirement(policy, code, packs)
    deadline = req.breaks[0].deadline if req is not None and req.breaks else None
    if deadline is None:
        return None
    latest = hours_to_minutes(deadline.hours) - (rule.min_minutes if deadline.kind == "end-by" else 0)
    ref = rule_ref(policy.id, rule_index)
    current = rule.latest_after_hours
    for minutes in range(latest, max(latest - 180, 0), -_START_STEP):
        if current is not None and hours_to_minutes(current) <= minutes:
            continue
        fields: dict[str, Any] = {"latest_after_hours": _hours_value(minutes)}
        early = rule.earliest_after_hours
        if early is not None and hours_to_minutes(early) > minutes:
            fields["earliest_after_hours"] = None
        label = f"{ref} starting by {minutes} minutes into the shift"
        if _clears(_report(policy, rule_changes(rule_index, fields), settings, packs, label), code, ref):
            return fields
    return None


def legal_shift_hours(
    policy: Policy,
    code: str,
    settings: GuardrailSettings,
    packs: GuardrailPacks,
) -> int | float | None:
    """The longest shift (``scope.shift_hours``, in steps of 15 minutes) that clears guardrail ``code``,
    a limit on the working day (ArbZG section 3, Code du travail L3121-18), not a break requirement.

    Shorter shifts are tried from the one below the policy's (or the checker's default) down to
    one hour, each checked on the whole policy; the first with no breach ``code`` is returned. None
    for a break requirement's code (a shorter day is no remedy for a missing break), for a policy
    with no pack, for a code the checker does not report on the policy, or when no length clears it.
    """
    pack = packs.get(policy.jurisdiction or "")
    if pack is None or any(r.code == code for r in pack.requirements):
        return None
    if not any(c.code == code for c in _report(policy, [], settings, packs, policy.id).conflicts):
        return None  # not a breach the checker reports: nothing to shorten the shift for
    hours = policy.scope.shift_hours if policy.scope.shift_hours is not None else settings.default_shift_hours
    current = hours_to_minutes(hours)
    below = (current - 1) // _SHIFT_STEP * _SHIFT_STEP
    for minutes in range(below, 59, -_SHIFT_STEP):
        change = FieldChange("scope", ("shift_hours",), _hours_value(minutes))
        report = _report(policy, [change], settings, packs, f"{policy.id} with a shorter shift")
        if not any(c.code == code for c in report.conflicts):
            return _hours_value(minutes)
    return None


def _computed(
    name: str,
    key: str,
    remedy: Remedy,
    policy: Policy,
    index: int | None,
    conflict: Conflict,
    settings: GuardrailSettings,
    packs: GuardrailPacks,
) -> dict[str, Any] | None:
    """The fields a ``{compute: name}`` value of field ``key`` sets for this conflict (usually just
    ``key``; for ``legal-break-rule`` the new rule's fields), or None when it does not apply."""
    if name not in COMPUTED_PATCHES:
        raise RulebookError(
            f"remedy {remedy.code}: unknown computed patch {name!r}; known: {', '.join(COMPUTED_PATCHES)}"
        )
    if conflict.kind != "guardrail":
        return None
    code = conflict.code
    if name == "legal-break-rule":
        return legal_break_rule(policy, code, settings, packs)
    if name == "legal-shift-hours":
        shift = legal_shift_hours(policy, code, settings, packs)
        return None if shift is None else {key: shift}
    if index is None:
        return None
    if name == "legal-latest-start":
        return legal_latest_start(policy, index, code, settings, packs)
    value: Any
    if name == "legal-break-slot":
        value = legal_break_slot(policy, index, code, settings, packs)
    elif name == "legal-split-length":
        value = legal_split_length(policy, index, code, settings, packs)
    else:
        also = {k: v for k, v in remedy.patch.items() if not _is_computed(v)}
        value = legal_break_length(policy, index, code, settings, packs, also)
    return None if value is None else {key: value}


def _is_computed(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"compute"}


def _is_noop(policy: Policy, index: int | None, values: Mapping[str, Any], scope: Mapping[str, Any]) -> bool:
    """Whether setting ``values`` on rule ``index`` and ``scope`` on the scope changes nothing."""
    current: dict[str, Any] = {}
    if index is not None:
        current = policy.rules[index].model_dump(mode="json", by_alias=True, exclude_none=True)
    in_scope = policy.scope.model_dump(mode="json", by_alias=True, exclude_none=True)
    for present, changes in ((current, values), (in_scope, scope)):
        for key, value in changes.items():
            if value is None and key in present:
                return False
            if value is not None and present.get(key) != value:
                return False
    return True


def _candidate(
    remedy: Remedy,
    policy: Policy,
    index: int | None,
    conflict: Conflict,
    settings: GuardrailSettings,
    packs: GuardrailPacks,
) -> Candidate | None:
    """The remedy on rule ``index`` of the policy (None: on the policy), its values worked out; None
    when a computed value does not apply or the patch changes nothing."""
    values: dict[str, Any] = {}
    action: Literal["set", "add-rule"] = "set"
    target = index
    if remedy.add_rule is not None:
        added: dict[str, Any] | None = dict(remedy.add_rule)
        if _is_computed(remedy.add_rule):
            name = str(remedy.add_rule["compute"])
            added = _computed(name, "add_rule", remedy, policy, index, conflict, settings, packs)
        if added is None or len(policy.rules) >= _MAX_RULES:
            return None
        values, action, target = added, "add-rule", len(policy.rules)
    elif not remedy.patch:
        target = None

    def worked_out(written: Mapping[str, Any], into: dict[str, Any]) -> bool:
        """Fill ``into`` with the written fields, computed ones worked out; False when one does not apply."""
        for key, value in written.items():
            if not _is_computed(value):
                into[key] = value
                continue
            fields = _computed(str(value["compute"]), key, remedy, policy, index, conflict, settings, packs)
            if fields is None:
                return False
            into.update(fields)
        return True

    scope: dict[str, Any] = {}
    if not worked_out(remedy.patch, values) or not worked_out(remedy.scope, scope):
        return None
    if action == "set" and _is_noop(policy, target, values, scope):
        return None
    return Candidate(remedy, policy.id, target, values, action, scope)


FactIndex = Mapping[tuple[str, int], Fact]


def fact_index(run: EvaluationRun) -> dict[tuple[str, int], Fact]:
    """Every policy rule's fact by (policy id, rule index)."""
    return {(pid, int(f[INDEX_KEY])): f for pid, trace in run.traces.items() for f in trace.facts}


def _targets(
    run: EvaluationRun, conflict: Conflict, facts: FactIndex
) -> list[tuple[Policy, int | None, Fact]]:
    """What a conflict's remedies are tried on: each rule it names, with its fact; when it names no
    rule, each of its policies, with the policy's ``scope.*`` and ``policy.*`` keys."""
    found: list[tuple[Policy, int | None, Fact]] = []
    for ref in conflict.rules:
        policy_id, index = parse_rule_ref(ref)
        policy = run.policies.get(policy_id)
        fact = facts.get((policy_id, index)) if policy is not None else None
        if policy is not None and fact is not None:
            found.append((policy, index, fact))
    if not conflict.rules:
        found.extend(
            (run.policies[pid], None, context_facts(run.policies[pid]))
            for pid in conflict.policies
            if pid in run.policies
        )
    return found


def _legal_order(candidate: Candidate) -> int:
    """Which candidates of a guardrail breach are tried first: a rule added or the scope set (0), then
    values worked out from the breach (1), then the rest (2)."""
    if candidate.remedy.per_policy:
        return 0
    return 1 if any(_is_computed(v) for v in candidate.remedy.patch.values()) else 2


def candidates(run: EvaluationRun, conflict: Conflict, *, facts: FactIndex | None = None) -> list[Candidate]:
    """The remedies a conflict tries, each on a rule it fits, patches worked out (at most MAX_CANDIDATES).

    A remedy that adds a rule or sets only the scope is tried once per policy. ``facts`` is
    ``fact_index(run)``, when the caller asks for many conflicts.
    """
    facts = fact_index(run) if facts is None else facts
    book = run.rulebook
    rule = book.rules_by_code.get(conflict.code)
    everything = [book.remedies[code] for code in sorted(book.remedies)]
    listed = [book.remedies[code] for code in rule.remedies] if isinstance(rule, ConflictRule) else everything
    harm = _harm_remedies(run, conflict) if conflict.kind == "harm" else {}
    checker = guardrail_settings(run.settings)
    found: list[Candidate] = []
    once: set[tuple[str, str]] = set()
    for policy, index, fact in _targets(run, conflict, facts):
        fitting = [r for r in listed if when_holds(r.applies_to, fact)]
        if conflict.kind == "harm" and index is not None:
            named = [book.remedies[code] for code in harm.get(index, ()) if code in book.remedies]
            fitting = [r for r in named if when_holds(r.applies_to, fact)] or fitting
        for remedy in fitting:
            if remedy.per_policy:
                if (remedy.code, policy.id) in once:
                    continue
                once.add((remedy.code, policy.id))
            elif index is None:
                continue
            found_one = _candidate(remedy, policy, index, conflict, checker, book.guardrails)
            if found_one is not None:
                found.append(found_one)
    if conflict.kind == "guardrail":
        found.sort(key=_legal_order)
    return found[:MAX_CANDIDATES]


def _harm_remedies(run: EvaluationRun, conflict: Conflict) -> dict[int, list[str]]:
    """Per policy rule of a harm finding, the remedies listed by the impact rules that harm its side
    there, in the order the rules cost the side most (a derived rule counts for its chain's start)."""
    side = HARM_SIDES.get(conflict.code)
    if side is None or len(conflict.policies) != 1 or conflict.policies[0] not in run.policies:
        return {}
    book = run.rulebook
    weights = book.criteria_by_id
    out: dict[int, list[str]] = {}
    for index, contributions in attribute(run.result(conflict.policies[0]).contributions).items():
        totals: dict[str, float] = {}
        for c in contributions:
            if c.criterion.startswith(side + "."):
                totals[c.rule] = totals.get(c.rule, 0.0) + weights[c.criterion].weight * c.delta
        codes: list[str] = []
        for code in sorted((k for k, v in totals.items() if v < 0), key=lambda k: (totals[k], k)):
            impact = book.impact_by_code.get(code)
            for remedy in impact.remedies if impact is not None else ():
                if remedy not in codes:
                    codes.append(remedy)
        out[index] = codes
    return out


# --------------------------------------------------------------------------- trying and ranking


class _Partners:
    """Facts by the conflict-rule sides they meet: what a patched policy rule can pair with."""

    def __init__(self, run: EvaluationRun) -> None:
        self.rules = run.rulebook.conflict_rules
        self.codes = frozenset(rule.code for rule in self.rules)
        # A patched policy's unchanged facts are the run's own (``rescore_policy``): their sides are
        # tested once for every patch.
        self.tested = join_sides(run.rulebook)
        self.by_side: dict[tuple[str, str], list[Fact]] = {}
        for pid in sorted(run.traces):
            if not active_across(run.policies[pid]):
                continue
            for fact in run.traces[pid].facts:
                for key in self._sides(fact):
                    self.by_side.setdefault(key, []).append(fact)

    def _sides(self, fact: Fact) -> list[tuple[str, str]]:
        a, b = self.tested.of(fact)
        found = []
        for number, rule in enumerate(self.rules):
            if number in a:
                found.append((rule.code, "a"))
            if number in b:
                found.append((rule.code, "b"))
        return found

    def join_facts(
        self, run: EvaluationRun, patched: Policy, facts: Sequence[Fact], changed: Fact
    ) -> list[Fact]:
        """The patched rule's fact and every fact that can pair with it.

        Those are the patched policy's other facts and the other policies'
        facts (when the scopes overlap) that meet the other side of a conflict
        rule the changed fact meets. Pairs that do not involve the changed
        fact are not affected by the patch, so they are not looked for again.
        """
        wanted = {(code, "b" if side == "a" else "a") for code, side in self._sides(changed)}
        out = [changed]
        if not wanted:
            return out
        out.extend(f for f in facts if f is not changed and any(k in wanted for k in self._sides(f)))
        seen: set[tuple[Any, Any]] = set()
        for key in sorted(wanted):
            for fact in self.by_side.get(key, ()):
                ident = (fact[POLICY_KEY], fact[INDEX_KEY])
                if ident[0] == patched.id or ident in seen:
                    continue
                if run.policies[ident[0]].scope.overlaps(patched.scope):
                    seen.add(ident)
                    out.append(fact)
        return out


@dataclass
class RemedyBudget:
    """The work remedies may do in one evaluation, counted in policies evaluated again.

    Every distinct patch is one re-evaluation (the patched policy is scored
    again and its conflicts are tested again); ``limit`` bounds them. Conflicts
    are served in their sorted order (most severe first), so when the budget
    runs out it is the least severe ones that are left without remedies, and
    ``skipped`` says how many. Pass one to ``attach_remedies`` to read it after.
    """

    limit: int = field(default_factory=lambda: MAX_PATCHES)
    """Re-evaluations allowed (``MAX_PATCHES`` unless given)."""
    evaluations: int = 0
    """Re-evaluations done."""
    skipped: int = 0
    """Conflicts that had remedies to try but got none because the budget was spent."""


class _Before:
    """A policy's conflicts before any patch, as identities, its join conflicts by policy rule."""

    def __init__(self) -> None:
        self.identities: set[tuple[str, ...]] = set()
        self.joins: set[tuple[str, ...]] = set()
        self.joins_by_rule: dict[str, set[tuple[str, ...]]] = {}

    def add(self, conflict: Conflict, join_codes: Collection[str]) -> None:
        identity = conflict_identity(conflict)
        self.identities.add(identity)
        if conflict.code in join_codes:
            self.joins.add(identity)
            for ref in conflict.rules:
                self.joins_by_rule.setdefault(ref, set()).add(identity)


_V = TypeVar("_V")


class _Overlay(Mapping[str, _V], Generic[_V]):
    """A mapping with one key's value replaced (or added), reading through to the other mapping."""

    def __init__(self, key: str, value: _V, under: Mapping[str, _V]) -> None:
        self._key, self._value, self._under = key, value, under

    def __getitem__(self, key: str) -> _V:
        return self._value if key == self._key else self._under[key]

    def __iter__(self) -> Iterator[str]:
        yield from self._under
        if self._key not in self._under:
            yield self._key

    def __len__(self) -> int:
        return len(self._under) + (self._key not in self._under)


def _with_patched(run: EvaluationRun, patched: Policy, alone: EvaluationRun) -> EvaluationRun:
    """What detection of the patched policy reads: ``run`` with the policy replaced by its patched
    version scored ``alone``, and only that policy's result.

    Detection reads the results of the policies it is asked about and no other, so the other
    results are not copied; the policies and traces are layered over the run's, not copied
    either, so a trial costs the same in a library of any size.
    """
    pid = patched.id
    return dataclasses.replace(
        run,
        evaluation=Evaluation(policies=[alone.result(pid)], conflicts=[]),
        policies=_Overlay(pid, patched, run.policies),
        traces=_Overlay(pid, alone.traces[pid], run.traces),
        firings=(),
    )


def _outcome(
    run: EvaluationRun,
    candidate: Candidate,
    rescore: Rescore,
    partners: _Partners,
    before: _Before,
) -> _Outcome:
    """Score the patched policy again and test again the conflicts the patched rule can take part in."""
    original = run.policies[candidate.policy]
    patched = apply_patch(original, candidate.patch(), remedy=candidate.remedy.code)
    alone = rescore(patched)
    result = alone.result(patched.id)
    merged = _with_patched(run, patched, alone)
    facts = alone.traces[patched.id].facts
    if candidate.rule_index is None or candidate.scope:
        # The scope is in every fact of the policy: all its joins are tested again.
        found = detect_conflicts(merged, wanted={patched.id}, explain=False).conflicts
        touched = {rule_ref(patched.id, i) for i in range(len(patched.rules))}
    else:
        changed = next(f for f in facts if f.get(INDEX_KEY) == candidate.rule_index)
        join_facts = partners.join_facts(merged, patched, facts, changed)
        found = detect_conflicts(merged, wanted={patched.id}, join_facts=join_facts, explain=False).conflicts
        touched = {rule_ref(patched.id, candidate.rule_index)}
    # A patch changes one rule's fact (or adds one): a join conflict between two other rules is as
    # it was. Trade-offs and guardrail breaches come from the whole policy and were found again.
    kept = before.joins.difference(*(before.joins_by_rule.get(ref, set()) for ref in touched))
    fresh = {
        conflict_identity(c) for c in found if c.code not in partners.codes or touched.intersection(c.rules)
    }
    after = frozenset(kept | fresh)
    new = tuple(sorted({i[0] for i in fresh if i not in before.identities}))
    return _Outcome(result.scores.employee, result.scores.customer, after, new)


def _breach_left(conflict: Conflict, after: Collection[tuple[str, ...]], added: str | None) -> bool:
    """Whether a guardrail breach of the conflict's code is left on its policies, on a rule it named
    or on the rule ``added`` by the patch (on any rule, when it named none)."""
    named = set(conflict.rules) | ({added} if added is not None else set())
    for identity in after:
        if identity[0] != conflict.code or "|" not in identity:
            continue
        bar = identity.index("|")
        if list(identity[1:bar]) != conflict.policies:
            continue
        if not conflict.rules or named.intersection(identity[bar + 1 :]):
            return True
    return False


class _Trials:
    """The patches of one evaluation, each worked out once, and what every conflict makes of them."""

    def __init__(
        self, run: EvaluationRun, before: Sequence[Conflict], rescore: Rescore, budget: RemedyBudget
    ) -> None:
        self.run = run
        self.rescore = rescore
        self.budget = budget
        self.cache: dict[str, _Outcome] = {}
        self.before = before
        self._earlier: dict[str, _Before] | None = None
        self._partners: _Partners | None = None

    def outcome(self, candidate: Candidate) -> _Outcome:
        key = candidate.key
        found = self.cache.get(key)
        if found is None:
            if self._partners is None or self._earlier is None:
                self._partners = _Partners(self.run)
                self._earlier = {}
                for conflict in self.before:
                    for policy_id in conflict.policies:
                        self._earlier.setdefault(policy_id, _Before()).add(conflict, self._partners.codes)
            before = self._earlier.get(candidate.policy, _Before())
            self.budget.evaluations += 1
            found = self.cache[key] = _outcome(self.run, candidate, self.rescore, self._partners, before)
        return found

    @staticmethod
    def _resolves(conflict: Conflict, candidate: Candidate, outcome: _Outcome) -> bool:
        """Whether the conflict is gone after the patch; a guardrail breach of the same code must be
        gone from the rules it named and from a rule the patch added."""
        if conflict_identity(conflict) in outcome.after:
            return False
        if conflict.kind != "guardrail":
            return True
        added = None
        if candidate.action == "add-rule" and candidate.rule_index is not None:
            added = rule_ref(candidate.policy, candidate.rule_index)
        return not _breach_left(conflict, outcome.after, added)

    def result(self, conflict: Conflict, candidate: Candidate) -> RemedyResult:
        outcome = self.outcome(candidate)
        scores = self.run.result(candidate.policy).scores
        return RemedyResult(
            code=candidate.remedy.code,
            summary=candidate.remedy.summary,
            patch=candidate.patch(),
            scores_after=ScoresAfter(
                employee=outcome.employee,
                customer=outcome.customer,
                employee_change=outcome.employee - scores.employee,
                customer_change=outcome.customer - scores.customer,
            ),
            resolves=self._resolves(conflict, candidate, outcome),
            new_conflicts=list(outcome.new),
        )


def try_remedy(
    run: EvaluationRun,
    conflict: Conflict,
    candidate: Candidate,
    *,
    before: Sequence[Conflict],
    rescore: Rescore,
) -> RemedyResult:
    """Apply one candidate and say what it does: scores after, whether it resolves, new conflicts.

    ``before`` are the conflicts found without the patch (at least those of the patched policy);
    ``rescore`` scores the patched policy on its own.
    """
    return _Trials(run, before, rescore, RemedyBudget()).result(conflict, candidate)


def benefit(result: RemedyResult) -> int:
    """How much a remedy helps both sides, for ranking (see the module docstring)."""
    de = result.scores_after.employee_change
    dc = result.scores_after.customer_change
    return (
        de + dc + WORSE_WEIGHT * (min(de, 0) + min(dc, 0)) - NEW_CONFLICT_PENALTY * len(result.new_conflicts)
    )


def rank_key(result: RemedyResult) -> tuple[Any, ...]:
    """Sort key putting the best remedy first (see the module docstring)."""
    return (
        not result.resolves,
        -benefit(result),
        result.code,
        json.dumps(result.patch.model_dump(mode="json"), sort_keys=True),
    )


def _best_per_policy(ranked: Sequence[RemedyResult]) -> list[RemedyResult]:
    """Each remedy once per policy, on the rule where it ranks best (``ranked`` is best first)."""
    seen: set[tuple[str, str]] = set()
    kept: list[RemedyResult] = []
    for result in ranked:
        key = (result.code, result.patch.policy)
        if key not in seen:
            seen.add(key)
            kept.append(result)
    return kept


def attach_remedies(
    run: EvaluationRun,
    conflicts: Sequence[Conflict],
    *,
    rescore: Rescore,
    budget: RemedyBudget,
    before: Sequence[Conflict] | None = None,
) -> list[Conflict]:
    """Copies of ``conflicts`` with their ranked remedies (at most MAX_REMEDIES each).

    ``rescore`` scores a patched policy on its own; ``budget`` bounds the
    re-evaluations and records what was done (a conflict whose untried patches
    would exceed it gets none). ``before`` are all the conflicts found without
    a patch (default: ``conflicts``), for telling which conflicts a patch
    creates when remedies are wanted for only some of them (`check` works out
    remedies for the findings that fail its gate, and no others).
    """
    trials = _Trials(run, conflicts if before is None else before, rescore, budget)
    spent = trials.budget
    facts = fact_index(run)
    out: list[Conflict] = []
    for conflict in conflicts:
        tried = candidates(run, conflict, facts=facts)
        untried = {c.key for c in tried} - set(trials.cache)
        if spent.evaluations + len(untried) > spent.limit:
            spent.skipped += 1
            out.append(conflict)
            continue
        results = sorted((trials.result(conflict, c) for c in tried), key=rank_key)
        if conflict.kind == "guardrail":
            # A remedy for a legal breach makes the policy lawful on that point, or it is none.
            results = [r for r in results if r.resolves]
        out.append(conflict.model_copy(update={"remedies": _best_per_policy(results)[:MAX_REMEDIES]}))
    return out
