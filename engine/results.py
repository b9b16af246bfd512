"""Models of an evaluation's results: the stable output contract.

``Evaluation.model_dump(mode="json")`` is exactly what ``evaluate --format json``
prints (DESIGN.md, Output contract). Keys may be added; none are renamed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field
from pydantic_core import PydanticUndefined

Verdict = Literal[
    "win-win",
    "employee-gain",
    "customer-gain",
    "neutral",
    "employee-loss",
    "customer-loss",
    "customer-at-employee-cost",
    "employee-at-customer-cost",
    "lose-lose",
    "unlawful",
]
"""What happened on each side: gain or loss beyond the margin, neutral inside it; ``unlawful``
when a guardrail of the policy's jurisdiction is breached at error level, whatever the scores."""
VERDICTS: tuple[str, ...] = Verdict.__args__  # type: ignore[attr-defined]
ConflictKind = Literal[
    "trade-off", "contradiction", "guardrail", "incentive", "harm", "duplicate", "implausible"
]
Severity = Literal["info", "warning", "error"]
SEVERITY_RANK: dict[str, int] = {"info": 0, "warning": 1, "error": 2}

_RULE_REF = re.compile(r"^(?P<policy>[a-z0-9]+(?:-[a-z0-9]+)*)/rules\[(?P<index>[0-9]+)\]$")


def rule_ref(policy_id: str, index: int) -> str:
    """How conflicts name a policy rule: ``policy-id/rules[i]``."""
    return f"{policy_id}/rules[{index}]"


def parse_rule_ref(ref: str) -> tuple[str, int]:
    """The policy id and rule index of a ``policy-id/rules[i]`` reference."""
    match = _RULE_REF.match(ref)
    if match is None:
        raise ValueError(f"not a rule reference (policy-id/rules[i]): {ref!r}")
    return match.group("policy"), int(match.group("index"))


class _Out(BaseModel):
    # Frozen: a step that adds to a result (conflicts, remedies, legal notes) returns a copy.
    model_config = ConfigDict(extra="forbid", frozen=True)


Out = TypeVar("Out", bound=_Out)

_IMMUTABLE_DEFAULTS = (type(None), bool, int, float, str, tuple, frozenset)
_FIELDS: dict[type[_Out], tuple[tuple[str, ...], tuple[tuple[str, bool, Any], ...]]] = {}
_NAMES: dict[type[_Out], tuple[str, ...]] = {}
_GIVEN: dict[tuple[type[_Out], frozenset[str]], set[str]] = {}
_ALL_GIVEN: dict[type[_Out], set[str]] = {}


def _given(cls: type[_Out], names: Any) -> set[str]:
    """One shared set of the fields given, per model class and set of names.

    pydantic keeps a set of the fields each model was given, about 0.7 KiB: a
    third of a contribution's memory. The results of a batch are given the same
    fields, so they share one equal set; nothing changes a model's set in place
    (``model_copy`` copies it first, and results are frozen).
    """
    key = (cls, frozenset(names))
    found = _GIVEN.get(key)
    if found is None:
        found = _GIVEN[key] = set(key[1])
    return found


def share_given(model: Out) -> Out:
    """``model`` holding the shared set of the fields it was given (see ``_given``) instead of its own."""
    object.__setattr__(model, "__pydantic_fields_set__", _given(type(model), model.model_fields_set))
    return model


def _fields(cls: type[_Out]) -> tuple[tuple[str, ...], tuple[tuple[str, bool, Any], ...]]:
    """The field names of ``cls`` in order, and per field its name, whether a factory makes its
    default, and the default or factory."""
    found = _FIELDS.get(cls)
    if found is None:
        fields: list[tuple[str, bool, Any]] = []
        for name, info in cls.model_fields.items():
            if info.default_factory is not None:
                fields.append((name, True, info.default_factory))
            elif info.is_required():
                fields.append((name, False, PydanticUndefined))
            elif isinstance(info.default, _IMMUTABLE_DEFAULTS):
                fields.append((name, False, info.default))
            else:
                raise TypeError(f"{cls.__name__}.{name}: a mutable default is not built by trusted()")
        found = _FIELDS[cls] = (tuple(cls.model_fields), tuple(fields))
        _NAMES[cls] = found[0]
    return found


def trusted(cls: type[Out], **values: Any) -> Out:
    """A result model made from values that already have their fields' types, without validation.

    What ``model_construct`` makes (fields set, defaults filled, factories
    called, fields in their declared order), for the engine's hot path, whose
    values come from the engine itself: ``model_construct`` asks for every
    default factory's signature on every call. A required field left out, or an
    unknown one, is a ``TypeError``.
    """
    names, fields = _fields(cls)
    data: dict[str, Any]
    if len(values) == len(names):
        try:
            data = {name: values[name] for name in names}
        except KeyError:
            raise TypeError(f"{cls.__name__}: unknown field(s) {sorted(set(values) - set(names))}") from None
    else:
        data = {}
        for name, factory, default in fields:
            if name in values:
                data[name] = values[name]
            elif default is PydanticUndefined:
                raise TypeError(f"{cls.__name__}: required field {name!r} missing")
            else:
                data[name] = default() if factory else default
        if any(name not in data for name in values):
            raise TypeError(f"{cls.__name__}: unknown field(s) {sorted(set(values) - set(names))}")
    made = cls.__new__(cls)
    object.__setattr__(made, "__dict__", data)
    object.__setattr__(made, "__pydantic_fields_set__", _given(cls, values))
    object.__setattr__(made, "__pydantic_extra__", None)
    object.__setattr__(made, "__pydantic_private__", None)
    return made


def trusted_row(cls: type[Out], *values: Any) -> Out:
    """``trusted`` with every field given, positionally, in declared order: the cheapest way to
    make the many small results of a batch."""
    names = _NAMES.get(cls) or _fields(cls)[0]
    if len(values) != len(names):
        raise TypeError(f"{cls.__name__}: {len(names)} fields, {len(values)} values given")
    made = cls.__new__(cls)
    _set(made, "__dict__", dict(zip(names, values)))  # noqa: B905 (lengths checked above)
    _set(
        made, "__pydantic_fields_set__", _ALL_GIVEN.get(cls) or _ALL_GIVEN.setdefault(cls, _given(cls, names))
    )
    _set(made, "__pydantic_extra__", None)
    _set(made, "__pydantic_private__", None)
    return made


_set = object.__setattr__


class Contribution(_Out):
    """One impact rule's effect on one criterion of one policy."""

    rule: str
    """Code of the impact rule that fired, e.g. CTC002."""
    name: str
    """Dotted name of the rule."""
    criterion: str
    """Criterion moved, e.g. employee.wellbeing."""
    delta: float
    """Points the rule gives the criterion, before weights: ``base`` times ``dose``."""
    reason: str
    """The rule's `because`, filled in with the matched values."""
    evidence: list[str]
    """Evidence ids behind the rule."""
    facts: dict[str, Any]
    """The matched values: fact key to value, plus `rule_index` of the policy rule."""
    chain: list[str] = Field(default_factory=list)
    """Codes of the rules whose derived facts led here, first to last (empty for direct matches)."""
    base: int = 0
    """The rule's points on the criterion at a dose factor of 1 (-5..+5)."""
    dose: float = 1.0
    """The dose factor: the product of the rule's graded factors (times the intensity of the
    derived fact for a rule on one)."""
    band: float = 0.0
    """How far the delta may be off, as a fraction of it, from the strength of the rule's evidence."""
    strength: str | None = None
    """Strength of the strongest evidence the rule cites (none when it cites none)."""
    mechanism: str | None = None
    """The mechanism by which a staff effect reaches customers, for indirect customer contributions."""
    also: list[int] = Field(default_factory=list)
    """Other rules of the policy the impact rule matched; an impact rule counts once, at its
    strongest dose."""


ContributionChangeKind = Literal["appeared", "vanished", "changed"]


class ContributionChange(_Out):
    """A contribution that appeared, vanished, or changed its points or reason between two results."""

    change: ContributionChangeKind
    rule: str
    name: str
    criterion: str
    target: str
    """The policy rule it matched (`rules[i]`, in the new version when it exists) or `derived`."""
    old_delta: float | None = None
    """Points before (the rule's points times its dose)."""
    new_delta: float | None = None
    old_reason: str | None = None
    new_reason: str | None = None


class Scores(_Out):
    """Side scores, bounded -100..+100, and weighted criterion sums."""

    employee: int
    customer: int
    customer_direct: int
    customer_indirect: int
    """The customer score through mechanisms (attrition, absence, incivility, engagement) alone."""
    criteria: dict[str, float]
    mechanisms: dict[str, float] = Field(default_factory=dict)
    """Weighted customer points each mechanism brings (the parts of ``customer_indirect``)."""


class Ranges(_Out):
    """Each side's score at the low and high ends of its contributions' evidence bands."""

    employee: tuple[int, int]
    customer: tuple[int, int]


class Reach(_Out):
    """Who and how much a policy touches: a score is an intensity per person, this is its breadth."""

    employees: int | None
    """People in scope (``scope.headcount``); null when the policy does not say."""
    contacts_share: float
    """Share of the scope's customer contacts the policy's rules touch, 0 to 1."""


class NotAssessed(_Out):
    """A policy rule no impact rule recognises: the score says nothing about it."""

    rule: str
    """The rule, as ``policy-id/rules[i]``."""
    reason: str


class ConflictRef(_Out):
    """A conflict as a comparison shows it: what it is and who is in it, without its remedies."""

    code: str
    kind: str
    severity: str
    policies: list[str]
    rules: list[str]
    explanation: str

    @classmethod
    def of(cls, conflict: Conflict) -> ConflictRef:
        """The reference to a conflict."""
        return cls(
            code=conflict.code,
            kind=conflict.kind,
            severity=conflict.severity,
            policies=list(conflict.policies),
            rules=list(conflict.rules),
            explanation=conflict.explanation,
        )


class Replacement(_Out):
    """A proposal scored as a change against the policy it would replace (its ``replaces``).

    ``id``, ``title``, ``verdict``, ``employee`` and ``customer`` are the replaced
    policy's; the changes are the proposal's scores minus the replaced policy's.
    """

    id: str
    """Id of the replaced policy."""
    title: str
    verdict: Verdict
    """The replaced policy's verdict."""
    employee: int
    """The replaced policy's employee score."""
    customer: int
    """The replaced policy's customer score."""
    employee_change: int
    """The proposal's employee score minus the replaced policy's."""
    customer_change: int
    """The proposal's customer score minus the replaced policy's."""
    criteria: dict[str, float] = Field(default_factory=dict)
    """Each criterion that moves: the proposal's weighted value minus the replaced policy's."""
    contributions: list[ContributionChange] = Field(default_factory=list)
    """Contributions that appear, vanish or change from the replaced policy to the proposal."""
    conflicts_gone: list[ConflictRef] = Field(default_factory=list)
    """Conflicts of the replaced policy that the proposal does not have (as the replaced policy has them)."""
    conflicts_new: list[ConflictRef] = Field(default_factory=list)
    """Conflicts of the proposal that the replaced policy does not have."""


class Alternative(_Out):
    """Another option for the same decision (``alternative_to``): at most one of them is adopted."""

    id: str
    title: str
    verdict: Verdict
    employee: int
    customer: int


class QueueInterval(_Out):
    """One interval of a team's day: the queue without the policy (before) and with it (after).

    Service levels, occupancy and abandonment are shares from 0 to 1; waits are in seconds and
    null when calls are never answered (more traffic than agents, with callers who never hang up).
    """

    start: str
    """When the interval starts, HH:MM."""
    calls: float
    """Calls offered in the interval."""
    aht_seconds_before: float
    aht_seconds_after: float
    agents_before: int
    """Agents on the phones without the policy (after breaks and shrinkage)."""
    agents_after: int
    """Agents on the phones with the policy."""
    away_before: float
    """People of the team present on the rota but on a lunch or rest break, without the policy."""
    away_after: float
    present_before: float
    """People of the team whose shift covers the interval (and leaders on the floor), without the policy."""
    present_after: float
    service_level_before: float
    service_level_after: float
    asa_seconds_before: float | None
    asa_seconds_after: float | None
    occupancy_before: float | None
    occupancy_after: float | None
    abandon_before: float | None = None
    abandon_after: float | None = None


class QueueSegment(_Out):
    """One shift pattern of a team: who they are and what the policy does to their day."""

    team: str
    shift: str
    """The shift pattern's name in the organisation file."""
    start: str
    """When the shift starts, HH:MM."""
    hours: float
    contract: str
    night: bool
    people_before: int
    people_after: int
    lunch_before: list[str]
    """When the pattern's people start lunch without the policy (one time for a fixed lunch,
    several for staggered ones); empty when the pattern takes none."""
    lunch_after: list[str]
    """When they start lunch under the policy; empty when it leaves them none."""
    lunch_lost: bool
    """The pattern takes a lunch without the policy and finds no slot for it under the policy."""
    misplaced_lunches: int = 0
    """People of the pattern whose lunch starts outside the team's well-placed window under the
    policy (too early in the shift or too late), beyond those whose lunch already did without it."""
    latest_lunch_hours_after: float | None
    """The latest lunch under the policy starts this many hours into the shift (null: none)."""
    occupancy_before: float | None
    """Mean occupancy over the intervals the pattern works, without the policy."""
    occupancy_after: float | None
    harm: float
    """How much of the policy's cost the pattern carries (a lost lunch outweighs any occupancy
    change; a late lunch and higher occupancy add to it), for ranking; 0 when it carries none."""
    summary: str
    """One sentence naming the pattern and what changes for it."""


class CostOfDecency(_Out):
    """What it takes to meet the service-level target with every shift pattern taking a lawful,
    well-placed lunch, against what the policy as written needs for the same target."""

    agents_as_written: int | None
    """People the team's rota needs to meet the target in every interval under the policy as
    written; null when no rota within the search bound meets it."""
    agents_decent: int | None
    """People it needs with staggered lunches, each within the well-placed window of its shift."""
    headcount: int
    """People the team has today."""
    difference: int | None
    """``agents_decent`` minus ``agents_as_written``: the extra people decency costs (negative:
    decent breaks need fewer people than the policy)."""
    payroll_pct: float | None
    """The difference as a share of today's headcount, in percent."""
    cost_per_year: float | None = None
    """The difference priced at the team's agent cost per year, when the organisation gives it."""
    currency: str | None = None
    summary: str


class TeamQueue(_Out):
    """A policy's effect on one team's queue over its day, with the team's service-level target."""

    team: str
    name: str
    answered_pct: float
    """The target: this share of calls answered within ``within_seconds``."""
    within_seconds: int
    model: str
    """``erlang-c`` (callers wait) or ``erlang-a`` (callers hang up after their patience)."""
    lunch_from_hours: float = 2.0
    """A well-placed lunch starts no earlier than this many hours into the shift (``well_placed``)."""
    lunch_by_hours: float = 5.0
    """A well-placed lunch starts by this many hours into the shift (the team's ``well_placed``)."""
    changes: list[str]
    """What the policy changes in the team's model, one plain sentence each."""
    intervals: list[QueueInterval]
    service_level_before: float
    """The day's service level: calls answered within the target time over calls offered."""
    service_level_after: float
    asa_seconds_before: float | None
    """The day's average wait of answered calls (null when some interval never answers)."""
    asa_seconds_after: float | None
    occupancy_before: float | None
    """The day's occupancy: time on calls over time on the phones."""
    occupancy_after: float | None
    missed_before: int
    """Intervals below the service-level target without the policy."""
    missed_after: int
    worst: str
    """The interval the policy changes most, in words."""
    segments: list[QueueSegment]
    """Shift patterns, those carrying most of the policy's cost first."""
    cost_of_decency: CostOfDecency | None = None
    """For break and staffing policies."""

    @property
    def calls(self) -> float:
        """Calls offered over the day."""
        return sum(i.calls for i in self.intervals)


class QueueImpact(_Out):
    """What a policy does to the queues of the teams it covers, computed from the organisation file."""

    organisation: str
    """The organisation file's title."""
    teams: list[TeamQueue]
    summary: str
    """One sentence for the whole policy."""


def call_weighted(teams: Sequence[TeamQueue], attribute: str) -> float | None:
    """A day figure over several teams (``service_level_after``...), each team weighted by the calls
    it is offered; teams count alike when none is offered any. None when a team has no value (an
    average wait where some interval never answers)."""
    values = [getattr(team, attribute) for team in teams]
    if not values or any(v is None for v in values):
        return None
    weights = [team.calls for team in teams]
    total = sum(weights)
    if total <= 0:
        return float(sum(values)) / len(values)
    return float(sum(w * v for w, v in zip(weights, values, strict=True))) / total


class PolicyResult(_Out):
    """The evaluation of one policy."""

    id: str
    title: str
    verdict: Verdict
    scores: Scores
    contributions: list[Contribution]
    file: str | None = None
    """The policy file, when loaded from disk."""
    legal: str | None = None
    """A note on the legal verdict, e.g. that none is given without a jurisdiction."""
    ranges: Ranges | None = None
    """Each side's [low, high] from the evidence bands; low <= score <= high."""
    reach: Reach | None = None
    not_assessed: list[NotAssessed] = Field(default_factory=list)
    uncertain: list[str] = Field(default_factory=list)
    """Sides whose range reaches both a gain and a loss beyond the margin."""
    replaces: Replacement | None = None
    """The change against the policy this one would replace, when both are evaluated together."""
    replaced_by: list[str] = Field(default_factory=list)
    """Ids of the proposals evaluated with this policy that would replace it."""
    alternatives: list[Alternative] = Field(default_factory=list)
    """The other options of the same decision evaluated with this one, side by side."""
    queue: QueueImpact | None = None
    """The policy's effect on its teams' queues, when an organisation file describes them."""


class Patch(_Out):
    """A remedy's declarative patch to one policy: fields set on one of its rules (``action``
    ``set``), or a rule added to it (``add-rule``), and fields set on its scope (``scope``)."""

    policy: str
    """Id of the patched policy."""
    rule_index: int | None
    """Index of the patched rule in the policy's `rules` (0 is the first); for ``add-rule``, the
    index the new rule gets (one past the last); null when the patch changes the scope alone."""
    set: dict[str, Any]
    """``set``: field (as written in YAML) to its new value, null removes the field;
    ``add-rule``: every field of the new rule, `kind` included."""
    action: Literal["set", "add-rule"] = "set"
    """What the patch does to rule `rule_index`: set fields on it, or add it to the policy."""
    scope: dict[str, Any] = Field(default_factory=dict)
    """Scope field (as written in YAML, e.g. `shift_hours`) to its new value; null removes it."""


class ScoresAfter(_Out):
    """The patched policy's scores, and how far each moved."""

    employee: int
    customer: int
    employee_change: int
    """Employee score after the patch minus before."""
    customer_change: int
    """Customer score after the patch minus before."""


class RemedyResult(_Out):
    """A remedy for a conflict and what it does to the scores."""

    code: str
    summary: str
    patch: Patch
    """The declarative patch: `policy`, `rule_index` and the fields `set`."""
    scores_after: ScoresAfter
    """Scores of the patched policy: employee, customer, and the change of each."""
    resolves: bool = True
    """Whether the conflict is gone after the patch."""
    new_conflicts: list[str] = Field(default_factory=list)
    """Codes of conflicts the patch creates."""


class Conflict(_Out):
    """A trade-off, contradiction, guardrail breach or incentive conflict."""

    code: str
    kind: ConflictKind
    severity: Severity
    policies: list[str]
    rules: list[str]
    """The policy rules involved, as `policy-id/rules[i]`."""
    explanation: str
    remedies: list[RemedyResult] = Field(default_factory=list)
    citation: str | None = None
    """Article or evidence cited, for guardrails."""


class Evaluation(_Out):
    """The evaluation of a library: every policy and every conflict."""

    policies: list[PolicyResult]
    conflicts: list[Conflict]
