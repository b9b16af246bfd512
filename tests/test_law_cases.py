"""The law cases of issue 12 (a first slice of "Law v2"), each read from its article, exact to the minute.

Every test builds a policy, runs it through the real engine (``policyweigh.orchestration.evaluate``,
or ``policyweigh check`` for the gate and its remedies) and holds the legal verdict to the statute.
Boundary tests come in pairs: exactly at the threshold, and one minute over it.

How the cases read the law (the statutes, not the old checker):

- **Working time, not presence.** ``scope.shift_hours`` is presence, breaks included. The
  thresholds count working time: ArbZG section 2(1) ("Arbeitszeit ... ist die Zeit vom Beginn bis zum
  Ende der Arbeit ohne die Ruhepausen"), WTR 1998 reg. 2 and 12 ("daily working time"), Code du
  travail L3121-16 ("temps de travail quotidien"), Labor Code section 512 ("work period", hours
  worked). A break that is taken is not working time; California rest periods are the exception
  the law names: Wage Order 4 section 12(A), "authorized rest period time shall be counted as hours
  worked". Where the working time is the policy's own break subtracted from presence, the tests
  use unpaid breaks, so the reading cannot hinge on pay.
- **Which breaks count.** ArbZG section 4 sentence 2: parts of at least 15 minutes; a shorter
  interruption is no Ruhepause (so it is working time, and it does not end a stretch of work).
  WTR reg. 12(3): "an uninterrupted period of not less than 20 minutes". L3121-16: "vingt minutes
  consécutives" (Cass. soc. 20 February 2013, no. 11-28.612: not two shorter parts).
- **Timing.** ArbZG section 4 sentence 3: "Länger als sechs Stunden hintereinander dürfen
  Arbeitnehmer nicht ohne Ruhepause beschäftigt werden": every stretch of work, not only the one
  before the first break. WTR reg. 12 sets no time at all. Labor Code section 512 / Brinker (2012)
  53 Cal.4th 1004: the first meal starts no later than the end of the fifth hour worked, the second
  no later than the end of the tenth.

Where a break rule's ``blocked_windows`` leave exactly one slot, the break's place is fixed, so
each stretch of work is known to the minute. The engine's documented assumption that a break within
``edge_margin_minutes`` (30) of a shift's ends does not count is respected: every slot here is at
least 30 minutes from either end and from the next break.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from policyweigh.cli import main
from policyweigh.config import Settings
from policyweigh.loading import load_policy
from policyweigh.orchestration import evaluate
from policyweigh.policy import Policy
from policyweigh.remedies import apply_patch
from policyweigh.results import Conflict, Patch
from policyweigh.rulebook import Rulebook, load_rulebook
from tests.helpers import ROOT, make_policy

BREAKS = ROOT / "policies" / "breaks"

# --------------------------------------------------------------------------- articles

# Each article as a test on a guardrail conflict's citation, loose enough for "section 4" or "§ 4".
ARTICLES: dict[str, tuple[str, ...]] = {
    "ArbZG §4": (r"ArbZG", r"(section|§|sec\.)\s*(\d+\s*,\s*)*4\b"),
    "WTR reg. 12": (r"Working Time Regulations 1998", r"reg(ulation)?\.?\s*12\b"),
    "L3121-16": (r"L\.?\s*3121-16",),
    "Labor Code §512": (r"\b512\b",),
    "Wage Order 4 §12": (r"Wage Order 4", r"(section|§|sec\.)\s*12\b"),
}


def cites(conflict: Conflict, article: str) -> bool:
    """Whether a conflict cites the article (its citation, or failing that its explanation)."""
    text = conflict.citation or conflict.explanation
    return all(re.search(pattern, text) for pattern in ARTICLES[article])


# --------------------------------------------------------------------------- building and checking


@pytest.fixture(scope="module")
def book() -> Rulebook:
    return load_rulebook()


def brk(
    minutes: int, *windows: str, kind: str = "lunch", paid: bool = False, scheduling: str = "fixed"
) -> dict[str, Any]:
    """A break rule of ``minutes``; windows as "HH:MM-HH:MM" (times the break may not be taken)."""
    return {
        "kind": "break-rule",
        "break": kind,
        "min_minutes": minutes,
        "blocked_windows": [{"from": w.split("-")[0], "to": w.split("-")[1]} for w in windows],
        "scheduling": scheduling,
        "paid": paid,
    }


def rest(minutes: int, *windows: str, paid: bool = False) -> dict[str, Any]:
    return brk(minutes, *windows, kind="rest", paid=paid)


def shift(jurisdiction: str, presence: int, *rules: dict[str, Any], start: str = "08:00") -> Policy:
    """A policy of ``presence`` minutes a shift (breaks included) starting at ``start``."""
    return make_policy(
        *rules,
        jurisdiction=jurisdiction,
        scope={"shift_hours": presence / 60, "shift_starts": [start]},
    )


def guardrails(policy: Policy, book: Rulebook) -> tuple[list[Conflict], str]:
    """The policy's guardrail conflicts and its verdict, from the real engine."""
    run = evaluate([policy], rulebook=book, settings=Settings(), remedies=False)
    (result,) = run.evaluation.policies
    return [c for c in run.evaluation.conflicts if c.kind == "guardrail"], result.verdict


def lawful(policy: Policy, book: Rulebook) -> None:
    """No error-level guardrail breach, and the verdict is not ``unlawful``."""
    found, verdict = guardrails(policy, book)
    errors = [c.explanation for c in found if c.severity == "error"]
    assert errors == [], errors
    assert verdict != "unlawful"


def breach(policy: Policy, book: Rulebook, article: str) -> list[Conflict]:
    """An error-level guardrail breach citing ``article``, and the verdict ``unlawful``; returns them."""
    found, verdict = guardrails(policy, book)
    hits = [c for c in found if c.severity == "error" and cites(c, article)]
    assert hits, (article, [(c.code, c.severity, c.citation, c.explanation) for c in found])
    assert verdict == "unlawful"
    return hits


def hm(hours: int, minutes: int = 0) -> int:
    return hours * 60 + minutes


# =========================================================================== 1. a missing break


# Germany, ArbZG section 4 sentence 2: parts of at least 15 minutes; one rest in each half of the day.
MORNING, AFTERNOON = "12:00-23:59", "00:00-12:00"


def test_de_arbzg_s4_eight_hours_with_only_10_minute_rests_is_a_missing_break(book: Rulebook) -> None:
    """ArbZG §4 sentence 2: two 10-minute rests are no Ruhepause (parts under 15 minutes do not
    count); 8 hours of work need 30 minutes of breaks: a breach, though no break rule is "too short"
    for a lunch."""
    breach(shift("de", hm(8), rest(10, MORNING), rest(10, AFTERNOON)), book, "ArbZG §4")


def test_de_arbzg_s4_two_14_minute_parts_do_not_count(book: Rulebook) -> None:
    """ArbZG §4 sentence 2, one minute under the part: 2 x 14 minutes is no Ruhepause at all."""
    breach(shift("de", hm(8), rest(14, MORNING), rest(14, AFTERNOON)), book, "ArbZG §4")


def test_de_arbzg_s4_two_15_minute_parts_make_the_30_minutes(book: Rulebook) -> None:
    """ArbZG §4 sentence 2, exactly the part: 2 x 15 minutes are the 30 minutes due on 7.5 hours of work."""
    lawful(shift("de", hm(8), rest(15, MORNING), rest(15, AFTERNOON)), book)


def test_uk_wtr_reg12_eight_hours_with_two_10_minute_rests_is_a_missing_break(book: Rulebook) -> None:
    """WTR 1998 reg. 12(3): the break is "an uninterrupted period of not less than 20 minutes";
    two 10-minute rests are not one."""
    breach(shift("uk", hm(8), rest(10, MORNING), rest(10, AFTERNOON)), book, "WTR reg. 12")


def test_uk_wtr_reg12_a_19_minute_lunch_is_short(book: Rulebook) -> None:
    """WTR 1998 reg. 12(3), one minute under the 20: a breach on an 8-hour day."""
    breach(shift("uk", hm(8), brk(19)), book, "WTR reg. 12")


def test_uk_wtr_reg12_a_20_minute_lunch_is_enough(book: Rulebook) -> None:
    """WTR 1998 reg. 12(3), exactly 20 uninterrupted minutes: lawful on an 8-hour day."""
    lawful(shift("uk", hm(8), brk(20)), book)


def test_fr_l3121_16_eight_hours_with_2_x_10_minutes_is_a_missing_break(book: Rulebook) -> None:
    """Code du travail L3121-16: "vingt minutes consécutives"; 2 x 10 minutes are not a pause."""
    breach(shift("fr", hm(8), rest(10, MORNING), rest(10, AFTERNOON)), book, "L3121-16")


def test_fr_l3121_16_two_15_minute_parts_are_not_20_consecutive_minutes(book: Rulebook) -> None:
    """Code du travail L3121-16 and Cass. soc. 20 Feb 2013, no. 11-28.612: the 20 minutes may not be
    split, so 2 x 15 minutes (30 in all) do not meet it."""
    breach(shift("fr", hm(8), rest(15, MORNING), rest(15, AFTERNOON)), book, "L3121-16")


def test_fr_l3121_16_a_19_minute_pause_is_short(book: Rulebook) -> None:
    """Code du travail L3121-16, one minute under the 20 consecutive minutes: a breach."""
    breach(shift("fr", hm(8), brk(19)), book, "L3121-16")


def test_fr_l3121_16_a_20_minute_pause_is_enough(book: Rulebook) -> None:
    """Code du travail L3121-16, exactly 20 consecutive minutes: lawful on an 8-hour day."""
    lawful(shift("fr", hm(8), brk(20)), book)


def test_ca_s512_eight_hours_with_paid_rests_and_no_meal_is_a_missing_meal(book: Rulebook) -> None:
    """Labor Code §512(a): over five hours of work need a 30-minute meal period; paid 10-minute
    rests (Wage Order 4 §12, hours worked) are no meal: 8 hours worked and no meal is a breach."""
    breach(shift("us-ca", hm(8), rest(10, paid=True)), book, "Labor Code §512")


def test_ca_s512_the_same_day_with_a_30_minute_meal_is_lawful(book: Rulebook) -> None:
    """Labor Code §512(a) and Wage Order 4 §12: 8.5 hours of presence with an unpaid 30-minute
    meal and paid 10-minute rests are 8 hours worked, one meal and two rests: lawful."""
    lawful(shift("us-ca", hm(8, 30), brk(30), rest(10, paid=True)), book)


# --------------------------------------------------------------- `check` exits 1 and offers the fix

MISSING = {
    "ca-s512-no-meal": ("us-ca", hm(8), [rest(10, paid=True)], "Labor Code §512"),
    "de-arbzg-s4-only-10-minute-rests": ("de", hm(8), [rest(10, MORNING), rest(10, AFTERNOON)], "ArbZG §4"),
    "uk-wtr-reg12-two-10-minute-rests": (
        "uk",
        hm(8),
        [rest(10, MORNING), rest(10, AFTERNOON)],
        "WTR reg. 12",
    ),
    "fr-l3121-16-2x10-minutes": ("fr", hm(8), [rest(10, MORNING), rest(10, AFTERNOON)], "L3121-16"),
}


def _patched(policy: Policy, patch: Patch, code: str) -> Policy:
    """The policy with a remedy's patch applied; a patch one past the last rule adds that rule."""
    if patch.rule_index == len(policy.rules):
        data = policy.model_dump(mode="json", by_alias=True, exclude_none=True)
        data["rules"].append(patch.set)
        return Policy.model_validate(data)
    return apply_patch(policy, patch, remedy=code)


@pytest.mark.parametrize(
    ("jurisdiction", "presence", "rules", "article"), MISSING.values(), ids=MISSING.keys()
)
def test_check_exits_1_on_a_missing_statutory_break_and_offers_a_remedy_that_makes_it_lawful(
    jurisdiction: str,
    presence: int,
    rules: list[dict[str, Any]],
    article: str,
    book: Rulebook,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Labor Code §512, ArbZG §4, WTR 1998 reg. 12, Code du travail L3121-16: a policy with no
    qualifying break fails `check` (exit 1) with a guardrail error citing the article, and one of
    the remedies offered, applied and checked again, leaves the policy lawful."""
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "lib"
    folder.mkdir()
    document = {
        "id": "missing",
        "title": "A shift without its statutory break",
        "jurisdiction": jurisdiction,
        "scope": {"shift_hours": presence / 60, "shift_starts": ["08:00"]},
        "rules": rules,
    }
    path = folder / "missing.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    code = main(["check", str(folder), "--format", "json"])
    out, _ = capsys.readouterr()
    assert code == 1
    findings = json.loads(out)["findings"]
    legal = [
        f
        for f in findings
        if f["kind"] == "guardrail"
        and f["severity"] == "error"
        and all(re.search(p, f.get("citation") or f["message"]) for p in ARTICLES[article])
    ]
    assert legal, findings
    assert all(f["fails"] for f in legal)
    remedies = [r for f in legal for r in f["remedies"]]
    assert remedies, "a missing statutory break is offered no remedy"
    policy = load_policy(path)
    results = []
    for remedy in remedies:
        fixed = _patched(policy, Patch.model_validate(remedy["patch"]), remedy["code"])
        found, verdict = guardrails(fixed, book)
        errors = [c.code for c in found if c.severity == "error"]
        results.append((remedy["code"], remedy["patch"]["set"], errors, verdict))
        if not errors and verdict != "unlawful":
            break
    else:
        pytest.fail(f"no remedy makes the policy lawful: {results}")


# =========================================================================== 2. working time, not presence


def test_de_arbzg_s2_s4_nine_and_a_half_hours_with_30_unpaid_minutes_is_nine_hours_of_work(
    book: Rulebook,
) -> None:
    """ArbZG §2(1) (working time is without the Ruhepausen) and §4: 9.5 hours of presence with a
    30-minute break are 9 hours of work, not over nine: 30 minutes suffice. The break can go so that
    no stretch is over six hours (it may start from 11:00 to 14:00 on a 08:00-17:30 shift)."""
    lawful(shift("de", hm(9, 30), brk(30)), book)


def test_de_arbzg_s2_s4_one_minute_more_is_over_nine_hours_and_needs_45(book: Rulebook) -> None:
    """ArbZG §2(1) and §4, one minute over: 9 h 31 of presence less 30 minutes is 9 h 01 of work,
    which needs 45 minutes of breaks; the policy gives 30."""
    breach(shift("de", hm(9, 31), brk(30)), book, "ArbZG §4")


def test_de_arbzg_s2_a_paid_ruhepause_is_still_no_working_time(book: Rulebook) -> None:
    """ArbZG §2(1): "Arbeitszeit ... ist die Zeit vom Beginn bis zum Ende der Arbeit ohne die
    Ruhepausen", whether or not the break is paid (pay is the contract's business, not the Act's):
    9.5 hours of presence with a paid 30-minute break are 9 hours of work, and 30 minutes suffice.
    (The brief of this slice read a paid break as working time needing 45 minutes; the Act does not.)"""
    lawful(shift("de", hm(9, 30), brk(30, paid=True)), book)


def test_de_arbzg_s4_six_hours_fifteen_with_15_unpaid_minutes_is_six_hours_no_break_due(
    book: Rulebook,
) -> None:
    """ArbZG §2(1) and §4 ("mehr als sechs Stunden"): 6 h 15 of presence with a 15-minute break are
    exactly 6 hours of work: no break is due, so the short break is no breach."""
    lawful(shift("de", hm(6, 15), brk(15)), book)


def test_de_arbzg_s4_six_hours_sixteen_with_15_unpaid_minutes_is_over_six_hours(book: Rulebook) -> None:
    """ArbZG §2(1) and §4, one minute over: 6 h 16 less 15 minutes is 6 h 01 of work, which needs
    30 minutes of breaks; the policy gives 15."""
    breach(shift("de", hm(6, 16), brk(15)), book, "ArbZG §4")


# California, §512(a): the second meal is due for a work period of more than ten hours. The
# lunch rule's windows leave one meal slot only, 06:30-07:00 on a shift starting 06:00.
ONE_MEAL = brk(30, "07:00-23:59")


def test_ca_s512_ten_and_a_half_hours_with_a_30_minute_meal_is_ten_hours_worked(book: Rulebook) -> None:
    """Labor Code §512(a): 10.5 hours of presence less an unpaid 30-minute meal are 10 hours worked,
    not more than ten: no second meal is due."""
    lawful(shift("us-ca", hm(10, 30), ONE_MEAL, rest(10, paid=True), start="06:00"), book)


def test_ca_s512_one_minute_more_is_over_ten_hours_and_owes_a_second_meal(book: Rulebook) -> None:
    """Labor Code §512(a), one minute over: 10 h 31 less the meal is 10 h 01 worked, so a second
    meal is due, and the lunch rule leaves no room for one."""
    breach(shift("us-ca", hm(10, 31), ONE_MEAL, rest(10, paid=True), start="06:00"), book, "Labor Code §512")


def test_ca_s512_the_second_meal_may_start_at_the_end_of_the_tenth_hour_worked(book: Rulebook) -> None:
    """Labor Code §512(a) and Brinker (2012) 53 Cal.4th 1004: the second meal starts no later than
    the end of the tenth hour worked. Shift 06:00-18:00, first meal 06:30-07:00, so the tenth hour
    worked ends at 16:30 (not 16:00, ten hours of presence): a second meal at 16:30 is in time."""
    meals = brk(30, "07:00-16:30")
    lawful(shift("us-ca", hm(12), meals, rest(10, paid=True), start="06:00"), book)


def test_ca_s512_the_second_meal_one_minute_after_the_tenth_hour_worked_is_late(book: Rulebook) -> None:
    """Labor Code §512(a), one minute over: the second meal can start no earlier than 16:31, a
    minute after the end of the tenth hour worked."""
    meals = brk(30, "07:00-16:31")
    breach(shift("us-ca", hm(12), meals, rest(10, paid=True), start="06:00"), book, "Labor Code §512")


def test_ca_s512_five_hours_worked_with_a_paid_rest_need_no_meal(book: Rulebook) -> None:
    """Labor Code §512(a) ("more than five hours") and Wage Order 4 §12(A) (rest is hours worked):
    5 hours of presence with a paid 10-minute rest are 5 hours worked: no meal is due."""
    lawful(shift("us-ca", hm(5), rest(10, paid=True)), book)


def test_ca_s512_five_hours_one_minute_with_a_paid_rest_owe_a_meal(book: Rulebook) -> None:
    """Labor Code §512(a), one minute over: the paid rest is hours worked, so 5 h 01 of presence is
    5 h 01 worked, and the policy has no meal period."""
    breach(shift("us-ca", hm(5, 1), rest(10, paid=True)), book, "Labor Code §512")


def test_uk_wtr_reg12_six_hours_fifteen_with_a_15_minute_lunch_is_six_hours_of_work(book: Rulebook) -> None:
    """WTR 1998 reg. 12(1) ("daily working time is more than six hours"): 6 h 15 of presence less an
    unpaid 15-minute lunch are exactly 6 hours of work: no break is due."""
    lawful(shift("uk", hm(6, 15), brk(15)), book)


def test_uk_wtr_reg12_six_hours_sixteen_with_a_15_minute_lunch_owe_20_minutes(book: Rulebook) -> None:
    """WTR 1998 reg. 12, one minute over: 6 h 01 of work need 20 uninterrupted minutes; 15 is short."""
    breach(shift("uk", hm(6, 16), brk(15)), book, "WTR reg. 12")


def test_fr_l3121_16_five_hours_59_of_work_need_no_pause(book: Rulebook) -> None:
    """Code du travail L3121-16 ("dès que le temps de travail quotidien atteint six heures"): 6 h 18
    of presence less an unpaid 19-minute pause are 5 h 59 of work: no pause is due yet."""
    lawful(shift("fr", hm(6, 18), brk(19)), book)


def test_fr_l3121_16_six_hours_of_work_reach_the_threshold(book: Rulebook) -> None:
    """Code du travail L3121-16, one minute more: 6 h 19 less 19 minutes is 6 hours of work, which
    *reaches* six hours: 20 consecutive minutes are due and 19 are given."""
    breach(shift("fr", hm(6, 19), brk(19)), book, "L3121-16")


# =========================================================================== 3. continuous work


def test_de_arbzg_s4_s3_exactly_six_hours_in_a_row_after_the_only_break(book: Rulebook) -> None:
    """ArbZG §4 sentence 3 ("länger als sechs Stunden hintereinander"): shift 08:00-16:00, the only
    break fixed at 09:30-10:00; 10:00-16:00 is exactly six hours in a row: lawful."""
    lawful(shift("de", hm(8), brk(30, "08:00-09:30", "10:00-16:00")), book)


def test_de_arbzg_s4_s3_six_hours_one_minute_in_a_row_after_the_only_break(book: Rulebook) -> None:
    """ArbZG §4 sentence 3, one minute over: the break fixed at 09:29-09:59 leaves 6 h 01 of work in
    a row until 16:00: a breach, though the first break comes early and is long enough."""
    breach(shift("de", hm(8), brk(30, "08:00-09:29", "09:59-16:00")), book, "ArbZG §4")


def test_de_arbzg_s4_s3_exactly_six_hours_before_the_first_break(book: Rulebook) -> None:
    """ArbZG §4 sentence 3: the break fixed at 14:00-14:30 on a shift from 08:00 follows exactly six
    hours of work: lawful."""
    lawful(shift("de", hm(8), brk(30, "08:00-14:00", "14:30-23:59")), book)


def test_de_arbzg_s4_s3_six_hours_one_minute_before_the_first_break(book: Rulebook) -> None:
    """ArbZG §4 sentence 3, one minute over: the break fixed at 14:01-14:31 follows 6 h 01 of work."""
    breach(shift("de", hm(8), brk(30, "08:00-14:01", "14:31-23:59")), book, "ArbZG §4")


# Two 15-minute parts (section 4 sentence 2), the first fixed at 08:45-09:00.
FIRST_PART = rest(15, "08:00-08:45", "09:00-23:59")


def test_de_arbzg_s4_split_parts_exactly_six_hours_between_them(book: Rulebook) -> None:
    """ArbZG §4 sentences 2 and 3: two 15-minute parts make the 30 minutes; the second fixed at
    15:00-15:15 leaves exactly six hours of work (09:00-15:00) between them: lawful."""
    lawful(shift("de", hm(8), FIRST_PART, brk(15, "00:00-15:00", "15:15-23:59")), book)


def test_de_arbzg_s4_split_parts_six_hours_one_minute_between_them(book: Rulebook) -> None:
    """ArbZG §4 sentence 3, one minute over: the second part fixed at 15:01-15:16 leaves 6 h 01 of
    work in a row (09:00-15:01)."""
    breach(shift("de", hm(8), FIRST_PART, brk(15, "00:00-15:01", "15:16-23:59")), book, "ArbZG §4")


# A lunch fixed at 14:30-15:00, six and a half hours into a shift from 08:00, and a rest at 11:00.
LATE_LUNCH = brk(30, "08:00-14:30", "15:00-23:59")


def test_de_arbzg_s4_a_15_minute_rest_breaks_the_stretch(book: Rulebook) -> None:
    """ArbZG §4 sentences 2 and 3: a 15-minute rest at 11:00-11:15 is a Ruhepause, so no stretch is
    over six hours (3 h, 3 h 15, 1 h), and 45 minutes of breaks cover 7 h 15 of work: lawful."""
    lawful(shift("de", hm(8), rest(15, "08:00-11:00", "11:15-23:59"), LATE_LUNCH), book)


def test_de_arbzg_s4_a_10_minute_rest_does_not_break_the_stretch(book: Rulebook) -> None:
    """ArbZG §4 sentences 2 and 3: a 10-minute rest at 11:00-11:10 is no Ruhepause (under 15
    minutes), so 08:00-14:30 is 6.5 hours of work in a row: a breach."""
    breach(shift("de", hm(8), rest(10, "08:00-11:00", "11:10-23:59"), LATE_LUNCH), book, "ArbZG §4")


# =========================================================================== 4. UK: no deadline


def test_uk_wtr_reg12_a_20_minute_break_six_and_a_half_hours_in_is_lawful(book: Rulebook) -> None:
    """WTR 1998 reg. 12 sets no time by which the break must start: 20 uninterrupted minutes at
    14:30-14:50, 6.5 hours into an 8-hour day from 08:00, are lawful (the tool used to invent a
    "by hour six" deadline)."""
    lawful(shift("uk", hm(8), brk(20, "08:00-14:30", "14:50-23:59")), book)


def test_uk_wtr_reg12_the_berlin_core_hours_ban_is_lawful_in_the_uk(book: Rulebook) -> None:
    """WTR 1998 reg. 12 (no deadline) against ArbZG §4 sentence 3: the Berlin windows (no break
    08:30-15:00) leave the 08:30-16:30 shift a 30-minute break at 15:00-15:30, which reg. 12 accepts."""
    lawful(shift("uk", hm(8), brk(30, "08:30-09:00", "09:00-15:00", kind="any"), start="08:30"), book)


def test_uk_wtr_reg12_the_pie_van_06_00_shift_may_lunch_after_12_00(book: Rulebook) -> None:
    """WTR 1998 reg. 12, no deadline: with the pie-van ban stretched to 12:01, the 06:00 shift can
    lunch only from 12:01, six hours and a minute into its day: lawful (the old check read a
    deadline at 12:00 into reg. 12)."""
    policy = make_policy(
        brk(30, "06:00-12:01"),
        jurisdiction="uk",
        scope={"shift_hours": 8, "shift_starts": ["06:00"]},
    )
    lawful(policy, book)


# =========================================================================== 5. California rest periods

# Wage Order 4 section 12(A): "ten (10) minutes net rest time per four (4) hours or major fraction
# thereof", none needed "for employees whose total daily work time is less than three and one-half
# (3 1/2) hours"; rest is counted as hours worked. A major fraction of four hours is more than two.


def test_ca_wage_order_4_s12_three_hours_29_are_owed_no_rest(book: Rulebook) -> None:
    """Wage Order 4 §12(A): 3 h 29 worked is under 3.5 hours: no rest is due, so a rest rule that
    leaves no room in the shift (08:00-11:29) breaks nothing."""
    lawful(shift("us-ca", hm(3, 29), rest(10, "08:00-12:00", paid=True)), book)


def test_ca_wage_order_4_s12_three_and_a_half_hours_are_owed_one_rest(book: Rulebook) -> None:
    """Wage Order 4 §12(A): 3.5 hours is a major fraction of four: one rest is due, and the rule
    leaves no room for it."""
    breach(shift("us-ca", hm(3, 30), rest(10, "08:00-12:00", paid=True)), book, "Wage Order 4 §12")


# One 10-minute slot, 10:00-10:10; two, 10:00-10:10 and 14:00-14:10 (shifts from 08:00).
ONE_REST = rest(10, "08:00-10:00", "10:10-23:59", paid=True)
TWO_RESTS = rest(10, "06:00-10:00", "10:10-14:00", "14:10-23:59", paid=True)


def test_ca_wage_order_4_s12_six_hours_worked_are_owed_one_rest(book: Rulebook) -> None:
    """Wage Order 4 §12(A): 6 hours worked (6.5 hours less the 30-minute meal) are four hours and a
    remainder of two, which is no major fraction: one rest, and the rule has room for one."""
    lawful(shift("us-ca", hm(6, 30), brk(30), ONE_REST), book)


def test_ca_wage_order_4_s12_six_hours_one_minute_worked_are_owed_two_rests(book: Rulebook) -> None:
    """Wage Order 4 §12(A), one minute over: the remainder of 2 h 01 is a major fraction: two rests,
    and the rule has room for one."""
    breach(shift("us-ca", hm(6, 31), brk(30), ONE_REST), book, "Wage Order 4 §12")


# One meal slot, 08:30-09:00, on a shift from 08:00.
MORNING_MEAL = brk(30, "09:00-23:59")


def test_ca_wage_order_4_s12_ten_hours_worked_are_owed_two_rests(book: Rulebook) -> None:
    """Wage Order 4 §12(A): 10 hours worked (10.5 hours less one meal) are two periods of four and a
    remainder of two: two rests, and the rule has room for two; §512 asks no second meal."""
    lawful(shift("us-ca", hm(10, 30), MORNING_MEAL, TWO_RESTS), book)


def test_ca_wage_order_4_s12_ten_hours_one_minute_worked_are_owed_three_rests(book: Rulebook) -> None:
    """Wage Order 4 §12(A), one minute over: 10 h 01 worked owe three rests, and the rule has room
    for two (the second meal then due under §512 is a breach of its own)."""
    breach(shift("us-ca", hm(10, 31), MORNING_MEAL, TWO_RESTS), book, "Wage Order 4 §12")


# Shift from 06:00: meals fixed at 06:30-07:00 and 12:00-12:30, rests at 09:00, 14:00 and 18:00.
TWO_MEALS = brk(30, "07:00-12:00", "12:30-23:59")
THREE_RESTS = rest(10, "06:00-09:00", "09:10-14:00", "14:10-18:00", "18:10-23:59", paid=True)


def test_ca_wage_order_4_s12_fourteen_hours_worked_are_owed_three_rests(book: Rulebook) -> None:
    """Wage Order 4 §12(A): 14 hours worked (15 hours less two meals) are three periods of four and
    a remainder of two: three rests, and the rule has room for three."""
    lawful(shift("us-ca", hm(15), TWO_MEALS, THREE_RESTS, start="06:00"), book)


def test_ca_wage_order_4_s12_fourteen_hours_one_minute_worked_are_owed_four_rests(book: Rulebook) -> None:
    """Wage Order 4 §12(A), one minute over: a remainder of 2 h 01 is a major fraction, so 14 h 01
    worked owe a fourth rest (the statute's rate has no ceiling at 14 hours)."""
    breach(shift("us-ca", hm(15, 1), TWO_MEALS, THREE_RESTS, start="06:00"), book, "Wage Order 4 §12")


def test_ca_s512_an_unpaid_30_minute_break_of_kind_any_is_the_meal_period(book: Rulebook) -> None:
    """Labor Code §512 and Wage Order 4 §§11-12: an unpaid 30-minute break of kind `any` is the
    off-duty meal period, not an unpaid rest period; with paid 10-minute rests the day is lawful."""
    lawful(shift("us-ca", hm(8, 30), brk(30, kind="any"), rest(10, paid=True)), book)


def test_ca_s512_an_unpaid_29_minute_break_of_kind_any_is_a_short_meal_period(book: Rulebook) -> None:
    """Labor Code §512(a) ("a meal period of not less than 30 minutes"), one minute under: 8 h 29
    of presence less an unpaid 29-minute `any` break are 8 hours worked, and the meal is short."""
    breach(shift("us-ca", hm(8, 29), brk(29, kind="any"), rest(10, paid=True)), book, "Labor Code §512")


# =========================================================================== 6. the bundled policies


def _bundled(name: str) -> Policy:
    return load_policy(BREAKS / f"{name}.yaml")


def test_berlin_core_hours_ban_is_unlawful_under_arbzg_s4(book: Rulebook) -> None:
    """ArbZG §4 sentence 3: the 08:30 shift cannot break before 15:00, six and a half hours of work
    in a row: unlawful."""
    hits = breach(_bundled("core-hours-break-ban-berlin"), book, "ArbZG §4")
    assert all(c.policies == ["core-hours-break-ban-berlin"] for c in hits)


def test_pie_van_lunch_ban_is_lawful_under_wtr_reg12(book: Rulebook) -> None:
    """WTR 1998 reg. 12: every shift (06:00, 08:00, 09:30) keeps room for its 30-minute lunch
    outside 10:00-12:00, and reg. 12 sets no deadline: lawful."""
    lawful(_bundled("pie-van-lunch-ban"), book)


def test_sacramento_meal_and_rest_breaks_are_lawful_under_s512_and_wage_order_4(book: Rulebook) -> None:
    """Labor Code §512 and Wage Order 4 §§11-12: 8.5 hours less the unpaid meal are 8 hours worked,
    one meal before the end of the fifth hour worked and two paid rests: lawful."""
    lawful(_bundled("meal-and-rest-breaks-sacramento"), book)


# --------------------------------------------------------------- what the reviewers found untested


def test_de_arbzg_s2_an_interruption_under_15_minutes_is_working_time(book: Rulebook) -> None:
    """ArbZG §2(1) and §4 sentence 2: a 10-minute rest is no Ruhepause, so it stays working time:
    6 h 06 of presence with it are 6 h 06 of work, over six hours, and 30 minutes are due."""
    breach(shift("de", hm(6, 6), rest(10), start="09:00"), book, "ArbZG §4")


def test_ca_s512_a_later_meal_deadline_moves_on_by_the_unpaid_meal_before_it(book: Rulebook) -> None:
    """Labor Code §512(a): the second meal is due by the end of the tenth hour *worked*; on a
    12-hour day from 08:00 the first meal (30 unpaid minutes) moves that deadline from 18:00 to 18:30."""
    (hit,) = breach(shift("us-ca", hm(12), rest(10, paid=True)), book, "Labor Code §512")
    assert "starting by 13:00 and 18:30" in hit.explanation, hit.explanation


def test_ca_s512_a_meal_that_does_not_count_is_offered_as_a_break_of_any_kind(book: Rulebook) -> None:
    """Wage Order 4 §11-12: a paid 30-minute lunch counts as a meal, but leaves the rest periods
    missing; the remedy that lets it be taken as a break of any kind (REM036) keeps its length."""
    policy = shift("us-ca", hm(8), brk(30, paid=True))
    run = evaluate([policy], rulebook=book, settings=Settings())
    offered = [
        r for c in run.evaluation.conflicts if c.kind == "guardrail" for r in c.remedies if r.code == "REM036"
    ]
    assert offered, [(c.code, [r.code for r in c.remedies]) for c in run.evaluation.conflicts]
    assert offered[0].patch.set == {"break": "any", "min_minutes": 30}
    assert offered[0].resolves
