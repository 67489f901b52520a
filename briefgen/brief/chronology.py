"""Timeline: the dated expressions of an article, normalised against the article date.

``timeline(body, article_date, lang)`` finds expressions such as "mercredi",
"dimanche soir", "la semaine dernière", "en 2019", "le 28 juin dernier",
"March 2011" or "two weeks ago" and gives each one an ISO date and a precision:

========== ====================================================================
precision  ``date``
========== ====================================================================
``day``    ``YYYY-MM-DD`` ("hier", "mercredi", "dimanche soir", "28 juin 2012")
``week``   ``YYYY-MM-DD``, the *Monday* of that week ("la semaine dernière",
           "this week", "il y a deux semaines")
``month``  ``YYYY-MM`` ("le mois dernier", "juin 2012", "en mars")
``year``   ``YYYY`` ("en 2019", "l'an dernier", "last year")
========== ====================================================================

Rules (the words come from ``briefgen/data/timeline-<lang>.yaml``, none are in the code):

* expressions are found with regexes built from the word lists, once per language;
  a month standing alone needs a lead word ("en mars", "in June"), French lower case
  ("en Mars" is the planet) and never "May"; a year standing alone needs a lead
  word ("en 2019", "since 2011") and no unit after it ("depuis 2000 ans");
* a weekday is the last such day on or before the article date (news tell of the
  past week): "mercredi" in an article of Wednesday 2023-09-13 is 2023-09-13;
  "mercredi dernier" / "last Wednesday" is strictly before, "vendredi prochain" /
  "next Friday" strictly after; a part of the day ("soir", "night") keeps the day;
* a day and month without a year ("le 4 juillet") takes the year that puts it
  nearest to the article date (ties go to the past); with "dernier"/"prochain" the
  last one on or before / the first one on or after; the same for a month alone;
* relative expressions need the article date; with none, they are left out and
  only absolute dates are kept (the wall clock is never read); when the article
  date has month precision, expressions finer than a month give the article's
  month (precision ``month``), nothing is invented; year precision likewise;
* a body that opens with its own date ("4 juillet 2012. - ...", "PARIS, July 4,
  2012 (AP) -") has a dateline: it is an entry of its own (its own "sentence")
  and, when the article has no date (or a coarser one that agrees), it serves as
  the article date;
* one entry per (date, sentence): the first expression of a sentence for a date is
  kept (a finer precision replaces a coarser one); entries are sorted by date then
  position.

Month names, abbreviations and ordinals are read from the word lists that find
them (the day checked against the calendar); dateparser, imported lazily, reads
numeric orders ("04/07/2012") and counted spans ("il y a 3 jours"). The calendar
arithmetic relative to the article date (weekdays, "hier", "la semaine dernière",
"l'an dernier", year choice) is done here from the word lists: dateparser 1.x
does not read several French forms ("dimanche soir", "mercredi dernier",
"l'an dernier", "la semaine passée", "ce matin", "28 juin dernier",
"il y a quinze jours") and turns a weekday equal to the base date's weekday
into the one a week earlier.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import re
from dataclasses import dataclass

from ..errors import BriefgenError
from ..facts import Evidence

PRECISIONS = ("day", "week", "month", "year")
_RANK = {p: i for i, p in enumerate(PRECISIONS)}  # smaller is finer
_UNITS = ("day", "week", "month", "year")
_ROLES = ("past", "next", "this")
_CASES = ("any", "lower", "title")
_NEUTRAL_BASE = "2000-01-01"  # base for absolute dates, whose result does not depend on it


@dataclass(frozen=True)
class TimelineEntry:
    date: str  # ISO 'YYYY-MM-DD' (day, or the Monday of a week), 'YYYY-MM' or 'YYYY'
    precision: str  # 'day' | 'week' | 'month' | 'year'
    expression: str  # as written, e.g. 'dimanche soir'
    span: Evidence  # the expression's offsets in the body
    sentence: Evidence  # the sentence holding it
    text: str  # that sentence, trimmed: body[sentence.start:sentence.end]


# --------------------------------------------------------------------------- public


def timeline(body: str, article_date: str | None, lang: str) -> list[TimelineEntry]:
    """The dated expressions of ``body``, normalised against ``article_date``
    ('YYYY-MM-DD', 'YYYY-MM', 'YYYY' or None), sorted by date then position."""
    words = _words((lang or "").lower().split("-")[0].split("_")[0])
    if words is None or not body or not body.strip():
        return []
    base = _parse_base(article_date)
    found = _find(body, words)

    resolved: list[tuple[_Match, str, str]] = []
    dateline_end = None
    dateline = _dateline(body, found)
    if dateline is not None:
        match, dateline_end = dateline
        value = _resolve(match, None, words)
        if value is None:
            dateline_end = None
        else:
            resolved.append((match, *value))
            found = [m for m in found if m is not match]
            day = dt.date.fromisoformat(value[0])
            if base is None or (base[1] != "day" and _fmt(day, base[1]) == _fmt(base[0], base[1])):
                base = (day, "day")

    for match in found:
        value = _resolve(match, base, words)
        if value is not None:
            resolved.append((match, *value))

    sentences = _sentences(body, words, dateline_end)
    starts = [s for s, _ in sentences]
    kept: dict[tuple[str, int], TimelineEntry] = {}
    for match, date, precision in sorted(resolved, key=lambda r: (r[0].start, r[0].end)):
        sentence = _sentence_of(sentences, starts, match.start, match.end)
        entry = TimelineEntry(
            date=date,
            precision=precision,
            expression=body[match.start : match.end],
            span=Evidence(match.start, match.end),
            sentence=Evidence(*sentence),
            text=body[sentence[0] : sentence[1]],
        )
        key = (date, sentence[0])
        if key not in kept or _RANK[precision] < _RANK[kept[key].precision]:
            kept[key] = entry
    return sorted(kept.values(), key=lambda e: (e.date, e.span.start, e.span.end))


# --------------------------------------------------------------------------- word lists


@dataclass(frozen=True)
class _Words:
    lang: str
    patterns: list[tuple[str, re.Pattern]]
    weekday_of: dict[str, int]
    month_of: dict[str, int]
    month_case: str
    bare_month_case: str
    markers: dict[str, str]  # folded marker -> role
    relative: dict[str, tuple[str, int]]
    numbers: dict[str, int]
    units: dict[str, str]
    date_order: str
    abbreviations: set[str]
    not_years_before: re.Pattern | None
    not_followed_by: re.Pattern | None
    ago: str | None  # "il y a {n} {unit}"


def _key(text: str) -> str:
    """Fold for look-ups: case, typographic apostrophes, hyphens and runs of spaces."""
    text = text.casefold().replace("’", "'")
    return re.sub(r"[\s\-‐‑]+", " ", text).strip()


def _rx(word: str) -> str:
    """A regex for one listed word: flexible apostrophes, hyphens and spaces; a word
    ending with a letter or digit must end there."""
    out = []
    for ch in word:
        if ch in "'’":
            out.append("['’]")
        elif ch in "-‐‑":
            out.append(r"(?:[-‐‑]|\s+)")
        elif ch.isspace():
            if not out or out[-1] != r"\s+":
                out.append(r"\s+")
        else:
            out.append(re.escape(ch))
    if word and word[-1].isalnum():
        out.append(r"(?!\w)")
    return "".join(out)


def _alt(words) -> str:
    words = sorted({w for w in words if w}, key=lambda w: (-len(w), w))
    return "(?:" + "|".join(_rx(w) for w in words) + ")" if words else "(?!)"


def _leads(words) -> str:
    """Lead words with the space after them (none after a hyphen: "mi-juin")."""
    words = sorted({w for w in words if w}, key=lambda w: (-len(w), w))
    parts = [_rx(w) + (r"\s*" if w[-1] in "-‐‑" else r"\s+") for w in words]
    return "(?:" + "|".join(parts) + ")" if parts else "(?!)"


@functools.cache
def _words(lang: str) -> _Words | None:
    from importlib.resources import files

    from ..text import load_yaml

    if not re.fullmatch(r"[a-z]{2,3}", lang or ""):
        return None
    resource = files("briefgen") / "data" / f"timeline-{lang}.yaml"
    if not resource.is_file():
        return None
    where = f"timeline-{lang}.yaml"
    data = load_yaml(resource.read_text(encoding="utf-8")) or {}

    def strings(name: str) -> list[str]:
        raw = data.get(name) or []
        if not isinstance(raw, list) or not all(isinstance(w, str) for w in raw):
            raise BriefgenError(f"{where}: {name}: expected a list of words (quote yes/no/on/off)")
        return raw

    def mapping(name: str) -> dict:
        raw = data.get(name) or {}
        if not isinstance(raw, dict) or not all(isinstance(k, str) for k in raw):
            raise BriefgenError(f"{where}: {name}: expected a mapping of words (quote yes/no/on/off)")
        return raw

    def choice(name: str, allowed: tuple, default: str) -> str:
        value = data.get(name, default)
        if value not in allowed:
            raise BriefgenError(f"{where}: {name}: expected one of {', '.join(allowed)}")
        return value

    weekdays = strings("weekdays")
    if len(weekdays) != 7:
        raise BriefgenError(f"{where}: weekdays: expected 7 names, Monday first")
    months = data.get("months") or []
    if len(months) != 12 or not all(isinstance(m, list) and m and all(isinstance(w, str) for w in m) for m in months):
        raise BriefgenError(f"{where}: months: expected 12 lists of names, January first")
    month_of = {_key(w): i for i, names in enumerate(months, 1) for w in names}
    ambiguous = {_key(w) for w in strings("ambiguous_months")}
    bare = [w for names in months for w in names if not w.endswith(".") and _key(w) not in ambiguous]
    markers = {**mapping("before_markers"), **mapping("after_markers")}
    if any(role not in _ROLES for role in markers.values()):
        raise BriefgenError(f"{where}: markers: roles are {', '.join(_ROLES)}")
    relative: dict[str, tuple[str, int]] = {}
    for phrase, value in mapping("relative").items():
        if not (isinstance(value, list) and len(value) == 2 and value[0] in _UNITS and isinstance(value[1], int)):
            raise BriefgenError(f"{where}: relative: {phrase}: expected [unit, offset], unit one of {', '.join(_UNITS)}")
        relative[_key(phrase)] = (value[0], value[1])
    numbers = {_key(k): int(v) for k, v in mapping("numbers").items()}
    units = {_key(k): v for k, v in mapping("units").items()}
    if any(u not in _UNITS for u in units.values()):
        raise BriefgenError(f"{where}: units: values are {', '.join(_UNITS)}")
    orders = strings("day_month_orders") or ["day_month"]
    if any(o not in ("day_month", "month_day") for o in orders):
        raise BriefgenError(f"{where}: day_month_orders: day_month or month_day")

    W = "(?P<wd>" + _alt(weekdays) + ")"
    M = "(?P<month>" + _alt([w for names in months for w in names]) + ")"
    M_BARE = "(?P<month>" + _alt(bare) + ")"
    ordinals = _alt(strings("ordinal_suffixes"))
    D = r"(?<!\d)(?P<day>[12]\d|3[01]|0?[1-9])(?:" + ordinals + r")?(?![\d])"
    Y = r"(?P<year>1[5-9]\d\d|20\d\d)(?![\w])"
    LINK = r"(?:" + _alt(strings("day_month_links")) + r"\s+)?" if strings("day_month_links") else ""
    LEAD_D = "(?:(?P<lead>" + _leads(strings("day_leads")) + "))?"
    LEAD_P = "(?P<lead>" + _leads(strings("period_leads")) + ")"
    LEAD_ANY = "(?:(?P<lead>" + _leads(strings("day_leads") + strings("period_leads")) + "))?"
    before, after = mapping("before_markers"), mapping("after_markers")
    BM = "(?:(?P<bm>" + _alt(before) + r")\s+)?" if before else ""
    BM_REQUIRED = "(?P<bm>" + _alt(before) + r")\s+" if before else "(?!)"
    AM = r"(?:\s+(?P<am>" + _alt(after) + "))?" if after else ""
    DP = r"(?:\s+(?P<dp>" + _alt(strings("day_parts")) + "))?"
    start = r"(?<![\w'’])"

    patterns: list[tuple[str, str]] = [
        ("weekday", start + LEAD_D + BM + W + DP + AM),
        ("month_year", start + "(?:" + LEAD_P + ")?" + M + r",?\s+" + Y),
        ("month", start + "(?:" + LEAD_P + "|" + BM_REQUIRED + ")" + M_BARE + AM),
        ("year", start + LEAD_P + Y),
        ("relative", start + LEAD_ANY + "(?P<rel>" + _alt(mapping("relative")) + ")" + DP),
        ("numeric", start + LEAD_D + r"(?<![\d/])(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<year>\d{4})(?![\d/])"),
        ("iso", start + LEAD_D + r"(?<![\d-])(?P<year>\d{4})-(?P<b>\d{2})-(?P<a>\d{2})(?![\d-])"),
    ]
    for order in orders:
        if order == "day_month":
            core = D + r"\s+" + LINK + M + r"(?:,?\s+" + Y + ")?"
        else:
            core = M + r"\s+" + D + r"(?:,?\s+" + Y + ")?"
        patterns.append(("date", start + LEAD_D + BM + "(?:" + W + r",?\s+)?" + core + AM))
    ago = data.get("ago")
    if ago:
        if not isinstance(ago, str) or "{n}" not in ago or "{unit}" not in ago:
            raise BriefgenError(f"{where}: ago: expected a phrase with {{n}} and {{unit}}")
        N = r"(?P<n>\d{1,3}|" + _alt(mapping("numbers")) + ")"
        U = "(?P<unit>" + _alt(mapping("units")) + ")"
        parts = re.split(r"(\{n\}|\{unit\})", ago)
        rx = "".join(N if p == "{n}" else U if p == "{unit}" else _rx(p) if p.strip() else (r"\s+" if p else "") for p in parts)
        patterns.append(("ago", start + rx))

    nyb = strings("not_years_before")
    nfb = strings("not_followed_by")
    return _Words(
        lang=lang,
        patterns=[(kind, re.compile(rx, re.IGNORECASE)) for kind, rx in patterns],
        weekday_of={_key(w): i for i, w in enumerate(weekdays)},
        month_of=month_of,
        month_case=choice("month_case", _CASES, "any"),
        bare_month_case=choice("bare_month_case", _CASES, "any"),
        markers={_key(k): v for k, v in markers.items()},
        relative=relative,
        numbers=numbers,
        units=units,
        date_order=choice("date_order", ("DMY", "MDY", "YMD"), "DMY"),
        abbreviations={_key(w).rstrip(".") for w in strings("abbreviations")},
        not_years_before=re.compile(r"\s*" + _alt(nyb), re.IGNORECASE) if nyb else None,
        not_followed_by=re.compile(_alt(nfb), re.IGNORECASE) if nfb else None,
        ago=ago or None,
    )


# --------------------------------------------------------------------------- finding


@dataclass(frozen=True)
class _Match:
    kind: str
    start: int
    end: int
    groups: dict


def _find(body: str, words: _Words) -> list[_Match]:
    """Every expression, leftmost-longest, without overlaps."""
    candidates = []
    for order, (kind, pattern) in enumerate(words.patterns):
        for m in pattern.finditer(body):
            match = _Match(kind, m.start(), m.end(), {k: v for k, v in m.groupdict().items() if v is not None})
            if _acceptable(body, match, words):
                candidates.append((match.start, -match.end, order, match))
    candidates.sort(key=lambda c: c[:3])
    out: list[_Match] = []
    end = -1
    for start, _, _, match in candidates:
        if start >= end:
            out.append(match)
            end = match.end
    return out


def _case_ok(text: str, case: str) -> bool:
    if case == "lower":
        return text == text.lower()
    if case == "title":
        return text[:1].isupper()
    return True


def _acceptable(body: str, match: _Match, words: _Words) -> bool:
    g = match.groups
    if words.not_followed_by is not None and words.not_followed_by.match(body, match.end):
        return False
    if "month" in g:
        if not _case_ok(g["month"], words.month_case):
            return False
        if match.kind == "month" and not _case_ok(g["month"], words.bare_month_case):
            return False
    nyb = words.not_years_before
    return not (match.kind == "year" and nyb is not None and nyb.match(body, match.end))


def _dateline(body: str, found: list[_Match]) -> tuple[_Match, int] | None:
    """The body's opening date ("4 juillet 2012. - ", "PARIS, July 4, 2012 (AP) —") and
    where the dateline ends."""
    if not found:
        return None
    first = found[0]
    if first.kind not in ("date", "numeric", "iso") or "year" not in first.groups or "lead" in first.groups:
        return None
    if not re.fullmatch(r"\s*(?:[^\W\d][^\n.!?,;:]{0,40},\s*)?", body[: first.start]):
        return None
    tail = re.compile(r"[ \t]*(?:\([^()\n]{1,30}\)[ \t]*)?(?:[.:,]?[ \t]*[-–—]+|[.:]|(?=\n)|\Z)")
    m = tail.match(body, first.end)
    return (first, m.end()) if m else None


# --------------------------------------------------------------------------- resolving

Base = tuple[dt.date, str]  # the article date and its precision: day | month | year


def _parse_base(article_date: str | None) -> Base | None:
    """The article date; an impossible one ('2023-02-30') counts as no date."""
    if not article_date:
        return None
    text = str(article_date).strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return dt.date.fromisoformat(text), "day"
        if re.fullmatch(r"\d{4}-\d{2}", text):
            return dt.date(int(text[:4]), int(text[5:7]), 1), "month"
        if re.fullmatch(r"\d{4}", text):
            return dt.date(int(text), 1, 1), "year"
    except ValueError:
        return None
    return None


def _fmt(day: dt.date, precision: str) -> str:
    if precision == "year":
        return f"{day.year:04d}"
    if precision == "month":
        return f"{day.year:04d}-{day.month:02d}"
    if precision == "week":
        day = day - dt.timedelta(days=day.weekday())
    return day.isoformat()


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _coarser(wanted: str, base: Base) -> tuple[str, str] | None:
    """The article date itself when it is coarser than ``wanted``."""
    if _RANK[base[1]] > _RANK[wanted]:
        return _fmt(base[0], base[1]), base[1]
    return None


@functools.lru_cache(maxsize=4096)
def _dateparser(text: str, lang: str, base: str, order: str) -> dt.datetime | None:
    import dateparser  # slow-ish import (~0.1 s), and language data load on first use

    settings = {
        "RELATIVE_BASE": dt.datetime.fromisoformat(base),
        "PREFER_DATES_FROM": "past",
        "RETURN_AS_TIMEZONE_AWARE": False,
        "PREFER_DAY_OF_MONTH": "first",
        "DATE_ORDER": order,
    }
    try:
        return dateparser.parse(text, languages=[lang], settings=settings)
    except (ValueError, OverflowError):  # an unreadable date is no date
        return None


def _pick_year(month: int, day: int | None, base: Base, role: str) -> int | None:
    """The year for a month (and day) written without one, from the article date."""
    origin, precision = base
    if precision == "year":
        try:
            dt.date(origin.year, month, day or 1)
        except ValueError:
            return None
        return origin.year
    candidates = []
    for year in (origin.year - 1, origin.year, origin.year + 1):
        try:
            when = dt.date(year, month, day or 1)
        except ValueError:
            continue
        if precision == "day" and day is not None:
            distance = (when - origin).days
        else:
            distance = (year * 12 + month) - (origin.year * 12 + origin.month)
        candidates.append((distance, year))
    if role == "past":
        candidates = [c for c in candidates if c[0] <= 0]
        return max(candidates)[1] if candidates else None
    if role == "next":
        candidates = [c for c in candidates if c[0] >= 0]
        return min(candidates)[1] if candidates else None
    return min(candidates, key=lambda c: (abs(c[0]), c[0]))[1] if candidates else None


def _role(g: dict, words: _Words) -> str:
    for name in ("bm", "am"):
        if name in g:
            return words.markers[_key(g[name])]
    return "plain"


def _resolve(match: _Match, base: Base | None, words: _Words) -> tuple[str, str] | None:
    """(date, precision) of one expression, or None when it cannot be dated."""
    g, kind, lang = match.groups, match.kind, words.lang

    if kind in ("date", "month_year", "month"):
        month = words.month_of[_key(g["month"])]
        day = int(g["day"]) if "day" in g else None
        year = int(g["year"]) if "year" in g else None
        try:  # the word lists that found the month name have read it: only the calendar is left to check
            dt.date(year or 2000, month, day or 1)  # (2000: a leap year, for a yearless 29 February)
        except ValueError:
            return None
        if year is None:
            if base is None:
                return None
            year = _pick_year(month, day, base, _role(g, words))
            if year is None:
                return None
        when = dt.date(year, month, day or 1)
        return _fmt(when, "day" if day else "month"), "day" if day else "month"

    if kind == "year":
        return g["year"], "year"

    if kind in ("numeric", "iso"):
        core = f"{g['a']}/{g['b']}/{g['year']}" if kind == "numeric" else f"{g['year']}-{g['b']}-{g['a']}"
        order = words.date_order if kind == "numeric" else "YMD"
        read = _dateparser(core, lang, _NEUTRAL_BASE, order)
        return (read.date().isoformat(), "day") if read is not None and read.year == int(g["year"]) else None

    if base is None:
        return None  # relative to the article date, which is unknown
    origin = base[0]

    if kind == "weekday":
        coarse = _coarser("day", base)
        if coarse:
            return coarse
        weekday = words.weekday_of[_key(g["wd"])]
        back = (origin.weekday() - weekday) % 7
        role = _role(g, words)
        if role == "past":
            when = origin - dt.timedelta(days=back or 7)
        elif role == "next":
            when = origin + dt.timedelta(days=(weekday - origin.weekday()) % 7 or 7)
        elif role == "this":
            when = origin + dt.timedelta(days=weekday - origin.weekday())
        else:
            when = origin - dt.timedelta(days=back)
        return when.isoformat(), "day"

    if kind == "relative":
        unit, offset = words.relative[_key(g["rel"])]
        coarse = _coarser(unit, base)
        if coarse:
            return coarse
        if unit == "day":
            return (origin + dt.timedelta(days=offset)).isoformat(), "day"
        if unit == "week":
            return _fmt(origin + dt.timedelta(weeks=offset), "week"), "week"
        if unit == "month":
            return _fmt(_add_months(origin, offset), "month"), "month"
        return f"{origin.year + offset:04d}", "year"

    if kind == "ago":
        unit = words.units[_key(g["unit"])]
        coarse = _coarser(unit, base)
        if coarse:
            return coarse
        n = int(g["n"]) if g["n"].isdigit() else words.numbers.get(_key(g["n"]))
        if not n:
            return None
        phrase = words.ago.format(n=n, unit=g["unit"])  # digits: dateparser knows few number words
        read = _dateparser(phrase, lang, origin.isoformat(), words.date_order)
        if read is None:
            return None
        return _fmt(read.date(), unit), unit

    return None


# --------------------------------------------------------------------------- sentences

_END = re.compile(r"[.!?…]+(?:[ \u00a0\u202f]?[»\"”’)\]])*(?=\s+[«\"“‘'(\[]?[^\W\d_a-zà-öø-ÿ]|\s*\Z)|\n[ \t]*\n")


def _sentences(body: str, words: _Words, cut: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans, trimmed: a sentence ends at . ! ? … before a capital or a quote
    (not after an abbreviation or an initial), or at a blank line."""
    pieces = [(0, cut), (cut, len(body))] if cut else [(0, len(body))]
    out: list[tuple[int, int]] = []
    for lo, hi in pieces:
        begin = lo
        for m in _END.finditer(body, lo, hi):
            if m.group().startswith("\n"):
                stop = m.start()
            else:
                if body[m.start()] == "." and _abbreviation(body, m.start(), words):
                    continue
                stop = m.end()
            _add(body, begin, stop, out)
            begin = m.end()
        _add(body, begin, hi, out)
    return out


def _abbreviation(body: str, dot: int, words: _Words) -> bool:
    token = re.search(r"[\w.'’\-]+\Z", body[max(0, dot - 30) : dot])
    if not token:
        return False
    text = token.group().rstrip(".")
    return (len(text) == 1 and text.isupper()) or _key(text) in words.abbreviations


def _add(body: str, start: int, end: int, out: list) -> None:
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    if end > start:
        out.append((start, end))


def _sentence_of(sentences, starts, start: int, end: int) -> tuple[int, int]:
    i = max(bisect.bisect_right(starts, start) - 1, 0)
    j = max(bisect.bisect_right(starts, max(end - 1, start)) - 1, i)
    return sentences[i][0], max(sentences[j][1], end)
