"""Regenerate the report and diff golden files: ``python tests/golden/report/update.py``.

Review the diff of ``tests/golden/report/expected/`` before committing it.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from tests.golden.report.build import EXPECTED, GOLDENS  # noqa: E402


def main() -> int:
    """Write every golden file and say which ones changed."""
    EXPECTED.mkdir(exist_ok=True)
    for name, produce in sorted(GOLDENS.items()):
        path = EXPECTED / name
        text = produce()
        old = path.read_text(encoding="utf-8") if path.exists() else None
        path.write_text(text, encoding="utf-8", newline="\n")
        shown = path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path
        print(f"{'unchanged' if old == text else 'updated  '} {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
