"""Actor rules (briefgen/extract/actors.py, reading.py) on sentences written for these tests."""

from __future__ import annotations


from conftest import facts_of, speakers_of


def test_a_body_name_ner_cut_in_two_is_one_actor(extractor):
    facts = facts_of(extractor, "Europe Solidaire Les Verts a réagi lundi à la fermeture de la centrale.\n")
    names = [a.name for a in facts.actors]
    assert "Europe Solidaire Les Verts" in names
    assert "Les Verts" not in names and "Europe Solidaire" not in names


def test_unnamed_officials_with_a_nationality_speak_for_their_country(extractor):
    facts = facts_of(
        extractor,
        "Des responsables norvégiens ont affirmé que le gazoduc serait réparé avant l'hiver.\n",
    )
    assert speakers_of(facts, "le gazoduc serait réparé") == ["Norvège"]
    facts = facts_of(
        extractor,
        "Chilean officials said the copper mine would reopen next month.\n",
        language="en",
    )
    assert speakers_of(facts, "the copper mine would reopen") == ["Chile"]


def test_the_government_alone_speaks_for_the_article_s_main_country(extractor):
    facts = facts_of(
        extractor,
        "Le Portugal a fermé ses frontières mardi. Le Portugal a aussi suspendu les vols vers l'Espagne.\n\n"
        "Le gouvernement a déclaré que la mesure durerait deux semaines.\n",
    )
    assert speakers_of(facts, "la mesure durerait deux semaines") == ["Portugal"]


def test_a_given_name_alone_is_the_one_person_who_bears_it(extractor):
    facts = facts_of(
        extractor,
        "Jacques Dupuis a critiqué sa fille, Marine Dupuis. « Moi je suis né dans un milieu populaire et "
        "Marine est née dans un milieu bourgeois », explique-t-il. Marine a répondu lundi.\n",
    )
    assert [a.name for a in facts.actors if "Marine" in a.name or "Marine" in a.aliases] == ["Marine Dupuis"]
    assert not any(a.kind == "organization" for a in facts.actors)


def test_roles_run_over_of_phrases_but_never_from_a_preposition(extractor):
    facts = facts_of(
        extractor,
        "Minister of Fisheries Ana Ruiz said the quotas would fall. Support came from many leaders, "
        "ranging from Senate President Tom Hale to the mayors of the coast.\n",
        language="en",
    )
    roles = {a.name: a.role for a in facts.actors}
    assert roles.get("Ana Ruiz") == "Minister of Fisheries"
    assert roles.get("Tom Hale") in ("Senate President", "President")


def test_a_body_spelled_out_before_its_acronym_is_one_actor(extractor):
    facts = facts_of(
        extractor,
        "The Union of Free Pilots and Navigators (UFPN) has filed a complaint. The UFPN said the new "
        "rules endanger passengers.\n",
        language="en",
    )
    body = [a for a in facts.actors if "UFPN" in (a.name, *a.aliases)]
    assert len(body) == 1 and body[0].name == "Union of Free Pilots and Navigators"
    assert not any(a.name == "Navigators" for a in facts.actors)


def test_short_forms_of_one_body_join_its_full_name(extractor):
    facts = facts_of(
        extractor,
        "The Northern Court of Maritime Appeals ruled on Tuesday. The Court of Maritime Appeals ordered "
        "the port to pay. The World Maritime Organization, or W.M.O., welcomed the ruling.\n",
        language="en",
    )
    courts = [a for a in facts.actors if "Court" in a.name]
    assert len(courts) == 1, [a.name for a in facts.actors]
    wmo = [a for a in facts.actors if "W.M.O." in (a.name, *a.aliases) or a.name == "World Maritime Organization"]
    assert len(wmo) == 1, [a.name for a in facts.actors]


def test_a_body_named_only_in_a_title_is_not_an_actor(extractor):
    facts = facts_of(
        extractor,
        "Le président du Conseil régional Hervé Lantier a inauguré le pont samedi.\n",
    )
    assert "Hervé Lantier" in [a.name for a in facts.actors]
    assert not any(a.kind == "organization" for a in facts.actors), [a.name for a in facts.actors]


def test_initials_of_a_full_name_are_the_same_person(extractor):
    facts = facts_of(
        extractor,
        "Le président Bertrand Valloire a promis des emplois. Son rival a répliqué que B. Valloire "
        "n'avait tenu aucune promesse.\n",
    )
    assert [a.name for a in facts.actors if "Valloire" in a.name] == ["Bertrand Valloire"]


def test_a_name_with_a_number_is_one_body(extractor):
    facts = facts_of(
        extractor,
        "La chaîne Horizon 9 a diffusé le reportage lundi. Selon Horizon 9, la correspondante est saine et "
        "sauve. En Bretagne 24 personnes ont été évacuées.\n",
    )
    names = [a.name for a in facts.actors]
    assert "Horizon 9" in names, names
    assert not any("24" in n for n in names), names


def test_a_possessive_body_and_an_attributed_clause(extractor):
    facts = facts_of(
        extractor,
        "Nora Quint left the company in May. According to Nora Quint, a manager for the Marlow County "
        "Sheriff's office was given the files. The Marlow County Sheriff's office declined to comment.\n",
        language="en",
    )
    quint = next(a for a in facts.actors if a.name == "Nora Quint")
    assert quint.role is None
    assert any(a.name == "Marlow County Sheriff's office" for a in facts.actors), [a.name for a in facts.actors]


def test_a_title_runs_over_its_complements(extractor):
    facts = facts_of(
        extractor,
        "Pour la première fois, le président du Conseil des ministres Paolo Verri a envisagé un recours "
        "aux fonds européens.\n",
    )
    verri = next(a for a in facts.actors if a.name == "Paolo Verri")
    assert verri.role == "président du Conseil des ministres"
    assert not any(a.name == "Conseil" for a in facts.actors)


def test_names_joined_at_a_conjunction_after_a_plural_noun_are_two(extractor):
    facts = facts_of(
        extractor,
        "The case concerned the religious schools San Marco and Santa Chiara in Verona. San Marco "
        "appealed the ruling.\n",
        language="en",
    )
    names = [a.name for a in facts.actors] + [loc.name for loc in facts.locations]
    assert not any(" and " in n for n in names), names



def test_officials_of_a_body_named_elsewhere_speak_for_it(extractor):
    facts = facts_of(
        extractor,
        "The Church of Theosophy opened a new temple in May. Theosophy officials have stated they "
        "have not received the grant.\n",
        language="en",
    )
    speakers = speakers_of(facts, "they have not received the grant")
    assert speakers == ["Church of Theosophy"], facts.reactions


def test_a_person_ner_ran_into_the_body_of_their_title_is_split_off(extractor):
    facts = facts_of(
        extractor,
        "President of the Boston branch of the League of Women Voters Nadia Brandt said the vote was fair.\n",
        language="en",
    )
    names = [a.name for a in facts.actors]
    assert "Nadia Brandt" in names and not any(n.endswith("Nadia Brandt") and n != "Nadia Brandt" for n in names), names


def test_a_country_that_only_qualifies_another_name_is_a_place_not_an_actor(extractor):
    facts = facts_of(
        extractor,
        "Researchers at the University of Leeds of the UK and Canadian President-elect aides met. "
        "The Canadian delegation was led by Portugal President Ana Rocha.\n",
        language="en",
    )
    actors = [a.name for a in facts.actors]
    assert "United Kingdom" not in actors and "Portugal" not in actors
    assert {"United Kingdom", "Portugal"} <= {p.name for p in facts.locations}
    facts = facts_of(extractor, "Des pluies torrentielles ont frappé le sud-ouest du Kenya lundi.\n")
    assert "Kenya" not in [a.name for a in facts.actors]
    assert "Kenya" in [p.name for p in facts.locations]


def test_a_country_that_acts_stays_an_actor(extractor):
    facts = facts_of(extractor, "Le Kenya a fermé sa frontière avec la Somalie lundi.\n")
    assert "Kenya" in [a.name for a in facts.actors]


def test_a_lone_first_surname_is_the_person_with_two_surnames(extractor):
    facts = facts_of(
        extractor,
        "La juge Carmen Ortega Villalba a ouvert une enquête sur le port de Vigo. "
        "Ortega a déclaré que les contrats seraient examinés un par un.\n",
    )
    persons = [a for a in facts.actors if a.kind == "person"]
    assert [a.name for a in persons] == ["Carmen Ortega Villalba"]
    assert speakers_of(facts, "les contrats seraient examinés") == ["Carmen Ortega Villalba"]


def test_a_misspelt_surname_is_the_person_it_nearly_spells(extractor):
    facts = facts_of(
        extractor,
        "Katrin Vollmann, a spokeswoman for the firm, says the plant will close in March. "
        "Ms Volmann said the workers would be offered new posts.\n",
        language="en",
    )
    assert [a.name for a in facts.actors if a.kind == "person"] == ["Katrin Vollmann"]
    assert speakers_of(facts, "the workers would be offered new posts") == ["Katrin Vollmann"]


def test_two_persons_who_share_a_close_surname_stay_two(extractor):
    facts = facts_of(
        extractor,
        "Anna Hartmann and Paul Hartmans met the mayor. Hartman said nothing.\n",
        language="en",
    )
    persons = {a.name for a in facts.actors if a.kind == "person"}
    assert {"Anna Hartmann", "Paul Hartmans"} <= persons


def test_a_title_ner_takes_into_a_person_s_name_is_the_role(extractor):
    facts = facts_of(extractor, "Spokeswoman Katrin Vollmann says the plant will close in March.\n", language="en")
    person = next(a for a in facts.actors if a.kind == "person")
    assert (person.name, person.role) == ("Katrin Vollmann", "Spokeswoman")


def test_the_acronym_that_opens_a_body_s_full_name_is_that_body(extractor):
    facts = facts_of(
        extractor,
        "Le constructeur BRT Motors Europe a annoncé la fermeture de son usine de Lille. "
        "BRT a précisé que 800 postes seraient supprimés.\n",
    )
    orgs = [a for a in facts.actors if a.kind == "organization"]
    assert [a.name for a in orgs] == ["BRT Motors Europe"] and "BRT" in orgs[0].aliases


def test_a_common_noun_capitalised_at_the_start_of_its_sentences_is_no_actor(extractor):
    facts = facts_of(
        extractor,
        "The parents treated the boy with naturopathy. Naturopathy is not supported by evidence, "
        "the court heard. Naturopathy was their only treatment.\n",
        language="en",
    )
    assert "Naturopathy" not in [a.name for a in facts.actors]


def test_letters_after_a_person_s_name_are_no_body_but_a_party_in_brackets_is(extractor):
    facts = facts_of(
        extractor,
        "Speaking for the hospital, Ruth Ingram, SC, said that the boy had been treated well.\n",
        language="en",
    )
    assert "SC" not in [a.name for a in facts.actors]
    facts = facts_of(
        extractor,
        "Le député Pablo Arenas (PSOE) a demandé la démission du ministre. "
        "Le PSOE a ensuite dénoncé une purge.\n",
    )
    assert "PSOE" in [a.name for a in facts.actors]


def test_a_capitalised_article_inside_a_sentence_opens_the_masthead(extractor):
    facts = facts_of(
        extractor,
        "Le ministre a été critiqué pour « ses silences », écrit le quotidien El Diari Nou.\n\n"
        "« C'est une purge », affirme le journal catalan El Matí Avui.\n",
    )
    names = [a.name for a in facts.actors]
    assert {"El Diari Nou", "El Matí Avui"} <= set(names)
    assert "Diari Nou" not in names and "Matí Avui" not in names
    assert speakers_of(facts, "ses silences") == ["El Diari Nou"]
