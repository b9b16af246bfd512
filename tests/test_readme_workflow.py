"""The README's GitHub Actions example names commands, formats, actions and extras that exist.

The workflow is parsed as YAML from the README, so a renamed format, option or extra, or a block
that no longer parses, fails here instead of in an organisation's first run.
"""

from __future__ import annotations

import re
import shlex
import sys
from typing import Any

import click
import pytest
import yaml

from policyweigh.cli import cli
from tests.helpers import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

README = (ROOT / "README.md").read_text(encoding="utf-8")
TITLE = "## Running the gate in GitHub Actions"


def section(title: str) -> str:
    """The README's text from a ``## `` heading to the next one."""
    start = README.index(title + "\n")
    end = README.find("\n## ", start + len(title))
    return README[start : end if end != -1 else len(README)]


def workflow() -> dict[Any, Any]:
    blocks = re.findall(r"```yaml\n(.*?)```", section(TITLE), flags=re.DOTALL)
    assert len(blocks) == 1, "the section holds one YAML block, the workflow"
    loaded = yaml.safe_load(blocks[0])
    assert isinstance(loaded, dict)
    return loaded


def steps(job: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = workflow()["jobs"][job]["steps"]
    return found


def runs(job: str) -> list[str]:
    return [step["run"] for step in steps(job) if "run" in step]


def quickstart_cppflags() -> str:
    """The CPPFLAGS the Quickstart installs durable-rules with."""
    found = re.search(r"(CPPFLAGS=\S+) pip install", section("## Quickstart"))
    assert found is not None
    return found.group(1)


def check_formats() -> list[str]:
    command = cli.commands["check"]
    option = next(p for p in command.params if isinstance(p, click.Option) and "--format" in p.opts)
    assert isinstance(option.type, click.Choice)
    return [str(choice) for choice in option.type.choices]


def test_the_section_follows_the_ci_gate() -> None:
    headings = re.findall(r"^## .*$", README, flags=re.MULTILINE)
    assert headings[headings.index("## The CI gate") + 1] == TITLE


def test_the_workflow_runs_on_pushes_and_pull_requests_and_may_upload_sarif() -> None:
    flow = workflow()
    # YAML 1.1 reads the key `on` as true.
    triggers = flow.get("on", flow.get(True))
    assert set(triggers) == {"push", "pull_request"}
    assert flow["permissions"]["security-events"] == "write"
    assert set(flow["jobs"]) == {"check", "features"}


@pytest.mark.parametrize("job", ["check", "features"])
def test_each_job_checks_out_sets_up_python_and_installs_as_the_quickstart_does(job: str) -> None:
    uses = [step.get("uses", "") for step in steps(job)]
    assert uses[0].startswith("actions/checkout@")
    setup = steps(job)[1]
    assert setup["uses"].startswith("actions/setup-python@")
    assert setup["with"]["python-version"] == "3.12"
    installs = [run for run in runs(job) if " pip install " in f" {run} "]
    assert len(installs) == 1
    assert installs[0].startswith(quickstart_cppflags() + " pip install 'policyweigh")
    assert "@ git+" in installs[0], "installed from the repository at a tag, never by bare name"


def test_the_gate_writes_sarif_without_stopping_the_upload() -> None:
    check = steps("check")
    sarif = [i for i, step in enumerate(check) if "--format sarif" in step.get("run", "")]
    assert len(sarif) == 1
    step = check[sarif[0]]
    words = shlex.split(step["run"])
    assert words[:3] == ["policyweigh", "check", "policies/"]
    assert words[-2:] == [">", "policyweigh.sarif"]
    assert step["continue-on-error"] is True
    upload = check[sarif[0] + 1]
    assert upload["uses"] == "github/codeql-action/upload-sarif@v3"
    assert upload["with"]["sarif_file"] == "policyweigh.sarif"


def test_the_annotations_step_fails_the_job_as_the_gate() -> None:
    annotations = [s for s in steps("check") if "--format github" in s.get("run", "")]
    assert len(annotations) == 1
    assert shlex.split(annotations[0]["run"])[:3] == ["policyweigh", "check", "policies/"]
    assert "continue-on-error" not in annotations[0]


def test_every_format_and_option_the_workflow_names_exists() -> None:
    formats = check_formats()
    options = {opt for p in cli.commands["check"].params for opt in getattr(p, "opts", [])}
    for run in runs("check"):
        words = shlex.split(run)
        if words[:2] != ["policyweigh", "check"]:
            continue
        for i, word in enumerate(words):
            if word.startswith("--"):
                assert word in options, word
            if word == "--format":
                assert words[i + 1] in formats
    named = {m for m in re.findall(r"--(?:fail-on|min-employee|min-customer|harm-bound)", section(TITLE))}
    assert named <= options


def test_the_features_job_installs_the_bdd_extra_and_runs_pytest_on_the_features() -> None:
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "optional-dependencies"
    ]
    install = next(run for run in runs("features") if "pip install" in run)
    extra = re.search(r"policyweigh\[(\w+)\]", install)
    assert extra is not None and extra.group(1) in extras
    assert any(dep.startswith("pytest-bdd") for dep in extras[extra.group(1)])
    assert "python -m pytest features/" in runs("features")
    assert (ROOT / "features").is_dir()
