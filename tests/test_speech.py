"""Speech rules (briefgen/extract/speech.py) on sentences written for these tests (fictional
people, real spaCy models): who a pronoun stands for, quotations that continue a speaker,
reported speech beyond "dire"."""

from __future__ import annotations

import pytest

from conftest import facts_of, speakers_of


def test_inverted_pronoun_is_the_subject_named_since_the_last_speaker(extractor):
    facts = facts_of(
        extractor,
        "« Nous ne céderons rien sur les retraites », a déclaré Paul Verdier, le chef du syndicat.\n\n"
        "Dans son entretien, Hélène Marchal revient ensuite sur la réforme. « Le gouvernement devra "
        "reculer avant la fin de l'année », prévient-elle.\n",
    )
    assert speakers_of(facts, "Nous ne céderons rien") == ["Paul Verdier"]
    assert speakers_of(facts, "Le gouvernement devra reculer") == ["Hélène Marchal"]


def test_inverted_pronoun_does_not_take_a_subject_of_the_words_reported(extractor):
    facts = facts_of(
        extractor,
        "Marc Dutertre, un économiste qui conseille la banque, avait déclaré que la crise durerait.\n\n"
        "La Norvège veut vendre plus de gaz à l'Allemagne, tandis que la Pologne cherche d'autres "
        "fournisseurs, a-t-il ajouté.\n",
    )
    assert speakers_of(facts, "vendre plus de gaz") == ["Marc Dutertre"]


def test_a_pronoun_after_the_same_pronoun_keeps_the_last_speaker(extractor):
    facts = facts_of(
        extractor,
        "Jeanne Ferrand a affirmé que les négociations reprendraient lundi. Elle a ajouté que "
        "l'accord serait signé avant l'été.\n",
    )
    assert speakers_of(facts, "l'accord serait signé") == ["Jeanne Ferrand"]


def test_english_pronoun_after_a_new_subject(extractor):
    facts = facts_of(
        extractor,
        "\"We will not sell the port,\" said Mayor Ted Harlan.\n\n"
        "Later, Ruth Okafor returned to the dispute. \"The council has misled the voters for years,\" "
        "she warned.\n",
        language="en",
    )
    assert speakers_of(facts, "The council has misled the voters") == ["Ruth Okafor"]


def test_a_quotation_paragraph_without_a_verb_continues_the_last_speaker(extractor):
    facts = facts_of(
        extractor,
        "La maire Claire Vasseur a annoncé que le marché couvert fermerait en mars. Le chantier commencera "
        "en avril.\n\n"
        "« Les travaux dureront deux ans et les commerçants seront relogés sur la place. »\n\n"
        "Les commerçants du quartier ont manifesté samedi devant la mairie.\n",
    )
    assert speakers_of(facts, "Les travaux dureront deux ans") == ["Claire Vasseur"]


def test_a_name_ner_missed_is_an_actor_when_it_speaks(extractor):
    facts = facts_of(
        extractor,
        "La note de la Belgique est passée de A1 à A3.\n\n"
        "Fitchwell's explique que la dette publique du pays continuera de croître.\n",
    )
    names = {a.name for a in facts.actors}
    assert speakers_of(facts, "la dette publique du pays continuera") == ["Fitchwell's"]
    assert "Fitchwell's" in names
    assert not any(a.name in ("M.", "Le gouvernement") for a in facts.actors)


def test_a_relative_clause_speaks_for_the_body_named_before_it(extractor):
    facts = facts_of(
        extractor,
        "La hausse des taux n'a pas été appréciée par la Banque centrale de Lisbonne qui regrette que la "
        "décision ait été prise sans consultation.\n",
    )
    assert speakers_of(facts, "la décision ait été prise sans consultation") == ["Banque centrale de Lisbonne"]


def test_the_latter_is_the_actor_named_last(extractor):
    facts = facts_of(
        extractor,
        "Le syndicat Force Nouvelle a signé un accord avec l'entreprise Verlac. Ces derniers affirment "
        "que les salaires augmenteront de trois pour cent.\n",
    )
    speakers = speakers_of(facts, "les salaires augmenteront")
    assert len(speakers) == 1 and "Verlac" in speakers[0]


def test_the_party_speaks_for_the_party_named_before(extractor):
    facts = facts_of(
        extractor,
        "Le Mouvement démocrate a quitté la coalition mardi. Le parti a estimé que la réforme des "
        "retraites trahissait ses électeurs.\n",
    )
    assert speakers_of(facts, "la réforme des retraites trahissait") == ["Mouvement démocrate"]


def test_a_role_after_a_name_stops_at_the_sentence_end(extractor):
    facts = facts_of(
        extractor,
        "« Nous voterons contre ce budget » déclare à la radio Luc Barrière, le porte-parole du groupe. "
        "« Le ministre a promis des économies sans les chiffrer » a-t-il ajouté.\n",
    )
    barriere = next(a for a in facts.actors if a.name == "Luc Barrière")
    assert barriere.role == "porte-parole du groupe"


@pytest.mark.parametrize("dateline", ["12 mars 2031. - ", "LYON, 12 mars (AFP) - ", "LYON (AFP) — "])
def test_a_dateline_never_leaks_into_reactions_or_evidence(extractor, dateline):
    body = (f"{dateline}La hausse des loyers touchera d'abord les étudiants, a estimé la maire Agnès Ravel.\n\n"
            "Selon Agnès Ravel, les prix des logements étudiants ont doublé en dix ans.\n")
    facts = facts_of(extractor, body)
    texts = [r.text for r in facts.reactions]
    assert any(t.startswith("La hausse des loyers touchera") for t in texts), texts
    starts = [body[e.start:e.end] for r in facts.reactions for e in r.evidence]
    assert all(not s.startswith(dateline.strip()[:4]) for s in starts), starts


def test_a_complement_with_de_is_what_was_said(extractor):
    facts = facts_of(extractor, "La ministre Odile Ferrat s'est félicitée de la signature rapide de l'accord de pêche.\n")
    assert any("la signature rapide de l'accord" in r.text for r in facts.reactions if r.speaker == "Odile Ferrat")


def test_an_action_object_of_a_speech_verb_is_not_what_was_said(extractor):
    facts = facts_of(extractor, "Le général Ivo Marek a lancé une offensive contre les positions rebelles du nord.\n")
    assert not any("offensive" in r.text for r in facts.reactions)


def test_a_participle_clause_speaks_for_the_main_subject(extractor):
    facts = facts_of(
        extractor,
        "The Harbour Workers Union launched a petition on Monday, asking the government to reopen "
        "the northern docks before winter.\n",
        language="en",
    )
    assert any("reopen the northern docks" in r.text and r.speaker == "Harbour Workers Union" for r in facts.reactions), facts.reactions


def test_unnamed_collectives_speak_as_groups(extractor):
    facts = facts_of(
        extractor,
        "Des milliers de personnes ont défilé à Nantes samedi. Les manifestants ont dénoncé la fermeture "
        "de la maternité du centre-ville.\n",
    )
    group = [a for a in facts.actors if a.kind == "group"]
    assert [a.name for a in group] == ["manifestants"]
    assert speakers_of(facts, "la fermeture de la maternité") == ["manifestants"]


def test_a_collective_of_a_named_body_is_that_body(extractor):
    facts = facts_of(
        extractor,
        "Les analystes de la banque Verdane estiment que la croissance ralentira en 2031.\n",
    )
    assert not any(a.kind == "group" for a in facts.actors)


def test_a_quotation_never_takes_its_speaker_from_the_next_paragraph(extractor):
    facts = facts_of(
        extractor,
        "« Le tramway sera prolongé jusqu'au port avant la fin du mandat ».\n\n"
        "Le collectif Vélo Libre faisait part lundi de son inquiétude sur le chantier.\n",
    )
    assert speakers_of(facts, "Le tramway sera prolongé") == []


def test_pour_lui_gives_the_speaker_a_pronoun_stands_for(extractor):
    facts = facts_of(
        extractor,
        "Jean Morlaix revient sur sa carrière. Pour lui, la presse régionale le décrit comme « rigide » "
        "depuis son élection.\n",
    )
    found = [r for r in facts.reactions if "la presse régionale le décrit" in r.text]
    assert [r.speaker for r in found] == ["Jean Morlaix"]
    assert not found[0].text.startswith("Pour")


def test_european_leaders_speak_for_the_union_and_brussels_too(extractor):
    facts = facts_of(
        extractor,
        "Les dirigeants européens se sont félicités du résultat des élections portugaises. Bruxelles "
        "estime que le nouveau gouvernement tiendra ses engagements.\n",
    )
    assert speakers_of(facts, "du résultat des élections portugaises") == ["Union européenne"]
    assert speakers_of(facts, "le nouveau gouvernement tiendra") == ["Union européenne"]
    assert not any(a.name == "Belgique" for a in facts.actors)


def test_a_that_clause_after_a_statement_noun_is_what_was_said(extractor):
    facts = facts_of(
        extractor,
        "Port director Alan Whitcombe told reporters in a statement that the northern terminal would "
        "close for repairs in March.\n",
        language="en",
    )
    assert any("the northern terminal would close" in r.text for r in facts.reactions if r.speaker == "Alan Whitcombe"), facts.reactions


def test_the_person_told_is_not_what_was_said(extractor):
    facts = facts_of(
        extractor,
        "As marine biologist Ines Carvalho told The Harbour Gazette, the reef is dying faster than any "
        "model predicted.\n",
        language="en",
    )
    assert not any(r.text == "The Harbour Gazette" for r in facts.reactions), facts.reactions


def test_a_verb_before_a_colon_and_a_quotation_introduces_speech(extractor):
    facts = facts_of(
        extractor,
        "Lucien Maréchal, ancien pêcheur du port, se souvient : « Les bateaux rentraient tous avant "
        "la nuit et personne ne parlait ».\n",
    )
    assert speakers_of(facts, "Les bateaux rentraient tous") == ["Lucien Maréchal"]


def test_a_quoted_title_is_not_speech(extractor):
    facts = facts_of(
        extractor,
        "« Le festival attirera dix mille visiteurs cette année », a affirmé la maire Odile Brasseur. "
        "Il s'ouvre par une pièce nommée « Les gardiens de la mer du Nord » jouée sur le port.\n",
    )
    assert not any("Les gardiens de la mer" in r.text for r in facts.reactions), facts.reactions
