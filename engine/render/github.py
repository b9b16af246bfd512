"""GitHub Actions workflow annotations for `check`: one ``::error``/``::warning``/``::notice`` line a finding.

The format is ``::LEVEL file=PATH,line=N,col=N,title=CODE::MESSAGE``. Values are escaped
exactly as the Actions toolkit escapes them (``escapeData`` and ``escapeProperty`` in
actions/toolkit, packages/core/src/command.ts): in the message ``%``, carriage return and
newline become ``%25``, ``%0D`` and ``%0A``; in property values ``:`` and ``,`` separate
properties, so they become ``%3A`` and ``%2C`` too. Other control characters (an escape
sequence in a title, a bidirectional override) are shown as escapes first
(``policyweigh.render.escape``). The annotation lines are the only lines the product writes that
start with ``::``; the last line is the plain summary.
"""

from __future__ import annotations

from policyweigh.gate import Finding, GateResult
from policyweigh.render.escape import guard_line, terminal, workflow_data, workflow_property

__all__ = ["LEVELS", "annotation", "escape_data", "escape_property", "render_github"]

LEVELS = {"error": "error", "warning": "warning", "info": "notice"}
"""Finding severity to workflow command."""

escape_data = workflow_data
"""Escape a workflow command's message (the toolkit's ``escapeData``)."""

escape_property = workflow_property
"""Escape a workflow command's property value (the toolkit's ``escapeProperty``)."""


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
    # An unknown severity (from data that skipped validation) still annotates, as an error.
    level = LEVELS.get(finding.severity, "error")
    return f"::{level} {','.join(properties)}::{escape_data(message)}"


def render_github(result: GateResult) -> str:
    """Every finding as an annotation, then the summary line."""
    lines = [annotation(f) for f in result.findings]
    lines.append(guard_line(terminal(result.summary_line())))
    return "\n".join(lines) + "\n"
