"""Full-text search for the static site, with no server: a Pagefind bundle.

``index_site`` runs the Pagefind binary shipped by the PyPI package ``pagefind[bin]``
over a built site and writes the search bundle to ``SITE/pagefind/``. Only pages that
carry ``data-pagefind-body`` (the main element of brief and actor pages) are indexed,
and only the text inside that element.

``search_ui_html`` returns the fragment of the search page. Pagefind stores result URLs
relative to the indexed site's root ("/briefs/x.html"); the fragment turns the page's
relative ``root`` into an absolute path *in the browser*, so the results link to the
right place whether the site is served from ``/`` or from ``/some/sub/path/``.

Why the binary rather than ``pagefind.index.PagefindIndex``: the Python service client
polls its pipe every 0.1 s, one response per poll, so adding pages one by one costs about
0.1 s a page; the CLI indexes a whole site in milliseconds and reports the word count.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from ..atomic import temp_dir, temp_name
from ..errors import BriefgenError

BUNDLE_DIR = "pagefind"
BODY_ATTRIBUTE = "data-pagefind-body"
PACKAGE_HINT = "pip install 'pagefind[bin]'"
TIMEOUT_SECONDS = 600


@dataclass(frozen=True)
class SearchReport:
    """What ``index_site`` did."""

    pages: int
    """Pages in the index (pages carrying ``data-pagefind-body``)."""
    words: int
    """Distinct words in the index, as Pagefind counts them."""
    seconds: float
    """Wall-clock time of the indexing, binary start included."""
    languages: tuple[str, ...] = ()
    """One index per language (``<html lang>``), unless ``language`` forced one."""
    bundle: Path | None = None
    """``SITE/pagefind``; None when no page carried ``data-pagefind-body``."""


# --------------------------------------------------------------------------- binary


def find_binary() -> Path | None:
    """The Pagefind executable, found the way the ``pagefind`` package finds it
    (``PAGEFIND_BINARY_PATH``, then ``pagefind_bin``, then ``pagefind`` on PATH)."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        found = shutil.which("pagefind_extended") or shutil.which("pagefind")
        return Path(found) if found else None
    try:
        binary = get_executable()
    except (OSError, ValueError):  # pagefind_bin raises when its file is not there
        return None
    if binary is None or not Path(binary).is_file():
        return None
    return Path(binary)


def _require_binary() -> Path:
    binary = find_binary()
    if binary is None:
        raise BriefgenError(
            "search: the Pagefind binary was not found; install the PyPI package "
            f"pagefind[bin] ({PACKAGE_HINT}) or set PAGEFIND_BINARY_PATH"
        )
    return binary


# --------------------------------------------------------------------------- pages


class _BodyFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self.found and any(name == BODY_ATTRIBUTE for name, _ in attrs):
            self.found = True

    handle_startendtag = handle_starttag


def _has_body(page: Path) -> bool:
    text = page.read_text(encoding="utf-8", errors="replace")
    if BODY_ATTRIBUTE not in text:
        return False
    finder = _BodyFinder()
    finder.feed(text)
    finder.close()
    return finder.found


def searchable_pages(site_dir: Path) -> list[Path]:
    """HTML pages under ``site_dir`` (bundle excluded) with a ``data-pagefind-body`` element."""
    bundle = site_dir / BUNDLE_DIR
    pages = []
    for page in sorted(site_dir.rglob("*.html")):
        if page.is_file() and bundle not in page.parents and _has_body(page):
            pages.append(page)
    return pages


# --------------------------------------------------------------------------- indexing


def _clean_env() -> dict[str, str]:
    # Pagefind reads PAGEFIND_* variables as options: none of the caller's may leak in
    return {k: v for k, v in os.environ.items() if not k.upper().startswith("PAGEFIND_")}


def _replace_dir(new: Path, target: Path) -> None:
    """Put ``new`` at ``target``; an older bundle is removed whole, so no stale index
    or fragment file from a previous build survives."""
    old = None
    if target.exists() or target.is_symlink():
        old = temp_name(target.parent, target.name)  # swept if this run is killed
        if old.exists():
            shutil.rmtree(old)
        os.replace(target, old)
    os.replace(new, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _stamp(tree: Path) -> None:
    """With SOURCE_DATE_EPOCH set, give the bundle's files that time, so that an archive
    of the site is byte-identical from build to build (the contents already are)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch.isdigit():
        return
    stamp = int(epoch)
    for path in sorted(tree.rglob("*"), reverse=True):
        os.utime(path, (stamp, stamp), follow_symlinks=False)
    os.utime(tree, (stamp, stamp))


def index_site(site_dir: Path, *, language: str | None = None) -> SearchReport:
    """Index the pages of ``site_dir`` that carry ``data-pagefind-body``; write the
    Pagefind bundle (``pagefind.js``, ``pagefind-ui.js``/``.css``, index, fragments) to
    ``site_dir / "pagefind"``, replacing any earlier bundle. No network.

    ``language`` (ISO 639-1, e.g. "fr") puts every page in one index of that language, so
    one search page finds briefs written in any language; without it Pagefind makes one
    index per ``<html lang>`` and a search page only searches its own language's index.

    The bundle is the same bytes for the same pages (checked with Pagefind 1.5). With no
    page to index, any old bundle is removed and the report says 0 pages, bundle None.
    Raises BriefgenError if the Pagefind binary is missing or fails.
    """
    site_dir = Path(site_dir)
    if not site_dir.is_dir():
        raise BriefgenError("search: no site to index (not a folder)", site_dir)
    if language is not None and not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", language):
        raise BriefgenError(f"search: {language!r} is not a language code such as 'fr' or 'en'")
    binary = _require_binary()
    started = time.perf_counter()
    target = site_dir / BUNDLE_DIR

    if not searchable_pages(site_dir):
        # Pagefind would fall back to indexing every <body>: the home page, the search
        # page... not wanted. Nothing to search: no bundle.
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        return SearchReport(0, 0, time.perf_counter() - started, (), None)

    site_abs = site_dir.resolve()
    work = temp_dir(site_abs.parent, "pagefind")  # swept by the next run if this one is killed
    try:
        out = work / BUNDLE_DIR
        cmd = [
            os.fspath(binary),
            "--site", os.fspath(site_abs),
            "--output-path", os.fspath(out),
            # keep ".../index.html" in result URLs: they then work on any static host,
            # directory indexes or not, like the site's own relative links
            "--keep-index-url",
        ]
        if language:
            cmd += ["--force-language", language.lower()]
        try:
            # run from an empty folder: Pagefind reads pagefind.{yml,toml,json} in its cwd
            proc = subprocess.run(
                cmd, cwd=work, env=_clean_env(), capture_output=True, text=True,
                encoding="utf-8", errors="replace", timeout=TIMEOUT_SECONDS, check=False,
            )
        except OSError as exc:
            raise BriefgenError(
                f"search: could not run the Pagefind binary {binary}: {exc}; "
                f"reinstall it with {PACKAGE_HINT}"
            ) from exc
        except subprocess.TimeoutExpired as exc:
            raise BriefgenError(f"search: Pagefind took more than {TIMEOUT_SECONDS} s") from exc
        log = proc.stdout + proc.stderr
        entry_file = out / "pagefind-entry.json"
        if proc.returncode != 0 or not entry_file.is_file():
            detail = " ".join(line.strip() for line in log.splitlines() if "rror" in line)
            raise BriefgenError(
                f"search: Pagefind failed (exit {proc.returncode})"
                + (f": {detail}" if detail else ""),
                site_dir,
            )
        try:
            entry = json.loads(entry_file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:  # e.g. written empty on a full disk
            raise BriefgenError(f"search: Pagefind's index {entry_file.name} cannot be read ({exc}); is the disk "
                                "full?", site_dir) from None
        langs = entry.get("languages", {})
        pages = sum(int(v.get("page_count", 0)) for v in langs.values())
        words_seen = re.findall(r"Indexed (\d+) words?\b", log)
        words = int(words_seen[-1]) if words_seen else 0  # the last one is the total
        empty = [f.name for f in out.rglob("*") if f.is_file() and f.stat().st_size == 0]
        if empty:  # Pagefind says nothing of a write that failed (a full disk): never publish it
            raise BriefgenError(f"search: Pagefind wrote {len(empty)} empty file(s) ({', '.join(sorted(empty)[:3])}); "
                                "is the disk full? The previous search index was kept", site_dir)
        _stamp(out)
        _replace_dir(out, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return SearchReport(pages, words, time.perf_counter() - started, tuple(sorted(langs)), target)


# --------------------------------------------------------------------------- search page

# Strings that replace Pagefind UI's own (which it picks by the page's <html lang>; it
# ships French, English and some 40 other languages). Keys: Pagefind UI translation keys.
UI_STRINGS: dict[str, dict[str, str]] = {
    "fr": {
        "placeholder": "Rechercher dans les notes et les acteurs",
        "search_label": "Rechercher dans les notes et les acteurs",
    },
    "en": {
        "placeholder": "Search briefs and actors",
        "search_label": "Search briefs and actors",
    },
}
NOSCRIPT = {
    "fr": "La recherche nécessite JavaScript.",
    "en": "Search needs JavaScript.",
}


def _js(value: object) -> str:
    """A JSON literal safe inside an inline <script>."""
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def search_ui_html(root: str, lang: str) -> str:
    """The HTML fragment of a search page: Pagefind UI's stylesheet and script loaded
    through ``root`` (the page's relative way to the site root: "", "./", "../"...),
    and the UI started on ``#search``.

    Links in results: Pagefind stores "/briefs/x.html" (relative to the indexed root) and
    prefixes ``baseUrl``. A relative ``baseUrl`` is not allowed (Pagefind turns "../"
    into "/../"), so the script resolves ``root`` against the page's own URL at run time
    and passes that absolute path as both ``baseUrl`` and ``bundlePath``: links are right
    from ``/`` and from ``/sub/path/`` alike, without knowing the host at build time.

    A ``?q=words`` in the page's URL runs that search on load (for a search box
    elsewhere on the site: a GET form to the search page with an input named "q").

    The page's ``<html lang>`` should be ``lang``: Pagefind UI takes its built-in strings
    (French included) and, without a forced index language, the index from it.
    """
    if root in ("", "."):
        root = "./"
    if not root.endswith("/"):
        root += "/"
    if re.match(r"^([a-z][a-z0-9+.-]*:|/)", root, re.IGNORECASE) or any(c in root for c in "\"'<>\\ \n"):
        raise ValueError(f"root must be a relative path such as '../', not {root!r}")
    primary = (lang or "en").split("-")[0].lower()
    options = {"element": "#search", "showSubResults": True}
    translations = UI_STRINGS.get(primary)
    if translations:
        options["translations"] = translations
    noscript = NOSCRIPT.get(primary, NOSCRIPT["en"])
    attr_root = html.escape(root, quote=True)
    return (
        f'<link rel="stylesheet" href="{attr_root}pagefind/pagefind-ui.css">\n'
        f'<div id="search" class="search"></div>\n'
        f"<noscript><p>{html.escape(noscript)}</p></noscript>\n"
        # a classic script, not a module: Pagefind UI is a plain script that defines PagefindUI
        f'<script src="{attr_root}pagefind/pagefind-ui.js"></script>\n'
        "<script>\n"
        'window.addEventListener("DOMContentLoaded", function () {\n'
        f"  var root = new URL({_js(root)}, document.baseURI).pathname;\n"
        f"  var options = {_js(options)};\n"
        '  options.bundlePath = root + "pagefind/";\n'
        "  options.baseUrl = root;\n"
        "  var ui = new PagefindUI(options);\n"
        # Pagefind UI labels its input by a title only (axe: label-title-only): name it
        '  var input = document.querySelector("#search input");\n'
        f"  if (input) input.setAttribute(\"aria-label\", {_js((translations or UI_STRINGS['en'])['search_label'])});\n"
        '  var q = new URLSearchParams(window.location.search).get("q");\n'
        "  if (q) ui.triggerSearch(q);\n"
        "});\n"
        "</script>\n"
    )
