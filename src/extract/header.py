"""The lines above a story: front matter, datelines and bylines, read with general rules.

Outlets lay these out in many ways: `By Jane Roe | 30th January 2020` on one line, or a
label alone on its line with its value on the next (`By` / `Jane Roe and John Doe` /
`PUBLISHED:` / `04:44 EST, 17 October 2013` / `UPDATED:` / ...), or `key: value` front
matter written by a scraper. Everything here works on single stripped lines and
returns offsets into them; `layout` places them in the text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache

from extract.resources import models_dir, read_words

_NAME_WORD = re.compile(r"(?:[A-Z][a-zA-Z'’-]+|[A-Z]\.)")
_BYLINE_LEAD = re.compile(r"(?:[-–—*]\s*)?(?:by|written by|words by|author:?|reporter:?)\s+", re.I)
_BY_LABEL = re.compile(r"(?:by|written by|words by|authors?|reporter)\s*:?", re.I)
_JOINERS = frozenset({"and", "&"})


@cache
def months() -> dict[str, int]:
    """Month names and abbreviations: the date grammar's lexicon, so both stages read the same words."""
    return json.loads((models_dir() / "dates" / "lexicon.json").read_text(encoding="utf-8"))["months"]


def _month_alternation() -> str:
    return "|".join(sorted(months(), key=len, reverse=True))


_TIME_OF_DAY = r"\d{1,2}[:.]\d{2}\s*(?:am|pm|[a-z]{2,4})?"
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"


@cache
def _date_forms() -> tuple[re.Pattern[str], ...]:
    month = rf"(?P<mon>{_month_alternation()})\.?"
    forms = [
        rf"{_WEEKDAY}(?P<day>\d{{1,2}})(?:st|nd|rd|th)?[\s./-]{{0,3}}{month}[\s,./-]{{0,3}}(?P<year>\d{{4}})",
        rf"{_WEEKDAY}{month}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})",
        r"(?P<day>\d{1,2})[/.](?P<mnum>\d{1,2})[/.](?P<year>\d{4})",
        r"(?P<year>\d{4})-(?P<mnum>\d{2})-(?P<day>\d{2})",
    ]
    return tuple(re.compile(form, re.I) for form in forms)


# A label, then optionally a time of day before the date ("PUBLISHED: 04:44 EST, 17 October 2013").
_DATELINE_PREFIX = re.compile(
    r"^[^\w]{0,4}\s*(?P<label>(?:first\s+)?published|posted|(?:last\s+)?updated|modified|date|on)?(?:\s+on)?\s*:?\s*"
    rf"(?:{_TIME_OF_DAY}\s*,?\s+)?",
    re.I,
)
_TIME_AFTER = re.compile(
    r"(?:\s*(?:at|,|\||-|–)?\s*\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:am|pm|[A-Z]{2,4})?)?\s*(?:\|.*)?$", re.I
)
_ISO_TIME_AFTER = re.compile(r"(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\s*$")
DATE_LABEL = re.compile(r"(?P<label>(?:first\s+)?published|posted|(?:last\s+)?updated|modified)(?:\s+on)?\s*:?", re.I)


@dataclass(frozen=True)
class Dateline:
    """A date in a line: where it stands, its ISO value, and whether a label says it is an update."""

    start: int
    end: int
    value: str
    updated: bool = False


def parse_dateline(line: str) -> Dateline | None:
    """A dateline that is the whole line, give or take a label and a time of day."""
    if len(line) > 80:
        return None
    prefix = _DATELINE_PREFIX.match(line)
    offset = prefix.end() if prefix else 0
    label = (prefix.group("label") or "").lower() if prefix else ""
    for regex in _date_forms():
        match = regex.match(line, offset)
        if not match or not (_TIME_AFTER.match(line, match.end()) or _ISO_TIME_AFTER.match(line, match.end())):
            continue
        groups = match.groupdict()
        month = months().get(groups["mon"].lower().rstrip(".")) if groups.get("mon") else int(groups["mnum"])
        day, year = int(groups["day"]), int(groups["year"])
        if not (month and 1 <= month <= 12 and 1 <= day <= 31 and 1900 <= year <= 2100):
            return None
        updated = "updated" in label or "modified" in label
        return Dateline(match.start(), match.end(), f"{year:04d}-{month:02d}-{day:02d}", updated)
    return None


def find_dateline(line: str) -> Dateline | None:
    """A dateline that is the whole line or one part of it ("By Jane Roe | 30th January 2020")."""
    found = parse_dateline(line)
    if found or len(line) > 160:
        return found
    offset = 0
    for part in re.split(r"(\s+[|·]\s+)", line):
        found = parse_dateline(part) if part.strip() else None
        if found:
            return Dateline(found.start + offset, found.end + offset, found.value, found.updated)
        offset += len(part)
    return None


@dataclass
class Byline:
    """Authors' names and an outlet named in a byline, as (start, end) offsets into its line."""

    names: list[tuple[int, int]] = field(default_factory=list)
    publisher: tuple[int, int] | None = None


def is_by_label(line: str) -> bool:
    """"By" alone on its line: the names follow on the next lines."""
    return _BY_LABEL.fullmatch(line) is not None


def _roles() -> frozenset[str]:
    return read_words("layout/byline_roles.txt")


def _outlet_words() -> frozenset[str]:
    return read_words("layout/outlet_words.txt")


def _names_and_outlet(line: str, offset: int) -> tuple[Byline, int] | None:
    """Names joined by "and", "&" or commas, then job titles or "for Outlet"; (byline, words left over)."""
    roles, outlets = _roles(), _outlet_words()
    tokens = list(re.finditer(r"[^\s,]+,?", line[offset:]))
    byline, current = Byline(), []

    def close(role_follows: bool) -> None:
        if not current:
            return
        span = (offset + current[0].start(), offset + current[-1].end() - current[-1].group().endswith(","))
        words = [t.group().rstrip(",").lower() for t in current]
        if role_follows and words[-1] in outlets and not current[-1].group().endswith(","):
            byline.publisher = span  # "Daily Mail Reporter": the outlet's staff, not a person
        elif 2 <= len(current) <= 4:
            byline.names.append(span)
        current.clear()

    index = 0
    while index < len(tokens):
        token = tokens[index]
        word = token.group().rstrip(",")
        lower = word.lower()
        if lower in _JOINERS:
            close(False)
        elif lower == "for":
            close(False)
            outlet = [t for t in tokens[index + 1 : index + 5] if _NAME_WORD.fullmatch(t.group().rstrip(","))]
            if outlet and len(outlet) == len(tokens[index + 1 : index + 1 + len(outlet)]):
                byline.publisher = (offset + outlet[0].start(), offset + outlet[-1].end())
                index += len(outlet)
            index += 1
            break
        elif _NAME_WORD.fullmatch(word) and lower not in roles:
            current.append(token)
            if token.group().endswith(","):
                close(False)
        elif lower in roles:
            close(True)
            while index < len(tokens) and tokens[index].group().rstrip(",").lower() in roles | {"of", "and", "the"}:
                index += 1
            continue
        else:
            break
        index += 1
    close(False)
    return byline, len(tokens) - index


def parse_byline(line: str, after_label: bool = False) -> Byline | None:
    """The authors in a byline line ("By Jane Doe and John Roe", "- Jane Doe Health Reporter"), or None.

    `after_label`: the line follows a lone "By", so it may start with the names or with "and".
    """
    if len(line) > 120:
        return None
    explicit = _BYLINE_LEAD.match(line)
    if explicit or after_label:
        lead = explicit.end() if explicit else re.match(r"(?:(?:and|&|,)\s+)?", line, re.I).end()
        found = _names_and_outlet(line, lead)
        if found is None:
            return None
        byline, left_over = found
        if (byline.names or byline.publisher) and left_over <= (0 if after_label else 6):
            return byline
        return None
    return _dash_or_comma_byline(line)


def _dash_or_comma_byline(line: str) -> Byline | None:
    """"- Jane Doe Local Government Correspondent" or "Jane Doe, Reporter": one name, then only job words."""
    roles = _roles()
    dash = re.match(r"[-–—]\s*", line)
    offset = dash.end() if dash else 0
    name: list[re.Match[str]] = []
    for token in list(re.finditer(r"\S+", line[offset:]))[:3]:
        word = token.group().rstrip(",")
        if not _NAME_WORD.fullmatch(word) or word.lower() in roles:
            break
        name.append(token)
        if token.group().endswith(","):
            break
    if not 2 <= len(name) <= 3:
        return None
    rest = re.findall(r"[\w&']+", line[offset + name[-1].end() :].lower())
    comma = name[-1].group().endswith(",")
    ok = all(w in roles for w in rest) if dash else comma and bool(rest) and all(w in roles for w in rest)
    if not ok:
        return None
    return Byline(names=[(offset + name[0].start(), offset + name[-1].end() - (1 if comma else 0))])


_FRONT_KEY = re.compile(r"(?P<key>[A-Za-z][\w-]{0,24})\s*:\s*(?P<value>.*)$")
FRONT_MATTER_KEYS = {
    "title": "title", "headline": "title", "date": "date", "published": "date", "pubdate": "date",
    "publish_date": "date", "published_at": "date", "author": "authors", "authors": "authors", "byline": "authors",
    "publisher": "publisher", "site": "publisher", "sitename": "publisher", "site_name": "publisher",
    "source": "other", "url": "other", "link": "other", "lang": "other", "language": "other", "tags": "other",
    "categories": "other", "category": "other", "description": "other", "hostname": "other", "id": "other",
    "fingerprint": "other", "excerpt": "other", "updated": "other", "modified": "other", "image": "other",
}


def front_matter_field(line: str) -> tuple[str, int, int] | None:
    """(field, value start, value end) of a `key: value` front-matter line whose key is a known one."""
    match = _FRONT_KEY.fullmatch(line)
    if not match:
        return None
    kind = FRONT_MATTER_KEYS.get(match.group("key").lower())
    if kind is None:
        return None
    start, end = match.span("value")
    value = match.group("value")
    stripped = value.strip().strip("\"'")
    if stripped:
        start += value.index(stripped)
        end = start + len(stripped)
    return kind, start, end


def split_names(text: str) -> list[tuple[int, int]]:
    """Names in a front-matter author value ("Jane Roe, John Doe and Ann Lee")."""
    spans = []
    for match in re.finditer(r"[^,;&]+", text):
        for part in re.split(r"\s+and\s+", match.group()):
            stripped = part.strip()
            if stripped:
                start = match.start() + match.group().index(stripped)
                spans.append((start, start + len(stripped)))
    return spans
