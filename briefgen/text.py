"""Small text helpers shared by the stages (no heavy imports here)."""

from __future__ import annotations

import codecs
import functools
import re
import unicodedata
from pathlib import Path

from .errors import BriefgenError

_PUNCT = re.compile(r"[\s\-‐‑–—'’`´.,;:!?()\[\]{}\"«»“”„/\\]+")


def yaml_loader():
    """PyYAML's safe loader: the C one (libyaml) when PyYAML has it, about ten times faster
    with the same results; its error marks give the same lines."""
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str):
    """``yaml.safe_load``, with the C loader when there is one."""
    import yaml

    return yaml.load(text, Loader=yaml_loader())


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@functools.lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Case-, accent- and punctuation-insensitive key: "Kim Jong-un" -> "kim jong un".
    (Remembered: the extractors fold the same words and lexicon entries again and again.)"""
    return _PUNCT.sub(" ", strip_accents(text).casefold()).strip()


# a dateline opening a story: "4 juillet 2012. - ", "Monday, May 18, 2015 - ",
# "PARIS, 21 juin (Reuters) - ", "WASHINGTON (AP) — "
_DATELINE = re.compile(
    r"\s*(?:[^\W\d][^\n.!?;:]{0,40}?,\s*)?(?:[^\W\d]+,?\s+)?"
    r"(?:\d{1,2}(?:er)?\s+[^\W\d]+\.?|[^\W\d]+\.?\s+\d{1,2}(?:st|nd|rd|th)?)(?:,?\s+\d{4})?\s*"
    r"(?:\([^()\n]{1,30}\)\s*)?\.?\s*[-–—]+\s*"
    r"|\s*[A-ZÀ-Ý][A-ZÀ-Ý'’ .-]{2,40}(?:\([^()\n]{1,30}\)\s*)?[-–—]+\s+"
)


def dateline_end(text: str) -> int:
    """Where the story starts after an opening dateline (0 when there is none)."""
    m = _DATELINE.match(text)
    return m.end() if m else 0


_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# control characters no text has (C0 but tab and line ends, DEL, C1): they are dropped, and
# vertical tab and form feed end a line
_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(chr(plane * 0x10000 + 0xFFFE) + chr(plane * 0x10000 + 0xFFFF)
                                           for plane in range(17))
_CONTROLS = re.compile(f"[\x00-\x08\x0e-\x1f\x7f-\x9f{_NONCHARACTERS}]")  # vertical tab, form feed: made line ends first
_INVALID_IN_HTML = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_NONCHARACTERS}]")


def decode(raw: bytes, path: Path) -> str:
    """UTF-8 text (or UTF-16/32 with its byte-order mark), without control characters; else an
    error naming the line of the first bad byte and, for a legacy encoding, which one it looks
    like (charset-normalizer's guess) and how to convert it."""
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            try:
                return _clean_controls(raw.decode(codec))
            except UnicodeDecodeError:
                raise BriefgenError(f"starts with a {codec.upper()} byte-order mark but is not {codec.upper()}",
                                    path) from None
    if b"\x00" in raw[:8192]:
        raise BriefgenError("binary file, not a text article", path)
    try:
        return _clean_controls(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise BriefgenError(
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}){_encoding_hint(raw)}",
            path,
            line,
        ) from None


def without_invalid(text: str) -> str:
    """``text`` without the characters HTML and XML forbid (controls but tab and line ends,
    noncharacters): what a correction or a template value may still carry."""
    return _INVALID_IN_HTML.sub("", text) if _INVALID_IN_HTML.search(text) else text


def _clean_controls(text: str) -> str:
    text = text.replace("\x0b", "\n").replace("\x0c", "\n")
    return _CONTROLS.sub("", text) if _CONTROLS.search(text) else text


def _encoding_hint(raw: bytes) -> str:
    """What the bytes look like, and the command that converts them: cp1252 when every
    non-ASCII byte is, in cp1252, a letter or the punctuation of Western European text (the
    usual case for French and English files), else charset-normalizer's guess."""
    name, languages = None, "Western European"
    if _looks_cp1252(raw):
        name = "cp1252"
    else:
        try:
            from charset_normalizer import from_bytes

            best = from_bytes(raw[:200_000]).best()
        except Exception:  # noqa: BLE001 - only a hint
            best = None
        if best is not None and best.encoding not in ("utf_8", "ascii"):
            name, languages = best.encoding.replace("_", "-"), ", ".join(best.languages[:2]) or "unknown language"
    if name is None:
        return "; save the file as UTF-8"
    return (f"; it looks like {name} ({languages}): convert it, "
            f"e.g. iconv -f {name} -t utf-8 FILE > NEW, then check its accents")


_WESTERN_MARKS = set("‘’‚“”„–—…€«»°·•™©®§¶ªº¿¡\xa0")


def _looks_cp1252(raw: bytes) -> bool:
    try:
        text = raw[:200_000].decode("cp1252")
    except UnicodeDecodeError:
        return False
    return all(c.isalpha() or c in _WESTERN_MARKS for c in text if ord(c) > 127)
