"""Renderers of a library diff (``policyweigh.diff.PolicyDiff``): text, JSON and Markdown.

Every value that comes from a policy or a rulebook (ids, titles, rule names,
reasons, explanations) is escaped for its medium by ``policyweigh.render.escape``.
"""

from __future__ import annotations

from policyweigh.diff import ConflictRef, ContributionChange, PolicyDiff, ScoreChange
from policyweigh.formatting import points, signed
from policyweigh.render.escape import guard_lines, json_document, terminal
from policyweigh.render.markdown import code, md_escape


def _move(score: ScoreChange) -> str:
    if not score.change:
        return signed(score.new)
    return f"{signed(score.old)} -> {signed(score.new)} ({score.change:+d})"


def summary_line(diff: PolicyDiff) -> str:
    """One line: how many policies were added, removed, changed and left alone, and conflicts."""
    return (
        f"{len(diff.added)} added, {len(diff.removed)} removed, {len(diff.changed)} changed, "
        f"{len(diff.unchanged)} unchanged; conflicts: {len(diff.conflicts_added)} added, "
        f"{len(diff.conflicts_removed)} removed"
    )


def _delta_text(c: ContributionChange) -> str:
    if c.change == "appeared":
        return points(c.new_delta or 0)
    if c.change == "vanished":
        return points(c.old_delta or 0)
    if c.old_delta == c.new_delta:
        return points(c.new_delta or 0)
    return f"{points(c.old_delta or 0)} -> {points(c.new_delta or 0)}"


def _plain(text: str | None) -> str:
    """Outside text safe for a terminal (see ``policyweigh.render.escape.terminal``)."""
    return terminal(text or "")


def _conflict_lines(mark: str, conflicts: list[ConflictRef]) -> list[str]:
    """One text line per conflict that appeared (``+``) or went away (``-``)."""
    return [
        f"    {mark} conflict {c.severity} {_plain(c.code)} {c.kind}: {_plain(c.explanation)}"
        for c in conflicts
    ]


def render_text(diff: PolicyDiff) -> str:
    """The diff for a terminal: `+` added, `-` removed, `~` changed, one fact a line."""
    lines = [f"diff {_plain(diff.old)} -> {_plain(diff.new)}", summary_line(diff)]
    for p in diff.added:
        lines.append("")
        lines.append(
            f"+ {_plain(p.id)}: added, {p.verdict}, employee {signed(p.employee)}, customer {signed(p.customer)}"
        )
        lines.append(f"    {_plain(p.title)}")
        lines.extend(_conflict_lines("+", p.conflicts))
    for p in diff.removed:
        lines.append("")
        lines.append(
            f"- {_plain(p.id)}: removed (was {p.verdict}, "
            f"employee {signed(p.employee)}, customer {signed(p.customer)})"
        )
        lines.append(f"    {_plain(p.title)}")
        lines.extend(_conflict_lines("-", p.conflicts))
    for ch in diff.changed:
        lines.append("")
        lines.append(f"~ {_plain(ch.id)}: {_plain(ch.title)}")
        if ch.old_title is not None:
            lines.append(f"    title: was {_plain(ch.old_title)}")
        if ch.verdict_changed:
            lines.append(f"    verdict: {ch.old_verdict} -> {ch.new_verdict}")
        else:
            lines.append(f"    verdict: {ch.new_verdict} (unchanged)")
        lines.append(f"    employee: {_move(ch.employee)}")
        lines.append(f"    customer: {_move(ch.customer)}")
        if not ch.effect:
            lines.append("    edited, with no effect on scores, verdict, contributions or conflicts")
        for c in ch.contributions:
            mark = {"appeared": "+", "vanished": "-", "changed": "~"}[c.change]
            lines.append(
                f"    {mark} {_plain(c.rule)} {_plain(c.name)} {_plain(c.criterion)} {_delta_text(c)} ({_plain(c.target)}, {c.change})"
            )
            if c.change == "changed" and c.old_reason != c.new_reason:
                lines.append(f"        was: {_plain(c.old_reason)}")
                lines.append(f"        now: {_plain(c.new_reason)}")
        lines.extend(_conflict_lines("+", ch.conflicts_added))
        lines.extend(_conflict_lines("-", ch.conflicts_removed))
    if not diff.has_changes:
        lines.append("")
        lines.append("no changes")
    return guard_lines("\n".join(lines)) + "\n"


def render_json(diff: PolicyDiff) -> str:
    """The diff as JSON (the PolicyDiff model), with no raw control character in it."""
    return json_document(diff.model_dump_json(indent=2)) + "\n"


def render_markdown(diff: PolicyDiff) -> str:
    """The diff as Markdown for a pull-request comment; every policy text is escaped."""

    def conflict_line(mark: str, c: ConflictRef) -> str:
        return f"- {mark} **{c.severity}** {code(c.code)} {c.kind}: {md_escape(c.explanation)}"

    def tcode(text: str) -> str:
        return code(text, table=True)

    out = [
        f"## Policy changes: {code(diff.old)} → {code(diff.new)}",
        "",
        md_escape(summary_line(diff)) + ".",
        "",
    ]
    if not diff.has_changes:
        out.append("No changes.")
        return "\n".join(out) + "\n"
    if diff.added or diff.removed or diff.changed:
        out += ["| Policy | Change | Verdict | Employee | Customer |", "|---|---|---|--:|--:|"]
        for p in diff.added:
            out.append(
                f"| {tcode(p.id)} {md_escape(p.title)} | added | {p.verdict} | {signed(p.employee)} | "
                f"{signed(p.customer)} |"
            )
        for p in diff.removed:
            out.append(
                f"| {tcode(p.id)} {md_escape(p.title)} | removed | was {p.verdict} | "
                f"was {signed(p.employee)} | "
                f"was {signed(p.customer)} |"
            )
        for ch in diff.changed:
            verdict = f"{ch.old_verdict} → {ch.new_verdict}" if ch.verdict_changed else ch.new_verdict
            what = "changed" if ch.effect else "edited, no effect"
            out.append(
                f"| {tcode(ch.id)} {md_escape(ch.title)} | {what} | {verdict} | "
                f"{_move(ch.employee).replace('->', '→')} | {_move(ch.customer).replace('->', '→')} |"
            )
        out.append("")
    for ch in diff.changed:
        if not (ch.contributions or ch.conflicts_added or ch.conflicts_removed or ch.old_title):
            continue
        out += [f"### {code(ch.id)}", ""]
        if ch.old_title is not None:
            out.append(f"- Title was: {md_escape(ch.old_title)}")
        for c in ch.contributions:
            head = f"- Contribution {c.change}: {code(c.rule)} {md_escape(c.name)} {code(c.criterion)} "
            head += f"{_delta_text(c).replace('->', '→')} ({code(c.target)})"
            if c.change == "changed" and c.old_reason != c.new_reason:
                head += f". Was: {md_escape(c.old_reason or '')} Now: {md_escape(c.new_reason or '')}"
            elif c.change != "changed":
                head += f": {md_escape((c.new_reason if c.change == 'appeared' else c.old_reason) or '')}"
            out.append(head)
        out += [conflict_line("added", c) for c in ch.conflicts_added]
        out += [conflict_line("removed", c) for c in ch.conflicts_removed]
        out.append("")
    for title, items, mark in (("Added", diff.added, "added"), ("Removed", diff.removed, "removed")):
        with_conflicts = [p for p in items if p.conflicts]
        for p in with_conflicts:
            out += [f"### {code(p.id)} ({title.lower()})", ""]
            out += [conflict_line(mark, c) for c in p.conflicts]
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


RENDERERS = {"text": render_text, "json": render_json, "markdown": render_markdown}
