"""Every command is documented: a docstring ending with an example, help on every option, listed in the README."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from policyweigh.cli import COMMANDS, cli, main
from tests.helpers import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", COMMANDS)
def test_command_is_documented(name: str) -> None:
    command = cli.commands[name]
    assert command.help, f"{name} has no docstring"
    last = command.help.strip().splitlines()[-1].strip()
    assert last.startswith("Example: policyweigh "), f"{name}'s docstring does not end with an example"
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help, f"{name} {param.opts} has no help"
    assert f"`policyweigh {name}" in README, f"{name} is not in the README's command table"


@pytest.mark.parametrize("name", COMMANDS)
def test_short_help_flag_works_everywhere(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([name, "-h"]) == 0
    assert "Usage: policyweigh " + name in capsys.readouterr().out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("policyweigh, version ")


def test_unknown_command_suggests(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evalute"]) == 2
    assert (
        "No such command 'evalute'. (Did you mean one of: 'evaluate', 'validate'?)" in capsys.readouterr().err
    )


def test_readme_commands_reference_matches_every_commands_help() -> None:
    from policyweigh.cli.docs import cli_reference_markdown, extract_block

    block = extract_block(README)
    assert block is not None, "README.md has no <!-- cli-reference:start/end --> markers"
    assert block == cli_reference_markdown(), (
        "README.md's commands reference is stale: run python scripts/update_cli_reference.py"
    )


def test_commands_reference_holds_each_commands_full_help() -> None:
    from policyweigh.cli.docs import cli_reference_markdown, command_help

    block = cli_reference_markdown()
    for name in COMMANDS:
        assert f"#### `policyweigh {name}`\n\n```text\n{command_help(name).rstrip()}\n```" in block
        # Every option of the command is in its copy, with the short help flag.
        for param in cli.commands[name].params:
            if isinstance(param, click.Option):
                assert param.opts[-1] in command_help(name), (name, param.opts)
        assert "-h, --help" in command_help(name)


def test_update_cli_reference_script_rewrites_only_its_block(tmp_path: Path) -> None:
    import subprocess
    import sys

    readme = tmp_path / "README.md"
    readme.write_text(
        "# x\n\nkept\n<!-- cli-reference:start -->\nold\n<!-- cli-reference:end -->\nkept too\n",
        encoding="utf-8",
    )
    script = ROOT / "scripts" / "update_cli_reference.py"
    done = subprocess.run(
        [sys.executable, str(script), str(readme)], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"{readme}: updated\n"
    text = readme.read_text(encoding="utf-8")
    assert text.startswith(
        "# x\n\nkept\n<!-- cli-reference:start -->\n<!-- generated from each command's --help"
    )
    assert text.endswith("```\n<!-- cli-reference:end -->\nkept too\n")
    again = subprocess.run(
        [sys.executable, str(script), str(readme)], capture_output=True, text=True, timeout=120, check=False
    )
    assert again.stdout == f"{readme}: already up to date\n"
    readme.write_text("no markers\n", encoding="utf-8")
    refused = subprocess.run(
        [sys.executable, str(script), str(readme)], capture_output=True, text=True, timeout=120, check=False
    )
    assert refused.returncode == 2
    assert "markers <!-- cli-reference:start --> and <!-- cli-reference:end --> are missing" in refused.stderr
