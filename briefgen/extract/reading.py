"""The parsed text of one article: sentences, quotations and entity mentions.

In: the article, its spaCy ``Doc`` and the language's lexicon. Out: :class:`Reading`,
the base of one extraction run: sentences with their evidence offsets, quotation spans,
and :class:`Mention` spans (NER entities cleaned, repaired and completed), with the
small text helpers the other steps share; :class:`Entity` is the working cluster of
mentions that becomes an actor, a location or both.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ..config import Config
from ..facts import Evidence
from .geocode import Geocoder, Place
from ..ingest import Article
from ..text import dateline_end, fold
from .lexicon import Lexicon

PERSON_LABELS = {"PER", "PERSON"}

ORG_LABELS = {"ORG"}

PLACE_LABELS = {"LOC", "GPE", "FAC"}

GROUP_LABELS = {"NORP"}

KIND_RANK = {"site": 0, "city": 1, "region": 2, "sea": 3, "country": 5, "other": 6}

QUOTE_PAIRS = {"«": "»", "“": "”", '"': '"', "„": "“"}

MIN_DIRECT_WORDS = 4


@dataclass
class Mention:
    text: str
    start: int  # character offsets in the body
    end: int
    label: str
    sent: int  # sentence index
    tok_start: int  # token offsets in the doc
    tok_end: int

@dataclass
class Entity:
    """A cluster of mentions: becomes an actor, a location, or both."""

    kind: str  # person | organization | country | group | place
    mentions: list[Mention] = field(default_factory=list)
    place: Place | None = None
    country: str | None = None  # ISO code the entity stands for or lies in
    acts: bool = False
    located: bool = False  # is a place of the story
    role: str | None = None
    affiliation: str | None = None
    extra_aliases: list[str] = field(default_factory=list)
    name: str | None = None
    inferred: bool = False  # a location the text implies but does not name (it has no alias)

    def forms(self) -> Counter:
        return Counter(m.text for m in self.mentions)


# articles that a title or a masthead starts with, when written with a capital mid-sentence
_NAME_ARTICLES = {"El", "La", "Le", "Les", "Los", "Las", "Il", "Lo", "Der", "Die", "Das", "De", "Het", "The", "O", "A"}


class Reading:
    """One article being read; the fact steps (actors, places, speech, stakes) extend it."""

    def __init__(self, article: Article, doc, lang: str, lex: Lexicon, geocoder: Geocoder, config: Config):
        self.article = article
        self.doc = doc
        self.lang = lang
        self.lex = lex
        self.geo = geocoder
        self.config = config
        self.body = article.body
        self.sents = list(doc.sents)
        self.sent_of_token = {}
        for i, sent in enumerate(self.sents):
            for tok in sent:
                self.sent_of_token[tok.i] = i
        self.quotes = self._quote_spans()
        self.entities: list[Entity] = []
        self.by_form: dict[str, Entity] = {}

    def evidence(self, sent_index: int) -> Evidence:
        """The sentence's offsets, without the spaces and line breaks around it, nor a dateline."""
        sent = self.sents[sent_index]
        start = self.content_start(sent)
        return Evidence(start, max(start + 1, sent.start_char + len(sent.text.rstrip())))

    def content_start(self, sent) -> int:
        """Where a sentence's words start: after its leading spaces and, in a paragraph's first
        sentence, after a dateline ("4 juillet 2012. - ", "PARIS (AP) — ")."""
        text = sent.text
        start = sent.start_char + (len(text) - len(text.lstrip()))
        return start + dateline_end(self.body[start:sent.end_char]) if self.paragraph_start(start) == start else start

    def sent_at(self, char: int) -> int:
        for i, sent in enumerate(self.sents):
            if sent.start_char <= char < sent.end_char:
                return i
        return len(self.sents) - 1

    def paragraph_start(self, char: int) -> int:
        """Offset of the first character of the paragraph holding ``char`` (blank lines skipped)."""
        start = self.body.rfind("\n", 0, max(char, 0)) + 1
        while start > 0 and not self.body[start:char + 1].strip():  # a blank line: the paragraph before
            start = self.body.rfind("\n", 0, start - 1) + 1
        return start

    def in_quote(self, start: int, end: int | None = None) -> bool:
        end = start if end is None else end
        return any(q0 <= start and end <= q1 for q0, q1 in self.quotes)

    def _quote_spans(self) -> list[tuple[int, int]]:
        """Character spans (inside the marks) of quotations, paired per paragraph."""
        spans = []
        offset = 0
        for para in self.body.split("\n"):
            i = 0
            while i < len(para):
                ch = para[i]
                close = QUOTE_PAIRS.get(ch)
                if close:
                    j = para.find(close, i + 1)
                    if j > i + 1:
                        spans.append((offset + i + 1, offset + j))
                        i = j + 1
                        continue
                i += 1
            offset += len(para) + 1
        return spans

    def mentions(self) -> list[Mention]:
        out: list[Mention] = []
        taken: set[int] = set()
        for ent in self.doc.ents:
            span = self.repair(ent)
            if span is None:
                continue
            if any(i in taken for i in range(span.start, span.end)) or self.is_portfolio(span):
                continue
            label = ent.label_
            if label == "MISC" and self.title_at(ent.text):
                # "Premier ministre kosovar Albin Kurti" tagged as one MISC: the name after the title
                tail = span.end
                while tail > span.start and self.doc[tail - 1].is_title and self.doc[tail - 1].pos_ in ("PROPN", "NOUN", "VERB"):
                    tail -= 1
                if span.end - tail >= 2:
                    span, label = self.doc[tail:span.end], "PER"
                elif span.text != ent.text and len(span) >= 2 and all(t.is_title for t in span):
                    label = "PER"  # the repair already cut the title off
            taken.update(range(span.start, span.end))
            prev = out[-1] if out else None
            if (prev is not None and (prev.label in PERSON_LABELS and label in PERSON_LABELS
                                      or prev.label in ORG_LABELS and label in ORG_LABELS)
                    and prev.tok_end == span.start and not self.doc[span.start - 1].whitespace_ == ""
                    and self.body[prev.end:span.start_char].strip() == ""):
                # "Hassan Sheikh" + "Mohamud", "Europe Écologie" + "Les Verts": one name that NER cut in two
                joined = self.doc[prev.tok_start:span.end]
                out[-1] = Mention(joined.text, joined.start_char, joined.end_char, prev.label, prev.sent,
                                  prev.tok_start, span.end)
                continue
            out.append(
                Mention(
                    text=span.text,
                    start=span.start_char,
                    end=span.end_char,
                    label=label,
                    sent=self.sent_of_token[span.start],
                    tok_start=span.start,
                    tok_end=span.end,
                )
            )
        # names the model missed after a place noun: "la province de la Kapisa"
        for tok in self.doc:
            if tok.i in taken or tok.pos_ != "PROPN" or not tok.is_title or (tok.i > 0 and tok.i - 1 in taken):
                continue
            end = tok.i + 1
            while end < len(self.doc) and end not in taken and self.doc[end].is_title and self.doc[end].pos_ == "PROPN":
                end += 1
            span = self.doc[tok.i:end]
            m = Mention(span.text, span.start_char, span.end_char, "LOC", self.sent_of_token[tok.i], tok.i, end)
            if self.after_place_noun(m):
                out.append(m)
                taken.update(range(tok.i, end))
        # names the model missed: seats of power and gazetteer entries written in the text
        for form, _code in self.lex.metonyms.items():
            for m in re.finditer(r"(?<!\w)" + _loose(form) + r"(?!\w)", self.body, re.I):
                if m.group(0)[0].isupper() and not any(x.start <= m.start() < x.end for x in out):
                    out.append(self._mention_at(m.start(), m.end(), "ORG"))
        out = [part for m in out if m is not None for c in self.split_coordinated(m) for part in self.split_trailing_person(c)]
        for named in self.spelled_out_names() + self.numbered_names():  # "… Agnostics (UAAR)", "France 24"
            out = [m for m in out if m.end <= named.start or m.start >= named.end] + [named]
        return sorted(out, key=lambda m: m.start)

    def split_coordinated(self, m: Mention) -> list[Mention]:
        """ "les écoles Sainte-Anne et Saint-Paul", "the schools Santo X and Y": names NER joined
        at a conjunction after a plural noun are two names."""
        span = self.doc[m.tok_start:m.tok_end]
        cut = next((t.i for t in span[1:-1] if t.pos_ == "CCONJ"), None)
        before = self.doc[m.tok_start - 1] if m.tok_start > 0 else None
        if cut is None or before is None or before.pos_ != "NOUN" or "Plur" not in before.morph.get("Number"):
            return [m]
        return [self.mention_of(self.doc[m.tok_start:cut], m.label), self.mention_of(self.doc[cut + 1:m.tok_end], m.label)]

    def split_trailing_person(self, m: Mention) -> list[Mention]:
        """ "director of the Council on Free Ports Alia Brandt": a body NER ran into the name of the
        person whose title it ends (a title and "of"/"de" before it, a first name and surname
        after a word of the body's name) is the body and the person."""
        span = self.doc[m.tok_start:m.tok_end]
        if m.label not in ORG_LABELS or len(span) < 4:
            return [m]
        first, last = span[-2], span[-1]
        if not (first.is_title and last.is_title and first.pos_ == last.pos_ == "PROPN") \
                or fold(first.text) in self.lex.organization_heads or fold(last.text) in self.lex.organization_heads:
            return [m]
        before = fold(self.body[max(0, m.start - 80):m.start]).split()
        titled = any(w in self.lex.titles for w in before[-8:]) and before[-1:] in (["of"], ["de"], ["du"], ["the"], ["la"], ["le"])
        if not titled or not self.has_org_head(span[:-2].text) and not any(fold(t.text) in self.lex.organization_heads for t in span[:-2]):
            return [m]
        return [self.mention_of(span[:-2], m.label), self.mention_of(span[-2:], "PER")]

    def numbered_names(self) -> list[Mention]:
        """Names with a number inside or at the end ("France 24", "Movimento 5 Stelle", "Canal 9"),
        which NER cuts at the number: one body's name when it is not followed by a common word
        ("France 24 a condamné", not "en France 24 personnes") and starts no date ("juin 2012")."""
        found = []
        for m in re.finditer(r"\b((?:[A-ZÀ-Ý][\w'’-]+ )+)(\d{1,3})\b((?: [A-ZÀ-Ý][\w'’-]+)*)", self.body):
            span = self.doc.char_span(m.start(), m.end(), alignment_mode="contract")
            if span is None or any(fold(t.text) in self.lex.stop_entities for t in span) or span[0].is_sent_start:
                continue
            after = self.doc[span.end] if span.end < len(self.doc) else None
            if not m.group(3) and after is not None and after.is_lower and after.pos_ in ("NOUN", "ADJ", "NUM"):
                continue  # "24 personnes", "2 millions"
            if not any(t.ent_type_ for t in span):
                continue  # only where NER saw a name and cut it
            found.append(self.mention_of(span, "ORG"))
        return found

    def spelled_out_names(self) -> list[Mention]:
        """Bodies written out before their acronym in brackets, whose capitalised words give the
        acronym's letters, in any order ("Union des Forces Nouvelles (UFN)", "Council of Free Ports
        and Harbours (CFPH)"): one name, however NER cut it."""
        found = []
        for m in re.finditer(r"\(\s*([A-Z][A-Z0-9]{1,7})\s*\)", self.body):
            letters = m.group(1)
            words = list(re.finditer(r"[\w'’-]+", self.body[max(0, m.start() - 200):m.start()]))
            offset = max(0, m.start() - 200)
            need, start = list(letters), None
            for w in reversed(words):
                text = w.group()
                if not need:
                    break
                if text[0].isupper() and text[0] in need:  # in any order: a translated name keeps its acronym
                    need.remove(text[0])
                    start = offset + w.start()
                elif fold(text).rstrip("'") not in _FUNCTION_WORDS:
                    break
            if not need and start is not None:
                span = self.doc.char_span(start, m.start(), alignment_mode="contract")
                if span is not None and len(span) >= 2:
                    found.append(self.mention_of(span, "ORG"))
        return found

    def is_portfolio(self, span) -> bool:
        """ "ministre des Finances", "X reçoit la Défense": a portfolio named alone is part of a
        title, neither a body nor a place ("Ministry of Defence" as a whole stays a body)."""
        return fold(span.text) in self.lex.portfolios

    def mention_of(self, span, label: str) -> Mention:
        """A mention for a span of the doc."""
        return Mention(span.text, span.start_char, span.end_char, label, self.sent_of_token[span.start], span.start, span.end)

    def _mention_at(self, start: int, end: int, label: str) -> Mention | None:
        span = self.doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            return None
        return Mention(span.text, span.start_char, span.end_char, label, self.sent_of_token[span.start], span.start, span.end)

    def repair(self, ent):
        """Clean an entity span: trim function words and stray tokens, extend truncated names."""
        doc = self.doc
        start, end = ent.start, ent.end
        if any(c.isdigit() for c in ent.text) and ent.label_ not in ORG_LABELS | {"MISC"}:
            return None  # ratings, codes and dates are not people or places
        if ent.label_ in PLACE_LABELS and self.geo.lookup(ent.text, self.lang) is not None:
            while start < end - 1 and doc[start].pos_ == "DET":
                start += 1
            return doc[start:end]  # a known place written in lower case ("mer du Japon")
        # "al-" + "Qaeda": a name's particle joined by a hyphen (al-, el-, ad-, ben-)
        if start >= 2 and doc[start - 1].text == "-" and not doc[start - 1].whitespace_ \
                and not doc[start - 2].whitespace_ and doc[start - 2].is_alpha and len(doc[start - 2].text) <= 3:
            start -= 2
        # a name never runs over a lower-case article ("Rathbun the Scientology property"), except
        # after a function word ("Union of the Comoros", "Institut sur la Corée")
        cut = next((t.i for t in doc[start + 1:end] if t.pos_ == "DET" and t.is_lower
                    and doc[t.i - 1].pos_ not in ("ADP", "DET") and fold(doc[t.i - 1].text) not in _FUNCTION_WORDS), None)
        end = cut if cut is not None else end
        # a person's name never starts with a title ("Spokeswoman Ann Lee" -> "Ann Lee")
        if ent.label_ in PERSON_LABELS:
            titles = set(self.lex.titles)
            while end - start >= 3 and fold(doc[start].text) in titles:
                start += 1
        # a person's name never runs into "l'Intérieur" ("Claire Morel l'Intérieur")
        if ent.label_ in PERSON_LABELS:
            cut = next((t.i for t in doc[start + 1:end] if fold(t.text) in ("l'", "l’", "l")), None)
            end = cut if cut is not None else end
        # extend over names the model cut short ("Kim Jong" + "Un", "An Chan" + "-il", "Moody'" + "s")
        while end < len(doc):
            tok = doc[end]
            prev = doc[end - 1]
            if tok.text == "s" and prev.text.endswith(("'", "’")) and not prev.whitespace_:
                end += 1
            elif tok.text.startswith("-") and not prev.whitespace_ and len(tok.text) > 1 and tok.text[1:].isalpha():
                end += 1
            elif tok.text == "-" and not prev.whitespace_ and end + 1 < len(doc) and doc[end + 1].is_alpha and not tok.whitespace_:
                end += 2
            elif ent.label_ in ORG_LABELS and tok.is_alpha and tok.is_upper and len(tok.text) >= 2 and prev.is_alpha:
                end += 1  # "Crédit Mutuel" + "CIC"
            elif ent.label_ in ORG_LABELS | PLACE_LABELS and prev.text.endswith(("'s", "’s", "'", "’")) and tok.is_lower \
                    and fold(tok.text) in self.lex.organization_heads:
                end += 1  # "the Harbour Sheriff's" + "office": the body the possessive names
            elif ent.label_ in ORG_LABELS and fold(tok.text) in self.lex.name_links and self.has_org_head(doc[start:end].text):
                # "Institut mondial d'études" + "sur la Corée du Nord"
                j = end + 1
                while j < len(doc) and doc[j].pos_ == "DET":
                    j += 1
                k = j
                while k < len(doc) and (doc[k].is_title or (
                    fold(doc[k].text).rstrip("'") in _FUNCTION_WORDS and k + 1 < len(doc) and doc[k + 1].is_title
                )):
                    k += 1
                if k == j:
                    break
                end = k
            elif (
                ent.label_ in PERSON_LABELS | {"MISC"}
                and tok.is_title
                and (tok.pos_ == "PROPN" or len(tok.text) <= 3)
                and not tok.is_sent_start
                and len(tok.text) <= 4
                and fold(tok.text) not in self.lex.stop_entities
            ):
                end += 1
            else:
                break
        # trim leading function words, honorifics, and sentence-initial common words
        while start < end:
            tok = doc[start]
            low = tok.text.casefold()
            if start + 2 < end and doc[start + 1].text == "-" and not tok.whitespace_ and tok.is_alpha \
                    and len(tok.text) <= 3 and not doc[start + 1].whitespace_ and doc[start + 2].text[:1].isupper():
                break  # "al-Qaeda": a particle joined to the name
            if ent.label_ in ORG_LABELS and (tok.pos_ == "DET" and tok.is_title or tok.text in _NAME_ARTICLES) \
                    and not tok.is_sent_start and start + 1 < end:
                break  # "le quotidien Le Monde", "El Sol": the article is part of the name
            if (
                tok.is_punct
                or tok.pos_ in ("DET", "ADP", "CCONJ", "SCONJ")
                # a capitalised name the tagger calls a verb ("M. Shtayyeh") stays, unless it opens
                # the sentence ("Parti dimanche soir de Pyongyang, ...")
                or tok.pos_ in ("PRON", "ADV", "VERB", "AUX") and (not tok.is_title or tok.is_sent_start)
                or low in self.lex.honorifics
                or not (tok.text[:1].isupper() or tok.text[:1].isdigit())
                or fold(tok.text) in self.lex.stop_entities
            ):
                start += 1
            else:
                break
        while end > start and (doc[end - 1].is_punct or doc[end - 1].pos_ in ("DET", "ADP", "CCONJ") and not doc[end - 1].is_title):
            end -= 1
        if start >= end:
            return None
        span = doc[start:end]
        text = span.text
        key = fold(text)
        if not key or key in self.lex.stop_entities or not any(c.isupper() for c in text):
            return None
        if len(text) < 2 or text.isdigit():
            return None
        # a single capitalised word at a sentence start that the tagger calls a common word
        if len(span) == 1 and span[0].is_sent_start and span[0].pos_ not in ("PROPN",) and ent.label_ != "ORG":
            return None
        return span

    def entity_in(self, tok_start: int, tok_end: int, containing: bool = False, starting: bool = False) -> Entity | None:
        """The actor mentioned in a token range (persons first, then the earliest), outside quotes.

        With ``containing``, the mention only has to cover the range (the subject's head word);
        with ``starting``, it only has to start inside it (a name the parse cut short).
        """
        best = None
        for entity in self.entities:
            if entity.kind == "place":
                continue
            for m in entity.mentions:
                if containing:
                    inside = m.tok_start <= tok_start and tok_end <= m.tok_end
                elif starting:
                    inside = tok_start <= m.tok_start < tok_end
                else:
                    inside = m.tok_start >= tok_start and m.tok_end <= tok_end
                if not inside or self.in_quote(m.start, m.end):
                    continue
                rank = (entity.kind != "person", m.tok_start)
                if best is None or rank < best[0]:
                    best = (rank, entity)
        return best[1] if best else None

    def names_of(self, e: Entity) -> set[str]:
        """The forms of an entity, plus its country's name when it stands for a country."""
        names = set(e.forms())
        if e.kind == "country" and e.country:
            names.add(self.geo.country_name(e.country, self.lang) or "")
        return names

    def governing_noun(self, m: Mention) -> tuple[str, ...]:
        """The noun a name complements ("la province de la Kapisa" -> province), as its folded
        lemma and word; empty when the name follows no "<noun> de/of"."""
        i = m.tok_start - 1
        while i > 0 and self.doc[i].pos_ == "DET":
            i -= 1  # "la province de la Kapisa"
        if i < 1 or fold(self.doc[i].text).rstrip("'") not in ("de", "d", "of", "du"):
            return ()
        i -= 1
        while i > 0 and self.doc[i].pos_ == "DET":
            i -= 1
        return fold(self.doc[i].lemma_), fold(self.doc[i].text)

    def after_noun_of(self, m: Mention, nouns: set[str]) -> bool:
        """Is the mention the complement of one of ``nouns`` ("<noun> de (la) X", "<noun> of X")?"""
        return any(w in nouns for w in self.governing_noun(m))



_FUNCTION_WORDS = {"de", "du", "des", "la", "le", "les", "l", "d", "of", "the", "and", "et", "for", "pour", "s"}

def _strip_lead(text: str) -> str:
    """A role without the words that lead to it: "au président" -> "président"."""
    return re.sub(r"^(?:(?:au|aux|du|des|de|d'|to|of|for|by|le|la|les|un|une|the|an|a)\s+|l['’]\s*)+", "",
                  text.strip(), flags=re.I)

def _strip_det(text: str) -> str:
    return re.sub(r"^(?:(?:le|la|les|un|une|the|an|a)\s+|l['’]\s*)", "", text.strip(), flags=re.I)

def _loose(phrase: str) -> str:
    """A regex for a folded phrase that tolerates accents, hyphens and apostrophes."""
    out = []
    for ch in phrase:
        if ch == " ":
            out.append(r"[\s\-'’]+")
        elif ch in "aeiouc":
            out.append({"a": "[aàâä]", "e": "[eéèêë]", "i": "[iîï]", "o": "[oôö]", "u": "[uùûü]", "c": "[cç]"}[ch])
        else:
            out.append(re.escape(ch))
    return "".join(out)

def _covers(quote: tuple[int, int], content: tuple[int, int]) -> bool:
    """Does the reported content consist of (almost) nothing but this quotation?"""
    q0, q1 = quote
    c0, c1 = content
    if q0 >= c1 or q1 <= c0:
        return False
    inside = max(0, min(q1, c1) - max(q0, c0))
    return inside >= 0.8 * (c1 - c0)
