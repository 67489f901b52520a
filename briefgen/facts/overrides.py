"""Analyst corrections: ``<article>.facts.yaml`` beside an article, applied on top of extraction.

The file is read like the configuration (typed dataclasses, ``file:line`` errors,
"did you mean" for unknown keys). Each section (``actors``, ``locations``,
``stakes``, ``reactions``) is applied in a fixed order: remove, merge, rename,
edit, add, then ``locations.event``. Names match the name or any alias of an
item, ignoring case, accents and punctuation (:func:`briefgen.text.fold`).

A correction whose item extraction no longer finds is a *warning* when it
removes something (the false positive is gone: nothing to do) and an *error*
when it would change something (rename, merge target, edit, event), because
the analyst's intent can no longer be carried out. See README "Analyst corrections".
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Callable, Iterable, Literal

import yaml

from ..config import Topic, from_yaml, line_of, read_yaml
from ..errors import BriefgenError
from .contract import Actor, Evidence, Facts, Location, Reaction, Stake
from ..text import fold

SUFFIX = ".facts.yaml"

ActorKind = Literal["person", "organization", "country", "group"]
LocationKind = Literal["site", "city", "region", "country", "sea", "other"]
ReactionKind = Literal["direct", "indirect"]
Warn = Callable[[str], None]


class _Keep:
    """Default of an ``edit`` field the file does not give: the extracted value stays."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP: Any = _Keep()


def _check_place(country, lat, lon) -> None:
    if isinstance(country, str) and not re.fullmatch(r"[A-Z]{2}", country):
        raise ValueError(f"country: {country!r} is not an ISO 3166-1 alpha-2 code (two capital letters)")
    if (lat is None or lat is KEEP) != (lon is None or lon is KEEP):
        raise ValueError("give lat and lon together")
    if isinstance(lat, float) and not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(f"lat/lon {lat}, {lon} out of range")


def _check_name(name: str) -> None:
    if not name.strip():
        raise ValueError("name is empty")


# --------------------------------------------------------------------------- the file


@dataclass
class ActorFields:
    """``actors.edit.<name>``: fields to set; a field not given keeps its extracted value."""

    kind: ActorKind | _Keep = KEEP
    role: str | None | _Keep = KEEP
    affiliation: str | None | _Keep = KEEP
    aliases: list[str] | _Keep = KEEP


@dataclass
class NewActor:
    name: str
    kind: ActorKind = "person"
    role: str | None = None
    affiliation: str | None = None
    aliases: list[str] = field(default_factory=list)
    quote: str | None = None

    def __post_init__(self) -> None:
        _check_name(self.name)


@dataclass
class LocationFields:
    """``locations.edit.<name>``: fields to set; a field not given keeps its extracted value."""

    kind: LocationKind | _Keep = KEEP
    country: str | None | _Keep = KEEP
    lat: float | None | _Keep = KEEP
    lon: float | None | _Keep = KEEP
    aliases: list[str] | _Keep = KEEP

    def __post_init__(self) -> None:
        if (self.lat is KEEP) != (self.lon is KEEP):
            raise ValueError("give lat and lon together")
        _check_place(self.country, self.lat, self.lon)


@dataclass
class NewLocation:
    name: str
    kind: LocationKind = "other"
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    aliases: list[str] = field(default_factory=list)
    quote: str | None = None

    def __post_init__(self) -> None:
        _check_name(self.name)
        _check_place(self.country, self.lat, self.lon)


@dataclass
class StakeFields:
    label: str


@dataclass
class NewStake:
    topic: str
    label: str | None = None  # default: the topic's label in the article's language
    quote: str | None = None


@dataclass
class ReactionMatch:
    """Reactions to remove: those whose speaker is ``speaker`` and whose text contains ``text``."""

    speaker: str | None = None
    text: str | None = None

    def __post_init__(self) -> None:
        if self.speaker is None and self.text is None:
            raise ValueError("give speaker, text or both")


@dataclass
class NewReaction:
    speaker: str
    text: str
    kind: ReactionKind = "direct"
    quote: str | None = None


@dataclass
class ActorEdits:
    remove: list[str] = field(default_factory=list)
    merge: dict[str, list[str]] = field(default_factory=dict)
    rename: dict[str, str] = field(default_factory=dict)
    edit: dict[str, ActorFields] = field(default_factory=dict)
    add: list[NewActor] = field(default_factory=list)


@dataclass
class LocationEdits:
    remove: list[str] = field(default_factory=list)
    merge: dict[str, list[str]] = field(default_factory=dict)
    rename: dict[str, str] = field(default_factory=dict)
    edit: dict[str, LocationFields] = field(default_factory=dict)
    add: list[NewLocation] = field(default_factory=list)
    event: str | None = None


@dataclass
class StakeEdits:
    remove: list[str] = field(default_factory=list)
    edit: dict[str, StakeFields] = field(default_factory=dict)
    add: list[NewStake] = field(default_factory=list)


@dataclass
class ReactionEdits:
    remove: list[ReactionMatch] = field(default_factory=list)
    add: list[NewReaction] = field(default_factory=list)


@dataclass
class Overrides:
    """One overrides file. ``comment`` is the analyst's Markdown note for the brief;
    ``marking`` the handling marking of this brief (else front matter, else config)."""

    actors: ActorEdits = field(default_factory=ActorEdits)
    locations: LocationEdits = field(default_factory=LocationEdits)
    stakes: StakeEdits = field(default_factory=StakeEdits)
    reactions: ReactionEdits = field(default_factory=ReactionEdits)
    comment: str | None = None
    marking: Literal["TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT", "TLP:RED"] | None = None
    path: Path | None = field(default=None, metadata={"internal": True})
    node: yaml.Node | None = field(default=None, repr=False, metadata={"internal": True})

    def error(self, message: str, *keys: str | int) -> BriefgenError:
        """An error at the line of ``keys`` (e.g. ``"actors", "add", 0, "quote"``)."""
        return BriefgenError(message, self.path, line_of(self.node, *keys))

    def quotes(self) -> Iterable[tuple[str, tuple[str | int, ...]]]:
        """Every ``quote`` of the file with the keys that locate it."""
        for section in ("actors", "locations", "stakes", "reactions"):
            for i, item in enumerate(getattr(self, section).add):
                if item.quote is not None:
                    yield item.quote, (section, "add", i, "quote")

    def check_quotes(self, body: str) -> None:
        """Raise on the first quote not found in the article body."""
        for quote, keys in self.quotes():
            if find_quote(quote, body) is None:
                raise self.error(_not_found(quote), *keys)

    def apply(self, facts: Facts, body: str, topics: dict[str, Topic], warn: Warn) -> Facts:
        """Correct ``facts`` (extracted from ``body``) in place; ``warn`` gets each warning line."""
        _Apply(self, facts, body, topics, warn).run()
        return facts


def overrides_path(article_path: Path) -> Path:
    """``seeds/03_foo.md`` -> ``seeds/03_foo.facts.yaml``."""
    return article_path.with_name(article_path.stem + SUFFIX)


def load_overrides(path: Path, topics: Iterable[str] = ()) -> Overrides:
    """Read and validate an overrides file; stake topics must be ids of ``topics``."""
    node = read_yaml(path, "overrides")
    overrides = from_yaml(Overrides, node, path)
    overrides.path, overrides.node = path, node
    known = list(topics)
    stakes = overrides.stakes
    used = [(t, ("stakes", "remove", i)) for i, t in enumerate(stakes.remove)]
    used += [(t, ("stakes", "edit", t)) for t in stakes.edit]
    used += [(s.topic, ("stakes", "add", i, "topic")) for i, s in enumerate(stakes.add)]
    for topic, keys in used:
        if topic not in known:
            close = difflib.get_close_matches(topic, known, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else f"; known topics: {', '.join(known)}"
            raise overrides.error(f"unknown topic '{topic}'{hint}", *keys)
    return overrides


# --------------------------------------------------------------------------- quotes -> evidence

_SENTENCE_GAP = re.compile(r"[.!?…][»”\"')\]]*(\s+)")


def find_quote(quote: str, body: str) -> tuple[int, int] | None:
    """Span of ``quote`` in ``body``, ignoring case, runs of whitespace and the apostrophe's shape."""
    words = quote.split()
    if not words:
        return None
    pattern = r"\s+".join(re.sub(r"['’]", "['’]", re.escape(w)) for w in words)
    match = re.search(pattern, body, re.IGNORECASE)
    return match.span() if match else None


def sentence_around(body: str, start: int, end: int) -> Evidence:
    """The sentence(s) holding ``body[start:end]``: cut at . ! ? … and at blank lines."""
    p0 = body.rfind("\n\n", 0, start)
    s = 0 if p0 < 0 else p0 + 2
    p1 = body.find("\n\n", end)
    e = len(body) if p1 < 0 else p1
    for gap in _SENTENCE_GAP.finditer(body, s, e):
        if gap.end(1) <= start:
            s = gap.end(1)
        elif gap.start(1) >= end:
            e = gap.start(1)
            break
    while s < e and body[s].isspace():
        s += 1
    while e > s and body[e - 1].isspace():
        e -= 1
    return Evidence(s, e)


def _not_found(quote: str) -> str:
    short = quote if len(quote) <= 60 else quote[:57] + "..."
    return f"quote not found in the article text: {short!r}"


# --------------------------------------------------------------------------- applying

Named = Actor | Location


class _Apply:
    def __init__(self, overrides: Overrides, facts: Facts, body: str, topics: dict[str, Topic], warn: Warn):
        self.o = overrides
        self.facts = facts
        self.body = body
        self.topics = topics
        self.warn = warn
        # extraction's sentences: a quote inside one gets that very span as evidence
        self.sentences = sorted(
            {e for group in (facts.actors, facts.locations, facts.stakes, facts.reactions)
             for item in group for e in item.evidence}
        )

    def run(self) -> None:
        self.named("actors", self.facts.actors, self.o.actors)
        self.named("locations", self.facts.locations, self.o.locations)
        event = self.o.locations.event
        if event is not None:
            scene = self.target("locations", self.facts.locations, event, ("locations", "event"))
            for loc in self.facts.locations:
                loc.event = loc is scene
        self.stakes()
        self.reactions()
        self.facts.actors.sort(key=lambda a: -a.mentions)  # stable: extraction's order among equals

    def note(self, message: str, *keys: str | int) -> None:
        self.warn(str(self.o.error(message, *keys)))

    # ----- actors and locations

    def named(self, section: str, items: list, edits: ActorEdits | LocationEdits) -> None:
        actors = section == "actors"
        what = "actor" if actors else "place"
        for i, name in enumerate(edits.remove):
            found = find(items, name)
            if not found:
                self.note(self.missing(what, items, name) + "; nothing removed", section, "remove", i)
            for item in found:
                items.remove(item)
                if actors:
                    self.facts.reactions = [r for r in self.facts.reactions if r.speaker != item.name]
        for name, others in edits.merge.items():
            target = self.target(section, items, name, (section, "merge", name))
            for j, other in enumerate(others):
                found = find(items, other)
                if not found:
                    self.note(self.missing(what, items, other) + "; nothing merged", section, "merge", name, j)
                for item in found:
                    if item is not target:
                        items.remove(item)
                        absorb(target, item)
                        if actors:
                            self.move_speaker(item.name, target.name)
        for old, new in edits.rename.items():
            if not find(items, old) and any(fold(x.name) == fold(new) for x in items):
                continue  # extraction already gives the new name
            item = self.target(section, items, old, (section, "rename", old))
            if not new.strip():
                raise self.o.error("the new name is empty", section, "rename", old)
            clash = [x.name for x in find(items, new) if x is not item]
            if clash:
                message = f"'{new}' already names the {what} '{clash[0]}'; use merge"
                raise self.o.error(message, section, "rename", old)
            previous, item.name = item.name, new.strip()
            add_aliases(item, [previous])
            if actors:
                self.move_speaker(previous, item.name)
        for name, changes in edits.edit.items():
            item = self.target(section, items, name, (section, "edit", name))
            for f in fields(changes):
                value = getattr(changes, f.name)
                if value is not KEEP:
                    setattr(item, f.name, value)
            item.aliases = [a for a in dict.fromkeys(item.aliases) if a != item.name]
        for i, new in enumerate(edits.add):
            evidence = self.evidence(new.quote, section, "add", i, "quote")
            found = find(items, new.name)
            if found:
                self.note(f"the {what} '{new.name}' is already in the extracted facts; "
                          "its aliases and evidence are added, use edit to change it", section, "add", i)
                item = found[0]
                add_aliases(item, new.aliases)
                item.evidence = sorted({*item.evidence, *evidence})
                continue
            values = {f.name: getattr(new, f.name) for f in fields(new) if f.name != "quote"}
            values["name"] = new.name.strip()
            values["aliases"] = [a for a in dict.fromkeys(new.aliases) if a != values["name"]]
            if actors:
                items.append(Actor(**values, mentions=self.count(new.name, new.aliases), evidence=evidence))
            else:
                items.append(Location(**values, evidence=evidence))

    def target(self, section: str, items: list, name: str, keys: tuple) -> Named:
        found = find(items, name)
        what = "actor" if section == "actors" else "place"
        if not found:
            raise self.o.error(self.missing(what, items, name), *keys)
        if len(found) > 1:
            names = ", ".join(f"'{x.name}'" for x in found)
            raise self.o.error(f"'{name}' is ambiguous: aliases of the {what}s {names}; use a full name", *keys)
        return found[0]

    @staticmethod
    def missing(what: str, items: list, name: str) -> str:
        forms = [f for x in items for f in (x.name, *x.aliases)]
        close = difflib.get_close_matches(name, forms, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        names = [x.name for x in items]
        known = ", ".join(names[:10]) + (" ..." if len(names) > 10 else "") or "none"
        return f"no {what} named '{name}' in the extracted facts{hint} (known: {known})"

    def move_speaker(self, old: str, new: str) -> None:
        for r in self.facts.reactions:
            if r.speaker == old:
                r.speaker = new

    def count(self, name: str, aliases: list[str]) -> int:
        """Mentions of an added actor: occurrences of its name and aliases in the body (at least 1)."""
        forms = sorted({f for f in (name, *aliases) if f.strip()}, key=len, reverse=True)
        pattern = "|".join(r"\s+".join(map(re.escape, f.split())) for f in forms)
        return max(1, len(re.findall(rf"(?<!\w)(?:{pattern})(?!\w)", self.body, re.IGNORECASE)))

    def evidence(self, quote: str | None, *keys: str | int) -> list[Evidence]:
        if quote is None:
            return []
        span = find_quote(quote, self.body)
        if span is None:
            raise self.o.error(_not_found(quote), *keys)
        start, end = span
        known = next((e for e in self.sentences if e.start <= start and end <= e.end), None)
        return [known or sentence_around(self.body, start, end)]

    # ----- stakes and reactions

    def stakes(self) -> None:
        edits = self.o.stakes
        for i, topic in enumerate(edits.remove):
            if not any(s.topic == topic for s in self.facts.stakes):
                self.note(f"no stake '{topic}' in the extracted facts; nothing removed", "stakes", "remove", i)
            self.facts.stakes = [s for s in self.facts.stakes if s.topic != topic]
        for topic, changes in edits.edit.items():
            stake = self.stake(topic)
            if stake is None:
                known = ", ".join(s.topic for s in self.facts.stakes) or "none"
                message = f"no stake '{topic}' in the extracted facts (known: {known})"
                raise self.o.error(message, "stakes", "edit", topic)
            stake.label = changes.label
        for i, new in enumerate(edits.add):
            evidence = self.evidence(new.quote, "stakes", "add", i, "quote")
            stake = self.stake(new.topic)
            if stake is not None:
                self.note(f"the stake '{new.topic}' is already in the extracted facts; its evidence is added",
                          "stakes", "add", i)
                stake.evidence = sorted({*stake.evidence, *evidence})
                stake.label = new.label or stake.label
            else:
                self.facts.stakes.append(Stake(new.topic, new.label or self.label(new.topic), evidence))

    def stake(self, topic: str) -> Stake | None:
        return next((s for s in self.facts.stakes if s.topic == topic), None)

    def label(self, topic: str) -> str:
        labels = self.topics[topic].label if topic in self.topics else {}
        return labels.get(self.facts.article.language) or next(iter(labels.values()), topic)

    def reactions(self) -> None:
        edits = self.o.reactions
        for i, match in enumerate(edits.remove):
            speakers = None
            if match.speaker is not None:
                speakers = {fold(a.name) for a in find(self.facts.actors, match.speaker)} or {fold(match.speaker)}
            text = fold(match.text) if match.text is not None else None
            hits = [
                r for r in self.facts.reactions
                if (speakers is None or fold(r.speaker) in speakers) and (text is None or text in fold(r.text))
            ]
            if not hits:
                wanted = " and ".join(
                    f"{key} {value!r}" for key, value in (("speaker", match.speaker), ("text", match.text)) if value
                )
                self.note(f"no reaction with {wanted}; nothing removed", "reactions", "remove", i)
            self.facts.reactions = [r for r in self.facts.reactions if not any(r is h for h in hits)]
        for i, new in enumerate(edits.add):
            speaker = self.target("actors", self.facts.actors, new.speaker, ("reactions", "add", i, "speaker"))
            evidence = self.evidence(new.quote, "reactions", "add", i, "quote")
            self.facts.reactions.append(Reaction(speaker.name, new.text.strip(), new.kind, evidence))


def find(items: list, name: str) -> list:
    """Items named ``name`` (folded); failing that, items that have it as an alias."""
    key = fold(name)
    by_name = [x for x in items if fold(x.name) == key]
    return by_name or [x for x in items if any(fold(a) == key for a in x.aliases)]


def add_aliases(item: Named, aliases: Iterable[str]) -> None:
    for alias in aliases:
        if alias != item.name and alias not in item.aliases:
            item.aliases.append(alias)
    if item.name in item.aliases:
        item.aliases.remove(item.name)


def absorb(target: Named, other: Named) -> None:
    """Fold ``other`` into ``target``: names become aliases, evidence (and mentions) add up."""
    add_aliases(target, [other.name, *other.aliases])
    target.evidence = sorted({*target.evidence, *other.evidence})
    if isinstance(target, Actor) and isinstance(other, Actor):
        target.mentions += other.mentions
        target.role = target.role or other.role
        target.affiliation = target.affiliation or other.affiliation
    elif isinstance(target, Location) and isinstance(other, Location):
        target.event = target.event or other.event
        target.country = target.country or other.country
        if target.lat is None:
            target.lat, target.lon = other.lat, other.lon
