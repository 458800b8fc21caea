"""Verdicts given to named bodies: grade, organisation, service, rated_by, date, status.

A grade word ("inadequate", "good", "not fit for purpose") is everywhere in
inspection news, and most uses are not verdicts. The rules, with their
vocabulary in `models/ratings/` (see its README), keep a use only when a rating
verb or noun governs it, nothing hypothetical does, and the thing rated is a
body rather than a practice, a resource or a national statistic. Bodies named
only by a common noun ("the local authority") stand for the body the article is
about: the council, trust or place it names most.
"""

from __future__ import annotations

import bisect
import itertools
import json
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

from spacy.tokens import Doc, Span

from extract.context import Context
from extract.pipeline import lexicon_spans, sentence
from extract.records import Mention, Rating
from extract.resources import inspectorate_names, models_dir, read_words

_WINDOW = 7
_ARTICLE_BODY = "\x00article body"
_SKIPPABLE = frozenset({
    "as", "still", "again", "now", "being", "be", "been", "overall", "an", "a", "to", "by", "ofsted", "previously",
    "formerly", "once", "also", "both", "officially", "currently", "already", "‘", "’", "'", '"', "“", "”", "was",
    "were", "is", "are", "has", "have", "had", "from",
})
_CLAUSE_BREAKS = frozenset({";", ":", "(", ")", "—", "–"})
_ORG_LABELS = frozenset({"ORG", "GPE", "FAC"})
_SERVICE_HEADS = frozenset({"services", "service", "department", "team", "provision", "arrangements"})


@cache
def _cues() -> dict[str, frozenset[str]]:
    raw = json.loads((models_dir() / "ratings" / "cues.json").read_text(encoding="utf-8"))
    return {k: frozenset(v) for k, v in raw.items() if isinstance(v, list)}


@dataclass
class _Verdict:
    grade: str
    kind: str
    span: Span
    organisations: list[str]
    service: str | None
    rated_by: str | None
    date: str | None
    status: str
    key: tuple[str, str] = ("", "")
    mentions: list[Span] = field(default_factory=list)


def _ents_in(doc: Doc, start: int, end: int) -> list[Span]:
    """Entities overlapping doc[start:end], found by bisection so that many verdicts stay linear."""
    index = doc.user_data.get("extract_ents")
    if index is None or index[0] is not doc.ents:
        ents = doc.ents
        index = doc.user_data["extract_ents"] = (ents, [e.end for e in ents])
    ents, ends = index
    i = bisect.bisect_right(ends, start)
    found = []
    while i < len(ents) and ents[i].start < end:
        found.append(ents[i])
        i += 1
    return found


def _grades_by_end(doc: Doc) -> dict[int, Span]:
    cached = doc.user_data.get("extract_grades")
    if cached is None:
        cached = doc.user_data["extract_grades"] = {g.end: g for g in lexicon_spans(doc, ["GRADE"])}
    return cached


def _is_inspectorate(ent: Span) -> bool:
    return ent.ent_id_ in inspectorate_names()


def _main_body(doc: Doc) -> str | None:
    """The body the article is about: the named council/trust/place it mentions most."""
    heads = _cues()["body_heads"]
    places: Counter[str] = Counter()
    bodies: Counter[str] = Counter()
    for ent in _bodies_in(doc, 0, len(doc)):
        if _generic(ent):
            continue
        if ent.label_ == "GPE" and _strip_possessive(ent).text.lower() not in _cues()["not_bodies"]:
            places[ent.text.title() if ent.text.isupper() else ent.text] += 1
        elif ent.label_ in ("ORG", "FAC") and not _is_inspectorate(ent) and _strip_possessive(ent)[-1].lower_ in heads:
            bodies[_strip_possessive(ent).text] += 1
    if not places and not bodies:
        return None
    if places:
        place = places.most_common(1)[0][0]
        named = [b for b, _ in bodies.most_common() if place.lower() in b.lower()]
        return named[0] if named else place
    return bodies.most_common(1)[0][0]


def _strip_possessive(span: Span) -> Span:
    end = span.end
    while end > span.start and span.doc[end - 1].text in ("'s", "’s", "'", "’"):
        end -= 1
    return span.doc[span.start : end]


def _cue_before(doc: Doc, grade: Span) -> tuple[int, tuple[int, int] | None] | None:
    """A rating verb before the grade, and the object between them if any ("rated the school inadequate").

    Quote marks, auxiliaries and adverbs may stand between; so may a left-behind grade
    ("upgraded from inadequate to requires improvement").
    """
    verbs = _cues()["verbs"]
    sent_start = sentence(grade.doc, grade.start).start
    grades_by_end = _grades_by_end(doc)
    i = grade.start - 1
    obj_end: int | None = None
    limit = max(sent_start, grade.start - _WINDOW - 6)
    while i >= limit:
        tok = doc[i]
        low = tok.lower_
        if low in verbs and low not in ("as", "being") and tok.pos_ in ("VERB", "AUX", "NOUN", "ADJ"):
            if obj_end is not None and i > 0 and doc[i - 1].lemma_ == "be":
                return None
            return i, ((i + 1, obj_end) if obj_end is not None else None)
        left_behind = grades_by_end.get(i + 1)
        if left_behind is not None and left_behind.start > limit and doc[left_behind.start - 1].lower_ == "from":
            i = left_behind.start - 2
            continue
        skippable = low in _SKIPPABLE or tok.pos_ == "ADV" or low in ("rating", "judgement", "judgment", "of") or (
            tok.is_punct and tok.text not in _CLAUSE_BREAKS | {",", "."})
        if skippable and obj_end is None:
            i -= 1
            continue
        if tok.pos_ in ("NOUN", "PROPN", "DET", "ADJ", "PRON", "PART", "NUM") or low in ("'s", "’s"):
            if obj_end is None:
                obj_end = i + 1
            if obj_end - i > 6 or low in ("that", "which"):
                return None
            i -= 1
            continue
        return None
    return None


def _noun_after(doc: Doc, grade: Span) -> bool:
    i = grade.end
    while i < len(doc) and doc[i].is_punct and doc[i].text in ("’", "'", '"', "”", "‘", "“"):
        i += 1
    return i < len(doc) and doc[i].lower_ in _cues()["nouns"]


def _rating_of(doc: Doc, grade: Span) -> bool:
    """ "a rating of 'good'", "judged as inadequate" are handled by _cue_before; this catches "rating of"."""
    i = grade.start - 1
    first = sentence(grade.doc, grade.start).start
    while i >= first and doc[i].is_punct:
        i -= 1
    return i - 1 >= first and doc[i].lower_ == "of" and doc[i - 1].lower_ in _cues()["nouns"]


def _status_prep(doc: Doc, grade: Span) -> bool:
    i = grade.start - 1
    return i >= sentence(grade.doc, grade.start).start and doc[i].lower_ in _cues()["status_preps"]


def _hypothetical(doc: Doc, start: int, end: int) -> bool:
    words = _cues()["hypothetical"]
    return any(doc[i].lower_ in words for i in range(max(start, end - 8), end))


def _clause_start(doc: Doc, before: int) -> int:
    sent = sentence(doc, before)
    i = before - 1
    while i > sent.start:
        if doc[i].text in _CLAUSE_BREAKS or doc[i].lower_ in ("that", "which", "whether", "since", "because", "after",
                                                               "while", "although", "when", "where"):
            return i + 1
        i -= 1
    return sent.start


def _subject(doc: Doc, start: int, end: int, main: bool) -> tuple[list[str], str | None] | None:
    """The bodies rated in doc[start:end] and the service, or None when the subject is not a body.

    A subject that only names a kind of body ("the trust", "its services") stands for the article's
    body (`_ARTICLE_BODY`, resolved once all verdicts are in) when `main` allows it.
    """
    cues = _cues()
    tokens = doc[start:end]
    lowers = [t.lower_ for t in tokens]
    for k, word in enumerate(lowers):
        is_quantity = tokens[k].like_num or word in cues["quantifiers"]
        if is_quantity and any(w in cues["plural_bodies"] for w in lowers[k + 1 : k + 4]) and word != "both":
            return None  # "seven councils were rated inadequate": a statistic
    asides = _asides(doc, start, end)
    ents = [e for e in _bodies_in(doc, start, end) if e.start not in asides
            and not _is_inspectorate(e) and e[-1].lower_ not in cues["rater_heads"] and not _generic(e)
            and _strip_possessive(e).text.lower() not in cues["not_bodies"]]
    places = {e.text.lower() for e in _ents_in(doc, start, end) if e.label_ == "GPE"}
    services = [e for e in ents if e[-1].lower_ in _SERVICE_HEADS and e[0].lower_ not in places]
    ents = [e for e in ents if e not in services]  # "Children's Social Services": a service, not a body
    service = services[-1].text if services else None
    if ents:
        groups = _named_bodies(doc, ents, end)
        rest = doc[ents[-1].end : end]
        words = [t for t in rest if t.is_alpha and t.lower_ not in _SKIPPABLE and t.pos_ in ("NOUN", "ADJ", "PROPN")]
        if words and words[-1].lower_ in _SERVICE_HEADS:
            first = next(t for t in rest if t.is_alpha and t.lower_ not in ("council", "city", "county", "borough"))
            service = doc[first.i : words[-1].i + 1].text
        elif start < ents[0].start:  # "Child protection services in Kestrelford rated ..."
            lead = [t for t in doc[start : ents[0].start] if t.lower_ in _SERVICE_HEADS]
            if lead:
                service = doc[start : lead[-1].i + 1].text
        return groups, service
    named = _proper_body(doc[start:end], asides)
    if named is not None:
        return [named], service
    heads = [t for t in tokens if t.lower_ in cues["body_heads"] and t.pos_ in ("NOUN", "PROPN", "PRON")]
    if not heads or not main:
        return None
    if any(t.lower_ in cues["plural_bodies"] and t.lower_ not in ("services",) and t.tag_ == "NNS" for t in heads):
        return None
    head = heads[0]
    if head.lower_ in _SERVICE_HEADS:
        stop = end
        while stop > head.i + 1 and doc[stop - 1].pos_ in ("AUX", "PART", "ADV", "PUNCT", "VERB"):
            stop -= 1
        service = doc[head.i : stop].text.strip(" ,")
        service = service if 0 < len(service) <= 80 else None
    return [_ARTICLE_BODY], service


def _generic(ent: Span) -> bool:
    """ "Children's", "Council": words that name no particular body."""
    words = read_words("officials/not_name_words.txt")
    return all(t.lower_ in words for t in ent if t.is_alpha)


def _bodies_in(doc: Doc, start: int, end: int) -> list[Span]:
    """Named bodies in doc[start:end]: ORG/GPE/FAC entities cut at line breaks and widened over a
    capitalised word the NER left off ("Ashcombe" + "Vale NHS Trust")."""
    found = []
    for ent in _ents_in(doc, start, end):
        if ent.label_ not in _ORG_LABELS:
            continue
        first = ent.start
        for k in range(ent.start, ent.end):
            if "\n" in doc[k].text or ("\n" in doc[k].whitespace_ and k < ent.end - 1):
                first = k + 1
        while first - 1 >= start and "\n" not in doc[first - 1].whitespace_ and not doc[first - 1].ent_type_ and (
                (doc[first - 1].pos_ == "PROPN" and doc[first - 1].text[:1].isupper())
                or (doc[first - 1].text in ("'s", "’s") and first - 2 >= start and doc[first - 2].pos_ == "PROPN")):
            first -= 1
        if first >= ent.end or first < start or ent.end > end:
            continue
        found.append(ent if first == ent.start else Span(doc, first, ent.end, label=ent.label_))
    return found


def _asides(doc: Doc, start: int, end: int) -> set[int]:
    """Tokens of asides between commas ("Harebell Lodge, a home in Mardenby, was rated"; "X, which was
    inspected last month, was rated"): a body named there is not the one rated."""
    commas = [i for i in range(start, end) if doc[i].text == ","]
    inside: set[int] = set()
    for a, b in itertools.pairwise(commas):
        first = doc[a + 1] if a + 1 < end else None
        if first is not None and (first.text[:1].islower() or first.pos_ in ("DET", "PRON")) and first.lower_ != "and":
            inside.update(range(a, b + 1))
    return inside


def _proper_body(tokens: Span, asides: set[int] = frozenset()) -> str | None:
    """A capitalised name ending in a body word that the NER missed: "Wexham Police", "Ashby Vale Trust",
    "Thistlebrook maternity unit", "St Aldwyn's academy"."""
    heads = _cues()["body_heads"]
    words = read_words("officials/not_name_words.txt")
    doc = tokens.doc
    for tok in reversed(tokens):
        if tok.lower_ not in heads or tok.pos_ == "PRON" or tok.i in asides or tok.i == tokens.start:
            continue
        j = tok.i
        lower = 0
        while j - 1 >= tokens.start and doc[j - 1].text[:1].islower() and doc[j - 1].pos_ == "NOUN" \
                and lower < 2 and doc[j - 1].lower_ not in ("the", "a", "an"):
            j -= 1
            lower += 1
        if j - 1 >= tokens.start and doc[j - 1].text in ("'s", "’s"):
            j -= 1
        k = j
        while k - 1 >= tokens.start and doc[k - 1].pos_ == "PROPN" and doc[k - 1].text[:1].isupper() \
                and "\n" not in doc[k - 1].whitespace_:
            k -= 1
        owner = doc[k:j].text.lower().removesuffix("'s").removesuffix("’s")
        if k < j and any(t.lower_ not in words for t in doc[k:j]) and owner not in _cues()["not_bodies"]:
            return doc[k : tok.i + 1].text
    return None


def _named_bodies(doc: Doc, ents: list[Span], end: int) -> list[str]:
    """The body nearest the verdict, and any coordinated with it ("Brindleford and Dunmere were both rated
    good")."""
    last = ents[-1]
    names = [_body_name(doc, last, end)]
    by_end = {e.end: e for e in ents}
    i = last.start
    while i - 1 >= 0 and doc[i - 1].text in (",", "and", "&"):
        j = i
        while j - 1 >= 0 and doc[j - 1].text in (",", "and", "&"):
            j -= 1
        if j in by_end:
            names.insert(0, _body_name(doc, by_end[j], end))
            i = by_end[j].start
        elif j - 1 >= 0 and doc[j - 1].pos_ == "PROPN" and doc[j - 1].text[:1].isupper():
            k = j
            while k - 1 >= 0 and doc[k - 1].pos_ == "PROPN" and doc[k - 1].text[:1].isupper():
                k -= 1
            names.insert(0, doc[k:j].text)
            i = k
        else:
            break
    return names


def _body_name(doc: Doc, ent: Span, end: int) -> str:
    span = _strip_possessive(ent)
    text = span.text
    nxt = span.end
    # "Kestrelford council's": take the generic head word along with the place
    if ent.label_ == "GPE" and nxt < end and doc[nxt].lower_ in ("council", "city", "county", "borough"):
        text = doc[span.start : nxt + 1].text
    return text.title() if text.isupper() else text


def _rated_by(ctx: Context, grade: Span, main_inspectorate: str | None) -> str | None:
    doc = ctx.doc
    sent = sentence(grade.doc, grade.start)
    canonical = inspectorate_names()
    for i in range(grade.end, min(sent.end, grade.end + 6)):
        if doc[i].lower_ == "by" and i + 1 < len(doc):
            ent = next((e for e in _ents_in(doc, i + 1, i + 3) if e.start in (i + 1, i + 2) and e.label_ == "ORG"),
                       None)
            if ent is not None:
                return canonical.get(ent.ent_id_) or _without_owner(_strip_possessive(ent).text)
    for ent in _ents_in(doc, sent.start, sent.end):
        if sent.start <= ent.start < sent.end and _is_inspectorate(ent):
            return canonical[ent.ent_id_]
    neighbours = range(max(0, sent.start - 60), min(len(doc), sent.end + 60))
    for ent in _ents_in(doc, neighbours.start, neighbours.stop):
        if ent.start in neighbours and ent.label_ == "ORG" and ent[-1].lower_ in ("committee", "panel", "inquiry"):
            return _without_owner(ent.text)
    return main_inspectorate


def _without_owner(name: str) -> str:
    """ "Kestrelford Council's Health Scrutiny Committee" -> "Health Scrutiny Committee"."""
    for marker in ("’s ", "'s "):
        if marker in name:
            name = name.split(marker, 1)[1]
    return name


def _date(ctx: Context, grade: Span) -> str | None:
    """The date the verdict was given: right after the grade ("judged inadequate in November 2016") or before
    it in the sentence ("Earlier this month Ofsted ..."), the nearest first; never the dateline."""
    doc = ctx.doc
    sent = sentence(grade.doc, grade.start)
    dateline = ctx.article.published.span if ctx.article.published else None
    after_limit = doc[min(grade.end + 4, sent.end - 1)].idx + 1 if grade.end < sent.end else grade.end_char
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
        if grade.end_char <= start < after_limit or start < grade.start_char:
            distance = abs(start - grade.start_char)
            if best is None or distance < best[0]:
                best = (distance, d.value)
    return best[1] if best else None


def extract_ratings(ctx: Context) -> list[Rating]:
    doc = ctx.doc
    main = _main_body(doc)
    counts = Counter(inspectorate_names()[e.ent_id_] for e in doc.ents if _is_inspectorate(e))
    main_inspectorate = counts.most_common(1)[0][0] if counts else None
    verdicts: dict[tuple[str, str], _Verdict] = {}
    for grade in lexicon_spans(doc, ["GRADE"]):
        kind, _, name = grade.id_.partition(":")
        if ctx.article.in_furniture(grade.start_char, grade.end_char):
            continue
        cue = _cue_before(doc, grade)
        verb, obj = cue if cue is not None else (None, None)
        by_noun = _noun_after(doc, grade) or _rating_of(doc, grade)
        by_prep = kind == "status" and _status_prep(doc, grade)
        if verb is None and not by_noun and not by_prep:
            continue
        anchor = verb if verb is not None else grade.start
        clause = _clause_start(doc, anchor)
        if _hypothetical(doc, clause, grade.start):
            continue
        # a status needs its body named in the sentence; a grade may stand for the article's body
        sent_text = sentence(doc, grade.start).text.lower()
        fallback = main is not None and (kind != "status" or main.lower() in sent_text)
        if obj is not None:
            subject = _subject(doc, obj[0], obj[1], fallback)
        else:
            subject = _subject(doc, clause, anchor, fallback)
        if subject is None and by_noun:
            subject = _subject(doc, sentence(grade.doc, grade.start).start, grade.start, fallback)
        if subject is None:
            continue
        bodies, service = subject
        previous = _is_previous(doc, grade, clause)
        date = None if _after_from(doc, grade) else _date(ctx, grade)
        for body in bodies:
            key = (name, _body_key(body))
            if key in verdicts:
                known = verdicts[key]
                known.mentions.append(grade)
                known.date = known.date or date
                known.service = known.service or service
                if previous:
                    known.status = "previous"
                continue
            verdicts[key] = _Verdict(
                grade=name, kind=kind, span=grade, organisations=[body], service=service,
                rated_by=_rated_by(ctx, grade, main_inspectorate), date=date,
                status="previous" if previous else "current", key=key, mentions=[grade],
            )
    _resolve_article_body(verdicts, main)
    _supersede(list(verdicts.values()))
    return [_record(v, ctx) for v in verdicts.values()]


def _resolve_article_body(verdicts: dict[tuple[str, str], _Verdict], main: str | None) -> None:
    """ "The trust was rated inadequate": the body is the one the article rates by name, else the one it names most."""
    named = Counter(v.organisations[0] for v in verdicts.values() if v.organisations[0] != _ARTICLE_BODY)
    body = named.most_common(1)[0][0] if named else main
    for key in [k for k in verdicts if k[1] == _body_key(_ARTICLE_BODY)]:
        verdict = verdicts.pop(key)
        if body is None:
            continue
        target = (verdict.grade, _body_key(body))
        if target in verdicts:
            known = verdicts[target]
            known.mentions = sorted(known.mentions + verdict.mentions, key=lambda m: m.start)
            known.date = known.date or verdict.date
            known.service = known.service or verdict.service
            if verdict.status == "previous":
                known.status = "previous"
        else:
            verdict.organisations = [body]
            verdict.key = target
            verdicts[target] = verdict


def _body_key(body: str) -> str:
    """Bodies that share their first name word are one body ("Kestrelford council" = "Kestrelford City Council")."""
    words = [w for w in body.replace("’", "'").split() if w[:1].isupper()]
    return (words[0] if words else body).lower().removesuffix("'s")


def _after_from(doc: Doc, grade: Span) -> bool:
    """ "upgraded from inadequate to ...": the grade left behind."""
    before = grade.start - 1
    while before >= sentence(grade.doc, grade.start).start and doc[before].is_punct:
        before -= 1
    return before >= sentence(grade.doc, grade.start).start and doc[before].lower_ == "from"


def _is_previous(doc: Doc, grade: Span, clause: int) -> bool:
    if _after_from(doc, grade):
        return True
    words = _cues()["previous"]
    return any(doc[i].lower_ in words for i in range(clause, grade.start)) or any(
        doc[i].lower_ in ("had",) and doc[i + 1].lower_ == "been" for i in range(clause, grade.start - 1)
    )


def _supersede(verdicts: list[_Verdict]) -> None:
    """Of two grades for one body only the latest stands."""
    by_body: dict[str, list[_Verdict]] = {}
    for v in verdicts:
        if v.kind == "grade":
            by_body.setdefault(v.key[1], []).append(v)
    for group in by_body.values():
        current = [v for v in group if v.status == "current"]
        if len(current) < 2:
            continue
        # an undated verdict is the news of the day; dated ones before it, or before the latest, are history
        ordered = sorted(current, key=lambda v: v.date or "9999")
        for v in ordered[:-1]:
            v.status = "previous"


def _record(v: _Verdict, ctx: Context) -> Rating:
    text = ctx.text
    return Rating(
        text=text[v.span.start_char : v.span.end_char],
        span=(v.span.start_char, v.span.end_char),
        grade=v.grade,
        kind="status" if v.kind == "status" else "grade",
        organisation=v.organisations[0],
        service=v.service,
        rated_by=v.rated_by,
        date=v.date,
        status=v.status,
        mentions=[Mention(text=text[m.start_char : m.end_char], span=(m.start_char, m.end_char)) for m in v.mentions],
    )
