"""Where `extract timeline` reads records: JSON Lines files, folders of JSON records, or a database written by
`extract -o FILE.db`; and the hospital-trust links the articles' own texts state."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from extract.database import is_database_path, read_records
from extract.timeline.bodies import read_name, text_links


class RecordsError(ValueError):
    """An input is not a file of records: the message names it."""


def _from_json_text(text: str, where: str) -> Iterator[dict]:
    stripped = text.strip()
    if not stripped:
        return
    if stripped.startswith("{") and "\n{" not in stripped:  # one record, perhaps indented
        try:
            yield json.loads(stripped)
            return
        except json.JSONDecodeError:
            pass
    for n, line in enumerate(text.splitlines(), 1):
        if line.strip():
            try:
                value = json.loads(line)
            except json.JSONDecodeError as err:
                raise RecordsError(f"{where}:{n}: not a JSON record ({err.msg})") from err
            if isinstance(value, dict):
                yield value


def iter_records(paths: tuple[str, ...] | list[str]) -> Iterator[dict]:
    """Every record in the inputs: a .db/.sqlite database, a folder (its *.json and *.jsonl files, recursively), or
    a JSON Lines / JSON file."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.suffix in (".json", ".jsonl") and p.is_file()):
                yield from _from_json_text(_read(child), str(child))
        elif is_database_path(given) and path.is_file():
            try:
                yield from read_records(path)
            except sqlite3.Error as err:
                raise RecordsError(f"{given}: not a database of records ({err})") from err
        elif path.is_file():
            yield from _from_json_text(_read(path), given)
        else:
            raise RecordsError(f"{given}: no such file or folder")


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise RecordsError(f"{path}: not JSON records (not UTF-8 text)") from err


def links_in_texts(records: list[dict]) -> set[tuple[str, str]]:
    """(hospital, trust) links stated in the articles' texts, for the records whose source file is still there
    with the same text (its hash is the record's id); other records give no links."""
    links: set[tuple[str, str]] = set()
    for record in records:
        hospitals = [r["organisation"] for r in record.get("ratings") or []
                     if r.get("organisation") and (b := read_name(r["organisation"])) and b.kind == "hospital"]
        if not hospitals:
            continue
        try:
            with open(record.get("source", ""), encoding="utf-8", errors="replace", newline="") as fh:
                text = fh.read()
        except OSError:
            continue
        # the record's id is this hash of its text (extract.core.text_id, not imported: it would load spaCy)
        if hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16] == record.get("id"):
            links |= text_links(text, hospitals)
    return links
