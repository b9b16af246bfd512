"""Escaping at the output boundary: one function per medium, applied where outside text enters output.

Titles, summaries, team names, rewards, notes, file names, and every text of a rulebook
(an organisation may bring its own, with its own ``because`` templates and summaries) reach
the renderers as they were written. The loader refuses control characters in policy fields,
but these functions do not rely on that: they make any string safe for their medium, however
it reached the models.

**Terminal** (``terminal``; text output of ``evaluate``, ``explain``, ``rules`` and ``check``):

- Control characters are shown, never emitted: C0 (U+0000 to U+001F), DEL, C1 (U+0080 to
  U+009F), the bidirectional controls (U+061C, U+200E, U+200F, U+202A to U+202E, U+2066 to
  U+2069), the line and paragraph separators (U+2028, U+2029) and lone surrogates are written
  as Python string escapes: ``\\n``, ``\\r``, ``\\t``, ``\\x1b``, ``\\x9b``, ``\\u202e``. So an
  escape sequence cannot clear the screen, plant a hyperlink or set the window title, reversed
  text cannot disguise a line, and a newline cannot start a line of its own. Backslashes are
  left as they are, so ordinary text (and Windows paths) reads unchanged; the escaped form is
  for reading, not for decoding.
- GitHub Actions runs a line of a job log as a workflow command when, after leading spaces, it
  starts with ``::`` (``::error file=...::``), or when it holds ``##[name]`` anywhere (the
  legacy form); see ``ActionCommand.TryParseV2`` and ``TryParse`` in actions/runner,
  src/Runner.Common/ActionCommand.cs. Text output is wrapped at spaces and long words are
  folded, so any ``::`` in outside text could start a line: every ``::`` is written ``:\\x3a``
  and every ``##[`` is written ``##\\x5b``. ``guard_line`` applies the same rule to whole
  lines, for what is written line by line.
- rich markup: the text renderer passes outside text as ``rich.text.Text``, never as a markup
  string, so ``[bold]`` prints as written.

**Markdown** (``markdown``, ``markdown_code``, ``markdown_html``; ``evaluate`` and ``report``
``--format markdown``, ``diff --format markdown``): control characters shown as in the
terminal rule, whitespace runs (newlines too) made one space, then backslash escapes for
``\\ ` * _ [ ] ( ) < > | ~ $``, for ``#``, ``+``, ``-``, ``=`` and ``1.`` at the start of a
value, and for a ``&`` that would start an HTML entity. No HTML entity is written, so the
Markdown source reads as plain text too (``a \\>= b``, never ``a &gt;= b``). ``@name`` and
``#123`` are split by a zero-width space (U+200B) after the ``@`` or ``#``, as Dependabot and
Renovate do, so a comment pings nobody and links no issue while showing the same text;
``GH-123`` likewise. A ``::`` inside a line shows as written (a comment runs no command, and
the escaped ``[`` leaves no ``##[``); the renderers guard whole lines (``guard_lines``), since
the Markdown may be printed to a CI log.

**GitHub workflow commands** (``workflow_data``, ``workflow_property``; ``check --format
github``): the Actions toolkit's own escaping (``escapeData`` and ``escapeProperty`` in
actions/toolkit, packages/core/src/command.ts: ``%`` to ``%25``, CR to ``%0D``, LF to ``%0A``;
in properties also ``:`` to ``%3A`` and ``,`` to ``%2C``), after the other control
characters are shown as in the terminal rule.

**SARIF** (``sarif_text``, ``sarif_uri``): message texts with control characters shown;
artifact URIs percent-encoded as RFC 3986 URI references (UTF-8, everything but unreserved
characters and ``/``).

**HTML** (``html_text``): Jinja's autoescaping does the HTML; this shows control characters,
so bidirectional controls cannot reorder the report's text. The page is guarded line by line.

**JSON** (``json_document``): JSON escapes C0 controls already; DEL, C1, bidirectional
controls, separators and lone surrogates are written as ``\\uXXXX`` escapes too, so a JSON
document holds no raw control character and decodes to exactly the original strings.
"""

from __future__ import annotations

import html
import re
import urllib.parse

__all__ = [
    "guard_line",
    "guard_lines",
    "html_text",
    "json_document",
    "markdown",
    "markdown_code",
    "markdown_html",
    "sarif_text",
    "sarif_uri",
    "terminal",
    "visible",
    "workflow_data",
    "workflow_property",
]

BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
"""Characters that reorder the text around them (the "Trojan Source" characters)."""

_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029" + BIDI_CONTROLS + "\ud800-\udfff]")
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}

# Zero-width space: GitHub's mention and issue filters need the name or number right after
# the @ or #, and the text reads the same.
SPLIT = "\u200b"


def _shown(char: str) -> str:
    short = _SHORT.get(char)
    if short is not None:
        return short
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(text: str, *, keep: str = "") -> str:
    """``text`` with every control, bidirectional and separator character written as an escape.

    Characters in ``keep`` are left as they are (for media that escape them their own way).
    """
    if keep:
        return _UNSAFE.sub(lambda m: m.group() if m.group() in keep else _shown(m.group()), text)
    return _UNSAFE.sub(lambda m: _shown(m.group()), text)


def _no_legacy_command(text: str) -> str:
    return text.replace("##[", "##\\x5b")


def terminal(text: str) -> str:
    """One value for a terminal or a CI log: controls shown, no workflow command can be formed.

    Idempotent: escaping escaped text changes nothing.
    """
    return _no_legacy_command(visible(text)).replace("::", ":\\x3a")


def guard_line(line: str) -> str:
    """One output line that GitHub Actions cannot read as a workflow command."""
    line = _no_legacy_command(line)
    stripped = line.lstrip()
    if stripped.startswith("::"):
        indent = line[: len(line) - len(stripped)]
        line = indent + "\\x3a" + stripped[1:]
    return line


def guard_lines(text: str) -> str:
    """``guard_line`` for every line of ``text`` (line ends kept)."""
    if "::" not in text and "##[" not in text:
        return text
    return "".join(
        guard_line(line[:-1]) + "\n" if line.endswith("\n") else guard_line(line)
        for line in text.splitlines(keepends=True)
    )


# Markdown ------------------------------------------------------------------------------------------

_WHITESPACE = re.compile(r"\s+")
# Inline punctuation that can start emphasis, code, links, images, HTML, tables, strike-through or math.
_MD_INLINE = re.compile(r"([\\`*_\[\]()<>|~$])")
# An ampersand that would start a character reference (&amp; &#64; &#x40;).
_MD_ENTITY = re.compile(r"&(?=#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{0,31};)")
# At the start of a line these open a heading, a list or a setext underline (`>` is escaped anyway).
_MD_LEADING = re.compile(r"^([#+=-])")
_MD_ORDERED = re.compile(r"^(\d+)([.)])")
_MENTION = re.compile(r"@(?=[A-Za-z0-9])")
_ISSUE = re.compile(r"#(?=[0-9])")
_GH_ISSUE = re.compile(r"(?<![A-Za-z0-9])(GH)-(?=[0-9])", re.IGNORECASE)


def _no_references(text: str) -> str:
    text = _MENTION.sub("@" + SPLIT, text)
    text = _ISSUE.sub("#" + SPLIT, text)
    return _GH_ISSUE.sub(lambda m: m.group(1) + SPLIT + "-", text)


def markdown(text: str) -> str:
    """One value as Markdown text that renders as the same text, one line, nothing interpreted.

    Runs of whitespace (newlines included) become one space: a value stays on its line.
    """
    text = visible(_WHITESPACE.sub(" ", text))
    text = _MD_INLINE.sub(r"\\\1", text)
    text = _MD_ENTITY.sub(r"\\&", text)
    text = _MD_LEADING.sub(r"\\\1", text)
    text = _MD_ORDERED.sub(r"\1\\\2", text)
    return _no_references(text)


def markdown_code(text: str) -> str:
    """The content of a Markdown code span: one line, controls shown (a code span shows the rest as is)."""
    return _no_legacy_command(visible(_WHITESPACE.sub(" ", text))).strip()


def markdown_html(text: str) -> str:
    """One value inside an HTML block of a Markdown document, where Markdown is not read."""
    return _no_references(html.escape(_no_legacy_command(visible(_WHITESPACE.sub(" ", text)))))


# GitHub workflow commands --------------------------------------------------------------------------


def workflow_data(text: str) -> str:
    """A workflow command's message, escaped as the Actions toolkit's ``escapeData`` does."""
    text = visible(text, keep="\r\n")
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def workflow_property(text: str) -> str:
    """A workflow command's property value, escaped as the Actions toolkit's ``escapeProperty`` does."""
    return workflow_data(text).replace(":", "%3A").replace(",", "%2C")


# SARIF, HTML and JSON ------------------------------------------------------------------------------


def sarif_text(text: str) -> str:
    """A SARIF message text: controls shown, line breaks kept, no legacy workflow command.

    The log is JSON, whose lines never start with ``::``, but it may be printed to a CI log,
    where ``##[`` anywhere in a line starts a command.
    """
    return _no_legacy_command(visible(text, keep="\n"))


def sarif_uri(path: str) -> str:
    """A relative path as an RFC 3986 URI reference: UTF-8, percent-encoded but for unreserved and ``/``.

    A ``:`` in the first segment would read as a scheme, ``#`` as a fragment and ``%`` as an
    escape; all are encoded.
    """
    try:
        data = path.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        # A lone surrogate that is no escaped byte: encode it as such; it is percent-encoded anyway.
        data = path.encode("utf-8", "surrogatepass")
    return urllib.parse.quote_from_bytes(data, safe="/")


def html_text(text: str) -> str:
    """A value for an HTML page before autoescaping: controls shown."""
    return visible(text)


_JSON_UNSAFE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029" + BIDI_CONTROLS + "\ud800-\udfff]"
)


def json_document(document: str) -> str:
    """A serialised JSON document with no raw control character and no legacy workflow command.

    Outside strings a JSON document is ASCII, and JSON writers escape C0 controls inside
    strings, so only characters inside strings change, to ``\\uXXXX`` escapes that decode to
    them: the data stays the same. ``##[`` becomes ``##\\u005b``, which a CI log does not read
    as a command (its lines never start with ``::``: they start with spaces and a quote).
    """
    document = _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", document)
    return document.replace("##[", "##\\u005b")
