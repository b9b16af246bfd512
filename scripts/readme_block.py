"""Shared by the scripts that rewrite a generated block of README.md (see each script's docstring)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(argv: list[str], rewrite: Callable[[str], str]) -> int:
    """Rewrite the README named in ``argv`` (README.md at the top of the checkout by default).

    ``rewrite`` takes the README's text and returns it with its block regenerated; the
    file is written only when that changes it. Returns the exit code (2 on an error).
    """
    readme = Path(argv[0]) if argv else ROOT / "README.md"
    try:
        text = readme.read_text(encoding="utf-8")
        updated = rewrite(text)
        if updated != text:
            readme.write_text(updated, encoding="utf-8", newline="\n")
    except (OSError, ValueError) as err:
        print(f"error: {readme}: {err}", file=sys.stderr)
        return 2
    print(f"{readme}: {'updated' if updated != text else 'already up to date'}")
    return 0
