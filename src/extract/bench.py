"""Throughput and memory, side by side (a benchmark, not a test): `python -m extract.bench [--articles N]`.

Builds a corpus of N article texts (default 2,000) from ../shared/corpus/bench when it is beside the
checkout, else from samples/ varied so no two are identical, and runs in separate processes:

  (a) naive baseline: spacy.load(model) with the full default pipeline, nlp(text) per article;
  (b) extract -j 1;
  (c) extract with all cores;
  (d) extract -j 1 on inspection reports (../shared/corpus/reports, when beside the checkout): long
      texts, so their words/s beside (b)'s shows whether reports go as fast as articles.

Every time runs from before the model loads to the last record, as a user's job would. Prints articles/s,
words/s and peak RSS of each, the ratio (c)/(a), and the RSS of the -j 1 run after
500 and after N articles (flat memory means these are close).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_NAIVE = """
import json, resource, sys, time, spacy
from pathlib import Path
paths = [Path(p) for p in json.loads(sys.argv[1])]
start = time.perf_counter()
nlp = spacy.load(sys.argv[2])
for p in paths:
    nlp(p.read_text(encoding="utf-8"))
print(json.dumps({"seconds": time.perf_counter() - start,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

_EXTRACT = """
import json, resource, sys, time
from extract.batch import Settings, run
paths, jobs, out = json.loads(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
marks = {}
def rss_mb():
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0
done = 0
def progress(n):
    global done
    done += n
    for mark in (500, len(paths)):
        if done >= mark and mark not in marks:
            marks[mark] = rss_mb()
start = time.perf_counter()
summary = run(Settings(paths=tuple(paths), output=__import__("pathlib").Path(out), jobs=jobs), lambda line: None,
              progress=progress)
seconds = time.perf_counter() - start
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_rss_mb": max(own, children), "rss_marks": marks,
                  "failed": summary.failed}))
"""


def build_corpus(folder: Path, count: int) -> list[Path]:
    """`count` distinct article files: real texts when available, else varied samples."""
    sources = sorted((ROOT.parent / "shared" / "corpus" / "bench").rglob("*.txt"))
    sources = [p for p in sources if p.name.lower() != "readme.txt"] or sorted((ROOT / "samples").glob("*.txt"))
    paths = []
    for i in range(count):
        text = sources[i % len(sources)].read_text(encoding="utf-8", errors="replace")
        if i >= len(sources):  # a variant, so no two texts are identical
            text += f"\n\nThis report was updated on {1 + i % 28} March {2000 + i % 20} (copy {i}).\n"
        path = folder / f"{i:05d}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def _run(code: str, *args: str) -> dict:
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    from extract.batch import default_jobs
    from extract.pipeline import default_model

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--model", default=default_model())
    parser.add_argument("--reports", type=int, default=40, help="Inspection reports for run (d); 0 skips it.")
    args = parser.parse_args()
    cores = default_jobs()
    with tempfile.TemporaryDirectory() as tmp:
        paths = build_corpus(Path(tmp), args.articles)
        words = sum(len(p.read_text(encoding="utf-8").split()) for p in paths)
        listing = json.dumps([str(p) for p in paths])
        runs = {
            "(a) naive spaCy, full pipeline": _run(_NAIVE, listing, args.model),
            "(b) extract -j 1": _run(_EXTRACT, listing, "1", str(Path(tmp) / "b.jsonl")),
            f"(c) extract -j {cores}": _run(_EXTRACT, listing, str(cores), str(Path(tmp) / "c.jsonl")),
        }
        reports = sorted((ROOT.parent / "shared" / "corpus" / "reports").rglob("*.txt"))[:: 7][: args.reports]
        if reports:
            report_words = sum(len(p.read_text(encoding="utf-8", errors="replace").split()) for p in reports)
            runs["(d) extract -j 1, reports"] = _run(_EXTRACT, json.dumps([str(p) for p in reports]), "1",
                                                     str(Path(tmp) / "d.jsonl"))
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, model {args.model}")
    print(f"corpus: {len(paths)} articles, {words:,} words")
    print(f"{'run':34} {'articles/s':>10} {'words/s':>10} {'peak RSS MB':>12}")
    for name, result in runs.items():
        secs = result["seconds"]
        count, size = (len(reports), report_words) if name.startswith("(d)") else (len(paths), words)
        print(f"{name:34} {count / secs:10.1f} {size / secs:10.0f} {result['peak_rss_mb']:12.0f}")
    naive, parallel = runs["(a) naive spaCy, full pipeline"], runs[f"(c) extract -j {cores}"]
    print(f"speed-up (c)/(a): {naive['seconds'] / parallel['seconds']:.2f}x")
    if "(d) extract -j 1, reports" in runs:
        per_word = {k: (report_words if k.startswith("(d)") else words) / runs[k]["seconds"]
                    for k in ("(b) extract -j 1", "(d) extract -j 1, reports")}
        print(f"reports: {len(reports)} texts, {report_words:,} words; words/s of (d)/(b): "
              f"{per_word['(d) extract -j 1, reports'] / per_word['(b) extract -j 1']:.2f}")
    marks = runs["(b) extract -j 1"]["rss_marks"]
    print("RSS of the -j 1 run: " + ", ".join(f"{float(v):.0f} MB after {k} articles" for k, v in marks.items()))


if __name__ == "__main__":
    main()
