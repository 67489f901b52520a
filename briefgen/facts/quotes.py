"""Quotes of a corrections file found in the article, and the sentence that holds them.

In: a quote the analyst typed and the article body. Out: its span (:func:`find_quote`:
case, runs of whitespace and the apostrophe's shape ignored), the sentence(s) around a
span as :class:`~.contract.Evidence` (:func:`sentence_around`), the error text when it is
not there (:func:`_not_found`).
"""

from __future__ import annotations

import re

from .contract import Evidence

_SENTENCE_GAP = re.compile(r"[.!?…][»”\"')\]]*(\s+)")


def find_quote(quote: str, body: str) -> tuple[int, int] | None:
    """Span of ``quote`` in ``body``, ignoring case, runs of whitespace and the apostrophe's shape."""
    words = quote.split()
    if not words:
        return None
    pattern = r"\s+".join(re.sub(r"['’]", "['’]", re.escape(w)) for w in words)
    match = re.search(pattern, body, re.IGNORECASE)
    return match.span() if match else None


def sentence_around(body: str, start: int, end: int) -> Evidence:
    """The sentence(s) holding ``body[start:end]``: cut at . ! ? … and at blank lines."""
    p0 = body.rfind("\n\n", 0, start)
    s = 0 if p0 < 0 else p0 + 2
    p1 = body.find("\n\n", end)
    e = len(body) if p1 < 0 else p1
    for gap in _SENTENCE_GAP.finditer(body, s, e):
        if gap.end(1) <= start:
            s = gap.end(1)
        elif gap.start(1) >= end:
            e = gap.start(1)
            break
    while s < e and body[s].isspace():
        s += 1
    while e > s and body[e - 1].isspace():
        e -= 1
    return Evidence(s, e)


def _not_found(quote: str) -> str:
    short = quote if len(quote) <= 60 else quote[:57] + "..."
    return f"quote not found in the article text: {short!r}"
