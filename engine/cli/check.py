"""`policyweigh check`: the CI gate. Conflicts and minimum scores, with exit codes and machine output."""

from __future__ import annotations

import json
from typing import cast

import click

from policyweigh.cli import EXIT_FINDINGS, EXIT_INPUT, EXIT_OK
from policyweigh.cli.options import config_option, format_option, paths_argument, rulebook_option
from policyweigh.config import FailOn
from policyweigh.errors import InputError
from policyweigh.gate import GateResult, input_result
from policyweigh.project import open_settings
from policyweigh.render.escape import json_document
from policyweigh.rulebook import Rulebook, default_rulebook


def _render(result: GateResult, fmt: str, book: Rulebook) -> str:
    """The check's output in one format."""
    if fmt == "json":
        return json_document(json.dumps(result.as_dict(), indent=2)) + "\n"
    # Each format imports its renderer when it is asked for: start-up time of `check` in CI.
    if fmt == "sarif":
        from policyweigh.render.sarif import render_sarif

        return json_document(json.dumps(render_sarif(result, book), indent=2)) + "\n"
    if fmt == "github":
        from policyweigh.render.github import render_github

        return render_github(result)
    from policyweigh.render.text import render_findings

    return render_findings(result)


def _refuse_input(err: InputError, fmt: str, fail_on: FailOn, book: Rulebook) -> int:
    """Report input that cannot be checked; ``book`` describes the rules in SARIF's catalogue."""
    if fmt == "text":
        raise err  # located messages on standard error, like every command
    # Machine formats report bad input in their own shape, so CI annotates the broken line.
    click.echo(_render(input_result(err.problems, fail_on), fmt, book), nl=False)
    return EXIT_INPUT


@click.command("check")
@paths_argument
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "never"]),
    default=None,
    help="Lowest conflict severity that fails the check; never: conflicts never fail it "
    "[default: fail_on in the settings, else error].",
)
@click.option(
    "--min-employee",
    type=click.IntRange(-100, 100),
    default=None,
    metavar="N",
    help="Fail when any policy's employee impact is below N (-100..100) "
    "[default: min_employee in the settings, else no minimum].",
)
@click.option(
    "--min-customer",
    type=click.IntRange(-100, 100),
    default=None,
    metavar="N",
    help="Fail when any policy's customer impact is below N (-100..100) "
    "[default: min_customer in the settings, else no minimum].",
)
@format_option("text", "json", "sarif", "github")
@rulebook_option
@config_option
def command(
    paths: tuple[str, ...],
    fail_on: str | None,
    min_employee: int | None,
    min_customer: int | None,
    fmt: str,
    rulebook: str | None,
    config: str | None,
) -> int:
    """Check policies as a CI gate: every conflict and every score below a minimum is a finding,
    located at the line of the policy rule it concerns.

    Exits 1 when a conflict is at or above --fail-on or a policy scores below
    --min-employee / --min-customer, 0 otherwise, 2 for bad input or usage and
    3 for an internal error. Text prints one finding a line
    (path:line | CODE | message [kind/severity]) and a summary; json prints
    {"findings", "summary", "passed"}; sarif is SARIF 2.1.0 for code scanning;
    github prints workflow annotations. Remedies are left to `evaluate`.

    Example: policyweigh check policies/ --fail-on warning --min-employee 0 --format github
    """
    try:
        setup = open_settings(rulebook=rulebook, config=config)
    except InputError as err:
        # Only a broken settings file or rulebook leaves no rulebook of the organisation's to describe it.
        return _refuse_input(err, fmt, cast(FailOn, fail_on or "error"), default_rulebook())
    try:
        project = setup.open(paths)
    except InputError as err:
        return _refuse_input(err, fmt, cast(FailOn, fail_on or setup.settings.fail_on), setup.rulebook)
    overrides = {
        key: value
        for key, value in (
            ("fail_on", fail_on),
            ("min_employee", min_employee),
            ("min_customer", min_customer),
        )
        if value is not None
    }
    settings = project.settings.model_copy(update=overrides) if overrides else project.settings
    result = project.check(settings)
    click.echo(_render(result, fmt, project.rulebook), nl=False)
    return EXIT_OK if result.passed else EXIT_FINDINGS
