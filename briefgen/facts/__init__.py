"""Facts: the contract's dataclasses, and the analyst's corrections beside them.

In: what extraction found (:class:`Facts`), and an optional ``<article>.facts.yaml`` of
corrections. Out: the same :class:`Facts` with the corrections applied, and their JSON form
(``../shared/facts-contract.md``), which briefs, site, digest and scoring read.

- ``contract``   :class:`Facts` and its parts (actors, locations, stakes, reactions, evidence);
- ``overrides``  the corrections file: its schema, read like the configuration;
- ``quotes``     a quote of that file found in the article, and its sentence;
- ``applying``   the corrections carried out, in a fixed order.
"""

from .contract import Actor, ArticleInfo, Evidence, Facts, Location, Reaction, Stake
from .overrides import SUFFIX, Overrides, load_overrides, overrides_path

__all__ = ["SUFFIX", "Actor", "ArticleInfo", "Evidence", "Facts", "Location", "Overrides", "Reaction",
           "Stake", "load_overrides", "overrides_path"]
