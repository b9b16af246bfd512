"""Rewrite the commands reference in README.md from each command's ``--help``.

Only the text between ``<!-- cli-reference:start -->`` and
``<!-- cli-reference:end -->`` changes; tests/test_cli_docs.py fails until
the README matches the commands' help again.

Usage: python scripts/update_cli_reference.py [README.md]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the shared helper beside this script

from readme_block import run  # noqa: E402

from policyweigh.cli.docs import cli_reference_markdown, replace_block  # noqa: E402

if __name__ == "__main__":
    sys.exit(run(sys.argv[1:], lambda text: replace_block(text, cli_reference_markdown())))
