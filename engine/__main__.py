"""`python -m policyweigh` runs the policyweigh command."""

from policyweigh.cli import entry

entry()
