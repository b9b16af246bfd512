"""What a policy scenario has chosen, changed and evaluated: ``PolicyWorld``, and where policies come from.

The policies of a test session are the folder named by the ini option
``policyweigh_policies`` (relative to the ini file), or ``policies/`` in pytest's
rootdir; they are loaded once per session (``PolicySource``), with the settings
and rulebook the ``policyweigh`` command would use there (``policyweigh.toml`` or
``[tool.policyweigh]``, searched from the rootdir).

State passes between steps in one ``PolicyWorld`` (fixture ``policy_world``):
``Given`` steps replace it, ``When`` steps change it, ``Then`` steps read it and
evaluate first when nothing was evaluated yet or a policy changed since.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from policyweigh.bdd.messages import conflict_name, conflicts_message, fail, remedy_message
from policyweigh.bdd.patching import Where, apply_remedy, change_field
from policyweigh.bdd.plugin import INI_POLICIES
from policyweigh.config import find_settings_file
from policyweigh.errors import PolicyweighError
from policyweigh.evaluation import EvaluationRun
from policyweigh.loading import Library, LoadedPolicy
from policyweigh.orchestration import evaluate
from policyweigh.policy import Policy
from policyweigh.project import Project, open_project
from policyweigh.results import Conflict, PolicyResult, RemedyResult
from policyweigh.rulebook import Rulebook
from policyweigh.suggest import did_you_mean

__all__ = ["PolicySource", "PolicyWorld", "policy_root", "policy_source"]

_SOURCE_KEY = pytest.StashKey["PolicySource"]()


@dataclass
class PolicySource:
    """The policy folder of a test session and its project, loaded once."""

    root: Path
    settings_file: Path | None = None
    _project: Project | None = field(default=None, repr=False)

    def project(self) -> Project:
        """The library, settings and rulebook; a library that cannot be loaded fails the step."""
        if self._project is None:
            if not self.root.is_dir():
                raise fail(
                    f"no policy folder {self.root}: set the ini option {INI_POLICIES} "
                    "to the folder that holds the policies"
                )
            try:
                self._project = open_project([self.root], config=self.settings_file)
            except PolicyweighError as err:
                raise fail(f"cannot load the policies in {self.root}:\n{err}") from None
        return self._project


def policy_root(config: pytest.Config) -> Path:
    """The policy folder: ini option policyweigh_policies (relative to the ini file) or rootdir/policies."""
    value = str(config.getini(INI_POLICIES) or "").strip()
    if not value:
        return config.rootpath / "policies"
    path = Path(value)
    if path.is_absolute():
        return path
    base = config.inipath.parent if config.inipath is not None else config.rootpath
    return base / path


def policy_source(config: pytest.Config) -> PolicySource:
    """The session's policy source, made on first use."""
    source = config.stash.get(_SOURCE_KEY, None)
    if source is None:
        source = PolicySource(policy_root(config), find_settings_file(config.rootpath))
        config.stash[_SOURCE_KEY] = source
    return source


@dataclass
class PolicyWorld:
    """What a scenario has chosen, changed and evaluated so far."""

    source: PolicySource
    selection: list[str] = field(default_factory=list)
    """Ids of the policies chosen, evaluated together."""
    focus: str | None = None
    """The policy "it" refers to: the one chosen, or the first of two; None for a folder or the library."""
    changed: dict[str, Policy] = field(default_factory=dict)
    """Policies changed by the scenario (fields set, remedies applied), by id."""
    with_library: bool = False
    """Whether the chosen policies are evaluated together with the rest of the library."""
    run: EvaluationRun | None = None
    stale: bool = True
    """Whether a policy changed since the last evaluation."""
    conflict: Conflict | None = None
    """The conflict the last conflict step found, which "the conflict" refers to."""
    remedy: RemedyResult | None = None
    """The last remedy applied."""

    # -- choosing

    @property
    def library(self) -> Library:
        """Every policy in the policy folder."""
        return self.source.project().library

    @property
    def rulebook(self) -> Rulebook:
        """The rulebook policies are evaluated with."""
        return self.source.project().rulebook

    def find(self, name: str) -> LoadedPolicy:
        """A policy by file key (``breaks/pie-van-lunch-ban``) or id; an unknown name fails the step."""
        for loaded in self.library:
            if name in (loaded.key, loaded.id):
                return loaded
        choices = [p.key for p in self.library] + list(self.library.ids)
        raise fail(f"no policy {name!r} in {self.source.root}{did_you_mean(name, choices)}")

    def folder(self, name: str) -> list[LoadedPolicy]:
        """The policies in a folder of the library (``calls``), by file key."""
        prefix = name.strip("/") + "/"
        found = [p for p in self.library if p.key.startswith(prefix)]
        if not found:
            folders = sorted({p.key.rsplit("/", 1)[0] for p in self.library if "/" in p.key})
            raise fail(f"no policies in a folder {name!r} of {self.source.root}{did_you_mean(name, folders)}")
        return found

    def choose(self, ids: Iterable[str], focus: str | None) -> None:
        """Start over with these policies."""
        self.selection = sorted(dict.fromkeys(ids))
        self.focus = focus
        self.changed.clear()
        self.run = None
        self.stale = True
        self.conflict = None
        self.remedy = None

    def policy(self, policy_id: str) -> Policy:
        """A policy as the scenario has it now (changes included)."""
        return self.changed.get(policy_id) or self.find(policy_id).policy

    def focused(self) -> str:
        """The id of the policy "it" refers to; fails when several were chosen without one in focus."""
        if self.focus is not None:
            return self.focus
        if not self.selection:
            raise fail('no policy chosen: start the scenario with Given the policy "<key or id>"')
        if len(self.selection) == 1:
            return self.selection[0]
        raise fail(
            f'{len(self.selection)} policies are evaluated together, so "it" is ambiguous; '
            'name one (Then the verdict of "<id>" is "...") or start with Given the policy "<key or id>"'
        )

    def subject(self) -> str:
        """How messages name what is evaluated."""
        if self.focus is not None:
            return self.focus
        if len(self.selection) == 1:
            return self.selection[0]
        return f"the {len(self.selection)} policies evaluated"

    # -- evaluating

    def evaluate(self) -> EvaluationRun:
        """Evaluate the chosen policies (with the library when asked), changes included."""
        if not self.selection:
            raise fail('no policy chosen: start the scenario with Given the policy "<key or id>"')
        project = self.source.project()
        ids = list(self.library.ids) if self.with_library else self.selection
        policies = [self.policy(pid) for pid in ids]
        files = {p.id: p.file for p in self.library}
        try:
            # The project's settings, as the policyweigh command would use them (the guardrails' edge margin).
            self.run = evaluate(policies, rulebook=project.rulebook, files=files, settings=project.settings)
        except PolicyweighError as err:
            raise fail(f"cannot evaluate {self.subject()}: {err}") from None
        self.stale = False
        self.conflict = None
        return self.run

    def current(self) -> EvaluationRun:
        """The evaluation, made now when there is none or a policy changed since."""
        if self.run is None or self.stale:
            return self.evaluate()
        return self.run

    def result(self, policy_id: str | None = None) -> PolicyResult:
        """The result of one policy (the one in focus by default)."""
        pid = policy_id if policy_id is not None else self.focused()
        run = self.current()
        try:
            return run.result(pid)
        except KeyError:
            evaluated = [r.id for r in run.evaluation.policies]
            raise fail(
                f"{pid!r} is not among the policies evaluated{did_you_mean(pid, evaluated)}: "
                f"{', '.join(evaluated)}"
            ) from None

    def conflicts(self) -> list[Conflict]:
        """Conflicts in view: those involving the policy in focus, or all when there is none."""
        found = self.current().evaluation.conflicts
        if self.focus is None:
            return list(found)
        return [c for c in found if self.focus in c.policies]

    def the_conflict(self) -> Conflict:
        """The conflict "the conflict" refers to: the last one a step found, or the only one in view."""
        if self.conflict is not None and not self.stale:
            return self.conflict
        found = self.conflicts()
        if len(found) == 1:
            self.conflict = found[0]
            return found[0]
        if not found:
            raise fail(conflicts_message(f"expected a conflict for {self.subject()}, found none", found))
        raise fail(
            conflicts_message(
                f'{len(found)} conflicts found for {self.subject()}, so "the conflict" is ambiguous; '
                'name it first (Then conflict "<code>" is found)',
                found,
            )
        )

    def best_remedy(self) -> tuple[Conflict, RemedyResult]:
        """The conflict in view and its best remedy (the engine lists remedies best first)."""
        conflict = self.the_conflict()
        if not conflict.remedies:
            raise fail(remedy_message(f"conflict {conflict_name(conflict)} offers no remedy", conflict))
        return conflict, conflict.remedies[0]

    # -- changing

    def apply(self, remedy: RemedyResult) -> None:
        """Apply a remedy's patch to its policy; the next check evaluates again."""
        pid = remedy.patch.policy
        self.changed[pid] = apply_remedy(self.policy(pid), remedy)
        self.stale = True
        self.conflict = None
        self.remedy = remedy

    def change(self, where: Where, name: str, text: str) -> None:
        """Set a field of the policy in focus to a YAML value (see ``policyweigh.bdd.patching.change_field``)."""
        pid = self.focused()
        self.changed[pid] = change_field(self.policy(pid), where, name, text)
        self.stale = True
        self.conflict = None
