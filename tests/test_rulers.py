"""The fast rule components give exactly what spaCy's own give, on the sample articles and on edge cases."""

from __future__ import annotations

import warnings

import pytest
import spacy
from spacy.pipeline import AttributeRuler, SpanRuler

from extract.pipeline import (
    LEXICON_FOLDERS,
    LEXICON_KEY,
    _builtin_patterns,
    default_model,
    load_nlp,
    merge_token_patterns,
)
from extract.rulers import CachedLemmatizer, LookupAttributeRuler, use_fast_components

from .conftest import SAMPLES

TEXTS = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))] + [
    "I'd say they're gonna win, y'all. Ain't nothin' wrong with 'em. Let's go, c'mon!",
    "It isn't what it was; there's been nobody here. \n\n  Something's got to give: he'd had enough.",
    "   ",
    "",
]


def _annotations(doc) -> list[tuple]:
    return [(t.text, t.tag_, t.pos_, str(t.morph), t.lemma_) for t in doc]


@pytest.fixture(scope="module")
def pipelines():
    exclude = ["parser", "ner"]
    reference = spacy.load(default_model(), exclude=exclude)
    fast = spacy.load(default_model(), exclude=exclude)
    use_fast_components(fast)
    return reference, fast


def test_components_are_swapped(pipelines):
    _, fast = pipelines
    assert isinstance(fast.get_pipe("attribute_ruler"), LookupAttributeRuler)
    assert isinstance(fast.get_pipe("lemmatizer"), CachedLemmatizer)


@pytest.mark.parametrize("text", TEXTS)
def test_same_tags_pos_morph_and_lemmas_as_spacy(pipelines, text):
    reference, fast = pipelines
    assert _annotations(fast(text)) == _annotations(reference(text))


def test_same_matches_as_the_matcher(pipelines):
    reference, fast = pipelines
    spacy_ruler = reference.get_pipe("attribute_ruler")
    assert type(spacy_ruler) is AttributeRuler
    lookup = fast.get_pipe("attribute_ruler")
    with reference.select_pipes(disable=["attribute_ruler", "lemmatizer"]):
        for text in TEXTS:
            doc = reference(text)
            assert lookup.match(doc) == spacy_ruler.match(doc)


def test_a_pattern_added_later_is_used():
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("extract_attribute_ruler")
    ruler.add_patterns([{"patterns": [[{"LOWER": "ofsted"}]], "attrs": {"POS": "PROPN"}}])
    assert nlp("ofsted said")[0].pos_ == "PROPN"
    ruler.add_patterns([{"patterns": [[{"LOWER": {"REGEX": "^sa"}}]], "attrs": {"POS": "VERB"}}])
    assert [t.pos_ for t in nlp("ofsted said")] == ["PROPN", "VERB"]


def test_lemmas_limited_to_verbs_when_asked():
    nlp = spacy.load(default_model(), exclude=["parser", "ner"])
    use_fast_components(nlp, lemma_pos=["VERB", "AUX"])
    doc = nlp("The inspectors said the councils were failing children.")
    lemmas = {t.text: t.lemma_ for t in doc}
    assert lemmas["said"] == "say" and lemmas["were"] == "be" and lemmas["failing"] == "fail"
    assert lemmas["councils"] == ""  # nouns are left alone: no rule reads their lemma


def test_a_user_lemma_pattern_on_nouns_keeps_every_lemma(tmp_path):
    patterns = tmp_path / "p.jsonl"
    patterns.write_text('{"label": "ROLE", "pattern": [{"LEMMA": "inspector"}]}\n', encoding="utf-8")
    nlp = load_nlp(patterns=[patterns])
    doc = nlp("Two inspectors visited.")
    assert doc[1].lemma_ == "inspector"
    assert [s.text for s in doc.spans[LEXICON_KEY] if s.label_ == "ROLE"] == ["inspectors"]


def test_lexicon_spans_same_as_spacy_span_ruler(nlp):
    rows = [row for folder in LEXICON_FOLDERS for row in _builtin_patterns(folder)]
    reference = spacy.load(default_model(), exclude=["parser"])
    spacy_ruler = reference.add_pipe("span_ruler", config={"spans_key": "ref", "phrase_matcher_attr": "LOWER"})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        spacy_ruler.add_patterns(rows)
    assert type(spacy_ruler) is SpanRuler
    texts = [*TEXTS, "The Labour Party and the Tories; labour costs; the Green councillor, an SNP MSP, the Lib Dems."]
    for text in texts:
        ours_doc, theirs_doc = nlp(text), reference(text)
        ours = [(s.start, s.end, s.label_, s.id_) for s in ours_doc.spans[LEXICON_KEY]]
        theirs = [(s.start, s.end, s.label_, s.id_) for s in theirs_doc.spans["ref"]]
        assert ours == theirs


def test_merged_patterns_keep_label_id_and_other_tests():
    rows = [
        {"label": "SPEECH_VERB", "pattern": [{"LEMMA": "say", "POS": "VERB"}]},
        {"label": "SPEECH_VERB", "pattern": [{"LEMMA": "add", "POS": "VERB"}]},
        {"label": "SPEECH_VERB", "pattern": [{"LEMMA": "tell", "POS": "AUX"}]},
        {"label": "PARTY", "pattern": [{"TEXT": "Labour"}], "id": "Labour"},
        {"label": "PARTY", "pattern": [{"TEXT": "Tory"}], "id": "Conservative"},
        {"label": "PARTY", "pattern": [{"TEXT": "Tories"}], "id": "Conservative"},
        {"label": "ROLE", "pattern": "chief executive"},
    ]
    merged = merge_token_patterns(rows)
    assert merged == [
        {"label": "SPEECH_VERB", "pattern": [{"POS": "VERB", "LEMMA": {"IN": ["say", "add"]}}]},
        {"label": "SPEECH_VERB", "pattern": [{"POS": "AUX", "LEMMA": {"IN": ["tell"]}}]},
        {"label": "PARTY", "pattern": [{"TEXT": {"IN": ["Labour"]}}], "id": "Labour"},
        {"label": "PARTY", "pattern": [{"TEXT": {"IN": ["Tory", "Tories"]}}], "id": "Conservative"},
        {"label": "ROLE", "pattern": "chief executive"},
    ]


def test_line_break_starts_a_sentence(nlp):
    doc = nlp("Ofsted found\nWeak leadership and poor records\r\n- too few staff\n\nThe council said no")
    starts = [t.text for t in doc if t.is_sent_start and not t.is_space]
    assert starts[:4] == ["Ofsted", "Weak", "-", "The"]


def test_a_wrapped_line_does_not_end_its_sentence(nlp):
    doc = nlp("Inspectors said the trust had failed to make sure that staff on\nthe two wards were trained "
              "and that the wards\nwere safe.\n\nThe council said no")
    starts = [t.text for t in doc if t.is_sent_start and not t.is_space]
    assert starts == ["Inspectors", "The"]


def _layers(nlp):
    pipes = [getattr(pipe, "inner", pipe) for _, pipe in nlp.pipeline]  # the NER is wrapped (extract.entities)
    return [node for pipe in pipes if getattr(pipe, "model", None) is not None for node in pipe.model.walk()]


def test_the_model_multiplies_with_numpys_blas_and_annotates_as_with_blis(nlp):
    """`load_nlp` builds the model's layers on numpy's BLAS (faster here); tags, sentences and entities must be
    those of spaCy's default (BLIS) ops on every sample."""
    on_blis = [node.name for node in _layers(nlp) if node.ops.use_blis]
    assert on_blis == ["linear"]  # the NER output layer: spaCy builds it on "cpu" ops; its C loop reads the weights
    assert len({id(node) for node in _layers(nlp)}) > 100  # tok2vec, tagger, senter and NER layers
    reference = spacy.load(default_model(), exclude=["parser"])
    assert all(node.ops.use_blis for node in _layers(reference))
    names = ["tok2vec", "tagger", "senter", "ner"]
    for text in TEXTS[:-2]:
        ours, theirs = nlp.make_doc(text), reference.make_doc(text)
        for name in names:
            ours = getattr(nlp.get_pipe(name), "inner", nlp.get_pipe(name))(ours)
            theirs = reference.get_pipe(name)(theirs)
        assert [(t.tag_, t.is_sent_start, t.ent_iob_, t.ent_type_) for t in ours] == \
               [(t.tag_, t.is_sent_start, t.ent_iob_, t.ent_type_) for t in theirs]
