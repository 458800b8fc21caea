"""The statistical NER, run only on the sentences that can hold a name.

The rules read PERSON, ORG, GPE, NORP, LOC and FAC entities (and DATE as a fallback
for dates the grammar misses). In English news every such name has a capital letter,
so a sentence whose words after the first are all lower case, and whose first word is
a stop word ("The", "It", "But"), has none. The NER is the most expensive component,
and skipping those sentences saves its work there: about one token in seven of BBC news.
Such sentences can hold lower-case DATE entities ("last year"), but the date grammar
finds those itself: without them, the dates of 227 articles (dev, samples, BBC) and the
TimeBank and TempEval scores are unchanged.

The kept sentences are parsed as one doc with their original token norms and preset
entities (from the entity ruler), and the entities found are mapped back to the
article's tokens. The NER sees each kept sentence beside different neighbours than in
the article, which changed 2 of those 227 records (a quote's speaker, a role's
organisation): its decisions near a sentence break look a few tokens across it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np
from spacy.attrs import ENT_ID, ENT_IOB, ENT_KB_ID, ENT_TYPE, NORM, ORTH, SENT_START, SPACY
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import minibatch

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


# word classes of a lexeme, as bits: what `_candidate` asks of each token
_SKIPPED, _CAPITAL, _STRONG_FIRST = 1, 2, 4
_MAX_CLASSES = 50_000  # per word form; cleared when full (2,000 BBC articles have 33,000 forms)
_CLASS_CACHE: dict[int, int] = {}


def _candidate(sent: Span) -> bool:
    """Whether a sentence can hold a name: a capitalised first word that is not a stop word (or is all
    capitals: "US"), or a capitalised later word. The definition; `_kept_sentences` computes the same for a
    whole doc at once."""
    words = [t for t in sent if not t.is_space and not t.is_punct]
    if not words:
        return True  # blank lines and rules cost nothing, and the NER's view of what follows depends on them
    first = words[0]
    if first.text[:1].isupper() and (not first.is_stop or first.is_upper):
        return True
    return any(t.text[:1].isupper() for t in words[1:])


def _word_class(lex) -> int:
    bits = _SKIPPED if lex.is_space or lex.is_punct else 0
    if lex.orth_[:1].isupper():
        bits |= _CAPITAL
        if not lex.is_stop or lex.is_upper:
            bits |= _STRONG_FIRST
    return bits


def _classes(doc: Doc, orths: np.ndarray) -> np.ndarray:
    """The word-class bits of every token, looked up per distinct word form (token objects cost more than
    the NER saves on short sentences)."""
    cache = _CLASS_CACHE
    if len(cache) > _MAX_CLASSES:
        cache.clear()
    unique, inverse = np.unique(orths, return_inverse=True)
    vocab = doc.vocab
    bits = []
    for orth in unique.tolist():
        found = cache.get(orth)
        if found is None:
            found = cache[orth] = _word_class(vocab[orth])
        bits.append(found)
    return np.asarray(bits, dtype=np.int64)[inverse.reshape(-1)]


def _kept_sentences(doc: Doc) -> np.ndarray:
    """For each token, whether its sentence passes `_candidate`, for the whole doc in array operations."""
    table = doc.to_array([ORTH, SENT_START])
    bits = _classes(doc, table[:, 0])
    starts = table[:, 1].astype(np.int64) == 1
    starts[0] = True
    sentence_of = np.cumsum(starts) - 1
    n_sentences = int(sentence_of[-1]) + 1
    word_at = np.flatnonzero((bits & _SKIPPED) == 0)
    has_words = np.zeros(n_sentences, dtype=bool)
    keep = np.zeros(n_sentences, dtype=bool)
    if len(word_at):
        word_sentence = sentence_of[word_at]
        has_words[word_sentence] = True
        firsts = word_at[np.flatnonzero(np.r_[True, word_sentence[1:] != word_sentence[:-1]])]
        keep[sentence_of[firsts[(bits[firsts] & _STRONG_FIRST) != 0]]] = True
        later = np.ones(len(word_at), dtype=bool)
        later[np.searchsorted(word_at, firsts)] = False
        keep[sentence_of[word_at[later & ((bits[word_at] & _CAPITAL) != 0)]]] = True
    keep |= ~has_words
    return keep[sentence_of]


def _kept_part(doc: Doc) -> tuple[Doc, list[int]] | None:
    """The doc to run the NER on (the doc itself, or its kept sentences as a new doc) and, for each of its
    tokens, the index of the token in `doc`; None when no sentence can hold a name."""
    if not len(doc):
        return None
    kept = np.flatnonzero(_kept_sentences(doc))
    if len(kept) == len(doc):
        return doc, []
    if not len(kept):
        return None
    strings = doc.vocab.strings
    table = doc.to_array([ORTH, SPACY, *_COPIED])[kept]
    words = [strings[orth] for orth in table[:, 0].tolist()]
    part = Doc(doc.vocab, words=words, spaces=table[:, 1].astype(bool).tolist())
    try:  # the tokens' norms (NER features) and their entity annotation so far (the entity ruler's presets)
        part.from_array(_COPIED, table[:, 2:])
    except ValueError:  # a preset entity that a dropped sentence cuts: parse the doc whole
        return doc, []
    return part, kept.tolist()


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
