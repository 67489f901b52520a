"""Executors: where the batches run.

In: the configuration and an iterable of batches (lists of :class:`Task`). Out: for each
batch, as it finishes (in any order), its tasks and their :class:`Outcome`. Every
executor runs :func:`~briefgen.bulk.work.run_batch`; none of them is home-made
scheduling beyond keeping a few batches in flight:

- ``serial``: in this process, with the caller's pipeline (``--jobs 1``);
- ``processes``: ``concurrent.futures.ProcessPoolExecutor`` (spawned workers, each with its
  own warm pipeline; a fresh pool every ``RECYCLE`` batches per worker, once the old workers
  have exited, so memory stays flat); a worker that dies costs only its articles;
- ``dask``: a ``dask.distributed`` cluster (``--scheduler ADDRESS``, else a ``LocalCluster``
  of ``--jobs`` single-threaded worker processes). Workers must see the same files
  (seeds, output folder) at the same paths.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from ..config import Config
from ..errors import BriefgenError
from ..render.side import kill_processes
from .work import Outcome, Task, run_batch

EXECUTORS = ("processes", "dask")
TICK = 1.0  # seconds between two looks at the running batches
GRACE = 30.0  # seconds past a batch's time limit before its worker is killed from outside
RECYCLE = 13  # batches per worker before a fresh pool replaces the workers (their memory creeps up)
Finished = tuple[list[Task], list[Outcome]]


def default_jobs() -> int:
    """``BRIEFGEN_JOBS`` if set, else the number of cores this process may use."""
    value = os.environ.get("BRIEFGEN_JOBS", "").strip()
    if value:
        if not value.isdigit() or int(value) < 1:
            raise BriefgenError(f"BRIEFGEN_JOBS must be a whole number of at least 1, not {value!r}")
        return int(value)
    from ..render.side import available_cores

    return available_cores()


def run_serial(config: Config, batches: Iterable[list[Task]], pipeline=None) -> Iterator[Finished]:
    for batch in batches:
        yield batch, run_batch(config, batch, pipeline)


def run_processes(config: Config, batches: Iterable[list[Task]], jobs: int, work=run_batch) -> Iterator[Finished]:
    """Batches on a pool of ``jobs`` processes, at most ``2 * jobs`` in flight (``work``: the
    function a worker runs on a batch)."""
    pending = iter(batches)
    watch = _Watch()
    retry: list[list[Task]] = []  # batches lost with a dead worker, tried again one article each
    suspects: set[str] = set()  # articles already in a batch whose worker died
    exhausted = False
    while True:
        # a fresh pool (fresh workers, their memory back to the start) every RECYCLE batches
        # per worker: the old workers are gone before the new ones load their models
        with _pool(jobs) as pool:
            running = {}
            broken, budget = False, RECYCLE * jobs
            while True:
                # a batch tried again after a crash runs alone, so that a second crash is its own
                while not broken and budget > 0 and len(running) < (1 if retry or _solo(running, suspects) else 2 * jobs):
                    batch = retry.pop() if retry else next(pending, None)
                    if batch is None:
                        exhausted = True
                        break
                    running[pool.submit(work, config, batch)] = batch
                    budget -= 1
                if not running:
                    break
                done, _ = wait(running, timeout=TICK, return_when=FIRST_COMPLETED)
                if not broken and watch.overdue(running, config.limits.article_seconds):
                    kill_processes(pool)  # stuck where the worker's own limit cannot reach
                for future in done:
                    batch = running.pop(future)
                    watch.forget(future)
                    try:
                        yield batch, future.result()
                    except BrokenProcessPool:
                        broken = True
                        yield from _after_crash(batch, suspects, retry, watch.killed)
                if broken and not running:
                    break  # a fresh pool for what is left
        if exhausted and not retry:
            return


class _Watch:
    """When each running batch started, and which were killed for running past their time
    (``limits.article_seconds`` an article, plus ``GRACE``: the worker's own limit comes first)."""

    def __init__(self):
        self.started: dict = {}
        self.killed: set[str] = set()

    def overdue(self, running: dict, limit: float) -> bool:
        now = time.monotonic()
        late = False
        for future, batch in running.items():
            if future.running():
                begun = self.started.setdefault(future, now)
                if now - begun > limit * len(batch) + GRACE:
                    self.killed.update(task.path for task in batch)
                    late = True
        return late

    def forget(self, future) -> None:
        self.started.pop(future, None)


def _after_crash(batch: list[Task], suspects: set[str], retry: list[list[Task]],
                 killed: set[str]) -> Iterator[Finished]:
    """A worker died during ``batch``: an article already suspected is the cause (failed);
    the others are tried again alone."""
    for task in batch:
        if task.path in suspects:
            if task.path in killed:
                message = (f"{task.path}: took longer than limits.article_seconds and did not stop; "
                           "its worker was killed")
            else:
                message = f"{task.path}: the worker process died while making this brief (killed or crashed)"
            yield [task], [Outcome(task.path, error=message)]
        else:
            suspects.add(task.path)
            retry.append([task])


def _solo(running: dict, suspects: set[str]) -> bool:
    return any(task.path in suspects for batch in running.values() for task in batch)


def _pool(jobs: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"))


def run_dask(config: Config, batches: Iterable[list[Task]], jobs: int, scheduler: str | None) -> Iterator[Finished]:
    """Batches as tasks of a ``dask.distributed`` cluster."""
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise BriefgenError("--executor dask needs dask.distributed: pip install 'briefgen[dask]'") from None
    if scheduler is not None:
        _check_reachable(scheduler)
    cluster = None
    if scheduler is None:
        cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None)
    try:
        try:
            client = Client(scheduler or cluster, timeout="20s")
        except OSError as exc:
            raise BriefgenError(f"cannot reach the Dask scheduler {scheduler}: {exc}") from None
        with client:
            pending = iter(batches)
            window = 2 * max(jobs, len(client.scheduler_info().get("workers", {})))
            futures = as_completed()
            owners = {}
            for batch in _take(pending, window):
                owners[_submit(client, futures, config, batch)] = batch
            for future in futures:
                batch = owners.pop(future.key)
                try:
                    yield batch, future.result()
                except Exception as exc:  # noqa: BLE001 - a task the cluster gave up on
                    message = f"the Dask task failed ({type(exc).__name__}: {exc})"
                    yield batch, [Outcome(t.path, error=f"{t.path}: {message}") for t in batch]
                for nxt in _take(pending, 1):
                    owners[_submit(client, futures, config, nxt)] = nxt
    finally:
        if cluster is not None:
            cluster.close()


def _check_reachable(address: str) -> None:
    """Fail at once, with the reason, when nothing listens at a ``tcp://HOST:PORT`` scheduler
    (the Dask client would otherwise retry until its timeout)."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    if parts.scheme not in ("tcp", "tls") or not parts.hostname or not parts.port:
        return  # another transport: the client says what is wrong
    try:
        socket.create_connection((parts.hostname, parts.port), timeout=5).close()
    except OSError as exc:
        raise BriefgenError(f"cannot reach the Dask scheduler {address}: {exc.strerror or exc}") from None


def _submit(client, futures, config: Config, batch: list[Task]):
    future = client.submit(run_batch, config, batch, pure=False)
    futures.add(future)
    return future.key


def _take(iterator: Iterator, n: int) -> list:
    out = []
    for item in iterator:
        out.append(item)
        if len(out) == n:
            break
    return out
