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

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from extract.context import Context
from extract.pipeline import lexicon_spans
from extract.records import Mention, Official
from extract.resources import read_jsonl, read_words

_NAME_TOKEN = re.compile(r"[A-Z](?:['’][A-Z])?(?:[a-z]+(?:[-'’][A-Z]?[a-z]+)*|[a-z]*[A-Z][a-z]+|\.)?")
_MAX_NAME_TOKENS = 4
_ROLE_LEFT_MAX = 5
_COMPLEMENT_MAX = 16
_COMPLEMENT_PREPS = frozenset({"for", "of", "at", "on", "in"})
_COMPLEMENT_POS = frozenset({"NOUN", "PROPN", "ADJ", "NUM", "PART", "DET", "ADP", "CCONJ"})
_BREAK_TEXT = frozenset({":", ";", "(", ")", "“", "”", '"', "‘", "'", "–", "—", ".", "?", "!", "-"})
_LINK_WORDS = frozenset({"who", "as", "is", "was", "became", "has", "been", "had", "now", "then", "currently", ",",
                         "the", "a", "an", "its", "their", "appointed", "named", "elected", "formerly", "also", "and",
                         "previously", "served", "serving", "works", "worked", "working", "remains", "remained",
                         "serves", "becomes", "role", "post", "job", "made", "‘", "'"})
_DETERMINERS = frozenset({"the", "a", "an", "its", "their", "his", "her", "our"})
_POSSESSIVE = frozenset({"'s", "’s", "'", "’"})
_TITLE_POSSESSORS = frozenset({"children", "women", "men", "people", "adults", "citizens", "victims"})
_ROLE_MODIFIERS = frozenset({"shadow", "deputy", "chief", "senior", "assistant", "acting", "interim", "joint"})
# heads that say little without the body in front of them: "Ofsted chief", "NHS boss" keep "Ofsted", "NHS"
_VAGUE_HEADS = frozenset({"chief", "boss", "bosses", "chiefs", "tsar", "czar", "head"})
_NOT_ROLE_WORDS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"})
# letters after a name that are not part of it (honours, offices); an office among them is also a ROLE
_POST_NOMINALS = frozenset({"QC", "KC", "OBE", "CBE", "MBE", "KBE", "DBE", "JP", "MP", "MSP", "MEP", "AM", "MLA",
                            "FRCS", "FRCP", "PhD"})
_FIRST_NAME_TITLES = frozenset({"sir", "dame"})
_WRAP_MIN_LINE = 40  # a line this long that stops mid-sentence was wrapped by the source, not ended
_END_PUNCT = frozenset({".", "?", "!", ":", ";", "”", '"', "’", "'"})


def _is_wrap(doc: Doc, i: int) -> bool:
    """Token i is a line break inside a sentence: the source (the Daily Mail's text files) wrapped a long line
    mid-sentence. Such a break must not end a name, a role or the sentence they are read in."""
    tok = doc[i]
    if not tok.is_space or tok.text.count("\n") != 1 or i == 0:
        return False
    prev = doc[i - 1]
    if prev.is_space or prev.text in _END_PUNCT:
        return False
    text = doc.text
    line_start = text.rfind("\n", 0, prev.idx) + 1
    trailing_space = bool(prev.whitespace_) or tok.text[0] != "\n"  # "medical \ndirector": a wrapping editor's mark
    return tok.idx - line_start >= (_WRAP_MIN_LINE // 2 if trailing_space else _WRAP_MIN_LINE)


def _clause(doc: Doc, i: int) -> Span:
    """The sentence holding token i, joined with its neighbours across wrapped lines (see `_is_wrap`)."""
    bounds = doc.user_data.get("extract_officials_clauses")
    if bounds is None:
        starts = [0] * len(doc)
        ends = [0] * len(doc)
        groups: list[list[int]] = []
        for sent in doc.sents:
            k = sent.start
            joined = False
            if groups:
                j = k - 1
                while j >= groups[-1][0] and doc[j].is_space and not _is_wrap(doc, j):
                    j -= 1
                joined = j >= groups[-1][0] and _is_wrap(doc, j)
            if joined:
                groups[-1][1] = sent.end
            else:
                groups.append([sent.start, sent.end])
        for start, end in groups:
            for k in range(start, end):
                starts[k] = start
                ends[k] = end
        bounds = doc.user_data["extract_officials_clauses"] = (starts, ends)
    i = min(max(i, 0), len(doc) - 1)
    return doc[bounds[0][i] : bounds[1][i]]


def _joins_name(doc: Doc, i: int, limit: int) -> bool:
    """Token i sits inside a name that goes on at i + 1: a wrapped line ("Sir David \nRoe") or the hyphen of
    a double-barrelled name ("Whitmarsh-Roe", which spaCy splits in three)."""
    if i + 1 >= limit or not is_name_token(doc[i + 1]):
        return False
    tok = doc[i]
    if tok.text in ("-", "‐") and not tok.whitespace_ and i > 0 and not doc[i - 1].whitespace_:
        return True
    return _is_wrap(doc, i)


def name_text(doc: Doc, start: int, end: int) -> str:
    """A name as one line: wrapped lines joined by a space, a double-barrelled name kept whole."""
    parts = []
    for tok in doc[start:end]:
        parts.append(" " if tok.is_space else tok.text_with_ws)
    return " ".join("".join(parts).split())


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
    if hon is not None and i < limit and _is_wrap(doc, i) and i + 1 < limit and is_name_token(doc[i + 1]):
        i += 1  # "Dr\n Roe"
    start = i
    words = 0
    while i < limit and words < _MAX_NAME_TOKENS and is_name_token(doc[i]):
        i += 1
        words += 1
        if "\n" in doc[i - 1].whitespace_:
            break
        if i < limit and _joins_name(doc, i, limit):
            i += 1
    if i == start:
        return None
    if hon is None and words < 2:
        return None
    if i < len(doc) and doc[i].ent_iob_ == "I" and doc[i].ent_type_ != "PERSON":
        return None  # the start of a longer name of a body or place: "Thames Valley Police"
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
    while end > start and (doc[end - 1].text in _POSSESSIVE or doc[end - 1].text in _POST_NOMINALS
                           or (end - 1) in role_tokens):  # "Jane Roe QC", "Jane Roe MP"
        end -= 1
    if hon is None:  # "Rhodri Glyn Roe" tagged from "Glyn": the run of names goes on to the left
        while (start > 0 and end - start < 3 and is_name_token(doc[start - 1]) and doc[start - 1].pos_ == "PROPN"
               and start - 1 not in role_tokens and not doc[start - 1].ent_type_
               and doc[start - 1].lower_ not in STOP_WORDS
               and not any(h.start <= start - 1 < h.end for h in honorifics.values())):
            start -= 1
    while end < len(doc) - 1 and _joins_name(doc, end, len(doc)) and end - start < _MAX_NAME_TOKENS:
        end += 2  # the entity stopped at a hyphen or a wrapped line
    for i in range(start, end):
        if _joins_name(doc, i, end):
            continue
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
    sent = _clause(doc, head.start)
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
        # "Acting" and body names ("Ofsted") are sometimes tagged as verbs
        modifier = tok.lower_ in _ROLE_MODIFIERS or tok.ent_type_ in ("ORG", "GPE", "NORP")
        if tok.lower_ in stop or not (modifier or tok.pos_ in ("NOUN", "PROPN", "ADJ")) or not tok.is_alpha \
                or j in honorifics:
            break
        if tok.ent_type_ in _NOT_ROLE_WORDS or tok.ent_type_ == "PERSON":  # "On Monday school inspection chief"
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
    if doc[head.start : head.end].text.lower() in _VAGUE_HEADS:
        role_start = left
    phrase_left = party.start if party is not None else (owner_left if owner_left is not None else left)
    if phrase_left - 1 >= sent.start and doc[phrase_left - 1].lower_ in _DETERMINERS:
        phrase_left -= 1

    end = head.end
    name = None
    ends_in_prep = doc[end - 1].lower_ in _COMPLEMENT_PREPS  # "head of" is a lexicon entry with its "of"
    if end < sent.end and (doc[end].lower_ in _COMPLEMENT_PREPS or ends_in_prep):
        k = end
        while k < sent.end and k - head.end <= _COMPLEMENT_MAX:
            tok = doc[k]
            if tok.is_space and (_is_wrap(doc, k) or "\n" not in tok.text):  # a wrapped line, a double space
                k += 1
                continue
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
            gerund = tok.tag_ == "VBG" and doc[k - 1].lower_ in _COMPLEMENT_PREPS  # "head of learning"
            if (tok.pos_ in ("VERB", "AUX", "PRON") and not gerund) or (
                    tok.pos_ not in _COMPLEMENT_POS and not tok.is_alpha):
                break
            if tok.lower_ in ("from", "until", "since", "between", "to", "when", "after", "before"):
                break
            if "\n" in tok.whitespace_:
                k += 1
                break
            k += 1
        end, name = _split_tail_name(doc, head.end, k, honorifics)
    while end > head.end and (doc[end - 1].text in (",", "and") or doc[end - 1].lower_ in _DETERMINERS
                              or doc[end - 1].is_space or doc[end - 1].lower_ in _COMPLEMENT_PREPS):
        end -= 1
    if name is None:
        p = end
        if p < sent.end and doc[p].text in (",", "–", "—"):  # "the council's director – Jane Roe –"
            p += 1
        if p + 1 < sent.end and doc[p].lower_ == "the" and p + 1 in honorifics:  # "the chair, the Rev Jane Roe"
            p += 1
        name = _name_after(doc, p, sent.end, honorifics)
    if ends_in_prep and end == head.end:  # "head of" with nothing after it
        end -= 1
    text = " ".join(doc[role_start:end].text.split())
    if party is None:  # "leader of the Conservative group"
        party = next((parties[k] for k in range(head.end, end) if k in parties and parties[k].end <= end), None)
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


@cache
def _role_phrases() -> tuple[frozenset[str], int]:
    """The lexicon's plain-text roles, lower-cased, and the most words any of them has."""
    phrases = frozenset(" ".join(row["pattern"].lower().split()) for row in read_jsonl("patterns/roles.jsonl")
                        if row.get("label") == "ROLE" and isinstance(row["pattern"], str))
    return phrases, max((len(p.split()) for p in phrases), default=1)


def _wrapped_roles(doc: Doc) -> list[Span]:
    """Role titles cut by a wrapped line ("the trust's medical \ndirector"), which the span ruler cannot see."""
    phrases, longest = _role_phrases()
    found = []
    for i, tok in enumerate(doc):
        if not tok.is_space or "\n" not in tok.text or not _is_wrap(doc, i):
            continue
        for a in range(max(0, i - longest + 1), i):
            for b in range(i + 2, min(len(doc), i + longest + 1) + 1):
                words = [t.lower_ for t in doc[a:b] if not t.is_space]
                if len(words) <= longest and " ".join(words) in phrases:
                    found.append(Span(doc, a, b, label="ROLE"))
    return found


def _canonical_party(span: Span | None) -> str | None:
    if span is None:
        return None
    return _party_names().get(span.text) or span.text


def _parties(doc: Doc) -> dict[int, Span]:
    return {s.start: s for s in filter_spans(lexicon_spans(doc, ["PARTY"]))}


def _name_before(doc: Doc, i: int, names_by_end: dict[int, _Name]) -> _Name | None:
    """The name a role at token i is in apposition to: "Jane Roe, the director" / "Jane Roe, who as leader"."""
    sent_start = _clause(doc, i).start if i < len(doc) else 0
    stop = read_words("officials/role_stop_words.txt")
    j = i
    steps = 0
    while j - 1 >= sent_start and steps < 6:
        if j in names_by_end:
            return names_by_end[j]
        if doc[j - 1].text in _POSSESSIVE and j < len(doc) and doc[j].lower_ in ("role", "post", "job"):
            j -= 1  # "Jane Roe's role as deputy secretary"
            steps += 1
            continue
        if doc[j - 1].lower_ not in _LINK_WORDS and doc[j - 1].lower_ not in stop and not doc[j - 1].is_space \
                and not (doc[j - 1].like_num and doc[j - 2].text == ","):  # "Jane Roe, 52, was head of ..."
            return None
        j -= 1
        steps += 1
    return names_by_end.get(j)


def _bare_name_before(doc: Doc, left: int, honorifics: dict[int, Span], role_tokens: frozenset[int]) -> _Name | None:
    """A name the NER missed, in apposition to the role that follows it: "Jane Roe, general secretary of ...",
    "Jane Roe, former chief constable", "Jane Roe, 52, was head of". Only a comma-marked apposition counts,
    and the capitalised run must pass the name-word checks ("Thames Valley Police, the force" does not)."""
    clause = _clause(doc, left)
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
    while start - 1 >= clause.start and words < _MAX_NAME_TOKENS:
        if is_name_token(doc[start - 1]) and doc[start - 1].pos_ == "PROPN" and start - 1 not in role_tokens \
                and start - 1 not in honorifics and doc[start - 1].lower_ not in STOP_WORDS:
            start -= 1
            words += 1
        elif start - 2 >= clause.start and _joins_name(doc, start - 1, end) and is_name_token(doc[start - 2]):
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
    return _Name(start, end, hon)


def _next_role_name(doc: Doc, role: _Role, by_left: dict[int, _Role], by_start: dict[int, _Name]) -> _Name | None:
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


def _relative_owner(doc: Doc, left: int, by_end: dict[int, _Name], by_first: dict[int, _Name]) -> _Name | None:
    """The person whose predicate the role is, further back in the sentence: a relative clause ("Jane Roe, who
    chaired the panel until 2018 and is now leader of the group,") or the subject of a coordinated predicate
    ("Dr Roe had been appointed to the post ..., and had been head of science"). A role after any other verb
    ("who met the chief executive") or after another person in between is someone else's."""
    clause = _clause(doc, left)
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
        if tok.text in _BREAK_TEXT or tok.ent_type_ == "PERSON" or tok.lower_ in ("he", "she", "they", "i", "we"):
            return None
        if tok.lower_ == "who" and doc[k - 1].text == ",":
            return by_end.get(k - 1)
    return subject


def _subject_start(doc: Doc, clause: Span) -> int:
    """The first word of a sentence, after blank space."""
    k = clause.start
    while k < clause.end - 1 and doc[k].is_space:
        k += 1
    return k


def _office_verbs(doc: Doc, name: _Name) -> list[str]:
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
    while end < len(doc) and end - k <= _COMPLEMENT_MAX and (doc[end].pos_ in ("DET", "NOUN", "PROPN", "ADJ", "PART")
                                                             or doc[end].lower_ in ("of", "'s", "’s")):
        end += 1
    while end > k + 1 and doc[end - 1].pos_ in ("DET", "ADP", "PART"):
        end -= 1
    if end == k + 1:
        return []
    return [f"{noun} of {' '.join(doc[k + 1 : end].text.split())}"]


def _coordinated_name(doc: Doc, role: _Role, honorifics: dict[int, Span]) -> _Name | None:
    """The second name after a plural title: "Directors Jane Roe and John Doe"."""
    name = role.name
    if name is None or not doc[role.end - 1].lower_.endswith("s") or doc[role.end - 1].lower_.endswith("ss"):
        return None
    if name.end + 1 >= len(doc) or doc[name.end].lower_ != "and":
        return None
    return _name_after(doc, name.end + 1, _clause(doc, name.end).end, honorifics)


def _party_before(doc: Doc, name: _Name, parties: dict[int, Span]) -> str | None:
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
    if k - 1 >= 0 and doc[k - 1].lower_ == "for" and (k - 1 == _clause(doc, k - 1).start or doc[k - 2].text == ","):
        return _canonical_party(party)
    return None


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
    heads = filter_spans(lexicon_spans(doc, ["ROLE"]) + _wrapped_roles(doc))
    role_tokens = frozenset(i for h in heads for i in range(h.start, h.end))
    names = _collect_names(ctx, honorifics, role_tokens)
    role_starts = frozenset(h.start for h in heads)
    roles = [_role_phrase(doc, head, honorifics, parties, role_starts) for head in heads]
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
            continue
        target.roles.append(role.text)
        target.party = target.party or role.party
        target.organisation = target.organisation or role.organisation
    for name in names:
        name.roles.extend(_office_verbs(doc, name))
        name.party = name.party or _party_after(doc, name, parties) or _party_before(doc, name, parties)
    return _people(ctx, names)


def _people(ctx: Context, names: list[_Name]) -> list[Official]:
    doc = ctx.doc
    office_honorifics = read_words("officials/official_honorifics.txt")
    authors = {a.text.lower() for a in ctx.article.authors}
    people: dict[tuple[str, ...], _Person] = {}
    short: list[_Name] = []
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
