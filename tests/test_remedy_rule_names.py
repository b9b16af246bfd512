"""Every remedy shown to a person names the policy rule it patches, in plain words.

Regression: text said only "remedy REM017: <summary>", so a policy with two rules of one
kind left the reader guessing which rule the patch changes; Markdown and HTML showed the
reference ``policy/rules[0]``, counted from 0. JSON keeps its contract (``patch.rule_index``).
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from policyweigh.cli import main
from policyweigh.explain import derive
from policyweigh.project import evaluate_paths
from policyweigh.render.text import make_console, render_derivation
from policyweigh.render.view import NOTE_LENGTH, rule_words
from tests.helpers import ROOT

TWIN_TARGETS = """\
id: twin-targets
title: Two resolution targets, both tied to the bonus
scope: {teams: [customer-service], roles: [agent], customer_facing: true}
rules:
  - kind: metric-target
    metric: first_contact_resolution
    target: 80
    unit: pct
    tied_to: bonus
    visibility: private
    note: Resolution target.
  - {kind: metric-target, metric: first_contact_resolution, target: 85, unit: pct, tied_to: bonus, visibility: private}
"""


@pytest.fixture
def twin(tmp_path: Path) -> Path:
    (tmp_path / "twin-targets.yaml").write_text(TWIN_TARGETS, encoding="utf-8")
    return tmp_path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    status = main(list(argv))
    out, _ = capsys.readouterr()
    assert status == 0, out
    return " ".join(out.split())  # text wraps at a fixed width: compare words, not lines


@pytest.mark.parametrize(
    ("index", "kind", "note", "expected"),
    [
        (0, None, None, "rule 1"),
        (1, "call-time-cap", None, "rule 2 (call-time-cap)"),
        (0, "break-rule", "Phones peak.", 'rule 1 (break-rule, "Phones peak")'),
        (0, "break-rule", "  Two\n  lines\tof note  ", 'rule 1 (break-rule, "Two lines of note")'),
        (0, "break-rule", "   ", "rule 1 (break-rule)"),
        (
            2,
            "staffing",
            "No minimum number of agents per hour is set; swaps are unnecessary when every shift is chosen.",
            'rule 3 (staffing, "No minimum number of agents per hour is set...")',
        ),
    ],
)
def test_rule_words(index: int, kind: str | None, note: str | None, expected: str) -> None:
    assert rule_words(index, kind, note) == expected


def test_a_long_note_is_cut_to_its_length() -> None:
    words = rule_words(0, None, "word " * 100)
    assert words.startswith('rule 1 ("word word') and words.endswith('...")')
    assert len(words) <= len('rule 1 ("...")') + NOTE_LENGTH


def test_text_names_the_rule_each_remedy_patches(twin: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = _run(capsys, "evaluate", str(twin))
    assert (
        'remedy REM017 on rule 1 (metric-target, "Resolution target") of twin-targets: '
        "Discuss the target in coaching" in out
    )


def test_explain_names_the_rule_each_remedy_patches(twin: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = _run(capsys, "explain", "twin-targets", str(twin))
    assert (
        'remedy REM017 on rule 1 (metric-target, "Resolution target") of twin-targets: Discuss the target'
        in out
    )


def test_markdown_names_the_rule_each_remedy_patches(twin: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = _run(capsys, "evaluate", str(twin), "--format", "markdown")
    # In words: which of the two targets, and the field as a reader knows it.
    assert (
        "In `twin-targets`: the first-contact resolution target \\(rule 1\\)'s link to pay or discipline "
        "→ coaching." in out
    )
    assert "twin-targets/rules[0]`:" not in out


def test_html_names_the_rule_each_remedy_patches(
    twin: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "report.html"
    _run(capsys, "report", str(twin), "-o", str(target))
    html = target.read_text(encoding="utf-8")
    cell = (
        "<td>On rule 1 (metric-target, &#34;Resolution target&#34;) of <code>twin-targets</code>: "
        "<code>tied_to</code> → coaching</td>"
    )
    # Once under the conflict, once under the policy it patches.
    assert html.count(cell) == 2


def test_every_remedy_of_the_bundled_library_names_its_rule(capsys: pytest.CaptureFixture[str]) -> None:
    policies = str(ROOT / "policies")
    conflicts = json.loads(_run(capsys, "evaluate", policies, "--format", "json"))["conflicts"]
    remedies = [r for c in conflicts for r in c["remedies"]]
    assert remedies
    text = _run(capsys, "evaluate", policies)
    markdown = _run(capsys, "evaluate", policies, "--format", "markdown")
    # The JSON contract is kept: the patch still carries the index, counted from 0, with what it does
    # to that rule (`action`) and the scope fields it sets added beside them.
    assert all(set(r["patch"]) == {"policy", "rule_index", "set", "action", "scope"} for r in remedies)
    # A remedy that adds a rule or sets only the scope names the policy and words what it adds.
    on_rules = [r for r in remedies if r["patch"]["action"] == "set" and r["patch"]["set"]]
    for remedy in remedies:
        if remedy not in on_rules:
            assert f"remedy {remedy['code']} on {remedy['patch']['policy']} (" in text or (
                f"remedy {remedy['code']} on the scope of {remedy['patch']['policy']}" in text
            ), remedy
    # Markdown fits one GitHub comment: the least severe conflicts may be left out, and it says how many.
    left_out = re.search(r"Left out [^:]*: ([0-9,]+) of ([0-9,]+) conflicts", markdown)
    shown = len(conflicts) - (int(left_out.group(1).replace(",", "")) if left_out else 0)
    in_markdown = [r for c in conflicts[:shown] for r in c["remedies"] if r in on_rules]
    assert in_markdown
    for remedy in on_rules:
        patch = remedy["patch"]
        number = patch["rule_index"] + 1
        assert f"remedy {remedy['code']} on rule {number} (" in text, remedy
        assert f"of {patch['policy']}: " in text
    for remedy in in_markdown:
        patch = remedy["patch"]
        number = patch["rule_index"] + 1
        assert f"In `{patch['policy']}`: " in markdown or f"to `{patch['policy']}`" in markdown, number
    assert text.count("remedy REM") == len(remedies)


def test_explain_with_the_policies_names_the_rule_with_its_note(twin: Path) -> None:
    run = evaluate_paths([twin])
    stream = io.StringIO()
    render_derivation(derive(run, "twin-targets"), make_console(stream), run.policies)
    out = " ".join(stream.getvalue().split())
    assert 'remedy REM017 on rule 1 (metric-target, "Resolution target") of twin-targets:' in out
