"""The pipeline, top to bottom: ingest -> extract -> facts (cached JSON) -> corrections -> render.

:class:`Pipeline` keeps the heavy objects (spaCy models, geocoder, Jinja2
environment) for the life of the process, so a long-running caller pays for
them once. :mod:`briefgen.bulk` runs it over every article of the seeds folder.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path

from . import __version__
from .atomic import atomic_write
from .config import Config
from .facts import Facts, Overrides, load_overrides, overrides_path
from .ingest import Article, read_article


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
    def __init__(self, config: Config, warn: Callable[[str], None] = print_warning, pdf_renderer=None):
        self.config = config
        self.warn = warn
        self._extractor = None
        self._renderer = None
        self.pdf_renderer = pdf_renderer  # what writes the PDFs, if not the Renderer (render.side)
        self._pdfs_used: set[str] = set()
        self.last_pdf: str | None = None  # the PDF cache file of the last ``pdf`` call
        self._templates_memo: tuple[tuple, bytes] | None = None  # (files' stats, fingerprint)
        self._overrides: dict[tuple, Overrides] = {}

    # ----- stages

    def read(self, path: str | Path) -> Article:
        """An article file, or (an ``http(s)://`` address) a page downloaded into ``out/pages/``."""
        from .ingest.sources import download_article, is_url

        if is_url(path):
            return download_article(str(path), self.config)
        return read_article(path, self.config.boilerplate, self.config.limits.article_kb)

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

    def facts_cache_path(self, article: Article) -> Path:
        return self.config.output / "cache" / "facts" / f"{article.id}-{self.cache_key(article)}.json"

    def extract_missing(self, articles: list[Article]) -> set[Path]:
        """Extract and cache, in one pass of the models, the articles whose facts are not
        cached; return their paths. An article that fails is left for :meth:`facts` to report."""
        missing = [a for a in articles if not self.facts_cache_path(a).is_file()]
        done = set()
        for article, facts in zip(missing, self.extractor.extract_many(missing)):
            if isinstance(facts, Exception):  # reported by facts(), article by article
                continue
            self._store(article, facts)
            done.add(article.path)
        return done

    def extracted(self, article: Article, use_cache: bool = True) -> Facts:
        """Extracted facts, read from the cache in ``out/cache`` when the inputs are unchanged."""
        cache = self.facts_cache_path(article)
        if use_cache and cache.is_file():
            try:
                return Facts.from_cache(cache.read_text(encoding="utf-8"))
            except (OSError, ValueError, TypeError, KeyError):
                pass  # a stale or damaged cache entry is rebuilt
        facts = self.extractor.extract(article)
        if use_cache:
            self._store(article, facts)
        return facts

    def _store(self, article: Article, facts: Facts) -> None:
        """Cache an article's facts, dropping its entries for older inputs."""
        cache = self.facts_cache_path(article)
        stale = re.compile(re.escape(article.id) + r"-[0-9a-f]{32}\.json")
        for old in cache.parent.iterdir() if cache.parent.is_dir() else []:
            if stale.fullmatch(old.name):
                old.unlink(missing_ok=True)
        atomic_write(cache, facts.to_json())

    def html(self, article: Article, facts: Facts) -> str:
        """The brief's HTML; the analyst's corrections file gives its comment and marking."""
        return self.renderer.html(article, facts, self.overrides(article))

    def pdf(self, html: str, what: object = None) -> bytes:
        """The PDF of a brief's HTML, cached under a hash of the HTML, the version and the
        templates (an unchanged brief is never rendered twice). Letters no font can draw are
        a warning naming ``what`` (the article)."""
        digest = hashlib.sha256(html.encode())
        digest.update(__version__.encode())
        digest.update(self._templates_fingerprint())
        cache = self.config.output / "cache" / "pdf" / f"{digest.hexdigest()[:32]}.pdf"
        self._pdfs_used.add(cache.name)
        self.last_pdf = cache.name
        if cache.is_file():
            data = cache.read_bytes()
            if data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF"):
                return data  # else damaged (truncated, overwritten): made again
        from .render.coverage import describe, missing

        lost = missing(html)
        if lost:
            self.warn(f"{what or 'a brief'}: {describe(lost)}")
        data = (self.pdf_renderer or self.renderer).pdf(html, self.config.output)
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
        if self._templates_memo is None or self._templates_memo[0] != signature:
            fingerprint = b"".join(path.name.encode() + path.read_bytes() for path, _, _ in files)
            self._templates_memo = (signature, fingerprint)
        return self._templates_memo[1]

    def prune_pdf_cache(self, used: set[str] | None = None) -> None:
        """After a run over every article: drop cached PDFs that no brief uses any more
        (``used``: their names, when other processes made them; default: this pipeline's)."""
        used = self._pdfs_used if used is None else used
        folder = self.config.output / "cache" / "pdf"
        if folder.is_dir() and used:
            for path in folder.glob("*.pdf"):
                if path.name not in used:
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
                written.append(atomic_write(folder / f"{article.id}.pdf", self.pdf(html, article.path)))
        return written
