"""Named officials: name, honorific, roles, organisation, party, and every mention.

UK news gives an office-holder's role in a handful of ways, and the rules follow them:
before the name ("Council leader Sir Jane Roe", "the Chief Constable, John Doe,", "the
chairman of the committee, Labour MP Jane Roe"), after it in apposition ("John Doe, 52,
strategic director for people,"), in a relative clause ("who as deputy leader ...", "who
chairs the panel and is now leader of the group"), in a coordinated predicate ("Dr Roe had
been appointed ..., and had been head of science"), with a party in front ("Labour cabinet
member for ...") or introducing the speaker ("For the Welsh Conservatives, Jane Roe"), and
in any paragraph: a later "Mr Doe, the council's director" gives the role to the John Doe
named earlier. Short forms ("Sir Jane", "Mr Doe", "Doe") are mentions of the full name.
Names are read in `official_names`, role phrases in `official_roles`; this module links
the two. The vocabulary (roles, honorifics, parties, words that are never names) is data
under `models/`; the code only knows the shapes.

A person is an official when the article gives them a role or a party, or an
honorific that is itself an office (Cllr, Lord, police ranks). Everyone else a
story names (victims, relatives, campaigners, the journalist) is left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from extract.context import Context
from extract.official_names import (
    MAX_NAME_TOKENS,
    POSSESSIVE,
    NameSpan,
    clause_of,
    clean_entity,
    honorific_spans,
    is_name_token,
    joins_name,
    name_after,
    name_text,
)
from extract.official_roles import (
    BREAK_TEXT,
    COMPLEMENT_MAX,
    Role,
    canonical_party,
    party_spans,
    role_phrase,
    wrapped_roles,
)
from extract.pipeline import lexicon_spans
from extract.records import Mention, Official
from extract.resources import read_words

_LINK_WORDS = frozenset({"who", "as", "is", "was", "became", "has", "been", "had", "now", "then", "currently", ",",
                         "the", "a", "an", "its", "their", "appointed", "named", "elected", "formerly", "also", "and",
                         "previously", "served", "serving", "works", "worked", "working", "remains", "remained",
                         "serves", "becomes", "role", "post", "job", "made", "‘", "'"})
_FIRST_NAME_TITLES = frozenset({"sir", "dame"})


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


def _name_before(doc: Doc, i: int, names_by_end: dict[int, NameSpan]) -> NameSpan | None:
    """The name a role at token i is in apposition to: "Jane Roe, the director" / "Jane Roe, who as leader"."""
    sent_start = clause_of(doc, i).start if i < len(doc) else 0
    stop = read_words("officials/role_stop_words.txt")
    j = i
    steps = 0
    while j - 1 >= sent_start and steps < 6:
        if j in names_by_end:
            # right after a name only letters ("Jane Roe MP"); "Acme chief" is a body's chief
            return names_by_end[j] if steps or doc[i].text.isupper() else None
        if doc[j - 1].text in POSSESSIVE and j < len(doc) and doc[j].lower_ in ("role", "post", "job"):
            j -= 1  # "Jane Roe's role as deputy secretary"
            steps += 1
            continue
        if doc[j - 1].lower_ not in _LINK_WORDS and doc[j - 1].lower_ not in stop and not doc[j - 1].is_space \
                and not (doc[j - 1].like_num and doc[j - 2].text == ","):  # "Jane Roe, 52, was head of ..."
            return None
        j -= 1
        steps += 1
    return names_by_end.get(j)


def _bare_name_before(doc: Doc, left: int, honorifics: dict[int, Span], role_tokens: frozenset[int]) -> NameSpan | None:
    """A name the NER missed, in apposition to the role that follows it: "Jane Roe, general secretary of ...",
    "Jane Roe, former chief constable", "Jane Roe, 52, was head of". Only a comma-marked apposition counts,
    and the capitalised run must pass the name-word checks ("Westmarch Vale Police, the force" does not)."""
    clause = clause_of(doc, left)
    stop = read_words("officials/role_stop_words.txt")
    j = left
    comma = False
    while j - 1 > clause.start and left - j < 6:
        prev = doc[j - 1]
        if prev.text == ",":
            comma = True
        elif not (prev.lower_ in _LINK_WORDS or prev.lower_ in stop or (prev.like_num and doc[j - 2].text == ",")):
            break
        j -= 1
    if not comma:
        return None
    while doc[j].text != ",":  # the name ends at the first comma after it
        j += 1
    end = start = j
    if doc[end - 1].ent_type_ == "PERSON":
        return None  # the NER's name, read as an entity
    words = 0
    while start - 1 >= clause.start and words < MAX_NAME_TOKENS:
        if is_name_token(doc[start - 1]) and doc[start - 1].pos_ == "PROPN" and start - 1 not in role_tokens \
                and start - 1 not in honorifics and doc[start - 1].lower_ not in STOP_WORDS:
            start -= 1
            words += 1
        elif start - 2 >= clause.start and joins_name(doc, start - 1, end) and is_name_token(doc[start - 2]):
            start -= 1
        else:
            break
    if words < 2 or start in honorifics:
        return None
    run = doc[start:end]
    if any(t.ent_type_ and t.ent_type_ != "PERSON" for t in run) and (
            doc[start].ent_iob_ != "B" or (end < len(doc) and doc[end].ent_iob_ == "I")):
        return None  # part of a longer name of a body
    hon = next((h for h in honorifics.values() if h.end == start), None)
    return NameSpan(start, end, hon)


def _next_role_name(doc: Doc, role: Role, by_left: dict[int, Role], by_start: dict[int, NameSpan]) -> NameSpan | None:
    """Roles stacked before one name share it: "the chairman of the committee, Labour MP Jane Roe"."""
    seen = 0
    while role.name is None and seen < 3:
        p = role.end
        if p < len(doc) and doc[p].text == ",":
            p += 1
        nxt = by_left.get(p)
        if nxt is None or nxt is role:
            return None
        role = nxt
        seen += 1
    return by_start.get(role.name.start) if role.name is not None else None


_COPULAS = frozenset({"is", "was", "became", "becomes", "as", "been", "appointed", "named", "remains", "remained"})
_COPULA_FILLERS = frozenset({"now", "also", "then", "still", "currently", "already", "the", "a", "an", "later"})
_OFFICE_VERBS = {"chairs": "chair", "chaired": "chair", "heads": "head", "headed": "head", "owns": "owner",
                 "owned": "owner"}
_AUXILIARIES = frozenset({"had", "has", "have", "would", "will", "having"})
_CLAUSE_LIMIT = 30


def _relative_owner(doc: Doc, left: int, by_end: dict[int, NameSpan], by_first: dict[int, NameSpan]) -> NameSpan | None:
    """The person whose predicate the role is, further back in the sentence: a relative clause ("Jane Roe, who
    chaired the panel until 2018 and is now leader of the group,") or the subject of a coordinated predicate
    ("Dr Roe had been appointed to the post ..., and had been head of science"). A role after any other verb
    ("who met the chief executive") or after another person in between is someone else's."""
    clause = clause_of(doc, left)
    j = left
    while j - 1 > clause.start and doc[j - 1].lower_ in _COPULA_FILLERS:
        j -= 1
    if j - 1 <= clause.start or doc[j - 1].lower_ not in _COPULAS:
        return None
    j -= 1
    while j - 1 > clause.start and doc[j - 1].lower_ in _AUXILIARIES:
        j -= 1
    subject = by_first.get(_subject_start(doc, clause)) if doc[j - 1].lower_ == "and" else None
    if subject is not None and j - subject.end > _CLAUSE_LIMIT:
        subject = None
    stop = subject.end if subject is not None else max(clause.start, j - _CLAUSE_LIMIT)
    for k in range(j - 1, stop - 1, -1):
        tok = doc[k]
        if tok.text in BREAK_TEXT or tok.ent_type_ == "PERSON" or tok.lower_ in ("he", "she", "they", "i", "we"):
            return None
        if tok.lower_ == "who" and doc[k - 1].text == ",":
            return by_end.get(k - 1)
    return subject


def _title_back_reference(doc: Doc, role: Role, by_first: dict[int, NameSpan]) -> NameSpan | None:
    """News names a person, then calls them by title: "Jane Roe is considering ... . The Education Secretary's
    intervention ...". Only a capitalised title that opens the sentence right after one that opens with the
    name counts; a title anywhere else ("she met the Education Secretary") is someone else."""
    here = clause_of(doc, role.left)
    if doc[role.left].lower_ != "the" or role.left != _subject_start(doc, here) or role.name is not None:
        return None
    words = [t for t in doc[role.start : role.end] if t.is_alpha and t.lower_ not in ("of", "for")]
    if not all(t.text[:1].isupper() for t in words):
        return None
    k = here.start - 1
    while k > 0 and doc[k].is_space:
        k -= 1
    if k <= 0:
        return None
    before = clause_of(doc, k)
    name = by_first.get(_subject_start(doc, before))
    if name is None or (name.end - name.start < 2 and name.honorific is None):
        return None
    others = (by_first[k] for k in range(name.end, before.end) if k in by_first)
    if any(n.end - n.start >= 2 or n.honorific is not None for n in others):
        return None  # two people in the sentence: which one the title means is not clear
    return name


def _subject_start(doc: Doc, clause: Span) -> int:
    """The first word of a sentence, after blank space."""
    k = clause.start
    while k < clause.end - 1 and doc[k].is_space:
        k += 1
    return k


def _office_verbs(doc: Doc, name: NameSpan) -> list[str]:
    """An office given by a verb in the name's relative clause: "Jane Roe, who chairs the scrutiny panel," is
    the panel's chair, "who owned the care home" its owner."""
    k = name.end
    if k + 2 >= len(doc) or doc[k].text != "," or doc[k + 1].lower_ != "who":
        return []
    k += 2
    while k < len(doc) and doc[k].lower_ in _COPULA_FILLERS | {"formerly", "previously"}:
        k += 1
    if k >= len(doc) or doc[k].lower_ not in _OFFICE_VERBS:
        return []
    noun = _OFFICE_VERBS[doc[k].lower_]
    end = k + 1
    while end < len(doc) and end - k <= COMPLEMENT_MAX and (doc[end].pos_ in ("DET", "NOUN", "PROPN", "ADJ", "PART")
                                                             or doc[end].lower_ in ("of", "'s", "’s")):
        end += 1
    while end > k + 1 and doc[end - 1].pos_ in ("DET", "ADP", "PART"):
        end -= 1
    if end == k + 1:
        return []
    return [f"{noun} of {' '.join(doc[k + 1 : end].text.split())}"]


def _coordinated_name(doc: Doc, role: Role, honorifics: dict[int, Span]) -> NameSpan | None:
    """The second name after a plural title: "Directors Jane Roe and John Doe"."""
    name = role.name
    if name is None or not doc[role.end - 1].lower_.endswith("s") or doc[role.end - 1].lower_.endswith("ss"):
        return None
    if name.end + 1 >= len(doc) or doc[name.end].lower_ != "and":
        return None
    return name_after(doc, name.end + 1, clause_of(doc, name.end).end, honorifics)


def _party_before(doc: Doc, name: NameSpan, parties: dict[int, Span]) -> str | None:
    """A party that introduces a speaker: "For the Welsh Conservatives, Jane Roe said"."""
    comma = name.first - 1
    if comma < 1 or doc[comma].text != ",":
        return None
    party = next((p for p in parties.values() if p.end == comma), None)
    if party is None:
        return None
    k = party.start
    while k - 1 >= 0 and (doc[k - 1].pos_ in ("PROPN", "ADJ") and doc[k - 1].text[:1].isupper()):
        k -= 1  # "Welsh", "Scottish"
    if k - 1 >= 0 and doc[k - 1].lower_ == "the":
        k -= 1
    if k - 1 >= 0 and doc[k - 1].lower_ == "for" and (k - 1 == clause_of(doc, k - 1).start or doc[k - 2].text == ","):
        return canonical_party(party)
    return None


def _party_after(doc: Doc, name: NameSpan, parties: dict[int, Span]) -> str | None:
    """A party given after a name: "Jane Roe (Labour)", "Jane Roe, a Conservative,"."""
    i = name.end
    if i + 2 < len(doc) and doc[i].text == "(" and i + 1 in parties and doc[parties[i + 1].end].text in (")", ","):
        return canonical_party(parties[i + 1])
    if i + 2 < len(doc) and doc[i].text == ",":  # "Jane Roe, a Conservative, said"
        j = i + 1 + (doc[i + 1].lower_ in ("a", "the"))
        party = parties.get(j)
        if party is not None and party.end < len(doc) and doc[party.end].text in (",", ".", ";"):
            return canonical_party(party)
    return None


def _collect_names(ctx: Context, honorifics: dict[int, Span], role_tokens: frozenset[int]) -> list[NameSpan]:
    doc = ctx.doc
    found: list[NameSpan] = []
    covered = -1
    for start in sorted(honorifics):
        if start < covered:  # inside a chain already read ("The Rt Hon Sir ...")
            continue
        name = name_after(doc, start, len(doc), honorifics)
        covered = name.end if name is not None else honorifics[start].end
        if name is not None:
            found.append(name)
    for ent in doc.ents:
        if ent.label_ == "PERSON":
            name = clean_entity(ent, honorifics, role_tokens)
            if name is not None:
                found.append(name)
    return found


def _merge(names: list[NameSpan]) -> list[NameSpan]:
    """One mention per stretch of text: the longest, keeping any honorific found for it."""
    names = sorted(names, key=lambda n: (n.start, -(n.end - n.start)))
    kept: list[NameSpan] = []
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
    honorifics = honorific_spans(doc)
    parties = party_spans(doc)
    heads = filter_spans(lexicon_spans(doc, ["ROLE"]) + wrapped_roles(doc))
    role_tokens = frozenset(i for h in heads for i in range(h.start, h.end))
    names = _collect_names(ctx, honorifics, role_tokens)
    role_starts = frozenset(h.start for h in heads)
    roles = [role_phrase(doc, head, honorifics, parties, role_starts) for head in heads]
    for role in roles:
        if role.name is not None:
            names.append(role.name)
            other = _coordinated_name(doc, role, honorifics)
            if other is not None:  # "Owners Jane Roe and John Doe": both hold the office
                other.roles.append(role.text)
                other.party = role.party
                names.append(other)
        else:
            bare = _bare_name_before(doc, role.left, honorifics, role_tokens)
            if bare is not None:
                names.append(bare)
    names = _merge(names)
    by_start = {n.start: n for n in names}
    by_end = {n.end: n for n in names}
    by_left = {r.left: r for r in roles}
    by_first = {n.first: n for n in names}
    for role in roles:
        target = None
        if role.name is not None:
            target = by_start.get(role.name.start)
        if target is None:
            target = _name_before(doc, role.left, by_end)
        if target is None:
            target = _next_role_name(doc, role, by_left, by_start)
        if target is None:
            target = _relative_owner(doc, role.left, by_end, by_first)
        if target is None:
            target = _title_back_reference(doc, role, by_first)
        if target is None:
            continue
        target.roles.append(role.text)
        target.party = target.party or role.party
        target.organisation = target.organisation or role.organisation
    for name in names:
        name.roles.extend(_office_verbs(doc, name))
        name.party = name.party or _party_after(doc, name, parties) or _party_before(doc, name, parties)
    return _people(ctx, names)


def _people(ctx: Context, names: list[NameSpan]) -> list[Official]:
    doc = ctx.doc
    office_honorifics = read_words("officials/official_honorifics.txt")
    authors = {a.text.lower() for a in ctx.article.authors}
    people: dict[tuple[str, ...], _Person] = {}
    short: list[NameSpan] = []
    for name in names:
        tokens = tuple(name_text(doc, name.start, name.end).split())
        if len(tokens) < 2:
            short.append(name)
            continue
        person = people.setdefault(tokens, _Person(name=" ".join(tokens), tokens=tokens, order=name.first))
        _absorb(person, name, doc)
    for name in short:
        token = name_text(doc, name.start, name.end)
        hon = name.honorific.text.lower() if name.honorific is not None else ""
        by_last = [p for p in people.values() if p.tokens[-1] == token]
        by_first = [p for p in people.values() if p.tokens[0] == token]
        # "Sir Jane"/"Dame Jane" use the first name, "Mr Roe"/"Dr Roe" the surname
        hits = (by_first or by_last) if hon in _FIRST_NAME_TITLES else (by_last or by_first)
        hits = [p for p in hits if (p.honorific or "").lower() == hon] or hits
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


def _absorb(person: _Person, name: NameSpan, doc: Doc) -> None:
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
