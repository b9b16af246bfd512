"""The leadership report: Markdown and HTML goldens, escaping, the chart's layout, and the CLI."""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from policyweigh.cli import main
from policyweigh.evaluation import score_policies
from policyweigh.render.chart import (
    LABEL_HEIGHT,
    PLOT_LEFT,
    PLOT_SIZE,
    PLOT_TOP,
    WIDTH,
    Box,
    ChartPoint,
    build_chart,
    domain_for,
)
from policyweigh.render.html import render_html
from policyweigh.render.markdown import code, md_escape, render_markdown
from policyweigh.render.view import build_view
from tests.golden.report.build import (
    EXPECTED,
    GOLDENS,
    HOSTILE_TITLE,
    NEW,
    golden_run,
    html_outline,
    with_conflicts,
)
from tests.helpers import ROOT

UPDATE = os.environ.get("POLICYWEIGH_UPDATE_GOLDENS") == "1"


@pytest.mark.parametrize("name", ["report.md", "report.outline.txt"])
def test_report_matches_its_golden_file(name: str) -> None:
    text = GOLDENS[name]()
    path = EXPECTED / name
    if UPDATE:
        path.write_text(text, encoding="utf-8", newline="\n")
    assert text == path.read_text(encoding="utf-8"), (
        f"{path} differs; regenerate with `python tests/golden/report/update.py` and review the diff"
    )


def test_report_does_not_depend_on_input_order() -> None:
    run = golden_run()
    again = score_policies(
        list(reversed(list(run.policies.values()))),
        rulebook=run.rulebook,
        settings=run.settings,
        files=run.files,
    )
    again = with_conflicts(again, list(reversed(run.evaluation.conflicts)))
    assert render_html(again) == render_html(run)
    assert render_markdown(again) == render_markdown(run)


# Escaping ------------------------------------------------------------------------------------------


class _Tags(HTMLParser):
    """Every start tag with its attributes, as a browser's parser sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _tags(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser


def test_a_hostile_title_shows_as_text_in_html() -> None:
    html = render_html(golden_run())
    parsed = _tags(html)
    names = {tag for tag, _ in parsed.tags}
    assert not names & {"script", "img", "iframe", "b", "em"}, names & {"script", "img", "iframe", "b", "em"}
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    # The text a reader sees is the title exactly as written.
    assert HOSTILE_TITLE in "".join(parsed.text)
    assert not any(k.startswith("on") for _, attrs in parsed.tags for k in attrs)


def test_html_is_self_contained_and_runs_nothing() -> None:
    html = render_html(golden_run())
    parsed = _tags(html)
    for tag, attrs in parsed.tags:
        assert tag not in ("script", "link", "iframe", "object", "embed", "img"), tag
        for key in ("src", "href", "xlink:href", "action"):
            value = attrs.get(key)
            assert value is None or value.startswith("#"), (tag, key, value)
    style = re.search(r"<style>(.*?)</style>", html, re.S)
    assert style is not None
    assert (
        "url(" not in style.group(1)
        and "@import" not in style.group(1)
        and "@font-face" not in style.group(1)
    )
    csp = [a for t, a in parsed.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in str(csp[0]["content"])
    assert "script-src" not in str(csp[0]["content"])  # default-src 'none' forbids scripts
    assert "@media print" in html


def test_a_hostile_title_shows_as_text_in_markdown() -> None:
    text = render_markdown(golden_run())
    # Every < is backslashed: no tag can open.
    assert re.search(r"(?<!\\)<(script|img|em)", text) is None
    assert "\\<script\\>alert\\('x'\\)\\</script\\> \\| \\*\\*bold\\*\\* \\_under\\_ \\[link\\]" in text
    # No HTML entity: the Markdown source reads as the text it shows.
    # (An entity the text itself holds is backslashed, so it shows as written.)
    assert re.search(r"(?<!\\)&(lt|gt|amp|#[0-9]+);", text) is None
    assert "AHT \\&gt;= 5" in text
    # The hostile title sits in the ranked table without adding a cell.
    row = next(line for line in text.splitlines() if line.startswith("| 2 |"))
    cells = re.split(r"(?<!\\)\|", row)
    assert len(cells) == 10, cells  # 8 cells plus the empty edges
    # Only the renderer's own details blocks are HTML: one open and one close per policy.
    assert text.count("<details>") == text.count("</details>") == 4


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain words", "plain words"),
        ("<script>x</script>", "\\<script\\>x\\</script\\>"),
        ("a | b", "a \\| b"),
        ("**bold** _it_ ~~gone~~", "\\*\\*bold\\*\\* \\_it\\_ \\~\\~gone\\~\\~"),
        ("[x](http://e)", "\\[x\\]\\(http://e\\)"),
        ("`code`", "\\`code\\`"),
        ("# heading", "\\# heading"),
        ("- item", "\\- item"),
        ("1. first", "1\\. first"),
        ("12) twelfth", "12\\) twelfth"),
        ("> quote", "\\> quote"),
        ("a >= b", "a \\>= b"),
        ("line\nbreak", "line break"),
        ("back\\slash", "back\\\\slash"),
        ("R&D", "R&D"),
        ("&gt; &#64; &#x40;", "\\&gt; \\&#\u200b64; \\&#x40;"),
        ("$x$", "\\$x\\$"),
        ("@here and @org/team", "@\u200bhere and @\u200borg/team"),
        ("see #123, GH-4, #tag", "see #\u200b123, GH\u200b-4, #tag"),
        ("#1 first", "\\#\u200b1 first"),
        ("mail hr@example.org", "mail hr@\u200bexample.org"),
        ("esc \x1b[2J", "esc \\\\x1b\\[2J"),
        ("-12 inside a sentence", "\\-12 inside a sentence"),
        ("a -12 b", "a -12 b"),
    ],
)
def test_md_escape(text: str, expected: str) -> None:
    assert md_escape(text) == expected


def test_code_spans_hold_any_backticks() -> None:
    assert code("plain") == "`plain`"
    assert code("a`b") == "``a`b``"
    assert code("`x`") == "`` `x` ``"
    assert code("a|b", table=True) == "`a\\|b`"


# The Markdown length budget ------------------------------------------------------------------------


def test_markdown_drops_the_best_ranked_details_first_to_fit_a_comment() -> None:
    run = golden_run()
    full = render_markdown(run, max_chars=None)
    assert render_markdown(run) == full  # small enough for GitHub's limit already
    limit = len(full) - 200
    short = render_markdown(run, max_chars=limit)
    assert len(short) <= limit
    assert "Details of the 1 best-ranked policy are left out to keep this comment within" in short
    assert "<summary>Rank 1: <code>training</code>" not in short
    assert "<summary>Rank 4: <code>lunch-ban</code>" in short
    assert short.endswith(
        "the details of 1 policy. The HTML report (`policyweigh report PATH -o report.html`) has everything.\n"
    )
    # The summary, ranking and conflicts are never dropped.
    for heading in ("## Policies ranked", "## Conflicts", "`GRD901`", "| 1 | `training`"):
        assert heading in short


# The chart -----------------------------------------------------------------------------------------


def _point(i: int, employee: int, customer: int, verdict: str = "neutral") -> ChartPoint:
    return ChartPoint(f"policy-number-{i:02d}", f"Policy {i}", employee, customer, verdict, i)


def _label_boxes_are_free(points: list[ChartPoint], full_share: float) -> None:
    chart = build_chart(points, 5)
    assert len(chart.points) == len(points)
    boxes = [p.label.box for p in chart.points]
    bounds = Box(0, 0, WIDTH, PLOT_TOP + PLOT_SIZE)
    overlapping = [
        (a.point.id, b.point.id)
        for i, a in enumerate(chart.points)
        for b in chart.points[i + 1 :]
        if a.label.box.overlaps(b.label.box)
    ]
    placed_full = [p for p in chart.points if not p.label.short]
    fallback = [p for p in chart.points if p.label.short]
    # Every label that found a free spot is inside the chart and clear of the others.
    assert all(b.inside(bounds) for b in boxes)
    assert not [pair for pair in overlapping if all(p in {x.point.id for x in placed_full} for p in pair)]
    # Many labels show the full id even in a crowd; the rest show the rank.
    assert len(placed_full) >= full_share * len(points)
    assert all(p.label.text == str(p.point.rank) for p in fallback)


def test_labels_of_a_spread_library_do_not_overlap() -> None:
    spread = [
        (-79, -96),
        (-64, -53),
        (-55, -63),
        (-55, -62),
        (-49, -41),
        (-46, -4),
        (-46, -4),
        (-24, -18),
        (-22, -4),
        (-21, -37),
        (-18, -23),
        (-12, 29),
        (0, 0),
        (0, 0),
        (10, 12),
        (12, 11),
        (12, 11),
        (17, 4),
        (17, 12),
        (17, 16),
        (20, 37),
        (20, 58),
        (22, 18),
        (22, 30),
        (24, 61),
        (36, 9),
    ]
    points = [_point(i, e, c) for i, (e, c) in enumerate(spread, start=1)]
    _label_boxes_are_free(points, 0.75)
    chart = build_chart(points, 5)
    assert all(not p.label.short for p in chart.points[:10])


def test_labels_of_coincident_points_fan_out() -> None:
    points = [_point(i, 0, 0) for i in range(1, 21)]
    _label_boxes_are_free(points, 0.35)


@pytest.mark.parametrize(
    ("scores", "domain"),
    [
        ([(0, 0)], 20),
        ([(3, -4)], 20),
        ([(19, 0)], 40),
        ([(-55, 12)], 60),
        ([(99, 0)], 100),
        ([(100, -100)], 100),
    ],
)
def test_the_axes_zoom_to_the_largest_score(scores: list[tuple[int, int]], domain: int) -> None:
    assert domain_for([_point(i, e, c) for i, (e, c) in enumerate(scores)], 5) == domain


def test_points_sit_where_their_scores_say() -> None:
    chart = build_chart([_point(1, 50, -50, "employee-at-customer-cost"), _point(2, -100, 100)], 5)
    assert chart.domain == 100
    first, second = chart.points
    assert (first.x, first.y) == (PLOT_LEFT + 0.75 * PLOT_SIZE, PLOT_TOP + 0.75 * PLOT_SIZE)
    assert (second.x, second.y) == (PLOT_LEFT, PLOT_TOP)
    names = {q.name: (q.box.x, q.box.y) for q in chart.quadrants}
    assert names["win-win"] == (PLOT_LEFT + PLOT_SIZE / 2, PLOT_TOP)
    assert names["lose-lose"] == (PLOT_LEFT, PLOT_TOP + PLOT_SIZE / 2)
    assert chart.neutral.w == pytest.approx(2 * 5 * PLOT_SIZE / 200)
    assert LABEL_HEIGHT > 0


def test_the_svg_has_one_labelled_point_per_policy_and_named_quadrants() -> None:
    html = render_html(golden_run())
    parsed = _tags(html)
    points = [a for t, a in parsed.tags if t == "a" and "point" in str(a.get("class", "")).split()]
    labels = [a for t, a in parsed.tags if t == "text" and "label" in str(a.get("class", "")).split()]
    assert sorted(str(p["data-policy"]) for p in points) == [
        "aht-cap",
        "hostile-text",
        "lunch-ban",
        "training",
    ]
    assert sorted(str(p["data-policy"]) for p in labels) == [
        "aht-cap",
        "hostile-text",
        "lunch-ban",
        "training",
    ]
    quadrants = [
        a["data-verdict"] for t, a in parsed.tags if t == "text" and a.get("class") == "quadrant-name"
    ]
    assert sorted(str(q) for q in quadrants) == [
        "customer-at-employee-cost",
        "employee-at-customer-cost",
        "lose-lose",
        "win-win",
    ]
    assert 'class="neutral-square"' in html


def test_the_view_groups_conflicts_by_kind_and_ranks_policies() -> None:
    view = build_view(golden_run())
    # Best first by the worse side; the unlawful lunch ban last although aht-cap scores lower.
    assert [p.result.id for p in view.policies] == ["training", "hostile-text", "aht-cap", "lunch-ban"]
    assert [(g.kind, [c.conflict.code for c in g.conflicts]) for g in view.groups] == [
        ("guardrail", ["GRD901"]),
        ("harm", ["HRM901"]),
        ("contradiction", ["CON901"]),
        ("incentive", ["INC901"]),
        ("duplicate", []),
        ("implausible", []),
        ("trade-off", ["TRD901"]),
    ]
    lunch = next(p for p in view.policies if p.result.id == "lunch-ban")
    assert [(r.remedy.code, r.employee_after, r.employee_change) for _, r in lunch.remedies] == [
        ("REM902", 0, 24),
        ("REM903", -17, 7),
    ]
    assert lunch.worst_severity == "error"


# The command ---------------------------------------------------------------------------------------


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


RULEBOOK = str(NEW.parent / "rulebook")


def test_report_writes_a_file_and_never_overwrites_it_unasked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "report.html"
    code, out, err = run_cli(capsys, "report", str(NEW), "--rulebook", RULEBOOK, "-o", str(target))
    assert code == 0, err
    assert out == ""
    assert err == f"wrote {target} (4 policies, html)\n"
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    target.write_text("keep me", encoding="utf-8")
    code, out, err = run_cli(capsys, "report", str(NEW), "--rulebook", RULEBOOK, "-o", str(target))
    assert code == 2
    assert err == f"Error: {target} already exists; pass --force to overwrite it\n"
    assert target.read_text(encoding="utf-8") == "keep me"
    code, _, err = run_cli(capsys, "report", str(NEW), "--rulebook", RULEBOOK, "-o", str(target), "--force")
    assert code == 0, err
    assert "quadrant-chart" in target.read_text(encoding="utf-8")


def test_report_prints_markdown_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(
        capsys, "report", str(NEW), "--rulebook", RULEBOOK, "--format", "markdown", "--date", "2024-05-01"
    )
    assert code == 0, err
    assert out.startswith("# Policy evaluation\n\n4 policies · ")
    assert " · 2024-05-01\n" in out


def test_report_into_a_missing_folder_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "nowhere" / "report.html"
    code, _, err = run_cli(capsys, "report", str(NEW), "--rulebook", RULEBOOK, "-o", str(target))
    assert code == 2
    assert f"folder {target.parent} does not exist" in err
    assert "Traceback" not in err


def test_report_on_a_bad_policy_gives_a_located_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "id: bad\ntitle: Bad\nrules:\n  - kind: call-time-cap\n    max_minutes: 5\n    enforcment: x\n"
    )
    code, out, err = run_cli(capsys, "report", str(bad))
    assert code == 2
    assert out == ""
    assert err.startswith(f"{bad}:6:5: ")
    assert "enforcment" in err and "Traceback" not in err


def test_report_on_the_bundled_library(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "library.html"
    code, _, err = run_cli(capsys, "report", str(ROOT / "policies"), "-o", str(target))
    assert code == 0, err
    html = target.read_text(encoding="utf-8")
    outline = html_outline(html)
    count = len(list((ROOT / "policies").rglob("*.yaml")))
    assert len(re.findall(r"^ *a\.point[.\[]", outline, flags=re.M)) == count
    assert outline.count("tr[data-policy=") == count
    assert outline.count("article#policy-") == count
