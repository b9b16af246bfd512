"""Objects the product built from files, kept between runs in the user's cache folder.

Loading the bundled rulebook means parsing and cross-checking about half a
megabyte of YAML, which is most of what a short command such as
``policyweigh check`` spends; the result depends only on the rulebook's files
and on the code that read them. So the loaded object is stored here, under a
key that hashes everything it depends on (``key``: the caller's inputs, plus
``code_key``: the package's version and source files, the Python and pydantic
versions), and read back when the key is the same.

The folder is ``$POLICYWEIGH_CACHE_DIR``, else ``$XDG_CACHE_HOME/policyweigh``,
else ``~/.cache/policyweigh``; ``POLICYWEIGH_NO_CACHE=1`` turns the cache off.

The cache is an optimisation only, never a source of truth or of errors:

- a file is written to a temporary name and renamed, so a reader sees a whole
  file or none; deleting the folder at any time is safe;
- a file holds a header with its full key and the hash of its payload, checked
  before the payload is unpickled; a different key (another version, other
  files) or a payload that does not match is ignored and later replaced;
- a missing, unreadable, unwritable or read-only folder, a corrupt file or
  anything else that goes wrong makes ``load`` return None and ``store`` do
  nothing: the caller computes the object as if there were no cache.

Payloads are pickles. That is acceptable only because the product itself wrote
them, in the user's own folder: a file is unpickled only when it belongs to the
user running the command, is not writable by anyone else, and carries the
expected key and payload hash. Nothing from a policy, a rulebook or a settings
file can choose what is unpickled.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
import stat
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pydantic
import yaml

from policyweigh import __version__

CACHE_DIR_ENV = "POLICYWEIGH_CACHE_DIR"
"""Names the cache folder (overrides the XDG default)."""
NO_CACHE_ENV = "POLICYWEIGH_NO_CACHE"
"""Set to anything but empty or ``0`` to neither read nor write the cache."""

FORMAT = b"policyweigh-cache 1"
"""First bytes of every cache file; a change of layout changes it."""
KEEP = 16
"""Cache files of one kind kept; older ones are removed when a new one is written."""
_MAX_HEADER = 512


def enabled() -> bool:
    """Whether the cache is in use (``POLICYWEIGH_NO_CACHE`` unset, empty or ``0``)."""
    return os.environ.get(NO_CACHE_ENV, "").strip() in ("", "0")


def cache_dir() -> Path | None:
    """The cache folder (not necessarily existing), or None when the cache is off or has no home."""
    if not enabled():
        return None
    named = os.environ.get(CACHE_DIR_ENV, "")
    if named:
        return Path(named)
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if xdg and os.path.isabs(xdg):  # the XDG spec says a relative value is ignored
        return Path(xdg) / "policyweigh"
    try:
        return Path.home() / ".cache" / "policyweigh"
    except (RuntimeError, KeyError, OSError):  # no home directory to be found
        return None


@functools.lru_cache(maxsize=1)
def code_key() -> str:
    """A hash of what every cached object depends on besides its own inputs: the code that built it.

    The package's version, every source file of the package (an editable install changes
    code without changing its version), and the versions of Python, pydantic and PyYAML.
    """
    digest = hashlib.sha256()
    for part in (
        FORMAT.decode(),
        __version__,
        sys.version,
        sys.implementation.cache_tag or "",
        pydantic.VERSION,
        yaml.__version__,
    ):
        digest.update(part.encode() + b"\0")
    package = Path(__file__).resolve().parent
    for file in sorted(package.rglob("*.py")):
        digest.update(file.relative_to(package).as_posix().encode() + b"\0")
        digest.update(file.read_bytes() + b"\0")
    return digest.hexdigest()


def key(kind: str, parts: Iterable[bytes]) -> str:
    """The key of an object of ``kind`` built from ``parts`` (file names and contents) by this code."""
    digest = hashlib.sha256(f"{kind}\0{code_key()}\0".encode())
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def _path(folder: Path, kind: str, full_key: str) -> Path:
    return folder / f"{kind}-{full_key[:32]}.pickle"


def _header(full_key: str, payload: bytes) -> bytes:
    return FORMAT + b" " + full_key.encode() + b" " + hashlib.sha256(payload).hexdigest().encode() + b"\n"


def _trusted(info: os.stat_result) -> bool:
    """A regular file of the user running the command that no one else may write."""
    if not stat.S_ISREG(info.st_mode) or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return False
    getuid = getattr(os, "getuid", None)
    return getuid is None or info.st_uid == getuid()


def load(kind: str, full_key: str) -> Any | None:
    """The object stored under ``full_key``, or None when there is none that can be trusted."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        fd = os.open(_path(folder, kind, full_key), os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        with open(fd, "rb") as handle:
            if not _trusted(os.fstat(handle.fileno())):
                return None
            header = handle.readline(_MAX_HEADER)
            payload = handle.read()
        if header != _header(full_key, payload):
            return None
        return pickle.loads(payload)
    except Exception:  # a cache file is never a reason to fail: the caller builds the object anew
        return None


def store(kind: str, full_key: str, value: Any) -> None:
    """Store ``value`` under ``full_key`` (atomically); any failure leaves the cache as it was."""
    folder = cache_dir()
    if folder is None:
        return
    temporary: str | None = None
    try:
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=f".{kind}-", suffix=".tmp", dir=folder)
        with open(fd, "wb") as handle:
            handle.write(_header(full_key, payload))
            handle.write(payload)
        os.replace(temporary, _path(folder, kind, full_key))
        temporary = None
        _prune(folder, kind)
    except Exception:  # a read-only home, a full disk, an object that does not pickle: no cache
        pass
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def _prune(folder: Path, kind: str) -> None:
    """Keep the ``KEEP`` most recently written files of ``kind``."""
    found = []
    for file in folder.glob(f"{kind}-*.pickle"):
        with contextlib.suppress(OSError):
            found.append((file.stat().st_mtime_ns, file))
    found.sort(reverse=True)
    for _, file in found[KEEP:]:
        with contextlib.suppress(OSError):
            file.unlink()
