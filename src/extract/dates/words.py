"""The date grammar's vocabulary (`models/dates/lexicon.json`) and the values every part shares.

`Found` is a normalised expression, `Anchor` what a relative one resolves against; the helpers here read
a match's month, year, modifier and number words through the lexicon.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

from extract.resources import models_dir


@cache
def lexicon() -> dict:
    """The grammar's word lists and settings, read once."""
    return json.loads((models_dir() / "dates" / "lexicon.json").read_text(encoding="utf-8"))


def _alt(words: Iterable[str]) -> str:
    """A regex alternation of the words, longest first so "Sept" is tried before "Sep"."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@dataclass(frozen=True)
class Found:
    """A normalised expression: value (None when it needs a publication date that is missing)."""

    value: str | None
    granularity: str
    relative: bool = False
    mod: str | None = None


@dataclass(frozen=True)
class Anchor:
    """What relative expressions resolve against, and which way the sentence looks."""

    date: dt.date | None
    tense: str = "none"  # past, future or none
    quarter: tuple[int, int] | None = None  # (year, quarter) the article reports on: "the quarter", "a year ago"
    in_quarters: bool = False  # quarters are being talked about here, so "a year ago" is the year-ago quarter
    previous: str | None = None  # the last date value before the expression: what "that year" points back to


Rule = tuple[re.Pattern[str], Callable[[re.Match[str], Anchor], Found | None]]


def _month(word: str) -> int:
    return lexicon()["months"][word.lower().rstrip(".")]


def _mod(match: re.Match[str]) -> str | None:
    word = re.sub(r"\s+", " ", (match.groupdict().get("mod") or "").lower().strip())
    return lexicon()["mods"].get(word.rstrip("-") if word.startswith("mid") else word) if word else None


def _year_of(m: re.Match[str]) -> int:
    """The year group as a number, written in digits or spoken ("nineteen ninety-six", "the year two thousand")."""
    text = m["year"].lower()
    if text.isdigit():
        return int(text)
    words = lexicon()["number_words"]
    parts = [p for p in re.split(r"[\s-]+", text) if p not in {"the", "year", "and"}]
    if parts[:2] == ["two", "thousand"]:
        return 2000 + sum(words[p] for p in parts[2:])
    return 100 * words[parts[0]] + sum(words[p] for p in parts[1:])


def _number(word: str) -> int | None:
    word = word.lower()
    return int(word) if word.isdigit() else lexicon()["numbers"].get(word)


@cache
def steps() -> dict[str, int]:
    """Which way "this", "last", "next", ... move from the anchor: 0, -1 or +1 periods."""
    return lexicon()["steps"]
