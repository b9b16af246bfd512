"""The studio's YAML round trips: text written back as it was, new values written so both YAML
readers (the loader's 1.1, ruamel's 1.2) read them alike."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("ruamel.yaml")

from policyweigh.errors import InputError  # noqa: E402
from policyweigh.loading import load_policy_text  # noqa: E402
from policyweigh.patching import FieldChange, NewRule  # noqa: E402
from policyweigh.policy import RULE_KINDS  # noqa: E402
from policyweigh.studio.roundtrip import apply_changes, dump_data, merge_text, text_diff  # noqa: E402
from policyweigh.templates import policy_template  # noqa: E402
from policyweigh.yamldoc import parse_yaml  # noqa: E402
from tests.helpers import ROOT  # noqa: E402

LIBRARY = sorted((ROOT / "policies").rglob("*.yaml"))


@pytest.mark.parametrize("path", LIBRARY, ids=[p.stem for p in LIBRARY])
def test_every_bundled_policy_is_written_back_as_it_was(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert merge_text(text, parse_yaml(text, str(path)).data) == text


@pytest.mark.parametrize("kind", RULE_KINDS)
def test_every_template_is_written_back_as_it_was(kind: str) -> None:
    text = policy_template(kind, "x")
    assert merge_text(text, parse_yaml(text, "t").data) == text


def test_new_values_read_the_same_to_both_readers() -> None:
    text = policy_template("break-rule", "x")
    data = parse_yaml(text, "t").data
    data["title"] = "yes"
    data["owner"] = "1e3"
    data["scope"]["shift_starts"] = ["06:00", "9:30"]
    data["rules"][0]["blocked_windows"] = [{"from": "10:00", "to": "11:00"}]
    out = merge_text(text, data)
    assert 'title: "yes"' in out and 'owner: "1e3"' in out
    assert 'shift_starts: ["06:00", "9:30"]' in out
    assert 'blocked_windows: [{from: "10:00", to: "11:00"}]' in out
    assert "    count: null" in out  # unset stays written as the template wrote it
    assert parse_yaml(out, "t").data == data


def test_a_removed_field_goes_and_the_rest_keeps_its_comments() -> None:
    text = policy_template("break-rule", "x")
    data = parse_yaml(text, "t").data
    del data["summary"]
    out = merge_text(text, data)
    assert "summary:" not in out.replace("# summary:", "")
    assert "# Which break the rule governs." in out


def test_a_hostile_text_is_refused_by_the_hardened_reader_first() -> None:
    # Nine levels of nine aliases: far more nodes than any policy, refused before expansion.
    lines = ["l0: &l0 [x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 9):
        lines.append(f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * 9) + "]")
    bomb = "\n".join(lines) + "\n"
    with pytest.raises(InputError):
        merge_text("id: !!python/object/apply:os.system ['true']\n", {"id": "x"})
    with pytest.raises(InputError):
        merge_text(bomb, {"id": "x"})


def test_changes_and_new_rules_keep_the_layout() -> None:
    text = policy_template("break-rule", "x")
    out = apply_changes(
        text,
        [
            FieldChange(0, ("scheduling",), "staggered"),
            FieldChange("scope", ("shift_hours",), 8),
            FieldChange(0, ("count",), None),
            NewRule({"kind": "training", "topics": ["wellbeing"], "hours_per_year": 12}),
        ],
    )
    policy = load_policy_text(out)
    assert policy.rules[0].scheduling == "staggered"  # type: ignore[union-attr]
    assert policy.scope.shift_hours == 8
    assert "    count:" not in out
    assert "  - kind: training\n    topics: [wellbeing]\n    hours_per_year: 12\n" in out
    diff = text_diff(text, out, "x.yaml")
    assert "-    scheduling: fixed" in diff and "+    scheduling: staggered" in diff


def test_new_data_is_written_in_the_templates_layout() -> None:
    out = dump_data(
        {"id": "a", "rules": [{"kind": "break-rule", "blocked_windows": [{"from": "10:00", "to": "11:00"}]}]}
    )
    assert out == 'id: a\nrules:\n  - kind: break-rule\n    blocked_windows: [{from: "10:00", to: "11:00"}]\n'


def test_a_new_key_takes_the_place_of_its_commented_example() -> None:
    text = policy_template("break-rule", "x")
    data = parse_yaml(text, "t").data
    data["jurisdiction"] = "uk"
    data["scope"]["headcount"] = 40
    data["rules"][0]["note"] = "Agreed with the team"
    out = merge_text(text, data)
    lines = out.splitlines()
    assert "# jurisdiction: uk" not in lines and "  # headcount: 40" not in lines
    assert lines.index("jurisdiction: uk") < lines.index("scope:")
    assert lines[lines.index("  headcount: 40") - 2] == "  # Number of people covered."
    assert lines[-1] == '    note: "Agreed with the team"'
    assert parse_yaml(out, "t").data == data
    # Where no example is written, the key goes after the mapping's last one.
    data["owner"] = "HR"
    bare = "id: x\ntitle: T\nrules:\n  - kind: training\n"
    assert merge_text(bare, {**parse_yaml(bare, "t").data, "owner": "HR"}).endswith("owner: HR\n")
