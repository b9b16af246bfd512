"""The judgement in every output: ranges, reach, not assessed, uncertain sides, unlawful, verdict
titles, ranking by the worse side, doses and evidence strength, and the new finding kinds.

The golden policies (``tests/golden/report``) under their small rulebook give one policy of each
case: ``training`` has an uncertain customer side, ``hostile-text`` a rule no impact rule
recognises and no headcount, ``lunch-ban`` a dosed break ban that reaches 25% of contacts and an
error-level guardrail breach (so it is unlawful), ``aht-cap`` a dosed chain with an attrition
mechanism. Where the text is the product the assertions are exact.
"""

from __future__ import annotations

import io
import json
import re
from typing import Any

import jsonschema
import pytest

from policyweigh.evaluation import EvaluationRun
from policyweigh.render.chart import UNLAWFUL, VERDICT_COLORS, ChartPoint, build_chart, domain_for
from policyweigh.render.html import render_html
from policyweigh.render.markdown import render_markdown
from policyweigh.render.text import make_console, render_evaluation, summary_line
from policyweigh.render.view import (
    KIND_TITLES,
    KINDS,
    RANKING,
    VERDICT_TITLES,
    build_view,
    dose_text,
    reach_text,
    strength_text,
)
from policyweigh.results import VERDICTS, Conflict, Evaluation, Reach, RemedyResult
from policyweigh.scoring import VERDICT_BY_SIDES
from tests.golden.report.build import golden_run, html_outline


@pytest.fixture(scope="module")
def run() -> EvaluationRun:
    return golden_run()


def _text(run: EvaluationRun) -> str:
    out = io.StringIO()
    render_evaluation(run, make_console(out, color=False))
    return out.getvalue()


def _block(text: str, policy: str) -> list[str]:
    """The lines of one policy's scorecard in the text output."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{policy}  "))
    end = next(i for i in range(start + 1, len(lines)) if not lines[i])
    return lines[start:end]


def _with_scores(run: EvaluationRun, scores: dict[str, tuple[int, int]]) -> EvaluationRun:
    """``run`` with some policies' scores (and ranges, verdicts) set by hand."""
    policies = []
    for r in run.evaluation.policies:
        if r.id in scores:
            e, c = scores[r.id]
            r = r.model_copy(
                update={
                    "scores": r.scores.model_copy(update={"employee": e, "customer": c}),
                    "ranges": r.ranges.model_copy(update={"employee": (e, e), "customer": (c, c)})
                    if r.ranges
                    else None,
                    "verdict": "employee-at-customer-cost" if c < -5 < 5 < e else "win-win",
                    "uncertain": [],
                }
            )
        policies.append(r)
    return run.with_evaluation(Evaluation(policies=policies, conflicts=run.evaluation.conflicts))


# Verdicts -----------------------------------------------------------------------------------------


def test_every_verdict_has_a_plain_distinct_title() -> None:
    assert set(VERDICT_TITLES) == set(VERDICTS) == {*VERDICT_BY_SIDES.values(), "unlawful"}
    assert len(set(VERDICT_TITLES.values())) == len(VERDICTS) == 10
    assert VERDICT_TITLES["employee-gain"] == "Better for staff, neutral for customers"
    assert VERDICT_TITLES["customer-at-employee-cost"] == "Better for customers, worse for staff"
    assert VERDICT_TITLES["lose-lose"] == "Worse for staff and customers"
    assert VERDICT_TITLES["unlawful"] == "Unlawful, whatever the scores"
    # Every verdict has its colour on the chart, the unlawful one darkest.
    assert set(VERDICT_COLORS) == set(VERDICTS)


# Pieces of text -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("base", "dose", "delta", "expected"),
    [
        (-2, 1.85, -3.7, "-2 x1.85 = -3.7"),
        (-2, 1.0, -2.0, "-2"),
        (3, 0.3333, 1.0, "+3 x0.33 = +1"),
        (-3, 1.25, -3.75, "-3 x1.25 = -3.75"),
        (0, 1.0, 1.5, "+1.5"),  # a contribution made without a base (an older producer): its delta
    ],
)
def test_a_contribution_shows_its_dose_where_it_is_not_1(
    base: int, dose: float, delta: float, expected: str
) -> None:
    assert dose_text(base, dose, delta) == expected


@pytest.mark.parametrize(
    ("reach", "expected"),
    [
        (Reach(employees=40, contacts_share=0.25), "40 people, 25% of contacts"),
        (Reach(employees=1, contacts_share=1.0), "1 person, 100% of contacts"),
        (Reach(employees=12500, contacts_share=0.125), "12,500 people, 12.5% of contacts"),
        (Reach(employees=None, contacts_share=0.0), "headcount not given, 0% of contacts"),
        (None, "not known"),
    ],
)
def test_reach_in_words(reach: Reach | None, expected: str) -> None:
    assert reach_text(reach) == expected


def test_evidence_strength_in_words() -> None:
    assert strength_text("moderate", 0.4) == "moderate evidence, ±40%"
    assert strength_text(None, 1.0, pm="+/-") == "no evidence cited, +/-100%"


# Text ---------------------------------------------------------------------------------------------


def test_text_scorecards_show_range_reach_verdict_notes_and_not_assessed(run: EvaluationRun) -> None:
    text = _text(run)
    assert _block(text, "lunch-ban")[:6] == [
        "lunch-ban  No lunch breaks between 10:00 and 12:00  unlawful",
        "  tests/golden/report/policies/lunch-ban.yaml",
        "  Unlawful, whatever the scores.",
        "  employee -24 (-46..0)   customer +12 (0..+24)   reach: 40 people, 25% of contacts",
        "  customer direct +12, indirect +0",
        "  note: Unlawful: it breaches the law of its jurisdiction at error level, whatever its scores (by",
    ]
    assert _block(text, "training")[2:6] == [
        "  Better for staff and customers.",
        "  employee +8 (0..+17)   customer +17 (-17..+46)   reach: 25 people, 100% of contacts",
        "  customer direct +17, indirect +0",
        "  note: Uncertain: the customer range (-17..+46) spans both gain and loss beyond +/-5; the evidence",
    ]
    hostile = "\n".join(_block(text, "hostile-text"))
    assert "  employee 0 (0..0)   customer 0 (0..0)   reach: headcount not given, 0% of contacts\n" in hostile
    assert (
        # The rule in words, not its path: rules[0] is the headset.
        "  not assessed: the headset standard: no impact rule recognises this equipment rule (item: headset,"
        in hostile
    )


def test_text_contributions_show_dose_strength_and_mechanism(run: EvaluationRun) -> None:
    block = _block(_text(run), "aht-cap")
    assert (
        "  customer direct -52, indirect -15 (Staff attrition -1.88 weighted points, months to a year)"
        in block
    )
    assert "|customer resolution |     -7.5 | DRV001 -3 x1.25 = -3.75, DRV003 -1 x1.25 = -1.25|" in block
    assert (
        "      customer resolution -3 x1.25 = -3.75  [evidence: feinberg; moderate evidence, +/-40%]" in block
    )
    assert "      customer speed -1 x1.25 = -1.25  [no evidence cited, +/-100%]" in block
    assert any(
        line.startswith(
            "  - DRV003 derived.strained-staff via CTC002 (indirect: Staff attrition, months to a"
        )
        for line in block
    )


def test_text_summary_counts_unlawful_policies_and_rules_not_assessed(run: EvaluationRun) -> None:
    assert summary_line(run) == (
        "4 policies: 1 win-win, 1 neutral, 1 lose-lose, 1 unlawful; 1 rule not assessed; "
        "5 conflicts (3 error, 1 warning, 1 info)"
    )


def test_text_overview_ranks_by_the_worse_side(run: EvaluationRun) -> None:
    # Reach sits beside the score in each scorecard; the overview keeps to one line a policy.
    rows = [line for line in _text(run).splitlines() if re.match(r"\| \d ", line)]
    assert rows == [
        "| 1 | training     |       +8 |      +17 | win-win   |",
        "| 2 | hostile-text |       +0 |       +0 | neutral   |",
        "| 3 | aht-cap      |      -59 |      -67 | lose-lose |",
        "| 4 | lunch-ban    |      -24 |      +12 | unlawful  |",
    ]


# Ranking ------------------------------------------------------------------------------------------


def test_a_big_gain_does_not_offset_a_harm_in_the_ranking(run: EvaluationRun) -> None:
    # +60/-45 harms customers; +10/+8 harms no one: the second ranks above the first in every
    # format, though its sum is smaller.
    judged = _with_scores(run, {"aht-cap": (60, -45), "training": (10, 8)})
    order = ["training", "hostile-text", "aht-cap", "lunch-ban"]
    assert [p.result.id for p in build_view(judged).policies] == order
    text_rows = [
        line.split("|")[2].strip() for line in _text(judged).splitlines() if re.match(r"\| \d ", line)
    ]
    assert text_rows == order
    markdown_rows = re.findall(r"^\| \d \| `([a-z-]+)`", render_markdown(judged), flags=re.M)
    assert markdown_rows == order
    html_rows = re.findall(r"<tr data-policy=\"([a-z-]+)\"", render_html(judged))
    assert html_rows == order
    assert RANKING.startswith("Ranked best first by the worse of the two scores")


def test_unlawful_ranks_last_whatever_its_scores(run: EvaluationRun) -> None:
    judged = _with_scores(run, {"lunch-ban": (90, 90)})
    policies = [
        r.model_copy(update={"verdict": "unlawful"}) if r.id == "lunch-ban" else r
        for r in judged.evaluation.policies
    ]
    judged = judged.with_evaluation(Evaluation(policies=policies, conflicts=judged.evaluation.conflicts))
    assert [p.result.id for p in build_view(judged).policies][-1] == "lunch-ban"


# Markdown -----------------------------------------------------------------------------------------


def test_markdown_rows_and_details(run: EvaluationRun) -> None:
    md = render_markdown(run)
    assert (
        "| 4 | `lunch-ban` No lunch breaks between 10:00 and 12:00 | **unlawful** | -24 (-46..0) | +12 (0..+24) "
        "| +12 / 0 | 40 people, 25% of contacts | 2 (error) |"
    ) in md
    assert "| win-win (uncertain) | +8 (0..+17) | +17 (-17..+46) |" in md
    assert (
        "Unlawful policies: 1. Rules not assessed (no impact rule recognises them, so the scores say nothing about them): 1."
        in md
    )
    assert (
        "**Better for staff and customers** (`win-win`). Uncertain: the customer range \\(-17..+46\\) spans "
        "both gain and loss beyond ±5; the evidence does not settle which way it goes."
    ) in md
    assert (
        "Employee -59 (-74..-39); customer -67 (-92..-36) (direct -52, indirect -15: Staff attrition -1.88 "
        "weighted points, months to a year). Reach: 60 people, 100% of contacts."
    ) in md
    assert "Reach: headcount not given, 0% of contacts." in md
    assert "- The headset standard: no impact rule recognises this equipment rule" in md
    assert (
        "| speed +1 x1.5 = +1.5, autonomy -2 x1.5 = -3 |" in md
        and "| `rucci` (moderate evidence, ±40%) |" in md
        and "| no evidence cited, ±100% |" in md
    )
    assert "`derived` via `CTC002`; indirect: Staff attrition, months to a year |" in md


# HTML and the chart -------------------------------------------------------------------------------


def test_html_shows_ranges_reach_notes_and_not_assessed(run: EvaluationRun) -> None:
    html = render_html(run)
    assert '<span class="num neg">-59</span> <span class="range">(-74..-39)</span>' in html
    assert '<td class="reach sub">headcount not given, 0% of contacts</td>' in html
    assert (
        '<li class="note-unlawful">Unlawful: it breaches the law of its jurisdiction at error level' in html
    )
    assert (
        '<li class="note-uncertain">Uncertain: the customer range (-17..+46) spans both gain and loss beyond '
        "±5; the evidence does not settle which way it goes.</li>"
    ) in html
    assert '<li data-rule="hostile-text/rules[0]">The headset standard: no impact rule' in html
    assert '<span class="num neg">-2 x1.5 = -3</span>' in html
    assert '<span class="sub strength">moderate evidence, ±40%</span>' in html
    assert '<div class="card c-not-assessed" data-count="not-assessed"><span class="count">1</span>' in html
    assert '<div class="card c-unlawful" data-count="unlawful"><span class="count">1</span>' in html


def test_the_method_describes_the_new_model_and_no_spillover(run: EvaluationRun) -> None:
    view = build_view(run)
    method = " ".join(view.method)
    assert "scaled by its dose" in method
    assert "strong ±25%, moderate ±40%, weak ±60%, practitioner ±80%, none cited ±100%" in method
    assert "only through mechanisms" in method and "no flat share of the employee score" in method
    assert view.mechanism_lines == [
        "Staff attrition (months to a year): Strained staff leave and newcomers resolve less."
    ]
    for output in (render_html(run), render_markdown(run)):
        assert "spillover" not in output and "service-profit-chain share" not in output
    html = render_html(run)
    assert (
        '<li data-mechanism="attrition"><strong>Staff attrition</strong> <span class="sub">(months to a year)</span>'
        in html
    )


def test_the_chart_draws_ranges_as_whiskers_and_unlawful_as_a_diamond(run: EvaluationRun) -> None:
    html = render_html(run)
    outline = html_outline(html)
    assert "a.point.unlawful[data-customer=12][data-employee=-24][data-policy=lunch-ban]" in outline
    assert outline.count("polygon.unlawful-mark") == 1
    # The legend explains the diamond and the whiskers, in the chart and beside it.
    assert "polygon.legend-unlawful" in outline and "text  'unlawful'" in outline
    assert (
        '<li data-verdict="unlawful"><span class="dot v-unlawful"></span>Unlawful, whatever the scores (1)</li>'
        in html
    )
    assert "Range of a score, from the evidence bands" in html
    # Whiskers for every policy with a range wider than a point; the neutral band stays.
    assert re.findall(r'<g class="whisker" data-policy="([a-z-]+)"', html) == [
        "training",
        "aht-cap",
        "lunch-ban",
    ]
    assert 'class="neutral-square"' in html


def test_whisker_geometry() -> None:
    point = ChartPoint("p", "P", -20, 10, UNLAWFUL, 1, employee_range=(-40, 0), customer_range=(0, 20))
    chart = build_chart([point], 5)
    assert chart.domain == 60  # the range's end (-40), not the score (-20), sets the axes
    (placed,) = chart.points
    scale = 500 / 120
    assert placed.whisker_x == (round(130 + 20 * scale, 1), round(130 + 60 * scale, 1))
    assert placed.whisker_y == (round(36 + 40 * scale, 1), round(36 + 60 * scale, 1))
    assert placed.point.unlawful and chart.has_unlawful
    assert domain_for([ChartPoint("q", "Q", 3, 3, "neutral", 1, (-95, 40), (0, 0))], 5) == 100
    # A range of one point draws no whisker.
    flat = build_chart([ChartPoint("q", "Q", 3, 3, "neutral", 1, (3, 3), (3, 3))], 5).points[0]
    assert flat.whisker_x is None and flat.whisker_y is None


# New finding kinds --------------------------------------------------------------------------------


def _finding(code: str, kind: str, policy: str, remedy: RemedyResult | None = None) -> Conflict:
    return Conflict(
        code=code,
        kind=kind,  # type: ignore[arg-type]
        severity="warning",
        policies=[policy],
        rules=[f"{policy}/rules[0]"],
        explanation=f"{code} on {policy}",
        remedies=[remedy] if remedy else [],
    )


def test_harm_duplicate_and_implausible_findings_are_grouped_with_their_remedies(run: EvaluationRun) -> None:
    remedy = run.evaluation.conflicts[0].remedies[0]
    findings = [
        _finding("HRM001", "harm", "aht-cap", remedy),
        _finding("DUP001", "duplicate", "training"),
        _finding("IMP001", "implausible", "hostile-text"),
    ]
    judged = run.with_evaluation(Evaluation(policies=run.evaluation.policies, conflicts=findings))
    groups = {g.kind: [c.conflict.code for c in g.conflicts] for g in build_view(judged).groups}
    assert list(groups) == list(KINDS)
    assert (groups["harm"], groups["duplicate"], groups["implausible"]) == (
        ["HRM001"],
        ["DUP001"],
        ["IMP001"],
    )
    md = render_markdown(judged)
    for kind, code in (("harm", "HRM001"), ("duplicate", "DUP001"), ("implausible", "IMP001")):
        assert f"### {KIND_TITLES[kind]} (1)" in md
        assert f"- **warning** `{code}`" in md
    assert f"  - Remedy `{remedy.code}` " in md.split("### Harm (1)")[1].split("###")[0]
    html = render_html(judged)
    for kind, code in (("harm", "HRM001"), ("duplicate", "DUP001"), ("implausible", "IMP001")):
        section = html.split(f'id="conflicts-{kind}"')[1].split("</section>")[0]
        assert f'data-code="{code}"' in section
    assert f'<tr data-remedy="{remedy.code}">' in html.split('id="conflicts-harm"')[1].split("</section>")[0]
    text = _text(judged)
    assert "warning HRM001 harm  aht-cap: the handle-time cap" in text


# JSON ---------------------------------------------------------------------------------------------


def test_json_carries_ranges_reach_not_assessed_and_validates_against_the_model_schema(
    run: EvaluationRun,
) -> None:
    data: dict[str, Any] = json.loads(run.evaluation.model_dump_json())
    schema = Evaluation.model_json_schema(mode="serialization")
    jsonschema.validate(data, schema)
    by_id = {p["id"]: p for p in data["policies"]}
    assert by_id["lunch-ban"]["ranges"] == {"employee": [-46, 0], "customer": [0, 24]}
    assert by_id["lunch-ban"]["reach"] == {"employees": 40, "contacts_share": 0.25}
    assert by_id["lunch-ban"]["verdict"] == "unlawful"
    assert by_id["hostile-text"]["reach"] == {"employees": None, "contacts_share": 0.0}
    assert [set(n) for n in by_id["hostile-text"]["not_assessed"]] == [{"rule", "reason"}]
    assert by_id["training"]["uncertain"] == ["customer"]
    for policy in data["policies"]:
        low, high = policy["ranges"]["employee"]
        assert low <= policy["scores"]["employee"] <= high
        for c in policy["contributions"]:
            assert isinstance(c["delta"], float)


# `rules CODE` ---------------------------------------------------------------------------------------


def test_a_rule_shows_its_dose_threshold_mechanism_and_reach(run: EvaluationRun) -> None:
    from policyweigh.render.text import render_rule

    def shown(code: str) -> list[str]:
        out = io.StringIO()
        render_rule(run.rulebook.impact_by_code[code], run.rulebook, make_console(out, color=False))
        return out.getvalue().splitlines()

    cap = shown("CTC002")
    assert "  dose: cap_ratio 0.5 -> x2, 1.5 -> x0.5 (times the usual handle time)" in cap
    assert (
        "  threshold: max_minutes 8: caps under 8 minutes cut resolution (Feinberg et al. 2000) [evidence:"
        in cap
    )
    assert (
        "  mechanism: attrition (Staff attrition, months to a year): its customer impacts are indirect"
        in shown("DRV003")
    )
    assert "  reach: blocked_windows.share_of_shift (share of customer contacts touched)" in shown("BRK001")


def test_the_html_derivation_shows_a_dose_as_every_other_output_does(run: EvaluationRun) -> None:
    # Regression: the derivation wrote its own "(-3 x1.25)" after the delta, unrounded, and x2.0 for
    # a dose of 2; it now uses the contributions' wording.
    html = render_html(run)
    steps = re.findall(r"<li><strong>DRV001</strong>.*?</li>", html)
    assert steps and all("-3 x1.25 = -3.75" in step for step in steps), steps
