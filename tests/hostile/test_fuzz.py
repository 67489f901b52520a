"""Property-based fuzzing (Hypothesis) of the three stages: ingest, extraction, rendering.

What is fuzzed:

* **Ingest** (``briefgen.ingest.read_article``): arbitrary Unicode bodies, arbitrary bytes and
  arbitrary front matter (YAML dumped from random values, and raw ``key: value`` lines with
  YAML syntax, tags, bad dates and near-miss TLP markings) written to ``a.md``, ``a.txt`` and
  ``a.html``. The only exception allowed out is :class:`briefgen.errors.BriefgenError`; an
  article that is accepted has a non-empty body, a YYYY-MM[-DD] date that is a real day, a TLP
  marking and an http(s) URL or none.
* **Extraction** (the real spaCy models, warm): texts built from random Unicode mixed with
  French and English sentence fragments of our own (names, « » and “ ” quotes, "a déclaré",
  "said"), so that actors and reactions are really found. Extraction raises nothing but
  BriefgenError; every evidence span lies inside the body; every reaction's speaker is an actor;
  kinds are those of the facts contract; the facts survive a JSON round trip.
* **Rendering** (``Pipeline.html`` and ``Pipeline.pdf``): arbitrary Facts objects (and facts
  extracted from generated text with hostile strings put into names, roles, quotes, labels:
  ``<script>``, ``</style>``, ``{{ 7*7 }}``, right-to-left text, very long words). The HTML
  parses without error (html5lib), has exactly the ``<script>``/``<style>`` elements of a benign
  brief, no injected element or ``on*`` attribute, no evaluated template expression, and its
  appendix shows the body text unchanged, and every in-page link (``[n]`` -> sentence n) has its
  target; the PDF starts with ``%PDF``, pypdf opens it, and its text holds the marking and the
  brief's reference.

The bugs it found have a test each with their minimal example: unreadable YAML tags
(``!!int abc``), evidence spans that overlap, noncharacters and control characters in the HTML.

The default budget (``BRIEFGEN_FUZZ_EXAMPLES``, 25 examples a test; the two PDF tests get 40 %
of it) is small, for CI. For a longer run::

    BRIEFGEN_FUZZ_EXAMPLES=2000 .venv/bin/python -m pytest -q tests/hostile/test_fuzz.py

``BRIEFGEN_FUZZ_SHRINK=0`` reports a failure as found, without shrinking it (a failing PDF test
can shrink for minutes). Hypothesis keeps the failing examples it finds in ``.hypothesis/`` and
replays them first; under ``CI=true`` its ``ci`` profile makes every run the same (derandomized).
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import os
import re
import string
import tempfile
import unicodedata
from pathlib import Path

import html5lib
import pytest
import yaml
from conftest import REPO_CONFIG, facts_of, squash, write_config
from hypothesis import HealthCheck, Phase, assume, event, example, given, note, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from briefgen.config import TLP_LEVELS, load_config
from briefgen.errors import BriefgenError
from briefgen.facts import (
    Actor,
    ArticleInfo,
    Evidence,
    Facts,
    Location,
    Reaction,
    Stake,
)
from briefgen.facts.contract import ACTOR_KINDS, LOCATION_KINDS, REACTION_KINDS
from briefgen.ingest import Article, read_article
from briefgen.ingest.files import clean_body
from briefgen.pipeline import Pipeline

EXAMPLES = int(os.environ.get("BRIEFGEN_FUZZ_EXAMPLES", "25"))
# BRIEFGEN_FUZZ_SHRINK=0: report failures as found, unshrunk (a failing render shrinks for minutes)
PHASES = [p for p in Phase if os.environ.get("BRIEFGEN_FUZZ_SHRINK", "1") != "0" or p is not Phase.shrink]
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    phases=PHASES,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                           HealthCheck.filter_too_much, HealthCheck.data_too_large],
)
# rendering a PDF costs ~0.2 s: the render tests get a smaller share of the budget
RENDER = settings(FUZZ, max_examples=max(5, EXAMPLES * 2 // 5))

CONFIG = load_config(REPO_CONFIG)
BOILERPLATE = tuple(CONFIG.boilerplate)
ARTICLE_KB = CONFIG.limits.article_kb
TOPICS = list(CONFIG.topics)
DATE_RE = re.compile(r"\d{4}-\d{2}(-\d{2})?")

# --------------------------------------------------------------------------- text strategies



def noncharacter(c: str) -> bool:
    """U+FDD0..U+FDEF and U+xxFFFE/U+xxFFFF: a parse error in HTML."""
    cp = ord(c)
    return 0xFDD0 <= cp <= 0xFDEF or cp & 0xFFFE == 0xFFFE


# random Unicode as an article may hold it: no surrogates; any control character (ingest drops them)
any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=200)
# what an ingested body holds: no C0/C1 controls but tab and line feed...
body_chars = st.characters(exclude_categories=("Cs", "Cc"), include_characters="\n\t")
# ...noncharacters included (the renderer drops them)
clean_chars = body_chars
body_text = st.text(body_chars, max_size=60)
clean_text = st.text(clean_chars, max_size=60)

NAMES = ["Marie Dufresne", "Jean-Luc Morvan", "Ahmed Benkirane", "Olga Verkhova", "Kenji Arakawa",
         "Sarah O'Donnell", "Thomas Whitcombe", "Nguyễn Thị Lan", "Fatou Ndiaye", "Pieter van Dam",
         "le général Armand Lestrade", "la ministre Claire Bastide"]
ROLES_FR = ["le ministre des Affaires étrangères", "porte-parole du gouvernement", "le président du Sénat",
            "la directrice de l'agence", "un responsable militaire"]
ROLES_EN = ["the foreign minister", "a government spokeswoman", "the head of the agency",
            "the defence secretary", "a senior official"]
PLACES = ["Paris", "Lyon", "Bamako", "Berlin", "Tokyo", "Kyiv", "Moscou", "Washington", "Dakar",
          "la France", "la Russie", "le Mali", "Japan", "Germany"]
BODIES = ["l'ONU", "l'OTAN", "the United Nations", "le gouvernement malien", "the European Union",
          "la Commission européenne"]
SAYS_FR = ["a déclaré", "a affirmé", "a dit", "a estimé", "a indiqué", "a assuré", "a annoncé"]
SAYS_EN = ["said", "told reporters", "stated", "warned", "announced"]
QUOTES = ["nous ne céderons pas", "la situation est grave", "les négociations reprendront lundi",
          "we will not back down", "the talks were constructive", "this is unacceptable",
          "les sanctions seront levées", "troops will leave by spring"]


def sentences(random_text):
    """French and English sentences from the fragments above, random text in the quotes."""
    name = st.sampled_from(NAMES)
    quote = st.one_of(st.sampled_from(QUOTES), random_text.filter(lambda s: "\n" not in s))
    fr_sentence = st.one_of(
        st.builds("« {} », {} {}.".format, quote, st.sampled_from(SAYS_FR), name),
        st.builds("{} {} : « {} ».".format, name, st.sampled_from(SAYS_FR), quote),
        st.builds("{}, {}, {} que {}.".format, name, st.sampled_from(ROLES_FR), st.sampled_from(SAYS_FR), quote),
        st.builds("Selon {}, {}.".format, st.sampled_from(BODIES), quote),
        st.builds("{} s'est rendu mardi à {} pour rencontrer {}.".format, name, st.sampled_from(PLACES), name),
        st.builds("« {} », a-t-{} ajouté.".format, quote, st.sampled_from(["il", "elle"])),
    )
    en_sentence = st.one_of(
        st.builds("“{},” {} {}.".format, quote, st.sampled_from(SAYS_EN), name),
        st.builds("{}, {}, {} that {}.".format, name, st.sampled_from(ROLES_EN), st.sampled_from(SAYS_EN), quote),
        st.builds("{} {}: “{}”.".format, name, st.sampled_from(SAYS_EN), quote),
        st.builds("According to {}, {}.".format, st.sampled_from(BODIES), quote),
        st.builds("{} met {} in {} on Monday.".format, name, name, st.sampled_from(PLACES)),
    )
    return fr_sentence, en_sentence


# stray pieces the speech rules must survive: unbalanced quotes, honorifics, dashes, lone verbs
DEBRIS = st.sampled_from(["«", "»", "“", "”", "\"", "« «", "» »", "—", "–", ":", "M.", "Mme", "Dr.",
                          "a-t-il dit", "a déclaré", "said", "selon", "according to", "»,", "”,", "...", "(", ")",
                          "•", "-"])
SEPARATORS = st.sampled_from([" ", " ", "\n", "\n\n", "\n\n\n", "  ", "\t"])


@st.composite
def article_texts(draw, max_chars: int = 2000, clean: bool = False):
    """Sentence fragments of both languages mixed with random Unicode, at most ``max_chars``
    (``clean``: the characters of an ingested body only)."""
    random_text = clean_text if clean else body_text
    fr_sentence, en_sentence = sentences(random_text)
    lang = draw(st.sampled_from(["fr", "en", "mixed"]))
    sentence = {"fr": fr_sentence, "en": en_sentence}.get(lang, st.one_of(fr_sentence, en_sentence))
    wild = st.text(clean_chars, max_size=40) if clean else any_text.map(lambda s: s[:40])
    piece = st.one_of(sentence, sentence, sentence, random_text, wild, DEBRIS)
    parts = draw(st.lists(st.tuples(piece, SEPARATORS), min_size=1, max_size=14))
    return "".join(p + sep for p, sep in parts)[:max_chars]


# --------------------------------------------------------------------------- front matter strategies

FM_KEYS = ["title", "date", "source", "language", "lang", "licence", "license", "url", "marking", "reliability"]
VALID_DATES = st.dates().map(lambda d: d.isoformat()) | st.dates().map(lambda d: d.isoformat()[:7])
MARKINGS = st.sampled_from([*TLP_LEVELS, "tlp:amber", " TLP:red ", "TLP:AMBER+STRICT", "TLP-GREEN", "TLP:WHITE",
                            "AMBER", "tlp:clear\n", "TLP:", "", "TLP:AMBER+", "secret"])
# raw YAML right of "key: ": syntax, tags, anchors, timestamps, near-misses
YAML_NASTIES = [
    "!!int abc", "!!float a", "!!timestamp a", "!!int 12", "!!float 1.5", "!!timestamp 2024-99-99", "!!timestamp 2024-03-05", "!!binary ***", "!!binary aGk=",
    "!!python/object/apply:os.system ['true']", "!!bool maybe", "!!str", "!!null x", "!!set {a, b}",
    "!!omap [a, b]", "!!pairs [1]", "!!map [1]", "!!seq {a: 1}", "!custom x", "*undefined", "&a [*a]",
    "[unclosed", "{a: 1", "'quote", '"dq', "2012-02-30", "2024-13-01", "2024-00", "2024-3-5", "2024-03-05T10:00:00Z",
    "2024-03-05 25:61:61", "0x1F", "1e400", ".inf", "-.nan", "~", "null", "yes", "no", "0o777", "1_000",
    "|", ">-", "- a", "? x", "%TAG", "@x", "`x", "<<: *a", "{? a}", "[[[[[[[]]]]]]]", "\ta", "a: b: c",
    "javascript:alert(1)", "https://example.org/<script>", "http://", "ftp://x",
]
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=40), VALID_DATES,
                    MARKINGS, st.dates(), st.datetimes())
values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6)


@st.composite
def front_matter(draw) -> str:
    """A front matter block: YAML dumped from random values, raw lines, or both."""
    lines = []
    for _ in range(draw(st.integers(0, 7))):
        key = draw(st.sampled_from(FM_KEYS) | st.text(max_size=10))
        if draw(st.booleans()):
            try:
                lines.append(yaml.safe_dump({key: draw(values)}, allow_unicode=draw(st.booleans()),
                                            default_flow_style=draw(st.sampled_from([None, True, False]))))
            except yaml.YAMLError:  # a value safe_dump cannot write
                continue
        else:
            raw = draw(st.sampled_from(YAML_NASTIES) | MARKINGS | VALID_DATES | st.text(max_size=40))
            lines.append(f"{key}: {raw}\n")
    opening = draw(st.sampled_from(["---\n", "--- \n", "---\t\n", "---\r\n"]))
    closing = draw(st.sampled_from(["---\n", "--- \n", "---", "...\n", "---\r\n"]))
    return opening + "".join(lines) + closing


def encodings(text: str):
    return st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32", "cp1252", "latin-1"]).map(
        lambda enc: _encode(text, enc))


def _encode(text: str, encoding: str) -> bytes:
    try:
        return text.encode(encoding)
    except UnicodeEncodeError:
        return text.encode(encoding, "replace")


# --------------------------------------------------------------------------- helpers


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def write_file(scratch: Path, name: str, data: bytes) -> Path:
    """``data`` as ``name`` in a folder of its own (two ids in one folder are refused together)."""
    path = Path(tempfile.mkdtemp(dir=scratch)) / name
    path.write_bytes(data)
    return path


def read(path: Path) -> Article:
    """read_article as the pipeline calls it; BriefgenError is the only exception allowed out."""
    try:
        return read_article(path, BOILERPLATE, ARTICLE_KB)
    except BriefgenError as exc:
        assert str(exc).strip(), "a BriefgenError with no message"
        raise


def check_accepted(article: Article) -> None:
    """What an accepted article promises downstream."""
    assert article.body.strip(), "accepted with an empty body"
    assert article.body.endswith("\n") and "\n\n\n" not in article.body and "\r" not in article.body
    assert not re.search("[\x00-\x08\x0e-\x1f\x7f-\x9f]", article.body), "a control character left in the body"
    if article.date is not None:
        assert DATE_RE.fullmatch(article.date), article.date
    if "marking" in article.meta:
        assert article.meta["marking"] in TLP_LEVELS, article.meta["marking"]
    if article.url is not None:
        assert article.url.startswith(("http://", "https://")), article.url
    for value in (article.title, article.language, article.source, article.licence):
        assert value is None or isinstance(value, str)


# --------------------------------------------------------------------------- 1. ingest


def read_or_refused(path) -> None:
    """Read ``path``: refused with a BriefgenError (counted by its first words), or accepted and
    well formed; anything else fails the test."""
    try:
        article = read(path)
    except BriefgenError as exc:
        event("refused: " + " ".join(re.findall(r"[a-z]+", exc.message.lower())[:4]))
        return
    event("accepted")
    check_accepted(article)


@FUZZ
@given(fm=st.one_of(st.just(""), front_matter()), body=st.one_of(article_texts(600), any_text),
       suffix=st.sampled_from([".md", ".txt"]), data=st.data())
@example(fm="---\ndate: 2012-02-30\nmarking: tlp:amber\n---\n", body="Un texte.\n", suffix=".md", data=None)
def test_ingest_raises_only_briefgen_errors(scratch, fm, body, suffix, data):
    text = fm + body
    if suffix == ".txt" and data is not None and data.draw(st.booleans(), label="date header"):
        text = "date " + data.draw(VALID_DATES | st.text(max_size=12), label="date") + "\n" + text
    raw = data.draw(encodings(text), label="encoding") if data is not None else text.encode()
    path = write_file(scratch, "a" + suffix, raw)
    read_or_refused(path)


@settings(FUZZ, report_multiple_bugs=False)
@given(key=st.sampled_from(FM_KEYS) | st.text(string.ascii_letters, min_size=1, max_size=8),
       tag=st.sampled_from(["!!int", "!!float", "!!timestamp"]),
       value=st.text(string.ascii_letters, min_size=1, max_size=8))
@example(key="title", tag="!!int", value="abc")
@example(key="x", tag="!!float", value="a")
@example(key="x", tag="!!timestamp", value="a")
def test_bad_yaml_tags_raise_only_briefgen_errors(scratch, key, tag, value):
    """A tagged scalar that its tag cannot read is an invalid front matter, like any bad YAML."""
    path = write_file(scratch, "a.md", f"---\n{key}: {tag} {value}\n---\nUn texte.\n".encode())
    read_or_refused(path)


@st.composite
def spliced_bytes(draw) -> bytes:
    """Article text (as a web page, for .html) with random bytes spliced in: mostly not binary, often
    not UTF-8, so that decoding and its error messages are reached, not only "binary file"."""
    text = draw(article_texts(600))
    if draw(st.booleans()):
        text = (f"<html><head><meta charset={draw(st.sampled_from(['utf-8', 'latin-1', 'x-bogus', '']))}>"
                f"<title>{draw(body_text)}</title></head><body><article><p>{text}</p></article></body></html>")
    data = bytearray(draw(encodings(text)))
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(data)))
        data[at:at] = draw(st.binary(min_size=1, max_size=4))
    return bytes(data)


@FUZZ
@given(raw=st.binary(max_size=3000) | spliced_bytes(), suffix=st.sampled_from([".md", ".txt", ".html"]))
@example(raw=b"---\n\xff\xfe---\n", suffix=".md")
@example(raw=b"\xef\xbb\xbf\x00\x00", suffix=".txt")
@example(raw=b"<html><body><p>\x00</p></body></html>", suffix=".html")
def test_ingest_arbitrary_bytes(scratch, raw, suffix):
    path = write_file(scratch, "a" + suffix, raw)
    read_or_refused(path)


# --------------------------------------------------------------------------- 2. extraction


def check_facts(facts: Facts, body: str) -> None:
    n = len(body)
    groups = {"actors": facts.actors, "locations": facts.locations, "stakes": facts.stakes,
              "reactions": facts.reactions}
    for group, items in groups.items():
        for item in items:
            for ev in item.evidence:
                assert isinstance(ev.start, int) and isinstance(ev.end, int)
                assert 0 <= ev.start < ev.end <= n, f"{group}: evidence {ev} outside the body (length {n})"
    names = {a.name for a in facts.actors}
    for r in facts.reactions:
        assert r.speaker in names, f"speaker {r.speaker!r} is not an actor ({sorted(names)})"
        assert r.kind in REACTION_KINDS and r.text.strip()
    for a in facts.actors:
        assert a.kind in ACTOR_KINDS and a.name.strip() and a.mentions >= 0
    for loc in facts.locations:
        assert loc.kind in LOCATION_KINDS and loc.name.strip()
        assert (loc.lat is None) == (loc.lon is None)
        if loc.lat is not None:
            assert -90 <= loc.lat <= 90 and -180 <= loc.lon <= 180
    for s in facts.stakes:
        assert s.topic in TOPICS
    assert Facts.from_json(facts.to_json()) == facts


@FUZZ
@given(text=article_texts(), fmt=st.sampled_from(["txt", "md-fr", "md-en", "md"]))
def test_extraction_offsets_and_speakers(scratch, extractor, text, fmt):
    if fmt == "txt":
        path = write_file(scratch, "a.txt", text.encode())
    else:
        header = f"---\nlanguage: {fmt[3:]}\n---\n" if fmt != "md" else ""
        path = write_file(scratch, "a.md", (header + text).encode())
    try:
        article = read(path)
    except BriefgenError:
        assume(False)
    try:
        facts = extractor.extract(article)
    except BriefgenError:
        return
    note(f"facts: {facts.to_json()}")
    event(f"{facts.article.language}: actors {min(len(facts.actors), 3)}+, reactions {min(len(facts.reactions), 3)}+")
    check_facts(facts, article.body)


def test_fragments_reach_the_reaction_rules(extractor):
    """The fragment library makes the extractor find actors and reactions (else test 2 is vacuous)."""
    fr = facts_of(extractor, f"« {QUOTES[1]} », a déclaré {NAMES[0]}. "
                             f"{NAMES[2]}, {ROLES_FR[1]}, a affirmé que {QUOTES[2]}.\n")
    en = facts_of(extractor, f"“{QUOTES[4]},” said {NAMES[6]}. "
                             f"{NAMES[1]}, {ROLES_EN[0]}, warned that {QUOTES[5]}.\n", language="en")
    for facts in (fr, en):
        assert facts.actors and facts.reactions, facts


# --------------------------------------------------------------------------- 3. rendering

SENTINELS = {"ZQ{{ 7*7 }}QZ": "ZQ49QZ", "ZQ{{ 7*'7' }}QZ": "ZQ7777777QZ", "ZQ{% if 1 %}yes{% endif %}QZ": "ZQyesQZ",
             "ZQ${7*7}QZ": "ZQ49QZ", "ZQ#{7*7}QZ": "ZQ49QZ"}
HOSTILE = [
    "<script>alert(1)</script>", "</style><script>alert(2)</script>", "</title><script>alert(3)</script>",
    "<img src=x onerror=alert(4)>", "\"><svg onload=alert(5)>", "' onmouseover='alert(6)' x='",
    "<iframe src=javascript:alert(7)>", "</textarea></noscript><script>alert(8)</script>", "<!--", "-->",
    "]]>", "<![CDATA[x]]>", "&amp;&lt;&#x3C;script&#x3E;", "\\", "\\\\\"", "@import url(http://127.0.0.1/x.css);",
    "url(file:///etc/passwd)", "javascript:alert(9)", "}</style><style>body{display:none}",
    *SENTINELS,
    "مرحبا بالعالم، قال المتحدث", "שלום עולם", "\u202eevil\u202c", "\u200f\u200e\u200d", "\u061c",
    "W" * 400, "Donaudampfschifffahrtsgesellschaftskapitän" * 6, "🇫🇷🏳️‍🌈👩🏽‍🔬", "\u00ad\u00ad\u00ad",
    "\ufeff", "\u3000", "ＡＢＣ", "e\u0301\u0301\u0301\u0301", "ﷺ", "𒐫", "\U0001F4A9" * 30, "\ufffd",
]
# controls and noncharacters are left to test_noncharacters_and_controls_make_valid_html
hostile_text = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(clean_chars, max_size=40),
    st.lists(st.sampled_from(HOSTILE) | st.text(clean_chars, max_size=10), min_size=1, max_size=4).map(" ".join),
)
maybe_text = st.none() | hostile_text
CONTRACT_TOPICS = ["diplomacy", "military", "arms-transfer", "nuclear-missile", "space", "sanctions",
                   "trade-economy", "energy", "cyber", "terrorism", "humanitarian", "human-rights",
                   "domestic-politics", "territorial", "health", "environment", "legal"]
COUNTRIES = ["FR", "RU", "UA", "US", "ML", "JP", "DE", "IL", "PS", "KP", "SN", "XK", "ZZ"]


@st.composite
def sentence_spans(draw, body: str) -> list[Evidence]:
    """The body cut into "sentences" (random cuts inside each paragraph), as the extractor gives
    evidence, plus now and then one across two of them (as a correction's quote gives)."""
    cut = []
    for m in re.finditer(r"[^\n](?:.|\n(?!\n))*", body):
        points = draw(st.sets(st.integers(m.start() + 1, m.end() - 1), max_size=4)) if m.end() - m.start() > 1 else ()
        edges = [m.start(), *sorted(points), m.end()]
        cut += [Evidence(a, b) for a, b in itertools.pairwise(edges)]
    if len(cut) > 1 and draw(st.booleans()):
        i = draw(st.integers(0, len(cut) - 2))
        cut.append(Evidence(cut[i].start, cut[i + 1].end))
    return cut


@st.composite
def article_and_facts(draw, scratch: Path):
    lines = st.lists(hostile_text, min_size=1, max_size=8).map("\n".join)
    body = clean_body(draw(st.one_of(article_texts(1200, clean=True), lines)))
    assume(body.strip())
    evidence = st.lists(st.sampled_from(draw(sentence_spans(body))), max_size=3)
    lat = st.floats(-90, 90)
    lon = st.floats(-180, 180)
    actors = draw(st.lists(st.builds(
        Actor, name=hostile_text.filter(str.strip), aliases=st.lists(hostile_text, max_size=5),
        kind=st.sampled_from(ACTOR_KINDS), role=maybe_text, affiliation=maybe_text,
        mentions=st.integers(0, 1000), evidence=evidence), max_size=6))
    locations = []
    for _ in range(draw(st.integers(0, 5))):
        has_coords = draw(st.booleans())
        locations.append(Location(
            name=draw(hostile_text.filter(str.strip) | st.sampled_from(PLACES)),
            aliases=draw(st.lists(hostile_text, max_size=3)),
            kind=draw(st.sampled_from(LOCATION_KINDS)), country=draw(st.none() | st.sampled_from(COUNTRIES)),
            lat=draw(lat) if has_coords else None, lon=draw(lon) if has_coords else None,
            event=draw(st.booleans()), evidence=draw(evidence)))
    stakes = draw(st.lists(st.builds(Stake, topic=st.sampled_from(CONTRACT_TOPICS), label=hostile_text,
                                     evidence=evidence), max_size=4))
    reactions = []
    if actors:
        reactions = draw(st.lists(st.builds(
            Reaction, speaker=st.sampled_from([a.name for a in actors]), text=hostile_text,
            kind=st.sampled_from(REACTION_KINDS), evidence=evidence), max_size=5))
    title, source = draw(maybe_text), draw(maybe_text)
    day = st.dates(min_value=dt.date(1000, 1, 1)).map(dt.date.isoformat)
    date = draw(st.none() | day | day.map(lambda d: d[:7]))
    language = draw(st.sampled_from(["fr", "en", "de", "ar"]))
    article_id = draw(st.from_regex(r"[A-Za-z0-9_.-]{1,80}", fullmatch=True) | hostile_text.filter(str.strip))
    meta = {}
    if draw(st.booleans()):
        meta["marking"] = draw(st.sampled_from(TLP_LEVELS))
    if draw(st.booleans()):
        meta["reliability"] = draw(st.sampled_from(["A", "b", "F", "Z", "<script>"]))
    url = draw(st.none() | st.text(clean_chars, max_size=30).map(lambda s: "https://example.org/" + s))
    folder = Path(tempfile.mkdtemp(dir=scratch))
    article = Article(id=article_id, path=folder / "a.txt", body=body, title=title, date=date, language=language,
                      source=source, licence=draw(maybe_text), url=url, meta=meta)
    facts = Facts(article=ArticleInfo(id=article_id, title=title, date=date, language=language, source=source),
                  actors=actors, locations=locations, stakes=stakes, reactions=reactions)
    return article, facts


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory) -> Pipeline:
    root = tmp_path_factory.mktemp("fuzz-render")
    return Pipeline(load_config(write_config(root / "config.yaml", seeds="seeds", output="out")), warn=lambda m: None)


def parse(html: str):
    parser = html5lib.HTMLParser(tree=html5lib.getTreeBuilder("etree"), namespaceHTMLElements=False)
    doc = parser.parse(html)
    return doc, parser.errors


def local(tag) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def element_counts(doc) -> dict[str, int]:
    counts: dict[str, int] = {}
    for el in doc.iter():
        counts[local(el.tag)] = counts.get(local(el.tag), 0) + 1
    return counts


@pytest.fixture(scope="module")
def benign(pipeline, scratch):
    """A brief of plain facts: the <script>/<style> elements the templates themselves ship."""
    folder = Path(tempfile.mkdtemp(dir=scratch))
    body = "Marie Dufresne a rencontré Kenji Arakawa à Paris. « Tout va bien », a-t-elle dit.\n"
    article = Article(id="benign", path=folder / "benign.txt", body=body, language="fr")
    facts = Facts(article=ArticleInfo(id="benign", title=None, date="2024-03-05", language="fr", source=None),
                  actors=[Actor("Marie Dufresne", mentions=2, evidence=[Evidence(0, 50)])],
                  locations=[Location("Paris", kind="city", country="FR", lat=48.85, lon=2.35, event=True,
                                      evidence=[Evidence(0, 50)]),
                             Location("France", kind="country", country="FR", lat=46.0, lon=2.0)],
                  reactions=[Reaction("Marie Dufresne", "Tout va bien", evidence=[Evidence(51, len(body) - 1)])])
    html = pipeline.html(article, facts)
    doc, errors = parse(html)
    assert not errors, errors
    counts = element_counts(doc)
    assert counts.get("style", 0) >= 1 and counts.get("main") == 1  # the checks below compare with these
    return {"script": counts.get("script", 0), "style": counts.get("style", 0),
            "raw_script": len(re.findall(r"<script", html, re.IGNORECASE))}


INJECTED = {"img", "iframe", "object", "embed", "textarea", "noscript", "link", "base", "form", "input"}


def check_render(pipeline, benign, article: Article, facts: Facts) -> None:
    check_pdf(article, pipeline.pdf(check_html(pipeline, benign, article, facts)))


def check_html(pipeline, benign, article: Article, facts: Facts) -> str:
    """The brief's HTML, checked: valid, nothing injected, the body shown as it is, links resolved."""
    html = pipeline.html(article, facts)
    doc, errors = parse(html)
    bad = sorted({c for c in html if noncharacter(c) or (unicodedata.category(c) == "Cc" and c not in "\t\n\r\f")})
    assert not errors, f"HTML parse errors: {errors[:5]}; code points that HTML forbids: {bad}"
    counts = element_counts(doc)
    for tag in ("html", "head", "body", "main", "title"):  # HTML elements (an SVG <title> is namespaced)
        assert sum(el.tag == tag for el in doc.iter()) == 1, f"not one <{tag}> element"
    assert counts.get("script", 0) == benign["script"], "a <script> element came from the facts"
    assert len(re.findall(r"<script", html, re.IGNORECASE)) == benign["raw_script"], "'<script' unescaped in the HTML"
    assert counts.get("style", 0) <= benign["style"], "a <style> element came from the facts"
    assert not INJECTED & counts.keys(), f"injected elements: {INJECTED & counts.keys()}"
    for el in doc.iter():
        bad = [k for k in el.attrib if str(k).lower().startswith("on")]
        assert not bad, f"event handler attributes {bad} on <{local(el.tag)}>"
    for rendered in SENTINELS.values():
        assert rendered not in html, f"a template expression was evaluated: {rendered}"
    # the appendix shows the body unchanged (numbers in <sup> aside), one <p> per paragraph
    text_div = next(el for el in doc.iter() if local(el.tag) == "div" and "article-text" in el.get("class", "").split())
    shown = []
    for p in text_div:
        for sup in [el for el in p.iter() if local(el.tag) == "sup"]:
            sup.text = ""
        shown.append("".join(p.itertext()))
    expected = [block for block in article.body.split("\n\n") if block.strip()]
    assert shown == expected, "the appendix does not show the body as it is"

    # every link inside the brief has its target (the evidence numbers [n] -> the appendix's sentence n)
    ids = {el.get("id") for el in doc.iter() if el.get("id")}
    dangling = sorted({el.get("href") for el in doc.iter() if local(el.tag) == "a"
                       and (el.get("href") or "").startswith("#") and el.get("href")[1:] not in ids})
    assert not dangling, f"links to no element: {dangling}"
    return html


def check_pdf(article: Article, pdf: bytes) -> None:
    """A PDF that pypdf opens, with a text layer that holds the marking and the reference."""
    assert pdf.startswith(b"%PDF"), pdf[:20]
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 1
    text = "".join(page.extract_text() or "" for page in reader.pages)
    if "\x00" in text:
        # pypdf (7.1) cannot decode the embedded CMap /Encoding that WeasyPrint 70 writes for a font
        # of which a glyph is missing (.notdef): it reads the 2-byte codes as one-byte ones. Poppler
        # and PDFium read these PDFs right; the text layer is checked with PDFium then.
        import pypdfium2

        document = pypdfium2.PdfDocument(pdf)
        text = "".join(page.get_textpage().get_text_range() for page in document)
        document.close()
    text = squash(unicodedata.normalize("NFKC", text))
    marking = article.meta.get("marking", CONFIG.brief.marking)
    assert marking in text, f"{marking} not in the PDF text"
    assert "BRF-" in text, "the brief's reference is not in the PDF text"


@RENDER
@given(data=st.data())
def test_any_facts_render_to_html_and_pdf(pipeline, benign, scratch, data):
    article, facts = data.draw(article_and_facts(scratch), label="article and facts")
    check_render(pipeline, benign, article, facts)


@RENDER
@given(text=article_texts(1200, clean=True), data=st.data())
def test_extracted_facts_with_hostile_strings_render(pipeline, benign, extractor, scratch, text, data):
    path = write_file(scratch, "a.txt", text.encode())
    try:
        article = read(path)
        facts = extractor.extract(article)
    except BriefgenError:
        assume(False)
    # hostile strings into every text the brief shows; renames are applied to the reactions too
    renamed = {}
    for actor in facts.actors:
        if data.draw(st.booleans(), label=f"rename {actor.name}"):
            new = data.draw(hostile_text.filter(str.strip), label="name")
            renamed[actor.name] = new
            actor.name = new
        actor.role = data.draw(st.just(actor.role) | maybe_text, label="role")
        actor.aliases = [*actor.aliases, *data.draw(st.lists(hostile_text, max_size=2), label="aliases")]
    for r in facts.reactions:
        r.speaker = renamed.get(r.speaker, r.speaker)
        r.text = data.draw(st.just(r.text) | hostile_text, label="quote")
    for loc in facts.locations:
        loc.name = data.draw(st.just(loc.name) | hostile_text.filter(str.strip), label="place")
    for s in facts.stakes:
        s.label = data.draw(st.just(s.label) | hostile_text, label="stake label")
    article.title = facts.article.title = data.draw(maybe_text, label="title")
    article.source = facts.article.source = data.draw(maybe_text, label="source")
    note(f"facts: {facts.to_json()}")
    check_render(pipeline, benign, article, facts)


# --------------------------------------------------------------------------- known rendering bugs

OVERLAP_BODY = "Ab. Cd.\n"
any_span = st.integers(0, len(OVERLAP_BODY) - 1).flatmap(
    lambda s: st.integers(s + 1, len(OVERLAP_BODY)).map(lambda e: Evidence(s, e)))


@settings(FUZZ, report_multiple_bugs=False)
@given(evidence=st.lists(any_span, min_size=1, max_size=2))
@example(evidence=[Evidence(0, 7), Evidence(1, 2)])
def test_overlapping_evidence_keeps_its_links(pipeline, benign, scratch, evidence):
    body = OVERLAP_BODY
    article = Article(id="overlap", path=Path(tempfile.mkdtemp(dir=scratch)) / "overlap.txt", body=body, language="fr")
    facts = Facts(article=ArticleInfo(id="overlap", title=None, date=None, language="fr", source=None),
                  actors=[Actor("A", evidence=evidence)])
    check_html(pipeline, benign, article, facts)


def test_correction_across_two_sentences_keeps_its_links(pipeline, benign, scratch):
    path = write_file(scratch, "a.txt", "Le préfet Jean Morvan a annoncé mardi à Rennes la fermeture de la route. "
                                        "« Elle rouvrira demain », a-t-il dit.\n".encode())
    path.with_name("a.facts.yaml").write_text(
        "reactions:\n  add:\n    - {speaker: Jean Morvan, kind: indirect, text: la route rouvrira demain,\n"
        "       quote: \"la route. « Elle rouvrira\"}\n", encoding="utf-8")
    article = read(path)
    facts = pipeline.facts(article, use_cache=False)
    assert any(r.text == "la route rouvrira demain" for r in facts.reactions), facts.reactions  # applied
    check_html(pipeline, benign, article, facts)


@pytest.mark.parametrize("text, corrections", [
    ("Le préfet Jean Morvan a parlé mardi à Rennes.\uffff\n", None),
    ("Le préfet Jean Morvan a parlé mardi à Rennes.\n",
     'actors:\n  edit:\n    "Jean Morvan": {role: "pr\\u00e9fet\\e[31m"}\n'),
], ids=["noncharacter-in-article", "control-in-corrections"])
def test_noncharacters_and_controls_make_valid_html(pipeline, benign, scratch, text, corrections):
    path = write_file(scratch, "a.txt", text.encode())
    if corrections is not None:
        path.with_name("a.facts.yaml").write_text(corrections, encoding="utf-8")
    article = read(path)
    facts = pipeline.facts(article, use_cache=False)
    if corrections is not None:  # the correction was applied (else this test proves nothing)
        assert any(a.role and "\x1b" in a.role for a in facts.actors), facts.actors
    check_html(pipeline, benign, article, facts)
