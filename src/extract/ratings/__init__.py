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

from collections import Counter
from dataclasses import dataclass, field

from spacy.tokens import Span

from extract.context import Context
from extract.pipeline import sentence
from extract.ratings.bodies import (
    ARTICLE_BODY,
    body_key,
    fullest_name,
    is_inspectorate,
    main_body,
    rated_subject,
)
from extract.ratings.cues import (
    after_from,
    attributive,
    clause_start,
    copula,
    cue_before,
    grade_spans,
    hypothetical,
    is_previous,
    negated,
    noun_after,
    rating_of,
    status_prep,
    vocab,
)
from extract.ratings.raters import rated_by, report_date, verdict_date
from extract.ratings.services import domain_after, is_domain, rated_service
from extract.records import Mention, Rating
from extract.resources import inspectorate_names


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
    key: tuple[str, ...] = ("", "")
    mentions: list[Span] = field(default_factory=list)
    domain: bool = False  # the grade of a part ("safety"): it does not supersede the body's overall grade


def extract_ratings(ctx: Context) -> list[Rating]:
    doc = ctx.doc
    if not grade_spans(doc):
        return []  # most articles: no grade word, nothing to resolve
    main = main_body(doc)
    counts = Counter(inspectorate_names()[e.ent_id_] for e in doc.ents if is_inspectorate(e))
    main_inspectorate = counts.most_common(1)[0][0] if counts else None
    verdicts: dict[tuple[str, ...], _Verdict] = {}
    recent: tuple[int, str] | None = None
    for grade in grade_spans(doc):
        kind, _, name = grade.id_.partition(":")
        if ctx.article.in_furniture(grade.start_char, grade.end_char):
            continue
        if attributive(doc, grade):
            continue
        cue = cue_before(doc, grade)
        verb, obj = cue if cue is not None else (None, None)
        by_noun = noun_after(doc, grade) or rating_of(doc, grade)
        by_prep = kind == "status" and status_prep(doc, grade)
        if verb is None and not by_noun and not by_prep:
            cop = copula(doc, grade)
            if cop is None or not (name in vocab()["copula_grades"] or cop[0] == grade.start
                                   or rated_service(doc, *cop[1]) is not None):
                continue
            verb, obj = cop
        anchor = verb if verb is not None else grade.start
        clause = clause_start(doc, anchor)
        if hypothetical(doc, clause, grade.start) or negated(doc, clause, grade, verb):
            continue
        # a status needs its body named in the sentence; a grade may stand for the article's body
        sent_text = sentence(doc, grade.start).text.lower()
        fallback = main is not None and (kind != "status" or main.lower() in sent_text)
        if obj is not None:
            subject = rated_subject(doc, obj[0], obj[1], fallback, recent)
        else:
            subject = rated_subject(doc, clause, anchor, fallback, recent)
        sent_start = sentence(grade.doc, grade.start).start
        if subject is None and obj is None and sent_start < clause:
            if doc[clause - 1].lower_ in ("but", "and"):
                # "X was rated good in 2015 but is now rated inadequate": the subject left out is the first clause's
                subject = rated_subject(doc, sent_start, anchor, fallback, recent)
            elif (doc[clause - 1].lower_ in ("which", "who", "that") and doc[anchor - 1].text == ",") or (
                    anchor >= 2 and doc[anchor - 1].pos_ == "AUX" and doc[anchor - 2].text == ","):
                # "Elm Lodge, a home that cares for older people, was rated good": the relative clause is an aside
                subject = rated_subject(doc, clause_start(doc, clause - 1), anchor, fallback, recent)
            elif doc[clause - 1].text in ("–", "—", "-", ")"):
                # "Elm School – which opened in 2012 – was placed in special measures": the subject before the aside
                opener = next((k for k in range(clause - 2, sent_start - 1, -1)
                               if doc[k].text == ("(" if doc[clause - 1].text == ")" else doc[clause - 1].text)), None)
                if opener is not None:
                    subject = rated_subject(doc, clause_start(doc, opener), opener, fallback, recent)
        if subject is None and by_noun:
            subject = rated_subject(doc, sent_start, grade.start, fallback, recent)
        if subject is None:
            continue
        bodies, service = subject
        part = domain_after(doc, grade)
        service = part or service
        domain = part is not None or is_domain(service)
        recent = (grade.end, bodies[-1])
        previous = is_previous(doc, grade, clause)
        # the grade left behind ("from inadequate to good in May") is undated unless an apposition dates it
        if not after_from(doc, grade):
            date = verdict_date(ctx, grade)
        elif grade.end < len(doc) and doc[grade.end].text == ",":
            date = verdict_date(ctx, grade, before=False)
        else:
            date = None
        for body in bodies:
            key = (name, body_key(body))
            if domain and service:  # each part graded is its own verdict ("safety", "respect")
                key = (name, body_key(body), service.lower())
            if key in verdicts and date and verdicts[key].date and verdicts[key].date != date:
                key = (name, body_key(body), date)  # the same grade given on another date: another verdict
            if key in verdicts:
                known = verdicts[key]
                known.mentions.append(grade)
                known.date = known.date or date
                known.service = known.service or service
                known.domain = known.domain and domain
                if previous:
                    known.status = "previous"
                continue
            verdicts[key] = _Verdict(
                grade=name, kind=kind, span=grade, organisations=[body], service=service,
                rated_by=rated_by(ctx, grade, main_inspectorate), date=date,
                status="previous" if previous else "current", key=key, mentions=[grade], domain=domain,
            )
    _resolve_article_body(verdicts, main)
    _fold_failing(verdicts)
    _supersede(list(verdicts.values()))
    released = report_date(ctx)
    for v in verdicts.values():
        if v.status == "current" and v.date is None:
            v.date = released
    return [_record(v, ctx) for v in verdicts.values()]


def _resolve_article_body(verdicts: dict[tuple[str, ...], _Verdict], main: str | None) -> None:
    """ "The trust was rated inadequate": the body is the one the article rates by name, else the one it names most."""
    named = Counter(v.organisations[0] for v in verdicts.values() if v.organisations[0] != ARTICLE_BODY)
    body = named.most_common(1)[0][0] if named else main
    for key in [k for k in verdicts if k[1] == body_key(ARTICLE_BODY)]:
        verdict = verdicts.pop(key)
        if body is None:
            continue
        target = (verdict.grade, body_key(body), *key[2:])
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


def _fold_failing(verdicts: dict[tuple[str, ...], _Verdict]) -> None:
    """ "declared failing and placed in special measures": one verdict in two words; "failing" stands alone only
    where no special measures are reported for the body in the same sentence."""
    for key in [k for k in verdicts if k[0] == "failing"]:
        measures = verdicts.get(("special measures", key[1]))
        if measures is None:
            continue
        sents = {sentence(m.doc, m.start).start for m in measures.mentions}
        failing = verdicts[key]
        if any(sentence(m.doc, m.start).start in sents for m in failing.mentions):
            del verdicts[key]
            measures.mentions = sorted(measures.mentions + failing.mentions, key=lambda m: m.start)


def _supersede(verdicts: list[_Verdict]) -> None:
    """Of two overall grades for one body only the latest stands."""
    by_body: dict[str, list[_Verdict]] = {}
    for v in verdicts:
        if v.kind == "grade" and not v.domain:
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
        organisation=fullest_name(ctx.doc, v.organisations[0]),
        service=v.service,
        rated_by=v.rated_by,
        date=v.date,
        status=v.status,
        mentions=[Mention(text=text[m.start_char : m.end_char], span=(m.start_char, m.end_char)) for m in v.mentions],
    )
