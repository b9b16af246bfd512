"""`python -m policyweigh.cli` runs the policyweigh command."""

from policyweigh.cli import entry

entry()
