"""The package's identity: a unique import name mapped onto engine/, every package shipped, and no
install instruction that could fetch someone else's package."""

from __future__ import annotations

import importlib.metadata
import re
import sys
from pathlib import Path

import policyweigh
from tests.helpers import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
ENGINE = ROOT / "engine"


def test_the_import_name_is_policyweigh_and_maps_onto_the_engine_folder() -> None:
    assert PYPROJECT["project"]["name"] == "policyweigh"
    assert PYPROJECT["tool"]["setuptools"]["package-dir"] == {"policyweigh": "engine"}
    assert Path(policyweigh.__file__).resolve() == (ENGINE / "__init__.py").resolve()


def test_every_package_under_the_engine_folder_is_shipped() -> None:
    found = sorted(
        ".".join(("policyweigh", *init.parent.relative_to(ENGINE).parts)).rstrip(".")
        for init in ENGINE.rglob("__init__.py")
    )
    assert sorted(PYPROJECT["tool"]["setuptools"]["packages"]) == found


def test_the_installed_command_and_plugin_use_the_import_name() -> None:
    dist = importlib.metadata.distribution("policyweigh")
    points = {(p.group, p.name): p.value for p in dist.entry_points}
    assert points[("console_scripts", "policyweigh")] == "policyweigh.cli:entry"
    assert points[("pytest11", "policyweigh")] == "policyweigh.bdd.plugin"


def test_no_module_imports_the_folder_name() -> None:
    # `engine` is only a folder name; importing it would work in this checkout and fail when installed.
    pattern = re.compile(r"^\s*(from|import)\s+engine\b", re.MULTILINE)
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("engine", "tests", "features", "scripts", "benchmarks", "fuzz")
        for path in (ROOT / folder).rglob("*.py")
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_readme_installs_the_product_only_from_this_repository() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    installs = [c.split("&&")[0] for c in re.findall(r"pip install [^`\n]*", readme)]
    assert installs, "the README shows no install command"
    for command in installs:
        if "policyweigh" in command:
            assert " @ git+" in command, f"installs the product by name from an index: {command}"
        else:
            assert re.search(r"pip install (-e )?'?\.(\[[a-z,]+\])?'?", command), command
