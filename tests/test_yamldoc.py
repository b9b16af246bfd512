"""Safe YAML reading: YAML 1.2 scalars, positions, and refusal of hostile or broken input."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, ValidationError

from policyweigh.errors import InputError
from policyweigh.yamldoc import (
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_NODES,
    PolicyLoader,
    format_path,
    load_yaml,
    parse_yaml,
    problems_from_validation,
    translate_validation_error,
)


def count_calls(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> list[int]:
    """Count calls of ``owner.name`` (one-element list, read after the work); bounds work without a clock."""
    calls = [0]
    original = getattr(owner, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


def problems(source: str | bytes) -> list[str]:
    """The messages parsing ``source`` gives, as printed."""
    with pytest.raises(InputError) as caught:
        parse_yaml(source, "f.yaml")
    return [str(p) for p in caught.value.problems]


# --------------------------------------------------------------------------- scalars


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("10:00", "10:00"),  # YAML 1.1 reads this as the sexagesimal integer 600
        ("1:30:00", "1:30:00"),
        ("yes", "yes"),
        ("no", "no"),
        ("On", "On"),
        ("off", "off"),
        ("y", "y"),
        ("true", True),
        ("False", False),
        ("TRUE", True),
        ("null", None),
        ("~", None),
        ("", None),
        ("0", 0),
        ("-12", -12),
        ("+7", 7),
        ("1.5", 1.5),
        ("-2.", -2.0),
        (".5", 0.5),
        ("1.0e+3", 1000.0),
        (".inf", math.inf),
        ("-.Inf", -math.inf),
        ("2024-01-31", "2024-01-31"),  # no timestamps: dates stay text
        ("0x1F", "0x1F"),
        ("0o17", "0o17"),
        ("010", "010"),  # leading zeros are text, never octal
        ("09", "09"),
        ("1e3", "1e3"),
        ("1_000", "1_000"),
        ("-.5", "-.5"),
        ("<<", "<<"),  # no merge keys
        ("=", "="),
    ],
)
def test_scalars_resolve_like_yaml_1_2(text: str, value: Any) -> None:
    data = parse_yaml(f"a: {text}\n").data
    assert data == {"a": value}
    assert type(data["a"]) is type(value)


def test_nan_is_a_float() -> None:
    assert math.isnan(parse_yaml("a: .nan\n").data["a"])


def test_explicit_standard_tags_are_plain_data() -> None:
    data = parse_yaml('a: !!str 10\nb: !!int "12"\nc: !!float 5\nd: !!bool "true"\ne: !!null ""\n').data
    assert data == {"a": "10", "b": 12, "c": 5.0, "d": True, "e": None}


def test_explicit_tag_with_a_value_it_cannot_hold_is_refused() -> None:
    assert problems("a: !!int abc\nb: !!bool yes\n") == [
        "f.yaml:1:4: a: the value 'abc' cannot be read as !!int",
        "f.yaml:2:4: b: the value 'yes' cannot be read as !!bool",
    ]


def test_keys_keep_their_source_text() -> None:
    data = parse_yaml("1: a\nyes: b\nnull: c\n10:00: d\n").data
    assert data == {"1": "a", "yes": "b", "null": "c", "10:00": "d"}


def test_small_aliases_still_work() -> None:
    data = parse_yaml("a: &w {from: '10:00', to: '12:00'}\nb: [*w, *w]\n").data
    assert data["b"] == [{"from": "10:00", "to": "12:00"}] * 2


def test_byte_order_mark_is_accepted() -> None:
    assert parse_yaml("\ufeffa: 1\n".encode()).data == {"a": 1}
    assert parse_yaml("\ufeffa: 1\n").data == {"a": 1}


JSONISH = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(st.characters(codec="utf-8", exclude_categories=("Cs",))),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(JSONISH)
def test_safe_dump_output_reads_back_unchanged(value: Any) -> None:
    # safe_dump quotes what YAML 1.1 would resolve; our implicit types are a subset of those.
    text = yaml.safe_dump({"v": value})
    assert parse_yaml(text).data == {"v": value}


# --------------------------------------------------------------------------- positions


DOC = """\
id: lunch
rules:
  - kind: break-rule
    scheduling: staggered
    blocked_windows:
      - {from: "10:00", to: "12:00"}
"""


def test_locate_gives_the_value_of_a_key() -> None:
    doc = parse_yaml(DOC)
    assert doc.locate(("rules", 0, "scheduling")) == (4, 17)
    assert doc.locate(("rules", 0)) == (3, 5)
    assert doc.locate(("rules", 0, "blocked_windows", 0, "to")) == (6, 29)
    assert doc.locate(()) == (1, 1)


def test_locate_of_a_missing_key_gives_its_parent_mapping() -> None:
    doc = parse_yaml(DOC)
    assert doc.locate(("rules", 0, "min_minutes")) == (3, 5)


def test_locate_key_gives_the_key_itself() -> None:
    doc = parse_yaml(DOC)
    assert doc.locate_key(("rules", 0, "scheduling")) == (4, 5)
    assert doc.locate_key(("rules", 0)) == (3, 5)  # a list item has no key: its value


def test_format_path_puts_indexes_in_brackets() -> None:
    assert format_path(("rules", 0, "blocked_windows", 1, "from")) == "rules[0].blocked_windows[1].from"
    assert format_path(()) == ""
    assert format_path((0,)) == "[0]"


# --------------------------------------------------------------------------- refusals


def test_duplicate_key_names_both_lines() -> None:
    assert problems("a: 1\nb:\n  c: 2\n  c: 3\n") == [
        "f.yaml:4:3: b.c: duplicate key 'c': first defined on line 3, again on line 4"
    ]


def test_every_duplicate_key_is_reported() -> None:
    assert len(problems("a: 1\na: 2\nb: 1\nb: 2\n")) == 2


def test_tab_indentation_is_explained() -> None:
    assert problems("a:\n\tb: 1\n") == [
        "f.yaml:2:1: tab character used for indentation; YAML indents with spaces only"
    ]
    assert problems("a:\n  b: 1\n  \tc: 2\n") == [
        "f.yaml:3:3: tab character used for indentation; YAML indents with spaces only"
    ]


def test_tab_after_a_colon_is_explained() -> None:
    assert problems("a:\tb\n") == ["f.yaml:1:3: tab character where YAML needs a space; use spaces"]


def test_tab_inside_a_block_text_is_content() -> None:
    assert parse_yaml("a: |\n  x\n  \ty\n").data == {"a": "x\n\ty\n"}


@pytest.mark.parametrize(
    ("source", "tag"),
    [
        ('a: !!python/object/apply:os.system ["echo hi"]\n', "!!python/object/apply:os.system"),
        ("a: !!python/name:os.system\n", "!!python/name:os.system"),
        ("a: !!set {x: null}\n", "!!set"),
        ("a: !!binary aGk=\n", "!!binary"),
        ("a: !!timestamp 2024-01-01\n", "!!timestamp"),
        ("a: !custom 1\n", "!custom"),
        ("a: !!omap [{x: 1}]\n", "!!omap"),
    ],
)
def test_tags_other_than_plain_data_are_refused(source: str, tag: str) -> None:
    assert problems(source) == [f"f.yaml:1:4: a: the tag {tag} is not allowed; files hold plain data only"]


def test_object_tags_never_run_anything(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    with pytest.raises(InputError):
        parse_yaml(f"a: !!python/object/apply:pathlib.Path.touch [{str(marker)!r}]\n")
    assert not marker.exists()


def test_a_second_document_is_refused() -> None:
    assert problems("a: 1\n---\nb: 2\n") == [
        "f.yaml:2:1: a second YAML document starts here; a file holds one document only "
        "(remove the '---' or split the file)"
    ]


def test_explicit_start_and_end_of_one_document_are_fine() -> None:
    assert parse_yaml("---\na: 1\n...\n").data == {"a": 1}


@pytest.mark.parametrize("source", ["", "\n\n", "# just a comment\n", "---\n...\n"])
def test_empty_file(source: str) -> None:
    if source == "---\n...\n":
        assert parse_yaml(source).data is None  # an explicit empty document is a value: null
        return
    assert problems(source) == ["f.yaml:1:1: the file is empty; it holds no YAML content"]


def test_non_utf8_bytes_are_refused_with_their_offset() -> None:
    assert problems(b"id: ok\ntitle: caf\xe9\n") == [
        "f.yaml:2:11: the file is not valid UTF-8: byte 0xe9 at offset 17 cannot be decoded; "
        "save the file as UTF-8"
    ]


def test_utf16_is_refused() -> None:
    assert problems("a: 1\n".encode("utf-16")) == [
        "f.yaml:1:1: the file is not valid UTF-8: byte 0xff at offset 0 cannot be decoded; "
        "save the file as UTF-8"
    ]


def test_control_characters_are_refused() -> None:
    assert problems("a: b\x00c\n") == [
        "f.yaml:1:5: a: the character U+0000 NULL is not allowed in a YAML file; remove it"
    ]


def test_size_limit_is_checked_before_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    big = "a: [" + "1," * (MAX_FILE_BYTES // 2) + "]\n"
    parsed = count_calls(monkeypatch, PolicyLoader, "compose_node")
    assert problems(big) == [f"f.yaml:1:1: the file is {len(big)} bytes; the limit is {MAX_FILE_BYTES} bytes"]
    assert parsed == [0]


def test_size_limit_of_a_file_is_checked_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    with path.open("wb") as handle:  # sparse: the size is there without the bytes
        handle.truncate(50 * MAX_FILE_BYTES)
    with pytest.raises(InputError) as caught:
        load_yaml(path)
    assert caught.value.problems[0].message == (
        f"the file is {50 * MAX_FILE_BYTES} bytes; the limit is {MAX_FILE_BYTES} bytes"
    )


def test_nesting_deeper_than_the_limit_is_refused() -> None:
    ok = "a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n"
    parse_yaml(ok)
    deep = "a: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "\n"
    assert problems(deep) == [f"f.yaml:1:53: nesting is deeper than {MAX_DEPTH} levels"]


def test_very_deep_nesting_is_refused_without_recursion_error() -> None:
    deep = "a: " + "[" * 200_000 + "]" * 200_000 + "\n"
    assert problems(deep) == [f"f.yaml:1:53: nesting is deeper than {MAX_DEPTH} levels"]


def test_nesting_built_from_aliases_counts_too() -> None:
    inner = "[" * 30 + "]" * 30
    source = f"a: &a {inner}\nb: " + "[" * 30 + "*a" + "]" * 30 + "\n"
    assert problems(source) == [f"f.yaml:2:13: nesting is deeper than {MAX_DEPTH} levels"]


def test_alias_bomb_is_refused_quickly(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    composed = count_calls(monkeypatch, PolicyLoader, "compose_node")
    messages = problems("\n".join(lines) + "\n")
    assert messages == [
        f"f.yaml:5:5: the document expands to more than {MAX_NODES} nodes once aliases are followed"
    ]
    # The nodes written (about 120), not the ten billion they expand to.
    assert composed[0] < 200


def test_recursive_alias_is_refused() -> None:
    assert problems("a: &x [1, *x]\n") == ["f.yaml:1:4: an alias refers to a node that contains it (a loop)"]


def test_undefined_alias_is_a_syntax_error() -> None:
    assert problems("a: *nowhere\n") == ["f.yaml:1:4: invalid YAML: found undefined alias 'nowhere'"]


def test_syntax_error_is_one_located_line() -> None:
    assert problems("a: [1, 2\nb: 3\n") == [
        "f.yaml:2:2: invalid YAML: expected ',' or ']', but got ':' "
        "(while parsing a flow sequence started at line 1, column 4)"
    ]
    assert problems("a: b: c\n") == ["f.yaml:1:5: invalid YAML: mapping values are not allowed here"]


def test_complex_keys_are_refused() -> None:
    assert problems("? [a, b]\n: 1\n") == [
        "f.yaml:1:3: a mapping key must be a plain value, not a list or mapping"
    ]


def test_overlong_integers_are_refused() -> None:
    assert problems("a: " + "9" * 5000 + "\n") == ["f.yaml:1:4: a: the number has more than 100 digits"]


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        load_yaml(tmp_path / "nope.yaml")
    assert caught.value.problems[0].message == "no such file"
    with pytest.raises(InputError) as caught:
        load_yaml(tmp_path)
    assert caught.value.problems[0].message == "expected a YAML file; this is a directory"


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_raise_only_input_errors(raw: bytes) -> None:
    try:
        parse_yaml(raw, "f.yaml")
    except InputError as err:
        assert err.problems
        assert all(p.file == "f.yaml" and p.line >= 1 and p.column >= 1 for p in err.problems)


YAMLISH = st.lists(
    st.sampled_from(
        [
            "a",
            "b",
            ":",
            ": ",
            "-",
            "- ",
            " ",
            "  ",
            "\n",
            "\t",
            "[",
            "]",
            "{",
            "}",
            ",",
            "&x ",
            "*x",
            "*y",
            "&y ",
            "!!str ",
            "!!int ",
            "!foo ",
            "!!python/object:os.system ",
            "?",
            "'",
            '"',
            "|",
            ">",
            "#",
            "---",
            "...",
            "%YAML 1.2",
            "10:00",
            "yes",
            "1e3",
            ".inf",
            "~",
            "\\",
            "\x00",
            "\ufeff",
            "é",
            "<<: ",
        ]
    ),
    max_size=40,
).map("".join)


@settings(max_examples=600, deadline=None)
@given(YAMLISH)
def test_random_yamlish_text_raises_only_input_errors(text: str) -> None:
    try:
        parse_yaml(text, "f.yaml")
    except InputError as err:
        assert err.problems


def test_too_many_nodes_are_refused_while_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    composed = count_calls(monkeypatch, PolicyLoader, "compose_node")
    messages = problems("a: [" + "1, " * (5 * MAX_NODES) + "]\n")
    # The mapping, its key and the list come first: the refused node is item MAX_NODES - 2.
    assert messages == [f"f.yaml:1:{5 + 3 * (MAX_NODES - 3)}: the document holds more than {MAX_NODES} nodes"]
    assert composed[0] == MAX_NODES + 1  # stopped at the bound, not after the whole file


# --------------------------------------------------------------------------- errors of other models


class _Check(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    lt: float | None = None
    eq: str | None = None


class _Condition(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    when: dict[str, bool | int | str | _Check]


def condition_problems(text: str, model: type[BaseModel] | None = _Condition) -> list[str]:
    doc = parse_yaml(text, "c.yaml")
    with pytest.raises(ValidationError) as caught:
        _Condition.model_validate(doc.data)
    if model is None:
        # The translator itself still copes without a model; every YAML caller passes one.
        found = translate_validation_error(caught.value, model=None, source=doc, data=doc.data)
    else:
        found = problems_from_validation(doc, caught.value, model=model)
    return [str(p) for p in found]


def test_untagged_union_members_become_one_message() -> None:
    assert condition_problems("when:\n  a: [1, 2]\n") == [
        "c.yaml:2:6: when.a: expected true or false, a whole number, a string or a mapping; got a list"
    ]


def test_untagged_union_reports_the_member_a_mapping_was_meant_for() -> None:
    assert condition_problems("when:\n  a: {lte: 3}\n  b: {lt: [1]}\n") == [
        "c.yaml:2:7: when.a.lte: unknown field; expected one of lt, eq (did you mean 'lt'?)",
        "c.yaml:3:11: when.b.lt: expected a number; got a list",
    ]


def test_untagged_union_without_the_model_still_drops_member_labels() -> None:
    assert condition_problems("when:\n  a: [1, 2]\n", model=None) == [
        "c.yaml:2:6: when.a: expected true or false, a whole number, a string or a mapping; got a list"
    ]


def test_problems_from_validation_with_a_prefix() -> None:
    doc = parse_yaml("items:\n  - when: {a: {lt: x}}\n", "c.yaml")
    with pytest.raises(ValidationError) as caught:
        _Condition.model_validate(doc.data["items"][0])
    assert [str(p) for p in problems_from_validation(doc, caught.value, ("items", 0), model=_Condition)] == [
        "c.yaml:2:20: items[0].when.a.lt: expected a number; got the string 'x'"
    ]
