"""The PDF writer keeps its shipped fonts between PDFs, and the PDF cache key its template
fingerprint: same bytes as a fresh renderer, and a changed template file is still seen."""

from __future__ import annotations

import os
import re

from conftest import pdf_text


def _strip_dates(pdf: bytes) -> bytes:
    return re.sub(rb"/(CreationDate|ModDate) \(D:[^)]*\)", b"", pdf)


def test_a_reused_renderer_writes_the_bytes_of_a_fresh_one(built, tmp_path):
    from briefgen.render import Renderer

    config = built.config
    html_fr = (built.briefs / f"{built.ids[0]}.html").read_text(encoding="utf-8")
    html_en = (built.briefs / f"{built.ids[1]}.html").read_text(encoding="utf-8")
    reused = Renderer(config)
    first_fr, first_en, again_fr = (reused.pdf(h, config.output) for h in (html_fr, html_en, html_fr))
    assert _strip_dates(again_fr) == _strip_dates(first_fr)
    assert _strip_dates(first_en) == _strip_dates(Renderer(config).pdf(html_en, config.output))
    assert _strip_dates(first_fr) == _strip_dates(Renderer(config).pdf(html_fr, config.output))


def test_a_document_with_its_own_font_face_does_not_change_the_next_one(built, tmp_path):
    from briefgen.render import Renderer
    from briefgen.render.fonts import FACES

    config = built.config
    own = ("<style>@font-face { font-family: 'Leak Test'; "
           f"src: url('{FACES[4].path.as_uri()}') format('truetype'); }}</style>"
           "<p style=\"font-family: 'Leak Test'\">Texte</p>")
    asks = "<p style=\"font-family: 'Leak Test'\">Texte</p>"  # names the family, declares nothing
    renderer = Renderer(config)
    assert renderer.pdf(own, config.output).startswith(b"%PDF-")
    after = renderer.pdf(asks, config.output)
    assert _strip_dates(after) == _strip_dates(Renderer(config).pdf(asks, config.output))


def test_the_pdf_cache_key_follows_a_changed_template_file(built, tmp_path):
    from briefgen.pipeline import Pipeline

    templates = tmp_path / "templates"
    templates.mkdir()
    logo = templates / "logo.svg"
    logo.write_text("<svg/>", encoding="utf-8")
    config = built.config
    config.templates = templates
    config.output = tmp_path / "out"
    pipeline = Pipeline(config)
    html = (built.briefs / f"{built.ids[1]}.html").read_text(encoding="utf-8")
    pipeline.pdf(html)
    pipeline.pdf(html)
    assert len(list((config.output / "cache" / "pdf").glob("*.pdf"))) == 1
    logo.write_text("<svg></svg>", encoding="utf-8")  # not in the HTML: only the fingerprint sees it
    stat = logo.stat()
    os.utime(logo, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    path = tmp_path / "x.pdf"
    path.write_bytes(pipeline.pdf(html))
    assert len(list((config.output / "cache" / "pdf").glob("*.pdf"))) == 2
    assert pdf_text(path)
