"""The Markdown reference of the policy format: generated from the models, kept in README.md."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from policyweigh.policy import RULE_KINDS, RULE_MODELS, Policy, Scope
from policyweigh.reference import (
    END_MARKER,
    START_MARKER,
    extract_block,
    field_docs,
    format_reference_markdown,
    yaml_scalar,
)
from policyweigh.yamldoc import parse_yaml
from tests.helpers import ROOT

SCRIPT = ROOT / "scripts" / "update_reference.py"


def test_readme_holds_the_generated_reference() -> None:
    path = ROOT / "README.md"
    assert path.is_file(), "README.md is missing"
    block = extract_block(path.read_text(encoding="utf-8"))
    assert block is not None, f"README.md has no {START_MARKER} ... {END_MARKER} block"
    assert block == format_reference_markdown(), "README.md is stale: run python scripts/update_reference.py"


def test_reference_is_deterministic() -> None:
    assert format_reference_markdown() == format_reference_markdown()


def test_reference_documents_every_kind_and_field() -> None:
    text = format_reference_markdown()
    for kind in RULE_KINDS:
        assert f"#### `{kind}`\n" in text
        for doc in field_docs(RULE_MODELS[kind], skip=("kind", "note")):
            assert f"| `{doc.name}` | " in text, (kind, doc.name)
    for model in (Policy, Scope):
        for doc in field_docs(model):
            assert f"| `{doc.name}` | " in text
    assert "| `from` | time, HH:MM on a 24-hour clock |  | yes | Start of the window, HH:MM. |" in text


def test_reference_rows_show_type_default_required_and_meaning() -> None:
    text = format_reference_markdown()
    assert (
        "| `max_minutes` | number, greater than 0, at most 240 (minutes) |  | yes | The cap, in minutes. |"
    ) in text
    assert (
        "| `scheduling` | one of: fixed, staggered, self-organised | `fixed` | no "
        "| Who decides when the break happens. |"
    ) in text
    assert "| `break` | one of: lunch, rest, any |  | yes | Which break the rule governs. |" in text


def test_update_script_rewrites_only_the_block(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(
        f"# Title\n\nBefore.\n\n{START_MARKER}\nold text\n{END_MARKER}\n\nAfter.\n", encoding="utf-8"
    )
    run = subprocess.run(
        [sys.executable, str(SCRIPT), str(readme)], capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr
    text = readme.read_text(encoding="utf-8")
    assert text == (
        f"# Title\n\nBefore.\n\n{START_MARKER}\n{format_reference_markdown()}{END_MARKER}\n\nAfter.\n"
    )
    assert extract_block(text) == format_reference_markdown()
    again = subprocess.run(
        [sys.executable, str(SCRIPT), str(readme)], capture_output=True, text=True, check=False
    )
    assert again.stdout.strip().endswith("already up to date")


@pytest.mark.parametrize("text", ["# no markers\n", f"{END_MARKER}\n{START_MARKER}\n"])
def test_update_script_refuses_a_readme_without_markers(tmp_path: Path, text: str) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(text, encoding="utf-8")
    run = subprocess.run(
        [sys.executable, str(SCRIPT), str(readme)], capture_output=True, text=True, check=False
    )
    assert run.returncode == 2
    assert "markers" in run.stderr
    assert readme.read_text(encoding="utf-8") == text


@pytest.mark.parametrize("text", ["A\n", "peak\n", "a b\n"])
def test_text_ending_in_a_line_break_is_quoted_not_written_plain(text: str) -> None:
    # Regression: the plain-scalar pattern's `$` matched before the final line break.
    line = f"a: {yaml_scalar(text)}\n"
    assert parse_yaml(line).data == {"a": text}
    assert yaml.safe_load(line) == {"a": text}


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30))
def test_yaml_scalar_reads_back_the_same_under_yaml_1_1_and_1_2(text: str) -> None:
    line = f"a: {yaml_scalar(text)}\n"
    assert parse_yaml(line).data == {"a": text}
    assert yaml.safe_load(line) == {"a": text}


@pytest.mark.parametrize(
    "value", ["fixed", "all-or-nothing", "New break rule policy", "10:00", "yes", ".5", "- x"]
)
def test_yaml_scalar_quotes_only_when_needed(value: str) -> None:
    quoted = yaml_scalar(value).startswith('"')
    assert quoted == (value in ("10:00", "yes", ".5", "- x"))
