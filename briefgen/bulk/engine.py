"""The bulk run: stamps first, then batches on an executor, a report at the end.

In: the configuration, the tasks (one per article), the executor and its settings.
Out: a :class:`BulkReport`.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..config import Config
from ..errors import BriefgenError
from ..ingest import find_articles
from .executors import default_jobs, run_dask, run_processes, run_serial
from .progress import make_progress
from .stamps import Stamps
from .work import Outcome, Task

BATCH = 8  # articles per batch at most: one nlp.pipe pass, small enough to spread the work


@dataclass
class BulkReport:
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0
    jobs: int = 1

    @property
    def built(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.ok and not o.unchanged]

    @property
    def unchanged(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.unchanged]

    @property
    def failed(self) -> list[tuple[str, str]]:
        return [(o.path, o.error) for o in self.outcomes if not o.ok]

    @property
    def written(self) -> list[Path]:
        return [Path(p) for o in self.outcomes if o.ok for p in o.written]

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary(self) -> str:
        """"3 built, 197 unchanged, 0 failed in 4.2s (2 jobs, 47.6 articles/s)"."""
        rate = f", {len(self.outcomes) / self.seconds:.1f} articles/s" if self.seconds > 0 and self.outcomes else ""
        return (f"{len(self.built)} built, {len(self.unchanged)} unchanged, {len(self.failed)} failed "
                f"in {self.seconds:.1f}s ({self.jobs} job{'s' if self.jobs > 1 else ''}{rate})")


@dataclass(frozen=True)
class Runner:
    """How to run: ``executor`` (``processes`` or ``dask``), ``jobs`` (default: the cores),
    ``scheduler`` (a Dask scheduler address), and the caller's warm pipeline for ``--jobs 1``."""

    executor: str = "processes"
    jobs: int | None = None
    scheduler: str | None = None
    pipeline: object | None = None

    def batches(self, config: Config, tasks: list[Task]):
        jobs = self.jobs or default_jobs()
        size = max(1, min(BATCH, math.ceil(len(tasks) / (jobs * 4)))) if tasks else 1
        batches = (tasks[i:i + size] for i in range(0, len(tasks), size))
        if self.executor == "dask":
            return run_dask(config, batches, jobs, self.scheduler)
        if jobs == 1 or len(tasks) <= 1:
            return run_serial(config, batches, self.pipeline)
        return run_processes(config, batches, min(jobs, math.ceil(len(tasks) / size)))


def run(config: Config, tasks: list[Task], mode: str, runner: Runner, label: str,
        describe: Callable[[Outcome], str], emit: Callable[[str], None] | None = None) -> BulkReport:
    """Skip the unchanged tasks, run the others; every outcome goes to the progress display."""
    started = time.perf_counter()
    report = BulkReport(jobs=1 if runner.executor != "dask" and (runner.jobs or default_jobs()) == 1
                        else runner.jobs or default_jobs())
    stamps = Stamps(config, mode)
    keys, todo = {}, []
    with make_progress(len(tasks), label, emit) as progress:
        for task in tasks:
            try:
                keys[task.path] = stamps.key(task)
            except OSError as exc:
                _finish(report, progress, describe, Outcome(task.path, error=f"{task.path}: cannot read it ({exc.strerror})"))
                continue
            old = stamps.unchanged(task, keys[task.path])
            if old is None:
                todo.append(task)
            else:
                _finish(report, progress, describe, old)
        for batch, outcomes in runner.batches(config, todo) if todo else ():
            for task, outcome in zip(batch, outcomes):
                stamps.record(task, outcome, keys[task.path])
                _finish(report, progress, describe, outcome)
    report.seconds = time.perf_counter() - started
    return report


def _finish(report: BulkReport, progress, describe, outcome: Outcome) -> None:
    report.outcomes.append(outcome)
    progress.advance(outcome, describe(outcome))


def seed_paths(config: Config) -> list[Path]:
    if not config.seeds.is_dir():
        raise BriefgenError(f"seeds folder {config.seeds} does not exist", config.path)
    return find_articles(config.seeds)


def build_briefs(config: Config, runner: Runner | None = None,
                 emit: Callable[[str], None] | None = None) -> BulkReport:
    """``briefgen build``: every article of the seeds folder as brief files in ``out/briefs``."""
    runner = runner or Runner()
    folder = config.output / "briefs"
    formats = tuple(config.brief.formats)
    tasks = [Task(str(p), formats, str(folder)) for p in seed_paths(config)]
    if not tasks:
        (emit or (lambda line: print(line, file=sys.stderr, flush=True)))(f"no articles in {config.seeds}")

    def describe(o: Outcome) -> str:
        if not o.ok:
            return f"FAILED {o.error}"
        if o.unchanged:
            return f"{o.id}: unchanged"
        a, p, s, r = o.counts
        return (f"{o.id}: {a} actors, {p} places, {s} stakes, {r} reactions "
                f"-> {folder / o.id}.{{{','.join(formats)}}} ({o.seconds:.1f}s)")

    report = run(config, tasks, "build:" + ",".join(formats), runner, "build", describe, emit)
    if report.ok and tasks:
        from ..pipeline import Pipeline

        Pipeline(config).prune_pdf_cache({name for o in report.outcomes for name in o.pdfs})
    return report


def warm_caches(config: Config, paths: list[Path], pdf: bool, runner: Runner | None = None,
                label: str = "facts", emit: Callable[[str], None] | None = None) -> BulkReport:
    """Fill the facts cache (and the PDF cache when ``pdf``) of ``paths``, in parallel, so
    that the site or the digest then reads every article from the caches."""
    runner = runner or Runner()
    tasks = [Task(str(p), pdf=pdf) for p in paths]

    def describe(o: Outcome) -> str:
        return f"FAILED {o.error}" if not o.ok else f"{o.id}" + (": unchanged" if o.unchanged else "")

    return run(config, tasks, f"warm:pdf={pdf}", runner, label, describe, emit)
