"""Proposals against what is in force: ``replaces`` and ``alternative_to``.

A policy that ``replaces`` an adopted one is a change to it: the two never
hold at once. A policy that is an ``alternative_to`` another is one option of
a decision of which at most one is adopted; options are grouped (a policy
that names an option joins that option's group, so three ways of covering
lunch form one group whichever of them each one names).

- ``reference_problems`` / ``check_references``: every ``replaces`` and
  ``alternative_to`` names a policy of the library (located, with did you
  mean), and a policy replaces only a policy in force (``status: adopted``).
  Run where the whole library is known: a policy loaded alone may name one
  that was not loaded with it.
- ``exclusive``: the pairs of policies that never hold at once (a policy and
  the one it replaces, two options of one decision); a conflict between such a
  pair is not a conflict anyone will meet, and ``policyweigh.orchestration``
  drops it.
- ``compare``: each policy's result gains ``replaces`` (its scores, criteria,
  contributions and conflicts as a change against the policy it replaces),
  ``replaced_by`` and ``alternatives`` (the other options, side by side). A
  policy whose counterpart is not evaluated with it (a scenario that picks one
  policy) is compared with nothing.

The change reuses ``policyweigh.diff``: contributions are matched as a diff
of two versions matches them, and conflicts by ``conflict_identity`` with the
two policies in the same seat. A conflict of the replaced policy with a
third policy is the same conflict as the proposal's with that policy when
code and the third policy's rules agree, whichever rule of its own each uses.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from policyweigh.conflicts import conflict_identity
from policyweigh.diff import contribution_changes
from policyweigh.errors import InputError, Problem
from policyweigh.loading import Library
from policyweigh.policy import Policy
from policyweigh.results import (
    Alternative,
    Conflict,
    ConflictRef,
    Evaluation,
    PolicyResult,
    Replacement,
    parse_rule_ref,
)
from policyweigh.suggest import closest, quote

__all__ = [
    "Exclusive",
    "alternative_groups",
    "check_references",
    "compare",
    "exclusive",
    "reference_problems",
    "replacement",
]

IN_FORCE = "adopted"
"""The status of a policy that a proposal may replace."""
_FIELDS = ("replaces", "alternative_to")


def reference_problems(library: Library) -> list[Problem]:
    """Every ``replaces`` and ``alternative_to`` that names no policy of ``library``, or names one it
    cannot (a replaced policy that is not in force), located at the field, sorted."""
    by_id = {loaded.id: loaded for loaded in library}
    problems: list[Problem] = []
    for loaded in library:
        for field in _FIELDS:
            target = getattr(loaded.policy, field)
            if target is None:
                continue
            line, column = loaded.position(field)
            found = by_id.get(target)
            if found is None:
                suggestion = closest(target, [i for i in by_id if i != loaded.id])
                message = f"no policy with id {quote(target)} in the library"
                if suggestion is None:
                    message += " (the policies loaded together: name its folder or file as well)"
                problems.append(Problem(loaded.file, line, column, field, message, suggestion))
            elif field == "replaces" and found.policy.status != IN_FORCE:
                status = found.policy.status
                message = f"{quote(target)} is {status}, not in force: a policy replaces an adopted one" + (
                    " (once the replacement is adopted and the old one retired, drop replaces)"
                    if status == "retired"
                    else f"; for options of which at most one is adopted, write alternative_to: {target}"
                )
                problems.append(Problem(loaded.file, line, column, field, message))
    return sorted(problems, key=lambda p: (p.file, p.line, p.column, p.path, p.message))


def check_references(library: Library) -> Library:
    """``library`` when every reference holds; else raise ``InputError`` with ``reference_problems``."""
    problems = reference_problems(library)
    if problems:
        raise InputError(problems)
    return library


def alternative_groups(policies: Mapping[str, Policy]) -> list[tuple[str, ...]]:
    """The options of each decision among ``policies``: groups of two or more ids, each sorted.

    A policy and the policy its ``alternative_to`` names are in one group, and so
    are the groups they were in; a name outside ``policies`` joins nothing.
    """
    parent = {pid: pid for pid in policies}

    def root(pid: str) -> str:
        while parent[pid] != pid:
            parent[pid] = parent[parent[pid]]
            pid = parent[pid]
        return pid

    for pid, policy in sorted(policies.items()):
        other = policy.alternative_to
        if other is not None and other in parent:
            a, b = sorted((root(pid), root(other)))
            parent[b] = a
    groups: dict[str, list[str]] = {}
    for pid in sorted(policies):
        groups.setdefault(root(pid), []).append(pid)
    return [tuple(members) for members in groups.values() if len(members) > 1]


@dataclass(frozen=True)
class Exclusive:
    """Pairs of policies that never hold at once: a policy and the one it replaces, two options."""

    pairs: frozenset[frozenset[str]] = frozenset()

    def apart(self, conflict: Conflict) -> bool:
        """Whether a conflict is between two policies that never hold at once."""
        involved = sorted(set(conflict.policies))
        return any(frozenset((a, b)) in self.pairs for i, a in enumerate(involved) for b in involved[i + 1 :])

    def keep(self, conflicts: Iterable[Conflict]) -> list[Conflict]:
        """The conflicts between policies that can hold at once."""
        return [c for c in conflicts if not self.apart(c)]


def exclusive(policies: Mapping[str, Policy]) -> Exclusive:
    """The pairs of ``policies`` that never hold at once."""
    pairs = {
        frozenset((pid, policy.replaces))
        for pid, policy in policies.items()
        if policy.replaces is not None and policy.replaces in policies and policy.replaces != pid
    }
    for group in alternative_groups(policies):
        pairs.update(frozenset((a, b)) for i, a in enumerate(group) for b in group[i + 1 :])
    return Exclusive(frozenset(pairs))


_SEAT = "*"
"""Stands for the replaced policy and its proposal alike when conflicts are compared."""


def _seated(conflict: Conflict, policy_id: str) -> tuple[str, ...]:
    """The identity of a conflict with ``policy_id`` (and its rules, whichever) put in the common seat."""

    def rule(ref: str) -> str:
        owner, _ = parse_rule_ref(ref)
        return _SEAT if owner == policy_id else ref

    seated = conflict.model_copy(
        update={
            "policies": sorted(_SEAT if p == policy_id else p for p in conflict.policies),
            "rules": sorted({rule(r) for r in conflict.rules}),
        }
    )
    return conflict_identity(seated)


def replacement(proposal: PolicyResult, replaced: PolicyResult, conflicts: Sequence[Conflict]) -> Replacement:
    """``proposal`` as a change against ``replaced``: scores, criteria, contributions and conflicts.

    ``conflicts`` are the evaluation's (those between the two are not among them:
    they never hold at once).
    """
    before = [c for c in conflicts if replaced.id in c.policies and proposal.id not in c.policies]
    after = [c for c in conflicts if proposal.id in c.policies and replaced.id not in c.policies]
    before_keys = {_seated(c, replaced.id) for c in before}
    after_keys = {_seated(c, proposal.id) for c in after}
    old, new = replaced.scores.criteria, proposal.scores.criteria
    criteria = {
        name: round(new.get(name, 0.0) - old.get(name, 0.0), 4) for name in sorted(set(old) | set(new))
    }
    return Replacement(
        id=replaced.id,
        title=replaced.title,
        verdict=replaced.verdict,
        employee=replaced.scores.employee,
        customer=replaced.scores.customer,
        employee_change=proposal.scores.employee - replaced.scores.employee,
        customer_change=proposal.scores.customer - replaced.scores.customer,
        criteria={name: delta for name, delta in criteria.items() if delta},
        contributions=contribution_changes(replaced.contributions, proposal.contributions),
        conflicts_gone=[ConflictRef.of(c) for c in before if _seated(c, replaced.id) not in after_keys],
        conflicts_new=[ConflictRef.of(c) for c in after if _seated(c, proposal.id) not in before_keys],
    )


def _alternative(result: PolicyResult) -> Alternative:
    return Alternative(
        id=result.id,
        title=result.title,
        verdict=result.verdict,
        employee=result.scores.employee,
        customer=result.scores.customer,
    )


def compare(evaluation: Evaluation, policies: Mapping[str, Policy]) -> Evaluation:
    """A copy of ``evaluation`` whose results say what each policy replaces, is replaced by, and is
    an option to, among the policies evaluated (``policies``: id to policy)."""
    results = {r.id: r for r in evaluation.policies}
    options = {pid: group for group in alternative_groups(policies) for pid in group}
    replaced_by: dict[str, list[str]] = {}
    for pid in sorted(results):
        target = policies[pid].replaces if pid in policies else None
        if target is not None and target in results and target != pid:
            replaced_by.setdefault(target, []).append(pid)

    # Each proposal reads the conflicts of two policies: index them once, not scan them all per proposal.
    involving: dict[str, list[int]] = {}
    if replaced_by:
        for at, conflict in enumerate(evaluation.conflicts):
            for pid in dict.fromkeys(conflict.policies):
                involving.setdefault(pid, []).append(at)

    def settle(result: PolicyResult) -> PolicyResult:
        update: dict[str, object] = {}
        target = policies[result.id].replaces if result.id in policies else None
        if target is not None and target in results and target != result.id:
            positions = sorted({*involving.get(target, ()), *involving.get(result.id, ())})
            seen = [evaluation.conflicts[at] for at in positions]
            update["replaces"] = replacement(result, results[target], seen)
        if result.id in replaced_by:
            update["replaced_by"] = replaced_by[result.id]
        others = [results[o] for o in options.get(result.id, ()) if o != result.id and o in results]
        if others:
            update["alternatives"] = [_alternative(o) for o in others]
        return result.model_copy(update=update) if update else result

    return evaluation.model_copy(update={"policies": [settle(r) for r in evaluation.policies]})
