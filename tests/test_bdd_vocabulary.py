"""The README's step vocabulary is generated from the step definitions and kept up to date."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import policyweigh.bdd.steps as steps
from policyweigh.bdd.steps import REGISTRY
from policyweigh.bdd.vocabulary import (
    END_MARKER,
    SECTIONS,
    START_MARKER,
    UPDATE_COMMAND,
    StepRegistry,
    extract_block,
    placeholders,
    shown_pattern,
    vocabulary_markdown,
)
from tests.helpers import ROOT

SCRIPT = ROOT / "scripts" / "update_bdd_steps.py"


def test_readme_holds_the_generated_step_vocabulary() -> None:
    block = extract_block((ROOT / "README.md").read_text(encoding="utf-8"))
    assert block is not None, f"README.md has no {START_MARKER} ... {END_MARKER} block"
    assert block == vocabulary_markdown(REGISTRY), (
        f"README.md's step vocabulary is stale: run {UPDATE_COMMAND}"
    )


def test_the_vocabulary_is_deterministic() -> None:
    assert vocabulary_markdown(REGISTRY) == vocabulary_markdown(REGISTRY)


def test_every_step_pytest_bdd_knows_is_in_the_registry() -> None:
    # A step defined with pytest-bdd's decorators directly would be missing from the README.
    fixtures = [name for name in vars(steps) if name.startswith("pytestbdd_stepdef_")]
    assert len(fixtures) == len(REGISTRY.patterns()) == 47


def test_every_step_has_a_description_and_appears_with_it() -> None:
    text = vocabulary_markdown(REGISTRY)
    for entry in REGISTRY:
        assert entry.description.endswith("."), entry.patterns
        keyword, pattern = entry.patterns[0]
        assert f"- `{shown_pattern(keyword, pattern)}`" in text
        assert entry.description in text


def test_every_section_has_steps_in_the_order_of_the_readme() -> None:
    order = [s.id for s in SECTIONS]
    seen = [entry.section for entry in REGISTRY]
    assert sorted(set(seen), key=order.index) == order
    assert seen == sorted(seen, key=order.index)


def test_patterns_show_placeholders_by_type_or_name() -> None:
    assert shown_pattern("given", 'the policy "{name}"') == 'Given the policy "<key or id>"'
    assert shown_pattern("when", "rule {number:d}'s {name:Field} is changed to {value}") == (
        "When rule <n>'s <field> is changed to <value>"
    )
    assert shown_pattern("then", "the {side:Side} impact is {comparison:Comparison} {value:Number}") == (
        "Then the <side> impact is <comparison> <n>"
    )


def test_the_vocabulary_lists_changes_as_when_and_given_and_one_word_variants_once() -> None:
    text = vocabulary_markdown(REGISTRY)
    assert "- `When its <field> is changed to <value>` (also Given): " in text
    assert "- `Then a <kind> conflict is found` (or `an`): " in text
    assert "`Then an <kind>" not in text
    assert "- `When it is evaluated` / `When they are evaluated`: " in text


def test_the_legend_lists_the_choices_from_the_code() -> None:
    text = vocabulary_markdown(REGISTRY)
    assert "- `<verdict>`: One of `win-win`, `employee-gain`, `customer-gain`, `neutral`, " in text
    assert "`lose-lose`, `unlawful`." in text
    assert "- `<employee or customer>`: One of `employee`, `customer`." in text
    assert "- `<severity>`: One of `info`, `warning`, `error`." in text
    assert "- `<comparison>`: One of `at least`, `at most`, `above`, `below`, `exactly`." in text


def _registry_with(extra: object | None = None) -> StepRegistry:
    """A registry with one documented step per section, and ``extra`` in the last section."""
    registry = StepRegistry()
    for section in SECTIONS:
        registry.section(section.id)

        def documented() -> None:
            """Documented."""

        registry.add(documented, "then", f"step of {section.id}")
    if extra is not None:
        registry.add(extra, "then", "the pie van is {verdict}")  # type: ignore[arg-type]
    return registry


def test_a_step_without_a_docstring_is_refused() -> None:
    def undocumented() -> None:
        pass

    assert vocabulary_markdown(_registry_with()).count("Documented.") == len(SECTIONS)
    with pytest.raises(ValueError, match=r"step 'Then the pie van is <verdict>' \(.*\) has no docstring"):
        vocabulary_markdown(_registry_with(undocumented))


def test_a_placeholder_without_a_text_or_a_legend_is_refused() -> None:
    with pytest.raises(ValueError, match=r"no placeholder text for the field \{pie:Van\}"):
        placeholders("the {pie:Van} is late")


def test_a_step_outside_a_section_is_refused() -> None:
    registry = StepRegistry()
    with pytest.raises(ValueError, match="before any section"):
        registry.add(test_a_step_outside_a_section_is_refused, "given", "a pie")
    with pytest.raises(ValueError, match="unknown step section 'pies'"):
        registry.section("pies")


def _script(readme: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), str(readme)], capture_output=True, text=True, timeout=60
    )


def test_the_script_rewrites_a_stale_block_and_nothing_else(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"# Title\n\n{START_MARKER}\nold steps\n{END_MARKER}\n\n## After\n", encoding="utf-8")
    first = _script(readme)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == f"{readme}: updated"
    text = readme.read_text(encoding="utf-8")
    assert text.startswith(f"# Title\n\n{START_MARKER}\n")
    assert text.endswith(f"{END_MARKER}\n\n## After\n")
    assert extract_block(text) == vocabulary_markdown(REGISTRY)
    second = _script(readme)
    assert second.stdout.strip() == f"{readme}: already up to date"


def test_the_script_says_when_the_markers_are_missing(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# No markers\n", encoding="utf-8")
    result = _script(readme)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"error: {readme}: the markers {START_MARKER} and {END_MARKER} are missing or out of order"
    )
    assert readme.read_text(encoding="utf-8") == "# No markers\n"
