"""The statistical NER, run only on the sentences that can hold a name.

The rules read PERSON, ORG, GPE, NORP, LOC and FAC entities (and DATE as a fallback
for dates). In English news every such name has a capital letter, so a sentence
whose words after the first are all lower case, and whose first word is a
stop word ("The", "It", "But"), has none; sentences with numbers or calendar
words (`models/entities/ner_trigger_words.txt`) are kept for their DATE entities. About one token in seven
of BBC news is in such a sentence; the NER is the most expensive component, and
skipping those sentences saves its work there. The kept sentences are parsed as
one doc with their original token norms and preset entities (from the entity
ruler), and the entities found are mapped back to the article's tokens.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spacy.attrs import ENT_ID, ENT_IOB, ENT_KB_ID, ENT_TYPE, NORM
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import minibatch

from extract.resources import read_words

_COPIED = [NORM, ENT_IOB, ENT_TYPE, ENT_KB_ID, ENT_ID]


class CandidateSentenceNER:
    """Wraps a spaCy `EntityRecognizer`; the entities it sets are the inner component's on the kept text."""

    def __init__(self) -> None:
        self.inner = None

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        for batch in minibatch(docs, size=batch_size):
            parts = [_kept_part(doc) for doc in batch]
            inputs = [part[0] for part in parts if part is not None]
            outputs = iter(self.inner.pipe(inputs, batch_size=max(1, len(inputs))) if inputs else ())
            for doc, part in zip(batch, parts, strict=True):
                if part is not None:
                    _map_back(doc, next(outputs), part[1])
                yield doc


def _candidate(sent: Span, triggers: frozenset[str]) -> bool:
    """Whether a sentence can hold an entity the rules read: a capitalised word that is not a stop word
    opening the sentence, or any capitalised later word, all-capitals word, number or calendar word."""
    words = [t for t in sent if not t.is_space and not t.is_punct]
    if not words:
        return True  # blank lines and rules cost nothing, and the NER's view of what follows depends on them
    first = words[0]
    if first.text[:1].isupper() and (not first.is_stop or first.is_upper):
        return True
    return any(t.text[:1].isupper() for t in words[1:]) or any(_has_digit(t.text) or t.lower_ in triggers
                                                                for t in words)


def _has_digit(text: str) -> bool:
    return any(ch.isdigit() for ch in text)


def _kept_part(doc: Doc) -> tuple[Doc, list[int]] | None:
    """The doc to run the NER on (the doc itself, or its kept sentences as a new doc) and, for each of its
    tokens, the index of the token in `doc`; None when no sentence can hold a name."""
    if not len(doc):
        return None
    keep: list[int] = []
    triggers = read_words("entities/ner_trigger_words.txt")
    for sent in doc.sents:
        if _candidate(sent, triggers):
            keep.extend(range(sent.start, sent.end))
    if len(keep) == len(doc):
        return doc, []
    if not keep:
        return None
    words = [doc[i].text for i in keep]
    spaces = [bool(doc[i].whitespace_) for i in keep]
    part = Doc(doc.vocab, words=words, spaces=spaces)
    try:  # the tokens' norms (NER features) and their entity annotation so far (the entity ruler's presets)
        part.from_array(_COPIED, doc.to_array(_COPIED)[keep])
    except ValueError:  # a preset entity that a dropped sentence cuts: parse the doc whole
        return doc, []
    return part, keep


def _map_back(doc: Doc, part: Doc, keep: list[int]) -> None:
    if part is doc:
        return
    existing = {(e.start, e.end) for e in doc.ents}
    found = list(doc.ents)
    for ent in part.ents:
        start, end = keep[ent.start], keep[ent.end - 1] + 1
        if (start, end) not in existing:
            found.append(Span(doc, start, end, label=ent.label, kb_id=ent.kb_id, span_id=ent.id))
    doc.set_ents(sorted(found, key=lambda s: s.start), default="unmodified")


@Language.factory("extract_candidate_ner")
def make_candidate_sentence_ner(nlp: Language, name: str) -> CandidateSentenceNER:
    return CandidateSentenceNER()


def use_candidate_sentence_ner(nlp: Language) -> None:
    """Wrap the pipeline's `ner` so it runs only on the sentences that can hold a name."""
    if "ner" in nlp.pipe_names:
        inner = nlp.get_pipe("ner")
        wrapper = nlp.replace_pipe("ner", "extract_candidate_ner")
        wrapper.inner = inner
