"""Speech: who said, warned, called for or denied what, quoted or reported.

In: the sentences, quotations and entities. Out: (speaker entity, :class:`~briefgen.facts.Reaction`)
pairs: one per quoted span (``direct``) and one per reported clause of a speech verb
(``indirect``), the speaker found through syntax, markers ("selon", "according to") and
the last speaker for quotations that continue.
"""

from __future__ import annotations

import re

from ..facts import Reaction
from ..text import fold
from .reading import (
    MIN_DIRECT_WORDS,
    Entity,
    Reading,
    _covers,
    _loose,
)


class SpeechRules(Reading):
    """Reactions and their speakers."""

    last_speech_at = -1  # token of the speech verb (or quotation) that named the last speaker

    def find_missed_speakers(self) -> None:
        """A capitalised name NER missed that is the subject of a speech verb ("Moody's explique
        que …", "Kessler also said") is an actor: the person already named by that surname, a
        person for a first name and surname ("Ana Ruiz said"), else an organisation; its other
        occurrences outside quotations join it."""
        taken = {i for e in self.entities for m in e.mentions for i in range(m.tok_start, m.tok_end)}
        for tok in self.doc:
            if tok.i in taken or not self.could_be_missed_name(tok) or not self.is_speech_verb(tok.head):
                continue
            start = tok.i
            while start > 0 and start - 1 not in taken and self.doc[start - 1].dep_ in ("flat", "flat:name", "compound") \
                    and self.could_be_missed_name(self.doc[start - 1], inner=True):
                start -= 1
            end = tok.i + 1
            span = self.doc[start:end]
            person = self.person_named(span.text) if len(span) == 1 else None
            if person is None and len(span) == 1 and self.by_form.get(("org", fold(span.text))) is None \
                    and any(e.kind == "person" for e in self.entities if fold(span.text) in fold(" ".join(e.forms())).split()):
                continue  # the given name of one of several persons: not a body
            if person is None and len(span) >= 2 and not self.has_org_head(span.text) and all(t.is_title for t in span):
                person = self.add(("person", fold(span.text)), self.mention_of(span, "PER"), kind="person", acts=True)
            elif person is not None:
                person.mentions.append(self.mention_of(span, "PER"))
            body = None if person else self.short_name_of_body(span.text)
            if body is not None:
                body.mentions.append(self.mention_of(span, "ORG"))
            entity = person or body or self.add(("org", fold(span.text)), self.mention_of(span, "ORG"),
                                                kind="organization", acts=True)
            for m in re.finditer(r"(?<!\w)" + _loose(span.text) + r"(?!\w)", self.body):
                other = self.doc.char_span(m.start(), m.end(), alignment_mode="expand")
                if other is not None and other.start != start and not (set(range(other.start, other.end)) & taken) \
                        and not self.in_quote(m.start()):
                    entity.mentions.append(self.mention_of(other, "ORG"))
                    taken.update(range(other.start, other.end))
            taken.update(range(start, end))

    def find_collectives(self) -> None:
        """Unnamed collectives that speak ("les manifestants ont dénoncé", "residents said", "the
        researchers found that"): a ``group`` actor per noun of the lexicon's ``collective_nouns``
        (singular and plural one), named by the noun with its adjectives ("jeunes manifestants").
        Collectives that only act stay out: the analyst's list names the groups that matter."""
        taken = {i for e in self.entities for m in e.mentions for i in range(m.tok_start, m.tok_end)}
        for tok in self.doc:
            kind = self.lex.collective_nouns.get(fold(tok.text)) or self.lex.collective_nouns.get(fold(tok.lemma_))
            if kind is None or tok.pos_ != "NOUN" or tok.i in taken or self.in_quote(tok.idx):
                continue
            if not tok.dep_.startswith("nsubj") or not self.is_speech_verb(tok.head):
                continue  # only speakers
            if any(c.dep_ in ("nmod", "poss", "compound") and (c.pos_ == "PROPN" or self.entity_in(c.left_edge.i, c.right_edge.i + 1, starting=True))
                   for c in tok.children):
                continue  # "les analystes du groupe X", "Acme researchers": the body speaks
            left = [c for c in tok.lefts if c.pos_ == "ADJ" and c.dep_ == "amod" and not self.geo.country_of_adjective(c.text, self.lang)]
            right = [c for c in tok.rights if c.pos_ == "ADJ" and c.dep_ == "amod" and c.i == tok.i + 1]
            start = min([tok.i, *(c.i for c in left)])
            end = max([tok.i, *(c.i for c in right)]) + 1
            lemma = fold(tok.lemma_)
            self.add(("group", lemma), self.mention_of(self.doc[start:end], "GROUP"), kind=kind, acts=True)
            taken.update(range(start, end))

    def could_be_missed_name(self, tok, inner: bool = False) -> bool:
        """A capitalised word that is not a sentence-initial common word, a pronoun or a stop word."""
        if not tok.text[:1].isupper() or self.in_quote(tok.idx):
            return False
        if tok.pos_ not in ("PROPN", "X", "NOUN") and not (tok.pos_ == "PRON" and not tok.is_stop):
            return False  # a name the tagger calls a pronoun is no stop word: "Fitchwell's"
        key = fold(tok.text)
        if key in self.lex.stop_entities or key in self.lex.pronouns or tok.text.casefold() in self.lex.honorifics \
                or key in self.lex.titles or key in self.lex.anaphoric_nouns or key in self.lex.government_nouns:
            return False  # "M.", "Prime Minister", "L'ONG", "Le gouvernement"
        if self.geo.lookup(tok.text, self.lang) is not None:
            return False  # a place: the place rules decide whether it speaks for its country
        first = tok.i == self.sents[self.sent_of_token[tok.i]].start
        return inner or tok.dep_.startswith("nsubj") and not (first and tok.pos_ == "NOUN")

    def speaker_of(self, verb, last: Entity | None) -> Entity | None:
        """The entity that is the subject of a speech verb (or the last speaker for a pronoun)."""
        subjects = [c for c in verb.children if (c.dep_.startswith("nsubj") or (
            c.dep_ == "expl:subj" and fold(c.text).lstrip("-") in self.lex.pronouns)) and c.text != "-t"  # "a-t-il"
            and c.pos_ not in ("AUX", "VERB")]  # "l'est de la Libye, a annoncé X": "est" is no subject
        if not subjects and self.is_participle_clause(verb):
            # "…, asking the government to …", "en affirmant que …": the main clause's subject speaks
            subjects = [c for c in verb.head.children if c.dep_.startswith("nsubj")]
            return next((e for e in (self.subject_entity(c, last) for c in subjects) if e is not None), None)
        if not any(c.i < verb.i for c in subjects):
            inverted = self.inverted_speaker(verb, last)
            if inverted is not None:
                return inverted
        if not subjects:
            # "a-t-elle ajouté", "a-t-il poursuivi": the clitic pronoun, however it was parsed
            clitics = [t for t in self.doc[self.verb_group_start(verb).i:min(verb.i + 3, len(self.doc))]
                       if t.text.startswith("-") and fold(t.text).lstrip("-") in self.lex.pronouns]
            if clitics:
                return self.pronoun_referent(clitics[0].i, last, inverted=clitics[0].i > verb.i - 3)
        if not subjects and verb.dep_ in ("conj", "xcomp") and verb.head.pos_ in ("VERB", "AUX"):
            subjects = [c for c in verb.head.children if c.dep_.startswith("nsubj")]
        found = [e for e in (self.subject_entity(subj, last) for subj in subjects) if e is not None]
        if found:
            return next((e for e in found if e.kind == "person"), found[0])
        if not subjects:
            # the parser lost the subject: take the actor named right before the verb group
            first = verb
            while first.i > 0 and self.doc[first.i - 1].pos_ in ("AUX", "ADV"):
                first = self.doc[first.i - 1]  # "Claire Morel a aussitôt répondu"
            if first.i > 0:
                named = self.entity_in(first.i - 1, first.i, containing=True)
                if named is not None:
                    return named
            # a parse gone astray ("X, impuissant, a de son côté dénoncé"): the nearest subject before
            for tok in reversed(self.doc[self.sents[self.sent_of_token[verb.i]].start:first.i]):
                if tok.dep_.startswith("nsubj") and not self.in_quote(tok.idx):
                    entity = self.subject_entity(tok, last)
                    if entity is not None:
                        return entity
        return None

    def is_participle_clause(self, verb) -> bool:
        """ "…, asking X to …" (an English -ing clause) or "en affirmant que …" (a French gérondif)
        hanging on a main verb."""
        if verb.dep_ not in ("advcl", "acl", "conj") or verb.head.pos_ not in ("VERB", "AUX"):
            return False
        if verb.tag_ == "VBG":
            return True
        return "Part" in verb.morph.get("VerbForm") and verb.i > 0 and fold(self.doc[verb.i - 1].text) == "en"

    def subject_entity(self, subj, last: Entity | None) -> Entity | None:
        """The actor a subject phrase stands for: a name in it, a pronoun's or a noun's antecedent."""
        named = self.entity_in(subj.i, subj.i + 1, containing=True)
        if named is None and subj.is_title and subj.pos_ in ("PROPN", "NOUN"):
            named = self.person_named(subj.text)  # a surname NER missed this time ("Rathke also asked")
        if named is None and fold(subj.text).lstrip("-") in self.lex.pronouns:
            return self.pronoun_referent(subj.i, last, inverted=subj.text.startswith("-") or subj.i > subj.head.i)
        if named is None and fold(self.doc[subj.left_edge.i:subj.i + 1].text) in self.lex.latter_words:
            return self.latest_named(subj.left_edge.i)
        verb = subj.head
        if named is None and subj.pos_ == "PRON" and verb.dep_ in ("acl:relcl", "relcl") and verb.head.i < subj.i:
            # "l'organisation islamique, qui affirme ...": the relative pronoun's noun speaks
            noun = verb.head
            return self.entity_in(noun.left_edge.i, noun.i + 1) or self.entity_in(noun.i, noun.i + 1, containing=True) \
                or self.anaphor(noun, last)
        # "An Chan-il, un transfuge devenu chercheur ..., avait déclaré": the subject is an
        # apposition of the person named just before it
        edge = subj.left_edge.i
        if edge >= 2 and self.doc[edge - 1].text == "," and named is None:
            before = self.entity_in(edge - 2, edge - 1, containing=True)
            if before is not None and before.kind == "person":
                return before
        # a person in the subject phrase speaks ("le porte-parole du Kremlin, Dmitri Peskov")
        entity = self.entity_in(subj.left_edge.i, subj.right_edge.i + 1, starting=True)
        if entity is None or entity.kind != "person":
            entity = named or entity
        if entity is None:
            entity = self.anaphor(subj, last)
        return entity

    def antecedent(self, tok_i: int, kind: str | None = None) -> Entity | None:
        """The actor a pronoun or a bare noun refers back to: the latest one named in this
        sentence or the one before, subjects first."""
        sent = self.sent_of_token[tok_i]
        best = None
        for entity in self.entities:
            if entity.kind == "place" or (kind is not None and entity.kind != kind):
                continue
            for m in entity.mentions:
                if m.tok_end <= tok_i and m.sent >= sent - 1 and not self.in_quote(m.start, m.end):
                    rank = (self.is_subject(m), m.tok_start)
                    if best is None or rank > best[0]:
                        best = (rank, entity)
        return best[1] if best else None

    def pronoun_referent(self, tok_i: int, last: Entity | None, inverted: bool = False) -> Entity | None:
        """Whom "il", "elle", "-t-il", "he" stands for: the actor that is the subject of the
        nearest clause before it when that clause comes after the last speech verb
        ("X revient sur … « … », prévient-il": X, not the previous speaker); else the last
        speaker; else the latest actor named. An inverted pronoun ("…, a-t-il ajouté") looks
        before its sentence, whose words are what was said."""
        before = self.sents[self.sent_of_token[tok_i]].start if inverted else tok_i
        latest = self.latest_subject(before)
        if latest is not None and (last is None or latest[0] > self.last_speech_at):
            return latest[1]
        return last or self.antecedent(tok_i)

    def latest_subject(self, tok_i: int) -> tuple[int, Entity] | None:
        """(token, actor) of the nearest subject before a token, outside quotations, in its
        paragraph or the one before; None when that subject is a pronoun or names no actor."""
        window = self.paragraph_start(self.paragraph_start(self.doc[tok_i].idx if tok_i < len(self.doc) else len(self.body)) - 1)
        for tok in reversed(self.doc[:tok_i]):
            if tok.idx < window:
                return None
            if not tok.dep_.startswith("nsubj") or self.in_quote(tok.idx) or tok.head.pos_ not in ("VERB", "AUX") \
                    or tok.head.dep_ in ("acl:relcl", "relcl", "acl"):
                continue  # only the subjects of main clauses
            if tok.pos_ == "PRON":
                if fold(tok.text) in self.lex.pronouns:
                    return None  # "Il a dit … Il a ajouté": the same referent as the last speaker's
                continue  # "qui", "que": a relative clause's subject
            entity = self.subject_entity(tok, None)
            return (tok.i, entity) if entity is not None else None
        return None

    def latest_named(self, tok_i: int) -> Entity | None:
        """The actor whose mention ends nearest before a token, outside quotations ("ces derniers")."""
        best = None
        for entity in self.entities:
            for m in entity.mentions:
                if entity.kind != "place" and m.tok_end <= tok_i and not self.in_quote(m.start, m.end) \
                        and (best is None or m.tok_end > best[0]):
                    best = (m.tok_end, entity)
        return best[1] if best else None

    def anaphor(self, tok, last: Entity | None = None) -> Entity | None:
        """ "l'ONG", "l'organisation", "the group": a definite noun naming the kind of an actor
        named before."""
        kind = self.lex.anaphoric_nouns.get(fold(tok.lemma_)) or self.lex.anaphoric_nouns.get(fold(tok.text))
        if kind is None or not (tok.pos_ == "NOUN" or tok.pos_ == "PROPN" and tok.is_lower):
            return None  # "l'ONG", and "le parti" even when tagged as a name
        if any(c.dep_ == "compound" and c.pos_ == "PROPN" and c.i < tok.i for c in tok.children):
            return None  # "the Harbour party": a name NER missed, not a word for one named before
        if not any(c.dep_ == "det" and fold(c.text).rstrip("'") in ("le", "la", "l", "les", "the") for c in tok.children):
            return None
        # the actor whose own name uses the noun ("l'ONG Human Rights Watch"), then the one
        # named most, then the last speaker, then the latest named
        noun = fold(tok.text)
        kinds = ("organization", "group") if kind == "organization" else (kind,)
        best = None
        for entity in self.entities:
            if entity.kind not in kinds:
                continue
            before = [m for m in entity.mentions if m.tok_end <= tok.i]
            if not before:
                continue
            own = any(noun in fold(f).split() for f in entity.forms()) or any(
                m.tok_start > 0 and fold(self.doc[m.tok_start - 1].text) == noun for m in entity.mentions)
            rank = (own, len(entity.mentions), entity is last, max(m.tok_start for m in before))
            if best is None or rank > best[0]:
                best = (rank, entity)
        return best[1] if best else None

    def verb_group_start(self, verb):
        """First token of the verb group: auxiliaries and clitics ("a-t-il", "le précise"),
        not a subject pronoun ("qui affirme")."""
        first = verb
        while first.i > 0:
            prev = self.doc[first.i - 1]
            if prev.pos_ == "AUX" or (prev.pos_ == "PRON" and (not prev.dep_.startswith("nsubj") or prev.text.startswith("-"))):
                first = prev
            else:
                break
        return first

    def inverted_speaker(self, verb, last: Entity | None = None) -> Entity | None:
        """ "<words>, a déclaré X" / "<words>", said X" / "comme le précise X": the actor after the verb."""
        first = self.verb_group_start(verb)
        before = self.doc[first.i - 1] if first.i > 0 else None
        if before is None or before.text not in (",", '"', "»", "”") and fold(before.text) not in self.lex.inversion_markers:
            return None
        after = [c for c in verb.children if c.dep_.startswith("nsubj") and c.i > verb.i]
        if after:
            entity = self.subject_entity(after[0], last)
            if entity is not None:
                return entity
        # the subject phrase: up to the first stop, through an apposition naming a person
        end = verb.i + 1
        while end < min(verb.i + 14, len(self.doc)):
            tok = self.doc[end]
            if tok.text in (".", ":", ";", "«", "»", '"', "“", "”", "?", "!"):
                break
            if tok.text == "," and self.entity_in(end + 1, end + 2, containing=True) is None:
                break
            end += 1
        entity = self.entity_in(verb.i + 1, end, containing=False)
        if entity is None:
            for tok in self.doc[verb.i + 1:end]:
                entity = self.entity_in(tok.i, tok.i + 1, containing=True)
                if entity is not None:
                    break
        return entity

    def is_speech_verb(self, tok) -> bool:
        if tok.pos_ not in ("VERB", "AUX") and not (tok.pos_ == "NOUN" and tok.dep_ == "ROOT"):
            return False
        if tok.pos_ == "VERB" and self.opens_quotation(tok):
            return True  # "X se souvient : « … »", "she recalled: \"…\"": a verb that introduces a quotation
        lemma = fold(tok.lemma_)
        if lemma in self.lex.speech_verbs or fold(tok.text) in self.lex.speech_verbs:
            return True
        if lemma == fold(tok.text) and lemma + "r" in self.lex.speech_verbs:
            return True  # the lemmatizer left "estime" as is: "estimer"
        if tok.pos_ == "NOUN" and lemma.endswith("e") and lemma + "r" in self.lex.speech_verbs \
                and any(c.dep_.startswith("aux") for c in tok.children):
            return True  # a participle taken for a noun: "se sont félicités" (lemma "félicité")
        if lemma in self.lex.clause_speech_verbs:  # "elle dévoile que ...", not "il a dévoilé son plan"
            return any(c.dep_ == "ccomp" for c in tok.children)
        # "met en cause", "a mis en garde": the words after the verb, adverbs skipped
        for rest in self.lex.phrasal_speech_verbs.get(lemma, ()):
            words = [fold(t.text) for t in self.doc[tok.i + 1: tok.i + 6] if t.pos_ != "ADV"]
            if words[: len(rest)] == rest:
                return True
        return False

    def opens_quotation(self, verb) -> bool:
        """Is the verb followed by a colon and a quotation ("raconte : « … »")?"""
        after = self.doc[verb.i + 1:verb.i + 3]
        return len(after) == 2 and after[0].text == ":" and any(q[0] - 1 <= after[1].idx < q[0] + 1 for q in self.quotes)

    def is_name_in_quotes(self, quote: tuple[int, int]) -> bool:
        """ "une comédie musicale nommée « Les bâtisseurs »", "a film called \"…\"": a title, not speech."""
        words = self.body[max(0, quote[0] - 40):quote[0] - 1].split()
        return bool(words) and fold(words[-1]) in self.lex.naming_words

    def reactions(self) -> list[tuple[Entity, Reaction]]:
        out: list[tuple[Entity, Reaction]] = []
        last: Entity | None = None
        self.last_speech_at = -1  # token of the speech verb that named ``last``
        used_quotes: set[tuple[int, int]] = set()
        for si, sent in enumerate(self.sents):
            sent_quotes = [q for q in self.quotes if q[0] < sent.end_char and q[1] > sent.start_char]
            verbs = [t for t in sent if self.is_speech_verb(t) and not self.in_quote(t.idx)]
            speakers: list[tuple[int, Entity]] = []  # (verb token, speaker)
            reported: list[tuple[int, int]] = []
            for verb in verbs:
                if any(a <= verb.idx < b for a, b in reported):
                    continue  # "justifie X par le fait qu'elle considère Y": part of what is reported
                speaker = self.speaker_of(verb, last)
                if speaker is None:
                    continue
                speakers.append((verb.i, speaker))
                content = self.reported_content(verb, sent)
                if content:
                    reported.append(content)
                long_quotes = [q for q in sent_quotes if len(self.body[q[0]:q[1]].split()) >= MIN_DIRECT_WORDS]
                inside = next((q for q in self.quotes if q[0] <= content[0] + 1 and content[0] <= q[1]), None) if content else None
                if inside is not None:
                    if inside[1] >= content[1] - 1 or len(self.body[inside[0]:inside[1]].split()) >= MIN_DIRECT_WORDS:
                        content = None  # the words are a quotation: a direct reaction
                    else:
                        content = (inside[0] - 1, content[1])  # 's'est dit « préoccupé » par la situation
                if content and long_quotes and not any(k.dep_ == "ccomp" and k.i > verb.i for k in verb.children) \
                        and not any(q[0] <= content[0] <= q[1] for q in self.quotes):
                    content = None  # '"…," X told a news conference': the quotation is what was said
                if content and not any(_covers(q, content) for q in long_quotes):
                    text = self.body[content[0]:content[1]].strip(" ,.;:")
                    if len(text.split()) >= 3:
                        out.append((speaker, Reaction("", text, "indirect", [self.evidence(si)])))
                        # quoted fragments inside reported speech belong to it
                        used_quotes.update(q for q in sent_quotes if content[0] <= q[0] and q[1] <= content[1])
                last, self.last_speech_at = speaker, verb.i
            # attribution markers: "selon Washington", "according to X"
            marker_speaker = self.marker_speaker(sent, last)
            if marker_speaker is not None and not speakers:
                text = self.body[self.content_start(sent):sent.end_char]
                markers = "|".join(_loose(m) for m in self.lex.attribution_markers)
                text = re.sub(r"(?:^|,)\s*(?:" + markers + r")\s+[^,.;]+[,.]?", " ", text, flags=re.I)
                text = re.sub(r"\s+", " ", text).strip(" ,.;:")
                for form in sorted(marker_speaker.forms(), key=len, reverse=True):
                    if text.startswith(form + ","):
                        text = text[len(form) + 1:].strip()  # "selon le chef …, Josep Borrell, …"
                fragments = all(len(self.body[q[0]:q[1]].split()) < MIN_DIRECT_WORDS for q in sent_quotes)
                if fragments and len(text.split()) >= 4:  # quoted words inside are part of what is reported
                    out.append((marker_speaker, Reaction("", text, "indirect", [self.evidence(si)])))
                    used_quotes.update(sent_quotes)
            for q in sent_quotes:
                words = self.body[q[0]:q[1]].split()
                if len(words) < MIN_DIRECT_WORDS or q in used_quotes or self.is_name_in_quotes(q):
                    continue
                who = self.nearest_speaker(q, speakers) or marker_speaker
                # a quotation alone in its sentence: the speaker introduced just before or after
                if who is None and not verbs and si > 0:
                    who = self.quote_speaker_nearby(si - 1)
                if who is None and not verbs and si + 1 < len(self.sents) \
                        and self.paragraph_start(self.sents[si + 1].start_char) <= q[0]:
                    who = self.quote_speaker_nearby(si + 1, after=True)  # never from the next paragraph
                if who is None and not verbs:
                    who = self.continued_speaker(q, last)
                if who is None:
                    continue
                used_quotes.add(q)
                text = self.body[q[0]:q[1]].strip()
                ev = [self.evidence(i) for i in range(self.sent_at(q[0]), self.sent_at(q[1] - 1) + 1)]
                out.append((who, Reaction("", text, "direct", ev)))
                last, self.last_speech_at = who, self.doc.char_span(q[0], q[1], alignment_mode="expand").end
        return out

    def continued_speaker(self, quote: tuple[int, int], last: Entity | None) -> Entity | None:
        """A paragraph that opens with a quotation and has no speech verb goes on with the last
        speaker, when that speaker was quoted or reported in the paragraph just before."""
        if last is None or self.paragraph_start(quote[0]) < quote[0] - 1 or self.last_speech_at < 0:
            return None
        previous = self.paragraph_start(self.paragraph_start(quote[0]) - 1)
        return last if self.doc[min(self.last_speech_at, len(self.doc) - 1)].idx >= previous else None

    def nearest_speaker(self, quote: tuple[int, int], speakers: list[tuple[int, Entity]]) -> Entity | None:
        """The speaker of the speech verb closest to a quotation in its sentence."""
        if not speakers:
            return None
        first = self.doc.char_span(quote[0], quote[1], alignment_mode="expand")
        if first is None:
            return speakers[-1][1]

        def distance(verb_i: int) -> int:
            return first.start - verb_i if verb_i < first.start else verb_i - first.end + 1

        return min(speakers, key=lambda vs: distance(vs[0]))[1]

    def quote_speaker_nearby(self, si: int, after: bool = False) -> Entity | None:
        sent = self.sents[si]
        for tok in sent:
            if self.is_speech_verb(tok) and not self.in_quote(tok.idx):
                if after and tok.i - sent.start > 4:
                    return None
                return self.speaker_of(tok, None)
        return None

    def marker_speaker(self, sent, last: Entity | None = None) -> Entity | None:
        low = self.body[sent.start_char:sent.end_char]
        for marker in self.lex.attribution_markers:
            for m in re.finditer(r"(?<!\w)" + _loose(marker) + r"\s+", low, re.I):
                start = sent.start_char + m.end()
                tok = self.doc.char_span(start, start + 1, alignment_mode="expand")
                if tok is None:
                    continue
                while tok.start + 1 < sent.end and self.doc[tok.start].pos_ == "DET":
                    tok = self.doc[tok.start + 1:tok.start + 2]  # "according to the United Nations"
                entity = self.entity_in(tok.start, tok.start + 1, containing=True)
                word = fold(self.doc[tok.start].text)
                if entity is None and (word in self.lex.pronouns or word in self.lex.object_pronouns):
                    entity = self.pronoun_referent(tok.start, last)  # "Pour lui, …", "according to her"
                if entity is None:
                    # "according to civil protection chief X,": the name in the phrase, up to its comma
                    end = tok.start
                    while end < min(tok.start + 12, sent.end) and self.doc[end].text not in (".", ";", ":"):
                        if self.doc[end].text == "," and self.entity_in(end + 1, end + 2, containing=True) is None:
                            break  # a comma ends the phrase, unless a name follows it ("selon le chef …, Josep Borrell,")
                        end += 1
                    found = self.entity_in(tok.start, end, starting=True)
                    said_by = any(fold(t.lemma_) in self.lex.source_nouns for t in self.doc[tok.start:tok.start + 3])
                    entity = found if found is not None and (found.kind == "person" or said_by) else None
                if entity is None:
                    # "pour l'organisation", "selon l'ONG": a noun naming an actor named before
                    head = next((t for t in self.doc[tok.start:tok.start + 3] if t.pos_ == "NOUN"), None)
                    entity = self.anaphor(head) if head is not None else None
                if entity is not None and entity.kind != "organization" or (
                    entity is not None and not self.is_news_source(entity)
                ):
                    return entity
        return None

    def is_news_source(self, entity: Entity) -> bool:
        return any(fold(f).split()[0] in ("agence", "agency", "afp", "reuters", "yonhap") for f in entity.forms())

    def content_children(self, verb) -> list:
        """The complements of a speech verb that say what was said: a clause, an infinitive, a
        noun object (not for the verbs of ``no_object_verbs``: "a lancé une offensive"), or a
        complement with "de"/"à"/"contre" ("s'est félicitée de la signature", "warned of a
        crisis"), never a circumstance ("avant la rencontre", "in a statement")."""
        doc = self.doc
        lemma = fold(verb.lemma_)
        kids = []
        for c in verb.children:
            if c.i < verb.i:
                continue
            edge = doc[c.left_edge.i]
            preposition = edge.pos_ == "ADP" and edge.dep_ == "case"
            if c.dep_ in ("ccomp", "xcomp", "advcl") and not preposition:
                kids.append(c)
            elif c.dep_ in ("obj", "dobj") and not preposition and lemma not in self.lex.no_object_verbs:
                kids.append(c)
            elif c.dep_ in ("obl:arg", "prep") and fold(edge.text if preposition else c.text) in self.lex.content_prepositions:
                kids.append(c)
        return self.clauses_of_source_nouns(verb) + kids

    def clauses_of_source_nouns(self, verb) -> list:
        """ "told X in a statement that …", "explique dans un communiqué que …": a that-clause the
        parser hung on the statement noun is what the verb reports."""
        found = []
        for c in verb.children:
            if c.i < verb.i or c.dep_ not in ("prep", "obl", "obl:arg", "obl:mod"):
                continue
            noun = c if c.pos_ == "NOUN" else next((k for k in c.children if k.dep_ == "pobj"), None)
            if noun is None or fold(noun.lemma_) not in self.lex.source_nouns:
                continue
            found += [k for k in noun.children if k.i > noun.i and k.dep_ in ("acl", "acl:relcl", "relcl", "ccomp")
                      and any(m.dep_ == "mark" and fold(m.text).rstrip("'") in ("that", "que", "qu") for m in k.children)]
        return found

    def reported_content(self, verb, sent) -> tuple[int, int] | None:
        """Character span of what a speech verb reports: its clause, or what precedes an inverted verb."""
        doc = self.doc
        kids = self.content_children(verb)
        first = self.verb_group_start(verb)
        inverted = not self.is_participle_clause(verb) and first.i - sent.start > 4 and doc[first.i - 1].text in (",", '"', "»", "”") and not any(
            c.dep_.startswith("nsubj") and c.i < verb.i and c.pos_ not in ("AUX", "VERB")
            for c in verb.children)  # "X, Y, s'est dit": not inverted
        if kids and (not inverted or any(k.dep_ == "ccomp" for k in kids)):
            c = next((k for k in kids if k.dep_ == "ccomp"), kids[0])
            start_tok = c.left_edge
            # skip the complementiser ("que", "that") and punctuation
            while start_tok.i < c.right_edge.i and (start_tok.dep_ == "mark" or start_tok.is_punct):
                start_tok = doc[start_tok.i + 1]
            end_tok = c.right_edge
            # another speech verb inside ("…, bien que, comme le rappelle X, « … »") reports its own words
            other = next((t for t in doc[start_tok.i:end_tok.i + 1]
                          if t.i != verb.i and self.is_speech_verb(t) and not self.in_quote(t.idx)), None)
            if other is not None:
                cut = self.verb_group_start(other).i - 1
                while cut > start_tok.i and doc[cut].text != ",":
                    cut -= 1
                if cut > start_tok.i:
                    end_tok = doc[cut - 1]
            for extra in verb.children:
                if extra.i > end_tok.i and extra.dep_ in ("obl", "obl:arg", "advcl", "conj", "ccomp", "xcomp", "obj") and extra.right_edge.i < sent.end:
                    if any(self.is_speech_verb(t) and not self.in_quote(t.idx) for t in extra.subtree):
                        break  # "a condamné X et estimé que ...": the other verb reports its own words
                    if extra.dep_ in ("advcl", "conj") and any(c.dep_.startswith("nsubj") for c in extra.children):
                        break  # "…, tandis que l'Égypte a dépêché …": another subject, another statement
                    if not doc[extra.left_edge.i].is_punct:
                        end_tok = extra.right_edge
            return start_tok.idx, end_tok.idx + len(end_tok.text)
        # inverted: "<content>, a-t-il ajouté." / "<content>, said X."
        if first.i - sent.start > 4 and doc[first.i - 1].text == ",":
            return self.content_start(sent), doc[first.i - 1].idx
        # "<content>, she added.": the clause before the subject
        before = [c for c in verb.children if c.i < verb.i and c.dep_ in ("ccomp", "parataxis")]
        if before:
            start_tok, end_tok = before[0].left_edge, before[0].right_edge
            while end_tok.i > start_tok.i and end_tok.is_punct:
                end_tok = doc[end_tok.i - 1]
            if end_tok.i - start_tok.i >= 3:
                return start_tok.idx, end_tok.idx + len(end_tok.text)
        return None
