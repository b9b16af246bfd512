"""Every command is documented: a docstring ending with an example, help on every option, listed in the README."""

from __future__ import annotations

import click
import pytest

from engine.cli import COMMANDS, cli, main
from tests.helpers import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", COMMANDS)
def test_command_is_documented(name: str) -> None:
    command = cli.commands[name]
    assert command.help, f"{name} has no docstring"
    last = command.help.strip().splitlines()[-1].strip()
    assert last.startswith("Example: policyeval "), f"{name}'s docstring does not end with an example"
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help, f"{name} {param.opts} has no help"
    assert f"`policyeval {name}" in README, f"{name} is not in the README's command table"


@pytest.mark.parametrize("name", COMMANDS)
def test_short_help_flag_works_everywhere(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([name, "-h"]) == 0
    assert "Usage: policyeval " + name in capsys.readouterr().out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("policyeval, version ")


def test_unknown_command_suggests(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evalute"]) == 2
    assert "No such command 'evalute'. (Did you mean one of: 'evaluate', 'validate'?)" in capsys.readouterr().err
