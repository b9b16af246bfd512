"""A finding as one line for a terminal or a CI log, without loading the text renderer's rich.

``policyweigh check`` prints its text output with this alone, so the command's start-up
does not pay for rich and the report views; ``policyweigh.render.text`` uses it too.
"""

from __future__ import annotations

from policyweigh.gate import Finding
from policyweigh.render.escape import guard_line, terminal

__all__ = ["finding_line"]


def finding_line(finding: Finding) -> str:
    """``path:line | CODE | message [kind/severity]``, every part escaped for a terminal or CI log."""
    location = finding.location
    where = f"{terminal(location.file or location.policy)}:{location.line}"
    if location.column is not None:
        where += f":{location.column}"
    return guard_line(
        f"{where} | {terminal(finding.code)} | {terminal(finding.message)} "
        f"[{terminal(finding.kind)}/{terminal(finding.severity)}]"
    )
