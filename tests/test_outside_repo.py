"""An HR repository of its own uses the installed package: its features pass, then fail readably.

The repository is built in a temporary directory with its own pytest.ini,
policy and feature, and pytest runs there in a fresh interpreter whose
environment does not put this repository on ``sys.path``: the steps come only
from the installed ``policyweigh`` plugin (entry point ``pytest11``), and no
conftest of this repository is involved.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT

PYTEST_INI = """\
[pytest]
policyweigh_policies = policies
bdd_features_base_dir = features
addopts = --strict-markers
markers =
    coaching: scenarios about how feedback is given
"""
POLICY = """\
id: team-feedback
title: How team leads give feedback
owner: Contact centre management
scope:
  teams: [support]
  customer_facing: true
rules:
  - kind: feedback-practice
    style: private-coaching
    frequency: weekly
"""
FEATURE = """\
@coaching
Feature: Feedback in the support team
  Scenario: Team leads coach in private
    Given the policy "team-feedback"
    When it is evaluated
    Then the verdict is "win-win"
    And the employee impact is at least 0
"""
BINDING = """\
from pytest_bdd import scenarios

scenarios("feedback.feature")
"""


def _environment() -> dict[str, str]:
    """This process's environment without anything that would add this repository or plugins to pytest."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PYTHONPATH", "PYTEST_ADDOPTS", "PYTEST_PLUGINS", "PYTEST_DISABLE_PLUGIN_AUTOLOAD")
    }
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["COLUMNS"] = "200"  # summary lines are cut to the terminal width
    return env


def _pytest(repo: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-ra"],
        cwd=repo,
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def hr_repo(tmp_path: Path) -> Path:
    """A repository with a pytest.ini, one policy, one feature and a module binding it."""
    repo = tmp_path / "hr-policies"
    (repo / "policies").mkdir(parents=True)
    (repo / "features").mkdir()
    (repo / "pytest.ini").write_text(PYTEST_INI)
    (repo / "policies" / "team-feedback.yaml").write_text(POLICY)
    (repo / "features" / "feedback.feature").write_text(FEATURE)
    (repo / "test_policies.py").write_text(BINDING)
    return repo


def test_the_temporary_repository_does_not_see_this_one(hr_repo: Path) -> None:
    probe = subprocess.run(
        [sys.executable, "-c", "import sys, policyweigh; print(repr(sys.path)); print(policyweigh.__file__)"],
        cwd=hr_repo,
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert probe.returncode == 0, probe.stderr
    path_line, engine_file = probe.stdout.splitlines()
    assert repr(str(ROOT)) not in path_line
    # The package still imports, from the installation.
    assert Path(engine_file).name == "__init__.py"


def test_features_pass_then_fail_readably_when_the_policy_gets_worse(hr_repo: Path) -> None:
    passing = _pytest(hr_repo)
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "1 passed" in passing.stdout
    assert "conftest" not in passing.stdout

    policy = hr_repo / "policies" / "team-feedback.yaml"
    policy.write_text(policy.read_text().replace("style: private-coaching", "style: public-reprimand"))
    failing = _pytest(hr_repo)
    assert failing.returncode == 1, failing.stdout + failing.stderr
    output = failing.stdout
    # The scores come from the rulebook; the message's shape is what this test holds.
    pattern = (
        r"expected the verdict 'win-win' for team-feedback, got 'lose-lose' "
        r"\(employee -\d+, customer -\d+: direct [+-]\d+, indirect -\d+\)\n"
        r"top contributions:\n"
        r"  FBK001 employee\.respect -\d: .*public reprimand"
    )
    assert re.search(pattern, output), output
    assert 'Then the verdict is "win-win"  (features/feedback.feature:6)' in output
    assert "FAILED test_policies.py::test_team_leads_coach_in_private - expected the verdict" in output
    assert "Traceback" not in output


def test_an_undefined_step_fails_the_run(hr_repo: Path) -> None:
    feature = hr_repo / "features" / "feedback.feature"
    feature.write_text(FEATURE + "    And every agent gets a pie\n")
    result = _pytest(hr_repo)
    assert result.returncode == 1, result.stdout + result.stderr
    assert (
        'StepDefinitionNotFoundError: Step definition is not found: Then "every agent gets a pie"'
        in result.stdout
    )


def test_an_unregistered_tag_is_refused(hr_repo: Path) -> None:
    feature = hr_repo / "features" / "feedback.feature"
    feature.write_text(FEATURE.replace("@coaching", "@coachng"))
    result = _pytest(hr_repo)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "'coachng' not found in `markers` configuration option" in result.stdout
