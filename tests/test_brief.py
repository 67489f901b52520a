"""The brief as a product: sections, marking, PDF structure (read back with pypdf and
pypdfium2), HTML validity, determinism, labels per language, corrections and grades."""

from __future__ import annotations

import re
import shutil

import pytest

from conftest import EN_ID, EN_SEED, FR_ID, FR_SEED, make_project, run_cli, squash

FR_SECTIONS = ["L'essentiel", "Acteurs clés", "Où", "Enjeux", "Réactions", "Chronologie", "Source",
               "Annexe : texte de l'article"]
EN_SECTIONS = ["Bottom line up front", "Key actors", "Where", "Stakes", "Reactions", "Timeline", "Source",
               "Appendix: article text"]


def reader(built, article_id):
    from pypdf import PdfReader

    return PdfReader(str(built.briefs / f"{article_id}.pdf"))


def page_texts(built, article_id) -> list[str]:
    return [squash(p.extract_text() or "") for p in reader(built, article_id).pages]


def html(built, article_id) -> str:
    return (built.briefs / f"{article_id}.html").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- sections and labels


@pytest.mark.parametrize("article_id, sections", [(FR_ID, FR_SECTIONS), (EN_ID, EN_SECTIONS)])
def test_every_section_in_order_with_the_article_language_labels(built, article_id, sections):
    headings = re.findall(r"<h2[^>]*>(.*?)</h2>", html(built, article_id))
    unescaped = [h.replace("&#39;", "'") for h in headings]
    assert [h for h in unescaped if h in sections] == sections


def test_one_h1_then_h2_then_h3_headings_in_order(built):
    levels = [int(n) for n in re.findall(r"<h([1-6])[ >]", html(built, FR_ID))]
    assert levels.count(1) == 1 and levels[0] == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:]))  # never skips a level


@pytest.mark.parametrize("article_id", [FR_ID, EN_ID])
def test_html_is_valid_html5_with_landmarks(built, article_id):
    import html5lib

    text = html(built, article_id)
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    parser.parse(text)  # raises on any parse error
    assert re.search(r'<html lang="(fr|en)">', text)
    for landmark in ('role="banner"', "<main", 'role="contentinfo"'):
        assert landmark in text


def test_reference_marking_and_date_time_group(built):
    text = html(built, FR_ID)
    assert "BRF-2023-09-000_7b99" in text
    assert "TLP:CLEAR" in text
    assert "SEP 23" in text  # the seed is dated 2023-09: no day, so no invented time


def test_bottom_line_comes_from_the_facts(built):
    text = html(built, FR_ID)
    bluf = text.split('id="bluf"', 1)[1].split("</section>", 1)[0]
    facts = built.facts(FR_ID)
    speakers = {r["speaker"] for r in facts["reactions"]}
    assert "Vladimir Poutine" in bluf and "Vostotchny" in bluf
    assert any(s in bluf for s in speakers)
    assert 2 <= bluf.count("<li>") <= 4
    assert "Vladimir Poutine et Kim Jong Un se sont retrouvés" in bluf  # the article's own lead


def test_primary_actors_come_first(built):
    text = html(built, FR_ID)
    table = text.split('id="actors"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r'<tr( class="primary")?><th scope="row">([^<]+)', table)
    assert rows[0][0] and "Vladimir Poutine" in [name for _, name in rows[:3]]
    firsts = [bool(cls) for cls, _ in rows]
    assert firsts == sorted(firsts, reverse=True)  # primary rows before the others


def test_locator_map_inline_with_the_event_marked(built):
    text = html(built, FR_ID)
    where = text.split('id="where"', 1)[1].split("</section>", 1)[0]
    assert "<svg" in where and "Vostotchny" in where and "map-event" in where
    assert "Natural Earth" in where


def test_stakes_quote_their_sentences_and_link_to_them(built):
    text = html(built, FR_ID)
    stakes = text.split('id="stakes"', 1)[1].split("</section>", 1)[0]
    assert stakes.count('class="quote"') >= 2
    for n in re.findall(r'href="#s(\d+)"', stakes):
        assert f'id="s{n}"' in text


def test_reactions_give_speaker_role_and_kind(built):
    text = html(built, FR_ID)
    reactions = text.split('id="reactions"', 1)[1].split("</section>", 1)[0]
    assert "porte-parole du Kremlin" in reactions
    assert "citation" in reactions and "discours rapporté" in reactions


def test_timeline_dates_against_the_article_date(built):
    text = html(built, FR_ID)
    timeline = text.split('id="timeline"', 1)[1].split("</section>", 1)[0]
    assert "2019" in timeline  # "en 2019"
    assert "septembre 2023" in timeline  # "mercredi" in an article dated 2023-09


def test_english_brief_uses_english_words(built):
    text = html(built, EN_ID)
    assert "Bottom line up front" in text and "Acteurs" not in text
    assert "page" in text  # the footer's page label


# --------------------------------------------------------------------------- PDF


@pytest.mark.parametrize("article_id, marking", [(FR_ID, "TLP:CLEAR"), (EN_ID, "TLP:CLEAR")])
def test_marking_and_page_x_of_y_on_every_page(built, article_id, marking):
    pages = page_texts(built, article_id)
    of = "sur" if article_id == FR_ID else "of"
    assert len(pages) >= 2
    for i, text in enumerate(pages, 1):
        assert text.count(marking) >= 2, f"page {i}: marking at top and bottom"
        assert f"page{i}{of}{len(pages)}" in text, f"page {i}"
        assert "BRF-" in text


def test_pdf_bookmarks_follow_the_sections(built):
    outline = reader(built, FR_ID).outline

    def titles(items):
        for item in items:
            if isinstance(item, list):
                yield from titles(item)
            else:
                yield item.title

    found = list(titles(outline))
    for section in FR_SECTIONS:
        assert section in found
    # a stake's bookmark is its label alone: no topic id, no sentence count
    labels = {stake["label"] for stake in built.facts(FR_ID)["stakes"]}
    stakes = [title for title in found if title in labels]
    assert stakes, (labels, found)
    assert not any("phrases" in title or "sentences" in title for title in found), found


def test_pdf_metadata(built):
    r = reader(built, FR_ID)
    meta = r.metadata
    facts = built.facts(FR_ID)
    assert meta.title and "Poutine" in meta.title or meta.title == facts["article"]["title"]
    assert meta.author == "briefgen"
    assert "Vladimir Poutine" in meta.get("/Keywords", "")
    assert "TLP:CLEAR" in (meta.subject or "")
    assert str(r.trailer["/Root"].get("/Lang")) == "fr"
    assert "/StructTreeRoot" in r.trailer["/Root"]  # tagged (PDF/UA-1 variant)


def test_pdf_fonts_are_the_shipped_family_and_embedded(built):
    fonts = {}
    for page in reader(built, FR_ID).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts[str(font["/BaseFont"])] = font
    assert fonts
    for name, font in fonts.items():
        descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        descriptor = descendant["/FontDescriptor"].get_object()
        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), name
    assert any("SourceSans" in re.sub(r"[^A-Za-z0-9]", "", n) for n in fonts)


def test_pdf_links_lead_to_the_evidence_sentences(built):
    internal = 0
    for page in reader(built, FR_ID).pages:
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if annot.get("/Subtype") == "/Link" and ("/Dest" in annot or "/GoTo" in str(annot.get("/A", ""))):
                internal += 1
    assert internal >= 10


def test_first_page_renders_not_blank_and_inside_the_page(built, tmp_path):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(built.briefs / f"{FR_ID}.pdf"))
    image = pdf[0].render(scale=1).to_pil().convert("L")
    width, height = image.size
    pixels = image.load()
    dark = sum(1 for x in range(0, width, 2) for y in range(0, height, 2) if pixels[x, y] < 200)
    assert dark > 0.01 * (width // 2) * (height // 2), "page 1 looks blank"
    edge = max(2, width // 60)  # the outer 3.5 mm of the sheet: nothing may run there
    for x in list(range(edge)) + list(range(width - edge, width)):
        for y in range(0, height, 3):
            assert pixels[x, y] > 200, f"ink at the edge ({x}, {y})"
    image.save(tmp_path / "page1.png")


def test_the_seed_brief_fits_three_pages_before_the_appendix(built):
    pages = page_texts(built, FR_ID)
    first_appendix = next(i for i, text in enumerate(pages, 1) if squash("Annexe : texte de l'article") in text)
    assert first_appendix <= 4, f"appendix starts on page {first_appendix}"


def test_same_inputs_give_byte_identical_briefs(built, tmp_path):
    project = make_project(tmp_path / "again", [FR_SEED, EN_SEED], share_cache_from=built)
    result = run_cli("build", "-c", project.config_path)
    assert result.code == 0, result.err
    for article_id in (FR_ID, EN_ID):
        for suffix in ("html", "pdf"):
            a = (built.briefs / f"{article_id}.{suffix}").read_bytes()
            b = (project.briefs / f"{article_id}.{suffix}").read_bytes()
            assert a == b, f"{article_id}.{suffix} differs"


# --------------------------------------------------------------------------- corrections, grades, comment


def test_marking_comment_and_reliability_from_corrections_and_config(built, tmp_path):
    project = make_project(
        tmp_path / "p", [FR_SEED], share_cache_from=built,
        extra="\n",
        replace={"  formats: [html, pdf, json]": "  formats: [html, pdf, json]\n  reliability: {\"AFP\": B}"},
    )
    (project.seeds / f"{FR_ID}.facts.yaml").write_text(
        "marking: TLP:AMBER\ncomment: |\n  Un accord est **probable**.\n  <script>alert(1)</script>\n",
        encoding="utf-8",
    )
    front = project.seeds / FR_SEED.name
    text = front.read_text(encoding="utf-8")
    md = project.seeds / f"{FR_ID}.md"
    body = text.split("\n", 1)[1]
    md.write_text("---\ndate: 2023-09\nlanguage: fr\nsource: AFP\n---\n\n" + body, encoding="utf-8")
    front.unlink()
    shutil.move(project.seeds / f"{FR_ID}.facts.yaml", project.seeds / f"{FR_ID}.facts.yaml")
    result = run_cli("build", "-c", project.config_path)
    assert result.code == 0, result.err
    out = (project.briefs / f"{FR_ID}.html").read_text(encoding="utf-8")
    assert "TLP:AMBER" in out and "#FFC000" in out
    assert "<strong>probable</strong>" in out
    assert "<script>alert" not in out and "&lt;script&gt;" in out
    assert "<strong>B</strong> — généralement fiable" in out
    assert "TLP:AMBER" in squash("".join(page_texts(project, FR_ID)))
