"""Compose: facts + article in, a :class:`Brief` out (everything a brief template shows).

In: :class:`~briefgen.facts.Facts`, the :class:`~briefgen.ingest.Article` and the config.
Out: :class:`Brief`: marking, reference, title, who / where, bottom line, stakes with their
evidence, timeline, locator map (inline SVG), the analyst's comment and its lint.

- ``composer``    :func:`compose`: what a brief shows, decided from the facts;
- ``chronology``  :func:`timeline`: dated expressions of the article, as a timeline;
- ``maps``        :func:`locator_map`: the inline SVG map of the article's places, from
  ``atlas`` (country outlines), ``projection`` (view, clipping), ``svg_paths`` and ``labels``;
- ``comment``     the analyst's Markdown comment (no raw HTML);
- ``estimative``  the lint of estimative language in that comment.
"""

from .comment import analyst_comment, render_markdown
from .composer import Brief, Marking, compose, format_date, marking_of, within_marking
from .estimative import languages, lint
from .maps import ATTRIBUTION, locator_map
from .chronology import timeline

__all__ = ["ATTRIBUTION", "Brief", "Marking", "analyst_comment", "compose", "format_date", "languages",
           "lint", "locator_map", "marking_of", "render_markdown", "timeline", "within_marking"]
