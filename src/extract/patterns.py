"""Reading and checking the spaCy pattern JSONL files (ours under models/, and the user's --patterns).

Kept free of spaCy so the command line can check a user's file before any model is loaded.
"""

from __future__ import annotations

import json
from pathlib import Path


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
        rows.append(row)
    return rows
