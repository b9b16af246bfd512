"""Models of the rulebook: criteria, evidence, impact rules, conflict rules, remedies.

The rulebook is data (YAML under ``engine/rulebook/data``); these models are its
contract. An organisation may point the engine at its own rulebook directory
with the same layout, validated with the same located errors as policies.

Conditions (``when``, ``a``, ``b``, ``applies_to``) map a fact key to a test:
a bare scalar tests equality; a mapping holds one or more operators
(``eq ne lt le gt ge in not_in exists contains not_contains``), all of which
must hold. Fact keys are a rule's fields (dotted for nested values, e.g.
``service_level_target.answered_pct``, ``weights.customer_satisfaction``), list
fields tested with ``contains``, ``<list>.count``, ``scope.<field>``,
``policy.jurisdiction`` / ``policy.status``, and ``derived`` for facts derived
by other rules.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, model_validator

from engine.facts import member_key

Scalar = bool | int | float | str
Code = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2,5}[0-9]{3}$")]
DottedName = Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]+(\.[a-z0-9-]+)+$")]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
CriterionId = Annotated[str, StringConstraints(pattern=r"^(employee|customer)\.[a-z0-9_-]+$")]
Side = Literal["employee", "customer"]
Severity = Literal["info", "warning", "error"]

OPERATORS = ("eq", "ne", "lt", "le", "gt", "ge", "in", "not_in", "exists", "contains", "not_contains")
PLACEHOLDER = re.compile(r"\{([a-zA-Z_][a-zA-Z0-9_.-]*)\}")


def _as_list(value: Any) -> Any:
    """Accept a single string where a list of strings is expected."""
    return [value] if isinstance(value, str) else value


StrList = Annotated[list[str], BeforeValidator(_as_list)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Check(_Model):
    """Operators on one fact key; every operator given must hold."""

    eq: Scalar | None = None
    ne: Scalar | None = None
    lt: float | None = None
    le: float | None = None
    gt: float | None = None
    ge: float | None = None
    in_: list[Scalar] | None = Field(default=None, alias="in", min_length=1)
    not_in: list[Scalar] | None = Field(default=None, min_length=1)
    exists: bool | None = None
    contains: str | None = None
    not_contains: str | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> Check:
        if not self.model_fields_set:
            raise ValueError(f"a check needs at least one of {', '.join(OPERATORS)}")
        return self

    def holds(self, value: Any, present: bool) -> bool:
        """Evaluate the test in Python (used to check rulebook examples and remedies)."""
        checks: list[bool] = []
        if self.exists is not None:
            checks.append(present == self.exists)
        if not present:
            # Every other operator needs a value; a missing key fails it.
            others = self.model_fields_set - {"exists"}
            return all(checks) and not others
        if self.eq is not None:
            checks.append(_same(value, self.eq))
        if self.ne is not None:
            checks.append(not _same(value, self.ne))
        numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
        for op, bound in (("lt", self.lt), ("le", self.le), ("gt", self.gt), ("ge", self.ge)):
            if bound is None:
                continue
            if not numeric:
                checks.append(False)
            elif op == "lt":
                checks.append(value < bound)
            elif op == "le":
                checks.append(value <= bound)
            elif op == "gt":
                checks.append(value > bound)
            else:
                checks.append(value >= bound)
        if self.in_ is not None:
            checks.append(any(_same(value, v) for v in self.in_))
        if self.not_in is not None:
            checks.append(not any(_same(value, v) for v in self.not_in))
        return all(checks)


def _same(a: Any, b: Any) -> bool:
    """Equality that keeps booleans apart from 0 and 1."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return bool(a == b)


Condition = Scalar | Check
When = dict[str, Condition]


def when_holds(when: When, fact: dict[str, Any]) -> bool:
    """Evaluate a condition mapping against a flat fact in Python.

    The Rete network is what fires rules; this is for the places that only
    need to select facts or rules (remedy targets, join pre-filtering, tests).
    """
    for key, condition in when.items():
        if isinstance(condition, Check):
            if condition.contains is not None or condition.not_contains is not None:
                if (
                    condition.contains is not None
                    and fact.get(member_key(key, condition.contains)) is not True
                ):
                    return False
                if condition.not_contains is not None and member_key(key, condition.not_contains) in fact:
                    return False
                rest = condition.model_fields_set - {"contains", "not_contains"}
                if not rest:
                    continue
            if not condition.holds(fact.get(key), key in fact):
                return False
        elif key not in fact or not _same(fact[key], condition):
            return False
    return True


class Criterion(_Model):
    """One scored criterion on the employee or customer side."""

    id: CriterionId
    title: str
    side: Side
    weight: float = Field(gt=0, le=10)
    description: str
    reason: str = ""
    """Why the weight is what it is."""

    @model_validator(mode="after")
    def _side_matches(self) -> Criterion:
        if not self.id.startswith(self.side + "."):
            raise ValueError(f"criterion {self.id} must start with its side {self.side!r}")
        return self


class Spillover(_Model):
    """The service-profit-chain link from the employee score to the customer score."""

    coefficient: float = Field(ge=0, le=1)
    evidence: StrList
    reason: str


class Verdicts(_Model):
    """Margins for verdicts: a side moves only beyond +/- margin."""

    margin: float = Field(ge=0, le=50)


class Scoring(_Model):
    """How contributions become side scores."""

    saturation: float = Field(gt=0)
    """Weighted points at which a side reaches about 76 (tanh(1)); see the README."""
    verdicts: Verdicts
    spillover: Spillover


class Evidence(_Model):
    """One source behind rules, with a full citation."""

    id: Slug
    citation: str
    finding: str
    strength: Literal["strong", "moderate", "weak"]
    secondary: bool = False
    """Quoted from a summary rather than read in the original."""


class Examples(_Model):
    """Rules that must make the rule fire, and rules that must leave it silent.

    Each example is a policy rule mapping; its optional ``scope`` and
    ``jurisdiction`` keys set the surrounding policy's fields.
    """

    fires: list[dict[str, Any]] = Field(default_factory=list)
    silent: list[dict[str, Any]] = Field(default_factory=list)


class ImpactRule(_Model):
    """One impact rule: when its conditions hold, it moves criteria and may derive facts."""

    code: Code
    name: DottedName
    summary: str
    when: When = Field(min_length=1)
    impacts: dict[CriterionId, Annotated[int, Field(ge=-5, le=5)]] = Field(default_factory=dict)
    derive: StrList = Field(default_factory=list)
    because: str
    evidence: StrList = Field(default_factory=list)
    examples: Examples = Field(default_factory=Examples)

    @model_validator(mode="after")
    def _does_something(self) -> ImpactRule:
        if not self.impacts and not self.derive:
            raise ValueError("an impact rule needs impacts, derive, or both")
        if any(v == 0 for v in self.impacts.values()):
            raise ValueError("an impact of 0 says nothing: remove it")
        if "kind" not in self.when and "derived" not in self.when:
            raise ValueError("`when` must name a `kind` or a `derived` fact")
        return self

    @property
    def on_derived(self) -> bool:
        """Whether the rule matches derived facts rather than policy rules."""
        return "derived" in self.when


class ConflictRule(_Model):
    """A join of two facts that clash: a contradiction or an incentive conflict."""

    code: Code
    name: DottedName
    kind: Literal["contradiction", "incentive"]
    severity: Severity
    summary: str
    a: When = Field(min_length=1)
    b: When = Field(min_length=1)
    across: Literal["same-policy", "other-policies", "any"] = "any"
    """Whether a and b come from one policy, two policies (with overlapping scopes), or either."""
    because: str
    """Template; placeholders {a.field}, {b.field}, {a.policy}, {b.policy}."""
    remedies: StrList = Field(default_factory=list)
    evidence: StrList = Field(default_factory=list)
    examples: dict[str, list[list[dict[str, Any]]]] = Field(default_factory=dict)
    """``fires`` / ``silent``: each a pair of rule mappings [a, b] in one policy."""


class Remedy(_Model):
    """A declarative patch to one policy rule, and what it is meant to fix."""

    code: Code
    name: DottedName
    summary: str
    applies_to: When = Field(min_length=1)
    """Conditions on the rule the patch is applied to."""
    patch: dict[str, Any] = Field(min_length=1)
    """Fields to set on the matched rule; null removes an optional field."""
    evidence: StrList = Field(default_factory=list)
