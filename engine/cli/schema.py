"""``policyeval schema``: print or write the JSON Schema of the policy format, for editors and tools."""

from __future__ import annotations

import json
from pathlib import Path

import click

from engine.cli import EXIT_OK
from engine.policy import policy_json_schema


def schema_text() -> str:
    """Return the JSON Schema of the policy format as stable text: sorted keys, 2-space indent, newline."""
    return json.dumps(policy_json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_or_print(text: str, output: Path | None, force: bool) -> None:
    """Print ``text``, or write it to ``output``, refusing to replace an existing file without ``--force``."""
    if output is None:
        click.echo(text, nl=False)
        return
    if output.exists() and not force:
        raise click.ClickException(f"{output} already exists; pass --force to overwrite it")
    try:
        output.write_text(text, encoding="utf-8", newline="\n")
    except OSError as err:
        raise click.ClickException(f"cannot write {output}: {err.strerror or err}") from None
    click.echo(f"wrote {output}", err=True)


@click.command("schema")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write the schema to this file instead of printing it.",
)
@click.option("--force", is_flag=True, help="Overwrite the output file if it already exists.")
def command(output: Path | None, force: bool) -> int:
    """Print the JSON Schema of the policy format (v1).

    Point an editor at it for completion and checking as you type, for
    instance with a first line `# yaml-language-server: $schema=policy-v1.schema.json`.

    Example: policyeval schema -o policy-v1.schema.json
    """
    write_or_print(schema_text(), output, force)
    return EXIT_OK
