"""Calendar dates and periods: find them, normalise them to TimeML TIMEX3 values.

A small grammar (`grammar.py`, built from the word lists and settings in
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

The package, one concern a module: `words.py` (the word lists and settings, `Found` and `Anchor`),
`grammar.py` (the rules and the leftmost-longest search), `resolve.py` (each rule's handler: a match to a
value), `anchoring.py` (calendar arithmetic around the publication date), `tense.py` (the verb that says
which way a sentence looks), `fallback.py` (dateparser), `stage.py` (the stage: `extract_dates`).
"""

from extract.dates.fallback import _date_parser, _dateparser_value
from extract.dates.grammar import _prefilter, find_expressions, rules
from extract.dates.stage import NO_PUBLISHED_WARNING, extract_dates, normalise, parse_published
from extract.dates.words import Anchor, Found, lexicon

__all__ = [
    "NO_PUBLISHED_WARNING",
    "Anchor",
    "Found",
    "_date_parser",
    "_dateparser_value",
    "_prefilter",
    "extract_dates",
    "find_expressions",
    "lexicon",
    "normalise",
    "parse_published",
    "rules",
]
