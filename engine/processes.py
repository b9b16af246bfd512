"""Worker processes that end with the process that started them (Linux), for every pool and supervisor.

Imports nothing of the engine, so the command line's interrupt supervisor can use it before any
heavy import.
"""

from __future__ import annotations

import os
import signal
import sys

__all__ = ["die_with_parent"]

_PR_SET_PDEATHSIG = 1
"""prctl option: the signal the kernel sends this process when its parent ends (Linux)."""


def die_with_parent(parent: int, code: int = 1) -> None:
    """End this worker when the process that started it (``parent``) ends, however it ends.

    A parent that Ctrl-C ends by its signal, or that is killed, never tells its workers to stop; and
    a forked worker holds the pool's pipes open itself, so it would wait for work forever. If the
    parent is already gone, this process exits at once with ``code``.
    """
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent ended before prctl took effect
        os._exit(code)
