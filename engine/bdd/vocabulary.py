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
    "AMOUNTS",
    "CRITERIA",
    "END_MARKER",
    "FINDINGS",
    "MOVES",
    "OUTCOMES",
    "PEOPLE",
    "REMEDIES",
    "SECTIONS",
    "START_MARKER",
    "UPDATE_COMMAND",
    "WHAT_IFS",
    "Keyword",
    "Section",
    "StepEntry",
    "StepRegistry",
    "WhatIf",
    "country_key",
    "extract_block",
    "filled",
    "find_by_words",
    "jurisdiction_names",
    "name_in_words",
    "replace_block",
    "vocabulary_markdown",
    "what_if",
    "words",
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
    examples: bool = False
    """Whether every step of the section shows an example (a docstring paragraph ``Example: ...``)."""


def _code_list(words: Iterable[str]) -> str:
    return ", ".join(f"`{w}`" for w in words)


SECTIONS: tuple[Section, ...] = (
    Section(
        "plain-law",
        "In plain words: the law, by country (Then; When to move a policy to another country)",
        note="a country or state as the guardrails name it (`Germany`, `the United Kingdom`, `California`)",
        examples=True,
    ),
    Section(
        "plain-outcomes",
        "In plain words: what staff and customers gain or lose (Then)",
        note="a gain or a loss is any move of the score, from -100 to +100; the outcome counts only moves "
        "beyond the verdict's margin",
        examples=True,
    ),
    Section(
        "plain-findings",
        "In plain words: what the evaluation finds (Then)",
        note="a finding is named by the words of its summary in the rulebook (`policyweigh rules` shows "
        "them); words that fit none, or several, fail with the closest",
        examples=True,
    ),
    Section(
        "plain-changes",
        "In plain words: remedies and changes (When, Then)",
        note="a remedy is named by what it does, the words of its summary, never by its code",
        examples=True,
    ),
    Section(
        "plain-queue",
        "In plain words: the queue, and who bears it (Then)",
        note="from the organisation file (setting `organisation`), for the policy's own teams",
        examples=True,
    ),
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
    "Outcome": "outcome",
    "People": "people",
    "Change": "how they fare",
    "Direction": "gain or lose",
    "Amount": "amount",
    "Criterion": "criterion",
    "Move": "move",
    "Finding": "finding",
    "Remedy": "remedy",
    "WhatIf": "change",
    "Time": "HH:MM",
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
    "country": "country",
    "shift": "shift",
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

    @property
    def example(self) -> str:
        """The docstring paragraph starting ``Example:``, on one line; empty when there is none."""
        for paragraph in (self.function.__doc__ or "").split("\n\n"):
            text = " ".join(paragraph.split())
            if text.startswith("Example:"):
                return text
        return ""


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
    line = f"- {' / '.join(texts)}: {entry.description}"
    return f"{line} {entry.example}" if entry.example else line


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
        bare = [e for e in steps if section.examples and not e.example]
        if bare:
            raise ValueError(
                f"step {shown_pattern(*bare[0].patterns[0])!r} of the section {section.id!r} has no "
                "example: add a docstring paragraph 'Example: `...`'"
            )
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


# --------------------------------------------------------------------------- plain words
#
# The business steps name what a leader or HR reads in a policy, never a code: a country, staff and
# customers, a criterion by name, a finding by the words of its summary, a remedy by what it does, a
# change to a policy by what it means. The tables below are the words those steps accept; the
# steps' patterns are built from them, so a phrase not listed here matches no business step.

OUTCOMES: dict[str, str] = {
    "is a win-win": "win-win",
    "is a gain for staff only": "employee-gain",
    "is a gain for customers only": "customer-gain",
    "is neutral": "neutral",
    "is a loss for staff only": "employee-loss",
    "is a loss for customers only": "customer-loss",
    "helps customers at staff's cost": "customer-at-employee-cost",
    "helps staff at customers' cost": "employee-at-customer-cost",
    "is a lose-lose": "lose-lose",
    "is unlawful": "unlawful",
}
"""How a business step words a verdict (``Then the policy is a win-win``), to the verdict."""

PEOPLE: dict[str, str] = {
    "staff": "employee",
    "customers": "customer",
    "customers directly": "direct customer",
    "customers through staff": "indirect customer",
}
"""Who a business step talks about, to the side the other steps name (``SIDES`` in messages)."""

CRITERIA: dict[str, str] = {
    "staff's wellbeing": "employee.wellbeing",
    "staff's autonomy": "employee.autonomy",
    "fairness to staff": "employee.fairness",
    "staff's growth": "employee.growth",
    "staff's equipment": "employee.tools",
    "respect for staff": "employee.respect",
    "the resolution of customers' problems": "customer.resolution",
    "the speed of service": "customer.speed",
    "customers' experience": "customer.experience",
    "customers' trust": "customer.trust",
}
"""A criterion in words, to its id in the rulebook."""

MOVES: dict[str, str] = {"improves": "above", "suffers": "below", "is unchanged": "exactly"}
"""How a criterion moves, to the comparison with 0 it means."""

AMOUNTS: dict[str, str] = {
    "at least": "at least",
    "at most": "at most",
    "more than": "above",
    "less than": "below",
}
"""How a business step bounds a number of points, to the comparison it means."""

FINDINGS: dict[str, tuple[str, bool]] = {
    "staff lose their lunch break at the peak": ("banning breaks in a window", True),
    "staff keep their lunch break at the peak": ("banning breaks in a window", False),
    "lunch is staggered so the queue stays staffed": ("staggered breaks let everyone rest", True),
    "the team organises its own lunch cover": ("staff organising their own breaks", True),
}
"""Findings with a phrase of their own (``Then staff lose their lunch break at the peak``), to the
words of the finding's summary and whether the evaluation finds it."""

REMEDIES: dict[str, str] = {
    "the team is left to organise its own lunch cover": "let them organise their own break cover",
    "breaks are staggered instead of banned": "stagger breaks in small groups instead of banning them",
    "just one legal break slot is opened": "shorten the blocked windows just enough",
    "handle time is taken out of pay": "keep handle time as a figure discussed in coaching",
    "the public reprimand is replaced by private coaching": "replace public reprimands with private",
    "the target is discussed in coaching instead of paid on": "discuss the target in coaching instead",
    "pay is rebalanced on customer outcomes": "rebalance variable pay to customer satisfaction 40%, "
    "first-contact resolution 40%, calls handled 20%",
    "each person's results are kept private": "keep each person's results private",
}
"""Remedies with a phrase of their own (``When the team is left to organise its own lunch cover``),
to the words of the remedy's summary: a remedy is always found by what it does, never by its code."""


@dataclass(frozen=True)
class WhatIf:
    """A change to a policy in words: the phrase, and the fields it sets.

    The phrase may hold slots: ``<n>`` (a number), ``<text>`` (quoted text), or a slot named in
    ``choices``, whose words map to the value set. Each change is ``(where, field, value)``: where
    is ``policy`` (a top-level field), ``scope``, None (the first rule with the field) or a mapping
    of a rule's fields to the values that pick it (``{"break": "lunch"}``); the value is YAML with
    the slots filled in.
    """

    phrase: str
    changes: tuple[tuple[Literal["policy", "scope"] | dict[str, str] | None, str, str], ...]
    choices: dict[str, dict[str, str]] = field(default_factory=dict)

    def slots(self) -> list[str]:
        """The slot names of the phrase, in order."""
        return re.findall(r"<(\w+)>", self.phrase)

    def _slot(self, name: str, group: bool) -> str:
        """The regular expression of one slot, a named group when ``group``."""
        if name in self.choices:
            body = "|".join(re.escape(w) for w in sorted(self.choices[name], key=len, reverse=True))
        elif name == "text":
            return f'"(?P<{name}>[^"]+)"' if group else '"[^"]+"'
        else:
            body = r"[+-]?\d+(?:\.\d+)?"
        return f"(?P<{name}>{body})" if group else f"(?:{body})"

    def regex(self, *, groups: bool = False) -> str:
        """The phrase as a regular expression; with ``groups``, each slot a named group."""
        return "".join(
            self._slot(part[1:-1], groups) if part.startswith("<") else re.escape(part)
            for part in re.split(r"(<\w+>)", self.phrase)
        )

    def read(self, text: str) -> dict[str, str] | None:
        """The slot values of ``text`` (choices mapped to their values), or None when it is another phrase."""
        found = re.fullmatch(self.regex(groups=True), text)
        if found is None:
            return None
        return {
            name: self.choices[name][value] if name in self.choices else value
            for name, value in found.groupdict().items()
        }


WHAT_IFS: tuple[WhatIf, ...] = (
    WhatIf("the lunch ban is lifted", ((None, "blocked_windows", "[]"),)),
    WhatIf("lunch slots are staggered", ((None, "scheduling", "staggered"),)),
    WhatIf("the lunch break lasts <n> minutes", (({"break": "lunch"}, "min_minutes", "<n>"),)),
    WhatIf("shifts last <n> hours", (("scope", "shift_hours", "<n>"),)),
    WhatIf("the policy covers <n> people", (("scope", "headcount", "<n>"),)),
    WhatIf("customers can see staff at work", (("scope", "customers_see_staff", "true"),)),
    WhatIf(
        "missing the <limit> means <consequence>",
        ((None, "enforcement", "<consequence>"),),
        {
            "limit": {"cap": "", "limit": ""},
            "consequence": {
                "discipline": "disciplinary",
                "losing the bonus": "bonus-gate",
                "coaching": "coaching",
                "nothing": "guideline",
            },
        },
    ),
    WhatIf("the cap is <n> minutes", ((None, "max_minutes", "<n>"),)),
    WhatIf("the results decide the bonus", ((None, "tied_to", "bonus"),)),
    WhatIf(
        "feedback is given as <style>",
        ((None, "style", "<style>"),),
        {"style": {"a public reprimand": "public-reprimand", "private coaching": "private-coaching"}},
    ),
    WhatIf("the bonus line is at <n>% of target", ((None, "threshold_pct", "<n>"),)),
    WhatIf("the bonus is paid linearly", ((None, "payout", "linear"),)),
    WhatIf("the bonus depends on <text> alone", ((None, "all", '["<text>"]'),)),
    WhatIf("the knowledge base is maintained", ((None, "maintained", "true"),)),
    WhatIf("sick pay is paid from the first day", ((None, "sick_pay_waiting_days", "0"),)),
    WhatIf(
        "a first breach brings <sanction>",
        ((None, "sanction", "<sanction>"),),
        {"sanction": {"a verbal warning": "verbal-warning", "a written warning": "written-warning"}},
    ),
    WhatIf("a second breach brings dismissal", ((None, "repeat_sanction", "dismissal"),)),
    WhatIf(
        "the service-level target is <answered>% of calls within <seconds> seconds",
        (
            (None, "service_level_target.answered_pct", "<answered>"),
            (None, "service_level_target.within_seconds", "<seconds>"),
        ),
    ),
    WhatIf(
        "the reward is delivered without extra work for agents", ((None, "requires_agent_effort", "false"),)
    ),
    WhatIf(
        "staff may hand abusive customers to a manager who backs them",
        ((None, "abusive_customers", "escalate"), (None, "manager_backing", "true")),
    ),
    WhatIf(
        "<quality> equipment is bought",
        ((None, "quality", "<quality>"),),
        {"quality": {"premium": "premium", "standard": "standard"}},
    ),
    WhatIf("the equipment is of a kind no rule knows", ((None, "item", "other"),)),
    WhatIf("overtime is voluntary", ((None, "participation", "voluntary"),)),
    WhatIf("the recovery time is unpaid", ((None, "paid", "false"),)),
    WhatIf("the team leader decides when it is taken", ((None, "decided_by", "team-leader"),)),
    WhatIf("agents handle one live chat at a time", ((None, "max_chats", "1"),)),
    WhatIf("each team leader leads <n> agents", ((None, "agents_per_team_leader", "<n>"),)),
    WhatIf("rotas are published <n> days ahead", ((None, "notice_days", "<n>"),)),
    WhatIf(
        "staff cannot refuse late changes, and get nothing extra for them",
        ((None, "right_to_refuse", "false"), (None, "change_premium_pct", "0")),
    ),
    WhatIf(
        "the script is a guide staff may leave",
        ((None, "deviation_allowed", "true"), (None, "use", "guideline")),
    ),
    WhatIf(
        "staff choose whether to join, and see only their own place",
        ((None, "opt_in", "true"), (None, "leaderboard", "private")),
    ),
    WhatIf("it is proposed in place of <text>", (("policy", "replaces", "<text>"),)),
    WhatIf("it is an alternative to <text>", (("policy", "alternative_to", "<text>"),)),
)
"""Changes to a policy in words (``When the lunch ban is lifted``); the field steps remain for the rest."""


def what_if(text: str) -> tuple[WhatIf, dict[str, str]]:
    """The change a business step names, with its slot values; ``ValueError`` when no phrase matches."""
    for entry in WHAT_IFS:
        values = entry.read(text)
        if values is not None:
            return entry, values
    raise ValueError(f"no change is worded {text!r}")


def filled(value: str, values: dict[str, str]) -> str:
    """A change's YAML value with the slots of the phrase filled in."""
    for name, slot in values.items():
        value = value.replace(f"<{name}>", slot)
    return value


def words(text: str) -> str:
    """Text as compared by the business steps: lower case, one space between words, no final stop."""
    return " ".join(text.lower().split()).rstrip(".")


def name_in_words(name: str) -> str:
    """A rulebook name in words: ``break-rule.blocked-lunch-window`` is ``break rule blocked lunch window``."""
    return " ".join(re.split(r"[.\-_]", name.lower()))


def find_by_words(text: str, summaries: dict[str, tuple[str, str]]) -> tuple[list[str], bool]:
    """The codes whose summary contains ``text`` (or whose name in words is ``text``), and whether one
    matched exactly; ``summaries`` maps each code to (name, summary). Case and a final stop are ignored."""
    wanted = words(text)
    exact = [c for c, (name, summary) in summaries.items() if wanted in (words(summary), name_in_words(name))]
    if exact:
        return exact, True
    return [c for c, (_, summary) in summaries.items() if wanted in words(summary)], False


def jurisdiction_names(titles: dict[str, str]) -> dict[str, tuple[str, str]]:
    """Each jurisdiction's name, from its guardrail pack's title (``Germany, Arbeitszeitgesetz`` is
    Germany; ``United States, California`` is California), as a lookup key (see ``country_key``) to
    its code and the name as written; the code itself is a key too."""
    names: dict[str, tuple[str, str]] = {}
    for code, title in titles.items():
        country, _, rest = title.partition(",")
        name = country.strip()
        rest = rest.strip()
        if name == "United States" and rest and not rest.lower().startswith("federal"):
            # A state's law: the state names it; federal law is the United States itself.
            name = re.split(r"[(,]", rest)[0].strip()
        names[country_key(name)] = (code, name)
        names.setdefault(code.lower(), (code, name))
    return names


def country_key(text: str) -> str:
    """A country as a step names it, for lookup: lower case, without a leading ``the``."""
    text = " ".join(text.split()).lower()
    return text[4:] if text.startswith("the ") else text


def _phrases(phrases: Iterable[str]) -> str:
    return "; ".join(f"`{p}`" for p in phrases)


LEGEND.update(
    {
        "country": "A country or state by the name its guardrail pack gives it (`Germany`, `France`, `the "
        "United Kingdom`, `California`, `New York State`), or its jurisdiction code (`de`).",
        "outcome": f"One of {_phrases(OUTCOMES)}.",
        "people": f"One of {_phrases(PEOPLE)}; customers through staff is what happens to staff reaching "
        "customers (attrition, absence, incivility, engagement), customers directly the rest.",
        "how they fare": f"One of {_phrases(['gain', 'lose', 'gain nothing', 'lose nothing', 'are unaffected'])}.",
        "gain or lose": "`gain` or `lose`.",
        "amount": f"One of {_phrases(AMOUNTS)}.",
        "criterion": f"One of {_phrases(CRITERIA)}; the value is the weighted one.",
        "move": f"One of {_phrases(MOVES)}.",
        "finding": "; ".join(
            f'`{phrase}` (the evaluation {"finds" if found else "does not find"} "{summary}")'
            for phrase, (summary, found) in FINDINGS.items()
        )
        + ".",
        "remedy": "; ".join(f'`{phrase}` ("{summary}")' for phrase, summary in REMEDIES.items()) + ".",
        "change": "One of "
        + _phrases(w.phrase for w in WHAT_IFS)
        + "; `<n>` is a number, `<text>` quoted text, and the other slots take the words "
        + "; ".join(
            f"{name}: " + ", ".join(f"`{word}`" for word in words_ if word)
            for w in WHAT_IFS
            for name, words_ in w.choices.items()
            if any(words_)
        )
        + ".",
        "HH:MM": "A time of day (`12:00`); the interval of the team's day that holds it.",
        "shift": "A shift pattern of the organisation file (`early`, `day`, `late`).",
    }
)
