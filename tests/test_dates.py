"""Dates: what the grammar finds and how it normalises it (TimeML TIMEX3 values), anchored on the
publication date the way news is written. The sentences are made up for these tests."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import dateparser
import pytest

from extract import Options, extract_record
from extract import dates as dates_module
from extract.dates import anchoring, fallback, grammar, normalise, parse_published, resolve, stage, tense, words

DATES_MODULES = (anchoring, fallback, grammar, resolve, stage, tense, words)  # the package's modules

WEDNESDAY = "2019-03-13"  # a Wednesday in ISO week 11


def _record(nlp, sentence: str, published: str | None):
    text = f"Council news\n\n{sentence}\n"
    return extract_record(text, nlp, Options(source="t.txt", published=published))


def _date(nlp, sentence: str, published: str | None, expression: str):
    record = _record(nlp, sentence, published)
    found = [d for d in record.dates if d.text == expression]
    assert found, f"{expression!r} not found in {[d.text for d in record.dates]}"
    return found[0]


CASES = [
    # (expression, publication date, sentence) -> (value, granularity, mod)
    # days
    ("12 March 2019", WEDNESDAY, "The report was published on 12 March 2019.", "2019-03-12", "day", None),
    ("Tuesday 12 March 2019", WEDNESDAY, "Inspectors visited on Tuesday 12 March 2019.", "2019-03-12", "day", None),
    ("March 12, 2019", WEDNESDAY, "The letter was dated March 12, 2019.", "2019-03-12", "day", None),
    ("today", WEDNESDAY, "The council meets today.", "2019-03-13", "day", None),
    ("yesterday", WEDNESDAY, "The mayor resigned yesterday.", "2019-03-12", "day", None),
    ("tomorrow", WEDNESDAY, "The vote takes place tomorrow.", "2019-03-14", "day", None),
    ("the day before yesterday", WEDNESDAY, "It happened the day before yesterday.", "2019-03-11", "day", None),
    ("Monday, March 11", WEDNESDAY, "The board met on Monday, March 11, to discuss the cuts.", "2019-03-11", "day",
     None),
    ("the 12th", WEDNESDAY, "The bill passed on the 12th.", "2019-03-12", "day", None),
    ("the 20th", WEDNESDAY, "The bill passed on the 20th.", "2019-02-20", "day", None),
    ("the 2nd", WEDNESDAY, "The board will vote on the 2nd.", "2019-04-02", "day", None),
    ("Dec. 15", "2019-10-28", "The refurbished library reopened on Dec. 15.", "2019-12-15", "day", None),
    ("Nov. 25", "2020-01-07", "The care home was sold on Nov. 25 to a charity.", "2019-11-25", "day", None),
    ("Wednesday night", WEDNESDAY, "The fire started on Wednesday night.", "2019-03-13", "day", None),
    # weekdays: the publication day's weekday is that day; past tense looks back, future forward
    ("Wednesday", WEDNESDAY, "The council said on Wednesday that it would appeal.", "2019-03-13", "day", None),
    ("Monday", WEDNESDAY, "The committee met on Monday.", "2019-03-11", "day", None),
    ("Monday", WEDNESDAY, "The committee will meet on Monday.", "2019-03-18", "day", None),
    ("Friday", WEDNESDAY, "The minister said on Friday that the council will publish a plan.", "2019-03-08", "day",
     None),
    ("Friday", WEDNESDAY, "Inspectors are due to return on Friday.", "2019-03-15", "day", None),
    ("Thursday", WEDNESDAY, "Councillors could vote on the plan as soon as Thursday.", "2019-03-14", "day", None),
    ("Monday", WEDNESDAY, "The trial starts on Monday.", "2019-03-18", "day", None),
    ("Monday", WEDNESDAY, "The chief executive says on Monday that the unit was safe.", "2019-03-11", "day", None),
    ("last Tuesday", WEDNESDAY, "The plan was approved last Tuesday.", "2019-03-12", "day", None),
    # months: a year-less month takes the year the tense points to, or the nearest one
    ("June", WEDNESDAY, "The council will publish its plan in June.", "2019-06", "month", None),
    ("June", WEDNESDAY, "The council published its plan in June.", "2018-06", "month", None),
    ("April", WEDNESDAY, "The review began in April.", "2019-04", "month", None),
    ("early December", WEDNESDAY, "The inspection took place in early December.", "2018-12", "month", "START"),
    ("late last July", WEDNESDAY, "The school closed late last July.", "2018-07", "month", "END"),
    ("June last year", WEDNESDAY, "The trust was warned in June last year.", "2018-06", "month", None),
    ("February 2009", WEDNESDAY, "The unit opened in February 2009.", "2009-02", "month", None),
    ("last month", WEDNESDAY, "Inspectors visited last month.", "2019-02", "month", None),
    ("Earlier this month", WEDNESDAY, "Earlier this month, the board met.", "2019-03", "month", None),
    # weeks
    ("last week", WEDNESDAY, "The council apologised last week.", "2019-W10", "week", None),
    ("next week", WEDNESDAY, "The report is due next week.", "2019-W12", "week", None),
    ("the weekend", WEDNESDAY, "Protesters gathered outside the hall over the weekend.", "2019-W10-WE", "week", None),
    ("the week of March 25", WEDNESDAY, "The hearing is set for the week of March 25.", "2019-W13", "week", None),
    ("the week beginning 4 March 2019", WEDNESDAY, "Talks took place in the week beginning 4 March 2019.",
     "2019-W10", "week", None),
    ("this weekend", WEDNESDAY, "The festival will take place this weekend.", "2019-W11-WE", "week", None),
    # quarters and halves
    ("the third quarter of 2019", WEDNESDAY, "Waits fell in the third quarter of 2019.", "2019-Q3", "quarter", None),
    ("Q3 2018", WEDNESDAY, "Sales peaked in Q3 2018.", "2018-Q3", "quarter", None),
    ("the third quarter", "2019-11-05", "Profits rose in the third quarter.", "2019-Q3", "quarter", None),
    ("fourth-quarter", "2019-02-01", "The firm reported a fourth-quarter loss.", "2018-Q4", "quarter", None),
    ("last quarter", "2019-10-04", "Referrals rose last quarter.", "2019-Q3", "quarter", None),
    ("the second half of this year", WEDNESDAY, "The ward reopens in the second half of this year.", "2019-H2",
     "half", None),
    ("the first half of 2018", WEDNESDAY, "Complaints doubled in the first half of 2018.", "2018-H1", "half", None),
    ("H2 2018", WEDNESDAY, "Sales fell in H2 2018.", "2018-H2", "half", None),
    # seasons
    ("last summer", WEDNESDAY, "The roof collapsed last summer.", "2018-SU", "season", None),
    ("the summer of 2017", WEDNESDAY, "The plan was drawn up in the summer of 2017.", "2017-SU", "season", None),
    ("the spring", "2019-01-10", "The work will be finished in the spring.", "2019-SP", "season", None),
    ("the autumn", WEDNESDAY, "The pupil was excluded in the autumn term.", "2018-FA", "season", None),
    # years, fiscal years, decades, centuries
    ("2015", WEDNESDAY, "The school was last inspected in 2015.", "2015", "year", None),
    ("next year", WEDNESDAY, "The hospital will close next year.", "2020", "year", None),
    ("fiscal 2018", WEDNESDAY, "Revenue rose 4% in fiscal 2018.", "2018", "year", None),
    ("the current fiscal year", WEDNESDAY, "Savings are planned for the current fiscal year.", "2019", "year",
     None),
    ("the 1990s", WEDNESDAY, "The estate was built in the 1990s.", "199", "decade", None),
    ("the early 1980s", WEDNESDAY, "The scheme began in the early 1980s.", "198", "decade", "START"),
    ("the early 20th Century", WEDNESDAY, "The library dates from the early 20th Century.", "19", "century", "START"),
    ("this decade", WEDNESDAY, "Rents have risen this decade.", "201", "decade", None),
    ("the last decade", WEDNESDAY, "The town grew in the last decade.", "200", "decade", None),
    ("the 1800s", WEDNESDAY, "The mill was built in the 1800s.", "18", "century", None),
    ("the nineties", WEDNESDAY, "Crime fell in the nineties.", "199", "decade", None),
    ("nineteen ninety-six", WEDNESDAY, "The pier burned down in nineteen ninety-six.", "1996", "year", None),
    ("the year two thousand", WEDNESDAY, "The bridge opened in the year two thousand.", "2000", "year", None),
    ("January nineteen ninety-seven", WEDNESDAY, "It was sold in January nineteen ninety-seven.", "1997-01",
     "month", None),
    # PRESENT_REF, PAST_REF, FUTURE_REF
    ("now", WEDNESDAY, "The service is now rated good.", "PRESENT_REF", "present", None),
    ("currently", WEDNESDAY, "The unit is currently closed.", "PRESENT_REF", "present", None),
    ("at present", WEDNESDAY, "There is no head teacher at present.", "PRESENT_REF", "present", None),
    ("recently", WEDNESDAY, "The trust recently hired 40 nurses.", "PAST_REF", "present", None),
    ("the future", WEDNESDAY, "The board will decide in the future.", "FUTURE_REF", "present", None),
    ("the coming weeks", WEDNESDAY, "A decision is expected in the coming weeks.", "FUTURE_REF", "present", None),
    # modifiers
    ("the end of the year", WEDNESDAY, "The council will decide by the end of the year.", "2019", "year", "END"),
    ("the end of 2013", WEDNESDAY, "The hospital closed at the end of 2013.", "2013", "year", "END"),
    ("the end of March", WEDNESDAY, "Inspectors return at the end of March.", "2019-03", "month", "END"),
    ("mid-November", WEDNESDAY, "The survey ran until mid-November.", "2018-11", "month", "MID"),
    ("late-November", WEDNESDAY, "The late-November storms closed the road.", "2018-11", "month", "END"),
    ("early next year", WEDNESDAY, "New rules come in early next year.", "2020", "year", "START"),
    # underspecified parts
    ("sometime next year", WEDNESDAY, "The inquiry will report sometime next year.", "2020-XX-XX", "day", None),
    # relative counts
    ("two years ago", WEDNESDAY, "The ward was closed two years ago.", "2017", "year", None),
    ("a year ago", WEDNESDAY, "The school was rated good a year ago.", "2018", "year", None),
    ("almost four years ago", WEDNESDAY, "The unit closed almost four years ago.", "2015", "year", "APPROX"),
    ("more than a decade ago", WEDNESDAY, "It was built more than a decade ago.", "2009", "year", "BEFORE"),
    ("third-quarter", "2019-11-05", "The third-quarter loss was large.", "2019-Q3", "quarter", None),
]


@pytest.mark.parametrize(("expression", "published", "sentence", "value", "granularity", "mod"), CASES)
def test_normalises_expression(nlp, expression, published, sentence, value, granularity, mod):
    date = _date(nlp, sentence, published, expression)
    assert (date.value, date.granularity, date.mod) == (value, granularity, mod)


def test_that_year_and_the_next_day_count_from_the_last_date_given(nlp):
    text = ("The mill closed in 1998 and reopened the following year. A fire broke out on 3 June 2005; "
            "later that day the roof fell in, and the owners sold the site the next month.")
    values = {d.text: d.value for d in _record(nlp, text, WEDNESDAY).dates}
    assert values == {"1998": "1998", "the following year": "1999", "3 June 2005": "2005-06-03",
                      "later that day": "2005-06-03", "the next month": "2005-07"}


def test_year_ago_in_an_earnings_story_is_the_year_ago_quarter(nlp):
    text = ("Third-quarter profit rose to £5m from £4m a year earlier. "
            "Sales in the quarter were flat, against a loss in the year-ago quarter.")
    record = _record(nlp, text, "2019-11-05")
    values = {d.text: d.value for d in record.dates}
    assert values == {"Third-quarter": "2019-Q3", "a year earlier": "2018-Q3", "the quarter": "2019-Q3",
                      "the year-ago quarter": "2018-Q3"}


@pytest.mark.parametrize(
    ("written", "value", "ambiguous"),
    [
        ("05/03/2019", "2019-03-05", True),
        ("25/12/2019", "2019-12-25", False),
        ("12/25/2019", "2019-12-25", False),
        ("05.03.2019", "2019-03-05", True),
        ("07/07/2019", "2019-07-07", False),
    ],
)
def test_numeric_dates_read_day_first_and_warn_when_ambiguous(nlp, written, value, ambiguous):
    record = _record(nlp, f"The contract was signed on {written}.", WEDNESDAY)
    assert [(d.text, d.value, d.granularity) for d in record.dates] == [(written, value, "day")]
    assert any(written in w and "ambiguous" in w for w in record.warnings) == ambiguous


@pytest.mark.parametrize(
    "sentence",
    [
        "The council has been in special measures for almost four years.",
        "The board meets every year.",
        "An eight-year-old boy was hurt.",
        "A man in his seventies was hurt.",
        "The committee meets every Monday.",
        "Referrals were not always seen on the same day.",
        "The council came in on the 5th floor.",
        "The closure this may cause is a worry, and we may act.",
        "Thousands joined this march to the town hall.",
        "He told the Sunday Times and the Mail on Sunday that the deal was off.",
        "Staff moved from the Spring Street office.",
        "The Good Friday Agreement was a turning point.",
        "The 2019-20 budget was cut.",
        "The project will take two years.",
        "It is now two years since the inspection.",
    ],
)
def test_durations_frequencies_and_ages_are_not_dates(nlp, sentence):
    assert _record(nlp, sentence, WEDNESDAY).dates == []


def test_no_publication_date_leaves_relative_values_null_and_warns(nlp):
    record = _record(nlp, "Inspectors visited last month and will return on Friday. It opened in May 2012.", None)
    values = {d.text: d.value for d in record.dates}
    assert values == {"last month": None, "Friday": None, "May 2012": "2012-05"}
    assert dates_module.NO_PUBLISHED_WARNING in record.warnings


RELATIVE = ("Inspectors visited last month and will return on Friday. The trust was warned yesterday and again "
            "in June, and expects results in the third quarter. The ward closed 3rd of March and reopens next year.")


def _shift(value: str, years: int) -> str:
    return str(int(value[:4]) + years) + value[4:]


def test_values_follow_the_publication_date_not_the_clock(nlp):
    """The same story published 28 years apart (the calendar repeats: same weekday, same ISO week) gets values
    28 years apart: nothing is anchored on the machine's clock."""
    old = {d.text: d.value for d in _record(nlp, RELATIVE, "1989-11-02").dates}
    new = {d.text: d.value for d in _record(nlp, RELATIVE, "2017-11-02").dates}
    assert len(old) >= 6
    assert all(value.startswith(("1988", "1989", "1990")) for value in old.values())
    assert new == {text: _shift(value, 28) for text, value in old.items()}


def test_the_clock_is_never_read(nlp, monkeypatch):
    """Reading the clock anywhere on the way (our code or dateparser's) fails the test."""

    def no_clock(*args, **kwargs):
        raise AssertionError("the machine's clock was read")

    class NoClockDateTime(dt.datetime):
        now = today = utcnow = classmethod(no_clock)

    class NoClockDate(dt.date):
        today = classmethod(no_clock)

    monkeypatch.setattr(dateparser.parser, "_now", no_clock)
    monkeypatch.setattr(dateparser.freshness_date_parser, "datetime", NoClockDateTime)
    monkeypatch.setattr(dateparser.utils, "datetime", NoClockDateTime)
    no_clock_dt = SimpleNamespace(date=NoClockDate, datetime=NoClockDateTime, timedelta=dt.timedelta)
    for module in DATES_MODULES:
        if hasattr(module, "dt"):
            monkeypatch.setattr(module, "dt", no_clock_dt)
    dates_module._date_parser.cache_clear()
    dates_module._dateparser_value.cache_clear()
    try:
        record = _record(nlp, RELATIVE + " Figures for the 3rd of March 1989 were revised.", "1989-11-02")
        assert record.dates and all(d.value for d in record.dates)
        assert dates_module._dateparser_value("3 March", dt.date(1989, 11, 2)) == dates_module.Found(
            "1989-03-03", "day", relative=True
        )
    finally:
        dates_module._date_parser.cache_clear()
        dates_module._dateparser_value.cache_clear()


@pytest.mark.parametrize(
    ("published", "date"),
    [
        ("2012-10-30", dt.date(2012, 10, 30)),
        ("1998-12-05T09:42", dt.date(1998, 12, 5)),
        ("2013-03", dt.date(2013, 3, 1)),
        ("2013", dt.date(2013, 1, 1)),
        ("2013-02-30", None),
        ("soon", None),
        (None, None),
    ],
)
def test_parse_published(published, date):
    assert parse_published(published) == date


def test_spans_point_at_the_text(nlp):
    sentence = "On Monday, March 11, the board met; it meets again in the third quarter and at the end of the year."
    text = f"Council news\n\n{sentence}\n"
    record = extract_record(text, nlp, Options(source="t.txt", published=WEDNESDAY))
    assert record.dates
    for date in record.dates:
        assert text[date.span[0] : date.span[1]] == date.text


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("the third quarter of 2019", None, ("2019-Q3", "quarter")),
        ("last month", "2019-03-13", ("2019-02", "month")),
        ("last month", None, None),
        ("Feb. 30", "2019-03-13", None),
        ("almost four years", "2019-03-13", None),
    ],
)
def test_normalise_an_expression_alone(text, published, expected):
    assert normalise(text, published) == expected


def test_month_precise_publication_date_gives_no_day_precise_relative_values(nlp):
    from extract import Options, extract_record

    text = "The council met on Monday and again yesterday. Ofsted visited last month and in March 2004.\n"
    record = extract_record(text, nlp, Options(published="2005-02"))
    values = {d.text: d.value for d in record.dates}
    assert values["Monday"] is None and values["yesterday"] is None
    assert values["last month"] == "2005-01"
    assert values["March 2004"] == "2004-03"
