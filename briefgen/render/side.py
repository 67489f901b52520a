"""A renderer warmed in a second process while this one extracts: the cold ``briefgen brief``.

In: the configuration. Out: :meth:`SideRenderer.pdf`, the bytes :meth:`Renderer.pdf` gives.

A cold ``briefgen brief`` spends about 3 s loading spaCy and extracting, then about 1.5 s
importing WeasyPrint, loading the fonts and writing the PDF. The second part does not
need the first: a forked process imports WeasyPrint and loads the fonts on another core
while this one extracts, then writes the PDF. With one core, without ``fork``, or if that
process fails, the PDF is made here, as before.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..config import Config

_RENDERER = None  # the side process's warm Renderer


def available_cores() -> int:
    """The cores this process may run on (its affinity on Linux), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not Linux
        return max(1, os.cpu_count() or 1)


def kill_processes(pool) -> None:
    """Kill the worker processes of a ``ProcessPoolExecutor`` at once (no public way before
    Python 3.14's ``kill_workers``); its futures then fail with ``BrokenProcessPool``."""
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.kill()


class SideRenderer:
    """Starts warming on creation; ``pdf`` waits for it; ``close`` (or ``with``) ends it."""

    def __init__(self, config: Config):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self.config = config
        self._pool = None
        if available_cores() < 2 or "fork" not in multiprocessing.get_all_start_methods():
            return
        try:
            self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
            self._pool.submit(_warm, config)
        except OSError:  # no process to be had: render here
            self.close()

    def pdf(self, html: str, base_dir: Path) -> bytes:
        from concurrent.futures.process import BrokenProcessPool

        if self._pool is not None:
            try:
                return self._pool.submit(_pdf, self.config, html, base_dir).result()
            except BrokenProcessPool:  # the side process died: render here
                self.close()
        from .renderer import Renderer

        return Renderer(self.config).pdf(html, base_dir)

    def kill(self) -> None:
        """Stop now, even in the middle of a PDF (a brief past its time limit)."""
        if self._pool is not None:
            kill_processes(self._pool)
            self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> SideRenderer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _warm(config: Config) -> None:
    """In the side process: import WeasyPrint, load the fonts (see :meth:`Renderer.warm`)."""
    global _RENDERER
    from .renderer import Renderer

    _RENDERER = Renderer(config)
    _RENDERER.warm()


def _pdf(config: Config, html: str, base_dir: Path) -> bytes:
    if _RENDERER is None:  # warming failed: try once more, so that the error is this PDF's
        _warm(config)
    return _RENDERER.pdf(html, base_dir)
