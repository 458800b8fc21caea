"""The dates stage: every date and period in an article body, resolved against the publication date."""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Callable

from extract.context import Context
from extract.dates.anchoring import _default_quarter
from extract.dates.fallback import _dateparser_value
from extract.dates.grammar import find_expressions, rules
from extract.dates.resolve import (
    _QUARTER_SENSITIVE,
    _TENSE_SENSITIVE,
    _anaphoric,
    _numeric,
    _quarter_rule,
)
from extract.dates.tense import _tense
from extract.dates.words import Anchor, Found, lexicon
from extract.records import Date

NO_PUBLISHED_WARNING = "no publication date: relative dates left unresolved"


_FINER = {"year": {"day", "week", "month", "quarter", "season", "half"}, "month": {"day", "week"}}


def _within_precision(dates: list[Date], published: str | None) -> list[Date]:
    """A publication date known to the month ("2005-02") cannot say which day "on Monday" was: relative
    values finer than it are left unresolved rather than made up."""
    match = re.match(r"\s*\d{4}(-\d\d)?(-\d\d)?", published or "")
    if not match or match.group(2):
        return dates
    finer = _FINER["month" if match.group(1) else "year"]
    return [d.model_copy(update={"value": None}) if d.relative and d.value and d.granularity in finer else d
            for d in dates]


def parse_published(published: str | None) -> dt.date | None:
    """The publication date as a date: a month or a year counts from its first day, a time of day is dropped."""
    match = re.match(r"\s*(\d{4})(?:-(\d\d)(?:-(\d\d))?)?(?![\d-])", published or "")
    if not match:
        return None
    try:
        return dt.date(int(match[1]), int(match[2] or 1), int(match[3] or 1))
    except ValueError:
        return None


def normalise(text: str, published: str | None = None) -> tuple[str, str] | None:
    """An expression alone as (value, granularity), or None: the grammar first, then dateparser."""
    anchor = Anchor(parse_published(published))
    for regex, handler in rules():
        match = regex.fullmatch(text.strip())
        if match:
            found = handler(match, anchor)
            if found and found.value:
                return found.value, found.granularity
    found = _dateparser_value(text, anchor.date)
    return (found.value, found.granularity) if found and found.value else None


def _quarters(found: list[tuple[int, Found, Callable]]) -> list[tuple[int, tuple[int, int]]]:
    """(position, (year, quarter)) of every quarter the article names outright ("the third quarter")."""
    out = []
    for start, item, handler in found:
        if handler is _quarter_rule and item.value:
            year, q = item.value.split("-Q")
            out.append((start, (int(year), int(q))))
    return out


def extract_dates(ctx: Context) -> list[Date]:
    """Every date and period in the article body, with values resolved against the publication date.

    Two passes: the second resolves what depends on the article's reported quarter ("the quarter",
    "the year-ago period", "a year earlier" in an earnings story): the first quarter the article names (its
    lead; later ones are often forecasts), else the last quarter completed before publication."""
    body = ctx.article.body
    published = parse_published(ctx.published)
    expressions = find_expressions(body)
    tenses = [_tense(ctx, s, e) if h in _TENSE_SENSITIVE else "none" for s, e, _, h in expressions]
    first = [(s, h(m, Anchor(published, t)), h) for (s, _, m, h), t in zip(expressions, tenses, strict=True)
             if h not in _QUARTER_SENSITIVE and h is not _anaphoric]
    named = _quarters([f for f in first if f[1] is not None])
    starts = [p for p, _ in named]
    talk = [m.start() for m in _QUARTER_WORD.finditer(body)] if named else []  # "in the latest quarter" ...
    resolved = {s: f for s, f, _ in first}
    for (start, _, match, handler), tense in zip(expressions, tenses, strict=True):
        if handler in _QUARTER_SENSITIVE:
            i = bisect.bisect_right(starts, start)
            quarter = named[0][1] if named else _default_quarter(published)
            j = bisect.bisect_right(talk, start)
            near = bool(i) and bool(j) and start - talk[j - 1] <= lexicon()["quarter_reach"]
            resolved[start] = handler(match, Anchor(published, tense, quarter, near))
    out: list[Date] = []
    unresolved = False
    previous = None
    for start, end, match, handler in expressions:
        found = handler(match, Anchor(published, previous=previous)) if handler is _anaphoric else resolved[start]
        if found is None:
            continue
        if found.value and found.value[:4].isdigit():
            previous = found.value
        if found.value is None:
            unresolved = True
        if handler is _numeric and int(match["a"]) <= 12 and int(match["b"]) <= 12 and match["a"] != match["b"]:
            ctx.warnings.append(f"ambiguous numeric date {match.group()!r} read day-first")
        out.append(Date(text=ctx.text[start:end], span=(start, end), value=found.value,
                        granularity=found.granularity, relative=found.relative, mod=found.mod))
    spans = [d.span for d in out]  # sorted, disjoint
    for ent in ctx.doc.ents:
        if ent.label_ != "DATE":
            continue
        i = bisect.bisect_left(spans, (ent.end_char,))
        if i and spans[i - 1][1] > ent.start_char:
            continue
        found = _dateparser_value(ent.text, published)
        if found and found.value:
            out.append(Date(text=ent.text, span=(ent.start_char, ent.end_char), value=found.value,
                            granularity=found.granularity, relative=found.relative))
    out.sort(key=lambda d: d.span)
    out = _within_precision(out, ctx.published)
    if unresolved and published is None and NO_PUBLISHED_WARNING not in ctx.warnings:
        ctx.warnings.append(NO_PUBLISHED_WARNING)
    return out


_QUARTER_WORD = re.compile(r"quarter", re.I)
