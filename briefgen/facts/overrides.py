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

This module is the file's schema and its loading; ``quotes`` finds a quote and its
sentence, ``applying`` carries the corrections out.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Literal

import yaml

from ..config import Topic, from_yaml, line_of, read_yaml
from ..errors import BriefgenError
from .contract import Facts
from .quotes import _not_found, find_quote

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
        from .applying import _Apply  # it reads this module's types: imported when used

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
