"""Compose: facts + article -> :class:`Brief`, everything a brief template shows.

The templates only lay out what this module decides: which marking applies, the
reference and date-time group, the title, the primary actors and the material
of the bottom line, the quoted evidence of each stake, the timeline, the map,
the analyst's comment and the source's reliability. Nothing here is invented:
every sentence of the bottom line is filled from the facts by a template
(``templates/bluf.html.j2``), and every quoted sentence comes from the article.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field, replace
from typing import Any

from ..config import TLP_LEVELS, Config
from ..facts import Actor, Evidence, Facts, Location, Reaction, Stake
from ..ingest import Article
from ..text import dateline_end

# FIRST TLP 2.0 (https://www.first.org/tlp/): label colour on a black background
TLP_COLOURS = {
    "TLP:RED": "#FF2B2B",
    "TLP:AMBER": "#FFC000",
    "TLP:AMBER+STRICT": "#FFC000",
    "TLP:GREEN": "#33FF00",
    "TLP:CLEAR": "#FFFFFF",
}

# NATO Admiralty code, source reliability
RELIABILITY = {
    "fr": {"A": "fiable", "B": "généralement fiable", "C": "assez fiable", "D": "pas toujours fiable",
           "E": "peu fiable", "F": "fiabilité non évaluable"},
    "en": {"A": "completely reliable", "B": "usually reliable", "C": "fairly reliable",
           "D": "not usually reliable", "E": "unreliable", "F": "reliability cannot be judged"},
}

MONTHS = {
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
           "octobre", "novembre", "décembre"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"],
}
DTG_MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]


@dataclass
class Marking:
    label: str  # TLP:AMBER
    colour: str  # the label's colour on black
    css: str  # tlp-amber, tlp-amber-strict ...

    @classmethod
    def of(cls, label: str) -> "Marking":
        return cls(label, TLP_COLOURS[label], "tlp-" + label.split(":", 1)[1].lower().replace("+", "-"))


@dataclass
class Quote:
    """A sentence of the article, with its evidence number in the appendix."""

    text: str
    number: int | None


@dataclass
class StakeView:
    topic: str
    label: str
    quotes: list[Quote]
    others: list[Evidence]  # the other supporting sentences (referenced, not quoted)


@dataclass
class ReactionView:
    speaker: str
    role: str | None
    kind: str
    text: str
    evidence: list[Evidence]


@dataclass
class SourceView:
    title: str | None
    source: str | None
    date: str | None
    licence: str | None
    url: str | None
    grade: str | None  # Admiralty A-F
    grade_label: str | None


@dataclass
class Brief:
    lang: str
    marking: Marking
    organisation: str
    reference: str
    dtg: str
    title: str
    date_text: str | None
    lead: str | None
    primary: list[Actor]  # "who": the lead's actors first, then the most mentioned
    actors: list[Actor]  # primary first
    event: Location | None  # "where": the event location, only when geocoded consistently
    event_country: str | None
    locations: list[Location]  # every place, the event first
    mapped: list[Location]  # the places a locator map may show: the consistent ones
    stakes: list[StakeView]
    reactions: list[ReactionView]
    reactors: list[str]  # speakers, most statements first
    source: SourceView
    keywords: list[str]
    sentence_numbers: dict[tuple[int, int], int] = field(default_factory=dict)
    timeline: list[Any] = field(default_factory=list)
    map_svg: str | None = None
    comment_html: str | None = None


def compose(article: Article, facts: Facts, config: Config, comment_html: str | None = None,
            marking: str | None = None, sentence_numbers: dict | None = None) -> Brief:
    """Everything the brief shows, decided from the facts (nothing invented)."""
    lang = facts.article.language if facts.article.language in MONTHS else "en"
    numbers = sentence_numbers or {}
    label = marking_of(article, config, marking)
    leading = lead_actors(article, facts)
    primary = primary_actors(facts, first=leading)
    actors = primary + [a for a in facts.actors if a not in primary]
    countries = article_countries(facts)
    event = consistent_event(facts, countries)
    return Brief(
        lang=lang,
        marking=Marking.of(label),
        organisation=config.brief.organisation,
        reference=reference(facts),
        dtg=date_time_group(facts.article.date),
        title=shown_title(article.title) or compose_title(facts, lang, leading or primary, event),
        date_text=format_date(facts.article.date, lang),
        lead=lead_sentence(article),
        primary=primary,
        actors=actors,
        event=event,
        event_country=country_name(facts, event.country) if event and event.country and event.kind != "country" else None,
        locations=sorted(facts.locations, key=lambda loc: loc is not event),
        mapped=mapped_places(facts, countries, event),
        stakes=stake_views(article, facts.stakes, numbers),
        reactions=[reaction_view(facts, r) for r in facts.reactions],
        reactors=reactors(facts),
        source=source_view(article, facts, config, lang),
        keywords=[a.name for a in primary] + [s.topic for s in facts.stakes],
        sentence_numbers=numbers,
    )


TITLE_LIMIT = 300  # characters of a title a brief shows: a headline is far shorter; a 20 KB one took minutes to lay out


def shown_title(title: str | None, limit: int = TITLE_LIMIT) -> str | None:
    """The title as the brief shows it: cut at the last space before ``limit`` characters
    (anywhere, when a run has no space), with an ellipsis; the facts keep it whole."""
    if title is None or len(title) <= limit:
        return title
    cut = title[:limit]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip() + "…"


def marking_of(article: Article, config: Config, override: str | None = None) -> str:
    """The analyst's marking, else the article's front matter, else the configuration's
    (each already checked where it is read: ``ingest.files.checked_marking``, the overrides schema)."""
    return override or article.meta.get("marking") or config.brief.marking


def within_marking(marking: str, limit: str, include_restricted: bool = False) -> bool:
    """May a brief marked ``marking`` go where ``limit`` is the highest marking allowed?"""
    return include_restricted or TLP_LEVELS.index(marking) <= TLP_LEVELS.index(limit)


def primary_actors(facts: Facts, n: int = 3, first: list[Actor] = ()) -> list[Actor]:
    """The actors the article is about: ``first`` (the lead's actors, in order), then the
    people and bodies who speak or are named most, countries only to fill the list.
    The same person twice under an initial ("J. Doe", "John Doe") is listed once."""
    said = {}
    for r in facts.reactions:
        said[r.speaker] = said.get(r.speaker, 0) + 1

    def score(a: Actor) -> tuple:
        return (a.mentions + 2 * said.get(a.name, 0) + (2 if a.kind == "person" else 0), a.mentions)

    ranked = sorted((a for a in facts.actors if a.kind != "country"), key=score, reverse=True)
    ranked += sorted((a for a in facts.actors if a.kind == "country"), key=score, reverse=True)
    chosen: list[Actor] = []
    for actor in [*first, *ranked]:
        if len(chosen) == n:
            break
        if not any(actor is c or same_person(actor, c) for c in chosen):
            chosen.append(actor)
    return chosen


def same_person(a: Actor, b: Actor) -> bool:
    """Two person actors for one person: same surname, and one's first name is the other's
    initial ("B. Smith" and "Bob Smith")."""
    if a.kind != "person" or b.kind != "person":
        return False
    wa, wb = a.name.split(), b.name.split()
    if len(wa) < 2 or len(wb) < 2 or wa[-1] != wb[-1] or wa[0] == wb[0]:
        return False
    short, full = sorted((wa[0], wb[0]), key=len)
    return bool(re.fullmatch(r"\w\.", short)) and full.startswith(short[0])


def lead_actors(article: Article, facts: Facts) -> list[Actor]:
    """The actors of the lead sentence, in the order it names them (by name or alias); then
    those whose evidence is the lead though no name of theirs is in it, most mentioned first.
    A form inside a longer one of another actor ("Smith" in "Bob Smith") counts for the longer.
    An actor the article names only once and never quotes comes after the lead's others: a
    source or a setting ("according to the Daily Star"), not who the story is about."""
    span = lead_span(article)
    if span is None:
        return []
    text = _straight(article.body[span[0]:span[1]])
    forms = [(_straight(form), i) for i, a in enumerate(facts.actors) for form in dict.fromkeys([a.name, *a.aliases])
             if form.strip()]
    forms.sort(key=lambda item: -len(item[0]))
    claimed: list[tuple[int, int]] = []
    first: dict[int, int] = {}
    for form, i in forms:
        for m in re.finditer(rf"(?<!\w){re.escape(form)}(?!\w)", text):
            if not any(m.start() < e and s < m.end() for s, e in claimed):
                claimed.append(m.span())
                first[i] = min(first.get(i, m.start()), m.start())
    for i, actor in enumerate(facts.actors):
        if i not in first and any(_mostly_within(ev, span) for ev in actor.evidence):
            first[i] = len(text)
    once = {i for i in first if not _recurs(facts.actors[i], facts)}
    return [facts.actors[i] for i in sorted(first, key=lambda i: (i in once, first[i], -facts.actors[i].mentions))]


def _recurs(actor: Actor, facts: Facts) -> bool:
    """Is the actor named more than once (counting its twins under an initial), or quoted?"""
    mentions = actor.mentions + sum(b.mentions for b in facts.actors if b is not actor and same_person(actor, b))
    return mentions > 1 or any(r.speaker == actor.name for r in facts.reactions)


def _mostly_within(ev: Evidence, span: tuple[int, int]) -> bool:
    """Does at least half of the evidence sentence lie in ``span``?"""
    return min(ev.end, span[1]) - max(ev.start, span[0]) >= (ev.end - ev.start) / 2


def article_countries(facts: Facts) -> set[str]:
    """The ISO codes of the countries the article names: its country places and country actors."""
    codes = {loc.country for loc in facts.locations if loc.kind == "country" and loc.country}
    for actor in facts.actors:
        if actor.kind == "country":
            code = country_code([actor.name, *actor.aliases], facts.article.language)
            if code:
                codes.add(code)
    return codes


def country_code(names: list[str], lang: str) -> str | None:
    """The ISO code of the first of ``names`` the geocoder knows as a country."""
    for name in names:
        place = _geocoder().lookup(name, lang)
        if place is not None and place.kind == "country" and place.country:
            return place.country
    return None


@functools.cache
def _geocoder():
    from ..extract import Geocoder

    return Geocoder()


def consistent(loc: Location, countries: set[str]) -> bool:
    """Is the place geocoded consistently with the article: coordinates, in a country it names?"""
    return loc.lat is not None and loc.lon is not None and loc.country in countries


def consistent_event(facts: Facts, countries: set[str]) -> Location | None:
    """The event location the brief shows as "where": the first one geocoded consistently."""
    return next((loc for loc in facts.locations if loc.event and consistent(loc, countries)), None)


def mapped_places(facts: Facts, countries: set[str], event: Location | None) -> list[Location]:
    """The places a locator map may show: the consistent ones, marked as the event only if
    ``event`` is theirs (an event location the brief does not show is a plain place)."""
    return [loc if loc is event or not loc.event else replace(loc, event=False)
            for loc in facts.locations if consistent(loc, countries)]


def reactors(facts: Facts) -> list[str]:
    counts: dict[str, int] = {}
    for r in facts.reactions:
        counts[r.speaker] = counts.get(r.speaker, 0) + 1
    return sorted(counts, key=lambda s: (-counts[s], list(counts).index(s)))


def reaction_view(facts: Facts, r: Reaction) -> ReactionView:
    actor = facts.actor(r.speaker)
    return ReactionView(r.speaker, actor.role if actor else None, r.kind, r.text, r.evidence)


def stake_views(article: Article, stakes: list[Stake], numbers: dict, limit: int = 1) -> list[StakeView]:
    """Each stake with its first supporting sentences, preferring ones no earlier stake quoted."""
    quoted: set[Evidence] = set()
    views = []
    for stake in stakes:
        fresh = [e for e in stake.evidence if e not in quoted] or stake.evidence
        chosen = fresh[:limit]
        quoted.update(chosen)
        quotes = [Quote(_clean(article.body[e.start:e.end]), numbers.get((e.start, e.end))) for e in chosen]
        views.append(StakeView(stake.topic, stake.label, quotes, [e for e in stake.evidence if e not in chosen]))
    return views


def source_view(article: Article, facts: Facts, config: Config, lang: str) -> SourceView:
    grade = reliability_grade(article, config)
    return SourceView(
        title=shown_title(article.title),
        source=article.source,
        date=format_date(facts.article.date, lang),
        licence=article.licence,
        url=article.url,
        grade=grade,
        grade_label=RELIABILITY[lang].get(grade) if grade else None,
    )


def reliability_grade(article: Article, config: Config) -> str | None:
    """The Admiralty grade of the article's source: its own (``reliability:`` in the front matter,
    which ``briefgen fetch`` writes from the source's grade), else the one config gives its
    source (by name or by the link's host)."""
    own = str(article.meta.get("reliability") or "").strip().upper()
    if len(own) == 1 and own in "ABCDEF":
        return own
    grades = config.brief.reliability
    if not grades:
        return None
    host = re.sub(r"^www\.", "", re.sub(r"^[a-z]+://([^/]+).*$", r"\1", (article.url or "").lower()))
    candidates = [c for c in (article.source, host) if c]
    for key, grade in grades.items():
        k = key.lower().removeprefix("www.")
        for c in candidates:
            c = c.lower()
            if c == k or c.endswith("." + k) or (" " in k and k in c):
                return grade
    return None


_SENTENCE_END = re.compile(r"[.!?](?=\s+[«\"A-ZÀ-Ý]|\s*$)")
# a full stop after an initial or an honorific ends no sentence ("M. Dupont", "Dr. Smith")
_NO_END = re.compile(r"(?:^|[\s(.'’-])(?:[A-ZÀ-Ý]|Mr|Mrs|Ms|Dr|St|Jr|Sr|Mme|Mlle|Mgr|Me|Pr|Prof|Gen|Col|Lt|Sgt|Gov|Sen|Rep)\.$")


def lead_span(article: Article) -> tuple[int, int] | None:
    """Where the article's first sentence lies in the body: the first paragraph of more than
    six words, from after its dateline ("4 juillet 2012. - ") to its first sentence end."""
    body = article.body
    first = next((m for m in re.finditer(r"[^\n](?:.|\n(?!\n))*", body) if len(m.group().split()) > 6), None)
    if first is None:
        return None
    start = first.start() + dateline_end(first.group())
    for end in _SENTENCE_END.finditer(body, start, first.end()):
        if not _NO_END.search(body[start:end.end()]):
            return start, end.end()
    return start, first.end()


def lead_sentence(article: Article) -> str | None:
    """The article's first sentence, without a dateline."""
    span = lead_span(article)
    return _clean(article.body[span[0]:span[1]]) if span else None


def compose_title(facts: Facts, lang: str = "fr", actors: list[Actor] | None = None,
                  where: Location | None = None) -> str:
    """A title when the article has none, in its language: two main ``actors`` (the lead's,
    else the most mentioned) and ``where`` with its country ("A et B — Ville (Pays)").
    A country actor that ``where`` already names (itself, or its country) is left to the place."""

    def own(group: list[Actor]) -> list[str]:
        return [a.name for a in group if not (where and _names_place(a, where, facts))][:2]

    names = own(actors or []) or own(primary_actors(facts))
    joiner = " et " if lang == "fr" else " and "
    who = joiner.join(names)
    if where is None:
        return who or facts.article.id
    place = where.name
    if where.kind != "country" and where.country:
        place += f" ({country_name(facts, where.country)})"
    return f"{who} — {place}" if who else place


def _names_place(actor: Actor, where: Location, facts: Facts) -> bool:
    """Is ``actor`` a country that ``where`` names: the place itself or its country?"""
    if actor.kind != "country":
        return False
    return actor.name in (where.name, *where.aliases) or country_code([actor.name, *actor.aliases],
                                                                       facts.article.language) == where.country


def reference(facts: Facts) -> str:
    """BRF-<year>-<month>-<first 8 characters of the article id>, e.g. BRF-2023-09-000_7b99."""
    date = (facts.article.date or "").split("-")
    year = date[0] if date and date[0] else "0000"
    month = date[1] if len(date) > 1 else "00"
    return f"BRF-{year}-{month}-{facts.article.id[:8]}"


def date_time_group(date: str | None) -> str:
    """Military date-time group from the article date (no wall clock): 130000Z SEP 23, or SEP 23."""
    if not date:
        return "—"
    parts = [int(p) for p in date.split("-")]
    month = DTG_MONTHS[parts[1] - 1] if len(parts) > 1 else ""
    yy = f"{parts[0] % 100:02d}"
    if len(parts) == 3:
        return f"{parts[2]:02d}0000Z {month} {yy}"
    return f"{month} {yy}".strip()


def format_date(date: str | None, lang: str) -> str | None:
    if not date:
        return None
    parts = [int(p) for p in date.split("-")]
    months = MONTHS.get(lang, MONTHS["en"])
    if len(parts) == 3:
        day = "1er" if lang == "fr" and parts[2] == 1 else str(parts[2])
        return f"{day} {months[parts[1] - 1]} {parts[0]}" if lang == "fr" else f"{parts[2]} {months[parts[1] - 1]} {parts[0]}"
    if len(parts) == 2:
        return f"{months[parts[1] - 1]} {parts[0]}"
    return str(parts[0])


def country_name(facts: Facts, code: str) -> str:
    """A country's name as the article's own facts spell it, else pycountry's English one."""
    named = next((loc.name for loc in facts.locations if loc.kind == "country" and loc.country == code), None)
    if named:
        return named
    import pycountry

    found = pycountry.countries.get(alpha_2=code)
    return getattr(found, "common_name", None) or (found.name if found else code)


def _straight(text: str) -> str:
    """The text with typographic apostrophes made straight (same length, so same offsets)."""
    return text.replace("\u2019", "'")


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
