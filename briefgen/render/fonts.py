"""The font family shipped with briefgen: Source Sans 3 (SIL Open Font License 1.1).

The files in ``briefgen/data/fonts`` are the ``latin`` and ``latin-ext`` WOFF2 subsets of
the npm package ``@fontsource/source-sans-3`` (weights 400, 600, 700 and italic 400),
copied unchanged; ``OFL.txt`` is the package's licence and ``README.md`` says where the
files come from. Next to each WOFF2 file is its TrueType form (``.ttf``), the bytes
fontTools' ``woff2.decompress`` gives (lossless; ``scripts/fonts_ttf.py`` makes them
again). The PDFs use the ``.ttf`` files: WeasyPrint would otherwise decompress the eight
WOFF2 files with fontTools in every new process (about 1 s of a cold ``briefgen brief``)
and then embed exactly the same TrueType bytes. ``font_face_css_data_uri()`` inlines the
smaller WOFF2 files.

``font_face_css()`` gives the ``@font-face`` rules to put in the PDF's stylesheet; the
text must then ask for ``font-family: FONT_STACK`` (``"Source Sans 3", "Source Sans 3
Ext"``, then any fallbacks).

Why two family names? fontsource declares both subsets under one family, split by
``unicode-range`` (as Google Fonts does). WeasyPrint (checked with 70.0) draws the glyphs
from the right file but, when it writes the PDF, keeps one embedded font per family,
weight and style: a word using both files (``Erdoğan``, ``Łódź``) then shows wrong glyphs
for the latin-ext letters, or wrong glyphs for the plain ones if the latin-ext file came
first. Giving the latin-ext files their own family name (``FAMILY_EXT``, a CSS name only:
the font files are untouched) keeps the two apart, and the font stack makes the text
fall back from one to the other letter by letter.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

FONT_DIR = Path(__file__).resolve().parent.parent / "data" / "fonts"
LICENCE = FONT_DIR / "OFL.txt"

FAMILY = "Source Sans 3"
FAMILY_EXT = "Source Sans 3 Ext"  # CSS name given to the latin-ext files (see the module docstring)
FONT_STACK = f'"{FAMILY}", "{FAMILY_EXT}"'

# unicode-range of each subset, as in @fontsource/source-sans-3 5.3.1 (same for every weight)
UNICODE_RANGES = {
    "latin": (
        "U+0000-00FF, U+0131, U+0152-0153, U+02BB-02BC, U+02C6, U+02DA, U+02DC, U+0304, U+0308, "
        "U+0329, U+2000-206F, U+20AC, U+2122, U+2191, U+2193, U+2212, U+2215, U+FEFF, U+FFFD"
    ),
    "latin-ext": (
        "U+0100-02BA, U+02BD-02C5, U+02C7-02CC, U+02CE-02D7, U+02DD-02FF, U+0304, U+0308, "
        "U+0329, U+1D00-1DBF, U+1E00-1E9F, U+1EF2-1EFF, U+2020, U+20A0-20AB, U+20AD-20C4, "
        "U+2113, U+2C60-2C7F, U+A720-A7FF"
    ),
}

STYLES = ((400, "normal"), (600, "normal"), (700, "normal"), (400, "italic"))


@dataclass(frozen=True)
class Face:
    """One shipped font file: a subset of one weight and style."""

    subset: str  # "latin" or "latin-ext"
    weight: int
    style: str  # "normal" or "italic"

    @property
    def family(self) -> str:
        return FAMILY if self.subset == "latin" else FAMILY_EXT

    @property
    def woff2(self) -> Path:
        """The file as shipped by fontsource."""
        return FONT_DIR / f"source-sans-3-{self.subset}-{self.weight}-{self.style}.woff2"

    @property
    def path(self) -> Path:
        """The same font as TrueType (what the PDFs use: see the module docstring)."""
        return self.woff2.with_suffix(".ttf")

    @property
    def unicode_range(self) -> str:
        return UNICODE_RANGES[self.subset]


FACES = tuple(Face(subset, weight, style) for weight, style in STYLES for subset in ("latin", "latin-ext"))


def _css_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ") + '"'


def font_face_css(url_for: Callable[[Path], str] | None = None, woff2: bool = False) -> str:
    """``@font-face`` rules for every shipped face (its ``.ttf`` file, or with ``woff2`` its
    WOFF2 file); ``url_for`` maps a file to its URL.

    By default the URL is the file's ``file:`` URI, so whatever fetches it (WeasyPrint's
    URL fetcher) must allow files under ``FONT_DIR``.
    """
    to_url = url_for or Path.as_uri
    rules = []
    for face in FACES:
        path, kind = (face.woff2, "woff2") if woff2 else (face.path, "truetype")
        rules.append(
            f"/* {path.name} */\n"
            "@font-face {\n"
            f"  font-family: {_css_string(face.family)};\n"
            f"  font-style: {face.style};\n"
            f"  font-weight: {face.weight};\n"
            f"  src: url({_css_string(to_url(path))}) format(\"{kind}\");\n"
            f"  unicode-range: {face.unicode_range};\n"
            "}\n"
        )
    return "\n".join(rules)


def data_uri(path: Path) -> str:
    """The file as a base64 ``data:font/woff2`` URI."""
    return "data:font/woff2;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def font_face_css_data_uri() -> str:
    """``font_face_css()`` with the WOFF2 files inlined as ``data:`` URIs (self-contained,
    ~265 KB)."""
    return font_face_css(data_uri, woff2=True)


def shipped_fonts(url_fetcher):
    """A new WeasyPrint ``FontConfiguration`` and the ``CSS`` of ``font_face_css()`` parsed
    into it (the files fetched with ``url_fetcher``), for ``write_pdf(stylesheets=[css],
    font_config=config)``: an extra stylesheet's @font-face needs the same configuration on
    both sides. Both may be reused for any number of documents."""
    from .weasy import load

    load()
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    return font_config, CSS(string=font_face_css(), url_fetcher=url_fetcher, font_config=font_config)
