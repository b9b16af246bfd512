"""The CLI fails like a good Unix tool: full disks, closed pipes, Ctrl-C, files written whole, FIFOs.

Where a real pipe, signal, device or resource limit is needed the command runs
in a subprocess (``python -m policyweigh.cli``, the console script's entry), each
with a generous timeout as a safety net against a hang; the assertions are
about what the command did, never about how long it took.
"""

from __future__ import annotations

import os
import resource
import signal
import stat
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click
import pytest

import policyweigh.cli.interrupt
import policyweigh.orchestration
from policyweigh.cli import EXIT_INTERRUPTED, EXIT_PIPE, main
from policyweigh.cli.options import write_output
from policyweigh.errors import EvaluationError
from tests import processes
from tests.helpers import ROOT

POLICIES = ROOT / "policies"
SAFETY_NET = 120  # seconds; only against a hang, never asserted on

linux_proc = pytest.mark.skipif(
    not Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").exists(),
    reason="needs /proc/PID/task/PID/children (Linux)",
)
posix_signals = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals and pipes")


def cli(
    *args: str,
    stdout: Any = subprocess.PIPE,
    preexec: Callable[[], None] | None = None,
    cwd: Path = ROOT,
) -> subprocess.CompletedProcess[str]:
    """Run ``policyweigh ARGS`` as the console script does, in a subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "policyweigh.cli", *args],
        cwd=cwd,
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        timeout=SAFETY_NET,
        preexec_fn=preexec,
        check=False,
    )


def limit_file_size(size: int) -> Callable[[], None]:
    """A preexec function: files the child writes may grow to ``size`` bytes (then EFBIG)."""

    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    return apply


def large_library(folder: Path, copies: int) -> Path:
    """``copies`` copies of the bundled library under ``folder``, ids made unique."""
    for copy in range(copies):
        target = folder / f"copy{copy:02d}"
        target.mkdir(parents=True)
        for source in sorted(POLICIES.rglob("*.yaml")):
            text = source.read_text(encoding="utf-8")
            lines = [
                f"id: {line[4:].strip()}-c{copy:02d}" if line.startswith("id: ") else line
                for line in text.splitlines()
            ]
            (target / source.name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


# --------------------------------------------------------------------------- output that cannot be written


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
@pytest.mark.parametrize("fmt", ["text", "json"])  # rich's console, click.echo
def test_evaluate_to_a_full_disk_is_one_line_and_exit_2(fmt: str) -> None:
    # Regression: exited 3 "internal error" with the OSError.
    with open("/dev/full", "w", encoding="utf-8") as full:
        done = cli("evaluate", str(POLICIES), "--format", fmt, stdout=full)
    assert (done.returncode, done.stderr) == (2, "error: cannot write the output: No space left on device\n")


@posix_signals
def test_output_cut_short_by_a_file_size_limit_is_an_error_not_a_truncated_success(tmp_path: Path) -> None:
    # Python's buffered writer reports a short write of a large block as success and drops
    # the rest; the console script writes every byte or fails.
    out = tmp_path / "out.json"
    with out.open("w", encoding="utf-8") as stream:
        done = cli(
            "evaluate", str(POLICIES), "--format", "json", stdout=stream, preexec=limit_file_size(4096)
        )
    assert (done.returncode, done.stderr) == (2, "error: cannot write the output: File too large\n")
    assert out.stat().st_size == 4096


@posix_signals
@pytest.mark.parametrize(
    "args",
    [
        ["evaluate", str(POLICIES)],  # rich's console
        ["check", str(POLICIES), "--format", "json"],  # click.echo
        ["report", str(POLICIES)],  # write_output
    ],
    ids=["evaluate-text", "check-json", "report"],
)
def test_a_closed_pipe_ends_the_command_quietly_with_141(args: list[str]) -> None:
    # Regression: `policyweigh evaluate policies/ | head -1` exited 1.
    process = subprocess.Popen(
        [sys.executable, "-m", "policyweigh.cli", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    process.stdout.close()  # the reader is gone before the command writes anything
    _, err = process.communicate(timeout=SAFETY_NET)
    assert (process.returncode, err) == (EXIT_PIPE, b"")


@posix_signals
def test_a_pipe_read_in_part_still_gets_what_was_written(tmp_path: Path) -> None:
    shell = (
        f"{sys.executable} -m policyweigh.cli evaluate {POLICIES} | head -n 3; echo exit=${{PIPESTATUS[0]}}"
    )
    done = subprocess.run(
        ["bash", "-c", shell], cwd=ROOT, capture_output=True, text=True, timeout=SAFETY_NET, check=False
    )
    lines = done.stdout.splitlines()
    assert len(lines) == 4
    assert lines[-1] == "exit=141"
    assert done.stderr == ""


# --------------------------------------------------------------------------- files written with -o


@posix_signals
def test_report_that_fails_midway_keeps_the_existing_file_and_leaves_no_temporary_file(
    tmp_path: Path,
) -> None:
    target = tmp_path / "report.html"
    target.write_text("the report from last week\n", encoding="utf-8")
    done = cli("report", str(POLICIES), "-o", str(target), "--force", preexec=limit_file_size(4096))
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == f"Error: cannot write {target}: File too large\n"
    assert target.read_text(encoding="utf-8") == "the report from last week\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


def test_report_written_with_force_replaces_the_file_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "report.md"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o640)
    assert main(["report", str(POLICIES), "-o", str(target), "--format", "markdown", "--force"]) == 0
    _, err = capsys.readouterr()
    assert err.startswith(f"wrote {target} (")
    assert target.read_text(encoding="utf-8").startswith("# Policy evaluation")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # the file keeps its permissions
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.md"]


def test_a_new_file_gets_the_usual_permissions(tmp_path: Path) -> None:
    target = tmp_path / "schema.json"
    umask = os.umask(0o022)
    try:
        assert write_output("{}\n", target, force=False)
    finally:
        os.umask(umask)
    assert target.read_text(encoding="utf-8") == "{}\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_an_existing_file_is_never_replaced_without_force(tmp_path: Path) -> None:
    # The check before the work can be outrun by a file that appears meanwhile: the write
    # itself refuses too (the temporary file is linked to the name, which fails if it exists).
    target = tmp_path / "schema.json"
    target.write_text("mine\n", encoding="utf-8")
    with pytest.raises(click.ClickException, match="already exists; pass --force to overwrite it"):
        write_output("{}\n", target, force=False)
    assert target.read_text(encoding="utf-8") == "mine\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["schema.json"]


def test_a_symbolic_link_is_written_through_not_replaced(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    assert write_output("new\n", link, force=True)
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8") == "new\n"


def test_a_folder_that_cannot_be_made_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "nope").write_text("a file where the folder would go\n", encoding="utf-8")
    target = tmp_path / "nope" / "schema.json"
    assert main(["schema", "-o", str(target)]) == 2
    _, err = capsys.readouterr()
    assert err == f"Error: cannot write {target}: Not a directory\n"


def test_a_dangling_link_where_a_folder_would_go_is_not_taken_for_the_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "gone").symlink_to(tmp_path / "nowhere")
    target = tmp_path / "gone" / "schema.json"
    assert main(["schema", "-o", str(target)]) == 2
    _, err = capsys.readouterr()
    assert err == f"Error: cannot write {target}: {tmp_path / 'gone'} is not a folder\n"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_nobody_reads_is_refused_instead_of_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "out.json"
    os.mkfifo(fifo)
    done = cli("schema", "-o", str(fifo), "--force")
    assert (done.returncode, done.stderr) == (2, f"Error: cannot write {fifo}: no process is reading it\n")
    assert stat.S_ISFIFO(fifo.stat().st_mode)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_that_is_read_is_written_in_place(tmp_path: Path) -> None:
    fifo = tmp_path / "out.json"
    os.mkfifo(fifo)
    received: list[bytes] = []
    ready = threading.Event()

    def read() -> None:
        fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
        ready.set()
        os.set_blocking(fd, False)
        chunks = []
        deadline = time.monotonic() + SAFETY_NET
        while time.monotonic() < deadline:
            try:
                chunk = os.read(fd, 65536)
            except BlockingIOError:
                time.sleep(0.01)
                continue
            if not chunk:  # no writer yet, or the writer is done
                if chunks:
                    break
                time.sleep(0.01)
                continue
            chunks.append(chunk)
        os.close(fd)
        received.append(b"".join(chunks))

    reader = threading.Thread(target=read)
    reader.start()
    ready.wait(SAFETY_NET)
    done = cli("schema", "-o", str(fifo), "--force")
    reader.join(SAFETY_NET)
    assert done.returncode == 0, done.stderr
    assert received and received[0].startswith(b"{\n")
    assert stat.S_ISFIFO(fifo.stat().st_mode)  # written into, not replaced by a regular file


# --------------------------------------------------------------------------- Ctrl-C


def test_main_returns_130_with_a_short_message_when_interrupted_during_evaluation(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(*args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt

    # Ctrl-C after the policies were scored, while conflicts are being found.
    monkeypatch.setattr(policyweigh.orchestration, "detect_conflicts", interrupted)
    for args in (
        ["evaluate", str(POLICIES)],
        ["report", str(POLICIES)],
        ["explain", "pie-van-lunch-ban", str(POLICIES)],
    ):
        code = main(args)
        out, err = capsys.readouterr()
        assert (code, out, err) == (EXIT_INTERRUPTED, "", "interrupted\n"), args


def test_an_error_caused_by_ctrl_c_is_reported_as_the_interrupt(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # durable-rules hands a KeyboardInterrupt raised inside a rule action back as a failed action.
    def failed(*args: Any, **kwargs: Any) -> Any:
        raise EvaluationError("a rule action failed: KeyboardInterrupt")

    monkeypatch.setattr(policyweigh.orchestration, "detect_conflicts", failed)
    monkeypatch.setattr(policyweigh.cli.interrupt, "_interrupted", True)
    assert main(["evaluate", str(POLICIES)]) == EXIT_INTERRUPTED
    assert capsys.readouterr() == ("", "interrupted\n")


def _wait_until_working(process: subprocess.Popen[bytes], cpu_seconds: float) -> int:
    """The worker of a supervised command once it has spent ``cpu_seconds`` of CPU (past its imports)."""
    deadline = time.monotonic() + SAFETY_NET
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the command ended before it could be interrupted: {process.returncode}")
        workers = processes.children(process.pid)
        if workers and processes.cpu_seconds(workers[0]) >= cpu_seconds:
            return workers[0]
        time.sleep(0.02)
    pytest.fail("the command never started working")


def _start(args: Sequence[str], **kwargs: Any) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs
    )


# The process ends by SIGINT (returncode -2; a shell shows $? = 130), like Python with an
# uncaught KeyboardInterrupt: a shell script running policyweigh in a loop stops on Ctrl-C only
# when its child died of the signal.
ENDED_BY_CTRL_C = -signal.SIGINT


@linux_proc
def test_ctrl_c_during_evaluation_ends_the_process_by_sigint_without_a_traceback(tmp_path: Path) -> None:
    library = large_library(tmp_path / "lib", copies=40)
    process = _start(["-m", "policyweigh.cli", "evaluate", str(library)])
    worker = _wait_until_working(process, cpu_seconds=1.2)
    process.send_signal(signal.SIGINT)  # `kill -INT`: to the command's process only
    out, err = process.communicate(timeout=SAFETY_NET)
    assert (process.returncode, out, err) == (ENDED_BY_CTRL_C, b"", b"interrupted\n")
    assert processes.gone(worker)


@linux_proc
def test_ctrl_c_at_the_terminal_is_reported_once(tmp_path: Path) -> None:
    library = large_library(tmp_path / "lib", copies=40)
    process = _start(
        ["-m", "policyweigh.cli", "evaluate", str(library), "--format", "json"], start_new_session=True
    )
    worker = _wait_until_working(process, cpu_seconds=1.2)
    os.killpg(process.pid, signal.SIGINT)  # a terminal sends Ctrl-C to every process of the job
    out, err = process.communicate(timeout=SAFETY_NET)
    assert (process.returncode, out, err) == (ENDED_BY_CTRL_C, b"", b"interrupted\n")
    assert processes.gone(worker)


SPIN_IN_C = textwrap.dedent(
    """
    # durable-rules compiling a 700-way `in:` spins in create_ruleset, in C, holding the
    # interpreter lock: no Python signal handler or thread runs until it returns.
    from durable import engine
    from policyweigh.cli.interrupt import guard

    guard()
    rules = {"r": {"all": [{"m": {"$and": [{"kind": "x"}, {"$or": [{"v": f"v{i}"} for i in range(700)]}]}}],
                   "run": lambda c: None}}
    engine.Host().set_rulesets({"spin": rules})
    print("durable-rules came back", flush=True)
    """
)


@linux_proc
def test_ctrl_c_ends_a_process_stuck_in_durable_rules_c_code() -> None:
    process = _start(["-c", SPIN_IN_C])
    worker = _wait_until_working(process, cpu_seconds=1.0)  # past the imports: compiling
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=SAFETY_NET)
    assert (process.returncode, out, err) == (ENDED_BY_CTRL_C, b"", b"interrupted\n")
    assert processes.gone(worker)


@linux_proc
def test_sigterm_is_passed_on_and_mirrored(tmp_path: Path) -> None:
    library = large_library(tmp_path / "lib", copies=40)
    process = _start(["-m", "policyweigh.cli", "evaluate", str(library)])
    worker = _wait_until_working(process, cpu_seconds=1.2)
    process.terminate()
    out, err = process.communicate(timeout=SAFETY_NET)
    assert (process.returncode, out, err) == (-signal.SIGTERM, b"", b"")
    assert processes.gone(worker)


@posix_signals
def test_exit_codes_and_output_pass_through_the_supervisor() -> None:
    assert cli("--version").returncode == 0
    checked = cli("check", str(POLICIES))
    assert checked.returncode == 1
    assert checked.stdout.splitlines()[-1].endswith(": FAILED")


# --------------------------------------------------------------------------- FIFOs and devices as input


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
@pytest.mark.parametrize("inside", [False, True], ids=["named", "in-a-folder"])
def test_check_with_a_fifo_does_not_hang(tmp_path: Path, inside: bool) -> None:
    # click's exists=True only stats the path; the loader refuses what is not a regular file.
    folder = tmp_path / "lib"
    folder.mkdir()
    fifo = folder / "policy.yaml"
    os.mkfifo(fifo)
    done = cli("check", str(folder if inside else fifo))
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith(f"{fifo}:1:1: expected a YAML file; this is a named pipe (FIFO)")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_check_with_a_device_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "/dev/zero"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("/dev/zero:1:1: expected a YAML file; this is a character device")


# --------------------------------------------------------------------------- the remedy budget


def test_evaluate_says_when_remedies_were_left_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = tmp_path / "big.yaml"
    rules = "".join(
        f"  - {{kind: call-time-cap, max_minutes: {3 + i % 4}, enforcement: bonus-gate}}\n"
        f"  - {{kind: metric-target, metric: first_contact_resolution, target: {60 + i}, unit: pct, tied_to: bonus}}\n"
        for i in range(10)
    )
    policy.write_text(f"id: big\ntitle: Caps and targets\nrules:\n{rules}", encoding="utf-8")
    monkeypatch.setattr("policyweigh.remedies.MAX_PATCHES", 5)
    assert main(["evaluate", str(policy), "--format", "json"]) == 0
    out, err = capsys.readouterr()
    assert err.startswith("note: ")
    assert "conflicts are listed without remedies: working them out would evaluate more than 5 patched" in err
    assert '"conflicts"' in out
    monkeypatch.setattr("policyweigh.remedies.MAX_PATCHES", 1000)
    assert main(["evaluate", str(policy), "--format", "json"]) == 0
    assert capsys.readouterr().err == ""
