"""Compose: facts + article -> :class:`Brief`, everything a brief template shows.

The templates only lay out what this module decides: which marking applies, the
reference and date-time group, the title, the primary actors and the material
of the bottom line, the quoted evidence of each stake, the timeline, the map,
the analyst's comment and the source's reliability. Nothing here is invented:
every sentence of the bottom line is filled from the facts by a template
(``templates/bluf.html.j2``), and every quoted sentence comes from the article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .config import TLP_LEVELS, Config
from .facts import Actor, Evidence, Facts, Location, Reaction, Stake
from .ingest import Article

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
    primary: list[Actor]
    actors: list[Actor]  # primary first
    event: Location | None
    event_country: str | None
    locations: list[Location]
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
    primary = primary_actors(facts)
    actors = primary + [a for a in facts.actors if a not in primary]
    event = facts.event_location
    return Brief(
        lang=lang,
        marking=Marking.of(label),
        organisation=config.brief.organisation,
        reference=reference(facts),
        dtg=date_time_group(facts.article.date),
        title=article.title or compose_title(facts, lang),
        date_text=format_date(facts.article.date, lang),
        lead=lead_sentence(article),
        primary=primary,
        actors=actors,
        event=event,
        event_country=country_name(facts, event.country) if event and event.country and event.kind != "country" else None,
        locations=sorted(facts.locations, key=lambda loc: not loc.event),
        stakes=stake_views(article, facts.stakes, numbers),
        reactions=[reaction_view(facts, r) for r in facts.reactions],
        reactors=reactors(facts),
        source=source_view(article, facts, config, lang),
        keywords=[a.name for a in primary] + [s.topic for s in facts.stakes],
        sentence_numbers=numbers,
    )


def marking_of(article: Article, config: Config, override: str | None = None) -> str:
    """The analyst's marking, else the article's front matter, else the configuration's."""
    for value in (override, article.meta.get("marking")):
        if isinstance(value, str) and value.strip().upper() in TLP_LEVELS:
            return value.strip().upper()
    return config.brief.marking


def within_marking(marking: str, limit: str, include_restricted: bool = False) -> bool:
    """May a brief marked ``marking`` go where ``limit`` is the highest marking allowed?"""
    return include_restricted or TLP_LEVELS.index(marking) <= TLP_LEVELS.index(limit)


def primary_actors(facts: Facts, n: int = 3) -> list[Actor]:
    """The actors the article is about: people and bodies who speak or are named most."""
    said = {}
    for r in facts.reactions:
        said[r.speaker] = said.get(r.speaker, 0) + 1

    def score(a: Actor) -> tuple:
        return (a.mentions + 2 * said.get(a.name, 0) + (2 if a.kind == "person" else 0), a.mentions)

    ranked = sorted((a for a in facts.actors if a.kind != "country"), key=score, reverse=True)
    if len(ranked) < n:
        ranked += sorted((a for a in facts.actors if a.kind == "country"), key=score, reverse=True)
    return ranked[:n]


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
        title=article.title,
        source=article.source,
        date=format_date(facts.article.date, lang),
        licence=article.licence,
        url=article.url,
        grade=grade,
        grade_label=RELIABILITY[lang].get(grade) if grade else None,
    )


def reliability_grade(article: Article, config: Config) -> str | None:
    """The Admiralty grade config gives the article's source (by name or by the link's host)."""
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


def lead_sentence(article: Article) -> str | None:
    """The article's first sentence, without a dateline ("4 juillet 2012. - ")."""
    first = next((p for p in article.paragraphs if len(p.split()) > 6), None)
    if first is None:
        return None
    text = re.sub(r"^\s*\d{1,2}\s+\w+\s+\d{4}\s*\.?\s*[-–—]\s*", "", first.strip())
    match = re.match(r"(.+?[.!?])(?:\s+[«\"A-ZÀ-Ý]|\s*$)", text, re.S)
    sentence = match.group(1) if match else text
    return _clean(sentence)


def compose_title(facts: Facts, lang: str = "fr") -> str:
    """A title from the facts when the article has none: main actors and the event location."""
    people = [a.name for a in primary_actors(facts, 2)]
    where = facts.event_location
    if not people:
        people = [a.name for a in facts.actors[:2]] or [facts.article.id]
    joiner = " et " if lang == "fr" else " and "
    lead = joiner.join(people)
    return f"{lead} — {where.name}" if where else lead


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


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
