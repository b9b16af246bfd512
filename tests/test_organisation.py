"""The organisation model: the file and its errors, the day's rota and queue, and policies judged on it.

Real components throughout: the bundled organisation.yaml and policy library,
the queueing module's Erlang numbers, and the real rule engine for scores.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from policyweigh.cli import main
from policyweigh.config import Settings, load_settings
from policyweigh.errors import InputError
from policyweigh.evaluation import score_policies
from policyweigh.loading import load_policy
from policyweigh.organisation import Organisation, load_organisation, load_organisation_text
from policyweigh.queue_effects import assess, baseline, decent, queue_facts
from policyweigh.rota import Lunch, people_needed, run_day, scaled_people
from policyweigh.rulebook import default_rulebook
from tests.helpers import EXAMPLE_ORGANISATION, ROOT, make_policy

ORGANISATION = load_organisation(ROOT / "organisation.yaml")
BOOK = default_rulebook()
WITH_ORGANISATION = Settings().model_copy(update={"organisation_model": ORGANISATION})


def policy(path: str):  # type: ignore[no-untyped-def]
    return load_policy(ROOT / "policies" / path)


def team(org: Organisation, name: str):  # type: ignore[no-untyped-def]
    found = org.team(name)
    assert found is not None
    return found


def messages(error: InputError) -> list[str]:
    """Every located problem of an error, as printed."""
    return [str(p) for p in error.problems]


MINIMAL = """\
interval_minutes: 30
teams:
  - id: t
    name: T
    target: {answered_pct: 80, within_seconds: 20}
    shrinkage_pct: 10
    shifts:
      - {name: day, start: "08:00", hours: 8, people: 10}
    workload:
      - {start: "08:00", calls: 40, aht_seconds: 300}
"""


# --------------------------------------------------------------------------- the file


def test_the_bundled_organisation_loads_with_its_teams() -> None:
    assert ORGANISATION.team_ids == [
        "inbound",
        "service-berlin",
        "service-hamburg",
        "service-sacramento",
        "customer-service",
        "support",
    ]
    assert team(ORGANISATION, "inbound").headcount == 40


def test_unknown_key_is_located_with_a_suggestion() -> None:
    text = MINIMAL.replace("shrinkage_pct: 10", "shrinkage_pct: 10\n    shrinkge: 5")
    with pytest.raises(InputError) as err:
        load_organisation_text(text, "org.yaml")
    (problem,) = err.value.problems
    assert (problem.file, problem.line) == ("org.yaml", 7)
    assert "shrinkage" in problem.message


def test_interval_off_the_grid_and_out_of_order_are_located() -> None:
    text = MINIMAL.replace(
        '      - {start: "08:00", calls: 40, aht_seconds: 300}\n',
        '      - {start: "08:10", calls: 40, aht_seconds: 300}\n'
        '      - {start: "07:30", calls: 40, aht_seconds: 300}\n',
    )
    with pytest.raises(InputError) as err:
        load_organisation_text(text, "org.yaml")
    found = messages(err.value)
    assert any(
        m.startswith("org.yaml:10:")
        and "08:10 is not on the 30-minute grid; an interval starts at 08:00 or 08:30" in m
        for m in found
    ), found
    assert any(
        m.startswith("org.yaml:11:") and "07:30 comes before the interval before it (08:10)" in m
        for m in found
    ), found


def test_names_used_twice_and_a_cost_without_currency_are_errors() -> None:
    doubled = MINIMAL + MINIMAL.split("teams:\n", 1)[1]
    doubled = doubled.replace("shrinkage_pct: 10\n", "shrinkage_pct: 10\n    agent_cost_per_year: 30000\n", 1)
    with pytest.raises(InputError) as err:
        load_organisation_text(doubled, "org.yaml")
    found = messages(err.value)
    assert any("team 't' is already described as teams[0]" in m for m in found), found
    assert any("agent_cost_per_year needs its currency" in m for m in found), found


def test_empty_file_says_what_it_needs() -> None:
    with pytest.raises(InputError) as err:
        load_organisation_text("", "org.yaml")
    assert "an organisation file needs interval_minutes and teams" in err.value.problems[0].message


def test_night_work_is_three_hours_between_23_and_6() -> None:
    org = load_organisation_text(
        MINIMAL.replace(
            '      - {name: day, start: "08:00", hours: 8, people: 10}\n',
            '      - {name: day, start: "08:00", hours: 8, people: 10}\n'
            '      - {name: night, start: "22:00", hours: 8, people: 2}\n'
            '      - {name: late, start: "15:00", hours: 8, people: 2}\n'
            '      - {name: twilight, start: "20:00", hours: 6, people: 2}\n',
        )
    )
    shifts = {s.name: s.is_night for s in org.teams[0].shifts}
    assert shifts == {"day": False, "night": True, "late": False, "twilight": True}


def test_settings_name_the_organisation_and_a_missing_file_is_located(tmp_path: Path) -> None:
    (tmp_path / "policyweigh.toml").write_text('organisation = "org.yaml"\n')
    settings = load_settings(tmp_path / "policyweigh.toml")
    with pytest.raises(InputError) as err:
        settings.with_organisation()
    (problem,) = err.value.problems
    assert problem.line == 1 and "no organisation file 'org.yaml'" in problem.message
    (tmp_path / "org.yaml").write_text(MINIMAL)
    loaded = load_settings(tmp_path / "policyweigh.toml").with_organisation()
    assert loaded.organisation_model is not None and loaded.organisation_model.team_ids == ["t"]


# --------------------------------------------------------------------------- the rota


def test_scaled_people_keeps_the_rounded_total() -> None:
    assert scaled_people((20, 24, 16), 0.85) == (17, 20, 14)
    assert sum(scaled_people((7, 7, 7), 1 / 3)) == 7
    assert scaled_people((0, 0), 2) == (0, 0)


def test_a_fixed_lunch_is_pushed_to_the_edge_of_the_blocked_window() -> None:
    inbound = team(ORGANISATION, "inbound")
    plan = replace(baseline(inbound), lunch=Lunch(30, "fixed", blocked=((600, 720),)))
    day = run_day(inbound, 30, plan)
    # The middle of each shift falls in 10:00-12:00 or next to it: lunch moves to the nearest edge.
    assert [sorted(set(starts)) for starts in day.lunches] == [[570], [720], [795]]


def test_a_pattern_with_no_allowed_start_loses_its_lunch() -> None:
    policy_ = make_policy(_ban("06:00", "23:00"), scope={"teams": ["inbound"]})
    impact = assess(policy_, ORGANISATION)
    assert impact is not None
    segments = impact.teams[0].segments
    assert all(s.lunch_lost and s.lunch_after == [] for s in segments)
    assert "16 people): loses its lunch: no allowed start is left in the shift" in segments[0].summary
    assert "40 people on 3 shift pattern(s) lose their lunch" in impact.summary


def _ban(start: str, end: str) -> dict[str, object]:
    return {
        "kind": "break-rule",
        "break": "lunch",
        "min_minutes": 30,
        "blocked_windows": [{"from": start, "to": end}],
    }


def test_self_organised_staff_go_in_the_preferred_window() -> None:
    inbound = team(ORGANISATION, "inbound")
    day = run_day(inbound, 30, baseline(inbound))
    for starts in day.lunches:
        assert starts and all(600 <= s < 720 for s in starts)


def test_one_more_person_never_lowers_the_service_level() -> None:
    for t in EXAMPLE_ORGANISATION.teams + ORGANISATION.teams:
        plan = baseline(t)
        before = run_day(t, 30, plan).service_level
        for k in range(len(t.shifts)):
            people = list(plan.people)
            people[k] += 1
            after = run_day(t, 30, replace(plan, people=tuple(people))).service_level
            assert after >= before - 1e-9, (t.id, k)


def test_people_needed_meets_the_target_and_one_fewer_does_not() -> None:
    inbound = team(ORGANISATION, "inbound")
    plan = decent(inbound, baseline(inbound))
    needed = people_needed(inbound, 30, plan)
    assert needed is not None
    assert run_day(inbound, 30, replace(plan, people=needed)).missed == 0
    for k in range(len(needed)):
        if needed[k]:
            fewer = list(needed)
            fewer[k] -= 1
            assert run_day(inbound, 30, replace(plan, people=tuple(fewer))).missed > 0


# --------------------------------------------------------------------------- policies on the queue


def test_staggered_lunch_beats_a_fixed_lunch_at_the_window_edges() -> None:
    fixed = assess(policy("breaks/pie-van-lunch-ban.yaml"), ORGANISATION)
    staggered = assess(policy("breaks/staggered-lunch.yaml"), ORGANISATION)
    assert fixed is not None and staggered is not None
    f, s = fixed.teams[0], staggered.teams[0]
    assert s.service_level_after > f.service_level_after > f.service_level_before
    assert s.missed_after == 0 < f.missed_after
    assert min(i.service_level_after for i in s.intervals) > min(i.service_level_after for i in f.intervals)
    # The ban's cost lands at its edge: everyone of the day shift lunches at 12:00.
    assert f.worst.startswith("12:00-12:30: service level falls from 100% to ")


def test_the_payroll_cut_explains_its_queue_cost_in_numbers() -> None:
    impact = assess(policy("staffing/payroll-cut-at-high-occupancy.yaml"), ORGANISATION)
    assert impact is not None
    cs = impact.teams[0]
    assert cs.changes[0] == "payroll -15%: 60 people become 51"
    assert cs.service_level_after < cs.service_level_before - 0.1
    assert cs.missed_after > cs.missed_before
    assert cs.cost_of_decency is not None and cs.cost_of_decency.headcount == 51
    facts = queue_facts(impact)
    assert facts["queue.service_level_drop_pp"] > 5 and facts["queue.occupancy_rise_pp"] > 5


def test_queue_numbers_replace_the_rule_of_thumb_speed_points() -> None:
    pie = policy("breaks/pie-van-lunch-ban.yaml")
    plain = score_policies([pie], rulebook=BOOK, settings=Settings()).result(pie.id)
    modelled = score_policies([pie], rulebook=BOOK, settings=WITH_ORGANISATION).result(pie.id)
    speed = {(c.rule, c.criterion) for c in plain.contributions if c.criterion == "customer.speed"}
    assert ("BRK008", "customer.speed") in speed and plain.queue is None
    rules = {(c.rule, c.criterion) for c in modelled.contributions}
    assert ("BRK008", "customer.speed") not in rules
    assert ("QUE002", "customer.speed") in rules
    que = next(c for c in modelled.contributions if c.rule == "QUE002")
    assert "rises from 94.1% to 96.8%" in que.reason
    assert modelled.queue is not None and modelled.queue.teams[0].team == "inbound"


def test_a_policy_without_organisation_teams_keeps_its_rule_of_thumb() -> None:
    cut = make_policy({"kind": "staffing", "payroll_change_pct": -15}, scope={"teams": ["billing"]})
    result = score_policies([cut], rulebook=BOOK, settings=WITH_ORGANISATION).result("p")
    assert result.queue is None
    assert {c.rule for c in result.contributions} >= {"STF002"}
    assert "QUE001" not in {c.rule for c in result.contributions}


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """Run the CLI in-process: exit code and everything printed."""
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_evaluate_json_carries_the_queue_and_the_option_overrides_the_settings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = ROOT / "policies" / "breaks" / "lunch-break-hamburg.yaml"
    config = str(ROOT / "policyweigh.toml")
    code, output = run(["evaluate", str(target), "--format", "json", "--config", config], capsys)
    assert code == 0, output
    (result,) = json.loads(output)["policies"]
    assert result["queue"]["teams"][0]["team"] == "service-hamburg"
    other = tmp_path / "org.yaml"
    other.write_text(MINIMAL)
    args = ["evaluate", str(target), "--format", "json", "--config", config, "--organisation", str(other)]
    code, output = run(args, capsys)
    assert code == 0, output
    assert json.loads(output)["policies"][0]["queue"] is None


def test_a_broken_organisation_file_is_exit_2_with_its_location(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "org.yaml"
    broken.write_text(MINIMAL.replace("interval_minutes: 30", "interval_minutes: 20"))
    code, output = run(["evaluate", str(ROOT / "policies" / "breaks"), "--organisation", str(broken)], capsys)
    assert code == 2
    assert f"{broken}:1:" in output and "Traceback" not in output


def test_the_explanation_names_the_shift_pattern_that_carries_the_cost() -> None:
    berlin = policy("breaks/core-hours-break-ban-berlin.yaml")
    result = score_policies([berlin], rulebook=BOOK, settings=WITH_ORGANISATION).result(berlin.id)
    (late,) = [c for c in result.contributions if c.rule == "QUE005"]
    assert late.reason.startswith(
        "On the organisation's rota (Service centre Berlin), 18 people start lunch outside the "
        "well-placed window (2 to 5 hours into their shift) and 0 go without (100% of the people). "
        "Who carries it: early (08:30, 8 h, full-time, 18 people): lunch at 15:00, up to 6.5 hours "
        "into the shift"
    )
    # The rule-of-thumb wellbeing point of the ban gives way to the rota's own count.
    assert "BRK001" not in {c.rule for c in result.contributions if c.criterion == "employee.wellbeing"}
    assert result.queue is not None
    (segment,) = result.queue.teams[0].segments
    assert (segment.misplaced_lunches, segment.lunch_after, segment.latest_lunch_hours_after) == (
        18,
        ["15:00"],
        6.5,
    )


def test_a_team_name_a_slip_away_from_an_organisation_team_is_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (ROOT / "policies" / "breaks" / "pie-van-lunch-ban.yaml").read_text(encoding="utf-8")
    target = tmp_path / "pie-van.yaml"
    target.write_text(text.replace("teams: [inbound]", "teams: [inbund]"), encoding="utf-8")
    config = str(ROOT / "policyweigh.toml")
    code, output = run(["evaluate", str(target), "--config", config, "--format", "json"], capsys)
    assert code == 0
    assert (
        f"{target}:21:11: warning: scope.teams[0]: team 'inbund' is not a team of the organisation file, "
        "so the policy's effect on its queue is not worked out (did you mean 'inbound'?)\n"
    ) in output


def test_a_team_over_the_headcount_bound_is_refused_at_its_shifts() -> None:
    text = MINIMAL.replace("people: 10}", "people: 20000}").replace(
        '      - {name: day, start: "08:00", hours: 8, people: 20000}\n',
        '      - {name: day, start: "08:00", hours: 8, people: 20000}\n'
        '      - {name: late, start: "10:00", hours: 8, people: 1}\n',
    )
    with pytest.raises(InputError) as err:
        load_organisation_text(text, "org.yaml")
    assert messages(err.value) == [
        "org.yaml:8:7: teams[0].shifts: team 't' has 20,001 people over its shift patterns; at most 20,000 "
        "per team: describe a larger department as several teams"
    ]


def test_the_work_stays_bounded_for_the_largest_team(monkeypatch: pytest.MonkeyPatch) -> None:
    import policyweigh.queue_effects as effects
    import policyweigh.rota as rota_module

    shifts = "".join(
        f'      - {{name: s{k}, start: "{6 + k // 2:02d}:{30 * (k % 2):02d}", hours: 8, people: 1000}}\n'
        for k in range(20)
    )
    workload = "".join(
        f'      - {{start: "{h:02d}:{m:02d}", calls: 3000, aht_seconds: 300}}\n'
        for h in range(7, 21)
        for m in (0, 30)
    )
    text = MINIMAL.split("    shifts:\n")[0] + "    shifts:\n" + shifts + "    workload:\n" + workload
    org = load_organisation_text(text)
    calls = {"days": 0}
    real = rota_module.run_day

    def counted(*args: object, **kwargs: object) -> rota_module.Day:
        calls["days"] += 1
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(rota_module, "run_day", counted)
    monkeypatch.setattr(effects, "run_day", counted)
    ban = make_policy(
        {"kind": "break-rule", "break": "lunch", "min_minutes": 30, "scheduling": "staggered"},
        scope={"teams": ["t"]},
    )
    impact = effects.assess(ban, org)
    assert impact is not None and impact.teams[0].cost_of_decency is not None
    # Today and under the policy, then two searches of at most SEARCH_LIMIT rotas each.
    assert calls["days"] <= 2 + 2 * rota_module.SEARCH_LIMIT
    # Placed in groups, yet every one of the 20,000 people has a lunch start.
    day = rota_module.run_day(org.teams[0], 30, baseline(org.teams[0]))
    assert [len(lunches) for lunches in day.lunches] == [s.people for s in org.teams[0].shifts]


def test_a_service_level_target_alone_changes_no_agent_and_keeps_its_rule_of_thumb() -> None:
    relaxed = make_policy(
        {"kind": "staffing", "service_level_target": {"answered_pct": 60, "within_seconds": 120}},
        scope={"teams": ["customer-service"]},
    )
    result = score_policies([relaxed], rulebook=BOOK, settings=WITH_ORGANISATION).result("p")
    assert result.queue is None
    assert ("STF007", "customer.speed") in {(c.rule, c.criterion) for c in result.contributions}
