"""The brief's headline elements: title, "who" and "where" (briefgen/brief/composer.py).

Part 1 composes briefs from hand-built facts (fictional names) so that each rule can be
seen failing; part 2 runs the real extraction on a few real articles
(``tests/data/headline/``, provenance in its README) and checks what an analyst reading
them would check, stated as properties of the article rather than copied answers.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from conftest import REPO_CONFIG
from briefgen.brief.composer import Brief, compose, lead_sentence
from briefgen.config import load_config
from briefgen.facts.contract import Actor, ArticleInfo, Evidence, Facts, Location, Reaction
from briefgen.ingest.files import Article
from briefgen.render.renderer import LABELS, Renderer

DATA = Path(__file__).parent / "data" / "headline"


@pytest.fixture(scope="module")
def config():
    return load_config(REPO_CONFIG)


@pytest.fixture(scope="module")
def renderer(config):
    return Renderer(config)


# --------------------------------------------------------------------------- hand-built facts

FR_BODY = (
    "5 mars 2024. - Ana Ferreira a signé mardi un accord avec le groupe Horizonte à Valmora, "
    "une ville du littoral.\n\n"
    "Rui Costa a salué l'accord. Selon Rui Costa, le Portugal en profitera. Rui Costa a parlé "
    "ensuite avec Marta Lopes, qui a confirmé la signature.\n"
)


def sentence(body: str, words: str) -> Evidence:
    """The evidence span of the sentence of ``body`` that contains ``words``."""
    at = body.index(words)
    start = max(body.rfind(". ", 0, at) + 2, body.rfind("\n", 0, at) + 1, 0)
    end = body.index(".", at) + 1
    return Evidence(start, end)


def person(body: str, name: str, mentions: int, *aliases: str, kind: str = "person") -> Actor:
    return Actor(name=name, aliases=list(aliases), kind=kind, mentions=mentions, evidence=[sentence(body, name)])


def place(name: str, country: str | None, kind: str = "city", event: bool = False,
          lat: float | None = 38.7, lon: float | None = -9.1) -> Location:
    return Location(name=name, kind=kind, country=country, lat=lat, lon=lon, event=event)


def brief_of(config, body: str, actors: list[Actor], locations: list[Location], lang: str = "fr",
             title: str | None = None) -> Brief:
    article = Article(id="t", path=Path("t.txt"), body=body, title=title, date="2024-03-05", language=lang)
    facts = Facts(ArticleInfo("t", title, "2024-03-05", lang, None), actors, locations)
    return compose(article, facts, config)


def fr_actors() -> list[Actor]:
    return [
        person(FR_BODY, "Rui Costa", 6),
        person(FR_BODY, "Marta Lopes", 2),
        person(FR_BODY, "Horizonte", 1, "groupe Horizonte", kind="organization"),
        person(FR_BODY, "Ana Ferreira", 1),
    ]


PORTUGAL = place("Portugal", "PT", kind="country")


def bluf(renderer, brief: Brief) -> str:
    return renderer.env.get_template("bluf.html.j2").render(brief=brief, lang=brief.lang, t=LABELS[brief.lang])


def test_who_lists_the_lead_actors_in_lead_order_then_the_most_mentioned(config):
    brief = brief_of(config, FR_BODY, fr_actors(), [PORTUGAL, place("Valmora", "PT", event=True)])
    assert [a.name for a in brief.primary] == ["Ana Ferreira", "Horizonte", "Rui Costa"]
    assert brief.actors[:3] == brief.primary


def test_a_name_inside_a_longer_name_of_the_lead_counts_for_the_longer(config):
    actors = [*fr_actors(), Actor(name="Ferreira", kind="organization", mentions=9)]
    brief = brief_of(config, FR_BODY, actors, [PORTUGAL])
    assert [a.name for a in brief.primary][:2] == ["Ana Ferreira", "Horizonte"]


def test_an_actor_whose_evidence_is_the_lead_counts_as_a_lead_actor(config):
    lead = sentence(FR_BODY, "Ana Ferreira")
    unnamed = Actor(name="Conseil municipal", kind="organization", mentions=1, evidence=[lead])
    brief = brief_of(config, FR_BODY, [*fr_actors(), unnamed], [PORTUGAL])
    assert [a.name for a in brief.primary] == ["Ana Ferreira", "Horizonte", "Conseil municipal"]


def test_one_person_under_an_initial_is_listed_once(config):
    actors = [*fr_actors(), Actor(name="A. Ferreira", kind="person", mentions=5)]
    brief = brief_of(config, FR_BODY, actors, [PORTUGAL])
    assert [a.name for a in brief.primary] == ["Ana Ferreira", "Horizonte", "Rui Costa"]


def test_an_actor_named_once_and_never_quoted_comes_after_the_lead_protagonists(config):
    body = ("Selon le Diário de Valmora, Ana Ferreira a signé mardi un accord avec le groupe Horizonte.\n\n"
            "Ana Ferreira a salué l'accord. Le groupe Horizonte n'a pas réagi.\n")
    actors = [person(body, "Diário de Valmora", 1, kind="organization"), person(body, "Ana Ferreira", 2),
              person(body, "Horizonte", 2, "groupe Horizonte", kind="organization")]
    brief = brief_of(config, body, actors, [])
    assert [a.name for a in brief.primary] == ["Ana Ferreira", "Horizonte", "Diário de Valmora"]
    quoted = Reaction(speaker="Diário de Valmora", text="un accord", kind="indirect")
    article = Article(id="t", path=Path("t.txt"), body=body, language="fr")
    facts = Facts(ArticleInfo("t", None, None, "fr", None), actors, [], reactions=[quoted])
    assert [a.name for a in compose(article, facts, config).primary][0] == "Diário de Valmora"


def test_the_lead_does_not_end_at_an_honorific_or_an_initial():
    body = "Hier, M. Tavares et J. K. Silva ont ouvert la séance à Valmora devant les élus. La suite a été brève.\n"
    article = Article(id="t", path=Path("t.txt"), body=body)
    assert lead_sentence(article) == "Hier, M. Tavares et J. K. Silva ont ouvert la séance à Valmora devant les élus."


def test_an_event_place_in_a_country_the_article_never_names_is_not_where(config, renderer):
    homonym = place("Valmora", "JP", event=True, lat=35.5, lon=135.7)  # a town of the same name elsewhere
    brief = brief_of(config, FR_BODY, fr_actors(), [homonym, PORTUGAL, place("Lisbonne", "PT")])
    assert brief.event is None and brief.event_country is None
    assert "Valmora" not in brief.title
    assert [loc.name for loc in brief.mapped] == ["Portugal", "Lisbonne"]
    assert "où" not in bluf(renderer, brief)
    svg, _ = renderer.map(brief, "fr")
    assert "Valmora" not in svg and 'class="map-event' not in svg and "Lisbonne" in svg


def test_an_event_place_in_a_country_of_the_article_is_where(config, renderer):
    brief = brief_of(config, FR_BODY, fr_actors(), [place("Valmora", "PT", event=True), PORTUGAL])
    assert brief.event.name == "Valmora" and brief.event_country == "Portugal"
    assert "<strong>où :</strong> Valmora (Portugal)" in bluf(renderer, brief)
    svg, _ = renderer.map(brief, "fr")
    assert 'class="map-event' in svg and "Valmora" in svg


def test_a_country_actor_is_a_country_of_the_article(config):
    body = "Le Kenya et le groupe Horizonte ont inauguré un port à Tamboro samedi dernier.\n"
    actors = [person(body, "Kenya", 2, kind="country"), person(body, "Horizonte", 1, kind="organization")]
    kenyan = brief_of(config, body, actors, [place("Tamboro", "KE", event=True, lat=-3.2, lon=40.1)])
    assert kenyan.event is not None and kenyan.event.name == "Tamboro"
    elsewhere = brief_of(config, body, actors, [place("Tamboro", "PE", event=True, lat=-12.0, lon=-77.0)])
    assert elsewhere.event is None and elsewhere.mapped == []


def test_an_event_place_without_coordinates_is_not_where(config, renderer):
    brief = brief_of(config, FR_BODY, fr_actors(), [place("Valmora", "PT", event=True, lat=None, lon=None), PORTUGAL])
    assert brief.event is None
    assert [loc.name for loc in brief.mapped] == ["Portugal"]
    assert renderer.map(brief_of(config, FR_BODY, fr_actors(), []), "fr")[0] is None


def test_the_title_is_the_articles_own_when_it_has_one(config):
    brief = brief_of(config, FR_BODY, fr_actors(), [place("Valmora", "PT", event=True), PORTUGAL],
                     title="Accord signé à Valmora")
    assert brief.title == "Accord signé à Valmora"


def test_without_a_title_it_is_built_from_the_lead_actors_and_the_place(config):
    brief = brief_of(config, FR_BODY, fr_actors(), [place("Valmora", "PT", event=True), PORTUGAL])
    assert brief.title == "Ana Ferreira et Horizonte — Valmora (Portugal)"
    nowhere = brief_of(config, FR_BODY, fr_actors(), [place("Valmora", "JP", event=True), PORTUGAL])
    assert nowhere.title == "Ana Ferreira et Horizonte"


def test_the_built_title_speaks_the_article_language_and_leaves_the_place_country_to_the_place(config):
    body = "Portugal and the Horizonte group signed a port deal in Valmora on Tuesday, officials said.\n"
    actors = [person(body, "Portugal", 4, kind="country"), person(body, "Horizonte", 1, "Horizonte group",
                                                                  kind="organization")]
    brief = brief_of(config, body, actors, [place("Valmora", "PT", event=True)], lang="en")
    assert [a.name for a in brief.primary][:2] == ["Portugal", "Horizonte"]
    assert brief.title == "Horizonte — Valmora (Portugal)"
    two = brief_of(config, body, [*actors, person(body, "Valmora", 1, kind="organization")], [], lang="en")
    assert two.title == "Portugal and Horizonte"


# --------------------------------------------------------------------------- real articles


@pytest.fixture(scope="module")
def real(config):
    """Article file name -> (article, facts, brief), by the real extraction (once per file)."""
    from briefgen.pipeline import Pipeline

    pipeline = Pipeline(config)
    cache: dict[str, tuple] = {}

    def get(name: str):
        if name not in cache:
            article = pipeline.read(DATA / name)
            facts = pipeline.extractor.extract(article)
            cache[name] = (article, facts, compose(article, facts, config))
        return cache[name]

    return get


def front_matter_title(name: str) -> str:
    text = (DATA / name).read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---")[1])["title"]


def article_countries(facts: Facts) -> set[str]:
    """The countries the article names: its country places and country actors (geocoded)."""
    from briefgen.extract.geocode import Geocoder

    geocoder = Geocoder()
    codes = {loc.country for loc in facts.locations if loc.kind == "country"}
    for actor in facts.actors:
        if actor.kind == "country":
            found = geocoder.lookup(actor.name, facts.article.language)
            codes.add(found.country if found else None)
    return codes - {None}


def named_in(actor: Actor, text: str) -> bool:
    return any(re.search(rf"(?<!\w){re.escape(form)}(?!\w)", text.replace("’", "'"))
               for form in [actor.name, *actor.aliases])


ARTICLES = sorted(p.name for p in DATA.iterdir() if p.suffix in (".txt", ".md") and p.name != "README.md")


def test_the_data_folder_holds_the_articles():
    assert len(ARTICLES) == 5


@pytest.mark.parametrize("name", ARTICLES)
def test_no_place_outside_the_article_countries_is_where_in_the_title_or_on_the_map(real, name):
    _, facts, brief = real(name)
    countries = article_countries(facts)
    astray = [loc for loc in facts.locations if loc.country not in countries and loc.kind != "country"]
    if brief.event is not None:
        assert brief.event.country in countries and brief.event.lat is not None
    for loc in astray:
        assert loc is not brief.event and loc.name not in [m.name for m in brief.mapped]
        if not facts.article.title and " — " in brief.title:
            assert loc.name not in brief.title.rpartition(" — ")[2]  # the title's place


@pytest.mark.parametrize("name", ARTICLES)
def test_the_first_who_is_named_in_the_lead(real, name):
    _, _, brief = real(name)
    assert brief.primary and named_in(brief.primary[0], brief.lead)


@pytest.mark.parametrize("name", [n for n in ARTICLES if n.endswith(".md")])
def test_a_titled_article_keeps_its_title_and_where_is_the_place_its_title_names(real, name):
    _, _, brief = real(name)
    assert brief.title == front_matter_title(name)
    assert brief.event is not None and brief.event.name in brief.title


def test_an_armed_group_that_is_the_lead_subject_comes_first(real):
    """The lead's subject is an armed group: the group, not a later speaker, comes first."""
    _, _, brief = real("03-mali-tombouctou-ansar-eddine.md")
    assert brief.primary[0].kind in ("organization", "group")


def test_two_candidates_of_the_lead_make_the_title(real):
    """The lead names two persons first; the title is theirs, joined in French, and no foreign
    homonym of a person's name becomes the place."""
    _, _, brief = real("20-obama-romney-chomage.txt")
    first, second = brief.primary[:2]
    assert first.kind == second.kind == "person"
    assert brief.lead.index(first.name) < brief.lead.index(second.name)
    assert brief.title.startswith(f"{first.name} et {second.name}")


def test_an_untitled_english_article_gets_an_english_title_with_the_lead_place(real):
    _, facts, brief = real("06-indonesia-asylum-seekers-rescued.txt")
    assert facts.article.language == "en" and " et " not in brief.title
    assert brief.event is not None and brief.event.name in brief.lead
    assert brief.title.endswith(f"— {brief.event.name} ({brief.event_country})")


def test_an_untitled_article_whose_event_place_is_astray_has_no_where(real, renderer):
    """The lead is set in the article's own country; a same-name place abroad is not "where"."""
    _, facts, brief = real("13-le-pen-petite-bourgeoise.txt")
    countries = article_countries(facts)
    assert brief.event is None or brief.event.country in countries
    assert all(named_in(a, brief.lead) for a in brief.primary[:2])
    assert brief.primary[0].kind == "person"  # the lead reports what a man said, not where he said it
    assert brief.title.startswith(f"{brief.primary[0].name} et ")


def test_the_news_agency_the_lead_cites_is_not_the_first_who(real):
    """The lead cites an agency citing another; the first "who" is one the article quotes."""
    _, facts, brief = real("07-north-korea-quasi-state-of-war.md")
    assert brief.primary[0].name in {r.speaker for r in facts.reactions}
