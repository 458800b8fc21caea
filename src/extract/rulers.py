"""Drop-in replacements for three spaCy rule components that give the same annotations faster.

spaCy's `Matcher` tries every token pattern at every token, so its cost grows with
the number of patterns times the length of the text; these components move the
patterns that need no such search to table lookups.

**Attribute ruler.** The pretrained English pipelines map each fine-grained tag to its coarse POS
and morphology with ~180 one-token `AttributeRuler` patterns. spaCy runs them
through the general `Matcher`, which tries every pattern at every token and
costs about as much as the tagger's whole network. Nearly all of those patterns
test only a token's tag, lower-cased form, text, dependency label or
whitespace-ness against fixed values, so the set of patterns that fire depends
only on those few values: it is computed once per distinct combination and then
looked up. Patterns of any other shape (several tokens, regular expressions,
operators) still go through a `Matcher`, and the matches are merged and applied
in spaCy's order, so the annotations are identical (tests/test_rulers.py
checks this on real text).

**Lemmatizer.** spaCy's rule lemmatizer caches lemmas by word, POS and
morphology, but not base forms ("say"), and reaches its cache through a Python
call per token; here every lemma is cached, the keys come from one
`Doc.to_array`, and only cache misses call it.

**Span ruler.** Case-sensitive phrases written as token patterns
(`[{"TEXT": "Labour"}, {"TEXT": "Party"}]`, the form our party lexicon needs
because the ruler's phrase patterns match on `LOWER`) go to a `PhraseMatcher`
on `ORTH`, a hash lookup per token, instead of the `Matcher`.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from typing import Any

import numpy as np
from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, ORTH, POS, TAG
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.pipeline import AttributeRuler, Lemmatizer, SpanRuler
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

# Token-pattern keys a lookup can test, and the column of `Doc.to_array` each one reads.
_COLUMNS = {"TAG": 0, "LOWER": 1, "ORTH": 2, "TEXT": 2, "IS_SPACE": 3, "DEP": 4}
_ARRAY_ATTRS = [TAG, LOWER, ORTH, IS_SPACE, DEP]

Test = tuple[int, str, Any]  # (column, "is" | "in" | "not_in", frozenset of values) or (column, "regex", pattern)


class LookupAttributeRuler(AttributeRuler):
    """`AttributeRuler` that matches and annotates by lookup; patterns and serialisation are spaCy's own."""

    def __init__(self, vocab: Vocab, name: str = "attribute_ruler", **kwargs) -> None:
        super().__init__(vocab, name, **kwargs)
        self._index: _Index | None = None

    def add(self, *args, **kwargs) -> None:
        super().add(*args, **kwargs)
        self._index = None

    def clear(self) -> None:
        super().clear()
        self._index = None

    def match(self, doc: Doc) -> list[tuple[int, int, int, int]]:
        return self._lookup().match(doc)

    def __call__(self, doc: Doc) -> Doc:
        self._lookup().annotate(doc)
        return doc

    def _lookup(self) -> _Index:
        if self._index is None:
            self._index = _Index(self)
        return self._index


class _Index:
    """The patterns split into table-lookup ones and the rest, which keep a small Matcher.

    Each distinct key (a token's values in the tested columns) maps to a combo id, the set of lookup
    patterns it fires, and whether it can start one of the Matcher's patterns; the Matcher then only
    looks at the few places where one can start.
    """

    def __init__(self, ruler: AttributeRuler) -> None:
        strings = self.strings = ruler.vocab.strings
        self.ruler = ruler
        self.simple: list[tuple[int, int, list[list[Test]]]] = []  # (attr id, match id, alternatives)
        self.rest = Matcher(ruler.vocab)
        self.rest_first: list[list[Test]] | None = []  # first-token tests of the Matcher's patterns
        self.rest_length = 0
        self.match_ids: dict[int, int] = {}
        for attr_id in range(len(ruler.attrs)):
            key = str(attr_id)
            _, patterns = ruler.matcher.get(key)
            match_id = strings.add(key)
            self.match_ids[match_id] = attr_id
            compiled = [_compile(p, strings) for p in patterns]
            if all(c is not None for c in compiled):
                self.simple.append((attr_id, match_id, compiled))
                continue
            self.rest.add(key, patterns)
            for pattern in patterns:
                first = _compile(pattern[:1], strings)
                if self.rest_first is None or first is None or any("OP" in map(str.upper, t) for t in pattern):
                    self.rest_first = None  # a pattern of open length or start: the Matcher reads every doc whole
                else:
                    self.rest_first.append(first)
                    self.rest_length = max(self.rest_length, len(pattern))
        # Only the columns some test reads make up the key, and patterns are bucketed by the tag and the lower-case
        # word they require (None: any), so a new word form is checked against the few patterns it can fire.
        tests = [t for _, _, alts in self.simple for alt in alts for t in alt]
        tests += [t for alt in self.rest_first or () for t in alt]
        self.columns = sorted({t[0] for t in tests})
        self.buckets: dict[tuple[int | None, int | None], list[int]] = {}
        for n, (_, _, alternatives) in enumerate(self.simple):
            for alt in alternatives:
                for bucket in itertools.product(_required(alt, "TAG"), _required(alt, "LOWER")):
                    if n not in self.buckets.setdefault(bucket, []):
                        self.buckets[bucket].append(n)
        self.cache: dict[tuple[int, ...], tuple[int, bool]] = {}
        self.combo_ids: dict[tuple[int, ...], int] = {}
        self.combos: list[tuple[int, ...]] = []
        self.combo_values: list[dict[int, int]] = []  # each combo's attributes, merged in pattern order
        self._tables: tuple[int, dict[int, tuple[np.ndarray, np.ndarray]]] = (0, {})

    def _lookup(self, key: tuple[int, ...]) -> tuple[int, bool]:
        """The combo id of a key and whether a Matcher pattern can start at a token with it (cached)."""
        if len(self.cache) > 50_000:  # cleared when full: 2,000 BBC articles make 37,000 keys, ~7 MB
            self.cache.clear()
        row = [0] * len(_ARRAY_ATTRS)
        for column, value in zip(self.columns, key, strict=True):
            row[column] = value
        tag, lower, buckets = row[_COLUMNS["TAG"]], row[_COLUMNS["LOWER"]], self.buckets
        candidates = sorted({*buckets.get((tag, lower), ()), *buckets.get((tag, None), ()),
                             *buckets.get((None, lower), ()), *buckets.get((None, None), ())})
        fired = tuple(
            n for n in candidates
            if any(all(_passes(test, row, self.strings) for test in alt) for alt in self.simple[n][2])
        )
        if fired not in self.combo_ids:
            self.combo_ids[fired] = len(self.combos)
            self.combos.append(fired)
            values: dict[int, int] = {}
            for n in fired:
                values.update(self.ruler.attrs[self.simple[n][0]])
            self.combo_values.append(values)
        starts = any(all(_passes(test, row, self.strings) for test in alt) for alt in self.rest_first or ())
        found = self.cache[key] = (self.combo_ids[fired], starts)
        return found

    def fired(self, doc: Doc) -> tuple[np.ndarray, list[int]]:
        """Each token's combo id, and the tokens where a Matcher pattern can start."""
        if not len(doc):
            return np.zeros(0, dtype=np.int64), []
        table = doc.to_array(_ARRAY_ATTRS)
        columns = [table[:, c].tolist() for c in self.columns]
        cache, ids, starts = self.cache, [], []
        for i, key in enumerate(zip(*columns, strict=True)):
            found = cache.get(key) or self._lookup(key)
            ids.append(found[0])
            if found[1]:
                starts.append(i)
        return np.array(ids, dtype=np.int64), starts

    def rest_matches(self, doc: Doc, starts: list[int]) -> list[tuple[int, int, int, int]]:
        if not len(self.rest):
            return []
        if self.rest_first is None:
            found = self.rest(doc, allow_missing=True, as_spans=False)
        else:
            found = []
            for i in starts:  # offsets in a Span are the span's own; keep the matches that start at i
                found += [(m, i, i + e) for m, s, e in self.rest(doc[i : i + self.rest_length], allow_missing=True,
                                                                 as_spans=False) if s == 0]
        return [(self.match_ids[m], m, s, e) for m, s, e in found]

    def match(self, doc: Doc) -> list[tuple[int, int, int, int]]:
        ids, starts = self.fired(doc)
        matches = self.rest_matches(doc, starts)
        for i, combo in enumerate(ids.tolist()):
            for n in self.combos[combo]:
                attr_id, match_id, _ = self.simple[n]
                matches.append((attr_id, match_id, i, i + 1))
        matches.sort()
        return matches

    def _columns(self) -> dict[int, tuple[np.ndarray, np.ndarray]]:
        """For each attribute any combo sets: which combos set it, and the value each sets."""
        size, tables = self._tables
        if size != len(self.combos):
            attrs = sorted({attr for values in self.combo_values for attr in values})
            tables = {
                attr: (np.array([attr in values for values in self.combo_values]),
                       np.array([values.get(attr, 0) for values in self.combo_values], dtype=np.uint64))
                for attr in attrs
            }
            self._tables = (len(self.combos), tables)
        return tables

    def annotate(self, doc: Doc) -> None:
        """Set what `AttributeRuler.set_annotations(doc, ruler.match(doc))` sets, through arrays.

        Each token gets its lookup patterns' attributes, merged in pattern order, in one `Doc.from_array`.
        A token that a Matcher pattern also targets then gets all its matches again, one by one in spaCy's
        order, so the last pattern wins exactly as in spaCy.
        """
        ids, starts = self.fired(doc)
        if not len(ids):
            return
        tables = self._columns()
        present = np.unique(ids).tolist()
        columns = sorted({attr for combo in present for attr in self.combo_values[combo]})
        if columns:
            table = doc.to_array(columns).reshape(len(doc), len(columns))
            for k, attr in enumerate(columns):
                sets, values = tables[attr]
                has = sets[ids]
                table[has, k] = values[ids][has]
            doc.from_array(columns, table)
        rest = self.rest_matches(doc, starts)
        if rest:
            targets: dict[int, list[tuple[int, int, int, int]]] = {}
            for match in rest:
                attr_id, _, start, end = match
                target = range(start, end)[self.ruler.indices[attr_id]]
                targets.setdefault(target, []).append(match)
            for target, matches in targets.items():
                matches += [(self.simple[n][0], self.simple[n][1], target, target + 1)
                            for n in self.combos[ids[target]]]
                matches.sort()
                self.ruler.set_annotations(doc, matches)


def _compile(pattern: list[dict], strings) -> list[Test] | None:
    """The tests of a one-token pattern over fixed values, or None when it needs the Matcher."""
    if len(pattern) != 1:
        return None
    tests: list[Test] = []
    for name, value in pattern[0].items():
        column = _COLUMNS.get(name.upper())
        if column is None:
            return None
        if name.upper() == "IS_SPACE":
            if not isinstance(value, bool):
                return None
            tests.append((column, "is", frozenset({int(value)})))
        elif isinstance(value, str):
            tests.append((column, "is", frozenset({_hash(strings, value)})))
        elif isinstance(value, dict) and len(value) == 1 and next(iter(value)) in ("IN", "NOT_IN"):
            op, values = next(iter(value.items()))
            if not all(isinstance(v, str) for v in values):
                return None
            tests.append((column, op.lower(), frozenset(_hash(strings, v) for v in values)))
        elif isinstance(value, dict) and list(value) == ["REGEX"] and isinstance(value["REGEX"], str):
            tests.append((column, "regex", re.compile(value["REGEX"])))  # the Matcher's re.search semantics
        else:
            return None
    return tests


def _required(tests: list[Test], key: str) -> set[int | None]:
    """The values one of which a token must have in a column for the tests to pass, or {None}: any value."""
    required = [t[2] for t in tests if t[0] == _COLUMNS[key] and t[1] in ("is", "in")]
    return set(required[0]) if required else {None}


def _hash(strings, value: str) -> int:
    return strings.add(value) if value else 0  # the empty string is 0, the value of an unset attribute


def _passes(test: Test, row: list[int], strings) -> bool:
    column, op, values = test
    if op == "regex":
        return values.search(strings[row[column]]) is not None
    return (row[column] in values) != (op == "not_in")


@Language.factory("extract_attribute_ruler", default_config={"validate": False})
def make_lookup_attribute_ruler(nlp: Language, name: str, validate: bool) -> LookupAttributeRuler:
    return LookupAttributeRuler(nlp.vocab, name, validate=validate)


_MAX_LEMMAS = 50_000  # cached verb forms, cleared when full (2,000 BBC articles make 8,400)


class CachedLemmatizer:
    """Runs a rule-mode `Lemmatizer` on a whole doc at once, through its own cache (same lemmas).

    `only_pos`, when set, limits lemmas to tokens of those coarse POS tags: a cache miss runs spaCy's
    rules in Python, and in news most new word forms are nouns and names whose lemma no rule reads.
    """

    def __init__(self) -> None:
        self.inner: Lemmatizer | None = None
        self.only_pos: frozenset[int] | None = None
        # (orth, pos, morph) -> lemma id. spaCy's own cache leaves out base forms ("say", "make"), the commonest
        # verbs, so they went through its rules at every occurrence; the lemma depends on the key alone.
        self.cache: dict[tuple[int, int, int], int] = {}

    def __call__(self, doc: Doc) -> Doc:
        inner = self.inner
        if inner is None or inner.mode != "rule":
            return inner(doc) if inner is not None else doc
        if not inner._validated:
            inner._validate_tables()
        strings, cache = doc.vocab.strings, self.cache
        if len(cache) > _MAX_LEMMAS:
            cache.clear()
        table = doc.to_array([ORTH, POS, MORPH, LEMMA]).reshape(-1, 4)
        lemmas = table[:, 3].copy()
        todo = np.ones(len(table), dtype=bool) if inner.overwrite else lemmas == 0
        if self.only_pos is not None:
            todo &= np.isin(table[:, 1], np.fromiter(self.only_pos, dtype=np.uint64))
        at = np.flatnonzero(todo)
        for i, key in zip(at.tolist(), map(tuple, table[at, :3].tolist()), strict=True):
            lemma = cache.get(key)
            if lemma is None:
                lemma = cache[key] = strings.add(inner.lemmatize(doc[i])[0])
            lemmas[i] = lemma
        doc.from_array([LEMMA], lemmas.reshape(-1, 1))
        return doc


@Language.factory("extract_lemmatizer")
def make_cached_lemmatizer(nlp: Language, name: str) -> CachedLemmatizer:
    return CachedLemmatizer()


def use_fast_components(nlp: Language, lemma_pos: Iterable[str] | None = None) -> None:
    """Swap the pipeline's attribute ruler and rule lemmatizer for the faster equivalents here.

    `lemma_pos` (coarse POS names such as "VERB") limits lemmatisation to those tokens; None keeps all.
    """
    for name, pipe in list(nlp.pipeline):
        if type(pipe) is AttributeRuler:
            patterns = pipe.patterns
            new = nlp.replace_pipe(name, "extract_attribute_ruler", config={"validate": pipe.validate})
            new.add_patterns(patterns)
        elif isinstance(pipe, Lemmatizer) and pipe.mode == "rule":
            new = nlp.replace_pipe(name, "extract_lemmatizer")
            new.inner = pipe
            _index_as_sets(pipe)
            if lemma_pos is not None:
                new.only_pos = frozenset(nlp.vocab.strings.add(p) for p in lemma_pos)


def _index_as_sets(lemmatizer: Lemmatizer) -> None:
    """The rule lemmatizer asks `form in index` of each candidate lemma, and the model ships each POS's index
    as a list (3,775 verbs, 57,528 nouns): a new word form cost ~90 µs. As sets, the answers are the same.
    (A pipeline so changed cannot be saved with `to_disk`; ours is never saved.)"""
    if "lemma_index" not in lemmatizer.lookups:
        return
    index = lemmatizer.lookups.get_table("lemma_index")
    for pos in list(index):
        if isinstance(index[pos], list):
            index[pos] = frozenset(index[pos])


class CasedPhraseSpanRuler(SpanRuler):
    """`SpanRuler` whose exact-text token patterns are matched as phrases on `ORTH`."""

    def __init__(self, nlp: Language, name: str = "span_ruler", **kwargs) -> None:
        super().__init__(nlp, name, **kwargs)
        self.cased_matcher = PhraseMatcher(nlp.vocab, attr="ORTH")

    def clear(self) -> None:
        super().clear()
        self.cased_matcher = PhraseMatcher(self.nlp.vocab, attr="ORTH")

    def add_patterns(self, patterns: list[dict]) -> None:
        rest = []
        for entry in patterns:
            phrases = _exact_phrases(entry["pattern"])
            if phrases is None:
                rest.append(entry)
                continue
            label = repr((entry["label"], entry.get("id", "")))
            self._match_label_id_map[self.nlp.vocab.strings.as_int(label)] = {
                "label": entry["label"], "id": entry.get("id", "")}
            self.cased_matcher.add(label, [Doc(self.nlp.vocab, words=words) for words in phrases])
            self._patterns.append(entry)
        if rest:
            super().add_patterns(rest)

    def match(self, doc: Doc) -> list[Span]:
        found = list(self.matcher(doc)) if len(self.matcher) else []
        found += list(self.phrase_matcher(doc)) if len(self.phrase_matcher) else []
        found += list(self.cased_matcher(doc)) if len(self.cased_matcher) else []
        labels = self._match_label_id_map
        spans = {
            Span(doc, start, end, label=labels[m_id]["label"], span_id=labels[m_id]["id"])
            for m_id, start, end in found
            if start != end
        }
        return sorted(spans)


def _exact_phrases(pattern) -> list[list[str]] | None:
    """The word sequences a token pattern matches when it only tests each token's exact text, else None.

    `[{"TEXT": "Liberal"}, {"TEXT": "Democrat"}]` is one phrase; `[{"TEXT": {"IN": ["Tory", "Tories"]}}]`, two.
    """
    if not isinstance(pattern, list) or not pattern:
        return None
    choices = []
    for token in pattern:
        if not isinstance(token, dict) or len(token) != 1:
            return None
        (key, value), = token.items()
        if key.upper() not in ("TEXT", "ORTH"):
            return None
        if isinstance(value, dict) and list(value) == ["IN"] and len(pattern) == 1:
            value = value["IN"]
        values = value if isinstance(value, list) else [value]
        if not values or not all(isinstance(v, str) and v for v in values):
            return None
        choices.append(values)
    if len(choices) == 1:
        return [[v] for v in choices[0]]
    return [[c[0] for c in choices]] if all(len(c) == 1 for c in choices) else None


@Language.factory(
    "extract_span_ruler",
    default_config={"spans_key": "ruler", "phrase_matcher_attr": None, "validate": False, "overwrite": True},
)
def make_cased_phrase_span_ruler(nlp: Language, name: str, spans_key: str, phrase_matcher_attr: str | None,
                                 validate: bool, overwrite: bool) -> CasedPhraseSpanRuler:
    return CasedPhraseSpanRuler(nlp, name, spans_key=spans_key, phrase_matcher_attr=phrase_matcher_attr,
                                validate=validate, overwrite=overwrite)
