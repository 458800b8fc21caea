"""Which body a verdict is about: named organisations, places standing for their council, and common nouns
or pronouns ("the trust", "it") resolved to the body the article names."""

from __future__ import annotations

import itertools
from collections import Counter
from functools import cache

from spacy.tokens import Doc, Span, Token

from extract.pipeline import memo
from extract.ratings.cues import SKIPPABLE, body_kinds, ents_in, vocab
from extract.ratings.services import rated_service
from extract.resources import inspectorate_names, read_jsonl, read_words

ARTICLE_BODY = "\x00article body"


_ORG_LABELS = frozenset({"ORG", "GPE", "FAC"})


SERVICE_HEADS = read_words("ratings/service_heads.txt")


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
        named = Counter(body_key(n) for _s, _e, n, _h in named_bodies(doc))
        if not named:
            return None
        key = named.most_common(1)[0][0]
        return max((n for _s, _e, n, _h in named_bodies(doc) if body_key(n) == key), key=len)
    if places:
        place = places.most_common(1)[0][0]
        named = [b for b, _ in bodies.most_common() if place.lower() in b.lower()]
        if named:
            return named[0]
        # a school, home or hospital story: the institution, not the town it stands in
        institutions: Counter[str] = Counter(
            body_key(name) for _s, _e, name, head in named_bodies(doc) if head not in _PLACE_HEADS)
        if institutions and institutions.most_common(1)[0][1] >= 2:
            key = institutions.most_common(1)[0][0]
            return max((n for _s, _e, n, h in named_bodies(doc) if body_key(n) == key and h not in _PLACE_HEADS),
                       key=len)
        return place
    return bodies.most_common(1)[0][0]


_PRONOUN_REACH = 150  # tokens: about two sentences
_PLACE_HEADS = read_words("ratings/place_heads.txt")


def named_bodies(doc: Doc) -> list[tuple[int, int, str, str]]:
    """Every body the article names with a kind word, as (start, end, name, head) in document order: entities
    ending in a body word ("Happy Days Nursery") and capitalised names the NER missed ("Elm Lodge",
    "HMP Greystone"). Common nouns and pronouns are resolved against these."""
    return memo(doc, "extract_named_bodies", lambda: _find_named_bodies(doc))


def _find_named_bodies(doc: Doc) -> list[tuple[int, int, str, str]]:
    cues = vocab()
    heads, prefixes = cues["body_heads"], cues["prefix_heads"]
    found: dict[int, tuple[int, int, str, str]] = {}
    covered: set[int] = set()
    for ent in _split_coordinated(doc, _bodies_in(doc, 0, len(doc))):
        if ent.label_ not in ("ORG", "FAC") or is_inspectorate(ent) or _generic(ent):
            continue
        span = strip_possessive(ent)
        if not len(span) or span[-1].lower_ in cues["rater_heads"]:
            continue
        head = span[-1].lower_ if span[-1].lower_ in heads else span[0].lower_ if span[0].lower_ in prefixes else None
        covered.update(range(ent.start, ent.end))
        first = span.start
        while first - 1 >= 0 and _name_word(doc[first - 1]) and not doc[first - 1].ent_type_:
            first -= 1
        if head is not None:
            found[first] = (first, span.end, doc[first : span.end].text, head)
    for tok in doc:
        low = tok.lower_
        if tok.i in covered or not tok.text[:1].isupper() or tok.pos_ != "PROPN":
            continue
        if low in prefixes:
            j = tok.i + 1
            while j < len(doc) and doc[j].pos_ == "PROPN" and doc[j].text[:1].isupper() \
                    and "\n" not in doc[j - 1].whitespace_:
                j += 1
            if j > tok.i + 1:
                found[tok.i] = (tok.i, j, doc[tok.i : j].text, low)
                covered.update(range(tok.i, j))
        elif low in heads and low not in cues["pronouns"]:
            k = tok.i
            while k - 1 >= 0 and _name_word(doc[k - 1]) and doc[k - 1].i not in covered:
                k -= 1
            if k < tok.i and not _generic(doc[k : tok.i]):
                found[k] = (k, tok.i + 1, doc[k : tok.i + 1].text, low)
    return sorted(found.values())


def _name_word(tok: Token) -> bool:
    """A capitalised word inside a name, whatever the tagger made of it ("All" in "All Saints Nursery")."""
    if not tok.text[:1].isupper() or not tok.is_alpha or "\n" in tok.whitespace_ or tok.lower_ in ("the", "a", "an"):
        return False
    return tok.pos_ == "PROPN" or (tok.pos_ in ("DET", "ADJ", "NOUN", "NUM") and not tok.is_sent_start)


def antecedent(doc: Doc, before: int, kind: str | None, reach: int | None = None) -> str | None:
    """The named body a kind noun ("the nursery") or, with `kind` None, a pronoun before token `before` stands
    for: the nearest one named earlier, within `reach` tokens when given."""
    family = body_kinds().get(kind) if kind is not None else None
    if kind is not None and family is None:
        return None
    best = None
    for start, end, name, head in named_bodies(doc):
        if start >= before:
            break
        if reach is not None and before - end > reach:
            continue
        if family is None or head in family:
            best = name
    return best


def fullest_name(doc: Doc, name: str) -> str:
    """The longest name the article gives the same body ("the Ashby trust" -> "Ashby and Dale NHS Foundation
    Trust"): same first name word, and a head word of the same kind."""
    words = name.split()
    head = words[-1].lower() if words else ""
    family = body_kinds().get(head)
    if family is None or head in _PLACE_HEADS:
        return name
    key = body_key(name)
    best = name
    for _start, _end, other, other_head in named_bodies(doc):
        if other_head in family and body_key(other) == key and len(other) > len(best):
            best = other
    return best


def strip_possessive(span: Span) -> Span:
    end = span.end
    while end > span.start and span.doc[end - 1].text in ("'s", "’s", "'", "’"):
        end -= 1
    return span.doc[span.start : end]


def rated_subject(doc: Doc, start: int, end: int, main: bool,
                  recent: tuple[int, str] | None = None) -> tuple[list[str], str | None] | None:
    """The bodies rated in doc[start:end] and the service, or None when the subject is not a body.

    A subject that only names a kind of body ("the trust", "its services") stands for the article's
    body (`ARTICLE_BODY`, resolved once all verdicts are in) when `main` allows it. `recent` is the token and body
    of the verdict before: "it" in "... was rated good. Inspectors rated it inadequate for safety" is that body.
    """
    cues = vocab()
    tokens = doc[start:end]
    lowers = [t.lower_ for t in tokens]
    for k, word in enumerate(lowers):
        is_quantity = (tokens[k].like_num and tokens[k].ent_type_ != "DATE") or word in cues["quantifiers"]
        following = list(itertools.takewhile(lambda t: not t.is_punct, tokens[k + 1 : k + 4]))
        if is_quantity and any(t.lower_ in cues["plural_bodies"] for t in following) and word != "both":
            return None  # "seven councils were rated inadequate": a statistic
    pronoun = _subject_pronoun(doc, start, end)
    if pronoun is not None:
        named = _resolve(doc, pronoun, recent)
        return ([named], None) if named else ([ARTICLE_BODY], None) if main else None
    asides = _asides(doc, start, end)
    ents = [e for e in _bodies_in(doc, start, end) if e.start not in asides
            and not is_inspectorate(e) and e[-1].lower_ not in cues["rater_heads"] and not _generic(e)
            and strip_possessive(e).text.lower() not in cues["not_bodies"]]
    places = {e.text.lower() for e in ents_in(doc, start, end) if e.label_ == "GPE"}
    services = [e for e in ents if e[-1].lower_ in SERVICE_HEADS and e[0].lower_ not in places]
    ents = [e for e in ents if e not in services]  # "Children's Social Services": a service, not a body
    service = services[-1].text if services else None
    ents = _located(doc, _split_coordinated(doc, ents))
    bare = _bare_names(doc, start, end)
    if bare is not None and (not ents or bare[1] >= ents[-1].end) and bare[0][0].lower() not in cues["not_bodies"]:
        return bare[0], service  # "Farrowby and Kellisham were rated good, Ostwick was rated outstanding"
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
    if not heads:
        graded = rated_service(doc, start, end)  # "Respect and purposeful activity were rated ...": the prison's
        return ([ARTICLE_BODY], graded) if graded is not None and main else None
    one_of = any(a.lower_ == "one" and b.lower_ == "of" for a, b in itertools.pairwise(tokens))
    if not one_of and any(t.lower_ in cues["plural_bodies"] and t.lower_ not in ("services",) and t.tag_ == "NNS"
                          for t in heads):
        return None
    head = heads[0]
    named = _resolve(doc, head, recent)
    if named is not None:
        return [named], service
    if not main:
        return None
    if head.lower_ in SERVICE_HEADS:
        stop = end
        while stop > head.i + 1 and doc[stop - 1].pos_ in ("AUX", "PART", "ADV", "PUNCT", "VERB"):
            stop -= 1
        first = head.i  # "maternity services", "urgent and emergency care service": the part, with its modifiers
        while first - 1 >= start and (doc[first - 1].pos_ in ("NOUN", "ADJ", "PROPN") or (
                doc[first - 1].lower_ == "and" and first - 2 >= start and doc[first - 2].pos_ in ("NOUN", "ADJ"))):
            first -= 1
        service = doc[first:stop].text.strip(" ,")
        service = service if 0 < len(service) <= 80 else None
    return [ARTICLE_BODY], service


def _subject_pronoun(doc: Doc, start: int, end: int) -> Token | None:
    """ "..., but under its new head this rose to 'good'": a pronoun just before the verb is the subject, whatever
    else the clause names."""
    i = end - 1
    while i >= start and (doc[i].pos_ in ("AUX", "ADV", "PART") or doc[i].lower_ in SKIPPABLE):
        if doc[i].lower_ in vocab()["pronouns"]:
            break
        i -= 1
    if i >= start and doc[i].lower_ in vocab()["pronouns"] and doc[i].pos_ in ("PRON", "DET"):
        return doc[i]
    return None


def _resolve(doc: Doc, head: Token, recent: tuple[int, str] | None = None) -> str | None:
    """The named body a pronoun or definite kind noun ("the nursery", "the trust") refers to. Councils are left to
    the article's body: a story naming several councils compares them with its own."""
    low = head.lower_
    if low in vocab()["pronouns"]:
        if recent is not None and 0 <= head.i - recent[0] <= _PRONOUN_REACH:
            return recent[1]
        return antecedent(doc, head.i, None, reach=_PRONOUN_REACH)
    if low in _PLACE_HEADS or low in SERVICE_HEADS:
        return None
    if head.i == 0 or doc[head.i - 1].lower_ not in ("the", "its", "this", "that"):
        return None
    return antecedent(doc, head.i, low)


def _split_coordinated(doc: Doc, ents: list[Span]) -> list[Span]:
    """ "Holmbury Infant School and Pellow Junior School" tagged as one entity: two bodies."""
    heads = vocab()["body_heads"]
    out = []
    for ent in ents:
        first = ent.start
        for k in range(ent.start + 1, ent.end - 1):
            if doc[k].lower_ in ("and", "&", ",") and doc[k - 1].lower_ in heads and doc[k + 1].text[:1].isupper():
                out.append(Span(doc, first, k, label=ent.label_))
                first = k + 1
        out.append(ent if first == ent.start else Span(doc, first, ent.end, label=ent.label_))
    return out


def _located(doc: Doc, ents: list[Span]) -> list[Span]:
    """ "Brackenhill Academy in Oxley": a place after "in" or "at" that follows a body is where it is, not a
    second body."""
    kept = []
    for ent in ents:
        prev = doc[ent.start - 1] if ent.start > 0 else None
        if kept and ent.label_ == "GPE" and prev is not None and prev.lower_ in ("in", "at", "near", "of") \
                and kept[-1].end >= ent.start - 2:
            continue
        kept.append(ent)
    return kept


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
    return _joined(doc, found)


def _joined(doc: Doc, ents: list[Span]) -> list[Span]:
    """One body the NER cut in two: "St Aldwyn's" + "Church of England Academy", and the places an NHS trust is
    named after ("Pellbury" + "and" + "Stourmead Hospitals NHS Foundation Trust")."""
    out: list[Span] = []
    for ent in ents:
        while out:
            prev = out[-1]
            gap = doc[prev.end : ent.start]
            possessive = not len(gap) and doc[prev.end - 1].text in ("'s", "’s") and ent.label_ in ("ORG", "FAC")
            named_after = len(gap) == 1 and gap[0].text in ("and", "&", ",") and ent[-1].lower_ == "trust" and any(
                t.lower_ in ("hospitals", "nhs") for t in ent) and "\n" not in gap.text
            if not (possessive or named_after):
                break
            out.pop()
            ent = Span(doc, prev.start, ent.end, label=ent.label_)
        out.append(ent)
    return out


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
    i = last.end  # "Brindleford and Dunmere councils": names coordinated after the last entity
    while i + 1 < end and doc[i].text in (",", "and", "&") and _is_name(doc[i + 1]):
        k = i + 1
        while k < end and _is_name(doc[k]):
            k += 1
        names.append(doc[i + 1 : k].text)
        i = k
    return names


def _is_name(tok: Token) -> bool:
    return tok.pos_ == "PROPN" and tok.text[:1].isupper() and tok.ent_type_ in ("", "GPE", "ORG", "FAC", "PERSON")


@cache
def _honorifics() -> frozenset[str]:
    return frozenset(str(row["pattern"]).lower().rstrip(".") for row in read_jsonl("patterns/honorifics.jsonl")
                     if isinstance(row.get("pattern"), str))


def _bare_names(doc: Doc, start: int, end: int) -> tuple[list[str], int] | None:
    """ "Ebbcaster and Quenmouth were both rated good": capitalised names just before the verb that the NER left
    out or took for people, and where the first starts. A name after a title ("Dr Roe") or a full personal name is
    a person, not a body."""
    i = end - 1
    while i >= start and (doc[i].pos_ in ("AUX", "ADV", "PART") or doc[i].lower_ in ("both", "all", "each")):
        i -= 1
    names: list[str] = []
    while i >= start and _is_name(doc[i]):
        k = i
        while k - 1 >= start and _is_name(doc[k - 1]):
            k -= 1
        chunk = doc[k : i + 1]
        if k > 0 and doc[k - 1].lower_ in ("in", "at", "near", "of", "from", "for"):
            return None  # "Brackenhill Academy in Oxley has been rated": where the body is
        h = k - 1
        while h > start and (doc[h].text == "-" or _is_name(doc[h])) and "\n" not in doc[h].whitespace_:
            if doc[h].lower_.rstrip(".") in _honorifics():
                break
            h -= 1
        if (h >= 0 and doc[h].lower_.rstrip(".") in _honorifics()) or (
                chunk[0].ent_type_ == "PERSON" and len(chunk) > 1) or _generic(chunk):
            return None
        names.insert(0, chunk.text)
        i = k - 1
        if i - 1 >= start and doc[i].text in (",", "and", "&"):
            i -= 1
            continue
        break
    return (names, i + 1) if names else None


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
