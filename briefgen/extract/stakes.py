"""Stakes: what is at stake, on the configured topic list.

In: the sentences and the topic taxonomy of ``config.yaml``. Out: the contract's
:class:`~briefgen.facts.Stake` list, each with its evidence sentence.
"""

from __future__ import annotations

from ..facts import Stake
from ..text import fold
from .reading import (
    Reading,
)


class StakeRules(Reading):
    """Topics of the taxonomy found in the text."""

    def stakes(self) -> list[Stake]:
        """Topics whose terms occur in enough sentences (or once in the title). A term matches lemmas
        or words, a one-word term never a verb in the active voice ("Parti dimanche"; but "the most persecuted
        groups", "he was arrested", "ils ont été inculpés") nor a
        word of a name (a proper noun, or inside the name of a person or a body: "Marine Le Pen",
        "Indonesian Navy"), and a longer term wins over the shorter ones
        it contains ("crime de guerre" is legal, not military). A word with several senses (the
        lexicon's ``polysemous_terms``: "front", "growth", the plural "governments" of several
        states) counts only beside a one-sense term of its topic:
        alone it makes no stake."""
        terms = {
            topic_id: [fold(t).split() for t in topic.terms.get(self.lang, [])]
            for topic_id, topic in self.config.topics.items()
        }
        hits: dict[str, list[int]] = {topic_id: [] for topic_id in terms}
        firm: dict[str, set[int]] = {topic_id: set() for topic_id in terms}  # sentences with a one-sense term
        in_names = {i for e in self.entities if e.kind in ("organization", "person") for m in e.mentions
                    for i in range(m.tok_start, m.tok_end)}  # "Indonesian Navy" says nothing of the military
        index = _by_first_word(terms)
        for si, sent in enumerate(self.sents):
            for topic_id, term, seen in self.terms_in([t for t in sent if not t.is_punct and t.i not in in_names], index):
                if si not in hits[topic_id]:
                    hits[topic_id].append(si)
                if not {" ".join(term), seen} & self.lex.polysemous_terms:
                    firm[topic_id].add(si)
        out = []
        title = fold(self.article.title or "").split()
        title_at = word_positions(title)
        for topic_id, topic in self.config.topics.items():
            sents = hits[topic_id]
            in_title = any(_in_title(t, title, title_at) for t in terms[topic_id] if " ".join(t) not in self.lex.polysemous_terms)
            if firm[topic_id] and len(sents) >= topic.min_sentences or (sents and in_title):
                label = topic.label.get(self.lang) or next(iter(topic.label.values()), topic_id)
                out.append(Stake(topic=topic_id, label=label, evidence=[self.evidence(i) for i in sents]))
        out.sort(key=lambda s: -len(s.evidence))
        return out

    @staticmethod
    def terms_in(toks: list, index: dict[str, dict[str, list[list[str]]]]) -> list[tuple[str, list[str], str]]:
        """(topic, term, the words as written) of each term found in a run of tokens that no longer
        term contains; ``index``: each topic's terms by their first word (``_by_first_word``)."""
        lemmas = [fold(t.lemma_) for t in toks]
        words = [fold(t.text) for t in toks]
        starts: dict[str, list[int]] = {}  # a word or lemma -> where it stands, in order
        for k, (lemma, word) in enumerate(zip(lemmas, words)):
            starts.setdefault(lemma, []).append(k)
            if word != lemma:
                starts.setdefault(word, []).append(k)
        found = []
        for topic_id, by_first in index.items():  # each word of the run looked up, not every term
            for term in (t for first in starts if first in by_first for t in by_first[first]):
                n = len(term)
                for k in starts.get(term[0], ()):
                    if k + n > len(toks):
                        break
                    if n == 1 and (toks[k].pos_ == "PROPN" or toks[k].pos_ in ("VERB", "AUX") and not (
                            toks[k].dep_ == "amod" or _passive(toks[k]))):
                        continue
                    if all(lemmas[k + j] == w or words[k + j] == w for j, w in enumerate(term)):
                        found.append((k, k + n, topic_id, term))
        return [(topic_id, term, " ".join(words[a:b])) for a, b, topic_id, term in found
                if not any(a2 <= a and b <= b2 and b2 - a2 > b - a for a2, b2, _, _ in found)]


def _by_first_word(terms: dict[str, list[list[str]]]) -> dict[str, dict[str, list[list[str]]]]:
    """Each topic's terms by their first word."""
    index: dict[str, dict[str, list[list[str]]]] = {}
    for topic_id, topic_terms in terms.items():
        by_first = index.setdefault(topic_id, {})
        for term in topic_terms:
            by_first.setdefault(term[0], []).append(term)
    return index


def _passive(verb) -> bool:
    """ "was arrested", "ont été inculpés": a participle with a passive auxiliary."""
    return any(c.dep_ in ("auxpass", "aux:pass") for c in verb.children)


def _in_title(term: list[str], title: list[str], at: dict[str, list[int]] | None = None) -> bool:
    """The title (words, not lemmas: it is not parsed) has the term, each word as the term writes
    it or with a plural -s or -x ("Nuclear tests" has "nuclear test", "Nouveaux impôts" has "impôt").
    ``at`` (``word_positions(title)``) makes it one look-up per term, however long the title."""
    n = len(term)
    if at is None:
        at = word_positions(title)
    starts = [k for form in (term[0], term[0] + "s", term[0] + "x") for k in at.get(form, ())]
    return any(len(title) - k >= n and all(w in (t, t + "s", t + "x") for w, t in zip(title[k:k + n], term))
               for k in starts)


def word_positions(words: list[str]) -> dict[str, list[int]]:
    at: dict[str, list[int]] = {}
    for k, w in enumerate(words):
        at.setdefault(w, []).append(k)
    return at
