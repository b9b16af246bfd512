"""Rewrite the BDD step vocabulary in README.md from the step definitions.

Only the text between ``<!-- bdd-steps:start -->`` and ``<!-- bdd-steps:end -->``
changes: the steps' patterns and the first paragraph of each step function's
docstring (``engine/bdd/steps.py``), with the fixed paragraphs and the
placeholder legend of ``engine/bdd/vocabulary.py``. tests/test_bdd_vocabulary.py
fails until the README matches the steps again. Needs the ``bdd`` extra.

Usage: python scripts/update_bdd_steps.py [README.md]
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

from policyweigh.bdd.steps import REGISTRY  # noqa: E402
from policyweigh.bdd.vocabulary import replace_block, vocabulary_markdown  # noqa: E402


def update(readme: Path) -> bool:
    """Rewrite the step vocabulary of ``readme``; return whether the file changed."""
    text = readme.read_text(encoding="utf-8")
    updated = replace_block(text, vocabulary_markdown(REGISTRY))
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
