"""Places: entities geocoded, and the event location.

In: the entities and the geocoder. Out: the contract's :class:`~briefgen.facts.Location`
list, with the one (or two, at two scales) where the reported event happens.
"""

from __future__ import annotations

import re

from ..facts import Location
from ..geocode import Place
from ..text import fold
from .reading import (
    KIND_RANK,
    Entity,
    Mention,
    Reading,
)


class PlaceRules(Reading):
    """Places of the story, their kind and coordinates, and the scene of the event."""

    def place_of(self, m: Mention) -> Place | None:
        place = self.geo.lookup(m.text, self.lang)
        if place is not None and place.kind == "city" and m.text.isupper():
            return None  # an acronym ("OTAN") is not a small town
        if place is None:
            # "cosmodrome russe de Vostotchny" -> "Vostotchny"; "coast of Aceh" -> "Aceh"
            parts = re.split(r"\s+(?:de la|de l'|du|des|de|d'|of the|of)\s+|\s+d'", m.text)
            if len(parts) > 1:
                tail = self.geo.lookup(parts[-1], self.lang)
                if tail is not None and tail.kind not in ("country",):
                    place = tail
        return place

    def tidy_places(self) -> None:
        """Unknown place names that are pieces of known ones: "the North" is North Korea once
        North Korea is named; "North and South Korea" names places listed on their own."""
        places = [e for e in self.entities if e.kind in ("place", "country") and e.mentions]
        bare = [e for e in self.entities if e.kind == "organization" and len(e.forms()) == 1
                and len(next(iter(e.forms())).split()) == 1]  # "The North said ..." tagged as a body
        for e in places + bare:
            if e.kind not in ("place", "organization") or e.place is not None:
                continue
            forms = [fold(f) for f in e.forms()]
            if any(re.search(r"\s(and|et|&)\s", f) for f in forms):
                e.mentions = []
                continue
            if any(len(f.split()) != 1 for f in forms):
                continue
            owners = [
                o for o in places
                if o is not e and (o.place is not None or o.kind == "country")
                and any(fold(g).split()[:1] == forms[:1] and len(fold(g).split()) > 1 for g in self.names_of(o))
            ]
            if len(owners) == 1:
                owner = owners[0]
                owner.mentions.extend(e.mentions)
                e.mentions = []
        # "the people of Grindavik" tagged as a body, once "the town of Grindavik" is a place
        place_forms = {fold(f): e for e in self.entities if e.kind == "place" and e.mentions for f in e.forms()}
        for e in self.entities:
            if e.kind == "organization" and e.mentions and all(fold(f) in place_forms for f in e.forms()):
                target = place_forms[fold(next(iter(e.forms())))]
                target.mentions.extend(e.mentions)
                e.mentions = []
        self.entities = [e for e in self.entities if e.mentions]

    def after_place_noun(self, m: Mention) -> bool:
        """ "la ville de Mahmood-e-Raqi", "the town of Yeoncheon": the name is a place."""
        return self.place_noun_kind(m) is not None

    def place_noun_kind(self, m: Mention) -> str | None:
        """The kind of place the noun before the name says ("town" -> city), if there is one."""
        noun = self.governing_noun(m)
        return next((self.lex.place_nouns[w] for w in noun if w in self.lex.place_nouns), None)

    def locations(self) -> list[Location]:
        places = [e for e in self.entities if e.located and e.mentions]
        event = self.event_place(places)
        out = []
        for e in places:
            place = e.place
            name = self.name_of(e) if e.kind == "place" else (place.name if place else self.name_of(e))
            aliases = [f for f in e.forms() if f != name and fold(f) not in (fold(a) for a in self.lex.metonyms)]
            out.append(
                Location(
                    name=name,
                    aliases=aliases,
                    kind=place.kind if place else "other",
                    country=place.country if place else e.country,
                    lat=place.lat if place else None,
                    lon=place.lon if place else None,
                    event=e is event,
                    evidence=sorted({self.evidence(m.sent) for m in e.mentions}),
                )
            )
        return out

    def event_place(self, places: list[Entity]) -> Entity | None:
        """The scene: the most specific place named as a setting in the lead, else the first place."""
        if not places:
            return None
        # the lead: the first real sentence (a short dateline such as "4 juillet 2012." does not count)
        lead = next((i for i, sent in enumerate(self.sents) if len([t for t in sent if t.is_alpha]) > 6), 0)
        lead_end = self.sents[lead].end_char
        best = self.best_setting(places, lead_end)
        if (best is None or best[1].kind == "country" or (best[1].place and best[1].place.kind == "country")) \
                and lead + 1 < len(self.sents):
            # only a country in the lead: a more specific place of the next sentence is the scene
            wider = self.best_setting(places, self.sents[lead + 1].end_char)
            if wider is not None and wider[1].place is not None and wider[1].place.kind != "country":
                best = wider
        if best is None or best[1].place is None:
            # nothing named in the lead: the place the article names most, geocoded first
            best = (None, min(places, key=lambda e: (e.place is None, -len(e.mentions), e.mentions[0].start)))
        return best[1]

    def best_setting(self, places: list[Entity], lead_end: int):
        best = None
        for e in places:
            for m in e.mentions:
                if m.start >= lead_end:
                    continue
                setting = not self.acts(m) or e.kind == "place"
                kind = e.place.kind if e.place else "other"
                rank = (e.place is None, not setting, KIND_RANK.get(kind, 6), m.start)
                if best is None or rank < best[0]:
                    best = (rank, e)
        return best
