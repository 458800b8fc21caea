"""When a grade word is a verdict: the rating verbs, nouns and prepositions around it, and what voids it
(hypothesis, negation). Vocabulary lives in models/ratings/cues.json."""

from __future__ import annotations

import bisect
import json
from functools import cache

from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from extract.pipeline import lexicon_spans, memo, sentence
from extract.resources import models_dir, read_words

_WINDOW = 7


SKIPPABLE = frozenset({
    "as", "still", "again", "now", "being", "be", "been", "overall", "an", "a", "to", "by", "ofsted", "previously",
    "formerly", "once", "also", "both", "officially", "currently", "already", "‘", "’", "'", '"', "“", "”", "was",
    "were", "is", "are", "has", "have", "had", "from",
})


CLAUSE_BREAKS = frozenset({";", ":", "(", ")", "—", "–", "-"})


def is_break(tok: Token) -> bool:
    """A clause break; a hyphen only when spaced as a dash ("receive - poor hospitals"), not in "30-bed"."""
    if tok.text == "-":
        return bool(tok.whitespace_) and tok.i > 0 and bool(tok.doc[tok.i - 1].whitespace_)
    return tok.text in CLAUSE_BREAKS
_BE = frozenset({"is", "was", "are", "were", "been", "remains", "remained", "be"})
_QUOTES = frozenset({"’", "'", '"', "”", "‘", "“"})


@cache
def vocab() -> dict[str, frozenset[str]]:
    raw = json.loads((models_dir() / "ratings" / "cues.json").read_text(encoding="utf-8"))
    return {k: frozenset(v) for k, v in raw.items() if isinstance(v, list)}


@cache
def body_kinds() -> dict[str, frozenset[str]]:
    """Kind noun -> head words of the named bodies it can stand for ("the school" -> "... Academy")."""
    raw = json.loads((models_dir() / "ratings" / "cues.json").read_text(encoding="utf-8"))["body_kinds"]
    return {k: frozenset(v) for k, v in raw.items() if isinstance(v, list)}


def ents_in(doc: Doc, start: int, end: int) -> list[Span]:
    """Entities overlapping doc[start:end], found by bisection so that many verdicts stay linear."""
    ents, ends = memo(doc, "extract_ents", lambda: _ents_index(doc))
    i = bisect.bisect_right(ends, start)
    found = []
    while i < len(ents) and ents[i].start < end:
        found.append(ents[i])
        i += 1
    return found


def _ents_index(doc: Doc) -> tuple[tuple[Span, ...], list[int]]:
    ents = doc.ents  # a new tuple on every access: read once
    return ents, [e.end for e in ents]


def grade_spans(doc: Doc) -> list[Span]:
    """Grade words, the longest where matches overlap: "very good" is Scotland's fifth point, not "good";
    "not sufficiently good" is HMI Prisons' second, not "good"."""
    return memo(doc, "extract_grade_spans",
                lambda: sorted(filter_spans(lexicon_spans(doc, ["GRADE"])), key=lambda g: g.start))


def grade_spans_by_start(doc: Doc) -> dict[int, Span]:
    return {g.start: g for g in grade_spans(doc)}


def grades_by_end(doc: Doc) -> dict[int, Span]:
    return memo(doc, "extract_grades", lambda: {g.end: g for g in grade_spans(doc)})


def cue_before(doc: Doc, grade: Span) -> tuple[int, tuple[int, int] | None] | None:
    """A rating verb before the grade, and the object between them if any ("rated the school inadequate").

    Quote marks, auxiliaries and adverbs may stand between; so may a left-behind grade
    ("upgraded from inadequate to requires improvement").
    """
    verbs = vocab()["verbs"]
    sent_start = sentence(grade.doc, grade.start).start
    by_end = grades_by_end(doc)
    i = grade.start - 1
    obj_end: int | None = None
    jumps = 0
    limit = max(sent_start, grade.start - _WINDOW - 6)
    while i >= limit:
        tok = doc[i]
        low = tok.lower_
        if low in verbs and low not in ("as", "being") and tok.pos_ in ("VERB", "AUX", "NOUN", "ADJ"):
            if obj_end is not None and i > 0 and doc[i - 1].lemma_ == "be":
                return None
            return i, ((i + 1, obj_end) if obj_end is not None else None)
        left_behind = by_end.get(i + 1)
        if left_behind is not None and left_behind.start > limit and doc[left_behind.start - 1].lower_ == "from":
            i = left_behind.start - 2
            continue
        if obj_end is None and low in ("and", "or", ",", "then") and i > limit:
            # "rated 'outstanding' and 'good'": a grade coordinated with one the verb governs
            k = i - 1
            while k > limit and doc[k].is_punct and doc[k].text in _QUOTES:
                k -= 1
            earlier = by_end.get(k + 1)
            if earlier is not None and earlier.start > limit:
                jumps += 1
                if jumps > 1:  # "outstanding, good, requires improvement or inadequate": the scale, not a verdict
                    return None
                i = earlier.start - 1
                continue
        skippable = low in SKIPPABLE or tok.pos_ == "ADV" or low in ("rating", "judgement", "judgment", "of") or (
            tok.is_punct and not is_break(tok) and tok.text not in (",", "."))
        if skippable and obj_end is None:
            i -= 1
            continue
        in_object = obj_end is not None and ((tok.pos_ == "ADP" and low not in ("by", "as")) or (
            low in ("and", "&") and doc[i + 1].pos_ == "PROPN" and i > 0 and doc[i - 1].pos_ == "PROPN"))
        if in_object or tok.pos_ in ("NOUN", "PROPN", "DET", "ADJ", "PRON", "PART", "NUM") or low in ("'s", "’s"):
            if obj_end is None:
                obj_end = i + 1
            if obj_end - i > 8 or low in ("that", "which"):
                return None
            i -= 1
            continue
        return None
    return None


def attributive(doc: Doc, grade: Span) -> bool:
    """ "poor hospitals need to up their game": a grade before a plural body noun describes a class of bodies."""
    i = grade.end
    while i < len(doc) and doc[i].text in _QUOTES:
        i += 1
    if i >= len(doc):
        return False
    nxt = doc[i]
    if nxt.lower_ in vocab()["plural_bodies"]:
        return True
    # "has got a very good point": a grade on a noun that is neither a rating nor a body describes that noun
    cues = vocab()
    if nxt.pos_ != "NOUN" or i != grade.end or nxt.lower_ in cues["nouns"] or grade[0].lower_.startswith("requir"):
        return False
    compound = i + 1 < len(doc) and doc[i + 1].pos_ == "NOUN"  # "a good team spirit"
    return nxt.lower_ not in cues["body_heads"] or compound


def copula(doc: Doc, grade: Span) -> tuple[int, tuple[int, int]] | None:
    """ "medical care (including ...) was inadequate": a grade after a form of "be", with the words before it as
    the subject to test. Only a graded service as subject (see bodies.rated_service), a verdict that is one
    whatever the verb (`copula_grades`: "not fit for purpose") or "requires improvement" as a verb make this a
    verdict."""
    sent_start = sentence(grade.doc, grade.start).start
    i = grade.start - 1
    while i > sent_start and (doc[i].text in _QUOTES or doc[i].pos_ == "ADV"):
        i -= 1
    if grade[0].lower_ in ("requires", "require") and doc[i].lower_ not in _BE:
        i += 1  # "the force requires improvement": the grade is its own verb
    elif i <= sent_start or doc[i].lower_ not in _BE:
        return None
    be = i
    j = i - 1
    while j > sent_start and doc[j].lower_ in ("has", "have", "had", "also", "still", "overall"):
        j -= 1
    if doc[j].text == ")":
        while j > sent_start and doc[j].text != "(":
            j -= 1
        j -= 1
    end = j + 1
    k = j
    while (k > sent_start and not is_break(doc[k - 1]) and doc[k - 1].lower_ not in (
            "that", "which", "while", "but", "whereas", "although", "and")) or (
            k > sent_start and doc[k - 1].lower_ == "and" and end - k < 4):
        k -= 1
    return (be, (k, end)) if end > k else None


def noun_after(doc: Doc, grade: Span) -> bool:
    i = grade.end
    while i < len(doc) and doc[i].is_punct and doc[i].text in ("’", "'", '"', "”", "‘", "“"):
        i += 1
    return i < len(doc) and doc[i].lower_ in vocab()["nouns"]


def rating_of(doc: Doc, grade: Span) -> bool:
    """ "a rating of 'good'", "judged as inadequate" are handled by cue_before; this catches "rating of"."""
    i = grade.start - 1
    first = sentence(grade.doc, grade.start).start
    while i >= first and doc[i].is_punct:
        i -= 1
    return i - 1 >= first and doc[i].lower_ == "of" and doc[i - 1].lower_ in vocab()["nouns"]


def status_prep(doc: Doc, grade: Span) -> bool:
    i = grade.start - 1
    return i >= sentence(grade.doc, grade.start).start and doc[i].lower_ in vocab()["status_preps"]


def hypothetical(doc: Doc, start: int, end: int) -> bool:
    words = vocab()["hypothetical"]  # not the month: "inspected in May"
    return any(doc[i].lower_ in words and doc[i].pos_ != "PROPN" for i in range(max(start, end - 8), end))


def negated(doc: Doc, start: int, grade: Span, verb: int | None) -> bool:
    """ "missed out on an 'outstanding' rating", "was not rated inadequate": a grade withheld is no verdict.

    A bare "not" counts only just before the rating verb, so "did not change its inadequate rating" stands.
    """
    words = vocab()["negators"]
    if any(doc[i].lower_ in words for i in range(max(start, grade.start - 8), grade.start)):
        return True
    if verb is None:
        return False
    i = verb - 1
    while i >= start and ((doc[i].pos_ == "ADV" and doc[i].lower_ not in ("not", "n't", "never"))
                          or doc[i].lower_ in ("been", "be", "being")):
        i -= 1
    return i >= start and doc[i].lower_ in ("not", "n't", "never")


def clause_start(doc: Doc, before: int) -> int:
    sent = sentence(doc, before)
    i = before - 1
    while i > sent.start:
        if is_break(doc[i]) or doc[i].lower_ in ("that", "which", "whether", "since", "because", "after",
                                                               "while", "although", "when", "where", "but"):
            return i + 1
        i -= 1
    return sent.start


def after_from(doc: Doc, grade: Span) -> bool:
    """ "upgraded from inadequate to ...": the grade left behind."""
    before = grade.start - 1
    while before >= sentence(grade.doc, grade.start).start and doc[before].is_punct:
        before -= 1
    return before >= sentence(grade.doc, grade.start).start and doc[before].lower_ == "from"


_TIME_UNITS = read_words("ratings/time_units.txt")


def _dating(doc: Doc, i: int) -> bool:
    """ "last month", "earlier this year": a time of the verdict, not a sign it is history."""
    return i + 1 < len(doc) and doc[i + 1].lower_ in _TIME_UNITS


def is_previous(doc: Doc, grade: Span, clause: int) -> bool:
    """ "previously rated", "had been judged", "upgraded from ...": a verdict since replaced."""
    if after_from(doc, grade):
        return True
    words = vocab()["previous"]
    return any(doc[i].lower_ in words and not _dating(doc, i) for i in range(clause, grade.start)) or any(
        doc[i].lower_ in ("had",) and doc[i + 1].lower_ == "been" for i in range(clause, grade.start - 1)
    )
