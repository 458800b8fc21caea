"""Article structure: headline, outlet, dateline, byline, and the furniture around the story.

Works on the raw text with general rules (no site is named); everything it
reports carries a span. Furniture is blanked out of `Article.body` so no other
stage extracts from it and the neural pipeline does not spend time on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from extract.records import Mention


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


def blank(text: str, ranges: list[tuple[int, int]]) -> str:
    """Replace the ranges with spaces, keeping line breaks, so offsets do not move."""
    chars = list(text)
    for start, end in ranges:
        for i in range(start, end):
            if chars[i] not in "\r\n":
                chars[i] = " "
    return "".join(chars)


def analyse(text: str) -> Article:
    """Find the article's structure. (Skeleton: the first non-empty line is the title.)"""
    title = None
    offset = 0
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped:
            start = offset + line.index(stripped)
            title = Mention(text=stripped, span=(start, start + len(stripped)))
            break
        offset += len(line)
    return Article(text=text, body=text, title=title)
