"""Shared fixtures: the bundled rulebook, a small test rulebook, policy builders.

The whole session, subprocesses included, keeps its rulebook cache in a temporary
folder of its own: tests never write to the user's cache folder.
"""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

from policyweigh.rulebook import Rulebook, load_rulebook
from tests.helpers import DATA


def pytest_configure(config: pytest.Config) -> None:
    """Point the rulebook cache at a folder made for this session, removed when it ends."""
    folder = tempfile.mkdtemp(prefix="policyweigh-test-cache-")
    os.environ["POLICYWEIGH_CACHE_DIR"] = folder
    os.environ.pop("POLICYWEIGH_NO_CACHE", None)
    config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))


@pytest.fixture(scope="session")
def mini_rulebook() -> Rulebook:
    """A five-rule rulebook with a three-step chain, for engine tests independent of the shipped data."""
    return load_rulebook(DATA / "rulebooks" / "mini")


@pytest.fixture(scope="session")
def rulebook() -> Rulebook:
    """The bundled rulebook."""
    return load_rulebook()
