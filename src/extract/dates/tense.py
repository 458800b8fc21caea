"""Which way a date's sentence looks: the tense of the verb nearest the expression."""

from __future__ import annotations

from extract.context import Context
from extract.dates.words import lexicon
from extract.pipeline import memo, sentence


def _has_sentences(doc) -> bool:
    """`Doc.has_annotation` scans every token; ask once per doc."""
    return memo(doc, "extract_has_sents", lambda: doc.has_annotation("SENT_START"))


def _verb_tense(doc, k: int, lower: int) -> str | None:
    """Tense of the verb at token k from its auxiliaries: 'will meet', '(is) to be met' and 'is meeting' look
    forward, 'met' and 'has met' look back; None for a bare participle, which says nothing."""
    lex = lexicon()
    chain, j = [], k - 1
    while j >= lower and doc[j].tag_ in _AUX_TAGS:
        chain.append(doc[j])
        j -= 1
    words = {t.lower_ for t in chain}
    tag = doc[k].tag_
    if doc[k].lower_ in lex["future_verbs"]:
        return "future"
    if tag == "MD":
        return "future" if doc[k].lower_ in lex["future_aux"] else None
    if words & set(lex["future_aux"]) or any(t.tag_ == "TO" for t in chain):
        return "future"
    if tag in {"VBD", "VBN"} or any(t.tag_ == "VBD" for t in chain):
        return "past"
    if tag == "VBG":
        return "future" if any(t.tag_ in {"VBZ", "VBP"} for t in chain) else None
    if tag in {"VBZ", "VBP"} and doc[k].lemma_.lower() not in lex["reporting_verbs"]:
        return "future"
    return "none"


def _tense(ctx: Context, start: int, end: int) -> str:
    """Which way the expression looks, from the tense of the nearest verb in its sentence: 'future', 'past'
    or 'none'. The nearest verb, not any verb in the sentence: "said Friday that it will..." looks back; a
    verb before the expression governs it more often than one after ("fell on Friday to close at")."""
    span = ctx.doc.char_span(start, end, alignment_mode="expand")
    if span is None or not _has_sentences(ctx.doc):
        return "none"
    doc = ctx.doc
    sent = sentence(doc, span.start)
    lex = lexicon()
    before = ctx.text[max(0, start - 20):start].lower()
    if any(before.endswith(cue + " ") for cue in lex["future_before"]):
        return "future"
    window = lex["tense_window"]
    lower = max(sent.start, span.start - window)
    for k in range(span.start - 1, lower - 1, -1):  # a clause break ("..., but in March") ends the left side
        if doc[k].tag_ == "CC" or doc[k].text in lex["clause_breaks"]:
            lower = k + 1
            break
    left = range(span.start - 1, lower - 1, -1)
    right = range(span.end, min(sent.end, span.end + window))
    for k, floor in [(k, lower) for k in left] + [(k, span.end) for k in right]:
        if doc[k].tag_ in _VERB_TAGS:
            tense = _verb_tense(doc, k, floor)
            if tense is not None:
                return tense
    return "none"


_VERB_TAGS = frozenset({"MD", "VB", "VBD", "VBG", "VBN", "VBP", "VBZ"})
_AUX_TAGS = _VERB_TAGS | {"RB", "TO"}
