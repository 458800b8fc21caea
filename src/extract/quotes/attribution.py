"""Who said a quote, from the words around it.

1. after it, in the same sentence: `," said Jane Roe`, `," she said`, `," said its chairman, Sir John Doe`;
2. before it, in the same sentence: the subject of the last verb of saying (`Jane Roe told the meeting ...`);
3. a colon lead-in ending the paragraph above (`Cllr Jane Roe said:`).
Pronouns resolve to a speaker named earlier in the same sentence, else to the previous speaker when it
fits (he/she: a person; it: a body), else to the nearest person who was the subject of a sentence.
"""

from __future__ import annotations

import bisect
from functools import cached_property

from spacy.tokens import Doc

from extract.context import Context
from extract.pipeline import lexicon_spans, sentence
from extract.quotes.speakers import ORG_PRONOUNS, Candidate, find_speakers, is_subject
from extract.resources import read_words

_LOOKBACK = 200  # candidates a pronoun may reach back over
_AFTER_WINDOW = 16  # tokens after "said" in which the speaker's name may stand ("said the chair of ..., Jane Roe")
_SHE_HONORIFICS = read_words("quotes/honorifics_she.txt")
_HE_HONORIFICS = read_words("quotes/honorifics_he.txt")
_RELATIVES = frozenset({"who", "whose", "which", "whom"})
_ARTICLES = ("the", "a", "an", "its", "his", "her", "their")


def speech_verbs(doc: Doc) -> list[int]:
    return sorted({span.start for span in lexicon_spans(doc, ["SPEECH_VERB"])})


class Attributor:
    """Attribution state for one article: its candidates, verbs of saying, quotes and the last speaker."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.doc = ctx.doc
        self.speakers = find_speakers(ctx)
        self.verbs = speech_verbs(self.doc)
        self.verb_set = set(self.verbs)
        self.previous: Candidate | None = None
        self.spoken: set[str] = set()
        self.quote_tokens: list[tuple[int, int]] = []
        self.quote_starts: list[int] = []
        self.cand_starts = [c.start for c in self.speakers.candidates]

    def candidates_in(self, start: int, end: int) -> list[Candidate]:
        cands = self.speakers.candidates
        i = bisect.bisect_left(self.cand_starts, start)
        found = []
        while i < len(cands) and cands[i].start < end:
            if cands[i].end <= end:
                found.append(cands[i])
            i += 1
        return found

    def _recent(self, before: int, limit: int = _LOOKBACK) -> list[Candidate]:
        """Candidates starting before token `before`, at most `limit` of them, nearest last."""
        i = bisect.bisect_left(self.cand_starts, before)
        return self.speakers.candidates[max(0, i - limit) : i]

    def inside_quote(self, i: int) -> bool:
        k = bisect.bisect_right(self.quote_starts, i) - 1
        return k >= 0 and self.quote_tokens[k][0] <= i < self.quote_tokens[k][1]

    def set_quotes(self, spans: list[tuple[int, int]]) -> None:
        self.quote_tokens = sorted(spans)
        self.quote_starts = [a for a, _ in self.quote_tokens]

    @cached_property
    def abbreviations(self) -> dict[str, Candidate]:
        """Short forms the article defines for people: "Jane Roe (JR)"."""
        found = {}
        doc = self.doc
        for cand in self.speakers.candidates:
            end = cand.end
            if cand.kind == "person" and end + 2 < len(doc) and doc[end].text == "(" \
                    and doc[end + 2].text.startswith(")") and len(doc[end + 1].text) <= 8:
                found.setdefault(doc[end + 1].text, cand)
        return found

    def spoke(self, cand: Candidate) -> None:
        """Remember who spoke last, for pronouns and quotes that go on."""
        self.previous = cand
        if cand.value:
            self.spoken.add(cand.value)

    def resolve(self, cand: Candidate) -> Candidate:
        """Turn a pronoun into the speaker it stands for."""
        if cand.kind != "pronoun":
            return cand
        want = "org" if cand.word in ORG_PRONOUNS else "person"
        sent = sentence(self.doc, cand.start)
        same = [c for c in self.candidates_in(sent.start, cand.start)
                if c.start < cand.start and c.kind == want and not c.minor and not self.inside_quote(c.start)]
        if same:
            return same[-1]
        prev = self.previous
        if want == "org":
            if prev is not None and prev.kind == "org":
                return prev  # "It added that ..."
            if cand.word == "they":
                return Candidate(cand.start, cand.end, "anonymous", None)
        recent = self._recent(cand.start)
        before = []
        for index, c in enumerate(recent):
            if c.kind not in (want, "anonymous") or c.minor or self.inside_quote(c.start):
                continue
            if c.kind == "anonymous" or (self._fits(c, cand.word)
                                         and (c.value in self.spoken or is_subject(self.doc, c, recent[:index]))):
                before.append(c)
        if want == "org":
            before = [c for c in before if c.value is not None and c.word != "named"]
        if before and before[-1].kind == "person":
            return before[-1]  # "... said Jane Roe. "Quote," she said."
        if prev is not None and prev.kind == want and self._fits(prev, cand.word):
            return prev
        return before[-1] if before else Candidate(cand.start, cand.end, "anonymous", None)

    def _fits(self, cand: Candidate, pronoun: str) -> bool:
        if cand.kind != "person" or pronoun not in ("he", "she"):
            return True
        honorific = next((o.honorific for o in self.ctx.officials if o.name == cand.value), None)
        if not honorific:
            return True
        hon = honorific.lower().rstrip(".")
        return not ((pronoun == "he" and hon in _SHE_HONORIFICS) or (pronoun == "she" and hon in _HE_HONORIFICS))

    def after(self, close_tok: int, content: str) -> Candidate | None:
        """`," said Jane Roe.` / `," she added.` / `," said its chairman, Sir John Doe.` after the closing mark."""
        doc = self.doc
        i = close_tok
        while i < len(doc) and doc[i].is_punct and doc[i].text not in (".", "!", "?"):
            i += 1
        if i >= len(doc) or doc[i].is_space or doc[i].text in (".", "!", "?"):
            return None
        if content.rstrip().endswith((".", "!", "?")) and doc[i].text[:1].isupper():
            return None  # the sentence ended inside the quote: what follows is a new one
        cands = {c.start: c for c in self.candidates_in(i, i + 3)}
        if i in self.verb_set:  # said Jane Roe / said the report / said the chairman of X, Jane Roe
            j = i + 1 + (i + 1 < len(doc) and doc[i + 1].lower_ in _ARTICLES)
            if j in cands and cands[j].kind != "anonymous":
                return cands[j]
            end = min(len(doc), sentence(doc, i).end, i + _AFTER_WINDOW)
            person = next((c for c in self.candidates_in(i + 1, end)
                           if c.kind == "person" and not self.inside_quote(c.start)), None)
            return person or cands.get(j)
        j = i + (doc[i].lower_ in ("the", "a", "an"))
        cand = cands.get(j)
        if cand is None:
            return None
        k = cand.end + (cand.end < len(doc) and doc[cand.end].pos_ == "ADV")
        return cand if k in self.verb_set else None

    def before(self, start_tok: int, open_tok: int) -> Candidate | None:
        """The subject of the last verb of saying between start_tok and the opening mark."""
        lo, hi = bisect.bisect_left(self.verbs, start_tok), bisect.bisect_left(self.verbs, open_tok)
        verbs = [v for v in self.verbs[lo:hi] if not self.inside_quote(v) and not self._passive(v)]
        if not verbs:
            return None
        verb = verbs[-1]
        sent_start = max(start_tok, sentence(self.doc, verb).start)
        cands = [c for c in self.candidates_in(sent_start, verb) if not self.inside_quote(c.start) and not c.minor]
        starts = {c.start for c in cands}
        cands = [c for c in cands if not (c.kind == "anonymous" and c.end in starts)]  # "Close friend Tom Roe"
        relative = next((i for i in range(sent_start + 1, verb) if self.doc[i].lower_ in _RELATIVES
                         and self.doc[i - 1].text == ","), None)
        if relative is not None and any(c.start < relative for c in cands):
            cands = [c for c in cands if c.start < relative]  # "Jane Roe, whose mother ..., said"
        if cands:
            if verb > 0 and self.doc[verb - 1].text == ",":  # "Jane Roe, the CQC's chief inspector, said"
                framed = [c for c in cands if c.end < len(self.doc) and self.doc[c.end].text == ","
                          and c.kind != "anonymous"]
                person = next((c for c in framed if c.kind == "person"), None)
                if person is not None or framed:
                    return person or framed[0]
            return cands[-1]
        j = verb + 1 + (verb + 1 < len(self.doc) and self.doc[verb + 1].lower_ in ("the", "a", "an"))
        cand = next((c for c in self.candidates_in(j, j + 12) if c.start == j and c.kind != "pronoun"), None)
        if cand is None or (cand.end < open_tok and self.doc[cand.end].text != ":"):
            return None  # "says the report makes ...": the report is spoken about
        return cand

    def _passive(self, verb: int) -> bool:
        """"were branded as ..." names who was spoken about, not who spoke."""
        doc = self.doc
        return doc[verb].tag_ == "VBN" and verb > 0 and doc[verb - 1].lemma_ == "be"
