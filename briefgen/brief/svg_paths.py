"""SVG path data for the countries of a locator map.

In: a country of the atlas (:class:`~.atlas._Country`), the :class:`~.projection._View`
and the smallest step kept, in tenths of a viewBox unit.
Out: :func:`_country_path`, the ``d`` of the country's ``<path>`` ("" when nothing of it is
in view); :func:`_ring_path`, one ring as ``M..z``; :func:`_num` and :func:`_tenths`,
numbers as written in the SVG.

Only polygons whose box meets the view are drawn (again shifted by 360 degrees where
needed), clipped a little beyond the frame (the map's clipPath hides the cut edges); path
coordinates are relative and rounded to 0.1 unit, and rings that shrink under about one
square unit are dropped.
"""

from __future__ import annotations

import itertools

from .atlas import _Country
from .projection import _View, _clip


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
