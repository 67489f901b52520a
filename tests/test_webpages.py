"""The test helper ``webpages``: dev-set articles read right, article pages that hold the whole article in
order (with JSON-LD and canonical link), pages with no article, and RSS / Atom feeds that parse."""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import feedparser
import pytest
from conftest import ROOT
from webpages import (
    FeedItem,
    PageArticle,
    article_page,
    atom_feed,
    empty_page,
    index_page,
    read_devset_article,
    rss_feed,
    script_only_page,
)

DEVSET = ROOT.parent / "shared" / "devset"
needs_devset = pytest.mark.skipif(not DEVSET.is_dir(), reason="../shared/devset is not here")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
ATOM = "{http://www.w3.org/2005/Atom}"


class PageParser(HTMLParser):
    """Checks that every element is closed in order; collects what the tests look at."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict]] = []
        self.errors: list[str] = []
        self.tags: list[str] = []
        self.body_tags: list[str] = []
        self.body_text: list[str] = []  # text in <body> outside <script>
        self.article_ps: list[str] = []  # <p> directly in div.article-body
        self.ld_json: list[str] = []
        self.canonical: list[str] = []
        self.html_lang: str | None = None
        self._p: list[str] | None = None

    def _inside(self, tag: str, cls: str | None = None) -> bool:
        return any(t == tag and (cls is None or cls in (a.get("class") or "").split()) for t, a in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if self._inside("body"):
            self.body_tags.append(tag)
        if tag == "html":
            self.html_lang = attrs.get("lang")
        if tag == "link" and attrs.get("rel") == "canonical":
            self.canonical.append(attrs.get("href"))
        if tag == "p" and self.stack and self.stack[-1][0] == "div" and "article-body" in (self.stack[-1][1].get("class") or ""):
            self._p = []
        if tag not in VOID:
            self.stack.append((tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1][0] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1][0] if self.stack else 'nothing'}")
            return
        self.stack.pop()
        if tag == "p" and self._p is not None:
            self.article_ps.append("".join(self._p))
            self._p = None

    def handle_data(self, data):
        if self._p is not None:
            self._p.append(data)
        if self.stack and self.stack[-1][0] == "script" and self.stack[-1][1].get("type") == "application/ld+json":
            self.ld_json.append(data)
        if self._inside("body") and not self._inside("script") and data.strip():
            self.body_text.append(data.strip())


def parse(page: str) -> PageParser:
    parser = PageParser()
    parser.feed(page)
    parser.close()
    assert parser.errors == [], parser.errors[:5]
    assert parser.stack == [], f"unclosed: {[t for t, _ in parser.stack]}"
    return parser


def assert_in_order(haystack: str, needles: list[str]) -> None:
    pos = 0
    for needle in needles:
        found = haystack.find(needle, pos)
        assert found >= 0, f"missing or out of order: {needle[:80]!r}"
        pos = found + len(needle)


# --------------------------------------------------------------------------- dev-set articles


@needs_devset
def test_txt_article_loses_only_its_date_header():
    path = DEVSET / "01-grece-gouvernement-coalition.txt"
    raw = path.read_text(encoding="utf-8")
    a = read_devset_article(path)
    assert a.date == "2012-06-21"
    assert a.body == raw.removeprefix("date 2012-06-21 ").strip()
    assert a.body.startswith("21 juin 2012. - À la suite des élections")
    assert a.title == "Grèce : le nouveau gouvernement de coalition formé"  # the Wikinews page name
    assert a.language == "fr"
    assert a.source == "https://fr.wikinews.org/wiki/Gr%C3%A8ce_:_le_nouveau_gouvernement_de_coalition_form%C3%A9"
    assert a.licence == "CC BY 2.5"


@needs_devset
def test_seed_month_date_and_title_from_its_first_clause():
    path = DEVSET / "00-seed.txt"
    a = read_devset_article(path)
    assert a.date == "2023-09"
    assert a.body == path.read_text(encoding="utf-8").lstrip().removeprefix("date 2023-09 ").strip()
    assert ">> LIRE AUSSI - Kim Jong-un est arrivé en Russie pour rencontrer Poutine" in a.paragraphs
    assert a.title == "Vladimir Poutine et Kim Jong Un se sont retrouvés mercredi au cosmodrome russe de Vostotchny"
    assert a.language == "fr"
    assert a.licence.startswith("unknown")


@needs_devset
def test_markdown_article_uses_its_front_matter():
    a = read_devset_article(DEVSET / "07-north-korea-quasi-state-of-war.md")
    assert a.title == "North Korea puts military in 'quasi-state of war'"
    assert (a.date, a.language, a.licence) == ("2015-08-21", "en", "CC BY 2.5")
    assert a.source.startswith("https://en.wikinews.org/wiki/North_Korea")
    assert a.body.startswith("According to Yonhap news agency") and a.body.endswith("high levels of alert.")
    assert len(a.paragraphs) == 6


@needs_devset
def test_every_devset_body_is_what_briefgen_reads():
    from briefgen.ingest.files import read_article

    paths = sorted(p for p in DEVSET.iterdir() if p.suffix in (".txt", ".md") and p.with_suffix(".gold.yaml").is_file())
    assert len(paths) == 28
    articles = [read_devset_article(p) for p in paths]
    for path, a in zip(paths, articles):
        assert a.body == read_article(path).body.strip(), path.name
        assert a.title and "\n" not in a.title and len(a.title) < 160, path.name
        assert a.source and a.licence, path.name
    assert sum(a.language == "fr" for a in articles) == 19  # the README's count: 19 French, 9 English


# --------------------------------------------------------------------------- article pages


@needs_devset
@pytest.mark.parametrize("name", ["00-seed.txt", "02-espagne-moodys-banques.txt",
                                  "03-mali-tombouctou-ansar-eddine.md", "24-homeopathic-treatment-prosecution.txt"])
def test_article_page_holds_the_whole_article_in_order(name):
    a = read_devset_article(DEVSET / name)
    url = f"https://www.quotidien-du-test.example/monde/{name.split('.')[0]}.html"
    page = article_page(a, url)
    doc = parse(page)

    assert doc.article_ps == a.paragraphs  # every paragraph, complete, in order, one <p> each
    assert_in_order(html.unescape(page), a.paragraphs)
    assert doc.html_lang == a.language
    assert doc.canonical == [url]
    assert f"<title>{html.escape(a.title, quote=False)} | Le Quotidien du Test</title>" in page
    assert doc.tags.count("article") == 1 and "main" in doc.tags and "nav" in doc.tags and "footer" in doc.tags
    for marker in ('class="cookie-banner"', 'class="breadcrumb"', 'class="share"', "<figcaption>",
                   'class="read-also"', 'class="ad"', 'class="related"', 'class="comments"', 'class="newsletter"'):
        assert marker in page, marker

    (ld_text,) = doc.ld_json
    ld = json.loads(ld_text)
    assert ld["@type"] == "NewsArticle" and ld["headline"] == a.title and ld["inLanguage"] == a.language
    assert ld["datePublished"].startswith(a.date)
    assert ld["publisher"] == {"@type": "Organization", "name": "Le Quotidien du Test",
                               "logo": ld["publisher"]["logo"]}
    assert ld["mainEntityOfPage"]["@id"] == url
    assert "author" not in ld and 'name="author"' not in page  # no author known

    chrome = [t for t in doc.body_text if t not in a.paragraphs and t != a.title]
    for text in chrome:  # no chrome sentence is article text, and no paragraph is chrome
        assert len(text) < 20 or text not in a.body, text


def test_article_page_escapes_text_and_places_the_boxes():
    paras = [f"Paragraphe {i} : <b>gras</b> & « guillemets » d'O'Brien \"cité\"." for i in range(1, 7)]
    a = PageArticle(title="Un <titre> & d'autres", date="2012-07-04", body="\n\n".join(paras), language="fr",
                    source="https://example.org/x", licence="CC BY 2.5", author="Jeanne Test")
    page = article_page(a, "https://news.example/monde/a.html", related=[("Autre <sujet>", "https://news.example/b")])
    doc = parse(page)
    assert "<b>gras</b>" not in page and doc.article_ps == paras
    assert '<meta property="article:published_time" content="2012-07-04T08:00:00+00:00">' in page
    assert '<meta name="author" content="Jeanne Test">' in page
    assert '<time datetime="2012-07-04T08:00:00+00:00"' in page
    ld = json.loads(doc.ld_json[0])
    assert ld["author"] == {"@type": "Person", "name": "Jeanne Test"}
    assert ld["headline"] == "Un <titre> & d'autres"
    p = [page.index(f"Paragraphe {i} ") for i in range(1, 7)]
    read_also, ad = page.index('class="read-also"'), page.index('class="ad"')
    assert p[1] < read_also < p[2] and p[3] < ad < p[4]
    assert "Autre &lt;sujet&gt;" in page[read_also:ad]  # the first related link is the "read also" one
    assert "Lire aussi :" in page and "Nous utilisons des cookies" in page


# --------------------------------------------------------------------------- pages with no article


def test_index_script_only_and_empty_pages_have_no_article():
    links = [(f"Titre n°{i} & suite", f"https://news.example/monde/{i}.html") for i in range(5)]
    page = index_page("Le Quotidien du Test", links)
    doc = parse(page)
    assert "article" not in doc.tags and "<article" not in page
    assert_in_order(page, [f'href="https://news.example/monde/{i}.html"' for i in range(5)])
    assert "Titre n°0 &amp; suite" in page and doc.html_lang == "fr"
    assert "We use cookies" in index_page("The Test Times", links, language="en")

    spa = parse(script_only_page())
    assert spa.body_tags and set(spa.body_tags) == {"div", "script"} and spa.body_text == []
    assert '<div id="app"></div>' in script_only_page()
    empty = parse(empty_page())
    assert empty.body_tags == [] and empty.body_text == []


# --------------------------------------------------------------------------- feeds

ITEMS = [
    FeedItem("Grèce : un gouvernement & des <ministres>", "https://news.example/a?x=1&y=2", "id-1", "2012-06-21",
             "Résumé « court » & <net>."),
    FeedItem("Espagne : Moody's dégrade 28 banques", "https://news.example/b", "tag:news.example,2012:b", "2012-06"),
    FeedItem("Sans date", "https://news.example/c", "id-3", None),
]


def test_rss_feed_parses():
    rss = rss_feed("Le Quotidien & <fils>", "https://news.example/", ITEMS)
    root = ET.fromstring(rss.encode("utf-8"))
    items = root.findall("./channel/item")
    assert root.tag == "rss" and root.get("version") == "2.0" and len(items) == 3
    assert root.findtext("./channel/title") == "Le Quotidien & <fils>"
    assert [i.findtext("title") for i in items] == [i.title for i in ITEMS]
    assert items[0].find("guid").get("isPermaLink") == "false"
    assert items[0].findtext("pubDate") == "Thu, 21 Jun 2012 08:00:00 GMT"
    assert items[2].find("pubDate") is None

    feed = feedparser.parse(rss)
    assert not feed.bozo, feed.get("bozo_exception")
    assert len(feed.entries) == 3 and feed.feed.title == "Le Quotidien & <fils>"
    assert [e.title for e in feed.entries] == [i.title for i in ITEMS]
    assert [e.link for e in feed.entries] == [i.url for i in ITEMS]
    assert [e.id for e in feed.entries] == ["id-1", "tag:news.example,2012:b", "id-3"]
    assert feed.entries[0].published_parsed[:4] == (2012, 6, 21, 8)
    assert feed.entries[1].published_parsed[:3] == (2012, 6, 1)
    assert "published_parsed" not in feed.entries[2]
    # an RSS description is HTML: the plain-text summary comes back escaped, not sanitised away
    assert html.unescape(feed.entries[0].summary) == "Résumé « court » & <net>."


def test_atom_feed_parses():
    atom = atom_feed("Le Quotidien & <fils>", "https://news.example/", "https://news.example/feed.atom", ITEMS)
    root = ET.fromstring(atom.encode("utf-8"))
    entries = root.findall(f"{ATOM}entry")
    assert root.tag == f"{ATOM}feed" and len(entries) == 3
    assert root.findtext(f"{ATOM}id") == "https://news.example/feed.atom"
    assert root.findtext(f"{ATOM}updated") == "2012-06-21T08:00:00Z"
    assert root.findtext(f"{ATOM}author/{ATOM}name") == "Le Quotidien & <fils>"
    assert root.find(f"{ATOM}link[@rel='self']").get("href") == "https://news.example/feed.atom"
    for entry in entries:  # RFC 4287 4.1.2: id, title, updated in every entry
        assert entry.findtext(f"{ATOM}id") and entry.findtext(f"{ATOM}title") and entry.findtext(f"{ATOM}updated")
    assert entries[0].find(f"{ATOM}link").get("href") == "https://news.example/a?x=1&y=2"

    feed = feedparser.parse(atom)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10" and len(feed.entries) == 3
    assert [e.title for e in feed.entries] == [i.title for i in ITEMS]
    assert [e.link for e in feed.entries] == [i.url for i in ITEMS]
    assert [e.id for e in feed.entries] == ["urn:x-guid:id-1", "tag:news.example,2012:b", "urn:x-guid:id-3"]
    assert feed.entries[0].published_parsed[:4] == (2012, 6, 21, 8)
    assert feed.entries[1].published_parsed[:3] == (2012, 6, 1)
    assert "published_parsed" not in feed.entries[2] and feed.entries[2].updated_parsed[:3] == (2012, 6, 21)
    assert feed.entries[0].summary == "Résumé « court » & <net>."
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", feed.entries[1].published)
