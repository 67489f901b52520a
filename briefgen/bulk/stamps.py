"""Stamps: which articles are unchanged since the last build, known without any model.

In: the configuration, what is made of each article, an article's file. Out: whether its
outputs from the last run are still right (then the article is skipped), and the record
of a finished article. A stamp (``out/cache/build/<hash of the path>.json``) holds the
hash of everything an article's outputs depend on (its bytes, its corrections file, the
whole configuration, briefgen's code and data, the user's templates) and the size and
modification time of each output, so a deleted or hand-edited output is made again.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .. import __version__
from ..atomic import atomic_write
from ..config import Config
from ..facts import overrides_path
from .work import Outcome, Task

PACKAGE = Path(__file__).resolve().parent.parent


class Stamps:
    def __init__(self, config: Config, mode: str):
        self.folder = config.output / "cache" / "build"
        self.mode = mode  # build and site each keep their own stamps
        digest = hashlib.sha256(f"{__version__}\0{mode}\0{config!r}".encode())
        for root in [PACKAGE, *([config.templates] if config.templates else [])]:
            for path in sorted(Path(root).rglob("*")):
                if path.is_file() and "__pycache__" not in path.parts:
                    digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
        self.base = digest.hexdigest()

    def key(self, task: Task) -> str:
        digest = hashlib.sha256(self.base.encode())
        path = Path(task.path)
        digest.update(path.read_bytes())
        corrections = overrides_path(path)
        digest.update(corrections.read_bytes() if corrections.is_file() else b"\0none")
        return digest.hexdigest()

    def _file(self, task: Task) -> Path:
        name = f"{self.mode}\0{Path(task.path).resolve()}"
        return self.folder / (hashlib.sha256(name.encode()).hexdigest()[:24] + ".json")

    def unchanged(self, task: Task, key: str) -> Outcome | None:
        """The outcome of the last run when nothing it depends on (``key``) has changed, else None."""
        try:
            record = json.loads(self._file(task).read_text(encoding="utf-8"))
            if record.get("key") != key or not all(_same(Path(p), sig) for p, sig in record["outputs"].items()):
                return None
            counts = record.get("counts")
            return Outcome(task.path, id=record.get("id"), written=list(record.get("written", [])),
                           counts=tuple(counts) if counts else None, unchanged=True,
                           pdfs=list(record.get("pdfs", [])))
        except (OSError, ValueError, TypeError, KeyError, AttributeError):  # none, or damaged: made again
            return None

    def record(self, task: Task, outcome: Outcome, key: str) -> None:
        """Write the stamp of a finished article (none for a failure: it is tried again)."""
        if not outcome.ok:
            self._file(task).unlink(missing_ok=True)
            return
        pdf_dir = self.folder.parent / "pdf"
        outputs = [*outcome.written, *([outcome.facts_cache] if outcome.facts_cache else []),
                   *(str(pdf_dir / name) for name in outcome.pdfs)]
        signatures = {p: _signature(Path(p)) for p in outputs}
        if None in signatures.values():
            return
        atomic_write(self._file(task), json.dumps({
            "key": key, "id": outcome.id, "written": outcome.written, "counts": outcome.counts,
            "pdfs": outcome.pdfs, "outputs": signatures,
        }))


def _signature(path: Path) -> list[int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return [stat.st_size, stat.st_mtime_ns]


def _same(path: Path, signature: list[int]) -> bool:
    return _signature(path) == list(signature)
