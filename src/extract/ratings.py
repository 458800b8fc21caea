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

import json
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

from spacy.tokens import Doc, Span

from extract.context import Context
from extract.pipeline import lexicon_spans
from extract.records import Mention, Rating
from extract.resources import models_dir, read_jsonl

_WINDOW = 7
_SKIPPABLE = frozenset({"as", "still", "again", "now", "being", "be", "been", "overall", "an", "a", "to", "by", "ofsted",
                        "previously", "formerly", "once", "also", "both", "officially", "currently", "already", "as",
                        "‘", "’", "'", '"', "“", "”", "was", "were", "is", "are", "has", "have", "had", "from"})
_CLAUSE_BREAKS = frozenset({";", ":", "(", ")", "—", "–"})
_ORG_LABELS = frozenset({"ORG", "GPE"})
_SERVICE_HEADS = frozenset({"services", "service", "department", "team", "provision", "arrangements"})


@cache
def _cues() -> dict[str, frozenset[str]]:
    raw = json.loads((models_dir() / "ratings" / "cues.json").read_text(encoding="utf-8"))
    return {k: frozenset(v) for k, v in raw.items() if isinstance(v, list)}


@cache
def _inspectorates() -> dict[str, str]:
    names: dict[str, str] = {}
    for row in read_jsonl("entities/inspectorates.jsonl"):
        if isinstance(row.get("pattern"), str) and row.get("id"):
            names.setdefault(row["id"], row["pattern"])
    return names


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


def _is_inspectorate(ent: Span) -> bool:
    return ent.ent_id_ in _inspectorates()


def _main_body(doc: Doc) -> str | None:
    """The body the article is about: the named council/trust/place it mentions most."""
    heads = _cues()["body_heads"]
    places: Counter[str] = Counter()
    bodies: Counter[str] = Counter()
    for ent in doc.ents:
        if ent.label_ == "GPE" and _strip_possessive(ent).text.lower() not in _cues()["not_bodies"]:
            places[ent.text.title() if ent.text.isupper() else ent.text] += 1
        elif ent.label_ == "ORG" and not _is_inspectorate(ent) and ent[-1].lower_ in heads:
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


def _cue_before(doc: Doc, grade: Span) -> int | None:
    """Index of a rating verb within a few tokens before the grade, skipping quote marks and auxiliaries."""
    verbs = _cues()["verbs"]
    sent_start = grade.sent.start
    i = grade.start - 1
    while i >= max(sent_start, grade.start - _WINDOW):
        tok = doc[i]
        if tok.lower_ in verbs and tok.lower_ not in ("as", "being"):
            return i
        if tok.lower_ in _SKIPPABLE or tok.is_punct and tok.text not in _CLAUSE_BREAKS | {",", "."}:
            i -= 1
            continue
        if tok.pos_ == "ADV":
            i -= 1
            continue
        if tok.text in ("as",) or tok.lower_ in ("rating", "judgement", "judgment", "of"):  # "a rating of good"
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
    while i >= grade.sent.start and doc[i].is_punct:
        i -= 1
    return i - 1 >= grade.sent.start and doc[i].lower_ == "of" and doc[i - 1].lower_ in _cues()["nouns"]


def _status_prep(doc: Doc, grade: Span) -> bool:
    i = grade.start - 1
    return i >= grade.sent.start and doc[i].lower_ in _cues()["status_preps"]


def _hypothetical(doc: Doc, start: int, end: int) -> bool:
    words = _cues()["hypothetical"]
    return any(doc[i].lower_ in words for i in range(max(start, end - 8), end))


def _clause_start(doc: Doc, before: int) -> int:
    sent = doc[before].sent
    i = before - 1
    while i > sent.start:
        if doc[i].text in _CLAUSE_BREAKS or doc[i].lower_ in ("that", "which", "whether", "since", "because", "after",
                                                               "while", "although", "when", "where"):
            return i + 1
        i -= 1
    return sent.start


def _subject(doc: Doc, start: int, end: int, main: str | None) -> tuple[list[str], str | None] | None:
    """The bodies rated in doc[start:end] and the service, or None when the subject is not a body."""
    cues = _cues()
    tokens = doc[start:end]
    lowers = [t.lower_ for t in tokens]
    for k, word in enumerate(lowers):
        is_quantity = tokens[k].like_num or word in cues["quantifiers"]
        if is_quantity and any(w in cues["plural_bodies"] for w in lowers[k + 1 : k + 4]) and word != "both":
            return None  # "seven councils were rated inadequate": a statistic
    ents = [e for e in doc.ents if start <= e.start and e.end <= end and e.label_ in _ORG_LABELS
            and not _is_inspectorate(e) and e[-1].lower_ not in cues["rater_heads"]
            and _strip_possessive(e).text.lower() not in cues["not_bodies"]]
    places = {e.text.lower() for e in doc.ents if e.label_ == "GPE"}
    services = [e for e in ents if e[-1].lower_ in _SERVICE_HEADS and e[0].lower_ not in places]
    ents = [e for e in ents if e not in services]  # "Children's Social Services": a service, not a body
    service = services[-1].text if services else None
    if ents:
        groups = _named_bodies(doc, ents, end)
        last = ents[-1]
        rest = doc[last.end : end]
        words = [t for t in rest if t.is_alpha and t.lower_ not in _SKIPPABLE and t.pos_ in ("NOUN", "ADJ", "PROPN")]
        if words and words[-1].lower_ in _SERVICE_HEADS:
            first = next(t for t in rest if t.is_alpha and t.lower_ not in ("council", "city", "county", "borough"))
            service = doc[first.i : words[-1].i + 1].text
        elif start < ents[0].start:  # "Child protection services in Kestrelford rated ..."
            lead = [t for t in doc[start : ents[0].start] if t.lower_ in _SERVICE_HEADS]
            if lead:
                service = doc[start : lead[-1].i + 1].text
        return groups, service
    heads = [t for t in tokens if t.lower_ in cues["body_heads"] and t.pos_ in ("NOUN", "PROPN", "PRON")]
    if not heads or main is None:
        return None
    if any(t.lower_ in cues["plural_bodies"] and t.lower_ not in ("services",) and t.tag_ == "NNS" for t in heads):
        return None
    head = heads[0]
    if head.lower_ in _SERVICE_HEADS:
        service = doc[head.i : end].text.strip(" ,")
        service = service if 0 < len(service) <= 80 else None
    return [main], service


def _named_bodies(doc: Doc, ents: list[Span], end: int) -> list[str]:
    """ "Northfleet and Hadley were both rated good": every body in a coordinated subject."""
    names: list[str] = []
    for ent in ents:
        span = _strip_possessive(ent)
        text = span.text
        nxt = span.end
        # "Kestrelford council's": take the generic head word along with the place
        if ent.label_ == "GPE" and nxt < end and doc[nxt].lower_ in ("council", "city", "county", "borough"):
            text = doc[span.start : nxt + 1].text
        if text.isupper():
            text = text.title()
        names.append(text)
    last = ents[-1]
    coordinated = [ents[-1]]
    for ent in reversed(ents[:-1]):
        between = doc[ent.end : coordinated[0].start]
        if all(t.text in (",", "and", "&") for t in between):
            coordinated.insert(0, ent)
        else:
            break
    del last
    return names[len(names) - len(coordinated) :]


def _rated_by(ctx: Context, grade: Span, main_inspectorate: str | None) -> str | None:
    doc = ctx.doc
    sent = grade.sent
    canonical = _inspectorates()
    for i in range(grade.end, min(sent.end, grade.end + 6)):
        if doc[i].lower_ == "by" and i + 1 < len(doc):
            ent = next((e for e in doc.ents if e.start in (i + 1, i + 2) and e.label_ == "ORG"), None)
            if ent is not None:
                return canonical.get(ent.ent_id_, _strip_possessive(ent).text)
    for ent in doc.ents:
        if sent.start <= ent.start < sent.end and _is_inspectorate(ent):
            return canonical[ent.ent_id_]
    neighbours = range(max(0, sent.start - 60), min(len(doc), sent.end + 60))
    for ent in doc.ents:
        if ent.start in neighbours and ent.label_ == "ORG" and ent[-1].lower_ in ("committee", "panel", "inquiry"):
            text = ent.text
            for marker in ("’s ", "'s "):
                if marker in text:
                    text = text.split(marker, 1)[1]
            return text
    return main_inspectorate


def _date(ctx: Context, grade: Span) -> str | None:
    sent = grade.sent
    start, end = sent.start_char, sent.end_char
    candidates = [d for d in ctx.dates if start <= d.span[0] and d.span[1] <= end and d.value
                  and d.granularity in ("day", "month", "year", "season", "quarter", "half")]
    if not candidates:
        return None
    centre = grade.start_char
    return min(candidates, key=lambda d: (abs(d.span[0] - centre), d.span[0])).value


def extract_ratings(ctx: Context) -> list[Rating]:
    doc = ctx.doc
    main = _main_body(doc)
    counts = Counter(_inspectorates()[e.ent_id_] for e in doc.ents if _is_inspectorate(e))
    main_inspectorate = counts.most_common(1)[0][0] if counts else None
    verdicts: dict[tuple[str, str], _Verdict] = {}
    for grade in lexicon_spans(doc, ["GRADE"]):
        kind, _, name = grade.id_.partition(":")
        if ctx.article.in_furniture(grade.start_char, grade.end_char):
            continue
        verb = _cue_before(doc, grade)
        by_noun = _noun_after(doc, grade) or _rating_of(doc, grade)
        by_prep = kind == "status" and _status_prep(doc, grade)
        if verb is None and not by_noun and not by_prep:
            continue
        anchor = verb if verb is not None else grade.start
        clause = _clause_start(doc, anchor)
        if _hypothetical(doc, clause, grade.start):
            continue
        subject = _subject(doc, clause, anchor, None if kind == "status" else main)
        if subject is None and by_noun:
            subject = _subject(doc, grade.sent.start, grade.start, None if kind == "status" else main)
        if subject is None:
            continue
        bodies, service = subject
        previous = _is_previous(doc, grade, clause)
        for body in bodies:
            key = (name, _body_key(body))
            if key in verdicts:
                verdicts[key].mentions.append(grade)
                continue
            verdicts[key] = _Verdict(
                grade=name, kind=kind, span=grade, organisations=[body], service=service,
                rated_by=_rated_by(ctx, grade, main_inspectorate), date=_date(ctx, grade),
                status="previous" if previous else "current", key=key, mentions=[grade],
            )
    _supersede(list(verdicts.values()))
    return [_record(v, ctx) for v in verdicts.values()]


def _body_key(body: str) -> str:
    """Bodies that share their first name word are one body ("Kestrelford council" = "Kestrelford City Council")."""
    words = [w for w in body.replace("’", "'").split() if w[:1].isupper()]
    return (words[0] if words else body).lower().removesuffix("'s")


def _is_previous(doc: Doc, grade: Span, clause: int) -> bool:
    before = grade.start - 1
    while before >= grade.sent.start and doc[before].is_punct:
        before -= 1
    if before >= grade.sent.start and doc[before].lower_ == "from":
        return True
    words = _cues()["previous"]
    return any(doc[i].lower_ in words for i in range(clause, grade.start)) or any(
        doc[i].lower_ in ("had",) and doc[i + 1].lower_ == "been" for i in range(clause, grade.start - 1)
    )


def _supersede(verdicts: list[_Verdict]) -> None:
    """Of two grades for one body, the one given in an earlier-dated or 'from' clause is previous."""
    by_body: dict[str, list[_Verdict]] = {}
    for v in verdicts:
        if v.kind == "grade":
            by_body.setdefault(v.key[1], []).append(v)
    for group in by_body.values():
        current = [v for v in group if v.status == "current"]
        if len(current) < 2:
            continue
        dated = sorted((v for v in current if v.date), key=lambda v: v.date or "")
        for v in dated[:-1]:
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
