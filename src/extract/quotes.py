"""Quoted speech and who said it.

Passages are found by a linear scan of each line for quotation marks: curly
and straight double quotes, and single quotes (curly or straight) where the
mark stands at a word edge, so apostrophes ("children's") are not quotes. A
line that leaves a quote open and a following line that opens with a mark
make one multi-paragraph quote, as in print.

The speaker comes from the words around the passage, in this order:
1. after it, in the same sentence: `," said Jane Roe`, `," she said`, `," the report concluded`;
2. before it, in the same sentence: the subject of the last verb of saying (`Jane Roe told the meeting ...`);
3. a colon lead-in on the line above (`Cllr Jane Roe said:`).
Pronouns resolve to an official named earlier in the same sentence, else to
the speaker of the previous quote when it fits (he/she: a person; it: an
organisation), else to the nearest official before. "The report",
"inspectors" and the like resolve to the inspectorate the article names.
Short single-quoted phrases that nobody is said to have spoken ('inadequate')
are scare quotes, not speech, and are left out.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field

from spacy.tokens import Doc

from extract.context import Context
from extract.layout import split_lines
from extract.pipeline import lexicon_spans, sentence
from extract.records import Mention, Quote
from extract.resources import inspectorate_names, read_words

_DOUBLE = re.compile(r"[“”\"]")
_SINGLE_OPEN = re.compile(r"(?:(?<=^)|(?<=[\s(\[“\"—–-]))[‘'](?=\S)")
_SINGLE_CLOSE = re.compile(r"(?<=\S)[’'](?=$|[\s.,;:!?)\]”\"—–-])")
_SINGLE_MAX = 400
_SCARE_MAX_WORDS = 4
_LOOKBACK = 200  # candidates a pronoun may reach back over
_PERSON_PRONOUNS = {"he": "he", "she": "she", "him": "he", "her": "she"}
_ORG_PRONOUNS = {"it", "they"}
_SHE_HONORIFICS = frozenset({"mrs", "ms", "miss", "dame", "lady", "baroness"})
_HE_HONORIFICS = frozenset({"mr", "sir", "lord", "baron"})


@dataclass
class _Passage:
    parts: list[tuple[int, int]]  # content spans (without marks), one per line
    single: bool = False
    closed: bool = True

    @property
    def start(self) -> int:
        return self.parts[0][0]

    @property
    def end(self) -> int:
        return self.parts[-1][1]


@dataclass
class _Candidate:
    """Something that can speak: an official, a named person, an inspectorate, a pronoun, an anonymous source."""

    start: int  # token indices
    end: int
    kind: str  # "person", "org", "pronoun", "anonymous"
    value: str | None
    word: str = ""


@dataclass
class _Speakers:
    candidates: list[_Candidate] = field(default_factory=list)
    inspectorate: str | None = None


def find_passages(body: str) -> tuple[list[_Passage], list[int]]:
    """Quoted passages in reading order, and the offsets of quotation marks left unclosed."""
    passages: list[_Passage] = []
    unclosed: list[int] = []
    pending: _Passage | None = None  # a quote left open at the end of the previous non-empty line
    for row in split_lines(body):
        line, offset, lead = row.text, row.start, row.start
        if pending is not None and line[0] not in "“\"":
            passages.append(pending)
            unclosed.append(pending.parts[0][0] - 1)
            pending = None
        spans, open_at = _double_quotes(line, offset)
        if pending is not None:
            if spans and spans[0][0] == lead + 1:
                first = spans.pop(0)
                pending.parts.append(first)
                passages.append(pending)
                pending = None
            elif open_at == lead:
                pending.parts.append((lead + 1, row.end))
                open_at = None
            else:
                passages.append(pending)
                unclosed.append(pending.parts[0][0] - 1)
                pending = None
        passages.extend(_Passage([s]) for s in spans)
        if open_at is not None:
            pending = _Passage([(open_at + 1, row.end)], closed=False)
        passages.extend(_single_quotes(line, offset, spans + ([pending.parts[-1]] if pending else [])))
    if pending is not None:
        passages.append(pending)
        unclosed.append(pending.parts[0][0] - 1)
    passages = [p for p in passages if any(body[s:e].strip() for s, e in p.parts)]
    passages.sort(key=lambda p: p.start)
    return passages, unclosed


def _double_quotes(line: str, offset: int) -> tuple[list[tuple[int, int]], int | None]:
    spans = []
    open_at: int | None = None
    open_mark = ""
    for match in _DOUBLE.finditer(line):
        mark, pos = match.group(), offset + match.start()
        if open_at is None:
            if mark in "“\"":
                open_at, open_mark = pos, mark
        elif mark == "”" or (mark == '"' and open_mark in '"“'):
            if pos > open_at + 1:
                spans.append((open_at + 1, pos))
            open_at = None
        elif mark == "“":
            open_at = pos
    return spans, open_at


def _single_quotes(line: str, offset: int, taken: list[tuple[int, int]]) -> list[_Passage]:
    found = []
    closes = [m.start() for m in _SINGLE_CLOSE.finditer(line)]
    ci = 0
    last_end = -1
    for match in _SINGLE_OPEN.finditer(line):
        start = match.start()
        if start < last_end:
            continue
        while ci < len(closes) and closes[ci] <= start + 1:
            ci += 1
        if ci == len(closes):
            break
        end = closes[ci]
        if end - start > _SINGLE_MAX:
            continue
        s, e = offset + start + 1, offset + end
        if any(a <= s and e <= b for a, b in taken):
            continue
        found.append(_Passage([(s, e)], single=True))
        last_end = end + 1
    return found


def _speakers(ctx: Context) -> _Speakers:
    doc = ctx.doc
    out = _Speakers()
    taken: set[int] = set()
    for official in ctx.officials:
        for mention in official.mentions:
            span = doc.char_span(*mention.span, alignment_mode="expand")
            if span is not None:
                out.candidates.append(_Candidate(span.start, span.end, "person", official.name))
                taken.update(range(span.start, span.end))
    canonical = inspectorate_names()
    counts: Counter[str] = Counter()
    for ent in doc.ents:
        if ent.start in taken:
            continue
        if ent.label_ == "ORG" and ent.ent_id_ in canonical:
            counts[canonical[ent.ent_id_]] += 1
            out.candidates.append(_Candidate(ent.start, ent.end, "org", canonical[ent.ent_id_]))
        elif ent.label_ == "PERSON" and len(ent) >= 2 and all(t.is_alpha for t in ent):
            out.candidates.append(_Candidate(ent.start, ent.end, "person", ent.text))
        elif ent.label_ == "ORG":
            out.candidates.append(_Candidate(ent.start, ent.end, "org", ent.text, word="named"))
    out.inspectorate = counts.most_common(1)[0][0] if counts else None
    reports = read_words("quotes/report_speakers.txt")
    anonymous = read_words("quotes/anonymous_speakers.txt")
    for token in doc:
        if token.i in taken or token.ent_type_:
            continue
        lower = token.lower_
        if lower in reports:
            out.candidates.append(_Candidate(token.i, token.i + 1, "org", out.inspectorate, word=lower))
        elif lower in anonymous:
            out.candidates.append(_Candidate(token.i, token.i + 1, "anonymous", None, word=lower))
        elif lower in _PERSON_PRONOUNS or lower in _ORG_PRONOUNS:
            out.candidates.append(_Candidate(token.i, token.i + 1, "pronoun", None, word=lower))
    out.candidates.sort(key=lambda c: c.start)
    return out


def _speech_verbs(doc: Doc) -> list[int]:
    return sorted({span.start for span in lexicon_spans(doc, ["SPEECH_VERB"])})


def _length(doc: Doc) -> int:
    return doc[-1].idx + len(doc[-1].text_with_ws) if len(doc) else 0


def _token_at(doc: Doc, char: int, after: bool) -> int:
    span = doc.char_span(char, char + 1, alignment_mode="expand") if 0 <= char < _length(doc) else None
    if span is None:
        return len(doc) if after else 0
    return span.start


class _Attributor:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.doc = ctx.doc
        self.speakers = _speakers(ctx)
        self.verbs = _speech_verbs(self.doc)
        self.verb_set = set(self.verbs)
        self.previous: _Candidate | None = None
        self.quote_tokens: list[tuple[int, int]] = []
        self.quote_starts: list[int] = []
        self.cand_starts: list[int] = []

    def _candidates_in(self, start: int, end: int) -> list[_Candidate]:
        cands = self.speakers.candidates
        if len(self.cand_starts) != len(cands):
            self.cand_starts = [c.start for c in cands]
        i = bisect.bisect_left(self.cand_starts, start)
        found = []
        while i < len(cands) and cands[i].start < end:
            if cands[i].end <= end:
                found.append(cands[i])
            i += 1
        return found

    def _recent(self, before: int, limit: int = _LOOKBACK) -> list[_Candidate]:
        """Candidates starting before token `before`, at most `limit` of them, nearest last."""
        cands = self.speakers.candidates
        if len(self.cand_starts) != len(cands):
            self.cand_starts = [c.start for c in cands]
        i = bisect.bisect_left(self.cand_starts, before)
        return cands[max(0, i - limit) : i]

    def _inside_quote(self, i: int) -> bool:
        k = bisect.bisect_right(self.quote_starts, i) - 1
        return k >= 0 and self.quote_tokens[k][0] <= i < self.quote_tokens[k][1]

    def set_quotes(self, spans: list[tuple[int, int]]) -> None:
        self.quote_tokens = sorted(spans)
        self.quote_starts = [a for a, _ in self.quote_tokens]

    def _resolve(self, cand: _Candidate) -> _Candidate:
        """Turn a pronoun into the speaker it stands for."""
        if cand.kind != "pronoun":
            return cand
        want = "org" if cand.word in _ORG_PRONOUNS else "person"
        sent = sentence(self.doc, cand.start)
        same = [c for c in self._candidates_in(sent.start, cand.start)
                if c.start < cand.start and c.kind == want and not self._inside_quote(c.start)]
        if same:
            return same[-1]
        prev = self.previous
        if want == "org":
            if prev is not None and prev.kind == "org":
                return prev  # "It added that ..."
            if cand.word == "they":
                return _Candidate(cand.start, cand.end, "anonymous", None)
        before = [c for c in self._recent(cand.start)
                  if c.kind in (want, "anonymous") and not self._inside_quote(c.start)
                  and (c.kind == "anonymous" or self._fits(c, cand.word))]
        if want == "org":
            before = [c for c in before if c.value is not None and c.word != "named"]
        if before and before[-1].kind == "person":
            return before[-1]  # "... said Jane Roe. "Quote," she said."
        if prev is not None and prev.kind == want and self._fits(prev, cand.word):
            return prev
        return before[-1] if before else _Candidate(cand.start, cand.end, "anonymous", None)

    def _fits(self, cand: _Candidate, pronoun: str) -> bool:
        if cand.kind != "person" or pronoun not in ("he", "she"):
            return True
        honorific = next((o.honorific for o in self.ctx.officials if o.name == cand.value), None)
        if not honorific:
            return True
        hon = honorific.lower().rstrip(".")
        return not ((pronoun == "he" and hon in _SHE_HONORIFICS) or (pronoun == "she" and hon in _HE_HONORIFICS))

    def after(self, close_tok: int, content: str) -> _Candidate | None:
        """`," said Jane Roe.` / `," she added.` / `," the report concluded.` right after the closing mark."""
        doc = self.doc
        i = close_tok
        while i < len(doc) and doc[i].is_punct and doc[i].text not in (".", "!", "?"):
            i += 1
        if i >= len(doc) or doc[i].is_space or doc[i].text in (".", "!", "?"):
            return None
        if content.rstrip().endswith((".", "!", "?")) and doc[i].text[:1].isupper():
            return None  # the sentence ended inside the quote: what follows is a new one
        cands = {c.start: c for c in self._candidates_in(i, i + 3)}
        if i in self.verb_set:  # said Jane Roe / said the report
            j = i + 1 + (i + 1 < len(doc) and doc[i + 1].lower_ in ("the", "a", "an"))
            return cands.get(j)
        j = i + (doc[i].lower_ in ("the", "a", "an"))
        cand = cands.get(j)
        if cand is None:
            return None
        k = cand.end + (cand.end < len(doc) and doc[cand.end].pos_ == "ADV")
        return cand if k in self.verb_set else None

    def before(self, start_tok: int, open_tok: int) -> _Candidate | None:
        """The subject of the last verb of saying between start_tok and the opening mark."""
        lo, hi = bisect.bisect_left(self.verbs, start_tok), bisect.bisect_left(self.verbs, open_tok)
        verbs = [v for v in self.verbs[lo:hi] if not self._inside_quote(v)
                 and not self._passive(v)]
        if not verbs:
            return None
        verb = verbs[-1]
        sent_start = max(start_tok, sentence(self.doc, verb).start)
        cands = [c for c in self._candidates_in(sent_start, verb)
                 if not self._inside_quote(c.start) and not self._object(c)]
        if cands:
            if verb > 0 and self.doc[verb - 1].text == ",":  # "Jane Roe, the CQC's chief inspector, said"
                subject = next((c for c in cands if c.end < len(self.doc) and self.doc[c.end].text == ","
                                and c.kind != "anonymous"), None)
                if subject is not None:
                    return subject
            return cands[-1]
        j = verb + 1 + (verb + 1 < len(self.doc) and self.doc[verb + 1].lower_ in ("the", "a", "an"))
        cand = next((c for c in self._candidates_in(j, j + 12) if c.start == j and c.kind != "pronoun"), None)
        if cand is None or (cand.end < open_tok and self.doc[cand.end].text != ":"):
            return None  # "says the report makes ...": the report is spoken about
        return cand

    def _object(self, cand: _Candidate) -> bool:
        """ "welcomed the report", "told Ofsted": a candidate after a verb or preposition is not the speaker."""
        i = cand.start - 1
        while i >= 0 and self.doc[i].pos_ == "DET":
            i -= 1
        return i >= 0 and self.doc[i].pos_ in ("VERB", "ADP") and self.doc[i].lower_ not in ("by", "from", "according")

    def _passive(self, verb: int) -> bool:
        """"were branded as ..." names who was spoken about, not who spoke."""
        doc = self.doc
        return doc[verb].tag_ == "VBN" and verb > 0 and doc[verb - 1].lemma_ == "be"


def extract_quotes(ctx: Context) -> list[Quote]:
    body = ctx.article.body
    text = ctx.text
    passages, unclosed = find_passages(body)
    for pos in unclosed:
        ctx.warnings.append(f"quotation mark at offset {pos} is never closed; the quote runs to the end of its line")
    doc = ctx.doc
    attributor = _Attributor(ctx)
    line_starts = [m.end() for m in re.finditer(r"\n", body)]
    attributor.set_quotes([(_token_at(doc, p.start, False), _token_at(doc, p.end, True)) for p in passages])
    quotes: list[Quote] = []
    seen: dict[str, int] = {}
    last: tuple[int, int, _Candidate] | None = None  # end offset, end token and speaker of the last attributed quote
    previous_end = -1
    for passage in passages:
        open_tok = _token_at(doc, passage.start - 1, False)
        close_tok = _token_at(doc, passage.end, True) + 1
        k = bisect.bisect_right(line_starts, passage.start)
        line_start = line_starts[k - 1] if k else 0
        prev_quote_end = previous_end if line_start <= previous_end < passage.start else -1
        previous_end = max(previous_end, passage.end)
        start_tok = _token_at(doc, max(line_start, prev_quote_end + 1), True)
        cand = attributor.after(close_tok, text[passage.start : passage.end]) if passage.closed else None
        if cand is None:
            cand = attributor.before(start_tok, open_tok)
        if cand is None and body[line_start:passage.start - 1].strip() == "":
            cand = _colon_lead_in(attributor, body, line_start)
        if cand is None and last is not None and last[0] >= line_start:
            between = body[last[0] : passage.start]
            if not re.search(r"[.!?]\s|\n", between) and not any(
                    v for v in attributor.verbs if last[1] <= v < open_tok):
                cand = last[2]  # 'said leadership had "improved" and that staff were "proud"': one speaker
        speaker = span = None
        if cand is not None:
            cand = attributor._resolve(cand)
            speaker = cand.value
            if speaker is not None:
                attributor.previous = cand
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


def _quote(text: str, passage: _Passage, speaker: str | None, span: tuple[int, int] | None) -> Quote:
    parts = [Mention(text=text[s:e], span=(s, e)) for s, e in passage.parts] if len(passage.parts) > 1 else []
    return Quote(
        text=text[passage.start : passage.end], span=(passage.start, passage.end), speaker=speaker,
        speaker_span=span, parts=parts,
    )


def _colon_lead_in(attributor: _Attributor, body: str, line_start: int) -> _Candidate | None:
    """`Cllr Jane Roe said:` on the line above a quote that opens its paragraph."""
    prev_end = line_start - 1
    while prev_end > 0 and body[prev_end - 1] in " \t\r\n":
        prev_end -= 1
    if prev_end <= 0 or body[prev_end - 1] != ":":
        return None
    prev_start = body.rfind("\n", 0, prev_end - 1) + 1
    doc = attributor.doc
    start_tok = _token_at(doc, prev_start, True)
    colon_tok = _token_at(doc, prev_end - 1, False)
    return attributor.before(start_tok, colon_tok + 1)
