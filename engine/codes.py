"""Every code the product prints, in one registry: what it means and where it comes from.

Findings, conflicts, remedies and contributions all carry a code, and a person
reading one in a CI log needs to look it up: ``policyweigh rules CODE`` explains
any code found here. The registry is built from a rulebook (impact rules,
conflict rules, remedies, and its guardrail packs) plus the product's fixed
codes (trade-offs, harm, duplicate rules, implausible values, score gates,
unreadable input), which are defined next to
the code that emits them and only collected here.

Codes are grouped in families. A typo is answered with a code of the family
it most likely belongs to (by its letters, and for ``INC``, shared by impact
and conflict rules, by its number), never with a code of another family.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from policyweigh.config import NAME_CODES
from policyweigh.conflicts import POLICY_FINDINGS, TRADE_OFF_CODES
from policyweigh.gate import GATE_CODES, INVALID_INPUT
from policyweigh.rulebook import Rulebook
from policyweigh.rulebook.guardrails import GUARDRAILS_FILE, GuardrailPacks
from policyweigh.suggest import closest

FAMILIES: dict[str, str] = {
    "impact": "impact rule: moves criteria when a policy rule matches (rulebook impact/*.yaml)",
    "conflict": "conflict rule: two policy rules that contradict or work against each other "
    "(rulebook conflicts.yaml)",
    "guardrail": "legal guardrail: a law on breaks, working time or rest a policy must not break "
    "(rulebook guardrails.yaml)",
    "trade-off": "trade-off: one side gains while the other loses, inside one policy (fixed)",
    "remedy": "remedy: a patch to a policy (fields of a rule, a rule added, or its scope) that may resolve "
    "a conflict (rulebook remedies.yaml)",
    "harm": "harm: a policy's employee or customer impact is at or below minus the harm bound (fixed)",
    "duplicate": "duplicate rule: a policy rule repeats an earlier rule of the same policy (fixed)",
    "implausible": "implausible value: a number of a policy rule is outside its plausible range "
    "(fixed code; the ranges are in the rulebook's plausible.yaml)",
    "gate": "score gate: a policy scores below a minimum set for `check` (fixed)",
    "input": "input problem: a file that cannot be read or does not follow its format (fixed)",
}
"""Family to what its codes are, in the order they are listed."""

_LETTERS = re.compile(r"^([A-Z]*)([0-9]*)")


def _split(code: str) -> tuple[str, int | None]:
    """The letters and the number of a code: ``("INC", 101)``."""
    match = _LETTERS.match(code.strip().upper())
    letters, digits = match.groups() if match else ("", "")
    return letters, int(digits) if digits else None


@dataclass(frozen=True)
class CodeInfo:
    """One code: its family, a name and title, what it means and where it is defined."""

    code: str
    family: str
    """One of ``FAMILIES``."""
    name: str
    """Dotted name (``break-rule.stagger-instead-of-ban``)."""
    title: str
    """One line."""
    meaning: tuple[str, ...]
    """Lines saying what the code means and what to do about it."""
    source: str
    """Where it comes from: a rulebook file and line, or the product module that emits it."""


class CodeRegistry:
    """Every code the product prints, looked up by code (case-insensitive)."""

    def __init__(self, entries: Iterable[CodeInfo]) -> None:
        self._by_code: dict[str, CodeInfo] = {}
        for entry in entries:
            # First definition wins; the rulebook loader already refuses duplicates within a rulebook.
            self._by_code.setdefault(entry.code, entry)

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code.upper() in self._by_code

    def __len__(self) -> int:
        return len(self._by_code)

    def get(self, code: str) -> CodeInfo | None:
        """The entry for ``code``, or None."""
        return self._by_code.get(code.upper())

    def codes(self, family: str | None = None) -> list[str]:
        """Every code (of one family), sorted."""
        return sorted(c for c, e in self._by_code.items() if family is None or e.family == family)

    def counts(self) -> dict[str, int]:
        """Number of codes per family, in ``FAMILIES`` order."""
        return {family: len(self.codes(family)) for family in FAMILIES}

    def family_of(self, code: str) -> str | None:
        """The family an unknown ``code`` most likely belongs to, from its letters (and number)."""
        letters, number = _split(code)
        prefixes = {_split(c)[0] for c in self._by_code}
        if letters not in prefixes:
            # Misspelt letters ("BN001"): the family whose letters are closest, if any is close.
            letters = closest(letters, sorted(prefixes)) or letters
        same = [e for c, e in self._by_code.items() if _split(c)[0] == letters]
        families = {e.family for e in same}
        if len(families) <= 1:
            return same[0].family if same else None
        if number is None:
            return None
        # Letters shared by two families (INC: impact 001-099, conflict 101-): the nearest number decides.
        nearest = min(same, key=lambda e: (abs((_split(e.code)[1] or 0) - number), e.code))
        return nearest.family

    def suggest(self, code: str) -> str | None:
        """The closest code of the same family as ``code``, if one is close enough to be a typo."""
        family = self.family_of(code)
        if family is None:
            return None
        typed = code.strip().upper()
        known = self.codes(family)
        # A dropped leading zero (GRD20 for GRD020) is the likeliest typo of a short number.
        letters = typed.rstrip("0123456789")
        digits = typed[len(letters) :]
        if digits and len(digits) < 3 and f"{letters}{digits.zfill(3)}" in known:
            return f"{letters}{digits.zfill(3)}"
        return closest(typed, known)


def build_registry(book: Rulebook, packs: GuardrailPacks | None = None) -> CodeRegistry:
    """The registry of a rulebook and the fixed codes; ``packs`` replaces the rulebook's guardrail packs."""
    entries: list[CodeInfo] = []

    def where(code: str) -> str:
        found = book.locations.get(code)
        return f"{found[0]}:{found[1]}" if found else f"the {book.source} rulebook"

    for rule in book.impact_rules:
        lines = [rule.summary]
        if rule.impacts:
            lines.append("impacts: " + ", ".join(f"{k} {v:+d}" for k, v in rule.impacts.items()))
        if rule.derive:
            lines.append("derives: " + ", ".join(rule.derive))
        entries.append(CodeInfo(rule.code, "impact", rule.name, rule.summary, tuple(lines), where(rule.code)))
    for conflict in book.conflict_rules:
        lines = [conflict.summary, f"a {conflict.kind} of severity {conflict.severity}"]
        if conflict.remedies:
            lines.append("remedies tried: " + ", ".join(conflict.remedies))
        entries.append(
            CodeInfo(
                conflict.code, "conflict", conflict.name, conflict.summary, tuple(lines), where(conflict.code)
            )
        )
    for key in sorted(book.remedies):
        remedy = book.remedies[key]
        lines = [remedy.summary, remedy.change_text()]
        entries.append(CodeInfo(remedy.code, "remedy", remedy.name, remedy.summary, tuple(lines), where(key)))
    chosen = packs if packs is not None else book.guardrails
    _add_guardrails(entries, chosen, _guardrails_origin(book, packs))
    for code, (name, summary) in TRADE_OFF_CODES.items():
        meaning = (
            summary,
            "a warning, or info when the losing side loses no more than twice the verdict margin; "
            "`policyweigh evaluate` shows remedies with the scores after each",
        )
        entries.append(
            CodeInfo(code, "trade-off", name, summary, meaning, "engine/conflicts.py (fixed code)")
        )
    for code, info in POLICY_FINDINGS.items():
        meaning = (
            info.summary,
            f"a{'n' if info.severity[0] in 'aeiou' else ''} {info.severity}: {info.detail}",
        )
        entries.append(
            CodeInfo(code, info.kind, info.name, info.summary, meaning, "engine/conflicts.py (fixed code)")
        )
    for code, (name, summary) in GATE_CODES.items():
        if code == INVALID_INPUT:
            family, detail = (
                "input",
                (
                    "reported by `check` in its machine formats (json, sarif, github) at the file's line and "
                    "column, with exit code 2; `policyweigh validate PATH` shows every problem with a suggestion"
                ),
            )
        else:
            family, detail = (
                "gate",
                (
                    "set by --min-employee / --min-customer, or min_employee / min_customer in the settings; "
                    "a score below a minimum always fails `check`"
                ),
            )
        entries.append(
            CodeInfo(code, family, name, summary, (summary, detail), "engine/gate.py (fixed code)")
        )
    for code, (name, summary) in NAME_CODES.items():
        detail = (
            "a warning: shown by `validate`, `evaluate` and `check` (a finding in its json, sarif and "
            "github output, failing only at --fail-on warning)"
        )
        entries.append(
            CodeInfo(code, "input", name, summary, (summary, detail), "engine/config.py (fixed code)")
        )
    return CodeRegistry(entries)


def _guardrails_origin(book: Rulebook, packs: GuardrailPacks | None) -> str:
    """Where the registry's guardrail packs were read from, as a reader can find them."""
    if packs is not None:
        return "guardrail packs given in code"
    if book.guardrails_file is None:
        return f"the guardrail packs of the {book.source} rulebook"
    if Path(book.guardrails_file).resolve() == GUARDRAILS_FILE.resolve():
        # Also the case of an organisation's rulebook without a guardrails.yaml of its own.
        return "the bundled guardrails.yaml"
    return book.guardrails_file


def _add_guardrails(entries: list[CodeInfo], packs: GuardrailPacks, file: str) -> None:
    for key, pack in packs.items():
        for req in pack.checks:
            lines = [req.summary, f"{req.citation} ({req.severity} when broken)", req.source]
            if req.assumption:
                lines.append(f"assumed: {req.assumption}")
            entries.append(
                CodeInfo(req.code, "guardrail", req.name, req.summary, tuple(lines), f"{file}, pack {key}")
            )
