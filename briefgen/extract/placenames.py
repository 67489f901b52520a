"""Place names as keys: normalisation, nationality adjectives' forms, designated forms.

In: a name as written ("l'Afghanistan", "Kim Jong-un's", "province de la Kapisa", "nord-coréen").
Out: the key the gazetteer indexes (:func:`normalize`), the inflected forms of an adjective
(:func:`_french_forms`, :func:`_english_forms`), the X of "province de X" (:func:`_designated`).
No heavy import.
"""

from __future__ import annotations

import unicodedata

# --------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------

# Letters that NFKD does not reduce to ASCII (applied after casefold).
_LETTERS = (("œ", "oe"), ("æ", "ae"), ("ø", "o"), ("ł", "l"), ("đ", "d"), ("ð", "d"),
            ("þ", "th"), ("ı", "i"), ("ħ", "h"), ("_", " "))
_RX = None  # regexes, compiled on first use (see _regexes)


def _regexes():
    global _RX
    if _RX is None:
        import re

        marks = "".join(chr(c) for c in range(0x300, 0x10000) if unicodedata.combining(chr(c)))
        # All patterns are line-local so that many names joined with "\n" are
        # normalised in one pass each (see _normalize_many).
        _RX = (
            # "'s" after a letter, at the end: the apostrophe first (fast scan),
            # then a look-behind for the letter before it.
            re.compile(r"['’ʼ‘`´](?<=\w.)s[^\w\n]*$", re.IGNORECASE | re.MULTILINE),
            re.compile("[" + re.escape(marks) + "]+"),
            re.compile(r"[^\w\n]+"),
            re.compile(r"^(?:le|la|les|l|the) (?=.)", re.MULTILINE),
        )
    return _RX


def _normalize_many(names: list[str]) -> list[str]:
    """Normalise many names at once (same result as :func:`normalize` each)."""
    if not names:
        return []
    possessive, marks, non_word, article = _regexes()
    s = "\n".join(names)
    s = possessive.sub("", s)
    if s.isascii():
        s = s.lower()
    else:
        s = marks.sub("", unicodedata.normalize("NFKD", s.casefold()))
        for a, b in _LETTERS:
            if a in s:
                s = s.replace(a, b)
    if "_" in s:
        s = s.replace("_", " ")
    s = non_word.sub(" ", s)
    s = s.replace(" \n", "\n").replace("\n ", "\n").strip(" ")
    s = article.sub("", s)
    return s.split("\n")


def normalize(text: object) -> str:
    """Key used for every lookup: ``"la Corée-du-Nord"`` -> ``"coree du nord"``.

    Case-folded, accents stripped, punctuation (hyphens, apostrophes...) and
    whitespace runs to one space, one leading article (le, la, les, l', the)
    and a trailing English possessive "'s" dropped.  Never raises; returns
    ``""`` for empty or punctuation-only input.
    """
    if not isinstance(text, str):
        if text is None:
            return ""
        try:
            text = str(text)
        except Exception:
            return ""
    if text.isascii() and text.isalpha():  # fast path: one plain word
        return text.lower()
    if "\n" in text:
        text = text.replace("\n", " ")
    return _normalize_many([text])[0]


def _lang(lang: object) -> str:
    if not isinstance(lang, str):
        return "en"
    return lang.strip().lower()[:2] or "en"


# --------------------------------------------------------------------------
# Adjective inflection
# --------------------------------------------------------------------------


def _french_forms(base: str) -> set[str]:
    """Masculine singular base -> {m.sg, f.sg, m.pl, f.pl} by regular rules.

    Rules apply to the end of the word, so compounds work ("nord-coréen" ->
    "nord-coréenne", "nord-coréens", "nord-coréennes").
    """
    b = base.strip()
    low = b.lower()
    if low.endswith("e"):  # russe, belge, britannique
        fem = b
    elif low.endswith(("en", "on")):  # ukrainien, nord-coréen, letton
        fem = b + "ne"
    elif low.endswith("ec"):  # grec -> grecque
        fem = b + "que"
    elif low.endswith("c"):  # turc -> turque
        fem = b[:-1] + "que"
    elif low.endswith("if"):
        fem = b[:-1] + "ve"
    else:  # français(e), américain(e), chinois(e), espagnol(e), afghan(e)
        fem = b + "e"
    masc_pl = b if low.endswith(("s", "x")) else b + "s"
    return {b, fem, masc_pl, fem + "s"}


def _english_forms(base: str) -> set[str]:
    """Adjective plus a plural demonym noun where one exists ("Russians")."""
    b = base.strip()
    forms = {b}
    if not b.lower().endswith(("s", "sh", "ch", "ese", "x", "z")):
        forms.add(b + "s")
    return forms


_DESIGNATED = None  # regex, compiled on first use (see _designated)


def _designated(k: str) -> str | None:
    """ "province de la kapisa" / "helmand province" -> "kapisa" / "helmand" (else None)."""
    global _DESIGNATED
    if " " not in k:
        return None
    if _DESIGNATED is None:
        import re

        _DESIGNATED = re.compile(
            r"^(?:province|region|etat|state|gouvernorat|governorate)"
            r" (?:de la|de l|du|des|de|d|of the|of) (?P<a>.+)$"
            r"|^(?P<b>.+) (?:province|region|state|governorate)$"
        )
    m = _DESIGNATED.match(k)
    if m is None:
        return None
    return m.group("a") or m.group("b")
