"""Every feature under features/ as a pytest test.

The steps come from the policyweigh plugin (``policyweigh.bdd.plugin``), which registers them here because
pyproject.toml sets ``bdd_features_base_dir`` and the rootdir has a ``policies/`` folder.
"""

from pytest_bdd import scenarios

scenarios(".")
