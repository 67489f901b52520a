"""Actors: mentions merged into persons, bodies, countries and groups, with roles.

In: the mentions of :class:`~briefgen.extract.reading.Reading`. Out: ``self.entities``
(clusters of mentions: one person, one actor), their role and affiliation, and the
contract's :class:`~briefgen.facts.Actor` list.
"""

from __future__ import annotations

import re
from collections import Counter
from difflib import SequenceMatcher

from ..facts import Actor
from .geocode import Place
from ..text import fold
from .reading import (
    _FUNCTION_WORDS,
    GROUP_LABELS,
    ORG_LABELS,
    PERSON_LABELS,
    PLACE_LABELS,
    Entity,
    Mention,
    Reading,
    _strip_det,
    _strip_lead,
)


class ActorRules(Reading):
    """Mentions clustered into entities; roles, affiliations; the actor list."""

    def acts(self, m: Mention) -> bool:
        """Does this mention act, speak or undergo (rather than set the scene)?"""
        doc = self.doc
        i = m.tok_start - 1
        while i >= 0 and doc[i].pos_ == "DET":
            i -= 1
        if i >= 0 and fold(doc[i].text) in self.lex.locative_prepositions:
            return False
        if i >= 0 and doc[i].text in (",",) and i >= 1 and doc[i - 1].ent_type_ in PLACE_LABELS:
            return False  # "Aceh, Indonesia"
        head = doc[m.tok_start:m.tok_end].root
        if head.dep_ in ("nmod", "compound") and head.head.ent_type_ in PLACE_LABELS:
            return False  # "Est de la Russie"
        return True

    def country_acts(self, m: Mention, depth: int = 0) -> bool:
        """Does a country named by its name act, speak or undergo? Not when the name only
        qualifies another: a modifier ("US President", "UK researchers"), the home of a
        named body ("University of Sheffield of the UK"), a part of it ("le nord-est du
        Nigeria"), or the conjunct of a name that does not act ("in Australia and New Zealand")."""
        if not self.acts(m):
            return False
        root = self.doc[m.tok_start:m.tok_end].root
        if root.dep_ == "compound" and root.head.i >= m.tok_end:
            return False
        head = root.head
        if root.dep_ == "pobj" and fold(head.text) in ("of", "de", "du", "des") and head.head.pos_ == "PROPN":
            return False
        if root.dep_ in ("pobj", "nmod") and head.i != root.i:
            noun = head.head if root.dep_ == "pobj" else head
            if fold(noun.text) in self.lex.compass_nouns:
                return False
        if root.dep_ == "conj" and depth < 3:
            first = next((x for e in self.entities for x in e.mentions if x.tok_start <= head.i < x.tok_end), None)
            if first is not None and first is not m:
                return self.country_acts(first, depth + 1)
        return True

    def is_subject(self, m: Mention) -> bool:
        """Subject of a verb, or the source after an attribution marker ("selon Washington")."""
        root = self.doc[m.tok_start:m.tok_end].root
        before = fold(self.body[max(0, m.start - 20):m.start])
        if any(before.endswith(marker) for marker in self.lex.attribution_markers):
            return True
        return root.dep_.startswith("nsubj") or root.dep_ == "ROOT" and root.head.i == root.i

    def cluster(self, mentions: list[Mention]) -> None:
        persons: list[Mention] = []
        mentions = self.read_places(mentions)
        for m in mentions:
            key = fold(m.text)
            if m.label not in ORG_LABELS and self.title_follows(m):
                persons.append(m)  # "Barroso, le président de la Commission": a person, whatever NER says
                continue
            code = self.lex.metonyms.get(key)
            if code:  # a seat of power stands for its country, unless it is a destination or a setting
                self.add(("country", code), m, kind="country", country=code, acts=self.acts(m))
                continue
            place = self.place_of(m)
            if self.used_as_person(m, place):
                persons.append(m)  # "Senator Lincoln", "Lincoln said": a person, not that town
                continue
            if place is not None and self.mistaken_town(m, place):
                place = None  # "le Hamas a estimé": a body that shares a small town's name, not that town
            if place is not None and place.kind == "country":
                self.add(("country", place.country), m, kind="country", place=place, country=place.country,
                         acts=self.country_acts(m), located=True)
                continue
            if place is not None and self.geo.is_capital(place) and self.lex.capitals_act_for_country and self.is_subject(m):
                self.add(("country", place.country), m, kind="country", country=place.country, acts=True)
                self.add(("place", place.name), m, kind="place", place=place, country=place.country, located=True, count=False)
                continue
            if place is not None and (place.kind == "site" or not self.has_org_head(m.text)) and (
                m.label in PLACE_LABELS or place.kind in ("city", "country") or not self.acts(m)
            ):
                self.add(("place", place.name), m, kind="place", place=place, country=place.country, located=True)
                continue
            if self.after_place_noun(m):
                if place is None:  # "the town of Grindavik": a place of that kind, not geocoded
                    place = Place(m.text, self.place_noun_kind(m) or "other", None, None, None)
                self.add(("place", key), m, kind="place", place=place, country=place.country, located=True)
            elif m.label in PERSON_LABELS:
                persons.append(m)
            elif m.label in ORG_LABELS and fold(m.text).split()[-1] in self.lex.titles:
                continue  # "the State Department Spokesperson" is a role, not a body
            elif m.label in ORG_LABELS or (m.label in PLACE_LABELS and self.has_org_head(m.text)):
                self.add(("org", key), m, kind="organization", acts=True)
            elif m.label in GROUP_LABELS and self.is_group(m):
                self.add(("group", key), m, kind="group", acts=True)
            elif m.label in PLACE_LABELS:
                self.add(("place", key), m, kind="place", located=True)
            elif m.label == "MISC" and self.looks_like_person(m):
                persons.append(m)
        self.cluster_persons(persons)
        self.drop_common_words()
        self.merge_name_parts()
        self.find_agencies()
        self.settle_unknown_places()
        self.merge_organizations()
        self.find_governments()
        self.merge_body_seats()
        self.tidy_places()

    def drop_common_words(self) -> None:
        """Capitals that make no name: a common noun capitalised only because it opens its
        sentences ("Homeopathy is …" where the text also writes "homeopathy"), and letters after
        a person's name that NER took for a body ("Ann Lee SC", "Mark Elm, QC"; not a party in
        brackets, "Ann Lee (PSX)")."""
        for e in self.entities:
            if e.kind not in ("person", "organization") or not e.mentions:
                continue
            forms = set(e.forms())
            word = next(iter(forms))
            if len(forms) == 1 and " " not in word and not word.isupper() and all(self.opens_sentence(m) for m in e.mentions) \
                    and re.search(r"(?<!\w)" + re.escape(word.lower()) + r"(?!\w)", self.body):
                e.mentions = []
            elif e.kind == "organization" and all(f.isupper() and len(f) <= 4 for f in forms) \
                    and all(self.apposed_to_person(m) and "(" not in self.body[m.start - 2:m.start] for m in e.mentions):
                e.mentions = []
        self.entities = [e for e in self.entities if e.mentions]

    def opens_sentence(self, m: Mention) -> bool:
        """Does the name open its sentence (or a quotation)?"""
        start = self.sents[m.sent].start
        return m.tok_start == start or all(t.is_punct for t in self.doc[start:m.tok_start])

    def merge_name_parts(self) -> None:
        """A one-word name NER took for a body or a place ("Marine" for Marine Dupuis, "Rathbun"
        cut from "Rathbun the …") is the person whose given name or surname it is (the one named
        most, when several share it), when no article stands before it ("la Marine" stays a navy)."""
        persons = [e for e in self.entities if e.kind == "person"]
        for entity in list(self.entities):
            if entity.kind not in ("organization", "place") or entity.place is not None:
                continue
            words = {fold(f) for f in entity.forms()}
            if len(words) != 1 or " " in next(iter(words)) or any(
                    m.tok_start > 0 and self.doc[m.tok_start - 1].pos_ == "DET" for m in entity.mentions):
                continue
            word = next(iter(words))
            owners = [p for p in persons if any(len(n) > 1 and word in (n[0], n[-1]) for n in (fold(f).split() for f in p.forms()))]
            owners.sort(key=lambda p: -len(p.mentions))
            if len(owners) == 1 or len(owners) > 1 and len(owners[0].mentions) > len(owners[1].mentions):
                owners[0].mentions.extend(entity.mentions)  # a shared surname: the one named most
                entity.mentions = []
        self.entities = [e for e in self.entities if e.mentions]

    def find_agencies(self) -> None:
        """Bodies written in lower case that NER misses: "l'armée française", "Malaysian navy",
        "l'état-major interarmées de Séoul", "la direction des renseignements généraux".

        A head noun from the lexicon's ``agency_nouns`` becomes an organisation when a
        nationality or a place says whose it is, or (for the ``bureau`` class) when a domain
        word says what it does. Bodies of one class and one country are one actor
        ("armée française" = "forces françaises").
        """
        doc = self.doc
        taken = {i for e in self.entities for m in e.mentions for i in range(m.tok_start, m.tok_end)}
        for tok in doc:
            if tok.i in taken or tok.pos_ not in ("NOUN", "PROPN") or self.in_quote(tok.idx):
                continue
            head, cls = tok, None
            if tok.i + 2 < len(doc) and doc[tok.i + 1].text == "-" and not tok.whitespace_:
                cls = self.lex.agency_nouns.get(fold(doc[tok.i:tok.i + 3].text))  # "état-major"
                head = doc[tok.i + 2] if cls else tok
            cls = cls or self.lex.agency_nouns.get(fold(tok.text)) or self.lex.agency_nouns.get(fold(tok.lemma_))
            if cls is None:
                continue
            start, end, code, domain = tok.i, head.i + 1, None, False
            # a nationality before the noun (English): "Malaysian navy"
            left = doc[tok.i - 1] if tok.i > 0 else None
            if left is not None and left.pos_ in ("ADJ", "PROPN") and left.i not in taken:
                code = self.geo.country_of_adjective(left.text, self.lang)
                if code:
                    start = left.i
            # after the noun: "française", "de sécurité afghanes", "de Séoul", "des renseignements"
            i = head.i + 1
            while code is None and i < min(head.i + 7, len(doc)):
                t = doc[i]
                if t.is_punct or t.pos_ in ("VERB", "AUX", "CCONJ", "PRON", "SCONJ") or (
                    t.pos_ == "ADP" and fold(t.text).rstrip("'") not in ("de", "du", "des", "d", "of")
                ):
                    break
                if fold(t.text) in self.lex.portfolios or (i + 1 < len(doc) and fold(doc[i:i + 2].text) in self.lex.portfolios):
                    domain, end = True, i + (2 if fold(t.text) not in self.lex.portfolios else 1)
                    break  # "le ministère de la Défense", "Ministry of Foreign Affairs"
                if t.pos_ == "ADJ" and self.geo.country_of_adjective(t.text, self.lang):
                    code, end = self.geo.country_of_adjective(t.text, self.lang), i + 1
                elif t.pos_ == "PROPN" and doc[i - 1].pos_ in ("ADP", "DET"):
                    place = self.geo.lookup(t.text, self.lang)
                    if place is not None and place.kind in ("city", "country"):
                        code, end = place.country, i + 1
                    else:
                        break
                elif fold(t.lemma_) in self.lex.agency_domains or fold(t.text) in self.lex.agency_domains:
                    domain, end = True, i + 1
                    while end < len(doc) and doc[end].pos_ == "ADJ" and not self.geo.country_of_adjective(doc[end].text, self.lang):
                        end += 1  # "renseignements généraux", "sécurité politique"
                i += 1
            if code is None and not (domain and cls == "bureau"):
                continue
            if code is not None and not domain and (fold(tok.lemma_) in self.lex.government_nouns
                                                    or fold(tok.text) in self.lex.government_nouns):
                continue  # "le ministère français": the country's government (find_governments)
            span = doc[start:end]
            m = Mention(span.text, span.start_char, span.end_char, "ORG", self.sent_of_token[start], start, end)
            named = self.entity_in(end, end + 1, containing=True) if end < len(doc) else None
            if named is None:
                # a capitalised name right after the description, which NER missed: "… américaine Moody's"
                k = end
                while k < len(doc) and k not in taken and doc[k].text[:1].isupper() and doc[k].pos_ not in ("DET", "ADP") \
                        and fold(doc[k].text) not in self.lex.stop_entities:
                    k += 1
                if k > end:
                    name = doc[end:k]
                    named = self.add(("org", fold(name.text)), Mention(name.text, name.start_char, name.end_char, "ORG",
                                     self.sent_of_token[end], end, k), kind="organization", acts=True)
                    taken.update(range(end, k))
            if named is not None and named.kind == "organization":
                m.label = "DESC"  # "l'agence américaine Moody's": a description of the name after it
                named.mentions.append(m)
                taken.update(range(start, end))
                continue
            key = ("org", fold(span.text))
            entity = self.by_form.get(("agency", cls, code)) if code else None
            entity = entity or self.by_form.get(key)
            if entity is None:
                entity = self.add(key, m, kind="organization", acts=True)
            else:
                entity.mentions.append(m)
                self.by_form.setdefault(key, entity)
            if code:
                self.by_form[("agency", cls, code)] = entity
            taken.update(range(start, end))

    def find_governments(self) -> None:
        """ "le gouvernement malien", "Thailand's foreign minister", "des responsables américains",
        "Egyptian officials": the country speaks and acts. "Acme officials" speak for the body
        Acme; "le gouvernement" or "the authorities" alone, as a subject, for the article's
        one main country."""
        for tok in self.doc:
            lemma = fold(tok.lemma_)
            official = lemma in self.lex.official_nouns or fold(tok.text) in self.lex.official_nouns
            if tok.pos_ != "NOUN" or not (official or lemma in self.lex.government_nouns) or self.in_quote(tok.idx):
                continue
            code, start, end = self.nationality_of(tok)
            if code is None and official:
                names = [c for c in tok.children if c.dep_ in ("compound", "nmod") and c.text[:1].isupper()
                         and c.pos_ in ("PROPN", "NOUN")]
                body = (self.entity_in(names[0].i, names[0].i + 1, containing=True) or self.body_named(names[0].text)) if names else None
                if body is not None and body.kind == "organization":
                    body.mentions.append(self.mention_of(self.doc[min(c.i for c in names):tok.i + 1], "DESC"))
                    continue
            if code is None and official and self.supranational_body(tok) is not None:
                body, adjective = self.supranational_body(tok)
                self.add(("org", fold(body)), self.mention_of(self.doc[min(tok.i, adjective.i):max(tok.i, adjective.i) + 1], "DESC"),
                         kind="organization", acts=True).name = body
                continue
            if code is None and not official and tok.dep_.startswith("nsubj") and self.is_bare_definite(tok):
                code = self.main_country()
            if code is None:
                continue
            self.add(("country", code), self.mention_of(self.doc[start:end], "ORG"), kind="country", country=code, acts=True)

    def merge_body_seats(self) -> None:
        """A seat that speaks ("Bruxelles estime") stands for the body seated there when the article
        names that body (the lexicon's ``body_seats``), not for the seat's country."""
        for seat, body in self.lex.body_seats.items():
            target = next((e for e in self.entities if e.kind == "organization"
                           and fold(body) in {fold(self.name_of(e)), *(fold(f) for f in e.forms())}), None)
            if target is None:
                continue
            for entity in self.entities:
                if entity is not target and entity.kind == "country":
                    moved = [m for m in entity.mentions if fold(m.text) == seat]
                    entity.mentions = [m for m in entity.mentions if fold(m.text) != seat]
                    target.mentions.extend(moved)
        self.entities = [e for e in self.entities if e.mentions]

    def supranational_body(self, tok):
        """(name, adjective) of the body an adjective names for an officials noun ("les dirigeants
        européens" -> the European Union), from the lexicon's ``supranational_adjectives``."""
        for child in tok.children:
            body = self.lex.supranational_adjectives.get(fold(child.text)) if child.dep_ == "amod" else None
            if body:
                known = next((e for e in self.entities if e.kind == "organization" and fold(body) in {fold(f) for f in e.forms()}), None)
                return (self.name_of(known) if known is not None and known.name else body), child
        return None

    def body_named(self, word: str) -> Entity | None:
        """The one organisation that has this word as a form or as a word of its name."""
        key = fold(word)
        found = [e for e in self.entities if e.kind == "organization" and any(
            key == fold(f) or key in fold(f).split() for f in e.forms())]
        return found[0] if len(found) == 1 else None

    def short_name_of_body(self, text: str) -> Entity | None:
        """The one organisation of which ``text`` is another name (:func:`_same_body`: its
        acronym, its head part, a typo)."""
        found = [e for e in self.entities if e.kind == "organization" and e.mentions
                 and any(_same_body(fold(f), fold(text), text) for f in e.forms())]
        return found[0] if len(found) == 1 else None

    def nationality_of(self, tok) -> tuple[str | None, int, int]:
        """The country a nationality adjective or an English possessive gives a noun ("le
        gouvernement malien", "the Saudi foreign ministry", "Thailand's foreign minister"),
        with the span of noun and modifier."""
        for child in tok.children:
            if child.dep_ in ("amod", "compound", "nmod") and child.pos_ in ("ADJ", "PROPN"):
                code = self.geo.country_of_adjective(child.text, self.lang)
                if code:
                    return code, min(tok.i, child.i), max(tok.i, child.i) + 1
        if self.lang == "en":
            for child in tok.children:
                if child.dep_ == "poss":
                    place = self.geo.lookup(child.text, self.lang)
                    if place is not None and place.kind == "country":
                        return place.country, child.i, tok.i + 1
        return None, tok.i, tok.i + 1

    def is_bare_definite(self, tok) -> bool:
        """ "le gouvernement", "the authorities": a definite article, no name or complement saying whose."""
        definite = any(c.dep_ == "det" and fold(c.text).rstrip("'") in ("le", "la", "l", "les", "the") for c in tok.children)
        return definite and not any(c.dep_ in ("nmod", "compound", "amod", "poss", "appos", "flat", "flat:name")
                                    and c.pos_ in ("PROPN", "ADJ", "NOUN") for c in tok.children)

    def main_country(self) -> str | None:
        """The country mentioned most, when one is mentioned more than any other."""
        counts = sorted(((len(e.mentions), e.country) for e in self.entities if e.kind == "country" and e.country), reverse=True)
        if not counts or (len(counts) > 1 and counts[0][0] == counts[1][0]):
            return None
        return counts[0][1]

    def merge_organizations(self) -> None:
        """One organisation per real body: acronyms ("HRW"), short forms and typos join the full name,
        and so does a name given in brackets right after another ("… de l'Afrique de l'Ouest (Cédéao)")."""
        orgs_by_mention = {(m.start, m.end): e for e in self.entities if e.kind == "organization" for m in e.mentions}
        for (start, end), entity in list(orgs_by_mention.items()):
            match = re.match(r"\s*\(\s*", self.body[end:end + 4])
            if not match:
                continue
            inner = next((e for (s2, e2), e in orgs_by_mention.items()
                          if s2 == end + match.end() and self.body[e2:e2 + 2].lstrip().startswith(")")), None)
            if inner is not None and inner is not entity and inner.mentions:
                entity.mentions.extend(inner.mentions)
                inner.mentions = []
                for key, value in orgs_by_mention.items():
                    if value is inner:
                        orgs_by_mention[key] = entity
        self.entities = [e for e in self.entities if e.mentions]
        orgs = sorted((e for e in self.entities if e.kind == "organization"),
                      key=lambda e: -max(len(fold(f)) for f in e.forms()))
        for i, small in enumerate(reversed(orgs)):
            for big in orgs:
                if big is small or not big.mentions or not small.mentions:
                    continue
                if any(_same_body(fold(a), fold(b), b) for a in big.forms() for b in small.forms()):
                    big.mentions.extend(small.mentions)
                    small.mentions = []
                    break
        # "Supreme Court", "the Court": words of exactly one longer body's name ("Italian Supreme Court of Cassation")
        for small in [e for e in self.entities if e.kind == "organization" and e.mentions]:
            forms = {fold(f) for f in small.forms()}
            if any(len(f) < 4 or f.isupper() for f in small.forms()):
                continue  # acronyms have their own rule
            bigger = [big for big in self.entities if big is not small and big.kind == "organization" and big.mentions
                      and all(any(f != fold(b) and f" {f} " in f" {fold(b)} " for b in big.forms()) for f in forms)]
            if len(bigger) == 1:
                bigger[0].mentions.extend(small.mentions)
                small.mentions = []
        self.entities = [e for e in self.entities if e.mentions]
        # the same name tagged once as a group and once as an organisation is one group
        groups = {fold(f): e for e in self.entities if e.kind == "group" for f in e.forms()}
        for e in self.entities:
            if e.kind == "organization" and e.mentions:
                twin = next((groups[fold(f)] for f in e.forms() if fold(f) in groups), None)
                if twin is not None:
                    twin.mentions.extend(e.mentions)
                    e.mentions = []
        self.entities = [e for e in self.entities if e.mentions]

    def add(self, key, m: Mention, kind: str, count: bool = True, **attrs) -> Entity:
        entity = self.by_form.get(key)
        if entity is None:
            entity = Entity(kind=kind)
            self.by_form[key] = entity
            self.entities.append(entity)
        if count:
            entity.mentions.append(m)
        elif not entity.mentions:
            entity.mentions.append(m)
        for name, value in attrs.items():
            if name in ("acts", "located"):
                setattr(entity, name, getattr(entity, name) or value)
            elif getattr(entity, name) is None:
                setattr(entity, name, value)
        return entity

    def title_follows(self, m: Mention) -> bool:
        """Is the name followed by a title in apposition ("X, le président de ...")?"""
        if not all(t.is_title for t in self.doc[m.tok_start:m.tok_end]):
            return False
        match = re.match(r"\s*,\s*([^,;:()]+)", self.body[m.end:m.end + 120])
        return bool(match) and bool(re.match(r"(le|la|l'|the)\s", match.group(1), re.I)) and \
            self.title_at(match.group(1)) is not None

    def is_group(self, m: Mention) -> bool:
        """A named people acting ("the Rohingya"), not a demonym or an adjective ("Indonesian")."""
        root = self.doc[m.tok_start:m.tok_end].root
        if root.pos_ not in ("PROPN", "NOUN") or root.dep_ not in (
            "nsubj", "nsubjpass", "nsubj:pass", "obj", "dobj", "iobj", "conj", "appos", "ROOT"
        ):
            return False  # adjectives, compounds and "a minority of Muslims" are not actors
        i = m.tok_start - 1
        while i > 0 and self.doc[i].pos_ == "ADV":
            i -= 1
        if any(c.dep_ == "cop" for c in root.children) or (i >= 0 and self.doc[i].lemma_ in ("be", "être")):
            return False  # "Myanmar is mainly Buddhist": a predicate, not an actor
        return not any(self.geo.country_of_adjective(w, self.lang) for w in (m.text, m.text.rstrip("s")))

    def has_org_head(self, text: str) -> bool:
        words = fold(text).split()
        return any(w in self.lex.organization_heads for w in words[:2])

    def looks_like_person(self, m: Mention) -> bool:
        toks = self.doc[m.tok_start:m.tok_end]
        if len(toks) < 2 or not all(t.is_title or t.text.startswith("-") for t in toks):
            return False
        after = self.body[m.end:m.end + 60]
        return bool(re.match(r"\s*,\s*(un|une|the|a|an)\s", after, re.I))

    def cluster_persons(self, persons: list[Mention]) -> None:
        def clean(text: str) -> str:
            words = text.split()
            while words and words[0].casefold() in self.lex.honorifics:
                words.pop(0)
            return " ".join(words)

        forms = sorted({clean(m.text) for m in persons}, key=lambda t: (-len(fold(t).split()), -len(t), t))
        clusters: list[tuple[str, Entity]] = []  # (longest folded form, entity)
        assign: dict[str, Entity] = {}
        for form in forms:
            key = fold(form)
            if not key:
                continue
            target = None
            for long_key, entity in clusters:
                words, long_words = key.split(), long_key.split()
                if key == long_key or (len(words) < len(long_words) and (
                    long_words[-len(words):] == words or long_words[: len(words)] == words
                )):
                    target = entity
                    break
                if _initials_of(words, long_words):
                    target = entity  # "B. Obama", "J. R. Smith": initials of the full name
                    break
                if len(words) == len(long_words) and words[-1] == long_words[-1] or _similar(key, long_key, 0.86):
                    if _similar(key, long_key, 0.8):
                        target = entity
                        break
            if target is None and len(key.split()) == 1:
                target = _surname_owner(key, clusters)
            if target is None:
                target = Entity(kind="person", acts=True)
                self.entities.append(target)
                clusters.append((key, target))
            assign[form] = target
        for m in persons:
            entity = assign.get(clean(m.text))
            if entity is not None:
                entity.mentions.append(m)
        # "les membres d'Ansar Eddine": a name that has members is a group, whatever NER said
        for entity in {id(e): e for e in assign.values()}.values():
            if any(self.after_noun_of(m, self.lex.member_nouns) for m in entity.mentions):
                entity.kind = "group"

    def find_roles(self) -> None:
        for entity in self.entities:
            if entity.kind != "person":
                continue
            for m in entity.mentions:
                role = self.role_near(m)
                if role:
                    phrase, title = role
                    if entity.role is None:
                        entity.role = phrase
                    if 1 < len(phrase.split()) <= 6 and phrase not in entity.extra_aliases:  # not a bare "président"
                        entity.extra_aliases.append(phrase)
                    if entity.affiliation is None:
                        entity.affiliation = self.affiliation_of(phrase)

    def drop_role_bodies(self) -> None:
        """A body named only inside a person's title ("le président du Conseil des ministres X") is
        part of that title, not an actor, unless it acts or speaks elsewhere."""
        roles = [(fold(e.role), m) for e in self.entities if e.kind == "person" and e.role for m in e.mentions]
        for entity in self.entities:
            if entity.kind != "organization" or not entity.mentions:
                continue
            if all(any(f" {fold(m.text)} " in f" {role} " and abs(m.tok_start - p.tok_start) <= 12 and m.sent == p.sent
                       for role, p in roles) and not self.is_subject(m) for m in entity.mentions):
                entity.mentions = []
        self.entities = [e for e in self.entities if e.mentions]

    def title_at(self, text: str) -> str | None:
        """The title a phrase starts with (after a determiner or a possessor), if any."""
        key = fold(text)
        key = re.sub(r"^(?:(?:au|aux|du|des|de|to|of|for|by|le|la|les|l|un|une|the|a|an|son|sa|ses|its|his|her)\s+)+", "", key)
        key = re.sub(r"^\w+ s\s+", "", key)  # "malaysia s prime minister"
        words = key.split()
        titles = self.lex.title_set
        # "Kenyan President", "Interior Minister", "US Secretary of State": a title after one or
        # two qualifying words (a nationality or a portfolio)
        for skip in range(0, min(3, len(words))):
            if skip and not all(self.geo.country_of_adjective(w, self.lang) or fold(w) in self.lex.portfolios
                                or w.upper() == w for w in _strip_det(text).split()[:skip]):
                break
            # the longest title the words start with (titles are folded: one space between words)
            for end in range(len(words), skip, -1):
                if " ".join(words[skip:end]) in titles:
                    return " ".join(words[skip:end])
        # "civil protection chief": a short phrase of content words that ends with a title
        if 1 < len(words) <= 4 and not any(w in _FUNCTION_WORDS or w in ("au", "aux", "to", "by") for w in words):
            for start in range(1, len(words)):  # the longest title it ends with
                if " ".join(words[start:]) in titles:
                    return " ".join(words[start:])
        return None

    def role_near(self, m: Mention) -> tuple[str, str] | None:
        sent = self.sents[m.sent]
        left = self.body[sent.start_char:m.start]
        left = re.sub(r"(?:\s|^)(?:" + "|".join(re.escape(h) for h in self.lex.honorifics) + r")\s*$", "", left, flags=re.I)
        segment = re.split(r"[,;:()«»\"“”]", left.rstrip().rstrip(","))[-1].strip()
        span = self.doc.char_span(m.start - len(left) + len(left.rstrip()) - len(segment), m.start, alignment_mode="expand") if segment else None
        if span is not None:
            # the longest title phrase right before the name, never across a verb: "au président X",
            # "a déclaré le colonel-major X", "According to civil protection chief X"; not
            # "Le président chinois a rencontré X"
            best = None
            toks = [t for t in span if t.i < m.tok_start]
            person_tokens = {i for e in self.entities if e.kind == "person" for p in e.mentions
                             if p.tok_end <= m.tok_start for i in range(p.tok_start, p.tok_end)}
            for k in range(1, min(7, len(toks)) + 1):
                first = toks[-k]
                if first.pos_ in ("VERB", "AUX") or first.i in person_tokens:
                    break  # never across a verb or another person's name
                if first.pos_ == "ADP":
                    continue  # not a start, but "Minister of Education" goes on to its head
                if k > 1 and toks[-k + 1].pos_ == "ADP" and fold(first.text) not in self.lex.titles \
                        and fold(first.lemma_) not in self.lex.titles:
                    continue  # before a preposition only a title starts the phrase ("ranging from US President")
                candidate = self.body[first.idx:m.start].strip().rstrip(",;:").strip()
                title = self.title_at(candidate)
                if title:
                    best = (_strip_lead(candidate), title)
            if best:
                return best
        right = self.body[m.end:sent.end_char]
        match = re.match(r"\s*,\s*([^,;:()]+)", right)
        before = fold(self.body[max(sent.start_char, m.start - 20):m.start])
        if match and not any(before.endswith(fold(marker)) for marker in self.lex.attribution_markers):
            # ("According to X, a detective …": what follows the name is what X says, not X's title)
            # "un transfuge devenu chercheur qui dirige ...": the role stops at a relative clause
            segment = re.split(r"\s(?:qui|que|dont|who|which|that|whose)\s", match.group(1).strip())[0]
            segment = re.split(r"[.!?](?:\s|$)|[«»\"“”]", segment)[0].strip(" .!?")  # never past the sentence or into a quote
            start = m.end + right.index(match.group(1))
            verb = next((t for t in self.doc[m.tok_end:m.tok_end + 40] if t.idx >= start and t.idx < start + len(segment)
                         and (t.pos_ == "AUX" or "Fin" in t.morph.get("VerbForm"))), None)
            if verb is not None:
                segment = self.body[start:verb.idx].strip()  # an apposition has no verb of its own
            title = self.title_at(segment)
            if title or re.match(r"(un|une|the|a|an)\s", segment, re.I) and any(
                f" {t} " in f" {fold(segment)} " for t in self.lex.titles
            ):
                return _strip_det(segment)[:120], title or ""
        return None

    def affiliation_of(self, phrase: str) -> str | None:
        for word in re.findall(r"[\w'-]+", phrase):
            code = self.geo.country_of_adjective(word, self.lang) or self.lex.metonyms.get(fold(word))
            if code:
                return self.geo.country_name(code, self.lang)
        for place_entity in self.entities:
            if place_entity.kind in ("country", "organization") and place_entity.mentions:
                for form in place_entity.forms():
                    if re.search(r"(?<!\w)" + re.escape(form) + r"(?!\w)", phrase):
                        return self.name_of(place_entity)
        return None

    def find_title_aliases(self) -> None:
        """Link title phrases such as "le président russe" to the one person they fit."""
        persons = [e for e in self.entities if e.kind == "person"]
        for sent in self.sents:
            for tok in sent:
                if tok.pos_ != "NOUN" or self.in_quote(tok.idx):
                    continue
                phrase_toks = [tok] + [c for c in tok.children if c.dep_ in ("amod",) and c.i > tok.i]
                title = self.title_at(tok.text)
                after = max([tok.i] + [c.i for c in phrase_toks]) + 1
                if not title or after >= len(self.doc) or self.doc[after].pos_ == "PROPN" or self.doc[tok.i + 1].pos_ == "PROPN":
                    continue  # "Le Premier ministre palestinien Mohammed Shtayyeh": his own title
                adj = next((c for c in tok.children if c.dep_ == "amod" and c.i > tok.i), None)
                code = self.geo.country_of_adjective(adj.text, self.lang) if adj is not None else None
                if not code:
                    continue
                candidates = [
                    e for e in persons
                    if e.role and self.title_at(e.role) == title
                    and (e.affiliation is None or e.affiliation == self.geo.country_name(code, self.lang))
                ]
                if not candidates:
                    # no one holds that title yet: the one person without a role who can be of that country
                    candidates = [
                        e for e in persons
                        if e.role is None and e.affiliation in (None, self.geo.country_name(code, self.lang))
                    ]
                if len(candidates) == 1:
                    phrase = self.body[min(t.idx for t in phrase_toks):max(t.idx + len(t.text) for t in phrase_toks)]
                    target = candidates[0]
                    if phrase not in target.extra_aliases:
                        target.extra_aliases.append(phrase)
                    target.affiliation = target.affiliation or self.geo.country_name(code, self.lang)
                    if target.role is None or fold(target.role) == title:
                        target.role = _strip_det(phrase)  # "président" -> "président russe"

    def person_named(self, word: str) -> Entity | None:
        """The one person whose name ends with this word, if exactly one does."""
        key = fold(word)
        found = [e for e in self.entities if e.kind == "person" and any(fold(f).split()[-1:] == [key] for f in e.forms())]
        return found[0] if len(found) == 1 else None

    def name_of(self, entity: Entity) -> str:
        if entity.name:
            return entity.name
        if entity.kind == "country" and entity.country:
            name = self.geo.country_name(entity.country, self.lang)
        elif entity.place is not None and entity.kind == "place":
            name = entity.place.name
        else:
            forms = Counter(m.text for m in entity.mentions if m.label != "DESC") or entity.forms()
            # people and bodies by their fullest name; other entities by their usual one
            full = entity.kind in ("person", "organization")
            name = max(forms, key=lambda f: (len(f.split()) if full else 0, not _has_initial(f), forms[f], len(f)))
            if entity.kind == "person":
                words = name.split()
                while words and words[0].casefold() in self.lex.honorifics:
                    words.pop(0)
                name = " ".join(words) or name
        entity.name = name or (entity.mentions[0].text if entity.mentions else "?")
        return entity.name

    def actors(self) -> list[Actor]:
        out = []
        for e in self.entities:
            if e.kind == "place" or not e.acts or not e.mentions:
                continue
            if e.kind == "country" and not e.acts:
                continue
            name = self.name_of(e)
            aliases = []
            for form in list(e.forms()) + e.extra_aliases:
                if form != name and form not in aliases:
                    aliases.append(form)
            out.append(
                Actor(
                    name=name,
                    aliases=aliases,
                    kind=e.kind,
                    role=e.role,
                    affiliation=e.affiliation,
                    mentions=len(e.mentions),
                    evidence=sorted({self.evidence(m.sent) for m in e.mentions}),
                )
            )
        out.sort(key=lambda a: (-a.mentions, a.name))
        return out


def _surname_owner(word: str, clusters: list[tuple[str, Entity]]) -> Entity | None:
    """The one person a lone surname can only be: the first of two surnames ("Pastor" for
    "Ana Pastor García"), or the surname misspelt ("Buchtman" for "Lydia Buchtmann": same first
    letter, a long word, close spelling). None when two persons could be meant."""
    owners = []
    for long_key, entity in clusters:
        words = long_key.split()
        if len(words) < 2:
            continue
        if word in words[1:-1] or (len(word) >= 6 and word[0] == words[-1][0]
                                   and _similar(word, words[-1], 0.85)):
            owners.append(entity)
    return owners[0] if len(owners) == 1 else None


def _similar(a: str, b: str, threshold: float) -> bool:
    """``SequenceMatcher(None, a, b).ratio() >= threshold``, its cheap upper bounds first (the
    same answer; many names compared two by two cost little)."""
    if not a and not b:
        return threshold <= 1.0
    if 2.0 * min(len(a), len(b)) / (len(a) + len(b)) < threshold:  # real_quick_ratio, without the matcher
        return False
    matcher = SequenceMatcher(None, a, b)
    return matcher.quick_ratio() >= threshold and matcher.ratio() >= threshold


def _same_body(long: str, short: str, short_raw: str) -> bool:
    """Is ``short`` another name of ``long``: its acronym, its head part, or a typo of it?"""
    if len(short) >= len(long):
        return short == long or _similar(short, long, 0.9) and len(short) > 8
    words = [w for w in long.split() if w not in _FUNCTION_WORDS]
    if re.fullmatch(r"(?:[A-Z]\.){2,6}", short_raw):
        short = short.replace(" ", "")  # "U.N." is "UN"
    if short_raw.replace(".", "").isupper() and 2 <= len(short) <= 6 and " " not in short:
        initials = "".join(w[0] for w in words)
        if short == initials or short == "".join(w[0] for w in long.split()):
            return True
        if long.split()[0] == short and len(long.split()) >= 2:
            return True  # "PSA" for "PSA Peugeot Citroën": the acronym that opens the full name
    short_words = short.split()
    return len(short_words) >= 2 and long.split()[: len(short_words)] == short_words or (
        len(short) > 8 and _similar(short, long, 0.9)
    )


def _initials_of(words: list[str], long_words: list[str]) -> bool:
    """Are ``words`` the name ``long_words`` with some of its first names as initials ("b obama")?"""
    return len(words) == len(long_words) and words != long_words and words[-1] == long_words[-1] and all(
        w == lw or len(w) == 1 and lw.startswith(w) for w, lw in zip(words[:-1], long_words[:-1]))


def _has_initial(name: str) -> bool:
    """ "B. Obama": a first name given by its initial (the full form names a person better)."""
    return any(len(w.rstrip(".")) == 1 and w[:1].isupper() for w in name.split()[:-1])
