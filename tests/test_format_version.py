"""The format version: every file of format 1 loads and scores as before, and a file may say which
version it is written in (``format: "1"`` or ``"1.1"``); the JSON Schema states the version."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from policyweigh.cli import main
from policyweigh.errors import InputError
from policyweigh.loading import load_library, load_policy_text
from policyweigh.orchestration import evaluate
from policyweigh.policy import (
    FORMAT_VERSION,
    FORMAT_VERSIONS,
    RULE_KINDS,
    V1_RULE_KINDS,
    dump_policy,
    policy_json_schema,
)
from policyweigh.rulebook import Rulebook
from tests.helpers import ROOT, SETTINGS

POLICIES = ROOT / "policies"
BODY = "id: p\ntitle: P\nrules:\n  - {kind: call-time-cap, max_minutes: 7}\n"


def problems(text: str) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_policy_text(text, "p.yaml")
    return [str(p) for p in caught.value.problems]


def _format_1_files() -> list[Path]:
    """The bundled policies written in format 1: no field or value that came in 1.1."""
    found = []
    for path in sorted(POLICIES.rglob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        newer = {"format", "replaces", "alternative_to"} & set(data)
        newer |= {"rotation"} & set(data.get("scope") or {})
        added = {"count", "every_hours", "earliest_after_hours", "latest_after_hours", "waiver", "all", "any"}
        newer |= {key for rule in data["rules"] for key in added & set(rule)}
        kinds = {rule["kind"] for rule in data["rules"]}
        if not newer and kinds <= set(V1_RULE_KINDS):
            found.append(path)
    return found


def test_the_bundled_library_still_holds_format_1_files() -> None:
    assert len(_format_1_files()) >= 20


def test_format_1_files_load_unchanged_and_score_as_declared_format_1(
    tmp_path: Path, rulebook: Rulebook
) -> None:
    # Each format-1 file as it is, and the same file declaring format "1": the same policy, the same
    # scores, verdicts and conflicts.
    files = _format_1_files()
    declared = tmp_path / "declared"
    declared.mkdir()
    for path in files:
        (declared / path.name).write_text(
            'format: "1"\n' + path.read_text(encoding="utf-8"), encoding="utf-8"
        )
    as_is, with_version = load_library(files), load_library([declared])
    for a, b in zip(as_is, with_version, strict=True):
        assert b.policy.format == "1" and a.policy.format is None
        assert a.policy.model_copy(update={"format": "1"}) == b.policy
        assert "format" not in dump_policy(a.policy)  # written back as it was read
    before = evaluate(as_is.models, rulebook=rulebook, settings=SETTINGS, remedies=False).evaluation
    after = evaluate(with_version.models, rulebook=rulebook, settings=SETTINGS, remedies=False).evaluation
    assert before.model_dump(exclude={"policies": {"__all__": {"file"}}}) == after.model_dump(
        exclude={"policies": {"__all__": {"file"}}}
    )


@pytest.mark.parametrize("version", ['"1"', '"1.1"', "'1.1'"])
def test_a_known_version_may_be_declared(version: str) -> None:
    assert load_policy_text(f"format: {version}\n{BODY}").format == version.strip("'\"")


@pytest.mark.parametrize(
    ("version", "message"),
    [
        (
            '"2"',
            'p.yaml:1:9: format: unknown format version \'2\'; this version of policyweigh reads "1", "1.1"',
        ),
        (
            '"v1.1"',
            "p.yaml:1:9: format: unknown format version 'v1.1'; this version of policyweigh reads \"1\", "
            "\"1.1\" (did you mean '1.1'?)",
        ),
        (
            "1.1",
            'p.yaml:1:9: format: expected the format version as a string in quotes, one of "1", "1.1"; '
            "got the number 1.1 (unquoted, 1.10 and 1.1 are the same number) (did you mean '1.1'?)",
        ),
        (
            "2",
            'p.yaml:1:9: format: expected the format version as a string in quotes, one of "1", "1.1"; '
            "got the number 2 (unquoted, 1.10 and 1.1 are the same number)",
        ),
        ("[1]", "p.yaml:1:9: format: expected one of 1, 1.1; got a list"),
    ],
)
def test_an_unknown_version_lists_the_known_ones(version: str, message: str) -> None:
    assert problems(f"format: {version}\n{BODY}") == [message]


@pytest.mark.parametrize(
    ("extra", "what"),
    [
        ("replaces: old\n", "a policy it would replace"),
        ("alternative_to: other\n", "a policy it is an alternative to"),
    ],
)
def test_a_format_1_file_may_use_nothing_added_in_1_1(extra: str, what: str) -> None:
    assert problems(f'format: "1"\n{extra}{BODY}') == [
        f'p.yaml:1:9: format: the file declares format "1", but {what} came in format 1.1; '
        'declare format: "1.1"'
    ]
    assert load_policy_text(f'format: "1.1"\n{extra}{BODY}').format == "1.1"
    assert load_policy_text(f"{extra}{BODY}").format is None


def test_a_window_past_midnight_needs_format_1_1() -> None:
    rule = (
        "id: p\ntitle: P\nrules:\n  - kind: break-rule\n    break: lunch\n    min_minutes: 30\n"
        '    blocked_windows: [{from: "22:00", to: "02:00"}]\n'
    )
    assert problems(f'format: "1"\n{rule}') == [
        'p.yaml:1:9: format: the file declares format "1", but a window past midnight (22:00 to 02:00) '
        'came in format 1.1; declare format: "1.1"'
    ]
    assert load_policy_text(rule).format is None


def test_rule_kinds_of_format_1_are_all_still_there() -> None:
    assert set(V1_RULE_KINDS) <= set(RULE_KINDS)
    assert FORMAT_VERSION == FORMAT_VERSIONS[-1] == "1.1"


# --------------------------------------------------------------------------- the JSON Schema


def test_the_schema_states_the_version() -> None:
    schema = policy_json_schema()
    assert schema["title"] == "Workplace policy (format 1.1)"
    (declared,) = [s for s in schema["properties"]["format"]["anyOf"] if s.get("type") == "string"]
    assert declared["enum"] == list(FORMAT_VERSIONS)
    assert "format" not in schema["required"]


@pytest.mark.parametrize(
    ("top", "valid"),
    [
        ("", True),
        ('format: "1.1"\n', True),
        ('format: "1"\n', True),
        ('format: "2"\n', False),
        ("format: 1.1\n", False),
    ],
)
def test_the_schema_checks_the_version_as_the_loader_does(top: str, valid: bool) -> None:
    document = yaml.safe_load(top + BODY)
    errors = list(jsonschema.Draft202012Validator(policy_json_schema()).iter_errors(document))
    assert (errors == []) is valid


def test_the_schema_command_prints_the_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["title"] == "Workplace policy (format 1.1)"
    assert {"format", "replaces", "alternative_to"} <= set(printed["properties"])
