"""Quoted speech and who said it.

`passages` finds the quoted passages (double and British single quotes, across paragraphs);
`speakers` lists who can speak in the article; `attribution` picks the speaker of each passage.
Here the passages are walked in reading order: a quote with no attribution of its own keeps the
speaker of the quote before it when it goes on in the same sentence, or opens a paragraph right
after an attributed one. Short single-quoted phrases that nobody is said to have spoken
('inadequate') are scare quotes, not speech, and are left out; so is anything in a photo caption.
"""

from __future__ import annotations

import bisect
import re

from spacy.tokens import Doc

from extract.context import Context
from extract.layout import Line, is_caption, paragraphs
from extract.quotes.attribution import Attributor
from extract.quotes.passages import Passage, find_passages
from extract.quotes.speakers import Candidate
from extract.records import Mention, Quote

__all__ = ["extract_quotes", "find_passages"]

_SCARE_MAX_WORDS = 4
_SENTENCE_BREAK = re.compile(r"[.!?][’'\"”]?\s+[‘'\"“]?[A-Z]")


def _length(doc: Doc) -> int:
    return doc[-1].idx + len(doc[-1].text_with_ws) if len(doc) else 0


def _token_at(doc: Doc, char: int, after: bool) -> int:
    span = doc.char_span(char, char + 1, alignment_mode="expand") if 0 <= char < _length(doc) else None
    if span is None:
        return len(doc) if after else 0
    return span.start


def extract_quotes(ctx: Context) -> list[Quote]:
    body = ctx.article.body
    text = ctx.text
    passages, unclosed = find_passages(body)
    for pos in unclosed:
        ctx.warnings.append(f"quotation mark at offset {pos} is never closed; the quote runs to the end of its line")
    doc = ctx.doc
    attributor = Attributor(ctx)
    paras = paragraphs(body)
    para_starts = [p.start for p in paras]
    captions = [(p.start, p.end) for p in paras if is_caption(p.text)]
    caption_starts = {start for start, _ in captions}
    passages = [p for p in passages if not any(a <= p.start < b for a, b in captions)]
    attributor.set_quotes([(_token_at(doc, p.start, False), _token_at(doc, p.end, True)) for p in passages])
    quotes: list[Quote] = []
    seen: dict[str, int] = {}
    last: tuple[int, int, Candidate] | None = None  # end offset, end token and speaker of the last attributed quote
    previous_end = -1
    for passage in passages:
        open_tok = _token_at(doc, passage.start - 1, False)
        close_tok = _token_at(doc, passage.end, True) + 1
        k = bisect.bisect_right(para_starts, passage.start) - 1
        line_start = para_starts[k] if k >= 0 else 0
        prev_quote_end = previous_end if line_start <= previous_end < passage.start else -1
        previous_end = max(previous_end, passage.end)
        start_tok = _token_at(doc, max(line_start, prev_quote_end + 1), True)
        cand = attributor.after(close_tok, text[passage.start : passage.end]) if passage.closed else None
        if cand is None:
            cand = attributor.before(start_tok, open_tok)
        if cand is None:
            cand = _transcript_label(attributor, body, max(line_start, prev_quote_end + 1), passage.start - 1)
        if cand is None and body[line_start : passage.start - 1].strip() == "":
            cand = _colon_lead_in(attributor, paras[k - 1]) if k >= 1 else None
        opens_paragraph = body[line_start : passage.start - 1].strip() == ""
        if cand is None and last is not None and last[0] >= line_start \
                and not _SENTENCE_BREAK.search(body, last[0], passage.start):
            cand = last[2]  # 'said leadership had "improved" and that staff were "proud"': one speaker
        previous = next((p for p in reversed(paras[:k]) if p.start not in caption_starts), None) if k >= 1 else None
        if cand is None and opens_paragraph and last is not None and previous and last[0] >= previous.start:
            cand = last[2]  # a paragraph that only goes on quoting keeps the speaker of the one before
        speaker = span = None
        if cand is not None:
            cand = attributor.resolve(cand)
            speaker = cand.value
            if speaker is not None:
                attributor.spoke(cand)
                last = (passage.end, close_tok, cand)
                span = (doc[cand.start].idx, doc[cand.end - 1].idx + len(doc[cand.end - 1].text))
        content = text[passage.start : passage.end]
        if passage.single and speaker is None and len(content.split()) < _SCARE_MAX_WORDS:
            continue
        key = " ".join(content.lower().split())
        if key in seen:
            kept = quotes[seen[key]]
            if kept.speaker is None and speaker is not None:
                quotes[seen[key]] = _quote(text, passage, speaker, span)
            continue
        seen[key] = len(quotes)
        quotes.append(_quote(text, passage, speaker, span))
    return quotes


def _quote(text: str, passage: Passage, speaker: str | None, span: tuple[int, int] | None) -> Quote:
    parts = [Mention(text=text[s:e], span=(s, e)) for s, e in passage.parts] if len(passage.parts) > 1 else []
    return Quote(
        text=text[passage.start : passage.end], span=(passage.start, passage.end), speaker=speaker,
        speaker_span=span, parts=parts,
    )


_LABEL = re.compile(r"\s*[A-Z][\w .'’&-]{0,40}?(?:\s*\((?P<abbr>[^()]{1,8})\))?\s*:\s*")


def _transcript_label(attributor: Attributor, body: str, start: int, mark: int) -> Candidate | None:
    """A transcript or interview line, `Jane Roe (JR): '...'` or later `JR: '...'`: the label speaks."""
    label = _LABEL.fullmatch(body, start, mark)
    if label is None:
        return None
    doc = attributor.doc
    people = [c for c in attributor.candidates_in(_token_at(doc, start, True), _token_at(doc, mark, False))
              if c.kind == "person"]
    if people:
        return people[0]
    name = body[start:mark].strip().rstrip(":").strip()
    return attributor.abbreviations.get(name)


def _colon_lead_in(attributor: Attributor, previous: Line) -> Candidate | None:
    """`Cllr Jane Roe said:` ending the paragraph above a quote that opens its own."""
    if not previous.text.endswith(":"):
        return None
    doc = attributor.doc
    start_tok = _token_at(doc, previous.start, True)
    colon_tok = _token_at(doc, previous.end - 1, False)
    return attributor.before(start_tok, colon_tok + 1)
