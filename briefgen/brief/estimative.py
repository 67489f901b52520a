"""Lint an analyst comment against the ICD 203 estimative-language standard.

Intelligence Community Directive 203 (2015), para. D.6.b.(2)(a), gives seven
likelihood bands, each with its terms ("almost no chance" … "almost certain"),
and forbids a likelihood term and a confidence level in the same sentence.
:func:`lint` reports:

* a likelihood word outside that scale ("possible", "peut-être", "certainly"),
  naming the scale terms to use instead;
* a sentence that holds both a likelihood word and a confidence level
  ("likely … with high confidence").

The word lists live in ``briefgen/data/estimative-<lang>.yaml`` (their header
gives the term syntax; the French scale is our translation). Matching ignores
case and accents; among overlapping matches the longest wins. Text inside
quotation marks (« », “ ”, " "), inline code, fenced code blocks and link targets is
not the analyst's estimate and is skipped. A flagged word written with a capital
in the middle of a sentence is a name ("in May 2024", "Theresa May") and is skipped.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from ..errors import BriefgenError

Kind = Literal["scale", "flagged", "confidence", "neutral"]
KINDS: tuple[Kind, ...] = ("scale", "flagged", "confidence", "neutral")


@dataclass
class Finding:
    """One warning: ``line`` and ``column`` (1-based) of ``word`` in the linted text's file."""

    line: int
    column: int
    word: str
    message: str


@dataclass(frozen=True)
class _Term:
    pattern: re.Pattern
    kind: Kind
    source: str  # the entry as written in the data file


@dataclass(frozen=True)
class Wordlist:
    """One language's lists, compiled."""

    lang: str
    terms: tuple[_Term, ...]
    scale: tuple[tuple[str, str], ...]  # (range, term shown in messages) per band

    def scale_hint(self) -> str:
        return ", ".join(f"{term} ({band})" for band, term in self.scale)


def languages() -> list[str]:
    """Languages that have an estimative word list."""
    from importlib.resources import files

    data = files("briefgen") / "data"
    return sorted(
        p.name[len("estimative-") : -len(".yaml")]
        for p in data.iterdir()
        if p.name.startswith("estimative-") and p.name.endswith(".yaml")
    )


def lint(text: str, lang: str, first_line: int = 1) -> list[Finding]:
    """Findings in the Markdown ``text`` written in ``lang`` (``fr``, ``en``; ``fr-FR`` works too).

    Lines count from ``first_line`` (the file line where ``text`` starts), columns from 1.
    Raises :class:`BriefgenError` for a language without a word list.
    """
    words = wordlist(lang)
    work = _mask(text)
    folded, index = _fold(work)
    starts = _sentence_starts(text, work)

    # every match of every term, then the longest first among overlaps
    found: list[tuple[int, int, _Term]] = []
    for term in words.terms:
        for m in term.pattern.finditer(folded):
            found.append((index[m.start()], index[m.end() - 1] + 1, term))
    found.sort(key=lambda f: (-(f[1] - f[0]), f[0]))
    taken: list[tuple[int, int, _Term]] = []
    for start, end, term in found:
        if all(end <= s or start >= e for s, e, _ in taken):
            taken.append((start, end, term))
    taken.sort(key=lambda f: f[0])

    findings: list[Finding] = []
    sentences: dict[int, dict[str, list[tuple[int, str]]]] = {}

    def at(offset: int, word: str, message: str) -> Finding:
        line = text.count("\n", 0, offset)
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        return Finding(first_line + line, column, word, message)

    for start, end, term in taken:
        if term.kind == "neutral":
            continue
        word = " ".join(text[start:end].split())
        sentence = bisect.bisect_right(starts, start) - 1
        if term.kind == "flagged":
            if _is_name(word, work, starts[sentence], start):
                continue
            findings.append(at(start, word,
                               f"'{word}' is not an ICD 203 likelihood term; use one of: {words.scale_hint()}"))
        group = "confidence" if term.kind == "confidence" else "likelihood"
        sentences.setdefault(sentence, {}).setdefault(group, []).append((start, word))

    for groups in sentences.values():
        if "likelihood" in groups and "confidence" in groups:
            likelihood = groups["likelihood"][0][1]
            for start, word in groups["confidence"]:
                findings.append(at(start, word, f"the sentence mixes the likelihood term '{likelihood}' with "
                                                f"the confidence level '{word}'; ICD 203 keeps them in "
                                                "separate sentences"))
    findings.sort(key=lambda f: (f.line, f.column))
    return findings


# --------------------------------------------------------------------------- the word lists


def wordlist(lang: str) -> Wordlist:
    """The compiled lists of ``briefgen/data/estimative-<lang>.yaml`` (``fr-FR``, ``FR``: ``fr``)."""
    return _wordlist(re.split(r"[-_]", lang.strip().lower())[0])


@functools.cache
def _wordlist(code: str) -> Wordlist:
    from importlib.resources import files

    from ..text import load_yaml

    name = f"estimative-{code}.yaml"
    resource = files("briefgen") / "data" / name
    if not re.fullmatch(r"[a-z]{2,3}", code) or not resource.is_file():
        raise BriefgenError(f"no estimative-language word list for language {code!r} "
                            f"(known: {', '.join(languages())})")
    data = load_yaml(resource.read_text(encoding="utf-8")) or {}
    try:
        return _compile(code, data)
    except (TypeError, ValueError, KeyError) as exc:
        raise BriefgenError(f"bad word list: {exc}", name) from None


def _compile(lang: str, data: dict) -> Wordlist:
    unknown = set(data) - set(KINDS)
    if unknown:
        raise ValueError(f"unknown key(s) {', '.join(sorted(unknown))}; expected {', '.join(KINDS)}")
    terms: list[_Term] = []
    scale: list[tuple[str, str]] = []
    for band in data["scale"]:
        if not band["terms"]:
            raise ValueError(f"scale band {band['range']} has no terms")
        scale.append((str(band["range"]), _display(band["terms"][0])))
        terms += [_Term(_pattern(t), "scale", t) for t in band["terms"]]
    for kind in ("flagged", "confidence", "neutral"):
        terms += [_Term(_pattern(t), kind, t) for t in data.get(kind) or []]
    return Wordlist(lang, tuple(terms), tuple(scale))


def _pattern(term: str) -> re.Pattern:
    if not isinstance(term, str) or not term.strip():
        raise ValueError(f"term {term!r} is not a word or phrase")
    body = _regex(_fold(" ".join(term.split()))[0], term)
    return re.compile(rf"(?<!\w){body}(?!\w)")


def _regex(folded: str, term: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(folded):
        c = folded[i]
        if c in "([":
            close = folded.find(")" if c == "(" else "]", i)
            inner = folded[i + 1 : close]
            if close < 0 or not inner or any(b in inner for b in "()[]"):
                raise ValueError(f"term {term!r}: unbalanced or nested ( ) or [ ]")
            alts = "|".join(_regex(part, term) for part in inner.split("|"))
            out.append(f"(?:{alts})" + ("?" if c == "(" else ""))
            i = close + 1
        elif c in ")]":
            raise ValueError(f"term {term!r}: unbalanced ( ) or [ ]")
        elif c == " ":
            out.append(r"(?:\s+|\s*-\s*)")
            i += 1
        elif c == "-":
            out.append(r"\s*-\s*")
            i += 1
        else:
            out.append(re.escape(c))
            i += 1
    return "".join(out)


def _display(term: str) -> str:
    """The term as messages show it: optional parts dropped, the first of alternatives."""
    term = re.sub(r"\([^)]*\)", "", term)
    return re.sub(r"\[([^]|]*)[^]]*\]", r"\1", term).strip()


# --------------------------------------------------------------------------- text helpers

_CHARS = {"’": "'", "‘": "'", "ʼ": "'", "‐": "-", "‑": "-", "\u00a0": " ", "\u202f": " ", "\u2009": " "}


def _fold(text: str) -> tuple[str, list[int]]:
    """Lower case without accents, and for each folded character the index of its original."""
    out: list[str] = []
    index: list[int] = []
    for i, c in enumerate(text):
        for d in unicodedata.normalize("NFKD", _CHARS.get(c, c)):
            if unicodedata.combining(d):
                continue
            for e in d.casefold():
                out.append(e)
                index.append(i)
    return "".join(out), index


def _blank(match: re.Match) -> str:
    return re.sub(r"[^\n]", " ", match.group(0))


# indentation is not measured: the text may be a YAML block, indented as a whole
_FENCE = re.compile(r"(?ms)^[ \t]*(`{3,}|~{3,})[^\n]*\n.*?(?:^[ \t]*\1[`~]*[ \t]*$|\Z)")
_CODE_SPAN = re.compile(r"(?s)(?<!`)(`+)(?!`).+?(?<!`)\1(?!`)")
_LINK_TARGET = re.compile(r"\]\([^)\n]*\)|<[A-Za-z][A-Za-z0-9+.-]*:[^>\s]*>|\bhttps?://\S+")
_QUOTES = [re.compile(rf"{o}(?:(?!\n[ \t]*\n)[^{c}])*{c}") for o, c in (("«", "»"), ("“", "”"), ('"', '"'))]
_MARKUP = re.compile(r"[*_~\\]")


def _mask(text: str) -> str:
    """``text`` with fenced code, code spans, link targets, quotations and emphasis marks
    turned to spaces (same length, so offsets stay those of ``text``)."""
    for pattern in (_FENCE, _CODE_SPAN, _LINK_TARGET, *_QUOTES):
        text = pattern.sub(_blank, text)
    return _MARKUP.sub(" ", text)


_BLOCK_START = re.compile(r"(?m)^[ \t]*(?:[-+*]|\d{1,9}[.)]|#{1,6}|>)(?:[ \t]+|$)")
_SENTENCE_END = re.compile(r"[.!?…]+[)\]'’]*(?=\s|\Z)|\n[ \t]*\n")


def _sentence_starts(text: str, work: str) -> list[int]:
    """Offsets where a sentence starts: the text's start, after . ! ? …, blank lines, list items, headings."""
    starts = {0}
    starts.update(m.end() for m in _BLOCK_START.finditer(text))
    starts.update(m.end() for m in _SENTENCE_END.finditer(work))
    return sorted(starts)


def _is_name(word: str, work: str, sentence_start: int, start: int) -> bool:
    """A capitalised word in the middle of a sentence ("in May", "Theresa May"): a name, not an estimate."""
    if not word[:1].isupper() or word.isupper():
        return False
    before = work[sentence_start:start].rsplit(":", 1)[-1]
    return any(c.isalnum() for c in before)
