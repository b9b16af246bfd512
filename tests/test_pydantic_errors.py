"""Contract test over the shapes of pydantic's errors on the product's models.

The located messages people read (``file:line:column: path: message``) are
made by one translator (``policyweigh.yamldoc.translate_validation_error``) from
pydantic's error ``loc`` tuples, which are not a documented interface: tagged
unions put the tag in the location (``rules, 0, break-rule, min_minutes``),
untagged unions a label per member (``function-after[_not_empty(), Check]``),
dict keys a ``[key]`` marker, aliases their YAML name (``from``, ``in``). For
each kind of error the product's models produce, a minimal bad input pins both
the shape pydantic gives and the message printed, so a pydantic upgrade that
changes a shape fails here rather than in front of users.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationError

from policyweigh.config import SettingsFile, load_settings
from policyweigh.errors import InputError
from policyweigh.policy import Policy
from policyweigh.rulebook.guardrails import GuardrailFile
from policyweigh.rulebook.models import ImpactRule
from policyweigh.yamldoc import YamlDocument, parse_yaml, problems_from_validation, translate_validation_error

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib


@dataclass(frozen=True)
class Case:
    """A minimal bad input, pydantic's (type, loc) for it, and the lines the product prints."""

    name: str
    model: type[BaseModel]
    text: str
    shapes: list[tuple[str, tuple[str | int, ...]]]
    printed: list[str]


# fmt: off
CASES = [
    Case(
        'missing',
        Policy,
        'id: p\ntitle: T\n',
        [('missing', ('rules',))],
        ["f.yaml:1:1: missing required field 'rules'"],
    ),
    Case(
        'extra_forbidden',
        Policy,
        'id: p\ntitle: T\nrules:\n  - kind: training\n    hours: 3\n',
        [('extra_forbidden', ('rules', 0, 'training', 'hours'))],
        ['f.yaml:5:5: rules[0].hours: unknown field; expected one of topics, hours_per_year, onboarding_weeks, audience, note'],
    ),
    Case(
        'extra_forbidden_typo_of_missing',
        Policy,
        'id: p\ntitle: T\nrules:\n  - kind: break-rule\n    brake: lunch\n    min_minutes: 30\n',
        [('missing', ('rules', 0, 'break-rule', 'break')), ('extra_forbidden', ('rules', 0, 'break-rule', 'brake'))],
        ["f.yaml:5:5: rules[0].brake: unknown field; expected one of break, min_minutes, blocked_windows, scheduling, paid, count, every_hours, earliest_after_hours, latest_after_hours, waiver, note (did you mean 'break'?)"],
    ),
    Case(
        'literal_error',
        Policy,
        'id: p\ntitle: T\nrules:\n  - kind: break-rule\n    break: lunch\n    min_minutes: 30\n    scheduling: staggerd\n',
        [('literal_error', ('rules', 0, 'break-rule', 'scheduling'))],
        ["f.yaml:7:17: rules[0].scheduling: expected one of fixed, staggered, self-organised; got 'staggerd' (did you mean 'staggered'?)"],
    ),
    Case(
        'literal_error_in_list',
        Policy,
        'id: p\ntitle: T\nrules:\n  - kind: training\n    topics: [cooking]\n',
        [('literal_error', ('rules', 0, 'training', 'topics', 0))],
        ["f.yaml:5:14: rules[0].topics[0]: expected one of communication, product, de-escalation, systems, wellbeing; got 'cooking'"],
    ),
    Case(
        'literal_error_on_dict_key',
        Policy,
        'id: p\ntitle: T\nrules:\n  - kind: compensation-link\n    weights: {sales: 50, Salez: 50}\n',
        [('value_error', ('rules', 0, 'compensation-link', 'weights', 'Salez', '[key]'))],
        ["f.yaml:5:26: rules[0].weights.Salez: metric names are written in lowercase with _ between words: write salez"],
    ),
    Case(
        'literal_error_not_a_string',
        GuardrailFile,
        'version: 2\npacks: {}\n',
        [('literal_error', ('version',))],
        ['f.yaml:1:10: version: expected 1; got the number 2'],
    ),
    Case(
        'union_tag_invalid',
        Policy,
        'id: p\ntitle: T\nrules:\n  - kind: brek-rule\n',
        [('union_tag_invalid', ('rules', 0))],
        ["f.yaml:4:11: rules[0].kind: unknown rule kind 'brek-rule' (did you mean 'break-rule'?)"],
    ),
    Case(
        'union_tag_not_found',
        Policy,
        'id: p\ntitle: T\nrules:\n  - break: lunch\n',
        [('union_tag_not_found', ('rules', 0))],
        ["f.yaml:4:5: rules[0]: missing required field 'kind'; expected one of bonus-threshold, call-time-cap, break-rule, staffing, training, equipment, feedback-practice, customer-conduct, metric-target, knowledge-base, leader-floor-time, compensation-link, customer-incentive, empowerment, attendance, after-call-work, conduct, recovery-time, concurrency, span-of-control, schedule-flexibility, monitoring, adherence, overtime, schedule-notice, commission, script, contest"],
    ),
    Case(
        'int_type_strict_string',
        Policy,
        "id: p\ntitle: T\nrules:\n  - kind: break-rule\n    break: lunch\n    min_minutes: '30'\n",
        [('int_type', ('rules', 0, 'break-rule', 'min_minutes'))],
        ["f.yaml:6:18: rules[0].min_minutes: expected a whole number; got the string '30'"],
    ),
    Case(
        'int_type_strict_float',
        Policy,
        'id: p\ntitle: T\nrules:\n  - kind: break-rule\n    break: lunch\n    min_minutes: 30.5\n',
        [('int_type', ('rules', 0, 'break-rule', 'min_minutes'))],
        ['f.yaml:6:18: rules[0].min_minutes: expected a whole number; got the number 30.5'],
    ),
    Case(
        'bool_type_strict',
        Policy,
        "id: p\ntitle: T\nrules:\n  - kind: break-rule\n    break: lunch\n    min_minutes: 30\n    paid: 'yes'\n",
        [('bool_type', ('rules', 0, 'break-rule', 'paid'))],
        ["f.yaml:7:11: rules[0].paid: expected true or false; got the string 'yes'"],
    ),
    Case(
        'float_type_strict',
        Policy,
        "id: p\ntitle: T\nrules:\n  - kind: call-time-cap\n    max_minutes: 'five'\n",
        [('float_type', ('rules', 0, 'call-time-cap', 'max_minutes'))],
        ["f.yaml:5:18: rules[0].max_minutes: expected a number; got the string 'five'"],
    ),
    Case(
        'string_type',
        Policy,
        'id: p\ntitle: 3\nrules:\n  - kind: training\n',
        [('string_type', ('title',))],
        ['f.yaml:2:8: title: expected a string; got the number 3'],
    ),
    Case(
        'string_pattern_mismatch',
        Policy,
        'id: P Q\ntitle: T\nrules:\n  - kind: training\n',
        [('string_pattern_mismatch', ('id',))],
        ["f.yaml:1:5: id: expected lowercase letters and digits in words joined by single dashes (like 'peak-lunch-ban'); got 'P Q'"],
    ),
    Case(
        'string_pattern_mismatch_code',
        ImpactRule,
        'code: abc\nname: a.b\nsummary: s\nbecause: b\nwhen: {kind: training}\n',
        [('string_pattern_mismatch', ('code',))],
        ["f.yaml:1:7: code: expected a code of two to five capital letters and three digits (like 'CTC002'); got 'abc'"],
    ),
    Case(
        'greater_than',
        Policy,
        'id: p\ntitle: T\nrules:\n  - kind: call-time-cap\n    max_minutes: 0\n',
        [('greater_than', ('rules', 0, 'call-time-cap', 'max_minutes'))],
        ['f.yaml:5:18: rules[0].max_minutes: expected a number greater than 0; got 0'],
    ),
    Case(
        'greater_than_nested',
        Policy,
        'id: p\ntitle: T\nscope: {headcount: -1}\nrules:\n  - kind: training\n',
        [('greater_than', ('scope', 'headcount'))],
        ['f.yaml:3:20: scope.headcount: expected a number greater than 0; got -1'],
    ),
    Case(
        'less_than_equal',
        Policy,
        'id: p\ntitle: T\nrules:\n  - kind: call-time-cap\n    max_minutes: 1000\n',
        [('less_than_equal', ('rules', 0, 'call-time-cap', 'max_minutes'))],
        ['f.yaml:5:18: rules[0].max_minutes: expected a number at most 240; got 1000'],
    ),
    Case(
        'too_short',
        Policy,
        'id: p\ntitle: T\nrules: []\n',
        [('too_short', ('rules',))],
        ['f.yaml:3:8: rules: expected at least 1 entry; got 0'],
    ),
    Case(
        'too_long',
        Policy,
        'id: p\ntitle: T\nrules:\n  - kind: training\n    topics: [communication, product, de-escalation, systems, wellbeing, product]\n',
        [('too_long', ('rules', 0, 'training', 'topics'))],
        ['f.yaml:5:13: rules[0].topics: expected at most 5 entries; got 6'],
    ),
    Case(
        'string_too_short',
        Policy,
        "id: p\ntitle: ''\nrules:\n  - kind: training\n",
        [('string_too_short', ('title',))],
        ['f.yaml:2:8: title: expected text; got an empty string'],
    ),
    Case(
        'string_too_long',
        Policy,
        'id: p\ntitle: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nrules:\n  - kind: training\n',
        [('string_too_long', ('title',))],
        ['f.yaml:2:8: title: expected at most 200 characters; got 201'],
    ),
    Case(
        'value_error_model_validator',
        Policy,
        "id: p\ntitle: T\nrules:\n  - kind: break-rule\n    break: lunch\n    min_minutes: 30\n    blocked_windows: [{from: '10:00', to: '10:00'}]\n",
        [('value_error', ('rules', 0, 'break-rule', 'blocked_windows', 0))],
        ['f.yaml:7:23: rules[0].blocked_windows[0]: a window from 10:00 to 10:00 covers no time; from and to must differ (a window past midnight runs across it, from "22:00" to "02:00")'],
    ),
    Case(
        'value_error_field_validator_in_list',
        Policy,
        "id: p\ntitle: T\nscope: {shift_starts: ['6am']}\nrules:\n  - kind: training\n",
        [('value_error', ('scope', 'shift_starts', 0))],
        ["f.yaml:3:24: scope.shift_starts[0]: expected a time as HH:MM between 00:00 and 23:59; got '6am' (did you mean '06:00'?)"],
    ),
    Case(
        'model_type',
        Policy,
        'id: p\ntitle: T\nscope: 3\nrules:\n  - kind: training\n',
        [('model_type', ('scope',))],
        ['f.yaml:3:8: scope: expected a mapping; got the number 3'],
    ),
    Case(
        'model_attributes_type_in_tagged_list',
        Policy,
        'id: p\ntitle: T\nrules:\n  - 3\n',
        [('model_attributes_type', ('rules', 0))],
        ['f.yaml:4:5: rules[0]: expected a mapping; got the number 3'],
    ),
    Case(
        'list_type',
        Policy,
        'id: p\ntitle: T\nrules: 3\n',
        [('list_type', ('rules',))],
        ['f.yaml:3:8: rules: expected a list; got the number 3'],
    ),
    Case(
        'dict_type',
        Policy,
        'id: p\ntitle: T\nrules:\n  - kind: compensation-link\n    weights: 3\n',
        [('dict_type', ('rules', 0, 'compensation-link', 'weights'))],
        ['f.yaml:5:14: rules[0].weights: expected a mapping; got the number 3'],
    ),
    Case(
        'missing_in_nested_model',
        Policy,
        'id: p\ntitle: T\nrules:\n  - kind: staffing\n    service_level_target: {answered_pct: 80}\n',
        [('missing', ('rules', 0, 'staffing', 'service_level_target', 'within_seconds'))],
        ["f.yaml:5:27: rules[0].service_level_target: missing required field 'within_seconds'"],
    ),
    Case(
        'alias_from_value_error',
        Policy,
        "id: p\ntitle: T\nrules:\n  - kind: break-rule\n    break: lunch\n    min_minutes: 30\n    blocked_windows: [{from: '25:00', to: '10:00'}]\n",
        [('value_error', ('rules', 0, 'break-rule', 'blocked_windows', 0, 'from'))],
        ["f.yaml:7:30: rules[0].blocked_windows[0].from: expected a time as HH:MM between 00:00 and 23:59; got '25:00': hours run from 00 to 23 (a time after midnight is the next day's, such as 01:00)"],
    ),
    Case(
        'alias_from_missing',
        Policy,
        "id: p\ntitle: T\nrules:\n  - kind: break-rule\n    break: lunch\n    min_minutes: 30\n    blocked_windows: [{to: '10:00'}]\n",
        [('missing', ('rules', 0, 'break-rule', 'blocked_windows', 0, 'from'))],
        ["f.yaml:7:23: rules[0].blocked_windows[0]: missing required field 'from'"],
    ),
    Case(
        'alias_in_list_type',
        ImpactRule,
        'code: ABC001\nname: a.b\nsummary: s\nbecause: b\nwhen: {kind: {in: 3}}\n',
        [('bool_type', ('when', 'kind', 'function-after[_check_scalar(), union[bool,int,float,str]]', 'bool')), ('int_type', ('when', 'kind', 'function-after[_check_scalar(), union[bool,int,float,str]]', 'int')), ('float_type', ('when', 'kind', 'function-after[_check_scalar(), union[bool,int,float,str]]', 'float')), ('string_type', ('when', 'kind', 'function-after[_check_scalar(), union[bool,int,float,str]]', 'str')), ('list_type', ('when', 'kind', 'function-after[_not_empty(), Check]', 'in'))],
        ['f.yaml:5:19: when.kind.in: expected a list; got the number 3'],
    ),
    Case(
        'untagged_union_no_member_fits',
        ImpactRule,
        'code: ABC001\nname: a.b\nsummary: s\nbecause: b\nwhen: {kind: [1]}\n',
        [('bool_type', ('when', 'kind', 'function-after[_check_scalar(), union[bool,int,float,str]]', 'bool')), ('int_type', ('when', 'kind', 'function-after[_check_scalar(), union[bool,int,float,str]]', 'int')), ('float_type', ('when', 'kind', 'function-after[_check_scalar(), union[bool,int,float,str]]', 'float')), ('string_type', ('when', 'kind', 'function-after[_check_scalar(), union[bool,int,float,str]]', 'str')), ('model_type', ('when', 'kind', 'function-after[_not_empty(), Check]'))],
        ['f.yaml:5:14: when.kind: expected true or false, a whole number, a number, a string or a mapping; got a list'],
    ),
    Case(
        'untagged_union_member_model_extra',
        ImpactRule,
        'code: ABC001\nname: a.b\nsummary: s\nbecause: b\nwhen: {kind: {lte: 3}}\n',
        [('bool_type', ('when', 'kind', 'function-after[_check_scalar(), union[bool,int,float,str]]', 'bool')), ('int_type', ('when', 'kind', 'function-after[_check_scalar(), union[bool,int,float,str]]', 'int')), ('float_type', ('when', 'kind', 'function-after[_check_scalar(), union[bool,int,float,str]]', 'float')), ('string_type', ('when', 'kind', 'function-after[_check_scalar(), union[bool,int,float,str]]', 'str')), ('extra_forbidden', ('when', 'kind', 'function-after[_not_empty(), Check]', 'lte'))],
        ["f.yaml:5:15: when.kind.lte: unknown field; expected one of eq, ne, lt, le, gt, ge, in, not_in, exists, contains, not_contains (did you mean 'lt'?)"],
    ),
    Case(
        'dict_value_bound',
        ImpactRule,
        'code: ABC001\nname: a.b\nsummary: s\nbecause: b\nwhen: {kind: training}\nimpacts: {employee.wellbeing: 9}\n',
        [('less_than_equal', ('impacts', 'employee.wellbeing'))],
        ['f.yaml:6:31: impacts.employee.wellbeing: expected a number at most 5; got 9'],
    ),
    Case(
        'dict_key_and_nested_too_short',
        GuardrailFile,
        'version: 1\npacks: {X-1: {title: t, requirements: []}}\n',
        [('string_pattern_mismatch', ('packs', 'X-1', '[key]')), ('too_short', ('packs', 'X-1', 'requirements'))],
        ["f.yaml:2:9: packs.X-1: expected a jurisdiction code of lowercase letters and digits, parts joined by dashes (like 'uk' or 'us-ca'); got 'X-1'", 'f.yaml:2:39: packs.X-1.requirements: expected at least 1 entry; got 0'],
    ),
]
# fmt: on


def _errors(case: Case) -> tuple[ValidationError, YamlDocument]:
    doc = parse_yaml(case.text, "f.yaml")
    with pytest.raises(ValidationError) as caught:
        case.model.model_validate(doc.data)
    return caught.value, doc


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_pydantic_gives_the_location_shape_the_translator_expects(case: Case) -> None:
    err, _ = _errors(case)
    assert [(e["type"], tuple(e["loc"])) for e in err.errors(include_url=False)] == case.shapes


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_the_located_message_printed_for_each_error_shape(case: Case) -> None:
    err, doc = _errors(case)
    assert [str(p) for p in problems_from_validation(doc, err, model=case.model)] == case.printed


def test_the_cases_cover_every_error_type_the_product_words() -> None:
    covered = {kind for case in CASES for kind, _ in case.shapes}
    assert {
        "missing",
        "extra_forbidden",
        "literal_error",
        "union_tag_invalid",
        "union_tag_not_found",
        "int_type",
        "bool_type",
        "float_type",
        "string_type",
        "string_pattern_mismatch",
        "greater_than",
        "less_than_equal",
        "too_short",
        "too_long",
        "string_too_short",
        "string_too_long",
        "value_error",
        "model_type",
        "model_attributes_type",
        "list_type",
        "dict_type",
    } <= covered


def test_the_translator_takes_the_model_from_the_caller_not_from_the_error_title() -> None:
    # A model pydantic titles like a product model but that is not one: with the model
    # passed in, the fields listed are this model's own.
    class Policy(BaseModel):  # noqa: F811 - the clash of names is the point
        model_config = {"extra": "forbid"}
        only: int = 0

    doc = parse_yaml("onyl: 1\n", "f.yaml")
    with pytest.raises(ValidationError) as caught:
        Policy.model_validate(doc.data)
    problems = translate_validation_error(caught.value, model=Policy, source=doc, data=doc.data)
    assert [str(p) for p in problems] == [
        "f.yaml:1:1: onyl: unknown field; expected one of only (did you mean 'only'?)"
    ]


SETTINGS_CASES = [
    # (TOML text, pydantic's (type, loc), the line printed without the file name)
    (
        'fail_on = "warnin"\n',
        [("literal_error", ("fail_on",))],
        "1:11: fail_on: expected one of error, warning, never; got 'warnin' (did you mean 'warning'?)",
    ),
    (
        "min_employee = true\n",
        [("int_type", ("min_employee",))],
        "1:16: min_employee: expected a whole number from -100 to 100; got true (a boolean)",
    ),
    (
        '[weights]\n"employee.wellbeing" = "2"\n',
        [("float_type", ("weights", "employee.wellbeing"))],
        '2:24: weights."employee.wellbeing": expected a number above 0 and at most 10; '
        "got '2' (a string); write 2 without quotes",
    ),
    (
        "[weights]\nx = 0\n",
        [("greater_than", ("weights", "x"))],
        "2:5: weights.x: must be above 0; got 0 (a whole number)",
    ),
    (
        "edge_margin_minutes = 1.5\n",
        [("int_type", ("edge_margin_minutes",))],
        "1:23: edge_margin_minutes: expected a whole number of minutes from 0 to 240; got 1.5 (a number)",
    ),
    ('rulebook = ""\n', [("string_too_short", ("rulebook",))], "1:12: rulebook: must not be empty"),
    (
        "weights = 3\n",
        [("dict_type", ("weights",))],
        "1:11: weights: expected a table; got 3 (a whole number)",
    ),
    (
        "fial_on = 1\n",
        [("extra_forbidden", ("fial_on",))],
        "1:1: fial_on: unknown setting (did you mean 'fail_on'?)",
    ),
]


@pytest.mark.parametrize(
    ("text", "shapes", "printed"), SETTINGS_CASES, ids=[c[0].split()[0] for c in SETTINGS_CASES]
)
def test_settings_errors_go_through_the_same_translator_with_toml_positions(
    tmp_path: Path, text: str, shapes: list[tuple[str, tuple[str, ...]]], printed: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        SettingsFile.model_validate(tomllib.loads(text))
    assert [(e["type"], tuple(e["loc"])) for e in caught.value.errors(include_url=False)] == shapes
    file = tmp_path / "policyweigh.toml"
    file.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as refused:
        load_settings(file)
    assert [str(p) for p in refused.value.problems] == [f"{file}:{printed}"]


def test_settings_in_a_pyproject_are_located_under_their_table(tmp_path: Path) -> None:
    file = tmp_path / "pyproject.toml"
    file.write_text('[project]\nname = "x"\n\n[tool.policyweigh]\nfail_on = "warnin"\n', encoding="utf-8")
    with pytest.raises(InputError) as refused:
        load_settings(file)
    assert [str(p) for p in refused.value.problems] == [
        f"{file}:5:11: tool.policyweigh.fail_on: expected one of error, warning, never; got 'warnin' "
        "(did you mean 'warning'?)"
    ]
