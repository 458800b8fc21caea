"""NER on candidate sentences only: which sentences are skipped, and that the names the rules read survive."""

from __future__ import annotations

import pytest

from extract import entities
from extract.core import extract_record, prepare
from extract.entities import CandidateSentenceNER, _candidate, _kept_part, _kept_sentences

from .conftest import SAMPLES

NAME_LABELS = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"}


def test_ner_is_wrapped(nlp):
    assert isinstance(nlp.get_pipe("ner"), CandidateSentenceNER)


@pytest.mark.parametrize(("sentence", "kept"), [
    ("The council said it would appeal.", False),
    ("It was not good enough, inspectors found.", False),
    ("But the report was clear.", False),
    ("The council leader said it would appeal.", False),
    ("Councillor Pemberton said it would appeal.", True),  # a capitalised word after the first
    ("Ofsted said it would appeal.", True),  # a capitalised first word that is not a stop word
    ("US officials said so.", True),  # an all-capitals first word, though "us" is a stop word
    ("It happened last year.", False),  # lower-case dates are the date grammar's
    ("the figure rose to 40%.", False),
    ("the Ofsted report came out.", True),
])
def test_which_sentences_reach_the_ner(nlp, sentence, kept):
    doc = nlp.make_doc("Ofsted rated the school good.\n" + sentence)
    for name, pipe in nlp.pipeline:
        if name == "ner":
            break
        doc = pipe(doc)
    part = _kept_part(doc)
    assert part is not None
    whole = part[0] is doc
    assert whole == kept


def test_names_in_samples_are_those_of_the_full_ner(nlp, monkeypatch):
    """On the samples, as the pipeline sees them (layout furniture blanked), skipping sentences changes few
    names: the NER's view of a kept sentence's edges is all that differs."""
    texts = [prepare(path.read_text(encoding="utf-8")).body for path in sorted(SAMPLES.glob("*.txt"))]
    ours = [{(e.start_char, e.end_char, e.label_) for e in doc.ents if e.label_ in NAME_LABELS}
            for doc in nlp.pipe(texts)]
    monkeypatch.setattr(entities, "_kept_part", lambda doc: (doc, []))  # every sentence to the NER
    theirs = [{(e.start_char, e.end_char, e.label_) for e in doc.ents if e.label_ in NAME_LABELS}
              for doc in nlp.pipe(texts)]
    same = sum(len(a & b) for a, b in zip(ours, theirs, strict=True))
    total = sum(len(a | b) for a, b in zip(ours, theirs, strict=True))
    assert total > 200
    assert same / total >= 0.97


def test_dates_of_samples_are_those_with_the_full_ner(nlp, monkeypatch):
    """Skipped sentences lose their DATE entities (the grammar's fallback); the dates must not change."""
    texts = [path.read_text(encoding="utf-8") for path in sorted(SAMPLES.glob("*.txt"))]
    ours = [extract_record(text, nlp).dates for text in texts]
    lost = 0
    for text in texts:
        doc = nlp(prepare(text).body)
        lost += sum(1 for sent in doc.sents if not _candidate(sent) for t in sent if t.ent_type_ == "DATE")
    monkeypatch.setattr(entities, "_kept_part", lambda doc: (doc, []))  # every sentence to the NER
    for text in texts:
        doc = nlp(prepare(text).body)
        lost -= sum(1 for sent in doc.sents if not _candidate(sent) for t in sent if t.ent_type_ == "DATE")
    assert lost < 0  # the full NER does find dates in the skipped sentences of the samples
    assert [extract_record(text, nlp).dates for text in texts] == ours


def test_entity_ruler_presets_survive_a_skipped_sentence(nlp):
    doc = nlp("The home was fine.\nThe Care Quality Commission rated it good. It was not enough.")
    assert any(e.text == "Care Quality Commission" and e.label_ == "ORG" for e in doc.ents)


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.txt")), ids=lambda p: p.name)
def test_array_selection_is_the_sentence_definition(nlp, path):
    """`_kept_sentences` (array operations over the doc) keeps exactly the sentences `_candidate` accepts."""
    doc = nlp.make_doc(prepare(path.read_text(encoding="utf-8")).body + "\n\nUS officials met.\n\n—\n")
    for name, pipe in nlp.pipeline:
        if name == "ner":
            break
        doc = pipe(doc)
    expected = [_candidate(sent) for sent in doc.sents for _ in sent]
    assert _kept_sentences(doc).tolist() == expected
    assert not all(expected) and any(expected)  # the samples have sentences of both kinds
