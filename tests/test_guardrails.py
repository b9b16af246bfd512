"""Legal guardrails on breaks: the bundled packs, exact minute boundaries, explanations, the loader."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from policyweigh.errors import InputError
from policyweigh.law.check import GuardrailReport, GuardrailSettings, check_guardrails
from policyweigh.law.wording import NO_JURISDICTION
from policyweigh.policy import BUNDLED_JURISDICTIONS
from policyweigh.rulebook.guardrails import (
    GUARDRAILS_FILE,
    ClockWindow,
    Deadline,
    DueBreak,
    GuardrailPacks,
    Threshold,
    Waiver,
    WorkingTime,
    load_guardrails,
)
from tests.helpers import make_policy

UK = "UK Working Time Regulations 1998, reg. 12"
EU = "Directive 2003/88/EC, Art. 4"
DE = "Arbeitszeitgesetz (ArbZG), section 4"
NL = "Arbeidstijdenwet, art. 5:4"
CA_MEAL = "California Labor Code section 512; IWC Wage Order 4-2001, section 11"
CA_REST = "IWC Wage Order 4-2001, section 12; California Labor Code section 226.7"
FR = "Code du travail, art. L3121-16"
PH_RULES = "Omnibus Rules Implementing the Labor Code, Book III, Rule I, sec. 7"
PH_MEAL = f"Labor Code of the Philippines, Art. 85; {PH_RULES}"
PH_COFFEE = f"Labor Code of the Philippines, Art. 84; {PH_RULES}"
US_FED_REST = "29 CFR 785.18 (Fair Labor Standards Act, hours worked)"
US_FED_MEAL = "29 CFR 785.19 (Fair Labor Standards Act, hours worked)"
WA_MEAL = "WAC 296-126-092(1)-(3)"
WA_REST = "WAC 296-126-092(4)-(5)"
NY_NOON = "New York Labor Law section 162(2)"
NY_EVENING = "New York Labor Law section 162(3)"
NY_MIDWAY = "New York Labor Law section 162(4)"
IE_15 = "Organisation of Working Time Act 1997, section 12(1)"
IE_30 = "Organisation of Working Time Act 1997, section 12(2)"
ES = "Estatuto de los Trabajadores, art. 34.4"


def brk(minutes: int, *windows: str, kind: str = "lunch", paid: bool = False) -> dict[str, Any]:
    """A break rule; windows as "HH:MM-HH:MM"."""
    blocked = [{"from": w.split("-")[0], "to": w.split("-")[1]} for w in windows]
    return {
        "kind": "break-rule",
        "break": kind,
        "min_minutes": minutes,
        "blocked_windows": blocked,
        "paid": paid,
    }


def check(
    jurisdiction: str | None,
    *rules: dict[str, Any],
    minutes: int | None = 480,
    starts: tuple[str, ...] = ("08:00",),
    settings: GuardrailSettings | None = None,
    packs: GuardrailPacks | None = None,
) -> GuardrailReport:
    """Check a policy with the given rules; ``minutes`` is the working time (None: not given).

    The laws count hours worked, so the shift given to the checker is ``minutes`` plus the
    breaks of the rules that the pack reads as no working time (``working_time``: the unpaid
    ones by default; in Germany every break of 15 minutes or more; in California not the rest
    periods), one break per rule. The checker takes its settings and packs explicitly; this
    helper supplies the defaults and the bundled packs so each test states only what it varies.
    """
    packs = packs if packs is not None else load_guardrails()
    scope: dict[str, Any] = {"shift_starts": list(starts)}
    if minutes is not None:
        pack = packs.get(jurisdiction) if jurisdiction is not None else None
        reading = pack.requirements[0].working_time if pack is not None else WorkingTime()
        off = sum(
            r["min_minutes"]
            for r in rules
            if r.get("kind") == "break-rule"
            and reading.excludes_break(r["break"], r["min_minutes"], bool(r.get("paid")))
        )
        scope["shift_hours"] = (minutes + off) / 60
    return check_guardrails(
        make_policy(*rules, jurisdiction=jurisdiction, scope=scope),
        settings=settings if settings is not None else GuardrailSettings(),
        packs=packs,
    )


def codes(report: GuardrailReport, only: str | None = None) -> list[str]:
    """The report's codes; ``only``: just that one (a single-rule policy in California or the
    Philippines also misses the other requirement of its pack, a meal or a rest)."""
    return [c.code for c in report.conflicts if only is None or c.code == only]


def only(report: GuardrailReport) -> str:
    """The explanation of the one conflict of a report."""
    assert len(report.conflicts) == 1, [c.explanation for c in report.conflicts]
    return report.conflicts[0].explanation


# --------------------------------------------------------------------------- the bundled packs

# code: (jurisdiction, applies, min_minutes, min_block_minutes, deadlines, paid, citation)
FIGURES: dict[str, tuple[str, dict[str, float], int | None, int | None, list[Any], bool, str]] = {
    # Art. 4 names no deadline: the break only has to fit in the shift.
    "GRD001": ("eu", {"over_hours": 6}, None, None, [None], False, EU),
    "GRD010": ("uk", {"over_hours": 6}, 20, None, [None], False, UK),
    "GRD020": ("de", {"over_hours": 6, "up_to_hours": 9}, 30, 15, [(6, "start-by")], False, DE),
    "GRD021": ("de", {"over_hours": 9}, 45, 15, [(6, "start-by")], False, DE),
    "GRD030": (
        "fr",
        {"reaches_hours": 6},
        20,
        None,
        [(6, "start-by")],
        False,
        FR,
    ),
    "GRD040": ("nl", {"over_hours": 5.5, "up_to_hours": 10}, 30, 15, [None], False, NL),
    "GRD041": ("nl", {"over_hours": 10}, 45, 15, [None], False, NL),
    "GRD050": ("us-ca", {"over_hours": 5}, 30, None, [(5, "start-by"), (10, "start-by")], False, CA_MEAL),
    "GRD051": ("us-ca", {"reaches_hours": 3.5}, 10, None, [None] * 6, True, CA_REST),
    "GRD060": ("ph", {"over_hours": 5}, 60, None, [None], False, PH_MEAL),
    "GRD061": ("ph", {"over_hours": 0}, None, None, [], True, PH_COFFEE),
    "GRD070": ("us-fed", {"over_hours": 0}, None, None, [], True, US_FED_REST),
    "GRD071": ("us-fed", {"over_hours": 0}, None, None, [], True, US_FED_MEAL),
    "GRD080": ("us-wa", {"over_hours": 5}, 30, None, [(5, "start-by"), None], False, WA_MEAL),
    "GRD081": ("us-wa", {"over_hours": 3}, 10, None, [(3, "start-by")] + [None] * 6, True, WA_REST),
    "GRD090": ("us-ny", {"over_hours": 6}, 30, None, [None], False, NY_NOON),
    "GRD091": ("us-ny", {"over_hours": 0}, 20, None, [None], False, NY_EVENING),
    "GRD092": ("us-ny", {"over_hours": 6}, 45, None, [None], False, NY_MIDWAY),
    "GRD300": ("ie", {"over_hours": 4.5}, 15, None, [(4.5, "start-by")], False, IE_15),
    "GRD301": ("ie", {"over_hours": 6}, 30, None, [(6, "start-by")], False, IE_30),
    "GRD310": ("es", {"over_hours": 6}, 15, None, [None], False, ES),
}


def test_bundled_file_has_a_pack_per_jurisdiction() -> None:
    packs = load_guardrails()
    assert sorted(packs) == sorted(BUNDLED_JURISDICTIONS)
    found = [r.code for pack in packs.values() for r in pack.requirements]
    assert sorted(found) == sorted(FIGURES)


@pytest.mark.parametrize("code", sorted(FIGURES))
def test_bundled_figures(code: str) -> None:
    jurisdiction, applies, minimum, block, deadlines, paid, citation = FIGURES[code]
    (req,) = [r for r in load_guardrails()[jurisdiction].requirements if r.code == code]
    assert req.jurisdiction == jurisdiction
    assert req.applies.model_dump(exclude_none=True) == applies
    assert (req.min_minutes, req.min_block_minutes, req.paid) == (minimum, block, paid)
    got = [(b.deadline.hours, b.deadline.kind) if b.deadline else None for b in req.breaks]
    assert got == deadlines
    assert req.citation == citation


# The official publishers of the texts the bundled packs cite.
OFFICIAL_HOSTS = {
    "eu": "eur-lex.europa.eu",
    "uk": "www.legislation.gov.uk",
    "de": "www.gesetze-im-internet.de",
    "fr": "www.legifrance.gouv.fr",
    "nl": "wetten.overheid.nl",
    "es": "www.boe.es",
    "ie": "www.irishstatutebook.ie",
    "us-ca": ("leginfo.legislature.ca.gov", "www.dir.ca.gov"),
    "us-fed": "www.ecfr.gov",
    "us-ny": "www.nysenate.gov",
    "us-wa": "app.leg.wa.gov",
    "ph": "lawphil.net",
}


@pytest.mark.parametrize("code", sorted(FIGURES))
def test_bundled_requirement_links_the_official_text(code: str) -> None:
    jurisdiction = FIGURES[code][0]
    (req,) = [r for r in load_guardrails()[jurisdiction].requirements if r.code == code]
    assert req.url is not None, f"{code} has no link to its article"
    host = req.url.split("/")[2]
    hosts = OFFICIAL_HOSTS[jurisdiction]
    assert host in (hosts if isinstance(hosts, tuple) else (hosts,)), (code, req.url)


def _due(code: str, index: int = 0) -> DueBreak:
    jurisdiction = FIGURES[code][0]
    (req,) = [r for r in load_guardrails()[jurisdiction].requirements if r.code == code]
    return req.breaks[index]


def test_bundled_clock_conditions() -> None:
    """The figures of the breaks that the clock governs, as the packs read their articles."""
    wa_meal = _due("GRD080")
    assert (wa_meal.earliest_hours, wa_meal.deadline) == (2, Deadline(hours=5, kind="start-by"))
    noon, evening, midway = _due("GRD090"), _due("GRD091"), _due("GRD092")
    assert (noon.when_spans, noon.within) == (
        ClockWindow.model_validate({"from": "11:00", "to": "14:00"}),
        ClockWindow.model_validate({"from": "11:00", "to": "14:00"}),
    )
    assert (evening.when_spans, evening.within) == (
        ClockWindow.model_validate({"from": "10:59", "to": "19:01"}),
        ClockWindow.model_validate({"from": "17:00", "to": "19:00"}),
    )
    assert (midway.when_starts, midway.middle_minutes) == (
        ClockWindow.model_validate({"from": "13:00", "to": "06:00"}),
        60,
    )


def test_bundled_waivers_are_californias_only() -> None:
    """Labor Code section 512(a): the first meal waivable up to 6 hours worked, the second up to 12
    and only when the first was taken; no other bundled pack allows a waiver."""
    assert _due("GRD050", 0).waivable == Waiver(up_to_hours=6)
    assert _due("GRD050", 1).waivable == Waiver(up_to_hours=12, if_previous_taken=True)
    others = [
        r.code
        for pack in load_guardrails().values()
        for r in pack.requirements
        if r.code != "GRD050" and any(b.waivable is not None for b in r.breaks)
    ]
    assert others == []


def test_bundled_file_is_cached() -> None:
    assert load_guardrails() is load_guardrails()
    assert load_guardrails(GUARDRAILS_FILE) is load_guardrails()


def test_default_settings() -> None:
    settings = GuardrailSettings()
    assert settings.edge_margin_minutes == 30
    assert settings.default_shift_hours == 8
    assert settings.default_shift_start == "09:00"
    assert settings.default_break_minutes == 15


# --------------------------------------------------------------------------- shift-length thresholds

# id: (jurisdiction, code, rule, shift minutes below or at the threshold, first minute over it).
# The rule breaks the requirement whenever it applies, so the code shows on one side only.
THRESHOLDS = {
    "eu-over-6h": ("eu", "GRD001", brk(5), 360, 361),
    "uk-over-6h": ("uk", "GRD010", brk(5), 360, 361),
    "de-over-6h": ("de", "GRD020", brk(5), 360, 361),
    "de-over-9h": ("de", "GRD021", brk(30), 540, 541),
    "fr-reaches-6h": ("fr", "GRD030", brk(5), 359, 360),
    "nl-over-5.5h": ("nl", "GRD040", brk(5), 330, 331),
    "nl-over-10h": ("nl", "GRD041", brk(30), 600, 601),
    "us-ca-meal-over-5h": ("us-ca", "GRD050", brk(5), 300, 301),
    "us-ca-rest-reaches-3.5h": ("us-ca", "GRD051", brk(5, kind="rest"), 209, 210),
    "ph-meal-over-5h": ("ph", "GRD060", brk(5), 300, 301),
}


@pytest.mark.parametrize(
    ("jurisdiction", "code", "rule", "below", "above"), THRESHOLDS.values(), ids=THRESHOLDS.keys()
)
def test_shift_length_threshold(
    jurisdiction: str, code: str, rule: dict[str, Any], below: int, above: int
) -> None:
    assert code not in codes(check(jurisdiction, rule, minutes=below))
    assert code in codes(check(jurisdiction, rule, minutes=above))


# id: (jurisdiction, code, rule, last shift length covered, first one past it)
UPPER_BOUNDS = {
    "de-30-min-up-to-9h": ("de", "GRD020", brk(20), 540, 541),
    "nl-30-min-up-to-10h": ("nl", "GRD040", brk(20), 600, 601),
}


@pytest.mark.parametrize(
    ("jurisdiction", "code", "rule", "inside", "outside"), UPPER_BOUNDS.values(), ids=UPPER_BOUNDS.keys()
)
def test_shift_length_upper_bound(
    jurisdiction: str, code: str, rule: dict[str, Any], inside: int, outside: int
) -> None:
    assert code in codes(check(jurisdiction, rule, minutes=inside))
    assert code not in codes(check(jurisdiction, rule, minutes=outside))


def test_de_thirty_minutes_are_enough_up_to_nine_hours_not_after() -> None:
    assert codes(check("de", brk(30), minutes=540)) == []
    assert only(check("de", brk(30), minutes=541)) == (
        "on shifts of 9 hours 1 minute worked, lunch breaks of 30 minutes count towards the 45 minutes "
        "required once working time is over 9 hours, but the policy's breaks add up to 30 minutes "
        f"({DE})"
    )


# Further breaks due on longer shifts: a rule with room for one break fewer than the longer shift needs.
FURTHER_BREAKS = {
    # Meal at 06:30; a second one could start no earlier than 07:30, blocked until 16:01.
    "us-ca-second-meal-over-10h": ("us-ca", "GRD050", brk(30, "07:00-16:01"), 600, 601, ("06:00",)),
    # Rest at 08:30; a second one could start no earlier than 09:10, blocked until 15:00.
    "us-ca-second-rest-over-6h": (
        "us-ca",
        "GRD051",
        brk(10, "08:40-15:00", kind="rest", paid=True),
        360,
        361,
        (),
    ),
    # Rests at 08:30 and 09:10; a third could start no earlier than 09:50, blocked until 23:00.
    "us-ca-third-rest-over-10h": (
        "us-ca",
        "GRD051",
        brk(10, "09:50-23:00", kind="rest", paid=True),
        600,
        601,
        (),
    ),
}


@pytest.mark.parametrize(
    ("jurisdiction", "code", "rule", "below", "above", "starts"),
    FURTHER_BREAKS.values(),
    ids=FURTHER_BREAKS.keys(),
)
def test_further_break_threshold(
    jurisdiction: str, code: str, rule: dict[str, Any], below: int, above: int, starts: tuple[str, ...]
) -> None:
    starts = starts or ("08:00",)
    assert codes(check(jurisdiction, rule, minutes=below, starts=starts), code) == []
    assert codes(check(jurisdiction, rule, minutes=above, starts=starts), code) == [code]


@pytest.mark.parametrize(("minutes", "breach"), [(4, False), (5, True), (20, True), (21, False)])
def test_ph_coffee_breaks_of_5_to_20_minutes_are_paid(minutes: int, breach: bool) -> None:
    report = check("ph", brk(minutes, kind="rest"))
    assert codes(report, "GRD061") == (["GRD061"] if breach else [])
    assert codes(check("ph", brk(minutes, kind="rest", paid=True)), "GRD061") == []


# --------------------------------------------------------------------------- deadlines and fit, to the minute

# id: (jurisdiction, shift minutes, start, rule lawful at the boundary, rule one minute past it, code)
DEADLINES = {
    # Art. 4 sets no deadline: 8 hours of work and the assumed 15-minute break are 08:00-16:15,
    # and the break must end 30 minutes before the shift does (15:45).
    "eu-no-deadline-fits-by-15:45": (
        "eu",
        480,
        "08:00",
        brk(15, "08:00-15:30"),
        brk(15, "08:00-15:31"),
        "GRD001",
    ),
    # Reg. 12 sets no deadline: 8 hours of work and the 20-minute break are 08:00-16:20, and the
    # break must end 30 minutes before the shift does (15:50).
    "uk-no-deadline-fits-by-15:50": (
        "uk",
        480,
        "08:00",
        brk(20, "08:00-15:30"),
        brk(20, "08:00-15:31"),
        "GRD010",
    ),
    "de-start-by-14:00": ("de", 480, "08:00", brk(30, "08:00-14:00"), brk(30, "08:00-14:01"), "GRD020"),
    "de-over-9h-start-by-14:00": (
        "de",
        570,
        "08:00",
        brk(45, "08:00-14:00"),
        brk(45, "08:00-14:01"),
        "GRD021",
    ),
    "fr-start-by-14:00": ("fr", 480, "08:00", brk(20, "08:00-14:00"), brk(20, "08:00-14:01"), "GRD030"),
    "us-ca-meal-start-by-13:00": (
        "us-ca",
        480,
        "08:00",
        brk(30, "08:00-13:00"),
        brk(30, "08:00-13:01"),
        "GRD050",
    ),
    # The second meal by the end of the tenth hour *worked*: after the first meal (11:00-11:30),
    # 06:00 + 10 hours + 30 minutes = 16:30.
    "us-ca-second-meal-start-by-16:30": (
        "us-ca",
        720,
        "06:00",
        brk(30, "06:00-11:00", "12:00-16:30"),
        brk(30, "06:00-11:00", "12:00-16:31"),
        "GRD050",
    ),
    # No deadline: the break must end 30 minutes before the shift ends (16:00); the working
    # time is the shift less the break.
    "nl-fits-by-15:30": ("nl", 450, "08:00", brk(30, "08:00-15:00"), brk(30, "08:00-15:01"), "GRD040"),
    "nl-over-10h-fits-by-18:30": (
        "nl",
        615,
        "08:00",
        brk(45, "08:00-17:45"),
        brk(45, "08:00-17:46"),
        "GRD041",
    ),
    "ph-meal-fits-by-15:30": ("ph", 420, "08:00", brk(60, "08:00-14:30"), brk(60, "08:00-14:31"), "GRD060"),
    # Two rests 30 minutes apart: 14:40-14:50 and 15:20-15:30.
    "us-ca-rests-fit-by-15:30": (
        "us-ca",
        480,
        "08:00",
        brk(10, "08:00-14:40", kind="rest", paid=True),
        brk(10, "08:00-14:41", kind="rest", paid=True),
        "GRD051",
    ),
}


@pytest.mark.parametrize(
    ("jurisdiction", "minutes", "start", "lawful", "late", "code"), DEADLINES.values(), ids=DEADLINES.keys()
)
def test_deadline_boundary(
    jurisdiction: str,
    minutes: int,
    start: str,
    lawful: dict[str, Any],
    late: dict[str, Any],
    code: str,
) -> None:
    assert codes(check(jurisdiction, lawful, minutes=minutes, starts=(start,)), code) == []
    report = check(jurisdiction, late, minutes=minutes, starts=(start,))
    assert codes(report, code) == [code]
    (conflict,) = [c for c in report.conflicts if c.code == code]
    assert conflict.severity == ("warning" if jurisdiction == "eu" else "error")


# ------------------------------------------------------------------ explanations, one per failure mode

# id: (jurisdiction, rules, shift minutes, starts, severity, exact explanation)
EXPLANATIONS: dict[str, tuple[str, list[dict[str, Any]], int, tuple[str, ...], str, str]] = {
    "deadline-inside-a-blocked-window": (
        "fr",
        [brk(20, "09:00-15:00")],
        480,
        ("08:30",),
        "error",
        "the shift starting 08:30 reaches 6 hours at 14:30, inside the blocked window 09:00-15:00 "
        "(breaks in the first or last 30 minutes of a shift do not count), so no 20-minute break can "
        f"start by 14:30 ({FR})",
    ),
    "gaps-too-short-before-the-deadline": (
        "fr",
        [brk(20, "08:30-14:25", "14:35-15:00")],
        480,
        ("08:30",),
        "error",
        "the shift starting 08:30 reaches 6 hours at 14:30 and breaks are blocked 08:30-14:25 and "
        f"14:35-15:00, so no 20-minute break can start by 14:30 ({FR})",
    ),
    "deadline-inside-one-window-of-several": (
        "fr",
        [brk(20, "08:30-11:00", "11:10-15:00")],
        480,
        ("08:30",),
        "error",
        "the shift starting 08:30 reaches 6 hours at 14:30, inside the blocked window 11:10-15:00, "
        f"and breaks are also blocked 08:30-11:00, so no 20-minute break can start by 14:30 ({FR})",
    ),
    "free-time-only-at-the-shift-edge": (
        "fr",
        [brk(20, "08:30-14:01")],
        480,
        ("08:00",),
        "error",
        "the shift starting 08:00 reaches 6 hours at 14:00, inside the blocked window 08:30-14:01 "
        "(breaks in the first or last 30 minutes of a shift do not count), so no 20-minute break "
        f"can start by 14:00 ({FR})",
    ),
    "several-shift-starts-in-one-conflict": (
        "fr",
        [brk(20, "06:00-13:00")],
        480,
        ("06:30", "06:00", "09:00"),
        "error",
        "the shifts starting 06:00 and 06:30 reach 6 hours at 12:00 and 12:30, each inside a blocked "
        f"window, and breaks are blocked 06:00-13:00, so no 20-minute break can start by then ({FR})",
    ),
    "shorter-than-the-legal-minimum": (
        "uk",
        [brk(15)],
        480,
        ("08:00",),
        "error",
        "on shifts of 8 hours worked, lunch breaks of 15 minutes are shorter than the 20 minutes required "
        f"once working time is over 6 hours ({UK})",
    ),
    "shorter-and-no-slot": (
        "fr",
        [brk(15, "08:00-14:01")],
        480,
        ("08:00",),
        "error",
        "on shifts of 8 hours worked, lunch breaks of 15 minutes are shorter than the 20 minutes required "
        "once working time reaches 6 hours; the shift starting 08:00 reaches 6 hours at 14:00, inside the "
        f"blocked window 08:00-14:01, so no 20-minute break can start by 14:00 ({FR})",
    ),
    "shorter-than-a-part-where-splitting-is-allowed": (
        "de",
        [brk(10)],
        480,
        ("08:00",),
        "error",
        "on shifts of 8 hours worked, lunch breaks of 10 minutes are shorter than the 30 minutes required "
        "for working time over 6 and up to 9 hours (which may be split into parts of at least 15 minutes) "
        f"({DE})",
    ),
    "parts-that-do-not-add-up": (
        "de",
        [brk(15), brk(10, kind="rest")],
        480,
        ("08:00",),
        "error",
        "on shifts of 8 hours worked, lunch breaks of 15 minutes count towards the 30 minutes required for "
        f"working time over 6 and up to 9 hours, but the policy's breaks add up to 15 minutes ({DE})",
    ),
    "eu-length-left-to-national-law": (
        "eu",
        [brk(10)],
        480,
        ("08:00",),
        "warning",
        "on shifts of 8 hours worked, lunch breaks of 10 minutes are shorter than the 15 minutes assumed for "
        f"the break due once working time is over 6 hours, a length left to national law ({EU})",
    ),
    "unpaid-where-the-law-counts-the-break-as-paid": (
        "us-ca",
        [brk(10, kind="rest"), brk(30)],
        480,
        ("08:00",),
        "error",
        f"rest breaks of 10 minutes are unpaid, but rest periods count as paid working time ({CA_REST})",
    ),
    "unpaid-coffee-break": (
        "ph",
        [brk(15, kind="rest"), brk(60)],
        480,
        ("08:00",),
        "error",
        "rest breaks of 15 minutes are unpaid, but coffee breaks of 5 to 20 minutes count as paid "
        f"working time ({PH_COFFEE})",
    ),
    "shortened-meal-paid-lawful-only-in-some-cases": (
        "ph",
        [brk(30, paid=True)],
        480,
        ("08:00",),
        "warning",
        "on shifts of 8 hours worked, lunch breaks of 30 minutes are shorter than the 60 minutes required "
        "once working time is over 5 hours, and a shorter paid break of at least 20 minutes is lawful only "
        "in the cases the implementing rules list (work that is non-manual or involves no strenuous "
        "physical exertion, an establishment that regularly operates at least 16 hours a day, actual or "
        "impending emergencies or urgent work on machines to avoid a serious loss, and work needed to "
        f"prevent a serious loss of perishable goods) ({PH_MEAL})",
    ),
    "shortened-meal-unpaid": (
        "ph",
        [brk(30)],
        480,
        ("08:00",),
        "error",
        "on shifts of 8 hours worked, lunch breaks of 30 minutes are shorter than the 60 minutes required "
        f"once working time is over 5 hours, and a shorter break must be paid ({PH_MEAL})",
    ),
    "meal-shorter-than-the-shortened-minimum": (
        "ph",
        [brk(15, paid=True)],
        480,
        ("08:00",),
        "error",
        "on shifts of 8 hours worked, lunch breaks of 15 minutes are shorter than the 60 minutes required "
        f"once working time is over 5 hours ({PH_MEAL})",
    ),
    "no-deadline-break-does-not-fit": (
        "nl",
        [brk(30, "08:00-16:00")],
        450,
        ("08:00",),
        "error",
        f"breaks are blocked 08:00-16:00, so no 30-minute break fits in the shift from 08:00 to 16:00 ({NL})",
    ),
    "no-deadline-several-starts": (
        "nl",
        [brk(30, "08:00-19:00")],
        480,
        ("08:00", "10:00"),
        "error",
        "breaks are blocked 08:00-19:00, so no 30-minute break fits in the shifts starting 08:00 and "
        f"10:00 ({NL})",
    ),
    "second-of-several-breaks-misses-its-deadline": (
        "us-ca",
        [brk(30, "06:00-11:00", "12:00-16:31"), brk(10, kind="rest", paid=True)],
        720,
        ("06:00",),
        "error",
        "the shift starting 06:00 reaches 10 hours at 16:30, inside the blocked window 12:00-16:31, "
        "and breaks are also blocked 06:00-11:00 (breaks in the first or last 30 minutes of a shift "
        "do not count, and breaks are at least 30 minutes apart), so the second of two 30-minute "
        f"breaks cannot start by 16:30 ({CA_MEAL})",
    ),
    "second-of-several-breaks-does-not-fit": (
        "us-ca",
        [brk(10, "08:00-14:41", kind="rest", paid=True), brk(30)],
        450,
        ("08:00",),
        "error",
        "breaks are blocked 08:00-14:41 (breaks in the first or last 30 minutes of a shift do not "
        "count, and breaks are at least 30 minutes apart), so the second of two 10-minute breaks does "
        f"not fit in the shift from 08:00 to 16:00 ({CA_REST})",
    ),
    "meal-before-the-end-of-hour-5": (
        "us-ca",
        [brk(30, "08:30-13:01"), brk(10, kind="rest", paid=True)],
        480,
        ("08:00",),
        "error",
        "the shift starting 08:00 reaches 5 hours at 13:00, inside the blocked window 08:30-13:01 "
        "(breaks in the first or last 30 minutes of a shift do not count), so no 30-minute break can "
        f"start by 13:00 ({CA_MEAL})",
    ),
}


@pytest.mark.parametrize(
    ("jurisdiction", "rules", "minutes", "starts", "severity", "explanation"),
    EXPLANATIONS.values(),
    ids=EXPLANATIONS.keys(),
)
def test_explanation(
    jurisdiction: str,
    rules: list[dict[str, Any]],
    minutes: int,
    starts: tuple[str, ...],
    severity: str,
    explanation: str,
) -> None:
    report = check(jurisdiction, *rules, minutes=minutes, starts=starts)
    assert only(report) == explanation
    conflict = report.conflicts[0]
    assert conflict.kind == "guardrail"
    assert conflict.severity == severity
    assert conflict.policies == ["p"]
    assert conflict.rules == ["p/rules[0]"]
    assert conflict.citation is not None and explanation.endswith(f"({conflict.citation})")
    assert conflict.remedies == []


# Each failure above, with the one change that makes it lawful.
LAWFUL = {
    "window-ends-at-the-deadline": ("uk", [brk(20, "09:00-14:30")], 480, ("08:30",)),
    "gap-long-enough-before-the-deadline": ("uk", [brk(20, "09:00-14:10", "14:30-15:00")], 480, ("08:30",)),
    "legal-minimum-exactly": ("uk", [brk(20)], 480, ("08:00",)),
    "parts-that-add-up": ("de", [brk(15), brk(15, kind="rest")], 480, ("08:00",)),
    "eu-assumed-length-exactly": ("eu", [brk(15)], 480, ("08:00",)),
    "paid-rest-periods": ("us-ca", [brk(10, kind="rest", paid=True), brk(30)], 480, ("08:00",)),
    "paid-coffee-break": ("ph", [brk(15, kind="rest", paid=True), brk(60)], 480, ("08:00",)),
    "full-hour-meal": ("ph", [brk(60)], 480, ("08:00",)),
    "no-deadline-break-fits": ("nl", [brk(30, "08:30-15:00")], 480, ("08:00",)),
    # The second meal may start at the end of the tenth hour worked: 06:00 + 10 h + the first meal.
    "second-meal-in-time": (
        "us-ca",
        [brk(30, "06:00-11:00", "12:00-16:30"), brk(10, kind="rest", paid=True)],
        720,
        ("06:00",),
    ),
    "a-lunch-outside-the-pie-van-window": ("uk", [brk(30, "10:00-12:00")], 480, ("06:00", "08:00", "09:30")),
    "another-rule-takes-the-break-in-time": (
        "uk",
        [brk(30, "08:00-16:00"), brk(20, kind="rest")],
        480,
        ("08:00",),
    ),
    "a-short-rest-rule-is-an-extra-break": ("uk", [brk(30), brk(10, kind="rest")], 480, ("08:00",)),
    "a-long-enough-rest-rule-covers-a-short-lunch": ("uk", [brk(10), brk(20, kind="rest")], 480, ("08:00",)),
    # Held to the 30-minute meal period, a 20-minute rest would be too short; held to the paid rest
    # periods, an unpaid lunch would be unpaid.
    "a-rest-rule-is-no-meal-period": ("us-ca", [brk(20, kind="rest", paid=True), brk(30)], 480, ("08:00",)),
    "a-lunch-rule-is-no-rest-period": ("us-ca", [brk(30), brk(10, kind="rest", paid=True)], 480, ("08:00",)),
}


@pytest.mark.parametrize(("jurisdiction", "rules", "minutes", "starts"), LAWFUL.values(), ids=LAWFUL.keys())
def test_lawful_counterpart(
    jurisdiction: str, rules: list[dict[str, Any]], minutes: int, starts: tuple[str, ...]
) -> None:
    assert check(jurisdiction, *rules, minutes=minutes, starts=starts).conflicts == []


def test_every_counting_rule_is_reported_when_none_takes_the_break_in_time() -> None:
    report = check("fr", brk(30, "08:00-16:00"), brk(20, "08:00-14:01", kind="rest"))
    assert [(c.code, c.rules) for c in report.conflicts] == [
        ("GRD030", ["p/rules[0]"]),
        ("GRD030", ["p/rules[1]"]),
    ]
    assert report.conflicts[1].explanation == (
        "the shift starting 08:00 reaches 6 hours at 14:00, inside the blocked window 08:00-14:01, "
        f"so no 20-minute break can start by 14:00 ({FR})"
    )


def test_an_unpaid_any_rule_is_a_meal_period_and_no_rest_period() -> None:
    # Wage Order 4 section 12: rest is paid, so an unpaid break of kind any is a meal period
    # (held to section 512), and the rest periods are missing.
    report = check("us-ca", brk(20, kind="any"))
    assert [(c.code, c.severity) for c in report.conflicts] == [("GRD050", "error"), ("GRD051", "error")]
    assert report.conflicts[0].explanation == (
        "on shifts of 8 hours worked, breaks of 20 minutes are shorter than the 30 minutes required once "
        f"working time is over 5 hours ({CA_MEAL})"
    )
    assert report.conflicts[1].explanation == (
        "no break of the policy counts as rest periods (breaks of 20 minutes count as rest periods only "
        "when paid): the shift starting 08:00 works 8 hours (8 hours 20 minutes with its breaks) with no "
        "break that counts, and two breaks of "
        f"10 minutes are due within the shift once working time reaches 3.5 hours ({CA_REST})"
    )


def test_a_paid_any_rule_is_held_to_meal_and_rest_periods() -> None:
    report = check("us-ca", brk(20, kind="any", paid=True))
    assert [(c.code, c.severity) for c in report.conflicts] == [("GRD050", "error")]
    assert check("us-ca", brk(30, kind="any", paid=True)).conflicts == []


# --------------------------------------------------------------------------- midnight, margins, assumptions


def test_shift_crossing_midnight_breaks_its_deadline() -> None:
    report = check("fr", brk(20, "22:00-23:59", "00:00-04:01"), starts=("22:00",))
    assert only(report) == (
        "the shift starting 22:00 reaches 6 hours at 04:00, inside the blocked window 00:00-04:01, "
        f"and breaks are also blocked 22:00-23:59, so no 20-minute break can start by 04:00 ({FR})"
    )


def test_shift_crossing_midnight_may_start_its_break_at_the_deadline() -> None:
    assert check("fr", brk(20, "22:00-23:59", "00:00-04:00"), starts=("22:00",)).conflicts == []


def test_shift_crossing_midnight_uses_the_windows_of_the_next_day() -> None:
    # Earliest start 23:30; 23:30-23:40 and 23:59-00:00 are too short for 20 minutes, and the
    # morning window 00:00-05:00 lies on the next day, so the first slot starts at 05:00: the
    # deadline minute itself (23:00 + 6 h), lawful; one minute more is not.
    assert check("fr", brk(20, "23:40-23:59", "00:00-05:00"), starts=("23:00",)).conflicts == []
    assert codes(check("fr", brk(20, "23:40-23:59", "00:00-05:01"), starts=("23:00",))) == ["GRD030"]


@pytest.mark.parametrize(("margin", "breach"), [(0, False), (10, False), (11, True)])
def test_edge_margin_is_configurable(margin: int, breach: bool) -> None:
    # Free time 08:00-08:30 only; a 20-minute break fits there if it may start by 08:10.
    report = check("fr", brk(20, "08:30-14:01"), settings=GuardrailSettings(edge_margin_minutes=margin))
    assert codes(report) == (["GRD030"] if breach else [])


def test_edge_margin_at_the_shift_end() -> None:
    # NL has no deadline: on 08:00-16:00 (7.5 hours of work and the break) the last break must
    # end by 15:30 with the default margin.
    assert codes(check("nl", brk(30, "08:00-15:01"), minutes=450)) == ["GRD040"]
    settings = GuardrailSettings(edge_margin_minutes=0)
    assert check("nl", brk(30, "08:00-15:30"), minutes=450, settings=settings).conflicts == []
    assert codes(check("nl", brk(30, "08:00-15:31"), minutes=450, settings=settings)) == ["GRD040"]


def test_a_margin_that_leaves_no_room() -> None:
    settings = GuardrailSettings(edge_margin_minutes=170)
    assert only(check("nl", brk(30), minutes=330 + 1, settings=settings)) == (
        "the shift from 08:00 to 14:01 leaves no room for a 30-minute break (breaks in the first or "
        f"last 170 minutes of a shift do not count) ({NL})"
    )
    settings = GuardrailSettings(edge_margin_minutes=180)
    # A paid break stays working time, so the shift is 08:00-14:01.
    assert only(check("fr", brk(20, paid=True), minutes=361, settings=settings)) == (
        "the shift starting 08:00 reaches 6 hours at 14:00 (breaks in the first or last 180 minutes "
        f"of a shift do not count), so no 20-minute break can start by 14:00 ({FR})"
    )


def test_no_shift_hours_assumes_eight_and_says_so() -> None:
    report = check("uk", brk(15), minutes=None)
    assert report.note == "assumed 8-hour shifts (no shift_hours given)"
    # 8 hours of presence less the unpaid 15-minute lunch.
    assert only(report) == (
        "on shifts of 7 hours 45 minutes worked, lunch breaks of 15 minutes are shorter than the 20 minutes required "
        f"once working time is over 6 hours; assuming 8-hour shifts, as the policy gives no shift_hours ({UK})"
    )


def test_default_shift_hours_is_configurable() -> None:
    settings = GuardrailSettings(default_shift_hours=6)
    report = check("uk", brk(15), minutes=None, settings=settings)
    assert report.conflicts == []
    assert report.note == "assumed 6-hour shifts (no shift_hours given)"


def test_no_shift_starts_assumes_nine_and_says_so() -> None:
    report = check("fr", brk(20, "09:00-15:01"), starts=())
    assert report.note == "assumed a shift starting 09:00 (no shift_starts given)"
    assert only(report) == (
        "the shift starting 09:00 reaches 6 hours at 15:00, inside the blocked window 09:00-15:01, "
        "so no 20-minute break can start by 15:00; assuming a shift starting 09:00, as the policy "
        f"gives no shift_starts ({FR})"
    )
    assert check("fr", brk(20, "09:00-15:00"), starts=()).conflicts == []


def test_without_a_default_start_deadlines_are_not_checked() -> None:
    settings = GuardrailSettings(default_shift_start=None)
    report = check("uk", brk(15, "09:00-17:00"), starts=(), settings=settings)
    assert report.note == "break deadlines not checked (no shift_starts given)"
    assert only(report) == (
        "on shifts of 8 hours worked, lunch breaks of 15 minutes are shorter than the 20 minutes required "
        f"once working time is over 6 hours ({UK})"
    )


def test_eu_default_break_minutes_is_configurable() -> None:
    settings = GuardrailSettings(default_break_minutes=20)
    report = check("eu", brk(15), settings=settings)
    assert codes(report) == ["GRD001"]
    assert "shorter than the 20 minutes assumed" in only(report)


# --------------------------------------------------------------------------- no verdict, order, determinism


def test_no_jurisdiction_no_conflicts() -> None:
    report = check(None, brk(5, "00:00-23:59"), minutes=720)
    assert report == GuardrailReport([], NO_JURISDICTION)
    assert report.note == "no jurisdiction set: no legal verdict"


def test_no_break_rules_no_note() -> None:
    rule = {"kind": "call-time-cap", "max_minutes": 5}
    report = check_guardrails(
        make_policy(rule, jurisdiction="uk"), settings=GuardrailSettings(), packs=load_guardrails()
    )
    assert report == GuardrailReport([], None)


def test_jurisdiction_without_a_pack(tmp_path: Path) -> None:
    packs = load_guardrails(_write(tmp_path, PACK))
    report = check("uk", brk(5), packs=packs)
    assert report == GuardrailReport([], "no guardrails for jurisdiction uk: no legal verdict")


def test_conflicts_sorted_by_rule_then_shift_start_then_code() -> None:
    # Rule 0 can take no rest at all. Rule 1 misses its second rest on the 08:00 shift (the 10:00
    # shift takes both, so only 08:00 fails the rest periods) and its meal on the 10:00 shift.
    never = brk(10, "08:00-23:59", kind="rest")
    any_rule = brk(30, "09:00-15:01", kind="any", paid=True)
    report = check("us-ca", never, any_rule, starts=("10:00", "08:00"))
    assert [(c.rules[0], c.code) for c in report.conflicts] == [
        ("p/rules[0]", "GRD051"),
        ("p/rules[1]", "GRD051"),
        ("p/rules[1]", "GRD050"),
    ]
    assert "fit in the shift from 08:00 to 16:00" in report.conflicts[1].explanation
    assert "the shift starting 10:00" in report.conflicts[2].explanation
    again = check("us-ca", never, any_rule, starts=("08:00", "10:00", "08:00"))
    assert again == report


# ------------------------------------------------------------------ a pack of one's own, and a broken one

PACK = """\
version: 1
packs:
  de:
    title: Test pack
    requirements:
      - code: GRD900
        jurisdiction: de
        name: test.end-by
        label: breaks
        summary: A break that must end by hour 6.
        applies: {over_hours: 6}
        binds: [lunch, any]
        breaks:
          - deadline: {hours: 6, kind: end-by}
        min_minutes: 30
        citation: Test article 1
        source: A test.
"""


def _write(tmp_path: Path, text: str, name: str = "guardrails.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_end_by_deadline_from_a_pack_of_ones_own(tmp_path: Path) -> None:
    packs = load_guardrails(_write(tmp_path, PACK))
    assert check("de", brk(30, "08:00-13:30"), packs=packs).conflicts == []
    report = check("de", brk(30, "08:00-13:31"), packs=packs)
    assert only(report) == (
        "the shift starting 08:00 reaches 6 hours at 14:00 and breaks are blocked 08:00-13:31, so no "
        "30-minute break can end by 14:00 (Test article 1)"
    )
    inside = check("de", brk(30, "08:00-14:00"), packs=packs)
    assert only(inside) == (
        "the shift starting 08:00 reaches 6 hours at 14:00, inside the blocked window 08:00-14:00, so no "
        "30-minute break can end by 14:00 (Test article 1)"
    )


def test_a_shortened_break_that_need_not_be_paid(tmp_path: Path) -> None:
    shortened = (
        "min_minutes: 30\n        shortened: {min_minutes: 20, paid: false, "
        "note: with the works council's consent}"
    )
    packs = load_guardrails(_write(tmp_path, PACK.replace("min_minutes: 30", shortened)))
    report = check("de", brk(20), packs=packs)
    assert [c.severity for c in report.conflicts] == ["warning"]
    assert only(report) == (
        "on shifts of 8 hours worked, lunch breaks of 20 minutes are shorter than the 30 minutes required "
        "once working time is over 6 hours, and a shorter break of at least 20 minutes is lawful only with "
        "the works council's consent (Test article 1)"
    )
    # The shortened break is the one looked for: 20 minutes ending by 14:00 fit from 13:40.
    assert check("de", brk(20, "08:00-13:40"), packs=packs).conflicts[0].severity == "warning"
    late = check("de", brk(20, "08:00-13:41"), packs=packs)
    assert [c.severity for c in late.conflicts] == ["error"]
    assert only(late).endswith(
        "; the shift starting 08:00 reaches 6 hours at 14:00 and breaks are blocked 08:00-13:41, so no "
        "20-minute break can end by 14:00 (Test article 1)"
    )


def test_an_edited_file_is_read_again(tmp_path: Path) -> None:
    path = _write(tmp_path, PACK)
    first = load_guardrails(path)
    assert load_guardrails(path) is first
    path.write_text(PACK.replace("min_minutes: 30", "min_minutes: 45"), encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert load_guardrails(path)["de"].requirements[0].min_minutes == 45


def _problems(path: Path) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_guardrails(path)
    return [str(p) for p in caught.value.problems]


# id: (replace this, with that, the problems as printed; {file} is the file's path)
BROKEN = {
    "string-for-a-number": (
        "min_minutes: 30",
        'min_minutes: "30"',
        ["{file}:15:22: packs.de.requirements[0].min_minutes: expected a whole number; got the string '30'"],
    ),
    "misspelt-field": (
        "min_minutes: 30",
        "min_minute: 30",
        [
            "{file}:15:9: packs.de.requirements[0].min_minute: unknown field; expected one of code, "
            "jurisdiction, name, label, summary, applies, binds, counts_if_long_enough, counts_if_paid, "
            "max_continuous_hours, working_time, breaks, min_minutes, min_block_minutes, shortened, lengths, paid, off_duty, severity, citation, "
            "source, assumption, url, since, until (did you mean 'min_minutes'?)"
        ],
    ),
    "unknown-deadline-kind": (
        "kind: end-by",
        "kind: finish-by",
        [
            "{file}:14:40: packs.de.requirements[0].breaks[0].deadline.kind: expected one of start-by, "
            "end-by; got 'finish-by'"
        ],
    ),
    "over-and-reaches-together": (
        "applies: {over_hours: 6}",
        "applies: {over_hours: 6, reaches_hours: 6}",
        ["{file}:11:18: packs.de.requirements[0].applies: give exactly one of over_hours and reaches_hours"],
    ),
    "block-not-below-the-total": (
        "min_minutes: 30",
        "min_minutes: 30\n        min_block_minutes: 30",
        ["{file}:6:9: packs.de.requirements[0]: min_block_minutes (30) must be below min_minutes (30)"],
    ),
    "code-pattern": (
        "code: GRD900",
        "code: GRD9000",
        [
            "{file}:6:15: packs.de.requirements[0].code: expected GRD and three digits (like 'GRD010'); got 'GRD9000'"
        ],
    ),
    "jurisdiction-of-another-pack": (
        "jurisdiction: de",
        "jurisdiction: fr",
        [
            "{file}:7:23: packs.de.requirements[0].jurisdiction: GRD900 is in the de pack but names "
            "jurisdiction fr"
        ],
    ),
    "unknown-jurisdiction": (
        "  de:\n",
        "  xx:\n",
        [
            "{file}:7:23: packs.xx.requirements[0].jurisdiction: GRD900 is in the xx pack but names jurisdiction de"
        ],
    ),
    "yaml-syntax": (
        "binds: [lunch, any]",
        "binds: [lunch, any",
        [
            "{file}:13:15: invalid YAML: expected ',' or ']', but got ':' (while parsing a flow sequence "
            "started at line 12, column 16)"
        ],
    ),
}


@pytest.mark.parametrize(("old", "new", "expected"), BROKEN.values(), ids=BROKEN.keys())
def test_broken_file_gives_located_problems(tmp_path: Path, old: str, new: str, expected: list[str]) -> None:
    assert old in PACK
    path = _write(tmp_path, PACK.replace(old, new, 1))
    assert _problems(path) == [e.format(file=path) for e in expected]


def test_duplicate_code_is_located(tmp_path: Path) -> None:
    second = PACK.split("    requirements:\n")[1].replace("name: test.end-by", "name: test.again")
    path = _write(tmp_path, PACK + second)
    assert _problems(path) == [
        f"{path}:18:15: packs.de.requirements[1].code: code GRD900 already used on line 6"
    ]


def test_missing_file_is_located(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"
    assert _problems(path) == [f"{path}:1:1: no such file"]


@pytest.mark.parametrize(
    ("threshold", "phrase"),
    [
        ({"over_hours": 6}, "once working time is over 6 hours"),
        ({"over_hours": 5.5}, "once working time is over 5.5 hours"),
        ({"reaches_hours": 1}, "once working time reaches 1 hour"),
        ({"over_hours": 6, "up_to_hours": 9}, "for working time over 6 and up to 9 hours"),
        ({"reaches_hours": 3.5, "up_to_hours": 6}, "for working time of 3.5 up to 6 hours"),
        ({"over_hours": 0}, "on every shift"),
    ],
    ids=["over", "over-fraction", "reaches-one-hour", "over-up-to", "reaches-up-to", "every-shift"],
)
def test_threshold_phrase(threshold: dict[str, float], phrase: str) -> None:
    assert Threshold.model_validate(threshold).phrase() == phrase


@pytest.mark.parametrize(
    ("threshold", "minutes", "holds"),
    [
        ({"reaches_hours": 3.5, "up_to_hours": 6}, 209, False),
        ({"reaches_hours": 3.5, "up_to_hours": 6}, 210, True),
        ({"reaches_hours": 3.5, "up_to_hours": 6}, 360, True),
        ({"reaches_hours": 3.5, "up_to_hours": 6}, 361, False),
    ],
    ids=["below", "reaches", "up-to", "past"],
)
def test_threshold_holds(threshold: dict[str, float], minutes: int, holds: bool) -> None:
    assert Threshold.model_validate(threshold).holds(minutes) is holds
