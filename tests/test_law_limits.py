"""Daily limits (issue 12): the longest working day and the rest between working days, to the minute.

Every case runs the real checker (``policyweigh.law.limits.check_limits``) on the bundled packs and
names the article it reads. Boundaries come in pairs: exactly at the limit, and one minute past it.

How the cases read the law:

- **Longest working day.** ArbZG section 3: "Die werktägliche Arbeitszeit der Arbeitnehmer darf acht
  Stunden nicht überschreiten. Sie kann auf bis zu zehn Stunden nur verlängert werden, wenn ... im
  Durchschnitt acht Stunden werktäglich nicht überschritten werden": over 10 hours is a breach, over
  8 up to 10 a warning (the average is nothing a policy states). Working time is without the breaks
  (section 2(1)); in Germany every break of 15 minutes or more, paid or not. Code du travail L3121-18:
  ten hours of effective work a day; Arbeidstijdenwet art. 5:7: twelve hours per shift.
- **Rest between working days.** The rest between two days of ``scope.rotation`` runs from the end of
  one day's shift to the start of the next day's: (24 h + next start) - (start + shift length).
  Directive 2003/88 art. 3, WTR reg. 10, ArbZG section 5(1), L3131-1 and art. 5:3: 11 hours. The
  shorter rests the law allows in cases a policy cannot state are warnings: at a change of shift
  (Directive art. 17(4)(a), WTR reg. 22(1)(a)), in the sectors of ArbZG section 5(2) (down to 10
  hours), once in seven days in the Netherlands (down to 8 hours).
"""

from __future__ import annotations

import datetime
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from policyweigh.errors import InputError
from policyweigh.law.check import GuardrailSettings
from policyweigh.law.limits import check_limits, rest_gaps
from policyweigh.results import Conflict
from policyweigh.rulebook.guardrails import GUARDRAILS_FILE, GuardrailPacks, load_guardrails
from tests.helpers import make_policy

SETTINGS = GuardrailSettings()
TRAINING = {"kind": "training", "hours_per_year": 10}
"""A rule that says nothing about breaks, for policies whose scope alone gives the working day."""

EU_3 = "Directive 2003/88/EC, Art. 3"
UK_10 = "UK Working Time Regulations 1998, reg. 10"
DE_3 = "Arbeitszeitgesetz (ArbZG), section 3"
DE_5 = "Arbeitszeitgesetz (ArbZG), section 5"
FR_18 = "Code du travail, art. L3121-18"
FR_REST = "Code du travail, art. L3131-1"
NL_7 = "Arbeidstijdenwet, art. 5:7"
NL_3 = "Arbeidstijdenwet, art. 5:3"
ES_34 = "Estatuto de los Trabajadores, art. 34.3"
IE_11 = "Organisation of Working Time Act 1997, section 11"


@pytest.fixture(scope="module")
def packs() -> GuardrailPacks:
    return load_guardrails()


def brk(minutes: int, kind: str = "lunch", paid: bool = False) -> dict[str, Any]:
    """A break rule of ``minutes``."""
    return {"kind": "break-rule", "break": kind, "min_minutes": minutes, "paid": paid}


def limits(
    packs: GuardrailPacks,
    jurisdiction: str | None,
    presence: int | None,
    *rules: dict[str, Any],
    rotation: tuple[str, ...] = (),
    starts: tuple[str, ...] = (),
    settings: GuardrailSettings = SETTINGS,
) -> list[Conflict]:
    """The daily-limit conflicts of a policy with shifts of ``presence`` minutes (breaks included;
    None: not given), its ``rules`` (a training rule when none), rotation and shift starts."""
    scope: dict[str, Any] = {}
    if presence is not None:
        scope["shift_hours"] = presence / 60
    if rotation:
        scope["rotation"] = list(rotation)
    if starts:
        scope["shift_starts"] = list(starts)
    policy = make_policy(*(rules or (TRAINING,)), jurisdiction=jurisdiction, scope=scope)
    return check_limits(policy, settings=settings, packs=packs)


def only(found: list[Conflict], citation: str) -> Conflict:
    """The one conflict found, which must cite ``citation``."""
    assert len(found) == 1, [c.explanation for c in found]
    (conflict,) = found
    assert conflict.kind == "guardrail"
    assert conflict.citation == citation
    assert conflict.explanation.endswith(f"({citation})")
    return conflict


# --------------------------------------------------------------------------- the time line


@pytest.mark.parametrize(
    ("rotation", "shift", "rests"),
    [
        (("22:00", "14:00"), 480, [480]),  # ends 06:00, next starts 14:00 the next day
        (("16:00", "11:00"), 480, [660]),  # ends at midnight exactly
        (("23:30", "18:29"), 480, [659]),  # ends 07:30 the next day
        (("06:00", "14:00", "22:00"), 480, [1440, 1440]),  # a forward rotation
        (("22:00", "14:00", "06:00"), 480, [480, 480]),  # a backward rotation
        (("14:00", "05:00"), 960, [-60]),  # a 16-hour shift runs an hour into the next one
        (("08:00",), 480, []),  # one day: no rest between days
    ],
)
def test_rest_between_days_runs_across_midnight(
    rotation: tuple[str, ...], shift: int, rests: list[int]
) -> None:
    assert [gap.rest for gap in rest_gaps(rotation, shift)] == rests


# --------------------------------------------------------------------------- ArbZG section 3


def test_arbzg_s3_ten_hours_worked_is_only_the_averaging_warning(packs: GuardrailPacks) -> None:
    # 10 h 30 presence less a 30-minute lunch: exactly 10 hours of work, the ceiling of section 3.
    conflict = only(limits(packs, "de", 630, brk(30), starts=("08:00",)), DE_3)
    assert conflict.code == "GRD121"
    assert conflict.severity == "warning"
    assert conflict.explanation.startswith(
        "the shift starting 08:00 works 10 hours (10 hours 30 minutes less 30 minutes of breaks that are "
        "no working time), more than the 8 hours of working time a working day allowed; a longer day is "
        "lawful only if the working time averages no more than 8 hours a working day over six calendar "
        "months or 24 weeks"
    )


def test_arbzg_s3_ten_hours_one_minute_worked_is_a_breach(packs: GuardrailPacks) -> None:
    conflict = only(limits(packs, "de", 631, brk(30), starts=("08:00",)), DE_3)
    assert conflict.code == "GRD120"
    assert conflict.severity == "error"
    assert "works 10 hours 1 minute" in conflict.explanation
    assert "more than the 10 hours of working time a working day allowed" in conflict.explanation
    assert conflict.rules == ["p/rules[0]"]  # the working time comes from the policy's break rule


def test_arbzg_s3_eight_hours_worked_is_lawful(packs: GuardrailPacks) -> None:
    assert limits(packs, "de", 510, brk(30)) == []


def test_arbzg_s3_eight_hours_one_minute_worked_is_a_warning(packs: GuardrailPacks) -> None:
    conflict = only(limits(packs, "de", 511, brk(30)), DE_3)
    assert (conflict.code, conflict.severity) == ("GRD121", "warning")
    assert "a shift works 8 hours 1 minute" in conflict.explanation


def test_arbzg_s2_a_paid_break_is_no_working_time_either(packs: GuardrailPacks) -> None:
    # Section 2(1): working time "ohne die Ruhepausen", pay aside: 10 h 30 with a paid 30 is 10 hours.
    conflict = only(limits(packs, "de", 630, brk(30, paid=True)), DE_3)
    assert conflict.code == "GRD121"


def test_arbzg_s2_a_ten_minute_interruption_is_working_time(packs: GuardrailPacks) -> None:
    # Section 4: parts under 15 minutes are no Ruhepause, so 10 h 10 with a 10-minute rest is all work.
    conflict = only(limits(packs, "de", 610, brk(10, kind="rest")), DE_3)
    assert conflict.code == "GRD120"
    assert "works 10 hours 10 minutes, more than the 10 hours" in conflict.explanation


def test_arbzg_s3_breach_without_shift_hours_says_the_length_was_assumed(packs: GuardrailPacks) -> None:
    settings = GuardrailSettings(default_shift_hours=11)
    conflict = only(limits(packs, "de", None, brk(30), settings=settings), DE_3)
    assert conflict.code == "GRD120"
    assert "works 10 hours 30 minutes" in conflict.explanation
    assert "assuming 11-hour shifts, as the policy gives no shift_hours" in conflict.explanation


# --------------------------------------------------------------------------- L3121-18 and art. 5:7


def test_l3121_18_ten_hours_of_effective_work_is_lawful(packs: GuardrailPacks) -> None:
    assert limits(packs, "fr", 620, brk(20)) == []


def test_l3121_18_ten_hours_one_minute_is_a_breach_naming_the_agreements(packs: GuardrailPacks) -> None:
    conflict = only(limits(packs, "fr", 621, brk(20)), FR_18)
    assert (conflict.code, conflict.severity) == ("GRD130", "error")
    assert "works 10 hours 1 minute (10 hours 21 minutes less 20 minutes" in conflict.explanation
    assert "more than the 10 hours of working time a day allowed" in conflict.explanation
    assert "a longer day is lawful only up to 12 hours under a company or branch agreement" in (
        conflict.explanation
    )
    assert "(L3121-19)" in conflict.explanation


def test_l3121_18_a_paid_break_stays_effective_work(packs: GuardrailPacks) -> None:
    # The French pack reads effective work as the shift less its unpaid breaks only.
    conflict = only(limits(packs, "fr", 620, brk(20, paid=True)), FR_18)
    assert "works 10 hours 20 minutes, more than" in conflict.explanation


def test_arbeidstijdenwet_5_7_twelve_hours_per_shift_is_lawful(packs: GuardrailPacks) -> None:
    assert limits(packs, "nl", 765, brk(45)) == []


def test_arbeidstijdenwet_5_7_twelve_hours_one_minute_is_a_breach(packs: GuardrailPacks) -> None:
    conflict = only(limits(packs, "nl", 721), NL_7)
    assert (conflict.code, conflict.severity) == ("GRD140", "error")
    assert conflict.explanation.startswith(
        "a shift works 12 hours 1 minute, more than the 12 hours of working time a shift allowed"
    )
    assert conflict.rules == []  # no break rule: the finding is about the scope


# --------------------------------------------------------------------------- 11 hours of rest, each pack

# (pack, citation, code): a 13-hour shift at the same start every day leaves exactly 11 hours.
ELEVEN = [
    pytest.param("eu", EU_3, "GRD100", id="Directive 2003/88 art. 3"),
    pytest.param("uk", UK_10, "GRD110", id="WTR 1998 reg. 10"),
    pytest.param("de", DE_5, "GRD122", id="ArbZG section 5"),
    pytest.param("fr", FR_REST, "GRD131", id="L3131-1"),
    pytest.param("nl", NL_3, "GRD141", id="Arbeidstijdenwet art. 5:3"),
    pytest.param("ie", IE_11, "GRD160", id="Organisation of Working Time Act 1997 s. 11"),
]


@pytest.mark.parametrize(("jurisdiction", "citation", "code"), ELEVEN)
def test_eleven_hours_of_rest_exactly_is_lawful(
    packs: GuardrailPacks, jurisdiction: str, citation: str, code: str
) -> None:
    # 08:00 + 8 h ends 16:00; the next day starts 03:00: 11 h 00. No daily maximum is touched.
    assert limits(packs, jurisdiction, 480, rotation=("08:00", "03:00")) == []


@pytest.mark.parametrize(("jurisdiction", "citation", "code"), ELEVEN)
def test_ten_hours_59_of_rest_falls_short(
    packs: GuardrailPacks, jurisdiction: str, citation: str, code: str
) -> None:
    conflict = only(limits(packs, jurisdiction, 480, rotation=("08:00", "02:59")), citation)
    assert conflict.code == code
    assert conflict.rules == []
    assert conflict.explanation.startswith(
        "the day 1 shift (08:00-16:00) leaves 10 hours 59 minutes of rest before the day 2 shift at 02:59, "
        "less than the 11 hours required"
    )


@pytest.mark.parametrize(
    ("jurisdiction", "severity"),
    [
        pytest.param("eu", "warning", id="Directive art. 17(4)(a): a change of shift"),
        pytest.param("uk", "warning", id="WTR reg. 22(1)(a): a change of shift"),
        pytest.param("de", "warning", id="ArbZG section 5(2): 10 hours in some sectors"),
        pytest.param("fr", "error", id="L3131-1: only by agreement"),
        pytest.param("nl", "warning", id="art. 5:3: 8 hours once in 7 days"),
        pytest.param("ie", "warning", id="OWTA 1997: a change of shift"),
        pytest.param("es", "warning", id="RD 1561/1995 art. 19: a change of shift"),
    ],
)
def test_a_shift_change_with_10_hours_59_of_rest_reads_each_law(
    packs: GuardrailPacks, jurisdiction: str, severity: str
) -> None:
    (conflict,) = limits(packs, jurisdiction, 480, rotation=("08:00", "02:59"))
    assert conflict.severity == severity


@pytest.mark.parametrize(
    ("jurisdiction", "citation"),
    [
        pytest.param("eu", EU_3, id="Directive 2003/88 art. 3"),
        pytest.param("uk", UK_10, id="WTR reg. 10"),
        pytest.param("ie", IE_11, id="OWTA 1997 s. 11"),
    ],
)
def test_without_a_change_of_shift_10_hours_59_is_a_breach(
    packs: GuardrailPacks, jurisdiction: str, citation: str
) -> None:
    # 13 h 01 shifts at 08:00 every day: ends 21:01, next starts 08:00, 10 h 59. No change of shift,
    # so the shift-work derogation (art. 17(4)(a), reg. 22(1)(a)) does not reach it.
    assert limits(packs, jurisdiction, 780, rotation=("08:00", "08:00")) == []
    conflict = only(limits(packs, jurisdiction, 781, rotation=("08:00", "08:00")), citation)
    assert conflict.severity == "error"
    assert "the day 1 shift (08:00-21:01) leaves 10 hours 59 minutes of rest" in conflict.explanation


def test_wtr_reg_22_names_compensatory_rest_for_a_change_of_shift(packs: GuardrailPacks) -> None:
    conflict = only(limits(packs, "uk", 480, rotation=("22:00", "14:00")), UK_10)
    assert conflict.explanation == (
        "the day 1 shift (22:00-06:00) leaves 8 hours of rest before the day 2 shift at 14:00, less than "
        "the 11 hours required; a shorter rest is lawful only for a shift worker who changes shift and "
        "cannot take a daily rest period between the end of one shift and the start of the next (reg. "
        "22(1)(a)), with an equivalent period of compensatory rest (reg. 24); otherwise a shorter rest is "
        "lawful only where a collective or workforce agreement modifies it (reg. 23(a)) or in the special "
        "cases of reg. 21, with compensatory rest (reg. 24) (UK Working Time Regulations 1998, reg. 10)"
    )


def test_arbzg_s5_2_ten_hours_of_rest_is_the_sector_warning(packs: GuardrailPacks) -> None:
    # 08:00-16:00, next 02:00: exactly 10 hours, the floor of section 5(2).
    conflict = only(limits(packs, "de", 480, rotation=("08:00", "02:00")), DE_5)
    assert conflict.severity == "warning"
    assert "a rest of at least 10 hours is lawful only in hospitals and care" in conflict.explanation


def test_arbzg_s5_9_hours_59_of_rest_is_below_the_sector_floor(packs: GuardrailPacks) -> None:
    conflict = only(limits(packs, "de", 480, rotation=("08:00", "01:59")), DE_5)
    assert conflict.severity == "error"
    assert (
        "leaves 9 hours 59 minutes of rest before the day 2 shift at 01:59, less than the 11 hours "
        "required and less than the 10 hours a rest may be shortened to in hospitals"
    ) in conflict.explanation


def test_l3131_1_names_the_agreements_that_allow_less(packs: GuardrailPacks) -> None:
    conflict = only(limits(packs, "fr", 480, rotation=("22:00", "14:00")), FR_REST)
    assert conflict.severity == "error"
    assert "a shorter rest is lawful only under a collective agreement in the cases the decree lists" in (
        conflict.explanation
    )


def test_without_a_change_of_shift_only_the_other_exceptions_are_named(packs: GuardrailPacks) -> None:
    # OWTA 1997 s. 11: no change of shift, so the clause names what else makes a shorter rest lawful.
    conflict = only(limits(packs, "ie", 781, rotation=("08:00", "08:00")), IE_11)
    assert "less than the 11 hours required; a shorter rest is lawful only for the classes" in (
        conflict.explanation
    )
    assert "otherwise" not in conflict.explanation


# --------------------------------------------------------------------------- Estatuto art. 34.3


def test_estatuto_34_3_nine_hours_of_effective_work_is_lawful(packs: GuardrailPacks) -> None:
    assert limits(packs, "es", 555, brk(15)) == []


def test_estatuto_34_3_nine_hours_one_minute_is_the_agreement_warning(packs: GuardrailPacks) -> None:
    conflict = only(limits(packs, "es", 556, brk(15)), ES_34)
    assert (conflict.code, conflict.severity) == ("GRD150", "warning")
    assert "works 9 hours 1 minute (9 hours 16 minutes less 15 minutes" in conflict.explanation
    assert "a longer day is lawful only where a collective agreement" in conflict.explanation


def test_estatuto_34_3_twelve_hours_between_working_days(packs: GuardrailPacks) -> None:
    # 08:00-16:00, then 04:00 the next day: exactly 12 hours; 03:59 is 11 hours 59 minutes.
    assert limits(packs, "es", 480, rotation=("08:00", "04:00")) == []
    conflict = only(limits(packs, "es", 480, rotation=("08:00", "03:59")), ES_34)
    assert conflict.code == "GRD151"
    assert "leaves 11 hours 59 minutes of rest before the day 2 shift at 03:59, less than the 12 hours" in (
        conflict.explanation
    )


def test_estatuto_34_3_without_a_change_of_shift_11_hours_59_is_a_breach(packs: GuardrailPacks) -> None:
    # 12 h 01 shifts at 08:00 every day (9 hours of work with a 3-hour split break): the
    # shift-change reduction of RD 1561/1995 does not apply.
    assert limits(packs, "es", 720, brk(180), rotation=("08:00", "08:00")) == []
    conflict = only(limits(packs, "es", 721, brk(181), rotation=("08:00", "08:00")), ES_34)
    assert (conflict.code, conflict.severity) == ("GRD151", "error")


def test_rd_1561_1995_art_19_seven_hours_at_a_change_of_shift(packs: GuardrailPacks) -> None:
    # 22:00-06:00, then 13:00: exactly 7 hours, the floor at a change of shift; 12:59 is under it.
    conflict = only(limits(packs, "es", 480, rotation=("22:00", "13:00")), ES_34)
    assert conflict.severity == "warning"
    assert (
        "a rest of at least 7 hours is lawful only when a shift worker changes shift" in conflict.explanation
    )
    conflict = only(limits(packs, "es", 480, rotation=("22:00", "12:59")), ES_34)
    assert conflict.severity == "error"
    assert "leaves 6 hours 59 minutes of rest" in conflict.explanation


# --------------------------------------------------------------------------- art. 5:3: once in 7 days


def test_arbeidstijdenwet_5_3_eight_hours_once_is_a_warning(packs: GuardrailPacks) -> None:
    conflict = only(limits(packs, "nl", 480, rotation=("14:00", "06:00")), NL_3)
    assert conflict.severity == "warning"
    assert "a rest of at least 8 hours is lawful only where the nature of the work" in conflict.explanation


def test_arbeidstijdenwet_5_3_seven_hours_59_is_a_breach(packs: GuardrailPacks) -> None:
    conflict = only(limits(packs, "nl", 480, rotation=("14:00", "05:59")), NL_3)
    assert conflict.severity == "error"
    assert "less than the 8 hours a rest may be shortened to" in conflict.explanation


def test_arbeidstijdenwet_5_3_a_second_shortened_rest_within_7_days_is_a_breach(
    packs: GuardrailPacks,
) -> None:
    # Days 1-2 and 3-4 both leave 8 hours: the second is within seven days of the first.
    rotation = ("14:00", "06:00", "14:00", "06:00")
    conflict = only(limits(packs, "nl", 480, rotation=rotation), NL_3)
    assert conflict.severity == "error"
    assert (
        "the day 3 shift (14:00-22:00) leaves 8 hours of rest before the day 4 shift at 06:00, less than "
        "the 11 hours required, and the rest after day 1 was shortened already: a rest of at least 8 "
        "hours is lawful at most once in 7 days"
    ) in conflict.explanation


def test_arbeidstijdenwet_5_3_shortened_rests_seven_days_apart_are_each_a_warning(
    packs: GuardrailPacks,
) -> None:
    # Shortened after day 1 and after day 8: seven days apart, one in each period of 7 x 24 hours.
    rotation = ("14:00", "06:00", "06:00", "06:00", "06:00", "06:00", "06:00", "14:00", "06:00")
    conflict = only(limits(packs, "nl", 480, rotation=rotation), NL_3)
    assert conflict.severity == "warning"
    assert "after day" not in conflict.explanation
    assert "the day 1 shift (14:00-22:00)" in conflict.explanation
    assert "the day 8 shift (14:00-22:00)" in conflict.explanation


# --------------------------------------------------------------------------- midnight and rotations


def test_midnight_a_22_00_night_shift_then_14_00_leaves_8_hours(packs: GuardrailPacks) -> None:
    conflict = only(limits(packs, "de", 480, rotation=("22:00", "14:00")), DE_5)
    assert conflict.explanation.startswith(
        "the day 1 shift (22:00-06:00) leaves 8 hours of rest before the day 2 shift at 14:00"
    )
    assert conflict.severity == "error"  # under the 10 hours of section 5(2) too


def test_midnight_a_shift_ending_at_midnight_then_11_00_is_lawful_and_10_59_is_not(
    packs: GuardrailPacks,
) -> None:
    assert limits(packs, "eu", 480, rotation=("16:00", "11:00")) == []
    conflict = only(limits(packs, "eu", 480, rotation=("16:00", "10:59")), EU_3)
    assert "the day 1 shift (16:00-00:00) leaves 10 hours 59 minutes of rest" in conflict.explanation


def test_midnight_a_night_shift_of_8_hours_from_23_30(packs: GuardrailPacks) -> None:
    assert limits(packs, "fr", 480, rotation=("23:30", "18:30")) == []
    conflict = only(limits(packs, "fr", 480, rotation=("23:30", "18:29")), FR_REST)
    assert "the day 1 shift (23:30-07:30) leaves 10 hours 59 minutes of rest" in conflict.explanation


def test_overlapping_shifts_leave_no_rest_whatever_the_derogation(packs: GuardrailPacks) -> None:
    # Directive art. 3: a 16-hour shift from 14:00 ends 06:00, an hour after the next day's 05:00 start.
    conflict = only(limits(packs, "eu", 960, rotation=("14:00", "05:00")), EU_3)
    assert conflict.severity == "error"
    assert conflict.explanation.startswith(
        "the day 1 shift (14:00-06:00) runs 1 hour into the day 2 shift at 05:00, with no rest"
    )


def test_three_shift_forward_rotation_is_lawful(packs: GuardrailPacks) -> None:
    # WTR reg. 10: early, late, night, each a day later: 24 hours between the ends and the next starts.
    assert limits(packs, "uk", 480, rotation=("06:00", "14:00", "22:00")) == []


def test_three_shift_backward_rotation_names_both_short_rests(packs: GuardrailPacks) -> None:
    # ArbZG section 5: night, late, early: 8 hours after each of the first two days.
    conflict = only(limits(packs, "de", 480, rotation=("22:00", "14:00", "06:00")), DE_5)
    assert conflict.explanation.startswith(
        "the day 1 shift (22:00-06:00) leaves 8 hours of rest before the day 2 shift at 14:00 and the "
        "day 2 shift (14:00-22:00) leaves 8 hours of rest before the day 3 shift at 06:00, less than the "
        "11 hours required"
    )


def test_a_long_day_and_a_short_rest_are_two_conflicts(packs: GuardrailPacks) -> None:
    # L3121-18 and L3131-1: 14-hour days at 08:00 work 14 hours and leave 10 hours of rest.
    found = limits(packs, "fr", 840, rotation=("08:00", "08:00"))
    assert [(c.code, c.severity, c.citation) for c in found] == [
        ("GRD130", "error", FR_18),
        ("GRD131", "error", FR_REST),
    ]


def test_rest_without_shift_hours_says_the_length_was_assumed(packs: GuardrailPacks) -> None:
    conflict = only(limits(packs, "nl", None, rotation=("22:00", "14:00", "06:00")), NL_3)
    assert conflict.explanation.endswith(
        "; assuming 8-hour shifts, as the policy gives no shift_hours (Arbeidstijdenwet, art. 5:3)"
    )


# --------------------------------------------------------------------------- when nothing is said


def test_no_rotation_no_rest_finding(packs: GuardrailPacks) -> None:
    # Directive art. 3 on 16-hour shifts: without the pattern the rest cannot be known.
    assert limits(packs, "eu", 960, starts=("08:00",)) == []


def test_a_rotation_of_one_day_has_no_rest_to_check(packs: GuardrailPacks) -> None:
    assert limits(packs, "uk", 960, rotation=("22:00",)) == []


def test_no_jurisdiction_no_pack_and_no_working_day_give_nothing(packs: GuardrailPacks) -> None:
    # ArbZG section 3 would be broken by 11-hour shifts, but only where the policy speaks of them.
    settings = GuardrailSettings(default_shift_hours=11)
    assert limits(packs, None, 720, rotation=("22:00", "14:00")) == []
    assert limits(packs, "us-ca", 720, rotation=("22:00", "14:00")) == []
    assert limits(packs, "de", None, settings=settings) == []


def test_limits_not_yet_in_force_are_not_read(packs: GuardrailPacks) -> None:
    # ArbZG section 3 applies from 1 July 1994.
    before = GuardrailSettings(as_of=datetime.date(1994, 6, 30))
    on = GuardrailSettings(as_of=datetime.date(1994, 7, 1))
    assert limits(packs, "de", 720, settings=before) == []
    assert [c.code for c in limits(packs, "de", 720, settings=on)] == ["GRD120"]


# --------------------------------------------------------------------------- the packs' file


def test_every_limit_has_an_official_link_a_date_and_a_source(packs: GuardrailPacks) -> None:
    found = {limit.code: limit for pack in packs.values() for limit in pack.limits}
    expected = ["GRD100", "GRD110", "GRD120", "GRD121", "GRD122", "GRD130", "GRD131", "GRD140", "GRD141"]
    expected += ["GRD150", "GRD151", "GRD160"]
    assert set(expected) <= set(found)  # packs added later bring their own
    for limit in found.values():
        assert limit.url.startswith("https://")
        assert limit.source and limit.citation
        assert isinstance(limit.since, datetime.date) and limit.in_force(None)


@pytest.mark.parametrize("first", ["policyweigh.rulebook.limits", "policyweigh.law.limits"])
def test_the_limit_modules_load_when_imported_first(first: str) -> None:
    # The pack models import the limit models, and the checker imports the break checker: no cycle.
    code = f"import {first}\nfrom policyweigh.rulebook.guardrails import load_guardrails\nload_guardrails()\n"
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert run.returncode == 0, run.stderr


def _write_with(tmp_path: Path, old: str, new: str) -> Path:
    text = GUARDRAILS_FILE.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path = tmp_path / "guardrails.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_a_limit_code_used_by_a_break_requirement_is_refused_with_its_line(tmp_path: Path) -> None:
    path = _write_with(tmp_path, "      - code: GRD122\n", "      - code: GRD020\n")
    with pytest.raises(InputError) as caught:
        load_guardrails(path)
    messages = [p.message for p in caught.value.problems]
    assert any(m.startswith("code GRD020 already used on line ") for m in messages), messages


def test_a_limit_in_the_wrong_pack_is_refused(tmp_path: Path) -> None:
    path = _write_with(
        tmp_path,
        "        jurisdiction: fr\n        name: fr.daily-rest\n",
        ("        jurisdiction: de\n        name: fr.daily-rest\n"),
    )
    with pytest.raises(InputError) as caught:
        load_guardrails(path)
    assert [p.message for p in caught.value.problems] == [
        "GRD131 is in the fr pack but names jurisdiction de"
    ]


def test_a_shorter_rest_on_a_maximum_is_refused(tmp_path: Path) -> None:
    path = _write_with(
        tmp_path,
        "        per: shift\n",
        "        per: shift\n        reduced: {hours: 8, note: never}\n",
    )
    with pytest.raises(InputError) as caught:
        load_guardrails(path)
    assert any("for a min-daily-rest limit only" in p.message for p in caught.value.problems)
