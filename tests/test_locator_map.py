"""briefgen.brief.maps: offline SVG locator maps (no spaCy, fast)."""

from __future__ import annotations

import io
import itertools
import re
import xml.etree.ElementTree as ET
from importlib.resources import files

import pytest

from briefgen.facts.contract import Location
from briefgen.brief.maps import ATTRIBUTION, locator_map

SVG = "{http://www.w3.org/2000/svg}"

VOSTOTCHNY = Location("Vostotchny", kind="site", country="RU", lat=51.88, lon=128.33, event=True)
MOSCOU = Location("Moscou", kind="city", country="RU", lat=55.75, lon=37.62)
PEKIN = Location("Pékin", kind="city", country="CN", lat=39.9, lon=116.4)
NO_COORDS = Location("Province inconnue", kind="region", country="RU")


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def viewbox(root: ET.Element) -> tuple[float, float, float, float]:
    x, y, w, h = map(float, root.get("viewBox").split())
    return x, y, w, h


def circles(root: ET.Element, cls: str) -> list[tuple[float, float]]:
    return [(float(c.get("cx")), float(c.get("cy"))) for c in root.iter(f"{SVG}circle")
            if cls in c.get("class", "").split()]


def labels(root: ET.Element) -> dict[str, ET.Element]:
    return {t.text: t for t in root.iter(f"{SVG}text") if "map-halo" not in t.get("class", "").split()}


def inside(point, box) -> bool:
    x, y, w, h = box
    return x <= point[0] <= x + w and y <= point[1] <= y + h


@pytest.fixture(scope="module")
def regional() -> str:
    return locator_map([VOSTOTCHNY, MOSCOU, PEKIN, NO_COORDS])


def test_data_and_licence_are_shipped():
    data = files("briefgen") / "data"
    assert (data / "world-110m.json").is_file()
    licence = (data / "world-atlas-LICENSE.txt").read_text("utf-8")
    assert "Natural Earth" in licence and "public domain" in licence
    assert "ISC" in licence and "Michael Bostock" in licence and "world-atlas-2.0.2.tgz" in licence
    assert "Natural Earth" in ATTRIBUTION and "world-atlas" in ATTRIBUTION


def test_regional_map_structure_and_positions(regional):
    root = parse(regional)
    box = viewbox(root)
    assert box == (0, 0, 640, 360)
    assert root.get("role") == "img" and "Vostotchny" in root.get("aria-label")
    assert root.find(f"{SVG}title").text == "Carte de situation : Vostotchny"
    assert root.find(f"{SVG}style") is not None
    paths = list(root.iter(f"{SVG}path"))
    assert 20 < len(paths) < 177  # only countries near the view
    assert all("map-land" in p.get("class").split() for p in paths)
    assert sum("map-land-event" in p.get("class").split() for p in paths) == 1  # Russia

    (event,) = circles(root, "map-event")
    dots = circles(root, "map-place")
    assert len(dots) == 2  # Moscou, Pékin; the place without coordinates is skipped
    moscow = min(dots, key=lambda p: p[0])
    beijing = max(dots, key=lambda p: p[0])
    for p in (event, moscow, beijing):
        assert inside(p, box)
    assert event[0] > moscow[0] + 200  # 128E is far right of 37E
    assert event[1] > moscow[1]  # 51.9N is south of 55.8N
    assert beijing[1] > event[1]  # 39.9N further south
    assert moscow[0] < beijing[0] < event[0]

    texts = labels(root)
    assert {"Vostotchny", "Moscou", "Pékin"} <= set(texts)
    assert "Province inconnue" not in texts
    assert "map-label-event" in texts["Vostotchny"].get("class")


def test_labels_stay_inside_and_do_not_overlap():
    places = [Location(f"Lieu numéro {i}", lat=50.0 + i * 0.05, lon=30.0 + i * 0.05) for i in range(6)]
    places.append(Location("Un nom de lieu vraiment très très long au bord", lat=50.0, lon=179.9,
                           event=True))
    root = parse(locator_map(places, width=400, height=240))
    _, _, w, h = viewbox(root)
    boxes = []
    for t in labels(root).values():
        x, y = float(t.get("x")), float(t.get("y"))
        assert 0 <= x <= w and 0 <= y <= h
        boxes.append((y, t.get("text-anchor", "start"), x))
    ys_near = sorted(y for y, _, x in boxes if x < w / 2)
    assert all(b - a >= 11 for a, b in itertools.pairwise(ys_near))  # nudged apart vertically


def test_label_escaping():
    evil = Location("<script>alert(1)</script>", kind="city", lat=48.85, lon=2.35, event=True)
    other = Location('Tom & "Jerry"', kind="city", lat=45.76, lon=4.84)
    svg = locator_map([evil, other], title="<b>Titre</b>")
    assert "<script>" not in svg and "<b>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    root = parse(svg)
    assert "<script>alert(1)</script>" in labels(root)
    assert root.find(f"{SVG}title").text == "<b>Titre</b>"
    assert "<script>" in root.get("aria-label")  # attribute escaping round-trips
    assert not list(root.iter(f"{SVG}script"))


def test_world_view_when_nothing_is_geocoded():
    svg = locator_map([NO_COORDS, Location("Ukraine", kind="country", country="UA", event=True)], lang="en")
    root = parse(svg)
    assert not circles(root, "map-event") and not circles(root, "map-place")
    assert len(list(root.iter(f"{SVG}path"))) > 150  # the whole world
    assert root.find(f"{SVG}title").text == "Locator map"
    event_countries = [p for p in root.iter(f"{SVG}path") if "map-land-event" in p.get("class")]
    assert len(event_countries) == 1  # Ukraine still highlighted
    assert "world view" in root.get("aria-label")
    assert parse(locator_map([])).find(f"{SVG}title").text == "Carte de situation"


def test_antimeridian_view():
    places = [Location("Fidji", country="FJ", lat=-17.7, lon=178.0, event=True),
              Location("Samoa", country="WS", lat=-13.8, lon=-172.1)]
    root = parse(locator_map(places))
    box = viewbox(root)
    (event,) = circles(root, "map-event")
    (samoa,) = circles(root, "map-place")
    assert inside(event, box) and inside(samoa, box)
    assert 0 < samoa[0] - event[0] < 400  # a Pacific view, Samoa just east of Fiji
    d = " ".join(p.get("d") for p in root.iter(f"{SVG}path"))
    assert d  # Fiji's outline crosses the antimeridian and is still drawn


def test_deterministic_and_small(regional):
    assert locator_map([VOSTOTCHNY, MOSCOU, PEKIN, NO_COORDS]) == regional
    assert len(regional.encode()) < 60_000
    world = locator_map([])
    assert locator_map([]) == world
    assert len(world.encode()) < 120_000
    assert not re.search(r"\d\.\d\d", regional.split("</style>")[1])  # one decimal at most


def test_different_maps_use_different_clip_ids(regional):
    ids = {re.search(r'clipPath id="([^"]+)"', s).group(1)
           for s in (regional, locator_map([]), locator_map([MOSCOU]))}
    assert len(ids) == 3


def test_weasyprint_renders_it(tmp_path, regional):
    weasyprint = pytest.importorskip("weasyprint")
    pypdf = pytest.importorskip("pypdf")
    html = (f"<!doctype html><html><head><meta charset='utf-8'></head><body>"
            f"<figure>{regional}<figcaption>{ATTRIBUTION}</figcaption></figure></body></html>")
    out = tmp_path / "map.pdf"
    weasyprint.HTML(string=html).write_pdf(out)
    data = out.read_bytes()
    assert len(data) > 10_000  # the outlines are in there, not an empty page
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Vostotchny" in text and "Natural Earth" in text


def test_country_places_are_outlines_not_dots():
    russie = Location("Russie", kind="country", country="RU", lat=55.75, lon=37.62)
    root = parse(locator_map([Location("Kyiv", country="UA", lat=50.45, lon=30.52, event=True), russie]))
    assert len(circles(root, "map-event")) == 1 and not circles(root, "map-place")
    assert "map-label-country" in labels(root)["Russie"].get("class")
    classes = [p.get("class") for p in root.iter(f"{SVG}path")]
    assert classes.count("map-land map-land-event") == 1  # Ukraine
    assert classes.count("map-land map-land-place") == 1  # Russia


def test_crimea_is_drawn_as_ukraine():
    from briefgen.brief.atlas import _atlas, _contains

    owners = {c.name for c in _atlas() for poly in c.polygons if _contains(list(poly[0]), 34.1, 45.3)}
    assert owners == {"Ukraine"}
