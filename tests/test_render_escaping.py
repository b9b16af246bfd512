"""Every renderer escapes outside text for its medium, whatever path brought the text to it.

The loader refuses control characters in policy fields; these tests bypass it on purpose
(models copied with ``model_copy``, conflicts built with ``model_construct``, a rulebook
whose texts are replaced after loading), because the renderers are the last defence: a
title must not clear the screen, plant a hyperlink or forge a GitHub Actions workflow
command, and a Markdown comment must not ping anyone or link an issue. Each output is
checked for raw control characters, for lines that GitHub Actions would run as commands,
and (Markdown) for live mentions and issue references, with a real Markdown parser.
"""

from __future__ import annotations

import dataclasses
import html
import json
import re
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from policyweigh.cli import main
from policyweigh.diff import diff_runs
from policyweigh.evaluation import EvaluationRun
from policyweigh.explain import derive
from policyweigh.gate import GateResult, run_gate
from policyweigh.loading import load_library
from policyweigh.orchestration import evaluate
from policyweigh.render import escape
from policyweigh.render.diff import render_json as diff_json
from policyweigh.render.diff import render_markdown as diff_markdown
from policyweigh.render.diff import render_text as diff_text
from policyweigh.render.github import render_github
from policyweigh.render.html import render_html
from policyweigh.render.markdown import MARKDOWN_BUDGET, md_escape, render_markdown
from policyweigh.render.sarif import render_sarif
from policyweigh.render.text import (
    make_console,
    render_derivation,
    render_evaluation,
    render_findings,
    render_rule,
    render_rule_list,
)
from policyweigh.render.view import rank_key
from policyweigh.results import Conflict, Patch, RemedyResult, ScoresAfter
from policyweigh.rulebook import Rulebook, default_rulebook
from tests.golden.report.build import NEW, OLD, golden_rulebook
from tests.helpers import DATA, ROOT, SETTINGS, to_string, with_conflicts

# Everything a robustness probe tried: clear the screen, set the window title, plant an OSC 8
# hyperlink, reverse text, 8-bit CSI, NUL, DEL, line and paragraph separators, newlines, forge
# workflow commands (both forms), rich markup and emoji codes, mentions, issue references,
# Markdown, HTML and an entity.
HOSTILE = (
    "\x1b[2J\x1b]0;pwned\x07\x1b]8;;https://evil.invalid\x1b\\click\x1b]8;;\x1b\\ "
    "\u202etxt.exe\u202c \u2066iso\u2069 \x9b31m \x00 \x7f \x85 \u2028 one\ntwo\r\n"
    "::error file=forged.yaml,line=1::forged [bold]b[/bold] :smile: ##[warning]old-style "
    "@org/team @here #123 GH-4 *a* _b_ `c` <i>d</i> | e & &gt;= $m$"
)
# The same, starting with a workflow command, as a value printed at the start of a line would.
HOSTILE_START = "::warning::" + HOSTILE
HOSTILE_FILE = "lib dir/#1 100%/ü \x1b[2J ?{id}.yaml"

UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029" + escape.BIDI_CONTROLS + "]")
ANNOTATION = re.compile(r"^::(error|warning|notice) (?P<props>[^:]*)::(?P<data>.*)$")
MARKDOWN = MarkdownIt("commonmark").enable(["table", "strikethrough"])


# Builders ------------------------------------------------------------------------------------------


def hostile_rulebook() -> Rulebook:
    """The golden rulebook with every text an organisation writes made hostile."""
    book = golden_rulebook()
    impact = tuple(
        rule.model_copy(
            update={
                "because": HOSTILE_START + " {max_minutes} {enforcement}",
                "summary": HOSTILE,
                "name": rule.name + HOSTILE,
                "dose": [d.model_copy(update={"says": HOSTILE}) for d in rule.dose],
                "thresholds": [h.model_copy(update={"says": HOSTILE_START}) for h in rule.thresholds],
            }
        )
        for rule in book.impact_rules
    )
    evidence = {
        key: entry.model_copy(update={"citation": HOSTILE_START, "finding": HOSTILE})
        for key, entry in book.evidence.items()
    }
    mechanisms = [
        m.model_copy(update={"title": HOSTILE_START, "lag": HOSTILE, "description": HOSTILE})
        for m in book.scoring.mechanisms
    ]
    assert mechanisms, "the golden rulebook declares a mechanism whose texts are made hostile here"
    scoring = book.scoring.model_copy(update={"mechanisms": mechanisms})
    return dataclasses.replace(book, impact_rules=impact, evidence=evidence, scoring=scoring)


def _hostile_conflicts(run: EvaluationRun) -> list[Conflict]:
    ids = sorted(run.policies)
    remedy = RemedyResult.model_construct(
        code="REM" + HOSTILE,
        summary=HOSTILE_START,
        patch=Patch.model_construct(policy=ids[0], rule_index=0, set={"note": HOSTILE}),
        scores_after=ScoresAfter(employee=1, customer=2, employee_change=3, customer_change=4),
        resolves=False,
        new_conflicts=["NEW" + HOSTILE],
    )
    return [
        Conflict.model_construct(
            code="CON" + HOSTILE,
            kind="contradiction",
            severity="error",
            policies=ids[:2],
            rules=[f"{ids[0]}/rules[0]", f"{ids[1]}/rules[0]"],
            explanation=HOSTILE_START,
            remedies=[remedy],
            citation=HOSTILE,
        ),
        Conflict.model_construct(
            code="HRM" + HOSTILE,
            kind="harm",
            severity="error",
            policies=[ids[0]],
            rules=[f"{ids[0]}/rules[0]"],
            explanation=HOSTILE_START,
            remedies=[remedy],
            citation=None,
        ),
        Conflict.model_construct(
            code="TRD901",
            kind="trade-off",
            severity="warning",
            policies=[ids[2]],
            rules=[f"{ids[2]}/rules[0]"],
            explanation=HOSTILE,
            remedies=[],
            citation=None,
        ),
    ]


def hostile_run(folder: Path = NEW) -> EvaluationRun:
    """The golden policies with hostile ids, titles, owners, summaries, notes and teams, evaluated
    with the hostile rulebook, with hostile conflicts and file names."""
    models = []
    for policy in load_library([folder]).models:
        rules = [rule.model_copy(update={"note": HOSTILE}) for rule in policy.rules]
        scope = policy.scope.model_copy(update={"teams": [HOSTILE]})
        models.append(
            policy.model_copy(
                update={
                    "id": policy.id + HOSTILE if policy.id == "training" else policy.id,
                    "title": HOSTILE_START,
                    "owner": HOSTILE,
                    "summary": HOSTILE,
                    "rules": rules,
                    "scope": scope,
                }
            )
        )
    files = {p.id: HOSTILE_FILE.format(id=p.id[:8]) for p in models}
    run = evaluate(models, rulebook=hostile_rulebook(), files=files, conflicts=False, settings=SETTINGS)
    # The reasons a rule is not assessed quote the policy's values: hostile ones, and one policy
    # made unlawful, so that its note and marks are rendered too.
    policies = [
        r.model_copy(
            update={
                "not_assessed": [
                    n.model_copy(update={"reason": HOSTILE_START + " " + n.reason}) for n in r.not_assessed
                ],
                "verdict": "unlawful" if r.id == "lunch-ban" else r.verdict,
            }
        )
        for r in run.evaluation.policies
    ]
    assert any(r.not_assessed for r in policies) and any(r.scores.mechanisms for r in policies)
    run = run.with_evaluation(run.evaluation.model_copy(update={"policies": policies}))
    return with_conflicts(run, _hostile_conflicts(run))


@pytest.fixture(scope="module")
def run() -> EvaluationRun:
    return hostile_run()


@pytest.fixture(scope="module")
def gate(run: EvaluationRun) -> GateResult:
    return run_gate(run.evaluation, fail_on="warning", min_employee=100, min_customer=100)


# Checks --------------------------------------------------------------------------------------------


def assert_no_raw_controls(text: str) -> None:
    """No control, bidirectional or separator character but the newline."""
    found = sorted({f"U+{ord(c):04X}" for c in UNSAFE.findall(text)})
    assert not found, found


def assert_no_command_lines(text: str, *, annotations: bool = False) -> None:
    """No line GitHub Actions would run as a workflow command, except (when allowed) the
    product's own annotations, whose values must be escaped as the Actions toolkit does."""
    for line in text.splitlines():
        if not line.lstrip().startswith("::"):
            # The legacy form runs from anywhere in a line that is no `::` command.
            assert "##[" not in line, line
            continue
        match = ANNOTATION.match(line)
        assert annotations and match, line
        props, data = match.group("props"), match.group("data")
        assert re.fullmatch(r"(file=[^,:]*,line=\d+(,col=\d+)?,)?title=[^,:]*", props), props
        assert re.fullmatch(r"([^%]|%25|%0D|%0A)*", data), data
        assert re.fullmatch(r"([^%]|%25|%0D|%0A|%3A|%2C)*", props), props


def rendered(markdown: str) -> str:
    """The HTML GitHub-flavoured Markdown gives (CommonMark with tables and strike-through)."""
    return MARKDOWN.render(markdown)


def live_references(page: str) -> list[str]:
    """Mentions and issue references GitHub would link in rendered Markdown: those in text,
    outside code (GitHub's filters skip code and pre)."""
    text = re.sub(r"<(code|pre)>.*?</\1>", " ", page, flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    return re.findall(r"(?<![\w`])(?:@[A-Za-z0-9][\w/-]*|#[0-9]+|GH-[0-9]+)", text, flags=re.I)


def visible_text(page: str) -> str:
    """The text a reader sees in rendered HTML, without the zero-width spaces."""
    return html.unescape(re.sub(r"<[^>]+>", "", page)).replace(escape.SPLIT, "")


def check_markdown(markdown: str) -> None:
    assert_no_raw_controls(markdown)
    assert_no_command_lines(markdown)
    page = rendered(markdown)
    assert live_references(page) == []
    tags = set(re.findall(r"<([a-z0-9]+)[ >]", page))
    allowed = {"h1", "h2", "h3", "p", "table", "thead", "tbody", "tr", "th", "td", "ul", "li"}
    allowed |= {"strong", "code", "pre", "details", "summary"}
    assert tags <= allowed, tags - allowed
    # The hostile text reads as written (controls shown, workflow commands defused).
    assert "forged [bold]b[/bold] :smile:" in visible_text(page)
    assert "*a* _b_ `c` <i>d</i> | e & &gt;= $m$" in visible_text(page)


# Every command and format ---------------------------------------------------------------------------


def test_evaluate_text_shows_controls_and_forms_no_command(run: EvaluationRun) -> None:
    text = to_string(render_evaluation, run)
    assert_no_raw_controls(text)
    assert_no_command_lines(text)
    assert "\\x1b[2J" in text and "\\u202e" in text and "\\n" in text
    # rich markup prints as written.
    assert "[bold]b[/bold]" in text


def test_evaluate_json_as_a_document_holds_no_raw_control(run: EvaluationRun) -> None:
    document = escape.json_document(run.evaluation.model_dump_json(indent=2))
    assert_no_raw_controls(document)
    # The same data: escapes decode to the original strings.
    assert json.loads(document) == json.loads(run.evaluation.model_dump_json())
    assert HOSTILE_START in {p["title"] for p in json.loads(document)["policies"]}


def test_evaluate_and_report_markdown(run: EvaluationRun) -> None:
    check_markdown(render_markdown(run))


def test_report_html_shows_controls_as_text(run: EvaluationRun) -> None:
    page = render_html(run)
    assert_no_raw_controls(page)
    assert_no_command_lines(page)
    assert "<i>d</i>" not in page and "&lt;i&gt;d&lt;/i&gt;" in page
    assert "\\x1b[2J" in page and "\\u202e" in page


def test_explain_text(run: EvaluationRun) -> None:
    for policy in run.policies:
        text = to_string(render_derivation, derive(run, policy))
        assert_no_raw_controls(text)
        assert_no_command_lines(text)


def test_rules_text() -> None:
    book = hostile_rulebook()
    texts = [to_string(render_rule_list, book)]
    texts += [to_string(render_rule, rule, book) for rule in book.impact_rules]
    for text in texts:
        assert_no_raw_controls(text)
        assert_no_command_lines(text)
    assert "[bold]b[/bold]" in texts[0]


def test_check_text(gate: GateResult) -> None:
    text = render_findings(gate)
    assert_no_raw_controls(text)
    assert_no_command_lines(text)
    assert len(text.splitlines()) == len(gate.findings) + 1


def test_check_json_as_check_prints_it(gate: GateResult) -> None:
    document = json.dumps(gate.as_dict(), indent=2)
    assert_no_raw_controls(document)


def test_check_github_annotations_escape_like_the_actions_toolkit(gate: GateResult) -> None:
    text = render_github(gate)
    assert_no_raw_controls(text)
    assert_no_command_lines(text, annotations=True)
    lines = text.splitlines()
    assert len(lines) == len(gate.findings) + 1
    assert all(ANNOTATION.match(line) for line in lines[:-1])
    # The forged command stays in the data of a real annotation: its file is no property.
    matches = [ANNOTATION.match(line) for line in lines[:-1]]
    for match in matches:
        assert match is not None
        # Properties as the runner reads them: split on commas, then on the first `=`.
        properties = dict(p.split("=", 1) for p in match.group("props").split(","))
        assert set(properties) <= {"file", "line", "col", "title"}, properties
        assert "forged" not in properties.get("file", "")
    assert sum("::error file=forged.yaml,line=1::forged" in m.group("data") for m in matches if m) > 1
    assert "%0D%0A::error file=forged.yaml" in text  # a line break in an id, escaped
    assert "file=lib dir/#1 100%25/ü \\x1b[2J " in text


def test_check_sarif_is_valid_with_encoded_uris_and_escaped_text(
    run: EvaluationRun, gate: GateResult
) -> None:
    log = render_sarif(gate, run.rulebook)
    document = json.dumps(log, indent=2)
    assert_no_raw_controls(document)
    schema = json.loads((DATA / "sarif-2.1.0.json").read_text(encoding="utf-8"))
    assert list(jsonschema.Draft4Validator(schema).iter_errors(log)) == []
    uris = list(_artifact_locations(log))
    assert uris
    for location in uris:
        uri = location["uri"]
        assert re.fullmatch(r"([A-Za-z0-9\-._~/]|%[0-9A-F]{2})+", uri), uri
        assert location["uriBaseId"] == "%SRCROOT%"
    files = {urllib.parse.unquote(loc["uri"]) for loc in uris}
    assert files == set(run.files.values())
    texts = [r["message"]["text"] for r in log["runs"][0]["results"]]
    assert all(UNSAFE.search(t) is None for t in texts)
    assert any("\\x1b[2J" in t for t in texts)
    # Printed to a CI log, no string may hold the legacy `##[` command; rule ids still match.
    assert "##[" not in document
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in log["runs"][0]["results"])


def _artifact_locations(node: Any) -> Iterator[dict[str, str]]:
    if isinstance(node, dict):
        if "artifactLocation" in node:
            yield node["artifactLocation"]
        for value in node.values():
            yield from _artifact_locations(value)
    elif isinstance(node, list):
        for value in node:
            yield from _artifact_locations(value)


def test_diff_markdown() -> None:
    old, new = hostile_run(OLD), hostile_run(NEW)
    check_markdown(diff_markdown(diff_runs(old, new)))


def test_diff_text() -> None:
    text = diff_text(diff_runs(hostile_run(OLD), hostile_run(NEW)))
    assert_no_raw_controls(text)
    assert_no_command_lines(text)


def test_diff_json() -> None:
    assert_no_raw_controls(diff_json(diff_runs(hostile_run(OLD), hostile_run(NEW))))


# Through the command line, with text the loader accepts -------------------------------------------

# Valid policy text that a CI log or a pull-request comment would still obey: workflow commands
# (a title and a file name starting with `::`, the legacy `##[` form), mentions, an issue
# reference, rich markup, HTML and an entity.
FORGED_CAP = """\
id: cap
title: "::error file=lib/x.yaml,line=1::forged ##[warning]old @org/team #123 [bold]markup[/bold] <b>x</b> &gt;="
owner: "@here"
summary: "first line\\n::error::second line ##[error]x"
scope:
  teams: ["::support"]
rules:
  - kind: call-time-cap
    max_minutes: 5
    enforcement: bonus-gate
    note: "::error::note"
"""
FORGED_FCR = """\
id: fcr
title: "##[error]First-contact resolution tied to the bonus"
scope:
  teams: ["::support"]
rules:
  - kind: metric-target
    metric: first_contact_resolution
    target: 80
    unit: pct
    tied_to: bonus
"""
OLD_CAP = FORGED_CAP.replace("max_minutes: 5", "max_minutes: 6").replace(
    'title: "::error', 'title: "::notice'
)


@pytest.mark.parametrize(
    "args",
    [
        ["evaluate", "."],
        ["evaluate", ".", "--format", "json"],
        ["evaluate", ".", "--format", "markdown"],
        ["explain", "cap", "."],
        ["check", "."],
        ["check", ".", "--format", "json"],
        ["check", ".", "--format", "sarif"],
        ["check", ".", "--format", "github"],
        ["report", ".", "--format", "markdown"],
        ["report", "."],
        ["diff", "../old", "."],
        ["diff", "../old", ".", "--format", "json"],
        ["diff", "../old", ".", "--format", "markdown"],
    ],
    ids=lambda args: " ".join(a for a in args if a not in (".", "../old", "cap", "--format")),
)
def test_valid_policy_text_runs_no_workflow_command_through_the_command_line(
    args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "old").mkdir()
    (tmp_path / "lib" / "cap.yaml").write_text(FORGED_CAP, encoding="utf-8")
    (tmp_path / "lib" / "::warning::fcr.yaml").write_text(FORGED_FCR, encoding="utf-8")
    (tmp_path / "old" / "cap.yaml").write_text(OLD_CAP, encoding="utf-8")
    monkeypatch.chdir(tmp_path / "lib")
    code = main(args)
    out, err = capsys.readouterr()
    assert code == (1 if args[0] == "check" else 0), err
    assert_no_raw_controls(out)
    assert_no_command_lines(out, annotations="github" in args)
    if "markdown" in args:
        assert live_references(rendered(out)) == []
        assert "[bold]markup[/bold]" in visible_text(rendered(out))
    if args[0] in ("evaluate", "explain") and "--format" not in args:
        assert "[bold]markup[/bold]" in out  # rich markup prints as written


@pytest.mark.parametrize(
    "fmt",
    [
        "text",
        "json",
        "sarif",
        "github",
    ],
)
def test_a_bad_value_quoted_by_check_runs_no_workflow_command(
    fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The loader quotes a refused value in its message, and `check` reports it as INPUT001.
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "bad.yaml").write_text(
        "id: bad\ntitle: Bad\nrules:\n  - kind: break-rule\n    break: lunch\n    min_minutes: 30\n"
        '    scheduling: "##[error]x ::error::y"\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    code = main(["check", "lib", "--format", fmt])
    out, err = capsys.readouterr()
    assert code == 2
    assert_no_command_lines(out + err, annotations=fmt == "github")


# Regressions, one a defect the probe found -----------------------------------------------------------


def test_a_title_cannot_clear_the_screen_set_the_window_title_or_plant_a_link_in_colour() -> None:
    run = hostile_run()
    buffer = _Buffer()
    render_evaluation(run, make_console(buffer, color=True))
    text = buffer.getvalue()
    # Colour mode writes rich's own style sequences; none of the title's may pass.
    for sequence in ("\x1b[2J", "\x1b]0;", "\x1b]8;", "\u202e", "\x9b", "\x00"):
        assert sequence not in text, repr(sequence)
    assert "[bold]b[/bold]" in re.sub(r"\x1b\[[0-9;]*m", "", text)


class _Buffer:
    """A text stream that is not a terminal."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        self.parts.append(text)
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def getvalue(self) -> str:
        return "".join(self.parts)


@pytest.mark.parametrize("width", range(0, 100, 7))
def test_a_wrapped_value_cannot_start_a_line_with_a_workflow_command(width: int) -> None:
    # Wherever rich wraps or folds the title, no line may start (after spaces) with `::`.
    run = hostile_run()
    result = run.evaluation.policies[0]
    title = "x" * width + " ::error::wrapped " + "y" * width + "::error::folded"
    run.evaluation.policies[0] = result.model_copy(update={"title": title})
    text = to_string(render_evaluation, run)
    assert_no_command_lines(text)


def test_guard_line_defuses_a_command_formed_by_joining_values() -> None:
    assert escape.guard_line("  ::error::x") == "  \\x3a:error::x"
    assert escape.guard_line("a ##[warning]b") == "a ##\\x5bwarning]b"
    assert escape.guard_line("fine: a::b") == "fine: a::b"


def test_markdown_shows_no_html_entity_for_comparisons() -> None:
    # `&gt;=` showed as is wherever GitHub does not decode entities; the Markdown now has none.
    assert md_escape("AHT >= 5 & R&D <3") == "AHT \\>= 5 & R&D \\<3"
    page = rendered(md_escape("AHT >= 5 & R&D <3 &gt;"))
    assert visible_text(page).strip() == "AHT >= 5 & R&D <3 &gt;"


def test_markdown_mentions_and_issue_references_stay_text() -> None:
    text = md_escape("ping @org/team and @here about #123, GH-4 and org/repo#5")
    assert text == ("ping @\u200borg/team and @\u200bhere about #\u200b123, GH\u200b-4 and org/repo#\u200b5")
    assert live_references(rendered(text)) == []


def test_the_details_summary_links_no_issue() -> None:
    # `<summary>#1 training` linked issue 1 of the repository; it now reads `Rank 1`.
    markdown = render_markdown(hostile_run())
    summaries = re.findall(r"<summary>.*</summary>", markdown)
    assert summaries and all(s.startswith("<summary>Rank ") for s in summaries)
    assert live_references(rendered(markdown)) == []


def test_terminal_escapes_are_documented_python_escapes() -> None:
    assert escape.terminal("a\x1bb\u202ec\nd\te\x85f\x00") == "a\\x1bb\\u202ec\\nd\\te\\x85f\\x00"
    assert escape.terminal("::error::x ##[y]") == ":\\x3aerror:\\x3ax ##\\x5by]"
    assert escape.terminal("plain text, C:\\path and a: b") == "plain text, C:\\path and a: b"


def test_workflow_escapes_match_the_actions_toolkit() -> None:
    assert escape.workflow_data("50%\r\n: ,") == "50%25%0D%0A: ,"
    assert escape.workflow_property("50%\r\n: ,") == "50%25%0D%0A%3A %2C"
    assert escape.workflow_data("\x1b[2J") == "\\x1b[2J"


def test_sarif_uri_is_a_percent_encoded_reference() -> None:
    assert escape.sarif_uri("lib/cap.yaml") == "lib/cap.yaml"
    assert escape.sarif_uri("a b/#1 100%/ü:x?.yaml") == "a%20b/%231%20100%25/%C3%BC%3Ax%3F.yaml"


# Properties ----------------------------------------------------------------------------------------

TEXT = st.text(st.characters(codec="utf-8"), max_size=60) | st.text(
    st.sampled_from(list("\x1b\u202e\n\r\t :#@[]()<>|*_`~$&;\\!-+=.1aZ")), max_size=40
)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_terminal_output_is_safe_and_idempotent(text: str) -> None:
    out = escape.terminal(text)
    assert_no_raw_controls(out)
    assert "\n" not in out and "::" not in out and "##[" not in out
    assert escape.terminal(out) == out


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_markdown_escape_renders_as_the_same_text(text: str) -> None:
    markdown = md_escape(text)
    page = rendered("x " + markdown)
    # One paragraph, no markup from the text: it reads as the text, with controls shown.
    assert set(re.findall(r"<([a-z0-9]+)", page)) <= {"p"}, page
    expected = escape.visible(" ".join(text.split()))
    assert " ".join(visible_text(page).split()) == " ".join(("x " + expected).split())
    assert live_references(page) == []


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_a_json_document_keeps_its_data_and_holds_no_raw_control(text: str) -> None:
    document = escape.json_document(json.dumps({"title": text, "n": [1, 2]}, ensure_ascii=False, indent=2))
    assert_no_raw_controls(document)
    assert "##[" not in document
    assert json.loads(document) == {"title": text, "n": [1, 2]}


# The Markdown report fits a GitHub comment ---------------------------------------------------------


def _library(folder: Path, count: int) -> Path:
    """``count`` policies copied from the bundled library with new ids, one department per copy."""
    sources = sorted((ROOT / "policies").rglob("*.yaml"))
    folder.mkdir()
    for i in range(count):
        data = yaml.safe_load(sources[i % len(sources)].read_text(encoding="utf-8"))
        data["id"] = f"{data['id']}-{i:04d}"
        # Ids change, so references to other policies of the bundled library would name none.
        data.pop("replaces", None)
        data.pop("alternative_to", None)
        scope = data.setdefault("scope", {})
        scope["teams"] = [f"{team}-{i // len(sources)}" for team in scope.get("teams") or ["all"]]
        (folder / f"p{i:04d}.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return folder


def _check_cut_report(markdown: str, total: int, run: EvaluationRun | None = None) -> None:
    """A report cut to fit: within the budget, the worst policies and most severe conflicts kept,
    what was left out said at the end."""
    assert len(markdown) <= MARKDOWN_BUDGET
    lines = markdown.splitlines()
    # It ends saying what it left out, and where everything is.
    assert lines[-1].startswith("Left out to fit one GitHub comment (60,000 characters at most): ")
    assert lines[-1].endswith("The HTML report (`policyweigh report PATH -o report.html`) has everything.")
    # The summary counts every policy and conflict.
    counts = re.match(r"([\d,]+) policies · ([\d,]+) conflicts", lines[2])
    assert counts is not None and int(counts.group(1)) == total
    # The ranking keeps the worst-ranked policies, and the details are those of the worst.
    rows = [int(n) for n in re.findall(r"^\| (\d+) \| `", markdown, flags=re.M)]
    assert 0 < len(rows) < total and rows == list(range(total - len(rows) + 1, total + 1))
    assert f"the {total - len(rows):,} best-ranked are left out" in markdown
    details = [int(n) for n in re.findall(r"<summary>Rank (\d+):", markdown)]
    assert details and details == list(range(total - len(details) + 1, total + 1))
    # The conflicts shown are the most severe.
    by_severity = dict(
        (s, int(n)) for n, s in re.findall(r"(\d+) (error|warning|info)", markdown.split("\n## ")[0])
    )
    severities = [s for s in ("error", "warning", "info") for _ in range(by_severity.get(s, 0))]
    assert len(severities) == int(counts.group(2).replace(",", ""))
    listed = re.findall(r"^- \*\*(error|warning|info)\*\* ", markdown, flags=re.M)
    assert 0 < len(listed) < len(severities)
    assert sorted(listed, key=severities.index) == severities[: len(listed)]
    if run is not None:
        policies = sorted(run.evaluation.policies, key=rank_key)
        worst, best = policies[-1], policies[0]
        assert f"| {total} | `{worst.id}` " in markdown
        assert f"<summary>Rank {total}: <code>{worst.id}</code>" in markdown
        assert f"`{best.id}`" not in markdown.split("## Conflicts")[0]
    check_markdown_structure(markdown)


def check_markdown_structure(markdown: str) -> None:
    assert markdown.count("<details>") == markdown.count("</details>")
    assert_no_raw_controls(markdown)
    assert_no_command_lines(markdown)
    assert live_references(rendered(markdown)) == []


def test_markdown_report_of_200_policies_fits_a_github_comment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _library(tmp_path / "lib", 200)
    code = main(["report", str(folder), "--format", "markdown"])
    out, err = capsys.readouterr()
    assert code == 0, err
    _check_cut_report(out, 200)


def test_markdown_report_of_2000_policies_fits_and_derives_only_what_it_shows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import policyweigh.render.view as view

    derived: list[str] = []
    real = view.derive

    def counting(run: EvaluationRun, policy_id: str) -> Any:
        derived.append(policy_id)
        return real(run, policy_id)

    monkeypatch.setattr(view, "derive", counting)
    # Copies of the bundled models rather than files: reading 2,000 files adds nothing here.
    bundled = load_library([ROOT / "policies"]).models
    models = []
    for i in range(2000):
        policy = bundled[i % len(bundled)]
        teams = [f"{team}-{i // len(bundled)}" for team in policy.scope.teams or ["all"]]
        scope = policy.scope.model_copy(update={"teams": teams})
        models.append(policy.model_copy(update={"id": f"{policy.id}-{i:04d}", "scope": scope}))
    # Remedies change nothing in what is cut: the conflicts alone, without remedies, are cheaper.
    run = evaluate(models, rulebook=default_rulebook(), settings=SETTINGS, remedies=False)
    markdown = render_markdown(run)
    _check_cut_report(markdown, 2000, run)
    # Only the details it measured were derived, not one per policy.
    shown = markdown.count("<details>")
    assert shown <= len(derived) <= shown + 10


def test_a_report_a_little_too_long_drops_only_details() -> None:
    # The bundled library's report, without remedies, is longer than the budget by its details
    # only: the summary, the ranking and the conflicts stay whole, and the details of the
    # worst-ranked stay. (With remedies its conflicts alone pass their share of the budget, and the
    # least severe are cut as well: the 200- and 2,000-policy tests above hold that.)
    run = evaluate(
        load_library([ROOT / "policies"]).models,
        rulebook=default_rulebook(),
        settings=SETTINGS,
        remedies=False,
    )
    out = render_markdown(run)
    full = render_markdown(run, max_chars=None)
    head = full.split("## Policy details")[0]
    assert len(full) > MARKDOWN_BUDGET and len(head) < MARKDOWN_BUDGET / 2, "the library changed size"
    assert len(out) <= MARKDOWN_BUDGET
    assert out.split("## Policy details")[0] == head
    count = len(run.evaluation.policies)
    details = [int(n) for n in re.findall(r"<summary>Rank (\d+):", out)]
    assert 0 < len(details) < count and details == list(range(count - len(details) + 1, count + 1))
    assert out.splitlines()[-1].startswith(
        f"Left out to fit one GitHub comment (60,000 characters at most): "
        f"the details of {count - len(details)} policies."
    )
    check_markdown_structure(out)
