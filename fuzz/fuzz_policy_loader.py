"""Fuzz the policy loader: bytes in, a valid policy or located problems out, nothing else.

Each input is read as one policy file (``policyweigh.loading.load_policy_text``).
Bad input must raise ``InputError`` whose every problem is one printable line
``file:line:column: message``; a valid policy is then evaluated with the
bundled rulebook and default settings the way the CLI evaluates a library
(scores, conflicts, remedies), and dumped as the CLI's JSON,
which must not fail either. Anything else escaping is a crash.

Run (see fuzz/README.md)::

    pip install atheris
    python fuzz/fuzz_policy_loader.py -atheris_runs=100000 fuzz/corpus/policies

The first corpus folder is filled from the bundled library when it is empty.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (  # noqa: E402
    bundled_policies,
    check_problems,
    count,
    fuzz,
    instrumented,
)

with instrumented():
    from policyweigh.config import Settings
    from policyweigh.errors import InputError
    from policyweigh.loading import library_from_policies, load_policy_text
    from policyweigh.policy import RULE_KINDS, RULE_MODELS, Policy
    from policyweigh.project import Project
    from policyweigh.rulebook import load_rulebook

BOOK = load_rulebook()
SETTINGS = Settings()

FILE = "fuzz/policy.yaml"


def test_one_input(data: bytes) -> None:
    """Load ``data`` as a policy file; evaluate it when it is valid."""
    try:
        policy = load_policy_text(data, FILE)
    except InputError as err:
        check_problems(err.problems, FILE)
        return
    run = Project(library_from_policies([policy]), SETTINGS, BOOK).evaluate()
    run.evaluation.model_dump_json(indent=2)
    count("valid policies evaluated")


def tokens() -> list[str]:
    """Field names, rule kinds and enumerated values of the format, for the fuzzer's dictionary."""
    # Numbers at and past the edges of what the format and the rule engine accept.
    found: set[str] = set(RULE_KINDS) | {"1.0e-05", "1.5e-05", "1.0e+16", "0.0001", "99.99999", "e-0", "e+"}
    for model in (Policy, *RULE_MODELS.values()):
        for name, info in model.model_fields.items():
            found.add(f"{info.alias or name}: ")
    for model in RULE_MODELS.values():
        for info in model.model_fields.values():
            found.update(str(a) for a in getattr(info.annotation, "__args__", ()) if isinstance(a, str))
    return sorted(found)


def main() -> None:
    """Fuzz from the command line (atheris flags and corpus folders)."""
    seeds = bundled_policies()
    test_one_input(seeds[0][1])  # the rulebook is loaded and compiled once, before the first input
    fuzz(sys.argv, test_one_input, seeds, tokens())


if __name__ == "__main__":
    main()
