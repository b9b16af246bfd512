"""Inputs shared by the benchmarks: copies of the bundled library, and the memory a process holds."""

from __future__ import annotations

import resource
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from policyweigh.loading import load_library  # noqa: E402
from policyweigh.policy import Policy  # noqa: E402


def rss_mib() -> float:
    """Current resident set size of this process in MiB (peak size where /proc is missing)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def peak_rss_mib() -> float:
    """The most memory this process has held, in MiB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def library_copies(n: int, *, departments: bool = False) -> list[Policy]:
    """``n`` policies: the bundled library repeated, with ids made unique.

    With ``departments``, each copy of the library belongs to its own department
    (its teams renamed, or one team named after the department), as in an
    organisation whose departments write their own policies: policies of two
    departments cannot clash, so the number of conflicts grows with N.
    """
    base = load_library([ROOT / "policies"]).models
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
