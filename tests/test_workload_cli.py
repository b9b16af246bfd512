"""``policyweigh workload``: the example profile in text and JSON, the output contract, and broken
profiles reported with located problems and exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from policyweigh.cli import main
from policyweigh.errors import InputError
from policyweigh.workload import analyse, load_profile_text
from tests.helpers import ROOT

EXAMPLE = ROOT / "examples" / "workload" / "pie-van-inbound.yaml"
CONTRACT = {
    "start",
    "calls",
    "aht_seconds",
    "agents",
    "traffic_erlangs",
    "occupancy",
    "wait_probability",
    "service_level",
    "asa_seconds",
}

PUBLISHED = """\
interval_minutes: 30
target: {answered_pct: 80, within_seconds: 20}
shrinkage_pct: 0
intervals:
  - {start: "09:00", calls: 100, aht_seconds: 180, agents: 14}
  - {start: "09:30", calls: 100, aht_seconds: 180, agents: 15}
  - {start: "10:00", calls: 100, aht_seconds: 180, agents: 10}
"""


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def _write(tmp_path: Path, text: str, name: str = "profile.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_example_as_json_follows_the_output_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(["workload", str(EXAMPLE), "--format", "json"], capsys)
    assert (code, err) == (0, "")
    document = json.loads(out)
    intervals = document["intervals"]
    assert len(intervals) == 20
    assert [i["start"] for i in intervals[:3]] == ["08:00", "08:30", "09:00"]
    assert intervals[-1]["start"] == "17:30"
    for row in intervals:
        assert CONTRACT | {"abandon_probability", "agents_required"} <= set(row)
        assert 0 <= row["service_level"] <= 1 and 0 <= row["abandon_probability"] <= 1
        assert row["meets_target"] == (row["service_level"] >= 0.8)
    # The pie van: the late-morning peak misses the target, and only it.
    missed = [row["start"] for row in intervals if not row["meets_target"]]
    assert missed == ["10:00", "10:30", "11:00", "11:30"]


def test_example_as_text_marks_the_intervals_that_miss(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(["workload", str(EXAMPLE)], capsys)
    assert (code, err) == (0, "")
    assert "Target: 80% within 20s" in out
    rows = [line for line in out.splitlines() if line.startswith("| ") and line[2:4].isdigit()]
    assert len(rows) == 20
    marked = [row.split("|")[1].strip() for row in rows if "MISS" in row]
    assert marked == ["10:00", "10:30", "11:00", "11:30"]
    assert "4 of 20 intervals miss the target" in out
    assert "Erlang A" in out and "shrinkage" in out
    assert all(len(line) <= 100 for line in out.splitlines())


def test_published_values_through_the_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["workload", str(_write(tmp_path, PUBLISHED)), "--format", "json"], capsys)
    assert code == 0
    document = json.loads(out)
    fourteen, fifteen, ten = document["intervals"]
    assert set(fourteen) >= CONTRACT and "abandon_probability" not in fourteen
    assert fourteen["traffic_erlangs"] == 10
    assert round(fourteen["wait_probability"], 4) == 0.1741
    assert round(fourteen["service_level"], 4) == 0.8884
    assert round(fourteen["asa_seconds"], 2) == 7.84
    assert round(fourteen["occupancy"], 3) == 0.714
    assert fourteen["agents_required"] == 14
    assert round(fifteen["service_level"], 3) == 0.941
    # Ten agents for ten Erlangs: unstable, said plainly.
    assert ten["stable"] is False and ten["service_level"] == 0 and ten["asa_seconds"] is None
    assert ten["wait_probability"] == 1 and ten["meets_target"] is False


def test_unstable_interval_is_named_in_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["workload", str(_write(tmp_path, PUBLISHED))], capsys)
    assert code == 0
    assert "Unstable" in out and "10:00" in out.split("Unstable")[1]
    assert "never" in out  # no ASA for a queue that grows without end


def test_shrinkage_leaves_fewer_agents_on_the_phones() -> None:
    profile = load_profile_text(PUBLISHED.replace("shrinkage_pct: 0", "shrinkage_pct: 30"))
    first = analyse(profile)[0]
    assert (first.interval.agents, first.on_phones) == (14, 9)  # 14 x 0.7 = 9.8, rounded down
    assert first.required_on_phones == 14 and first.required_scheduled == 20  # 20 x 0.7 = 14


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            PUBLISHED.replace("interval_minutes: 30", "interval_minutes: 20"),
            ["profile.yaml:1:19: interval_minutes: expected one of 15, 30, 60; got the number 20"],
        ),
        (
            PUBLISHED.replace("within_seconds", "within_secs"),
            [
                "profile.yaml:2:28: target.within_secs: unknown field; expected one of answered_pct, "
                "within_seconds (did you mean 'within_seconds'?)"
            ],
        ),
        (
            PUBLISHED.replace("agents: 15}", "agentz: 15}"),
            [
                "profile.yaml:6:52: intervals[1].agentz: unknown field; expected one of start, calls, "
                "aht_seconds, agents (did you mean 'agents'?)"
            ],
        ),
        (
            PUBLISHED.replace(
                "calls: 100, aht_seconds: 180, agents: 10", "calls: -1, aht_seconds: 0, agents: 10"
            ),
            [
                "profile.yaml:7:29: intervals[2].calls: expected a number at least 0; got -1",
                "profile.yaml:7:46: intervals[2].aht_seconds: expected a number greater than 0; got 0",
            ],
        ),
        (
            PUBLISHED.replace('"09:30"', '"09:45"'),
            [
                "profile.yaml:6:13: intervals[1].start: 09:45 is not on the 30-minute grid; an interval "
                "starts at 09:30 or 10:00"
            ],
        ),
        (
            PUBLISHED.replace('"10:00"', '"09:30"'),
            [
                "profile.yaml:7:13: intervals[2].start: 09:30 repeats the interval before it (09:30); "
                "list intervals in order of start time, each once"
            ],
        ),
        (
            PUBLISHED.replace("answered_pct: 80", "answered_pct: 100"),
            ["profile.yaml:2:24: target.answered_pct: expected a number less than 100; got 100"],
        ),
        (
            PUBLISHED.replace("shrinkage_pct: 0\n", ""),
            ["profile.yaml:1:1: missing required field 'shrinkage_pct'"],
        ),
    ],
)
def test_broken_profiles_exit_2_with_located_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, expected: list[str]
) -> None:
    path = _write(tmp_path, text)
    code, out, err = _run(["workload", str(path)], capsys)
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    lines = [line.replace(str(path), "profile.yaml") for line in err.splitlines()]
    assert lines == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("# nothing here\n", "the file is empty; a workload profile needs"),
        ("intervals: [\n", "profile.yaml:"),
        ("- 1\n- 2\n", "expected a mapping"),
        ("interval_minutes: !!python/object:os.system 1\n", "profile.yaml:1:"),
    ],
)
def test_unreadable_profiles_exit_2_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    path = _write(tmp_path, text)
    code, out, err = _run(["workload", str(path), "--format", "json"], capsys)
    assert (code, out) == (2, "")
    assert message in err.replace(str(path), "profile.yaml")
    assert "Traceback" not in err and "internal error" not in err


def test_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(["workload", str(tmp_path / "nope.yaml")], capsys)
    assert code == 2 and "no such file" in err


def test_loader_reports_every_problem_at_once() -> None:
    text = PUBLISHED.replace("interval_minutes: 30", "interval_minutes: 20").replace(
        "agents: 15}", "agentz: 15}"
    )
    with pytest.raises(InputError) as caught:
        load_profile_text(text, "p.yaml")
    assert [p.path for p in caught.value.problems] == ["interval_minutes", "intervals[1].agentz"]
