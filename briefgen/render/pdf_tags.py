"""Fixes to the structure tree WeasyPrint 70 writes for PDF/UA, applied as its ``finisher``.

WeasyPrint tags ``<th>`` as a ``/TH`` structure element with ``/Headers`` links from the
cells, but writes no ``/Scope`` attribute, which PDF/UA-1 (ISO 14289-1, 7.5; the Matterhorn
Protocol's 15-003) requires of every table header cell. The HTML says which it is
(``scope="row"`` or ``scope="col"``); this copies it into the PDF. Upstream: WeasyPrint's
``pdf/tags.py`` builds the ``/A`` dictionary of TH and TD cells; the same line there would fix
it for everyone (see docs/upstream.md).
"""

from __future__ import annotations

SCOPES = {"row": "/Row", "col": "/Column", "rowgroup": "/Row", "colgroup": "/Column"}


def finish(document, pdf) -> None:
    """``write_pdf(finisher=finish)``: a ``/Scope`` on every table header cell."""
    for page in document.pages:
        for box in page._page_box.descendants():
            mark = getattr(box, "mark", None)  # the /TH element WeasyPrint keeps on the cell's box
            if mark is None or getattr(box, "element_tag", None) != "th" or "A" not in mark:
                continue
            mark["A"]["Scope"] = SCOPES.get((box.element.get("scope") or "").lower(), "/Column")
