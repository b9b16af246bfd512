"""What a new user hit in a first session, each fixed and kept fixed.

A new user copies the examples from ``-h``, writes templates into folders
that do not exist yet, names policies half-remembered, and misspells settings.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from policyweigh.cli import COMMANDS, cli, main
from policyweigh.cli.docs import command_help
from tests.helpers import ROOT


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder holding a copy of the bundled policies and their settings (the metric the
    idle-time policy declares, the organisation file they name), and the bundled examples, as a
    new user's repository would."""
    shutil.copytree(ROOT / "policies", tmp_path / "policies")
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    shutil.copy(ROOT / "policyweigh.toml", tmp_path / "policyweigh.toml")
    shutil.copy(ROOT / "organisation.yaml", tmp_path / "organisation.yaml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_new_writes_into_a_folder_that_does_not_exist_yet(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = Path("hr/policies/breaks/lunch.yaml")
    status, out, err = _run(capsys, "new", "break-rule", "-o", str(target))
    assert (status, out, err) == (0, "", f"wrote {target}\n")
    assert target.read_text(encoding="utf-8").startswith("# ")
    assert _run(capsys, "validate", str(target))[0] == 0


def test_new_into_a_made_folder_still_never_overwrites_without_force(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = Path("fresh/lunch.yaml")
    assert _run(capsys, "new", "break-rule", "-o", str(target))[0] == 0
    target.write_text("mine\n", encoding="utf-8")
    status, _, err = _run(capsys, "new", "training", "-o", str(target))
    assert status == 2
    assert "already exists; pass --force to overwrite it" in err
    assert target.read_text(encoding="utf-8") == "mine\n"
    assert _run(capsys, "new", "training", "-o", str(target), "--force")[0] == 0
    assert "kind: training" in target.read_text(encoding="utf-8")


def test_schema_writes_into_a_folder_that_does_not_exist_yet(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = Path(".vscode/schemas/policy.json")
    status, _, err = _run(capsys, "schema", "-o", str(target))
    assert (status, err) == (0, f"wrote {target}\n")
    assert json.loads(target.read_text(encoding="utf-8"))["title"]
    status, _, err = _run(capsys, "schema", "-o", str(target))
    assert status == 2 and "already exists" in err


def test_output_under_a_file_is_refused_in_one_line(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    Path("plain").write_text("x\n", encoding="utf-8")
    status, out, err = _run(capsys, "schema", "-o", "plain/policy.json")
    assert status == 2 and out == ""
    assert err.startswith("Error: cannot write plain/policy.json: ") and err.count("\n") == 1


def _example(name: str) -> list[str]:
    help_text = cli.commands[name].help or ""
    found = re.search(r"^\s*Example: policyweigh (.+)$", help_text, re.M)
    assert found, f"{name} has no example"
    return found.group(1).split()


@pytest.mark.parametrize("name", [n for n in COMMANDS if n not in ("diff", "studio")])
def test_every_example_in_help_works_as_printed(
    name: str, workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # diff's example needs a git repository with a `main` branch; tests/test_diff.py runs diff --git.
    # studio's serves until stopped; tests/test_studio.py parses it, test_studio_browser.py serves.
    argv = _example(name)
    assert f"Example: policyweigh {' '.join(argv)}" in command_help(name)
    status, _, err = _run(capsys, *argv)
    # check's example is a gate over a library with conflicts: findings (1), not an error (2).
    assert status == (1 if name == "check" else 0), err


def test_explain_example_is_a_policy_of_the_bundled_library(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Regression: the example named calls/aht-cap-bonus, which no file is called.
    argv = _example("explain")
    assert argv[:1] == ["explain"]
    status, out, _ = _run(capsys, *argv)
    assert status == 0
    assert "pie-van-lunch-ban" in out


@pytest.mark.parametrize(
    ("name", "suggestion"),
    [
        ("pie-van", "breaks/pie-van-lunch-ban"),  # too short for a close match, but part of one policy
        ("breaks/pie-van", "breaks/pie-van-lunch-ban"),  # a file key, half remembered
        ("pie-van-lunch-bann", "pie-van-lunch-ban"),  # an id with a typo
        ("calls/aht-cap-5-minutes-bonus", "calls/aht-cap-5-minutes-bonus-gate"),
    ],
)
def test_explain_suggests_over_ids_and_file_keys(
    workspace: Path, capsys: pytest.CaptureFixture[str], name: str, suggestion: str
) -> None:
    status, out, err = _run(capsys, "explain", name, "policies")
    assert status == 2 and out == ""
    assert err == (
        f"error: no policy with id or file key {name!r} in the library (did you mean {suggestion!r}?)\n"
    )


def test_explain_finds_a_policy_by_id_or_by_file_key(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    by_id = _run(capsys, "explain", "pie-van-lunch-ban", "policies")
    by_key = _run(capsys, "explain", "breaks/pie-van-lunch-ban", "policies")
    assert by_id[0] == 0 and by_id == by_key


def test_diff_usage_names_old_and_new(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(capsys, "diff", "-h")
    assert status == 0
    assert out.splitlines()[0] == "Usage: policyweigh diff [OPTIONS] OLD NEW | --git REF [PATH]"


TWIN_TARGETS = """\
id: twin-targets
title: Two resolution targets, both tied to the bonus
scope: {teams: [customer-service], roles: [agent], customer_facing: true}
rules:
  - {kind: metric-target, metric: first_contact_resolution, target: 80, unit: pct, tied_to: bonus, visibility: private}
  - {kind: metric-target, metric: first_contact_resolution, target: 85, unit: pct, tied_to: bonus, visibility: private}
"""
"""One policy whose trade-off names both rules, and the same remedy (REM017) fits each of them."""


@pytest.fixture(params=["bundled", "twin-targets"])
def library(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """The bundled library, and one where two rules of one policy would get the same remedy."""
    if request.param == "bundled":
        return ROOT / "policies"
    (tmp_path / "twin-targets.yaml").write_text(TWIN_TARGETS, encoding="utf-8")
    return tmp_path


def test_no_remedy_is_listed_twice_for_one_conflict(
    library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Regression (twin-targets): REM017 was offered twice for one trade-off, once per rule it fits,
    # and the text printed two identical lines.
    status, out, _ = _run(capsys, "evaluate", str(library), "--format", "json")
    assert status == 0
    conflicts = json.loads(out)["conflicts"]
    assert sum(len(c["remedies"]) for c in conflicts) > 0
    if library != ROOT / "policies":
        (trade_off,) = conflicts
        assert trade_off["rules"] == ["twin-targets/rules[0]", "twin-targets/rules[1]"]
        assert [r["code"] for r in trade_off["remedies"]] == ["REM017"]
    for conflict in conflicts:
        keys = [
            (
                r["code"],
                r["patch"]["policy"],
                r["patch"]["rule_index"],
                json.dumps(r["patch"], sort_keys=True),
            )
            for r in conflict["remedies"]
        ]
        assert len(keys) == len(set(keys)), conflict["code"]
        # One remedy per policy: the same change on another rule of the same policy is the same advice.
        offered = [(r["code"], r["patch"]["policy"]) for r in conflict["remedies"]]
        assert len(offered) == len(set(offered)), (
            f"{conflict['code']} {conflict['rules']} lists a remedy twice"
        )


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        # Every settings problem names the file, line and column, and a typo gets a suggestion.
        (
            '[weights]\n"employee.wellbeng" = 2.0\n',
            '2:1: weights."employee.wellbeng": weight override for '
            "unknown criteria: employee.wellbeng (did you mean 'employee.wellbeing'?)",
        ),
        (
            'fail_on = "warnin"\n',
            "1:11: fail_on: expected one of error, warning, never; got 'warnin' (did you mean 'warning'?)",
        ),
        ("min_employe = 0\n", "1:1: min_employe: unknown setting (did you mean 'min_employee'?)"),
        (
            'rulebook = "nowhere"\n',
            "1:12: rulebook: no rulebook folder 'nowhere' (a relative path is read "
            "from the folder of policyweigh.toml)",
        ),
        ("fail_on = \n", "1:11: invalid TOML: Invalid value"),
    ],
)
def test_settings_errors_are_located_through_the_cli(
    workspace: Path, capsys: pytest.CaptureFixture[str], toml: str, expected: str
) -> None:
    Path("policyweigh.toml").write_text(toml, encoding="utf-8")
    status, out, err = _run(capsys, "check", "policies")
    assert status == 2 and out == ""
    # The settings file is found by searching upwards, so it is named by its full path.
    assert err == f"{Path.cwd().resolve() / 'policyweigh.toml'}:{expected}\n"
