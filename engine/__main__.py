"""`python -m engine` runs the policyeval command."""

from engine.cli import entry

entry()
