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
by other rules. ``fact_keys`` lists them per rule kind, from the policy models
and ``policyweigh.facts``, and ``condition_problems`` checks a condition mapping
against them: a key no fact carries, or a value a key never holds, would make a
rule that never fires.

Every number a condition holds is finite and within ``NUMBER_LIMIT``, and
``because`` templates hold only ``{name}`` placeholders (no attribute access,
indexing, conversion or format specification), so nothing a rulebook says can
crash or mislead the rule engine or the text it prints.
"""

from __future__ import annotations

import itertools
import math
import re
import types
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from policyweigh.facts import (
    CONDITION_KEYS,
    DERIVED_KEY,
    MEMBER_PREFIX,
    METRIC_KEYS,
    PAY_KEYS,
    POLICY_KEY,
    context_facts,
    member_key,
    window_features,
)
from policyweigh.measures import MEASURES
from policyweigh.metrics import METRICS
from policyweigh.policy import RULE_KINDS, RULE_MODELS, MetricName, Policy, Scope, Window
from policyweigh.policy import Condition as BonusCondition
from policyweigh.queue_effects import QUEUE_KEYS, QUEUE_KINDS
from policyweigh.suggest import closest

OPERATORS = ("eq", "ne", "lt", "le", "gt", "ge", "in", "not_in", "exists", "contains", "not_contains")

# durable-rules 2.0.28 reads numbers from the JSON Python writes (json.dumps uses repr), and its
# parser (getNumber in json.c) takes an exponent only after a decimal point: 1e16 is written
# "1e+16" and 0.00001 "1e-05", and both fail to compile (error 204, measured); inf and nan are
# written "Infinity" and "NaN" (error 202 for inf). Python writes every float of magnitude
# 0.0001 up to 1e16 (exclusive) in plain decimals, so numbers are held to 10^15 (one decimal
# order of margin, and every whole number up to it is exact in a double) and, unless 0, to at
# least 0.0001 in size (repr's own switch, exact rather than measured).
NUMBER_LIMIT = 10**15
NUMBER_RESOLUTION = 0.0001
# Values of one `in:` / `not_in:` list. Measured: an `in:` list becomes one alpha node per value
# under one parent, whose open-addressed table of successors has 512 slots (NEXT_BUCKET_LENGTH
# in rete.h); 511 values compile and match, 512 hang the process in C (create_ruleset or the
# first assert probe a full table for ever, ignoring Ctrl-C). Half the table leaves room for the
# other rules that branch at the same node (bounded as a whole by the loader).
MAX_IN_VALUES = 256


def _show(value: object, limit: int = 60) -> str:
    """A value as a message quotes it: repr, cut to ``limit`` characters."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def number_problem(value: float) -> str | None:
    """Why a number cannot stand in a condition or a scoring constant, or None when it can."""
    if not math.isfinite(value):
        return f"expected a finite number; got {value}"
    if abs(value) > NUMBER_LIMIT or (value != 0 and abs(value) < NUMBER_RESOLUTION):
        return (
            f"expected 0 or a number from {NUMBER_RESOLUTION} to {NUMBER_LIMIT:.0e} in size "
            f"(the rule engine cannot read other numbers); got {value!r}"
        )
    return None


def _check_number(value: float) -> float:
    problem = number_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


def _check_scalar(value: bool | int | float | str) -> bool | int | float | str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        _check_number(value)
    return value


Number = Annotated[float, AfterValidator(_check_number)]
"""A finite number the rule engine can read (see ``NUMBER_LIMIT``)."""
Scalar = Annotated[bool | int | float | str, AfterValidator(_check_scalar)]
Code = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2,5}[0-9]{3}$")]
DottedName = Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]+(\.[a-z0-9-]+)+$")]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
CriterionId = Annotated[str, StringConstraints(pattern=r"^(employee|customer)\.[a-z0-9_-]+$")]
Side = Literal["employee", "customer"]
Severity = Literal["info", "warning", "error"]

# ---------------------------------------------------------------------------------------------
# Fact keys: what the facts of each rule kind carry (policyweigh.facts), by key, with what they hold.

KeyShape = Literal["number", "bool", "text", "list", "whole"]


@dataclass(frozen=True)
class FactKey:
    """What one fact key holds, for checking the conditions and templates that name it.

    ``list`` keys are list fields, tested with ``contains`` / ``not_contains``
    (facts carry one membership key per value); ``whole`` names a list,
    mapping or nested value that a template may show but no condition can
    test (facts carry its parts: ``.count``, dotted keys).
    """

    shape: KeyShape
    choices: tuple[str, ...] = ()
    """Allowed values (text) or members (list); empty when any text is allowed."""


_NUMBER = FactKey("number")
_WHOLE = FactKey("whole")


def _unwrapped(annotation: Any) -> tuple[Any, list[Any]]:
    """Strip Annotated and Optional from a field's type: the bare type and the metadata met on the way."""
    metadata: list[Any] = []
    while True:
        if get_origin(annotation) is Annotated:
            metadata.extend(annotation.__metadata__)
            annotation = get_args(annotation)[0]
            continue
        args = get_args(annotation)
        if get_origin(annotation) in (Union, types.UnionType) and type(None) in args and len(args) == 2:
            annotation = next(a for a in args if a is not type(None))
            continue
        return annotation, metadata


def _bare(annotation: Any) -> Any:
    """Strip Annotated and Optional from a field's type."""
    return _unwrapped(annotation)[0]


def _is_metric(annotation: Any) -> bool:
    """Whether a field holds a metric's name (``policyweigh.policy.Metric``, optional or not)."""
    return any(isinstance(meta, MetricName) for meta in _unwrapped(annotation)[1])


def _literal_choices(annotation: Any) -> tuple[str, ...]:
    # A metric is any declared name too, but the rulebook's rules speak of the built-in ones
    # (a declared metric is tested through what its declaration says: metric.controlled_by...).
    if _is_metric(annotation):
        return METRICS
    bare = _bare(annotation)
    return tuple(str(a) for a in get_args(bare)) if get_origin(bare) is Literal else ()


def _scalar_key(annotation: Any) -> FactKey:
    if _is_metric(annotation):
        return FactKey("text", METRICS)
    bare = _bare(annotation)
    if get_origin(bare) is Literal:
        return FactKey("text", _literal_choices(bare))
    if bare is bool:
        return FactKey("bool")
    if bare in (int, float):
        return _NUMBER
    return FactKey("text")


def _field_keys(name: str, annotation: Any, out: dict[str, FactKey]) -> None:
    """The keys ``policyweigh.facts`` makes of one field (see its ``_flatten``)."""
    bare = _bare(annotation)
    origin = get_origin(bare)
    if isinstance(bare, type) and issubclass(bare, BaseModel):
        for sub, info in bare.model_fields.items():
            _field_keys(f"{name}.{info.alias or sub}", info.annotation, out)
        out[f"{name}.count"] = _NUMBER
        out[name] = _WHOLE
    elif origin is dict:
        key_type, value_type = get_args(bare)
        for choice in _literal_choices(key_type):
            _field_keys(f"{name}.{choice}", value_type, out)
        out[f"{name}.count"] = _NUMBER
        out[name] = _WHOLE
    elif origin is list:
        (item,) = get_args(bare)
        if _bare(item) is BonusCondition:
            # A bonus's all: / any: conditions become conditions.* keys (policyweigh.facts).
            out.update(_catalog(CONDITION_KEYS))
            out[name] = _WHOLE
        elif _bare(item) is Window:
            # Blocked windows become summary numbers (policyweigh.facts.window_features).
            sample = [Window.model_validate({"from": "10:00", "to": "11:00"})]
            out.update({key: _NUMBER for key in window_features(sample)})
            out[name] = _WHOLE
        else:
            out[name] = FactKey("list", _literal_choices(item))
            out[f"{name}.count"] = _NUMBER
    else:
        out[name] = _scalar_key(annotation)


def _catalog(keys: Mapping[str, tuple[str, tuple[str, ...]]]) -> dict[str, FactKey]:
    """Fact keys described by ``policyweigh.facts`` (shape and choices) as catalog entries."""
    return {key: FactKey(shape, choices) for key, (shape, choices) in keys.items()}  # type: ignore[arg-type]


@cache
def context_keys() -> Mapping[str, FactKey]:
    """The ``policy`` / ``policy.*`` / ``scope.*`` keys every fact of a policy carries (some only when set)."""
    sample = Policy.model_validate(
        {
            "id": "p",
            "title": "p",
            "jurisdiction": "de",
            "scope": {"headcount": 1, "shift_hours": 1.0},
            "rules": [{"kind": "training"}],
        }
    )
    out: dict[str, FactKey] = {}
    for key in context_facts(sample):
        if key == POLICY_KEY:
            out[key] = FactKey("text")
            continue
        prefix, _, rest = key.partition(".")
        model: type[BaseModel] = Scope if prefix == "scope" else Policy
        name = rest.removesuffix(".count")
        info = model.model_fields[name]
        out[key] = _NUMBER if rest.endswith(".count") else _scalar_key(info.annotation)
    return out


# Names a template may show besides fact keys: the policy's title, and scope lists whole
# (facts carry only their counts). Their values come from the policy model.
_TEMPLATE_EXTRAS: dict[str, FactKey] = {"title": FactKey("text")}
_TEMPLATE_EXTRAS.update(
    {
        f"scope.{name}": _WHOLE
        for name, info in Scope.model_fields.items()
        if get_origin(_bare(info.annotation)) is list
    }
)


@cache
def fact_keys(kind: str) -> Mapping[str, FactKey]:
    """Every key a fact of a policy rule of ``kind`` can carry, with what it holds."""
    out: dict[str, FactKey] = {"kind": FactKey("text", RULE_KINDS)}
    for name, info in RULE_MODELS[kind].model_fields.items():
        shown = info.alias or name
        if shown in ("kind", "note"):
            continue  # the note is free text the engine never tests
        # pydantic keeps a field's own Annotated metadata apart from its type: put it back.
        annotation = Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
        _field_keys(shown, annotation, out)
        # What facts add for the metrics a rule names (policyweigh.facts): synonyms read as built-in
        # metrics, and what the settings declare of an organisation's own.
        if shown == "metric" and _is_metric(annotation):
            out.update(_catalog(METRIC_KEYS))
        elif shown == "weights" and _is_metric(next(iter(get_args(_bare(annotation))), None)):
            out.update(_catalog(PAY_KEYS))
    out.update({key: _NUMBER for key in MEASURES.get(kind, {})})
    if kind in QUEUE_KINDS:
        out.update(_catalog(QUEUE_KEYS))
    out.update(context_keys())
    return out


@cache
def derived_fact_keys() -> Mapping[str, FactKey]:
    """Every key a derived fact can carry: its name, its policy and the policy's context."""
    out: dict[str, FactKey] = {DERIVED_KEY: FactKey("text")}
    out.update(context_keys())
    return out


def template_keys(keys: Mapping[str, FactKey]) -> Mapping[str, FactKey]:
    """The names a template may show for facts with ``keys``."""
    return {**keys, **_TEMPLATE_EXTRAS}


# ---------------------------------------------------------------------------------------------
# Templates: `because` texts with {name} placeholders, filled with the matched facts' values.

_NAME = r"[a-z0-9][a-z0-9_-]*(?:\.[a-z0-9][a-z0-9_-]*)*"
# Placeholders under `scope.` and `policy.` are filled from the policy model by attribute, so
# only the names below may follow those prefixes; everything else is looked up in plain data.
CONTEXT_NAMES: tuple[str, ...] = tuple(
    sorted(
        (k for k in (*context_keys(), *_TEMPLATE_EXTRAS) if k.startswith(("scope.", "policy."))),
        key=lambda k: (-len(k), k),
    )
)
PLACEHOLDER = re.compile(
    r"\{((?:[ab]\.)?(?:"
    + "|".join(re.escape(name) for name in CONTEXT_NAMES)
    + r"|(?!(?:[ab]\.)?(?:scope|policy)\.)"
    + _NAME
    + r"))\}"
)
"""A placeholder, ``{name}``; group 1 is the name. Conflict templates prefix ``a.`` or ``b.``."""
_BRACED = re.compile(r"\{[^{}]*\}|[{}]")


def _why_not_placeholder(piece: str) -> str:
    inner = piece[1:-1]
    if piece in ("{", "}"):
        return (
            f"a lone {piece!r} is not part of a placeholder; braces only enclose a field name such as "
            "{max_minutes}, and templates have no escapes: write the text without it"
        )
    if not inner.strip():
        return "an empty placeholder; name a field, such as {max_minutes}"
    if "!" in inner:
        return "conversions (!r, !s, !a) are not supported; write the field name alone"
    if ":" in inner:
        return "format specifications (after ':') are not supported; write the field name alone"
    if "[" in inner or "]" in inner:
        return "indexing is not supported; name a fact key, such as {topics} or {topics.count}"
    if "(" in inner or ")" in inner:
        return "calls are not supported; write the field name alone"
    if any(part.startswith("_") for part in inner.split(".")):
        return "attribute access is not supported; placeholders name fact keys"
    prefix = inner[2:] if inner[:2] in ("a.", "b.") else inner
    if prefix.startswith(("scope.", "policy.")):
        return f"after 'scope.' or 'policy.' a template may name only: {', '.join(sorted(CONTEXT_NAMES))}"
    return "placeholders are fact keys: lowercase letters, digits, '_' and '-', joined by dots"


def template_problem(text: str) -> str | None:
    """Why ``text`` is not a valid template (the first bad brace or placeholder), or None."""
    for found in _BRACED.finditer(text):
        piece = found.group()
        if PLACEHOLDER.fullmatch(piece):
            continue
        return (
            f"{_show(piece)} at character {found.start() + 1} is not a placeholder: "
            f"{_why_not_placeholder(piece)}"
        )
    return None


def placeholders(text: str) -> list[str]:
    """The names of a template's placeholders, in order."""
    return PLACEHOLDER.findall(text)


def _check_template(text: str) -> str:
    problem = template_problem(text)
    if problem is not None:
        raise ValueError(problem)
    return text


Template = Annotated[str, AfterValidator(_check_template)]
"""Text with ``{name}`` placeholders filled from the matched facts (see ``PLACEHOLDER``)."""

# ---------------------------------------------------------------------------------------------
# Conditions.

# durable-rules reserves `sid` and `id` on facts, and reads a key starting with `$` as one of its
# own operators (`$and`, `$or`, `$lt` fail to compile with error 102; `$s`, `$m`, `$type` compile
# and never match); an empty key never matches. None of them is a fact key of a policy.
RESERVED_KEYS = frozenset({"sid", "id"})
_KEY_SYNTAX = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z0-9][a-z0-9_-]*)*")


def _check_key(key: str) -> str:
    if key in RESERVED_KEYS:
        raise ValueError(f"{key!r} is reserved by the rule engine; no fact carries it as data")
    if key.startswith("$"):
        raise ValueError(
            f"{_show(key)} is not a fact key: operators go inside a key's mapping "
            f"({', '.join(OPERATORS)}); conditions on several keys must all hold, "
            "and alternatives are written with `in:`"
        )
    if not _KEY_SYNTAX.fullmatch(key):
        raise ValueError(
            f"{_show(key)} is not a fact key: keys are field names in lowercase letters, digits "
            "and '_', dotted for nested values (service_level_target.answered_pct)"
        )
    return key


FactKeyName = Annotated[str, AfterValidator(_check_key)]
"""A fact key as conditions name it: a field name, dotted for nested values."""


def _as_list(value: Any) -> Any:
    """Accept a single string where a list of strings is expected."""
    return [value] if isinstance(value, str) else value


StrList = Annotated[list[str], BeforeValidator(_as_list)]


class _Model(BaseModel):
    # Built on first use: a rulebook read from the cache is never validated again.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Check(_Model):
    """Operators on one fact key; every operator given must hold."""

    eq: Scalar | None = None
    ne: Scalar | None = None
    lt: Number | None = None
    le: Number | None = None
    gt: Number | None = None
    ge: Number | None = None
    in_: list[Scalar] | None = Field(default=None, alias="in", min_length=1, max_length=MAX_IN_VALUES)
    not_in: list[Scalar] | None = Field(default=None, min_length=1, max_length=MAX_IN_VALUES)
    exists: bool | None = None
    contains: str | None = None
    not_contains: str | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> Check:
        if not self.model_fields_set:
            raise ValueError(f"a check needs at least one of {', '.join(OPERATORS)}")
        for name in sorted(self.model_fields_set):
            if getattr(self, name) is None:
                shown = "in" if name == "in_" else name
                raise ValueError(
                    f"{shown}: null tests nothing; to test that a key is absent, write exists: false"
                )
        for name, values in (("in", self.in_), ("not_in", self.not_in)):
            for index, value in enumerate(values or ()):
                # Listed twice, a value of `in:` would link the rule's branch twice in the Rete
                # network (and fire it twice); it never means anything else.
                if any(_same(value, other) for other in (values or ())[:index]):
                    raise ValueError(f"`{name}` lists {_show(value)} twice; list each value once")
        return self

    def holds(self, value: Any, present: bool) -> bool:
        """Evaluate the test on a key's value in Python (``when_holds`` adds the member tests).

        ``contains`` / ``not_contains`` read a list's member keys, never the key's own value, so a
        missing key does not fail them: ``{exists: false, not_contains: x}``
        holds on a fact without the key, as it does in the Rete network.
        """
        checks: list[bool] = []
        if self.exists is not None:
            checks.append(present == self.exists)
        if not present:
            # Every operator on the value needs one; a missing key fails it.
            others = self.model_fields_set - {"exists", "contains", "not_contains"}
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
When = dict[FactKeyName, Condition]


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


def when_kinds(when: When) -> tuple[str, ...]:
    """The rule kinds whose facts a condition mapping can match (none for a derived-fact mapping)."""
    if DERIVED_KEY in when:
        return ()
    test = when.get("kind")
    if test is None:
        return RULE_KINDS
    return tuple(k for k in RULE_KINDS if when_holds({"kind": test}, {"kind": k}))


def key_catalog(when: When, *, derived: bool) -> Mapping[str, FactKey]:
    """The keys the facts a condition mapping can match carry (of every kind it can match)."""
    if derived and DERIVED_KEY in when:
        return derived_fact_keys()
    kinds = when_kinds(when)
    if not kinds:  # a kind no policy rule has: check the keys against every kind's
        kinds = RULE_KINDS
    merged: dict[str, FactKey] = {}
    for kind in kinds:
        for key, info in fact_keys(kind).items():
            known = merged.get(key)
            if known is None or (known.shape == info.shape and known.choices and info.choices):
                choices = tuple(dict.fromkeys((*(known.choices if known else ()), *info.choices)))
                merged[key] = FactKey(info.shape, choices)
    return merged


@dataclass(frozen=True)
class ConditionProblem:
    """One problem of a condition mapping: where in it (from the mapping down), what, and a fix."""

    path: tuple[str | int, ...]
    message: str
    suggestion: str | None = None
    on_key: bool = False
    """Whether ``path`` names a key (point at the key rather than its value)."""


_ORDERED = ("lt", "le", "gt", "ge")


def _value_problem(key: str, info: FactKey, value: Any, op: str) -> tuple[str, str | None] | None:
    """Why ``value`` can never be the value of ``key``, with a suggestion, or None."""
    # A value the key never holds makes a positive test never hold and a negative one always.
    outcome = "this test always holds" if op in ("ne", "not_in", "not_contains") else "this test never holds"
    if info.shape == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return f"{key} holds a number, never {_show(value)}: {outcome}", None
    elif info.shape == "bool":
        if not isinstance(value, bool):
            return f"{key} holds true or false, never {_show(value)}: {outcome}", None
    elif not isinstance(value, str):
        return f"{key} holds text, never {_show(value)}: {outcome}", None
    elif info.choices and value not in info.choices:
        return (
            f"{key} is one of {', '.join(info.choices)}, never {_show(value)}: {outcome}",
            closest(value, info.choices),
        )
    return None


def condition_problems(when: When, *, derived: bool) -> list[ConditionProblem]:
    """Problems of a condition mapping against the keys facts carry.

    ``derived`` says whether the mapping may match derived facts (impact rules);
    conflict sides and remedies match policy rules only. A key no fact of the
    matched kinds carries, an operator the key's values cannot meet, or a
    value the key never holds would make a condition that silently never holds.
    """
    problems: list[ConditionProblem] = []
    if DERIVED_KEY in when and not derived:
        problems.append(
            ConditionProblem(
                (DERIVED_KEY,),
                "only impact rules match derived facts; this condition matches policy rules",
                on_key=True,
            )
        )
        return problems
    catalog = key_catalog(when, derived=derived)
    for key, condition in when.items():
        info = catalog.get(key)
        if info is None or info.shape == "whole":
            problems.append(ConditionProblem((key,), *_unknown_key(key, when, derived, catalog), on_key=True))
            continue
        ops: list[tuple[str, Any]]
        if isinstance(condition, Check):
            ops = [(name, getattr(condition, "in_" if name == "in" else name)) for name in OPERATORS]
            ops = [(name, value) for name, value in ops if value is not None]
        else:
            ops = [("", condition)]
        for op, value in ops:
            path: tuple[str | int, ...] = (key, op) if op else (key,)
            problem = _operator_problem(key, info, op)
            if problem is not None:
                problems.append(ConditionProblem(path, problem))
                continue
            if op in ("", "eq", "ne", "contains", "not_contains"):
                member = FactKey("text", info.choices) if info.shape == "list" else info
                found = _value_problem(key, member, value, op)
                if found is not None:
                    problems.append(ConditionProblem(path, *found))
            elif op in ("in", "not_in"):
                for index, item in enumerate(value):
                    found = _value_problem(key, info, item, op)
                    if found is not None:
                        problems.append(ConditionProblem((*path, index), *found))
    return problems


def _operator_problem(key: str, info: FactKey, op: str) -> str | None:
    if op == "exists":
        return None
    if info.shape == "list":
        if op in ("contains", "not_contains"):
            return None
        return (
            f"{key} is a list: test its members with contains / not_contains, or its length with {key}.count"
        )
    if op in ("contains", "not_contains"):
        return f"{op} tests the members of a list field; {key} holds one {info.shape} value"
    if op in _ORDERED and info.shape != "number":
        return f"{op} compares numbers; {key} holds {'true or false' if info.shape == 'bool' else 'text'}"
    return None


def _unknown_key(
    key: str, when: When, derived: bool, catalog: Mapping[str, FactKey]
) -> tuple[str, str | None]:
    """The message and suggestion for a key no matched fact carries."""
    testable = [k for k, info in catalog.items() if info.shape != "whole"]
    kinds = () if derived and DERIVED_KEY in when else when_kinds(when)
    where = "derived facts" if not kinds else f"{kinds[0]} facts" if len(kinds) == 1 else "policy rule facts"
    base, _, member = key.partition(f".{MEMBER_PREFIX}")
    if member and catalog.get(base, _WHOLE).shape == "list":
        return f"{key} is no key: test a list's members with `{base}: {{contains: {member}}}`", None
    if key in catalog:  # a list, mapping or nested value shown whole
        parts = sorted(k for k in testable if k.startswith(f"{key}."))
        return f"facts carry {key} only in parts: {', '.join(parts)}", None
    elsewhere = [kind for kind in RULE_KINDS if key in fact_keys(kind) and kind not in kinds]
    if elsewhere and len(kinds) < len(RULE_KINDS):
        owners = "policy rule" if len(elsewhere) == len(RULE_KINDS) else ", ".join(elsewhere)
        return f"{key} is a key of {owners} facts, not of {where}: this condition never holds", None
    return f"no fact key {key} in {where}; the README lists the fact keys", closest(key, testable)


def template_name_problem(
    name: str, keys: Mapping[str, FactKey], shown: str | None = None
) -> tuple[str, str | None] | None:
    """Why placeholder ``name`` names nothing the matched facts carry, with a suggestion, or None.

    ``shown`` is the placeholder as written, when it carries a side prefix (``a.``).
    """
    names = template_keys(keys)
    if name in names:
        return None
    prefix = (shown or name).removesuffix(name)
    suggestion = closest(name, names)
    return (
        f"{{{shown or name}}} names no key of the facts the rule matches, so it would always print (unset)",
        prefix + suggestion if suggestion else None,
    )


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


class Verdicts(_Model):
    """Margins for verdicts: a side moves only beyond +/- margin."""

    margin: float = Field(ge=0, le=50)


Strength = Literal["strong", "moderate", "weak", "practitioner"]
"""How far a source can be trusted: strong (meta-analyses, experiments), moderate (large
correlational studies), weak (single small studies, surveys), practitioner (arithmetic or
figures from practitioners that cannot be checked)."""
STRENGTHS: tuple[str, ...] = get_args(Strength)
"""Strengths, strongest first."""


class Bands(_Model):
    """How far a contribution may be off, by the strength of its best evidence (a fraction of it)."""

    strong: float = Field(ge=0, le=1)
    moderate: float = Field(ge=0, le=1)
    weak: float = Field(ge=0, le=1)
    practitioner: float = Field(ge=0, le=1)
    none: float = Field(ge=0, le=1)
    """For a rule that cites no evidence."""

    @model_validator(mode="after")
    def _ordered(self) -> Bands:
        if not (self.strong <= self.moderate <= self.weak <= self.practitioner <= self.none):
            raise ValueError(
                "bands must widen as evidence weakens: strong <= moderate <= weak <= practitioner <= none"
            )
        return self

    def of(self, strength: str | None) -> float:
        """The band of a strength (``none`` when there is no evidence)."""
        return float(getattr(self, strength or "none"))


class Mechanism(_Model):
    """A way a policy's effect on staff reaches customers later: attrition, absence, incivility, engagement."""

    id: Slug
    title: str
    lag: str
    """When the effect shows, in words (weeks, months, a year)."""
    description: str
    evidence: StrList = Field(default_factory=list)


class Scoring(_Model):
    """How contributions become side scores."""

    saturation: float = Field(ge=1, le=1000)
    """Weighted points at which a side reaches about 76 (tanh(1)); see the README.

    At least one weighted point (below it one point saturates a side); at most
    1,000 (beyond it every realistic sum rounds to a score of 0, and an
    infinite saturation makes every score 0)."""
    verdicts: Verdicts
    bands: Bands
    mechanisms: list[Mechanism] = Field(default_factory=list)
    """The mechanisms by which effects on staff reach customers; a derived impact rule names one
    in ``mechanism`` and its customer impacts are the policy's indirect customer score."""

    @property
    def mechanisms_by_id(self) -> dict[str, Mechanism]:
        """Mechanisms by id."""
        return {m.id: m for m in self.mechanisms}


class Evidence(_Model):
    """One source behind rules, with a full citation."""

    id: Slug
    citation: str
    finding: str
    strength: Strength
    secondary: bool = False
    """Quoted from a summary rather than read in the original."""


class Examples(_Model):
    """Rules that must make the rule fire, and rules that must leave it silent.

    Each example is a policy rule mapping; its optional ``scope`` and
    ``jurisdiction`` keys set the surrounding policy's fields.
    """

    fires: list[dict[str, Any]] = Field(default_factory=list)
    silent: list[dict[str, Any]] = Field(default_factory=list)


class Dose(_Model):
    """A graded factor on one number of the matched fact: the rule's impacts are multiplied by it.

    ``points`` are (input, factor) pairs with inputs strictly increasing; the
    factor between two points is interpolated on the straight line between
    them and stays at the end value beyond either end, so the factor is
    continuous: no cliffs. A fact without the key takes ``default`` as its
    input, or a factor of 1 when there is no default.
    """

    key: str
    points: list[tuple[Number, Number]] = Field(min_length=2, max_length=32)
    default: Number | None = None
    says: str = ""
    """What the number means, for explanations (e.g. "minutes of the shift without a break")."""

    @model_validator(mode="after")
    def _increasing(self) -> Dose:
        inputs = [x for x, _ in self.points]
        if any(b <= a for a, b in itertools.pairwise(inputs)):
            raise ValueError("dose points must have strictly increasing inputs")
        if any(f < 0 or f > 10 for _, f in self.points):
            raise ValueError("a dose factor is between 0 and 10 (the impacts carry the sign)")
        return self

    def factor(self, value: float | None) -> float:
        """The factor at ``value`` (see the class)."""
        if value is None:
            if self.default is None:
                return 1.0
            value = self.default
        points = self.points
        if value <= points[0][0]:
            return float(points[0][1])
        for (x0, f0), (x1, f1) in itertools.pairwise(points):
            if value <= x1:
                return float(f0 + (f1 - f0) * (value - x0) / (x1 - x0))
        return float(points[-1][1])


class Threshold(_Model):
    """A cut-off in a rule's ``when`` that the law or the evidence names, stated in its explanation."""

    key: str
    value: Number
    evidence: str
    """The evidence id that names the threshold."""
    says: str
    """The threshold in words, appended to the explanation when the rule fires."""


class ImpactRule(_Model):
    """One impact rule: when its conditions hold, it moves criteria and may derive facts."""

    code: Code
    name: DottedName
    summary: str
    when: When = Field(min_length=1)
    impacts: dict[CriterionId, Annotated[int, Field(ge=-5, le=5)]] = Field(default_factory=dict)
    """Points on each criterion at a dose factor of 1 (before weights)."""
    dose: list[Dose] = Field(default_factory=list, max_length=4)
    """Graded factors on numbers of the matched fact, multiplied together."""
    thresholds: list[Threshold] = Field(default_factory=list, max_length=4)
    """The named cut-offs among the numeric tests of ``when``."""
    mechanism: str | None = None
    """For a rule on a derived fact: the mechanism (``scoring.mechanisms``) by which staff effects
    reach customers; its customer impacts are indirect."""
    derive: StrList = Field(default_factory=list)
    because: Template
    evidence: StrList = Field(default_factory=list)
    remedies: StrList = Field(default_factory=list)
    """Remedies offered when this rule's harm fails the gate."""
    strength: Strength | None = None
    """How strongly the evidence supports this rule's own claim, when that is weaker than its
    strongest source (a correlational meta-analysis used for one causal step); it sets the band.
    Never stronger than the strongest evidence the rule cites."""
    baseline: bool = False
    """The rule recognises the usual practice (standard equipment on the usual cycle): the policy
    rule is assessed, and moves nothing."""
    reach: str | None = None
    """A number of the matched fact, 0 to 1, that says what share of the scope's customer contacts
    the rule touches (a break ban touches the contacts in its windows); unset: all of them."""
    replaced_by_queue: list[CriterionId] = Field(default_factory=list)
    """Criteria whose points here are a rule of thumb for the queue: when an organisation file models
    the policy's team (the matched fact has ``queue.modelled``), they are left out and the queue
    rules (QUE) score the team's own service level and occupancy instead."""
    examples: Examples = Field(default_factory=Examples)

    @model_validator(mode="after")
    def _does_something(self) -> ImpactRule:
        unknown = [c for c in self.replaced_by_queue if c not in self.impacts]
        if unknown:
            raise ValueError(
                f"replaced_by_queue names {', '.join(unknown)}, which this rule does not move; "
                "list only criteria among its impacts"
            )
        if self.baseline and (self.impacts or self.derive):
            raise ValueError("a baseline rule moves nothing: remove its impacts and derive")
        if not self.impacts and not self.derive and not self.baseline:
            raise ValueError("an impact rule needs impacts, derive, or both (or `baseline: true`)")
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
    because: Template
    """Template; placeholders {a.field}, {b.field}, {a.policy}, {b.policy}."""
    remedies: StrList = Field(default_factory=list)
    evidence: StrList = Field(default_factory=list)
    examples: dict[str, list[list[dict[str, Any]]]] = Field(default_factory=dict)
    """``fires`` / ``silent``: each a pair of rule mappings [a, b] in one policy."""


class Remedy(_Model):
    """A declarative patch to a policy, and what it is meant to fix: fields set on one of its
    rules (``patch``), or a rule added to it (``add_rule``), and fields set on its scope (``scope``)."""

    code: Code
    name: DottedName
    summary: str
    applies_to: When = Field(min_length=1)
    """Conditions on the rule the patch is applied to (for ``add_rule`` and ``scope``: on a rule of
    the conflict, or the policy's ``scope.*`` and ``policy.*`` keys when the conflict names no rule)."""
    patch: dict[str, Any] = Field(default_factory=dict)
    """Fields to set on the matched rule; null removes an optional field."""
    add_rule: dict[str, Any] | None = None
    """A rule to add to the policy (every field, ``kind`` included), or ``{compute: NAME}``; tried
    once per policy of a conflict, not once per rule."""
    scope: dict[str, Any] = Field(default_factory=dict)
    """Scope fields to set on the policy (``shift_hours``); a value may be ``{compute: NAME}``."""
    evidence: StrList = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_change(self) -> Remedy:
        if not self.patch and self.add_rule is None and not self.scope:
            raise ValueError("a remedy needs a patch, an add_rule or a scope to set")
        if self.patch and self.add_rule is not None:
            raise ValueError("give either patch (fields of a rule) or add_rule (a new rule), not both")
        if self.add_rule is not None and not self.add_rule:
            raise ValueError("add_rule needs the new rule's fields, or {compute: NAME}")
        return self

    @property
    def per_policy(self) -> bool:
        """Whether the remedy is tried once per policy (it adds a rule or sets only the scope)."""
        return self.add_rule is not None or not self.patch

    def change_text(self) -> str:
        """What the remedy changes, in one line: ``patches the policy rule it is tried on: paid =
        True``; ``adds a rule to the policy: ...``; ``sets the policy's scope: ...``."""

        def shown(value: Any) -> str:
            if isinstance(value, dict) and set(value) == {"compute"}:
                return f"worked out from the finding ({value['compute']})"
            return repr(value)

        def pairs(values: dict[str, Any]) -> str:
            return ", ".join(f"{field} = {shown(value)}" for field, value in values.items())

        parts = []
        if self.add_rule is not None:
            computed = set(self.add_rule) == {"compute"}
            added = shown(self.add_rule) if computed else pairs(self.add_rule)
            parts.append(f"adds a rule to the policy: {added}")
        if self.patch:
            parts.append(f"patches the policy rule it is tried on: {pairs(self.patch)}")
        if self.scope:
            parts.append(f"sets the policy's scope: {pairs(self.scope)}")
        return "; ".join(parts)


class Equivalence(_Model):
    """Two policy rules that say the same thing through different kinds: their scores must land close.

    Each side is a policy rule mapping, as in examples (an optional ``scope``
    sets the surrounding policy's scope). A test scores both alone and holds
    each side's score within ``tolerance`` points.
    """

    name: DottedName
    summary: str
    a: dict[str, Any]
    b: dict[str, Any]
    tolerance: int = Field(ge=0, le=50)


class Plausible(_Model):
    """The values of one numeric field that a real policy sets; outside them the judgement is flagged."""

    kind: str
    key: str
    """A number of the kind's facts (a field or a measure)."""
    min: Number | None = None
    max: Number | None = None
    reason: str
    """Why values outside are implausible, in words shown with the finding."""


def canonical_when(when: When) -> frozenset[tuple[str, str, Any]]:
    """A condition mapping as a set of (key, operator, value): equal when the conditions are.

    A bare value is ``eq``; ``in`` / ``not_in`` lists compare as sets, so the
    order of their values does not matter.
    """
    terms: set[tuple[str, str, Any]] = set()
    for key, condition in when.items():
        if not isinstance(condition, Check):
            terms.add((key, "eq", _canonical(condition)))
            continue
        for op in OPERATORS:
            value = getattr(condition, "in_" if op == "in" else op)
            if value is None:
                continue
            if isinstance(value, list):
                terms.add((key, op, frozenset(_canonical(v) for v in value)))
            else:
                terms.add((key, op, _canonical(value)))
    return frozenset(terms)


def _canonical(value: Any) -> tuple[str, Any]:
    # Booleans stay apart from 0 and 1 (as in _same); 1 and 1.0 are one number.
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, (int, float)):
        return ("number", float(value))
    return ("text", value)
