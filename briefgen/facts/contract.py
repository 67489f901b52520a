"""Facts: the typed form of the JSON contract (``../shared/facts-contract.md``).

Everything downstream (briefs, site, digest, scoring) reads these objects or
their JSON form; field names and order follow the contract exactly.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

ACTOR_KINDS = ("person", "organization", "country", "group")
LOCATION_KINDS = ("site", "city", "region", "country", "sea", "other")
REACTION_KINDS = ("direct", "indirect")


@dataclass(frozen=True, order=True)
class Evidence:
    """Character offsets into the article body: ``body[start:end]`` is the sentence."""

    start: int
    end: int


@dataclass
class ArticleInfo:
    id: str
    title: str | None
    date: str | None
    language: str
    source: str | None


@dataclass
class Actor:
    name: str
    aliases: list[str] = field(default_factory=list)
    kind: str = "person"
    role: str | None = None
    affiliation: str | None = None
    mentions: int = 0
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class Location:
    name: str
    aliases: list[str] = field(default_factory=list)
    kind: str = "other"
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    event: bool = False
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class Stake:
    topic: str
    label: str
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class Reaction:
    speaker: str
    text: str
    kind: str = "direct"
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class Facts:
    article: ArticleInfo
    actors: list[Actor] = field(default_factory=list)
    locations: list[Location] = field(default_factory=list)
    stakes: list[Stake] = field(default_factory=list)
    reactions: list[Reaction] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Facts":
        def ev(items):
            return [Evidence(**e) for e in items or []]

        return cls(
            article=ArticleInfo(**data["article"]),
            actors=[Actor(**{**a, "evidence": ev(a.get("evidence"))}) for a in data.get("actors", [])],
            locations=[Location(**{**x, "evidence": ev(x.get("evidence"))}) for x in data.get("locations", [])],
            stakes=[Stake(**{**s, "evidence": ev(s.get("evidence"))}) for s in data.get("stakes", [])],
            reactions=[Reaction(**{**r, "evidence": ev(r.get("evidence"))}) for r in data.get("reactions", [])],
        )

    @classmethod
    def from_json(cls, text: str) -> "Facts":
        return cls.from_dict(json.loads(text))

    def actor(self, name: str) -> Actor | None:
        return next((a for a in self.actors if a.name == name), None)

    @property
    def event_location(self) -> Location | None:
        events = [loc for loc in self.locations if loc.event]
        # the scene at two scales (a town and its country): the town
        return next((loc for loc in events if loc.kind != "country"), events[0] if events else None)
