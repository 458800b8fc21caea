"""Calendar dates and periods: find them, normalise them to TimeML TIMEX3 values.

A small grammar (the rules below, built from the word lists and settings in
`models/dates/lexicon.json`) finds the expressions news uses and knows their
precision: "February 2009" is a month, "the end of 2013" a year with mod END,
"last week" an ISO week, "the third quarter" a quarter, "now" PRESENT_REF.
Relative expressions resolve against the publication date, never the machine's
clock. A bare weekday, month or quarter looks back or forward by the tense of the
verb nearest it ("met on Monday" / "will meet on Monday"); a year-less date close
to the publication date takes the nearest year. In an earnings story "the quarter"
and "a year earlier" resolve against the quarter the article reports on. spaCy's
DATE entities that the grammar does not cover go to dateparser, which gives a value
and its precision. Durations ("almost four years"), frequencies ("every year") and
ages are not dates.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

from extract.context import Context
from extract.pipeline import sentence
from extract.prefilter import Prefilter
from extract.records import Date
from extract.resources import models_dir

NO_PUBLISHED_WARNING = "no publication date: relative dates left unresolved"


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


def _ymd(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _shift_month(day: dt.date, months: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 + months
    return index // 12, index % 12 + 1


def _quarter(month: int) -> int:
    return (month - 1) // 3 + 1


def _number(word: str) -> int | None:
    word = word.lower()
    return int(word) if word.isdigit() else lexicon()["numbers"].get(word)


# --- rule handlers -----------------------------------------------------------------------------


def _day_month_year(m: re.Match[str], a: Anchor) -> Found | None:
    value = _ymd(_year_of(m), _month(m["mon"]), int(m["day"]))
    return Found(value, "day", mod=_mod(m)) if value else None


def _numeric(m: re.Match[str], a: Anchor) -> Found | None:
    year = int(m["year"])
    year = year + (2000 if year < 50 else 1900) if year < 100 else year
    value = _ymd(year, int(m["b"]), int(m["a"])) or _ymd(year, int(m["a"]), int(m["b"]))
    return Found(value, "day") if value else None


def _iso(m: re.Match[str], a: Anchor) -> Found | None:
    value = _ymd(int(m["year"]), int(m["mnum"]), int(m["day"]))
    return Found(value, "day") if value else None


def _day_month(m: re.Match[str], a: Anchor) -> Found | None:
    month, day = _month(m["mon"]), int(m["day"])
    if not 1 <= day <= 31:
        return None
    if a.date is None:
        return Found(None, "day", relative=True)
    value = _ymd(_day_year(a, month, day), month, day)
    return Found(value, "day", relative=True) if value else None


def _day_of_month(m: re.Match[str], a: Anchor) -> Found | None:
    """ "on the 12th": that day of the publication month, or of the month before or after as the tense says."""
    day = int(m["day"])
    if not 1 <= day <= 31:
        return None
    if a.date is None:
        return Found(None, "day", True)
    step = -1 if a.tense == "past" and day > a.date.day else 1 if a.tense == "future" and day < a.date.day else 0
    year, month = _shift_month(a.date, step)
    value = _ymd(year, month, day)
    return Found(value, "day", True) if value else None


def _week_of(m: re.Match[str], a: Anchor) -> Found | None:
    """ "the week of March 6": the ISO week holding that day."""
    found = _day_month_year(m, a) if m.groupdict().get("year") else _day_month(m, a)
    if found is None:
        return None
    if found.value is None:
        return Found(None, "week", True)
    return Found(_week(dt.date.fromisoformat(found.value)), "week", found.relative)


def _month_year(m: re.Match[str], a: Anchor) -> Found:
    return Found(f"{_year_of(m):04d}-{_month(m['mon']):02d}", "month", mod=_mod(m))


def _month_of_relative_year(m: re.Match[str], a: Anchor) -> Found:
    """ "June last year", "January this year"."""
    if a.date is None:
        return Found(None, "month", True, _mod(m))
    year = a.date.year + _STEP[m["which"].lower()]
    return Found(f"{year:04d}-{_month(m['mon']):02d}", "month", True, _mod(m))


def _season_year(m: re.Match[str], a: Anchor) -> Found:
    return Found(f"{_year_of(m):04d}-{lexicon()['seasons'][m['season'].lower()]}", "season", mod=_mod(m))


def _year(m: re.Match[str], a: Anchor) -> Found:
    return Found(f"{_year_of(m):04d}", "year", mod=_mod(m))


def _relative_year(m: re.Match[str], a: Anchor) -> Found:
    """ "the current (fiscal) year", "last fiscal year", "year-end": TimeML gives a fiscal year its calendar
    year's value."""
    step = _STEP.get((m.groupdict().get("which") or "this").lower(), 0)
    return Found(f"{a.date.year + step:04d}" if a.date else None, "year", True, _mod(m))


def _some_day(m: re.Match[str], a: Anchor) -> Found:
    """ "sometime next year": a day the text leaves open, in a known year (TIMEX3 `2020-XX-XX`)."""
    if m.groupdict().get("year"):
        return Found(f"{_year_of(m):04d}-XX-XX", "day")
    if a.date is None:
        return Found(None, "day", True)
    return Found(f"{a.date.year + _STEP[m['which'].lower()]:04d}-XX-XX", "day", True)


def _new_year(m: re.Match[str], a: Anchor) -> Found:
    """ "the new year": the coming year from the second half of a year on, else the current one; its start."""
    if a.date is None:
        return Found(None, "year", True, "START")
    return Found(f"{a.date.year + (a.date.month > 6):04d}", "year", True, "START")


def _decade(m: re.Match[str], a: Anchor) -> Found:
    """ "the 1990s" is a decade (`199`); "the 1800s" a century (`18`), as is "the 1900s"."""
    if m.groupdict().get("dec3"):
        if m["dec3"].endswith("0") and not m["dec3"].startswith("20"):
            return Found(m["dec3"][:2], "century", mod=_mod(m))
        return Found(m["dec3"], "decade", mod=_mod(m))
    if m.groupdict().get("dec1"):
        return Found(f"19{m['dec1']}", "decade", mod=_mod(m))
    return Found(f"19{lexicon()['decades'][m['decword'].lower()]}", "decade", mod=_mod(m))


def _century(m: re.Match[str], a: Anchor) -> Found:
    return Found(f"{int(m['cent']) - 1:02d}", "century", mod=_mod(m))


def _relative_decade(m: re.Match[str], a: Anchor) -> Found:
    """ "this decade", "the last decade", "this century": the publication date's decade or century, or a
    neighbour (TIMEX3 `201`, `20`)."""
    step = _STEP[m["which"].lower().split()[-1]]
    if a.date is None:
        return Found(None, m["unit"].lower(), True, _mod(m))
    if m["unit"].lower() == "century":
        return Found(f"{a.date.year // 100 + step:02d}", "century", True, _mod(m))
    return Found(f"{a.date.year // 10 + step:03d}", "decade", True, _mod(m))


def _quarter_rule(m: re.Match[str], a: Anchor) -> Found | None:
    """ "the third quarter (of 2019 | of this year)", "third-quarter", "Q3 2019", "the 1988 second quarter"."""
    groups = m.groupdict()
    q = int(groups["qnum"]) if groups.get("qnum") else lexicon()["ordinals"][m["qord"].lower()]
    if groups.get("year"):
        return Found(f"{_year_of(m):04d}-Q{q}", "quarter", mod=_mod(m))
    if a.date is None:
        return Found(None, "quarter", True, _mod(m))
    if groups.get("which"):
        year = a.date.year + _STEP[m["which"].lower()]
    else:  # results are reported after a quarter ends: "will report third-quarter losses" is the last third quarter
        year = _period_year(Anchor(a.date, "none" if a.tense == "future" else "past"), 3 * q - 2, 3 * q)
    return Found(f"{year:04d}-Q{q}", "quarter", True, _mod(m))


def _reported_quarter(m: re.Match[str], a: Anchor) -> Found:
    """ "the quarter", "the latest period": the quarter the article reports on; "the current quarter" is the
    publication date's."""
    if m.groupdict().get("current"):
        return Found(f"{a.date.year}-Q{_quarter(a.date.month)}" if a.date else None, "quarter", True)
    return Found(_quarter_value(a.quarter) if a.quarter else None, "quarter", True)


def _year_ago_quarter(m: re.Match[str], a: Anchor) -> Found:
    """ "the year-ago quarter", "the 1988 period", "year-earlier": the reported quarter in another year
    ("year-earlier" alone, in an article about no quarter, is the year before)."""
    if m.groupdict().get("bare") and not a.in_quarters:
        return Found(f"{a.date.year - 1:04d}" if a.date else None, "year", True)
    if a.quarter is None:
        return Found(None, "quarter", True)
    year, q = a.quarter
    if m.groupdict().get("qord"):
        q = lexicon()["ordinals"][m["qord"].lower()]
    year = _year_of(m) if m.groupdict().get("year") else year - 1
    return Found(_quarter_value((year, q)), "quarter", not m.groupdict().get("year"))


def _half(m: re.Match[str], a: Anchor) -> Found | None:
    h = int(m["hnum"]) if m.groupdict().get("hnum") else 1 if m["hord"].lower() == "first" else 2
    if m.groupdict().get("year"):
        return Found(f"{_year_of(m):04d}-H{h}", "half")
    if a.date is None:
        return Found(None, "half", True)
    if m.groupdict().get("which"):
        return Found(f"{a.date.year + _STEP[m['which'].lower()]:04d}-H{h}", "half", True)
    return Found(f"{_period_year(a, 6 * h - 5, 6 * h):04d}-H{h}", "half", True)


def _today(m: re.Match[str], a: Anchor) -> Found:
    word = re.sub(r"\s+", " ", m["word"].lower())
    offset = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1, "the day before yesterday": -2,
              "the day after tomorrow": 2}[word]
    if a.date is None:
        return Found(None, "day", True)
    return Found((a.date + dt.timedelta(days=offset)).isoformat(), "day", True, _mod(m))


def _this_morning(m: re.Match[str], a: Anchor) -> Found:
    """ "this morning", "this evening": the publication day (a part of a day is a TIMEX3 TIME, not a DATE:
    the value stays the day)."""
    return Found(a.date.isoformat() if a.date else None, "day", True)


def _this_last_next(m: re.Match[str], a: Anchor) -> Found | None:
    which, unit = m["which"].lower().split()[-1], m["unit"].lower()
    step = _STEP[which]
    mod = _mod(m)
    lex = lexicon()
    if unit in lex["weekdays"] or unit in lex["months"] or unit in lex["seasons"]:
        granularity = "day" if unit in lex["weekdays"] else "month" if unit in lex["months"] else "season"
        if a.date is None:
            return Found(None, granularity, True, mod)
        tense = {"this": a.tense, "last": "past", "past": "past", "next": "future", "coming": "future"}[which]
        anchor = Anchor(a.date, tense)
        if unit in lex["weekdays"]:
            return Found(_weekday(anchor, lex["weekdays"][unit], strict=which != "this").isoformat(), "day", True, mod)
        if unit in lex["months"]:
            year = _nearest_year(anchor, lex["months"][unit], strict=which != "this")
            return Found(f"{year:04d}-{lex['months'][unit]:02d}", "month", True, mod)
        return Found(_season(anchor, lex["seasons"][unit], step), "season", True, mod)
    granularity = "week" if unit == "weekend" else unit
    if a.date is None:
        return Found(None, granularity, True, mod)
    if unit == "year":
        value = f"{a.date.year + step:04d}"
    elif unit == "month":
        year, month = _shift_month(a.date, step)
        value = f"{year:04d}-{month:02d}"
    elif unit in {"week", "weekend"}:
        value = _week(a.date + dt.timedelta(weeks=step)) + ("-WE" if unit == "weekend" else "")
    elif unit == "quarter":
        year, month = _shift_month(a.date, 3 * step)
        value = f"{year:04d}-Q{_quarter(month)}"
    else:
        return None
    return Found(value, granularity, True, mod)


def _the_weekend(m: re.Match[str], a: Anchor) -> Found:
    """ "the weekend": the coming one in a future-tense sentence, else the last one (this one on a weekend)."""
    if a.date is None:
        return Found(None, "week", True)
    day = a.date
    if a.tense == "future" and day.weekday() < 5:
        day += dt.timedelta(days=5 - day.weekday())
    elif day.weekday() < 5:
        day -= dt.timedelta(days=day.weekday() + 1)
    return Found(_week(day) + "-WE", "week", True)


def _ago(m: re.Match[str], a: Anchor) -> Found | None:
    n, unit = _number(m["num"]), m["unit"].lower()
    if n is None:
        return None
    sign = 1 if m["dir"].lower() in {"later", "from now", "hence"} else -1
    mod = _mod(m)  # "almost four years ago": APPROX; "more than a year ago": BEFORE
    if a.date is None:
        return Found(None, "year" if unit == "decade" else unit, True, mod)
    if unit == "year" and n == 1 and sign < 0 and a.in_quarters and a.quarter:
        return Found(_quarter_value((a.quarter[0] - 1, a.quarter[1])), "quarter", True, mod)
    if unit == "day":
        return Found((a.date + dt.timedelta(days=sign * n)).isoformat(), "day", True, mod)
    if unit == "week":
        return Found(_week(a.date + dt.timedelta(weeks=sign * n)), "week", True, mod)
    if unit == "month":
        year, month = _shift_month(a.date, sign * n)
        return Found(f"{year:04d}-{month:02d}", "month", True, mod)
    return Found(f"{a.date.year + sign * n * (10 if unit == 'decade' else 1):04d}", "year", True, mod)


def _this_time(m: re.Match[str], a: Anchor) -> Found:
    step = 1 if m["which"].lower() == "next" else -1
    return Found(f"{a.date.year + step:04d}" if a.date else None, "year", True)


def _end_of_period(m: re.Match[str], a: Anchor) -> Found | None:
    unit, which = m["unit"].lower(), (m["which"] or "this").lower()
    step = _STEP.get(which, 0)
    mod = _mod(m)
    if a.date is None:
        return Found(None, unit, True, mod)
    if unit == "year":
        return Found(f"{a.date.year + step:04d}", "year", True, mod)
    if unit == "month":
        year, month = _shift_month(a.date, step)
        return Found(f"{year:04d}-{month:02d}", "month", True, mod)
    return Found(_week(a.date + dt.timedelta(weeks=step)), "week", True, mod)


def _weekday_rule(m: re.Match[str], a: Anchor) -> Found:
    """ "Friday", "Wednesday night", "early Tuesday": the nearest such day the sentence's tense points to.
    The part of the day stays in the text but not in the value, which is a DATE's (day precision)."""
    if a.date is None:
        return Found(None, "day", True, _mod(m))
    day = _weekday(a, lexicon()["weekdays"][m["wd"].lower()])
    return Found(day.isoformat(), "day", True, _mod(m))


def _bare_month(m: re.Match[str], a: Anchor) -> Found:
    month = _month(m["mon"])
    if a.date is None:
        return Found(None, "month", True, _mod(m))
    return Found(f"{_day_year(a, month, 15):04d}-{month:02d}", "month", True, _mod(m))


def _season_rel(m: re.Match[str], a: Anchor) -> Found:
    code = lexicon()["seasons"][m["season"].lower()]
    step = _STEP[m["which"].lower().split()[-1]]
    if a.date is None:
        return Found(None, "season", True, _mod(m))
    return Found(_season(a, code, step), "season", True, _mod(m))


def _season_by_tense(m: re.Match[str], a: Anchor) -> Found:
    """ "in the spring": the coming one in a future-tense sentence, the last one in the past, else this one."""
    code = lexicon()["seasons"][m["season"].lower()]
    if a.date is None:
        return Found(None, "season", True, _mod(m))
    step = {"future": 1, "past": -1}.get(a.tense, 0)
    return Found(_season(a, code, step), "season", True, _mod(m))


def _holiday(m: re.Match[str], a: Anchor) -> Found | None:
    """A named day ("Christmas Day", "Thanksgiving") in the year the sentence's tense points to."""
    entry = lexicon()["holidays"][re.sub(r"\s+", " ", m["holiday"].lower())]
    if m.groupdict().get("year"):
        year = _year_of(m)
    elif a.date is None:
        return Found(None, "day", True)
    else:
        year = a.date.year + _STEP.get((m["which"] or "").lower(), 0)
        if not m["which"]:
            date = _holiday_date(entry, year)
            if a.tense == "past" and date > a.date:
                year -= 1
            elif a.tense == "future" and date < a.date:
                year += 1
    return Found(_holiday_date(entry, year).isoformat(), "day", not m.groupdict().get("year"))


def _anaphoric(m: re.Match[str], a: Anchor) -> Found | None:
    """ "that year", "the following month", "the next day", "earlier that day": counted from the date the text
    gave last (the publication date when there is none), at the unit's precision."""
    unit = m["unit"].lower()
    step = {"following": 1, "next": 1, "previous": -1}.get((m["which"] or "that").lower(), 0)  # "the same day"
    # is left out: it is usually the same day as an event ("seen on the same day"), not as a date
    parts = re.match(r"(\d{4})(?:-(\d\d)(?:-(\d\d))?$)?", a.previous or "")  # "1998-Q3" gives its year
    base = a.date
    if parts and (unit == "year" or (parts[2] and unit == "month") or (parts[3] and unit in {"day", "week"})):
        base = dt.date(int(parts[1]), int(parts[2] or 1), int(parts[3] or 1))
    if base is None:
        return Found(None, unit, True)
    if unit == "year":
        return Found(f"{base.year + step:04d}", "year", True)
    if unit == "month":
        year, month = _shift_month(base, step)
        return Found(f"{year:04d}-{month:02d}", "month", True)
    if unit == "week":
        return Found(_week(base + dt.timedelta(weeks=step)), "week", True)
    return Found((base + dt.timedelta(days=step)).isoformat(), "day", True)


def _ref(m: re.Match[str], a: Anchor) -> Found:
    """ "now", "currently" (PRESENT_REF); "recently", "in the past" (PAST_REF); "the future" (FUTURE_REF)."""
    return Found(next(v for k, v in _REF_VALUES.items() if m.groupdict().get(k)), "present", True)


# --- anchoring -----------------------------------------------------------------------------------

_STEP = {"this": 0, "the": 0, "current": 0, "last": -1, "past": -1, "previous": -1, "next": 1, "coming": 1}
_REF_VALUES = {"present": "PRESENT_REF", "past_ref": "PAST_REF", "future_ref": "FUTURE_REF"}


def _quarter_value(quarter: tuple[int, int]) -> str:
    return f"{quarter[0]:04d}-Q{quarter[1]}"


def _weekday(a: Anchor, weekday: int, strict: bool = False) -> dt.date:
    """The weekday nearest the anchor in the sentence's direction; the anchor's own weekday is the anchor day."""
    delta = weekday - a.date.weekday()
    if delta == 0 and not strict:
        return a.date
    if a.tense == "future":
        return a.date + dt.timedelta(days=delta % 7 or 7)
    return a.date - dt.timedelta(days=(-delta) % 7 or 7)


def _nearest_year(a: Anchor, month: int, strict: bool = False) -> int:
    """Year of a year-less month: looking back in the past tense, forward in the future, else the nearest."""
    year = a.date.year
    if a.tense == "past":
        return year - 1 if month > a.date.month or (strict and month == a.date.month) else year
    if a.tense == "future":
        return year + 1 if month < a.date.month or (strict and month == a.date.month) else year
    if month - a.date.month > 6:
        return year - 1
    if a.date.month - month > 6:
        return year + 1
    return year


def _day_year(a: Anchor, month: int, day: int) -> int:
    """Year of a year-less day ("Dec. 15"; a bare month counts from its 15th): the nearest one when it is
    within `near_days` of the publication date whatever the tense ("payable Dec. 15" in late October, "in
    April" in March); else the tense decides."""
    candidates = [y for y in (a.date.year - 1, a.date.year, a.date.year + 1) if _ymd(y, month, day)]
    if not candidates:  # "Feb. 30": no such day; the caller finds no value
        return a.date.year
    nearest = min(candidates, key=lambda y: abs((dt.date(y, month, day) - a.date).days))
    if abs((dt.date(nearest, month, day) - a.date).days) <= lexicon()["near_days"]:
        return nearest
    return _period_year(a, month, month)


def _period_year(a: Anchor, first: int, last: int) -> int:
    """Year of a year-less period of months first..last (a month, a quarter, a half): in the past tense the
    latest one that has begun, in the future the next one not yet over, else the nearest."""
    year, month = a.date.year, a.date.month
    if a.tense == "past":
        return year - 1 if first > month else year
    if a.tense == "future":
        return year + 1 if last < month else year
    middle = (first + last) / 2
    if middle - month > 6:
        return year - 1
    if month - middle > 6:
        return year + 1
    return year


def _season(a: Anchor, code: str, step: int) -> str:
    year = a.date.year
    if code == "WI" and a.date.month <= 2:
        year -= 1
    if step < 0:
        start = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}[code]
        year = year if a.date.month > start + 2 and code != "WI" else year - 1
    elif step > 0:
        start = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}[code]
        year = year if a.date.month < start else year + 1
    return f"{year:04d}-{code}"


def _holiday_date(entry: list[int], year: int) -> dt.date:
    """[month, day] is a fixed date; [month, weekday, n] the n-th such weekday of the month (-1: the last)."""
    if len(entry) == 2:
        return dt.date(year, entry[0], entry[1])
    month, weekday, n = entry
    if n < 0:  # the last such weekday: count back from the first of the next month
        year, month = _shift_month(dt.date(year, month, 1), 1)
        first = dt.date(year, month, 1)
        return first - dt.timedelta(days=(first.weekday() - weekday) % 7 or 7)
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def _default_quarter(published: dt.date | None) -> tuple[int, int] | None:
    """The quarter a news article reports on when it names none: the last one completed before publication."""
    if published is None:
        return None
    year, month = _shift_month(published, -3)
    return year, _quarter(month)


# --- the grammar -------------------------------------------------------------------------------


@cache
def rules() -> tuple[Rule, ...]:
    """The grammar as (compiled pattern, handler) pairs, built once from the lexicon. Overlaps are settled by
    `find_expressions` (leftmost, then longest), so a rule may match inside a longer one's text."""
    lex = lexicon()
    mon = rf"(?P<mon>{_alt(lex['months'])})\.?"
    full = _alt(w.capitalize() for w in lex["months"] if len(w) > 4 or w in {"may", "june", "july"})
    abbr = _alt(w.capitalize() for w in lex["months"] if len(w) <= 4 and w not in {"may", "june", "july"})
    cap_mon = rf"(?P<mon>(?:{full})\b|(?:{abbr})(?:\.|\b(?=\s*\d)))"
    wd = _alt(lex["weekdays"])
    cap_wd = _alt(w.capitalize() for w in lex["weekdays"])
    wd_prefix = rf"(?:(?:{wd})\.?,?\s+)?"
    cap_wd_prefix = rf"(?:(?:{cap_wd}),?\s+)?"
    season = rf"(?P<season>{_alt(lex['seasons'])})"
    mod = (r"(?:(?P<mod>early|late|mid|the\s+(?:start|beginning|end|middle|close|turn)\s+of|about|around)"
           r"(?:\s*-\s*|\s+))?")
    day_mod = r"(?:(?P<mod>(?i:early|late|earlier|later))\s+)?"
    part = rf"(?:\s+(?P<part>{_alt(lex['parts_of_day'])}))?"
    spoken = lex["number_words"]
    units = _alt(w for w, n in spoken.items() if n < 10)
    tens = _alt(w for w, n in spoken.items() if n >= 20)
    teens = _alt(w for w, n in spoken.items() if 10 <= n < 20)
    year = (rf"(?P<year>(?:1[6-9]|20)\d\d|nineteen[\s-]+(?:(?:{tens})(?:[\s-]+(?:{units}))?|{teens})"
            rf"|the\s+year\s+two\s+thousand(?:\s+and\s+(?:{units}))?)")
    num = rf"(?P<num>\d{{1,3}}|{_alt(k for k in lex['numbers'] if lex['numbers'][k])})"
    ordinal = rf"(?P<qord>{_alt(lex['ordinals'])})"
    which = r"(?P<which>this|last|next)"
    fiscal = r"(?:fiscal[\s-]+)?"
    quarter = rf"{ordinal}[\s-]+{fiscal}quarter"
    year_ago = r"(?:(?:same|corresponding|comparable)\s+)?(?:year-ago|year-earlier|prior-year)"
    year_back = r"(?:a\s+year\s+(?:ago|earlier)|last\s+year)"
    no_digit_after = r"(?![\d,.]?\d)(?!\s*(?:%|per\s*cent|percent))"
    count = rf"\d{{1,3}}|{_alt(lex['numbers'])}|almost|nearly|about|over|more\s+than|some"
    duration_after = rf"(?!\s+(?:{count})\s+(?:\w+\s+)?(?:year|month|week|day)s?\b)"  # "now two years since"
    refs = {key: _alt(lex[key]) for key in ("present", "past_ref", "future_ref")}
    day_before, day_after = r"the\s+day\s+before\s+yesterday", r"the\s+day\s+after\s+tomorrow"
    not_after = "".join(f"(?<!{re.escape(w)} )" for w in lex["weekday_not_after"])  # "the Mail on Sunday"
    spec: list[tuple[str, Callable, int]] = [
        # full dates
        (rf"\b{mod}{wd_prefix}(?:the\s+)?(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?[\s./-]{{0,3}}{mon}"
         rf"[\s,./-]{{0,3}}{year}\b", _day_month_year, re.I),
        (rf"\b{mod}{wd_prefix}{mon}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+{year}\b", _day_month_year, re.I),
        (r"\b(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<year>\d{4}|\d\d)\b", _numeric, 0),
        (r"(?<![\d.])(?P<a>\d{1,2})(?P<sep>[.-])(?P<b>\d{1,2})(?P=sep)(?P<year>(?:19|20)\d\d)\b(?![.-]\d)",
         _numeric, 0),
        (r"\b(?P<year>\d{4})-(?P<mnum>\d\d)-(?P<day>\d\d)\b", _iso, 0),
        (rf"\b{mod}{cap_wd_prefix}(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?\s+{cap_mon}(?!\s*,?\s*\d)",
         _day_month, 0),
        (rf"\b{mod}{cap_wd_prefix}{cap_mon}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?!\s*,?\s*\d)(?!\s*(?:%|per))",
         _day_month, 0),
        (r"\b(?:on|by|until|from|since)\s+(?P<t>the\s+(?P<day>\d{1,2})(?:st|nd|rd|th))\b(?!\s*(?:of\b|[\w-]))",
         _day_of_month, re.I),
        (rf"\bthe\s+week\s+(?:of|beginning|starting|ending)\s+{cap_mon}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?"
         rf"(?:,?\s+{year})?\b", _week_of, 0),
        (rf"\bthe\s+week\s+(?:of|beginning|starting|ending)\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+{cap_mon}"
         rf"(?:,?\s+{year})?\b", _week_of, 0),
        # months, seasons, years
        (rf"\b{mod}{mon},?\s+(?:of\s+)?{year}\b{no_digit_after}", _month_year, re.I),
        (rf"\b{mod}{cap_mon}\s+(?i:{which}\s+year)\b", _month_of_relative_year, 0),
        (rf"\b(?:the\s+)?{mod}{season}\s+(?:of\s+)?{year}\b", _season_year, re.I),
        (rf"\b(?:fiscal|financial)\s+(?:year\s+)?{year}\b", _year, re.I),
        (rf"(?<![\w£$€#.,-]){mod}{year}\b{no_digit_after}(?!\s*(?:-|–)\s*\d)", _year, re.I),
        (r"\b(?:the\s+)?(?P<which>current|this|last|next|previous)\s+(?:fiscal|financial)\s+year\b",
         _relative_year, re.I),
        (r"\bthe\s+(?:(?P<which>current)|full)\s+year\b(?!-)", _relative_year, re.I),
        (r"\b(?P<mod>year(?:-|\s+|'s\s+)end)\b", _relative_year, re.I),
        (rf"\b(?:some\s*time|at\s+some\s+point)\s+(?:in\s+|during\s+)?(?:{which}\s+year|{year})\b", _some_day, re.I),
        (r"\b(?:in\s+)?(?P<t>the\s+new\s+year)\b", _new_year, re.I),
        # quarters and halves
        (rf"\b(?:the\s+)?{fiscal}{ordinal}\s+{fiscal}quarter(?:\s+of\s+(?:(?:fiscal\s+)?{year}|{which}\s+year))?\b",
         _quarter_rule, re.I),
        (rf"\b{fiscal}{ordinal}-quarter\b", _quarter_rule, re.I),  # "the third-quarter loss": "the" is the noun's
        (rf"\b(?:the\s+)?{year}(?:'s)?\s+{fiscal}{quarter}\b", _quarter_rule, re.I),
        (rf"\b{which}\s+year's\s+{fiscal}{quarter}\b", _quarter_rule, re.I),
        (rf"\bQ(?P<qnum>[1-4])(?:\s+{year})?\b", _quarter_rule, 0),
        (rf"\bH(?P<hnum>[12])\s+{year}\b", _half, 0),
        (r"\bthe\s+(?:(?P<current>current)\s+|latest\s+|most\s+recent\s+|just-ended\s+)?(?:fiscal\s+)?quarter\b"
         r"(?!-)(?!\s+(?:of|point|mile|final)s?\b)", _reported_quarter, re.I),
        (r"\bthe\s+latest\s+period\b", _reported_quarter, re.I),
        (rf"\b(?:the\s+)?{year_ago}\s+(?:{ordinal}\s+)?(?:fiscal\s+)?(?:quarter|period)\b", _year_ago_quarter, re.I),
        (rf"\bthe\s+(?:(?:same|corresponding|comparable)\s+)?(?:quarter|period)\s+{year_back}\b", _year_ago_quarter,
         re.I),
        (rf"\bthe\s+{year}\s+(?:quarter|period)\b", _year_ago_quarter, re.I),
        (r"\b(?P<bare>year-ago|year-earlier)\b", _year_ago_quarter, re.I),
        (rf"\blast\s+year's\s+(?:{ordinal}\s+)?(?:fiscal\s+)?(?:quarter|period)\b", _year_ago_quarter, re.I),
        (rf"\b(?:the\s+)?(?P<hord>first|second|last)\s+half\s+of\s+(?:{year}|{which}\s+year|the\s+year)\b", _half,
         re.I),
        # decades and centuries
        (rf"\b(?:the\s+)?{mod}(?:the\s+)?(?:(?P<dec3>1[6-9]\d|20\d)0s|'(?P<dec1>\d)0s)\b", _decade, re.I),
        (rf"\bthe\s+{mod}(?P<decword>{_alt(lex['decades'])})\b", _decade, re.I),  # not "in his seventies"
        (rf"\b(?:the\s+)?{mod}(?:the\s+)?(?P<cent>1\d|20|21|\d)(?:st|nd|rd|th)[\s-]+century\b", _century, re.I),
        (r"\b(?:the\s+)?(?P<which>this|last|next|the\s+last)\s+(?P<unit>decade|century)\b",
         _relative_decade, re.I),
        # days relative to the publication date
        (rf"\b{day_mod}(?P<word>(?i:today|yesterday|tomorrow|tonight|{day_before}|{day_after})){part}\b", _today, 0),
        (rf"\bthis\s+(?P<part>{_alt(lex['parts_of_day'])})\b", _this_morning, re.I),
        (rf"\b{mod}(?P<which>(?:earlier|later)\s+this|this\s+past|this|last|next|coming)\s+"
         rf"(?P<unit>week|weekend|month|year|quarter|{wd}|(?-i:{full}))\b", _this_last_next, re.I),
        (r"\b(?:the|this)\s+weekend\b", _the_weekend, re.I),
        (rf"\b(?P<which>last|next|this|this\s+past)\s+{season}\b", _season_rel, re.I),
        (rf"\b(?:in|since|until|till|by|before|after|during|over|through|into|from|of)\s+"
         rf"(?P<t>{mod}the\s+{season})\b(?!\s+(?:of\s+)?\d)(?!\s+(?-i:[A-Z]))", _season_by_tense, re.I),
        (rf"\b(?:in|since|until|till|by|before|after|during|over|through|into|from|of)\s+"
         rf"(?P<t>the\s+{mod}{season})\b(?!\s+(?:of\s+)?\d)(?!\s+(?-i:[A-Z]))", _season_by_tense, re.I),
        (rf"\b(?:(?P<mod>{_alt(lex['approximators'])})\s+)?{num}\s+(?P<unit>day|week|month|year|decade)s?\s+"
         r"(?P<dir>ago|earlier|later|before|from now|hence)\b", _ago, re.I),
        (r"\bthis\s+time\s+(?P<which>next|last)\s+year\b", _this_time, re.I),
        (r"\b(?P<mod>the\s+(?:start|beginning|end|middle|close)\s+of)\s+(?P<which>the|this|last|next)\s+"
         r"(?P<unit>year|month|week)\b", _end_of_period, re.I),
        (rf"\b{day_mod}{not_after}(?P<wd>{cap_wd}){part}\b(?!\s+(?:{_alt(lex['weekday_not_before'])})\b)",
         _weekday_rule, 0),
        (rf"\b(?i:in|since|from|until|till|by|before|after|during|between|to|and|of|for|through|into)\s+"
         rf"(?P<t>(?i:{mod}){cap_mon})(?!\s*,?\s*\d)", _bare_month, 0),  # "May", not "may"
        (rf"\b(?P<mod>(?i:early|late|mid|the\s+(?:start|beginning|end|middle)\s+of))(?:\s*-\s*|\s+){cap_mon}"
         r"(?!\s*,?\s*\d)", _bare_month, 0),
        (rf"\b(?:(?P<which>last|this|next)\s+)?(?P<holiday>{_alt(lex['holidays'])})(?:\s+{year})?\b", _holiday, re.I),
        (r"\b(?:(?:earlier|later)\s+)?(?:that|the\s+(?P<which>following|next|previous))\s+"
         r"(?P<unit>year|month|week|day)\b(?!\s+(?:of|before|after|or)\b)", _anaphoric, re.I),
        # PRESENT_REF, PAST_REF, FUTURE_REF
        (rf"\b(?P<present>{refs['present']})\b(?!-){duration_after}", _ref, re.I),
        (rf"\b(?P<past_ref>{refs['past_ref']})\b", _ref, re.I),
        (rf"\b(?:in|into|for|of|over)\s+(?P<t>(?P<future_ref>{refs['future_ref']}))\b", _ref, re.I),
        (r"\b(?:in|over|during|for)\s+(?P<t>(?P<future_ref>(?:the\s+)?(?:coming|next\s+few)\s+"
         r"(?:years|months|weeks|days|quarters)))\b",
         _ref, re.I),
        (r"\b(?:in|over|during)\s+(?P<t>(?P<past_ref>the\s+past|recent\s+(?:years|months|weeks|days|times)))\b"
         r"(?!\s+(?:\d|few|several|two|three|four|five|six|seven|eight|nine|ten|year|month|week|decade|century))",
         _ref, re.I),
    ]
    return tuple((re.compile(pattern, flags), handler) for pattern, handler, flags in spec)


def _has_sentences(doc) -> bool:
    """`Doc.has_annotation` scans every token; ask once per doc."""
    known = doc.user_data.get("extract_has_sents")
    if known is None:
        known = doc.user_data["extract_has_sents"] = doc.has_annotation("SENT_START")
    return known


def _verb_tense(doc, k: int, lower: int) -> str | None:
    """Tense of the verb at token k from its auxiliaries: 'will meet', '(is) to be met' and 'is meeting' look
    forward, 'met' and 'has met' look back; None for a bare participle, which says nothing."""
    lex = lexicon()
    chain, j = [], k - 1
    while j >= lower and doc[j].tag_ in _AUX_TAGS:
        chain.append(doc[j])
        j -= 1
    words = {t.lower_ for t in chain}
    tag = doc[k].tag_
    if doc[k].lower_ in lex["future_verbs"]:
        return "future"
    if tag == "MD":
        return "future" if doc[k].lower_ in lex["future_aux"] else None
    if words & set(lex["future_aux"]) or any(t.tag_ == "TO" for t in chain):
        return "future"
    if tag in {"VBD", "VBN"} or any(t.tag_ == "VBD" for t in chain):
        return "past"
    if tag == "VBG":
        return "future" if any(t.tag_ in {"VBZ", "VBP"} for t in chain) else None
    if tag in {"VBZ", "VBP"} and doc[k].lemma_.lower() not in lex["reporting_verbs"]:
        return "future"
    return "none"


def _tense(ctx: Context, start: int, end: int) -> str:
    """Which way the expression looks, from the tense of the nearest verb in its sentence: 'future', 'past'
    or 'none'. The nearest verb, not any verb in the sentence: "said Friday that it will..." looks back; a
    verb before the expression governs it more often than one after ("fell on Friday to close at")."""
    span = ctx.doc.char_span(start, end, alignment_mode="expand")
    if span is None or not _has_sentences(ctx.doc):
        return "none"
    doc = ctx.doc
    sent = sentence(doc, span.start)
    lex = lexicon()
    before = ctx.text[max(0, start - 20):start].lower()
    if any(before.endswith(cue + " ") for cue in lex["future_before"]):
        return "future"
    window = lex["tense_window"]
    lower = max(sent.start, span.start - window)
    for k in range(span.start - 1, lower - 1, -1):  # a clause break ("..., but in March") ends the left side
        if doc[k].tag_ == "CC" or doc[k].text in lex["clause_breaks"]:
            lower = k + 1
            break
    left = range(span.start - 1, lower - 1, -1)
    right = range(span.end, min(sent.end, span.end + window))
    for k, floor in [(k, lower) for k in left] + [(k, span.end) for k in right]:
        if doc[k].tag_ in _VERB_TAGS:
            tense = _verb_tense(doc, k, floor)
            if tense is not None:
                return tense
    return "none"


_VERB_TAGS = frozenset({"MD", "VB", "VBD", "VBG", "VBN", "VBP", "VBZ"})
_AUX_TAGS = _VERB_TAGS | {"RB", "TO"}


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


_DURATION_CUES = re.compile(
    r"\b(?:every|each|per|for|almost|nearly|over|more than|less than|up to|within|recent|past|previous|coming|"
    r"years?-old|old|long|since)\b|\d+\s*-\s*(?:year|month|week|day)",
    re.I,
)
_YEAR_SPAN = re.compile(r"\d{4}\s*[-/–]\s*\d{2,4}\b")  # "2019-20", a financial year, not 20 January
_ANCHOR_CUES = re.compile(r"\b(?:1[6-9]|20)\d\d\b|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b", re.I)


@lru_cache(maxsize=4096)
def _dateparser_value(text: str, published: dt.date | None) -> Found | None:
    """A value for an expression the grammar lacks, when dateparser reads it and says how precise it is."""
    if _DURATION_CUES.search(text) or _YEAR_SPAN.search(text) or not _ANCHOR_CUES.search(text) or len(text) > 60:
        return None
    years = re.findall(r"\b(?:1[6-9]|20)\d\d\b", text)
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


@cache
def _prefilter() -> Prefilter:
    return Prefilter([regex for regex, _ in rules()])


def find_expressions(body: str) -> list[tuple[int, int, re.Match[str], Callable]]:
    """Every grammar match, leftmost-longest, without overlaps."""
    candidates = []
    for (regex, handler), possible in zip(rules(), _prefilter().possible(body), strict=True):
        if not possible:  # the text lacks a word every match of this rule has
            continue
        for match in regex.finditer(body):
            start, end = match.span("t") if "t" in regex.groupindex else match.span()
            if end > start:
                candidates.append((start, end, match, handler))
    candidates.sort(key=lambda c: (c[0], -(c[1] - c[0])))
    chosen, last_end = [], -1
    for cand in candidates:
        if cand[0] >= last_end:
            chosen.append(cand)
            last_end = cand[1]
    return chosen


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
_TENSE_SENSITIVE = {_day_of_month, _week_of, _weekday_rule, _bare_month, _day_month, _this_last_next, _season_by_tense,
                    _quarter_rule, _the_weekend, _half, _holiday}
_QUARTER_SENSITIVE = {_reported_quarter, _year_ago_quarter, _ago}
