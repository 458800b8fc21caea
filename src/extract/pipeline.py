"""Build the spaCy pipeline once: the pretrained model plus the project's pattern files.

Rules downstream may use tokens, part-of-speech tags, named entities, sentences
(from `senter`), the lemmas of verbs and auxiliaries, and the lexicon spans in
`doc.spans["lexicon"]`. What the rules do not read is not computed: the
dependency parser is left out (the slowest component; no rule needs a tree),
nouns get no lemma unless a pattern tests one, and the attribute ruler,
lemmatizer and span ruler are replaced by equivalents that give the same
annotations faster (`extract.rulers`).

The model's matrix products go to numpy's BLAS (OpenBLAS in numpy's wheels)
instead of thinc's bundled BLIS: on 300 BBC articles the pipeline is 13% faster
per CPU second and the tags, sentences and entities are identical. OpenBLAS
gains nothing from a second thread here (same wall time, twice the CPU), so
batch workers limit it to one (`batch._init_worker`).
"""

from __future__ import annotations

import bisect
import json
import re
import warnings
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TypeVar

import spacy
from spacy.attrs import IDX, IS_SPACE, LENGTH
from spacy.language import Language
from spacy.tokens import Doc
from thinc.api import use_ops

from extract.entities import use_candidate_sentence_ner
from extract.layout import wrap_breaks
from extract.patterns import read_patterns
from extract.resources import default_model, models_dir
from extract.rulers import use_fast_components

LEXICON_KEY = "lexicon"
LEXICON_FOLDERS = ("patterns", "ratings")  # models/ folders whose *.jsonl feed the lexicon span ruler
ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"})
EXCLUDED_COMPONENTS = ("parser",)
RULE_LEMMA_POS = ("VERB", "AUX")  # the tokens whose lemmas the rules read
_NEWLINE = re.compile("\n")
_WORD_KEYS = ("LEMMA", "LOWER", "TEXT", "ORTH", "NORM")  # token tests on a word, mergeable into one IN list
T = TypeVar("T")
MAX_TEXT_CHARS = 5_000_001  # the input size limit (inputs.MAX_BYTES); longer texts are refused before parsing


@Language.component("extract_line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """A line break ends a sentence: scraped articles put one paragraph, heading or bullet on each line.

    A single break inside a sentence that the source wrapped (`layout.wrap_breaks`) is not an end.
    """
    if len(doc) < 2 or doc.has_annotation("DEP"):
        return doc
    table = doc.to_array([IDX, LENGTH, IS_SPACE]).tolist()
    starts = doc.to_array("SENT_START")  # set in one array: Token.is_sent_start re-checks the whole doc per call
    token_starts = [row[0] for row in table]
    changed = False
    wraps = wrap_breaks(doc.text)
    for newline in _NEWLINE.finditer(doc.text):
        at = newline.start()
        after = bisect.bisect_right(token_starts, at)  # the first token after the break
        if after < 1 or after >= len(doc):
            continue
        start, length, space = table[after - 1]
        in_gap = space or at >= start + length  # the break is between tokens, not inside a word
        if in_gap and not table[after][2] and starts[after] != 1 and at not in wraps:
            starts[after] = 1
            changed = True
    if changed:
        doc.from_array(["SENT_START"], starts)
    return doc


def _builtin_patterns(folder: str) -> list[dict]:
    rows: list[dict] = []
    root = models_dir() / folder
    if root.is_dir():
        for path in sorted(root.glob("*.jsonl")):
            rows.extend(read_patterns(path))
    return rows


def load_nlp(model: str | None = None, patterns: Sequence[Path | str] = ()) -> Language:
    """Load a spaCy pipeline and add the project's entity and lexicon rulers.

    `patterns` are extra JSONL files from the user: lines whose label is an
    entity type go to the entity ruler, the rest to the lexicon span ruler.
    """
    with use_ops("numpy", use_blis=False):  # each layer keeps the ops it was built with
        return _load(model or default_model(), patterns)


def _load(name: str, patterns: Sequence[Path | str]) -> Language:
    nlp = spacy.load(name, exclude=list(EXCLUDED_COMPONENTS))
    return add_rulers(nlp, patterns)


def add_rulers(nlp: Language, patterns: Sequence[Path | str] = (), fast: bool = True) -> Language:
    """Make a loaded pipeline the one the rules expect: sentences from `senter` (the parser, when there is one,
    is disabled) ended at line breaks, the NER on candidate sentences, the entity ruler for inspectorates and
    the lexicon span ruler. `fast` swaps the attribute ruler and lemmatizer for `extract.rulers`' equivalents,
    lemmatising only what the rules read; without it the model's own stay (same annotations, every lemma)."""
    nlp.max_length = max(nlp.max_length, MAX_TEXT_CHARS)
    for name in EXCLUDED_COMPONENTS:
        if name in nlp.pipe_names:
            nlp.disable_pipe(name)
    if "senter" in nlp.disabled:
        nlp.enable_pipe("senter")
    if not {"senter", "parser", "sentencizer"} & set(nlp.pipe_names):
        nlp.add_pipe("sentencizer", first=True)
    sentence_pipe = next(p for p in ("senter", "parser", "sentencizer") if p in nlp.pipe_names)
    nlp.add_pipe("extract_line_breaks", after=sentence_pipe)
    user_rows = [row for path in patterns for row in read_patterns(Path(path))]
    entity_rows = _builtin_patterns("entities") + [r for r in user_rows if r["label"] in ENTITY_LABELS]
    lexicon_rows = [row for folder in LEXICON_FOLDERS for row in _builtin_patterns(folder)]
    lexicon_rows += [r for r in user_rows if r["label"] not in ENTITY_LABELS]
    if fast:
        use_fast_components(nlp, lemma_pos=lemma_classes(entity_rows + lexicon_rows))
    use_candidate_sentence_ner(nlp)
    ruler_kwargs = {"before": "ner"} if "ner" in nlp.pipe_names else {}
    entity_ruler = nlp.add_pipe(
        "entity_ruler", name="extract_entities", config={"phrase_matcher_attr": "LOWER"}, **ruler_kwargs
    )
    with warnings.catch_warnings():  # W012: pattern docs are tokenised through the pipeline; harmless here
        warnings.simplefilter("ignore", UserWarning)
        entity_ruler.add_patterns(entity_rows)
    span_ruler = nlp.add_pipe(
        "extract_span_ruler",
        name="extract_lexicon",
        config={"spans_key": LEXICON_KEY, "phrase_matcher_attr": "LOWER", "validate": True},
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        span_ruler.add_patterns(merge_token_patterns(lexicon_rows))
    return nlp


def lemma_classes(rows: list[dict]) -> set[str] | None:
    """The coarse POS classes whose lemmas anything reads: the rules read verbs' ("be", speech verbs), and a
    pattern testing LEMMA adds the POS it requires, or every class (None) when it requires none."""
    classes = set(RULE_LEMMA_POS)
    for row in rows:
        for token in row["pattern"] if isinstance(row["pattern"], list) else ():
            if not any(key.upper() == "LEMMA" for key in token):
                continue
            pos = next((v for k, v in token.items() if k.upper() == "POS"), None)
            if isinstance(pos, str):
                classes.add(pos)
            elif isinstance(pos, dict) and list(pos) == ["IN"]:
                classes.update(pos["IN"])
            else:
                return None
    return classes


def merge_token_patterns(rows: list[dict]) -> list[dict]:
    """One-token patterns that differ only in one word ("say", "add", ... with the same POS test) as one pattern.

    spaCy's Matcher tries every pattern at every token, so sixty speech-verb lines cost sixty passes; as one
    `{"IN": [...]}` pattern they cost one, and match exactly the same tokens with the same label and id.
    """
    merged: dict[tuple, dict] = {}
    out: list[dict] = []
    for row in rows:
        pattern = row["pattern"]
        words = [k for k, v in pattern[0].items() if k.upper() in _WORD_KEYS and isinstance(v, str)] \
            if isinstance(pattern, list) else []
        if not (len(pattern) == 1 and len(words) == 1 and set(row) <= {"label", "pattern", "id"}):
            out.append(row)
            continue
        word = words[0]
        rest = {k: v for k, v in pattern[0].items() if k != word}
        key = (row["label"], row.get("id"), word, json.dumps(rest, sort_keys=True))
        if key in merged:
            merged[key]["pattern"][0][word]["IN"].append(pattern[0][word])
        else:
            merged[key] = {**row, "pattern": [{**rest, word: {"IN": [pattern[0][word]]}}]}
            out.append(merged[key])
    return out


def lexicon_spans(doc, labels: Iterable[str]) -> list:
    """The lexicon matches of the given labels, in document order."""
    wanted = set(labels)
    group = doc.spans.get(LEXICON_KEY, [])
    return [span for span in group if span.label_ in wanted]


# What the rule stages compute once per doc and share, each kept as a Doc extension (default None) by `memo`.
MEMOS = {
    "extract_sentences": "each token's sentence bounds (`sentence`)",
    "extract_has_sents": "whether the doc has sentence boundaries (`dates.tense`)",
    "extract_wraps": "the line breaks the source wrapped (`official_names.is_wrap`)",
    "extract_officials_clauses": "sentences joined across wrapped lines (`official_names.clause`)",
    "extract_ents": "the entities and their end tokens, for bisection (`ratings.cues.ents_in`)",
    "extract_grade_spans": "grade words, longest first (`ratings.cues.grade_spans`)",
    "extract_grades": "grade words by end token (`ratings.cues.grades_by_end`)",
    "extract_named_bodies": "the named bodies a verdict can be on (`ratings.bodies.named_bodies`)",
}
for _memo in MEMOS:
    if not Doc.has_extension(_memo):
        Doc.set_extension(_memo, default=None)


def memo(doc: Doc, name: str, compute: Callable[[], T]) -> T:
    """`doc._.<name>` (one of `MEMOS`), computed on first use. The stages run after the model, which sets
    everything these are computed from, so a value never goes stale within a pipeline."""
    value = getattr(doc._, name)
    if value is None:
        value = compute()
        setattr(doc._, name, value)
    return value


def _sentence_bounds(doc: Doc) -> tuple[list[int], list[int]]:
    starts = [0] * len(doc)
    ends = [0] * len(doc)
    for sent in doc.sents:
        for k in range(sent.start, sent.end):
            starts[k] = sent.start
            ends[k] = sent.end
    return starts, ends


def sentence(doc: Doc, i: int):
    """The sentence holding token i. `Token.sent` walks the doc on every call; this indexes it once, so rules
    that ask for many tokens' sentences stay linear."""
    bounds = memo(doc, "extract_sentences", lambda: _sentence_bounds(doc))
    i = min(max(i, 0), len(doc) - 1)
    return doc[bounds[0][i] : bounds[1][i]]

