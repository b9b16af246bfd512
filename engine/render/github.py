"""GitHub Actions workflow annotations for `check`: one ``::error``/``::warning``/``::notice`` line a finding.

The format is ``::LEVEL file=PATH,line=N,title=CODE::MESSAGE``. GitHub reads
``%``, carriage return and newline in the message as escapes (``%25``,
``%0D``, ``%0A``); in property values ``:`` and ``,`` separate properties, so
they are escaped too (``%3A``, ``%2C``). A last plain line holds the summary.
"""

from __future__ import annotations

from engine.gate import Finding, GateResult

__all__ = ["LEVELS", "annotation", "escape_data", "escape_property", "render_github"]

LEVELS = {"error": "error", "warning": "warning", "info": "notice"}
"""Finding severity to workflow command."""


def escape_data(text: str) -> str:
    """Escape a workflow command's message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a workflow command's property value."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding) -> str:
    """The workflow command that annotates one finding."""
    location = finding.location
    properties = []
    if location.file is not None:
        properties.append(f"file={escape_property(location.file)}")
        properties.append(f"line={location.line}")
        if location.column is not None:
            properties.append(f"col={location.column}")
    properties.append(f"title={escape_property(finding.code)}")
    message = f"{finding.message} [{finding.kind}/{finding.severity}]"
    return f"::{LEVELS[finding.severity]} {','.join(properties)}::{escape_data(message)}"


def render_github(result: GateResult) -> str:
    """Every finding as an annotation, then the summary line."""
    lines = [annotation(f) for f in result.findings]
    lines.append(result.summary_line())
    return "\n".join(lines) + "\n"
