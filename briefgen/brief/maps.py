"""Offline locator map: an inline SVG of the article's places on country outlines.

:func:`locator_map` turns a list of :class:`~briefgen.facts.Location` into one
``<svg>`` string for inline use in the HTML brief (and in its WeasyPrint PDF).
No network: the outlines are Natural Earth's 1:110m Admin-0 countries (public
domain) as packaged in TopoJSON by the npm package ``world-atlas`` 2.0.2 (ISC),
shipped unchanged as ``briefgen/data/world-110m.json``; provenance and licence
in ``briefgen/data/world-atlas-LICENSE.txt``.  Print :data:`ATTRIBUTION` next
to the map.

What is drawn
-------------
* Countries are ``<path class="map-land">``; the country (ISO alpha-2
  ``Location.country``) of each event place also gets ``map-land-event``.  A
  non-event place of kind ``"country"`` is shown by its outline
  (``map-land-place``) and an italic label at its coordinates, not by a dot
  (the geocoder gives a country its capital's coordinates, so a dot would
  claim a city).  ISO alpha-2 codes are matched to the atlas's ISO 3166-1
  numeric ids through pycountry; the atlas's three outlines without an id go
  with "XK" (Kosovo), "CY" (N. Cyprus) and "SO" (Somaliland).  One change to
  Natural Earth's de facto borders: Crimea is drawn as part of Ukraine (the
  internationally recognised border), not of Russia.
* The event place (``event=True``) is a larger red circle
  (``map-event``) with a bold label; other geocoded places are small dark dots
  (``map-place``) with labels (``map-label``).  Places whose ``lat``/``lon`` is
  None are not drawn (their country, if any, is still highlighted as above
  when they are the event or a country).  Labels go right of their marker, or
  left when they would leave the map, and are nudged vertically away from
  labels and markers already placed; they always stay inside the viewBox.

Extent and projection
---------------------
* With no geocoded place: a world view (longitudes -180..180, latitudes
  -60..85, Antarctica left out), letterboxed (centred, transparent margins)
  in the requested size.
* Otherwise a regional view fitted to the geocoded places ("country" places
  count only when no other place is geocoded): the smallest longitude arc
  holding them (so places on both sides of the antimeridian give a view
  across it, the outlines drawn again shifted by 360 degrees), padded, at
  least :data:`MIN_LON_SPAN` degrees wide, widened to the requested aspect
  ratio and clamped to latitudes -85..85 (or up to the pole for a place
  beyond); a view that would exceed 300 degrees of longitude becomes the
  world view (widened in latitude if a place lies beyond -60..85).
* Projection: equirectangular with a standard parallel at the view's centre
  latitude (clamped to +/-60 degrees), i.e. ``x = lon * cos(lat0)``,
  ``y = -lat``, scaled to the viewBox; the world view uses ``lat0 = 0``
  (plate carree).  Good enough for a locator; areas are not preserved.

Output
------
Deterministic (same input, byte-identical output; the clipPath id is derived
from a hash of the content, so two different maps on one page do not clash)
and small: arcs simplified (Douglas-Peucker, per shared arc so that
neighbours keep identical borders) to about half a viewBox unit, only
polygons whose box meets the view, clipped to the view (the clipPath hides
the cut edges), path coordinates relative and rounded to 0.1 unit.  At the
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
``map-frame``, ``map-event-ring``.  The outline data is decoded once per
process, and simplified once per tolerance level (:func:`functools.cache`).
"""

from __future__ import annotations

import functools
import hashlib
import html
import itertools
import json
import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

TYPE_CHECKING = False  # recognised by type checkers; avoids importing typing
if TYPE_CHECKING:  # pragma: no cover
    from ..facts import Location

__all__ = ["ATTRIBUTION", "MIN_LON_SPAN", "locator_map"]

ATTRIBUTION = "Natural Earth (public domain) via world-atlas"

MIN_LON_SPAN = 40.0  # degrees of longitude shown at least by a regional view
_WORLD = (-180.0, 180.0, -60.0, 85.0)  # lon_min, lon_max, lat_min, lat_max
_LAT_LIMIT = 85.0  # regional views stay within +/- this latitude
_MAX_STD_PARALLEL = 60.0
_WORLD_IF_WIDER = 300.0  # a regional view wider than this (degrees) -> world view
_PAD_FACTOR = 0.25  # padding on each side, as a share of the places' span
_PAD_DEG = 4.0  # plus this many degrees on each side

_FONT = 11.0  # label font size, viewBox units
_MAX_LABEL = 40  # characters; longer labels are cut with an ellipsis
_R_EVENT = 6.0
_R_PLACE = 3.0
_TOLERANCES = (0.32, 0.16, 0.08, 0.04)  # degrees, for Douglas-Peucker on the arcs

_TEXT = {
    "fr": {"title": "Carte de situation", "event": "événement", "world": "vue mondiale"},
    "en": {"title": "Locator map", "event": "event", "world": "world view"},
}

# Outlines the atlas gives without an ISO numeric id, by the ISO alpha-2 code
# whose country they are highlighted with (Kosovo's user-assigned "XK").
_NAMES_BY_CODE = {"XK": ("Kosovo",), "CY": ("N. Cyprus",), "SO": ("Somaliland",)}
# Natural Earth draws de facto control: its Russia includes Crimea.  The map
# follows the internationally recognised border (UN General Assembly
# resolution 68/262): the Russian polygon containing this point goes to Ukraine.
_CRIMEA = (34.1, 45.3)

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


# --------------------------------------------------------------------------- atlas


@dataclass(frozen=True)
class _Country:
    id: str | None  # ISO 3166-1 numeric, 3 digits ("643"); None for a few
    name: str
    # polygons: each a tuple of rings (first the outer ring), each a tuple of (lon, lat)
    polygons: tuple[tuple[tuple[tuple[float, float], ...], ...], ...]
    # bounding box of each polygon: (lon_min, lon_max, lat_min, lat_max)
    boxes: tuple[tuple[float, float, float, float], ...]


@functools.cache
def _topology() -> tuple[list[list[tuple[float, float]]], list[tuple[str | None, str, list[list[list[int]]]]]]:
    """The shipped TopoJSON decoded: (arcs in lon/lat, countries as (id, name, polygons)).

    Arcs are delta-decoded and de-quantised with the file's ``transform``, and
    made continuous in longitude (an arc crossing the antimeridian goes on past
    +/-180 instead of jumping).  A polygon is a list of rings, each a list of
    arc indexes (negative: ``~i`` reversed), outer ring first.
    """
    from importlib.resources import files

    topo = json.loads((files("briefgen") / "data" / "world-110m.json").read_text("utf-8"))
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs: list[list[tuple[float, float]]] = []
    for arc in topo["arcs"]:
        x = y = 0
        points: list[tuple[float, float]] = []
        for dx, dy in arc:
            x += dx
            y += dy
            lon = x * sx + tx
            if points:
                lon += 360.0 * round((points[-1][0] - lon) / 360.0)
            points.append((lon, y * sy + ty))
        arcs.append(points)
    countries = []
    for geometry in topo["objects"]["countries"]["geometries"]:
        kind = geometry.get("type")
        if kind == "Polygon":
            polygons = [geometry["arcs"]]
        elif kind == "MultiPolygon":
            polygons = geometry["arcs"]
        else:  # pragma: no cover - not in the shipped file
            continue
        countries.append((geometry.get("id"), (geometry.get("properties") or {}).get("name", ""), list(polygons)))
    by_id = {cid: polys for cid, _, polys in countries}
    if "643" in by_id and "804" in by_id:
        for poly in list(by_id["643"]):
            ring = [p for i in poly[0] for p in (arcs[i] if i >= 0 else arcs[~i][::-1])]
            if _contains(ring, *_CRIMEA):
                by_id["643"].remove(poly)
                by_id["804"].append(poly)
    return arcs, countries


def _contains(ring: list[tuple[float, float]], x: float, y: float) -> bool:
    """Whether (x, y) is inside ``ring`` (even-odd rule, ray casting)."""
    inside = False
    for (ax, ay), (bx, by) in zip(ring, ring[1:] + ring[:1]):
        if (ay > y) != (by > y) and x < ax + (y - ay) * (bx - ax) / (by - ay):
            inside = not inside
    return inside


def _simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas-Peucker: keep the end points and every point farther than ``tolerance``."""
    if tolerance <= 0 or len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        a, b = stack.pop()
        (ax, ay), (bx, by) = points[a], points[b]
        dx, dy = bx - ax, by - ay
        norm = math.hypot(dx, dy)
        far, best = -1.0, -1
        for i in range(a + 1, b):
            px, py = points[i]
            d = abs(dy * (px - ax) - dx * (py - ay)) / norm if norm else math.hypot(px - ax, py - ay)
            if d > far:
                far, best = d, i
        if far > tolerance:
            keep[best] = True
            stack += [(a, best), (best, b)]
    return [p for p, k in zip(points, keep) if k]


@functools.cache
def _atlas(tolerance: float = 0.0) -> tuple[_Country, ...]:
    """Countries with rings in lon/lat, arcs simplified to ``tolerance`` degrees.

    Simplifying arcs (not rings) keeps shared borders identical for both
    neighbours.  Rings are made continuous in longitude (the atlas is
    spherical: a ring crossing the antimeridian would jump from +179 to -179;
    it may now reach beyond +/-180 and is drawn shifted by 360 where needed),
    a ring around a pole (Antarctica) is closed along that pole's latitude,
    and every polygon is shifted so that it starts at or after -180.
    """
    raw, topo_countries = _topology()
    arcs = [_simplify(arc, tolerance) for arc in raw]

    def ring(indexes: list[int]) -> list[tuple[float, float]]:
        out: list[tuple[float, float]] = []
        for i in indexes:
            arc = arcs[i] if i >= 0 else arcs[~i][::-1]
            if out:  # consecutive arcs share an end point; carry the longitude on
                shift = 360.0 * round((out[-1][0] - arc[0][0]) / 360.0)
                out.extend((lon + shift, lat) for lon, lat in arc[1:])
            else:
                out.extend(arc)
        if abs(out[-1][0] - out[0][0]) > 180.0:  # winds around a pole
            pole = -90.0 if sum(p[1] for p in out) < 0 else 90.0
            out += [(out[-1][0], pole), (out[0][0], pole)]
        return out

    countries = []
    for cid, name, polygons in topo_countries:
        polys = []
        for poly in polygons:
            rings = [ring(r) for r in poly]
            low = min(p[0] for p in rings[0])
            base = 360.0 * -math.floor((low + 180.0) / 360.0)  # outer ring starts in [-180, 180)
            ref = rings[0][0][0] + base
            shifted = []
            for j, r in enumerate(rings):
                shift = base if j == 0 else 360.0 * round((ref - r[0][0]) / 360.0)  # holes follow
                shifted.append(tuple((lon + shift, lat) for lon, lat in r))
            polys.append(tuple(shifted))
        boxes = tuple(
            (min(p[0] for p in poly[0]), max(p[0] for p in poly[0]),
             min(p[1] for p in poly[0]), max(p[1] for p in poly[0]))
            for poly in polys
        )
        countries.append(_Country(cid, name, tuple(polys), boxes))
    return tuple(countries)


@functools.cache
def _atlas_indexes(code: str) -> tuple[int, ...]:
    """Indexes in :func:`_atlas` of the country with ISO alpha-2 ``code`` (may be empty).

    Matched by ISO 3166-1 numeric code (pycountry), plus the atlas's few
    outlines without an id, by name (:data:`_NAMES_BY_CODE`).
    """
    code = code.strip().upper()
    numeric = None
    if len(code) == 2 and code.isalpha():
        import pycountry

        try:
            found = pycountry.countries.get(alpha_2=code)
        except (KeyError, LookupError):  # pragma: no cover - depends on pycountry version
            found = None
        numeric = getattr(found, "numeric", None)
    names = _NAMES_BY_CODE.get(code, ())
    return tuple(i for i, (cid, cname, _) in enumerate(_topology()[1])
                 if (numeric is not None and cid == numeric) or cname in names)


# --------------------------------------------------------------------------- geometry


@dataclass(frozen=True)
class _View:
    lon_min: float
    lon_max: float
    lat_min: float
    lat_max: float
    k: float  # cos(standard parallel)
    scale: float  # viewBox units per projected degree
    ox: float  # frame origin in the viewBox
    oy: float
    fw: float  # frame size in the viewBox
    fh: float
    world: bool

    def lon_in(self, lon: float) -> float:
        """``lon`` shifted by a multiple of 360 into [lon_min, lon_min + 360)."""
        return self.lon_min + (lon - self.lon_min) % 360.0

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        return (self.ox + (lon - self.lon_min) * self.k * self.scale,
                self.oy + (self.lat_max - lat) * self.scale)


def _make_view(points: list[tuple[float, float]], width: int, height: int) -> _View:
    """Fit the extent (see the module docstring) and the frame in width x height."""
    if not points:
        return _frame(*_WORLD, 1.0, width, height, world=True)
    lats = [lat for _, lat in points]
    lat_lo, lat_hi = min(lats), max(lats)
    # Latitude limits: the usual ones, widened (up to the poles) for a place beyond them.
    south = max(-90.0, min(-_LAT_LIMIT, lat_lo - _PAD_DEG))
    north = min(90.0, max(_LAT_LIMIT, lat_hi + _PAD_DEG))
    world = _frame(-180.0, 180.0, max(south, min(_WORLD[2], lat_lo - _PAD_DEG)),
                   min(north, max(_WORLD[3], lat_hi + _PAD_DEG)), 1.0, width, height, world=True)
    lons = sorted({lon % 360.0 for lon, _ in points})  # in [0, 360)
    # Smallest arc holding every longitude: it starts after the largest gap.
    gaps = [(lons[(i + 1) % len(lons)] - lons[i]) % 360.0 or 360.0 for i in range(len(lons))]
    start = lons[(max(range(len(gaps)), key=lambda i: (gaps[i], -i)) + 1) % len(lons)]
    span = 360.0 - max(gaps) if len(lons) > 1 else 0.0
    lat0 = max(-_MAX_STD_PARALLEL, min(_MAX_STD_PARALLEL, (lat_lo + lat_hi) / 2))
    k = math.cos(math.radians(lat0))

    dlon = max(span * (1 + 2 * _PAD_FACTOR) + 2 * _PAD_DEG, MIN_LON_SPAN)
    dlat = (lat_hi - lat_lo) * (1 + 2 * _PAD_FACTOR) + 2 * _PAD_DEG
    ratio = width / height
    if dlon * k / dlat < ratio:
        dlon = dlat * ratio / k
    else:
        dlat = dlon * k / ratio
    if dlon > _WORLD_IF_WIDER:
        return world
    dlat = min(dlat, north - south)
    lon_c = start + span / 2
    lat_c = (lat_lo + lat_hi) / 2
    lat_min = max(south, min(lat_c - dlat / 2, north - dlat))
    lon_min = (lon_c - dlon / 2 + 180.0) % 360.0 - 180.0  # into [-180, 180)
    return _frame(lon_min, lon_min + dlon, lat_min, lat_min + dlat, k, width, height, world=False)


def _frame(lon_min, lon_max, lat_min, lat_max, k, width, height, *, world) -> _View:
    pw, ph = (lon_max - lon_min) * k, lat_max - lat_min
    scale = min(width / pw, height / ph)
    fw, fh = pw * scale, ph * scale
    return _View(lon_min, lon_max, lat_min, lat_max, k, scale,
                 (width - fw) / 2, (height - fh) / 2, fw, fh, world)


def _clip(ring: list[tuple[float, float]], x0: float, y0: float, x1: float, y1: float):
    """Sutherland-Hodgman clip of a closed ring to the rectangle [x0, x1] x [y0, y1]."""
    def cut(points, inside, meet):
        out = []
        if not points:
            return out
        prev = points[-1]
        for cur in points:
            if inside(cur):
                if not inside(prev):
                    out.append(meet(prev, cur))
                out.append(cur)
            elif inside(prev):
                out.append(meet(prev, cur))
            prev = cur
        return out

    def at_x(x):
        return lambda a, b: (x, a[1] + (b[1] - a[1]) * (x - a[0]) / (b[0] - a[0]))

    def at_y(y):
        return lambda a, b: (a[0] + (b[0] - a[0]) * (y - a[1]) / (b[1] - a[1]), y)

    ring = cut(ring, lambda p: p[0] >= x0, at_x(x0))
    ring = cut(ring, lambda p: p[0] <= x1, at_x(x1))
    ring = cut(ring, lambda p: p[1] >= y0, at_y(y0))
    return cut(ring, lambda p: p[1] <= y1, at_y(y1))


def _num(v: float) -> str:
    s = f"{v:.1f}".removesuffix(".0")
    return "0" if s == "-0" else s


def _tenths(v: int) -> str:
    """An integer count of tenths as an SVG number: 12 -> "1.2", -5 -> "-0.5", 30 -> "3"."""
    sign, v = ("-" if v < 0 else ""), abs(v)
    return f"{sign}{v // 10}" + (f".{v % 10}" if v % 10 else "")


def _ring_path(points: list[tuple[float, float]], min_step: int) -> str:
    """``M..Z`` for a ring in 0.1 units: an absolute start then relative steps.

    Points closer than ``min_step`` tenths (on both axes) to the last kept one
    are dropped; rings that end up under about 1 square unit are dropped.
    """
    kept: list[tuple[int, int]] = []
    for x, y in points:
        p = (round(x * 10), round(y * 10))
        if kept and abs(p[0] - kept[-1][0]) < min_step and abs(p[1] - kept[-1][1]) < min_step:
            continue
        kept.append(p)
    while len(kept) > 1 and kept[-1] == kept[0]:
        kept.pop()
    if len(kept) < 3:
        return ""
    area2 = sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(kept, kept[1:] + kept[:1]))
    if abs(area2) < 200:  # twice the area, in tenths squared: under 1 square unit
        return ""
    x0, y0 = kept[0]
    steps = " ".join(f"{_tenths(b[0] - a[0])},{_tenths(b[1] - a[1])}" for a, b in itertools.pairwise(kept))
    return f"M{_tenths(x0)},{_tenths(y0)}l{steps}z"


def _country_path(country: _Country, view: _View, min_step: int) -> str:
    margin = 4.0  # viewBox units beyond the frame; the clipPath hides the cut edges
    x0, y0 = view.ox - margin, view.oy - margin
    x1, y1 = view.ox + view.fw + margin, view.oy + view.fh + margin
    parts = []
    for shift in (-360.0, 0.0, 360.0):
        for poly, (lo_min, lo_max, la_min, la_max) in zip(country.polygons, country.boxes):
            if (lo_max + shift < view.lon_min or lo_min + shift > view.lon_max
                    or la_max < view.lat_min or la_min > view.lat_max):
                continue
            for ring in poly:
                xy = [view.xy(lon + shift, lat) for lon, lat in ring]
                xy = _clip(xy, x0, y0, x1, y1)
                d = _ring_path(xy, min_step)
                if d:
                    parts.append(d)
    return "".join(parts)


# --------------------------------------------------------------------------- labels


def _clean(text: str) -> str:
    """``text`` on one line, without characters XML forbids (controls, surrogates, U+FFFE/F)."""
    out = []
    for c in text:
        if c.isspace():
            out.append(" ")
        elif ord(c) >= 32 and not 0xD800 <= ord(c) <= 0xDFFF and c not in "\ufffe\uffff":
            out.append(c)
    return " ".join("".join(out).split())


def _label_text(name: str) -> str:
    name = _clean(name)
    return name if len(name) <= _MAX_LABEL else name[: _MAX_LABEL - 1].rstrip() + "…"


# Advance widths (hundredths of an em) of ASCII 32..126 in DejaVu Sans and
# DejaVu Sans Bold (the usual "sans-serif" of Linux and WeasyPrint; wider
# than Arial/Helvetica, so a safe estimate elsewhere).
_ADVANCE = (
    ("32 40 46 84 64 95 78 27 39 39 50 84 32 36 32 34 64 64 64 64 64 64 64 64 64 64 34 34 84 84 84 53 100 "
    "68 69 70 77 63 58 77 75 29 29 66 56 86 75 79 60 79 69 63 61 73 68 99 69 61 69 39 34 39 84 50 50 "
    "61 63 55 63 62 35 63 63 28 28 58 28 97 63 61 63 63 41 52 39 63 59 82 59 59 52 64 34 64 84"),
    ("35 46 52 84 70 100 87 31 46 46 52 84 38 42 38 37 70 70 70 70 70 70 70 70 70 70 40 40 84 84 84 58 100 "
    "77 76 73 83 68 68 82 84 37 37 77 64 100 84 85 73 85 77 72 68 81 77 110 77 72 73 46 37 46 84 50 50 "
    "67 72 59 72 68 44 72 71 34 34 67 34 104 71 69 72 72 49 60 48 71 65 92 65 65 58 71 37 71 84"),
)
_ADVANCES = tuple(tuple(int(v) for v in row.split()) for row in _ADVANCE)


def _text_width(text: str, bold: bool = False) -> float:
    """Estimated rendered width of ``text`` at _FONT (DejaVu Sans metrics).

    Accented Latin letters count as their base letter; other characters as
    an "M" (wide, so the estimate errs on the safe side).
    """
    table = _ADVANCES[bool(bold)]
    total = 0
    for c in text:
        if not 32 <= ord(c) < 127:
            c = unicodedata.normalize("NFD", c)[0]
        total += table[ord(c) - 32] if 32 <= ord(c) < 127 else 100 if c == "…" else table[ord("M") - 32]
    return total / 100 * _FONT


def _fit_label(name: str, room: float) -> str:
    """``name`` shortened with an ellipsis until it fits ``room`` units (bold width)."""
    while len(name) > 1 and _text_width(name, True) > room:
        name = name[:-2].rstrip() + "…"
    return name


def _overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _place_label(x, y, r, text, bold, width, height, taken):
    """(x, baseline y, anchor) of a label near marker (x, y) of radius r.

    ``taken`` holds the boxes to avoid (labels placed so far, other markers);
    the chosen box is appended to it.  First candidate free of overlap wins:
    right of the marker, then left, then nudged up/down by a line at a time;
    if none is free, the first candidate inside the viewBox.
    """
    w = _text_width(text, bold)
    step = _FONT + 1
    first = None
    for dy in (0, -1, 1, -2, 2, -3, 3):
        for side in ("start", "end"):
            base = y + _FONT * 0.35 + dy * step
            left = x + r + 3 if side == "start" else x - r - 3 - w
            box = (left, base - _FONT * 0.8, left + w, base + _FONT * 0.25)
            if box[0] < 2 or box[2] > width - 2 or box[1] < 2 or box[3] > height - 2:
                continue
            if first is None:
                first = (box, side)
            if not any(_overlaps(box, t) for t in taken):
                taken.append(box)
                return (box[0] if side == "start" else box[2]), base, side
    if first is None:  # no candidate fits the viewBox: clamp the plain right-side one
        left = max(2.0, min(x + r + 3, width - 2 - w))
        base = max(2 + _FONT * 0.8, min(y + _FONT * 0.35, height - 2 - _FONT * 0.25))
        first = ((left, base - _FONT * 0.8, left + w, base + _FONT * 0.25), "start")
    box, side = first
    taken.append(box)
    return (box[0] if side == "start" else box[2]), box[1] + _FONT * 0.8, side


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
