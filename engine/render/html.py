"""The leadership report as one self-contained HTML file.

Jinja2 templates with autoescaping on (every policy text is escaped; a title
holding ``<script>`` shows as text; no template marks outside text safe), inline
CSS with print rules, the quadrant chart, each team's queue chart (service
level by interval, without and with the policy) and each what-if curve (a
policy's scores as one of its fields moves) as inline SVG, and a
Content-Security-Policy that forbids scripts and every network request, so the
file opens offline and nothing in it can run. Before escaping, every value has
its control characters shown as escapes (``escape.html_text``), so a
bidirectional override cannot reorder the report's text.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

from policyweigh.evaluation import EvaluationRun
from policyweigh.render.chart import QUADRANT_TINTS, VERDICT_COLORS, ChartPoint, build_chart, render_chart
from policyweigh.render.escape import guard_lines
from policyweigh.render.html_environment import environment
from policyweigh.render.queue_chart import build_queue_chart, render_queue_chart
from policyweigh.render.view import ReportView, build_view
from policyweigh.render.whatif_chart import build_whatif_chart, render_whatif_chart
from policyweigh.whatif import SweepRun


def chart_points(view: ReportView) -> list[ChartPoint]:
    """One chart point per ranked policy."""
    return [
        ChartPoint(
            id=p.result.id,
            title=p.result.title,
            employee=p.result.scores.employee,
            customer=p.result.scores.customer,
            verdict=p.result.verdict,
            rank=p.rank,
            employee_range=p.result.ranges.employee if p.result.ranges is not None else None,
            customer_range=p.result.ranges.customer if p.result.ranges is not None else None,
        )
        for p in view.policies
    ]


def queue_charts(view: ReportView) -> dict[str, list[Markup]]:
    """Each policy with queue data to its teams' queue charts, in the order of its teams."""
    return {
        p.result.id: [render_queue_chart(build_queue_chart(team)) for team in p.result.queue.teams]
        for p in view.policies
        if p.result.queue is not None
    }


def render_html(
    run: EvaluationRun,
    *,
    title: str = "Policy evaluation",
    date: str | None = None,
    what_ifs: Sequence[SweepRun] = (),
) -> str:
    """The whole evaluation as a self-contained HTML report, with a What-if section holding a curve
    per one-field sweep in ``what_ifs`` (none without them)."""
    view = build_view(run, title=title, date=date, what_ifs=what_ifs)
    chart = build_chart(chart_points(view), view.margin)
    page = (
        environment()
        .get_template("report.html.j2")
        .render(
            view=view,
            chart=render_chart(chart),
            queue_charts=queue_charts(view),
            what_if_charts=[render_whatif_chart(build_whatif_chart(sweep)) for sweep in what_ifs],
            domain=chart.domain,
            colors=VERDICT_COLORS,
            tints=QUADRANT_TINTS,
        )
    )
    # Printed to standard output, the page may land in a CI log: no line may run as a workflow command.
    return guard_lines(page)
