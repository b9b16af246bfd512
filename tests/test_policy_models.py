"""The policy format through the loader: every rule kind valid and invalid, and a YAML round trip."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import find, given, settings
from hypothesis import strategies as st

from policyweigh.loading import load_policy_text
from policyweigh.policy import METRICS, RULE_KINDS, Policy, dump_policy, format_minutes, policy_json_schema
from tests.helpers import messages, policy_yaml
from tests.test_kinds_monitoring_work_time_sales import INVALID as H1_INVALID
from tests.test_kinds_monitoring_work_time_sales import VALID as H1_VALID

VALID: dict[str, str] = {
    "bonus-threshold": "kind: bonus-threshold\nmetric: customer_satisfaction\nthreshold_pct: 90",
    "call-time-cap": "kind: call-time-cap\nmax_minutes: 7.5\nenforcement: coaching",
    "break-rule": (
        'kind: break-rule\nbreak: lunch\nmin_minutes: 30\nblocked_windows: [{from: 10:00, to: "12:00"}]\n'
        "scheduling: staggered\npaid: true"
    ),
    "staffing": "kind: staffing\nservice_level_target: {answered_pct: 80, within_seconds: 20}",
    "training": "kind: training\ntopics: [communication, de-escalation]\nhours_per_year: 16",
    "equipment": "kind: equipment\nitem: headset\nquality: premium\nreplacement_months: 18",
    "feedback-practice": "kind: feedback-practice\nstyle: peer-recognition\nfrequency: ad-hoc",
    "customer-conduct": (
        "kind: customer-conduct\nabusive_customers: agent-may-end-contact\nmanager_backing: true"
    ),
    "metric-target": "kind: metric-target\nmetric: attrition\ntarget: 12\nunit: pct\ntied_to: review",
    "knowledge-base": "kind: knowledge-base\nmaintained: true\naudience: customer-facing",
    "leader-floor-time": "kind: leader-floor-time\nhours_per_month: 8\nroles: [team-leader, manager]",
    "compensation-link": (
        "kind: compensation-link\nweights: {customer_satisfaction: 60.5, quality_score: 39.5}"
    ),
    "customer-incentive": "kind: customer-incentive\nreward: Free month\nvalue: 15\ncondition: loyalty",
    "empowerment": (
        "kind: empowerment\ndiscretion_budget: 100\ncurrency: GBP\ncan_resolve_without_approval: true"
    ),
    "schedule-flexibility": "kind: schedule-flexibility\nremote_days_per_week: 3\nself_rostering: true",
    "attendance": "kind: attendance\nbradford_factor: true\nbradford_trigger_score: 200\nsick_pay_waiting_days: 3",
    "after-call-work": "kind: after-call-work\nmax_seconds: 30\nenforcement: bonus-gate",
    "conduct": "kind: conduct\nrule: No personal phones on the floor\ntopic: personal-phones\nsanction: written-warning",
    "recovery-time": "kind: recovery-time\nrecovery_minutes: 10\ndecided_by: agent",
    "concurrency": "kind: concurrency\nmax_chats: 3\nchannel: chat",
    "span-of-control": "kind: span-of-control\nagents_per_team_leader: 15",
}

# One typical mistake per kind, with the exact message it must give.
INVALID: dict[str, tuple[str, str]] = {
    "bonus-threshold": (
        "kind: bonus-threshold\nmetric: CSAT\nthreshold_pct: 90",
        "p.yaml:5:13: rules[0].metric: metric names are written in lowercase with _ between words: "
        "write csat (csat is read as customer_satisfaction)",
    ),
    "call-time-cap": (
        "kind: call-time-cap\nmax_minutes: 5\nenforcement: bonus",
        "p.yaml:6:18: rules[0].enforcement: expected one of guideline, coaching, bonus-gate, disciplinary; "
        "got 'bonus' (did you mean 'bonus-gate'?)",
    ),
    "break-rule": (
        "kind: break-rule\nbreak: lunch\nmin_minutes: 30.5",
        "p.yaml:6:18: rules[0].min_minutes: expected a whole number; got the number 30.5",
    ),
    "staffing": (
        "kind: staffing\noccupancy_target_pct: 101",
        "p.yaml:5:27: rules[0].occupancy_target_pct: expected a number at most 100; got 101",
    ),
    "training": (
        "kind: training\ntopics: [product, sales]",
        "p.yaml:5:23: rules[0].topics[1]: expected one of communication, product, de-escalation, systems, "
        "wellbeing; got 'sales'",
    ),
    "equipment": (
        "kind: equipment\nitem: headset\nquality: cheap",
        "p.yaml:6:14: rules[0].quality: expected one of low-budget, standard, premium; got 'cheap'",
    ),
    "feedback-practice": (
        "kind: feedback-practice\nstyle: public-reprimands",
        "p.yaml:5:12: rules[0].style: expected one of public-reprimand, private-coaching, "
        "public-recognition, peer-recognition; got 'public-reprimands' (did you mean 'public-reprimand'?)",
    ),
    "customer-conduct": (
        "kind: customer-conduct\nabusive_customers: escalate\nmanager_backing: yes",
        "p.yaml:6:22: rules[0].manager_backing: expected true or false; got the string 'yes'",
    ),
    "metric-target": (
        "kind: metric-target\nmetric: sales\ntarget: 120\nunit: pct",
        "p.yaml:6:13: rules[0].target: a pct target must be between 0 and 100; got 120",
    ),
    "knowledge-base": (
        "kind: knowledge-base\nmaintaned: true",
        "p.yaml:5:5: rules[0].maintaned: unknown field; expected one of available, maintained, audience, "
        "note (did you mean 'maintained'?)",
    ),
    "leader-floor-time": (
        "kind: leader-floor-time\nhours_per_month: -1",
        "p.yaml:5:22: rules[0].hours_per_month: expected a number at least 0; got -1",
    ),
    "compensation-link": (
        "kind: compensation-link\nweights: {sales: 70, quality_score: 20}",
        "p.yaml:5:14: rules[0].weights: weights must sum to 100; they sum to 90",
    ),
    "customer-incentive": (
        "kind: customer-incentive\nreward: '  '\ncondition: survey",
        "p.yaml:5:13: rules[0].reward: expected text; got an empty string",
    ),
    "empowerment": (
        "kind: empowerment\ncurrency: euro",
        "p.yaml:5:15: rules[0].currency: expected a three-letter code in capitals (like 'EUR'); got 'euro'",
    ),
    "schedule-flexibility": (
        "kind: schedule-flexibility\nremote_days_per_week: 8",
        "p.yaml:5:27: rules[0].remote_days_per_week: expected a number at most 7; got 8",
    ),
    "attendance": (
        "kind: attendance\npoints_to_warning: 8",
        "p.yaml:5:24: rules[0].points_to_warning: points_to_warning is a setting of a points system; "
        "set points_system: true, or remove points_to_warning",
    ),
    "after-call-work": (
        "kind: after-call-work\nmax_seconds: 30\nenforcement: bonus",
        "p.yaml:6:18: rules[0].enforcement: expected one of guideline, coaching, bonus-gate, disciplinary; "
        "got 'bonus' (did you mean 'bonus-gate'?)",
    ),
    "conduct": (
        "kind: conduct\nrule: No phones\nsanction: written-warning\nrepeat_sanction: verbal-warning",
        "p.yaml:7:22: rules[0].repeat_sanction: repeat_sanction verbal-warning is milder than the first "
        "breach's written-warning; a repeated breach is sanctioned at least as hard",
    ),
    "recovery-time": (
        "kind: recovery-time\nrecovery_minutes: 10\ndecided_by: manager",
        "p.yaml:6:17: rules[0].decided_by: expected one of agent, team-leader; got 'manager'",
    ),
    "concurrency": (
        "kind: concurrency\nmax_chats: 0",
        "p.yaml:5:16: rules[0].max_chats: expected a number at least 1; got 0",
    ),
    "span-of-control": (
        "kind: span-of-control\nagents_per_teamleader: 12",
        "p.yaml:5:5: rules[0].agents_per_teamleader: unknown field; expected one of agents_per_team_leader, "
        "note (did you mean 'agents_per_team_leader'?)",
    ),
}


# The cases of the format 1.1 kinds of tests/test_kinds_h1.py, one per kind here (that file holds them all).
VALID.update(H1_VALID)
INVALID.update({rule.split("\n")[0].removeprefix("kind: "): (rule, message) for rule, message in H1_INVALID})


def test_the_cases_cover_every_kind() -> None:
    assert set(VALID) == set(RULE_KINDS)
    assert set(INVALID) == set(RULE_KINDS)


@pytest.mark.parametrize("kind", RULE_KINDS)
def test_valid_rule_of_every_kind(kind: str) -> None:
    policy = load_policy_text(policy_yaml(VALID[kind]))
    assert policy.rules[0].kind == kind
    jsonschema.validate(dump_policy(policy), policy_json_schema())


@pytest.mark.parametrize("kind", RULE_KINDS)
def test_invalid_rule_of_every_kind(kind: str) -> None:
    text, expected = INVALID[kind]
    assert messages(policy_yaml(text)) == [expected]


def test_unquoted_times_are_times() -> None:
    policy = load_policy_text(policy_yaml(VALID["break-rule"]))
    window = policy.rules[0].blocked_windows[0]  # type: ignore[union-attr]
    assert (window.from_, window.to) == ("10:00", "12:00")


def test_every_error_in_a_file_is_reported_sorted_by_line() -> None:
    text = (
        "id: Bad Id\ntitle: t\nstatus: live\nrules:\n"
        "  - {kind: call-time-cap, max_minutes: 0}\n"
        "  - {kind: break-rule, break: lunch}\n"
        "  - {kind: training, topics: [product, product]}\n"
    )
    assert messages(text) == [
        "p.yaml:1:5: id: expected lowercase letters and digits in words joined by single dashes "
        "(like 'peak-lunch-ban'); got 'Bad Id'",
        "p.yaml:3:9: status: expected one of draft, proposed, adopted, retired; got 'live'",
        "p.yaml:5:40: rules[0].max_minutes: expected a number greater than 0; got 0",
        "p.yaml:6:5: rules[1]: missing required field 'min_minutes'",
        "p.yaml:7:5: rules[2]: topic 'product' is listed twice",
    ]


def test_top_level_must_be_a_mapping() -> None:
    assert messages("- id: a\n") == ["p.yaml:1:1: expected a mapping; got a list"]


def test_rules_must_not_be_empty() -> None:
    assert messages("id: a\ntitle: t\nrules: []\n") == ["p.yaml:3:8: rules: expected at least 1 entry; got 0"]


def test_rule_that_is_not_a_mapping() -> None:
    assert messages("id: a\ntitle: t\nrules: [knowledge-base]\n") == [
        "p.yaml:3:9: rules[0]: expected a mapping; got the string 'knowledge-base'"
    ]


def test_unknown_metric_as_a_weight_key_points_at_the_key() -> None:
    text = policy_yaml("kind: compensation-link\nweights:\n  Sales: 50\n  calls_handled: 50")
    assert messages(text) == [
        "p.yaml:6:7: rules[0].weights.Sales: metric names are written in lowercase with _ between words: "
        "write sales"
    ]


def test_staffing_needs_one_target() -> None:
    assert messages(policy_yaml("kind: staffing")) == [
        "p.yaml:4:5: rules[0]: a staffing rule needs at least one of payroll_change_pct, "
        "occupancy_target_pct, service_level_target"
    ]


# --------------------------------------------------------------------------- round trip

SLUG = st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,3}", fullmatch=True)
# Text fields hold printable text only: no C0/C1 controls, DEL or bidi controls (lone surrogates
# are no text at all); one-line fields no line breaks or tabs either, multi-line ones may.
_NEVER = [chr(c) for c in (*range(0x20), *range(0x7F, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A))]
ONE_LINE_CHARS = st.characters(
    blacklist_categories=("Cs",), blacklist_characters=[*_NEVER, "\u2028", "\u2029"]
)
MULTI_LINE_CHARS = st.characters(blacklist_categories=("Cs",), blacklist_characters=_NEVER) | st.sampled_from(
    "\n\t"
)
TEXT = st.text(ONE_LINE_CHARS, min_size=1, max_size=40).map(str.strip).filter(bool)
LONG_TEXT = st.text(MULTI_LINE_CHARS, max_size=80)
LABEL = st.text(ONE_LINE_CHARS, min_size=1, max_size=20)
TIME_MINUTES = st.integers(0, 24 * 60 - 1)


def number(low: float, high: float, *, exclude_low: bool = False) -> st.SearchStrategy[float | int]:
    ints = st.integers(int(low) + (1 if exclude_low else 0), int(high))
    floats = st.floats(low, high, exclude_min=exclude_low, allow_nan=False, allow_infinity=False)
    return ints | floats


def optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


@st.composite
def windows(draw: st.DrawFn) -> dict[str, str]:
    start = draw(st.integers(0, 24 * 60 - 2))
    end = draw(st.integers(start + 1, 24 * 60 - 1))
    return {"from": format_minutes(start), "to": format_minutes(end)}


@st.composite
def weights(draw: st.DrawFn) -> dict[str, int]:
    metrics = draw(st.lists(st.sampled_from(METRICS), min_size=1, max_size=4, unique=True))
    cuts = sorted(
        draw(st.lists(st.integers(1, 99), min_size=len(metrics) - 1, max_size=len(metrics) - 1, unique=True))
    )
    bounds = [0, *cuts, 100]
    return {m: bounds[i + 1] - bounds[i] for i, m in enumerate(metrics)}


def drop_none(**fields: Any) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None}


RULES: list[st.SearchStrategy[dict[str, Any]]] = [
    st.builds(
        drop_none,
        kind=st.just("bonus-threshold"),
        metric=st.sampled_from(METRICS),
        threshold_pct=number(0, 200, exclude_low=True),
        payout=optional(st.sampled_from(["all-or-nothing", "linear", "tiered"])),
        period=optional(st.sampled_from(["week", "month", "quarter", "year"])),
        basis=optional(st.sampled_from(["individual", "team"])),
        note=optional(LONG_TEXT),
    ),
    st.builds(
        drop_none,
        kind=st.just("call-time-cap"),
        metric=optional(st.sampled_from(["average_handle_time", "max_call_duration"])),
        max_minutes=number(0, 240, exclude_low=True),
        enforcement=optional(st.sampled_from(["guideline", "coaching", "bonus-gate", "disciplinary"])),
    ),
    st.builds(
        lambda break_, **fields: {"break": break_, **drop_none(**fields)},
        kind=st.just("break-rule"),
        break_=st.sampled_from(["lunch", "rest", "any"]),
        min_minutes=st.integers(1, 240),
        blocked_windows=optional(st.lists(windows(), max_size=3)),
        scheduling=optional(st.sampled_from(["fixed", "staggered", "self-organised"])),
        paid=optional(st.booleans()),
    ),
    st.builds(
        drop_none,
        kind=st.just("staffing"),
        payroll_change_pct=number(-100, 200),
        occupancy_target_pct=optional(number(0, 100)),
        service_level_target=optional(
            st.builds(dict, answered_pct=number(0, 100), within_seconds=st.integers(1, 3600))
        ),
    ),
    st.builds(
        drop_none,
        kind=st.just("training"),
        topics=optional(
            st.lists(
                st.sampled_from(["communication", "product", "de-escalation", "systems", "wellbeing"]),
                unique=True,
            )
        ),
        hours_per_year=optional(number(0, 2000)),
        onboarding_weeks=optional(number(0, 52)),
        audience=optional(st.sampled_from(["all", "customer-facing", "leaders"])),
    ),
    st.builds(
        drop_none,
        kind=st.just("equipment"),
        item=st.sampled_from(["headset", "workstation", "software", "other"]),
        quality=st.sampled_from(["low-budget", "standard", "premium"]),
        replacement_months=optional(st.integers(1, 240)),
    ),
    st.builds(
        drop_none,
        kind=st.just("feedback-practice"),
        style=st.sampled_from(
            ["public-reprimand", "private-coaching", "public-recognition", "peer-recognition"]
        ),
        frequency=optional(st.sampled_from(["daily", "weekly", "monthly", "quarterly", "yearly", "ad-hoc"])),
    ),
    st.builds(
        drop_none,
        kind=st.just("customer-conduct"),
        abusive_customers=st.sampled_from(["agent-must-continue", "escalate", "agent-may-end-contact"]),
        manager_backing=optional(st.booleans()),
    ),
    st.builds(
        drop_none,
        kind=st.just("metric-target"),
        metric=st.sampled_from(METRICS),
        target=number(0, 100),
        unit=st.sampled_from(["pct", "minutes", "seconds", "count", "score"]),
        tied_to=optional(st.sampled_from(["none", "coaching", "bonus", "review", "discipline"])),
        visibility=optional(st.sampled_from(["private", "team", "public-leaderboard"])),
    ),
    st.builds(
        drop_none,
        kind=st.just("knowledge-base"),
        available=optional(st.booleans()),
        maintained=optional(st.booleans()),
        audience=optional(st.sampled_from(["all", "customer-facing", "leaders"])),
    ),
    st.builds(
        drop_none,
        kind=st.just("leader-floor-time"),
        hours_per_month=number(0, 744),
        roles=optional(st.lists(LABEL, max_size=3)),
    ),
    st.builds(drop_none, kind=st.just("compensation-link"), weights=weights()),
    st.builds(
        drop_none,
        kind=st.just("customer-incentive"),
        reward=TEXT,
        value=optional(number(0, 1_000_000)),
        condition=st.sampled_from(
            ["feedback-call", "survey", "purchase", "referral", "loyalty", "complaint"]
        ),
        requires_agent_effort=optional(st.booleans()),
    ),
    st.builds(
        drop_none,
        kind=st.just("empowerment"),
        discretion_budget=optional(number(0, 1_000_000)),
        currency=optional(st.from_regex(r"[A-Z]{3}", fullmatch=True)),
        can_resolve_without_approval=optional(st.booleans()),
    ),
    st.builds(
        drop_none,
        kind=st.just("schedule-flexibility"),
        remote_days_per_week=optional(st.integers(0, 7)),
        shift_swaps=optional(st.booleans()),
        self_rostering=optional(st.booleans()),
    ),
    st.builds(
        drop_none,
        kind=st.just("attendance"),
        points_system=optional(st.booleans()),
        bradford_factor=optional(st.booleans()),
        return_to_work_interviews=optional(st.booleans()),
        sick_pay_waiting_days=optional(st.integers(0, 30)),
    ),
    st.builds(
        drop_none,
        kind=st.just("after-call-work"),
        max_seconds=st.integers(1, 3600),
        enforcement=optional(st.sampled_from(["guideline", "coaching", "bonus-gate", "disciplinary"])),
        typical_seconds=optional(st.integers(1, 3600)),
    ),
    st.builds(
        drop_none,
        kind=st.just("conduct"),
        rule=TEXT,
        topic=optional(
            st.sampled_from(["personal-phones", "dress", "language", "attendance-at-desk", "other"])
        ),
        sanction=st.sampled_from(["none", "verbal-warning", "written-warning", "final-warning"]),
        repeat_sanction=optional(st.just("dismissal")),
    ),
    st.builds(
        drop_none,
        kind=st.just("recovery-time"),
        recovery_minutes=st.integers(1, 120),
        decided_by=optional(st.sampled_from(["agent", "team-leader"])),
        paid=optional(st.booleans()),
    ),
    st.builds(
        drop_none,
        kind=st.just("concurrency"),
        max_chats=st.integers(1, 20),
        channel=optional(st.sampled_from(["chat", "messaging"])),
    ),
    st.builds(drop_none, kind=st.just("span-of-control"), agents_per_team_leader=st.integers(1, 500)),
]

# The kinds added in format 1.1 for monitoring, adherence, overtime, notice, commission, scripts and contests.
RULES += [
    st.builds(
        drop_none,
        kind=st.just("monitoring"),
        method=st.sampled_from(["call-recording", "screen-capture", "qa-scorecard"]),
        results_seen_by=optional(st.sampled_from(["team-leader", "team", "public"])),
        feedback_to_agent=optional(st.booleans()),
        tied_to=optional(st.sampled_from(["none", "coaching", "bonus", "discipline"])),
    ),
    st.builds(
        drop_none,
        kind=st.just("monitoring"),
        method=st.sampled_from(["silent-monitoring", "side-by-side"]),
        live_hours_per_week=optional(number(0, 60)),
        results_seen_by=optional(st.just("agent")),
        feedback_to_agent=optional(st.just(True)),
    ),
    st.builds(
        drop_none,
        kind=st.just("monitoring"),
        method=st.just("qa-scorecard"),
        calibrated=optional(st.booleans()),
    ),
    st.builds(
        drop_none,
        kind=st.just("adherence"),
        real_time=optional(st.booleans()),
        aux_codes_required=optional(st.booleans()),
        unplanned_breaks=optional(st.sampled_from(["free", "logged", "counted", "need-permission"])),
        tied_to=optional(st.sampled_from(["none", "coaching", "bonus", "discipline"])),
        tolerance_minutes=optional(number(0, 240)),
    ),
    st.builds(drop_none, kind=st.just("adherence"), tolerance_pct=optional(number(0, 50))),
    st.builds(
        drop_none,
        kind=st.just("overtime"),
        participation=st.sampled_from(["voluntary", "mandatory"]),
        cap_hours_per_week=optional(number(0, 40, exclude_low=True)),
        notice_hours=optional(number(0, 720)),
        premium_pct=optional(number(0, 300)),
    ),
    st.builds(
        drop_none,
        kind=st.just("schedule-notice"),
        notice_days=st.integers(0, 90),
        changes_after_publication=optional(st.just(True)),
        change_premium_pct=optional(number(0, 300)),
        right_to_refuse=optional(st.booleans()),
    ),
    st.builds(
        drop_none,
        kind=st.just("schedule-notice"),
        notice_days=st.integers(0, 90),
        changes_after_publication=st.just(False),
    ),
    st.builds(
        drop_none,
        kind=st.just("commission"),
        rate_pct=number(0, 100, exclude_low=True),
        cap_pct_of_base_pay=optional(number(0, 1000, exclude_low=True)),
        clawback_months=optional(st.integers(0, 60)),
        quota_on_service_contacts=optional(st.booleans()),
        quota_sales_per_day=optional(st.integers(1, 500)),
    ),
    st.builds(
        drop_none,
        kind=st.just("script"),
        use=st.just("mandatory"),
        deviation_allowed=optional(st.booleans()),
        covers=optional(st.sampled_from(["whole-contact", "opening-and-closing", "compliance-statements"])),
    ),
    st.builds(
        drop_none,
        kind=st.just("script"),
        use=st.just("guideline"),
        deviation_allowed=optional(st.just(True)),
    ),
    st.builds(
        drop_none,
        kind=st.just("contest"),
        metric=st.sampled_from(["calls_handled", "sales", "customer_satisfaction"]),
        prize=optional(st.sampled_from(["recognition", "gift", "cash"])),
        leaderboard=optional(st.sampled_from(["none", "private", "team", "public"])),
        opt_in=optional(st.booleans()),
        duration_days=optional(st.integers(1, 366)),
    ),
    st.builds(
        drop_none,
        kind=st.just("contest"),
        metric=st.sampled_from(["calls_handled", "sales", "customer_satisfaction"]),
        prize=st.just("none"),
        leaderboard=st.sampled_from(["private", "team", "public"]),
    ),
]


POLICIES = st.builds(
    drop_none,
    id=SLUG,
    title=TEXT,
    status=optional(st.sampled_from(["draft", "proposed", "adopted", "retired"])),
    owner=optional(TEXT),
    summary=optional(LONG_TEXT),
    jurisdiction=optional(st.sampled_from(["eu", "uk", "de", "fr", "nl", "us-ca", "ph"])),
    scope=optional(
        st.builds(
            drop_none,
            teams=optional(st.lists(LABEL, max_size=3)),
            roles=optional(st.lists(LABEL, max_size=3)),
            customer_facing=optional(st.booleans()),
            headcount=optional(st.integers(1, 10_000_000)),
            shift_hours=optional(number(0, 24, exclude_low=True)),
            shift_starts=optional(st.lists(TIME_MINUTES.map(format_minutes), max_size=4)),
        )
    ),
    rules=st.lists(st.one_of(RULES), min_size=1, max_size=4),
).map(Policy.model_validate)


def test_strategies_cover_every_kind() -> None:
    kinds = {find(strategy, lambda _: True)["kind"] for strategy in RULES}
    assert kinds == set(RULE_KINDS)


@settings(max_examples=300, deadline=None)
@given(POLICIES)
def test_yaml_round_trip(policy: Policy) -> None:
    text = yaml.safe_dump(dump_policy(policy), sort_keys=False)
    assert load_policy_text(text) == policy
