"""Sample articles through the real CLI: each record validates, every span grounds, and the fields a
reader can check at a glance (title, publisher, publication date, authors) equal the hand annotations in
`samples/gold/`. The other fields are scored as a set against floors in `tests/test_accuracy.py`; the
samples have no tool-generated golden records.
"""

from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner

from extract.cli import main
from extract.records import Record, iter_spans

from .conftest import ROOT, SAMPLES

SAMPLE_FILES = sorted(SAMPLES.glob("*.txt"))


@pytest.fixture(scope="module")
def sample_records() -> dict[str, dict]:
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        paths = [p.relative_to(ROOT).as_posix() for p in SAMPLE_FILES]
        result = CliRunner().invoke(main, ["-j", "1", *paths])
    finally:
        os.chdir(cwd)
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return {rec["source"]: rec for rec in records}


def test_there_are_enough_samples():
    assert len(SAMPLE_FILES) >= 8


def _author_key(name: str) -> str:
    return " ".join(name.lower().split())


def _publisher_key(name: str | None) -> str:
    """As the shared scorer compares outlets: case and a leading "The" do not count."""
    key = _author_key(name or "")
    return key.removeprefix("the ")


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.stem)
def test_sample_record_against_annotations(path, sample_records):
    record = sample_records[path.relative_to(ROOT).as_posix()]
    Record.model_validate(record)
    with open(path, encoding="utf-8", newline="") as fh:
        text = fh.read()
    for (start, end), quoted in iter_spans(record):
        assert text[start:end] == quoted
    gold = json.loads((SAMPLES / "gold" / f"{path.stem}.json").read_text(encoding="utf-8"))
    assert record["title"] == gold.get("title")
    assert record["published"] == gold.get("published")
    if gold.get("publisher"):
        assert _publisher_key(record["publisher"]) == _publisher_key(gold["publisher"])
    assert sorted(map(_author_key, record["authors"])) == sorted(map(_author_key, gold.get("authors") or []))
