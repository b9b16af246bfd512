"""What changed between two evaluations of a policy library.

``diff_runs(old, new)`` matches policies by id and reports, per policy, the
change of scores and verdict, the contributions that appeared, vanished or
changed, and the conflicts added and removed; plus the policies added and
removed. The result is a pydantic model (``PolicyDiff``); ``policyweigh.render.diff``
renders it as text, JSON or Markdown. Everything is sorted, so the same two evaluations always
give the same bytes.

Contributions are matched on (rule, criterion) and, when one rule fires on
several policy rules, by their order in the policy; a matched pair whose
points or reason differ has *changed*. Conflicts are matched on code,
policies and policy rules.
"""

from __future__ import annotations

from collections import defaultdict

from pydantic import BaseModel, ConfigDict, Field

from policyweigh.evaluation import EvaluationRun
from policyweigh.facts import INDEX_KEY

# ConflictRef and ContributionChange live with the results (a proposal's result holds them too);
# they are named here as well, where diffs have always found them.
from policyweigh.results import (
    SEVERITY_RANK,
    Conflict,
    ConflictRef,
    Contribution,
    ContributionChange,
    ContributionChangeKind,
    PolicyResult,
)

__all__ = [
    "ConflictRef",
    "ContributionChange",
    "ContributionChangeKind",
    "PolicyChange",
    "PolicyDiff",
    "PolicySummary",
    "ScoreChange",
    "contribution_changes",
    "diff_runs",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ScoreChange(_Model):
    """A score before and after."""

    old: int
    new: int
    change: int


class PolicySummary(_Model):
    """A policy that was added or removed, as it stands on its side."""

    id: str
    title: str
    verdict: str
    employee: int
    customer: int
    file: str | None = None
    conflicts: list[ConflictRef] = Field(default_factory=list)


class PolicyChange(_Model):
    """A policy present on both sides whose text or results differ."""

    id: str
    title: str
    old_title: str | None = None
    """The old title, when the title changed."""
    old_verdict: str
    new_verdict: str
    employee: ScoreChange
    customer: ScoreChange
    edited: bool
    """Whether the policy's content differs (it may change nothing in the results)."""
    contributions: list[ContributionChange] = Field(default_factory=list)
    conflicts_added: list[ConflictRef] = Field(default_factory=list)
    conflicts_removed: list[ConflictRef] = Field(default_factory=list)
    old_file: str | None = None
    new_file: str | None = None

    @property
    def verdict_changed(self) -> bool:
        """Whether the verdict differs."""
        return self.old_verdict != self.new_verdict

    @property
    def effect(self) -> bool:
        """Whether anything in the results changed, not only the text."""
        return bool(
            self.verdict_changed
            or self.employee.change
            or self.customer.change
            or self.contributions
            or self.conflicts_added
            or self.conflicts_removed
            or self.old_title is not None
        )


class PolicyDiff(_Model):
    """Everything that changed between two evaluations."""

    old: str = "old"
    """What the old side is (paths or a git revision)."""
    new: str = "new"
    added: list[PolicySummary] = Field(default_factory=list)
    removed: list[PolicySummary] = Field(default_factory=list)
    changed: list[PolicyChange] = Field(default_factory=list)
    unchanged: list[str] = Field(default_factory=list)
    conflicts_added: list[ConflictRef] = Field(default_factory=list)
    conflicts_removed: list[ConflictRef] = Field(default_factory=list)

    @property
    def has_changes(self) -> bool:
        """Whether the two sides differ at all."""
        return bool(
            self.added or self.removed or self.changed or self.conflicts_added or self.conflicts_removed
        )


def _conflict_key(conflict: Conflict | ConflictRef) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    return (conflict.code, tuple(sorted(conflict.policies)), tuple(sorted(conflict.rules)))


def _conflict_order(ref: ConflictRef) -> tuple[int, str, tuple[str, ...], tuple[str, ...]]:
    return (-SEVERITY_RANK.get(ref.severity, 0), ref.code, tuple(ref.policies), tuple(ref.rules))


def _target(contribution: Contribution) -> str:
    index = contribution.facts.get(INDEX_KEY)
    return f"rules[{index}]" if index is not None else "derived"


def _by_rule(contributions: list[Contribution]) -> dict[tuple[str, str], list[Contribution]]:
    grouped: dict[tuple[str, str], list[Contribution]] = defaultdict(list)
    for c in contributions:
        grouped[(c.rule, c.criterion)].append(c)
    for items in grouped.values():
        items.sort(key=lambda c: (c.facts.get(INDEX_KEY, 1_000), c.reason))
    return grouped


def contribution_changes(old: list[Contribution], new: list[Contribution]) -> list[ContributionChange]:
    """Contributions that appeared, vanished or changed between two results of one policy."""
    before, after = _by_rule(old), _by_rule(new)
    out: list[ContributionChange] = []
    for key in sorted(set(before) | set(after)):
        olds, news = before.get(key, []), after.get(key, [])
        for i in range(max(len(olds), len(news))):
            o = olds[i] if i < len(olds) else None
            n = news[i] if i < len(news) else None
            if o is not None and n is not None:
                if o.delta == n.delta and o.reason == n.reason:
                    continue
                kind: ContributionChangeKind = "changed"
            else:
                kind = "appeared" if o is None else "vanished"
            shown = n if n is not None else o
            assert shown is not None
            out.append(
                ContributionChange(
                    change=kind,
                    rule=shown.rule,
                    name=shown.name,
                    criterion=shown.criterion,
                    target=_target(shown),
                    old_delta=None if o is None else o.delta,
                    new_delta=None if n is None else n.delta,
                    old_reason=None if o is None else o.reason,
                    new_reason=None if n is None else n.reason,
                )
            )
    order = {"vanished": 0, "changed": 1, "appeared": 2}
    out.sort(key=lambda c: (c.rule, c.criterion, order[c.change], c.target))
    return out


def _summary(result: PolicyResult, conflicts: list[ConflictRef]) -> PolicySummary:
    return PolicySummary(
        id=result.id,
        title=result.title,
        verdict=result.verdict,
        employee=result.scores.employee,
        customer=result.scores.customer,
        file=result.file,
        conflicts=[c for c in conflicts if result.id in c.policies],
    )


def _score(old: int, new: int) -> ScoreChange:
    return ScoreChange(old=old, new=new, change=new - old)


def diff_runs(
    old: EvaluationRun, new: EvaluationRun, *, old_label: str = "old", new_label: str = "new"
) -> PolicyDiff:
    """What changed from ``old`` to ``new``: policies added, removed and changed, and conflicts."""
    old_results = {r.id: r for r in old.evaluation.policies}
    new_results = {r.id: r for r in new.evaluation.policies}
    old_conflicts = {_conflict_key(c): ConflictRef.of(c) for c in old.evaluation.conflicts}
    new_conflicts = {_conflict_key(c): ConflictRef.of(c) for c in new.evaluation.conflicts}
    added_conflicts = sorted(
        (c for k, c in new_conflicts.items() if k not in old_conflicts), key=_conflict_order
    )
    removed_conflicts = sorted(
        (c for k, c in old_conflicts.items() if k not in new_conflicts), key=_conflict_order
    )
    all_old = sorted(old_conflicts.values(), key=_conflict_order)
    all_new = sorted(new_conflicts.values(), key=_conflict_order)

    added = [_summary(new_results[i], all_new) for i in sorted(set(new_results) - set(old_results))]
    removed = [_summary(old_results[i], all_old) for i in sorted(set(old_results) - set(new_results))]
    changed: list[PolicyChange] = []
    unchanged: list[str] = []
    for pid in sorted(set(old_results) & set(new_results)):
        o, n = old_results[pid], new_results[pid]
        edited = old.policies[pid].model_dump(mode="json") != new.policies[pid].model_dump(mode="json")
        change = PolicyChange(
            id=pid,
            title=n.title,
            old_title=o.title if o.title != n.title else None,
            old_verdict=o.verdict,
            new_verdict=n.verdict,
            employee=_score(o.scores.employee, n.scores.employee),
            customer=_score(o.scores.customer, n.scores.customer),
            edited=edited,
            contributions=contribution_changes(o.contributions, n.contributions),
            conflicts_added=[c for c in added_conflicts if pid in c.policies],
            conflicts_removed=[c for c in removed_conflicts if pid in c.policies],
            old_file=o.file,
            new_file=n.file,
        )
        if change.edited or change.effect:
            changed.append(change)
        else:
            unchanged.append(pid)
    return PolicyDiff(
        old=old_label,
        new=new_label,
        added=added,
        removed=removed,
        changed=changed,
        unchanged=unchanged,
        conflicts_added=added_conflicts,
        conflicts_removed=removed_conflicts,
    )


# Renderers -----------------------------------------------------------------------------------------
