"""Who can speak in an article: people, bodies, reports, pronouns and unnamed sources, as token spans.

Officials come with their full names; a person the NER found by surname alone, or with an honorific
("Mr Roe", "Sir John"), speaks as the full name the article gave earlier. Names the NER missed are
runs of title-case proper nouns. "The report" or "inspectors" speak for the inspectorate the article
names, "Jane Roe's report" for Jane Roe, and "the chief constable" for the official who holds that role.
A candidate is *minor* when it cannot be the one speaking: the object of a verb or preposition, a
relative named in passing ("whose daughter Amy"), or a name in a photo caption.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from extract.context import Context
from extract.layout import is_caption, paragraphs
from extract.official_names import honorific_spans, is_name_token
from extract.pipeline import lexicon_spans, sentence
from extract.resources import inspectorate_names, read_words

PERSON_PRONOUNS = {"he": "he", "she": "she", "him": "he", "her": "she"}
ORG_PRONOUNS = frozenset({"it", "they"})
_DETERMINERS = frozenset({"the", "its", "his", "her", "their", "our", "whose"})
_WORDLIKE = re.compile(r"[A-Za-z][A-Za-z'’.-]*")
_PRODUCE = frozenset({"conduct", "publish", "produce", "carry", "release", "issue", "commission", "compile"})
_STUDIES = frozenset({"study", "review", "research", "survey", "inquiry", "investigation", "analysis"})
_POSSESSIVES = frozenset({"whose", "his", "her", "their", "my", "our", "your"})
_FIRST_NAME_HONORIFICS = frozenset({"sir", "dame"})


@dataclass
class Candidate:
    """Something that can speak: an official, a named person, a body, a pronoun, an anonymous source."""

    start: int  # token indices
    end: int
    kind: str  # "person", "org", "pronoun", "anonymous"
    value: str | None
    word: str = ""
    minor: bool = False


@dataclass
class Speakers:
    candidates: list[Candidate] = field(default_factory=list)
    inspectorate: str | None = None


def find_speakers(ctx: Context) -> Speakers:
    """Every candidate speaker of the article, in reading order."""
    doc = ctx.doc
    out = Speakers()
    taken: set[int] = set()
    for official in ctx.officials:
        for mention in official.mentions:
            span = doc.char_span(*mention.span, alignment_mode="expand")
            if span is not None:
                out.candidates.append(Candidate(span.start, span.end, "person", official.name))
                taken.update(range(span.start, span.end))
    names = NameBook(ctx)
    canonical = inspectorate_names()
    counts: Counter[str] = Counter()
    for ent in doc.ents:
        if ent.start in taken:
            continue
        if ent.label_ == "ORG" and ent.ent_id_ in canonical:
            counts[canonical[ent.ent_id_]] += 1
            out.candidates.append(Candidate(ent.start, ent.end, "org", canonical[ent.ent_id_]))
        elif (ent.label_ == "PERSON" and all(_WORDLIKE.fullmatch(t.text) or t.tag_ == "POS" for t in ent)) \
                or _aged(doc, ent):
            value = names.full(ent)
            if value:
                out.candidates.append(Candidate(ent.start, ent.end, "person", value))
        elif ent.label_ == "ORG":
            out.candidates.append(Candidate(ent.start, ent.end, "org", _without_article(ent.text), word="named"))
        taken.update(range(ent.start, ent.end))
    out.candidates.extend(names.unlabelled(taken))
    out.inspectorate = counts.most_common(1)[0][0] if counts else None
    out.candidates.extend(_role_nouns(ctx, taken))
    reports = read_words("quotes/report_speakers.txt")
    anonymous = read_words("quotes/anonymous_speakers.txt")
    by_end = {c.end: c for c in out.candidates if c.kind in ("person", "org")}
    by_start = {c.start: c for c in out.candidates if c.kind in ("person", "org")}
    roles_at = {c.start for c in out.candidates}
    author = out.inspectorate or _report_author(doc, out.candidates, reports)
    for token in doc:
        if token.i in taken or token.ent_type_ or token.i in roles_at:
            continue
        lower = token.lower_
        if lower in reports:
            owner = _owner(doc, token.i, by_end) or _by_after(doc, token.i, by_start)
            value = owner.value if owner else author
            kind = owner.kind if owner else "org"
            out.candidates.append(Candidate(token.i, token.i + 1, kind, value, word=lower))
        elif lower in anonymous:
            out.candidates.append(Candidate(token.i, token.i + 1, "anonymous", None, word=lower))
        elif lower in PERSON_PRONOUNS or lower in ORG_PRONOUNS:
            out.candidates.append(Candidate(token.i, token.i + 1, "pronoun", None, word=lower))
    out.candidates.sort(key=lambda c: c.start)
    _mark_minor(ctx, out.candidates)
    return out


def _aged(doc: Doc, ent: Span) -> bool:
    """"Jane Roe, 47," is a person whatever the NER called the name."""
    end = ent.end
    return (
        ent.label_ not in ("ORG", "DATE", "CARDINAL") and 2 <= len(ent) <= 3 and all(t.is_title for t in ent)
        and end + 2 < len(doc) and doc[end].text == "," and doc[end + 1].like_num and doc[end + 2].text == ","
    )


def _owner(doc: Doc, i: int, by_end: dict[int, Candidate]) -> Candidate | None:
    """Whose report this is: "Jane Roe's report", "the watchdog's damning report", "the CQC report"."""
    j = i - 1
    while j > 0 and doc[j].pos_ == "ADJ":
        j -= 1
    if j > 0 and doc[j].tag_ == "POS":
        return by_end.get(j) or by_end.get(j + 1)  # the entity may hold the "'s"
    owner = by_end.get(j + 1)
    return owner if owner is not None and owner.kind == "org" else None


def _by_after(doc: Doc, i: int, by_start: dict[int, Candidate]) -> Candidate | None:
    """"The report, by the county review panel, said": the body after "by" wrote it."""
    j = i + 1 + (i + 1 < len(doc) and doc[i + 1].text == ",")
    if j < len(doc) and doc[j].lower_ == "by":
        j += 1 + (j + 1 < len(doc) and doc[j + 1].lower_ == "the")
        return by_start.get(j) or by_start.get(j - 1)
    return None


def _report_author(doc: Doc, candidates: list[Candidate], reports: frozenset[str]) -> str | None:
    """With no inspectorate named, the body the article says produced a report ("X has conducted a study")."""
    for cand in candidates:
        if cand.kind != "org" or cand.value is None:
            continue
        sent = sentence(doc, cand.start)
        after = doc[cand.end : min(sent.end, cand.end + 8)]
        if any(t.lemma_ in _PRODUCE for t in after) and any(t.lower_ in reports | _STUDIES for t in after):
            return cand.value
    return None


def _role_nouns(ctx: Context, taken: set[int]) -> list[Candidate]:
    """"The chief constable said": a role after a determiner speaks as the official last named with it."""
    doc = ctx.doc
    holders: list[tuple[int, str, set[str]]] = []  # (token where named, name, head words of the roles)
    for official in ctx.officials:
        heads = {role.split()[-1].lower() for role in official.roles if role.split()}
        for mention in official.mentions:
            holders.append((mention.span[0], official.name, heads))
    holders.sort()
    found = []
    for span in lexicon_spans(doc, ["ROLE"]):
        if span.start in taken or span.start == 0 or doc[span.start - 1].lower_ not in _DETERMINERS | {"’s", "'s"}:
            continue
        if span.end < len(doc) and (doc[span.end].ent_type_ == "PERSON" or doc[span.end].tag_ == "NNP"):
            continue  # "the chief constable Jane Roe": the name itself is the candidate
        head = span[-1].lower_
        named_before = [name for at, name, heads in holders if at < span.start_char and head in heads]
        if named_before:
            found.append(Candidate(span.start - 1, span.end, "person", named_before[-1], word=head))
            taken.update(range(span.start, span.end))
    return found


def _mark_minor(ctx: Context, candidates: list[Candidate]) -> None:
    doc = ctx.doc
    kin = read_words("quotes/kin_nouns.txt")
    captions = [(p.start, p.end) for p in paragraphs(ctx.article.body) if is_caption(p.text)]
    for cand in candidates:
        if cand.kind == "pronoun":
            continue
        start_char = doc[cand.start].idx
        cand.minor = (
            _is_object(doc, cand.start)
            or _after_kin(doc, cand.start, kin)
            or any(a <= start_char < b for a, b in captions)
        )


def _is_object(doc: Doc, start: int) -> bool:
    """"welcomed the report", "told Ofsted": a candidate after a verb or preposition is not the speaker."""
    i = start - 1
    while i >= 0 and doc[i].pos_ == "DET":
        i -= 1
    return i >= 0 and doc[i].pos_ in ("VERB", "ADP") and doc[i].lower_ not in ("by", "from", "according")


def _after_kin(doc: Doc, start: int, kin: frozenset[str]) -> bool:
    """"whose daughter Amy", "her husband, Tom,": a relative named in passing (not "Close friend Tom Roe said")."""
    i = start - 1
    if i >= 0 and doc[i].text == ",":
        i -= 1
    if i < 0 or doc[i].lower_ not in kin:
        return False
    owner = doc[max(0, i - 2) : i]
    return any(t.lower_ in _POSSESSIVES or t.tag_ == "POS" for t in owner)


def is_subject(doc: Doc, cand: Candidate, candidates_before: list[Candidate]) -> bool:
    """The first person of its sentence that is not minor: what a later "he" or "she" likely means."""
    sent_start = sentence(doc, cand.start).start
    return not cand.minor and not any(c.start >= sent_start and not c.minor and c.kind == cand.kind
                                      for c in candidates_before)


class NameBook:
    """People's full names, so "Mr Roe" or a surname the NER found alone speaks as the full name.

    Names the NER missed ("Ann Lowe, general secretary of ..., said") are proper-noun runs of two
    to four title-case words that no entity covers and that hold no word of a body's name.
    """

    def __init__(self, ctx: Context) -> None:
        self.doc = ctx.doc
        self.honorifics = honorific_spans(self.doc)
        lexical = lexicon_spans(self.doc, ["ROLE", "PARTY", "SPEECH_VERB"])
        self.speech_verbs = {span.start for span in lexical if span.label_ == "SPEECH_VERB"}
        self.not_names = {i for span in lexical for i in range(span.start, span.end)}
        self.not_names.update(t.i for t in self.doc if t.lower_ in _speaker_nouns() or t.is_stop)
        self.by_surname: dict[str, str] = {}
        self.by_first: dict[str, str] = {}
        full_names = [official.name for official in ctx.officials]
        full_names += [clean(ent.text) for ent in self.doc.ents if ent.label_ == "PERSON" and len(ent) >= 2]
        for name in full_names:
            words = name.split()
            if len(words) >= 2:
                self.by_surname.setdefault(words[-1].lower(), name)
                self.by_first.setdefault(words[0].lower(), name)

    def full(self, span: Span) -> str | None:
        words = [t for t in span if not t.is_punct]
        while len(words) >= 2 and words[0].i in self.not_names:  # "Minister Jane Roe", "Tory Jane Roe"
            words = words[1:]
            span = self.doc[words[0].i : span.end]
        if len(words) >= 2 and words[0].i in self.honorifics:
            words = words[1:]  # "Dr Roe": the NER took the honorific into the name
            span = self.doc[words[0].i : span.end]
        if len(words) >= 2:
            return clean(span.text)
        if not words or not words[0].is_title:
            return None
        before = next((h for h in self.honorifics.values() if h.end == span.start), None)
        return self._short(before.text if before is not None else "", words[0])

    def unlabelled(self, taken: set[int]) -> list[Candidate]:
        doc, found, i = self.doc, [], 0
        while i < len(doc):
            if i in taken or i in self.not_names or not _name_token(doc[i]):
                i += 1
                continue
            start = i
            while i < len(doc) and i not in taken and i not in self.not_names and _name_token(doc[i]) \
                    and i - start < 4:
                i += 1
            honorific = self.honorifics.get(start)
            if honorific is not None and honorific.end < i:  # "Mr Roe", "Dr Jane Roe", "Sir John"
                tail = doc[honorific.end : i]
                value = clean(tail.text) if len(tail) >= 2 else self._short(honorific.text, tail[0])
                found.append(Candidate(start, i, "person", value))
            elif i - start >= 2 and self._speaking_position(start, i):
                found.append(Candidate(start, i, "person", clean(doc[start:i].text)))
        return found

    def _speaking_position(self, start: int, end: int) -> bool:
        """A name the NER missed counts only where a speaker stands: before a comma or a verb of saying
        ("Jane Roe, general secretary of ..., said"), or right after one ("said Jane Roe")."""
        doc = self.doc
        before_comma = end < len(doc) and doc[end].text == ","
        return before_comma or end in self.speech_verbs or (start - 1) in self.speech_verbs

    def _short(self, honorific: str, word: Token) -> str:
        lower = word.lower_
        if honorific.lower() in _FIRST_NAME_HONORIFICS and lower in self.by_first:
            return self.by_first[lower]  # British usage: "Sir John" is Sir John Roe
        return self.by_surname.get(lower, word.text)


def _speaker_nouns() -> frozenset[str]:
    return read_words("quotes/report_speakers.txt") | read_words("quotes/anonymous_speakers.txt")


def _name_token(token: Token) -> bool:
    """A proper noun that can be part of a person's name: a body's word ("Police", "Trust") ends the run."""
    return token.tag_ in ("NNP", "NNPS") and is_name_token(token)


def _without_article(name: str) -> str:
    return name[4:] if name[:4].lower() == "the " else name


def clean(name: str) -> str:
    """A name without a possessive ending or broken lines."""
    return " ".join(name.replace("’s", "").replace("'s", "").split())
