"""The analyst's comment: optional Markdown for the brief, and where it stands in its file.

It comes from the overrides file (``seeds/<id>.facts.yaml``, key ``comment``) or,
failing that, from the article's front matter (key ``comment``, kept by ingest in
:attr:`Article.meta`). An overrides file that gives ``comment: ""`` removes the
front matter's comment.

:func:`render_markdown` turns it into HTML that is safe by construction (the
brief inserts it with ``| safe``): raw HTML is escaped, only ``http(s):`` and
``mailto:`` links become links, and an image becomes its alt text (an image
would fetch a resource).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import BriefgenError
from ..ingest import FRONT_MATTER, Article, decode
from ..text import yaml_loader

LINK_SCHEMES = ("http://", "https://", "mailto:")


@dataclass
class Comment:
    """The comment's Markdown and, for messages, where its text starts in ``source``.

    ``layout`` is the comment as it stands in ``source`` from ``first_line`` on, with
    everything around it (YAML key, quotes, block indicator) turned to spaces: a
    line/column in ``layout`` counted from ``first_line`` is the line/column in the
    file, also for a folded (``>``) or quoted YAML scalar whose value joins lines.
    """

    markdown: str
    source: Path
    first_line: int
    layout: str = ""

    def __post_init__(self) -> None:
        self.layout = self.layout or self.markdown


def analyst_comment(article: Article, overrides=None) -> Comment | None:
    """The overrides file's ``comment`` first, else the front matter's; None when there is none.

    ``overrides`` is a loaded :class:`briefgen.overrides.Overrides` or None. Raises
    :class:`BriefgenError` (file and line) for a front matter ``comment`` that is not text.
    """
    if overrides is not None and overrides.comment is not None:
        if not overrides.comment.strip():
            return None
        path = overrides.path or article.path
        node = _value_node(overrides.node, "comment")
        try:
            text = decode(path.read_bytes(), path)  # as read_yaml composed it: marks index this text
        except (OSError, BriefgenError):
            text = None
        if node is None or text is None:
            return Comment(overrides.comment, path, 1)
        return _located(overrides.comment, node, text, 0, 0, path)
    if article.meta.get("comment") is None:
        return None
    text = _read(article.path)
    match = FRONT_MATTER.match(text)
    node = _value_node(yaml.compose(match.group(1) or "", Loader=yaml_loader()), "comment") if match else None
    value = article.meta["comment"]
    if node is None:  # not found again (the file changed since it was read)
        return Comment(str(value), article.path, 1) if str(value).strip() else None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        kind = "a mapping" if isinstance(value, dict) else "a list" if isinstance(value, list) else repr(value)
        raise BriefgenError(f"comment: expected Markdown text, got {kind}", article.path, node.start_mark.line + 2)
    if not value.strip():
        return None
    return _located(value, node, text, match.start(1), 1, article.path)


def _read(path: Path) -> str:
    """The article as ingest reads it (same line breaks, no BOM): the front matter's marks index it."""
    text = decode(path.read_bytes(), path)
    return text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")


def _value_node(root: yaml.Node | None, key: str) -> yaml.Node | None:
    if isinstance(root, yaml.MappingNode):
        for k, v in root.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                return v
    return None


def _located(markdown: str, node: yaml.Node, text: str, base: int, lines_before: int, path: Path) -> Comment:
    """A comment whose YAML scalar ``node`` was composed from ``text[base:]`` (``lines_before`` lines in)."""
    start, end = base + node.start_mark.index, base + node.end_mark.index
    source = text[start:end]
    first_line = lines_before + node.start_mark.line + 1
    style = getattr(node, "style", None)
    if style in ("|", ">"):  # block scalar: the text starts on the line after the indicator
        newline = source.find("\n")
        layout = source[newline + 1 :] if newline >= 0 else ""
        first_line += 1
    else:
        column = node.start_mark.column
        if style in ("'", '"'):
            q = source.find(style)
            column, source = column + q + 1, source[q + 1 : -1]
        layout = " " * column + source
    return Comment(markdown, path, first_line, layout)


# --------------------------------------------------------------------------- rendering


def render_markdown(text: str) -> str:
    """HTML for ``text`` (CommonMark): raw HTML escaped, web and mail links only, images as their alt text."""
    return _markdown().render(text)


def _safe_link(url: str) -> bool:
    """markdown-it's link check (given the normalised URL): http(s) and mailto only, so no
    ``javascript:``, ``data:``, ``file:`` or relative link; the others stay literal text."""
    return url.strip().lower().startswith(LINK_SCHEMES)


def _image_as_text(renderer, tokens, idx, options, env) -> str:
    from markdown_it.common.utils import escapeHtml

    return escapeHtml(renderer.renderInlineAsText(tokens[idx].children or [], options, env))


@functools.lru_cache(maxsize=1)
def _markdown():
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.validateLink = _safe_link
    md.add_render_rule("image", _image_as_text)
    return md
