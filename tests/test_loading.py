"""Loading policies and libraries: located messages (golden files), library rules, hostile input.

Golden message files live in tests/golden/messages, one per fixture in
tests/data/bad; after a deliberate change of wording, regenerate them with
``POLICYWEIGH_UPDATE_GOLDENS=1 pytest tests/test_loading.py`` and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policyweigh.errors import InputError, PolicyweighError
from policyweigh.loading import (
    Library,
    UnknownPolicyError,
    library_from_policies,
    load_library,
    load_policy,
    load_policy_text,
)
from policyweigh.policy import RULE_KINDS
from policyweigh.yamldoc import MAX_FILE_BYTES, PolicyLoader
from tests.helpers import DATA, ROOT, make_policy

BAD = DATA / "bad"
GOLDEN = Path(__file__).parent / "golden" / "messages"
UPDATE = os.environ.get("POLICYWEIGH_UPDATE_GOLDENS") == "1"
FIXTURES = sorted(p.name for p in BAD.glob("*.yaml"))


def check_golden(name: str, text: str) -> None:
    """Compare ``text`` with the golden file ``name`` (or rewrite it in update mode)."""
    path = GOLDEN / f"{name}.txt"
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.is_file(), f"no golden file {path}; run with POLICYWEIGH_UPDATE_GOLDENS=1 to create it"
    assert text == path.read_text(encoding="utf-8")


def failure(call: object, *args: object) -> InputError:
    with pytest.raises(InputError) as caught:
        call(*args)  # type: ignore[operator]
    return caught.value


POLICY = """\
# yaml-language-server: $schema=../engine/schemas/policy-v1.json
id: {id}
title: Policy {id}
rules:
  - kind: knowledge-base
  - kind: call-time-cap
    max_minutes: 8
"""


def write(path: Path, policy_id: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(POLICY.format(id=policy_id), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- golden messages


@pytest.mark.parametrize("fixture", FIXTURES)
def test_golden_messages(fixture: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    err = failure(load_policy, f"tests/data/bad/{fixture}")
    check_golden(Path(fixture).stem, str(err) + "\n")


def test_golden_duplicate_id_in_a_library(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    err = failure(load_library, ["tests/data/bad/library-duplicate-id"])
    check_golden("library-duplicate-id", str(err) + "\n")


def test_golden_oversize_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("oversize.yaml").write_text("id: big\nsummary: " + "x" * MAX_FILE_BYTES + "\n", encoding="utf-8")
    err = failure(load_policy, "oversize.yaml")
    check_golden("oversize", str(err) + "\n")


def test_every_golden_file_has_its_fixture() -> None:
    expected = {Path(f).stem for f in FIXTURES} | {"library-duplicate-id", "oversize"}
    assert {p.stem for p in GOLDEN.glob("*.txt")} == expected


# The brief's own examples, spelled out here so the wording is visible in one place.
@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (
            "{kind: break-rule, break: lunch, min_minutes: 30, scheduling: staggerd}",
            "p.yaml:3:71: rules[0].scheduling: expected one of fixed, staggered, self-organised; "
            "got 'staggerd' (did you mean 'staggered'?)",
        ),
        (
            "{kind: call-time-cap, max_minutes: 5, enfrcement: coaching}",
            "p.yaml:3:47: rules[0].enfrcement: unknown field; expected one of metric, max_minutes, "
            "enforcement, typical_minutes, note (did you mean 'enforcement'?)",
        ),
        (
            "{kind: brake-rule}",
            "p.yaml:3:16: rules[0].kind: unknown rule kind 'brake-rule' (did you mean 'break-rule'?)",
        ),
        (
            "{kind: vacation}",
            "p.yaml:3:16: rules[0].kind: unknown rule kind 'vacation'; expected one of "
            + ", ".join(RULE_KINDS),
        ),
        (
            "{kind: break-rule, break: lunch}",
            "p.yaml:3:9: rules[0]: missing required field 'min_minutes'",
        ),
        (
            "{kind: call-time-cap, max_minutes: '5'}",
            "p.yaml:3:44: rules[0].max_minutes: expected a number; got the string '5'",
        ),
        (
            "{kind: call-time-cap, max_minutes: -3}",
            "p.yaml:3:44: rules[0].max_minutes: expected a number greater than 0; got -3",
        ),
        (
            "{kind: break-rule, brek: lunch, min_minutes: 30}",
            "p.yaml:3:28: rules[0].brek: unknown field; expected one of break, min_minutes, blocked_windows, "
            "scheduling, paid, count, every_hours, earliest_after_hours, latest_after_hours, waiver, note "
            "(did you mean 'break'?)",
        ),
        (
            "{kind: break-rule, break: lunch, min_minutes: 30, "
            "blocked_windows: [{from: '10:00', to: '10:00'}]}",
            "p.yaml:3:77: rules[0].blocked_windows[0]: a window from 10:00 to 10:00 covers no time; from and "
            'to must differ (a window past midnight runs across it, from "22:00" to "02:00")',
        ),
    ],
)
def test_representative_messages(rule: str, message: str) -> None:
    err = failure(load_policy_text, f"id: p\ntitle: P\nrules: [{rule}]\n", "p.yaml")
    assert [str(p) for p in err.problems] == [message]


def test_alias_bomb_is_refused_before_anything_is_expanded(monkeypatch: pytest.MonkeyPatch) -> None:
    composed = [0]
    compose = PolicyLoader.compose_node

    def counted(self: PolicyLoader, parent: object, index: object) -> object:
        composed[0] += 1
        return compose(self, parent, index)

    monkeypatch.setattr(PolicyLoader, "compose_node", counted)
    failure(load_policy, BAD / "alias-bomb.yaml")
    # The nodes written in the file (about 130), not the ten billion they expand to.
    assert composed[0] < 200


def test_python_tag_never_constructs_anything(tmp_path: Path) -> None:
    marker = tmp_path / "constructed"
    text = f"id: p\ntitle: !!python/object/apply:pathlib.Path.touch [{str(marker)!r}]\nrules: []\n"
    failure(load_policy_text, text)
    assert not marker.exists()


# --------------------------------------------------------------------------- one policy


def test_schema_modeline_is_just_a_comment(tmp_path: Path) -> None:
    policy = load_policy(write(tmp_path / "a.yaml", "a"))
    assert policy.id == "a"


def test_load_policy_text_names_the_file_in_messages() -> None:
    err = failure(load_policy_text, "id: a\n", "drafts/a.yaml")
    assert [str(p) for p in err.problems] == [
        "drafts/a.yaml:1:1: missing required field 'rules'",
        "drafts/a.yaml:1:1: missing required field 'title'",
    ]


def test_load_policy_text_accepts_bytes() -> None:
    assert load_policy_text(POLICY.format(id="b").encode()).id == "b"


# --------------------------------------------------------------------------- libraries


def test_directory_loads_recursively_with_keys_and_rule_lines(tmp_path: Path) -> None:
    write(tmp_path / "lib" / "breaks" / "zeta.yaml", "zeta")
    write(tmp_path / "lib" / "alpha.yml", "alpha")
    write(tmp_path / "lib" / "calls" / "deep" / "mid.yaml", "mid")
    (tmp_path / "lib" / "README.md").write_text("not a policy", encoding="utf-8")
    write(tmp_path / "lib" / ".hidden" / "skip.yaml", "skip")
    library = load_library([tmp_path / "lib"])
    assert library.ids == ("alpha", "mid", "zeta")
    assert [p.key for p in library] == ["alpha", "calls/deep/mid", "breaks/zeta"]
    assert library.by_id("zeta").rule_lines == (5, 6)
    assert library.by_id("zeta").line == 2
    assert library.by_key("breaks/zeta").policy.id == "zeta"
    assert library.by_id("mid").file == str(tmp_path / "lib" / "calls" / "deep" / "mid.yaml")


def test_file_given_directly_is_keyed_by_its_stem(tmp_path: Path) -> None:
    path = write(tmp_path / "some" / "where" / "lunch-ban.yaml", "peak-lunch-ban")
    library = load_library([str(path)])
    assert [(p.key, p.id) for p in library] == [("lunch-ban", "peak-lunch-ban")]


def test_a_file_named_twice_loads_once(tmp_path: Path) -> None:
    path = write(tmp_path / "lib" / "a.yaml", "a")
    library = load_library([tmp_path / "lib", path])
    assert len(library) == 1


def test_result_is_sorted_by_id_whatever_the_order_given(tmp_path: Path) -> None:
    b = write(tmp_path / "1.yaml", "b")
    a = write(tmp_path / "2.yaml", "a")
    assert load_library([b, a]) == load_library([a, b])
    assert load_library([b, a]).ids == ("a", "b")


def test_duplicate_id_names_both_files_and_lines(tmp_path: Path) -> None:
    first = write(tmp_path / "a.yaml", "same")
    second = tmp_path / "b.yaml"
    second.write_text("# copy\n\nid: same\ntitle: Copy\nrules: [{kind: knowledge-base}]\n", encoding="utf-8")
    err = failure(load_library, [tmp_path])
    assert [str(p) for p in err.problems] == [
        f"{second}:3:5: id: policy id 'same' is already used in {first}:2; ids must be unique in a library"
    ]


def test_problems_of_every_file_are_collected(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("id: a\ntitle: A\nrules: [{kind: brake-rule}]\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("id: b\n\ttitle: B\n", encoding="utf-8")
    write(tmp_path / "c.yaml", "c")
    err = failure(load_library, [tmp_path, tmp_path / "missing.yaml"])
    assert [str(p) for p in err.problems] == [
        f"{tmp_path / 'a.yaml'}:3:16: rules[0].kind: unknown rule kind 'brake-rule' "
        "(did you mean 'break-rule'?)",
        f"{tmp_path / 'b.yaml'}:2:1: tab character used for indentation; YAML indents with spaces only",
        f"{tmp_path / 'missing.yaml'}:1:1: no such file or directory",
    ]


def test_empty_directory_is_a_problem(tmp_path: Path) -> None:
    err = failure(load_library, [tmp_path])
    assert [p.message for p in err.problems] == ["no policy files (*.yaml, *.yml) in this directory"]


def test_unknown_id_and_key_suggest_the_closest(tmp_path: Path) -> None:
    library = load_library([write(tmp_path / "lunch.yaml", "peak-lunch-ban")])
    with pytest.raises(UnknownPolicyError) as caught:
        library.by_id("peak-lunch-bam")
    assert (
        str(caught.value)
        == "no policy with id 'peak-lunch-bam' in the library (did you mean 'peak-lunch-ban'?)"
    )
    assert isinstance(caught.value, (KeyError, PolicyweighError))
    with pytest.raises(
        UnknownPolicyError, match="no policy file 'lunh' in the library \\(did you mean 'lunch'"
    ):
        library.by_key("lunh")


def test_bundled_policy_library_is_valid() -> None:
    library = load_library([ROOT / "policies"])
    assert len(library) >= 10
    assert all("/" in p.key for p in library)


def test_library_from_policies() -> None:
    library = library_from_policies(
        [
            make_policy({"kind": "knowledge-base"}, id="b"),
            make_policy({"kind": "knowledge-base"}, {"kind": "call-time-cap", "max_minutes": 5}, id="a"),
        ]
    )
    assert isinstance(library, Library)
    assert library.ids == ("a", "b")
    assert library.by_id("a").rule_lines == (1, 1)
    assert library.models[0].id == "a"


def test_library_from_policies_refuses_duplicate_ids() -> None:
    same = make_policy({"kind": "knowledge-base"}, id="x")
    err = failure(library_from_policies, [same, same])
    assert [p.message for p in err.problems] == ["policy id 'x' is used by two policies"]


# --------------------------------------------------------------------------- hostile input


POLICYISH = st.lists(
    st.sampled_from(
        [
            "id: ",
            "title: ",
            "rules:",
            "\n",
            "  - ",
            "kind: ",
            "break-rule",
            "call-time-cap",
            "max_minutes: ",
            "5",
            "-3",
            "'5'",
            "10:00",
            "yes",
            "[",
            "]",
            "{",
            "}",
            ", ",
            "break: ",
            "lunch",
            "from: ",
            "to: ",
            "weights: ",
            "sales: ",
            "100",
            "&a ",
            "*a",
            "!!python/object:os.system ",
            "\t",
            "---\n",
            "~",
            "x",
            "scope:\n  ",
            "shift_starts: ",
            "blocked_windows: ",
            "min_minutes: 30",
            "\xff",
            "é",
        ]
    ),
    max_size=40,
).map("".join)


@settings(max_examples=500, deadline=None)
@given(POLICYISH)
def test_random_policyish_documents_raise_only_input_errors(text: str) -> None:
    try:
        load_policy_text(text, "p.yaml")
    except InputError as err:
        assert err.problems
        for problem in err.problems:
            assert problem.file == "p.yaml" and problem.line >= 1 and problem.column >= 1
            assert "Input should" not in problem.message  # pydantic's wording never leaks through


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_random_bytes_raise_only_input_errors(raw: bytes) -> None:
    try:
        load_policy_text(raw, "p.yaml")
    except InputError as err:
        assert err.problems
