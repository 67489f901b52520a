"""briefgen fetch, briefgen brief URL and the HTTP client, against a real HTTP server on 127.0.0.1.

The pages are dev-set articles (CC BY) wrapped in news-site chrome by tests/webpages.py
(menus, share buttons, related links, comments, cookie banner, JSON-LD); the feeds are an
Atom and an RSS 2.0 document pointing at them.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, make_project, run_cli, write_config
from webpages import (
    FeedItem,
    article_page,
    atom_feed,
    index_page,
    read_devset_article,
    rss_feed,
    script_only_page,
)

from briefgen.config import FetchSettings, load_config
from briefgen.errors import BriefgenError
from briefgen.ingest.files import read_article
from briefgen.ingest.http import Fetcher, FetchError, refusal
from briefgen.ingest.sources import markdown_escape

DEVSET = ROOT.parent / "shared" / "devset"
FRENCH = DEVSET / "03-mali-tombouctou-ansar-eddine.md"
ENGLISH = DEVSET / "06-indonesia-asylum-seekers-rescued.txt"
OTHER = DEVSET / "01-grece-gouvernement-coalition.txt"


# --------------------------------------------------------------------------- the server


@dataclass
class Route:
    body: bytes = b""
    type: str = "text/html; charset=utf-8"
    status: int = 200
    etag: str | None = None
    fail_first: int = 0  # answer 500 this many times first
    stall: float = 0.0  # seconds to wait before answering
    location: str | None = None
    hits: int = 0
    conditional: list = field(default_factory=list)  # If-None-Match headers received
    agents: list = field(default_factory=list)  # User-Agent headers received


class Site:
    """A threading HTTP server on 127.0.0.1 serving ``routes`` (path -> Route)."""

    def __init__(self):
        self.routes: dict[str, Route] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                route = site.routes.get(self.path)
                if route is None:
                    self.send_error(404)
                    return
                route.hits += 1
                route.conditional.append(self.headers.get("If-None-Match"))
                route.agents.append(self.headers.get("User-Agent"))
                if route.stall:
                    time.sleep(route.stall)
                if route.fail_first >= route.hits:
                    self.send_response(500)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if route.location:
                    self.send_response(302)
                    self.send_header("Location", route.location)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if route.etag and self.headers.get("If-None-Match") == route.etag:
                    self.send_response(304)
                    self.send_header("ETag", route.etag)
                    self.end_headers()
                    return
                self.send_response(route.status)
                self.send_header("Content-Type", route.type)
                self.send_header("Content-Length", str(len(route.body)))
                if route.etag:
                    self.send_header("ETag", route.etag)
                self.end_headers()
                self.wfile.write(route.body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def page(self, path: str, article_file: Path, **kw) -> str:
        article = read_devset_article(article_file)
        self.routes[path] = Route(article_page(article, self.url + path).encode("utf-8"), **kw)
        return self.url + path

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def site():
    s = Site()
    yield s
    s.close()


FAST = "fetch:\n  allow_private: true\n  host_delay: 0\n  timeout: 2\n  retries: 1\n  backoff: 0\n"


def project_with(tmp_path: Path, sources: list[dict], fetch: str = FAST):
    """A project whose configuration is the repository's with these sources and fetch settings."""
    project = make_project(tmp_path)
    text = project.config_path.read_text(encoding="utf-8")
    start, end = text.index("\nsources: []"), text.index("\n# lines matching one of these")
    section = "\n" + yaml.safe_dump({"sources": sources}, sort_keys=False) + fetch
    project.config_path.write_text(text[:start] + section + text[end:], encoding="utf-8")
    return project


def feeds_site(site: Site) -> tuple[str, str]:
    """An Atom feed (two French-and-English stories) and an RSS feed (another), with ETags."""
    one = site.page("/2012/07/mali.html", FRENCH)
    two = site.page("/2012/06/indonesia.html", ENGLISH)
    three = site.page("/2012/05/grece.html", OTHER)
    atom = atom_feed("Le Quotidien du Test", site.url + "/", site.url + "/atom.xml", [
        FeedItem("Mali", one, "tag:test,2012:mali", "2012-07-01"),
        FeedItem("Indonesia", two, "tag:test,2012:indonesia", "2012-06-21")])
    rss = rss_feed("Le Quotidien du Test", site.url + "/", [FeedItem("Grèce", three, "grece-2012", "2012-05-16")])
    site.routes["/atom.xml"] = Route(atom.encode(), "application/atom+xml", etag='"atom-1"')
    site.routes["/rss.xml"] = Route(rss.encode(), "application/rss+xml", etag='"rss-1"')
    return site.url + "/atom.xml", site.url + "/rss.xml"


def seeds_of(project) -> list[Path]:
    return sorted(project.seeds.glob("*.md"))


# --------------------------------------------------------------------------- fetch


def test_feeds_fill_the_seeds_folder_with_clean_articles(site, tmp_path):
    atom, rss = feeds_site(site)
    project = project_with(tmp_path, [{"url": atom, "name": "Le Quotidien du Test", "reliability": "B"},
                                      {"url": rss}])
    result = run_cli("fetch", "-c", project.config_path)
    assert result.code == 0, result.err
    assert "3 new, 0 unchanged, 0 duplicate(s), 0 failed" in result.err
    seeds = seeds_of(project)
    assert len(seeds) == 3
    by_url = {}
    for seed in seeds:
        text = seed.read_text(encoding="utf-8")
        front = yaml.safe_load(text.split("---")[1])
        by_url[front["url"]] = (seed, front)
        assert seed.name.startswith(front["date"] + "-")
        assert front["fetched_at"].endswith("Z")
    seed, front = by_url[site.url + "/2012/07/mali.html"]
    assert front["source"] == "Le Quotidien du Test" and front["reliability"] == "B"
    assert front["language"] == "fr"
    clean = read_article(FRENCH)
    assert read_article(seed).body == clean.body  # the page's chrome is gone, every paragraph kept
    assert front["title"] == read_devset_article(FRENCH).title
    seed, front = by_url[site.url + "/2012/06/indonesia.html"]
    assert read_article(seed).body == read_article(ENGLISH).body and front["language"] == "en"
    assert (project.output / "fetch-state.json").is_file()


def test_a_second_run_asks_conditionally_and_saves_nothing(site, tmp_path):
    atom, rss = feeds_site(site)
    project = project_with(tmp_path, [{"url": atom}, {"url": rss}])
    assert run_cli("fetch", "-c", project.config_path).code == 0
    before = {p: p.read_bytes() for p in seeds_of(project)}
    again = run_cli("fetch", "-c", project.config_path)
    assert again.code == 0, again.err
    assert "0 new, 2 unchanged" in again.err
    assert site.routes["/atom.xml"].conditional[-1] == '"atom-1"'  # If-None-Match sent, 304 answered
    assert {p: p.read_bytes() for p in seeds_of(project)} == before
    assert site.routes["/2012/07/mali.html"].hits == 1  # a story is never downloaded twice


def test_a_500_is_tried_again_and_a_failure_waits_for_the_next_run(site, tmp_path):
    flaky = site.page("/flaky.html", FRENCH, fail_first=1)  # 500, then 200: the retry gets it
    down = site.page("/down.html", ENGLISH, fail_first=100)
    atom = atom_feed("t", site.url, site.url + "/a.xml", [FeedItem("a", flaky, "a", "2012-07-01"),
                                                          FeedItem("b", down, "b", "2012-06-21")])
    site.routes["/a.xml"] = Route(atom.encode(), "application/atom+xml")
    project = project_with(tmp_path, [{"url": site.url + "/a.xml"}])
    first = run_cli("fetch", "-c", project.config_path)
    assert first.code == 1
    assert "1 new" in first.err and "1 failed" in first.err and "500" in first.err
    site.routes["/down.html"].fail_first = 0
    site.routes["/a.xml"] = Route(atom_feed("t", site.url, site.url + "/a.xml", []).encode(), "application/atom+xml")
    second = run_cli("fetch", "-c", project.config_path)  # gone from the feed, still retried
    assert second.code == 0, second.err
    assert "1 new" in second.err
    assert len(seeds_of(project)) == 2


def test_a_stalling_server_times_out(site, tmp_path):
    slow = site.page("/slow.html", FRENCH, stall=3)
    project = project_with(tmp_path, [{"url": slow, "kind": "page"}],
                           fetch=FAST.replace("timeout: 2", "timeout: 0.5").replace("retries: 1", "retries: 0"))
    result = run_cli("fetch", "-c", project.config_path)
    assert result.code == 1
    assert "no answer from 127.0.0.1 within 0.5 s" in result.err
    assert seeds_of(project) == []


def test_an_oversized_page_is_refused(site, tmp_path):
    page = site.page("/big.html", FRENCH)
    site.routes["/big.html"].body += b"<!-- " + b"x" * 300_000 + b" -->"
    project = project_with(tmp_path, [{"url": page, "kind": "page"}], fetch=FAST + "  max_kb: 200\n")
    result = run_cli("fetch", "-c", project.config_path)
    assert result.code == 1 and "larger than fetch.max_kb (200 KB)" in result.err
    assert seeds_of(project) == []


def test_a_redirect_to_a_metadata_address_is_refused(site, tmp_path):
    site.routes["/moved.html"] = Route(location="http://169.254.169.254/latest/meta-data/")
    project = project_with(tmp_path, [{"url": site.url + "/moved.html", "kind": "page"}])
    result = run_cli("fetch", "-c", project.config_path)
    assert result.code == 1
    assert "refused http://169.254.169.254/latest/meta-data/" in result.err and "metadata" in result.err


def test_private_addresses_are_refused_unless_allowed(site, tmp_path):
    page = site.page("/p.html", FRENCH)
    project = project_with(tmp_path, [{"url": page, "kind": "page"}], fetch="fetch:\n  host_delay: 0\n")
    result = run_cli("fetch", "-c", project.config_path)
    assert result.code == 1 and "loopback or private address" in result.err and "allow_private" in result.err
    assert site.routes["/p.html"].hits == 0  # refused before any connection


def test_the_same_story_under_two_addresses_is_saved_once(site, tmp_path):
    one = site.page("/story.html", FRENCH)
    two = site.page("/amp/story.html", FRENCH)
    atom = atom_feed("t", site.url, site.url + "/a.xml", [FeedItem("a", one, "a", "2012-07-01"),
                                                          FeedItem("a again", two, "b", "2012-07-01")])
    site.routes["/a.xml"] = Route(atom.encode(), "application/atom+xml")
    project = project_with(tmp_path, [{"url": site.url + "/a.xml"}])
    result = run_cli("fetch", "-c", project.config_path)
    assert result.code == 0, result.err
    assert "1 new, 0 unchanged, 1 duplicate(s)" in result.err
    assert len(seeds_of(project)) == 1


def test_a_page_that_is_not_an_article_is_refused(site, tmp_path):
    site.routes["/index.html"] = Route(index_page("Le Quotidien du Test", [
        ("Mali : la crise s'aggrave", site.url + "/a"), ("Grèce : un gouvernement", site.url + "/b")]).encode())
    site.routes["/app.html"] = Route(script_only_page().encode())
    project = project_with(tmp_path, [{"url": site.url + "/index.html", "kind": "page"},
                                      {"url": site.url + "/app.html", "kind": "page"}])
    result = run_cli("fetch", "-c", project.config_path)
    assert result.code == 1
    assert result.err.count("not an article") == 2
    assert seeds_of(project) == []


def test_since_and_limit(site, tmp_path):
    atom, rss = feeds_site(site)
    project = project_with(tmp_path, [{"url": atom}, {"url": rss}])
    result = run_cli("fetch", "-c", project.config_path, "--since", "2012-06-01", "--limit", "1")
    assert result.code == 0, result.err
    assert "1 new" in result.err and "2 skipped" in result.err
    assert len(seeds_of(project)) == 1


# --------------------------------------------------------------------------- one page from the web


def test_brief_and_extract_of_an_address_leave_the_seeds_alone(site, tmp_path):
    url = site.page("/2012/07/mali.html", FRENCH)
    project = project_with(tmp_path, [])
    out = tmp_path / "mali.pdf"
    result = run_cli("brief", "-c", project.config_path, url, "-o", out, "--no-daemon")
    assert result.code == 0, result.err
    assert out.read_bytes().startswith(b"%PDF-")
    assert seeds_of(project) == []
    facts = run_cli("extract", "-c", project.config_path, url, "--no-cache")
    assert facts.code == 0, facts.err
    assert '"language": "fr"' in facts.out


def test_a_wrapped_page_gives_the_clean_articles_facts(extractor, tmp_path):
    for source in (FRENCH, ENGLISH):
        page = tmp_path / (source.stem + ".html")
        page.write_text(article_page(read_devset_article(source), "https://example.org/" + source.stem), "utf-8")
        clean, wrapped = read_article(source), read_article(page)
        assert wrapped.body == clean.body
        ours, theirs = extractor.extract(wrapped).to_dict(), extractor.extract(clean).to_dict()
        for key in ("actors", "locations", "stakes", "reactions"):
            assert ours[key] == theirs[key], key


def test_a_saved_page_in_seeds_is_an_article(tmp_path):
    page = article_page(read_devset_article(ENGLISH), "https://example.org/2012/06/indonesia")
    project = make_project(tmp_path, texts={"indonesia.html": page})
    article = read_article(project.seeds / "indonesia.html")
    assert article.url == "https://example.org/2012/06/indonesia"
    assert article.date == read_devset_article(ENGLISH).date
    assert article.source == "Le Quotidien du Test"
    assert article.language == "en"


# --------------------------------------------------------------------------- the client's rules


@pytest.mark.parametrize("address, allowed", [
    ("127.0.0.1", False), ("10.1.2.3", False), ("192.168.0.1", False), ("172.16.0.1", False),
    ("100.64.0.1", False), ("::1", False), ("fc00::1", False), ("::ffff:127.0.0.1", False),
    ("8.8.8.8", True), ("2001:4860:4860::8888", True)])
def test_which_addresses_may_be_fetched(address, allowed):
    assert (refusal(address, allow_private=False) is None) is allowed


def test_metadata_and_link_local_are_refused_even_when_private_is_allowed():
    assert "metadata" in refusal("169.254.169.254", allow_private=True)
    assert "link-local" in refusal("169.254.10.10", allow_private=True)
    assert refusal("127.0.0.1", allow_private=True) is None


def test_only_http_and_https():
    with Fetcher(FetchSettings()) as fetcher, pytest.raises(FetchError, match="only http and https"):
        fetcher.get("file:///etc/passwd")


def test_a_name_that_resolves_to_a_private_address_is_refused():
    def resolve(host, port, type=0):  # a public-looking name, a private answer
        return [(2, 1, 6, "", ("10.0.0.7", port))]

    with Fetcher(FetchSettings(), resolve=resolve) as fetcher, pytest.raises(FetchError, match="10.0.0.7"):
        fetcher.get("https://news.example.com/story")


@pytest.mark.parametrize("text", [
    "1. Le ministre a parlé.", "- Non, a-t-il dit.", "# 5 morts", "Un *vrai* [lien](x) et `code` <b>", "> cité",
    "Prix : 5 € & taxes ! Vraiment\\ ?", "+ 3 %", "=== titre", "2) deuxième"])
def test_seed_markdown_reads_back_as_the_text(text, tmp_path):
    from briefgen.ingest.files import markdown_to_text

    assert markdown_to_text(markdown_escape(text)) == text + "\n"


def test_config_rejects_a_source_that_is_not_a_web_address(tmp_path):
    path = write_config(tmp_path / "config.yaml", replace={"sources: []": "sources:\n  - url: ftp://example.org/feed"})
    with pytest.raises(BriefgenError, match=r"sources\[0\]\.url: 'ftp://example.org/feed' is not an http"):
        load_config(path)


def test_a_page_dated_by_month_gets_no_day_made_up(tmp_path):
    article = read_devset_article(ENGLISH)
    article.date = "2015-05"
    page = tmp_path / "p.html"
    page.write_text(article_page(article, "https://example.org/p"), encoding="utf-8")
    assert read_article(page).date == "2015-05"


def test_a_legacy_encoded_page_without_a_charset_is_read(tmp_path):
    body = ("Le ministre a déclaré mercredi que la réforme était « indispensable ». "
            "Les syndicats ont répondu qu'ils manifesteraient jeudi à Paris. ") * 4
    html = f"<html lang='fr'><head><title>Réforme</title></head><body><article><h1>Réforme</h1><p>{body}</p>" \
           f"<p>{body}</p></article></body></html>"
    page = tmp_path / "legacy.html"
    page.write_bytes(html.encode("cp1252"))
    article = read_article(page)
    assert "déclaré" in article.body and "« indispensable »" in article.body


def test_politeness_user_agent_host_delay_and_backoff(site):
    site.page("/a.html", FRENCH)
    site.page("/b.html", FRENCH, fail_first=1)
    slept = []
    settings = FetchSettings(allow_private=True, host_delay=5.0, backoff=3.0, retries=2)
    with Fetcher(settings, sleep=slept.append) as fetcher:
        fetcher.get(site.url + "/a.html")
        fetcher.get(site.url + "/b.html")  # the same host again: waits; a 500 first: backs off
    assert site.routes["/a.html"].agents[0].startswith("briefgen/")
    assert len(slept) == 3 and 4.0 < slept[0] <= 5.0 and slept[1] == 3.0 and 4.0 < slept[2] <= 5.0


def test_redirects_are_limited(site):
    site.routes["/loop.html"] = Route(location="/loop.html")
    with Fetcher(FetchSettings(allow_private=True, host_delay=0, max_redirects=3)) as fetcher, \
            pytest.raises(FetchError, match=r"more than fetch.max_redirects \(3\)"):
        fetcher.get(site.url + "/loop.html")
    assert site.routes["/loop.html"].hits == 4


def test_a_feed_address_that_serves_a_page_is_refused(site):
    page = site.page("/not-a-feed.html", FRENCH)
    from briefgen.ingest.http import FEED_TYPES

    with Fetcher(FetchSettings(allow_private=True, host_delay=0)) as fetcher, \
            pytest.raises(FetchError, match="text/html is not what was expected"):
        fetcher.get(page, FEED_TYPES)
