"""Lexicons from the language (speech verbs by construction, titles, collectives) and stakes
from topic terms with their derived forms, never from a word used in passing.

Every sentence here is made up; the names are fictional.
"""

from __future__ import annotations

import pytest

from conftest import facts_of
from briefgen.extract import Lexicon


def topics(facts) -> set[str]:
    return {s.topic for s in facts.stakes}


# --------------------------------------------------------------------------- speech verbs


@pytest.mark.parametrize("language, body, speaker, words", [
    ("fr", "La ministre Claire Morel a démenti toute négociation avec les rebelles du nord.\n",
     "Claire Morel", "toute négociation avec les rebelles du nord"),
    ("fr", "Le porte-parole Paul Girard a fait savoir que le gouvernement ne céderait pas aux grévistes.\n",
     "Paul Girard", "le gouvernement ne céderait pas aux grévistes"),
    ("fr", "La députée Claire Morel a renchéri que la réforme menaçait les services publics.\n",
     "Claire Morel", "la réforme menaçait les services publics"),
    ("fr", "La ministre Claire Morel s'est engagée à réduire le déficit de moitié avant la fin de l'année.\n",
     "Claire Morel", "réduire le déficit de moitié"),
    ("fr", "Le ministre Paul Girard n'a pas confirmé la tenue d'une rencontre avec ses homologues.\n",
     "Paul Girard", "la tenue d'une rencontre avec ses homologues"),
    ("fr", "La présidente Claire Morel a fustigé les lenteurs de la justice dans cette affaire.\n",
     "Claire Morel", "les lenteurs de la justice"),
    ("en", "Mayor Paul Girard refused to comment on the police report.\n",
     "Paul Girard", "comment on the police report"),
    ("en", "Mayor Paul Girard declined to comment on the new parking rules.\n",
     "Paul Girard", "comment on the new parking rules"),
    ("en", "Senator Claire Morel pointed out that the budget had not been voted.\n",
     "Claire Morel", "the budget had not been voted"),
    ("en", "Minister Claire Morel rejected the accusations of corruption made by the opposition.\n",
     "Claire Morel", "the accusations of corruption"),
    ("en", "Governor Paul Girard vowed to rebuild the flooded districts within a year.\n",
     "Paul Girard", "rebuild the flooded districts within a year"),
])
def test_reporting_verbs_beyond_say(extractor, language, body, speaker, words):
    facts = facts_of(extractor, body, language)
    found = [r for r in facts.reactions if r.speaker == speaker and words in r.text]
    assert found and all(r.kind == "indirect" for r in found), facts.reactions


@pytest.mark.parametrize("language, body", [
    # verbs of action that report speech only with a clause
    ("fr", "Le ministre Paul Girard a trouvé un accord avec les syndicats du rail.\n"),
    ("en", "Mayor Paul Girard showed the new bridge to a group of visitors.\n"),
    # "refuser" alone is a decision, not a statement
    ("fr", "La ministre Claire Morel a refusé le projet de budget présenté par la commission.\n"),
])
def test_verbs_of_action_report_nothing_without_a_clause(extractor, language, body):
    assert facts_of(extractor, body, language).reactions == []


def test_speech_verbs_load_from_groups_and_reflexives_match_their_verb():
    lex = Lexicon.load("fr")
    # groups by construction are one list
    assert {"dire", "demander", "faire etat", "refuser de commenter"} <= lex.speech_verbs
    # "s'inquiéter", "se féliciter": the lemmatizer gives "inquiéter", "féliciter"
    assert {"inquieter", "feliciter"} <= lex.speech_verbs
    assert not any(v.split()[0] in ("se", "s") for v in lex.speech_verbs)
    assert ["a"] in lex.phrasal_speech_verbs["engager"]  # "s'engager à"
    # a verb of action is never a speech verb without its clause
    assert {"montrer", "trouver", "voir"} <= lex.clause_speech_verbs
    assert not lex.speech_verbs & lex.clause_speech_verbs


def test_an_extra_lexicon_list_adds_to_a_grouped_builtin_list(tmp_path):
    extra = tmp_path / "extra.yaml"
    extra.write_text("speech_verbs: [grommeler]\nclause_speech_verbs: {perception: [entrevoir]}\n",
                     encoding="utf-8")
    lex = Lexicon.load("fr", extra)
    assert {"grommeler", "dire", "annoncer"} <= lex.speech_verbs
    assert {"entrevoir", "montrer"} <= lex.clause_speech_verbs


def test_titles_collectives_and_polysemous_terms_load():
    fr, en = Lexicon.load("fr"), Lexicon.load("en")
    assert {"procureure generale", "ambassadrice", "imam", "directrice generale"} <= set(fr.titles)
    assert {"district attorney", "chief executive", "rabbi", "lieutenant colonel"} <= set(en.titles)
    assert fr.collective_nouns["manifestants"] == "group" and fr.collective_nouns["riverains"] == "group"
    assert en.collective_nouns["protesters"] == "group" and en.collective_nouns["witnesses"] == "group"
    assert {"front", "marine"} <= fr.polysemous_terms and {"growth", "sentence"} <= en.polysemous_terms


# --------------------------------------------------------------------------- stakes


@pytest.mark.parametrize("language, body, topic", [
    # derived forms: agent nouns, adjectives, nouns of the verb
    ("fr", "Les électeurs de Lorvane voteront dimanche. Le scrutin s'annonce serré et la campagne "
           "électorale a été tendue.\n", "domestic-politics"),
    ("en", "Voters in Lorvane go to the polls on Sunday. The electoral commission expects a high "
           "turnout for the ballot.\n", "domestic-politics"),
    ("fr", "Le procès de trois élus de Lorvane s'est ouvert lundi. Les prévenus sont poursuivis pour "
           "corruption et leur avocat dénonce une mise en examen politique.\n", "legal"),
    ("en", "The trial of two executives opened on Monday. The defendants face charges of fraud, and "
           "their lawyer called the prosecution political.\n", "legal"),
    ("fr", "Le chômage a encore progressé à Lorvane. La fiscalité locale pèse sur les ménages et les "
           "impôts fonciers augmentent.\n", "trade-economy"),
])
def test_stakes_from_derived_forms(extractor, language, body, topic):
    facts = facts_of(extractor, body, language)
    assert topic in topics(facts)
    (stake,) = [s for s in facts.stakes if s.topic == topic]
    assert len(stake.evidence) == 2


@pytest.mark.parametrize("language, body, topic", [
    # words with another sense than the topic's, even when they recur
    ("fr", "Le front de mer de Lorvane a été rénové. La marine marchande y amarre ses navires depuis "
           "le front de la jetée.\n", "military"),
    ("en", "The front of the old library was repainted. The front door was changed too.\n", "military"),
    ("en", "Children measured the growth of the oak tree. Its growth had slowed since the drought of "
           "the spring.\n", "trade-economy"),
    ("en", "Claire Morel opened a bakery in Lorvane. Her bread is sold at the Sunday market. The "
           "market is busy.\n", "trade-economy"),
    # a word inside a person's name
    ("fr", "Claire Guerre a ouvert une boulangerie à Lorvane. Claire Guerre y vend du pain de seigle.\n",
     "military"),
    # a word used once in passing
    ("fr", "Le maire Paul Girard a inauguré la nouvelle école de Lorvane en présence de l'ambassadeur. "
           "Les élèves ont chanté.\n", "diplomacy"),
])
def test_no_stake_from_a_word_in_passing(extractor, language, body, topic):
    assert topic not in topics(facts_of(extractor, body, language))


def test_civil_nuclear_is_energy_not_weapons(extractor):
    facts = facts_of(extractor, (
        "Le nucléaire est une filière d'avenir, estime l'exploitant de la centrale nucléaire de Lorvane. "
        "Le nucléaire civil fournit le tiers de l'électricité de la région.\n"))
    assert "energy" in topics(facts)
    assert "nuclear-missile" not in topics(facts)


def test_polysemous_word_is_evidence_beside_a_one_sense_term(extractor):
    # "tirs" and "front" count once "artillerie" says the topic is the military one
    facts = facts_of(extractor, (
        "L'artillerie a pilonné les positions ennemies près de Lorvane. Des tirs ont été signalés "
        "toute la nuit sur le front.\n"))
    (stake,) = [s for s in facts.stakes if s.topic == "military"]
    assert len(stake.evidence) == 2


@pytest.mark.parametrize("language, body, expected", [
    # a verb in the passive voice is the event the topic is about
    ("en", "Two officials of Lorvane were arrested on Monday. They were charged with fraud the next day.\n",
     True),
    ("fr", "Deux élus de Lorvane ont été inculpés lundi. Ils ont été condamnés à deux ans de prison mardi.\n",
     True),
    # in the active voice, the same verbs have other senses
    ("en", "The riders charged down the hill at Lorvane. Then they charged the gate again.\n", False),
    ("fr", "Les coureurs ont arrêté la course à Lorvane. Ils ont arrêté de rouler avant la pluie.\n", False),
])
def test_a_passive_verb_is_a_topic_term(extractor, language, body, expected):
    assert ("legal" in topics(facts_of(extractor, body, language))) is expected


def test_a_plural_in_the_title_names_the_topic(extractor):
    body = "Le gouvernement de Lorvane a fixé la date du prochain scrutin.\n"
    assert "domestic-politics" in topics(facts_of(extractor, body, title="Lorvane : des élections en mars"))
    assert "domestic-politics" not in topics(facts_of(extractor, body, title="Lorvane : un printemps pluvieux"))


def test_the_governments_of_several_states_are_not_domestic_politics(extractor):
    several = ("The envoy urged the governments of the region to open their ports. The governments of "
               "Lorvane and Tarsis replied within a day.\n")
    one = ("The government of Lorvane fell on Monday. The new government will be sworn in after the "
           "holidays.\n")
    assert "domestic-politics" not in topics(facts_of(extractor, several, "en"))
    assert "domestic-politics" in topics(facts_of(extractor, one, "en"))
