"""The grammar's handlers: a match and its anchor in, a normalised `Found` out (or None when the words
are not a date after all). Each handler knows its expression's precision and TIMEX3 conventions."""

from __future__ import annotations

import datetime as dt
import re

from extract.dates.anchoring import (
    _day_year,
    _holiday_date,
    _nearest_year,
    _period_year,
    _quarter,
    _quarter_value,
    _season,
    _shift_month,
    _week,
    _weekday,
    _ymd,
)
from extract.dates.words import Anchor, Found, _mod, _month, _number, _year_of, lexicon, steps


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
    year = a.date.year + steps()[m["which"].lower()]
    return Found(f"{year:04d}-{_month(m['mon']):02d}", "month", True, _mod(m))


def _season_year(m: re.Match[str], a: Anchor) -> Found:
    return Found(f"{_year_of(m):04d}-{lexicon()['seasons'][m['season'].lower()]}", "season", mod=_mod(m))


def _year(m: re.Match[str], a: Anchor) -> Found:
    return Found(f"{_year_of(m):04d}", "year", mod=_mod(m))


def _relative_year(m: re.Match[str], a: Anchor) -> Found:
    """ "the current (fiscal) year", "last fiscal year", "year-end": TimeML gives a fiscal year its calendar
    year's value."""
    step = steps().get((m.groupdict().get("which") or "this").lower(), 0)
    return Found(f"{a.date.year + step:04d}" if a.date else None, "year", True, _mod(m))


def _some_day(m: re.Match[str], a: Anchor) -> Found:
    """ "sometime next year": a day the text leaves open, in a known year (TIMEX3 `2020-XX-XX`)."""
    if m.groupdict().get("year"):
        return Found(f"{_year_of(m):04d}-XX-XX", "day")
    if a.date is None:
        return Found(None, "day", True)
    return Found(f"{a.date.year + steps()[m['which'].lower()]:04d}-XX-XX", "day", True)


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
    step = steps()[m["which"].lower().split()[-1]]
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
        year = a.date.year + steps()[m["which"].lower()]
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
        return Found(f"{a.date.year + steps()[m['which'].lower()]:04d}-H{h}", "half", True)
    return Found(f"{_period_year(a, 6 * h - 5, 6 * h):04d}-H{h}", "half", True)


def _today(m: re.Match[str], a: Anchor) -> Found:
    word = re.sub(r"\s+", " ", m["word"].lower())
    offset = lexicon()["day_offsets"][word]
    if a.date is None:
        return Found(None, "day", True)
    return Found((a.date + dt.timedelta(days=offset)).isoformat(), "day", True, _mod(m))


def _this_morning(m: re.Match[str], a: Anchor) -> Found:
    """ "this morning", "this evening": the publication day (a part of a day is a TIMEX3 TIME, not a DATE:
    the value stays the day)."""
    return Found(a.date.isoformat() if a.date else None, "day", True)


def _this_last_next(m: re.Match[str], a: Anchor) -> Found | None:
    which, unit = m["which"].lower().split()[-1], m["unit"].lower()
    step = steps()[which]
    mod = _mod(m)
    lex = lexicon()
    if unit in lex["weekdays"] or unit in lex["months"] or unit in lex["seasons"]:
        granularity = "day" if unit in lex["weekdays"] else "month" if unit in lex["months"] else "season"
        if a.date is None:
            return Found(None, granularity, True, mod)
        tense = a.tense if step == 0 else "past" if step < 0 else "future"
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
    step = steps().get(which, 0)
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
    step = steps()[m["which"].lower().split()[-1]]
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
        year = a.date.year + steps().get((m["which"] or "").lower(), 0)
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
    step = lexicon()["anaphora_steps"].get((m["which"] or "that").lower(), 0)  # "the same day"
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


_REF_VALUES = {"present": "PRESENT_REF", "past_ref": "PAST_REF", "future_ref": "FUTURE_REF"}

# handlers whose value depends on the tense of the sentence / on the quarter the article reports on
_TENSE_SENSITIVE = {_day_of_month, _week_of, _weekday_rule, _bare_month, _day_month, _this_last_next, _season_by_tense,
                    _quarter_rule, _the_weekend, _half, _holiday}
_QUARTER_SENSITIVE = {_reported_quarter, _year_ago_quarter, _ago}
