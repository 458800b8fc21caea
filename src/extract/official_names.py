"""Where a person's name is in the tokens: name-shaped words, honorifics, and the line wraps inside names.

The NER's PERSON entities are cleaned (honorifics, titles, possessives and post-nominals taken off, a first
name it left out taken back), and names after an honorific or a role are read from the tokens, since the
NER misses rare names. Daily Mail text files wrap lines mid-sentence; a wrap is not a sentence end for
these rules (`clause_of`), and a name or title cut by one is read whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from extract.layout import wrap_breaks
from extract.pipeline import lexicon_spans, memo
from extract.resources import read_list, read_words

_NAME_TOKEN = re.compile(r"[A-Z](?:['’][A-Z])?(?:[a-z]+(?:[-'’][A-Z]?[a-z]+)*|[a-z]*[A-Z][a-z]+|\.)?")
MAX_NAME_TOKENS = 4
POSSESSIVE = frozenset({"'s", "’s", "'", "’"})
# honours after a name, not part of it ("Jane Roe QC"); an office after a name ("Wexcombe North MP") is left to the
# role rules, since the NER often tags a constituency and its MP as one PERSON
_POST_NOMINALS = frozenset(read_list("officials/post_nominals.txt"))


def is_wrap(doc: Doc, i: int) -> bool:
    """Token i is a line break inside a sentence (`layout.wrap_breaks`): the source wrapped a long line
    mid-sentence. Such a break must not end a name, a role or the sentence they are read in."""
    tok = doc[i]
    if not tok.is_space or tok.text.count("\n") != 1 or i == 0:
        return False
    wraps = memo(doc, "extract_wraps", lambda: wrap_breaks(doc.text))  # `Doc.text` joins every token per call
    return tok.idx + tok.text.index("\n") in wraps


def _clause_bounds(doc: Doc) -> tuple[list[int], list[int]]:
    starts = [0] * len(doc)
    ends = [0] * len(doc)
    groups: list[list[int]] = []
    for sent in doc.sents:
        k = sent.start
        joined = False
        if groups:
            j = k - 1
            while j >= groups[-1][0] and doc[j].is_space and not is_wrap(doc, j):
                j -= 1
            joined = j >= groups[-1][0] and is_wrap(doc, j)
        if joined:
            groups[-1][1] = sent.end
        else:
            groups.append([sent.start, sent.end])
    for start, end in groups:
        for k in range(start, end):
            starts[k] = start
            ends[k] = end
    return starts, ends


def clause_of(doc: Doc, i: int) -> Span:
    """The sentence holding token i, joined with its neighbours across wrapped lines (see `is_wrap`)."""
    bounds = memo(doc, "extract_officials_clauses", lambda: _clause_bounds(doc))
    i = min(max(i, 0), len(doc) - 1)
    return doc[bounds[0][i] : bounds[1][i]]


def joins_name(doc: Doc, i: int, limit: int) -> bool:
    """Token i sits inside a name that goes on at i + 1: a wrapped line ("Sir Jane \\nRoe") or the hyphen of
    a double-barrelled name ("Ashby-Roe", which spaCy splits in three)."""
    if i + 1 >= limit or not is_name_token(doc[i + 1]):
        return False
    tok = doc[i]
    if tok.text in ("-", "‐") and not tok.whitespace_ and i > 0 and not doc[i - 1].whitespace_:
        return True
    return is_wrap(doc, i)


def name_text(doc: Doc, start: int, end: int) -> str:
    """A name as one line: wrapped lines joined by a space, a double-barrelled name kept whole."""
    parts = []
    for tok in doc[start:end]:
        parts.append(" " if tok.is_space else tok.text_with_ws)
    return " ".join("".join(parts).split())




@dataclass
class NameSpan:
    """One mention of a person: name tokens [start, end) and an optional honorific in front."""

    start: int
    end: int
    honorific: Span | None = None
    roles: list[str] = field(default_factory=list)
    party: str | None = None
    organisation: str | None = None

    @property
    def first(self) -> int:
        return self.honorific.start if self.honorific is not None else self.start



def is_name_token(token: Token) -> bool:
    """A capitalised word that can be part of a person's name (not an org word, not ALL CAPS)."""
    text = token.text
    if "\n" in token.whitespace_ or not _NAME_TOKEN.fullmatch(text):
        return False
    return text.lower() not in read_words("officials/not_name_words.txt")


def honorific_spans(doc: Doc) -> dict[int, Span]:
    """Capitalised honorifics by their first token, longest first ("Det Chief Insp" over "Det")."""
    spans = [s for s in lexicon_spans(doc, ["HONORIFIC"]) if s.text[:1].isupper()]
    return {s.start: s for s in filter_spans(spans)}


def name_after(doc: Doc, i: int, limit: int, honorifics: dict[int, Span]) -> NameSpan | None:
    """The name starting at token i (after optional honorifics), or None."""
    hon = None
    chain = 0
    while i < limit and i in honorifics and chain < 4:
        chain += 1
        hon = honorifics[i] if hon is None else doc[hon.start : honorifics[i].end]
        i = honorifics[i].end
    if hon is not None and i < limit and is_wrap(doc, i) and i + 1 < limit and is_name_token(doc[i + 1]):
        i += 1  # "Dr\n Roe"
    start = i
    words = 0
    while i < limit and words < MAX_NAME_TOKENS and is_name_token(doc[i]):
        i += 1
        words += 1
        if "\n" in doc[i - 1].whitespace_:
            break
        if i < limit and joins_name(doc, i, limit):
            i += 1
    if i == start:
        return None
    if hon is None and words < 2:
        return None
    if i < len(doc) and doc[i].ent_iob_ == "I" and doc[i].ent_type_ != "PERSON":
        return None  # the start of a longer name of a body or place: "Westmarch Vale Police"
    return NameSpan(start, i, hon)


def clean_entity(ent: Span, honorifics: dict[int, Span], role_tokens: frozenset[int]) -> NameSpan | None:
    doc = ent.doc
    start, end = ent.start, ent.end
    while start < end and start in role_tokens:  # "Headteacher Mrs Jane Roe"
        start += 1
    hon = None
    while start < end and start in honorifics:
        hon = honorifics[start]
        start = hon.end
    while end > start and (doc[end - 1].text in POSSESSIVE or doc[end - 1].text in _POST_NOMINALS):  # "Jane Roe QC"
        end -= 1
    if hon is None:  # "Dafydd Emrys Roe" tagged from "Emrys": the run of names goes on to the left
        while (start > 0 and end - start < 3 and is_name_token(doc[start - 1]) and doc[start - 1].pos_ == "PROPN"
               and start - 1 not in role_tokens and not doc[start - 1].ent_type_
               and doc[start - 1].lower_ not in STOP_WORDS
               and not any(h.start <= start - 1 < h.end for h in honorifics.values())):
            start -= 1
    while end < len(doc) - 1 and joins_name(doc, end, len(doc)) and end - start < MAX_NAME_TOKENS:
        end += 2  # the entity stopped at a hyphen or a wrapped line
    for i in range(start, end):
        if joins_name(doc, i, end):
            continue
        if not is_name_token(doc[i]) and not (i == end - 1 and doc[i].text == "."):
            return None
        if "\n" in doc[i].whitespace_ and i < end - 1:
            return None
    if end - start > MAX_NAME_TOKENS or end == start:
        return None
    if hon is None:
        before = [h for h in honorifics.values() if h.end == start]
        hon = before[0] if before else None
    if hon is None and end - start < 2 and not doc[start].text.isalpha():
        return None
    return NameSpan(start, end, hon)
