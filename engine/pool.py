"""Large batches of policy files loaded and scored by a pool of worker processes, on every core.

Loading a file (parsing its YAML with located marks, validating it into a
``Policy``) and scoring it (``policyweigh.evaluation.score_policies``) depend
on that file alone, and are most of the work of a large batch. The files are
found here, in order (``policyweigh.loading.find_targets``), and sent out in
chunks; each worker, set up once with the settings and the rulebook, loads and
scores its chunk and sends back one pickled ``bytes`` per chunk: the loaded
policies (or each file's located problems), their results and traces. What
needs every policy together (duplicate ids, names across the library,
conflicts) stays in this process.

Remedies (``attach_remedies``) are planned here against the budget, as one
process spends it, and their trials (each a patched policy scored again) are
shared among forked workers that start with the evaluation in memory, in groups
of conflicts that share no patch; each conflict's remedies come back in place.

The chunks are put back in file order and assembled as one process assembles
them (``policyweigh.loading.assemble``), so the library, its problems (every
message, in the same order) and the scores are the same whatever the number of
workers. A chunk whose scoring failed comes back without scores; the batch is
then scored again in this process, where any error is raised as one process
raises it.

Unpickling the results costs far less than making them, as long as the garbage
collector does not walk the growing heap of new objects while they are read: it
is paused while the chunks are unpickled, and what was read is then frozen out
of its walks. Measured on 2,016 files, rebuilding a policy with its result and
trace here takes about 0.04 ms this way, 0.22 ms with the collector running,
and 0.13 ms from JSON (``model_validate_json``, which also runs every validator
again), against about 1.9 ms to load and score it.
Small batches are loaded in this process: a pool costs its start-up
(``POOL_MIN_FILES``).

The pieces every pool of the project uses (``available_cores``,
``default_start_method``, ``die_with_parent``, ``PoolFailed``) are here;
``policyweigh.whatif`` runs its sweeps with them.
"""

from __future__ import annotations

import gc
import math
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from policyweigh.config import Settings, resolve_rulebook
from policyweigh.errors import InputError
from policyweigh.evaluation import EvaluationRun, Rescore, Trace, score_policies
from policyweigh.loading import Library, Loaded, LoadedPolicy, Target, assemble, find_targets, load_target
from policyweigh.processes import die_with_parent
from policyweigh.remedies import RemedyBudget, candidates, fact_index
from policyweigh.remedies import attach_remedies as attach_remedies_here
from policyweigh.results import Conflict, Evaluation, PolicyResult
from policyweigh.rete import Firing, compiled
from policyweigh.rulebook import Rulebook

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

__all__ = [
    "POOL_MIN_FILES",
    "Batch",
    "PoolFailed",
    "PoolStopped",
    "attach_remedies",
    "available_cores",
    "default_start_method",
    "die_with_parent",
    "load_batch",
    "worker_count",
]

POOL_MIN_FILES = 300
"""Files a batch must have before it is loaded in a pool when ``--jobs`` is not given. Measured with
``benchmarks/pool.py`` on two cores: a pool costs about 0.15 s of CPU more than one process
(forking the workers, setting each up), whatever the batch; a file takes about 2 ms to load and
score, half of which a second core takes off the wall time. The pool breaks even near 150 to 200
files and is ahead from a few hundred; the bundled library (48 files) never pays its start-up."""
FILES_PER_WORKER = 16
"""Files each worker must have to be worth starting, when ``--jobs`` asks for a pool explicitly."""
CHUNKS_PER_WORKER = 4
"""Chunks each worker gets on average: enough to even out uneven files."""
MAX_CHUNK = 64
"""Files per chunk at most: a chunk takes about a tenth of a second, and the results of the first
chunks are read here while the workers go on with the next."""
MIN_TRIALS = 64
"""Remedy trials (patched policies evaluated again, a few milliseconds each) a batch must have for
its remedies to be worked out in a pool: fewer cost less than forking the workers."""

Scored: TypeAlias = tuple[list[PolicyResult], list[Trace], list[Firing]]
"""A chunk's scores: its policies' results and traces (in id order), and its firings."""
Chunk: TypeAlias = tuple[list[Loaded], Scored | None]
"""What a worker sends back for a chunk of files: each file loaded (or its problems), in order, and
the chunk's scores (None when scoring failed)."""


class PoolFailed(Exception):
    """A worker pool could not start; ``note`` says so for the user (the work is then done here)."""

    def __init__(self, note: str) -> None:
        super().__init__(note)
        self.note = note


class PoolStopped(RuntimeError):
    """A worker process ended in the middle of a batch (killed, or out of memory)."""


@dataclass(frozen=True)
class Batch:
    """A library loaded for a project, with its policies' scores when the pool worked them out."""

    library: Library
    scored: EvaluationRun | None = None
    """Every policy scored (no conflicts yet), or None: then they are scored when evaluated."""
    workers: int = 1
    """The processes that loaded the files (1: this process alone)."""
    notes: tuple[str, ...] = ()
    """What the caller should tell the user: a pool that could not start, for one."""


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity where the system has one)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def executor(
    workers: int, start_method: str, initializer: Callable[..., None], initargs: tuple[Any, ...]
) -> ProcessPoolExecutor:
    """A pool of ``workers`` processes started by ``start_method``, each set up by ``initializer``.

    The process machinery is imported here, when a pool is wanted: a command on a small library
    never starts one, and its start-up does not pay for the import.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context(start_method),
        initializer=initializer,
        initargs=initargs,
    )


def default_start_method() -> str:
    """How worker processes start: ``fork`` on Linux while this process runs one thread, else ``spawn``."""
    # fork hands each worker the engine already imported and the rulebook already loaded (about a
    # second a worker otherwise); it is safe only where the platform supports it well (Linux) and
    # while no other thread runs (a thread holding a lock at the fork leaves it held in the child).
    import multiprocessing

    if (
        sys.platform.startswith("linux")
        and "fork" in multiprocessing.get_all_start_methods()
        and threading.active_count() == 1
    ):
        return "fork"
    return "spawn"


def reason(err: BaseException) -> str:
    """An exception as a short reason for a note."""
    return str(err) or type(err).__name__


def flush_streams() -> None:
    """Flush standard output and error: a forked worker would write what they still buffer again."""
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            stream.flush()


def worker_count(files: int, jobs: int | None) -> int:
    """How many processes load ``files`` files: ``jobs`` (None: every core, for a large batch only),
    never more than leaves each worker ``FILES_PER_WORKER`` files."""
    if jobs is None:
        if files < POOL_MIN_FILES:
            return 1
        jobs = available_cores()
    return max(1, min(jobs, files // FILES_PER_WORKER))


def chunk_size(total: int, workers: int) -> int:
    """Files per chunk for ``total`` files and ``workers`` workers."""
    return max(1, min(MAX_CHUNK, math.ceil(total / (workers * CHUNKS_PER_WORKER))))


# --------------------------------------------------------------------------- the batch


def load_batch(
    paths: Sequence[str | Path],
    *,
    settings: Settings,
    rulebook: Rulebook,
    jobs: int | None = 1,
    queue_costs: bool = True,
    start_method: str | None = None,
) -> Batch:
    """Load the policies under ``paths``, in a pool of up to ``jobs`` processes for a large batch.

    ``jobs=1`` loads in this process and scores nothing yet; ``jobs=None`` uses every core for a
    batch of at least ``POOL_MIN_FILES`` files. A pool scores each policy as it loads it, with
    ``settings``, ``rulebook`` and ``queue_costs`` (see ``score_policies``). Raises ``InputError``
    as ``load_library`` does, with the same problems in the same order; ``PoolStopped`` when a
    worker ends before its work is done. What a pool sends back, and every object alive then, is
    left out of later garbage collections (``gc.freeze``): it lives as long as the project.
    """
    targets, problems = find_targets(paths)
    workers = worker_count(len(targets), jobs)
    if workers <= 1:
        return Batch(assemble((load_target(t) for t in targets), problems))
    method = start_method or default_start_method()
    try:
        chunks = _run_pool(targets, workers, settings, rulebook, queue_costs, method)
    except PoolFailed as failed:
        return Batch(assemble((load_target(t) for t in targets), problems), notes=(failed.note,))
    loaded = [item for items, _ in chunks for item in items]
    parts = [scored for _, scored in chunks]
    library = assemble(loaded, problems)
    return Batch(library, _merge(library, parts, settings, rulebook), workers=workers)


def _merge(
    library: Library, parts: Sequence[Scored | None], settings: Settings, rulebook: Rulebook
) -> EvaluationRun | None:
    """The chunks' scores as one run, as ``score_policies`` makes it for the whole library; None when
    a chunk has none (the library is then scored whole, in this process).

    Each policy's results and trace (its facts and firings in the order they fired) are those one
    process makes; the run's list of every firing is the chunks' in file order, which nothing reads
    as an order across policies.
    """
    results: dict[str, PolicyResult] = {}
    traces: dict[str, Trace] = {}
    firings: list[Firing] = []
    for part in parts:
        if part is None:
            return None
        for result in part[0]:
            results[result.id] = result
        for trace in part[1]:
            traces[trace.policy] = trace
        firings.extend(part[2])
    ids = library.ids
    if len(results) != len(ids) or any(pid not in results or pid not in traces for pid in ids):
        return None
    return EvaluationRun(
        evaluation=Evaluation(policies=[results[pid] for pid in ids], conflicts=[]),
        policies={loaded.id: loaded.policy for loaded in library},
        traces={pid: traces[pid] for pid in ids},
        firings=firings,
        rulebook=rulebook,
        settings=settings,
        files={loaded.id: loaded.file for loaded in library},
    )


def _run_pool(
    targets: Sequence[Target],
    workers: int,
    settings: Settings,
    rulebook: Rulebook,
    queue_costs: bool,
    start_method: str,
) -> list[Chunk]:
    """Load and score chunks of ``targets`` in worker processes; the chunks in file order, each read
    while the workers go on with the next ones."""
    from concurrent.futures import FIRST_COMPLETED, wait
    from concurrent.futures.process import BrokenProcessPool

    size = chunk_size(len(targets), workers)
    flush_streams()
    forked = start_method == "fork"
    if not forked and not os.path.isdir(rulebook.source):
        raise PoolFailed(
            "note: the rulebook has no folder worker processes can load; loading in this process"
        )
    # A forked worker is handed the rulebook in memory; a spawned one loads it from its folder.
    initargs = (os.getpid(), settings, rulebook if forked else None, rulebook.source, queue_costs)
    try:
        running = executor(workers, start_method, _start_worker, initargs)
    except (OSError, ImportError, ValueError, NotImplementedError) as err:
        # No semaphores (a container without /dev/shm), no process limit left, no such start method.
        raise PoolFailed(
            f"note: cannot start worker processes ({reason(err)}); loading the files in this process"
        ) from None
    finished = False
    chunks: list[Chunk | None] = []
    # Forked workers share this process's memory until they write to it; the collector writing to
    # every object it visits would copy most of it. Objects alive now are left out of collections
    # (in the workers, which inherit that, and here) until the workers have started.
    if forked:
        gc.freeze()
    try:
        pending: dict[Future[bytes], int] = {}
        try:
            for number, start in enumerate(range(0, len(targets), size)):
                chunk = list(targets[start : start + size])
                pending[running.submit(_load_chunk, chunk)] = number
                chunks.append(None)
        except (OSError, BrokenProcessPool) as err:
            raise PoolFailed(
                f"note: cannot start worker processes ({reason(err)}); loading the files in this process"
            ) from None
        finally:
            if forked:
                gc.unfreeze()
        # Reading thousands of new objects would set off collections that walk them all, for nothing.
        enabled = gc.isenabled()
        gc.disable()
        try:
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    number = pending.pop(future)
                    try:
                        data = future.result()
                    except BrokenProcessPool as err:
                        raise PoolStopped(
                            f"a worker process stopped before its files were loaded ({reason(err)})"
                        ) from None
                    chunks[number] = pickle.loads(data)
            # The batch lives as long as its project: a collection after this would walk every
            # object just read (about as long as reading them), and each later full one again.
            gc.freeze()
        finally:
            if enabled:
                gc.enable()
        finished = True
    finally:
        # On an error or Ctrl-C the chunks not started are dropped, not run to the end.
        running.shutdown(wait=finished, cancel_futures=not finished)
    return [chunk for chunk in chunks if chunk is not None]


_WORKER: tuple[Settings, Rulebook, bool] | None = None
"""What a worker process loads and scores with, set once by ``_start_worker``."""


def _start_worker(
    parent: int, settings: Settings, rulebook: Rulebook | None, source: str, queue_costs: bool
) -> None:
    """Set a worker up once: the settings, the rulebook (from its folder when not handed over) and
    the rulebook compiled, then everything alive left out of the collector's walks."""
    global _WORKER
    die_with_parent(parent)
    # Ctrl-C reaches the whole process group: the parent stops the batch, the workers wait to be told.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    book = rulebook if rulebook is not None else resolve_rulebook(settings, source)
    compiled(book)
    _WORKER = (settings, book, queue_costs)
    gc.freeze()


def _load_chunk(targets: list[Target]) -> bytes:
    """Load and score ``targets`` in a worker (top level, so any start method finds it)."""
    assert _WORKER is not None, "the worker was not set up"
    settings, book, queue_costs = _WORKER
    loaded = [load_target(target) for target in targets]
    policies = [item[0] for item in loaded if not isinstance(item, InputError)]
    scored: Scored | None
    try:
        run = score_policies(
            [p.policy for p in policies],
            rulebook=book,
            settings=settings,
            files=_files(policies),
            queue_costs=queue_costs,
        )
        ids = [result.id for result in run.evaluation.policies]
        scored = (list(run.evaluation.policies), [run.traces[pid] for pid in ids], list(run.firings))
    except Exception:
        # Scored again in the parent, which raises whatever this was as one process raises it.
        scored = None
    return pickle.dumps((loaded, scored), protocol=pickle.HIGHEST_PROTOCOL)


def _files(policies: Sequence[LoadedPolicy]) -> dict[str, str]:
    return {p.id: p.file for p in policies}


# --------------------------------------------------------------------------- remedies


def attach_remedies(
    run: EvaluationRun,
    conflicts: Sequence[Conflict],
    *,
    rescore: Rescore,
    budget: RemedyBudget,
    before: Sequence[Conflict] | None = None,
    jobs: int = 1,
) -> list[Conflict]:
    """``policyweigh.remedies.attach_remedies``, its trials shared among up to ``jobs`` forked workers.

    The budget is spent here first, in the conflicts' order, exactly as one process spends it: which
    conflicts get remedies, and which patches that tries, does not depend on the patches' results.
    The conflicts that get remedies are then split into groups that share no patch (each patch is
    evaluated once, as in one process), the groups shared out among the workers, and each conflict's
    remedies, which depend only on its own patches, come back in their place. Workers are forked,
    so they start with this run in memory; where they cannot be (another platform, threads running),
    or for a few trials, the remedies are worked out in this process.
    """
    everything = list(before) if before is not None else list(conflicts)
    if jobs <= 1 or default_start_method() != "fork":
        return attach_remedies_here(run, conflicts, rescore=rescore, budget=budget, before=before)
    facts = fact_index(run)
    tried: set[str] = set()
    evaluations = budget.evaluations
    skipped = 0
    chosen: list[tuple[int, set[str]]] = []
    for number, conflict in enumerate(conflicts):
        keys = {candidate.key for candidate in candidates(run, conflict, facts=facts)}
        untried = keys - tried
        if evaluations + len(untried) > budget.limit:
            skipped += 1
            continue
        tried |= untried
        evaluations += len(untried)
        chosen.append((number, keys))
    groups = _share_out(_groups(chosen), jobs)
    if len(tried) < MIN_TRIALS or len(groups) < 2:
        return attach_remedies_here(run, conflicts, rescore=rescore, budget=budget, before=before)
    global _REMEDY_JOB
    _REMEDY_JOB = (run, list(conflicts), rescore, everything)
    try:
        answers = _run_remedy_pool(groups)
    except PoolFailed:
        return attach_remedies_here(run, conflicts, rescore=rescore, budget=budget, before=before)
    finally:
        _REMEDY_JOB = None
    out = list(conflicts)
    enabled = gc.isenabled()
    gc.disable()
    try:
        for group, data in zip(groups, answers, strict=True):
            for number, conflict in zip(group, pickle.loads(data), strict=True):
                out[number] = conflict
    finally:
        if enabled:
            gc.enable()
    budget.evaluations = evaluations
    budget.skipped += skipped
    return out


def _groups(chosen: Sequence[tuple[int, set[str]]]) -> list[tuple[list[int], int]]:
    """The conflicts (by number) in groups that share no patch, each with its count of patches."""
    owner: dict[str, int] = {}
    parent = list(range(len(chosen)))

    def root(item: int) -> int:
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    for index, (_, keys) in enumerate(chosen):
        for key in keys:
            other = owner.setdefault(key, index)
            if other != index:
                parent[root(index)] = root(other)
    members: dict[int, list[int]] = {}
    patches: dict[int, set[str]] = {}
    for index, (number, keys) in enumerate(chosen):
        top = root(index)
        members.setdefault(top, []).append(number)
        patches.setdefault(top, set()).update(keys)
    return [(members[top], len(patches[top])) for top in sorted(members)]


def _share_out(groups: Sequence[tuple[list[int], int]], jobs: int) -> list[list[int]]:
    """The groups shared out among at most ``jobs`` workers, the largest first to the least loaded;
    each worker's conflicts in their order."""
    loads = [0] * jobs
    shares: list[list[int]] = [[] for _ in range(jobs)]
    for numbers, patches in sorted(groups, key=lambda g: (-g[1], g[0][0])):
        least = loads.index(min(loads))
        loads[least] += max(1, patches)
        shares[least].extend(numbers)
    return [sorted(share) for share in shares if share]


_REMEDY_JOB: tuple[EvaluationRun, list[Conflict], Rescore, list[Conflict]] | None = None
"""What forked workers work out remedies for: the run, its conflicts, the rescoring, and every
conflict found before any patch. Set only while the workers are forked."""


def _run_remedy_pool(groups: Sequence[list[int]]) -> list[bytes]:
    """Work out the remedies of each group of conflicts in a forked worker of its own."""
    from concurrent.futures.process import BrokenProcessPool

    flush_streams()
    try:
        running = executor(len(groups), "fork", _start_remedy_worker, (os.getpid(),))
    except (OSError, ImportError, ValueError, NotImplementedError) as err:
        raise PoolFailed(f"note: cannot start worker processes ({reason(err)})") from None
    finished = False
    # The workers share this memory until they write to it (see _run_pool). What is alive now (the
    # evaluation, the batch frozen when it was read) lives as long as the command: it stays frozen,
    # since unfreezing would put the whole batch back in every later full collection.
    gc.freeze()
    try:
        try:
            futures = [running.submit(_remedy_group, group) for group in groups]
        except (OSError, BrokenProcessPool) as err:
            raise PoolFailed(f"note: cannot start worker processes ({reason(err)})") from None
        try:
            answers = [future.result() for future in futures]
        except BrokenProcessPool as err:
            raise PoolStopped(
                f"a worker process stopped before its remedies were worked out ({reason(err)})"
            ) from None
        finished = True
    finally:
        running.shutdown(wait=finished, cancel_futures=not finished)
    return answers


def _start_remedy_worker(parent: int) -> None:
    """Set a forked remedy worker up: it ends with its parent, and leaves Ctrl-C to it."""
    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.freeze()


def _remedy_group(numbers: list[int]) -> bytes:
    """The conflicts ``numbers`` with their remedies, worked out in a forked worker."""
    assert _REMEDY_JOB is not None, "the worker was not forked with a remedy job"
    run, conflicts, rescore, everything = _REMEDY_JOB
    unbounded = RemedyBudget(limit=sys.maxsize)  # the budget was spent by the parent already
    found = attach_remedies_here(
        run, [conflicts[n] for n in numbers], rescore=rescore, budget=unbounded, before=everything
    )
    return pickle.dumps(found, protocol=pickle.HIGHEST_PROTOCOL)
