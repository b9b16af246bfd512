"""``policyweigh schema``: print or write the JSON Schema of the policy format, for editors and tools."""

from __future__ import annotations

import json
from pathlib import Path

import click

from policyweigh.cli import EXIT_OK
from policyweigh.cli.options import refuse_to_overwrite, write_output
from policyweigh.policy import policy_json_schema


def schema_text() -> str:
    """Return the JSON Schema of the policy format as stable text: sorted keys, 2-space indent, newline."""
    return json.dumps(policy_json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


@click.command("schema")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write the schema to this file instead of printing it.",
)
@click.option("--force", is_flag=True, help="Overwrite the output file if it already exists.")
def command(output: Path | None, force: bool) -> int:
    """Print the JSON Schema of the policy format.

    Point an editor at it for completion and checking as you type, for
    instance with a first line `# yaml-language-server: $schema=policy-v1.schema.json`.

    Example: policyweigh schema -o policy-v1.schema.json
    """
    refuse_to_overwrite(output, force)
    if write_output(schema_text(), output, force):
        click.echo(f"wrote {output}", err=True)
    return EXIT_OK
