"""Finding and launching the system Chromium for the browser tests (Debian's ``chromium``).

Without a Chromium binary (or without Playwright) a browser test is skipped with the reason;
under CI (``CI`` set) it fails instead, since CI installs Chromium, unless ``.ci/run`` said why it
could not (``POLICYWEIGH_BROWSER_SKIP``).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# Flags that keep a headless Chromium quiet and offline in containers and CI.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def unavailable(reason: str) -> None:
    """Skip with ``reason``, or fail under CI, which must have a browser."""
    # .ci/run sets POLICYWEIGH_BROWSER_SKIP when it could not install Chromium: say why and skip.
    ci_reason = os.environ.get("POLICYWEIGH_BROWSER_SKIP")
    if ci_reason:
        pytest.skip(f"{reason}; {ci_reason}")
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must install it (see .ci/run)", pytrace=False)
    pytest.skip(reason)


def find_chromium() -> str | None:
    """The Chromium to drive: $POLICYWEIGH_CHROMIUM, else the first browser on PATH."""
    explicit = os.environ.get("POLICYWEIGH_CHROMIUM")
    if explicit:
        return explicit if Path(explicit).is_file() else None
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium launched with Playwright, closed on leaving."""
    executable = find_chromium()
    if executable is None:
        unavailable("chromium not installed: `apt-get install chromium`, or set POLICYWEIGH_CHROMIUM")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("playwright not installed: `pip install playwright` (the browser itself comes from apt)")
    with sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=executable, args=FLAGS, headless=True, timeout=60_000)
        try:
            yield launched
        finally:
            launched.close()
