"""`policyweigh explain`: how one policy's score came about."""

from __future__ import annotations

from pathlib import Path

import click

from policyweigh.cli.options import (
    config_option,
    note_remedy_budget,
    organisation_option,
    rulebook_option,
    tell_warnings,
)
from policyweigh.explain import derive
from policyweigh.loading import load_library
from policyweigh.project import open_project
from policyweigh.remedies import RemedyBudget
from policyweigh.render.text import make_console, render_derivation


@click.command("explain")
@click.argument("policy")
@click.argument("paths", nargs=-1, metavar="[PATH...]", type=click.Path(exists=True, path_type=str))
@rulebook_option
@config_option
@organisation_option
def command(
    policy: str, paths: tuple[str, ...], rulebook: str | None, config: str | None, organisation: str | None
) -> int:
    """Show the derivation of POLICY: the facts asserted, every rule fired in order with what it
    matched and derived, the chains of derived facts, the arithmetic from contributions to the
    score, and the policy's conflicts.

    POLICY is a policy file, or a policy id or file key (like breaks/pie-van-lunch-ban) found in
    PATH... (default: policies/). Conflicts with other policies are found among PATH....

    Example: policyweigh explain breaks/pie-van-lunch-ban policies/
    """
    target = Path(policy)
    if target.is_file():
        search = list(paths) or [str(target)]
        if str(target) not in search and not any(_inside(target, Path(p)) for p in search):
            search.append(str(target))
        wanted = load_library([target]).policies[0].id
    else:
        search = list(paths) or (["policies"] if Path("policies").is_dir() else [])
        if not search:
            raise click.UsageError(
                f"{policy!r} is not a file; name the folder to find it in: explain {policy} PATH"
            )
        wanted = policy
    project = open_project(search, rulebook=rulebook, config=config, organisation=organisation)
    tell_warnings(project.warnings)
    library = project.library
    loaded = library.find(wanted)
    budget = RemedyBudget()
    run = project.evaluate(budget=budget)
    render_derivation(derive(run, loaded.id), make_console(), run.policies)
    note_remedy_budget(budget, len(run.evaluation.conflicts))
    return 0


def _inside(file: Path, folder: Path) -> bool:
    try:
        file.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True
