"""Minute-exact boundaries of every guardrail pack, each read from its article (issue 12, "Law v2").

Every case builds a policy, runs it through the real engine (``policyweigh.orchestration.evaluate``
with the bundled rulebook) and holds the finding of one requirement to the statute: the exact
``(code, severity)`` of its conflicts, or their absence. Cases come in pairs, at the boundary and one
minute past it: working time at exactly the threshold and one minute over, a break starting at its
deadline and a minute after, a stretch of work at the legal limit and a minute longer, splits where
the law allows them and where it does not, waivers, shifts across midnight, and the clock windows
of the American packs. The case id names the article; a breach must also cite it.

How the cases read the law:

- **Working time.** ``scope.shift_hours`` is presence; the thresholds count hours worked, so an
  unpaid break of the policy is taken out (ArbZG section 2(1) takes out every break of 15 minutes or
  more, paid or not). California and Washington count rest periods as hours worked (Wage Order 4
  section 12(A); WAC 296-126-092(4), "on the employer's time"). New York's section 162 speaks of
  "a shift of more than six hours": the shift, start to end, meal included.
- **Places.** A break at the very start or end of a shift interrupts nothing: every slot here is at
  least ``edge_margin_minutes`` (30) from either end, so a break on an 8 h 15 shift from 08:00 must
  end by 15:45. Blocked windows leave one slot where a case needs the break at a known minute.
- **Waivers.** Labor Code section 512(a): the first meal may be waived when "the total work period
  per day ... is no more than six hours", the second when "the total hours worked is no more than
  12 hours ... only if the first meal period was not waived". The waiver cases use a paid meal, so
  the hours worked are the same whether the meal is taken or waived.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest

from policyweigh.policy import Policy
from policyweigh.results import Conflict
from policyweigh.rulebook import Rulebook, load_rulebook
from tests.test_law_cases import ARTICLES, brk, guardrails, hm, rest, shift

# Each article as a test on a conflict's citation: the ones of tests/test_law_cases.py and the rest.
CITED: dict[str, tuple[str, ...]] = {
    **ARTICLES,
    "Directive 2003/88 Art. 4": (r"2003/88", r"Art\.\s*4\b"),
    "Arbeidstijdenwet 5:4": (r"Arbeidstijdenwet", r"\b5:4\b"),
    "PH Labor Code Art. 84": (r"Philippines", r"Art\.\s*84\b"),
    "PH Labor Code Art. 85": (r"Philippines", r"Art\.\s*85\b"),
    "29 CFR 785.18": (r"29 CFR 785\.18\b",),
    "29 CFR 785.19": (r"29 CFR 785\.19\b",),
    "WAC 296-126-092": (r"WAC 296-126-092\b",),
    "NY Labor Law §162": (r"New York Labor Law", r"\b162\b"),
    "OWTA 1997 s. 12": (r"Organisation of Working Time Act 1997", r"section 12\b"),
    "ET art. 34.4": (r"Estatuto de los Trabajadores", r"\b34\.4\b"),
}


def cites(conflict: Conflict, article: str) -> bool:
    """Whether a conflict cites the article (its citation, or failing that its explanation)."""
    text = conflict.citation or conflict.explanation
    return all(re.search(pattern, text) for pattern in CITED[article])


@pytest.fixture(scope="module")
def book() -> Rulebook:
    return load_rulebook()


def using(rule: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A break rule with more fields: ``waiver="mutual-consent"``, ``count=1``."""
    return {**rule, **fields}


def ny(presence: int, *rules: dict[str, Any], start: str) -> Policy:
    """A New York policy (the shifts of section 162 are read by their clock times)."""
    return shift("us-ny", presence, *rules, start=start)


WAIVED = {"waiver": "mutual-consent"}
# Germany, the Netherlands, Ireland and the United Kingdom: one rest in each half of the day.
MORNING, AFTERNOON = "12:00-23:59", "00:00-12:00"
ALL_DAY = "00:00-23:59"


@dataclass(frozen=True)
class Case:
    """One boundary: a policy, the requirement looked at, and what the law says of it."""

    policy: Policy
    code: str
    severity: str | None
    """The severity of every conflict of ``code``; none: the policy has no conflict of that code."""
    article: str
    lawful: bool = False
    """The policy breaks no guardrail at error level at all (and is not unlawful)."""


def case(policy: Policy, code: str, severity: str | None, article: str, *, lawful: bool = False) -> Case:
    return Case(policy, code, severity, article, lawful)


CASES: dict[str, Case] = {
    # ------------------------------------------------------------------ EU, Directive 2003/88, Art. 4
    # "where the working day is longer than six hours": length left to national law (15 assumed, a warning).
    "eu-2003-88-art4-6h00-worked-no-break-due": case(
        shift("eu", hm(6, 10), brk(10)), "GRD001", None, "Directive 2003/88 Art. 4", lawful=True
    ),
    "eu-2003-88-art4-6h01-worked-a-10-minute-break-is-short": case(
        shift("eu", hm(6, 11), brk(10)), "GRD001", "warning", "Directive 2003/88 Art. 4"
    ),
    # No deadline: the only slot, 15:00-15:15, is seven hours into the day.
    "eu-2003-88-art4-no-deadline-a-break-7h-in-is-lawful": case(
        shift("eu", hm(8, 15), brk(15, "08:00-15:00", "15:15-23:59")),
        "GRD001",
        None,
        "Directive 2003/88 Art. 4",
        lawful=True,
    ),
    "eu-2003-88-art4-last-slot-ends-30-minutes-before-the-end": case(
        shift("eu", hm(8, 15), brk(15, "08:00-15:30")),
        "GRD001",
        None,
        "Directive 2003/88 Art. 4",
        lawful=True,
    ),
    "eu-2003-88-art4-a-break-ending-29-minutes-before-the-end-does-not-count": case(
        shift("eu", hm(8, 15), brk(15, "08:00-15:31")), "GRD001", "warning", "Directive 2003/88 Art. 4"
    ),
    # ------------------------------------------------------------------ UK, WTR 1998, reg. 12
    "uk-wtr-reg12-6h00-worked-no-break-due": case(
        shift("uk", hm(6, 19), brk(19)), "GRD010", None, "WTR reg. 12", lawful=True
    ),
    "uk-wtr-reg12-6h01-worked-19-minutes-is-short": case(
        shift("uk", hm(6, 20), brk(19)), "GRD010", "error", "WTR reg. 12"
    ),
    "uk-wtr-reg12-a-20-minute-rest-is-the-break": case(
        shift("uk", hm(8, 20), rest(20)), "GRD010", None, "WTR reg. 12", lawful=True
    ),
    "uk-wtr-reg12-a-19-minute-rest-is-no-break": case(
        shift("uk", hm(8), rest(19)), "GRD010", "error", "WTR reg. 12"
    ),
    "uk-wtr-reg12-2x15-is-not-20-uninterrupted-minutes": case(
        shift("uk", hm(8, 30), rest(15, MORNING), rest(15, AFTERNOON)), "GRD010", "error", "WTR reg. 12"
    ),
    # Across midnight: 22:00-06:20, so the break must end by 05:50.
    "uk-wtr-reg12-night-shift-break-at-05-30": case(
        shift("uk", hm(8, 20), brk(20, "22:00-23:59", "00:00-05:30"), start="22:00"),
        "GRD010",
        None,
        "WTR reg. 12",
        lawful=True,
    ),
    "uk-wtr-reg12-night-shift-break-at-05-31-is-too-late": case(
        shift("uk", hm(8, 20), brk(20, "22:00-23:59", "00:00-05:31"), start="22:00"),
        "GRD010",
        "error",
        "WTR reg. 12",
    ),
    # ------------------------------------------------------------------ Germany, ArbZG section 4
    "de-arbzg-s4-6h00-worked-no-break-due": case(
        shift("de", hm(6, 20), brk(20)), "GRD020", None, "ArbZG §4", lawful=True
    ),
    "de-arbzg-s4-6h01-worked-20-minutes-short-of-30": case(
        shift("de", hm(6, 21), brk(20)), "GRD020", "error", "ArbZG §4"
    ),
    "de-arbzg-s4-9h00-worked-2x15-make-the-30": case(
        shift("de", hm(9, 30), rest(15, MORNING), rest(15, AFTERNOON)),
        "GRD021",
        None,
        "ArbZG §4",
        lawful=True,
    ),
    "de-arbzg-s4-9h01-worked-2x15-short-of-45": case(
        shift("de", hm(9, 31), rest(15, MORNING), rest(15, AFTERNOON)), "GRD021", "error", "ArbZG §4"
    ),
    "de-arbzg-s4-9h01-worked-3x15-make-the-45": case(
        shift("de", hm(9, 46), rest(15), rest(15), rest(15)), "GRD021", None, "ArbZG §4", lawful=True
    ),
    # Across midnight: a shift from 22:00, its only slot 04:00-04:30 after exactly six hours.
    "de-arbzg-s4-night-shift-six-hours-in-a-row-to-04-00": case(
        shift("de", hm(8, 30), brk(30, "00:00-04:00", "04:30-23:59"), start="22:00"),
        "GRD020",
        None,
        "ArbZG §4",
        lawful=True,
    ),
    "de-arbzg-s4-night-shift-six-hours-one-minute-in-a-row-to-04-01": case(
        shift("de", hm(8, 30), brk(30, "00:00-04:01", "04:31-23:59"), start="22:00"),
        "GRD020",
        "error",
        "ArbZG §4",
    ),
    # ------------------------------------------------------------------ France, L3121-16
    "fr-l3121-16-pause-may-start-at-15-30-six-hours-after-09-30": case(
        shift("fr", hm(8, 20), brk(20, "09:30-15:30"), start="09:30"), "GRD030", None, "L3121-16", lawful=True
    ),
    "fr-l3121-16-pause-from-15-31-is-late": case(
        shift("fr", hm(8, 20), brk(20, "09:30-15:31"), start="09:30"), "GRD030", "error", "L3121-16"
    ),
    "fr-l3121-16-night-shift-pause-at-02-00": case(
        shift("fr", hm(8, 20), brk(20, "20:00-23:59", "00:00-02:00"), start="20:00"),
        "GRD030",
        None,
        "L3121-16",
        lawful=True,
    ),
    "fr-l3121-16-night-shift-pause-at-02-01-is-late": case(
        shift("fr", hm(8, 20), brk(20, "20:00-23:59", "00:00-02:01"), start="20:00"),
        "GRD030",
        "error",
        "L3121-16",
    ),
    "fr-l3121-16-a-20-minute-rest-is-the-pause": case(
        shift("fr", hm(8, 20), rest(20)), "GRD030", None, "L3121-16", lawful=True
    ),
    "fr-l3121-16-a-19-minute-rest-is-no-pause": case(
        shift("fr", hm(8), rest(19)), "GRD030", "error", "L3121-16"
    ),
    # ------------------------------------------------------------------ Netherlands, Arbeidstijdenwet 5:4
    "nl-atw-5-4-5h30-worked-no-pause-due": case(
        shift("nl", hm(5, 45), brk(15)), "GRD040", None, "Arbeidstijdenwet 5:4", lawful=True
    ),
    "nl-atw-5-4-5h31-worked-15-minutes-short-of-30": case(
        shift("nl", hm(5, 46), brk(15)), "GRD040", "error", "Arbeidstijdenwet 5:4"
    ),
    "nl-atw-5-4-2x15-make-the-30": case(
        shift("nl", hm(8, 30), rest(15, MORNING), rest(15, AFTERNOON)),
        "GRD040",
        None,
        "Arbeidstijdenwet 5:4",
        lawful=True,
    ),
    "nl-atw-5-4-15-and-14-do-not-make-the-30": case(
        shift("nl", hm(8, 29), rest(15), rest(14)), "GRD040", "error", "Arbeidstijdenwet 5:4"
    ),
    "nl-atw-5-4-10h00-worked-30-minutes-suffice": case(
        shift("nl", hm(10, 30), brk(30)), "GRD041", None, "Arbeidstijdenwet 5:4", lawful=True
    ),
    "nl-atw-5-4-10h01-worked-needs-45": case(
        shift("nl", hm(10, 31), brk(30)), "GRD041", "error", "Arbeidstijdenwet 5:4"
    ),
    "nl-atw-5-4-no-deadline-last-slot-15-30": case(
        shift("nl", hm(8, 30), brk(30, "08:00-15:30")), "GRD040", None, "Arbeidstijdenwet 5:4", lawful=True
    ),
    "nl-atw-5-4-no-slot-before-the-last-30-minutes": case(
        shift("nl", hm(8, 30), brk(30, "08:00-15:31")), "GRD040", "error", "Arbeidstijdenwet 5:4"
    ),
    # ------------------------------------------------------------------ California, Labor Code section 512
    "us-ca-s512-6h00-worked-meal-waived-by-consent": case(
        shift("us-ca", hm(6), using(brk(30, paid=True), **WAIVED), rest(10, paid=True)),
        "GRD050",
        None,
        "Labor Code §512",
        lawful=True,
    ),
    "us-ca-s512-6h01-worked-meal-may-not-be-waived": case(
        shift("us-ca", hm(6, 1), using(brk(30, paid=True), **WAIVED), rest(10, paid=True)),
        "GRD050",
        "error",
        "Labor Code §512",
    ),
    "us-ca-s512-12h00-worked-second-meal-waived-first-taken": case(
        shift("us-ca", hm(12), using(brk(30, paid=True), **WAIVED), rest(10, paid=True), start="06:00"),
        "GRD050",
        None,
        "Labor Code §512",
        lawful=True,
    ),
    "us-ca-s512-12h01-worked-second-meal-may-not-be-waived": case(
        shift("us-ca", hm(12, 1), using(brk(30, paid=True), **WAIVED), rest(10, paid=True), start="06:00"),
        "GRD050",
        "error",
        "Labor Code §512",
    ),
    # 11 hours worked from 08:00: the first meal by 13:00 may not be waived, the second may.
    "us-ca-s512-11h-second-meal-waived-first-taken-at-13-00": case(
        shift("us-ca", hm(11), using(brk(30, "08:00-13:00", paid=True), **WAIVED), rest(10, paid=True)),
        "GRD050",
        None,
        "Labor Code §512",
        lawful=True,
    ),
    "us-ca-s512-11h-both-meals-waived-first-not-taken-by-13-00": case(
        shift("us-ca", hm(11), using(brk(30, "08:00-13:01", paid=True), **WAIVED), rest(10, paid=True)),
        "GRD050",
        "error",
        "Labor Code §512",
    ),
    "us-ca-s512-meal-may-start-at-14-15-five-hours-after-09-15": case(
        shift("us-ca", hm(8, 30), brk(30, "09:15-14:15"), rest(10, paid=True), start="09:15"),
        "GRD050",
        None,
        "Labor Code §512",
        lawful=True,
    ),
    "us-ca-s512-meal-from-14-16-is-late": case(
        shift("us-ca", hm(8, 30), brk(30, "09:15-14:16"), rest(10, paid=True), start="09:15"),
        "GRD050",
        "error",
        "Labor Code §512",
    ),
    "us-ca-s512-night-shift-meal-at-03-00": case(
        shift("us-ca", hm(8, 30), brk(30, "22:00-23:59", "00:00-03:00"), rest(10, paid=True), start="22:00"),
        "GRD050",
        None,
        "Labor Code §512",
        lawful=True,
    ),
    "us-ca-s512-night-shift-meal-at-03-01-is-late": case(
        shift("us-ca", hm(8, 30), brk(30, "22:00-23:59", "00:00-03:01"), rest(10, paid=True), start="22:00"),
        "GRD050",
        "error",
        "Labor Code §512",
    ),
    # Wage Order 4 section 12(A): ten minutes "per four (4) hours or major fraction thereof"; a rule
    # stating how many rests a shift has (count) is held to that number.
    "us-ca-wage-order-4-s12-one-rest-covers-6h00-worked": case(
        shift("us-ca", hm(6, 30), brk(30), using(rest(10, paid=True), count=1)),
        "GRD051",
        None,
        "Wage Order 4 §12",
        lawful=True,
    ),
    "us-ca-wage-order-4-s12-6h01-worked-owe-two-rests": case(
        shift("us-ca", hm(6, 31), brk(30), using(rest(10, paid=True), count=1)),
        "GRD051",
        "error",
        "Wage Order 4 §12",
    ),
    "us-ca-wage-order-4-s12-two-rests-cover-10h00-worked": case(
        shift("us-ca", hm(10, 30), using(brk(30), count=1), using(rest(10, paid=True), count=2)),
        "GRD051",
        None,
        "Wage Order 4 §12",
        lawful=True,
    ),
    "us-ca-wage-order-4-s12-10h01-worked-owe-three-rests": case(
        shift("us-ca", hm(10, 31), using(brk(30), count=1), using(rest(10, paid=True), count=2)),
        "GRD051",
        "error",
        "Wage Order 4 §12",
    ),
    # ------------------------------------------------------------------ Philippines, Labor Code Art. 84-85
    "ph-labor-code-art85-5h00-worked-no-meal-due": case(
        shift("ph", hm(5, 59), brk(59)), "GRD060", None, "PH Labor Code Art. 85", lawful=True
    ),
    "ph-labor-code-art85-5h01-worked-an-unpaid-59-minute-meal-is-short": case(
        shift("ph", hm(6), brk(59)), "GRD060", "error", "PH Labor Code Art. 85"
    ),
    "ph-labor-code-art85-a-paid-20-minute-meal-only-in-the-listed-cases": case(
        shift("ph", hm(8), brk(20, paid=True)), "GRD060", "warning", "PH Labor Code Art. 85"
    ),
    "ph-labor-code-art85-a-paid-19-minute-meal-is-short": case(
        shift("ph", hm(8), brk(19, paid=True)), "GRD060", "error", "PH Labor Code Art. 85"
    ),
    "ph-labor-code-art84-an-unpaid-4-minute-rest-is-no-coffee-break": case(
        shift("ph", hm(9), brk(60), rest(4)), "GRD061", None, "PH Labor Code Art. 84", lawful=True
    ),
    "ph-labor-code-art84-an-unpaid-5-minute-coffee-break": case(
        shift("ph", hm(9), brk(60), rest(5)), "GRD061", "error", "PH Labor Code Art. 84"
    ),
    # ------------------------------------------------------------------ United States, FLSA, 29 CFR 785.18-19
    "us-fed-29-cfr-785-18-an-unpaid-4-minute-rest": case(
        shift("us-fed", hm(8), rest(4)), "GRD070", None, "29 CFR 785.18", lawful=True
    ),
    "us-fed-29-cfr-785-18-an-unpaid-5-minute-rest-is-hours-worked": case(
        shift("us-fed", hm(8), rest(5)), "GRD070", "error", "29 CFR 785.18"
    ),
    "us-fed-29-cfr-785-18-an-unpaid-20-minute-rest-is-hours-worked": case(
        shift("us-fed", hm(8), rest(20)), "GRD070", "error", "29 CFR 785.18"
    ),
    "us-fed-29-cfr-785-18-an-unpaid-21-minute-rest-is-left-to-785-19": case(
        shift("us-fed", hm(8), rest(21)), "GRD070", None, "29 CFR 785.18", lawful=True
    ),
    "us-fed-29-cfr-785-18-a-paid-20-minute-rest": case(
        shift("us-fed", hm(8), rest(20, paid=True)), "GRD070", None, "29 CFR 785.18", lawful=True
    ),
    "us-fed-29-cfr-785-18-no-break-is-required-on-a-12-hour-day": case(
        shift("us-fed", hm(12), rest(10, ALL_DAY, paid=True)), "GRD070", None, "29 CFR 785.18", lawful=True
    ),
    "us-fed-29-cfr-785-19-an-unpaid-29-minute-meal-is-likely-hours-worked": case(
        shift("us-fed", hm(8), brk(29)), "GRD071", "warning", "29 CFR 785.19"
    ),
    "us-fed-29-cfr-785-19-an-unpaid-30-minute-meal-is-bona-fide": case(
        shift("us-fed", hm(8), brk(30)), "GRD071", None, "29 CFR 785.19", lawful=True
    ),
    # ------------------------------------------------------------------ Washington, WAC 296-126-092
    "us-wa-wac-296-126-092-5h00-worked-no-meal-due": case(
        shift("us-wa", hm(5, 29), brk(29)), "GRD080", None, "WAC 296-126-092"
    ),
    "us-wa-wac-296-126-092-5h01-worked-29-minutes-is-short": case(
        shift("us-wa", hm(5, 30), brk(29)), "GRD080", "error", "WAC 296-126-092"
    ),
    "us-wa-wac-296-126-092-1-meal-may-start-two-hours-in": case(
        shift("us-wa", hm(6, 30), brk(30, "08:00-10:00", "10:30-23:59")), "GRD080", None, "WAC 296-126-092"
    ),
    "us-wa-wac-296-126-092-1-meal-at-1h59-is-too-early": case(
        shift("us-wa", hm(6, 30), brk(30, "08:00-09:59", "10:29-23:59")), "GRD080", "error", "WAC 296-126-092"
    ),
    "us-wa-wac-296-126-092-1-meal-may-start-five-hours-in": case(
        shift("us-wa", hm(6, 30), brk(30, "08:00-13:00", "13:30-23:59")), "GRD080", None, "WAC 296-126-092"
    ),
    "us-wa-wac-296-126-092-1-meal-at-5h01-is-too-late": case(
        shift("us-wa", hm(6, 30), brk(30, "08:00-13:01", "13:31-23:59")), "GRD080", "error", "WAC 296-126-092"
    ),
    # (2) "no more than five consecutive hours without a meal": one meal covers at most 10 hours of work.
    "us-wa-wac-296-126-092-2-one-meal-covers-10h00-worked": case(
        shift("us-wa", hm(10, 30), using(brk(30), count=1), start="06:00"), "GRD080", None, "WAC 296-126-092"
    ),
    "us-wa-wac-296-126-092-2-one-meal-leaves-5h01-in-a-row-on-10h01": case(
        shift("us-wa", hm(10, 31), using(brk(30), count=1), start="06:00"),
        "GRD080",
        "error",
        "WAC 296-126-092",
    ),
    "us-wa-wac-296-126-092-4-3h00-worked-no-rest-due": case(
        shift("us-wa", hm(3), rest(10, ALL_DAY, paid=True)), "GRD081", None, "WAC 296-126-092", lawful=True
    ),
    "us-wa-wac-296-126-092-4-3h01-worked-owe-a-rest": case(
        shift("us-wa", hm(3, 1), rest(10, ALL_DAY, paid=True)), "GRD081", "error", "WAC 296-126-092"
    ),
    "us-wa-wac-296-126-092-4-one-rest-covers-6h10-worked": case(
        shift("us-wa", hm(6, 10), using(rest(10, paid=True), count=1)), "GRD081", None, "WAC 296-126-092"
    ),
    "us-wa-wac-296-126-092-4-6h11-worked-owe-two-rests": case(
        shift("us-wa", hm(6, 11), using(rest(10, paid=True), count=1)), "GRD081", "error", "WAC 296-126-092"
    ),
    # A rest rule that states no count gives as many rests as the law asks: two on 8 hours of work,
    # at most three hours apart (08:00-16:30, meal 12:00-12:30: rests at 11:00 and 14:10 fit).
    "us-wa-wac-296-126-092-4-a-rest-rule-without-count-gives-two-rests-on-8h": case(
        shift("us-wa", hm(8, 30), brk(30), rest(10, paid=True)),
        "GRD081",
        None,
        "WAC 296-126-092",
        lawful=True,
    ),
    "us-wa-wac-296-126-092-4-rest-after-exactly-three-hours": case(
        shift("us-wa", hm(4), rest(10, "08:00-11:00", "11:10-23:59", paid=True)),
        "GRD081",
        None,
        "WAC 296-126-092",
        lawful=True,
    ),
    "us-wa-wac-296-126-092-4-rest-after-three-hours-one-minute": case(
        shift("us-wa", hm(4), rest(10, "08:00-11:01", "11:11-23:59", paid=True)),
        "GRD081",
        "error",
        "WAC 296-126-092",
    ),
    # ------------------------------------------------------------------ New York, Labor Law section 162
    # (2) the noonday meal: 30 minutes within 11:00-14:00 on a shift of more than six hours spanning it.
    "us-ny-lab-162-2-noonday-meal-ending-at-14-00": case(
        ny(hm(8), brk(30, "08:00-13:30", "14:00-23:59"), start="08:00"),
        "GRD090",
        None,
        "NY Labor Law §162",
        lawful=True,
    ),
    "us-ny-lab-162-2-noonday-meal-ending-at-14-01-is-outside": case(
        ny(hm(8), brk(30, "08:00-13:31", "14:01-23:59"), start="08:00"),
        "GRD090",
        "error",
        "NY Labor Law §162",
    ),
    "us-ny-lab-162-2-noonday-meal-from-11-00": case(
        ny(hm(8), brk(30, "08:00-11:00", "11:30-23:59"), start="08:00"),
        "GRD090",
        None,
        "NY Labor Law §162",
        lawful=True,
    ),
    "us-ny-lab-162-2-noonday-meal-from-10-59-is-outside": case(
        ny(hm(8), brk(30, "08:00-10:59", "11:29-23:59"), start="08:00"),
        "GRD090",
        "error",
        "NY Labor Law §162",
    ),
    "us-ny-lab-162-2-a-6h00-shift-owes-no-noonday-meal": case(
        ny(hm(6), brk(30, ALL_DAY), start="08:00"), "GRD090", None, "NY Labor Law §162", lawful=True
    ),
    "us-ny-lab-162-2-a-6h01-shift-owes-the-noonday-meal": case(
        ny(hm(6, 1), brk(30, ALL_DAY), start="08:00"), "GRD090", "error", "NY Labor Law §162"
    ),
    "us-ny-lab-162-2-a-shift-from-11-00-spans-the-noonday-period": case(
        ny(hm(8), brk(30, ALL_DAY), start="11:00"), "GRD090", "error", "NY Labor Law §162"
    ),
    "us-ny-lab-162-2-a-shift-from-11-01-does-not-span-it": case(
        ny(hm(8), brk(30, ALL_DAY), start="11:01"), "GRD090", None, "NY Labor Law §162", lawful=True
    ),
    "us-ny-lab-162-2-a-shift-ending-13-59-does-not-span-it": case(
        ny(hm(7, 59), brk(30, ALL_DAY), start="06:00"), "GRD090", None, "NY Labor Law §162", lawful=True
    ),
    "us-ny-lab-162-2-a-shift-ending-14-00-spans-it": case(
        ny(hm(8), brk(30, ALL_DAY), start="06:00"), "GRD090", "error", "NY Labor Law §162"
    ),
    # (3) an additional 20 minutes within 17:00-19:00 when the shift starts before 11:00 and ends after 19:00.
    "us-ny-lab-162-3-a-shift-from-10-59-to-19-01-owes-the-evening-meal": case(
        ny(hm(8, 2), brk(30, "00:00-12:00", "12:30-23:59"), start="10:59"),
        "GRD091",
        "error",
        "NY Labor Law §162",
    ),
    "us-ny-lab-162-3-a-shift-from-11-00-owes-no-evening-meal": case(
        ny(hm(8, 1), brk(30, "00:00-12:00", "12:30-23:59"), start="11:00"),
        "GRD091",
        None,
        "NY Labor Law §162",
        lawful=True,
    ),
    "us-ny-lab-162-3-a-shift-ending-19-00-owes-no-evening-meal": case(
        ny(hm(9), brk(30, "00:00-12:00", "12:30-23:59"), start="10:00"),
        "GRD091",
        None,
        "NY Labor Law §162",
        lawful=True,
    ),
    "us-ny-lab-162-3-a-shift-ending-19-01-owes-the-evening-meal": case(
        ny(hm(9, 1), brk(30, "00:00-12:00", "12:30-23:59"), start="10:00"),
        "GRD091",
        "error",
        "NY Labor Law §162",
    ),
    "us-ny-lab-162-3-evening-meal-ending-at-19-00": case(
        ny(
            hm(11),
            brk(30, "00:00-12:00", "12:30-23:59"),
            brk(20, "00:00-18:40", "19:00-23:59"),
            start="09:00",
        ),
        "GRD091",
        None,
        "NY Labor Law §162",
        lawful=True,
    ),
    "us-ny-lab-162-3-evening-meal-ending-at-19-01-is-outside": case(
        ny(
            hm(11),
            brk(30, "00:00-12:00", "12:30-23:59"),
            brk(20, "00:00-18:41", "19:01-23:59"),
            start="09:00",
        ),
        "GRD091",
        "error",
        "NY Labor Law §162",
    ),
    # (4) 45 minutes "midway" on a shift of more than six hours starting between 13:00 and 06:00, read as
    # a start within 60 minutes of the shift's middle (14:00-22:30: middle 18:15, starts 17:15-19:15).
    "us-ny-lab-162-4-midway-meal-from-19-15": case(
        ny(hm(8, 30), brk(45, "00:00-19:15", "20:00-23:59"), start="14:00"),
        "GRD092",
        None,
        "NY Labor Law §162",
        lawful=True,
    ),
    "us-ny-lab-162-4-a-meal-from-19-16-is-not-midway": case(
        ny(hm(8, 30), brk(45, "00:00-19:16", "20:01-23:59"), start="14:00"),
        "GRD092",
        "error",
        "NY Labor Law §162",
    ),
    "us-ny-lab-162-4-midway-meal-from-17-15": case(
        ny(hm(8, 30), brk(45, "00:00-17:15", "18:00-23:59"), start="14:00"),
        "GRD092",
        None,
        "NY Labor Law §162",
        lawful=True,
    ),
    "us-ny-lab-162-4-a-meal-from-17-14-is-not-midway": case(
        ny(hm(8, 30), brk(45, "00:00-17:14", "17:59-23:59"), start="14:00"),
        "GRD092",
        "error",
        "NY Labor Law §162",
    ),
    "us-ny-lab-162-4-a-6h00-shift-owes-no-midway-meal": case(
        ny(hm(6), brk(45, ALL_DAY), start="14:00"), "GRD092", None, "NY Labor Law §162", lawful=True
    ),
    "us-ny-lab-162-4-a-6h01-shift-owes-the-midway-meal": case(
        ny(hm(6, 1), brk(45, ALL_DAY), start="14:00"), "GRD092", "error", "NY Labor Law §162"
    ),
    "us-ny-lab-162-4-a-shift-from-13-00-owes-it": case(
        ny(hm(8), brk(45, ALL_DAY), start="13:00"), "GRD092", "error", "NY Labor Law §162"
    ),
    "us-ny-lab-162-4-a-shift-from-12-59-does-not": case(
        ny(hm(8), brk(45, ALL_DAY), start="12:59"), "GRD092", None, "NY Labor Law §162", lawful=True
    ),
    "us-ny-lab-162-4-a-shift-from-05-59-owes-it": case(
        ny(hm(8), brk(45, ALL_DAY), start="05:59"), "GRD092", "error", "NY Labor Law §162"
    ),
    "us-ny-lab-162-4-a-shift-from-06-00-does-not": case(
        ny(hm(8), brk(45, ALL_DAY), start="06:00"), "GRD092", None, "NY Labor Law §162"
    ),
    # Across midnight: 22:00-06:30, middle 02:15, so the meal starts from 01:15 to 03:15.
    "us-ny-lab-162-4-night-shift-midway-meal-from-03-15": case(
        ny(hm(8, 30), brk(45, "00:00-03:15", "04:00-23:59"), start="22:00"),
        "GRD092",
        None,
        "NY Labor Law §162",
        lawful=True,
    ),
    "us-ny-lab-162-4-night-shift-meal-from-03-16-is-not-midway": case(
        ny(hm(8, 30), brk(45, "00:00-03:16", "04:01-23:59"), start="22:00"),
        "GRD092",
        "error",
        "NY Labor Law §162",
    ),
    # Section 162(5) and the Department's guidelines: 30 minutes as a matter of course, 20 only by permit.
    "us-ny-lab-162-5-a-30-minute-midway-meal-only-where-permitted": case(
        ny(hm(8, 30), brk(30), start="14:00"), "GRD092", "warning", "NY Labor Law §162"
    ),
    "us-ny-lab-162-5-a-29-minute-midway-meal-is-short": case(
        ny(hm(8, 30), brk(29), start="14:00"), "GRD092", "error", "NY Labor Law §162"
    ),
    # ------------------------------------------------------------------ Ireland, OWTA 1997 section 12
    "ie-owta-1997-s12-1-4h30-worked-no-break-due": case(
        shift("ie", hm(4, 44), brk(14)), "GRD300", None, "OWTA 1997 s. 12", lawful=True
    ),
    "ie-owta-1997-s12-1-4h31-worked-14-minutes-is-short": case(
        shift("ie", hm(4, 45), brk(14)), "GRD300", "error", "OWTA 1997 s. 12"
    ),
    "ie-owta-1997-s12-2-6h00-worked-29-minutes-suffice": case(
        shift("ie", hm(6, 29), brk(29)), "GRD301", None, "OWTA 1997 s. 12", lawful=True
    ),
    "ie-owta-1997-s12-2-6h01-worked-29-minutes-short-of-30": case(
        shift("ie", hm(6, 30), brk(29)), "GRD301", "error", "OWTA 1997 s. 12"
    ),
    "ie-owta-1997-s12-2-2x15-are-not-a-break-of-30": case(
        shift("ie", hm(8, 30), rest(15, MORNING), rest(15, AFTERNOON)), "GRD301", "error", "OWTA 1997 s. 12"
    ),
    "ie-owta-1997-s12-1-break-after-exactly-4h30": case(
        shift("ie", hm(8, 30), brk(30, "08:00-12:30", "13:00-23:59")),
        "GRD300",
        None,
        "OWTA 1997 s. 12",
        lawful=True,
    ),
    "ie-owta-1997-s12-1-break-after-4h31-is-late": case(
        shift("ie", hm(8, 30), brk(30, "08:00-12:31", "13:01-23:59")), "GRD300", "error", "OWTA 1997 s. 12"
    ),
    "ie-owta-1997-s12-1-4h30-of-work-after-the-break": case(
        shift("ie", hm(8, 30), brk(30, "08:00-11:30", "12:00-23:59")),
        "GRD300",
        None,
        "OWTA 1997 s. 12",
        lawful=True,
    ),
    "ie-owta-1997-s12-1-4h31-of-work-after-the-break": case(
        shift("ie", hm(8, 30), brk(30, "08:00-11:29", "11:59-23:59")), "GRD300", "error", "OWTA 1997 s. 12"
    ),
    # ------------------------------------------------------------------ Spain, Estatuto de los Trabajadores 34.4
    "es-et-art34-4-6h00-worked-no-break-due": case(
        shift("es", hm(6, 14), brk(14)), "GRD310", None, "ET art. 34.4", lawful=True
    ),
    "es-et-art34-4-6h01-worked-14-minutes-is-short": case(
        shift("es", hm(6, 15), brk(14)), "GRD310", "error", "ET art. 34.4"
    ),
    "es-et-art34-4-a-15-minute-rest-is-the-break": case(
        shift("es", hm(8, 15), rest(15)), "GRD310", None, "ET art. 34.4", lawful=True
    ),
    "es-et-art34-4-a-14-minute-rest-is-no-break": case(
        shift("es", hm(8), rest(14)), "GRD310", "error", "ET art. 34.4"
    ),
    "es-et-art34-4-no-deadline-last-slot-15-30": case(
        shift("es", hm(8, 15), brk(15, "08:00-15:30")), "GRD310", None, "ET art. 34.4", lawful=True
    ),
    "es-et-art34-4-no-slot-before-the-last-30-minutes": case(
        shift("es", hm(8, 15), brk(15, "08:00-15:31")), "GRD310", "error", "ET art. 34.4"
    ),
}


def describe(found: list[Conflict]) -> list[tuple[str, str, str]]:
    return [(c.code, c.severity, c.explanation) for c in found]


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_boundary(case: Case, book: Rulebook) -> None:
    """The policy's conflicts of the requirement are exactly ``(code, severity)``, citing the article,
    or there are none; where the case says the policy is lawful, nothing breaks the law at all."""
    found, verdict = guardrails(case.policy, book)
    hits = [c for c in found if c.code == case.code]
    if case.severity is None:
        assert hits == [], describe(hits)
    else:
        assert hits, (case.code, describe(found))
        assert {(c.code, c.severity) for c in hits} == {(case.code, case.severity)}, describe(hits)
        assert all(cites(c, case.article) for c in hits), [c.citation for c in hits]
        if case.severity == "error":
            assert verdict == "unlawful"
    if case.lawful:
        assert [c for c in found if c.severity == "error"] == [], describe(found)
        assert verdict != "unlawful"


def test_every_requirement_of_every_pack_is_read_at_its_boundaries(book: Rulebook) -> None:
    """Each requirement of each bundled pack has boundary cases here, and each case names one of them."""
    bundled = {r.code for pack in book.guardrails.values() for r in pack.requirements}
    read = {c.code for c in CASES.values()}
    assert sorted(bundled - read) == []
    assert sorted(read - bundled) == []
