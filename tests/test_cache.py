"""The compiled-rulebook cache: a hit is the same rulebook, any change misses, a bad file is ignored."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from policyweigh import cache, rulebook
from policyweigh.cli import main
from policyweigh.errors import InputError
from policyweigh.rulebook import DATA_DIR, Rulebook, load_rulebook
from tests.helpers import DATA, ROOT

MINI = DATA / "rulebooks" / "mini"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache folder of this test's own, the cache switched on."""
    where = tmp_path / "cache"
    monkeypatch.setenv(cache.CACHE_DIR_ENV, str(where))
    monkeypatch.delenv(cache.NO_CACHE_ENV, raising=False)
    return where


@pytest.fixture
def book_dir(tmp_path: Path) -> Path:
    """A copy of the small test rulebook that a test may change."""
    target = tmp_path / "book"
    shutil.copytree(MINI, target)
    return target


def _files(where: Path) -> list[Path]:
    return sorted(where.glob("rulebook-*.pickle")) if where.is_dir() else []


def _count_reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Record every rulebook read from YAML (a miss of the cache)."""
    calls: list[Path] = []
    real = rulebook._load_rulebook

    def counting(root: Path) -> Rulebook:
        calls.append(root)
        return real(root)

    monkeypatch.setattr(rulebook, "_load_rulebook", counting)
    return calls


def test_a_hit_is_the_same_rulebook(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reads = _count_reads(monkeypatch)
    first = load_rulebook()
    assert len(_files(folder)) == 1 and len(reads) == 1
    second = load_rulebook()
    assert len(reads) == 1, "the second load must come from the cache"
    assert second is not first
    assert second == first
    assert second.fingerprint == first.fingerprint
    assert second.rules_fingerprint == first.rules_fingerprint
    assert second.locations == first.locations
    assert second.guardrails_file == first.guardrails_file
    assert dict(second.guardrails) == dict(first.guardrails)
    assert type(second.guardrails) is type(first.guardrails)


def _evaluate_json(capsys: pytest.CaptureFixture[str]) -> str:
    code = main(["evaluate", "policies/", "--format", "json"])
    assert code in (0, 1)
    return capsys.readouterr().out


def test_a_hit_evaluates_to_the_same_bytes(
    folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(rulebook, "_BUNDLED", None)
    reads = _count_reads(monkeypatch)
    cold = _evaluate_json(capsys)
    monkeypatch.setattr(rulebook, "_BUNDLED", None)
    warm = _evaluate_json(capsys)
    assert len(reads) == 1
    assert warm == cold
    assert json.loads(warm)["policies"]


def test_a_change_to_any_file_misses(folder: Path, book_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reads = _count_reads(monkeypatch)
    load_rulebook(book_dir)
    for file in sorted(p for p in book_dir.rglob("*.yaml")):
        before = len(reads)
        file.write_text(file.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
        load_rulebook(book_dir)
        assert len(reads) == before + 1, f"a change to {file.name} must be read again"
        load_rulebook(book_dir)
        assert len(reads) == before + 1, "and the new content is cached in turn"


def test_a_new_or_removed_file_misses(folder: Path, book_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reads = _count_reads(monkeypatch)
    first = load_rulebook(book_dir)
    impact = sorted((book_dir / "impact").glob("*.yaml"))
    extra = book_dir / "impact" / "zz-empty-copy.yaml"
    shutil.copy(impact[0], extra)
    with pytest.raises(InputError):  # the same codes twice: refused, and so never cached
        load_rulebook(book_dir)
    extra.unlink()
    assert load_rulebook(book_dir) == first
    assert len(reads) == 2, "the refused rulebook was read; the original one is still cached"


def test_a_changed_value_is_read_again(folder: Path, book_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    criteria = book_dir / "criteria.yaml"
    before = load_rulebook(book_dir)
    text = criteria.read_text(encoding="utf-8")
    assert "weight: 1.5," in text
    criteria.write_text(text.replace("weight: 1.5,", "weight: 3.5,", 1), encoding="utf-8")
    after = load_rulebook(book_dir)
    assert after.fingerprint != before.fingerprint
    assert 3.5 in {c.weight for c in after.criteria}


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: b"",
        lambda raw: raw[: len(raw) // 2],
        lambda raw: raw[:-10] + bytes(10),
        lambda raw: b"garbage\n" + raw,
        lambda raw: raw.split(b"\n", 1)[0] + b"\n" + b"cos\nsystem\n(S'echo owned'\ntR.",
    ],
    ids=["empty", "truncated", "zeroed-tail", "bad-header", "foreign-payload"],
)
def test_a_corrupt_file_is_ignored_and_replaced(
    folder: Path, monkeypatch: pytest.MonkeyPatch, damage: Callable[[bytes], bytes]
) -> None:
    reads = _count_reads(monkeypatch)
    good = load_rulebook(MINI)
    (file,) = _files(folder)
    file.write_bytes(damage(file.read_bytes()))
    again = load_rulebook(MINI)
    assert again == good and len(reads) == 2
    assert load_rulebook(MINI) == good and len(reads) == 2, "the damaged file was replaced"


def test_another_version_key_is_not_used(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reads = _count_reads(monkeypatch)
    load_rulebook(MINI)
    (file,) = _files(folder)
    monkeypatch.setattr(cache, "code_key", lambda: "another version of the code")
    load_rulebook(MINI)
    assert len(reads) == 2
    assert len(_files(folder)) == 2
    # A file stored under one key and renamed to another's name is refused by its header.
    (newer,) = [f for f in _files(folder) if f != file]
    newer.unlink()
    file.rename(newer)
    load_rulebook(MINI)
    assert len(reads) == 3


def test_the_key_covers_versions_and_code(monkeypatch: pytest.MonkeyPatch) -> None:
    cache.code_key.cache_clear()
    try:
        base = cache.key("rulebook", [b"x"])
        monkeypatch.setattr(cache, "__version__", "99.0.0")
        cache.code_key.cache_clear()
        assert cache.key("rulebook", [b"x"]) != base
        assert cache.key("rulebook", [b"y"]) != cache.key("rulebook", [b"x"])
        assert cache.key("other", [b"x"]) != cache.key("rulebook", [b"x"])
    finally:
        monkeypatch.undo()
        cache.code_key.cache_clear()


@pytest.mark.parametrize("value", ["1", "yes", "true"])
def test_disabling_neither_reads_nor_writes(
    folder: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    reads = _count_reads(monkeypatch)
    load_rulebook(MINI)
    monkeypatch.setenv(cache.NO_CACHE_ENV, value)
    load_rulebook(MINI)
    assert len(reads) == 2
    shutil.rmtree(folder)
    load_rulebook(MINI)
    assert not folder.exists()


def test_the_folder_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(cache.NO_CACHE_ENV, raising=False)
    monkeypatch.setenv(cache.CACHE_DIR_ENV, str(tmp_path / "named"))
    assert cache.cache_dir() == tmp_path / "named"
    monkeypatch.delenv(cache.CACHE_DIR_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_dir() == tmp_path / "xdg" / "policyweigh"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.cache_dir() == tmp_path / "home" / ".cache" / "policyweigh"
    monkeypatch.setenv(cache.NO_CACHE_ENV, "0")
    assert cache.cache_dir() is not None
    monkeypatch.setenv(cache.NO_CACHE_ENV, "1")
    assert cache.cache_dir() is None


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() == 0, reason="root writes anywhere")
def test_a_read_only_folder_is_no_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    home.mkdir()
    home.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        monkeypatch.setenv(cache.CACHE_DIR_ENV, str(home / "cache"))
        monkeypatch.delenv(cache.NO_CACHE_ENV, raising=False)
        assert load_rulebook(MINI) == load_rulebook(MINI)
        assert not (home / "cache").exists()
    finally:
        home.chmod(stat.S_IRWXU)


def test_an_unusable_folder_is_no_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A file where the folder should be: it can be neither created nor read.
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv(cache.CACHE_DIR_ENV, str(blocker / "cache"))
    monkeypatch.delenv(cache.NO_CACHE_ENV, raising=False)
    assert load_rulebook(MINI) == load_rulebook(MINI)
    assert blocker.read_text(encoding="utf-8") == "x"


def test_a_file_others_may_write_is_not_trusted(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reads = _count_reads(monkeypatch)
    load_rulebook(MINI)
    (file,) = _files(folder)
    file.chmod(0o666)
    load_rulebook(MINI)
    assert len(reads) == 2


def test_a_failed_write_leaves_no_temporary_file(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cache.os, "replace", refuse)
    assert load_rulebook(MINI) is not None
    assert list(folder.iterdir()) == []


def test_old_files_are_pruned(folder: Path) -> None:
    keys = [hashlib.sha256(str(number).encode()).hexdigest() for number in range(cache.KEEP + 5)]
    for number, full_key in enumerate(keys):
        cache.store("rulebook", full_key, number)
    assert len(_files(folder)) == cache.KEEP


def test_an_invalid_rulebook_is_never_cached(folder: Path, book_dir: Path) -> None:
    (book_dir / "criteria.yaml").write_text("criteria: [\n", encoding="utf-8")
    with pytest.raises(InputError):
        load_rulebook(book_dir)
    assert _files(folder) == []


def test_the_command_line_works_with_a_cache_it_cannot_use(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    env = {**os.environ, cache.CACHE_DIR_ENV: str(blocker / "cache")}
    env.pop(cache.NO_CACHE_ENV, None)
    done = subprocess.run(
        [sys.executable, "-m", "policyweigh", "check", "policies/"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert done.stderr == ""
    assert "Checked 48 policies" in done.stdout


def test_the_bundled_rulebook_key_reads_no_more_than_the_loader() -> None:
    key = rulebook._cache_key(DATA_DIR)
    assert key is not None and len(key) == 64
    assert rulebook._cache_key(DATA_DIR) == key


def test_stdout_is_untouched_by_the_cache(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    load_rulebook(MINI)
    load_rulebook(MINI)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_a_read_only_file_system_is_no_error(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # What a read-only home gives every writer, root included.
    def read_only(*args: object, **kwargs: object) -> None:
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(cache.tempfile, "mkstemp", read_only)
    reads = _count_reads(monkeypatch)
    assert load_rulebook(MINI) == load_rulebook(MINI)
    assert len(reads) == 2
    assert _files(folder) == []


def test_the_hotpath_corpus_is_byte_identical_from_a_cache_hit(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = importlib.util.spec_from_file_location("corpus_build", ROOT / "tests/golden/corpus/build.py")
    assert spec is not None and spec.loader is not None
    corpus = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(corpus)
    monkeypatch.chdir(ROOT)
    load_rulebook()  # fills the cache
    reads = _count_reads(monkeypatch)
    for name in sorted(corpus.COMMANDS):
        monkeypatch.setattr(rulebook, "_BUNDLED", None)
        code, out = corpus.run(corpus.COMMANDS[name])
        assert code in (0, 1)
        assert out == corpus.expected(name), name
    assert reads == [], "every run read the rulebook from the cache"
