"""Ingest: read an article file into an :class:`Article` (plain text body + metadata).

Two formats:

* plain text (``.txt``): an optional leading ``date YYYY-MM[-DD]`` header, then the
  body, paragraphs separated by blank lines;
* Markdown (``.md``) with an optional YAML front matter block (``title``, ``date``,
  ``source``, ``language``, ``licence``/``license``, ``url``); the body is turned into
  plain text paragraphs.

Boilerplate lines (``>> LIRE AUSSI ...``) are removed by the configured patterns.
Evidence offsets in the facts index :attr:`Article.body`.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from ..errors import BriefgenError
from ..text import decode, load_yaml, yaml_loader

ARTICLE_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")
_DATE_HEADER = re.compile(r"\A\s*date\s+(\d{4}-\d{2}(?:-\d{2})?)\b[ \t]*\n?")
# a first line that means to be a date header and is not one: "Date: 3 mars", "date 2024/03/01"
_LIKE_DATE_HEADER = re.compile(r"\A\s*date\s*(?::\s*|\s+)([^\n]{0,40})(?:\n|\Z)", re.IGNORECASE)
FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*\n", re.S)
_ID_CHARS = re.compile(r"[^A-Za-z0-9_.-]+")
_KNOWN_META = {"title", "date", "source", "language", "lang", "licence", "license", "url"}  # others stay in meta


@dataclass
class Article:
    """One news article, ready for extraction."""

    id: str
    path: Path
    body: str
    title: str | None = None
    date: str | None = None  # YYYY-MM-DD or YYYY-MM
    language: str | None = None  # from front matter; detected later otherwise
    source: str | None = None
    licence: str | None = None
    url: str | None = None
    meta: dict = field(default_factory=dict)

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.body.split("\n\n") if p.strip()]


ID_MAX = 80  # characters of an id (file names in out/ add a hash and a suffix to it)


def article_id(path: Path) -> str:
    """The article id: the file name without its suffix, made URL- and file-safe; a longer
    name than ``ID_MAX``, or one with nothing safe in it (``###.txt``), keeps a short hash of
    the whole name."""
    safe = _ID_CHARS.sub("-", path.stem).strip("-.")  # never ".", "..", nor hidden
    if safe and len(safe) <= ID_MAX:
        return safe
    digest = hashlib.sha1(path.stem.encode("utf-8", "surrogateescape")).hexdigest()[:8]
    return f"{safe[:ID_MAX - 9].rstrip('-.') or 'article'}-{digest}"


def _check_unique_id(path: Path) -> None:
    """Two article files of a folder with the same id (``a.txt`` and ``a.md``, ``a b.txt``
    and ``a-b.txt``) would overwrite each other's brief: both are refused."""
    article = article_id(path)
    others = [name for name in _ids_of(path.parent.resolve(), _mtime(path.parent)).get(article, ())
              if name != path.name]
    if others:
        raise BriefgenError(f"{others[0]} has the same id {article!r} (an article's id is its file name without "
                            "the suffix, other characters than letters, digits, '.', '_' and '-' made '-'), so "
                            "neither is built; rename one", path)


def _mtime(folder: Path) -> int:
    try:
        return folder.stat().st_mtime_ns
    except OSError:
        return 0


@functools.lru_cache(maxsize=8)
def _ids_of(folder: Path, mtime_ns: int) -> dict[str, tuple[str, ...]]:
    """The ids of a folder's article files (recomputed when the folder changes)."""
    ids: dict[str, tuple[str, ...]] = {}
    try:
        for path in find_articles(folder):
            key = article_id(path)
            ids[key] = (*ids.get(key, ()), path.name)
    except OSError:
        return {}
    return ids


def find_articles(folder: Path) -> list[Path]:
    """Article files of a folder, sorted by name (overrides and hidden files left out)."""
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES and not p.name.startswith(".")
    )


def read_article(path: str | Path, boilerplate: Iterable[str] = (), max_kb: int | None = None) -> Article:
    """Read one article; raise :class:`BriefgenError` naming the file on bad input (and on a
    file larger than ``max_kb``, which is not read)."""
    path = Path(path)
    try:
        size = path.stat().st_size if max_kb is not None else 0
        if max_kb is not None and size > max_kb * 1024:
            raise BriefgenError(f"article file is {size / 1024:,.0f} KB, more than limits.article_kb "
                                f"({max_kb:,} KB); split it, or raise the limit in the configuration", path)
        raw = path.read_bytes()
    except FileNotFoundError:
        raise BriefgenError("no such article file", path) from None
    except IsADirectoryError:
        raise BriefgenError("is a folder, not an article file", path) from None
    except PermissionError:
        raise BriefgenError("cannot read article file (permission denied)", path) from None
    _check_unique_id(path)
    if path.suffix.lower() in (".html", ".htm"):
        return page_article(raw, path, boilerplate)
    text = decode(raw, path)
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    if not text.strip():
        raise BriefgenError("empty article", path)

    meta: dict = {}
    if path.suffix.lower() in (".md", ".markdown"):
        meta, text = _split_front_matter(text, path)
        _check_types(meta, path)
        body = markdown_to_text(text)
    else:
        body = text
        match = _DATE_HEADER.match(body)
        if match:
            meta["date"] = match.group(1)
            body = body[match.end() :]
        elif (bad := _LIKE_DATE_HEADER.match(body)) and (":" in bad.group(0) or re.search(r"\d", bad.group(1))):
            line = body[: bad.start(1)].count("\n") + 1
            raise BriefgenError(f"date header {bad.group(1).strip()!r} is not YYYY-MM-DD or YYYY-MM (as in "
                                "'date 2024-03-01')", path, line)
    body = clean_body(body, boilerplate)
    if not body.strip():
        raise BriefgenError("article has no text once headers and boilerplate are removed", path)

    date = meta.get("date")
    if isinstance(date, (dt.date, dt.datetime)):
        date = date.strftime("%Y-%m-%d")
    elif date is not None:
        date = str(date)
        if not re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", date):
            raise BriefgenError(f"date {date!r} is not YYYY-MM-DD or YYYY-MM", path, _meta_line(path, "date"))
        try:  # a real day of the calendar (2012-02-30 is not one)
            dt.date.fromisoformat(date if len(date) == 10 else date + "-01")
        except ValueError as exc:
            raise BriefgenError(f"date {date!r} is not a day of the calendar ({exc})", path, _meta_line(path, "date")) from None
    if "marking" in meta:
        meta["marking"] = checked_marking(meta["marking"], path, _meta_line(path, "marking"))
    language = meta.get("language") or meta.get("lang")
    return Article(
        id=article_id(path),
        path=path,
        body=body,
        title=_str_or_none(meta.get("title")),
        date=date,
        language=_str_or_none(language),
        source=_str_or_none(meta.get("source")),
        licence=_str_or_none(meta.get("licence") or meta.get("license")),
        url=_url_of(meta.get("url")) or _url_of(meta.get("source")),  # web links only: no javascript:/data:
        meta={k: v for k, v in meta.items() if k not in _KNOWN_META},
    )


def page_article(raw: bytes, path: Path, boilerplate: Iterable[str] = (), url: str | None = None,
                 source: str | None = None, language: str | None = None) -> Article:
    """The Article of a web page (see :mod:`briefgen.ingest.webpage`): its main text as the body,
    its own metadata as title, date, source (``source``, else the site's name, else its
    address), URL and language (``language`` first)."""
    from .webpage import read_page

    where = url or path  # what an error names: the address of a downloaded page
    page = read_page(raw, where, url)
    body = clean_body(page.body, boilerplate)
    if not body.strip():
        raise BriefgenError("article has no text once boilerplate is removed", where)
    address = page.url  # the canonical address, else the one it was downloaded from
    return Article(
        id=article_id(path),
        path=path,
        body=body,
        title=page.title,
        date=page.date,
        language=language or page.language,
        source=source or page.site_name or address,
        url=address,
        meta={"author": page.author} if page.author else {},
    )


def clean_body(body: str, boilerplate: Iterable[str] = ()) -> str:
    """Drop boilerplate lines, trim line ends, keep one blank line between paragraphs."""
    patterns = [re.compile(p) for p in boilerplate]
    lines = []
    for line in body.split("\n"):
        if any(p.search(line) for p in patterns):
            continue
        lines.append(line.strip())
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text)
    text = _LONG_RUN.sub(_break_run, text)
    return text.strip() + "\n"


# spaCy's tokenizer takes time quadratic in the length of a run without spaces when it is made
# of prefix or suffix characters ("[[[[…": 16,000 took 33 s): such runs are broken every
# RUN_MAX characters (no word or address of real text is that long)
RUN_MAX = 300
_LONG_RUN = re.compile(r"\S{%d,}" % (RUN_MAX + 1))


def _break_run(match: re.Match) -> str:
    run = match.group(0)
    return " ".join(run[i:i + RUN_MAX] for i in range(0, len(run), RUN_MAX))


def markdown_to_text(text: str) -> str:
    """Plain-text paragraphs from Markdown (no HTML kept), one blank line between blocks."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False})
    blocks: list[str] = []
    for token in md.parse(text):
        if token.type != "inline":
            continue
        parts = []
        for child in token.children or []:
            if child.type in ("text", "code_inline", "html_inline"):
                parts.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                parts.append(" " if child.type == "softbreak" else "\n")
            elif child.type == "image":
                parts.append(child.content)
        block = "".join(parts).strip()
        if block:
            blocks.append(block)
    return "\n\n".join(blocks) + "\n"


def _split_front_matter(text: str, path: Path) -> tuple[dict, str]:
    match = FRONT_MATTER.match(text)
    if not match:
        return {}, text
    import yaml

    try:
        meta = load_yaml(match.group(1) or "") or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark else None  # +1 for 1-based, +1 for the opening ---
        raise BriefgenError(f"invalid YAML front matter: {getattr(exc, 'problem', exc)}", path, line) from None
    except ValueError:  # a timestamp YAML cannot make (2012-02-30): read it as text, checked later with its line
        try:
            meta = yaml.load(match.group(1), Loader=_timestamps_as_text_loader()) or {}
        except (yaml.YAMLError, ValueError, TypeError, AttributeError) as exc:
            raise BriefgenError(f"front matter has a value YAML cannot read ({exc})", path, 2) from None
    except (TypeError, AttributeError) as exc:  # a tag YAML cannot apply: "!!timestamp soon"
        raise BriefgenError(f"front matter has a value YAML cannot read ({exc})", path, 2) from None
    if not isinstance(meta, dict):
        raise BriefgenError("front matter must be a YAML mapping", path, 2)
    return meta, text[match.end() :]


def _timestamps_as_text_loader():
    loader = type("TimestampsAsText", (yaml_loader(),), {})
    loader.add_constructor("tag:yaml.org,2002:timestamp", lambda self, node: self.construct_scalar(node))
    return loader


def checked_marking(value, path: Path, line: int | None) -> str:
    """A TLP marking as written in front matter ("tlp:amber" is TLP:AMBER), else an error:
    a marking that is not understood must never leave the brief at a lower one (fail closed)."""
    from difflib import get_close_matches

    from ..config import TLP_LEVELS

    if isinstance(value, str) and value.strip().upper() in TLP_LEVELS:
        return value.strip().upper()
    guess = get_close_matches(str(value).strip().upper().replace("-", ":", 1), TLP_LEVELS, n=1, cutoff=0.5)
    hint = f" (did you mean {guess[0]}?)" if guess else ""
    raise BriefgenError(f"marking {value!r} is not a TLP marking{hint}: use one of {', '.join(TLP_LEVELS)}; "
                        "the article is not published until it is", path, line)


_TEXT_KEYS = ("title", "source", "language", "lang", "licence", "license", "url")  # marking: checked_marking


def _check_types(meta: dict, path: Path) -> None:
    """Front matter keys briefgen reads must hold text (a title may be a number: ``1984``);
    every wrong one is reported at once, each with its line."""
    problems = []
    for key in _TEXT_KEYS:
        value = meta.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, (str, int, float))):
            problems.append((_meta_line(path, key), f"{key}: must be text, not {_kind(value)}"))
    date = meta.get("date")
    if date is not None and (isinstance(date, bool) or not isinstance(date, (str, int, dt.date))):
        problems.append((_meta_line(path, "date"), f"date: must be YYYY-MM-DD or YYYY-MM, not {_kind(date)}"))
    if problems:
        first = problems[0][0]
        more = "; ".join(f"line {line}: {text}" if line else text for line, text in problems[1:])
        raise BriefgenError(problems[0][1] + (f"; also {more}" if more else ""), path, first)


def _kind(value) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"a {type(value).__name__}"


def _meta_line(path: Path, key: str) -> int | None:
    try:
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.startswith(f"{key}:") or line.lstrip().startswith("date "):
                return i
    except (OSError, UnicodeDecodeError):
        pass
    return None


def _str_or_none(value) -> str | None:
    return str(value).strip() if value not in (None, "") else None


def _url_of(value) -> str | None:
    return value if isinstance(value, str) and value.startswith(("http://", "https://")) else None
