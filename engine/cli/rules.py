"""`policyweigh rules`: list the rulebook, or explain any code the product prints."""

from __future__ import annotations

import click
from rich.console import Console

from policyweigh.cli.options import config_option, rulebook_option
from policyweigh.codes import FAMILIES, CodeInfo, build_registry
from policyweigh.config import load_settings, resolve_rulebook
from policyweigh.errors import PolicyweighError
from policyweigh.render.text import cell, make_console, render_rule, render_rule_list, say


@click.command("rules")
@click.argument("code", required=False)
@rulebook_option
@config_option
def command(code: str | None, rulebook: str | None, config: str | None) -> int:
    """List every impact and conflict rule, or explain CODE: any code policyweigh prints.

    An impact or conflict rule is shown in full: its conditions, impacts, derived
    facts, reason template, evidence with full citations, and examples. Guardrail
    (GRD), trade-off (TRD), remedy (REM), score gate (GATE) and input (INPUT001)
    codes are explained with what they mean and where they come from.

    Example: policyweigh rules CTC002
    """
    settings = load_settings(config)
    book = resolve_rulebook(settings, rulebook)
    console = make_console()
    registry = build_registry(book)
    if code is None:
        render_rule_list(book, console)
        others = [f for f in FAMILIES if f not in ("impact", "conflict")]
        listed = ", ".join(f"{len(registry.codes(f))} {f}" for f in others)
        say(console, f"rules CODE also explains {listed} codes", 0, style="dim")
        return 0
    rule = book.rules_by_code.get(code.upper())
    if rule is not None:
        render_rule(rule, book, console)
        return 0
    entry = registry.get(code)
    if entry is None:
        suggestion = registry.suggest(code)
        hint = f" (did you mean {suggestion!r}?)" if suggestion else ""
        raise PolicyweighError(f"no code {code!r} in the rulebook or among policyweigh's own codes{hint}")
    _render_code(entry, console)
    return 0


def _render_code(entry: CodeInfo, console: Console) -> None:
    console.print(cell(f"{entry.code} {entry.name}", "bold"))
    say(console, FAMILIES[entry.family], 2)
    for line in entry.meaning:
        say(console, line, 2)
    say(console, f"defined in {entry.source}", 2, style="dim")
