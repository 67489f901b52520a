"""Ingest: article files in, :class:`Article` objects out (plain-text body + metadata).

In: a seeds folder or article paths (``.txt`` with an optional ``date`` header, ``.md`` with
YAML front matter). Out: :class:`Article` (``id``, ``path``, ``body``, ``title``, ``date``,
``language``, ``source``...), the body cleaned of boilerplate lines; evidence offsets in the
facts index :attr:`Article.body`.

- ``files``  reading, decoding and cleaning one file; finding the articles of a folder.
"""

from ..text import decode
from .files import FRONT_MATTER, Article, article_id, find_articles, read_article

__all__ = ["FRONT_MATTER", "Article", "article_id", "decode", "find_articles", "read_article"]
