"""The word lists of one language.

In: ``briefgen/data/lexicon-<lang>.yaml`` and the config's extra lexicon file, if any.
Out: a :class:`Lexicon` of folded words (case and accents) the rules read.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import BriefgenError
from ..text import fold


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
    site_nouns: set[str] = field(default_factory=set)  # facilities a name joins: "X headquarters", "place X"
    programme_nouns: set[str] = field(default_factory=set)  # "le plan X", "the X Act": the name is no place
    name_links: set[str] = field(default_factory=set)
    member_nouns: set[str] = field(default_factory=set)
    source_nouns: set[str] = field(default_factory=set)
    agency_nouns: dict[str, str] = field(default_factory=dict)
    agency_domains: set[str] = field(default_factory=set)
    latter_words: set[str] = field(default_factory=set)
    official_nouns: set[str] = field(default_factory=set)
    no_object_verbs: set[str] = field(default_factory=set)
    content_prepositions: set[str] = field(default_factory=set)
    object_pronouns: set[str] = field(default_factory=set)
    supranational_adjectives: dict[str, str] = field(default_factory=dict)
    body_seats: dict[str, str] = field(default_factory=dict)
    naming_words: set[str] = field(default_factory=set)
    collective_nouns: dict[str, str] = field(default_factory=dict)  # unnamed collective -> kind ("group")
    polysemous_terms: set[str] = field(default_factory=set)  # topic terms with several senses
    compass_nouns: set[str] = field(default_factory=set)  # "le nord-est du X": a part of a place

    @functools.cached_property
    def title_set(self) -> frozenset[str]:
        """``titles`` as a set, for lookups."""
        return frozenset(self.titles)

    @functools.cached_property
    def phrasal_speech_verbs(self) -> dict[str, list[list[str]]]:
        """ "mettre en cause" -> {"mettre": [["en", "cause"]]}: verbs whose lemma needs the words after it."""
        out: dict[str, list[list[str]]] = {}
        for verb in self.speech_verbs:
            words = verb.split()
            if len(words) > 1:
                out.setdefault(words[0], []).append(words[1:])
        return out

    @classmethod
    def load(cls, lang: str, extra: Path | None = None) -> "Lexicon":
        from importlib.resources import files

        from ..text import load_yaml

        resource = files("briefgen") / "data" / f"lexicon-{lang}.yaml"
        data = load_yaml(resource.read_text(encoding="utf-8")) if resource.is_file() else {}
        source = f"lexicon-{lang}.yaml"
        data = _ungrouped(data, source)
        if extra is not None:
            more = _ungrouped(load_yaml(extra.read_text(encoding="utf-8")) or {}, str(extra))
            _check_keys(more, extra, {f.name for f in dataclasses.fields(cls)})
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
                elif f.name == "speech_verbs":
                    values[f.name] = {_unreflexive(fold(w)) for w in words}
                else:
                    values[f.name] = {fold(w) for w in words}
        return cls(**values)

def _ungrouped(data: dict, source: str) -> dict:
    """A word list may be written as groups for its readers ({"que-clause": [...], ...}):
    the lists of a list-valued key are joined; mappings of words stay as they are."""
    out = dict(data)
    for f in dataclasses.fields(Lexicon):
        raw = out.get(f.name)
        if isinstance(raw, dict) and not f.type.startswith("dict"):
            groups = [v for v in raw.values() if v is not None]
            if not all(isinstance(v, list) for v in groups):
                raise BriefgenError(f"{source}: {f.name}: expected a list of words, or groups of lists")
            out[f.name] = [w for group in groups for w in group]
    return out


def _unreflexive(verb: str) -> str:
    """ "s inquieter" -> "inquieter", "se dire" -> "dire": the lemmatizer gives the verb without its
    reflexive pronoun, so a reflexive speech verb is matched by its verb (and the words after it)."""
    words = verb.split()
    if len(words) > 1 and words[0] in ("se", "s"):
        return " ".join(words[1:])
    return verb


def _word(value, where: str) -> str:
    if not isinstance(value, str):
        raise BriefgenError(
            f"{where}: {value!r} is not a word; put it in quotes (YAML reads on, off, yes, no as booleans)"
        )
    return value


def _check_keys(data: dict, path: Path, known: set[str]) -> None:
    """An extra lexicon's unknown keys are errors (a misspelt key would be ignored otherwise)."""
    import difflib

    for key in data:
        if key not in known:
            close = difflib.get_close_matches(str(key), sorted(known), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; known keys: {', '.join(sorted(known))}"
            raise BriefgenError(f"{path}: unknown lexicon key {key!r}{hint}")
