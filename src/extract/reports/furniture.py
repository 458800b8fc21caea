"""What a printed report repeats on every page or prints around its text, found from the layout alone:
running headers and footers, page numbers, the contents page and footnotes."""

from __future__ import annotations

import re
from collections import Counter

from extract.layout import raw_lines
from extract.reports.profile import Profile

_PAGE_NUMBER = re.compile(r"[ \t\f]*\d{1,3}[ \t]*")
_TRAILING_NUMBER = re.compile(r"[ \t]{2,}\d{1,3}$")
_CONTENTS_ENTRY = re.compile(r".*\S(?:[ \t]{2,}|[ \t.]*\.{3,}[ \t.]*)\d{1,3}[ \t]*$")
REPEATS = 3  # a line printed this many times, on different pages, is a running header or footer
PAGE_LINES = 15  # occurrences closer than this are on one page (a table's repeated cells), not headers


def _lines(text: str) -> list[tuple[int, int, str]]:
    return [(start, start + len(line), line) for start, line in raw_lines(text)]


def _key(line: str) -> str:
    return " ".join(_TRAILING_NUMBER.sub("", line.strip(" \t\f")).split()).lower()


def _page_repeats(lines: list[tuple[int, int, str]]) -> Counter:
    """How many times each line is printed at least a page's length after its previous printing."""
    counts: Counter = Counter()
    last: dict[str, int] = {}
    for index, (_, _, line) in enumerate(lines):
        key = _key(line)
        if key and len(key) <= 120:
            if index - last.get(key, -PAGE_LINES) >= PAGE_LINES:
                counts[key] += 1
            last[key] = index
    return counts


def find_furniture(text: str, profile: Profile) -> list[tuple[int, int]]:
    lines = _lines(text)
    counts = _page_repeats(lines)
    ranges: list[tuple[int, int]] = []
    for index, (start, end, line) in enumerate(lines):
        key = _key(line)
        if not key:
            continue
        if _PAGE_NUMBER.fullmatch(line) or (counts[key] >= REPEATS and not key.endswith((".", ":", "?"))
                                            and len(key.split()) >= 3):
            ranges.append((start, end))
        elif profile.pattern("contents_heading").match(line):
            ranges.extend(_contents(lines, index))
    ranges.extend(_footnotes(lines))
    return sorted(set(ranges))


def _contents(lines: list[tuple[int, int, str]], heading: int) -> list[tuple[int, int]]:
    """The heading and its entries ("Recommendations ....... 7"); an entry may wrap onto the next line."""
    found = [lines[heading][:2]]
    waiting: list[tuple[int, int]] = []
    blank = 0
    for start, end, line in lines[heading + 1:]:
        if not line.strip():
            blank += 1
            if blank > 2:
                break
            continue
        blank = 0
        if _CONTENTS_ENTRY.fullmatch(line):
            found.extend(waiting)
            found.append((start, end))
            waiting = []
        elif len(waiting) < 2 and len(line.strip()) <= 90:
            waiting.append((start, end))
        else:
            break
    return found if len(found) > 2 else []


def _footnotes(lines: list[tuple[int, int, str]]) -> list[tuple[int, int]]:
    """A small number alone on its line with indented text below it, down to the page number."""
    found = []
    for index, (start, _, line) in enumerate(lines[:-1]):
        if not re.fullmatch(r"[ \t]{0,3}\d{1,2}[ \t]*", line):
            continue
        following = lines[index + 1][2]
        if not re.match(r"[ \t]{1,6}[A-Z‘'“\"(]", following):
            continue
        for later in range(index + 1, min(len(lines), index + 10)):
            if _PAGE_NUMBER.fullmatch(lines[later][2]) or "\f" in lines[later][2]:
                found.append((start, lines[later - 1][1]))
                break
    return found
