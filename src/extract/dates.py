"""Calendar dates and periods: find them, normalise them to TIMEX3 values.

(Skeleton: spaCy DATE entities normalised with dateparser at day precision.)
"""

from __future__ import annotations

from extract.context import Context
from extract.records import Date


def normalise(text: str, published: str | None = None) -> tuple[str, str] | None:
    """An absolute or relative date expression as (value, granularity), or None."""
    import datetime as dt

    import dateparser

    settings = {"PREFER_DAY_OF_MONTH": "first", "DATE_ORDER": "DMY"}
    if published:
        settings["RELATIVE_BASE"] = dt.datetime.fromisoformat(published[:10].ljust(10, "1"))
    parsed = dateparser.parse(text, languages=["en"], settings=settings)
    return (parsed.date().isoformat(), "day") if parsed else None


def extract_dates(ctx: Context) -> list[Date]:
    out = []
    for ent in ctx.doc.ents:
        if ent.label_ != "DATE":
            continue
        found = normalise(ent.text, ctx.published) if ctx.published else None
        value, granularity = found if found else (None, None)
        out.append(Date(text=ent.text, span=(ent.start_char, ent.end_char), value=value, granularity=granularity))
    return out
