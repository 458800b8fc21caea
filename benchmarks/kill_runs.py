"""Kill `extract` runs at random moments and count what the batch contract promises never happens.

Usage: python benchmarks/kill_runs.py [--kills 20] [--files 600] [--jobs 2] [--seed 1] [--engine dask]

Half the kills go to runs writing `-o DIR/`, half to runs writing `-o FILE`, both with `--state`. Before
each run a quarter of the inputs are changed (so every run has work), then the run gets a SIGKILL of
the main process, a SIGKILL of a worker or a SIGTERM at a random moment; the next run resumes, and
after the last kill a run finishes the work. Then it prints: records
lost, records duplicated, invalid outputs, leftover temporary files, orphaned processes, hung runs, and
state rows ahead of the output (an input the state says is done whose record is missing). All should
be 0. The texts are the BBC benchmark articles (../shared/corpus/bench/bbc), copied to a temporary
folder at run time.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from extract.records import Record

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
import proctree

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "bench" / "bbc"
DEBUG = bool(os.environ.get("KILL_RUNS_DEBUG"))  # runs print their stacks when they hang
LAUNCH = ["-c", "import faulthandler, signal; faulthandler.register(signal.SIGUSR1, all_threads=True); "
          "from extract.cli import main; main()"] if DEBUG else ["-m", "extract"]
ENGINE: list[str] = []  # `--engine dask`: the runs use a local Dask cluster, whose workers are spawned
HANG = 120  # seconds a run may take to stop after SIGTERM or a dead worker before it counts as hung


class Tally(Counter):
    def show(self, title: str) -> None:
        keys = ("records lost", "records duplicated", "invalid outputs", "leftover temporary files",
                "orphaned processes", "hung runs", "state rows ahead of the output", "stale records")
        print(f"{title}:")
        for key in keys:
            print(f"  {key:32} {self[key]}")
        print(f"  {'(runs, kills, completed runs)':32} {self['runs']}, {self['kills']}, {self['completed']}")


def _records(mode: str, target: Path, tally: Tally) -> Counter:
    """How many records hold each source, counting the invalid ones."""
    held: Counter = Counter()
    texts = []
    if mode == "file":
        if target.exists():
            texts = [line for line in target.read_text(encoding="utf-8").splitlines() if line.strip()]
    else:
        texts = [p.read_text(encoding="utf-8") for p in target.glob("*.json")]
    for text in texts:
        try:
            held[Record.model_validate_json(text).source] += 1
        except ValueError:
            tally["invalid outputs"] += 1
    return held


def _ahead(state: Path, held: Counter) -> int:
    if not state.exists():
        return 0
    with contextlib.closing(sqlite3.connect(state)) as db:
        done = [p for (p,) in db.execute("SELECT path FROM processed WHERE outcome = 'ok'")]
    return sum(1 for p in done if not held[p])


def _stale(mode: str, target: Path, state: Path, inputs: Path) -> int:
    """Inputs whose state row does not match the file's current content (a change the runs missed)."""
    import hashlib

    with contextlib.closing(sqlite3.connect(state)) as db:
        rows = dict(db.execute("SELECT path, sha256 FROM processed WHERE outcome = 'ok'").fetchall())
    return sum(1 for p in inputs.rglob("*.txt") if rows.get(str(p)) != hashlib.sha256(p.read_bytes()).hexdigest())


def _workers(pid: int) -> list[int]:
    """The run's worker processes: forked by the pool, or spawned by a local Dask cluster's nannies."""
    if not ENGINE:
        return proctree.workers(pid)
    found = []
    for child in proctree.children(pid):
        with contextlib.suppress(OSError):
            if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes():
                found.append(child)
    return found


def _one_run(args: list[str], kill: str | None, delay: float, tally: Tally, rng: random.Random) -> None:
    tally["runs"] += 1
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seen: set[int] = set()
    deadline = time.monotonic() + delay
    while kill and time.monotonic() < deadline and proc.poll() is None:
        seen.update(_workers(proc.pid))
        time.sleep(0.05)
    if kill and proc.poll() is None:
        tally["kills"] += 1
        seen.update(_workers(proc.pid))
        if kill == "kill-main":
            proc.kill()
        elif kill == "term":
            proc.terminate()
        else:
            workers = _workers(proc.pid)
            if workers:
                os.kill(rng.choice(workers), signal.SIGKILL)
    try:
        _, err = proc.communicate(timeout=HANG if kill else 3600)
        if proc.returncode == 0:
            tally["completed"] += 1
        elif "Traceback" in err:
            print(err, file=sys.stderr)
    except subprocess.TimeoutExpired:
        tally["hung runs"] += 1
        print(f"hung: {kill} after {delay:.1f} s: {' '.join(args)}", file=sys.stderr)
        if DEBUG:  # the stacks of every thread, from the faulthandler the launcher registered
            os.kill(proc.pid, signal.SIGUSR1)
            time.sleep(1)
        proc.kill()
        _, err = proc.communicate()
        if DEBUG:
            print(f"workers {_workers(proc.pid)}\n{err}", file=sys.stderr)
    time.sleep(5)  # time for workers to notice their parent is gone
    orphans = [w for w in seen if proctree.alive(w)]
    tally["orphaned processes"] += len(orphans)
    for pid in orphans:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


def campaign(mode: str, inputs: Path, work: Path, kills: int, jobs: int, rng: random.Random, tally: Tally) -> None:
    """`kills` killed runs, then one to finish, all writing to one output with one state."""
    target = work / ("records.jsonl" if mode == "file" else "records")
    state = work / f"{mode}.db"
    args = [sys.executable, *LAUNCH, "-q", "-j", str(jobs), *ENGINE, "--state", str(state),
            "-o", str(target) + ("" if mode == "file" else "/"), str(inputs)]
    files = sorted(inputs.rglob("*.txt"))
    while tally["kills"] < kills and tally["runs"] < 3 * kills:
        for path in rng.sample(files, len(files) // 4):  # news updated since the last run
            with open(path, "a", encoding="utf-8") as fh:
                fh.write(f"\nUpdated at run {tally['runs']}.\n")
        kill = rng.choice(["kill-main", "kill-worker", "term"])
        _one_run(args, kill, rng.uniform(0.5, 8.0), tally, rng)
        tally["state rows ahead of the output"] += _ahead(state, _records(mode, target, Tally()))
    _one_run(args, None, 0, tally, rng)
    held = _records(mode, target, tally)
    expected = {str(p) for p in inputs.rglob("*.txt")}
    tally["records lost"] += sum(1 for source in expected if not held[source])
    tally["stale records"] += _stale(mode, target, state, inputs)
    tally["records duplicated"] += sum(n - 1 for n in held.values() if n > 1)
    folder = target.parent if mode == "file" else target
    tally["leftover temporary files"] += len(list(folder.glob(".extract-*.tmp")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--files", type=int, default=600)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", choices=["dir", "file"], help="kill runs of one output kind only")
    parser.add_argument("--engine", choices=["local", "dask"], default="local", help="the runs' --engine")
    options = parser.parse_args()
    if options.engine == "dask":
        ENGINE[:] = ["--engine", "dask"]
    texts = sorted(CORPUS.rglob("*.txt"))[: options.files]
    if len(texts) < options.files:
        sys.exit(f"need {options.files} texts under {CORPUS}, found {len(texts)}")
    rng = random.Random(options.seed)
    with tempfile.TemporaryDirectory(prefix="extract-kills-") as tmp:
        inputs = Path(tmp) / "in"
        for i, text in enumerate(texts):
            (inputs / f"{i // 100:02d}").mkdir(parents=True, exist_ok=True)
            shutil.copyfile(text, inputs / f"{i // 100:02d}" / f"{i:04d}.txt")
        total = Tally()
        plan = [("dir", options.kills // 2), ("file", options.kills - options.kills // 2)]
        if options.only:
            plan = [(options.only, options.kills)]
        for mode, kills in plan:
            tally = Tally()
            work = Path(tmp) / mode
            work.mkdir()
            started = time.monotonic()
            campaign(mode, inputs, work, kills, options.jobs, rng, tally)
            tally.show(f"-o {'DIR/' if mode == 'dir' else 'FILE'} ({time.monotonic() - started:.0f} s)")
            total.update(tally)
        total.show("all")
        print(json.dumps({k: total[k] for k in sorted(total)}))


if __name__ == "__main__":
    main()
