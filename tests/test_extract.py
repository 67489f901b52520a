"""Extraction rules on small real French and English texts (real spaCy models, no mocks).

Each test names one rule of briefgen/extract.py; the texts are written for the
test, not taken from the dev set.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import REPO_CONFIG
from briefgen.config import load_config
from briefgen.extract import Extractor
from briefgen.ingest import Article


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(load_config(REPO_CONFIG))


def facts_of(extractor: Extractor, body: str, language: str = "fr"):
    article = Article(id="t", path=Path("t.txt"), body=body, language=language)
    return extractor.extract(article)


def actor(facts, name):
    found = [a for a in facts.actors if a.name == name or name in a.aliases]
    assert found, f"{name!r} not among {[(a.name, a.aliases) for a in facts.actors]}"
    assert len(found) == 1, f"{name!r} found twice: {found}"
    return found[0]


def test_truncated_names_are_repaired_and_spelling_variants_merged(extractor):
    facts = facts_of(
        extractor,
        "Kim Jong Un a rencontré Dmitri Peskov à Moscou mercredi.\n\n"
        "Selon la télévision, Kim Jong Un a salué l'accueil. Dimitri Peskov a indiqué que la visite durerait trois jours.\n",
    )
    kim = actor(facts, "Kim Jong Un")
    assert kim.kind == "person" and kim.mentions == 2
    peskov = actor(facts, "Dmitri Peskov")
    assert {peskov.name, *peskov.aliases} >= {"Dmitri Peskov", "Dimitri Peskov"}
    assert not any(a.name.lower() in ("mercredi", "selon") for a in facts.actors)


def test_capital_that_speaks_is_its_country(extractor):
    facts = facts_of(
        extractor,
        "Washington craint que la Russie ne livre des armes à l'Iran. Les deux pays ont signé un accord à Moscou.\n",
    )
    usa = actor(facts, "États-Unis")
    assert usa.kind == "country" and "Washington" in usa.aliases
    assert any(r.speaker == "États-Unis" and "la Russie ne livre des armes" in r.text for r in facts.reactions)
    assert not any(a.kind == "person" and a.name == "Washington" for a in facts.actors)


def test_government_noun_with_nationality_speaks_for_the_country(extractor):
    facts = facts_of(
        extractor,
        "Le gouvernement malien a dénoncé la destruction des mausolées de Tombouctou par les islamistes.\n",
    )
    mali = actor(facts, "Mali")
    assert mali.kind == "country"
    assert any(r.speaker == "Mali" for r in facts.reactions)


def test_inverted_speaker_after_a_quotation(extractor):
    facts = facts_of(
        extractor,
        "Le président Vladimir Poutine a reçu son homologue.\n\n"
        "« Nous discuterons de tous les sujets sans nous presser », a dit Vladimir Poutine.\n",
    )
    direct = [r for r in facts.reactions if r.kind == "direct"]
    assert direct and direct[0].speaker == "Vladimir Poutine"
    assert direct[0].text == "Nous discuterons de tous les sujets sans nous presser"


def test_apposition_subject_gives_the_person_as_speaker(extractor):
    facts = facts_of(
        extractor,
        "An Chan-il, un transfuge devenu chercheur, avait déclaré que la Russie cherchait des obus d'artillerie.\n",
    )
    assert any(r.speaker == "An Chan-il" and "la Russie cherchait des obus" in r.text for r in facts.reactions), facts.reactions


def test_acronym_joins_the_full_name(extractor):
    facts = facts_of(
        extractor,
        "L'organisation Human Rights Watch a publié un rapport sur la torture en Syrie. "
        "Selon HRW, la torture est systématique. HRW demande une enquête internationale.\n",
    )
    hrw = actor(facts, "Human Rights Watch")
    assert "HRW" in hrw.aliases and hrw.kind == "organization"


def test_event_location_is_the_most_specific_setting_of_the_lead(extractor):
    facts = facts_of(
        extractor,
        "Les islamistes ont détruit mardi la porte d'une mosquée à Tombouctou, dans le nord du Mali. "
        "Le Mali a demandé l'aide de la France.\n",
    )
    events = [loc.name for loc in facts.locations if loc.event]
    assert events == ["Tombouctou"]
    tombouctou = next(loc for loc in facts.locations if loc.name == "Tombouctou")
    assert tombouctou.country == "ML" and tombouctou.lat is not None


def test_quoted_fragments_stay_inside_reported_speech(extractor):
    facts = facts_of(
        extractor,
        "La Maison Blanche a averti que la Corée du Nord \"paierait le prix\" si elle fournissait des armes.\n",
    )
    texts = [r.text for r in facts.reactions]
    assert any("paierait le prix" in t and t.startswith("la Corée du Nord") for t in texts), texts
    assert "paierait le prix" not in texts  # not a reaction of its own


def test_demonyms_are_not_actors_in_english(extractor):
    facts = facts_of(
        extractor,
        "Indonesian fishermen rescued 700 Rohingya, a minority of Muslims from Myanmar. "
        "The Indonesian Navy said the Rohingya would be housed in Aceh.\n",
        language="en",
    )
    names = {a.name for a in facts.actors}
    assert "Indonesian" not in names and "Muslims" not in names
    assert "Indonesian Navy" in names
    assert sum(1 for a in facts.actors if a.name == "Rohingya") == 1


def test_stakes_need_support_in_two_sentences(extractor):
    facts = facts_of(
        extractor,
        "Le ministre a évoqué des satellites. Le lancement de la fusée a eu lieu au cosmodrome. "
        "Il a aussi parlé une fois de pétrole.\n",
    )
    topics = {s.topic for s in facts.stakes}
    assert "space" in topics and "energy" not in topics
    space = next(s for s in facts.stakes if s.topic == "space")
    assert len(space.evidence) >= 2 and space.label == "Spatial"
