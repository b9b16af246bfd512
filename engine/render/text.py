"""Text output for people at a terminal: scorecards, conflicts, derivations, rule listings, findings.

Uses rich for tables and colour on a terminal; when output is piped or
``NO_COLOR`` is set it prints plain ASCII tables at a fixed width, so the
output is stable for files, diffs and golden tests.

Every text from a policy or a rulebook goes through ``escape.terminal`` and
reaches rich as a ``Text``, never as a markup string: control characters show
as escapes, ``[bold]`` prints as written, and no line can become a GitHub
Actions workflow command (the console's stream guards every line as well).
"""

from __future__ import annotations

import io
import os
import sys
from collections import Counter
from collections.abc import Callable, Mapping
from typing import IO, cast

from rich import box
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from policyweigh.evaluation import EvaluationRun
from policyweigh.explain import Derivation, describe_fact
from policyweigh.facts import DERIVED_KEY, INDEX_KEY
from policyweigh.formatting import format_value, points
from policyweigh.gate import GateResult
from policyweigh.labels import criterion_label, rule_label
from policyweigh.policy import Policy
from policyweigh.render.escape import guard_line, terminal
from policyweigh.render.lines import finding_line
from policyweigh.render.view import (
    RANKING,
    VERDICTS,
    alternatives_text,
    dose_text,
    findings,
    patched_rule,
    plain_refs,
    rank_key,
    reach_text,
    remedy_target,
    replaced_by_text,
    replacement_view,
    rule_words,
    score_text,
    sentence,
    strength_text,
    uncertain_notes,
    unlawful_note,
    verdict_title,
)
from policyweigh.results import Conflict, Patch, PolicyResult, parse_rule_ref
from policyweigh.rulebook import ConflictRule, ImpactRule, Rulebook
from policyweigh.rulebook.models import Check

PLAIN_WIDTH = 100
VERDICT_STYLE = {
    "win-win": "bold green",
    "employee-gain": "green",
    "customer-gain": "green",
    "neutral": "dim",
    "employee-loss": "yellow",
    "customer-loss": "yellow",
    "customer-at-employee-cost": "bold yellow",
    "employee-at-customer-cost": "bold yellow",
    "lose-lose": "bold red",
    "unlawful": "bold white on red",
}
SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


class _Lines(io.TextIOBase):
    """A text stream that writes whole lines, each guarded against GitHub Actions workflow commands.

    Rich wraps and folds text, so a line could start anywhere in a value; values are escaped
    already, and this catches what only joining them could form. In plain mode it also drops
    the spaces rich pads lines with, so files and diffs stay clean.
    """

    def __init__(self, target: IO[str], *, strip: bool) -> None:
        self._target = target
        self._strip = strip
        self._pending = ""

    def _line(self, line: str) -> str:
        return guard_line(line.rstrip() if self._strip else line)

    def write(self, text: str) -> int:
        lines = (self._pending + text).split("\n")
        self._pending = lines.pop()
        for line in lines:
            self._target.write(self._line(line) + "\n")
        return len(text)

    def flush(self) -> None:
        if self._pending:
            self._target.write(self._line(self._pending))
            self._pending = ""
        self._target.flush()

    def isatty(self) -> bool:
        return self._target.isatty()


def make_console(stream: IO[str] | None = None, *, color: bool | None = None) -> Console:
    """A console: colour and box drawing on a terminal, plain ASCII at a fixed width otherwise."""
    stream = stream if stream is not None else sys.stdout
    tty = color if color is not None else (stream.isatty() and "NO_COLOR" not in os.environ)
    if tty:
        return Console(file=cast(IO[str], _Lines(stream, strip=False)), highlight=False, force_terminal=True)
    return Console(
        file=cast(IO[str], _Lines(stream, strip=True)),
        width=PLAIN_WIDTH,
        no_color=True,
        color_system=None,
        highlight=False,
        emoji=False,
        legacy_windows=False,
        force_terminal=False,
    )


def say(console: Console, text: str | Text, indent: int = 0, style: str | None = None) -> None:
    """Print a paragraph whose wrapped lines keep its indentation; a str is escaped whole.

    ``terminal`` is idempotent, so a string holding values escaped already is safe to pass.
    """
    body = text if isinstance(text, Text) else Text(terminal(text), style=style or "")
    console.print(Padding(body, (0, 0, 0, indent), expand=False))


def cell(value: object, style: str = "") -> Text:
    """A table cell or a piece of a line: the value escaped, as a Text (never read as markup)."""
    return Text(terminal(str(value)), style=style)


def _box(console: Console) -> box.Box:
    return box.ROUNDED if console.color_system else box.ASCII


def _signed_style(value: int) -> str:
    return "green" if value > 0 else "red" if value < 0 else ""


def _scores_line(result: PolicyResult) -> Text:
    """``employee -46 (-57..-34)   customer +8 (+6..+10)   reach: 40 people, 25% of contacts``."""
    s = result.scores
    line = Text("  ")
    line.append("employee ")
    line.append(score_text(result, "employee"), style=_signed_style(s.employee))
    line.append("   customer ")
    line.append(score_text(result, "customer"), style=_signed_style(s.customer))
    if result.reach is not None:
        line.append_text(cell(f"   reach: {reach_text(result.reach)}"))
    return line


def _customer_parts(result: PolicyResult, rulebook: Rulebook) -> str:
    """``customer direct -52, indirect -15 (Staff attrition -1.88 weighted points, months to a year)``."""
    s = result.scores
    known = rulebook.scoring.mechanisms_by_id
    through = [
        f"{known[name].title if name in known else name} {points(value)} weighted points"
        + (f", {known[name].lag}" if name in known else "")
        for name, value in s.mechanisms.items()
    ]
    line = f"customer direct {s.customer_direct:+d}, indirect {s.customer_indirect:+d}"
    return line + (f" ({'; '.join(through)})" if through else "")


def criterion_words(criterion_id: str, rulebook: Rulebook | None = None) -> str:
    """A criterion as a person says it, with its side: "staff autonomy", "customer speed"."""
    side = "staff" if criterion_id.startswith("employee.") else "customer"
    return f"{side} {criterion_label(criterion_id, rulebook)}"


def reference_words(ref: str, policies: Mapping[str, Policy] | None) -> str:
    """``policy-id/rules[i]`` in words when the policy is at hand: "pie-van-lunch-ban: the lunch break"."""
    try:
        pid, index = parse_rule_ref(ref)
    except ValueError:
        return ref
    policy = (policies or {}).get(pid)
    return f"{pid}: {rule_label(policy, index)}" if policy is not None else f"{pid}: rule {index + 1}"


def render_policy(
    console: Console, result: PolicyResult, rulebook: Rulebook, policy: Policy | None = None
) -> None:
    """One policy's scorecard: scores with ranges and reach, verdict, what it does to its teams'
    queues and the cost of decency, notes, criteria, contributions, and the rules the score says
    nothing about."""
    margin = rulebook.scoring.verdicts.margin
    head = Text()
    head.append_text(cell(result.id, "bold"))
    head.append_text(cell(f"  {result.title}  "))
    head.append_text(cell(result.verdict, VERDICT_STYLE.get(result.verdict, "")))
    console.print(head)
    if result.file:
        say(console, result.file, 2, style="dim")
    say(console, verdict_title(result.verdict) + ".", 2)
    console.print(_scores_line(result))
    say(console, _customer_parts(result, rulebook), 2, style="dim")
    if result.queue is not None:
        # One line for the policy and one per team with a cost of decency: the report has the rest.
        say(console, f"queue: {sentence(result.queue.summary)}", 2)
        for team in result.queue.teams:
            if team.cost_of_decency is not None:
                summary = team.cost_of_decency.summary.strip().rstrip(".")
                say(console, f"cost of decency, {team.name}: {summary}.", 2)
    unlawful = unlawful_note(result, margin)
    for note in ([unlawful] if unlawful else []) + uncertain_notes(result, margin, pm="+/-"):
        say(console, f"note: {note}", 2)
    if result.legal:
        say(console, f"note: {result.legal}", 2, style="dim")
    for item in result.not_assessed:
        where = reference_words(item.rule, {result.id: policy} if policy is not None else None)
        say(console, f"not assessed: {where.split(': ', 1)[-1]}: {item.reason}", 2)
    replacement = replacement_view(result)
    if replacement is not None:
        first, *rest = replacement.lines
        say(console, first, 2)
        for line in rest:
            say(console, line, 4)
    for said in (replaced_by_text(result), alternatives_text(result)):
        if said is not None:
            say(console, said, 2)
    moved = {k: v for k, v in result.scores.criteria.items() if v}
    groups = findings(result, rulebook.scoring.mechanisms_by_id)
    if moved:
        table = Table(box=_box(console), show_header=True, pad_edge=False, padding=(0, 1))
        table.add_column("criterion")
        table.add_column("weighted", justify="right")
        table.add_column("rules")
        for criterion, value in moved.items():
            codes = sorted(
                {f"{f.rule} {i.text}" for f in groups for i in f.impacts if i.criterion == criterion}
            )
            table.add_row(
                cell(criterion_words(criterion, rulebook)), cell(f"{value:+g}"), cell(", ".join(codes))
            )
        console.print(table)
    for finding in groups:
        via = f" via {' > '.join(finding.chain)}" if finding.chain else ""
        if finding.mechanism_id is not None:
            mechanism = finding.mechanism
            how = f"{mechanism.title}, {mechanism.lag}" if mechanism else finding.mechanism_id
            via += f" (indirect: {how})"
        say(console, f"- {finding.rule} {finding.name}{via}: {finding.reason}", 2)
        impacts = ", ".join(f"{criterion_words(i.criterion, rulebook)} {i.text}" for i in finding.impacts)
        evidence = ", ".join(finding.evidence)
        quality = strength_text(finding.strength, finding.band, pm="+/-")
        said = f"evidence: {evidence}; {quality}" if evidence else quality
        say(console, f"{impacts}  [{said}]", 6, style="dim")
    console.print()


def render_conflict(
    console: Console,
    conflict: Conflict,
    name_rule: Callable[[Patch], str],
    policies: Mapping[str, Policy] | None = None,
) -> None:
    """One conflict with its remedies; ``name_rule`` says in plain words which rule a remedy patches
    (a remedy that adds a rule words the rule, one that sets only the scope says so), and the rules
    the conflict is about read as words when their ``policies`` are given."""
    head = Text()
    head.append_text(cell(f"{conflict.severity:<7}", SEVERITY_STYLE.get(conflict.severity, "")))
    head.append_text(cell(f" {conflict.code} {conflict.kind}  "))
    where = [reference_words(r, policies) for r in conflict.rules] or list(conflict.policies)
    head.append_text(cell(", ".join(where), "bold"))
    console.print(head)
    own = conflict.policies[0] if len(conflict.policies) == 1 else None
    say(console, plain_refs(conflict.explanation, policies, own) if policies else conflict.explanation, 8)
    for remedy in conflict.remedies:
        after = remedy.scores_after
        status = "resolves" if remedy.resolves else "does not resolve"
        extra = f"; creates {', '.join(remedy.new_conflicts)}" if remedy.new_conflicts else ""
        say(
            console,
            f"remedy {remedy.code} {remedy_target(remedy.patch, name_rule(remedy.patch))}: "
            f"{remedy.summary} -> employee {after.employee:+d} "
            f"({after.employee_change:+d}), customer {after.customer:+d} "
            f"({after.customer_change:+d}); {status}{extra}",
            8,
            style="dim",
        )


def summary_line(run: EvaluationRun) -> str:
    """One line: policies by verdict (unlawful ones included), rules not assessed, conflicts by severity."""
    policies = run.evaluation.policies
    verdicts: Counter[str] = Counter(p.verdict for p in policies)
    severities = Counter(c.severity for c in run.evaluation.conflicts)
    order = [*VERDICTS, *sorted(set(verdicts) - set(VERDICTS))]
    parts = ", ".join(f"{verdicts[v]} {v}" for v in order if verdicts[v])
    n = len(policies)
    m = len(run.evaluation.conflicts)
    unassessed = sum(len(p.not_assessed) for p in policies)
    sev = ", ".join(f"{severities[s]} {s}" for s in ("error", "warning", "info") if severities[s])
    return (
        f"{n} {'policy' if n == 1 else 'policies'}: {parts or 'none'}; "
        f"{unassessed} {'rule' if unassessed == 1 else 'rules'} not assessed; "
        f"{m} {'conflict' if m == 1 else 'conflicts'}" + (f" ({sev})" if sev else "")
    )


def render_evaluation(run: EvaluationRun, console: Console) -> None:
    """The whole evaluation: a ranked overview, every policy, every conflict, a summary."""
    table = Table(title=f"Policies. {RANKING}", box=_box(console), title_justify="left", padding=(0, 1))
    table.add_column("#", justify="right")
    table.add_column("policy")
    table.add_column("employee", justify="right")
    table.add_column("customer", justify="right")
    table.add_column("verdict")
    ranked = sorted(run.evaluation.policies, key=rank_key)
    for rank, p in enumerate(ranked, start=1):
        table.add_row(
            cell(rank),
            cell(p.id),
            cell(f"{p.scores.employee:+d}"),
            cell(f"{p.scores.customer:+d}"),
            cell(p.verdict, VERDICT_STYLE.get(p.verdict, "")),
        )
    console.print(table)
    console.print()
    for result in run.evaluation.policies:
        render_policy(console, result, run.rulebook, run.policies.get(result.id))
    if run.evaluation.conflicts:
        console.print(Text(f"Conflicts ({len(run.evaluation.conflicts)})", style="bold"))
        for conflict in run.evaluation.conflicts:
            render_conflict(console, conflict, lambda patch: patched_rule(patch, run.policies), run.policies)
        console.print()
    console.print(Text(summary_line(run)))


def render_derivation(d: Derivation, console: Console, policies: Mapping[str, Policy] | None = None) -> None:
    """What `explain` prints: facts, firings in order, chains, score arithmetic, conflicts.

    ``policies`` (the evaluated policies) let a remedy name the rule it patches with its note,
    and a rule of another policy with its kind.
    """
    console.print(cell(f"{d.policy}  {d.title}", "bold"))
    if d.file:
        say(console, d.file, 2, style="dim")
    console.print()
    console.print(Text("1. Facts asserted", style="bold"))
    own = (policies or {}).get(d.policy)
    for fact in d.facts:
        index = fact.get(INDEX_KEY)
        named = rule_label(own, index) if own is not None and isinstance(index, int) else f"rule {index}"
        say(console, f"{named}: {describe_fact(fact)}", 2)
    console.print()
    console.print(Text("2. Rules fired, in order", style="bold"))
    if not d.steps:
        say(console, "(no impact rule fired)", 2)
    for step in d.steps:
        target = plain_refs(step.target, policies, d.policy) if policies else step.target
        say(console, f"{step.number}. {step.code} {step.name} on {target}", 2)
        if step.matched:
            matched = ", ".join(f"{k} = {format_value(k, v)}" for k, v in step.matched.items())
            say(console, f"matched: {matched}", 5)
        say(console, f"because: {step.reason}", 5)
        if step.impacts:
            shown = [
                f"{criterion_words(k)} {dose_text(v, step.dose, v * step.dose)}"
                + (" (not counted: the team's queue model scores it)" if k in step.replaced else "")
                for k, v in step.impacts.items()
            ]
            say(console, "impacts: " + ", ".join(shown), 5)
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
        deltas = " ".join(f"{points(delta)} ({code})" for code, delta in line.deltas)
        say(
            console,
            f"{criterion_words(line.criterion)}: weight {line.weight:g} x ({deltas}) = {line.value:+g}",
            2,
        )
    for text in d.arithmetic:
        say(console, text, 2)
    console.print()
    console.print(Text("5. Conflicts", style="bold"))
    if not d.conflicts:
        say(console, "(none)", 2)
    # Without the policies a derivation still holds its own policy's facts: its rules are named
    # by kind, and a rule of another policy by its number alone.
    kinds = {
        f[INDEX_KEY]: str(f["kind"])
        for f in d.facts
        if DERIVED_KEY not in f and isinstance(f.get(INDEX_KEY), int) and f.get("kind")
    }

    def name_rule(patch: Patch) -> str:
        if policies is not None and patch.policy in policies:
            return patched_rule(patch, policies)
        if patch.action == "add-rule" or patch.rule_index is None or not patch.set:
            return ""
        kind = kinds.get(patch.rule_index) if patch.policy == d.policy else None
        return rule_words(patch.rule_index, kind)

    for conflict in d.conflicts:
        render_conflict(console, conflict, name_rule)


def render_rule_list(book: Rulebook, console: Console) -> None:
    """Every impact and conflict rule, one a line."""
    table = Table(box=_box(console), padding=(0, 1))
    table.add_column("code")
    table.add_column("name")
    table.add_column("summary")
    rules: list[ImpactRule | ConflictRule] = [*book.impact_rules, *book.conflict_rules]
    for rule in rules:
        table.add_row(cell(rule.code), cell(rule.name), cell(rule.summary))
    console.print(table)
    console.print(Text(f"{len(book.impact_rules)} impact rules, {len(book.conflict_rules)} conflict rules"))


def render_rule(rule: ImpactRule | ConflictRule, book: Rulebook, console: Console) -> None:
    """One rule in full: conditions, impacts, evidence with citations, examples."""
    console.print(cell(f"{rule.code} {rule.name}", "bold"))
    say(console, rule.summary, 2)
    where = book.locations.get(rule.code)
    if where:
        say(console, f"defined at {where[0]}:{where[1]}", 2, style="dim")
    if isinstance(rule, ImpactRule):
        say(console, "when: " + ", ".join(f"{k} {_cond(v)}" for k, v in rule.when.items()), 2)
        if rule.impacts:
            say(console, "impacts: " + ", ".join(f"{k} {v:+d}" for k, v in rule.impacts.items()), 2)
        if rule.replaced_by_queue:
            say(
                console,
                "replaced by the queue model (QUE rules) when an organisation file describes the "
                "policy's team: " + ", ".join(rule.replaced_by_queue),
                2,
            )
        for dose in rule.dose:
            curve = ", ".join(f"{format_value(dose.key, x)} -> x{f:g}" for x, f in dose.points)
            say(console, f"dose: {dose.key} {curve}" + (f" ({dose.says})" if dose.says else ""), 2)
        for threshold in rule.thresholds:
            say(
                console,
                f"threshold: {threshold.key} {format_value(threshold.key, threshold.value)}: "
                f"{threshold.says} [evidence: {threshold.evidence}]",
                2,
            )
        if rule.mechanism:
            mechanism = book.scoring.mechanisms_by_id.get(rule.mechanism)
            how = f" ({mechanism.title}, {mechanism.lag})" if mechanism else ""
            say(console, f"mechanism: {rule.mechanism}{how}: its customer impacts are indirect", 2)
        if rule.reach:
            say(console, f"reach: {rule.reach} (share of customer contacts touched)", 2)
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
    if isinstance(value, Check):
        data = value.model_dump(by_alias=True, exclude_none=True)
        return " and ".join(f"{op} {v}" for op, v in data.items())
    return f"= {value}"


def _inline(data: dict[str, object]) -> str:
    return "{" + ", ".join(f"{k}: {v}" for k, v in data.items()) + "}"


def render_findings(result: GateResult) -> str:
    """What `check` prints as text: one finding a line, then the summary line."""
    lines = [finding_line(f) for f in result.findings]
    lines.append(guard_line(terminal(result.summary_line())))
    return "\n".join(lines) + "\n"
