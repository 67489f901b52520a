"""Places: entities geocoded, and the event location.

In: the entities and the geocoder. Out: the contract's :class:`~briefgen.facts.Location`
list, with the one (or two, at two scales) where the reported event happens.
"""

from __future__ import annotations

import re
from collections import Counter

from ..facts import Location
from .geocode import Place
from ..text import fold
from .reading import (
    KIND_RANK,
    ORG_LABELS,
    PERSON_LABELS,
    PLACE_LABELS,
    Entity,
    Mention,
    Reading,
)


# "X de la Y", "X of Y": a name after another
_OF = re.compile(r"\s+(?:de la|de l'|du|des|de|d'|of the|of)\s+|\s+d'")


# what follows the place of a dateline: ", 4 juillet", "(AFP)", then a dash
_DATELINE = re.compile(r"\s*(?:,[^.,;\n]{1,30})?\s*(?:\([^)\n]{1,30}\)\s*)?[—–-]{1,2}\s")


class PlaceRules(Reading):
    """Places of the story, their kind and coordinates, and the scene of the event."""

    named_countries: set[str] = set()
    person_words: set[str] = set()
    sites: dict[tuple[int, int], Mention] = {}  # a site's span -> the name it holds

    def read_places(self, mentions: list[Mention]) -> list[Mention]:
        """What the whole article says before any one name is placed: the countries it names,
        the one-word names of its persons, and its sites. Gives the mentions, with
        each site as one mention: a place name joined to a facility becomes the site, a body's
        name before a facility stays and gains the site ("Acme headquarters": Acme, and its
        headquarters)."""
        self.named_countries = self.countries_named(mentions)
        self.person_words = self.person_names(mentions)
        self.sites = {}
        out = []
        for m in mentions:
            site = self.site_of(m)
            if site is None or (site.tok_end > m.tok_end and m.label not in PLACE_LABELS):
                out.append(m)
            if site is not None:
                self.sites[(site.start, site.end)] = m
                out.append(site)
        return out

    def site_of(self, m: Mention) -> Mention | None:
        """The site a name joins, or names: "the Elm station", "Acme's headquarters" (the
        facility after the name), "la place X", "l'aéroport international X" (before it),
        "Elm Towers" (the name ends with it). Not after an indefinite article ("a Kansas prison")."""
        doc = self.doc
        if fold(m.text).split()[-1] in self.lex.site_nouns and m.label not in PERSON_LABELS:
            return m
        start, end = m.tok_start, m.tok_end
        tok = doc[start:end].root
        for _ in range(2):  # "the East Elm sheriff's station": through a possessor or a compound
            if tok.dep_ not in ("compound", "poss") or tok.head.i < end:
                break
            tok = tok.head
            if fold(tok.lemma_) in self.lex.site_nouns or fold(tok.text) in self.lex.site_nouns:
                end = tok.i + 1
                break
        if end == m.tok_end:
            i = start - 1
            while i > 0 and doc[i].pos_ == "ADJ" and doc[i].is_lower and start - i < 3:
                i -= 1  # "l'aéroport international X"
            if i > 0 and doc[i].is_lower and fold(doc[i].text) in self.lex.site_nouns \
                    and doc[i - 1].pos_ in ("DET", "ADP"):
                start = i
        if (start, end) == (m.tok_start, m.tok_end):
            return None
        if start > 0 and fold(doc[start - 1].text) in ("a", "an", "un", "une"):
            return None
        span = doc[start:end]
        return Mention(span.text, span.start_char, span.end_char, "FAC", m.sent, start, end)

    def person_names(self, mentions: list[Mention]) -> set[str]:
        """Folded one-word names of persons: the surname of a person named in full, and a name
        NER calls a person more often than anything else ("Rosa" 8 times, once a place)."""
        words = {fold(m.text).split()[-1] for m in mentions if m.label in PERSON_LABELS and len(m.text.split()) >= 2}
        labels: dict[str, Counter] = {}
        for m in mentions:
            if len(m.text.split()) == 1:
                labels.setdefault(fold(m.text), Counter())[m.label in PERSON_LABELS] += 1
        return words | {w for w, c in labels.items() if c[True] > c[False]}

    def countries_named(self, mentions: list[Mention]) -> set[str]:
        """ISO codes of the countries the article names: by their name, a region's name, a seat
        of power or a nationality adjective ("Kansas", "Downing Street", "kényan")."""
        codes = set()
        for m in mentions:
            code = self.lex.metonyms.get(fold(m.text))
            place = self.geo.lookup(m.text, self.lang) if code is None else None
            if code is None and place is not None and place.kind in ("country", "region"):
                code = place.country
            if code:
                codes.add(code)
        codes.update(self.geo.country_of_adjective(t.text, self.lang) for t in self.doc if t.is_alpha)
        codes.discard(None)
        return codes

    def used_as_person(self, m: Mention, place: Place | None) -> bool:
        """Is a name NER or the gazetteer takes for a place a person's? After a title or an honorific
        ("Senator Lincoln", "M. Florence"); else, outside a setting ("in X") and unless it is a
        capital: a span NER calls a person, a person's name (:meth:`person_names`, even one NER
        calls a body here), or the subject of a speech verb. A country, or a name after a place noun,
        is a place."""
        if m.label in ORG_LABELS:
            return fold(m.text) in self.person_words and not self.in_setting(m)  # "met with Elmsworth"
        if place is None and m.label not in PLACE_LABELS:
            return False  # no place to rule out
        if (place is not None and place.kind == "country") or self.after_place_noun(m):
            return False
        if self.after_title(m):
            return True
        if self.in_setting(m) or (place is not None and self.geo.is_capital(place)):
            return False
        return m.label in PERSON_LABELS or fold(m.text) in self.person_words or self.speaks(m)

    def after_title(self, m: Mention) -> bool:
        """Does a title or an honorific come right before the name ("le sénateur X", "Mr X")?"""
        words = self.body[max(0, m.start - 60):m.start].split()
        if not words or self.body[m.start - 1:m.start] != " ":
            return False
        if words[-1].casefold() in self.lex.honorifics:
            return True
        titles = set(self.lex.titles)
        return any(fold(" ".join(words[-n:])) in titles for n in (1, 2, 3) if len(words) >= n)

    def speaks(self, m: Mention) -> bool:
        """Is the name the subject of a speech verb ("Lincoln said", "Florence a déclaré")?"""
        root = self.doc[m.tok_start:m.tok_end].root
        return root.dep_.startswith("nsubj") and self.is_speech_verb(root.head)

    def mistaken_town(self, m: Mention, place: Place) -> bool:
        """A body or a person NER does not call a place, that shares a small town's name ("le
        Hamas a estimé", "the Acme article"): a town only in a setting or after a place noun,
        and never when the town's own name is another ("Acme" is an old name of a town). A
        dateline is a town whatever NER says."""
        if place.kind != "city" or m.label in PLACE_LABELS or self.geo.is_capital(place) or self.is_dateline(m):
            return False
        name, text = fold(place.name), fold(m.text)
        if name not in text and text not in name:
            return True
        return not self.in_setting(m) and not self.after_place_noun(m)

    def in_setting(self, m: Mention) -> bool:
        """Does the name set a scene ("in X", "X, Y")? Not when it only qualifies a common noun
        ("in the Acme article", "the Sheriff's office")."""
        root = self.doc[m.tok_start:m.tok_end].root
        if root.dep_ in ("compound", "amod", "poss") and root.head.pos_ == "NOUN" \
                and fold(root.head.lemma_) not in self.lex.place_nouns:
            return False
        return not self.acts(m)

    def place_of(self, m: Mention) -> Place | None:
        """The place a name stands for; none for a plan, a law or an operation. A town must lie
        in a country the article names (a town of that name there is taken instead, else it
        stays a place without coordinates when it sets a scene), unless a place noun in the
        lead says it is one."""
        if (m.start, m.end) in self.sites:
            return self.site_place(m, self.sites[(m.start, m.end)])
        if self.names_a_programme(m):
            return None
        place = self.gazetteer_place(m)
        if (place is not None and place.kind == "city" and self.named_countries
                and place.country is not None and place.country not in self.named_countries
                and not self.geo.is_capital(place)
                and not (m.sent == self.lead_index() and self.after_place_noun(m))):
            text = m.text if self.geo.lookup(m.text, self.lang) else _OF.split(m.text)[-1]
            place = self.geo.lookup_in(text, self.lang, self.named_countries)
            if place is None and self.in_setting(m):
                place = Place(m.text, "other", None, None, None)  # still a place, but not that town
        return place

    def names_a_programme(self, m: Mention) -> bool:
        """Is the name that of a plan, a law or an operation ("le plan Elm", "the Elm Act")?"""
        before = self.doc[m.tok_start - 1] if m.tok_start > 0 else None
        if before is not None and before.is_lower and fold(before.text) in self.lex.programme_nouns:
            return True
        root = self.doc[m.tok_start:m.tok_end].root
        return root.dep_ == "compound" and fold(root.head.lemma_) in self.lex.programme_nouns \
            or fold(m.text).split()[-1] in self.lex.programme_nouns

    def site_place(self, site: Mention, name: Mention) -> Place:
        """A site, named without the place it lies in ("la place X de Dakar" -> "place X") nor
        a possessive ("Acme's headquarters" -> "Acme headquarters"), in the country of the place
        it names as its own ("Elm" in "the Elm station", "Dakar" in "la place X de Dakar"), when
        the gazetteer knows one there."""
        shown = _OF.split(re.split(r"\s+in\s+", site.text)[0])[0]
        shown = re.sub(r"['’]s\b", "", shown)
        if site.tok_start < name.tok_start:  # "la place X": the name is the site's; only "de Dakar" places it
            parts = _OF.split(name.text)
            hit = self.geo.lookup(parts[-1], self.lang) if len(parts) > 1 else None
        else:  # "the Elm station", "Acme's headquarters": the name is where, or whose, it is
            hit = self.gazetteer_place(name) if site is not name else None
        country = hit.country if hit is not None and (
            hit.kind != "city" or not self.named_countries or hit.country in self.named_countries) else None
        return Place(shown, "site", country, None, None)

    def gazetteer_place(self, m: Mention) -> Place | None:
        """The geocoder's answer for a name, or for the name after "X de/of" when it has none;
        after a place noun, a place of that kind without coordinates ("Municipality of Elm")."""
        place = self.geo.lookup(m.text, self.lang)
        if place is not None and place.kind == "city" and m.text.isupper():
            return None  # an acronym ("OTAN") is not a small town
        if place is None:
            # "cosmodrome russe de Vostotchny" -> "Vostotchny"; "coast of Aceh" -> "Aceh"
            parts = _OF.split(m.text)
            if len(parts) > 1:
                tail = self.geo.lookup(parts[-1], self.lang)
                kind = self.lex.place_nouns.get(fold(parts[0]))
                if tail is not None and tail.kind not in ("country",):
                    place = tail
                elif tail is None and kind is not None and len(parts) == 2:
                    place = Place(parts[-1], kind, None, None, None)
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
                if o is not e and (o.place is not None and o.place.kind != "site" or o.kind == "country")
                and any(fold(g).split()[:1] == forms[:1] and len(fold(g).split()) > 1 for g in self.names_of(o))
            ]
            if len(owners) == 1:
                owner = owners[0]
                owner.mentions.extend(e.mentions)
                e.mentions = []
        self.merge_sites()
        # "the people of Grindavik" tagged as a body, once "the town of Grindavik" is a place
        place_forms = {fold(f): e for e in self.entities if e.kind == "place" and e.mentions for f in e.forms()}
        for e in self.entities:
            if e.kind == "organization" and e.mentions and all(fold(f) in place_forms for f in e.forms()):
                target = place_forms[fold(next(iter(e.forms())))]
                target.mentions.extend(e.mentions)
                e.mentions = []
        self.entities = [e for e in self.entities if e.mentions]

    def merge_sites(self) -> None:
        """One site under two names, one with an acronym ("U.N. headquarters", "United Nations
        headquarters"): the longer name keeps both."""
        sites = [e for e in self.entities if e.kind == "place" and e.place is not None and e.place.kind == "site"
                 and e.mentions]
        for short in sites:
            for long in sites:
                if long is not short and long.mentions and short.mentions \
                        and _abbreviates(fold(short.place.name).split(), fold(long.place.name).split()):
                    long.mentions.extend(short.mentions)
                    short.mentions = []

    def settle_unknown_places(self) -> None:
        """A name NER calls a place that the gazetteer does not know, and that no mention uses
        as a place (no setting, no place or site noun), is a body ("l'ALN", "left the Acme
        Guild") or, plural, a people ("les Pieds-Bleus se préparent"), unless NER calls it
        geopolitical (GPE); one NER also calls a body or a person is that body or person; letters
        after a person's name are nothing. A piece of a longer place name, or a coordination
        ("North and South Elbonia"), is left to :meth:`tidy_places`."""
        others = {fold(f): e for e in self.entities if e.kind != "place" and e.mentions for f in e.forms()}
        place_words = [fold(f).split() for e in self.entities if e.kind == "place" for f in e.forms()]
        for e in self.entities:
            if e.kind != "place" or e.place is not None or not e.mentions:
                continue
            if all(self.apposed_to_person(m) for m in e.mentions):
                e.mentions = []  # "Mark Elm, QC": letters after a name
                continue
            forms = [fold(f) for f in e.forms()]
            if any(re.search(r"\s(and|et|&)\s", f) or _inside(f.split(), place_words) for f in forms):
                continue
            twin = next((others[f] for f in forms if f in others), None)
            if twin is not None:
                twin.mentions.extend(e.mentions)
                e.mentions = []
            elif not any(self.in_setting(m) or self.after_place_noun(m) or m.label == "GPE" for m in e.mentions):
                e.kind = "group" if any(self.plural_name(m) for m in e.mentions) else "organization"
                e.located, e.acts = False, True

    def apposed_to_person(self, m: Mention) -> bool:
        """Is the name in apposition to a person's name ("Mark Elm, QC")?"""
        root = self.doc[m.tok_start:m.tok_end].root
        return root.dep_ == "appos" and root.head.ent_type_ in PERSON_LABELS

    def plural_name(self, m: Mention) -> bool:
        """Is the name a plural noun phrase ("les Pieds-Bleus", "the Blue Feet")?"""
        before = self.doc[m.tok_start - 1] if m.tok_start > 0 else None
        return before is not None and fold(before.text) in ("les", "des", "aux") and m.text.endswith(("s", "x"))

    def after_place_noun(self, m: Mention) -> bool:
        """ "la ville de Mahmood-e-Raqi", "the town of Yeoncheon": the name is a place."""
        return self.place_noun_kind(m) is not None

    def place_noun_kind(self, m: Mention) -> str | None:
        """The kind of place the noun before the name says ("town" -> city, "château" -> site), if any."""
        noun = self.governing_noun(m)
        kind = next((self.lex.place_nouns[w] for w in noun if w in self.lex.place_nouns), None)
        return kind or ("site" if any(w in self.lex.site_nouns for w in noun) else None)

    def locations(self) -> list[Location]:
        places = [e for e in self.entities if e.located and e.mentions]
        scene = self.event_places(places)
        places += [e for e in scene if e not in places]
        out = []
        for e in places:
            place = e.place
            name = self.name_of(e) if e.kind == "place" else (place.name if place else self.name_of(e))
            aliases = [] if e.inferred else \
                [f for f in e.forms() if f != name and fold(f) not in (fold(a) for a in self.lex.metonyms)]
            out.append(
                Location(
                    name=name,
                    aliases=aliases,
                    kind=place.kind if place else "other",
                    country=place.country if place else e.country,
                    lat=place.lat if place else None,
                    lon=place.lon if place else None,
                    event=any(e is s for s in scene),
                    evidence=sorted({self.evidence(m.sent) for m in e.mentions}),
                )
            )
        return out

    def event_places(self, places: list[Entity]) -> list[Entity]:
        """The scene, at one scale or two (a place and its country): the most specific place
        named as a setting in the lead; when that is a country, with a place of it that the next
        sentence names; when the lead names no place, the country of its nationality adjective
        (:meth:`lead_country`), else the widest place (:meth:`widest_place`)."""
        lead = self.lead_index() if self.sents else 0
        best = self.best_setting(places, self.sents[lead].end_char) if places else None
        if best is None or best.place is None:
            best = self.lead_country(places, lead) or (self.widest_place(places) if places else None)
        if best is None:
            return []
        if is_country(best) and lead + 1 < len(self.sents):
            local = self.best_setting(places, self.sents[lead + 1].end_char, settings_only=True)
            if local is not None and local.place is not None and not is_country(local) \
                    and local.place.country == best.country:
                return [local, best]
        country = next((e for e in places if is_country(e) and best.place and e.country == best.place.country), None)
        return [best] if country is None or country is best else [best, country]

    def lead_country(self, places: list[Entity], lead: int) -> Entity | None:
        """When the lead names no place, the country its first nationality adjective names ("le
        gouvernement espagnol", "Kenyan police"), if no place the article names lies outside
        it: the scene at country scale, a location the text infers (it has no alias)."""
        if not self.sents:
            return None
        tok = next((t for t in self.sents[lead] if t.pos_ == "ADJ" and self.geo.country_of_adjective(t.text, self.lang)), None)
        if tok is None:
            return None
        code = self.geo.country_of_adjective(tok.text, self.lang)
        if any(e.place is not None and e.place.country not in (None, code) for e in places):
            return None
        known = next((e for e in places if is_country(e) and e.country == code), None)
        if known is not None:
            return known
        name = self.geo.country_name(code, self.lang)
        place = self.geo.lookup(name, self.lang) if name else None
        if place is None or place.kind != "country":
            return None
        m = self.mention_of(self.doc[tok.i:tok.i + 1], "ADJ")
        return Entity(kind="place", mentions=[m], place=place, country=code, located=True, name=place.name, inferred=True)

    def is_dateline(self, m: Mention) -> bool:
        """Is the name the dateline that opens a paragraph ("OTTAWA, 4 juillet (AFP) - ...",
        "HALIFAX (Reuters) — ...")? It says where the reporter writes, not where the event is."""
        if m.start > 0 and self.body[m.start - 1] != "\n":
            return False
        return _DATELINE.match(self.body[m.end:m.end + 60]) is not None

    def widest_place(self, places: list[Entity]) -> Entity:
        """The scene when the lead names none: the country the article names most (first named
        on a tie), else the widest place it names (a region before a town named in passing)."""
        def rank(e: Entity):
            kind = "country" if is_country(e) else (e.place.kind if e.place else "other")
            return (e.place is None and not is_country(e), -KIND_RANK.get(kind, 6) if kind != "other" else 0,
                    -len(e.mentions), e.mentions[0].start)
        return min(places, key=rank)

    def lead_index(self) -> int:
        """The lead: the first real sentence (a short dateline such as "4 juillet 2012." does not count)."""
        return next((i for i, sent in enumerate(self.sents) if len([t for t in sent if t.is_alpha]) > 6), 0)

    def unplaced_site(self, e: Entity) -> bool:
        """Is the entity a site (a facility with a name) in no known country?"""
        return e.place is not None and e.place.kind == "site" and e.place.country is None

    def best_setting(self, places: list[Entity], lead_end: int, settings_only: bool = False) -> Entity | None:
        """The place named before ``lead_end`` that best sets the scene: geocoded, a setting
        ("à X", "in X") rather than an actor (with ``settings_only``, only a setting), the most
        specific, the first; a site in no known country comes after the places the gazetteer
        knows. A capital that only speaks or acts ("Ottawa a estimé") is no setting, nor is a
        dateline."""
        best = None
        for e in places:
            for m in e.mentions:
                if m.start >= lead_end:
                    continue
                capital = e.place is not None and self.geo.is_capital(e.place)
                setting = not self.acts(m) or (e.kind == "place" and not (capital and self.is_subject(m)))
                setting = setting and not self.is_dateline(m)
                if settings_only and not setting:
                    continue
                kind = e.place.kind if e.place else "other"
                rank = (e.place is None, self.unplaced_site(e), not setting, KIND_RANK.get(kind, 6), m.start)
                if best is None or rank < best[0]:
                    best = (rank, e)
        return best[1] if best else None


def _abbreviates(short: list[str], long: list[str]) -> bool:
    """Are the folded words the long name with some words cut to their initials ("u n
    headquarters" for "united nations headquarters": folding splits "U.N." into letters)?"""
    if len(short) != len(long) or short == long:
        return False
    cut = [a != b for a, b in zip(short, long)]
    return sum(cut) >= 2 and all(len(a) == 1 and b.startswith(a) for a, b, c in zip(short, long, cut) if c)


def _inside(words: list[str], names: list[list[str]]) -> bool:
    """Are the words a run inside one of the longer names?"""
    n = len(words)
    return any(len(name) > n and any(name[i:i + n] == words for i in range(len(name) - n + 1)) for name in names)


def is_country(e: Entity) -> bool:
    """Does the entity stand for a whole country (a country actor, or a place of kind country)?"""
    return e.kind == "country" or (e.place is not None and e.place.kind == "country")
