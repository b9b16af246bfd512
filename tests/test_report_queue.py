"""Queue charts and queue blocks in the reports: HTML (inline SVG), Markdown and text.

The bundled library is evaluated for real with the repository's ``policyweigh.toml`` (and so its
organisation file); the hostile-name tests load an organisation text whose team name holds markup.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from markupsafe import escape

from policyweigh.config import Settings
from policyweigh.evaluation import EvaluationRun, score_policies
from policyweigh.formatting import signed
from policyweigh.organisation import load_organisation_text
from policyweigh.project import evaluate_paths
from policyweigh.render.html import render_html
from policyweigh.render.markdown import COMMENT_LIMIT, MARKDOWN_BUDGET, render_markdown
from policyweigh.render.queue_chart import (
    PLOT_HEIGHT,
    PLOT_TOP,
    build_queue_chart,
    chart_title,
    render_queue_chart,
)
from policyweigh.render.text import render_evaluation
from policyweigh.render.view import TeamQueueView, cost_headline, queue_view
from policyweigh.results import CostOfDecency, TeamQueue
from policyweigh.rulebook import load_rulebook
from tests.golden.report.build import golden_run
from tests.helpers import DATA, ROOT, make_policy, to_string

SVG = "{http://www.w3.org/2000/svg}"
CONFIG = ROOT / "policyweigh.toml"
PIE_VAN = "pie-van-lunch-ban"
HOSTILE_NAME = "<script>alert('team')</script> & \"quoted\" | *starred* [link](http://example.invalid)"


@pytest.fixture(scope="module")
def library() -> EvaluationRun:
    """The bundled library, evaluated with the repository's settings and organisation."""
    return evaluate_paths([ROOT / "policies"], config=CONFIG)


@pytest.fixture(scope="module")
def library_html(library: EvaluationRun) -> str:
    return render_html(library)


@pytest.fixture(scope="module")
def pie_van(library: EvaluationRun) -> TeamQueue:
    queue = library.result(PIE_VAN).queue
    assert queue is not None, "the repository's organisation names the pie van policy's team"
    return queue.teams[0]


def _svg(team: TeamQueue) -> ET.Element:
    return ET.fromstring(str(render_queue_chart(build_queue_chart(team))))


def _points(svg: ET.Element, series: str) -> list[tuple[float, float]]:
    line = svg.find(f"{SVG}polyline[@data-series='{series}']")
    assert line is not None
    return [(float(x), float(y)) for x, y in (p.split(",") for p in line.attrib["points"].split())]


def _y(share: float) -> float:
    return PLOT_TOP + (1 - min(1.0, max(0.0, share))) * PLOT_HEIGHT


# -- the chart --------------------------------------------------------------------------------------


def test_the_chart_has_one_point_per_interval_on_each_line(pie_van: TeamQueue) -> None:
    svg = _svg(pie_van)
    count = len(pie_van.intervals)
    assert count > 1
    for series in ("before", "after"):
        points = _points(svg, series)
        assert len(points) == count
        # Intervals run left to right in the order of the day.
        xs = [x for x, _ in points]
        assert xs == sorted(xs) and len(set(xs)) == count
    assert len(svg.findall(f".//{SVG}circle[@class='mark before']")) == count
    assert len(svg.findall(f".//{SVG}rect[@class='mark after']")) == count
    starts = [g.attrib["data-start"] for g in svg.findall(f".//{SVG}g[@class='interval']")]
    assert starts == [i.start for i in pie_van.intervals]


def test_the_lines_sit_where_the_data_says_and_dip_where_it_dips(pie_van: TeamQueue) -> None:
    svg = _svg(pie_van)
    before = _points(svg, "before")
    after = _points(svg, "after")
    for interval, (_, yb), (_, ya) in zip(pie_van.intervals, before, after, strict=True):
        assert yb == pytest.approx(_y(interval.service_level_before), abs=0.11)
        assert ya == pytest.approx(_y(interval.service_level_after), abs=0.11)
    # The interval where the policy's service level is lowest is the lowest point of its line
    # (the largest y), and wherever the policy loses service the line with it runs below.
    levels = [i.service_level_after for i in pie_van.intervals]
    dip = levels.index(min(levels))
    assert after[dip][1] == max(y for _, y in after)
    lost = [
        n for n, i in enumerate(pie_van.intervals) if i.service_level_after < i.service_level_before - 0.01
    ]
    assert lost, "the pie van ban loses service at some interval"
    for n in lost:
        assert after[n][1] > before[n][1]
    gained = [
        n for n, i in enumerate(pie_van.intervals) if i.service_level_after > i.service_level_before + 0.01
    ]
    for n in gained:
        assert after[n][1] < before[n][1]


def test_the_target_line_sits_at_the_target(pie_van: TeamQueue) -> None:
    svg = _svg(pie_van)
    line = svg.find(f".//{SVG}line[@class='target-line']")
    assert line is not None
    assert float(line.attrib["y1"]) == float(line.attrib["y2"])
    assert float(line.attrib["y1"]) == pytest.approx(_y(pie_van.answered_pct / 100), abs=0.11)
    assert line.attrib.get("stroke-dasharray")


def test_the_two_lines_differ_in_colour_and_dash_and_are_named(pie_van: TeamQueue) -> None:
    svg = _svg(pie_van)
    before = svg.find(f"{SVG}polyline[@data-series='before']")
    after = svg.find(f"{SVG}polyline[@data-series='after']")
    assert before is not None and after is not None
    assert before.attrib["stroke"] != after.attrib["stroke"]
    assert before.attrib.get("stroke-dasharray") != after.attrib.get("stroke-dasharray")
    legend = "".join(svg.find(f".//{SVG}g[@class='legend']").itertext())  # type: ignore[union-attr]
    assert "without the policy" in legend and "with the policy" in legend and "target" in legend
    title = chart_title(pie_van)
    assert svg.attrib["aria-label"] == title
    assert svg.attrib["role"] == "img"
    assert svg.findtext(f"{SVG}title") == title
    assert title.startswith(f"Service level by interval for {pie_van.name}, without and with the policy")
    assert f"target {pie_van.answered_pct:g}% within {pie_van.within_seconds} seconds" in title
    # Nothing runs and nothing is fetched: no script, no link, no external reference.
    text = str(render_queue_chart(build_queue_chart(pie_van)))
    assert "<script" not in text and "href" not in text and "url(" not in text


def test_a_hostile_team_name_is_escaped_in_the_chart(pie_van: TeamQueue) -> None:
    team = pie_van.model_copy(update={"name": HOSTILE_NAME})
    text = str(render_queue_chart(build_queue_chart(team)))
    assert "<script" not in text
    svg = ET.fromstring(text)
    # Parsed back, the name reads exactly as written: escaped, not interpreted.
    assert HOSTILE_NAME in svg.attrib["aria-label"]
    assert HOSTILE_NAME in (svg.findtext(f"{SVG}title") or "")


# -- a hostile organisation through the real engine ---------------------------------------------------


@pytest.fixture(scope="module")
def hostile_run() -> EvaluationRun:
    text = (DATA / "example-organisation.yaml").read_text(encoding="utf-8")
    text = text.replace("name: Example inbound team", f"name: '{HOSTILE_NAME.replace(chr(39), chr(39) * 2)}'")
    organisation = load_organisation_text(text, "hostile-organisation.yaml")
    assert organisation.teams[0].name == HOSTILE_NAME
    settings = Settings().model_copy(update={"organisation_model": organisation})
    policy = make_policy(
        {"kind": "staffing", "payroll_change_pct": -20},
        id="cut",
        scope={"teams": ["example-inbound"]},
    )
    return score_policies([policy], rulebook=load_rulebook(), settings=settings)


def test_a_hostile_team_name_from_the_organisation_file_shows_as_text(hostile_run: EvaluationRun) -> None:
    queue = hostile_run.result("cut").queue
    assert queue is not None and queue.teams[0].name == HOSTILE_NAME
    html = render_html(hostile_run)
    assert "<script" not in html
    assert str(escape(HOSTILE_NAME)) in html
    assert html.count('class="queue-chart"') == 1
    markdown = render_markdown(hostile_run, max_chars=None)
    # Every < of the name is backslashed: Markdown shows it, GitHub runs nothing.
    assert re.search(r"(?<!\\)<script", markdown) is None
    assert "\\<script\\>" in markdown


# -- the HTML report ----------------------------------------------------------------------------------


def _articles(html: str) -> dict[str, str]:
    found = re.findall(r'<article class="policy" id="policy-([^"]+)".*?</article>', html, re.S)
    bodies = re.findall(r'(<article class="policy" id="policy-[^"]+".*?</article>)', html, re.S)
    return dict(zip(found, bodies, strict=True))


def test_each_policy_with_queue_data_has_a_queue_block_and_no_other(
    library: EvaluationRun, library_html: str
) -> None:
    articles = _articles(library_html)
    assert set(articles) == {p.id for p in library.evaluation.policies}
    with_queue = {p.id for p in library.evaluation.policies if p.queue is not None}
    assert {
        PIE_VAN,
        "staggered-lunch",
        "payroll-cut-at-high-occupancy",
        "core-hours-break-ban-berlin",
    } <= with_queue
    for pid, body in articles.items():
        result = library.result(pid)
        if result.queue is None:
            assert 'data-queue="' not in body and "queue-chart" not in body, pid
            continue
        assert body.count(f'data-queue="{pid}"') == 1, pid
        assert body.count('class="queue-chart"') == len(result.queue.teams), pid
        assert str(escape(queue_view(result).summary)) in body  # type: ignore[union-attr]
        assert "Who bears it" in body
        for team in result.queue.teams:
            view = TeamQueueView(team)
            assert str(escape(view.worst)) in body
            for what, before, after in view.numbers:
                assert (
                    f'<td>{what}</td><td class="n">{escape(before)}</td><td class="n">{escape(after)}</td>'
                    in body
                )
            if view.cost_sentence is not None:
                assert str(escape(view.cost_sentence)) in body
            if view.cost_headline is not None:
                assert f'<strong class="decency-figure">{escape(view.cost_headline)}</strong>' in body
            if view.bearers:
                for line in view.bearers:
                    assert str(escape(line)) in body
            else:
                assert "No shift pattern carries a cost." in body
    assert library_html.count('class="queue-chart"') == sum(
        len(p.queue.teams) for p in library.evaluation.policies if p.queue is not None
    )


def test_the_queue_block_names_who_bears_the_cost(library: EvaluationRun, library_html: str) -> None:
    # The payroll cut costs its shift patterns; every pattern's sentence with harm is listed.
    result = library.result("payroll-cut-at-high-occupancy")
    assert result.queue is not None
    harmed = [s for t in result.queue.teams for s in t.segments if s.harm > 0]
    assert harmed
    body = _articles(library_html)["payroll-cut-at-high-occupancy"]
    block = re.search(r'<section class="queue".*?</section>', body, re.S)
    assert block is not None
    assert block.group(0).count("<li>") == len(harmed)
    assert "No shift pattern carries a cost." not in block.group(0)


def test_a_report_without_an_organisation_has_no_queue_block() -> None:
    html = render_html(golden_run())
    assert "queue-chart" not in html and 'data-queue="' not in html


# -- the cost of decency in words -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("difference", "pct", "money", "expected"),
    [
        (3, 7.5, 93_000.0, "Cost of decency: +3 people (+7.5% payroll, +93,000 GBP a year)"),
        (-1, -2.5, None, "Cost of decency: -1 person (-2.5% payroll)"),
        (0, 0.0, 0.0, "Cost of decency: none"),
        (None, None, None, None),
    ],
)
def test_the_cost_of_decency_headline(
    difference: int | None, pct: float | None, money: float | None, expected: str | None
) -> None:
    cost = CostOfDecency(
        agents_as_written=None if difference is None else 38,
        agents_decent=35,
        headcount=40,
        difference=difference,
        payroll_pct=pct,
        cost_per_year=money,
        currency="GBP" if money is not None else None,
        summary="meeting the target",
    )
    assert cost_headline(cost) == expected


# -- Markdown and text ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pie_van_run() -> EvaluationRun:
    """The pie van lunch ban alone: its Markdown report is short enough to hold every detail."""
    return evaluate_paths([ROOT / "policies" / "breaks" / f"{PIE_VAN}.yaml"], config=CONFIG)


def test_markdown_has_the_changed_intervals_and_the_day(pie_van_run: EvaluationRun) -> None:
    result = pie_van_run.result(PIE_VAN)
    assert result.queue is not None
    team = result.queue.teams[0]
    view = TeamQueueView(team)
    text = render_markdown(pie_van_run, max_chars=None)
    assert "**Queue.**" in text
    rows = re.findall(r"^\| (\d\d:\d\d) \| ([\d,]+) \| (\d+) → (\d+) \| (\d+)% → (\d+)% \|$", text, re.M)
    changed = [
        i
        for i in team.intervals
        if i.agents_before != i.agents_after
        or round(100 * i.service_level_before) != round(100 * i.service_level_after)
    ]
    assert changed and len(changed) < len(team.intervals)
    assert [r[0] for r in rows] == [i.start for i in changed]
    for (_, _, ab, aa, sb, sa), interval in zip(rows, changed, strict=True):
        assert (int(ab), int(aa)) == (interval.agents_before, interval.agents_after)
        assert int(sb) == round(100 * interval.service_level_before)
        assert int(sa) == round(100 * interval.service_level_after)
    assert f"| Day | {view.calls} | | {view.service_level} |" in text
    assert team.cost_of_decency is not None
    assert f"**{cost_headline(team.cost_of_decency)}.**" in text.replace("\\(", "(").replace("\\)", ")")
    assert "Who bears it:" in text


def test_the_library_markdown_fits_one_comment(library: EvaluationRun) -> None:
    text = render_markdown(library)
    assert len(text) <= MARKDOWN_BUDGET < COMMENT_LIMIT


def test_text_output_has_the_queue_and_the_cost_of_decency(pie_van_run: EvaluationRun) -> None:
    result = pie_van_run.result(PIE_VAN)
    assert result.queue is not None
    team = result.queue.teams[0]
    cost = team.cost_of_decency
    assert cost is not None
    out = " ".join(to_string(render_evaluation, pie_van_run).split())
    assert f"queue: {result.queue.summary}" in out
    assert f"cost of decency, {team.name}: {' '.join(cost.summary.split())}" in out
    # After the policy's scores, before its criteria.
    assert out.index("customer direct") < out.index("queue: ") < out.index("criterion")


def test_text_output_without_queue_data_says_nothing_of_queues() -> None:
    out = to_string(render_evaluation, golden_run())
    assert "queue:" not in out and "cost of decency" not in out


def test_signed_people_match_the_cost_sentence(library: EvaluationRun) -> None:
    # The headline's number is the model's difference, signed as scores are.
    for result in library.evaluation.policies:
        for team in result.queue.teams if result.queue is not None else []:
            cost = team.cost_of_decency
            if cost is None or not cost.difference:
                continue
            assert (cost_headline(cost) or "").startswith(f"Cost of decency: {signed(cost.difference)} ")
