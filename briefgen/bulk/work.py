"""One batch of articles in a worker: read, extract (one ``nlp.pipe`` pass), write.

In: the configuration and a list of :class:`Task`. Out: one :class:`Outcome` per task.
A worker process keeps one :class:`~briefgen.pipeline.Pipeline` per configuration for its
whole life, so the spaCy models, the geocoder and WeasyPrint load once per worker.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..config import Config
from ..errors import BriefgenError, internal_error
from ..pipeline import Pipeline
from .deadline import Overtime, time_limit


@dataclass(frozen=True)
class Task:
    """What to make of one article: brief files in ``folder`` (``formats``), or, with no
    formats, only its facts cached (and its PDF too when ``pdf``)."""

    path: str
    formats: tuple[str, ...] = ()
    folder: str | None = None
    pdf: bool = False


@dataclass
class Outcome:
    path: str
    id: str | None = None
    written: list[str] = field(default_factory=list)
    counts: tuple[int, int, int, int] | None = None  # actors, places, stakes, reactions
    error: str | None = None
    extracted: bool = False  # False: the facts came from the cache
    unchanged: bool = False  # skipped: nothing changed since the last build
    pdfs: list[str] = field(default_factory=list)  # the PDF cache files this article uses
    facts_cache: str | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None


_PIPELINES: dict[str, Pipeline] = {}
_LOCK = threading.Lock()  # a Dask worker may run tasks in threads: one batch at a time per process


def worker_pipeline(config: Config) -> Pipeline:
    """The pipeline of this worker process for ``config`` (made on first use, then kept)."""
    key = repr(config)
    if key not in _PIPELINES:
        _PIPELINES[key] = Pipeline(config)
    return _PIPELINES[key]


def run_batch(config: Config, tasks: list[Task], pipeline: Pipeline | None = None) -> list[Outcome]:
    """Run ``tasks`` in this process; never raises for one article's fault."""
    with _LOCK:
        _quiet_renderer_logs()
        pipeline = pipeline or worker_pipeline(config)
        articles, outcomes = {}, []
        for task in tasks:
            outcome = Outcome(task.path)
            outcomes.append(outcome)
            try:
                articles[task.path] = pipeline.read(task.path)
                outcome.id = articles[task.path].id
            except BriefgenError as exc:
                outcome.error = str(exc)
        limit = config.limits.article_seconds
        fresh = _extract(pipeline, [articles[t.path] for t in tasks if t.path in articles], limit, outcomes)
        for task, outcome in zip(tasks, outcomes):
            if outcome.ok:
                _make(pipeline, task, articles[task.path], outcome, fresh, limit)
        articles.clear()
        give_back_memory()
        return outcomes


def give_back_memory() -> None:
    """After a batch: collect its cycles, then hand the C heap's free pages back to the
    system (glibc's ``malloc_trim``). A batch's parses and layouts leave large freed blocks
    that the process would otherwise keep, batch after batch, until it is recycled."""
    import ctypes
    import gc

    gc.collect()
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to trim
        pass


def _extract(pipeline: Pipeline, articles: list, limit: float, outcomes: list[Outcome]) -> set[str]:
    """The batch's missing facts in one ``nlp.pipe`` pass, given ``limit`` seconds an article;
    past that, or on any failure, one article at a time, so that the culprit is found and
    reported and the others are extracted."""
    try:
        pipeline.extractor.warm([a for a in articles if not pipeline.facts_cache_path(a).is_file()])
        with time_limit(limit * len(articles), "extracting this batch"):
            return pipeline.extract_missing(articles)
    except (Overtime, Exception):  # noqa: BLE001 - found again below, article by article
        pass
    by_path = {o.path: o for o in outcomes}
    fresh: set[str] = set()
    for article in articles:
        outcome = by_path[str(article.path)]
        try:
            with time_limit(limit, "extracting this article"):
                fresh |= pipeline.extract_missing([article])
        except Overtime as exc:
            outcome.error = f"{article.path}: {exc.message}"
        except BriefgenError as exc:
            outcome.error = str(exc)
        except OSError as exc:  # a full disk, a read-only cache
            outcome.error = _cannot_write(article.path, exc)
        except Exception as exc:  # noqa: BLE001 - a bug must not cost the other briefs
            outcome.error = internal_error(article.path, exc)
    return fresh


def _cannot_write(path, exc: OSError) -> str:
    where = f" {exc.filename}" if exc.filename else ""
    return f"{path}: cannot write{where} ({exc.strerror or exc})"


def _make(pipeline: Pipeline, task: Task, article, outcome: Outcome, fresh: set[str], limit: float) -> None:
    started = time.perf_counter()
    pipeline.last_pdf = None
    try:
        with time_limit(limit, "making this brief"):
            facts = pipeline.facts(article)
            if task.formats:
                written = pipeline.write_brief(article, facts, Path(task.folder), list(task.formats))
                outcome.written = [str(p) for p in written]
            elif task.pdf:
                pipeline.pdf(pipeline.html(article, facts))
    except Overtime as exc:
        outcome.error = f"{article.path}: {exc.message}"
    except BriefgenError as exc:
        outcome.error = str(exc)
    except OSError as exc:  # a full disk, a read-only output folder
        outcome.error = _cannot_write(article.path, exc)
    except Exception as exc:  # noqa: BLE001 - a bug must not cost the other briefs
        outcome.error = internal_error(article.path, exc)
    else:
        outcome.counts = (len(facts.actors), len(facts.locations), len(facts.stakes), len(facts.reactions))
        outcome.extracted = article.path in fresh
        outcome.facts_cache = str(pipeline.facts_cache_path(article))
        outcome.pdfs = [pipeline.last_pdf] if pipeline.last_pdf else []
    outcome.seconds = time.perf_counter() - started


def _quiet_renderer_logs() -> None:
    """WeasyPrint logs every refused fetch; the brief's fetcher already refuses them by design."""
    import logging

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
