"""Text output for people at a terminal: scorecards, conflicts, derivations, rule listings.

Uses rich for tables and colour on a terminal; when output is piped or
``NO_COLOR`` is set it prints plain ASCII tables at a fixed width, so the
output is stable for files, diffs and golden tests.
"""

from __future__ import annotations

import io
import os
import sys
from collections import Counter
from typing import IO, cast

from rich import box
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from engine.evaluation import EvaluationRun, format_value
from engine.explain import Derivation, describe_fact
from engine.render.view import RANKING, rank_key
from engine.results import Conflict, PolicyResult
from engine.rulebook import ConflictRule, ImpactRule, Rulebook

PLAIN_WIDTH = 100
VERDICT_STYLE = {
    "win-win": "bold green",
    "customer-at-employee-cost": "bold yellow",
    "employee-at-customer-cost": "bold yellow",
    "lose-lose": "bold red",
    "neutral": "dim",
}
SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


class _StripTrailing(io.TextIOBase):
    """A text stream that drops the spaces rich pads plain lines with, so files and diffs stay clean."""

    def __init__(self, target: IO[str]) -> None:
        self._target = target
        self._pending = ""

    def write(self, text: str) -> int:
        lines = (self._pending + text).split("\n")
        self._pending = lines.pop()
        for line in lines:
            self._target.write(line.rstrip() + "\n")
        return len(text)

    def flush(self) -> None:
        if self._pending:
            self._target.write(self._pending.rstrip())
            self._pending = ""
        self._target.flush()


def make_console(stream: IO[str] | None = None, *, color: bool | None = None) -> Console:
    """A console: colour and box drawing on a terminal, plain ASCII at a fixed width otherwise."""
    stream = stream if stream is not None else sys.stdout
    tty = color if color is not None else (stream.isatty() and "NO_COLOR" not in os.environ)
    if tty:
        return Console(file=stream, highlight=False, force_terminal=True)
    return Console(
        file=cast(IO[str], _StripTrailing(stream)),
        width=PLAIN_WIDTH,
        no_color=True,
        color_system=None,
        highlight=False,
        emoji=False,
        legacy_windows=False,
        force_terminal=False,
    )


def say(console: Console, text: str | Text, indent: int = 0, style: str | None = None) -> None:
    """Print a paragraph whose wrapped lines keep its indentation."""
    body = text if isinstance(text, Text) else Text(text, style=style or "")
    console.print(Padding(body, (0, 0, 0, indent), expand=False))


def _box(console: Console) -> box.Box:
    return box.ROUNDED if console.color_system else box.ASCII


def _scores_line(result: PolicyResult) -> Text:
    s = result.scores
    line = Text()
    line.append("  employee ")
    line.append(f"{s.employee:+d}", style="green" if s.employee > 0 else "red" if s.employee < 0 else "")
    line.append("   customer ")
    line.append(f"{s.customer:+d}", style="green" if s.customer > 0 else "red" if s.customer < 0 else "")
    line.append(f" (direct {s.customer_direct:+d}, indirect {s.customer_indirect:+d})")
    return line


def render_policy(console: Console, result: PolicyResult, rulebook: Rulebook) -> None:
    """One policy's scorecard: scores, verdict, criteria and contributions."""
    head = Text()
    head.append(result.id, style="bold")
    head.append(f"  {result.title}  ")
    head.append(result.verdict, style=VERDICT_STYLE[result.verdict])
    console.print(head)
    if result.file:
        say(console, result.file, 2, style="dim")
    console.print(_scores_line(result))
    if result.legal:
        say(console, f"note: {result.legal}", 2, style="dim")
    moved = {k: v for k, v in result.scores.criteria.items() if v}
    if moved:
        table = Table(box=_box(console), show_header=True, pad_edge=False, padding=(0, 1))
        table.add_column("criterion")
        table.add_column("weighted", justify="right")
        table.add_column("rules")
        for criterion, value in moved.items():
            codes = sorted(
                {f"{c.rule} {c.delta:+d}" for c in result.contributions if c.criterion == criterion}
            )
            table.add_row(criterion, f"{value:+g}", ", ".join(codes))
        console.print(table)
    seen: set[tuple[str, str]] = set()
    for contribution in result.contributions:
        key = (contribution.rule, contribution.reason)
        if key in seen:
            continue
        seen.add(key)
        impacts = ", ".join(
            f"{c.criterion} {c.delta:+d}"
            for c in result.contributions
            if c.rule == contribution.rule and c.reason == contribution.reason
        )
        via = f" via {' > '.join(contribution.chain)}" if contribution.chain else ""
        say(console, f"- {contribution.rule} {contribution.name}{via}: {contribution.reason}", 2)
        evidence = ", ".join(contribution.evidence)
        say(console, f"{impacts}" + (f"  [evidence: {evidence}]" if evidence else ""), 6, style="dim")
    console.print()


def render_conflict(console: Console, conflict: Conflict) -> None:
    """One conflict with its remedies."""
    head = Text()
    head.append(f"{conflict.severity:<7}", style=SEVERITY_STYLE[conflict.severity])
    head.append(f" {conflict.code} {conflict.kind}  ")
    head.append(", ".join(conflict.rules), style="bold")
    console.print(head)
    say(console, conflict.explanation, 8)
    for remedy in conflict.remedies:
        after = remedy.scores_after
        status = "resolves" if remedy.resolves else "does not resolve"
        extra = f"; creates {', '.join(remedy.new_conflicts)}" if remedy.new_conflicts else ""
        say(
            console,
            f"remedy {remedy.code}: {remedy.summary} -> employee {after.get('employee', 0):+d} "
            f"({after.get('employee_change', 0):+d}), customer {after.get('customer', 0):+d} "
            f"({after.get('customer_change', 0):+d}); {status}{extra}",
            8,
            style="dim",
        )


def summary_line(run: EvaluationRun) -> str:
    """One line: policies by verdict, conflicts by severity."""
    verdicts: Counter[str] = Counter(p.verdict for p in run.evaluation.policies)
    severities = Counter(c.severity for c in run.evaluation.conflicts)
    order = ["win-win", "customer-at-employee-cost", "employee-at-customer-cost", "lose-lose", "neutral"]
    parts = ", ".join(f"{verdicts[v]} {v}" for v in order if verdicts[v])
    n = len(run.evaluation.policies)
    m = len(run.evaluation.conflicts)
    sev = ", ".join(f"{severities[s]} {s}" for s in ("error", "warning", "info") if severities[s])
    return (
        f"{n} {'policy' if n == 1 else 'policies'}: {parts or 'none'}; "
        f"{m} {'conflict' if m == 1 else 'conflicts'}" + (f" ({sev})" if sev else "")
    )


def render_evaluation(run: EvaluationRun, console: Console) -> None:
    """The whole evaluation: a ranked overview, every policy, every conflict, a summary."""
    table = Table(title=f"Policies. {RANKING}", box=_box(console), title_justify="left", padding=(0, 1))
    table.add_column("policy")
    table.add_column("employee", justify="right")
    table.add_column("customer", justify="right")
    table.add_column("verdict")
    ranked = sorted(run.evaluation.policies, key=rank_key)
    for p in ranked:
        table.add_row(
            p.id,
            f"{p.scores.employee:+d}",
            f"{p.scores.customer:+d}",
            Text(p.verdict, style=VERDICT_STYLE[p.verdict]),
        )
    console.print(table)
    console.print()
    for result in run.evaluation.policies:
        render_policy(console, result, run.rulebook)
    if run.evaluation.conflicts:
        console.print(Text(f"Conflicts ({len(run.evaluation.conflicts)})", style="bold"))
        for conflict in run.evaluation.conflicts:
            render_conflict(console, conflict)
        console.print()
    console.print(summary_line(run))


def render_derivation(d: Derivation, console: Console) -> None:
    """What `explain` prints: facts, firings in order, chains, score arithmetic, conflicts."""
    console.print(Text(f"{d.policy}  {d.title}", style="bold"))
    if d.file:
        say(console, d.file, 2, style="dim")
    console.print()
    console.print(Text("1. Facts asserted", style="bold"))
    for fact in d.facts:
        say(console, f"rules[{fact.get('rule_index')}]: {describe_fact(fact)}", 2)
    console.print()
    console.print(Text("2. Rules fired, in order", style="bold"))
    if not d.steps:
        say(console, "(no impact rule fired)", 2)
    for step in d.steps:
        say(console, f"{step.number}. {step.code} {step.name} on {step.target}", 2)
        if step.matched:
            matched = ", ".join(f"{k} = {format_value(k, v)}" for k, v in step.matched.items())
            say(console, f"matched: {matched}", 5)
        say(console, f"because: {step.reason}", 5)
        if step.impacts:
            say(console, "impacts: " + ", ".join(f"{k} {v:+d}" for k, v in step.impacts.items()), 5)
        if step.derived:
            say(console, "derives: " + ", ".join(step.derived), 5)
        if len(step.chain) > 1:
            say(console, "chain: " + " > ".join(step.chain), 5)
    console.print()
    console.print(Text("3. Chains", style="bold"))
    if not d.chains:
        say(console, "(no derived facts)", 2)
    for chain in d.chains:
        say(console, f"{' > '.join(chain)}  ({len(chain)} steps)", 2)
    console.print()
    console.print(Text("4. Score", style="bold"))
    for line in d.criteria:
        if not line.deltas:
            continue
        deltas = " ".join(f"{delta:+d} ({code})" for code, delta in line.deltas)
        say(console, f"{line.criterion}: weight {line.weight:g} x ({deltas}) = {line.value:+g}", 2)
    for text in d.arithmetic:
        say(console, text, 2)
    console.print()
    console.print(Text("5. Conflicts", style="bold"))
    if not d.conflicts:
        say(console, "(none)", 2)
    for conflict in d.conflicts:
        render_conflict(console, conflict)


def render_rule_list(book: Rulebook, console: Console) -> None:
    """Every impact and conflict rule, one a line."""
    table = Table(box=_box(console), padding=(0, 1))
    table.add_column("code")
    table.add_column("name")
    table.add_column("summary")
    rules: list[ImpactRule | ConflictRule] = [*book.impact_rules, *book.conflict_rules]
    for rule in rules:
        table.add_row(rule.code, rule.name, rule.summary)
    console.print(table)
    console.print(f"{len(book.impact_rules)} impact rules, {len(book.conflict_rules)} conflict rules")


def render_rule(rule: ImpactRule | ConflictRule, book: Rulebook, console: Console) -> None:
    """One rule in full: conditions, impacts, evidence with citations, examples."""
    console.print(Text(f"{rule.code} {rule.name}", style="bold"))
    say(console, rule.summary, 2)
    where = book.locations.get(rule.code)
    if where:
        say(console, f"defined at {where[0]}:{where[1]}", 2, style="dim")
    if isinstance(rule, ImpactRule):
        say(console, "when: " + ", ".join(f"{k} {_cond(v)}" for k, v in rule.when.items()), 2)
        if rule.impacts:
            say(console, "impacts: " + ", ".join(f"{k} {v:+d}" for k, v in rule.impacts.items()), 2)
        if rule.derive:
            say(console, "derives: " + ", ".join(rule.derive), 2)
        say(console, f"because: {rule.because}", 2)
        examples = rule.examples
        for label, items in (("fires on", examples.fires), ("silent on", examples.silent)):
            for item in items:
                say(console, f"{label}: {_inline(item)}", 2)
    else:
        say(console, f"kind: {rule.kind}, severity: {rule.severity}, across: {rule.across}", 2)
        say(console, "a: " + ", ".join(f"{k} {_cond(v)}" for k, v in rule.a.items()), 2)
        say(console, "b: " + ", ".join(f"{k} {_cond(v)}" for k, v in rule.b.items()), 2)
        say(console, f"because: {rule.because}", 2)
        if rule.remedies:
            say(console, "remedies: " + ", ".join(rule.remedies), 2)
    for ev in rule.evidence:
        source = book.evidence[ev]
        say(console, f"evidence {ev} ({source.strength}{', secondary' if source.secondary else ''}):", 2)
        say(console, source.citation, 4)
        say(console, source.finding, 4, style="dim")


def _cond(value: object) -> str:
    from engine.rulebook.models import Check

    if isinstance(value, Check):
        data = value.model_dump(by_alias=True, exclude_none=True)
        return " and ".join(f"{op} {v}" for op, v in data.items())
    return f"= {value}"


def _inline(data: dict[str, object]) -> str:
    return "{" + ", ".join(f"{k}: {v}" for k, v in data.items()) + "}"


def to_string(render: object, *args: object) -> str:
    """Render to a plain string (for tests and other renderers)."""
    buffer = io.StringIO()
    console = make_console(buffer, color=False)
    render(*args, console)  # type: ignore[operator]
    return buffer.getvalue()
