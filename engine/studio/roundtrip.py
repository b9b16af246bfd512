"""YAML text kept as the person wrote it while the studio changes its values.

The studio's form edits plain data; ``merge_text`` writes that data back into the text it came
from through ruamel.yaml's round-trip mode, so comments, key order, quoting and flow style survive
wherever the value they belong to survives. ``apply_changes`` does the same for a remedy's
changes (``policyweigh.patching``). Text is read with ruamel only after the project's own hardened
reader (``policyweigh.yamldoc.parse_yaml``) has accepted it, so a hostile file is refused by the same
checks as on the command line before ruamel ever sees it.

The policy loader reads YAML 1.1 (PyYAML), ruamel writes YAML 1.2: a string the two would read
differently (``10:00``, ``yes``, ``1e3``) is written double-quoted, so the file means the same to
both.
"""

from __future__ import annotations

import contextlib
import difflib
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, ScalarString
from ruamel.yaml.util import load_yaml_guess_indent

from policyweigh.errors import InputError
from policyweigh.patching import Change, FieldChange, NewRule
from policyweigh.yamldoc import parse_yaml

__all__ = ["apply_changes", "dump_data", "merge_text", "text_diff"]

_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9_. /-]*")
"""Text that may be written unquoted if the reader agrees; anything else (times, numbers) is quoted."""

_WIDTH = 4096
"""Long enough that ruamel never folds a line the person wrote on one line."""


def _null(representer: Any, _: None) -> Any:
    """``null`` written out, as the templates write an unset field, rather than nothing."""
    return representer.represent_scalar("tag:yaml.org,2002:null", "null")


class _Document:
    """A round-trip document with the indentation of the text it was read from."""

    def __init__(self, text: str) -> None:
        self.indent, self.sequence, self.offset = 2, 4, 2
        self.root: Any = None
        if text.strip():
            parse_yaml(text, "<draft>")  # the hardened reader first: raises InputError, located
            reader = YAML(typ="rt")
            reader.preserve_quotes = True
            self.root, sequence, offset = load_yaml_guess_indent(text, yaml=reader)
            self.indent = _mapping_indent(text)
            if offset is not None and sequence is not None:
                self.sequence, self.offset = sequence, offset

    def dump(self) -> str:
        writer = YAML(typ="rt")
        writer.width = _WIDTH
        writer.preserve_quotes = True
        writer.representer.add_representer(type(None), _null)
        writer.indent(mapping=self.indent, sequence=self.sequence, offset=self.offset)
        out = io.StringIO()
        writer.dump(self.root, out)
        return out.getvalue()


def _mapping_indent(text: str) -> int:
    """How far the text indents a mapping inside a mapping (2 when it has none)."""
    parent: int | None = None
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(line) - len(line.lstrip(" "))
        if parent is not None and not stripped.startswith("-") and indent > parent:
            return indent - parent
        parent = indent if stripped.endswith(":") and not stripped.startswith("-") else None
    return 2


def _plain_reads_back(value: str) -> bool:
    """Whether a YAML 1.1 reader reads ``value`` written plain as the same string."""
    if not _PLAIN.fullmatch(value):
        return False
    try:
        return bool(yaml.safe_load(value) == value)
    except yaml.YAMLError:
        return False


def _scalar(value: Any) -> bool:
    return not isinstance(value, (Mapping, list, tuple))


def _short(value: Any) -> bool:
    """Whether a value reads best on one line, as the bundled policies write windows and lists."""
    if isinstance(value, Mapping):
        return "kind" not in value and len(value) <= 3 and all(_scalar(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return all(_scalar(v) or _short(v) for v in value)
    return True


def _node(value: Any, like: Any = None) -> Any:
    """Plain data as round-trip nodes; ``like`` is the value it replaces, whose quoting it keeps."""
    if isinstance(value, Mapping):
        mapping = CommentedMap()
        for key, item in value.items():
            mapping[key] = _node(item)
        if _short(value):
            mapping.fa.set_flow_style()
        return mapping
    if isinstance(value, (list, tuple)):
        seq = CommentedSeq()
        seq.extend(_node(item) for item in value)
        if _short(value):
            seq.fa.set_flow_style()
        return seq
    if isinstance(value, str):
        if isinstance(like, ScalarString):
            return type(like)(value)
        return value if _plain_reads_back(value) else DoubleQuotedScalarString(value)
    return value


def _same_scalar(node: Any, value: Any) -> bool:
    return type(value) is type(node) or (isinstance(node, str) and isinstance(value, str))


def _merge(node: Any, value: Any) -> Any:
    """``value`` written over ``node``: what did not change keeps its node (and its comments)."""
    if isinstance(value, Mapping) and isinstance(node, CommentedMap):
        for key in [k for k in node if k not in value]:
            del node[key]
        for key, item in value.items():
            node[key] = _merge(node[key], item) if key in node else _node(item)
        return node
    if isinstance(value, (list, tuple)) and isinstance(node, CommentedSeq):
        if not node and _short(value):  # an empty `[]` written flow, or a new list: one line
            node.fa.set_flow_style()
        while len(node) > len(value):
            node.pop()
        for index, item in enumerate(value):
            if index < len(node):
                node[index] = _merge(node[index], item)
            else:
                node.append(_node(item))
        return node
    if node == value and _same_scalar(node, value):
        return node
    return _node(value, node)


def _uncomment(lines: list[str], node: Any, value: Any, start: int, end: int) -> bool:
    """Turn the commented-out line ``# key: example`` of each key ``value`` adds to a mapping into
    that key, in place in ``lines``, so the new key lands where the file describes it (the
    ``policyweigh new`` templates show every optional field so). ``start``/``end``: the node's lines."""
    changed = False
    if isinstance(node, CommentedMap) and isinstance(value, Mapping):
        if node.fa.flow_style() or node.lc.col is None:
            return False
        indent = " " * node.lc.col
        for key in value:
            if key in node or not isinstance(key, str):
                continue
            written = re.compile(rf"{indent}# {re.escape(key)}:(\s|$)")
            for number in range(start, min(end, len(lines))):
                if written.match(lines[number]):
                    lines[number] = indent + lines[number][len(indent) + 2 :]
                    changed = True
                    break
        keys = list(node)
        for index, key in enumerate(keys):
            if key in value:
                last = node.lc.key(keys[index + 1])[0] if index + 1 < len(keys) else end
                changed |= _uncomment(lines, node[key], value[key], node.lc.key(key)[0], last)
    elif isinstance(node, CommentedSeq) and isinstance(value, (list, tuple)) and not node.fa.flow_style():
        for index, item in enumerate(node[: len(value)]):
            last = node.lc.item(index + 1)[0] if index + 1 < len(node) else end
            changed |= _uncomment(lines, item, value[index], node.lc.item(index)[0], last)
    return changed


def merge_text(text: str, data: Any) -> str:
    """``text`` with its values replaced by ``data``, its comments and key order kept.

    A key ``data`` adds takes the place of its commented-out example line when the text has one
    (``# jurisdiction: uk``), else it goes after the mapping's last key. Raises ``InputError``
    (located) when ``text`` is not YAML the policy loader would read; a ``text`` with nothing in
    it gives ``data`` written afresh.
    """
    doc = _Document(text)
    if doc.root is not None:
        lines = text.splitlines(keepends=True)
        if _uncomment(lines, doc.root, data, 0, len(lines)):
            with contextlib.suppress(InputError, YAMLError):  # an example that does not parse stays a comment
                doc = _Document("".join(lines))
    doc.root = _merge(doc.root, data) if doc.root is not None else _node(data)
    return doc.dump()


def dump_data(data: Any) -> str:
    """Plain data as new YAML text, in the layout the ``policyweigh new`` templates use."""
    doc = _Document("")
    doc.root = _node(data)
    return doc.dump()


def _parent(root: Any, change: FieldChange) -> Any:
    if change.part == "policy":
        node = root
    elif change.part == "scope":
        if not isinstance(root.get("scope"), CommentedMap):
            root["scope"] = CommentedMap()
        node = root["scope"]
    else:
        node = root["rules"][change.part]
    for step in change.path[:-1]:
        node = node[step]
    return node


def _apply(root: Any, change: Change) -> None:
    if isinstance(change, NewRule):
        root["rules"].append(_node(dict(change.fields)))
        return
    parent = _parent(root, change)
    last = change.path[-1]
    if change.value is None:
        if isinstance(parent, CommentedMap) and last in parent:
            del parent[last]
        return
    present = (
        last in parent if isinstance(parent, CommentedMap) else isinstance(last, int) and last < len(parent)
    )
    if present:
        parent[last] = _merge(parent[last], change.value)
    else:
        parent[last] = _node(change.value)


def apply_changes(text: str, changes: Iterable[Change]) -> str:
    """``text`` with a patch's changes made in it, comments and key order kept.

    The caller validates the result (``policyweigh.loading.load_policy_text``); a change the text's
    shape does not allow raises ``KeyError``, ``IndexError`` or ``TypeError``.
    """
    doc = _Document(text)
    for change in changes:
        _apply(doc.root, change)
    return doc.dump()


def text_diff(before: str, after: str, name: str) -> list[str]:
    """The unified diff of two texts of one file, line by line without line ends."""
    lines: Sequence[str] = list(
        difflib.unified_diff(
            before.splitlines(),
            after.splitlines(),
            fromfile=f"{name} (now)",
            tofile=f"{name} (after)",
            lineterm="",
        )
    )
    return list(lines)
