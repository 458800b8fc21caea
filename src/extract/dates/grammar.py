"""The grammar of date expressions: (pattern, handler) rules built from the lexicon, and the leftmost-
longest search for them in an article's body."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from extract.dates.resolve import (
    _ago,
    _anaphoric,
    _bare_month,
    _century,
    _day_month,
    _day_month_year,
    _day_of_month,
    _decade,
    _end_of_period,
    _half,
    _holiday,
    _iso,
    _month_of_relative_year,
    _month_year,
    _new_year,
    _numeric,
    _quarter_rule,
    _ref,
    _relative_decade,
    _relative_year,
    _reported_quarter,
    _season_by_tense,
    _season_rel,
    _season_year,
    _some_day,
    _the_weekend,
    _this_last_next,
    _this_morning,
    _this_time,
    _today,
    _week_of,
    _weekday_rule,
    _year,
    _year_ago_quarter,
)
from extract.dates.words import Rule, _alt, lexicon
from extract.prefilter import Prefilter


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
