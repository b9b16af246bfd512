"""libyaml's C parser reads what PolicyLoader reads, node for node and mark for mark; without it nothing changes.

``policyweigh.yamldoc`` scans and parses with libyaml where PyYAML was built
with it and composes the nodes in Python (the same bounded composer); anything
the fast path does not read cleanly is read again by ``PolicyLoader``, so every
problem is worded and located the same either way. These tests hold the two
paths equal on every YAML file of the repository (the library, the rulebook,
the golden inputs, the hostile rulebooks) and on generated text, and check the
limits on the fast path itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from policyweigh import yamldoc
from policyweigh.errors import InputError
from policyweigh.loading import load_policy
from policyweigh.yamldoc import MAX_DEPTH, MAX_NODES, PolicyLoader, parse_yaml
from tests.helpers import ROOT

needs_libyaml = pytest.mark.skipif(not yamldoc.LIBYAML, reason="PyYAML was built without libyaml")

YAML_FILES = sorted(
    p.relative_to(ROOT).as_posix()
    for folder in ("policies", "engine", "tests", "examples", "features", "fuzz")
    for pattern in ("*.yaml", "*.yml")
    for p in (ROOT / folder).rglob(pattern)
    if p.is_file()
) + ["organisation.yaml"]


def _outcome(text: str | bytes, *, libyaml: bool, monkeypatch: pytest.MonkeyPatch) -> Any:
    """What parse_yaml gives with or without the C parser: the document's parts, or its problems."""
    monkeypatch.setattr(yamldoc, "LIBYAML", libyaml)
    try:
        doc = parse_yaml(text, "f.yaml")
    except InputError as err:
        return ("problems", [str(p) for p in err.problems])
    return ("document", repr(doc.data), doc.positions, doc.key_positions)


def _nodes(node: yaml.Node, seen: set[int] | None = None) -> Iterator[tuple[Any, ...]]:
    """Every node once (aliases are shared nodes), with its tag, kind, value and marks."""
    seen = set() if seen is None else seen
    if id(node) in seen:
        yield ("alias", node.start_mark.line, node.start_mark.column)
        return
    seen.add(id(node))
    marks = (node.start_mark.line, node.start_mark.column, node.end_mark.line, node.end_mark.column)
    marks += (node.start_mark.index, node.end_mark.index)
    if isinstance(node, yaml.ScalarNode):
        yield ("scalar", node.tag, node.value, node.style or None, *marks)  # libyaml says '' for plain
    elif isinstance(node, yaml.SequenceNode):
        yield ("sequence", node.tag, bool(node.flow_style), *marks)
        for item in node.value:
            yield from _nodes(item, seen)
    else:
        yield ("mapping", node.tag, bool(node.flow_style), *marks)
        for key, value in node.value:
            yield from _nodes(key, seen)
            yield from _nodes(value, seen)


def test_the_corpus_is_wide() -> None:
    assert len(YAML_FILES) > 300
    assert any(f.startswith("tests/data/bad/") for f in YAML_FILES)
    assert any(f.startswith("tests/data/rulebooks/hostile/") for f in YAML_FILES)


@needs_libyaml
@pytest.mark.parametrize("name", YAML_FILES)
def test_both_parsers_give_the_same_nodes_and_marks(name: str) -> None:
    raw = (ROOT / name).read_bytes()
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        pytest.skip("not UTF-8: refused before either parser runs")
    if yamldoc._SLOW_ONLY.search(text):
        pytest.skip("holds tabs or characters only PolicyLoader reads")
    fast = yamldoc._FastLoader(text)
    try:
        fast_nodes = _all_nodes(fast)
    except yamldoc._Refused:
        pytest.skip("holds an empty value, which only PolicyLoader places")
    finally:
        fast.dispose()
    slow = PolicyLoader(text)
    try:
        slow_nodes = _all_nodes(slow)
    finally:
        slow.dispose()
    assert fast_nodes == slow_nodes


def _all_nodes(loader: Any) -> list[tuple[Any, ...]] | str:
    """Every node of the one document ``loader`` reads, or the kind of error it raises."""
    try:
        node = loader.get_single_node()
    except yaml.YAMLError as err:
        return type(err).__name__
    return [] if node is None else list(_nodes(node))


@pytest.mark.parametrize("name", YAML_FILES)
def test_both_paths_read_every_file_alike(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = (ROOT / name).read_bytes()
    slow = _outcome(raw, libyaml=False, monkeypatch=monkeypatch)
    fast = _outcome(raw, libyaml=True, monkeypatch=monkeypatch)
    assert fast == slow


@pytest.mark.parametrize("fixture", sorted(p.name for p in (ROOT / "tests/data/bad").glob("*.yaml")))
def test_golden_inputs_give_the_same_messages_without_libyaml(
    fixture: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    messages = []
    for libyaml in (True, False):
        monkeypatch.setattr(yamldoc, "LIBYAML", libyaml)
        with pytest.raises(InputError) as caught:
            load_policy(f"tests/data/bad/{fixture}")
        messages.append(str(caught.value))
    assert messages[0] == messages[1]
    golden = ROOT / "tests/golden/messages" / f"{Path(fixture).stem}.txt"
    assert messages[1] + "\n" == golden.read_text(encoding="utf-8")


def _count_inits(monkeypatch: pytest.MonkeyPatch, cls: type) -> list[int]:
    count = [0]
    real = cls.__init__

    def counting(self: Any, stream: str) -> None:
        count[0] += 1
        real(self, stream)

    monkeypatch.setattr(cls, "__init__", counting)
    return count


@needs_libyaml
def test_a_clean_document_is_read_by_libyaml_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    fast = _count_inits(monkeypatch, yamldoc._FastLoader)
    slow = _count_inits(monkeypatch, PolicyLoader)
    doc = parse_yaml("id: p\nrules:\n  - {kind: break-rule, from: 10:00}\n", "f.yaml")
    assert doc.data == {"id": "p", "rules": [{"kind": "break-rule", "from": "10:00"}]}
    assert doc.positions[("rules", 0, "from")] == (3, 30)
    assert (fast[0], slow[0]) == (1, 0)


@needs_libyaml
def test_a_problem_is_worded_by_policy_loader(monkeypatch: pytest.MonkeyPatch) -> None:
    fast = _count_inits(monkeypatch, yamldoc._FastLoader)
    slow = _count_inits(monkeypatch, PolicyLoader)
    with pytest.raises(InputError) as caught:
        parse_yaml("a: [1, 2\nb: 3\n", "f.yaml")
    assert fast[0] == 1 and slow[0] >= 1
    assert str(caught.value.problems[0]).startswith("f.yaml:2:2: invalid YAML: expected ',' or ']'")


def test_forcing_the_fallback_uses_policy_loader_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamldoc, "LIBYAML", False)
    slow = _count_inits(monkeypatch, PolicyLoader)
    if yamldoc.LIBYAML_AVAILABLE:
        fast = _count_inits(monkeypatch, yamldoc._FastLoader)
    doc = parse_yaml("a: [1, yes, 10:00, ~]\n", "f.yaml")
    assert doc.data == {"a": [1, "yes", "10:00", None]}
    assert slow[0] == 1
    if yamldoc.LIBYAML_AVAILABLE:
        assert fast[0] == 0


def test_without_libyaml_in_pyyaml_the_fallback_is_chosen(monkeypatch: pytest.MonkeyPatch) -> None:
    # What a PyYAML built without libyaml gives: no C parser at all.
    monkeypatch.setattr(yamldoc, "_CParser", None)
    assert yamldoc._compose_fast("a: 1\n") is None
    assert parse_yaml("a: 1\n", "f.yaml").data == {"a": 1}


@needs_libyaml
@pytest.mark.parametrize(
    "text",
    [
        "a: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "\n",
        "a: " + "[" * 200_000 + "]" * 200_000 + "\n",
        "a: [" + "1, " * (2 * MAX_NODES) + "]\n",
        "\n".join(
            ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
            + [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
        )
        + "\n",
        "a: &x [1, *x]\n",
        "a: 1\n---\nb: 2\n",
        "",
        "# only a comment\n",
    ],
    ids=[
        "too-deep",
        "far-too-deep",
        "too-many-nodes",
        "alias-bomb",
        "alias-loop",
        "two-documents",
        "empty",
        "comment",
    ],
)
def test_the_fast_path_keeps_the_limits(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    composed = [0]
    real = yamldoc._Bounded.compose_node

    def counting(self: Any, parent: Any, index: Any) -> Any:
        if isinstance(self, yamldoc._FastLoader):
            composed[0] += 1
        return real(self, parent, index)

    monkeypatch.setattr(yamldoc._Bounded, "compose_node", counting)
    assert yamldoc._compose_fast(text) is None
    assert composed[0] <= MAX_NODES + 1


YAMLISH = st.lists(
    st.sampled_from(
        [
            "a",
            "b",
            "10:00",
            "yes",
            "1",
            "-1.5e+3",
            ".inf",
            "~",
            ":",
            ": ",
            "-",
            "- ",
            " ",
            "  ",
            "\n",
            "[",
            "]",
            "{",
            "}",
            ",",
            "'",
            '"',
            "#",
            "&a ",
            "*a",
            "!!str ",
            "!x ",
            "? ",
            "|",
            ">",
            "---",
            "...",
            "é",
            "\u00a0",
            "\\",
            "%YAML 1.1\n",
            "%",
            "a!",
            " !x",
            "[!",
            "!<x>",
            "!e%21 ",
            "a?",
            "?b",
            "|-",
            ">+",
            "\n  ",
            "\n- ",
            "x: [",
            "y: {",
            "\t",
            "\ufeff",
        ]
    ),
    max_size=40,
).map("".join)


@pytest.mark.parametrize(
    "text",
    [
        "|#\n",
        ">-#\n",
        "!\n",
        "!...!x a\n",
        "a: [x ?]\n",
        "a: {x: a?b}\n",
        "a: [b,\n  c?]\n",
        "a:\n",
        "a: [1, ]\nb:\n",
        "---\n",
        "a: b\ufeffc\n",
        "a:\tb\n",
        "%YAML 1.1\n---\na: 1\n",
        "a: first! and 95%\n",
    ],
)
def test_what_the_parsers_read_differently_reads_as_policy_loader_reads_it(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _outcome(text, libyaml=True, monkeypatch=monkeypatch) == _outcome(
        text, libyaml=False, monkeypatch=monkeypatch
    )


@needs_libyaml
@settings(max_examples=300, deadline=None)
@given(YAMLISH)
def test_random_text_reads_alike_on_both_paths(text: str) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        assert _outcome(text, libyaml=True, monkeypatch=monkeypatch) == _outcome(
            text, libyaml=False, monkeypatch=monkeypatch
        )
