"""Which names are one body: "Eastmarsh", "Eastmarsh Borough Council", "children's services in Eastmarsh" and
"Eastmarsh's" are one council; "Eastmarsh Academy" is a school and never merges with it.

A name is read into a `BodyName`: its kind (council, trust, hospital, school, police, prison, care home; a bare
place name stands for its council) from the head words in `models/timeline/bodies.json`, and its core (the name
without the service words, the possessive, the leading "the" and, for kinds whose heads are generic, the head
words). Names of one kind with the same core are one body; cores that differ by a typo (rapidfuzz ratio at least
`fuzzy_threshold`, the same words from `distinguishing_words`, the same number of words) are merged too. A
hospital joins its trust only where an article's text links them ("X Hospital, run by Y NHS Trust").
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache

from rapidfuzz import fuzz

from extract.timeline.rules import bodies_rules, rules

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})
_NON_WORD = re.compile(r"[^a-z0-9']+")


def normalise(name: str) -> str:
    """Lower case, straight apostrophes, '&' as 'and', punctuation and hyphens as spaces, single spaces."""
    text = name.translate(_APOSTROPHES).lower().replace("&", " and ")
    return " ".join(_NON_WORD.sub(" ", text).split())


def _strip_possessive(text: str) -> str:
    if text.endswith("'s"):
        return text[:-2].rstrip()
    if text.endswith("s'"):
        return text[:-1].rstrip()
    return text


def _cut_prefix(text: str, phrases: tuple[str, ...]) -> tuple[str, str | None]:
    for phrase in phrases:  # longest first
        if text.startswith(phrase + " "):
            return text[len(phrase) + 1:], phrase
    return text, None


def _cut_suffix(text: str, phrases: tuple[str, ...]) -> tuple[str, str | None]:
    for phrase in phrases:
        if text.endswith(" " + phrase):
            return text[: -len(phrase) - 1], phrase
    return text, None


def _longest_first(phrases) -> tuple[str, ...]:
    return tuple(sorted({normalise(p) for p in phrases}, key=len, reverse=True))


@cache
def _compiled() -> dict:
    data = bodies_rules()
    kinds = []
    for entry in data["kinds"]:
        kinds.append((entry["kind"], bool(entry.get("strip")), _longest_first(entry.get("suffixes", [])),
                      _longest_first(entry.get("prefixes", []))))
    return {
        "drop": _longest_first(data.get("drop_prefixes", [])),
        "service_prefixes": _longest_first(data.get("service_prefixes", [])),
        "service_suffixes": _longest_first(data.get("service_suffixes", [])),
        "kinds": kinds,
        "bare": data.get("bare_kind", "council"),
        "not_bare": frozenset(normalise(w) for w in data.get("not_bare_bodies", [])),
        "service_heads": frozenset(data.get("service_heads", [])),
        "generic_cores": frozenset(normalise(w) for w in data.get("generic_cores", [])),
        "distinguishing": frozenset(data.get("distinguishing_words", [])),
        "threshold": float(data.get("fuzzy_threshold", 94)),
    }


@dataclass(frozen=True)
class BodyName:
    """A name as written, and what it says about the body: its kind and its core words."""

    name: str
    kind: str
    core: str
    headed: bool = False  # the name has a head word of its kind ("... Council"), not only a place
    plain: bool = True  # no service words or possessive were cut from it: fit to be the body's display name

    @property
    def key(self) -> tuple[str, str]:
        return self.kind, self.core


@cache
def read_name(name: str) -> BodyName | None:
    """The kind and core of a body's name; None when nothing is left of it (a bare "the council")."""
    c = _compiled()
    original = normalise(name)
    text = _strip_possessive(original)
    for _ in range(2):  # "the children's services in the borough of X"
        text = _cut_prefix(text, c["drop"])[0]
        text = _strip_possessive(_cut_prefix(text, c["service_prefixes"])[0])
        text = _strip_possessive(_cut_suffix(text, c["service_suffixes"])[0])
    text = _cut_prefix(text, c["drop"])[0]
    plain = text == _cut_prefix(original, c["drop"])[0]
    best: tuple[int, str, bool, str] | None = None  # (length of the head, kind, strip, head)
    for kind, strip, suffixes, prefixes in c["kinds"]:
        for phrase in suffixes:
            if (text.endswith(" " + phrase) or text == phrase) and (best is None or len(phrase) > best[0]):
                best = (len(phrase), kind, strip, phrase)
                break
        for phrase in prefixes:
            if text.startswith(phrase + " ") and (best is None or len(phrase) > best[0]):
                best = (len(phrase), kind, strip, phrase)
                break
    if best is None:
        words = text.split()
        if words and words[-1] in c["service_heads"]:
            # "Wyleshire council services": the council's; "adoption services": a service, not a body
            while words and words[-1] in c["service_heads"]:
                words.pop()
            inner = read_name(" ".join(words)) if words else None
            if inner is None or not inner.headed:
                return None
            return BodyName(name, inner.kind, inner.core, headed=True, plain=False)
        if text in c["not_bare"]:
            return None  # "London", "England": a place no council answers for
        kind, core = c["bare"], text
    else:
        _n, kind, strip, phrase = best
        core = text
        if strip:
            for _ in range(3):  # "the royal borough of X council", "X hospitals nhs trust"
                core, cut_p = _cut_prefix(core, next(p for k, _s, _x, p in c["kinds"] if k == kind))
                core, cut_s = _cut_suffix(core, next(s for k, _s, s, _x in c["kinds"] if k == kind))
                if not (cut_p or cut_s):
                    break
            core = _strip_possessive(core)
            if core in (phrase, ""):
                return None
    core = core.strip()
    if not core or core in _generic() or core in c["generic_cores"] or text in _generic() \
            or text in c["generic_cores"]:
        return None
    return BodyName(name, kind, core, headed=best is not None, plain=plain)


@cache
def _generic() -> frozenset[str]:
    """Cores that name no particular body ("council", "local authority")."""
    words = set()
    for _kind, _strip, suffixes, prefixes in _compiled()["kinds"]:
        words.update(suffixes)
        words.update(p.split()[-1] for p in prefixes)
    return frozenset(words | {"it", "they", "this", "that"})


def _similar(a: str, b: str) -> bool:
    """Two cores of one kind that are the same name written differently ("st helens" / "st. helen's")."""
    c = _compiled()
    wa, wb = a.split(), b.split()
    if len(wa) != len(wb) or {w for w in wa if w in c["distinguishing"]} != {w for w in wb if w in c["distinguishing"]}:
        return False
    return fuzz.ratio(a, b) >= c["threshold"]


class _Union:
    def __init__(self) -> None:
        self.parent: dict = {}

    def find(self, x):
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a, b) -> None:
        """Join b's set to a's: a's root stays the root."""
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra


@dataclass(frozen=True)
class Body:
    """One body: its canonical name, kind, a stable key and every name it was given."""

    key: str
    name: str
    kind: str
    names: tuple[str, ...]
    identifier: str | None = None  # from a register (`register.py`), e.g. an Ofsted URN


def _display(names: Counter[str], kind: str) -> str:
    """The canonical name: of the names of the body's own kind, the most often written plain name with a head word
    ("Eastmarsh Borough Council" rather than "Eastmarsh" or "Eastmarsh's children's services"), then the longest."""

    def rank(n: str) -> tuple:
        b = read_name(n)
        assert b is not None
        return b.kind == kind, b.plain and b.headed, b.plain, names[n], len(n), n

    return max(names, key=rank)


def cluster(names: list[str], links: set[tuple[str, str]] = frozenset()) -> dict[str, Body]:  # type: ignore[assignment]
    """The body of each name (names that are no body are left out). `links` are (hospital name, trust name)
    pairs an article's text links: the hospital's names join the trust's body."""
    counts = Counter(names)
    read = {n: b for n in counts if (b := read_name(n)) is not None}
    union = _Union()
    keys = sorted({b.key for b in read.values()})
    for key in keys:
        union.find(key)
    by_kind: dict[str, list[str]] = {}
    for kind, core in keys:
        by_kind.setdefault(kind, []).append(core)
    for kind, cores in by_kind.items():
        for i, a in enumerate(cores):
            for b in cores[i + 1:]:
                if _similar(a, b):
                    union.union((kind, a), (kind, b))
    for hospital, trust in links:
        h, t = read_name(hospital), read_name(trust)
        if h and t and h.kind == "hospital" and t.kind == "trust" and t.key in union.parent \
                and union.find(h.key)[0] == "hospital":
            union.union(t.key, h.key)  # the trust is the body
    members: dict[tuple[str, str], list[str]] = {}
    for name, b in read.items():
        members.setdefault(union.find(b.key), []).append(name)
    bodies: dict[str, Body] = {}
    for (kind, core), group in members.items():
        group_counts = Counter({n: counts[n] for n in group})
        body = Body(key=f"{kind}:{core}", name=_display(group_counts, kind), kind=kind,
                    names=tuple(sorted(group, key=lambda n: (-counts[n], n))))
        for name in group:
            bodies[name] = body
    return bodies


_SENTENCE_END = re.compile(r"[.!?]\s|\n\s*\n")


@cache
def _trust_pattern() -> re.Pattern:
    suffixes = next(s for k, _st, s, _p in _compiled()["kinds"] if k == "trust")
    heads = "|".join(re.escape(s).replace(r"\ ", r"\s+") for s in suffixes if s[0].isalpha())
    word = r"[A-Z][\w'’&-]*"
    return re.compile(rf"\b((?:{word}\s+)(?:(?:{word}|and|of|the)\s+){{0,6}}(?i:{heads}))\b")


def text_links(text: str, hospitals: list[str]) -> set[tuple[str, str]]:
    """(hospital, trust) pairs the text links in one sentence: "X Hospital, run by the Y NHS Trust", "the Y
    Trust, which runs X Hospital". Only names of the hospitals given (the ones rated) are looked for."""
    phrases = "|".join(re.escape(p) for p in sorted(rules()["link_phrases"], key=len, reverse=True))
    links: set[tuple[str, str]] = set()
    for hospital in hospitals:
        bare = re.sub(r"^(?i:the)\s+", "", hospital.strip())
        if not bare:
            continue
        for found in re.finditer(re.escape(bare), text):
            start = max(0, found.start() - 300)
            window = text[start: found.end() + 300]
            at = found.start() - start
            for trust in _trust_pattern().finditer(window):
                lo, hi = sorted((at, trust.start()))
                between = window[min(at + len(bare), trust.end()): max(at, trust.start())]
                if trust.start() < at + len(bare) and trust.end() > at:
                    continue  # the trust's name holds the hospital's
                if _SENTENCE_END.search(window[lo:hi]) or len(between) > 120:
                    continue
                if re.search(rf"\b(?:{phrases})\b", between, re.IGNORECASE):
                    links.add((hospital, trust.group(1)))
    return links
