"""Selection and events: the briefs of a period, grouped by the event they report.

In: a pipeline (its config, the articles of ``seeds/``, their overrides and facts) and a
:class:`~.period.Period`. Out: a :class:`Selection` (the period's :class:`DigestBrief` in date
order, and what was left out: restricted, unplaced, failed) and, from its briefs, the
:class:`Event` items of the digest (:func:`group_events`).

* **Selection** (:func:`select`): the briefs whose article date lies inside the period. A
  date is an interval (``2023-09-13`` one day, ``2023-09`` the whole month), taken only when
  the whole interval is inside the period: a month-only date never fits a week, and fits a
  ``--since``/``--until`` range that covers the whole month. A brief marked above
  ``digest.max_marking`` is left out unless ``digest.include_restricted``. Only the articles
  of the period are extracted (facts come from the cache when they can).
* **Events** (:func:`group_events`): briefs that report the same event are one item, "N
  reports from M sources". Two briefs report the same event when (1) both name an event
  location and these share a name or alias (case, accents and punctuation folded) and no
  different country, (2) they share at least one primary actor (name or alias, folded), and
  (3) both have a full date and the dates are at most ``SAME_EVENT_DAYS`` (3) days apart.
  Items are the connected groups of that relation, in date order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from ..brief import Brief, Marking, compose, format_date, marking_of, within_marking
from ..config import TLP_LEVELS, Config
from ..errors import BriefgenError, internal_error
from ..facts import Actor, Facts
from ..ingest import Article, find_articles
from ..text import fold
from .period import DIGEST_LABELS, Period, count, date_bounds

SAME_EVENT_DAYS = 3  # briefs of one event: dates at most this many days apart
MAX_QUOTE = 240  # characters of a quoted reaction
MAX_LEAD = 320  # characters of an article's lead sentence


# --------------------------------------------------------------------------- briefs


@dataclass
class DigestBrief:
    """One brief of the digest: its article, facts, marking and composed brief."""

    article: Article
    facts: Facts
    marking: str
    brief: Brief
    overrides: object | None = None
    url: str | None = None  # its page on the published site, when site.base_url is set

    @property
    def id(self) -> str:
        return self.article.id

    @property
    def date(self) -> str | None:
        return self.facts.article.date or self.article.date

    @property
    def title(self) -> str:
        return self.brief.title

    @property
    def summary(self) -> str:
        from .site import one_line

        return one_line(self.brief)

    @property
    def source(self) -> str | None:
        from ..render import source_label

        return source_label(self.article.source) or None


def make_brief(article: Article, facts: Facts, config: Config, marking: str | None = None,
               overrides=None) -> DigestBrief:
    marking = marking or marking_of(article, config, getattr(overrides, "marking", None))
    brief = compose(article, facts, config, marking=marking)
    return DigestBrief(article, facts, marking, brief, overrides, site_url(config, article.id, marking))


def site_url(config: Config, article_id: str, marking: str) -> str | None:
    """``<base_url>briefs/<id>/`` when the site is published and shows this brief."""
    site = config.site
    if not site.base_url:
        return None
    if not within_marking(marking, site.max_marking, site.include_restricted):
        return None  # the site leaves it out: no link to a page that does not exist
    return site.base_url.rstrip("/") + f"/briefs/{article_id}/"


@dataclass
class Selection:
    briefs: list[DigestBrief] = field(default_factory=list)
    restricted: list[tuple[str, str]] = field(default_factory=list)  # (id, marking) left out
    unplaced: list[tuple[str, str]] = field(default_factory=list)  # (id, date) overlapping but not inside
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file, message)


def select(pipeline, period: Period, progress: Callable[[str], None] | None = None,
           warm: Callable[[list], None] | None = None) -> Selection:
    """The period's briefs (by article date), without those marked above ``digest.max_marking``.
    ``warm`` first fills the facts cache of the period's articles (in parallel)."""
    progress = progress or (lambda line: None)
    config = pipeline.config
    selection = Selection()
    if not config.seeds.is_dir():
        raise BriefgenError(f"seeds folder {config.seeds} does not exist", config.path)
    kept = []
    for path in find_articles(config.seeds):
        try:
            article = pipeline.read(path)
        except BriefgenError as exc:  # its date is unknown: it may belong to the period
            selection.failed.append((str(path), str(exc)))
            continue
        if not period.contains(article.date):
            if period.overlaps(article.date):
                selection.unplaced.append((article.id, article.date or ""))
            continue
        try:
            overrides = pipeline.overrides(article)
            # the marking first: a brief left out by its marking is never extracted
            marking = marking_of(article, config, getattr(overrides, "marking", None))
        except BriefgenError as exc:
            selection.failed.append((str(path), str(exc)))
            continue
        if not within_marking(marking, config.digest.max_marking, config.digest.include_restricted):
            selection.restricted.append((article.id, marking))
            continue
        kept.append((path, article, overrides, marking))
    if warm is not None:
        warm([path for path, *_ in kept])
    for path, article, overrides, marking in kept:
        try:
            facts = pipeline.facts(article)
        except BriefgenError as exc:
            selection.failed.append((str(path), str(exc)))
            continue
        except Exception as exc:  # a bug must not cost the other briefs
            selection.failed.append((str(path), internal_error(path, exc)))
            continue
        selection.briefs.append(make_brief(article, facts, config, marking, overrides))
        progress(f"{article.id}: {marking}, {article.date}")
    selection.briefs.sort(key=lambda b: (b.date or "", b.id))
    return selection


# --------------------------------------------------------------------------- events


def _forms(actor: Actor) -> set[str]:
    return {f for f in (fold(x) for x in [actor.name, *actor.aliases]) if f}


def same_event(a: DigestBrief, b: DigestBrief, days: int = SAME_EVENT_DAYS) -> bool:
    """Same event location (name or alias, folded; same country when both say), at least one
    shared primary actor (name or alias, folded), full dates at most ``days`` apart."""
    ea, eb = a.facts.event_location, b.facts.event_location
    if ea is None or eb is None:
        return False
    places_a = {fold(x) for x in [ea.name, *ea.aliases]} - {""}
    places_b = {fold(x) for x in [eb.name, *eb.aliases]} - {""}
    if not places_a & places_b:
        return False
    if ea.country and eb.country and ea.country != eb.country:
        return False
    actors_a = set().union(*(_forms(x) for x in a.brief.primary))
    actors_b = set().union(*(_forms(x) for x in b.brief.primary))
    if not actors_a & actors_b:
        return False
    da, db = date_bounds(a.date), date_bounds(b.date)
    if da is None or db is None or da[0] != da[1] or db[0] != db[1]:
        return False  # a month-only date cannot be placed within days of another
    return abs((da[0] - db[0]).days) <= days


@dataclass
class ReactionLine:
    speaker: str
    role: str | None
    kind: str  # direct, indirect
    text: str


@dataclass
class Event:
    """One item of the digest: a brief, or several briefs that report the same event."""

    briefs: list[DigestBrief]
    sources: list[str]
    marking: Marking  # the most restrictive of its briefs
    actors: list[tuple[str, str | None]]  # (name, role) of the primary actors
    reactions: list[ReactionLine]
    title: str
    summary: str
    lead: str | None
    url: str | None
    date_text: str | None
    reports_text: str | None  # "3 notes de 2 sources" for a group, else None

    @property
    def grouped(self) -> bool:
        return len(self.briefs) > 1


def group_events(briefs: list[DigestBrief], lang: str = "fr", days: int = SAME_EVENT_DAYS) -> list[Event]:
    """Briefs grouped by event (connected groups of :func:`same_event`), in date order."""
    ordered = sorted(briefs, key=lambda b: (b.date or "", b.id))
    parent = list(range(len(ordered)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(ordered)):
        for j in range(i + 1, len(ordered)):
            if find(i) != find(j) and same_event(ordered[i], ordered[j], days):
                parent[find(j)] = find(i)
    groups: dict[int, list[DigestBrief]] = {}
    for i, b in enumerate(ordered):
        groups.setdefault(find(i), []).append(b)
    return [make_event(members, lang) for members in groups.values()]


def make_event(members: list[DigestBrief], lang: str) -> Event:
    t = DIGEST_LABELS[lang]
    first = members[0]
    sources: list[str] = []
    for b in members:
        # an article without a source counts as its own source (we cannot tell it is the same)
        name = b.source or f"#{b.id}"
        if name not in sources:
            sources.append(name)
    marking = max((b.marking for b in members), key=TLP_LEVELS.index)
    actors: list[tuple[str, str | None]] = []
    seen: set[str] = set()
    for b in members:
        for a in b.brief.primary:
            forms = _forms(a)
            if forms & seen:
                continue
            seen |= forms
            actors.append((a.name, a.role))
    reactions: list[ReactionLine] = []
    limit = 3 if len(members) > 1 else 2
    candidates = [(b, r) for b in members for r in b.brief.reactions]
    candidates.sort(key=lambda br: br[1].kind != "direct")  # quotes first, stable otherwise
    speakers: set[str] = set()
    for _, r in candidates:
        if len(reactions) == limit:
            break
        if fold(r.speaker) in speakers:
            continue
        speakers.add(fold(r.speaker))
        said = r.text.strip().strip("«»“”\"").strip() if r.kind == "direct" else r.text  # the template quotes it
        reactions.append(ReactionLine(r.speaker, r.role, r.kind, shorten(said, MAX_QUOTE)))
    dates = [b.date for b in members if b.date]
    if not dates:
        date_text = None
    elif dates[0] == dates[-1]:
        date_text = format_date(dates[0], lang)
    else:
        date_text = f"{format_date(dates[0], lang)} – {format_date(dates[-1], lang)}"
    reports_text = None
    if len(members) > 1:
        reports = count(len(members), "report", lang)
        src = t["same_source"] if len(sources) == 1 else count(len(sources), "source", lang)
        reports_text = (f"{reports} {src}" if len(sources) == 1 else
                        t["reports_from"].format(reports=reports, sources=src))
    return Event(
        briefs=members, sources=sources, marking=Marking.of(marking), actors=actors[:4], reactions=reactions,
        title=first.title, summary=first.summary, lead=shorten(first.brief.lead, MAX_LEAD) if first.brief.lead else None,
        url=first.url, date_text=date_text, reports_text=reports_text,
    )


def shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:·-–— ")
    return cut + "…"
