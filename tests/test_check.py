"""`policyweigh check`: the CI gate's exit codes, settings, and text, json and github output."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
import pytest

from policyweigh.cli import main
from policyweigh.cli.check import command
from policyweigh.gate import Finding, Location
from policyweigh.render.github import annotation, escape_data, escape_property
from tests.helpers import CAP_YAML, FCR_YAML, ROOT

# rules[0] is on line 6 of both files.
CAP, FCR = CAP_YAML, FCR_YAML
CSAT = """\
id: csat
title: Customer satisfaction in the annual review
scope:
  teams: [support]
rules:
  - kind: metric-target
    metric: customer_satisfaction
    target: 85
    unit: pct
    tied_to: review
"""
STAGGERED = """\
id: staggered
title: Staggered lunch
rules:
  - kind: break-rule
    break: lunch
    min_minutes: 30
    scheduling: staggered
"""
BROKEN = """\
id: broken
title: A typo in a threshold
rules:
  - kind: call-time-cap
    max_minuts: 5
"""
INTERNAL_ERROR = (
    "internal error: RuntimeError: boom\n"
    "This is a bug in policyweigh; please report it with the command you ran.\n"
)


@pytest.fixture
def lib(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty library folder; the working directory is its parent, with no settings file."""
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "lib"
    folder.mkdir()
    return folder


def write(folder: Path, **files: str) -> None:
    for name, text in files.items():
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["check", *args])
    out, err = capsys.readouterr()
    return code, out, err


# --------------------------------------------------------------------------- exit codes


def test_exit_0_when_nothing_fails(lib: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(lib, staggered=STAGGERED)
    code, out, err = run_cli(capsys, "lib")
    assert (code, err) == (0, "")
    assert (
        out
        == "Checked 1 policy: 0 findings; none fails the gate (--fail-on error, --harm-bound 40): passed\n"
    )


def test_exit_1_for_a_conflict_at_the_fail_on_severity(lib: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(lib, cap=CAP, fcr=FCR)
    # The cap harms staff too; harm has tests of its own (tests/test_policy_findings.py).
    code, out, err = run_cli(capsys, "lib", "--harm-bound", "100")
    assert (code, err) == (1, "")
    lines = out.splitlines()
    contradiction = [line for line in lines if " | CON001 | " in line]
    assert len(contradiction) == 1
    assert contradiction[0].startswith(
        "lib/cap.yaml:6 | CON001 | cap makes agents keep calls under 5 minutes "
    )
    assert contradiction[0].endswith(" [contradiction/error]")
    assert re.fullmatch(
        r"Checked 2 policies: \d+ findings \(1 error.*\); 1 fails the gate \(--fail-on error, --harm-bound 100\): FAILED",
        lines[-1],
    ), lines[-1]


def test_fail_on_never_lists_findings_and_passes(lib: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(lib, cap=CAP, fcr=FCR)
    code, out, _ = run_cli(capsys, "lib", "--fail-on", "never")
    assert code == 0
    assert " | CON001 | " in out
    assert out.splitlines()[-1].endswith("; none fails the gate (--fail-on never, --harm-bound 40): passed")


def test_fail_on_warning_fails_on_a_warning(lib: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(lib, cap=CAP, csat=CSAT)
    code, out, _ = run_cli(capsys, "lib", "--harm-bound", "100")
    assert code == 0
    assert "lib/cap.yaml:6 | CON004 | " in out and out.count("[contradiction/warning]") == 1
    code, out, _ = run_cli(capsys, "lib", "--fail-on", "warning", "--harm-bound", "100")
    assert code == 1
    assert "(--fail-on warning, --harm-bound 100): FAILED" in out


def test_exit_1_for_a_score_below_the_minimum(lib: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(lib, cap=CAP)
    code, out, _ = run_cli(capsys, "lib", "--fail-on", "never", "--min-employee", "0")
    assert code == 1
    finding = [line for line in out.splitlines() if " | GATE001 | " in line]
    assert len(finding) == 1
    assert re.fullmatch(
        r"lib/cap\.yaml:1 \| GATE001 \| cap: employee impact -\d+ is below the minimum of \+0 "
        r"\(verdict [a-z-]+\) \[score/error\]",
        finding[0],
    ), finding[0]
    assert out.splitlines()[-1].endswith("(--fail-on never, --min-employee 0, --harm-bound 40): FAILED")
    code, _, _ = run_cli(
        capsys, "lib", "--min-employee", "-100", "--min-customer", "-100", "--harm-bound", "100"
    )
    assert code == 0


def test_exit_2_for_bad_input(lib: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(lib, broken=BROKEN, cap=CAP)
    code, out, err = run_cli(capsys, "lib")
    assert (code, out) == (2, "")
    assert err.startswith("lib/broken.yaml:5:5: rules[0].max_minuts: ")
    assert "Traceback" not in err


def test_bad_input_in_machine_formats_is_a_finding_at_its_line(
    lib: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(lib, broken=BROKEN, cap=CAP)
    code, out, err = run_cli(capsys, "lib", "--format", "json")
    assert (code, err) == (2, "")
    data = json.loads(out)
    assert data["passed"] is False
    [finding] = data["findings"]
    assert finding["code"] == "INPUT001" and finding["kind"] == "input" and finding["fails"] is True
    assert (finding["file"], finding["line"], finding["locations"][0]["column"]) == ("lib/broken.yaml", 5, 5)
    assert finding["message"].startswith("rules[0].max_minuts: ")
    code, out, err = run_cli(capsys, "lib", "--format", "github")
    assert (code, err) == (2, "")
    assert out.startswith("::error file=lib/broken.yaml,line=5,col=5,title=INPUT001::rules[0].max_minuts: ")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--fail-on", "sometimes"],
            "Error: Invalid value for '--fail-on': 'sometimes' is not one of 'error', 'warning', 'never'.",
        ),
        (
            ["--min-employee", "500"],
            "Error: Invalid value for '--min-employee': 500 is not in the range -100<=x<=100.",
        ),
        (
            ["--min-customer", "high"],
            "Error: Invalid value for '--min-customer': 'high' is not a valid integer range.",
        ),
        (
            ["--format", "xml"],
            "Error: Invalid value for '--format': 'xml' is not one of 'text', 'json', 'sarif', 'github'.",
        ),
    ],
    ids=["fail-on", "min-employee-range", "min-customer-type", "format"],
)
def test_exit_2_for_a_bad_option(
    lib: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    write(lib, cap=CAP)
    code, out, err = run_cli(capsys, "lib", *args)
    assert (code, out) == (2, "")
    assert err.splitlines()[-1] == message


def test_exit_2_for_a_missing_path(lib: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(capsys, "nowhere")
    assert code == 2
    assert "Invalid value for 'PATH...': Path 'nowhere' does not exist." in err


def test_exit_3_for_an_internal_error_without_traceback(
    lib: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write(lib, cap=CAP)

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("policyweigh.orchestration.run_gate", boom)
    code, out, err = run_cli(capsys, "lib")
    assert (code, out) == (3, "")
    assert err == INTERNAL_ERROR
    assert err.splitlines()[0] == "internal error: RuntimeError: boom"
    assert "Traceback" not in err


# --------------------------------------------------------------------------- settings


def test_settings_file_sets_the_gate_and_options_override_it(
    lib: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(lib, cap=CAP, fcr=FCR)
    Path("policyweigh.toml").write_text('fail_on = "never"\nmin_customer = -100\n', encoding="utf-8")
    code, out, _ = run_cli(capsys, "lib")
    assert code == 0
    assert out.splitlines()[-1].endswith("(--fail-on never, --min-customer -100, --harm-bound 40): passed")
    code, _, _ = run_cli(capsys, "lib", "--fail-on", "error")
    assert code == 1


def test_config_option_names_the_settings_file(lib: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(lib, cap=CAP)
    Path("strict.toml").write_text("min_employee = 0\n", encoding="utf-8")
    code, out, _ = run_cli(capsys, "lib", "--config", "strict.toml")
    assert code == 1
    assert " | GATE001 | " in out


def test_bad_settings_file_is_bad_input(lib: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(lib, cap=CAP)
    Path("policyweigh.toml").write_text('fail_on = "sometimes"\n', encoding="utf-8")
    code, _, err = run_cli(capsys, "lib")
    assert code == 2
    expected = "fail_on: expected one of error, warning, never; got 'sometimes'"
    assert err == f"{Path('policyweigh.toml').resolve()}:1:11: {expected}\n"


# --------------------------------------------------------------------------- formats


def test_json_output(lib: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(lib, cap=CAP, fcr=FCR)
    code, out, _ = run_cli(capsys, "lib", "--format", "json", "--min-employee", "-100", "--harm-bound", "100")
    assert code == 1
    data = json.loads(out)
    assert set(data) == {"findings", "summary", "passed"}
    assert data["passed"] is False
    summary = data["summary"]
    assert summary["policies"] == 2 and summary["findings"] == len(data["findings"])
    assert summary["failing"] == sum(f["fails"] for f in data["findings"]) == 1
    assert (
        summary["fail_on"] == "error" and summary["min_employee"] == -100 and summary["min_customer"] is None
    )
    assert sum(summary["by_severity"].values()) == summary["findings"]
    (con,) = [f for f in data["findings"] if f["code"] == "CON001"]
    assert con["kind"] == "contradiction" and con["severity"] == "error" and con["fails"] is True
    assert (con["file"], con["line"]) == ("lib/cap.yaml", 6)
    assert con["policies"] == ["cap", "fcr"]
    assert con["rules"] == ["cap/rules[0]", "fcr/rules[0]"]
    assert con["locations"] == [
        {"file": "lib/cap.yaml", "line": 6, "policy": "cap", "rule": "cap/rules[0]"},
        {"file": "lib/fcr.yaml", "line": 6, "policy": "fcr", "rule": "fcr/rules[0]"},
    ]


def test_github_output(lib: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(lib, cap=CAP, fcr=FCR)
    code, out, _ = run_cli(capsys, "lib", "--format", "github")
    assert code == 1
    lines = out.splitlines()
    con = [line for line in lines if "title=CON001" in line]
    assert len(con) == 1
    assert con[0].startswith(
        "::error file=lib/cap.yaml,line=6,title=CON001::cap makes agents keep calls under 5 "
    )
    assert con[0].endswith(" [contradiction/error]")
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines[:-1])
    assert lines[-1].startswith("Checked 2 policies: ")


def test_github_escaping() -> None:
    assert escape_data("50% done\r\nnext: a, b") == "50%25 done%0D%0Anext: a, b"
    assert escape_property("dir,with:odd%name\n.yaml") == "dir%2Cwith%3Aodd%25name%0A.yaml"
    finding = Finding(
        code="CON001",
        kind="contradiction",
        severity="info",
        message="first line\nsecond: 100%",
        policies=("p",),
        rules=("p/rules[0]",),
        locations=(Location("a,b:c.yaml", 7, "p", "p/rules[0]"),),
        fails=False,
    )
    assert annotation(finding) == (
        "::notice file=a%2Cb%3Ac.yaml,line=7,title=CON001::first line%0Asecond: 100%25 [contradiction/info]"
    )
    no_file = Finding(
        code="GATE001",
        kind="score",
        severity="error",
        message="m",
        policies=("p",),
        rules=(),
        locations=(Location(None, 1, "p"),),
        fails=True,
    )
    assert annotation(no_file) == "::error title=GATE001::m [score/error]"


# --------------------------------------------------------------------------- the command itself


def test_every_option_has_help_and_the_docstring_ends_with_an_example(
    capsys: pytest.CaptureFixture[str],
) -> None:
    options = [p for p in command.params if isinstance(p, click.Option)]
    assert {o.name for o in options} >= {
        "fail_on",
        "min_employee",
        "min_customer",
        "fmt",
        "rulebook",
        "config",
    }
    assert all(o.help for o in options), [o.name for o in options if not o.help]
    assert (command.help or "").rstrip().splitlines()[-1].strip().startswith("Example: policyweigh check ")
    assert main(["check", "--help"]) == 0
    assert "Example: policyweigh check policies/" in capsys.readouterr().out


def test_bundled_library_fails_on_its_known_contradiction(capsys: pytest.CaptureFixture[str]) -> None:
    # The library holds the handle-time cap and the resolution bonus of the same team on purpose.
    code, out, _ = run_cli(capsys, str(ROOT / "policies"), "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert data["passed"] is False
    con = [f for f in data["findings"] if f["code"] == "CON001"]
    assert con and all(f["fails"] for f in con)
    assert any(f["file"].endswith("aht-cap-5-minutes-bonus-gate.yaml") for f in con)
    assert all(f["line"] > 1 for f in data["findings"] if f["rules"])


def test_pre_commit_hook_runs_check_on_the_library() -> None:
    import yaml

    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "policyweigh-check"
    assert (hook["entry"], hook["language"], hook["pass_filenames"], hook["args"]) == (
        "policyweigh check",
        "python",
        False,
        ["policies/"],
    )
    files = re.compile(hook["files"])
    assert files.search("policies/breaks/pie-van-lunch-ban.yaml") and files.search("policies/a.yml")
    assert not files.search("engine/rulebook/data/conflicts.yaml")
