"""The words a pattern cannot match without, and the promise that skipping on them never loses a match."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extract import dates
from extract.core import prepare
from extract.prefilter import Prefilter, requirements

from .conftest import SAMPLES


@pytest.mark.parametrize(("pattern", "flags", "expected"), [
    (r"\bthe\s+week\b", 0, {frozenset({"the"}), frozenset({"week"})}),
    (r"(?:first|second|third)\s+quarter", 0, {frozenset({"first", "second", "third"}), frozenset({"quarter"})}),
    (r"\bQ(?P<n>[1-4])\b", 0, {frozenset({"q"}), frozenset("1234")}),  # compared case-folded
    (r"(?i:Christmas)|Easter", 0, {frozenset({"christmas", "easter"})}),
    (r"\d{4}", 0, {frozenset("0123456789")}),
    (r"(?:early\s+)?spring", re.I, {frozenset({"spring"})}),  # an optional word is not required
    (r"(?:last|next)?\s*year", 0, {frozenset({"year"})}),
    (r"today|\w+day", 0, {frozenset({"today", "day"})}),  # one requirement from each branch
    (r"today|\w+", 0, set()),  # a branch with nothing required makes the whole alternation unrequired
    (r"[a-z]+", 0, set()),  # a broad class is no requirement
    (r"(?=now)\w+", 0, set()),  # lookarounds are not analysed
])
def test_requirements(pattern, flags, expected):
    assert set(requirements(re.compile(pattern, flags))) == expected


def test_a_text_lacking_a_requirement_is_skipped():
    prefilter = Prefilter([re.compile(r"\bthird\s+quarter\b", re.I), re.compile(r"\d{4}")])
    assert prefilter.possible("Profits rose in the THIRD Quarter.") == [True, False]
    assert prefilter.possible("A quarter of the third-year pupils, in 2019.") == [True, True]  # words, not order
    assert prefilter.possible("") == [False, False]


FRAGMENTS = [
    "the", "last", "next", "this", "year", "years", "month", "week", "weekend", "quarter", "half", "first", "third",
    "fiscal", "of", "in", "on", "since", "by", "ago", "earlier", "later", "decade", "century", "20th", "1990s",
    "'90s", "nineties", "March", "march", "May", "may", "Sept.", "Monday", "monday", "morning", "tonight",
    "today", "Christmas", "Easter", "summer", "spring", "now", "recently", "future", "past", "recent", "coming",
    "2019", "1987", "12", "3rd", "1st", "Q3", "H1", "12/03/2019", "2020-01-31", "year-ago", "year-end", "new",
    "period", "same", "time", "nineteen", "eighty", "two", "thousand", "day", "before", "yesterday", "at",
    "present", "moment", "early", "late", "mid", "start", "end", "-", ",", ".", "'s", "%", "per", "cent",
]


@given(st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=12), st.sampled_from([" ", "  ", "\n", "-"]))
def test_no_date_rule_is_skipped_on_a_text_it_matches(words, glue):
    text = glue.join(words)
    possible = dates._prefilter().possible(text)
    for (regex, _), may in zip(dates.rules(), possible, strict=True):
        if regex.search(text):
            assert may, (regex.pattern[:80], text)


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.txt")), ids=lambda p: p.name)
def test_the_grammar_finds_the_same_with_and_without_the_prefilter(monkeypatch, path):
    body = prepare(path.read_text(encoding="utf-8")).body
    filtered = [(s, e, h) for s, e, _, h in dates.find_expressions(body)]
    assert filtered  # every sample has dates
    monkeypatch.setattr(dates._prefilter(), "possible", lambda text: [True] * len(dates.rules()))
    assert [(s, e, h) for s, e, _, h in dates.find_expressions(body)] == filtered
