"""Reading and checking the spaCy pattern JSONL files (ours under models/, and the user's --patterns).

Kept free of spaCy so the command line can check a user's file before any model is loaded.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

try:  # the parser of the `re` module, to find nested quantifiers
    import re._constants as _sre_constants
    import re._parser as _sre_parse
except ImportError:  # Python before 3.11
    import sre_constants as _sre_constants  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

# spaCy's token attributes (spacy.schemas.TokenPattern), compared upper-cased as spaCy does
TOKEN_ATTRS = frozenset({
    "ORTH", "TEXT", "LOWER", "NORM", "LEMMA", "SHAPE", "POS", "TAG", "MORPH", "DEP", "ENT_TYPE", "ENT_IOB",
    "ENT_ID", "ENT_KB_ID", "LENGTH", "IS_ALPHA", "IS_ASCII", "IS_DIGIT", "IS_LOWER", "IS_UPPER", "IS_TITLE",
    "IS_PUNCT", "IS_SPACE", "IS_BRACKET", "IS_QUOTE", "IS_LEFT_PUNCT", "IS_RIGHT_PUNCT", "IS_CURRENCY", "IS_STOP",
    "IS_SENT_START", "SENT_START", "SPACY", "LIKE_NUM", "LIKE_URL", "LIKE_EMAIL", "OP", "_",
})
PREDICATES = frozenset({
    "REGEX", "IN", "NOT_IN", "IS_SUBSET", "IS_SUPERSET", "INTERSECTS", "FUZZY", *(f"FUZZY{i}" for i in range(1, 10)),
    "==", "!=", ">=", "<=", ">", "<",
})
_OPERATOR = re.compile(r"^(?:[!?*+]|\{\d+\}|\{\d+,\d*\}|\{\d*,\d+\})$")
ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"})  # as pipeline.ENTITY_LABELS
_PATTERN_FOLDERS = ("entities", "patterns", "ratings")
_REPEATS = tuple(getattr(_sre_constants, name) for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")
                 if hasattr(_sre_constants, name))


class PatternError(ValueError):
    """A pattern file that cannot be used; the message names the file and line."""


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
        if row["label"] not in known_labels():
            raise PatternError(f"{path}:{number}: unknown label {row['label']!r} (known: "
                               f"{', '.join(sorted(known_labels()))})")
        if is_tokens:
            problem = next((p for token in pattern if (p := _token_problem(token))), None)
            if problem:
                raise PatternError(f"{path}:{number}: {problem}")
        rows.append(row)
    return rows


@cache
def known_labels() -> frozenset[str]:
    """The labels the extractor reads: the entity types, and every label of its own pattern files."""
    from extract.resources import models_dir

    labels = set(ENTITY_LABELS)
    for folder in _PATTERN_FOLDERS:
        for file in sorted((models_dir() / folder).glob("*.jsonl")):
            for line in file.read_text(encoding="utf-8").splitlines():
                if line.strip() and not line.lstrip().startswith("//"):
                    label = json.loads(line).get("label")
                    if isinstance(label, str):
                        labels.add(label)
    return frozenset(labels)


def _token_problem(token: dict) -> str | None:
    """What is wrong with one token pattern, or None: unknown attribute, operator or predicate, bad regex."""
    for key, value in token.items():
        attr = key.upper() if isinstance(key, str) else key
        if attr not in TOKEN_ATTRS:
            return f"unknown token attribute {key!r}"
        if attr == "OP":
            if not isinstance(value, str) or not _OPERATOR.match(value):
                return f"unknown operator {value!r} (use !, ?, +, *, {{n}}, {{n,m}}, {{n,}} or {{,m}})"
        elif attr == "_":
            if not isinstance(value, dict):
                return "'_' must be an object of extension attributes"
        elif isinstance(value, dict):
            for predicate, argument in value.items():
                if not isinstance(predicate, str) or predicate.upper() not in PREDICATES:
                    return f"unknown predicate {predicate!r} for {key}"
                if predicate.upper() == "REGEX":
                    problem = regex_problem(argument)
                    if problem:
                        return f"{key} REGEX {argument!r}: {problem}"
        elif not isinstance(value, (str, int, float, bool)):
            return f"{key} must be a string, number, boolean or predicate object"
    return None


def regex_problem(pattern: object) -> str | None:
    """Why a user regex cannot be used, or None. Nested unbounded quantifiers (`(a+)+`) are refused:
    Python's backtracking engine takes exponential time on them."""
    if not isinstance(pattern, str):
        return "must be a string"
    try:
        parsed = _sre_parse.parse(pattern)
    except re.error as err:
        return f"not a valid regular expression: {err}"
    if _nested_repeat(parsed, inside=False):
        return "nested quantifiers (like (a+)+) can take exponential time: refused"
    return None


def _nested_repeat(items, inside: bool) -> bool:
    """True when a repeated group holds another repeat (walks the parsed tree of `re`)."""
    for op, av in items:
        if op in _REPEATS:
            high, sub = av[1], av[2]
            repeats = high is _sre_constants.MAXREPEAT or high > 1
            children = [(sub, inside or repeats)]
            if repeats and inside:
                return True
        elif op is _sre_constants.SUBPATTERN:
            children = [(av[-1], inside)]
        elif op is _sre_constants.BRANCH:
            children = [(branch, inside) for branch in av[1]]
        elif op in (_sre_constants.ASSERT, _sre_constants.ASSERT_NOT):
            children = [(av[1], inside)]
        else:
            continue
        if any(_nested_repeat(child, within) for child, within in children):
            return True
    return False
