"""Article structure: headline, outlet, dateline, byline, and the furniture around the story.

Works on the raw text, line by line, with general rules and the phrase lists in
`models/layout/` (no site is named). Everything it reports carries a span.
Furniture is blanked out of `Article.body` (same length as the text), so no
later stage extracts from it and the neural pipeline does not spend time on it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from extract.records import Mention
from extract.resources import read_list, read_words

HEADER_LINES = 8  # the dateline and byline stand among the first non-empty lines
MAX_TITLE_WORDS = 40

MONTHS = {
    m: i
    for i, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
         ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"),
         ("nov", "november"), ("dec", "december")],
        1,
    )
    for m in names
}
_MONTH = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_DATE_FORMS = [
    rf"{_WEEKDAY}(?P<day>\d{{1,2}})(?:st|nd|rd|th)?[\s./-]{{0,3}}{_MONTH}[\s,./-]{{0,3}}(?P<year>\d{{4}})",
    rf"{_WEEKDAY}{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})",
    r"(?P<day>\d{1,2})[/.](?P<mnum>\d{1,2})[/.](?P<year>\d{4})",
    r"(?P<year>\d{4})-(?P<mnum>\d{2})-(?P<day>\d{2})",
]
_DATE_RES = [re.compile(form, re.I) for form in _DATE_FORMS]
_DATELINE_PREFIX = re.compile(
    r"^[^\w]{0,4}\s*(?:(?:first\s+)?published|posted|updated|last\s+updated|date|on)?(?:\s+on)?\s*:?\s*", re.I
)
_TIME = re.compile(r"(?:\s*(?:at|,|\||-|–)?\s*\d{1,2}[:.]\d{2}\s*(?:am|pm|[A-Z]{2,4})?)?\s*(?:\|.*)?$", re.I)
_NAME_WORD = re.compile(r"[A-Z][a-zA-Z'’-]+")
_BYLINE_LEAD = re.compile(r"(?:[-–—*]\s*)?(?:by|written by|words by|author:?|reporter:?)\s+", re.I)
_SENTENCE_END = re.compile(r"[.!?:;”\"’')]$")


@dataclass
class Article:
    """The text and its structure. `body` has the same length as `text`, furniture replaced by spaces."""

    text: str
    body: str
    title: Mention | None = None
    publisher: Mention | None = None
    published: Mention | None = None
    published_value: str | None = None
    authors: list[Mention] = field(default_factory=list)
    furniture: list[tuple[int, int]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def in_furniture(self, start: int, end: int) -> bool:
        """True when [start, end) overlaps furniture."""
        return any(a < end and start < b for a, b in self.furniture)


@dataclass(frozen=True)
class Line:
    """A line's content (without its surrounding white space) and where it stands."""

    start: int
    end: int
    text: str


def blank(text: str, ranges: list[tuple[int, int]]) -> str:
    """Replace the ranges with spaces, keeping line breaks, so offsets do not move."""
    if not ranges:
        return text
    parts, pos = [], 0
    for start, end in sorted(ranges):
        start = max(start, pos)
        if start >= end:
            continue
        parts.append(text[pos:start])
        parts.append(re.sub(r"[^\r\n]", " ", text[start:end]))
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


_LIST_ITEM = re.compile(r"\s*(?:[•▪◦●·‣*-]|\d{1,2}[.)])\s+\S")


def split_lines(text: str) -> list[Line]:
    """Non-empty lines with their stripped spans."""
    lines = []
    for match in re.finditer(r"[^\r\n]+", text):
        raw = match.group()
        stripped = raw.strip()
        if stripped:
            start = match.start() + raw.index(stripped)
            lines.append(Line(start, start + len(stripped), stripped))
    return lines


@cache
def _patterns(name: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in read_list(name)), re.I)


_NAV_SEPARATOR = re.compile(r"\s*[|>»›·•]\s*|\s+/\s+|\s{2,}")


def is_navigation(line: str) -> bool:
    """A menu or breadcrumb: three or more short items between separators ("Home > News > Health")."""
    if len(line) > 160:
        return False
    items = [item for item in _NAV_SEPARATOR.split(line.strip()) if item]
    return len(items) >= 3 and all(len(item.split()) <= 3 for item in items) and len(line.split()) <= 18


def is_furniture(line: str) -> bool:
    return len(line) < 300 and (_patterns("layout/furniture.txt").fullmatch(line) is not None or is_navigation(line))


def _is_tail_marker(line: str) -> bool:
    return len(line) < 300 and _patterns("layout/tail_markers.txt").fullmatch(line) is not None


def parse_dateline(line: str) -> tuple[int, int, str] | None:
    """(start, end, ISO value) of a dateline that is the whole line, give or take a prefix and a time."""
    if len(line) > 80:
        return None
    prefix = _DATELINE_PREFIX.match(line)
    offset = prefix.end() if prefix else 0
    for regex in _DATE_RES:
        match = regex.match(line, offset)
        if not match or not _TIME.match(line, match.end()):
            continue
        groups = match.groupdict()
        month = MONTHS.get(groups["mon"].lower().rstrip(".")) if groups.get("mon") else int(groups["mnum"])
        day, year = int(groups["day"]), int(groups["year"])
        if not (1 <= month <= 12 and 1 <= day <= 31 and 1900 <= year <= 2100):
            return None
        return match.start(), match.end(), f"{year:04d}-{month:02d}-{day:02d}"
    return None


def _dateline_in(line: str) -> tuple[int, int, str] | None:
    """A dateline that is the whole line or one part of it ("By Jane Roe | 30th January 2020")."""
    found = parse_dateline(line)
    if found or len(line) > 160:
        return found
    offset = 0
    for part in re.split(r"(\s+[|·]\s+)", line):
        found = parse_dateline(part) if part.strip() and not part.isspace() else None
        if found:
            return found[0] + offset, found[1] + offset, found[2]
        offset += len(part)
    return None


def parse_byline(line: str) -> tuple[int, int] | None:
    """The span of the author's name in a byline line ("By Jane Doe", "- Jane Doe Health Reporter"), or None."""
    if len(line) > 120:
        return None
    roles = read_words("layout/byline_roles.txt")
    explicit = _BYLINE_LEAD.match(line)
    dash = None if explicit else re.match(r"[-–—]\s*", line)
    offset = (explicit or dash).end() if (explicit or dash) else 0
    tokens = list(re.finditer(r"\S+", line[offset:]))
    name: list[re.Match[str]] = []
    for token in tokens[:3]:
        word = token.group().rstrip(",")
        if not _NAME_WORD.fullmatch(word) or word.lower() in roles:
            break
        name.append(token)
        if token.group().endswith(","):
            break
    if not 2 <= len(name) <= 3:
        return None
    rest = [w for w in re.findall(r"[\w&']+", line[offset + name[-1].end() :].lower())]
    comma = name[-1].group().endswith(",")
    if explicit:
        ok = len(rest) <= 6
    elif dash:
        ok = all(w in roles for w in rest)
    else:
        ok = comma and bool(rest) and all(w in roles for w in rest)
    if not ok:
        return None
    end = offset + name[-1].end() - (1 if comma else 0)
    return offset + name[0].start(), end


def _masthead(line: str) -> bool:
    words = line.split()
    return (
        1 <= len(words) <= 5
        and all(w[:1].isupper() or w in {"of", "the", "and", "&"} for w in words)
        and words[-1].lower().strip(".") in read_words("layout/outlet_words.txt")
    )


def analyse(text: str) -> Article:
    """Find the article's structure: furniture first, then headline, outlet, dateline and byline."""
    lines = split_lines(text)
    article = Article(text=text, body=text)
    if not lines:
        article.warnings.append("empty text: nothing to extract")
        return article
    furniture: list[tuple[int, int]] = []
    content: list[Line] = []
    half = len(text) // 2
    tail_from = None
    for index, line in enumerate(lines):
        if tail_from is None and line.start >= half and _is_tail_marker(line.text):
            tail_from = index
            break
        if is_furniture(line.text):
            furniture.append((line.start, line.end))
        else:
            content.append(line)
    if tail_from is not None:
        # the tail, and the short non-sentence lines (link texts, taglines) standing just before it
        while content and content[-1].start > lines[0].end and not _SENTENCE_END.search(content[-1].text) \
                and len(content[-1].text.split()) <= 20 and content[-1] is not lines[0] \
                and not _LIST_ITEM.match(content[-1].text):
            furniture.append((content[-1].start, content[-1].end))
            content.pop()
        furniture.append((lines[tail_from].start, len(text)))
    _header(article, lines, content, furniture)
    if article.publisher is None:
        for line in lines:
            more_from = re.match(r"more from\s+(.{2,60}?)\s*$", line.text, re.I)
            if more_from:
                start = line.start + more_from.start(1)
                article.publisher = Mention(text=more_from.group(1), span=(start, start + len(more_from.group(1))))
                break
    article.furniture = sorted(furniture)
    article.body = blank(text, article.furniture)
    if not content:
        article.warnings.append("only furniture: no article text found")
    return article


def _header(article: Article, lines: list[Line], content: list[Line], furniture: list[tuple[int, int]]) -> None:
    """Outlet, headline, dateline and byline from the first lines."""
    text = article.text
    first = lines[0]
    site = re.match(r"^(?P<name>[^|]{2,80}?)\s+[|•–-]\s+(?:home\s*page|home|news|latest news)\s*$", first.text, re.I)
    head = [line for line in content[: HEADER_LINES * 2]]
    if site:
        article.publisher = Mention(text=site.group("name"), span=(first.start, first.start + len(site.group("name"))))
        furniture.append((first.start, first.end))
        head = [line for line in head if line is not first]
    elif head and _masthead(head[0].text) and len(head) > 1 and len(head[1].text) > len(head[0].text):
        article.publisher = Mention(text=head[0].text, span=(head[0].start, head[0].end))
        furniture.append((head[0].start, head[0].end))
        head = head[1:]
    title_line = None
    marked = next((i for i, line in enumerate(head[:HEADER_LINES])
                   if _dateline_in(line.text) or parse_byline(line.text)), None)
    before_mark = [line for line in head[:marked] if len(line.text.split()) >= 3] if marked else []
    if before_mark:  # the headline stands right above the dateline or byline, below any section labels
        title_line = before_mark[-1]
        earlier = [line for line in before_mark if line.text == title_line.text]
        title_line = earlier[0]
    else:
        for line in head[:3]:
            if _dateline_in(line.text) or parse_byline(line.text):
                continue
            words = line.text.split()
            if len(words) <= MAX_TITLE_WORDS and not (len(words) > 15 and line.text.endswith(".")):
                title_line = line
            break
    if title_line is not None:
        article.title = Mention(text=title_line.text, span=(title_line.start, title_line.end))
        later = [line for line in head if line.start > title_line.start]
        if later and later[0].text == title_line.text:
            furniture.append((later[0].start, later[0].end))
    for line in head[:HEADER_LINES]:
        found = _dateline_in(line.text)
        if found:
            start, end, value = found
            article.published = Mention(text=text[line.start + start : line.start + end],
                                        span=(line.start + start, line.start + end))
            article.published_value = value
            break
    for line in head[:HEADER_LINES]:
        if line is title_line:
            continue
        found = parse_byline(line.text)
        if found:
            start, end = found
            article.authors.append(Mention(text=line.text[start:end], span=(line.start + start, line.start + end)))
            furniture.append((line.start, line.end))
            break
