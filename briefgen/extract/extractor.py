"""The extractor: one article through every step.

In: a :class:`~briefgen.ingest.Article` and the configuration. Out: its
:class:`~briefgen.facts.Facts` (the facts contract).
"""

from __future__ import annotations

from ..config import Config
from ..errors import BriefgenError
from ..facts import ArticleInfo, Facts, Reaction
from .geocode import Geocoder
from ..ingest import Article
from .actors import ActorRules
from .lexicon import Lexicon
from .nlp import detect_language, load_model
from .places import PlaceRules
from .speech import SpeechRules
from .stakes import StakeRules


MAX_TEXT = 1_000_000  # characters: spaCy's nlp.max_length, which the pipelines keep
PIPE_BATCH = 4  # texts nlp.pipe parses at once: eight took 100 MB more at the peak, for no more speed


class Extractor:
    """Holds the models and lexicons; ``extract`` is called once per article."""

    def __init__(self, config: Config, geocoder: Geocoder | None = None):
        self.config = config
        self.geocoder = geocoder or Geocoder(config.gazetteer)
        self._lexicons: dict[str, Lexicon] = {}

    def lexicon(self, lang: str) -> Lexicon:
        if lang not in self._lexicons:
            self._lexicons[lang] = Lexicon.load(lang, self.config.lexicons.get(lang))
        return self._lexicons[lang]

    def language_of(self, article: Article) -> str:
        """The article's language (its own, else the configuration's, else detected); an
        article too long for the models is refused here, before any model is loaded."""
        if len(article.body) > MAX_TEXT:
            raise BriefgenError(f"the article's text is {len(article.body):,} characters, more than the {MAX_TEXT:,} "
                                "the language models parse at once (spaCy's limit: parsing takes about 1 GB of "
                                "memory per 100,000 characters); split it into several articles", article.path)
        models = self.config.models
        if article.language:
            lang = article.language.lower()[:2]
            if lang not in models:
                raise BriefgenError(
                    f"language {article.language!r} has no model in the configuration ({', '.join(models)})",
                    article.path,
                )
            return lang
        if self.config.language != "auto":
            return self.config.language
        return detect_language(article.body, list(models))

    def extract(self, article: Article) -> Facts:
        lang = self.language_of(article)
        return self._facts(article, self._model(lang, article)(article.body), lang)

    def extract_many(self, articles: list[Article]) -> list[Facts | Exception]:
        """``extract`` of each article, the texts of one language parsed together by
        ``nlp.pipe``; an article that fails gets its exception in its place."""
        results: list[Facts | Exception | None] = [None] * len(articles)
        by_lang: dict[str, list[int]] = {}
        for i, article in enumerate(articles):
            try:
                by_lang.setdefault(self.language_of(article), []).append(i)
            except Exception as exc:  # noqa: BLE001 - returned in the article's place
                results[i] = exc
        for lang, indices in by_lang.items():
            try:
                nlp = self._model(lang, articles[indices[0]])
                docs = list(nlp.pipe([articles[i].body for i in indices], batch_size=PIPE_BATCH))
            except Exception:  # noqa: BLE001 - one at a time says which article fails
                docs = [None] * len(indices)
            for i, doc in zip(indices, docs):
                try:
                    results[i] = self.extract(articles[i]) if doc is None else self._facts(articles[i], doc, lang)
                except Exception as exc:  # noqa: BLE001 - returned in the article's place
                    results[i] = exc
        return results

    def warm(self, articles: list[Article]) -> None:
        """Load the models these articles need now (a failure is left for extraction to
        report, article by article), so that a time limit on extraction does not count them."""
        for article in articles:
            try:
                self._model(self.language_of(article), article)
            except Exception:  # noqa: BLE001, S112 - reported when the article is extracted
                continue

    def _facts(self, article: Article, doc, lang: str) -> Facts:
        return _Run(article, doc, lang, self.lexicon(lang), self.geocoder, self.config).facts()

    def _model(self, lang: str, article: Article):
        try:
            return load_model(self.config.models[lang], lang)
        except BriefgenError as exc:
            raise BriefgenError(exc.message, article.path) from None


class _Run(ActorRules, PlaceRules, SpeechRules, StakeRules):
    """One article: the steps in order (mentions -> actors -> roles -> reactions -> places -> stakes)."""

    def facts(self) -> Facts:
        mentions = self.mentions()
        self.cluster(mentions)
        self.find_missed_speakers()
        self.find_collectives()
        self.find_roles()
        self.drop_role_bodies()
        reactions = self.reactions()
        for r_entity, _ in reactions:
            r_entity.acts = True
        self.find_title_aliases()
        actors = self.actors()
        locations = self.locations()
        names = {id(e): e.name for e in self.entities}
        return Facts(
            article=ArticleInfo(
                id=self.article.id,
                title=self.article.title,
                date=self.article.date,
                language=self.lang,
                source=self.article.source,
            ),
            actors=actors,
            locations=locations,
            stakes=self.stakes(),
            reactions=[
                Reaction(speaker=names[id(e)], text=r.text, kind=r.kind, evidence=r.evidence)
                for e, r in reactions
                if any(a.name == names[id(e)] for a in actors)
            ],
        )
