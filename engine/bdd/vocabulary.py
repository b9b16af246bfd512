"""The step vocabulary: a registry of the step definitions and the README text made from it.

``policyweigh.bdd.steps`` registers every step here as it defines it (its keyword,
its pattern, its section and its function, whose docstring is the human
description). ``vocabulary_markdown`` turns the registry into the block of
README.md between ``<!-- bdd-steps:start -->`` and ``<!-- bdd-steps:end -->``:
the fixed paragraphs below, then each section with its steps, then a legend of
the placeholders the patterns use (their choices taken from the code).
``python scripts/update_bdd_steps.py`` rewrites the block and
``tests/test_bdd_vocabulary.py`` fails while the README copy is stale.

A step without a docstring, a section or a placeholder without a legend entry
is refused with ``ValueError`` when the text is made, so the README cannot
silently lose a description.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias

from policyweigh.bdd.messages import COMPARISONS, KINDS, MAIN_SIDES, SEVERITIES, SIDES, VERDICTS
from policyweigh.formatting import extract_marked, replace_marked

__all__ = [
    "END_MARKER",
    "SECTIONS",
    "START_MARKER",
    "UPDATE_COMMAND",
    "Keyword",
    "Section",
    "StepEntry",
    "StepRegistry",
    "extract_block",
    "replace_block",
    "vocabulary_markdown",
]

START_MARKER = "<!-- bdd-steps:start -->"
END_MARKER = "<!-- bdd-steps:end -->"
UPDATE_COMMAND = "python scripts/update_bdd_steps.py"
"""The command that rewrites the README block."""

Keyword: TypeAlias = Literal["given", "when", "then"]


@dataclass(frozen=True)
class Section:
    """A group of steps in the README: a bold title, an optional note after it, and a paragraph after the list."""

    id: str
    title: str
    note: str = ""
    after: str = ""


def _code_list(words: Iterable[str]) -> str:
    return ", ".join(f"`{w}`" for w in words)


SECTIONS: tuple[Section, ...] = (
    Section("choose", "Choosing policies (Given)"),
    Section(
        "change",
        "Evaluating and changing (When; the changes also work as Given/And)",
        after="An invalid value fails with the validation message. Checks after a change evaluate again by\n"
        "themselves.",
    ),
    Section("scores", "Verdicts and scores (Then)"),
    Section(
        "judgement",
        "Uncertainty, reach and what is assessed (Then)",
        note="a score is the effect on each person; the reach says how many people and contacts it touches",
    ),
    Section(
        "conflicts",
        "Conflicts (Then)",
        note=f"kinds are {_code_list(KINDS)}",
        after='"The conflict" is the last one a conflict step found, or the only one there is.',
    ),
    Section("remedies", "Remedies (Then)", note='for "the conflict"; the engine lists remedies best first'),
)
"""The README's sections, in order; every step belongs to one."""

INTRO = """\
The step library is an optional extra: `policyweigh[bdd]` brings pytest and pytest-bdd.
Its pytest plugin (`policyweigh.bdd.plugin`) costs nothing in a project that does not use it and registers
the steps only in one that does: the ini option `policyweigh_policies` is set, or `bdd_features_base_dir`
is set and pytest's rootdir has a `policies/` folder. A project that uses them without pytest-bdd
installed stops with a one-line usage error naming the extra.

Policies are read from the folder named by the ini option `policyweigh_policies` (relative to the ini
file), or `policies/` in pytest's rootdir. A failing step prints what it expected, what the
evaluation found (scores, the contributions behind them, the conflicts, the remedies) and the failing
step; a step no definition matches fails the run."""

OUTRO = """\
Verdicts, kinds, severities, criteria, rule, conflict and remedy codes, policy keys and field
names are checked: a typo fails with a "did you mean" suggestion instead of passing silently.
Feature tags (`@seed`, `@legal`, `@remedy`, `@library`) are registered as markers, so `-m legal`
selects them and an unregistered tag is refused under `--strict-markers`."""

TYPE_PLACEHOLDERS = {
    "Number": "n",
    "d": "n",
    "Comparison": "comparison",
    "Side": "side",
    "MainSide": "employee or customer",
    "Field": "field",
}
"""How a typed pattern field is shown (``{value:Number}`` as ``<n>``)."""
NAME_PLACEHOLDERS = {
    "name": "key or id",
    "first": "a",
    "second": "b",
    "other": "other key or id",
    "folder": "folder",
    "verdict": "verdict",
    "criterion": "criterion id",
    "code": "code",
    "text": "text",
    "kind": "kind",
    "severity": "severity",
    "value": "value",
}
"""How an untyped pattern field (or one of type ``Word``) is shown, by its name."""

LEGEND: dict[str, str] = {
    "key or id": "A policy's file key (its path under the policy folder without `.yaml`, such as "
    "`breaks/pie-van-lunch-ban`) or its id.",
    "a": 'A policy, as for `<key or id>`; "it" is this one.',
    "b": "A second policy, as for `<key or id>`.",
    "other key or id": "Another of the policies evaluated, as for `<key or id>`.",
    "folder": "A folder of the policy library (`breaks`, `calls`).",
    "verdict": f"One of {_code_list(VERDICTS)}.",
    "side": f"One of {_code_list(SIDES)}; the customer impact is the direct part plus the indirect "
    "part: what happens to staff reaching customers through attrition, absence, incivility and engagement.",
    "employee or customer": f"One of {_code_list(MAIN_SIDES)}.",
    "comparison": f"One of {_code_list(COMPARISONS)}.",
    "n": "A number (`0`, `-12`, `2.5`); rules are numbered from 1.",
    "criterion id": "A criterion of the rulebook (`employee.autonomy`, `customer.speed`); the value "
    "checked is the weighted one.",
    "code": "An impact rule (`BRK001`), conflict (`CON006`, `TRD002`, `GRD010`) or remedy (`REM011`) code.",
    "text": "Any text, matched without regard to case.",
    "kind": f"One of {_code_list(KINDS)}.",
    "severity": f"One of {_code_list(SEVERITIES)}.",
    "field": "A field as written in YAML; a dotted path for a nested value "
    "(`service_level_target.answered_pct`).",
    "value": 'YAML: `8`, `coaching`, `true`, `[]`, `["06:00", "08:00"]`, `null` (removes the field).',
}
"""What each placeholder stands for, in the order the legend lists them."""

_FIELD = re.compile(r"\{(\w+)(?::(\w+))?\}")


@dataclass
class StepEntry:
    """One step function: its section and the (keyword, pattern) pairs it is registered under."""

    section: str
    function: Callable[..., Any]
    patterns: list[tuple[Keyword, str]] = field(default_factory=list)

    @property
    def description(self) -> str:
        """The first paragraph of the function's docstring, on one line."""
        doc = (self.function.__doc__ or "").strip()
        return " ".join(doc.split("\n\n", 1)[0].split())


class StepRegistry:
    """The steps in the order they are defined, each in the section current when it was defined."""

    def __init__(self) -> None:
        self._section: str | None = None
        self._entries: dict[Callable[..., Any], StepEntry] = {}

    def section(self, section_id: str) -> None:
        """Put the steps defined from now on in this section (an id of ``SECTIONS``)."""
        if section_id not in {s.id for s in SECTIONS}:
            raise ValueError(
                f"unknown step section {section_id!r}; known: {', '.join(s.id for s in SECTIONS)}"
            )
        self._section = section_id

    def add(self, function: Callable[..., Any], keyword: Keyword, pattern: str) -> None:
        """Record that ``function`` is the step ``keyword pattern``."""
        if self._section is None:
            raise ValueError("a step is defined before any section: call section() first")
        entry = self._entries.setdefault(function, StepEntry(self._section, function))
        # Stacked decorators run from the innermost up: put each one before those already recorded,
        # so the patterns keep the order they are written in.
        entry.patterns.insert(0, (keyword, pattern))

    def __iter__(self) -> Iterator[StepEntry]:
        return iter(self._entries.values())

    def __len__(self) -> int:
        return len(self._entries)

    def patterns(self) -> list[tuple[Keyword, str]]:
        """Every (keyword, pattern) pair, in definition order."""
        return [p for entry in self for p in entry.patterns]


def placeholders(pattern: str) -> list[str]:
    """The placeholders a pattern shows, in order (``{value:Number}`` is ``n``)."""
    shown = []
    for name, kind in _FIELD.findall(pattern):
        text = TYPE_PLACEHOLDERS.get(kind) or NAME_PLACEHOLDERS.get(name)
        if text is None:
            raise ValueError(
                f"no placeholder text for the field {{{name}{':' + kind if kind else ''}}} of step {pattern!r}: "
                "add it to TYPE_PLACEHOLDERS or NAME_PLACEHOLDERS in engine/bdd/vocabulary.py"
            )
        shown.append(text)
    return shown


def shown_pattern(keyword: Keyword, pattern: str) -> str:
    """A step as a feature writes it: ``Given the policy "<key or id>"``."""
    names = iter(placeholders(pattern))
    return f"{keyword.capitalize()} " + _FIELD.sub(lambda _: f"<{next(names)}>", pattern)


def _one_word_apart(a: str, b: str) -> str | None:
    """The word of ``b`` where it differs from ``a`` when the two differ in exactly one word, else None."""
    left, right = a.split(" "), b.split(" ")
    if len(left) != len(right):
        return None
    differ = [word for here, word in zip(left, right, strict=True) if here != word]
    return differ[0] if len(differ) == 1 else None


def _step_line(entry: StepEntry) -> str:
    """``- `Given ...` / `Given ...`: description``; a one-word variant shows as ``(or `an`)``."""
    if not entry.description:
        raise ValueError(
            f"step {shown_pattern(*entry.patterns[0])!r} ({entry.function.__module__}, line "
            f"{entry.function.__code__.co_firstlineno}) has no docstring: its first paragraph is its "
            "description in the README"
        )
    keywords: dict[str, list[Keyword]] = {}
    for keyword, pattern in entry.patterns:
        keywords.setdefault(pattern, []).append(keyword)
    variants: dict[str, list[str]] = {}
    for pattern in keywords:
        for shown in variants:
            word = _one_word_apart(shown, pattern)
            if word is not None and keywords[shown] == keywords[pattern]:
                variants[shown].append(word)
                break
        else:
            variants[pattern] = []
    texts = []
    for pattern, words in variants.items():
        kws = keywords[pattern]
        text = f"`{shown_pattern(kws[0], pattern)}`"
        if words:
            text += " (or " + ", ".join(f"`{w}`" for w in words) + ")"
        if len(kws) > 1:
            text += " (also " + ", ".join(k.capitalize() for k in kws[1:]) + ")"
        texts.append(text)
    return f"- {' / '.join(texts)}: {entry.description}"


def vocabulary_markdown(registry: StepRegistry) -> str:
    """The README block: fixed paragraphs, every step by section, and the placeholder legend."""
    out = [
        f"<!-- generated from engine/bdd/steps.py by {UPDATE_COMMAND}; edit the steps' docstrings -->",
        INTRO,
    ]
    entries = list(registry)
    for section in SECTIONS:
        steps = [e for e in entries if e.section == section.id]
        if not steps:
            raise ValueError(f"the step section {section.id!r} has no steps")
        heading = f"**{section.title}**" + (f": {section.note}" if section.note else "")
        out.append("\n".join([heading, *(_step_line(e) for e in steps)]))
        if section.after:
            out.append(section.after)
    used = {p for keyword, pattern in registry.patterns() for p in placeholders(pattern)}
    missing = sorted(used - LEGEND.keys())
    if missing:
        raise ValueError(
            f"placeholders without a legend entry in engine/bdd/vocabulary.py: {', '.join(missing)}"
        )
    legend = [f"- `<{name}>`: {text}" for name, text in LEGEND.items() if name in used]
    out.append("\n".join(["**Placeholders**", *legend]))
    out.append(OUTRO)
    return "\n\n".join(out) + "\n"


def replace_block(text: str, block: str) -> str:
    """``text`` with the part between the step-vocabulary markers replaced by ``block``."""
    return replace_marked(text, START_MARKER, END_MARKER, block)


def extract_block(text: str) -> str | None:
    """The part of ``text`` between the step-vocabulary markers, or None when they are missing."""
    return extract_marked(text, START_MARKER, END_MARKER)
