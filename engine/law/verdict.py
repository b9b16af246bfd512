"""Every legal finding on one policy: its breaks held to the break requirements, its working day and
rest to the daily limits.

``check_law`` is what the rest of the engine calls (conflict detection, remedies that re-check a
patched policy); ``policyweigh.law.check`` and ``policyweigh.law.limits`` each hold one part of
the law and stay independent of each other's findings.
"""

from __future__ import annotations

from dataclasses import replace

from policyweigh.law.check import GuardrailReport, GuardrailSettings, check_guardrails
from policyweigh.law.limits import check_limits
from policyweigh.policy import Policy
from policyweigh.rulebook.guardrails import GuardrailPacks

__all__ = ["check_law"]


def check_law(policy: Policy, *, settings: GuardrailSettings, packs: GuardrailPacks) -> GuardrailReport:
    """The break findings of ``check_guardrails`` followed by the daily-limit findings of ``check_limits``."""
    report = check_guardrails(policy, settings=settings, packs=packs)
    if policy.jurisdiction is None or policy.jurisdiction not in packs:
        return report
    limits = check_limits(policy, settings=settings, packs=packs)
    return replace(report, conflicts=[*report.conflicts, *limits]) if limits else report
