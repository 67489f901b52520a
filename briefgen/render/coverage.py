"""Which characters the PDF can draw: the shipped font's ranges plus every font installed
for fontconfig (the fonts Pango falls back to, letter by letter).

In: a brief's HTML. Out: :func:`missing`, its letters that no font has, which would show as
empty boxes in the PDF (the text layer stays right); the pipeline warns about them, with
the Debian packages that cover the usual scripts (``fonts-noto-cjk``: Chinese, Japanese,
Korean; ``fonts-noto-core``: Devanagari, Bengali, Tamil, Arabic, Hebrew, Thai, Armenian…).
Without ``fc-list`` nothing is known and nothing is reported.
"""

from __future__ import annotations

import bisect
import functools
import re
import shutil
import subprocess
import unicodedata

from .fonts import UNICODE_RANGES

HINT = ("install a font that has them (Debian: fonts-noto-cjk for Chinese, Japanese and Korean, "
        "fonts-noto-core for Indic scripts, Arabic, Hebrew, Thai and more)")
_TAG = re.compile(r"<[^>]*>")


@functools.cache
def _ranges() -> tuple[list[int], list[int]] | None:
    """Sorted, merged (starts, ends) of the code points some font has."""
    if shutil.which("fc-list") is None:
        return None
    try:
        listing = subprocess.run(["fc-list", "--format", "%{charset}\n"], capture_output=True, text=True,
                                 timeout=30, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    spans = []
    lines = {*listing.splitlines(), *(r.replace("U+", "").replace(",", " ") for r in UNICODE_RANGES.values())}
    for part in {part for line in lines for part in line.split()}:
        low, _, high = part.partition("-")
        try:
            spans.append((int(low, 16), int(high or low, 16)))
        except ValueError:
            continue
    spans.sort()
    starts, ends = [], []
    for low, high in spans:
        if ends and low <= ends[-1] + 1:
            ends[-1] = max(ends[-1], high)
        else:
            starts.append(low)
            ends.append(high)
    return starts, ends


def _covered(code: int, ranges: tuple[list[int], list[int]]) -> bool:
    starts, ends = ranges
    i = bisect.bisect_right(starts, code) - 1
    return i >= 0 and code <= ends[i]


def missing(html: str) -> list[str]:
    """The distinct letters, digits and marks of ``html``'s text that no font has, in order."""
    text = _TAG.sub(" ", html)
    beyond = {c for c in set(text) if ord(c) > 0x24F and unicodedata.category(c)[0] in "LMN"}
    ranges = _ranges() if beyond else None  # fontconfig is asked only when a brief needs it
    if ranges is None:
        return []
    return sorted((c for c in beyond if not _covered(ord(c), ranges)), key=text.index)


def describe(chars: list[str]) -> str:
    """``3 characters no installed font has (中 U+4E2D CJK UNIFIED IDEOGRAPH-4E2D, …)``."""
    shown = ", ".join(f"{c} U+{ord(c):04X} {unicodedata.name(c, '?')}" for c in chars[:3])
    more = ", …" if len(chars) > 3 else ""
    return (f"{len(chars)} character{'s' if len(chars) > 1 else ''} no installed font has ({shown}{more}): "
            f"they show as empty boxes in the PDF; {HINT}")
