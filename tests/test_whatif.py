"""``policyweigh what-if``: every --vary form, each bad usage with its message, sweeps of the bundled
handle-time caps and of a break ban's window, grids, and a process pool that prints the same bytes
as one process. The real engine throughout; the commands run from an empty folder with the
repository's settings named by --config (some bundled policies use a metric declared there)."""

from __future__ import annotations

import errno
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import policyweigh.whatif as whatif
from policyweigh.cli import main
from policyweigh.errors import InputError
from policyweigh.measures import TYPICAL_HANDLE_MINUTES
from policyweigh.patching import FieldChange, patch_policy
from policyweigh.policy import BreakRule
from policyweigh.results import QueueImpact, QueueInterval, TeamQueue
from policyweigh.rulebook import default_rulebook
from policyweigh.scoring import side_state
from policyweigh.whatif import (
    MAX_POINTS,
    SweepError,
    make_sweep,
    open_subject,
    parse_vary,
    run_sweep,
    service_level,
)
from tests.helpers import ROOT

CONFIG = ROOT / "policyweigh.toml"
CAP = ROOT / "policies" / "calls" / "aht-cap-5-minutes-bonus-gate.yaml"
COACHING = ROOT / "policies" / "calls" / "aht-as-coaching-guideline.yaml"
BERLIN = ROOT / "policies" / "breaks" / "core-hours-break-ban-berlin.yaml"
MARGIN = default_rulebook().scoring.verdicts.margin


@pytest.fixture(autouse=True)
def _elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from an empty folder: nothing may depend on the repository being the working directory."""
    monkeypatch.chdir(tmp_path)


def _run(*args: str) -> tuple[int, bytes, bytes]:
    """``policyweigh what-if ARGS --config <the repository's settings>``: exit code, stdout, stderr."""
    runner = CliRunner()
    with runner.isolation() as (out, err, _):
        code = main(["what-if", *args, "--config", str(CONFIG)])
    return code, out.getvalue(), err.getvalue()


def _json(*args: str) -> dict[str, Any]:
    code, out, err = _run(*args, "--format", "json", "--no-progress")
    assert (code, err) == (0, b""), err.decode()
    document: dict[str, Any] = json.loads(out)
    return document


def _expected_balanced_ranges(points: list[dict[str, Any]], field: str) -> list[dict[str, Any]]:
    """The contiguous runs of points that are lawful with neither side a loss, worked out here from
    the points alone (not from the command's own flags)."""
    ranges: list[dict[str, Any]] = []
    previous = False
    for point in points:
        ok = (
            point["error"] is None
            and point["lawful"] is True
            and side_state(point["employee"], MARGIN) != "loss"
            and side_state(point["customer"], MARGIN) != "loss"
        )
        value = point["values"][field]
        if ok and previous:
            ranges[-1]["to"] = value
        elif ok:
            ranges.append({"from": value, "to": value})
        previous = ok
    return ranges


# --------------------------------------------------------------------------- parsing --vary


@pytest.mark.parametrize(
    ("spec", "part", "path", "kind", "values"),
    [
        ("rules[0].max_minutes=4..12:1", 0, ("max_minutes",), "number", tuple(range(4, 13))),
        ("rules[0].max_minutes=4..8", 0, ("max_minutes",), "number", (4, 5, 6, 7, 8)),
        ("rules[2].max_minutes=4..10:4", 2, ("max_minutes",), "number", (4, 8)),
        ("scope.headcount=-30..0:5", "scope", ("headcount",), "number", (-30, -25, -20, -15, -10, -5, 0)),
        ("scope.headcount=7..7", "scope", ("headcount",), "number", (7,)),
        (
            "scope.shift_hours=0.5..2:0.25",
            "scope",
            ("shift_hours",),
            "number",
            (0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0),
        ),
        ("scope.shift_hours=0.1..0.3:0.1", "scope", ("shift_hours",), "number", (0.1, 0.2, 0.3)),
        (
            "rules[0].service_level_target.answered_pct=70..90:10",
            0,
            ("service_level_target", "answered_pct"),
            "number",
            (70, 80, 90),
        ),
        (
            "rules[0].blocked_windows[1].to=11:00..14:00:30",
            0,
            ("blocked_windows", 1, "to"),
            "time",
            ("11:00", "11:30", "12:00", "12:30", "13:00", "13:30", "14:00"),
        ),
        (
            "rules[0].blocked_windows[0].to=09:58..10:01",
            0,
            ("blocked_windows", 0, "to"),
            "time",
            ("09:58", "09:59", "10:00", "10:01"),
        ),
        (
            "scope.shift_starts[0]=06:00..08:00:60",
            "scope",
            ("shift_starts", 0),
            "time",
            ("06:00", "07:00", "08:00"),
        ),
        (" rules[0].max_minutes = 1 .. 2 : 1 ", 0, ("max_minutes",), "number", (1, 2)),
    ],
)
def test_every_vary_form_parses(
    spec: str, part: object, path: tuple[object, ...], kind: str, values: tuple[object, ...]
) -> None:
    axis = parse_vary(spec)
    assert (axis.part, axis.path, axis.kind, axis.values) == (part, path, kind, values)
    assert all(type(v) is type(values[0]) for v in axis.values)


def test_a_grid_is_the_product_of_its_fields_the_first_slowest() -> None:
    sweep = make_sweep(["rules[0].max_minutes=4..6", "scope.headcount=10..30:10"])
    assert sweep.size == 9
    assert list(sweep.points()) == [(m, h) for m in (4, 5, 6) for h in (10, 20, 30)]


PREFIX = "Error: Invalid value for '--vary': "


@pytest.mark.parametrize(
    ("policy", "vary", "message"),
    [
        (
            CAP,
            "max_minutes",
            "expected FIELD=START..END[:STEP], such as rules[0].max_minutes=4..12:1; got 'max_minutes'",
        ),
        (
            CAP,
            "rules[0].max_minutes=4",
            "rules[0].max_minutes: '4' is not a range: expected START..END[:STEP], such as 4..12, "
            "4..12:2, 0.5..2:0.25, -30..0:5 or 11:00..14:00:30",
        ),
        (
            CAP,
            "rules[0].max_minutes=a..b",
            "rules[0].max_minutes: 'a' in 'a..b' is not a number: expected START..END[:STEP], such as "
            "4..12, 4..12:2, 0.5..2:0.25, -30..0:5 or 11:00..14:00:30",
        ),
        (
            CAP,
            "rules[0].max_minutes=4..12..14",
            "rules[0].max_minutes: '4..12..14' is not a range: expected START..END[:STEP], such as "
            "4..12, 4..12:2, 0.5..2:0.25, -30..0:5 or 11:00..14:00:30",
        ),
        (
            CAP,
            "rules[0].max_minute=4..12",
            "rules[0] (call-time-cap) has no field 'max_minute' (did you mean 'max_minutes'?)",
        ),
        (CAP, "scope.headcont=10..20", "scope has no field 'headcont' (did you mean 'headcount'?)"),
        (
            CAP,
            "rule[0].max_minutes=4..12",
            "'rule[0].max_minutes' does not name a field: it starts with rules[N]. or scope., such as "
            "rules[0].max_minutes or scope.headcount (did you mean 'rules[0].max_minutes'?)",
        ),
        (
            CAP,
            "rules[0]=4..12",
            "'rules[0]' names no field: add the field's name, such as rules[0].max_minutes or scope.headcount",
        ),
        (
            CAP,
            "rules[3].max_minutes=4..12",
            "aht-cap-5-minutes-bonus-gate has 1 rule, rules[0]: there is no rules[3]",
        ),
        (CAP, "rules[0].max_minutes=12..4", "rules[0].max_minutes: END 4 is less than START 12"),
        (CAP, "rules[0].max_minutes=4..12:0", "rules[0].max_minutes: STEP must be greater than 0; got 0"),
        (CAP, "rules[0].max_minutes=4..12:-1", "rules[0].max_minutes: STEP must be greater than 0; got -1"),
        (
            CAP,
            "rules[0].max_minutes=1..20000",
            "rules[0].max_minutes: '1..20000' has 20,000 values; a sweep evaluates at most 10,000 "
            "points (a larger STEP or a narrower range)",
        ),
        (
            CAP,
            "rules[0].enforcement=1..3",
            "rules[0].enforcement is not a number or a time of day: it cannot be swept",
        ),
        (
            CAP,
            "rules[0].max_minutes=10:00..11:00",
            "rules[0].max_minutes holds a number; 10:00..11:00 is a range of times of day",
        ),
        (
            CAP,
            "rules[0].max_minutes=-5..0",
            "no point of the sweep is valid for the policy; at rules[0].max_minutes=-5: "
            "rules[0].max_minutes: expected a number greater than 0; got -5",
        ),
        (
            BERLIN,
            "rules[0].blocked_windows[1].to=1..3",
            "rules[0].blocked_windows[1].to holds a time of day (HH:MM); 1..3 is a range of numbers",
        ),
        (
            BERLIN,
            "rules[0].blocked_windows[5].to=10:00..11:00",
            "rules[0].blocked_windows has 2 entries: there is no rules[0].blocked_windows[5]",
        ),
        (
            BERLIN,
            "rules[0].blocked_windows.to=10:00..11:00",
            "rules[0].blocked_windows is a list: name one of its entries, such as rules[0].blocked_windows[0].to",
        ),
        (
            BERLIN,
            "rules[0].blocked_windows[1].too=10:00..11:00",
            "rules[0].blocked_windows[1] has no field 'too' (did you mean 'to'?)",
        ),
        (
            BERLIN,
            "rules[0].blocked_windows[1].to=14:00..11:00",
            "rules[0].blocked_windows[1].to: END 11:00 is before START 14:00 (a range of times runs within one day)",
        ),
        (
            BERLIN,
            "rules[0].blocked_windows[1].to=11:00..14:00:0",
            "rules[0].blocked_windows[1].to: STEP must be greater than 0; got 0",
        ),
        (
            BERLIN,
            "rules[0].blocked_windows[1].to=11:00..14:00:1.5",
            "rules[0].blocked_windows[1].to: STEP of a range of times is a whole number of minutes; got '1.5'",
        ),
        (
            BERLIN,
            "rules[0].blocked_windows[1].to=24:00..25:00",
            "rules[0].blocked_windows[1].to: '24:00' is not a time of day: expected HH:MM from 00:00 to 23:59",
        ),
    ],
)
def test_bad_usage_names_the_flag_and_exits_2(policy: Path, vary: str, message: str) -> None:
    code, out, err = _run(str(policy), "--vary", vary)
    text = err.decode()
    assert (code, out) == (2, b"")
    assert text.endswith(PREFIX + message + "\n"), text
    assert "Traceback" not in text


@pytest.mark.parametrize(
    ("varies", "message"),
    [
        (
            ["rules[0].max_minutes=1..200", "scope.headcount=1..100"],
            "the grid has 20,000 points (200 x 100); a sweep evaluates at most 10,000 (a larger STEP or a narrower range)",
        ),
        (
            ["rules[0].max_minutes=1..2", "rules[0].max_minutes=3..4"],
            "rules[0].max_minutes is varied twice: give each field one range",
        ),
    ],
)
def test_bad_grids_exit_2(varies: list[str], message: str) -> None:
    args = [a for v in varies for a in ("--vary", v)]
    code, out, err = _run(str(CAP), *args)
    assert (code, out) == (2, b"")
    assert err.decode().endswith(PREFIX + message + "\n")


def test_the_bound_on_points_is_ten_thousand() -> None:
    assert MAX_POINTS == 10_000
    assert make_sweep(["rules[0].max_minutes=1..100", "scope.headcount=1..100"]).size == MAX_POINTS
    with pytest.raises(SweepError):
        make_sweep(["rules[0].max_minutes=1..100", "scope.headcount=1..101"])


def test_jobs_must_be_at_least_one() -> None:
    code, out, err = _run(str(CAP), "--vary", "rules[0].max_minutes=4..6", "--jobs", "0")
    assert (code, out) == (2, b"")
    assert err.decode().endswith("Error: Invalid value for '--jobs': 0 is not in the range x>=1.\n")


def test_a_policy_that_does_not_load_gets_located_messages(tmp_path: Path) -> None:
    broken = tmp_path / "cap.yaml"
    broken.write_text(
        CAP.read_text(encoding="utf-8").replace("max_minutes: 5", "max_minute: 5"), encoding="utf-8"
    )
    line = broken.read_text(encoding="utf-8").splitlines().index("    max_minute: 5") + 1
    code, out, err = _run(str(broken), "--vary", "rules[0].max_minutes=4..6")
    assert (code, out) == (2, b"")
    assert err.decode() == (
        f"{broken}:{line}:5: rules[0].max_minute: unknown field; expected one of metric, max_minutes, "
        "enforcement, typical_minutes, note (did you mean 'max_minutes'?)\n"
    )


def test_a_point_the_policy_cannot_take_is_a_row_not_a_crash() -> None:
    document = _json(str(CAP), "--vary", "rules[0].max_minutes=-1..2")
    rows = {p["values"]["rules[0].max_minutes"]: p for p in document["points"]}
    for bad in (-1, 0):
        assert rows[bad]["error"] == f"rules[0].max_minutes: expected a number greater than 0; got {bad}"
        assert (rows[bad]["employee"], rows[bad]["verdict"], rows[bad]["balanced"]) == (None, None, False)
    assert rows[1]["error"] is None and rows[1]["employee"] is not None
    code, out, _ = _run(str(CAP), "--vary", "rules[0].max_minutes=-1..2", "--no-progress")
    assert code == 0
    assert "invalid" in out.decode() and "greater than 0; got -1" in out.decode()


def test_the_patcher_sets_a_field_of_a_list_entry_and_refuses_an_entry_it_lacks() -> None:
    policy = open_subject(BERLIN, config=CONFIG).policy
    change = FieldChange(0, ("blocked_windows", 1, "to"), "14:00")
    assert change.where == "rules[0].blocked_windows[1].to"
    changed, original = patch_policy(policy, [change], label="berlin").rules[0], policy.rules[0]
    assert isinstance(changed, BreakRule) and isinstance(original, BreakRule)
    assert [(w.from_, w.to) for w in changed.blocked_windows] == [("08:30", "09:00"), ("09:00", "14:00")]
    assert original.blocked_windows[1].to == "15:00"
    with pytest.raises(InputError) as caught:
        patch_policy(policy, [FieldChange(0, ("blocked_windows", 2, "to"), "14:00")], label="berlin")
    assert [p.detail for p in caught.value.problems] == [
        "rules[0].blocked_windows[2].to: rules[0].blocked_windows has 2 entries: there is no "
        "rules[0].blocked_windows[2]"
    ]
    starts = patch_policy(policy, [FieldChange("scope", ("shift_starts", 0), "07:00")], label="berlin")
    assert starts.scope.shift_starts == ["07:00"]


# --------------------------------------------------------------------------- handle-time caps


def _zero_dose_ratio(code: str) -> float:
    """The cap ratio (cap over the usual handle time) from which a rule's dose is 0."""
    rule = next(r for r in default_rulebook().impact_rules if r.code == code)
    (dose,) = rule.dose
    assert dose.key == "cap_ratio"
    return float(next(x for x, factor in dose.points if factor == 0))


def test_a_pay_linked_cap_scores_as_the_rulebooks_dose_says() -> None:
    document = _json(str(CAP), "--vary", "rules[0].max_minutes=1..24")
    points = document["points"]
    caps = [p["values"]["rules[0].max_minutes"] for p in points]
    employee = [p["employee"] for p in points]
    customer = [p["customer"] for p in points]
    # CTC002 (rushed contacts, hence the customer side) fades to 0 at 1.5 x the usual handle time;
    # CTC003 (pay pressure on staff) at 3 x. The doses only fall as the cap grows.
    rushed_until = _zero_dose_ratio("CTC002") * TYPICAL_HANDLE_MINUTES
    pressure_until = _zero_dose_ratio("CTC003") * TYPICAL_HANDLE_MINUTES
    assert (rushed_until, pressure_until) == (9, 18)
    assert employee == sorted(employee) and customer == sorted(customer)
    for cap, e, c in zip(caps, employee, customer, strict=True):
        assert (e < 0) == (cap < pressure_until), (cap, e)
        assert (c < 0) == (cap < rushed_until), (cap, c)
    below = [e for cap, e in zip(caps, employee, strict=True) if cap < pressure_until]
    assert all(a < b for a, b in zip(below, below[1:], strict=False)), (
        "the staff dose falls at every step below 18"
    )
    assert all(p["lawful"] and p["legal"] == [] for p in points)


def test_what_if_on_a_handle_time_cap_finds_a_balanced_range() -> None:
    document = _json(str(CAP), "--vary", "rules[0].max_minutes=4..24")
    assert document["policy"] == "aht-cap-5-minutes-bonus-gate"
    assert document["vary"] == [{"field": "rules[0].max_minutes", "values": list(range(4, 25))}]
    assert document["balanced"] == _expected_balanced_ranges(document["points"], "rules[0].max_minutes")
    # From 16 minutes the bonus gate's remaining pressure (CTC003, its dose falling from 0.5 at twice
    # the usual 6 minutes to 0 at three times) costs staff -4, inside the margin of 5; at 15 it is -6.
    # Customers are untouched from 9 minutes (no rushed contacts from 1.5 x the usual time).
    assert document["balanced"] == [{"from": 16, "to": 24}]
    by_cap = {p["values"]["rules[0].max_minutes"]: p for p in document["points"]}
    assert (by_cap[15]["employee"], by_cap[16]["employee"]) == (-6, -4)
    code, out, _ = _run(str(CAP), "--vary", "rules[0].max_minutes=4..24", "--no-progress")
    assert code == 0
    assert (
        "rules[0].max_minutes 16..24 is balanced (both sides at least neutral, and lawful)." in out.decode()
    )


def test_a_coaching_cap_is_balanced_once_it_stops_rushing_calls() -> None:
    document = _json(str(COACHING), "--vary", "rules[0].max_minutes=1..12")
    assert document["balanced"] == _expected_balanced_ranges(document["points"], "rules[0].max_minutes")
    # A cap without pay still rushes calls below 0.8 x the usual 6 minutes (CTC006, 4.8 minutes):
    # at 4 minutes customers lose 7; from 5 the coaching guideline is a win-win.
    assert _zero_dose_ratio("CTC006") * TYPICAL_HANDLE_MINUTES == pytest.approx(4.8)
    assert document["balanced"] == [{"from": 5, "to": 12}]
    assert {p["verdict"] for p in document["points"] if p["balanced"]} == {"win-win"}


# --------------------------------------------------------------------------- a break ban's window


def test_a_break_ban_turns_unlawful_when_its_window_ends_after_six_hours_of_work() -> None:
    # The Berlin early shift starts at 08:30 and its breaks are banned from 08:30 to the end of the
    # second window. German law allows at most six hours of work in a row: up to 14:30.
    document = _json(str(BERLIN), "--vary", "rules[0].blocked_windows[1].to=13:00..15:30:1")
    points = document["points"]
    flips = [
        (a["values"], b["values"])
        for a, b in zip(points, points[1:], strict=False)
        if a["lawful"] != b["lawful"]
    ]
    assert flips == [
        ({"rules[0].blocked_windows[1].to": "14:30"}, {"rules[0].blocked_windows[1].to": "14:31"})
    ]
    for point in points:
        end = point["values"]["rules[0].blocked_windows[1].to"]
        assert point["lawful"] == (end <= "14:30"), end
        assert ("GRD020" in point["legal"]) == (end > "14:30")
        assert (point["verdict"] == "unlawful") == (end > "14:30")
    assert document["balanced"] == _expected_balanced_ranges(points, "rules[0].blocked_windows[1].to")


# --------------------------------------------------------------------------- grids


def test_a_grid_evaluates_every_combination_in_order() -> None:
    document = _json(
        str(COACHING), "--vary", "rules[0].max_minutes=3..6", "--vary", "scope.headcount=20..60:20"
    )
    assert [v["field"] for v in document["vary"]] == ["rules[0].max_minutes", "scope.headcount"]
    assert [tuple(p["values"].values()) for p in document["points"]] == [
        (m, h) for m in (3, 4, 5, 6) for h in (20, 40, 60)
    ]
    expected = [p["values"] for p in document["points"] if _expected_balanced_ranges([p], "scope.headcount")]
    assert document["balanced"] == expected
    assert [(p["rules[0].max_minutes"], p["scope.headcount"]) for p in expected] == [
        (m, h) for m in (5, 6) for h in (20, 40, 60)
    ]
    code, out, _ = _run(
        str(COACHING), "--vary", "rules[0].max_minutes=3..6", "--vary", "scope.headcount=20..60:20"
    )
    assert code == 0
    assert (
        "Balanced (both sides at least neutral, and lawful), 6 of 12 points: rules[0].max_minutes 5..6, "
        "scope.headcount 20..60." in " ".join(out.decode().split())
    )


# --------------------------------------------------------------------------- the process pool

POOL_SWEEP = ("--vary", "rules[0].max_minutes=1..12:0.25", "--vary", "scope.headcount=10..30:10")


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_the_pool_prints_the_same_bytes_as_one_process(fmt: str) -> None:
    outputs = {}
    for jobs in ("1", "2", "3"):
        code, out, err = _run(str(COACHING), *POOL_SWEEP, "--format", fmt, "--jobs", jobs, "--no-progress")
        assert (code, err) == (0, b""), err.decode()
        outputs[jobs] = out
    assert outputs["1"] == outputs["2"] == outputs["3"]
    assert len(outputs["1"]) > 1000


def test_the_pool_really_runs_workers_and_agrees_with_one_process() -> None:
    subject = open_subject(BERLIN, config=CONFIG)
    sweep = make_sweep(["rules[0].blocked_windows[1].to=13:00..15:00:5"])
    alone = run_sweep(subject, sweep, jobs=1)
    pooled = run_sweep(subject, sweep, jobs=3)
    assert (alone.workers, pooled.workers, pooled.notes) == (1, 3, ())
    assert pooled.points == alone.points


def test_workers_started_by_spawn_set_themselves_up_from_the_files() -> None:
    # spawn shares nothing with this process: each worker loads the settings and rulebook itself.
    subject = open_subject(CAP, config=CONFIG)
    sweep = make_sweep(["rules[0].max_minutes=1..24"])
    pooled = run_sweep(subject, sweep, jobs=2, start_method="spawn")
    assert (pooled.workers, pooled.notes) == (2, ())
    assert pooled.points == run_sweep(subject, sweep, jobs=1).points


def test_a_pool_that_cannot_start_falls_back_to_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    _, expected, _ = _run(str(CAP), "--vary", "rules[0].max_minutes=4..24", "--jobs", "1", "--no-progress")

    def no_semaphores(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOENT, "No such file or directory", "/dev/shm")

    monkeypatch.setattr(whatif, "ProcessPoolExecutor", no_semaphores)
    code, out, err = _run(str(CAP), "--vary", "rules[0].max_minutes=4..24", "--jobs", "2", "--no-progress")
    assert (code, out) == (0, expected)
    assert err.decode() == (
        "note: cannot start worker processes ([Errno 2] No such file or directory: '/dev/shm'); "
        "evaluating in this process\n"
    )


def test_the_progress_bar_writes_to_stderr_only() -> None:
    args = (str(CAP), "--vary", "rules[0].max_minutes=4..24", "--jobs", "2")
    code, plain_out, plain_err = _run(*args, "--no-progress")
    assert (code, plain_err) == (0, b"")
    code, out, err = _run(*args, "--progress")
    assert code == 0
    assert out == plain_out
    assert "Evaluating 21 points of aht-cap-5-minutes-bonus-gate" in err.decode()
    # Without a terminal and without --progress, there is no bar.
    assert _run(*args)[1:] == (plain_out, b"")


# --------------------------------------------------------------------------- the service level


def _interval(calls: float) -> QueueInterval:
    return QueueInterval(
        start="09:00",
        calls=calls,
        aht_seconds_before=300,
        aht_seconds_after=300,
        agents_before=10,
        agents_after=10,
        away_before=0,
        away_after=0,
        present_before=10,
        present_after=10,
        service_level_before=0.8,
        service_level_after=0.8,
        asa_seconds_before=10,
        asa_seconds_after=10,
        occupancy_before=0.8,
        occupancy_after=0.8,
    )


def _team(name: str, level: float, calls: list[float]) -> TeamQueue:
    return TeamQueue(
        team=name,
        name=name,
        answered_pct=80,
        within_seconds=20,
        model="erlang-c",
        changes=[],
        intervals=[_interval(c) for c in calls],
        service_level_before=0.9,
        service_level_after=level,
        asa_seconds_before=None,
        asa_seconds_after=None,
        occupancy_before=None,
        occupancy_after=None,
        missed_before=0,
        missed_after=0,
        worst="none",
        segments=[],
    )


def test_the_service_level_is_weighted_by_each_teams_calls() -> None:
    queue = QueueImpact(
        organisation="o",
        teams=[_team("a", 0.9, [100, 200]), _team("b", 0.5, [100])],
        summary="s",
    )
    assert service_level(queue) == pytest.approx((0.9 * 300 + 0.5 * 100) / 400)
    assert service_level(None) is None
    quiet = QueueImpact(organisation="o", teams=[_team("a", 0.9, [0]), _team("b", 0.5, [])], summary="s")
    assert service_level(quiet) == pytest.approx(0.7)
