"""A time limit on one piece of work in a worker (``limits.article_seconds`` per article).

In: a number of seconds and what is being done. Out: :class:`Overtime` raised in the
worker's main thread when the time is up, so that one pathological article (a 20 KB
headline, a megabyte with no line break) is reported and the next one made.

* The limit is a ``SIGALRM`` timer, so it works in a worker process (the pool's) and in
  ``--jobs 1``; elsewhere than a main thread (Dask runs tasks in threads) it does nothing,
  and the executors' own limits apply.
* :class:`Overtime` is a ``BaseException``, like ``KeyboardInterrupt``: a library's
  ``except Exception`` cannot swallow it. If code swallows it anyway, the timer fires again
  every second until the work gives up.
* Code that never returns to the interpreter (a C loop) is not interrupted: the process
  executor kills such a worker from outside (:mod:`.executors`).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

REPEAT = 1.0  # seconds between two alarms once the limit is passed


class Overtime(BaseException):  # a stop signal, like KeyboardInterrupt
    """The time limit given to :func:`time_limit` is up."""

    def __init__(self, seconds: float, what: str):
        super().__init__(f"{what} took longer than {seconds:g} s (limits.article_seconds); stopped")
        self.message = str(self)


@contextmanager
def time_limit(seconds: float | None, what: str = "this article") -> Iterator[None]:
    """Raise :class:`Overtime` in the block after ``seconds`` (None: no limit)."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_alarm(signum, frame):
        raise Overtime(seconds, what)

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds, REPEAT)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
