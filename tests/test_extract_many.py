"""Extractor.extract_many: the texts of a language parsed together by nlp.pipe give the same
facts as one ``extract`` each; an article that cannot be extracted gets its error in place."""

from __future__ import annotations

from pathlib import Path

from briefgen.errors import BriefgenError
from briefgen.ingest import Article

TEXTS = [
    ("fr", "La ministre de la Santé, Claire Dubreuil, a annoncé lundi à Lyon un plan contre les "
           "pénuries de médicaments. « Nous ne laisserons aucun patient sans traitement », a-t-elle "
           "déclaré devant les pharmaciens de la région."),
    ("en", "Canadian Foreign Minister Paul Ashford warned on Tuesday in Ottawa that new sanctions "
           "against the regime were likely. \"We will not stand by\", he told reporters."),
    ("fr", "Le maire de Rennes, Hugo Marchal, a dénoncé mercredi la fermeture de l'usine, qui "
           "emploie 400 salariés. Les syndicats ont appelé à la grève."),
]


def _article(i: int, lang: str | None, body: str) -> Article:
    return Article(id=f"m{i}", path=Path(f"m{i}.txt"), body=body, language=lang)


def test_extract_many_equals_one_extract_each(extractor):
    articles = [_article(i, lang, body) for i, (lang, body) in enumerate(TEXTS)]
    many = extractor.extract_many(articles)
    assert [f.to_json() for f in many] == [extractor.extract(a).to_json() for a in articles]
    assert any(a.name == "Claire Dubreuil" for a in many[0].actors)


def test_an_article_that_fails_gets_its_error_and_the_others_their_facts(extractor):
    articles = [_article(0, "fr", TEXTS[0][1]), _article(1, "xx", "Texte."), _article(2, "en", TEXTS[1][1])]
    many = extractor.extract_many(articles)
    assert isinstance(many[1], BriefgenError) and "'xx'" in str(many[1])
    assert many[0].to_json() == extractor.extract(articles[0]).to_json()
    assert many[2].to_json() == extractor.extract(articles[2]).to_json()
