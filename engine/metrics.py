"""Metrics: the built-in ones, the names people write for them, and the ones an organisation declares.

A policy names a metric wherever pay or a target rides on one (``bonus-threshold``,
its ``all:`` / ``any:`` conditions, ``metric-target``, ``compensation-link``
weights). Three kinds of name are accepted:

- a **built-in** metric (``customer_satisfaction``), which the rulebook's
  impact rules know by name; each has the units it is measured in and the
  direction that is good (``BUILT_IN``);
- a **synonym** of a built-in one (``SYNONYMS``): the contact-centre
  abbreviations (``csat``, ``nps``, ``aht``, ``fcr``...) mean exactly the
  built-in metric and are read as it, everywhere. A few names are the
  *complement* of a built-in metric in percent (``attendance`` is 100 minus
  ``absenteeism``, ``retention`` 100 minus ``attrition``): they are read as
  the built-in metric with the level turned round (``attendance >= 98 pct`` is
  ``absenteeism <= 2 pct``), only where that is exact (an absolute level in
  pct, in a bonus condition), and the explanation says so; anywhere else they
  are refused with the rewritten value in the message, so a meaning is never
  changed silently;
- a metric the organisation **declares** in its settings (``[metrics.NAME]``
  in ``policyweigh.toml``), with its unit, which direction is good and who
  controls it (the agent, the team, or the system: contact arrivals,
  staffing, tools). A declared name may be neither a built-in name nor a
  synonym, so every synonym means one thing whatever the settings.

Names that are common in contact centres but have no built-in counterpart
(``idle_time``, ``occupancy``, ``asa``...) have a hint (``NOT_BUILT_IN``) that
says what the format offers instead and how to declare them. Whether a name is
known is decided where the settings are known (``policyweigh.project``); the
policy models only check what needs no settings.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, get_args

from policyweigh.suggest import closest

BuiltInMetric = Literal[
    "calls_handled",
    "average_handle_time",
    "max_call_duration",
    "first_contact_resolution",
    "customer_satisfaction",
    "net_promoter_score",
    "customer_effort",
    "quality_score",
    "schedule_adherence",
    "sales",
    "abandonment_rate",
    "service_level",
    "repeat_contacts",
    "employee_engagement",
    "attrition",
    "absenteeism",
]
METRICS: tuple[str, ...] = get_args(BuiltInMetric)
"""The built-in metrics, in the order the format lists them."""

Unit = Literal["pct", "minutes", "seconds", "count", "score"]
UNITS: tuple[str, ...] = get_args(Unit)
Better = Literal["higher", "lower"]
BETTER: tuple[str, ...] = get_args(Better)
Controller = Literal["agent", "team", "system"]
CONTROLLERS: tuple[str, ...] = get_args(Controller)

NAME_PATTERN = r"^[a-z][a-z0-9_]*$"
"""How a metric is named: lowercase letters, digits and ``_``, starting with a letter."""
NAME_MAX = 60
_NAME_RE = re.compile(NAME_PATTERN)


@dataclass(frozen=True)
class MetricInfo:
    """What the engine knows of one metric: its units, the good direction, and who controls it."""

    name: str
    units: tuple[str, ...]
    """Units a level of it may be written in (the first is the usual one)."""
    better: Better
    """Whether a higher or a lower value is the good direction."""
    meaning: str
    controlled_by: Controller | None = None
    """Who moves it: set for declared metrics; None for the built-in ones (the rulebook's rules
    on them say what they need)."""
    declared: bool = False
    """Declared in the settings rather than built in."""


def _built_in(name: str, units: tuple[str, ...], better: Better, meaning: str) -> MetricInfo:
    return MetricInfo(name, units, better, meaning)


BUILT_IN: Mapping[str, MetricInfo] = {
    info.name: info
    for info in (
        _built_in("calls_handled", ("count",), "higher", "contacts handled in the period"),
        _built_in("average_handle_time", ("minutes", "seconds"), "lower", "average length of a contact"),
        _built_in("max_call_duration", ("minutes", "seconds"), "lower", "length of the longest contact"),
        _built_in(
            "first_contact_resolution", ("pct",), "higher", "share of contacts resolved the first time"
        ),
        _built_in("customer_satisfaction", ("pct", "score"), "higher", "customers' satisfaction survey"),
        _built_in("net_promoter_score", ("score",), "higher", "promoters minus detractors, -100 to 100"),
        _built_in("customer_effort", ("score",), "lower", "effort customers report, lower is easier"),
        _built_in("quality_score", ("pct", "score"), "higher", "quality-assurance score of contacts"),
        _built_in("schedule_adherence", ("pct",), "higher", "share of time worked as scheduled"),
        _built_in("sales", ("count", "pct", "score"), "higher", "sales made, or the conversion rate"),
        _built_in("abandonment_rate", ("pct",), "lower", "share of callers who hang up before an answer"),
        _built_in("service_level", ("pct",), "higher", "share of contacts answered within the time"),
        _built_in("repeat_contacts", ("pct", "count"), "lower", "customers coming back about the same issue"),
        _built_in("employee_engagement", ("pct", "score"), "higher", "staff engagement survey"),
        _built_in("attrition", ("pct", "count"), "lower", "people leaving in the period"),
        _built_in("absenteeism", ("pct", "count"), "lower", "share of scheduled time absent"),
    )
}
"""Every built-in metric with its units and good direction."""


@dataclass(frozen=True)
class Synonym:
    """A name people write for a built-in metric."""

    name: str
    means: str
    """The built-in metric."""
    complement: bool = False
    """The name is 100 minus the built-in metric, in percent (attendance for absenteeism)."""


def _synonyms(means: str, *names: str, complement: bool = False) -> list[Synonym]:
    return [Synonym(name, means, complement) for name in names]


SYNONYMS: Mapping[str, Synonym] = {
    s.name: s
    for s in (
        *_synonyms("customer_satisfaction", "csat", "customer_satisfaction_score"),
        *_synonyms("net_promoter_score", "nps", "net_promoter"),
        *_synonyms("average_handle_time", "aht", "handle_time", "average_handling_time"),
        *_synonyms("max_call_duration", "max_handle_time", "longest_call", "max_call_length"),
        *_synonyms(
            "first_contact_resolution", "fcr", "first_call_resolution", "ftr", "first_time_resolution"
        ),
        *_synonyms("customer_effort", "ces", "customer_effort_score", "effort_score"),
        *_synonyms("quality_score", "qa", "qa_score", "quality", "quality_assurance"),
        *_synonyms("schedule_adherence", "adherence", "rta"),
        *_synonyms("abandonment_rate", "abandon_rate", "abandonment"),
        *_synonyms("service_level", "sl", "grade_of_service"),
        *_synonyms("repeat_contacts", "repeat_calls", "recontact_rate", "repeat_contact_rate"),
        *_synonyms("employee_engagement", "engagement", "engagement_score"),
        *_synonyms("attrition", "turnover", "staff_turnover", "attrition_rate"),
        *_synonyms("absenteeism", "absence", "absence_rate", "absenteeism_rate"),
        *_synonyms("calls_handled", "calls", "contacts_handled"),
        *_synonyms("attrition", "retention", "retention_rate", complement=True),
        *_synonyms("absenteeism", "attendance", "attendance_rate", complement=True),
    )
}
"""Names read as a built-in metric: abbreviations and other common names (``complement``: 100
minus the built-in metric, in percent)."""

_DECLARE = "declare it in the settings ([metrics.{name}] with unit, better and controlled_by)"
NOT_BUILT_IN: Mapping[str, str] = {
    **{
        name: "idle time is what occupancy leaves over (a staffing rule's occupancy_target_pct); "
        "it is no built-in metric: " + _DECLARE
        for name in ("idle", "idle_time", "idle_minutes", "idle_minutes_per_shift", "available_time")
    },
    **{
        name: "occupancy is a staffing target (a staffing rule's occupancy_target_pct), not a "
        "metric of a person: " + _DECLARE
        for name in ("occupancy", "utilisation", "utilization")
    },
    **{
        name: "the speed of answer is part of service_level (share answered within a time); "
        "to target it on its own, " + _DECLARE
        for name in ("asa", "average_speed_of_answer", "speed_of_answer")
    },
    **{
        name: "after-call work is part of average_handle_time; to target it on its own, " + _DECLARE
        for name in ("acw", "after_call_work", "wrap_time", "wrap_up_time")
    },
    **{
        name: "hold time is part of average_handle_time; to target it on its own, " + _DECLARE
        for name in ("hold_time", "average_hold_time")
    },
    **{name: "shrinkage is a planning figure, not a person's metric; " + _DECLARE for name in ("shrinkage",)},
    **{
        name: "conversion is sales per contact: the built-in metric is sales (in pct for a rate); "
        "to keep it apart, " + _DECLARE
        for name in ("conversion", "conversion_rate", "upsell_rate")
    },
}
"""Common names with no built-in counterpart: what the format offers instead, and how to declare one."""


@dataclass(frozen=True)
class Resolved:
    """A metric name as written, and what it is read as."""

    written: str
    info: MetricInfo
    """The metric it is read as (built-in or declared)."""
    complement: bool = False
    """The written name is 100 minus ``info``'s metric, in percent."""

    @property
    def name(self) -> str:
        """The name it is read as."""
        return self.info.name

    @property
    def renamed(self) -> bool:
        """Whether it is read under another name than the one written."""
        return self.written != self.info.name


def resolve_metric(written: str, declared: Mapping[str, MetricInfo] | None = None) -> Resolved | None:
    """What ``written`` is read as: a built-in metric, a synonym of one, or a declared metric.

    None when the name is none of these (the caller reports it, with ``unknown_metric``).
    """
    if written in BUILT_IN:
        return Resolved(written, BUILT_IN[written])
    synonym = SYNONYMS.get(written)
    if synonym is not None:
        return Resolved(written, BUILT_IN[synonym.means], synonym.complement)
    found = (declared or {}).get(written)
    return Resolved(written, found) if found is not None else None


def fold(name: str) -> str:
    """A name as metrics are spelt: lowercase, with ``_`` for spaces and dashes (``CSAT`` -> ``csat``)."""
    return re.sub(r"[\s-]+", "_", name.strip().lower())


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a metric's name (its spelling only), or None."""
    if _NAME_RE.fullmatch(name) and len(name) <= NAME_MAX:
        return None
    if len(name) > NAME_MAX:
        return f"a metric name has at most {NAME_MAX} characters; got {len(name)}"
    folded = fold(name)
    if _NAME_RE.fullmatch(folded):
        known = resolve_metric(folded)
        means = f" ({folded} is read as {known.name})" if known is not None and known.renamed else ""
        return f"metric names are written in lowercase with _ between words: write {folded}{means}"
    return (
        "a metric name is lowercase letters, digits and _, starting with a letter "
        "(like customer_satisfaction)"
    )


def complement_text(synonym: str, where: str = "the metric") -> str:
    """Why a complement name cannot stand where a level is not an absolute share in percent.

    ``where`` starts the message with what names it (``the metric``, ``weights``), so the
    message is located at that field.
    """
    means = SYNONYMS[synonym].means
    return (
        f"{where} {synonym} is 100 minus {means} in percent: write {means}, turned round (98 pct "
        f"{synonym} is {means} at most 2 pct); only a bonus condition with a level in pct is read "
        "turned round for you"
    )


def unknown_metric(written: str, declared: Mapping[str, MetricInfo]) -> tuple[str, str | None]:
    """The message and the suggestion for a metric name that is neither built in, a synonym, nor declared."""
    hint = NOT_BUILT_IN.get(written)
    names = [*BUILT_IN, *sorted(declared)]
    suggestion = closest(written, [*names, *SYNONYMS])
    if suggestion is not None and suggestion in SYNONYMS:
        suggestion = SYNONYMS[suggestion].means
    if hint is not None:
        return f"no metric {written!r}: {hint.format(name=written)}", closest(written, sorted(declared))
    where = (
        f"the built-in metrics and the {len(declared)} declared in the settings"
        if declared
        else "the built-in metrics (an organisation's own are declared in the settings: [metrics.NAME])"
    )
    return f"no metric {written!r} among {where}", suggestion
