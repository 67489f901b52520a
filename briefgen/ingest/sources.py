"""``briefgen fetch``: the configured feeds and pages in, new articles in ``seeds/`` out.

In: ``config.sources`` (RSS 2.0 / Atom feeds, read by feedparser, and single pages),
``config.fetch``, ``out/fetch-state.json``. Out: ``seeds/<date>-<slug>.md`` per new story
(front matter: title, date, source, url, language, fetched_at; the article's main text as
trafilatura found it), written atomically; the state file (conditional-request validators,
the stories seen by URL, feed GUID and a hash of the normalised text, the items that failed);
a :class:`FetchReport` (new, unchanged, duplicates, failed).

A story is never saved twice; an item that fails is reported, skipped, and tried again on
the next run; the state is saved after every item, so an interrupted run loses nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from ..atomic import atomic_write
from ..config import Config, Source
from ..errors import BriefgenError
from ..text import fold
from .http import FEED_TYPES, PAGE_TYPES, Fetcher, FetchError

STATE_VERSION = 1


@dataclass
class Item:
    """A story to fetch: a feed entry, or a page source."""

    url: str
    source: Source
    guid: str | None = None
    title: str | None = None
    date: str | None = None  # YYYY-MM-DD, from the feed


@dataclass
class FetchReport:
    new: list[str] = field(default_factory=list)  # the seed files written
    unchanged: int = 0  # feeds and pages not modified, and stories already saved
    duplicates: list[str] = field(default_factory=list)  # a story saved before under another URL or GUID
    failed: list[tuple[str, str]] = field(default_factory=list)  # (url, why)
    skipped: int = 0  # older than --since, or past --limit

    def summary(self) -> str:
        return (f"fetch: {len(self.new)} new, {self.unchanged} unchanged, {len(self.duplicates)} duplicate(s), "
                f"{len(self.failed)} failed" + (f", {self.skipped} skipped" if self.skipped else ""))


class FetchState:
    """``out/fetch-state.json``: what earlier runs saw."""

    def __init__(self, path: Path):
        self.path = path
        self.data = {"version": STATE_VERSION, "validators": {}, "urls": {}, "guids": {}, "texts": {}, "failed": {}}
        if path.is_file():
            try:
                loaded = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise BriefgenError(f"cannot read the fetch state ({exc}); move it away to start afresh", path) from None
            if not isinstance(loaded, dict) or loaded.get("version") != STATE_VERSION:
                raise BriefgenError("not a fetch state this briefgen knows; move it away to start afresh", path)
            self.data.update(loaded)

    def save(self) -> None:
        atomic_write(self.path, json.dumps(self.data, indent=1, ensure_ascii=False, sort_keys=True) + "\n")

    def seen(self, item: Item) -> str | None:
        """The seed file of a story already saved under this URL or GUID."""
        return self.data["urls"].get(item.url) or (self.data["guids"].get(item.guid) if item.guid else None)

    def remember(self, item: Item, seed: str, text_hash: str) -> None:
        self.data["urls"][item.url] = seed
        if item.guid:
            self.data["guids"][item.guid] = seed
        self.data["texts"].setdefault(text_hash, seed)
        self.data["failed"].pop(item.url, None)


def run_fetch(config: Config, since: str | None = None, limit: int | None = None, fetcher: Fetcher | None = None,
              progress=None, now: dt.datetime | None = None) -> FetchReport:
    """Fetch every configured source once; see the module docstring. ``progress(total)``, if
    given, makes a context whose ``advance(ok, line)`` is called after each story."""
    if not config.sources:
        raise BriefgenError("no sources: list feeds or pages under 'sources:'", config.path)
    state = FetchState(config.output / "fetch-state.json")
    report = FetchReport()
    now = now or dt.datetime.now(dt.timezone.utc)
    own = fetcher is None
    fetcher = fetcher or Fetcher(config.fetch)
    try:
        items = _items(config, state, fetcher, report)
        items += _retries(config, state, items)
        todo = []
        for item in items:
            if state.seen(item):
                report.unchanged += 1
            elif since and item.date and item.date < since:
                report.skipped += 1
            else:
                todo.append(item)
        if limit is not None and len(todo) > limit:
            report.skipped += len(todo) - limit
            todo = todo[:limit]
        config.seeds.mkdir(parents=True, exist_ok=True)
        with progress(len(todo)) if progress else contextlib.nullcontext() as shown:
            for item in todo:
                failures = len(report.failed)
                line = _fetch_item(config, state, fetcher, item, report, now)
                state.save()
                if shown is not None:
                    shown.advance(len(report.failed) == failures, line)
    finally:
        state.save()
        if own:
            fetcher.close()
    return report


def _items(config: Config, state: FetchState, fetcher: Fetcher, report: FetchReport) -> list[Item]:
    """The entries of every feed (not modified: none) and every page source."""
    items: list[Item] = []
    validators = state.data["validators"]
    for source in config.sources:
        if source.kind == "page":
            items.append(Item(source.url, source))
            continue
        known = validators.get(source.url, {})
        try:
            got = fetcher.get(source.url, FEED_TYPES, known.get("etag"), known.get("last_modified"))
        except FetchError as exc:
            report.failed.append((source.url, str(exc)))
            continue
        if got.not_modified:
            report.unchanged += 1
            continue
        try:
            entries = parse_feed(got.body, source)
        except BriefgenError as exc:
            report.failed.append((source.url, str(exc)))
            continue
        validators[source.url] = _validators(got)
        items.extend(entries)
    return items


def _validators(got) -> dict:
    """What a conditional request sends next time: the answer's ETag and Last-Modified."""
    return {k: v for k, v in (("etag", got.headers.get("etag")), ("last_modified", got.headers.get("last-modified")))
            if v}


def _retries(config: Config, state: FetchState, items: list[Item]) -> list[Item]:
    """Items that failed on an earlier run and are not in this run's feeds (gone from them)."""
    present = {item.url for item in items}
    by_url = {s.url: s for s in config.sources}
    again = []
    for url, record in state.data["failed"].items():
        source = by_url.get(record.get("source"))
        if url not in present and source is not None:
            again.append(Item(url, source, record.get("guid"), record.get("title"), record.get("date")))
    return again


def parse_feed(body: bytes, source: Source) -> list[Item]:
    """The entries of an RSS 2.0 or Atom document, with their link, GUID, title and date."""
    import feedparser

    parsed = feedparser.parse(body)
    if parsed.get("bozo") and not parsed.entries:
        problem = parsed.get("bozo_exception")
        raise BriefgenError(f"{source.url}: not a feed ({problem})" if problem else f"{source.url}: not a feed")
    items = []
    for entry in parsed.entries:
        link = entry.get("link")
        if not link or urlsplit(link).scheme not in ("http", "https"):
            continue
        when = entry.get("published_parsed") or entry.get("updated_parsed")
        date = dt.date(*when[:3]).isoformat() if when else None
        items.append(Item(link, source, entry.get("id") or None, entry.get("title") or None, date))
    return items


def _fetch_item(config: Config, state: FetchState, fetcher: Fetcher, item: Item, report: FetchReport,
                now: dt.datetime) -> str:
    """Download one story and save it as a seed; the line that says what happened."""
    from .files import page_article

    validators = state.data["validators"].get(item.url, {}) if item.source.kind == "page" else {}
    try:
        got = fetcher.get(item.url, PAGE_TYPES, validators.get("etag"), validators.get("last_modified"))
        if got.not_modified:
            report.unchanged += 1
            return f"unchanged {item.url}"
        article = page_article(got.body, Path(_slug(item.title or item.url) + ".html"), config.boilerplate,
                               url=got.url, source=item.source.name, language=item.source.language)
    except (FetchError, BriefgenError) as exc:
        message = exc.message if isinstance(exc, BriefgenError) else str(exc)
        state.data["failed"][item.url] = {"source": item.source.url, "guid": item.guid, "title": item.title,
                                          "date": item.date, "error": message,
                                          "tries": state.data["failed"].get(item.url, {}).get("tries", 0) + 1}
        report.failed.append((item.url, message))
        return f"failed {item.url} (see below)"
    if item.source.kind == "page":
        state.data["validators"][item.url] = _validators(got)
    text_hash = hashlib.sha256(" ".join(fold(article.body).split()).encode()).hexdigest()
    earlier = state.data["texts"].get(text_hash)
    if earlier:
        state.remember(item, earlier, text_hash)
        report.duplicates.append(item.url)
        return f"duplicate {item.url} (saved as {earlier})"
    date = article.date or item.date
    seed = _seed_path(config.seeds, date or now.date().isoformat(), article.title or item.title or item.url)
    atomic_write(seed, seed_text(article, item, date, now))
    state.remember(item, seed.name, text_hash)
    report.new.append(str(seed))
    return f"new {seed.name}"


def seed_text(article, item: Item, date: str | None, now: dt.datetime) -> str:
    """The seed file: YAML front matter, then the body as Markdown that reads back to the same text."""
    import yaml

    from .files import markdown_to_text

    meta = {"title": article.title or item.title, "date": date, "source": article.source, "url": article.url,
            "language": article.language, "fetched_at": now.strftime("%Y-%m-%dT%H:%M:%SZ")}
    if item.source.reliability:
        meta["reliability"] = item.source.reliability
    if article.meta.get("author"):
        meta["author"] = article.meta["author"]
    front = yaml.safe_dump({k: v for k, v in meta.items() if v}, allow_unicode=True, sort_keys=False)
    paragraphs = [p for p in article.body.split("\n\n") if p.strip()]
    markdown = "\n\n".join(markdown_escape(p) for p in paragraphs) + "\n"
    if markdown_to_text(markdown) != "\n\n".join(paragraphs) + "\n":  # never save a text that reads back changed
        markdown = "\n\n".join(markdown_escape(p, everything=True) for p in paragraphs) + "\n"
    return f"---\n{front}---\n\n{markdown}"


_MARKUP = re.compile(r"([\\`*_\[\]<>&!#|~])")
_LINE_START = re.compile(r"^(\s*)([-+=>]|\d+[.)])", re.M)
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def markdown_escape(text: str, everything: bool = False) -> str:
    """CommonMark that reads back as ``text``: backslashes before what could be markup (with
    ``everything``, before every ASCII punctuation mark, which CommonMark always allows)."""
    if everything:
        return _PUNCTUATION.sub(r"\\\1", text)
    escaped = _MARKUP.sub(r"\\\1", text)
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2) if len(m.group(2)) == 1
                           else m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1], escaped)


def _slug(text: str, width: int = 60) -> str:
    words = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
    return (words[:width].rsplit("-", 1)[0] if len(words) > width else words) or "article"


def _seed_path(folder: Path, date: str, title: str) -> Path:
    base = f"{date}-{_slug(title)}"
    path, n = folder / f"{base}.md", 2
    while path.exists():
        path, n = folder / f"{base}-{n}.md", n + 1
    return path


def is_url(value) -> bool:
    return isinstance(value, str) and re.match(r"https?://", value, re.I) is not None


def download_article(url: str, config: Config, fetcher: Fetcher | None = None):
    """One page from the web as an Article (``briefgen brief URL``): the page is kept in
    ``out/pages/`` (what the facts cache and the brief trace back to), never in ``seeds/``."""
    from .files import page_article

    own = fetcher is None
    fetcher = fetcher or Fetcher(config.fetch)
    try:
        got = fetcher.get(url, PAGE_TYPES)
    except FetchError as exc:
        raise BriefgenError(str(exc)) from None
    finally:
        if own:
            fetcher.close()
    parts = urlsplit(got.url)
    saved = config.output / "pages" / f"{_slug(parts.netloc + ' ' + parts.path, 80)}.html"
    atomic_write(saved, got.body)
    return page_article(got.body, saved, config.boilerplate, url=got.url)
