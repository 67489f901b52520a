"""Small text helpers shared by the stages (no heavy imports here)."""

from __future__ import annotations

import re
import unicodedata

_PUNCT = re.compile(r"[\s\-‐‑–—'’`´.,;:!?()\[\]{}\"«»“”„/\\]+")


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def fold(text: str) -> str:
    """Case-, accent- and punctuation-insensitive key: "Kim Jong-un" -> "kim jong un"."""
    return _PUNCT.sub(" ", strip_accents(text).casefold()).strip()
