"""Publish: every brief of the seeds as a static site in ``out/site/``.

Pages: home (latest briefs, paginated), one page per brief (the HTML brief with
links, its PDF beside it), per actor (aliases merged across briefs), per place
(with the map of all places), per topic and per ISO week, an Atom feed, a
sitemap, a 404 page and Pagefind search. Every link is relative, so the site
works from ``file://``, from any sub-path and at the root of a domain;
``site.base_url`` is used only by the feed and the sitemap.

Incremental and deterministic: facts and PDFs come from the caches, a page is
written only when its bytes change, files of a previous build that are no longer
produced are removed, and nothing depends on the wall clock or on dict order.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..atomic import atomic_write
from ..brief import compose, marking_of, within_marking
from ..config import Config
from ..errors import BriefgenError
from ..facts import Actor, Facts, Location
from ..ingest import Article, find_articles
from ..pipeline import Pipeline
from ..text import fold

MANIFEST = ".briefgen-site.json"

SITE_LABELS = {
    "fr": {
        "home": "Accueil", "actors": "Acteurs", "places": "Lieux", "topics": "Enjeux", "weeks": "Semaines",
        "search": "Recherche", "latest": "Dernières notes", "page": "Page", "previous": "Précédente",
        "next": "Suivante", "pdf": "PDF", "briefs": "Notes", "brief": "note", "roles": "Rôles relevés",
        "seen_with": "Vu le plus souvent avec", "said": "Déclarations", "mentions": "mentions",
        "week": "Semaine", "undated": "sans date", "month": "Mois", "not_found": "Page introuvable",
        "not_found_text": "Cette page n'existe pas (ou plus). Revenez à l'accueil.", "feed": "Flux Atom",
        "all_places": "Tous les lieux", "aliases": "Autres noms", "kind": "Type", "none": "Aucune note.",
        "older": "Plus anciennes", "newer": "Plus récentes", "search_hint": "Chercher un acteur, un lieu, un mot…",
        "event_in": "lieu de l'événement", "previous_brief": "Note précédente", "next_brief": "Note suivante",
    },
    "en": {
        "home": "Home", "actors": "Actors", "places": "Places", "topics": "Stakes", "weeks": "Weeks",
        "search": "Search", "latest": "Latest briefs", "page": "Page", "previous": "Previous",
        "next": "Next", "pdf": "PDF", "briefs": "Briefs", "brief": "brief", "roles": "Roles seen",
        "seen_with": "Most often seen with", "said": "Statements", "mentions": "mentions",
        "week": "Week", "undated": "undated", "month": "Month", "not_found": "Page not found",
        "not_found_text": "This page does not exist (any more). Go back to the home page.", "feed": "Atom feed",
        "all_places": "All places", "aliases": "Other names", "kind": "Kind", "none": "No brief.",
        "older": "Older", "newer": "Newer", "search_hint": "Search an actor, a place, a word…",
        "event_in": "event location", "previous_brief": "Previous brief", "next_brief": "Next brief",
    },
}


# --------------------------------------------------------------------------- model


@dataclass
class Entry:
    """One published brief."""

    article: Article
    facts: Facts
    overrides: object | None
    marking: str
    url: str  # briefs/<id>/
    week: str  # 2023-W37, or 2023-09 when the day is unknown, or "undated"
    title: str
    summary: str
    primary: list[str]


@dataclass
class Mention:
    entry: Entry
    actor: Actor


@dataclass
class ActorPage:
    name: str
    slug: str
    kind: str
    aliases: list[str]
    roles: list[str]
    mentions: list[Mention] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"actors/{self.slug}/"


@dataclass
class PlacePage:
    name: str
    slug: str
    location: Location
    entries: list[Entry] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"places/{self.slug}/"


@dataclass
class SiteReport:
    written: list[Path] = field(default_factory=list)
    unchanged: int = 0
    removed: list[Path] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # left out: marking above the limit
    failed: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    pages: int = 0

    @property
    def ok(self) -> bool:
        return not self.failed


def site_dir(config: Config) -> Path:
    return config.output / "site"


# --------------------------------------------------------------------------- build


Warm = Callable[[list[Path]], None]


def build_site(pipeline: Pipeline, progress: Callable[[str], None] | None = None,
               warm: Warm | None = None) -> SiteReport:
    """Write the site to ``out/site``; return what was written, kept and removed. ``warm``
    (see :func:`collect`) makes the briefs' facts and PDFs in parallel first."""
    progress = progress or (lambda line: print(line, file=sys.stderr, flush=True))
    config = pipeline.config
    started = time.perf_counter()
    report = SiteReport()
    if not config.seeds.is_dir():
        raise BriefgenError(f"seeds folder {config.seeds} does not exist", config.path)
    out = site_dir(config)
    writer = Writer(out, report)
    entries = collect(pipeline, report, progress, warm)
    actors = actor_pages(entries)
    places = place_pages(entries)
    lang = config.site.locale
    renderer = pipeline.renderer
    env = renderer.env
    t = SITE_LABELS[lang]
    from ..render.renderer import LABELS

    kinds = LABELS[lang]["kinds"]  # actor and place kinds in the site's language ("pays", not "country")
    common = {"site": config.site, "s": t, "lang": lang, "version": _version(), "kinds": kinds}

    def page(template: str, path: str, root: str | None = None, **context) -> None:
        root = "../" * path.count("/") if root is None else root
        html = env.get_template(template).render(root=root, path=path, **common, **context)
        writer.write(path, html)

    links = Links(actors, places)
    ordered = sorted(entries, key=lambda e: (e.article.date or "", e.article.id), reverse=True)
    # brief pages, with their PDF
    for i, entry in enumerate(ordered):
        newer = ordered[i - 1] if i > 0 else None
        older = ordered[i + 1] if i + 1 < len(ordered) else None
        nav = SiteNav(root="../../", links=links, pdf=f"{entry.article.id}.pdf", newer=newer, older=older, labels=t,
                      site_title=config.site.title)
        html = renderer.html(entry.article, entry.facts, entry.overrides, site=nav)
        writer.write(entry.url + "index.html", html)
        writer.write_bytes(entry.url + f"{entry.article.id}.pdf", pipeline.pdf(renderer.html(entry.article, entry.facts, entry.overrides)))
    # home, paginated
    per = config.site.per_page
    chunks = [ordered[i:i + per] for i in range(0, len(ordered), per)] or [[]]
    for n, chunk in enumerate(chunks, 1):
        path = "index.html" if n == 1 else f"page/{n}/index.html"
        page("site/home.html.j2", path, entries=chunk, number=n, pages=len(chunks), links=links)
    # actors, places, topics, weeks
    page("site/actors.html.j2", "actors/index.html", actors=sorted(actors, key=lambda a: fold(a.name)))
    for a in actors:
        page("site/actor.html.j2", a.url + "index.html", actor=a, seen_with=seen_with(a, actors, links), links=links)
    all_locations = [p.location for p in places]
    from ..brief import ATTRIBUTION, locator_map

    world = locator_map([_plain(loc) for loc in all_locations], lang=lang, width=800, height=420,
                        title=t["all_places"]) if all_locations else None
    page("site/places.html.j2", "places/index.html", places=sorted(places, key=lambda p: fold(p.name)),
         map_svg=world, attribution=ATTRIBUTION)
    for p in places:
        page("site/place.html.j2", p.url + "index.html", place=p,
             map_svg=locator_map([p.location], lang=lang, width=640, height=300, title=p.name), attribution=ATTRIBUTION)
    topics = topic_index(entries, config, lang)
    page("site/topics.html.j2", "topics/index.html", topics=topics)
    for topic in topics:
        page("site/topic.html.j2", f"topics/{topic['id']}/index.html", topic=topic)
    weeks = week_index(ordered)
    page("site/weeks.html.j2", "weeks/index.html", weeks=weeks)
    for week in weeks:
        page("site/week.html.j2", f"weeks/{week['key']}/index.html", week=week)
    from urllib.parse import urlsplit

    # a 404 page is served at any depth: its links start from the site's own path, its CSS is inline
    base = urlsplit(config.site.base_url or "/").path or "/"
    page("site/404.html.j2", "404.html", root=base if base.endswith("/") else base + "/",
         inline_css=env.loader.get_source(env, "site/site.css")[0])
    if config.site.search:
        from .search import search_ui_html

        page("site/search.html.j2", "search/index.html", search_ui=lambda root: search_ui_html(root, lang))
    writer.write("feed.xml", atom_feed(ordered, config))
    writer.write("sitemap.xml", sitemap(writer.html_paths(), config))
    writer.write("assets/site.css", env.loader.get_source(env, "site/site.css")[0])
    removed_or_changed = writer.finish()
    if not report.failed:
        pipeline.prune_pdf_cache()
    if config.site.search and (removed_or_changed or not (out / "pagefind").is_dir()):
        from .search import index_site

        index_site(out, language=lang)
    report.pages = len(writer.html_paths())
    report.seconds = time.perf_counter() - started
    return report


def collect(pipeline: Pipeline, report: SiteReport, progress, warm: Warm | None = None) -> list[Entry]:
    """The site's briefs: each article within the site's marking with its facts. ``warm``
    first fills the facts and PDF caches of those articles (in parallel), so that what
    follows reads them from the caches."""
    config = pipeline.config
    paths = find_articles(config.seeds)
    width = len(str(len(paths)))
    kept = []
    for n, path in enumerate(paths, 1):
        try:
            article = pipeline.read(path)
            overrides = pipeline.overrides(article)
            # the marking first: a brief left out of the site is never extracted
            marking = marking_of(article, config, getattr(overrides, "marking", None))
        except BriefgenError as exc:
            report.failed.append((str(path), str(exc)))
            progress(f"[{n:>{width}}/{len(paths)}] FAILED {exc}")
            continue
        if not within_marking(marking, config.site.max_marking, config.site.include_restricted):
            report.skipped.append(article.id)
            progress(f"[{n:>{width}}/{len(paths)}] {article.id}: {marking}, above {config.site.max_marking}: left out")
            continue
        kept.append((n, path, article, overrides, marking))
    if warm is not None:
        warm([path for _, path, *_ in kept])
    entries = []
    for n, path, article, overrides, marking in kept:
        try:
            facts = pipeline.facts(article)
        except BriefgenError as exc:
            report.failed.append((str(path), str(exc)))
            progress(f"[{n:>{width}}/{len(paths)}] FAILED {exc}")
            continue
        brief = compose(article, facts, config, marking=marking)
        entries.append(Entry(
            article=article, facts=facts, overrides=overrides, marking=marking,
            url=f"briefs/{article.id}/", week=week_of(article.date), title=brief.title,
            summary=one_line(brief), primary=[a.name for a in brief.primary],
        ))
        if warm is None:
            progress(f"[{n:>{width}}/{len(paths)}] {article.id}")
    return entries


def one_line(brief) -> str:
    """The bottom line in one line: who, where, when."""
    who = ", ".join(a.name for a in brief.primary)
    parts = [who] if who else []
    if brief.event:
        parts.append(brief.event.name + (f" ({brief.event_country})" if brief.event_country else ""))
    if brief.date_text:
        parts.append(brief.date_text)
    return " · ".join(parts)


def week_of(date: str | None) -> str:
    if not date:
        return "undated"
    parts = date.split("-")
    if len(parts) < 3:
        return date[:7]
    year, week, _ = dt.date(int(parts[0]), int(parts[1]), int(parts[2])).isocalendar()
    return f"{year}-W{week:02d}"


# --------------------------------------------------------------------------- cross-brief indexes


def actor_pages(entries: list[Entry]) -> list[ActorPage]:
    """One page per real-world actor: actors of different briefs that share a name or an
    alias (case and accents folded) are merged, the same way as within one brief."""
    parent: dict[int, int] = {}
    items: list[tuple[Entry, Actor]] = [(e, a) for e in entries for a in e.facts.actors]

    def find(i: int) -> int:
        while parent.setdefault(i, i) != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[tuple[str, str], int] = {}
    for i, (_, actor) in enumerate(items):
        find(i)
        for form in [actor.name, *actor.aliases]:
            key = (_kind_group(actor.kind), fold(form))
            if not key[1]:
                continue
            if key in owner:
                parent[find(i)] = find(owner[key])
            else:
                owner[key] = i
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(items)):
        groups[find(i)].append(i)
    pages = []
    used: set[str] = set()
    for members in sorted(groups.values(), key=lambda m: min(m)):
        actors = [items[i][1] for i in members]
        names = Counter(a.name for a in actors)
        name = max(names, key=lambda n: (names[n], len(n), n))
        aliases = sorted({f for a in actors for f in [a.name, *a.aliases]} - {name}, key=fold)
        roles = sorted({a.role for a in actors if a.role}, key=fold)
        kind = Counter(a.kind for a in actors).most_common(1)[0][0]
        page = ActorPage(name, unique_slug(name, used), kind, aliases, roles)
        page.mentions = sorted((Mention(items[i][0], items[i][1]) for i in members),
                               key=lambda m: (m.entry.article.date or "", m.entry.article.id), reverse=True)
        pages.append(page)
    return pages


def _kind_group(kind: str) -> str:
    # people merge with people; countries, bodies and groups with each other (a capital, a body)
    return "person" if kind == "person" else "other"


def place_pages(entries: list[Entry]) -> list[PlacePage]:
    by_key: dict[str, PlacePage] = {}
    used: set[str] = set()
    alias_of: dict[str, str] = {}
    for entry in sorted(entries, key=lambda e: e.article.id):
        for loc in entry.facts.locations:
            keys = [f"{fold(f)}|{loc.country or ''}" for f in [loc.name, *loc.aliases]]
            key = next((alias_of[k] for k in keys if k in alias_of), keys[0])
            page = by_key.get(key)
            if page is None:
                page = by_key[key] = PlacePage(loc.name, unique_slug(loc.name, used), _plain(loc))
            for k in keys:
                alias_of.setdefault(k, key)
            if entry not in page.entries:
                page.entries.append(entry)
            if page.location.lat is None and loc.lat is not None:
                page.location = _plain(loc)
    for page in by_key.values():
        page.entries.sort(key=lambda e: (e.article.date or "", e.article.id), reverse=True)
    return list(by_key.values())


def _plain(loc: Location) -> Location:
    """A place for a map of several briefs: no event marker."""
    return Location(loc.name, list(loc.aliases), loc.kind, loc.country, loc.lat, loc.lon, False, [])


def seen_with(actor: ActorPage, actors: list[ActorPage], links: "Links", n: int = 5) -> list[tuple[ActorPage, int]]:
    briefs = {m.entry.article.id for m in actor.mentions}
    counts = []
    for other in actors:
        if other is actor:
            continue
        shared = len(briefs & {m.entry.article.id for m in other.mentions})
        if shared:
            counts.append((other, shared))
    counts.sort(key=lambda oc: (-oc[1], -sum(m.actor.mentions for m in oc[0].mentions), fold(oc[0].name)))
    return counts[:n]


def topic_index(entries: list[Entry], config: Config, lang: str) -> list[dict]:
    topics = []
    for topic_id, topic in config.topics.items():
        found = [e for e in entries if any(s.topic == topic_id for s in e.facts.stakes)]
        if found:
            label = topic.label.get(lang) or next(iter(topic.label.values()), topic_id)
            found.sort(key=lambda e: (e.article.date or "", e.article.id), reverse=True)
            topics.append({"id": topic_id, "label": label, "entries": found})
    return topics


def week_index(ordered: list[Entry]) -> list[dict]:
    weeks: dict[str, list[Entry]] = defaultdict(list)
    for e in ordered:
        weeks[e.week].append(e)
    return [{"key": k, "entries": weeks[k]} for k in sorted(weeks, reverse=True)]


class Links:
    """Relative addresses of actor, place and topic pages, by the names a brief uses."""

    def __init__(self, actors: list[ActorPage], places: list[PlacePage]):
        self.actor_urls = {}
        for a in actors:
            for form in [a.name, *a.aliases]:
                self.actor_urls.setdefault(fold(form), a.url)
        self.place_urls = {}
        for p in places:
            for form in [p.name, *p.location.aliases]:
                self.place_urls.setdefault(fold(form), p.url)

    def actor(self, name: str) -> str | None:
        return self.actor_urls.get(fold(name))

    def place(self, name: str) -> str | None:
        return self.place_urls.get(fold(name))


@dataclass
class SiteNav:
    """What a brief page needs from the site: root, links, its PDF, previous and next."""

    root: str
    links: Links
    pdf: str
    newer: Entry | None
    older: Entry | None
    labels: dict
    site_title: str

    # file:// does not open a folder's index.html by itself: every link names the file
    def actor(self, name: str) -> str | None:
        url = self.links.actor(name)
        return f"{self.root}{url}index.html" if url else None

    def place(self, name: str) -> str | None:
        url = self.links.place(name)
        return f"{self.root}{url}index.html" if url else None

    def topic(self, topic_id: str) -> str:
        return f"{self.root}topics/{topic_id}/index.html"


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug or "x" + hashlib.sha1(text.encode()).hexdigest()[:8]


def unique_slug(text: str, used: set[str]) -> str:
    base = slugify(text)
    slug, n = base, 2
    while slug in used:
        slug, n = f"{base}-{n}", n + 1
    used.add(slug)
    return slug


# --------------------------------------------------------------------------- feed and sitemap


def atom_feed(ordered: list[Entry], config: Config) -> str:
    from feedgen.feed import FeedGenerator

    base = (config.site.base_url or "").rstrip("/") + "/" if config.site.base_url else ""
    fg = FeedGenerator()
    fg.id(base or "urn:briefgen:site")
    fg.title(config.site.title)
    fg.language(config.site.locale)
    fg.link(href=(base or "./") + "feed.xml", rel="self")
    fg.link(href=base or "./", rel="alternate")
    fg.generator("briefgen", _version())
    fg.author({"name": config.brief.organisation})  # RFC 4287 4.1.1: the briefs' producer
    newest = next((e for e in ordered if e.article.date), None)
    fg.updated(_timestamp(newest.article.date if newest else None))
    for e in reversed(ordered[: config.site.feed_items]):
        fe = fg.add_entry()
        fe.id((base + e.url) if base else f"urn:briefgen:{e.article.id}")
        fe.title(f"[{e.marking}] {e.title}")
        fe.link(href=(base or "") + e.url)
        fe.summary(e.summary)
        fe.author({"name": config.brief.organisation})  # 4.1.2: each entry names its author too
        fe.updated(_timestamp(e.article.date))
        fe.published(_timestamp(e.article.date))
    return fg.atom_str(pretty=True).decode("utf-8")


def sitemap(paths: list[str], config: Config) -> str:
    from xml.sax.saxutils import escape

    base = (config.site.base_url or "./").rstrip("/") + "/"
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for path in sorted(paths):
        if path == "404.html":
            continue
        url = base + (path[: -len("index.html")] if path.endswith("index.html") else path)
        lines.append(f"  <url><loc>{escape(url)}</loc></url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def _timestamp(date: str | None) -> dt.datetime:
    if not date:
        return dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
    parts = [int(p) for p in date.split("-")] + [1, 1]
    return dt.datetime(parts[0], parts[1], parts[2], tzinfo=dt.timezone.utc)


def _version() -> str:
    from .. import __version__

    return __version__


# --------------------------------------------------------------------------- writing


class Writer:
    """Writes a page only when its bytes change; removes what a previous build left."""

    def __init__(self, root: Path, report: SiteReport):
        self.root = root
        self.report = report
        self.paths: list[str] = []
        self.changed = False

    def write(self, rel: str, text: str) -> None:
        self.write_bytes(rel, text.encode("utf-8"))

    def write_bytes(self, rel: str, data: bytes) -> None:
        if rel in self.paths:
            raise AssertionError(f"two pages want {rel}")
        self.paths.append(rel)
        target = self.root / rel
        if target.is_file() and target.stat().st_size == len(data) and target.read_bytes() == data:
            self.report.unchanged += 1
            return
        atomic_write(target, data)
        self.report.written.append(target)
        self.changed = True

    def html_paths(self) -> list[str]:
        return [p for p in self.paths if p.endswith(".html")]

    def finish(self) -> bool:
        """Remove files of the previous build that this one did not produce; save the manifest."""
        manifest = self.root / MANIFEST
        before = []
        if manifest.is_file():
            try:
                before = json.loads(manifest.read_text(encoding="utf-8"))
            except ValueError:
                before = []
        keep = set(self.paths)
        for rel in before:
            if rel not in keep:
                path = self.root / rel
                if path.is_file():
                    path.unlink()
                    self.report.removed.append(path)
                    self.changed = True
                    _prune_empty(path.parent, self.root)
        atomic_write(manifest, json.dumps(sorted(self.paths), indent=0) + "\n")
        return self.changed


def _prune_empty(folder: Path, root: Path) -> None:
    while folder != root and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
