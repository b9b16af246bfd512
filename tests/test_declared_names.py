"""Teams and roles: names the organisation declares, or names that look alike across the library.

With ``teams = [...]`` / ``roles = [...]`` in the settings, a policy naming another
one is an error at the list entry, with a did-you-mean. Without a declaration, two
names that differ only by a slip (``customer-servce`` and ``customer-service``) are a
warning naming both spellings and their files: ``validate`` shows it, and ``check``
reports it as a finding of its own (``NAME001``, a warning) in every format.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from policyweigh.cli import main
from policyweigh.errors import InputError
from policyweigh.project import NEAR_DUPLICATE_NAME, fold_name, is_slip, open_settings
from tests.helpers import ROOT

TEAM_A = """\
id: a
title: Policy a
scope:
  teams: [customer-service, billing]
  roles: [agent]
rules:
  - kind: training
    topics: [communication]
"""
TEAM_B = """\
id: b
title: Policy b
scope:
  teams: [customer-servce]
  roles: [agent, team-leader]
rules:
  - kind: leader-floor-time
    hours_per_month: 4
    roles: [team-leader, team-leeder]
"""


@pytest.fixture
def lib(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A library of two policies; the working directory is its parent, with no settings file."""
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "lib"
    folder.mkdir()
    (folder / "a.yaml").write_text(TEAM_A, encoding="utf-8")
    (folder / "b.yaml").write_text(TEAM_B, encoding="utf-8")
    return folder


def settings(text: str) -> Path:
    path = Path("policyweigh.toml")
    path.write_text(text, encoding="utf-8")
    return path


def open_problems() -> list[str]:
    with pytest.raises(InputError) as caught:
        open_settings().open(["lib"])
    return [str(p) for p in caught.value.problems]


# --------------------------------------------------------------------------- what a slip is


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("customer-servce", "customer-service"),  # a letter dropped
        ("billling", "billing"),  # a letter doubled
        ("custoemr-service", "customer-service"),  # two neighbours swapped
        ("team-leeder", "team-leader"),  # a letter replaced in a long word
        ("Customer_Service", "customer-service"),  # case and separators
        ("customer service", "customer-service"),
        ("team-leaders", "team-leader"),  # a plural
        ("customerservice", "customer-service"),  # a separator dropped
    ],
)
def test_names_that_differ_by_a_slip(a: str, b: str) -> None:
    assert is_slip(a, b) and is_slip(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("tier-1", "tier-2"),  # a letter replaced: another group
        ("sales-uk", "sales-us"),  # a letter replaced in a short word
        ("team-a", "team-b"),
        ("inbound", "outbound"),
        ("team-lead", "team-leader"),  # two letters more: the library may mean two roles
        ("tier-1", "tier-12"),  # a digit added
        ("ops", "opsx"),  # too short to tell a slip from another name
        ("billing", "billing"),
    ],
)
def test_names_that_are_not_slips(a: str, b: str) -> None:
    assert not is_slip(a, b)


def test_folding_evens_out_case_and_separators() -> None:
    assert fold_name("  Customer_Service  Team ") == "customer-service-team"


# --------------------------------------------------------------------------- declared names


def test_a_team_that_is_not_declared_is_located_with_a_did_you_mean(lib: Path) -> None:
    settings('teams = ["customer-service", "billing"]\n')
    assert open_problems() == [
        "lib/b.yaml:4:11: scope.teams[0]: no team 'customer-servce' is declared in the settings (teams: "
        "customer-service, billing) (did you mean 'customer-service'?)"
    ]


def test_roles_are_checked_in_the_scope_and_in_the_rules_that_name_them(lib: Path) -> None:
    settings('roles = ["agent", "team-leader"]\n')
    assert open_problems() == [
        "lib/b.yaml:9:26: rules[0].roles[1]: no role 'team-leeder' is declared in the settings (roles: "
        "agent, team-leader) (did you mean 'team-leader'?)"
    ]


def test_an_empty_declaration_allows_no_name(lib: Path) -> None:
    settings("roles = []\n")
    problems = open_problems()
    assert len(problems) == 5
    assert problems[0] == (
        "lib/a.yaml:5:11: scope.roles[0]: no role 'agent' is declared in the settings (roles: none)"
    )


def test_declared_names_load_and_leave_nothing_to_warn_about(lib: Path) -> None:
    settings(
        'teams = ["customer-service", "customer-servce", "billing"]\n'
        'roles = ["agent", "team-leader", "team-leeder"]\n'
    )
    project = open_settings().open(["lib"])
    assert len(project.library) == 2 and project.warnings == ()


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('teams = "inbound"\n', ":1:9: teams: expected an array; got 'inbound' (a string)"),
        (
            'roles = ["agent", 3]\n',
            ":1:19: roles[1]: expected text (a quoted string); got 3 (a whole number)",
        ),
    ],
)
def test_a_declaration_is_checked_like_every_setting(lib: Path, toml: str, message: str) -> None:
    path = settings(toml).resolve()
    assert open_problems() == [f"{path}{message}"]


# --------------------------------------------------------------------------- near-duplicates


def test_near_duplicates_are_a_warning_naming_both_spellings_and_their_files(lib: Path) -> None:
    project = open_settings().open(["lib"])
    assert [str(w.problem) for w in project.warnings] == [
        "lib/b.yaml:4:11: scope.teams[0]: team 'customer-servce' (lib/b.yaml) and 'customer-service' "
        "(lib/a.yaml) differ only by a slip: if they are one team, write one spelling; declare the "
        "teams in the settings (teams = [...]) to make a name that is not declared an error (did you "
        "mean 'customer-service'?)",
        "lib/b.yaml:9:26: rules[0].roles[1]: role 'team-leeder' (lib/b.yaml) and 'team-leader' "
        "(lib/b.yaml) differ only by a slip: if they are one role, write one spelling; declare the "
        "roles in the settings (roles = [...]) to make a name that is not declared an error (did you "
        "mean 'team-leader'?)",
    ]
    # The more common spelling is taken as meant: team-leader is used twice, team-leeder once.
    assert project.warnings[1].policies == ("b",)


def test_validate_shows_the_warnings_and_the_files_are_valid(
    lib: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", "lib"]) == 0
    out, err = capsys.readouterr()
    assert out == "2 policies valid, 2 warnings\n"
    assert err.splitlines()[0].startswith(
        "lib/b.yaml:4:11: warning: scope.teams[0]: team 'customer-servce' (lib/b.yaml) and 'customer-service'"
    )
    assert main(["validate", "lib", "--format", "json"]) == 0
    items = json.loads(capsys.readouterr().out)
    assert [(i["path"], i["severity"], i["suggestion"]) for i in items] == [
        ("scope.teams[0]", "warning", "customer-service"),
        ("rules[0].roles[1]", "warning", "team-leader"),
    ]


def test_check_reports_near_duplicates_as_a_warning_of_their_own(
    lib: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "lib", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    found = [f for f in data["findings"] if f["code"] == NEAR_DUPLICATE_NAME]
    assert [(f["severity"], f["kind"], f["file"], f["line"], f["fails"]) for f in found] == [
        ("warning", "input", "lib/b.yaml", 4, False),
        ("warning", "input", "lib/b.yaml", 9, False),
    ]
    assert found[0]["policies"] == ["b", "a"]
    assert [(loc["file"], loc["line"], loc.get("column")) for loc in found[0]["locations"]] == [
        ("lib/b.yaml", 4, 11),
        ("lib/a.yaml", 4, 11),
    ]
    # A warning fails the gate at --fail-on warning.
    assert main(["check", "lib", "--fail-on", "warning"]) == 1
    out = capsys.readouterr().out
    assert "lib/b.yaml:4:11 | NAME001 | scope.teams[0]: team 'customer-servce'" in out
    assert " [input/warning]" in out


def test_sarif_and_github_carry_the_warning(lib: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "lib", "--format", "sarif"]) == 0
    run = json.loads(capsys.readouterr().out)["runs"][0]
    results = [r for r in run["results"] if r["ruleId"] == NEAR_DUPLICATE_NAME]
    assert [r["level"] for r in results] == ["warning", "warning"]
    region = results[0]["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (4, 11)
    assert NEAR_DUPLICATE_NAME in {rule["id"] for rule in run["tool"]["driver"]["rules"]}
    assert main(["check", "lib", "--format", "github"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("::warning file=lib/b.yaml,line=4,col=11,title=NAME001::") for line in lines)


def test_the_bundled_library_has_no_near_duplicate_names(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    assert open_settings().open(["policies"]).warnings == ()
