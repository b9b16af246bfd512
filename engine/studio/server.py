"""Running the studio: a uvicorn server on the loopback interface, in this process.

``serve`` binds 127.0.0.1 (or ``localhost``) only: the studio reads and writes the
library folder with the rights of the person who started it, so it must never answer the network.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path

import uvicorn

from policyweigh.errors import PolicyweighError
from policyweigh.project import Setup
from policyweigh.studio.app import create_app
from policyweigh.studio.workspace import Workspace

__all__ = ["LOOPBACK", "free_port", "serve"]

LOOPBACK = ("127.0.0.1", "localhost")
"""The only addresses the studio binds to."""


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on now, for a server started right after."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def _check_port(host: str, port: int) -> None:
    """Raise ``PolicyweighError`` (one line, exit 2 on the command line) when ``port`` is taken."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError as err:
            raise PolicyweighError(f"cannot listen on {host}:{port}: {err.strerror or err}") from None


def serve(
    root: Path,
    setup: Setup,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    announce: Callable[[str], None] = print,
) -> None:
    """Serve the studio over the library folder ``root`` until interrupted; ``announce`` gets its address.

    Port 0 picks a free port. Raises ``ValueError`` for a host that is not the loopback interface,
    ``PolicyweighError`` for a port that is taken.
    """
    if host not in LOOPBACK:
        raise ValueError(f"the studio binds to this machine only ({', '.join(LOOPBACK)}), not {host!r}")
    port = port or free_port(host)
    _check_port(host, port)
    app = create_app(Workspace(root, setup), hosts=LOOPBACK)
    announce(f"policyweigh studio: http://{host}:{port}/ (library {root}); Ctrl-C stops it")
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False, server_header=False)
