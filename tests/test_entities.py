"""NER on candidate sentences only: which sentences are skipped, and that the names the rules read survive."""

from __future__ import annotations

import pytest

from extract import entities
from extract.core import prepare
from extract.entities import CandidateSentenceNER, _kept_part

from .conftest import SAMPLES

RULE_LABELS = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "DATE"}


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
    ("It happened last year.", True),  # a calendar word: its DATE entity backs up the date grammar
    ("the figure rose to 40%.", True),
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
    entities: the NER's view of a kept sentence's edges is all that differs."""
    texts = [prepare(path.read_text(encoding="utf-8")).body for path in sorted(SAMPLES.glob("*.txt"))]
    ours = [{(e.start_char, e.end_char, e.label_) for e in doc.ents if e.label_ in RULE_LABELS}
            for doc in nlp.pipe(texts)]
    monkeypatch.setattr(entities, "_kept_part", lambda doc: (doc, []))  # every sentence to the NER
    theirs = [{(e.start_char, e.end_char, e.label_) for e in doc.ents if e.label_ in RULE_LABELS}
              for doc in nlp.pipe(texts)]
    same = sum(len(a & b) for a, b in zip(ours, theirs, strict=True))
    total = sum(len(a | b) for a, b in zip(ours, theirs, strict=True))
    assert total > 300
    assert same / total >= 0.97


def test_entity_ruler_presets_survive_a_skipped_sentence(nlp):
    doc = nlp("The home was fine.\nThe Care Quality Commission rated it good. It was not enough.")
    assert any(e.text == "Care Quality Commission" and e.label_ == "ORG" for e in doc.ents)
