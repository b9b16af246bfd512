"""`policyeval rules`: list the rulebook, or show one rule with its evidence and examples."""

from __future__ import annotations

import click

from engine.cli.options import config_option, rulebook_option
from engine.config import load_settings, resolve_rulebook
from engine.errors import PolicyevalError
from engine.render.text import make_console, render_rule, render_rule_list
from engine.suggest import did_you_mean


@click.command("rules")
@click.argument("code", required=False)
@rulebook_option
@config_option
def command(code: str | None, rulebook: str | None, config: str | None) -> int:
    """List every impact and conflict rule, or show rule CODE in full: its conditions, impacts,
    derived facts, reason template, evidence with full citations, and examples.

    Example: policyeval rules CTC002
    """
    settings = load_settings(config)
    book = resolve_rulebook(settings, rulebook)
    console = make_console()
    if code is None:
        render_rule_list(book, console)
        return 0
    rule = book.rules_by_code.get(code.upper())
    if rule is None:
        raise PolicyevalError(
            f"no rule {code!r} in the rulebook{did_you_mean(code.upper(), list(book.rules_by_code))}"
        )
    render_rule(rule, book, console)
    return 0
