"""`diff`: policies added, removed and changed between two libraries or a git revision and the tree."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from policyweigh.cli import main
from policyweigh.diff import (
    ContributionChange,
    PolicyChange,
    PolicyDiff,
    ScoreChange,
    contribution_changes,
    diff_runs,
)
from policyweigh.orchestration import evaluate
from policyweigh.render.diff import render_markdown, render_text
from policyweigh.results import Conflict, Contribution
from policyweigh.rulebook import Rulebook, load_rulebook
from tests.golden.report.build import EXPECTED, GOLDENS, NEW, OLD, golden_diff
from tests.helpers import SETTINGS, make_policy, with_conflicts

UPDATE = os.environ.get("POLICYWEIGH_UPDATE_GOLDENS") == "1"
RULEBOOK = str(NEW.parent / "rulebook")

CAP = {"kind": "call-time-cap", "max_minutes": 5, "enforcement": "bonus-gate"}
BREAKS = {
    "kind": "break-rule",
    "break": "lunch",
    "min_minutes": 30,
    "blocked_windows": [{"from": "10:00", "to": "12:00"}],
}
TRAINING = {"kind": "training", "topics": ["communication"]}


@pytest.fixture(scope="module")
def book() -> Rulebook:
    return load_rulebook(RULEBOOK)


@pytest.mark.parametrize("name", ["diff.txt", "diff.md", "diff.json"])
def test_diff_matches_its_golden_file(name: str) -> None:
    text = GOLDENS[name]()
    path = EXPECTED / name
    if UPDATE:
        path.write_text(text, encoding="utf-8", newline="\n")
    assert text == path.read_text(encoding="utf-8"), (
        f"{path} differs; regenerate with `python tests/golden/report/update.py` and review the diff"
    )


def test_added_removed_changed_and_unchanged_policies(book: Rulebook) -> None:
    old = evaluate(
        [make_policy(CAP, id="cap"), make_policy(BREAKS, id="gone"), make_policy(TRAINING, id="same")],
        rulebook=book,
        conflicts=False,
        settings=SETTINGS,
    )
    new = evaluate(
        [
            make_policy({**CAP, "enforcement": "guideline"}, id="cap"),
            make_policy(TRAINING, id="same"),
            make_policy(BREAKS, id="fresh"),
        ],
        rulebook=book,
        conflicts=False,
        settings=SETTINGS,
    )
    diff = diff_runs(old, new)
    assert [p.id for p in diff.added] == ["fresh"]
    assert [p.id for p in diff.removed] == ["gone"]
    assert diff.unchanged == ["same"]
    (cap,) = diff.changed
    assert (cap.id, cap.old_verdict, cap.new_verdict) == ("cap", "lose-lose", "neutral")
    assert (cap.employee.old, cap.employee.new, cap.employee.change) == (-67, 0, 67)
    assert cap.customer.change == 79
    # The cap no longer costs pay: its rule and the whole derived chain vanish, each at its dose
    # (a 5-minute cap is 0.83 of the usual handle time: x1.5).
    assert sorted((c.change, c.rule, c.criterion, round(c.old_delta or 0, 2)) for c in cap.contributions) == [
        ("vanished", "CTC002", "employee.autonomy", -3.0),
        ("vanished", "CTC002", "employee.wellbeing", -4.5),
        ("vanished", "DRV001", "customer.resolution", -4.5),
        ("vanished", "DRV002", "customer.speed", -1.5),
        ("vanished", "DRV003", "customer.resolution", -1.5),
    ]
    assert diff.has_changes


def test_identical_libraries_have_no_changes(book: Rulebook) -> None:
    policies = [make_policy(CAP, id="cap"), make_policy(TRAINING, id="same")]
    diff = diff_runs(
        evaluate(policies, rulebook=book, settings=SETTINGS),
        evaluate(list(reversed(policies)), rulebook=book, settings=SETTINGS),
    )
    assert diff == PolicyDiff(unchanged=["cap", "same"])
    assert not diff.has_changes
    assert render_text(diff).endswith(
        "0 added, 0 removed, 0 changed, 2 unchanged; conflicts: 0 added, 0 removed\n\nno changes\n"
    )


def test_an_edit_without_effect_is_reported_as_such(book: Rulebook) -> None:
    old = evaluate([make_policy(CAP, id="cap")], rulebook=book, settings=SETTINGS)
    new = evaluate(
        [make_policy({**CAP, "note": "Reviewed in May."}, id="cap")], rulebook=book, settings=SETTINGS
    )
    (change,) = diff_runs(old, new).changed
    assert change.edited and not change.effect
    assert "edited, with no effect on scores, verdict, contributions or conflicts" in render_text(
        diff_runs(old, new)
    )


def _contribution(rule: str, delta: float, reason: str, index: int = 0) -> Contribution:
    return Contribution(
        rule=rule,
        name=f"x.{rule.lower()}",
        criterion="employee.wellbeing",
        delta=delta,
        reason=reason,
        evidence=[],
        facts={"rule_index": index},
    )


def test_contributions_appear_vanish_and_change() -> None:
    old = [
        _contribution("AAA001", -2, "was"),
        _contribution("BBB001", 1, "same"),
        _contribution("CCC001", 3, "x"),
    ]
    new = [
        _contribution("AAA001", -3, "now"),
        _contribution("BBB001", 1, "same"),
        _contribution("DDD001", 1, "y"),
        _contribution("BBB001", 1, "second firing", index=1),
    ]
    changes = contribution_changes(old, new)
    assert [(c.change, c.rule, c.old_delta, c.new_delta, c.target) for c in changes] == [
        ("changed", "AAA001", -2, -3, "rules[0]"),
        ("appeared", "BBB001", None, 1, "rules[1]"),
        ("vanished", "CCC001", 3, None, "rules[0]"),
        ("appeared", "DDD001", None, 1, "rules[0]"),
    ]


def test_a_dose_change_shows_fractional_points() -> None:
    # A contribution's points are the rule's points times its dose: a float, shown to two decimals.
    changes = contribution_changes(
        [_contribution("AAA001", -2.5, "same")], [_contribution("AAA001", -3.7125, "same")]
    )
    assert [(c.change, c.old_delta, c.new_delta) for c in changes] == [("changed", -2.5, -3.7125)]
    text = render_text(PolicyDiff(changed=[_change(changes)]))
    assert "    ~ AAA001 x.aaa001 employee.wellbeing -2.5 -> -3.71 (rules[0], changed)\n" in text
    markdown = render_markdown(PolicyDiff(changed=[_change(changes)]))
    assert (
        "- Contribution changed: `AAA001` x.aaa001 `employee.wellbeing` -2.5 → -3.71 (`rules[0]`)" in markdown
    )


def _change(contributions: list[ContributionChange]) -> PolicyChange:
    score = ScoreChange(old=-20, new=-27, change=-7)
    return PolicyChange(
        id="p",
        title="P",
        old_verdict="employee-loss",
        new_verdict="employee-loss",
        employee=score,
        customer=ScoreChange(old=0, new=0, change=0),
        edited=True,
        contributions=contributions,
    )


def _conflict(code: str, *policies: str, severity: str = "warning") -> Conflict:
    return Conflict(
        code=code,
        kind="contradiction",
        severity=severity,
        policies=list(policies),
        rules=[f"{p}/rules[0]" for p in policies],
        explanation=f"{code} between {', '.join(policies)}",
    )


def test_conflicts_added_and_removed(book: Rulebook) -> None:
    policies = [make_policy(CAP, id="a"), make_policy(TRAINING, id="b")]
    old = evaluate(policies, rulebook=book, conflicts=False, settings=SETTINGS)
    new = evaluate(policies, rulebook=book, conflicts=False, settings=SETTINGS)
    old = with_conflicts(old, [_conflict("CON001", "a", "b"), _conflict("CON002", "a")])
    new = with_conflicts(new, [_conflict("CON001", "a", "b"), _conflict("CON003", "b", severity="error")])
    diff = diff_runs(old, new)
    assert [c.code for c in diff.conflicts_added] == ["CON003"]
    assert [c.code for c in diff.conflicts_removed] == ["CON002"]
    by_id = {c.id: c for c in diff.changed}
    assert [c.code for c in by_id["a"].conflicts_removed] == ["CON002"] and not by_id["a"].conflicts_added
    assert [c.code for c in by_id["b"].conflicts_added] == ["CON003"] and not by_id["b"].conflicts_removed
    assert "    + conflict error CON003 contradiction: CON003 between b" in render_text(diff).splitlines()


def test_json_is_the_model() -> None:
    diff = golden_diff()
    assert PolicyDiff.model_validate(json.loads(GOLDENS["diff.json"]())) == diff


# The command ---------------------------------------------------------------------------------------


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_diff_of_two_folders(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "diff", str(OLD), str(NEW), "--rulebook", RULEBOOK, "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert [p["id"] for p in data["added"]] == ["hostile-text"]
    assert [p["id"] for p in data["removed"]] == ["retired-rota"]
    assert [p["id"] for p in data["changed"]] == ["aht-cap", "lunch-ban", "training"]


def test_diff_of_two_files(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(
        capsys, "diff", str(OLD / "training.yaml"), str(NEW / "training.yaml"), "--rulebook", RULEBOOK
    )
    assert code == 0, err
    assert "~ training: Communication training for every agent\n" in out
    assert "    verdict: neutral -> win-win\n" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["diff", "only-one"],
            "Error: diff needs OLD and NEW (two files or two folders), or --git REF [PATH]",
        ),
        (["diff", "--git", "HEAD", "a", "b"], "Error: diff --git REF takes at most one PATH"),
    ],
)
def test_diff_usage_errors(capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    code, _, err = run_cli(capsys, *args)
    assert code == 2
    assert err.rstrip("\n").endswith(message)


def test_diff_of_a_missing_folder_is_located(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run_cli(capsys, "diff", str(tmp_path / "nope"), str(NEW), "--rulebook", RULEBOOK)
    assert code == 2
    assert err == f"{tmp_path / 'nope'}:1:1: no such file or directory\n"


# Against a git revision ----------------------------------------------------------------------------

GIT = shutil.which("git")
needs_git = pytest.mark.skipif(GIT is None, reason="git is not installed")


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        [
            "git",
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.invalid",
            "-c",
            "commit.gpgsign=false",
            *args,
        ],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository whose first commit holds the old golden policies; the work tree holds the new ones."""
    root = tmp_path / "repo"
    shutil.copytree(OLD, root / "policies")
    shutil.copytree(Path(RULEBOOK), root / "rulebook")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    _git(root, "init", "-q")
    _git(root, "add", ".")
    _git(root, "commit", "-q", "-m", "old policies")
    shutil.rmtree(root / "policies")
    shutil.copytree(NEW, root / "policies")
    monkeypatch.chdir(root)
    return root


@needs_git
def test_diff_against_a_git_revision(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = _tree(repo)
    code, out, err = run_cli(capsys, "diff", "--git", "HEAD", "--rulebook", "rulebook")
    assert code == 0, err
    assert out.startswith("diff HEAD:policies -> policies\n1 added, 1 removed, 3 changed, 0 unchanged; ")
    # The same policy and contribution changes as between the two golden folders. (Conflicts come
    # from the conflict finder here and are written by hand in the golden file, so they are left out.)
    golden = GOLDENS["diff.txt"]().splitlines()[2:]
    assert [line for line in out.splitlines()[2:] if "conflict" not in line] == [
        line for line in golden if "conflict" not in line
    ]
    # Nothing in the repository changed: the revision was read, not checked out. (Compared by
    # content: `git status` can miss a same-size edit whose copied mtime matches the index.)
    assert _tree(repo) == before


def _tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` outside .git, with its bytes."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


@needs_git
def test_diff_against_a_git_revision_from_a_subfolder(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo / "policies")
    code, out, err = run_cli(
        capsys, "diff", "--git", "HEAD", "training.yaml", "--rulebook", "../rulebook", "--format", "markdown"
    )
    assert code == 0, err
    assert out.startswith("## Policy changes: `HEAD:policies/training.yaml` → `training.yaml`\n")
    assert "| `training` Communication training for every agent | changed | neutral → win-win |" in out


@needs_git
def test_a_folder_new_since_the_revision_is_all_added(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(NEW, repo / "drafts")
    code, out, err = run_cli(
        capsys, "diff", "--git", "HEAD", "drafts", "--rulebook", "rulebook", "--format", "json"
    )
    assert code == 0, err
    data = json.loads(out)
    assert [p["id"] for p in data["added"]] == ["aht-cap", "hostile-text", "lunch-ban", "training"]
    assert data["removed"] == data["changed"] == []


@needs_git
def test_a_bad_policy_at_the_revision_is_located_there(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "policies" / "broken.yaml").write_text("id: broken\ntitle: Broken\nrules: []\n", encoding="utf-8")
    _git(repo, "add", "policies/broken.yaml")
    _git(repo, "commit", "-q", "-m", "broken")
    code, out, err = run_cli(capsys, "diff", "--git", "HEAD", "--rulebook", "rulebook")
    assert code == 2
    assert out == ""
    assert err.startswith("HEAD:policies/broken.yaml:3:")
    assert "Traceback" not in err


@needs_git
def test_an_unknown_revision_is_an_input_error(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "diff", "--git", "no-such-branch", "--rulebook", "rulebook")
    assert (code, out, err) == (2, "", "error: unknown git revision 'no-such-branch'\n")
    code, out, err = run_cli(capsys, "diff", "--git", "--output=x", "--rulebook", "rulebook")
    assert (code, err) == (2, "error: unknown git revision '--output=x'\n")


@needs_git
def test_outside_a_git_repository(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "plain"
    shutil.copytree(NEW, folder / "policies")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    monkeypatch.chdir(folder)
    code, out, err = run_cli(capsys, "diff", "--git", "HEAD", "--rulebook", RULEBOOK)
    assert code == 2
    assert (
        err
        == "error: policies is not in a git repository; diff --git compares a revision with the working tree\n"
    )


def test_text_output_shows_control_characters_instead_of_obeying_them(book: Rulebook) -> None:
    old = evaluate([], rulebook=book, settings=SETTINGS)
    # The loader refuses such a title; the renderer must still be safe for one made in code.
    hostile = make_policy(TRAINING, id="t").model_copy(update={"title": "Clear \x1b[2J screen"})
    new = evaluate([hostile], rulebook=book, settings=SETTINGS)
    text = render_text(diff_runs(old, new))
    assert "\x1b" not in text
    assert "    Clear \\x1b[2J screen\n" in text


@needs_git
def test_a_folder_deleted_from_the_work_tree_is_all_removed(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.rmtree(repo / "policies")
    code, out, err = run_cli(
        capsys, "diff", "--git", "HEAD", "policies", "--rulebook", "rulebook", "--format", "json"
    )
    assert code == 0, err
    data = json.loads(out)
    at_head = sorted(p.stem for p in OLD.glob("*.yaml"))
    assert sorted(p["id"] for p in data["removed"]) == at_head
    assert data["added"] == data["changed"] == []


@needs_git
def test_a_path_at_neither_side_is_an_input_error(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "diff", "--git", "HEAD", "nowhere", "--rulebook", "rulebook")
    assert (code, out) == (2, "")
    assert err == "error: nowhere exists neither in the working tree nor at revision HEAD\n"


@needs_git
def test_diff_git_reads_the_repository_that_holds_the_path(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Run from another repository: the revision is looked up where PATH lives, not here.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    _git(elsewhere, "init", "-q")
    monkeypatch.chdir(elsewhere)
    code, out, err = run_cli(
        capsys, "diff", "--git", "HEAD", str(repo / "policies"), "--rulebook", str(repo / "rulebook")
    )
    assert code == 0, err
    assert out.startswith(f"diff HEAD:policies -> {repo / 'policies'}\n1 added, 1 removed, 3 changed, ")
    # The same from a folder that is in no repository at all.
    monkeypatch.chdir(tmp_path)
    code, again, err = run_cli(
        capsys, "diff", "--git", "HEAD", str(repo / "policies"), "--rulebook", str(repo / "rulebook")
    )
    assert (code, again) == (0, out), err


@needs_git
def test_diff_git_of_a_deleted_folder_in_another_repository(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.rmtree(repo / "policies")
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(
        capsys, "diff", "--git", "HEAD", str(repo / "policies"), "--rulebook", str(repo / "rulebook")
    )
    assert code == 0, err
    assert f"0 added, {len(list(OLD.glob('*.yaml')))} removed, 0 changed" in out
