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
from extract.layout import Line, paragraphs
from extract.pipeline import lexicon_spans, sentence
from extract.records import Mention, Quote
from extract.resources import inspectorate_names, read_words

_SINGLE_MAX = 400
_SCARE_MAX_WORDS = 4
_SENTENCE_BREAK = re.compile(r"[.!?][’'\"”]?\s+[‘'\"“]?[A-Z]")
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


_MARK = re.compile(r"[“”\"‘’']")
_OPENS_DOUBLE = "“\""
_CLOSES_DOUBLE = "”\""


def _single_open(line: str, i: int) -> bool:
    """A single mark that opens a quote: at the start of a word ("'Too spoilt'"), not an apostrophe."""
    before = line[i - 1] if i else " "
    return (i + 1 < len(line) and not line[i + 1].isspace()) and (before.isspace() or before in "([“\"—–-")


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
        return next((m.start() for m in _MARK.finditer(line, start + 1) if m.group() in _CLOSES_DOUBLE), None)
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
        if (single and not _single_open(line, i)) or mark in "”’":
            pos = i + 1
            continue
        end = _close_of(line, i, single)
        if end is None:
            found.append((i + 1, None, single))
            return found
        if end > i + 1:
            found.append((i + 1, end, single))
        pos = end + 1


def find_passages(body: str) -> tuple[list[_Passage], list[int]]:
    """Quoted passages in reading order, and the offsets of quotation marks left unclosed.

    Paragraphs are read whole (wrapped lines joined). A quote left open at the end of a paragraph
    goes on in the next one when that opens with the same kind of mark, as in print.
    """
    passages: list[_Passage] = []
    unclosed: list[int] = []
    pending: _Passage | None = None
    for row in paragraphs(body):
        line, offset = row.text, row.start
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
                pending = _Passage([(offset + start, offset + len(line))], single=single, closed=False)
            else:
                passages.append(_Passage([(offset + start, offset + end)], single=single))
    if pending is not None:
        passages.append(pending)
        unclosed.append(pending.parts[0][0] - 1)
    passages = [p for p in passages if any(body[s:e].strip() for s, e in p.parts)]
    passages.sort(key=lambda p: p.start)
    return passages, unclosed


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
    names = _NameBook(ctx)
    canonical = inspectorate_names()
    counts: Counter[str] = Counter()
    for ent in doc.ents:
        if ent.start in taken:
            continue
        if ent.label_ == "ORG" and ent.ent_id_ in canonical:
            counts[canonical[ent.ent_id_]] += 1
            out.candidates.append(_Candidate(ent.start, ent.end, "org", canonical[ent.ent_id_]))
        elif ent.label_ == "PERSON" and all(t.is_alpha or t.text in "'’-." for t in ent):
            value = names.full(ent)
            if value:
                out.candidates.append(_Candidate(ent.start, ent.end, "person", value))
        elif ent.label_ == "ORG":
            out.candidates.append(_Candidate(ent.start, ent.end, "org", ent.text, word="named"))
        taken.update(range(ent.start, ent.end))
    out.candidates.extend(names.unlabelled(taken))
    out.inspectorate = counts.most_common(1)[0][0] if counts else None
    reports = read_words("quotes/report_speakers.txt")
    anonymous = read_words("quotes/anonymous_speakers.txt")
    by_end = {c.end: c for c in out.candidates if c.kind == "person"}
    for token in doc:
        if token.i in taken or token.ent_type_:
            continue
        lower = token.lower_
        if lower in reports:
            owner = _owner(doc, token.i, by_end)  # "Professor Jane Roe's report said"
            value = owner.value if owner else out.inspectorate
            out.candidates.append(_Candidate(token.i, token.i + 1, "person" if owner else "org", value, word=lower))
        elif lower in anonymous:
            out.candidates.append(_Candidate(token.i, token.i + 1, "anonymous", None, word=lower))
        elif lower in _PERSON_PRONOUNS or lower in _ORG_PRONOUNS:
            out.candidates.append(_Candidate(token.i, token.i + 1, "pronoun", None, word=lower))
    out.candidates.sort(key=lambda c: c.start)
    return out


def _owner(doc: Doc, i: int, by_end: dict[int, _Candidate]) -> _Candidate | None:
    """The person whose report this is: "Jane Roe's report", "Jane Roe's damning report"."""
    j = i - 1
    while j > 0 and doc[j].pos_ == "ADJ":
        j -= 1
    if j > 0 and doc[j].tag_ == "POS":
        return by_end.get(j)
    return None


class _NameBook:
    """People's full names, so "Mr Kershaw" or a surname the NER found alone speaks as the full name.

    Names the NER missed ("Christine Blower, general secretary of ..., said") are proper-noun runs of two
    to four title-case words that no entity covers.
    """

    def __init__(self, ctx: Context) -> None:
        self.doc = ctx.doc
        self.honorifics = {span.start: span for span in lexicon_spans(self.doc, ["HONORIFIC"])}
        self.by_surname: dict[str, str] = {}
        for official in ctx.officials:
            self.by_surname.setdefault(official.name.split()[-1].lower(), official.name)
        for ent in self.doc.ents:
            if ent.label_ == "PERSON" and len(ent) >= 2:
                self.by_surname.setdefault(ent[-1].lower_, _clean(ent.text))

    def full(self, span) -> str | None:
        words = [t for t in span if not t.is_punct]
        if len(words) >= 2:
            return _clean(span.text)
        if not words or not words[0].is_title:
            return None
        return self.by_surname.get(words[0].lower_, words[0].text)

    def unlabelled(self, taken: set[int]) -> list[_Candidate]:
        doc, found, i = self.doc, [], 0
        while i < len(doc):
            if i in taken or not _name_token(doc[i]):
                i += 1
                continue
            start = i
            while i < len(doc) and i not in taken and _name_token(doc[i]) and i - start < 4:
                i += 1
            honorific = self.honorifics.get(start)
            if honorific is not None and honorific.end < i:  # "Mr Kershaw", "Dr Jane Roe"
                tail = doc[honorific.end : i]
                value = _clean(tail.text) if len(tail) >= 2 else self.by_surname.get(tail[0].lower_, tail[0].text)
                found.append(_Candidate(start, i, "person", value))
            elif i - start >= 2 and doc[start].ent_type_ == "" and not _org_like(doc[i - 1]):
                found.append(_Candidate(start, i, "person", _clean(doc[start:i].text)))
        return found


def _name_token(token) -> bool:
    return token.tag_ in ("NNP", "NNPS") and token.is_title and token.is_alpha


def _org_like(token) -> bool:
    return token.lower_ in read_words("quotes/organisation_heads.txt")


def _clean(name: str) -> str:
    return " ".join(name.replace("’s", "").replace("'s", "").split())


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
    paras = paragraphs(body)
    para_starts = [p.start for p in paras]
    attributor.set_quotes([(_token_at(doc, p.start, False), _token_at(doc, p.end, True)) for p in passages])
    quotes: list[Quote] = []
    seen: dict[str, int] = {}
    last: tuple[int, int, _Candidate] | None = None  # end offset, end token and speaker of the last attributed quote
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
        if cand is None and body[line_start : passage.start - 1].strip() == "":
            cand = _colon_lead_in(attributor, paras[k - 1]) if k >= 1 else None
        opens_paragraph = body[line_start : passage.start - 1].strip() == ""
        if cand is None and last is not None and last[0] >= line_start \
                and not _SENTENCE_BREAK.search(body, last[0], passage.start):
            cand = last[2]  # 'said leadership had "improved" and that staff were "proud"': one speaker
        if cand is None and opens_paragraph and last is not None and k >= 1 and last[0] >= para_starts[k - 1]:
            cand = last[2]  # a paragraph that only goes on quoting keeps the speaker of the one before
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


def _colon_lead_in(attributor: _Attributor, previous: Line) -> _Candidate | None:
    """`Cllr Jane Roe said:` ending the paragraph above a quote that opens its own."""
    if not previous.text.endswith(":"):
        return None
    doc = attributor.doc
    start_tok = _token_at(doc, previous.start, True)
    colon_tok = _token_at(doc, previous.end - 1, False)
    return attributor.before(start_tok, colon_tok + 1)
