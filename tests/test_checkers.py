"""What outside checkers say about the outputs: the Nu HTML Checker over every page, axe-core
in Chromium (light and dark), PDF/UA structure of the PDFs, and reading the PDFs' layout.

The checkers are the project's npm dev dependencies (``npm ci``: vnu-jar, axe-core) and
Debian's Java and Chromium (``.ci/run`` installs them). A test is skipped, saying which tool
is missing, only when it is not installed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import FR_ID, ROOT, SEEDS, run_cli, site_root

NODE_MODULES = ROOT / "node_modules"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"


def _need(path: Path, what: str) -> Path:
    if not path.is_file():
        pytest.skip(f"{what} is not installed ({path.relative_to(ROOT)}): run `npm ci` in the repository")
    return path


# --------------------------------------------------------------------------- Nu HTML Checker


def vnu_errors(*folders: Path) -> list[str]:
    """Every error the Nu HTML Checker reports on the HTML files under ``folders``."""
    java = shutil.which("java")
    if java is None:
        pytest.skip("Java is not installed (apt-get install default-jre-headless)")
    jar = _need(VNU, "the Nu HTML Checker (npm vnu-jar)")
    proc = subprocess.run([java, "-jar", str(jar), "--errors-only", "--format", "json", "--skip-non-html",
                           *map(str, folders)], capture_output=True, text=True, timeout=300, check=False)
    messages = json.loads(proc.stderr or proc.stdout)["messages"]
    return [f"{m.get('url', '?').rsplit('/', 3)[-2:]}:{m.get('lastLine', '?')}: {m['message']}"
            for m in messages if m.get("type") == "error"]


def test_every_site_page_and_brief_is_valid_html(site, built):
    pages = list(site_root(site).rglob("*.html"))
    assert len(pages) > 20 and list(built.briefs.glob("*.html"))
    assert vnu_errors(site_root(site), built.briefs) == []


def test_the_checker_does_find_errors(tmp_path):
    """The check above can fail: the GCPM property a brief page once carried is an error."""
    (tmp_path / "bad.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>x</title>'
        "<style>h1 { bookmark-level: 1; }</style></head><body><h1>x</h1></body></html>", encoding="utf-8")
    assert any("bookmark-level" in e for e in vnu_errors(tmp_path))


# --------------------------------------------------------------------------- axe-core


def axe_violations(browser, url: str, scheme: str, wait_for: str | None = None) -> list[str]:
    page = browser.new_page(color_scheme=scheme)
    try:
        page.goto(url)
        if wait_for:
            page.locator(wait_for).first.wait_for(timeout=15000)
        page.add_script_tag(path=str(_need(AXE, "axe-core (npm axe-core)")))
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    finally:
        page.close()
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:5]} {v['nodes'][0].get('failureSummary', '')}"
            for v in result["violations"]]


@pytest.fixture(scope="module")
def pages(site, built, http_site) -> dict[str, tuple[str, str | None]]:
    actor = next(p for p in sorted((site_root(site) / "actors").iterdir()) if p.is_dir())
    return {
        "lone brief": ((built.briefs / f"{FR_ID}.html").as_uri(), None),
        "home": (http_site + "index.html", None),
        "brief page": (http_site + f"briefs/{FR_ID}/index.html", None),
        "actor page": (http_site + f"actors/{actor.name}/index.html", None),
        "search results": (http_site + "search/index.html?q=Poutine", ".pagefind-ui__result-link"),
        "missing page": (http_site + "briefs/no-such-brief/", None),
    }


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", ["lone brief", "home", "brief page", "actor page", "search results", "missing page"])
def test_axe_finds_no_violation(browser, pages, name, scheme, site):
    url, wait_for = pages[name]
    if name == "search results" and not (site_root(site) / "pagefind" / "pagefind.js").is_file():
        pytest.skip("site built without search")
    assert axe_violations(browser, url, scheme, wait_for) == []


def test_axe_does_find_a_low_contrast(browser, tmp_path):
    """The check above can fail: grey on near-black, as Pagefind's default text was on our dark page."""
    page = tmp_path / "low.html"
    page.write_text('<!DOCTYPE html><html lang="en"><head><title>x</title></head>'
                    '<body style="background:#0d1117"><main><p style="color:#393939">low</p></main></body></html>',
                    encoding="utf-8")
    assert any(v.startswith("color-contrast") for v in axe_violations(browser, page.as_uri(), "dark"))


# --------------------------------------------------------------------------- PDF/UA structure


def structure(path: Path) -> dict:
    """The structure elements of a tagged PDF that PDF/UA checks: headings in order, table
    header cells and their /Scope, figures and their /Alt."""
    import pypdf

    reader = pypdf.PdfReader(path)
    catalog = reader.trailer["/Root"]
    found = {"headings": [], "th_scopes": [], "figures_alt": [], "marked": catalog["/MarkInfo"].get("/Marked"),
             "lang": catalog.get("/Lang"), "metadata": catalog["/Metadata"].get_object().get_data().decode()}

    def walk(node):
        node = node.get_object()
        if isinstance(node, pypdf.generic.ArrayObject):
            for kid in node:
                walk(kid)
            return
        if not isinstance(node, pypdf.generic.DictionaryObject):
            return
        tag = node.get("/S")
        if tag in ("/H1", "/H2", "/H3", "/H4", "/H5", "/H6"):
            found["headings"].append(int(tag[2]))
        elif tag == "/TH":
            found["th_scopes"].append(node.get("/A", {}).get_object().get("/Scope"))
        elif tag == "/Figure":
            found["figures_alt"].append(str(node.get("/Alt", "")))
        if "/K" in node:
            walk(node["/K"])

    walk(catalog["/StructTreeRoot"])
    return found


def test_every_pdf_has_the_structure_pdf_ua_asks_for(site):
    pdfs = sorted(site_root(site).rglob("*.pdf"))
    assert pdfs
    for path in pdfs:
        s = structure(path)
        assert s["marked"] and s["lang"], path
        assert 'pdfuaid:part="1"' in s["metadata"] or "<pdfuaid:part>1<" in s["metadata"], path
        assert s["th_scopes"] and all(scope in ("/Row", "/Column", "/Both") for scope in s["th_scopes"]), (path, s["th_scopes"])
        assert "/Row" in s["th_scopes"] and "/Column" in s["th_scopes"], path  # places and actors tables: both kinds
        assert s["headings"][0] == 1 and s["headings"].count(1) == 1, (path, s["headings"])
        assert all(b - a <= 1 for a, b in zip(s["headings"], s["headings"][1:])), (path, s["headings"])  # no level skipped
        assert all(alt.strip() for alt in s["figures_alt"]), (path, s["figures_alt"])


def test_a_header_cell_takes_its_scope_from_the_html(tmp_path, built):
    from briefgen.render import Renderer

    renderer = Renderer(built.config)
    html = ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>t</title></head><body><h1>t</h1>'
            '<table><thead><tr><th scope="col">A</th><th scope="col">B</th></tr></thead>'
            '<tbody><tr><th scope="row">r</th><td>1</td></tr><tr><th>c</th><td>2</td></tr></tbody></table></body></html>')
    path = tmp_path / "t.pdf"
    path.write_bytes(renderer.pdf(html, tmp_path))
    assert structure(path)["th_scopes"] == ["/Column", "/Column", "/Row", "/Column"]


# --------------------------------------------------------------------------- reading the PDFs' layout


def _pages_text(path: Path):
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    try:
        for page in document:
            text = page.get_textpage()
            yield page, text
            text.close()
            page.close()
    finally:
        document.close()


@pytest.mark.parametrize("label", ["lieu de l'événement", "event location"])
def test_the_event_badge_stays_on_one_line(site, label):
    seen = 0
    for path in sorted(site_root(site).rglob("*.pdf")):
        for _page, text in _pages_text(path):
            searcher = text.search(label, match_case=True)
            while (hit := searcher.get_next()) is not None:
                first, count = hit
                bottoms = [text.get_charbox(i, loose=True)[1] for i in range(first, first + count)
                           if text.get_text_range(i, 1).strip()]
                # one line: the same baseline box, give or take a point (a second line is ~10 pt lower)
                assert max(bottoms) - min(bottoms) < 2, f"{path.name}: the badge {label!r} breaks over two lines"
                seen += 1
            searcher.close()
    if not seen:
        pytest.skip(f"no brief of the site has a badge in this language ({label!r})")


@pytest.fixture(scope="module")
def shipped_pdfs(built, tmp_path_factory) -> list[Path]:
    """The PDF brief of every shipped seed (their lengths vary: some once ended a page early)."""
    folder = tmp_path_factory.mktemp("shipped-pdfs")
    paths = []
    for seed in sorted(SEEDS.glob("*.md")):
        target = folder / f"{seed.stem}.pdf"
        result = run_cli("brief", seed, "-c", built.config_path, "--no-daemon", "-o", target)
        assert result.code == 0, result.err
        paths.append(target)
    return paths


def test_no_page_but_the_last_is_left_mostly_empty(shipped_pdfs):
    """No forced break leaves a page under 30 % full (the appendix follows on the same page)."""
    for path in shipped_pdfs:
        fills = []
        for page, text in _pages_text(path):
            height = page.get_height()
            top, bottom = height - 1.8 / 2.54 * 72, 1.7 / 2.54 * 72  # the page box minus its margins (brief-print.css)
            lows = [box[1] for box in (text.get_charbox(i) for i in range(text.count_chars())) if bottom < box[1] < top]
            fills.append((top - min(lows)) / (top - bottom) if lows else 0)
        for number, full in enumerate(fills[:-1], 1):
            assert full > 0.3, f"{path.name}: page {number} of {len(fills)} is {full:.0%} full"


# --------------------------------------------------------------------------- the 404 page, deep


def test_a_deep_missing_address_gets_a_styled_404_whose_links_stay_on_the_site(browser, http_site):
    page = browser.new_page()
    response = page.goto(http_site + "briefs/no-such-brief/deeper/")
    assert response.status == 404
    assert page.evaluate("getComputedStyle(document.querySelector('h1')).color") != "rgb(0, 0, 0)"  # site.css applied
    home = page.locator("main a").first.get_attribute("href")
    assert home == "/sub/path/index.html", home  # the sub-path the site is served under, not "/"
    assert page.locator("a.skip").get_attribute("href") == "#main"
    page.locator("main a").first.click()
    page.wait_for_load_state()
    assert page.url == http_site + "index.html"
    page.close()
