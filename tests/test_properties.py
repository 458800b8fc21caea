"""Invariants over arbitrary and mutated text: the core never raises, every record validates against the
JSON Schema, every span points at its text, and the same input gives the same bytes.

`HYPOTHESIS_PROFILE=thorough pytest tests/test_properties.py` runs many more examples.
"""

from __future__ import annotations

import json

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from extract import Options, extract_record
from extract.records import iter_spans, record_json_schema

from .conftest import SAMPLES

SAMPLE_TEXTS = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))]
VALIDATOR = jsonschema.Draft202012Validator(record_json_schema())
NOISE = ["•", "- ", "* ", "1. ", "“", "”", '"', "'", "‘", "’", "\r\n", "\n\n", "\x00", "\x07", "😀", "שלום", "مرحبا",
         "Sir ", "Cllr ", "inadequate", "rated good", "last month", "31 February 2019", "the 45th", "INADEQUATE",
         "SIR JOHN ASHDOWN", ":", "\u202e", "\ufeff"]


def check(text: str, nlp) -> str:
    record = extract_record(text, nlp, Options(source="t.txt"))
    data = json.loads(record.model_dump_json())
    VALIDATOR.validate(data)
    for span, words in iter_spans(data):
        start, end = span
        assert 0 <= start <= end <= len(text)
        assert text[start:end] == words
    return record.model_dump_json()




@given(st.text(max_size=400))
def test_arbitrary_unicode(nlp, text):
    check(text, nlp)


@st.composite
def mutated_sample(draw):
    text = draw(st.sampled_from(SAMPLE_TEXTS))
    for _ in range(draw(st.integers(0, 6))):
        action = draw(st.sampled_from(["cut", "insert", "shuffle", "crlf", "delete"]))
        if action == "cut":
            text = text[: draw(st.integers(0, len(text)))]
        elif action == "insert":
            at = draw(st.integers(0, len(text)))
            text = text[:at] + draw(st.sampled_from(NOISE)) + text[at:]
        elif action == "shuffle":
            lines = text.split("\n")
            text = "\n".join(draw(st.permutations(lines)))
        elif action == "crlf":
            text = text.replace("\n", "\r\n")
        elif text:
            a = draw(st.integers(0, len(text) - 1))
            text = text[:a] + text[a + draw(st.integers(1, 40)) :]
    return text


@given(mutated_sample())
def test_mutated_articles(nlp, text):
    check(text, nlp)


@given(mutated_sample())
def test_output_is_deterministic(nlp, text):
    assert check(text, nlp) == check(text, nlp)


@pytest.mark.parametrize("text", ["", "   \n\t\n", "Comments are closed.\n", "“unclosed quote\n\nand more",
                                  "• a bullet with no lead-in\n• another", "It happened on 31 February 2019.",
                                  "SIR JOHN SMITH SAID IT WAS INADEQUATE.", "the 45th anniversary"])
def test_odd_inputs_give_valid_records(nlp, text):
    check(text, nlp)


def test_skipped_things_are_warned_about(nlp):
    assert extract_record("", nlp).warnings
    unclosed = extract_record("Headline\n\nShe said: “we will not stop\n\nThe end.", nlp)
    assert any("never closed" in w for w in unclosed.warnings)
