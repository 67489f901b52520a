"""Bulk: many articles at once, in parallel on one machine or on a Dask cluster.

In: the article files of the seeds folder, the configuration, and what to make of each
article: brief files (JSON, HTML, PDF) in ``out/briefs/``, or only the facts and PDF
caches filled (what ``briefgen site`` and ``briefgen digest`` need before they assemble
their pages). Out: a :class:`BulkReport` with one :class:`Outcome` per article, reported
to a progress display as each batch finishes; the files and caches on disk.

How: an article whose inputs are unchanged since its last build (its bytes, its
corrections file, the configuration, briefgen's code and the templates) is skipped from
its stamp in ``out/cache/build/`` without loading any model. The others are cut into
small batches; an executor runs each batch in a worker (``serial``: this process;
``processes``: a pool of ``--jobs`` processes; ``dask``: the workers of a
``dask.distributed`` cluster), which keeps one warm pipeline for its whole life,
extracts the batch with spaCy's ``nlp.pipe`` and renders its briefs. One article's
failure (or a worker that dies) never stops the others.
"""

from .engine import BulkReport, Runner, build_briefs, warm_caches
from .executors import EXECUTORS, default_jobs
from .work import Outcome, Task

__all__ = ["EXECUTORS", "BulkReport", "Outcome", "Runner", "Task", "build_briefs", "default_jobs", "warm_caches"]
