"""Timeline: dated expressions normalised against the article date (briefgen.brief.chronology).

Sentences are written for these tests. 2023-09-13 is a Wednesday, 2012-07-04 too.
"""

from __future__ import annotations

import dataclasses
import inspect

import pytest

from briefgen.brief import chronology as timeline_module
from briefgen.facts.contract import Evidence
from briefgen.brief.chronology import TimelineEntry, timeline

WED = "2023-09-13"


def found(body: str, date: str | None, lang: str) -> list[tuple[str, str, str]]:
    """(expression, date, precision) of every entry, checking the offsets on the way."""
    entries = timeline(body, date, lang)
    for e in entries:
        assert body[e.span.start : e.span.end] == e.expression
        assert body[e.sentence.start : e.sentence.end] == e.text
        assert e.sentence.start <= e.span.start < e.span.end <= e.sentence.end
        assert e.text == e.text.strip()
        assert e.precision in ("day", "week", "month", "year")
    return [(e.expression, e.date, e.precision) for e in entries]


def one(body: str, date: str | None, lang: str) -> tuple[str, str, str]:
    entries = found(body, date, lang)
    assert len(entries) == 1, entries
    return entries[0]


# --------------------------------------------------------------------------- French, one expression each

FRENCH = [
    # weekdays: the last one on or before the article date, the same day included
    ("Le ministre a parlé mercredi devant les députés.", "mercredi", "2023-09-13", "day"),
    ("Le convoi est parti dimanche soir de la capitale.", "dimanche soir", "2023-09-10", "day"),
    ("Les combats ont repris jeudi matin.", "jeudi matin", "2023-09-07", "day"),
    ("Il est arrivé mercredi en début d'après-midi.", "mercredi en début d'après-midi", "2023-09-13", "day"),
    ("Le texte a été adopté mercredi dernier.", "mercredi dernier", "2023-09-06", "day"),
    ("Le sommet s'ouvrira vendredi prochain à Genève.", "vendredi prochain", "2023-09-15", "day"),
    ("Ce vendredi, les syndicats défileront.", "Ce vendredi", "2023-09-15", "day"),
    ("Ce lundi, la grève a commencé.", "Ce lundi", "2023-09-11", "day"),
    ("La grève dure depuis lundi.", "depuis lundi", "2023-09-11", "day"),
    # relative days, weeks, months, years
    ("Le ministre a démissionné hier.", "hier", "2023-09-12", "day"),
    ("Le bilan a été publié hier soir.", "hier soir", "2023-09-12", "day"),
    ("Les pourparlers ont échoué avant-hier.", "avant-hier", "2023-09-11", "day"),
    ("Le vote a lieu aujourd’hui au Parlement.", "aujourd’hui", "2023-09-13", "day"),
    ("Le vote aura lieu demain.", "demain", "2023-09-14", "day"),
    ("La semaine dernière, l'armée a reculé.", "La semaine dernière", "2023-09-04", "week"),
    ("Cette semaine, les prix ont baissé.", "Cette semaine", "2023-09-11", "week"),
    ("Le week-end dernier, des heurts ont éclaté.", "Le week-end dernier", "2023-09-04", "week"),
    ("Le mois dernier, l'inflation a ralenti.", "Le mois dernier", "2023-08", "month"),
    ("L'an dernier, la récolte a été mauvaise.", "L'an dernier", "2022", "year"),
    ("L’année dernière, la récolte a été mauvaise.", "L’année dernière", "2022", "year"),
    ("Cette année, la récolte sera bonne.", "Cette année", "2023", "year"),
    ("Il y a quinze jours, une attaque a visé la base.", "Il y a quinze jours", "2023-08-29", "day"),
    ("Il y a deux semaines, le port a été bombardé.", "Il y a deux semaines", "2023-08-28", "week"),
    ("Il y a trois mois, un accord a été signé.", "Il y a trois mois", "2023-06", "month"),
    ("Il y a 10 ans, la guerre a éclaté.", "Il y a 10 ans", "2013", "year"),
    # absolute dates
    ("La crise a commencé en 2019.", "en 2019", "2019", "year"),
    ("Fin 2019, la crise s'est aggravée.", "Fin 2019", "2019", "year"),
    ("Le pays est en guerre depuis mars 2011.", "depuis mars 2011", "2011-03", "month"),
    ("Mars 2011 a tout changé.", "Mars 2011", "2011-03", "month"),
    ("Le traité a été signé le 28 juin 2012 à Bruxelles.", "le 28 juin 2012", "2012-06-28", "day"),
    ("Le traité a été signé 28 juin 2012 à Bruxelles.", "28 juin 2012", "2012-06-28", "day"),
    ("Le défilé du 1er mai 2012 a été calme.", "1er mai 2012", "2012-05-01", "day"),
    ("En juin 2012, le gouvernement est tombé.", "En juin 2012", "2012-06", "month"),
    ("Des élections ont eu lieu en août 2012.", "en août 2012", "2012-08", "month"),
    ("Le 04/07/2012, le mandat a pris fin.", "Le 04/07/2012", "2012-07-04", "day"),
    # a day and month without a year: the year nearest to the article date
    ("Le 28 juin dernier, un accord a été trouvé.", "Le 28 juin dernier", "2023-06-28", "day"),
    ("Le 4 juillet, la ville a été reprise.", "Le 4 juillet", "2023-07-04", "day"),
    ("Le vote est prévu le 20 septembre.", "le 20 septembre", "2023-09-20", "day"),
    ("En mars, la neige a bloqué les routes.", "En mars", "2023-03", "month"),
    ("Mi-juin, les combats ont repris.", "Mi-juin", "2023-06", "month"),
    ("En juin dernier, les combats ont repris.", "En juin dernier", "2023-06", "month"),
]


@pytest.mark.parametrize("body, expression, date, precision", FRENCH)
def test_french_expressions(body, expression, date, precision):
    assert one(body, WED, "fr") == (expression, date, precision)


def test_french_weekday_and_date_uses_the_date():
    body = "L'armée a transféré ce mercredi 4 juillet le contrôle de la vallée."
    assert one(body, "2012-07-04", "fr") == ("ce mercredi 4 juillet", "2012-07-04", "day")
    body = "Le défilé aura lieu le samedi 14 juillet."
    assert one(body, "2012-07-04", "fr") == ("le samedi 14 juillet", "2012-07-14", "day")


def test_a_day_the_calendar_lacks_is_not_dated():
    assert found("La réunion du 31 avril 2024 n'a pas eu lieu.", WED, "fr") == []
    assert found("The vote of 30 February was a hoax.", WED, "en") == []
    assert one("Le scrutin du 29 février 2024 a été annulé.", WED, "fr") == ("29 février 2024", "2024-02-29", "day")
    assert one("Elle est née un 29 février.", "2024-03-10", "fr") == ("29 février", "2024-02-29", "day")


def test_day_and_month_pick_the_nearest_year():
    assert one("Le 28 décembre, une attaque a eu lieu.", "2023-01-05", "fr")[1] == "2022-12-28"
    assert one("Le 2 janvier prochain, un vote aura lieu.", "2023-12-20", "fr")[1] == "2024-01-02"
    assert one("Le 10 janvier dernier, un vote a eu lieu.", "2023-01-05", "fr")[1] == "2022-01-10"
    assert one("En décembre, les prix ont monté.", "2023-02-10", "fr")[1] == "2022-12"


# --------------------------------------------------------------------------- English, one expression each

ENGLISH = [
    ("The minister spoke on Wednesday in parliament.", "on Wednesday", "2023-09-13", "day"),
    ("The envoy arrived on Friday.", "on Friday", "2023-09-08", "day"),
    ("Shots were fired Friday night near the border.", "Friday night", "2023-09-08", "day"),
    ("The talks collapsed on Thursday afternoon.", "on Thursday afternoon", "2023-09-07", "day"),
    ("The bill was passed last Wednesday.", "last Wednesday", "2023-09-06", "day"),
    ("The summit opens next Friday.", "next Friday", "2023-09-15", "day"),
    ("The unions will march this Friday.", "this Friday", "2023-09-15", "day"),
    ("Friday's vote was postponed.", "Friday", "2023-09-08", "day"),
    ("The minister resigned yesterday.", "yesterday", "2023-09-12", "day"),
    ("Yesterday morning, the army withdrew.", "Yesterday morning", "2023-09-12", "day"),
    ("Explosions were heard last night.", "last night", "2023-09-12", "day"),
    ("The vote takes place today.", "today", "2023-09-13", "day"),
    ("The vote takes place tomorrow.", "tomorrow", "2023-09-14", "day"),
    ("Last week the army pulled back.", "Last week", "2023-09-04", "week"),
    ("Prices fell this week.", "this week", "2023-09-11", "week"),
    ("Inflation slowed last month.", "last month", "2023-08", "month"),
    ("The harvest was poor last year.", "last year", "2022", "year"),
    ("Earlier this year, the harvest failed.", "Earlier this year", "2023", "year"),
    ("Three days ago, a storm hit the coast.", "Three days ago", "2023-09-10", "day"),
    ("Two weeks ago, the port was shelled.", "Two weeks ago", "2023-08-28", "week"),
    ("A year ago, the war began.", "A year ago", "2022", "year"),
    ("The crisis began in 2019.", "in 2019", "2019", "year"),
    ("Syria has been at war since March 2011.", "since March 2011", "2011-03", "month"),
    ("March 2011 changed everything.", "March 2011", "2011-03", "month"),
    ("A deal was reached on May 15 after long talks.", "on May 15", "2023-05-15", "day"),
    ("The treaty was signed on 15 May 2015.", "on 15 May 2015", "2015-05-15", "day"),
    ("The treaty was signed on May 15th, 2015.", "on May 15th, 2015", "2015-05-15", "day"),
    ("The attacks of Sept. 11, 2001 changed everything.", "Sept. 11, 2001", "2001-09-11", "day"),
    ("On the 4th of July, fireworks lit the sky.", "On the 4th of July", "2023-07-04", "day"),
    ("The mandate ended on 7/4/2012.", "on 7/4/2012", "2012-07-04", "day"),
    ("In May 2012, the government fell.", "In May 2012", "2012-05", "month"),
    ("In March, snow blocked the roads.", "In March", "2023-03", "month"),
    ("In mid-June, fighting resumed.", "In mid-June", "2023-06", "month"),
    ("By the end of 2020, the troops had left.", "By the end of 2020", "2020", "year"),
]


@pytest.mark.parametrize("body, expression, date, precision", ENGLISH)
def test_english_expressions(body, expression, date, precision):
    assert one(body, WED, "en") == (expression, date, precision)


# --------------------------------------------------------------------------- false hits

@pytest.mark.parametrize(
    "body, lang",
    [
        ("La sonde s'est posée sur Mars après un long voyage.", "fr"),
        ("La mission vers Mars a été reportée.", "fr"),
        ("Les enfants n'ont pas école tous les mercredis.", "fr"),
        ("Cette année-là, la récolte fut mauvaise.", "fr"),
        ("Les hommes habitent la vallée depuis 2000 ans.", "fr"),
        ("Le rapport est rédigé en 1500 mots.", "fr"),
        ("They may march towards the capital.", "en"),
        ("In May's cabinet, few ministers agreed.", "en"),
        ("The prime minister, Theresa May, spoke.", "en"),
        ("In May, the talks resumed.", "en"),  # "May" alone is never a month
        ("The report runs in 1500 words.", "en"),
    ],
)
def test_no_false_hits(body, lang):
    assert found(body, WED, lang) == []


def test_mai_with_a_day_or_a_year_is_a_month():
    assert one("Le 8 mai, la ville a célébré la victoire.", WED, "fr")[1:] == ("2023-05-08", "day")
    assert one("In May 2015, boats were turned back.", WED, "en")[1:] == ("2015-05", "month")


def test_words_inside_quotes_are_dated():
    body = "« Nous avons frappé mercredi », a déclaré le général."
    assert found(body, WED, "fr") == [("mercredi", "2023-09-13", "day")]


# --------------------------------------------------------------------------- article date precision

def test_month_precision_article_date_invents_no_day():
    body = (
        "Les deux dirigeants se sont retrouvés mercredi. Le convoi était parti dimanche soir. "
        "Hier, un missile a été tiré. La semaine dernière, Washington a averti Pyongyang. "
        "Le mois dernier, rien. L'an dernier, une rencontre. Le 4 juillet, un essai. En 2019, un sommet."
    )
    assert found(body, "2023-09", "fr") == [
        ("En 2019", "2019", "year"),
        ("L'an dernier", "2022", "year"),
        ("Le 4 juillet", "2023-07-04", "day"),
        ("Le mois dernier", "2023-08", "month"),
        ("mercredi", "2023-09", "month"),
        ("dimanche soir", "2023-09", "month"),
        ("Hier", "2023-09", "month"),
        ("La semaine dernière", "2023-09", "month"),
    ]


def test_year_precision_article_date():
    body = "Mercredi, un vote. Le mois dernier, rien. L'an dernier, une crise. Le 4 juillet, un essai."
    assert found(body, "2023", "fr") == [
        ("L'an dernier", "2022", "year"),
        ("Mercredi", "2023", "year"),
        ("Le mois dernier", "2023", "year"),
        ("Le 4 juillet", "2023-07-04", "day"),
    ]


@pytest.mark.parametrize("date", [None, "", "2023-02-30", "sometime"])
def test_without_an_article_date_only_absolute_dates_are_kept(date):
    body = (
        "Mercredi, le ministre a parlé. Hier, un vote. La semaine dernière, une crise. "
        "Le 4 juillet, un essai. En mars, la neige. En 2019, un sommet. "
        "Le 28 juin 2012, un traité. Depuis mars 2011, la guerre."
    )
    assert found(body, date, "fr") == [
        ("Depuis mars 2011", "2011-03", "month"),
        ("Le 28 juin 2012", "2012-06-28", "day"),
        ("En 2019", "2019", "year"),
    ]
    english = "On Friday, a vote. Yesterday, a crisis. Last week, talks. In 2019, a summit. March 2011 saw war."
    assert found(english, date, "en") == [("March 2011", "2011-03", "month"), ("In 2019", "2019", "year")]


# --------------------------------------------------------------------------- dateline

def test_dateline_is_one_entry_of_its_own():
    body = "4 juillet 2012. - Le ministre a parlé ce mercredi 4 juillet. Hier, un vote a eu lieu.\n"
    entries = timeline(body, "2012-07-04", "fr")
    assert [(e.expression, e.date, e.text) for e in entries] == [
        ("Hier", "2012-07-03", "Hier, un vote a eu lieu."),
        ("4 juillet 2012", "2012-07-04", "4 juillet 2012. -"),
        ("ce mercredi 4 juillet", "2012-07-04", "Le ministre a parlé ce mercredi 4 juillet."),
    ]
    assert sum(e.expression == "4 juillet 2012" for e in entries) == 1


def test_dateline_dates_an_undated_article():
    body = "PARIS, 4 juillet 2012 (AFP) - Le ministre a démissionné hier.\n"
    assert found(body, None, "fr") == [("hier", "2012-07-03", "day"), ("4 juillet 2012", "2012-07-04", "day")]
    body = "WASHINGTON, July 4, 2012 (AP) — The minister resigned on Monday.\n"
    assert found(body, None, "en") == [("on Monday", "2012-07-02", "day"), ("July 4, 2012", "2012-07-04", "day")]
    # a month-precision article date that agrees is made precise by the dateline
    body = "Mercredi 13 septembre 2023\n\nLe convoi est parti dimanche soir."
    assert found(body, "2023-09", "fr") == [
        ("dimanche soir", "2023-09-10", "day"),
        ("Mercredi 13 septembre 2023", "2023-09-13", "day"),
    ]


def test_dateline_does_not_override_a_day_article_date():
    body = "4 juillet 2012. - Le ministre a démissionné hier."
    assert found(body, "2012-07-05", "fr") == [("4 juillet 2012", "2012-07-04", "day"), ("hier", "2012-07-04", "day")]


# --------------------------------------------------------------------------- merging, order, sentences

def test_one_entry_per_date_and_sentence():
    body = "Mercredi, aujourd'hui même, le vote a eu lieu. Mercredi encore, un autre vote."
    entries = timeline(body, WED, "fr")
    assert [(e.expression, e.date) for e in entries] == [("Mercredi", WED), ("Mercredi", WED)]
    assert entries[0].text == "Mercredi, aujourd'hui même, le vote a eu lieu."
    assert entries[1].text == "Mercredi encore, un autre vote."
    # two dates in one sentence stay two entries
    body = "Parti dimanche soir, il est arrivé mercredi."
    assert found(body, WED, "fr") == [("dimanche soir", "2023-09-10", "day"), ("mercredi", WED, "day")]


def test_sorted_by_date_then_position():
    body = (
        "En 2019, la crise. Hier, un vote. La semaine dernière, une réunion. "
        "Le mois dernier, un accord. Mercredi, un discours. Le 28 juin 2012, un traité. Juin 2012 fut chaud."
    )
    entries = timeline(body, WED, "fr")
    keys = [(e.date, e.span.start) for e in entries]
    assert keys == sorted(keys)
    assert [e.date for e in entries] == ["2012-06", "2012-06-28", "2019", "2023-08", "2023-09-04", "2023-09-12", WED]


def test_sentences_skip_abbreviations_and_split_paragraphs():
    body = "M. Dupont est parti hier. Le général J. Martin a parlé mercredi\n\nNouveau paragraphe samedi matin."
    assert [(e.expression, e.text) for e in timeline(body, WED, "fr")] == [
        ("samedi matin", "Nouveau paragraphe samedi matin."),
        ("hier", "M. Dupont est parti hier."),
        ("mercredi", "Le général J. Martin a parlé mercredi"),
    ]
    body = "Mr. Smith left yesterday. The U.S. Army said on Friday it was ready."
    assert [(e.expression, e.text) for e in timeline(body, WED, "en")] == [
        ("on Friday", "The U.S. Army said on Friday it was ready."),
        ("yesterday", "Mr. Smith left yesterday."),
    ]


def test_offsets_point_at_the_expression():
    body = "  Le 28 juin dernier, un accord.\n\n« Hier, un vote », a-t-il dit. En 2019, depuis mars 2011, mercredi soir.  "
    entries = timeline(body, WED, "fr")
    assert len(entries) == 5
    for e in entries:
        assert isinstance(e.span, Evidence) and isinstance(e.sentence, Evidence)
        assert body[e.span.start : e.span.end] == e.expression
        assert body[e.sentence.start : e.sentence.end] == e.text


def test_deterministic():
    body = "Mercredi, hier, la semaine dernière, en 2019, le 4 juillet et depuis mars 2011."
    first = timeline(body, WED, "fr")
    timeline("On Friday, last week, in 2019.", WED, "en")
    assert timeline(body, WED, "fr") == first
    assert [dataclasses.asdict(e) for e in timeline(body, WED, "fr")] == [dataclasses.asdict(e) for e in first]


def test_entry_is_frozen():
    entry = timeline("Hier, un vote.", WED, "fr")[0]
    assert isinstance(entry, TimelineEntry)
    with pytest.raises(dataclasses.FrozenInstanceError):
        entry.date = "2000"


def test_unknown_language_and_empty_body():
    assert timeline("Gestern, am Mittwoch.", WED, "de") == []
    assert timeline("", WED, "fr") == []
    assert timeline("   \n", WED, "en") == []


def test_never_reads_the_wall_clock():
    source = inspect.getsource(timeline_module)
    assert ".now(" not in source and ".today(" not in source and "time.time(" not in source
