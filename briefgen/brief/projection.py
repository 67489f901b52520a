"""The projection and view of a locator map: which extent is shown, and where it goes.

In: the (lon, lat) points the map is fitted to, and the SVG's width and height.
Out: a :class:`_View` (:func:`_make_view`): the extent in degrees, the scale and the frame
in the viewBox, and :meth:`_View.xy`, from (lon, lat) to viewBox units; and :func:`_clip`,
a ring clipped to a rectangle (Sutherland-Hodgman).

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
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MIN_LON_SPAN = 40.0  # degrees of longitude shown at least by a regional view
_WORLD = (-180.0, 180.0, -60.0, 85.0)  # lon_min, lon_max, lat_min, lat_max
_LAT_LIMIT = 85.0  # regional views stay within +/- this latitude
_MAX_STD_PARALLEL = 60.0
_WORLD_IF_WIDER = 300.0  # a regional view wider than this (degrees) -> world view
_PAD_FACTOR = 0.25  # padding on each side, as a share of the places' span
_PAD_DEG = 4.0  # plus this many degrees on each side


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
