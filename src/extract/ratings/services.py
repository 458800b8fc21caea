"""What inside a body a verdict grades: the parts inspectorates judge on their own ("safety", "urgent and
emergency care", "help and protection"), listed in models/ratings/services.txt."""

from __future__ import annotations

import re
from functools import cache

from spacy.tokens import Doc, Span

from extract.ratings.cues import grade_spans_by_start
from extract.resources import read_list


@cache
def _services_pattern() -> re.Pattern[str]:
    phrases = sorted(read_list("ratings/services.txt"), key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(p) for p in phrases) + r")(?![\w-])")


def rated_service(doc: Doc, start: int, end: int) -> str | None:
    """The graded part of a body named in doc[start:end] ("urgent and emergency care", "purposeful activity"),
    from the frameworks' vocabulary in models/ratings/services.txt; the last, as written."""
    span = doc[start:end]
    if not len(span):
        return None
    text = span.text
    found = [m for m in _services_pattern().finditer(text.lower())]
    if not found:
        return None
    best = max(found, key=lambda m: (m.end(), m.end() - m.start()))  # the one nearest the verb
    return text[best.start() : best.end()]


def is_domain(service: str | None) -> bool:
    """A part an inspectorate grades on its own ("safety", "maternity services"), whose grade stands beside the
    body's overall one rather than replacing it."""
    return service is not None and _services_pattern().search(service.lower()) is not None


def domain_after(doc: Doc, grade: Span) -> str | None:
    """ "rated inadequate for safety", "'good' in other key areas including surgery": the part graded, named after
    the grade. "In every area" grades the whole body, so it is no part."""
    i = grade.end
    while i < len(doc) and doc[i].text in ("'", "’", '"', "”"):
        i += 1
    coordinated = grade_spans_by_start(doc)
    if i + 1 < len(doc) and doc[i].lower_ in ("and", "or"):  # "'outstanding' and 'good' in other areas"
        j = i + 1
        while j < len(doc) and doc[j].text in ("'", "‘", '"', "“"):
            j += 1
        if j in coordinated:
            return domain_after(doc, coordinated[j])
    if i >= len(doc) or doc[i].lower_ not in ("for", "in", "at"):
        return None
    stop = i + 1
    while stop < min(len(doc), i + 14) and not doc[stop].is_punct and "\n" not in doc[stop].text:
        stop += 1
    phrase = doc[i + 1 : stop]
    if not len(phrase) or phrase[0].lower_ in ("every", "all", "each", "most", "any"):
        return None
    named = rated_service(doc, phrase.start, phrase.end)
    if named is not None:
        return named
    return phrase.text if any(t.lower_ in ("area", "areas", "domains", "categories") for t in phrase) else None
