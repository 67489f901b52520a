"""Places (issue 10, classes 1 and 2): what is not a place, and where the event happens.

Sentences written for these tests; the persons are fictional, and several of them bear the
name of a real town on purpose.
"""

from __future__ import annotations

import pytest

from conftest import facts_of


def names(loc) -> set[str]:
    return {loc.name, *loc.aliases}


def no_location(facts, name):
    found = [loc.name for loc in facts.locations if name in names(loc)]
    assert not found, f"{name!r} is a location: {found}"


def location(facts, name):
    found = [loc for loc in facts.locations if name in names(loc)]
    assert len(found) == 1, f"{name!r} not once among {[(loc.name, loc.aliases) for loc in facts.locations]}"
    return found[0]


def events(facts) -> list[str]:
    return [loc.name for loc in facts.locations if loc.event]


# --------------------------------------------------------------------------- not places

@pytest.mark.parametrize("language, body, name", [
    # a title before the name
    ("en", "Senator Lincoln criticised the farm bill on Tuesday in Ottawa. "
           "The bill cuts subsidies to farmers across Canada.\n", "Lincoln"),
    # an honorific before the name, and the subject of a speech verb
    ("fr", "Le projet de loi sur l'eau a été adopté mardi à Liège. M. Florence a déclaré que la Belgique "
           "devait protéger ses rivières. Florence a ajouté que le texte serait appliqué dès l'été.\n",
     "Florence"),
    # the surname of a person named in full, whatever NER calls it afterwards
    ("en", "Police in Canada arrested Peter Valence on Friday in Toronto. Valence was charged with fraud, "
           "and the court set bail for Valence at 20,000 dollars.\n", "Valence"),
])
def test_a_name_used_as_a_person_is_not_a_place(extractor, language, body, name):
    facts = facts_of(extractor, body, language)
    no_location(facts, name)


def test_a_demonym_creates_no_place(extractor):
    facts = facts_of(
        extractor,
        "Les Russes ont annoncé lundi de nouvelles manœuvres près de la frontière de la Finlande.\n",
    )
    assert not [loc.name for loc in facts.locations if loc.country == "BG"]  # "Russe" is a Bulgarian town
    location(facts, "Finlande")


def test_a_body_named_after_a_town_s_old_name_is_not_that_town(extractor):
    facts = facts_of(
        extractor,
        "The Denver Post reported on Monday that Acme Holdings had closed its plant in Kansas. "
        "According to the Liberty article, the company will move to Nevada.\n",
        language="en",
    )
    for loc in facts.locations:
        assert set(map(str.casefold, names(loc))) & {"liberty", "denver post"} == set(), loc


# --------------------------------------------------------------------------- towns and countries

def test_a_town_must_lie_in_a_country_the_article_names(extractor):
    facts = facts_of(
        extractor,
        "Kenyan and Canadian officials met in Nairobi on Monday to discuss trade. "
        "The delegations will meet again in Montana next month.\n",
        language="en",
    )
    montana = location(facts, "Montana")
    assert montana.country != "BG" and montana.lat is None  # not the Bulgarian town


def test_a_name_shared_by_a_foreign_town_and_a_province_is_the_province_of_the_named_country(extractor):
    facts = facts_of(
        extractor,
        "Flood warnings were issued in Ontario on Monday, the Canadian weather service said.\n",
        language="en",
    )
    assert location(facts, "Ontario").country == "CA"


def test_a_town_of_the_named_country_is_taken_over_a_foreign_namesake(extractor):
    facts = facts_of(
        extractor,
        "La Belgique a annoncé lundi un plan pour le logement. Le ministre l'a présenté à Waterloo.\n",
    )
    assert location(facts, "Waterloo").country == "BE"


# --------------------------------------------------------------------------- the scene

def test_a_capital_quoted_later_as_a_metonym_is_not_the_scene(extractor):
    facts = facts_of(
        extractor,
        "Floods killed at least twelve people in northern Chile on Monday, the rescue services said. "
        "Santiago announced emergency aid on Tuesday.\n",
        language="en",
    )
    assert events(facts) == ["Chile"]


def test_a_lead_country_with_a_town_of_it_in_the_next_sentence_is_the_scene_at_two_scales(extractor):
    facts = facts_of(
        extractor,
        "Plusieurs communes du Portugal ont augmenté leurs impôts locaux ce mois-ci, malgré les protestations. "
        "Le conseil municipal de Braga a voté la hausse lundi.\n\n"
        "Les habitants de Porto ont manifesté samedi.\n",
    )
    assert events(facts) == ["Portugal", "Braga"]
    assert facts.event_location.name == "Braga"


def test_a_city_named_once_far_from_the_lead_is_not_the_scene(extractor):
    facts = facts_of(
        extractor,
        "Thousands of students marched in Valparaíso on Saturday against the pension reform, the organisers said. "
        "The reform would raise the retirement age in Chile to 67.\n\n"
        "The government says the reform is needed. Unions plan another march next week.\n\n"
        "One of the organisers, who studies in Antofagasta, said the movement would grow.\n",
        language="en",
    )
    assert "Antofagasta" not in events(facts)
    assert facts.event_location.name == "Valparaíso"


def test_without_a_place_in_the_lead_the_scene_is_the_country_named_most(extractor):
    facts = facts_of(
        extractor,
        "Le gouvernement a présenté lundi une réforme des retraites très contestée par les syndicats. "
        "Le texte doit être voté avant l'été.\n\n"
        "Une réunion s'est tenue à Antofagasta avec des représentants syndicaux. "
        "Une autre réunion est prévue à Antofagasta en juin.\n\n"
        "Le Chili compte dix millions de travailleurs.\n",
    )
    assert "Chili" in events(facts)


# --------------------------------------------------------------------------- sites

@pytest.mark.parametrize("language, body, name, alias", [
    # the facility after a body's name: the body stays, its headquarters are a site
    ("en", "Hundreds of workers protested outside Acme Corporation's headquarters in Kansas on Monday, the union "
           "said.\n", "Acme Corporation headquarters", "Acme Corporation's headquarters"),
    # the facility after a place's name
    ("en", "Police officers went to the East Brambleton station on Monday, a spokesman said.\n",
     "East Brambleton station", None),
    # the name ends with the facility
    ("en", "The defector was taken to the Elmwood Towers in Halifax, his lawyer said.\n", "Elmwood Towers", None),
    # the facility before the name, with an adjective between
    ("fr", "Un avion s'est posé en urgence lundi à l'aéroport international Elmar-Kessou, près de Dakar.\n",
     "aéroport international Elmar-Kessou", None),
])
def test_a_name_joined_to_a_facility_is_a_site(extractor, language, body, name, alias):
    facts = facts_of(extractor, body, language)
    site = location(facts, name)
    assert site.kind == "site"
    if alias:
        assert alias in site.aliases


def test_a_square_named_after_a_town_is_not_that_town(extractor):
    facts = facts_of(
        extractor,
        "Des milliers de manifestants se sont réunis samedi sur la place Mirabeau de Marseille, selon des témoins.\n",
    )
    square = location(facts, "place Mirabeau")
    assert square.kind == "site" and square.country != "DZ"  # Mirabeau is also an Algerian town
    no_location(facts, "Mirabeau")


def test_an_unplaced_site_is_not_preferred_to_a_known_town_as_the_scene(extractor):
    facts = facts_of(
        extractor,
        "Un avion s'est écrasé lundi dans la banlieue de Dakar, près de l'aéroport international Elmar-Kessou.\n",
    )
    assert facts.event_location.name == "Dakar"


# --------------------------------------------------------------------------- names NER takes for places

def test_an_unknown_name_never_used_as_a_place_is_a_body_or_a_people(extractor):
    facts = facts_of(
        extractor,
        "Alors que la population fête son indépendance, les Pieds-Bleus se préparent à l'exil en Belgique. "
        "Pour l'ALZ, cette journée fut une victoire.\n",
    )
    no_location(facts, "Pieds-Bleus")
    no_location(facts, "ALZ")
    kinds = {a.name: a.kind for a in facts.actors}
    assert kinds.get("Pieds-Bleus") == "group" and kinds.get("ALZ") == "organization"


def test_letters_after_a_person_s_name_are_neither_place_nor_actor(extractor):
    facts = facts_of(
        extractor,
        "The couple were found guilty on Friday in Halifax. In the words of the prosecutor, Mark Elmwood, QC, "
        "\"the child suffered for months.\"\n",
        language="en",
    )
    no_location(facts, "QC")
    assert not [a.name for a in facts.actors if a.name == "QC"]


def test_lookup_in_takes_the_place_of_that_name_in_the_given_countries(extractor):
    geo = extractor.geocoder
    assert geo.lookup("Ontario", "en").country != "CA"  # a Californian town, by the usual answer
    province = geo.lookup_in("Ontario", "en", {"CA"})
    assert province.kind == "region" and province.country == "CA"
    town = geo.lookup_in("Waterloo", "fr", {"BE"})
    assert town.kind == "city" and town.country == "BE" and town.lat is not None
    assert geo.lookup_in("Montana", "en", {"KE"}) is None


def test_a_place_noun_inside_an_unknown_name_gives_the_place(extractor):
    facts = facts_of(
        extractor,
        "The request of the Municipality of Castelmarino was refused by the court in Portugal.\n",
        language="en",
    )
    town = location(facts, "Castelmarino")
    assert town.kind == "city" and "Municipality of Castelmarino" in town.aliases


@pytest.mark.parametrize("language, body, name", [
    ("fr", "Le gouvernement sénégalais a lancé lundi le programme Florence pour les écoles rurales, a annoncé le "
           "ministre.\n", "Florence"),
    ("fr", "Le Sénégal a lancé lundi le plan Valence pour les écoles rurales. Le plan Valence coûtera deux "
           "milliards.\n", "Valence"),
    ("en", "Ghana unveiled the Denver Plan on Monday to modernise its ports. The Denver Plan will cost two billion "
           "dollars.\n", "Denver Plan"),
])
def test_a_programme_or_a_law_named_like_a_place_is_not_a_place(extractor, language, body, name):
    facts = facts_of(extractor, body, language)
    no_location(facts, name)
    assert not [loc.name for loc in facts.locations if loc.kind != "country"]


def test_without_a_place_in_the_lead_or_a_country_the_scene_is_the_widest_place(extractor):
    facts = facts_of(
        extractor,
        "Deux soldats ont été tués mercredi lors d'une embuscade tendue par des trafiquants armés. "
        "Leur régiment est basé à Quimper.\n\n"
        "Le ministre se rendra demain en Bretagne pour rendre hommage aux soldats.\n",
    )
    assert events(facts) == ["Bretagne"]


@pytest.mark.parametrize("language, body", [
    ("fr", "Halifax, 4 juillet (AFP) - Des inondations ont fait douze morts lundi dans le Manitoba, selon les "
           "secours.\n"),
    ("en", "Halifax (Reuters) - Floods killed twelve people in Manitoba on Monday, rescuers said.\n"),
])
def test_a_dateline_is_a_place_but_not_the_scene(extractor, language, body):
    facts = facts_of(extractor, body, language)
    assert events(facts) == ["Manitoba"]
    assert location(facts, "Halifax").country == "CA"


def test_a_site_named_with_and_without_an_acronym_is_one_site(extractor):
    facts = facts_of(
        extractor,
        "The delegates met at the World Grain Organisation headquarters in Halifax on Monday. "
        "Protesters later gathered outside the W.G.O. headquarters, police said.\n",
        language="en",
    )
    sites = [loc for loc in facts.locations if loc.kind == "site"]
    assert len(sites) == 1, sites
    assert "W.G.O. headquarters" in sites[0].aliases


def test_a_lead_that_names_no_place_is_set_in_the_country_of_its_nationality_adjective(extractor):
    facts = facts_of(
        extractor,
        "Le gouvernement portugais a présenté mardi un budget de rigueur devant les députés.\n\n"
        "L'ancien maire de Braga a défendu les coupes dans les dépenses publiques.\n",
    )
    assert events(facts) == ["Portugal"]
    scene = location(facts, "Portugal")
    assert scene.aliases == [] and scene.country == "PT"


def test_the_adjective_gives_no_scene_when_the_article_is_set_abroad(extractor):
    facts = facts_of(
        extractor,
        "Des soldats portugais ont été blessés mardi lors d'une patrouille.\n\n"
        "L'attaque a eu lieu à Gao, dans le nord du Mali.\n",
    )
    assert "Portugal" not in events(facts)
    assert "Portugal" not in [loc.name for loc in facts.locations]
