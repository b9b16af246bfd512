"""Did-you-mean suggestions for names a person mistyped (field names, kinds, values, ids).

A typo must never pass silently, and the message that refuses it should name
the likely intended word.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

CUTOFF = 0.6
"""Similarity (difflib ratio) below which no suggestion is made: a wrong guess is worse than none."""


def closest(word: object, choices: Iterable[str]) -> str | None:
    """Return the choice closest to ``word`` if it is close enough to be a likely typo, else None."""
    if not isinstance(word, str) or not word:
        return None
    options = list(dict.fromkeys(choices))
    if word in options:
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
