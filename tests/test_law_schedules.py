"""Break schedules, waivers, dated requirements and clock windows (issue 12), through the real checker.

A break rule can state how many breaks a shift has (``count``), one every N hours
(``every_hours``), where the first may start (``earliest_after_hours``,
``latest_after_hours``) and a ``waiver: mutual-consent``; a pack's breaks can be due only on
some shift starts (``when_spans``, ``when_starts``), inside a window of the day (``within``),
from an earliest hour (``earliest_hours``) or around the shift's middle (``middle_minutes``),
and waivable by mutual consent (``waivable``); a requirement applies from ``since`` until
``until``. The bundled packs are held to the statutes in ``tests/test_law_cases.py`` and
``tests/test_law_boundaries.py``; the pack features themselves are tested here on small packs
written in the test, so each reading is exact whatever the bundled data says.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from policyweigh.cli import main
from policyweigh.law.check import GuardrailSettings, check_guardrails, scheduled_count
from policyweigh.policy import BreakRule, Policy
from policyweigh.results import Conflict
from policyweigh.rulebook import Rulebook, load_rulebook
from policyweigh.rulebook.guardrails import GuardrailPack
from tests.helpers import make_policy
from tests.test_law_cases import breach, brk, hm, lawful, rest, shift


@pytest.fixture(scope="module")
def book() -> Rulebook:
    return load_rulebook()


def sched(rule: dict[str, Any], **schedule: Any) -> dict[str, Any]:
    """A break rule with schedule fields added (count, every_hours, earliest/latest_after_hours, waiver)."""
    return {**rule, **schedule}


# =========================================================================== count and every_hours


def test_scheduled_count_reads_count_and_every_hours() -> None:
    def rule(**fields: Any) -> BreakRule:
        return BreakRule.model_validate({"kind": "break-rule", "break": "rest", "min_minutes": 10, **fields})

    assert scheduled_count(rule(), 480) is None
    assert scheduled_count(rule(count=2), 480) == 2
    # One every 2 hours on 8 hours: after 2, 4 and 6 hours (none at the very end).
    assert scheduled_count(rule(every_hours=2), 480) == 3
    assert scheduled_count(rule(every_hours=2), 481) == 4
    assert scheduled_count(rule(every_hours=2), 119) == 0


def test_count_and_every_hours_together_are_refused() -> None:
    with pytest.raises(ValueError, match="either count"):
        BreakRule.model_validate(
            {"kind": "break-rule", "break": "rest", "min_minutes": 10, "count": 2, "every_hours": 2}
        )


def test_de_arbzg_s4_one_rule_of_two_15_minute_rests_makes_the_30_minutes(book: Rulebook) -> None:
    """ArbZG §4 sentence 2: 2 x 15 minutes, written as one rule with count 2, are the 30 minutes due."""
    lawful(shift("de", hm(8), sched(rest(15), count=2)), book)


def test_de_arbzg_s4_one_15_minute_rest_alone_is_short(book: Rulebook) -> None:
    """ArbZG §4: the same rule with count 1 gives 15 of the 30 minutes due."""
    breach(shift("de", hm(8), sched(rest(15), count=1)), book, "ArbZG §4")


def test_uk_wtr_reg12_two_10_minute_rests_in_one_rule_are_still_no_20_minute_break(book: Rulebook) -> None:
    """WTR reg. 12(3): an uninterrupted 20 minutes; a count of two 10-minute rests does not add up to it."""
    breach(shift("uk", hm(8), sched(rest(10), count=2)), book, "WTR reg. 12")


def test_ca_wage_order_s12_one_rest_of_the_two_due_is_a_breach(book: Rulebook) -> None:
    """Wage Order 4 §12: 7.5 hours worked (8 with a 30-minute unpaid meal) owe two rest periods;
    a rule that gives one a shift falls short."""
    found = breach(
        shift("us-ca", hm(8), brk(30), sched(rest(10, paid=True), count=1)), book, "Wage Order 4 §12"
    )
    assert "rest breaks give one a shift, but two rest periods are due" in found[0].explanation


def test_ca_wage_order_s12_two_rests_a_shift_are_enough(book: Rulebook) -> None:
    lawful(shift("us-ca", hm(8), brk(30), sched(rest(10, paid=True), count=2)), book)


def test_ca_wage_order_s12_a_rest_every_two_hours_is_enough(book: Rulebook) -> None:
    """Wage Order 4 §12: every 2 hours gives three rests on an 8-hour day, more than the two due."""
    lawful(shift("us-ca", hm(8), brk(30), sched(rest(10, paid=True), every_hours=2)), book)


def test_ca_wage_order_s12_a_rest_every_five_hours_is_one_too_few(book: Rulebook) -> None:
    """Every 5 hours gives one rest on an 8-hour day; two are due."""
    breach(
        shift("us-ca", hm(8), brk(30), sched(rest(10, paid=True), every_hours=5)), book, "Wage Order 4 §12"
    )


def test_de_arbzg_s4_a_15_minute_rest_every_two_hours_keeps_every_stretch_under_six_hours(
    book: Rulebook,
) -> None:
    """ArbZG §4: three 15-minute rests on 9 hours (8 h 15 worked) make 45 minutes in parts of 15,
    and no stretch of work is longer than six hours."""
    lawful(shift("de", hm(9), sched(rest(15), every_hours=2)), book)


# =========================================================================== where the policy puts the break


def test_de_arbzg_s4_a_lunch_scheduled_after_six_hours_breaches(book: Rulebook) -> None:
    """ArbZG §4 sentence 3: no more than six hours in a row; a lunch the policy places no earlier than
    6.5 hours into the shift leaves six and a half hours of work before it."""
    found = breach(shift("de", hm(9), sched(brk(30), earliest_after_hours=6.5)), book, "ArbZG §4")
    assert found[0].explanation.startswith(
        "the shift from 08:00 to 17:00 leaves no room for a 30-minute break starting by 14:00: the "
        "schedule lets it start no earlier than 14:30"
    )


def test_de_arbzg_s4_a_lunch_scheduled_between_three_and_five_hours_is_lawful(book: Rulebook) -> None:
    lawful(shift("de", hm(9), sched(brk(30), earliest_after_hours=3, latest_after_hours=5)), book)


def test_ca_s512_a_meal_scheduled_no_earlier_than_hour_five_and_a_half_misses_the_fifth_hour(
    book: Rulebook,
) -> None:
    """Labor Code §512(a) / Brinker: the meal starts no later than the end of the fifth hour worked."""
    found = breach(
        shift("us-ca", hm(8), sched(brk(30), earliest_after_hours=5.5), sched(rest(10, paid=True), count=2)),
        book,
        "Labor Code §512",
    )
    assert (
        "leaves no room for a 30-minute break starting by 13:00: the schedule lets it start no earlier "
        "than 13:30" in found[0].explanation
    )


def test_latest_before_earliest_is_refused() -> None:
    with pytest.raises(ValueError, match="before earliest_after_hours"):
        BreakRule.model_validate(
            {
                "kind": "break-rule",
                "break": "lunch",
                "min_minutes": 30,
                "earliest_after_hours": 4,
                "latest_after_hours": 3,
            }
        )


# =========================================================================== pack features on small packs

BASE = {
    "code": "GRD900",
    "jurisdiction": "xx",
    "name": "xx.meal",
    "label": "meal periods",
    "summary": "A test requirement.",
    "binds": ["lunch", "any"],
    "min_minutes": 30,
    "severity": "error",
    "citation": "Test Act, s. 1",
    "source": "Written for the test.",
}


def packs(*requirements: dict[str, Any]) -> dict[str, GuardrailPack]:
    """One pack ``xx`` of these requirements (each over BASE)."""
    reqs = []
    for number, changes in enumerate(requirements):
        data = {**BASE, "code": f"GRD9{number:02d}", **changes}
        # Read as the loader reads YAML: dates as dates.
        reqs.append(yaml.safe_load(yaml.safe_dump(data)))
    return {"xx": GuardrailPack.model_validate({"title": "Test", "requirements": reqs})}


def check(policy: Policy, pack: dict[str, GuardrailPack], **settings: Any) -> list[Conflict]:
    return check_guardrails(policy, settings=GuardrailSettings(**settings), packs=pack).conflicts


def day(presence: int, *rules: dict[str, Any], starts: tuple[str, ...] = ("08:00",)) -> Policy:
    return make_policy(
        *rules, jurisdiction="xx", scope={"shift_hours": presence / 60, "shift_starts": list(starts)}
    )


CA_MEALS = {
    "applies": {"over_hours": 5},
    "working_time": {"kinds": ["lunch", "any"]},
    "breaks": [
        {"deadline": {"hours": 5, "kind": "start-by"}, "waivable": {"up_to_hours": 6}},
        {
            "when": {"over_hours": 10},
            "deadline": {"hours": 10, "kind": "start-by"},
            "waivable": {"up_to_hours": 12, "if_previous_taken": True},
        },
    ],
}


def test_waiver_at_exactly_six_hours_worked_waives_the_meal() -> None:
    """Labor Code §512(a): "if the total work period per day ... is no more than six hours, the meal
    period may be waived by mutual consent": 6 h 00 worked and no meal taken is lawful with a waiver."""
    pack = packs(CA_MEALS)
    assert check(day(hm(6), sched(brk(30, "08:00-23:59"), waiver="mutual-consent")), pack) == []


def test_waiver_at_six_hours_and_one_minute_is_a_breach() -> None:
    pack = packs(CA_MEALS)
    # A 6 h 31 presence: with the 30-minute meal waived, that is 6 h 31 of work, over the six hours.
    found = check(day(hm(6, 31), sched(brk(30), waiver="mutual-consent")), pack)
    assert [(c.code, c.severity) for c in found] == [("GRD900", "error")]
    assert "allows that only for working time of at most 6 hours" in found[0].explanation


def test_second_meal_waivable_up_to_twelve_hours_when_the_first_is_taken() -> None:
    """§512(a): the second meal may be waived when the day is no more than 12 hours and the first
    was not waived: one meal taken on 11 hours worked is lawful with a waiver, a breach without."""
    pack = packs(CA_MEALS)
    with_waiver = day(hm(11, 30), sched(brk(30), count=1, waiver="mutual-consent"))
    assert check(with_waiver, pack) == []
    without = day(hm(11, 30), sched(brk(30), count=1))
    assert [c.code for c in check(without, pack)] == ["GRD900"]


def test_no_waiver_over_twelve_hours() -> None:
    pack = packs(CA_MEALS)
    found = check(day(hm(13), sched(brk(30), count=1, waiver="mutual-consent")), pack)
    assert found and all(c.severity == "error" for c in found)


def test_a_waiver_the_law_does_not_provide_for_is_a_warning_and_the_break_stays_due() -> None:
    pack = packs({"applies": {"over_hours": 6}, "breaks": [{}]})
    found = check(day(hm(8), sched(brk(30), waiver="mutual-consent")), pack)
    assert [(c.code, c.severity) for c in found] == [("GRD900", "warning")]
    assert "which the law does not provide for: they stay due" in found[0].explanation


NOON = {
    "applies": {"over_hours": 6},
    "breaks": [{"when_spans": {"from": "11:00", "to": "14:00"}, "within": {"from": "11:00", "to": "14:00"}}],
}


def test_a_break_due_inside_a_window_of_the_day_on_shifts_that_span_it() -> None:
    """New York Labor Law §162(3) as a small pack: a shift over six hours that spans 11:00-14:00
    owes 30 minutes inside it; a lunch blocked 11:00-14:00 cannot give them."""
    pack = packs(NOON)
    found = check(day(hm(8), brk(30, "11:00-14:00")), pack)
    assert [c.code for c in found] == ["GRD900"]
    assert "between 11:00 and 14:00" in found[0].explanation
    assert check(day(hm(8), brk(30, "14:00-23:59")), pack) == []


def test_a_shift_that_does_not_span_the_window_owes_nothing_there() -> None:
    pack = packs(NOON)
    # 11:01 to 19:01 does not extend over the whole of 11:00-14:00.
    assert check(day(hm(8), brk(30, "11:00-14:00"), starts=("11:01",)), pack) == []
    # 11:00 to 19:00 does.
    assert [c.code for c in check(day(hm(8), brk(30, "11:00-14:00"), starts=("11:00",)), pack)] == ["GRD900"]


def test_a_missing_break_due_in_a_window_says_where() -> None:
    pack = packs(NOON)
    found = check(day(hm(8), rest(10, paid=True)), pack)
    assert "30 minutes are due between 11:00 and 14:00" in found[0].explanation


def test_starts_in_a_window_across_midnight() -> None:
    """New York §162(5) as a small pack: due only on shifts starting between 13:00 and 06:00."""
    pack = packs(
        {"applies": {"over_hours": 6}, "breaks": [{"when_starts": {"from": "13:00", "to": "06:00"}}]}
    )
    night = check(day(hm(8), rest(10), starts=("22:00",)), pack)
    assert [c.code for c in night] == ["GRD900"]
    assert check(day(hm(8), rest(10), starts=("08:00",)), pack) == []
    assert [c.code for c in check(day(hm(8), rest(10), starts=("05:59",)), pack)] == ["GRD900"]
    assert check(day(hm(8), rest(10), starts=("06:00",)), pack) == []


def test_earliest_hours_and_middle_of_the_shift() -> None:
    """Washington WAC 296-126-092(1) as a small pack: the meal starts 2 to 5 hours into the shift."""
    pack = packs(
        {
            "applies": {"over_hours": 5},
            "breaks": [{"earliest_hours": 2, "deadline": {"hours": 5, "kind": "start-by"}}],
        }
    )
    # Blocked from 10:00 on an 08:00 shift: the first minute allowed is 10:00.
    assert [c.code for c in check(day(hm(8), brk(30, "10:00-23:59")), pack)] == ["GRD900"]
    assert check(day(hm(8), brk(30, "00:00-10:00", "10:30-23:59")), pack) == []
    middle = packs({"applies": {"over_hours": 6}, "breaks": [{"middle_minutes": 60}]})
    # An 08:00-16:00 shift's middle is 12:00: a break may start 11:00 to 13:00.
    assert check(day(hm(8), brk(30, "00:00-13:00", "13:30-23:59")), middle) == []
    assert [c.code for c in check(day(hm(8), brk(30, "00:00-13:01")), middle)] == ["GRD900"]


def test_requirements_in_force_on_a_day() -> None:
    """A later change of the law is a new requirement with its own date: the old one ends the day
    the new one starts, and the checker reads the law of the day asked for (today's by default)."""
    old = {
        "applies": {"over_hours": 6},
        "breaks": [{}],
        "min_minutes": 15,
        "since": datetime.date(2000, 1, 1),
        "until": datetime.date(2025, 1, 1),
    }
    new = {**old, "min_minutes": 30, "since": datetime.date(2025, 1, 1), "until": None}
    pack = packs(old, new)
    twenty = day(hm(8), brk(20))
    assert [c.code for c in check(twenty, pack)] == ["GRD901"]
    assert check(twenty, pack, as_of=datetime.date(2024, 12, 31)) == []
    assert [c.code for c in check(twenty, pack, as_of=datetime.date(2025, 1, 1))] == ["GRD901"]


def test_within_must_not_cross_midnight() -> None:
    with pytest.raises(ValueError, match="same day"):
        packs({"applies": {"over_hours": 6}, "breaks": [{"within": {"from": "22:00", "to": "02:00"}}]})


# =========================================================================== jurisdiction is any pack


@pytest.mark.parametrize("command", ["validate", "check", "evaluate"])
def test_an_unknown_jurisdiction_is_a_located_error_with_did_you_mean(
    tmp_path: Path, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "p.yaml"
    file.write_text(
        "id: p\ntitle: P\njurisdiction: usca\nrules:\n  - kind: break-rule\n    break: lunch\n    min_minutes: 30\n"
    )
    assert main([command, str(file)]) == 2
    err = capsys.readouterr().err
    assert f"{file}:3:15: jurisdiction: the rulebook has no guardrail pack 'usca'" in err
    assert "(did you mean 'us-ca'?)" in err


def test_the_format_takes_any_pack_of_an_organisation_rulebook() -> None:
    policy = make_policy(brk(30), jurisdiction="xx", scope={"shift_hours": 8})
    assert policy.jurisdiction == "xx"
    assert check(policy, packs({"applies": {"over_hours": 6}, "breaks": [{}]})) == []


# =========================================================================== the law of a day, from the settings


GERMAN_SHORT_LUNCH = """\
id: short-lunch
title: A 15-minute lunch on an 8-hour German shift
jurisdiction: de
scope: {shift_hours: 8, shift_starts: ["08:00"]}
rules:
  - kind: break-rule
    break: lunch
    min_minutes: 15
"""


@pytest.mark.parametrize(
    ("law_date", "exit_code"),
    [(None, 1), ("2026-11-26", 1), ("1994-07-01", 1), ("1994-06-30", 0)],
    ids=["today", "a-day-in-force", "arbzg-first-day", "the-day-before-the-arbzg"],
)
def test_law_date_reads_the_requirements_in_force_that_day(
    tmp_path: Path, law_date: str | None, exit_code: int, capsys: pytest.CaptureFixture[str]
) -> None:
    """ArbZG §4 applies from 1 July 1994 (the bundled pack's ``since``): read on an earlier day,
    the German pack has nothing in force and the check says there is no legal verdict."""
    (tmp_path / "p.yaml").write_text(GERMAN_SHORT_LUNCH)
    (tmp_path / "policyweigh.toml").write_text(f"law_date = {law_date}\n" if law_date else "")
    code = main(["check", str(tmp_path / "p.yaml"), "--config", str(tmp_path / "policyweigh.toml")])
    out = capsys.readouterr().out
    assert code == exit_code, out
    assert ("GRD020" in out) == (exit_code == 1)


def test_every_bundled_requirement_links_its_article_and_is_dated(book: Rulebook) -> None:
    """Each requirement carries a link to the official text and the day it applies from; New York's
    section 162 has no date of its current wording that could be established, which its source says."""
    undated = []
    for key, pack in book.guardrails.items():
        for req in pack.requirements:
            assert req.url is not None and req.url.startswith("https://"), req.code
            if req.since is None:
                undated.append(req.code)
                assert key == "us-ny", req.code
    assert undated == ["GRD090", "GRD091", "GRD092"]
