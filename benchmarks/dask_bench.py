"""The Dask engine against the process pool, and what a bigger cluster could do.

Usage: python benchmarks/dask_bench.py [--limit 2000] [--rounds 2] [--workers 2]

1. Runs `extract -j W` (process pool) and `extract --engine dask -j W` (a local cluster of W single-threaded
   workers) on the same articles (the BBC benchmark texts, ../shared/corpus/bench/bbc, *.txt recursively,
   the first `--limit` in name order), interleaved (pool first in even rounds, Dask first in odd ones) so
   that other load on the machine falls on both; each is a real subprocess writing `-o FILE`, timed from
   start to exit (model loading included), and the two outputs must be byte-for-byte the same.
2. Measures what a task costs beyond its work: 500 chunks of the size of a long run's, whose task does
   nothing but return outcomes as large as the real records, through the engine's own ordered window.
3. Measures the client's serial work per article (writing a record to `-o FILE`), the fixed cost of a
   Dask run (a run on a handful of articles: cluster start, model loading), and from these projects the
   throughput at 10 and 100 workers, printing the derivation.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections import deque
from pathlib import Path

from extract.workers import CHUNK

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "bench" / "bbc"
NOOP_ITEMS = 8000  # no-op articles (500 tasks of 16) for the per-task overhead


def _files(limit: int) -> list[str]:
    files = sorted(str(p) for p in CORPUS.rglob("*.txt"))
    if not files:
        sys.exit(f"no *.txt under {CORPUS}")
    return files[:limit]


def _run(engine: str, workers: int, files: list[str], out: Path) -> float:
    """Wall-clock seconds of one real `extract` run."""
    extra = ["--engine", "dask"] if engine == "dask" else []
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "extract", "-q", "-j", str(workers), *extra, "-o", str(out),
                           *files], cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{engine} run failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
    return seconds


def _sized_task(record_chars: int):
    """A task that does no work and returns outcomes the size of real records (pickled by value)."""
    from extract.workers import Outcome

    body = "x" * record_chars

    def task(items, args):
        return [Outcome(item.source, record=body) for item in items]

    return task


def _task_overhead(workers: int, n_items: int, record_chars: int) -> tuple[float, int, int, float]:
    """(seconds per task through the engine, tasks, chunk size, seconds of one lone round trip)."""
    from extract import dask_engine
    from extract.workers import Item

    items = [Item(f"a{i}", None, b"") for i in range(n_items)]
    task = _sized_task(record_chars)
    args = (None, (), None, False)
    with dask_engine.connect(None, workers) as client:
        slots = dask_engine.threads(client)
        client.submit(task, items[:1], args, pure=False).result()  # warm: the function reaches the workers
        lone = []
        for i in range(20):
            start = time.perf_counter()
            client.submit(task, items[i : i + CHUNK], args, pure=False).result()
            lone.append(time.perf_counter() - start)
        size = max(1, min(CHUNK, n_items // (slots * 4) or 1))
        chunks = deque(items[i : i + size] for i in range(0, n_items, size))
        tasks = len(chunks)
        start = time.perf_counter()
        got = sum(1 for _ in dask_engine._ordered(client, chunks, dask_engine.remote_args(args),
                                                   slots * (1 + dask_engine.AHEAD), lambda: False, task,
                                                   dask_engine.NO_WORKER_LOCAL))
        seconds = time.perf_counter() - start
    assert got == n_items
    return seconds / tasks, tasks, size, statistics.median(lone)


def _client_cost(records: list[str], folder: Path) -> float:
    """Seconds per article the client spends writing records to `-o FILE` (the serial part of a run)."""
    from extract.sink import FileSink

    sink = FileSink(folder / "client.jsonl", carry=False)
    start = time.perf_counter()
    for i, record in enumerate(records):
        sink.write(f"a{i}", record)
    sink.commit()
    return (time.perf_counter() - start) / len(records)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=2000, help="articles (default 2000)")
    parser.add_argument("--rounds", type=int, default=2, help="runs of each engine, interleaved (default 2)")
    parser.add_argument("--workers", type=int, default=2, help="-j for both engines (default 2)")
    opts = parser.parse_args()
    files = _files(opts.limit)
    n, w = len(files), opts.workers
    print(f"{n} BBC articles, -j {w}, {opts.rounds} interleaved rounds per engine")
    times: dict[str, list[float]] = {"pool": [], "dask": []}
    with tempfile.TemporaryDirectory(prefix="dask-bench-") as tmp:
        folder = Path(tmp)
        for r in range(opts.rounds):
            for engine in (("pool", "dask") if r % 2 == 0 else ("dask", "pool")):
                seconds = _run(engine, w, files, folder / f"{engine}.jsonl")
                times[engine].append(seconds)
                print(f"  round {r + 1} {engine:4}  {seconds:6.1f} s  {n / seconds:6.1f} articles/s", flush=True)
            same = (folder / "pool.jsonl").read_bytes() == (folder / "dask.jsonl").read_bytes()
            print(f"  round {r + 1} records identical: {same}")
            if not same:
                sys.exit("the two engines gave different records")
        records = (folder / "dask.jsonl").read_text(encoding="utf-8").splitlines()
        record_chars = int(statistics.mean(len(r) for r in records))
        few = min(n, 2 * w)
        fixed = statistics.median(_run("dask", w, files[:few], folder / "few.jsonl") for _ in range(2))
        client = _client_cost(records, folder)
    per_task, tasks, size, lone = _task_overhead(w, max(n, NOOP_ITEMS), record_chars)

    pool_rate = n / statistics.mean(times["pool"])
    dask_rate = n / statistics.mean(times["dask"])
    ratios = [p / d for p, d in zip(times["pool"], times["dask"], strict=True)]
    print()
    print(f"{'engine':28} articles/s (mean of {opts.rounds})")
    print(f"{'extract -j ' + str(w) + ' (process pool)':28} {pool_rate:6.1f}")
    print(f"{'extract --engine dask -j ' + str(w):28} {dask_rate:6.1f}")
    print(f"Dask / pool: {dask_rate / pool_rate:.3f} (per round: {', '.join(f'{x:.3f}' for x in ratios)})")
    print()
    print("per-task overhead (no-op tasks through the engine's ordered window, outcomes as large as the records:"
          f" {record_chars:,} characters each):")
    print(f"  {tasks} tasks of {size} articles on {w} workers: {per_task * 1e3:.2f} ms per task"
          f" ({per_task / size * 1e3:.3f} ms per article); one task alone, submit to result: {lone * 1e3:.1f} ms")
    print(f"client serial work (writing a record to -o FILE): {client * 1e3:.3f} ms per article")
    print(f"fixed cost of a Dask run (cluster start + model loading, a run on {few} articles): {fixed:.1f} s")
    seconds = statistics.mean(times["dask"])
    compute = w * (seconds - fixed) / n  # each of the w workers was busy for (seconds - fixed)
    print()
    print("projection (Amdahl: the scheduler's per-task cost and the client's writing are serial, the")
    print("extraction divides among the workers; the fixed cost does not grow, as workers start in parallel):")
    print(f"  c = per-article compute on one worker = {w} x ({seconds:.1f} s - {fixed:.1f} s) / {n}"
          f" = {compute * 1e3:.1f} ms")
    print(f"  o = per-task overhead = {per_task * 1e3:.2f} ms; k(N) = articles per task = min({CHUNK}, n // (4 N))")
    print(f"  s(N) = serial per article = o / k(N) + client = o / k(N) + {client * 1e3:.3f} ms")
    print("  throughput(N) = 1 / (s(N) + c / N) for a long run (k = 16); for n articles:"
          " n / (fixed + n x (s(N) + c / N))")
    for workers in (w, 10, 100):
        serial = per_task / CHUNK + client
        steady = 1 / (serial + compute / workers)
        k = max(1, min(CHUNK, n // (workers * 4) or 1))
        serial_n = per_task / k + client
        run = n / (fixed + n * (serial_n + compute / workers))
        share = serial / (serial + compute / workers)
        print(f"  N = {workers:3}: long run {steady:7.1f} articles/s (serial share {share:.1%});"
              f" these {n} (k = {k}): {run:7.1f} articles/s")
    serial = per_task / CHUNK + client
    print(f"  ceiling as N grows: 1 / s = {1 / serial:,.0f} articles/s; at N = 100 the scheduler hands out"
          f" {100 / (CHUNK * compute):.0f} tasks/s of {CHUNK * compute * 1e3:.0f} ms each")

if __name__ == "__main__":
    main()
