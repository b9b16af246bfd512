"""policyweigh: score workplace policies on employee and customer impact.

The library does all the work; the ``policyweigh`` command and the pytest-bdd
step library are thin shells over it.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("policyweigh")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"
