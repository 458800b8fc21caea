"""Golden records: the CLI's output on every sample article equals the record checked in beside it.

Regenerate after an intended change with `UPDATE_GOLDEN=1 pytest tests/test_samples.py`, then read the diff.
"""

from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner

from extract.cli import main
from extract.records import Record

from .conftest import ROOT, SAMPLES

EXPECTED = SAMPLES / "expected"
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


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.stem)
def test_sample_matches_golden_record(path, sample_records):
    source = path.relative_to(ROOT).as_posix()
    record = sample_records[source]
    Record.model_validate(record)
    expected_path = EXPECTED / f"{path.stem}.json"
    if os.environ.get("UPDATE_GOLDEN"):
        EXPECTED.mkdir(exist_ok=True)
        expected_path.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    assert record == expected
