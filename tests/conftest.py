"""Shared fixtures: the bundled rulebook, a small test rulebook, policy builders."""

from __future__ import annotations

import pytest

from policyweigh.rulebook import Rulebook, load_rulebook
from tests.helpers import DATA


@pytest.fixture(scope="session")
def mini_rulebook() -> Rulebook:
    """A five-rule rulebook with a three-step chain, for engine tests independent of the shipped data."""
    return load_rulebook(DATA / "rulebooks" / "mini")


@pytest.fixture(scope="session")
def rulebook() -> Rulebook:
    """The bundled rulebook."""
    return load_rulebook()
