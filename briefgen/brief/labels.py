"""The labels of a locator map: their text, its estimated width, and where they go.

In: a place's name; for :func:`_place_label`, its marker (position, radius), the viewBox
size and the boxes already taken.
Out: :func:`_label_text`, the name on one line, without characters XML forbids
(:func:`_clean`), cut with an ellipsis beyond 40 characters; :func:`_fit_label`, shortened
until it fits a width; :func:`_text_width`, the estimated width (DejaVu Sans metrics); and
:func:`_place_label`, the label's position and anchor.

Labels go right of their marker, or left when they would leave the map, and are nudged
vertically away from labels and markers already placed; they always stay inside the
viewBox.
"""

from __future__ import annotations

import unicodedata

_FONT = 11.0  # label font size, viewBox units
_MAX_LABEL = 40  # characters; longer labels are cut with an ellipsis


def _clean(text: str) -> str:
    """``text`` on one line, without characters XML forbids (controls, surrogates, U+FFFE/F)."""
    out = []
    for c in text:
        if c.isspace():
            out.append(" ")
        elif ord(c) >= 32 and not 0xD800 <= ord(c) <= 0xDFFF and c not in "\ufffe\uffff":
            out.append(c)
    return " ".join("".join(out).split())


def _label_text(name: str) -> str:
    name = _clean(name)
    return name if len(name) <= _MAX_LABEL else name[: _MAX_LABEL - 1].rstrip() + "…"


# Advance widths (hundredths of an em) of ASCII 32..126 in DejaVu Sans and
# DejaVu Sans Bold (the usual "sans-serif" of Linux and WeasyPrint; wider
# than Arial/Helvetica, so a safe estimate elsewhere).
_ADVANCE = (
    ("32 40 46 84 64 95 78 27 39 39 50 84 32 36 32 34 64 64 64 64 64 64 64 64 64 64 34 34 84 84 84 53 100 "
    "68 69 70 77 63 58 77 75 29 29 66 56 86 75 79 60 79 69 63 61 73 68 99 69 61 69 39 34 39 84 50 50 "
    "61 63 55 63 62 35 63 63 28 28 58 28 97 63 61 63 63 41 52 39 63 59 82 59 59 52 64 34 64 84"),
    ("35 46 52 84 70 100 87 31 46 46 52 84 38 42 38 37 70 70 70 70 70 70 70 70 70 70 40 40 84 84 84 58 100 "
    "77 76 73 83 68 68 82 84 37 37 77 64 100 84 85 73 85 77 72 68 81 77 110 77 72 73 46 37 46 84 50 50 "
    "67 72 59 72 68 44 72 71 34 34 67 34 104 71 69 72 72 49 60 48 71 65 92 65 65 58 71 37 71 84"),
)
_ADVANCES = tuple(tuple(int(v) for v in row.split()) for row in _ADVANCE)


def _text_width(text: str, bold: bool = False) -> float:
    """Estimated rendered width of ``text`` at _FONT (DejaVu Sans metrics).

    Accented Latin letters count as their base letter; other characters as
    an "M" (wide, so the estimate errs on the safe side).
    """
    table = _ADVANCES[bool(bold)]
    total = 0
    for c in text:
        if not 32 <= ord(c) < 127:
            c = unicodedata.normalize("NFD", c)[0]
        total += table[ord(c) - 32] if 32 <= ord(c) < 127 else 100 if c == "…" else table[ord("M") - 32]
    return total / 100 * _FONT


def _fit_label(name: str, room: float) -> str:
    """``name`` shortened with an ellipsis until it fits ``room`` units (bold width)."""
    while len(name) > 1 and _text_width(name, True) > room:
        name = name[:-2].rstrip() + "…"
    return name


def _overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _place_label(x, y, r, text, bold, width, height, taken):
    """(x, baseline y, anchor) of a label near marker (x, y) of radius r.

    ``taken`` holds the boxes to avoid (labels placed so far, other markers);
    the chosen box is appended to it.  First candidate free of overlap wins:
    right of the marker, then left, then nudged up/down by a line at a time;
    if none is free, the first candidate inside the viewBox.
    """
    w = _text_width(text, bold)
    step = _FONT + 1
    first = None
    for dy in (0, -1, 1, -2, 2, -3, 3):
        for side in ("start", "end"):
            base = y + _FONT * 0.35 + dy * step
            left = x + r + 3 if side == "start" else x - r - 3 - w
            box = (left, base - _FONT * 0.8, left + w, base + _FONT * 0.25)
            if box[0] < 2 or box[2] > width - 2 or box[1] < 2 or box[3] > height - 2:
                continue
            if first is None:
                first = (box, side)
            if not any(_overlaps(box, t) for t in taken):
                taken.append(box)
                return (box[0] if side == "start" else box[2]), base, side
    if first is None:  # no candidate fits the viewBox: clamp the plain right-side one
        left = max(2.0, min(x + r + 3, width - 2 - w))
        base = max(2 + _FONT * 0.8, min(y + _FONT * 0.35, height - 2 - _FONT * 0.25))
        first = ((left, base - _FONT * 0.8, left + w, base + _FONT * 0.25), "start")
    box, side = first
    taken.append(box)
    return (box[0] if side == "start" else box[2]), box[1] + _FONT * 0.8, side
