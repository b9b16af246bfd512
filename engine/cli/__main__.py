"""`python -m engine.cli` runs the policyeval command."""

from engine.cli import entry

entry()
