"""Ingest a saved or downloaded web page: the article's text and metadata, by trafilatura.

In: the bytes of an HTML page (a ``.html`` / ``.htm`` file in ``seeds/``, or a page that
``briefgen fetch`` or ``briefgen brief URL`` downloaded). Out: :class:`Page` (the body, one
paragraph per block, blank lines between them; title, date, author, site name, canonical URL,
language), from which :func:`briefgen.ingest.files.read_article` makes the Article.

trafilatura (made for news pages) finds the main text and leaves out navigation, ads,
comments, "read also" boxes and captions; its metadata reader takes the page's own
``<meta property="article:published_time">``, JSON-LD ``datePublished``, ``og:site_name``,
canonical link and ``<html lang>``. A page with no article in it (an index of headlines,
an empty or script-only page) is refused with a message, never turned into an empty brief.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import BriefgenError

PAGE_SUFFIXES = (".html", ".htm")
MIN_CHARACTERS = 280  # less main text than this, or fewer than MIN_SENTENCES: not an article
MIN_SENTENCES = 2


@dataclass
class Page:
    body: str
    title: str | None = None
    date: str | None = None  # YYYY-MM-DD
    author: str | None = None
    site_name: str | None = None
    url: str | None = None  # the canonical address, if the page gives one
    language: str | None = None  # two letters


def read_page(html: str | bytes, where, url: str | None = None) -> Page:
    """The article of a web page; :class:`BriefgenError` naming ``where`` if there is none."""
    import logging

    import trafilatura

    logging.getLogger("trafilatura").setLevel(logging.ERROR)  # its own warnings, said our way below
    if isinstance(html, bytes):
        html = _decode(html, where)
    if not html.strip():
        raise BriefgenError("not an article: the page is empty", where)
    document = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, include_tables=False,
        include_images=False, include_links=False, include_formatting=False, favor_precision=True,
        deduplicate=False,
    )
    text = (getattr(document, "text", None) or "").strip() if document is not None else ""
    body = _paragraphs(text)
    sentences = len(re.findall(r"[.!?…»”\"](?:\s|$)", body))
    if len(body) < MIN_CHARACTERS or sentences < MIN_SENTENCES:
        found = f"{len(body)} characters of main text" if body else "no main text"
        raise BriefgenError(f"not an article: {found} (an index, empty or script-only page?)", where)
    return Page(
        body=body + "\n",
        title=_clean(getattr(document, "title", None)),
        date=_declared_date(html) or _date(getattr(document, "date", None)),
        author=_clean(getattr(document, "author", None)),
        site_name=_clean(getattr(document, "sitename", None)),
        url=_web_address(getattr(document, "url", None)) or _web_address(url),
        language=_language(getattr(document, "language", None)) or _html_lang(html),
    )


def _decode(raw: bytes, where) -> str:
    """The page's text: its declared charset (BOM, ``<meta charset>``), else UTF-8, else
    charset-normalizer's best guess."""
    head = raw[:4096].decode("ascii", "replace")
    declared = re.search(r"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", head, re.I)
    for encoding in ([declared.group(1)] if declared else []) + ["utf-8"]:
        try:
            return raw.decode(encoding).lstrip("\ufeff")
        except (LookupError, UnicodeDecodeError):
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    if best is None:
        raise BriefgenError("cannot decode the page (not text in a known encoding)", where)
    return str(best)


def _paragraphs(text: str) -> str:
    """trafilatura's lines (one per block) as paragraphs separated by a blank line."""
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.splitlines()]
    return "\n\n".join(line for line in lines if line)


def _clean(value) -> str | None:
    value = re.sub(r"\s+", " ", str(value)).strip() if value else ""
    return value or None


_DECLARED = (
    re.compile(r"""<meta[^>]+(?:property|name|itemprop)=["'](?:article:published_time|datePublished|date|dc\.date|DC\.date\.issued)["'][^>]*\bcontent=["']([^"']+)""", re.I),
    re.compile(r"""<meta[^>]+\bcontent=["']([^"']+)["'][^>]+(?:property|name|itemprop)=["'](?:article:published_time|datePublished)["']""", re.I),
    re.compile(r'"datePublished"\s*:\s*"([^"]+)"'),
)


def _declared_date(html: str) -> str | None:
    """The publication date the page itself declares (``article:published_time``, JSON-LD
    ``datePublished``...), at its own precision: a page that says ``2023-09`` gets no day
    made up for it (trafilatura's date finder, used otherwise, guesses one)."""
    for pattern in _DECLARED:
        match = pattern.search(html)
        if match:
            found = re.match(r"(\d{4}-\d{2}(?:-\d{2})?)(?![\d-])", match.group(1).strip())
            if found:
                return found.group(1)
    return None


def _date(value) -> str | None:
    match = re.match(r"(\d{4}-\d{2}-\d{2})", str(value or ""))
    return match.group(1) if match else None


def _web_address(value) -> str | None:
    value = str(value or "").strip()
    return value if re.match(r"https?://[^/\s]+", value) else None


def _language(value) -> str | None:
    match = re.match(r"([a-zA-Z]{2})(?:[-_]|$)", str(value or "").strip())
    return match.group(1).lower() if match else None


def _html_lang(html: str) -> str | None:
    match = re.search(r"""<html[^>]*\blang\s*=\s*["']?([a-zA-Z]{2})""", html[:4096], re.I)
    return match.group(1).lower() if match else None
