"""The reference of the policy format, generated from the models in ``policyweigh.policy``.

The models are the contract, so their field docstrings, types, defaults and
ranges are the one source of the documentation: ``format_reference_markdown()``
renders them as Markdown (kept in README.md between markers by
``scripts/update_reference.py``), and ``field_docs()`` gives the same facts to
the ``new`` command's commented templates.
"""

from __future__ import annotations

import json
import re
import types
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal, Union, get_args, get_origin

from annotated_types import Ge, Gt, Le, Lt, MaxLen, MinLen
from pydantic import AfterValidator, BaseModel, StringConstraints
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from policyweigh import organisation as org
from policyweigh import policy as fmt
from policyweigh.formatting import extract_marked, replace_marked
from policyweigh.measures import MEASURES

START_MARKER = "<!-- format-reference:start -->"
END_MARKER = "<!-- format-reference:end -->"

# The unit a field's name carries (numbers carry their unit in the name, by contract).
_UNITS = (
    ("_hours_per_week", "hours per week"),
    ("_sales_per_day", "sales per day"),
    ("_pct_of_base_pay", "percent of base pay"),
    ("_per_week", "per week"),
    ("_per_month", "per month"),
    ("_per_year", "per year"),
    ("_minutes", "minutes"),
    ("_seconds", "seconds"),
    ("_hours", "hours"),
    ("_weeks", "weeks"),
    ("_months", "months"),
    ("_days", "days"),
    ("_pct", "percent"),
)

_PATTERNS = {
    r"^[a-z0-9]+(-[a-z0-9]+)*$": "lowercase letters and digits in words joined by single dashes",
    r"^[A-Z]{3}$": "three capital letters (an ISO 4217 code such as EUR)",
}

# Checks made by model validators, which the field types cannot show.
RULE_NOTES: dict[str, str] = {
    "staffing": "At least one of `payroll_change_pct`, `occupancy_target_pct`, `service_level_target` "
    "is required.",
    "training": "Each topic may be listed once.",
    "metric-target": "With `unit: pct` the target is at most 100.",
    "compensation-link": "Each weight is above 0 and at most 100; the weights sum to 100.",
    "bonus-threshold": "Give either `metric` with `threshold_pct`, or `all` (or `any`, with at least two "
    "entries) of conditions such as `customer_satisfaction >= 90 pct` or `quality_score >= 95% of target`.",
    "monitoring": "`live_hours_per_week` only with `method: silent-monitoring` or `side-by-side`; "
    "`calibrated: true` only with `method: qa-scorecard`; `results_seen_by: agent` needs "
    "`feedback_to_agent: true`.",
    "adherence": "Give the tolerance once: `tolerance_minutes` or `tolerance_pct`.",
    "schedule-notice": "`change_premium_pct` above 0 and `right_to_refuse: true` need "
    "`changes_after_publication: true`.",
    "script": "`use: guideline` refuses `deviation_allowed: false`; unset, it is true for a guideline and "
    "false for a mandatory script.",
    "contest": "`prize: none` needs a `leaderboard` other than none.",
    "attendance": "`points_to_warning` needs `points_system: true`; `bradford_trigger_score` needs "
    "`bradford_factor: true`.",
    "conduct": "Give `sanction` (with `repeat_sanction`, never milder) or a `ladder` (each step at least "
    "as severe as the one before, nothing after dismissal), not both.",
}


@dataclass(frozen=True)
class FieldDoc:
    """What a person needs to know to write one field."""

    name: str
    """The name as written in YAML (the alias, for ``from`` and ``break``)."""
    type_name: str
    """The type in words: ``number``, ``whole number``, ``text``, ``list of ...``."""
    choices: tuple[str, ...]
    """Allowed values, for a field (or list of values) with a fixed set."""
    limits: str
    """Ranges and lengths in words (``greater than 0, at most 240``), or empty."""
    unit: str
    """The unit the field's name carries (``minutes``), or empty."""
    required: bool
    default: Any
    """The default value as plain data (``None`` when there is none)."""
    meaning: str
    model: type[BaseModel] | None
    """The nested model of a field holding one mapping or a list of mappings."""

    @property
    def allowed(self) -> str:
        """The type with its allowed values and limits, in one phrase."""
        text = self.type_name
        if self.choices:
            text += ": " + ", ".join(self.choices)
        if self.limits:
            text += f", {self.limits}"
        return text

    @property
    def default_text(self) -> str:
        """The default as YAML would show it; empty for a required field or one left unset by default."""
        if self.required or self.default is None:
            return ""
        if self.model is not None and isinstance(self.default, dict):
            return "{}"  # a nested mapping whose fields all take their own defaults
        return yaml_scalar(self.default)


_PLAIN = re.compile(r"^[A-Za-z](?:[A-Za-z0-9_. -]*[A-Za-z0-9])?$")
_KEYWORDS = {"true", "false", "null", "yes", "no", "on", "off", "y", "n"}


def _escape(char: str) -> str:
    # JSON leaves DEL, C1 controls and the Unicode line separators raw: YAML refuses them
    # or reads a line break, so they are escaped too.
    if "\x7f" <= char <= "\x9f" or char in "\u2028\u2029\ufeff\ufffe\uffff":
        return f"\\u{ord(char):04x}"
    return char


def yaml_scalar(value: Any) -> str:
    """Render plain data as compact YAML in flow style (times and numbers-like text quoted)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        # Plain only when every YAML reader (1.1 or 1.2) sees the same string; JSON quoting otherwise.
        # fullmatch: `$` alone also matches before a final line break, and "A\n" is not plain.
        if _PLAIN.fullmatch(value) and value.lower() not in _KEYWORDS:
            return value
        return "".join(_escape(c) for c in json.dumps(value, ensure_ascii=False))
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(yaml_scalar(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {yaml_scalar(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot render {type(value).__name__} as YAML")


def _unit(name: str) -> str:
    if name == "hours_per_month":
        return "hours per month"
    if name == "hours_per_year":
        return "hours per year"
    if name == "remote_days_per_week":
        return "days per week"
    for suffix, unit in _UNITS:
        if name.endswith(suffix):
            return unit
    return ""


def _number(value: Any) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _limits(metadata: list[Any], what: str) -> list[str]:
    words = []
    for meta in metadata:
        if isinstance(meta, Gt):
            words.append(f"greater than {_number(meta.gt)}")
        elif isinstance(meta, Ge):
            words.append(f"at least {_number(meta.ge)}")
        elif isinstance(meta, Lt):
            words.append(f"less than {_number(meta.lt)}")
        elif isinstance(meta, Le):
            words.append(f"at most {_number(meta.le)}")
        elif isinstance(meta, MinLen) and meta.min_length:
            words.append(f"at least {_count(meta.min_length, what)}")
        elif isinstance(meta, MaxLen):
            words.append(f"at most {_count(meta.max_length, what)}")
        elif isinstance(meta, StringConstraints):
            if str(meta.pattern) in _PATTERNS:
                words.append(_PATTERNS[str(meta.pattern)])
            elif meta.pattern:
                words.append(f"matching {meta.pattern}")
            if meta.min_length:
                words.append(f"at least {_count(meta.min_length, 'characters')}")
            if meta.max_length:
                words.append(f"at most {_count(meta.max_length, 'characters')}")
    return words


def _count(number: int, plural: str) -> str:
    singular = {"entries": "entry", "characters": "character"}.get(plural, plural)
    return f"{number} {singular if number == 1 else plural}"


def _is_time(metadata: list[Any]) -> bool:
    check = getattr(fmt, "_check_time", None)
    return any(isinstance(m, AfterValidator) and m.func is check for m in metadata)


@dataclass
class _Type:
    words: str
    choices: tuple[str, ...] = ()
    limits: tuple[str, ...] = ()
    model: type[BaseModel] | None = None


def _describe(tp: Any, metadata: list[Any], container: str = "entries") -> _Type:
    """Describe a type annotation in words, with the limits found in its metadata."""
    metadata = list(metadata)
    while getattr(tp, "__metadata__", None) is not None:
        metadata.extend(tp.__metadata__)
        tp = get_args(tp)[0]
    origin, args = get_origin(tp), get_args(tp)
    if origin in (Union, types.UnionType):
        members = [a for a in args if a is not type(None)]
        if len(members) == 1:
            return _describe(members[0], metadata, container)
        return _Type("rule", model=None)
    if origin is Literal:
        return _Type("one of", tuple(str(a) for a in args))
    if origin is list:
        item = _describe(args[0], [])
        words = "list, each one of" if item.choices else f"list of {_plural(item.words)}"
        limits = _limits(metadata, "entries")
        if item.limits:
            limits.append("each " + ", ".join(item.limits))
        return _Type(words, item.choices, tuple(limits), item.model)
    if origin is dict:
        key = _describe(args[0], [])
        value = _describe(args[1], [])
        key_words = "metric" if args[0] is fmt.Metric else key.words
        return _Type(
            f"mapping of {key_words} to {value.words}", key.choices, tuple(_limits(metadata, "entries"))
        )
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        names = [info.alias or name for name, info in tp.model_fields.items()]
        return _Type(f"mapping ({', '.join(names)})", model=tp)
    if tp is bool:
        return _Type("true or false")
    if tp is int:
        return _Type("whole number", limits=tuple(_limits(metadata, container)))
    if tp is float:
        return _Type("number", limits=tuple(_limits(metadata, container)))
    if tp is str:
        if _is_time(metadata):
            return _Type("time", limits=("HH:MM on a 24-hour clock",))
        return _Type("text", limits=tuple(_limits(metadata, "characters")))
    return _Type(getattr(tp, "__name__", str(tp)))


def _plural(words: str) -> str:
    if words == "rule":
        return "rules"
    if words.startswith("mapping"):
        return "mappings" + words[len("mapping") :]
    return {"text": "texts", "time": "times"}.get(words, words + "s")


def _default(info: FieldInfo) -> Any:
    if info.default_factory is not None:
        made = info.default_factory()  # type: ignore[call-arg]
        return made.model_dump(mode="json", by_alias=True) if isinstance(made, BaseModel) else made
    return None if info.default is PydanticUndefined else info.default


def field_docs(model: type[BaseModel], skip: tuple[str, ...] = ("kind",)) -> list[FieldDoc]:
    """Describe every field of a model, own fields first and inherited ones (``note``) last."""
    own = [n for n in vars(model).get("__annotations__", {}) if n in model.model_fields]
    ordered = own + [n for n in model.model_fields if n not in own]
    docs = []
    for name in ordered:
        info = model.model_fields[name]
        shown = info.alias or name
        if shown in skip:
            continue
        described = _describe(info.annotation, list(info.metadata))
        docs.append(
            FieldDoc(
                name=shown,
                type_name=described.words,
                choices=described.choices,
                limits=", ".join(described.limits),
                unit=_unit(shown),
                required=info.is_required(),
                default=_default(info),
                meaning=" ".join((info.description or "").split()).replace("``", "`"),
                model=described.model,
            )
        )
    return docs


def rule_models() -> Iterator[tuple[str, type[BaseModel]]]:
    """Every rule kind with its model, in the order of the format's union."""
    yield from fmt.RULE_MODELS.items()


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(docs: list[FieldDoc]) -> list[str]:
    lines = [
        "| field | type / allowed values | default | required | meaning |",
        "|---|---|---|---|---|",
    ]
    for doc in docs:
        allowed = doc.allowed
        if doc.unit:
            allowed += f" ({doc.unit})"
        default = f"`{doc.default_text}`" if doc.default_text else ("" if doc.required else "not set")
        lines.append(
            f"| `{doc.name}` | {_cell(allowed)} | {_cell(default)} | {'yes' if doc.required else 'no'} "
            f"| {_cell(doc.meaning)} |"
        )
    return lines


def _first_line(model: type[BaseModel]) -> str:
    """The first line of a model's docstring, with reST literals turned into Markdown ones."""
    text = (model.__doc__ or "").strip()
    return text.splitlines()[0].replace("``", "`") if text else ""


def format_reference_markdown() -> str:
    """Return the Markdown reference of policy format v1, generated from the models."""
    out = [
        f"Policy format v{fmt.FORMAT_VERSION}: one policy per YAML file. Unknown keys and unknown rule "
        'kinds are errors. Times are `"HH:MM"` strings on a 24-hour clock; numbers carry their unit '
        "in the field name. Generated from `engine/policy.py`; `policyweigh schema` prints the same "
        "contract as JSON Schema and `policyweigh new KIND` writes a commented template.",
        "",
        "### Policy",
        "",
        *_table(field_docs(fmt.Policy)),
        "",
        "### `scope`",
        "",
        _first_line(fmt.Scope),
        "",
        *_table(field_docs(fmt.Scope)),
        "",
        "### Blocked window (`blocked_windows` entries)",
        "",
        _first_line(fmt.Window),
        "",
        *_table(field_docs(fmt.Window)),
        "",
        "### Service level (`service_level_target`)",
        "",
        _first_line(fmt.ServiceLevel),
        "",
        *_table(field_docs(fmt.ServiceLevel)),
        "",
        "### Rules",
        "",
        "Each entry of `rules` has a `kind`, one of "
        + ", ".join(f"`{kind}`" for kind in fmt.RULE_KINDS)
        + ", and the fields of that kind. Every rule may also carry `note:` (free text, at most 5000 "
        "characters).",
    ]
    for kind, model in rule_models():
        out += ["", f"#### `{kind}`", "", _first_line(model)]
        if kind in RULE_NOTES:
            out += ["", RULE_NOTES[kind]]
        out += ["", *_table(field_docs(model, skip=("kind", "note")))]
        measures = MEASURES.get(kind, {})
        if measures:
            out += [
                "",
                "Measures, worked out from these fields for the impact rules (not written in a policy):",
                "",
            ]
            out += [f"- `{key}`: {_cell(m.description)}" for key, m in measures.items()]
    out += _organisation_reference()
    return "\n".join(out) + "\n"


def _organisation_reference() -> list[str]:
    """The organisation file's reference: its models' fields, generated like the policy format's."""
    out = [
        "",
        "### The organisation file",
        "",
        "Named by `organisation` in the settings or by `--organisation FILE`; validated like a policy "
        "(unknown keys are errors). Generated from `engine/organisation.py`.",
    ]
    for title, model in (
        ("Organisation", org.Organisation),
        ("Team (`teams` entries)", org.Team),
        ("Shift pattern (`shifts` entries)", org.Shift),
        ("Interval of calls (`workload` entries)", org.Demand),
        ("Today's lunch (`breaks`)", org.TeamBreaks),
        ("Well-placed lunch window (`breaks.well_placed`)", org.LunchWindow),
    ):
        out += ["", f"#### {title}", "", _first_line(model), "", *_table(field_docs(model, skip=()))]
    return out


def replace_block(text: str, block: str) -> str:
    """Return ``text`` with the part between the reference markers replaced by ``block``."""
    return replace_marked(text, START_MARKER, END_MARKER, block)


def extract_block(text: str) -> str | None:
    """Return the part of ``text`` between the reference markers, or None when they are missing."""
    return extract_marked(text, START_MARKER, END_MARKER)
