"""Ctrl-C ends ``policyweigh`` within about a second, whatever the engine is doing.

Python turns SIGINT into ``KeyboardInterrupt`` only between bytecodes of the
main thread. durable-rules' C code keeps the interpreter lock for as long as a
call lasts (it never releases it), so during a long C call neither the Python
signal handler nor any other Python thread runs: a watchdog thread would be
stopped too. Measured here: while durable-rules spins in ``create_ruleset``, a
thread that ticks every 0.1 s stops ticking and SIGINT is ignored.

So on Linux the console script splits in two before any work (``guard``):

- the **worker** (a forked child) runs the command; SIGINT raises
  ``KeyboardInterrupt`` there once, ``main`` prints "interrupted" and the
  worker ends itself by SIGINT;
- the **supervisor** (the original process) only waits, with the signals it
  forwards blocked and taken by ``sigtimedwait``, so no Python handler is
  involved. SIGINT, SIGTERM and SIGHUP are passed on to the worker. After a
  SIGINT the worker gets ``GRACE_SECONDS`` to end; if it is still running (stuck
  in C), it is killed, the supervisor prints "interrupted" itself. The
  supervisor ends the way the worker did: with its exit code, or by the same
  signal. If the supervisor is killed outright, the kernel kills the worker
  (``PR_SET_PDEATHSIG``).

Ending by SIGINT rather than exiting 130 follows the convention for programs
that handle SIGINT (and what Python does with an uncaught KeyboardInterrupt):
a shell reports 130 either way, but a calling shell script stops its loop only
when its child died of the signal. ``main()`` itself returns 130.

Elsewhere (no ``fork``/``sigtimedwait``, or threads already running), SIGINT
raises ``KeyboardInterrupt`` once and starts a watchdog thread that exits with
130 if the process has not ended within ``GRACE_SECONDS``; that covers an
interrupt swallowed inside a C callback, not a C loop that keeps the lock.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from types import FrameType
from typing import NoReturn

from policyweigh.processes import die_with_parent

GRACE_SECONDS = 1.0
"""How long an interrupted worker may take to end by itself before it is killed."""

FORWARDED = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))
"""Signals the supervisor passes on to the worker (Ctrl-\\ reaches both through the terminal)."""

_EXIT_INTERRUPTED = 130


def can_supervise() -> bool:
    """Whether this process can split into supervisor and worker (Linux; no thread started yet)."""
    return (
        hasattr(os, "fork")
        and hasattr(signal, "sigtimedwait")
        and hasattr(signal, "pthread_sigmask")
        and sys.platform.startswith("linux")
        and threading.active_count() == 1
    )


def guard() -> None:
    """Install the interrupt handling of the console script; call once, before any work.

    Returns in the process that runs the command (the worker, or this process
    when it cannot be supervised); the supervisor never returns.
    """
    if can_supervise():
        try:
            supervise()
        except OSError:  # no fork allowed here: guard this process alone
            _install_handler(watchdog=True)
        else:
            _install_handler(watchdog=False)
    else:
        _install_handler(watchdog=True)


# --------------------------------------------------------------------------- the worker's handler

_interrupted = False


def requested() -> bool:
    """Whether Ctrl-C was pressed in this process (only the console script's handler records it).

    A ``KeyboardInterrupt`` raised inside a rule action comes back from
    durable-rules as a failed action; with this the CLI still calls it an interrupt.
    """
    return _interrupted


def _install_handler(*, watchdog: bool) -> None:
    def on_interrupt(signum: int, frame: FrameType | None) -> None:
        global _interrupted
        if _interrupted:
            return  # one KeyboardInterrupt is enough; a second one would break the cleanup it started
        _interrupted = True
        if watchdog:
            threading.Thread(target=_watchdog, name="policyweigh-interrupt", daemon=True).start()
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, on_interrupt)
    if hasattr(signal, "pthread_sigmask"):  # blocked across the fork (see supervise)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, FORWARDED)


def _watchdog() -> None:
    time.sleep(GRACE_SECONDS)
    _say("interrupted")
    os._exit(_EXIT_INTERRUPTED)


def exit_interrupted() -> NoReturn:
    """End the process by SIGINT after ``main`` handled Ctrl-C (see the module docstring)."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            if stream is not None:
                stream.flush()
    with contextlib.suppress(OSError, ValueError, AttributeError):
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        if hasattr(signal, "pthread_sigmask"):
            signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGINT])
        os.kill(os.getpid(), signal.SIGINT)
    os._exit(_EXIT_INTERRUPTED)  # only if the signal could not end the process


def _say(message: str) -> None:
    """Write a line to standard error without Python's buffers (safe from any thread or after a fork)."""
    with contextlib.suppress(OSError):
        os.write(2, (message + "\n").encode())


# --------------------------------------------------------------------------- the supervisor


def supervise() -> None:
    """Fork; return in the worker, wait for it in the supervisor and end as it ended (never returns there)."""
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            stream.flush()  # nothing buffered may be written twice
    # Blocked before the fork, so a signal sent at any moment waits for whichever process takes it.
    signal.pthread_sigmask(signal.SIG_BLOCK, [*FORWARDED, signal.SIGCHLD])
    parent = os.getpid()
    try:
        pid = os.fork()
    except OSError:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, [*FORWARDED, signal.SIGCHLD])
        raise
    if pid == 0:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGCHLD])
        die_with_parent(parent, _EXIT_INTERRUPTED)
        return  # the worker unblocks the forwarded signals once its handler is installed
    _wait(pid)


def _wait(pid: int) -> NoReturn:
    deadline: float | None = None
    waited = [*FORWARDED, signal.SIGCHLD]
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            _end_like(status, killed=False)
        if deadline is None:
            info = signal.sigtimedwait(waited, 3600.0)
        else:
            left = deadline - time.monotonic()
            if left <= 0:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
                _, status = os.waitpid(pid, 0)
                _end_like(status, killed=True)
            info = signal.sigtimedwait(waited, left)
        if info is None or info.si_signo == signal.SIGCHLD:
            continue
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, info.si_signo)
        if info.si_signo == signal.SIGINT and deadline is None:
            deadline = time.monotonic() + GRACE_SECONDS


def _end_like(status: int, *, killed: bool) -> NoReturn:
    """End the supervisor as its worker ended: with its exit code, or by the same signal."""
    if killed:
        _say("interrupted")
        signum = int(signal.SIGINT)
    else:
        code = os.waitstatus_to_exitcode(status)
        if code >= 0:
            os._exit(code)
        signum = -code
    with contextlib.suppress(OSError, ValueError):
        signal.signal(signum, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, [signum])
        os.kill(os.getpid(), signum)
    os._exit(128 + signum)
