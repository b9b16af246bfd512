"""pytest-bdd step library for policy features, registered as a pytest plugin."""
