"""Settings: strict validation with located messages, the TOML key locator, and finding the file."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import tomllib

from policyweigh.cli import main
from policyweigh.config import (
    MAX_SETTINGS_BYTES,
    KeyPosition,
    Settings,
    find_settings_file,
    key_name,
    load_settings,
    resolve_rulebook,
    toml_positions,
)
from policyweigh.errors import InputError
from policyweigh.rulebook import DATA_DIR
from tests.helpers import ROOT


def problems(path: Path) -> list[str]:
    """The messages ``load_settings`` gives for a file, as printed."""
    with pytest.raises(InputError) as caught:
        load_settings(path)
    return [str(p) for p in caught.value.problems]


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def readme_settings_snippet() -> str:
    """The ``[tool.policyweigh]`` example of the README's Settings section, as users copy it."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Settings") :]
    match = re.search(r"```toml\n(.*?)```", section, re.DOTALL)
    assert match is not None, "the README's Settings section has no toml example"
    return match.group(1)


# --------------------------------------------------------------------------- the probe's findings


def test_a_number_as_the_tool_policyweigh_table_is_located(tmp_path: Path) -> None:
    path = write(tmp_path, "pyproject.toml", "[tool]\npolicyweigh = 1\n")
    assert problems(path) == [
        f"{path}:2:15: tool.policyweigh: expected a table of settings; got 1 (a whole number)"
    ]


def test_a_number_as_the_tool_table_is_located(tmp_path: Path) -> None:
    path = write(tmp_path, "pyproject.toml", 'name = "x"\ntool = 1\n')
    assert problems(path) == [f"{path}:2:8: tool: expected a table; got 1 (a whole number)"]


def test_a_boolean_is_not_a_number(tmp_path: Path) -> None:
    path = write(tmp_path, "policyweigh.toml", "min_employee = true\n")
    assert problems(path) == [
        f"{path}:1:16: min_employee: expected a whole number from -100 to 100; got true (a boolean)"
    ]


def test_a_quoted_number_is_not_a_weight(tmp_path: Path) -> None:
    path = write(tmp_path, "policyweigh.toml", '[weights]\n"employee.wellbeing" = "2"\n')
    assert problems(path) == [
        f'{path}:2:24: weights."employee.wellbeing": expected a number above 0 and at most 10; '
        "got '2' (a string); write 2 without quotes"
    ]


def test_a_fraction_is_not_a_whole_number(tmp_path: Path) -> None:
    path = write(tmp_path, "policyweigh.toml", "edge_margin_minutes = 30.0\n")
    assert problems(path) == [
        f"{path}:1:23: edge_margin_minutes: expected a whole number of minutes from 0 to 240; "
        "got 30.0 (a number); write 30"
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("harm_bound = 0\n", "1:14: harm_bound: must be at least 1; got 0 (a whole number)"),
        ("harm_bound = 101\n", "1:14: harm_bound: must be at most 100; got 101 (a whole number)"),
        (
            'harm_bound = "40"\n',
            "1:14: harm_bound: expected a whole number from 1 to 100; got '40' (a string); "
            "write 40 without quotes",
        ),
        (
            "harm_bound = 40.0\n",
            "1:14: harm_bound: expected a whole number from 1 to 100; got 40.0 (a number); write 40",
        ),
        (
            "harm_bound = true\n",
            "1:14: harm_bound: expected a whole number from 1 to 100; got true (a boolean)",
        ),
        ("harm_bond = 40\n", "1:1: harm_bond: unknown setting (did you mean 'harm_bound'?)"),
    ],
    ids=["zero", "above-100", "quoted", "fraction", "boolean", "typo"],
)
def test_the_harm_bound_is_validated_like_the_other_settings(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, "policyweigh.toml", text)
    assert problems(path) == [f"{path}:{message}"]


def test_the_harm_bound_defaults_to_40_and_is_read_from_pyproject(tmp_path: Path) -> None:
    assert Settings().harm_bound == 40
    path = write(tmp_path, "pyproject.toml", "[tool.policyweigh]\nharm_bound = 60\n")
    assert load_settings(path).harm_bound == 60


def test_every_problem_is_reported_in_file_order(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "policyweigh.toml",
        'min_customer = 200\nfail_on = "warnin"\nfial_on = 1\nsource = "x"\n[weight]\nx = 1\n',
    )
    assert problems(path) == [
        f"{path}:1:16: min_customer: must be at most 100; got 200 (a whole number)",
        f"{path}:2:11: fail_on: expected one of error, warning, never; got 'warnin' (did you mean 'warning'?)",
        f"{path}:3:1: fial_on: unknown setting (did you mean 'fail_on'?)",
        # `source` is where the engine records the file, not a setting a file may set.
        f"{path}:4:1: source: unknown setting",
        f"{path}:5:1: weight: unknown setting (did you mean 'weights'?)",
    ]


def test_weights_must_be_finite_and_in_range(tmp_path: Path) -> None:
    path = write(
        tmp_path, "policyweigh.toml", 'weights = {"employee.wellbeing" = nan, "customer.speed" = 11, x = 0}\n'
    )
    assert problems(path) == [
        f'{path}:1:35: weights."employee.wellbeing": must be a finite number; got nan (a number)',
        f'{path}:1:59: weights."customer.speed": must be at most 10; got 11 (a whole number)',
        f"{path}:1:67: weights.x: must be above 0; got 0 (a whole number)",
    ]


def test_a_table_where_a_value_belongs(tmp_path: Path) -> None:
    path = write(tmp_path, "policyweigh.toml", "[weights.employee]\nwellbeing = 2\n")
    assert problems(path) == [
        f"{path}:1:1: weights.employee: expected a number above 0 and at most 10; got a table"
    ]


def test_an_empty_rulebook_path_and_a_missing_rulebook_folder(tmp_path: Path) -> None:
    path = write(tmp_path, "policyweigh.toml", 'rulebook = ""\n')
    assert problems(path) == [f"{path}:1:12: rulebook: must not be empty"]
    write(tmp_path, "policyweigh.toml", 'fail_on = "never"\nrulebook = "hr/rulebook"\n')
    settings = load_settings(path)
    with pytest.raises(InputError) as caught:
        resolve_rulebook(settings)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:2:12: rulebook: no rulebook folder 'hr/rulebook' "
        "(a relative path is read from the folder of policyweigh.toml)"
    ]
    # --rulebook given on the command line wins, so the setting's folder is not needed.
    assert resolve_rulebook(settings, DATA_DIR).criteria


def test_unknown_criteria_are_located_with_a_suggestion(tmp_path: Path) -> None:
    path = write(tmp_path, "pyproject.toml", '[tool.policyweigh.weights]\n"employee.wellbeng" = 2\nfoo = 1\n')
    settings = load_settings(path)
    with pytest.raises(InputError) as caught:
        resolve_rulebook(settings)
    assert [str(p) for p in caught.value.problems] == [
        f'{path}:2:1: tool.policyweigh.weights."employee.wellbeng": weight override for unknown criteria: '
        "employee.wellbeng (did you mean 'employee.wellbeing'?)",
        f"{path}:3:1: tool.policyweigh.weights.foo: weight override for unknown criteria: foo",
    ]


def test_known_weights_apply(tmp_path: Path) -> None:
    path = write(tmp_path, "policyweigh.toml", 'weights = {"employee.wellbeing" = 2}\n')
    book = resolve_rulebook(load_settings(path))
    assert book.criteria_by_id["employee.wellbeing"].weight == 2.0


def test_settings_made_in_code_are_checked_by_the_rulebook() -> None:
    # No file to point at: the rulebook's own error still refuses the unknown criterion.
    with pytest.raises(Exception, match="unknown criteria: nope"):
        resolve_rulebook(Settings(weights={"nope": 1.0}))


# --------------------------------------------------------------------------- the README's snippet


def test_the_readme_snippet_works_in_pyproject_toml(tmp_path: Path) -> None:
    shutil.copytree(DATA_DIR, tmp_path / "hr" / "rulebook")
    path = write(tmp_path, "pyproject.toml", "[project]\nname = 'x'\n\n" + readme_settings_snippet())
    settings = load_settings(path)
    assert (settings.fail_on, settings.min_employee, settings.edge_margin_minutes) == ("warning", 0, 30)
    assert settings.rulebook == str(tmp_path / "hr" / "rulebook")
    assert resolve_rulebook(settings).criteria_by_id["employee.wellbeing"].weight == 2.0


def test_the_readme_snippet_pasted_into_policyweigh_toml_says_to_drop_the_header(tmp_path: Path) -> None:
    path = write(tmp_path, "policyweigh.toml", "# settings\n" + readme_settings_snippet())
    assert problems(path) == [
        f"{path}:2:1: tool.policyweigh: in policyweigh.toml the settings sit at the top level: drop the "
        "[tool.policyweigh] header (and write [weights] for [tool.policyweigh.weights]); "
        "[tool.policyweigh] is for pyproject.toml"
    ]


def test_a_misspelt_tool_table_in_pyproject_is_found_and_named(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "pyproject.toml",
        '[tool.black]\nline-length = 100\n\n[tool.policy-weigh]\nfail_on = "never"\n',
    )
    assert find_settings_file(tmp_path) == path
    assert problems(path) == [
        f"{path}:4:1: tool.policy-weigh: unknown table; policyweigh reads [tool.policyweigh] "
        "(did you mean 'tool.policyweigh'?)"
    ]


def test_another_tools_table_is_not_taken_for_ours(tmp_path: Path) -> None:
    other = write(tmp_path, "pyproject.toml", '[tool.policy]\nlevel = "x"\n')
    assert find_settings_file(tmp_path) != other


def test_a_named_pyproject_without_our_table_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "pyproject.toml", '[project]\nname = "x"\n')
    assert problems(path) == [
        f"{path}:1:1: no [tool.policyweigh] table in this pyproject.toml: add one, "
        "or name a policyweigh.toml with --config"
    ]


# --------------------------------------------------------------------------- reading the file


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("a = 1\nb = \n", "2:5", "invalid TOML: Invalid value"),
        ("a = [1,\n2", "2:2", "invalid TOML: Unclosed array"),
        ('fail_on = "never"\nfail_on = "error"\n', "2:18", "invalid TOML: Cannot overwrite a value"),
        ("[weights]\n[weights]\n", "2:9", "invalid TOML: Cannot declare ('weights',) twice"),
        ("x = " + "[" * 5000, "1:1", "invalid TOML: nested too deeply"),
    ],
)
def test_malformed_toml_gives_its_line_and_column(
    tmp_path: Path, text: str, where: str, message: str
) -> None:
    path = write(tmp_path, "policyweigh.toml", text)
    found = problems(path)
    assert len(found) == 1
    assert found[0].startswith(f"{path}:{where}: {message}")


def test_bytes_that_are_not_utf8_are_located(tmp_path: Path) -> None:
    path = tmp_path / "policyweigh.toml"
    path.write_bytes(b'fail_on = "never"\ntitle = "caf\xe9"\n')
    assert problems(path) == [f"{path}:2:13: not UTF-8 text: byte 0xe9 cannot be decoded"]


def test_a_huge_settings_file_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "policyweigh.toml", "# " + "x" * MAX_SETTINGS_BYTES + "\n")
    assert problems(path) == [f"{path}:1:1: settings file larger than 1024 KiB; is this the right file?"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_as_the_settings_file_is_refused_without_waiting(tmp_path: Path) -> None:
    fifo = tmp_path / "settings.toml"
    os.mkfifo(fifo)
    # In a subprocess: a regression would block on the FIFO, and the timeout ends it.
    done = subprocess.run(
        [sys.executable, "-m", "policyweigh.cli", "rules", "--config", str(fifo)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        f"{fifo}:1:1: cannot read settings: not a regular file (a settings file is a TOML text file)\n"
    )


def test_a_directory_named_with_config_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "rules", "--config", str(tmp_path))
    assert code == 2
    assert "is a directory" in err
    assert "Traceback" not in err


# --------------------------------------------------------------------------- through the CLI


def test_the_cli_prints_located_settings_problems_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, "pyproject.toml", "[tool]\npolicyweigh = 1\n")
    monkeypatch.chdir(tmp_path)
    for command in (["rules"], ["evaluate", str(ROOT / "policies")], ["check", str(ROOT / "policies")]):
        code, out, err = run(capsys, *command)
        assert (code, out) == (2, ""), command
        assert (
            err
            == f"{tmp_path / 'pyproject.toml'}:2:15: tool.policyweigh: expected a table of settings; got 1 (a whole number)\n"
        )


def test_discovery_reports_a_broken_pyproject_that_holds_our_settings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, "pyproject.toml", '[tool.policyweigh]\nfail_on = "never\n')
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "rules")
    assert code == 2
    assert err == f"{tmp_path / 'pyproject.toml'}:2:17: invalid TOML: Illegal character '\\n'\n"


def test_discovery_skips_a_broken_pyproject_that_is_not_ours(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub", "pyproject.toml", "[project\nname = 1\n")
    own = write(tmp_path, "policyweigh.toml", 'fail_on = "never"\n')
    assert find_settings_file(tmp_path / "sub") == own


# --------------------------------------------------------------------------- the locator


TRICKY = '''\
# comment with key = 1
title = "a # not a comment"   # a comment
"quoted key" = 'literal \\ no escape'
dotted . key = 1
multi = """
fake = "not a key"
[not.a.table]
"""
multi2 = \'\'\'
also = 'not a key'
\'\'\'
quotes = """ends with two quotes"""""
arr = [
  1, # comment
  {inner = 2, "x.y" = {deep = true}},
  "]",
]
date = 1979-05-27 07:32:00Z
crlf = 1\r
escaped = "\\u00e9\\"\\\\"

[table . "with.dot"]
key = { a = 1, b = [1, 2] }

[[fruits]]
name = "apple"

[[fruits]]
name = "banana"

[tool.policyweigh]
fail_on = "never"
'''


def test_the_locator_finds_every_key_tomllib_reads() -> None:
    data = tomllib.loads(TRICKY)
    found = toml_positions(TRICKY)

    def walk(value: Any, path: tuple[Any, ...]) -> None:
        if path:
            assert path in found, f"{key_name(path)} not located"
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(inner, (*path, key))
        elif isinstance(value, list):
            for index, inner in enumerate(value):
                walk(inner, (*path, index))

    walk(data, ())
    # Text that only looks like keys, inside strings and comments, is not taken for keys.
    assert not {("fake",), ("not",), ("also",), ("key",)} & set(found)


@pytest.mark.parametrize(
    ("path", "position"),
    [
        (("title",), KeyPosition(2, 1, 2, 9)),
        (("quoted key",), KeyPosition(3, 1, 3, 16)),
        (("dotted",), KeyPosition(4, 1, 4, 1)),
        (("dotted", "key"), KeyPosition(4, 1, 4, 16)),
        (("quotes",), KeyPosition(12, 1, 12, 10)),
        (("arr", 1, "x.y", "deep"), KeyPosition(15, 24, 15, 31)),
        (("arr", 2), KeyPosition(16, 3, 16, 3)),
        (("date",), KeyPosition(18, 1, 18, 8)),
        (("crlf",), KeyPosition(19, 1, 19, 8)),
        (("escaped",), KeyPosition(20, 1, 20, 11)),
        (("table", "with.dot", "key", "b"), KeyPosition(23, 16, 23, 20)),
        (("fruits", 1, "name"), KeyPosition(29, 1, 29, 8)),
        (("tool", "policyweigh"), KeyPosition(31, 1, 31, 1)),
        (("tool", "policyweigh", "fail_on"), KeyPosition(32, 1, 32, 11)),
    ],
)
def test_the_locator_gives_lines_and_columns(path: tuple[Any, ...], position: KeyPosition) -> None:
    assert toml_positions(TRICKY)[path] == position


def test_the_locator_keeps_what_it_found_on_text_that_is_not_toml() -> None:
    assert toml_positions('a = 1\nb = "unterminated\n') == {
        ("a",): KeyPosition(1, 1, 1, 5),
        ("b",): KeyPosition(2, 1, 2, 5),
    }


def test_key_names_are_spelt_as_toml_spells_them() -> None:
    assert key_name(("tool", "policyweigh", "weights", "employee.wellbeing")) == (
        'tool.policyweigh.weights."employee.wellbeing"'
    )
    assert key_name(("fruits", 1, "name")) == "fruits[1].name"
    assert key_name(('say "hi"',)) == '"say \\"hi\\""'


# --------------------------------------------------------------------------- metrics, teams and roles


def test_the_names_settings_are_known_settings(tmp_path: Path) -> None:
    path = write(tmp_path, "policyweigh.toml", 'team = ["inbound"]\nrole = ["agent"]\n')
    assert problems(path) == [
        f"{path}:1:1: team: unknown setting (did you mean 'teams'?)",
        f"{path}:2:1: role: unknown setting (did you mean 'roles'?)",
    ]


def test_names_are_not_declared_until_a_settings_file_says_so(tmp_path: Path) -> None:
    assert (Settings().teams, Settings().roles, Settings().metric_catalog) == (None, None, {})
    path = write(
        tmp_path,
        "policyweigh.toml",
        'teams = []\nroles = ["agent"]\n[metrics.idle_minutes]\nunit = "minutes"\nbetter = "lower"\n'
        'controlled_by = "system"\n',
    )
    settings = load_settings(path)
    assert (settings.teams, settings.roles, list(settings.metric_catalog)) == (
        [],
        ["agent"],
        ["idle_minutes"],
    )


def test_the_librarys_own_settings_declare_its_idle_time_metric() -> None:
    settings = load_settings(ROOT / "policyweigh.toml")
    assert settings.metric_catalog["idle_minutes"].controlled_by == "system"
    assert (settings.teams, settings.roles) == (None, None)  # the library's names are checked for slips
