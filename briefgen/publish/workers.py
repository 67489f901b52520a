"""The service's render workers: each brief is made in a child process that can be killed.

In: a job (an article and a format), a time limit and a memory limit. Out: the brief's
bytes, or an error that says which limit was passed. Each :class:`RenderWorker` is one
spawned child process holding a warm :class:`~briefgen.publish.api.BriefMaker` (spaCy,
geocoder, WeasyPrint loaded once, at start). A job that runs past ``api.timeout`` seconds,
or whose process grows past ``api.max_memory_mb`` (resident memory, read from ``/proc``),
has its process killed; a fresh worker takes its place, and the service stays up.
"""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

from ..errors import BriefgenError

POLL = 0.05  # seconds between two looks at a running job


class RenderKilled(BriefgenError):
    """A job whose worker was killed (or died); ``status`` is the HTTP status to answer."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


class RenderWorker:
    def __init__(self, config, maker=None):
        self.config, self.maker = config, maker
        self.ready = False
        self._start()

    def _start(self) -> None:
        context = multiprocessing.get_context("spawn")
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_child, args=(self.config, self.maker, child), daemon=True,
                                       name="briefgen-render")
        self.process.start()
        child.close()
        self.ready = False

    def run(self, job, fmt: str, timeout: float, max_memory_mb: int | None) -> bytes:
        """Make one brief in the child; kill it past ``timeout`` seconds or ``max_memory_mb``."""
        self._wait_ready()
        self.conn.send((job, fmt))
        deadline = time.monotonic() + timeout
        while not self.conn.poll(POLL):
            if not self.process.is_alive():
                self._restart()
                raise RenderKilled("the render worker died while making this brief; it was restarted", 503)
            if time.monotonic() > deadline:
                self._restart()
                raise RenderKilled(f"the brief took longer than api.timeout ({timeout:g} s); its worker was "
                                   "stopped and replaced", 504)
            used = resident_mb(self.process.pid)
            if max_memory_mb and used is not None and used > max_memory_mb:
                self._restart()
                raise RenderKilled(f"the brief needed more than api.max_memory_mb ({max_memory_mb} MB); its "
                                   "worker was stopped and replaced", 503)
        try:
            kind, value = self.conn.recv()
        except (EOFError, OSError):  # the process ended while we looked
            self._restart()
            raise RenderKilled("the render worker died while making this brief; it was restarted", 503) from None
        if kind == "ok":
            return value
        raise BriefgenError(value)

    def check_ready(self) -> bool:
        """Whether the worker has warmed up (never waits; only for a worker with no job)."""
        try:
            if not self.ready and self.process.is_alive() and self.conn.poll(0):
                kind, _ = self.conn.recv()
                self.ready = kind == "ready"
        except (EOFError, OSError):
            pass  # it died warming up: the next job starts a new one
        return self.ready

    def _wait_ready(self, starts: int = 3) -> None:
        while not self.ready:
            if not self.process.is_alive():
                starts -= 1
                if starts < 0:
                    raise RenderKilled("the render worker dies as it starts (see the service's log)", 503)
                self._start()
            elif self.conn.poll(POLL):
                try:
                    kind, value = self.conn.recv()
                except (EOFError, OSError):
                    self.process.join(5)  # it died: the loop starts another, a few times at most
                    continue
                if kind == "failed":
                    raise BriefgenError(f"the render worker could not start: {value}")
                self.ready = True

    def _restart(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()
        self._start()

    def close(self) -> None:
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.process.join(2)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(2)


def resident_mb(pid: int) -> float | None:
    """Resident memory of a process in MB (Linux ``/proc``), None where it cannot be read."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def _child(config, maker, conn) -> None:
    """The worker process: warm up, say so, then make briefs until told to stop."""
    import gc
    import logging

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    try:
        if maker is None:
            from .api import BriefMaker

            maker = BriefMaker(config)
        getattr(maker, "warm", lambda: None)()
    except Exception as exc:  # noqa: BLE001 - said to the parent, which answers with it
        conn.send(("failed", str(exc)))
        return
    # what warming loaded (models, indexes, fonts) lives as long as the process: out of the
    # collector's sight, so that collections during a brief do not walk it again and again
    gc.collect()
    gc.freeze()
    conn.send(("ready", None))
    while True:
        try:
            message = conn.recv()
        except EOFError:
            return
        if message is None:
            return
        job, fmt = message
        try:
            conn.send(("ok", maker.make(job, fmt)))
        except BriefgenError as exc:
            conn.send(("error", str(exc)))
        except Exception as exc:  # noqa: BLE001 - a bug in one brief must not stop the worker
            conn.send(("error", f"internal error ({type(exc).__name__}: {exc}); please report it"))
