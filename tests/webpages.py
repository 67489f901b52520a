"""Realistic saved web pages and feeds around articles, for tests of HTML/feed ingestion.

A plain helper module (standard library only, plus PyYAML for the dev set's front matter):

* :func:`read_devset_article` reads one article of ``../shared/devset`` into a :class:`PageArticle`;
* :func:`article_page` wraps an article in the chrome of a real news site (cookie banner, menu,
  breadcrumb, share buttons, figure caption, "read also" box, ad slot, tags, related links,
  reader comments, newsletter form, footer, JSON-LD, analytics script, CSS) so that an
  HTML-to-text extractor has real work to do: the article paragraphs are the only article text,
  in order and complete, and no chrome sentence occurs in the article;
* :func:`index_page`, :func:`script_only_page` and :func:`empty_page` are pages with no article;
* :func:`rss_feed` and :func:`atom_feed` list :class:`FeedItem` links (RSS 2.0, Atom RFC 4287).

Dates are ``YYYY-MM-DD`` or ``YYYY-MM``. A day is published at 08:00 UTC. A month-only date stays
a month in the page (``<time datetime="2023-09">``, ``"datePublished": "2023-09"``: both valid
reduced-precision ISO 8601, no day invented); feeds need a full timestamp, so there it is the 1st of
the month at 08:00 UTC.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

DEFAULT_SITE = "Le Quotidien du Test"


@dataclass
class PageArticle:
    title: str
    date: str | None  # YYYY-MM-DD or YYYY-MM
    body: str  # plain text, paragraphs separated by a blank line
    language: str  # "fr" or "en"
    source: str | None  # a URL or a name
    licence: str | None
    author: str | None = None
    site_name: str = DEFAULT_SITE

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.body.split("\n\n") if p.strip()]


@dataclass
class FeedItem:
    title: str
    url: str
    guid: str
    date: str | None  # YYYY-MM-DD or YYYY-MM (or a full ISO 8601 timestamp)
    summary: str = ""


# --------------------------------------------------------------------------- dev set

_DATE_HEADER = re.compile(r"\A\s*date\s+(\d{4}-\d{2}(?:-\d{2})?)\b[ \t]*\n?")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*\n", re.DOTALL)
_FR_MARKERS = (" le ", " la ", " les ", " des ", " est ")
_DATELINE = re.compile(r"\A\d{1,2}(?:er)? \w+ \d{4}\. - ")  # "21 juin 2012. - " of fr.wikinews


def read_devset_article(path: Path) -> PageArticle:
    """One dev-set article (``.txt`` with an optional ``date`` header, or ``.md`` with front matter).

    The body is the file's text minus its header (the ``date YYYY-MM[-DD]`` prefix of a ``.txt``, the
    front matter of a ``.md``), outer whitespace stripped and nothing else changed: for the dev set, the
    same text as ``briefgen.ingest.files.read_article`` with no boilerplate patterns. The seed's
    ``>> LIRE AUSSI`` lines stay, as in the file (briefgen's configured boilerplate patterns drop them
    when it reads the file, and would drop them from an extracted page's text the same way).

    The ``.txt`` files have no title line: their first line is the date header followed by the whole
    first paragraph. So the title is the front matter's, else the Wikinews page name of the source URL
    (the dev set built those URLs from the article titles: ``Gr%C3%A8ce_:_le_nouveau...`` ->
    ``Grèce : le nouveau...``), else the first clause of the first sentence (the seed).

    Source and licence: the front matter's, else the ``source``/``license`` lines of the article's
    ``.gold.yaml`` (the ``.txt`` files carry none; only those two metadata fields are read there).
    """
    import yaml

    path = Path(path)
    text = path.read_text(encoding="utf-8").replace("\r\n", "\n").lstrip("\ufeff")
    meta: dict = {}
    match = _FRONT_MATTER.match(text)
    if match:
        meta = yaml.safe_load(match.group(1) or "") or {}
        text = text[match.end():]
    else:
        match = _DATE_HEADER.match(text)
        if match:
            meta["date"] = match.group(1)
            text = text[match.end():]
    body = text.strip()

    gold = path.with_name(path.name.rsplit(".", 1)[0] + ".gold.yaml")
    gold_meta: dict = {}
    if gold.is_file() and ("source" not in meta or not ({"licence", "license"} & meta.keys())):
        loaded = yaml.safe_load(gold.read_text(encoding="utf-8")) or {}
        gold_meta = {k: loaded[k] for k in ("source", "license", "licence") if k in loaded}

    date = meta.get("date")
    if isinstance(date, (dt.date, dt.datetime)):
        date = date.strftime("%Y-%m-%d")
    source = _str_or_none(meta.get("source")) or _str_or_none(gold_meta.get("source"))
    licence = _str_or_none(meta.get("licence") or meta.get("license")) or _str_or_none(
        gold_meta.get("licence") or gold_meta.get("license"))
    title = _str_or_none(meta.get("title")) or _title_from_url(source) or _title_from_body(body)
    language = _str_or_none(meta.get("language") or meta.get("lang")) or guess_language(body)
    return PageArticle(title=title, date=_str_or_none(date), body=body, language=language,
                       source=source, licence=licence, author=_str_or_none(meta.get("author")))


def guess_language(text: str) -> str:
    """Return "fr" when at least three of the French markers (`` le ``, `` la ``, ...) occur, else "en"."""
    low = " " + " ".join(text.lower().split()) + " "
    return "fr" if sum(m in low for m in _FR_MARKERS) >= 3 else "en"


def _title_from_url(source: str | None) -> str | None:
    if not source or not source.startswith(("http://", "https://")) or "/wiki/" not in source:
        return None
    name = unquote(source.rsplit("/wiki/", 1)[1]).replace("_", " ").strip()
    return name or None


def _title_from_body(body: str) -> str:
    first = _DATELINE.sub("", body.split("\n\n", 1)[0].strip())
    clause = re.split(r"(?<=\w)[.,;:!?](?:\s|$)", first, maxsplit=1)[0].strip(" \"«»")
    words = clause.split()
    return " ".join(words[:16]) + (" …" if len(words) > 16 else "")


def _str_or_none(value) -> str | None:
    return str(value).strip() if value not in (None, "") else None


# --------------------------------------------------------------------------- page text (chrome)

_FR_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
              "octobre", "novembre", "décembre")
_EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December")

_CHROME = {
    "fr": {
        "sections": [("Politique", "politique"), ("Monde", "monde"), ("Économie", "economie"),
                     ("Société", "societe"), ("Culture", "culture"), ("Sport", "sport"),
                     ("Sciences", "sciences"), ("Opinions", "opinions")],
        "section": ("Monde", "monde"),
        "home": "Accueil",
        "cookie": "Nous utilisons des cookies et des technologies similaires pour mesurer l'audience, "
                  "personnaliser les publicités et améliorer votre expérience de navigation.",
        "cookie_more": "En savoir plus",
        "cookie_buttons": ("Tout accepter", "Tout refuser", "Paramétrer mes choix"),
        "subscribe": "S'abonner",
        "login": "Se connecter",
        "search": "Rechercher",
        "share": "Partager cet article",
        "by": "Par",
        "newsroom": "la rédaction",
        "published": "Publié le",
        "at": "à 08h00",
        "caption": "Photo d'illustration. (Agence Test)",
        "img_alt": "Photo d'illustration",
        "read_also": "Lire aussi :",
        "ad": "Publicité",
        "tags": "Mots-clés",
        "tag_list": [("International", "international"), ("Actualité", "actualite"), ("Dépêches", "depeches")],
        "related": "À lire également",
        "related_made_up": [
            "Météo : un week-end ensoleillé attendu sur une grande partie du pays",
            "Carburants : les prix à la pompe repartent légèrement à la hausse",
            "Notre sélection de podcasts pour la semaine",
        ],
        "comments": "Commentaires",
        "comment_list": [
            ("lecteur_75", "il y a 2 heures",
             "Merci pour cet article très clair, enfin un résumé qui va à l'essentiel."),
            ("citoyen-du-sud", "il y a 45 minutes",
             "Je ne partage pas cette lecture des événements, mais le papier est bien documenté."),
        ],
        "comment_reply": "Répondre",
        "comment_form": "Réagissez à cet article",
        "comment_send": "Publier mon commentaire",
        "newsletter": "La newsletter du matin",
        "newsletter_text": "Recevez chaque jour à 7 heures l'essentiel de l'actualité dans votre boîte mail.",
        "newsletter_label": "Votre adresse e-mail",
        "newsletter_button": "Je m'inscris",
        "newsletter_legal": "Vous pourrez vous désinscrire à tout moment via le lien présent dans chaque envoi.",
        "legal": [("Mentions légales", "mentions-legales"), ("Politique de confidentialité", "confidentialite"),
                  ("Gestion des cookies", "cookies"), ("Conditions générales", "cgu"),
                  ("Nous contacter", "contact"), ("Plan du site", "plan-du-site")],
        "rights": "Tous droits réservés.",
        "credit": "Texte d'origine : {source} — licence : {licence}.",
        "front": "À la une",
        "more": "Voir plus d'articles",
        "teasers": ["Les dernières informations et notre analyse.", "Ce qu'il faut retenir en trois points.",
                    "Le point sur la situation ce matin.", "Décryptage en images et en chiffres."],
        "ago": "Il y a {n} h",
    },
    "en": {
        "sections": [("Politics", "politics"), ("World", "world"), ("Business", "business"),
                     ("Society", "society"), ("Culture", "culture"), ("Sport", "sport"),
                     ("Science", "science"), ("Opinion", "opinion")],
        "section": ("World", "world"),
        "home": "Home",
        "cookie": "We use cookies and similar technologies to measure our audience, personalise "
                  "advertising and improve your browsing experience.",
        "cookie_more": "Learn more",
        "cookie_buttons": ("Accept all", "Reject all", "Manage preferences"),
        "subscribe": "Subscribe",
        "login": "Sign in",
        "search": "Search",
        "share": "Share this article",
        "by": "By",
        "newsroom": "Staff writers",
        "published": "Published",
        "at": "at 8:00 a.m.",
        "caption": "Illustration photo. (Test Agency)",
        "img_alt": "Illustration photo",
        "read_also": "Read more:",
        "ad": "Advertisement",
        "tags": "Topics",
        "tag_list": [("International", "international"), ("News", "news"), ("Wires", "wires")],
        "related": "Related articles",
        "related_made_up": [
            "Weather: a sunny weekend expected across most of the country",
            "Fuel prices edge up again at the pump",
            "Our pick of podcasts for the week",
        ],
        "comments": "Comments",
        "comment_list": [
            ("reader_42", "2 hours ago", "Thanks for the clear write-up, finally a summary that gets to the point."),
            ("night-owl", "45 minutes ago", "I read the events differently, but the piece is well sourced."),
        ],
        "comment_reply": "Reply",
        "comment_form": "Join the conversation",
        "comment_send": "Post comment",
        "newsletter": "The Morning Briefing",
        "newsletter_text": "Get the day's essential news in your inbox every morning at 7.",
        "newsletter_label": "Your email address",
        "newsletter_button": "Sign up",
        "newsletter_legal": "You can unsubscribe at any time with the link in every email.",
        "legal": [("Legal notice", "legal"), ("Privacy policy", "privacy"), ("Cookie settings", "cookies"),
                  ("Terms of use", "terms"), ("Contact us", "contact"), ("Site map", "sitemap")],
        "rights": "All rights reserved.",
        "credit": "Original text: {source} — licence: {licence}.",
        "front": "Top stories",
        "more": "More stories",
        "teasers": ["The latest and our analysis.", "What you need to know in three points.",
                    "Where things stand this morning.", "Explained in pictures and figures."],
        "ago": "{n} hours ago",
    },
}

_CSS = """
  *{box-sizing:border-box}body{margin:0;font:16px/1.6 Georgia,serif;color:#1a1a1a;background:#fff}
  .cookie-banner{position:fixed;bottom:0;left:0;right:0;padding:1em;background:#222;color:#eee;z-index:99}
  .cookie-banner button{margin-right:.5em}.site-header{border-bottom:3px solid #c00;padding:.5em 1em}
  .logo{font:700 2em/1 Helvetica,Arial,sans-serif;color:#c00;text-decoration:none}
  nav.menu ul,.breadcrumb ol,.share ul,.tags ul,.site-footer ul{list-style:none;margin:0;padding:0;display:flex;gap:1em}
  main{max-width:760px;margin:0 auto;padding:1em}h1{font-size:2.2em;line-height:1.2}
  .byline{color:#666;font-size:.9em}figure{margin:1em 0}figure img{width:100%;height:auto}
  figcaption{font-size:.8em;color:#666}.read-also{border-left:4px solid #c00;padding:.5em 1em;margin:1em 0}
  .ad{min-height:250px;background:#f4f4f4;color:#999;text-align:center;font:12px sans-serif}
  .comments li{border-top:1px solid #ddd;padding:.5em 0}.newsletter{background:#fdf3e7;padding:1em}
  .site-footer{background:#111;color:#aaa;padding:2em 1em;font:14px sans-serif}
"""

_ANALYTICS = """
  window.dataLayer = window.dataLayer || [];
  function gtag(){dataLayer.push(arguments);}
  gtag('js', new Date());
  gtag('config', 'G-TEST000000', {anonymize_ip: true});
  dataLayer.push(%s);
  (function(d, s){
    var js = d.createElement(s), first = d.getElementsByTagName(s)[0];
    js.async = true; js.src = 'https://stats.analytics.example/tag.js?id=QDT-42';
    first.parentNode.insertBefore(js, first);
  })(document, 'script');
  var cmp = document.querySelector('.cookie-banner');
  if (cmp && document.cookie.indexOf('consent=') !== -1) { cmp.style.display = 'none'; }
"""


def _e(text: str) -> str:
    """Escaped element text (``&``, ``<``, ``>``; quotes stay as they are, as on real sites)."""
    return html.escape(text, quote=False)


def _a(text: str) -> str:
    """Escaped attribute value, for inside double quotes."""
    return html.escape(text, quote=True)


def _script_json(value) -> str:
    """JSON for inside a <script>: no ``</`` that would close the element early."""
    return json.dumps(value, ensure_ascii=False, indent=2).replace("</", "<\\/")


def _base_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else "https://www.quotidien-du-test.example"


def _site_base(site_name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", site_name.lower()).strip("-") or "site"
    return f"https://www.{slug}.example"


def _iso_published(date: str) -> str:
    """``YYYY-MM-DDT08:00:00+00:00`` for a day; a month-only date stays ``YYYY-MM``."""
    return f"{date}T08:00:00+00:00" if re.fullmatch(r"\d{4}-\d{2}-\d{2}", date) else date


def _human_date(date: str, language: str) -> str:
    parts = [int(x) for x in date.split("-")]
    months = _FR_MONTHS if language == "fr" else _EN_MONTHS
    if len(parts) == 2:
        return f"{months[parts[1] - 1]} {parts[0]}"
    year, month, day = parts[:3]
    if language == "fr":
        return f"{'1er' if day == 1 else day} {months[month - 1]} {year}"
    return f"{months[month - 1]} {day}, {year}"


def _cookie_banner(c: dict, base: str) -> str:
    buttons = "\n    ".join(f'<button type="button" class="cmp-btn">{_e(b)}</button>' for b in c["cookie_buttons"])
    return f"""<div class="cookie-banner" role="dialog" aria-live="polite">
  <p>{_e(c["cookie"])} <a href="{_a(base)}/cookies">{_e(c["cookie_more"])}</a></p>
  <div class="cmp-buttons">
    {buttons}
  </div>
</div>"""


def _site_header(c: dict, base: str, site_name: str) -> str:
    items = "\n      ".join(f'<li><a href="{_a(base)}/{slug}/">{_e(name)}</a></li>' for name, slug in c["sections"])
    return f"""<header class="site-header">
  <a class="logo" href="{_a(base)}/">{_e(site_name)}</a>
  <form class="search" action="{_a(base)}/recherche" role="search"><input type="search" name="q" aria-label="{_a(c["search"])}"><button type="submit">{_e(c["search"])}</button></form>
  <a class="subscribe" href="{_a(base)}/abonnement">{_e(c["subscribe"])}</a>
  <a class="login" href="{_a(base)}/connexion">{_e(c["login"])}</a>
  <nav class="menu" aria-label="Sections">
    <ul>
      {items}
    </ul>
  </nav>
</header>"""


def _site_footer(c: dict, base: str, site_name: str, year: str, credit: str = "") -> str:
    links = "\n      ".join(f'<li><a href="{_a(base)}/{slug}">{_e(name)}</a></li>' for name, slug in c["legal"])
    sections = "\n      ".join(f'<li><a href="{_a(base)}/{slug}/">{_e(name)}</a></li>' for name, slug in c["sections"])
    credit_html = f'\n  <p class="credits">{credit}</p>' if credit else ""
    return f"""<footer class="site-footer">
  <nav aria-label="Rubriques du site">
    <ul>
      {sections}
    </ul>
  </nav>
  <ul class="legal">
      {links}
  </ul>{credit_html}
  <p class="copyright">© {_e(year)} {_e(site_name)}. {_e(c["rights"])}</p>
</footer>"""


def _made_up_links(c: dict, base: str, section_slug: str) -> list[tuple[str, str]]:
    return [(t, f"{base}/{section_slug}/article-{9101 + i}.html") for i, t in enumerate(c["related_made_up"])]


def article_page(a: PageArticle, url: str, related: Sequence[tuple[str, str]] = ()) -> str:
    """A saved news web page (HTML5) around the article; ``related`` are (title, url) links."""
    lang = "fr" if a.language == "fr" else "en"
    c = _CHROME[lang]
    base = _base_of(url)
    section_name, section_slug = c["section"]
    related = list(related) or _made_up_links(c, base, section_slug)
    read_also = related[0]
    year = a.date[:4] if a.date else "2024"
    paragraphs = a.paragraphs
    author = a.author or c["newsroom"]

    # ---- head
    metas = [
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(a.title)} | {_e(a.site_name)}</title>",
        f'<link rel="canonical" href="{_a(url)}">',
        '<meta name="robots" content="index, follow, max-image-preview:large">',
        f'<meta property="og:site_name" content="{_a(a.site_name)}">',
        f'<meta property="og:title" content="{_a(a.title)}">',
        '<meta property="og:type" content="article">',
        f'<meta property="og:url" content="{_a(url)}">',
        f'<meta property="og:image" content="{_a(base)}/img/illustration-1200x630.jpg">',
        f'<meta property="og:locale" content="{"fr_FR" if lang == "fr" else "en_GB"}">',
        '<meta name="twitter:card" content="summary_large_image">',
        f'<meta property="article:section" content="{_a(section_name)}">',
    ]
    if a.date:
        metas.append(f'<meta property="article:published_time" content="{_a(_iso_published(a.date))}">')
    if a.author:
        metas.append(f'<meta name="author" content="{_a(a.author)}">')
    ld: dict = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": a.title,
        "inLanguage": lang,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "image": [f"{base}/img/illustration-1200x630.jpg"],
        "articleSection": section_name,
        "publisher": {"@type": "Organization", "name": a.site_name,
                      "logo": {"@type": "ImageObject", "url": f"{base}/img/logo.png"}},
    }
    if a.date:
        ld["datePublished"] = _iso_published(a.date)
        ld["dateModified"] = _iso_published(a.date)
    if a.author:
        ld["author"] = {"@type": "Person", "name": a.author}
    analytics = _ANALYTICS % _script_json({"event": "article_view", "section": section_slug,
                                           "title": a.title, "lang": lang})

    # ---- article body
    body_parts: list[str] = []
    n = len(paragraphs)
    for i, para in enumerate(paragraphs, 1):
        body_parts.append(f"<p>{_e(para)}</p>")
        if i == min(2, n):
            body_parts.append(f'<aside class="read-also">{_e(c["read_also"])} '
                              f'<a href="{_a(read_also[1])}">{_e(read_also[0])}</a></aside>')
        if i == min(4, n):
            body_parts.append(f'<div class="ad" id="ad-inread" data-slot="inread-1">{_e(c["ad"])}</div>')
    body_html = "\n        ".join(body_parts)
    if a.date:
        time_html = (f'{_e(c["published"])} <time datetime="{_a(_iso_published(a.date))}" itemprop="datePublished">'
                     f'{_e(_human_date(a.date, lang))}</time>'
                     + (f' {_e(c["at"])}' if len(a.date) == 10 else ""))
    else:
        time_html = ""
    byline = f'{_e(c["by"])} <span class="author" itemprop="author">{_e(author)}</span>'
    if time_html:
        byline += f' <span class="sep">·</span> {time_html}'

    share_url = quote(url, safe="")
    share_title = quote(a.title, safe="")
    share = f"""<div class="share" aria-label="{_a(c["share"])}">
  <ul>
    <li><a class="share-facebook" href="https://www.facebook.com/sharer/sharer.php?u={share_url}" rel="noopener">Facebook</a></li>
    <li><a class="share-x" href="https://x.com/intent/post?url={share_url}&amp;text={share_title}" rel="noopener">X</a></li>
    <li><a class="share-linkedin" href="https://www.linkedin.com/sharing/share-offsite/?url={share_url}" rel="noopener">LinkedIn</a></li>
    <li><a class="share-email" href="mailto:?subject={share_title}&amp;body={share_url}">Email</a></li>
  </ul>
</div>"""
    breadcrumb = f"""<nav class="breadcrumb" aria-label="Fil d'Ariane">
  <ol>
    <li><a href="{_a(base)}/">{_e(c["home"])}</a></li>
    <li><a href="{_a(base)}/{section_slug}/">{_e(section_name)}</a></li>
  </ol>
</nav>"""
    tags = "\n      ".join(f'<li><a href="{_a(base)}/tag/{slug}/">{_e(t)}</a></li>' for t, slug in c["tag_list"])
    related_items = "\n      ".join(f'<li><a href="{_a(u)}">{_e(t)}</a></li>' for t, u in related)
    comments = "\n      ".join(
        f"""<li class="comment" id="comment-{i}">
        <p class="comment-meta"><span class="comment-author">{_e(who)}</span> · <span class="comment-date">{_e(when)}</span></p>
        <p class="comment-text">{_e(text)}</p>
        <button type="button" class="comment-reply">{_e(c["comment_reply"])}</button>
      </li>"""
        for i, (who, when, text) in enumerate(c["comment_list"], 1))
    credit = ""
    if a.source or a.licence:
        source = a.source or "?"
        src_html = f'<a href="{_a(source)}">{_e(source)}</a>' if source.startswith(("http://", "https://")) else _e(source)
        credit = c["credit"].format(source=src_html, licence=_e(a.licence or "?"))

    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
{chr(10).join(metas)}
<script type="application/ld+json">
{_script_json(ld)}
</script>
<script>{analytics}</script>
<style>{_CSS}</style>
</head>
<body class="page-article">
{_cookie_banner(c, base)}
{_site_header(c, base, a.site_name)}
{breadcrumb}
{share}
<main id="content">
  <article class="article" itemscope itemtype="https://schema.org/NewsArticle">
    <header class="article-header">
      <h1 itemprop="headline">{_e(a.title)}</h1>
      <p class="byline">{byline}</p>
    </header>
    <figure class="article-figure">
      <img src="{_a(base)}/img/illustration-760x428.jpg" alt="{_a(c["img_alt"])}" width="760" height="428" loading="lazy">
      <figcaption>{_e(c["caption"])}</figcaption>
    </figure>
    <div class="article-body" itemprop="articleBody">
        {body_html}
    </div>
  </article>
  <div class="tags">
    <h2>{_e(c["tags"])}</h2>
    <ul>
      {tags}
    </ul>
  </div>
  <section class="related">
    <h2>{_e(c["related"])}</h2>
    <ul>
      {related_items}
    </ul>
  </section>
  <section class="comments" id="comments">
    <h2>{_e(c["comments"])} (2)</h2>
    <ol class="comment-list">
      {comments}
    </ol>
    <form class="comment-form" action="{_a(base)}/commentaires" method="post">
      <label for="comment-body">{_e(c["comment_form"])}</label>
      <textarea id="comment-body" name="body" rows="4"></textarea>
      <button type="submit">{_e(c["comment_send"])}</button>
    </form>
  </section>
  <section class="newsletter">
    <h2>{_e(c["newsletter"])}</h2>
    <p>{_e(c["newsletter_text"])}</p>
    <form action="{_a(base)}/newsletter" method="post">
      <label for="nl-email">{_e(c["newsletter_label"])}</label>
      <input type="email" id="nl-email" name="email" required>
      <button type="submit">{_e(c["newsletter_button"])}</button>
    </form>
    <p class="newsletter-legal">{_e(c["newsletter_legal"])}</p>
  </section>
</main>
{_site_footer(c, base, a.site_name, year, credit)}
<script src="{_a(base)}/static/js/main.4f2a9c.js" defer></script>
</body>
</html>
"""


def index_page(site_name: str, links: Sequence[tuple[str, str]], language: str = "fr") -> str:
    """A section front page: nav, a list of (title, url) headlines with one-line teasers, footer. No article."""
    lang = "fr" if language == "fr" else "en"
    c = _CHROME[lang]
    base = _site_base(site_name)
    if links and urlsplit(links[0][1]).netloc:
        base = _base_of(links[0][1])
    section_name, section_slug = c["section"]
    items = "\n    ".join(
        f"""<li class="teaser">
      <h2><a href="{_a(u)}">{_e(t)}</a></h2>
      <p class="teaser-text">{_e(c["teasers"][i % len(c["teasers"])])}</p>
      <span class="teaser-meta">{_e(c["ago"].format(n=i + 1))}</span>
    </li>"""
        for i, (t, u) in enumerate(links))
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(section_name)} | {_e(site_name)}</title>
<link rel="canonical" href="{_a(base)}/{section_slug}/">
<meta property="og:site_name" content="{_a(site_name)}">
<meta property="og:type" content="website">
<script>{_ANALYTICS % _script_json({"event": "section_view", "section": section_slug})}</script>
<style>{_CSS}</style>
</head>
<body class="page-section">
{_cookie_banner(c, base)}
{_site_header(c, base, site_name)}
<main id="content">
  <h1 class="section-title">{_e(c["front"])} — {_e(section_name)}</h1>
  <ul class="teasers">
    {items}
  </ul>
  <div class="ad" data-slot="banner-1">{_e(c["ad"])}</div>
  <p class="pagination"><a href="{_a(base)}/{section_slug}/?page=2">{_e(c["more"])}</a></p>
</main>
{_site_footer(c, base, site_name, "2024")}
</body>
</html>
"""


def script_only_page() -> str:
    """A client-rendered page: the body is an empty ``<div id="app">`` and scripts, no text."""
    return """<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Le Quotidien du Test</title>
<link rel="modulepreload" href="/static/js/vendor.8c1e2f.js">
</head>
<body>
<div id="app"></div>
<script>window.__APP_CONFIG__ = {"apiBase": "/api/v2", "locale": "fr-FR", "features": ["paywall", "comments"]};</script>
<script type="module" src="/static/js/app.3b7d0a.js"></script>
<script>
  if (!('noModule' in HTMLScriptElement.prototype)) {
    var s = document.createElement('script'); s.src = '/static/js/legacy.js'; document.body.appendChild(s);
  }
</script>
</body>
</html>
"""


def empty_page() -> str:
    """A valid HTML document with an empty title and an empty body."""
    return '<!DOCTYPE html>\n<html lang="fr">\n<head>\n<meta charset="utf-8">\n<title></title>\n</head>\n<body>\n</body>\n</html>\n'


# --------------------------------------------------------------------------- feeds

_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_IRI = re.compile(r"\A[A-Za-z][A-Za-z0-9+.-]*:\S")
_EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)  # <updated> of a feed with no dated item


def _x(text: str) -> str:
    """XML-escaped text (``&``, ``<``, ``>``), characters XML 1.0 cannot hold removed."""
    return xml_escape(_XML_BAD.sub("", text))


def _xa(text: str) -> str:
    """A quoted, escaped XML attribute value."""
    return quoteattr(_XML_BAD.sub("", text))


def feed_datetime(date: str) -> dt.datetime:
    """The UTC timestamp of a feed date: a day at 08:00, a month on its 1st at 08:00."""
    if re.fullmatch(r"\d{4}-\d{2}", date):
        date += "-01"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        return dt.datetime.fromisoformat(date).replace(hour=8, tzinfo=dt.UTC)
    value = dt.datetime.fromisoformat(date)  # Python 3.11 reads a final Z
    return (value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value).astimezone(dt.UTC)


def _rfc3339(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def rss_feed(title: str, site_url: str, items: Sequence[FeedItem]) -> str:
    """RSS 2.0: channel title/link/description, items with title, link, guid (not a permalink), pubDate, description."""
    dates = [feed_datetime(i.date) for i in items if i.date]
    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<rss version="2.0">', "<channel>",
           f"  <title>{_x(title)}</title>", f"  <link>{_x(site_url)}</link>",
           f"  <description>{_x(title)}</description>", "  <generator>briefgen tests</generator>"]
    if dates:
        out.append(f"  <lastBuildDate>{format_datetime(max(dates), usegmt=True)}</lastBuildDate>")
    for item in items:
        out += ["  <item>", f"    <title>{_x(item.title)}</title>", f"    <link>{_x(item.url)}</link>",
                f'    <guid isPermaLink="false">{_x(item.guid)}</guid>']
        if item.date:
            out.append(f"    <pubDate>{format_datetime(feed_datetime(item.date), usegmt=True)}</pubDate>")
        # an RSS description is (entity-encoded) HTML: the plain-text summary is HTML-escaped first
        out += [f"    <description>{_x(html.escape(item.summary, quote=False))}</description>", "  </item>"]
    out += ["</channel>", "</rss>", ""]
    return "\n".join(out)


def atom_feed(title: str, site_url: str, feed_url: str, items: Sequence[FeedItem]) -> str:
    """Atom (RFC 4287). The feed's id is ``feed_url``; an entry's id is its guid when that is an IRI
    (``scheme:...``), else ``urn:x-guid:GUID``. An entry with no date is ``updated`` as the feed is and
    has no ``published``."""
    dates = [feed_datetime(i.date) for i in items if i.date]
    updated = _rfc3339(max(dates) if dates else _EPOCH)
    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<feed xmlns="http://www.w3.org/2005/Atom">',
           f"  <id>{_x(feed_url)}</id>", f'  <title type="text">{_x(title)}</title>',
           f"  <updated>{updated}</updated>", f"  <author><name>{_x(title)}</name></author>",
           f'  <link rel="self" type="application/atom+xml" href={_xa(feed_url)}/>',
           f'  <link rel="alternate" type="text/html" href={_xa(site_url)}/>',
           "  <generator>briefgen tests</generator>"]
    for item in items:
        entry_id = item.guid if _IRI.match(item.guid) else f"urn:x-guid:{item.guid}"
        stamp = _rfc3339(feed_datetime(item.date)) if item.date else updated
        out += ["  <entry>", f"    <id>{_x(entry_id)}</id>", f'    <title type="text">{_x(item.title)}</title>',
                f"    <updated>{stamp}</updated>"]
        if item.date:
            out.append(f"    <published>{stamp}</published>")
        out += [f'    <link rel="alternate" type="text/html" href={_xa(item.url)}/>',
                f'    <summary type="text">{_x(item.summary)}</summary>', "  </entry>"]
    out += ["</feed>", ""]
    return "\n".join(out)
