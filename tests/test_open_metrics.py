"""Open metrics: the built-in ones, their synonyms, and the ones an organisation declares.

Synonyms (``csat``, ``aht``...) are read as their built-in metric everywhere; a
complement (``attendance`` for absenteeism) only where it turns round exactly, and
the explanation says so. A declared metric (``[metrics.NAME]`` in the settings) is
valid wherever a metric is, and brings what the settings say of it into the facts
(``metric.controlled_by``...), so a rulebook can judge pay on a metric the agent
does not control. An unknown metric is an error at its file, line and column, with
a did-you-mean over the built-in and declared names.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from policyweigh.cli import main
from policyweigh.config import Settings, load_settings
from policyweigh.errors import InputError
from policyweigh.evaluation import score_policies
from policyweigh.facts import rule_facts
from policyweigh.loading import load_policy_text
from policyweigh.metrics import BUILT_IN, METRICS, NOT_BUILT_IN, SYNONYMS, resolve_metric
from policyweigh.project import open_settings
from policyweigh.rete import run_impact
from policyweigh.rulebook import load_rulebook
from tests.helpers import DATA, ROOT, make_policy

BOOK = load_rulebook()
SETTINGS_TEXT = """\
[metrics.idle_minutes]
unit = "minutes"
better = "lower"
controlled_by = "system"
meaning = "Minutes of a shift logged in and free, with no contact to take"

[metrics.team_nps]
unit = "score"
better = "higher"
controlled_by = "team"

[metrics.upsell_offers]
unit = "count"
better = "higher"
controlled_by = "agent"
"""


@pytest.fixture
def settings_file(tmp_path: Path) -> Path:
    path = tmp_path / "policyweigh.toml"
    path.write_text(SETTINGS_TEXT, encoding="utf-8")
    return path


@pytest.fixture
def declared(settings_file: Path) -> Settings:
    return load_settings(settings_file)


def problems(text: str) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_policy_text(text, "p.yaml")
    return [str(p) for p in caught.value.problems]


def policy_text(*rules: str) -> str:
    body = ""
    for rule in rules:
        lines = rule.strip().splitlines()
        body += "".join(("  - " if i == 0 else "    ") + line + "\n" for i, line in enumerate(lines))
    return f"id: p\ntitle: A policy\nrules:\n{body}"


def write_library(folder: Path, *rules: str, name: str = "p") -> Path:
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.yaml").write_text(
        policy_text(*rules).replace("id: p", f"id: {name}"), encoding="utf-8"
    )
    return folder


def open_problems(folder: Path, settings_file: Path | None) -> list[str]:
    with pytest.raises(InputError) as caught:
        open_settings(config=settings_file).open([folder])
    return [str(p) for p in caught.value.problems]


def scores(*rules: dict[str, Any]) -> tuple[int, int]:
    result = score_policies([make_policy(*rules)], rulebook=BOOK, settings=Settings()).result("p")
    return result.scores.employee, result.scores.customer


# --------------------------------------------------------------------------- the tables


def test_every_synonym_and_hint_names_a_built_in_metric_or_nothing_built_in() -> None:
    assert set(BUILT_IN) == set(METRICS)
    assert all(s.means in BUILT_IN and s.name not in BUILT_IN for s in SYNONYMS.values())
    assert not set(NOT_BUILT_IN) & (set(SYNONYMS) | set(BUILT_IN))
    # A complement is exact only for a share in percent, so both sides are measured in pct.
    assert all("pct" in BUILT_IN[s.means].units for s in SYNONYMS.values() if s.complement)


@pytest.mark.parametrize(
    ("written", "means"),
    [
        ("csat", "customer_satisfaction"),
        ("aht", "average_handle_time"),
        ("fcr", "first_contact_resolution"),
        ("nps", "net_promoter_score"),
    ],
)
def test_the_issues_synonyms_are_read_as_their_built_in_metric(written: str, means: str) -> None:
    found = resolve_metric(written)
    assert found is not None and (found.name, found.complement) == (means, False)


def test_attendance_is_absenteeism_turned_round() -> None:
    found = resolve_metric("attendance")
    assert found is not None and (found.name, found.complement) == ("absenteeism", True)


# --------------------------------------------------------------------------- synonyms in policies


def test_a_synonym_scores_as_the_built_in_metric_and_the_fact_says_what_was_written() -> None:
    written = {"kind": "bonus-threshold", "metric": "csat", "threshold_pct": 80, "payout": "linear"}
    builtin = {**written, "metric": "customer_satisfaction"}
    (fact,) = rule_facts(make_policy(written))
    assert (fact["metric"], fact["metric.written"]) == ("customer_satisfaction", "csat")
    assert scores(written) == scores(builtin)


def test_a_handle_time_target_under_its_abbreviation_has_its_measures() -> None:
    rule = {"kind": "metric-target", "metric": "aht", "target": 5, "unit": "minutes", "tied_to": "bonus"}
    (fact,) = rule_facts(make_policy(rule))
    assert fact["cap_ratio"] == round(5 / 6, 4)
    assert scores(rule) == scores({**rule, "metric": "average_handle_time"})


def test_weights_under_synonyms_are_the_built_in_metrics_weights() -> None:
    (fact,) = rule_facts(make_policy({"kind": "compensation-link", "weights": {"csat": 60, "aht": 40}}))
    assert fact["weights.customer_satisfaction"] == 60 and fact["weights.average_handle_time"] == 40
    assert "weights.csat" not in fact
    assert (fact["customer_pay_pct"], fact["speed_pay_pct"]) == (60, 40)


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (
            "kind: metric-target\nmetric: attendance\ntarget: 98\nunit: pct",
            "p.yaml:5:13: rules[0].metric: the metric attendance is 100 minus absenteeism in percent: write "
            "absenteeism, turned round (98 pct attendance is absenteeism at most 2 pct); only a bonus "
            "condition with a level in pct is read turned round for you",
        ),
        (
            "kind: bonus-threshold\nmetric: retention\nthreshold_pct: 95",
            "p.yaml:5:13: rules[0].metric: the metric retention is 100 minus attrition in percent: write "
            "attrition, turned round (98 pct retention is attrition at most 2 pct); only a bonus condition "
            "with a level in pct is read turned round for you",
        ),
        (
            "kind: compensation-link\nweights: {csat: 50, customer_satisfaction: 50}",
            "p.yaml:5:14: rules[0].weights: weights name csat and customer_satisfaction, one metric "
            "(customer_satisfaction): give its weight once",
        ),
        (
            "kind: metric-target\nmetric: CSAT\ntarget: 90\nunit: pct",
            "p.yaml:5:13: rules[0].metric: metric names are written in lowercase with _ between words: "
            "write csat (csat is read as customer_satisfaction)",
        ),
        (
            "kind: compensation-link\nweights: {First Contact Resolution: 100}",
            "p.yaml:5:15: rules[0].weights.First Contact Resolution: metric names are written in lowercase "
            "with _ between words: write first_contact_resolution",
        ),
    ],
)
def test_a_meaning_that_would_change_is_refused_with_what_to_write(rule: str, message: str) -> None:
    assert problems(policy_text(rule)) == [message]


# --------------------------------------------------------------------------- unknown and declared metrics


def test_an_unknown_metric_is_located_with_a_did_you_mean(tmp_path: Path, settings_file: Path) -> None:
    folder = write_library(
        tmp_path / "lib",
        "kind: metric-target\nmetric: customer_satisfation\ntarget: 90\nunit: pct",
        "kind: bonus-threshold\nall: [idle_minuts <= 30 minutes]",
    )
    assert open_problems(folder, settings_file) == [
        f"{folder / 'p.yaml'}:5:13: rules[0].metric: no metric 'customer_satisfation' among the built-in "
        "metrics and the 3 declared in the settings (did you mean 'customer_satisfaction'?)",
        f"{folder / 'p.yaml'}:9:11: rules[1].all[0].metric: no metric 'idle_minuts' among the built-in "
        "metrics and the 3 declared in the settings (did you mean 'idle_minutes'?)",
    ]


def test_a_common_name_with_no_built_in_metric_says_how_to_declare_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no settings file here or above
    folder = write_library(tmp_path / "lib", "kind: compensation-link\nweights: {idle_time: 40, csat: 60}")
    assert open_problems(folder, None) == [
        f"{folder / 'p.yaml'}:5:15: rules[0].weights.idle_time: no metric 'idle_time': idle time is what "
        "occupancy leaves over (a staffing rule's occupancy_target_pct); it is no built-in metric: declare "
        "it in the settings ([metrics.idle_time] with unit, better and controlled_by)"
    ]


def test_a_declared_metric_is_valid_wherever_a_metric_is(tmp_path: Path, settings_file: Path) -> None:
    folder = write_library(
        tmp_path / "lib",
        "kind: metric-target\nmetric: idle_minutes\ntarget: 20\nunit: minutes\ntied_to: discipline",
        "kind: bonus-threshold\nmetric: upsell_offers\nthreshold_pct: 95",
        "kind: bonus-threshold\nany: [idle_minutes <= 1200 seconds, team_nps >= 30 score]",
        "kind: compensation-link\nweights: {idle_minutes: 20, csat: 80}",
    )
    project = open_settings(config=settings_file).open([folder])
    assert len(project.library) == 1 and project.warnings == ()


def test_a_declared_metric_is_written_in_its_own_unit(tmp_path: Path, settings_file: Path) -> None:
    folder = write_library(
        tmp_path / "lib",
        "kind: metric-target\nmetric: idle_minutes\ntarget: 20\nunit: pct",
        "kind: bonus-threshold\nall: [team_nps >= 30 pct]",
    )
    assert open_problems(folder, settings_file) == [
        f"{folder / 'p.yaml'}:7:11: rules[0].unit: idle_minutes is declared in minutes or seconds in the "
        "settings; got 'pct' (did you mean 'minutes'?)",
        f"{folder / 'p.yaml'}:9:11: rules[1].all[0].unit: team_nps is declared in score in the settings; "
        "got 'pct' (did you mean 'score'?)",
    ]


# --------------------------------------------------------------------------- declaring metrics


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (
            '[metrics.csat]\nunit = "pct"\nbetter = "higher"\ncontrolled_by = "agent"\n',
            "policyweigh.toml:1:1: metrics.csat: csat is read as the built-in metric customer_satisfaction "
            "in every policy; choose another name for a metric of your own",
        ),
        (
            '[metrics.sales]\nunit = "count"\nbetter = "higher"\ncontrolled_by = "agent"\n',
            "policyweigh.toml:1:1: metrics.sales: sales is a built-in metric already; declare only metrics "
            "of your own",
        ),
        (
            '[metrics.idle_minutes]\nunit = "minutes"\nbetter = "lowr"\ncontrolled_by = "system"\n',
            "policyweigh.toml:3:10: metrics.idle_minutes.better: expected one of higher, lower; got 'lowr' "
            "(did you mean 'lower'?)",
        ),
        (
            '[metrics.idle_minutes]\nunit = "minutes"\nbetter = "lower"\n',
            "policyweigh.toml:1:1: metrics.idle_minutes: metric idle_minutes needs controlled_by (who moves "
            "it: agent, team, system)",
        ),
        (
            '[metrics.idle_minutes]\nunit = "minutes"\nbetter = "lower"\ncontrolled_by = "system"\n'
            'direction = "down"\n',
            "policyweigh.toml:5:1: metrics.idle_minutes.direction: unknown key of a declared metric; "
            "expected one of unit, better, controlled_by, meaning",
        ),
        (
            '[metrics."Idle Minutes"]\nunit = "minutes"\nbetter = "lower"\ncontrolled_by = "system"\n',
            'policyweigh.toml:1:1: metrics."Idle Minutes": metric names are written in lowercase with _ '
            "between words: write idle_minutes",
        ),
    ],
)
def test_a_declaration_is_checked_like_every_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, toml: str, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("policyweigh.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_settings("policyweigh.toml")
    assert [str(p) for p in caught.value.problems] == [message]


def test_metrics_are_declared_in_pyproject_too(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text(
        '[tool.policyweigh.metrics.idle_minutes]\nunit = "minutes"\nbetter = "lower"\ncontrolled_by = "system"\n',
        encoding="utf-8",
    )
    info = load_settings(path).metric_catalog["idle_minutes"]
    assert (info.units, info.better, info.controlled_by, info.declared) == (
        ("minutes", "seconds"),
        "lower",
        "system",
        True,
    )


# --------------------------------------------------------------------------- what declared metrics bring


def test_a_declared_metric_brings_its_direction_and_controller_into_the_facts(declared: Settings) -> None:
    catalog = declared.metric_catalog
    policy = make_policy(
        {
            "kind": "metric-target",
            "metric": "idle_minutes",
            "target": 20,
            "unit": "minutes",
            "tied_to": "review",
        },
        {"kind": "bonus-threshold", "metric": "team_nps", "threshold_pct": 95, "basis": "team"},
        {"kind": "bonus-threshold", "metric": "team_nps", "threshold_pct": 95, "basis": "individual"},
        {"kind": "compensation-link", "weights": {"idle_minutes": 25, "team_nps": 25, "upsell_offers": 50}},
        {"kind": "bonus-threshold", "all": ["upsell_offers >= 40 count", "idle_minutes <= 30 minutes"]},
    )
    target, team_bonus, own_bonus, pay, combined = rule_facts(policy, catalog)
    assert {k: target[k] for k in target if k.startswith(("metric", "beyond"))} == {
        "metric": "idle_minutes",
        "metric.declared": True,
        "metric.better": "lower",
        "metric.controlled_by": "system",
        "metric.unit": "minutes",
        "beyond_control": True,
        "beyond_control.text": "idle_minutes (controlled by the system)",
    }
    # A team's bonus on the team's metric is in the team's hands; one person's is not.
    assert "beyond_control" not in team_bonus and own_bonus["beyond_control"] is True
    assert pay["beyond_control_pay_pct"] == 50
    assert pay["beyond_control.text"] == (
        "idle_minutes (controlled by the system), team_nps (controlled by the team)"
    )
    assert combined["beyond_control"] is True
    assert combined["conditions.metrics.has.upsell_offers"] is True
    # Without the settings the name stays as written and brings nothing more.
    (bare,) = rule_facts(make_policy(policy.rules[0].model_dump(by_alias=True, exclude_none=True)))
    assert bare["metric"] == "idle_minutes" and "metric.controlled_by" not in bare


def test_an_organisations_rule_can_judge_pay_on_a_metric_the_agent_does_not_control(
    declared: Settings,
) -> None:
    book = load_rulebook(DATA / "rulebooks" / "control")
    policy = make_policy(
        {"kind": "bonus-threshold", "all": ["csat >= 90 pct", "idle_minutes <= 30 minutes"]},
        {
            "kind": "metric-target",
            "metric": "idle_minutes",
            "target": 20,
            "unit": "minutes",
            "tied_to": "discipline",
        },
        {"kind": "compensation-link", "weights": {"idle_minutes": 30, "csat": 70}},
        {
            "kind": "metric-target",
            "metric": "upsell_offers",
            "target": 5,
            "unit": "count",
            "tied_to": "discipline",
        },
    )
    firings = run_impact(book, rule_facts(policy, declared.metric_catalog))
    fired = {(f.code, f.facts[0]["rule_index"]) for f in firings}
    assert fired == {("CTL901", 0), ("CTL902", 1), ("CTL903", 2)}
    # The same rules stay silent where nothing is declared.
    assert run_impact(book, rule_facts(policy)) == []


def test_a_rulebook_speaks_of_declared_metrics_by_what_they_are_not_by_name(tmp_path: Path) -> None:
    folder = tmp_path / "book"
    folder.mkdir()
    for name in ("criteria.yaml", "evidence.yaml"):
        (folder / name).write_text((DATA / "rulebooks" / "control" / name).read_text(), encoding="utf-8")
    (folder / "impact").mkdir()
    (folder / "impact" / "own.yaml").write_text(
        "- code: OWN001\n  name: metric-target.idle\n  summary: s\n"
        "  when: {kind: metric-target, metric: idle_minutes}\n  impacts: {employee.fairness: -1}\n"
        "  because: b\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        load_rulebook(folder)
    (problem,) = caught.value.problems
    assert problem.message.startswith("metric is one of calls_handled, average_handle_time")
    assert problem.message.endswith("never 'idle_minutes': this test never holds")


# --------------------------------------------------------------------------- the bundled idle-time policy


def test_the_bundled_idle_time_policy_needs_the_librarys_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = ROOT / "policies" / "calls" / "idle-minutes-per-shift.yaml"
    monkeypatch.chdir(ROOT)
    assert main(["validate", str(policy)]) == 0
    assert main(["evaluate", str(policy), "--format", "json"]) == 0
    out = capsys.readouterr().out
    result = json.loads(out[out.index("{") :])["policies"][0]
    assert result["verdict"] == "lose-lose"
    assert {"MET001", "MET013"} <= {c["rule"] for c in result["contributions"]}
    # From a folder with no settings the metric is unknown, with how to declare it.
    monkeypatch.chdir(tmp_path)
    assert main(["validate", str(policy)]) == 2
    err = capsys.readouterr().err
    assert "rules[0].metric: no metric 'idle_minutes': idle time is what occupancy leaves over" in err
    # Naming the library's settings file works from anywhere.
    assert main(["validate", str(policy), "--config", str(ROOT / "policyweigh.toml")]) == 0
