"""The drafting studio: a local web app where a policy is drafted in a form and judged as it changes.

An optional extra (``pip install 'policyweigh[studio]'``), started by ``policyweigh studio``, and
a thin shell like the command line: the library API loads, checks, evaluates and patches;
``workspace`` keeps paths inside the library folder and saves safely, ``roundtrip`` keeps the YAML
as it was written, ``form`` gives the form the format's JSON Schema, ``app`` serves the pages and
the API, ``server`` runs it on this machine only.
"""
