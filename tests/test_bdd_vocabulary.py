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
    REMEDIES,
    SECTIONS,
    START_MARKER,
    UPDATE_COMMAND,
    WHAT_IFS,
    StepRegistry,
    extract_block,
    filled,
    find_by_words,
    jurisdiction_names,
    placeholders,
    shown_pattern,
    vocabulary_markdown,
    what_if,
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
    assert len(fixtures) == len(REGISTRY.patterns()) == 94


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
            """Documented.

            Example: `Then a pie`
            """

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


# --------------------------------------------------------------------------- the plain words


def test_the_plain_steps_come_first_in_the_readme_each_with_an_example() -> None:
    text = vocabulary_markdown(REGISTRY)
    plain = [s for s in SECTIONS if s.id.startswith("plain-")]
    assert [s.id for s in SECTIONS[: len(plain)]] == [s.id for s in plain]
    assert text.index("**In plain words: the law") < text.index("**Choosing policies (Given)**")
    for entry in REGISTRY:
        if entry.section.startswith("plain-"):
            assert entry.example.startswith("Example: `"), entry.patterns
            assert entry.example in text
    assert (
        "- `Then the policy is unlawful in <country>`: The policy applies in this country and breaks its "
        "law: unlawful, whatever its scores. Example: `Then the policy is unlawful in Germany`"
    ) in text


def test_a_plain_step_without_an_example_is_refused() -> None:
    registry = StepRegistry()
    for section in SECTIONS:
        registry.section(section.id)

        def described() -> None:
            """Described, with no example."""

        registry.add(described, "then", f"step of {section.id}")
    with pytest.raises(ValueError, match=r"step 'Then step of plain-law' .* has no example"):
        vocabulary_markdown(registry)


def test_the_legend_lists_the_phrases_of_the_plain_steps() -> None:
    text = vocabulary_markdown(REGISTRY)
    assert "- `<outcome>`: One of `is a win-win`; " in text
    assert "`helps customers at staff's cost`" in text
    assert (
        "- `<people>`: One of `staff`; `customers`; `customers directly`; `customers through staff`" in text
    )
    assert "`the lunch ban is lifted`" in text
    assert "consequence: `discipline`, `losing the bonus`, `coaching`, `nothing`" in text
    assert (
        '`the team is left to organise its own lunch cover` ("let them organise their own break cover")'
        in text
    )


def test_a_change_in_words_reads_its_slots_and_fills_the_values() -> None:
    entry, values = what_if("the service-level target is 80% of calls within 20 seconds")
    assert values == {"answered": "80", "seconds": "20"}
    assert [(where, name, filled(value, values)) for where, name, value in entry.changes] == [
        (None, "service_level_target.answered_pct", "80"),
        (None, "service_level_target.within_seconds", "20"),
    ]
    entry, values = what_if("missing the cap means losing the bonus")
    assert filled(entry.changes[0][2], values) == "bonus-gate"
    entry, values = what_if('the bonus depends on "csat >= 90 pct" alone')
    assert filled(entry.changes[0][2], values) == '["csat >= 90 pct"]'
    entry, _ = what_if("the lunch break lasts 45 minutes")
    assert entry.changes[0][0] == {"break": "lunch"}
    with pytest.raises(ValueError, match="no change is worded 'the pie van leaves'"):
        what_if("the pie van leaves")


def test_every_phrase_is_one_change_only() -> None:
    # A phrase two entries could read would change a policy in a way the feature does not say.
    phrases = [w.phrase for w in WHAT_IFS]
    assert len(phrases) == len(set(phrases))
    for entry in WHAT_IFS:
        sample = entry.phrase
        for name in entry.slots():
            choice = next(iter(entry.choices[name])) if name in entry.choices else None
            sample = sample.replace(
                f"<{name}>", choice if choice is not None else ('"x"' if name == "text" else "7")
            )
        assert [w.phrase for w in WHAT_IFS if w.read(sample) is not None] == [entry.phrase]
    assert not set(REMEDIES) & set(phrases)


def test_findings_are_found_by_the_words_of_their_summary() -> None:
    summaries = {
        "BRK001": (
            "break-rule.blocked-lunch-window",
            "Banning breaks in a window takes away the choice of when to rest.",
        ),
        "BRK003": (
            "break-rule.staggered",
            "Staggered breaks let everyone rest while the queue stays staffed.",
        ),
        "BRK007": ("break-rule.short-lunch", "A lunch break under 30 minutes leaves little recovery."),
    }
    assert find_by_words("banning breaks in a window", summaries) == (["BRK001"], False)
    assert find_by_words("Staggered breaks let everyone rest while the queue stays staffed.", summaries) == (
        ["BRK003"],
        True,
    )
    assert find_by_words("break rule short lunch", summaries) == (["BRK007"], True)
    assert find_by_words("breaks", summaries)[0] == ["BRK001", "BRK003"]
    assert find_by_words("pie van", summaries) == ([], False)


def test_countries_are_named_from_the_guardrail_packs() -> None:
    names = jurisdiction_names(
        {
            "de": "Germany, Arbeitszeitgesetz (ArbZG)",
            "uk": "United Kingdom, Working Time Regulations 1998",
            "us-ca": "United States, California",
            "us-wa": "United States, Washington State (WAC 296-126-092)",
            "us-fed": "United States, federal law (Fair Labor Standards Act)",
        }
    )
    assert names["germany"] == ("de", "Germany")
    assert names["united kingdom"] == ("uk", "United Kingdom")
    assert names["california"] == ("us-ca", "California")
    assert names["washington state"] == ("us-wa", "Washington State")
    assert names["united states"] == ("us-fed", "United States")
    assert names["de"] == ("de", "Germany")
