"""The leadership report's second layout: a decision summary first, details closed, plain words.

Every test evaluates the bundled library for real, with the repository's ``policyweigh.toml``
(its organisation file and metrics), and reads the groups, remedies and conflicts from that
evaluation rather than from numbers written here, so a change to the rulebook moves the
expectations with it.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from policyweigh.cli import main
from policyweigh.evaluation import EvaluationRun
from policyweigh.formatting import signed
from policyweigh.labels import criterion_label, field_label, rule_label
from policyweigh.policy import Policy
from policyweigh.project import evaluate_paths
from policyweigh.render.html import render_html
from policyweigh.render.markdown import COMMENT_LIMIT, render_markdown
from policyweigh.render.view import ReportView, build_view
from policyweigh.scoring import rank_key
from tests.helpers import ROOT

UNLAWFUL = "core-hours-break-ban-berlin"
CAUSE = "aht-cap-5-minutes-bonus-gate"
"""The handle-time cap: the policy CON001's remedies change."""
AFFECTED = "fcr-target-tied-to-bonus"
"""The first-contact-resolution target: CON001 names it, but no remedy changes it there."""


@pytest.fixture(scope="module")
def run() -> EvaluationRun:
    return evaluate_paths([ROOT / "policies"], config=ROOT / "policyweigh.toml")


@pytest.fixture(scope="module")
def view(run: EvaluationRun) -> ReportView:
    return build_view(run)


@pytest.fixture(scope="module")
def html(run: EvaluationRun) -> str:
    return render_html(run)


class _Visible(HTMLParser):
    """The text a reader sees: tags and their attributes dropped, style and the title skipped."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script", "title"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script", "title"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(page: str) -> str:
    parser = _Visible()
    parser.feed(page)
    return " ".join("".join(parser.parts).split())


def _group(view: ReportView, key: str) -> dict[str, object]:
    group = next(g for g in view.decisions if g.key == key)
    return {line.id: line for line in group.lines}


# The summary ------------------------------------------------------------------------------------


def test_every_policy_has_one_decision(view: ReportView) -> None:
    decided = [line.id for g in view.decisions for line in g.lines]
    assert sorted(decided) == sorted(p.result.id for p in view.policies)
    assert [g.key for g in view.decisions] == ["stop", "fix", "adopt", "review"]


def test_unlawful_and_harmful_policies_are_to_stop(run: EvaluationRun, view: ReportView) -> None:
    stop = _group(view, "stop")
    assert run.result(UNLAWFUL).verdict == "unlawful"
    assert UNLAWFUL in stop
    bound = run.settings.harm_bound
    harmful = {r.id for r in run.evaluation.policies if min(r.scores.employee, r.scores.customer) <= -bound}
    unlawful = {r.id for r in run.evaluation.policies if r.verdict == "unlawful"}
    assert set(stop) == harmful | unlawful
    # The most serious first: the ranking read from its end.
    order = [line.id for line in next(g for g in view.decisions if g.key == "stop").lines]
    ranked = [r.id for r in sorted(run.evaluation.policies, key=rank_key) if r.id in stop]
    assert order == ranked[::-1]


def test_a_policy_with_a_remedy_is_to_fix_with_its_best_remedy_and_the_scores_after(
    run: EvaluationRun, view: ReportView
) -> None:
    fix = _group(view, "fix")
    assert AFFECTED in fix
    line = fix[AFFECTED]
    # Its only conflict with a remedy of its own is the trade-off; the engine ranks that remedy first.
    offered = [r for c in run.evaluation.conflicts for r in c.remedies if r.patch.policy == AFFECTED]
    assert offered
    best = offered[0]
    assert line.remedy is not None and line.remedy.remedy.code == best.code  # type: ignore[attr-defined]
    after = best.scores_after
    expected = f"employee {signed(after.employee)}, customer {signed(after.customer)}"
    assert line.fix.endswith(f"→ {expected}")  # type: ignore[attr-defined]
    assert line.fix.startswith(f"Fix: {best.summary.rstrip('.')}")  # type: ignore[attr-defined]


def test_a_win_win_without_a_remedy_is_to_adopt(run: EvaluationRun, view: ReportView) -> None:
    adopt = _group(view, "adopt")
    assert run.result("aht-as-coaching-guideline").verdict == "win-win"
    assert "aht-as-coaching-guideline" in adopt
    # Affected by others' conflicts, it still has nothing to fix: it is not blamed.
    assert run.result("aligned-internal-and-external-kpis").verdict == "win-win"
    assert "aligned-internal-and-external-kpis" in adopt
    margin = run.rulebook.scoring.verdicts.margin
    for pid in adopt:
        scores = run.result(pid).scores
        assert scores.employee >= -margin and scores.customer >= -margin


def test_a_summary_line_has_title_verdict_scores_ranges_and_reach(html: str) -> None:
    line = re.search(rf'<li data-policy="{UNLAWFUL}".*?</li>', html, flags=re.S)
    assert line is not None
    text = visible_text(line.group(0))
    assert "No breaks before 15:00 for the Berlin early shift" in text
    assert "Unlawful, whatever the scores" in text
    assert re.search(r"Employee -\d+ \(-\d+\.\.-\d+\), customer [-+]?\d+ \([-+]?\d+\.\.[-+]?\d+\)", text), (
        text
    )
    assert "18 people, 100% of contacts" in text
    assert "Fix:" in text and "→ employee" in text


def test_the_summary_comes_before_the_chart_and_the_details(html: str) -> None:
    main = html.index("<main>")
    sections = re.findall(r'<section id="([a-z-]+)"', html[main:])
    assert sections[0] == "summary"
    assert sections.index("chart") < sections.index("ranking") < sections.index("policies")
    toc = re.search(r'<nav class="toc".*?</nav>', html, flags=re.S)
    assert toc is not None
    links = re.findall(r'href="#([a-z-]+)"', toc.group(0))
    assert links[:5] == ["summary", "chart", "ranking", "conflicts", "policies"]


def test_details_are_closed_by_default(html: str, view: ReportView) -> None:
    assert html.count("<details>") == len(view.policies) + len(view.conflicts)
    assert "<details open" not in html


# Plain words ------------------------------------------------------------------------------------


def test_visible_text_has_no_rule_path_and_no_criterion_id(run: EvaluationRun, html: str) -> None:
    text = visible_text(html)
    assert "rules[" not in text
    for criterion in run.rulebook.criteria:
        assert not re.search(rf"\b{re.escape(criterion.id)}\b", text), criterion.id
    # The ids stay where a script looks for them.
    assert 'data-criterion="employee.wellbeing"' in html


def test_the_markdown_summary_has_no_rule_path_and_no_criterion_id(run: EvaluationRun) -> None:
    markdown = render_markdown(run)
    summary = markdown[markdown.index("## What to do") : markdown.index("## Policies ranked")]
    assert "rules[" not in markdown
    for criterion in run.rulebook.criteria:
        assert criterion.id not in summary
    assert f"(`{UNLAWFUL}`)" in summary


def test_labels_read_as_words(run: EvaluationRun) -> None:
    lunch = Policy.model_validate(
        {
            "id": "lunch",
            "title": "Lunch",
            "rules": [
                {
                    "kind": "break-rule",
                    "break": "lunch",
                    "min_minutes": 30,
                    "blocked_windows": [{"from": "10:00", "to": "12:00"}],
                },
                {"kind": "call-time-cap", "max_minutes": 6},
            ],
            "scope": {"shift_hours": 8},
        }
    )
    assert rule_label(lunch, 0) == "the lunch break"
    assert rule_label(lunch, 1) == "the handle-time cap"
    assert rule_label(lunch, 5) == "rule 6"
    assert field_label(lunch, "rules[0].blocked_windows") == "the lunch break's blocked window 10:00-12:00"
    assert field_label(lunch, "scope.shift_hours") == "the shift length"
    assert criterion_label("employee.wellbeing", run.rulebook) == "wellbeing"


# Badges -----------------------------------------------------------------------------------------


def test_a_contradiction_blames_the_policy_its_remedy_changes(
    run: EvaluationRun, view: ReportView, html: str
) -> None:
    pair = next(
        cv
        for cv in view.conflicts
        if cv.conflict.kind == "contradiction" and set(cv.conflict.policies) == {CAUSE, AFFECTED}
    )
    assert pair.conflict.remedies and pair.conflict.remedies[0].patch.policy == CAUSE
    assert pair.causes == [CAUSE]
    assert pair.affected == [AFFECTED]
    article = re.search(rf'<article class="conflict" id="{pair.anchor}".*?</summary>', html, flags=re.S)
    assert article is not None
    head = article.group(0)
    assert f'data-affected="{AFFECTED}"' in head and '<span class="badge affected">affected</span>' in head
    # One error badge, for the conflict; the affected policy gets the neutral one.
    assert head.count("severity s-error") == 1
    # A policy only affected by others' conflicts has no severity badge in the ranking.
    aligned = next(p for p in view.policies if p.result.id == "aligned-internal-and-external-kpis")
    assert aligned.conflicts and not aligned.caused and aligned.worst_severity is None
    row = re.search(r'<tr data-policy="aligned-internal-and-external-kpis".*?</tr>', html, flags=re.S)
    assert row is not None
    assert "severity" not in row.group(0) and f"affected by {len(aligned.affected)}" in row.group(0)


# Markdown size ----------------------------------------------------------------------------------


def test_the_markdown_report_fits_a_github_comment(capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["report", str(ROOT / "policies"), "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    assert len(out) <= COMMENT_LIMIT
    assert out.index("## What to do") < out.index("## Policies ranked")
