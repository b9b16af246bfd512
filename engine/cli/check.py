"""`policyweigh check`: the CI gate. Conflicts, harm and minimum scores, with remedies, exit codes and
machine output.

Every format shows the remedies of the findings that fail: text prints each, indented, under its
finding; json has ``findings[].remedies``; github and sarif add them to the finding's message
(sarif also as ``properties.remedies``). The codes of policy-level findings (harm, duplicates,
implausible values) are described in SARIF's rule catalogue from ``policyweigh.conflicts``.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any, cast

import click

from policyweigh.cli import EXIT_FINDINGS, EXIT_INPUT, EXIT_OK
from policyweigh.cli.options import (
    POOL_FILES,
    config_option,
    format_option,
    jobs_option,
    organisation_option,
    paths_argument,
    rulebook_option,
    tell_notes,
)
from policyweigh.config import FailOn
from policyweigh.conflicts import POLICY_FINDINGS
from policyweigh.errors import InputError
from policyweigh.gate import Finding, GateResult, input_result
from policyweigh.project import open_settings
from policyweigh.render.escape import guard_line, json_document, terminal
from policyweigh.render.lines import finding_line
from policyweigh.rulebook import Rulebook, default_rulebook

SARIF_LEVELS = {"error": "error", "warning": "warning", "info": "note"}
"""Finding severity to SARIF level (as ``policyweigh.render.sarif`` maps them)."""
REMEDY_INDENT = "  "
"""What a remedy line of the text output starts with, under its finding's line."""


def _with_remedy_text(finding: Finding) -> Finding:
    """The finding with its remedies added to its message, one a line (for github and sarif)."""
    if not finding.remedies:
        return finding
    return dataclasses.replace(finding, message="\n".join([finding.message, *finding.remedy_lines()]))


def _text(result: GateResult) -> str:
    """One finding a line, each failing finding's remedies indented under it, then the summary."""
    lines: list[str] = []
    for finding in result.findings:
        lines.append(finding_line(finding))
        lines.extend(guard_line(REMEDY_INDENT + terminal(text)) for text in finding.remedy_lines())
    lines.append(guard_line(terminal(result.summary_line())))
    return "\n".join(lines) + "\n"


def _sarif_catalogue(log: dict[str, Any], result: GateResult) -> dict[str, Any]:
    """Describe the policy-level finding codes in the rule catalogue (sorted by code, each result's
    ``ruleIndex`` following), and list each result's remedies in its properties."""
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    rules = {rule["id"]: rule for rule in driver["rules"]}
    for code, info in POLICY_FINDINGS.items():
        rules[code] = {
            "id": code,
            "name": info.name,
            "shortDescription": {"text": info.summary},
            "fullDescription": {"text": info.summary},
            "help": {"text": f"{info.summary} {info.detail[0].upper()}{info.detail[1:]}."},
            "defaultConfiguration": {"level": SARIF_LEVELS[info.severity]},
            "properties": {"kind": info.kind, "tags": [info.kind]},
        }
    order = sorted(rules)
    index = {code: i for i, code in enumerate(order)}
    driver["rules"] = [rules[code] for code in order]
    for entry, finding in zip(run["results"], result.findings, strict=True):
        entry["ruleIndex"] = index[entry["ruleId"]]
        if finding.remedies:
            entry["properties"]["remedies"] = [r.model_dump(mode="json") for r in finding.remedies]
    return log


def _render(result: GateResult, fmt: str, book: Rulebook) -> str:
    """The check's output in one format."""
    if fmt == "json":
        return json_document(json.dumps(result.as_dict(), indent=2)) + "\n"
    shown = dataclasses.replace(result, findings=tuple(_with_remedy_text(f) for f in result.findings))
    # Each format imports its renderer when it is asked for: start-up time of `check` in CI.
    if fmt == "sarif":
        from policyweigh.render.sarif import render_sarif

        log = _sarif_catalogue(render_sarif(shown, book), result)
        return json_document(json.dumps(log, indent=2)) + "\n"
    if fmt == "github":
        from policyweigh.render.github import render_github

        return render_github(shown)
    return _text(result)


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
@click.option(
    "--harm-bound",
    type=click.IntRange(1, 100),
    default=None,
    metavar="N",
    help="A policy whose employee or customer impact is at or below -N harms that side: an "
    "error finding, HRM001 or HRM002 (1..100) [default: harm_bound in the settings, else 40].",
)
@format_option("text", "json", "sarif", "github")
@rulebook_option
@config_option
@organisation_option
@jobs_option(f" loading and scoring the files, for {POOL_FILES:,} files or more unless given")
def command(
    paths: tuple[str, ...],
    fail_on: str | None,
    min_employee: int | None,
    min_customer: int | None,
    harm_bound: int | None,
    fmt: str,
    rulebook: str | None,
    config: str | None,
    organisation: str | None,
    jobs: int | None,
) -> int:
    """Check policies as a CI gate: every conflict, every harm to a side and every score below a
    minimum is a finding, located at the line of the policy rule it concerns, with remedies for
    those that fail.

    Harm (HRM001 employee, HRM002 customer: a side at or below -harm bound) and error-level legal
    breaches are errors. Exits 1 when a finding is at or above --fail-on or a policy scores below
    --min-employee / --min-customer, 0 otherwise, 2 for bad input or usage and 3 for an internal
    error. Text prints one finding a line (path:line | CODE | message [kind/severity]), the
    remedies of a failing finding indented under it (each with the scores after it), and a
    summary; json prints {"findings", "summary", "passed"}, remedies in findings[].remedies; sarif
    is SARIF 2.1.0 for code scanning; github prints workflow annotations.

    Example: policyweigh check policies/ --fail-on warning --min-employee 0 --format github
    """
    try:
        setup = open_settings(rulebook=rulebook, config=config, organisation=organisation)
    except InputError as err:
        # Only a broken settings file or rulebook leaves no rulebook of the organisation's to describe it.
        return _refuse_input(err, fmt, cast(FailOn, fail_on or "error"), default_rulebook())
    try:
        # The gate reads no cost of decency: the workers leave it out of the scores they send.
        project = setup.open(paths, jobs=jobs, queue_costs=False)
    except InputError as err:
        return _refuse_input(err, fmt, cast(FailOn, fail_on or setup.settings.fail_on), setup.rulebook)
    overrides = {
        key: value
        for key, value in (
            ("fail_on", fail_on),
            ("min_employee", min_employee),
            ("min_customer", min_customer),
            ("harm_bound", harm_bound),
        )
        if value is not None
    }
    tell_notes(project.notes)
    settings = project.settings.model_copy(update=overrides) if overrides else project.settings
    result = project.check(settings)
    click.echo(_render(result, fmt, project.rulebook), nl=False)
    if result.remedies_skipped:
        click.echo(
            f"note: {result.remedies_skipped:,} failing findings are listed without remedies: working them "
            "out would evaluate more patched policies again than a run may (the most severe got theirs first)",
            err=True,
        )
    return EXIT_OK if result.passed else EXIT_FINDINGS
