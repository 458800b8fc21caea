"""Which body a verdict is about: named organisations, places standing for their council, and common nouns
or pronouns ("the trust", "it") resolved to the body the article names."""

from __future__ import annotations

import itertools
from collections import Counter

from spacy.tokens import Doc, Span

from extract.ratings.cues import SKIPPABLE, ents_in, vocab
from extract.resources import inspectorate_names, read_words

ARTICLE_BODY = "\x00article body"


_ORG_LABELS = frozenset({"ORG", "GPE", "FAC"})


SERVICE_HEADS = frozenset({"services", "service", "department", "team", "provision", "arrangements"})


def is_inspectorate(ent: Span) -> bool:
    return ent.ent_id_ in inspectorate_names()


def main_body(doc: Doc) -> str | None:
    """The body the article is about: the named council/trust/place it mentions most."""
    heads = vocab()["body_heads"]
    places: Counter[str] = Counter()
    bodies: Counter[str] = Counter()
    for ent in _bodies_in(doc, 0, len(doc)):
        if _generic(ent):
            continue
        if ent.label_ == "GPE" and strip_possessive(ent).text.lower() not in vocab()["not_bodies"]:
            places[ent.text.title() if ent.text.isupper() else ent.text] += 1
        elif ent.label_ in ("ORG", "FAC") and not is_inspectorate(ent) and strip_possessive(ent)[-1].lower_ in heads:
            bodies[strip_possessive(ent).text] += 1
    if not places and not bodies:
        return None
    if places:
        place = places.most_common(1)[0][0]
        named = [b for b, _ in bodies.most_common() if place.lower() in b.lower()]
        return named[0] if named else place
    return bodies.most_common(1)[0][0]


def strip_possessive(span: Span) -> Span:
    end = span.end
    while end > span.start and span.doc[end - 1].text in ("'s", "’s", "'", "’"):
        end -= 1
    return span.doc[span.start : end]


def rated_subject(doc: Doc, start: int, end: int, main: bool) -> tuple[list[str], str | None] | None:
    """The bodies rated in doc[start:end] and the service, or None when the subject is not a body.

    A subject that only names a kind of body ("the trust", "its services") stands for the article's
    body (`ARTICLE_BODY`, resolved once all verdicts are in) when `main` allows it.
    """
    cues = vocab()
    tokens = doc[start:end]
    lowers = [t.lower_ for t in tokens]
    for k, word in enumerate(lowers):
        is_quantity = tokens[k].like_num or word in cues["quantifiers"]
        if is_quantity and any(w in cues["plural_bodies"] for w in lowers[k + 1 : k + 4]) and word != "both":
            return None  # "seven councils were rated inadequate": a statistic
    asides = _asides(doc, start, end)
    ents = [e for e in _bodies_in(doc, start, end) if e.start not in asides
            and not is_inspectorate(e) and e[-1].lower_ not in cues["rater_heads"] and not _generic(e)
            and strip_possessive(e).text.lower() not in cues["not_bodies"]]
    places = {e.text.lower() for e in ents_in(doc, start, end) if e.label_ == "GPE"}
    services = [e for e in ents if e[-1].lower_ in SERVICE_HEADS and e[0].lower_ not in places]
    ents = [e for e in ents if e not in services]  # "Children's Social Services": a service, not a body
    service = services[-1].text if services else None
    if ents:
        groups = _named_bodies(doc, ents, end)
        rest = doc[ents[-1].end : end]
        words = [t for t in rest if t.is_alpha and t.lower_ not in SKIPPABLE and t.pos_ in ("NOUN", "ADJ", "PROPN")]
        if words and words[-1].lower_ in SERVICE_HEADS:
            first = next(t for t in rest if t.is_alpha and t.lower_ not in ("council", "city", "county", "borough"))
            service = doc[first.i : words[-1].i + 1].text
        elif start < ents[0].start:  # "Child protection services in Kestrelford rated ..."
            lead = [t for t in doc[start : ents[0].start] if t.lower_ in SERVICE_HEADS]
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
    if head.lower_ in SERVICE_HEADS:
        stop = end
        while stop > head.i + 1 and doc[stop - 1].pos_ in ("AUX", "PART", "ADV", "PUNCT", "VERB"):
            stop -= 1
        service = doc[head.i : stop].text.strip(" ,")
        service = service if 0 < len(service) <= 80 else None
    return [ARTICLE_BODY], service


def _generic(ent: Span) -> bool:
    """ "Children's", "Council": words that name no particular body."""
    words = read_words("officials/not_name_words.txt")
    return all(t.lower_ in words for t in ent if t.is_alpha)


def _bodies_in(doc: Doc, start: int, end: int) -> list[Span]:
    """Named bodies in doc[start:end]: ORG/GPE/FAC entities cut at line breaks and widened over a
    capitalised word the NER left off ("Ashcombe" + "Vale NHS Trust")."""
    found = []
    for ent in ents_in(doc, start, end):
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
    heads = vocab()["body_heads"]
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
        if k < j and any(t.lower_ not in words for t in doc[k:j]) and owner not in vocab()["not_bodies"]:
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
    span = strip_possessive(ent)
    text = span.text
    nxt = span.end
    # "Kestrelford council's": take the generic head word along with the place
    if ent.label_ == "GPE" and nxt < end and doc[nxt].lower_ in ("council", "city", "county", "borough"):
        text = doc[span.start : nxt + 1].text
    return text.title() if text.isupper() else text


def body_key(body: str) -> str:
    """Bodies that share their first name word are one body ("Kestrelford council" = "Kestrelford City Council")."""
    words = [w for w in body.replace("’", "'").split() if w[:1].isupper()]
    return (words[0] if words else body).lower().removesuffix("'s")
