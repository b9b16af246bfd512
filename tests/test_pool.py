"""Batches of files loaded and scored by worker processes: the same bytes, errors and exits as one process.

The work is bounded by counts (a few hundred files, a pool of two or three), never by time.
"""

from __future__ import annotations

import importlib.util
import io
import os
import signal
import subprocess
import sys
import time
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from types import ModuleType

import pytest

from policyweigh import pool
from policyweigh.cli import EXIT_INPUT, EXIT_INTERNAL, main
from policyweigh.cli.options import POOL_FILES
from policyweigh.conflicts import detect_conflicts
from policyweigh.evaluation import score_policies
from policyweigh.orchestration import rescorer
from policyweigh.pool import POOL_MIN_FILES, PoolStopped, load_batch, worker_count
from policyweigh.project import open_project, open_settings
from policyweigh.remedies import RemedyBudget
from tests import processes
from tests.helpers import ROOT

POLICIES = ROOT / "policies"
SAFETY_NET = 120  # seconds; only against a hang, never asserted on


def _benchmark() -> ModuleType:
    spec = importlib.util.spec_from_file_location("pool_benchmark", ROOT / "benchmarks" / "pool.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def make_batch(folder: Path, files: int) -> Path:
    """``files`` policy files under ``folder`` (``benchmarks/pool.py``'s batch: a department per copy)."""
    made: Path = _BENCHMARK.make_batch(folder, files)
    return made


_BENCHMARK = _benchmark()


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """240 files: five departments' copies of the bundled library."""
    return make_batch(tmp_path_factory.mktemp("batch") / "lib", 240)


def _run(*args: str) -> tuple[int, bytes, bytes]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue().encode(), err.getvalue().encode()


# --------------------------------------------------------------------------- same bytes


@pytest.mark.parametrize(
    "command",
    [["evaluate", "--format", "json"], ["check", "--format", "json"], ["report", "--format", "markdown"]],
    ids=["evaluate", "check", "report"],
)
def test_the_same_bytes_whatever_the_number_of_workers(batch: Path, command: list[str]) -> None:
    outputs = {jobs: _run(command[0], str(batch), *command[1:], "--jobs", jobs) for jobs in ("1", "2", "3")}
    code, out, err = outputs["1"]
    assert code in (0, 1)
    assert len(out) > 10_000
    assert outputs["2"] == outputs["1"]
    assert outputs["3"] == outputs["1"]


def test_the_pool_really_loads_and_scores_in_workers(batch: Path) -> None:
    setup = open_settings(config=ROOT / "policyweigh.toml")
    pooled = load_batch([batch], settings=setup.settings, rulebook=setup.rulebook, jobs=3)
    alone = load_batch([batch], settings=setup.settings, rulebook=setup.rulebook, jobs=1)
    assert (pooled.workers, alone.workers) == (3, 1)
    assert pooled.library == alone.library
    assert alone.scored is None and pooled.scored is not None
    scored = score_policies(
        alone.library.models, rulebook=setup.rulebook, settings=setup.settings, files=pooled.scored.files
    )
    assert pooled.scored.evaluation == scored.evaluation
    assert pooled.scored.traces == scored.traces


def test_workers_started_by_spawn_load_the_rulebook_from_its_folder(batch: Path) -> None:
    setup = open_settings(config=ROOT / "policyweigh.toml")
    forked = load_batch([batch], settings=setup.settings, rulebook=setup.rulebook, jobs=2)
    spawned = load_batch(
        [batch], settings=setup.settings, rulebook=setup.rulebook, jobs=2, start_method="spawn"
    )
    assert spawned.workers == 2 and spawned.scored is not None and forked.scored is not None
    assert spawned.library == forked.library
    assert spawned.scored.evaluation == forked.scored.evaluation


# --------------------------------------------------------------------------- errors


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """96 good files, and broken ones spread over the chunks: every kind of problem a file can have."""
    folder = make_batch(tmp_path_factory.mktemp("broken") / "lib", 96)
    files = sorted(folder.rglob("*.yaml"))
    files[0].write_text("id: [unclosed\n", encoding="utf-8")
    files[10].write_text(files[10].read_text(encoding="utf-8") + "colour: red\n", encoding="utf-8")
    files[40].write_text("# only a comment\n", encoding="utf-8")
    files[95].write_text(files[3].read_text(encoding="utf-8"), encoding="utf-8")  # a duplicate id
    text = files[70].read_text(encoding="utf-8").replace("status:", "status: nonsense\nstatus_was:", 1)
    files[70].write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize("fmt", ["text", "json"])
@pytest.mark.parametrize("command", ["evaluate", "check"])
def test_errors_are_the_same_with_the_pool(broken: Path, command: str, fmt: str) -> None:
    args = [command, str(broken), "--format", fmt]
    alone = _run(*args, "--jobs", "1")
    pooled = _run(*args, "--jobs", "2")
    assert alone[0] == EXIT_INPUT
    problems = (alone[1] + alone[2]).decode()
    assert problems.count(str(broken)) >= 5, problems
    assert pooled == alone


def _die(targets: list[object]) -> bytes:
    """A worker's task that ends its process, as the kernel's out-of-memory killer would."""
    os.kill(os.getpid(), signal.SIGKILL)
    return b""


def test_a_worker_that_dies_is_an_error_not_a_hang(batch: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pool, "_load_chunk", _die)
    setup = open_settings(config=ROOT / "policyweigh.toml")
    with pytest.raises(PoolStopped, match="a worker process stopped"):
        load_batch([batch], settings=setup.settings, rulebook=setup.rulebook, jobs=2)
    code, out, err = _run("evaluate", str(batch), "--jobs", "2")
    assert (code, out) == (EXIT_INTERNAL, b"")
    assert err.decode().startswith("internal error: PoolStopped: a worker process stopped")


def test_a_pool_that_cannot_start_loads_in_this_process(batch: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = _run("evaluate", str(batch), "--format", "json", "--jobs", "1")

    def no_semaphores(*args: object, **kwargs: object) -> None:
        raise OSError(2, "No such file or directory", "/dev/shm")

    monkeypatch.setattr(pool, "executor", no_semaphores)
    code, out, err = _run("evaluate", str(batch), "--format", "json", "--jobs", "2")
    assert (code, out) == expected[:2]
    assert err.decode().startswith(
        "note: cannot start worker processes ([Errno 2] No such file or directory: '/dev/shm'); "
        "loading the files in this process\n"
    )


def _cannot_score(*args: object, **kwargs: object) -> None:
    raise RuntimeError("scoring failed in a worker")


def test_a_chunk_that_cannot_be_scored_leaves_the_scoring_to_this_process(
    batch: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = _run("evaluate", str(batch), "--format", "json", "--jobs", "1")
    monkeypatch.setattr(pool, "score_policies", _cannot_score)  # the forked workers inherit it
    setup = open_settings(config=ROOT / "policyweigh.toml")
    loaded = load_batch([batch], settings=setup.settings, rulebook=setup.rulebook, jobs=2)
    assert loaded.workers == 2 and loaded.scored is None and len(loaded.library) == 240
    assert _run("evaluate", str(batch), "--format", "json", "--jobs", "2") == expected


# --------------------------------------------------------------------------- when a pool starts


def test_the_threshold() -> None:
    cores = pool.available_cores()
    assert worker_count(48, None) == 1  # the bundled library never pays a pool's start-up
    assert worker_count(POOL_MIN_FILES - 1, None) == 1
    assert worker_count(POOL_MIN_FILES, None) == min(cores, POOL_MIN_FILES // pool.FILES_PER_WORKER)
    assert worker_count(10_000, 1) == 1
    assert worker_count(48, 2) == 2  # asked for explicitly
    assert worker_count(20, 4) == 1  # too few files for a second worker
    assert worker_count(100, 64) == 100 // pool.FILES_PER_WORKER


def test_the_help_names_the_threshold() -> None:
    assert POOL_FILES == POOL_MIN_FILES


def test_a_small_library_starts_no_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_pool(*args: object, **kwargs: object) -> list[bytes]:
        raise AssertionError("a pool was started for a small library")

    monkeypatch.setattr(pool, "_run_pool", no_pool)
    project = open_project([POLICIES], config=ROOT / "policyweigh.toml", jobs=None)
    assert len(project.library) == 48 and project.scored is None
    code, out, err = _run("check", str(POLICIES), "--format", "json")
    assert code in (0, 1) and out


# --------------------------------------------------------------------------- Ctrl-C


@pytest.mark.skipif(
    not Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").exists(),
    reason="needs /proc/PID/task/PID/children (Linux)",
)
def test_ctrl_c_while_workers_load_ends_by_sigint_and_leaves_no_worker(tmp_path: Path) -> None:
    folder = make_batch(tmp_path / "lib", 1500)
    process = subprocess.Popen(
        [sys.executable, "-m", "policyweigh.cli", "evaluate", str(folder), "--jobs", "2"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    deadline = time.monotonic() + SAFETY_NET
    workers: list[int] = []
    while time.monotonic() < deadline and process.poll() is None:
        # The console script's supervisor, its command process, and the command's pool workers.
        workers = [w for command in processes.children(process.pid) for w in processes.children(command)]
        if len(workers) == 2 and all(processes.cpu_seconds(w) >= 0.3 for w in workers):
            break
        time.sleep(0.02)
    assert process.poll() is None and len(workers) == 2, "the pool never started working"
    os.killpg(process.pid, signal.SIGINT)  # a terminal sends Ctrl-C to every process of the job
    out, err = process.communicate(timeout=SAFETY_NET)
    assert (process.returncode, out, err) == (-signal.SIGINT, b"", b"interrupted\n")
    while time.monotonic() < deadline and not all(processes.gone(w) for w in workers):
        time.sleep(0.02)
    assert all(processes.gone(w) for w in workers)


# --------------------------------------------------------------------------- remedies


@pytest.mark.parametrize("limit", [None, 80], ids=["whole-budget", "budget-runs-out"])
def test_remedies_worked_out_by_workers_are_those_of_one_process(
    batch: Path, limit: int | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = open_project([batch], config=ROOT / "policyweigh.toml", jobs=2)
    assert project.workers == 2 and project.scored is not None
    run = project.scored
    listed = detect_conflicts(run, wanted=set(run.policies)).conflicts
    forks: list[int] = []
    real = pool._run_remedy_pool

    def counted(groups: list[list[int]]) -> list[bytes]:
        forks.append(len(groups))
        return real(groups)

    monkeypatch.setattr(pool, "_run_remedy_pool", counted)
    budgets = [RemedyBudget() if limit is None else RemedyBudget(limit=limit) for _ in range(2)]
    alone = pool.attach_remedies(run, listed, rescore=rescorer(run), budget=budgets[0], jobs=1)
    assert forks == []
    pooled = pool.attach_remedies(run, listed, rescore=rescorer(run), budget=budgets[1], jobs=2)
    assert forks == [2]
    assert pooled == alone
    assert budgets[1] == budgets[0]
    assert budgets[0].evaluations >= pool.MIN_TRIALS
    assert (budgets[0].skipped > 0) == (limit is not None)
