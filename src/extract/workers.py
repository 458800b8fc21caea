"""The worker side of a batch run, and the pool that feeds it: chunks out, outcomes back in input order.

Each worker process loads the model once and runs `core.prepare` → `core.parse` (`nlp.pipe`, long texts
in pieces) → `core.build_record` on a chunk. At most a few chunks are in flight, so memory stays flat
however many files there are.
A worker that dies (the out-of-memory killer's SIGKILL) breaks the pool: the chunks that were in flight
are retried once in a new pool, one at a time, then input by input, so only the input that kills a
worker fails. Workers exit when the parent dies, so a killed run leaves no process behind.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import gc
import hashlib
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from extract.inputs import MAX_BYTES, InputError, Source, decode, read_bytes
from extract.records import Record
from extract.state import Stamp

CHUNK = 16  # articles per task sent to a worker: 8, 16 and 32 measured 51, 53 and 52 articles/s with -j 2
IN_PROCESS_BELOW = 24  # fewer pending articles than this: starting worker processes costs more than it saves
WORKER_DIED = "worker process died while processing this input (killed, e.g. by the out-of-memory killer)"
_PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class Item:
    source: str  # the name for the record, the state and messages (valid UTF-8)
    path: str | None  # the file to read, exactly as the file system names it
    data: bytes | None = None  # stdin's bytes, read by the main process (up to one byte over the limit)


@dataclass(frozen=True)
class Outcome:
    source: str
    record: str | None = None  # the record as JSON
    error: str | None = None
    stamp: Stamp | None = None  # the input as it was read, for the state


class WorkerSetupError(Exception):
    """The worker could not load the pipeline: the whole run stops with this one-line message."""


_worker: dict = {}


def _watch_parent(parent_pid: int) -> None:
    """Exit when the parent dies: PR_SET_PDEATHSIG on Linux, and a thread checking the parent's pid
    everywhere (and in case the parent died before the first could be set)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(AttributeError, OSError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent_pid:
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != parent_pid:
                os._exit(1)

    threading.Thread(target=watch, name="extract-parent-watch", daemon=True).start()


def worker_signals() -> None:
    """Ctrl-C reaches the whole process group: workers ignore SIGINT and the parent decides when to stop.
    SIGTERM gets its default action back (a forked worker inherits the parent's handler, which would only
    set a flag): the executor stops the surviving workers of a broken pool with it, and waits for them."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def init_worker(model: str | None, patterns: tuple[Path, ...], published: str | None, pretty: bool,
                ignore_signals: bool, parent_pid: int | None = None) -> None:
    """Load the pipeline once per process; a failure is kept and reported by the first chunk."""
    if ignore_signals:
        worker_signals()
    if parent_pid is not None:
        _watch_parent(parent_pid)
    key = (model, tuple((str(p), *_stamp(p)) for p in patterns))
    if _worker.get("key") == key and "nlp" in _worker:  # a -j 1 run in a process that has the pipeline already
        _worker.update(published=published, pretty=pretty)
        return
    _worker.clear()
    try:
        from threadpoolctl import threadpool_limits

        from extract.pipeline import load_nlp

        threadpool_limits(1, user_api="blas")  # parallelism is the worker processes; a BLAS thread more only spins
        _worker.update(nlp=load_nlp(model, patterns), published=published, pretty=pretty, key=key)
    except Exception as err:  # a bad --model or pattern: one message, not a traceback per worker
        name = model or "the default model"
        _worker["setup_error"] = f"cannot load the spaCy pipeline {name}: {type(err).__name__}: {err}".splitlines()[0]
    gc.freeze()  # the model's objects live as long as the worker: keep them out of every garbage collection


def _stamp(path: Path) -> tuple[int, int]:
    """What tells a changed pattern file from the one a loaded pipeline was built with."""
    try:
        info = Path(path).stat()
    except OSError:
        return (-1, -1)
    return (info.st_mtime_ns, info.st_size)


def _read(item: Item) -> tuple[str, tuple[str, ...], Stamp]:
    """The article's text, and the file's size and modification time taken *before* reading: a file that
    changes while it is read or processed then looks changed to the next run, which processes it again."""
    size = mtime_ns = None
    if item.data is not None:  # stdin gets the same checks and decoding as a file
        data = item.data
        if len(data) > MAX_BYTES:
            raise InputError(f"too large: over {MAX_BYTES:,} bytes")
    else:
        with contextlib.suppress(OSError, TypeError):  # read_bytes says what is wrong with the file
            st = os.stat(item.path)  # type: ignore[arg-type]
            size, mtime_ns = st.st_size, st.st_mtime_ns
        data = read_bytes(Source(item.source, Path(item.path) if item.path else None))
    decoded = decode(data)
    return decoded.text, decoded.warnings, Stamp(hashlib.sha256(data).hexdigest(), size, mtime_ns)


def process_chunk(items: list[Item]) -> list[Outcome]:
    """Read, parse (one `nlp.pipe` call) and extract a chunk of articles; a bad article fails alone."""
    if "setup_error" in _worker:
        raise WorkerSetupError(_worker["setup_error"])
    outcomes = _process(items)
    _return_freed_memory()  # the chunk's docs and arrays are gone now
    return outcomes


def _return_freed_memory() -> None:
    """Free the last chunk's docs now and give the freed heap pages back to the system.

    A parsed doc sits in reference cycles (spans cached in its `user_data`), so it waits for a full garbage
    collection, and glibc keeps freed memory for reuse, leaving the heap fragmented by the model's large
    short-lived arrays: with -j 1, RSS crept from 421 MB after 500 articles to 575 MB after 2,000. Collecting
    and `malloc_trim` after each chunk keep it between 160 and 180 MB at no measurable cost. What survives a
    collection is frozen out of the next ones (~2 ms instead of ~4 ms): it outlives chunks (the model, the
    word caches), and what those caches drop is acyclic, so freed without a collection (checked for the
    per-date dateparsers: 3,000 publication dates, flat RSS). Other C libraries (musl, macOS) have no
    `malloc_trim` and need none.
    """
    gc.collect()
    gc.freeze()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL(None).malloc_trim
    except (AttributeError, OSError):
        return None


def _process(items: list[Item]) -> list[Outcome]:
    from extract.core import SECTION_CHARS, Options, build_in_sections, build_record, parse, prepare

    nlp, published, pretty = _worker["nlp"], _worker["published"], _worker["pretty"]
    outcomes: list[Outcome | None] = [None] * len(items)
    ready = []
    for i, item in enumerate(items):
        try:
            text, warnings, stamp = _read(item)
        except InputError as err:
            outcomes[i] = Outcome(item.source, error=str(err))
            continue
        article = prepare(text)
        if len(article.body) > SECTION_CHARS:  # book-length: section by section, memory bounded
            options = Options(source=item.source, published=published)
            outcomes[i] = _outcome(item, warnings, stamp, pretty,
                                   lambda a=article, o=options: build_in_sections(a, nlp, o))
            continue
        ready.append((i, item, article, warnings, stamp))
    try:
        docs = list(parse(nlp, (article.body for _, _, article, _, _ in ready), batch_size=len(ready) or 1))
    except Exception:  # one odd text must not cost the chunk: parse one by one
        docs = []
        for _, _, article, _, _ in ready:
            try:
                docs.append(next(parse(nlp, [article.body])))
            except Exception:
                docs.append(None)
    for (i, item, article, warnings, stamp), doc in zip(ready, docs, strict=True):
        options = Options(source=item.source, published=published)
        outcomes[i] = _outcome(item, warnings, stamp, pretty,
                               lambda a=article, d=doc, o=options: build_record(a, _parsed(d), o))
    return [o for o in outcomes if o is not None]


def _parsed(doc):
    if doc is None:
        raise RuntimeError("the spaCy pipeline failed on this text")
    return doc


def _outcome(item: Item, warnings: tuple[str, ...], stamp: Stamp, pretty: bool, make: Callable[[], Record]) -> Outcome:
    """One article's outcome: its record, or the error that stopped it (one article must not stop the batch)."""
    try:
        record = make()
        if warnings:
            record.warnings[:0] = list(warnings)
        return Outcome(item.source, record=record.model_dump_json(indent=2 if pretty else None), stamp=stamp)
    except Exception as err:
        return Outcome(item.source, error=f"internal error: {type(err).__name__}: {err}")


# --- the pool ------------------------------------------------------------------------------------


def _chunks(items: list[Item], size: int) -> Iterator[list[Item]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def results(work: list[Item], init_args: tuple, jobs: int, stopped: Callable[[], bool],
            batch_size: int = 32) -> Iterator[Outcome]:
    """Outcomes in input order, from this process or from a pool with a bounded window in flight.

    `init_args` are `init_worker`'s (model, patterns, published, pretty). Stops feeding new chunks once
    `stopped()` is true, and yields what was in flight.
    """
    if not work:  # nothing new: no model to load
        return
    if jobs <= 1 or len(work) < IN_PROCESS_BELOW:
        init_worker(*init_args, ignore_signals=False)
        if "setup_error" in _worker:
            raise WorkerSetupError(_worker["setup_error"])
        for chunk in _chunks(work, batch_size):
            if stopped():
                return
            yield from process_chunk(chunk)
        return
    size = max(1, min(CHUNK, len(work) // (jobs * 4) or 1))
    yield from _pooled(deque((chunk, 0) for chunk in _chunks(work, size)), init_args, jobs, stopped)


def _end_broken(pool: ProcessPoolExecutor) -> None:
    """Stop a broken pool for good, without waiting: its surviving workers may be busy with a long chunk."""
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        with contextlib.suppress(OSError, AttributeError, ValueError):
            process.kill()
    pool.shutdown(wait=False, cancel_futures=True)


def _pooled(pending: deque[tuple[list[Item], int]], init_args: tuple, jobs: int, stopped: Callable[[], bool],
            task: Callable[[list[Item]], list[Outcome]] = process_chunk,
            initializer: Callable[..., None] = init_worker) -> Iterator[Outcome]:
    """Run (chunk, attempt) pairs on a pool, in order, surviving workers that die (see the module docstring).
    `task` and `initializer` are the worker's functions, replaceable for tests."""

    def new_pool() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(jobs, initializer=initializer, initargs=(*init_args, True, os.getpid()))

    pool = new_pool()
    window: deque[tuple[Future, list[Item], int]] = deque()
    try:
        while pending or window:
            careful = any(attempt for _, attempt in pending) or any(attempt for _, _, attempt in window)
            limit = 1 if careful else jobs * 3
            broken = False
            while pending and len(window) < limit and not stopped():
                chunk, attempt = pending[0]
                try:
                    future = pool.submit(task, chunk)
                except BrokenProcessPool:  # a worker died since the last result: handled below
                    broken = True
                    break
                pending.popleft()
                window.append((future, chunk, attempt))
            if not window and not broken:
                return
            try:
                if not window:
                    raise BrokenProcessPool("a worker died")
                future, chunk, attempt = window[0]
                outcomes = future.result()
                window.popleft()
            except BrokenProcessPool:
                lost = [(c, a) for _, c, a in window]
                window.clear()
                _end_broken(pool)
                if stopped():
                    return
                pool = new_pool()
                if len(lost) == 1 and lost[0][1]:  # alone, and a retry: it holds an input that kills workers
                    chunk = lost[0][0]
                    if len(chunk) == 1:
                        yield Outcome(chunk[0].source, error=WORKER_DIED)
                        continue
                    retry = [([item], 1) for item in chunk]  # each input gets a try of its own
                else:  # in flight together: which one died is unknown, so each chunk gets a retry alone
                    retry = [(c, a + 1) for c, a in lost]
                pending.extendleft(reversed(retry))
                continue
            yield from outcomes
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
