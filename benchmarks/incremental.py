"""Incremental and interrupted runs, as a cron job sees them (a benchmark that prints figures, not a test).

Usage: python benchmarks/incremental.py [--articles N] [--kill-after SECONDS]

Builds N article files (default 2,000; real texts from ../shared/corpus/bench when present, else varied
samples), then, each through the real `extract` command:

  1. `extract --state s.db -o out/ DIR`: the first, full run;
  2. the same again: nothing to do (prints its time; the aim is under 2 s);
  3. one file's content changed: exactly that file is processed again;
  4. a fresh state, a run stopped by SIGTERM after --kill-after seconds, then run again: prints how many
     articles each part processed (they must add up to N, each exactly once) and checks that every output
     file is a whole, valid record.
"""

from __future__ import annotations

import argparse
import json
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from extract.bench import build_corpus

SUMMARY = re.compile(r"extract: (\d+) processed, (\d+) unchanged, (\d+) failed")


def extract(*args: str, kill_after: float | None = None) -> tuple[float, tuple[int, int, int], int]:
    """Run the command; return its wall time, its (processed, unchanged, failed) summary and exit code."""
    command = [sys.executable, "-m", "extract", "-v", *args]
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if kill_after is not None:
        try:
            proc.wait(timeout=kill_after)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate()
    seconds = time.perf_counter() - start
    found = SUMMARY.search(err)
    counts = tuple(int(g) for g in found.groups()) if found else (0, 0, 0)
    return seconds, counts, proc.returncode


def check_outputs(folder: Path, expected: int) -> str:
    files = sorted(folder.glob("*.json"))
    bad = 0
    for path in files:
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            bad += not (isinstance(record, dict) and "dates" in record and "source" in record)
        except (json.JSONDecodeError, UnicodeDecodeError):
            bad += 1
    leftovers = [p for p in folder.iterdir() if not p.name.endswith(".json")]
    return f"{len(files)} output files of {expected} inputs, {bad} invalid, {len(leftovers)} temporary files left"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--kill-after", type=float, default=20.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        corpus = root / "articles"
        corpus.mkdir()
        paths = build_corpus(corpus, args.articles)
        state, out = root / "s.db", root / "out"

        seconds, counts, code = extract("--state", str(state), "-o", f"{out}/", str(corpus))
        print(f"1. first run: {counts[0]} processed in {seconds:.1f} s (exit {code})")
        seconds, counts, code = extract("--state", str(state), "-o", f"{out}/", str(corpus))
        print(f"2. second run, nothing changed: {counts[0]} processed, {counts[1]} unchanged, {seconds:.2f} s")
        with open(paths[len(paths) // 2], "a", encoding="utf-8") as fh:
            fh.write("\nThe council said it would respond next week.\n")
        seconds, counts, code = extract("--state", str(state), "-o", f"{out}/", str(corpus))
        print(f"3. one file changed: {counts[0]} processed, {counts[1]} unchanged, {seconds:.2f} s")

        state2, out2 = root / "s2.db", root / "out2"
        _, counts1, code1 = extract("--state", str(state2), "-o", f"{out2}/", str(corpus),
                                        kill_after=args.kill_after)
        print(f"4. SIGTERM after {args.kill_after:.0f} s: exit {code1}, {counts1[0]} processed; "
              + check_outputs(out2, len(paths)))
        _, counts2, code2 = extract("--state", str(state2), "-o", f"{out2}/", str(corpus))
        print(f"   run again: exit {code2}, {counts2[0]} processed, {counts2[1]} unchanged; "
              f"{counts1[0]} + {counts2[0]} = {counts1[0] + counts2[0]} of {len(paths)}; "
              + check_outputs(out2, len(paths)))


if __name__ == "__main__":
    main()
