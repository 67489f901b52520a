"""Progress of a bulk run: a rich bar on a terminal, one plain line per article otherwise.

In: the number of articles and, for each finished one, its :class:`Outcome` and the line
that describes it. Out: the display on standard error (``articles/s`` and ETA on the bar;
failures are always printed as lines, above the bar).
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from .work import Outcome


class LineProgress:
    """``[n/total] line`` per article, for logs, CI and pipes."""

    def __init__(self, total: int, emit: Callable[[str], None] | None = None):
        self.total, self.done = total, 0
        self.width = len(str(total))
        self.emit = emit or (lambda line: print(line, file=sys.stderr, flush=True))

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        pass

    def advance(self, outcome: Outcome, line: str) -> None:
        self.done += 1
        self.emit(f"[{self.done:>{self.width}}/{self.total}] {line}")


class BarProgress(LineProgress):
    """A rich progress bar: done/total, articles per second, time left."""

    def __init__(self, total: int, label: str):
        super().__init__(total)
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        self.console = Console(stderr=True)
        self.bar = Progress(
            TextColumn(f"[bold]{label}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[rate]} articles/s"), TimeRemainingColumn(), console=self.console,
            transient=False,
        )
        self.task = self.bar.add_task(label, total=total, rate="–")

    def __enter__(self):
        self.bar.start()
        return self

    def __exit__(self, *exc) -> None:
        self.bar.stop()

    def advance(self, outcome: Outcome, line: str) -> None:
        self.done += 1
        if not outcome.ok:
            self.console.print(f"[red]FAILED[/red] {outcome.error}", markup=True, highlight=False)
        elapsed = self.bar.tasks[0].elapsed or 0.0
        rate = f"{self.done / elapsed:.1f}" if elapsed > 0 else "–"
        self.bar.update(self.task, advance=1, rate=rate)


def make_progress(total: int, label: str, emit: Callable[[str], None] | None = None) -> LineProgress:
    """A bar when standard error is a terminal (and no ``emit`` was asked for), else lines."""
    if emit is None and total > 1 and sys.stderr.isatty():
        return BarProgress(total, label)
    return LineProgress(total, emit)
