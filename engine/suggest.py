"""Words for messages about what a person wrote: did-you-mean suggestions, quoted values, character names.

A typo must never pass silently, and the message that refuses it should name
the likely intended word. A message that quotes what was written must stay
one short, printable line whatever the input held: values are shown escaped
and cut to a readable length, since messages end up in terminals and CI logs.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable

CUTOFF = 0.6
"""Similarity (difflib ratio) below which no suggestion is made: a wrong guess is worse than none."""

QUOTE_LIMIT = 60
"""Characters of a value shown in a message; longer values are cut, with their length."""


def closest(word: object, choices: Iterable[str]) -> str | None:
    """Return the choice closest to ``word`` if it is close enough to be a likely typo, else None."""
    if not isinstance(word, str) or not word:
        return None
    options = list(dict.fromkeys(choices))
    if word in options:
        return None
    # A word over four times the longest choice scores at most 0.4, below CUTOFF: skip difflib's
    # quadratic work on a long pasted value.
    if len(word) > 4 * max((len(o) for o in options), default=0):
        return None
    # Case and separator slips ("Break_Rule" for "break-rule") are the commonest typos: match those first.
    folded = {_fold(c): c for c in options}
    if _fold(word) in folded:
        return folded[_fold(word)]
    found = difflib.get_close_matches(word, options, n=1, cutoff=CUTOFF)
    if found:
        return found[0]
    found = difflib.get_close_matches(_fold(word), list(folded), n=1, cutoff=CUTOFF)
    return folded[found[0]] if found else None


def did_you_mean(word: object, choices: Iterable[str]) -> str:
    """Return `` (did you mean 'x'?)`` for the closest choice, or an empty string."""
    match = closest(word, choices)
    return f" (did you mean {match!r}?)" if match else ""


def _fold(text: str) -> str:
    return text.lower().replace("_", "-").replace(" ", "-")


def quote(text: str, limit: int = QUOTE_LIMIT) -> str:
    """Quote a value for a message: escaped like a Python literal, cut after ``limit`` characters.

    ``repr`` escapes every character that is not printable (controls, line
    breaks, bidi controls, lone surrogates), so the result is safe to print.
    A cut value ends with ``...`` and its full length: ``'abc'... (5000 characters)``.
    """
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}... ({len(text)} characters)"


def as_name(text: str) -> str:
    """Show a name (a key, a tag) as it is when short and printable, else quoted like ``quote``."""
    return text if text.isprintable() and len(text) <= QUOTE_LIMIT else quote(text)


def printable(text: str) -> str:
    """Return ``text`` with every character that is not printable written as its escape (``\\x1b``)."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def excerpt(text: str, index: int, around: int = 20) -> str:
    """Quote the part of ``text`` around ``index`` (escaped, ``...`` where it is cut)."""
    start, end = max(0, index - around), min(len(text), index + around + 1)
    shown = repr(text[start:end])
    return ("..." if start else "") + shown + ("..." if end < len(text) else "")


# Control characters have no Unicode name, only aliases (NameAliases.txt, type "control").
_CONTROL_NAMES = (
    "NULL",
    "START OF HEADING",
    "START OF TEXT",
    "END OF TEXT",
    "END OF TRANSMISSION",
    "ENQUIRY",
    "ACKNOWLEDGE",
    "ALERT",
    "BACKSPACE",
    "CHARACTER TABULATION",
    "LINE FEED",
    "LINE TABULATION",
    "FORM FEED",
    "CARRIAGE RETURN",
    "SHIFT OUT",
    "SHIFT IN",
    "DATA LINK ESCAPE",
    "DEVICE CONTROL ONE",
    "DEVICE CONTROL TWO",
    "DEVICE CONTROL THREE",
    "DEVICE CONTROL FOUR",
    "NEGATIVE ACKNOWLEDGE",
    "SYNCHRONOUS IDLE",
    "END OF TRANSMISSION BLOCK",
    "CANCEL",
    "END OF MEDIUM",
    "SUBSTITUTE",
    "ESCAPE",
    "INFORMATION SEPARATOR FOUR",
    "INFORMATION SEPARATOR THREE",
    "INFORMATION SEPARATOR TWO",
    "INFORMATION SEPARATOR ONE",
)
_C1_NAMES = (
    "PADDING CHARACTER",
    "HIGH OCTET PRESET",
    "BREAK PERMITTED HERE",
    "NO BREAK HERE",
    "INDEX",
    "NEXT LINE",
    "START OF SELECTED AREA",
    "END OF SELECTED AREA",
    "CHARACTER TABULATION SET",
    "CHARACTER TABULATION WITH JUSTIFICATION",
    "LINE TABULATION SET",
    "PARTIAL LINE FORWARD",
    "PARTIAL LINE BACKWARD",
    "REVERSE LINE FEED",
    "SINGLE SHIFT TWO",
    "SINGLE SHIFT THREE",
    "DEVICE CONTROL STRING",
    "PRIVATE USE ONE",
    "PRIVATE USE TWO",
    "SET TRANSMIT STATE",
    "CANCEL CHARACTER",
    "MESSAGE WAITING",
    "START OF GUARDED AREA",
    "END OF GUARDED AREA",
    "START OF STRING",
    "SINGLE GRAPHIC CHARACTER INTRODUCER",
    "SINGLE CHARACTER INTRODUCER",
    "CONTROL SEQUENCE INTRODUCER",
    "STRING TERMINATOR",
    "OPERATING SYSTEM COMMAND",
    "PRIVACY MESSAGE",
    "APPLICATION PROGRAM COMMAND",
)


def char_name(char: str) -> str:
    """Name one character for a message: ``U+001B ESCAPE`` (just ``U+D800`` when it has no name)."""
    code = ord(char)
    if code < 0x20:
        name = _CONTROL_NAMES[code]
    elif code == 0x7F:
        name = "DELETE"
    elif 0x80 <= code <= 0x9F:
        name = _C1_NAMES[code - 0x80]
    else:
        name = unicodedata.name(char, "")
    return f"U+{code:04X} {name}".rstrip()
