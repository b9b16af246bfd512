"""Policies the benchmarks run on, built from the bundled library.

- ``library_copies``: the library repeated to any size, ids made unique, and
  optionally one department per copy, so the number of conflicts grows with N;
- ``hundred_rule_policy``: one policy holding the rules of the whole library
  (and variants of them), the size of a large real policy, with conflicts of
  every kind for remedies to work on;
- ``rss_mib`` and ``peak_rss_mib``: the memory this process holds now, and at most.
"""

from __future__ import annotations

import resource
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from policyweigh.errors import InputError  # noqa: E402
from policyweigh.loading import load_library  # noqa: E402
from policyweigh.policy import Policy  # noqa: E402

__all__ = ["ROOT", "hundred_rule_policy", "library", "library_copies"]


def library() -> list[Policy]:
    """The bundled library's policies, in the loader's order."""
    return list(load_library([ROOT / "policies"]).models)


def library_copies(n: int, *, departments: bool = False) -> list[Policy]:
    """``n`` policies: the bundled library repeated, with ids made unique.

    With ``departments``, each copy of the library belongs to its own department
    (its teams renamed, or one team named after the department), as in an
    organisation whose departments write their own policies: policies of two
    departments cannot clash, so the number of conflicts grows with N.
    """
    base = library()
    out = []
    for i in range(n):
        policy = base[i % len(base)]
        update: dict[str, object] = {"id": f"{policy.id}-{i:05d}"}
        if departments:
            copy = i // len(base)
            teams = [f"{team}-d{copy}" for team in policy.scope.teams] or [f"department-{copy}"]
            update["scope"] = policy.scope.model_copy(update={"teams": teams})
        out.append(policy.model_copy(update=update))
    return out


_SCOPE: dict[str, Any] = {
    "teams": ["inbound"],
    "shift_hours": 8,
    "shift_starts": ["06:00", "08:00", "09:30"],
}


def _variant(rule: dict[str, Any], round_: int) -> dict[str, Any] | None:
    """The rule with its first number moved by a quarter per round (None when it has no number)."""
    for key, value in rule.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        moved = value * (1 + 0.25 * round_) if value else round_
        return {**rule, key: round(moved) if isinstance(value, int) else round(moved, 2)}
    return None


def hundred_rule_policy(rules: int = 100, pid: str = "hundred-rules") -> Policy:
    """One UK policy of ``rules`` rules: every rule of the library, then variants of them.

    A variant moves a rule's first number (a longer break, a higher target) so
    that no rule repeats another; variants the policy format refuses are left
    out. The scope is the inbound team's, with early shift starts, so break
    rules meet the guardrails and pay rules clash with one another.
    """
    base = [r.model_dump(mode="json", by_alias=True, exclude_none=True) for p in library() for r in p.rules]
    for rule in base:
        rule.pop("note", None)
    chosen: list[dict[str, Any]] = []
    seen: set[str] = set()
    round_ = 0
    while len(chosen) < rules and round_ < 20:
        for rule in base:
            if len(chosen) >= rules:
                break
            candidate = rule if round_ == 0 else _variant(rule, round_)
            if candidate is None or repr(sorted(candidate.items())) in seen:
                continue
            trial = {"id": pid, "title": pid, "jurisdiction": "uk", "scope": _SCOPE}
            try:
                Policy.model_validate({**trial, "rules": [*chosen, candidate]})
            except (InputError, ValueError):
                continue
            seen.add(repr(sorted(candidate.items())))
            chosen.append(candidate)
        round_ += 1
    return Policy.model_validate(
        {"id": pid, "title": f"{rules} rules", "jurisdiction": "uk", "scope": _SCOPE, "rules": chosen}
    )


def rss_mib() -> float:
    """Current resident set size of this process in MiB (peak size where /proc is missing)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return peak_rss_mib()


def peak_rss_mib() -> float:
    """The most memory this process has held, in MiB.

    Linux's ``VmHWM`` is this program's own; ``ru_maxrss`` is not after an exec: it keeps the
    high-water mark of the process that forked it (a benchmark started by a large one reads its
    parent's peak).
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024
