"""Policy inputs cannot reach outside the library, and their text is clean at the boundary.

A library folder can come from a pull request and every message ends up in a
terminal or a CI log, so: links never lead out of the folder, only regular
files are read (a FIFO never blocks), text fields refuse control characters
(and one-line fields line breaks), and values quoted in messages are escaped
and cut short.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

import jsonschema
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import AfterValidator, BaseModel, StringConstraints

from policyweigh import policy as fmt
from policyweigh.cli import main
from policyweigh.errors import InputError, Problem
from policyweigh.loading import load_library, load_policy, load_policy_text
from policyweigh.policy import MULTI_LINE_PATTERN, ONE_LINE_PATTERN, PlainText, refused_character
from policyweigh.suggest import char_name, quote
from policyweigh.yamldoc import MAX_FILE_BYTES, format_path, load_yaml
from tests.helpers import ROOT

SHIPPED_SCHEMA = ROOT / "engine" / "schemas" / "policy-v1.json"
SAFETY_NET = 60  # seconds; only against a hang, never a measure of speed
SECRET = "s3cret-outside-the-library"
GOOD = "id: {id}\ntitle: Policy {id}\nrules:\n  - kind: knowledge-base\n"

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
needs_symlinks = pytest.mark.skipif(os.name == "nt", reason="symbolic links need privileges on Windows")


def failure(call: Callable[..., object], *args: object) -> list[Problem]:
    with pytest.raises(InputError) as caught:
        call(*args)
    return caught.value.problems


def validate(capsys: pytest.CaptureFixture[str], *paths: Path | str) -> tuple[int, str, str]:
    code = main(["validate", *(str(p) for p in paths)])
    out, err = capsys.readouterr()
    return code, out, err


def write_policy(path: Path, policy_id: str, *, extra: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(GOOD.format(id=policy_id) + extra, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- control characters

# Each payload sits in a title. The last three are the shapes of a GitHub Actions workflow
# command injected through a line break.
PAYLOADS = {
    "esc-clear-screen": "Review \x1b[2J done",
    "osc8-hyperlink": "Review \x1b]8;;https://example.invalid\x1b\\click\x1b]8;;\x1b\\",
    "osc0-window-title": "Review \x1b]0;pwned\x07",
    "c1-csi": "Review \x9b2J done",
    "nul": "Review \x00 done",
    "del": "Review \x7f done",
    "bidi-override": "Review \u202etxt.exe",
    "bidi-isolate": "Review \u2067done",
    "newline-in-title": "Review\nsecond line",
    "newline-workflow-command": "Review\n::error file=x::forged",
    "carriage-return-workflow-command": "Review\r::error file=x::forged",
}


def yaml_escaped(value: str, *, esc_as_e: bool = False) -> str:
    """``value`` as a YAML double-quoted string, every unprintable character as an escape."""
    out = []
    for char in value:
        if char == "\x1b" and esc_as_e:
            out.append("\\e")
        elif char in '"\\':
            out.append("\\" + char)
        elif char.isprintable():
            out.append(char)
        elif ord(char) < 0x100:
            out.append(f"\\x{ord(char):02x}")
        else:
            out.append(f"\\u{ord(char):04x}")
    return '"' + "".join(out) + '"'


def title_file(value: str, encoding: str) -> tuple[str, str]:
    """A policy whose title is ``value`` written one way; return the text and the value YAML reads."""
    if encoding == "raw":
        # A literal block keeps raw characters and line breaks as they are (YAML reads a raw CR
        # as a line break).
        body = "\n".join("  " + line for line in value.replace("\r", "\n").split("\n"))
        return f"id: payload\ntitle: |-\n{body}\nrules:\n  - kind: knowledge-base\n", value.replace(
            "\r", "\n"
        )
    escaped = yaml_escaped(value, esc_as_e=encoding == "yaml-escape-e")
    return f"id: payload\ntitle: {escaped}\nrules:\n  - kind: knowledge-base\n", value


CASES = [
    (name, encoding)
    for name, value in PAYLOADS.items()
    for encoding in ("yaml-escape-x", "yaml-escape-e", "raw")
    if encoding != "yaml-escape-e" or "\x1b" in value
]


@pytest.mark.parametrize(("payload", "encoding"), CASES, ids=[f"{p}-{e}" for p, e in CASES])
def test_control_character_payload_in_a_title_is_refused(
    payload: str, encoding: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text, read_as = title_file(PAYLOADS[payload], encoding)
    path = tmp_path / "payload.yaml"
    path.write_bytes(text.encode("utf-8"))
    bad = next(c for c in read_as if refused_character(c, multiline=False))

    problems = failure(load_policy, path)
    assert len(problems) == 1
    problem = problems[0]
    assert (problem.file, problem.path) == (str(path), "title")
    assert char_name(bad) in problem.message
    if yaml.reader.Reader.NON_PRINTABLE.match(bad) and encoding == "raw":
        # YAML refuses the raw character itself: the location is the character's own.
        index = text.index(bad)
        line = text.count("\n", 0, index) + 1
        assert (problem.line, problem.column) == (line, index - text.rfind("\n", 0, index))
        assert problem.message == f"the character {char_name(bad)} is not allowed in a YAML file; remove it"
    else:
        assert (problem.line, problem.column) == (2, 8)
        assert f"at character {read_as.index(bad) + 1} (" in problem.message

    code, out, err = validate(capsys, path)
    assert code == 2
    assert out == ""
    assert err.splitlines() == [str(problem), "1 problem in 1 file"]
    assert all(c.isprintable() for c in err.replace("\n", ""))


def test_a_workflow_command_on_one_line_is_legal_text() -> None:
    # Printable and on one line: a title may say this; escaping it is the renderers' job.
    text = 'id: p\ntitle: "::error file=x::looks like a command"\nrules:\n  - kind: knowledge-base\n'
    assert load_policy_text(text).title == "::error file=x::looks like a command"


def test_message_names_the_first_character_and_counts_the_rest() -> None:
    text = 'id: p\ntitle: "a\\e[1mb\\e[0m"\nrules:\n  - kind: knowledge-base\n'
    assert [str(p) for p in failure(load_policy_text, text, "p.yaml")] == [
        "p.yaml:2:8: title: the control character U+001B ESCAPE at character 2 ('a\\x1b[1mb\\x1b[0m') "
        "is not allowed: control characters can rewrite terminal and CI output; remove it (and 1 more after it)"
    ]


def test_the_excerpt_shows_the_character_deep_in_a_long_value() -> None:
    value = "x" * 150 + "\x1b[2J" + "y" * 150
    reason = refused_character(value, multiline=True)
    assert reason is not None
    # Twenty characters either side of it.
    assert f"at character 151 (...{'x' * 20 + chr(27) + '[2J' + 'y' * 17!r}...)" in reason


def test_lone_surrogate_is_refused_without_a_crash(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "p.yaml"
    path.write_text('id: p\ntitle: "a\\ud800b"\nrules:\n  - kind: knowledge-base\n', encoding="utf-8")
    [problem] = failure(load_policy, path)
    assert str(problem) == (
        f"{path}:2:8: title: the lone surrogate U+D800 at character 2 ('a\\ud800b') is not a character; remove it"
    )
    assert validate(capsys, path)[0] == 2


def test_unknown_key_made_of_control_characters_is_shown_escaped() -> None:
    text = 'id: p\ntitle: T\n"\\e]0;x\\a": 1\nrules:\n  - kind: knowledge-base\n'
    [problem] = failure(load_policy_text, text, "p.yaml")
    assert problem.path == "'\\x1b]0;x\\x07'"
    assert str(problem).isprintable()


def test_format_path_escapes_and_cuts_keys() -> None:
    assert format_path(("rules", 0, "note")) == "rules[0].note"
    assert format_path(("a\nb",)) == "'a\\nb'"
    assert format_path(("scope", "k" * 100)) == "scope." + quote("k" * 100)


# Where each text field of the format sits in a minimal policy.
def _policy_with(field: str, value: str) -> dict[str, Any]:
    policy: dict[str, Any] = {"id": "p", "title": "T", "rules": [{"kind": "knowledge-base"}]}
    if field in ("title", "owner", "summary"):
        policy[field] = value
    elif field in ("scope.teams", "scope.roles"):
        policy["scope"] = {field.split(".")[1]: [value]}
    elif field == "rule.note":
        policy["rules"] = [{"kind": "knowledge-base", "note": value}]
    elif field == "customer-incentive.reward":
        policy["rules"] = [{"kind": "customer-incentive", "reward": value, "condition": "survey"}]
    elif field == "leader-floor-time.roles":
        policy["rules"] = [{"kind": "leader-floor-time", "hours_per_month": 4, "roles": [value]}]
    elif field == "conduct.rule":
        policy["rules"] = [{"kind": "conduct", "rule": value, "sanction": "verbal-warning"}]
    else:
        raise AssertionError(f"no placement for {field}")
    return policy


ONE_LINE_FIELDS = [
    "title",
    "owner",
    "scope.teams",
    "scope.roles",
    "customer-incentive.reward",
    "leader-floor-time.roles",
    "conduct.rule",
]
MULTI_LINE_FIELDS = ["summary", "rule.note"]


def _string_leaves(annotation: Any, metadata: list[Any]) -> Iterator[list[Any]]:
    """The metadata of every ``str`` inside a field's type (through Optional, lists, dicts)."""
    metadata = list(metadata)
    while getattr(annotation, "__metadata__", None) is not None:
        metadata.extend(annotation.__metadata__)
        annotation = get_args(annotation)[0]
    if annotation is str:
        yield metadata
    elif get_origin(annotation) is not Literal:
        for arg in get_args(annotation):
            yield from _string_leaves(arg, metadata if get_origin(annotation) is not list else [])


def _text_fields() -> dict[str, PlainText | str]:
    """Every free-text field of the format, with its marker; fields held to a pattern are noted."""
    models: list[tuple[str, type[BaseModel]]] = [
        ("", fmt.Policy),
        ("scope.", fmt.Scope),
        ("window.", fmt.Window),
        ("service-level.", fmt.ServiceLevel),
        *((f"{kind}.", model) for kind, model in fmt.RULE_MODELS.items()),
    ]
    found: dict[str, PlainText | str] = {}
    for prefix, model in models:
        for name, info in model.model_fields.items():
            shown = "rule.note" if name == "note" else prefix + (info.alias or name)
            for metadata in _string_leaves(info.annotation, list(info.metadata)):
                markers = [m for m in metadata if isinstance(m, PlainText)]
                patterned = any(isinstance(m, StringConstraints) and m.pattern for m in metadata)
                timed = any(isinstance(m, AfterValidator) and m.func is fmt._check_time for m in metadata)
                # A metric's name is checked against its own pattern (policyweigh.metrics.name_problem).
                named = any(isinstance(m, fmt.MetricName) for m in metadata)
                found[shown] = (
                    markers[0] if markers else ("pattern" if patterned or timed or named else "unchecked")
                )
    return found


def test_every_text_field_of_the_format_refuses_control_characters() -> None:
    fields = _text_fields()
    assert "unchecked" not in fields.values(), [f for f, kind in fields.items() if kind == "unchecked"]
    assert sorted(f for f, m in fields.items() if m == PlainText()) == sorted(ONE_LINE_FIELDS)
    assert sorted(f for f, m in fields.items() if m == PlainText(multiline=True)) == sorted(MULTI_LINE_FIELDS)


@pytest.mark.parametrize("field", ONE_LINE_FIELDS)
@pytest.mark.parametrize("value", ["a\nb", "a\tb", "a\x1bb", "a\u2028b", "a\x85b"])
def test_one_line_fields_refuse_line_breaks_tabs_and_controls(field: str, value: str) -> None:
    text = yaml.safe_dump(_policy_with(field, value))
    [problem] = failure(load_policy_text, text, "p.yaml")
    assert char_name(value[1]) in problem.message


@pytest.mark.parametrize("field", MULTI_LINE_FIELDS)
def test_multi_line_fields_take_line_breaks_and_tabs_but_no_other_control(field: str) -> None:
    load_policy_text(yaml.safe_dump(_policy_with(field, "first line\n\tsecond line\n")))
    for value in ("a\x1bb", "a\rb", "a\x9bb", "a\u202eb", "a\x00b"):
        [problem] = failure(load_policy_text, yaml.safe_dump(_policy_with(field, value)), "p.yaml")
        assert char_name(value[1]) in problem.message


def test_a_folded_title_keeps_no_trailing_line_break() -> None:
    text = "id: p\ntitle: >\n  A long title\n  over two lines\nrules:\n  - kind: knowledge-base\n"
    assert load_policy_text(text).title == "A long title over two lines"


def test_a_file_with_windows_line_ends_still_loads() -> None:
    text = "id: p\r\ntitle: T\r\nsummary: |\r\n  one\r\n  two\r\nrules:\r\n  - kind: knowledge-base\r\n"
    assert load_policy_text(text).summary == "one\ntwo\n"


def test_time_with_a_trailing_newline_is_refused() -> None:
    # Regression: the time check matched with "$", which also matches before a final newline.
    text = 'id: p\ntitle: T\nscope:\n  shift_starts: ["10:00\\n"]\nrules:\n  - kind: knowledge-base\n'
    assert [str(p) for p in failure(load_policy_text, text, "p.yaml")] == [
        "p.yaml:4:18: scope.shift_starts[0]: expected a time as HH:MM between 00:00 and 23:59; got '10:00\\n'"
    ]


def test_character_names_are_the_unicode_names_or_aliases() -> None:
    for code in (*range(0x20), *range(0x7F, 0xA0), 0x202E, 0x2066):
        name = char_name(chr(code))
        assert name.startswith(f"U+{code:04X} ")
        assert unicodedata.lookup(name.split(" ", 1)[1]) == chr(code)
    assert char_name("\x1b") == "U+001B ESCAPE"
    assert char_name("\ud800") == "U+D800"


def test_schema_patterns_say_what_the_loader_checks() -> None:
    samples = [chr(c) for c in (*range(0x3000), 0xFEFF, 0x1F600) if not 0xD800 <= c <= 0xDFFF]
    for pattern, multiline in ((ONE_LINE_PATTERN, False), (MULTI_LINE_PATTERN, True)):
        for char in samples:
            value = f"a{char}b"
            assert (re.fullmatch(pattern, value) is not None) == (
                refused_character(value, multiline=multiline) is None
            ), (hex(ord(char)), multiline)


def test_shipped_schema_refuses_control_characters_in_text() -> None:
    schema = json.loads(SHIPPED_SCHEMA.read_text(encoding="utf-8"))
    base = {"id": "p", "title": "T", "rules": [{"kind": "knowledge-base"}]}
    jsonschema.validate({**base, "summary": "a\n\tb"}, schema)
    for bad in (
        {"title": "a\x1b[2Jb"},
        {"title": "a\nb"},
        {"summary": "a\x9bb"},
        {"scope": {"teams": ["a\u202eb"]}},
    ):
        with pytest.raises(jsonschema.ValidationError, match="does not match"):
            jsonschema.validate({**base, **bad}, schema)


# --------------------------------------------------------------------------- quoting values

HOSTILE_PIECES = [
    "id: ",
    "title: ",
    "summary: ",
    "rules:",
    "\n",
    "  - ",
    "kind: ",
    "knowledge-base",
    "customer-incentive",
    "reward: ",
    "note: ",
    "scope: {teams: [",
    "]}",
    '"',
    "\\e[2J",
    "\\x9b",
    "\\u202e",
    "\\ud800",
    "\\n",
    "\\0",
    "\x1b",
    "\x85",
    "\u2028",
    "\u202e",
    "!%1b ",
    "!<%07> ",
    "&a ",
    "*a",
    "x" * 70,
    ": ",
    "::error file=x::",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(HOSTILE_PIECES), max_size=30).map("".join))
def test_every_message_is_one_printable_line(text: str) -> None:
    try:
        load_policy_text(text, "p.yaml")
    except InputError as err:
        for problem in err.problems:
            assert str(problem).isprintable(), str(problem)
            assert len(problem.message) < 600


def test_long_values_are_cut_with_their_length() -> None:
    assert quote("short") == "'short'"
    assert quote("x" * 60) == repr("x" * 60)
    assert quote("y" * 5000) == repr("y" * 60) + "... (5000 characters)"
    assert quote("\x1b" * 2) == "'\\x1b\\x1b'"


def test_a_whole_file_read_as_a_string_is_not_echoed(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    value = "root:x:0:0:root:/root:/bin/bash " * 200 + SECRET
    path.write_text(value + "\n", encoding="utf-8")
    [problem] = failure(load_policy, path)
    assert SECRET not in problem.message
    assert (
        problem.message == f"expected a mapping; got the string {value[:60]!r}... ({len(value)} characters)"
    )


def test_an_unknown_id_asked_for_is_quoted_short(tmp_path: Path) -> None:
    library = load_library([write_policy(tmp_path / "a.yaml", "a")])
    with pytest.raises(KeyError) as caught:
        library.by_id("\x1b[2J" + "z" * 500)
    assert str(caught.value) == f"no policy with id {quote(chr(27) + '[2J' + 'z' * 500)} in the library"
    assert len(str(caught.value)) < 150


# --------------------------------------------------------------------------- links


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder next to the library holding a file that must never show up in any output."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.yaml").write_text(f"{SECRET}: 1\n", encoding="utf-8")
    write_policy(folder / "foreign.yaml", "foreign")
    return folder


@pytest.fixture
def lib(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    write_policy(tmp_path / "lib" / "ok.yaml", "ok")
    return tmp_path / "lib"


@needs_symlinks
@pytest.mark.parametrize("output", ["text", "json", "sarif", "github"])
def test_symlink_to_a_file_outside_is_refused_and_never_echoed(
    lib: Path, outside: Path, output: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # Regression: lib/passwd.yaml -> /etc/passwd printed the target's content in every format.
    (lib / "passwd.yaml").symlink_to(outside / "secret.yaml")
    code = main(["check", "lib", "--format", output])
    out, err = capsys.readouterr()
    assert code == 2
    assert SECRET not in out + err
    assert "lib/passwd.yaml" in out + err
    assert "outside the library" in out + err


@needs_symlinks
def test_symlink_to_a_file_outside_names_the_link(lib: Path, outside: Path) -> None:
    (lib / "passwd.yaml").symlink_to(outside / "secret.yaml")
    assert [str(p) for p in failure(load_library, ["lib"])] == [
        "lib/passwd.yaml:1:1: this is a symbolic link to a file outside the library folder 'lib'; it is not "
        "read: links in a library must stay inside it (copy the file into the library instead)"
    ]


@needs_symlinks
def test_system_file_linked_into_a_library_is_refused(lib: Path) -> None:
    (lib / "passwd.yaml").symlink_to("/etc/passwd")
    [problem] = failure(load_library, ["lib"])
    assert problem.file == "lib/passwd.yaml" and "outside the library" in problem.message
    assert "root:" not in problem.message


@needs_symlinks
def test_symlinked_folder_outside_is_refused(lib: Path, outside: Path) -> None:
    (lib / "shared").symlink_to(outside, target_is_directory=True)
    assert [str(p) for p in failure(load_library, ["lib"])] == [
        "lib/shared:1:1: this is a symbolic link to a folder outside the library folder 'lib'; it is not "
        "followed: links in a library must stay inside it (copy the folder into the library instead)"
    ]


@needs_symlinks
def test_links_inside_the_library_are_followed_and_read_once(lib: Path) -> None:
    write_policy(lib / "teams" / "b.yaml", "b")
    (lib / "alias").symlink_to("teams", target_is_directory=True)
    (lib / "c.yaml").symlink_to("teams/b.yaml")
    write_policy(lib / "elsewhere" / "d.yaml", "d")
    (lib / "teams" / "d.yaml").symlink_to("../elsewhere/d.yaml")
    library = load_library(["lib"])
    # Each file once, under the path with no link in it.
    assert [(p.id, p.key) for p in library] == [("b", "teams/b"), ("d", "elsewhere/d"), ("ok", "ok")]


@needs_symlinks
def test_a_library_that_is_itself_a_link_is_read(lib: Path, tmp_path: Path) -> None:
    (tmp_path / "current").symlink_to(lib, target_is_directory=True)
    assert load_library([tmp_path / "current"]).ids == ("ok",)


@needs_symlinks
def test_folder_link_loop_ends_and_reads_each_folder_once(lib: Path) -> None:
    write_policy(lib / "sub" / "b.yaml", "b")
    (lib / "sub" / "up").symlink_to("..", target_is_directory=True)
    (lib / "sub" / "self").symlink_to(".", target_is_directory=True)
    assert [p.key for p in load_library(["lib"])] == ["sub/b", "ok"]


@needs_symlinks
def test_file_link_loop_and_broken_link_are_refused(lib: Path) -> None:
    (lib / "a.yaml").symlink_to("b.yaml")
    (lib / "b.yaml").symlink_to("a.yaml")
    (lib / "gone.yaml").symlink_to("nowhere.yaml")
    (lib / "notes.txt").symlink_to("nowhere.txt")  # not a policy file: ignored like any other
    assert [str(p) for p in failure(load_library, ["lib"])] == [
        "lib/a.yaml:1:1: this is a symbolic link that leads back to itself (a loop); it is not read",
        "lib/b.yaml:1:1: this is a symbolic link that leads back to itself (a loop); it is not read",
        "lib/gone.yaml:1:1: this is a symbolic link to nothing: its target does not exist",
    ]


@needs_symlinks
def test_a_file_named_directly_is_read_wherever_its_link_leads(lib: Path, outside: Path) -> None:
    (lib / "foreign.yaml").symlink_to(outside / "foreign.yaml")
    assert load_library(["lib/foreign.yaml"]).ids == ("foreign",)


def test_file_name_with_a_control_character_is_refused_unread(
    lib: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_policy(lib / "\x1b[2J.yaml", "clear")
    code, _, err = validate(capsys, "lib")
    assert code == 2
    assert err.splitlines()[0] == (
        "lib/\\x1b[2J.yaml:1:1: the name holds the character U+001B ESCAPE, which cannot be shown; rename it"
    )
    assert "\x1b" not in err


# --------------------------------------------------------------------------- FIFOs and devices


def run_with_safety_net(call: Callable[[], object]) -> object:
    """Run ``call`` in a thread; fail (instead of hanging the suite) if it does not return."""
    result: list[object] = []

    def target() -> None:
        try:
            result.append(call())
        except BaseException as err:  # handed back to the test
            result.append(err)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(SAFETY_NET)
    assert not thread.is_alive(), "reading blocked"
    return result[0]


@needs_fifo
def test_fifo_named_directly_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    err = run_with_safety_net(lambda: load_library([fifo]))
    assert isinstance(err, InputError)
    assert [str(p) for p in err.problems] == [
        f"{fifo}:1:1: expected a YAML file; this is a named pipe (FIFO), which is never read"
    ]


@needs_fifo
def test_fifo_inside_a_folder_is_refused_without_blocking(lib: Path) -> None:
    os.mkfifo(lib / "pipe.yaml")
    os.mkfifo(lib / "pipe.txt")  # not a policy file: ignored
    err = run_with_safety_net(lambda: load_library(["lib"]))
    assert isinstance(err, InputError)
    assert [str(p) for p in err.problems] == [
        "lib/pipe.yaml:1:1: expected a YAML file; this is a named pipe (FIFO), which is never read"
    ]


@needs_fifo
@needs_symlinks
def test_link_to_a_fifo_inside_a_folder_is_refused(lib: Path) -> None:
    os.mkfifo(lib / "pipe")
    (lib / "linked.yaml").symlink_to("pipe")
    err = run_with_safety_net(lambda: load_library(["lib"]))
    assert isinstance(err, InputError)
    assert [p.message for p in err.problems] == [
        "expected a YAML file; this is a named pipe (FIFO), which is never read"
    ]


@needs_fifo
def test_fifo_on_the_command_line_exits_2(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    done = subprocess.run(
        [sys.executable, "-m", "policyweigh", "validate", str(fifo)],
        capture_output=True,
        text=True,
        timeout=SAFETY_NET,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.splitlines()[0] == (
        f"{fifo}:1:1: expected a YAML file; this is a named pipe (FIFO), which is never read"
    )


@needs_fifo
def test_fifo_swapped_in_after_the_check_does_not_block(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Stand-in for a regular file replaced by a FIFO between stat() and open(): stat() says
    # "regular file", so only the non-blocking open and fstat() stand between us and a hang.
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    regular = tmp_path / "regular.yaml"
    write_policy(regular, "r")
    real_stat = os.stat

    def stale_stat(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        return real_stat(regular if Path(path) == fifo else path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", stale_stat)
    err = run_with_safety_net(lambda: load_yaml(fifo))
    assert isinstance(err, InputError)
    assert err.problems[0].message == "expected a YAML file; this is a named pipe (FIFO), which is never read"


@pytest.mark.parametrize("device", ["/dev/null", "/dev/zero", "/dev/urandom"])
def test_devices_are_refused(device: str, capsys: pytest.CaptureFixture[str]) -> None:
    if not os.path.exists(device):
        pytest.skip(f"no {device} here")
    assert [str(p) for p in failure(load_library, [device])] == [
        f"{device}:1:1: expected a YAML file; this is a character device, which is never read"
    ]
    assert validate(capsys, device)[0] == 2


def test_size_limit_holds_when_stat_reports_no_size() -> None:
    # Files in /proc report a size of 0: the limit must come from the bytes read, not from stat.
    big = Path("/proc/kallsyms")
    if not big.is_file() or os.stat(big).st_size != 0:
        pytest.skip("no /proc/kallsyms reporting size 0 here")
    with big.open("rb") as handle:
        if len(handle.read(MAX_FILE_BYTES + 1)) <= MAX_FILE_BYTES:
            pytest.skip("/proc/kallsyms is not larger than the limit here")
    assert [p.message for p in failure(load_yaml, big)] == [
        f"the file holds more than {MAX_FILE_BYTES} bytes; the limit is {MAX_FILE_BYTES} bytes"
    ]
