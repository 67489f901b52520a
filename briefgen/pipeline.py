"""The pipeline, top to bottom: ingest -> extract -> facts (cached JSON) -> corrections -> render.

:class:`Pipeline` keeps the heavy objects (spaCy models, geocoder, Jinja2
environment) for the life of the process, so a long-running caller pays for
them once. ``build`` runs it over every article of the seeds folder.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import __version__
from .atomic import atomic_write
from .config import Config
from .errors import BriefgenError
from .facts import Facts, Overrides, load_overrides, overrides_path
from .ingest import Article, find_articles, read_article


@dataclass
class BuildReport:
    written: list[Path] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file, message)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed


def _code_fingerprint() -> str:
    """Hash of the extraction code and data, so a changed rule never serves stale facts."""
    global _CODE_FINGERPRINT
    if _CODE_FINGERPRINT is None:
        here = Path(__file__).parent
        digest = hashlib.sha256()
        paths = [*(here / "extract").glob("*.py"), *(here / "ingest").glob("*.py"), here / "text.py",
                 *(here / "data").glob("*.yaml")]
        for path in sorted(paths):
            digest.update(str(path.relative_to(here)).encode() + path.read_bytes())
        _CODE_FINGERPRINT = digest.hexdigest()
    return _CODE_FINGERPRINT


_CODE_FINGERPRINT: str | None = None


def print_warning(message: str) -> None:
    print(f"briefgen: warning: {message}", file=sys.stderr, flush=True)


class Pipeline:
    def __init__(self, config: Config, warn: Callable[[str], None] = print_warning):
        self.config = config
        self.warn = warn
        self._extractor = None
        self._renderer = None
        self._pdfs_used: set[str] = set()
        self._overrides: dict[tuple, Overrides] = {}

    # ----- stages

    def read(self, path: str | Path) -> Article:
        return read_article(path, self.config.boilerplate)

    @property
    def extractor(self):
        if self._extractor is None:
            from .extract import Extractor

            self._extractor = Extractor(self.config)
        return self._extractor

    @property
    def renderer(self):
        if self._renderer is None:
            from .render import Renderer

            self._renderer = Renderer(self.config)
        return self._renderer

    def cache_key(self, article: Article) -> str:
        """Hash of the article, the extraction settings and the package version."""
        digest = hashlib.sha256()
        digest.update(article.path.read_bytes())
        digest.update(json.dumps(self.config.extraction_fingerprint(), sort_keys=True, default=str).encode())
        digest.update(__version__.encode())
        digest.update(_code_fingerprint().encode())
        return digest.hexdigest()[:32]

    def overrides(self, article: Article) -> Overrides | None:
        """The analyst's corrections of the article (``<article>.facts.yaml`` beside it), if any.

        Read once per version of the file: facts and brief both ask for them, and a
        long-lived process (``briefgen serve``) sees an edit at once.
        """
        path = overrides_path(article.path)
        try:
            stat = path.stat()
        except OSError:
            return None
        key = (str(path), stat.st_mtime_ns, stat.st_size)
        if key not in self._overrides:
            self._overrides[key] = load_overrides(path, self.config.topics)
        return self._overrides[key]

    def facts(self, article: Article, use_cache: bool = True, overrides: bool = True) -> Facts:
        """The article's facts: extraction (cached) with the analyst's corrections applied on top.

        The corrections are read on every call and never cached, so editing them
        never costs a new extraction.
        """
        corrections = self.overrides(article) if overrides else None  # a bad file fails before spaCy runs
        facts = self.extracted(article, use_cache)
        if corrections is not None:
            corrections.apply(facts, article.body, self.config.topics, self.warn)
        return facts

    def extracted(self, article: Article, use_cache: bool = True) -> Facts:
        """Extracted facts, read from the cache in ``out/cache`` when the inputs are unchanged."""
        cache = self.config.output / "cache" / "facts" / f"{article.id}-{self.cache_key(article)}.json"
        if use_cache and cache.is_file():
            try:
                return Facts.from_json(cache.read_text(encoding="utf-8"))
            except (ValueError, TypeError, KeyError):
                pass  # a stale or damaged cache entry is rebuilt
        facts = self.extractor.extract(article)
        if use_cache:
            stale = re.compile(re.escape(article.id) + r"-[0-9a-f]{32}\.json")
            for old in cache.parent.iterdir() if cache.parent.is_dir() else []:
                if stale.fullmatch(old.name):
                    old.unlink(missing_ok=True)
            atomic_write(cache, facts.to_json())
        return facts

    def html(self, article: Article, facts: Facts) -> str:
        """The brief's HTML; the analyst's corrections file gives its comment and marking."""
        return self.renderer.html(article, facts, self.overrides(article))

    def pdf(self, html: str) -> bytes:
        """The PDF of a brief's HTML, cached under a hash of the HTML, the version and the
        templates (an unchanged brief is never rendered twice)."""
        digest = hashlib.sha256(html.encode())
        digest.update(__version__.encode())
        digest.update(self._templates_fingerprint())
        cache = self.config.output / "cache" / "pdf" / f"{digest.hexdigest()[:32]}.pdf"
        self._pdfs_used.add(cache.name)
        if cache.is_file():
            return cache.read_bytes()
        data = self.renderer.pdf(html, self.config.output)
        atomic_write(cache, data)
        return data

    def _templates_fingerprint(self) -> bytes:
        """What the PDF cache key takes from the template folders: each file's name and bytes,
        as it always did. Read again only when a file's size or mtime changed, so a pipeline
        that makes many PDFs (a build, ``briefgen serve``, ``briefgen api``) stats the
        templates on each PDF instead of reading them all."""
        import stat as stat_module

        files = []
        for folder in self.renderer.template_dirs:
            for path in sorted(Path(folder).glob("*")):
                try:
                    stat = path.stat()
                except OSError:
                    continue
                if stat_module.S_ISREG(stat.st_mode):
                    files.append((path, stat.st_mtime_ns, stat.st_size))
        signature = tuple(files)
        memo = getattr(self, "_templates_memo", None)
        if memo is None or memo[0] != signature:
            memo = self._templates_memo = (signature, b"".join(path.name.encode() + path.read_bytes()
                                                                 for path, _, _ in files))
        return memo[1]

    def prune_pdf_cache(self) -> None:
        """After a run over every article: drop cached PDFs that no brief uses any more."""
        folder = self.config.output / "cache" / "pdf"
        if folder.is_dir() and self._pdfs_used:
            for path in folder.glob("*.pdf"):
                if path.name not in self._pdfs_used:
                    path.unlink(missing_ok=True)

    def write_brief(self, article: Article, facts: Facts, folder: Path, formats=None) -> list[Path]:
        formats = formats or self.config.brief.formats
        written = []
        if "json" in formats:
            written.append(atomic_write(folder / f"{article.id}.json", facts.to_json(indent=2) + "\n"))
        if "html" in formats or "pdf" in formats:
            html = self.html(article, facts)
            if "html" in formats:
                written.append(atomic_write(folder / f"{article.id}.html", html))
            if "pdf" in formats:
                written.append(atomic_write(folder / f"{article.id}.pdf", self.pdf(html)))
        return written

    # ----- the main job

    def build(self, progress: Callable[[str], None] | None = None) -> BuildReport:
        progress = progress or (lambda line: print(line, file=sys.stderr, flush=True))
        started = time.perf_counter()
        report = BuildReport()
        seeds = self.config.seeds
        if not seeds.is_dir():
            raise BriefgenError(f"seeds folder {seeds} does not exist", self.config.path)
        paths = find_articles(seeds)
        if not paths:
            progress(f"no articles in {seeds}")
        folder = self.config.output / "briefs"
        width = len(str(len(paths)))
        for n, path in enumerate(paths, 1):
            t0 = time.perf_counter()
            try:
                article = self.read(path)
                facts = self.facts(article)
                written = self.write_brief(article, facts, folder)
            except BriefgenError as exc:
                report.failed.append((str(path), str(exc)))
                progress(f"[{n:>{width}}/{len(paths)}] FAILED {exc}")
                continue
            except Exception as exc:  # a bug must not cost the other briefs
                message = f"{path}: internal error ({type(exc).__name__}: {exc}); please report it"
                report.failed.append((str(path), message))
                progress(f"[{n:>{width}}/{len(paths)}] FAILED {message}")
                continue
            report.written.extend(written)
            progress(
                f"[{n:>{width}}/{len(paths)}] {article.id}: {len(facts.actors)} actors, "
                f"{len(facts.locations)} places, {len(facts.stakes)} stakes, {len(facts.reactions)} reactions "
                f"-> {folder / article.id}.{{{','.join(self.config.brief.formats)}}} ({time.perf_counter() - t0:.1f}s)"
            )
        if not report.failed:
            self.prune_pdf_cache()
        report.seconds = time.perf_counter() - started
        return report
