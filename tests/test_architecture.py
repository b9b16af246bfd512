"""The architecture runs one way: import-linter's contracts hold, and no import hides a cycle.

The contracts live in ``pyproject.toml`` (``[tool.importlinter]``): durable-rules is
imported only by ``policyweigh.rete``, pytest only by the BDD step library, and the layers
import downwards only. An import inside a function (or under ``TYPE_CHECKING``) is the
usual way a cycle is hidden from both Python and the linter, so each one in ``engine/``
must be on the allowlist below with its reason.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT

ENGINE = ROOT / "engine"
SAFETY_NET = 120  # seconds; the linter takes well under one here

ALLOWED_LATE_IMPORTS: dict[tuple[str, str], str] = {
    ("engine/cli/__init__.py", "policyweigh.render.escape"): "start-up: the command group loads no renderer",
    (
        "engine/cli/__init__.py",
        "policyweigh.cli.interrupt",
    ): "start-up: signal handling is set up on entry only",
    ("engine/cli/check.py", "policyweigh.render.sarif"): "start-up: each output format loads its renderer",
    ("engine/cli/check.py", "policyweigh.render.github"): "start-up: each output format loads its renderer",
    ("engine/cli/evaluate.py", "policyweigh.render.markdown"): "start-up: Jinja is loaded only for markdown",
    (
        "engine/cli/report.py",
        "policyweigh.render.markdown",
    ): "start-up: each report format loads its renderer",
    ("engine/cli/report.py", "policyweigh.render.html"): "start-up: each report format loads its renderer",
    (
        "engine/bdd/__init__.py",
        "policyweigh.bdd.messages",
    ): "pytest-bdd stays optional: names load on first use",
    (
        "engine/bdd/__init__.py",
        "policyweigh.bdd.plugin",
    ): "pytest-bdd stays optional: names load on first use",
    ("engine/bdd/__init__.py", "policyweigh.bdd.world"): "pytest-bdd stays optional: names load on first use",
    (
        "engine/cli/studio.py",
        "policyweigh.studio.server",
    ): "the studio is an optional extra: its web server loads only for `policyweigh studio`",
}
"""(file, imported module) to why it is imported late; anything else late is a hidden cycle."""


def _lint_imports() -> str:
    found = Path(sys.executable).with_name("lint-imports")
    command = str(found) if found.exists() else shutil.which("lint-imports")
    assert command, "lint-imports is missing: install the test extra (pip install -e '.[test]')"
    return command


def _run_linter(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [_lint_imports(), "--no-cache", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=SAFETY_NET,
        env=env,
        check=False,
    )


def test_the_import_contracts_hold() -> None:
    done = _run_linter()
    assert done.returncode == 0, done.stdout + done.stderr
    for contract in ("durable-rules is imported only by policyweigh.rete", "Layers: shells > renderers"):
        assert contract in done.stdout


def test_the_linter_reports_an_upward_import(tmp_path: Path) -> None:
    # The same linter on the real code with the layers upside down must fail: the contracts
    # above are checked against the actual import graph, not passed vacuously.
    config = tmp_path / "upside-down.toml"
    config.write_text(
        "[tool.importlinter]\n"
        'root_packages = ["policyweigh"]\n'
        "[[tool.importlinter.contracts]]\n"
        'name = "upside down"\n'
        'type = "layers"\n'
        'layers = ["policyweigh.policy", "policyweigh.cli"]\n',
        encoding="utf-8",
    )
    done = _run_linter(str(config))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "policyweigh.cli" in done.stdout and "BROKEN" in done.stdout


def _late_imports(path: Path) -> list[tuple[str, int]]:
    """Engine modules imported inside a function or under ``if TYPE_CHECKING:``, with their lines."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found: list[tuple[str, int]] = []

    def names(node: ast.Import | ast.ImportFrom) -> list[str]:
        if isinstance(node, ast.ImportFrom):
            return [node.module or ""] if node.level == 0 else []
        return [alias.name for alias in node.names]

    def visit(node: ast.AST, late: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = late or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                inner = True
            if isinstance(child, (ast.Import, ast.ImportFrom)) and inner:
                found.extend(
                    (name, child.lineno) for name in names(child) if name.split(".")[0] == "policyweigh"
                )
            visit(child, inner)

    visit(tree, False)
    return found


def test_no_import_inside_a_function_dodges_a_cycle() -> None:
    seen: set[tuple[str, str]] = set()
    unexplained: list[str] = []
    for path in sorted(ENGINE.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        for module, line in _late_imports(path):
            seen.add((rel, module))
            if (rel, module) not in ALLOWED_LATE_IMPORTS:
                unexplained.append(f"{rel}:{line}: late import of {module}")
    assert not unexplained, (
        "imports inside functions hide import cycles; import at the top (the layers contract says "
        "which way is allowed) or add the import to ALLOWED_LATE_IMPORTS with its reason:\n"
        + "\n".join(unexplained)
    )
    stale = sorted(set(ALLOWED_LATE_IMPORTS) - seen)
    assert not stale, f"allowlist entries that no longer exist (remove them): {stale}"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("def f():\n    from policyweigh.evaluation import evaluate\n", [("policyweigh.evaluation", 2)]),
        ("class A:\n    def m(self):\n        import policyweigh.rete\n", [("policyweigh.rete", 3)]),
        (
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from policyweigh.results import Conflict\n",
            [("policyweigh.results", 3)],
        ),
        ("from policyweigh.results import Conflict\ndef f():\n    import json\n", []),
    ],
    ids=["function", "method", "type-checking", "top-level-and-stdlib"],
)
def test_late_imports_are_found_wherever_they_hide(
    tmp_path: Path, source: str, expected: list[tuple[str, int]]
) -> None:
    path = tmp_path / "module.py"
    path.write_text(source, encoding="utf-8")
    assert _late_imports(path) == expected
