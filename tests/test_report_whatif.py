"""``report --what-if``: the option's parsing and every bad usage with its message, the What-if
curve (inline SVG) and table in HTML, the table in Markdown, escaping, and the same bytes whatever
the number of worker processes.

The real engine throughout, on the bundled library with the repository's ``policyweigh.toml``
(which names the bundled ``organisation.yaml``, so staffing and break policies carry the day's
service level). The commands run from an empty folder with the settings named by ``--config``.
"""

from __future__ import annotations

import dataclasses
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from markupsafe import escape

from policyweigh.cli import main
from policyweigh.cli.report import parse_what_if, what_if_runs, what_if_subject
from policyweigh.formatting import signed
from policyweigh.project import Project, open_project
from policyweigh.render.escape import markdown as markdown_escape
from policyweigh.render.markdown import MAX_WHAT_IF_ROWS
from policyweigh.render.whatif_chart import (
    CUSTOMER_COLOR,
    EMPLOYEE_COLOR,
    PLOT_HEIGHT,
    PLOT_LEFT,
    PLOT_TOP,
    PLOT_WIDTH,
    build_whatif_chart,
    render_whatif_chart,
)
from policyweigh.suggest import quote
from policyweigh.whatif import (
    SweepRun,
    balanced_ranges,
    balanced_sentence,
    open_subject,
    run_sweep,
    show_value,
)
from tests.helpers import ROOT

SVG = "{http://www.w3.org/2000/svg}"
CONFIG = ROOT / "policyweigh.toml"
LIBRARY = ROOT / "policies"
PIE_VAN_FILE = LIBRARY / "breaks" / "pie-van-lunch-ban.yaml"
PREFIX = "Error: Invalid value for '--what-if': "
# The payroll cut's sweep moves both scores from lose-lose to a customer gain, with the day's
# service level climbing from about 63% to 98% and a balanced run at the top of the range.
PAYROLL = "payroll-cut-at-high-occupancy rules[0].payroll_change_pct=-30..30:5"
# The pie van ban's lunch length: no score below 1 minute, unlawful below 20 (GRD010).
PIE_VAN_MINUTES = "pie-van-lunch-ban rules[0].min_minutes=-10..40:5"
PIE_VAN_WINDOW = "pie-van-lunch-ban rules[0].blocked_windows[0].to=10:30..14:00:30"
HOSTILE_TITLE = (
    "<script>alert('x')</script> & \"quoted\" | *starred* [link](http://example.invalid) @team #12"
)


@pytest.fixture(autouse=True)
def _elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from an empty folder: nothing may depend on the repository being the working directory."""
    monkeypatch.chdir(tmp_path)


def _report(*args: str) -> tuple[int, bytes, bytes]:
    """``policyweigh report ARGS --config <the repository's settings>``: exit code, stdout, stderr."""
    runner = CliRunner()
    with runner.isolation() as (out, err, _):
        code = main(["report", *args, "--config", str(CONFIG)])
    return code, out.getvalue(), err.getvalue()


def _html(*args: str, library: Path = LIBRARY) -> str:
    code, out, err = _report(str(library), *args)
    assert (code, err) == (0, b""), err.decode()
    return out.decode()


@pytest.fixture(scope="module")
def project() -> Project:
    return open_project([LIBRARY], config=CONFIG)


def _sweep(project: Project, spec: str, jobs: int = 1) -> SweepRun:
    return what_if_runs(project, [parse_what_if(spec)], jobs=jobs)[0]


@pytest.fixture(scope="module")
def payroll(project: Project) -> SweepRun:
    return _sweep(project, PAYROLL)


@pytest.fixture(scope="module")
def payroll_html() -> str:
    return _html("--what-if", PAYROLL)


def _svgs(html: str) -> list[ET.Element]:
    found = re.findall(r'<svg xmlns="http://www.w3.org/2000/svg" class="whatif-chart".*?</svg>', html, re.S)
    return [ET.fromstring(svg) for svg in found]


def _score_y(score: float) -> float:
    return PLOT_TOP + (100 - score) / 200 * PLOT_HEIGHT


def _level_y(level: float) -> float:
    return PLOT_TOP + (1 - level) * PLOT_HEIGHT


def _path_points(svg: ET.Element, series: str) -> list[list[tuple[float, float]]]:
    """A series' path as its runs of points (a run breaks where the path moves without drawing)."""
    path = svg.find(f"{SVG}path[@data-series='{series}']")
    assert path is not None
    runs: list[list[tuple[float, float]]] = []
    for command, x, y in re.findall(r"([ML])([-0-9.]+),([-0-9.]+)", path.attrib["d"]):
        if command == "M":
            runs.append([])
        runs[-1].append((float(x), float(y)))
    return runs


# --------------------------------------------------------------------------- parsing --what-if


@pytest.mark.parametrize(
    ("spec", "policy", "field", "values"),
    [
        (
            "pie-van-lunch-ban rules[0].min_minutes=20..60:10",
            "pie-van-lunch-ban",
            "rules[0].min_minutes",
            (20, 30, 40, 50, 60),
        ),
        (
            "  pie-van-lunch-ban \t rules[0].blocked_windows[0].to=10:30..12:00:30 ",
            "pie-van-lunch-ban",
            "rules[0].blocked_windows[0].to",
            ("10:30", "11:00", "11:30", "12:00"),
        ),
        (
            "payroll-cut-at-high-occupancy rules[0].payroll_change_pct = -30 .. 10 : 20",
            "payroll-cut-at-high-occupancy",
            "rules[0].payroll_change_pct",
            (-30, -10, 10),
        ),
        ("p scope.shift_hours=7.5..8:0.25", "p", "scope.shift_hours", (7.5, 7.75, 8.0)),
    ],
)
def test_every_what_if_form_parses(spec: str, policy: str, field: str, values: tuple[object, ...]) -> None:
    parsed = parse_what_if(spec)
    assert parsed.policy == policy
    assert [axis.field for axis in parsed.sweep.axes] == [field]
    assert parsed.sweep.axes[0].values == values


FORM = (
    "expected POLICY_ID FIELD=START..END[:STEP], such as 'pie-van-lunch-ban rules[0].min_minutes=20..60:10'"
)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("pie-van-lunch-ban", f"{FORM}; got 'pie-van-lunch-ban'"),
        ("", f"{FORM}; got ''"),
        ("rules[0].min_minutes=20..60", f"{FORM}; got 'rules[0].min_minutes=20..60'"),
        (
            "pie-van-lunch-ban rules[0].min_minutes=20..60 scope.headcount=10..40:10",
            "pie-van-lunch-ban: a curve varies one field: give each field its own --what-if; "
            "got 'rules[0].min_minutes=20..60 scope.headcount=10..40:10'",
        ),
        (
            "pie-van-lunch-bann rules[0].min_minutes=20..60",
            "the library has no policy 'pie-van-lunch-bann' (did you mean 'pie-van-lunch-ban'?)",
        ),
        (
            "no-such-policy rules[0].min_minutes=20..60",
            "the library has no policy 'no-such-policy': name a policy of the library by its id",
        ),
        (
            "pie-van-lunch-ban rules[0].min_minute=20..60",
            "pie-van-lunch-ban: rules[0] (break-rule) has no field 'min_minute' (did you mean 'min_minutes'?)",
        ),
        (
            "pie-van-lunch-ban rules[0].paid=0..1",
            "pie-van-lunch-ban: rules[0].paid is not a number or a time of day: it cannot be swept",
        ),
        (
            "pie-van-lunch-ban rules[3].min_minutes=20..60",
            "pie-van-lunch-ban has 1 rule, rules[0]: there is no rules[3]",
        ),
        (
            "pie-van-lunch-ban rule[0].min_minutes=20..60",
            "pie-van-lunch-ban: 'rule[0].min_minutes' does not name a field: it starts with rules[N]. or "
            "scope., such as rules[0].max_minutes or scope.headcount (did you mean 'rules[0].min_minutes'?)",
        ),
        (
            "pie-van-lunch-ban rules[0].min_minutes=60..20",
            "pie-van-lunch-ban: rules[0].min_minutes: END 20 is less than START 60",
        ),
        (
            "pie-van-lunch-ban rules[0].min_minutes=20..60:0",
            "pie-van-lunch-ban: rules[0].min_minutes: STEP must be greater than 0; got 0",
        ),
        (
            "pie-van-lunch-ban rules[0].min_minutes=20-60",
            "pie-van-lunch-ban: rules[0].min_minutes: '20-60' is not a range: expected START..END[:STEP], "
            "such as 4..12, 4..12:2, 0.5..2:0.25, -30..0:5 or 11:00..14:00:30",
        ),
        (
            "pie-van-lunch-ban rules[0].min_minutes=10:00..11:00",
            "pie-van-lunch-ban: rules[0].min_minutes holds a number; 10:00..11:00 is a range of times of day",
        ),
        (
            "pie-van-lunch-ban rules[0].blocked_windows[0].to=1..3",
            "pie-van-lunch-ban: rules[0].blocked_windows[0].to holds a time of day (HH:MM); "
            "1..3 is a range of numbers",
        ),
        (
            "pie-van-lunch-ban rules[0].min_minutes=-20..0:5",
            "pie-van-lunch-ban: no value of rules[0].min_minutes in -20..0:5 is valid for the policy; at "
            "rules[0].min_minutes=-20: rules[0].min_minutes: expected a number greater than 0; got -20",
        ),
        (
            "\x1b[31mevil rules[0].min_minutes=60..20",
            "'\\x1b[31mevil': rules[0].min_minutes: END 20 is less than START 60",
        ),
    ],
)
def test_bad_usage_names_the_option_and_exits_2(spec: str, message: str, tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    code, out, err = _report(str(LIBRARY), "-o", str(target), "--what-if", spec)
    text = err.decode()
    assert (code, out) == (2, b"")
    assert text.endswith(PREFIX + message + "\n"), text
    assert "Traceback" not in text
    assert not target.exists()


def test_a_policy_file_given_for_its_id_is_told_the_id() -> None:
    spec = f"{PIE_VAN_FILE} rules[0].min_minutes=20..60"
    code, out, err = _report(str(LIBRARY), "--what-if", spec)
    assert (code, out) == (2, b"")
    assert err.decode().endswith(
        f"{PREFIX}{quote(str(PIE_VAN_FILE))} is a file: name its policy by its id "
        "(did you mean 'pie-van-lunch-ban'?)\n"
    )


def test_a_malformed_spec_is_refused_before_the_library_is_loaded(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: broken\ntitle: [unclosed\n", encoding="utf-8")
    code, out, err = _report(str(broken), "--what-if", "broken rules[0].min_minutes=60..20")
    assert (code, out) == (2, b"")
    assert err.decode().endswith(PREFIX + "broken: rules[0].min_minutes: END 20 is less than START 60\n")


def test_every_spec_is_checked_before_any_is_swept(project: Project) -> None:
    good, bad = parse_what_if(PAYROLL), parse_what_if("nope rules[0].min_minutes=1..2")
    with pytest.raises(click.BadParameter, match="the library has no policy 'nope'"):
        what_if_runs(project, [good, bad])


def test_the_subject_is_the_librarys_policy_with_the_projects_settings(project: Project) -> None:
    subject = what_if_subject(project, parse_what_if(PIE_VAN_WINDOW))
    assert subject.policy.id == "pie-van-lunch-ban"
    assert Path(subject.file).resolve() == PIE_VAN_FILE.resolve()
    assert subject.settings is project.settings
    assert subject.settings.organisation_model is not None
    assert subject.rulebook is project.rulebook


def test_jobs_must_be_at_least_one() -> None:
    code, _, err = _report(str(LIBRARY), "--jobs", "0", "--what-if", PAYROLL)
    assert code == 2
    assert "Invalid value for '--jobs'" in err.decode()


# --------------------------------------------------------------------------- the curve


def test_the_sweep_is_the_one_what_if_runs(payroll: SweepRun) -> None:
    # The same policy file, settings and organisation through what-if's own loader.
    alone = run_sweep(
        open_subject(LIBRARY / "staffing" / "payroll-cut-at-high-occupancy.yaml", config=CONFIG),
        payroll.sweep,
    )
    assert alone.points == payroll.points


def test_one_what_if_block_with_one_point_per_value_on_each_line(
    payroll: SweepRun, payroll_html: str
) -> None:
    assert payroll_html.count('<article class="what-if"') == 1
    (svg,) = _svgs(payroll_html)
    count = len(payroll.points)
    assert count == 13 and all(p.error is None for p in payroll.points)
    assert len(svg.findall(f".//{SVG}circle[@class='mark employee']")) == count
    assert len(svg.findall(f".//{SVG}rect[@class='mark customer']")) == count
    values = [
        g.attrib["data-value"] for g in svg.findall(f".//{SVG}g[@data-value]") if "point" in g.attrib["class"]
    ]
    assert values == [show_value(p.values[0]) for p in payroll.points]
    for series in ("employee", "customer", "service-level"):
        runs = _path_points(svg, series)
        assert len(runs) == 1 and len(runs[0]) == count
        xs = [x for x, _ in runs[0]]
        assert xs == sorted(xs) and len(set(xs)) == count
        assert xs[0] > PLOT_LEFT and xs[-1] < PLOT_LEFT + PLOT_WIDTH


def test_the_points_sit_at_their_scores(payroll: SweepRun, payroll_html: str) -> None:
    (svg,) = _svgs(payroll_html)
    employee = _path_points(svg, "employee")[0]
    customer = _path_points(svg, "customer")[0]
    circles = svg.findall(f".//{SVG}circle[@class='mark employee']")
    for point, (_, ye), (_, yc), circle in zip(payroll.points, employee, customer, circles, strict=True):
        assert point.employee is not None and point.customer is not None
        assert ye == pytest.approx(_score_y(point.employee), abs=0.051)
        assert yc == pytest.approx(_score_y(point.customer), abs=0.051)
        assert float(circle.attrib["cy"]) == ye
    # Scores rise with the payroll: the last point sits above the first on both lines (smaller y).
    assert employee[-1][1] < employee[0][1] and customer[-1][1] < customer[0][1]
    # The grid line at 0 is where a zero score sits.
    zero = svg.find(f"{SVG}line[@class='zero']")
    assert zero is not None and float(zero.attrib["y1"]) == _score_y(0)


def test_the_service_level_line_runs_on_the_right_hand_axis(payroll: SweepRun, payroll_html: str) -> None:
    (svg,) = _svgs(payroll_html)
    levels = [p.service_level for p in payroll.points]
    assert all(level is not None for level in levels)
    assert len(set(levels)) > 1, "the payroll moves the day's service level"
    line = _path_points(svg, "service-level")[0]
    for level, (_, y) in zip(levels, line, strict=True):
        assert level is not None
        assert y == pytest.approx(_level_y(level), abs=0.051)
    assert len(svg.findall(f".//{SVG}polygon[@class='mark service-level']")) == len(levels)
    ticks = [t.text for t in svg.findall(f".//{SVG}text[@class='level-tick']")]
    assert ticks == ["0%", "25%", "50%", "75%", "100%"]
    legend = [e.attrib["data-series"] for e in svg.findall(f".//{SVG}g[@class='legend-entry']")]
    assert legend == ["employee", "customer", "service-level", "neutral", "balanced"]


def test_the_balanced_marks_match_the_balanced_ranges(payroll: SweepRun, payroll_html: str) -> None:
    (svg,) = _svgs(payroll_html)
    ranges = balanced_ranges(payroll)
    assert ranges, "a payroll rise balances the policy"
    marks = svg.findall(f".//{SVG}rect[@class='balanced']")
    assert [(m.attrib["data-from"], m.attrib["data-to"]) for m in marks] == [
        (show_value(a), show_value(b)) for a, b in ranges
    ]
    # Each column spans its values' points, from the first's to the last's, and no other point.
    xs = [x for x, _ in _path_points(svg, "employee")[0]]
    values = [p.values[0] for p in payroll.points]
    for mark, (a, b) in zip(marks, ranges, strict=True):
        left, width = float(mark.attrib["x"]), float(mark.attrib["width"])
        inside = [v for v, x in zip(values, xs, strict=True) if left < x < left + width]
        assert inside == list(values[values.index(a) : values.index(b) + 1])
        assert left + width <= PLOT_LEFT + PLOT_WIDTH + 0.1


def test_the_neutral_band_is_the_verdict_margin(payroll: SweepRun, payroll_html: str) -> None:
    (svg,) = _svgs(payroll_html)
    band = svg.find(f"{SVG}rect[@class='neutral-band']")
    assert band is not None
    margin = payroll.subject.margin
    assert float(band.attrib["y"]) == pytest.approx(_score_y(margin), abs=0.051)
    assert float(band.attrib["height"]) == pytest.approx(_score_y(-margin) - _score_y(margin), abs=0.11)


def test_the_two_lines_differ_in_colour_dash_and_marker(payroll_html: str) -> None:
    (svg,) = _svgs(payroll_html)
    employee = svg.find(f"{SVG}path[@data-series='employee']")
    customer = svg.find(f"{SVG}path[@data-series='customer']")
    assert employee is not None and customer is not None
    assert (employee.attrib["stroke"], customer.attrib["stroke"]) == (EMPLOYEE_COLOR, CUSTOMER_COLOR)
    assert "stroke-dasharray" not in employee.attrib and customer.attrib["stroke-dasharray"]
    # Filled circles against hollow squares: apart in greyscale as well.
    circle = svg.find(f".//{SVG}circle[@class='mark employee']")
    square = svg.find(f".//{SVG}rect[@class='mark customer']")
    assert circle is not None and square is not None
    assert circle.attrib["fill"] == EMPLOYEE_COLOR and square.attrib["fill"] == "#ffffff"


def test_the_title_says_what_the_chart_shows(project: Project) -> None:
    run = _sweep(project, PIE_VAN_WINDOW)
    chart = build_whatif_chart(run)
    title = (
        "Employee and customer scores of pie-van-lunch-ban as rules[0].blocked_windows[0].to goes from "
        "10:30 to 14:00"
    )
    assert chart.title == title
    svg = ET.fromstring(str(render_whatif_chart(chart)))
    assert svg.attrib["aria-label"] == title and svg.attrib["role"] == "img"
    assert svg.findtext(f"{SVG}title") == title
    ticks = [t.text for t in svg.findall(f".//{SVG}text[@class='x-tick']")]
    assert ticks and all(re.fullmatch(r"[0-9]{2}:[0-9]{2}", t or "") for t in ticks)
    assert ticks[0] == "10:30"


def test_unlawful_values_get_a_cross_and_invalid_values_a_gap(project: Project) -> None:
    run = _sweep(project, PIE_VAN_MINUTES)
    invalid = [show_value(p.values[0]) for p in run.points if p.error is not None]
    unlawful = [show_value(p.values[0]) for p in run.points if p.error is None and not p.lawful]
    assert (invalid, unlawful) == (["-10", "-5", "0"], ["5", "10", "15"])
    svg = ET.fromstring(str(render_whatif_chart(build_whatif_chart(run))))
    crosses = svg.findall(f".//{SVG}g[@class='unlawful']")
    assert [c.attrib["data-value"] for c in crosses] == unlawful
    bottom = PLOT_TOP + PLOT_HEIGHT
    for cross in crosses:
        lines = cross.findall(f"{SVG}line")
        assert len(lines) == 2
        ys = [float(line.attrib[k]) for line in lines for k in ("y1", "y2")]
        assert bottom - 12 < min(ys) and max(ys) <= bottom
    assert len(svg.findall(f".//{SVG}circle[@class='mark employee']")) == len(run.points) - 3
    legend = [e.attrib["data-series"] for e in svg.findall(f".//{SVG}g[@class='legend-entry']")]
    assert legend[-1] == "unlawful"
    assert "unlawful at 5, 10, 15" in (svg.findtext(f"{SVG}desc") or "")


def test_a_value_without_a_score_breaks_the_lines(project: Project) -> None:
    # A sweep whose middle value has no score: the engine's own values cannot make one (an invalid
    # value sits at an end of a range), so one point of a real sweep is marked invalid here.
    run = _sweep(project, "payroll-cut-at-high-occupancy rules[0].payroll_change_pct=10..30:5")
    gap = dataclasses.replace(
        run.points[2],
        employee=None,
        customer=None,
        verdict=None,
        lawful=None,
        service_level=None,
        error="no score here",
        balanced=False,
    )
    broken = dataclasses.replace(run, points=(*run.points[:2], gap, *run.points[3:]))
    svg = ET.fromstring(str(render_whatif_chart(build_whatif_chart(broken))))
    for series in ("employee", "customer", "service-level"):
        assert [len(r) for r in _path_points(svg, series)] == [2, 2]
    # The balanced run breaks at the gap as well.
    marks = svg.findall(f".//{SVG}rect[@class='balanced']")
    assert [(m.attrib["data-from"], m.attrib["data-to"]) for m in marks] == [("15", "15"), ("25", "30")]
    assert [(show_value(a), show_value(b)) for a, b in balanced_ranges(broken)] == [
        ("15", "15"),
        ("25", "30"),
    ]


def test_a_grid_has_no_curve(project: Project) -> None:
    run = _sweep(project, PAYROLL)
    grid = dataclasses.replace(run, sweep=dataclasses.replace(run.sweep, axes=run.sweep.axes * 2))
    with pytest.raises(ValueError, match="a what-if curve varies one field"):
        build_whatif_chart(grid)


# --------------------------------------------------------------------------- the HTML section


def test_the_what_if_section_sits_after_the_chart_and_before_the_details(payroll_html: str) -> None:
    html = payroll_html
    chart, what_if, ranking, details = (
        html.index(f'<section id="{name}">') for name in ("chart", "what-if", "ranking", "policies")
    )
    assert chart < what_if < ranking < details
    assert '<a href="#chart">Chart</a><a href="#what-if">What-if</a>' in html


def test_the_block_has_the_chart_the_sentence_and_a_table_of_the_points(
    payroll: SweepRun, payroll_html: str
) -> None:
    block = payroll_html[
        payroll_html.index('<article class="what-if"') : payroll_html.index('<section id="ranking">')
    ]
    assert 'data-policy="payroll-cut-at-high-occupancy"' in block
    assert str(escape(balanced_sentence(payroll))) in block
    rows = re.findall(r'<tr data-value="([^"]+)"( class="balanced")?>(.*?)</tr>', block, re.S)
    assert [value for value, _, _ in rows] == [show_value(p.values[0]) for p in payroll.points]
    for (_, balanced, cells), point in zip(rows, payroll.points, strict=True):
        assert bool(balanced) == point.balanced
        assert point.employee is not None and point.customer is not None and point.service_level is not None
        assert signed(point.employee) in cells and signed(point.customer) in cells
        assert f"v-{point.verdict}" in cells
        assert f"{point.service_level * 100:.1f}%" in cells
    assert '<th class="n">SL</th>' in block


def test_a_report_without_what_if_has_no_what_if_section() -> None:
    html = _html()
    assert "what-if" not in html and "whatif" not in html
    code, out, _ = _report(str(LIBRARY), "--format", "markdown")
    assert code == 0 and b"## What-if" not in out


def test_two_curves_are_two_blocks_in_order() -> None:
    html = _html("--what-if", PIE_VAN_WINDOW, "--what-if", PAYROLL)
    ids = re.findall(r'<article class="what-if" id="(what-if-[0-9]+)" data-policy="([^"]+)"', html)
    assert ids == [("what-if-1", "pie-van-lunch-ban"), ("what-if-2", "payroll-cut-at-high-occupancy")]
    assert [svg.attrib["data-policy"] for svg in _svgs(html)] == [
        "pie-van-lunch-ban",
        "payroll-cut-at-high-occupancy",
    ]


# --------------------------------------------------------------------------- Markdown


def test_markdown_has_the_table_and_the_sentence_and_no_svg(payroll: SweepRun) -> None:
    code, out, err = _report(str(LIBRARY), "--format", "markdown", "--what-if", PAYROLL)
    assert (code, err) == (0, b"")
    text = out.decode()
    assert "<svg" not in text
    section = text[text.index("## What-if") : text.index("## Policies ranked")]
    assert (
        "### `payroll-cut-at-high-occupancy` `rules[0].payroll_change_pct` from -30 to 30, 13 values"
        in section
    )
    assert f"**{markdown_escape(balanced_sentence(payroll))}**" in section
    rows = [line for line in section.splitlines() if re.match(r"\| -?[0-9]", line)]
    assert len(rows) == len(payroll.points)
    first = payroll.points[0]
    assert first.service_level is not None
    assert rows[0] == (
        f"| -30 | {signed(first.employee or 0)} | {signed(first.customer or 0)} | {first.verdict} | yes | "
        f"{first.service_level * 100:.1f}% |  |"
    )
    assert [row.endswith("| yes |") for row in rows] == [p.balanced for p in payroll.points]


def test_markdown_lists_one_value_in_every_few_of_a_long_sweep() -> None:
    spec = "payroll-cut-at-high-occupancy rules[0].payroll_change_pct=-50..50:1"
    code, out, err = _report(str(LIBRARY), "--format", "markdown", "--what-if", spec)
    assert (code, err) == (0, b"")
    text = out.decode()
    section = text[text.index("## What-if") : text.index("## Policies ranked")]
    values = [int(line.split("|")[1]) for line in section.splitlines() if re.match(r"\| -?[0-9]", line)]
    # 101 values, one in 3 listed, and the end of the range always.
    assert values == [*range(-50, 50, 3), 50]
    assert len(values) <= MAX_WHAT_IF_ROWS + 1
    assert "One value in 3 is listed here (35 of 101); the HTML report lists every value." in section


def test_markdown_shows_invalid_and_unlawful_values() -> None:
    code, out, _ = _report(str(LIBRARY), "--format", "markdown", "--what-if", PIE_VAN_MINUTES)
    assert code == 0
    text = out.decode()
    assert (
        "| -10 | - | - | invalid | rules\\[0\\].min\\_minutes: expected a number greater than 0; got -10 |"
        in text
    )
    # Markdown escapes the brackets round the code: \(GRD010\) reads as (GRD010).
    assert re.search(r"\| 5 \| -[0-9]+ \| \+[0-9]+ \| \*\*unlawful\*\* \| no \\\(GRD010\\\) \|", text)


# --------------------------------------------------------------------------- escaping


@pytest.fixture
def hostile_library(tmp_path: Path) -> Path:
    folder = tmp_path / "library"
    folder.mkdir()
    text = PIE_VAN_FILE.read_text(encoding="utf-8")
    text = re.sub(r"^title: .*$", f"title: {json.dumps(HOSTILE_TITLE)}", text, count=1, flags=re.M)
    (folder / "hostile.yaml").write_text(text, encoding="utf-8")
    return folder


def test_a_hostile_policy_title_shows_as_text_in_html(hostile_library: Path) -> None:
    html = _html("--what-if", PIE_VAN_WINDOW, library=hostile_library)
    assert "<script>" not in html
    block = html[html.index('<section id="what-if">') : html.index('<section id="ranking">')]
    assert str(escape(HOSTILE_TITLE)) in block
    (svg,) = _svgs(html)
    # The SVG parses, and its description holds the title as text.
    assert (svg.findtext(f"{SVG}desc") or "").startswith(HOSTILE_TITLE + ";")


def test_a_hostile_policy_title_shows_as_text_in_markdown(hostile_library: Path) -> None:
    code, out, err = _report(str(hostile_library), "--format", "markdown", "--what-if", PIE_VAN_WINDOW)
    assert (code, err) == (0, b"")
    text = out.decode()
    section = text[text.index("## What-if") : text.index("## Policies ranked")]
    assert "<script>" not in section and "\\<script\\>" in section
    assert "@team" not in section and "#12" not in section  # nobody is pinged, no issue linked


# --------------------------------------------------------------------------- worker processes


def test_the_report_is_the_same_bytes_whatever_the_number_of_workers() -> None:
    spec = "payroll-cut-at-high-occupancy rules[0].payroll_change_pct=-30..30:2"  # 31 values: 2 workers
    reports = {jobs: _html("--jobs", jobs, "--what-if", spec) for jobs in ("1", "2")}
    assert reports["1"] == reports["2"]
    assert len(_svgs(reports["1"])) == 1


def test_a_pool_of_two_draws_the_same_svg_as_one_process(project: Project) -> None:
    spec = "payroll-cut-at-high-occupancy rules[0].payroll_change_pct=-30..30:2"
    alone, pooled = _sweep(project, spec, jobs=1), _sweep(project, spec, jobs=2)
    assert (alone.workers, pooled.workers, pooled.notes) == (1, 2, ())
    assert render_whatif_chart(build_whatif_chart(alone)) == render_whatif_chart(build_whatif_chart(pooled))
