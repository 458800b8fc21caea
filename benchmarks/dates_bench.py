"""Score `extract`'s dates on a TimeML corpus, beside a naive baseline (not a test).

Usage: python benchmarks/dates_bench.py [CORPUS_DIR ...]
Defaults to ../shared/corpus/dates/{tbaq,te3-platinum}. Each document's creation date is passed as
the publication date. Scored with ../shared/tools/score_dates.py (DATE type): relaxed, strict and value F1.
Baseline: spaCy DATE entities, each read by dateparser.parse with RELATIVE_BASE, value at day precision.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import dateparser

from extract import Options, extract_record
from extract.pipeline import load_nlp

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SCORER = SHARED / "tools" / "score_dates.py"


def documents(corpus: Path):
    """(gold file, [(txt path, dct)]) for each gold JSONL in a corpus folder."""
    for gold in sorted(corpus.glob("*timex3_gold.jsonl")):
        prefix = gold.name.replace("_timex3_gold.jsonl", "").replace("timex3_gold.jsonl", "")
        folder = corpus / (f"{prefix}_txt" if prefix else "txt")
        docs = []
        for line in gold.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            path = folder / f"{row['doc']}.txt"
            if path.exists():
                docs.append((path, row["dct"]))
        yield gold, docs


def read(path: Path) -> str:
    with open(path, encoding="utf-8", errors="replace", newline="") as fh:
        return fh.read()


def baseline_record(text: str, nlp_full, dct: str, source: str) -> dict:
    base = dt.datetime.fromisoformat(dct)
    dates = []
    for ent in nlp_full(text).ents:
        if ent.label_ == "DATE":
            parsed = dateparser.parse(ent.text, languages=["en"], settings={"RELATIVE_BASE": base})
            dates.append({"text": ent.text, "span": [ent.start_char, ent.end_char],
                          "value": parsed.date().isoformat() if parsed else None})
    return {"source": source, "dates": dates}


def score(golds: list[Path], pred: Path) -> dict:
    done = subprocess.run([sys.executable, str(SCORER), "--gold", *map(str, golds), "--pred", str(pred), "--json"],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def main(argv: list[str]) -> int:
    corpora = [Path(a) for a in argv] or [SHARED / "corpus/dates/tbaq", SHARED / "corpus/dates/te3-platinum"]
    nlp = load_nlp()
    import spacy

    from extract.pipeline import default_model

    nlp_full = spacy.load(default_model())
    print(f"{'corpus':14s} {'system':10s} {'relaxed F1':>10s} {'strict F1':>10s} {'value F1':>10s}")
    for corpus in corpora:
        golds, ours, base = [], [], []
        for gold, docs in documents(corpus):
            golds.append(gold)
            for path, dct in docs:
                text = read(path)
                ours.append(extract_record(text, nlp, Options(source=str(path), published=dct)).model_dump(mode="json"))
                base.append(baseline_record(text, nlp_full, dct, str(path)))
        with tempfile.TemporaryDirectory() as tmp:
            for name, records in (("extract", ours), ("baseline", base)):
                pred = Path(tmp) / f"{name}.jsonl"
                pred.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
                result = score(golds, pred)
                print(f"{corpus.name:14s} {name:10s} {_f(result, 'relaxed'):>10s} {_f(result, 'strict'):>10s} "
                      f"{_f(result, 'value'):>10s}")
    return 0


def _f(result: dict, key: str) -> str:
    entry = result.get(key) or result.get("scores", {}).get(key) or {}
    return f"{entry.get('f1', float('nan')):.3f}"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
