"""``policyweigh schema`` and ``policyweigh new``: stable output, shipped schema, safe writing, templates."""

from __future__ import annotations

import inspect
import json
import re
from pathlib import Path

import click
import jsonschema
import pytest
import yaml

from policyweigh.cli import cli, main
from policyweigh.cli.schema import schema_text
from policyweigh.loading import load_policy, load_policy_text
from policyweigh.policy import RULE_KINDS, RULE_MODELS, policy_json_schema
from policyweigh.reference import field_docs
from policyweigh.templates import policy_template
from tests.helpers import ROOT

SHIPPED = ROOT / "engine" / "schemas" / "policy-v1.json"


# --------------------------------------------------------------------------- schema


def test_schema_prints_sorted_json_with_a_trailing_newline(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    out = capsys.readouterr().out
    assert out.endswith("}\n") and not out.endswith("\n\n")
    assert json.loads(out) == policy_json_schema()
    assert out == json.dumps(json.loads(out), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_shipped_schema_is_up_to_date() -> None:
    assert SHIPPED.read_text(encoding="utf-8") == schema_text(), (
        "engine/schemas/policy-v1.json is stale: "
        "run `policyweigh schema -o engine/schemas/policy-v1.json --force`"
    )


def test_schema_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(json.loads(schema_text()))


def test_schema_output_file_and_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "policy.schema.json"
    assert main(["schema", "-o", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == schema_text()
    assert capsys.readouterr().out == ""

    target.write_text("keep me", encoding="utf-8")
    assert main(["schema", "-o", str(target)]) == 2
    assert capsys.readouterr().err == f"Error: {target} already exists; pass --force to overwrite it\n"
    assert target.read_text(encoding="utf-8") == "keep me"

    assert main(["schema", "-o", str(target), "--force"]) == 0
    assert target.read_text(encoding="utf-8") == schema_text()


def test_schema_into_a_missing_folder_makes_the_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "no" / "such.json"
    assert main(["schema", "-o", str(target)]) == 0
    assert capsys.readouterr().err == f"wrote {target}\n"
    assert target.read_text(encoding="utf-8") == schema_text()


# --------------------------------------------------------------------------- new


@pytest.mark.parametrize("kind", RULE_KINDS)
def test_every_template_is_a_valid_policy(kind: str) -> None:
    text = policy_template(kind)
    policy = load_policy_text(text, f"{kind}.yaml")
    assert [rule.kind for rule in policy.rules] == [kind]
    jsonschema.validate(yaml.safe_load(text), policy_json_schema())


@pytest.mark.parametrize("kind", RULE_KINDS)
def test_every_field_of_the_kind_is_shown_with_its_meaning(kind: str) -> None:
    text = policy_template(kind)
    rule_part = text.split("\nrules:\n", 1)[1]
    for doc in field_docs(RULE_MODELS[kind]):
        assert f"    # {doc.meaning}\n" in rule_part, doc.name
        assert re.search(rf"^    (# )?{re.escape(doc.name)}:( |$)", rule_part, re.M), doc.name
        if doc.choices:
            assert ", ".join(doc.choices) in rule_part, doc.name
        if doc.unit:
            assert f"unit: {doc.unit}" in rule_part, doc.name


def test_template_comments_show_allowed_values_unit_and_default() -> None:
    text = policy_template("call-time-cap")
    assert (
        "    # What happens when the cap is missed.\n"
        "    # Optional; one of: guideline, coaching, bonus-gate, disciplinary; default: guideline.\n"
        "    enforcement: guideline\n"
    ) in text
    assert (
        "    # The cap, in minutes.\n"
        "    # Required; number, greater than 0, at most 240; unit: minutes.\n"
        "    max_minutes: 8\n"
    ) in text


def test_new_prints_the_template(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "break-rule"]) == 0
    assert capsys.readouterr().out == policy_template("break-rule")


def test_new_with_id(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "training", "--id", "onboarding-plan"]) == 0
    assert load_policy_text(capsys.readouterr().out).id == "onboarding-plan"


def test_new_with_a_bad_id(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "training", "--id", "Onboarding Plan"]) == 2
    assert "Invalid value for --id: expected lowercase letters" in capsys.readouterr().err


def test_new_writes_a_file_named_after_the_id(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "lunch-rota.yaml"
    assert main(["new", "break-rule", "-o", str(target)]) == 0
    assert capsys.readouterr().out == ""
    assert load_policy(target).id == "lunch-rota"


def test_new_never_overwrites_without_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "mine.yaml"
    target.write_text("my work", encoding="utf-8")
    assert main(["new", "staffing", "-o", str(target)]) == 2
    assert capsys.readouterr().err == f"Error: {target} already exists; pass --force to overwrite it\n"
    assert target.read_text(encoding="utf-8") == "my work"
    assert main(["new", "staffing", "-o", str(target), "--force"]) == 0
    assert load_policy(target).rules[0].kind == "staffing"


def test_unknown_kind_suggests_the_closest(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "brake-rule"]) == 2
    assert "Invalid value for KIND: unknown rule kind 'brake-rule' (did you mean 'break-rule'?)" in (
        capsys.readouterr().err
    )


def test_unknown_kind_without_a_close_match_lists_the_kinds(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "holiday"]) == 2
    assert f"unknown rule kind 'holiday'; expected one of {', '.join(RULE_KINDS)}" in capsys.readouterr().err


def test_unknown_kind_in_the_library_api() -> None:
    with pytest.raises(ValueError, match="unknown rule kind 'nope'"):
        policy_template("nope")


# --------------------------------------------------------------------------- documentation of the commands


@pytest.mark.parametrize("name", ["validate", "schema", "new"])
def test_command_is_documented(name: str) -> None:
    command = cli.commands[name]
    assert command.help
    assert inspect.cleandoc(command.help).splitlines()[-1].startswith(f"Example: policyweigh {name} ")
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help, f"{name} {param.opts} has no help"


def test_new_help_lists_every_rule_kind(capsys: pytest.CaptureFixture[str]) -> None:
    # The help text lists the kinds by hand (click reads it from the docstring): it must keep up.
    assert main(["new", "--help"]) == 0
    listing = " ".join(capsys.readouterr().out.split())
    for kind in RULE_KINDS:
        assert f" {kind}," in listing or f" {kind} " in listing or listing.endswith(kind), kind
