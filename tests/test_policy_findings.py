"""Policy-level findings: harm to a side, unlawful policies, duplicate rules, implausible values;
their remedies, and how `check` shows them in every format.

Exact texts and numbers come from a tiny rulebook written here (``tiny``), so they do not move
while the bundled rulebook's data changes; the bundled rulebook is used only where it is the
subject (German break law, the bundled public-reprimand policy).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from policyweigh.cli import main
from policyweigh.config import Settings
from policyweigh.conflicts import conflict_identity, detect_conflicts, find_conflicts
from policyweigh.orchestration import check, evaluate
from policyweigh.policy import Policy
from policyweigh.remedies import RemedyBudget, candidates
from policyweigh.rulebook import Rulebook, load_rulebook
from policyweigh.rulebook.models import fact_keys
from tests.helpers import ROOT

CRITERIA = """\
criteria:
  - {id: employee.wellbeing, title: Wellbeing, side: employee, weight: 1.5, description: Rest and strain.}
  - {id: employee.respect, title: Respect, side: employee, weight: 1.0, description: How people are treated.}
  - {id: customer.trust, title: Trust, side: customer, weight: 2.0, description: Whether customers come back.}
scoring:
  saturation: 12
  verdicts: {margin: 5}
  bands: {strong: 0.25, moderate: 0.4, weak: 0.6, practitioner: 0.8, none: 1.0}
"""
EVIDENCE = """\
evidence:
  - id: tiny-study
    citation: A. Author, A tiny study, Journal of Tests 1(1):1-2, 2020.
    finding: Public reprimands hurt.
    strength: strong
"""
# Employee: TST001 gives 1.5 x -4 + 1.0 x -4 = -10 weighted points: 100 tanh(-10/12) = -68, and
# with a strong band (0.25) -12.5 and -7.5 points: -78..-55. TST003: 2.0 x -5 = -10 customer: -68.
IMPACT = """\
- code: TST001
  name: feedback.public-reprimand
  summary: A public reprimand shames staff.
  when: {kind: feedback-practice, style: public-reprimand}
  impacts: {employee.wellbeing: -4, employee.respect: -4}
  because: Reprimands are given in public. Nobody likes it.
  evidence: [tiny-study]
  remedies: [REM901]
- code: TST002
  name: feedback.private-coaching
  summary: Private coaching respects staff.
  when: {kind: feedback-practice, style: private-coaching}
  impacts: {employee.respect: 2}
  because: Coaching is private.
- code: TST003
  name: conduct.must-continue
  summary: Agents must carry on with abusive customers.
  when: {kind: customer-conduct, abusive_customers: agent-must-continue}
  impacts: {customer.trust: -5}
  because: Agents must stay on the line with an abusive customer.
- code: TST004
  name: break.rest
  summary: A short rest break.
  when: {kind: break-rule, break: rest}
  impacts: {employee.wellbeing: 2}
  because: A {min_minutes}-minute rest.
- code: TST005
  name: calls.cap
  summary: A handle-time cap.
  when: {kind: call-time-cap}
  impacts: {employee.wellbeing: -1}
  because: Calls are capped at {max_minutes} minutes.
"""
REMEDIES = """\
- code: REM901
  name: feedback.coach-in-private
  summary: Coach in private instead.
  applies_to: {kind: feedback-practice, style: public-reprimand}
  patch: {style: private-coaching}
- code: REM902
  name: conduct.escalate
  summary: Let agents escalate abusive customers.
  applies_to: {kind: customer-conduct, abusive_customers: agent-must-continue}
  patch: {abusive_customers: escalate}
- code: REM903
  name: break-rule.legal-length
  summary: Lengthen the break to what the law requires.
  applies_to: {kind: break-rule}
  patch: {min_minutes: {compute: legal-break-length}}
"""
PLAUSIBLE = """\
- kind: call-time-cap
  key: max_minutes
  min: 1
  max: 60
  reason: a cap under a minute leaves no time to hear the customer.
- kind: call-time-cap
  key: cap_ratio
  min: 0.25
  reason: a cap under a quarter of the usual handle time cannot be met.
"""

REPRIMAND = """\
id: reprimand
title: Missed targets are reprimanded in public
rules:
  - kind: feedback-practice
    style: public-reprimand
"""
ABUSE = """\
id: abuse
title: Agents stay on the line whatever the customer says
rules:
  - kind: customer-conduct
    abusive_customers: agent-must-continue
"""
RESTS = """\
id: rests
title: Rest breaks, written out several times
rules:
  - kind: break-rule
    break: rest
    min_minutes: 5
  - kind: break-rule
    break: rest
    min_minutes: 5
    note: the same rule again, with a note
  - kind: break-rule
    break: rest
    min_minutes: 10
  - kind: break-rule
    break: rest
    min_minutes: 5
"""
TINY_CAP = """\
id: tiny-cap
title: Thirty-second calls
rules:
  - kind: call-time-cap
    max_minutes: 0.5
    enforcement: coaching
    typical_minutes: 6
"""
# Germany, ArbZG section 4: over 9 hours of work need 45 minutes of breaks; 15 are given.
LONG_SHIFT = """\
id: long-shift
title: A 9.5-hour shift with a 15-minute lunch
jurisdiction: de
scope:
  shift_hours: 9.5
  shift_starts: ["08:00"]
rules:
  - kind: break-rule
    break: lunch
    min_minutes: 15
    scheduling: fixed
"""

SUMMARY_FAILED = (
    "Checked 1 policy: 1 finding (1 error); 1 fails the gate (--fail-on error, --harm-bound 40): FAILED"
)
HARM_LINE = (
    "lib/reprimand.yaml:4 | HRM001 | reprimand: employee impact -68 (range -78..-55) is at or below -40, "
    "the harm bound. Worst, in weighted points: TST001 -10 on rules[0] (Reprimands are given in public). "
    "[harm/error]"
)
REMEDY_LINE = (
    "  remedy REM901 on reprimand/rules[0]: Coach in private instead (style: private-coaching) -> "
    "employee +17 (+85), customer +0 (+0); resolves"
)


def write_rulebook(folder: Path, *, plausible: str = PLAUSIBLE) -> Path:
    """The tiny rulebook in ``folder`` (guardrails: the bundled packs)."""
    (folder / "impact").mkdir(parents=True)
    (folder / "criteria.yaml").write_text(CRITERIA, encoding="utf-8")
    (folder / "evidence.yaml").write_text(EVIDENCE, encoding="utf-8")
    (folder / "impact" / "tiny.yaml").write_text(IMPACT, encoding="utf-8")
    (folder / "remedies.yaml").write_text(REMEDIES, encoding="utf-8")
    (folder / "plausible.yaml").write_text(plausible, encoding="utf-8")
    return folder


@pytest.fixture
def tiny(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The tiny rulebook in ``tiny/``, an empty ``lib/`` beside it, and that folder as working directory."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "lib").mkdir()
    return write_rulebook(tmp_path / "tiny")


@pytest.fixture
def book(tiny: Path) -> Rulebook:
    return load_rulebook(tiny)


def put(**files: str) -> None:
    for name, text in files.items():
        Path("lib", f"{name}.yaml").write_text(text, encoding="utf-8")


def policy(text: str) -> Policy:
    return Policy.model_validate(yaml.safe_load(text))


def run_check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["check", "lib", "--rulebook", "tiny", *args])
    out, err = capsys.readouterr()
    return code, out, err


# --------------------------------------------------------------------------- harm


def test_check_fails_on_employee_harm_and_offers_the_remedy_with_its_scores(
    tiny: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    put(reprimand=REPRIMAND)
    assert run_check(capsys) == (1, f"{HARM_LINE}\n{REMEDY_LINE}\n{SUMMARY_FAILED}\n", "")


def test_customer_harm_is_hrm002_with_the_remedy_of_the_rule_behind_it(
    tiny: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    put(abuse=ABUSE)
    code, out, _ = run_check(capsys)
    assert code == 1
    assert out.splitlines() == [
        "lib/abuse.yaml:4 | HRM002 | abuse: customer impact -68 (range -93..0) is at or below -40, the harm "
        "bound. Worst, in weighted points: TST003 -10 on rules[0] (Agents must stay on the line with an "
        "abusive customer). [harm/error]",
        # TST003 lists no remedy: a harm then tries every remedy that fits the rule.
        "  remedy REM902 on abuse/rules[0]: Let agents escalate abusive customers (abusive_customers: "
        "escalate) -> employee +0 (+0), customer +0 (+68); resolves",
        SUMMARY_FAILED,
    ]


def test_the_harm_bound_comes_from_the_option_then_the_settings_then_40(
    tiny: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    put(reprimand=REPRIMAND)
    code, out, _ = run_check(capsys, "--harm-bound", "70")
    assert (code, out) == (
        0,
        "Checked 1 policy: 0 findings; none fails the gate (--fail-on error, --harm-bound 70): passed\n",
    )
    Path("policyweigh.toml").write_text("harm_bound = 68\n", encoding="utf-8")
    code, out, _ = run_check(capsys)
    assert code == 1 and out.splitlines()[-1].endswith("(--fail-on error, --harm-bound 68): FAILED")
    code, _, _ = run_check(capsys, "--harm-bound", "69")
    assert code == 0


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "Error: Invalid value for '--harm-bound': 0 is not in the range 1<=x<=100."),
        ("forty", "Error: Invalid value for '--harm-bound': 'forty' is not a valid integer range."),
    ],
    ids=["zero", "word"],
)
def test_a_bad_harm_bound_option_is_a_usage_error(
    tiny: Path, capsys: pytest.CaptureFixture[str], value: str, message: str
) -> None:
    put(reprimand=REPRIMAND)
    code, out, err = run_check(capsys, "--harm-bound", value)
    assert (code, out) == (2, "")
    assert err.splitlines()[-1] == message


def test_a_harm_lists_the_rules_that_pull_its_side_down_worst_first(book: Rulebook) -> None:
    both = policy(
        """\
id: both
title: Cap and reprimand
rules:
  - kind: call-time-cap
    max_minutes: 5
  - kind: feedback-practice
    style: public-reprimand
  - kind: feedback-practice
    style: private-coaching
"""
    )
    run = evaluate([both], rulebook=book, settings=Settings(), remedies=False)
    (harm,) = [c for c in run.evaluation.conflicts if c.kind == "harm"]
    assert (harm.code, harm.severity, harm.policies) == ("HRM001", "error", ["both"])
    # rules[2] raises the side and rules[0] costs less than rules[1].
    assert harm.rules == ["both/rules[1]", "both/rules[0]"]
    assert harm.explanation.endswith(
        "Worst, in weighted points: TST001 -10 on rules[1] (Reprimands are given in public); "
        "TST005 -1.5 on rules[0] (Calls are capped at 5 minutes)."
    )
    # A harm is the same finding whatever rules a patch leaves behind it.
    assert conflict_identity(harm) == ("HRM001", "both")


def test_a_harm_tries_the_remedies_its_impact_rules_list(book: Rulebook) -> None:
    run = evaluate([policy(REPRIMAND)], rulebook=book, settings=Settings(), remedies=False)
    (harm,) = find_conflicts(run)
    assert [(c.remedy.code, c.rule_index, dict(c.values)) for c in candidates(run, harm)] == [
        ("REM901", 0, {"style": "private-coaching"})
    ]


def test_evaluate_attaches_harm_remedies_too(book: Rulebook) -> None:
    run = evaluate([policy(REPRIMAND)], rulebook=book, settings=Settings())
    (harm,) = run.evaluation.conflicts
    (remedy,) = harm.remedies
    assert (remedy.code, remedy.resolves, remedy.scores_after.employee) == ("REM901", True, 17)


# --------------------------------------------------------------------------- remedies in every format


def test_remedies_are_worked_out_only_for_failing_findings(
    tiny: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    put(reprimand=REPRIMAND)
    code, out, _ = run_check(capsys, "--format", "json", "--fail-on", "never")
    assert code == 0
    (finding,) = json.loads(out)["findings"]
    assert (finding["code"], finding["fails"], finding["remedies"]) == ("HRM001", False, [])


def test_json_lists_the_remedies_of_a_failing_finding(tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    put(reprimand=REPRIMAND)
    code, out, _ = run_check(capsys, "--format", "json")
    assert code == 1
    data = json.loads(out)
    (finding,) = data["findings"]
    assert (finding["code"], finding["kind"], finding["severity"], finding["fails"]) == (
        "HRM001",
        "harm",
        "error",
        True,
    )
    assert finding["rules"] == ["reprimand/rules[0]"]
    assert finding["remedies"] == [
        {
            "code": "REM901",
            "summary": "Coach in private instead.",
            "patch": {
                "policy": "reprimand",
                "rule_index": 0,
                "set": {"style": "private-coaching"},
                "action": "set",
                "scope": {},
            },
            "scores_after": {"employee": 17, "customer": 0, "employee_change": 85, "customer_change": 0},
            "resolves": True,
            "new_conflicts": [],
        }
    ]
    assert data["summary"]["by_kind"] == {"harm": 1} and data["summary"]["harm_bound"] == 40


def test_github_and_sarif_show_the_remedies(tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    put(reprimand=REPRIMAND)
    code, out, _ = run_check(capsys, "--format", "github")
    assert code == 1
    first = out.splitlines()[0]
    assert first.startswith(
        "::error file=lib/reprimand.yaml,line=4,title=HRM001::reprimand: employee impact -68 "
    )
    assert first.endswith(
        "%0Aremedy REM901 on reprimand/rules[0]: Coach in private instead (style: private-coaching) -> "
        "employee +17 (+85), customer +0 (+0); resolves [harm/error]"
    )
    code, out, _ = run_check(capsys, "--format", "sarif")
    assert code == 1
    run: dict[str, Any] = json.loads(out)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert ids == sorted(ids) and {"HRM001", "HRM002", "DUP001", "PLS001"} <= set(ids)
    (result,) = run["results"]
    assert rules[result["ruleIndex"]]["id"] == "HRM001" == result["ruleId"]
    assert rules[result["ruleIndex"]]["name"] == "harm.employee"
    assert result["message"]["text"].endswith("\n" + REMEDY_LINE.strip())
    assert [r["code"] for r in result["properties"]["remedies"]] == ["REM901"]


def test_a_score_below_a_minimum_offers_the_remedies_of_that_side(
    tiny: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    put(reprimand=REPRIMAND)
    code, out, _ = run_check(capsys, "--harm-bound", "100", "--min-employee", "0")
    assert code == 1
    assert out.splitlines()[:2] == [
        "lib/reprimand.yaml:1 | GATE001 | reprimand: employee impact -68 is below the minimum of +0 "
        "(verdict employee-loss) [score/error]",
        REMEDY_LINE,
    ]
    code, out, _ = run_check(capsys, "--harm-bound", "100", "--min-employee", "50")
    assert code == 1
    assert out.splitlines()[1].endswith("-> employee +17 (+85), customer +0 (+0); does not resolve")


def test_the_remedy_budget_bounds_check_and_counts_what_it_left_out(book: Rulebook) -> None:
    found = check([policy(REPRIMAND)], rulebook=book, settings=Settings(), budget=RemedyBudget(limit=0))
    (finding,) = found.findings
    assert (finding.code, finding.fails, finding.remedies, found.remedies_skipped) == ("HRM001", True, (), 1)


# --------------------------------------------------------------------------- unlawful


def test_a_german_long_shift_with_a_short_lunch_is_unlawful() -> None:
    book = load_rulebook()
    run = evaluate([policy(LONG_SHIFT)], rulebook=book, settings=Settings(), remedies=False)
    (result,) = run.evaluation.policies
    assert result.verdict == "unlawful"
    guardrails = [c for c in run.evaluation.conflicts if c.kind == "guardrail"]
    # ArbZG section 4 (45 minutes over 9 hours worked) is broken; section 3 adds a warning: 9 h 15 of
    # work is over the 8-hour day, lawful only when averaged back to 8, which a policy cannot state.
    assert [(c.code, c.severity, c.rules) for c in guardrails] == [
        ("GRD021", "error", ["long-shift/rules[0]"]),
        ("GRD121", "warning", ["long-shift/rules[0]"]),
    ]
    # The breach is the policy's finding; no second finding says the same.
    assert all(c.code in ("GRD021", "GRD121") or c.kind != "guardrail" for c in run.evaluation.conflicts)


def test_check_on_an_unlawful_policy_exits_1_and_offers_a_legal_break_length(
    tiny: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    put(**{"long-shift": LONG_SHIFT})
    code, out, _ = run_check(capsys)
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("lib/long-shift.yaml:8 | GRD021 | ")
    assert lines[0].endswith("[guardrail/error]")
    # The law counts working time, breaks excluded (ArbZG sections 2 and 4): 9.5 hours of presence
    # with a 30-minute break are 9 hours of work, for which 30 minutes suffice.
    assert lines[1] == (
        "  remedy REM903 on long-shift/rules[0]: Lengthen the break to what the law requires "
        "(min_minutes: 30) -> employee +0 (+0), customer +0 (+0); resolves"
    )
    assert lines[2].startswith(
        "lib/long-shift.yaml:8 | GRD121 | the shift starting 08:00 works 9 hours 15 minutes"
    )
    assert lines[2].endswith("[guardrail/warning]")
    assert lines[3:] == [
        "Checked 1 policy: 2 findings (1 error, 1 warning); 1 fails the gate (--fail-on error, --harm-bound 40): "
        "FAILED"
    ]


def test_unlawful_is_set_whatever_the_scores_and_keeps_the_legal_note(book: Rulebook) -> None:
    good = LONG_SHIFT.replace(
        "  - kind: break-rule\n    break: lunch", "  - kind: break-rule\n    break: rest"
    )
    run = evaluate([policy(good)], rulebook=book, settings=Settings(), remedies=False)
    (result,) = run.evaluation.policies
    assert result.scores.employee > 5  # the rest rule scores a gain for staff
    assert result.verdict == "unlawful"
    scored = evaluate([policy(good)], rulebook=book, settings=Settings(), conflicts=False)
    note = detect_conflicts(scored, wanted={"long-shift"}).legal.get("long-shift")
    assert result.legal == (note or scored.evaluation.policies[0].legal)
    lawful = evaluate([policy(REPRIMAND)], rulebook=book, settings=Settings(), remedies=False)
    assert lawful.evaluation.policies[0].verdict == "employee-loss"


# --------------------------------------------------------------------------- duplicates


def test_a_repeated_rule_is_a_duplicate_finding_and_counts_once(book: Rulebook) -> None:
    rests = policy(RESTS)
    run = evaluate([rests], rulebook=book, settings=Settings(), remedies=False)
    duplicates = [c for c in run.evaluation.conflicts if c.kind == "duplicate"]
    assert [(c.code, c.severity, c.rules, c.explanation) for c in duplicates] == [
        (
            "DUP001",
            "info",
            ["rests/rules[1]", "rests/rules[0]"],
            "rests: rules[1] repeats rules[0]; it counts once.",
        ),
        (
            "DUP001",
            "info",
            ["rests/rules[3]", "rests/rules[0]"],
            "rests: rules[3] repeats rules[0]; it counts once.",
        ),
    ]
    single = policy(RESTS.split("  - kind: break-rule\n    break: rest\n    min_minutes: 5\n    note")[0])
    alone = evaluate([single], rulebook=book, settings=Settings(), conflicts=False)
    assert run.evaluation.policies[0].scores.employee == alone.evaluation.policies[0].scores.employee


def test_check_shows_duplicates_at_the_repeating_rule_without_failing(
    tiny: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    put(rests=RESTS)
    code, out, _ = run_check(capsys)
    assert code == 0
    assert out.splitlines() == [
        "lib/rests.yaml:7 | DUP001 | rests: rules[1] repeats rules[0]; it counts once. [duplicate/info]",
        "lib/rests.yaml:14 | DUP001 | rests: rules[3] repeats rules[0]; it counts once. [duplicate/info]",
        "Checked 1 policy: 2 findings (2 info); none fails the gate (--fail-on error, --harm-bound 40): passed",
    ]


# --------------------------------------------------------------------------- implausible values


IMPLAUSIBLE_LINE = (
    "lib/tiny-cap.yaml:4 | PLS001 | tiny-cap/rules[0] (call-time-cap): max_minutes 0.5 is outside the "
    "plausible range, 1 to 60: a cap under a minute leaves no time to hear the customer; cap_ratio 0.0833 is "
    "outside the plausible range, at least 0.25: a cap under a quarter of the usual handle time cannot be "
    "met. [implausible/warning]"
)


def test_an_implausible_value_is_a_warning_naming_value_range_and_reason(
    tiny: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    put(**{"tiny-cap": TINY_CAP})
    code, out, _ = run_check(capsys)
    assert code == 0
    assert out.splitlines()[0] == IMPLAUSIBLE_LINE
    code, out, _ = run_check(capsys, "--fail-on", "warning", "--format", "json")
    assert code == 1
    (finding,) = json.loads(out)["findings"]
    assert (finding["code"], finding["kind"], finding["severity"], finding["fails"]) == (
        "PLS001",
        "implausible",
        "warning",
        True,
    )


def test_values_inside_the_plausible_range_and_repeated_rules_are_not_flagged(book: Rulebook) -> None:
    fine = policy(TINY_CAP.replace("max_minutes: 0.5", "max_minutes: 5"))
    assert [
        c for c in find_conflicts(evaluate([fine], rulebook=book, settings=Settings(), conflicts=False))
    ] == []
    twice = policy(
        TINY_CAP
        + "  - kind: call-time-cap\n    max_minutes: 0.5\n    enforcement: coaching\n    typical_minutes: 6\n"
    )
    found = find_conflicts(evaluate([twice], rulebook=book, settings=Settings(), conflicts=False))
    assert [(c.code, c.rules[0]) for c in found] == [
        ("PLS001", "tiny-cap/rules[0]"),
        ("DUP001", "tiny-cap/rules[1]"),
    ]


def test_plausible_ranges_are_validated_with_located_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    write_rulebook(
        tmp_path / "bad",
        plausible=(
            "- {kind: call-time-cap, key: max_minute, min: 1, reason: typo}\n"
            "- {kind: breakrule, key: min_minutes, min: 1, reason: typo}\n"
            "- {kind: staffing, key: occupancy_target_pct, min: 90, max: 50, reason: swapped}\n"
            "- {kind: staffing, key: occupancy_target_pct, reason: no ends}\n"
        ),
    )
    Path("p.yaml").write_text(REPRIMAND, encoding="utf-8")
    code = main(["check", "p.yaml", "--rulebook", "bad"])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    file = "bad/plausible.yaml"
    numbers = sorted(k for k, info in fact_keys("call-time-cap").items() if info.shape == "number")
    assert {"max_minutes", "cap_ratio", "typical_minutes"} <= set(numbers)
    assert err.splitlines() == [
        f"{file}:1:30: [0].key: 'max_minute' is no number of a call-time-cap rule's facts, so no value is "
        f"ever checked against this range; numbers: {', '.join(numbers)} (did you mean 'max_minutes'?)",
        f"{file}:2:10: [1].kind: unknown rule kind 'breakrule' (did you mean 'break-rule'?)",
        f"{file}:3:52: [2].min: min 90 is above max 50: every value would be flagged",
        f"{file}:4:3: [3].min: give min, max or both: a range without ends flags nothing",
    ]


# --------------------------------------------------------------------------- the bundled library


def test_check_on_the_public_reprimand_policy_offers_private_coaching(
    capsys: pytest.CaptureFixture[str],
) -> None:
    files = sorted(str(p) for p in (ROOT / "policies" / "feedback").glob("public-reprimand*.yaml"))
    assert files
    code = main(["check", *files, "--format", "json"])
    out, _ = capsys.readouterr()
    assert code == 1
    findings = json.loads(out)["findings"]
    harm = [f for f in findings if f["code"] == "HRM001" and f["fails"]]
    assert harm, [f["code"] for f in findings]
    coaching = [
        r for f in harm for r in f["remedies"] if r["patch"]["set"].get("style") == "private-coaching"
    ]
    assert coaching and all(r["code"] == "REM007" for r in coaching)
    assert all(r["scores_after"]["employee_change"] > 0 for r in coaching)
