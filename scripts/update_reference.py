"""Rewrite the policy-format reference in README.md from the models.

Only the text between ``<!-- format-reference:start -->`` and
``<!-- format-reference:end -->`` changes; tests/test_reference.py fails
until the README matches the models again.

Usage: python scripts/update_reference.py [README.md]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the shared helper beside this script

from readme_block import run  # noqa: E402

from policyweigh.reference import format_reference_markdown, replace_block  # noqa: E402

if __name__ == "__main__":
    sys.exit(run(sys.argv[1:], lambda text: replace_block(text, format_reference_markdown())))
