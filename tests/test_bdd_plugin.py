"""The step library is an extra, and its pytest plugin costs nothing where the steps are not used.

Where a project uses the steps the plugin registers them, and it never breaks
a run: without pytest-bdd a project that does not use them runs as before, and
one that does stops with a one-line usage error naming the extra. Import costs
are counted in modules, never in time: pytest runs in a fresh interpreter under
``python -X importtime`` and the test reads which modules were imported.
pytest-bdd is made unimportable with a conftest that puts ``None`` in
``sys.modules["pytest_bdd"]``, and ``-p no:pytest-bdd`` blocks its own plugin,
as if it were not installed.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import pytest

from policyweigh.bdd.plugin import EXTRA, INI_POLICIES, REPORT_PLUGIN, STEPS_PLUGIN
from tests.helpers import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

pytest_plugins = ["pytester"]

NO_PYTEST_BDD = 'import sys\n\nsys.modules["pytest_bdd"] = None  # as if pytest-bdd were not installed\n'
PASSING_TEST = "def test_nothing_about_policies() -> None:\n    assert 1 + 1 == 2\n"
ENTRY_AND_PARENTS = {"policyweigh", "policyweigh.bdd", "policyweigh.bdd.plugin"}
"""The entry module and the packages Python imports to reach it."""


def _environment() -> dict[str, str]:
    """This process's environment without anything that adds this repository or plugins to pytest."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PYTHONPATH", "PYTEST_ADDOPTS", "PYTEST_PLUGINS", "PYTEST_DISABLE_PLUGIN_AUTOLOAD")
    }
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _python(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # The timeout only stops a hang; nothing here depends on how long a run takes.
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=_environment(), capture_output=True, text=True, timeout=120
    )


def _pytest(project: Path, *args: str, importtime: bool = False) -> subprocess.CompletedProcess[str]:
    flags = ["-X", "importtime"] if importtime else []
    return _python(project, *flags, "-m", "pytest", "-p", "no:cacheprovider", *args)


def _imported(stderr: str) -> set[str]:
    """The modules a ``-X importtime`` run imported, read from its report on stderr."""
    return {m.group(1) for m in re.finditer(r"^import time:\s+\d+ \|\s+\d+ \|\s*(\S+)$", stderr, re.M)}


def _project(tmp_path: Path, ini: str, *, policies: bool = False, conftest: str | None = None) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    (project / "pytest.ini").write_text("[pytest]\n" + ini)
    (project / "test_other.py").write_text(PASSING_TEST)
    if policies:
        (project / "policies").mkdir()
    if conftest is not None:
        (project / "conftest.py").write_text(conftest)
    return project


# --------------------------------------------------------------------------- what importing costs


def test_a_project_that_does_not_use_the_steps_imports_no_engine_module_and_no_pytest_bdd(
    tmp_path: Path,
) -> None:
    project = _project(tmp_path, "", policies=False)
    # pytest-bdd's own plugin is blocked, so any pytest_bdd module imported would be this plugin's doing.
    result = _pytest(project, "--co", "-p", "no:pytest-bdd", importtime=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"^plugins: .*policyweigh", result.stdout, re.M), result.stdout  # the plugin is loaded
    modules = _imported(result.stderr)
    assert len(modules) > 50, result.stderr[-2000:]  # the report was read
    engine = sorted(m for m in modules if m.split(".")[0] == "policyweigh")
    assert set(engine) <= ENTRY_AND_PARENTS, engine
    assert not [m for m in modules if m.split(".")[0] == "pytest_bdd"]


def test_a_project_that_uses_the_steps_imports_them_as_the_count_above_would_show(tmp_path: Path) -> None:
    # The check above can fail: the same report shows the engine when the project uses the steps.
    project = _project(tmp_path, f"{INI_POLICIES} = policies\n", policies=True)
    result = _pytest(project, "--co", "-q", importtime=True)
    assert result.returncode == 0, result.stdout + result.stderr
    modules = _imported(result.stderr)
    assert {"policyweigh.evaluation", "policyweigh.bdd.world", "policyweigh.bdd.messages"} <= modules
    assert any(m.split(".")[0] == "pytest_bdd" for m in modules)


def test_the_entry_module_imports_only_pytest_and_the_standard_library(tmp_path: Path) -> None:
    probe = (
        "import sys\n"
        "import pytest\n"
        "before = set(sys.modules)\n"
        "import policyweigh.bdd.plugin\n"
        "print('\\n'.join(sorted(set(sys.modules) - before)))\n"
    )
    result = _python(tmp_path, "-c", probe)
    assert result.returncode == 0, result.stderr
    new = set(result.stdout.split())
    assert new >= ENTRY_AND_PARENTS
    outside = sorted(m for m in new - ENTRY_AND_PARENTS if m.split(".")[0] not in sys.stdlib_module_names)
    assert outside == []


def test_importing_the_package_imports_no_submodule_until_a_name_is_used(tmp_path: Path) -> None:
    probe = (
        "import sys\n"
        "import policyweigh.bdd\n"
        "print(sorted(m for m in sys.modules if m.startswith('policyweigh')))\n"
        "from policyweigh.bdd import PolicyWorld, compare\n"
        "print(compare(1, 'at least', 0), PolicyWorld.__module__, 'pytest_bdd' in sys.modules)\n"
    )
    result = _python(tmp_path, "-c", probe)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "['policyweigh', 'policyweigh.bdd']",
        "True policyweigh.bdd.world False",
    ]


def test_the_package_names_what_it_exports() -> None:
    import policyweigh.bdd

    assert set(policyweigh.bdd.__all__) <= set(dir(policyweigh.bdd))
    for name in policyweigh.bdd.__all__:
        assert getattr(policyweigh.bdd, name) is not None
    with pytest.raises(AttributeError, match="has no attribute 'steps_of_old'"):
        policyweigh.bdd.steps_of_old  # noqa: B018


# --------------------------------------------------------------------------- who uses the steps


@pytest.mark.parametrize(
    ("ini", "policies", "uses"),
    [
        pytest.param(f"{INI_POLICIES} = policies\n", True, True, id="policy folder set"),
        pytest.param(f"{INI_POLICIES} = hr/policies\n", False, True, id="policy folder set, not there yet"),
        pytest.param("bdd_features_base_dir = features\n", True, True, id="features and policies/"),
        pytest.param("bdd_features_base_dir = features\n", False, False, id="features without policies/"),
        pytest.param("", True, False, id="policies/ alone"),
        pytest.param("", False, False, id="nothing"),
    ],
)
def test_the_steps_are_registered_only_in_a_project_that_uses_them(
    pytester: pytest.Pytester, ini: str, policies: bool, uses: bool
) -> None:
    pytester.makeini("[pytest]\n" + ini)
    if policies:
        pytester.mkdir("policies")
    config = pytester.parseconfigure()
    assert config.pluginmanager.has_plugin(STEPS_PLUGIN) is uses
    assert config.pluginmanager.has_plugin(REPORT_PLUGIN) is uses


# --------------------------------------------------------------------------- without pytest-bdd


def test_without_pytest_bdd_a_project_that_does_not_use_the_steps_runs_without_a_word(tmp_path: Path) -> None:
    project = _project(tmp_path, "", policies=True, conftest=NO_PYTEST_BDD)
    result = _pytest(project, "-p", "no:pytest-bdd", "-W", "error")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
    assert "warning" not in result.stdout.lower()
    assert "pytest-bdd" not in result.stdout
    assert result.stderr == ""


@pytest.mark.parametrize(
    ("ini", "reason"),
    [
        (f"{INI_POLICIES} = policies\n", f"the ini option {INI_POLICIES} is set"),
        ("bdd_features_base_dir = features\n", "the ini option bdd_features_base_dir is set and "),
    ],
    ids=["policy folder set", "features and policies/"],
)
def test_without_pytest_bdd_a_project_that_uses_the_steps_stops_with_one_line_naming_the_extra(
    tmp_path: Path, ini: str, reason: str
) -> None:
    project = _project(tmp_path, ini, policies=True, conftest=NO_PYTEST_BDD)
    result = _pytest(project, "-p", "no:pytest-bdd")
    assert result.returncode == pytest.ExitCode.USAGE_ERROR, result.stdout + result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(
        f"ERROR: policyweigh: the policy steps need pytest-bdd, which is not installed ({reason}"
    ), lines[0]
    assert lines[0].endswith(f"): {EXTRA}")
    assert "Traceback" not in result.stdout + result.stderr


def test_without_pytest_bdd_help_still_works_in_a_project_that_uses_the_steps(tmp_path: Path) -> None:
    project = _project(tmp_path, f"{INI_POLICIES} = policies\n", policies=True, conftest=NO_PYTEST_BDD)
    result = _pytest(project, "-p", "no:pytest-bdd", "--help")
    assert result.returncode == 0, result.stdout + result.stderr
    assert INI_POLICIES in result.stdout


# --------------------------------------------------------------------------- the extra


def _pyproject() -> dict[str, Any]:
    with (ROOT / "pyproject.toml").open("rb") as file:
        return tomllib.load(file)


def _names(requirements: list[str]) -> set[str]:
    return {re.split(r"[\s<>=!~;\[]", r, maxsplit=1)[0].lower() for r in requirements}


def test_the_command_line_install_needs_neither_pytest_nor_pytest_bdd_and_the_bdd_extra_brings_both() -> None:
    project = _pyproject()["project"]
    assert not {"pytest", "pytest-bdd"} & _names(project["dependencies"])
    extras = project["optional-dependencies"]
    assert {"pytest", "pytest-bdd"} <= _names(extras["bdd"])
    assert "policyweigh[bdd]" in extras["test"]


def test_the_installed_entry_point_is_the_light_plugin_module() -> None:
    declared = _pyproject()["project"]["entry-points"]["pytest11"]["policyweigh"]
    installed = [ep.value for ep in entry_points(group="pytest11") if ep.name == "policyweigh"]
    assert declared == "policyweigh.bdd.plugin"
    assert installed == [declared], "the installed metadata is stale: pip install -e '.[test]' again"


def test_the_command_runs_without_pytest_and_pytest_bdd(tmp_path: Path) -> None:
    probe = (
        "import sys\n"
        "sys.modules['pytest'] = sys.modules['pytest_bdd'] = None  # as after pip install policyweigh\n"
        f"sys.argv = ['policyweigh', 'check', {str(ROOT / 'policies')!r}, '--fail-on', 'never', "
        f"'--config', {str(ROOT / 'policyweigh.toml')!r}]\n"
        "from policyweigh.cli import entry\n"
        "entry()\n"
    )
    result = _python(tmp_path, "-c", probe)
    assert result.returncode == 0, result.stderr
    assert f"Checked {len(list((ROOT / 'policies').rglob('*.yaml')))} policies" in result.stdout
