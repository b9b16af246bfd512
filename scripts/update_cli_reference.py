"""Rewrite the commands reference in README.md from each command's ``--help``.

Only the text between ``<!-- cli-reference:start -->`` and
``<!-- cli-reference:end -->`` changes; tests/test_cli_docs.py fails until
the README matches the commands' help again.

Usage: python scripts/update_cli_reference.py [README.md]
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

from policyweigh.cli.docs import cli_reference_markdown, replace_block  # noqa: E402


def update(readme: Path) -> bool:
    """Rewrite the commands reference block of ``readme``; return whether the file changed."""
    text = readme.read_text(encoding="utf-8")
    updated = replace_block(text, cli_reference_markdown())
    if updated == text:
        return False
    readme.write_text(updated, encoding="utf-8", newline="\n")
    return True


def main(argv: list[str]) -> int:
    """Update the README named in ``argv`` (README.md at the top of the checkout by default)."""
    readme = Path(argv[0]) if argv else ROOT / "README.md"
    try:
        changed = update(readme)
    except (OSError, ValueError) as err:
        print(f"error: {readme}: {err}", file=sys.stderr)
        return 2
    print(f"{readme}: {'updated' if changed else 'already up to date'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
