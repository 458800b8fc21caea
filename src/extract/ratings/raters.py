"""Who gave a verdict and when."""

from __future__ import annotations

import bisect

from spacy.tokens import Doc, Span

from extract.context import Context
from extract.pipeline import sentence
from extract.ratings.bodies import is_inspectorate, strip_possessive
from extract.ratings.cues import ents_in
from extract.resources import inspectorate_names, read_words


def rated_by(ctx: Context, grade: Span, main_inspectorate: str | None) -> str | None:
    doc = ctx.doc
    sent = sentence(grade.doc, grade.start)
    canonical = inspectorate_names()
    for i in range(grade.end, min(sent.end, grade.end + 6)):
        if doc[i].lower_ == "by" and i + 1 < len(doc):
            ent = next((e for e in ents_in(doc, i + 1, i + 3) if e.start in (i + 1, i + 2) and e.label_ == "ORG"),
                       None)
            if ent is not None:
                return canonical.get(ent.ent_id_) or _without_owner(strip_possessive(ent).text)
    for ent in ents_in(doc, sent.start, sent.end):
        if sent.start <= ent.start < sent.end and is_inspectorate(ent):
            return canonical[ent.ent_id_]
    neighbours = range(max(0, sent.start - 60), min(len(doc), sent.end + 60))
    for ent in ents_in(doc, neighbours.start, neighbours.stop):
        if ent.start in neighbours and ent.label_ == "ORG" and ent[-1].lower_ in ("committee", "panel", "inquiry"):
            return _without_owner(ent.text)
    return main_inspectorate


def _without_owner(name: str) -> str:
    """ "Kestrelford Council's Health Scrutiny Committee" -> "Health Scrutiny Committee"."""
    for marker in ("’s ", "'s "):
        if marker in name:
            name = name.split(marker, 1)[1]
    return name


def verdict_date(ctx: Context, grade: Span, before: bool = True) -> str | None:
    """The date the verdict was given: right after the grade ("judged inadequate in November 2016") or before
    it in the sentence ("Earlier this month Ofsted ..."), the nearest first; never the dateline. `before` False
    looks only after it ("from good, the rating it was given in July 2016")."""
    doc = ctx.doc
    sent = sentence(grade.doc, grade.start)
    dateline = ctx.article.published.span if ctx.article.published else None
    reach = grade.end + 4
    if grade.end < sent.end and doc[grade.end].lower_ == "by":  # "rated good by the Care Quality Commission in May"
        rater = next((e for e in ents_in(doc, grade.end + 1, grade.end + 3) if e.label_ == "ORG"), None)
        if rater is not None:
            reach = rater.end + 3
    k = grade.end
    while k < min(sent.end, grade.end + 8) and doc[k].lower_ not in ("when", "after", "following"):
        k += 1
    if k < min(sent.end, grade.end + 8):  # "rated good when Ofsted last visited in February 2013"
        reach = max(reach, k + 6)
    if not before:
        reach = sent.end
    after_limit = doc[min(reach, sent.end - 1)].idx + 1 if grade.end < sent.end else grade.end_char
    best = None
    starts = [d.span[0] for d in ctx.dates]
    first = bisect.bisect_left(starts, sent.start_char)
    for d in ctx.dates[first : bisect.bisect_right(starts, sent.end_char)]:
        start, end = d.span
        if not d.value or d.granularity not in ("day", "month", "year", "season", "quarter", "half"):
            continue
        if dateline and start < dateline[1] and dateline[0] < end:
            continue
        between = ctx.text[min(start, grade.start_char) : max(end, grade.end_char)]
        if not (sent.start_char <= start and end <= sent.end_char) or "\n" in between:
            continue
        if start < grade.start_char and (not before or _contrast(doc, end, grade.start_char)):
            continue  # "rated good in 2015 but is now rated requires improvement": 2015 is the other verdict's
        if grade.end_char <= start < after_limit or start < grade.start_char:
            distance = abs(start - grade.start_char)
            if best is None or distance < best[0]:
                best = (distance, d.value)
    return best[1] if best else None


def _contrast(doc: Doc, start_char: int, end_char: int) -> bool:
    span = doc.char_span(start_char, end_char, alignment_mode="expand")
    return span is not None and any(t.lower_ in ("but", "now", ";") for t in span)


_REPORT_NOUNS = read_words("ratings/report_nouns.txt")
_RELEASE_VERBS = read_words("ratings/release_verbs.txt")


def report_date(ctx: Context) -> str | None:
    """When the article's report came out ("The report, published yesterday, ..."): the date of a verdict the
    article gives as today's news without dating it."""
    doc = ctx.doc
    dateline = ctx.article.published.span if ctx.article.published else None
    for d in ctx.dates:
        start, end = d.span
        if not d.value or d.granularity not in ("day", "week", "month") or d.value.startswith(("P", "X")):
            continue
        if dateline and start < dateline[1] and dateline[0] < end:
            continue
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            continue
        sent = sentence(doc, span.start)
        words = {t.lower_ for t in sent}
        if words & _REPORT_NOUNS and words & _RELEASE_VERBS:
            return d.value
    return None
