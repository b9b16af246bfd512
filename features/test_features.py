"""Every feature under features/ as a pytest test; the steps come from the policyeval plugin (engine.bdd)."""

from pytest_bdd import scenarios

scenarios(".")
