"""Calendar arithmetic for anchoring: the weekday, year, quarter or season a year-less or relative
expression means, given the publication date and the tense of its sentence."""

from __future__ import annotations

import datetime as dt

from extract.dates.words import Anchor, lexicon


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
        start = lexicon()["season_starts"][code]
        year = year if a.date.month > start + 2 and code != "WI" else year - 1
    elif step > 0:
        start = lexicon()["season_starts"][code]
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
