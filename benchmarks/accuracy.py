"""Score `extract` per field on the dev, wide and samples sets and print the README's accuracy table.

Usage: python benchmarks/accuracy.py [--set NAME ...] [--verbose] [--json]

Each set is scored with the shared scorer (../shared/tools/score.py) on records made in this process
(one model load). Sets whose texts are absent are left out. `--verbose` prints every miss of the scorer
(what to read when a field drops); `--json` prints one object per set instead of the table.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import json
import sys
import tempfile
from pathlib import Path

from extract import Options, extract_record
from extract.pipeline import load_nlp

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SETS = {
    "dev": (SHARED / "corpus" / "dev", SHARED / "gold" / "dev"),
    "wide": (SHARED / "corpus" / "wide", SHARED / "gold" / "wide"),
    "samples": (ROOT / "samples", ROOT / "samples" / "gold"),
}
ROWS = [
    ("ratings", "ratings F1"), ("rating_dates", "rating dates"), ("date_values", "date values F1"),
    ("date_mentions", "date mentions F1"), ("officials", "officials F1"), ("official_roles", "official roles"),
    ("official_party", "official party"), ("quotes", "quotes F1"), ("finding_items", "finding items F1"),
    ("finding_kinds", "finding kinds"), ("title", "title"), ("publisher", "publisher"), ("published", "published"),
    ("authors", "authors F1"), ("grounding", "grounding"),
]
# the headline measure: the mean of these five
HEADLINE = ["ratings", "date_values", "officials", "quotes", "official_roles"]


def scorer():
    """The shared scorer as a module, so a set is scored without a subprocess per run."""
    path = SHARED / "tools" / "score.py"
    spec = importlib.util.spec_from_file_location("shared_score", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read(path: Path) -> str:
    with open(path, encoding="utf-8", errors="replace", newline="") as fh:
        return fh.read()


def score_set(nlp, texts: Path, gold: Path, verbose: bool) -> dict:
    pred = Path(tempfile.mkdtemp()) / "pred.jsonl"
    with pred.open("w", encoding="utf-8") as out:
        for path in sorted(texts.glob("*.txt")):
            out.write(extract_record(read(path), nlp, Options(source=path.name)).model_dump_json() + "\n")
    args = ["--gold", str(gold), "--pred", str(pred), "--texts", str(texts), "--json"]
    score = scorer()
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        sys.argv = ["score.py", *args]
        score.main()
    result = json.loads(buffer.getvalue())
    if verbose:
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            sys.argv = ["score.py", *args[:-1], "-v"]
            score.main()
        result["log"] = [line for line in buffer.getvalue().splitlines() if ": " in line and ".txt" in line]
    return result


def value(entry: dict) -> float:
    return entry["f1"] if "f1" in entry else entry["acc"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", action="append", choices=sorted(SETS), help="score only this set (repeatable)")
    parser.add_argument("--verbose", "-v", action="store_true", help="print every miss")
    parser.add_argument("--json", action="store_true", help="one JSON object per set")
    parser.add_argument("--model", default=None, help="spaCy pipeline (default: the project's)")
    args = parser.parse_args()
    if not (SHARED / "tools" / "score.py").exists():
        print("accuracy: ../shared/tools/score.py is not beside the checkout", file=sys.stderr)
        return 2
    nlp = load_nlp(args.model)
    results = {}
    for name in args.set or list(SETS):
        texts, gold = SETS[name]
        if texts.is_dir() and gold.is_dir():
            results[name] = score_set(nlp, texts, gold, args.verbose)
    if args.json:
        for name, result in results.items():
            print(json.dumps({"set": name, **{k: v for k, v in result.items() if k != "log"}}))
        return 0
    names = list(results)
    print("| field | " + " | ".join(f"{n} ({results[n]['articles']})" for n in names) + " |")
    print("|---|" + "---|" * len(names))
    for key, label in ROWS:
        cells = [f"{value(results[n][key]):.2f}" if key in results[n] else "-" for n in names]
        print(f"| {label} | " + " | ".join(cells) + " |")
    means = [sum(value(results[n][k]) for k in HEADLINE) / len(HEADLINE) for n in names]
    print("| **mean of ratings, date values, officials, quotes, roles** | "
          + " | ".join(f"**{m:.3f}**" for m in means) + " |")
    if args.verbose:
        for name in names:
            print(f"\n## {name}")
            print("\n".join(results[name]["log"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
