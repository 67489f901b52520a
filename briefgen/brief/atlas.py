"""The world atlas: country outlines in longitude/latitude, from the shipped TopoJSON.

In: ``briefgen/data/world-110m.json`` (no network) and, for :func:`_atlas_indexes`, an
ISO 3166-1 alpha-2 code.
Out: :func:`_atlas`, the countries (:class:`_Country`: id, name, polygons as rings of
(lon, lat), a bounding box per polygon), arcs simplified to a given tolerance in degrees;
:func:`_atlas_indexes`, the indexes in it of a country; and the helpers
:func:`_contains` (point in ring) and :func:`_simplify` (Douglas-Peucker).

The outlines are Natural Earth's 1:110m Admin-0 countries (public domain) as packaged in
TopoJSON by the npm package ``world-atlas`` 2.0.2 (ISC), shipped unchanged as
``briefgen/data/world-110m.json``; provenance and licence in
``briefgen/data/world-atlas-LICENSE.txt``.  ISO alpha-2 codes are matched to the atlas's
ISO 3166-1 numeric ids through pycountry; the atlas's three outlines without an id go with
"XK" (Kosovo), "CY" (N. Cyprus) and "SO" (Somaliland).  One change to Natural Earth's de
facto borders: Crimea is drawn as part of Ukraine (the internationally recognised border),
not of Russia.

Arcs are simplified (Douglas-Peucker, per shared arc so that neighbours keep identical
borders).  The outline data is decoded once per process, and simplified once per tolerance
level (:func:`functools.cache`).
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass

# Outlines the atlas gives without an ISO numeric id, by the ISO alpha-2 code
# whose country they are highlighted with (Kosovo's user-assigned "XK").
_NAMES_BY_CODE = {"XK": ("Kosovo",), "CY": ("N. Cyprus",), "SO": ("Somaliland",)}
# Natural Earth draws de facto control: its Russia includes Crimea.  The map
# follows the internationally recognised border (UN General Assembly
# resolution 68/262): the Russian polygon containing this point goes to Ukraine.
_CRIMEA = (34.1, 45.3)


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
