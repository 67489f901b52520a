"""Full-text search: the Pagefind bundle written by ``briefgen.publish.search.index_site``.

A tiny site is built in a temporary folder: two pages carry ``data-pagefind-body`` (a
brief about Vladimir Poutine, an actor page for Kim Jong Un), one does not (a home page).
The searches themselves run Pagefind's own ``pagefind.js`` under Node when Node is on the
machine (no browser); the fragment files are checked in any case.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from briefgen.publish import search
from briefgen.errors import BriefgenError
from briefgen.publish.search import SearchReport, index_site, search_ui_html

PAGE = """<!doctype html>
<html lang="fr">
<head><meta charset="utf-8"><title>{title}</title></head>
<body>
<nav><a href="{root}index.html">Accueil</a> Zanzibar</nav>
<main{attr}>
<h1>{title}</h1>
<p>{text}</p>
</main>
</body>
</html>
"""

PAGES = {
    "briefs/2024-06-01-russie.html": (
        "Moscou durcit le ton",
        "Vladimir Poutine a annoncé mardi de nouvelles manœuvres militaires près de la frontière.",
        True,
    ),
    "actors/kim-jong-un.html": (
        "Kim Jong Un",
        "Kim Jong Un dirige la Corée du Nord ; il a supervisé un tir de missile balistique.",
        True,
    ),
    "index.html": (
        "Accueil",
        "Toutes les notes. Mot réservé à l'accueil : hippopotame.",
        False,
    ),
}


def make_site(root: Path, pages: dict = PAGES) -> Path:
    for rel, (title, text, body) in pages.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        up = "../" * rel.count("/")
        attr = " data-pagefind-body" if body else ""
        path.write_text(PAGE.format(title=title, text=text, attr=attr, root=up), encoding="utf-8")
    return root


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def fragments(bundle: Path) -> list[dict]:
    out = []
    for f in sorted((bundle / "fragment").glob("*.pf_fragment")):
        raw = gzip.decompress(f.read_bytes())
        assert raw.startswith(b"pagefind_dcd")
        out.append(json.loads(raw[len(b"pagefind_dcd"):]))
    return out


@pytest.fixture(scope="module")
def indexed(tmp_path_factory) -> tuple[Path, SearchReport]:
    site = make_site(tmp_path_factory.mktemp("site"))
    return site, index_site(site)


# --------------------------------------------------------------------------- bundle


def test_bundle_files(indexed):
    site, report = indexed
    bundle = site / "pagefind"
    assert report.bundle == bundle
    for name in ("pagefind.js", "pagefind-ui.js", "pagefind-ui.css", "pagefind-entry.json"):
        assert (bundle / name).is_file(), name
    assert len(list((bundle / "fragment").glob("*.pf_fragment"))) == 2
    assert list((bundle / "index").glob("*.pf_index"))
    assert list(bundle.glob("wasm.fr.pagefind"))
    # the pages themselves are left alone, and nothing is left beside the site
    assert sorted(p.name for p in site.parent.iterdir() if p.name.startswith(".pagefind")) == []


def test_report_counts_only_pages_with_body(indexed):
    _, report = indexed
    assert report.pages == 2
    assert report.words > 10
    assert report.languages == ("fr",)
    assert 0 < report.seconds < 60


def test_fragments_hold_the_main_element_only(indexed):
    site, _ = indexed
    frags = {f["url"]: f for f in fragments(site / "pagefind")}
    # full URLs kept (no index.html stripping), relative to the site root
    assert set(frags) == {"/briefs/2024-06-01-russie.html", "/actors/kim-jong-un.html"}
    assert "Vladimir Poutine" in frags["/briefs/2024-06-01-russie.html"]["content"]
    assert "Kim Jong Un" in frags["/actors/kim-jong-un.html"]["content"]
    assert frags["/actors/kim-jong-un.html"]["meta"]["title"] == "Kim Jong Un"
    everything = json.dumps(list(frags.values()), ensure_ascii=False)
    assert "Zanzibar" not in everything  # the <nav> is outside the body
    assert "hippopotame" not in everything  # the home page has no body


# --------------------------------------------------------------------------- search (Node)

SEARCH_JS = r"""
import { readFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import path from "node:path";
const [bundle, baseUrl, ...terms] = process.argv.slice(2);
const PREFIX = "/__bundle__/";
// pagefind.js fetches its files under basePath: serve them from the folder
globalThis.fetch = async (input) => {
  const u = new URL(String(input), "http://localhost");
  const rel = decodeURIComponent(u.pathname).slice(PREFIX.length);
  return new Response(await readFile(path.join(bundle, rel)), { status: 200 });
};
const pagefind = await import(pathToFileURL(path.join(bundle, "pagefind.js")).href);
await pagefind.options({ basePath: PREFIX, baseUrl });
const out = {};
for (const term of terms) {
  const found = await pagefind.search(term);
  out[term] = await Promise.all(found.results.map(async (r) => {
    const d = await r.data();
    return { url: d.url, title: d.meta.title, excerpt: d.excerpt };
  }));
}
console.log(JSON.stringify(out));
"""


def node_search(bundle: Path, tmp: Path, base_url: str, *terms: str) -> dict:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: searched the fragments only")
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=False).stdout
    if int(version.lstrip("v").split(".")[0]) < 18:
        pytest.skip(f"node {version.strip()} has no fetch/Response")
    script = tmp / "search.mjs"
    script.write_text(SEARCH_JS, encoding="utf-8")
    proc = subprocess.run(
        [node, os.fspath(script), os.fspath(bundle), base_url, *terms],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_search_finds_brief_and_actor(indexed, tmp_path):
    site, _ = indexed
    found = node_search(site / "pagefind", tmp_path, "/", "Poutine", "Kim Jong Un", "missile", "hippopotame")
    assert [r["url"] for r in found["Poutine"]] == ["/briefs/2024-06-01-russie.html"]
    assert "<mark>Poutine</mark>" in found["Poutine"][0]["excerpt"]
    assert found["Kim Jong Un"][0]["url"] == "/actors/kim-jong-un.html"
    assert found["Kim Jong Un"][0]["title"] == "Kim Jong Un"
    assert [r["url"] for r in found["missile"]] == ["/actors/kim-jong-un.html"]
    assert all(r["url"] != "/index.html" for r in found["hippopotame"])


def test_search_urls_under_a_sub_path(indexed, tmp_path):
    # what the search page does: baseUrl = its relative root resolved to an absolute path
    site, _ = indexed
    found = node_search(site / "pagefind", tmp_path, "/sub/path/", "Poutine")
    assert [r["url"] for r in found["Poutine"]] == ["/sub/path/briefs/2024-06-01-russie.html"]


# --------------------------------------------------------------------------- determinism


def test_same_pages_same_bundle(tmp_path):
    a = make_site(tmp_path / "a")
    b = make_site(tmp_path / "elsewhere" / "b")
    index_site(a)
    index_site(b)
    first = tree(a / "pagefind")
    assert first == tree(b / "pagefind")
    index_site(a)  # again, over its own output
    assert tree(a / "pagefind") == first


def test_reindex_leaves_no_stale_files(tmp_path):
    site = make_site(tmp_path / "site")
    index_site(site)
    before = set(tree(site / "pagefind"))
    page = site / "briefs/2024-06-01-russie.html"
    page.write_text(page.read_text(encoding="utf-8").replace("mardi", "mercredi"), encoding="utf-8")
    report = index_site(site)
    after = set(tree(site / "pagefind"))
    assert report.pages == 2
    assert len([p for p in after if p.startswith("fragment/")]) == 2
    assert before != after  # the brief's fragment and the index changed name...
    assert not any(p.startswith(".") for p in os.listdir(site))  # ...old ones are gone


def test_source_date_epoch_sets_mtimes(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    site = make_site(tmp_path / "site")
    index_site(site)
    assert {int(p.stat().st_mtime) for p in (site / "pagefind").rglob("*")} == {1700000000}


# --------------------------------------------------------------------------- options, errors


def test_forced_language_makes_one_index(tmp_path):
    pages = dict(PAGES)
    pages["briefs/en.html"] = ("Seoul on alert", "Kim Jong Un tested a missile.", True)
    site = make_site(tmp_path / "site", pages)
    en = site / "briefs/en.html"
    en.write_text(en.read_text(encoding="utf-8").replace('lang="fr"', 'lang="en"'), encoding="utf-8")
    assert index_site(site).languages == ("en", "fr")
    report = index_site(site, language="fr")
    assert (report.pages, report.languages) == (3, ("fr",))
    with pytest.raises(BriefgenError, match="language code"):
        index_site(site, language="fr; rm")


def test_no_page_with_body_no_bundle(tmp_path):
    site = make_site(tmp_path / "site")
    index_site(site)
    for page in site.rglob("*.html"):
        if "pagefind" not in page.parts:
            page.write_text(page.read_text(encoding="utf-8").replace(" data-pagefind-body", ""), encoding="utf-8")
    report = index_site(site)
    assert (report.pages, report.bundle) == (0, None)
    assert not (site / "pagefind").exists()  # no stale bundle either


def test_missing_binary_names_the_package(tmp_path, monkeypatch):
    site = make_site(tmp_path / "site")
    monkeypatch.setattr(search, "find_binary", lambda: None)
    with pytest.raises(BriefgenError, match=r"pagefind\[bin\]"):
        index_site(site)
    assert not (site / "pagefind").exists()


def test_binary_path_to_nothing_is_missing(tmp_path, monkeypatch):
    # the package's own lookup honours PAGEFIND_BINARY_PATH without checking the file
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", os.fspath(tmp_path / "no-such-pagefind"))
    assert search.find_binary() is None
    with pytest.raises(BriefgenError, match="pip install 'pagefind\\[bin\\]'"):
        index_site(make_site(tmp_path / "site"))


def test_binary_failure_is_a_briefgen_error(tmp_path, monkeypatch):
    fake = tmp_path / "pagefind"
    fake.write_text("#!/bin/sh\necho 'Error: boom' >&2\nexit 3\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setattr(search, "find_binary", lambda: fake)
    with pytest.raises(BriefgenError, match="exit 3.*boom"):
        index_site(make_site(tmp_path / "site"))


# --------------------------------------------------------------------------- search page


def test_search_ui_html_relative_and_french():
    frag = search_ui_html("../", "fr")
    assert '<link rel="stylesheet" href="../pagefind/pagefind-ui.css">' in frag
    assert '<script src="../pagefind/pagefind-ui.js"></script>' in frag
    assert 'href="/' not in frag and 'src="/' not in frag
    assert "new PagefindUI(options)" in frag
    assert '"element": "#search"' in frag and '"showSubResults": true' in frag
    assert 'new URL("../", document.baseURI).pathname' in frag
    assert "options.baseUrl = root;" in frag
    assert 'options.bundlePath = root + "pagefind/";' in frag
    assert "Rechercher dans les notes et les acteurs" in frag
    assert 'id="search"' in frag


def test_search_ui_html_roots():
    assert 'href="./pagefind/pagefind-ui.css"' in search_ui_html("", "en")
    assert 'href="../../pagefind/pagefind-ui.js"' not in search_ui_html("../..", "en")
    assert 'src="../../pagefind/pagefind-ui.js"' in search_ui_html("../..", "en")
    assert "Search briefs and actors" in search_ui_html("./", "en-GB")
    assert "translations" not in search_ui_html("./", "de")  # Pagefind's own German
    for bad in ("/", "https://example.org/", "//cdn/", '"><script>', "../x y/"):
        with pytest.raises(ValueError):
            search_ui_html(bad, "fr")
