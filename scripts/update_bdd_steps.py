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

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the shared helper beside this script

from readme_block import run  # noqa: E402

from policyweigh.bdd.steps import REGISTRY  # noqa: E402
from policyweigh.bdd.vocabulary import replace_block, vocabulary_markdown  # noqa: E402

if __name__ == "__main__":
    sys.exit(run(sys.argv[1:], lambda text: replace_block(text, vocabulary_markdown(REGISTRY))))
