"""dateparser, for DATE entities the grammar does not cover: one parser per publication date, English,
UK day-first, `RELATIVE_BASE` the publication date (never the machine's clock)."""

from __future__ import annotations

import datetime as dt
import re
from functools import cache, lru_cache

from extract.dates.words import Found, _alt, lexicon


@lru_cache(maxsize=32)
def _date_parser(base: dt.date):
    """The dateparser for a publication date, configured once per date (its settings are fixed at construction):
    English only, UK day-first, RELATIVE_BASE the publication date, no default read from the machine's clock."""
    import dateparser

    return dateparser.date.DateDataParser(
        languages=["en"],
        settings={
            "RELATIVE_BASE": dt.datetime(base.year, base.month, base.day),
            "DATE_ORDER": "DMY",
            "PREFER_DAY_OF_MONTH": "first",
            "PREFER_MONTH_OF_YEAR": "first",
            "RETURN_TIME_AS_PERIOD": False,
        },
    )


_YEAR_SPAN = re.compile(r"\d{4}\s*[-/–]\s*\d{2,4}\b")  # "2019-20", a financial year, not 20 January
_YEAR = r"\b(?:1[6-9]|20)\d\d\b"


@cache
def _duration_cues() -> re.Pattern[str]:
    """Words that make an expression a duration, a frequency or an age ("every year", "for two years")."""
    return re.compile(rf"\b(?:{_alt(lexicon()['duration_cues'])})\b|\d+\s*-\s*(?:year|month|week|day)", re.I)


@cache
def _anchor_cues() -> re.Pattern[str]:
    """A year or a month word: without one, dateparser would anchor the expression on nothing it says."""
    prefixes = _alt(sorted({month[:3] for month in lexicon()["months"]}))
    return re.compile(rf"{_YEAR}|\b(?:{prefixes})[a-z]*\b", re.I)


@lru_cache(maxsize=4096)
def _dateparser_value(text: str, published: dt.date | None) -> Found | None:
    """A value for an expression the grammar lacks, when dateparser reads it and says how precise it is."""
    if _duration_cues().search(text) or _YEAR_SPAN.search(text) or not _anchor_cues().search(text) or len(text) > 60:
        return None
    years = re.findall(_YEAR, text)
    base = published or (dt.date(int(years[0]), 1, 1) if years else None)
    if base is None:
        return None
    try:
        data = _date_parser(base).get_date_data(text)
    except Exception:  # dateparser raises on odd input; the grammar's answer stands
        return None
    if data is None or data.date_obj is None:
        return None
    day = data.date_obj.date()
    period = data.period or "day"
    if period == "year":
        return Found(f"{day.year:04d}", "year", relative=not years)
    if period == "month":
        return Found(f"{day.year:04d}-{day.month:02d}", "month", relative=not years)
    if period == "day":
        return Found(day.isoformat(), "day", relative=not years)
    return None
