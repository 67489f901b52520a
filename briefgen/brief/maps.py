"""Offline locator map: an inline SVG of the article's places on country outlines.

:func:`locator_map` turns a list of :class:`~briefgen.facts.Location` into one
``<svg>`` string for inline use in the HTML brief (and in its WeasyPrint PDF).
No network: the outlines are Natural Earth's 1:110m Admin-0 countries (public
domain) via the npm package ``world-atlas``, shipped in ``briefgen/data/``.  Print
:data:`ATTRIBUTION` next to the map.

In order, each stage in its module:

1. :mod:`.atlas`: the **outlines**, read from the shipped TopoJSON, simplified, and
   matched to ISO alpha-2 codes (:func:`~.atlas._atlas`, :func:`~.atlas._atlas_indexes`);
2. :mod:`.projection`: the **extent and projection** fitted to the places
   (:func:`~.projection._make_view`), and clipping (:func:`~.projection._clip`);
3. :mod:`.svg_paths`: the countries as **SVG path data** (:func:`~.svg_paths._country_path`);
4. :mod:`.labels`: the **labels**, their text and placement (:func:`~.labels._place_label`);
5. here, the **map** (:func:`locator_map`): markers, labels, style, the ``<svg>``.

What is drawn
-------------
* Countries are ``<path class="map-land">``; the country (ISO alpha-2
  ``Location.country``) of each event place also gets ``map-land-event``.  A
  non-event place of kind ``"country"`` is shown by its outline
  (``map-land-place``) and an italic label at its coordinates, not by a dot
  (the geocoder gives a country its capital's coordinates, so a dot would
  claim a city).
* The event place (``event=True``) is a larger red circle
  (``map-event``) with a bold label; other geocoded places are small dark dots
  (``map-place``) with labels (``map-label``).  Places whose ``lat``/``lon`` is
  None are not drawn (their country, if any, is still highlighted as above
  when they are the event or a country).
* The view: a world view with no geocoded place, otherwise a regional view
  fitted to the places (see :mod:`.projection`).

Output
------
Deterministic (same input, byte-identical output; the clipPath id is derived
from a hash of the content, so two different maps on one page do not clash)
and small: arcs simplified to about half a viewBox unit, only polygons whose
box meets the view, clipped to the view (the clipPath hides the cut edges),
path coordinates relative and rounded to 0.1 unit.  At the
default 640 x 360: about 5-35 KB for a regional view, about 65 KB for the
world.  Presentation is in a ``<style>`` inside the SVG:
plain colours first (what WeasyPrint's SVG renderer uses: it supports neither
``var()`` nor at-rules), then, inside ``@media all``, the same properties as
CSS custom properties with the same fallbacks, for browsers::

    --map-sea  --map-land  --map-land-stroke  --map-land-event  --map-land-place
    --map-event  --map-place  --map-label  --map-event-label  --map-label-country
    --map-halo  --map-frame

Class names: ``locator-map`` (the svg), ``map-sea``, ``map-land``,
``map-land-event``, ``map-land-place``, ``map-event``, ``map-place``,
``map-label``, ``map-label-event``, ``map-label-country``, ``map-halo``,
``map-frame``, ``map-event-ring``.
"""

from __future__ import annotations

import hashlib
import html
import math
from collections.abc import Sequence

from .atlas import _atlas, _atlas_indexes
from .labels import _clean, _fit_label, _label_text, _place_label
from .projection import MIN_LON_SPAN, _make_view
from .svg_paths import _country_path, _num

TYPE_CHECKING = False  # recognised by type checkers; avoids importing typing
if TYPE_CHECKING:  # pragma: no cover
    from ..facts import Location

__all__ = ["ATTRIBUTION", "MIN_LON_SPAN", "locator_map"]

ATTRIBUTION = "Natural Earth (public domain) via world-atlas"

_R_EVENT = 6.0
_R_PLACE = 3.0
_TOLERANCES = (0.32, 0.16, 0.08, 0.04)  # degrees, for Douglas-Peucker on the arcs

_TEXT = {
    "fr": {"title": "Carte de situation", "event": "événement", "world": "vue mondiale"},
    "en": {"title": "Locator map", "event": "event", "world": "world view"},
}

_STYLE_PLAIN = (
    "svg.locator-map .map-sea{fill:#f4f7fa}"
    "svg.locator-map .map-land{fill:#e6e6e6;stroke:#9a9a9a;stroke-width:0.5;stroke-linejoin:round}"
    "svg.locator-map .map-land-place{fill:#d9dde3}"
    "svg.locator-map .map-land-event{fill:#f3d9d4}"
    "svg.locator-map .map-frame{fill:none;stroke:#9a9a9a;stroke-width:0.75}"
    "svg.locator-map .map-place{fill:#333333;stroke:#ffffff;stroke-width:1}"
    "svg.locator-map .map-event{fill:#d62728;stroke:#ffffff;stroke-width:1.5}"
    "svg.locator-map .map-event-ring{fill:none;stroke:#d62728;stroke-width:1;stroke-opacity:0.6}"
    "svg.locator-map .map-label{font-family:'Source Sans 3','Source Sans 3 Ext',sans-serif;font-size:11px;fill:#222222}"
    "svg.locator-map .map-label-event{font-weight:bold;fill:#a51c1d}"
    "svg.locator-map .map-label-country{font-style:italic;fill:#555555}"
    "svg.locator-map .map-halo{fill:#ffffff;stroke:#ffffff;stroke-width:3;stroke-linejoin:round}"
)
_STYLE_VARS = (
    "@media all{"
    "svg.locator-map .map-sea{fill:var(--map-sea,#f4f7fa)}"
    "svg.locator-map .map-land{fill:var(--map-land,#e6e6e6);stroke:var(--map-land-stroke,#9a9a9a)}"
    "svg.locator-map .map-land-place{fill:var(--map-land-place,#d9dde3)}"
    "svg.locator-map .map-land-event{fill:var(--map-land-event,#f3d9d4)}"
    "svg.locator-map .map-frame{stroke:var(--map-frame,#9a9a9a)}"
    "svg.locator-map .map-place{fill:var(--map-place,#333333);stroke:var(--map-halo,#ffffff)}"
    "svg.locator-map .map-event{fill:var(--map-event,#d62728);stroke:var(--map-halo,#ffffff)}"
    "svg.locator-map .map-event-ring{stroke:var(--map-event,#d62728)}"
    "svg.locator-map .map-label{fill:var(--map-label,#222222)}"
    "svg.locator-map .map-label-event{fill:var(--map-event-label,#a51c1d)}"
    "svg.locator-map .map-label-country{fill:var(--map-label-country,#555555)}"
    "svg.locator-map .map-halo{fill:var(--map-halo,#ffffff);stroke:var(--map-halo,#ffffff)}"
    "}"
)


# --------------------------------------------------------------------------- public


def _coords(place: Location) -> tuple[float, float] | None:
    try:
        lat, lon = float(place.lat), float(place.lon)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if not (math.isfinite(lat) and math.isfinite(lon)) or abs(lat) > 90:
        return None
    return lon, lat


def locator_map(
    places: Sequence[Location],
    *,
    lang: str = "fr",
    width: int = 640,
    height: int = 360,
    title: str | None = None,
) -> str:
    """An ``<svg>`` locator map of ``places`` (see the module docstring).

    ``lang`` ("fr" or "en"; others fall back to English) chooses the default
    title and the accessible description; ``title`` replaces the default
    title ("Carte de situation : <event>").  The result is a single line of
    SVG markup, escaped, deterministic, for inline use in HTML or WeasyPrint.
    """
    width, height = max(int(width), 120), max(int(height), 80)
    words = _TEXT.get(lang, _TEXT["en"])

    # Places to draw: dots (event or not) and country labels; duplicates dropped.
    events, dots, country_labels = [], [], []
    highlight_event: set[int] = set()
    highlight_place: set[int] = set()
    seen = set()
    for place in places:
        name = _fit_label(_label_text(place.name or ""), width - 2 * (_R_EVENT + 4) - 10)
        country = (place.country or "").strip().upper()
        idx = _atlas_indexes(country) if country else ()
        is_country = place.kind == "country" and not place.event
        if place.event:
            highlight_event.update(idx)
        elif is_country:
            highlight_place.update(idx)
        xy = _coords(place)
        if xy is None or not name:
            continue
        key = (name, round(xy[0], 3), round(xy[1], 3), bool(place.event), is_country)
        if key in seen:
            continue
        seen.add(key)
        (events if place.event else country_labels if is_country else dots).append((name, xy))
    highlight_place -= highlight_event

    focus = [xy for _, xy in events + dots] or [xy for _, xy in country_labels]
    view = _make_view(focus, width, height)

    # Title and accessible description.
    event_names = [n for n, _ in events]
    if title is not None:
        title = _clean(title)
    else:
        title = words["title"]
        if event_names:
            title += (" : " if lang == "fr" else ": ") + ", ".join(event_names)
    listed = [f"{n} ({words['event']})" for n in event_names] + [n for n, _ in dots + country_labels]
    aria = f"{title} — {', '.join(listed)}" if listed else title
    if view.world:
        aria += f" ({words['world']})"

    # Countries.
    # Simplification: arcs to about half a unit (one of a few fixed tolerances,
    # so that the simplified atlas is cached), rings to distinct 0.1 steps.
    tolerance = next((t for t in _TOLERANCES if t * view.scale <= 0.5), 0.0)
    land = []
    for i, country in enumerate(_atlas(tolerance)):
        d = _country_path(country, view, 1)
        if not d:
            continue
        cls = "map-land"
        if i in highlight_event:
            cls += " map-land-event"
        elif i in highlight_place:
            cls += " map-land-place"
        land.append(f'<path class="{cls}" d="{d}"/>')
    # Highlighted countries last, so that their outline is not hidden by neighbours'.
    land.sort(key=lambda p: ("map-land-event" in p, "map-land-place" in p))

    # Markers (events last, on top) and labels (events first, so they get the best spot).
    markers: list[str] = []  # dots first, events after (drawn on top)
    obstacles: list[tuple[int, tuple[float, float, float, float]]] = []  # (mark index, box)
    marks = []
    for name, (lon, lat) in dots:
        x, y = view.xy(view.lon_in(lon), lat)
        marks.append((name, x, y, _R_PLACE, "place"))
    for name, (lon, lat) in events:
        x, y = view.xy(view.lon_in(lon), lat)
        marks.append((name, x, y, _R_EVENT + 4, "event"))  # + the ring
    for name, (lon, lat) in country_labels:
        x, y = view.xy(view.lon_in(lon), lat)
        if view.ox <= x <= view.ox + view.fw and view.oy <= y <= view.oy + view.fh:
            marks.append((name, x, y, 0.0, "country"))
    for i, (name, x, y, r, kind) in enumerate(marks):
        if kind == "country":
            continue
        obstacles.append((i, (x - r, y - r, x + r, y + r)))
        if kind == "event":
            markers.append(f'<circle class="map-event-ring" cx="{_num(x)}" cy="{_num(y)}" r="{_num(r)}"/>')
            r = _R_EVENT
        markers.append(f'<circle class="map-{kind}" cx="{_num(x)}" cy="{_num(y)}" r="{_num(r)}"/>')

    labels: list[str] = []
    placed: list[tuple[float, float, float, float]] = []  # label boxes so far
    order = sorted(range(len(marks)), key=lambda i: (("event", "place", "country").index(marks[i][4]), i))
    for i in order:
        name, x, y, r, kind = marks[i]
        others = [box for j, box in obstacles if j != i]
        taken = placed + others
        lx, ly, anchor = _place_label(x, y, r, name, kind == "event", width, height, taken)
        placed.append(taken[-1])
        cls = "map-label" + {"event": " map-label-event", "country": " map-label-country"}.get(kind, "")
        attrs = f'x="{_num(lx)}" y="{_num(ly)}"' + (' text-anchor="end"' if anchor == "end" else "")
        text = html.escape(name, quote=False)
        labels.append(f'<text class="{cls} map-halo" {attrs}>{text}</text>'
                      f'<text class="{cls}" {attrs}>{text}</text>')

    body = (
        f'<rect class="map-sea" x="{_num(view.ox)}" y="{_num(view.oy)}" '
        f'width="{_num(view.fw)}" height="{_num(view.fh)}"/>'
        f'<g clip-path="url(#@CLIP@)">{"".join(land)}</g>'
        f'<rect class="map-frame" x="{_num(view.ox)}" y="{_num(view.oy)}" '
        f'width="{_num(view.fw)}" height="{_num(view.fh)}"/>'
        f'<g class="map-markers">{"".join(markers)}</g>'
        f'<g class="map-labels">{"".join(labels)}</g>'
    )
    clip = "lm-" + hashlib.sha1(f"{width}x{height}|{title}|{aria}|{body}".encode()).hexdigest()[:10]
    body = body.replace("@CLIP@", clip)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="locator-map" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{html.escape(aria, quote=True)}">'
        f"<title>{html.escape(title, quote=False)}</title>"
        f"<style>{_STYLE_PLAIN}{_STYLE_VARS}</style>"
        f'<defs><clipPath id="{clip}"><rect x="{_num(view.ox)}" y="{_num(view.oy)}" '
        f'width="{_num(view.fw)}" height="{_num(view.fh)}"/></clipPath></defs>'
        f"{body}</svg>"
    )
