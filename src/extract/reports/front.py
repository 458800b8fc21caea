"""A report's front page: its title, the authority it inspects, when it was published, the inspection's
first and last days, and its inspectors.

Everything is read with the profile's patterns from the text as printed, so every value has a span.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from extract.layout import split_lines
from extract.records import Date, Mention, Official
from extract.reports.profile import Profile, line_end

_DAY = re.compile(r"(?P<day>\d{1,2})(?:st|nd|rd|th)?(?:[ \t]+(?P<month>[A-Za-z]{3,9})\.?)?(?:,?[ \t]+(?P<year>\d{4}))?")


@dataclass
class Front:
    """What the front page says."""

    title: Mention | None = None
    authority: Mention | None = None
    published: Mention | None = None
    published_value: str | None = None
    inspection: list[Date] = field(default_factory=list)  # first and last day
    inspectors: list[Official] = field(default_factory=list)


def read_front(text: str, profile: Profile) -> Front:
    front = Front()
    head_end = line_end(text, profile.raw["detect"]["within_lines"] * 2)
    _title(text, profile, front, head_end)
    published = profile.pattern("fields", "published").search(text, 0, head_end) or \
        profile.pattern("fields", "published").search(text)
    if published:
        value = day_value(published.group("date"))
        if value:
            front.published = Mention(text=published.group("date"), span=published.span("date"))
            front.published_value = value
    dates = profile.pattern("fields", "inspection_dates").search(text, 0, head_end)
    if dates:
        front.inspection = date_range(text, dates.start("range"), dates.end("range"), profile)
    front.inspectors = inspectors(text, profile)
    return front


def _title(text: str, profile: Profile, front: Front, head_end: int) -> None:
    """The title runs from its opening words ("Inspection of", "Re-inspection of") to the first labelled
    line; the lines above it, on the older layouts, name the authority."""
    label = profile.pattern("detect", "header_label")
    start_pattern = profile.pattern("title_start")
    lines = [(line.start, line.text) for line in split_lines(text[:head_end])]
    first = next((i for i, (_, line) in enumerate(lines[:8]) if start_pattern.match(line)), None)
    if first is None:
        return
    last = first
    for i in range(first + 1, min(len(lines), first + 6)):
        if label.match(lines[i][1]) or re.fullmatch(r"\d{1,3}", lines[i][1]):
            break
        last = i
    start, end = lines[first][0], lines[last][0] + len(lines[last][1])
    end -= len(re.search(r"\d*$", text[start:end]).group())  # a footnote mark glued to the last word
    front.title = Mention(text=text[start:end], span=(start, end))
    if first > 0:
        a, b = lines[0][0], lines[first - 1][0] + len(lines[first - 1][1])
        front.authority = Mention(text=text[a:b], span=(a, b))
        return
    inside = profile.pattern("title_authority").match(" ".join(front.title.text.split()))
    if inside:
        name = re.escape(inside.group("authority")).replace(r"\ ", r"\s+")
        found = re.search(name, text[start:end])
        if found:
            front.authority = Mention(text=found.group(), span=(start + found.start(), start + found.end()))


def day_value(words: str, default_month: str | None = None, default_year: str | None = None) -> str | None:
    """ISO day of "13 November 2017" (month and year may come from the other end of a range)."""
    numeric = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", words.strip())
    if numeric:  # British order: day/month/year
        try:
            return dt.date(int(numeric[3]), int(numeric[2]), int(numeric[1])).isoformat()
        except ValueError:
            return None
    match = _DAY.fullmatch(words.strip().rstrip(","))
    if not match:
        return None
    month = match.group("month") or default_month
    year = match.group("year") or default_year
    if not (month and year):
        return None
    for fmt in ("%d %B %Y", "%d %b %Y"):
        try:
            return dt.datetime.strptime(f"{match.group('day')} {month[:3] if fmt == '%d %b %Y' else month} {year}",
                                        fmt).date().isoformat()
        except ValueError:
            continue
    return None


def date_range(text: str, start: int, end: int, profile: Profile) -> list[Date]:
    """The first and last day of "11 to 15 September 2023", "17 March to 21 March 2025" or
    "2 June 2014 – 25 June 2014", each a day-precise Date over its own words. Of several periods
    ("... and 13 to 16 January 2025") the first is the inspection's main visit."""
    joiners = "|".join(re.escape(j) for j in profile.raw["range_joiners"])
    day = r"\d{1,2}(?:st|nd|rd|th)?"
    numeric = r"\d{1,2}/\d{1,2}/\d{4}"
    found = re.search(rf"(?P<a>{numeric}|{day}(?:[ \t]+[A-Za-z]{{3,9}})?(?:,?[ \t]+\d{{4}})?)[ \t]*(?:{joiners})"
                      rf"[ \t]*(?P<b>{numeric}|{day}[ \t]+[A-Za-z]{{3,9}},?[ \t]+\d{{4}})", text[start:end])
    if not found:  # a one-day visit
        single = re.match(rf"[ \t]*(?P<b>{numeric}|{day}[ \t]+[A-Za-z]{{3,9}},?[ \t]+\d{{4}})[ \t]*$", text[start:end])
        value = day_value(single.group("b")) if single else None
        if not value:
            return []
        at = start + single.start("b")
        return [Date(text=single.group("b"), span=(at, single.end("b") + start), value=value, granularity="day")]
    a, b = found.group("a"), found.group("b")
    last = _DAY.fullmatch(b)
    b_value = day_value(b)
    a_value = day_value(a, last.group("month"), last.group("year")) if last else day_value(a)
    if not (a_value and b_value) or a_value > b_value:
        return []
    a_at, b_at = start + found.start("a"), start + found.start("b")
    return [Date(text=a, span=(a_at, a_at + len(a)), value=a_value, granularity="day"),
            Date(text=b, span=(b_at, b_at + len(b)), value=b_value, granularity="day")]


def inspectors(text: str, profile: Profile) -> list[Official]:
    """Each "Lead inspector: Name, His Majesty's Inspector" (the title may stand on the next line)."""
    found: dict[str, Official] = {}
    title_line = profile.pattern("fields", "inspector_title")
    named = [(m.group("role"), m.span("name"), m.group("tail"), m.end())
             for m in profile.pattern("fields", "inspector").finditer(text)]
    for listed in profile.pattern("fields", "inspector_list").finditer(text):
        role = listed.group("role").rstrip("s")  # "Lead inspectors: A, HMI, and B, HMI": each a lead inspector
        for name in re.finditer(r"(?-i:[A-ZÀ-Þ][\w'’.-]*(?:[ \t]+[A-ZÀ-Þ][\w'’.-]*)+)", listed.group("names")):
            if not re.search(r"(?i)majesty|inspector|\bHMI\b", name.group()):
                at = listed.start("names") + name.start()
                named.append((role, (at, at + len(name.group())), "His Majesty’s Inspector"
                              if "majesty" in listed.group("names").lower() else None, -1))
    for role, span, tail, end in named:
        name = " ".join(text[span[0]:span[1]].split())
        roles = [" ".join(role.split()).capitalize()]
        following = title_line.match(text, end + 1) if not tail and end >= 0 else None
        title = (tail or "").strip(" ,()\t") or (following.group("title") if following else None)
        if title:
            roles.append(title)
        mention = Mention(text=text[span[0]:span[1]], span=span)
        kept = found.get(name)
        if kept is None:
            found[name] = Official(name=name, roles=roles, organisation=profile.publisher, mentions=[mention])
        else:
            kept.roles.extend(r for r in roles if r not in kept.roles)
            kept.mentions.append(mention)
    return list(found.values())
