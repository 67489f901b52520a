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

    @classmethod
    def from_cache(cls, text: str) -> "Facts":
        """Facts read back from the cache, every part present and of its type; ``ValueError``
        otherwise (a damaged entry, which is then extracted again)."""
        data = json.loads(text)
        if not isinstance(data, dict) or set(data) != {f for f in cls.__dataclass_fields__}:
            raise ValueError("not a facts object")
        facts = cls.from_dict(data)
        _check_types(facts)
        return facts

    def actor(self, name: str) -> Actor | None:
        return next((a for a in self.actors if a.name == name), None)

    @property
    def event_location(self) -> Location | None:
        events = [loc for loc in self.locations if loc.event]
        # the scene at two scales (a town and its country): the town
        return next((loc for loc in events if loc.kind != "country"), events[0] if events else None)


def _check_types(obj) -> None:
    """``ValueError`` when a field of ``obj`` (a dataclass of this module, recursively) does
    not hold the type its annotation says."""
    import dataclasses
    import typing

    for f, hint in typing.get_type_hints(type(obj)).items():
        if f in {x.name for x in dataclasses.fields(obj)}:
            _check_value(getattr(obj, f), hint, f"{type(obj).__name__}.{f}")


def _check_value(value, hint, where: str) -> None:
    import dataclasses
    import types
    import typing

    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(hint)
        if value is None and type(None) in options:
            return
        hint = next(o for o in options if o is not type(None))
        origin = typing.get_origin(hint)
    if origin is list:
        if not isinstance(value, list):
            raise ValueError(f"{where}: not a list")
        for item in value:
            _check_value(item, typing.get_args(hint)[0], where)
    elif dataclasses.is_dataclass(hint):
        if not isinstance(value, hint):
            raise ValueError(f"{where}: not a {hint.__name__}")
        _check_types(value)
    elif hint is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"{where}: not a number")
    elif hint in (int, str, bool) and (not isinstance(value, hint) or hint is int and isinstance(value, bool)):
        raise ValueError(f"{where}: not {hint.__name__}")
