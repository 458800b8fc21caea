"""Article structure: headline, outlet, dateline, byline, and the furniture around the story.

Works on the raw text, line by line, with general rules and the phrase lists in
`models/layout/` (no site is named). Everything it reports carries a span.
Furniture is blanked out of `Article.body` (same length as the text), so no
later stage extracts from it and the neural pipeline does not spend time on it.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from extract import header
from extract.records import Mention
from extract.resources import read_list, read_words

HEADER_LINES = 8  # the dateline and byline stand among the first non-empty lines
MAX_UNMARKED_TITLE_WORDS = 16  # a first line with no byline or dateline below it: longer is a sentence or caption
_SENTENCE_END = re.compile(r"[.!?:;”\"’')]$")
_CAPTION = re.compile(
    r"\((?:pictured|picture|file (?:picture|photo|image)|left|right|centre|center|above|below|top|bottom"
    r"|inset)\b[^)]*\)|\bpictured\b",
    re.I,
)
_SEPARATOR_LINE = re.compile(r"[|·•/\\-]+")
_SELF_REFERENCE = re.compile(
    r"\b(?:[Tt]he\s+)?(?P<name>(?:[A-Z][A-Za-z]+\s+){0,2}(?P<word>[A-Z][A-Za-z]+)(?:\s+on\s+Sunday)?)\s+"
    r"(?:has\s+(?:discovered|learned|learnt|revealed|campaigned|been\s+told|established|obtained|seen)|can\s+reveal"
    r"|understands|has\s+long\s+campaigned)\b"
)


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
    report: Any = None  # an inspection report's structure (extract.reports.Report), when the text is one

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


def raw_lines(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, str]]:
    """Every line between `start` and `end`, blank ones included, with its offset (without its "\\r")."""
    end = len(text) if end is None else end
    pos = start
    while pos <= end:
        stop = text.find("\n", pos, end)
        stop = end if stop < 0 else stop
        yield pos, text[pos:stop].rstrip("\r")
        if stop >= end:
            return
        pos = stop + 1


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


_TERMINAL = re.compile(r"[.!?:;\"'”’)\]|]\s*$")
_WRAP_MIN_WORDS = 6
_WRAP_MIN_CHARS = 20


def wraps_into(previous: str, following: str) -> bool:
    """True when a single line break is surely a wrap inside a sentence ("... wet the bed" / "after their calls").

    The line before it has no closing punctuation and either the next line starts in lower case, or
    the line before is sentence-length and ends in a lower-case word.
    """
    previous, following = previous.strip(), following.strip()
    if not _may_wrap(previous, following):
        return False
    if following[0].islower():
        return True
    words = previous.split()
    return len(words) >= _WRAP_MIN_WORDS and words[-1][:1].islower()


def _may_wrap(previous: str, following: str) -> bool:
    return bool(previous and following) and not _TERMINAL.search(previous) and not _LIST_ITEM.match(following)


@lru_cache(maxsize=4)  # the sentence splitter, the quotes and the officials each ask for the same text
def wrap_breaks(text: str) -> frozenset[int]:
    """Offsets of the line breaks that only wrap a sentence, not end a paragraph, heading or bullet.

    Copied or archived text often keeps the hard wraps of its source; a space left before the break
    marks one too. Where a text shows that it
    wraps (two sure wraps, see `wraps_into`), every single break after a line with no closing
    punctuation is a wrap too ("Jane Roe, MP for Eastport South" / "West, said: ..."). Elsewhere
    only sure wraps are: headings, menus and bylines keep their break.
    """
    lines = split_lines(text)
    sure, maybe = [], []
    for last, line in itertools.pairwise(lines):
        gap = text[last.end : line.start]
        if gap.count("\n") != 1:
            continue
        at = last.end + gap.index("\n")
        # "... Dame Jane \nRoe": a space left before the break is an editor's wrap
        trailing_space = text[last.end : at].strip("\r") != "" and len(last.text) >= _WRAP_MIN_CHARS
        if wraps_into(last.text, line.text) or (trailing_space and _may_wrap(last.text, line.text)):
            sure.append(at)
        elif _may_wrap(last.text, line.text):
            maybe.append(at)
    return frozenset(sure + maybe) if len(sure) >= 2 else frozenset(sure)


_CAPTION_MIN_WORDS = 12  # a sentence-length line with no full stop is a caption or a teaser, not a paragraph
_SENTENCE_CLOSE = re.compile(r"[.!?;:][\"'”’)\]]*\s*$")
_CAPTION_LABEL = re.compile(r"[A-Z][\w'’-]*(?:\s+[\w'’-]+){0,3}:\s+\S")


def is_caption(paragraph: str) -> bool:
    """A photo caption left in the text: no closing punctuation, and a picture note ("(left)", "pictured"),
    a short label before a colon ("Under fire: the home's manager ...") or the length of a sentence."""
    paragraph = paragraph.strip()
    if not paragraph or _SENTENCE_CLOSE.search(paragraph):
        return False
    words = len(paragraph.split())
    return bool(_CAPTION.search(paragraph) or (_CAPTION_LABEL.match(paragraph) and words >= 6)
                or words >= _CAPTION_MIN_WORDS)


@lru_cache(maxsize=4)
def paragraphs(text: str) -> tuple[Line, ...]:
    """Lines with their wraps undone: a paragraph, heading or bullet each (spans into the text)."""
    wraps = wrap_breaks(text)
    merged: list[Line] = []
    for line in split_lines(text):
        if merged and any(at in wraps for at in range(merged[-1].end, line.start)):
            last = merged[-1]
            merged[-1] = Line(last.start, line.end, text[last.start : line.end])
            continue
        merged.append(line)
    return tuple(merged)


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
    first = lines[0]
    site = re.match(r"^(?P<name>[^|]{2,80}?)\s+[|•–-]\s+(?:home\s*page|home|news|latest news)\s*$", first.text, re.I)
    head = list(content[: HEADER_LINES * 2])
    head = _front_matter(article, head, furniture)
    if site:
        article.publisher = Mention(text=site.group("name"), span=(first.start, first.start + len(site.group("name"))))
        furniture.append((first.start, first.end))
        head = [line for line in head if line is not first]
    elif head and _masthead(head[0].text) and len(head) > 1 and len(head[1].text) > len(head[0].text):
        article.publisher = Mention(text=head[0].text, span=(head[0].start, head[0].end))
        furniture.append((head[0].start, head[0].end))
        head = head[1:]
    top = head[:HEADER_LINES]
    marked = next((i for i, line in enumerate(top) if _is_marker(line.text)), None)
    if article.title is None:
        _title(article, head, marked, furniture)
    title_line = article.title
    if article.published is None:
        _dateline(article, top, furniture)
    if not article.authors:
        _byline(article, [line for line in top if title_line is None or line.start != title_line.span[0]], furniture)
    if article.publisher is None:
        _self_reference(article)


def _is_marker(text: str) -> bool:
    """A line that belongs to the byline or dateline block under a headline."""
    return bool(header.find_dateline(text) or header.parse_byline(text) or header.is_by_label(text)
                or header.DATE_LABEL.fullmatch(text))


def _front_matter(article: Article, head: list[Line], furniture: list[tuple[int, int]]) -> list[Line]:
    """`key: value` lines a scraper wrote above the story (optionally between `---` lines): title, date, authors."""
    index = 1 if head and head[0].text == "---" else 0
    fields = []
    while index < len(head):
        found = header.front_matter_field(head[index].text)
        if found is None:
            break
        fields.append((head[index], found))
        index += 1
    if not fields or not any(kind in {"title", "date", "authors"} for _, (kind, _, _) in fields):
        return head
    if index < len(head) and head[index].text == "---":
        index += 1
    for line in head[:index]:
        if line.text == "---" or not any(line is f for f, _ in fields):
            furniture.append((line.start, line.end))
    for line, (kind, start, end) in fields:
        value, span = line.text[start:end], (line.start + start, line.start + end)
        if kind == "title" and value and article.title is None:
            article.title = Mention(text=value, span=span)
        elif kind == "date" and article.published is None:
            found = header.find_dateline(value)
            if found:
                article.published = Mention(text=value[found.start : found.end],
                                            span=(span[0] + found.start, span[0] + found.end))
                article.published_value = found.value
                furniture.append((line.start, span[0]))  # the key; the date stays for the date stage
                continue
        elif kind == "authors" and value and not article.authors:
            for a, b in header.split_names(value):
                article.authors.append(Mention(text=value[a:b], span=(span[0] + a, span[0] + b)))
        elif kind == "publisher" and value and article.publisher is None:
            article.publisher = Mention(text=value, span=span)
        furniture.append((line.start, line.end))
    return head[index:]


def _title(article: Article, head: list[Line], marked: int | None, furniture: list[tuple[int, int]]) -> None:
    """The headline: the line above the byline or dateline block, or a short first line that is no sentence."""
    title_line = None
    if marked is not None:
        before_mark = [line for line in head[:marked] if len(line.text.split()) >= 3]
        if before_mark:  # the headline stands right above the dateline or byline, below any section labels
            title_line = next(line for line in before_mark if line.text == before_mark[-1].text)
    elif head and _headline_like(head[0].text):
        title_line = head[0]
    if title_line is None:
        return
    article.title = Mention(text=title_line.text, span=(title_line.start, title_line.end))
    later = [line for line in head if line.start > title_line.start]
    if later and later[0].text == title_line.text:
        furniture.append((later[0].start, later[0].end))


def _headline_like(text: str) -> bool:
    """A first line that can be a headline: short, not a sentence, not a photo caption."""
    words = text.split()
    return (
        len(words) <= MAX_UNMARKED_TITLE_WORDS
        and not re.search(r"[.;:,]$", text)
        and not _CAPTION.search(text)
        and not header.is_by_label(text)
    )


def _dateline(article: Article, top: list[Line], furniture: list[tuple[int, int]]) -> None:
    """The publication date: a dateline labelled published (or unlabelled) before one labelled updated."""
    found: list[tuple[Line, header.Dateline]] = []
    label_updated = False
    for line in top:
        label = header.DATE_LABEL.fullmatch(line.text)
        if label or _SEPARATOR_LINE.fullmatch(line.text):
            furniture.append((line.start, line.end))
            if label:
                label_updated = "updated" in label.group("label").lower() or "modified" in label.group("label").lower()
            continue
        dateline = header.find_dateline(line.text)
        if dateline:
            found.append((line, dateline if not label_updated else header.Dateline(
                dateline.start, dateline.end, dateline.value, True)))
        label_updated = False
    if not found:
        return
    line, dateline = next(((ln, d) for ln, d in found if not d.updated), found[0])
    article.published = Mention(text=line.text[dateline.start : dateline.end],
                                span=(line.start + dateline.start, line.start + dateline.end))
    article.published_value = dateline.value


def _byline(article: Article, top: list[Line], furniture: list[tuple[int, int]]) -> None:
    """Authors (and an outlet such as "for MailOnline") from a byline, on its line or on the lines after "By"."""
    for index, line in enumerate(top):
        if header.is_by_label(line.text):
            bylines = []
            for after in top[index + 1 : index + 4]:
                found = header.parse_byline(after.text, after_label=True)
                if found is None:
                    break
                bylines.append((after, found))
            if bylines:
                furniture.append((line.start, line.end))
        else:
            found = header.parse_byline(line.text)
            bylines = [(line, found)] if found else []
        if not bylines:
            continue
        for where, byline in bylines:
            for start, end in byline.names:
                article.authors.append(Mention(text=where.text[start:end],
                                               span=(where.start + start, where.start + end)))
            if byline.publisher and article.publisher is None:
                start, end = byline.publisher
                article.publisher = Mention(text=where.text[start:end], span=(where.start + start, where.start + end))
            furniture.append((where.start, where.end))
        return


def _self_reference(article: Article) -> None:
    """An outlet that names itself in the story ("The Daily Mail has campaigned for ...")."""
    outlets = read_words("layout/outlet_words.txt")
    for match in _SELF_REFERENCE.finditer(article.text):
        if match.group("word").lower() in outlets and not article.in_furniture(*match.span()):
            start, end = match.span("name")
            article.publisher = Mention(text=article.text[start:end], span=(start, end))
            return
