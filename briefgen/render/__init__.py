"""Render: a :class:`~briefgen.brief.Brief` in, HTML and PDF files out.

In: the brief, the article and the config (templates folder, page size, formats).
Out: a self-contained HTML brief (Jinja2, autoescaped; user templates first, built-ins
second) and its PDF (WeasyPrint, the shipped fonts, a URL fetcher that refuses the network
and any file outside the template, font and output folders).

- ``renderer``  :class:`Renderer`: templates, the URL fetcher, HTML and PDF;
- ``fonts``     the shipped typeface and its ``@font-face`` rules.
"""

from .renderer import LABELS, Renderer, builtin_templates_dir, source_label

__all__ = ["LABELS", "Renderer", "builtin_templates_dir", "source_label"]
