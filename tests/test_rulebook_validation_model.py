"""Rulebook files are translated with the model that validated them, never one found by its name.

Regression: the rulebook loader let the translator look its model up by the class name in
pydantic's error title, among every model of the product. A second model of the same name
(``Criterion``, ``Scoring``) made the lookup fail quietly, and the messages lost their
"did you mean" and the list of fields a mapping may hold.
"""

from __future__ import annotations

import gc
import inspect
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import BaseModel

from policyweigh import yamldoc
from policyweigh.errors import InputError
from policyweigh.rulebook import load_rulebook
from tests.helpers import DATA

MINI = DATA / "rulebooks" / "mini"

EXPECTED = [
    "criteria.yaml:2:64: criteria[0].weigth: unknown field; expected one of id, title, side, weight, "
    "description, reason (did you mean 'weight'?)",
    "criteria.yaml:7:3: scoring.saturaton: unknown field; expected one of saturation, verdicts, bands, mechanisms "
    "(did you mean 'saturation'?)",
]


def _misspelt_rulebook(tmp_path: Path) -> Path:
    book = tmp_path / "book"
    shutil.copytree(MINI, book)
    criteria = book / "criteria.yaml"
    text = criteria.read_text(encoding="utf-8")
    assert "weight: 1.5, description: Rest" in text and "  saturation: 12" in text
    text = text.replace("weight: 1.5, description: Rest", "weigth: 1.5, description: Rest", 1)
    criteria.write_text(text.replace("  saturation: 12", "  saturaton: 12"), encoding="utf-8")
    return book


def _messages(book: Path) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_rulebook(book)
    return [str(p).replace(f"{book}/", "") for p in caught.value.problems]


@pytest.fixture
def namesakes() -> Iterator[None]:
    """Product-looking models named like the rulebook's own, alive for one test."""
    made = [
        type(name, (BaseModel,), {"__module__": "policyweigh.namesake", "__annotations__": {"x": int}})
        for name in ("Criterion", "Scoring")
    ]
    yield
    made.clear()
    gc.collect()  # subclasses are held weakly: gone once collected


def test_rulebook_messages_name_the_fields_of_the_model_that_validated(tmp_path: Path) -> None:
    found = _messages(_misspelt_rulebook(tmp_path))
    for line in EXPECTED:
        assert line in found, found


@pytest.mark.usefixtures("namesakes")
def test_rulebook_messages_hold_when_another_model_shares_the_name(tmp_path: Path) -> None:
    found = _messages(_misspelt_rulebook(tmp_path))
    for line in EXPECTED:
        assert line in found, found


def test_the_yaml_translator_needs_its_model() -> None:
    assert not hasattr(yamldoc, "_model_named")
    model = inspect.signature(yamldoc.problems_from_validation).parameters["model"]
    assert model.default is inspect.Parameter.empty
    assert model.kind is inspect.Parameter.KEYWORD_ONLY
