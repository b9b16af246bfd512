"""pytest-bdd step library for policy features, registered as the pytest plugin ``policyeval``.

HR writes acceptance criteria for the policy library in plain Gherkin::

    Scenario: The pie van lunch ban trades staff rest for phone cover
      Given the policy "breaks/pie-van-lunch-ban"
      When it is evaluated
      Then the verdict is "customer-at-employee-cost"
      And a trade-off conflict is found
      And the best remedy raises the employee impact to at least 0

Installing the package is enough: the plugin registers the steps (see the
README for the full vocabulary) and the ini option ``policyeval_policies``,
the folder the policies are read from, relative to the ini file; the default
is the ``policies`` folder in pytest's rootdir. Settings and rulebook are the
ones the ``policyeval`` command would use there (``policyeval.toml`` or
``[tool.policyeval]``, searched from the rootdir).

A step that fails raises ``PolicyCheckFailed``, an ``AssertionError`` whose
message shows the part of the evaluation that matters (scores, the
contributions behind them, the conflicts found, the remedies offered); the
plugin reports it as that message and the failing step, without a traceback.
A step no definition matches fails the scenario (pytest-bdd's
``StepDefinitionNotFoundError``, left as it is).

State passes between steps in one ``PolicyWorld`` (fixture ``policy_world``):
``Given`` steps replace it, ``When`` steps change it, ``Then`` steps read it and
evaluate first when nothing was evaluated yet or a policy changed since.
"""

from __future__ import annotations

import contextlib
import operator
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pytest
import yaml
from pytest_bdd import given, parsers, then, when

from engine.config import find_settings_file
from engine.conflicts import TRADE_OFF_CODES
from engine.errors import InputError, PolicyevalError
from engine.evaluation import EvaluationRun, evaluate
from engine.guardrails import load_guardrails
from engine.loading import Library, LoadedPolicy, load_policy_text
from engine.policy import Policy, Scope, dump_policy
from engine.project import Project, open_project
from engine.remedies import apply_patch
from engine.results import Conflict, ConflictKind, Contribution, PolicyResult, RemedyResult, Severity, Verdict
from engine.rulebook import Rulebook
from engine.suggest import did_you_mean
from engine.yamldoc import parse_yaml

__all__ = [
    "INI_POLICIES",
    "PolicyCheckFailed",
    "PolicySource",
    "PolicyWorld",
    "compare",
    "conflict_line",
    "conflicts_message",
    "contribution_line",
    "criterion_message",
    "impact_message",
    "policy_root",
    "remedy_line",
    "remedy_message",
    "scores_summary",
    "verdict_message",
]

INI_POLICIES = "policyeval_policies"
"""The ini option naming the policy folder, relative to the ini file."""

VERDICTS: tuple[str, ...] = Verdict.__args__  # type: ignore[attr-defined]
KINDS: tuple[str, ...] = ConflictKind.__args__  # type: ignore[attr-defined]
SEVERITIES: tuple[str, ...] = Severity.__args__  # type: ignore[attr-defined]
SIDES = {
    "employee": "employee",
    "customer": "customer",
    "direct customer": "customer_direct",
    "indirect customer": "customer_indirect",
}
"""How a step names a side score, to its key in the scores."""
COMPARISONS: dict[str, Callable[[float, float], bool]] = {
    "at least": operator.ge,
    "at most": operator.le,
    "above": operator.gt,
    "below": operator.lt,
    "exactly": operator.eq,
}
TOP = 5
"""Contributions shown in a failure message."""
REASON_CHARS = 110
"""Longest reason or explanation shown in a failure message; longer ones are clipped."""

_SOURCE_KEY = pytest.StashKey["PolicySource"]()
_STEP_KEY = pytest.StashKey[str]()


class PolicyCheckFailed(AssertionError):
    """A step's expectation about a policy does not hold; the message shows why."""


def _fail(message: str) -> PolicyCheckFailed:
    """The failure to raise: ``raise _fail(...)`` keeps the raise visible at the call site."""
    return PolicyCheckFailed(message)


# --------------------------------------------------------------------------- messages


def _signed(value: float) -> str:
    return f"{value:+g}"


def _plain(value: float) -> str:
    return f"{value:g}"


def _clip(text: str, limit: int = REASON_CHARS) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 2]
    # Cut at a word boundary when there is one, so no word is shown half.
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut[:-1]).rstrip(" ,;:") + "..."


def compare(actual: float, comparison: str, expected: float) -> bool:
    """Whether ``actual`` is ``comparison`` (at least, at most, above, below, exactly) ``expected``."""
    return COMPARISONS[comparison](actual, expected)


def scores_summary(result: PolicyResult) -> str:
    """``employee -46, customer -4: direct +8, indirect -12``."""
    s = result.scores
    return (
        f"employee {_signed(s.employee)}, customer {_signed(s.customer)}: "
        f"direct {_signed(s.customer_direct)}, indirect {_signed(s.customer_indirect)}"
    )


def contribution_line(contribution: Contribution, *, criterion: bool = True) -> str:
    """One contribution as a message line: ``  BRK001 employee.autonomy -2: reason``."""
    what = f" {contribution.criterion}" if criterion else ""
    return f"  {contribution.rule}{what} {_signed(contribution.delta)}: {_clip(contribution.reason)}"


def _contribution_lines(
    contributions: Iterable[Contribution], *, key: Callable[[Contribution], Any], criterion: bool = True
) -> list[str]:
    chosen = sorted(contributions, key=key)[:TOP]
    if not chosen:
        return ["  (no rule contributed)"]
    return [contribution_line(c, criterion=criterion) for c in chosen]


def verdict_message(result: PolicyResult, expected: str) -> str:
    """Why a policy's verdict is not the one expected: its scores and top contributions."""
    lines = [
        f"expected the verdict {expected!r} for {result.id}, got {result.verdict!r} "
        f"({scores_summary(result)})",
        "top contributions:",
        *_contribution_lines(result.contributions, key=lambda c: -abs(c.delta)),
    ]
    return "\n".join(lines)


def impact_message(result: PolicyResult, side: str, comparison: str, expected: float) -> str:
    """Why a side score misses its bound: the score and the contributions pulling it the wrong way."""
    key = SIDES[side]
    actual = getattr(result.scores, key)
    head = f"expected the {side} impact of {result.id} to be {comparison} {_plain(expected)}, "
    head += f"got {_plain(actual)}"
    if key.startswith("customer"):
        head += (
            f" (customer {_signed(result.scores.customer)}: direct {_signed(result.scores.customer_direct)}, "
        )
        head += f"indirect {_signed(result.scores.customer_indirect)})"
    # Contributions behind the score: the indirect customer part follows the employee score.
    prefix = "customer." if key in ("customer", "customer_direct") else "employee."
    if key == "customer_indirect":
        label = "employee contributions (the indirect customer impact follows the employee impact)"
    else:
        label = f"{prefix[:-1]} contributions"
    wants_higher = comparison in ("at least", "above") or (comparison == "exactly" and actual < expected)
    order = "most negative first" if wants_higher else "most positive first"
    lines = [head, f"{label}, {order}:"]
    relevant = [c for c in result.contributions if c.criterion.startswith(prefix)]
    lines += _contribution_lines(relevant, key=lambda c: c.delta if wants_higher else -c.delta)
    if key == "customer" and result.scores.customer_indirect:
        employee = [c for c in result.contributions if c.criterion.startswith("employee.")]
        lines.append(
            f"employee contributions behind the indirect part ({_signed(result.scores.customer_indirect)}):"
        )
        lines += _contribution_lines(employee, key=lambda c: c.delta if wants_higher else -c.delta)
    return "\n".join(lines)


def criterion_message(
    result: PolicyResult, criterion: str, comparison: str, expected: float, weight: float
) -> str:
    """Why a criterion's weighted value misses its bound: the contributions to it."""
    actual = result.scores.criteria.get(criterion, 0.0)
    lines = [
        f"expected the criterion {criterion} of {result.id} to be {comparison} {_plain(expected)}, "
        f"got {_plain(actual)} (weight {_plain(weight)})",
        f"contributions to {criterion}:",
        *_contribution_lines(
            [c for c in result.contributions if c.criterion == criterion],
            key=lambda c: c.delta,
            criterion=False,
        ),
    ]
    return "\n".join(lines)


def conflict_line(conflict: Conflict) -> str:
    """One conflict as a message line: ``  CODE kind severity, rules: explanation``."""
    where = ", ".join(conflict.rules or conflict.policies)
    text = _clip(conflict.explanation, 2 * REASON_CHARS)
    if conflict.citation and conflict.citation not in text:
        text += f" [{conflict.citation}]"
    return f"  {conflict.code} {conflict.kind} {conflict.severity}, {where}: {text}"


def conflicts_message(headline: str, conflicts: Sequence[Conflict], *, label: str = "conflicts found") -> str:
    """A headline and the conflicts behind it, one a line (``none`` when there are none)."""
    if not conflicts:
        return f"{headline}\n{label}: none"
    return "\n".join([headline, f"{label}:", *(conflict_line(c) for c in conflicts)])


def remedy_line(remedy: RemedyResult) -> str:
    """One remedy as a message line: where it patches, the scores after, whether it resolves."""
    after = remedy.scores_after
    target = f"{remedy.patch.get('policy')}/rules[{remedy.patch.get('rule_index')}]"
    resolves = "resolves the conflict" if remedy.resolves else "does not resolve the conflict"
    new = f", new conflicts: {', '.join(remedy.new_conflicts)}" if remedy.new_conflicts else ""
    sides = [
        f"{side} {_signed(after[side] - after[side + '_change'])} -> {_signed(after[side])}"
        for side in ("employee", "customer")
    ]
    return f"  {remedy.code} on {target}: {', '.join(sides)}, {resolves}{new}: {_clip(remedy.summary)}"


def remedy_message(headline: str, conflict: Conflict) -> str:
    """A headline and the remedies a conflict offers, best first."""
    if not conflict.remedies:
        return f"{headline}\nremedies: none"
    return "\n".join([headline, "remedies, best first:", *(remedy_line(r) for r in conflict.remedies)])


def _conflict_name(conflict: Conflict) -> str:
    return f"{conflict.code} ({', '.join(conflict.rules or conflict.policies)})"


# --------------------------------------------------------------------------- where policies come from


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
                raise _fail(
                    f"no policy folder {self.root}: set the ini option {INI_POLICIES} "
                    "to the folder that holds the policies"
                )
            try:
                self._project = open_project([self.root], config=self.settings_file)
            except PolicyevalError as err:
                raise _fail(f"cannot load the policies in {self.root}:\n{err}") from None
        return self._project


def policy_root(config: pytest.Config) -> Path:
    """The policy folder: ini option policyeval_policies (relative to the ini file) or rootdir/policies."""
    value = str(config.getini(INI_POLICIES) or "").strip()
    if not value:
        return config.rootpath / "policies"
    path = Path(value)
    if path.is_absolute():
        return path
    base = config.inipath.parent if config.inipath is not None else config.rootpath
    return base / path


def _source(config: pytest.Config) -> PolicySource:
    source = config.stash.get(_SOURCE_KEY, None)
    if source is None:
        source = PolicySource(policy_root(config), find_settings_file(config.rootpath))
        config.stash[_SOURCE_KEY] = source
    return source


# --------------------------------------------------------------------------- the world


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
        raise _fail(f"no policy {name!r} in {self.source.root}{did_you_mean(name, choices)}")

    def folder(self, name: str) -> list[LoadedPolicy]:
        """The policies in a folder of the library (``calls``), by file key."""
        prefix = name.strip("/") + "/"
        found = [p for p in self.library if p.key.startswith(prefix)]
        if not found:
            folders = sorted({p.key.rsplit("/", 1)[0] for p in self.library if "/" in p.key})
            raise _fail(
                f"no policies in a folder {name!r} of {self.source.root}{did_you_mean(name, folders)}"
            )
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
            raise _fail('no policy chosen: start the scenario with Given the policy "<key or id>"')
        if len(self.selection) == 1:
            return self.selection[0]
        raise _fail(
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
            raise _fail('no policy chosen: start the scenario with Given the policy "<key or id>"')
        ids = list(self.library.ids) if self.with_library else self.selection
        policies = [self.policy(pid) for pid in ids]
        files = {p.id: p.file for p in self.library}
        try:
            self.run = evaluate(policies, rulebook=self.rulebook, files=files)
        except PolicyevalError as err:
            raise _fail(f"cannot evaluate {self.subject()}: {err}") from None
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
            raise _fail(
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
            raise _fail(conflicts_message(f"expected a conflict for {self.subject()}, found none", found))
        raise _fail(
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
            raise _fail(remedy_message(f"conflict {_conflict_name(conflict)} offers no remedy", conflict))
        return conflict, conflict.remedies[0]

    # -- changing

    def apply(self, remedy: RemedyResult) -> None:
        """Apply a remedy's patch to its policy; the next check evaluates again."""
        pid = str(remedy.patch.get("policy"))
        index = int(remedy.patch.get("rule_index", 0))
        values = remedy.patch.get("set", {})
        try:
            patched = apply_patch(self.policy(pid), index, values, remedy=remedy.code)
        except PolicyevalError as err:
            raise _fail(f"cannot apply remedy {remedy.code}: {err}") from None
        self.changed[pid] = patched
        self.stale = True
        self.conflict = None
        self.remedy = remedy

    def change(self, where: str | int | None, name: str, text: str) -> None:
        """Set a field of the policy in focus to a YAML value: top level or scope (``where``), rule
        number ``where`` (1 is the first), or the first rule that has the field (``where`` None)."""
        pid = self.focused()
        policy = self.policy(pid)
        try:
            value = parse_yaml(text, "<step>").data
        except InputError as err:
            raise _fail(f"cannot read the value {text!r} as YAML: {err.problems[0].message}") from None
        data = dump_policy(policy)
        path = name.split(".")
        head = path[0]
        if where == "policy":
            if head in ("id", "scope", "rules"):
                raise _fail(
                    f"cannot change {head} of {pid} this way; change a field of its scope or of a rule"
                )
            known = [n for n in _field_names(Policy) if n not in ("id", "scope", "rules")]
            if head not in known:
                raise _fail(_unknown_field(pid, name, policy))
            target: dict[str, Any] = data
            shown = name
        elif where == "scope":
            known = _field_names(Scope)
            if head not in known:
                raise _fail(
                    f"a policy's scope has no field {head!r}{did_you_mean(head, known)}; "
                    f"it has {', '.join(known)}"
                )
            target = data.setdefault("scope", {})
            shown = f"scope {name}"
        else:
            index = self._rule_index(pid, policy, head, where)
            target = data["rules"][index]
            shown = f"{name} of rule {index + 1} ({policy.rules[index].kind})"
        _set_path(target, path, value)
        label = f"{pid} with {shown} changed to {text}"
        try:
            changed = load_policy_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), label)
        except InputError as err:
            details = "\n".join(f"  {_problem_text(p.path, p.message, p.suggestion)}" for p in err.problems)
            raise _fail(
                f"cannot change {shown} of {pid} to {text}: the policy would be invalid:\n{details}"
            ) from None
        self.changed[pid] = changed
        self.stale = True
        self.conflict = None

    def _rule_index(self, pid: str, policy: Policy, head: str, where: str | int | None) -> int:
        if isinstance(where, int):
            if not 1 <= where <= len(policy.rules):
                raise _fail(
                    f"{pid} has {len(policy.rules)} rule(s); there is no rule {where} (rule 1 is the first)"
                )
            index = where - 1
            known = _field_names(type(policy.rules[index]))
            if head not in known:
                kind = policy.rules[index].kind
                raise _fail(
                    f"rule {where} of {pid} ({kind}) has no field {head!r}{did_you_mean(head, known)}; "
                    f"its fields: {', '.join(n for n in known if n != 'kind')}"
                )
            return index
        for index, rule in enumerate(policy.rules):
            if head in _field_names(type(rule)):
                return index
        raise _fail(_unknown_field(pid, head, policy))


def _field_names(model: type[Any]) -> list[str]:
    """A model's field names as written in YAML (aliases where set), ``note`` last."""
    names = [info.alias or name for name, info in model.model_fields.items()]
    return sorted(names, key=lambda n: n == "note")


def _unknown_field(pid: str, name: str, policy: Policy) -> str:
    top = [n for n in _field_names(Policy) if n not in ("id", "scope", "rules")]
    rules = [
        (i, r.kind, [n for n in _field_names(type(r)) if n != "kind"]) for i, r in enumerate(policy.rules)
    ]
    choices = top + [n for _, _, names in rules for n in names] + _field_names(Scope)
    lines = [f"{pid} has no field {name!r}{did_you_mean(name, choices)}", f"  policy: {', '.join(top)}"]
    lines += [f"  rule {i + 1} ({kind}): {', '.join(names)}" for i, kind, names in rules]
    lines.append(f"  scope (When its scope <field> is changed to ...): {', '.join(_field_names(Scope))}")
    return "\n".join(lines)


def _set_path(target: dict[str, Any], path: Sequence[str], value: Any) -> None:
    for part in path[:-1]:
        child = target.get(part)
        if not isinstance(child, dict):
            child = {}
            target[part] = child
        target = child
    if value is None:
        target.pop(path[-1], None)
    else:
        target[path[-1]] = value


def _problem_text(path: str, message: str, suggestion: str | None) -> str:
    text = f"{path}: {message}" if path else message
    return text + (f" (did you mean {suggestion!r}?)" if suggestion else "")


def _word(kind: str, value: str, choices: Sequence[str]) -> str:
    """Check a word against its choices (verdicts, kinds, severities); a typo fails with a suggestion."""
    if value not in choices:
        raise _fail(f"unknown {kind} {value!r}{did_you_mean(value, choices)}; known: {', '.join(choices)}")
    return value


# --------------------------------------------------------------------------- plugin hooks


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register the ini option naming the policy folder."""
    parser.addini(
        INI_POLICIES,
        "Folder of the policies BDD features check, relative to the ini file (default: rootdir/policies).",
        default="",
    )


@pytest.fixture
def policy_world(request: pytest.FixtureRequest) -> PolicyWorld:
    """The state of a policy scenario; ``Given`` steps replace it."""
    return PolicyWorld(_source(request.config))


def pytest_bdd_step_error(
    request: pytest.FixtureRequest, feature: Any, scenario: Any, step: Any, exception: Exception
) -> None:
    """Remember which step failed, for the report."""
    if isinstance(exception, PolicyCheckFailed):
        file = Path(feature.filename)
        with contextlib.suppress(ValueError):  # a feature outside the rootdir keeps its absolute path
            file = file.relative_to(request.config.rootpath)
        request.node.stash[_STEP_KEY] = f"{step.keyword} {step.name}  ({file.as_posix()}:{step.line_number})"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Report a failed policy check as its message and the failing step, without a traceback."""
    report = yield
    if call.excinfo is not None and call.excinfo.errisinstance(PolicyCheckFailed):
        longrepr = call.excinfo.getrepr(style="value")
        if longrepr.reprcrash is not None:
            # The summary line (-ra) shows the message's first line, not the exception's class.
            longrepr.reprcrash.message = str(call.excinfo.value)
        report.longrepr = longrepr
        step = item.stash.get(_STEP_KEY, None)
        if step is not None:
            report.sections.append(("failing step", step))
    return report


# --------------------------------------------------------------------------- step argument types


_Parsed = TypeVar("_Parsed")


def _typed(pattern: str, convert: Callable[[str], _Parsed]) -> Callable[[str], _Parsed]:
    """A ``parse`` type: ``convert`` applied to text matching ``pattern``."""

    def parse_text(text: str) -> _Parsed:
        return convert(text)

    parse_text.pattern = pattern  # type: ignore[attr-defined]
    return parse_text


def _number(text: str) -> float:
    value = float(text)
    return int(value) if value.is_integer() else value


TYPES: dict[str, Callable[[str], Any]] = {
    "Number": _typed(r"[+-]?\d+(?:\.\d+)?", _number),
    "Comparison": _typed("|".join(COMPARISONS), str),
    "Side": _typed("|".join(sorted(SIDES, key=len, reverse=True)), str),
    "Field": _typed(r"[A-Za-z_][A-Za-z0-9_.]*", str),
    "Word": _typed(r"[A-Za-z][A-Za-z-]*", str),
}


def _parse(text: str) -> Any:
    return parsers.parse(text, extra_types=TYPES)


# --------------------------------------------------------------------------- Given


@given(_parse('the policy "{name}"'), target_fixture="policy_world")
def _(request: pytest.FixtureRequest, name: str) -> PolicyWorld:
    world = PolicyWorld(_source(request.config))
    loaded = world.find(name)
    world.choose([loaded.id], loaded.id)
    return world


@given(_parse('the policies "{first}" and "{second}"'), target_fixture="policy_world")
def _(request: pytest.FixtureRequest, first: str, second: str) -> PolicyWorld:
    world = PolicyWorld(_source(request.config))
    a, b = world.find(first), world.find(second)
    world.choose([a.id, b.id], a.id)
    return world


@given(_parse('the policies in "{folder}"'), target_fixture="policy_world")
def _(request: pytest.FixtureRequest, folder: str) -> PolicyWorld:
    world = PolicyWorld(_source(request.config))
    world.choose([p.id for p in world.folder(folder)], None)
    return world


@given(_parse("the policy library"), target_fixture="policy_world")
def _(request: pytest.FixtureRequest) -> PolicyWorld:
    world = PolicyWorld(_source(request.config))
    world.choose(world.library.ids, None)
    return world


# --------------------------------------------------------------------------- When (changes also as Given)


@when(_parse("it is evaluated"))
@when(_parse("they are evaluated"))
def _(policy_world: PolicyWorld) -> None:
    policy_world.with_library = False
    policy_world.evaluate()


@when(_parse("it is evaluated with the policy library"))
@when(_parse("they are evaluated with the policy library"))
def _(policy_world: PolicyWorld) -> None:
    policy_world.with_library = True
    policy_world.evaluate()


@given(_parse("its {name:Field} is changed to {value}"))
@when(_parse("its {name:Field} is changed to {value}"))
def _(policy_world: PolicyWorld, name: str, value: str) -> None:
    top = [n for n in _field_names(Policy) if n not in ("id", "scope", "rules")]
    policy_world.change("policy" if name.split(".")[0] in top else None, name, value)


@given(_parse("its scope {name:Field} is changed to {value}"))
@when(_parse("its scope {name:Field} is changed to {value}"))
def _(policy_world: PolicyWorld, name: str, value: str) -> None:
    policy_world.change("scope", name, value)


@given(_parse("rule {number:d}'s {name:Field} is changed to {value}"))
@when(_parse("rule {number:d}'s {name:Field} is changed to {value}"))
def _(policy_world: PolicyWorld, number: int, name: str, value: str) -> None:
    policy_world.change(number, name, value)


@when(_parse("the best remedy is applied"))
def _(policy_world: PolicyWorld) -> None:
    _, remedy = policy_world.best_remedy()
    policy_world.apply(remedy)


@when(_parse('remedy "{code}" is applied'))
def _(policy_world: PolicyWorld, code: str) -> None:
    _word("remedy", code, sorted(policy_world.rulebook.remedies))
    if policy_world.conflict is not None and not policy_world.stale:
        conflicts = [policy_world.conflict]
    else:
        conflicts = policy_world.conflicts()
    for conflict in conflicts:
        for remedy in conflict.remedies:
            if remedy.code == code:
                policy_world.apply(remedy)
                return
    offered = [f"{c.code}: {', '.join(r.code for r in c.remedies) or 'none'}" for c in conflicts]
    raise _fail(
        f"no conflict of {policy_world.subject()} offers remedy {code}; remedies offered: "
        + ("; ".join(offered) if offered else "none (no conflicts found)")
    )


# --------------------------------------------------------------------------- Then: verdicts and scores


def _check_verdict(world: PolicyWorld, policy_id: str | None, verdict: str) -> None:
    _word("verdict", verdict, VERDICTS)
    result = world.result(policy_id)
    if result.verdict != verdict:
        raise _fail(verdict_message(result, verdict))


@then(_parse('the verdict is "{verdict}"'))
def _(policy_world: PolicyWorld, verdict: str) -> None:
    _check_verdict(policy_world, None, verdict)


@then(_parse('the verdict of "{name}" is "{verdict}"'))
def _(policy_world: PolicyWorld, name: str, verdict: str) -> None:
    _check_verdict(policy_world, policy_world.find(name).id, verdict)


@then(_parse("the {side:Side} impact is {comparison:Comparison} {value:Number}"))
def _(policy_world: PolicyWorld, side: str, comparison: str, value: float) -> None:
    result = policy_world.result()
    if not compare(getattr(result.scores, SIDES[side]), comparison, value):
        raise _fail(impact_message(result, side, comparison, value))


@then(_parse('the criterion "{criterion}" is {comparison:Comparison} {value:Number}'))
def _(policy_world: PolicyWorld, criterion: str, comparison: str, value: float) -> None:
    criteria = policy_world.rulebook.criteria_by_id
    _word("criterion", criterion, list(criteria))
    result = policy_world.result()
    if not compare(result.scores.criteria.get(criterion, 0.0), comparison, value):
        raise _fail(criterion_message(result, criterion, comparison, value, criteria[criterion].weight))


def _fired(world: PolicyWorld, code: str) -> tuple[PolicyResult, list[str]]:
    impact_codes = [r.code for r in world.rulebook.impact_rules]
    _word("impact rule", code, impact_codes)
    result = world.result()
    run = world.current()
    trace = run.traces.get(result.id)
    fired = [f.code for f in trace.firings] if trace is not None else []
    fired += [c.rule for c in result.contributions]
    return result, list(dict.fromkeys(fired))


@then(_parse('rule "{code}" fired'))
def _(policy_world: PolicyWorld, code: str) -> None:
    result, fired = _fired(policy_world, code)
    if code not in fired:
        shown = ", ".join(sorted(fired)) or "none"
        raise _fail(
            f"expected rule {code} to fire for {result.id}, but it did not; rules that fired: {shown}"
        )


@then(_parse('rule "{code}" did not fire'))
def _(policy_world: PolicyWorld, code: str) -> None:
    result, fired = _fired(policy_world, code)
    if code in fired:
        lines = [f"expected rule {code} not to fire for {result.id}, but it did:"]
        lines += [contribution_line(c) for c in result.contributions if c.rule == code] or [f"  {code}"]
        raise _fail("\n".join(lines))


@then(_parse('the policy\'s explanation mentions "{text}"'))
def _(policy_world: PolicyWorld, text: str) -> None:
    result = policy_world.result()
    if not any(text.lower() in c.reason.lower() for c in result.contributions):
        lines = [f"expected the explanation of {result.id} to mention {text!r}; its reasons:"]
        reasons = {c.rule: c.reason for c in result.contributions}
        lines += [f"  {rule}: {_clip(reason)}" for rule, reason in reasons.items()] or [
            "  (no rule contributed)"
        ]
        raise _fail("\n".join(lines))


@then(_parse("every policy in the library has a verdict"))
def _(policy_world: PolicyWorld) -> None:
    run = policy_world.current()
    results = {r.id: r for r in run.evaluation.policies}
    missing = [pid for pid in policy_world.library.ids if pid not in results]
    if missing:
        raise _fail(
            f"{len(missing)} of {len(policy_world.library)} policies in the library were not evaluated: "
            f"{', '.join(missing)} (start with Given the policy library)"
        )
    wrong = [r for r in results.values() if r.verdict not in VERDICTS]
    if wrong:
        raise _fail("policies without a verdict: " + ", ".join(f"{r.id} ({r.verdict!r})" for r in wrong))


@then(_parse('no policy is "{verdict}"'))
def _(policy_world: PolicyWorld, verdict: str) -> None:
    _word("verdict", verdict, VERDICTS)
    found = [r for r in policy_world.current().evaluation.policies if r.verdict == verdict]
    if found:
        lines = [f"expected no policy to be {verdict!r}, found {len(found)}:"]
        for result in found:
            worst = min(result.contributions, key=lambda c: c.delta, default=None)
            why = f"; worst: {contribution_line(worst).strip()}" if worst is not None else ""
            lines.append(f"  {result.id} ({scores_summary(result)}){why}")
        raise _fail("\n".join(lines))


# --------------------------------------------------------------------------- Then: conflicts


def _of_kind(world: PolicyWorld, kind: str) -> list[Conflict]:
    _word("conflict kind", kind, KINDS)
    return [c for c in world.conflicts() if c.kind == kind]


def _legal_note(world: PolicyWorld) -> str:
    if world.focus is None:
        return ""
    note = world.result().legal
    return f"\nlegal: {note}" if note else ""


@then(_parse("a {kind:Word} conflict is found"))
@then(_parse("an {kind:Word} conflict is found"))
def _(policy_world: PolicyWorld, kind: str) -> None:
    found = _of_kind(policy_world, kind)
    if not found:
        headline = f"expected a {kind} conflict for {policy_world.subject()}, found none"
        message = conflicts_message(headline, policy_world.conflicts())
        raise _fail(message + (_legal_note(policy_world) if kind == "guardrail" else ""))
    policy_world.conflict = found[0]


@then(_parse("no {kind:Word} conflict is found"))
def _(policy_world: PolicyWorld, kind: str) -> None:
    found = _of_kind(policy_world, kind)
    if found:
        headline = f"expected no {kind} conflict for {policy_world.subject()}, found {len(found)}"
        raise _fail(conflicts_message(headline, found, label=f"{kind} conflicts"))


@then(_parse("no conflict is found"))
def _(policy_world: PolicyWorld) -> None:
    found = policy_world.conflicts()
    if found:
        raise _fail(
            conflicts_message(f"expected no conflict for {policy_world.subject()}, found {len(found)}", found)
        )


@then(_parse('a {kind:Word} conflict cites "{text}"'))
@then(_parse('an {kind:Word} conflict cites "{text}"'))
def _(policy_world: PolicyWorld, kind: str, text: str) -> None:
    found = _of_kind(policy_world, kind)
    needle = text.lower()
    for conflict in found:
        if needle in (conflict.citation or "").lower() or needle in conflict.explanation.lower():
            policy_world.conflict = conflict
            return
    headline = f"expected a {kind} conflict citing {text!r} for {policy_world.subject()}"
    if found:
        message = conflicts_message(headline, found, label=f"{kind} conflicts found")
    else:
        message = conflicts_message(f"{headline}, found no {kind} conflict", policy_world.conflicts())
    raise _fail(message + (_legal_note(policy_world) if kind == "guardrail" else ""))


def _known_conflict_codes(world: PolicyWorld) -> list[str]:
    codes = [r.code for r in world.rulebook.conflict_rules] + list(TRADE_OFF_CODES)
    codes += [req.code for pack in load_guardrails().values() for req in pack.requirements]
    return codes


@then(_parse('conflict "{code}" is found'))
def _(policy_world: PolicyWorld, code: str) -> None:
    _word("conflict code", code, _known_conflict_codes(policy_world))
    for conflict in policy_world.conflicts():
        if conflict.code == code:
            policy_world.conflict = conflict
            return
    headline = f"expected conflict {code} for {policy_world.subject()}, found none"
    raise _fail(conflicts_message(headline, policy_world.conflicts()))


@then(_parse('conflict "{code}" is not found'))
def _(policy_world: PolicyWorld, code: str) -> None:
    _word("conflict code", code, _known_conflict_codes(policy_world))
    found = [c for c in policy_world.conflicts() if c.code == code]
    if found:
        headline = f"expected no conflict {code} for {policy_world.subject()}, found {len(found)}"
        raise _fail(conflicts_message(headline, found))


@then(_parse('the conflict\'s severity is "{severity}"'))
def _(policy_world: PolicyWorld, severity: str) -> None:
    _word("severity", severity, SEVERITIES)
    conflict = policy_world.the_conflict()
    if conflict.severity != severity:
        raise _fail(
            f"expected the severity {severity!r} for conflict {_conflict_name(conflict)}, "
            f"got {conflict.severity!r}\n{conflict_line(conflict)}"
        )


@then(_parse('the conflict involves the policy "{name}"'))
def _(policy_world: PolicyWorld, name: str) -> None:
    pid = policy_world.find(name).id
    conflict = policy_world.the_conflict()
    if pid not in conflict.policies:
        raise _fail(
            f"expected conflict {_conflict_name(conflict)} to involve {pid}, "
            f"it involves {', '.join(conflict.policies)}\n{conflict_line(conflict)}"
        )


# --------------------------------------------------------------------------- Then: remedies


@then(_parse('remedy "{code}" is offered'))
def _(policy_world: PolicyWorld, code: str) -> None:
    _word("remedy", code, sorted(policy_world.rulebook.remedies))
    conflict = policy_world.the_conflict()
    if not any(r.code == code for r in conflict.remedies):
        raise _fail(
            remedy_message(f"expected conflict {_conflict_name(conflict)} to offer remedy {code}", conflict)
        )


@then(_parse('the best remedy is "{code}"'))
def _(policy_world: PolicyWorld, code: str) -> None:
    _word("remedy", code, sorted(policy_world.rulebook.remedies))
    conflict, remedy = policy_world.best_remedy()
    if remedy.code != code:
        headline = f"expected the best remedy for {_conflict_name(conflict)} to be {code}, got {remedy.code}"
        raise _fail(remedy_message(headline, conflict))


@then(_parse("the best remedy raises the {side:Side} impact to {comparison:Comparison} {value:Number}"))
def _(policy_world: PolicyWorld, side: str, comparison: str, value: float) -> None:
    key = SIDES[side]
    if key not in ("employee", "customer"):
        raise _fail(f"remedies report the employee and customer impact only, not the {side} impact")
    conflict, remedy = policy_world.best_remedy()
    actual = remedy.scores_after[key]
    if not compare(actual, comparison, value):
        headline = (
            f"expected the best remedy for {_conflict_name(conflict)} to bring the {side} impact of "
            f"{remedy.patch.get('policy')} to {comparison} {_plain(value)}, "
            f"got {_plain(actual)} ({remedy.code})"
        )
        raise _fail(remedy_message(headline, conflict))


@then(_parse("the best remedy resolves the conflict"))
def _(policy_world: PolicyWorld) -> None:
    conflict, remedy = policy_world.best_remedy()
    if not remedy.resolves:
        headline = (
            f"expected the best remedy for {_conflict_name(conflict)} to resolve it; {remedy.code} does not"
        )
        raise _fail(remedy_message(headline, conflict))
