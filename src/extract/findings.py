"""Bulleted and numbered lists, their lead-in, and what kind of list each is.

A list is a run of lines that start with a bullet mark (•, -, *, "1.", "(a)", ...),
blank lines allowed between items, wrapped lines (indented, no mark) joined to
their item. The kind comes from cue words (models/findings/cues.json) in the
lead-in, which count double, and in the items.
"""

from __future__ import annotations

import json
import re
from functools import cache

from extract.context import Context
from extract.layout import raw_lines
from extract.records import FindingItem, FindingList
from extract.resources import models_dir, read_jsonl

# A bullet mark, then the item. Dashes and stars only with a space after them, so "-5%" or "*Note" is not one.
_ITEM = re.compile(
    r"[ \t\u00a0]*(?P<mark>[•·▪◦●‣∙■□◼◾▸➢►✓✔\uf020-\uf0ff]|[-–—*](?=[ \t])"
    r"|\(?\d{1,2}[.)](?=[ \t])|\([a-z]\)|[a-z]\)(?=[ \t]))"
    r"[ \t\u00a0]*(?P<item>\S[^\r\n]*?)[ \t\u00a0]*$"
)
_SENTENCE = re.compile(r"[^.!?]*(?:[.!?]+[”\"’')]*|$)")
# with the private-use characters U+F020-U+F0FF: what PDF text gives for bullets set in Symbol or Wingdings
STRONG_MARKS = set("•·▪◦●‣∙■□◼◾▸➢►✓✔") | {chr(c) for c in range(0xF020, 0xF100)}
KINDS = ("recommendation", "finding", "strength")


@cache
def _cues() -> dict:
    return json.loads((models_dir() / "findings" / "cues.json").read_text(encoding="utf-8"))


@cache
def _inspectorates() -> tuple[str, ...]:
    names = {row["pattern"] for row in read_jsonl("entities/inspectorates.jsonl") if isinstance(row["pattern"], str)}
    return tuple(sorted(names, key=len, reverse=True))


def _hits(text: str, cues: list[str]) -> int:
    lowered = " " + text.lower()
    return sum(1 for cue in cues if " " + cue in lowered or "(" + cue in lowered)


def classify(lead_in: str, items: list[str]) -> str:
    """`finding`, `recommendation`, `strength` or `other`, from the lead-in's and the items' wording."""
    cues = _cues()
    scores = {}
    for kind in KINDS:
        lead = _hits(lead_in, cues[kind]["lead_in"])
        in_items = sum(min(1, _hits(item, cues[kind]["items"])) for item in items) / max(1, len(items))
        scores[kind] = 2 * min(lead, 2) + 2 * in_items
    best = max(KINDS, key=lambda k: scores[k])
    return best if scores[best] >= 0.5 else "other"


def _lead_in(body: str, before: int) -> tuple[int, int] | None:
    """The last sentence of the nearest non-empty line before `before`."""
    end = len(body[:before].rstrip())
    if end == 0:
        return None
    line_start = max(body.rfind("\n", 0, end), body.rfind("\r", 0, end)) + 1
    line = body[line_start:end]
    if _ITEM.match(line):
        return None
    start = line_start
    for match in _SENTENCE.finditer(line):
        if match.group().strip() and match.end() < len(line):
            start = line_start + match.end()
    start += len(body[start:end]) - len(body[start:end].lstrip())
    return (start, end) if start < end else None


def extract_findings(ctx: Context) -> list[FindingList]:
    """Every bulleted list in the article body (furniture already blanked)."""
    body = ctx.article.body
    lists: list[list[tuple[int, int, str]]] = []
    current: list[tuple[int, int, str]] = []
    first_line: dict[int, int] = {}  # item start -> start of its line, for the lead-in
    blank_run = 0
    for start, line in raw_lines(body):
        if len(line) > 5000:
            line = ""
        match = _ITEM.match(line) if line.strip() else None
        if match:
            current.append((start + match.start("item"), start + match.end("item"), match.group("mark")))
            first_line[current[-1][0]] = start
            blank_run = 0
        elif not line.strip():
            blank_run += 1
            if blank_run > 1 and current:
                lists.append(current)
                current = []
        elif current and blank_run == 0 and line[:1] in " \t" and len(line) - len(line.lstrip()) >= 2:
            item_start, _, mark = current[-1]
            current[-1] = (item_start, start + len(line.rstrip()), mark)
        else:
            if current:
                lists.append(current)
            current = []
            blank_run = 0
    if current:
        lists.append(current)
    found = []
    for items in lists:
        if len(items) < 2 and items[0][2] not in STRONG_MARKS:
            continue
        lead = _lead_in(body, first_line[items[0][0]])
        lead_text = ctx.text[lead[0] : lead[1]] if lead else None
        entries = [FindingItem(text=ctx.text[a:b], span=(a, b)) for a, b, _ in items]
        kind = classify(lead_text or "", [e.text for e in entries])
        source = next((name for name in _inspectorates() if lead_text and re.search(rf"\b{re.escape(name)}\b",
                                                                                       lead_text)), None)
        found.append(FindingList(kind=kind, lead_in=lead_text, lead_in_span=lead, source=source, items=entries))
    return found
