"""``policyweigh studio``: the drafting studio, a local web app over a policy library folder.

The studio is an optional extra, ``studio``, installed from this repository like the product itself
(``pip install '.[studio]'`` in a checkout, never by bare name from an index): this module imports it
only when the command runs, so the rest of the command line never loads a web server, and without
the extra the command says how to install it (exit 2).
"""

from __future__ import annotations

import importlib
from pathlib import Path

import click

from policyweigh.cli import EXIT_INPUT, EXIT_OK
from policyweigh.cli.options import config_option, organisation_option, rulebook_option
from policyweigh.project import open_settings

STUDIO_PACKAGES = ("starlette", "uvicorn", "ruamel.yaml")
INSTALL_HINT = (
    "install policyweigh with its studio extra from this repository: pip install '.[studio]' in a "
    "checkout, or pip install 'policyweigh[studio] @ git+<repository URL>@<release tag>'"
)


def missing_packages() -> list[str]:
    """The studio's packages that are not installed."""
    missing = []
    for name in STUDIO_PACKAGES:
        try:
            importlib.import_module(name)
        except ImportError:
            missing.append(name)
    return missing


@click.command("studio")
@click.argument("path", required=False, default="policies", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--host",
    type=click.Choice(["127.0.0.1", "localhost"]),
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on: this machine only.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=0,
    help="Port to listen on (default: a free port, printed at start).",
)
@config_option
@rulebook_option
@organisation_option
def command(
    path: Path, host: str, port: int, config: str | None, rulebook: str | None, organisation: str | None
) -> int:
    """Draft policies in the browser: a form and a YAML view, evaluated as you type.

    Serves PATH (a policy library folder; default: policies) on this machine only and prints
    the address to open; opens no browser. Needs the studio extra, from a
    checkout: pip install '.[studio]'. Ctrl-C stops it.

    Example: policyweigh studio policies/ --port 8765
    """
    missing = missing_packages()
    if missing:
        click.echo(
            f"error: the studio needs {', '.join(missing)}, which are not installed; {INSTALL_HINT}",
            err=True,
        )
        return EXIT_INPUT
    if not path.is_dir():
        raise click.BadParameter(f"{str(path)!r} is not a folder of policies", param_hint="PATH")
    setup = open_settings(rulebook=rulebook, config=config, organisation=organisation)
    from policyweigh.studio.server import serve  # late: the web server loads only for this command

    serve(path, setup, host=host, port=port, announce=lambda line: click.echo(line, err=True))
    return EXIT_OK
