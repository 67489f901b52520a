"""Analyst corrections (``<article>.facts.yaml``): parsing, every operation, and the real pipeline.

The first part applies overrides files (real files in tmp_path) to facts built
by hand over a known body, so each operation is checked exactly; the second
part runs the real extractor, ``briefgen extract``, ``build`` and ``check``.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from briefgen.config import load_config
from briefgen.errors import BriefgenError
from briefgen.facts.contract import Actor, ArticleInfo, Evidence, Facts, Location, Reaction, Stake
from briefgen.ingest.files import find_articles
from briefgen.facts.overrides import load_overrides, overrides_path
from briefgen.facts.quotes import find_quote, sentence_around
from conftest import REPO_CONFIG, make_project, run_cli

TOPICS = load_config(REPO_CONFIG).topics

SENTENCES = [
    "Le président Vladimir Poutine a reçu Kim Jong au cosmodrome de Vostotchny.",
    "« Nous discuterons de tous les sujets », a dit Poutine.",
    "Dmitri Peskov a indiqué que la visite durerait trois jours.",
    "Mercredi, Washington a jugé l’accord dangereux.",
    "Le président russe a salué l'accueil de Pyongyang.",
]
BODY = " ".join(SENTENCES[:2]) + "\n\n" + " ".join(SENTENCES[2:]) + "\n"


def s(n: int) -> Evidence:
    """Evidence for sentence ``n`` of BODY."""
    start = BODY.index(SENTENCES[n])
    return Evidence(start, start + len(SENTENCES[n]))


def make_facts() -> Facts:
    """What an extraction of BODY could give, false positives included."""
    return Facts(
        article=ArticleInfo(id="visite", title=None, date="2023-09", language="fr", source=None),
        actors=[
            Actor("Vladimir Poutine", ["Poutine"], "person", "président", None, 2, [s(0), s(1)]),
            Actor("Kim Jong", [], "person", None, None, 1, [s(0)]),
            Actor("Dmitri Peskov", [], "person", None, None, 1, [s(2)]),
            Actor("États-Unis", ["Washington"], "country", None, None, 1, [s(3)]),
            Actor("Mercredi", [], "person", None, None, 1, [s(3)]),
            Actor("président russe", [], "person", None, "Russie", 1, [s(4)]),
        ],
        locations=[
            Location("Extrême-Orient", [], "region", None, None, None, True, [s(0)]),
            Location("Vostotchny", ["cosmodrome de Vostotchny"], "site", "RU", 51.88, 128.33, False, [s(0)]),
            Location("Washington", [], "city", "US", 38.9, -77.04, False, [s(3)]),
            Location("Pyongyang", [], "city", "KP", 39.03, 125.75, False, [s(4)]),
        ],
        stakes=[
            Stake("space", "Spatial", [s(0)]),
            Stake("diplomacy", "Diplomatie", [s(0), s(2)]),
            Stake("sanctions", "Sanctions", [s(3)]),
        ],
        reactions=[
            Reaction("Vladimir Poutine", "Nous discuterons de tous les sujets", "direct", [s(1)]),
            Reaction("Dmitri Peskov", "la visite durerait trois jours", "indirect", [s(2)]),
            Reaction("Mercredi", "l’accord dangereux", "indirect", [s(3)]),
            Reaction("président russe", "l'accueil de Pyongyang", "indirect", [s(4)]),
        ],
    )


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "visite.facts.yaml"
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def corrected(tmp_path: Path, text: str) -> tuple[Facts, list[str]]:
    """BODY's facts with the overrides ``text`` applied, and the warnings given."""
    warnings: list[str] = []
    facts = make_facts()
    load_overrides(write(tmp_path, text), TOPICS).apply(facts, BODY, TOPICS, warnings.append)
    return facts, warnings


def error(tmp_path: Path, text: str) -> BriefgenError:
    with pytest.raises(BriefgenError) as info:
        corrected(tmp_path, text)
    return info.value


def actor(facts: Facts, name: str) -> Actor:
    found = facts.actor(name)
    assert found is not None, f"{name!r} not among {[a.name for a in facts.actors]}"
    return found


def place(facts: Facts, name: str) -> Location:
    return next(loc for loc in facts.locations if loc.name == name)


def speakers(facts: Facts) -> list[str]:
    return [r.speaker for r in facts.reactions]


# --------------------------------------------------------------------------- the file


def test_the_file_sits_beside_the_article_and_is_not_an_article(tmp_path):
    assert overrides_path(Path("seeds/03_foo.md")) == Path("seeds/03_foo.facts.yaml")
    assert overrides_path(Path("seeds/000_7b99.txt")) == Path("seeds/000_7b99.facts.yaml")
    (tmp_path / "03_foo.md").write_text("Texte.\n", encoding="utf-8")
    (tmp_path / "03_foo.facts.yaml").write_text("comment: ok\n", encoding="utf-8")
    assert find_articles(tmp_path) == [tmp_path / "03_foo.md"]


def test_empty_file_changes_nothing_and_the_comment_is_kept(tmp_path):
    facts, warnings = corrected(tmp_path, "# nothing yet\n")
    assert facts == make_facts() and warnings == []
    overrides = load_overrides(write(tmp_path, "comment: |\n  Vérifié **par** l'analyste.\n"), TOPICS)
    assert overrides.comment == "Vérifié **par** l'analyste.\n"
    facts, _ = corrected(tmp_path, "comment: Vérifié.\n")
    assert "comment" not in facts.to_dict()  # the facts contract is unchanged


def test_unknown_key_names_the_line_and_suggests(tmp_path):
    err = error(tmp_path, """
        actors:
          remove: [Mercredi]
          renam: {"Kim Jong": "Kim Jong Un"}
        """)
    assert err.path == str(tmp_path / "visite.facts.yaml") and err.line == 3
    assert "actors.renam: unknown key; did you mean 'rename'?" in err.message
    err = error(tmp_path, "acteurs: {}\n")
    assert err.line == 1 and "did you mean 'actors'?" in err.message


@pytest.mark.parametrize("text, line, words", [
    ("actors:\n  remove: Mercredi\n", 2, "expected a list"),
    ("actors:\n  edit:\n    Kim Jong: {kind: alien}\n", 3, "'alien' is not one of"),
    ("locations:\n  add:\n    - {name: Amour, lat: 52}\n", 3, "give lat and lon together"),
    ("locations:\n  add:\n    - {name: Amour, country: Russie}\n", 3, "ISO 3166-1"),
    ("locations:\n  edit:\n    Vostotchny: {lat: 95, lon: 0}\n", 3, "out of range"),
    ("reactions:\n  remove:\n    - {}\n", 3, "give speaker, text or both"),
    ("actors:\n  add:\n    - {kind: person}\n", 3, "missing required key(s): name"),
    ("actors: [oops\n", 2, "invalid YAML"),
])
def test_bad_values_name_the_line(tmp_path, text, line, words):
    err = error(tmp_path, text)
    assert err.line == line and words in err.message, str(err)


def test_unknown_topic_suggests_the_closest(tmp_path):
    err = error(tmp_path, "stakes:\n  remove: [military]\n  add:\n    - {topic: spcae}\n")
    assert err.line == 4 and "unknown topic 'spcae'; did you mean 'space'?" in err.message
    err = error(tmp_path, "stakes:\n  edit:\n    diplomatie: {label: x}\n")
    assert err.line == 3 and "did you mean 'diplomacy'?" in err.message


# --------------------------------------------------------------------------- actors


def test_remove_actors_by_name_or_alias_with_their_reactions(tmp_path):
    facts, warnings = corrected(tmp_path, "actors:\n  remove: [mercredi, WASHINGTON]\n")
    names = [a.name for a in facts.actors]
    assert "Mercredi" not in names and "États-Unis" not in names
    assert "Mercredi" not in speakers(facts)  # a removed actor's reactions go with it
    assert len(facts.reactions) == 3 and warnings == []


def test_removing_what_extraction_no_longer_finds_is_a_warning(tmp_path):
    facts, warnings = corrected(tmp_path, "actors:\n  remove:\n    - Mercredi\n    - LIRE AUSSI\n")
    assert facts.actor("Mercredi") is None  # the rest is still applied
    assert len(warnings) == 1
    assert warnings[0].startswith(f"{tmp_path / 'visite.facts.yaml'}:4: no actor named 'LIRE AUSSI'")
    assert "(known: Vladimir Poutine, Kim Jong, " in warnings[0]


def test_merge_unions_aliases_mentions_evidence_and_moves_reactions(tmp_path):
    facts, warnings = corrected(tmp_path, 'actors:\n  merge: {"Vladimir Poutine": ["président russe"]}\n')
    assert facts.actor("président russe") is None
    putin = actor(facts, "Vladimir Poutine")
    assert putin.aliases == ["Poutine", "président russe"]
    assert putin.mentions == 3 and putin.evidence == [s(0), s(1), s(4)]
    assert (putin.role, putin.affiliation) == ("président", "Russie")  # blanks filled from the merged actor
    assert speakers(facts).count("Vladimir Poutine") == 2 and warnings == []


def test_merge_target_must_exist_but_a_missing_source_is_a_warning(tmp_path):
    err = error(tmp_path, 'actors:\n  merge:\n    "Vladimir Poutin": ["président russe"]\n')
    assert err.line == 3
    assert "no actor named 'Vladimir Poutin' in the extracted facts; did you mean 'Vladimir Poutine'?" in err.message
    facts, warnings = corrected(tmp_path, 'actors:\n  merge:\n    "Poutine": ["Kim Jong", "le Tsar"]\n')
    assert facts.actor("Kim Jong") is None and actor(facts, "Vladimir Poutine").mentions == 3
    assert len(warnings) == 1 and ":3: no actor named 'le Tsar'" in warnings[0]


def test_rename_keeps_the_old_name_as_alias_and_renames_the_speaker(tmp_path):
    facts, _ = corrected(tmp_path, 'actors:\n  rename: {"Kim Jong": "Kim Jong Un", "poutine": "Vladimir V. Poutine"}\n')
    kim = actor(facts, "Kim Jong Un")
    assert kim.aliases == ["Kim Jong"] and facts.actor("Kim Jong") is None
    putin = actor(facts, "Vladimir V. Poutine")  # found by its alias
    assert putin.aliases == ["Poutine", "Vladimir Poutine"]
    assert "Vladimir V. Poutine" in speakers(facts) and "Vladimir Poutine" not in speakers(facts)


def test_rename_errors_and_a_rename_extraction_already_made(tmp_path):
    err = error(tmp_path, 'actors:\n  rename:\n    "Kim Jung": "Kim Jong Un"\n')
    assert err.line == 3 and "no actor named 'Kim Jung'" in err.message
    err = error(tmp_path, 'actors:\n  rename:\n    "président russe": "Poutine"\n')
    assert err.line == 3 and "already names the actor 'Vladimir Poutine'; use merge" in err.message
    # the extraction now gives the right name: the correction is done, quietly
    facts, warnings = corrected(tmp_path, 'actors:\n  rename: {"Vlad Poutine": "Vladimir Poutine"}\n')
    assert facts == make_facts() and warnings == []


def test_edit_sets_given_fields_only_and_null_clears(tmp_path):
    facts, _ = corrected(tmp_path, """
        actors:
          edit:
            "Dmitri Peskov": {role: porte-parole du Kremlin, affiliation: Russie, aliases: [Peskov]}
            "Vladimir Poutine": {role: null}
            "Mercredi": {kind: organization}
        """)
    peskov = actor(facts, "Dmitri Peskov")
    assert (peskov.role, peskov.affiliation, peskov.aliases, peskov.kind) == (
        "porte-parole du Kremlin", "Russie", ["Peskov"], "person")
    putin = actor(facts, "Vladimir Poutine")
    assert putin.role is None and putin.aliases == ["Poutine"]  # not given: kept
    assert actor(facts, "Mercredi").kind == "organization"
    err = error(tmp_path, "actors:\n  edit:\n    Peskov: {role: x}\n")
    assert err.line == 3 and "no actor named 'Peskov'" in err.message and "(known: " in err.message


def test_add_actor_with_a_quote_gets_the_sentence_as_evidence(tmp_path):
    facts, warnings = corrected(tmp_path, """
        actors:
          add:
            - name: Kremlin
              kind: organization
              aliases: [le Kremlin]
            - name: Dmitri Peskov
              aliases: [Peskov]
            - {name: Pyongyang, kind: country, quote: "l'accueil   DE Pyongyang"}
        """)
    kremlin = actor(facts, "Kremlin")
    assert (kremlin.kind, kremlin.evidence, kremlin.mentions) == ("organization", [], 1)
    pyongyang = actor(facts, "Pyongyang")
    assert pyongyang.evidence == [s(4)]  # case and spaces do not matter; the whole sentence is kept
    peskov = actor(facts, "Dmitri Peskov")  # already extracted: aliases added, with a warning
    assert peskov.aliases == ["Peskov"] and sum(a.name == "Dmitri Peskov" for a in facts.actors) == 1
    assert len(warnings) == 1 and ":6: the actor 'Dmitri Peskov' is already in the extracted facts" in warnings[0]


def test_added_actor_mentions_count_its_names_in_the_text(tmp_path):
    facts, _ = corrected(tmp_path, "actors:\n  add:\n    - {name: Vladimir Vladimirovitch, aliases: [Poutine]}\n")
    assert actor(facts, "Vladimir Vladimirovitch").mentions == 2


def test_quote_not_found_names_the_file_and_line(tmp_path):
    err = error(tmp_path, """
        actors:
          add:
            - name: Sergueï Choïgou
              quote: "le ministre de la Défense"
        """)
    assert (err.path, err.line) == (str(tmp_path / "visite.facts.yaml"), 4)
    assert "quote not found in the article text: 'le ministre de la Défense'" in err.message


def test_order_remove_merge_rename_edit_add(tmp_path):
    facts, warnings = corrected(tmp_path, """
        actors:
          add: [{name: Kim Jong, kind: organization}]
          edit: {"Kim Jong Un": {role: dirigeant nord-coréen}}
          rename: {"président russe": "Kim Jong Un"}
          merge: {"président russe": ["Kim Jong"]}
          remove: [Kim Jong]
        """)
    # remove drops the extracted Kim Jong, merge finds nothing to fold (warning), rename and
    # edit act on the renamed actor, and add creates a new Kim Jong
    assert warnings and "no actor named 'Kim Jong'" in warnings[0]
    kim = actor(facts, "Kim Jong Un")
    assert kim.aliases == ["président russe"] and kim.role == "dirigeant nord-coréen"
    assert actor(facts, "Kim Jong").kind == "organization"
    assert "Kim Jong Un" in speakers(facts)


# --------------------------------------------------------------------------- locations


def test_location_operations_and_the_event(tmp_path):
    facts, warnings = corrected(tmp_path, """
        locations:
          remove: [Extrême-Orient]
          merge: {"Vostotchny": [Pyongyang]}
          rename: {"Washington": "Washington D.C."}
          edit: {"Vostotchny": {lat: 51.9, lon: 128.3, aliases: []}}
          add:
            - {name: Amour, kind: region, country: RU, lat: 52, lon: 128, quote: cosmodrome}
          event: vostotchny
        """)
    assert warnings == []
    assert [loc.name for loc in facts.locations] == ["Vostotchny", "Washington D.C.", "Amour"]
    vostotchny = place(facts, "Vostotchny")
    assert (vostotchny.lat, vostotchny.lon, vostotchny.aliases) == (51.9, 128.3, [])
    assert vostotchny.evidence == [s(0), s(4)] and vostotchny.event
    assert place(facts, "Washington D.C.").aliases == ["Washington"]
    amour = place(facts, "Amour")
    assert (amour.kind, amour.country, amour.lat, amour.lon, amour.event) == ("region", "RU", 52.0, 128.0, False)
    assert amour.evidence == [s(0)]
    assert [loc.name for loc in facts.locations if loc.event] == ["Vostotchny"]
    assert facts.actor("États-Unis") is not None  # places and actors are separate lists


def test_event_can_name_an_added_place_and_must_exist(tmp_path):
    facts, _ = corrected(tmp_path, "locations:\n  add: [{name: Amour}]\n  event: Amour\n")
    assert [loc.name for loc in facts.locations if loc.event] == ["Amour"]
    err = error(tmp_path, "locations:\n  remove: [Vostotchny]\n  event: Vostotchny\n")
    assert err.line == 3 and "no place named 'Vostotchny'" in err.message


def test_merging_the_event_place_keeps_the_event(tmp_path):
    facts, _ = corrected(tmp_path, 'locations:\n  merge: {"Vostotchny": ["Extrême-Orient"]}\n')
    assert [loc.name for loc in facts.locations if loc.event] == ["Vostotchny"]
    assert place(facts, "Vostotchny").aliases == ["cosmodrome de Vostotchny", "Extrême-Orient"]


# --------------------------------------------------------------------------- stakes


def test_stake_operations(tmp_path):
    facts, warnings = corrected(tmp_path, """
        stakes:
          remove: [sanctions, military]
          edit: {space: {label: Coopération spatiale}}
          add:
            - {topic: arms-transfer, quote: "jugé l'accord dangereux"}
            - {topic: nuclear-missile, label: Essais de missiles}
        """)
    assert [(st.topic, st.label) for st in facts.stakes] == [
        ("space", "Coopération spatiale"), ("diplomacy", "Diplomatie"),
        ("arms-transfer", "Transferts d'armes"),  # the configuration's label in the article's language
        ("nuclear-missile", "Essais de missiles"),
    ]
    assert facts.stakes[2].evidence == [s(3)] and facts.stakes[3].evidence == []
    assert len(warnings) == 1 and ":2: no stake 'military'" in warnings[0]


def test_stake_edit_must_exist(tmp_path):
    err = error(tmp_path, "stakes:\n  edit:\n    military: {label: x}\n")
    assert err.line == 3
    assert "no stake 'military' in the extracted facts (known: space, diplomacy, sanctions)" in err.message


# --------------------------------------------------------------------------- reactions


def test_reaction_removal_by_speaker_text_or_both(tmp_path):
    facts, warnings = corrected(tmp_path, """
        reactions:
          remove:
            - {speaker: Poutine}
            - {text: "VISITE durerait"}
            - {speaker: Mercredi, text: "pas ce texte"}
        """)
    assert speakers(facts) == ["Mercredi", "président russe"]
    assert len(warnings) == 1 and ":5: no reaction with speaker 'Mercredi' and text 'pas ce texte'" in warnings[0]


def test_reaction_add_resolves_the_speaker_and_the_quote(tmp_path):
    facts, _ = corrected(tmp_path, """
        actors:
          rename: {"Kim Jong": "Kim Jong Un"}
        reactions:
          add:
            - {speaker: poutine, text: "sans nous presser", kind: indirect, quote: "Nous discuterons"}
            - {speaker: Kim Jong, text: "merci"}
        """)
    added = facts.reactions[-2:]
    assert [(r.speaker, r.text, r.kind, r.evidence) for r in added] == [
        ("Vladimir Poutine", "sans nous presser", "indirect", [s(1)]),
        ("Kim Jong Un", "merci", "direct", []),  # after the actors' corrections: the old name is an alias
    ]
    err = error(tmp_path, "reactions:\n  add:\n    - {speaker: Lavrov, text: x}\n")
    assert err.line == 3 and "no actor named 'Lavrov'" in err.message


# --------------------------------------------------------------------------- quotes


def test_find_quote_and_the_sentence_around_it():
    assert find_quote("jugé l'accord   dangereux", BODY) is not None  # ' and ’ are the same
    assert find_quote("absent du texte", BODY) is None
    start, end = find_quote("trois jours", BODY)
    assert sentence_around(BODY, start, end) == s(2)
    start, end = find_quote("Nous discuterons", BODY)
    assert sentence_around(BODY, start, end) == Evidence(s(1).start, s(1).end)
    start, end = find_quote("trois jours. Mercredi", BODY)  # across two sentences: both
    assert sentence_around(BODY, start, end) == Evidence(s(2).start, s(3).end)


# --------------------------------------------------------------------------- the real pipeline

ARTICLE = (
    "date 2023-09-13\n"
    "Le président russe Vladimir Poutine a reçu mercredi Kim Jong Un au cosmodrome de Vostotchny, "
    "dans l'Extrême-Orient russe. « Nous discuterons de tous les sujets sans nous presser », "
    "a dit Vladimir Poutine.\n\n"
    "Dmitri Peskov, porte-parole du Kremlin, a indiqué que la visite durerait trois jours. "
    "Washington craint que la Russie ne livre des armes à la Corée du Nord.\n"
)
CORRECTIONS = """\
actors:
  rename: {"Dmitri Peskov": "Dmitri S. Peskov"}
  edit: {"Vladimir Poutine": {role: président de la Russie}}
locations:
  add:
    - {name: Vostotchny, kind: site, country: RU, lat: 51.88, lon: 128.33, quote: cosmodrome de Vostotchny}
  event: Vostotchny
stakes:
  add: [{topic: space, quote: cosmodrome}]
comment: Relu par l'analyste.
"""
FAST = {"formats: [html, pdf, json]": "formats: [html, json]"}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """One real extraction of ARTICLE, cached in a project the other tests copy the cache from."""
    project = make_project(tmp_path_factory.mktemp("overrides"), texts={"visite.txt": ARTICLE}, replace=FAST)
    result = run_cli("extract", "-c", project.config_path, project.seeds / "visite.txt")
    assert result.code == 0, result.err
    raw = json.loads(result.out)
    names = {a["name"] for a in raw["actors"]}
    assert {"Vladimir Poutine", "Dmitri Peskov"} <= names, names  # what CORRECTIONS relies on
    assert "Dmitri Peskov" in {r["speaker"] for r in raw["reactions"]}, raw["reactions"]
    return project, raw


@pytest.fixture
def corrected_project(tmp_path, extracted):
    project = make_project(tmp_path, texts={"visite.txt": ARTICLE}, share_cache_from=extracted[0], replace=FAST)
    (project.seeds / "visite.facts.yaml").write_text(CORRECTIONS, encoding="utf-8")
    return project


def check_corrected(facts: dict) -> None:
    actors = {a["name"]: a for a in facts["actors"]}
    assert "Dmitri Peskov" not in actors and "Dmitri Peskov" in actors["Dmitri S. Peskov"]["aliases"]
    assert actors["Vladimir Poutine"]["role"] == "président de la Russie"
    assert "Dmitri S. Peskov" in {r["speaker"] for r in facts["reactions"]}
    assert [loc["name"] for loc in facts["locations"] if loc["event"]] == ["Vostotchny"]
    assert "space" in {st["topic"] for st in facts["stakes"]}


def test_extract_prints_the_corrected_facts(corrected_project, extracted):
    seed = corrected_project.seeds / "visite.txt"
    result = run_cli("extract", "-c", corrected_project.config_path, seed)
    assert result.code == 0 and "error" not in result.err, result.err  # a warning if Vostotchny is extracted
    check_corrected(json.loads(result.out))
    raw = run_cli("extract", "-c", corrected_project.config_path, "--no-overrides", seed)
    assert json.loads(raw.out) == extracted[1]


def test_build_writes_the_corrected_brief(corrected_project):
    result = run_cli("build", "-c", corrected_project.config_path)
    assert result.code == 0, result.err
    check_corrected(corrected_project.facts("visite"))
    html = (corrected_project.briefs / "visite.html").read_text(encoding="utf-8")
    assert "Dmitri S. Peskov" in html and "président de la Russie" in html and "Vostotchny" in html


def test_a_broken_overrides_file_fails_its_article_only(corrected_project):
    (corrected_project.seeds / "autre.txt").write_text("Le président Emmanuel Macron a parlé.\n", encoding="utf-8")
    overrides = corrected_project.seeds / "visite.facts.yaml"
    overrides.write_text("actors:\n  edit:\n    Dmitri Peskof: {role: x}\n", encoding="utf-8")
    result = run_cli("build", "-c", corrected_project.config_path)
    assert result.code == 1
    assert f"briefgen: error: {overrides}:3: no actor named 'Dmitri Peskof'" in result.err
    assert (corrected_project.briefs / "autre.json").is_file()
    assert not (corrected_project.briefs / "visite.json").exists()


def test_warnings_go_to_stderr_and_the_build_goes_on(corrected_project):
    overrides = corrected_project.seeds / "visite.facts.yaml"
    overrides.write_text("actors:\n  remove: [LIRE AUSSI]\n", encoding="utf-8")
    result = run_cli("build", "-c", corrected_project.config_path)
    assert result.code == 0, result.err
    assert f"briefgen: warning: {overrides}:2: no actor named 'LIRE AUSSI'" in result.err


def test_editing_the_overrides_never_extracts_again(corrected_project, extracted):
    from briefgen.pipeline import Pipeline

    class MustNotRun:
        def extract(self, article):
            raise AssertionError("extracted again after an overrides edit")

    cache = sorted((corrected_project.output / "cache" / "facts").glob("visite-*.json"))
    assert len(cache) == 1
    before = cache[0].read_bytes()
    pipeline = Pipeline(corrected_project.config)
    pipeline._extractor = MustNotRun()
    article = pipeline.read(corrected_project.seeds / "visite.txt")
    check_corrected(pipeline.facts(article).to_dict())
    (corrected_project.seeds / "visite.facts.yaml").write_text(
        'actors:\n  rename: {"Dmitri Peskov": "D. Peskov"}\n', encoding="utf-8")
    assert pipeline.facts(article).actor("D. Peskov") is not None
    assert pipeline.facts(article, overrides=False).to_dict() == extracted[1]
    assert pipeline.overrides(article).comment is None
    assert cache[0].read_bytes() == before  # the cache holds the raw extraction only
    assert sorted((corrected_project.output / "cache" / "facts").glob("visite-*.json")) == cache


def test_check_validates_the_overrides_files(corrected_project):
    seeds = corrected_project.seeds
    result = run_cli("check", "-c", corrected_project.config_path)
    assert result.code == 0, result.err
    assert "1/1 article(s) ok" in result.err and "1/1 overrides file(s) ok" in result.err
    (seeds / "visite.facts.yaml").write_text(
        "stakes:\n  add:\n    - {topic: space, quote: une phrase absente}\n", encoding="utf-8")
    (seeds / "orphan.facts.yaml").write_text("actor: {}\n", encoding="utf-8")
    (seeds / "lost.facts.yaml").write_text("comment: its article was renamed\n", encoding="utf-8")
    result = run_cli("check", "-c", corrected_project.config_path)
    assert result.code == 1
    assert f"briefgen: error: {seeds / 'orphan.facts.yaml'}:1: actor: unknown key; did you mean 'actors'?" in result.err
    assert f"briefgen: error: {seeds / 'visite.facts.yaml'}:3: quote not found" in result.err
    assert f"briefgen: warning: {seeds / 'lost.facts.yaml'}: no article lost.txt or lost.md" in result.err
    assert "1/1 article(s) ok" in result.err and "1/3 overrides file(s) ok" in result.err
    assert not corrected_project.output.joinpath("briefs").exists()
