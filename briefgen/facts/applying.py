"""Applying a corrections file to the extracted facts, section by section.

In: an :class:`~.overrides.Overrides`, the :class:`~.contract.Facts` extracted from an
article, its body and the configured topics. Out: the same facts, corrected in place, in a
fixed order: actors, locations (remove, merge, rename, edit, add, then ``locations.event``),
stakes, reactions. A correction whose item is gone is a warning when it removes and an
error when it would change something.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import fields
from typing import Iterable

from ..config import Topic
from ..text import fold
from .contract import Actor, Evidence, Facts, Location, Reaction, Stake
from .overrides import KEEP, ActorEdits, LocationEdits, Overrides, Warn
from .quotes import _not_found, find_quote, sentence_around

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
        """One section of actors or locations, in order: remove, merge, rename, edit, add."""
        actors = section == "actors"
        what = "actor" if actors else "place"
        self.remove_named(section, items, edits, actors, what)
        self.merge_named(section, items, edits, actors, what)
        self.rename_named(section, items, edits, actors, what)
        self.edit_named(section, items, edits)
        self.add_named(section, items, edits, actors, what)

    def remove_named(self, section: str, items: list, edits, actors: bool, what: str) -> None:
        for i, name in enumerate(edits.remove):
            found = find(items, name)
            if not found:
                self.note(self.missing(what, items, name) + "; nothing removed", section, "remove", i)
            for item in found:
                items.remove(item)
                if actors:
                    self.facts.reactions = [r for r in self.facts.reactions if r.speaker != item.name]

    def merge_named(self, section: str, items: list, edits, actors: bool, what: str) -> None:
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

    def rename_named(self, section: str, items: list, edits, actors: bool, what: str) -> None:
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

    def edit_named(self, section: str, items: list, edits) -> None:
        for name, changes in edits.edit.items():
            item = self.target(section, items, name, (section, "edit", name))
            for f in fields(changes):
                value = getattr(changes, f.name)
                if value is not KEEP:
                    setattr(item, f.name, value)
            item.aliases = [a for a in dict.fromkeys(item.aliases) if a != item.name]

    def add_named(self, section: str, items: list, edits, actors: bool, what: str) -> None:
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
