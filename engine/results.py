"""Models of an evaluation's results: the stable output contract.

``Evaluation.model_dump(mode="json")`` is exactly what ``evaluate --format json``
prints (DESIGN.md, Output contract). Keys may be added; none are renamed.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

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
