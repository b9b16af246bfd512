"""``policyweigh new``: start a policy from a commented template holding one rule of a kind."""

from __future__ import annotations

import re
from pathlib import Path

import click
from click.shell_completion import CompletionItem

from policyweigh.cli import EXIT_OK
from policyweigh.cli.options import refuse_to_overwrite, write_output
from policyweigh.policy import RULE_KINDS
from policyweigh.suggest import did_you_mean
from policyweigh.templates import policy_template

_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def _complete_kind(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    return [CompletionItem(kind) for kind in RULE_KINDS if kind.startswith(incomplete)]


@click.command("new")
@click.argument("kind", shell_complete=_complete_kind)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write the template to this file instead of printing it.",
)
@click.option("--force", is_flag=True, help="Overwrite the output file if it already exists.")
@click.option(
    "--id",
    "policy_id",
    metavar="ID",
    help="Id of the new policy (default: the output file's name, or new-KIND).",
)
def command(kind: str, output: Path | None, force: bool, policy_id: str | None) -> int:
    """Print a commented policy template with one rule of KIND.

    Every field of the kind is shown with its meaning, allowed values, unit and
    default; the template is a valid policy as it stands. KIND is one of:

    \b
      bonus-threshold, call-time-cap, break-rule, staffing, training,
      equipment, feedback-practice, customer-conduct, metric-target,
      knowledge-base, leader-floor-time, compensation-link,
      customer-incentive, empowerment, attendance, after-call-work,
      conduct, recovery-time, concurrency, span-of-control,
      schedule-flexibility, monitoring, adherence, overtime,
      schedule-notice, commission, script, contest

    Example: policyweigh new break-rule -o policies/breaks/lunch.yaml
    """
    if kind not in RULE_KINDS:
        hint = did_you_mean(kind, RULE_KINDS)
        listing = "" if hint else f"; expected one of {', '.join(RULE_KINDS)}"
        raise click.BadParameter(f"unknown rule kind {kind!r}{hint}{listing}", param_hint="KIND")
    if policy_id is not None and not _SLUG.match(policy_id):
        raise click.BadParameter(
            f"expected lowercase letters and digits in words joined by single dashes; got {policy_id!r}",
            param_hint="--id",
        )
    if policy_id is None and output is not None and _SLUG.match(output.stem):
        policy_id = output.stem
    refuse_to_overwrite(output, force)
    if write_output(policy_template(kind, policy_id), output, force):
        click.echo(f"wrote {output}", err=True)
    return EXIT_OK
