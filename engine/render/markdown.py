"""The evaluation as GitHub-flavoured Markdown, fit for a pull-request comment.

Used by ``report --format markdown`` and ``evaluate --format markdown``. The
template escapes every value by default (the environment's ``finalize``, with
``escape.markdown``): Markdown punctuation is backslashed, control characters
are shown as escapes, and ``@name`` and ``#123`` are split by a zero-width space
so the comment pings nobody and links no issue, while it reads the same. A
policy title holding ``<script>`` or ``| pipes |`` shows as text and cannot
break a table. Values the renderer builds itself (numbers, code spans) are
marked ``Raw`` and pass through unchanged. Per-policy details sit in
``<details>`` blocks so the comment stays short until opened; a policy with queue data
has there, per team, the day's numbers, a table of only the intervals it changes, the
cost of decency and who bears it. Each what-if curve asked for is a table of its values with
the sentence saying where the policy is balanced (the HTML report draws the curve); a sweep of
more than ``MAX_WHAT_IF_ROWS`` values lists one value in every few, evenly spread.

A GitHub comment holds at most 65,536 characters. The report keeps itself
within ``MARKDOWN_BUDGET`` (60,000, leaving room for a header a workflow may
add): when the whole report is longer it keeps the summary, then as much of
the ranking (worst-ranked policies first), the conflicts (most severe first)
and the policy details (worst-ranked first) as fits, each section in its
share of the budget, and ends with a line saying what was left out; the HTML
report has everything.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from policyweigh.evaluation import EvaluationRun
from policyweigh.formatting import format_value, points, signed
from policyweigh.render import escape
from policyweigh.render.view import (
    ConflictView,
    DecisionGroup,
    DecisionLine,
    KindGroup,
    PolicyView,
    ReportView,
    WhatIfPoint,
    WhatIfView,
    build_view,
)
from policyweigh.rulebook import Evidence
from policyweigh.whatif import SweepRun

COMMENT_LIMIT = 65_536
"""GitHub refuses a pull-request comment longer than this many characters."""
MARKDOWN_BUDGET = 60_000
"""The most characters the Markdown report takes by default: below the comment limit, with room to spare."""

# Shares of the budget (after the summary) that the ranking, then the conflicts, may take before
# the policy details get the rest; what a section leaves unused goes to the others.
ROWS_SHARE = 0.3
CONFLICTS_SHARE = 0.6
# Blank lines between pieces are not part of any piece's measure.
SLACK = 200
MAX_WHAT_IF_ROWS = 50
"""Rows a what-if table holds at most in Markdown: a long sweep would crowd out the rest of the comment."""


MAX_SUMMARY_LINES = 12
"""Policies to stop, and to fix, the Markdown summary lists one a line (the most serious first); the
HTML report lists every one."""
MAX_SUMMARY_NAMES = 6
"""Policies to adopt, and to review, the Markdown summary names by title (the first in its order)
before it counts the rest: the ranking below lists them all."""
SUMMARY_ACTIONS = ("stop", "fix")
"""The groups of the summary whose policies need something done: each gets a line of its own."""


class Raw(str):
    """Markdown built by the renderer itself: the template does not escape it again."""


def md_escape(text: str) -> str:
    """Plain text as Markdown that renders as the same text (one line, nothing interpreted)."""
    return escape.markdown(text)


def code(text: Any, *, table: bool = False) -> Raw:
    """A code span holding ``text`` verbatim (control characters shown), whatever backticks it contains."""
    value = escape.markdown_code(str(text))
    longest = max((len(run) for run in re.findall(r"`+", value)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    if table:
        # GitHub splits table cells on | before it reads code spans.
        value = value.replace("|", "\\|")
    return Raw(f"{fence}{pad}{value}{pad}{fence}")


def fenced(lines: list[str]) -> Raw:
    """A fenced text block; the fence is longer than any backtick run inside."""
    body = "\n".join(escape.terminal(line) for line in lines)
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    fence = "`" * max(3, longest + 1)
    return Raw(f"{fence}text\n{body}\n{fence}")


def _finalize(value: Any) -> str:
    if isinstance(value, Raw):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return md_escape(str(value))


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The Markdown template environment: every expression escaped unless marked Raw."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=False,
        finalize=_finalize,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["signed"] = lambda value: Raw(signed(value))
    env.filters["points"] = lambda value: Raw(points(value))
    env.filters["code"] = code
    env.filters["tcode"] = lambda value: code(value, table=True)
    env.filters["codes"] = lambda values, sep=", ": Raw(sep.join(code(v) for v in values))
    env.filters["tcodes"] = lambda values, sep=", ": Raw(sep.join(code(v, table=True) for v in values))
    env.filters["value"] = lambda value, key="": format_value(key, value)
    env.filters["fenced"] = fenced
    env.filters["html"] = lambda value: Raw(escape.markdown_html(str(value)))
    env.filters["count"] = lambda value: Raw(f"{value:,}")
    env.filters["raw"] = Raw
    return env


@dataclass
class _Selection:
    """What a (possibly shortened) report shows: table rows, conflicts and details, in display order."""

    rows: list[PolicyView]
    conflicts: list[ConflictView]
    details: list[PolicyView]
    budget: int | None = None
    """The character budget the report was cut to, when it was cut."""


def _plural(count: int, one: str, many: str) -> str:
    return f"{count:,} {one if count == 1 else many}"


def _omitted_line(view: ReportView, selection: _Selection, budget: int) -> Raw:
    total = len(view.policies)
    parts = []
    rows = total - len(selection.rows)
    if rows:
        parts.append(f"{rows:,} of {_plural(total, 'policy', 'policies')} in the ranking (the best-ranked)")
    conflicts = view.conflict_count - len(selection.conflicts)
    if conflicts:
        parts.append(
            f"{conflicts:,} of {_plural(view.conflict_count, 'conflict', 'conflicts')} (the least severe)"
        )
    details = total - len(selection.details)
    if details:
        parts.append(f"the details of {_plural(details, 'policy', 'policies')}")
    listed = ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]
    return Raw(
        f"Left out to fit one GitHub comment ({budget:,} characters at most): {listed}. "
        f"The HTML report ({code('policyweigh report PATH -o report.html')}) has everything."
    )


def _what_if_rows(w: WhatIfView) -> tuple[WhatIfView, list[WhatIfPoint], int]:
    """A curve, the rows its table lists, and one value in how many that is (1: every value)."""
    every = max(1, -(-len(w.points) // MAX_WHAT_IF_ROWS))
    rows = w.points[::every]
    # The last value is where the range ends: a table that stops short of it would misread the sweep.
    if rows[-1] is not w.points[-1]:
        rows = [*rows[:-1], w.points[-1]] if len(rows) >= MAX_WHAT_IF_ROWS else [*rows, w.points[-1]]
    return w, rows, every


def _summary(view: ReportView) -> list[tuple[DecisionGroup, list[DecisionLine], int, list[str], int]]:
    """The decision summary as the comment shows it, the same in a cut report as in a whole one:
    (group, lines, lines left out, titles, titles left out) for each group with a policy in it.
    Stop and fix list their policies one a line; adopt and review name them, to stay short."""
    out: list[tuple[DecisionGroup, list[DecisionLine], int, list[str], int]] = []
    for g in view.decisions:
        if not g.lines:
            continue
        if g.key in SUMMARY_ACTIONS:
            shown = g.lines[:MAX_SUMMARY_LINES]
            out.append((g, shown, len(g.lines) - len(shown), [], 0))
        else:
            names = [d.policy.result.title for d in g.lines[:MAX_SUMMARY_NAMES]]
            out.append((g, [], 0, names, len(g.lines) - len(names)))
    return out


def _render(view: ReportView, selection: _Selection) -> str:
    shown = {id(cv) for cv in selection.conflicts}
    groups = [
        (group, [cv for cv in group.conflicts if id(cv) in shown])
        for group in view.groups
        if any(id(cv) in shown for cv in group.conflicts)
    ]
    cited = {e.id for p in selection.details for e in p.evidence}
    cut = selection.budget is not None
    rows_omitted = len(view.policies) - len(selection.rows) if cut else 0
    conflicts_omitted = view.conflict_count - len(selection.conflicts) if cut else 0
    details_omitted = len(view.policies) - len(selection.details) if cut else 0
    omitted = rows_omitted or conflicts_omitted or details_omitted
    text = (
        environment()
        .get_template("report.md.j2")
        .render(
            view=view,
            rows=selection.rows,
            rows_omitted=rows_omitted,
            groups=groups,
            conflicts_omitted=conflicts_omitted,
            details=selection.details,
            details_omitted=details_omitted,
            limit=selection.budget or 0,
            evidence=[e for e in view.evidence if e.id in cited],
            omitted_line=_omitted_line(view, selection, selection.budget or 0) if omitted else "",
            what_ifs=[_what_if_rows(w) for w in view.what_ifs],
            summary=_summary(view),
        )
    )
    # Optional parts leave runs of blank lines; Markdown needs one. No line may start a workflow
    # command when the report is printed to a CI log.
    return escape.guard_lines(re.sub(r"\n{3,}", "\n\n", text).strip() + "\n")


class _Measure:
    """Lengths of the report's pieces, each rendered alone, once."""

    def __init__(self) -> None:
        env = environment()
        self._parts: Any = env.get_template("parts.md.j2").module
        self._policy = env.get_template("policy.md.j2")
        self._sizes: dict[tuple[str, int], int] = {}

    def _size(self, kind: str, piece: object, render: Callable[[], str]) -> int:
        key = (kind, id(piece))
        if key not in self._sizes:
            self._sizes[key] = len(render())
        return self._sizes[key]

    def row(self, p: PolicyView) -> int:
        """A row of the ranked table."""
        return self._size("row", p, lambda: str(self._parts.row(p)))

    def conflict(self, cv: ConflictView) -> int:
        """A conflict with its remedies."""
        return self._size("conflict", cv, lambda: str(self._parts.conflict(cv)))

    def group(self, group: KindGroup) -> int:
        """A kind's heading and description, with the blank line after its conflicts."""
        return (
            self._size("group", group, lambda: str(self._parts.group_head(group, len(group.conflicts)))) + 1
        )

    def detail(self, p: PolicyView) -> int:
        """A policy's details block, with the blank line after it."""
        return self._size("detail", p, lambda: self._policy.render(p=p)) + 1

    def evidence(self, e: Evidence) -> int:
        """An evidence entry at the end."""
        return self._size("evidence", e, lambda: str(self._parts.evidence(e)))


def _estimate(view: ReportView, limit: int, measure: _Measure) -> int:
    """The length of the whole report as its pieces measure, counted only until it passes ``limit``."""

    def sizes() -> Iterator[int]:
        yield len(_render(view, _Selection([], [], [])))
        yield from (measure.row(p) for p in view.policies)
        yield from (measure.group(g) for g in view.groups if g.conflicts)
        yield from (measure.conflict(cv) for cv in view.conflicts)
        yield from (measure.evidence(e) for e in view.evidence)
        yield from (measure.detail(p) for p in reversed(view.policies))

    total = 0
    for size in sizes():
        total += size
        if total > limit:
            break
    return total


class _Section:
    """One section's pieces, taken in order of importance while they fit."""

    def __init__(
        self,
        items: Sequence[Any],
        cost: Callable[[Any], int],
        taken: Callable[[Any], None] | None = None,
    ) -> None:
        self.items = items
        self.cost = cost
        self.taken = taken
        self.chosen: list[Any] = []

    def fill(self, left: int, cap: float) -> int:
        """Take pieces costing at most ``cap`` in all and ``left`` at most; return what is left."""
        spent = 0
        while len(self.chosen) < len(self.items):
            item = self.items[len(self.chosen)]
            price = self.cost(item)
            if spent + price > cap or price > left:
                break
            self.chosen.append(item)
            if self.taken is not None:
                self.taken(item)
            spent += price
            left -= price
        return left


def _select(view: ReportView, budget: int, measure: _Measure) -> _Selection:
    """The pieces that fit in ``budget`` characters: the worst policies and most severe conflicts first."""
    worst_first = list(reversed(view.policies))
    group_of = {id(cv): g for g in view.groups for cv in g.conflicts}
    opened: set[str] = set()
    cited: set[str] = set()

    def conflict_cost(cv: ConflictView) -> int:
        group = group_of[id(cv)]
        return measure.conflict(cv) + (0 if group.kind in opened else measure.group(group))

    def conflict_taken(cv: ConflictView) -> None:
        opened.add(group_of[id(cv)].kind)

    def detail_cost(p: PolicyView) -> int:
        new = {e.id: e for e in p.evidence if e.id not in cited}
        heading = len("## Evidence\n\n") if new and not cited else 0
        return measure.detail(p) + heading + sum(measure.evidence(e) for e in new.values())

    def detail_taken(p: PolicyView) -> None:
        cited.update(e.id for e in p.evidence)

    rows = _Section(worst_first, measure.row)
    conflicts = _Section(view.conflicts, conflict_cost, conflict_taken)
    details = _Section(worst_first, detail_cost, detail_taken)
    # The summary, the headings and the notes on what was left out, with the largest counts.
    skeleton = len(_render(view, _Selection([], [], [], budget=budget)))
    left = budget - skeleton - SLACK
    left = rows.fill(left, left * ROWS_SHARE)
    left = conflicts.fill(left, left * CONFLICTS_SHARE)
    left = details.fill(left, left)
    # What one section left unused goes to the others, most important first.
    while True:
        before = left
        for section in (conflicts, rows, details):
            left = section.fill(left, left)
        if left == before:
            break
    rank = {id(p): i for i, p in enumerate(view.policies)}
    return _Selection(
        rows=sorted(rows.chosen, key=lambda p: rank[id(p)]),
        conflicts=list(conflicts.chosen),
        details=sorted(details.chosen, key=lambda p: rank[id(p)]),
        budget=budget,
    )


def _top_up(view: ReportView, selection: _Selection, text: str, measure: _Measure) -> str:
    """Add the next pieces while the rendered report still fits.

    The selection reserved room for the notes at their longest and for slack; what the
    rendered report does not need goes to the next conflict, row and details, in that order.
    """
    budget = selection.budget or 0
    policies = view.policies
    while len(selection.conflicts) < len(view.conflicts):
        piece = view.conflicts[len(selection.conflicts)]
        if measure.conflict(piece) > budget - len(text) + SLACK:
            break
        selection.conflicts.append(piece)
        longer = _render(view, selection)
        if len(longer) > budget:
            selection.conflicts.pop()
            break
        text = longer
    for chosen, cost in ((selection.rows, measure.row), (selection.details, measure.detail)):
        while len(chosen) < len(policies):
            policy = policies[len(policies) - len(chosen) - 1]
            if cost(policy) > budget - len(text) + SLACK:
                break
            chosen.insert(0, policy)
            longer = _render(view, selection)
            if len(longer) > budget:
                chosen.pop(0)
                break
            text = longer
    return text


def render_markdown(
    run: EvaluationRun,
    *,
    title: str = "Policy evaluation",
    date: str | None = None,
    max_chars: int | None = MARKDOWN_BUDGET,
    what_ifs: Sequence[SweepRun] = (),
) -> str:
    """The whole evaluation as Markdown: summary, what-if tables (one per one-field sweep in
    ``what_ifs``, none without them), ranked table, conflicts by kind, details per policy.

    With ``max_chars`` (``MARKDOWN_BUDGET`` by default) a report that would be longer keeps
    the summary and as much of the worst-ranked policies and the most severe conflicts as
    fits, and says at its end what it left out. ``None`` renders everything.
    """
    view = build_view(run, title=title, date=date, what_ifs=what_ifs)
    everything = _Selection(list(view.policies), list(view.conflicts), list(view.policies))
    if max_chars is None:
        return _render(view, everything)
    measure = _Measure()
    # The pieces' measures count a few line breaks the rendered report does not have.
    if _estimate(view, max_chars + SLACK, measure) <= max_chars + SLACK:
        text = _render(view, everything)
        if len(text) <= max_chars:
            return text
    selection = _select(view, max_chars, measure)
    text = _render(view, selection)
    # The measures leave out blank lines between pieces: drop the least important piece until it fits.
    while len(text) > max_chars and (selection.details or selection.conflicts or selection.rows):
        if selection.details:
            selection.details.pop(0)
        elif selection.conflicts:
            selection.conflicts.pop()
        else:
            selection.rows.pop(0)
        text = _render(view, selection)
    return _top_up(view, selection, text, measure)
