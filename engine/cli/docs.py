"""The commands reference of the README, generated from each command's ``--help``.

The README carries the full help of every command between
``<!-- cli-reference:start -->`` and ``<!-- cli-reference:end -->``;
``scripts/update_cli_reference.py`` rewrites that block and
``tests/test_cli_docs.py`` fails while it is stale, so the README never
documents an option that is gone or misses one that was added. Help is laid out
at a fixed width, so the block is the same on every terminal.
"""

from __future__ import annotations

import click

from policyweigh.cli import COMMANDS, cli
from policyweigh.formatting import extract_marked, replace_marked

START_MARKER = "<!-- cli-reference:start -->"
END_MARKER = "<!-- cli-reference:end -->"
WIDTH = 100
"""Columns the help is laid out in (the width ``--help`` uses on a wide terminal)."""


def command_help(name: str | None) -> str:
    """The ``--help`` text of one command (``None``: of ``policyweigh`` itself), at ``WIDTH`` columns."""
    settings = {**cli.context_settings, "terminal_width": WIDTH, "max_content_width": WIDTH}
    root = click.Context(cli, info_name="policyweigh", **settings)
    if name is None:
        return cli.get_help(root)
    command = cli.commands[name]
    ctx = click.Context(command, info_name=name, parent=root, terminal_width=WIDTH, max_content_width=WIDTH)
    return command.get_help(ctx)


def cli_reference_markdown() -> str:
    """The README block: the help of ``policyweigh`` and of every command, in ``--help`` order."""
    parts = [
        "<!-- generated from each command's --help by python scripts/update_cli_reference.py; "
        "edit the commands' docstrings and option help -->",
        "",
    ]
    for name in (None, *COMMANDS):
        title = "policyweigh" if name is None else f"policyweigh {name}"
        parts += [f"#### `{title}`", "", "```text", command_help(name).rstrip(), "```", ""]
    return "\n".join(parts)


def replace_block(text: str, block: str) -> str:
    """``text`` with the part between the commands-reference markers replaced by ``block``."""
    return replace_marked(text, START_MARKER, END_MARKER, block)


def extract_block(text: str) -> str | None:
    """The part of ``text`` between the commands-reference markers, or None when they are missing."""
    return extract_marked(text, START_MARKER, END_MARKER)
