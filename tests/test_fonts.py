"""The shipped font family (briefgen.render.fonts): files, licence, @font-face rules, and real
WeasyPrint renders whose PDF fonts are checked with pypdf."""

from __future__ import annotations

import io
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from briefgen.render import fonts

FRENCH = "Élysée, cœur, « guillemets », œuvre — l’État s’est réuni à Noël…"


def fetcher_class():
    from weasyprint.urls import URLFetcher

    class FontsOnlyFetcher(URLFetcher):
        """Allows data: URLs and file: URLs under the given folders; records what it sees."""

        def __init__(self, roots):
            super().__init__(allowed_protocols=("file", "data"))
            self.roots = [Path(r).resolve() for r in roots]
            self.fetched: list[str] = []
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme == "data" or (
                parts.scheme == "file"
                and any(Path(unquote(parts.path)).resolve().is_relative_to(r) for r in self.roots)
            ):
                self.fetched.append(url)
                return super().fetch(url, headers)
            self.refused.append(url)
            raise ValueError(f"refused {url!r}")

    return FontsOnlyFetcher


def render(body: str, css: str, fetcher, base: Path) -> bytes:
    from weasyprint import HTML

    html = (
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><style>'
        f"{css}\nhtml {{ font-family: {fonts.FONT_STACK}, sans-serif; font-size: 11pt; }}"
        f"</style></head><body>{body}</body></html>"
    )
    return HTML(string=html, base_url=str(base) + "/", url_fetcher=fetcher).write_pdf()


def pdf_fonts(pdf: bytes) -> dict[str, bool]:
    """BaseFont (without the subset tag) -> whether the font program is embedded, all pages."""
    from pypdf import PdfReader

    found = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            name = str(font["/BaseFont"]).lstrip("/").split("+", 1)[-1]
            found[name] = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    return found


def squash(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def pdf_text(pdf: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


# --------------------------------------------------------------------------- files


def test_font_files_licence_and_provenance_are_shipped():
    assert fonts.FONT_DIR == Path(fonts.__file__).resolve().parent.parent / "data" / "fonts"
    files = sorted(fonts.FONT_DIR.glob("*.woff2"))
    assert [f.name for f in files] == sorted(face.woff2.name for face in fonts.FACES)
    assert sorted(fonts.FONT_DIR.glob("*.ttf")) == sorted(face.path for face in fonts.FACES)
    assert len(files) == 8
    assert all(f.stat().st_size > 10_000 for f in files)
    assert sum(f.stat().st_size for f in files) < 400_000
    licence = fonts.LICENCE.read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence
    readme = (fonts.FONT_DIR / "README.md").read_text(encoding="utf-8")
    assert "@fontsource/source-sans-3" in readme and "5.3.1" in readme and "Adobe" in readme
    for f in files:  # the README lists every file's sha256
        assert f.name in readme and f.with_suffix(".ttf").name in readme


def test_each_ttf_is_its_woff2_decompressed():
    import io

    from fontTools.ttLib import woff2

    for face in fonts.FACES:
        out = io.BytesIO()
        woff2.decompress(io.BytesIO(face.woff2.read_bytes()), out)
        assert face.path.read_bytes() == out.getvalue(), f"{face.path.name}: run scripts/fonts_ttf.py"


def test_each_file_is_the_weight_style_and_coverage_it_claims():
    from fontTools.ttLib import TTFont

    for face in fonts.FACES:
        assert TTFont(face.woff2).flavor == "woff2"
        font = TTFont(face.path)
        assert font.flavor is None
        assert font["OS/2"].usWeightClass == face.weight, face.path.name
        assert bool(font["OS/2"].fsSelection & 1) == (face.style == "italic"), face.path.name
        cmap = font.getBestCmap()
        needed = "ÉéèêàçôûœŒ«»’…—€" if face.subset == "latin" else "ğŁłźŞşăţ"
        missing = [c for c in needed if ord(c) not in cmap]
        assert not missing, (face.path.name, missing)


def test_font_face_css_names_every_file_with_its_descriptors():
    css = fonts.font_face_css()
    assert css.count("@font-face") == len(fonts.FACES) == 8
    urls = re.findall(r'url\("([^"]+)"\) format\("truetype"\)', css)
    assert len(urls) == 8
    for url in urls:
        assert url.startswith("file:///")
        path = Path(unquote(urlsplit(url).path))
        assert path.is_file() and path.parent == fonts.FONT_DIR
    blocks = {re.search(r'url\("([^"]+)"\)', b).group(1): b for b in re.findall(r"@font-face \{[^}]*\}", css)}
    assert len(blocks) == 8
    for face in fonts.FACES:
        block = blocks[face.path.as_uri()]
        assert f'font-family: "{face.family}"' in block
        assert f"font-weight: {face.weight};" in block
        assert f"font-style: {face.style};" in block
        assert f"unicode-range: {fonts.UNICODE_RANGES[face.subset]};" in block
    assert {face.family for face in fonts.FACES} == {fonts.FAMILY, fonts.FAMILY_EXT}
    assert fonts.FONT_STACK == '"Source Sans 3", "Source Sans 3 Ext"'


def test_font_face_css_uses_the_given_url_mapper():
    css = fonts.font_face_css(lambda p: f"fonts/{p.name}")
    assert 'url("fonts/source-sans-3-latin-400-normal.ttf")' in css
    css = fonts.font_face_css(lambda p: f"fonts/{p.name}", woff2=True)
    assert 'url("fonts/source-sans-3-latin-400-normal.woff2") format("woff2")' in css
    assert "file:" not in css
    assert '\\"' in fonts.font_face_css(lambda p: 'a"b')  # quotes in a URL are escaped


def test_data_uri_css_is_self_contained():
    import base64

    css = fonts.font_face_css_data_uri()
    assert "file:" not in css and css.count("data:font/woff2;base64,") == 8
    payload = re.search(r'url\("data:font/woff2;base64,([^"]+)"\)', css).group(1)
    assert base64.b64decode(payload) == fonts.FACES[0].woff2.read_bytes()
    assert len(css.encode()) < 300_000  # ~261 KB today


# --------------------------------------------------------------------------- rendering


def test_french_text_is_set_in_the_shipped_font_embedded_and_only_from_font_dir(tmp_path):
    fetcher = fetcher_class()([fonts.FONT_DIR])
    body = (
        f"<h1>{FRENCH}</h1><p>{FRENCH}</p><p><b>Gras : {FRENCH}</b></p>"
        f'<p><i>Italique : {FRENCH}</i></p><p style="font-weight: 600">Demi-gras : {FRENCH}</p>'
    )
    pdf = render(body, fonts.font_face_css(), fetcher, tmp_path)
    used = pdf_fonts(pdf)
    assert used, "no font in the PDF"
    assert all("sourcesans3" in squash(name) for name in used), used
    assert not [name for name in used if "dejavu" in name.lower()], used
    assert all(used.values()), f"not embedded: {used}"
    # one PDF font per weight/style used; French needs only the latin files
    assert {squash(n) for n in used} == {"sourcesans3", "sourcesans3bold", "sourcesans3italic", "sourcesans3semibold"}
    assert not fetcher.refused
    fetched = {Path(unquote(urlsplit(u).path)).name for u in fetcher.fetched}
    assert fetched <= {face.path.name for face in fonts.FACES}
    assert "source-sans-3-latin-400-normal.ttf" in fetched
    text = pdf_text(pdf)
    assert "Élysée, cœur, « guillemets », œuvre" in text


def test_latin_ext_letters_get_their_own_pdf_font(tmp_path):
    # Same-family subsets would be merged into one PDF font by WeasyPrint (wrong glyphs);
    # the separate FAMILY_EXT keeps latin and latin-ext files apart.
    fetcher = fetcher_class()([fonts.FONT_DIR])
    pdf = render("<p>Erdoğan à Łódź, <b>Erdoğan à Łódź</b></p>", fonts.font_face_css(), fetcher, tmp_path)
    used = pdf_fonts(pdf)
    assert {squash(n) for n in used} == {"sourcesans3", "sourcesans3ext", "sourcesans3bold", "sourcesans3extbold"}
    assert all(used.values())
    assert "Erdoğan à Łódź" in pdf_text(pdf)


def test_data_uri_css_renders_without_any_file_access(tmp_path):
    fetcher = fetcher_class()([])  # data: only
    pdf = render(f"<p>{FRENCH}</p>", fonts.font_face_css_data_uri(), fetcher, tmp_path)
    used = pdf_fonts(pdf)
    assert {squash(n) for n in used} == {"sourcesans3"} and all(used.values())
    assert not fetcher.refused
    assert all(u.startswith("data:font/woff2") for u in fetcher.fetched)


def test_briefgen_local_only_fetcher_accepts_the_font_dir(tmp_path):
    render_module = pytest.importorskip("briefgen.render.renderer")
    fetcher = render_module.LocalOnlyFetcher([fonts.FONT_DIR])
    pdf = render(f"<p>{FRENCH}</p>", fonts.font_face_css(), fetcher, tmp_path)
    assert not fetcher.refused
    used = pdf_fonts(pdf)
    assert {squash(n) for n in used} == {"sourcesans3"} and all(used.values())
