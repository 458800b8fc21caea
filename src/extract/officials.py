"""Named officials: name, honorific, roles, organisation, party, and every mention.

UK news names office-holders in a handful of ways, and the rules follow them:
a role before the name ("Council leader Sir Jane Roe", "the Chief Constable,
John Doe,"), a role after it ("John Doe, strategic director for people,"), a
relative clause ("who as deputy leader from 2005 ..."), a party in front of the
role ("Labour cabinet member for ...") and a later short form ("Sir Jane",
"Mr Doe", "Doe"). The vocabulary (roles, honorifics, parties, words that are
never names) is data under `models/`; the code only knows the shapes.

A person is an official when the article gives them a role or a party, or an
honorific that is itself an office (Cllr, Lord, police ranks). Everyone else a
story names (victims, relatives, the journalist) is left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from extract.context import Context
from extract.pipeline import lexicon_spans, sentence
from extract.records import Mention, Official
from extract.resources import read_jsonl, read_words

_NAME_TOKEN = re.compile(r"[A-Z](?:[a-z]+(?:[-'’][A-Z]?[a-z]+)*|[a-z]*[A-Z][a-z]+|\.)?")
_MAX_NAME_TOKENS = 4
_ROLE_LEFT_MAX = 5
_COMPLEMENT_MAX = 16
_COMPLEMENT_PREPS = frozenset({"for", "of", "at", "on", "in"})
_COMPLEMENT_POS = frozenset({"NOUN", "PROPN", "ADJ", "NUM", "PART", "DET", "ADP", "CCONJ"})
_BREAK_TEXT = frozenset({":", ";", "(", ")", "“", "”", '"', "‘", "'", "–", "—", ".", "?", "!", "-"})
_LINK_WORDS = frozenset({"who", "as", "is", "was", "became", "has", "been", "had", "now", "then", "currently", ",",
                         "the", "a", "an", "its", "their", "appointed", "named", "elected", "formerly", "also", "and",
                         "previously", "served", "serving"})
_DETERMINERS = frozenset({"the", "a", "an", "its", "their", "his", "her", "our"})
_POSSESSIVE = frozenset({"'s", "’s", "'", "’"})
_TITLE_POSSESSORS = frozenset({"children", "women", "men", "people", "adults", "citizens", "victims"})
_ROLE_MODIFIERS = frozenset({"shadow", "deputy", "chief", "senior", "assistant", "acting", "interim", "joint"})


@dataclass
class _Name:
    """One mention of a person: name tokens [start, end) and an optional honorific in front."""

    start: int
    end: int
    honorific: Span | None = None
    roles: list[str] = field(default_factory=list)
    party: str | None = None
    organisation: str | None = None

    @property
    def first(self) -> int:
        return self.honorific.start if self.honorific is not None else self.start


@dataclass
class _Person:
    name: str
    tokens: tuple[str, ...]
    honorific: str | None = None
    roles: list[str] = field(default_factory=list)
    party: str | None = None
    organisation: str | None = None
    mentions: list[tuple[int, int]] = field(default_factory=list)
    order: int = 0


@cache
def _party_names() -> dict[str, str]:
    rows = read_jsonl("patterns/parties.jsonl")
    return {" ".join(t["TEXT"] for t in row["pattern"]): row.get("id", "") for row in rows}


def is_name_token(token: Token) -> bool:
    """A capitalised word that can be part of a person's name (not an org word, not ALL CAPS)."""
    text = token.text
    if "\n" in token.whitespace_ or not _NAME_TOKEN.fullmatch(text):
        return False
    return text.lower() not in read_words("officials/not_name_words.txt")


def _honorifics(doc: Doc) -> dict[int, Span]:
    """Capitalised honorifics by their first token, longest first ("Det Chief Insp" over "Det")."""
    spans = [s for s in lexicon_spans(doc, ["HONORIFIC"]) if s.text[:1].isupper()]
    return {s.start: s for s in filter_spans(spans)}


def _name_after(doc: Doc, i: int, limit: int, honorifics: dict[int, Span]) -> _Name | None:
    """The name starting at token i (after optional honorifics), or None."""
    hon = None
    chain = 0
    while i < limit and i in honorifics and chain < 4:
        chain += 1
        hon = honorifics[i] if hon is None else doc[hon.start : honorifics[i].end]
        i = honorifics[i].end
    start = i
    while i < limit and i - start < _MAX_NAME_TOKENS and is_name_token(doc[i]):
        i += 1
        if "\n" in doc[i - 1].whitespace_:
            break
    if i == start:
        return None
    if hon is None and i - start < 2:
        return None
    return _Name(start, i, hon)


def _clean_entity(ent: Span, honorifics: dict[int, Span], role_tokens: frozenset[int]) -> _Name | None:
    doc = ent.doc
    start, end = ent.start, ent.end
    while start < end and start in role_tokens:  # "Headteacher Mrs Jane Roe"
        start += 1
    hon = None
    while start < end and start in honorifics:
        hon = honorifics[start]
        start = hon.end
    while end > start and doc[end - 1].text in _POSSESSIVE:
        end -= 1
    for i in range(start, end):
        if not is_name_token(doc[i]) and not (i == end - 1 and doc[i].text == "."):
            return None
        if "\n" in doc[i].whitespace_ and i < end - 1:
            return None
    if end - start > _MAX_NAME_TOKENS or end == start:
        return None
    if hon is None:
        before = [h for h in honorifics.values() if h.end == start]
        hon = before[0] if before else None
    if hon is None and end - start < 2 and not doc[start].text.isalpha():
        return None
    return _Name(start, end, hon)


@dataclass
class _Role:
    start: int  # first token of the role words (after party and organisation)
    end: int  # end of the role words (complement included)
    left: int  # first token of the whole phrase (party, organisation, determiner)
    text: str
    party: str | None
    organisation: str | None
    name: _Name | None  # a name right after the role ("Council leader Jane Roe")


def _role_phrase(
    doc: Doc, head: Span, honorifics: dict[int, Span], parties: dict[int, Span], role_starts: frozenset[int]
) -> _Role:
    sent = sentence(doc, head.start)
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
        if tok.text in _POSSESSIVE and not _compound_possessive(doc, j):
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
        if tok.text in _POSSESSIVE:  # "Children's Services Director": part of the title
            left = j
            j -= 1
            continue
        if tok.lower_ in stop or tok.pos_ not in ("NOUN", "PROPN", "ADJ") or not tok.is_alpha or j in honorifics:
            break
        if "\n" in tok.whitespace_:
            break
        left = j
        j -= 1
    while left < head.start and doc[left].text in _POSSESSIVE:
        left += 1
    # a leading place or body ("Kestrelford Council leader") is the organisation, not the role
    role_start = left
    while (role_start < head.start and doc[role_start].ent_type_ in ("GPE", "ORG", "LOC")
           and doc[role_start].lower_ not in _ROLE_MODIFIERS):
        role_start += 1
    if role_start > left and organisation is None:
        organisation = doc[left:role_start].text
    phrase_left = party.start if party is not None else (owner_left if owner_left is not None else left)
    if phrase_left - 1 >= sent.start and doc[phrase_left - 1].lower_ in _DETERMINERS:
        phrase_left -= 1

    end = head.end
    name = None
    if end < sent.end and doc[end].lower_ in _COMPLEMENT_PREPS:
        k = end
        while k < sent.end and k - head.end <= _COMPLEMENT_MAX:
            tok = doc[k]
            if k in honorifics or tok.text in _BREAK_TEXT or "\n" in tok.text:
                break
            if tok.text == ",":
                nxt = doc[k + 1] if k + 1 < sent.end else None
                if nxt is None or (nxt.text[:1].islower() and nxt.lower_ != "and"):
                    break
                if k + 1 in parties or k + 1 in role_starts:  # ", Labour MP Jane Roe": a new phrase
                    break
                k += 1
                continue
            if tok.pos_ in ("VERB", "AUX", "PRON") or (tok.pos_ not in _COMPLEMENT_POS and not tok.is_alpha):
                break
            if tok.lower_ in ("from", "until", "since", "between", "to", "when", "after", "before"):
                break
            if "\n" in tok.whitespace_:
                k += 1
                break
            k += 1
        end, name = _split_tail_name(doc, head.end, k, honorifics)
    while end > head.end and (doc[end - 1].text in (",", "and") or doc[end - 1].lower_ in _DETERMINERS):
        end -= 1
    if name is None:
        p = end
        if p < sent.end and doc[p].text == ",":
            p += 1
        name = _name_after(doc, p, sent.end, honorifics)
    text = doc[role_start:end].text
    return _Role(role_start, end, phrase_left, text, _canonical_party(party), organisation, name)


def _compound_possessive(doc: Doc, i: int) -> bool:
    """True for the "'s" of a fixed title such as "Children's Services", not an owner such as "Kestrelford's"."""
    return i > 0 and doc[i - 1].lower_ in _TITLE_POSSESSORS


def _split_tail_name(doc: Doc, start: int, end: int, honorifics: dict[int, Span]) -> tuple[int, _Name | None]:
    """Split "for children, Young People and Families Jane Roe" into the complement and the name."""
    if end in honorifics:
        return end, _name_after(doc, end, len(doc), honorifics)
    run = end
    while run > start and is_name_token(doc[run - 1]) and end - run < _MAX_NAME_TOKENS:
        run -= 1
    size = end - run
    if size < 2:
        return end, None
    before = doc[run - 1]
    if before.text == ",":
        return run - 1, _Name(run, end)
    if before.lower_ in ("and", "&", "or"):
        return (end - 2, _Name(end - 2, end)) if size >= 3 else (end, None)
    if before.lower_ in _COMPLEMENT_PREPS or before.lower_ in _DETERMINERS:
        if size >= 3 and any(e.label_ == "PERSON" and e.end == end for e in doc.ents):
            return end - 2, _Name(end - 2, end)
        return end, None
    if size >= 3:
        return end - 2, _Name(end - 2, end)
    return run, _Name(run, end)


def _canonical_party(span: Span | None) -> str | None:
    if span is None:
        return None
    return _party_names().get(span.text) or span.text


def _parties(doc: Doc) -> dict[int, Span]:
    return {s.start: s for s in filter_spans(lexicon_spans(doc, ["PARTY"]))}


def _name_before(doc: Doc, i: int, names_by_end: dict[int, _Name]) -> _Name | None:
    """The name a role at token i is in apposition to: "Jane Roe, the director" / "Jane Roe, who as leader"."""
    sent_start = sentence(doc, i).start if i < len(doc) else 0
    j = i
    steps = 0
    while j - 1 >= sent_start and steps < 6:
        if j in names_by_end:
            return names_by_end[j]
        if doc[j - 1].lower_ not in _LINK_WORDS:
            return None
        j -= 1
        steps += 1
    return names_by_end.get(j)


def _party_after(doc: Doc, name: _Name, parties: dict[int, Span]) -> str | None:
    """A party given after a name: "Jane Roe (Labour)", "Jane Roe, a Conservative,"."""
    i = name.end
    if i + 2 < len(doc) and doc[i].text == "(" and i + 1 in parties and doc[parties[i + 1].end].text in (")", ","):
        return _canonical_party(parties[i + 1])
    if i + 2 < len(doc) and doc[i].text == ",":  # "Jane Roe, a Conservative, said"
        j = i + 1 + (doc[i + 1].lower_ in ("a", "the"))
        party = parties.get(j)
        if party is not None and party.end < len(doc) and doc[party.end].text in (",", ".", ";"):
            return _canonical_party(party)
    return None


def _collect_names(ctx: Context, honorifics: dict[int, Span], role_tokens: frozenset[int]) -> list[_Name]:
    doc = ctx.doc
    found: list[_Name] = []
    covered = -1
    for start in sorted(honorifics):
        if start < covered:  # inside a chain already read ("The Rt Hon Sir ...")
            continue
        name = _name_after(doc, start, len(doc), honorifics)
        covered = name.end if name is not None else honorifics[start].end
        if name is not None:
            found.append(name)
    for ent in doc.ents:
        if ent.label_ == "PERSON":
            name = _clean_entity(ent, honorifics, role_tokens)
            if name is not None:
                found.append(name)
    return found


def _merge(names: list[_Name]) -> list[_Name]:
    """One mention per stretch of text: the longest, keeping any honorific found for it."""
    names = sorted(names, key=lambda n: (n.start, -(n.end - n.start)))
    kept: list[_Name] = []
    for name in names:
        if kept and name.start < kept[-1].end:
            if kept[-1].honorific is None and name.honorific is not None:
                kept[-1].honorific = name.honorific
            kept[-1].roles.extend(name.roles)
            kept[-1].party = kept[-1].party or name.party
            kept[-1].organisation = kept[-1].organisation or name.organisation
            continue
        kept.append(name)
    return kept


def extract_officials(ctx: Context) -> list[Official]:
    doc = ctx.doc
    honorifics = _honorifics(doc)
    parties = _parties(doc)
    heads = filter_spans(lexicon_spans(doc, ["ROLE"]))
    names = _collect_names(ctx, honorifics, frozenset(i for h in heads for i in range(h.start, h.end)))
    role_starts = frozenset(h.start for h in heads)
    roles = [_role_phrase(doc, head, honorifics, parties, role_starts) for head in heads]
    for role in roles:
        if role.name is not None:
            names.append(role.name)
    names = _merge(names)
    by_start = {n.start: n for n in names}
    by_end = {n.end: n for n in names}
    for role in roles:
        target = None
        if role.name is not None:
            target = by_start.get(role.name.start)
        if target is None:
            target = _name_before(doc, role.left, by_end)
        if target is None:
            continue
        target.roles.append(role.text)
        target.party = target.party or role.party
        target.organisation = target.organisation or role.organisation
    for name in names:
        name.party = name.party or _party_after(doc, name, parties)
    return _people(ctx, names)


def _people(ctx: Context, names: list[_Name]) -> list[Official]:
    doc = ctx.doc
    office_honorifics = read_words("officials/official_honorifics.txt")
    authors = {a.text.lower() for a in ctx.article.authors}
    people: dict[tuple[str, ...], _Person] = {}
    short: list[_Name] = []
    for name in names:
        tokens = tuple(t.text for t in doc[name.start : name.end])
        if len(tokens) < 2:
            short.append(name)
            continue
        person = people.setdefault(tokens, _Person(name=" ".join(tokens), tokens=tokens, order=name.first))
        _absorb(person, name, doc)
    for name in short:
        token = doc[name.start].text
        hits = [p for p in people.values() if token in (p.tokens[-1], p.tokens[0])]
        if hits:
            before = [p for p in hits if p.order <= name.first]
            _absorb((before or hits)[-1 if before else 0], name, doc)
        elif name.honorific is not None:
            person = people.setdefault((token,), _Person(name=token, tokens=(token,), order=name.first))
            _absorb(person, name, doc)
    officials = []
    for person in sorted(people.values(), key=lambda p: p.order):
        if person.name.lower() in authors:
            continue
        if not (person.roles or person.party or ((person.honorific or "").lower() in office_honorifics)):
            continue
        _add_surname_mentions(ctx, person, people)
        officials.append(
            Official(
                name=person.name,
                honorific=person.honorific,
                roles=person.roles,
                organisation=person.organisation,
                party=person.party,
                mentions=[Mention(text=ctx.text[s:e], span=(s, e)) for s, e in sorted(set(person.mentions))],
            )
        )
    return officials


def _absorb(person: _Person, name: _Name, doc: Doc) -> None:
    first = doc[name.first].idx
    last = doc[name.end - 1].idx + len(doc[name.end - 1].text)
    person.mentions.append((first, last))
    if name.honorific is not None and person.honorific is None:
        person.honorific = name.honorific.text
    for role in name.roles:
        if role.lower() not in {r.lower() for r in person.roles}:
            person.roles.append(role)
    person.party = person.party or name.party
    person.organisation = person.organisation or name.organisation


def _add_surname_mentions(ctx: Context, person: _Person, people: dict[tuple[str, ...], _Person]) -> None:
    """Bare surnames ("Roe" in a headline) are mentions when no other person shares the surname."""
    surname = person.tokens[-1]
    if len(person.tokens) < 2 or sum(1 for p in people.values() if p.tokens[-1] == surname) > 1:
        return
    taken = person.mentions + [m for p in people.values() if p is not person for m in p.mentions]
    for match in re.finditer(rf"(?<![\w-]){re.escape(surname)}(?![\w-])", ctx.article.body):
        s, e = match.span()
        if not any(a < e and s < b for a, b in taken):
            person.mentions.append((s, e))
