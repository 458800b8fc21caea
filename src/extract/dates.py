"""Calendar dates and periods: find them, normalise them to TIMEX3 values.

A small grammar (the rules below, built from the word lists in
`models/dates/lexicon.json`) finds the expressions news uses and knows their
precision: "February 2009" is a month, "the end of 2013" a year with mod END,
"last week" an ISO week. Relative expressions resolve against the publication
date, never the machine's clock, and a bare weekday or month looks back or
forward by the tense of its sentence. spaCy's DATE entities that the grammar
does not cover go to dateparser, which gives a value and its precision.
Durations ("almost four years"), frequencies ("every year") and ages are not dates.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache

from extract.context import Context
from extract.pipeline import sentence
from extract.records import Date
from extract.resources import models_dir

NO_PUBLISHED_WARNING = "no publication date: relative dates left unresolved"


@cache
def lexicon() -> dict:
    return json.loads((models_dir() / "dates" / "lexicon.json").read_text(encoding="utf-8"))


def _alt(words) -> str:
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


Rule = tuple[re.Pattern[str], Callable[[re.Match[str], Anchor], Found | None]]


def _month(word: str) -> int:
    return lexicon()["months"][word.lower().rstrip(".")]


def _mod(match: re.Match[str]) -> str | None:
    word = (match.groupdict().get("mod") or "").lower().strip()
    return lexicon()["mods"].get(word.rstrip("-") if word.startswith("mid") else word) if word else None


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
    value = _ymd(int(m["year"]), _month(m["mon"]), int(m["day"]))
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
    year = _nearest_year(a, month)
    value = _ymd(year, month, day)
    return Found(value, "day", relative=True) if value else None


def _month_year(m: re.Match[str], a: Anchor) -> Found:
    return Found(f"{int(m['year']):04d}-{_month(m['mon']):02d}", "month", mod=_mod(m))


def _season_year(m: re.Match[str], a: Anchor) -> Found:
    return Found(f"{int(m['year']):04d}-{lexicon()['seasons'][m['season'].lower()]}", "season", mod=_mod(m))


def _year(m: re.Match[str], a: Anchor) -> Found:
    return Found(m["year"], "year", mod=_mod(m))


def _fiscal(m: re.Match[str], a: Anchor) -> Found:
    return Found(f"FY{m['year']}", "year")


def _decade(m: re.Match[str], a: Anchor) -> Found:
    if m.groupdict().get("dec3"):
        return Found(m["dec3"], "decade", mod=_mod(m))
    if m.groupdict().get("dec1"):
        return Found(f"19{m['dec1']}", "decade", mod=_mod(m))
    return Found(f"19{lexicon()['decades'][m['decword'].lower()]}", "decade", mod=_mod(m))


def _century(m: re.Match[str], a: Anchor) -> Found:
    return Found(f"{int(m['cent']) - 1:02d}", "century", mod=_mod(m))


def _quarter_rule(m: re.Match[str], a: Anchor) -> Found | None:
    q = int(m["qnum"]) if m.groupdict().get("qnum") else lexicon()["ordinals"][m["qord"].lower()]
    if m.groupdict().get("year"):
        return Found(f"{m['year']}-Q{q}", "quarter")
    return Found(f"{a.date.year}-Q{q}" if a.date else None, "quarter", relative=True)


def _half(m: re.Match[str], a: Anchor) -> Found | None:
    h = lexicon()["ordinals"][m["hord"].lower()]
    if m.groupdict().get("year"):
        return Found(f"{m['year']}-H{h}", "half")
    return Found(f"{a.date.year}-H{h}" if a.date else None, "half", relative=True)


def _today(m: re.Match[str], a: Anchor) -> Found:
    offset = {"today": 0, "yesterday": -1, "tomorrow": 1}[m["word"].lower()]
    return Found((a.date + dt.timedelta(days=offset)).isoformat() if a.date else None, "day", relative=True)


def _this_last_next(m: re.Match[str], a: Anchor) -> Found | None:
    which, unit = m["which"].lower().split()[-1], m["unit"].lower()
    step = {"this": 0, "last": -1, "next": 1, "coming": 1}[which]
    mod = _mod(m)
    lex = lexicon()
    if unit in lex["weekdays"] or unit in lex["months"] or unit in lex["seasons"]:
        granularity = "day" if unit in lex["weekdays"] else "month" if unit in lex["months"] else "season"
        if a.date is None:
            return Found(None, granularity, True, mod)
        tense = {"this": a.tense, "last": "past", "next": "future", "coming": "future"}[which]
        anchor = Anchor(a.date, tense)
        if unit in lex["weekdays"]:
            return Found(_weekday(anchor, lex["weekdays"][unit], strict=which != "this").isoformat(), "day", True, mod)
        if unit in lex["months"]:
            year = _nearest_year(anchor, lex["months"][unit], strict=which != "this")
            return Found(f"{year:04d}-{lex['months'][unit]:02d}", "month", True, mod)
        return Found(_season(anchor, lex["seasons"][unit], step), "season", True, mod)
    if unit == "weekend":
        unit = "week"
    granularity = unit
    if a.date is None:
        return Found(None, granularity, True, mod)
    if unit == "year":
        value = f"{a.date.year + step:04d}"
    elif unit == "month":
        year, month = _shift_month(a.date, step)
        value = f"{year:04d}-{month:02d}"
    elif unit == "week":
        value = _week(a.date + dt.timedelta(weeks=step))
    elif unit == "quarter":
        year, month = _shift_month(a.date, 3 * step)
        value = f"{year:04d}-Q{_quarter(month)}"
    else:
        return None
    return Found(value, granularity, True, mod)


def _ago(m: re.Match[str], a: Anchor) -> Found | None:
    n, unit = _number(m["num"]), m["unit"].lower()
    if n is None:
        return None
    sign = 1 if m["dir"].lower() in {"later", "from now", "hence"} else -1
    if a.date is None:
        return Found(None, unit, True)
    if unit == "day":
        return Found((a.date + dt.timedelta(days=sign * n)).isoformat(), "day", True)
    if unit == "week":
        return Found(_week(a.date + dt.timedelta(weeks=sign * n)), "week", True)
    if unit == "month":
        year, month = _shift_month(a.date, sign * n)
        return Found(f"{year:04d}-{month:02d}", "month", True)
    return Found(f"{a.date.year + sign * n:04d}", "year", True)


def _this_time(m: re.Match[str], a: Anchor) -> Found:
    step = 1 if m["which"].lower() == "next" else -1
    return Found(f"{a.date.year + step:04d}" if a.date else None, "year", True)


def _end_of_period(m: re.Match[str], a: Anchor) -> Found | None:
    unit, which = m["unit"].lower(), (m["which"] or "this").lower()
    step = {"the": 0, "this": 0, "last": -1, "next": 1}.get(which, 0)
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
    if a.date is None:
        return Found(None, "day", True)
    return Found(_weekday(a, lexicon()["weekdays"][m["wd"].lower()]).isoformat(), "day", True)


def _bare_month(m: re.Match[str], a: Anchor) -> Found:
    month = _month(m["mon"])
    if a.date is None:
        return Found(None, "month", True, _mod(m))
    return Found(f"{_nearest_year(a, month):04d}-{month:02d}", "month", True, _mod(m))


def _season_rel(m: re.Match[str], a: Anchor) -> Found:
    code = lexicon()["seasons"][m["season"].lower()]
    step = {"last": -1, "next": 1, "this": 0}[m["which"].lower()]
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


def _present(m: re.Match[str], a: Anchor) -> Found:
    return Found("PRESENT_REF", "present", True)


def _past_future_ref(m: re.Match[str], a: Anchor) -> Found:
    word = m.group().lower()
    return Found("FUTURE_REF" if word in lexicon()["future_ref"] else "PAST_REF", "present", True)


# --- anchoring -----------------------------------------------------------------------------------


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


# --- the grammar -------------------------------------------------------------------------------


@cache
def rules() -> tuple[Rule, ...]:
    lex = lexicon()
    mon = rf"(?P<mon>{_alt(lex['months'])})\.?"
    cap_mon = rf"(?P<mon>{_alt(w.capitalize() for w in lex['months'] if len(w) > 3 or w == 'may')})"
    wd = _alt(lex["weekdays"])
    wd_prefix = rf"(?:(?:{wd})\.?,?\s+)?"
    season = rf"(?P<season>{_alt(lex['seasons'])})"
    mod = r"(?:(?P<mod>early|late|mid-|mid|the\s+(?:start|beginning|end|middle|close|turn)\s+of|about|around)\s*)?"
    year = r"(?P<year>(?:1[6-9]|20)\d\d)"
    num = rf"(?P<num>\d{{1,3}}|{_alt(k for k in lex['numbers'] if lex['numbers'][k])})"
    ordinal = _alt(lex["ordinals"])
    no_digit_after = r"(?![\d,.]?\d)(?!\s*(?:%|per\s*cent|percent))"
    spec: list[tuple[str, Callable, int]] = [
        (rf"\b{mod}{wd_prefix}(?:the\s+)?(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?[\s./-]{{0,3}}{mon}"
         rf"[\s,./-]{{0,3}}{year}\b", _day_month_year, re.I),
        (rf"\b{mod}{wd_prefix}{mon}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+{year}\b", _day_month_year, re.I),
        (r"\b(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<year>\d{4}|\d\d)\b", _numeric, 0),
        (r"\b(?P<year>\d{4})-(?P<mnum>\d\d)-(?P<day>\d\d)\b", _iso, 0),
        (rf"\b{mod}{mon},?\s+(?:of\s+)?{year}\b{no_digit_after}", _month_year, re.I),
        (rf"\b{mod}{season}\s+(?:of\s+)?{year}\b", _season_year, re.I),
        (rf"\b(?:fiscal|financial)\s+(?:year\s+)?{year}\b", _fiscal, re.I),
        (rf"\b(?:the\s+)?(?P<qord>{ordinal})\s+quarter(?:\s+of\s+{year})?\b", _quarter_rule, re.I),
        (rf"\bQ(?P<qnum>[1-4])(?:\s+{year})?\b", _quarter_rule, 0),
        (rf"\b(?:the\s+)?(?P<hord>first|second)\s+half\s+of\s+{year}\b", _half, re.I),
        (rf"\b{mod}(?:the\s+)?(?:(?P<dec3>1[6-9]\d|20\d)0s|'(?P<dec1>\d)0s)\b", _decade, re.I),
        (rf"\b{mod}the\s+(?P<decword>{_alt(lex['decades'])})\b", _decade, re.I),
        (rf"\b{mod}(?:the\s+)?(?P<cent>1\d|20|21|\d)(?:st|nd|rd|th)[\s-]+century\b", _century, re.I),
        (rf"\b{mod}(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?\s+{cap_mon}\b(?!\s*,?\s*\d)", _day_month, 0),
        (rf"\b{mod}{cap_mon}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?!\s*,?\s*\d)(?!\s*(?:%|per))", _day_month, 0),
        (rf"(?<![\w£$€#.,-]){mod}{year}\b{no_digit_after}(?!\s*(?:-|–)\s*\d)", _year, re.I),
        (r"\b(?P<word>today|yesterday|tomorrow)\b", _today, re.I),
        (rf"\b{mod}(?P<which>(?:earlier|later)\s+this|this|last|next|coming)\s+"
         rf"(?P<unit>week|weekend|month|year|quarter|{wd}|{_alt(w for w in lex['months'] if len(w) > 3)}|may)\b",
         _this_last_next, re.I),
        (rf"\b(?P<which>last|next|this)\s+{season}\b", _season_rel, re.I),
        (rf"\b(?:in|since|until|till|by|before|after|during|over|through)\s+(?P<t>{mod}the\s+{season})\b"
         rf"(?!\s+(?:of\s+)?\d)", _season_by_tense, re.I),
        (rf"\b{num}\s+(?P<unit>day|week|month|year)s?\s+(?P<dir>ago|earlier|later|before|from now|hence)\b",
         _ago, re.I),
        (r"\bthis\s+time\s+(?P<which>next|last)\s+year\b", _this_time, re.I),
        (r"\b(?P<mod>the\s+(?:start|beginning|end|middle|close)\s+of)\s+(?P<which>the|this|last|next)\s+"
         r"(?P<unit>year|month|week)\b", _end_of_period, re.I),
        (rf"\b(?P<wd>{_alt(w.capitalize() for w in lex['weekdays'])})\b(?!\s*,?\s*\d)", _weekday_rule, 0),
        (rf"\b(?:in|since|from|until|till|by|before|after|during|between|to|and|of)\s+"
         rf"(?P<t>{mod}{cap_mon})\b(?!\s*,?\s*\d)", _bare_month, re.I),
        (rf"\b(?:{_alt(lex['present'])})\b", _present, re.I),
        (rf"\b(?:{_alt(lex['past_ref'] + lex['future_ref'])})\b", _past_future_ref, re.I),
    ]
    return tuple((re.compile(pattern, flags), handler) for pattern, handler, flags in spec)


def _has_sentences(doc) -> bool:
    """`Doc.has_annotation` scans every token; ask once per doc."""
    known = doc.user_data.get("extract_has_sents")
    if known is None:
        known = doc.user_data["extract_has_sents"] = doc.has_annotation("SENT_START")
    return known


def _tense(ctx: Context, start: int, end: int) -> str:
    """'future' when the sentence has a modal of the future, 'past' when its verbs are past, else 'none'."""
    span = ctx.doc.char_span(start, end, alignment_mode="expand")
    if span is None or not _has_sentences(ctx.doc):
        return "none"
    sent = sentence(ctx.doc, span.start)
    lex = lexicon()
    lowered = sent.text.lower()
    if any(t.tag_ == "MD" and t.lower_ in {"will", "'ll", "shall", "wo"} for t in sent) or any(
        " " + cue + " " in " " + lowered + " " for cue in lex["future_cues"] if cue not in {"will", "'ll", "shall"}
    ):
        return "future"
    if any(t.tag_ in lex["past_tags"] for t in sent):
        return "past"
    return "none"


@lru_cache(maxsize=32)
def _date_parser(base: dt.date):
    """One dateparser configured for a base date: English only, UK day-first, never the machine's clock."""
    import dateparser

    return dateparser.date.DateDataParser(
        languages=["en"],
        settings={
            "RELATIVE_BASE": dt.datetime(base.year, base.month, base.day),
            "DATE_ORDER": "DMY",
            "PREFER_DAY_OF_MONTH": "first",
            "RETURN_TIME_AS_PERIOD": False,
        },
    )


_DURATION_CUES = re.compile(
    r"\b(?:every|each|per|for|almost|nearly|over|more than|less than|up to|within|recent|past|previous|coming|"
    r"years?-old|old|long|since)\b|\d+\s*-\s*(?:year|month|week|day)",
    re.I,
)
_ANCHOR_CUES = re.compile(r"\d{4}|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b", re.I)


def _dateparser_value(text: str, published: dt.date | None) -> Found | None:
    """A value for an expression the grammar lacks, when dateparser reads it and says how precise it is."""
    if _DURATION_CUES.search(text) or not _ANCHOR_CUES.search(text) or len(text) > 60:
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


def find_expressions(body: str) -> list[tuple[int, int, re.Match[str], Callable]]:
    """Every grammar match, leftmost-longest, without overlaps."""
    candidates = []
    for regex, handler in rules():
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


def extract_dates(ctx: Context) -> list[Date]:
    """Every date and period in the article body, with values resolved against the publication date."""
    body = ctx.article.body
    published = parse_published(ctx.published)
    out: list[Date] = []
    unresolved = False
    for start, end, match, handler in find_expressions(body):
        tense = _tense(ctx, start, end) if handler in _TENSE_SENSITIVE else "none"
        found = handler(match, Anchor(published, tense))
        if found is None:
            continue
        if found.value is None:
            unresolved = True
        if handler is _numeric and int(match["a"]) <= 12 and int(match["b"]) <= 12 and match["a"] != match["b"]:
            ctx.warnings.append(f"ambiguous numeric date {match.group()!r} read day-first")
        out.append(Date(text=ctx.text[start:end], span=(start, end), value=found.value,
                        granularity=found.granularity, relative=found.relative, mod=found.mod))
    covered = [(d.span[0], d.span[1]) for d in out]
    for ent in ctx.doc.ents:
        if ent.label_ != "DATE" or any(a < ent.end_char and ent.start_char < b for a, b in covered):
            continue
        found = _dateparser_value(ent.text, published)
        if found and found.value:
            out.append(Date(text=ent.text, span=(ent.start_char, ent.end_char), value=found.value,
                            granularity=found.granularity, relative=found.relative))
    out.sort(key=lambda d: d.span)
    if unresolved and published is None and NO_PUBLISHED_WARNING not in ctx.warnings:
        ctx.warnings.append(NO_PUBLISHED_WARNING)
    return out


_TENSE_SENSITIVE = {_weekday_rule, _bare_month, _day_month, _this_last_next, _season_by_tense}
