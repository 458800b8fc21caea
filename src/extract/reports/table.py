"""A judgement table as `pdftotext -layout` prints it: labels on the left, grades pushed to the right.

Cells are split over lines ("Requires improvement to" / "be good"), a label may wrap with its grade on
its middle line, and rows may or may not be separated by blank lines. Lines are cut into a left and a
right cell at a wide gap; a right cell is a grade, or part of one. Rows are built from the left cells
(a cell starting in lower case, or after a label left open by "and", "of", "with", goes on the row
before), and each grade belongs to the row open on its line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extract.layout import raw_lines
from extract.reports.profile import Profile

# the right cell is what follows the line's last wide gap
_CELLS = re.compile(r"^(?P<indent>[ \t\f]*)(?P<left>\S(?:.*\S)?)?(?P<gap>[ \t]{3,})(?P<right>\S.*?)[ \t]*$")
_NUMBER = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*\.?)[ \t]+")
_OPEN_ENDS = frozenset(
    ["and", "of", "with", "to", "the", "for", "in", "who", "on", "at", "by", "from", "their", "a", "an"])


@dataclass
class Row:
    """One judgement: the label as printed (spans of its pieces) and its grade's pieces."""

    label: list[tuple[int, int]] = field(default_factory=list)
    grade: list[tuple[int, int]] = field(default_factory=list)

    def label_text(self, text: str) -> str:
        words = " ".join(" ".join(text[a:b].split()) for a, b in self.label)
        return re.sub(r"(?<=[a-z])\d+$", "", _NUMBER.sub("", words)).strip()

    def grade_text(self, text: str) -> str:
        return " ".join(" ".join(text[a:b].split()) for a, b in self.grade)


def _grade_piece(words: str, profile: Profile) -> bool:
    """True for a grade or a piece of one ("Requires", "improvement to be", "good")."""
    lowered = " ".join(words.lower().split())
    return any(f" {lowered} " in f" {g} " for g in (*profile.grades, *profile.raw.get("no_grade", ())))


def read_table(text: str, start: int, end: int, profile: Profile) -> list[Row]:
    """The first judgement table between `start` and `end`: rows with a label and a whole grade."""
    lines = list(raw_lines(text, start, end))
    cells = []
    for at, line in lines:
        match = _CELLS.match(line)
        if match and _grade_piece(match.group("right"), profile) and match.start("right") >= 25:
            left = (at + match.start("left"), at + match.end("left")) if match.group("left") else None
            cells.append((at, left, (at + match.start("right"), at + match.end("right"))))
        elif line.strip():
            stripped = line.strip()
            lead = len(line) - len(line.lstrip())
            cells.append((at, (at + lead, at + lead + len(stripped)), None))
        else:
            cells.append((at, None, None))
    first = next((i for i, c in enumerate(cells) if c[2] is not None), None)
    if first is None:
        return []
    begin = _table_start(text, cells, first, profile)
    rows: list[Row] = []
    open_row: Row | None = None
    pending: list[tuple[int, int]] = []
    blank_run = 0
    since_grade = 0
    for _, left, right in cells[begin:]:
        if left is None and right is None:
            blank_run += 1
            if open_row is not None and open_row.grade:
                open_row = None
            if blank_run > 25:
                break  # a page break with its footer and footnotes (blanked) may stand inside the table
            continue
        if left is not None:
            words = text[left[0]:left[1]]
            if right is None and (len(words) > 75 or words.rstrip().endswith((".", ":"))):
                break  # prose: the table is over
            if open_row is not None and _continues(text, open_row, words, blank_run):
                open_row.label.append(left)
            else:
                open_row = Row(label=[left])
                rows.append(open_row)
                if pending:
                    open_row.grade.extend(pending)
                    pending = []
        blank_run = 0
        if right is not None:
            since_grade = 0
            if open_row is None or (left is None and profile.normal_grade(open_row.grade_text(text))):
                pending.append(right)  # the row above is graded: this grade waits for the row below
            else:
                open_row.grade.append(right)
        else:
            since_grade += 1
            if since_grade > 4:
                break
    return [row for row in rows if row.grade and profile.normal_grade(row.grade_text(text))]


def _table_start(text: str, cells: list, first: int, profile: Profile) -> int:
    """The first grade's row may begin on the lines above it when its own line has no label or goes on
    one ("The impact of leaders on ... with children" / grade / "and families")."""
    left = cells[first][1]
    if left is not None and not text[left[0]].islower():
        return first
    begin = first
    while begin > 0 and cells[begin - 1][1] is not None and cells[begin - 1][2] is None:
        words = text[cells[begin - 1][1][0]:cells[begin - 1][1][1]]
        if len(words) > 75 or re.search(r"\b(?:judgements?|grade)\s*$", words, re.IGNORECASE) or \
                any(f" {g} " in f" {words.lower()} " for g in profile.grades):
            break  # the table's heading, or a sentence stating a grade above the table
        begin -= 1
    return begin


def _continues(text: str, row: Row, words: str, blank_run: int) -> bool:
    if blank_run:
        return False
    if words[:1].islower():
        return True
    last = text[row.label[-1][0]:row.label[-1][1]].split()
    return bool(last) and (last[-1].lower() in _OPEN_ENDS or last[-1].endswith((",", "-")))
