"""Safe YAML reading with source positions, and pydantic errors turned into located problems.

Policy files come from people and from other tools, so reading is defensive:

- only plain data is built (mappings, lists, strings, numbers, booleans, null);
  any tag other than the standard ones (``!!python/object``, ``!custom``...) is refused;
- scalars resolve the YAML 1.2 way: ``10:00`` stays the string ``"10:00"`` and
  ``yes``/``no``/``on``/``off`` are strings; only ``true``/``false`` are booleans.
  The implicit types recognised are a subset of what PyYAML's YAML 1.1 dumper
  quotes, so data written with ``yaml.safe_dump`` always reads back unchanged;
- duplicate keys, tab indentation, non-UTF-8 bytes, several documents in one
  file, oversized files, deep nesting and alias-expansion bombs are refused
  with a located message, before any cost proportional to the attack is paid;
- only regular files are read: a FIFO or a device (``/dev/zero``) is refused
  before it is opened, and opening never blocks;
- messages quote what the file holds escaped and cut short (``policyweigh.suggest.quote``),
  so a message is one printable line whatever the input.

Every node's position is recorded by its path (``("rules", 0, "scheduling")``)
so a validation error can point at the exact line and column.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Protocol, TypeVar, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, Field, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

from policyweigh.errors import InputError, Problem
from policyweigh.hints import HintedValueError, unit_hint
from policyweigh.suggest import QUOTE_LIMIT, as_name, char_name, closest, excerpt, quote

PathKey = tuple[str | int, ...]

MAX_FILE_BYTES = 1024 * 1024
"""Largest input accepted, checked before parsing (a policy is a few kilobytes)."""
MAX_DEPTH = 50
"""Deepest nesting of mappings and lists accepted, counted after alias expansion."""
MAX_NODES = 50_000
"""Most nodes a document may hold, and expand to once aliases are followed (stops "billion laughs").

The largest real file is a few thousand nodes; the bound also caps parsing time,
since the pure-Python scanner takes about 20 microseconds a node."""
MAX_INT_DIGITS = 100
"""Longest integer literal accepted; longer ones are refused rather than converted."""

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_SCALAR_TAGS = {_STR, _INT, _FLOAT, _BOOL, _NULL}

_INT_RE = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$")
_FLOAT_RE = re.compile(
    r"""^(?:[-+]?[0-9]+\.[0-9]*(?:[eE][-+][0-9]+)?
    |\.[0-9]+(?:[eE][-+][0-9]+)?
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))$""",
    re.X,
)
_BOOL_RE = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_NULL_RE = re.compile(r"^(?:~|null|Null|NULL|)$")


EMPTY_FILE = "the file is empty; it holds no YAML content"
"""The problem of a file with nothing in it but blank lines and comments."""


class EmptyFileError(InputError):
    """A file with no YAML content: empty, or only blank lines and comments."""


class _Refused(Exception):
    """A document refused while composing, before any data is built."""

    def __init__(self, mark: Any, message: str) -> None:
        super().__init__(message)
        self.mark = mark
        self.message = message


class _Bounded:
    """Composition that refuses nesting past MAX_DEPTH and documents past MAX_NODES nodes, as it goes."""

    _depth = 0
    _nodes = 0
    peek_event: Callable[[], Any]
    """The parser's (PyYAML's or libyaml's)."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        """Compose one node, refusing nesting past MAX_DEPTH (the composer recurses) or MAX_NODES nodes."""
        self._depth += 1
        self._nodes += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Refused(self.peek_event().start_mark, f"nesting is deeper than {MAX_DEPTH} levels")
            if self._nodes > MAX_NODES:
                raise _Refused(
                    self.peek_event().start_mark, f"the document holds more than {MAX_NODES} nodes"
                )
            return super().compose_node(parent, index)  # type: ignore[misc]
        finally:
            self._depth -= 1


class PolicyLoader(_Bounded, yaml.SafeLoader):  # type: ignore[misc]
    """A SafeLoader that composes nodes only, resolves scalars like YAML 1.2 and bounds nesting.

    The implicit resolvers are replaced wholesale: PyYAML's YAML 1.1 set reads
    ``10:00`` as the sexagesimal integer 600 and ``no`` as false. Ours are each
    a subset of the 1.1 patterns so that ``yaml.safe_dump`` output, which quotes
    whatever 1.1 would resolve, loads back as the same values.
    """

    yaml_implicit_resolvers: dict[Any, Any] = {}

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._nodes = 0


PolicyLoader.add_implicit_resolver(_BOOL, _BOOL_RE, list("tTfF"))
PolicyLoader.add_implicit_resolver(_INT, _INT_RE, list("-+0123456789"))
PolicyLoader.add_implicit_resolver(_FLOAT, _FLOAT_RE, list("-+0123456789."))
PolicyLoader.add_implicit_resolver(_NULL, _NULL_RE, ["~", "n", "N", ""])


_CParser: Any = getattr(getattr(yaml, "cyaml", None), "CParser", None) if yaml.__with_libyaml__ else None
LIBYAML_AVAILABLE = _CParser is not None
"""Whether PyYAML was built with libyaml."""
LIBYAML = LIBYAML_AVAILABLE
"""Whether documents are scanned and parsed by libyaml's C parser (when PyYAML was built with it).

Only the scanning and parsing run in C: nodes are composed in Python from the
parser's events, by the same bounded composer and resolvers as ``PolicyLoader``,
so the limits hold as they go. libyaml and PyYAML's own parser do not word their
errors alike, so a document the fast path does not read cleanly is read again by
``PolicyLoader``, whose problems are the ones reported: every message is the same
with or without libyaml. Set to False to read everything with ``PolicyLoader``.
"""

if _CParser is not None:

    class _FastLoader(_Bounded, yaml.composer.Composer, _CParser, yaml.resolver.Resolver):  # type: ignore[misc]
        """``PolicyLoader``'s composer and resolvers over libyaml's scanner and parser."""

        yaml_implicit_resolvers = PolicyLoader.yaml_implicit_resolvers
        yaml_path_resolvers = PolicyLoader.yaml_path_resolvers

        def __init__(self, stream: str) -> None:
            _CParser.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            yaml.resolver.Resolver.__init__(self)
            self._depth = 0
            self._nodes = 0
            self._flow = 0

        def compose_scalar_node(self, anchor: Any) -> Any:
            """A scalar node; what the two parsers read differently is left to ``PolicyLoader``.

            An empty value (``key:`` with nothing after it): PyYAML places it just after
            the colon, libyaml at the next token, and positions must not depend on the
            parser. A plain value holding ``?`` inside ``[...]`` or ``{...}``: PyYAML ends
            the value at the ``?`` (and refuses the rest), libyaml reads on.
            """
            event = self.peek_event()
            if event.start_mark.index == event.end_mark.index:
                raise _Refused(event.start_mark, "an empty value: read by PolicyLoader")
            if self._flow and not event.style and "?" in event.value:
                raise _Refused(event.start_mark, "a '?' in a flow collection: read by PolicyLoader")
            return super().compose_scalar_node(anchor)

        def compose_sequence_node(self, anchor: Any) -> Any:
            """A sequence node, counting the flow collections it opens."""
            flow = bool(self.peek_event().flow_style)
            self._flow += flow
            try:
                return super().compose_sequence_node(anchor)
            finally:
                self._flow -= flow

        def compose_mapping_node(self, anchor: Any) -> Any:
            """A mapping node, counting the flow collections it opens."""
            flow = bool(self.peek_event().flow_style)
            self._flow += flow
            try:
                return super().compose_mapping_node(anchor)
            finally:
                self._flow -= flow


# Where libyaml and PyYAML disagree (found by comparing the two on generated text, see
# tests/test_yaml_libyaml.py): characters PyYAML's reader refuses and libyaml lets through (U+FEFF
# inside the text), tabs, which the scanners accept in different places, what may be a tag (a `!`
# starting a word; every tag but the standard ones is refused anyway) or a directive (`%` starting
# a line), and a block scalar's header running into a comment (`|#`). A document holding any of
# them is read by PolicyLoader alone; a `!` or `%` inside words ("first!", "95%") is not one.
_SLOW_ONLY = re.compile(
    r"[\t\ufeff]|(?:^|[\s\[\]{},:])!|^%|[|>][-+0-9]*#|" + yaml.reader.Reader.NON_PRINTABLE.pattern,
    re.MULTILINE,
)


def _compose_fast(text: str) -> yaml.Node | None:
    """The document's root node from libyaml's parser, or None when ``PolicyLoader`` must read it.

    None for anything but one clean document within the limits: an empty file, a second
    document, a syntax error, a refused node. The slow path then finds and words the problem.
    """
    if _CParser is None or not LIBYAML or _SLOW_ONLY.search(text):
        return None
    loader = _FastLoader(text)
    try:
        if not loader.check_node():
            return None
        node = loader.get_node()
        if loader.check_node():
            return None
        _expanded_size(node)
    except Exception:  # whatever stops the fast path, PolicyLoader reads the text and says what it is
        return None
    finally:
        loader.dispose()
    return node


@dataclass
class YamlDocument:
    """Parsed YAML data plus the position of every node, keyed by its path."""

    file: str
    data: Any
    positions: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    """Path to the (line, column), 1-based, where the node's value starts."""
    key_positions: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    """Path of a mapping entry to the (line, column) of its key."""

    def locate(self, path: Sequence[str | int]) -> tuple[int, int]:
        """Return (line, column), 1-based, of the value at ``path``, or of its nearest existing parent."""
        key = tuple(path)
        while key not in self.positions and key:
            key = key[:-1]
        return self.positions.get(key, (1, 1))

    def locate_key(self, path: Sequence[str | int]) -> tuple[int, int]:
        """Return (line, column) of the key of the mapping entry at ``path`` (its value's for list items)."""
        key = tuple(path)
        if key in self.key_positions:
            return self.key_positions[key]
        return self.locate(key)

    def spell(self, path: Sequence[str | int]) -> str:
        """``path`` as messages show it: ``rules[0].scheduling``."""
        return format_path(path)


# --------------------------------------------------------------------------- reading


def _line_col(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _decode(raw: bytes, file: str) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        before = raw[: err.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        byte = raw[err.start]
        raise InputError(
            [
                Problem(
                    file,
                    line,
                    column,
                    "",
                    f"the file is not valid UTF-8: byte 0x{byte:02x} at offset {err.start} "
                    "cannot be decoded; save the file as UTF-8",
                )
            ]
        ) from None
    return text[1:] if text.startswith("\ufeff") else text


_QUOTED_NAME = re.compile(rf"'([^'\n]{{{QUOTE_LIMIT + 1},}})'")


def _cut_names(text: str) -> str:
    """PyYAML's message with the names it quotes whole (aliases, anchors, tag handles) cut short."""
    return _QUOTED_NAME.sub(lambda m: quote(m.group(1)), text)


def _yaml_error(err: yaml.YAMLError, text: str, file: str) -> Problem:
    if isinstance(err, yaml.reader.ReaderError):
        line, column = _line_col(text, err.position)
        char = err.character if isinstance(err.character, str) else chr(err.character)
        path = _path_at(text, err.position)
        message = f"the character {char_name(char)} is not allowed in a YAML file; remove it"
        return Problem(file, line, column, format_path(path), message)
    if isinstance(err, yaml.MarkedYAMLError) and err.problem_mark is not None:
        mark = err.problem_mark
        line, column = mark.line + 1, mark.column + 1
        problem = err.problem or "invalid YAML"
        if "'\\t'" in problem:
            start = text.rfind("\n", 0, mark.index) + 1
            if text[start : mark.index + 1].strip(" \t") == "":
                message = "tab character used for indentation; YAML indents with spaces only"
            else:
                message = "tab character where YAML needs a space; use spaces"
            return Problem(file, line, column, "", message)
        message = f"invalid YAML: {_cut_names(problem)}"
        if err.context:
            context = _cut_names(err.context)
            cmark = err.context_mark
            if cmark is not None and (cmark.line, cmark.column) != (mark.line, mark.column):
                context += f" started at line {cmark.line + 1}, column {cmark.column + 1}"
            message += f" ({context})"
        return Problem(file, line, column, "", message)
    first = str(err).splitlines()[0] if str(err) else type(err).__name__
    return Problem(file, 1, 1, "", f"invalid YAML: {first}")


def _path_at(text: str, index: int) -> PathKey:
    """The path of the key or value holding the character at ``index`` (``()`` if none is found).

    The reader refuses the whole stream on one bad character, before any node
    exists; reading it again with every refused character turned into a space
    (so positions stay put) finds the field the character was in.
    """
    cleaned = yaml.reader.Reader.NON_PRINTABLE.sub(" ", text)
    loader = PolicyLoader(cleaned)
    try:
        node = loader.get_single_node()
    except (yaml.YAMLError, _Refused, RecursionError):
        return ()
    finally:
        loader.dispose()

    def holds(item: yaml.Node) -> bool:
        return bool(item.start_mark.index <= index < item.end_mark.index)

    # Descend only into the one child holding the index: aliases are never expanded here.
    path: list[str | int] = []
    while node is not None:
        children: list[tuple[str | int, yaml.Node]] = []
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and holds(key):
                    return (*path, str(key.value))
                children.append((str(key.value) if isinstance(key, yaml.ScalarNode) else "?", value))
        elif isinstance(node, yaml.SequenceNode):
            children = list(enumerate(node.value))
        node = None
        for part, child in children:
            if holds(child):
                path.append(part)
                node = child
                break
    return tuple(path)


def _expanded_size(root: yaml.Node) -> None:
    """Refuse documents whose aliases expand past MAX_NODES nodes or MAX_DEPTH levels, or loop."""
    sizes: dict[int, tuple[int, int]] = {}
    active: set[int] = set()

    def measure(node: yaml.Node) -> tuple[int, int]:
        known = sizes.get(id(node))
        if known is not None:
            return known
        if id(node) in active:
            raise _Refused(node.start_mark, "an alias refers to a node that contains it (a loop)")
        active.add(id(node))
        count, depth = 1, 1
        if isinstance(node, yaml.SequenceNode):
            children: Iterable[yaml.Node] = node.value
        elif isinstance(node, yaml.MappingNode):
            children = (n for pair in node.value for n in pair)
        else:
            children = ()
        for child in children:
            child_count, child_depth = measure(child)
            count += child_count
            depth = max(depth, child_depth + 1)
            if count > MAX_NODES:
                raise _Refused(
                    node.start_mark,
                    f"the document expands to more than {MAX_NODES} nodes once aliases are followed",
                )
            if depth > MAX_DEPTH:
                raise _Refused(node.start_mark, f"nesting is deeper than {MAX_DEPTH} levels")
        active.discard(id(node))
        sizes[id(node)] = (count, depth)
        return count, depth

    measure(root)


def _short_tag(tag: str) -> str:
    return "!!" + tag[len("tag:yaml.org,2002:") :] if tag.startswith("tag:yaml.org,2002:") else tag


def _refused_tag(tag: str) -> str:
    # A tag's %-escapes can spell any character: it is shown like a key.
    return f"the tag {as_name(_short_tag(tag))} is not allowed; files hold plain data only"


class _Builder:
    """Build plain Python data from composed nodes, recording positions and problems."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.positions: dict[PathKey, tuple[int, int]] = {}
        self.key_positions: dict[PathKey, tuple[int, int]] = {}
        self.problems: list[Problem] = []

    def problem(self, node: yaml.Node, path: PathKey, message: str) -> None:
        mark = node.start_mark
        self.problems.append(Problem(self.file, mark.line + 1, mark.column + 1, format_path(path), message))

    def build(self, node: yaml.Node, path: PathKey) -> Any:
        self.positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ:
                self.problem(node, path, _refused_tag(node.tag))
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        return self._scalar(node, path)

    def _mapping(self, node: yaml.MappingNode, path: PathKey) -> dict[str, Any]:
        if node.tag != _MAP:
            self.problem(node, path, _refused_tag(node.tag))
        out: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.problem(key_node, path, "a mapping key must be a plain value, not a list or mapping")
                continue
            if key_node.tag not in _SCALAR_TAGS:
                self.problem(key_node, path, _refused_tag(key_node.tag))
                continue
            # Keys keep their source text: `1:` and `yes:` are the keys "1" and "yes".
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in first_line:
                self.problem(
                    key_node,
                    (*path, key),
                    f"duplicate key {quote(key)}: first defined on line {first_line[key]}, again on line {line}",
                )
                continue
            first_line[key] = line
            self.key_positions[(*path, key)] = (line, key_node.start_mark.column + 1)
            out[key] = self.build(value_node, (*path, key))
        return out

    def _scalar(self, node: yaml.Node, path: PathKey) -> Any:
        tag, value = node.tag, str(node.value)
        if tag == _STR:
            return value
        if tag == _NULL and _NULL_RE.match(value):
            return None
        if tag == _BOOL and _BOOL_RE.match(value):
            return value.lower() == "true"
        if tag == _INT and _INT_RE.match(value):
            if len(value.lstrip("+-")) > MAX_INT_DIGITS:
                self.problem(node, path, f"the number has more than {MAX_INT_DIGITS} digits")
                return None
            return int(value)
        if tag == _FLOAT and (_FLOAT_RE.match(value) or _INT_RE.match(value)):
            lowered = value.lower()
            if lowered.endswith(".inf"):
                return float("-inf") if lowered.startswith("-") else float("inf")
            if lowered == ".nan":
                return float("nan")
            return float(value)
        if tag in _SCALAR_TAGS:
            self.problem(node, path, f"the value {quote(value)} cannot be read as {_short_tag(tag)}")
            return None
        self.problem(node, path, _refused_tag(tag))
        return None


_SURROGATE = re.compile("[\ud800-\udfff]")


def parse_yaml(source: str | bytes, file: str = "<string>") -> YamlDocument:
    """Parse YAML text (or UTF-8 bytes) safely; raise ``InputError`` with located problems."""
    if isinstance(source, str):
        # A str may hold a lone surrogate, which no file can (UTF-8 cannot encode one).
        surrogate = _SURROGATE.search(source)
        if surrogate is not None:
            line, column = _line_col(source, surrogate.start())
            raise InputError(
                [
                    Problem(
                        file,
                        line,
                        column,
                        format_path(_path_at(source, surrogate.start())),
                        f"the lone surrogate {char_name(surrogate.group())} is not a character; remove it",
                    )
                ]
            )
    raw = source.encode("utf-8") if isinstance(source, str) else source
    if len(raw) > MAX_FILE_BYTES:
        raise InputError(
            [Problem(file, 1, 1, "", f"the file is {len(raw)} bytes; the limit is {MAX_FILE_BYTES} bytes")]
        )
    text = source if isinstance(source, str) else _decode(raw, file)
    if text.startswith("\ufeff"):
        text = text[1:]
    fast = _compose_fast(text)
    if fast is not None:
        builder = _Builder(file)
        data = builder.build(fast, ())
        if not builder.problems:
            return YamlDocument(file, data, builder.positions, builder.key_positions)
        # A problem is always found and worded by PolicyLoader, as if libyaml were missing.
    builder = _Builder(file)
    data = builder.build(_compose_slow(text, file), ())
    if builder.problems:
        raise InputError(sorted(builder.problems, key=_problem_order))
    return YamlDocument(file, data, builder.positions, builder.key_positions)


def _compose_slow(text: str, file: str) -> yaml.Node:
    """The document's root node from PyYAML's pure-Python parser; every problem located and worded."""
    loader: PolicyLoader | None = None
    try:
        loader = PolicyLoader(text)
        if not loader.check_node():
            raise EmptyFileError([Problem(file, 1, 1, "", EMPTY_FILE)])
        node = loader.get_node()
        if loader.check_node():
            mark = loader.peek_event().start_mark
            raise InputError(
                [
                    Problem(
                        file,
                        mark.line + 1,
                        mark.column + 1,
                        "",
                        "a second YAML document starts here; a file holds one document only "
                        "(remove the '---' or split the file)",
                    )
                ]
            )
        _expanded_size(node)
    except _Refused as refused:
        mark = refused.mark
        raise InputError([Problem(file, mark.line + 1, mark.column + 1, "", refused.message)]) from None
    except yaml.YAMLError as err:
        raise InputError([_yaml_error(err, text, file)]) from None
    except RecursionError:  # defensive: the depth bound should make this unreachable
        raise InputError([Problem(file, 1, 1, "", f"nesting is deeper than {MAX_DEPTH} levels")]) from None
    finally:
        if loader is not None:
            loader.dispose()
    return node


_FILE_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)

# Opening never waits: O_NONBLOCK makes a FIFO put in place after the check open at once (it is
# then refused by fstat), and O_NOCTTY keeps a terminal device from becoming ours.
_OPEN_FLAGS = (
    os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
)


def not_a_regular_file(mode: int) -> str | None:
    """Return why a file of this ``st_mode`` is not read (``expected a YAML file; this is ...``), or None."""
    if stat.S_ISREG(mode):
        return None
    kind = next((words for test, words in _FILE_KINDS if test(mode)), "not a regular file")
    return f"expected a YAML file; this is {kind}" + ("" if stat.S_ISDIR(mode) else ", which is never read")


def read_limited(path: str | Path, file: str | None = None) -> bytes:
    """Read a regular file of at most ``MAX_FILE_BYTES``; raise ``InputError`` naming ``file`` otherwise.

    Anything else (a FIFO, a device, a directory) is refused from ``stat``
    before it is opened, and again from ``fstat`` once open, in case it was
    swapped in between. The size from ``stat`` gives an early answer, but the
    limit holds whatever it says: at most one byte past the limit is read.
    """
    name = str(path) if file is None else file

    def refuse(message: str) -> InputError:
        return InputError([Problem(name, 1, 1, "", message)])

    try:
        reason = not_a_regular_file(os.stat(path).st_mode)
        if reason:
            raise refuse(reason)
        fd = os.open(path, _OPEN_FLAGS)
        with open(fd, "rb") as handle:
            info = os.fstat(fd)
            reason = not_a_regular_file(info.st_mode)
            if reason:
                raise refuse(reason)
            if info.st_size > MAX_FILE_BYTES:
                raise refuse(f"the file is {info.st_size} bytes; the limit is {MAX_FILE_BYTES} bytes")
            raw = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise refuse("no such file") from None
    except OSError as err:
        raise refuse(f"cannot read the file: {err.strerror or err}") from None
    if len(raw) > MAX_FILE_BYTES:
        # stat said less (a file in /proc, or one still growing): the bytes read are what count.
        raise refuse(f"the file holds more than {MAX_FILE_BYTES} bytes; the limit is {MAX_FILE_BYTES} bytes")
    return raw


def load_yaml(path: str | Path, file: str | None = None) -> YamlDocument:
    """Read one YAML file safely; raise ``InputError`` with a located problem if it cannot be used.

    ``file`` names it in messages (by default ``path`` as given): a library
    reads a linked file at its resolved place but names the link.
    """
    name = str(path) if file is None else file
    return parse_yaml(read_limited(path, name), name)


# --------------------------------------------------------------------------- validation errors


def format_path(path: Sequence[str | int]) -> str:
    """Return a path the way messages show it: ``rules[0].scheduling``.

    A key that is long or not printable (keys are whatever the file wrote) is
    shown quoted and escaped, so a path is always one short printable line.
    """
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
            continue
        name = as_name(part)
        out += f".{name}" if out else name
    return out


def _problem_order(problem: Problem) -> tuple[int, int, str, str]:
    return (problem.line, problem.column, problem.path, problem.message)


def _number(value: object) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return str(value)


def describe(value: object) -> str:
    """Describe a value found in YAML the way a person would say it."""
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {_number(value)}"
    if isinstance(value, str):
        return f"the string {quote(value)}"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _quoted_choices(expected: str) -> list[str]:
    quoted = re.findall(r"'((?:[^'\\]|\\.)*)'", expected)
    if quoted or not expected:
        return quoted
    # Literals that are not strings (``version: Literal[1]``) are listed unquoted: "1 or 2".
    return [part for part in re.split(r", | or ", expected) if part]


_PATTERN_WORDS = {
    r"^[a-z0-9]+(-[a-z0-9]+)*$": "lowercase letters and digits in words joined by single dashes "
    "(like 'peak-lunch-ban')",
    r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$": "a jurisdiction code of lowercase letters and digits, parts joined by "
    "dashes (like 'uk' or 'us-ca')",
    r"^[A-Z]{3}$": "a three-letter code in capitals (like 'EUR')",
    r"^[A-Z]{2,5}[0-9]{3}$": "a code of two to five capital letters and three digits (like 'CTC002')",
    r"^GRD[0-9]{3}$": "GRD and three digits (like 'GRD010')",
    r"^[a-z0-9-]+(\.[a-z0-9-]+)+$": "a dotted name of lowercase words (like 'break-rule.stagger')",
    r"^(employee|customer)\.[a-z0-9_-]+$": "employee. or customer. and a lowercase name "
    "(like 'employee.wellbeing')",
}


def _unwrap(tp: Any) -> tuple[Any, str | None]:
    """Strip Annotated and Optional; return the bare type and a union discriminator if any."""
    discriminator = None
    while True:
        metadata = getattr(tp, "__metadata__", None)
        if metadata is not None:
            for meta in metadata:
                if isinstance(meta, FieldInfo) and isinstance(meta.discriminator, str):
                    discriminator = meta.discriminator
            tp = get_args(tp)[0]
            continue
        args = get_args(tp)
        if len(args) == 2 and type(None) in args and get_origin(tp) in (Union, UnionType):
            tp = next(a for a in args if a is not type(None))
            continue
        return tp, discriminator


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _union_member(union: Any, discriminator: str, tag: object) -> type[BaseModel] | None:
    for member in get_args(union):
        if _is_model(member):
            info = member.model_fields.get(discriminator)
            if info is not None and tag in get_args(info.annotation):
                return member  # type: ignore[no-any-return]
    return None


def _union_tags(union: Any, discriminator: str) -> list[str]:
    tags: list[str] = []
    for member in get_args(union):
        if _is_model(member):
            info = member.model_fields.get(discriminator)
            if info is not None:
                tags.extend(str(a) for a in get_args(info.annotation))
    return tags


def _descend(tp: Any, part: str | int) -> Any:
    """Return the type found one step down ``tp`` (a field of a model, an item of a list or dict)."""
    if _is_model(tp):
        for name, info in tp.model_fields.items():
            if part in (info.alias, name):
                if isinstance(info.discriminator, str):
                    return Annotated[info.annotation, Field(discriminator=info.discriminator)]
                return info.rebuild_annotation()
        return None
    origin, args = get_origin(tp), get_args(tp)
    if origin in (list, tuple, set, frozenset) and args:
        return args[0]
    if origin is dict and len(args) == 2:
        return args[1]
    return None


def _child(node: Any, part: str | int) -> Any:
    if isinstance(node, dict):
        return node.get(part)
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return node[part]
    return None


def field_names(model: type[BaseModel], skip: Iterable[str] = ()) -> list[str]:
    """Return a model's field names as written in YAML: its own fields first, inherited ones after."""
    own = [n for n in vars(model).get("__annotations__", {}) if n in model.model_fields]
    ordered = own + [n for n in model.model_fields if n not in own]
    names = [model.model_fields[n].alias or n for n in ordered]
    skipped = set(skip)
    return [n for n in names if n not in skipped]


# How pydantic labels the members of an untagged union in error locations: a type
# name, a schema name with arguments, or a model's class name.
_MEMBER_LABEL = re.compile(r"^(?:bool|int|float|str|bytes|none|[a-z][a-z-]*\[.*\]|_*[A-Z]\w*)$")


def _plain_union_members(tp: Any) -> list[Any] | None:
    """The members of a union without a discriminator (None for anything else)."""
    if get_origin(tp) not in (Union, UnionType):
        return None
    members = [m for m in get_args(tp) if m is not type(None)]
    return members if len(members) > 1 else None


def _member_model(members: list[Any], label: str) -> type[BaseModel] | None:
    """The model a union member label names (``Check`` or ``function-after[_check(), Check]``)."""
    for member in members:
        bare = _unwrap(member)[0]
        if _is_model(bare) and (
            label == bare.__name__ or label.endswith((f" {bare.__name__}]", f"[{bare.__name__}]"))
        ):
            return bare  # type: ignore[no-any-return]
    return None


class _Located:
    """One pydantic error location matched against the model and the data.

    Pydantic puts the tag of a tagged union into the location (``rules, 0,
    call-time-cap, max_minutes``) and, for other unions, a label per member
    (``when, max_minutes, float``); the document has no such levels, so they are
    dropped from the path. A tag selects the model; a member label is kept to
    merge the member errors of one union into one message.
    """

    def __init__(self, root: type[BaseModel] | None, loc: Sequence[str | int], data: Any, kind: str) -> None:
        self.path: list[str | int] = []
        self.model: type[BaseModel] | None = root
        self.discriminator: str | None = None
        self.union_at: tuple[str | int, ...] | None = None
        """Path of the first untagged union on the way, for errors of its members."""
        self.union_node: Any = None
        tp: Any = root
        node = data
        for index, part in enumerate(loc):
            bare, disc = _unwrap(tp)
            last = index == len(loc) - 1
            if part == "[key]":
                continue  # pydantic's marker for an error in a dict key; the key is already in the path
            if isinstance(part, str) and not (isinstance(node, dict) and part in node):
                if disc is not None and isinstance(node, dict) and part == str(node.get(disc)):
                    member = _union_member(bare, disc, node.get(disc))
                    if member is not None:
                        tp, self.model, self.discriminator = member, member, disc
                        continue
                members = _plain_union_members(bare)
                # A name on a list or a plain value cannot be a key: it is a member label.
                labelled = (
                    not isinstance(node, dict)
                    or _MEMBER_LABEL.match(part)
                    or (members and _member_model(members, part))
                )
                if (members is not None or tp is None) and labelled and not (last and kind == "missing"):
                    if self.union_at is None:
                        self.union_at, self.union_node = tuple(self.path), node
                    tp = _member_model(members, part) if members is not None else None
                    if tp is not None:
                        self.model, self.discriminator = tp, None
                    continue
                tag_like = tp is None and isinstance(node, dict) and part in node.values()
                if tag_like and (not last or kind in _SELF_KINDS):
                    continue  # no model known: a step naming one of the mapping's values is a tag
            self.path.append(part)
            node = _child(node, part)
            tp = _descend(bare, part) if tp is not None else None
            if _is_model(_unwrap(tp)[0]):
                self.model, self.discriminator = _unwrap(tp)[0], None
        self.union = _unwrap(tp)[0]
        self.node = node


_SELF_KINDS = ("value_error", "assertion_error")
_TYPE_KINDS = {
    "float_type": "a number",
    "float_parsing": "a number",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "string_type": "a string",
    "list_type": "a list",
    "tuple_type": "a list",
    "set_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "none_required": "nothing",
}
"""Errors that only say the value has the wrong type, with what was expected instead."""


def _message(item: Any, located: _Located) -> tuple[str, str | None]:
    """Return the plain-words message and a suggestion for one pydantic error."""
    kind = item["type"]
    ctx = item.get("ctx") or {}
    value = item.get("input")
    if kind == "missing":
        name = located.path[-1] if located.path else ""
        return f"missing required field {name!r}", None
    if kind == "extra_forbidden":
        name = located.path[-1] if located.path else ""
        if located.model is not None:
            skip = [located.discriminator] if located.discriminator else []
            names = field_names(located.model, skip)
            message = f"unknown field; expected one of {', '.join(names)}"
            # A field one unit away (hours_per_week for hours_per_month) gets the value converted.
            units = unit_hint(str(name), value, names)
            if units is not None:
                return f"{message}; {units[1]}", units[0]
            return message, closest(name, names)
        return "unknown field", None
    if kind == "union_tag_invalid":
        disc = ctx.get("discriminator", "'kind'").strip("'")
        tag = value.get(disc) if isinstance(value, dict) else ctx.get("tag")
        expected = _quoted_choices(str(ctx.get("expected_tags", "")))
        what = "rule kind" if disc == "kind" else f"{disc}"
        suggestion = closest(tag, expected)
        shown = quote(tag) if isinstance(tag, str) else describe(tag)
        if suggestion:
            return f"unknown {what} {shown}", suggestion
        return f"unknown {what} {shown}; expected one of {', '.join(expected)}", None
    if kind == "union_tag_not_found":
        disc = ctx.get("discriminator", "'kind'").strip("'")
        tags = _union_tags(located.union, disc)
        if not isinstance(value, dict):
            return f"expected a mapping; got {describe(value)}", None
        if tags:
            return f"missing required field {disc!r}; expected one of {', '.join(tags)}", None
        return f"missing required field {disc!r}", None
    if kind == "literal_error":
        expected = _quoted_choices(str(ctx.get("expected", "")))
        got = quote(value) if isinstance(value, str) else describe(value)
        if len(expected) == 1:
            return f"expected {expected[0]}; got {got}", None
        return f"expected one of {', '.join(expected)}; got {got}", closest(value, expected)
    if kind in ("value_error", "assertion_error"):
        # A validator's own text is already plain words; only pydantic's prefix goes.
        message = str(item["msg"])
        for noise in ("Value error, ", "Assertion failed, "):
            message = message.removeprefix(noise)
        # A validator that knows what was likely meant (a time, a version) says so.
        error = ctx.get("error")
        return message, error.suggestion if isinstance(error, HintedValueError) else None
    if kind in _TYPE_KINDS:
        return f"expected {_TYPE_KINDS[kind]}; got {describe(value)}", None
    bounds = {
        "greater_than": ("gt", "greater than"),
        "greater_than_equal": ("ge", "at least"),
        "less_than": ("lt", "less than"),
        "less_than_equal": ("le", "at most"),
    }
    if kind in bounds:
        key, words = bounds[kind]
        return f"expected a number {words} {_number(ctx.get(key))}; got {_number(value)}", None
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern", ""))
        wanted = _PATTERN_WORDS.get(pattern, f"text matching {pattern}")
        return f"expected {wanted}; got {quote(str(value))}", None
    if kind == "string_too_short":
        least = int(ctx.get("min_length", 1))
        if least == 1:
            return "expected text; got an empty string", None
        return f"expected at least {least} characters; got {len(str(value))}", None
    if kind == "string_too_long":
        return f"expected at most {ctx.get('max_length')} characters; got {len(str(value))}", None
    if kind == "too_short":
        least = int(ctx.get("min_length", 1))
        items = "entry" if least == 1 else "entries"
        return f"expected at least {least} {items}; got {ctx.get('actual_length', 0)}", None
    if kind == "too_long":
        return f"expected at most {ctx.get('max_length')} entries; got {ctx.get('actual_length')}", None
    if kind == "string_unicode" and isinstance(value, str):
        # YAML's "\ud800" escape makes a lone surrogate, which no output encoding can print.
        index = next((i for i, c in enumerate(value) if "\ud800" <= c <= "\udfff"), 0)
        return (
            f"the lone surrogate {char_name(value[index])} at character {index + 1} "
            f"({excerpt(value, index)}) is not a character; remove it",
            None,
        )
    if kind == "finite_number":
        return f"expected a finite number; got {_number(value)}", None
    return str(item["msg"]), None


class Locator(Protocol):
    """Where a path of a validated document sits in its source file.

    Implemented by ``YamlDocument`` (policies, rulebook files, guardrail packs)
    and by the settings' TOML positions (``policyweigh.config.SettingsOrigin``), so one
    translator turns every pydantic error into a located problem whatever the format.
    Paths are full paths from the root of the file.
    """

    @property
    def file(self) -> str:
        """The file named in messages."""
        ...

    def locate(self, path: Sequence[str | int]) -> tuple[int, int]:
        """(line, column), 1-based, of the value at ``path`` or of its nearest located parent."""
        ...

    def locate_key(self, path: Sequence[str | int]) -> tuple[int, int]:
        """(line, column) of the key of the entry at ``path`` (its value's when it has no key)."""
        ...

    def spell(self, path: Sequence[str | int]) -> str:
        """``path`` the way the file's format writes it (``rules[0].scheduling``)."""
        ...


Wording = Callable[[ErrorDetails, PathKey], tuple[str, str | None] | None]
"""A format's own words for one error (message, suggestion), or None to use the common words.

Called with the error and its path relative to the validated data, after the
location has been matched against the model (union tags and member labels dropped)."""


def translate_validation_error(
    err: ValidationError,
    *,
    model: type[BaseModel] | None,
    source: Locator,
    data: Any,
    prefix: PathKey = (),
    wording: Wording | None = None,
) -> list[Problem]:
    """Turn a pydantic error into located problems in plain words, sorted by position.

    The one translator from pydantic's error shapes to ``Problem``s, used for
    policies, rulebook files, guardrail packs and settings. ``model`` is the
    model that validated ``data``: it maps pydantic's locations (which hold
    union tags and member labels that the document does not) back to paths in
    the document, and lets messages list the fields a mapping may hold.
    ``prefix`` is where ``data`` sits in the file; ``wording`` gives a format's
    own messages (settings speak of TOML values and settings, not YAML fields).
    ``tests/test_pydantic_errors.py`` pins the location shapes this relies on.
    """
    found: list[tuple[Problem, str, PathKey, tuple[PathKey, Any] | None]] = []
    for item in err.errors(include_url=False):
        kind = item["type"]
        located = _Located(model, list(item["loc"]), data, kind)
        path: PathKey = (*prefix, *located.path)
        words = wording(item, tuple(located.path)) if wording is not None else None
        message, suggestion = words if words is not None else _message(item, located)
        if kind == "missing":
            line, column = source.locate(path[:-1])
            shown = path[:-1]
        elif kind == "extra_forbidden" or "[key]" in item["loc"]:
            line, column = source.locate_key(path)
            shown = path
        elif kind == "union_tag_invalid":
            shown = (*path, str(_ctx(item, "discriminator", "kind")).strip("'"))
            line, column = source.locate(shown)
        elif kind in _SELF_KINDS and isinstance(located.node, dict):
            # A model validator's message that names exactly one of the fields present
            # is about that field: point there rather than at the whole mapping.
            named = [k for k in located.node if re.search(rf"(?<![\w-]){re.escape(k)}(?![\w-])", message)]
            shown = (*path, named[0]) if len(named) == 1 else path
            line, column = source.locate(shown)
        else:
            shown = path
            line, column = source.locate(path)
        union = None if located.union_at is None else ((*prefix, *located.union_at), located.union_node)
        problem = Problem(source.file, line, column, source.spell(shown), message, suggestion)
        found.append((problem, kind, path, union))
    # An unknown key that is a typo of a missing field ("brake" for "break") says it all:
    # the "missing required field" problem for the same field would only repeat it.
    typos = {(path[:-1], p.suggestion) for p, kind, path, _ in found if kind == "extra_forbidden"}
    problems: list[Problem] = []
    unions: dict[PathKey, list[tuple[Problem, str, Any, bool]]] = {}
    for problem, kind, path, union in found:
        if kind == "missing" and (path[:-1], str(path[-1])) in typos:
            continue
        if union is None:
            problems.append(problem)
        else:
            inside = len(path) > len(union[0])  # an error within a member, past its type check
            unions.setdefault(union[0], []).append((problem, kind, union[1], inside))
    for union_path, members in unions.items():
        problems.extend(_union_problems(source, union_path, members))
    return sorted(problems, key=_problem_order)


def problems_from_validation(
    doc: YamlDocument,
    err: ValidationError,
    prefix: PathKey = (),
    *,
    model: type[BaseModel],
) -> list[Problem]:
    """``translate_validation_error`` for data read from a YAML document, at ``prefix`` in it.

    ``model`` is the model that validated the data (the one at ``prefix``).
    """
    data: Any = doc.data
    for part in prefix:
        data = _child(data, part)
    return translate_validation_error(err, model=model, source=doc, data=data, prefix=prefix)


def _union_problems(
    source: Locator, path: PathKey, members: list[tuple[Problem, str, Any, bool]]
) -> list[Problem]:
    """The problems of a value that fits no member of a union, without one line per member.

    When some member got past the type check (a mapping that matched a model's
    shape), its errors are the useful ones; otherwise one line lists every type
    that would have been accepted.
    """
    deeper = [problem for problem, kind, _, inside in members if inside or kind not in _TYPE_KINDS]
    if deeper:
        return deeper
    expected = list(dict.fromkeys(_TYPE_KINDS[kind] for _, kind, _, _ in members))
    wanted = expected[0] if len(expected) == 1 else ", ".join(expected[:-1]) + " or " + expected[-1]
    line, column = source.locate(path)
    value = members[0][2]
    return [
        Problem(source.file, line, column, source.spell(path), f"expected {wanted}; got {describe(value)}")
    ]


def _ctx(item: Any, key: str, default: object) -> object:
    return (item.get("ctx") or {}).get(key, default)


ModelT = TypeVar("ModelT", bound=BaseModel)


def load_model(
    model: type[ModelT],
    *,
    empty: str,
    path: str | Path | None = None,
    text: str | bytes | None = None,
    file: str = "<string>",
    cross: Callable[[YamlDocument, ModelT], list[Problem]] | None = None,
) -> ModelT:
    """Read a YAML file (``path``) or text (``text``, named ``file`` in messages) and validate it as
    ``model``: every problem located, an empty document refused with ``empty``, and what the model
    alone cannot see checked by ``cross`` (given the document, for locations). Raises ``InputError``.
    """
    shown = str(path) if path is not None else file
    try:
        doc = load_yaml(path) if path is not None else parse_yaml(text if text is not None else "", file)
    except EmptyFileError:
        raise InputError([Problem(shown, 1, 1, "", empty)]) from None
    if doc.data is None:
        raise InputError([Problem(doc.file, 1, 1, "", empty)])
    try:
        value = model.model_validate(doc.data)
    except ValidationError as err:
        raise InputError(problems_from_validation(doc, err, model=model)) from None
    problems = cross(doc, value) if cross is not None else []
    if problems:
        raise InputError(problems)
    return value
