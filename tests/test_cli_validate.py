"""``policyweigh validate``: exit codes, the summary, every problem on stderr, and JSON output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from policyweigh.cli import main
from policyweigh.loading import load_library
from tests.helpers import DATA, ROOT

GOOD = "id: {id}\ntitle: Policy {id}\nrules:\n  - kind: knowledge-base\n"


@pytest.fixture
def lib(tmp_path: Path) -> Path:
    (tmp_path / "teams").mkdir()
    (tmp_path / "a.yaml").write_text(GOOD.format(id="a"), encoding="utf-8")
    (tmp_path / "teams" / "b.yml").write_text(GOOD.format(id="b"), encoding="utf-8")
    return tmp_path


def test_valid_library_exits_0_with_a_summary(lib: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(lib)]) == 0
    out, err = capsys.readouterr()
    assert out == "2 policies valid\n"
    assert err == ""


def test_one_policy_is_singular(lib: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(lib / "a.yaml")]) == 0
    assert capsys.readouterr().out == "1 policy valid\n"


def test_bundled_policies_are_valid(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(ROOT / "policies")]) == 0
    assert capsys.readouterr().out == f"{len(load_library([ROOT / 'policies']))} policies valid\n"


def test_invalid_files_exit_2_with_every_problem_on_stderr(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    code = main(["validate", "tests/data/bad/unknown-kind.yaml", "tests/data/bad/range.yaml"])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    lines = err.splitlines()
    assert lines[0] == (
        "tests/data/bad/range.yaml:5:18: rules[0].max_minutes: expected a number greater than 0; got -3"
    )
    assert lines[2] == (
        "tests/data/bad/unknown-kind.yaml:4:11: rules[0].kind: unknown rule kind 'brake-rule' "
        "(did you mean 'break-rule'?)"
    )
    assert len(lines) == 5
    assert lines[-1] == "4 problems in 2 files"


def test_valid_files_still_fail_when_one_is_invalid(lib: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (lib / "c.yaml").write_text("id: c\ntitle: C\nrules: [{kind: knowledge-base, maintaned: true}]\n")
    assert main(["validate", str(lib)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        f"{lib / 'c.yaml'}:3:32: rules[0].maintaned: unknown field; expected one of available, maintained, "
        "audience, note (did you mean 'maintained'?)",
        "1 problem in 1 file",
    ]


def test_duplicate_ids_across_files(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["validate", "tests/data/bad/library-duplicate-id"]) == 2
    err = capsys.readouterr().err
    assert "team-b/copy.yml:2:5: id: policy id 'shared-id' is already used in " in err
    assert "library-duplicate-id/team-a.yaml:1" in err


def test_json_lists_problem_objects_on_stdout(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["validate", "--format", "json", "tests/data/bad/unknown-key.yaml"]) == 2
    out, err = capsys.readouterr()
    assert err == ""
    assert json.loads(out) == [
        {
            "file": "tests/data/bad/unknown-key.yaml",
            "line": 6,
            "column": 5,
            "path": "rules[0].enfrcement",
            "message": "unknown field; expected one of metric, max_minutes, enforcement, typical_minutes, note",
            "suggestion": "enforcement",
        }
    ]


def test_json_of_a_valid_library_is_an_empty_list(lib: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--format", "json", str(lib)]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_missing_path_is_a_located_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(tmp_path / "nope")]) == 2
    assert capsys.readouterr().err.splitlines()[0] == f"{tmp_path / 'nope'}:1:1: no such file or directory"


def test_no_path_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate"]) == 2
    assert "Missing argument 'PATH...'" in capsys.readouterr().err


def test_hostile_files_never_give_a_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(DATA / "bad")]) == 2
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "internal error" not in err
    assert err.splitlines()[-1].endswith(" files")
