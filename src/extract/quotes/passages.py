"""Quoted passages: a linear scan of each paragraph for quotation marks.

Curly and straight double quotes, and single quotes (curly or straight) where the mark stands at a
word edge, so apostrophes ("children's") are not quotes and a plural possessive ("the parents' views")
does not close one. Paragraphs are read whole, wrapped lines joined. A quote left open at the end of
a paragraph goes on in the next one when that opens with the same kind of mark, as in print.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extract.layout import is_caption, paragraphs

_SINGLE_MAX = 400


@dataclass
class Passage:
    parts: list[tuple[int, int]]  # content spans (without marks), one per line
    single: bool = False
    closed: bool = True

    @property
    def start(self) -> int:
        return self.parts[0][0]

    @property
    def end(self) -> int:
        return self.parts[-1][1]


_MARK = re.compile(r"[“”\"‘’']")
_OPENS_DOUBLE = "“\""


def _single_open(line: str, i: int) -> bool:
    """A single mark that opens a quote: at the start of a word ("'Too spoilt'"), not an apostrophe."""
    before = line[i - 1] if i else " "
    return (i + 1 < len(line) and not line[i + 1].isspace()) and (before.isspace() or before in "([“\"—–-")


def _double_open(line: str, i: int) -> bool:
    """A straight double mark that can open a quote: not glued to the word before it ("criticism." Next)."""
    before = line[i - 1] if i else " "
    return i + 1 < len(line) and not line[i + 1].isspace() and (before.isspace() or before in "([‘'—–-:")


def _single_close(line: str, i: int) -> bool:
    """A single mark that can close a quote: at the end of a word, before a space or punctuation."""
    after = line[i + 1] if i + 1 < len(line) else " "
    return i > 0 and not line[i - 1].isspace() and (after.isspace() or after in ".,;:!?)]”\"—–-")


def _possessive(line: str, i: int, later_close: int | None, later_open: int | None) -> bool:
    """"the parents' concerns": a plural possessive, when a later mark can still close the quote."""
    return (
        line[i - 1] in "sS" and later_close is not None and (later_open is None or later_open > later_close)
        and line[i + 1 : i + 3].strip()[:1].islower()
    )


def _close_of(line: str, start: int, single: bool) -> int | None:
    """The offset of the mark closing the quote that opens at `start`, or None (it runs on)."""
    if not single:
        return next((m.start() for m in _MARK.finditer(line, start + 1)
                     if m.group() == "”" or (m.group() == '"' and not line[m.start() - 1].isspace())), None)
    marks = [m.start() for m in _MARK.finditer(line, start + 2) if m.group() in "‘’'"]
    closes = [i for i in marks if line[i] != "‘" and _single_close(line, i)]
    opens = [i for i in marks if line[i] != "’" and _single_open(line, i)]
    for k, close in enumerate(closes):
        later_close = closes[k + 1] if k + 1 < len(closes) else None
        later_open = next((o for o in opens if o > close), None)
        if close - start > _SINGLE_MAX and later_close is None:
            return None
        if not _possessive(line, close, later_close, later_open):
            return close
    return None


def _quotes_in(line: str) -> list[tuple[int, int | None, bool]]:
    """(content start, content end or None when it runs to the end, single) of each quote in a paragraph."""
    found = []
    pos = 0
    while True:
        match = _MARK.search(line, pos)
        if match is None:
            return found
        i, mark = match.start(), match.group()
        single = mark in "‘'"
        if (single and not _single_open(line, i)) or mark in "”’" or (mark == '"' and not _double_open(line, i)):
            pos = i + 1
            continue
        end = _close_of(line, i, single)
        if end is None:
            found.append((i + 1, None, single))
            return found
        if end > i + 1:
            found.append((i + 1, end, single))
        pos = end + 1


def find_passages(body: str) -> tuple[list[Passage], list[int]]:
    """Quoted passages in reading order, and the offsets of quotation marks left unclosed.

    Paragraphs are read whole (wrapped lines joined). A quote left open at the end of a paragraph
    goes on in the next one when that opens with the same kind of mark, as in print.
    """
    passages: list[Passage] = []
    unclosed: list[int] = []
    pending: Passage | None = None
    for row in paragraphs(body):
        line, offset = row.text, row.start
        if pending is not None and is_caption(line):
            continue  # a photo caption between two paragraphs of one quote
        quotes = _quotes_in(line)
        if pending is not None:
            mark = line[0]
            same_kind = mark in ("‘'" if pending.single else _OPENS_DOUBLE)
            if quotes and quotes[0][0] == 1 and same_kind:
                start, end, _ = quotes.pop(0)
                pending.parts.append((offset + start, offset + (end if end is not None else len(line))))
                if end is None:
                    continue
                pending.closed = True
                passages.append(pending)
                pending = None
            else:
                passages.append(pending)
                unclosed.append(pending.parts[0][0] - 1)
                pending = None
        for start, end, single in quotes:
            if end is None:
                pending = Passage([(offset + start, offset + len(line))], single=single, closed=False)
            else:
                passages.append(Passage([(offset + start, offset + end)], single=single))
    if pending is not None:
        passages.append(pending)
        unclosed.append(pending.parts[0][0] - 1)
    passages = [p for p in passages if any(body[s:e].strip() for s, e in p.parts)]
    passages.sort(key=lambda p: p.start)
    return passages, unclosed
