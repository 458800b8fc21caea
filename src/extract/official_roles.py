"""Role phrases around a lexicon head: the modifiers, party and owning body before it, the "of/for ..."
complement after it, and a name that follows it ("Labour cabinet member for housing Jane Roe").

The lexicon (`models/patterns/roles.jsonl`) holds the heads; this module knows the shapes around them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from extract.official_names import (
    MAX_NAME_TOKENS,
    POSSESSIVE,
    NameSpan,
    clause_of,
    is_name_token,
    is_wrap,
    name_after,
)
from extract.pipeline import lexicon_spans
from extract.resources import read_jsonl, read_words

_ROLE_LEFT_MAX = 5
COMPLEMENT_MAX = 16
COMPLEMENT_PREPS = frozenset({"for", "of", "at", "on", "in"})
_COMPLEMENT_POS = frozenset({"NOUN", "PROPN", "ADJ", "NUM", "PART", "DET", "ADP", "CCONJ"})
BREAK_TEXT = frozenset({":", ";", "(", ")", "“", "”", '"', "‘", "'", "–", "—", ".", "?", "!", "-"})
DETERMINERS = frozenset({"the", "a", "an", "its", "their", "his", "her", "our"})
_TITLE_POSSESSORS = read_words("officials/title_possessors.txt")
_ROLE_MODIFIERS = read_words("officials/role_modifiers.txt")
# heads that say little without the body in front of them: "Acme chief", "Acme boss" keep "Acme"
_VAGUE_HEADS = read_words("officials/vague_role_heads.txt")
# words that end an "of/for ..." complement: what follows is about when or with whom, not the office
_COMPLEMENT_STOPS = frozenset({"from", "until", "since", "between", "to", "when", "after", "before", "under", "with",
                               "by", "during", "alongside", "including", "while", "where"})
_NOT_ROLE_WORDS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"})


@cache
def _party_names() -> dict[str, str]:
    rows = read_jsonl("patterns/parties.jsonl")
    return {" ".join(t["TEXT"] for t in row["pattern"]): row.get("id", "") for row in rows}


@dataclass
class Role:
    start: int  # first token of the role words (after party and organisation)
    end: int  # end of the role words (complement included)
    left: int  # first token of the whole phrase (party, organisation, determiner)
    text: str
    party: str | None
    organisation: str | None
    name: NameSpan | None  # a name right after the role ("Council leader Jane Roe")


def role_phrase(
    doc: Doc, head: Span, honorifics: dict[int, Span], parties: dict[int, Span], role_starts: frozenset[int]
) -> Role:
    sent = clause_of(doc, head.start)
    stop = read_words("officials/role_stop_words.txt")
    left = head.start
    party = organisation = None
    owner_left: int | None = None
    j = head.start - 1
    while j >= sent.start and head.start - j <= _ROLE_LEFT_MAX:
        tok = doc[j]
        party_span = next((p for p in parties.values() if p.end == j + 1), None)
        if party_span is not None:
            party = party_span
            j = party_span.start - 1
            break
        if tok.text in POSSESSIVE and not _compound_possessive(doc, j):
            owner = j
            while owner - 1 >= sent.start and doc[owner - 1].is_alpha and (
                    doc[owner - 1].text[:1].isupper() or doc[owner - 1].pos_ == "NOUN"):
                owner -= 1
            if owner < j and doc[owner].text[:1].islower():  # "the council's adviser": no named owner
                owner_left = owner
                break
            owner_party = next((p for p in parties.values() if p.end == j), None)
            if owner_party is not None:
                party = owner_party
            elif owner < j:
                organisation = doc[owner:j].text
                owner_left = owner
                j = owner - 1
            break
        if tok.text in POSSESSIVE:  # "Children's Services Director": part of the title
            left = j
            j -= 1
            continue
        # "Acting" and body names ("Acme") are sometimes tagged as verbs
        body = tok.ent_type_ in ("ORG", "GPE", "NORP") and tok.lower_ not in DETERMINERS
        modifier = tok.lower_ in _ROLE_MODIFIERS or body
        if tok.lower_ in stop or not (modifier or tok.pos_ in ("NOUN", "PROPN", "ADJ")) or not tok.is_alpha \
                or j in honorifics:
            break
        if tok.ent_type_ in _NOT_ROLE_WORDS or tok.ent_type_ == "PERSON":  # "On Monday school inspection chief"
            break
        if "\n" in tok.whitespace_:
            break
        left = j
        j -= 1
    while left < head.start and doc[left].text in POSSESSIVE:
        left += 1
    # a leading place or body ("Kestrelford Council leader") is the organisation, not the role
    role_start = left
    while (role_start < head.start and doc[role_start].ent_type_ in ("GPE", "ORG", "LOC")
           and doc[role_start].lower_ not in _ROLE_MODIFIERS):
        role_start += 1
    if role_start > left and organisation is None:
        organisation = doc[left:role_start].text
    if doc[head.start : head.end].text.lower() in _VAGUE_HEADS:
        role_start = left
    phrase_left = party.start if party is not None else (owner_left if owner_left is not None else left)
    if phrase_left - 1 >= sent.start and doc[phrase_left - 1].lower_ in DETERMINERS:
        phrase_left -= 1

    end = head.end
    name = None
    ends_in_prep = doc[end - 1].lower_ in COMPLEMENT_PREPS  # "head of" is a lexicon entry with its "of"
    if end < sent.end and (doc[end].lower_ in COMPLEMENT_PREPS or ends_in_prep):
        k = end
        while k < sent.end and k - head.end <= COMPLEMENT_MAX:
            tok = doc[k]
            if tok.is_space and (is_wrap(doc, k) or "\n" not in tok.text):  # a wrapped line, a double space
                k += 1
                continue
            if k in honorifics or tok.text in BREAK_TEXT or "\n" in tok.text:
                break
            if tok.text == ",":
                nxt = doc[k + 1] if k + 1 < sent.end else None
                if nxt is None or (nxt.text[:1].islower() and nxt.lower_ != "and"):
                    break
                if k + 1 in parties or k + 1 in role_starts:  # ", Labour MP Jane Roe": a new phrase
                    break
                k += 1
                continue
            gerund = tok.tag_ == "VBG" and doc[k - 1].lower_ in COMPLEMENT_PREPS  # "head of learning"
            if (tok.pos_ in ("VERB", "AUX", "PRON") and not gerund) or (
                    tok.pos_ not in _COMPLEMENT_POS and not tok.is_alpha):
                break
            if tok.lower_ in _COMPLEMENT_STOPS or tok.ent_type_ in ("DATE", "TIME"):  # "... in April 2001"
                break
            if "\n" in tok.whitespace_:
                k += 1
                break
            k += 1
        end, name = _split_tail_name(doc, head.end, k, honorifics)
    while end > head.end and (doc[end - 1].text in (",", "and") or doc[end - 1].lower_ in DETERMINERS
                              or doc[end - 1].is_space or doc[end - 1].lower_ in COMPLEMENT_PREPS):
        end -= 1
    if name is None:
        p = end
        if p < sent.end and doc[p].text in (",", "–", "—"):  # "the council's director – Jane Roe –"
            p += 1
        if p + 1 < sent.end and doc[p].lower_ == "the" and p + 1 in honorifics:  # "the chair, the Rev Jane Roe"
            p += 1
        name = name_after(doc, p, sent.end, honorifics)
    if ends_in_prep and end == head.end:  # "head of" with nothing after it
        end -= 1
    text = " ".join(doc[role_start:end].text.split())
    if party is None:  # "leader of the Conservative group", not "director of the Institute of Labour Studies"
        party = next((parties[k] for k in range(head.end, end)
                      if k in parties and parties[k].end <= end and doc[k].ent_iob_ != "I"), None)
    return Role(role_start, end, phrase_left, text, canonical_party(party), organisation, name)


def _compound_possessive(doc: Doc, i: int) -> bool:
    """True for the "'s" of a fixed title such as "Children's Services", not an owner such as "Kestrelford's"."""
    return i > 0 and doc[i - 1].lower_ in _TITLE_POSSESSORS


def _split_tail_name(doc: Doc, start: int, end: int, honorifics: dict[int, Span]) -> tuple[int, NameSpan | None]:
    """Split "for children, Young People and Families Jane Roe" into the complement and the name."""
    if end in honorifics:
        return end, name_after(doc, end, len(doc), honorifics)
    run = end
    while run > start and is_name_token(doc[run - 1]) and end - run < MAX_NAME_TOKENS:
        run -= 1
    size = end - run
    if size < 2:
        return end, None
    before = doc[run - 1]
    if before.text == ",":
        return run - 1, NameSpan(run, end)
    if before.lower_ in ("and", "&", "or"):
        return (end - 2, NameSpan(end - 2, end)) if size >= 3 else (end, None)
    if before.lower_ in COMPLEMENT_PREPS or before.lower_ in DETERMINERS:
        if size >= 3 and any(e.label_ == "PERSON" and e.end == end for e in doc.ents):
            return end - 2, NameSpan(end - 2, end)
        return end, None
    if size >= 3:
        return end - 2, NameSpan(end - 2, end)
    return run, NameSpan(run, end)


@cache
def _role_phrases() -> tuple[frozenset[str], int]:
    """The lexicon's plain-text roles, lower-cased, and the most words any of them has."""
    phrases = frozenset(" ".join(row["pattern"].lower().split()) for row in read_jsonl("patterns/roles.jsonl")
                        if row.get("label") == "ROLE" and isinstance(row["pattern"], str))
    return phrases, max((len(p.split()) for p in phrases), default=1)


def wrapped_roles(doc: Doc) -> list[Span]:
    """Role titles cut by a wrapped line ("the board's clinical \\ndirector"), which the span ruler cannot see."""
    phrases, longest = _role_phrases()
    vocabulary = _role_words()
    found = []
    lowers: list[str] | None = None
    for i, tok in enumerate(doc):
        if not tok.is_space or "\n" not in tok.text or i == 0 or i + 1 >= len(doc):
            continue
        if doc[i - 1].lower_ not in vocabulary or doc[i + 1].lower_ not in vocabulary or not is_wrap(doc, i):
            continue  # a role cut here has its words on both sides of the break
        if lowers is None:
            lowers = [t.lower_ for t in doc]
        for a in range(max(0, i - longest + 1), i):
            for b in range(i + 2, min(len(doc), i + longest + 1) + 1):
                words = [lowers[k] for k in range(a, b) if k != i and not doc[k].is_space]
                if len(words) <= longest and " ".join(words) in phrases:
                    found.append(Span(doc, a, b, label="ROLE"))
    return found


@cache
def _role_words() -> frozenset[str]:
    return frozenset(word for phrase in _role_phrases()[0] for word in phrase.split())


def canonical_party(span: Span | None) -> str | None:
    if span is None:
        return None
    return _party_names().get(span.text) or span.text


def party_spans(doc: Doc) -> dict[int, Span]:
    return {s.start: s for s in filter_spans(lexicon_spans(doc, ["PARTY"]))}
