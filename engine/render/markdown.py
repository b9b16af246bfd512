"""The evaluation as GitHub-flavoured Markdown, fit for a pull-request comment.

Used by ``report --format markdown`` and ``evaluate --format markdown``. The
template escapes every value by default (the environment's ``finalize``): HTML
special characters become entities and Markdown punctuation is backslashed, so
a policy title holding ``<script>`` or ``| pipes |`` shows as text and cannot
break a table. Values the renderer builds itself (numbers, code spans) are
marked ``Raw`` and pass through unchanged. Per-policy details sit in
``<details>`` blocks so the comment stays short until opened.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from engine.evaluation import EvaluationRun, format_value, signed
from engine.render.view import PolicyView, ReportView, build_view, patch_changes

COMMENT_LIMIT = 65_536
"""GitHub refuses a pull-request comment longer than this many characters."""

# Inline Markdown punctuation that can start emphasis, code, links, tables or strike-through.
_INLINE = re.compile(r"([\\`*_\[\]|~])")
# At the start of a line these open a heading, quote, list, or setext underline.
_LEADING = re.compile(r"^([#>+=-])")
_ORDERED = re.compile(r"^(\d+)([.)])")
_SPACE = re.compile(r"\s+")


class Raw(str):
    """Markdown built by the renderer itself: the template does not escape it again."""


def md_escape(text: str) -> str:
    """Plain text as Markdown that renders as the same text (one line, nothing interpreted)."""
    text = _SPACE.sub(" ", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _INLINE.sub(r"\\\1", text)
    text = _LEADING.sub(r"\\\1", text)
    return _ORDERED.sub(r"\1\\\2", text)


def code(text: Any, *, table: bool = False) -> Raw:
    """A code span holding ``text`` verbatim, whatever backticks it contains."""
    value = _SPACE.sub(" ", str(text)).strip()
    longest = max((len(run) for run in re.findall(r"`+", value)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    if table:
        # GitHub splits table cells on | before it reads code spans.
        value = value.replace("|", "\\|")
    return Raw(f"{fence}{pad}{value}{pad}{fence}")


def fenced(lines: list[str]) -> Raw:
    """A fenced text block; the fence is longer than any backtick run inside."""
    body = "\n".join(lines)
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
    env.filters["code"] = code
    env.filters["tcode"] = lambda value: code(value, table=True)
    env.filters["codes"] = lambda values, sep=", ": Raw(sep.join(code(v) for v in values))
    env.filters["tcodes"] = lambda values, sep=", ": Raw(sep.join(code(v, table=True) for v in values))
    env.filters["value"] = lambda value, key="": format_value(key, value)
    env.filters["changes"] = patch_changes
    env.filters["fenced"] = fenced
    env.filters["raw"] = Raw
    return env


def _render(view: ReportView, details: list[PolicyView], limit: int | None) -> str:
    shown = {p.result.id for p in details}
    cited = {e for p in details for e in (x.id for x in p.evidence)}
    text = (
        environment()
        .get_template("report.md.j2")
        .render(
            view=view,
            details=details,
            omitted=len(view.policies) - len(shown),
            limit=limit or 0,
            evidence=[e for e in view.evidence if e.id in cited],
        )
    )
    # Optional parts leave runs of blank lines; Markdown needs one.
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def render_markdown(
    run: EvaluationRun,
    *,
    title: str = "Policy evaluation",
    date: str | None = None,
    max_chars: int | None = COMMENT_LIMIT,
) -> str:
    """The whole evaluation as Markdown: summary, ranked table, conflicts by kind, details per policy.

    With ``max_chars`` (GitHub's comment limit by default) the details of the
    best-ranked policies are left out, one at a time, until the text fits; the
    worst-ranked policies, which a reviewer needs most, are the last to go.
    """
    view = build_view(run, title=title, date=date)
    details = list(view.policies)
    text = _render(view, details, max_chars)
    if max_chars is None or len(text) <= max_chars:
        return text
    env = environment()
    sizes = {p.result.id: len(env.get_template("policy.md.j2").render(p=p)) for p in details}
    excess = len(text) - max_chars
    # Drop by size estimate first, then render to check (evidence lines go with their policies too).
    while details and excess > 0:
        excess -= sizes[details[0].result.id]
        details.pop(0)
    text = _render(view, details, max_chars)
    while details and len(text) > max_chars:
        details.pop(0)
        text = _render(view, details, max_chars)
    return text
