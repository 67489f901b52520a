"""The static site: pages, relative links that all resolve, feed, sitemap, marking filter,
cross-brief actor pages, incremental and deterministic builds."""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import (
    EN_ID,
    EN_SEED,
    FR_ID,
    FR_SEED,
    RESTRICTED,
    THIRD,
    make_project,
    run_cli,
)
from conftest import site_root as root


def tree(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_the_pages_exist(site):
    r = root(site)
    for rel in ("index.html", "404.html", "feed.xml", "sitemap.xml", "assets/site.css", "actors/index.html",
                "places/index.html", "topics/index.html", "weeks/index.html",
                f"briefs/{FR_ID}/index.html", f"briefs/{FR_ID}/{FR_ID}.pdf", f"briefs/{EN_ID}/index.html"):
        assert (r / rel).is_file(), rel
    assert (r / "actors" / "vladimir-poutine" / "index.html").is_file()
    assert (r / "weeks" / "2012-W27" / "index.html").is_file()  # 05 is dated 2012-07-04
    assert (r / "topics" / "space" / "index.html").is_file()


def test_every_internal_link_and_asset_resolves_and_is_relative(site):
    r = root(site)
    pattern = re.compile(r'(?:href|src)="([^"]+)"')
    checked = 0
    for page in r.rglob("*.html"):
        if page.name == "404.html":
            continue  # served at any depth: its links start from the site's path (base href)
        for link in pattern.findall(page.read_text(encoding="utf-8")):
            parts = urlsplit(link)
            if parts.scheme in ("http", "https", "mailto", "data") or link.startswith("#"):
                continue
            assert not link.startswith("/"), f"{page}: absolute link {link}"
            target = (page.parent / unquote(parts.path)).resolve()
            assert target.is_file(), f"{page.relative_to(r)}: broken link {link}"
            if parts.fragment and target.suffix == ".html":
                assert f'id="{parts.fragment}"' in target.read_text(encoding="utf-8"), f"{page}: #{parts.fragment}"
            checked += 1
    assert checked > 500


def test_home_lists_briefs_newest_first_with_marking_and_actors(site):
    home = (root(site) / "index.html").read_text(encoding="utf-8")
    order = [m for m in re.findall(r'href="briefs/([^/]+)/index.html"', home)]
    assert order == [FR_ID, EN_ID, THIRD.stem]  # 2023-09, 2015-08, 2012-07
    assert "TLP:CLEAR" in home and "Vladimir Poutine" in home


def test_marking_above_the_limit_is_left_out(site):
    r = root(site)
    assert not (r / "briefs" / RESTRICTED).exists()
    assert RESTRICTED not in "".join(p.read_text(encoding="utf-8") for p in r.rglob("*.html"))
    assert "left out by marking" in site.build.err


def test_brief_page_links_actors_places_topics_pdf_and_neighbours(site):
    page = (root(site) / "briefs" / FR_ID / "index.html").read_text(encoding="utf-8")
    assert 'href="../../actors/vladimir-poutine/index.html"' in page
    assert 'href="../../places/vostotchny/index.html"' in page
    assert 'href="../../topics/space/index.html"' in page
    assert f'href="{FR_ID}.pdf"' in page
    assert 'rel="next"' in page and "data-pagefind-body" in page


def test_actor_pages_merge_aliases_across_briefs_and_quote_reactions(site):
    r = root(site)
    # Korea is named in two briefs (French and English): one page per country and language form
    peskov = (r / "actors" / "dimitri-peskov" / "index.html").read_text(encoding="utf-8")
    assert "porte-parole du Kremlin" in peskov and "Dmitri Peskov" in peskov
    assert "<q>" in peskov  # his direct quotation
    poutine = (r / "actors" / "vladimir-poutine" / "index.html").read_text(encoding="utf-8")
    assert "Kim Jong Un" in poutine  # most often seen with
    assert "data-pagefind-body" in poutine


def test_feed_and_sitemap_parse(site):
    import feedparser

    r = root(site)
    feed = feedparser.parse((r / "feed.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    titles = [e.title for e in feed.entries]
    assert len(titles) == 3 and all(t.startswith("[TLP:") for t in titles)
    assert all(e.link.startswith("https://") for e in feed.entries)  # base_url only here
    urls = [loc.text for loc in ET.parse(r / "sitemap.xml").getroot().iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert any(u.endswith(f"briefs/{FR_ID}/") for u in urls) and len(urls) > 50


def test_kinds_are_named_in_the_sites_language(site):
    r = root(site)
    actor = (r / "actors" / "vladimir-poutine" / "index.html").read_text(encoding="utf-8")
    assert "Type : personne" in actor
    places = [p.read_text(encoding="utf-8") for p in (r / "places").glob("*/index.html")]
    english = ("person", "organization", "country", "city", "region")
    assert not any(f'<p class="muted">{k}' in page or f": {k}</p>" in page for page in places for k in english)
    assert any('<p class="muted">pays' in page for page in places)
    assert not any(f"Type : {k}</p>" in (a.read_text(encoding="utf-8"))
                   for a in (r / "actors").glob("*/index.html") for k in english)


def test_feed_has_the_elements_rfc_4287_requires(site):
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.parse(root(site) / "feed.xml").getroot()
    assert feed.tag == f"{atom}feed"

    def one(parent, name):  # exactly one child element, with text
        found = parent.findall(f"{atom}{name}")
        assert len(found) == 1, (name, len(found))
        return found[0]

    for name in ("id", "title", "updated"):  # 4.1.1: atom:id, atom:title, atom:updated
        assert one(feed, name).text.strip()
    assert one(one(feed, "author"), "name").text.strip() == "briefgen"  # 4.1.1: atom:author (or in every entry)
    assert any(link.get("rel") == "self" for link in feed.findall(f"{atom}link"))  # 4.1.1 SHOULD
    entries = feed.findall(f"{atom}entry")
    assert entries
    for entry in entries:  # 4.1.2: atom:id, atom:title, atom:updated; a link (no content)
        for name in ("id", "title", "updated"):
            assert one(entry, name).text.strip()
        assert one(one(entry, "author"), "name").text.strip()
        assert any(link.get("rel", "alternate") == "alternate" for link in entry.findall(f"{atom}link"))


def test_rebuild_with_nothing_changed_writes_nothing(site):
    before = tree(root(site))
    again = run_cli("site", "-c", site.config_path)
    assert again.code == 0, again.err
    assert re.search(r"\(0 written, \d+ unchanged, 0 removed", again.err), again.err
    assert tree(root(site)) == before


def test_two_builds_are_byte_identical_and_a_removed_article_takes_its_pages(site, tmp_path):
    copy = make_project(tmp_path / "copy", [FR_SEED, EN_SEED, THIRD], share_cache_from=site)
    text = THIRD.read_text(encoding="utf-8").replace("---\n", "---\nmarking: TLP:AMBER\n", 1)
    (copy.seeds / f"{RESTRICTED}.md").write_text(text, encoding="utf-8")
    assert run_cli("site", "-c", copy.config_path).code == 0
    a, b = tree(root(site)), tree(root(copy))
    a.pop(".briefgen-site.json", None), b.pop(".briefgen-site.json", None)
    assert a == b
    (copy.seeds / THIRD.name).unlink()
    result = run_cli("site", "-c", copy.config_path)
    assert result.code == 0
    assert not (root(copy) / "briefs" / THIRD.stem).exists()
    assert not (root(copy) / "weeks" / "2012-W27").exists()


# --------------------------------------------------------------------------- in a real browser

def _page(browser):
    page = browser.new_page()
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return page, errors


@pytest.mark.parametrize("where", ["file", "http"])
def test_browse_home_to_brief_to_actor_and_back(site, browser, http_site, where):
    page, errors = _page(browser)
    start = (root(site) / "index.html").as_uri() if where == "file" else http_site + "index.html"
    page.goto(start)
    assert page.locator("h1").first.inner_text()
    page.click(f'a[href="briefs/{FR_ID}/index.html"]')
    assert page.locator("h1").first.inner_text().startswith("Vladimir Poutine")
    brief_url = page.url
    page.click('#actors a[href="../../actors/vladimir-poutine/index.html"]')
    assert page.locator("h1").first.inner_text() == "Vladimir Poutine"
    assert page.locator(f'a[href="../../briefs/{FR_ID}/index.html"]').count() >= 1
    page.go_back()
    assert page.url == brief_url
    assert not errors, errors
    page.close()


def test_search_finds_the_brief_by_an_actors_name(site, browser, http_site):
    if not (root(site) / "pagefind" / "pagefind.js").is_file():
        pytest.skip("site built without search")
    page, errors = _page(browser)
    page.goto(http_site + "search/index.html?q=Peskov")
    result = page.locator(".pagefind-ui__result-link").first
    result.wait_for(timeout=15000)
    hrefs = [a.get_attribute("href") for a in page.locator(".pagefind-ui__result-link").all()]
    assert any(f"/sub/path/briefs/{FR_ID}/" in h for h in hrefs), hrefs
    result.click()
    page.wait_for_load_state()
    assert "/sub/path/" in page.url
    assert not errors, errors
    page.close()
