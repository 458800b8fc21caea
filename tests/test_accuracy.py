"""Accuracy floor, pinned in CI: the shared scorer on the wide set of real articles, the dev set and the
samples' hand annotations.

The floors live in tests/accuracy_floor.json; raise them when the extractor improves, never lower them
to make a change pass. The dev set and the scorer come from ../shared (skipped where it is absent).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from extract import Options, extract_record

from .conftest import ROOT, SAMPLES, SHARED

SCORER = SHARED / "tools" / "score.py"
FLOORS = json.loads((ROOT / "tests" / "accuracy_floor.json").read_text(encoding="utf-8"))


def _score(nlp, texts: Path, gold: Path, tmp_path: Path) -> dict:
    pred = tmp_path / "pred.jsonl"
    with pred.open("w", encoding="utf-8") as out:
        for path in sorted(texts.glob("*.txt")):
            with open(path, encoding="utf-8", errors="replace", newline="") as fh:
                record = extract_record(fh.read(), nlp, Options(source=path.name))
            out.write(record.model_dump_json() + "\n")
    done = subprocess.run(
        [sys.executable, str(SCORER), "--gold", str(gold), "--pred", str(pred), "--texts", str(texts), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def _below_floor(scores: dict, floors: dict) -> list[str]:
    low = []
    for field, floor in floors.items():
        entry = scores[field]
        value = entry.get("f1", entry.get("acc"))
        if value < floor:
            low.append(f"{field}: {value:.3f} < {floor:.3f}")
    return low


@pytest.mark.skipif(not SCORER.exists(), reason="../shared/tools/score.py is not beside the checkout")
def test_dev_set_accuracy_floor(nlp, tmp_path):
    scores = _score(nlp, SHARED / "corpus" / "dev", SHARED / "gold" / "dev", tmp_path)
    assert not _below_floor(scores, FLOORS["dev"])


@pytest.mark.skipif(not SCORER.exists(), reason="../shared/tools/score.py is not beside the checkout")
def test_samples_accuracy_floor(nlp, tmp_path):
    scores = _score(nlp, SAMPLES, SAMPLES / "gold", tmp_path)
    assert not _below_floor(scores, FLOORS["samples"])


@pytest.mark.skipif(not SCORER.exists(), reason="../shared/tools/score.py is not beside the checkout")
def test_wide_set_accuracy_floor(nlp, tmp_path):
    scores = _score(nlp, SHARED / "corpus" / "wide", SHARED / "gold" / "wide", tmp_path)
    assert not _below_floor(scores, FLOORS["wide"])
