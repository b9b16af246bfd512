"""Values that explain themselves: times, windows past midnight, units in field names, empty files.

Messages are asserted whole, as a person reads them: ``file:line:column: path: message`` with
the likely value as "did you mean". Windows past midnight go through the real engine: the
measures, the legal checker and the remedy that opens a break slot all read them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from policyweigh.config import Settings
from policyweigh.errors import InputError
from policyweigh.evaluation import EvaluationRun
from policyweigh.facts import window_features
from policyweigh.hints import time_hint, unit_hint
from policyweigh.law.check import GuardrailSettings
from policyweigh.loading import load_library, load_policy, load_policy_text
from policyweigh.measures import MEASURES
from policyweigh.orchestration import evaluate
from policyweigh.policy import RULE_KINDS, BreakRule, Policy, Window, blocked_minutes
from policyweigh.remedies import legal_break_slot
from policyweigh.rulebook import Rulebook
from tests.helpers import make_policy


def problems(text: str) -> list[str]:
    """Every problem of a policy given as YAML text, as printed."""
    with pytest.raises(InputError) as caught:
        load_policy_text(text, "p.yaml")
    return [str(p) for p in caught.value.problems]


def starts(value: str) -> list[str]:
    """The problems of a policy whose one shift start is written ``value`` (unquoted in the YAML)."""
    return problems(f"id: p\ntitle: P\nscope:\n  shift_starts: [{value}]\nrules:\n  - {{kind: training}}\n")


# --------------------------------------------------------------------------- times

EXPECTED = "p.yaml:4:18: scope.shift_starts[0]: expected a time as HH:MM between 00:00 and 23:59; got "


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("9am", "'9am' (did you mean '09:00'?)"),
        ("9:30pm", "'9:30pm' (did you mean '21:30'?)"),
        ("12am", "'12am' (did you mean '00:00'?)"),
        ("7:00", "'7:00' (did you mean '07:00'?)"),
        # The loader reads YAML 1.2: an unquoted 9:30 is the string "9:30", not the number 570.
        ("9:30", "'9:30' (did you mean '09:30'?)"),
        ("'9.30'", "'9.30' (did you mean '09:30'?)"),
        ("'0930'", "'0930' (did you mean '09:30'?)"),
        ("10:00:00", "'10:00:00': a time has no seconds (did you mean '10:00'?)"),
        ("noon", "'noon' (did you mean '12:00'?)"),
        (
            "24:00",
            "'24:00': midnight is written 00:00, also at the end of a window (did you mean '00:00'?)",
        ),
        (
            "25:00",
            "'25:00': hours run from 00 to 23 (a time after midnight is the next day's, such as 01:00)",
        ),
        ("10:75", "'10:75': minutes run from 00 to 59"),
        ("13pm", "'13pm': a 12-hour time runs from 1:00 to 12:59 am or pm"),
        ("930", "the number 930: a time is written in quotes (did you mean '09:30'?)"),
        ("9", "the number 9: a time is written in quotes (did you mean '09:00'?)"),
        ("9.5", "the number 9.5: a time is written in quotes"),
        ("soon", "'soon'"),
    ],
)
def test_a_time_that_is_not_hh_mm_gets_a_hint(written: str, message: str) -> None:
    assert starts(written) == [EXPECTED + message]


def test_a_yaml_1_1_sexagesimal_number_is_read_back_as_the_time_it_was() -> None:
    # Data read by a YAML 1.1 reader (yaml.safe_load turns 9:30 into 570) and validated here.
    message, suggestion = time_hint(570)
    assert message.endswith(
        "got the number 570: YAML 1.1 reads an unquoted 9:30 as 570 minutes; a time is written in quotes"
    )
    assert suggestion == "09:30"
    with pytest.raises(ValidationError, match="570 minutes"):
        Policy.model_validate(
            {"id": "p", "title": "P", "scope": {"shift_starts": [570]}, "rules": [{"kind": "training"}]}
        )


def test_a_list_where_a_time_belongs_says_so() -> None:
    assert starts("[1]") == ["p.yaml:4:18: scope.shift_starts[0]: expected a string; got a list"]


def test_hh_mm_times_still_load() -> None:
    policy = load_policy_text(
        'id: p\ntitle: P\nscope:\n  shift_starts: ["00:00", 09:30, "23:59"]\nrules:\n  - {kind: training}\n'
    )
    assert policy.scope.shift_starts == ["00:00", "09:30", "23:59"]


# --------------------------------------------------------------------------- windows past midnight


def window(start: str, end: str) -> Window:
    return Window.model_validate({"from": start, "to": end})


@pytest.mark.parametrize(
    ("start", "end", "parts", "minutes"),
    [
        ("10:00", "12:00", [(600, 720)], 120),
        ("22:00", "02:00", [(1320, 1440), (0, 120)], 240),
        ("22:00", "00:00", [(1320, 1440)], 120),
        ("00:00", "00:01", [(0, 1)], 1),
        ("23:59", "00:00", [(1439, 1440)], 1),
    ],
)
def test_a_window_is_read_as_same_day_parts(
    start: str, end: str, parts: list[tuple[int, int]], minutes: int
) -> None:
    w = window(start, end)
    assert w.parts() == parts
    assert w.minutes == minutes == sum(e - s for s, e in parts)
    assert w.crosses_midnight == (len(parts) > 1 or parts[0][1] == 1440)
    assert (w.from_, w.to) == (start, end)  # the model keeps the window as written


def test_an_empty_window_is_refused() -> None:
    text = (
        "id: p\ntitle: P\nrules:\n  - kind: break-rule\n    break: lunch\n    min_minutes: 30\n"
        '    blocked_windows: [{from: "10:00", to: "10:00"}]\n'
    )
    assert problems(text) == [
        "p.yaml:7:23: rules[0].blocked_windows[0]: a window from 10:00 to 10:00 covers no time; "
        'from and to must differ (a window past midnight runs across it, from "22:00" to "02:00")'
    ]


def night_break(*windows: tuple[str, str], shift_hours: float = 8.5) -> Policy:
    """A German night shift from 22:00 with a 30-minute unpaid break, barred from ``windows``."""
    return make_policy(
        {
            "kind": "break-rule",
            "break": "lunch",
            "min_minutes": 30,
            "blocked_windows": [{"from": a, "to": b} for a, b in windows],
        },
        jurisdiction="de",
        scope={"shift_hours": shift_hours, "shift_starts": ["22:00"]},
    )


def test_blocked_minutes_and_the_window_facts_count_a_window_past_midnight() -> None:
    rule = night_break(("22:00", "02:00"), ("10:00", "11:00")).rules[0]
    assert isinstance(rule, BreakRule)
    assert blocked_minutes(rule.blocked_windows) == 300
    assert window_features(rule.blocked_windows)["blocked_windows.total_minutes"] == 300
    share = MEASURES["break-rule"]["blocked_windows.share_of_shift"]
    policy = night_break(("22:00", "02:00"))
    assert share.compute(policy.rules[0], policy) == round(240 / 510, 4)


def guardrail_errors(run: EvaluationRun) -> list[str]:
    return [c.code for c in run.evaluation.conflicts if c.kind == "guardrail" and c.severity == "error"]


def test_the_legal_checker_reads_a_window_past_midnight(rulebook: Rulebook) -> None:
    # 22:00-05:00 leaves the break no place before six hours of work (ArbZG section 4): a breach.
    barred = evaluate([night_break(("22:00", "05:00"))], rulebook=rulebook, settings=Settings())
    assert guardrail_errors(barred), barred.evaluation.conflicts
    # 22:00-02:00 leaves 02:00 onwards: lawful, as the same window written in two parts is.
    for windows in ((("22:00", "02:00"),), (("22:00", "00:00"), ("00:00", "02:00"))):
        run = evaluate([night_break(*windows)], rulebook=rulebook, settings=Settings())
        assert guardrail_errors(run) == []


def test_the_remedy_opening_a_break_slot_writes_windows_that_load(rulebook: Rulebook) -> None:
    policy = night_break(("22:00", "05:00"))
    run = evaluate([policy], rulebook=rulebook, settings=Settings(), remedies=False)
    (code, *_) = guardrail_errors(run)
    packs = rulebook.guardrails
    windows = legal_break_slot(policy, 0, code, GuardrailSettings(edge_margin_minutes=30), packs)
    assert windows is not None
    patched = night_break(*((w["from"], w["to"]) for w in windows))
    assert guardrail_errors(evaluate([patched], rulebook=rulebook, settings=Settings())) == []
    # The night stays blocked apart from the slot cut out of it.
    rule = patched.rules[0]
    assert isinstance(rule, BreakRule) and blocked_minutes(rule.blocked_windows) >= 420 - 30


# --------------------------------------------------------------------------- units in field names

RULE = "id: p\ntitle: P\nrules:\n  - {{kind: {kind}, {fields}}}\n"


@pytest.mark.parametrize(
    ("kind", "fields", "message"),
    [
        (
            "leader-floor-time",
            "hours_per_week: 2",
            "p.yaml:4:31: rules[0].hours_per_week: unknown field; expected one of hours_per_month, roles, "
            "note; 2 hours a week is about 8.7 hours a month, so write hours_per_month: 8.7 "
            "(did you mean 'hours_per_month'?)",
        ),
        (
            "call-time-cap",
            "max_seconds: 300",
            "p.yaml:4:27: rules[0].max_seconds: unknown field; expected one of metric, max_minutes, "
            "enforcement, typical_minutes, note; 300 seconds is 5 minutes, so write max_minutes: 5 "
            "(did you mean 'max_minutes'?)",
        ),
        (
            "break-rule, break: rest",
            "min_hours: 0.25",
            "p.yaml:4:37: rules[0].min_hours: unknown field; expected one of break, min_minutes, "
            "blocked_windows, scheduling, paid, count, every_hours, earliest_after_hours, latest_after_hours, "
            "waiver, note; 0.25 hours is 15 minutes, so write min_minutes: 15 "
            "(did you mean 'min_minutes'?)",
        ),
        (
            "training",
            "hours_per_month: 2",
            "p.yaml:4:22: rules[0].hours_per_month: unknown field; expected one of topics, hours_per_year, "
            "onboarding_weeks, audience, note; 2 hours a month is 24 hours a year, so write "
            "hours_per_year: 24 (did you mean 'hours_per_year'?)",
        ),
        (
            "leader-floor-time",
            "hours_per_week: lots",
            "p.yaml:4:31: rules[0].hours_per_week: unknown field; expected one of hours_per_month, roles, "
            "note; hours_per_month counts hours a month, not hours a week (did you mean 'hours_per_month'?)",
        ),
    ],
)
def test_a_field_one_unit_away_gets_the_conversion(kind: str, fields: str, message: str) -> None:
    assert problems(RULE.format(kind=kind, fields=fields)) == [message]


def test_a_unit_away_in_the_scope_and_a_service_level() -> None:
    text = (
        "id: p\ntitle: P\nscope: {shift_minutes: 480}\nrules:\n"
        "  - {kind: staffing, service_level_target: {answered_pct: 80, within_minutes: 0.5}}\n"
    )
    assert problems(text) == [
        "p.yaml:3:9: scope.shift_minutes: unknown field; expected one of teams, roles, customer_facing, "
        "headcount, shift_hours, shift_starts, rotation, customers_see_staff; 480 minutes is 8 hours, so write "
        "shift_hours: 8 (did you mean 'shift_hours'?)",
        "p.yaml:5:63: rules[0].service_level_target.within_minutes: unknown field; expected one of "
        "answered_pct, within_seconds; 0.5 minutes is 30 seconds, so write within_seconds: 30 "
        "(did you mean 'within_seconds'?)",
    ]


@pytest.mark.parametrize(
    ("name", "value", "fields", "expected"),
    [
        (
            "remote_days_per_month",
            8,
            ["remote_days_per_week"],
            (
                "remote_days_per_week",
                "8 days a month is about 1.84 days a week, so write remote_days_per_week: 1.84",
            ),
        ),
        (
            "onboarding_months",
            3,
            ["onboarding_weeks"],
            ("onboarding_weeks", "3 months is about 13 weeks, so write onboarding_weeks: 13"),
        ),
        (
            "within_minutes",
            1,
            ["within_seconds"],
            ("within_seconds", "1 minute is 60 seconds, so write within_seconds: 60"),
        ),
        (
            "calls_per_hour",
            12,
            ["calls_per_day"],
            ("calls_per_day", "12 calls an hour is 288 calls a day, so write calls_per_day: 288"),
        ),
        # The same unit spelt short is an ordinary typo, and a name with no unit has nothing to convert.
        ("max_mins", 5, ["max_minutes"], None),
        ("maximum", 5, ["max_minutes"], None),
        ("max_hours", 5, ["min_minutes"], None),
    ],
)
def test_unit_hint(name: str, value: Any, fields: list[str], expected: tuple[str, str] | None) -> None:
    assert unit_hint(name, value, fields) == expected


# --------------------------------------------------------------------------- empty files

NO_POLICY = (
    "the file holds no policy: it is empty or holds only comments; `policyweigh new KIND -o FILE "
    "--force` writes a commented policy to start from (KIND is one of the {count} rule kinds, such as "
    "break-rule; `policyweigh new -h` lists them)"
)


@pytest.mark.parametrize("text", ["", "\n\n", "# a policy, one day\n# more to come\n", "---\n", "~\n"])
def test_an_empty_policy_file_suggests_policyweigh_new(tmp_path: Path, text: str) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text(text, encoding="utf-8")
    expected = f"{path}:1:1: " + NO_POLICY.format(count=len(RULE_KINDS))
    for load in (load_policy, lambda p: load_library([p])):
        with pytest.raises(InputError) as caught:
            load(path)
        assert [str(p) for p in caught.value.problems] == [expected]
    with pytest.raises(InputError) as caught:
        load_library([tmp_path])
    assert [str(p) for p in caught.value.problems] == [expected]
