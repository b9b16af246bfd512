"""Inputs and outputs of the report and diff golden files.

The evaluations use the small rulebook beside this file and the policies in
``policies/`` (new side) and ``policies-old/`` (old side), evaluated without
the conflict finder; the conflicts are written here instead, so the golden
files follow the renderers and not the shipped conflict rules. Remedy scores
are computed by evaluating the patched policy for real.

Regenerate with ``python tests/golden/report/update.py`` and review the diff.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from policyweigh.config import Settings
from policyweigh.diff import PolicyDiff, diff_runs
from policyweigh.evaluation import EvaluationRun, score_policies
from policyweigh.loading import load_library
from policyweigh.policy import Policy
from policyweigh.render.diff import render_json, render_text
from policyweigh.render.diff import render_markdown as diff_markdown
from policyweigh.render.html import render_html
from policyweigh.render.markdown import render_markdown
from policyweigh.results import Conflict, Evaluation, RemedyResult
from policyweigh.rulebook import Rulebook, load_rulebook

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
NEW = HERE / "policies"
OLD = HERE / "policies-old"
HOSTILE_TITLE = "<script>alert('x')</script> | **bold** _under_ [link](http://example.invalid) & `tick`"


def golden_rulebook() -> Rulebook:
    """The golden rulebook, named by a path relative to the repository (stable across machines)."""
    book = load_rulebook(HERE / "rulebook")
    return dataclasses.replace(book, source=(HERE / "rulebook").relative_to(ROOT).as_posix())


def _patched(policy: Policy, index: int, fields: dict[str, Any]) -> Policy:
    data = policy.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["rules"][index].update(fields)
    return Policy.model_validate(data)


def _remedy(
    run: EvaluationRun, code: str, summary: str, policy: str, index: int, fields: dict[str, Any], **extra: Any
) -> RemedyResult:
    before = run.result(policy).scores
    patched = _patched(run.policies[policy], index, fields)
    after = (
        score_policies([patched], rulebook=run.rulebook, settings=run.settings).evaluation.policies[0].scores
    )
    return RemedyResult(
        code=code,
        summary=summary,
        patch={"policy": policy, "rule_index": index, "set": fields},
        scores_after={
            "employee": after.employee,
            "customer": after.customer,
            "employee_change": after.employee - before.employee,
            "customer_change": after.customer - before.customer,
        },
        **extra,
    )


def _conflicts(run: EvaluationRun) -> list[Conflict]:
    ids = set(run.policies)
    found: list[Conflict] = []
    if {"aht-cap", "training"} <= ids:
        found.append(
            Conflict(
                code="CON901",
                kind="contradiction",
                severity="error",
                policies=["aht-cap", "training"],
                rules=["aht-cap/rules[0]", "training/rules[0]"],
                explanation="aht-cap holds calls under the cap for the bonus, while training asks agents to "
                "solve problems | fully on the <em>first</em> call.",
                remedies=[
                    _remedy(
                        run,
                        "REM901",
                        "Take handle time out of pay; discuss it in coaching.",
                        "aht-cap",
                        0,
                        {"enforcement": "coaching"},
                    )
                ],
            )
        )
    if "aht-cap" in ids:
        found.append(
            Conflict(
                code="HRM901",
                kind="harm",
                severity="error",
                policies=["aht-cap"],
                rules=["aht-cap/rules[0]"],
                explanation="aht-cap harms staff beyond the bound: employee "
                f"{run.result('aht-cap').scores.employee:+d} is below -40.",
                remedies=[
                    _remedy(
                        run,
                        "REM901",
                        "Take handle time out of pay; discuss it in coaching.",
                        "aht-cap",
                        0,
                        {"enforcement": "coaching"},
                    )
                ],
            )
        )
    if "lunch-ban" in ids:
        found.append(
            Conflict(
                code="GRD901",
                kind="guardrail",
                severity="error",
                policies=["lunch-ban"],
                rules=["lunch-ban/rules[0]"],
                explanation="the shift starting 06:00 reaches 6 hours at 12:00, and 10:00-12:00 is blocked: "
                "no 20-minute break can start in time.",
                citation="Working Time Regulations 1998, regulation 12",
                remedies=[
                    _remedy(
                        run,
                        "REM902",
                        "Stagger breaks instead of banning them in the peak.",
                        "lunch-ban",
                        0,
                        {"scheduling": "staggered", "blocked_windows": []},
                    ),
                    _remedy(
                        run,
                        "REM903",
                        "Shorten the blocked window.",
                        "lunch-ban",
                        0,
                        {"blocked_windows": [{"from": "10:00", "to": "11:00"}]},
                        resolves=False,
                        new_conflicts=["TRD901"],
                    ),
                ],
            )
        )
    for policy in sorted(ids & {"lunch-ban", "retired-rota"}):
        found.append(
            Conflict(
                code="TRD901",
                kind="trade-off",
                severity="info",
                policies=[policy],
                rules=[f"{policy}/rules[0]"],
                explanation=f"{policy} keeps the phones covered at the cost of rest and autonomy.",
            )
        )
    if {"hostile-text", "aht-cap"} <= ids:
        found.append(
            Conflict(
                code="INC901",
                kind="incentive",
                severity="warning",
                policies=["aht-cap", "hostile-text"],
                rules=["aht-cap/rules[0]", "hostile-text/rules[0]"],
                explanation="pays for <script>calls()</script> | `handled` "
                "while **satisfaction** is the goal (ask @org/team about #42, AHT &gt;= 5).",
            )
        )
    return found


def golden_run(folder: Path = NEW, *, law: bool = True) -> EvaluationRun:
    """The evaluation of one golden policy folder, with its conflicts; with ``law``, a policy whose
    hand-written guardrail conflict is an error is unlawful (see ``with_conflicts``)."""
    library = load_library([folder])
    files = {p.id: Path(p.file).resolve().relative_to(ROOT).as_posix() for p in library}
    run = score_policies(library.models, rulebook=golden_rulebook(), settings=Settings(), files=files)
    conflicts = _conflicts(run)
    if not law:
        return run.with_evaluation(Evaluation(policies=run.evaluation.policies, conflicts=conflicts))
    return with_conflicts(run, conflicts)


def with_conflicts(run: EvaluationRun, conflicts: list[Conflict]) -> EvaluationRun:
    """``run`` with these conflicts; as the law checks do, a policy with an error-level guardrail
    breach is unlawful, whatever its scores."""
    breached = {p for c in conflicts if c.kind == "guardrail" and c.severity == "error" for p in c.policies}
    policies = [
        r.model_copy(update={"verdict": "unlawful"}) if r.id in breached else r
        for r in run.evaluation.policies
    ]
    return run.with_evaluation(Evaluation(policies=policies, conflicts=conflicts))


def golden_diff() -> PolicyDiff:
    """The diff from the old golden folder to the new one.

    Verdicts are the scores' alone: `diff --git` on these folders finds its conflicts (and so any
    unlawful verdict) with the real conflict finder, and its test compares every other line."""
    return diff_runs(
        golden_run(OLD, law=False), golden_run(NEW, law=False), old_label="policies-old", new_label="policies"
    )


class _Outline(HTMLParser):
    """An indented outline of an HTML page: elements with id, class and data-* attributes, and the
    text of headings, table headers, captions and SVG labels. Geometry and CSS are left out, so the
    outline is the report's structure."""

    TEXT = frozenset({"title", "h1", "h2", "h3", "h4", "th", "text", "summary", "caption"})
    VOID = frozenset({"meta", "link", "br", "img", "input", "hr", "circle", "rect", "line", "path"})
    KEEP_VOID = frozenset({"meta", "circle"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.depth = 0
        self.texts: list[tuple[str, int, list[str]]] = []
        """Open text-bearing elements: tag, outline line, text so far."""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        parts = [tag]
        if names.get("id"):
            parts.append(f"#{names['id']}")
        if names.get("class"):
            parts.append("." + ".".join(str(names["class"]).split()))
        parts += [
            f"[{k}={v}]" for k, v in sorted(names.items()) if k.startswith("data-") or k in ("name", "href")
        ]
        if tag in self.VOID:
            if tag in self.KEEP_VOID:
                self.lines.append("  " * self.depth + "".join(parts))
            return
        self.lines.append("  " * self.depth + "".join(parts))
        self.depth += 1
        if tag in self.TEXT:
            self.texts.append((tag, len(self.lines) - 1, []))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.VOID:
            self.handle_starttag(tag, attrs)
            self.handle_endtag(tag)
        else:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        if self.texts and self.texts[-1][0] == tag:
            _, line, parts = self.texts.pop()
            text = " ".join("".join(parts).split())
            if text:
                self.lines[line] += f"  {text!r}"
        self.depth -= 1

    def handle_data(self, data: str) -> None:
        for _, _, parts in self.texts:
            parts.append(data)


def html_outline(html: str) -> str:
    """The structure of an HTML page as indented text (see ``_Outline``)."""
    parser = _Outline()
    parser.feed(html)
    parser.close()
    return "\n".join(parser.lines) + "\n"


GOLDENS: dict[str, Callable[[], str]] = {
    "report.md": lambda: render_markdown(golden_run()),
    "report.outline.txt": lambda: html_outline(render_html(golden_run())),
    "diff.txt": lambda: render_text(golden_diff()),
    "diff.md": lambda: diff_markdown(golden_diff()),
    "diff.json": lambda: render_json(golden_diff()),
}
"""Golden file name (beside this file, under ``expected/``) to the function producing it."""

EXPECTED = HERE / "expected"
