"""The pytest plugin ``policyweigh`` (entry point ``pytest11``): the ini option, and the steps when used.

Installing the package loads this module in every pytest run on the machine,
so it imports only pytest and the standard library. It registers the ini
option ``policyweigh_policies`` (the folder the policies are read from,
relative to the ini file; the default is ``policies/`` in pytest's rootdir),
and registers the step definitions (``policyweigh.bdd.steps``, which imports
pytest-bdd and the engine) and the failure report only when the project uses
them. A project uses them when either:

- the ini option ``policyweigh_policies`` is set, or
- pytest-bdd's ini option ``bdd_features_base_dir`` is set and pytest's rootdir
  has a ``policies/`` folder.

Otherwise nothing is imported and nothing is reported, whether pytest-bdd is
installed or not. A project that uses the steps without pytest-bdd installed
stops with a one-line usage error naming the extra that brings it
(the ``[bdd]`` extra, installed from the repository as the README shows).

A step that fails raises ``PolicyCheckFailed`` (``policyweigh.bdd.messages``); the
report shows its message and the failing step, without a traceback. A step no
definition matches fails the scenario (pytest-bdd's
``StepDefinitionNotFoundError``, left as it is).
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

__all__ = ["EXTRA", "INI_POLICIES", "REPORT_PLUGIN", "STEPS_PLUGIN", "uses_steps"]

INI_POLICIES = "policyweigh_policies"
"""The ini option naming the policy folder, relative to the ini file."""
INI_FEATURES = "bdd_features_base_dir"
"""pytest-bdd's ini option for the folder of the feature files."""
EXTRA = (
    "install policyweigh's [bdd] extra from where policyweigh came from, "
    "e.g. pip install 'policyweigh[bdd] @ git+<repository URL>@<tag>'"
)
"""The install command that brings the step library's needs."""
STEPS_PLUGIN = "policyweigh-steps"
"""The name the step definitions are registered under."""
REPORT_PLUGIN = "policyweigh-report"
"""The name the failure report's hooks are registered under."""

_STEP_KEY = pytest.StashKey[str]()


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register the ini option naming the policy folder."""
    parser.addini(
        INI_POLICIES,
        "Folder of the policies BDD features check, relative to the ini file (default: rootdir/policies).",
        default="",
    )


def uses_steps(config: pytest.Config) -> str | None:
    """Why the project uses the policy steps (the setting that says so), or None when it does not."""
    if str(config.getini(INI_POLICIES) or "").strip():
        return f"the ini option {INI_POLICIES} is set"
    if _ini_is_set(config, INI_FEATURES) and (config.rootpath / "policies").is_dir():
        return f"the ini option {INI_FEATURES} is set and {config.rootpath / 'policies'} exists"
    return None


def _ini_is_set(config: pytest.Config, name: str) -> bool:
    """Whether the ini file (or ``-o``) sets ``name``, even when no plugin declared it."""
    try:
        return bool(config.getini(name))
    except ValueError:
        # Not declared: pytest-bdd is not loaded. Its setting is still in the raw ini values, whose
        # attribute is private from pytest 9 on and public (``inicfg``) before.
        raw = getattr(config, "_inicfg", None)
        if raw is None:
            raw = getattr(config, "inicfg", {})
        return name in raw


def pytest_configure(config: pytest.Config) -> None:
    """Register the steps and the failure report when the project uses them."""
    reason = uses_steps(config)
    if reason is None or config.pluginmanager.has_plugin(STEPS_PLUGIN):
        return
    try:
        steps = importlib.import_module("policyweigh.bdd.steps")
    except ModuleNotFoundError as err:
        if err.name is None or err.name.split(".")[0] != "pytest_bdd":
            raise
        if config.getoption("help", False):
            return  # pytest --help lists the options; the steps are not needed for that
        raise pytest.UsageError(
            f"policyweigh: the policy steps need pytest-bdd, which is not installed ({reason}): {EXTRA}"
        ) from None
    messages = importlib.import_module("policyweigh.bdd.messages")
    config.pluginmanager.register(steps, STEPS_PLUGIN)
    config.pluginmanager.register(_FailureReport(messages.PolicyCheckFailed), REPORT_PLUGIN)


class _FailureReport:
    """Hooks that show a failed policy check as its message and the failing step."""

    def __init__(self, failure: type[AssertionError]) -> None:
        self.failure = failure

    @pytest.hookimpl(optionalhook=True)
    def pytest_bdd_step_error(
        self, request: pytest.FixtureRequest, feature: Any, scenario: Any, step: Any, exception: Exception
    ) -> None:
        """Remember which step failed, for the report."""
        if isinstance(exception, self.failure):
            file = Path(feature.filename)
            with contextlib.suppress(ValueError):  # a feature outside the rootdir keeps its absolute path
                file = file.relative_to(request.config.rootpath)
            request.node.stash[_STEP_KEY] = (
                f"{step.keyword} {step.name}  ({file.as_posix()}:{step.line_number})"
            )

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        """Report a failed policy check as its message and the failing step, without a traceback."""
        report = yield
        if call.excinfo is not None and call.excinfo.errisinstance(self.failure):
            longrepr = call.excinfo.getrepr(style="value")
            if longrepr.reprcrash is not None:
                # The summary line (-ra) shows the message's first line, not the exception's class.
                longrepr.reprcrash.message = str(call.excinfo.value)
            report.longrepr = longrepr
            step = item.stash.get(_STEP_KEY, None)
            if step is not None:
                report.sections.append(("failing step", step))
        return report
